/* Skills in the TUI (upstream 0.118's chatwidget/skills.rs, skill_popup.rs,
 * skills_toggle_view.rs): the `$` mention popup of the composer, the /skills menu, and
 * the Enable/Disable Skills view whose every toggle is saved to config.toml at once.
 * The skills are the session's (agent_skills); names and descriptions come from files
 * anyone could write, so they are shown inert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/internal.h"

/* Rows a list shows at once (upstream's MAX_POPUP_ROWS). */
#define SKILLS_POPUP_ROWS 8

static const struct agent_skills *skills_of(const struct app *a)
{
	return a->agent ? agent_skills(a->agent) : NULL;
}

/* Case-insensitive: 0 prefix, 1 substring, 2 subsequence, -1 no match. */
static int match_rank(const char *name, const char *q)
{
	size_t qn = strlen(q);
	const char *p = name;

	if (!qn || strncasecmp(name, q, qn) == 0)
		return 0;
	if (strcasestr(name, q))
		return 1;
	for (const char *c = q; *c; c++) {
		while (*p && (*p | 0x20) != (*c | 0x20))
			p++;
		if (!*p)
			return -1;
		p++;
	}
	return 2;
}

/* Indexes of the skills matching q (enabled ones only unless all), best first, then in
 * the session's order. Malloc'ed (may be NULL when none). */
static size_t matches(const struct agent_skills *s, const char *q, bool all, size_t **out)
{
	size_t n = 0;

	*out = NULL;
	if (!s || !s->n || !(*out = malloc(s->n * sizeof **out)))
		return 0;
	for (int want = 0; want <= 2; want++)
		for (size_t i = 0; i < s->n; i++)
			if ((all || s->v[i].enabled) && match_rank(s->v[i].name, q) == want)
				(*out)[n++] = i;
	return n;
}

static const char *description_of(const struct agent_skill *s)
{
	return s->short_description ? s->short_description : s->description;
}

/* The first row shown so that sel is visible. */
static size_t window_top(int sel)
{
	return sel >= SKILLS_POPUP_ROWS ? (size_t)sel - SKILLS_POPUP_ROWS + 1 : 0;
}

static void push_cut(struct tui_rows *rows, const char *line, int width)
{
	char *cut = tui_truncate(line, strlen(line), width - 1);

	if (cut)
		(void)!tui_rows_push(rows, cut, strlen(cut));
	free(cut);
}

void skills_warn_errors(struct app *a)
{
	const struct agent_skills *s = skills_of(a);
	struct tui_rows c = {0};
	char msg[160];

	if (!s || !s->errors.n)
		return;
	snprintf(msg, sizeof msg,
		 "Skipped loading %zu skill(s) due to invalid SKILL.md files.", s->errors.n);
	if (cell_warning(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
	for (size_t i = 0; i < s->errors.n; i++) {
		char *inert = cell_inert(s->errors.v[i], false);
		struct tui_rows w = {0};
		if (inert && cell_warning(inert, &w) == 0)
			app_commit(a, &w);
		tui_rows_free(&w);
		free(inert);
	}
}

/* ---- the `$` popup ------------------------------------------------------------------- */

bool skills_token(const struct app *a, size_t *start, size_t *len)
{
	const struct composer *c = &a->comp;
	const char *t = composer_text(c);
	size_t s = c->cur;

	while (s > 0 && t[s - 1] != ' ' && t[s - 1] != '\n' && t[s - 1] != '\t')
		s--;
	if (t[s] != '$' || s == c->cur)
		return false;
	*start = s;
	*len = c->cur - s;
	return true;
}

/* The popup is open: a `$token` at the cursor, not dismissed with Esc. */
static bool popup_open(struct app *a, char *q, size_t qcap)
{
	size_t at, alen;

	if (!skills_token(a, &at, &alen)) {
		a->skill_dismissed = false;
		return false;
	}
	if (a->skill_dismissed)
		return false;
	snprintf(q, qcap, "%.*s", (int)(alen - 1), composer_text(&a->comp) + at + 1);
	return true;
}

/* One row of the `$` popup: an enabled skill, or (upstream's [App] rows) an installed,
 * enabled ChatGPT app. Strings borrowed from the skills or from apps. */
struct mention {
	const char *name, *desc, *tag;
	const char *insert_name;        /* what follows the '$' */
};

struct mentions {
	struct mention *v;
	size_t n;
	struct agent_apps apps;         /* owned: the apps the rows borrow from */
};

static void mentions_free(struct mentions *ms)
{
	agent_apps_free(&ms->apps);
	free(ms->v);
	memset(ms, 0, sizeof *ms);
}

/* The rows matching q: skills then apps for each match rank, best rank first. */
static void mentions_find(struct app *a, const char *q, struct mentions *ms)
{
	const struct agent_skills *s = skills_of(a);
	struct err e;
	size_t cap;

	memset(ms, 0, sizeof *ms);
	if (a->agent && agent_apps_installed(a->agent, &ms->apps, &e) < 0)
		memset(&ms->apps, 0, sizeof ms->apps); /* the skills alone, as without apps */
	cap = (s ? s->n : 0) + ms->apps.n;
	if (!cap || !(ms->v = malloc(cap * sizeof *ms->v)))
		return;
	for (int want = 0; want <= 2; want++) {
		for (size_t i = 0; s && i < s->n; i++)
			if (s->v[i].enabled && match_rank(s->v[i].name, q) == want)
				ms->v[ms->n++] = (struct mention){s->v[i].name, description_of(&s->v[i]),
								  "[Skill]", s->v[i].name};
		for (size_t i = 0; i < ms->apps.n; i++) {
			const struct agent_app *p = &ms->apps.v[i];
			int r = match_rank(p->name, q), r2;
			if ((r2 = match_rank(p->slug, q)) >= 0 && (r < 0 || r2 < r))
				r = r2;
			if ((r2 = match_rank(p->id, q)) >= 0 && (r < 0 || r2 < r))
				r = r2;
			if (r == want)
				ms->v[ms->n++] = (struct mention){p->name, p->description ? p->description : "",
								  "[App]", p->slug};
		}
	}
}

void skills_popup_rows(struct app *a, struct tui_rows *rows, int width)
{
	struct mentions ms;
	char q[256], line[4096];
	size_t n, top, w = 0;

	if (!popup_open(a, q, sizeof q))
		return;
	mentions_find(a, q, &ms);
	n = ms.n;
	if (a->skill_sel >= (int)n)
		a->skill_sel = n ? (int)n - 1 : 0;
	top = window_top(a->skill_sel);
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		char *name = cell_inert(ms.v[i].name, false);
		size_t nw = name ? tui_text_width(name, strlen(name)) : 0;
		w = nw > w ? nw : w;
		free(name);
	}
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		char *name = cell_inert(ms.v[i].name, false), *desc = cell_inert(ms.v[i].desc, false);
		size_t nw = name ? tui_text_width(name, strlen(name)) : 0;
		snprintf(line, sizeof line, "  %s%s" ST_RESET "%*s  " ST_DIM "%s %s",
			 (int)i == a->skill_sel ? ST_CYAN ST_BOLD : "", name ? name : "",
			 (int)(w - nw), "", ms.v[i].tag, desc ? desc : "");
		push_cut(rows, line, width);
		free(name);
		free(desc);
	}
	if (!n)
		(void)!tui_rows_push(rows, "  " ST_DIM "no matches", strlen("  " ST_DIM "no matches"));
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  Press " ST_DIM "enter" ST_RESET " to insert or " ST_DIM "esc" ST_RESET
		       " to close", width);
	mentions_free(&ms);
}

bool skills_popup_key(struct app *a, const struct key *k)
{
	struct mentions ms;
	char q[256];
	size_t n, at, alen;

	if (k->kind != KEY_UP && k->kind != KEY_DOWN && k->kind != KEY_TAB &&
	    k->kind != KEY_ENTER && k->kind != KEY_ESC)
		return false;
	if (!popup_open(a, q, sizeof q))
		return false;
	if (k->kind == KEY_ESC) {
		a->skill_dismissed = true;
		return true;
	}
	mentions_find(a, q, &ms);
	n = ms.n;
	if (!n) {
		mentions_free(&ms);
		return false;
	}
	if (k->kind == KEY_UP) {
		a->skill_sel = a->skill_sel > 0 ? a->skill_sel - 1 : (int)n - 1;
	} else if (k->kind == KEY_DOWN) {
		a->skill_sel = (a->skill_sel + 1) % (int)n;
	} else if (skills_token(a, &at, &alen)) {
		const char *name = ms.v[a->skill_sel < (int)n ? a->skill_sel : 0].insert_name;
		char *ins = malloc(strlen(name) + 3);
		if (ins) {
			snprintf(ins, strlen(name) + 3, "$%s ", name);
			/* the token (with its '$') goes; the mention takes its place */
			(void)!composer_replace(&a->comp, at, alen, ins);
			free(ins);
		}
		a->skill_sel = 0;
	}
	mentions_free(&ms);
	return true;
}

/* ---- /skills ------------------------------------------------------------------------- */

void skills_open_menu(struct app *a)
{
	static const char *const names[] = {"List skills", "Enable/Disable Skills"};
	static const char *const descs[] = {"Tip: press $ to open this list directly.",
					    "Enable or disable skills."};
	char line[256];

	tui_rows_clear(&a->select_items);
	for (int i = 0; i < 2; i++) {
		snprintf(line, sizeof line, "%-21s  " ST_DIM "%s", names[i], descs[i]);
		(void)!tui_rows_push(&a->select_items, line, strlen(line));
	}
	a->select_kind = SELECT_SKILLS;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
}

static void info(struct app *a, const char *msg)
{
	struct tui_rows c = {0};

	if (cell_info(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

static void open_toggle(struct app *a)
{
	const struct agent_skills *s = skills_of(a);

	if (!s || !s->n) {
		info(a, "No skills available.");
		return;
	}
	free(a->skills_initial);
	if (!(a->skills_initial = calloc(s->n, sizeof *a->skills_initial)))
		return;
	for (size_t i = 0; i < s->n; i++)
		a->skills_initial[i] = s->v[i].enabled;
	a->skills_query[0] = '\0';
	a->modal_sel = 0;
	a->modal = MODAL_SKILLS;
}

void skills_menu_choose(struct app *a, int idx)
{
	if (idx == 0)
		(void)!composer_insert(&a->comp, "$", 1); /* upstream inserts at the cursor */
	else if (idx == 1)
		open_toggle(a);
}

/* ---- Enable/Disable Skills ----------------------------------------------------------- */

void skills_toggle_rows(struct app *a, struct tui_rows *rows, int width)
{
	const struct agent_skills *s = skills_of(a);
	char line[4096];
	size_t *m, n, top, w = 0;

	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  " ST_BOLD "Enable/Disable Skills", width);
	push_cut(rows, "  " ST_DIM "Turn skills on or off. Your changes are saved automatically.",
		 width);
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  " ST_DIM "Type to search skills", width);
	{
		char *q = cell_inert(a->skills_query, false);
		snprintf(line, sizeof line, "  " ST_DIM ">" ST_RESET " %s", q ? q : "");
		push_cut(rows, line, width);
		free(q);
	}
	n = matches(s, a->skills_query, true, &m);
	if (a->modal_sel >= (int)n)
		a->modal_sel = n ? (int)n - 1 : 0;
	top = window_top(a->modal_sel);
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		size_t nw = tui_text_width(s->v[m[i]].name, strlen(s->v[m[i]].name));
		w = nw > w ? nw : w;
	}
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		const struct agent_skill *sk = &s->v[m[i]];
		char *name = cell_inert(sk->name, false), *desc = cell_inert(description_of(sk), false);
		size_t nw = name ? tui_text_width(name, strlen(name)) : 0;
		bool sel = (int)i == a->modal_sel;
		snprintf(line, sizeof line, "%s%s [%s] %s" ST_RESET "%*s  " ST_DIM "%s",
			 sel ? ST_CYAN ST_BOLD : "", sel ? "\xE2\x80\xBA" : " ", sk->enabled ? "x" : " ",
			 name ? name : "", (int)(w - nw), "", desc ? desc : "");
		push_cut(rows, line, width);
		free(name);
		free(desc);
	}
	if (!n)
		push_cut(rows, "  " ST_DIM "no matches", width);
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  Press " ST_DIM "space" ST_RESET " or " ST_DIM "enter" ST_RESET
		       " to toggle; " ST_DIM "esc" ST_RESET " to close", width);
	free(m);
}

/* The view closes: what changed since it opened, as upstream says it. */
static void close_toggle(struct app *a)
{
	const struct agent_skills *s = skills_of(a);
	size_t on = 0, off = 0;
	char msg[128];

	a->modal = MODAL_NONE;
	for (size_t i = 0; s && a->skills_initial && i < s->n; i++)
		if (s->v[i].enabled != a->skills_initial[i]) {
			if (s->v[i].enabled)
				on++;
			else
				off++;
		}
	free(a->skills_initial);
	a->skills_initial = NULL;
	if (!on && !off)
		return;
	snprintf(msg, sizeof msg, "%zu skills enabled, %zu skills disabled", on, off);
	info(a, msg);
}

static void toggle_selected(struct app *a)
{
	const struct agent_skills *s = skills_of(a);
	size_t *m, n = matches(s, a->skills_query, true, &m);
	struct err e;

	if (n && a->modal_sel < (int)n) {
		const struct agent_skill *sk = &s->v[m[a->modal_sel]];
		if (agent_set_skill_enabled(a->agent, sk->path, !sk->enabled, &e) < 0) {
			char msg[1024];
			snprintf(msg, sizeof msg, "Failed to update skill config for %s: %s", sk->path,
				 e.msg);
			app_error(a, msg);
		}
	}
	free(m);
}

void skills_toggle_key(struct app *a, const struct key *k)
{
	size_t *m, n = matches(skills_of(a), a->skills_query, true, &m), len;

	free(m);
	len = strlen(a->skills_query);
	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, (int)n);
		break;
	case KEY_ENTER:
		toggle_selected(a);
		break;
	case KEY_ESC:
		close_toggle(a);
		break;
	case KEY_BACKSPACE:
		if (len) {
			while (len && ((unsigned char)a->skills_query[len - 1] & 0xC0) == 0x80)
				len--;
			a->skills_query[len ? len - 1 : 0] = '\0';
		}
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			close_toggle(a);
		else if (k->cp == 'p' || k->cp == 'n')
			modal_move(a, &(struct key){.kind = k->cp == 'p' ? KEY_UP : KEY_DOWN}, (int)n);
		break;
	case KEY_CHAR:
		if (k->cp == ' ') {
			toggle_selected(a);
		} else if (k->cp > ' ') {
			char u[4];
			int ul = tui_utf8_encode(k->cp, u);
			if (ul > 0 && len + (size_t)ul < sizeof a->skills_query) {
				memcpy(a->skills_query + len, u, (size_t)ul);
				a->skills_query[len + (size_t)ul] = '\0';
				a->modal_sel = 0;
			}
		}
		break;
	default:
		break;
	}
	app_dirty(a);
}
