/* /model: upstream's two-step picker. `Select Model and Effort` lists the catalog (the
 * provider's GET /models, else the built-in list; agent_fetch_models), the current
 * model marked `(current)`; choosing one opens `Select Reasoning Level for <model>` with
 * that model's efforts, its default marked `(default)`. The choice goes to the agent
 * (agent_override) for the next turns and to the footer.
 *
 * The catalog is asked for when /model opens (so sessions that never open it make no
 * request); the models cache answers without a request while it is fresh (five minutes,
 * or until a response names another catalog version), as upstream's picker does. The
 * popup opens when it arrives. The fetch is bounded (model.h), so a /model always ends
 * with a list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "tui/internal.h"

static void commit_cell(struct app *a, bool err, const char *msg)
{
	struct tui_rows c = {0};

	if ((err ? cell_error(msg, &c) : cell_info(msg, &c)) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

/* Names and descriptions come from the server: made inert like all it sends. */
static void open_models(struct app *a)
{
	const struct model_catalog *cat = a->catalog;

	tui_rows_clear(&a->select_items);
	a->select_kind = SELECT_MODEL;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	for (size_t i = 0; i < cat->n; i++) {
		bool cur = a->model && strcmp(a->model, cat->v[i].slug) == 0;
		select_push(a, cat->v[i].display_name, cur ? " (current)" : "", cat->v[i].description);
		if (cur)
			a->modal_sel = (int)i;
	}
	app_dirty(a);
}

static void on_catalog(void *arg, struct model_catalog *cat, const struct err *e)
{
	struct app *a = arg;

	(void)e; /* the built-in list stands in, as upstream's fallback */
	a->catalog_fetching = false;
	if (!cat->n) {
		model_catalog_free(cat);
		a->model_pending = false;
		if (a->nudge == NUDGE_PENDING)
			a->nudge = NUDGE_IDLE; /* no list, no cheaper model to offer */
		migration_catalog(a);  /* nor a successor */
		commit_cell(a, true, "Could not list the models (out of memory).");
		app_dirty(a);
		return;
	}
	if (!a->catalog && !(a->catalog = calloc(1, sizeof *a->catalog))) {
		model_catalog_free(cat);
		a->model_pending = false;
		return;
	}
	model_catalog_free(a->catalog);
	*a->catalog = *cat;
	/* Only when nothing else took the bottom pane meanwhile. */
	if (a->model_pending && a->modal == MODAL_NONE && !a->busy)
		open_models(a);
	a->model_pending = false;
	migration_catalog(a); /* the start-up prompt waits for it */
	nudge_maybe_show(a); /* it may have waited for the list */
	app_dirty(a);
}

static int fetch(struct app *a, bool startup)
{
	struct err e;

	if (a->catalog_fetching)
		return 0;
	if (!a->agent)
		return -1;
	if ((startup ? agent_startup_models(a->agent, on_catalog, a, &e)
		     : agent_fetch_models(a->agent, on_catalog, a, &e)) < 0) {
		commit_cell(a, true, e.msg);
		return -1;
	}
	a->catalog_fetching = true;
	return 0;
}

int models_fetch(struct app *a)
{
	return fetch(a, false);
}

int models_fetch_startup(struct app *a)
{
	return fetch(a, true);
}

void models_open(struct app *a)
{
	a->model_pending = true;
	if (models_fetch(a) < 0)
		a->model_pending = false;
}

/* The preset named by the first step's row idx. */
static const struct model_preset *preset_at(const struct app *a, int idx)
{
	if (!a->catalog || idx < 0 || (size_t)idx >= a->catalog->n)
		return NULL;
	return &a->catalog->v[idx];
}

int models_persist(const struct app *a, const char *effort, struct err *e)
{
	struct buf v;
	int rc = -1;

	buf_init(&v, 4096);
	if (config_edit_quote(&v, a->model) == 0 &&
	    tui_config_set_model_key(a, "model", v.data, e) == 0) {
		buf_reset(&v);
		rc = effort ? (config_edit_quote(&v, effort) < 0
				       ? err_set(e, "out of memory")
				       : tui_config_set_model_key(a, "model_reasoning_effort", v.data, e))
			    : tui_config_set_model_key(a, "model_reasoning_effort", NULL, e);
	} else if (!e->msg[0]) {
		err_set(e, "out of memory");
	}
	buf_free(&v);
	return rc;
}

int models_switch(struct app *a, const char *model, const char *effort)
{
	struct agent_overrides ov = {.approval_policy = -1, .sandbox_mode = -1};
	struct err e;
	char *m, *eff = NULL;

	ov.model = model;
	ov.reasoning_effort = effort;
	if (!(m = strdup(model)) || (effort && !(eff = strdup(effort)))) {
		free(m);
		app_error(a, "out of memory");
		return -1;
	}
	if (agent_override(a->agent, &ov, &e) < 0) {
		free(m);
		free(eff);
		app_error(a, e.msg);
		return -1;
	}
	free(a->model);
	a->model = m;
	if (eff) {
		free(a->effort);
		a->effort = eff;
	}
	return 0;
}

void models_choose(struct app *a, int idx)
{
	const struct model_preset *p;
	const char *effort = NULL;
	struct err e;
	char msg[ERR_MSG_MAX + 64], suffix[160];

	if (a->select_kind == SELECT_MODEL) {
		int sel = 0;
		if (!(p = preset_at(a, idx)))
			return;
		a->picked_preset = idx;
		free(a->picked_model);
		a->picked_model = strdup(p->slug);
		if (!a->picked_model)
			return;
		tui_rows_clear(&a->select_items);
		for (size_t i = 0; i < p->n_efforts; i++) {
			const char *eff = p->efforts[i].effort;
			bool def = p->default_effort && strcmp(p->default_effort, eff) == 0;
			select_push(a, model_effort_label(eff), def ? " (default)" : "",
				 p->efforts[i].description);
			if (def)
				sel = (int)i;
		}
		if (!p->n_efforts)
			goto apply; /* a model without reasoning levels: chosen as it is */
		a->select_kind = SELECT_EFFORT;
		a->modal = MODAL_SELECT;
		a->modal_sel = sel;
		return;
	}
	if (!(p = preset_at(a, a->picked_preset)) || idx < 0 || (size_t)idx >= p->n_efforts)
		return;
	effort = p->efforts[idx].effort;
apply:
	if (models_switch(a, a->picked_model, effort) < 0)
		return;
	free(a->picked_model);
	a->picked_model = NULL;
	/* Kept for the next sessions too, as upstream (config.toml, the profile's table when
	 * one is selected). */
	err_clear(&e);
	if (models_persist(a, effort, &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to save model selection: %s", e.msg);
		commit_cell(a, true, msg);
	}
	snprintf(msg, sizeof msg, "Model changed to %s%s%s%s", a->model, effort ? " " : "",
		 effort ? effort : "", tui_profile_suffix(a, suffix, sizeof suffix));
	commit_cell(a, false, msg);
}

void models_free(struct app *a)
{
	if (a->catalog) {
		model_catalog_free(a->catalog);
		free(a->catalog);
		a->catalog = NULL;
	}
}
