/* The choices of a network approval (codex-tui.md §8), from the request's
 * available_decisions as upstream: `Yes, just this once` (y), `Yes, and allow this host
 * for this conversation` (a), `Yes, and allow this host in the future` (p), `No, and
 * block this host in the future` (d), `No, and tell Codex what to do differently`
 * (esc, n). The two "future" ones are network policy amendments the agent writes to
 * config.toml (agent_decide_network_rule). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static const char *const labels[] = {
	[NET_CHOICE_ONCE] = "Yes, just this once (y)",
	[NET_CHOICE_SESSION] = "Yes, and allow this host for this conversation (a)",
	[NET_CHOICE_ALLOW_RULE] = "Yes, and allow this host in the future (p)",
	[NET_CHOICE_DENY_RULE] = "No, and block this host in the future (d)",
	[NET_CHOICE_ABORT] = "No, and tell Codex what to do differently (esc)"};

const char *net_choice_label(enum net_choice c)
{
	return labels[c];
}

static int decision_choice(const cJSON *d)
{
	const cJSON *am;
	const char *action;

	if (cJSON_IsString(d)) {
		if (strcmp(d->valuestring, "approved") == 0)
			return NET_CHOICE_ONCE;
		if (strcmp(d->valuestring, "approved_for_session") == 0)
			return NET_CHOICE_SESSION;
		if (strcmp(d->valuestring, "abort") == 0)
			return NET_CHOICE_ABORT;
		return -1;
	}
	am = cJSON_GetObjectItemCaseSensitive(d, "network_policy_amendment");
	am = cJSON_GetObjectItemCaseSensitive(am, "network_policy_amendment");
	action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(am, "action"));
	if (!action)
		return -1;
	if (strcmp(action, "allow") == 0)
		return NET_CHOICE_ALLOW_RULE;
	if (strcmp(action, "deny") == 0)
		return NET_CHOICE_DENY_RULE;
	return -1;
}

size_t net_choices(const struct approval *ap, enum net_choice out[NET_CHOICE_COUNT])
{
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(ap->msg, "available_decisions"), *d;
	bool seen[NET_CHOICE_COUNT] = {false};
	size_t n = 0;

	if (!cJSON_IsArray(ds))
		ds = NULL;
	cJSON_ArrayForEach(d, ds) {
		int c = decision_choice(d);
		if (c >= 0 && !seen[c]) {
			seen[c] = true;
			out[n++] = (enum net_choice)c;
		}
	}
	if (!n) { /* a request that lists none: the three every front end knows */
		out[n++] = NET_CHOICE_ONCE;
		out[n++] = NET_CHOICE_SESSION;
	}
	if (!seen[NET_CHOICE_ABORT] && n < NET_CHOICE_COUNT)
		out[n++] = NET_CHOICE_ABORT; /* Esc always answers */
	return n;
}

bool net_choice_offered(const struct approval *ap, enum net_choice c)
{
	enum net_choice v[NET_CHOICE_COUNT];
	size_t n = net_choices(ap, v);

	for (size_t i = 0; i < n; i++)
		if (v[i] == c)
			return true;
	return false;
}

void net_rule_choose(struct app *a, bool allow)
{
	struct approval ap;
	const char *id;
	struct err e;
	struct tui_rows cell = {0};
	char line[512], *h;

	if (!a->n_approvals)
		return;
	ap = a->approvals[0];
	memmove(a->approvals, a->approvals + 1, (a->n_approvals - 1) * sizeof *a->approvals);
	a->n_approvals--;
	if (!a->n_approvals)
		a->modal = MODAL_NONE;
	a->modal_sel = 0;
	id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ap.msg, "call_id"));
	h = cell_inert(approval_network_host(&ap) ? approval_network_host(&ap) : "", false);
	if (allow)
		snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved network access to "
			 ST_BOLD "%s" ST_RESET " and allowed this host in the future", h ? h : "");
	else
		snprintf(line, sizeof line, ST_RED "\xE2\x9C\x97 " ST_RESET "You blocked network access to "
			 ST_BOLD "%s" ST_RESET " in the future", h ? h : "");
	free(h);
	(void)!tui_rows_push(&cell, line, strlen(line));
	app_commit(a, &cell);
	tui_rows_free(&cell);
	if (id && a->agent &&
	    agent_decide_network_rule(ap.agent ? ap.agent : a->agent, id, allow, &e) < 0) {
		struct tui_rows c2 = {0};
		if (cell_error(e.msg, &c2) == 0)
			app_commit(a, &c2);
		tui_rows_free(&c2);
	}
	cJSON_Delete(ap.msg);
	app_dirty(a);
}
