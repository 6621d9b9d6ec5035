/* Drives the model client (src/model) for the integration tests and the benchmark: one
 * request (or --repeat N in a row) against the provider the config selects, on an event
 * loop, every reported event printed as a JSON line on stdout:
 *
 *   {"event":"item_added","item":{...}}        {"event":"item_done","item":{...}}
 *   {"event":"text_delta","delta":"..."}
 *   {"event":"reasoning_summary_delta","index":0,"delta":"..."}
 *   {"event":"reasoning_raw_delta","index":0,"delta":"..."}
 *   {"event":"reasoning_section_break"}        {"event":"rate_limits","snapshot":{...}}
 *   {"event":"retrying","attempt":1,"max":5,"delay_ms":212,"reason":"..."}
 *   {"event":"completed","response_id":"resp_1","usage":{"input_tokens":...}}
 *   {"event":"failed","kind":"unauthorized","message":"..."}
 *
 *   model-stream [options]
 *     --codex-home DIR     CODEX_HOME for the config (default: $CODEX_HOME)
 *     -c KEY=VALUE         a config override (repeatable), e.g.
 *                          -c model_providers.mock.base_url="http://127.0.0.1:PORT/v1"
 *     --oss                the local provider (oss_provider, else ollama)
 *     --prompt FILE        the prompt as JSON: {"model", "instructions", "input": [...],
 *                          "tools": [...], "parallel_tool_calls", "reasoning_effort",
 *                          "reasoning_summary", "verbosity", "output_schema",
 *                          "turn_metadata", "subagent"}; missing keys: the config's
 *                          model, a one-line instruction, one user message "hello"
 *     --bearer KEY         the API key (default: the provider's, model_provider_api_key)
 *     --refresh KEY        a refresh hook that hands out KEY (once) on 401
 *     --originator NAME    default codex_exec
 *     --session-id ID      default 00000000-0000-4000-8000-000000000000
 *     --ua-suffix TEXT     user-agent suffix
 *     --print-request      print the request body (model_request_json) and exit
 *     --print-user-agent   print the user-agent and exit
 *     --cancel-after N     cancel the stream from inside the N-th event callback; prints
 *                          {"event":"cancelled"}, then runs the loop until it is idle
 *     --repeat N           N requests in a row on one client; exit 1 if any failed
 *     --quiet              print only the completed/failed lines
 *     --drain              before exiting, run the loop until the client is idle (the
 *                          last bytes of finished responses read)
 *
 * Exit: 0 completed, 1 failed, 2 bad arguments or setup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/loop.h"
#include "config/config.h"
#include "model/model.h"

struct run {
	struct model_stream *stream;
	int events, cancel_after;
	bool quiet, finished, failed, cancelled;
	const char *refresh_key;
	int refreshes;
};

static void emit(struct run *r, cJSON *o, bool always)
{
	char *s;

	if (!o)
		return;
	if (!r->quiet || always) {
		s = cJSON_PrintUnformatted(o);
		if (s)
			printf("%s\n", s);
		free(s);
		fflush(stdout);
	}
	cJSON_Delete(o);
}

static cJSON *event(const char *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "event", name);
	return o;
}

/* Counts a callback; cancels from inside it when asked to. */
static void counted(struct run *r)
{
	if (r->cancel_after && ++r->events == r->cancel_after) {
		model_stream_cancel(r->stream);
		model_stream_cancel(r->stream); /* twice is harmless */
		r->cancelled = true;
		emit(r, event("cancelled"), true);
	}
}

static void on_item(struct run *r, const char *name, const cJSON *item)
{
	cJSON *o = event(name);

	cJSON_AddItemToObject(o, "item", cJSON_Duplicate(item, 1));
	emit(r, o, false);
	counted(r);
}

static void item_added(void *arg, const cJSON *item)
{
	on_item(arg, "item_added", item);
}

static void item_done(void *arg, const cJSON *item)
{
	on_item(arg, "item_done", item);
}

static void delta_event(struct run *r, const char *name, int index, const char *d, size_t len)
{
	cJSON *o = event(name);
	char *copy = strndup(d, len);

	if (index >= 0)
		cJSON_AddNumberToObject(o, "index", index);
	cJSON_AddStringToObject(o, "delta", copy ? copy : "");
	free(copy);
	emit(r, o, false);
	counted(r);
}

static void text_delta(void *arg, const char *d, size_t len)
{
	delta_event(arg, "text_delta", -1, d, len);
}

static void summary_delta(void *arg, int i, const char *d, size_t len)
{
	delta_event(arg, "reasoning_summary_delta", i, d, len);
}

static void raw_delta(void *arg, int i, const char *d, size_t len)
{
	delta_event(arg, "reasoning_raw_delta", i, d, len);
}

static void section_break(void *arg)
{
	emit(arg, event("reasoning_section_break"), false);
	counted(arg);
}

static void rate_limits(void *arg, const cJSON *snap)
{
	cJSON *o = event("rate_limits");

	cJSON_AddItemToObject(o, "snapshot", cJSON_Duplicate(snap, 1));
	emit(arg, o, false);
	counted(arg);
}

static void retrying(void *arg, int attempt, int max, uint64_t delay_ms, const char *reason)
{
	cJSON *o = event("retrying");

	cJSON_AddNumberToObject(o, "attempt", attempt);
	cJSON_AddNumberToObject(o, "max", max);
	cJSON_AddNumberToObject(o, "delay_ms", (double)delay_ms);
	cJSON_AddStringToObject(o, "reason", reason);
	emit(arg, o, false);
	counted(arg);
}

static void completed(void *arg, const char *id, const struct model_usage *u)
{
	struct run *r = arg;
	cJSON *o = event("completed"), *usage = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "response_id", id);
	cJSON_AddNumberToObject(usage, "input_tokens", (double)u->input_tokens);
	cJSON_AddNumberToObject(usage, "cached_input_tokens", (double)u->cached_input_tokens);
	cJSON_AddNumberToObject(usage, "output_tokens", (double)u->output_tokens);
	cJSON_AddNumberToObject(usage, "reasoning_output_tokens",
				(double)u->reasoning_output_tokens);
	cJSON_AddNumberToObject(usage, "total_tokens", (double)u->total_tokens);
	cJSON_AddItemToObject(o, "usage", usage);
	emit(r, o, true);
	r->finished = true;
	/* Cancelling after the end is a no-op. */
	model_stream_cancel(r->stream);
}

static void failed(void *arg, enum model_error kind, const struct err *e)
{
	struct run *r = arg;
	cJSON *o = event("failed");

	cJSON_AddStringToObject(o, "kind", model_error_str(kind));
	cJSON_AddStringToObject(o, "message", e->msg);
	emit(r, o, true);
	r->finished = true;
	r->failed = true;
}

static const char *refresh(void *arg, struct err *e)
{
	struct run *r = arg;

	r->refreshes++;
	emit(r, event("refresh"), false);
	/* No key: NULL without a message, so the 401's own error is reported. */
	return r->refresh_key;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int usage(const char *msg)
{
	fprintf(stderr, "model-stream: %s\n", msg);
	return 2;
}

int main(int argc, char **argv)
{
	struct config_load_opts lo = {0};
	struct strv overrides = STRV_INIT;
	const char *prompt_file = NULL, *bearer = NULL, *originator = "codex_exec";
	const char *session = "00000000-0000-4000-8000-000000000000", *suffix = NULL;
	bool oss = false, print_request = false, print_ua = false, drain = false;
	int repeat = 1, rc = 0;
	struct run r = {0};
	struct config *cfg = NULL;
	struct model_provider prov;
	struct model_client *client = NULL;
	struct loop *loop = NULL;
	cJSON *pj = NULL, *default_input = NULL;
	struct model_prompt p = {0};
	struct err e;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--oss") == 0) {
			oss = true;
			continue;
		}
		if (strcmp(a, "--print-request") == 0) {
			print_request = true;
			continue;
		}
		if (strcmp(a, "--print-user-agent") == 0) {
			print_ua = true;
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			r.quiet = true;
			continue;
		}
		if (strcmp(a, "--drain") == 0) {
			drain = true;
			continue;
		}
		if (!v)
			return usage("an option is missing its value");
		i++;
		if (strcmp(a, "--codex-home") == 0)
			lo.codex_home = v;
		else if (strcmp(a, "-c") == 0) {
			if (strv_push(&overrides, v) < 0)
				return usage("out of memory");
		} else if (strcmp(a, "--prompt") == 0)
			prompt_file = v;
		else if (strcmp(a, "--bearer") == 0)
			bearer = v;
		else if (strcmp(a, "--refresh") == 0)
			r.refresh_key = v;
		else if (strcmp(a, "--originator") == 0)
			originator = v;
		else if (strcmp(a, "--session-id") == 0)
			session = v;
		else if (strcmp(a, "--ua-suffix") == 0)
			suffix = v;
		else if (strcmp(a, "--cancel-after") == 0)
			r.cancel_after = atoi(v);
		else if (strcmp(a, "--repeat") == 0)
			repeat = atoi(v);
		else
			return usage("unknown option");
	}
	if (print_ua) {
		char *ua = model_user_agent(originator, suffix);
		printf("%s\n", ua ? ua : "");
		free(ua);
		return 0;
	}
	lo.overrides = &overrides;
	if (config_load(&lo, &cfg, &e) < 0 || model_provider_resolve(cfg, oss, &prov, &e) < 0) {
		fprintf(stderr, "model-stream: error: %s\n", e.msg);
		return 2;
	}
	if (prompt_file) {
		struct buf text;
		buf_init(&text, 1u << 26);
		if (file_read_all(prompt_file, &text, &e) < 0 ||
		    !(pj = cJSON_ParseWithLength(text.data ? text.data : "", text.len))) {
			buf_free(&text);
			fprintf(stderr, "model-stream: error: bad prompt file %s\n", prompt_file);
			return 2;
		}
		buf_free(&text);
	}
	default_input = cJSON_Parse("[{\"type\":\"message\",\"role\":\"user\",\"content\":"
				    "[{\"type\":\"input_text\",\"text\":\"hello\"}]}]");
	p.model = json_str(pj, "model") ? json_str(pj, "model") : cfg->model;
	p.instructions = json_str(pj, "instructions") ? json_str(pj, "instructions")
						       : "You are a coding agent.";
	p.input = cJSON_GetObjectItemCaseSensitive(pj, "input") ? cJSON_GetObjectItemCaseSensitive(pj, "input")
								   : default_input;
	p.tools = cJSON_GetObjectItemCaseSensitive(pj, "tools");
	p.parallel_tool_calls = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pj, "parallel_tool_calls"));
	p.reasoning_effort = json_str(pj, "reasoning_effort");
	p.reasoning_summary = json_str(pj, "reasoning_summary");
	p.verbosity = json_str(pj, "verbosity");
	p.output_schema = cJSON_GetObjectItemCaseSensitive(pj, "output_schema");
	p.turn_metadata = json_str(pj, "turn_metadata");
	p.subagent = json_str(pj, "subagent");
	if (loop_new(&loop, &e) < 0)
		goto fail;
	{
		struct model_client_opts o = {loop,   &prov,  bearer,   NULL, originator, session,
					      refresh, &r,    suffix, NULL};
		if (model_client_new(&o, &client, &e) < 0)
			goto fail;
	}
	if (print_request) {
		char *body = model_request_json(client, &p, &e);
		if (!body)
			goto fail;
		printf("%s\n", body);
		free(body);
		goto out;
	}
	for (int k = 0; k < repeat; k++) {
		static const struct model_stream_events evs = {
			NULL,       item_added, item_done,   text_delta, summary_delta,
			raw_delta,  section_break, rate_limits, retrying, completed,
			failed};
		struct model_stream_events ev = evs;
		ev.arg = &r;
		r.finished = r.cancelled = false;
		r.events = 0;
		r.stream = model_stream_start(client, &p, &ev, &e);
		if (!r.stream)
			goto fail;
		while (!r.finished && !r.cancelled)
			if (loop_run_once(loop, -1, &e) < 0)
				goto fail;
		if (r.cancelled) {
			/* Nothing may be reported after the cancel: run the loop a little. */
			for (int n = 0; n < 5; n++)
				if (loop_run_once(loop, 20, &e) < 0)
					goto fail;
		}
		if (r.failed)
			rc = 1;
	}
	while (drain && model_client_busy(client))
		if (loop_run_once(loop, -1, &e) < 0)
			goto fail;
out:
	model_client_free(client);
	loop_free(loop);
	model_provider_free(&prov);
	config_free(cfg);
	cJSON_Delete(pj);
	cJSON_Delete(default_input);
	strv_free(&overrides);
	return rc;
fail:
	fprintf(stderr, "model-stream: error: %s\n", e.msg);
	rc = 2;
	goto out;
}
