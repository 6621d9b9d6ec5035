/* Backtrack (reference codex-tui.md §5.3): Esc on an idle, empty composer shows `esc
 * again to edit previous message`; a second Esc opens the transcript with the latest
 * user message highlighted; Esc/Left and Right choose another one and Enter forks the
 * conversation there: the agent drops that turn and every later one (agent_rollback),
 * the screen is redrawn with the history before it (session header included) and the
 * composer gets the message's text to edit and send again.
 *
 * The user cells of the conversation are remembered by where their lines are among
 * all lines ever committed (a->lines_total counts them; the transcript and the
 * pending lines are the newest of them). */
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

void backtrack_note_user(struct app *a, const char *text, size_t n_lines)
{
	struct user_cell *u;

	if (a->n_users == a->cap_users) {
		size_t cap = a->cap_users ? a->cap_users * 2 : 16;
		u = realloc(a->users, cap * sizeof *u);
		if (!u)
			return; /* this one cannot be backtracked to; nothing else breaks */
		a->users = u;
		a->cap_users = cap;
	}
	u = &a->users[a->n_users];
	u->text = strdup(text);
	if (!u->text)
		return;
	u->line = a->lines_total - n_lines;
	u->n = n_lines;
	a->n_users++;
}

void backtrack_forget(struct app *a)
{
	for (size_t i = 0; i < a->n_users; i++)
		free(a->users[i].text);
	a->n_users = 0;
}

/* The i-th of all kept lines (transcript, then pending), by absolute number; NULL when
 * it is no longer kept. */
static const char *line_at(const struct app *a, size_t abs)
{
	size_t kept = a->transcript.n + a->pending.n, base = a->lines_total - kept;

	if (abs < base || abs >= a->lines_total)
		return NULL;
	abs -= base;
	return abs < a->transcript.n ? a->transcript.v[abs] : a->pending.v[abs - a->transcript.n];
}

/* A row without its styles, for the highlighted message. */
static char *plain(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *o = malloc(n + 1);

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\x01' && i + 1 < n) {
			i++;
			continue;
		}
		o[k++] = s[i];
	}
	o[k] = '\0';
	return o;
}

/* The overlay's rows: every kept line wrapped, the selected message in reverse video,
 * scrolled so that it is in view. */
static void build_rows(struct app *a)
{
	struct tui_rows rows = {0};
	const struct user_cell *sel = &a->users[a->bt_sel];
	size_t kept = a->transcript.n + a->pending.n, base = a->lines_total - kept;
	size_t sel_row = 0;
	int w = a->term.cols;

	for (size_t abs = base; abs < a->lines_total; abs++) {
		const char *l = line_at(a, abs);
		bool hi = abs >= sel->line && abs < sel->line + sel->n;
		if (abs == sel->line)
			sel_row = rows.n;
		if (hi) {
			char *p = plain(l), *row = p ? malloc(strlen(p) + 4) : NULL;
			if (row) {
				memcpy(row, ST_REVERSE, 2);
				memcpy(row + 2, p, strlen(p) + 1);
				(void)!tui_wrap(row, strlen(row), w, 2, &rows);
			}
			free(row);
			free(p);
		} else if (tui_wrap(l, strlen(l), w, 2, &rows) < 0) {
			break;
		}
	}
	tui_rows_free(&a->overlay_rows);
	a->overlay_rows = rows;
	/* the selection a few rows below the top, or as low as the end allows */
	a->overlay_top = sel_row > 3 ? sel_row - 3 : 0;
	app_dirty(a);
}

/* The first user cell still on screen (older ones fell out of the kept lines). */
static int first_selectable(const struct app *a)
{
	for (size_t i = 0; i < a->n_users; i++)
		if (line_at(a, a->users[i].line))
			return (int)i;
	return -1;
}

void backtrack_esc(struct app *a)
{
	if (!a->esc_armed) {
		free(a->hint);
		a->hint = strdup("esc again to edit previous message");
		a->esc_armed = true;
		return;
	}
	a->esc_armed = false;
	free(a->hint);
	a->hint = NULL;
	if (first_selectable(a) < 0)
		return; /* nothing to go back to */
	a->bt_sel = (int)a->n_users - 1;
	{
		struct tui_rows none = {0};
		input_open_pager(a, "T R A N S C R I P T", &none);
	}
	a->backtrack = true;
	build_rows(a);
}

bool backtrack_begin_in_transcript(struct app *a)
{
	if (first_selectable(a) < 0)
		return false;
	a->esc_armed = false;
	free(a->hint);
	a->hint = NULL;
	a->bt_sel = (int)a->n_users - 1;
	a->backtrack = true;
	build_rows(a);
	return true;
}

/* Drops the user cell idx and everything after it from the kept lines. */
static void drop_lines_from(struct app *a, size_t idx)
{
	size_t from = a->users[idx].line, kept = a->transcript.n + a->pending.n;
	size_t base = a->lines_total - kept, cut;

	/* the blank line that separates the cell from the one before goes too */
	if (from > base && line_at(a, from - 1) && !*line_at(a, from - 1))
		from--;
	cut = from > base ? from - base : 0;
	while (a->pending.n && a->transcript.n + a->pending.n > cut)
		free(a->pending.v[--a->pending.n]);
	while (a->transcript.n > cut)
		free(a->transcript.v[--a->transcript.n]);
	a->lines_total = base + a->transcript.n + a->pending.n;
	a->any_cell = a->lines_total > 0;
	for (size_t i = idx; i < a->n_users; i++)
		free(a->users[i].text);
	a->n_users = idx;
}

void backtrack_drop_turns(struct app *a, size_t n)
{
	if (n == 0 || !a->n_users)
		return;
	if (n > a->n_users)
		n = a->n_users; /* as the reader does: all of them go */
	drop_lines_from(a, a->n_users - n);
}

/* Enter: the fork. */
static void edit_selected(struct app *a)
{
	size_t idx = (size_t)a->bt_sel, n = a->n_users - idx;
	char *text = strdup(a->users[idx].text);
	struct err e;

	input_close_overlay(a);
	if (!text)
		return;
	if (!a->agent || agent_rollback(a->agent, (unsigned)n, &e) < 0) {
		struct tui_rows c = {0};
		if (cell_error(a->agent ? e.msg : "no session", &c) == 0)
			app_commit(a, &c);
		tui_rows_free(&c);
		free(text);
		return;
	}
	drop_lines_from(a, idx);
	/* The screen and its scrollback are redrawn from the kept lines. */
	for (size_t i = 0; i < a->pending.n; i++)
		if (tui_rows_push(&a->transcript, a->pending.v[i], strlen(a->pending.v[i])) < 0)
			break;
	tui_rows_free(&a->pending); /* its array too: pending becomes another */
	{
		struct tui_rows all = a->transcript;
		memset(&a->transcript, 0, sizeof a->transcript);
		a->pending = all;
	}
	(void)!term_puts(&a->term, "\x1b[H\x1b[2J\x1b[3J");
	a->live_drawn = false;
	/* with its mentions bound again, as upstream pre-fills them */
	(void)!skills_set_draft(a, text);
	a->hist_pos = -1;
	free(text);
	app_dirty(a);
}

void backtrack_key(struct app *a, const struct key *k)
{
	switch (k->kind) {
	case KEY_ESC:
	case KEY_LEFT:
		if (a->bt_sel > 0 && a->bt_sel - 1 >= first_selectable(a))
			a->bt_sel--;
		build_rows(a);
		break;
	case KEY_RIGHT:
		if (a->bt_sel + 1 < (int)a->n_users)
			a->bt_sel++;
		build_rows(a);
		break;
	case KEY_ENTER:
		edit_selected(a);
		break;
	case KEY_CHAR:
		if (k->cp != 'q')
			break;
		/* fall through */
	case KEY_CTRL:
		if (k->kind == KEY_CTRL && k->cp != 'c')
			break;
		input_close_overlay(a);
		break;
	default:
		break;
	}
	app_dirty(a);
}
