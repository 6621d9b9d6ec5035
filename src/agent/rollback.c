/* Dropping the last turns of the conversation (upstream's thread rollback): what the
 * TUI's backtrack (Esc Esc, then Enter on an earlier message) does before the edited
 * message is sent again. The rollout keeps every line and gets thread_rolled_back,
 * which rollout_parse applies again on resume. */
#include "agent/internal.h"
#include "agent/rollout.h"

int agent_rollback(struct agent *a, unsigned n, struct err *e)
{
	cJSON *m;

	if (a->shut_down)
		return err_set(e, "the session is shut down");
	if (a->turn)
		return err_set(e, "a turn is running");
	if (n == 0 || n > rollout_user_turns(a->history))
		return err_set(e, "the conversation has fewer than %u turns", n);
	rollout_drop_turns(a->history, NULL, n);
	m = cJSON_CreateObject();
	if (m && !cJSON_AddNumberToObject(m, "num_turns", n)) {
		cJSON_Delete(m);
		m = NULL;
	}
	/* agent_emit records it (a persisted event). */
	agent_emit(a, AGENT_EV_THREAD_ROLLED_BACK, m);
	return 0;
}
