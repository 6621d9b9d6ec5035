/* `codex apply_patch [PATCH]`: the apply_patch tool as a subcommand. Everything but
 * --help behaves exactly as the standalone role (src/patch/cli.c). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "patch/patch.h"

static void print_help(void)
{
	printf("Apply a patch in the apply_patch format to files below the current "
	       "directory.\n\n"
	       "Usage: codex apply_patch 'PATCH'\n"
	       "       echo 'PATCH' | codex apply_patch\n\n"
	       "The patch is the single argument, or stdin when there is none.\n"
	       "CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1 keeps each line's own ending.\n\n"
	       "Exit status: 0 applied, 1 the patch is invalid or did not apply, 2 usage.\n");
}

int cli_apply_patch_main(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		print_help();
		return EXIT_OK;
	}
	return patch_main(argc, argv);
}

const struct cli_flag cli_apply_patch_flags[] = {
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
