/* Replacing the chat's session without leaving the app: /new and /clear start a fresh
 * one, /resume opens the resume picker (codex-tui.md §10, the one `codex resume` shows)
 * over the chat and resumes the chosen session in its place, its history rendered as
 * it was. Upstream's in-app picker goes back to the current session on Esc and on
 * Ctrl+C alike: only a choice replaces it. */
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"


void session_clear_screen(struct app *a)
{
	/* the scrollback too (3J): what was there belongs to the session that ends */
	(void)!term_puts(&a->term, "\x1b[H\x1b[2J\x1b[3J");
	a->live_drawn = false;
	a->any_cell = false;
}

void session_restart(struct app *a, const char *resume_path)
{
	struct err e;

	app_stop_agent(a);
	backtrack_forget(a);
	a->total_tokens = a->input_tokens = a->output_tokens = a->cached_tokens = 0;
	a->reasoning_tokens = 0;
	free(a->last_answer);
	a->last_answer = NULL;
	/* upstream's new chat widget starts in Default mode, a resumed one too */
	a->mode = AGENT_MODE_DEFAULT;
	a->turn_plan = a->in_plan = a->saw_plan = false;
	if (app_start_agent(a, resume_path, &e) < 0) {
		app_error(a, e.msg);
		a->quit = true;
		a->exit_code = 1;
		return;
	}
	app_header_card(a);
	skills_warn_errors(a);
	if (resume_path) {
		start_render_rollout(a, resume_path);
		agents_resumed(a, resume_path);
	}
	app_dirty(a);
}

void session_open_picker(struct app *a)
{
	struct err e;

	start_free_sessions(a);
	buf_reset(&a->picker_query);
	a->picker_sel = 0;
	a->picker_result = 0;
	if (start_list_sessions(a, &e) < 0) {
		app_error(a, e.msg);
		return;
	}
	a->picker_in_app = true;
	a->overlay = OVERLAY_PICKER;
	if (a->alt_allowed)
		term_enter_alt(&a->term);
	else
		(void)!term_puts(&a->term, "\x1b[H\x1b[2J");
	app_dirty(a);
}

const char *session_picked_path(const struct app *a)
{
	size_t idx = 0;

	if (a->picker_sel < 0)
		return NULL;
	for (size_t i = 0; i < a->n_sessions; i++) {
		if (a->picker_query.len && !strcasestr(a->sessions[i].preview, a->picker_query.data))
			continue;
		if ((int)idx++ == a->picker_sel)
			return a->sessions[i].path;
	}
	return NULL;
}

void session_picker_done(struct app *a)
{
	const char *picked = a->picker_result == 1 ? session_picked_path(a) : NULL;
	char *path = picked ? strdup(picked) : NULL;

	a->picker_result = 0;
	a->picker_in_app = false;
	input_close_overlay(a);
	start_free_sessions(a);
	buf_reset(&a->picker_query);
	if (picked && !path)
		app_error(a, "out of memory");
	else if (path)
		session_restart(a, path);
	free(path);
	app_dirty(a);
}
