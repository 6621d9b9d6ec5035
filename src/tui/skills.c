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

/* One row of the popup (upstream's MentionItem): a plugin or a skill. */
struct mention_item {
	char *display;
	char *desc;
	char *insert;           /* the name after the `$` */
	char *path;             /* "plugin://<id>" for a plugin, NULL for a skill */
	const char *tag;
	int rank;               /* plugins 0, skills 1 (upstream's sort_rank) */
	int match;              /* match_rank of the best search term */
};

static void items_free(struct mention_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].display);
		free(v[i].desc);
		free(v[i].insert);
		free(v[i].path);
	}
	free(v);
}

static int best_match(const char *const *terms, size_t n, const char *q)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		int r = terms[i] ? match_rank(terms[i], q) : -1;
		if (r >= 0 && (best < 0 || r < best))
			best = r;
	}
	return best;
}

/* Upstream's fallback description: "Plugin", or "Plugin · skills · 1 MCP server · 2 apps". */
static char *plugin_desc(const struct agent_plugin_summary *p)
{
	char buf[256];
	size_t k;

	if (p->description)
		return strdup(p->description);
	k = (size_t)snprintf(buf, sizeof buf, "Plugin");
	if (p->has_skills)
		k += (size_t)snprintf(buf + k, sizeof buf - k, " · skills");
	if (p->mcp_servers.n == 1)
		k += (size_t)snprintf(buf + k, sizeof buf - k, " · 1 MCP server");
	else if (p->mcp_servers.n)
		k += (size_t)snprintf(buf + k, sizeof buf - k, " · %zu MCP servers",
				      p->mcp_servers.n);
	if (p->apps.n == 1)
		snprintf(buf + k, sizeof buf - k, " · 1 app");
	else if (p->apps.n)
		snprintf(buf + k, sizeof buf - k, " · %zu apps", p->apps.n);
	return strdup(buf);
}

static int item_cmp(const void *x, const void *y)
{
	const struct mention_item *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	return a->match - b->match;
}

/* The plugins (first, as upstream) and enabled skills matching q, best first, then in
 * the session's order. *out malloc'ed (items_free). */
static size_t mention_items(const struct app *a, const char *q, struct mention_item **out)
{
	const struct agent_skills *s = skills_of(a);
	const struct agent_plugin_summary *ps = NULL;
	struct agent_apps apps = {0};
	struct err e;
	size_t np = 0, n = 0, cap;

	*out = NULL;
	if (a->agent)
		ps = agent_plugin_summaries(a->agent, &np);
	cap = np + (s ? s->n : 0);
	if (!(*out = calloc(cap ? cap : 1, sizeof **out)))
		return 0;
	for (size_t i = 0; i < np; i++) {
		const struct agent_plugin_summary *p = &ps[i];
		const char *at = strchr(p->config_name, '@');
		char *name = at ? strndup(p->config_name, (size_t)(at - p->config_name))
				: strdup(p->config_name);
		const char *terms[] = {p->display_name, name, p->config_name, at ? at + 1 : NULL};
		int m = name ? best_match(terms, 4, q) : -1;
		struct mention_item *it = &(*out)[n];
		if (m < 0) {
			free(name);
			continue;
		}
		it->display = strdup(p->display_name);
		it->desc = plugin_desc(p);
		it->insert = name;
		if (asprintf(&it->path, "plugin://%s", p->config_name) < 0)
			it->path = NULL;
		it->tag = "[Plugin]";
		it->rank = 0;
		it->match = m;
		n++;
	}
	for (size_t i = 0; s && i < s->n; i++) {
		struct mention_item *it = &(*out)[n];
		int m;
		if (!s->v[i].enabled || (m = match_rank(s->v[i].name, q)) < 0)
			continue;
		it->display = strdup(s->v[i].name);
		it->desc = strdup(description_of(&s->v[i]));
		it->insert = strdup(s->v[i].name);
		it->tag = "[Skill]";
		it->rank = 1;
		it->match = m;
		n++;
	}
	/* Installed, enabled ChatGPT apps ([App] rows, after the skills of the same rank). */
	if (a->agent && agent_apps_installed(a->agent, &apps, &e) == 0) {
		struct mention_item *grown = n + apps.n > cap ? realloc(*out, (n + apps.n) * sizeof **out)
							     : *out;
		for (size_t i = 0; grown && i < apps.n; i++) {
			const struct agent_app *p = &apps.v[i];
			const char *terms[] = {p->name, p->slug, p->id};
			int m = best_match(terms, 3, q);
			struct mention_item *it;
			*out = grown;
			if (m < 0)
				continue;
			it = &(*out)[n++];
			memset(it, 0, sizeof *it);
			it->display = strdup(p->name);
			it->desc = strdup(p->description ? p->description : "");
			it->insert = strdup(p->slug);
			it->tag = "[App]";
			it->rank = 1;
			it->match = m;
		}
		agent_apps_free(&apps);
	}
	/* A stable sort: insertion, the list is short. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && item_cmp(&(*out)[j - 1], &(*out)[j]) > 0; j--) {
			struct mention_item t = (*out)[j];
			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return n;
}

void skills_popup_rows(struct app *a, struct tui_rows *rows, int width)
{
	struct mention_item *m;
	char q[256], line[4096];
	size_t n, top, w = 0;

	if (!popup_open(a, q, sizeof q))
		return;
	n = mention_items(a, q, &m);
	if (a->skill_sel >= (int)n)
		a->skill_sel = n ? (int)n - 1 : 0;
	top = window_top(a->skill_sel);
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		char *name = cell_inert(m[i].display ? m[i].display : "", false);
		size_t nw = name ? tui_text_width(name, strlen(name)) : 0;
		w = nw > w ? nw : w;
		free(name);
	}
	for (size_t i = top; i < n && i < top + SKILLS_POPUP_ROWS; i++) {
		char *name = cell_inert(m[i].display ? m[i].display : "", false);
		char *desc = cell_inert(m[i].desc ? m[i].desc : "", false);
		size_t nw = name ? tui_text_width(name, strlen(name)) : 0;
		snprintf(line, sizeof line, "  %s%s" ST_RESET "%*s  " ST_DIM "%s%s%s",
			 (int)i == a->skill_sel ? ST_CYAN ST_BOLD : "", name ? name : "",
			 (int)(w - nw), "", m[i].tag, desc && *desc ? " " : "", desc ? desc : "");
		push_cut(rows, line, width);
		free(name);
		free(desc);
	}
	if (!n)
		(void)!tui_rows_push(rows, "  " ST_DIM "no matches", strlen("  " ST_DIM "no matches"));
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  Press " ST_DIM "enter" ST_RESET " to insert or " ST_DIM "esc" ST_RESET
		       " to close", width);
	items_free(m, n);
}

/* Remembers that `$name` stands for path (the latest binding of a name wins). */
static void bind_mention(struct app *a, const char *name, const char *path)
{
	char *tok;
	int at;

	if (asprintf(&tok, "$%s", name) < 0)
		return;
	if ((at = strv_find(&a->mention_names, tok)) >= 0) {
		free(a->mention_paths.v[at]);
		a->mention_paths.v[at] = strdup(path);
		free(tok);
		return;
	}
	if (a->mention_names.n >= MENTION_MAX_BINDINGS || strv_take(&a->mention_names, tok) < 0) {
		free(tok);
		return;
	}
	if (strv_push(&a->mention_paths, path) < 0) {
		free(a->mention_names.v[--a->mention_names.n]);
		a->mention_names.v[a->mention_names.n] = NULL;
	}
}

/* tok appears in text as a whole token (`$name` not followed by a name character). */
static bool has_token(const char *text, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = text; (p = strstr(p, tok)); p += n) {
		char c = p[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == ':'))
			return true;
	}
	return false;
}

void skills_take_mentions(struct app *a, const char *text, struct strv *paths)
{
	for (size_t i = 0; i < a->mention_names.n && i < a->mention_paths.n; i++)
		if (text && has_token(text, a->mention_names.v[i]))
			(void)!strv_push(paths, a->mention_paths.v[i]);
	strv_free(&a->mention_names);
	strv_free(&a->mention_paths);
}

char *skills_link_mentions(const struct app *a, const char *text)
{
	return mention_encode(text, &a->mention_names, &a->mention_paths);
}

void skills_clear_mentions(struct app *a)
{
	strv_free(&a->mention_names);
	strv_free(&a->mention_paths);
}

int skills_set_draft(struct app *a, const char *linked)
{
	struct strv names = STRV_INIT, paths = STRV_INIT;
	char *text = mention_decode(linked, &names, &paths);

	skills_clear_mentions(a);
	if (!text || composer_set(&a->comp, text) < 0) {
		free(text);
		strv_free(&names);
		strv_free(&paths);
		composer_clear(&a->comp);
		return -1;
	}
	free(text);
	a->mention_names = names;
	a->mention_paths = paths;
	return 0;
}

bool skills_popup_key(struct app *a, const struct key *k)
{
	struct mention_item *m;
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
	n = mention_items(a, q, &m);
	if (!n) {
		items_free(m, n);
		return false;
	}
	if (k->kind == KEY_UP) {
		a->skill_sel = a->skill_sel > 0 ? a->skill_sel - 1 : (int)n - 1;
	} else if (k->kind == KEY_DOWN) {
		a->skill_sel = (a->skill_sel + 1) % (int)n;
	} else if (skills_token(a, &at, &alen)) {
		const struct mention_item *it = &m[a->skill_sel < (int)n ? a->skill_sel : 0];
		char *ins;
		if (it->insert && asprintf(&ins, "$%s ", it->insert) >= 0) {
			/* the token (with its '$') goes; the mention takes its place */
			(void)!composer_replace(&a->comp, at, alen, ins);
			free(ins);
			if (it->path)
				bind_mention(a, it->insert, it->path);
		}
		a->skill_sel = 0;
	}
	items_free(m, n);
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
