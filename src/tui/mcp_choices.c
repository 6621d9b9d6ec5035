/* The choices of an MCP tool call's approval form (codex-mcp.md §6): Allow, then
 * "Allow for this session" and "Always allow" when the request's _meta.persist offers
 * them ("session", "always"; a string or a list), then Cancel. "Always allow" is the
 * agent's to persist (agent_decide_always). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static const char *const labels[] = {
	[MCP_CHOICE_ALLOW] = "Allow                   Run the tool and continue.",
	[MCP_CHOICE_SESSION] = "Allow for this session  Run the tool and remember this choice for "
			       "this session.",
	[MCP_CHOICE_ALWAYS] = "Always allow            Run the tool and remember this choice for "
			      "future tool calls.",
	[MCP_CHOICE_CANCEL] = "Cancel                  Cancel this tool call"};

const char *mcp_choice_label(enum mcp_choice c)
{
	return labels[c];
}

static bool offers(const cJSON *persist, const char *what)
{
	const cJSON *it;

	if (cJSON_IsString(persist))
		return strcmp(persist->valuestring, what) == 0;
	if (!cJSON_IsArray(persist))
		return false;
	cJSON_ArrayForEach(it, persist)
		if (cJSON_IsString(it) && strcmp(it->valuestring, what) == 0)
			return true;
	return false;
}

size_t mcp_choices(const struct approval *ap, enum mcp_choice out[MCP_CHOICE_COUNT])
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(ap->msg, "_meta");
	const cJSON *persist = cJSON_GetObjectItemCaseSensitive(meta, "persist");
	size_t n = 0;

	out[n++] = MCP_CHOICE_ALLOW;
	if (offers(persist, "session"))
		out[n++] = MCP_CHOICE_SESSION;
	if (offers(persist, "always"))
		out[n++] = MCP_CHOICE_ALWAYS;
	out[n++] = MCP_CHOICE_CANCEL;
	return n;
}

void mcp_always_choose(struct app *a)
{
	struct approval ap;
	const char *id, *srv;
	struct err e;
	struct tui_rows cell = {0};
	char line[512], *sv;

	if (!a->n_approvals)
		return;
	ap = a->approvals[0];
	memmove(a->approvals, a->approvals + 1, (a->n_approvals - 1) * sizeof *a->approvals);
	a->n_approvals--;
	if (!a->n_approvals)
		a->modal = MODAL_NONE;
	a->modal_sel = 0;
	id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ap.msg, "id"));
	srv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ap.msg, "server_name"));
	sv = cell_inert(srv ? srv : "", false);
	snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You allowed the MCP server "
		 ST_BOLD "%s" ST_RESET " to run this tool from now on", sv ? sv : "");
	free(sv);
	(void)!tui_rows_push(&cell, line, strlen(line));
	app_commit(a, &cell);
	tui_rows_free(&cell);
	if (id && a->agent &&
	    agent_decide_always(ap.agent ? ap.agent : a->agent, id, &e) < 0) {
		struct tui_rows c2 = {0};
		if (cell_error(e.msg, &c2) == 0)
			app_commit(a, &c2);
		tui_rows_free(&c2);
	}
	cJSON_Delete(ap.msg);
	app_dirty(a);
}
