/* Rate-limit families (src/model/ratelimits.c, usage.c): x-<limit-id>-* headers and the
 * usage payload's additional_rate_limits become one snapshot per family, with upstream's
 * limit ids, names from x-<limit-id>-limit-name, and caps on the number of families and
 * the length of ids and names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/internal.h"
#include "test.h"

/* The families' snapshots as one line of JSON (malloc'ed; "NULL" for none). */
static char *families(const struct strv *h)
{
	cJSON *all = model_rate_limits(h);
	char *s = all ? cJSON_PrintUnformatted(all) : strdup("NULL");

	cJSON_Delete(all);
	return s;
}

static const char *id_at(const cJSON *all, int i)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, i), "limit_id");

	return cJSON_IsString(v) ? v->valuestring : "?";
}

TEST(rate_limit_families_from_headers)
{
	struct strv h = STRV_INIT;
	char *s;

	REQUIRE(strv_push(&h, "x-codex-primary-used-percent: 12.5") == 0);
	REQUIRE(strv_push(&h, "X-Codex-Secondary-Primary-Used-Percent: 80") == 0);
	REQUIRE(strv_push(&h, "x-codex-secondary-primary-window-minutes: 1440") == 0);
	REQUIRE(strv_push(&h, "x-codex-secondary-primary-reset-at: 1704074400") == 0);
	REQUIRE(strv_push(&h, "x-codex-bengalfox-primary-used-percent: 40") == 0);
	REQUIRE(strv_push(&h, "x-codex-bengalfox-secondary-used-percent: 5") == 0);
	REQUIRE(strv_push(&h, "x-codex-bengalfox-secondary-window-minutes: 10080") == 0);
	REQUIRE(strv_push(&h, "x-codex-bengalfox-limit-name:  gpt-5.2-codex-sonic ") == 0);
	s = families(&h);
	/* codex first, then the others sorted by id; names trimmed */
	CHECK_STR(s, "[{\"limit_id\":\"codex\",\"limit_name\":null,\"primary\":{\"used_percent\":12.5,"
		     "\"window_minutes\":null,\"resets_at\":null},\"secondary\":null,\"credits\":null,"
		     "\"plan_type\":null},"
		     "{\"limit_id\":\"codex_bengalfox\",\"limit_name\":\"gpt-5.2-codex-sonic\","
		     "\"primary\":{\"used_percent\":40,\"window_minutes\":null,\"resets_at\":null},"
		     "\"secondary\":{\"used_percent\":5,\"window_minutes\":10080,\"resets_at\":null},"
		     "\"credits\":null,\"plan_type\":null},"
		     "{\"limit_id\":\"codex_secondary\",\"limit_name\":null,"
		     "\"primary\":{\"used_percent\":80,\"window_minutes\":1440,\"resets_at\":1704074400},"
		     "\"secondary\":null,\"credits\":null,\"plan_type\":null}]");
	free(s);
	strv_free(&h);

	/* A family alone, without codex headers; the credits are the x-codex-credits-* ones
	 * (upstream reads them for every family). The codex family then has them too. */
	REQUIRE(strv_push(&h, "x-other-primary-used-percent: 3") == 0);
	REQUIRE(strv_push(&h, "x-codex-limit-name: Codex") == 0);
	REQUIRE(strv_push(&h, "x-codex-credits-has-credits: true") == 0);
	s = families(&h);
	CHECK_STR(s, "[{\"limit_id\":\"codex\",\"limit_name\":\"Codex\",\"primary\":null,"
		     "\"secondary\":null,\"credits\":{\"has_credits\":true,\"unlimited\":false,"
		     "\"balance\":null},\"plan_type\":null},"
		     "{\"limit_id\":\"other\",\"limit_name\":null,\"primary\":{\"used_percent\":3,"
		     "\"window_minutes\":null,\"resets_at\":null},\"secondary\":null,"
		     "\"credits\":{\"has_credits\":true,\"unlimited\":false,\"balance\":null},"
		     "\"plan_type\":null}]");
	free(s);
	strv_free(&h);
}

/* Upstream's normalisation: the id lowercase with '_' for '-'; the headers read back
 * with '-' for '_', so an id spelled with '_' in a header name finds no window. */
TEST(rate_limit_family_ids_normalized)
{
	struct strv h = STRV_INIT;
	cJSON *all;

	REQUIRE(strv_push(&h, "X-GPT-Five-Primary-Used-Percent: 10") == 0);
	REQUIRE(strv_push(&h, "x-gpt-five-primary-used-percent: 99") == 0);
	REQUIRE(strv_push(&h, "x-under_score-primary-used-percent: 20") == 0);
	REQUIRE(strv_push(&h, "x-under-score-secondary-used-percent: 30") == 0);
	REQUIRE((all = model_rate_limits(&h)) != NULL);
	REQUIRE(cJSON_GetArraySize(all) == 2);
	/* one family for both spellings, read from the first header of that name */
	CHECK_STR(id_at(all, 0), "gpt_five");
	CHECK(cJSON_GetObjectItemCaseSensitive(
		      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, 0), "primary"),
		      "used_percent")->valuedouble == 10);
	CHECK_STR(id_at(all, 1), "under_score");
	CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, 1), "primary")));
	CHECK(cJSON_GetObjectItemCaseSensitive(
		      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, 1), "secondary"),
		      "used_percent")->valuedouble == 30);
	cJSON_Delete(all);
	strv_free(&h);
}

/* Junk: values that are not numbers, windows that say nothing, names and ids that are
 * empty, too long or not printable; none of it crashes or makes a family. */
TEST(rate_limit_families_ignore_junk)
{
	struct strv h = STRV_INIT;
	char name[256], *s;

	REQUIRE(strv_push(&h, "x-a-primary-used-percent: lots") == 0);
	REQUIRE(strv_push(&h, "x-b-primary-used-percent: 0") == 0); /* says nothing */
	REQUIRE(strv_push(&h, "x-c-primary-used-percent: nan") == 0);
	REQUIRE(strv_push(&h, "x-d-primary-used-percent: 1e400") == 0);
	REQUIRE(strv_push(&h, "x--primary-used-percent: 5") == 0);
	REQUIRE(strv_push(&h, "x-primary-used-percent: 5") == 0);
	REQUIRE(strv_push(&h, "x-e-primary-used-percent") == 0); /* no colon */
	REQUIRE(strv_push(&h, "y-f-primary-used-percent: 5") == 0);
	snprintf(name, sizeof name, "x-%0*d-primary-used-percent: 5", MODEL_RATE_LIMIT_ID_MAX + 1, 7);
	REQUIRE(strv_push(&h, name) == 0);
	s = families(&h);
	CHECK_STR(s, "NULL");
	free(s);
	/* a window of 0 % with a length or a reset time is kept */
	REQUIRE(strv_push(&h, "x-b-primary-window-minutes: 300") == 0);
	/* a name too long, or with a control character, is left out */
	snprintf(name, sizeof name, "x-b-limit-name: %0*d", MODEL_RATE_LIMIT_NAME_MAX + 1, 7);
	REQUIRE(strv_push(&h, name) == 0);
	s = families(&h);
	CHECK_STR(s, "[{\"limit_id\":\"b\",\"limit_name\":null,\"primary\":{\"used_percent\":0,"
		     "\"window_minutes\":300,\"resets_at\":null},\"secondary\":null,\"credits\":null,"
		     "\"plan_type\":null}]");
	free(s);
	strv_free(&h);
	REQUIRE(strv_push(&h, "x-b-primary-used-percent: 1") == 0);
	REQUIRE(strv_push(&h, "x-b-limit-name: a\x1b[2Jb") == 0);
	s = families(&h);
	CHECK(strstr(s, "\"limit_name\":null") != NULL);
	free(s);
	strv_free(&h);
	/* the longest name kept */
	REQUIRE(strv_push(&h, "x-b-primary-used-percent: 1") == 0);
	snprintf(name, sizeof name, "x-b-limit-name: %0*d", MODEL_RATE_LIMIT_NAME_MAX, 7);
	REQUIRE(strv_push(&h, name) == 0);
	s = families(&h);
	CHECK(strstr(s, "\"limit_name\":\"0000") != NULL);
	free(s);
	strv_free(&h);
}

/* However many families the headers name, at most MODEL_RATE_LIMIT_FAMILIES_MAX come
 * out: codex and the others first in id order, whatever order the headers came in. */
TEST(rate_limit_families_capped)
{
	struct strv h = STRV_INIT;
	char line[96];
	cJSON *all;

	REQUIRE(strv_push(&h, "x-codex-primary-used-percent: 1") == 0);
	for (int i = 199; i >= 0; i--) {
		snprintf(line, sizeof line, "x-f%03d-primary-used-percent: %d", i, i % 100 + 1);
		REQUIRE(strv_push(&h, line) == 0);
	}
	REQUIRE((all = model_rate_limits(&h)) != NULL);
	CHECK_INT(cJSON_GetArraySize(all), MODEL_RATE_LIMIT_FAMILIES_MAX);
	CHECK_STR(id_at(all, 0), "codex");
	CHECK_STR(id_at(all, 1), "f000");
	snprintf(line, sizeof line, "f%03d", MODEL_RATE_LIMIT_FAMILIES_MAX - 2);
	CHECK_STR(id_at(all, MODEL_RATE_LIMIT_FAMILIES_MAX - 1), line);
	cJSON_Delete(all);
	FOR_EACH_ALLOC_FAILURE(400, {
		cJSON *x = model_rate_limits(&h);
		CHECK(!x || cJSON_GetArraySize(x) == MODEL_RATE_LIMIT_FAMILIES_MAX);
		cJSON_Delete(x);
	});
	strv_free(&h);
}

/* The usage payload's additional_rate_limits: limit_id its metered_feature (as upstream
 * takes it), limit_name its limit_name, no credits, the payload's plan type. */
TEST(usage_payload_additional_rate_limits)
{
	const char *j =
		"{\"plan_type\":\"pro\",\"rate_limit\":null,\"credits\":null,"
		"\"additional_rate_limits\":[{\"limit_name\":\"GPT-5.3-Codex-Spark\","
		"\"metered_feature\":\"codex_bengalfox\",\"rate_limit\":{\"primary_window\":"
		"{\"used_percent\":25,\"limit_window_seconds\":18000,\"reset_at\":1765000000}}},"
		"{\"limit_name\":\"\",\"metered_feature\":\"codex_other\",\"rate_limit\":null},"
		"{\"limit_name\":\"x\",\"metered_feature\":\"\"}]}";
	struct err e;
	cJSON *all = model_usage_parse(j, strlen(j), &e);
	char *s;
	struct buf big;

	REQUIRE(all != NULL);
	s = cJSON_PrintUnformatted(all);
	CHECK_STR(s, "[{\"limit_id\":\"codex\",\"limit_name\":null,\"primary\":null,\"secondary\":null,"
		     "\"credits\":null,\"plan_type\":\"pro\"},"
		     "{\"limit_id\":\"codex_bengalfox\",\"limit_name\":\"GPT-5.3-Codex-Spark\","
		     "\"primary\":{\"used_percent\":25,\"window_minutes\":300,\"resets_at\":1765000000},"
		     "\"secondary\":null,\"credits\":null,\"plan_type\":\"pro\"},"
		     "{\"limit_id\":\"codex_other\",\"limit_name\":null,\"primary\":null,"
		     "\"secondary\":null,\"credits\":null,\"plan_type\":\"pro\"}]");
	free(s);
	cJSON_Delete(all);
	FOR_EACH_ALLOC_FAILURE(400, {
		cJSON *x = model_usage_parse(j, strlen(j), &e);
		cJSON_Delete(x);
	});

	/* not upstream's shape: no limit_name, not a list, a window that is junk */
	j = "{\"additional_rate_limits\":[{\"metered_feature\":\"a\"}]}";
	CHECK(model_usage_parse(j, strlen(j), &e) == NULL);
	j = "{\"additional_rate_limits\":{}}";
	CHECK(model_usage_parse(j, strlen(j), &e) == NULL);
	j = "{\"additional_rate_limits\":[{\"metered_feature\":\"a\",\"limit_name\":\"b\","
	    "\"rate_limit\":{\"primary_window\":{\"used_percent\":\"x\"}}}]}";
	CHECK(model_usage_parse(j, strlen(j), &e) == NULL);
	j = "{\"additional_rate_limits\":null}";
	REQUIRE((all = model_usage_parse(j, strlen(j), &e)) != NULL);
	CHECK_INT(cJSON_GetArraySize(all), 1);
	cJSON_Delete(all);

	/* many entries: capped */
	buf_init(&big, MODEL_USAGE_MAX_BYTES);
	REQUIRE(buf_printf(&big, "{\"additional_rate_limits\":[") >= 0);
	for (int i = 0; i < 100; i++)
		REQUIRE(buf_printf(&big, "%s{\"limit_name\":\"n%d\",\"metered_feature\":\"f%d\"}",
				   i ? "," : "", i, i) >= 0);
	REQUIRE(buf_printf(&big, "]}") >= 0);
	REQUIRE((all = model_usage_parse(big.data, big.len, &e)) != NULL);
	CHECK_INT(cJSON_GetArraySize(all), MODEL_RATE_LIMIT_FAMILIES_MAX);
	CHECK_STR(id_at(all, MODEL_RATE_LIMIT_FAMILIES_MAX - 1), "f14");
	cJSON_Delete(all);
	buf_free(&big);
}
