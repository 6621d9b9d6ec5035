/* The callback server's request parser: the request line of one HTTP/1.x request head,
 * its path and the query parameters sign-in reads. Pure; the server does the I/O. */
#include "auth/auth.h"

#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"

bool auth_callback_state_matches(const char *got, const char *want)
{
	size_t n = strlen(want);
	unsigned char diff = 0;

	if (strlen(got) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(got[i] ^ want[i]);
	return diff == 0;
}

void auth_callback_request_free(struct auth_callback_request *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->code);
	free(r->state);
	free(r->error);
	free(r->error_description);
	memset(r, 0, sizeof *r);
}

/* Decodes s[0..n): %XX escapes (a malformed one is kept as written, as a URL parser
 * does) and, in a query, '+' as a space. Malloc'ed, or NULL. A decoded NUL ends the
 * C string early; nothing sign-in compares can contain one. */
static char *decode(const char *s, size_t n, bool plus_is_space)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = ascii_hex_value(s[i + 1])) >= 0 &&
		    (lo = ascii_hex_value(s[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Stores the value of one name=value pair when it is one sign-in reads (the first of
 * repeated ones wins). -1 when memory runs out. */
static int take_param(struct auth_callback_request *out, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	size_t klen = eq ? (size_t)(eq - p) : n;
	const char *v = eq ? eq + 1 : p + n;
	size_t vlen = (size_t)(p + n - v);
	char *key = decode(p, klen, true), **slot = NULL;

	if (!key)
		return -1;
	if (strcmp(key, "code") == 0)
		slot = &out->code;
	else if (strcmp(key, "state") == 0)
		slot = &out->state;
	else if (strcmp(key, "error") == 0)
		slot = &out->error;
	else if (strcmp(key, "error_description") == 0)
		slot = &out->error_description;
	free(key);
	if (!slot || *slot)
		return 0;
	*slot = decode(v, vlen, true);
	return *slot ? 0 : -1;
}

static int parse_query(struct auth_callback_request *out, const char *q, size_t n)
{
	while (n > 0) {
		const char *amp = memchr(q, '&', n);
		size_t len = amp ? (size_t)(amp - q) : n;
		if (len > 0 && take_param(out, q, len) < 0)
			return -1;
		if (!amp)
			break;
		n -= len + 1;
		q = amp + 1;
	}
	return 0;
}

/* The end of the head: the offset after the blank line, or 0 when none yet. */
static size_t head_end(const char *d, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (d[i] == '\n' && d[i + 1] == '\n')
			return i + 2;
		if (i + 3 < len && memcmp(d + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	}
	return 0;
}

enum auth_callback_status auth_callback_parse(const char *data, size_t len,
					      struct auth_callback_request *out)
{
	const char *line_end, *sp1, *sp2, *target, *q;
	size_t line_len, tlen;

	memset(out, 0, sizeof *out);
	if (len > AUTH_CALLBACK_HEAD_MAX)
		len = AUTH_CALLBACK_HEAD_MAX;
	if (head_end(data, len) == 0)
		return len >= AUTH_CALLBACK_HEAD_MAX ? AUTH_CALLBACK_BAD : AUTH_CALLBACK_NEED_MORE;
	line_end = memchr(data, '\n', len);
	line_len = (size_t)(line_end - data);
	if (line_len > 0 && data[line_len - 1] == '\r')
		line_len--;
	sp1 = memchr(data, ' ', line_len);
	if (!sp1 || sp1 == data || (size_t)(sp1 - data) >= sizeof out->method)
		return AUTH_CALLBACK_BAD;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', line_len - (size_t)(target - data));
	if (!sp2 || sp2 == target || *target != '/')
		return AUTH_CALLBACK_BAD;
	if ((size_t)(data + line_len - (sp2 + 1)) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return AUTH_CALLBACK_BAD;
	for (const char *c = data; c < sp1; c++)
		if (*c < 'A' || *c > 'Z')
			return AUTH_CALLBACK_BAD;
	memcpy(out->method, data, (size_t)(sp1 - data));
	out->method[sp1 - data] = '\0';
	tlen = (size_t)(sp2 - target);
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)target[i] <= ' ' || target[i] == 0x7f)
			return AUTH_CALLBACK_BAD;
	q = memchr(target, '?', tlen);
	out->path = decode(target, q ? (size_t)(q - target) : tlen, false);
	if (!out->path)
		goto bad;
	if (q && parse_query(out, q + 1, tlen - (size_t)(q + 1 - target)) < 0)
		goto bad;
	return AUTH_CALLBACK_DONE;
bad:
	/* Only memory running out gets here: the request is refused like a bad one. */
	auth_callback_request_free(out);
	return AUTH_CALLBACK_BAD;
}
