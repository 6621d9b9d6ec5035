/* codex sandbox [linux|landlock] [OPTIONS] [--] COMMAND [ARGS...]
 *
 * Runs COMMAND under the sandbox policy and exits with its status. The policy comes
 * from, in increasing precedence: the built-in default (read-only), config.toml's
 * `sandbox_mode` and `[sandbox_workspace_write]` (with the profile and -c overrides),
 * then --full-auto / -s. --add-dir adds writable roots to the configured ones. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "cli/cli.h"
#include "config/config.h"
#include "sandbox/sandbox.h"

struct sandbox_flags {
	bool full_auto;
	bool have_mode;
	enum sandbox_mode mode;
	struct strv add_dirs;
	const char *cd;
	bool print_plan;
	char **command;
};

static void sandbox_usage(const char *prog)
{
	printf("Usage: %s sandbox [linux] [OPTIONS] [--] COMMAND [ARGS...]\n\n", prog);
	printf("Run COMMAND under the sandbox and exit with its status. Default policy:\n"
	       "read-only (read anything, write nothing, no network).\n\n");
	printf("Options:\n");
	printf("      --full-auto               Workspace-write: write the working directory,\n"
	       "                                /tmp and $TMPDIR; network off unless\n"
	       "                                sandbox_workspace_write.network_access is set\n");
	printf("  -s, --sandbox <policy>        read-only, workspace-write or "
	       "danger-full-access\n");
	printf("      --add-dir <DIR>           Another writable directory (workspace-write; "
	       "repeatable)\n");
	printf("  -C, --cd <DIR>                Run in DIR (the workspace)\n");
	printf("  -c, --config <key=value>      Override a config value, e.g.\n"
	       "                                -c sandbox_workspace_write.network_access=true\n");
	printf("  -p, --profile <name>          Use [profiles.<name>] of config.toml\n");
	printf("  -h, --help                    Print this help\n");
	printf("\nInside writable directories, .git, .agents and .codex stay read-only.\n"
	       "Exit status: the command's (killed by signal N: 128+N); 125 the sandbox could\n"
	       "not be set up; 126 not executable; 127 command not found.\n");
}

/* Returns -1 to go on, or an exit code. */
static int parse_flags(struct cli_ctx *ctx, int argc, char **argv, struct sandbox_flags *f)
{
	int i = 1, r;

	/* The platform word is optional; on Linux only Linux's is accepted. */
	if (i < argc && (strcmp(argv[i], "linux") == 0 || strcmp(argv[i], "landlock") == 0))
		i++;
	else if (i < argc && (strcmp(argv[i], "macos") == 0 || strcmp(argv[i], "seatbelt") == 0 ||
			      strcmp(argv[i], "windows") == 0))
		return cli_usage_error(ctx->prog, "'sandbox %s' is not available on Linux",
				       argv[i]);
	for (; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			sandbox_usage(ctx->prog);
			return EXIT_OK;
		}
		if (strcmp(a, "--full-auto") == 0) {
			f->full_auto = true;
			continue;
		}
		if (strcmp(a, "--print-plan") == 0) {
			f->print_plan = true;
			continue;
		}
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0) {
			i--; /* it advanced past the option; the loop advances again */
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "-s", "--sandbox", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a policy", a);
			if (sandbox_mode_parse(v, &f->mode) < 0)
				return cli_usage_error(ctx->prog,
						       "invalid sandbox policy '%s' (read-only, "
						       "workspace-write, danger-full-access)", v);
			f->have_mode = true;
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "--add-dir", "--add-dir", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "--add-dir needs a directory");
			if (strv_push(&f->add_dirs, v) < 0)
				return cli_usage_error(ctx->prog, "out of memory");
			continue;
		}
		if ((r = cli_option_value(argc, argv, &i, "-C", "--cd", &v)) != 0) {
			if (r < 0)
				return cli_usage_error(ctx->prog, "%s needs a directory", a);
			f->cd = v;
			continue;
		}
		if (a[0] == '-' && a[1])
			return cli_usage_error(ctx->prog, "unexpected argument '%s' (use -- before "
							  "a command that starts with '-')", a);
		break;
	}
	f->command = argv + i;
	if (f->full_auto && f->have_mode)
		return cli_usage_error(ctx->prog, "--full-auto cannot be combined with --sandbox");
	if (!f->command[0] && !f->print_plan)
		return cli_usage_error(ctx->prog, "no command given (codex sandbox -- COMMAND)");
	return -1;
}

/* Builds the policy from the flags and the configuration; relative roots (config or
 * --add-dir) are relative to the workspace. */
static int build_policy(const struct sandbox_flags *f, const struct config *cfg, const char *cwd,
			struct sandbox_policy *p, struct err *e)
{
	const struct config_sandbox_workspace_write *w = &cfg->sandbox_workspace_write;
	enum sandbox_mode mode = f->full_auto   ? SANDBOX_MODE_WORKSPACE_WRITE
				 : f->have_mode ? f->mode
						: cfg->sandbox_mode;

	sandbox_policy_init(p, mode);
	if (mode != SANDBOX_MODE_WORKSPACE_WRITE) {
		if (f->add_dirs.n)
			fprintf(stderr, "codex: warning: --add-dir is ignored with the %s policy\n",
				sandbox_mode_str(mode));
		return 0;
	}
	p->network_access = w->network_access;
	p->exclude_tmpdir_env_var = w->exclude_tmpdir_env_var;
	p->exclude_slash_tmp = w->exclude_slash_tmp;
	for (size_t i = 0; i < w->writable_roots.n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, w->writable_roots.v[i])) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; i < f->add_dirs.n; i++)
		if (strv_take(&p->writable_roots, path_join(cwd, f->add_dirs.v[i])) < 0)
			return err_set(e, "out of memory");
	return 0;
}

int cli_sandbox_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sandbox_flags f;
	struct config_load_opts opts;
	struct config *cfg = NULL;
	struct sandbox_policy policy;
	struct sandbox_command cmd;
	struct err e;
	char *cwd = NULL;
	int rc;

	memset(&f, 0, sizeof f);
	sandbox_policy_init(&policy, SANDBOX_MODE_READ_ONLY);
	err_clear(&e);
	rc = parse_flags(ctx, argc, argv, &f);
	if (rc >= 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (f.cd && chdir(f.cd) < 0) {
		err_sys(&e, errno, "cannot change to %s", f.cd);
		goto fail;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		err_sys(&e, errno, "cannot determine the working directory");
		goto fail;
	}
	/* After the flags: -c and -p may follow the subcommand. config_load names the
	 * file or -c override that is wrong (line and column). */
	opts.codex_home = NULL;
	opts.overrides = &ctx->overrides;
	opts.profile = ctx->profile;
	if (config_load(&opts, &cfg, &e) < 0 || build_policy(&f, cfg, cwd, &policy, &e) < 0)
		goto fail;
	memset(&cmd, 0, sizeof cmd);
	cmd.policy = &policy;
	cmd.cwd = cwd;
	cmd.argv = f.command;
	cmd.print_plan = f.print_plan;
	sandbox_exec(&cmd, &e); /* returns only on failure */
	rc = EXIT_SANDBOX_SETUP;
fail:
	err_print(ctx->prog, &e);
out:
	free(cwd);
	config_free(cfg);
	sandbox_policy_free(&policy);
	strv_free(&f.add_dirs);
	return rc;
}
