/* The Responses request: body (upstream's key order and values, input items as upstream
 * serialises them), headers (in the order 0.118 sends them) and URL.
 *
 * The body is a tree of new nodes that mostly point at the caller's (cJSON references),
 * printed once: a conversation of many megabytes is never copied to be sent. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "model/internal.h"

bool model_put_item(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (cJSON_AddItemToObject(obj, key, item))
		return true;
	cJSON_Delete(item);
	return false;
}

bool model_put_ref(cJSON *obj, const char *key, const cJSON *node)
{
	cJSON *ref;

	/* cJSON_AddItemReferenceToObject leaks its reference node when adding fails (no
	 * memory for the key), so the reference is made here: a shallow copy of the node,
	 * flagged so that cJSON_Delete frees only the copy. */
	if (!node || !(ref = cJSON_CreateNull()))
		return false;
	*ref = *node;
	ref->next = ref->prev = NULL;
	ref->string = NULL;
	ref->type = (node->type & ~cJSON_StringIsConst) | cJSON_IsReference;
	return model_put_item(obj, key, ref);
}

static bool put_ref(cJSON *obj, const char *key, const cJSON *node)
{
	return model_put_ref(obj, key, node);
}

static bool put_str(cJSON *obj, const char *key, const char *s)
{
	return model_put_item(obj, key, cJSON_CreateStringReference(s));
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *type_of(const cJSON *o)
{
	const cJSON *t = get(o, "type");

	return cJSON_IsString(t) ? t->valuestring : "";
}

/* The fields of a new item, in order, each copied by reference when the item has it. */
static bool put_fields(cJSON *out, const cJSON *item, const char *const *keys)
{
	for (; *keys; keys++) {
		const cJSON *v = get(item, *keys);
		if (v && !put_ref(out, *keys, v))
			return false;
	}
	return true;
}

/* Content parts as upstream's ContentItem: input_text/output_text {text}, input_image
 * {image_url, detail?}; other kinds as they are. */
static cJSON *content_parts(const cJSON *content)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *c;

	if (!arr)
		return NULL;
	cJSON_ArrayForEach(c, content) {
		const char *t = type_of(c);
		cJSON *part;
		if (strcmp(t, "input_text") != 0 && strcmp(t, "output_text") != 0 &&
		    strcmp(t, "input_image") != 0) {
			if (!cJSON_AddItemReferenceToArray(arr, (cJSON *)c))
				goto fail;
			continue;
		}
		part = cJSON_CreateObject();
		if (!part || !cJSON_AddItemToArray(arr, part)) {
			cJSON_Delete(part);
			goto fail;
		}
		if (!put_ref(part, "type", get(c, "type")) ||
		    !put_fields(part, c, (const char *const[]){"text", "image_url", "detail", NULL}))
			goto fail;
	}
	return arr;
fail:
	cJSON_Delete(arr);
	return NULL;
}

/* One ResponseItem as upstream sends it back (see model.h); NULL when it is left out
 * (*skip set) or memory ran out. */
static cJSON *input_item(const cJSON *item, bool keep_ids, bool *skip)
{
	static const char *const message[] = {"role", NULL};
	static const char *const message_tail[] = {"end_turn", "phase", NULL};
	static const char *const function_call[] = {"name", "arguments", "call_id", NULL};
	static const char *const custom_call[] = {"status", "call_id", "name", "input", NULL};
	static const char *const output[] = {"call_id", "output", NULL};
	static const char *const local_shell[] = {"call_id", "status", "action", NULL};
	static const char *const web_search[] = {"status", "action", NULL};
	const char *t = type_of(item);
	const char *const *fields = NULL;
	cJSON *out;

	*skip = false;
	if (!cJSON_IsObject(item) || strcmp(t, "ghost_snapshot") == 0) {
		*skip = true;
		return NULL;
	}
	if (strcmp(t, "function_call") == 0)
		fields = function_call;
	else if (strcmp(t, "custom_tool_call") == 0)
		fields = custom_call;
	else if (strcmp(t, "function_call_output") == 0 ||
		 strcmp(t, "custom_tool_call_output") == 0)
		fields = output;
	else if (strcmp(t, "local_shell_call") == 0)
		fields = local_shell;
	else if (strcmp(t, "web_search_call") == 0)
		fields = web_search;
	else if (strcmp(t, "message") != 0 && strcmp(t, "reasoning") != 0) {
		/* A type we do not know: sent as it is. */
		return cJSON_CreateObjectReference(item->child);
	}
	out = cJSON_CreateObject();
	if (!out || !put_ref(out, "type", get(item, "type")))
		goto fail;
	if (keep_ids && get(item, "id") && !put_ref(out, "id", get(item, "id")))
		goto fail;
	if (strcmp(t, "message") == 0) {
		cJSON *parts;
		if (!put_fields(out, item, message) || !(parts = content_parts(get(item, "content"))))
			goto fail;
		if (!cJSON_AddItemToObject(out, "content", parts)) {
			cJSON_Delete(parts);
			goto fail;
		}
		if (!put_fields(out, item, message_tail))
			goto fail;
	} else if (strcmp(t, "reasoning") == 0) {
		const cJSON *enc = get(item, "encrypted_content");
		cJSON *summary = content_parts(get(item, "summary"));
		if (!summary || !cJSON_AddItemToObject(out, "summary", summary)) {
			cJSON_Delete(summary);
			goto fail;
		}
		/* Raw reasoning content is never sent back; encrypted content always is (null
		 * when there was none). */
		if (!(enc ? put_ref(out, "encrypted_content", enc)
			  : cJSON_AddNullToObject(out, "encrypted_content") != NULL))
			goto fail;
	} else if (!put_fields(out, item, fields)) {
		goto fail;
	}
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

static cJSON *input_items(const cJSON *input, bool keep_ids)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *item;

	if (!arr)
		return NULL;
	cJSON_ArrayForEach(item, input) {
		bool skip;
		cJSON *o = input_item(item, keep_ids, &skip);
		if (skip)
			continue;
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

static bool put_reasoning(cJSON *body, const struct model_family *f, const struct model_prompt *p)
{
	const char *effort = p->reasoning_effort ? p->reasoning_effort : f->default_effort;
	const char *summary = p->reasoning_summary ? p->reasoning_summary : f->default_summary;
	cJSON *r;

	if (!f->supports_reasoning)
		return cJSON_AddNullToObject(body, "reasoning") != NULL;
	r = cJSON_CreateObject();
	if (!r || !cJSON_AddItemToObject(body, "reasoning", r)) {
		cJSON_Delete(r);
		return false;
	}
	if (effort && !put_str(r, "effort", effort))
		return false;
	if (summary && strcmp(summary, "none") != 0 && !put_str(r, "summary", summary))
		return false;
	return true;
}

static bool put_text(cJSON *body, const struct model_family *f, const struct model_prompt *p)
{
	const char *verbosity = p->verbosity ? p->verbosity : f->default_verbosity;
	cJSON *text, *format;

	if (!f->supports_verbosity)
		verbosity = NULL;
	if (!verbosity && !p->output_schema)
		return true;
	text = cJSON_CreateObject();
	if (!text || !cJSON_AddItemToObject(body, "text", text)) {
		cJSON_Delete(text);
		return false;
	}
	if (verbosity && !put_str(text, "verbosity", verbosity))
		return false;
	if (!p->output_schema)
		return true;
	format = cJSON_CreateObject();
	if (!format || !cJSON_AddItemToObject(text, "format", format)) {
		cJSON_Delete(format);
		return false;
	}
	return put_str(format, "type", "json_schema") && cJSON_AddTrueToObject(format, "strict") &&
	       put_ref(format, "schema", p->output_schema) &&
	       put_str(format, "name", "codex_output_schema");
}

static char *print_body(cJSON *body, size_t *len, struct err *e)
{
	/* serde_json's compact form, as upstream prints its requests. */
	char *s = body ? json_print(body, false) : NULL;

	cJSON_Delete(body);
	if (!s) {
		err_set(e, "out of memory");
		return NULL;
	}
	*len = strlen(s);
	return s;
}

char *model_responses_body(const struct model_provider *pv, const char *session_id,
			   const struct model_prompt *p, size_t *len, struct err *e)
{
	const struct model_family *f = model_family_find(p->model);
	cJSON *body = cJSON_CreateObject(), *input = NULL, *tools;
	bool reasoning_sent = f->supports_reasoning;
	bool ok;

	if (!body)
		goto nomem;
	ok = put_str(body, "model", p->model ? p->model : "") &&
	     put_str(body, "instructions", p->instructions ? p->instructions : "");
	input = ok ? input_items(p->input, pv->is_azure) : NULL;
	if (!input || !cJSON_AddItemToObject(body, "input", input)) {
		cJSON_Delete(input);
		goto nomem;
	}
	tools = p->tools ? cJSON_CreateArrayReference(p->tools->child) : cJSON_CreateArray();
	if (!tools || !cJSON_AddItemToObject(body, "tools", tools)) {
		cJSON_Delete(tools);
		goto nomem;
	}
	ok = put_str(body, "tool_choice", "auto") &&
	     cJSON_AddBoolToObject(body, "parallel_tool_calls", p->parallel_tool_calls) &&
	     put_reasoning(body, f, p) && cJSON_AddBoolToObject(body, "store", pv->is_azure) &&
	     cJSON_AddTrueToObject(body, "stream");
	if (ok) {
		cJSON *include = cJSON_AddArrayToObject(body, "include");
		ok = include && (!reasoning_sent ||
				 cJSON_AddItemToArray(include, cJSON_CreateStringReference(
								       "reasoning.encrypted_content")));
	}
	/* Fast mode is the API's "priority" tier (upstream sends it so). */
	if (ok && p->service_tier)
		ok = put_str(body, "service_tier",
			     strcmp(p->service_tier, "fast") == 0 ? "priority" : p->service_tier);
	ok = ok && (!session_id || put_str(body, "prompt_cache_key", session_id)) &&
	     put_text(body, f, p);
	if (!ok)
		goto nomem;
	return print_body(body, len, e);
nomem:
	cJSON_Delete(body);
	err_set(e, "out of memory");
	return NULL;
}

int model_request_headers(const struct model_provider *p, const struct model_header_values *v,
			  struct strv *out, struct err *e)
{
	/* The provider's own headers first, then as 0.118 orders its own. */
	for (size_t i = 0; i < p->headers.n; i++)
		if (strv_push(out, p->headers.v[i]) < 0)
			goto nomem;
	if ((v->turn_metadata && strv_pushf(out, "x-codex-turn-metadata: %s", v->turn_metadata) < 0) ||
	    (v->subagent && strv_pushf(out, "x-openai-subagent: %s", v->subagent) < 0) ||
	    (v->session_id && (strv_pushf(out, "x-client-request-id: %s", v->session_id) < 0 ||
			       strv_pushf(out, "session_id: %s", v->session_id) < 0)) ||
	    (v->bearer && strv_pushf(out, "authorization: Bearer %s", v->bearer) < 0) ||
	    (v->account_id && strv_pushf(out, "chatgpt-account-id: %s", v->account_id) < 0) ||
	    strv_push(out, "accept: text/event-stream") < 0 ||
	    strv_push(out, "content-type: application/json") < 0 ||
	    (v->user_agent && strv_pushf(out, "user-agent: %s", v->user_agent) < 0) ||
	    (v->originator && strv_pushf(out, "originator: %s", v->originator) < 0))
		goto nomem;
	return 0;
nomem:
	return err_set(e, "out of memory");
}

/* Percent-encodes a query component (RFC 3986 unreserved characters stay). */
static int put_query_part(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || strchr("-._~", c);
		if (plain ? buf_putc(b, (char)c) < 0
			  : buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]) < 0)
			return -1;
	}
	return 0;
}

char *model_request_url(const struct model_provider *p, struct err *e)
{
	struct buf b;
	const struct config_map *q = &p->query_params;

	buf_init(&b, 64 * 1024);
	if (buf_printf(&b, "%s/%s", p->base_url,
		       p->wire == MODEL_WIRE_CHAT ? "chat/completions" : "responses") < 0)
		goto fail;
	for (size_t i = 0; i < q->keys.n; i++)
		if (buf_putc(&b, i ? '&' : '?') < 0 || put_query_part(&b, q->keys.v[i]) < 0 ||
		    buf_putc(&b, '=') < 0 || put_query_part(&b, q->values.v[i]) < 0)
			goto fail;
	return buf_take(&b);
fail:
	buf_free(&b);
	err_set(e, "the provider's URL is too long (or memory ran out)");
	return NULL;
}
