/* Drawing: committed history goes once into the terminal's scrollback; the live area
 * below it is redrawn in place. Only the live area (a handful of rows) is rewritten per
 * frame, never the whole screen, so the bytes written grow with the text streamed in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* Rows of a diff shown in the approval modal, besides the modal's own rows. */
#define MODAL_CHROME_ROWS 10

static void add_wrapped(struct tui_rows *out, const char *line, int width, int indent)
{
	if (tui_wrap(line, strlen(line), width, indent, out) < 0)
		return; /* memory: the row is left out of this frame */
}

static void add_row(struct tui_rows *out, const char *s)
{
	(void)!tui_rows_push(out, s, strlen(s));
}

char *tui_home_short(const char *path)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	char *r;

	if (hl > 1 && strncmp(path, home, hl) == 0 && (path[hl] == '/' || !path[hl])) {
		size_t len = strlen(path) - hl + 2;
		r = malloc(len);
		if (r)
			snprintf(r, len, "~%s", path + hl);
		return r;
	}
	return strdup(path);
}

static void footer(struct app *a, struct tui_rows *rows, int width)
{
	char left[2048], status[1536], right[256];
	size_t lw, rw;

	if (a->hint) {
		snprintf(left, sizeof left, "  " ST_DIM "%s", a->hint);
	} else if (a->busy && !composer_empty(&a->comp)) {
		/* typing during a turn: Enter steers, Tab queues (upstream's transient hint) */
		snprintf(left, sizeof left, "  " ST_DIM "tab to queue message");
	} else if (statusline_text(a, status, sizeof status)) {
		snprintf(left, sizeof left, "  " ST_DIM "%s", status);
	} else {
		/* no status line: upstream's plain footer */
		snprintf(left, sizeof left, "  " ST_DIM "%d%% context left", statusline_context_left(a));
	}
	/* With sub-agents, the thread shown (upstream's active agent label); a role the
	 * model chose is shown inert. */
	if (!a->hint && a->n_threads > 1) {
		char label[256], with[2400];
		char *l;
		agents_label(a, a->agent, label, sizeof label);
		l = cell_inert(label, false);
		if (statusline_text(a, status, sizeof status))
			snprintf(with, sizeof with, "%.2000s \xC2\xB7 %.300s", left, l ? l : "");
		else
			snprintf(with, sizeof with, "  " ST_DIM "%.300s \xC2\xB7 %.2000s", l ? l : "",
				 left + 2 + strlen(ST_DIM));
		free(l);
		snprintf(left, sizeof left, "%.2040s", with);
	}
	lw = tui_text_width(left, strlen(left));
	for (int level = 0; level < 3; level++) {
		collab_footer(a, level, right, sizeof right);
		rw = tui_text_width(right, strlen(right));
		if (lw + rw + 4 <= (size_t)width)
			break;
	}
	if (!a->hint && *right && lw + rw + 4 <= (size_t)width) {
		char row[4096];
		snprintf(row, sizeof row, "%s%*s" ST_DIM "%s", left, (int)((size_t)width - lw - rw - 1), "",
			 right);
		add_row(rows, row);
		return;
	}
	{
		char *cut = tui_truncate(left, strlen(left), width - 1);
		if (cut)
			add_row(rows, cut);
		free(cut);
	}
}

const char *approval_network_host(const struct approval *ap)
{
	const cJSON *ctx;

	if (ap->kind != AGENT_EV_EXEC_APPROVAL_REQUEST)
		return NULL;
	ctx = cJSON_GetObjectItemCaseSensitive(ap->msg, "network_approval_context");
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "host"));
}

/* An MCP tool call to approve (upstream's form view for tool-call elicitations): the
 * question, then Allow / Allow for this session / Cancel, each with what it does. */
static void elicitation_rows(struct app *a, struct tui_rows *rows, int width)
{
	enum mcp_choice opts[MCP_CHOICE_COUNT];
	int nopts = (int)mcp_choices(&a->approvals[0], opts);
	const char *msg = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(a->approvals[0].msg, "message"));
	char *m = cell_inert(msg ? msg : "", false);
	char line[2048];

	add_row(rows, "");
	add_row(rows, "  Field 1/1");
	snprintf(line, sizeof line, "  " ST_BOLD "%s", m ? m : "");
	free(m);
	add_wrapped(rows, line, width, 2);
	for (int i = 0; i < nopts; i++) {
		snprintf(line, sizeof line, "%s%d. %s", i == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " : "  ",
			 i + 1, mcp_choice_label(opts[i]));
		add_wrapped(rows, line, width, 5);
	}
	add_row(rows, "  " ST_DIM "enter to submit | esc to cancel");
}

static void approval_rows(struct app *a, struct tui_rows *rows, int width)
{
	const struct approval *ap = &a->approvals[0];
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(ap->msg, "reason");
	bool patch = ap->kind == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST;
	const char *host = approval_network_host(ap);
	static const char *const exec_opts[] = {
		"Yes, proceed (y)",
		"Yes, and don't ask again for this command in this session (a)",
		"No, continue without running it (d)",
		"No, and tell Codex what to do differently (esc)"};
	static const char *const patch_opts[] = {
		"Yes, proceed (y)", "Yes, and don't ask again for these files (a)",
		"No, and tell Codex what to do differently (esc)"};
	const char *net_opts[NET_CHOICE_COUNT];
	enum net_choice nc[NET_CHOICE_COUNT];
	size_t n_net = host ? net_choices(ap, nc) : 0;
	const char *const *opts = host ? net_opts : patch ? patch_opts : exec_opts;
	int nopts = host ? (int)n_net : patch ? 3 : 4;
	char line[4096];

	if (ap->kind == AGENT_EV_ELICITATION_REQUEST) {
		elicitation_rows(a, rows, width);
		return;
	}
	for (size_t i = 0; i < n_net; i++)
		net_opts[i] = net_choice_label(nc[i]);
	add_row(rows, "");
	if (host) {
		/* The host passed the proxy's normalisation: letters, digits and -_.:% only;
		 * made inert all the same, as everything a command or model produced. */
		char *h = cell_inert(host, false);
		snprintf(line, sizeof line, "  " ST_BOLD "Do you want to approve network access to \"%s\"?",
			 h ? h : "");
		free(h);
		add_wrapped(rows, line, width, 2);
	} else {
		add_row(rows, patch ? "  " ST_BOLD "Would you like to make the following edits?"
				    : "  " ST_BOLD "Would you like to run the following command?");
	}
	add_row(rows, "");
	/* Another thread's request (upstream labels those only). */
	if (ap->agent && ap->agent != a->agent) {
		char label[256];
		char *l;
		agents_label(a, ap->agent, label, sizeof label);
		l = cell_inert(label, false);
		snprintf(line, sizeof line, "  Thread: " ST_BOLD "%s", l ? l : "");
		free(l);
		add_wrapped(rows, line, width, 2);
		add_row(rows, "");
	}
	if (cJSON_IsString(reason) && *reason->valuestring) {
		char *r = cell_inert(reason->valuestring, false);
		if (r) {
			snprintf(line, sizeof line, "  Reason: " ST_ITALIC "%s", r);
			add_wrapped(rows, line, width, 2);
			add_row(rows, "");
		}
		free(r);
	}
	if (patch) {
		struct tui_rows cell = {0};
		int room = a->term.rows - MODAL_CHROME_ROWS - nopts;
		size_t max = room > 3 ? (size_t)room : 3;
		if (cell_patch(cJSON_GetObjectItemCaseSensitive(ap->msg, "changes"), "Edited",
			       a->o->cwd, max, &cell) == 0) {
			for (size_t i = 0; i < cell.n && i < max + 2; i++) {
				char *cut = tui_truncate(cell.v[i], strlen(cell.v[i]), width - 1);
				if (cut)
					add_row(rows, cut);
				free(cut);
			}
		}
		tui_rows_free(&cell);
	} else if (!host) {
		char *cmd = cell_command_text(cJSON_GetObjectItemCaseSensitive(ap->msg, "command"));
		if (cmd) {
			struct tui_rows cr = {0};
			snprintf(line, sizeof line, "  $ %s", cmd);
			add_wrapped(&cr, line, width, 4);
			for (size_t i = 0; i < cr.n && i < 6; i++)
				add_row(rows, cr.v[i]);
			if (cr.n > 6)
				add_row(rows, "    " ST_DIM "\xE2\x80\xA6");
			tui_rows_free(&cr);
		}
		free(cmd);
	}
	if (!host) /* a network approval has no body: the blank after the title serves */
		add_row(rows, "");
	for (int i = 0; i < nopts; i++) {
		snprintf(line, sizeof line, "%s%d. %s", i == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " : "  ",
			 i + 1, opts[i]);
		add_wrapped(rows, line, width, 5);
	}
	add_row(rows, "");
	add_row(rows, ap->agent && ap->agent != a->agent
			      ? "  " ST_DIM "Press enter to confirm or esc to cancel or o to open thread"
			      : "  " ST_DIM "Press enter to confirm or esc to cancel");
}

static void select_rows(struct app *a, struct tui_rows *rows, int width)
{
	char line[1024];

	add_row(rows, "");
	if (a->select_kind == SELECT_MODEL) {
		add_row(rows, "  " ST_BOLD "Select Model and Effort");
	} else if (a->select_kind == SELECT_EFFORT) {
		snprintf(line, sizeof line, "  " ST_BOLD "Select Reasoning Level for %s",
			 a->picked_model ? a->picked_model : "");
		add_row(rows, line);
	} else if (a->select_kind == SELECT_PERSONALITY) {
		add_row(rows, "  " ST_BOLD "Select Personality");
		add_row(rows, "  " ST_DIM "Choose a communication style for Codex.");
	} else if (a->select_kind == SELECT_FEEDBACK) {
		add_row(rows, "  " ST_BOLD "How was this?");
	} else if (a->select_kind == SELECT_AGENT) {
		add_row(rows, "  " ST_BOLD "Subagents");
		add_row(rows, "  " ST_DIM "Select an agent to watch. alt + \xE2\x86\x90 previous, alt + "
			"\xE2\x86\x92 next.");
	} else if (a->select_kind == SELECT_FEEDBACK_LOGS) {
		/* Upstream's "Upload logs?": here nothing is uploaded, the report is saved. */
		add_row(rows, "  " ST_BOLD "Include logs?");
		add_row(rows, "");
		add_row(rows, "  " ST_DIM "The report is saved in $CODEX_HOME/feedback; nothing is uploaded.");
		add_row(rows, "  " ST_DIM "The following files would be saved:");
		add_row(rows, "    \xE2\x80\xA2 feedback.json");
		add_row(rows, "    \xE2\x80\xA2 codex-logs.jsonl");
	} else if (a->select_kind == SELECT_SKILLS) {
		add_row(rows, "  " ST_BOLD "Skills");
		add_row(rows, "  " ST_DIM "Choose an action");
	} else if (a->select_kind == SELECT_COLLAB) {
		add_row(rows, "  " ST_BOLD "Select Collaboration Mode");
		add_row(rows, "  " ST_DIM "Pick a collaboration preset.");
	} else if (a->select_kind == SELECT_NUDGE) {
		add_row(rows, "  " ST_BOLD "Approaching rate limits");
		add_row(rows, "  " ST_DIM "Switch to " TUI_NUDGE_MODEL " for lower credit usage?");
	} else if (a->select_kind == SELECT_IMPLEMENT) {
		add_row(rows, "  " ST_BOLD "Implement this plan?");
	} else if (a->select_kind == SELECT_FULL_ACCESS) {
		add_row(rows, "  " ST_BOLD "Enable full access?");
		add_wrapped(rows, "  When Codex runs with full access, it can edit any file on your "
			    "computer and run commands with network, without your approval. " ST_RED
			    "Exercise caution when enabling full access. This significantly increases "
			    "the risk of data loss, leaks, or unexpected behavior.", width, 2);
	} else {
		add_row(rows, "  " ST_BOLD "Update Model Permissions");
	}
	add_row(rows, "");
	for (size_t i = 0; i < a->select_items.n; i++) {
		snprintf(line, sizeof line, "%s%zu. %s", (int)i == a->modal_sel ? ST_CYAN "\xE2\x80\xBA " : "  ",
			 i + 1, a->select_items.v[i]);
		add_wrapped(rows, line, width, 5);
	}
	add_row(rows, "");
	add_row(rows, "  " ST_DIM "Press enter to confirm or esc to go back");
}

/* The live area's rows and where the cursor goes (row, column; row -1 = hidden). */
static void live_rows(struct app *a, struct tui_rows *rows, int *cur_row, int *cur_col)
{
	int width = a->term.cols;
	char line[4096];

	*cur_row = -1;
	*cur_col = 0;
	if (a->streamed && a->stream.len) {
		struct md_state st = a->md;
		struct tui_rows tail = {0};
		if (md_line(&st, a->stream.data, a->stream.len, &tail) == 0)
			for (size_t i = 0; i < tail.n; i++)
				add_wrapped(rows, tail.v[i], width, 2);
		tui_rows_free(&tail);
	}
	for (size_t i = 0; i < a->n_running && i < 4; i++) {
		struct tui_rows r = {0};
		if (cell_exec_running(a->running[i].cmd, &r) == 0 && r.n) {
			char *cut = tui_truncate(r.v[0], strlen(r.v[0]), width - 1);
			if (cut)
				add_row(rows, cut);
			free(cut);
		}
		tui_rows_free(&r);
	}
	if ((a->busy || mcp_startup_running(a)) && a->modal != MODAL_APPROVAL) {
		/* MCP servers starting name the header, also for a turn waiting on them */
		uint64_t secs = (loop_now(a->loop) - (a->busy ? a->turn_started_ms
								: a->mcp_started_ms)) / 1000;
		char header[512];
		if (!mcp_startup_header(a, header, sizeof header))
			snprintf(header, sizeof header, "%s",
				 a->status_header ? a->status_header : "Working");
		add_row(rows, "");
		snprintf(line, sizeof line, ST_CYAN "\xE2\x80\xA2 " ST_RESET ST_BOLD "%s" ST_RESET ST_DIM
			 " (%llus \xE2\x80\xA2 esc to interrupt)", header, (unsigned long long)secs);
		{
			char *cut = tui_truncate(line, strlen(line), width - 1);
			if (cut)
				add_row(rows, cut);
			free(cut);
		}
		/* What an automatic approval review is looking at (tui/guardian.c). */
		for (const char *d = a->status_detail, *e; d && *d; d = *e ? e + 1 : e) {
			e = strchr(d, '\n');
			if (!e)
				e = d + strlen(d);
			snprintf(line, sizeof line, "  %s" ST_DIM "%.*s" ST_RESET,
				 d == a->status_detail ? "\xE2\x94\x94 " : "  ", (int)(e - d), d);
			char *cut = tui_truncate(line, strlen(line), width - 1);
			if (cut)
				add_row(rows, cut);
			free(cut);
		}
	}
	if (a->modal == MODAL_NONE)
		pending_rows(a, rows, width);
	if (a->modal == MODAL_APPROVAL && a->n_approvals) {
		approval_rows(a, rows, width);
	} else if (a->modal == MODAL_SELECT) {
		select_rows(a, rows, width);
	} else if (a->modal == MODAL_PROMPT) {
		thread_prompt_rows(a, rows, width, cur_row, cur_col);
	} else if (a->modal == MODAL_ITEMS) {
		statusline_rows(a, rows, width);
	} else if (a->modal == MODAL_FEATURES) {
		experimental_rows(a, rows, width);
	} else if (a->modal == MODAL_SKILLS) {
		skills_toggle_rows(a, rows, width);
	} else if (a->modal == MODAL_THEME) {
		theme_rows(a, rows, width);
	} else if (a->modal == MODAL_USER_INPUT && a->n_ui_reqs) {
		user_input_rows(a, rows, width);
	} else if (a->modal == MODAL_PLUGINS) {
		plugins_rows(a, rows, width);
	} else if (a->modal == MODAL_APPS) {
		apps_rows(a, rows, width);
	} else {
		struct tui_rows comp = {0};
		const struct slash_cmd *m[8];
		size_t nm;
		int cr, cc;
		add_row(rows, "");
		if (composer_rows(&a->comp, width, a->placeholder, &comp, &cr, &cc) == 0) {
			*cur_row = (int)rows->n + cr;
			*cur_col = cc;
			for (size_t i = 0; i < comp.n; i++)
				add_row(rows, comp.v[i]);
		}
		tui_rows_free(&comp);
		{
			size_t at, alen;
			if (files_at_token(&a->comp, &at, &alen)) {
				const char *f[8];
				char q[256];
				size_t nf;
				snprintf(q, sizeof q, "%.*s", (int)(alen - 1), composer_text(&a->comp) + at + 1);
				files_list(a);
				nf = files_match(a, q, f, 8);
				if (a->at_sel >= (int)nf)
					a->at_sel = nf ? (int)nf - 1 : 0;
				for (size_t i = 0; i < nf; i++) {
					char *p = cell_inert(f[i], false), *cut;
					snprintf(line, sizeof line, "  %s%s", (int)i == a->at_sel ? ST_CYAN : "",
						 p ? p : "");
					cut = tui_truncate(line, strlen(line), width - 1);
					if (cut)
						add_row(rows, cut);
					free(cut);
					free(p);
				}
				if (!nf)
					add_row(rows, "  " ST_DIM "no matches");
			}
		}
		skills_popup_rows(a, rows, width);
		nm = slash_matches(a, composer_text(&a->comp), m, 8);
		if (a->popup_sel >= (int)nm)
			a->popup_sel = nm ? (int)nm - 1 : 0;
		for (size_t i = 0; i < nm; i++) {
			char *cut;
			snprintf(line, sizeof line, "  %s/%-14s " ST_RESET ST_DIM "%s",
				 (int)i == a->popup_sel ? ST_CYAN : "", m[i]->name, m[i]->desc);
			cut = tui_truncate(line, strlen(line), width - 1);
			if (cut)
				add_row(rows, cut);
			free(cut);
		}
	}
	if (a->shortcuts && a->modal == MODAL_NONE) {
		/* upstream's overlay with collaboration modes on (always, in 0.118: its
		 * footer_shortcuts_collaboration_modes_enabled snapshot); same columns */
		static const char *const pairs[][2] = {
			{"/ for commands", "! for shell commands"},
			{"ctrl + j for newline", "tab to queue message"},
			{"@ for file paths", "ctrl + v to paste images"},
			{"ctrl + g to edit in external editor", "esc esc to edit previous message"},
			{"ctrl + c to exit", "shift + tab to change mode"},
			{"", "ctrl + t to view transcript"}};
		add_row(rows, "");
		for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
			char *cut;
			snprintf(line, sizeof line, "  " ST_DIM "%-41s %s", pairs[i][0], pairs[i][1]);
			cut = tui_truncate(line, strlen(line), width - 1);
			if (cut)
				add_row(rows, cut);
			free(cut);
		}
	}
	add_row(rows, "");
	footer(a, rows, width);
}

static void emit(struct app *a, const char *row)
{
	(void)!tui_emit_row(&a->term.out, row, strlen(row), a->color);
}

static void draw_overlay(struct app *a)
{
	int h = a->term.rows, w = a->term.cols, body = h - 2;
	char line[1024];
	struct tui_rows rows = {0};

	(void)!term_puts(&a->term, "\x1b[?2026h\x1b[?25l\x1b[H");
	if (a->overlay == OVERLAY_MIGRATION) {
		migration_rows(a, w, &rows);
		while ((int)rows.n < h)
			add_row(&rows, "");
	} else if (a->overlay == OVERLAY_PICKER) {
		snprintf(line, sizeof line, ST_BOLD "%s a previous session" ST_RESET "  " ST_DIM
			 "Sort: Created at", a->o->fork && !a->picker_in_app ? "Fork" : "Resume");
		add_row(&rows, line);
		snprintf(line, sizeof line, "%s%s", a->picker_query.len ? "Search: " : ST_DIM "Type to search",
			 a->picker_query.len ? a->picker_query.data : "");
		add_row(&rows, line);
		add_row(&rows, a->o->resume_all ? ST_BOLD "  Created at        CWD                   Conversation"
						: ST_BOLD "  Created at        Conversation");
		{
			size_t shown = 0, idx = 0;
			for (size_t i = 0; i < a->n_sessions; i++) {
				struct session_row *s = &a->sessions[i];
				if (a->picker_query.len && !strcasestr(s->preview, a->picker_query.data))
					continue;
				if ((int)shown < body - 4) {
					if (a->o->resume_all) {
						char *cwd = cell_inert(s->cwd, false);
						char *cut = cwd ? tui_truncate(cwd, strlen(cwd), 20) : NULL;
						snprintf(line, sizeof line, "%s%-16s  %s%*s  %s",
							 (int)idx == a->picker_sel ? ST_CYAN "> " : "  ", s->when,
							 cut ? cut : "",
							 20 - (int)(cut ? tui_text_width(cut, strlen(cut)) : 0), "",
							 s->preview);
						free(cut);
						free(cwd);
					} else {
						snprintf(line, sizeof line, "%s%-16s  %s",
							 (int)idx == a->picker_sel ? ST_CYAN "> " : "  ", s->when,
							 s->preview);
					}
					add_row(&rows, line);
					shown++;
				}
				idx++;
			}
			if (a->n_sessions == 0)
				add_row(&rows, ST_DIM "  No sessions yet");
			else if (idx == 0)
				add_row(&rows, ST_DIM "  No results for your search");
		}
		while ((int)rows.n < h - 1)
			add_row(&rows, "");
		add_row(&rows, a->o->fork && !a->picker_in_app ? ST_DIM "enter to fork     esc to start new     ctrl + c to quit     \xE2\x86\x91/\xE2\x86\x93 to browse"
					  : ST_DIM "enter to resume     esc to start new     ctrl + c to quit     \xE2\x86\x91/\xE2\x86\x93 to browse");
	} else {
		size_t total = a->overlay_rows.n, top = a->overlay_top;
		int pct;
		snprintf(line, sizeof line, ST_DIM "/ %s / / / / / / / / /", a->overlay_title ? a->overlay_title : "");
		add_row(&rows, line);
		if (total > (size_t)body && top > total - (size_t)body)
			top = a->overlay_top = total - (size_t)body;
		if (total <= (size_t)body)
			top = a->overlay_top = 0;
		for (int i = 0; i < body; i++)
			add_row(&rows, top + (size_t)i < total ? a->overlay_rows.v[top + (size_t)i] : "");
		pct = total <= (size_t)body ? 100 : (int)((top + (size_t)body) * 100 / total);
		if (a->backtrack)
			snprintf(line, sizeof line, ST_DIM "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80 %d%% \xE2\x94\x80  "
				 "q to quit   esc/\xE2\x86\x90 to edit prev   \xE2\x86\x92 to edit next   "
				 "enter to edit message", pct);
		else
			snprintf(line, sizeof line, ST_DIM "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80 %d%% \xE2\x94\x80  "
				 "\xE2\x86\x91/\xE2\x86\x93 to scroll   pgup/pgdn to page   q to quit", pct);
		add_row(&rows, line);
	}
	for (size_t i = 0; i < rows.n && (int)i < h; i++) {
		char *cut = tui_truncate(rows.v[i], strlen(rows.v[i]), w);
		(void)!term_puts(&a->term, "\x1b[2K");
		if (cut)
			emit(a, cut);
		free(cut);
		if ((int)i + 1 < h)
			(void)!term_puts(&a->term, "\r\n");
	}
	(void)!term_puts(&a->term, "\x1b[?2026l");
	tui_rows_free(&rows);
}

/* Forget where the live area was (after leaving the alternate screen the terminal puts
 * the cursor back where it was, so the next frame draws over the old live area). */
void draw_reset_live(struct app *a)
{
	(void)a;
}

void draw_frame(struct app *a)
{
	struct tui_rows rows = {0};
	int cur_row, cur_col, h = a->term.rows, w = a->term.cols;
	struct err e;

	a->dirty = false;
	statusline_title(a);
	if (a->overlay != OVERLAY_NONE) {
		draw_overlay(a);
		(void)term_flush(&a->term, &e);
		return;
	}
	(void)!term_puts(&a->term, "\x1b[?2026h\x1b[?25l");
	if (a->live_drawn) {
		int up = a->live_cursor_row < h ? a->live_cursor_row : h - 1;
		if (up > 0)
			(void)!buf_printf(&a->term.out, "\x1b[%dA", up);
		(void)!term_puts(&a->term, "\r\x1b[J");
	}
	for (size_t i = 0; i < a->pending.n; i++) {
		struct tui_rows wr = {0};
		if (tui_wrap(a->pending.v[i], strlen(a->pending.v[i]), w, 2, &wr) == 0)
			for (size_t k = 0; k < wr.n; k++) {
				emit(a, wr.v[k]);
				(void)!term_puts(&a->term, "\r\n");
			}
		tui_rows_free(&wr);
		/* The transcript keeps the line; past its cap the oldest half goes. */
		if (a->transcript.n >= TUI_TRANSCRIPT_MAX_LINES) {
			size_t half = a->transcript.n / 2;
			for (size_t k = 0; k < half; k++)
				free(a->transcript.v[k]);
			memmove(a->transcript.v, a->transcript.v + half,
				(a->transcript.n - half) * sizeof *a->transcript.v);
			a->transcript.n -= half;
		}
		if (a->transcript.n == a->transcript.cap) {
			size_t cap = a->transcript.cap ? a->transcript.cap * 2 : 256;
			char **v = realloc(a->transcript.v, cap * sizeof *v);
			if (v) {
				a->transcript.v = v;
				a->transcript.cap = cap;
			}
		}
		if (a->transcript.n < a->transcript.cap) {
			a->transcript.v[a->transcript.n++] = a->pending.v[i];
			a->pending.v[i] = NULL;
		}
	}
	tui_rows_clear(&a->pending);
	live_rows(a, &rows, &cur_row, &cur_col);
	{
		/* The live area never grows past the screen: its top rows give way. */
		size_t skip = rows.n > (size_t)h ? rows.n - (size_t)h : 0;
		int last;
		if (cur_row >= 0 && (size_t)cur_row < skip)
			cur_row = -1;
		if (cur_row >= 0)
			cur_row -= (int)skip;
		for (size_t i = skip; i < rows.n; i++) {
			char *cut = tui_truncate(rows.v[i], strlen(rows.v[i]), w);
			if (cut)
				emit(a, cut);
			free(cut);
			if (i + 1 < rows.n)
				(void)!term_puts(&a->term, "\r\n");
		}
		last = (int)(rows.n - skip) - 1;
		if (cur_row < 0) {
			a->live_cursor_row = last;
		} else {
			if (last - cur_row > 0)
				(void)!buf_printf(&a->term.out, "\x1b[%dA", last - cur_row);
			(void)!term_puts(&a->term, "\r");
			if (cur_col > 0)
				(void)!buf_printf(&a->term.out, "\x1b[%dC", cur_col);
			(void)!term_puts(&a->term, "\x1b[?25h");
			a->live_cursor_row = cur_row;
		}
	}
	a->live_drawn = true;
	(void)!term_puts(&a->term, "\x1b[?2026l");
	tui_rows_free(&rows);
	(void)term_flush(&a->term, &e);
}
