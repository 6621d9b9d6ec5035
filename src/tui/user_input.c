/* The model's questions (request_user_input, Plan mode), as upstream's view shows them:
 * one question at a time with its options and a "None of the above" choice, then a
 * "Questions" cell with the answers, which go back to the core as the call's output.
 * Everything shown comes from the model and is made inert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* Upstream's label of the free-form choice (bottom_pane/request_user_input). */
#define OTHER_LABEL "None of the above"
#define OTHER_DESC "Optionally, add details in notes (tab)."

static const cJSON *questions(const struct app *a)
{
	return cJSON_GetObjectItemCaseSensitive(a->ui_reqs[0], "questions");
}

static int n_questions(const struct app *a)
{
	int n = cJSON_GetArraySize(questions(a));
	return n < TUI_MAX_QUESTIONS ? n : TUI_MAX_QUESTIONS;
}

static const char *field(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
	return s ? s : "";
}

static const cJSON *options(const cJSON *q)
{
	return cJSON_GetObjectItemCaseSensitive(q, "options");
}

/* Options shown for q: its own and "None of the above" when isOther. */
static int n_choices(const cJSON *q)
{
	return cJSON_GetArraySize(options(q)) +
	       (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "isOther")) ? 1 : 0);
}

static const char *choice_label(const cJSON *q, int i)
{
	const cJSON *o = cJSON_GetArrayItem(options(q), i);
	return o ? field(o, "label") : OTHER_LABEL;
}

static void start_request(struct app *a)
{
	a->ui_q = 0;
	a->ui_notes_on = false;
	for (int i = 0; i < TUI_MAX_QUESTIONS; i++) {
		a->ui_choice[i] = -1;
		a->ui_notes[i][0] = '\0';
	}
	a->modal = MODAL_USER_INPUT;
	a->modal_sel = 0;
}

void user_input_request(struct app *a, const cJSON *msg)
{
	const cJSON *q;
	char note[160];
	cJSON *dup;

	if (a->n_ui_reqs >= TUI_MAX_USER_INPUTS || !(dup = cJSON_Duplicate(msg, 1)))
		return; /* never answered: an interrupt ends it */
	a->ui_reqs[a->n_ui_reqs++] = dup;
	if (a->n_ui_reqs == 1)
		start_request(a);
	q = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(msg, "questions"), 0);
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(msg, "questions")) > 1)
		snprintf(note, sizeof note, "Questions requested: %d",
			 cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(msg, "questions")));
	else
		snprintf(note, sizeof note, "Question requested: %.100s", field(q, "question"));
	app_notify(a, "user-input-requested", note);
}

static void drop_first(struct app *a)
{
	cJSON_Delete(a->ui_reqs[0]);
	memmove(a->ui_reqs, a->ui_reqs + 1, (a->n_ui_reqs - 1) * sizeof a->ui_reqs[0]);
	a->n_ui_reqs--;
	if (a->n_ui_reqs)
		start_request(a);
	else if (a->modal == MODAL_USER_INPUT)
		a->modal = MODAL_NONE;
}

void user_input_clear(struct app *a)
{
	while (a->n_ui_reqs)
		drop_first(a);
}

static int unanswered(const struct app *a)
{
	int n = 0;

	for (int i = 0; i < n_questions(a); i++)
		n += a->ui_choice[i] < 0;
	return n;
}

static void add(struct tui_rows *rows, const char *s)
{
	(void)!tui_rows_push(rows, s, strlen(s));
}

static void add_inert(struct tui_rows *rows, const char *prefix, const char *text, int width,
		      int indent)
{
	char *t = cell_inert(text, false);
	size_t len = strlen(prefix) + (t ? strlen(t) : 0) + 1;
	char *line = malloc(len);

	if (line) {
		snprintf(line, len, "%s%s", prefix, t ? t : "");
		(void)!tui_wrap(line, strlen(line), width, indent, rows);
	}
	free(line);
	free(t);
}

void user_input_rows(struct app *a, struct tui_rows *rows, int width)
{
	const cJSON *q = cJSON_GetArrayItem(questions(a), a->ui_q);
	int nq = n_questions(a), nc = n_choices(q), left = unanswered(a);
	char line[256];

	add(rows, "");
	snprintf(line, sizeof line, "  " ST_BOLD "Question %d/%d" ST_RESET ST_DIM " (%d unanswered)",
		 a->ui_q + 1, nq, left);
	add(rows, line);
	add_inert(rows, "  ", field(q, "question"), width, 2);
	add(rows, "");
	for (int i = 0; i < nc; i++) {
		const cJSON *o = cJSON_GetArrayItem(options(q), i);
		char *label = cell_inert(choice_label(q, i), false);
		char *desc = cell_inert(o ? field(o, "description") : OTHER_DESC, false);
		size_t len = (label ? strlen(label) : 0) + (desc ? strlen(desc) : 0) + 64;
		char *row = malloc(len);
		if (row) {
			snprintf(row, len, "%s%d. %s  " ST_DIM "%s",
				 i == a->modal_sel ? "  " ST_CYAN "\xE2\x80\xBA " : "    ", i + 1,
				 label ? label : "", desc ? desc : "");
			(void)!tui_wrap(row, strlen(row), width, 7, rows);
		}
		free(row);
		free(label);
		free(desc);
	}
	add(rows, "");
	if (a->ui_notes_on) {
		const char *note = a->ui_notes[a->ui_q];
		if (*note)
			add_inert(rows, "  " ST_CYAN "\xE2\x80\xBA " ST_RESET, note, width, 4);
		else
			add(rows, "  " ST_CYAN "\xE2\x80\xBA " ST_RESET ST_DIM "Add notes");
		add(rows, "");
	}
	/* upstream's tips, in its order */
	snprintf(line, sizeof line, "  " ST_DIM "%s | %s%s%s",
		 a->ui_notes_on ? "tab or esc to clear notes" : "tab to add notes",
		 nq == 1 ? "enter to submit answer"
		 : a->ui_q + 1 >= nq ? "enter to submit all" : "enter to submit answer",
		 nq > 1 && !a->ui_notes_on ? " | \xE2\x86\x90/\xE2\x86\x92 to navigate questions" : "",
		 a->ui_notes_on ? "" : " | esc to interrupt");
	add(rows, line);
}

/* The "Questions" cell of upstream (RequestUserInputResultCell), and the response. */
static void submit(struct app *a)
{
	const cJSON *qs = questions(a);
	const char *call_id = field(a->ui_reqs[0], "call_id");
	cJSON *resp = cJSON_CreateObject(), *answers = cJSON_AddObjectToObject(resp, "answers");
	struct tui_rows cell = {0};
	int nq = n_questions(a);
	char line[128];
	struct err e;

	snprintf(line, sizeof line, ST_DIM "\xE2\x80\xA2 " ST_RESET ST_BOLD "Questions" ST_RESET
		 ST_DIM " %d/%d answered", nq - unanswered(a), nq);
	add(&cell, line);
	for (int i = 0; i < nq; i++) {
		const cJSON *q = cJSON_GetArrayItem(qs, i);
		cJSON *one = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(one, "answers");
		int c = a->ui_choice[i];
		add_inert(&cell, "  \xE2\x80\xA2 ", field(q, "question"), a->term.cols, 4);
		if (c >= 0) {
			const char *note = a->ui_notes[i];
			cJSON_AddItemToArray(list, cJSON_CreateString(choice_label(q, c)));
			add_inert(&cell, "    " ST_DIM "answer: " ST_RESET ST_CYAN, choice_label(q, c),
				  a->term.cols, 12);
			if (*note) {
				/* upstream sends a note as one more answer, so marked */
				size_t len = strlen(note) + 16;
				char *v = malloc(len);
				if (v) {
					snprintf(v, len, "user_note: %s", note);
					cJSON_AddItemToArray(list, cJSON_CreateString(v));
				}
				free(v);
				add_inert(&cell, "    " ST_DIM "note: " ST_RESET ST_CYAN, note,
					  a->term.cols, 10);
			}
		} else if (cell.n) {
			/* upstream marks the question itself */
			char *last = cell.v[cell.n - 1];
			size_t len = strlen(last) + 32;
			char *marked = malloc(len);
			if (marked) {
				snprintf(marked, len, "%s" ST_DIM " (unanswered)", last);
				free(cell.v[cell.n - 1]);
				cell.v[cell.n - 1] = marked;
			}
		}
		if (!cJSON_AddItemToObject(answers, field(q, "id"), one))
			cJSON_Delete(one);
	}
	app_commit(a, &cell);
	tui_rows_free(&cell);
	if (!answers || agent_answer_user_input(a->agent, call_id, resp, &e) < 0)
		app_error(a, answers ? e.msg : "out of memory");
	cJSON_Delete(resp);
	drop_first(a);
}

static void choose(struct app *a, int idx)
{
	a->ui_choice[a->ui_q] = idx;
	a->ui_notes_on = false;
	if (a->ui_q + 1 < n_questions(a)) {
		a->ui_q++;
		a->modal_sel = a->ui_choice[a->ui_q] >= 0 ? a->ui_choice[a->ui_q] : 0;
		return;
	}
	submit(a);
}

static void move_question(struct app *a, int d)
{
	int nq = n_questions(a), q = a->ui_q + d;

	if (q < 0 || q >= nq)
		return;
	a->ui_q = q;
	a->ui_notes_on = false;
	a->modal_sel = a->ui_choice[q] >= 0 ? a->ui_choice[q] : 0;
}

/* Keys while the notes line has them: text, Backspace, Enter submits with the note,
 * Tab or Esc clears it and gives the keys back to the options. */
static void notes_key(struct app *a, const struct key *k, int n)
{
	char *note = a->ui_notes[a->ui_q];
	size_t len = strlen(note);

	switch (k->kind) {
	case KEY_CHAR: {
		char u[4];
		int w = tui_utf8_encode(k->cp, u);
		if (k->cp >= 0x20 && len + (size_t)w < TUI_NOTE_MAX) {
			memcpy(note + len, u, (size_t)w);
			note[len + (size_t)w] = '\0';
		}
		break;
	}
	case KEY_PASTE: {
		size_t pn;
		const char *p = keys_paste(&a->keys, &pn);
		for (size_t i = 0; i < pn && len + 1 < TUI_NOTE_MAX; i++)
			if ((unsigned char)p[i] >= 0x20)
				note[len++] = p[i];
		note[len] = '\0';
		break;
	}
	case KEY_BACKSPACE:
		while (len > 0 && ((unsigned char)note[len - 1] & 0xC0) == 0x80)
			len--; /* a UTF-8 continuation byte: back to the character's start */
		if (len > 0)
			note[len - 1] = '\0';
		break;
	case KEY_ENTER:
		if (n > 0)
			choose(a, a->modal_sel < n ? a->modal_sel : n - 1);
		break;
	case KEY_TAB:
	case KEY_ESC:
		note[0] = '\0';
		a->ui_notes_on = false;
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			agent_interrupt(a->agent);
		break;
	default:
		break;
	}
}

void user_input_key(struct app *a, const struct key *k)
{
	const cJSON *q = cJSON_GetArrayItem(questions(a), a->ui_q);
	int n = n_choices(q);

	if (a->ui_notes_on) {
		notes_key(a, k, n);
		app_dirty(a);
		return;
	}
	switch (k->kind) {
	case KEY_TAB:
		a->ui_notes_on = true;
		break;
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		break;
	case KEY_LEFT:
		move_question(a, -1);
		break;
	case KEY_RIGHT:
		move_question(a, 1);
		break;
	case KEY_ENTER:
		if (n > 0)
			choose(a, a->modal_sel < n ? a->modal_sel : n - 1);
		break;
	case KEY_ESC:
		/* upstream's "esc to interrupt": the turn stops, the call is answered so */
		agent_interrupt(a->agent);
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			agent_interrupt(a->agent);
		break;
	case KEY_CHAR:
		/* upstream: a digit picks that option and goes on; j/k and h/l move */
		if (k->cp >= '1' && k->cp <= '9' && (int)(k->cp - '1') < n) {
			a->modal_sel = (int)(k->cp - '1');
			choose(a, a->modal_sel);
		} else if (k->cp == 'j' || k->cp == 'k') {
			struct key mv = *k;
			mv.kind = k->cp == 'j' ? KEY_DOWN : KEY_UP;
			modal_move(a, &mv, n);
		} else if (k->cp == 'h' || k->cp == 'l') {
			move_question(a, k->cp == 'h' ? -1 : 1);
		}
		break;
	default:
		break;
	}
	app_dirty(a);
}
