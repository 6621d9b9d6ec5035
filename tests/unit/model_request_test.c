/* The model request: Responses body bytes for several prompts and model families,
 * headers, URL, user-agent, model families, provider resolution and API keys. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/internal.h"
#include "test.h"

static struct model_provider plain_provider(void)
{
	struct model_provider p;

	memset(&p, 0, sizeof p);
	p.id = "mock";
	p.name = "mock";
	p.base_url = "http://127.0.0.1:9/v1";
	p.request_max_retries = 4;
	p.stream_max_retries = 5;
	return p;
}

static char *body_for(const struct model_provider *pv, const char *session, const char *model,
		      const char *input_json, struct model_prompt *extra)
{
	struct model_prompt p = extra ? *extra : (struct model_prompt){0};
	cJSON *input = cJSON_Parse(input_json);
	struct err e;
	size_t len;
	char *s;

	REQUIRE(input != NULL);
	p.model = model;
	if (!p.instructions)
		p.instructions = "I";
	p.input = input;
	s = model_responses_body(pv, session, &p, &len, &e);
	if (!s)
		test_fail(__FILE__, __LINE__, "model_responses_body: %s", e.msg);
	else
		CHECK_INT(strlen(s), len);
	cJSON_Delete(input);
	return s;
}

#define USER_HI "[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]"

TEST(responses_body_for_the_default_model)
{
	struct model_provider pv = plain_provider();
	struct model_prompt p = {.parallel_tool_calls = true};
	char *s = body_for(&pv, "S", "gpt-5.3-codex", USER_HI, &p);

	CHECK_STR(s, "{\"model\":\"gpt-5.3-codex\",\"instructions\":\"I\",\"input\":" USER_HI
		     ",\"tools\":[],\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,"
		     "\"reasoning\":{\"effort\":\"medium\"},\"store\":false,\"stream\":true,"
		     "\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\"S\","
		     "\"text\":{\"verbosity\":\"low\"}}");
	free(s);
}

/* Fast mode is the API's "priority" tier, after include as upstream orders it; flex is
 * sent as it is. */
TEST(responses_body_service_tier)
{
	struct model_provider pv = plain_provider();
	struct model_prompt p = {.service_tier = "fast"};
	char *s = body_for(&pv, "S", "gpt-5.1-codex-max", "[]", &p);

	CHECK(strstr(s, "\"include\":[\"reasoning.encrypted_content\"],\"service_tier\":\"priority\","
			"\"prompt_cache_key\":\"S\"") != NULL);
	free(s);
	p.service_tier = "flex";
	s = body_for(&pv, "S", "gpt-5.1-codex-max", "[]", &p);
	CHECK(strstr(s, "\"service_tier\":\"flex\"") != NULL);
	free(s);
}

TEST(responses_body_follows_the_model_family)
{
	struct model_provider pv = plain_provider();
	struct model_prompt p = {0};
	char *s;

	/* A family whose summary defaults to auto and that has no verbosity. */
	s = body_for(&pv, "S", "gpt-5.1-codex-max", "[]", NULL);
	CHECK_STR(s, "{\"model\":\"gpt-5.1-codex-max\",\"instructions\":\"I\",\"input\":[],"
		     "\"tools\":[],\"tool_choice\":\"auto\",\"parallel_tool_calls\":false,"
		     "\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},\"store\":false,"
		     "\"stream\":true,\"include\":[\"reasoning.encrypted_content\"],"
		     "\"prompt_cache_key\":\"S\"}");
	free(s);
	/* A model nobody knows: reasoning null, nothing included, no text, even when asked. */
	p.verbosity = "high";
	p.reasoning_effort = "high";
	s = body_for(&pv, NULL, "llama3", "[]", &p);
	CHECK_STR(s, "{\"model\":\"llama3\",\"instructions\":\"I\",\"input\":[],\"tools\":[],"
		     "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false,\"reasoning\":null,"
		     "\"store\":false,\"stream\":true,\"include\":[]}");
	free(s);
	/* What the prompt sets wins; "none" drops the summary. */
	p = (struct model_prompt){.reasoning_effort = "high", .reasoning_summary = "none",
				  .verbosity = "medium"};
	s = body_for(&pv, "S", "gpt-5.3-codex", "[]", &p);
	CHECK_CONTAINS(s, "\"reasoning\":{\"effort\":\"high\"},");
	CHECK_CONTAINS(s, "\"text\":{\"verbosity\":\"medium\"}}");
	free(s);
	p = (struct model_prompt){.reasoning_summary = "detailed"};
	s = body_for(&pv, "S", "gpt-5.2-codex", "[]", &p);
	CHECK_CONTAINS(s, "\"reasoning\":{\"effort\":\"medium\",\"summary\":\"detailed\"},");
	free(s);
	/* Earlier reasoning models have no default effort. */
	s = body_for(&pv, "S", "o3", "[]", NULL);
	CHECK_CONTAINS(s, "\"reasoning\":{\"summary\":\"auto\"},");
	free(s);
}

TEST(responses_body_items_as_upstream_sends_them)
{
	struct model_provider pv = plain_provider();
	const char *in =
		"[{\"type\":\"message\",\"id\":\"m1\",\"role\":\"assistant\",\"status\":\"completed\","
		"\"content\":[{\"type\":\"output_text\",\"text\":\"a\\u0001\xc3\xa9\\\"\","
		"\"annotations\":[]},{\"type\":\"refusal\",\"refusal\":\"no\"}],\"end_turn\":true},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
		"\"image_url\":\"data:image/png;base64,AA\",\"detail\":\"high\",\"x\":1}]},"
		"{\"type\":\"reasoning\",\"id\":\"rs\",\"summary\":[],\"content\":[{\"type\":"
		"\"reasoning_text\",\"text\":\"raw\"}]},"
		"{\"type\":\"local_shell_call\",\"id\":\"l\",\"call_id\":\"c\",\"status\":\"completed\","
		"\"action\":{\"type\":\"exec\",\"command\":[\"ls\"]}},"
		"{\"type\":\"web_search_call\",\"id\":\"w\",\"status\":\"completed\",\"action\":"
		"{\"type\":\"search\",\"query\":\"q\"}},"
		"{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":[{\"type\":"
		"\"input_text\",\"text\":\"t\"}]},"
		"{\"type\":\"compaction\",\"encrypted_content\":\"E\",\"id\":\"k\"},"
		"\"not an object\",{\"type\":\"ghost_snapshot\"}]";
	char *s = body_for(&pv, "S", "gpt-5.3-codex", in, NULL);
	const char *want =
		"\"input\":[{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
		"\"output_text\",\"text\":\"a\\u0001\xc3\xa9\\\"\"},{\"type\":\"refusal\",\"refusal\":"
		"\"no\"}],\"end_turn\":true},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
		"\"image_url\":\"data:image/png;base64,AA\",\"detail\":\"high\"}]},"
		"{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":null},"
		"{\"type\":\"local_shell_call\",\"call_id\":\"c\",\"status\":\"completed\",\"action\":"
		"{\"type\":\"exec\",\"command\":[\"ls\"]}},"
		"{\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\","
		"\"query\":\"q\"}},"
		"{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":[{\"type\":"
		"\"input_text\",\"text\":\"t\"}]},"
		"{\"type\":\"compaction\",\"encrypted_content\":\"E\",\"id\":\"k\"}],";

	CHECK_CONTAINS(s, want);
	free(s);
	/* Azure: stored, and the ids go back. */
	pv.is_azure = true;
	s = body_for(&pv, "S", "gpt-5.3-codex",
		     "[{\"type\":\"function_call\",\"id\":\"fc\",\"name\":\"n\",\"arguments\":\"{}\","
		     "\"call_id\":\"c\",\"status\":\"completed\"}]",
		     NULL);
	CHECK_CONTAINS(s, "\"input\":[{\"type\":\"function_call\",\"id\":\"fc\",\"name\":\"n\","
			  "\"arguments\":\"{}\",\"call_id\":\"c\"}]");
	CHECK_CONTAINS(s, "\"store\":true");
	free(s);
}

TEST(responses_body_tools_and_output_schema)
{
	struct model_provider pv = plain_provider();
	cJSON *tools = cJSON_Parse("[{\"type\":\"function\",\"name\":\"f\",\"strict\":false,"
				   "\"parameters\":{\"type\":\"object\"}},{\"type\":\"web_search\","
				   "\"external_web_access\":false}]");
	cJSON *schema = cJSON_Parse("{\"type\":\"object\",\"properties\":{}}");
	struct model_prompt p = {.tools = tools, .output_schema = schema};
	char *s = body_for(&pv, "S", "llama3", "[]", &p);

	CHECK_CONTAINS(s, "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"strict\":false,"
			  "\"parameters\":{\"type\":\"object\"}},{\"type\":\"web_search\","
			  "\"external_web_access\":false}],");
	CHECK_CONTAINS(s, "\"text\":{\"format\":{\"type\":\"json_schema\",\"strict\":true,"
			  "\"schema\":{\"type\":\"object\",\"properties\":{}},\"name\":"
			  "\"codex_output_schema\"}}}");
	free(s);
	cJSON_Delete(tools);
	cJSON_Delete(schema);
}

TEST(responses_body_allocation_failures)
{
	struct model_provider pv = plain_provider();
	cJSON *tools = cJSON_Parse("[{\"type\":\"function\",\"name\":\"f\"}]");
	cJSON *schema = cJSON_Parse("{\"type\":\"object\"}");
	cJSON *input = cJSON_Parse(
		"[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		"\"text\":\"hi\"}]},{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\","
		"\"text\":\"s\"}],\"encrypted_content\":\"e\"},{\"type\":\"function_call\",\"name\":"
		"\"f\",\"arguments\":\"{}\",\"call_id\":\"c\"},{\"type\":\"other\",\"a\":1}]");
	struct model_prompt p = {.model = "gpt-5.3-codex", .instructions = "I", .input = input,
				 .tools = tools, .output_schema = schema};

	REQUIRE(tools && schema && input);
	FOR_EACH_ALLOC_FAILURE(200, {
		struct err e;
		size_t len;
		char *s = model_responses_body(&pv, "S", &p, &len, &e);
		if (!s)
			CHECK_CONTAINS(e.msg, "out of memory");
		free(s);
	});
	cJSON_Delete(tools);
	cJSON_Delete(schema);
	cJSON_Delete(input);
}

static char *joined(const struct strv *v)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < v->n; i++)
		if (buf_printf(&b, "%s|", v->v[i]) < 0)
			return NULL;
	return buf_take(&b);
}

TEST(request_headers_in_upstream_order)
{
	struct model_provider pv = plain_provider();
	struct strv h = STRV_INIT;
	struct model_header_values v = {"KEY", NULL, "codex_exec", "SID", "UA/1", "{\"t\":1}", NULL};
	struct err e;
	char *s;

	REQUIRE(strv_push(&pv.headers, "version: 0.1.0") == 0);
	REQUIRE(strv_push(&pv.headers, "OpenAI-Organization: org") == 0);
	REQUIRE(model_request_headers(&pv, &v, &h, &e) == 0);
	s = joined(&h);
	CHECK_STR(s, "version: 0.1.0|OpenAI-Organization: org|x-codex-turn-metadata: {\"t\":1}|"
		     "x-client-request-id: SID|session_id: SID|authorization: Bearer KEY|"
		     "accept: text/event-stream|content-type: application/json|user-agent: UA/1|"
		     "originator: codex_exec|");
	free(s);
	strv_free(&h);
	/* No key, no session: those headers are left out; ChatGPT and sub-agents add theirs. */
	v = (struct model_header_values){NULL, "acct", "codex_cli_rs", NULL, NULL, NULL, "review"};
	REQUIRE(model_request_headers(&pv, &v, &h, &e) == 0);
	s = joined(&h);
	CHECK_STR(s, "version: 0.1.0|OpenAI-Organization: org|x-openai-subagent: review|"
		     "chatgpt-account-id: acct|accept: text/event-stream|"
		     "content-type: application/json|originator: codex_cli_rs|");
	free(s);
	strv_free(&h);
	strv_free(&pv.headers);
}

TEST(request_url_with_query_params)
{
	struct model_provider pv = plain_provider();
	struct err e;
	char *u = model_request_url(&pv, &e);

	CHECK_STR(u, "http://127.0.0.1:9/v1/responses");
	free(u);
	REQUIRE(strv_push(&pv.query_params.keys, "api-version") == 0 &&
		strv_push(&pv.query_params.values, "2025-04-01-preview") == 0 &&
		strv_push(&pv.query_params.keys, "a b") == 0 &&
		strv_push(&pv.query_params.values, "c&d=é") == 0);
	pv.wire = MODEL_WIRE_CHAT;
	u = model_request_url(&pv, &e);
	CHECK_STR(u, "http://127.0.0.1:9/v1/chat/completions?api-version=2025-04-01-preview&"
		     "a%20b=c%26d%3D%C3%A9");
	free(u);
	strv_free(&pv.query_params.keys);
	strv_free(&pv.query_params.values);
}

TEST(user_agent_format)
{
	char *s = model_user_agent_format("codex_exec", "0.1.0", "Debian", "12.0.0", "x86_64",
					  "xterm", "codex-exec; 0.1.0");

	CHECK_STR(s, "codex_exec/0.1.0 (Debian 12.0.0; x86_64) xterm (codex-exec; 0.1.0)");
	free(s);
	s = model_user_agent_format("o", "1", "Linux", "Unknown", "aarch64", "t", NULL);
	CHECK_STR(s, "o/1 (Linux Unknown; aarch64) t");
	free(s);
	/* Nothing a header cannot carry. */
	s = model_user_agent_format("o", "1", "L\xc3\xa9", "1\n2", "a", "t", NULL);
	CHECK_STR(s, "o/1 (L__ 1_2; a) t");
	free(s);
}

TEST(user_agent_terminal_detection)
{
	const char *saved[] = {"TERM_PROGRAM", "TERM_PROGRAM_VERSION", "WEZTERM_VERSION",
			       "KITTY_WINDOW_ID", "ALACRITTY_SOCKET", "KONSOLE_VERSION",
			       "GNOME_TERMINAL_SCREEN", "VTE_VERSION", "WT_SESSION", "TERM"};
	char *old[10], *s;

	for (int i = 0; i < 10; i++) {
		old[i] = getenv(saved[i]) ? strdup(getenv(saved[i])) : NULL;
		unsetenv(saved[i]);
	}
	setenv("TERM_PROGRAM", "iTerm.app", 1);
	setenv("TERM_PROGRAM_VERSION", "3.5 beta", 1);
	s = model_user_agent("codex_exec", NULL);
	CHECK_CONTAINS(s, ") iTerm.app/3.5_beta");
	CHECK(strncmp(s, "codex_exec/" CODEX_VERSION " (", 12 + strlen(CODEX_VERSION)) == 0);
	free(s);
	unsetenv("TERM_PROGRAM");
	unsetenv("TERM_PROGRAM_VERSION");
	setenv("VTE_VERSION", "7600", 1);
	setenv("TERM", "xterm-256color", 1);
	s = model_user_agent("codex_cli_rs", "sfx");
	CHECK_CONTAINS(s, ") VTE/7600 (sfx)");
	free(s);
	unsetenv("VTE_VERSION");
	s = model_user_agent("codex_cli_rs", NULL);
	CHECK_CONTAINS(s, ") xterm-256color");
	free(s);
	unsetenv("TERM");
	s = model_user_agent("codex_cli_rs", NULL);
	CHECK_CONTAINS(s, ") unknown");
	free(s);
	for (int i = 0; i < 10; i++) {
		if (old[i])
			setenv(saved[i], old[i], 1);
		free(old[i]);
	}
}

TEST(model_family_prefixes)
{
	CHECK_STR(model_family_find("gpt-5.3-codex")->slug_prefix, "gpt-5.3-codex");
	CHECK_STR(model_family_find("gpt-5.1-codex-max-2026")->slug_prefix, "gpt-5.1-codex-max");
	CHECK_STR(model_family_find("gpt-5.1-codex")->slug_prefix, "gpt-5.1-codex");
	CHECK_STR(model_family_find("gpt-5.1")->slug_prefix, "gpt-5.1");
	CHECK_STR(model_family_find("gpt-5-codex-mini")->slug_prefix, "gpt-5-codex-mini");
	CHECK_STR(model_family_find("gpt-oss:20b")->slug_prefix, "gpt-oss");
	CHECK_INT(model_family_find("gpt-oss-120b")->context_window, 128000);
	CHECK_INT(model_family_find("gpt-5.3-codex")->context_window, 272000);
	CHECK_INT(model_family_find("gpt-5.3-codex")->effective_window_percent, 95);
	CHECK(model_family_find("gpt-5.3-codex")->supports_parallel_tool_calls);
	CHECK_INT(model_family_find("gpt-5.3-codex")->patch_tool, MODEL_PATCH_FREEFORM);
	CHECK_INT(model_family_find("gpt-5")->patch_tool, MODEL_PATCH_NONE);
	CHECK_INT(model_family_find("gpt-5")->shell_tool, MODEL_SHELL_EXEC_COMMAND);
	CHECK(model_family_find("o3-mini")->default_effort == NULL);
	CHECK(!model_family_find("gpt-4.1")->supports_reasoning);
	CHECK(!model_family_find("qwen3:8b")->supports_reasoning);
	CHECK_INT(model_family_find("qwen3:8b")->context_window, 0);
	CHECK(model_family_find(NULL) == model_family_find("anything-else"));
}

/* ---- provider resolution ---- */

static struct config *load(const char *toml, const char *const *ov)
{
	static char home[PATH_MAX];
	struct strv overrides = STRV_INIT;
	struct config_load_opts o = {home, &overrides, NULL};
	struct config *cfg = NULL;
	struct err e;

	test_write_file("home/config.toml", toml);
	snprintf(home, sizeof home, "%s/home", test_tmpdir());
	for (size_t i = 0; ov && ov[i]; i++)
		REQUIRE(strv_push(&overrides, ov[i]) == 0);
	if (config_load(&o, &cfg, &e) < 0)
		test_fail(__FILE__, __LINE__, "config_load: %s", e.msg);
	strv_free(&overrides);
	REQUIRE(cfg != NULL);
	return cfg;
}

TEST(provider_resolution)
{
	struct config *cfg;
	struct model_provider p;
	struct err e;
	char *s;

	unsetenv("OPENAI_BASE_URL");
	unsetenv("OPENAI_PROJECT");
	setenv("OPENAI_ORGANIZATION", "org-9", 1);
	cfg = load("", NULL);
	REQUIRE(model_provider_resolve(cfg, false, &p, &e) == 0);
	CHECK_STR(p.id, "openai");
	CHECK_STR(p.base_url, "https://api.openai.com/v1");
	CHECK_INT(p.wire, MODEL_WIRE_RESPONSES);
	s = joined(&p.headers);
	CHECK_STR(s, "version: " CODEX_VERSION "|OpenAI-Organization: org-9|");
	free(s);
	CHECK(p.requires_openai_auth && !p.is_azure && p.env_key == NULL);
	CHECK_INT(p.request_max_retries, 4);
	CHECK_INT(p.stream_max_retries, 5);
	CHECK_INT(p.stream_idle_timeout_ms, 300000);
	model_provider_free(&p);
	unsetenv("OPENAI_ORGANIZATION");
	/* --oss: Ollama unless oss_provider says otherwise. */
	REQUIRE(model_provider_resolve(cfg, true, &p, &e) == 0);
	CHECK_STR(p.id, "ollama");
	CHECK(!p.requires_openai_auth);
	CHECK_INT(p.headers.n, 0);
	model_provider_free(&p);
	config_free(cfg);

	setenv("MY_TEAM", "  ", 1);
	setenv("MY_REGION", "eu", 1);
	cfg = load("model_provider = \"az\"\noss_provider = \"lmstudio\"\n"
		   "[model_providers.az]\nname = \"Azure\"\nbase_url = \"https://x.example/openai//\"\n"
		   "wire_api = \"chat\"\nenv_key = \"AZ_KEY\"\nrequest_max_retries = 100\n"
		   "stream_idle_timeout_ms = 1500\nhttp_headers = { \"X-A\" = \"a\" }\n"
		   "env_http_headers = { \"X-Team\" = \"MY_TEAM\", \"X-Region\" = \"MY_REGION\", "
		   "\"X-None\" = \"NOT_SET_ANYWHERE_123\" }\n"
		   "[model_providers.other]\nbase_url = \"https://res.openai.azure.com/openai\"\n",
		   NULL);
	REQUIRE(model_provider_resolve(cfg, false, &p, &e) == 0);
	CHECK_STR(p.base_url, "https://x.example/openai");
	CHECK_INT(p.wire, MODEL_WIRE_CHAT);
	CHECK(p.is_azure); /* by its name */
	CHECK_STR(p.env_key, "AZ_KEY");
	CHECK_INT(p.request_max_retries, 100);
	CHECK_INT(p.stream_idle_timeout_ms, 1500);
	s = joined(&p.headers);
	/* A blank or unset variable sends no header. */
	CHECK_STR(s, "X-A: a|X-Region: eu|");
	free(s);
	model_provider_free(&p);
	REQUIRE(model_provider_resolve(cfg, true, &p, &e) == 0);
	CHECK_STR(p.id, "lmstudio");
	model_provider_free(&p);
	free(cfg->model_provider);
	cfg->model_provider = strdup("other");
	REQUIRE(model_provider_resolve(cfg, false, &p, &e) == 0);
	CHECK(p.is_azure); /* by its URL */
	model_provider_free(&p);
	free(cfg->model_provider);
	cfg->model_provider = strdup("nope");
	CHECK(model_provider_resolve(cfg, false, &p, &e) < 0);
	CHECK_STR(e.msg, "invalid value for model_provider: no provider 'nope'");
	model_provider_free(&p); /* harmless after a failure */
	config_free(cfg);
	unsetenv("MY_TEAM");
	unsetenv("MY_REGION");
}

TEST(provider_api_key)
{
	struct model_provider p = plain_provider();
	const char *key;
	struct err e;

	/* A local server needs none. */
	CHECK(model_provider_api_key(&p, &key, &e) == 0 && key == NULL);
	p.env_key = "UNIT_TEST_KEY";
	unsetenv("UNIT_TEST_KEY");
	CHECK(model_provider_api_key(&p, &key, &e) < 0);
	CHECK_STR(e.msg, "Missing environment variable: `UNIT_TEST_KEY`.");
	p.env_key_instructions = "Get one at https://example.test.";
	setenv("UNIT_TEST_KEY", " ", 1);
	CHECK(model_provider_api_key(&p, &key, &e) < 0);
	CHECK_STR(e.msg, "Missing environment variable: `UNIT_TEST_KEY`. Get one at "
			 "https://example.test.");
	setenv("UNIT_TEST_KEY", "sk-1", 1);
	CHECK(model_provider_api_key(&p, &key, &e) == 0);
	CHECK_STR(key, "sk-1");
	/* experimental_bearer_token comes first. */
	p.bearer_token = "tok";
	CHECK(model_provider_api_key(&p, &key, &e) == 0);
	CHECK_STR(key, "tok");
	unsetenv("UNIT_TEST_KEY");
	/* The built-in provider falls back to OPENAI_API_KEY. */
	p = plain_provider();
	p.name = "OpenAI";
	p.requires_openai_auth = true;
	unsetenv("OPENAI_API_KEY");
	CHECK(model_provider_api_key(&p, &key, &e) < 0);
	CHECK_STR(e.msg, "no API key for OpenAI: set OPENAI_API_KEY, or sign in with `codex login`");
	setenv("OPENAI_API_KEY", "sk-o", 1);
	CHECK(model_provider_api_key(&p, &key, &e) == 0);
	CHECK_STR(key, "sk-o");
	unsetenv("OPENAI_API_KEY");
}
