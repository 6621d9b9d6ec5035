/* Chat Completions stream chunks aggregated into ResponseItems (see internal.h): text
 * and reasoning deltas are reported as they come, the items when the response ends
 * (`data: [DONE]`, or the end of the stream after a finish_reason). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/vec.h"
#include "base/json.h"
#include "model/internal.h"

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int64_t count(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9e15
		       ? (int64_t)v->valuedouble
		       : 0;
}

void chat_decoder_init(struct chat_decoder *d)
{
	memset(d, 0, sizeof *d);
	buf_init(&d->text, LIMIT_SSE_EVENT_BYTES);
	buf_init(&d->reasoning, LIMIT_SSE_EVENT_BYTES);
}

void chat_decoder_free(struct chat_decoder *d)
{
	buf_free(&d->text);
	buf_free(&d->reasoning);
	for (size_t i = 0; i < d->ncalls; i++) {
		free(d->calls[i].id);
		buf_free(&d->calls[i].name);
		buf_free(&d->calls[i].arguments);
	}
	free(d->calls);
	memset(d, 0, sizeof *d);
}

static enum wire_status too_big(struct wire_outcome *out, const char *what)
{
	out->kind = MODEL_ERR_SERVER;
	err_set(&out->e, "the model's %s is over %u bytes (or memory ran out)", what,
		LIMIT_SSE_EVENT_BYTES);
	return WIRE_FATAL;
}

static enum wire_status nomem(struct wire_outcome *out)
{
	out->kind = MODEL_ERR_INTERNAL;
	err_set(&out->e, "out of memory");
	return WIRE_FATAL;
}

static struct chat_tool_call *call_at(struct chat_decoder *d, size_t index)
{
	if (index >= d->ncalls) {
		struct chat_tool_call *c = vec_grow(d->calls, &d->cap_calls, index, sizeof *c,
						    MODEL_CHAT_MAX_TOOL_CALLS);
		if (!c)
			return NULL;
		d->calls = c;
		for (size_t i = d->ncalls; i <= index; i++) {
			memset(&c[i], 0, sizeof c[i]);
			buf_init(&c[i].name, 4096);
			buf_init(&c[i].arguments, LIMIT_SSE_EVENT_BYTES);
		}
		d->ncalls = index + 1;
	}
	return &d->calls[index];
}

static enum wire_status tool_call_fragment(struct chat_decoder *d, const cJSON *tc, size_t pos,
					   struct wire_outcome *out)
{
	const cJSON *idx = get(tc, "index"), *fn = get(tc, "function");
	size_t index = cJSON_IsNumber(idx) && idx->valuedouble >= 0 && idx->valuedouble < 1e6
			       ? (size_t)idx->valuedouble
			       : pos;
	struct chat_tool_call *c = call_at(d, index);
	const char *id = json_get_str(tc, "id"), *name = json_get_str(fn, "name"), *args = json_get_str(fn, "arguments");

	if (!c) {
		out->kind = MODEL_ERR_SERVER;
		err_set(&out->e, "the model's response has more than %u tool calls",
			MODEL_CHAT_MAX_TOOL_CALLS);
		return WIRE_FATAL;
	}
	if (id && *id && !c->id && !(c->id = strdup(id)))
		return nomem(out);
	if (name && buf_puts(&c->name, name) < 0)
		return too_big(out, "tool name");
	if (args && buf_puts(&c->arguments, args) < 0)
		return too_big(out, "tool arguments");
	return WIRE_CONTINUE;
}

/* delta.reasoning (a string, or {text} / {content}) or delta.reasoning_content. */
static const char *reasoning_text(const cJSON *delta)
{
	const cJSON *r = get(delta, "reasoning");

	if (cJSON_IsString(r))
		return r->valuestring;
	if (cJSON_IsObject(r))
		return json_get_str(r, "text") ? json_get_str(r, "text") : json_get_str(r, "content");
	return json_get_str(delta, "reasoning_content");
}

static enum wire_status on_delta(struct chat_decoder *d, struct model_emit *em,
				 const cJSON *delta, struct wire_outcome *out)
{
	const struct model_stream_events *ev = em->ev;
	const char *content = json_get_str(delta, "content"), *reasoning = reasoning_text(delta);
	const cJSON *tcs = get(delta, "tool_calls"), *tc;
	const cJSON *calls = cJSON_IsArray(tcs) ? tcs : NULL;
	size_t pos = 0;

	if (reasoning && *reasoning) {
		if (buf_puts(&d->reasoning, reasoning) < 0)
			return too_big(out, "reasoning");
		if (ev->reasoning_raw_delta)
			ev->reasoning_raw_delta(ev->arg, 0, reasoning, strlen(reasoning));
		if (em->stopped)
			return WIRE_STOPPED;
	}
	if (content && *content) {
		if (!d->message_added) {
			cJSON *item = cJSON_Parse("{\"type\":\"message\",\"role\":\"assistant\","
						  "\"content\":[]}");
			d->message_added = true;
			if (!item)
				return nomem(out);
			if (ev->item_added)
				ev->item_added(ev->arg, item);
			cJSON_Delete(item);
			if (em->stopped)
				return WIRE_STOPPED;
		}
		if (buf_puts(&d->text, content) < 0)
			return too_big(out, "message");
		if (ev->text_delta)
			ev->text_delta(ev->arg, content, strlen(content));
		if (em->stopped)
			return WIRE_STOPPED;
	}
	cJSON_ArrayForEach(tc, calls) {
		enum wire_status st = tool_call_fragment(d, tc, pos++, out);
		if (st != WIRE_CONTINUE)
			return st;
	}
	return WIRE_CONTINUE;
}

/* {"type":..., fields...} built from strings, or NULL. */
static cJSON *text_item(const char *type, const char *role, const char *part_type,
			const char *text)
{
	cJSON *item = cJSON_CreateObject(), *parts, *part;

	if (!item || !cJSON_AddStringToObject(item, "type", type))
		goto fail;
	if (role && !cJSON_AddStringToObject(item, "role", role))
		goto fail;
	if (strcmp(type, "reasoning") == 0 && !cJSON_AddArrayToObject(item, "summary"))
		goto fail;
	parts = cJSON_AddArrayToObject(item, "content");
	part = cJSON_CreateObject();
	if (!parts || !part || !cJSON_AddItemToArray(parts, part)) {
		cJSON_Delete(part);
		goto fail;
	}
	if (!cJSON_AddStringToObject(part, "type", part_type) ||
	    !cJSON_AddStringToObject(part, "text", text))
		goto fail;
	if (strcmp(type, "reasoning") == 0 && !cJSON_AddNullToObject(item, "encrypted_content"))
		goto fail;
	return item;
fail:
	cJSON_Delete(item);
	return NULL;
}

static cJSON *call_item(const struct chat_tool_call *c, size_t index)
{
	cJSON *item = cJSON_CreateObject();
	char synthetic[32];

	/* A server that sent no id (some local ones) still needs a call_id to pair the
	 * output with. */
	snprintf(synthetic, sizeof synthetic, "call_%zu", index);
	if (!item || !cJSON_AddStringToObject(item, "type", "function_call") ||
	    !cJSON_AddStringToObject(item, "name", c->name.data ? c->name.data : "") ||
	    !cJSON_AddStringToObject(item, "arguments",
				     c->arguments.data ? c->arguments.data : "") ||
	    !cJSON_AddStringToObject(item, "call_id", c->id ? c->id : synthetic)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static enum wire_status emit_done(struct model_emit *em, cJSON *item, struct wire_outcome *out)
{
	if (!item)
		return nomem(out);
	if (em->ev->item_done)
		em->ev->item_done(em->ev->arg, item);
	cJSON_Delete(item);
	return em->stopped ? WIRE_STOPPED : WIRE_CONTINUE;
}

/* The response is over: its items, then the completion. */
static enum wire_status finish(struct chat_decoder *d, struct model_emit *em,
			       struct wire_outcome *out)
{
	enum wire_status st;

	if (d->reasoning.len > 0 &&
	    (st = emit_done(em, text_item("reasoning", NULL, "reasoning_text", d->reasoning.data),
			    out)) != WIRE_CONTINUE)
		return st;
	if (d->text.len > 0 &&
	    (st = emit_done(em, text_item("message", "assistant", "output_text", d->text.data),
			    out)) != WIRE_CONTINUE)
		return st;
	for (size_t i = 0; i < d->ncalls; i++) {
		/* An index the server skipped has neither a name nor an id. */
		if (!d->calls[i].name.len && !d->calls[i].id)
			continue;
		if ((st = emit_done(em, call_item(&d->calls[i], i), out)) != WIRE_CONTINUE)
			return st;
	}
	free(out->response_id);
	out->response_id = strdup("");
	if (!out->response_id)
		return nomem(out);
	out->usage = d->usage;
	return WIRE_COMPLETED;
}

static bool is_done_marker(const char *data, size_t len)
{
	while (len > 0 && (data[len - 1] == ' ' || data[len - 1] == '\t'))
		len--;
	while (len > 0 && (*data == ' ' || *data == '\t')) {
		data++;
		len--;
	}
	return len == 6 && memcmp(data, "[DONE]", 6) == 0;
}

enum wire_status chat_event(struct chat_decoder *d, struct model_emit *em, const char *data,
			    size_t len, struct wire_outcome *out)
{
	cJSON *root;
	const cJSON *choice, *error, *usage;
	enum wire_status st = WIRE_CONTINUE;

	if (is_done_marker(data, len))
		return finish(d, em, out);
	root = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return WIRE_CONTINUE; /* not JSON: skipped, as in the Responses stream */
	}
	error = get(root, "error");
	if (cJSON_IsObject(error)) {
		st = model_classify_error_object(error, out);
		goto out;
	}
	usage = get(root, "usage");
	if (cJSON_IsObject(usage)) {
		d->has_usage = true;
		d->usage.input_tokens = count(usage, "prompt_tokens");
		d->usage.cached_input_tokens =
			count(get(usage, "prompt_tokens_details"), "cached_tokens");
		d->usage.output_tokens = count(usage, "completion_tokens");
		d->usage.reasoning_output_tokens =
			count(get(usage, "completion_tokens_details"), "reasoning_tokens");
		d->usage.total_tokens = count(usage, "total_tokens");
	}
	choice = cJSON_GetArrayItem(get(root, "choices"), 0);
	if (cJSON_IsObject(choice)) {
		const cJSON *delta = get(choice, "delta");
		if (cJSON_IsObject(delta))
			st = on_delta(d, em, delta, out);
		if (st == WIRE_CONTINUE && json_get_str(choice, "finish_reason"))
			d->finished = true;
	}
out:
	cJSON_Delete(root);
	return st;
}

enum wire_status chat_stream_end(struct chat_decoder *d, struct model_emit *em,
				 struct wire_outcome *out)
{
	if (d->finished)
		return finish(d, em, out);
	out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
	err_set(&out->e, "stream closed before the response was complete");
	return WIRE_RETRY;
}
