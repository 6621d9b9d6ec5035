#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

int cli_option_value(int argc, char **argv, int *i, const char *shortopt,
		     const char *longopt, const char **value)
{
	const char *a = argv[*i];
	size_t ll = strlen(longopt);

	if (strcmp(a, shortopt) == 0 || strcmp(a, longopt) == 0) {
		/* "--" ends the options: it is never a value ("-C -- make" lacks one). */
		if (*i + 1 >= argc || strcmp(argv[*i + 1], "--") == 0)
			return -1;
		*value = argv[++*i];
		return 1;
	}
	if (strncmp(a, longopt, ll) == 0 && a[ll] == '=') {
		*value = a + ll + 1;
		return 1;
	}
	if (strncmp(a, shortopt, 2) == 0 && a[2] != '\0' && a[1] != '-') {
		*value = a + 2;
		return 1;
	}
	return 0;
}

int cli_take_config_option(struct cli_ctx *ctx, int argc, char **argv, int *i)
{
	const char *v;
	int r;

	r = cli_option_value(argc, argv, i, "-c", "--config", &v);
	if (r < 0) {
		cli_usage_error(ctx->prog, "%s needs a value (key=value)", argv[*i]);
		return -1;
	}
	if (r > 0) {
		if (strv_push(&ctx->overrides, v) < 0) {
			fprintf(stderr, "%s: error: out of memory\n", ctx->prog);
			return -1;
		}
		++*i;
		return 1;
	}
	/* --enable/--disable FEATURE: shorthands for -c features.FEATURE=true|false. */
	if (strcmp(argv[*i], "--enable") == 0 || strcmp(argv[*i], "--disable") == 0) {
		bool on = argv[*i][2] == 'e';
		if (*i + 1 >= argc) {
			cli_usage_error(ctx->prog, "%s needs a feature name", argv[*i]);
			return -1;
		}
		if (strv_pushf(&ctx->overrides, "features.%s=%s", argv[*i + 1],
			       on ? "true" : "false") < 0) {
			fprintf(stderr, "%s: error: out of memory\n", ctx->prog);
			return -1;
		}
		*i += 2;
		return 1;
	}
	r = cli_option_value(argc, argv, i, "-p", "--profile", &v);
	if (r < 0) {
		cli_usage_error(ctx->prog, "%s needs a profile name", argv[*i]);
		return -1;
	}
	if (r > 0) {
		ctx->profile = v;
		++*i;
		return 1;
	}
	return 0;
}

const struct cli_flag cli_global_flags[] = {
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config.toml value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use the [profiles.<name>] section"},
	{"--enable", NULL, CLI_VALUE_TEXT, NULL, "Turn a feature on"},
	{"--disable", NULL, CLI_VALUE_TEXT, NULL, "Turn a feature off"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{"--version", "-V", CLI_VALUE_NONE, NULL, "Print the version"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};

static void print_help(const char *prog, const struct cli_command *commands)
{
	printf("Codex in C: a coding agent, a sandbox, a network proxy and apply_patch in one "
	       "binary.\n\n");
	printf("Usage: %s [OPTIONS] [PROMPT]            the interactive agent\n", prog);
	printf("       %s [OPTIONS] <COMMAND> [ARGS]\n\n", prog);
	printf("Commands:\n");
	for (size_t k = 0; commands[k].name; k++) {
		char name[64];
		if (commands[k].alias)
			snprintf(name, sizeof name, "%s, %s", commands[k].name, commands[k].alias);
		else
			snprintf(name, sizeof name, "%s", commands[k].name);
		printf("  %-18s %s\n", name, commands[k].summary);
	}
	printf("\nOptions:\n");
	printf("  -c, --config <key=value>  Override a config.toml value (TOML value; "
	       "dotted keys)\n");
	printf("  -p, --profile <name>      Use the [profiles.<name>] section of "
	       "config.toml\n");
	printf("      --enable <FEATURE>    Turn a feature on (-c features.<FEATURE>=true)\n");
	printf("      --disable <FEATURE>   Turn a feature off (-c features.<FEATURE>=false)\n");
	printf("  -h, --help                Print this help\n");
	printf("  -V, --version             Print the version\n");
	printf("\nRun '%s <COMMAND> --help' for the options of a command, and '%s resume "
	       "--help'\nfor the interactive agent's (-m, -s, -a, -C, --full-auto, -i, --oss, "
	       "...).\n", prog, prog);
}

int cli_main(int argc, char **argv, const struct cli_command *commands)
{
	struct cli_ctx ctx = {"codex", STRV_INIT, NULL, commands};
	int i = 1, rc, r;

	while (i < argc) {
		const char *a = argv[i];

		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("codex-cli %s\n", CODEX_VERSION);
			rc = EXIT_OK;
			goto out;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(ctx.prog, commands);
			rc = EXIT_OK;
			goto out;
		}
		r = cli_take_config_option(&ctx, argc, argv, &i);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		break; /* a subcommand, or the interactive agent's options and prompt */
	}
	if (i < argc && argv[i][0] != '-') {
		for (size_t k = 0; commands[k].name; k++) {
			if (strcmp(argv[i], commands[k].name) == 0 ||
			    (commands[k].alias && strcmp(argv[i], commands[k].alias) == 0)) {
				rc = commands[k].main(&ctx, argc - i, argv + i);
				goto out;
			}
		}
	}
	/* No subcommand: the interactive agent, with what is left as its options and
	 * prompt (argv[i - 1] stands in for its argv[0]). */
	rc = cli_tui_main(&ctx, argc - i + 1, argv + i - 1);
out:
	strv_free(&ctx.overrides);
	return rc;
}
