/* Keys: the overlay's, the modal's, then the composer's (reference codex-tui.md §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

static void set_hint(struct app *a, const char *h)
{
	free(a->hint);
	a->hint = h ? strdup(h) : NULL;
}

void input_close_overlay(struct app *a)
{
	a->overlay = OVERLAY_NONE;
	a->backtrack = false;
	a->in_transcript = false;
	tui_rows_free(&a->overlay_rows);
	term_leave_alt(&a->term);
	if (!a->alt_allowed) {
		/* drawn inline: clear what it covered */
		(void)!term_puts(&a->term, "\x1b[H\x1b[2J");
		a->live_drawn = false;
	}
}

static void overlay_key(struct app *a, const struct key *k)
{
	size_t page = a->term.rows > 3 ? (size_t)a->term.rows - 2 : 1;

	if (a->backtrack) {
		backtrack_key(a, k);
		return;
	}
	if (a->overlay == OVERLAY_MIGRATION) {
		migration_key(a, k);
		return;
	}
	if (a->overlay == OVERLAY_PICKER) {
		switch (k->kind) {
		case KEY_UP:
			if (a->picker_sel > 0)
				a->picker_sel--;
			break;
		case KEY_DOWN:
			a->picker_sel++;
			if ((size_t)a->picker_sel >= a->n_sessions)
				a->picker_sel = a->n_sessions ? (int)a->n_sessions - 1 : 0;
			break;
		case KEY_ENTER:
			a->picker_result = a->n_sessions ? 1 : 2;
			break;
		case KEY_ESC:
			a->picker_result = 2;
			break;
		case KEY_CTRL:
			if (k->cp == 'c' || k->cp == 'd')
				a->picker_result = 3;
			break;
		case KEY_BACKSPACE:
			if (a->picker_query.len)
				a->picker_query.data[--a->picker_query.len] = '\0';
			a->picker_sel = 0;
			break;
		case KEY_CHAR: {
			char u[4];
			int n = tui_utf8_encode(k->cp, u);
			(void)!buf_append(&a->picker_query, u, (size_t)n);
			a->picker_sel = 0;
			break;
		}
		default:
			break;
		}
		if (a->picker_in_app && a->picker_result)
			session_picker_done(a);
		app_dirty(a);
		return;
	}
	switch (k->kind) {
	case KEY_UP:
		if (a->overlay_top)
			a->overlay_top--;
		break;
	case KEY_DOWN:
		a->overlay_top++;
		break;
	case KEY_PGUP:
		a->overlay_top = a->overlay_top > page ? a->overlay_top - page : 0;
		break;
	case KEY_PGDN:
		a->overlay_top += page;
		break;
	case KEY_HOME:
		a->overlay_top = 0;
		break;
	case KEY_END:
		a->overlay_top = a->overlay_rows.n;
		break;
	case KEY_CHAR:
		if (k->cp == 'q')
			input_close_overlay(a);
		else if (k->cp == 'k' && a->overlay_top)
			a->overlay_top--;
		else if (k->cp == 'j')
			a->overlay_top++;
		else if (k->cp == ' ')
			a->overlay_top += page;
		break;
	case KEY_ESC:
		/* In the transcript Esc starts the backtrack preview, as upstream's does;
		 * with no message to go back to it stays open (q closes it). */
		if (!a->in_transcript)
			input_close_overlay(a);
		else
			(void)backtrack_begin_in_transcript(a);
		break;
	case KEY_CTRL:
		if (k->cp == 'c' || k->cp == 't')
			input_close_overlay(a);
		break;
	default:
		break;
	}
	app_dirty(a);
}

void input_open_pager(struct app *a, const char *title, struct tui_rows *rows)
{
	tui_rows_free(&a->overlay_rows);
	a->overlay_rows = *rows;
	memset(rows, 0, sizeof *rows);
	free(a->overlay_title);
	a->overlay_title = strdup(title);
	a->overlay_top = 0;
	a->overlay = OVERLAY_PAGER;
	a->in_transcript = false;
	if (a->alt_allowed) {
		term_enter_alt(&a->term);
	} else {
		(void)!term_puts(&a->term, "\x1b[H\x1b[2J");
	}
	app_dirty(a);
}

static void open_transcript(struct app *a)
{
	struct tui_rows rows = {0};
	int w = a->term.cols;

	for (size_t i = 0; i < a->transcript.n; i++)
		if (tui_wrap(a->transcript.v[i], strlen(a->transcript.v[i]), w, 2, &rows) < 0)
			break;
	for (size_t i = 0; i < a->pending.n; i++)
		if (tui_wrap(a->pending.v[i], strlen(a->pending.v[i]), w, 2, &rows) < 0)
			break;
	input_open_pager(a, "T R A N S C R I P T", &rows);
	a->in_transcript = true;
	a->overlay_top = rows.n; /* start at the end, as upstream */
	a->overlay_top = a->overlay_rows.n;
}

static void decide(struct app *a, enum agent_decision d)
{
	struct approval ap;
	const char *id;
	struct err e;
	struct tui_rows cell = {0};
	char line[512];

	if (!a->n_approvals)
		return;
	ap = a->approvals[0];
	memmove(a->approvals, a->approvals + 1, (a->n_approvals - 1) * sizeof *a->approvals);
	a->n_approvals--;
	if (!a->n_approvals)
		a->modal = MODAL_NONE;
	a->modal_sel = 0;
	id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		ap.msg, ap.kind == AGENT_EV_ELICITATION_REQUEST ? "id" : "call_id"));
	if (ap.kind == AGENT_EV_ELICITATION_REQUEST) {
		const char *srv = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(ap.msg, "server_name"));
		char *sv = cell_inert(srv ? srv : "", false);
		snprintf(line, sizeof line, "%s" ST_BOLD "%s" ST_RESET "%s",
			 d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION
				 ? ST_GREEN "\xE2\x9C\x94 " ST_RESET "You allowed the MCP server "
				 : ST_RED "\xE2\x9C\x97 " ST_RESET "You canceled the tool call of the MCP server ",
			 sv ? sv : "", d == AGENT_APPROVED_FOR_SESSION ? " to run this tool for this session"
				       : d == AGENT_APPROVED ? " to run this tool this time" : "");
		free(sv);
	} else if (approval_network_host(&ap)) {
		char *h = cell_inert(approval_network_host(&ap), false);
		switch (d) {
		case AGENT_APPROVED:
			snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved network access to "
				 ST_BOLD "%s" ST_RESET " this time", h ? h : "");
			break;
		case AGENT_APPROVED_FOR_SESSION:
			snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved network access to "
				 ST_BOLD "%s" ST_RESET " for this conversation", h ? h : "");
			break;
		case AGENT_DENIED:
		case AGENT_ABORT:
			snprintf(line, sizeof line, ST_RED "\xE2\x9C\x97 " ST_RESET "You did not approve network access to "
				 ST_BOLD "%s" ST_RESET, h ? h : "");
			break;
		}
		free(h);
	} else if (ap.kind == AGENT_EV_EXEC_APPROVAL_REQUEST) {
		char *cmd = cell_command_text(cJSON_GetObjectItemCaseSensitive(ap.msg, "command"));
		char *cut = cmd && strlen(cmd) > 60 ? cmd : NULL;
		if (cut)
			memcpy(cut + 57, "...", 4);
		switch (d) {
		case AGENT_APPROVED:
			snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved codex to run "
				 ST_BOLD "%s" ST_RESET " this time", cmd ? cmd : "");
			break;
		case AGENT_APPROVED_FOR_SESSION:
			snprintf(line, sizeof line, ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved codex to run "
				 ST_BOLD "%s" ST_RESET " every time this session", cmd ? cmd : "");
			break;
		case AGENT_DENIED:
			snprintf(line, sizeof line, ST_RED "\xE2\x9C\x97 " ST_RESET "You did not approve codex to run "
				 ST_BOLD "%s" ST_RESET, cmd ? cmd : "");
			break;
		case AGENT_ABORT:
			snprintf(line, sizeof line, ST_RED "\xE2\x9C\x97 " ST_RESET "You canceled the request to run "
				 ST_BOLD "%s" ST_RESET, cmd ? cmd : "");
			break;
		}
		free(cmd);
	} else {
		snprintf(line, sizeof line, "%s", d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION
			 ? ST_GREEN "\xE2\x9C\x94 " ST_RESET "You approved codex to apply these edits"
			 : ST_RED "\xE2\x9C\x97 " ST_RESET "You canceled the request to apply these edits");
	}
	(void)!tui_rows_push(&cell, line, strlen(line));
	app_commit(a, &cell);
	tui_rows_free(&cell);
	if (id && (ap.agent || a->agent) &&
	    agent_decide(ap.agent ? ap.agent : a->agent, id, d, &e) < 0) {
		struct tui_rows c2 = {0};
		if (cell_error(e.msg, &c2) == 0)
			app_commit(a, &c2);
		tui_rows_free(&c2);
	}
	cJSON_Delete(ap.msg);
	app_dirty(a);
}

/* A network approval: its options come from the request (net_choices.c). */
static void net_choose(struct app *a, enum net_choice c)
{
	switch (c) {
	case NET_CHOICE_ONCE:
		decide(a, AGENT_APPROVED);
		break;
	case NET_CHOICE_SESSION:
		decide(a, AGENT_APPROVED_FOR_SESSION);
		break;
	case NET_CHOICE_ALLOW_RULE:
	case NET_CHOICE_DENY_RULE:
		net_rule_choose(a, c == NET_CHOICE_ALLOW_RULE);
		break;
	case NET_CHOICE_ABORT:
	case NET_CHOICE_COUNT:
		decide(a, AGENT_ABORT);
		break;
	}
}

static bool net_approval_key(struct app *a, const struct key *k)
{
	enum net_choice v[NET_CHOICE_COUNT];
	int n = (int)net_choices(&a->approvals[0], v);
	static const char keys[] = {[NET_CHOICE_ONCE] = 'y', [NET_CHOICE_SESSION] = 'a',
				    [NET_CHOICE_ALLOW_RULE] = 'p', [NET_CHOICE_DENY_RULE] = 'd',
				    [NET_CHOICE_ABORT] = 'n'};

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		break;
	case KEY_ENTER:
		net_choose(a, v[a->modal_sel < n ? a->modal_sel : n - 1]);
		break;
	case KEY_ESC:
		net_choose(a, NET_CHOICE_ABORT);
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			net_choose(a, NET_CHOICE_ABORT);
		break;
	case KEY_CHAR:
		if (k->cp >= '1' && k->cp < (uint32_t)('1' + n)) {
			net_choose(a, v[k->cp - '1']);
			break;
		}
		for (int i = 0; i < n; i++)
			if (k->cp == (uint32_t)keys[v[i]]) {
				net_choose(a, v[i]);
				break;
			}
		break;
	default:
		break;
	}
	app_dirty(a);
	return true;
}

/* An MCP tool call's form: its options come from the request (mcp_choices.c). */
static void mcp_choose(struct app *a, enum mcp_choice c)
{
	switch (c) {
	case MCP_CHOICE_ALLOW:
		decide(a, AGENT_APPROVED);
		break;
	case MCP_CHOICE_SESSION:
		decide(a, AGENT_APPROVED_FOR_SESSION);
		break;
	case MCP_CHOICE_ALWAYS:
		mcp_always_choose(a);
		break;
	case MCP_CHOICE_CANCEL:
	case MCP_CHOICE_COUNT:
		decide(a, AGENT_ABORT);
		break;
	}
}

static void mcp_approval_key(struct app *a, const struct key *k)
{
	enum mcp_choice v[MCP_CHOICE_COUNT];
	int n = (int)mcp_choices(&a->approvals[0], v);

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		break;
	case KEY_ENTER:
		mcp_choose(a, v[a->modal_sel < n ? a->modal_sel : n - 1]);
		break;
	case KEY_ESC:
		mcp_choose(a, MCP_CHOICE_CANCEL);
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			mcp_choose(a, MCP_CHOICE_CANCEL);
		break;
	case KEY_CHAR:
		if (k->cp >= '1' && k->cp < (uint32_t)('1' + n))
			mcp_choose(a, v[k->cp - '1']);
		else if (k->cp == 'y')
			mcp_choose(a, MCP_CHOICE_ALLOW);
		else if (k->cp == 'a' && n > 2 && v[1] == MCP_CHOICE_SESSION)
			mcp_choose(a, MCP_CHOICE_SESSION);
		else if (k->cp == 'n')
			mcp_choose(a, MCP_CHOICE_CANCEL);
		break;
	default:
		break;
	}
	app_dirty(a);
}

static void approval_key(struct app *a, const struct key *k)
{
	/* A network approval and an MCP tool call have the patch's three choices: once,
	 * for the session, no (refused or cancelled; the turn goes on). */
	bool patch = a->approvals[0].kind == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST ||
		     a->approvals[0].kind == AGENT_EV_ELICITATION_REQUEST ||
		     approval_network_host(&a->approvals[0]);
	static const enum agent_decision exec_d[] = {AGENT_APPROVED, AGENT_APPROVED_FOR_SESSION,
						     AGENT_DENIED, AGENT_ABORT};
	static const enum agent_decision patch_d[] = {AGENT_APPROVED, AGENT_APPROVED_FOR_SESSION,
						      AGENT_ABORT};
	const enum agent_decision *ds = patch ? patch_d : exec_d;
	int n = patch ? 3 : 4;

	if (approval_network_host(&a->approvals[0])) {
		net_approval_key(a, k);
		return;
	}
	/* o: the thread that asks, when it is not the one shown. */
	if (k->kind == KEY_CHAR && k->cp == 'o' && a->approvals[0].agent &&
	    a->approvals[0].agent != a->agent) {
		for (size_t i = 0; i < a->n_threads; i++)
			if (a->threads[i].agent == a->approvals[0].agent)
				agents_switch(a, i);
		return;
	}
	if (a->approvals[0].kind == AGENT_EV_ELICITATION_REQUEST) {
		mcp_approval_key(a, k);
		return;
	}

	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		break;
	case KEY_ENTER:
		decide(a, ds[a->modal_sel]);
		break;
	case KEY_ESC:
		decide(a, AGENT_ABORT);
		break;
	case KEY_CTRL:
		if (k->cp == 'c')
			decide(a, AGENT_ABORT);
		break;
	case KEY_CHAR:
		if (k->cp == 'y')
			decide(a, AGENT_APPROVED);
		else if (k->cp == 'a')
			decide(a, AGENT_APPROVED_FOR_SESSION);
		else if (k->cp == 'd' && !patch)
			decide(a, AGENT_DENIED);
		else if (k->cp == 'n')
			decide(a, AGENT_ABORT);
		else if (k->cp >= '1' && k->cp < (uint32_t)('1' + n))
			decide(a, ds[k->cp - '1']);
		break;
	default:
		break;
	}
	app_dirty(a);
}

static void select_key(struct app *a, const struct key *k)
{
	int n = (int)a->select_items.n, c = modal_list_key(a, k, n);

	if (c == '\r')
		select_choose(a, a->modal_sel);
	else if (c >= '1' && c <= '9' && c - '1' < n)
		select_choose(a, c - '1');
	app_dirty(a);
}

static void history_recall(struct app *a, int dir)
{
	long pos = a->hist_pos;

	if (!a->hist.n)
		return;
	if (dir < 0)
		pos = pos < 0 ? (long)a->hist.n - 1 : pos > 0 ? pos - 1 : 0;
	else if (pos >= 0)
		pos = pos + 1 < (long)a->hist.n ? pos + 1 : -1;
	else
		return;
	a->hist_pos = pos;
	/* An entry holds its mentions as links: they are bound again (upstream). */
	(void)!skills_set_draft(a, pos < 0 ? "" : a->hist.v[pos]);
}

static bool recalling(const struct app *a)
{
	char *shown;
	bool same;

	if (composer_empty(&a->comp))
		return true;
	if (a->hist_pos < 0 || !(shown = mention_decode(a->hist.v[a->hist_pos], NULL, NULL)))
		return false;
	same = strcmp(composer_text(&a->comp), shown) == 0;
	free(shown);
	return same;
}

static void submit(struct app *a, bool queue)
{
	char *text, *display, *linked_display = NULL, *linked_text = NULL;
	struct strv images = STRV_INIT, labels = STRV_INIT;

	if (composer_empty(&a->comp))
		return;
	display = strdup(composer_text(&a->comp));
	text = composer_expanded(&a->comp);
	if (!display || !text || composer_image_pairs(&a->comp, &labels, &images) < 0)
		goto out;
	composer_clear(&a->comp);
	if ((display[0] == '/' && slash_run(a, display)) || user_shell_submit(a, text))
		goto out;
	/* The message keeps its mentions wherever it goes: queued, steered, sent, and in
	 * the history (mention_codec.h). */
	linked_display = skills_link_mentions(a, display);
	linked_text = skills_link_mentions(a, text);
	skills_clear_mentions(a);
	if (!linked_display || !linked_text) {
		app_error(a, "out of memory");
		goto out;
	}
	if (a->busy)
		/* Enter steers the running turn, Tab queues for after it (pending.c). */
		pending_submit(a, linked_text, &images, &labels, queue);
	else
		app_submit_message(a, linked_display, linked_text, &images);
out:
	free(display);
	free(text);
	free(linked_display);
	free(linked_text);
	strv_free(&images);
	strv_free(&labels);
}

/* Keys of the `@` file popup: Up/Down select, Tab/Enter put the path in place of the
 * token (quoted when it holds whitespace), Esc leaves the text as typed. */
static bool at_popup_key(struct app *a, const struct key *k)
{
	size_t at, alen, nf;
	const char *f[8];
	char q[256];

	if (k->kind != KEY_UP && k->kind != KEY_DOWN && k->kind != KEY_TAB && k->kind != KEY_ENTER)
		return false;
	if (!files_at_token(&a->comp, &at, &alen))
		return false;
	snprintf(q, sizeof q, "%.*s", (int)(alen - 1), composer_text(&a->comp) + at + 1);
	files_list(a);
	nf = files_match(a, q, f, 8);
	if (!nf)
		return false;
	if (k->kind == KEY_UP) {
		a->at_sel = a->at_sel > 0 ? a->at_sel - 1 : (int)nf - 1;
	} else if (k->kind == KEY_DOWN) {
		a->at_sel = (a->at_sel + 1) % (int)nf;
	} else {
		const char *path = f[a->at_sel < (int)nf ? a->at_sel : 0];
		bool quote = strpbrk(path, " \t") && !strchr(path, '"');
		char *ins = malloc(strlen(path) + 4);
		if (!ins)
			return true;
		snprintf(ins, strlen(path) + 4, quote ? "\"%s\" " : "%s ", path);
		/* the token (with its '@') goes; the path takes its place */
		(void)!composer_replace(&a->comp, at, alen, ins);
		free(ins);
		a->at_sel = 0;
	}
	return true;
}

void input_key(void *arg, const struct key *k)
{
	struct app *a = arg;
	bool was_hint = a->hint != NULL;

	if (k->kind == KEY_FOCUS_IN || k->kind == KEY_FOCUS_OUT) {
		a->focused = k->kind == KEY_FOCUS_IN;
		return;
	}
	if (a->overlay != OVERLAY_NONE) {
		overlay_key(a, k);
		return;
	}
	if (a->modal == MODAL_APPROVAL && a->n_approvals) {
		approval_key(a, k);
		return;
	}
	if (a->modal == MODAL_SELECT) {
		select_key(a, k);
		return;
	}
	if (a->modal == MODAL_PROMPT) {
		thread_prompt_key(a, k);
		return;
	}
	if (a->modal == MODAL_ITEMS) {
		statusline_key(a, k);
		return;
	}
	if (a->modal == MODAL_FEATURES) {
		experimental_key(a, k);
		return;
	}
	if (a->modal == MODAL_SKILLS) {
		skills_toggle_key(a, k);
		return;
	}
	if (a->modal == MODAL_THEME) {
		theme_key(a, k);
		return;
	}
	if (a->modal == MODAL_USER_INPUT && a->n_ui_reqs) {
		user_input_key(a, k);
		return;
	}
	if (a->modal == MODAL_PLUGINS) {
		plugins_key(a, k);
		return;
	}
	if (a->modal == MODAL_APPS) {
		apps_key(a, k);
		return;
	}
	if (!(k->kind == KEY_CTRL && k->cp == 'c'))
		set_hint(a, NULL);
	if (k->kind != KEY_ESC)
		a->esc_armed = false;
	/* Alt+Left / Alt+Right: the previous / next agent thread, only with an empty draft
	 * (editing keeps them for moving by words), as upstream. */
	if ((k->kind == KEY_LEFT || k->kind == KEY_RIGHT) && (k->mods & KEYMOD_ALT) &&
	    composer_empty(&a->comp) && !a->n_queued && a->n_threads > 1) {
		size_t n = a->n_threads;
		agents_switch(a, (a->active_thread + (k->kind == KEY_LEFT ? n - 1 : 1)) % n);
		return;
	}
	if (skills_popup_key(a, k) || at_popup_key(a, k) || pending_key(a, k)) {
		app_dirty(a);
		return;
	}
	switch (k->kind) {
	case KEY_ENTER:
	case KEY_TAB: {
		const struct slash_cmd *m[8];
		size_t nm = slash_matches(a, composer_text(&a->comp), m, 8);
		/* Tab queues messages for the model; a `!` command is not one. */
		if (k->kind == KEY_TAB && composer_text(&a->comp)[0] == '!')
			break;
		if (nm && a->popup_sel < (int)nm) {
			char cmd[64];
			snprintf(cmd, sizeof cmd, "/%s", m[a->popup_sel]->name);
			if (k->kind == KEY_TAB) {
				snprintf(cmd, sizeof cmd, "/%s ", m[a->popup_sel]->name);
				(void)!composer_set(&a->comp, cmd);
				break;
			}
			(void)!composer_set(&a->comp, cmd);
		}
		submit(a, k->kind == KEY_TAB);
		a->popup_sel = 0;
		break;
	}
	case KEY_NEWLINE:
		(void)!composer_insert(&a->comp, "\n", 1);
		break;
	case KEY_BACKTAB:
	{
		/* upstream: the next collaboration mode, only idle with no popup open (the
		 * slash commands' or the `@` files') */
		size_t at, alen;
		if (!a->busy && !slash_matches(a, composer_text(&a->comp), NULL, 0) &&
		    !files_at_token(&a->comp, &at, &alen))
			collab_cycle(a);
		break;
	}
	case KEY_PASTE: {
		size_t n;
		const char *p = keys_paste(&a->keys, &n);
		/* the path of an image (a file dragged onto the terminal): attached */
		char *img = composer_image_path(p, n, a->o->cwd);
		if (img)
			(void)!composer_attach_image(&a->comp, img);
		else
			(void)!composer_paste(&a->comp, p, n);
		free(img);
		break;
	}
	case KEY_CHAR: {
		char u[4];
		int n;
		if (k->cp == '?' && composer_empty(&a->comp)) {
			/* `?` on an empty composer toggles the key hints, as upstream */
			a->shortcuts = !a->shortcuts;
			break;
		}
		n = tui_utf8_encode(k->cp, u);
		(void)!composer_insert(&a->comp, u, (size_t)n);
		a->popup_sel = 0;
		a->shortcuts = false;
		break;
	}
	case KEY_BACKSPACE:
		if (k->mods & KEYMOD_ALT)
			composer_kill_word_back(&a->comp);
		else
			composer_backspace(&a->comp);
		break;
	case KEY_DELETE:
		composer_delete(&a->comp);
		break;
	case KEY_LEFT:
		composer_left(&a->comp);
		break;
	case KEY_RIGHT:
		composer_right(&a->comp);
		break;
	case KEY_HOME:
		composer_home(&a->comp);
		break;
	case KEY_END:
		composer_end(&a->comp);
		break;
	case KEY_UP: {
		const struct slash_cmd *m[8];
		size_t nm = slash_matches(a, composer_text(&a->comp), m, 8);
		if (nm) {
			a->popup_sel = a->popup_sel > 0 ? a->popup_sel - 1 : (int)nm - 1;
		} else if (recalling(a)) {
			history_recall(a, -1);
		} else {
			composer_up(&a->comp);
		}
		break;
	}
	case KEY_DOWN: {
		const struct slash_cmd *m[8];
		size_t nm = slash_matches(a, composer_text(&a->comp), m, 8);
		if (nm) {
			a->popup_sel = (a->popup_sel + 1) % (int)nm;
		} else if (a->hist_pos >= 0 && recalling(a)) {
			history_recall(a, 1);
		} else {
			composer_down(&a->comp);
		}
		break;
	}
	case KEY_ESC:
		/* (no turn: the MCP servers still starting are cancelled, as upstream's) */
		if ((a->busy || user_shell_running_in(a) || mcp_startup_running(a)) && a->agent) {
			agent_interrupt(a->agent);
		} else if (slash_matches(a, composer_text(&a->comp), NULL, 0)) {
			composer_clear(&a->comp);
		} else if (composer_empty(&a->comp)) {
			backtrack_esc(a);
		}
		break;
	case KEY_CTRL:
		switch (k->cp) {
		case 'c':
			if (!composer_empty(&a->comp)) {
				/* The draft is kept in the history: Up brings it back. */
				char *linked = skills_link_mentions(a, composer_text(&a->comp));
				if (linked)
					(void)!tui_rows_push(&a->hist, linked, strlen(linked));
				free(linked);
				skills_clear_mentions(a);
				composer_clear(&a->comp);
				a->hist_pos = -1;
				set_hint(a, "ctrl + c again to quit");
			} else if ((a->busy || user_shell_running_in(a) || mcp_startup_running(a)) &&
				   a->agent) {
				agent_interrupt(a->agent);
			} else {
				a->quit = true;
			}
			(void)was_hint;
			break;
		case 'd':
			if (composer_empty(&a->comp))
				a->quit = true;
			else
				composer_delete(&a->comp);
			break;
		case 't':
			open_transcript(a);
			break;
		case 'v':
			paste_image(a);
			break;
		case 'g':
			edit_in_editor(a);
			break;
		case 'z': {
			struct err e;
			app_erase_live(a); /* the shell gets a clean line */
			if (term_suspend(&a->term, &e) < 0)
				a->quit = true;
			a->live_drawn = false;
			break;
		}
		case 'a':
			composer_home(&a->comp);
			break;
		case 'e':
			composer_end(&a->comp);
			break;
		case 'b':
			composer_left(&a->comp);
			break;
		case 'f':
			composer_right(&a->comp);
			break;
		case 'u':
			composer_kill_to_start(&a->comp);
			break;
		case 'k':
			composer_kill_to_end(&a->comp);
			break;
		case 'w':
			composer_kill_word_back(&a->comp);
			break;
		case 'y':
			composer_yank(&a->comp);
			break;
		case 'p':
			if (recalling(a))
				history_recall(a, -1);
			else
				composer_up(&a->comp);
			break;
		case 'n':
			if (a->hist_pos >= 0 && recalling(a))
				history_recall(a, 1);
			else
				composer_down(&a->comp);
			break;
		case 'l':
			if (a->busy) {
				struct tui_rows c = {0};
				if (cell_error("Ctrl+L is disabled while a task is in progress.", &c) == 0)
					app_commit(a, &c);
				tui_rows_free(&c);
			} else {
				session_clear_screen(a);
				app_header_card(a);
			}
			break;
		default:
			break;
		}
		break;
	case KEY_ALT:
		if (k->cp == 'v' || k->cp == 'V')
			paste_image(a);
		break;
	default:
		break;
	}
	app_dirty(a);
}
