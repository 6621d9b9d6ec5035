/* codex completion [bash|zsh|fish]: a completion script for the shell, written from the
 * command table (src/main.c) and each command's flag table, so it lists exactly the
 * commands and options this build has. The scripts complete the command, its options
 * (after a '-'), the value of an option with choices, files or directories, and the
 * words that may follow a command (`login status`, `debug config`). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"

const char *const cli_completion_subcommands[] = {"bash", "zsh", "fish", NULL};
const struct cli_flag cli_completion_flags[] = {
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};

/* Writes s single-quoted for sh-like shells (bash, zsh): ' becomes '\''. */
static void sq(FILE *o, const char *s)
{
	fputc('\'', o);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", o);
		else
			fputc(*s, o);
	fputc('\'', o);
}

/* Single-quoted for fish: \ and ' are escaped inside the quotes. */
static void fq(FILE *o, const char *s)
{
	fputc('\'', o);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', o);
		fputc(*s, o);
	}
	fputc('\'', o);
}

static void words(FILE *o, const char *const *w)
{
	for (size_t i = 0; w && w[i]; i++)
		fprintf(o, "%s%s", i ? " " : "", w[i]);
}

static void flag_names(FILE *o, const struct cli_flag *f)
{
	bool first = true;

	for (; f && f->long_name; f++) {
		fprintf(o, "%s%s", first ? "" : " ", f->long_name);
		if (f->short_name)
			fprintf(o, " %s", f->short_name);
		first = false;
	}
}

/* The case pattern matching "<cmd> <flag>" for each spelling of the command and flag. */
static void sub_flag_pattern(FILE *o, const struct cli_command *c, const struct cli_flag *f)
{
	const char *names[2] = {c ? c->name : "", c ? c->alias : NULL};
	bool first = true;

	for (int n = 0; n < 2; n++) {
		if (n == 1 && !names[1])
			continue;
		fprintf(o, "%s\"%s %s\"", first ? "" : "|", names[n], f->long_name);
		first = false;
		if (f->short_name)
			fprintf(o, "|\"%s %s\"", names[n], f->short_name);
	}
}

static void cmd_pattern(FILE *o, const struct cli_command *c)
{
	fprintf(o, "%s", c->name);
	if (c->alias)
		fprintf(o, "|%s", c->alias);
}

/* The choices of f joined by spaces into buf. */
static const char *join_choices(const struct cli_flag *f, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; f->choices && f->choices[i]; i++) {
		int n = snprintf(buf + o, cap - o, "%s%s", i ? " " : "", f->choices[i]);
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* One case arm per option that takes a value: the pattern, then what emit writes. */
static void value_cases(FILE *o, const struct cli_command *cmds,
			void (*emit)(FILE *, const struct cli_flag *))
{
	const struct cli_command *c = NULL;
	const struct cli_flag *flags = cli_global_flags;

	for (;;) {
		for (const struct cli_flag *f = flags; f && f->long_name; f++) {
			if (f->value == CLI_VALUE_NONE)
				continue;
			fputs("\t", o);
			sub_flag_pattern(o, c, f);
			fputs(")\n\t\t", o);
			emit(o, f);
			fputs("\n\t\treturn ;;\n", o);
		}
		c = c ? c + 1 : cmds;
		if (!c->name)
			return;
		flags = c->flags;
	}
}

/* ---- bash --------------------------------------------------------------------------- */

static void bash_value(FILE *o, const struct cli_flag *f)
{
	char buf[1024];

	switch (f->value) {
	case CLI_VALUE_CHOICE:
		fputs("COMPREPLY=($(compgen -W ", o);
		sq(o, join_choices(f, buf, sizeof buf));
		fputs(" -- \"$cur\"))", o);
		break;
	case CLI_VALUE_FILE:
		fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", o);
		break;
	case CLI_VALUE_DIR:
		fputs("COMPREPLY=($(compgen -d -- \"$cur\"))", o);
		break;
	case CLI_VALUE_TEXT:
	case CLI_VALUE_NONE:
		fputs("COMPREPLY=()", o);
		break;
	}
}

static void gen_bash(FILE *o, const struct cli_command *cmds)
{
	fputs("# bash completion for codex; load with: source <(codex completion bash)\n"
	      "_codex() {\n"
	      "\tlocal cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" sub=\"\" i\n"
	      "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tcase \"${COMP_WORDS[i]}\" in\n"
	      "\t\t-c|--config|-p|--profile) ((i++)) ;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) sub=\"${COMP_WORDS[i]}\"; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\tcase \"$sub $prev\" in\n",
	      o);
	value_cases(o, cmds, bash_value);
	/* Names of commands, flags and words hold no quote: plain single quotes do. */
	fputs("\tesac\n\tlocal opts=\"\" next=\"\"\n\tcase \"$sub\" in\n\t\"\")\n\t\topts='", o);
	flag_names(o, cli_global_flags);
	fputs("'\n\t\tnext='", o);
	for (const struct cli_command *c = cmds; c->name; c++)
		fprintf(o, "%s%s", c == cmds ? "" : " ", c->name);
	fputs("' ;;\n", o);
	for (const struct cli_command *c = cmds; c->name; c++) {
		fputs("\t", o);
		cmd_pattern(o, c);
		fputs(")\n\t\topts='", o);
		flag_names(o, c->flags);
		fputs("'\n\t\tnext='", o);
		words(o, c->subcommands);
		fputs("' ;;\n", o);
	}
	fputs("\tesac\n"
	      "\tif [[ \"$cur\" == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telif [ -n \"$next\" ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$next\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -F _codex codex\n",
	      o);
}

/* ---- zsh ---------------------------------------------------------------------------- */

static void zsh_value(FILE *o, const struct cli_flag *f)
{
	switch (f->value) {
	case CLI_VALUE_CHOICE:
		fputs("compadd --", o);
		for (size_t i = 0; f->choices && f->choices[i]; i++) {
			fputc(' ', o);
			sq(o, f->choices[i]);
		}
		break;
	case CLI_VALUE_FILE:
		fputs("_files", o);
		break;
	case CLI_VALUE_DIR:
		fputs("_files -/", o);
		break;
	case CLI_VALUE_TEXT:
	case CLI_VALUE_NONE:
		fputs(":", o);
		break;
	}
}

/* compadd of flags with their help as descriptions. */
static void zsh_flags(FILE *o, const struct cli_flag *flags)
{
	fputs("\t\tlocal -a fl fd\n\t\tfl=(", o);
	for (const struct cli_flag *f = flags; f && f->long_name; f++) {
		fprintf(o, " %s", f->long_name);
		if (f->short_name)
			fprintf(o, " %s", f->short_name);
	}
	fputs(" )\n\t\tfd=(", o);
	for (const struct cli_flag *f = flags; f && f->long_name; f++) {
		char d[512];
		snprintf(d, sizeof d, "%s  -- %s", f->long_name, f->help ? f->help : "");
		fputc(' ', o);
		sq(o, d);
		if (f->short_name) {
			snprintf(d, sizeof d, "%s  -- %s", f->short_name, f->help ? f->help : "");
			fputc(' ', o);
			sq(o, d);
		}
	}
	fputs(" )\n\t\tcompadd -d fd -a fl ;;\n", o);
}

static void gen_zsh(FILE *o, const struct cli_command *cmds)
{
	fputs("#compdef codex\n"
	      "# zsh completion for codex; load with: source <(codex completion zsh)\n"
	      "_codex() {\n"
	      "\tlocal cur=\"${words[CURRENT]}\" prev=\"${words[CURRENT-1]}\" sub=\"\" i\n"
	      "\tfor ((i = 2; i < CURRENT; i++)); do\n"
	      "\t\tcase \"${words[i]}\" in\n"
	      "\t\t-c|--config|-p|--profile) ((i++)) ;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) sub=\"${words[i]}\"; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\tcase \"$sub $prev\" in\n",
	      o);
	value_cases(o, cmds, zsh_value);
	fputs("\tesac\n\tif [[ \"$cur\" == -* ]]; then\n\t\tcase \"$sub\" in\n\t\t\"\")\n", o);
	zsh_flags(o, cli_global_flags);
	for (const struct cli_command *c = cmds; c->name; c++) {
		fputs("\t\t", o);
		cmd_pattern(o, c);
		fputs(")\n", o);
		zsh_flags(o, c->flags);
	}
	fputs("\t\tesac\n\t\treturn\n\tfi\n\tcase \"$sub\" in\n\t\"\")\n\t\tlocal -a cmds descs\n"
	      "\t\tcmds=(",
	      o);
	for (const struct cli_command *c = cmds; c->name; c++)
		fprintf(o, " %s", c->name);
	fputs(" )\n\t\tdescs=(", o);
	for (const struct cli_command *c = cmds; c->name; c++) {
		char d[512];
		snprintf(d, sizeof d, "%s  -- %s", c->name, c->summary);
		fputc(' ', o);
		sq(o, d);
	}
	fputs(" )\n\t\tcompadd -d descs -a cmds ;;\n", o);
	for (const struct cli_command *c = cmds; c->name; c++) {
		if (!c->subcommands)
			continue;
		fputs("\t", o);
		cmd_pattern(o, c);
		fputs(")\n\t\tcompadd --", o);
		for (size_t i = 0; c->subcommands[i]; i++)
			fprintf(o, " %s", c->subcommands[i]);
		fputs(" ;;\n", o);
	}
	fputs("\t*)\n\t\t_files ;;\n\tesac\n}\n"
	      "if [ \"$funcstack[1]\" = \"_codex\" ]; then\n"
	      "\t_codex \"$@\"\n"
	      "else\n"
	      "\tcompdef _codex codex\n"
	      "fi\n",
	      o);
}

/* ---- fish --------------------------------------------------------------------------- */

static void fish_flags(FILE *o, const char *cond, const struct cli_flag *flags)
{
	char buf[1024];

	for (const struct cli_flag *f = flags; f && f->long_name; f++) {
		fprintf(o, "complete -c codex -n %s -l %s", cond, f->long_name + 2);
		if (f->short_name)
			fprintf(o, " -s %s", f->short_name + 1);
		switch (f->value) {
		case CLI_VALUE_CHOICE:
			fputs(" -x -a ", o);
			fq(o, join_choices(f, buf, sizeof buf));
			break;
		case CLI_VALUE_FILE:
			fputs(" -r -F", o);
			break;
		case CLI_VALUE_DIR:
			fputs(" -x -a '(__fish_complete_directories)'", o);
			break;
		case CLI_VALUE_TEXT:
			fputs(" -x", o);
			break;
		case CLI_VALUE_NONE:
			break;
		}
		if (f->help) {
			fputs(" -d ", o);
			fq(o, f->help);
		}
		fputc('\n', o);
	}
}

static void gen_fish(FILE *o, const struct cli_command *cmds)
{
	fputs("# fish completion for codex; load with: codex completion fish | source\n"
	      "function __codex_sub\n"
	      "\tset -l tokens (commandline -opc)\n"
	      "\tset -e tokens[1]\n"
	      "\tset -l skip 0\n"
	      "\tfor t in $tokens\n"
	      "\t\tif test $skip = 1\n"
	      "\t\t\tset skip 0\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tswitch $t\n"
	      "\t\t\tcase -c --config -p --profile\n"
	      "\t\t\t\tset skip 1\n"
	      "\t\t\tcase '-*'\n"
	      "\t\t\tcase '*'\n"
	      "\t\t\t\techo $t\n"
	      "\t\t\t\treturn\n"
	      "\t\tend\n"
	      "\tend\n"
	      "end\n"
	      "function __codex_no_sub\n"
	      "\tset -l s (__codex_sub)\n"
	      "\ttest (count $s) -eq 0\n"
	      "end\n"
	      "function __codex_sub_is\n"
	      "\tset -l s (__codex_sub)\n"
	      "\tcontains -- \"$s\" $argv\n"
	      "end\n"
	      "complete -c codex -f\n",
	      o);
	fish_flags(o, "__codex_no_sub", cli_global_flags);
	for (const struct cli_command *c = cmds; c->name; c++) {
		fprintf(o, "complete -c codex -n __codex_no_sub -a %s -d ", c->name);
		fq(o, c->summary);
		fputc('\n', o);
	}
	for (const struct cli_command *c = cmds; c->name; c++) {
		char cond[256];
		snprintf(cond, sizeof cond, "'__codex_sub_is %s%s%s'", c->name, c->alias ? " " : "",
			 c->alias ? c->alias : "");
		fish_flags(o, cond, c->flags);
		if (c->subcommands) {
			fprintf(o, "complete -c codex -n %s -a '", cond);
			words(o, c->subcommands);
			fputs("'\n", o);
		} else {
			fprintf(o, "complete -c codex -n %s -F\n", cond);
		}
	}
}

static void completion_usage(const char *prog)
{
	printf("Usage: %s completion [bash|zsh|fish]\n\n", prog);
	printf("Print a shell completion script for codex (default: bash):\n"
	       "  bash:  source <(codex completion bash)   (or save it in\n"
	       "         ~/.local/share/bash-completion/completions/codex)\n"
	       "  zsh:   source <(codex completion zsh)    (or save it as _codex in $fpath)\n"
	       "  fish:  codex completion fish | source    (or save it in\n"
	       "         ~/.config/fish/completions/codex.fish)\n");
}

int cli_completion_main(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *shell = "bash";

	if (argc > 2)
		return cli_usage_error(ctx->prog, "unexpected argument '%s'", argv[2]);
	if (argc == 2) {
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			completion_usage(ctx->prog);
			return EXIT_OK;
		}
		shell = argv[1];
	}
	if (!ctx->commands)
		return EXIT_FAILURE_GENERIC;
	if (strcmp(shell, "bash") == 0)
		gen_bash(stdout, ctx->commands);
	else if (strcmp(shell, "zsh") == 0)
		gen_zsh(stdout, ctx->commands);
	else if (strcmp(shell, "fish") == 0)
		gen_fish(stdout, ctx->commands);
	else
		return cli_usage_error(ctx->prog, "invalid shell '%s': expected bash, zsh or fish",
				       shell);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: error: cannot write the completion script\n", ctx->prog);
		return EXIT_FAILURE_GENERIC;
	}
	return EXIT_OK;
}
