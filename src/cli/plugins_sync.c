/* The internal role `codex-plugins-sync <codex_home> <url>`: the curated marketplace's
 * sync (agent.h: agent_plugins_sync_curated), started by the TUI and `codex exec` as a
 * separate process (agent_plugins_start_curated_sync) so no session waits on git or the
 * network; one at a time (a second says another is under way, exit 1). Prints the commit id checked out, then
 * refreshes the installed curated plugins' copies; exit 1 with "codex: error: ..." when
 * either fails (the previous checkout is kept). */
#include <stdio.h>

#include "agent/agent.h"
#include "cli/cli.h"

int cli_plugins_sync_role(int argc, char **argv)
{
	struct err e = {0};
	char sha[65];
	bool changed;

	if (argc != 3 || !argv[1][0] || !argv[2][0]) {
		fprintf(stderr, "usage: codex-plugins-sync CODEX_HOME URL\n");
		return 2;
	}
	if (agent_plugins_sync_curated(argv[1], argv[2], sha, &changed, &e) < 0) {
		fprintf(stderr, "codex: error: %s\n", e.msg);
		return 1;
	}
	printf("%s %s\n", sha, changed ? "updated" : "unchanged");
	if (agent_plugins_refresh_curated(argv[1], &e) < 0) {
		fprintf(stderr, "codex: error: %s\n", e.msg);
		return 1;
	}
	return 0;
}
