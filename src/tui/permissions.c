/* /permissions (and its hidden alias /approvals): upstream 0.118's "Update Model
 * Permissions" popup (reference codex-tui.md §9). Its presets pair an approval policy
 * with a sandbox; Read Only is Windows-only there, and the TUI is not built for Windows.
 * With /experimental's Guardian Approvals on, a second Default follows the first: the
 * same permissions, with on-request approvals answered by the reviewer sub-agent
 * (src/agent/guardian.c). Every choice names who reviews approvals from then on, and
 * that is saved to config.toml as upstream saves it; the approval policy and sandbox
 * hold for this session only, as upstream's.
 *
 * Full Access asks first ("Enable full access?", upstream's confirmation) unless
 * [notice] hide_full_access_warning is set: continuing hides the question for the rest
 * of the session, "don't ask again" also saves the notice, and Cancel comes back here.
 * Upstream goes back to its Windows-only approvals popup instead; that one is this
 * popup with Read Only, and the TUI is not built for Windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "tui/internal.h"

#define FULL_ACCESS_NOTICE "hide_full_access_warning"

static const struct preset {
	const char *name, *desc;
	enum approval_policy approval;
	enum sandbox_mode sandbox;
	bool guardian;
} presets[] = {
	{"Default",
	 "Codex can read and edit files in the current workspace, and run commands. Approval "
	 "is required to access the internet or edit other files.",
	 APPROVAL_ON_REQUEST, SANDBOX_MODE_WORKSPACE_WRITE, false},
	{"Guardian Approvals",
	 "Same workspace-write permissions as Default, but eligible `on-request` approvals "
	 "are routed through the guardian reviewer subagent.",
	 APPROVAL_ON_REQUEST, SANDBOX_MODE_WORKSPACE_WRITE, true},
	{"Full Access",
	 "Codex can edit files outside this workspace and access the internet without "
	 "asking for approval. Exercise caution when using.",
	 APPROVAL_NEVER, SANDBOX_MODE_DANGER_FULL_ACCESS, false},
};
#define N_PRESETS (sizeof presets / sizeof presets[0])

/* The presets offered now, in order; returns how many. */
static size_t offered(struct app *a, const struct preset **out)
{
	bool guardian = experimental_enabled(a, "guardian_approval");
	size_t n = 0;

	for (size_t i = 0; i < N_PRESETS; i++)
		if (!presets[i].guardian || guardian)
			out[n++] = &presets[i];
	return n;
}

/* Upstream marks a preset current when the policy and sandbox match and, for the
 * on-request ones, the reviewer too (Full Access asks no one). */
static bool is_current(const struct app *a, const struct preset *p)
{
	return a->approval == p->approval && a->sandbox == p->sandbox &&
	       (p->approval == APPROVAL_NEVER || a->guardian_reviewer == p->guardian);
}

void permissions_load(struct app *a, const struct toml_value *root)
{
	const struct toml_value *notice = root ? toml_table_get(root, "notice") : NULL;
	const struct toml_value *v = notice && notice->type == TOML_TABLE
					     ? toml_table_get(notice, FULL_ACCESS_NOTICE)
					     : NULL;

	a->full_access_warning_hidden = v && v->type == TOML_BOOL && v->u.boolean;
}

void permissions_open(struct app *a)
{
	const struct preset *list[N_PRESETS];
	size_t n = offered(a, list);

	tui_rows_clear(&a->select_items);
	a->select_kind = SELECT_APPROVALS;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	for (size_t i = 0; i < n; i++) {
		bool cur = is_current(a, list[i]);
		select_push(a, list[i]->name, cur ? " (current)" : "", list[i]->desc);
		if (cur)
			a->modal_sel = (int)i;
	}
}

int permissions_save_reviewer(struct app *a, const char *value, struct err *e)
{
	char quoted[64], *copy = NULL;

	if (value) {
		snprintf(quoted, sizeof quoted, "\"%s\"", value);
		if (!(copy = strdup(value)))
			return err_set(e, "out of memory");
	}
	if (tui_config_set_model_key(a, "approvals_reviewer", value ? quoted : NULL, e) < 0) {
		free(copy);
		return -1;
	}
	free(a->cfg->approvals_reviewer);
	a->cfg->approvals_reviewer = copy;
	/* Without a profile the root was written: /experimental reads it from there. */
	if (!a->cfg->profile) {
		char *root = value ? strdup(value) : NULL;
		if (value && !root)
			return err_set(e, "out of memory");
		free(a->cfg->root_approvals_reviewer);
		a->cfg->root_approvals_reviewer = root;
	}
	return 0;
}

/* Puts the preset in force for the session and saves who reviews approvals. */
static void apply(struct app *a, const struct preset *p)
{
	struct agent_overrides ov = {.approval_policy = -1, .sandbox_mode = -1};
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	ov.approval_policy = p->approval;
	ov.sandbox_mode = p->sandbox;
	ov.approvals_reviewer = p->guardian ? AGENT_REVIEWER_GUARDIAN : AGENT_REVIEWER_USER;
	err_clear(&e);
	if (agent_override(a->agent, &ov, &e) < 0) {
		app_error(a, e.msg);
		return;
	}
	a->approval = p->approval;
	a->sandbox = p->sandbox;
	a->guardian_reviewer = p->guardian;
	/* Upstream saves the reviewer with every choice, "user" included; a failure is
	 * reported and the session keeps the choice. */
	if (permissions_save_reviewer(a, p->guardian ? "guardian_subagent" : "user", &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to save approvals reviewer: %s", e.msg);
		app_error(a, msg);
	}
	snprintf(msg, sizeof msg, "Permissions updated to %s", p->name);
	{
		struct tui_rows c = {0};
		if (cell_info(msg, &c) == 0)
			app_commit(a, &c);
		tui_rows_free(&c);
	}
}

static void confirm_full_access(struct app *a)
{
	tui_rows_clear(&a->select_items);
	select_push(a, "Yes, continue anyway", "", "Apply full access for this session");
	select_push(a, "Yes, and don't ask again", "", "Enable full access and remember this choice");
	select_push(a, "Cancel", "", "Go back without enabling full access");
	a->select_kind = SELECT_FULL_ACCESS;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
}

void permissions_choose(struct app *a, int idx)
{
	const struct preset *list[N_PRESETS], *p;
	size_t n = offered(a, list);

	if (idx < 0 || (size_t)idx >= n || !a->agent)
		return;
	p = list[idx];
	/* Nothing changes, not even the history, until the question is answered. */
	if (p->sandbox == SANDBOX_MODE_DANGER_FULL_ACCESS && !a->full_access_warning_hidden) {
		confirm_full_access(a);
		return;
	}
	apply(a, p);
}

void permissions_confirm_choose(struct app *a, int idx)
{
	const struct preset *full = &presets[N_PRESETS - 1];
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	if (idx == 2) {
		permissions_open(a);
		return;
	}
	if (idx != 0 && idx != 1)
		return;
	apply(a, full);
	/* Asked once a session even when not remembered, as upstream. */
	a->full_access_warning_hidden = true;
	err_clear(&e);
	if (idx == 1 && tui_config_set(a, "notice", FULL_ACCESS_NOTICE, "true", &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to save full access confirmation preference: %s",
			 e.msg);
		app_error(a, msg);
	}
}
