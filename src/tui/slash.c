/* Slash commands (reference codex-tui.md §9): the popup's list, and what each does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/model.h"
#include "tui/internal.h"

/* What /diff reads from git at most. */
#define DIFF_MAX_BYTES (32u << 20)

/* In popup order; hidden ones are dispatched but not listed. */
const struct slash_cmd slash_cmds[] = {
	{"model", "choose what model and reasoning effort to use", false, true, NULL},
	{"fast", "toggle Fast mode to enable fastest inference at 2X plan usage", false, true,
	 "fast_mode"},
	{"permissions", "choose what Codex is allowed to do", false, true, NULL},
	{"experimental", "toggle experimental features", false, true, NULL},
	{"skills", "use skills to improve how Codex performs specific tasks", false, false, NULL},
	{"review", "review my current changes and find issues", false, true, NULL},
	{"rename", "rename the current thread", false, false, NULL},
	{"new", "start a new chat during a conversation", false, true, NULL},
	{"resume", "resume a saved chat", false, true, NULL},
	{"fork", "fork the current chat", false, true, NULL},
	{"init", "create an AGENTS.md file with instructions for Codex", false, true, NULL},
	{"compact", "summarize conversation to prevent hitting the context limit", false, true, NULL},
	{"plan", "switch to Plan mode", false, true, NULL},
	{"collab", "change collaboration mode (experimental)", false, false, NULL},
	{"agent", "switch the active agent thread", false, false, NULL},
	{"diff", "show git diff (including untracked files)", false, false, NULL},
	{"copy", "copy the latest Codex output to your clipboard", false, false, NULL},
	{"mention", "mention a file", false, false, NULL},
	{"status", "show current session configuration and token usage", false, false, NULL},
	{"title", "configure which items appear in the terminal title", false, true, NULL},
	{"statusline", "configure which items appear in the status line", false, true, NULL},
	{"theme", "choose a syntax highlighting theme", false, true, NULL},
	{"mcp", "list configured MCP tools", false, false, NULL},
	{"plugins", "browse plugins", false, false, "plugins"},
	{"logout", "log out of Codex", false, true, NULL},
	{"exit", "exit Codex", false, false, NULL},
	{"feedback", "send logs to maintainers", false, false, NULL},
	{"ps", "list background terminals", false, false, NULL},
	{"stop", "stop all background terminals", false, false, NULL},
	{"clear", "clear the terminal and start a new chat", false, true, NULL},
	{"personality", "choose a communication style for Codex", false, true, "personality"},
	{"subagents", "switch the active agent thread", false, false, NULL},
	{"quit", "exit Codex", true, false, NULL},
	{"approvals", "choose what Codex is allowed to do", true, true, NULL},
	{"clean", "stop all background terminals", true, false, NULL},
	{"apps", "manage apps", true, false, NULL},
	{"debug-config", "show config layers and requirement sources for debugging", true, false,
	 NULL},
	{"debug-m-drop", "", true, false, NULL},
	{"debug-m-update", "", true, false, NULL},
	{NULL, NULL, false, false, NULL},
};

static const char init_prompt[] =
	"Generate a file named AGENTS.md that serves as a contributor guide for this "
	"repository.\nYour goal is to produce a clear, concise, and well-structured document "
	"with descriptive headings and actionable explanations for each section.\nFollow the "
	"outline below, but adapt as needed; add sections if relevant, and omit those that do "
	"not apply to this project.\n\nDocument Requirements\n\n- Title the document "
	"\"Repository Guidelines\".\n- Use Markdown headings (#, ##, etc.) for structure.\n- "
	"Keep the document concise. 200-400 words is optimal.\n- Keep explanations short, "
	"direct, and specific to this repository.\n- Provide examples where helpful (commands, "
	"directory paths, naming patterns).\n- Maintain a professional, instructional tone.\n";

static const char review_prompt[] =
	"Review the current code changes (staged, unstaged, and untracked files) and provide "
	"prioritized findings.";

/* Commands of a feature that is off are not offered (upstream hides them). */
static bool offered(const struct app *a, const struct slash_cmd *c)
{
	return !c->feature || config_feature(a->cfg, c->feature, true);
}

size_t slash_matches(const struct app *a, const char *text, const struct slash_cmd **out,
		     size_t max)
{
	size_t n = 0, len;

	if (text[0] != '/' || strchr(text, ' ') || strchr(text, '\n'))
		return 0;
	text++;
	len = strlen(text);
	/* exact match first, then prefixes; hidden aliases only when typed out */
	for (int pass = 0; pass < 2; pass++)
		for (const struct slash_cmd *c = slash_cmds; c->name; c++) {
			bool exact = strcmp(c->name, text) == 0;
			if (pass == 0 ? !exact : (exact || strncmp(c->name, text, len) != 0 || c->hidden))
				continue;
			if (!offered(a, c))
				continue;
			if (out && n < max)
				out[n] = c;
			n++;
			if (out && n >= max)
				return n;
		}
	return out ? (n < max ? n : max) : n;
}

static void info(struct app *a, const char *msg)
{
	struct tui_rows c = {0};

	if (cell_info(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}


/* Runs argv in cwd, stdout into out (capped), stderr and stdin to /dev/null. The exit
 * status, or -1 when it could not run. */
static int run_capture(const char *const *argv, const char *cwd, struct buf *out)
{
	int p[2], status;
	pid_t pid;
	char chunk[65536];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0)
			_exit(127);
		/* codex-lint: no-cloexec: git's stdin */
		if (dup2(devnull, 0) < 0)
			_exit(127);
		/* codex-lint: no-cloexec: git's stdout, the pipe we read */
		if (dup2(p[1], 1) < 0)
			_exit(127);
		/* codex-lint: no-cloexec: git's stderr */
		if (dup2(devnull, 2) < 0 || chdir(cwd) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n < out->max && buf_append(out, chunk, (size_t)n) < 0)
			break;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void cmd_diff(struct app *a)
{
	const char *inside[] = {"git", "rev-parse", "--is-inside-work-tree", NULL};
	const char *diff[] = {"git", "--no-pager", "diff", "--no-color", "--no-ext-diff", NULL};
	const char *untracked[] = {"git", "ls-files", "--others", "--exclude-standard", "-z", NULL};
	struct buf out, files;
	struct tui_rows rows = {0};

	buf_init(&out, DIFF_MAX_BYTES);
	buf_init(&files, DIFF_MAX_BYTES);
	if (run_capture(inside, a->o->cwd, &out) != 0) {
		info(a, "`/diff` \xE2\x80\x94 _not inside a git repository_");
		goto out;
	}
	buf_reset(&out);
	(void)run_capture(diff, a->o->cwd, &out);
	(void)run_capture(untracked, a->o->cwd, &files);
	for (size_t off = 0; files.data && off < files.len;) {
		const char *f = files.data + off;
		const char *one[] = {"git", "--no-pager", "diff", "--no-color", "--no-index", "--",
				     "/dev/null", f, NULL};
		(void)run_capture(one, a->o->cwd, &out);
		off += strlen(f) + 1;
	}
	if (!out.len) {
		info(a, "No changes detected.");
		goto out;
	}
	if (cell_diff_text(out.data, &rows) == 0) {
		struct tui_rows wrapped = {0};
		for (size_t i = 0; i < rows.n; i++)
			if (tui_wrap(rows.v[i], strlen(rows.v[i]), a->term.cols, 0, &wrapped) < 0)
				break;
		input_open_pager(a, "D I F F", &wrapped);
		tui_rows_free(&wrapped);
	}
out:
	tui_rows_free(&rows);
	buf_free(&out);
	buf_free(&files);
}

void select_push(struct app *a, const char *name, const char *marker, const char *desc)
{
	char line[3 * MODEL_CATALOG_TEXT_MAX];
	char *n = cell_inert(name, false), *d = desc && *desc ? cell_inert(desc, false) : NULL;

	if (d)
		snprintf(line, sizeof line, "%s%s  " ST_DIM "%s" ST_RESET, n ? n : "", marker, d);
	else
		snprintf(line, sizeof line, "%s%s", n ? n : "", marker);
	free(n);
	free(d);
	(void)!tui_rows_push(&a->select_items, line, strlen(line));
}

void select_choose(struct app *a, int idx)
{
	a->modal = MODAL_NONE;
	if (idx < 0 || (size_t)idx >= a->select_items.n || !a->agent)
		return;
	if (a->select_kind == SELECT_MODEL || a->select_kind == SELECT_EFFORT) {
		models_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_PERSONALITY) {
		prefs_personality_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_AGENT) {
		agents_switch(a, (size_t)idx);
		return;
	}
	if (a->select_kind == SELECT_FEEDBACK || a->select_kind == SELECT_FEEDBACK_LOGS) {
		feedback_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_SKILLS) {
		skills_menu_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_NUDGE) {
		nudge_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_FULL_ACCESS) {
		permissions_confirm_choose(a, idx);
		return;
	}
	if (a->select_kind == SELECT_COLLAB || a->select_kind == SELECT_IMPLEMENT) {
		collab_choose(a, idx);
		return;
	}
	permissions_choose(a, idx);
}

static void cmd_mcp(struct app *a)
{
	struct tui_rows c = {0};
	char line[2048];

	if (!a->cfg->n_mcp_servers) {
		info(a, "No MCP servers configured.\n  See the docs to configure them: "
			"https://github.com/openai/codex/blob/main/docs/config.md#mcp_servers");
		return;
	}
	snprintf(line, sizeof line, ST_BOLD "\xF0\x9F\x94\x8C  MCP Tools");
	(void)!tui_rows_push(&c, line, strlen(line));
	for (size_t i = 0; i < a->cfg->n_mcp_servers; i++) {
		const struct config_mcp_server *s = &a->cfg->mcp_servers[i];
		char *name = cell_inert(s->name, false), *what = cell_inert(s->url ? s->url : s->command, false);
		snprintf(line, sizeof line, "  \xE2\x80\xA2 " ST_BOLD "%s" ST_RESET "%s", name ? name : "",
			 s->enabled ? "" : ST_DIM " (disabled)");
		(void)!tui_rows_push(&c, line, strlen(line));
		snprintf(line, sizeof line, "    \xE2\x80\xA2 %s: %s", s->url ? "URL" : "Command", what ? what : "");
		(void)!tui_rows_push(&c, line, strlen(line));
		free(name);
		free(what);
	}
	app_commit(a, &c);
	tui_rows_free(&c);
}

/* /debug-config: upstream's list of the configuration's layers, lowest precedence first:
 * here config.toml (the selected profile is part of it) and the session's flags (-c,
 * -p, -m, ...); there are no requirement sources (requirements.toml, MDM). */
static void cmd_debug_config(struct app *a)
{
	struct tui_rows c = {0};
	char line[4096], *path = cell_inert(a->cfg->config_path, false);
	int n = 0;

	(void)!tui_rows_push(&c, ST_MAGENTA "/debug-config", strlen(ST_MAGENTA "/debug-config"));
	(void)!tui_rows_push(&c, "", 0);
	(void)!tui_rows_push(&c, ST_BOLD "Config layer stack (lowest precedence first):",
			     strlen(ST_BOLD "Config layer stack (lowest precedence first):"));
	if (access(a->cfg->config_path, F_OK) == 0) {
		snprintf(line, sizeof line, "  %d. user (%s) (enabled)", ++n, path ? path : "");
		(void)!tui_rows_push(&c, line, strlen(line));
	}
	snprintf(line, sizeof line, "  %d. session-flags (enabled)", ++n);
	(void)!tui_rows_push(&c, line, strlen(line));
	(void)!tui_rows_push(&c, "", 0);
	(void)!tui_rows_push(&c, ST_BOLD "Requirements:", strlen(ST_BOLD "Requirements:"));
	(void)!tui_rows_push(&c, "  " ST_DIM "<none>", strlen("  " ST_DIM "<none>"));
	app_commit(a, &c);
	tui_rows_free(&c);
	free(path);
}

static void cmd_logout(struct app *a)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/auth.json", a->cfg->codex_home);
	if (unlink(path) < 0 && errno != ENOENT)
		app_error(a, "cannot remove auth.json");
	a->quit = true;
}

bool slash_run(struct app *a, const char *text)
{
	char name[64];
	size_t n = strcspn(text + 1, " \n");
	const struct slash_cmd *c;

	if (n == 0 || n >= sizeof name)
		return false;
	memcpy(name, text + 1, n);
	name[n] = '\0';
	for (c = slash_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0)
			break;
	if (!c->name || !offered(a, c))
		return false;
	if (c->idle_only && a->busy) {
		char msg[128];
		snprintf(msg, sizeof msg, "'/%s' is disabled while a task is in progress.", name);
		app_error(a, msg);
		return true;
	}
	if (strcmp(name, "quit") == 0 || strcmp(name, "exit") == 0) {
		a->quit = true;
	} else if (strcmp(name, "new") == 0) {
		session_restart(a, NULL);
	} else if (strcmp(name, "clear") == 0) {
		session_clear_screen(a);
		session_restart(a, NULL);
	} else if (strcmp(name, "resume") == 0) {
		session_open_picker(a);
	} else if (strcmp(name, "theme") == 0) {
		theme_open(a);
	} else if (strcmp(name, "statusline") == 0 || strcmp(name, "title") == 0) {
		statusline_open(a, name[0] == 't');
	} else if (strcmp(name, "copy") == 0) {
		clipboard_copy_last(a);
	} else if (strcmp(name, "agent") == 0 || strcmp(name, "subagents") == 0) {
		agents_open_picker(a);
	} else if (strcmp(name, "ps") == 0) {
		terminals_list(a);
	} else if (strcmp(name, "stop") == 0 || strcmp(name, "clean") == 0) {
		terminals_stop(a);
	} else if (strcmp(name, "model") == 0) {
		models_open(a);
	} else if (strcmp(name, "fast") == 0) {
		prefs_fast(a, text + 1 + n);
	} else if (strcmp(name, "personality") == 0) {
		prefs_personality_open(a);
	} else if (strcmp(name, "experimental") == 0) {
		experimental_open(a);
	} else if (strcmp(name, "apps") == 0) {
		apps_open(a);
	} else if (strcmp(name, "debug-config") == 0) {
		cmd_debug_config(a);
	} else if (strcmp(name, "debug-m-drop") == 0 || strcmp(name, "debug-m-update") == 0) {
		/* upstream 0.118's own answer: memories are not built there either */
		app_error(a, "Memory maintenance: Not available in TUI yet.");
	} else if (strcmp(name, "feedback") == 0) {
		feedback_open(a);
	} else if (strcmp(name, "approvals") == 0 || strcmp(name, "permissions") == 0) {
		permissions_open(a);
	} else if (strcmp(name, "skills") == 0) {
		skills_open_menu(a);
	} else if (strcmp(name, "plugins") == 0) {
		plugins_open(a);
	} else if (strcmp(name, "diff") == 0) {
		cmd_diff(a);
	} else if (strcmp(name, "status") == 0) {
		ratelimits_status(a);
	} else if (strcmp(name, "mention") == 0) {
		(void)!composer_set(&a->comp, "@");
		return true;
	} else if (strcmp(name, "init") == 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s/AGENTS.md", a->o->cwd);
		if (access(path, F_OK) == 0)
			info(a, "AGENTS.md already exists here. Skipping /init to avoid overwriting it.");
		else
			app_submit(a, "/init", init_prompt);
	} else if (strcmp(name, "review") == 0) {
		const char *args = text + 1 + n;
		while (*args == ' ')
			args++;
		app_submit(a, text, *args ? args : review_prompt);
	} else if (strcmp(name, "compact") == 0) {
		struct err e;
		/* The core's compact op: a summary turn, then context_compacted. */
		if (agent_compact(a->agent, &e) < 0)
			app_error(a, e.msg);
	} else if (strcmp(name, "plan") == 0) {
		collab_plan_command(a, text + 1 + n);
	} else if (strcmp(name, "collab") == 0) {
		collab_open_picker(a);
	} else if (strcmp(name, "mcp") == 0) {
		cmd_mcp(a);
	} else if (strcmp(name, "logout") == 0) {
		cmd_logout(a);
	} else if (strcmp(name, "rename") == 0) {
		thread_rename(a, text + 1 + n);
	} else if (strcmp(name, "fork") == 0) {
		thread_fork(a);
	}
	app_dirty(a);
	return true;
}
