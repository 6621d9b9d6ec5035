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


static void msg_free(struct pending_msg *m)
{
	free(m->text);
	strv_free(&m->images);
	strv_free(&m->labels);
	memset(m, 0, sizeof *m);
}

static int msg_copy(struct pending_msg *m, const char *text, const struct strv *images,
		    const struct strv *labels)
{
	memset(m, 0, sizeof *m);
	if (!(m->text = strdup(text)))
		return -1;
	for (size_t i = 0; images && labels && i < images->n && i < labels->n; i++)
		if (strv_push(&m->images, images->v[i]) < 0 ||
		    strv_push(&m->labels, labels->v[i]) < 0) {
			msg_free(m);
			return -1;
		}
	return 0;
}

static void queue(struct app *a, const char *text, const struct strv *images,
		  const struct strv *labels)
{
	if (a->n_queued >= TUI_MAX_QUEUED) {
		app_error(a, "Too many queued messages; wait for the turn to end.");
		return;
	}
	if (msg_copy(&a->queued[a->n_queued], text, images, labels) < 0) {
		app_error(a, "out of memory");
		return;
	}
	a->n_queued++;
}

void pending_submit(struct app *a, const char *text, const struct strv *images,
		    const struct strv *labels, bool queue_it)
{
	struct agent_user_input in = {0};
	struct strv names = STRV_INIT, paths = STRV_INIT;
	struct err e;
	char *sent;
	int rc;

	if (queue_it || !a->agent || a->n_steers >= TUI_MAX_QUEUED) {
		queue(a, text, images, labels);
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
		queue(a, text, images, labels);
		return;
	}
	/* Kept whole: a steer the turn never sends becomes the next turn, images and all. */
	if (msg_copy(&a->steers[a->n_steers], text, images, labels) == 0)
		a->n_steers++;
	/* Up recalls it, as any sent message */
	(void)!tui_rows_push(&a->hist, text, strlen(text));
	a->hist_pos = -1;
}

/* text (m's, its links decoded or not) with m's image labels renumbered: after the
 * composer's own images, which then hold them too (c; the draft may have an "[Image
 * #1]" of its own), or from *next on (c NULL; a merged message numbers its images
 * once). Malloc'ed, NULL when memory runs out. */
static char *relabel(const struct pending_msg *m, const char *text, struct composer *c,
		     size_t *next)
{
	struct buf b;
	const char *from = text;

	buf_init(&b, COMPOSER_MAX_BYTES);
	for (size_t i = 0; i < m->images.n && i < m->labels.n; i++) {
		const char *at = strstr(from, m->labels.v[i]);
		char label[48];
		if (!at)
			continue; /* its placeholder was edited away: it was not sent either */
		if (c ? composer_add_image(c, m->images.v[i], label, sizeof label) < 0
		      : snprintf(label, sizeof label, "[Image #%zu]", (*next)++) < 0)
			goto oom;
		if (buf_append(&b, from, (size_t)(at - from)) < 0 || buf_puts(&b, label) < 0)
			goto oom;
		from = at + strlen(m->labels.v[i]);
	}
	if (buf_puts(&b, from) < 0 || buf_putc(&b, '\0') < 0)
		goto oom;
	return buf_take(&b);
oom:
	buf_free(&b);
	return NULL;
}

bool pending_key(struct app *a, const struct key *k)
{
	bool alt_up = k->kind == KEY_UP && (k->mods & KEYMOD_ALT);
	bool shift_left = k->kind == KEY_LEFT && (k->mods & KEYMOD_SHIFT);
	struct strv names = STRV_INIT, paths = STRV_INIT;
	struct pending_msg last;
	char *plain, *text = NULL;
	bool draft;

	if ((!alt_up && !shift_left) || !a->n_queued)
		return false;
	last = a->queued[--a->n_queued];
	memset(&a->queued[a->n_queued], 0, sizeof a->queued[a->n_queued]);
	/* Put before the draft, which stays as it is: its pastes, images and mentions. */
	plain = mention_decode(last.text, &names, &paths);
	if (!plain || !(text = relabel(&last, plain, &a->comp, NULL))) {
		a->queued[a->n_queued++] = last; /* no memory: it stays queued */
		goto out;
	}
	draft = !composer_empty(&a->comp);
	a->comp.cur = 0;
	if (composer_insert(&a->comp, text, strlen(text)) < 0 ||
	    (draft && composer_insert(&a->comp, "\n", 1) < 0)) {
		app_error(a, "out of memory");
		msg_free(&last);
		goto out;
	}
	composer_end(&a->comp);
	for (size_t i = 0; i < names.n && i < paths.n; i++)
		if (strv_push(&a->mention_names, names.v[i]) < 0 ||
		    strv_push(&a->mention_paths, paths.v[i]) < 0)
			break;
	msg_free(&last);
out:
	free(plain);
	free(text);
	strv_free(&names);
	strv_free(&paths);
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
			message_row(rows, a->steers[i].text, width);
	}
	if (a->n_queued) {
		add_row(rows, ST_DIM "\xE2\x80\xA2 Queued follow-up messages", width);
		for (size_t i = 0; i < a->n_queued; i++)
			message_row(rows, a->queued[i].text, width);
		/* tmux and a few terminals never deliver Alt+Up: Shift+Left there */
		add_row(rows, getenv("TMUX") ? "  " ST_DIM "shift + \xE2\x86\x90 edit last queued message"
					     : "  " ST_DIM "alt + \xE2\x86\x91 edit last queued message",
			width);
	}
}

void pending_user_message(struct app *a, const char *message)
{
	struct tui_rows cell = {0};
	struct pending_msg steer;

	if (!a->n_steers || !message)
		return; /* a new turn's own message: app_submit showed it */
	steer = a->steers[0];
	memmove(a->steers, a->steers + 1, (a->n_steers - 1) * sizeof *a->steers);
	memset(&a->steers[--a->n_steers], 0, sizeof *a->steers);
	if (cell_user(message, &cell) == 0) {
		app_commit(a, &cell);
		/* Esc-Esc gets it back with its mentions */
		backtrack_note_user(a, steer.text ? steer.text : message, cell.n);
	}
	tui_rows_free(&cell);
	msg_free(&steer);
}

/* The follow-ups are sent from the loop, after the turn's last event: the core is idle
 * only once its callbacks returned. A turn the user started meanwhile keeps them
 * waiting for its own end. */
static void send_follow_ups(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, followup_timer));
	struct strv images = STRV_INIT;
	struct buf b;
	size_t next = 1;
	bool oom = false;

	(void)l;
	if (a->busy || !a->n_queued || !a->agent)
		return;
	buf_init(&b, COMPOSER_MAX_BYTES * 2);
	/* All together as one turn, as upstream: the texts one a line, the images in
	 * order, numbered once. */
	for (size_t i = 0; i < a->n_queued; i++) {
		struct pending_msg *m = &a->queued[i];
		char *msg = relabel(m, m->text, NULL, &next);
		if (!msg || buf_printf(&b, "%s%s", i ? "\n" : "", msg) < 0)
			oom = true;
		for (size_t k = 0; k < m->images.n; k++)
			if (strv_push(&images, m->images.v[k]) < 0)
				oom = true;
		free(msg);
		msg_free(m);
	}
	a->n_queued = 0;
	if (oom)
		app_error(a, "out of memory: the queued messages were not sent");
	else if (b.data)
		app_submit_message(a, b.data, b.data, &images);
	strv_free(&images);
	buf_free(&b);
	app_dirty(a);
}

void pending_turn_over(struct app *a)
{
	/* Steers the turn never sent go first: they were sent first. */
	if (a->n_steers) {
		size_t room = TUI_MAX_QUEUED - a->n_steers;
		for (size_t i = room; i < a->n_queued; i++)
			msg_free(&a->queued[i]); /* past the cap: the newest go */
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
		msg_free(&a->steers[i]);
	for (size_t i = 0; i < a->n_queued; i++)
		msg_free(&a->queued[i]);
	a->n_steers = a->n_queued = 0;
}
