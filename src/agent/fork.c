/* Forking a thread (the TUI's /fork, `codex fork`): a new thread, with its own id and
 * rollout, whose history is the old one's. The new rollout starts with a copy of the old
 * one's lines, so that it resumes (and lists) as a session of its own showing the old
 * conversation; the old file is only read, and stays as it was.
 *
 * As upstream 0.118's thread/fork (ForkSnapshot::Interrupted): a source that ends inside
 * a turn (a session killed mid-turn) is forked as if that turn had been interrupted
 * now: the fork's history gets the interrupt's <turn_aborted> marker and its rollout a
 * turn_aborted event, so the model hears of it and a resume shows it. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/rollout.h"
#include "base/json.h"

/* The interrupted boundary after the copied lines. */
static int append_interrupted(struct agent *a, const char *turn_id, struct err *e)
{
	cJSON *marker = rollout_turn_aborted_marker(), *ev = cJSON_CreateObject();

	if (!marker || !ev || json_add_str(ev, "type", "turn_aborted") < 0 ||
	    (turn_id && json_add_str(ev, "turn_id", turn_id) < 0) ||
	    json_add_str(ev, "reason", "interrupted") < 0) {
		cJSON_Delete(marker);
		cJSON_Delete(ev);
		return err_set(e, "out of memory");
	}
	history_add(a, marker);
	record_event(a, ev);
	cJSON_Delete(ev);
	return 0;
}

int fork_session(struct agent *a, const struct agent_options *o, struct err *e)
{
	struct rollout_session s;
	const char *id, *turn_id;
	bool mid_turn;
	int rc = -1;

	memset(&s, 0, sizeof s);
	if (rollout_read(o->fork_path, &s, e) < 0)
		goto out;
	id = rollout_session_id(&s);
	if (!id || !(a->forked_from = strdup(id))) {
		err_set(e, "%s: the session file has no valid id", o->fork_path);
		goto out;
	}
	cJSON_Delete(a->history);
	a->history = s.history;
	s.history = NULL;
	collab_sync(a);
	mid_turn = rollout_ends_mid_turn(s.events, &turn_id);
	if (uuid_v7(uuid_now_ms(), a->thread_id, e) < 0 || record_open(a, o, e) < 0)
		goto out;
	if (a->rollout && rollout_copy_lines(a->rollout, o->fork_path, e) < 0)
		goto out;
	if (mid_turn && append_interrupted(a, turn_id, e) < 0)
		goto out;
	/* The copy is the new session's start: durable before anyone resumes it. */
	rc = a->rollout ? rollout_flush(a->rollout, e) : 0;
out:
	rollout_session_free(&s);
	return rc;
}
