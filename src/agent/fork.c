/* Forking a thread (the TUI's /fork, `codex fork`): a new thread, with its own id and
 * rollout, whose history is the old one's. The new rollout starts with a copy of the old
 * one's lines, so that it resumes (and lists) as a session of its own showing the old
 * conversation; the old file is only read, and stays as it was. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/rollout.h"

int fork_session(struct agent *a, const struct agent_options *o, struct err *e)
{
	struct rollout_session s;
	const char *id;

	memset(&s, 0, sizeof s);
	if (rollout_read(o->fork_path, &s, e) < 0) {
		rollout_session_free(&s);
		return -1;
	}
	id = rollout_session_id(&s);
	if (!id || !(a->forked_from = strdup(id))) {
		rollout_session_free(&s);
		return err_set(e, "%s: the session file has no valid id", o->fork_path);
	}
	cJSON_Delete(a->history);
	a->history = s.history;
	s.history = NULL;
	collab_sync(a);
	rollout_session_free(&s);
	if (uuid_v7(uuid_now_ms(), a->thread_id, e) < 0 || record_open(a, o, e) < 0)
		return -1;
	if (a->rollout && rollout_copy_lines(a->rollout, o->fork_path, e) < 0)
		return -1;
	/* The copy is the new session's start: durable before anyone resumes it. */
	return a->rollout ? rollout_flush(a->rollout, e) : 0;
}
