/* setup_error.json: written by the setup helper after a failed, rolled-back run, read
 * and reported in one line by the unelevated caller (windows_sandbox.h). Upstream's
 * file holds {code, message}; ours keeps both and adds what the caller and a person
 * fixing the machine need: the step, the API and its error, and what was undone. */
#include "sandbox/windows/windows_sandbox.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* The last occurrence of needle in [s, end). */
static const char *last_in(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL;

	for (const char *p = s; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			found = p;
	return found;
}

int win_api_failure_parse(const char *msg, struct win_api_failure *out)
{
	const char *end, *paren, *failed, *api;
	size_t len;
	char *stop;

	memset(out, 0, sizeof *out);
	if (!msg || (len = strlen(msg)) < 4 || msg[len - 1] != ')')
		return -1;
	end = msg + len - 1;
	if (!(paren = last_in(msg, end, " (")))
		return -1;
	if (strncmp(paren, " (error ", 8) == 0) {
		if (!isdigit((unsigned char)paren[8]))
			return -1;
		out->code = strtoul(paren + 8, &stop, 10);
	} else if (strncmp(paren, " (HRESULT 0x", 12) == 0) {
		if (!isxdigit((unsigned char)paren[12]))
			return -1;
		out->code = strtoul(paren + 12, &stop, 16);
		out->hresult = true;
	} else {
		return -1;
	}
	if (stop != end)
		return -1;
	/* The API is the word before the first " failed: " that follows one (the system's
	 * words may say "failed: " again). */
	for (failed = strstr(msg, " failed: ");; failed = strstr(failed + 1, " failed: ")) {
		if (!failed || failed >= paren)
			return -1;
		api = last_in(msg, failed, ": ");
		api = api ? api + 2 : msg;
		if (isalpha((unsigned char)*api) && (size_t)(failed - api) < sizeof out->api &&
		    !memchr(api, ' ', (size_t)(failed - api)))
			break;
	}
	memcpy(out->api, api, (size_t)(failed - api));
	failed += strlen(" failed: ");
	snprintf(out->words, sizeof out->words, "%.*s", (int)(paren - failed), failed);
	return 0;
}

char *win_setup_error_json(const struct win_setup_ops *ops, const struct win_journal *j,
			   const struct win_setup_result *r)
{
	const struct win_setup_step *step =
		r->failed_step >= 0 && (size_t)r->failed_step < ops->n_steps ? &ops->steps[r->failed_step]
									     : NULL;
	struct win_api_failure f;
	bool api = win_api_failure_parse(r->error.msg, &f) == 0;
	cJSON *o = cJSON_CreateObject(), *done, *left;
	char *json = NULL, code[16];

	if (!o || json_add_str(o, "code", step ? step->code : "helper_request_args_failed") < 0 ||
	    json_add_str(o, "message", r->error.msg) < 0 ||
	    json_add_str(o, "step", step ? step->name : NULL) < 0 ||
	    json_add_str(o, "api", api ? f.api : NULL) < 0)
		goto out;
	if (api && f.hresult) {
		snprintf(code, sizeof code, "0x%08lx", f.code);
		if (json_add_str(o, "error_code", code) < 0)
			goto out;
	} else if (api ? json_add_int(o, "error_code", (int64_t)f.code) < 0
		       : !cJSON_AddNullToObject(o, "error_code")) {
		goto out;
	}
	if (json_add_str(o, "error_words", api ? f.words : NULL) < 0 ||
	    !(done = cJSON_AddArrayToObject(o, "rolled_back")) ||
	    !(left = cJSON_AddArrayToObject(o, "not_rolled_back")))
		goto out;
	/* In the order undone: newest change first. */
	for (size_t k = j->n; k-- > 0;) {
		const struct win_change *c = &j->v[k];
		char what[600];
		cJSON *item;
		win_change_describe(c, what, sizeof what);
		if (c->undo == WIN_UNDO_DONE) {
			if (!cJSON_AddItemToArray(done, cJSON_CreateString(what)))
				goto out;
		} else if (c->undo == WIN_UNDO_FAILED) {
			if (!(item = cJSON_CreateObject()) || !cJSON_AddItemToArray(left, item) ||
			    json_add_str(item, "change", what) < 0 ||
			    json_add_str(item, "error", c->undo_error) < 0)
				goto out;
		}
	}
	if (!cJSON_AddBoolToObject(o, "marker_removed", r->marker_removed))
		goto out;
	json = json_print(o, false);
out:
	cJSON_Delete(o);
	return json;
}

/* Appends s to out (cap bytes, always terminated), control characters as spaces: the
 * file comes from another process and ends up on the user's terminal. */
static void put(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	for (; s && *s && n + 1 < cap; s++)
		out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	out[n] = '\0';
}

int win_setup_error_line(const char *json, size_t len, const char *path, char *out,
			 size_t cap, struct err *e)
{
	cJSON *o;
	const cJSON *done, *left, *first, *it;
	const char *code, *message, *step;
	size_t n_done = 0, n_left = 0;
	char num[64];
	bool removed = false;

	if (cap)
		out[0] = '\0';
	if (len > WIN_SETUP_ERROR_MAX_BYTES)
		return err_set(e, "setup_error.json: larger than %d bytes", WIN_SETUP_ERROR_MAX_BYTES);
	if (!(o = json_parse(json, len, "setup_error.json", e)))
		return -1;
	code = json_get_str(o, "code");
	message = json_get_str(o, "message");
	if (!cJSON_IsObject(o) || !code || !message) {
		cJSON_Delete(o);
		return err_set(e, "setup_error.json: code or message missing");
	}
	step = json_get_str(o, "step");
	done = cJSON_GetObjectItemCaseSensitive(o, "rolled_back");
	left = cJSON_GetObjectItemCaseSensitive(o, "not_rolled_back");
	if (!cJSON_IsArray(done))
		done = NULL;
	if (!cJSON_IsArray(left))
		left = NULL;
	cJSON_ArrayForEach(it, done)
		n_done++;
	cJSON_ArrayForEach(it, left)
		n_left++;
	(void)json_get_bool(o, "marker_removed", &removed);
	put(out, cap, "Windows sandbox setup failed");
	if (step) {
		put(out, cap, " at step ");
		put(out, cap, step);
	}
	put(out, cap, " (");
	put(out, cap, code);
	put(out, cap, "): ");
	put(out, cap, message);
	snprintf(num, sizeof num, "; rolled back %zu change%s", n_done, n_done == 1 ? "" : "s");
	put(out, cap, num);
	if (n_left) {
		first = cJSON_GetArrayItem(left, 0);
		snprintf(num, sizeof num, "; %zu could not be undone, first: ", n_left);
		put(out, cap, num);
		put(out, cap, json_get_str(first, "change") ? json_get_str(first, "change") : "?");
		put(out, cap, ": ");
		put(out, cap, json_get_str(first, "error") ? json_get_str(first, "error") : "?");
	}
	if (removed)
		put(out, cap, "; the setup marker was removed, so the next run sets up again");
	put(out, cap, " (details: ");
	put(out, cap, path);
	put(out, cap, ")");
	cJSON_Delete(o);
	return 0;
}
