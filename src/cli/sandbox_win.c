/* `codex sandbox` in the Windows build: the Windows sandbox, with or without the word
 * "windows" (src/cli/sandbox_windows.c); the other platforms' sandboxes do not exist
 * here. */
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"

int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "linux") == 0 || strcmp(argv[1], "landlock") == 0 ||
			 strcmp(argv[1], "macos") == 0 || strcmp(argv[1], "seatbelt") == 0))
		return cli_usage_error(ctx->prog, "'sandbox %s' is not available on Windows",
				       argv[1]);
	return cli_sandbox_windows_main(ctx, argc, argv);
}

static const char *const sandbox_mode_choices[] = {"read-only", "workspace-write",
						   "danger-full-access", NULL};
static const char *const network_mode_choices[] = {"full", "limited", NULL};
const struct cli_flag cli_sandbox_flags[] = {
	{"--full-auto", NULL, CLI_VALUE_NONE, NULL, "Workspace-write: write the working directory"},
	{"--sandbox", "-s", CLI_VALUE_CHOICE, sandbox_mode_choices, "The sandbox policy"},
	{"--cd", "-C", CLI_VALUE_DIR, NULL, "Run in DIR (the workspace)"},
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--plan", NULL, CLI_VALUE_NONE, NULL, "Print the plan as JSON; apply nothing"},
	{"--allow-domain", NULL, CLI_VALUE_TEXT, NULL, "Allow a domain pattern (proxy on)"},
	{"--deny-domain", NULL, CLI_VALUE_TEXT, NULL, "Deny a domain pattern (proxy on)"},
	{"--network-mode", NULL, CLI_VALUE_CHOICE, network_mode_choices,
	 "full, or limited (GET/HEAD/OPTIONS only)"},
	{"--allow-local-binding", NULL, CLI_VALUE_NONE, NULL, "Leave the command's loopback open"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_sandbox_subcommands[] = {"windows", NULL};
