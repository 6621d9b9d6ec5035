/* /feedback (reference codex-tui.md §9): upstream's steps (a category, whether to include
 * the session's logs, an optional note) ending in a report. Upstream uploads it to its
 * own service; this project has none, so the report is written to
 * $CODEX_HOME/feedback/<time>-<thread id>/ (0700): feedback.json and, when the user
 * agreed, the session's rollout as codex-logs.jsonl, for the user to attach to an issue.
 * Nothing leaves the machine. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include <cJSON.h>

#include "base/file.h"
#include "tui/internal.h"

/* A rollout larger than this is left out of the report (with a word saying so). */
#define FEEDBACK_MAX_LOG_BYTES (64u << 20)

static const struct {
	const char *label, *key, *desc, *note_hint;
} categories[] = {
	{"bug", "bug", "Crash, error message, hang, or broken UI/behavior.",
	 "(optional) Write a short description to help us further"},
	{"bad result", "bad_result", "Output was off-target, incorrect, incomplete, or unhelpful.",
	 "(optional) Write a short description to help us further"},
	{"good result", "good_result",
	 "Helpful, correct, high\xE2\x80\x91quality, or delightful result worth celebrating.",
	 "(optional) Write a short description to help us further"},
	{"safety check", "safety_check", "Benign usage blocked due to safety checks or refusals.",
	 "(optional) Share what was refused and why it should have been allowed"},
	{"other", "other", "Slowness, feature suggestion, UX feedback, or anything else.",
	 "(optional) Write a short description to help us further"},
};
#define N_CATEGORIES (sizeof categories / sizeof categories[0])

void feedback_open(struct app *a)
{
	if (!a->cfg->feedback_enabled) {
		app_error(a, "Sending feedback is disabled: this action is disabled by configuration.");
		return;
	}
	tui_rows_clear(&a->select_items);
	a->select_kind = SELECT_FEEDBACK;
	a->modal = MODAL_SELECT;
	a->modal_sel = 0;
	for (size_t i = 0; i < N_CATEGORIES; i++) {
		char name[32];
		snprintf(name, sizeof name, "%-12s", categories[i].label);
		select_push(a, name, "", categories[i].desc);
	}
}

const char *feedback_note_title(const struct app *a, char *out, size_t n, const char **hint)
{
	int c = a->feedback_category >= 0 && (size_t)a->feedback_category < N_CATEGORIES
			? a->feedback_category : 0;

	snprintf(out, n, "Tell us more (%s)", categories[c].label);
	*hint = categories[c].note_hint;
	return out;
}

void feedback_choose(struct app *a, int idx)
{
	if (a->select_kind == SELECT_FEEDBACK) {
		if (idx < 0 || (size_t)idx >= N_CATEGORIES)
			return;
		a->feedback_category = idx;
		/* The consent step: what would go into the report. */
		tui_rows_clear(&a->select_items);
		a->select_kind = SELECT_FEEDBACK_LOGS;
		a->modal = MODAL_SELECT;
		a->modal_sel = 0;
		select_push(a, "Yes", "",
			    "Include the current Codex session log in the report for troubleshooting.");
		select_push(a, "No", "", NULL);
		return;
	}
	/* SELECT_FEEDBACK_LOGS: then the note. */
	a->feedback_logs = idx == 0;
	a->prompt_kind = PROMPT_FEEDBACK;
	a->prompt[0] = '\0';
	a->modal = MODAL_PROMPT;
}

static char *report_json(const struct app *a, const char *note, bool logs)
{
	struct utsname u;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	cJSON *o = cJSON_CreateObject();
	char *s = NULL;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (uname(&u) < 0)
		memset(&u, 0, sizeof u);
	if (o && cJSON_AddStringToObject(o, "classification", categories[a->feedback_category].key) &&
	    cJSON_AddStringToObject(o, "reason", note) &&
	    cJSON_AddStringToObject(o, "thread_id", a->thread_id ? a->thread_id : "") &&
	    cJSON_AddStringToObject(o, "cli_version", CODEX_VERSION) &&
	    cJSON_AddStringToObject(o, "model", a->model ? a->model : "") &&
	    cJSON_AddStringToObject(o, "os", u.sysname) &&
	    cJSON_AddStringToObject(o, "os_release", u.release) &&
	    cJSON_AddStringToObject(o, "arch", u.machine) &&
	    cJSON_AddStringToObject(o, "created_at", when) &&
	    cJSON_AddBoolToObject(o, "include_logs", logs))
		s = cJSON_Print(o);
	cJSON_Delete(o);
	return s;
}

/* Writes the report's files into a new directory; its path (malloc'ed), or NULL. */
static char *write_report(struct app *a, const char *note, char **log_note, struct err *e)
{
	char stamp[32], *dir = NULL, *path = NULL, *json = NULL;
	const char *rollout = a->agent ? agent_rollout_path(a->agent) : NULL;
	time_t now = time(NULL);
	struct tm tm;
	struct buf log;

	*log_note = NULL;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	if (asprintf(&dir, "%s/feedback/%s-%s", a->cfg->codex_home, stamp,
		     a->thread_id ? a->thread_id : "no-thread") < 0) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (asprintf(&path, "%s/feedback.json", dir) < 0) {
		path = NULL;
		goto nomem;
	}
	if (file_mkdir_parents(path, e) < 0)
		goto fail;
	(void)chmod(dir, 0700);
	if (!(json = report_json(a, note, a->feedback_logs)))
		goto nomem;
	if (file_write_atomic_mode(path, json, strlen(json), 0600, e) < 0)
		goto fail;
	if (a->feedback_logs && rollout) {
		buf_init(&log, FEEDBACK_MAX_LOG_BYTES);
		free(path);
		if (asprintf(&path, "%s/codex-logs.jsonl", dir) < 0) {
			path = NULL;
			buf_free(&log);
			goto nomem;
		}
		if (file_read_all(rollout, &log, e) < 0 ||
		    file_write_atomic_mode(path, log.data ? log.data : "", log.len, 0600, e) < 0)
			*log_note = strdup(e->msg);
		buf_free(&log);
	}
	free(json);
	free(path);
	return dir;
nomem:
	err_set(e, "out of memory");
fail:
	free(json);
	free(path);
	free(dir);
	return NULL;
}

void feedback_submit(struct app *a, const char *note)
{
	struct tui_rows c = {0};
	struct err e;
	char *dir, *log_note = NULL, *shown, line[4096];
	bool good = strcmp(categories[a->feedback_category].key, "good_result") == 0;

	err_clear(&e);
	if (!(dir = write_report(a, note, &log_note, &e))) {
		snprintf(line, sizeof line, "Failed to save feedback: %s", e.msg);
		app_error(a, line);
		return;
	}
	shown = cell_inert(dir, false);
	snprintf(line, sizeof line, "\xE2\x80\xA2 Feedback saved to %s.%s", shown ? shown : "",
		 good ? " Thanks for the feedback!"
		      : " Please open an issue and attach it, or mention your thread ID in an "
			"existing issue.");
	(void)!tui_rows_push(&c, line, strlen(line));
	if (log_note) {
		char *ln = cell_inert(log_note, false);
		snprintf(line, sizeof line, "  " ST_DIM "The session log was left out: %s", ln ? ln : "");
		(void)!tui_rows_push(&c, line, strlen(line));
		free(ln);
	}
	snprintf(line, sizeof line, "  Thread ID: " ST_BOLD "%s", a->thread_id ? a->thread_id : "");
	(void)!tui_rows_push(&c, line, strlen(line));
	app_commit(a, &c);
	tui_rows_free(&c);
	free(shown);
	free(dir);
	free(log_note);
}
