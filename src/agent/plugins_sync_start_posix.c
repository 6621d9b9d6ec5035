/* The curated marketplace's sync as a session starts (agent.h,
 * agent_plugins_start_curated_sync; upstream's start_curated_repo_sync, run by the TUI
 * and by `codex exec`): a process of its own (this binary as `codex-plugins-sync`, see
 * src/cli/plugins_sync.c), started once and never waited for, so neither git nor the
 * network can hold up the session (base/detach.h). It writes only under
 * $CODEX_HOME/.tmp, atomically, one sync at a time (the role's lock); /plugins reads
 * the marketplaces from disk each time it opens, so a finished sync shows there. */
#include <stdlib.h>

#include "agent/agent.h"
#include "base/detach.h"
#include "base/file.h"
#include "config/config.h"

void agent_plugins_start_curated_sync(const struct config *cfg)
{
	const char *url = agent_curated_plugins_url();
	char *self;

	if (!cfg || !cfg->codex_home || !url || !config_feature(cfg, "plugins", true))
		return;
	if ((self = path_self_exe())) {
		char *argv[] = {"codex-plugins-sync", cfg->codex_home, (char *)url, NULL};
		(void)detach_run(self, argv, false);
	}
	free(self);
}
