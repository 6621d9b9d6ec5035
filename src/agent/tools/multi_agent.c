/* The collaboration tools of multi_agent (upstream's v1 surface): spawn_agent,
 * send_input, wait_agent, close_agent. Names, parameters, outputs and the texts the model
 * reads on errors are upstream's; each call emits upstream's collab_* begin and end
 * events. wait_agent waits on the loop (a timer and the children's status changes),
 * never blocking it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"
#include "base/json.h"

/* wait_agent's timeout, as upstream: a default, and a floor that keeps a model from
 * polling in a tight loop. */
#define WAIT_DEFAULT_MS 30000
#define WAIT_MIN_MS 10000
#define WAIT_MAX_MS (3600 * 1000)
/* Targets of one wait_agent call: more than the open agents a session may have. */
#define WAIT_MAX_TARGETS 64

#define ITEMS_SCHEMA                                                                      \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"             \
	"\"image_url\":{\"type\":\"string\",\"description\":\"Image URL when type is "    \
	"image.\"},"                                                                      \
	"\"name\":{\"type\":\"string\",\"description\":\"Display name when type is skill " \
	"or mention.\"},"                                                                 \
	"\"path\":{\"type\":\"string\",\"description\":\"Path when type is local_image or " \
	"skill, or a mention's target.\"},"                                               \
	"\"text\":{\"type\":\"string\",\"description\":\"Text content when type is "      \
	"text.\"},"                                                                       \
	"\"type\":{\"type\":\"string\",\"description\":\"Input item type: text, image, "  \
	"local_image, skill, or mention.\"}},\"additionalProperties\":false},"            \
	"\"description\":\"Structured input items, instead of message.\"}"

static const char spawn_agent_json[] =
	"{\"type\":\"function\",\"name\":\"spawn_agent\","
	"\"description\":\"Start a sub-agent on a well-scoped task; it runs alongside you with "
	"its own conversation, the same workspace and the same permissions. Only when the user "
	"asked for sub-agents, delegation or parallel agent work. Give it a concrete, "
	"self-contained task; keep the work on your critical path yourself, and do other work "
	"while it runs. Returns the spawned agent id plus the user-facing nickname when "
	"available.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"agent_type\":{\"type\":\"string\",\"description\":\"Optional role of the new agent "
	"(a label: explorer, worker, ...).\"},"
	"\"fork_context\":{\"type\":\"boolean\",\"description\":\"When true, the new agent "
	"starts with this conversation's messages as context before its task.\"},"
	"\"items\":" ITEMS_SCHEMA ","
	"\"message\":{\"type\":\"string\",\"description\":\"Initial plain-text task for the new "
	"agent. Use either message or items.\"},"
	"\"model\":{\"type\":\"string\",\"description\":\"Optional model override for the new "
	"agent. Replaces the inherited model.\"},"
	"\"reasoning_effort\":{\"type\":\"string\",\"description\":\"Optional reasoning effort "
	"override for the new agent. Replaces the inherited reasoning effort.\"}"
	"},\"additionalProperties\":false}}";

static const char send_input_json[] =
	"{\"type\":\"function\",\"name\":\"send_input\","
	"\"description\":\"Send a message to an existing agent: queued after its current "
	"work, or with interrupt=true handled at once instead of it.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"interrupt\":{\"type\":\"boolean\",\"description\":\"When true, stop the agent's "
	"current task and handle this immediately. When false (default), queue this "
	"message.\"},"
	"\"items\":" ITEMS_SCHEMA ","
	"\"message\":{\"type\":\"string\",\"description\":\"Plain-text message to send to the "
	"agent. Use either message or items.\"},"
	"\"target\":{\"type\":\"string\",\"description\":\"Agent id to message (from "
	"spawn_agent).\"}"
	"},\"required\":[\"target\"],\"additionalProperties\":false}}";

static const char resume_agent_json[] =
	"{\"type\":\"function\",\"name\":\"resume_agent\","
	"\"description\":\"Open a closed agent again by id, so that send_input and wait_agent "
	"reach it.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"id\":{\"type\":\"string\",\"description\":\"Agent id to resume.\"}"
	"},\"required\":[\"id\"],\"additionalProperties\":false}}";

static const char wait_agent_json[] =
	"{\"type\":\"function\",\"name\":\"wait_agent\","
	"\"description\":\"Wait until one of the agents reaches a final status and return the "
	"final statuses (a completed one carries its final message); empty status when the "
	"timeout passes first. Call it only when your next step needs the result.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"targets\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":"
	"\"Agent ids to wait on. Pass multiple ids to wait for whichever finishes first.\"},"
	"\"timeout_ms\":{\"type\":\"number\",\"description\":\"Optional timeout in "
	"milliseconds. Defaults to 30000, min 10000, max 3600000. Prefer longer waits "
	"(minutes) to avoid busy polling.\"}"
	"},\"required\":[\"targets\"],\"additionalProperties\":false}}";

static const char close_agent_json[] =
	"{\"type\":\"function\",\"name\":\"close_agent\","
	"\"description\":\"Close an agent (and the agents it opened) once it is no longer "
	"needed; returns its status from before it was closed.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"target\":{\"type\":\"string\",\"description\":\"Agent id to close (from "
	"spawn_agent).\"}"
	"},\"required\":[\"target\"],\"additionalProperties\":false}}";

bool multi_agent_specs_add(cJSON *arr)
{
	const char *const specs[] = {spawn_agent_json, send_input_json, resume_agent_json,
				     wait_agent_json, close_agent_json};

	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
		cJSON *o = cJSON_Parse(specs[i]);
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return false;
		}
	}
	return true;
}

bool tool_is_multi_agent(const char *name)
{
	return strcmp(name, "spawn_agent") == 0 || strcmp(name, "send_input") == 0 ||
	       strcmp(name, "resume_agent") == 0 || strcmp(name, "wait_agent") == 0 ||
	       strcmp(name, "close_agent") == 0;
}

/* The input of spawn_agent / send_input as text (upstream's parse_collab_input): NULL
 * with *why set when it is missing, both or empty. Caller frees. */
static char *collab_input(const cJSON *args, const char **why)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(args, "message");
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(args, "items"), *it;
	struct buf b;
	bool has_msg = msg && !cJSON_IsNull(msg), has_items = items && !cJSON_IsNull(items);

	if (has_msg && has_items) {
		*why = "Provide either message or items, but not both";
		return NULL;
	}
	if (!has_msg && !has_items) {
		*why = "Provide one of: message or items";
		return NULL;
	}
	if (has_msg) {
		const char *s = cJSON_IsString(msg) ? msg->valuestring : "", *p = s;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p) {
			*why = "Empty message can't be sent to an agent";
			return NULL;
		}
		*why = "out of memory";
		return strdup(s);
	}
	if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0) {
		*why = "Items can't be empty";
		return NULL;
	}
	/* Text items only reach the agent; the others have no meaning here yet. */
	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	cJSON_ArrayForEach(it, items) {
		const char *type = json_get_str(it, "type"), *text = json_get_str(it, "text");
		if (!type || strcmp(type, "text") != 0) {
			buf_free(&b);
			*why = "only text items can be sent to an agent";
			return NULL;
		}
		if ((b.len && buf_putc(&b, '\n') < 0) || buf_puts(&b, text ? text : "") < 0) {
			*why = "out of memory";
			return NULL;
		}
	}
	*why = "out of memory";
	return b.data ? buf_take(&b) : strdup("");
}

static void finish_json(struct tool_call *c, cJSON *result)
{
	char *s = result ? cJSON_PrintUnformatted(result) : NULL;

	cJSON_Delete(result);
	tool_call_finish(c, s);
}

static bool add_str_or_null(cJSON *o, const char *key, const char *v)
{
	return v ? cJSON_AddStringToObject(o, key, v) != NULL : cJSON_AddNullToObject(o, key) != NULL;
}

/* {call_id, sender_thread_id} for an event of c's agent; NULL when memory runs out. */
static cJSON *collab_event(const struct tool_call *c)
{
	cJSON *m = cJSON_CreateObject();

	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "sender_thread_id", c->turn->a->thread_id))
		return m;
	cJSON_Delete(m);
	return NULL;
}

static void spawn_agent(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const char *why, *role = args_str(c->args, "agent_type");
	const char *model = args_str(c->args, "model");
	const char *effort = args_str(c->args, "reasoning_effort");
	char *prompt = collab_input(c->args, &why);
	struct subagent *s = NULL;
	struct err e;
	cJSON *m, *history = NULL, *out;

	if (!prompt) {
		tool_call_finish(c, strdup(why));
		return;
	}
	if (role && !*role)
		role = NULL;
	if (a->depth + 1 > agent_max_depth(a)) {
		free(prompt);
		tool_call_finish(c, strdup("Agent depth limit reached. Solve the task yourself."));
		return;
	}
	if ((m = collab_event(c)) && cJSON_AddStringToObject(m, "prompt", prompt) &&
	    cJSON_AddStringToObject(m, "model", model ? model : "") &&
	    cJSON_AddStringToObject(m, "reasoning_effort", effort ? effort : "medium"))
		agent_emit(a, AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN, m);
	else
		cJSON_Delete(m);
	err_clear(&e);
	if (args_bool(c->args, "fork_context", false) && !(history = cJSON_Duplicate(a->history, 1)))
		err_set(&e, "out of memory");
	if (e.msg[0] || subagent_spawn(a, prompt, role, model, effort, history, &s, &e) < 0)
		s = NULL;
	m = collab_event(c);
	if (m && (s ? cJSON_AddStringToObject(m, "new_thread_id", s->agent->thread_id)
		    : cJSON_AddNullToObject(m, "new_thread_id")) &&
	    (!s || !s->agent->nickname ||
	     cJSON_AddStringToObject(m, "new_agent_nickname", s->agent->nickname)) &&
	    (!s || !s->agent->role || cJSON_AddStringToObject(m, "new_agent_role", s->agent->role)) &&
	    cJSON_AddStringToObject(m, "prompt", prompt) &&
	    cJSON_AddStringToObject(m, "model", s ? s->agent->model : model ? model : "") &&
	    cJSON_AddStringToObject(m, "reasoning_effort",
				    s && s->agent->effort ? s->agent->effort
				    : effort ? effort : "medium") &&
	    cJSON_AddItemToObject(m, "status", s ? subagent_status_json(s)
						 : cJSON_CreateString("not_found")))
		agent_emit(a, AGENT_EV_COLLAB_AGENT_SPAWN_END, m);
	else
		cJSON_Delete(m);
	free(prompt);
	if (!s) {
		tool_call_finish(c, strdup(e.msg));
		return;
	}
	out = cJSON_CreateObject();
	if (out && (!cJSON_AddStringToObject(out, "agent_id", s->agent->thread_id) ||
		    !add_str_or_null(out, "nickname", s->agent->nickname))) {
		cJSON_Delete(out);
		out = NULL;
	}
	finish_json(c, out);
}

/* The sub-agent a target names, or NULL with the call answered as upstream does. */
static struct subagent *target(struct tool_call *c, const char *id)
{
	struct subagent *s;

	if (!id) {
		tool_call_finish(c, strdup("failed to parse function arguments: missing field "
					   "`target`"));
		return NULL;
	}
	if (!(s = subagent_find(c->turn->a, id))) {
		tool_call_finishf(c, "agent with id %s not found", id);
		return NULL;
	}
	return s;
}

static void send_input(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	struct subagent *s = target(c, args_str(c->args, "target"));
	const char *why;
	char *prompt, id[UUID_STR_LEN + 1];
	struct err e;
	cJSON *m, *out;
	int rc;

	if (!s)
		return;
	if (!(prompt = collab_input(c->args, &why))) {
		tool_call_finish(c, strdup(why));
		return;
	}
	if (s->closed) {
		free(prompt);
		tool_call_finishf(c, "agent with id %s is closed", s->agent->thread_id);
		return;
	}
	if (args_bool(c->args, "interrupt", false))
		agent_interrupt(s->agent);
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id) &&
	    cJSON_AddStringToObject(m, "prompt", prompt))
		agent_emit(a, AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN, m);
	else
		cJSON_Delete(m);
	err_clear(&e);
	{
		struct agent_user_input in = {prompt, NULL, NULL, NULL};
		/* A running agent gets it as steered input: it reads it at its next step. */
		rc = agent_busy(s->agent) ? agent_steer(s->agent, &in, &e)
					  : agent_submit_turn(s->agent, &in, &e);
	}
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id) &&
	    (!s->agent->nickname ||
	     cJSON_AddStringToObject(m, "receiver_agent_nickname", s->agent->nickname)) &&
	    (!s->agent->role || cJSON_AddStringToObject(m, "receiver_agent_role", s->agent->role)) &&
	    cJSON_AddStringToObject(m, "prompt", prompt) &&
	    cJSON_AddItemToObject(m, "status", subagent_status_json(s)))
		agent_emit(a, AGENT_EV_COLLAB_AGENT_INTERACTION_END, m);
	else
		cJSON_Delete(m);
	free(prompt);
	if (rc < 0) {
		tool_call_finishf(c, "collab tool failed: %s", e.msg);
		return;
	}
	if (uuid_v7(uuid_now_ms(), id, &e) < 0) {
		tool_call_finish(c, NULL);
		return;
	}
	out = cJSON_CreateObject();
	if (out && !cJSON_AddStringToObject(out, "submission_id", id)) {
		cJSON_Delete(out);
		out = NULL;
	}
	finish_json(c, out);
}

static void close_agent(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	struct subagent *s = target(c, args_str(c->args, "target"));
	bool was_closed;
	cJSON *m, *prev, *out;

	if (!s)
		return;
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id))
		agent_emit(a, AGENT_EV_COLLAB_CLOSE_BEGIN, m);
	else
		cJSON_Delete(m);
	prev = subagent_status_json(s);
	was_closed = s->closed;
	subagent_close(s);
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id) &&
	    (!s->agent->nickname ||
	     cJSON_AddStringToObject(m, "receiver_agent_nickname", s->agent->nickname)) &&
	    (!s->agent->role || cJSON_AddStringToObject(m, "receiver_agent_role", s->agent->role)) &&
	    cJSON_AddItemToObject(m, "status", cJSON_Duplicate(prev, 1)))
		agent_emit(a, AGENT_EV_COLLAB_CLOSE_END, m);
	else
		cJSON_Delete(m);
	if (was_closed) {
		cJSON_Delete(prev);
		tool_call_finishf(c, "agent with id %s is closed", s->agent->thread_id);
		return;
	}
	out = cJSON_CreateObject();
	if (!out || !prev || !cJSON_AddItemToObject(out, "previous_status", prev)) {
		cJSON_Delete(prev);
		cJSON_Delete(out);
		out = NULL;
	}
	finish_json(c, out);
}

static void resume_agent(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const char *id = args_str(c->args, "id");
	struct subagent *s;
	struct err e;
	cJSON *m, *out;
	int rc;

	if (!id) {
		tool_call_finish(c, strdup("failed to parse function arguments: missing field `id`"));
		return;
	}
	if (a->depth + 1 > agent_max_depth(a)) {
		tool_call_finish(c, strdup("Agent depth limit reached. Solve the task yourself."));
		return;
	}
	if (!(s = subagent_find(a, id))) {
		tool_call_finishf(c, "agent with id %s not found", id);
		return;
	}
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id) &&
	    (!s->agent->nickname ||
	     cJSON_AddStringToObject(m, "receiver_agent_nickname", s->agent->nickname)) &&
	    (!s->agent->role || cJSON_AddStringToObject(m, "receiver_agent_role", s->agent->role)))
		agent_emit(a, AGENT_EV_COLLAB_RESUME_BEGIN, m);
	else
		cJSON_Delete(m);
	err_clear(&e);
	rc = subagent_reopen(s, &e);
	if ((m = collab_event(c)) &&
	    cJSON_AddStringToObject(m, "receiver_thread_id", s->agent->thread_id) &&
	    (!s->agent->nickname ||
	     cJSON_AddStringToObject(m, "receiver_agent_nickname", s->agent->nickname)) &&
	    (!s->agent->role || cJSON_AddStringToObject(m, "receiver_agent_role", s->agent->role)) &&
	    cJSON_AddItemToObject(m, "status", subagent_status_json(s)))
		agent_emit(a, AGENT_EV_COLLAB_RESUME_END, m);
	else
		cJSON_Delete(m);
	if (rc < 0) {
		tool_call_finishf(c, "collab spawn failed: %s", e.msg);
		return;
	}
	out = cJSON_CreateObject();
	if (out && !cJSON_AddItemToObject(out, "status", subagent_status_json(s))) {
		cJSON_Delete(out);
		out = NULL;
	}
	finish_json(c, out);
}

/* ---- wait_agent ---- */

struct collab_wait {
	struct tool_call *c;
	struct agent *a;
	struct strv ids;                /* the targets, in the order given */
	struct loop_timer timer;
	struct collab_wait *next;
};

static void wait_unlink(struct collab_wait *w)
{
	for (struct collab_wait **p = &w->a->waits; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	loop_timer_disarm(w->a->loop, &w->timer);
}

static void wait_free(struct collab_wait *w)
{
	strv_free(&w->ids);
	free(w);
}

/* Ends the call with the final statuses among the targets (none: timed out). */
static void wait_finish(struct tool_call *c, struct agent *a, const struct strv *ids)
{
	cJSON *m = collab_event(c), *entries = cJSON_CreateArray(), *statuses = cJSON_CreateObject();
	cJSON *out = cJSON_CreateObject(), *status = cJSON_CreateObject();
	bool ok = m && entries && statuses && out && status, any = false;

	for (size_t i = 0; ok && i < ids->n; i++) {
		const struct subagent *s = subagent_find(a, ids->v[i]);
		cJSON *st, *entry;
		if (s && !subagent_final(s))
			continue;
		any = true;
		st = s ? subagent_status_json(s) : cJSON_CreateString("not_found");
		entry = s ? subagent_ref_json(s) : cJSON_CreateObject();
		ok = st && entry &&
		     (s || cJSON_AddStringToObject(entry, "thread_id", ids->v[i])) &&
		     cJSON_AddItemToObject(entry, "status", cJSON_Duplicate(st, 1)) &&
		     cJSON_AddItemToArray(entries, entry) &&
		     cJSON_AddItemToObject(statuses, ids->v[i], cJSON_Duplicate(st, 1)) &&
		     cJSON_AddItemToObject(status, ids->v[i], st);
		if (!ok) {
			cJSON_Delete(st);
			cJSON_Delete(entry);
		}
	}
	if (ok && cJSON_AddItemToObject(m, "agent_statuses", entries)) {
		entries = NULL;
		if (cJSON_AddItemToObject(m, "statuses", statuses)) {
			statuses = NULL;
			agent_emit(a, AGENT_EV_COLLAB_WAITING_END, m);
			m = NULL;
		}
	}
	cJSON_Delete(m);
	cJSON_Delete(entries);
	cJSON_Delete(statuses);
	if (!ok || !cJSON_AddItemToObject(out, "status", status)) {
		cJSON_Delete(status);
		cJSON_Delete(out);
		tool_call_finish(c, NULL);
		return;
	}
	if (!cJSON_AddBoolToObject(out, "timed_out", !any)) {
		cJSON_Delete(out);
		out = NULL;
	}
	finish_json(c, out);
}

static bool any_final(const struct agent *a, const struct strv *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		const struct subagent *s = subagent_find(a, ids->v[i]);
		if (!s || subagent_final(s))
			return true;
	}
	return false;
}

static void wait_done(struct collab_wait *w)
{
	struct tool_call *c = w->c;

	wait_unlink(w);
	c->state = NULL;
	wait_finish(c, w->a, &w->ids);
	wait_free(w);
}

static void wait_timeout(struct loop *l, struct loop_timer *t)
{
	struct collab_wait *w =
		(struct collab_wait *)((char *)t - offsetof(struct collab_wait, timer));
	(void)l;
	wait_done(w);
}

void multi_agent_status_changed(struct agent *a)
{
	/* Restart from the head after each: finishing a call may change the list. */
	for (bool again = true; again;) {
		again = false;
		for (struct collab_wait *w = a->waits; w; w = w->next)
			if (any_final(a, &w->ids)) {
				wait_done(w);
				again = true;
				break;
			}
	}
}

static void wait_cancel(struct tool_call *c)
{
	struct collab_wait *w = c->state;

	wait_unlink(w);
	c->state = NULL;
	wait_free(w);
	tool_call_finish(c, strdup("aborted"));
}

static void wait_state_free(struct tool_call *c)
{
	struct collab_wait *w = c->state;

	wait_unlink(w);
	c->state = NULL;
	wait_free(w);
}

static void wait_agent(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(c->args, "targets"), *t;
	const cJSON *tm = cJSON_GetObjectItemCaseSensitive(c->args, "timeout_ms");
	struct collab_wait *w = calloc(1, sizeof *w);
	int64_t timeout = WAIT_DEFAULT_MS;
	cJSON *m, *ids_json = NULL, *refs = NULL;

	if (!w) {
		tool_call_finish(c, NULL);
		return;
	}
	w->c = c;
	w->a = a;
	cJSON_ArrayForEach(t, targets) {
		if (!cJSON_IsString(t) || w->ids.n >= WAIT_MAX_TARGETS ||
		    strv_push(&w->ids, t->valuestring) < 0) {
			wait_free(w);
			tool_call_finish(c, strdup("failed to parse function arguments: targets must "
						   "be agent ids (strings)"));
			return;
		}
	}
	if (w->ids.n == 0) {
		wait_free(w);
		tool_call_finish(c, strdup("agent ids must be non-empty"));
		return;
	}
	if (cJSON_IsNumber(tm)) {
		if (tm->valuedouble <= 0) {
			wait_free(w);
			tool_call_finish(c, strdup("timeout_ms must be greater than zero"));
			return;
		}
		timeout = tm->valuedouble < WAIT_MIN_MS	  ? WAIT_MIN_MS
			  : tm->valuedouble > WAIT_MAX_MS ? WAIT_MAX_MS
							  : (int64_t)tm->valuedouble;
	}
	m = collab_event(c);
	ids_json = cJSON_CreateArray();
	refs = cJSON_CreateArray();
	for (size_t i = 0; m && ids_json && refs && i < w->ids.n; i++) {
		const struct subagent *s = subagent_find(a, w->ids.v[i]);
		cJSON_AddItemToArray(ids_json, cJSON_CreateString(w->ids.v[i]));
		if (s)
			cJSON_AddItemToArray(refs, subagent_ref_json(s));
	}
	if (m && ids_json && refs && cJSON_AddItemToObject(m, "receiver_thread_ids", ids_json)) {
		ids_json = NULL;
		if (cJSON_AddItemToObject(m, "receiver_agents", refs)) {
			refs = NULL;
			agent_emit(a, AGENT_EV_COLLAB_WAITING_BEGIN, m);
			m = NULL;
		}
	}
	cJSON_Delete(m);
	cJSON_Delete(ids_json);
	cJSON_Delete(refs);
	if (any_final(a, &w->ids)) {
		wait_finish(c, a, &w->ids);
		wait_free(w);
		return;
	}
	if (loop_timer_arm(a->loop, &w->timer, loop_now(a->loop) + (uint64_t)timeout,
			   wait_timeout) < 0) {
		wait_free(w);
		tool_call_finish(c, NULL);
		return;
	}
	w->next = a->waits;
	a->waits = w;
	c->state = w;
	c->cancel = wait_cancel;
	c->free_state = wait_state_free;
}

void tool_multi_agent(struct tool_call *c)
{
	const char *n = c->name;

	if (strcmp(n, "spawn_agent") == 0)
		spawn_agent(c);
	else if (strcmp(n, "send_input") == 0)
		send_input(c);
	else if (strcmp(n, "wait_agent") == 0)
		wait_agent(c);
	else if (strcmp(n, "resume_agent") == 0)
		resume_agent(c);
	else
		close_agent(c);
}
