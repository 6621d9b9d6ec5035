/* Where the curated plugins sync goes (agent.h), the same on every platform. */
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
