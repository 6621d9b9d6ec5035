/* ChatGPT apps: the directory parser (src/agent/apps.c) as upstream 0.118's connectors
 * crate reads a page (hidden apps, blank names, next_token / nextToken, merging), its
 * limits, [apps.<id>] in config.toml (read and written as upstream's TUI writes it), the
 * codex_apps server a ChatGPT sign-in gets, and the codex_apps tool names
 * (src/mcp/names.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "base/buf.h"
#include "config/config.h"
#include "mcp/mcp.h"
#include "test.h"

static int parse(const char *text, struct agent_apps *l, char **next, struct err *e)
{
	return agent_apps_directory_parse(text, strlen(text), l, next, e);
}

TEST(apps_directory_page)
{
	const char *t = "{\"apps\": [{\"id\": \"c_cal\", \"name\": \"  Calendar \", \"description\":"
			" \" Events \", \"logo_url\": \"x\", \"visibility\": \"LISTED\"}, {\"id\": "
			"\"c_hidden\", \"name\": \"H\", \"visibility\": \"HIDDEN\"}, {\"id\": \"c_blank\","
			" \"name\": \" \", \"description\": null}], \"next_token\": \" page-2 \"}";
	struct agent_apps l = {0};
	char *next = NULL;
	struct err e;

	REQUIRE(parse(t, &l, &next, &e) == 0);
	REQUIRE(l.n == 2);
	CHECK_STR(l.v[0].id, "c_cal");
	CHECK_STR(l.v[0].name, "Calendar");
	CHECK_STR(l.v[0].description, "Events");
	CHECK(l.v[0].enabled && !l.v[0].accessible);
	CHECK_STR(l.v[1].name, "c_blank"); /* upstream: a blank name becomes the id */
	CHECK(l.v[1].description == NULL);
	CHECK_STR(next, "page-2");
	free(next);
	/* the second page: nextToken (camelCase) null ends it; a known id is merged */
	t = "{\"apps\": [{\"id\": \"c_blank\", \"name\": \"Blank\", \"description\": \"Now\"}],"
	    " \"nextToken\": null}";
	REQUIRE(parse(t, &l, &next, &e) == 0);
	CHECK(next == NULL);
	REQUIRE(l.n == 2);
	CHECK_STR(l.v[1].name, "Blank");
	CHECK_STR(l.v[1].description, "Now");
	agent_apps_free(&l);
	/* an empty next_token ends the list too */
	REQUIRE(parse("{\"apps\": [], \"next_token\": \"  \"}", &l, &next, &e) == 0);
	CHECK(next == NULL && l.n == 0);
}

TEST(apps_directory_errors_and_limits)
{
	struct agent_apps l = {0};
	char *next = NULL;
	struct err e;
	struct buf b;

	CHECK(parse("not json", &l, &next, &e) < 0);
	CHECK_CONTAINS(e.msg, "not JSON");
	CHECK(parse("{\"data\": []}", &l, &next, &e) < 0);
	CHECK_CONTAINS(e.msg, "no \"apps\" list");
	CHECK(parse("{\"apps\": [{\"name\": \"x\"}]}", &l, &next, &e) < 0);
	CHECK_CONTAINS(e.msg, "no id or name");
	CHECK(parse("{\"apps\": [{\"id\": \"a\", \"name\": 3}]}", &l, &next, &e) < 0);
	CHECK(parse("{\"apps\": [], \"next_token\": 7}", &l, &next, &e) < 0);
	CHECK(l.n == 0 && next == NULL);
	/* an id over AGENT_APPS_ID_MAX, and more than AGENT_APPS_PAGE_MAX apps a page */
	buf_init(&b, 1u << 24);
	REQUIRE(buf_puts(&b, "{\"apps\": [{\"id\": \"") == 0);
	for (int i = 0; i <= AGENT_APPS_ID_MAX; i++)
		REQUIRE(buf_puts(&b, "x") == 0);
	REQUIRE(buf_puts(&b, "\", \"name\": \"n\"}]}") == 0);
	CHECK(agent_apps_directory_parse(b.data, b.len, &l, &next, &e) < 0);
	CHECK_CONTAINS(e.msg, "over 256 bytes");
	buf_reset(&b);
	REQUIRE(buf_puts(&b, "{\"apps\": [") == 0);
	for (int i = 0; i <= AGENT_APPS_PAGE_MAX; i++)
		REQUIRE(buf_printf(&b, "%s{\"id\": \"a%d\", \"name\": \"n\"}", i ? "," : "", i) == 0);
	REQUIRE(buf_puts(&b, "]}") == 0);
	CHECK(agent_apps_directory_parse(b.data, b.len, &l, &next, &e) < 0);
	CHECK_CONTAINS(e.msg, "more than 2000 apps");
	agent_apps_free(&l);
	buf_free(&b);
	/* a description is cut at AGENT_APPS_TEXT_MAX bytes */
	buf_init(&b, 1u << 20);
	REQUIRE(buf_puts(&b, "{\"apps\": [{\"id\": \"a\", \"name\": \"n\", \"description\": \"") == 0);
	for (int i = 0; i < AGENT_APPS_TEXT_MAX + 10; i++)
		REQUIRE(buf_puts(&b, "d") == 0);
	REQUIRE(buf_puts(&b, "\"}]}") == 0);
	REQUIRE(agent_apps_directory_parse(b.data, b.len, &l, &next, &e) == 0);
	REQUIRE(l.n == 1);
	CHECK(strlen(l.v[0].description) == AGENT_APPS_TEXT_MAX);
	agent_apps_free(&l);
	buf_free(&b);
}

TEST(apps_directory_parse_survives_failing_allocations)
{
	const char *t = "{\"apps\": [{\"id\": \"a\", \"name\": \"A\", \"description\": \"d\"}, "
			"{\"id\": \"b\", \"name\": \"B\"}], \"next_token\": \"n\"}";

	FOR_EACH_ALLOC_FAILURE(200, {
		struct agent_apps l = {0};
		char *next = NULL;
		struct err e;
		if (parse(t, &l, &next, &e) == 0)
			CHECK(l.n == 2 && next);
		free(next);
		agent_apps_free(&l);
	});
}

TEST(apps_tool_names)
{
	char *q;

	/* upstream: mcp__codex_apps__ + the app's slug + the tool with that prefix taken off */
	q = mcp_apps_qualified_name("mock_calendar_list_events", "connector_cal", "Mock Calendar");
	CHECK_STR(q, "mcp__codex_apps__mock_calendar_list_events");
	free(q);
	q = mcp_apps_qualified_name("Search-Files", "gdrive", "Google Drive");
	CHECK_STR(q, "mcp__codex_apps__google_drivesearch_files");
	free(q);
	q = mcp_apps_qualified_name("gdrive_search", "gdrive", NULL);
	CHECK_STR(q, "mcp__codex_apps___search");
	free(q);
	q = mcp_apps_qualified_name("a_tool_with_a_name_long_enough_to_go_over", NULL,
				    "An App With A Long Name");
	REQUIRE(q);
	CHECK(strlen(q) == MCP_MAX_TOOL_NAME);
	CHECK(strncmp(q, "mcp__codex_apps__an_app_w", 24) == 0);
	free(q);
	q = mcp_slug("--Hello, World!--");
	CHECK_STR(q, "hello--world");
	free(q);
	q = mcp_slug("***");
	CHECK_STR(q, "app");
	free(q);
}

static struct config *load(const char *home)
{
	struct config_load_opts o = {home, NULL, NULL};
	struct config *cfg = NULL;
	struct err e;

	if (config_load(&o, &cfg, &e) < 0)
		test_fail(__FILE__, __LINE__, "config_load: %s", e.msg);
	return cfg;
}

TEST(apps_config_enabled_and_edits)
{
	char home[4200], *text;
	struct config *cfg;
	struct err e;

	snprintf(home, sizeof home, "%s/apps-home", test_tmpdir());
	test_write_file("apps-home/config.toml",
			"model = \"m\"  # kept\n\n[apps.c_off]\nenabled = false\n"
			"disabled_reason = \"user\"\n\n[apps.c_on]\nenabled = true\n");
	REQUIRE((cfg = load(home)));
	CHECK(!config_app_enabled(cfg, "c_off"));
	CHECK(config_app_enabled(cfg, "c_on"));
	CHECK(config_app_enabled(cfg, "c_other"));
	CHECK_STR(config_chatgpt_base_url(cfg), "https://chatgpt.com/backend-api/");
	/* enabling removes both keys; disabling writes them (the rest kept byte for byte) */
	REQUIRE(agent_app_set_enabled(cfg, "c_off", true, &e) == 0);
	REQUIRE(agent_app_set_enabled(cfg, "c_new", false, &e) == 0);
	text = test_read_file(cfg->config_path);
	CHECK_STR(text, "model = \"m\"  # kept\n\n[apps.c_off]\n\n[apps.c_on]\nenabled = true\n\n"
			"[apps.c_new]\nenabled = false\ndisabled_reason = \"user\"\n");
	free(text);
	/* an id that cannot be a bare key is refused, the file untouched */
	CHECK(agent_app_set_enabled(cfg, "bad id]", false, &e) < 0);
	CHECK_CONTAINS(e.msg, "cannot write app id");
	config_free(cfg);
	REQUIRE((cfg = load(home)));
	CHECK(config_app_enabled(cfg, "c_off"));
	CHECK(!config_app_enabled(cfg, "c_new"));
	config_free(cfg);
	/* a wrong type is an error naming the key */
	test_write_file("apps-home/config.toml", "[apps.x]\nenabled = \"no\"\n");
	{
		struct config_load_opts o = {home, NULL, NULL};
		cfg = NULL;
		CHECK(config_load(&o, &cfg, &e) < 0);
		CHECK_CONTAINS(e.msg, "apps.x");
	}
}

TEST(apps_server_for_a_chatgpt_sign_in)
{
	char home[4200];
	struct config *cfg;
	struct config_mcp_server s;
	struct err e;

	snprintf(home, sizeof home, "%s/apps-auth", test_tmpdir());
	test_write_file("apps-auth/config.toml", "chatgpt_base_url = \"http://127.0.0.1:9/backend-api/\"\n");
	REQUIRE((cfg = load(home)));
	/* no auth.json: no server */
	CHECK(agent_apps_mcp_server(cfg, &s, &e) == 0);
	CHECK(!agent_apps_available(cfg));
	/* an API key: no server either */
	test_write_file("apps-auth/auth.json", "{\"auth_mode\": \"apikey\", \"OPENAI_API_KEY\": \"sk-1\"}");
	CHECK(agent_apps_mcp_server(cfg, &s, &e) == 0);
	/* ChatGPT tokens: the server at <base>/wham/apps with the account's headers */
	test_write_file("apps-auth/auth.json",
			"{\"auth_mode\": \"chatgpt\", \"tokens\": {\"id_token\": "
			"\"eyJhbGciOiJub25lIn0.eyJlbWFpbCI6InVAZXhhbXBsZS5jb20ifQ.c2ln\", "
			"\"access_token\": \"at-1\", \"refresh_token\": \"rt\", \"account_id\": "
			"\"acc-9\"}, \"last_refresh\": \"2026-01-01T00:00:00Z\"}");
	REQUIRE(agent_apps_mcp_server(cfg, &s, &e) == 1);
	CHECK_STR(s.name, "codex_apps");
	CHECK_STR(s.url, "http://127.0.0.1:9/backend-api/wham/apps");
	/* the token comes from the session's sign-in (refreshed), never a fixed header */
	CHECK(config_map_get(&s.http_headers, "Authorization") == NULL);
	CHECK(s.bearer_token_env_var == NULL);
	CHECK_STR(config_map_get(&s.http_headers, "ChatGPT-Account-ID"), "acc-9");
	CHECK(s.enabled && s.startup_timeout_sec == 30);
	config_mcp_server_free(&s);
	/* CODEX_CONNECTORS_TOKEN (not blank): that variable, and no ChatGPT headers */
	setenv("CODEX_CONNECTORS_TOKEN", " \t", 1);
	REQUIRE(agent_apps_mcp_server(cfg, &s, &e) == 1);
	CHECK(s.bearer_token_env_var == NULL);
	config_mcp_server_free(&s);
	setenv("CODEX_CONNECTORS_TOKEN", "ct-1", 1);
	REQUIRE(agent_apps_mcp_server(cfg, &s, &e) == 1);
	unsetenv("CODEX_CONNECTORS_TOKEN");
	CHECK_STR(s.bearer_token_env_var, "CODEX_CONNECTORS_TOKEN");
	CHECK(s.http_headers.keys.n == 0);
	config_mcp_server_free(&s);
	CHECK(agent_apps_available(cfg));
	config_free(cfg);
	/* other bases: upstream's /api/codex/apps */
	test_write_file("apps-auth/config.toml", "chatgpt_base_url = \"http://h:1\"\n");
	REQUIRE((cfg = load(home)));
	REQUIRE(agent_apps_mcp_server(cfg, &s, &e) == 1);
	CHECK_STR(s.url, "http://h:1/api/codex/apps");
	config_mcp_server_free(&s);
	config_free(cfg);
	/* the feature off: nothing */
	test_write_file("apps-auth/config.toml", "[features]\napps = false\n");
	REQUIRE((cfg = load(home)));
	CHECK(agent_apps_mcp_server(cfg, &s, &e) == 0);
	CHECK(!agent_apps_available(cfg));
	config_free(cfg);
}
