/* The /models catalog parser and the built-in list (src/model/catalog.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "model/internal.h"
#include "test.h"

static int parse(const char *json, struct model_catalog *c, struct err *e)
{
	return model_catalog_parse(json, strlen(json), c, e);
}

TEST(catalog_listed_models_in_priority_order)
{
	struct model_catalog c;
	struct err e;
	const char *j =
		"{\"models\":[{\"slug\":\"b\",\"priority\":5,\"description\":\"B\\u001b[31m\","
		"\"default_reasoning_level\":\"high\",\"supported_reasoning_levels\":"
		"[{\"effort\":\"low\",\"description\":\"L\"},{\"effort\":\"high\"},"
		"{\"effort\":\"NOT AN EFFORT\"}]},"
		"{\"slug\":\"hidden\",\"priority\":0,\"visibility\":\"hide\"},"
		"{\"slug\":\"a\",\"display_name\":\"Model A\",\"priority\":1},"
		"{\"priority\":0},"
		"{\"slug\":\"c\"}]}";

	REQUIRE(parse(j, &c, &e) == 0);
	REQUIRE(c.n == 3);
	CHECK(!c.builtin);
	CHECK_STR(c.v[0].slug, "a");
	CHECK_STR(c.v[0].display_name, "Model A");
	CHECK(c.v[0].n_efforts == 0);
	CHECK(c.v[0].default_effort == NULL);
	CHECK_STR(c.v[1].slug, "b");
	CHECK_STR(c.v[1].display_name, "b");
	CHECK_STR(c.v[1].description, "B [31m"); /* no control characters */
	CHECK_STR(c.v[1].default_effort, "high");
	REQUIRE(c.v[1].n_efforts == 2);
	CHECK_STR(c.v[1].efforts[0].effort, "low");
	CHECK_STR(c.v[1].efforts[0].description, "L");
	CHECK_STR(c.v[1].efforts[1].description, "");
	CHECK_STR(c.v[2].slug, "c"); /* no priority: last */
	model_catalog_free(&c);
}

TEST(catalog_refuses_other_shapes)
{
	struct model_catalog c;
	struct err e;

	CHECK(parse("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\"}]}", &c, &e) < 0);
	CHECK(strstr(e.msg, "\"models\"") != NULL);
	CHECK(parse("{\"models\":[{\"slug\":\"x\",\"visibility\":\"none\"}]}", &c, &e) < 0);
	CHECK_STR(e.msg, "the model list offers no model");
	CHECK(parse("not json", &c, &e) < 0);
	CHECK(c.n == 0 && c.v == NULL);
}

TEST(catalog_bounds_models_and_text)
{
	struct buf b;
	struct model_catalog c;
	struct err e;
	char *big = malloc(5000);

	REQUIRE(big);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	buf_init(&b, 64u << 20);
	REQUIRE(buf_puts(&b, "{\"models\":[") == 0);
	for (int i = 0; i < MODEL_CATALOG_MAX_MODELS + 50; i++)
		REQUIRE(buf_printf(&b, "%s{\"slug\":\"m%d\",\"description\":\"%s\"}", i ? "," : "", i,
				   i == 0 ? big : "") == 0);
	REQUIRE(buf_puts(&b, "]}") == 0);
	REQUIRE(model_catalog_parse(b.data, b.len, &c, &e) == 0);
	CHECK(c.n == MODEL_CATALOG_MAX_MODELS);
	CHECK(strlen(c.v[0].description) == MODEL_CATALOG_TEXT_MAX);
	model_catalog_free(&c);
	buf_free(&b);
	free(big);
}

TEST(catalog_builtin_and_labels)
{
	struct model_catalog c;
	struct err e;

	REQUIRE(model_catalog_builtin(&c, &e) == 0);
	CHECK(c.builtin);
	REQUIRE(c.n >= 2);
	CHECK_STR(c.v[0].slug, "gpt-5.3-codex");
	CHECK(c.v[0].n_efforts == 4);
	CHECK_STR(c.v[0].default_effort, "medium");
	model_catalog_free(&c);
	CHECK_STR(model_effort_label("xhigh"), "Extra high");
	CHECK_STR(model_effort_label("medium"), "Medium");
	CHECK_STR(model_effort_label("turbo"), "turbo");
}

TEST(catalog_url_keeps_query_params)
{
	struct model_provider p;
	struct err e;
	char *u;

	memset(&p, 0, sizeof p);
	p.base_url = "http://h/v1";
	u = model_catalog_url(&p, &e);
	REQUIRE(u);
	CHECK_STR(u, "http://h/v1/models?client_version=" CODEX_VERSION);
	free(u);
	REQUIRE(strv_push(&p.query_params.keys, "api-version") == 0);
	REQUIRE(strv_push(&p.query_params.values, "2025 04") == 0);
	u = model_catalog_url(&p, &e);
	REQUIRE(u);
	CHECK_STR(u, "http://h/v1/models?client_version=" CODEX_VERSION "&api-version=2025%2004");
	free(u);
	strv_free(&p.query_params.keys);
	strv_free(&p.query_params.values);
}

/* models_cache.json (src/model/catalog_cache.c): kept for its version and catalog URL,
 * fresh for 300 s, renewed by the same x-models-etag and retired by another. */
TEST(models_cache_store_load_and_expiry)
{
	const char *body = "{\"models\":[{\"slug\":\"m1\",\"priority\":1}],\"extra\":1}";
	struct model_cache_key k = {"9.9.9", "http://h/v1/models?client_version=9.9.9",
				    1765000000};
	struct model_catalog c;
	struct err e;
	char path[4096], *etag;
	struct buf b;

	snprintf(path, sizeof path, "%s/home/models_cache.json", test_tmpdir());
	REQUIRE(model_cache_store(path, body, strlen(body), "\"v1\"", &k, &e) == 0);
	buf_init(&b, 1 << 20);
	REQUIRE(file_read_all(path, &b, &e) == 0);
	CHECK(strstr(b.data, "\"fetched_at\":\t\"2025-12-06T05:46:40Z\"") != NULL);
	CHECK(strstr(b.data, "\"client_version\":\t\"9.9.9\"") != NULL);
	CHECK(strstr(b.data, "\"extra\"") == NULL);
	buf_free(&b);
	REQUIRE(model_cache_load(path, &k, &c, &etag, &e) == 0);
	REQUIRE(c.n == 1);
	CHECK_STR(c.v[0].slug, "m1");
	CHECK_STR(etag, "\"v1\"");
	free(etag);
	model_catalog_free(&c);
	/* stale after 300 s; another version or provider never serves */
	k.now += MODEL_CACHE_TTL_S + 1;
	CHECK(model_cache_load(path, &k, &c, NULL, &e) < 0);
	CHECK(strstr(e.msg, "stale") != NULL);
	k.now -= MODEL_CACHE_TTL_S + 1;
	k.version = "9.9.8";
	CHECK(model_cache_load(path, &k, &c, NULL, &e) < 0);
	k.version = "9.9.9";
	k.url = "http://other/v1/models?client_version=9.9.9";
	CHECK(model_cache_load(path, &k, &c, NULL, &e) < 0);
	k.url = "http://h/v1/models?client_version=9.9.9";
	/* the same etag 200 s later renews it for another 300 s */
	k.now += 200;
	model_cache_etag_seen(path, "\"v1\"", &k);
	k.now += 250;
	REQUIRE(model_cache_load(path, &k, &c, NULL, &e) == 0);
	model_catalog_free(&c);
	/* another etag retires it */
	model_cache_etag_seen(path, "\"v2\"", &k);
	CHECK(model_cache_load(path, &k, &c, NULL, &e) < 0);
	CHECK(file_exists(path) == 0);
}

TEST(models_cache_refuses_bad_files)
{
	struct model_cache_key k = {"1", "u", 1765000000};
	struct model_catalog c;
	struct err e;
	static const char *const bad[] = {
		"[]",
		"{\"fetched_at\":\"yesterday\",\"client_version\":\"1\",\"base_url\":\"u\",\"models\":[{\"slug\":\"a\"}]}",
		"{\"fetched_at\":\"2025-12-06T05:46:40\",\"client_version\":\"1\",\"base_url\":\"u\",\"models\":[{\"slug\":\"a\"}]}",
		"{\"fetched_at\":\"2025-12-06T05:46:40Z\",\"client_version\":\"1\",\"base_url\":\"u\",\"models\":[]}",
		"{\"fetched_at\":\"2025-12-06T05:46:40Z\",\"base_url\":\"u\",\"models\":[{\"slug\":\"a\"}]}",
		"{\"fetched_at\":\"2026-12-06T05:46:40Z\",\"client_version\":\"1\",\"base_url\":\"u\",\"models\":[{\"slug\":\"a\"}]}",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(model_cache_parse(bad[i], strlen(bad[i]), &k, &c, NULL, &e) < 0);
	/* an offset is honoured: 06:46:40+01:00 is 05:46:40Z */
	const char *ok = "{\"fetched_at\":\"2025-12-06T06:46:40.5+01:00\",\"client_version\":\"1\","
			 "\"base_url\":\"u\",\"models\":[{\"slug\":\"a\"}]}";
	REQUIRE(model_cache_parse(ok, strlen(ok), &k, &c, NULL, &e) == 0);
	model_catalog_free(&c);
}

/* The ChatGPT backend's usage payload (src/model/usage.c) as the headers' snapshot. */
TEST(usage_payload_to_snapshot_and_url)
{
	const char *j = "{\"plan_type\":\"plus\",\"rate_limit\":{\"primary_window\":{\"used_percent\":42,"
			"\"limit_window_seconds\":18000,\"reset_after_seconds\":5,\"reset_at\":1765000000},"
			"\"secondary_window\":null},\"credits\":{\"has_credits\":true,\"unlimited\":false,"
			"\"balance\":\"12.5\"}}";
	struct err e;
	cJSON *s = model_usage_parse(j, strlen(j), &e);
	char *text, *url;

	REQUIRE(s != NULL);
	text = cJSON_PrintUnformatted(s);
	CHECK_STR(text, "[{\"limit_id\":\"codex\",\"limit_name\":null,"
			"\"primary\":{\"used_percent\":42,\"window_minutes\":300,\"resets_at\":"
			"1765000000},\"secondary\":null,\"credits\":{\"has_credits\":true,"
			"\"unlimited\":false,\"balance\":\"12.5\"},\"plan_type\":\"plus\"}]");
	free(text);
	cJSON_Delete(s);
	/* 61 s of window is 2 minutes, as upstream rounds up */
	j = "{\"rate_limit\":{\"primary_window\":{\"used_percent\":1,\"limit_window_seconds\":61,"
	    "\"reset_at\":0}}}";
	REQUIRE((s = model_usage_parse(j, strlen(j), &e)) != NULL);
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(s, 0), "primary"),
				  "window_minutes")->valuedouble == 2);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(s, 0), "primary"),
					       "resets_at")));
	cJSON_Delete(s);
	CHECK(model_usage_parse("[]", 2, &e) == NULL);
	j = "{\"rate_limit\":{\"primary_window\":{\"used_percent\":\"x\"}}}";
	CHECK(model_usage_parse(j, strlen(j), &e) == NULL);
	url = model_usage_url(NULL, &e);
	CHECK_STR(url, "https://chatgpt.com/backend-api/wham/usage");
	free(url);
	url = model_usage_url("https://chatgpt.com//", &e);
	CHECK_STR(url, "https://chatgpt.com/backend-api/wham/usage");
	free(url);
	url = model_usage_url("http://127.0.0.1:9/api", &e);
	CHECK_STR(url, "http://127.0.0.1:9/api/api/codex/usage");
	free(url);
}

TEST(catalog_keeps_upgrades_of_listed_and_hidden_models)
{
	struct model_catalog c;
	struct err e;
	const char *j =
		"{\"models\":[{\"slug\":\"new\",\"priority\":1},"
		"{\"slug\":\"old\",\"visibility\":\"hide\",\"upgrade\":{\"model\":\"new\","
		"\"migration_markdown\":\"**Hi {model_to}**\\n\\nbye\\u001b]0;x\\u0007\"}},"
		"{\"slug\":\"mid\",\"priority\":2,\"upgrade\":{\"model\":\"new\"}},"
		"{\"slug\":\"self\",\"upgrade\":{\"model\":\"self\"}},"
		"{\"slug\":\"bad\",\"upgrade\":{\"model\":7}},"
		"{\"slug\":\"none\",\"upgrade\":null}]}";

	REQUIRE(parse(j, &c, &e) == 0);
	CHECK(c.n == 5); /* the hidden one is not offered */
	REQUIRE(c.n_upgrades == 2);
	CHECK_STR(c.upgrades[0].from, "old");
	CHECK_STR(c.upgrades[0].to, "new");
	/* newlines kept, the escape sequence made inert */
	CHECK_STR(c.upgrades[0].markdown, "**Hi {model_to}**\n\nbye ]0;x ");
	CHECK_STR(c.upgrades[1].from, "mid");
	CHECK(c.upgrades[1].markdown == NULL);
	model_catalog_free(&c);
	/* a hidden model's upgrade alone: still no model to offer */
	CHECK(parse("{\"models\":[{\"slug\":\"o\",\"visibility\":\"hide\",\"upgrade\":{\"model\":\"n\"}}]}",
		    &c, &e) < 0);
	CHECK(c.upgrades == NULL && c.n_upgrades == 0);
}

TEST(catalog_builtin_names_upstreams_successors)
{
	struct model_catalog c;
	struct err e;
	bool seen = false;

	REQUIRE(model_catalog_builtin(&c, &e) == 0);
	for (size_t i = 0; i < c.n_upgrades; i++)
		if (strcmp(c.upgrades[i].from, "gpt-5.3-codex") == 0) {
			CHECK_STR(c.upgrades[i].to, "gpt-5.4");
			CHECK(strncmp(c.upgrades[i].markdown, "Introducing GPT-5.4\n\n", 21) == 0);
			seen = true;
		}
	CHECK(seen);
	for (size_t i = 0; i < c.n_upgrades; i++)
		CHECK(strcmp(c.upgrades[i].from, "gpt-5.4") != 0); /* the newest has none */
	model_catalog_free(&c);
}
