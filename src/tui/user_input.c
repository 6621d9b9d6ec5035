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
	for (int i = 0; i < TUI_MAX_QUESTIONS; i++)
		a->ui_choice[i] = -1;
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
	snprintf(line, sizeof line, "  " ST_DIM "%s%s | esc to interrupt",
		 nq == 1 ? "enter to submit answer"
		 : a->ui_q + 1 >= nq ? "enter to submit all" : "enter to submit answer",
		 nq > 1 ? " | \xE2\x86\x90/\xE2\x86\x92 to navigate questions" : "");
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
			cJSON_AddItemToArray(list, cJSON_CreateString(choice_label(q, c)));
			add_inert(&cell, "    " ST_DIM "answer: " ST_RESET ST_CYAN, choice_label(q, c),
				  a->term.cols, 12);
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
	a->modal_sel = a->ui_choice[q] >= 0 ? a->ui_choice[q] : 0;
}

void user_input_key(struct app *a, const struct key *k)
{
	const cJSON *q = cJSON_GetArrayItem(questions(a), a->ui_q);
	int n = n_choices(q);

	switch (k->kind) {
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
		if (k->cp >= '1' && k->cp <= '9' && (int)(k->cp - '1') < n)
			a->modal_sel = (int)(k->cp - '1');
		break;
	default:
		break;
	}
	app_dirty(a);
}
