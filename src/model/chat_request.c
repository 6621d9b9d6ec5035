/* The Chat Completions request (reference §1.9): ResponseItems mapped to messages.
 *
 * The instructions become the system message. A developer message becomes a system
 * one (local servers often reject the "developer" role). Assistant text and the
 * function calls that follow it become one assistant message with tool_calls; tool
 * outputs become "tool" messages; a reasoning item's text rides on the next assistant
 * message as "reasoning". Only function tools are declared, wrapped as Chat expects. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "model/internal.h"

struct mapper {
	cJSON *messages;
	cJSON *assistant;       /* the open assistant message, or NULL */
	struct buf reasoning;   /* waiting for the next assistant message */
	bool failed;
};

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *type_of(const cJSON *o)
{
	const char *t = json_get_str(o, "type");

	return t ? t : "";
}

/* The text parts of content (a string, or parts with "text"), joined. */
static char *joined_text(const cJSON *content, const char *const *kinds)
{
	struct buf b;
	const cJSON *c;

	buf_init(&b, LIMIT_SSE_EVENT_BYTES * 4u);
	if (cJSON_IsString(content))
		return strdup(content->valuestring);
	cJSON_ArrayForEach(c, content) {
		const char *text = json_get_str(c, "text");
		bool wanted = false;
		for (const char *const *k = kinds; *k; k++)
			wanted |= strcmp(type_of(c), *k) == 0;
		if (wanted && text && buf_puts(&b, text) < 0)
			return NULL;
	}
	return buf_take(&b);
}

static bool add_string(cJSON *o, const char *key, const char *s)
{
	return s && cJSON_AddStringToObject(o, key, s) != NULL;
}

static cJSON *new_message(struct mapper *m, const char *role)
{
	cJSON *msg = cJSON_CreateObject();

	if (!msg || !cJSON_AddItemToArray(m->messages, msg)) {
		cJSON_Delete(msg);
		m->failed = true;
		return NULL;
	}
	if (!add_string(msg, "role", role))
		m->failed = true;
	return msg;
}

static void attach_reasoning(struct mapper *m, cJSON *assistant)
{
	if (m->reasoning.len == 0)
		return;
	if (!add_string(assistant, "reasoning", m->reasoning.data))
		m->failed = true;
	buf_reset(&m->reasoning);
}

static void map_message(struct mapper *m, const cJSON *item)
{
	static const char *const text_kinds[] = {"input_text", "output_text", "text", NULL};
	const char *role = json_get_str(item, "role");
	const cJSON *content = get(item, "content"), *c;
	bool images = false;
	char *text;
	cJSON *msg;

	if (!role)
		return;
	if (strcmp(role, "developer") == 0)
		role = "system";
	cJSON_ArrayForEach(c, content)
		images |= strcmp(type_of(c), "input_image") == 0;
	m->assistant = NULL;
	msg = new_message(m, role);
	if (!msg)
		return;
	if (strcmp(role, "assistant") == 0) {
		m->assistant = msg;
		attach_reasoning(m, msg);
	}
	if (images) {
		cJSON *parts = cJSON_AddArrayToObject(msg, "content");
		cJSON_ArrayForEach(c, content) {
			cJSON *part = cJSON_CreateObject(), *url;
			const char *t = type_of(c);
			if (!part || !cJSON_AddItemToArray(parts, part)) {
				cJSON_Delete(part);
				m->failed = true;
				return;
			}
			if (strcmp(t, "input_image") == 0) {
				if (!add_string(part, "type", "image_url") ||
				    !(url = cJSON_AddObjectToObject(part, "image_url")) ||
				    !add_string(url, "url", json_get_str(c, "image_url") ? json_get_str(c, "image_url") : ""))
					m->failed = true;
			} else if (!add_string(part, "type", "text") ||
				   !add_string(part, "text", json_get_str(c, "text") ? json_get_str(c, "text") : "")) {
				m->failed = true;
			}
		}
		return;
	}
	text = joined_text(content, text_kinds);
	if (!add_string(msg, "content", text))
		m->failed = true;
	free(text);
}

/* function_call, custom_tool_call, local_shell_call: a tool_calls entry of the open
 * assistant message (opened when there is none). */
static void map_call(struct mapper *m, const cJSON *item)
{
	const char *t = type_of(item), *call_id = json_get_str(item, "call_id"), *name = json_get_str(item, "name");
	cJSON *calls, *call, *fn;
	char *args = NULL;

	if (!m->assistant) {
		m->assistant = new_message(m, "assistant");
		if (!m->assistant || !cJSON_AddNullToObject(m->assistant, "content")) {
			m->failed = true;
			return;
		}
		attach_reasoning(m, m->assistant);
	}
	calls = cJSON_GetObjectItemCaseSensitive(m->assistant, "tool_calls");
	if (!calls)
		calls = cJSON_AddArrayToObject(m->assistant, "tool_calls");
	call = cJSON_CreateObject();
	if (!calls || !call || !cJSON_AddItemToArray(calls, call)) {
		cJSON_Delete(call);
		m->failed = true;
		return;
	}
	if (strcmp(t, "function_call") == 0) {
		args = strdup(json_get_str(item, "arguments") ? json_get_str(item, "arguments") : "{}");
	} else if (strcmp(t, "custom_tool_call") == 0) {
		/* Chat has no freeform tools: the raw input travels as {"input": ...}. */
		cJSON *o = cJSON_CreateObject();
		if (o && add_string(o, "input", json_get_str(item, "input") ? json_get_str(item, "input") : ""))
			args = json_print(o, false);
		cJSON_Delete(o);
	} else {
		name = "local_shell";
		args = get(item, "action") ? json_print(get(item, "action"), false) : strdup("{}");
	}
	fn = cJSON_CreateObject();
	if (!args || !fn || !add_string(call, "id", call_id ? call_id : "") ||
	    !add_string(call, "type", "function") || !cJSON_AddItemToObject(call, "function", fn)) {
		cJSON_Delete(fn);
		free(args);
		m->failed = true;
		return;
	}
	if (!add_string(fn, "name", name ? name : "") || !add_string(fn, "arguments", args))
		m->failed = true;
	free(args);
}

static void map_output(struct mapper *m, const cJSON *item)
{
	static const char *const text_kinds[] = {"input_text", "output_text", "text", NULL};
	const char *call_id = json_get_str(item, "call_id");
	char *text = joined_text(get(item, "output"), text_kinds);
	cJSON *msg;

	m->assistant = NULL;
	msg = new_message(m, "tool");
	if (!msg || !text || !add_string(msg, "tool_call_id", call_id ? call_id : "") ||
	    !add_string(msg, "content", text))
		m->failed = true;
	free(text);
}

static void map_reasoning(struct mapper *m, const cJSON *item)
{
	static const char *const raw[] = {"reasoning_text", "text", NULL};
	static const char *const summary[] = {"summary_text", NULL};
	char *text = joined_text(get(item, "content"), raw);

	if (text && !*text) {
		free(text);
		text = joined_text(get(item, "summary"), summary);
	}
	if (!text || buf_puts(&m->reasoning, text) < 0)
		m->failed = true;
	free(text);
}

static cJSON *chat_tools(const cJSON *tools)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *t;

	cJSON_ArrayForEach(t, tools) {
		cJSON *wrap, *fn;
		if (strcmp(type_of(t), "function") != 0)
			continue;
		wrap = cJSON_CreateObject();
		fn = cJSON_CreateObject();
		if (!arr || !wrap || !fn || !cJSON_AddItemToArray(arr, wrap)) {
			cJSON_Delete(wrap);
			cJSON_Delete(fn);
			cJSON_Delete(arr);
			return NULL;
		}
		if (!model_put_item(wrap, "type", cJSON_CreateStringReference("function"))) {
			cJSON_Delete(fn);
			cJSON_Delete(arr);
			return NULL;
		}
		if (!model_put_item(wrap, "function", fn)) {
			cJSON_Delete(arr);
			return NULL;
		}
		for (const char *const *k = (const char *const[]){"name", "description", "parameters",
								 NULL};
		     *k; k++)
			if (get(t, *k) && !model_put_ref(fn, *k, get(t, *k))) {
				cJSON_Delete(arr);
				return NULL;
			}
	}
	return arr;
}

char *model_chat_body(const struct model_prompt *p, size_t *len, struct err *e)
{
	struct mapper m = {0};
	cJSON *body = cJSON_CreateObject(), *tools = NULL;
	const cJSON *item;
	char *s = NULL;

	buf_init(&m.reasoning, LIMIT_SSE_EVENT_BYTES * 4u);
	if (p->output_schema) {
		cJSON_Delete(body);
		err_set(e, "output_schema is not supported for Chat Completions API");
		return NULL;
	}
	if (!body || !cJSON_AddStringToObject(body, "model", p->model ? p->model : "") ||
	    !(m.messages = cJSON_AddArrayToObject(body, "messages")))
		goto nomem;
	if (p->instructions && *p->instructions) {
		cJSON *sys = new_message(&m, "system");
		if (!sys || !add_string(sys, "content", p->instructions))
			goto nomem;
	}
	cJSON_ArrayForEach(item, p->input) {
		const char *t = type_of(item);
		if (strcmp(t, "message") == 0)
			map_message(&m, item);
		else if (strcmp(t, "function_call") == 0 || strcmp(t, "custom_tool_call") == 0 ||
			 strcmp(t, "local_shell_call") == 0)
			map_call(&m, item);
		else if (strcmp(t, "function_call_output") == 0 ||
			 strcmp(t, "custom_tool_call_output") == 0)
			map_output(&m, item);
		else if (strcmp(t, "reasoning") == 0)
			map_reasoning(&m, item);
		/* web searches, snapshots, compaction summaries: Chat has no form for them */
		if (m.failed)
			goto nomem;
	}
	if (!cJSON_AddTrueToObject(body, "stream"))
		goto nomem;
	tools = chat_tools(p->tools);
	if (!tools)
		goto nomem;
	/* OpenAI refuses an empty tools list. */
	if (cJSON_GetArraySize(tools) == 0)
		cJSON_Delete(tools);
	else if (!cJSON_AddItemToObject(body, "tools", tools)) {
		cJSON_Delete(tools);
		goto nomem;
	}
	s = json_print(body, false);
	if (!s)
		goto nomem;
	cJSON_Delete(body);
	buf_free(&m.reasoning);
	*len = strlen(s);
	return s;
nomem:
	cJSON_Delete(body);
	buf_free(&m.reasoning);
	err_set(e, "out of memory (or a message over the size limit)");
	return NULL;
}
