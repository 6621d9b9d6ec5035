/* `!cmd` in the composer (upstream's user shell commands): the rest of the line runs
 * in the user's shell through the agent (agent_run_user_shell: no sandbox, no
 * approval, idle or during a turn), and its end shows as a "You ran" cell
 * (cell_exec_end). A bare `!` explains itself instead. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cells.h"
#include "tui/internal.h"

/* Upstream's words for a bare `!`: the title and the hint, one info line. */
#define USER_SHELL_HELP "Prefix a command with ! to run it locally Example: !ls"

static void commit(struct app *a, int (*fn)(const char *, struct tui_rows *), const char *msg)
{
	struct tui_rows cell = {0};

	if (fn(msg, &cell) == 0)
		app_commit(a, &cell);
	tui_rows_free(&cell);
}

bool user_shell_submit(struct app *a, const char *text)
{
	const char *p;
	size_t n;
	char *cmd;
	struct err e;

	if (text[0] != '!')
		return false;
	/* As upstream: the command is the rest, trimmed. */
	for (p = text + 1; *p && isspace((unsigned char)*p); p++)
		;
	for (n = strlen(p); n && isspace((unsigned char)p[n - 1]); n--)
		;
	if (!n) {
		commit(a, cell_info, USER_SHELL_HELP);
		return true;
	}
	(void)!tui_rows_push(&a->hist, text, strlen(text)); /* Up brings it back */
	a->hist_pos = -1;
	if (!(cmd = strndup(p, n))) {
		commit(a, cell_error, "out of memory");
		return true;
	}
	if (!a->agent || agent_run_user_shell(a->agent, cmd, &e) < 0)
		commit(a, cell_error, a->agent ? e.msg : "no session is running");
	free(cmd);
	app_dirty(a);
	return true;
}

bool user_shell_running_in(const struct app *a)
{
	for (size_t i = 0; i < a->n_running; i++)
		if (a->running[i].user_shell)
			return true;
	return false;
}
