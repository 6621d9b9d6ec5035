/* codex exec [OPTIONS] [PROMPT]
 * codex exec resume [--last | SESSION_ID] [PROMPT]
 *
 * The agent without a terminal UI: one turn for the prompt, the progress on stderr
 * and the final message on stdout (or --json: upstream's JSONL on stdout). Approvals
 * are never asked for (approval_policy is `never`): what would need one is refused
 * and the model is told why. Exit status: 0 the turn completed; 1 it failed (a model
 * or setup error, an interrupt) or the input was bad; 2 usage. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agent/agent.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/loop.h"
#include "cli/cli.h"
#include "config/config.h"
#include "exec/exec.h"

/* --output-schema files and a prompt on stdin: real ones are a few KiB. */
#define SCHEMA_MAX_BYTES (1024u * 1024)
#define PROMPT_MAX_BYTES (16u * 1024 * 1024)

static const char *const color_choices[] = {"always", "never", "auto", NULL};
static const char *const sandbox_choices[] = {"read-only", "workspace-write",
					      "danger-full-access", NULL};
static const char *const local_provider_choices[] = {"ollama", "lmstudio", NULL};

const struct cli_flag cli_exec_flags[] = {
	{"--model", "-m", CLI_VALUE_TEXT, NULL, "The model"},
	{"--sandbox", "-s", CLI_VALUE_CHOICE, sandbox_choices, "The sandbox policy"},
	{"--full-auto", NULL, CLI_VALUE_NONE, NULL, "Workspace-write sandbox"},
	{"--dangerously-bypass-approvals-and-sandbox", NULL, CLI_VALUE_NONE, NULL,
	 "No sandbox at all"},
	{"--cd", "-C", CLI_VALUE_DIR, NULL, "Work in DIR"},
	{"--add-dir", NULL, CLI_VALUE_DIR, NULL, "Another writable directory"},
	{"--skip-git-repo-check", NULL, CLI_VALUE_NONE, NULL, "Run outside a git repository"},
	{"--ephemeral", NULL, CLI_VALUE_NONE, NULL, "Keep no session file"},
	{"--image", "-i", CLI_VALUE_FILE, NULL, "Attach images to the prompt"},
	{"--output-schema", NULL, CLI_VALUE_FILE, NULL, "JSON Schema for the final message"},
	{"--output-last-message", "-o", CLI_VALUE_FILE, NULL, "Write the final message to FILE"},
	{"--json", NULL, CLI_VALUE_NONE, NULL, "JSONL events on stdout"},
	{"--color", NULL, CLI_VALUE_CHOICE, color_choices, "Colour on stderr"},
	{"--oss", NULL, CLI_VALUE_NONE, NULL, "Use the local open-source provider"},
	{"--local-provider", NULL, CLI_VALUE_CHOICE, local_provider_choices, "ollama or lmstudio"},
	CLI_CONFIG_FLAGS,
	{"--last", NULL, CLI_VALUE_NONE, NULL, "resume: the newest session in this directory"},
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};
const char *const cli_exec_subcommands[] = {"resume", NULL};

struct exec_flags {
	struct cli_agent_options agent;
	const char *prompt;
	bool skip_git, ephemeral, json;
	const char *output_schema;
	const char *color;
	const char *last_message_file;
	bool resume, resume_last;
	const char *resume_id;
};

static void usage(const char *prog)
{
	printf("Run the agent non-interactively: one task, progress on stderr, the final "
	       "message on stdout.\n\n"
	       "Usage: %s exec [OPTIONS] [PROMPT]\n"
	       "       %s exec resume [--last | SESSION_ID] [PROMPT]\n\n", prog, prog);
	printf("PROMPT is the task; '-' or no PROMPT reads it from stdin. With a PROMPT and a\n"
	       "piped stdin, stdin is appended to it as a <stdin> block.\n\n");
	printf("Options:\n"
	       "  -m, --model <MODEL>              The model (default: config, else "
	       "gpt-5.3-codex)\n"
	       "  -s, --sandbox <MODE>             read-only (default), workspace-write or\n"
	       "                                   danger-full-access\n"
	       "      --full-auto                  Workspace-write sandbox\n"
	       "      --dangerously-bypass-approvals-and-sandbox\n"
	       "                                   No sandbox at all (also --yolo)\n"
	       "  -C, --cd <DIR>                   Work in DIR\n"
	       "      --add-dir <DIR>              Another writable directory (repeatable)\n"
	       "      --skip-git-repo-check        Run outside a git repository too\n"
	       "      --ephemeral                  Keep no session file\n"
	       "  -i, --image <FILE>[,FILE...]     Attach images to the prompt\n"
	       "      --output-schema <FILE>       JSON Schema the final message must follow\n"
	       "  -o, --output-last-message <FILE> Write the final message to FILE\n"
	       "      --json                       JSONL events on stdout\n"
	       "      --color <always|never|auto>  Colour on stderr (default auto; NO_COLOR)\n"
	       "      --oss                        Use the local open-source provider (Ollama)\n"
	       "      --local-provider <ID>        ollama or lmstudio (with --oss)\n"
	       "  -c, --config <key=value>         Override a config value\n"
	       "  -p, --profile <NAME>             Use [profiles.<NAME>]\n"
	       "      --enable <FEATURE>           Turn a feature on (features.<FEATURE>=true)\n"
	       "      --disable <FEATURE>          Turn a feature off\n"
	       "      --last                       (resume) The newest session started here\n"
	       "  -h, --help                       Print this help\n\n"
	       "Exit status: 0 done; 1 the task failed, was interrupted, or the input was "
	       "bad; 2 usage.\n");
}

/* exec's own valued options: 1 taken (*i on the value), 0 another argument, else minus
 * the exit status (a missing value is a usage error, never an unset value used). */
static int take_valued(struct cli_ctx *ctx, int argc, char **argv, int *i, struct exec_flags *f)
{
	const char *a = argv[*i], *v;
	int r;

	if ((r = cli_option_value(argc, argv, i, "-o", "--output-last-message", &v)) > 0) {
		f->last_message_file = v;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "--output-schema",
						   "--output-schema", &v)) > 0) {
		f->output_schema = v;
	} else if (r == 0 && (r = cli_option_value(argc, argv, i, "--color", "--color", &v)) > 0) {
		if (strcmp(v, "always") && strcmp(v, "never") && strcmp(v, "auto"))
			return -cli_usage_error(ctx->prog, "--color: '%s' is not always, never or "
						"auto", v);
		f->color = v;
	}
	if (r < 0)
		return -cli_usage_error(ctx->prog, "%s needs a value", a);
	return r;
}

static int parse(struct cli_ctx *ctx, int argc, char **argv, struct exec_flags *f)
{
	int i = 1, r;

	if (argc > 1 && strcmp(argv[1], "resume") == 0) {
		f->resume = true;
		i = 2;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(ctx->prog);
			return EXIT_OK + 1000;
		}
		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc)
				f->prompt = argv[++i];
			if (i + 1 < argc)
				return cli_usage_error(ctx->prog, "unexpected argument '%s'", argv[i + 1]);
			break;
		}
		r = cli_take_agent_option(ctx, argc, argv, &i, CLI_AGENT_LOCAL_PROVIDER, &f->agent);
		if (r == 0)
			r = take_valued(ctx, argc, argv, &i, f);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		if (strcmp(a, "--skip-git-repo-check") == 0) {
			f->skip_git = true;
		} else if (strcmp(a, "--ephemeral") == 0) {
			f->ephemeral = true;
		} else if (strcmp(a, "--json") == 0 || strcmp(a, "--experimental-json") == 0) {
			f->json = true;
		} else if (f->resume && strcmp(a, "--last") == 0) {
			f->resume_last = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error(ctx->prog, "unexpected argument '%s'", a);
		} else if (!f->resume && !f->prompt && strcmp(a, "resume") == 0) {
			f->resume = true; /* the subcommand, after exec's options */
		} else if (f->resume && !f->resume_last && !f->resume_id) {
			f->resume_id = a;
		} else if (!f->prompt) {
			f->prompt = a;
		} else {
			return cli_usage_error(ctx->prog, "unexpected argument '%s'", a);
		}
	}
	if (f->resume && !f->resume_last && !f->resume_id)
		return cli_usage_error(ctx->prog, "exec resume needs --last or a SESSION_ID");
	return 0;
}

/* Inside a git work tree: cwd or a parent holds .git (a directory or a file). */
static bool in_git_repo(const char *cwd)
{
	char path[4096];
	size_t n = strlen(cwd);

	if (n >= sizeof path - 8)
		return false;
	memcpy(path, cwd, n + 1);
	for (;;) {
		char *slash;
		size_t len = strlen(path);
		snprintf(path + len, sizeof path - len, "%s.git", len > 1 ? "/" : "");
		if (access(path, F_OK) == 0)
			return true;
		path[len] = '\0';
		slash = strrchr(path, '/');
		if (!slash || len <= 1)
			return false;
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static int read_all_stdin(struct buf *b, struct err *e)
{
	return fd_read_all(STDIN_FILENO, b, "stdin", e);
}

/* The prompt: argv, stdin, or both (stdin appended as a <stdin> block). Malloc'ed. */
static char *resolve_prompt(const struct exec_flags *f, struct err *e)
{
	struct buf in, out;
	bool from_stdin = !f->prompt || strcmp(f->prompt, "-") == 0;
	char *res = NULL;

	buf_init(&in, PROMPT_MAX_BYTES);
	buf_init(&out, PROMPT_MAX_BYTES * 2);
	if (from_stdin) {
		if (isatty(STDIN_FILENO)) {
			err_set(e, "No prompt provided. Either specify one as an argument or pipe "
				   "the prompt into stdin.");
			goto out;
		}
		fprintf(stderr, "Reading prompt from stdin...\n");
		if (read_all_stdin(&in, e) < 0)
			goto out;
		while (in.len && (in.data[in.len - 1] == '\n' || in.data[in.len - 1] == ' '))
			in.data[--in.len] = '\0';
		if (in.len == 0) {
			err_set(e, "No prompt provided via stdin.");
			goto out;
		}
		res = buf_take(&in);
		goto out;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "Reading additional input from stdin...\n");
		if (read_all_stdin(&in, e) < 0)
			goto out;
	}
	if (in.len == 0) {
		res = strdup(f->prompt);
		if (!res)
			err_set(e, "out of memory");
		goto out;
	}
	if (buf_printf(&out, "%s\n\n<stdin>\n%s%s</stdin>", f->prompt, in.data,
		       in.data[in.len - 1] == '\n' ? "" : "\n") < 0) {
		err_set(e, "the prompt and stdin together are over the limit");
		goto out;
	}
	res = buf_take(&out);
out:
	buf_free(&in);
	buf_free(&out);
	return res;
}

static int apply_flags(const struct exec_flags *f, struct config *cfg, struct err *e)
{
	if (f->agent.model) {
		char *m = strdup(f->agent.model);
		if (!m)
			return err_set(e, "out of memory");
		free(cfg->model);
		cfg->model = m;
		if (config_note_flag(cfg, "model", e) < 0)
			return -1;
	}
	if (f->agent.yolo)
		cfg->sandbox_mode = SANDBOX_MODE_DANGER_FULL_ACCESS;
	else if (f->agent.have_sandbox)
		cfg->sandbox_mode = f->agent.sandbox;
	else if (f->agent.full_auto)
		cfg->sandbox_mode = SANDBOX_MODE_WORKSPACE_WRITE;
	/* exec never asks: what needs an approval is refused. */
	cfg->approval_policy = APPROVAL_NEVER;
	return 0;
}

static char *sandbox_text(enum sandbox_mode m, const struct strv *add_dirs)
{
	struct buf b;

	buf_init(&b, 64u << 10);
	if (m != SANDBOX_MODE_WORKSPACE_WRITE)
		return strdup(sandbox_mode_str(m));
	if (buf_puts(&b, "workspace-write [workdir, /tmp, $TMPDIR") < 0)
		goto fail;
	for (size_t i = 0; i < add_dirs->n; i++)
		if (buf_printf(&b, ", %s", add_dirs->v[i]) < 0)
			goto fail;
	if (buf_puts(&b, "]") < 0)
		goto fail;
	return buf_take(&b);
fail:
	buf_free(&b);
	return NULL;
}

static bool want_color(const char *flag)
{
	const char *no = getenv("NO_COLOR");

	if (flag && strcmp(flag, "always") == 0)
		return true;
	if (flag && strcmp(flag, "never") == 0)
		return false;
	return isatty(STDERR_FILENO) && !(no && *no);
}

struct run {
	struct agent *agent;
	struct exec_front *front;
	int sigfd;
	int interrupts;
};

static void on_signal(struct loop *l, int fd, void *arg, unsigned events)
{
	struct run *r = arg;
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		/* The first ^C interrupts the turn cleanly; the agent then ends it. */
		if (r->interrupts++ == 0)
			agent_interrupt(r->agent);
	}
}

int cli_exec_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct exec_flags f;
	struct config *cfg = NULL;
	struct loop *loop = NULL;
	struct agent_options ao;
	struct agent_info info;
	struct exec_header h;
	struct run run = {NULL, NULL, -1, 0};
	struct buf schema;
	struct err e;
	sigset_t sigs;
	char cwd[4096], *prompt = NULL, *sandbox = NULL, *resume_path = NULL;
	int rc = EXIT_FAILURE_GENERIC;

	memset(&f, 0, sizeof f);
	err_clear(&e);
	buf_init(&schema, SCHEMA_MAX_BYTES);
	rc = parse(ctx, argc, argv, &f);
	if (rc == EXIT_OK + 1000) {
		rc = EXIT_OK;
		goto out;
	}
	if (rc != 0)
		goto out;
	rc = EXIT_FAILURE_GENERIC;
	if (cli_agent_enter(ctx, &f.agent, cwd, sizeof cwd, &cfg, &e) < 0)
		goto fail;
	if (apply_flags(&f, cfg, &e) < 0)
		goto fail;
	if (!f.skip_git && !f.agent.yolo && !in_git_repo(cwd)) {
		err_set(&e, "Not inside a trusted directory and --skip-git-repo-check was not "
			    "specified.");
		goto fail;
	}
	if (f.output_schema) {
		cJSON *j;
		if (file_read_all(f.output_schema, &schema, &e) < 0) {
			err_prefix(&e, "cannot read the output schema %s", f.output_schema);
			goto fail;
		}
		j = cJSON_ParseWithLength(schema.data ? schema.data : "", schema.len);
		if (!j) {
			err_set(&e, "the output schema %s is not valid JSON", f.output_schema);
			goto fail;
		}
		cJSON_Delete(j);
	}
	if (f.resume && agent_find_session(cfg, f.resume_id, cwd, &resume_path, &e) < 0)
		goto fail;
	prompt = resolve_prompt(&f, &e);
	if (!prompt)
		goto fail;
	if (loop_new(&loop, &e) < 0)
		goto fail;
	run.front = exec_front_new(f.json, want_color(f.color), stdout, stderr);
	if (!run.front) {
		err_set(&e, "out of memory");
		goto fail;
	}
	memset(&ao, 0, sizeof ao);
	ao.loop = loop;
	ao.cfg = cfg;
	ao.cwd = cwd;
	ao.originator = getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")
				? getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE") : "codex_exec";
	ao.session_source = "exec";
	ao.oss = f.agent.oss;
	ao.codex_api_key_env = true;
	ao.add_dirs = f.agent.add_dirs;
	ao.ephemeral = f.ephemeral;
	ao.resume_path = resume_path;
	ao.output_schema_json = f.output_schema ? (schema.data ? schema.data : "") : NULL;
	{
		struct agent_subscriber sub = exec_front_subscriber(run.front);
		if (agent_new(&ao, &sub, &run.agent, &e) < 0)
			goto fail;
		exec_front_set_agent(run.front, run.agent);
	}
	/* As upstream's exec: the curated plugins' marketplace is brought up to date
	 * in the background (never waited for). */
	agent_plugins_start_curated_sync(cfg);
	/* The resumed session's sub-agents come back with it, as upstream resumes a
	 * thread's open descendants. Without them the session still goes on. */
	if (resume_path && agent_resume_subagents(run.agent, &e) < 0)
		fprintf(stderr, "warning: sub-agents not resumed: %s\n", e.msg);
	agent_info(run.agent, &info);
	sandbox = sandbox_text(info.sandbox, &f.agent.add_dirs);
	h.version = CODEX_VERSION;
	h.workdir = cwd;
	h.model = info.model;
	h.provider = info.provider;
	h.approval = approval_policy_str(info.approval);
	h.sandbox = sandbox ? sandbox : "";
	/* As upstream: what the config says ("none" when it says nothing), not the model
	 * family's default the requests use. */
	h.effort = cfg->model_reasoning_effort ? cfg->model_reasoning_effort : "none";
	h.summaries = cfg->model_reasoning_summary ? cfg->model_reasoning_summary : "none";
	h.prompt = prompt;
	exec_front_header(run.front, &h, agent_thread_id(run.agent));
	/* ^C is an event of the loop. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	run.sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (run.sigfd < 0 || loop_watch(loop, run.sigfd, LOOP_READ, on_signal, &run, &e) < 0) {
		if (run.sigfd < 0)
			err_sys(&e, errno, "cannot watch for ^C");
		goto fail;
	}
	{
		struct agent_user_input in = {prompt, &f.agent.images, NULL, NULL};
		if (agent_submit_turn(run.agent, &in, &e) < 0)
			goto fail;
	}
	while (!exec_front_done(run.front))
		if (loop_run_once(loop, -1, &e) < 0)
			goto fail;
	if (f.last_message_file) {
		const char *msg = exec_front_last_message(run.front);
		if (!msg)
			fprintf(stderr, "warning: no last agent message; wrote empty content to %s\n",
				f.last_message_file);
		if (file_write_atomic(f.last_message_file, msg ? msg : "", msg ? strlen(msg) : 0,
				      0644, &e) < 0)
			goto fail;
	}
	rc = exec_front_failed(run.front) || exec_front_interrupted(run.front)
		     ? EXIT_FAILURE_GENERIC : EXIT_OK;
	goto out;
fail:
	err_print(ctx->prog, &e);
	rc = EXIT_FAILURE_GENERIC;
out:
	agent_free(run.agent);
	exec_front_free(run.front);
	if (run.sigfd >= 0) {
		loop_unwatch(loop, run.sigfd);
		close(run.sigfd);
	}
	loop_free(loop);
	config_free(cfg);
	free(prompt);
	free(sandbox);
	free(resume_path);
	buf_free(&schema);
	cli_agent_options_free(&f.agent);
	return rc;
}
