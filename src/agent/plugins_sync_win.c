/* The curated marketplace's sync on Windows (agent.h): not ported yet. A checkout placed
 * in %CODEX_HOME%\.tmp\plugins by hand is still listed. */
#include "agent/agent.h"

int agent_plugins_sync_curated(const char *codex_home, const char *url, char sha[65],
			       bool *changed, struct err *e)
{
	(void)codex_home;
	(void)url;
	sha[0] = '\0';
	*changed = false;
	return err_set(e, "the curated plugins sync is not available on Windows yet");
}

void agent_plugins_start_curated_sync(const struct config *cfg)
{
	(void)cfg;
}
