/* The turn loop (reference codex-agent-exec.md §0): send the whole history, collect the
 * response's items, run its tool calls (all of them at once), append their outputs,
 * and ask again, until a response has no tool call. Every step is a loop callback;
 * nothing here blocks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/rollout.h"

static void request_next(struct turn *t);

static const char *item_type(const cJSON *item)
{
	const cJSON *ty = cJSON_GetObjectItemCaseSensitive(item, "type");
	return cJSON_IsString(ty) ? ty->valuestring : "";
}

static const char *str_field(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The text of an assistant message's output_text parts. */
static char *message_text(const cJSON *item)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(item, "content"), *part;
	struct buf b;

	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	cJSON_ArrayForEach(part, content) {
		const char *ty = str_field(part, "type"), *text = str_field(part, "text");
		if (ty && text && strcmp(ty, "output_text") == 0 && buf_puts(&b, text) < 0)
			break;
	}
	return buf_take(&b);
}

static char *reasoning_text(const cJSON *item)
{
	const cJSON *summary = cJSON_GetObjectItemCaseSensitive(item, "summary"), *part;
	struct buf b;

	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	cJSON_ArrayForEach(part, summary) {
		const char *text = str_field(part, "text");
		if (text && ((b.len && buf_puts(&b, "\n\n") < 0) || buf_puts(&b, text) < 0))
			break;
	}
	return buf_take(&b);
}

/* ---- the end of a turn ---- */

static void finish(struct turn *t)
{
	struct agent *a = t->a;
	cJSON *m;

	if (t->finished)
		return;
	t->finished = true;
	/* The user's commands that ended during the turn: after its last items. */
	user_shell_flush(a);
	m = cJSON_CreateObject();
	if (m && (t->last_agent_message
			  ? !cJSON_AddStringToObject(m, "last_agent_message", t->last_agent_message)
			  : !cJSON_AddNullToObject(m, "last_agent_message"))) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit(a, AGENT_EV_TASK_COMPLETE, m);
	record_turn_end(a);
	if (a->turn == t) {
		a->turn = NULL;
		turn_free(t);
	}
}

static void fail(struct turn *t, const char *msg)
{
	t->failed = true;
	agent_emit_text(t->a, AGENT_EV_ERROR, "message", msg);
	finish(t);
}

static void call_free(struct tool_call *c)
{
	if (c->review) {
		/* The session ends mid-review: nobody waits for the verdict. */
		struct guardian_review *r = c->review;
		c->review = NULL;
		c->after_review = NULL;
		guardian_review_cancel(r, false);
	}
	if (c->state && c->free_state)
		c->free_state(c);
	free(c->call_id);
	free(c->name);
	cJSON_Delete(c->args);
	free(c->input);
	free(c->output);
	cJSON_Delete(c->output_items);
	cJSON_Delete(c->item_owned);
	cJSON_Delete(c->mcp_result);
	free(c);
}

/* The response's calls first: a js_repl cell that ends this way stops its nested
 * calls' tools before they are freed. */
static void calls_free(struct turn *t)
{
	for (size_t i = 0; i < t->n_calls; i++)
		call_free(t->calls[i]);
	free(t->calls);
	t->calls = NULL;
	t->n_calls = 0;
	for (size_t i = 0; i < t->n_nested; i++)
		call_free(t->nested[i]);
	free(t->nested);
	t->nested = NULL;
	t->n_nested = t->cap_nested = 0;
}

void turn_free(struct turn *t)
{
	if (!t)
		return;
	net_approval_turn_end(t->a);
	if (t->stream)
		model_stream_cancel(t->stream);
	loop_timer_disarm(t->a->loop, &t->next);
	calls_free(t);
	cJSON_Delete(t->response);
	cJSON_Delete(t->extra_input);
	cJSON_Delete(t->pending_input); /* steers the turn never sent: the front end's */
	cJSON_Delete(t->compact_input);
	free(t->last_agent_message);
	free(t->metadata);
	cJSON_Delete(t->rate_limits);
	turn_diff_free(t->diff);
	free(t);
}

/* ---- tool calls ---- */

static bool is_call(const char *ty)
{
	return strcmp(ty, "function_call") == 0 || strcmp(ty, "custom_tool_call") == 0 ||
	       strcmp(ty, "local_shell_call") == 0;
}

static struct tool_call *call_new(struct turn *t, const cJSON *item)
{
	const char *ty = item_type(item), *id = str_field(item, "call_id");
	const char *name = str_field(item, "name"), *input = str_field(item, "input");
	struct tool_call *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->turn = t;
	c->item = item;
	c->kind = strcmp(ty, "custom_tool_call") == 0   ? TOOL_CUSTOM
		  : strcmp(ty, "local_shell_call") == 0 ? TOOL_LOCAL_SHELL
							 : TOOL_FUNCTION;
	if (!id)
		id = str_field(item, "id"); /* local_shell_call may carry only an id */
	c->call_id = strdup(id ? id : "");
	c->name = strdup(c->kind == TOOL_LOCAL_SHELL ? "local_shell" : name ? name : "");
	if (input)
		c->input = strdup(input);
	if (!c->call_id || !c->name || (input && !c->input)) {
		free(c->call_id);
		free(c->name);
		free(c->input);
		free(c);
		return NULL;
	}
	return c;
}

/* Appends the calls' outputs (in call order) and what the tools asked to add. */
static void append_outputs(struct turn *t)
{
	struct agent *a = t->a;
	cJSON *extra;

	for (size_t i = 0; i < t->n_calls; i++) {
		struct tool_call *c = t->calls[i];
		cJSON *o = cJSON_CreateObject();
		if (!o)
			continue;
		bool ok = cJSON_AddStringToObject(o, "type", c->kind == TOOL_CUSTOM
								 ? "custom_tool_call_output"
								 : "function_call_output") &&
			  cJSON_AddStringToObject(o, "call_id", c->call_id);
		if (ok && c->output_items && c->output) {
			ok = cJSON_AddItemToObject(o, "output", c->output_items);
			if (ok)
				c->output_items = NULL;
		} else if (ok) {
			ok = cJSON_AddStringToObject(o, "output", c->output ? c->output : "aborted");
		}
		if (!ok)
			cJSON_Delete(o);
		else
			history_add(a, o);
	}
	while (t->extra_input && (extra = cJSON_DetachItemFromArray(t->extra_input, 0)))
		history_add(a, extra);
}

static void on_next(struct loop *l, struct loop_timer *tm)
{
	struct turn *t = (struct turn *)((char *)tm - offsetof(struct turn, next));

	(void)l;
	request_next(t);
}

/* All calls are done: their outputs go into the history and the model is asked again
 * (from the loop, so that a tool finishing inside its own start does not recurse). */
static void calls_done(struct turn *t)
{
	if (t->aborting || t->finished)
		return;
	append_outputs(t);
	/* Upstream runs tools while the response streams, so its turn_diff at
	 * response.completed comes after them: here, after the response's calls. */
	turn_diff_emit(t);
	if (loop_timer_arm(t->a->loop, &t->next, 0, on_next) < 0)
		fail(t, "out of memory");
}

void tool_call_finish(struct tool_call *c, char *output)
{
	struct turn *t = c->turn;

	if (c->done) {
		free(output);
		return;
	}
	c->done = true;
	c->cancel = NULL;
	c->output = output ? output : strdup("out of memory while running the tool");
	if (c->on_finish) {
		c->on_finish(c);
		return;
	}
	if (--t->n_pending == 0)
		calls_done(t);
}

void tool_call_fail(struct tool_call *c, char *output)
{
	if (!c->done)
		c->failed = true;
	tool_call_finish(c, output);
}

/* A tool output from a format (malloc'ed; NULL when memory runs out). */
static char *output_vformat(const char *fmt, va_list ap)
{
	struct buf b;

	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	if (buf_vprintf(&b, fmt, ap) < 0)
		buf_free(&b);
	return b.data ? buf_take(&b) : NULL;
}

void tool_call_failf(struct tool_call *c, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = output_vformat(fmt, ap);
	va_end(ap);
	tool_call_fail(c, out);
}

struct tool_call *turn_call_nested(struct turn *t, cJSON *item,
				   void (*on_finish)(struct tool_call *c), void *arg)
{
	struct tool_call *c;

	if (t->n_nested == t->cap_nested) {
		size_t cap = t->cap_nested ? 2 * t->cap_nested : 8;
		struct tool_call **v = realloc(t->nested, cap * sizeof *v);
		if (!v) {
			cJSON_Delete(item);
			return NULL;
		}
		t->nested = v;
		t->cap_nested = cap;
	}
	if (!item || !(c = call_new(t, item))) {
		cJSON_Delete(item);
		return NULL;
	}
	c->item_owned = item;
	c->on_finish = on_finish;
	c->finish_arg = arg;
	t->nested[t->n_nested++] = c;
	return c;
}

struct tool_call *turn_call_at(const struct turn *t, size_t i)
{
	if (i < t->n_calls)
		return t->calls[i];
	i -= t->n_calls;
	return i < t->n_nested ? t->nested[i] : NULL;
}

void tool_call_finishf(struct tool_call *c, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = output_vformat(fmt, ap);
	va_end(ap);
	tool_call_finish(c, out);
}

static void run_calls(struct turn *t)
{
	const cJSON *item;
	size_t n = 0;

	cJSON_ArrayForEach(item, t->response)
		n += is_call(item_type(item));
	if (n == 0)
		return;
	t->calls = calloc(n, sizeof *t->calls);
	if (!t->calls) {
		fail(t, "out of memory");
		return;
	}
	cJSON_ArrayForEach(item, t->response) {
		struct tool_call *c;
		if (!is_call(item_type(item)))
			continue;
		c = call_new(t, item);
		if (!c) {
			fail(t, "out of memory");
			return;
		}
		t->calls[t->n_calls++] = c;
	}
	/* Counted before any starts, so that none can see the batch end early. */
	t->n_pending = t->n_calls + 1;
	for (size_t i = 0; i < t->n_calls && !t->aborting && !t->finished; i++) {
		if (i >= AGENT_MAX_CALLS_PER_RESPONSE)
			tool_call_finishf(t->calls[i], "too many tool calls in one response (at most "
							"%d); call this one again",
					  AGENT_MAX_CALLS_PER_RESPONSE);
		else
			tools_dispatch(t->calls[i]);
	}
	if (--t->n_pending == 0)
		calls_done(t);
}

/* ---- the model stream ---- */

static void on_text_delta(void *arg, const char *d, size_t n)
{
	struct turn *t = arg;
	cJSON *m;
	char *s;

	if (t->compact)
		return; /* the summary is not shown as an answer */
	m = cJSON_CreateObject();
	s = strndup(d, n);
	if (m && s && cJSON_AddStringToObject(m, "delta", s))
		agent_emit(t->a, AGENT_EV_AGENT_MESSAGE_DELTA, m);
	else
		cJSON_Delete(m);
	free(s);
}

static void on_reasoning_delta(void *arg, int idx, const char *d, size_t n)
{
	struct turn *t = arg;
	cJSON *m;
	char *s;

	(void)idx;
	if (t->compact)
		return;
	m = cJSON_CreateObject();
	s = strndup(d, n);
	if (m && s && cJSON_AddStringToObject(m, "delta", s))
		agent_emit(t->a, AGENT_EV_AGENT_REASONING_DELTA, m);
	else
		cJSON_Delete(m);
	free(s);
}

static void on_section_break(void *arg)
{
	struct turn *t = arg;
	agent_emit(t->a, AGENT_EV_AGENT_REASONING_SECTION_BREAK, NULL);
}

static void on_item_added(void *arg, const cJSON *item)
{
	struct turn *t = arg;
	const char *id = str_field(item, "id");

	if (strcmp(item_type(item), "web_search_call") == 0)
		agent_emit_text(t->a, AGENT_EV_WEB_SEARCH_BEGIN, "call_id", id ? id : "");
}

static void on_item_done(void *arg, const cJSON *item)
{
	struct turn *t = arg;
	const char *ty = item_type(item);
	cJSON *copy = cJSON_Duplicate(item, 1);
	char *text;

	if (!copy || !cJSON_AddItemToArray(t->response, copy)) {
		cJSON_Delete(copy);
		return;
	}
	if (strcmp(ty, "message") == 0) {
		const char *role = str_field(item, "role");
		if (role && strcmp(role, "assistant") != 0)
			return;
		text = message_text(item);
		if (!text)
			return;
		if (!t->compact)
			agent_emit_text(t->a, AGENT_EV_AGENT_MESSAGE, "message", text);
		free(t->last_agent_message);
		t->last_agent_message = text;
	} else if (strcmp(ty, "reasoning") == 0 && !t->compact) {
		text = reasoning_text(item);
		if (text && *text)
			agent_emit_text(t->a, AGENT_EV_AGENT_REASONING, "text", text);
		free(text);
	} else if (strcmp(ty, "web_search_call") == 0) {
		const cJSON *action = cJSON_GetObjectItemCaseSensitive(item, "action");
		const char *id = str_field(item, "id"), *q = str_field(action, "query");
		cJSON *m = cJSON_CreateObject();
		if (m && cJSON_AddStringToObject(m, "call_id", id ? id : "") &&
		    cJSON_AddStringToObject(m, "query", q ? q : ""))
			agent_emit(t->a, AGENT_EV_WEB_SEARCH_END, m);
		else
			cJSON_Delete(m);
	}
}

/* Upstream's snapshot: {"limit_id":"codex","limit_name":null, primary, secondary,
 * credits, plan_type}, all null when the response carried no rate-limit headers; the
 * limit id and name are the snapshot's own for another limit family. */
static cJSON *rate_limits_json(const cJSON *snapshot)
{
	static const char *const keys[] = {"limit_name", "primary", "secondary", "credits",
					   "plan_type"};
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(snapshot, "limit_id");
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "limit_id", cJSON_IsString(id) ? id->valuestring
									       : "codex"))
		goto fail;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(snapshot, keys[i]);
		cJSON *copy = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
		if (!copy || !cJSON_AddItemToObject(o, keys[i], copy)) {
			cJSON_Delete(copy);
			goto fail;
		}
	}
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

static void emit_token_count(struct turn *t, bool with_info);

/* As upstream: each of the headers' snapshots (one per limit family) is reported at
 * once (token_count with the usage so far, or null before the first response), and the
 * last one again with the response's usage. */
static void on_rate_limits(void *arg, const cJSON *snapshot)
{
	struct turn *t = arg;

	cJSON_Delete(t->rate_limits);
	t->rate_limits = rate_limits_json(snapshot);
	emit_token_count(t, t->requests > 1);
}

static void on_retrying(void *arg, int attempt, int max, uint64_t delay_ms, const char *why)
{
	struct turn *t = arg;
	char msg[ERR_MSG_MAX + 64];

	(void)delay_ms;
	/* What the failed attempt produced is void. */
	cJSON_Delete(t->response);
	t->response = cJSON_CreateArray();
	snprintf(msg, sizeof msg, "Reconnecting... %d/%d (%s)", attempt, max, why ? why : "");
	agent_emit_text(t->a, AGENT_EV_STREAM_ERROR, "message", msg);
}

static cJSON *usage_json(const struct model_usage *u)
{
	cJSON *o = cJSON_CreateObject();

	if (o && cJSON_AddNumberToObject(o, "input_tokens", (double)u->input_tokens) &&
	    cJSON_AddNumberToObject(o, "cached_input_tokens", (double)u->cached_input_tokens) &&
	    cJSON_AddNumberToObject(o, "output_tokens", (double)u->output_tokens) &&
	    cJSON_AddNumberToObject(o, "reasoning_output_tokens",
				    (double)u->reasoning_output_tokens) &&
	    cJSON_AddNumberToObject(o, "total_tokens", (double)u->total_tokens))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static void emit_token_count(struct turn *t, bool with_info)
{
	cJSON *m = cJSON_CreateObject(), *info = with_info ? cJSON_CreateObject() : NULL;
	cJSON *rl = t->rate_limits ? cJSON_Duplicate(t->rate_limits, 1) : rate_limits_json(NULL);

	if (!m || !rl || (with_info && !info))
		goto out;
	if (info && !(cJSON_AddItemToObject(info, "total_token_usage", usage_json(&t->usage)) &&
		      cJSON_AddItemToObject(info, "last_token_usage", usage_json(&t->last_usage)) &&
		      cJSON_AddNumberToObject(info, "model_context_window",
					      (double)t->a->family->context_window)))
		goto out;
	if (!(info ? cJSON_AddItemToObject(m, "info", info) : cJSON_AddNullToObject(m, "info") != NULL))
		goto out;
	info = NULL;
	if (!cJSON_AddItemToObject(m, "rate_limits", rl))
		goto out;
	rl = NULL;
	agent_emit(t->a, AGENT_EV_TOKEN_COUNT, m);
	m = NULL;
out:
	cJSON_Delete(rl);
	cJSON_Delete(info);
	cJSON_Delete(m);
}

static void on_completed(void *arg, const char *response_id, const struct model_usage *u)
{
	struct turn *t = arg;
	const cJSON *item;
	bool calls = false;

	(void)response_id;
	t->stream = NULL;
	t->last_usage = *u;
	t->usage.input_tokens += u->input_tokens;
	t->usage.cached_input_tokens += u->cached_input_tokens;
	t->usage.output_tokens += u->output_tokens;
	t->usage.reasoning_output_tokens += u->reasoning_output_tokens;
	t->usage.total_tokens += u->total_tokens;
	if (t->compact) {
		char msg[256];
		/* The summary replaces the history; the response itself is not kept. */
		if (compact_apply(t, msg, sizeof msg) < 0) {
			fail(t, msg);
			return;
		}
		/* What is in context now is the summary, not the request that made it. */
		memset(&t->last_usage, 0, sizeof t->last_usage);
		emit_token_count(t, true);
		finish(t);
		return;
	}
	cJSON_ArrayForEach(item, t->response) {
		cJSON *copy = cJSON_Duplicate(item, 1);
		if (copy)
			history_add(t->a, copy);
		calls = calls || is_call(item_type(item));
	}
	emit_token_count(t, true);
	if (!calls && turn_has_pending_input(t)) {
		/* A steer came while the model answered: the turn goes on with it, as
		 * upstream's (pending input needs a follow-up request). */
		if (loop_timer_arm(t->a->loop, &t->next, 0, on_next) < 0)
			fail(t, "out of memory");
		return;
	}
	if (!calls) {
		turn_diff_emit(t);
		finish(t);
		return;
	}
	run_calls(t);
}

static void on_failed(void *arg, enum model_error kind, const struct err *e)
{
	struct turn *t = arg;

	(void)kind;
	t->stream = NULL;
	fail(t, e && e->msg[0] ? e->msg : model_error_str(kind));
}

static void request_next(struct turn *t)
{
	struct agent *a = t->a;
	struct model_prompt p;
	struct model_stream_events ev = {
		.arg = t,
		.item_added = on_item_added,
		.item_done = on_item_done,
		.text_delta = on_text_delta,
		.reasoning_summary_delta = on_reasoning_delta,
		.reasoning_raw_delta = NULL,
		.reasoning_section_break = on_section_break,
		.rate_limits = on_rate_limits,
		.retrying = on_retrying,
		.completed = on_completed,
		.failed = on_failed,
	};
	struct err e;
	char msg[512];

	if (t->aborting || t->finished)
		return;
	/* The tools the model is offered include the MCP servers': the first request
	 * waits until every server is ready or failed (turn_mcp_started resumes it). */
	if (a->mcp && !mcp_session_started(a)) {
		t->waiting_mcp = true;
		return;
	}
	if (a->mcp && mcp_session_fatal(a)) {
		snprintf(msg, sizeof msg, "required MCP servers failed to initialize: %.400s",
			 mcp_session_fatal(a));
		fail(t, msg);
		return;
	}
	if (t->requests++ >= AGENT_MAX_REQUESTS_PER_TURN) {
		snprintf(msg, sizeof msg, "stopped: the model made %d requests in this turn "
					  "without finishing", AGENT_MAX_REQUESTS_PER_TURN);
		fail(t, msg);
		return;
	}
	/* The previous response's items are in the history now. */
	calls_free(t);
	cJSON_Delete(t->response);
	t->response = cJSON_CreateArray();
	if (!t->response) {
		fail(t, "out of memory");
		return;
	}
	cJSON_Delete(t->rate_limits);
	t->rate_limits = NULL;
	/* Steered messages go in now: after the outputs of the calls they waited for. */
	turn_inject_pending_input(t);
	user_shell_flush(a);
	if (!t->metadata)
		t->metadata = turn_metadata_json(a, t->uuid);
	record_turn_context(a);
	memset(&p, 0, sizeof p);
	p.model = a->model;
	p.instructions = a->instructions;
	p.input = a->history;
	p.tools = a->tools;
	/* A sub-agent's requests say so, as upstream's (x-openai-subagent). */
	p.subagent = a->reviewer ? "guardian" : a->parent ? "collab_spawn" : NULL;
	if (t->compact) {
		if (!t->compact_input && !(t->compact_input = compact_request_input(a))) {
			fail(t, "out of memory");
			return;
		}
		p.input = t->compact_input;
		p.tools = NULL; /* a summary, no tool calls */
		p.subagent = "compact";
	}
	p.parallel_tool_calls = a->family->supports_parallel_tool_calls;
	p.reasoning_effort = collab_effort(a);
	p.reasoning_summary = a->summary;
	p.verbosity = a->family->supports_verbosity ? "low" : NULL;
	p.service_tier = a->service_tier;
	p.output_schema = t->compact ? NULL : a->output_schema;
	p.turn_metadata = t->metadata;
	err_clear(&e);
	credentials_before_request(a);
	t->stream = model_stream_start(a->client, &p, &ev, &e);
	if (!t->stream)
		fail(t, e.msg[0] ? e.msg : "cannot start the model request");
}

void turn_mcp_started(struct turn *t)
{
	if (!t->waiting_mcp || t->aborting || t->finished)
		return;
	t->waiting_mcp = false;
	if (loop_timer_arm(t->a->loop, &t->next, 0, on_next) < 0)
		fail(t, "out of memory");
}

/* ---- start and interrupt ---- */

/* user_item NULL: a compaction. */
static int start(struct agent *a, cJSON *user_item, struct err *e)
{
	struct turn *t;
	cJSON *m;

	if (a->turn) {
		cJSON_Delete(user_item);
		return err_set(e, "a turn is already running");
	}
	t = calloc(1, sizeof *t);
	if (!t) {
		cJSON_Delete(user_item);
		return err_set(e, "out of memory");
	}
	if (uuid_v7(uuid_now_ms(), t->uuid, e) < 0) {
		cJSON_Delete(user_item);
		free(t);
		return -1;
	}
	if (user_item && collab_turn_start(a, e) < 0) {
		cJSON_Delete(user_item);
		free(t);
		return -1;
	}
	if (user_item)
		history_add(a, user_item);
	t->compact = !user_item;
	t->a = a;
	snprintf(t->id, sizeof t->id, "%u", a->next_turn++);
	a->turn = t;
	m = cJSON_CreateObject();
	if (m && (!cJSON_AddNumberToObject(m, "model_context_window",
					   (double)a->family->context_window) ||
		  !cJSON_AddStringToObject(m, "collaboration_mode_kind",
					   agent_mode_kind(a->turn_mode)))) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit(a, AGENT_EV_TASK_STARTED, m);
	if (loop_timer_arm(a->loop, &t->next, 0, on_next) < 0) {
		a->turn = NULL;
		turn_free(t);
		return err_set(e, "out of memory");
	}
	return 0;
}

int turn_start(struct agent *a, cJSON *user_item, struct err *e)
{
	if (!user_item)
		return err_set(e, "out of memory");
	return start(a, user_item, e);
}

int turn_start_compact(struct agent *a, struct err *e)
{
	return start(a, NULL, e);
}

void turn_interrupt(struct turn *t)
{
	struct agent *a = t->a;
	cJSON *m;

	if (t->aborting || t->finished)
		return;
	t->aborting = true;
	if (t->stream) {
		model_stream_cancel(t->stream);
		t->stream = NULL;
	}
	loop_timer_disarm(a->loop, &t->next);
	/* Every call gets an output, so the history stays valid for the next turn. */
	for (size_t i = 0; i < t->n_calls; i++) {
		struct tool_call *c = t->calls[i];
		if (c->done)
			continue;
		if (c->cancel)
			c->cancel(c);
		if (!c->done)
			tool_call_finish(c, strdup("aborted"));
	}
	if (t->n_calls)
		append_outputs(t);
	user_shell_flush(a);
	/* As upstream: the model hears of the interrupt at its next turn (a <turn_aborted>
	 * note after the aborted outputs), and a resume finds it in the rollout. */
	if ((m = rollout_turn_aborted_marker()))
		history_add(a, m);
	t->finished = true;
	m = cJSON_CreateObject();
	if (m && !cJSON_AddStringToObject(m, "reason", "interrupted")) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit(a, AGENT_EV_TURN_ABORTED, m);
	record_turn_end(a);
	if (a->turn == t) {
		a->turn = NULL;
		turn_free(t);
	}
}
