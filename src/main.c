/* Role dispatch, and nothing else: first on the name this binary was invoked by, then
 * on the first argument. Any other name (users rename the file) is the codex CLI. */
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "patch/patch.h"
#include "sandbox/sandbox.h"
#include "sandbox/windows/windows_sandbox.h"

struct role {
	const char *argv0;
	int (*main)(int argc, char **argv);
};

/* Roles chosen by basename(argv[0]). */
static const struct role argv0_roles[] = {
	{"codex-network-proxy", cli_network_proxy_role},
	{"apply_patch", patch_main},
	{"applypatch", patch_main},
	{"codex-linux-sandbox", sandbox_launcher_main},
	{"codex-windows-sandbox-setup", win_setup_main},
	{"codex-command-runner", win_runner_main},
	{"codex-plugins-sync", cli_plugins_sync_role},
	{NULL, NULL},
};

/* Roles chosen by argv[1], whatever the binary is called. */
static const struct role argv1_roles[] = {
	{"--codex-run-as-apply-patch", patch_main_run_as},
	{NULL, NULL},
};

/* `codex <COMMAND>`: listed in --help in this order. */
static const struct cli_command commands[] = {
	{"apply_patch", NULL, cli_apply_patch_main, "Apply a patch in the apply_patch format",
	 cli_apply_patch_flags, NULL},
	{"completion", NULL, cli_completion_main, "Print a shell completion script (bash, zsh, fish)",
	 cli_completion_flags, cli_completion_subcommands},
	{"debug", NULL, cli_debug_main, "Diagnostics: `debug config` prints the effective configuration",
	 cli_debug_flags, cli_debug_subcommands},
	{"exec", "e", cli_exec_main, "Run the agent non-interactively (one task; --json for JSONL)",
	 cli_exec_flags, cli_exec_subcommands},
	{"fork", NULL, cli_fork_main, "Fork a previous interactive session into a new one (--last, or pick one)",
	 cli_tui_flags, NULL},
	{"login", NULL, cli_login_main, "Store an API key (--with-api-key, from stdin); `login status`",
	 cli_login_flags, cli_login_subcommands},
	{"logout", NULL, cli_logout_main, "Remove the stored credentials", cli_logout_flags, NULL},
	{"mcp", NULL, cli_mcp_main, "Manage MCP servers (list, get, add, remove)", cli_mcp_flags,
	 cli_mcp_subcommands},
	{"mcp-server", NULL, cli_mcp_server_main, "Run codex as an MCP server over stdio",
	 cli_mcp_server_flags, NULL},
	{"proxy", NULL, cli_proxy_main, "Run the network proxy (HTTP + SOCKS5, domain policy)",
	 cli_proxy_flags, NULL},
	{"resume", NULL, cli_resume_main, "Resume a previous interactive session (--last, or pick one)",
	 cli_tui_flags, NULL},
	{"sandbox", NULL, cli_sandbox_main, "Run a command under the sandbox", cli_sandbox_flags,
	 cli_sandbox_subcommands},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? argv[0] : "codex";
	char base[64];
	size_t len;

	/* The file's name without its directory, and without ".exe": Windows passes
	 * "C:\\dir\\apply_patch.exe" where Linux passes "dir/apply_patch". */
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			name = p + 1;
	len = strlen(name);
	if (len > 4 && strcasecmp(name + len - 4, ".exe") == 0)
		len -= 4;
	if (len >= sizeof base)
		len = 0; /* no role has so long a name */
	memcpy(base, name, len);
	base[len] = '\0';
	for (const struct role *r = argv0_roles; r->argv0; r++)
		if (strcmp(base, r->argv0) == 0)
			return r->main(argc, argv);
	if (argc > 1)
		for (const struct role *r = argv1_roles; r->argv0; r++)
			if (strcmp(argv[1], r->argv0) == 0)
				return r->main(argc - 1, argv + 1);
	return cli_main(argc, argv, commands);
}
