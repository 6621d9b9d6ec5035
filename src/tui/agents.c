/* Sub-agents in the TUI (upstream's multi_agents.rs and the agent picker): the collab
 * cells the main chat shows for the model's spawn_agent / send_input / wait_agent /
 * close_agent calls, the threads the app knows (the main one and each sub-agent, with
 * the events each has emitted), and /agent (/subagents), which switches the thread the
 * chat shows: the screen is cleared, the chosen thread's events are drawn again, and the
 * composer's input goes to that thread from then on. Approvals of every thread reach the
 * user whichever is shown, with a "Thread: <label>" line for a sub-agent's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tui/internal.h"

/* Upstream's previews: a prompt, an error and a final message are cut to these many
 * characters. */
#define COLLAB_PROMPT_PREVIEW 160
#define COLLAB_ERROR_PREVIEW 160
#define COLLAB_RESPONSE_PREVIEW 240

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- cells ---- */

/* Whitespace runs become one space; cut to max characters with "…" (inert). */
static int append_preview(struct buf *b, const char *text, size_t max)
{
	char *inert = cell_inert(text ? text : "", false), *p;
	size_t chars = 0;
	bool space = false;
	int rc = 0;

	if (!inert)
		return -1;
	for (p = inert; *p == ' '; p++) {
	}
	for (; *p && rc == 0; p++) {
		if (*p == ' ' || *p == '\t') {
			space = true;
			continue;
		}
		if (space && chars && (rc = buf_putc(b, ' ')) < 0)
			break;
		if (space && chars)
			chars++;
		space = false;
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > max) {
			rc = buf_puts(b, "\xE2\x80\xA6");
			break;
		}
		rc = buf_putc(b, *p);
	}
	free(inert);
	return rc;
}

/* "Nickname [role]" (cyan nickname, else the thread id) as upstream's agent label. */
static int append_label(struct buf *b, const char *thread_id, const char *nickname,
			const char *role)
{
	char *n = nickname && *nickname ? cell_inert(nickname, false) : NULL;
	char *r = role && *role ? cell_inert(role, false) : NULL;
	char *id = thread_id ? cell_inert(thread_id, false) : NULL;
	int rc;

	if (n)
		rc = buf_printf(b, ST_CYAN ST_BOLD "%s" ST_RESET, n);
	else
		rc = buf_printf(b, ST_CYAN "%s" ST_RESET, id ? id : "agent");
	if (rc == 0 && r)
		rc = buf_printf(b, " [%s]", r);
	free(n);
	free(r);
	free(id);
	return rc;
}

static int push_title(struct tui_rows *out, struct buf *b)
{
	int rc = tui_rows_push(out, b->data ? b->data : "", b->len);
	buf_reset(b);
	return rc;
}

/* A detail line under the title: "  └ " first, "    " after. */
static int start_detail(struct buf *b, bool first)
{
	return buf_puts(b, first ? ST_DIM "  \xE2\x94\x94 " ST_RESET : "    ");
}

static int status_summary(struct buf *b, const cJSON *st)
{
	const cJSON *v;

	if (cJSON_IsString(st)) {
		const char *s = st->valuestring;
		if (strcmp(s, "pending_init") == 0)
			return buf_puts(b, ST_CYAN "Pending init" ST_RESET);
		if (strcmp(s, "running") == 0)
			return buf_puts(b, ST_CYAN ST_BOLD "Running" ST_RESET);
		if (strcmp(s, "interrupted") == 0)
			return buf_puts(b, ST_YELLOW "Interrupted" ST_RESET);
		if (strcmp(s, "shutdown") == 0)
			return buf_puts(b, "Shutdown");
		return buf_puts(b, ST_RED "Not found" ST_RESET);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(st, "completed"))) {
		if (buf_puts(b, ST_GREEN "Completed" ST_RESET) < 0)
			return -1;
		if (cJSON_IsString(v) && *v->valuestring)
			return buf_puts(b, ST_DIM " - " ST_RESET) < 0 ? -1
			       : append_preview(b, v->valuestring, COLLAB_RESPONSE_PREVIEW);
		return 0;
	}
	v = cJSON_GetObjectItemCaseSensitive(st, "errored");
	if (buf_puts(b, ST_RED "Error" ST_RESET) < 0)
		return -1;
	if (cJSON_IsString(v) && *v->valuestring)
		return buf_puts(b, ST_DIM " - " ST_RESET) < 0 ? -1
		       : append_preview(b, v->valuestring, COLLAB_ERROR_PREVIEW);
	return 0;
}

static bool blank(const char *s)
{
	while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return !s || !*s;
}

int cell_collab(enum agent_event_kind kind, const cJSON *m, const char *spawn_model,
		const char *spawn_effort, struct tui_rows *out)
{
	struct buf b;
	const char *prompt = NULL;
	int rc = -1;

	buf_init(&b, 1u << 20);
	if (buf_puts(&b, ST_DIM "\xE2\x80\xA2 " ST_RESET ST_BOLD) < 0)
		goto out;
	switch (kind) {
	case AGENT_EV_COLLAB_AGENT_SPAWN_END:
		if (!jstr(m, "new_thread_id")) {
			if (buf_puts(&b, "Agent spawn failed" ST_RESET) < 0)
				goto out;
		} else if (buf_puts(&b, "Spawned " ST_RESET) < 0 ||
			   append_label(&b, jstr(m, "new_thread_id"), jstr(m, "new_agent_nickname"),
					jstr(m, "new_agent_role")) < 0) {
			goto out;
		} else if ((spawn_model && *spawn_model) ||
			   (spawn_effort && *spawn_effort && strcmp(spawn_effort, "medium") != 0)) {
			char *mo = cell_inert(spawn_model ? spawn_model : "", false);
			char *ef = cell_inert(spawn_effort ? spawn_effort : "medium", false);
			int r = mo && *mo ? buf_printf(&b, " " ST_MAGENTA "(%s %s)" ST_RESET, mo, ef ? ef : "")
					  : buf_printf(&b, " " ST_MAGENTA "(%s)" ST_RESET, ef ? ef : "");
			free(mo);
			free(ef);
			if (r < 0)
				goto out;
		}
		prompt = jstr(m, "prompt");
		break;
	case AGENT_EV_COLLAB_AGENT_INTERACTION_END:
		if (buf_puts(&b, "Sent input to " ST_RESET) < 0 ||
		    append_label(&b, jstr(m, "receiver_thread_id"), jstr(m, "receiver_agent_nickname"),
				 jstr(m, "receiver_agent_role")) < 0)
			goto out;
		prompt = jstr(m, "prompt");
		break;
	case AGENT_EV_COLLAB_RESUME_BEGIN:
		if (buf_puts(&b, "Resuming " ST_RESET) < 0 ||
		    append_label(&b, jstr(m, "receiver_thread_id"), jstr(m, "receiver_agent_nickname"),
				 jstr(m, "receiver_agent_role")) < 0)
			goto out;
		break;
	case AGENT_EV_COLLAB_RESUME_END:
		if (buf_puts(&b, "Resumed " ST_RESET) < 0 ||
		    append_label(&b, jstr(m, "receiver_thread_id"), jstr(m, "receiver_agent_nickname"),
				 jstr(m, "receiver_agent_role")) < 0 || push_title(out, &b) < 0 ||
		    start_detail(&b, true) < 0 ||
		    status_summary(&b, cJSON_GetObjectItemCaseSensitive(m, "status")) < 0 ||
		    push_title(out, &b) < 0)
			goto out;
		rc = 0;
		goto out;
	case AGENT_EV_COLLAB_CLOSE_END:
		if (buf_puts(&b, "Closed " ST_RESET) < 0 ||
		    append_label(&b, jstr(m, "receiver_thread_id"), jstr(m, "receiver_agent_nickname"),
				 jstr(m, "receiver_agent_role")) < 0)
			goto out;
		break;
	case AGENT_EV_COLLAB_WAITING_BEGIN: {
		const cJSON *ids = cJSON_GetObjectItemCaseSensitive(m, "receiver_thread_ids");
		const cJSON *refs = cJSON_GetObjectItemCaseSensitive(m, "receiver_agents"), *r, *id;
		int n = cJSON_GetArraySize(ids);
		bool first = true;
		if (n == 1) {
			const char *tid = cJSON_IsString(ids->child) ? ids->child->valuestring : NULL;
			const char *nick = NULL, *role = NULL;
			cJSON_ArrayForEach(r, refs)
				if (tid && jstr(r, "thread_id") && strcmp(jstr(r, "thread_id"), tid) == 0) {
					nick = jstr(r, "agent_nickname");
					role = jstr(r, "agent_role");
				}
			if (buf_puts(&b, "Waiting for " ST_RESET) < 0 ||
			    append_label(&b, tid, nick, role) < 0 || push_title(out, &b) < 0)
				goto out;
			rc = 0;
			goto out;
		}
		if ((n == 0 ? buf_puts(&b, "Waiting for agents" ST_RESET)
			    : buf_printf(&b, "Waiting for %d agents" ST_RESET, n)) < 0 ||
		    push_title(out, &b) < 0)
			goto out;
		cJSON_ArrayForEach(id, ids) {
			const char *tid = cJSON_IsString(id) ? id->valuestring : NULL;
			const char *nick = NULL, *role = NULL;
			cJSON_ArrayForEach(r, refs)
				if (tid && jstr(r, "thread_id") && strcmp(jstr(r, "thread_id"), tid) == 0) {
					nick = jstr(r, "agent_nickname");
					role = jstr(r, "agent_role");
				}
			if (start_detail(&b, first) < 0 || append_label(&b, tid, nick, role) < 0 ||
			    push_title(out, &b) < 0)
				goto out;
			first = false;
		}
		rc = 0;
		goto out;
	}
	case AGENT_EV_COLLAB_WAITING_END: {
		const cJSON *entries = cJSON_GetObjectItemCaseSensitive(m, "agent_statuses"), *en;
		bool first = true;
		if (buf_puts(&b, "Finished waiting" ST_RESET) < 0 || push_title(out, &b) < 0)
			goto out;
		if (cJSON_GetArraySize(entries) == 0) {
			if (start_detail(&b, true) < 0 || buf_puts(&b, "No agents completed yet") < 0 ||
			    push_title(out, &b) < 0)
				goto out;
		}
		cJSON_ArrayForEach(en, entries) {
			if (start_detail(&b, first) < 0 ||
			    append_label(&b, jstr(en, "thread_id"), jstr(en, "agent_nickname"),
					 jstr(en, "agent_role")) < 0 ||
			    buf_puts(&b, ST_DIM ": " ST_RESET) < 0 ||
			    status_summary(&b, cJSON_GetObjectItemCaseSensitive(en, "status")) < 0 ||
			    push_title(out, &b) < 0)
				goto out;
			first = false;
		}
		rc = 0;
		goto out;
	}
	default:
		rc = 1; /* no cell: the begin events show nothing, as upstream */
		goto out;
	}
	if (push_title(out, &b) < 0)
		goto out;
	if (!blank(prompt)) {
		if (start_detail(&b, true) < 0 ||
		    append_preview(&b, prompt, COLLAB_PROMPT_PREVIEW) < 0 || push_title(out, &b) < 0)
			goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* ---- threads ---- */

static struct tui_thread *thread_of(struct app *a, const struct agent *agent)
{
	for (size_t i = 0; i < a->n_threads; i++)
		if (a->threads[i].agent == agent)
			return &a->threads[i];
	return NULL;
}

void agents_label(const struct app *a, const struct agent *agent, char *out, size_t n)
{
	const char *nick = agent ? agent_nickname(agent) : NULL;
	const char *role = NULL;
	const struct agent_thread *t = NULL;
	struct agent_thread list[AGENT_MAX_SUBAGENTS_TOTAL];
	size_t cnt = a->n_threads && a->threads[0].agent
			     ? agent_subagents(a->threads[0].agent, list, AGENT_MAX_SUBAGENTS_TOTAL)
			     : 0;

	for (size_t i = 0; i < cnt; i++)
		if (list[i].agent == agent)
			t = &list[i];
	if (t)
		role = t->role;
	if (!agent || (a->n_threads && agent == a->threads[0].agent))
		snprintf(out, n, "Main [default]");
	else if (nick && role)
		snprintf(out, n, "%s [%s]", nick, role);
	else if (nick)
		snprintf(out, n, "%s", nick);
	else if (role)
		snprintf(out, n, "[%s]", role);
	else
		snprintf(out, n, "Agent (%.8s)", agent_thread_id(agent));
}

/* Deltas are not kept: the final events draw the same cells again. Approvals are live
 * questions, not history. */
static bool kept(enum agent_event_kind k)
{
	switch (k) {
	case AGENT_EV_AGENT_MESSAGE_DELTA:
	case AGENT_EV_AGENT_REASONING_DELTA:
	case AGENT_EV_EXEC_COMMAND_OUTPUT_DELTA:
	case AGENT_EV_EXEC_APPROVAL_REQUEST:
	case AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST:
	case AGENT_EV_ELICITATION_REQUEST:
	case AGENT_EV_TOKEN_COUNT:
		return false;
	default:
		return true;
	}
}

static void record(struct tui_thread *t, const struct agent_event *ev)
{
	cJSON *e;

	if (!kept(ev->kind))
		return;
	if (!t->events && !(t->events = cJSON_CreateArray()))
		return;
	if (cJSON_GetArraySize(t->events) >= TUI_THREAD_EVENTS_MAX)
		cJSON_DeleteItemFromArray(t->events, 0);
	e = cJSON_CreateObject();
	if (!e || !cJSON_AddNumberToObject(e, "kind", ev->kind) ||
	    !cJSON_AddStringToObject(e, "id", ev->id ? ev->id : "") ||
	    !cJSON_AddItemToObject(e, "msg", cJSON_Duplicate(ev->msg, 1)) ||
	    !cJSON_AddItemToArray(t->events, e))
		cJSON_Delete(e);
}

static bool is_approval(enum agent_event_kind k)
{
	return k == AGENT_EV_EXEC_APPROVAL_REQUEST || k == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST ||
	       k == AGENT_EV_ELICITATION_REQUEST;
}

/* A new main agent (start, /new, /resume): the threads start over. */
static void ensure_main(struct app *a)
{
	if (a->n_threads && a->threads[0].agent == a->main_agent)
		return;
	agents_free(a);
	a->threads[0].agent = a->main_agent;
	a->n_threads = 1;
	a->active_thread = 0;
}

bool agents_event(struct app *a, const struct agent_event *ev)
{
	struct tui_thread *t;

	ensure_main(a);
	t = thread_of(a, ev->agent);
	if (!t)
		return true; /* not a thread we know: shown as before */
	record(t, ev);
	if (ev->kind == AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN) {
		free(a->spawn_model);
		free(a->spawn_effort);
		a->spawn_model = jstr(ev->msg, "model") ? strdup(jstr(ev->msg, "model")) : NULL;
		a->spawn_effort = jstr(ev->msg, "reasoning_effort")
					  ? strdup(jstr(ev->msg, "reasoning_effort")) : NULL;
	}
	return t == &a->threads[a->active_thread] || is_approval(ev->kind);
}

static void on_child_event(void *arg, const struct agent_event *ev)
{
	struct app *a = arg;

	if (agents_event(a, ev))
		app_render_event(a, ev);
}

void agents_on_subagent(void *arg, struct agent *parent, struct agent *child)
{
	struct app *a = arg;
	struct agent_subscriber s = {on_child_event, a, agents_on_subagent};
	struct err e;

	(void)parent;
	if (a->n_threads >= TUI_MAX_THREADS)
		return;
	err_clear(&e);
	if (agent_subscribe(child, &s, &e) < 0)
		return;
	memset(&a->threads[a->n_threads], 0, sizeof a->threads[a->n_threads]);
	a->threads[a->n_threads++].agent = child;
}

/* Remembers t's rollout as it is now: what a switch to t draws before its events. */
static void note_history(struct tui_thread *t, const char *path)
{
	struct stat st;

	free(t->history);
	t->history = NULL;
	if (!path || stat(path, &st) < 0 || !(t->history = strdup(path)))
		return;
	t->history_len = (size_t)st.st_size;
}

void agents_resumed(struct app *a, const char *resume_path)
{
	size_t first;
	struct err e;

	if (!a->main_agent)
		return;
	ensure_main(a);
	note_history(&a->threads[0], resume_path);
	first = a->n_threads;
	err_clear(&e);
	if (agent_resume_subagents(a->main_agent, &e) < 0) {
		app_error(a, e.msg);
		return;
	}
	for (size_t i = first; i < a->n_threads; i++)
		note_history(&a->threads[i], agent_rollout_path(a->threads[i].agent));
}

void agents_free(struct app *a)
{
	for (size_t i = 0; i < a->n_threads; i++) {
		cJSON_Delete(a->threads[i].events);
		free(a->threads[i].history);
	}
	memset(a->threads, 0, sizeof a->threads);
	a->n_threads = 0;
	a->active_thread = 0;
	free(a->spawn_model);
	free(a->spawn_effort);
	a->spawn_model = a->spawn_effort = NULL;
}

/* ---- /agent ---- */

void agents_open_picker(struct app *a)
{
	if (!a->main_agent)
		return;
	if (a->n_threads <= 1 && !config_feature(a->cfg, "multi_agent", true)) {
		app_error(a, "Subagents are currently disabled in your config.");
		return;
	}
	ensure_main(a);
	tui_rows_clear(&a->select_items);
	a->select_kind = SELECT_AGENT;
	a->modal = MODAL_SELECT;
	a->modal_sel = (int)a->active_thread;
	for (size_t i = 0; i < a->n_threads; i++) {
		char label[256], name[300];
		/* upstream's status dot (green while the thread is open): rows are made
		 * inert here, so it is plain */
		agents_label(a, a->threads[i].agent, label, sizeof label);
		snprintf(name, sizeof name, "\xE2\x80\xA2 %s", label);
		select_push(a, name, i == a->active_thread ? " (current)" : "",
			    agent_thread_id(a->threads[i].agent));
	}
}

void agents_switch(struct app *a, size_t idx)
{
	struct tui_thread *t;
	cJSON *e;

	if (idx >= a->n_threads || idx == a->active_thread)
		return;
	a->active_thread = idx;
	t = &a->threads[idx];
	app_reset_view(a);
	a->agent = t->agent;
	if (t->history)
		start_render_rollout_upto(a, t->history, t->history_len);
	a->replaying = true;
	cJSON_ArrayForEach(e, t->events) {
		struct agent_event ev;
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "kind");
		if (!cJSON_IsNumber(k))
			continue;
		ev.kind = (enum agent_event_kind)k->valueint;
		ev.id = jstr(e, "id");
		ev.msg = cJSON_GetObjectItemCaseSensitive(e, "msg");
		ev.agent = t->agent;
		app_render_event(a, &ev);
	}
	a->replaying = false;
	/* A turn still running shows as running (its start was drawn again above). */
	app_dirty(a);
}
