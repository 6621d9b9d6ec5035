/* agent_list_sessions: the rollout listing (rollout_find.c) for front ends. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/rollout.h"
#include "agent/session_index.h"

int agent_list_sessions(const struct config *cfg, const char *cwd, size_t max,
			struct agent_session **out, size_t *n, struct err *e)
{
	struct rollout_summary *s;
	size_t k;
	struct agent_session *res;

	*out = NULL;
	*n = 0;
	if (rollout_list(cfg->codex_home, cwd, max, &s, &k, e) < 0)
		return -1;
	res = calloc(k + 1, sizeof *res);
	if (!res) {
		rollout_summaries_free(s, k);
		return err_set(e, "out of memory");
	}
	for (size_t i = 0; i < k; i++) {
		/* ownership moves field by field */
		res[i].path = s[i].path;
		res[i].id = s[i].id;
		res[i].timestamp = s[i].timestamp;
		res[i].cwd = s[i].cwd;
		res[i].first_user_message = s[i].first_user_message;
		s[i].path = s[i].id = s[i].timestamp = s[i].cwd = s[i].first_user_message = NULL;
	}
	rollout_summaries_free(s, k);
	{
		/* Names from the session index; a session without one shows its first
		 * message. An unreadable index only costs the names. */
		struct session_names names = {STRV_INIT, STRV_INIT};
		struct err ignored;
		if (session_index_load(cfg->codex_home, &names, &ignored) == 0)
			for (size_t i = 0; i < k; i++) {
				const char *nm = session_names_name(&names, res[i].id);
				if (nm && !(res[i].thread_name = strdup(nm))) {
					session_names_free(&names);
					agent_sessions_free(res, k);
					return err_set(e, "out of memory");
				}
			}
		session_names_free(&names);
	}
	*out = res;
	*n = k;
	return 0;
}

void agent_sessions_free(struct agent_session *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].path);
		free(s[i].id);
		free(s[i].timestamp);
		free(s[i].cwd);
		free(s[i].first_user_message);
		free(s[i].thread_name);
	}
	free(s);
}
