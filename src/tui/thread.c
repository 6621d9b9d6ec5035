/* The thread's name and forks (reference codex-tui.md §9): `/rename <name>`, or
 * `/rename` alone for a prompt ("Name thread", or "Rename thread" once it has one), and
 * `/fork`, which continues in a new thread with a copy of this one's history (the old
 * session stays as it was, and resumes as before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static void commit_cell(struct app *a, int (*fn)(const char *, struct tui_rows *),
			const char *msg)
{
	struct tui_rows c = {0};

	if (fn(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

/* A word the shell reads as itself, or it in single quotes. */
static char *shell_word(const char *s)
{
	bool plain = *s != '\0';
	struct buf b;

	for (const char *p = s; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@+,=",
			       *p) != NULL;
	if (plain)
		return strdup(s);
	buf_init(&b, 4 * strlen(s) + 3);
	(void)!buf_putc(&b, '\'');
	for (const char *p = s; *p; p++)
		(void)!(*p == '\'' ? buf_puts(&b, "'\\''") : buf_putc(&b, *p));
	(void)!buf_putc(&b, '\'');
	return buf_take(&b);
}

char *thread_resume_command(const struct app *a)
{
	const char *target = a->thread_name ? a->thread_name : a->thread_id;
	char *w, *r;
	size_t n;

	if (!target || !(w = shell_word(target)))
		return NULL;
	n = strlen(w) + 32;
	if ((r = malloc(n)))
		/* a name starting with '-' would read as an option */
		snprintf(r, n, "codex resume %s%s", target[0] == '-' ? "-- " : "", w);
	free(w);
	return r;
}

static void set_name(struct app *a, const char *name)
{
	struct err e;
	char line[4096], *shown, *cmd;

	if (!a->agent)
		return;
	if (agent_set_thread_name(a->agent, name, &e) < 0) {
		commit_cell(a, cell_error, e.msg);
		return;
	}
	/* the event gave a->thread_name the normalised name */
	shown = cell_inert(a->thread_name ? a->thread_name : name, false);
	cmd = thread_resume_command(a);
	snprintf(line, sizeof line, "\xE2\x80\xA2 Thread renamed to " ST_CYAN "%s" ST_RESET
		 ", to resume this thread run " ST_CYAN "%s", shown ? shown : "", cmd ? cmd : "");
	free(shown);
	free(cmd);
	{
		struct tui_rows c = {0};
		if (tui_rows_push(&c, line, strlen(line)) == 0)
			app_commit(a, &c);
		tui_rows_free(&c);
	}
}

void thread_rename(struct app *a, const char *args)
{
	while (*args == ' ')
		args++;
	if (*args) {
		set_name(a, args);
		return;
	}
	a->prompt[0] = '\0';
	a->prompt_kind = PROMPT_RENAME;
	if (a->thread_name)
		snprintf(a->prompt, sizeof a->prompt, "%s", a->thread_name);
	a->modal = MODAL_PROMPT;
}

/* Removes the last UTF-8 character of the prompt. */
static void prompt_backspace(char *p)
{
	size_t n = strlen(p);

	while (n > 0 && ((unsigned char)p[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	p[n] = '\0';
}

static void prompt_append(char *p, size_t cap, const char *s, size_t n)
{
	size_t len = strlen(p);

	for (size_t i = 0; i < n && len + 4 < cap; i++)
		p[len++] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
	/* never a character cut in two */
	while (len > 0 && ((unsigned char)p[len - 1] & 0x80)) {
		size_t start = len - 1, need;
		while (start > 0 && ((unsigned char)p[start] & 0xc0) == 0x80)
			start--;
		need = (unsigned char)p[start] >= 0xf0 ? 4 : (unsigned char)p[start] >= 0xe0 ? 3
			: (unsigned char)p[start] >= 0xc0 ? 2 : 1;
		if (len - start >= need)
			break;
		len = start;
	}
	p[len] = '\0';
}

void thread_prompt_key(struct app *a, const struct key *k)
{
	switch (k->kind) {
	case KEY_ENTER: {
		char name[sizeof a->prompt];
		memcpy(name, a->prompt, sizeof name);
		a->modal = MODAL_NONE;
		if (a->prompt_kind == PROMPT_FEEDBACK)
			feedback_submit(a, name);
		else
			set_name(a, name);
		break;
	}
	case KEY_ESC:
		a->modal = MODAL_NONE;
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			a->modal = MODAL_NONE;
		else if (k->cp == 'u')
			a->prompt[0] = '\0';
		break;
	case KEY_BACKSPACE:
		prompt_backspace(a->prompt);
		break;
	case KEY_CHAR: {
		char u[4];
		int n = tui_utf8_encode(k->cp, u);
		prompt_append(a->prompt, sizeof a->prompt, u, (size_t)n);
		break;
	}
	case KEY_PASTE: {
		size_t n;
		const char *p = keys_paste(&a->keys, &n);
		prompt_append(a->prompt, sizeof a->prompt, p, n);
		break;
	}
	default:
		break;
	}
	app_dirty(a);
}

void thread_prompt_rows(struct app *a, struct tui_rows *rows, int width, int *cur_row,
			int *cur_col)
{
	char line[sizeof a->prompt + 64], title[64], *t = cell_inert(a->prompt, false), *cut;
	const char *hint = "Type a name and press Enter";

	(void)!tui_rows_push(rows, "", 0);
	if (a->prompt_kind == PROMPT_FEEDBACK)
		feedback_note_title(a, title, sizeof title, &hint);
	else
		snprintf(title, sizeof title, "%s", a->thread_name ? "Rename thread" : "Name thread");
	snprintf(line, sizeof line, "  " ST_BOLD "%s", title);
	(void)!tui_rows_push(rows, line, strlen(line));
	if (t && *t)
		snprintf(line, sizeof line, ST_CYAN "\xE2\x80\xBA " ST_RESET "%s", t);
	else
		snprintf(line, sizeof line, ST_CYAN "\xE2\x80\xBA " ST_RESET ST_DIM "%s", hint);
	cut = tui_truncate(line, strlen(line), width - 1);
	*cur_row = (int)rows->n;
	*cur_col = 2 + (t ? (int)tui_text_width(t, strlen(t)) : 0);
	if (*cur_col > width - 1)
		*cur_col = width - 1;
	(void)!tui_rows_push(rows, cut ? cut : "", cut ? strlen(cut) : 0);
	free(cut);
	free(t);
	(void)!tui_rows_push(rows, "", 0);
	snprintf(line, sizeof line, "  " ST_DIM "Press enter to confirm or esc to cancel");
	(void)!tui_rows_push(rows, line, strlen(line));
}

void thread_fork(struct app *a)
{
	const char *path;
	struct agent *old;

	/* The main thread is forked (with its sub-agents left behind): shown first. */
	agents_switch(a, 0);
	path = a->agent ? agent_rollout_path(a->agent) : NULL;
	old = a->agent;
	char *src, *old_id, msg[512];
	struct err e;

	if (!path) {
		commit_cell(a, cell_error, "This session is not saved: there is nothing to fork.");
		return;
	}
	src = strdup(path);
	old_id = a->thread_id ? strdup(a->thread_id) : NULL;
	if (!src) {
		free(old_id);
		return;
	}
	/* The new thread first: should it fail, this one goes on. */
	a->agent = NULL;
	if (app_start_agent_from(a, NULL, src, &e) < 0) {
		a->agent = a->main_agent = old;
		commit_cell(a, cell_error, e.msg);
		free(src);
		free(old_id);
		return;
	}
	agent_free(old);
	agents_free(a);
	backtrack_forget(a);
	a->total_tokens = a->input_tokens = a->output_tokens = a->cached_tokens = 0;
	a->reasoning_tokens = 0;
	app_header_card(a);
	/* the conversation so far, from the new thread's own rollout */
	if (agent_rollout_path(a->agent))
		start_render_rollout(a, agent_rollout_path(a->agent));
	snprintf(msg, sizeof msg, "Forked from session %s. This is a new session: %s",
		 old_id ? old_id : "", a->thread_id ? a->thread_id : "");
	commit_cell(a, cell_info, msg);
	free(src);
	free(old_id);
}
