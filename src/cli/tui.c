/* codex [OPTIONS] [PROMPT]
 * codex resume [--last | --all | SESSION_ID] [OPTIONS] [PROMPT]
 * codex fork [--last | --all | SESSION_ID] [OPTIONS] [PROMPT]
 *
 * The interactive agent (src/tui/). Exit status: 0 normal; 1 fatal (no terminal, a bad
 * config, an unknown session id); 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agent/agent.h"
#include "cli/cli.h"
#include "config/config.h"
#include "tui/tui.h"

static const char *const sandbox_choices[] = {"read-only", "workspace-write",
					      "danger-full-access", NULL};
static const char *const approval_choices[] = {"untrusted", "on-failure", "on-request", "never",
					       NULL};

const struct cli_flag cli_tui_flags[] = {
	{"--model", "-m", CLI_VALUE_TEXT, NULL, "The model"},
	{"--sandbox", "-s", CLI_VALUE_CHOICE, sandbox_choices, "The sandbox policy"},
	{"--ask-for-approval", "-a", CLI_VALUE_CHOICE, approval_choices, "When to ask"},
	{"--full-auto", NULL, CLI_VALUE_NONE, NULL, "-a on-request -s workspace-write"},
	{"--dangerously-bypass-approvals-and-sandbox", NULL, CLI_VALUE_NONE, NULL,
	 "No sandbox, no approvals"},
	{"--cd", "-C", CLI_VALUE_DIR, NULL, "Work in DIR"},
	{"--add-dir", NULL, CLI_VALUE_DIR, NULL, "Another writable directory"},
	{"--image", "-i", CLI_VALUE_FILE, NULL, "Attach images to the first prompt"},
	{"--oss", NULL, CLI_VALUE_NONE, NULL, "Use the local open-source provider"},
	{"--no-alt-screen", NULL, CLI_VALUE_NONE, NULL, "Never use the alternate screen"},
	{"--search", NULL, CLI_VALUE_NONE, NULL, "Live web search"},
	{"--last", NULL, CLI_VALUE_NONE, NULL, "resume: the newest session here"},
	{"--all", NULL, CLI_VALUE_NONE, NULL, "resume: sessions of every directory"},
	{"--config", "-c", CLI_VALUE_TEXT, NULL, "Override a config value (key=value)"},
	{"--profile", "-p", CLI_VALUE_TEXT, NULL, "Use [profiles.<name>]"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};

struct tui_flags {
	struct cli_agent_options agent;
	const char *prompt;
	bool no_alt, resume, fork, last, all;    /* resume: resume or fork */
	const char *resume_id;
	const char *issuer;           /* hidden: the login screen's test issuer */
	int port;                     /* hidden: its callback port */
};

static void usage(bool resume, bool fork)
{
	if (fork)
		printf("Fork a previous interactive session: a new session that starts with its\n"
		       "conversation (the old one stays as it was).\n\n"
		       "Usage: codex fork [OPTIONS] [SESSION_ID] [PROMPT]\n\n"
		       "  SESSION_ID     a session's id (UUID) or name; none: pick one from a list\n"
		       "      --last     the newest session started in this directory\n"
		       "      --all      list the sessions of every directory\n\n");
	else if (resume)
		printf("Resume a previous interactive session.\n\n"
		       "Usage: codex resume [OPTIONS] [SESSION_ID] [PROMPT]\n\n"
		       "  SESSION_ID     a session's id (UUID) or name; none: pick one from a list\n"
		       "      --last     the newest session started in this directory\n"
		       "      --all      list the sessions of every directory\n\n");
	else
		printf("The interactive agent.\n\nUsage: codex [OPTIONS] [PROMPT]\n"
		       "       codex resume [--last | SESSION_ID] [PROMPT]\n"
		       "       codex fork [--last | SESSION_ID] [PROMPT]\n\n");
	printf("Options:\n"
	       "  -m, --model <MODEL>                 The model\n"
	       "  -s, --sandbox <MODE>                read-only, workspace-write or danger-full-access\n"
	       "  -a, --ask-for-approval <POLICY>     untrusted, on-failure, on-request or never\n"
	       "      --full-auto                     -a on-request -s workspace-write\n"
	       "      --dangerously-bypass-approvals-and-sandbox\n"
	       "                                      No sandbox and no approvals\n"
	       "  -C, --cd <DIR>                      Work in DIR\n"
	       "      --add-dir <DIR>                 Another writable directory (repeatable)\n"
	       "  -i, --image <FILE>[,FILE...]        Attach images to the first prompt\n"
	       "      --oss                           Use the local open-source provider\n"
	       "      --no-alt-screen                 Never use the alternate screen\n"
	       "      --search                        Live web search\n"
	       "  -c, --config <key=value>            Override a config value\n"
	       "  -p, --profile <NAME>                Use [profiles.<NAME>]\n"
	       "  -h, --help                          Print this help\n\n"
	       "Exit status: 0 normal; 1 no terminal, a bad configuration or an unknown session; "
	       "2 usage.\n");
}

/* 0 parsed, 1000 help printed, else an exit status. */
static int parse(struct cli_ctx *ctx, int argc, char **argv, struct tui_flags *f)
{
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(f->resume, f->fork);
			return 1000;
		}
		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc && !f->prompt)
				f->prompt = argv[++i];
			continue;
		}
		r = cli_take_agent_option(ctx, argc, argv, &i, CLI_AGENT_APPROVAL, &f->agent);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		if ((strcmp(a, "--experimental_issuer") == 0 ||
		     strcmp(a, "--experimental_port") == 0) && i + 1 < argc) {
			/* hidden, as in `codex login`: the login screen against a test issuer */
			if (a[15] == 'i') {
				f->issuer = argv[++i];
			} else {
				char *end;
				long p = strtol(argv[++i], &end, 10);
				if (*end || p < 1 || p > 65535)
					return cli_usage_error(ctx->prog, "invalid port '%s'", argv[i]);
				f->port = (int)p;
			}
		} else if (strcmp(a, "--no-alt-screen") == 0) {
			f->no_alt = true;
		} else if (strcmp(a, "--search") == 0) {
			if (strv_push(&ctx->overrides, "web_search=\"live\"") < 0)
				return EXIT_FAILURE_GENERIC;
		} else if (f->resume && strcmp(a, "--last") == 0) {
			f->last = true;
		} else if (f->resume && strcmp(a, "--all") == 0) {
			f->all = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error(ctx->prog, "unexpected argument '%s'", a);
		} else if (f->resume && !f->last && !f->resume_id) {
			f->resume_id = a;
		} else if (!f->prompt) {
			f->prompt = a;
		} else {
			return cli_usage_error(ctx->prog, "unexpected argument '%s'", a);
		}
	}
	return 0;
}

/* TERM=dumb, as upstream: refused without a terminal to ask on, else a warning and a
 * question. True when the UI must not start. */
static bool dumb_terminal_refused(void)
{
	const char *term = getenv("TERM");
	char answer[16];

	if (!term || strcmp(term, "dumb") != 0)
		return false;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		fprintf(stderr, "ERROR: TERM is set to \"dumb\". Refusing to start the interactive "
				"TUI because no terminal is available for a confirmation prompt "
				"(stdin/stderr is not a TTY). Run in a supported terminal or unset "
				"TERM.\n");
		return true;
	}
	fprintf(stderr, "WARNING: TERM is set to \"dumb\". Codex's interactive TUI may not work "
			"in this terminal.\nContinue anyway? [y/N]: ");
	fflush(stderr);
	if (fgets(answer, sizeof answer, stdin) &&
	    (answer[0] == 'y' || answer[0] == 'Y') &&
	    (answer[1] == '\n' || answer[1] == '\0' || strncasecmp(answer, "yes", 3) == 0))
		return false;
	fprintf(stderr, "ERROR: TERM is set to \"dumb\". Refusing to start the interactive TUI. "
			"Run in a supported terminal or unset TERM.\n");
	return true;
}

/* CRLF and lone CR become LF, as upstream does with the prompt. */
static char *normalise_prompt(const char *p)
{
	char *r = strdup(p), *w = r;

	if (!r)
		return NULL;
	for (const char *s = p; *s; s++) {
		if (*s == '\r') {
			*w++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return r;
}

static int run(struct cli_ctx *ctx, int argc, char **argv, bool resume, bool fork)
{
	struct tui_flags f;
	struct config *cfg = NULL;
	struct tui_options o;
	struct err e;
	char cwd[4096], *resume_path = NULL, *prompt = NULL;
	int rc;

	memset(&f, 0, sizeof f);
	memset(&o, 0, sizeof o);
	err_clear(&e);
	f.resume = resume;
	f.fork = fork;
	rc = parse(ctx, argc, argv, &f);
	if (rc == 1000) {
		rc = EXIT_OK;
		goto out;
	}
	if (rc != 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (dumb_terminal_refused())
		goto out;
	/* Upstream checks the terminal before anything else. */
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "Error: stdin is not a terminal\n");
		goto out;
	}
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "Error: stdout is not a terminal\n");
		goto out;
	}
	if (cli_agent_enter(ctx, &f.agent, cwd, sizeof cwd, &cfg, &e) < 0)
		goto fail;
	if (f.agent.model) {
		free(cfg->model);
		cfg->model = strdup(f.agent.model);
		if (!cfg->model || config_note_flag(cfg, "model", &e) < 0)
			goto fail;
	}
	if (f.agent.yolo) {
		cfg->sandbox_mode = SANDBOX_MODE_DANGER_FULL_ACCESS;
		cfg->approval_policy = APPROVAL_NEVER;
	} else if (f.agent.full_auto) {
		cfg->sandbox_mode = SANDBOX_MODE_WORKSPACE_WRITE;
		cfg->approval_policy = APPROVAL_ON_REQUEST;
	}
	if (f.agent.have_sandbox)
		cfg->sandbox_mode = f.agent.sandbox;
	if (f.agent.have_approval)
		cfg->approval_policy = f.agent.approval;
	if (resume && (f.last || f.resume_id)) {
		if (agent_find_session(cfg, f.resume_id, f.all ? NULL : cwd, &resume_path, &e) < 0) {
			if (f.resume_id) {
				err_set(&e, "No saved session found with ID %s. Run `codex %s` without "
					    "an ID to choose from existing sessions.", f.resume_id,
					fork ? "fork" : "resume");
				goto fail;
			}
			resume_path = NULL; /* --last with nothing to resume: a fresh session */
		}
	}
	if (f.prompt) {
		prompt = normalise_prompt(f.prompt);
		if (!prompt) {
			err_set(&e, "out of memory");
			goto fail;
		}
	}
	o.cfg = cfg;
	o.cwd = cwd;
	o.prompt = prompt;
	o.images = f.agent.images;
	o.add_dirs = f.agent.add_dirs;
	o.oss = f.agent.oss;
	o.flags_set_policy = f.agent.have_sandbox || f.agent.have_approval ||
			     f.agent.full_auto || f.agent.yolo;
	o.no_alt_screen = f.no_alt;
	o.resume_path = fork ? NULL : resume_path;
	o.fork_path = fork ? resume_path : NULL;
	o.fork = fork;
	o.resume_picker = resume && !f.last && !f.resume_id;
	o.resume_all = f.all;
	o.login_issuer = f.issuer;
	o.login_port = f.port;
	rc = tui_run(&o, &e);
	if (rc == 1 && e.msg[0]) {
		fprintf(stderr, "ERROR: %s\n", e.msg);
	}
	goto out;
fail:
	fprintf(stderr, "ERROR: %s\n", e.msg);
	rc = EXIT_FAILURE_GENERIC;
out:
	config_free(cfg);
	free(resume_path);
	free(prompt);
	cli_agent_options_free(&f.agent);
	return rc;
}

int cli_tui_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, argc, argv, false, false);
}

int cli_resume_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, argc, argv, true, false);
}

int cli_fork_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, argc, argv, true, true);
}
