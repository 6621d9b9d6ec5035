/* /apps (upstream 0.118's connectors popup and app link view): ChatGPT's apps for a
 * ChatGPT sign-in, searchable, installed ones first; Enter opens an app's page with
 * "Manage on ChatGPT" / "Install on ChatGPT" (the browser), "Enable app" / "Disable app"
 * (config.toml's [apps.<id>]) and "Back". Names and descriptions come from the network,
 * so they are shown inert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "tui/internal.h"

/* Rows of the list shown at once (upstream's MAX_POPUP_ROWS). */
#define APPS_POPUP_ROWS 8

enum { APPS_LIST = -1 };

static void push_cut(struct tui_rows *rows, const char *line, int width)
{
	char *cut = tui_truncate(line, strlen(line), width - 1);

	if (cut)
		(void)!tui_rows_push(rows, cut, strlen(cut));
	free(cut);
}

static void info(struct app *a, const char *msg)
{
	struct tui_rows c = {0};

	if (cell_info(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

static const char *status_label(const struct agent_app *p)
{
	if (p->accessible)
		return p->enabled ? "Installed" : "Installed \xC2\xB7 Disabled";
	return "Can be installed";
}

/* The list for the popup from what is known now (no request). -1 with an error shown. */
static int load_list(struct app *a)
{
	struct err e = {0};

	agent_apps_free(&a->apps);
	if (agent_apps_list(a->agent, &a->apps, &e) < 0) {
		char msg[1200], *t = cell_inert(e.msg, false);
		snprintf(msg, sizeof msg, "Failed to load apps: %s", t ? t : "");
		free(t);
		app_error(a, msg);
		return -1;
	}
	return 0;
}

static void open_list(struct app *a)
{
	a->apps_query[0] = '\0';
	a->apps_detail = APPS_LIST;
	a->apps_confirm = false;
	a->apps_loading = false;
	a->modal_sel = 0;
	a->modal = MODAL_APPS;
}

static size_t visible(const struct app *a, size_t **out);

/* A fetch ended: an open list (or its loading view) shows the new list, the same app
 * kept selected (upstream's refresh_connectors_popup_if_open). An app's page stays. */
static void refresh_if_open(struct app *a)
{
	char *sel_id = NULL;
	size_t *m, n;

	if (a->modal != MODAL_APPS || a->apps_detail != APPS_LIST)
		return;
	if (a->apps_load == APPS_FAILED) {
		apps_close(a);
		app_error(a, a->apps_error);
		return;
	}
	if (a->apps_load != APPS_READY)
		return;
	n = visible(a, &m);
	if (!a->apps_loading && a->modal_sel >= 0 && (size_t)a->modal_sel < n)
		sel_id = strdup(a->apps.v[m[a->modal_sel]].id);
	free(m);
	if (load_list(a) < 0) {
		apps_close(a);
		free(sel_id);
		return;
	}
	if (!a->apps.n) {
		apps_close(a);
		info(a, "No apps available.");
		free(sel_id);
		return;
	}
	if (a->apps_loading)
		open_list(a);
	n = visible(a, &m);
	for (size_t i = 0; sel_id && i < n; i++)
		if (strcmp(a->apps.v[m[i]].id, sel_id) == 0)
			a->modal_sel = (int)i;
	free(m);
	free(sel_id);
}

static void fetched(struct app *a, const struct err *e)
{
	if (!e) {
		a->apps_load = APPS_READY;
	} else if (a->apps_load != APPS_READY) {
		/* upstream falls back to the installed apps alone when there are any */
		struct agent_apps inst = {0};
		struct err le = {0};
		char *t = cell_inert(e->msg, false);
		if (agent_apps_list(a->agent, &inst, &le) >= 0 && inst.n) {
			a->apps_load = APPS_READY;
		} else {
			a->apps_load = APPS_FAILED;
			snprintf(a->apps_error, sizeof a->apps_error, "Failed to load apps: %s",
				 t ? t : "");
		}
		free(t);
		agent_apps_free(&inst);
	}
	/* else: a failed refresh keeps the list there is (upstream logs it) */
	refresh_if_open(a);
	app_dirty(a);
}

static void on_fetched(void *arg, const struct err *e)
{
	struct app *a = arg;
	bool again = a->apps_refetch;

	a->apps_refetch = false;
	fetched(a, e);
	if (again)
		apps_prefetch(a, true);
}

void apps_prefetch(struct app *a, bool force)
{
	struct err e = {0};
	int rc;

	if (!a->agent || !agent_apps_available(a->cfg))
		return;
	if (agent_apps_fetching(a->agent)) {
		a->apps_refetch |= force;
		return;
	}
	if (a->apps_load != APPS_READY)
		a->apps_load = APPS_FETCHING;
	rc = agent_apps_fetch(a->agent, force, on_fetched, a, &e);
	if (rc != 0)
		fetched(a, rc < 0 ? &e : NULL); /* 1: the list kept from before is fresh */
}

void apps_servers_ready(struct app *a)
{
	refresh_if_open(a);
}

void apps_forget_fetch(struct app *a)
{
	a->apps_refetch = false;
	if (a->apps_load == APPS_FETCHING)
		a->apps_load = APPS_NONE;
}

/* upstream's add_connectors_output: the list known now at once, a refresh behind */
void apps_open(struct app *a)
{
	int was;

	if (!a->agent || !agent_apps_available(a->cfg)) {
		info(a, "Apps are disabled. Enable the apps feature to use $ or /apps.");
		return;
	}
	was = a->apps_load;
	apps_prefetch(a, !agent_apps_fetching(a->agent) || was == APPS_READY);
	if (a->apps_load == APPS_READY)
		was = APPS_READY; /* the cache answered at once */
	switch (was) {
	case APPS_READY:
		if (load_list(a) < 0)
			return;
		if (!a->apps.n) {
			info(a, "No apps available.");
			return;
		}
		open_list(a);
		break;
	case APPS_FAILED:
		app_error(a, a->apps_error);
		break;
	case APPS_NONE:
	case APPS_FETCHING:
		agent_apps_free(&a->apps);
		open_list(a);
		a->apps_loading = true;
		break;
	}
}

void apps_close(struct app *a)
{
	a->modal = MODAL_NONE;
	a->apps_detail = APPS_LIST;
	a->apps_loading = false;
	agent_apps_free(&a->apps);
}

/* Upstream's search value: the name and the id, case-insensitively. */
static bool matches(const struct agent_app *p, const char *q)
{
	char hay[1024];

	if (!*q)
		return true;
	snprintf(hay, sizeof hay, "%s %s", p->name, p->id);
	return strcasestr(hay, q) != NULL;
}

static size_t visible(const struct app *a, size_t **out)
{
	size_t n = 0;

	*out = NULL;
	if (!a->apps.n || !(*out = malloc(a->apps.n * sizeof **out)))
		return 0;
	for (size_t i = 0; i < a->apps.n; i++)
		if (matches(&a->apps.v[i], a->apps_query))
			(*out)[n++] = i;
	return n;
}

static size_t width_of(const char *s)
{
	return tui_text_width(s, strlen(s));
}

static void list_rows(struct app *a, struct tui_rows *rows, int width)
{
	char line[8192];
	size_t *m, n = visible(a, &m), installed = 0, nw = 0, top;

	for (size_t i = 0; i < a->apps.n; i++)
		installed += a->apps.v[i].accessible;
	push_cut(rows, "  " ST_DIM "Use $ to insert an installed app into your prompt.", width);
	snprintf(line, sizeof line, "  " ST_DIM "Installed %zu of %zu available apps.", installed,
		 a->apps.n);
	push_cut(rows, line, width);
	(void)!tui_rows_push(rows, "", 0);
	if (a->apps_query[0]) {
		char *q = cell_inert(a->apps_query, false);
		snprintf(line, sizeof line, "  %s", q ? q : "");
		push_cut(rows, line, width);
		free(q);
	} else {
		push_cut(rows, "  " ST_DIM "Type to search apps", width);
	}
	if (a->modal_sel >= (int)n)
		a->modal_sel = n ? (int)n - 1 : 0;
	top = a->modal_sel >= APPS_POPUP_ROWS ? (size_t)a->modal_sel - APPS_POPUP_ROWS + 1 : 0;
	/* The name column fits every row (upstream's ColumnWidthMode::AutoAllRows). */
	for (size_t i = 0; i < n; i++) {
		char *name = cell_inert(a->apps.v[m[i]].name, false);
		if (name && width_of(name) > nw)
			nw = width_of(name);
		free(name);
	}
	for (size_t i = top; i < n && i < top + APPS_POPUP_ROWS; i++) {
		const struct agent_app *p = &a->apps.v[m[i]];
		char *name = cell_inert(p->name, false);
		char *desc = p->description ? cell_inert(p->description, false) : NULL;
		const char *st = status_label(p);
		bool sel = (int)i == a->modal_sel;
		int pad = (int)(nw - (name ? width_of(name) : 0));
		if (sel)
			snprintf(line, sizeof line,
				 ST_CYAN ST_BOLD "\xE2\x80\xBA %s%*s  %s. %s", name ? name : "", pad, "",
				 st, p->accessible ? "Press Enter to open the app page to install, "
						     "manage, or enable/disable this app."
						   : "Press Enter to open the app page to install "
						     "this app.");
		else
			snprintf(line, sizeof line, "  %s%*s  " ST_DIM "%s%s%s", name ? name : "", pad,
				 "", st, desc ? " \xC2\xB7 " : "", desc ? desc : "");
		push_cut(rows, line, width);
		free(name);
		free(desc);
	}
	if (!n)
		push_cut(rows, "  " ST_DIM "no matches", width);
	free(m);
}

static int n_actions(const struct app *a, const struct agent_app *p)
{
	if (a->apps_confirm)
		return 2;
	return p->accessible ? 3 : 2;
}

static const char *action_label(const struct app *a, const struct agent_app *p, int i)
{
	if (a->apps_confirm)
		return i == 0 ? "I already Installed it" : "Back";
	if (!p->accessible)
		return i == 0 ? "Install on ChatGPT" : "Back";
	if (i == 0)
		return "Manage on ChatGPT";
	if (i == 1)
		return p->enabled ? "Disable app" : "Enable app";
	return "Back";
}

static void detail_rows(struct app *a, struct tui_rows *rows, int width)
{
	const struct agent_app *p = &a->apps.v[a->apps_detail];
	char line[8192], *name = cell_inert(p->name, false);
	char *desc = p->description ? cell_inert(p->description, false) : NULL;
	char *url = cell_inert(p->install_url ? p->install_url : "", false);

	if (a->apps_confirm) {
		push_cut(rows, "  " ST_BOLD "Finish App Setup", width);
		(void)!tui_rows_push(rows, "", 0);
		push_cut(rows, "  Complete app setup on ChatGPT in the browser window that just opened.",
			 width);
		push_cut(rows, "  Sign in there if needed, then return here and select \"I already "
			       "Installed it\".", width);
		(void)!tui_rows_push(rows, "", 0);
		push_cut(rows, "  " ST_DIM "Setup URL:", width);
		snprintf(line, sizeof line, "  " ST_CYAN "%s", url ? url : "");
		push_cut(rows, line, width);
	} else {
		snprintf(line, sizeof line, "  " ST_BOLD "%s", name ? name : "");
		push_cut(rows, line, width);
		if (desc) {
			snprintf(line, sizeof line, "  " ST_DIM "%s", desc);
			push_cut(rows, line, width);
		}
		(void)!tui_rows_push(rows, "", 0);
		if (p->accessible) {
			push_cut(rows, "  Use $ to insert this app into the prompt.", width);
			(void)!tui_rows_push(rows, "", 0);
			push_cut(rows, "  Manage this app in your browser.", width);
		} else {
			push_cut(rows, "  Install this app in your browser, then reload Codex.", width);
		}
		push_cut(rows, "  Newly installed apps can take a few minutes to appear in /apps.",
			 width);
		if (!p->accessible)
			push_cut(rows, "  After installed, use $ to insert this app into the prompt.",
				 width);
	}
	(void)!tui_rows_push(rows, "", 0);
	if (a->modal_sel >= n_actions(a, p))
		a->modal_sel = n_actions(a, p) - 1;
	for (int i = 0; i < n_actions(a, p); i++) {
		bool sel = i == a->modal_sel;
		snprintf(line, sizeof line, "  %s%s %d. %s", sel ? ST_CYAN ST_BOLD : "",
			 sel ? "\xE2\x80\xBA" : " ", i + 1, action_label(a, p, i));
		push_cut(rows, line, width);
	}
	free(name);
	free(desc);
	free(url);
}

void apps_rows(struct app *a, struct tui_rows *rows, int width)
{
	(void)!tui_rows_push(rows, "", 0);
	if (a->apps_detail >= 0 && (size_t)a->apps_detail < a->apps.n) {
		detail_rows(a, rows, width);
		(void)!tui_rows_push(rows, "", 0);
		push_cut(rows, "  " ST_DIM "Use tab / \xE2\x86\x91 \xE2\x86\x93 to move, enter to select, "
			       "esc to close", width);
	} else if (a->apps_loading) {
		push_cut(rows, "  " ST_BOLD "Apps", width);
		push_cut(rows, "  " ST_DIM "Loading installed and available apps...", width);
		(void)!tui_rows_push(rows, "", 0);
		push_cut(rows, "      " ST_DIM "Loading apps...  This updates when the full list is "
			       "ready.", width);
	} else {
		push_cut(rows, "  " ST_BOLD "Apps", width);
		list_rows(a, rows, width);
		(void)!tui_rows_push(rows, "", 0);
		push_cut(rows, "  " ST_DIM "Press esc to close.", width);
	}
}

static void open_link(struct app *a, struct agent_app *p)
{
	if (!p->install_url || auth_open_browser(p->install_url) < 0) {
		char msg[1200], *u = cell_inert(p->install_url ? p->install_url : "", false);
		snprintf(msg, sizeof msg, "Open this link in your browser: %s", u ? u : "");
		free(u);
		info(a, msg);
	}
	if (!p->accessible) {
		a->apps_confirm = true;
		a->modal_sel = 0;
	}
}

static void toggle(struct app *a, struct agent_app *p)
{
	struct err e = {0};
	bool on = !p->enabled;

	if (agent_app_set_enabled(a->cfg, p->id, on, &e) < 0) {
		char msg[1400], *t = cell_inert(e.msg, false), *id = cell_inert(p->id, false);
		snprintf(msg, sizeof msg, "Failed to update app config for %s: %s", id ? id : "",
			 t ? t : "");
		free(t);
		free(id);
		app_error(a, msg);
		return;
	}
	p->enabled = on;
	if (a->agent)
		agent_apps_changed(a->agent, p->id, on);
}

static void act(struct app *a)
{
	struct agent_app *p = &a->apps.v[a->apps_detail];

	if (a->apps_confirm) {
		if (a->modal_sel == 0) {
			/* upstream refetches and closes */
			apps_close(a);
			apps_prefetch(a, true);
		} else {
			a->apps_confirm = false;
			a->modal_sel = 0;
		}
		return;
	}
	if (a->modal_sel == 0)
		open_link(a, p);
	else if (a->modal_sel == 1 && p->accessible)
		toggle(a, p);
	else
		apps_close(a);
}

void apps_key(struct app *a, const struct key *k)
{
	if (a->apps_loading) {
		/* nothing to choose yet: the popup only closes */
		if (k->kind == KEY_ESC || (k->kind == KEY_CTRL && k->cp == 'c'))
			apps_close(a);
		app_dirty(a);
		return;
	}
	bool detail = a->apps_detail >= 0 && (size_t)a->apps_detail < a->apps.n;
	size_t *m, n = visible(a, &m), len = strlen(a->apps_query);
	int count = detail ? n_actions(a, &a->apps.v[a->apps_detail]) : (int)n;

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, count);
		break;
	case KEY_TAB:
	case KEY_BACKTAB:
		if (detail)
			modal_move(a, &(struct key){.kind = k->kind == KEY_TAB ? KEY_DOWN : KEY_UP},
				   count);
		break;
	case KEY_ENTER:
		if (detail) {
			act(a);
		} else if (n && a->modal_sel < (int)n) {
			a->apps_detail = (int)m[a->modal_sel];
			a->apps_confirm = false;
			a->modal_sel = 0;
		}
		break;
	case KEY_ESC:
		apps_close(a);
		break;
	case KEY_BACKSPACE:
		if (!detail && len) {
			while (len && ((unsigned char)a->apps_query[len - 1] & 0xC0) == 0x80)
				len--;
			a->apps_query[len ? len - 1 : 0] = '\0';
			a->modal_sel = 0;
		}
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			apps_close(a);
		else if (k->cp == 'p' || k->cp == 'n')
			modal_move(a, &(struct key){.kind = k->cp == 'p' ? KEY_UP : KEY_DOWN}, count);
		break;
	case KEY_CHAR:
		if (detail && k->cp >= '1' && k->cp <= '9') {
			if ((int)(k->cp - '1') < count) {
				a->modal_sel = (int)(k->cp - '1');
				act(a);
			}
		} else if (!detail && k->cp >= ' ') {
			char u[4];
			int ul = tui_utf8_encode(k->cp, u);
			if (ul > 0 && len + (size_t)ul < sizeof a->apps_query) {
				memcpy(a->apps_query + len, u, (size_t)ul);
				a->apps_query[len + (size_t)ul] = '\0';
				a->modal_sel = 0;
			}
		}
		break;
	default:
		break;
	}
	free(m);
	app_dirty(a);
}
