#include "base/rfc3339.h"

#include <stdio.h>
#include <string.h>

void rfc3339_format(const struct timespec *t, int digits, char out[RFC3339_MAX])
{
	struct tm tm;
	time_t sec = t->tv_sec;
	long ns = t->tv_nsec;
	size_t n;

	if (ns < 0 || ns > 999999999)
		ns = 0;
	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof tm);
	if (digits == RFC3339_AUTO)
		digits = ns == 0 ? 0 : ns % 1000000 == 0 ? 3 : ns % 1000 == 0 ? 6 : 9;
	n = strftime(out, RFC3339_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0) {
		snprintf(out, RFC3339_MAX, "1970-01-01T00:00:00Z");
		return;
	}
	switch (digits) {
	case 3:
		snprintf(out + n, RFC3339_MAX - n, ".%03ldZ", ns / 1000000);
		break;
	case 6:
		snprintf(out + n, RFC3339_MAX - n, ".%06ldZ", ns / 1000);
		break;
	case 9:
		snprintf(out + n, RFC3339_MAX - n, ".%09ldZ", ns);
		break;
	default:
		snprintf(out + n, RFC3339_MAX - n, "Z");
	}
}

struct timespec rfc3339_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0) {
		/* CLOCK_REALTIME cannot fail on Linux; time() is the fallback anyway. */
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	return ts;
}

/* Reads exactly n digits at *p. */
static int digits_at(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect_char(const char **p, const char *any)
{
	if (**p == '\0' || !strchr(any, **p))
		return -1;
	++*p;
	return 0;
}

int rfc3339_parse(const char *s, struct timespec *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long ns = 0;
	time_t t;

	if (digits_at(&s, 4, &y) < 0 || expect_char(&s, "-") < 0 || digits_at(&s, 2, &mo) < 0 ||
	    expect_char(&s, "-") < 0 || digits_at(&s, 2, &d) < 0 || expect_char(&s, "Tt ") < 0 ||
	    digits_at(&s, 2, &h) < 0 || expect_char(&s, ":") < 0 || digits_at(&s, 2, &mi) < 0 ||
	    expect_char(&s, ":") < 0 || digits_at(&s, 2, &sec) < 0)
		return -1;
	if (*s == '.') {
		int nd = 0;
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, nd++)
			if (nd < 9)
				ns = ns * 10 + (*s - '0');
		for (; nd < 9; nd++)
			ns *= 10;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		s++;
		if (digits_at(&s, 2, &oh) < 0 || expect_char(&s, ":") < 0 ||
		    digits_at(&s, 2, &om) < 0 || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	t -= (time_t)sign * (oh * 3600 + om * 60);
	out->tv_sec = t;
	out->tv_nsec = ns;
	return 0;
}
