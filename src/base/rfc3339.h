/* RFC 3339 timestamps in UTC, as upstream writes them: rollout lines use milliseconds
 * ("2025-10-05T12:34:56.789Z"), auth.json's last_refresh uses chrono's automatic
 * precision (0, 3, 6 or 9 digits, whatever the value needs). Pure, no I/O. */
#ifndef CODEX_BASE_RFC3339_H
#define CODEX_BASE_RFC3339_H

#include <time.h>

/* "YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ" and its NUL, with room for five-digit years. */
#define RFC3339_MAX 40

/* The precision chrono picks for its "AutoSi" format: no fraction when the nanoseconds
 * are zero, else the fewest of 3, 6 or 9 digits that hold them exactly. */
#define RFC3339_AUTO (-1)

/* Formats t in UTC with digits fraction digits (0, 3, 6 or 9; truncated, never
 * rounded up into the next second) or RFC3339_AUTO. */
void rfc3339_format(const struct timespec *t, int digits, char out[RFC3339_MAX]);

/* The current time (CLOCK_REALTIME). */
struct timespec rfc3339_now(void);

/* Parses "YYYY-MM-DDThh:mm:ss" with an optional fraction (up to 9 digits used, more are
 * ignored) and "Z" or an offset "+hh:mm" / "-hh:mm" ('t', 'z' and a space for 'T'
 * accepted). 0 and *out (UTC) on success, -1 when s is not such a timestamp. */
int rfc3339_parse(const char *s, struct timespec *out);

#endif
