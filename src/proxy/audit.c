/* Audit lines, the blocked ring and the summary: see audit.h. */
#include "proxy/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/file.h"

void audit_init(struct audit *a, int fd, proxy_record_fn *cb, void *cb_arg)
{
	memset(a, 0, sizeof *a);
	a->fd = fd;
	a->cb = cb;
	a->cb_arg = cb_arg;
}

int json_put_string(struct buf *out, const char *s)
{
	if (buf_putc(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		if (*p == '"' || *p == '\\')
			rc = buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			rc = buf_puts(out, "\\n");
		else if (*p < 0x20 || *p >= 0x7f)
			rc = buf_printf(out, "\\u%04x", *p); /* bytes, not text: keep it ASCII */
		else
			rc = buf_putc(out, (char)*p);
		if (rc < 0)
			return -1;
	}
	return buf_putc(out, '"');
}

static int put_time(struct buf *out, int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&s, &tm))
		return buf_puts(out, "\"1970-01-01T00:00:00.000Z\"");
	return buf_printf(out, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
			  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			  (int)(ms % 1000));
}

int audit_json_line(const struct proxy_record *r, struct buf *out)
{
	bool allow = r->reason == PROXY_REASON_ALLOW;

	if (buf_puts(out, "{\"time\":") < 0 || put_time(out, r->start_ms) < 0 ||
	    buf_puts(out, ",\"protocol\":") < 0 || json_put_string(out, r->protocol) < 0 ||
	    buf_puts(out, ",\"client\":") < 0 || json_put_string(out, r->client) < 0 ||
	    buf_puts(out, ",\"host\":") < 0 || json_put_string(out, r->host) < 0 ||
	    buf_printf(out, ",\"port\":%u,\"method\":", r->port) < 0 ||
	    json_put_string(out, r->method) < 0 ||
	    buf_printf(out,
		       ",\"decision\":\"%s\",\"reason\":\"%s\",\"bytes_up\":%" PRIu64
		       ",\"bytes_down\":%" PRIu64 ",\"duration_ms\":%" PRId64 "}",
		       allow ? "allow" : "deny", proxy_reason_str(r->reason), r->bytes_up,
		       r->bytes_down, r->duration_ms) < 0)
		return -1;
	return 0;
}

/* Upstream's BlockedRequest protocol names differ from the audit protocol names. */
static const char *blocked_protocol(const char *protocol)
{
	if (strcmp(protocol, "https_connect") == 0)
		return "http-connect";
	if (strcmp(protocol, "socks5_tcp") == 0)
		return "socks5";
	if (strcmp(protocol, "socks5_udp") == 0)
		return "socks5-udp";
	return protocol;
}

void audit_record(struct audit *a, const struct proxy_record *r, enum network_mode mode)
{
	if (a->fd >= 0) {
		struct buf line;
		buf_init(&line, 4096);
		if (audit_json_line(r, &line) < 0 || buf_putc(&line, '\n') < 0 ||
		    fd_write_all(a->fd, line.data, line.len) < 0)
			a->write_errors++;
		buf_free(&line);
	}
	if (a->cb)
		a->cb(a->cb_arg, r);
	if (!proxy_reason_is_block(r->reason))
		return;
	struct proxy_blocked *b;
	if (a->count < PROXY_BLOCKED_RING) {
		b = &a->ring[(a->head + a->count) % PROXY_BLOCKED_RING];
		a->count++;
	} else {
		b = &a->ring[a->head];
		a->head = (a->head + 1) % PROXY_BLOCKED_RING;
	}
	memset(b, 0, sizeof *b);
	b->time_s = r->start_ms / 1000;
	snprintf(b->protocol, sizeof b->protocol, "%s", blocked_protocol(r->protocol));
	snprintf(b->host, sizeof b->host, "%s", r->host);
	snprintf(b->method, sizeof b->method, "%s", r->method);
	snprintf(b->client, sizeof b->client, "%s", r->client);
	b->port = r->port;
	b->reason = r->reason;
	b->mode = mode;
	b->unresolved = r->unresolved;
	a->total++;
}

size_t audit_snapshot(const struct audit *a, struct proxy_blocked *out, size_t max)
{
	size_t n = a->count < max ? a->count : max;
	/* The newest n when max is short: the summary is about what happened last. */
	size_t skip = a->count - n;

	for (size_t k = 0; k < n; k++)
		out[k] = a->ring[(a->head + skip + k) % PROXY_BLOCKED_RING];
	return n;
}

int audit_blocked_json(struct audit *a, bool drain, struct buf *out)
{
	if (buf_puts(out, "{\"blocked\":[") < 0)
		return -1;
	for (size_t k = 0; k < a->count; k++) {
		const struct proxy_blocked *b = &a->ring[(a->head + k) % PROXY_BLOCKED_RING];
		const char *source =
			b->reason == PROXY_REASON_METHOD_NOT_ALLOWED ? "mode_guard" : "baseline_policy";
		if ((k && buf_putc(out, ',') < 0) || buf_puts(out, "{\"host\":") < 0 ||
		    json_put_string(out, b->host) < 0 ||
		    buf_printf(out, ",\"reason\":\"%s\",\"client\":", proxy_reason_str(b->reason)) < 0 ||
		    json_put_string(out, b->client) < 0 || buf_puts(out, ",\"method\":") < 0 ||
		    json_put_string(out, b->method) < 0 ||
		    buf_printf(out,
			       ",\"mode\":\"%s\",\"protocol\":\"%s\",\"decision\":\"deny\","
			       "\"source\":\"%s\",\"port\":%u,\"timestamp\":%" PRId64 "}",
			       network_mode_str(b->mode), b->protocol, source, b->port, b->time_s) < 0)
			return -1;
	}
	if (buf_puts(out, "]}") < 0)
		return -1;
	if (drain) {
		a->head = 0;
		a->count = 0;
	}
	return 0;
}

int audit_summary(const struct audit *a, struct buf *out)
{
	enum { NAMED = 5 };
	size_t seen = 0, more = 0;
	const struct proxy_blocked *named[NAMED];

	if (a->total == 0)
		return 0;
	if (buf_printf(out, "blocked %" PRIu64 " request%s: ", a->total, a->total == 1 ? "" : "s") < 0)
		return -1;
	for (size_t k = 0; k < a->count; k++) {
		const struct proxy_blocked *b = &a->ring[(a->head + k) % PROXY_BLOCKED_RING];
		bool dup = false;
		for (size_t m = 0; m < seen && !dup; m++)
			dup = named[m]->port == b->port && named[m]->reason == b->reason &&
			      named[m]->unresolved == b->unresolved &&
			      strcmp(named[m]->host, b->host) == 0;
		if (dup)
			continue;
		if (seen == NAMED) {
			more++;
			continue;
		}
		named[seen] = b;
		bool v6 = strchr(b->host, ':') != NULL;
		if (buf_printf(out, "%s%s%s%s:%u (%s)", seen ? ", " : "", v6 ? "[" : "", b->host,
			       v6 ? "]" : "", b->port,
			       b->unresolved ? "could not resolve" : proxy_reason_human(b->reason)) < 0)
			return -1;
		seen++;
	}
	if (more && buf_printf(out, " and %zu more", more) < 0)
		return -1;
	return 0;
}
