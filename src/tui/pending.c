/* Messages typed while a turn runs (reference codex-tui.md §4 and §5.1): Enter steers
 * the text into the running turn (agent_steer: the core sends it after the current tool
 * calls), Tab queues it for after the turn. Both wait above the composer, in the
 * pending input preview, until they are sent:
 *
 *   • Messages to be submitted after next tool call
 *     (press esc to interrupt and send immediately)
 *     ↳ a steer
 *   • Queued follow-up messages
 *     ↳ a follow-up
 *     alt + ↑ edit last queued message
 *
 * A steer leaves the preview when its user_message event comes (the core put it into
 * the history; it is then shown as a user cell, where it went); one the turn never sent
 * (Esc interrupted it, or it failed) goes, with the queued follow-ups, as the next
 * turn.
 *
 * Each message is kept with its mentions as links (mention_codec.h), as upstream keeps
 * its mention bindings with a queued or steered message: the turn it becomes, Up and
 * Shift+Left get them back. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"


static void queue(struct app *a, const char *text)
{
	char *t;

	if (a->n_queued >= TUI_MAX_QUEUED) {
		app_error(a, "Too many queued messages; wait for the turn to end.");
		return;
	}
	if ((t = strdup(text)))
		a->queued[a->n_queued++] = t;
}

void pending_submit(struct app *a, const char *text, const struct strv *images, bool queue_it)
{
	struct agent_user_input in = {0};
	struct strv names = STRV_INIT, paths = STRV_INIT;
	struct err e;
	char *t, *sent;
	int rc;

	if (queue_it || !a->agent || a->n_steers >= TUI_MAX_QUEUED) {
		queue(a, text);
		return;
	}
	if (!(sent = mention_decode(text, &names, &paths))) {
		app_error(a, "out of memory");
		return;
	}
	in.text = sent;
	in.images = images;
	in.mentions = &paths;
	in.history_text = text;
	rc = agent_steer(a->agent, &in, &e);
	free(sent);
	strv_free(&names);
	strv_free(&paths);
	if (rc < 0) {
		/* A turn that takes no input (a compaction): the message waits for its end. */
		queue(a, text);
		return;
	}
	if ((t = strdup(text)))
		a->steers[a->n_steers++] = t;
	/* Up recalls it, as any sent message */
	(void)!tui_rows_push(&a->hist, text, strlen(text));
	a->hist_pos = -1;
}

bool pending_key(struct app *a, const struct key *k)
{
	bool alt_up = k->kind == KEY_UP && (k->mods & KEYMOD_ALT);
	bool shift_left = k->kind == KEY_LEFT && (k->mods & KEYMOD_SHIFT);
	char *last, *joined, *draft;

	if ((!alt_up && !shift_left) || !a->n_queued)
		return false;
	last = a->queued[--a->n_queued];
	a->queued[a->n_queued] = NULL;
	/* A draft stays, after the message brought back; both keep their mentions. */
	draft = skills_link_mentions(a, composer_text(&a->comp));
	if (draft && *draft) {
		size_t n = strlen(last) + strlen(draft) + 2;
		joined = malloc(n);
		if (joined)
			snprintf(joined, n, "%s\n%s", last, draft);
	} else {
		joined = draft ? strdup(last) : NULL;
	}
	free(draft);
	if (!joined || skills_set_draft(a, joined) < 0) {
		a->queued[a->n_queued++] = last; /* no memory: it stays queued */
		free(joined);
		return true;
	}
	free(joined);
	free(last);
	return true;
}

static void add_row(struct tui_rows *rows, const char *line, int width)
{
	char *cut = tui_truncate(line, strlen(line), width - 1);

	if (cut)
		(void)!tui_rows_push(rows, cut, strlen(cut));
	free(cut);
}

/* "  ↳ text": the message's first line, cut to the width. */
static void message_row(struct tui_rows *rows, const char *msg, int width)
{
	char line[4096], *shown = mention_decode(msg, NULL, NULL);
	char *t = shown ? cell_inert(shown, false) : NULL;

	snprintf(line, sizeof line, "  " ST_DIM "\xE2\x86\xB3 %s", t ? t : "");
	free(shown);
	free(t);
	add_row(rows, line, width);
}

void pending_rows(struct app *a, struct tui_rows *rows, int width)
{
	if (a->n_steers) {
		add_row(rows, ST_DIM "\xE2\x80\xA2 Messages to be submitted after next tool call", width);
		add_row(rows, "  " ST_DIM "(press esc to interrupt and send immediately)", width);
		for (size_t i = 0; i < a->n_steers; i++)
			message_row(rows, a->steers[i], width);
	}
	if (a->n_queued) {
		add_row(rows, ST_DIM "\xE2\x80\xA2 Queued follow-up messages", width);
		for (size_t i = 0; i < a->n_queued; i++)
			message_row(rows, a->queued[i], width);
		/* tmux and a few terminals never deliver Alt+Up: Shift+Left there */
		add_row(rows, getenv("TMUX") ? "  " ST_DIM "shift + \xE2\x86\x90 edit last queued message"
					     : "  " ST_DIM "alt + \xE2\x86\x91 edit last queued message",
			width);
	}
}

void pending_user_message(struct app *a, const char *message)
{
	struct tui_rows cell = {0};

	char *steer;

	if (!a->n_steers || !message)
		return; /* a new turn's own message: app_submit showed it */
	steer = a->steers[0];
	memmove(a->steers, a->steers + 1, (a->n_steers - 1) * sizeof *a->steers);
	a->steers[--a->n_steers] = NULL;
	if (cell_user(message, &cell) == 0) {
		app_commit(a, &cell);
		/* Esc-Esc gets it back with its mentions */
		backtrack_note_user(a, steer ? steer : message, cell.n);
	}
	tui_rows_free(&cell);
	free(steer);
}

/* The follow-ups are sent from the loop, after the turn's last event: the core is idle
 * only once its callbacks returned. A turn the user started meanwhile keeps them
 * waiting for its own end. */
static void send_follow_ups(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, followup_timer));
	struct buf b;

	(void)l;
	if (a->busy || !a->n_queued || !a->agent)
		return;
	buf_init(&b, COMPOSER_MAX_BYTES * 2);
	/* All together as one turn, as upstream. */
	for (size_t i = 0; i < a->n_queued; i++) {
		(void)!buf_printf(&b, "%s%s", i ? "\n" : "", a->queued[i]);
		free(a->queued[i]);
		a->queued[i] = NULL;
	}
	a->n_queued = 0;
	if (b.data)
		app_submit_message(a, b.data, b.data, NULL);
	buf_free(&b);
	app_dirty(a);
}

void pending_turn_over(struct app *a)
{
	/* Steers the turn never sent go first: they were sent first. */
	if (a->n_steers) {
		size_t room = TUI_MAX_QUEUED - a->n_steers;
		for (size_t i = room; i < a->n_queued; i++)
			free(a->queued[i]); /* past the cap: the newest go */
		if (a->n_queued > room)
			a->n_queued = room;
		memmove(a->queued + a->n_steers, a->queued, a->n_queued * sizeof *a->queued);
		memcpy(a->queued, a->steers, a->n_steers * sizeof *a->steers);
		a->n_queued += a->n_steers;
		memset(a->steers, 0, sizeof a->steers);
		a->n_steers = 0;
	}
	if (a->n_queued &&
	    loop_timer_arm(a->loop, &a->followup_timer, loop_now(a->loop), send_follow_ups) < 0)
		send_follow_ups(a->loop, &a->followup_timer);
}

void pending_free(struct app *a)
{
	for (size_t i = 0; i < a->n_steers; i++)
		free(a->steers[i]);
	for (size_t i = 0; i < a->n_queued; i++)
		free(a->queued[i]);
	a->n_steers = a->n_queued = 0;
}
