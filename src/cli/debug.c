/* codex debug config: prints the effective configuration as JSON, each value with
 * where it came from. -m/-s/-a are the same flags `codex exec` takes, so the output
 * shows what a run with them would use. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "config/config.h"

static void debug_usage(const char *prog)
{
	printf("Usage: %s debug config [OPTIONS]\n\n", prog);
	printf("Print the effective configuration as JSON: every setting with its value and\n"
	       "origin (default, <file>:<line>, profile, -c, flag), secrets redacted, and the\n"
	       "keys of config.toml this build ignores.\n\n");
	printf("Options:\n");
	printf("  -c, --config <key=value>      Override a config value (TOML value)\n");
	printf("  -p, --profile <name>          Use [profiles.<name>]\n");
	printf("  -m, --model <model>           As for exec: the model\n");
	printf("  -s, --sandbox <mode>          As for exec: read-only, workspace-write,\n"
	       "                                danger-full-access\n");
	printf("  -a, --ask-for-approval <p>    As for exec: untrusted, on-failure, on-request,\n"
	       "                                never\n");
	printf("  -h, --help                    Print this help\n");
}

/* cli_option_value, leaving *i past the option on a match. */
static int take_flag_value(int argc, char **argv, int *i, const char *shortopt,
			   const char *longopt, const char **value)
{
	int r = cli_option_value(argc, argv, i, shortopt, longopt, value);

	if (r > 0)
		++*i;
	return r;
}

struct debug_flags {
	const char *model;
	bool has_sandbox, has_approval;
	enum sandbox_mode sandbox;
	enum approval_policy approval;
};

/* Applies the flags to cfg (explicit flags beat everything else). */
static int apply_flags(struct config *cfg, const struct debug_flags *f, struct err *e)
{
	if (f->model) {
		char *m = strdup(f->model);
		if (!m)
			return err_set(e, "out of memory");
		free(cfg->model);
		cfg->model = m;
		if (config_note_flag(cfg, "model", e) < 0)
			return -1;
	}
	if (f->has_sandbox) {
		cfg->sandbox_mode = f->sandbox;
		if (config_note_flag(cfg, "sandbox_mode", e) < 0)
			return -1;
	}
	if (f->has_approval) {
		cfg->approval_policy = f->approval;
		if (config_note_flag(cfg, "approval_policy", e) < 0)
			return -1;
	}
	return 0;
}

/* -m / -s / -a: 1 when argv[*i] was one of them (advanced past), 0 when not, or the
 * usage error's exit code (negated) when its value is missing or wrong. */
static int take_flag(struct cli_ctx *ctx, int argc, char **argv, int *i, struct debug_flags *f)
{
	const char *a = argv[*i], *v;
	int r = take_flag_value(argc, argv, i, "-m", "--model", &v);

	if (r > 0) {
		f->model = v;
		return 1;
	}
	if (r == 0 && (r = take_flag_value(argc, argv, i, "-s", "--sandbox", &v)) > 0) {
		if (sandbox_mode_parse(v, &f->sandbox) < 0)
			return -cli_usage_error(ctx->prog, "invalid value '%s' for --sandbox: "
							   "expected read-only, workspace-write "
							   "or danger-full-access",
						v);
		f->has_sandbox = true;
		return 1;
	}
	if (r == 0 && (r = take_flag_value(argc, argv, i, "-a", "--ask-for-approval", &v)) > 0) {
		if (approval_policy_parse(v, &f->approval) < 0)
			return -cli_usage_error(ctx->prog, "invalid value '%s' for "
							   "--ask-for-approval: expected untrusted, "
							   "on-failure, on-request or never",
						v);
		f->has_approval = true;
		return 1;
	}
	if (r < 0)
		return -cli_usage_error(ctx->prog, "%s needs a value", a);
	return 0;
}

static int debug_config(struct cli_ctx *ctx, int argc, char **argv)
{
	struct debug_flags flags = {NULL, false, false, SANDBOX_MODE_READ_ONLY, APPROVAL_NEVER};
	struct config_load_opts opts;
	struct config *cfg = NULL;
	struct err e = {{0}};
	char *json = NULL;
	int i = 1, r, rc = EXIT_FAILURE_GENERIC;

	while (i < argc) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			debug_usage(ctx->prog);
			return EXIT_OK;
		}
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		r = take_flag(ctx, argc, argv, &i, &flags);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		return cli_usage_error(ctx->prog, "unexpected argument '%s' for debug config", a);
	}
	opts.codex_home = NULL;
	opts.overrides = &ctx->overrides;
	opts.profile = ctx->profile;
	if (config_load(&opts, &cfg, &e) < 0 || apply_flags(cfg, &flags, &e) < 0)
		goto out;
	json = config_to_json(cfg);
	if (!json) {
		err_set(&e, "out of memory");
		goto out;
	}
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0) {
		err_set(&e, "cannot write the output");
		goto out;
	}
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		err_print(ctx->prog, &e);
	free(json);
	config_free(cfg);
	return rc;
}

int cli_debug_main(struct cli_ctx *ctx, int argc, char **argv)
{
	int i = 1, r;

	/* -c / -p may come before the debug subcommand too. */
	while (i < argc) {
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			break;
	}
	if (i >= argc || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
		debug_usage(ctx->prog);
		return i >= argc ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[i], "config") == 0)
		return debug_config(ctx, argc - i, argv + i);
	return cli_usage_error(ctx->prog, "unrecognized debug command '%s' (try: debug config)",
			       argv[i]);
}

static const char *const sandbox_choices[] = {"read-only", "workspace-write",
					      "danger-full-access", NULL};
static const char *const approval_choices[] = {"untrusted", "on-failure", "on-request",
					       "never", NULL};
const struct cli_flag cli_debug_flags[] = {
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--model", "-m", CLI_VALUE_TEXT, NULL, "As for exec: the model"},
	{"--sandbox", "-s", CLI_VALUE_CHOICE, sandbox_choices, "As for exec: the sandbox mode"},
	{"--ask-for-approval", "-a", CLI_VALUE_CHOICE, approval_choices,
	 "As for exec: the approval policy"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_debug_subcommands[] = {"config", NULL};
