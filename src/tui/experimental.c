/* /experimental (reference codex-tui.md §9): upstream's toggles of its experimental
 * features, saved to config.toml's [features] table, in upstream's order. Guardian
 * Approvals also switches the session (and config.toml) to upstream's matching
 * permissions: on-request, workspace-write, approvals_reviewer = "guardian_subagent";
 * turning it off puts the user back in charge of approvals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static const struct {
	const char *key, *name, *desc;
} features[] = {
	{"js_repl", "JavaScript REPL",
	 "Enable a persistent Node-backed JavaScript REPL for interactive website debugging "
	 "and other inline JavaScript execution capabilities. Requires Node >= v22.22.0 "
	 "installed."},
	{"guardian_approval", "Guardian Approvals",
	 "When Codex needs approval for higher-risk actions (e.g. sandbox escapes or blocked "
	 "network access), route eligible approval requests to a carefully-prompted security "
	 "reviewer subagent rather than blocking the agent on your input. This can consume "
	 "significantly more tokens because it runs a subagent on every approval request."},
	{"prevent_idle_sleep", "Prevent sleep while running",
	 "Keep your computer awake while Codex is running a thread."},
};
#define N_FEATURES (sizeof features / sizeof features[0])

_Static_assert(N_FEATURES <= EXPERIMENTAL_MAX, "EXPERIMENTAL_MAX is too small");

static bool *state_of(struct app *a, size_t i)
{
	/* Prevent sleep acts at once, so the app keeps its state; the others take effect
	 * with the next conversation, which reads config.toml. */
	if (strcmp(features[i].key, "prevent_idle_sleep") == 0)
		return &a->prevent_sleep;
	return &a->feature_saved[i];
}

/* Guardian Approvals on or off, for this session and the next ones (upstream's
 * update_feature_flags): on selects its permissions; off clears approvals_reviewer. */
static int guardian_apply(struct app *a, bool on, struct err *e)
{
	struct agent_overrides ov = {.approval_policy = -1, .sandbox_mode = -1};
	bool was = a->guardian_reviewer;

	if (on) {
		if (permissions_save_reviewer(a, "guardian_subagent", e) < 0 ||
		    tui_config_set_model_key(a, "approval_policy", "\"on-request\"", e) < 0 ||
		    tui_config_set_model_key(a, "sandbox_mode", "\"workspace-write\"", e) < 0)
			return -1;
		ov.approval_policy = APPROVAL_ON_REQUEST;
		ov.sandbox_mode = SANDBOX_MODE_WORKSPACE_WRITE;
		ov.approvals_reviewer = AGENT_REVIEWER_GUARDIAN;
	} else {
		if (permissions_save_reviewer(a, NULL, e) < 0)
			return -1;
		ov.approvals_reviewer = AGENT_REVIEWER_USER;
	}
	if (a->agent && agent_override(a->agent, &ov, e) < 0)
		return -1;
	if (on) {
		a->approval = APPROVAL_ON_REQUEST;
		a->sandbox = SANDBOX_MODE_WORKSPACE_WRITE;
	}
	a->guardian_reviewer = on;
	/* As upstream: the history tells only a change of reviewer. */
	if (was != on) {
		struct tui_rows c = {0};
		if (cell_info(on ? "Permissions updated to Guardian Approvals"
				 : "Permissions updated to Default", &c) == 0)
			app_commit(a, &c);
		tui_rows_free(&c);
	}
	return 0;
}

bool experimental_enabled(struct app *a, const char *key)
{
	for (size_t i = 0; i < N_FEATURES; i++)
		if (strcmp(features[i].key, key) == 0)
			return *state_of(a, i);
	return false;
}

void experimental_load(struct app *a)
{
	for (size_t i = 0; i < N_FEATURES; i++)
		*state_of(a, i) = config_feature(a->cfg, features[i].key, false);
}

void experimental_open(struct app *a)
{
	for (size_t i = 0; i < N_FEATURES; i++)
		a->feature_on[i] = *state_of(a, i);
	a->modal = MODAL_FEATURES;
	a->modal_sel = 0;
}

void experimental_rows(struct app *a, struct tui_rows *rows, int width)
{
	char line[1024];
	size_t name_w = 0;

	for (size_t i = 0; i < N_FEATURES; i++)
		if (strlen(features[i].name) > name_w)
			name_w = strlen(features[i].name);
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line, "  " ST_BOLD "Experimental features");
	(void)!tui_rows_push(rows, line, strlen(line));
	snprintf(line, sizeof line,
		 "  " ST_DIM "Toggle experimental features. Changes are saved to config.toml.");
	(void)!tui_rows_push(rows, line, strlen(line));
	(void)!tui_rows_push(rows, "", 0);
	for (size_t i = 0; i < N_FEATURES; i++) {
		char *cut;
		snprintf(line, sizeof line, "%s[%s] %-*s  " ST_DIM "%s",
			 (int)i == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " ST_RESET : "  ",
			 a->feature_on[i] ? "x" : " ", (int)name_w, features[i].name, features[i].desc);
		cut = tui_truncate(line, strlen(line), width - 1);
		(void)!tui_rows_push(rows, cut ? cut : line, strlen(cut ? cut : line));
		free(cut);
	}
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line,
		 "  " ST_DIM "Press space to select or enter to save for next conversation");
	(void)!tui_rows_push(rows, line, strlen(line));
}

/* The loaded configuration follows the choice, so that a new chat (/new) starts with it,
 * as upstream's does after reloading config.toml. */
static int remember(struct app *a, const char *key, bool on)
{
	struct config_map *m = &a->cfg->features;
	const char *v = on ? "true" : "false";
	char *copy;

	for (size_t i = 0; i < m->keys.n; i++)
		if (strcmp(m->keys.v[i], key) == 0) {
			if (!(copy = strdup(v)))
				return -1;
			free(m->values.v[i]);
			m->values.v[i] = copy;
			return 0;
		}
	return config_map_add(m, key, v);
}

static void save(struct app *a)
{
	char msg[ERR_MSG_MAX + 64];
	struct err e;

	a->modal = MODAL_NONE;
	for (size_t i = 0; i < N_FEATURES; i++) {
		if (a->feature_on[i] == *state_of(a, i))
			continue;
		/* As upstream: turning it off inside a profile would leave the root's reviewer
		 * in force, so it is refused rather than half done; the rest still saves. */
		if (strcmp(features[i].key, "guardian_approval") == 0 && !a->feature_on[i] &&
		    a->cfg->profile && a->cfg->root_approvals_reviewer &&
		    strcmp(a->cfg->root_approvals_reviewer, "user") != 0) {
			app_error(a, "Cannot disable Guardian Approvals in this profile because "
				     "`approvals_reviewer` is configured outside the active profile.");
			continue;
		}
		err_clear(&e);
		if (tui_config_set(a, "features", features[i].key, a->feature_on[i] ? "true" : "false",
				   &e) < 0) {
			snprintf(msg, sizeof msg, "Failed to update experimental features: %s", e.msg);
			app_error(a, msg);
			return;
		}
		if (strcmp(features[i].key, "guardian_approval") == 0 &&
		    guardian_apply(a, a->feature_on[i], &e) < 0) {
			snprintf(msg, sizeof msg, "Failed to update Guardian Approvals: %s", e.msg);
			app_error(a, msg);
			return;
		}
		/* In effect at once, as upstream's inhibitor is. */
		*state_of(a, i) = a->feature_on[i];
		if (remember(a, features[i].key, a->feature_on[i]) < 0) {
			app_error(a, "Failed to update experimental features: out of memory");
			return;
		}
	}
	sleep_inhibit_sync(a);
}

void experimental_key(struct app *a, const struct key *k)
{
	int n = (int)N_FEATURES, c = modal_list_key(a, k, n);

	if (c == '\r')
		save(a);
	else if (c == ' ' && a->modal_sel < n)
		a->feature_on[a->modal_sel] = !a->feature_on[a->modal_sel];
	app_dirty(a);
}
