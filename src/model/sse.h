/* A server-sent events parser (the text/event-stream format of the WHATWG HTML spec),
 * private to src/model/ (its tests and fuzz target use it too).
 *
 * An engine without I/O, after BearSSL's push decoders: the caller owns the state
 * (embed it, or put it on the stack), feeds bytes split anywhere with sse_push, which
 * stops after each complete event and says how many bytes it took. Lines end with LF,
 * CR LF or CR (a CR at the end of one push and an LF at the start of the next are one
 * line end). `event:` sets the type, `data:` lines are joined with LF, comments (`:`)
 * and other fields (`id:`, `retry:`) are skipped, a blank line dispatches the event; an
 * event without data is not dispatched. A leading UTF-8 byte order mark is skipped.
 *
 * Limits (base/limits.h): an event's data over LIMIT_SSE_EVENT_BYTES or a type over
 * LIMIT_SSE_EVENT_NAME stops the parser with an error, which sticks. */
#ifndef CODEX_MODEL_SSE_H
#define CODEX_MODEL_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/limits.h"

enum sse_status {
	SSE_NEED_MORE, /* push more bytes */
	SSE_EVENT,     /* an event is ready: read it, then sse_event_done */
	SSE_ERROR      /* sse_error says why; every later push takes nothing */
};

enum sse_field { SSE_FIELD_NONE, SSE_FIELD_EVENT, SSE_FIELD_DATA, SSE_FIELD_SKIP };

struct sse_parser {
	enum sse_status status;
	/* Where in a line we are. */
	bool line_start;          /* at the first byte of a line */
	bool in_value;            /* past the field's ':' */
	bool value_started;       /* the one optional space after ':' is behind us */
	bool after_cr;            /* the last byte was a CR: a following LF ends nothing */
	bool bom_checked;
	unsigned char bom_seen;   /* bytes of a byte order mark matched so far */
	enum sse_field field;
	char name[8];             /* the field name being read ("event", "data") */
	size_t name_len;
	/* The event being built. */
	char type[LIMIT_SSE_EVENT_NAME + 1];
	size_t type_len;
	bool type_set;
	struct buf data;          /* data lines joined with LF; capped */
	bool has_data;            /* at least one data line */
	const char *error;
};

void sse_init(struct sse_parser *p);
/* Releases the data buffer; p may be sse_init'ed again. */
void sse_free(struct sse_parser *p);

/* Takes bytes up to and including the blank line that completes an event (then the
 * status is SSE_EVENT), or all of them (SSE_NEED_MORE). Takes nothing while an event
 * waits for sse_event_done, or after an error. Returns the bytes taken. */
size_t sse_push(struct sse_parser *p, const char *data, size_t len);

/* SSE_NEED_MORE when the stream ends means nothing is pending that counts: an event
 * whose blank line never came is dropped, as the spec says. */
static inline enum sse_status sse_status(const struct sse_parser *p)
{
	return p->status;
}

/* The ready event's type ("message" when it had no event: field) and data (NUL
 * terminated; len excludes the NUL), borrowed until sse_event_done. */
const char *sse_event_type(const struct sse_parser *p);
const char *sse_event_data(const struct sse_parser *p, size_t *len);
void sse_event_done(struct sse_parser *p);

const char *sse_error(const struct sse_parser *p);

#endif
