/* /ps and /stop (alias /clean), codex-tui.md §9: the background terminals, that is the
 * exec_command sessions still running after their call was answered (the model reaches
 * them with write_stdin). Both are allowed while a turn runs, as upstream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static void info(struct app *a, const char *msg)
{
	struct tui_rows c = {0};

	if (cell_info(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

/* The command as the exec cells show it ("sleep 60" for bash -lc 'sleep 60'). */
static char *shown_command(char *const *argv)
{
	cJSON *arr = cJSON_CreateArray();
	char *text;

	for (size_t i = 0; arr && argv[i]; i++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(argv[i]))) {
			cJSON_Delete(arr);
			arr = NULL;
		}
	text = arr ? cell_command_text(arr) : NULL;
	cJSON_Delete(arr);
	return text;
}

void terminals_list(struct app *a)
{
	struct agent_terminal t[AGENT_MAX_TERMINALS];
	size_t n = a->agent ? agent_terminals(a->agent, t, AGENT_MAX_TERMINALS) : 0;
	struct tui_rows c = {0};
	char line[4096];

	if (n == 0) {
		info(a, "No background terminals running.");
		return;
	}
	snprintf(line, sizeof line, ST_BOLD "Background terminals" ST_RESET ST_DIM " (%zu)", n);
	(void)!tui_rows_push(&c, line, strlen(line));
	for (size_t i = 0; i < n; i++) {
		char *cmd = shown_command(t[i].argv);
		/* cell_command_text's text is inert (no controls from the model's command) */
		snprintf(line, sizeof line, "  \xE2\x80\xA2 %s " ST_DIM "(session %d)" ST_RESET,
			 cmd ? cmd : "?", t[i].id);
		(void)!tui_rows_push(&c, line, strlen(line));
		free(cmd);
	}
	app_commit(a, &c);
	tui_rows_free(&c);
}

void terminals_stop(struct app *a)
{
	size_t n = a->agent ? agent_stop_terminals(a->agent) : 0;
	char msg[128];

	if (n == 0) {
		info(a, "No background terminals running.");
		return;
	}
	snprintf(msg, sizeof msg, "Stopped %zu background terminal%s.", n, n == 1 ? "" : "s");
	info(a, msg);
}
