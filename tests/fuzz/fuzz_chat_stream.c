/* Fuzz target: a Chat Completions stream (SSE) aggregated into ResponseItems, and those
 * items sent back out, as the next request would: through the Chat mapping and the
 * Responses body. Whole and in pieces (size from the first byte), with the same result. */
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

static void keep_item(void *arg, const cJSON *item)
{
	cJSON *items = arg;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "type");

	check(cJSON_IsString(t));
	cJSON_AddItemToArray(items, cJSON_Duplicate(item, 1));
}

static void delta(void *arg, const char *d, size_t len)
{
	check(strlen(d) == len);
}

static void raw(void *arg, int i, const char *d, size_t len)
{
	check(i == 0 && strlen(d) == len);
}

static uint64_t run(const uint8_t *data, size_t size, size_t step, cJSON *items)
{
	struct model_stream_events ev = {items, NULL, keep_item, delta, NULL, raw,
					 NULL, NULL, NULL, NULL, NULL};
	struct model_emit em = {&ev, false};
	struct chat_decoder d;
	struct sse_parser p;
	struct wire_outcome out = {0};
	enum wire_status st = WIRE_CONTINUE;
	size_t off = 0;

	sse_init(&p);
	chat_decoder_init(&d);
	while (off < size && st == WIRE_CONTINUE && sse_status(&p) != SSE_ERROR) {
		size_t n = step ? step : size;
		if (n > size - off)
			n = size - off;
		while (n > 0 && st == WIRE_CONTINUE) {
			size_t took = sse_push(&p, (const char *)data + off, n);
			off += took;
			n -= took;
			if (sse_status(&p) == SSE_EVENT) {
				size_t len;
				const char *ed = sse_event_data(&p, &len);
				st = chat_event(&d, &em, ed, len, &out);
				sse_event_done(&p);
			} else if (sse_status(&p) == SSE_ERROR) {
				break;
			}
		}
	}
	if (st == WIRE_CONTINUE && sse_status(&p) != SSE_ERROR)
		st = chat_stream_end(&d, &em, &out);
	if (st == WIRE_COMPLETED)
		check(out.response_id && !*out.response_id);
	wire_outcome_clear(&out);
	chat_decoder_free(&d);
	sse_free(&p);
	return (uint64_t)st * 1000 + (uint64_t)cJSON_GetArraySize(items);
}

static void send_back(cJSON *items)
{
	struct model_provider pv = {0};
	struct model_prompt pr = {.model = "m", .instructions = "i", .input = items, .tools = NULL};
	struct err e;
	size_t len;
	char *s;

	pv.base_url = "http://x";
	s = model_chat_body(&pr, &len, &e);
	check(s != NULL);
	free(s);
	s = model_responses_body(&pv, "sid", &pr, &len, &e);
	check(s != NULL);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *a = cJSON_CreateArray(), *b = cJSON_CreateArray();
	char *sa, *sb;

	if (size == 0 || !a || !b) {
		cJSON_Delete(a);
		cJSON_Delete(b);
		return 0;
	}
	check(run(data + 1, size - 1, 0, a) == run(data + 1, size - 1, data[0] % 13 + 1, b));
	sa = cJSON_PrintUnformatted(a);
	sb = cJSON_PrintUnformatted(b);
	check(sa && sb && strcmp(sa, sb) == 0);
	free(sa);
	free(sb);
	send_back(a);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return 0;
}
