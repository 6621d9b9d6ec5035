/* The Windows build's entry points for what is not ported yet: each says so in one line
 * and exits 1, so a user (or a script) knows at once instead of meeting a half-working
 * command. Their option tables are empty: completion offers nothing for them. */
#include <stdio.h>

#include "base/err.h"
#include "cli/cli.h"
#include "sandbox/sandbox.h"

static int not_yet(const char *what)
{
	fprintf(stderr, "codex: error: %s is not available in the Windows build yet\n", what);
	return EXIT_FAILURE_GENERIC;
}

int cli_login_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex login`");
}

int cli_logout_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex logout`");
}

int cli_tui_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("the interactive `codex`");
}

int cli_resume_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex resume`");
}

int cli_fork_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex fork`");
}

int cli_mcp_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex mcp`");
}

int cli_mcp_server_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return not_yet("`codex mcp-server`");
}

int sandbox_launcher_main(int argc, char **argv)
{
	return not_yet("the Linux sandbox launcher");
}

const struct cli_flag cli_login_flags[] = {{NULL, NULL, CLI_VALUE_NONE, NULL, NULL}};
const struct cli_flag cli_logout_flags[] = {{NULL, NULL, CLI_VALUE_NONE, NULL, NULL}};
const struct cli_flag cli_tui_flags[] = {{NULL, NULL, CLI_VALUE_NONE, NULL, NULL}};
const struct cli_flag cli_mcp_flags[] = {{NULL, NULL, CLI_VALUE_NONE, NULL, NULL}};
const struct cli_flag cli_mcp_server_flags[] = {{NULL, NULL, CLI_VALUE_NONE, NULL, NULL}};
const char *const cli_mcp_subcommands[] = {NULL};
const char *const cli_login_subcommands[] = {NULL};

