/* /fast and /personality (reference codex-tui.md §9): a preference of the model's
 * requests, applied to the session at once and kept in config.toml (the selected
 * profile's table when there is one), as upstream's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/internal.h"

static const struct {
	const char *name, *label, *desc;
} personalities[] = {
	{"friendly", "Friendly", "Warm, collaborative, and helpful."},
	{"pragmatic", "Pragmatic", "Concise, task-focused, and direct."},
};
#define N_PERSONALITIES (sizeof personalities / sizeof personalities[0])

static void info(struct app *a, const char *msg)
{
	struct tui_rows c = {0};

	if (cell_info(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

bool prefs_fast_on(const struct app *a)
{
	struct agent_info ai;

	agent_info(a->agent, &ai);
	return ai.service_tier && strcmp(ai.service_tier, "fast") == 0;
}

static void set_fast(struct app *a, bool on)
{
	struct agent_overrides ov = {.approval_policy = -1, .sandbox_mode = -1};
	char msg[ERR_MSG_MAX + 64], suffix[160];
	struct err e;

	ov.service_tier = on ? "fast" : "";
	err_clear(&e);
	if (agent_override(a->agent, &ov, &e) < 0) {
		app_error(a, e.msg);
		return;
	}
	/* Off removes the key: the API's default tier then, as upstream writes it. */
	if (tui_config_set_model_key(a, "service_tier", on ? "\"fast\"" : NULL, &e) < 0) {
		snprintf(msg, sizeof msg, "%s%s: %s",
			 a->cfg->profile ? "Failed to save Fast mode for profile " : "Failed to save default Fast mode",
			 a->cfg->profile ? a->cfg->profile : "", e.msg);
		app_error(a, msg);
		return;
	}
	snprintf(msg, sizeof msg, "Fast mode set to %s%s", on ? "on" : "off",
		 tui_profile_suffix(a, suffix, sizeof suffix));
	info(a, msg);
}

void prefs_fast(struct app *a, const char *args)
{
	while (*args == ' ')
		args++;
	if (!*args)
		set_fast(a, !prefs_fast_on(a));
	else if (strcasecmp(args, "on") == 0)
		set_fast(a, true);
	else if (strcasecmp(args, "off") == 0)
		set_fast(a, false);
	else if (strcasecmp(args, "status") == 0)
		info(a, prefs_fast_on(a) ? "Fast mode is on." : "Fast mode is off.");
	else
		app_error(a, "Usage: /fast [on|off|status]");
}

void prefs_personality_open(struct app *a)
{
	struct agent_info ai;
	char msg[512];

	agent_info(a->agent, &ai);
	if (!ai.supports_personality) {
		snprintf(msg, sizeof msg,
			 "Current model (%s) doesn't support personalities. Try /model to pick a "
			 "different model.", ai.model);
		app_error(a, msg);
		return;
	}
	tui_rows_clear(&a->select_items);
	a->select_kind = SELECT_PERSONALITY;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	for (size_t i = 0; i < N_PERSONALITIES; i++) {
		/* Upstream marks Friendly when none is chosen. */
		bool cur = ai.personality ? strcmp(ai.personality, personalities[i].name) == 0 : i == 0;
		char label[64], padded[64];
		/* one column for the names, as upstream's list aligns them */
		snprintf(label, sizeof label, "%s%s", personalities[i].label, cur ? " (current)" : "");
		snprintf(padded, sizeof padded, "%-19s", label);
		select_push(a, padded, "", personalities[i].desc);
		if (cur)
			a->modal_sel = (int)i;
	}
}

void prefs_personality_choose(struct app *a, int idx)
{
	struct agent_overrides ov = {.approval_policy = -1, .sandbox_mode = -1};
	char msg[ERR_MSG_MAX + 64], suffix[160], value[32];
	struct err e;

	if (idx < 0 || (size_t)idx >= N_PERSONALITIES)
		return;
	ov.personality = personalities[idx].name;
	err_clear(&e);
	if (agent_override(a->agent, &ov, &e) < 0) {
		app_error(a, e.msg);
		return;
	}
	snprintf(value, sizeof value, "\"%s\"", personalities[idx].name);
	if (tui_config_set_model_key(a, "personality", value, &e) < 0) {
		snprintf(msg, sizeof msg, "%s%s: %s",
			 a->cfg->profile ? "Failed to save personality for profile " : "Failed to save default personality",
			 a->cfg->profile ? a->cfg->profile : "", e.msg);
		app_error(a, msg);
		return;
	}
	snprintf(msg, sizeof msg, "Personality set to %s%s", personalities[idx].label,
		 tui_profile_suffix(a, suffix, sizeof suffix));
	info(a, msg);
}
