/* Role dispatch, and nothing else: first on the name this binary was invoked by, then
 * on the first argument. Any other name (users rename the file) is the codex CLI. */
#include <string.h>

#include "cli/cli.h"
#include "patch/patch.h"
#include "sandbox/sandbox.h"

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
	{NULL, NULL},
};

/* Roles chosen by argv[1], whatever the binary is called. */
static const struct role argv1_roles[] = {
	{"--codex-run-as-apply-patch", patch_main_run_as},
	{NULL, NULL},
};

/* `codex <COMMAND>`: listed in --help in this order. */
static const struct cli_command commands[] = {
	{"apply_patch", NULL, cli_apply_patch_main, "Apply a patch in the apply_patch format"},
	{"debug", NULL, cli_debug_main, "Diagnostics: `debug config` prints the effective configuration"},
	{"proxy", NULL, cli_proxy_main, "Run the network proxy (HTTP + SOCKS5, domain policy)"},
	{"sandbox", NULL, cli_sandbox_main, "Run a command under the sandbox"},
	{NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? argv[0] : "codex";
	const char *slash = strrchr(name, '/');

	if (slash)
		name = slash + 1;
	for (const struct role *r = argv0_roles; r->argv0; r++)
		if (strcmp(name, r->argv0) == 0)
			return r->main(argc, argv);
	if (argc > 1)
		for (const struct role *r = argv1_roles; r->argv0; r++)
			if (strcmp(argv[1], r->argv0) == 0)
				return r->main(argc - 1, argv + 1);
	return cli_main(argc, argv, commands);
}
