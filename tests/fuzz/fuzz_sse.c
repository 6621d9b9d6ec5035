/* Fuzz target: the SSE parser and the Responses event decoding behind it, as the model
 * client runs them on a stream. The input is parsed whole and again in pieces whose size
 * comes from its first byte: the parser is resumable, so both runs must see the same
 * events and end the same way. Callbacks touch everything they are given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"
#include "model/sse.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static size_t touched;

static void touch_item(void *arg, const cJSON *item)
{
	char *s = cJSON_PrintUnformatted(item);

	check(cJSON_IsObject(item));
	touched += s ? strlen(s) : 0;
	free(s);
}

static void touch_text(void *arg, const char *d, size_t len)
{
	check(strlen(d) == len);
	touched += len;
}

static void touch_indexed(void *arg, int i, const char *d, size_t len)
{
	check(i >= 0);
	touch_text(arg, d, len);
}

static void touch_break(void *arg)
{
	touched++;
}

static const struct model_stream_events events = {
	NULL, touch_item, touch_item, touch_text, touch_indexed, touch_indexed, touch_break,
	NULL, NULL, NULL, NULL};

/* Runs the stream in pieces of step bytes (0: whole); returns a digest of what happened:
 * events seen, and how the stream ended. */
static uint64_t run(const uint8_t *data, size_t size, size_t step)
{
	struct sse_parser p;
	struct model_emit em = {&events, false};
	uint64_t digest = 0;
	size_t off = 0;

	sse_init(&p);
	while (off < size) {
		size_t n = step ? step : size;
		if (n > size - off)
			n = size - off;
		while (n > 0) {
			size_t took = sse_push(&p, (const char *)data + off, n);
			off += took;
			n -= took;
			if (sse_status(&p) == SSE_EVENT) {
				struct wire_outcome out = {0};
				size_t len;
				const char *d = sse_event_data(&p, &len);
				enum wire_status st;
				check(len <= LIMIT_SSE_EVENT_BYTES && d[len] == '\0');
				check(strlen(sse_event_type(&p)) <= LIMIT_SSE_EVENT_NAME);
				st = responses_event(&em, sse_event_type(&p), d, len, &out);
				digest = digest * 31 + (uint64_t)st + 1;
				if (st == WIRE_COMPLETED)
					check(out.response_id != NULL);
				if (st == WIRE_FATAL || st == WIRE_RETRY)
					check(out.e.msg[0] != '\0');
				wire_outcome_clear(&out);
				sse_event_done(&p);
				if (st != WIRE_CONTINUE) {
					sse_free(&p);
					return digest * 7 + 1;
				}
			} else if (sse_status(&p) == SSE_ERROR) {
				sse_free(&p);
				return digest * 7 + 2;
			} else {
				check(n == 0);
			}
		}
	}
	check(sse_status(&p) == SSE_NEED_MORE);
	sse_free(&p);
	return digest * 7 + 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	check(run(data + 1, size - 1, 0) == run(data + 1, size - 1, step));
	return 0;
}
