/* Automatic approval reviews (approvals_reviewer = "guardian_subagent"): while the
 * reviewer works, the status line reads "Reviewing approval request" with what it
 * reviews below; its verdict becomes a history cell, as upstream 0.118's chat widget
 * shows them ("Auto-reviewer approved codex to run ...", "Request denied for ...").
 * Everything shown from the event is made inert first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

/* One history line; longer content (a huge command) is cut, the cell wraps the rest. */
#define LINE_MAX_BYTES 4096

static const char *jstr(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A POSIX shell word list ('...', "...", backslashes), enough to read back what the
 * agent joined (output_shell_join); NULL when it does not split cleanly. */
static cJSON *split_words(const char *s)
{
	cJSON *arr = cJSON_CreateArray();
	struct buf w;
	bool in_word = false;

	buf_init(&w, LINE_MAX_BYTES);
	if (!arr)
		return NULL;
	for (const char *p = s;; p++) {
		if (!*p || *p == ' ' || *p == '\t' || *p == '\n') {
			if (in_word &&
			    !cJSON_AddItemToArray(arr, cJSON_CreateString(w.data ? w.data : "")))
				goto fail;
			buf_reset(&w);
			in_word = false;
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e || buf_append(&w, p + 1, (size_t)(e - p - 1)) < 0)
				goto fail;
			p = e;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				if (buf_putc(&w, *p) < 0)
					goto fail;
			}
			if (!*p)
				goto fail;
		} else {
			if (*p == '\\' && p[1])
				p++;
			if (buf_putc(&w, *p) < 0)
				goto fail;
		}
	}
	buf_free(&w);
	if (cJSON_GetArraySize(arr) == 0)
		goto fail;
	return arr;
fail:
	buf_free(&w);
	cJSON_Delete(arr);
	return NULL;
}

static bool is_command_tool(const char *tool)
{
	return tool && (strcmp(tool, "shell") == 0 || strcmp(tool, "exec_command") == 0);
}

/* The command as the user's own approvals show it (bash -lc unwrapped), inert. */
static char *command_text(const cJSON *action)
{
	const char *cmd = jstr(action, "command");
	cJSON *words;
	char *t;

	if (!cmd)
		return NULL;
	words = split_words(cmd);
	t = words ? cell_command_text(words) : cell_inert(cmd, false);
	cJSON_Delete(words);
	return t;
}

/* Upstream's one-line summary of what is reviewed; malloc'ed (inert), or NULL. */
static char *action_summary(const cJSON *action)
{
	const char *tool = jstr(action, "tool");
	char line[LINE_MAX_BYTES];

	if (!tool)
		return NULL;
	if (is_command_tool(tool))
		return command_text(action);
	if (strcmp(tool, "apply_patch") == 0) {
		const cJSON *files = cJSON_GetObjectItemCaseSensitive(action, "files");
		const cJSON *count = cJSON_GetObjectItemCaseSensitive(action, "change_count");
		int n = cJSON_GetArraySize(files);
		if (n == 1 && cJSON_IsString(cJSON_GetArrayItem(files, 0)))
			snprintf(line, sizeof line, "apply_patch touching %s",
				 cJSON_GetArrayItem(files, 0)->valuestring);
		else
			snprintf(line, sizeof line, "apply_patch touching %d changes across %d files",
				 cJSON_IsNumber(count) ? (int)count->valuedouble : n, n);
	} else if (strcmp(tool, "network_access") == 0 && jstr(action, "target")) {
		snprintf(line, sizeof line, "network access to %s", jstr(action, "target"));
	} else if (strcmp(tool, "mcp_tool_call") == 0 && jstr(action, "tool_name")) {
		const char *label = jstr(action, "connector_name");
		label = label ? label : jstr(action, "server");
		snprintf(line, sizeof line, "MCP %s on %s", jstr(action, "tool_name"),
			 label ? label : "unknown server");
	} else {
		return NULL;
	}
	return cell_inert(line, false);
}

/* Long commands are cut, as upstream's snippets are. */
static char *snippet(char *text)
{
	char *cut;

	if (!text)
		return NULL;
	cut = tui_truncate(text, strlen(text), 80);
	if (!cut)
		return text;
	free(text);
	return cut;
}

int cell_guardian(const cJSON *m, struct tui_rows *out)
{
	const char *status = jstr(m, "status");
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(m, "action");
	const char *tool = jstr(action, "tool");
	bool approved = status && strcmp(status, "approved") == 0;
	char line[LINE_MAX_BYTES], *what = NULL;

	if (!status || (!approved && strcmp(status, "denied") != 0) || !cJSON_IsObject(action))
		return -1;
	if (is_command_tool(tool) && (what = snippet(command_text(action)))) {
		if (approved)
			snprintf(line, sizeof line,
				 ST_GREEN "\xE2\x9C\x94 " ST_RESET "Auto-reviewer " ST_BOLD "approved"
				 ST_RESET " codex to run " ST_DIM "%s" ST_RESET ST_BOLD " this time" ST_RESET,
				 what);
		else
			snprintf(line, sizeof line,
				 ST_RED "\xE2\x9C\x97 " ST_RESET "Request " ST_BOLD "denied" ST_RESET
				 " for codex to run " ST_DIM "%s" ST_RESET, what);
	} else if (!approved && tool && strcmp(tool, "apply_patch") == 0) {
		const cJSON *files = cJSON_GetObjectItemCaseSensitive(action, "files");
		const cJSON *count = cJSON_GetObjectItemCaseSensitive(action, "change_count");
		int n = cJSON_GetArraySize(files);
		if (n == 1 && cJSON_IsString(cJSON_GetArrayItem(files, 0))) {
			what = cell_inert(cJSON_GetArrayItem(files, 0)->valuestring, false);
			snprintf(line, sizeof line,
				 ST_RED "\xE2\x9C\x97 " ST_RESET "Request " ST_BOLD "denied" ST_RESET
				 " for codex to apply a patch touching " ST_DIM "%s" ST_RESET,
				 what ? what : "");
		} else {
			snprintf(line, sizeof line,
				 ST_RED "\xE2\x9C\x97 " ST_RESET "Request " ST_BOLD "denied" ST_RESET
				 " for codex to apply a patch touching %d changes across " ST_DIM
				 "%d" ST_RESET " files",
				 cJSON_IsNumber(count) ? (int)count->valuedouble : n, n);
		}
	} else {
		char text[LINE_MAX_BYTES];
		if (!approved && tool && strcmp(tool, "mcp_tool_call") == 0)
			snprintf(text, sizeof text, "codex to call MCP tool %s.%s",
				 jstr(action, "server") ? jstr(action, "server") : "unknown server",
				 jstr(action, "tool_name") ? jstr(action, "tool_name") : "unknown tool");
		else if (!approved && tool && strcmp(tool, "network_access") == 0)
			snprintf(text, sizeof text, "codex to access %s",
				 jstr(action, "target")	? jstr(action, "target")
				 : jstr(action, "host") ? jstr(action, "host")
							: "network target");
		else {
			char *s = action_summary(action);
			if (!s)
				s = cJSON_PrintUnformatted(action);
			snprintf(text, sizeof text, "%s", s ? s : "<unrenderable guardian action>");
			free(s);
		}
		what = cell_inert(text, false);
		snprintf(line, sizeof line, "%s" ST_BOLD "%s" ST_RESET " for " ST_DIM "%s" ST_RESET,
			 approved ? ST_GREEN "\xE2\x9C\x94 " ST_RESET "Request "
				  : ST_RED "\xE2\x9C\x97 " ST_RESET "Request ",
			 approved ? "approved" : "denied", what ? what : "");
	}
	free(what);
	return tui_rows_push(out, line, strlen(line));
}

static void set_status(struct app *a)
{
	struct buf b;
	char header[64];

	free(a->status_detail);
	a->status_detail = NULL;
	if (!a->n_reviews) {
		/* The reviews are over: the turn is working again. */
		if (a->status_header && strncmp(a->status_header, "Reviewing ", 10) == 0) {
			free(a->status_header);
			a->status_header = strdup("Working");
		}
		return;
	}
	if (a->n_reviews == 1)
		snprintf(header, sizeof header, "Reviewing approval request");
	else
		snprintf(header, sizeof header, "Reviewing %zu approval requests", a->n_reviews);
	free(a->status_header);
	a->status_header = strdup(header);
	buf_init(&b, LINE_MAX_BYTES * 4);
	if (a->n_reviews == 1) {
		if (buf_puts(&b, a->reviews[0].detail) < 0)
			return;
	} else {
		for (size_t i = 0; i < a->n_reviews && i < 3; i++)
			if (buf_printf(&b, "%s\xE2\x80\xA2 %s", i ? "\n" : "", a->reviews[i].detail) < 0)
				return;
		if (a->n_reviews > 3 && buf_printf(&b, "\n+%zu more", a->n_reviews - 3) < 0)
			return;
	}
	a->status_detail = buf_take(&b);
}

static bool finish_review(struct app *a, const char *id)
{
	for (size_t i = 0; i < a->n_reviews; i++) {
		if (strcmp(a->reviews[i].id, id) != 0)
			continue;
		free(a->reviews[i].id);
		free(a->reviews[i].detail);
		memmove(a->reviews + i, a->reviews + i + 1,
			(a->n_reviews - i - 1) * sizeof *a->reviews);
		a->n_reviews--;
		return true;
	}
	return false;
}

void guardian_on_assessment(struct app *a, const cJSON *m)
{
	const char *status = jstr(m, "status"), *id = jstr(m, "id");
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(m, "action");
	struct tui_rows cell = {0};

	if (!status || !id)
		return;
	if (strcmp(status, "in_progress") == 0) {
		char *detail = action_summary(action);
		size_t i;
		if (!detail)
			return;
		for (i = 0; i < a->n_reviews && strcmp(a->reviews[i].id, id) != 0; i++)
			;
		if (i < a->n_reviews) {
			free(a->reviews[i].detail);
			a->reviews[i].detail = detail;
		} else if (a->n_reviews < TUI_MAX_REVIEWS && (a->reviews[i].id = strdup(id))) {
			a->reviews[i].detail = detail;
			a->n_reviews++;
		} else {
			free(detail);
		}
		set_status(a);
		app_dirty(a);
		return;
	}
	(void)finish_review(a, id);
	set_status(a);
	if (cell_guardian(m, &cell) == 0)
		app_commit(a, &cell);
	tui_rows_free(&cell);
	app_dirty(a);
}

void guardian_reviews_clear(struct app *a)
{
	while (a->n_reviews) {
		a->n_reviews--;
		free(a->reviews[a->n_reviews].id);
		free(a->reviews[a->n_reviews].detail);
	}
	free(a->status_detail);
	a->status_detail = NULL;
}
