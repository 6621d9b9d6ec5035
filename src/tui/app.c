/* The TUI's main loop and the agent subscriber: events in, cells committed, frames
 * scheduled (see tui.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/detach.h"
#include "tui/internal.h"

/* Upstream's placeholders (codex-tui.md §4). */
static const char *const placeholders[] = {
	"Explain this codebase", "Summarize recent commits", "Implement {feature}",
	"Find and fix a bug in @filename", "Write tests for @filename",
	"Improve documentation in @filename", "Run /review on my current changes",
	"Use /skills to list available skills"};

static void frame_due(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, frame_timer));

	(void)l;
	draw_frame(a);
}

void app_dirty(struct app *a)
{
	if (a->dirty)
		return;
	a->dirty = true;
	if (loop_timer_arm(a->loop, &a->frame_timer, loop_now(a->loop) + TUI_FRAME_MS, frame_due) < 0)
		draw_frame(a); /* no timer: draw now rather than never */
}

void modal_move(struct app *a, const struct key *k, int n)
{
	if (n <= 0)
		a->modal_sel = 0;
	else if (k->kind == KEY_UP)
		a->modal_sel = (a->modal_sel + n - 1) % n;
	else if (k->kind == KEY_DOWN)
		a->modal_sel = (a->modal_sel + 1) % n;
}

int modal_list_key(struct app *a, const struct key *k, int n)
{
	switch (k->kind) {
	case KEY_UP:
	case KEY_DOWN:
		modal_move(a, k, n);
		return 0;
	case KEY_ENTER:
		return '\r';
	case KEY_ESC:
		a->modal = MODAL_NONE;
		return 0;
	case KEY_CTRL:
		if (k->cp == 'c')
			a->modal = MODAL_NONE;
		return 0;
	case KEY_CHAR:
		return k->cp < 128 ? (int)k->cp : 0;
	default:
		return 0;
	}
}

void app_erase_live(struct app *a)
{
	if (!a->live_drawn)
		return;
	if (a->live_cursor_row > 0)
		(void)!buf_printf(&a->term.out, "\x1b[%dA", a->live_cursor_row);
	(void)!term_puts(&a->term, "\r\x1b[J");
	a->live_drawn = false;
}

void app_commit_line(struct app *a, const char *styled)
{
	if (tui_rows_push(&a->pending, styled, strlen(styled)) == 0)
		a->lines_total++;
	app_dirty(a);
}

/* A cell: a blank line before it (cells are separated), then its lines. */
void app_commit(struct app *a, const struct tui_rows *cell)
{
	if (a->any_cell)
		app_commit_line(a, "");
	a->any_cell = true;
	for (size_t i = 0; i < cell->n; i++)
		app_commit_line(a, cell->v[i]);
}

/* "│ text…padding │" for the session card. */
static void card_row(struct tui_rows *cell, const char *text, int inner)
{
	char row[2048], *cut = tui_truncate(text, strlen(text), inner);
	int pad = cut ? inner - (int)tui_text_width(cut, strlen(cut)) : 0;

	snprintf(row, sizeof row, ST_DIM "\xE2\x94\x82" ST_RESET " %s" ST_RESET "%*s " ST_DIM "\xE2\x94\x82",
		 cut ? cut : "", pad > 0 ? pad : 0, "");
	free(cut);
	(void)!tui_rows_push(cell, row, strlen(row));
}

void tui_card(const struct tui_rows *lines, int inner, struct tui_rows *out)
{
	char bar[3 * 512 + 1], line[3 * 512 + 32];
	int k;

	if (inner > 510)
		inner = 510;
	for (k = 0; k < inner + 2; k++)
		memcpy(bar + 3 * k, "\xE2\x94\x80", 3);
	bar[3 * k] = '\0';
	snprintf(line, sizeof line, ST_DIM "\xE2\x95\xAD%s\xE2\x95\xAE", bar);
	(void)!tui_rows_push(out, line, strlen(line));
	for (size_t i = 0; i < lines->n; i++)
		card_row(out, lines->v[i], inner);
	snprintf(line, sizeof line, ST_DIM "\xE2\x95\xB0%s\xE2\x95\xAF", bar);
	(void)!tui_rows_push(out, line, strlen(line));
}

void app_header_card(struct app *a)
{
	char line[1024], *dir = tui_home_short(a->o->cwd);
	struct tui_rows lines = {0}, cell = {0};

	snprintf(line, sizeof line, ST_BOLD ">_ OpenAI Codex" ST_RESET ST_DIM " (v%s)", CODEX_VERSION);
	(void)!tui_rows_push(&lines, line, strlen(line));
	(void)!tui_rows_push(&lines, "", 0);
	snprintf(line, sizeof line, ST_DIM "model:" ST_RESET "     %s%s%s   " ST_CYAN "/model" ST_RESET
		 ST_DIM " to change", a->model ? a->model : "", a->effort ? " " : "",
		 a->effort ? a->effort : "");
	(void)!tui_rows_push(&lines, line, strlen(line));
	{
		char *d = cell_inert(dir ? dir : "", false);
		snprintf(line, sizeof line, ST_DIM "directory:" ST_RESET " %s", d ? d : "");
		free(d);
	}
	(void)!tui_rows_push(&lines, line, strlen(line));
	tui_card(&lines, 56, &cell);
	free(dir);
	app_commit(a, &cell);
	tui_rows_free(&lines);
	tui_rows_free(&cell);
	tips_after_header(a);
	mcp_startup_card_shown(a);
}

/* ---- notifications ---- */

/* The terminal notification ([tui] notifications): OSC 9 where the terminal shows it,
 * else BEL; only while the terminal is unfocused, as upstream. */
void app_notify(struct app *a, const char *kind, const char *message)
{
	const char *tp = getenv("TERM_PROGRAM"), *term = getenv("TERM");
	bool osc9;
	char *text;

	if (a->focused || !a->notifications ||
	    (a->notification_types.n && strv_find(&a->notification_types, kind) < 0))
		return;
	osc9 = !getenv("WT_SESSION") &&
	       ((tp && (strcmp(tp, "WezTerm") == 0 || strcmp(tp, "ghostty") == 0)) ||
		getenv("ITERM_SESSION_ID") || (term && (strcmp(term, "xterm-kitty") == 0 ||
							strncmp(term, "wezterm", 7) == 0)));
	if (!osc9) {
		(void)!term_puts(&a->term, "\a");
		return;
	}
	text = cell_inert(message, false);
	if (text && strlen(text) > 200)
		text[200] = '\0';
	(void)!buf_printf(&a->term.out, "\x1b]9;%s\a", text ? text : "");
	free(text);
}

/* The `notify` program of config.toml: argv + one JSON argument, not waited for. */
static void run_notify_program(struct app *a, const char *last_message, const char *turn_id)
{
	cJSON *j;
	char *json, **argv;
	struct strv *n = &a->cfg->notify;

	if (!n->n)
		return;
	j = cJSON_CreateObject();
	if (!j)
		return;
	cJSON_AddStringToObject(j, "type", "agent-turn-complete");
	cJSON_AddStringToObject(j, "thread-id", a->thread_id ? a->thread_id : "");
	cJSON_AddStringToObject(j, "turn-id", turn_id ? turn_id : "");
	cJSON_AddStringToObject(j, "cwd", a->o->cwd);
	cJSON_AddStringToObject(j, "client", "codex-tui");
	{
		cJSON *inputs = cJSON_AddArrayToObject(j, "input-messages");
		char *last = a->hist.n ? mention_decode(a->hist.v[a->hist.n - 1], NULL, NULL) : NULL;
		if (inputs && last)
			cJSON_AddItemToArray(inputs, cJSON_CreateString(last));
		free(last);
	}
	if (last_message)
		cJSON_AddStringToObject(j, "last-assistant-message", last_message);
	else
		cJSON_AddNullToObject(j, "last-assistant-message");
	json = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!json)
		return;
	/* The program with the payload as its last argument, as upstream: nobody waits
	 * for it. */
	argv = calloc(n->n + 2, sizeof *argv);
	if (argv) {
		for (size_t i = 0; i < n->n; i++)
			argv[i] = n->v[i];
		argv[n->n] = json;
		(void)detach_run(argv[0], argv, true);
		free(argv);
	}
	free(json);
}

/* ---- agent events ---- */

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void commit_rows(struct app *a, int (*fn)(const char *, struct tui_rows *), const char *s)
{
	struct tui_rows cell = {0};

	if (fn(s, &cell) == 0)
		app_commit(a, &cell);
	tui_rows_free(&cell);
}

void app_error(struct app *a, const char *msg)
{
	commit_rows(a, cell_error, msg);
}

void app_warning(struct app *a, const char *msg)
{
	commit_rows(a, cell_warning, msg);
}

/* Complete lines of the streamed answer go to the history; the tail stays live. */
static void stream_commit_lines(struct app *a, bool all)
{
	size_t start = 0;
	struct tui_rows cell = {0};

	for (size_t i = 0; i < a->stream.len; i++) {
		if (a->stream.data[i] != '\n')
			continue;
		if (collab_plan_line(a, a->stream.data + start, i - start, &cell)) {
			for (size_t k = 0; k < cell.n; k++)
				app_commit_line(a, cell.v[k]);
			tui_rows_clear(&cell);
			start = i + 1;
			continue;
		}
		if (a->md.first_line && a->any_cell)
			app_commit_line(a, "");
		if (md_line(&a->md, a->stream.data + start, i - start, &cell) == 0)
			for (size_t k = 0; k < cell.n; k++)
				app_commit_line(a, cell.v[k]);
		a->any_cell = true;
		tui_rows_clear(&cell);
		start = i + 1;
	}
	if (all && start < a->stream.len &&
	    collab_plan_line(a, a->stream.data + start, a->stream.len - start, &cell)) {
		for (size_t k = 0; k < cell.n; k++)
			app_commit_line(a, cell.v[k]);
		start = a->stream.len;
	} else if (all && start < a->stream.len) {
		if (a->md.first_line && a->any_cell)
			app_commit_line(a, "");
		if (md_line(&a->md, a->stream.data + start, a->stream.len - start, &cell) == 0)
			for (size_t k = 0; k < cell.n; k++)
				app_commit_line(a, cell.v[k]);
		a->any_cell = true;
		start = a->stream.len;
	}
	tui_rows_free(&cell);
	buf_consume(&a->stream, start);
}

static void end_stream(struct app *a)
{
	stream_commit_lines(a, true);
	buf_reset(&a->stream);
	a->md = (struct md_state){.first_line = true};
	a->streamed = false;
}

void app_message(struct app *a, const char *msg)
{
	/* Through the streaming path, whose lines know the proposed plan's tags. */
	if (buf_puts(&a->stream, msg) < 0) {
		buf_reset(&a->stream);
		return;
	}
	end_stream(a);
	a->in_plan = false;
}

static void remove_running(struct app *a, const char *call_id, char **cmd_out)
{
	*cmd_out = NULL;
	for (size_t i = 0; i < a->n_running; i++) {
		if (strcmp(a->running[i].call_id, call_id) != 0)
			continue;
		free(a->running[i].call_id);
		*cmd_out = a->running[i].cmd;
		a->running[i] = a->running[--a->n_running];
		return;
	}
}

/* The turn's commands; the user's own (`!cmd`) run on until their end event. */
static void clear_running(struct app *a)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_running; i++) {
		if (a->running[i].user_shell) {
			a->running[kept++] = a->running[i];
			continue;
		}
		free(a->running[i].call_id);
		free(a->running[i].cmd);
	}
	a->n_running = kept;
}

/* The approvals agent asked for (NULL: all of them); other threads' stay. */
static void clear_approvals(struct app *a, const struct agent *agent)
{
	size_t kept = 0;

	for (size_t i = 0; i < a->n_approvals; i++) {
		if (agent && a->approvals[i].agent && a->approvals[i].agent != agent) {
			a->approvals[kept++] = a->approvals[i];
			continue;
		}
		cJSON_Delete(a->approvals[i].msg);
	}
	a->n_approvals = kept;
	if (a->modal == MODAL_APPROVAL && !kept)
		a->modal = MODAL_NONE;
}

static void turn_over(struct app *a)
{
	a->busy = false;
	sleep_inhibit_sync(a);
	user_input_clear(a);
	clear_running(a);
	clear_approvals(a, a->agent);
	guardian_reviews_clear(a);
	free(a->status_header);
	a->status_header = NULL;
	/* Steers never sent and queued follow-ups go as the next turn (not when an old
	 * turn's end is drawn again). */
	if (!a->replaying) {
		pending_turn_over(a);
		nudge_maybe_show(a);
	}
}

/* The first **bold** span of a reasoning summary becomes the status header. */
static void reasoning_header(struct app *a, const char *text)
{
	const char *s = strstr(text, "**"), *e = s ? strstr(s + 2, "**") : NULL;
	char *h;

	if (!s || !e || e == s + 2)
		return;
	h = strndup(s + 2, (size_t)(e - s - 2));
	if (!h)
		return;
	free(a->status_header);
	a->status_header = cell_inert(h, false);
	free(h);
}

void app_render_event(struct app *a, const struct agent_event *ev)
{
	const cJSON *m = ev->msg;
	struct tui_rows cell = {0};

	switch (ev->kind) {
	case AGENT_EV_SESSION_CONFIGURED: {
		const char *id = str(m, "session_id"), *model = str(m, "model");
		if (id) {
			free(a->thread_id);
			a->thread_id = strdup(id);
		}
		if (model) {
			free(a->model);
			a->model = strdup(model);
		}
		break;
	}
	case AGENT_EV_USER_MESSAGE: {
		/* Drawn again on a switch of threads; in a sub-agent's thread, messages
		 * nobody typed here (its task, send_input) are drawn as they come. */
		size_t steers = a->n_steers;
		const char *text = str(m, "message");
		if (!a->replaying)
			pending_user_message(a, text);
		if (a->replaying || (a->active_thread != 0 && steers == a->n_steers && !a->echo_user)) {
			if (cell_user(text ? text : "", &cell) == 0)
				app_commit(a, &cell);
		}
		a->echo_user = false;
		break;
	}
	case AGENT_EV_COLLAB_AGENT_SPAWN_END:
	case AGENT_EV_COLLAB_AGENT_INTERACTION_END:
	case AGENT_EV_COLLAB_WAITING_BEGIN:
	case AGENT_EV_COLLAB_WAITING_END:
	case AGENT_EV_COLLAB_CLOSE_END:
	case AGENT_EV_COLLAB_RESUME_BEGIN:
	case AGENT_EV_COLLAB_RESUME_END:
		if (a->streamed)
			end_stream(a);
		if (cell_collab(ev->kind, m, a->spawn_model, a->spawn_effort, &cell) == 0)
			app_commit(a, &cell);
		break;
	case AGENT_EV_MCP_STARTUP_UPDATE:
		mcp_startup_update(a, ev);
		break;
	case AGENT_EV_MCP_STARTUP_COMPLETE:
		mcp_startup_complete(a, ev);
		apps_servers_ready(a); /* the installed apps are known now */
		break;
	case AGENT_EV_THREAD_NAME_UPDATED: {
		const char *name = str(m, "thread_name");
		char *dup = name ? strdup(name) : NULL;
		if (dup) {
			free(a->thread_name);
			a->thread_name = dup;
		}
		break;
	}
	case AGENT_EV_TASK_STARTED: {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(m, "model_context_window");
		const char *kind = str(m, "collaboration_mode_kind");
		a->busy = true;
		sleep_inhibit_sync(a);
		a->turn_plan = kind && strcmp(kind, "plan") == 0;
		a->in_plan = a->saw_plan = false;
		a->turn_started_ms = loop_now(a->loop);
		if (cJSON_IsNumber(w))
			a->context_window = (int64_t)w->valuedouble;
		app_tick_start(a);
		break;
	}
	case AGENT_EV_AGENT_MESSAGE_DELTA: {
		const char *d = str(m, "delta");
		if (d && buf_puts(&a->stream, d) < 0)
			buf_init(&a->stream, COMPOSER_MAX_BYTES);
		a->streamed = true;
		stream_commit_lines(a, false);
		break;
	}
	case AGENT_EV_AGENT_MESSAGE: {
		const char *msg = str(m, "message");
		if (msg && *msg) {
			free(a->last_answer);
			a->last_answer = strdup(msg);
		}
		if (a->streamed) {
			end_stream(a);
		} else if (msg && a->turn_plan) {
			app_message(a, msg);
		} else if (msg) {
			if (md_message(msg, &cell) == 0)
				app_commit(a, &cell);
		}
		break;
	}
	case AGENT_EV_AGENT_REASONING:
	case AGENT_EV_AGENT_REASONING_DELTA: {
		const char *t = str(m, ev->kind == AGENT_EV_AGENT_REASONING ? "text" : "delta");
		if (t && ev->kind == AGENT_EV_AGENT_REASONING)
			reasoning_header(a, t);
		break;
	}
	case AGENT_EV_EXEC_COMMAND_BEGIN: {
		const char *id = str(m, "call_id");
		char *cmd = cell_command_text(cJSON_GetObjectItemCaseSensitive(m, "command"));
		if (id && cmd && a->n_running < TUI_MAX_RUNNING) {
			a->running[a->n_running].call_id = strdup(id);
			a->running[a->n_running].cmd = cmd;
			a->running[a->n_running].user_shell =
				str(m, "source") && strcmp(str(m, "source"), "user_shell") == 0;
			if (a->running[a->n_running].call_id) {
				a->n_running++;
				cmd = NULL;
			}
		}
		free(cmd);
		break;
	}
	case AGENT_EV_EXEC_COMMAND_END: {
		const char *id = str(m, "call_id");
		char *cmd = NULL;
		if (id)
			remove_running(a, id, &cmd);
		if (!cmd && !cJSON_GetObjectItemCaseSensitive(m, "command"))
			break; /* the end of a command whose turn is already over */
		if (!cmd)
			cmd = cell_command_text(cJSON_GetObjectItemCaseSensitive(m, "command"));
		if (a->streamed)
			end_stream(a);
		if (cell_exec_end(cmd ? cmd : "", m, false, &cell) == 0)
			app_commit(a, &cell);
		free(cmd);
		break;
	}
	case AGENT_EV_PATCH_APPLY_BEGIN:
		cJSON_Delete(a->patch_changes);
		a->patch_changes = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(m, "changes"), 1);
		break;
	case AGENT_EV_PATCH_APPLY_END: {
		const cJSON *ok = cJSON_GetObjectItemCaseSensitive(m, "success");
		if (a->streamed)
			end_stream(a);
		if (cJSON_IsTrue(ok) && a->patch_changes) {
			if (cell_patch(a->patch_changes, "Edited", a->o->cwd, 0, &cell) == 0)
				app_commit(a, &cell);
		} else {
			const char *err = str(m, "stderr");
			commit_rows(a, cell_error, err && *err ? err : "The patch could not be applied.");
		}
		cJSON_Delete(a->patch_changes);
		a->patch_changes = NULL;
		break;
	}
	case AGENT_EV_PLAN_UPDATE:
		if (cell_plan(m, &cell) == 0)
			app_commit(a, &cell);
		break;
	case AGENT_EV_TOKEN_COUNT: {
		const cJSON *info = cJSON_GetObjectItemCaseSensitive(m, "info");
		const cJSON *tot = cJSON_GetObjectItemCaseSensitive(info, "total_token_usage");
		const cJSON *last = cJSON_GetObjectItemCaseSensitive(info, "last_token_usage");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(info, "model_context_window"), *v;
		if ((v = cJSON_GetObjectItemCaseSensitive(tot, "total_tokens")) && cJSON_IsNumber(v))
			a->total_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(tot, "input_tokens")) && cJSON_IsNumber(v))
			a->input_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(tot, "cached_input_tokens")) && cJSON_IsNumber(v))
			a->cached_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(tot, "output_tokens")) && cJSON_IsNumber(v))
			a->output_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(tot, "reasoning_output_tokens")) && cJSON_IsNumber(v))
			a->reasoning_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(last, "total_tokens")) && cJSON_IsNumber(v))
			a->last_tokens = (int64_t)v->valuedouble;
		if (cJSON_IsNumber(w))
			a->context_window = (int64_t)w->valuedouble;
		ratelimits_update(a, cJSON_GetObjectItemCaseSensitive(m, "rate_limits"));
		break;
	}
	case AGENT_EV_EXEC_APPROVAL_REQUEST:
	case AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST:
	case AGENT_EV_ELICITATION_REQUEST: /* an MCP tool call to approve */
		if (a->streamed)
			end_stream(a);
		if (a->n_approvals < TUI_MAX_APPROVALS) {
			a->approvals[a->n_approvals].kind = ev->kind;
			a->approvals[a->n_approvals].agent = ev->agent;
			a->approvals[a->n_approvals].msg = cJSON_Duplicate(m, 1);
			if (a->approvals[a->n_approvals].msg)
				a->n_approvals++;
		} else {
			/* No room to ask: refused, and said, rather than left waiting for an
			 * answer that could never come. */
			const char *id = str(m, ev->kind == AGENT_EV_ELICITATION_REQUEST ? "id" : "call_id");
			struct err e;
			if (id)
				(void)agent_decide(a->agent, id, AGENT_DENIED, &e);
			app_error(a, "Too many approval requests at once: this one was denied.");
			break;
		}
		if (a->modal != MODAL_APPROVAL) {
			a->modal = MODAL_APPROVAL;
			a->modal_sel = 0;
		}
		{
			char *cmd = ev->kind == AGENT_EV_EXEC_APPROVAL_REQUEST
					    ? cell_command_text(cJSON_GetObjectItemCaseSensitive(m, "command"))
					    : NULL;
			char note[160];
			if (cmd)
				snprintf(note, sizeof note, "Approval requested: %.30s", cmd);
			else if (ev->kind == AGENT_EV_ELICITATION_REQUEST)
				snprintf(note, sizeof note, "Approval requested by %.60s",
					 str(m, "server_name") ? str(m, "server_name") : "an MCP server");
			else
				snprintf(note, sizeof note, "Codex wants to edit files");
			app_notify(a, "approval-requested", note);
			free(cmd);
		}
		break;
	case AGENT_EV_REQUEST_USER_INPUT:
		if (a->streamed)
			end_stream(a);
		user_input_request(a, m);
		break;
	case AGENT_EV_STREAM_ERROR: {
		const char *msg = str(m, "message");
		free(a->status_header);
		a->status_header = strdup("Reconnecting");
		if (msg)
			commit_rows(a, cell_warning, msg);
		break;
	}
	case AGENT_EV_ERROR: {
		const char *msg = str(m, "message");
		if (a->streamed)
			end_stream(a);
		commit_rows(a, cell_error, msg ? msg : "error");
		break;
	}
	case AGENT_EV_GUARDIAN_ASSESSMENT:
		if (a->streamed)
			end_stream(a);
		guardian_on_assessment(a, m);
		break;
	case AGENT_EV_WARNING: {
		const char *msg = str(m, "message");
		if (msg)
			app_warning(a, msg);
		break;
	}
	case AGENT_EV_WEB_SEARCH_END: {
		const char *q = str(m, "query");
		char line[512];
		snprintf(line, sizeof line, "Searched %s", q ? q : "");
		commit_rows(a, cell_info, line);
		break;
	}
	case AGENT_EV_CONTEXT_COMPACTED:
		/* The context is the summary now: the token display starts over. */
		a->last_tokens = 0;
		commit_rows(a, cell_info, TUI_COMPACTED);
		break;
	case AGENT_EV_TURN_ABORTED:
		if (a->streamed)
			end_stream(a);
		commit_rows(a, cell_error, TUI_INTERRUPTED);
		a->saw_plan = false; /* no implement prompt after an interrupted turn */
		turn_over(a);
		break;
	case AGENT_EV_TASK_COMPLETE: {
		const char *last = str(m, "last_agent_message");
		if (a->streamed)
			end_stream(a);
		if (!a->replaying && a->agent == a->main_agent) {
			app_notify(a, "agent-turn-complete",
				   last && *last ? last : "Agent turn complete");
			run_notify_program(a, last, ev->id);
		}
		if (!a->replaying) {
			/* before the queued follow-ups go: the prompt only comes without them */
			if (a->n_steers)
				a->saw_plan = false;
			collab_turn_over(a);
		}
		turn_over(a);
		break;
	}
	default:
		break;
	}
	tui_rows_free(&cell);
	app_dirty(a);
}

static void on_event(void *arg, const struct agent_event *ev)
{
	struct app *a = arg;

	if (agents_event(a, ev))
		app_render_event(a, ev);
}

/* ---- the agent ---- */

int app_start_agent(struct app *a, const char *resume_path, struct err *e)
{
	return app_start_agent_from(a, resume_path, NULL, e);
}

int app_start_agent_from(struct app *a, const char *resume_path, const char *fork_path,
			 struct err *e)
{
	struct agent_options ao;
	struct agent_subscriber sub = {on_event, a, agents_on_subagent};
	struct agent_info info;

	memset(&ao, 0, sizeof ao);
	ao.loop = a->loop;
	ao.cfg = a->cfg;
	ao.cwd = a->o->cwd;
	ao.originator = getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")
				? getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE") : "codex-tui";
	ao.session_source = "cli";
	ao.collaboration_modes = true; /* always on in upstream 0.118's TUI */
	ao.oss = a->o->oss;
	ao.add_dirs = a->o->add_dirs;
	ao.resume_path = resume_path;
	ao.fork_path = fork_path;
	mcp_startup_reset(a); /* a session before this one may have been starting some */
	if (agent_new(&ao, &sub, &a->agent, e) < 0)
		return -1;
	agent_set_mode(a->agent, a->mode);
	a->main_agent = a->agent;
	agent_info(a->agent, &info);
	free(a->model);
	free(a->effort);
	a->model = info.model ? strdup(info.model) : NULL;
	a->effort = info.reasoning_effort ? strdup(info.reasoning_effort) : NULL;
	a->approval = info.approval;
	a->sandbox = info.sandbox;
	a->guardian_reviewer = info.guardian_reviewer;
	free(a->thread_id);
	a->thread_id = strdup(agent_thread_id(a->agent));
	free(a->thread_name);
	a->thread_name = agent_thread_name(a->agent) ? strdup(agent_thread_name(a->agent)) : NULL;
	a->context_window = 0;
	a->last_tokens = 0;
	apps_prefetch(a, false); /* upstream's start-up read of the apps list, so /apps opens at once */
	return 0;
}

void app_stop_agent(struct app *a)
{
	agent_free(a->main_agent); /* its sub-agents with it */
	a->agent = a->main_agent = NULL;
	agents_free(a);
	a->catalog_fetching = a->model_pending = false; /* its fetch went with it */
	ratelimits_forget_fetch(a);
	apps_forget_fetch(a);
	a->busy = false;
	sleep_inhibit_sync(a);
	clear_running(a);
	clear_approvals(a, NULL);
	user_input_clear(a);
	buf_reset(&a->stream);
	a->streamed = false;
	a->md = (struct md_state){.first_line = true};
}

void app_reset_view(struct app *a)
{
	session_clear_screen(a);
	backtrack_forget(a);
	a->busy = false;
	clear_running(a);
	buf_reset(&a->stream);
	a->streamed = false;
	a->md.first_line = true;
	a->md.in_code = false;
	cJSON_Delete(a->patch_changes);
	a->patch_changes = NULL;
	free(a->status_header);
	a->status_header = NULL;
	a->last_tokens = 0;
}

void app_submit(struct app *a, const char *display, const char *text)
{
	app_submit_images(a, display, text, NULL);
}

/* A turn: display and text as shown and sent, mentions their bound paths (or NULL);
 * linked_display and linked_text the same with the mentions as links, for Esc-Esc, Up
 * and history.jsonl. */
static void submit_turn(struct app *a, const char *display, const char *text,
			const struct strv *images, const struct strv *mentions,
			const char *linked_display, const char *linked_text)
{
	struct agent_user_input in = {0};
	struct strv none = STRV_INIT;
	struct err e;
	struct tui_rows cell = {0};
	static bool first = true;

	in.text = text;
	in.history_text = linked_text;
	/* -i images go with the first turn, before any attached in the composer */
	for (size_t i = 0; first && i < a->o->images.n; i++)
		if (strv_push(&none, a->o->images.v[i]) < 0)
			break;
	for (size_t i = 0; images && i < images->n; i++)
		if (strv_push(&none, images->v[i]) < 0)
			break;
	in.images = &none;
	in.mentions = mentions;
	if (agent_submit_turn(a->agent, &in, &e) < 0) {
		strv_free(&none);
		commit_rows(a, cell_error, e.msg);
		return;
	}
	strv_free(&none);
	first = false;
	a->echo_user = a->active_thread != 0; /* its user_message draws nothing more */
	if (cell_user(display, &cell) == 0) {
		app_commit(a, &cell);
		backtrack_note_user(a, linked_display, cell.n);
	}
	tui_rows_free(&cell);
	(void)!tui_rows_push(&a->hist, linked_text, strlen(linked_text));
	a->hist_pos = -1;
	app_dirty(a);
}

void app_submit_images(struct app *a, const char *display, const char *text,
		       const struct strv *images)
{
	/* Text of our own (a slash command's prompt, -p): nothing bound, nothing to decode;
	 * a link typed in it stays text. */
	submit_turn(a, display, text, images, NULL, display, text);
}

void app_submit_message(struct app *a, const char *display, const char *text,
			const struct strv *images)
{
	struct strv names = STRV_INIT, paths = STRV_INIT;
	char *shown = mention_decode(display, NULL, NULL);
	char *sent = mention_decode(text, &names, &paths);

	if (shown && sent)
		submit_turn(a, shown, sent, images, &paths, display, text);
	else
		commit_rows(a, cell_error, "out of memory");
	free(shown);
	free(sent);
	strv_free(&names);
	strv_free(&paths);
}

/* ---- the loop's other events ---- */

void app_tick_start(struct app *a)
{
	if (loop_timer_arm(a->loop, &a->tick_timer, loop_now(a->loop) + 1000,
			   a->tick_timer.fn) < 0) {
		/* without the ticker the elapsed time only moves with other events */
	}
}

static void tick(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, tick_timer));

	if (!a->busy && !mcp_startup_running(a))
		return;
	app_dirty(a);
	if (loop_timer_arm(l, t, loop_now(l) + 1000, tick) < 0) {
		/* the clock stops updating; nothing else depends on it */
	}
}

static void esc_due(struct loop *l, struct loop_timer *t)
{
	struct app *a = (struct app *)((char *)t - offsetof(struct app, esc_timer));

	(void)l;
	keys_flush_esc(&a->keys, input_key, a);
}

static void on_stdin(struct loop *l, int fd, void *arg, unsigned events)
{
	struct app *a = arg;
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof buf);

	(void)events;
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		a->quit = true; /* the terminal is gone */
		return;
	}
	if (n < 0)
		return;
	loop_timer_disarm(l, &a->esc_timer);
	keys_feed(&a->keys, buf, (size_t)n, input_key, a);
	if (keys_pending_esc(&a->keys) &&
	    loop_timer_arm(l, &a->esc_timer, loop_now(l) + TUI_ESC_WAIT_MS, esc_due) < 0)
		keys_flush_esc(&a->keys, input_key, a);
}

static void on_signal(struct loop *l, int fd, void *arg, unsigned events)
{
	struct app *a = arg;
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGWINCH) {
			term_size(&a->term);
			a->resized = true;
			app_dirty(a);
		} else {
			a->quit = true;
			a->exit_code = 128 + (int)si.ssi_signo;
		}
	}
}

static void print_exit_summary(struct app *a)
{
	char tot[32], in[32], out[32];
	bool color = a->color != TUI_COLOR_NONE;

	if (a->total_tokens <= 0)
		return;
	/* thousands separators, as upstream prints them */
#define SEP(dst, v)                                                                  \
	do {                                                                         \
		char raw[32];                                                        \
		int len = snprintf(raw, sizeof raw, "%lld", (long long)(v)), o = 0;  \
		for (int i = 0; i < len; i++) {                                      \
			if (i && (len - i) % 3 == 0)                                 \
				dst[o++] = ',';                                      \
			dst[o++] = raw[i];                                           \
		}                                                                    \
		dst[o] = '\0';                                                       \
	} while (0)
	SEP(tot, a->total_tokens);
	SEP(in, a->input_tokens);
	SEP(out, a->output_tokens);
	printf("Token usage: total=%s input=%s", tot, in);
	if (a->cached_tokens > 0) {
		char c[32];
		SEP(c, a->cached_tokens);
		printf(" (+ %s cached)", c);
	}
	printf(" output=%s", out);
	if (a->reasoning_tokens > 0) {
		char r[32];
		SEP(r, a->reasoning_tokens);
		printf(" (reasoning %s)", r);
	}
#undef SEP
	printf("\n");
	if (a->thread_id) {
		char *cmd = thread_resume_command(a);
		if (cmd)
			printf("To continue this session, run %s%s%s\n", color ? "\x1b[36m" : "", cmd,
			       color ? "\x1b[0m" : "");
		free(cmd);
	}
}

static void app_free(struct app *a)
{
	app_stop_agent(a);
	tui_rows_free(&a->pending);
	tui_rows_free(&a->transcript);
	tui_rows_free(&a->hist);
	tui_rows_free(&a->files);
	free(a->picked_model);
	models_free(a);
	theme_free(a);
	tui_rows_free(&a->select_items);
	tui_rows_free(&a->overlay_rows);
	buf_free(&a->stream);
	buf_free(&a->picker_query);
	composer_free(&a->comp);
	strv_free(&a->mention_names);
	strv_free(&a->mention_paths);
	keys_free(&a->keys);
	pending_free(a);
	cJSON_Delete(a->patch_changes);
	start_free_sessions(a);
	free(a->thread_id);
	free(a->thread_name);
	free(a->model);
	free(a->effort);
	free(a->status_header);
	mcp_startup_reset(a);
	guardian_reviews_clear(a);
	free(a->hint);
	free(a->overlay_title);
	free(a->last_answer);
	free(a->skills_initial);
	agent_plugins_free(&a->plugins);
	agent_apps_free(&a->apps);
	free(a->title_shown);
	free(a->project_root);
	strv_free(&a->status_items);
	strv_free(&a->title_items);
	strv_free(&a->notification_types);
	backtrack_forget(a);
	migration_free(a);
	free(a->users);
}

int app_run_until(struct app *a, bool (*done)(struct app *), struct err *e)
{
	while (!a->quit && !done(a)) {
		if (a->resized) {
			a->resized = false;
			draw_frame(a);
		}
		if (loop_run_once(a->loop, -1, e) < 0)
			return -1;
	}
	return 0;
}

static bool never(struct app *a)
{
	(void)a;
	return false;
}

static bool picker_done(struct app *a)
{
	return a->picker_result != 0;
}

int tui_run(const struct tui_options *o, struct err *e)
{
	struct app *a;
	sigset_t sigs;
	int rc = 1;
	const char *resume = o->resume_path, *fork = o->fork_path;
	char *picked = NULL;

	if (!isatty(STDIN_FILENO))
		return err_set(e, "stdin is not a terminal"), 1;
	if (!isatty(STDOUT_FILENO))
		return err_set(e, "stdout is not a terminal"), 1;
	a = calloc(1, sizeof *a);
	if (!a)
		return err_set(e, "out of memory"), 1;
	a->o = o;
	a->cfg = o->cfg;
	a->sigfd = -1;
	a->hist_pos = -1;
	a->focused = true;
	a->md.first_line = true;
	a->color = tui_color_level_detect();
	if (a->cfg && a->cfg->tui.theme)
		a->theme_name = strdup(a->cfg->tui.theme);
	theme_startup(a);
	a->alt_allowed = !o->no_alt_screen;
	a->tick_timer.fn = tick;
	experimental_load(a);
	a->placeholder = placeholders[(unsigned)getpid() % (sizeof placeholders / sizeof placeholders[0])];
	buf_init(&a->stream, COMPOSER_MAX_BYTES);
	buf_init(&a->picker_query, 4096);
	composer_init(&a->comp);
	keys_init(&a->keys);
	if (loop_new(&a->loop, e) < 0)
		goto out_free;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	a->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sigfd < 0) {
		err_sys(e, errno, "cannot watch for signals");
		goto out_loop;
	}
	if (term_open(&a->term, STDIN_FILENO, STDOUT_FILENO, e) < 0)
		goto out_loop;
	if (loop_watch(a->loop, STDIN_FILENO, LOOP_READ, on_stdin, a, e) < 0 ||
	    loop_watch(a->loop, a->sigfd, LOOP_READ, on_signal, a, e) < 0)
		goto out_term;
	start_load_history(a);
	if (start_login(a, e) != 0 || start_trust(a, e) != 0) {
		rc = a->exit_code;
		goto out_term;
	}
	if (o->resume_picker) {
		if (start_list_sessions(a, e) < 0)
			goto out_term;
		a->overlay = OVERLAY_PICKER;
		if (a->alt_allowed)
			term_enter_alt(&a->term);
		draw_frame(a);
		if (app_run_until(a, picker_done, e) < 0)
			goto out_term;
		term_leave_alt(&a->term);
		a->overlay = OVERLAY_NONE;
		if (a->quit || a->picker_result == 3) {
			rc = 0;
			goto out_term;
		}
		if (a->picker_result == 1 && session_picked_path(a)) {
			picked = strdup(session_picked_path(a));
			if (o->fork)
				fork = picked;
			else
				resume = picked;
		}
	}
	if (app_start_agent_from(a, resume, fork, e) < 0)
		goto out_term;
	if (migration_run(a, e) != 0) {
		rc = a->quit ? a->exit_code : 1;
		goto out_term;
	}
	agent_plugins_start_curated_sync(a->cfg);
	app_header_card(a);
	(void)ratelimits_refresh(a); /* upstream's start-up read of a ChatGPT account's limits */
	skills_warn_errors(a);
	theme_startup_warning(a);
	if (resume) {
		start_render_rollout(a, resume);
		agents_resumed(a, resume);
	} else if (fork && agent_rollout_path(a->agent))
		start_render_rollout(a, agent_rollout_path(a->agent)); /* the copied conversation */
	if (o->prompt && *o->prompt)
		app_submit(a, o->prompt, o->prompt);
	draw_frame(a);
	if (app_run_until(a, never, e) < 0)
		goto out_term;
	rc = a->exit_code;
out_term:
	if (a->agent)
		app_stop_agent(a);
	/* The live area goes; the history above it stays in the scrollback. */
	if (a->overlay != OVERLAY_NONE)
		term_leave_alt(&a->term);
	app_erase_live(a);
	if (a->title_shown)
		(void)!term_puts(&a->term, "\x1b]0;\x07"); /* not ours to keep once we are gone */
	term_close(&a->term);
	if (rc == 0 || rc >= 128)
		print_exit_summary(a);
	if (rc == 1 && !e->msg[0])
		rc = 0;
out_loop:
	if (a->sigfd >= 0) {
		loop_unwatch(a->loop, a->sigfd);
		close(a->sigfd);
	}
	loop_unwatch(a->loop, STDIN_FILENO);
	loop_free(a->loop);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
out_free:
	app_free(a);
	free(picked);
	free(a);
	return rc;
}
