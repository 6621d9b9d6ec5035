/* What follows the session card (reference codex-tui.md §3), as upstream 0.118's session
 * info: on a first run (the trust screen was just answered) the "To get started" lines
 * with five commands; otherwise, unless `[tui] show_tooltips = false`, one tip drawn at
 * random from upstream's list ("**Tip:** ..."). Upstream also shows dated promotions and
 * an announcement fetched from GitHub: those are not carried (marketing that expires, and
 * a request at every start). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/internal.h"

/* upstream's tooltips.txt, less the `codex app` line (macOS and Windows only) */
static const char *const tips[] = {
	"Use /compact when the conversation gets long to summarize history and free up context.",
	"Start a fresh idea with /new; the previous session stays in history.",
	"Use /feedback to send logs to the maintainers when something looks off.",
	"Switch models or reasoning effort quickly with /model.",
	"Use /permissions to control when Codex asks for confirmation.",
	"Run /review to get a code review of your current changes.",
	"Use /skills to list available skills or ask Codex to use one.",
	"Use /status to see the current model, approvals, and token usage.",
	"Use /statusline to configure which items appear in the status line.",
	"Use /fork to branch the current chat into a new thread.",
	"Use /init to create an AGENTS.md with project-specific guidance.",
	"Use /mcp to list configured MCP tools.",
	"Use /personality to customize how Codex communicates.",
	"Use /rename to rename your threads for easier thread resuming.",
	"Use the OpenAI docs MCP for API questions; enable it with `codex mcp add "
	"openaiDeveloperDocs --url https://developers.openai.com/mcp`.",
	"Join the OpenAI community Discord: http://discord.gg/openai",
	"Visit the Codex community forum: https://community.openai.com/c/codex/37",
	"You can run any shell command from Codex using `!` (e.g. `!ls`)",
	"Type / to open the command popup; Tab autocompletes slash commands.",
	"When the composer is empty, press Esc to step back and edit your last message; Enter "
	"confirms.",
	"Press Tab to queue a message when a task is running; otherwise it sends immediately "
	"(except `!`).",
	"Paste an image with Ctrl+V to attach it to your next message.",
	"You can resume a previous conversation by running `codex resume`",
};

static const char *const starters[][2] = {
	{"/init", "create an AGENTS.md file with instructions for Codex"},
	{"/status", "show current session configuration"},
	{"/permissions", "choose what Codex is allowed to do"},
	{"/model", "choose what model and reasoning effort to use"},
	{"/review", "review any changes and find issues"},
};

void tips_after_header(struct app *a)
{
	struct tui_rows cell = {0};
	char line[512];

	if (a->first_run) {
		a->first_run = false; /* the next cards (/new, /fork) get a tip */
		static const char intro[] = "  " ST_DIM "To get started, describe a task or try "
					    "one of these commands:";
		(void)!tui_rows_push(&cell, intro, sizeof intro - 1);
		(void)!tui_rows_push(&cell, "", 0);
		for (size_t i = 0; i < sizeof starters / sizeof starters[0]; i++) {
			snprintf(line, sizeof line, "  %s" ST_DIM " - %s", starters[i][0],
				 starters[i][1]);
			(void)!tui_rows_push(&cell, line, strlen(line));
		}
	} else if (a->show_tooltips) {
		unsigned pick = (unsigned)getpid() ^ (unsigned)time(NULL);
		struct md_state st = {.first_line = false}; /* "  " before it, no bullet */
		snprintf(line, sizeof line, "**Tip:** %s", tips[pick % (sizeof tips / sizeof tips[0])]);
		if (md_line(&st, line, strlen(line), &cell) < 0) {
			tui_rows_free(&cell);
			return;
		}
	}
	if (cell.n)
		app_commit(a, &cell);
	tui_rows_free(&cell);
}
