/* The status line under the composer and the terminal title (codex-tui.md §12, §13):
 * `[tui] status_line` and `[tui] terminal_title` name their items (kebab-case; unset =
 * upstream's defaults, an empty list = none), and /statusline and /title toggle them and
 * write the choice back to config.toml, edited in place. An item without data (a rate
 * limit this provider never reported, the spinner while idle) is left out, never shown
 * empty. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/limits.h"
#include "config/config.h"
#include "config/toml.h"
#include "tui/internal.h"

static const char *const status_items[] = {
	"model-name", "model-with-reasoning", "current-dir", "project-root", "git-branch",
	"context-remaining", "context-used", "five-hour-limit", "weekly-limit", "codex-version",
	"context-window-size", "used-tokens", "total-input-tokens", "total-output-tokens",
	"session-id", "fast-mode", NULL};
static const char *const status_default[] = {"model-with-reasoning", "context-remaining",
					     "current-dir", NULL};
static const char *const title_items[] = {"app-name", "project", "spinner", "status", "thread",
					  "git-branch", "model", "task-progress", NULL};
static const char *const title_default[] = {"spinner", "project", NULL};

/* The title is cut to this many bytes: terminals cap it anyway, and a thread name or
 * branch is not a way to write unbounded escape payloads. */
#define TITLE_MAX_BYTES 240

static const char *const *known(bool title)
{
	return title ? title_items : status_items;
}

static bool is_known(bool title, const char *name)
{
	for (const char *const *k = known(title); *k; k++)
		if (strcmp(*k, name) == 0)
			return true;
	return false;
}

void statusline_load(struct app *a, const struct toml_value *tui)
{
	for (int t = 0; t < 2; t++) {
		struct strv *out = t ? &a->title_items : &a->status_items;
		const struct toml_value *v = tui && tui->type == TOML_TABLE
						     ? toml_table_get(tui, t ? "terminal_title" : "status_line")
						     : NULL;
		strv_free(out);
		if (v && v->type == TOML_ARRAY) {
			/* unknown names are skipped, as upstream ignores what it cannot show */
			for (size_t i = 0; i < v->u.array.n && i < STATUSLINE_MAX_ITEMS; i++) {
				const struct toml_value *it = v->u.array.items[i];
				if (it->type == TOML_STRING && is_known(t, it->u.str.ptr) &&
				    strv_find(out, it->u.str.ptr) < 0)
					(void)!strv_push(out, it->u.str.ptr);
			}
		} else {
			for (const char *const *d = t ? title_default : status_default; *d; d++)
				(void)!strv_push(out, *d);
		}
	}
}

int statusline_context_left(const struct app *a)
{
	const int64_t base = 12000;
	int64_t w = a->context_window, t = a->last_tokens, pct;

	if (w <= base)
		return w ? 0 : 100;
	pct = (100 * (w - base - (t > base ? t - base : 0)) + (w - base) / 2) / (w - base);
	return pct < 0 ? 0 : pct > 100 ? 100 : (int)pct;
}

/* 272000 as "272K", 1500000 as "1.5M". */
static void compact_count(char *out, size_t n, int64_t v)
{
	if (v >= 1000000)
		snprintf(out, n, "%.1fM", (double)v / 1e6);
	else if (v >= 1000)
		snprintf(out, n, "%lldK", (long long)(v / 1000));
	else
		snprintf(out, n, "%lld", (long long)v);
}

/* The project root (full) or its last component, malloc'ed. Looked up once: the title
 * asks on every frame, and the cwd does not change. */
static char *project_name(struct app *a, bool full)
{
	const char *slash;

	if (!a->project_root)
		a->project_root = start_project_root(a->o->cwd);
	if (!a->project_root)
		return NULL;
	if (full)
		return strdup(a->project_root);
	slash = strrchr(a->project_root, '/');
	return strdup(slash && slash[1] ? slash + 1 : a->project_root);
}

/* The branch checked out in the project (its .git/HEAD), or NULL; malloc'ed. A
 * detached HEAD or a .git file (worktree) has none to show. */
static char *git_branch(struct app *a)
{
	char *root = project_name(a, true), path[4096], *nl, *res = NULL;
	struct buf b;
	struct err e;

	if (!root)
		return NULL;
	snprintf(path, sizeof path, "%s/.git/HEAD", root);
	free(root);
	buf_init(&b, 4096);
	if (file_read_all(path, &b, &e) == 0 && b.data &&
	    strncmp(b.data, "ref: refs/heads/", 16) == 0) {
		nl = strchr(b.data, '\n');
		if (nl)
			*nl = '\0';
		res = cell_inert(b.data + 16, false);
	}
	buf_free(&b);
	return res;
}

/* One item's text into out ("" = no data). */
static void item_text(struct app *a, bool title, const char *name, char *out, size_t n)
{
	char num[32];
	char *s = NULL;

	out[0] = '\0';
	if (strcmp(name, "model-name") == 0 || strcmp(name, "model") == 0) {
		snprintf(out, n, "%s", a->model ? a->model : "");
	} else if (strcmp(name, "model-with-reasoning") == 0) {
		snprintf(out, n, "%s%s%s", a->model ? a->model : "", a->model && a->effort ? " " : "",
			 a->model && a->effort ? a->effort : "");
	} else if (strcmp(name, "current-dir") == 0) {
		s = tui_home_short(a->o->cwd);
	} else if (strcmp(name, "project-root") == 0) {
		char *root = project_name(a, true);
		s = root ? tui_home_short(root) : NULL;
		free(root);
	} else if (strcmp(name, "project") == 0) {
		s = project_name(a, false);
	} else if (strcmp(name, "git-branch") == 0) {
		s = git_branch(a);
	} else if (strcmp(name, "context-remaining") == 0) {
		snprintf(out, n, "%d%% left", statusline_context_left(a));
	} else if (strcmp(name, "context-used") == 0) {
		snprintf(out, n, "%d%% used", 100 - statusline_context_left(a));
	} else if (strcmp(name, "codex-version") == 0) {
		snprintf(out, n, "v%s", CODEX_VERSION);
	} else if (strcmp(name, "context-window-size") == 0) {
		if (a->context_window > 0) {
			compact_count(num, sizeof num, a->context_window);
			snprintf(out, n, "%s window", num);
		}
	} else if (strcmp(name, "used-tokens") == 0) {
		if (a->total_tokens > 0) {
			compact_count(num, sizeof num, a->total_tokens);
			snprintf(out, n, "%s used", num);
		}
	} else if (strcmp(name, "total-input-tokens") == 0) {
		compact_count(num, sizeof num, a->input_tokens);
		snprintf(out, n, "%s in", num);
	} else if (strcmp(name, "total-output-tokens") == 0) {
		compact_count(num, sizeof num, a->output_tokens);
		snprintf(out, n, "%s out", num);
	} else if (strcmp(name, "session-id") == 0) {
		snprintf(out, n, "%s", a->thread_id ? a->thread_id : "");
	} else if (strcmp(name, "app-name") == 0) {
		snprintf(out, n, "codex");
	} else if (strcmp(name, "spinner") == 0) {
		/* braille frames, one a second (the tick that redraws a running turn) */
		static const char *const frames[] = {"\xE2\xA0\x8B", "\xE2\xA0\x99", "\xE2\xA0\xB9",
						     "\xE2\xA0\xB8", "\xE2\xA0\xBC", "\xE2\xA0\xB4",
						     "\xE2\xA0\xA6", "\xE2\xA0\xA7", "\xE2\xA0\x87",
						     "\xE2\xA0\x8F"};
		if (a->busy)
			snprintf(out, n, "%s",
				 frames[((loop_now(a->loop) - a->turn_started_ms) / 1000) % 10]);
	} else if (strcmp(name, "status") == 0) {
		snprintf(out, n, "%s", a->busy ? "Working" : "Ready");
	} else if (strcmp(name, "thread") == 0) {
		s = a->thread_name ? cell_inert(a->thread_name, false) : NULL;
	} else if (strcmp(name, "five-hour-limit") == 0 || strcmp(name, "weekly-limit") == 0) {
		if (!ratelimits_statusline(a, name[0] == 'f', out, n))
			out[0] = '\0';
	} else if (strcmp(name, "fast-mode") == 0) {
		snprintf(out, n, "%s", prefs_fast_on(a) ? "Fast on" : "Fast off");
	}
	/* task-progress: no data here yet */
	(void)title;
	if (s) {
		snprintf(out, n, "%s", s);
		free(s);
	}
}

/* The items of one list joined by sep (items without data left out). */
static void join_items(struct app *a, bool title, const char *sep, char *out, size_t n)
{
	const struct strv *l = title ? &a->title_items : &a->status_items;
	size_t len = 0;
	char one[1024];

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		item_text(a, title, l->v[i], one, sizeof one);
		if (!one[0])
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%s", len ? sep : "", one);
		if (len >= n) {
			out[n - 1] = '\0';
			return;
		}
	}
}

bool statusline_text(struct app *a, char *out, size_t n)
{
	join_items(a, false, " \xC2\xB7 ", out, n);
	return a->status_items.n > 0;
}

void statusline_title(struct app *a)
{
	char raw[2048], clean[TITLE_MAX_BYTES + 1];
	size_t o = 0;

	join_items(a, true, " | ", raw, sizeof raw);
	/* No control may reach the terminal inside OSC 0: C0, DEL and C1 (U+0080-U+009F,
	 * 0xC2 0x80-0x9F in UTF-8) go; a cut never splits a character. */
	for (size_t i = 0; raw[i];) {
		unsigned char c = (unsigned char)raw[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		bool ctrl = c < 0x20 || c == 0x7f ||
			    (c == 0xC2 && (unsigned char)raw[i + 1] >= 0x80 &&
			     (unsigned char)raw[i + 1] <= 0x9F);
		if (strnlen(raw + i, len) < len)
			break;
		if (!ctrl) {
			if (o + len > TITLE_MAX_BYTES)
				break;
			memcpy(clean + o, raw + i, len);
			o += len;
		}
		i += len;
	}
	clean[o] = '\0';
	if (a->title_shown && strcmp(a->title_shown, clean) == 0)
		return;
	if (!a->title_shown && !o)
		return; /* nothing set yet, nothing to set */
	free(a->title_shown);
	a->title_shown = strdup(clean);
	(void)!buf_printf(&a->term.out, "\x1b]0;%s\x07", clean);
}

/* ---- /statusline and /title ---- */

void statusline_open(struct app *a, bool title)
{
	const struct strv *cur = title ? &a->title_items : &a->status_items;

	/* the chosen items first, in their order, then the others */
	tui_rows_clear(&a->select_items);
	memset(a->picker_on, 0, sizeof a->picker_on);
	for (size_t i = 0; i < cur->n; i++) {
		a->picker_on[a->select_items.n] = true;
		(void)!tui_rows_push(&a->select_items, cur->v[i], strlen(cur->v[i]));
	}
	for (const char *const *k = known(title); *k; k++)
		if (strv_find(cur, *k) < 0)
			(void)!tui_rows_push(&a->select_items, *k, strlen(*k));
	a->items_title = title;
	a->modal = MODAL_ITEMS;
	a->modal_sel = 0;
	app_dirty(a);
}

void statusline_rows(struct app *a, struct tui_rows *rows, int width)
{
	char line[2560], preview[2048];

	(void)width;
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line, "  " ST_BOLD "%s",
		 a->items_title ? "Configure Terminal Title" : "Configure Status Line");
	(void)!tui_rows_push(rows, line, strlen(line));
	snprintf(line, sizeof line, "  " ST_DIM "Select which items to display in the %s.",
		 a->items_title ? "terminal title" : "status line");
	(void)!tui_rows_push(rows, line, strlen(line));
	(void)!tui_rows_push(rows, "", 0);
	for (size_t i = 0; i < a->select_items.n; i++) {
		snprintf(line, sizeof line, "%s[%s] %s", (int)i == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " : "  ",
			 a->picker_on[i] ? "x" : " ", a->select_items.v[i]);
		(void)!tui_rows_push(rows, line, strlen(line));
	}
	(void)!tui_rows_push(rows, "", 0);
	{
		/* what the choice looks like now */
		struct strv saved = a->items_title ? a->title_items : a->status_items, now = STRV_INIT;
		for (size_t i = 0; i < a->select_items.n; i++)
			if (a->picker_on[i])
				(void)!strv_push(&now, a->select_items.v[i]);
		if (a->items_title)
			a->title_items = now;
		else
			a->status_items = now;
		join_items(a, a->items_title, a->items_title ? " | " : " \xC2\xB7 ", preview, sizeof preview);
		if (a->items_title)
			a->title_items = saved;
		else
			a->status_items = saved;
		strv_free(&now);
		snprintf(line, sizeof line, "  " ST_DIM "Preview: " ST_RESET "%s", preview);
		(void)!tui_rows_push(rows, line, strlen(line));
	}
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line,
		 "  " ST_DIM "Use \xE2\x86\x91\xE2\x86\x93 to navigate, \xE2\x86\x90\xE2\x86\x92 to move, "
		 "space to select, enter to confirm, esc to cancel.");
	(void)!tui_rows_push(rows, line, strlen(line));
}

/* config.toml's [tui] key set to the list, the rest of the file as it was. */
static int persist(const struct app *a, const char *key, const struct strv *l, struct err *e)
{
	struct buf value;
	int rc;

	buf_init(&value, LIMIT_CONFIG_FILE_BYTES);
	if (buf_putc(&value, '[') < 0)
		goto full;
	for (size_t i = 0; i < l->n; i++)
		if ((i && buf_puts(&value, ", ") < 0) || config_edit_quote(&value, l->v[i]) < 0)
			goto full;
	if (buf_putc(&value, ']') < 0)
		goto full;
	rc = tui_config_set(a, "tui", key, value.data, e);
	buf_free(&value);
	return rc;
full:
	buf_free(&value);
	return err_set(e, "the list does not fit in config.toml");
}

static void save(struct app *a)
{
	struct strv now = STRV_INIT;
	struct tui_rows c = {0};
	struct err e;
	const char *key = a->items_title ? "terminal_title" : "status_line";
	char msg[ERR_MSG_MAX + 64];

	for (size_t i = 0; i < a->select_items.n; i++)
		if (a->picker_on[i] && strv_push(&now, a->select_items.v[i]) < 0)
			break;
	a->modal = MODAL_NONE;
	err_clear(&e);
	if (persist(a, key, &now, &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to save %s: %s", key, e.msg);
		if (cell_error(msg, &c) == 0)
			app_commit(a, &c);
	}
	if (a->items_title) {
		strv_free(&a->title_items);
		a->title_items = now;
	} else {
		strv_free(&a->status_items);
		a->status_items = now;
	}
	tui_rows_free(&c);
}

/* Left/Right: the selected item trades places with its neighbour (the order is the
 * order shown in the footer or title). */
static void move_item(struct app *a, int dir)
{
	int i = a->modal_sel, j = i + dir;
	char *t;
	bool on;

	if (i < 0 || j < 0 || (size_t)i >= a->select_items.n || (size_t)j >= a->select_items.n)
		return;
	t = a->select_items.v[i];
	a->select_items.v[i] = a->select_items.v[j];
	a->select_items.v[j] = t;
	on = a->picker_on[i];
	a->picker_on[i] = a->picker_on[j];
	a->picker_on[j] = on;
	a->modal_sel = j;
}

void statusline_key(struct app *a, const struct key *k)
{
	int n = (int)a->select_items.n, c;

	if (k->kind == KEY_LEFT || k->kind == KEY_RIGHT)
		move_item(a, k->kind == KEY_LEFT ? -1 : 1);
	else if ((c = modal_list_key(a, k, n)) == '\r')
		save(a);
	else if (c == ' ' && a->modal_sel < n)
		a->picker_on[a->modal_sel] = !a->picker_on[a->modal_sel];
	app_dirty(a);
}
