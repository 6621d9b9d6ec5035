/* /plugins (upstream 0.118's chatwidget/plugins.rs): the plugins of the marketplaces
 * found for the cwd, searchable, and a plugin's details with Install / Uninstall (and,
 * not upstream's TUI but its config, Enable / Disable). Names and descriptions come from
 * files anyone could write, so they are shown inert. Apps bundled in a plugin need
 * ChatGPT connectors, whose sign-in flow is not implemented: they are listed and said
 * so. Changes take effect in the next session, as upstream's (its MCP servers start with
 * a session). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/internal.h"

/* Rows of the list shown at once (upstream's MAX_POPUP_ROWS). */
#define PLUGINS_POPUP_ROWS 8

static void push_cut(struct tui_rows *rows, const char *line, int width)
{
	char *cut = tui_truncate(line, strlen(line), width - 1);

	if (cut)
		(void)!tui_rows_push(rows, cut, strlen(cut));
	free(cut);
}

static void info2(struct app *a, const char *msg, const char *hint)
{
	struct tui_rows c = {0};
	char line[4096];

	snprintf(line, sizeof line, "%s" ST_RESET " " ST_DIM "%s", msg, hint ? hint : "");
	if (cell_info(line, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

static const char *status_label(const struct agent_plugin *p)
{
	if (p->installed)
		return p->enabled ? "Installed" : "Installed \xC2\xB7 Disabled";
	if (!p->installable)
		return "Not installable";
	return p->by_default ? "Available by default" : "Available";
}

static const char *detail_status(const struct agent_plugin *p)
{
	if (p->installed)
		return p->enabled ? "Installed" : "Installed \xC2\xB7 Disabled";
	if (!p->installable)
		return "Not installable";
	return p->by_default ? "Available by default" : "Can be installed";
}

/* Installed first, then by display name (case-insensitively, then exactly), then name. */
static int by_list_order(const void *x, const void *y)
{
	const struct agent_plugin *l = x, *r = y;
	int c;

	if (l->installed != r->installed)
		return l->installed ? -1 : 1;
	if ((c = strcasecmp(l->display_name, r->display_name)) != 0)
		return c;
	if ((c = strcmp(l->display_name, r->display_name)) != 0)
		return c;
	if ((c = strcmp(l->name, r->name)) != 0)
		return c;
	return strcmp(l->marketplace, r->marketplace);
}

static int reload(struct app *a)
{
	struct err e = {0};

	agent_plugins_free(&a->plugins);
	if (agent_plugins_list(a->cfg, a->o->cwd, &a->plugins, &e) < 0) {
		char msg[1024];
		snprintf(msg, sizeof msg, "Failed to load plugins: %s", e.msg);
		app_error(a, msg);
		return -1;
	}
	if (a->plugins.n > 1)
		qsort(a->plugins.v, a->plugins.n, sizeof *a->plugins.v, by_list_order);
	return 0;
}

void plugins_open(struct app *a)
{
	if (reload(a) < 0)
		return;
	a->plugins_query[0] = '\0';
	a->plugins_detail = -1;
	a->modal_sel = 0;
	a->modal = MODAL_PLUGINS;
}

void plugins_close(struct app *a)
{
	a->modal = MODAL_NONE;
	a->plugins_detail = -1;
	agent_plugins_free(&a->plugins);
}

/* Upstream's search value: display name, id, name and marketplace, case-insensitively. */
static bool matches(const struct agent_plugin *p, const char *q)
{
	char hay[1024];

	if (!*q)
		return true;
	snprintf(hay, sizeof hay, "%s %s@%s %s %s", p->display_name, p->name, p->marketplace,
		 p->name, p->marketplace_label);
	return strcasestr(hay, q) != NULL;
}

/* Indexes of the plugins matching the query; malloc'ed (NULL when none). */
static size_t visible(const struct app *a, size_t **out)
{
	size_t n = 0;

	*out = NULL;
	if (!a->plugins.n || !(*out = malloc(a->plugins.n * sizeof **out)))
		return 0;
	for (size_t i = 0; i < a->plugins.n; i++)
		if (matches(&a->plugins.v[i], a->plugins_query))
			(*out)[n++] = i;
	return n;
}

static size_t width_of(const char *s)
{
	return tui_text_width(s, strlen(s));
}

static void list_rows(struct app *a, struct tui_rows *rows, int width)
{
	char line[4096];
	size_t *m, n = visible(a, &m), installed = 0, nw = 0, sw = 0, top;

	for (size_t i = 0; i < a->plugins.n; i++) {
		installed += a->plugins.v[i].installed;
		if (width_of(status_label(&a->plugins.v[i])) > sw)
			sw = width_of(status_label(&a->plugins.v[i]));
	}
	snprintf(line, sizeof line, "  " ST_DIM "Installed %zu of %zu available plugins.", installed,
		 a->plugins.n);
	push_cut(rows, line, width);
	for (size_t i = 0; i < a->plugins.errors.n; i++) {
		char *t = cell_inert(a->plugins.errors.v[i], false);
		snprintf(line, sizeof line, "  " ST_DIM "Skipped marketplace %s", t ? t : "");
		push_cut(rows, line, width);
		free(t);
	}
	(void)!tui_rows_push(rows, "", 0);
	if (a->plugins_query[0]) {
		char *q = cell_inert(a->plugins_query, false);
		snprintf(line, sizeof line, "  %s", q ? q : "");
		push_cut(rows, line, width);
		free(q);
	} else {
		push_cut(rows, "  " ST_DIM "Type to search plugins", width);
	}
	if (a->modal_sel >= (int)n)
		a->modal_sel = n ? (int)n - 1 : 0;
	top = a->modal_sel >= PLUGINS_POPUP_ROWS ? (size_t)a->modal_sel - PLUGINS_POPUP_ROWS + 1 : 0;
	/* The name column fits every row (upstream's ColumnWidthMode::AutoAllRows). */
	for (size_t i = 0; i < n; i++) {
		char *name = cell_inert(a->plugins.v[m[i]].display_name, false);
		if (name && width_of(name) > nw)
			nw = width_of(name);
		free(name);
	}
	for (size_t i = top; i < n && i < top + PLUGINS_POPUP_ROWS; i++) {
		const struct agent_plugin *p = &a->plugins.v[m[i]];
		char *name = cell_inert(p->display_name, false);
		char *mk = cell_inert(p->marketplace_label, false);
		char *desc = p->description ? cell_inert(p->description, false) : NULL;
		const char *st = status_label(p);
		bool sel = (int)i == a->modal_sel;
		int pad = (int)(nw - (name ? width_of(name) : 0));
		int spad = (int)(sw - width_of(st));
		if (sel)
			snprintf(line, sizeof line,
				 ST_CYAN ST_BOLD "\xE2\x80\xBA %s%*s  %s%*s   Press Enter to view plugin "
				 "details.", name ? name : "", pad, "", st, spad, "");
		else
			snprintf(line, sizeof line, "  %s%*s  " ST_DIM "%s%*s \xC2\xB7 %s%s%s",
				 name ? name : "", pad, "", st, spad, "", mk ? mk : "",
				 desc ? " \xC2\xB7 " : "", desc ? desc : "");
		push_cut(rows, line, width);
		free(name);
		free(mk);
		free(desc);
	}
	if (!a->plugins.n)
		push_cut(rows, ST_CYAN ST_BOLD "\xE2\x80\xBA No marketplace plugins available  "
			       "No plugins are available in the discovered marketplaces.", width);
	else if (!n)
		push_cut(rows, "  " ST_DIM "no matches", width);
	free(m);
}

/* The details' selectable actions, in order: 0 back, 1 install/uninstall, 2 enable/
 * disable (installed only). */
static int detail_actions(const struct agent_plugin *p)
{
	return p->installed ? 3 : 2;
}

static char *joined(const struct strv *v, const char *none)
{
	struct buf b;

	if (!v->n)
		return strdup(none);
	buf_init(&b, 8192);
	for (size_t i = 0; i < v->n; i++)
		if (buf_puts(&b, i ? ", " : "") < 0 || buf_puts(&b, v->v[i]) < 0)
			break;
	return buf_take(&b);
}

static void detail_rows(struct app *a, struct tui_rows *rows, int width)
{
	const struct agent_plugin *p = &a->plugins.v[a->plugins_detail];
	char line[8192];
	const char *names[6], *descs[6];
	char *vals[3], *name = cell_inert(p->display_name, false);
	char *mk = cell_inert(p->marketplace_label, false);
	size_t n = 0, w = 0;
	int nact = detail_actions(p);

	snprintf(line, sizeof line, "  " ST_DIM "%s \xC2\xB7 %s \xC2\xB7 %s", name ? name : "",
		 detail_status(p), mk ? mk : "");
	push_cut(rows, line, width);
	if (!p->installed && p->apps.n)
		push_cut(rows, "  " ST_DIM "Data shared with this app is subject to the app's terms "
			       "of service and privacy policy. Learn more.", width);
	if (p->long_description) {
		char *d = cell_inert(p->long_description, false);
		snprintf(line, sizeof line, "  " ST_DIM "%s", d ? d : "");
		push_cut(rows, line, width);
		free(d);
	}
	if (p->apps.n)
		push_cut(rows, "  " ST_DIM "Its apps need ChatGPT connectors, which this Codex does "
			       "not support: they stay unavailable.", width);
	(void)!tui_rows_push(rows, "", 0);
	names[n] = "Back to plugins";
	descs[n++] = "Return to the plugin list.";
	if (p->installed) {
		names[n] = "Uninstall plugin";
		descs[n++] = "Remove this plugin now.";
		names[n] = p->enabled ? "Disable plugin" : "Enable plugin";
		descs[n++] = p->enabled ? "Turn this plugin off for new sessions."
					: "Turn this plugin on for new sessions.";
	} else {
		names[n] = "Install plugin";
		descs[n++] = p->installable ? "Install this plugin now."
					    : "This plugin is not installable from this marketplace.";
	}
	vals[0] = joined(&p->skills, "No plugin skills.");
	vals[1] = joined(&p->apps, "No plugin apps.");
	vals[2] = joined(&p->mcp_servers, "No plugin MCP servers.");
	names[n] = "Skills";
	descs[n++] = vals[0] ? vals[0] : "";
	names[n] = "Apps";
	descs[n++] = vals[1] ? vals[1] : "";
	names[n] = "MCP Servers";
	descs[n++] = vals[2] ? vals[2] : "";
	for (size_t i = 0; i < n; i++)
		if (width_of(names[i]) > w)
			w = width_of(names[i]);
	if (a->modal_sel >= nact)
		a->modal_sel = nact - 1;
	for (size_t i = 0; i < n; i++) {
		bool sel = (int)i == a->modal_sel, action = (int)i < nact;
		char *d = cell_inert(descs[i], false);
		int pad = (int)(w - width_of(names[i]));
		if (action)
			snprintf(line, sizeof line, "%s%s %zu. %s%*s  %s", sel ? ST_CYAN ST_BOLD : "",
				 sel ? "\xE2\x80\xBA" : " ", i + 1, names[i], pad, "", d ? d : "");
		else
			snprintf(line, sizeof line, "     " ST_DIM "%s%*s  %s", names[i], pad, "",
				 d ? d : "");
		push_cut(rows, line, width);
		free(d);
	}
	for (int i = 0; i < 3; i++)
		free(vals[i]);
	free(name);
	free(mk);
}

void plugins_rows(struct app *a, struct tui_rows *rows, int width)
{
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  " ST_BOLD "Plugins", width);
	if (a->plugins_detail >= 0 && (size_t)a->plugins_detail < a->plugins.n) {
		detail_rows(a, rows, width);
	} else {
		push_cut(rows, "  " ST_DIM "Browse plugins from available marketplaces.", width);
		list_rows(a, rows, width);
	}
	(void)!tui_rows_push(rows, "", 0);
	push_cut(rows, "  " ST_DIM "Press esc to close.", width);
}

static void act(struct app *a)
{
	struct agent_plugin *p = &a->plugins.v[a->plugins_detail];
	char *name = cell_inert(p->display_name, false);
	char msg[1024], hint[1024];
	struct err e = {0};
	int rc = 0;

	if (a->modal_sel == 0) {
		a->plugins_detail = -1;
		a->modal_sel = 0;
		free(name);
		return;
	}
	if (a->modal_sel == 1 && !p->installed) {
		if (!p->installable) {
			free(name);
			return;
		}
		if ((rc = agent_plugin_install(a->cfg, p, &e)) == 0) {
			snprintf(msg, sizeof msg, "Installed %s plugin.", name ? name : "");
			if (p->apps.n)
				snprintf(hint, sizeof hint, "%zu app(s) still need authentication, which "
					 "needs ChatGPT connectors (not supported here).", p->apps.n);
			else
				snprintf(hint, sizeof hint, "No additional app authentication is "
					 "required.");
		}
	} else if (a->modal_sel == 1) {
		if ((rc = agent_plugin_uninstall(a->cfg, p, &e)) == 0) {
			snprintf(msg, sizeof msg, "Uninstalled %s plugin.", name ? name : "");
			snprintf(hint, sizeof hint, "Bundled apps remain installed.");
		}
	} else {
		if ((rc = agent_plugin_set_enabled(a->cfg, p, !p->enabled, &e)) == 0) {
			snprintf(msg, sizeof msg, "%s %s plugin.", p->enabled ? "Disabled" : "Enabled",
				 name ? name : "");
			snprintf(hint, sizeof hint, "The change applies to new sessions.");
		}
	}
	free(name);
	if (rc < 0) {
		char *t = cell_inert(e.msg, false);
		snprintf(msg, sizeof msg, "Failed to update plugin: %s", t ? t : "");
		free(t);
		app_error(a, msg);
		return;
	}
	plugins_close(a);
	info2(a, msg, hint);
}

void plugins_key(struct app *a, const struct key *k)
{
	bool detail = a->plugins_detail >= 0 && (size_t)a->plugins_detail < a->plugins.n;
	size_t *m, n = visible(a, &m), len = strlen(a->plugins_query);
	int count = detail ? detail_actions(&a->plugins.v[a->plugins_detail]) : (int)n;

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, count);
		break;
	case KEY_ENTER:
		if (detail) {
			act(a);
		} else if (n && a->modal_sel < (int)n) {
			a->plugins_detail = (int)m[a->modal_sel];
			a->modal_sel = 0;
		}
		break;
	case KEY_ESC:
		plugins_close(a);
		break;
	case KEY_BACKSPACE:
		if (!detail && len) {
			while (len && ((unsigned char)a->plugins_query[len - 1] & 0xC0) == 0x80)
				len--;
			a->plugins_query[len ? len - 1 : 0] = '\0';
			a->modal_sel = 0;
		}
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			plugins_close(a);
		else if (k->cp == 'p' || k->cp == 'n')
			modal_move(a, &(struct key){.kind = k->cp == 'p' ? KEY_UP : KEY_DOWN}, count);
		break;
	case KEY_CHAR:
		if (!detail && k->cp >= ' ') {
			char u[4];
			int ul = tui_utf8_encode(k->cp, u);
			if (ul > 0 && len + (size_t)ul < sizeof a->plugins_query) {
				memcpy(a->plugins_query + len, u, (size_t)ul);
				a->plugins_query[len + (size_t)ul] = '\0';
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
