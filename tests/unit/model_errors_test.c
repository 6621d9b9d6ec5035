/* Errors and retries (src/model/errors.c, ratelimits.c): HTTP statuses and error bodies
 * classified, the server's hints, the backoff schedule and its jitter bounds, and the
 * rate-limit snapshot. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/internal.h"
#include "test.h"

TEST(backoff_schedule_and_jitter_bounds)
{
	/* 200 ms x 2^(n-1), times a jitter in [0.9, 1.1). */
	for (int n = 1; n <= 12; n++) {
		int d = n - 1 > MODEL_BACKOFF_MAX_DOUBLINGS ? MODEL_BACKOFF_MAX_DOUBLINGS : n - 1;
		double base = 200.0 * (double)(1u << d);
		uint64_t lo = model_backoff_ms(n, 0.0), hi = model_backoff_ms(n, 0.999999);
		CHECK_INT(lo, (uint64_t)(base * 0.9));
		CHECK(hi < (uint64_t)(base * 1.1) + 1 && hi >= (uint64_t)(base * 1.0999));
		for (double j = 0; j < 1; j += 0.05) {
			uint64_t v = model_backoff_ms(n, j);
			CHECK(v >= lo && v <= hi);
		}
	}
	CHECK_INT(model_backoff_ms(1, 0.5), 200);
	CHECK_INT(model_backoff_ms(2, 0.5), 400);
	CHECK_INT(model_backoff_ms(3, 0.5), 800);
	/* The exponent stops growing: 100 retries do not overflow. */
	CHECK_INT(model_backoff_ms(100, 0.5), 200u << MODEL_BACKOFF_MAX_DOUBLINGS);
	CHECK_INT(model_backoff_ms(0, 0.5), 200);
	/* A jitter outside [0, 1) is taken as the middle. */
	CHECK_INT(model_backoff_ms(1, 7.0), 200);
	CHECK_INT(model_backoff_ms(1, -1.0), 200);
}

static struct strv headers(const char *a, const char *b)
{
	struct strv h = STRV_INIT;

	if (a)
		REQUIRE(strv_push(&h, a) == 0);
	if (b)
		REQUIRE(strv_push(&h, b) == 0);
	return h;
}

TEST(retry_after_and_try_again_hints)
{
	struct strv h = headers("Retry-After: 2", NULL);

	CHECK_INT(model_retry_after_ms(&h), 2000);
	strv_free(&h);
	h = headers("retry-after: 1.5 ", "retry-after-ms: 250");
	CHECK_INT(model_retry_after_ms(&h), 250); /* the finer one wins */
	strv_free(&h);
	h = headers("Retry-After: Wed, 21 Oct 2026 07:28:00 GMT", NULL);
	CHECK_INT(model_retry_after_ms(&h), 0);
	strv_free(&h);
	h = headers("Retry-After: -3", "X-Other: 1");
	CHECK_INT(model_retry_after_ms(&h), 0);
	strv_free(&h);
	CHECK_INT(model_retry_after_ms(NULL), 0);

	CHECK_INT(model_try_again_ms("Rate limit reached. Please try again in 1.5s."), 1500);
	CHECK_INT(model_try_again_ms("please TRY AGAIN IN 20ms"), 20);
	CHECK_INT(model_try_again_ms("Try again in 3 seconds"), 3000);
	CHECK_INT(model_try_again_ms("try again in 2 second."), 2000);
	CHECK_INT(model_try_again_ms("try again in 0.001s"), 1);
	CHECK_INT(model_try_again_ms("try again in a minute"), 0);
	CHECK_INT(model_try_again_ms("try again in 5 minutes"), 0);
	CHECK_INT(model_try_again_ms("try again later; try again in 4s"), 4000);
	CHECK_INT(model_try_again_ms(NULL), 0);
}

static enum wire_status classify(long status, const char *body, struct wire_outcome *out,
				 const char *hdr)
{
	struct strv h = headers(hdr, NULL);
	enum wire_status st;

	memset(out, 0, sizeof *out);
	st = model_classify_http(status, &h, body, body ? strlen(body) : 0, out);
	strv_free(&h);
	return st;
}

TEST(http_statuses_are_classified)
{
	struct wire_outcome o;

	CHECK_INT(classify(401, "{\"error\":{\"message\":\"bad key\"}}", &o, NULL), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_UNAUTHORIZED);
	CHECK_STR(o.e.msg, "the model provider rejected the credentials (HTTP 401 Unauthorized: bad "
			   "key). Check the API key, or sign in again with `codex login`.");
	CHECK_INT(classify(429, "{\"error\":{\"type\":\"usage_limit_reached\",\"plan_type\":\"plus\","
				"\"resets_in_seconds\":45}}", &o, "Retry-After: 9"), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_USAGE_LIMIT);
	CHECK_STR(o.e.msg, "You've hit your usage limit (plus plan). It resets in 45 seconds: try "
			   "again then, or upgrade your plan.");
	CHECK_INT(classify(429, "{\"error\":{\"type\":\"usage_limit_reached\",\"resets_at\":" "4102444800}}", &o, NULL), WIRE_FATAL);
	CHECK_CONTAINS(o.e.msg, "You've hit your usage limit. It resets in ");
	CHECK_CONTAINS(o.e.msg, " days ");
	CHECK_INT(classify(429, "{\"error\":{\"type\":\"usage_not_included\"}}", &o, NULL), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_USAGE_NOT_INCLUDED);
	CHECK_INT(classify(429, "{\"error\":{\"code\":\"insufficient_quota\",\"message\":\"m\"}}", &o, NULL), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_QUOTA);
	/* Another 429: retried, after Retry-After when there is one, else the message's hint. */
	CHECK_INT(classify(429, "{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"try again in 2s\"}}", &o, "Retry-After: 7"), WIRE_RETRY);
	CHECK_INT(o.retry_after_ms, 7000);
	CHECK_INT(o.kind, MODEL_ERR_RETRIES_EXHAUSTED);
	CHECK_STR(o.e.msg, "rate limited (HTTP 429 Too Many Requests: try again in 2s)");
	CHECK_INT(classify(429, "{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"try again in 2s\"}}", &o, NULL), WIRE_RETRY);
	CHECK_INT(o.retry_after_ms, 2000);
	CHECK_INT(classify(429, "", &o, NULL), WIRE_RETRY);
	CHECK_STR(o.e.msg, "rate limited (HTTP 429 Too Many Requests)");
	/* 5xx: retried; the body's first line in the message. */
	CHECK_INT(classify(502, "<html>bad\ngateway</html>", &o, NULL), WIRE_RETRY);
	CHECK_INT(o.kind, MODEL_ERR_SERVER);
	CHECK_STR(o.e.msg, "the model provider failed (HTTP 502 Bad Gateway: <html>bad)");
	CHECK_INT(classify(599, NULL, &o, NULL), WIRE_RETRY);
	CHECK_STR(o.e.msg, "the model provider failed (HTTP 599)");
	/* 4xx: fatal; context windows named. */
	CHECK_INT(classify(400, "{\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"m\"}}", &o, NULL), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_CONTEXT_WINDOW);
	CHECK_INT(classify(400, "{\"error\":{\"message\":\"Invalid 'input'\"}}", &o, NULL), WIRE_FATAL);
	CHECK_INT(o.kind, MODEL_ERR_INVALID_REQUEST);
	CHECK_STR(o.e.msg, "the model provider rejected the request (HTTP 400 Bad Request: Invalid 'input')");
	CHECK_INT(classify(404, "Not Found\x01", &o, NULL), WIRE_FATAL);
	CHECK_STR(o.e.msg, "the model provider rejected the request (HTTP 404 Not Found: Not Found )");
	CHECK_INT(classify(400, "{\"error\":\"just a string\"}", &o, NULL), WIRE_FATAL);
	CHECK_STR(o.e.msg, "the model provider rejected the request (HTTP 400 Bad Request: {\"error\":\"just a string\"})");
}

TEST(every_error_kind_has_words)
{
	for (int k = MODEL_ERR_UNAUTHORIZED; k <= MODEL_ERR_INTERNAL; k++) {
		const char *s = model_error_str((enum model_error)k);
		CHECK(s && *s && strcmp(s, "unknown error") != 0);
	}
	CHECK_STR(model_error_str(MODEL_ERR_CONTEXT_WINDOW), "context window exceeded");
}

TEST(durations_in_words)
{
	char b[64];

	model_format_duration(1, b, sizeof b);
	CHECK_STR(b, "1 second");
	model_format_duration(59, b, sizeof b);
	CHECK_STR(b, "59 seconds");
	model_format_duration(60, b, sizeof b);
	CHECK_STR(b, "1 minute");
	model_format_duration(3720, b, sizeof b);
	CHECK_STR(b, "1 hour 2 minutes");
	model_format_duration(2 * 86400 + 3600, b, sizeof b);
	CHECK_STR(b, "2 days 1 hour");
	model_format_duration(-5, b, sizeof b);
	CHECK_STR(b, "0 seconds");
}

TEST(rate_limit_snapshot)
{
	struct strv h = STRV_INIT;
	cJSON *snap;
	char *s;
	long now = (long)time(NULL);

	CHECK(model_rate_limits(&h) == NULL);
	REQUIRE(strv_push(&h, "x-codex-primary-used-percent: 75") == 0);
	REQUIRE(strv_push(&h, "X-Codex-Primary-Window-Minutes: 300") == 0);
	REQUIRE(strv_push(&h, "x-codex-secondary-used-percent: not a number") == 0);
	REQUIRE(strv_push(&h, "x-codex-secondary-reset-after-seconds: 60") == 0);
	snap = model_rate_limits(&h);
	s = cJSON_PrintUnformatted(snap);
	CHECK_STR(s, "[{\"limit_id\":\"codex\",\"limit_name\":null,"
		     "\"primary\":{\"used_percent\":75,\"window_minutes\":300,\"resets_at\":null},"
		     "\"secondary\":null,\"credits\":null,\"plan_type\":null}]");
	free(s);
	cJSON_Delete(snap);
	REQUIRE(strv_push(&h, "x-codex-secondary-used-percent: 5.5") == 0);
	REQUIRE(strv_push(&h, "x-codex-credits-has-credits: 1") == 0);
	REQUIRE(strv_push(&h, "x-codex-credits-unlimited: yes?") == 0);
	snap = model_rate_limits(&h);
	s = cJSON_PrintUnformatted(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(snap, 0), "credits"));
	CHECK_STR(s, "{\"has_credits\":true,\"unlimited\":false,\"balance\":null}");
	free(s);
	/* The first secondary-used-percent header is the one read: it is not a number. */
	CHECK(cJSON_IsNull(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(snap, 0), "secondary")));
	cJSON_Delete(snap);
	strv_free(&h);
	REQUIRE(strv_push(&h, "x-codex-secondary-used-percent: 5.5") == 0);
	REQUIRE(strv_push(&h, "x-codex-secondary-reset-after-seconds: 60") == 0);
	snap = model_rate_limits(&h);
	{
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(snap, 0), "secondary"),
			"resets_at");
		REQUIRE(cJSON_IsNumber(at));
		CHECK(at->valuedouble >= now + 60 && at->valuedouble <= now + 120);
	}
	cJSON_Delete(snap);
	FOR_EACH_ALLOC_FAILURE(50, {
		cJSON *x = model_rate_limits(&h);
		cJSON_Delete(x);
	});
	strv_free(&h);
}
