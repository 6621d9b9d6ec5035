/* `[tui] theme` at start and the /theme picker (codex-tui.md §9, §13): the built-in
 * themes and the valid .tmTheme files in $CODEX_HOME/themes, sorted by name; moving the
 * selection previews the theme live on a small Rust diff, Enter writes
 * `[tui] theme = "<name>"` to config.toml (edited in place, replaced atomically), Esc
 * and Ctrl+C put back the theme that was on when the picker opened. Typing filters the
 * list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/file.h"
#include "base/limits.h"
#include "config/config.h"
#include "tui/highlight.h"
#include "tui/internal.h"

/* Items shown at once; the list scrolls around the selection. */
#define THEME_PICKER_ROWS 8

static const char fallback_subtitle[] = "Move up/down to live preview themes";

struct preview_row {
	int line_no;
	char kind; /* ' ', '-', '+' */
	const char *code;
};

/* The narrow preview upstream shows under the list: one removed and one added line. */
static const struct preview_row narrow_rows[] = {
	{12, ' ', "fn greet(name: &str) -> String {"},
	{13, '-', "    format!(\"Hello, {}!\", name)"},
	{13, '+', "    format!(\"Hello, {name}!\")"},
	{14, ' ', "}"},
	{0, 0, NULL},
};

/* The wide one, beside the list when the terminal has room for both. */
static const struct preview_row wide_rows[] = {
	{31, ' ', "fn summarize(users: &[User]) -> String {"},
	{32, '-', "    let active = users.iter().filter(|u| u.is_active).count();"},
	{32, '+', "    let active = users.iter().filter(|u| u.is_active()).count();"},
	{33, ' ', "    let names: Vec<&str> = users.iter().map(User::name).take(3).collect();"},
	{34, '-', "    format!(\"{} active: {}\", active, names.join(\", \"))"},
	{34, '+', "    format!(\"{active} active users: {}\", names.join(\", \"))"},
	{35, '+', "        .trim()"},
	{36, ' ', "}"},
	{0, 0, NULL},
};

/* Upstream's layout: the popup is inset 4 columns; the preview takes half of the rest
 * (less a 2-column gap) when that is at least 44 columns and the list keeps 40. */
#define POPUP_INSET 4
#define SIDE_GAP 2
#define SIDE_MIN_WIDTH 44
#define LIST_MIN_WIDTH 40

void theme_startup(struct app *a)
{
	const char *name = a->cfg ? a->cfg->tui.theme : NULL;
	const char *home = a->cfg ? a->cfg->codex_home : NULL;
	struct theme t;
	struct err e;
	char msg[ERR_MSG_MAX + 512];

	if (!name || !*name)
		return; /* the adaptive default, chosen on first use */
	if (themes_builtin_find(name)) {
		themes_set_current(themes_builtin_find(name));
		return;
	}
	err_clear(&e);
	if (themes_load_custom(home, name, &t, &e) == 0) {
		themes_set_current(&t);
		return;
	}
	if (e.errnum == ENOENT || !home)
		snprintf(msg, sizeof msg,
			 "Theme \"%s\" not found. Using the default theme. To use a custom theme, "
			 "place a .tmTheme file at %s/themes/%s.tmTheme.",
			 name, home ? home : "$CODEX_HOME", name);
	else
		snprintf(msg, sizeof msg,
			 "Custom theme \"%s\" at %s/themes/%s.tmTheme could not be loaded (invalid "
			 ".tmTheme format). Falling back to the default theme.",
			 name, home, name);
	free(a->theme_warning);
	a->theme_warning = cell_inert(msg, false);
}

void theme_startup_warning(struct app *a)
{
	struct tui_rows c = {0};

	if (!a->theme_warning)
		return;
	if (cell_warning(a->theme_warning, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
	free(a->theme_warning);
	a->theme_warning = NULL;
}

/* The list's entries the query matches, as indexes into a->themes. */
static size_t visible(const struct app *a, size_t *out, size_t max)
{
	size_t n = 0;

	for (size_t k = 0; k < a->themes.n && n < max; k++)
		if (!a->theme_query[0] || strcasestr(a->themes.names[k], a->theme_query))
			out[n++] = k;
	return n;
}

static void preview_selected(struct app *a)
{
	size_t idx[THEME_LIST_MAX];
	size_t n = visible(a, idx, THEME_LIST_MAX);
	struct theme t;

	if (a->modal_sel < (int)n &&
	    themes_resolve(a->cfg->codex_home, a->themes.names[idx[a->modal_sel]], &t) == 0)
		themes_set_current(&t);
}

/* The name the picker starts on: the configured one when it is available, else the
 * adaptive default. */
static const char *effective_name(const struct app *a)
{
	const char *cfg = a->theme_name;

	for (size_t k = 0; cfg && k < a->themes.n; k++)
		if (strcmp(a->themes.names[k], cfg) == 0)
			return cfg;
	return themes_default_name();
}

void theme_open(struct app *a)
{
	const char *cur;

	themes_list_free(&a->themes);
	if (themes_list(a->cfg->codex_home, &a->themes) < 0) {
		app_error(a, "Failed to list themes: out of memory");
		return;
	}
	a->theme_saved = *themes_current();
	a->theme_query[0] = '\0';
	a->modal_sel = 0;
	cur = effective_name(a);
	for (size_t k = 0; k < a->themes.n; k++)
		if (strcmp(a->themes.names[k], cur) == 0)
			a->modal_sel = (int)k;
	a->modal = MODAL_THEME;
	preview_selected(a);
	app_dirty(a);
}

static void add(struct tui_rows *rows, const char *s)
{
	(void)!tui_rows_push(rows, s, strlen(s));
}

/* One preview row as a diff line (line number, sign, code in the current theme), cut
 * to width columns; malloc'ed. */
static char *preview_row(const struct preview_row *r, int width)
{
	struct buf b;
	int state = 0;
	char *cut;

	buf_init(&b, 4096);
	if (r->kind == '+')
		(void)!buf_printf(&b, ST_GREEN ST_ADD_BG "%d +", r->line_no);
	else if (r->kind == '-')
		(void)!buf_printf(&b, ST_RED ST_DEL_BG "%d -" ST_DIM, r->line_no);
	else
		(void)!buf_printf(&b, ST_DIM "%d" ST_RESET "  ", r->line_no);
	(void)!hl_append(HL_LANG_RUST, &state, r->code, strlen(r->code), &b);
	cut = tui_truncate(b.data ? b.data : "", b.len, width);
	buf_free(&b);
	return cut;
}

void theme_rows(struct app *a, struct tui_rows *rows, int width)
{
	size_t idx[THEME_LIST_MAX];
	size_t n = visible(a, idx, THEME_LIST_MAX), first = 0;
	const char *cur = effective_name(a);
	char line[1024], *home = NULL, *dir = NULL;
	struct tui_rows list = {0};
	int content = width - POPUP_INSET, side = (content - SIDE_GAP) / 2;
	int list_w = content - SIDE_GAP - side;

	add(rows, "");
	add(rows, "  " ST_BOLD "Select Syntax Theme");
	/* upstream names the themes directory when it can be shown as ~/... and fits */
	if (a->cfg->codex_home && (dir = malloc(strlen(a->cfg->codex_home) + 8))) {
		snprintf(dir, strlen(a->cfg->codex_home) + 8, "%s/themes", a->cfg->codex_home);
		home = tui_home_short(dir);
	}
	snprintf(line, sizeof line, "Custom .tmTheme files can be added to the %s directory.",
		 home ? home : "");
	if (home && home[0] == '~' &&
	    (int)tui_text_width(line, strlen(line)) <=
		    (side >= SIDE_MIN_WIDTH && list_w >= LIST_MIN_WIDTH ? list_w : content)) {
		char *inert = cell_inert(line, false);
		snprintf(line, sizeof line, "  " ST_DIM "%s", inert ? inert : "");
		free(inert);
	} else {
		snprintf(line, sizeof line, "  " ST_DIM "%s", fallback_subtitle);
	}
	add(rows, line);
	free(home);
	free(dir);
	add(rows, "");
	if (a->theme_query[0])
		snprintf(line, sizeof line, "  %s", a->theme_query);
	else
		snprintf(line, sizeof line, "  " ST_DIM "Type to filter themes...");
	add(&list, line);
	if (a->modal_sel >= THEME_PICKER_ROWS)
		first = (size_t)a->modal_sel - THEME_PICKER_ROWS + 1;
	for (size_t k = first; k < n && k < first + THEME_PICKER_ROWS; k++) {
		const char *name = a->themes.names[idx[k]];
		snprintf(line, sizeof line, "%s%zu. %s%s%s",
			 (int)k == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " : "  ", k + 1, name,
			 a->themes.custom[idx[k]] ? " (custom)" : "",
			 strcmp(name, cur) == 0 ? " (current)" : "");
		add(&list, line);
	}
	if (!n)
		add(&list, "  " ST_DIM "no matches");
	if (side >= SIDE_MIN_WIDTH && list_w >= LIST_MIN_WIDTH) {
		/* side by side: the wide preview centred beside the list */
		size_t np = sizeof wide_rows / sizeof wide_rows[0] - 1;
		size_t h = list.n > np ? list.n : np, top = (h - np) / 2;
		for (size_t r = 0; r < h; r++) {
			struct buf b;
			char *left = r < list.n ? tui_truncate(list.v[r], strlen(list.v[r]), list_w + 2)
					      : strdup("");
			char *right = r >= top && r - top < np
					      ? preview_row(&wide_rows[r - top], side - 2)
					      : NULL;
			size_t lw = left ? tui_text_width(left, strlen(left)) : 0;
			buf_init(&b, 8192);
			(void)!buf_puts(&b, left ? left : "");
			(void)!buf_puts(&b, ST_RESET);
			for (size_t c = lw; c < (size_t)list_w + 2 + SIDE_GAP + 2; c++)
				(void)!buf_putc(&b, ' ');
			(void)!buf_puts(&b, right ? right : "");
			(void)!tui_rows_push(rows, b.data ? b.data : "", b.len);
			buf_free(&b);
			free(left);
			free(right);
		}
		add(rows, "");
	} else {
		for (size_t r = 0; r < list.n; r++) {
			char *cut = tui_truncate(list.v[r], strlen(list.v[r]), width - 1);
			if (cut)
				add(rows, cut);
			free(cut);
		}
		add(rows, "");
		for (const struct preview_row *p = narrow_rows; p->code; p++) {
			char *row = preview_row(p, width - 3);
			snprintf(line, sizeof line, "  %s", row ? row : "");
			add(rows, line);
			free(row);
		}
		add(rows, "");
	}
	tui_rows_free(&list);
	add(rows, "  " ST_DIM "Press enter to confirm or esc to go back");
}

/* config.toml's [tui] theme set to name, the rest of the file as it was. */
static int persist(const struct app *a, const char *name, struct err *e)
{
	struct buf value;
	int rc;

	buf_init(&value, 4 * THEME_NAME_MAX + 16);
	rc = config_edit_quote(&value, name) < 0 ? err_set(e, "the name does not fit")
						  : tui_config_set(a, "tui", "theme", value.data, e);
	buf_free(&value);
	return rc;
}

static void choose(struct app *a)
{
	size_t idx[THEME_LIST_MAX];
	size_t n = visible(a, idx, THEME_LIST_MAX);
	struct theme t;
	struct err e;
	char msg[ERR_MSG_MAX + 64];
	const char *name;

	if (a->modal_sel >= (int)n)
		return;
	name = a->themes.names[idx[a->modal_sel]];
	a->modal = MODAL_NONE;
	err_clear(&e);
	if (themes_resolve(a->cfg->codex_home, name, &t) < 0) {
		themes_set_current(&a->theme_saved);
		return;
	}
	if (persist(a, name, &e) < 0) {
		themes_set_current(&a->theme_saved);
		snprintf(msg, sizeof msg, "Failed to save theme: %s", e.msg);
		app_error(a, msg);
		return;
	}
	themes_set_current(&t);
	free(a->theme_name);
	a->theme_name = strdup(name);
}

static void cancel(struct app *a)
{
	themes_set_current(&a->theme_saved);
	a->modal = MODAL_NONE;
}

void theme_key(struct app *a, const struct key *k)
{
	size_t idx[THEME_LIST_MAX];
	int n = (int)visible(a, idx, THEME_LIST_MAX);
	size_t qlen = strlen(a->theme_query);

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		preview_selected(a);
		break;
	case KEY_ENTER:
		choose(a);
		break;
	case KEY_ESC:
		cancel(a);
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			cancel(a);
		break;
	case KEY_BACKSPACE:
		if (qlen) {
			a->theme_query[qlen - 1] = '\0';
			a->modal_sel = 0;
			preview_selected(a);
		}
		break;
	case KEY_CHAR:
		/* names are ASCII kebab-case: other characters cannot match */
		if (k->cp > ' ' && k->cp < 0x7F && qlen + 1 < sizeof a->theme_query) {
			a->theme_query[qlen] = (char)k->cp;
			a->theme_query[qlen + 1] = '\0';
			a->modal_sel = 0;
			preview_selected(a);
		}
		break;
	default:
		break;
	}
	app_dirty(a);
}

void theme_free(struct app *a)
{
	themes_list_free(&a->themes);
	free(a->theme_warning);
	a->theme_warning = NULL;
	free(a->theme_name);
	a->theme_name = NULL;
}
