/* The stream decoders, both wires: Responses events and Chat Completions chunks into the
 * caller's callbacks, the Chat request mapping, a callback that cancels, and allocation
 * failures. The callbacks record what they get as one line of text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/internal.h"
#include "test.h"

struct rec {
	struct buf log;
	struct model_emit *em;
	int stop_after;  /* raise em->stopped after this many callbacks (0: never) */
	int calls;
};

static void note(struct rec *r, const char *fmt, const char *a, size_t len)
{
	char *copy = strndup(a, len);

	if (buf_printf(&r->log, fmt, copy ? copy : "") < 0)
		buf_init(&r->log, r->log.max);
	free(copy);
	if (r->stop_after && ++r->calls >= r->stop_after)
		r->em->stopped = true;
}

static void note_item(struct rec *r, const char *what, const cJSON *item)
{
	char *s = cJSON_PrintUnformatted(item);
	char fmt[64];

	snprintf(fmt, sizeof fmt, "%s:%%s ", what);
	note(r, fmt, s ? s : "", s ? strlen(s) : 0);
	free(s);
}

static void r_added(void *a, const cJSON *i) { note_item(a, "added", i); }
static void r_done(void *a, const cJSON *i) { note_item(a, "done", i); }
static void r_text(void *a, const char *d, size_t n) { note(a, "text:%s ", d, n); }
static void r_summary(void *a, int i, const char *d, size_t n)
{
	char fmt[32];

	snprintf(fmt, sizeof fmt, "sum%d:%%s ", i);
	note(a, fmt, d, n);
}
static void r_raw(void *a, int i, const char *d, size_t n)
{
	char fmt[32];

	snprintf(fmt, sizeof fmt, "raw%d:%%s ", i);
	note(a, fmt, d, n);
}
static void r_break(void *a) { note(a, "break%s ", "", 0); }

static const struct model_stream_events rec_events = {
	NULL, r_added, r_done, r_text, r_summary, r_raw, r_break, NULL, NULL, NULL, NULL};

struct fixture {
	struct rec rec;
	struct model_stream_events ev;
	struct model_emit em;
};

static void fixture_init(struct fixture *f, int stop_after)
{
	memset(f, 0, sizeof *f);
	buf_init(&f->rec.log, 1 << 20);
	f->ev = rec_events;
	f->ev.arg = &f->rec;
	f->em.ev = &f->ev;
	f->rec.em = &f->em;
	f->rec.stop_after = stop_after;
}

static enum wire_status resp(struct fixture *f, const char *data, struct wire_outcome *out)
{
	return responses_event(&f->em, "message", data, strlen(data), out);
}

TEST(responses_events_reach_the_callbacks)
{
	struct fixture f;
	struct wire_outcome out = {0};

	fixture_init(&f, 0);
	CHECK_INT(resp(&f, "{\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_item.added\",\"item\":{\"type\":\"message\"}}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_text.delta\",\"delta\":\"He\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.reasoning_summary_part.added\",\"summary_index\":1}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.reasoning_summary_text.delta\",\"summary_index\":1,\"delta\":\"s\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.reasoning_text.delta\",\"content_index\":2,\"delta\":\"r\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"message\",\"x\":1}}", &out), WIRE_CONTINUE);
	/* Ignored: other types, bad shapes, data that is not JSON. */
	CHECK_INT(resp(&f, "{\"type\":\"response.in_progress\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.function_call_arguments.delta\",\"delta\":\"x\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_item.done\",\"item\":[1]}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_text.delta\",\"delta\":7}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "{\"type\":\"response.reasoning_text.delta\",\"content_index\":-5,\"delta\":\"n\"}", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "not json", &out), WIRE_CONTINUE);
	CHECK_INT(resp(&f, "[1,2]", &out), WIRE_CONTINUE);
	CHECK_STR(f.rec.log.data, "added:{\"type\":\"message\"} text:He break sum1:s raw2:r "
				  "done:{\"type\":\"message\",\"x\":1} raw0:n ");
	CHECK_INT(resp(&f, "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_9\",\"usage\":"
			   "{\"input_tokens\":10,\"input_tokens_details\":{\"cached_tokens\":3},"
			   "\"output_tokens\":5,\"output_tokens_details\":{\"reasoning_tokens\":2},"
			   "\"total_tokens\":15}}}", &out), WIRE_COMPLETED);
	CHECK_STR(out.response_id, "resp_9");
	CHECK_INT(out.usage.input_tokens, 10);
	CHECK_INT(out.usage.cached_input_tokens, 3);
	CHECK_INT(out.usage.output_tokens, 5);
	CHECK_INT(out.usage.reasoning_output_tokens, 2);
	CHECK_INT(out.usage.total_tokens, 15);
	wire_outcome_clear(&out);
	/* The SSE event name stands in when the data has no type. */
	CHECK_INT(responses_event(&f.em, "response.completed", "{\"response\":{}}", 15, &out), WIRE_COMPLETED);
	CHECK_STR(out.response_id, "");
	CHECK_INT(out.usage.total_tokens, 0);
	wire_outcome_clear(&out);
	buf_free(&f.rec.log);
}

TEST(responses_failures_are_classified)
{
	struct fixture f;
	struct wire_outcome out = {0};

	fixture_init(&f, 0);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":"
			   "\"context_length_exceeded\",\"message\":\"m\"}}}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_CONTEXT_WINDOW);
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":"
			   "\"insufficient_quota\",\"message\":\"m\"}}}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_QUOTA);
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":"
			   "\"usage_not_included\"}}}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_USAGE_NOT_INCLUDED);
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":"
			   "\"rate_limit_exceeded\",\"message\":\"Please try again in 1.5s.\"}}}", &out),
		  WIRE_RETRY);
	CHECK_INT(out.retry_after_ms, 1500);
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":"
			   "\"server_error\",\"message\":\"oops\"}}}", &out), WIRE_RETRY);
	CHECK_STR(out.e.msg, "the model stream failed: oops (server_error)");
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.failed\"}", &out), WIRE_RETRY);
	CHECK_STR(out.e.msg, "the model stream failed: response.failed without an error");
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"error\",\"code\":\"context_length_exceeded\",\"message\":\"x\"}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_CONTEXT_WINDOW);
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"error\",\"error\":{\"type\":\"usage_limit_reached\",\"plan_type\":\"pro\"}}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_USAGE_LIMIT);
	CHECK_STR(out.e.msg, "You've hit your usage limit (pro plan). Try again later, or upgrade your plan.");
	wire_outcome_clear(&out);
	CHECK_INT(resp(&f, "{\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":"
			   "{\"reason\":\"max_output_tokens\"}}}", &out), WIRE_RETRY);
	CHECK_STR(out.e.msg, "Incomplete response returned, reason: max_output_tokens");
	wire_outcome_clear(&out);
	buf_free(&f.rec.log);
}

TEST(responses_stop_after_a_cancelling_callback)
{
	struct fixture f;
	struct wire_outcome out = {0};

	fixture_init(&f, 1);
	CHECK_INT(resp(&f, "{\"type\":\"response.output_text.delta\",\"delta\":\"a\"}", &out), WIRE_STOPPED);
	buf_free(&f.rec.log);
}

/* ---- Chat Completions ---- */

static enum wire_status chunk(struct chat_decoder *d, struct fixture *f, const char *data,
			      struct wire_outcome *out)
{
	return chat_event(d, &f->em, data, strlen(data), out);
}

TEST(chat_chunks_become_items)
{
	struct fixture f;
	struct chat_decoder d;
	struct wire_outcome out = {0};

	fixture_init(&f, 0);
	chat_decoder_init(&d);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hm\"}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"reasoning\":{\"text\":\"m\"}}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"content\":\"Hi \"}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"content\":\"there\"}}]}", &out), WIRE_CONTINUE);
	/* Tool calls by index, in fragments; index 1 arrives before index 0 is done. */
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\","
				"\"type\":\"function\",\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"c\"}}]}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":"
				"{\"name\":\"write_stdin\",\"arguments\":\"{}\"}}]}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
				"{\"arguments\":\"md\\\":1}\"}}]}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
				"\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13,"
				"\"prompt_tokens_details\":{\"cached_tokens\":2}}}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, " [DONE] ", &out), WIRE_COMPLETED);
	CHECK_STR(f.rec.log.data,
		  "raw0:hm raw0:m added:{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]} "
		  "text:Hi  text:there "
		  "done:{\"type\":\"reasoning\",\"summary\":[],\"content\":[{\"type\":\"reasoning_text\","
		  "\"text\":\"hmm\"}],\"encrypted_content\":null} "
		  "done:{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
		  "\"output_text\",\"text\":\"Hi there\"}]} "
		  "done:{\"type\":\"function_call\",\"name\":\"exec_command\",\"arguments\":"
		  "\"{\\\"cmd\\\":1}\",\"call_id\":\"a\"} "
		  "done:{\"type\":\"function_call\",\"name\":\"write_stdin\",\"arguments\":\"{}\","
		  "\"call_id\":\"call_1\"} ");
	CHECK_STR(out.response_id, "");
	CHECK_INT(out.usage.input_tokens, 9);
	CHECK_INT(out.usage.cached_input_tokens, 2);
	CHECK_INT(out.usage.output_tokens, 4);
	CHECK_INT(out.usage.total_tokens, 13);
	wire_outcome_clear(&out);
	chat_decoder_free(&d);
	buf_free(&f.rec.log);
}

TEST(chat_stream_end_and_errors)
{
	struct fixture f;
	struct chat_decoder d;
	struct wire_outcome out = {0};
	char big[200];

	fixture_init(&f, 0);
	chat_decoder_init(&d);
	/* The end without a finish_reason: retried. */
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chat_stream_end(&d, &f.em, &out), WIRE_RETRY);
	CHECK_STR(out.e.msg, "stream closed before the response was complete");
	wire_outcome_clear(&out);
	/* With one: complete without [DONE]. */
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chat_stream_end(&d, &f.em, &out), WIRE_COMPLETED);
	wire_outcome_clear(&out);
	chat_decoder_free(&d);
	chat_decoder_init(&d);
	CHECK_INT(chunk(&d, &f, "{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}", &out), WIRE_FATAL);
	CHECK_INT(out.kind, MODEL_ERR_CONTEXT_WINDOW);
	wire_outcome_clear(&out);
	/* Junk is skipped. */
	CHECK_INT(chunk(&d, &f, "{\"choices\":\"no\"}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}", &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "oops", &out), WIRE_CONTINUE);
	/* Too many tool calls. */
	snprintf(big, sizeof big, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":%d,"
		 "\"function\":{\"name\":\"f\"}}]}}]}", MODEL_CHAT_MAX_TOOL_CALLS);
	CHECK_INT(chunk(&d, &f, big, &out), WIRE_FATAL);
	CHECK_CONTAINS(out.e.msg, "more than 128 tool calls");
	wire_outcome_clear(&out);
	chat_decoder_free(&d);
	buf_free(&f.rec.log);
}

TEST(chat_stops_after_a_cancelling_callback)
{
	struct fixture f;
	struct chat_decoder d;
	struct wire_outcome out = {0};

	fixture_init(&f, 2);
	chat_decoder_init(&d);
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", &out), WIRE_STOPPED);
	CHECK_STR(f.rec.log.data, "added:{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]} text:x ");
	chat_decoder_free(&d);
	chat_decoder_init(&d);
	f.em.stopped = false;
	f.rec.calls = 0;
	f.rec.stop_after = 1;
	CHECK_INT(chunk(&d, &f, "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\","
				"\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},{\"index\":1,\"id\":\"b\","
				"\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
		       &out), WIRE_CONTINUE);
	CHECK_INT(chunk(&d, &f, "[DONE]", &out), WIRE_STOPPED);
	chat_decoder_free(&d);
	buf_free(&f.rec.log);
}

/* Items out to Chat messages, then a Chat stream back to items: the same conversation. */
TEST(chat_request_mapping)
{
	cJSON *input = cJSON_Parse(
		"[{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"d\"}]},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},"
		"{\"type\":\"input_text\",\"text\":\"b\"}]},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"see\"},"
		"{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AA\"}]},"
		"{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"sum\"}]},"
		"{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"},"
		"{\"type\":\"custom_tool_call\",\"call_id\":\"c2\",\"name\":\"apply_patch\",\"input\":\"P\"},"
		"{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"o1\"},"
		"{\"type\":\"custom_tool_call_output\",\"call_id\":\"c2\",\"output\":[{\"type\":\"input_text\",\"text\":\"o2\"}]},"
		"{\"type\":\"web_search_call\",\"status\":\"completed\"},"
		"{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"done\"}]}]");
	cJSON *tools = cJSON_Parse("[{\"type\":\"function\",\"name\":\"f\",\"description\":\"F\","
				   "\"strict\":false,\"parameters\":{\"type\":\"object\"}},"
				   "{\"type\":\"custom\",\"name\":\"apply_patch\"},{\"type\":\"local_shell\"}]");
	struct model_prompt p = {.model = "m", .instructions = "sys", .input = input, .tools = tools};
	struct err e;
	size_t len;
	char *s;

	REQUIRE(input && tools);
	s = model_chat_body(&p, &len, &e);
	CHECK_STR(s, "{\"model\":\"m\",\"messages\":["
		     "{\"role\":\"system\",\"content\":\"sys\"},"
		     "{\"role\":\"system\",\"content\":\"d\"},"
		     "{\"role\":\"user\",\"content\":\"ab\"},"
		     "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"see\"},"
		     "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA\"}}]},"
		     "{\"role\":\"assistant\",\"content\":null,\"reasoning\":\"sum\",\"tool_calls\":["
		     "{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
		     "\"{\\\"x\\\":1}\"}},{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":"
		     "\"apply_patch\",\"arguments\":\"{\\\"input\\\":\\\"P\\\"}\"}}]},"
		     "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"o1\"},"
		     "{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"o2\"},"
		     "{\"role\":\"assistant\",\"content\":\"done\"}],"
		     "\"stream\":true,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
		     "\"description\":\"F\",\"parameters\":{\"type\":\"object\"}}}]}");
	free(s);
	/* No tools: no "tools" key at all. No instructions: no system message. */
	p.tools = NULL;
	p.instructions = NULL;
	p.input = NULL;
	s = model_chat_body(&p, &len, &e);
	CHECK_STR(s, "{\"model\":\"m\",\"messages\":[],\"stream\":true}");
	free(s);
	p.output_schema = tools;
	CHECK(model_chat_body(&p, &len, &e) == NULL);
	CHECK_STR(e.msg, "output_schema is not supported for Chat Completions API");
	p.output_schema = NULL;
	p.input = input;
	p.tools = tools;
	FOR_EACH_ALLOC_FAILURE(300, {
		char *t = model_chat_body(&p, &len, &e);
		free(t);
	});
	cJSON_Delete(input);
	cJSON_Delete(tools);
}

TEST(chat_round_trip)
{
	struct fixture f;
	struct chat_decoder d;
	struct wire_outcome out = {0};
	cJSON *items = cJSON_CreateArray();
	struct model_prompt p = {.model = "m", .input = items};
	const char *chunks[] = {
		"{\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}",
		"{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"k\",\"function\":"
		"{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
		"[DONE]"};
	const char *p1, *p2;
	struct err e;
	size_t len;
	char *s;

	fixture_init(&f, 0);
	chat_decoder_init(&d);
	for (size_t i = 0; i < 3; i++)
		chunk(&d, &f, chunks[i], &out);
	/* Parse the recorded items back ("done:{...} ") into the next request's input. */
	for (p1 = f.rec.log.data; (p1 = strstr(p1, "done:")); p1 = p2) {
		p1 += 5;
		p2 = strstr(p1, "} ");
		REQUIRE(p2 != NULL);
		p2++;
		cJSON_AddItemToArray(items, cJSON_ParseWithLength(p1, (size_t)(p2 - p1)));
	}
	s = model_chat_body(&p, &len, &e);
	CHECK_STR(s, "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"ok\","
		     "\"tool_calls\":[{\"id\":\"k\",\"type\":\"function\",\"function\":{\"name\":\"f\","
		     "\"arguments\":\"{}\"}}]}],\"stream\":true}");
	free(s);
	cJSON_Delete(items);
	wire_outcome_clear(&out);
	chat_decoder_free(&d);
	buf_free(&f.rec.log);
}

TEST(decoders_under_allocation_failures)
{
	const char *events[] = {
		"{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"message\",\"content\":[]}}",
		"{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"usage\":{}}}",
		"{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"usage_limit_reached\"}}}"};
	const char *chunks[] = {
		"{\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning\":\"r\",\"tool_calls\":"
		"[{\"index\":0,\"id\":\"i\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}",
		"[DONE]"};

	FOR_EACH_ALLOC_FAILURE(1000, {
		struct fixture f;
		struct chat_decoder d;
		struct wire_outcome out = {0};
		fixture_init(&f, 0);
		for (size_t i = 0; i < 3; i++) {
			responses_event(&f.em, "m", events[i], strlen(events[i]), &out);
			wire_outcome_clear(&out);
		}
		chat_decoder_init(&d);
		for (size_t i = 0; i < 2; i++) {
			chat_event(&d, &f.em, chunks[i], strlen(chunks[i]), &out);
			wire_outcome_clear(&out);
		}
		chat_decoder_free(&d);
		buf_free(&f.rec.log);
	});
}
