/* The curated marketplace's sync on Windows (agent.h): not ported yet. A checkout placed
 * in %CODEX_HOME%\.tmp\plugins by hand is still listed. */
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"

const char *agent_curated_plugins_url(void)
{
	const char *u = getenv("CODEX_CURATED_PLUGINS_URL");

	if (!u)
		return AGENT_CURATED_PLUGINS_URL;
	return *u ? u : NULL;
}

const char *agent_curated_plugins_api_url(const char *git_url)
{
	const char *u = getenv("CODEX_CURATED_PLUGINS_API_URL");

	if (u && *u)
		return u;
	return git_url && strcmp(git_url, AGENT_CURATED_PLUGINS_URL) == 0 ? AGENT_CURATED_API_URL
								       : NULL;
}

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
