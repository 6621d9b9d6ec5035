/* What the session leaves on disk: the rollout file (rollout.h: session_meta, every
 * history item, a turn_context before each request, the persisted events; synced at
 * each turn's end) and the prompt's line in history.jsonl. --ephemeral writes neither.
 * A write error does not stop the conversation: the first one is reported once as a
 * warning and the file gets no more lines (the writer's error sticks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/history.h"
#include "agent/internal.h"
#include "agent/rollout.h"
#include "agent/session_index.h"

static void note_error(struct agent *a, const struct err *e)
{
	if (!a->record_failed) {
		a->record_failed = true;
		snprintf(a->record_error, sizeof a->record_error, "%s", e->msg);
	}
}

int record_open(struct agent *a, const struct agent_options *o, struct err *e)
{
	struct rollout_meta m;
	struct rollout_writer *w = NULL;

	if (o->ephemeral)
		return 0;
	if (o->resume_path) {
		if (rollout_writer_open(o->resume_path, &w, e) < 0)
			return -1;
	} else {
		memset(&m, 0, sizeof m);
		m.id = a->thread_id;
		m.cwd = a->cwd;
		m.originator = a->originator;
		m.cli_version = CODEX_VERSION;
		m.source = a->source;
		m.model_provider = a->provider.id;
		m.base_instructions = a->instructions;
		m.forked_from_id = a->forked_from;
		if (a->parent) {
			m.parent_thread_id = a->parent->thread_id;
			m.depth = a->depth;
			m.agent_nickname = a->nickname;
			m.agent_role = a->role;
		}
		if (rollout_writer_new(a->cfg->codex_home, &m, &w, e) < 0)
			return -1;
	}
	a->rollout = w;
	a->rollout_path = strdup(rollout_writer_path(w));
	return a->rollout_path ? 0 : err_set(e, "out of memory");
}

void record_close(struct agent *a)
{
	struct err e;

	if (!a->rollout)
		return;
	(void)rollout_flush(a->rollout, &e); /* best effort at the end */
	rollout_writer_free(a->rollout);
	a->rollout = NULL;
}

void history_add(struct agent *a, cJSON *item)
{
	struct err e;

	if (!cJSON_AddItemToArray(a->history, item)) {
		cJSON_Delete(item);
		return;
	}
	if (a->rollout && rollout_record_item(a->rollout, item, &e) < 0)
		note_error(a, &e);
}

void history_insert(struct agent *a, int at, cJSON *item)
{
	struct err e;

	cJSON *tail = NULL, *t;
	int n = cJSON_GetArraySize(a->history);

	/* cJSON 1.7.15's InsertItemInArray refuses any index but 0 for a fresh item: the
	 * items from at on are taken off, and put back after it. */
	while (at >= 0 && at < n && (t = cJSON_DetachItemFromArray(a->history, at))) {
		n--;
		t->next = tail;
		tail = t;
	}
	if (!cJSON_AddItemToArray(a->history, item)) {
		cJSON_Delete(item);
		item = NULL;
	}
	/* tail holds them last first */
	{
		cJSON *rev = NULL;
		while (tail) {
			t = tail->next;
			tail->next = rev;
			rev = tail;
			tail = t;
		}
		while (rev) {
			t = rev->next;
			rev->next = NULL;
			if (!cJSON_AddItemToArray(a->history, rev))
				cJSON_Delete(rev);
			rev = t;
		}
	}
	if (!item)
		return;
	if (a->rollout && rollout_record_item(a->rollout, item, &e) < 0)
		note_error(a, &e);
}

void record_event(struct agent *a, const cJSON *msg)
{
	struct err e;

	if (a->rollout && rollout_record_event(a->rollout, msg, &e) < 0)
		note_error(a, &e);
}

void record_turn_context(struct agent *a)
{
	cJSON *tc = cJSON_CreateObject(), *pol = NULL, *cm = NULL;
	char *json = sandbox_policy_to_json(&a->policy, NULL);
	struct err e;

	if (!a->rollout)
		goto out;
	pol = json ? cJSON_Parse(json) : NULL;
	if (!tc || !pol || !cJSON_AddStringToObject(tc, "cwd", a->cwd) ||
	    !cJSON_AddStringToObject(tc, "approval_policy", approval_policy_str(a->approval)) ||
	    !cJSON_AddItemToObject(tc, "sandbox_policy", pol) || (pol = NULL, 0) ||
	    !cJSON_AddStringToObject(tc, "model", a->model) ||
	    !(a->effort ? cJSON_AddStringToObject(tc, "effort", a->effort)
			: cJSON_AddNullToObject(tc, "effort")) ||
	    !cJSON_AddStringToObject(tc, "summary", a->summary ? a->summary : "auto") ||
	    !(cm = collab_turn_context(a)) || !cJSON_AddItemToObject(tc, "collaboration_mode", cm))
		goto out;
	cm = NULL;
	if (rollout_record_turn_context(a->rollout, tc, &e) < 0)
		note_error(a, &e);
out:
	cJSON_Delete(cm);
	cJSON_Delete(pol);
	cJSON_Delete(tc);
	free(json);
}

void record_turn_end(struct agent *a)
{
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	if (a->rollout && rollout_flush(a->rollout, &e) < 0)
		note_error(a, &e);
	if (a->record_failed && !a->record_warned) {
		a->record_warned = true;
		snprintf(msg, sizeof msg, "the session file is not being written: %s",
			 a->record_error);
		agent_emit_text(a, AGENT_EV_WARNING, "message", msg);
	}
}

void record_prompt(struct agent *a, const char *text)
{
	struct history_opts h;
	struct err e;
	const char *p = a->cfg->history.persistence;

	if (a->ephemeral)
		return;
	memset(&h, 0, sizeof h);
	h.codex_home = a->cfg->codex_home;
	h.save = !p || strcmp(p, "none") != 0;
	h.max_bytes = a->cfg->history.max_bytes;
	if (history_append(&h, a->thread_id, text, &e) < 0)
		agent_emit_text(a, AGENT_EV_WARNING, "message", e.msg);
}

/* A session id that is not a uuid may be a thread name (upstream: the uuid wins when
 * it parses): the id of the newest thread of that name, malloc'ed, or NULL. */
static char *id_of_name(const struct config *cfg, const char *name)
{
	struct session_names n = {STRV_INIT, STRV_INIT};
	struct err ignored;
	const char *id;
	char *r = NULL;

	if (uuid_valid(name) && strlen(name) == UUID_STR_LEN)
		return NULL;
	if (session_index_load(cfg->codex_home, &n, &ignored) == 0 &&
	    (id = session_names_id(&n, name)))
		r = strdup(id);
	session_names_free(&n);
	return r;
}

int agent_find_session(const struct config *cfg, const char *id, const char *cwd, char **path,
		       struct err *e)
{
	char *named = id ? id_of_name(cfg, id) : NULL;
	int rc = id ? rollout_find_by_id(cfg->codex_home, named ? named : id, path, e)
		    : rollout_find_last(cfg->codex_home, cwd, path, e);

	free(named);

	if (rc == 0)
		err_set(e, id ? "no session with id %s" : "no previous session to resume%s",
			id ? id : "");
	return rc > 0 ? 0 : -1;
}

/* A resumed thread keeps its name: the session index's, else the rollout's last
 * thread_name_updated. */
static void resume_thread_name(struct agent *a, const cJSON *events)
{
	struct session_names n = {STRV_INIT, STRV_INIT};
	struct err ignored;
	const char *name = NULL;
	const cJSON *ev;

	if (session_index_load(a->cfg->codex_home, &n, &ignored) == 0)
		name = session_names_name(&n, a->thread_id);
	cJSON_ArrayForEach(ev, events) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "type"));
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "thread_name"));
		if (!name && type && v && strcmp(type, "thread_name_updated") == 0) {
			free(a->thread_name);
			a->thread_name = strdup(v);
		}
	}
	if (name) {
		free(a->thread_name);
		a->thread_name = strdup(name);
	}
	session_names_free(&n);
}

int record_resume(struct agent *a, const char *path, struct err *e)
{
	struct rollout_session s;
	const char *id;

	memset(&s, 0, sizeof s);
	if (rollout_read(path, &s, e) < 0) {
		rollout_session_free(&s);
		return -1;
	}
	id = rollout_session_id(&s);
	if (!id || strlen(id) > UUID_STR_LEN) {
		rollout_session_free(&s);
		return err_set(e, "%s: the session file has no valid id", path);
	}
	snprintf(a->thread_id, sizeof a->thread_id, "%s", id);
	resume_thread_name(a, s.events);
	cJSON_Delete(a->history);
	a->history = s.history;
	s.history = NULL;
	collab_sync(a);
	rollout_session_free(&s);
	return 0;
}
