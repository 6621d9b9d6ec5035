/* Sub-agents brought back with a resumed session. Upstream 0.118 keeps the spawn tree in
 * its state database (thread_spawn edges, open or closed) and, when a thread is resumed
 * (resume_agent_from_rollout), resumes with it every descendant whose edge is still open;
 * a closed one comes back when resume_agent names it. We keep no database: the tree is
 * in the rollouts themselves (a sub-agent's session_meta names its parent, its nickname
 * and role), and the parent's own history says which ones it closed (its last
 * close_agent or resume_agent call naming each). Every child is loaded, with its
 * history: an open one takes send_input and wait_agent at once, a closed one after
 * resume_agent, as in the session before. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/internal.h"
#include "agent/rollout.h"
#include "base/json.h"

/* The thread id a collaboration call in the history names, when it is a call to name. */
static const char *call_target(const cJSON *item, const char *name, const char *key,
			       cJSON **args)
{
	const char *type = json_get_str(item, "type"), *n = json_get_str(item, "name");
	const char *text = json_get_str(item, "arguments");
	struct err ignored;

	*args = NULL;
	if (!type || strcmp(type, "function_call") != 0 || !n || strcmp(n, name) != 0 || !text)
		return NULL;
	*args = json_parse(text, strlen(text), "arguments", &ignored);
	return json_get_str(*args, key);
}

/* Closed when the last close_agent / resume_agent call of the parent naming id closed it. */
static bool closed_in_history(const struct agent *parent, const char *id)
{
	const cJSON *it;
	bool closed = false;

	cJSON_ArrayForEach(it, parent->history) {
		cJSON *args;
		const char *t = call_target(it, "close_agent", "target", &args);
		if (t && strcasecmp(t, id) == 0)
			closed = true;
		cJSON_Delete(args);
		t = call_target(it, "resume_agent", "id", &args);
		if (t && strcasecmp(t, id) == 0)
			closed = false;
		cJSON_Delete(args);
	}
	return closed;
}

/* The status its last turn left, from the events its rollout kept: a turn that
 * completed, one that was aborted (or never ended: the session stopped in it), or none
 * yet. */
static enum subagent_status saved_status(const struct rollout_session *rs, const char **text)
{
	enum subagent_status st = SUBAGENT_PENDING_INIT;
	const cJSON *ev;

	*text = NULL;
	cJSON_ArrayForEach(ev, rs->events) {
		const char *type = json_get_str(ev, "type");
		if (!type)
			continue;
		if (strcmp(type, "task_started") == 0 || strcmp(type, "turn_aborted") == 0) {
			st = SUBAGENT_INTERRUPTED;
			*text = NULL;
		} else if (strcmp(type, "task_complete") == 0) {
			st = SUBAGENT_COMPLETED;
			*text = json_get_str(ev, "last_agent_message");
		}
	}
	return st;
}

static int restore_children(struct agent *a, size_t *loaded, struct err *e)
{
	const struct config *cfg = a->cfg;
	const size_t max_threads = cfg->agents.max_threads > 0 ? (size_t)cfg->agents.max_threads
							       : AGENT_MAX_SUBAGENT_THREADS;
	const struct agent *root = a;
	struct rollout_child *c;
	size_t n;

	while (root->parent)
		root = root->parent;
	if (rollout_list_children(cfg->codex_home, a->thread_id, AGENT_MAX_SUBAGENTS_TOTAL, &c,
				  &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct rollout_session rs;
		struct subagent_saved saved;
		struct subagent *s;
		struct err ignored;

		if (subagent_find(root, c[i].id))
			continue; /* already here */
		memset(&rs, 0, sizeof rs);
		if (rollout_read(c[i].path, &rs, &ignored) < 0) {
			rollout_session_free(&rs);
			continue; /* unreadable: it stays behind, the others come */
		}
		memset(&saved, 0, sizeof saved);
		saved.path = c[i].path;
		saved.nickname = c[i].nickname;
		saved.role = c[i].role;
		saved.status = saved_status(&rs, &saved.text);
		saved.closed = closed_in_history(a, c[i].id) || subagents_open(a) >= max_threads;
		if (saved.closed) {
			saved.status = SUBAGENT_SHUTDOWN;
			saved.text = NULL;
		}
		if (subagent_load(a, &saved, &s, &ignored) == 0) {
			(*loaded)++;
			(void)!restore_children(s->agent, loaded, &ignored);
		}
		rollout_session_free(&rs);
	}
	rollout_children_free(c, n);
	return 0;
}

int agent_resume_subagents(struct agent *a, struct err *e)
{
	size_t loaded = 0;

	if (a->ephemeral || !config_feature(a->cfg, "multi_agent", true))
		return 0;
	if (restore_children(a, &loaded, e) < 0)
		return -1;
	return (int)loaded;
}
