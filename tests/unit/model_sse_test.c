/* The SSE parser (src/model/sse.c): the format's rules, every split of the input, the
 * limits, and a failing allocator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/sse.h"
#include "test.h"

/* Feeds text in pieces of at most step bytes (0: split at `split` only) and renders
 * each event as "<type>=<data>;" into out. Returns the final status. */
static enum sse_status run(const char *text, size_t len, size_t step, size_t split,
			   struct buf *out)
{
	struct sse_parser p;
	size_t off = 0;
	enum sse_status st;

	sse_init(&p);
	while (off < len) {
		size_t n = step ? step : (off < split ? split - off : len - off);
		if (n > len - off)
			n = len - off;
		while (n > 0) {
			size_t took = sse_push(&p, text + off, n);
			off += took;
			n -= took;
			if (sse_status(&p) == SSE_EVENT) {
				size_t dl;
				const char *d = sse_event_data(&p, &dl);
				CHECK(strlen(d) == dl);
				/* The output may fail under the failing allocator: only the
				 * parser is under test there. */
				if (buf_printf(out, "%s=%s;", sse_event_type(&p), d) < 0)
					buf_init(out, out->max);
				sse_event_done(&p);
			} else if (sse_status(&p) == SSE_ERROR) {
				if (buf_printf(out, "ERROR(%s)", sse_error(&p)) < 0)
					buf_init(out, out->max);
				sse_free(&p);
				return SSE_ERROR;
			}
		}
	}
	st = sse_status(&p);
	sse_free(&p);
	return st;
}

static char *events_of(const char *text, size_t step)
{
	struct buf out;

	buf_init(&out, 1 << 20);
	run(text, strlen(text), step, 0, &out);
	return buf_take(&out);
}

#define CHECK_EVENTS(text, want)                       \
	do {                                           \
		char *got_ = events_of(text, 0);       \
		CHECK_STR(got_, want);                 \
		free(got_);                            \
		got_ = events_of(text, 1);             \
		CHECK_STR(got_, want);                 \
		free(got_);                            \
	} while (0)

TEST(sse_events_fields_and_line_ends)
{
	CHECK_EVENTS("event: response.created\ndata: {\"a\":1}\n\n", "response.created={\"a\":1};");
	/* No event field: "message". Data lines are joined with LF. */
	CHECK_EVENTS("data: one\ndata: two\n\n", "message=one\ntwo;");
	/* CR LF and lone CR end lines too. */
	CHECK_EVENTS("event: x\r\ndata: 1\r\n\r\nevent: y\rdata: 2\r\r", "x=1;y=2;");
	/* One optional space after the colon; more are data. */
	CHECK_EVENTS("data:a\n\ndata:  b\n\n", "message=a;message= b;");
	/* Comments and unknown fields are skipped; id/retry too. */
	CHECK_EVENTS(": keep-alive\nid: 7\nretry: 100\nfoo: bar\nevent: e\ndata: d\n\n", "e=d;");
	/* A bare "data" is an empty data line; an event with empty data is dispatched. */
	CHECK_EVENTS("data\n\n", "message=;");
	CHECK_EVENTS("data:\ndata:\n\n", "message=\n;");
	/* A blank line with no data dispatches nothing, and forgets the type. */
	CHECK_EVENTS("event: lost\n\ndata: x\n\n", "message=x;");
	/* The last event wins the type; a later event field replaces it. */
	CHECK_EVENTS("event: a\nevent: b\ndata: x\n\n", "b=x;");
	/* A field name that only starts like one of ours is another field. */
	CHECK_EVENTS("datax: 1\nevents: 2\ndata: 3\n\n", "message=3;");
	/* Data may hold anything but line ends, colons included. */
	CHECK_EVENTS("data: a:b: c\n\n", "message=a:b: c;");
	/* Several events back to back. */
	CHECK_EVENTS("data: 1\n\ndata: 2\n\ndata: 3\n\n", "message=1;message=2;message=3;");
}

TEST(sse_byte_order_mark_only_at_the_start)
{
	CHECK_EVENTS("\xEF\xBB\xBF" "data: x\n\n", "message=x;");
	/* Not a BOM after all: its bytes are content, here of a field name that is then
	 * not "data". */
	CHECK_EVENTS("\xEF\xBB" "data: x\n\ndata: y\n\n", "message=y;");
	CHECK_EVENTS("data: \xEF\xBB\xBFy\n\n", "message=\xEF\xBB\xBFy;");
}

TEST(sse_unfinished_event_is_not_dispatched)
{
	struct buf out;

	buf_init(&out, 4096);
	CHECK_INT(run("data: 1\n\ndata: partial\n", 23, 0, 0, &out), SSE_NEED_MORE);
	CHECK_STR(out.data, "message=1;");
	buf_free(&out);
}

/* Every split point and every piece size give the same events. */
TEST(sse_every_split_gives_the_same_events)
{
	static const char text[] =
		"\xEF\xBB\xBF: hello\r\n"
		"event: response.created\r\n"
		"data: {\"type\":\"response.created\"}\r\n"
		"\r\n"
		"event: response.output_text.delta\n"
		"data: {\"delta\":\"a\\nb\"}\n"
		"\n"
		"id: 3\r"
		"data: line1\r"
		"data: line2\r"
		"\r"
		"event:x\n"
		"data:\n"
		"\n";
	const size_t len = sizeof text - 1;
	struct buf want, got;

	buf_init(&want, 1 << 16);
	REQUIRE(run(text, len, len, 0, &want) == SSE_NEED_MORE);
	CHECK_STR(want.data, "response.created={\"type\":\"response.created\"};"
			     "response.output_text.delta={\"delta\":\"a\\nb\"};"
			     "message=line1\nline2;x=;");
	for (size_t split = 1; split < len; split++) {
		buf_init(&got, 1 << 16);
		run(text, len, 0, split, &got);
		if (strcmp(got.data, want.data) != 0)
			test_fail(__FILE__, __LINE__, "split at %zu: %s", split, got.data);
		buf_free(&got);
	}
	for (size_t step = 1; step < 8; step++) {
		buf_init(&got, 1 << 16);
		run(text, len, step, 0, &got);
		if (strcmp(got.data, want.data) != 0)
			test_fail(__FILE__, __LINE__, "pieces of %zu: %s", step, got.data);
		buf_free(&got);
	}
	buf_free(&want);
}

TEST(sse_push_stops_after_each_event)
{
	struct sse_parser p;
	const char *text = "data: a\n\ndata: b\n\n";
	size_t n;

	sse_init(&p);
	n = sse_push(&p, text, strlen(text));
	CHECK_INT(n, 9);
	CHECK_INT(sse_status(&p), SSE_EVENT);
	/* Nothing is taken while an event waits. */
	CHECK_INT(sse_push(&p, text + n, strlen(text) - n), 0);
	sse_event_done(&p);
	CHECK_INT(sse_push(&p, text + n, strlen(text) - n), 9);
	CHECK_INT(sse_status(&p), SSE_EVENT);
	CHECK_STR(sse_event_data(&p, &n), "b");
	sse_event_done(&p);
	sse_event_done(&p); /* harmless when no event waits */
	CHECK_INT(sse_status(&p), SSE_NEED_MORE);
	sse_free(&p);
}

TEST(sse_limits_are_sticky_errors)
{
	size_t big = LIMIT_SSE_EVENT_BYTES + 10;
	char *text = malloc(big + 16);
	char name[LIMIT_SSE_EVENT_NAME + 32];
	struct sse_parser p;
	struct buf out;

	REQUIRE(text != NULL);
	memcpy(text, "data: ", 6);
	memset(text + 6, 'x', big);
	memcpy(text + 6 + big, "\n\n", 2);
	sse_init(&p);
	sse_push(&p, text, big + 8);
	CHECK_INT(sse_status(&p), SSE_ERROR);
	CHECK_CONTAINS(sse_error(&p), "exceeds LIMIT_SSE_EVENT_BYTES");
	/* Sticky: nothing more is taken. */
	CHECK_INT(sse_push(&p, "data: ok\n\n", 10), 0);
	CHECK_INT(sse_status(&p), SSE_ERROR);
	sse_free(&p);
	free(text);
	/* An event type of exactly the limit is fine; one byte more is not. */
	memset(name, 0, sizeof name);
	memcpy(name, "event: ", 7);
	memset(name + 7, 'e', LIMIT_SSE_EVENT_NAME);
	strcat(name, "\ndata: 1\n\n");
	buf_init(&out, 4096);
	CHECK_INT(run(name, strlen(name), 0, 0, &out), SSE_NEED_MORE);
	buf_free(&out);
	memset(name + 7, 'e', LIMIT_SSE_EVENT_NAME + 1);
	strcpy(name + 7 + LIMIT_SSE_EVENT_NAME + 1, "\ndata: 1\n\n");
	buf_init(&out, 4096);
	CHECK_INT(run(name, strlen(name), 0, 0, &out), SSE_ERROR);
	CHECK_CONTAINS(out.data, "event type is longer than LIMIT_SSE_EVENT_NAME");
	buf_free(&out);
}

TEST(sse_allocation_failures)
{
	const char *text = "event: a\ndata: 0123456789\ndata: abc\n\n";

	FOR_EACH_ALLOC_FAILURE(20, {
		struct buf out;
		buf_init(&out, 4096);
		run(text, strlen(text), 0, 0, &out);
		buf_free(&out);
	});
}
