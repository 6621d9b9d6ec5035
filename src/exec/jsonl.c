/* `codex exec --json`: the agent's events as upstream's JSONL (reference
 * codex-agent-exec.md §5.4, codex-0.118-wire.md): thread.started, turn.started,
 * item.started/updated/completed, turn.completed or turn.failed, error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/internal.h"

static void print(struct exec_front *f, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	if (s) {
		fputs(s, f->out);
		fputc('\n', f->out);
		fflush(f->out);
	}
	free(s);
	cJSON_Delete(o);
}

static cJSON *typed(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, "type", type)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* {"type":<type>,"item":<item>} with the item copied. */
static void print_item(struct exec_front *f, const char *type, const cJSON *item)
{
	cJSON *o = typed(type), *copy = cJSON_Duplicate(item, 1);

	if (o && copy && cJSON_AddItemToObject(o, "item", copy))
		copy = NULL;
	cJSON_Delete(copy);
	print(f, o);
}

static cJSON *new_item(struct exec_front *f, const char *type)
{
	cJSON *it = cJSON_CreateObject();
	char id[32];

	snprintf(id, sizeof id, "item_%u", f->next_item++);
	if (it && cJSON_AddStringToObject(it, "id", id) && cJSON_AddStringToObject(it, "type", type))
		return it;
	cJSON_Delete(it);
	return NULL;
}

static void open_item(struct exec_front *f, const char *call_id, cJSON *item)
{
	if (!item)
		return;
	print_item(f, "item.started", item);
	if (f->n_open == EXEC_MAX_OPEN_ITEMS || !call_id) {
		cJSON_Delete(item);
		return;
	}
	f->open[f->n_open].call_id = strdup(call_id);
	f->open[f->n_open].item = item;
	f->n_open++;
}

static cJSON *take_open(struct exec_front *f, const char *call_id)
{
	for (size_t i = 0; call_id && i < f->n_open; i++)
		if (f->open[i].call_id && strcmp(f->open[i].call_id, call_id) == 0) {
			cJSON *it = f->open[i].item;
			free(f->open[i].call_id);
			free(f->open[i].id);
			memmove(&f->open[i], &f->open[i + 1], (f->n_open - i - 1) * sizeof f->open[0]);
			f->n_open--;
			return it;
		}
	return NULL;
}

static void set_field(cJSON *item, const char *key, cJSON *v)
{
	if (!v)
		return;
	if (cJSON_GetObjectItemCaseSensitive(item, key))
		cJSON_ReplaceItemInObjectCaseSensitive(item, key, v);
	else if (!cJSON_AddItemToObject(item, key, v))
		cJSON_Delete(v);
}

static void command_started(struct exec_front *f, const cJSON *m)
{
	cJSON *it = new_item(f, "command_execution");
	char *line = exec_command_line(m);

	if (it && line && cJSON_AddStringToObject(it, "command", line) &&
	    cJSON_AddStringToObject(it, "aggregated_output", "") &&
	    cJSON_AddNullToObject(it, "exit_code") &&
	    cJSON_AddStringToObject(it, "status", "in_progress")) {
		open_item(f, exec_str(m, "call_id"), it);
		it = NULL;
	}
	cJSON_Delete(it);
	free(line);
}

static void command_ended(struct exec_front *f, const cJSON *m)
{
	cJSON *it = take_open(f, exec_str(m, "call_id"));
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "exit_code");
	const char *out = exec_str(m, "aggregated_output");
	int rc = cJSON_IsNumber(code) ? (int)code->valuedouble : -1;

	if (!it)
		return;
	set_field(it, "aggregated_output", cJSON_CreateString(out ? out : ""));
	set_field(it, "exit_code", cJSON_CreateNumber(rc));
	set_field(it, "status", cJSON_CreateString(rc == 0 ? "completed" : "failed"));
	print_item(f, "item.completed", it);
	cJSON_Delete(it);
}

/* mcp_tool_call items: server, tool, arguments, then result or error. */
static void mcp_started(struct exec_front *f, const cJSON *m)
{
	const cJSON *inv = cJSON_GetObjectItemCaseSensitive(m, "invocation");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(inv, "arguments");
	cJSON *it = new_item(f, "mcp_tool_call");

	if (it && cJSON_AddStringToObject(it, "server", exec_str(inv, "server") ? exec_str(inv, "server") : "") &&
	    cJSON_AddStringToObject(it, "tool", exec_str(inv, "tool") ? exec_str(inv, "tool") : "") &&
	    cJSON_AddItemToObject(it, "arguments", args ? cJSON_Duplicate(args, 1) : cJSON_CreateNull()) &&
	    cJSON_AddNullToObject(it, "result") && cJSON_AddNullToObject(it, "error") &&
	    cJSON_AddStringToObject(it, "status", "in_progress")) {
		open_item(f, exec_str(m, "call_id"), it);
		it = NULL;
	}
	cJSON_Delete(it);
}

static void mcp_ended(struct exec_front *f, const cJSON *m)
{
	cJSON *it = take_open(f, exec_str(m, "call_id")), *err;
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "result");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "Ok");

	if (!it)
		return;
	if (ok) {
		set_field(it, "result", cJSON_Duplicate(ok, 1));
	} else if ((err = cJSON_CreateObject())) {
		cJSON_AddStringToObject(err, "message", exec_str(r, "Err") ? exec_str(r, "Err") : "");
		set_field(it, "error", err);
	}
	set_field(it, "status", cJSON_CreateString(
		ok && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ok, "isError")) ? "completed"
										  : "failed"));
	print_item(f, "item.completed", it);
	cJSON_Delete(it);
}

/* collab_tool_call items (multi_agent): the tool, the threads it reached and their
 * last known states, as upstream's exec JSONL. */
static const char *collab_tool(enum agent_event_kind k)
{
	switch (k) {
	case AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN:
	case AGENT_EV_COLLAB_AGENT_SPAWN_END:
		return "spawn_agent";
	case AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN:
	case AGENT_EV_COLLAB_AGENT_INTERACTION_END:
		return "send_input";
	case AGENT_EV_COLLAB_WAITING_BEGIN:
	case AGENT_EV_COLLAB_WAITING_END:
	case AGENT_EV_COLLAB_RESUME_BEGIN: /* upstream's exec maps resume_agent to wait */
	case AGENT_EV_COLLAB_RESUME_END:
		return "wait";
	default:
		return "close_agent";
	}
}

/* An AgentStatus as {"status", "message"}. */
static cJSON *collab_state(const cJSON *st)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *v;
	const char *status = "not_found", *msg = NULL;

	if (cJSON_IsString(st)) {
		status = st->valuestring;
	} else if ((v = cJSON_GetObjectItemCaseSensitive(st, "completed"))) {
		status = "completed";
		msg = cJSON_IsString(v) ? v->valuestring : NULL;
	} else if ((v = cJSON_GetObjectItemCaseSensitive(st, "errored"))) {
		status = "errored";
		msg = cJSON_IsString(v) ? v->valuestring : NULL;
	}
	if (o && cJSON_AddStringToObject(o, "status", status) &&
	    (msg ? cJSON_AddStringToObject(o, "message", msg) : cJSON_AddNullToObject(o, "message")))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static void collab_started(struct exec_front *f, enum agent_event_kind k, const cJSON *m)
{
	cJSON *it = new_item(f, "collab_tool_call"), *ids = NULL;
	const char *recv = exec_str(m, "receiver_thread_id"), *prompt = exec_str(m, "prompt");
	const cJSON *many = cJSON_GetObjectItemCaseSensitive(m, "receiver_thread_ids");

	ids = many ? cJSON_Duplicate(many, 1) : cJSON_CreateArray();
	if (ids && recv)
		cJSON_AddItemToArray(ids, cJSON_CreateString(recv));
	if (it && ids && cJSON_AddStringToObject(it, "tool", collab_tool(k)) &&
	    cJSON_AddStringToObject(it, "sender_thread_id",
				    exec_str(m, "sender_thread_id") ? exec_str(m, "sender_thread_id") : "") &&
	    cJSON_AddItemToObject(it, "receiver_thread_ids", ids) && (ids = NULL, true) &&
	    (prompt ? cJSON_AddStringToObject(it, "prompt", prompt) : cJSON_AddNullToObject(it, "prompt")) &&
	    cJSON_AddObjectToObject(it, "agents_states") &&
	    cJSON_AddStringToObject(it, "status", "in_progress")) {
		open_item(f, exec_str(m, "call_id"), it);
		it = NULL;
	}
	cJSON_Delete(ids);
	cJSON_Delete(it);
}

static void collab_ended(struct exec_front *f, enum agent_event_kind k, const cJSON *m)
{
	cJSON *it = take_open(f, exec_str(m, "call_id")), *states = cJSON_CreateObject();
	const char *recv = exec_str(m, k == AGENT_EV_COLLAB_AGENT_SPAWN_END ? "new_thread_id"
									    : "receiver_thread_id");
	const cJSON *st;
	bool failed = k == AGENT_EV_COLLAB_AGENT_SPAWN_END && !recv;

	if (!it || !states) {
		cJSON_Delete(it);
		cJSON_Delete(states);
		return;
	}
	if (k == AGENT_EV_COLLAB_WAITING_END) {
		cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(m, "statuses")) {
			cJSON *s = collab_state(st);
			if (s && !cJSON_AddItemToObject(states, st->string, s))
				cJSON_Delete(s);
		}
	} else if (recv) {
		cJSON *s = collab_state(cJSON_GetObjectItemCaseSensitive(m, "status"));
		if (s && !cJSON_AddItemToObject(states, recv, s))
			cJSON_Delete(s);
		if (k == AGENT_EV_COLLAB_AGENT_SPAWN_END) {
			cJSON *ids = cJSON_CreateArray();
			if (ids)
				cJSON_AddItemToArray(ids, cJSON_CreateString(recv));
			set_field(it, "receiver_thread_ids", ids);
		}
	}
	set_field(it, "agents_states", states);
	set_field(it, "status", cJSON_CreateString(failed ? "failed" : "completed"));
	print_item(f, "item.completed", it);
	cJSON_Delete(it);
}

static void patch_started(struct exec_front *f, const cJSON *m)
{
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(m, "changes"), *ch;
	cJSON *it = new_item(f, "file_change"), *arr;

	if (!it || !(arr = cJSON_AddArrayToObject(it, "changes"))) {
		cJSON_Delete(it);
		return;
	}
	cJSON_ArrayForEach(ch, changes) {
		cJSON *c = cJSON_CreateObject();
		const char *kind = exec_str(ch, "type");
		if (c && cJSON_AddStringToObject(c, "path", ch->string ? ch->string : "") &&
		    cJSON_AddStringToObject(c, "kind", kind ? kind : "update"))
			cJSON_AddItemToArray(arr, c);
		else
			cJSON_Delete(c);
	}
	if (!cJSON_AddStringToObject(it, "status", "in_progress")) {
		cJSON_Delete(it);
		return;
	}
	open_item(f, exec_str(m, "call_id"), it);
}

static void patch_ended(struct exec_front *f, const cJSON *m)
{
	cJSON *it = take_open(f, exec_str(m, "call_id"));

	if (!it)
		return;
	set_field(it, "status", cJSON_CreateString(
					cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "success"))
						? "completed" : "failed"));
	print_item(f, "item.completed", it);
	cJSON_Delete(it);
}

static void plan_updated(struct exec_front *f, const cJSON *m)
{
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(m, "plan"), *step;
	cJSON *items = cJSON_CreateArray();
	bool first = f->todo == NULL;

	cJSON_ArrayForEach(step, plan) {
		cJSON *i = cJSON_CreateObject();
		const char *text = exec_str(step, "step"), *st = exec_str(step, "status");
		if (i && cJSON_AddStringToObject(i, "text", text ? text : "") &&
		    cJSON_AddBoolToObject(i, "completed", st && strcmp(st, "completed") == 0))
			cJSON_AddItemToArray(items, i);
		else
			cJSON_Delete(i);
	}
	if (first && !(f->todo = new_item(f, "todo_list"))) {
		cJSON_Delete(items);
		return;
	}
	set_field(f->todo, "items", items);
	print_item(f, first ? "item.started" : "item.updated", f->todo);
}

static void completed_text(struct exec_front *f, const char *type, const char *key,
			   const char *text)
{
	cJSON *it = new_item(f, type);

	if (it && cJSON_AddStringToObject(it, key, text ? text : ""))
		print_item(f, "item.completed", it);
	cJSON_Delete(it);
}

static void error_line(struct exec_front *f, const char *msg)
{
	cJSON *o = typed("error");

	if (o && cJSON_AddStringToObject(o, "message", msg ? msg : ""))
		print(f, o);
	else
		cJSON_Delete(o);
}

static void turn_end(struct exec_front *f, bool aborted)
{
	cJSON *o, *u, *err;

	if (f->todo) {
		print_item(f, "item.completed", f->todo);
		cJSON_Delete(f->todo);
		f->todo = NULL;
	}
	if (f->failed || aborted) {
		o = typed("turn.failed");
		if (o && (err = cJSON_AddObjectToObject(o, "error")) &&
		    cJSON_AddStringToObject(err, "message",
					    aborted ? "turn interrupted"
						    : f->error_message ? f->error_message : "error"))
			print(f, o);
		else
			cJSON_Delete(o);
		return;
	}
	o = typed("turn.completed");
	if (o && (u = cJSON_AddObjectToObject(o, "usage")) &&
	    cJSON_AddNumberToObject(u, "input_tokens", (double)f->input_tokens) &&
	    cJSON_AddNumberToObject(u, "cached_input_tokens", (double)f->cached_tokens) &&
	    cJSON_AddNumberToObject(u, "output_tokens", (double)f->output_tokens))
		print(f, o);
	else
		cJSON_Delete(o);
}

void exec_json_event(struct exec_front *f, const struct agent_event *ev)
{
	const cJSON *m = ev->msg;
	cJSON *o;

	switch (ev->kind) {
	case AGENT_EV_SESSION_CONFIGURED:
		o = typed("thread.started");
		if (o && cJSON_AddStringToObject(o, "thread_id", exec_str(m, "session_id")
									  ? exec_str(m, "session_id") : ""))
			print(f, o);
		else
			cJSON_Delete(o);
		break;
	case AGENT_EV_TASK_STARTED:
		print(f, typed("turn.started"));
		break;
	case AGENT_EV_AGENT_MESSAGE:
		completed_text(f, "agent_message", "text", exec_str(m, "message"));
		break;
	case AGENT_EV_AGENT_REASONING:
		completed_text(f, "reasoning", "text", exec_str(m, "text"));
		break;
	case AGENT_EV_EXEC_COMMAND_BEGIN:
		command_started(f, m);
		break;
	case AGENT_EV_EXEC_COMMAND_END:
		command_ended(f, m);
		break;
	case AGENT_EV_PATCH_APPLY_BEGIN:
		patch_started(f, m);
		break;
	case AGENT_EV_PATCH_APPLY_END:
		patch_ended(f, m);
		break;
	case AGENT_EV_MCP_TOOL_CALL_BEGIN:
		mcp_started(f, m);
		break;
	case AGENT_EV_MCP_TOOL_CALL_END:
		mcp_ended(f, m);
		break;
	case AGENT_EV_PLAN_UPDATE:
		plan_updated(f, m);
		break;
	case AGENT_EV_WEB_SEARCH_END:
		completed_text(f, "web_search", "query", exec_str(m, "query"));
		break;
	case AGENT_EV_WARNING:
		completed_text(f, "error", "message", exec_str(m, "message"));
		break;
	case AGENT_EV_STREAM_ERROR:
	case AGENT_EV_ERROR:
		error_line(f, exec_str(m, "message"));
		break;
	case AGENT_EV_TASK_COMPLETE:
		turn_end(f, false);
		break;
	case AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN:
	case AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN:
	case AGENT_EV_COLLAB_WAITING_BEGIN:
	case AGENT_EV_COLLAB_CLOSE_BEGIN:
	case AGENT_EV_COLLAB_RESUME_BEGIN:
		collab_started(f, ev->kind, m);
		break;
	case AGENT_EV_COLLAB_AGENT_SPAWN_END:
	case AGENT_EV_COLLAB_AGENT_INTERACTION_END:
	case AGENT_EV_COLLAB_WAITING_END:
	case AGENT_EV_COLLAB_CLOSE_END:
	case AGENT_EV_COLLAB_RESUME_END:
		collab_ended(f, ev->kind, m);
		break;
	case AGENT_EV_TURN_ABORTED:
		turn_end(f, true);
		break;
	default:
		break;
	}
}
