/* Private to src/proxy: decisions as JSON audit lines, the ring of the last
 * PROXY_BLOCKED_RING blocked requests, and the human summary. Loop thread only. */
#ifndef CODEX_PROXY_AUDIT_H
#define CODEX_PROXY_AUDIT_H

#include "proxy/proxy.h"

struct audit {
	int fd;                    /* borrowed; -1 = no audit lines */
	proxy_record_fn *cb;
	void *cb_arg;
	struct proxy_blocked ring[PROXY_BLOCKED_RING];
	size_t head;               /* index of the oldest record */
	size_t count;
	uint64_t total;            /* blocks since start (the ring keeps the last 200) */
	uint64_t write_errors;     /* audit lines that could not be written */
};

void audit_init(struct audit *a, int fd, proxy_record_fn *cb, void *cb_arg);
/* Writes the line, calls the observer and, for policy blocks, fills the ring. */
void audit_record(struct audit *a, const struct proxy_record *r, enum network_mode mode);
/* The audit line for r (no newline):
 * {"time":"2026-03-01T12:00:00.000Z","protocol":"http","client":"127.0.0.1:5555",
 *  "host":"a.test","port":80,"method":"GET","decision":"deny","reason":"not_allowed",
 *  "bytes_up":0,"bytes_down":0,"duration_ms":0} */
int audit_json_line(const struct proxy_record *r, struct buf *out) WARN_UNUSED;
size_t audit_snapshot(const struct audit *a, struct proxy_blocked *out, size_t max);
/* {"blocked":[BlockedRequest...]} in upstream's field names; drain empties the ring. */
int audit_blocked_json(struct audit *a, bool drain, struct buf *out) WARN_UNUSED;
int audit_summary(const struct audit *a, struct buf *out) WARN_UNUSED;
/* Appends s as a JSON string literal (quoted, escaped). */
int json_put_string(struct buf *out, const char *s) WARN_UNUSED;

#endif
