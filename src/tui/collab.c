/* Collaboration modes in the chat (upstream 0.118: always on): the mode of the next
 * turn (/plan, /collab, Shift+Tab), its footer indicator, the proposed-plan cell of a
 * Plan-mode answer and the "Implement this plan?" prompt that follows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* Upstream's strings (chatwidget.rs). */
#define IMPLEMENT_TITLE "Implement this plan?"
#define IMPLEMENT_MESSAGE "Implement the plan."
#define PLAN_OPEN "<proposed_plan>"
#define PLAN_CLOSE "</proposed_plan>"

/* The modes in upstream's preset order: Shift+Tab and /collab follow it. */
static const enum agent_mode presets[] = {AGENT_MODE_PLAN, AGENT_MODE_DEFAULT};
#define N_PRESETS (sizeof presets / sizeof presets[0])

void collab_set_mode(struct app *a, enum agent_mode m)
{
	/* Plan mode reasons with effort medium (upstream's preset): a change of the effort
	 * with the mode is said, as upstream does. */
	if (m != a->mode && a->effort && strcmp(a->effort, "medium") != 0) {
		char msg[512];
		struct tui_rows c = {0};
		snprintf(msg, sizeof msg, "Model changed to %s %s for %s mode.",
			 a->model ? a->model : "", m == AGENT_MODE_PLAN ? "medium" : a->effort,
			 agent_mode_display(m));
		if (cell_info(msg, &c) == 0)
			app_commit(a, &c);
		tui_rows_free(&c);
	}
	a->mode = m;
	if (a->agent)
		agent_set_mode(a->agent, m);
	app_dirty(a);
}

void collab_cycle(struct app *a)
{
	size_t i = 0;

	while (i < N_PRESETS && presets[i] != a->mode)
		i++;
	collab_set_mode(a, presets[i < N_PRESETS ? (i + 1) % N_PRESETS : 0]);
}

void collab_plan_command(struct app *a, const char *args)
{
	while (*args == ' ')
		args++;
	collab_set_mode(a, AGENT_MODE_PLAN);
	/* `/plan <text>`: the text goes as the first Plan-mode message, shown as typed. */
	if (*args)
		app_submit(a, args, args);
}

void collab_open_picker(struct app *a)
{
	tui_rows_clear(&a->select_items);
	for (size_t i = 0; i < N_PRESETS; i++) {
		char item[64];
		snprintf(item, sizeof item, "%s%s", agent_mode_display(presets[i]),
			 presets[i] == a->mode ? " (current)" : "");
		(void)!tui_rows_push(&a->select_items, item, strlen(item));
		if (presets[i] == a->mode)
			a->modal_sel = (int)i;
	}
	a->select_kind = SELECT_COLLAB;
	a->modal = MODAL_SELECT;
	app_dirty(a);
}

static void open_implement_prompt(struct app *a)
{
	static const char *const items[] = {
		"Yes, implement this plan  " ST_DIM "Switch to Default and start coding.",
		"No, stay in Plan mode     " ST_DIM "Continue planning with the model."};

	tui_rows_clear(&a->select_items);
	for (size_t i = 0; i < 2; i++)
		(void)!tui_rows_push(&a->select_items, items[i], strlen(items[i]));
	a->select_kind = SELECT_IMPLEMENT;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	app_notify(a, "plan-mode-prompt", "Plan mode prompt: " IMPLEMENT_TITLE);
	app_dirty(a);
}

void collab_choose(struct app *a, int idx)
{
	if (a->select_kind == SELECT_COLLAB) {
		if (idx >= 0 && (size_t)idx < N_PRESETS)
			collab_set_mode(a, presets[idx]);
		return;
	}
	/* SELECT_IMPLEMENT: yes switches to Default and asks for the implementation. */
	if (idx == 0) {
		collab_set_mode(a, AGENT_MODE_DEFAULT);
		app_submit(a, IMPLEMENT_MESSAGE, IMPLEMENT_MESSAGE);
	}
}

void collab_footer(const struct app *a, int level, char *out, size_t n)
{
	if (a->mode != AGENT_MODE_PLAN) {
		snprintf(out, n, "%s", a->busy || level > 0 ? "" : "? for shortcuts");
		return;
	}
	/* Upstream hides the cycle hint while a task runs (Shift+Tab does nothing then),
	 * and drops the shortcuts hint, then the cycle hint, when the row is too narrow. */
	if (a->busy || level >= 2)
		snprintf(out, n, ST_MAGENTA "Plan mode");
	else if (level == 1)
		snprintf(out, n, ST_MAGENTA "Plan mode (shift+tab to cycle)");
	else
		snprintf(out, n, "? for shortcuts \xC2\xB7 " ST_MAGENTA "Plan mode (shift+tab to cycle)");
}

/* s (n bytes) is tag once surrounding blanks are left out. */
static bool is_tag(const char *s, size_t n, const char *tag)
{
	size_t tl = strlen(tag);

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n == tl && memcmp(s, tag, tl) == 0;
}

bool collab_plan_line(struct app *a, const char *s, size_t n, struct tui_rows *cell)
{
	if (!a->turn_plan)
		return false;
	if (!a->in_plan && is_tag(s, n, PLAN_OPEN)) {
		a->in_plan = true;
		if (a->any_cell)
			app_commit_line(a, "");
		app_commit_line(a, ST_DIM "\xE2\x80\xA2 " ST_RESET ST_BOLD "Proposed Plan");
		app_commit_line(a, "");
		a->any_cell = true;
		a->md.first_line = false;
		a->md.in_code = false;
		return true;
	}
	if (!a->in_plan)
		return false;
	if (is_tag(s, n, PLAN_CLOSE)) {
		a->in_plan = false;
		a->saw_plan = true;
		a->md.first_line = true; /* text after the plan is a message of its own */
		a->md.in_code = false;
		return true;
	}
	a->md.first_line = false;
	(void)!md_line(&a->md, s, n, cell);
	return true;
}

void collab_turn_over(struct app *a)
{
	bool saw = a->saw_plan;

	a->saw_plan = false;
	a->in_plan = false;
	/* As upstream: only in Plan mode, with nothing queued to go next and no other
	 * prompt open. */
	if (saw && a->mode == AGENT_MODE_PLAN && !a->n_queued && a->modal == MODAL_NONE)
		open_implement_prompt(a);
}
