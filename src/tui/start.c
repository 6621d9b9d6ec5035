/* Start-up: the trust screen, [tui] settings, prompt history, the resume picker's list
 * and a resumed conversation's history (reference codex-tui.md §10-11). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "config/toml.h"
#include "tui/internal.h"

/* A rollout rendered on resume is read whole up to this size. */
#define ROLLOUT_RENDER_MAX_BYTES (64u << 20)
#define PICKER_MAX_SESSIONS 500

char *start_project_root(const char *cwd)
{
	char path[4096];
	size_t n = strlen(cwd);

	if (n >= sizeof path - 8)
		return strdup(cwd);
	memcpy(path, cwd, n + 1);
	for (;;) {
		size_t len = strlen(path);
		char *slash;
		snprintf(path + len, sizeof path - len, "%s.git", len > 1 ? "/" : "");
		if (access(path, F_OK) == 0) {
			path[len] = '\0';
			return strdup(path);
		}
		path[len] = '\0';
		slash = strrchr(path, '/');
		if (!slash || len <= 1)
			return strdup(cwd);
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/* [tui] notifications (bool or list), show_tooltips and alternate_screen. */
static void tui_settings(struct app *a, const struct toml_value *root)
{
	const struct toml_value *tui = root ? toml_table_get(root, "tui") : NULL, *v;

	a->notifications = true;
	a->show_tooltips = true;
	statusline_load(a, tui);
	if (!tui || tui->type != TOML_TABLE)
		return;
	v = toml_table_get(tui, "show_tooltips");
	if (v && v->type == TOML_BOOL)
		a->show_tooltips = v->u.boolean;
	v = toml_table_get(tui, "notifications");
	if (v && v->type == TOML_BOOL)
		a->notifications = v->u.boolean;
	else if (v && v->type == TOML_ARRAY)
		for (size_t i = 0; i < v->u.array.n; i++)
			if (v->u.array.items[i]->type == TOML_STRING)
				(void)!strv_push(&a->notification_types, v->u.array.items[i]->u.str.ptr);
	v = toml_table_get(tui, "alternate_screen");
	if (v && v->type == TOML_STRING) {
		if (strcmp(v->u.str.ptr, "never") == 0)
			a->alt_allowed = false;
		else if (strcmp(v->u.str.ptr, "auto") == 0 && getenv("ZELLIJ"))
			a->alt_allowed = false;
	} else if (getenv("ZELLIJ")) {
		a->alt_allowed = false;
	}
	if (a->o->no_alt_screen)
		a->alt_allowed = false;
}

/* Appends the trust table to config.toml (created 0600 when missing). */
static int write_trust(const struct app *a, const char *root, struct err *e)
{
	struct buf b;
	int fd, rc = -1;

	buf_init(&b, 64u << 10);
	if (buf_puts(&b, "\n[projects.\"") < 0)
		goto out;
	for (const char *p = root; *p; p++) {
		int r;
		if (*p == '"' || *p == '\\')
			r = buf_printf(&b, "\\%c", *p);
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			r = buf_printf(&b, "\\u%04x", (unsigned char)*p);
		else
			r = buf_putc(&b, *p);
		if (r < 0)
			goto out;
	}
	if (buf_puts(&b, "\"]\ntrust_level = \"trusted\"\n") < 0)
		goto out;
	if (file_mkdir_parents(a->cfg->config_path, e) < 0)
		goto out;
	fd = open(a->cfg->config_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_sys(e, errno, "cannot write %s", a->cfg->config_path);
		goto out;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len) {
		err_sys(e, errno, "cannot write %s", a->cfg->config_path);
		close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static void trusted_defaults(struct app *a, const struct toml_value *root)
{
	/* Trusted projects run workspace-write + on-request unless the user chose. */
	if (a->o->flags_set_policy)
		return;
	if (root && (toml_table_get(root, "sandbox_mode") || toml_table_get(root, "approval_policy")))
		return;
	a->cfg->sandbox_mode = SANDBOX_MODE_WORKSPACE_WRITE;
	a->cfg->approval_policy = APPROVAL_ON_REQUEST;
}

struct trust_ui {
	struct app *a;
	int sel;
	int answer;   /* 0 asking, 1 trust, 2 quit */
	bool drawn;
	int rows_drawn;
};

static void trust_draw(struct trust_ui *t, const char *root)
{
	struct app *a = t->a;
	struct tui_rows rows = {0};
	char line[4096];
	struct err e;

	snprintf(line, sizeof line, ST_BOLD "> You are in %s", root);
	(void)!tui_wrap(line, strlen(line), a->term.cols, 2, &rows);
	(void)!tui_rows_push(&rows, "", 0);
	snprintf(line, sizeof line, "  Do you trust the contents of this directory? Working with "
				    "untrusted contents comes with higher risk of prompt injection.");
	(void)!tui_wrap(line, strlen(line), a->term.cols, 2, &rows);
	(void)!tui_rows_push(&rows, "", 0);
	snprintf(line, sizeof line, "%s1. Yes, continue", t->sel == 0 ? ST_CYAN "\xE2\x80\xBA " : "  ");
	(void)!tui_rows_push(&rows, line, strlen(line));
	snprintf(line, sizeof line, "%s2. No, quit", t->sel == 1 ? ST_CYAN "\xE2\x80\xBA " : "  ");
	(void)!tui_rows_push(&rows, line, strlen(line));
	(void)!tui_rows_push(&rows, "", 0);
	snprintf(line, sizeof line, "  " ST_DIM "Press enter to continue");
	(void)!tui_rows_push(&rows, line, strlen(line));
	if (t->drawn && t->rows_drawn > 1)
		(void)!buf_printf(&a->term.out, "\x1b[%dA", t->rows_drawn - 1);
	(void)!term_puts(&a->term, "\r\x1b[J\x1b[?25l");
	for (size_t i = 0; i < rows.n && (int)i < a->term.rows; i++) {
		char *cut = tui_truncate(rows.v[i], strlen(rows.v[i]), a->term.cols);
		if (cut)
			(void)!tui_emit_row(&a->term.out, cut, strlen(cut), a->color);
		free(cut);
		if (i + 1 < rows.n)
			(void)!term_puts(&a->term, "\r\n");
	}
	t->rows_drawn = (int)(rows.n < (size_t)a->term.rows ? rows.n : (size_t)a->term.rows);
	t->drawn = true;
	tui_rows_free(&rows);
	(void)term_flush(&a->term, &e);
}

static void trust_key(void *arg, const struct key *k)
{
	struct trust_ui *t = arg;

	switch (k->kind) {
	case KEY_UP:
		t->sel = 0;
		break;
	case KEY_DOWN:
		t->sel = 1;
		break;
	case KEY_ENTER:
		t->answer = t->sel == 0 ? 1 : 2;
		break;
	case KEY_CHAR:
		if (k->cp == 'k')
			t->sel = 0;
		else if (k->cp == 'j')
			t->sel = 1;
		else if (k->cp == '1' || k->cp == 'y')
			t->answer = 1;
		else if (k->cp == '2' || k->cp == 'n')
			t->answer = 2;
		break;
	case KEY_CTRL:
		if (k->cp == 'c' || k->cp == 'd')
			t->answer = 2;
		break;
	default:
		break;
	}
}

int start_screen_wait(struct app *a, int extra_fd,
		      void (*on_key)(void *arg, const struct key *k), void *arg)
{
	struct pollfd p[3] = {{a->term.in_fd, POLLIN, 0}, {a->sigfd, POLLIN, 0},
			      {extra_fd, POLLIN, 0}};
	int n = poll(p, extra_fd >= 0 ? 3 : 2, -1);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (p[1].revents) {
		struct signalfd_siginfo si;
		while (read(a->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
			if (si.ssi_signo == SIGWINCH) {
				term_size(&a->term);
			} else {
				a->quit = true;
				a->exit_code = 128 + (int)si.ssi_signo;
			}
		}
	}
	if (p[0].revents) {
		char chunk[4096];
		ssize_t r = read(a->term.in_fd, chunk, sizeof chunk);
		if (r <= 0 && !(r < 0 && (errno == EINTR || errno == EAGAIN)))
			return -1;
		if (r > 0) {
			keys_feed(&a->keys, chunk, (size_t)r, on_key, arg);
			if (keys_pending_esc(&a->keys))
				keys_flush_esc(&a->keys, on_key, arg);
		}
	}
	return extra_fd >= 0 && p[2].revents ? 1 : 0;
}

int start_trust(struct app *a, struct err *e)
{
	struct err ignored;
	/* the -c overrides hold for these settings too, as upstream's merged config */
	struct toml_value *root = config_read_document(a->cfg, &ignored);
	const struct toml_value *projects, *proj, *level;
	char *proot = start_project_root(a->o->cwd);
	struct trust_ui t = {a, 0, 0, false, 0};
	int rc = 0;

	tui_settings(a, root);
	nudge_load(a, root);
	permissions_load(a, root);
	migration_load(a, root);
	if (!proot) {
		toml_free(root);
		return 0;
	}
	projects = root ? toml_table_get(root, "projects") : NULL;
	proj = projects && projects->type == TOML_TABLE ? toml_table_get(projects, proot) : NULL;
	level = proj && proj->type == TOML_TABLE ? toml_table_get(proj, "trust_level") : NULL;
	if (level && level->type == TOML_STRING) {
		if (strcmp(level->u.str.ptr, "trusted") == 0)
			trusted_defaults(a, root);
		goto out;
	}
	trust_draw(&t, proot);
	while (!t.answer && !a->quit) {
		if (start_screen_wait(a, -1, trust_key, &t) < 0)
			break;
		trust_draw(&t, proot);
	}
	/* The screen goes; the chat starts where it was. */
	if (t.rows_drawn > 1)
		(void)!buf_printf(&a->term.out, "\x1b[%dA", t.rows_drawn - 1);
	(void)!term_puts(&a->term, "\r\x1b[J");
	(void)term_flush(&a->term, e);
	if (t.answer != 1) {
		a->exit_code = 0;
		rc = 1;
		goto out;
	}
	a->first_run = true; /* as upstream: a first run in this directory */
	if (!proj && write_trust(a, proot, e) < 0) {
		a->exit_code = 1;
		rc = 1;
		goto out;
	}
	trusted_defaults(a, root);
out:
	free(proot);
	toml_free(root);
	return rc;
}

int start_list_sessions(struct app *a, struct err *e)
{
	struct agent_session *s;
	size_t n;

	if (agent_list_sessions(a->cfg, a->o->resume_all ? NULL : a->o->cwd, PICKER_MAX_SESSIONS, &s,
				&n, e) < 0)
		return -1;
	a->sessions = calloc(n + 1, sizeof *a->sessions);
	if (!a->sessions) {
		agent_sessions_free(s, n);
		return err_set(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct session_row *r = &a->sessions[a->n_sessions];
		char when[32];
		/* "2026-12-05T06:44:43.123Z" shown as "2026-12-05 06:44" */
		snprintf(when, sizeof when, "%.10s %.5s", s[i].timestamp,
			 strlen(s[i].timestamp) > 11 ? s[i].timestamp + 11 : "");
		r->path = strdup(s[i].path);
		r->id = strdup(s[i].id);
		r->when = strdup(when);
		r->cwd = strdup(s[i].cwd);
		/* the Conversation column: the thread's name, else its first message */
		r->preview = cell_inert(s[i].thread_name ? s[i].thread_name : s[i].first_user_message,
					false);
		if (!r->path || !r->id || !r->when || !r->cwd || !r->preview) {
			free(r->path);
			free(r->id);
			free(r->when);
			free(r->cwd);
			free(r->preview);
			continue;
		}
		a->n_sessions++;
	}
	agent_sessions_free(s, n);
	return 0;
}

void start_free_sessions(struct app *a)
{
	for (size_t i = 0; i < a->n_sessions; i++) {
		free(a->sessions[i].path);
		free(a->sessions[i].id);
		free(a->sessions[i].when);
		free(a->sessions[i].cwd);
		free(a->sessions[i].preview);
	}
	free(a->sessions);
	a->sessions = NULL;
	a->n_sessions = 0;
}

void start_render_rollout(struct app *a, const char *path)
{
	start_render_rollout_upto(a, path, SIZE_MAX);
}

void start_render_rollout_upto(struct app *a, const char *path, size_t upto)
{
	struct buf b;
	struct err e;
	const char *p;

	buf_init(&b, ROLLOUT_RENDER_MAX_BYTES);
	if (file_read_all(path, &b, &e) < 0) {
		buf_free(&b);
		return;
	}
	if (b.len > upto) {
		b.len = upto;
		b.data[upto] = '\0';
	}
	for (p = b.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		cJSON *line = cJSON_ParseWithLength(p, n);
		const cJSON *payload = cJSON_GetObjectItemCaseSensitive(line, "payload");
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(line, "type"));
		const char *pt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(payload, "type"));
		const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(payload, "message"));
		struct tui_rows cell = {0};

		if (type && pt && strcmp(type, "event_msg") == 0 &&
		    strcmp(pt, "thread_rolled_back") == 0) {
			/* a backtrack of that session: what it dropped is not shown */
			const cJSON *nt = cJSON_GetObjectItemCaseSensitive(payload, "num_turns");
			if (cJSON_IsNumber(nt) && nt->valuedouble >= 1)
				backtrack_drop_turns(a, nt->valuedouble >= 1e9 ? (size_t)1e9
									      : (size_t)nt->valuedouble);
		} else if (type && pt && strcmp(type, "event_msg") == 0 &&
			   strcmp(pt, "turn_aborted") == 0) {
			if (cell_error(TUI_INTERRUPTED, &cell) == 0)
				app_commit(a, &cell);
		} else if (type && pt && strcmp(type, "event_msg") == 0 &&
			   strcmp(pt, "context_compacted") == 0) {
			if (cell_info(TUI_COMPACTED, &cell) == 0)
				app_commit(a, &cell);
		} else if (type && pt && strcmp(type, "event_msg") == 0 &&
			   strcmp(pt, "task_started") == 0) {
			const char *kind = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(payload, "collaboration_mode_kind"));
			a->turn_plan = kind && strcmp(kind, "plan") == 0;
		} else if (type && pt && msg && strcmp(type, "event_msg") == 0) {
			if (strcmp(pt, "user_message") == 0 && cell_user(msg, &cell) == 0) {
				app_commit(a, &cell);
				backtrack_note_user(a, msg, cell.n);
			} else if (strcmp(pt, "agent_message") == 0 && a->turn_plan) {
				app_message(a, msg);
				free(a->last_answer);
				a->last_answer = strdup(msg);
			} else if (strcmp(pt, "agent_message") == 0 && md_message(msg, &cell) == 0) {
				app_commit(a, &cell);
				free(a->last_answer);
				a->last_answer = strdup(msg); /* /copy's, as if just answered */
			}
		}
		tui_rows_free(&cell);
		cJSON_Delete(line);
		p = nl ? nl + 1 : NULL;
	}
	buf_free(&b);
}

void start_load_history(struct app *a)
{
	char path[4096];
	int fd;
	struct stat st;
	struct buf b;
	off_t from;

	snprintf(path, sizeof path, "%s/history.jsonl", a->cfg->codex_home);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* no history yet */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	/* The newest entries only: the file's tail. */
	from = st.st_size > (off_t)TUI_HISTORY_MAX_BYTES ? st.st_size - (off_t)TUI_HISTORY_MAX_BYTES : 0;
	buf_init(&b, TUI_HISTORY_MAX_BYTES + 1);
	if (lseek(fd, from, SEEK_SET) < 0 || fd_read_all(fd, &b, "history.jsonl", NULL) < 0) {
		close(fd);
		buf_free(&b);
		return;
	}
	close(fd);
	{
		const char *p = b.data;
		if (from > 0 && p) {
			p = strchr(p, '\n'); /* the first line may be cut */
			p = p ? p + 1 : NULL;
		}
		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			cJSON *j = cJSON_ParseWithLength(p, n);
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "text"));
			if (t && *t)
				(void)!tui_rows_push(&a->hist, t, strlen(t));
			cJSON_Delete(j);
			p = nl ? nl + 1 : NULL;
		}
	}
	buf_free(&b);
	if (a->hist.n > TUI_HISTORY_MAX_ENTRIES) {
		size_t drop = a->hist.n - TUI_HISTORY_MAX_ENTRIES;
		for (size_t i = 0; i < drop; i++)
			free(a->hist.v[i]);
		memmove(a->hist.v, a->hist.v + drop, TUI_HISTORY_MAX_ENTRIES * sizeof *a->hist.v);
		a->hist.n = TUI_HISTORY_MAX_ENTRIES;
	}
}
