/* The MCP servers' start-up as upstream 0.118's TUI shows it (reference codex-tui.md §3,
 * §7.5): while servers start, the status indicator runs with "Booting MCP server: <name>"
 * (or "Starting MCP servers (<done>/<all>): a, b, c, …" for several), and Esc or Ctrl+C
 * cancels the servers still starting; a server that fails gets its warning at once, and
 * the end of the round sums up what was cancelled and what failed. Only the session's
 * own servers are followed: a sub-agent's start-up is its own business. The servers
 * start while the model migration prompt may still be up, before the session card:
 * warnings wait for the card (app_header_card calls mcp_startup_card_shown). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "tui/internal.h"

/* at most this many names in the several-servers header, then "…" (upstream's) */
#define MCP_HEADER_NAMES 3

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool followed(const struct app *a, const struct agent_event *ev)
{
	return !a->replaying && ev->agent == a->main_agent;
}

static void warn(struct app *a, const char *msg)
{
	if (a->card_shown)
		app_warning(a, msg);
	else if (strv_push(&a->mcp_held, msg) < 0)
		app_warning(a, msg); /* out of memory: shown now rather than lost */
}

void mcp_startup_card_shown(struct app *a)
{
	a->card_shown = true;
	for (size_t i = 0; i < a->mcp_held.n; i++)
		app_warning(a, a->mcp_held.v[i]);
	strv_free(&a->mcp_held);
}

void mcp_startup_update(struct app *a, const struct agent_event *ev)
{
	const char *server = json_get_str(ev->msg, "server");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(ev->msg, "status");
	const char *state = json_get_str(status, "state"), *error;
	char msg[600];

	if (!followed(a, ev) || !server || !state)
		return;
	if (strcmp(state, "starting") == 0) {
		if (strv_find(&a->mcp_starting, server) >= 0 ||
		    strv_push(&a->mcp_starting, server) < 0)
			return;
		if (a->mcp_round++ == 0) {
			a->mcp_started_ms = loop_now(a->loop);
			app_tick_start(a);
		}
	} else {
		long at = strv_find(&a->mcp_starting, server);
		if (at >= 0)
			strv_remove(&a->mcp_starting, (size_t)at);
		if (strcmp(state, "failed") == 0) {
			error = json_get_str(status, "error");
			if (!error || !*error) {
				snprintf(msg, sizeof msg, "MCP client for `%s` failed to start", server);
				error = msg;
			}
			warn(a, error);
		}
	}
	app_dirty(a);
}

/* names: a list of strings or of objects with "server"; NULL when empty, else "a, b"
 * sorted. */
static char *names_joined(const cJSON *names)
{
	struct strv sorted = {0};
	struct buf out;
	const cJSON *x;
	char *s = NULL;

	cJSON_ArrayForEach(x, names) {
		const char *name = cJSON_IsString(x) ? x->valuestring : json_get_str(x, "server");
		if (name && strv_push(&sorted, name) < 0)
			goto done;
	}
	if (!sorted.n)
		goto done;
	qsort(sorted.v, sorted.n, sizeof *sorted.v, by_name);
	buf_init(&out, 64u * 1024);
	for (size_t i = 0; i < sorted.n; i++)
		if (buf_printf(&out, "%s%s", i ? ", " : "", sorted.v[i]) < 0) {
			buf_free(&out);
			goto done;
		}
	s = buf_take(&out);
done:
	strv_free(&sorted);
	return s;
}

void mcp_startup_complete(struct app *a, const struct agent_event *ev)
{
	char *cancelled, *failed;
	char msg[1024];

	if (!followed(a, ev))
		return;
	cancelled = names_joined(cJSON_GetObjectItemCaseSensitive(ev->msg, "cancelled"));
	failed = names_joined(cJSON_GetObjectItemCaseSensitive(ev->msg, "failed"));
	if (cancelled) {
		snprintf(msg, sizeof msg,
			 "MCP startup interrupted. The following servers were not initialized: %s",
			 cancelled);
		warn(a, msg);
	}
	if (failed) {
		snprintf(msg, sizeof msg, "MCP startup incomplete (failed: %s)", failed);
		warn(a, msg);
	}
	free(cancelled);
	free(failed);
	mcp_startup_reset(a);
	app_dirty(a);
}

void mcp_startup_reset(struct app *a)
{
	strv_free(&a->mcp_starting);
	strv_free(&a->mcp_held);
	a->mcp_round = 0;
}

bool mcp_startup_running(const struct app *a)
{
	return a->mcp_starting.n > 0;
}

bool mcp_startup_header(const struct app *a, char *out, size_t n)
{
	char **sorted;
	size_t k = a->mcp_starting.n, len;

	if (!k)
		return false;
	if (a->mcp_round <= 1) {
		snprintf(out, n, "Booting MCP server: %s", a->mcp_starting.v[0]);
		return true;
	}
	sorted = malloc(k * sizeof *sorted);
	if (!sorted) {
		snprintf(out, n, "Starting MCP servers");
		return true;
	}
	memcpy(sorted, a->mcp_starting.v, k * sizeof *sorted);
	qsort(sorted, k, sizeof *sorted, by_name);
	snprintf(out, n, "Starting MCP servers (%zu/%zu): ", a->mcp_round - k, a->mcp_round);
	for (size_t i = 0; i < k && i < MCP_HEADER_NAMES; i++) {
		len = strlen(out);
		snprintf(out + len, n - len, "%s%s", i ? ", " : "", sorted[i]);
	}
	if (k > MCP_HEADER_NAMES) {
		len = strlen(out);
		snprintf(out + len, n - len, ", \xE2\x80\xA6");
	}
	free(sorted);
	return true;
}
