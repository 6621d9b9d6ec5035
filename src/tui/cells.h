/* History cells as styled lines (text.h): the streamed Markdown answer, commands,
 * patches, plans, notices. Pure functions of the agent's event JSON; private to
 * src/tui/. Every string that came from the model or a command goes through
 * tui_sanitize before it is styled. */
#ifndef CODEX_TUI_CELLS_H
#define CODEX_TUI_CELLS_H

#include <stdbool.h>

#include <cJSON.h>

#include "agent/agent.h"
#include "tui/text.h"

/* Command output shown in the main view: head and tail lines around "… +N lines". */
#define CELL_OUTPUT_HEAD 5
#define CELL_OUTPUT_TAIL 5
/* A command the user ran (`!cmd`, "source": "user_shell") shows up to this many output
 * rows, the "… +N lines" row included. */
#define CELL_USER_OUTPUT_ROWS 50
/* A diff in a cell or the approval modal shows at most this many lines. */
#define CELL_DIFF_MAX_LINES 400

/* Markdown state carried from one streamed line to the next. */
struct md_state {
	bool in_code;
	bool first_line;         /* the next line is the message's first: it gets "• " */
	int code_lang;           /* the open code block's enum hl_lang (its fence's word) */
	int code_state;          /* the highlighter's state between its lines */
	unsigned code_lines;     /* its lines so far (past HL_MAX_LINES: no highlighting) */
};

/* Renders one Markdown source line (no '\n', raw model text) to a styled line with
 * the message gutter, appended to out. */
int md_line(struct md_state *st, const char *line, size_t n, struct tui_rows *out) WARN_UNUSED;
/* A whole message (the lines of text). */
int md_message(const char *text, struct tui_rows *out) WARN_UNUSED;

/* "› text" user message on its tinted background. */
int cell_user(const char *text, struct tui_rows *out) WARN_UNUSED;
/* "■ msg" (red), "⚠ msg" (yellow), "• msg" (dim info). */
int cell_error(const char *msg, struct tui_rows *out) WARN_UNUSED;
int cell_warning(const char *msg, struct tui_rows *out) WARN_UNUSED;
int cell_info(const char *msg, struct tui_rows *out) WARN_UNUSED;

/* The command of an exec event for display: "bash -lc X" shown as X. Malloc'ed,
 * sanitised, one line. */
char *cell_command_text(const cJSON *command);
/* "• Running cmd" while it runs. */
int cell_exec_running(const char *cmd, struct tui_rows *out) WARN_UNUSED;
/* The finished command: header ("Ran", or "You ran" for the user's own), folded
 * output, and status with exit code. */
int cell_exec_end(const char *cmd, const cJSON *end_msg, bool full, struct tui_rows *out)
	WARN_UNUSED;
/* A patch's changes ({path: {type, content | unified_diff}}) as "• Edited path (+A -R)"
 * and the coloured diff (at most max_lines body lines; 0 = all); paths inside cwd are
 * shown relative to it. */
int cell_patch(const cJSON *changes, const char *verb, const char *cwd, size_t max_lines,
	       struct tui_rows *out) WARN_UNUSED;
/* A unified diff text (git diff) coloured, for the /diff pager. */
int cell_diff_text(const char *diff, struct tui_rows *out) WARN_UNUSED;
/* A collab event's cell (upstream's multi_agents.rs, agents.c): "• Spawned Euclid",
 * "• Waiting for 2 agents", "• Finished waiting" with each status, ...; spawn_model and
 * spawn_effort are what the last spawn_agent asked for (NULL: nothing). 0, 1 when the
 * event has no cell (the begin events), -1 when memory runs out. */
int cell_collab(enum agent_event_kind kind, const cJSON *m, const char *spawn_model,
		const char *spawn_effort, struct tui_rows *out);
/* update_plan: "• Updated Plan" with the steps. */
int cell_plan(const cJSON *msg, struct tui_rows *out) WARN_UNUSED;

/* Sanitised copy of s (newlines kept or made spaces). Malloc'ed, NULL on no memory. */
char *cell_inert(const char *s, bool keep_newlines);

/* An automatic approval review's verdict (a guardian_assessment event, tui/guardian.c)
 * as upstream words it. 0, or -1 when there is nothing to show (in progress, aborted,
 * no action). */
int cell_guardian(const cJSON *m, struct tui_rows *out);

#endif
