/* Upstream's rate-limit model nudge (reference codex-tui.md §11, [notice]): once a
 * usage window of the codex limit is 90 % used, without workspace credits and on a
 * model other than the cheaper one, the end of the turn offers "Approaching rate
 * limits": switch to gpt-5.1-codex-mini (its default effort, for this session), keep
 * the model, or keep it and never be asked again ([notice]
 * hide_rate_limit_model_nudge = true in config.toml). Asked at most once a session,
 * and only when the catalog lists that model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "model/model.h"
#include "tui/internal.h"

#define NUDGE_THRESHOLD 90.0
#define NUDGE_KEY "hide_rate_limit_model_nudge"

void nudge_load(struct app *a, const struct toml_value *root)
{
	const struct toml_value *notice = root ? toml_table_get(root, "notice") : NULL;
	const struct toml_value *v =
		notice && notice->type == TOML_TABLE ? toml_table_get(notice, NUDGE_KEY) : NULL;

	a->nudge_hidden = v && v->type == TOML_BOOL && v->u.boolean;
}

static bool high(const struct rl_window *w)
{
	return w->set && w->used >= NUDGE_THRESHOLD;
}

void nudge_check(struct app *a)
{
	const struct rate_limits *r = &a->limits;

	if ((high(&r->primary) || high(&r->secondary)) && !(r->credits_set && r->has_credits) &&
	    !a->nudge_hidden && !(a->model && strcmp(a->model, TUI_NUDGE_MODEL) == 0) &&
	    a->nudge != NUDGE_SHOWN)
		a->nudge = NUDGE_PENDING;
}

static const struct model_preset *cheaper_preset(const struct app *a)
{
	if (!a->catalog)
		return NULL;
	for (size_t i = 0; i < a->catalog->n; i++)
		if (strcmp(a->catalog->v[i].slug, TUI_NUDGE_MODEL) == 0)
			return &a->catalog->v[i];
	return NULL;
}

static void open_prompt(struct app *a, const struct model_preset *p)
{
	char name[128];

	tui_rows_clear(&a->select_items);
	snprintf(name, sizeof name, "Switch to %s", p->slug);
	select_push(a, name, "",
		    *p->description ? p->description : "Uses fewer credits for upcoming turns.");
	select_push(a, "Keep current model", "", NULL);
	select_push(a, "Keep current model (never show again)", "",
		    "Hide future rate limit reminders about switching models.");
	a->select_kind = SELECT_NUDGE;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	a->nudge = NUDGE_SHOWN;
	app_dirty(a);
}

void nudge_maybe_show(struct app *a)
{
	const struct model_preset *p;

	if (a->nudge_hidden) {
		a->nudge = NUDGE_IDLE;
		return;
	}
	/* The bottom pane busy (a queued turn started, a prompt is open) or a sub-agent
	 * watched (the switch is the main thread's): the next turn's end asks again. */
	if (a->nudge != NUDGE_PENDING || a->busy || a->modal != MODAL_NONE ||
	    a->agent != a->main_agent)
		return;
	if (!a->catalog) {
		/* Asked for once; its arrival comes back here (models.c). */
		if (!a->catalog_fetching && models_fetch(a) < 0)
			a->nudge = NUDGE_IDLE;
		return;
	}
	if ((p = cheaper_preset(a)))
		open_prompt(a, p);
	else
		a->nudge = NUDGE_IDLE;
}

void nudge_choose(struct app *a, int idx)
{
	const struct model_preset *p = cheaper_preset(a);
	struct err e;

	if (idx == 0 && p) {
		/* For this session, as upstream: config.toml keeps the user's model. */
		if (models_switch(a, p->slug, p->default_effort) < 0)
			return;
	} else if (idx == 2) {
		a->nudge_hidden = true;
		err_clear(&e);
		if (tui_config_set(a, "notice", NUDGE_KEY, "true", &e) < 0) {
			char msg[ERR_MSG_MAX + 64];
			snprintf(msg, sizeof msg, "Failed to save rate limit reminder preference: %s",
				 e.msg);
			app_error(a, msg);
		}
	}
	app_dirty(a);
}
