/* Why a model request failed, in words a user can act on: HTTP statuses and error
 * objects classified as upstream does, the server's retry hints, and the backoff. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/http.h"
#include "base/json.h"
#include "model/internal.h"

const char *model_error_str(enum model_error k)
{
	switch (k) {
	case MODEL_ERR_UNAUTHORIZED:
		return "unauthorized";
	case MODEL_ERR_USAGE_LIMIT:
		return "usage limit reached";
	case MODEL_ERR_USAGE_NOT_INCLUDED:
		return "usage not included in the plan";
	case MODEL_ERR_QUOTA:
		return "quota exceeded";
	case MODEL_ERR_CONTEXT_WINDOW:
		return "context window exceeded";
	case MODEL_ERR_INVALID_REQUEST:
		return "invalid request";
	case MODEL_ERR_SERVER:
		return "server error";
	case MODEL_ERR_RETRIES_EXHAUSTED:
		return "retries exhausted";
	case MODEL_ERR_MISSING_KEY:
		return "missing API key";
	case MODEL_ERR_INTERNAL:
		return "internal error";
	}
	return "unknown error";
}

void wire_outcome_clear(struct wire_outcome *o)
{
	free(o->response_id);
	memset(o, 0, sizeof *o);
}

void model_format_duration(int64_t seconds, char *out, size_t cap)
{
	int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60;

	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		snprintf(out, cap, "%lld second%s", (long long)seconds, seconds == 1 ? "" : "s");
	else if (d > 0)
		snprintf(out, cap, "%lld day%s %lld hour%s", (long long)d, d == 1 ? "" : "s",
			 (long long)h, h == 1 ? "" : "s");
	else if (h > 0)
		snprintf(out, cap, "%lld hour%s %lld minute%s", (long long)h, h == 1 ? "" : "s",
			 (long long)m, m == 1 ? "" : "s");
	else
		snprintf(out, cap, "%lld minute%s", (long long)m, m == 1 ? "" : "s");
}

uint64_t model_backoff_ms(int attempt, double jitter01)
{
	int doublings = attempt < 1 ? 0 : attempt - 1;
	double ms;

	if (doublings > MODEL_BACKOFF_MAX_DOUBLINGS)
		doublings = MODEL_BACKOFF_MAX_DOUBLINGS;
	if (!(jitter01 >= 0) || jitter01 >= 1)
		jitter01 = 0.5;
	ms = MODEL_BACKOFF_BASE_MS * (double)(1u << doublings) * (0.9 + 0.2 * jitter01);
	return (uint64_t)ms;
}

/* A decimal number of seconds (or ms when scale is 1) into ms; 0 when s is not one. */
static uint64_t number_ms(const char *s, double scale)
{
	char *end;
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0' || !(v >= 0) || v > 1e9)
		return 0;
	return (uint64_t)ceil(v * scale);
}

uint64_t model_retry_after_ms(const struct strv *headers)
{
	const char *v = http_headers_get(headers, "retry-after-ms");
	uint64_t ms;

	if (v && (ms = number_ms(v, 1)) > 0)
		return ms;
	v = http_headers_get(headers, "retry-after");
	/* An HTTP date is possible too; no API we talk to sends one. */
	return v ? number_ms(v, 1000) : 0;
}

uint64_t model_try_again_ms(const char *msg)
{
	static const char key[] = "try again in";

	for (const char *p = msg; p && *p; p++) {
		const char *q;
		char *end;
		double v;

		if (strncasecmp(p, key, sizeof key - 1) != 0)
			continue;
		q = p + sizeof key - 1;
		while (isspace((unsigned char)*q))
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		v = strtod(q, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (!(v >= 0) || v > 1e9)
			continue;
		if (strncasecmp(end, "ms", 2) == 0)
			return (uint64_t)ceil(v);
		if (tolower((unsigned char)*end) == 's')
			return (uint64_t)ceil(v * 1000);
	}
	return 0;
}

static bool num_item(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9e15 && v->valuedouble <= 9e15))
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static void usage_limit_message(const cJSON *error, struct err *e)
{
	const char *plan = json_get_str(error, "plan_type");
	char plan_part[80] = "", when[64] = "";
	int64_t secs;

	if (plan)
		snprintf(plan_part, sizeof plan_part, " (%s plan)", plan);
	if (num_item(error, "resets_in_seconds", &secs))
		model_format_duration(secs, when, sizeof when);
	else if (num_item(error, "resets_at", &secs))
		model_format_duration(secs - (int64_t)time(NULL), when, sizeof when);
	if (when[0])
		err_set(e, "You've hit your usage limit%s. It resets in %s: try again then, or "
			"upgrade your plan.",
			plan_part, when);
	else
		err_set(e, "You've hit your usage limit%s. Try again later, or upgrade your plan.",
			plan_part);
}

#define CONTEXT_WINDOW_MESSAGE                                                          \
	"Codex ran out of room in the model's context window. Start a new thread or clear " \
	"earlier history before retrying."

/* The verdict on an error object's code/type, shared by HTTP bodies and stream events.
 * Returns -1 when the code says nothing decisive. */
static int classify_code(const cJSON *error, struct wire_outcome *out)
{
	const char *code = json_get_str(error, "code"), *type = json_get_str(error, "type");
	const char *msg = json_get_str(error, "message");

#define IS(s) ((code && strcmp(code, s) == 0) || (type && strcmp(type, s) == 0))
	if (IS("context_length_exceeded")) {
		out->kind = MODEL_ERR_CONTEXT_WINDOW;
		err_set(&out->e, CONTEXT_WINDOW_MESSAGE);
		return WIRE_FATAL;
	}
	if (IS("usage_limit_reached")) {
		out->kind = MODEL_ERR_USAGE_LIMIT;
		usage_limit_message(error, &out->e);
		return WIRE_FATAL;
	}
	if (IS("usage_not_included")) {
		out->kind = MODEL_ERR_USAGE_NOT_INCLUDED;
		err_set(&out->e, "Your plan does not include Codex. Upgrade your plan, or use an "
			"API key (`codex login --with-api-key`).");
		return WIRE_FATAL;
	}
	if (IS("insufficient_quota")) {
		out->kind = MODEL_ERR_QUOTA;
		err_set(&out->e, "Quota exceeded: the account has no credits left%s%s. Check your "
			"plan and billing details.",
			msg ? ": " : "", msg ? msg : "");
		return WIRE_FATAL;
	}
	if (IS("rate_limit_exceeded")) {
		out->retry_after_ms = model_try_again_ms(msg);
		out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
		err_set(&out->e, "rate limited: %s", msg ? msg : "rate_limit_exceeded");
		return WIRE_RETRY;
	}
#undef IS
	return -1;
}

enum wire_status model_classify_error_object(const cJSON *error, struct wire_outcome *out)
{
	const char *msg = json_get_str(error, "message"), *code = json_get_str(error, "code");
	int v = classify_code(error, out);

	if (v >= 0)
		return (enum wire_status)v;
	/* Anything else in a stream is retried, as upstream does. */
	out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
	err_set(&out->e, "the model stream failed: %s%s%s%s", msg ? msg : "no message",
		code ? " (" : "", code ? code : "", code ? ")" : "");
	return WIRE_RETRY;
}

static const char *reason_phrase(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* The body's words for a message: error.message of a JSON body, else the text itself
 * (first line, cut short). */
static void body_message(const cJSON *error, const char *body, size_t len, char *out,
			 size_t cap)
{
	const char *msg = json_get_str(error, "message");
	size_t n = 0;

	if (msg) {
		snprintf(out, cap, "%s", msg);
		return;
	}
	while (n < len && n + 1 < cap && n < 300 && body[n] != '\n' && body[n] != '\r') {
		out[n] = isprint((unsigned char)body[n]) ? body[n] : ' ';
		n++;
	}
	out[n] = '\0';
}

enum wire_status model_classify_http(long status, const struct strv *headers, const char *body,
				     size_t len, struct wire_outcome *out)
{
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
	char msg[400], line[480];
	int v = -1;

	if (!cJSON_IsObject(error))
		error = NULL;
	body_message(error, body ? body : "", body ? len : 0, msg, sizeof msg);
	snprintf(line, sizeof line, "HTTP %ld%s%s%s%s", status, *reason_phrase(status) ? " " : "",
		 reason_phrase(status), msg[0] ? ": " : "", msg);
	out->status = status;
	out->retry_after_ms = model_retry_after_ms(headers);
	if (status == 401) {
		out->kind = MODEL_ERR_UNAUTHORIZED;
		err_set(&out->e, "the model provider rejected the credentials (%s). Check the API "
			"key, or sign in again with `codex login`.",
			line);
		v = WIRE_FATAL;
	} else if (error && status != 429 && status < 500 && (v = classify_code(error, out)) >= 0) {
		/* a context window or quota error in a 4xx body */
	} else if (status == 429) {
		uint64_t hint = out->retry_after_ms;
		if (error && (v = classify_code(error, out)) == WIRE_FATAL)
			goto out;
		out->retry_after_ms = hint ? hint : out->retry_after_ms;
		out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
		err_set(&out->e, "rate limited (%s)", line);
		v = WIRE_RETRY;
	} else if (status >= 500) {
		out->kind = MODEL_ERR_SERVER;
		err_set(&out->e, "the model provider failed (%s)", line);
		v = WIRE_RETRY;
	} else {
		out->kind = MODEL_ERR_INVALID_REQUEST;
		err_set(&out->e, "the model provider rejected the request (%s)", line);
		v = WIRE_FATAL;
	}
out:
	cJSON_Delete(root);
	return (enum wire_status)v;
}
