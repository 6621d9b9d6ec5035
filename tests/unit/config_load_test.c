/* config_load: config.toml, precedence (flag > -c > profile > file > default), -c
 * parsing, profiles, every error path, the JSON of `codex debug config`, and
 * allocation failures. Each case writes its own $CODEX_HOME under test_tmpdir(). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/strv.h"
#include "config/config.h"
#include "config/toml.h"
#include "test.h"

/* The case's CODEX_HOME, with config.toml = toml (none when toml is NULL). */
static const char *home_with(const char *toml)
{
	static char home[PATH_MAX];
	const char *file = test_write_file("home/config.toml", toml ? toml : "");
	char *real;

	if (!toml)
		remove(file);
	snprintf(home, sizeof home, "%s/home", test_tmpdir());
	real = realpath(home, NULL);
	if (real) {
		snprintf(home, sizeof home, "%s", real);
		free(real);
	}
	return home;
}

/* Loads with the NULL-terminated -c list ov (may be NULL) and profile. */
static int load_from(const char *home, const char *const *ov, const char *profile,
		     struct config **out, struct err *e)
{
	struct strv overrides = STRV_INIT;
	struct config_load_opts opts = {home, &overrides, profile};
	int rc;

	for (size_t i = 0; ov && ov[i]; i++)
		if (strv_push(&overrides, ov[i]) < 0) {
			strv_free(&overrides);
			return -1;
		}
	rc = config_load(&opts, out, e);
	strv_free(&overrides);
	return rc;
}

static struct config *load_ok(const char *toml, const char *const *ov, const char *profile)
{
	struct config *cfg = NULL;
	struct err e = {{0}};

	if (load_from(home_with(toml), ov, profile, &cfg, &e) < 0) {
		test_fail(__FILE__, __LINE__, "config_load failed: %s", e.msg);
		test_abort();
	}
	return cfg;
}

/* config_load must fail with a message containing want, leaving *out untouched. */
static void load_fails(const char *toml, const char *const *ov, const char *profile,
		       const char *want)
{
	struct config *sentinel = (struct config *)&sentinel, *cfg = sentinel;
	struct err e = {{0}};

	CHECK(load_from(home_with(toml), ov, profile, &cfg, &e) < 0);
	CHECK(cfg == sentinel);
	CHECK_CONTAINS(e.msg, want);
}

/* The origin `codex debug config` shows for a setting ("settings.<a>.<b>..."). */
static char *origin_of(const struct config *cfg, const char *const *path)
{
	char *json = config_to_json(cfg);
	cJSON *root = json ? cJSON_Parse(json) : NULL, *node;
	char *origin = NULL;

	node = cJSON_GetObjectItemCaseSensitive(root, "settings");
	for (size_t i = 0; path[i]; i++)
		node = cJSON_GetObjectItemCaseSensitive(node, path[i]);
	node = cJSON_GetObjectItemCaseSensitive(node, "origin");
	if (cJSON_IsString(node))
		origin = strdup(node->valuestring);
	cJSON_Delete(root);
	free(json);
	return origin;
}

#define CHECK_ORIGIN(cfg, want, ...)                                     \
	do {                                                             \
		const char *const p_[] = {__VA_ARGS__, NULL};            \
		char *o_ = origin_of((cfg), p_);                         \
		CHECK_STR(o_, (want));                                   \
		free(o_);                                                \
	} while (0)

TEST(defaults_without_a_config_file)
{
	struct config *cfg = load_ok(NULL, NULL, NULL);
	const struct config_model_provider *p = config_provider(cfg);
	char path[PATH_MAX + 16];

	CHECK_STR(cfg->model, "gpt-5.3-codex");
	CHECK_STR(cfg->model_provider, "openai");
	REQUIRE(p != NULL);
	CHECK_STR(p->id, "openai");
	CHECK_STR(p->wire_api, "responses");
	CHECK_INT(p->request_max_retries, 4);
	CHECK_INT(p->stream_max_retries, 5);
	CHECK_INT(p->stream_idle_timeout_ms, 300000);
	CHECK(p->requires_openai_auth);
	CHECK_INT(cfg->approval_policy, APPROVAL_ON_REQUEST);
	CHECK_INT(cfg->sandbox_mode, SANDBOX_MODE_READ_ONLY);
	CHECK(cfg->model_reasoning_effort == NULL);
	CHECK(cfg->model_reasoning_summary == NULL);
	CHECK(cfg->model_verbosity == NULL && cfg->oss_provider == NULL);
	CHECK_STR(cfg->shell_environment_policy.inherit, "all");
	CHECK(!cfg->network.enabled);
	CHECK_STR(cfg->network.proxy_url, "http://127.0.0.1:3128");
	CHECK_STR(cfg->network.socks_url, "http://127.0.0.1:8081");
	CHECK_STR(cfg->network.admin_url, "http://127.0.0.1:8080");
	CHECK(cfg->network.enable_socks5 && cfg->network.enable_socks5_udp);
	CHECK(cfg->network.allow_upstream_proxy && !cfg->network.allow_local_binding);
	CHECK_INT(cfg->network.mode, NETWORK_MODE_FULL);
	CHECK_STR(cfg->history.persistence, "save-all");
	CHECK_INT(cfg->project_doc_max_bytes, 32768);
	CHECK(cfg->windows_sandbox == NULL && cfg->windows_sandbox_private_desktop);
	CHECK(cfg->profile == NULL);
	snprintf(path, sizeof path, "%s/config.toml", cfg->codex_home);
	CHECK_STR(cfg->config_path, path);
	CHECK_ORIGIN(cfg, "default", "model");
	config_free(cfg);
}

TEST(every_documented_key_is_read)
{
	struct config *cfg = load_ok(
		"model = \"o3\"\nmodel_provider = \"my-llm\"\n"
		"model_reasoning_effort = \"high\"\nmodel_reasoning_summary = \"detailed\"\n"
		"approval_policy = \"untrusted\"\nsandbox_mode = \"workspace-write\"\n"
		"notify = [\"notify-send\", \"Codex\"]\nproject_doc_max_bytes = 0\n"
		"[model_providers.my-llm]\nname = \"Mine\"\nbase_url = \"http://localhost:1/v1\"\n"
		"env_key = \"MY_KEY\"\nwire_api = \"chat\"\nquery_params = {api-version = \"1\"}\n"
		"http_headers = {X-A = \"a\"}\nenv_http_headers = {X-B = \"B_VAR\"}\n"
		"request_max_retries = 1000\nstream_max_retries = 2\nstream_idle_timeout_ms = 7\n"
		"[sandbox_workspace_write]\nwritable_roots = [\"/w\"]\nnetwork_access = true\n"
		"exclude_tmpdir_env_var = true\nexclude_slash_tmp = true\n"
		"[shell_environment_policy]\ninherit = \"core\"\nignore_default_excludes = true\n"
		"exclude = [\"AWS_*\"]\ninclude_only = [\"PATH\"]\nset = {CI = \"1\"}\n"
		"[network]\nenabled = true\nproxy_url = \"http://127.0.0.1:9\"\nmode = \"limited\"\n"
		"socks_url = \"http://127.0.0.1:10\"\nenable_socks5 = false\nenable_socks5_udp = false\n"
		"allowed_domains = [\"a.com\"]\ndenied_domains = [\"b.com\"]\n"
		"allow_local_binding = true\nallow_unix_sockets = [\"/s\"]\n"
		"allow_upstream_proxy = false\ndangerously_allow_non_loopback_proxy = true\n"
		"admin_url = \"http://127.0.0.1:11\"\n"
		"[windows]\nsandbox = \"elevated\"\nsandbox_private_desktop = false\n"
		"[history]\npersistence = \"none\"\nmax_bytes = 1000\n"
		"[mcp_servers.docs]\ncommand = \"docs-mcp\"\nargs = [\"--x\"]\nenv = {T = \"1\"}\n"
		"startup_timeout_sec = 2.5\n[mcp_servers.web]\nurl = \"https://mcp\"\nenabled = false\n"
		"[features]\nunified_exec = true\nweb_search_request = false\n",
		NULL, NULL);
	const struct config_model_provider *p = config_provider(cfg);

	CHECK_STR(cfg->model, "o3");
	REQUIRE(p != NULL);
	CHECK_STR(p->id, "my-llm");
	CHECK_STR(p->name, "Mine");
	CHECK_STR(p->base_url, "http://localhost:1/v1");
	CHECK_STR(p->env_key, "MY_KEY");
	CHECK_STR(p->wire_api, "chat");
	CHECK_STR(config_map_get(&p->query_params, "api-version"), "1");
	CHECK_STR(config_map_get(&p->http_headers, "X-A"), "a");
	CHECK_STR(config_map_get(&p->env_http_headers, "X-B"), "B_VAR");
	CHECK_INT(p->request_max_retries, 100); /* capped as upstream */
	CHECK_INT(p->stream_max_retries, 2);
	CHECK_INT(p->stream_idle_timeout_ms, 7);
	CHECK_INT(cfg->n_providers, 4);
	CHECK_STR(cfg->model_reasoning_effort, "high");
	CHECK_STR(cfg->model_reasoning_summary, "detailed");
	CHECK_INT(cfg->approval_policy, APPROVAL_UNTRUSTED);
	CHECK_INT(cfg->sandbox_mode, SANDBOX_MODE_WORKSPACE_WRITE);
	CHECK_INT(cfg->notify.n, 2);
	CHECK_INT(cfg->project_doc_max_bytes, 0);
	CHECK_STR(cfg->sandbox_workspace_write.writable_roots.v[0], "/w");
	CHECK(cfg->sandbox_workspace_write.network_access);
	CHECK(cfg->sandbox_workspace_write.exclude_tmpdir_env_var);
	CHECK(cfg->sandbox_workspace_write.exclude_slash_tmp);
	CHECK_STR(cfg->shell_environment_policy.inherit, "core");
	CHECK(cfg->shell_environment_policy.ignore_default_excludes);
	CHECK_STR(cfg->shell_environment_policy.exclude.v[0], "AWS_*");
	CHECK_STR(cfg->shell_environment_policy.include_only.v[0], "PATH");
	CHECK_STR(config_map_get(&cfg->shell_environment_policy.set, "CI"), "1");
	CHECK(cfg->network.enabled);
	CHECK_STR(cfg->network.proxy_url, "http://127.0.0.1:9");
	CHECK_STR(cfg->network.socks_url, "http://127.0.0.1:10");
	CHECK_INT(cfg->network.mode, NETWORK_MODE_LIMITED);
	CHECK(!cfg->network.enable_socks5 && !cfg->network.enable_socks5_udp);
	CHECK_STR(cfg->network.allowed_domains.v[0], "a.com");
	CHECK_STR(cfg->network.denied_domains.v[0], "b.com");
	CHECK(cfg->network.allow_local_binding);
	CHECK_STR(cfg->network.allow_unix_sockets.v[0], "/s");
	CHECK(!cfg->network.allow_upstream_proxy);
	CHECK(cfg->network.dangerously_allow_non_loopback_proxy);
	CHECK_STR(cfg->network.admin_url, "http://127.0.0.1:11");
	CHECK_STR(cfg->windows_sandbox, "elevated");
	CHECK(!cfg->windows_sandbox_private_desktop);
	CHECK_STR(cfg->history.persistence, "none");
	CHECK_INT(cfg->history.max_bytes, 1000);
	REQUIRE(cfg->n_mcp_servers == 2);
	CHECK_STR(cfg->mcp_servers[0].name, "docs");
	CHECK_STR(cfg->mcp_servers[0].command, "docs-mcp");
	CHECK_STR(cfg->mcp_servers[0].args.v[0], "--x");
	CHECK_STR(config_map_get(&cfg->mcp_servers[0].env, "T"), "1");
	CHECK(cfg->mcp_servers[0].enabled);
	CHECK(cfg->mcp_servers[0].startup_timeout_sec == 2.5);
	CHECK(cfg->mcp_servers[0].tool_timeout_sec == 120);
	CHECK_STR(cfg->mcp_servers[1].url, "https://mcp");
	CHECK(!cfg->mcp_servers[1].enabled);
	CHECK(config_feature_enabled(cfg, "unified_exec"));
	CHECK(!config_feature_enabled(cfg, "web_search_request"));
	CHECK(!config_feature_enabled(cfg, "absent"));
	config_free(cfg);
}

TEST(precedence_flag_over_c_over_profile_over_file_over_default)
{
	static const char toml[] = "model = \"from-file\"\nsandbox_mode = \"read-only\"\n"
				   "[profiles.p]\nmodel = \"from-profile\"\n"
				   "sandbox_mode = \"workspace-write\"\n";
	const char *const c_model[] = {"model=from-c", NULL};
	struct config *cfg;
	struct err e;

	cfg = load_ok(toml, NULL, NULL);
	CHECK_STR(cfg->model, "from-file");
	CHECK_ORIGIN(cfg, "default", "approval_policy");
	config_free(cfg);

	cfg = load_ok(toml, NULL, "p");
	CHECK_STR(cfg->model, "from-profile");
	CHECK_INT(cfg->sandbox_mode, SANDBOX_MODE_WORKSPACE_WRITE);
	CHECK_STR(cfg->profile, "p");
	config_free(cfg);

	/* -c beats the profile, key by key: sandbox_mode still comes from the profile. */
	cfg = load_ok(toml, c_model, "p");
	CHECK_STR(cfg->model, "from-c");
	CHECK_INT(cfg->sandbox_mode, SANDBOX_MODE_WORKSPACE_WRITE);
	CHECK_ORIGIN(cfg, "-c", "model");

	/* A flag beats everything: the caller stores the value and notes it. */
	cfg->sandbox_mode = SANDBOX_MODE_DANGER_FULL_ACCESS;
	REQUIRE(config_note_flag(cfg, "sandbox_mode", &e) == 0);
	CHECK_ORIGIN(cfg, "flag", "sandbox_mode");
	config_free(cfg);
}

TEST(profile_selected_by_key_by_flag_and_by_c)
{
	static const char toml[] = "profile = \"a\"\nmodel = \"root\"\n"
				   "[profiles.a]\nmodel = \"A\"\n[profiles.b]\nmodel = \"B\"\n";
	const char *const c_profile[] = {"profile=b", NULL};
	struct config *cfg;
	char want[PATH_MAX + 64];

	cfg = load_ok(toml, NULL, NULL);
	CHECK_STR(cfg->model, "A");
	CHECK_STR(cfg->profile, "a");
	snprintf(want, sizeof want, "profile a (%s:4)", cfg->config_path);
	CHECK_ORIGIN(cfg, want, "model");
	config_free(cfg);

	cfg = load_ok(toml, NULL, "b"); /* -p beats profile = */
	CHECK_STR(cfg->model, "B");
	config_free(cfg);

	cfg = load_ok(toml, c_profile, NULL);
	CHECK_STR(cfg->model, "B");
	config_free(cfg);
}

/* The root's approvals_reviewer is kept apart from the profile's (/experimental refuses
 * to turn Guardian Approvals off inside a profile while the root asks for it); -c is the
 * root's too. */
TEST(root_approvals_reviewer_survives_the_profile)
{
	static const char toml[] = "approvals_reviewer = \"guardian_subagent\"\n"
				   "[profiles.p]\napprovals_reviewer = \"user\"\n";
	const char *const c_user[] = {"approvals_reviewer=user", NULL};
	struct config *cfg;

	cfg = load_ok(toml, NULL, "p");
	CHECK_STR(cfg->approvals_reviewer, "user");
	CHECK_STR(cfg->root_approvals_reviewer, "guardian_subagent");
	config_free(cfg);

	cfg = load_ok(toml, c_user, "p");
	CHECK_STR(cfg->root_approvals_reviewer, "user");
	config_free(cfg);

	cfg = load_ok("[profiles.p]\napprovals_reviewer = \"guardian_subagent\"\n", NULL, "p");
	CHECK_STR(cfg->approvals_reviewer, "guardian_subagent");
	CHECK(cfg->root_approvals_reviewer == NULL);
	config_free(cfg);
}

TEST(profile_tables_merge_key_by_key)
{
	struct config *cfg = load_ok("[sandbox_workspace_write]\nwritable_roots = [\"/r\"]\n"
				     "[profiles.p.sandbox_workspace_write]\nnetwork_access = true\n",
				     NULL, "p");

	CHECK_STR(cfg->sandbox_workspace_write.writable_roots.v[0], "/r");
	CHECK(cfg->sandbox_workspace_write.network_access);
	config_free(cfg);
}

TEST(c_values_are_toml_or_literal_strings)
{
	const char *const ov[] = {
		"project_doc_max_bytes=100",             /* TOML integer */
		"model=o3-mini",                          /* not TOML: literal */
		"model_reasoning_effort='low'",          /* TOML literal string */
		"notify=[\"say\", \"done\"]",            /* TOML array */
		"  history.max_bytes = 5 ",              /* spaces around key and value */
		"sandbox_workspace_write.network_access=true", /* nested, creates the table */
		"shell_environment_policy={inherit=\"none\", set={A=\"1\"}}", /* inline table */
		"model_providers.\"my.llm\".base_url=http://h/v1", /* quoted segment */
		"model_provider=\"my.llm\"",
		"windows.sandbox=\"unelevated",          /* broken TOML: quotes trimmed */
		"model_providers.'k=v'.name=\"eq\"",     /* '=' inside a quoted segment */
		NULL};
	struct config *cfg = load_ok("[history]\npersistence = \"none\"\n", ov, NULL);
	const struct config_model_provider *p = config_provider(cfg);

	CHECK_INT(cfg->project_doc_max_bytes, 100);
	CHECK_STR(cfg->model, "o3-mini");
	CHECK_STR(cfg->model_reasoning_effort, "low");
	REQUIRE(cfg->notify.n == 2);
	CHECK_STR(cfg->notify.v[1], "done");
	CHECK_INT(cfg->history.max_bytes, 5);
	CHECK_STR(cfg->history.persistence, "none"); /* the rest of [history] stays */
	CHECK(cfg->sandbox_workspace_write.network_access);
	CHECK_STR(cfg->shell_environment_policy.inherit, "none");
	CHECK_STR(config_map_get(&cfg->shell_environment_policy.set, "A"), "1");
	REQUIRE(p != NULL);
	CHECK_STR(p->id, "my.llm");
	CHECK_STR(p->base_url, "http://h/v1");
	CHECK_STR(cfg->windows_sandbox, "unelevated");
	REQUIRE(cfg->n_providers == 5);
	CHECK_STR(cfg->providers[4].id, "k=v");
	CHECK_STR(cfg->providers[4].name, "eq");
	CHECK_ORIGIN(cfg, "-c", "model_providers", "my.llm", "base_url");
	config_free(cfg);
}

TEST(later_c_wins_and_replaces_values_in_the_way)
{
	const char *const ov[] = {"model=first", "model=second", "history=1",
				  "history.max_bytes=9", NULL};
	struct config *cfg = load_ok(NULL, ov, NULL);

	CHECK_STR(cfg->model, "second");
	CHECK_INT(cfg->history.max_bytes, 9);
	config_free(cfg);
}

/* The document a front end reads its own settings from ([tui]) has the -c overrides
 * over config.toml; no file is an empty document, a broken one an error. */
TEST(read_document_has_the_c_overrides)
{
	const char *const ov[] = {"tui.show_tooltips=false", "tui.extra=\"x\"", NULL};
	struct config *cfg = load_ok("[tui]\nshow_tooltips = true\nanimations = false\n", ov,
				     NULL);
	struct err e = {{0}};
	struct toml_value *doc = config_read_document(cfg, &e), *tui;

	REQUIRE(doc != NULL);
	tui = toml_table_get(doc, "tui");
	REQUIRE(tui != NULL && tui->type == TOML_TABLE);
	REQUIRE(toml_table_get(tui, "show_tooltips") != NULL);
	CHECK(toml_table_get(tui, "show_tooltips")->type == TOML_BOOL &&
	      !toml_table_get(tui, "show_tooltips")->u.boolean);
	CHECK(toml_table_get(tui, "animations") != NULL);
	CHECK(toml_table_get(tui, "extra") != NULL);
	toml_free(doc);
	config_free(cfg);
	cfg = load_ok(NULL, NULL, NULL);
	doc = config_read_document(cfg, &e);
	REQUIRE(doc != NULL && doc->type == TOML_TABLE);
	toml_free(doc);
	test_write_file("home/config.toml", "[tui\n");
	CHECK(config_read_document(cfg, &e) == NULL);
	CHECK_CONTAINS(e.msg, "config.toml:");
	config_free(cfg);
}

TEST(enum_choices_match_the_str_functions)
{
	for (int m = SANDBOX_MODE_READ_ONLY; m <= SANDBOX_MODE_DANGER_FULL_ACCESS; m++) {
		char ov[64];
		const char *const list[] = {ov, NULL};
		struct config *cfg;
		enum sandbox_mode parsed;

		snprintf(ov, sizeof ov, "sandbox_mode=%s", sandbox_mode_str((enum sandbox_mode)m));
		cfg = load_ok(NULL, list, NULL);
		CHECK_INT(cfg->sandbox_mode, m);
		CHECK(sandbox_mode_parse(sandbox_mode_str((enum sandbox_mode)m), &parsed) == 0 &&
		      (int)parsed == m);
		config_free(cfg);
	}
	for (int a = APPROVAL_UNTRUSTED; a <= APPROVAL_NEVER; a++) {
		char ov[64];
		const char *const list[] = {ov, NULL};
		struct config *cfg;

		snprintf(ov, sizeof ov, "approval_policy=%s",
			 approval_policy_str((enum approval_policy)a));
		cfg = load_ok(NULL, list, NULL);
		CHECK_INT(cfg->approval_policy, a);
		config_free(cfg);
	}
	for (int n = NETWORK_MODE_FULL; n <= NETWORK_MODE_LIMITED; n++) {
		char ov[64];
		const char *const list[] = {ov, NULL};
		struct config *cfg;

		snprintf(ov, sizeof ov, "network.mode=%s", network_mode_str((enum network_mode)n));
		cfg = load_ok(NULL, list, NULL);
		CHECK_INT(cfg->network.mode, n);
		config_free(cfg);
	}
}

TEST(network_domains_map_folds_into_the_lists)
{
	struct config *cfg = load_ok(
		"[network]\nallowed_domains = [\"a.com\", \"both.com\"]\n"
		"domains = { \"b.com\" = \"allow\", \"both.com\" = \"deny\", \"c.com\" = \"deny\", "
		"\"d.com\" = \"none\" }\n"
		"unix_sockets = { \"/run/x.sock\" = \"allow\", \"/run/y.sock\" = \"deny\" }\n",
		NULL, NULL);
	const struct config_network *n = &cfg->network;

	REQUIRE(n->allowed_domains.n == 2);
	CHECK_STR(n->allowed_domains.v[0], "a.com");
	CHECK_STR(n->allowed_domains.v[1], "b.com");
	CHECK(strv_find(&n->denied_domains, "both.com") >= 0);
	CHECK(strv_find(&n->denied_domains, "c.com") >= 0);
	CHECK(strv_find(&n->denied_domains, "d.com") < 0);
	REQUIRE(n->allow_unix_sockets.n == 1);
	CHECK_STR(n->allow_unix_sockets.v[0], "/run/x.sock");
	config_free(cfg);
}

TEST(features_table_form)
{
	struct config *cfg = load_ok("[features]\na = true\n[features.network_proxy]\n"
				     "enabled = true\n[features.other]\nmode = \"x\"\n",
				     NULL, NULL);

	CHECK(config_feature_enabled(cfg, "a"));
	CHECK(config_feature_enabled(cfg, "network_proxy"));
	CHECK(!config_feature_enabled(cfg, "other"));
	config_free(cfg);
}

TEST(unknown_keys_are_ignored_and_listed)
{
	struct config *cfg = load_ok("future_key = 1\n[network]\nfuture = true\n"
				     "[profiles.p]\nalso_future = 2\n",
				     NULL, "p");
	char *json = config_to_json(cfg);

	REQUIRE(json != NULL);
	CHECK_CONTAINS(json, "\"key\":\t\"future_key\"");
	CHECK_CONTAINS(json, "\"key\":\t\"network.future\"");
	CHECK_CONTAINS(json, "\"key\":\t\"profiles.p.also_future\"");
	free(json);
	config_free(cfg);
}

TEST(builtin_providers_cannot_be_redefined)
{
	static const char *const ids[] = {"openai", "ollama", "lmstudio"};
	char toml[200], want[200];

	for (size_t i = 0; i < 3; i++) {
		snprintf(toml, sizeof toml, "model = \"m\"\n[model_providers.%s]\n"
			 "base_url = \"http://evil\"\n", ids[i]);
		snprintf(want, sizeof want, "config.toml:2:18: model_providers.%s: '%s' is a "
			 "built-in provider and cannot be redefined", ids[i], ids[i]);
		load_fails(toml, NULL, NULL, want);
	}
	/* Through -c too, and inside a profile. */
	load_fails(NULL, (const char *const[]){"model_providers.ollama.base_url=\"x\"", NULL},
		   NULL, "model_providers.ollama: 'ollama' is a built-in provider");
	load_fails("[profiles.p.model_providers.openai]\nname = \"x\"\n", NULL, "p",
		   "'openai' is a built-in provider and cannot be redefined");
	/* Another id is fine. */
	config_free(load_ok("[model_providers.openai-custom]\nbase_url = \"http://x\"\n", NULL,
			    NULL));
}

TEST(builtin_oss_providers)
{
	struct config *cfg;

	unsetenv("CODEX_OSS_BASE_URL");
	unsetenv("CODEX_OSS_PORT");
	cfg = load_ok("model_provider = \"ollama\"\noss_provider = \"lmstudio\"\n", NULL, NULL);
	REQUIRE(cfg->n_providers >= 3);
	CHECK_STR(cfg->providers[0].id, "openai");
	CHECK_STR(cfg->providers[1].id, "ollama");
	CHECK_STR(cfg->providers[1].base_url, "http://localhost:11434/v1");
	CHECK_STR(cfg->providers[1].wire_api, "responses");
	CHECK(!cfg->providers[1].requires_openai_auth);
	CHECK_STR(cfg->providers[2].id, "lmstudio");
	CHECK_STR(cfg->providers[2].base_url, "http://localhost:1234/v1");
	CHECK_STR(config_provider(cfg)->id, "ollama");
	CHECK_STR(cfg->oss_provider, "lmstudio");
	config_free(cfg);

	setenv("CODEX_OSS_PORT", "4321", 1);
	cfg = load_ok(NULL, NULL, NULL);
	CHECK_STR(cfg->providers[1].base_url, "http://localhost:4321/v1");
	CHECK_STR(cfg->providers[2].base_url, "http://localhost:4321/v1");
	config_free(cfg);
	setenv("CODEX_OSS_PORT", "not-a-port", 1);
	cfg = load_ok(NULL, NULL, NULL);
	CHECK_STR(cfg->providers[1].base_url, "http://localhost:11434/v1");
	config_free(cfg);
	setenv("CODEX_OSS_BASE_URL", "http://gpu-box:8080/v1", 1);
	cfg = load_ok(NULL, NULL, NULL);
	CHECK_STR(cfg->providers[1].base_url, "http://gpu-box:8080/v1");
	CHECK_STR(cfg->providers[2].base_url, "http://gpu-box:8080/v1");
	config_free(cfg);
	unsetenv("CODEX_OSS_BASE_URL");
	unsetenv("CODEX_OSS_PORT");

	load_fails("oss_provider = \"ollama-chat\"\n", NULL, NULL,
		   "invalid value for oss_provider");
	load_fails("model_verbosity = \"loud\"\n", NULL, NULL, "invalid value for model_verbosity");
}

TEST(syntax_error_names_file_line_and_column)
{
	char want[PATH_MAX + 64];

	snprintf(want, sizeof want, "%s/config.toml:2:5: expected a value, found '='",
		 home_with(""));
	load_fails("a = 1\nb = = 2\n", NULL, NULL, want);
}

TEST(type_errors_name_key_allowed_values_and_position)
{
	load_fails("\napproval_policy = 3\n", NULL, NULL,
		   "config.toml:2:19: invalid value for approval_policy: expected one of "
		   "\"untrusted\", \"on-failure\", \"on-request\", \"never\", got integer 3");
	load_fails("sandbox_mode = \"bogus\"\n", NULL, NULL,
		   "config.toml:1:16: invalid value for sandbox_mode: expected one of "
		   "\"read-only\", \"workspace-write\", \"danger-full-access\", got \"bogus\"");
	load_fails("model = 1\n", NULL, NULL,
		   "config.toml:1:9: invalid value for model: expected a string, got integer 1");
	load_fails("[network]\nenabled = \"yes\"\n", NULL, NULL,
		   "config.toml:2:11: invalid value for network.enabled: expected true or false");
	load_fails("project_doc_max_bytes = -1\n", NULL, NULL,
		   "invalid value for project_doc_max_bytes: expected a non-negative integer");
	load_fails("notify = [\"a\", 1]\n", NULL, NULL,
		   "config.toml:1:16: invalid value for notify[1]: expected a string");
	load_fails("[model_providers.x]\nhttp_headers = {A = 1}\n", NULL, NULL,
		   "invalid value for model_providers.x.http_headers.A: expected a string");
	load_fails("network = 1\n", NULL, NULL,
		   "invalid value for network: expected a table, got integer 1");
	load_fails("[network]\ndomains = {\"a.com\" = \"maybe\"}\n", NULL, NULL,
		   "invalid value for network.domains.\"a.com\": expected one of \"allow\"");
	load_fails("[mcp_servers.s]\nargs = []\n", NULL, NULL,
		   "mcp_servers.s: a server needs `command` (stdio) or `url`");
	load_fails("model_provider = \"nope\"\n", NULL, NULL,
		   "config.toml:1:18: invalid value for model_provider: no provider 'nope' "
		   "(defined: openai, ollama, lmstudio)");
	load_fails("[features]\nx = \"on\"\n", NULL, NULL,
		   "invalid value for features.x: expected true or false");
	load_fails("profile = 1\n", NULL, NULL,
		   "invalid value for profile: expected a string, got integer");
	load_fails("model = \"a\\u0000b\"\n", NULL, NULL, "a string without NUL characters");
}

TEST(errors_in_unselected_profiles_are_reported)
{
	load_fails("[profiles.unused]\napproval_policy = \"sometimes\"\n", NULL, NULL,
		   "config.toml:2:19: invalid value for profiles.unused.approval_policy");
}

TEST(c_errors_name_the_override)
{
	const char *const bad_type[] = {"approval_policy=3", NULL};
	const char *const no_eq[] = {"model", NULL};
	const char *const bad_key[] = {"a..b=1", NULL};
	const char *const space_key[] = {"a b=1", NULL};

	load_fails(NULL, bad_type, NULL,
		   "-c approval_policy=3: invalid value for approval_policy: expected one of");
	load_fails(NULL, no_eq, NULL, "-c model: expected key=value");
	load_fails(NULL, bad_key, NULL, "-c a..b=1: invalid key");
	load_fails(NULL, space_key, NULL, "-c a b=1: expected '=' after the key");
}

TEST(missing_profile_and_codex_home_are_errors)
{
	struct config *cfg = NULL;
	struct err e;
	char missing[PATH_MAX];

	load_fails("model = \"x\"\n", NULL, "nope", "config profile 'nope' not found");
	load_fails("[profiles]\np = 1\n", NULL, "p",
		   "invalid value for profiles.p: expected a table, got integer");
	snprintf(missing, sizeof missing, "%s/does-not-exist", test_tmpdir());
	CHECK(load_from(missing, NULL, NULL, &cfg, &e) < 0);
	CHECK(cfg == NULL);
	CHECK_CONTAINS(e.msg, "but that path does not exist");
}

TEST(debug_json_redacts_secrets_and_shows_origins)
{
	const char *const ov[] = {"model_providers.p.http_headers.X-Api-Key=\"k-123\"", NULL};
	struct config *cfg = load_ok(
		"model_provider = \"p\"\n[model_providers.p]\n"
		"base_url = \"https://user:hunter2@llm.example/v1\"\n"
		"experimental_bearer_token = \"tok-456\"\n"
		"http_headers = {Authorization = \"Bearer sk-789\", X-Trace = \"visible\"}\n"
		"env_key = \"MY_API_KEY\"\n"
		"[mcp_servers.m]\ncommand = \"m\"\nenv = {GITHUB_TOKEN = \"ghp-000\", MODE = \"fast\"}\n"
		"[shell_environment_policy]\nset = {DB_PASSWORD = \"pw-111\"}\n",
		ov, NULL);
	char *json = config_to_json(cfg);
	char want[PATH_MAX + 64];

	REQUIRE(json != NULL);
	CHECK(strstr(json, "hunter2") == NULL);
	CHECK(strstr(json, "tok-456") == NULL);
	CHECK(strstr(json, "sk-789") == NULL);
	CHECK(strstr(json, "k-123") == NULL);
	CHECK(strstr(json, "ghp-000") == NULL);
	CHECK(strstr(json, "pw-111") == NULL);
	CHECK_CONTAINS(json, "visible");
	CHECK_CONTAINS(json, "fast");
	CHECK_CONTAINS(json, "MY_API_KEY"); /* an env var name, not a secret */
	CHECK_CONTAINS(json, "https://<redacted>@llm.example/v1");
	snprintf(want, sizeof want, "%s:3", cfg->config_path);
	CHECK_ORIGIN(cfg, want, "model_providers", "p", "base_url");
	CHECK_ORIGIN(cfg, "-c", "model_providers", "p", "http_headers");
	free(json);
	config_free(cfg);
}

TEST(loader_survives_allocation_failures)
{
	const char *const ov[] = {"model=o3", "network.domains={\"x.com\"=\"allow\"}",
				  "profiles.p.sandbox_mode=\"workspace-write\"", NULL};
	const char *home = home_with(
		"model_provider = \"m\"\nfoo = 1\n[model_providers.m]\nname = \"M\"\n"
		"http_headers = {Authorization = \"x\"}\n[network]\nallowed_domains = [\"a\"]\n"
		"[mcp_servers.s]\ncommand = \"c\"\nargs = [\"1\"]\n[features]\nf = true\n"
		"[profiles.p]\nmodel_reasoning_effort = \"low\"\nbar = 2\n"
		"[profiles.q]\nnotify = [\"n\"]\n");
	struct strv overrides = STRV_INIT;
	struct config_load_opts opts = {home, &overrides, "p"};

	long runs = 0;
	bool completed = false;

	for (size_t i = 0; ov[i]; i++)
		REQUIRE(strv_push(&overrides, ov[i]) == 0);
	FOR_EACH_ALLOC_FAILURE(20000, {
		struct config *cfg = NULL;
		struct err e = {{0}};
		runs++;
		if (config_load(&opts, &cfg, &e) == 0) {
			char *json = config_to_json(cfg);
			CHECK_STR(cfg->model, "o3");
			CHECK_INT(cfg->sandbox_mode, SANDBOX_MODE_WORKSPACE_WRITE);
			completed = json && !failalloc_fired();
			free(json);
			config_free(cfg);
		} else {
			CHECK(cfg == NULL);
			CHECK(e.msg[0] != '\0');
		}
	});
	/* The last run had no failure injected: every allocation was tried failing. */
	CHECK(completed);
	CHECK(runs > 100);
	printf("# %ld allocation failure points\n", runs - 1);
	strv_free(&overrides);
}

/* Providers and servers grow by doubling; every one keeps its own settings. */
TEST(many_providers_and_servers)
{
	struct strv lines = STRV_INIT;
	struct config *cfg;
	char *text;
	size_t len = 1;

	for (int i = 0; i < 300; i++) {
		REQUIRE(strv_pushf(&lines, "[model_providers.p%d]\nbase_url = \"http://h%d\"\n"
				   "[mcp_servers.s%d]\ncommand = \"c%d\"\n",
				   i, i, i, i) == 0);
		len += strlen(lines.v[i]);
	}
	text = calloc(1, len);
	REQUIRE(text != NULL);
	for (size_t i = 0; i < lines.n; i++)
		strcat(text, lines.v[i]);
	cfg = load_ok(text, NULL, NULL);
	REQUIRE(cfg->n_providers == 303);
	REQUIRE(cfg->n_mcp_servers == 300);
	CHECK_STR(cfg->providers[0].id, "openai");
	CHECK_STR(cfg->providers[302].id, "p299");
	CHECK_STR(cfg->providers[302].base_url, "http://h299");
	CHECK_STR(cfg->providers[131].base_url, "http://h128");
	CHECK_STR(cfg->mcp_servers[255].command, "c255");
	config_free(cfg);
	free(text);
	strv_free(&lines);
}

TEST(domain_lists_lose_duplicates)
{
	struct config *cfg = load_ok("[network]\nallowed_domains = [\"a\", \"b\", \"a\"]\n"
				     "denied_domains = [\"x\", \"x\"]\n"
				     "domains = {a = \"allow\", x = \"deny\"}\n",
				     NULL, NULL);

	REQUIRE(cfg->network.allowed_domains.n == 2);
	CHECK_STR(cfg->network.allowed_domains.v[1], "b");
	CHECK_INT(cfg->network.denied_domains.n, 1);
	config_free(cfg);
}

/* "k000000 = 1\n" ... filling exactly size bytes (the last key padded with spaces). */
static char *config_of_size(size_t size)
{
	char *text = malloc(size + 1);
	size_t at = 0;

	if (!text)
		return NULL;
	for (unsigned i = 0; at + 24 <= size; i++)
		at += (size_t)snprintf(text + at, 24, "k%07u = 1\n", i);
	memset(text + at, ' ', size - at - 1);
	text[size - 1] = '\n';
	text[size] = '\0';
	return text;
}

/* The file's size is capped, with one clear line; at the cap it still loads. */
TEST(config_file_size_is_capped)
{
	char want[64];
	char *text = config_of_size(LIMIT_CONFIG_FILE_BYTES);
	struct config *cfg;

	REQUIRE(text != NULL);
	cfg = load_ok(text, NULL, NULL); /* fails the case when it does not load */
	config_free(cfg);
	free(text);
	text = config_of_size(LIMIT_CONFIG_FILE_BYTES + 1);
	REQUIRE(text != NULL);
	snprintf(want, sizeof want, "config.toml is too large (limit %u bytes)",
		 LIMIT_CONFIG_FILE_BYTES);
	load_fails(text, NULL, NULL, want);
	free(text);
}

/* Every profile is still checked, the last of thousands included, and what a profile
 * does not read is listed with its line. */
TEST(thousands_of_profiles_are_each_checked)
{
	struct buf b;
	struct config *cfg;
	char *json;
	int n = 5000;

	buf_init(&b, LIMIT_CONFIG_FILE_BYTES);
	for (int i = 0; i < n; i++)
		REQUIRE(buf_printf(&b, "[profiles.p%d]\nmodel = \"m%d\"\n", i, i) == 0);
	REQUIRE(buf_puts(&b, "[profiles.last]\nfuture = 1\n") == 0);
	cfg = load_ok(b.data, NULL, NULL);
	json = config_to_json(cfg);
	REQUIRE(json != NULL);
	CHECK_CONTAINS(json, "\"key\":\t\"profiles.last.future\"");
	CHECK_CONTAINS(json, "config.toml:10002\"");
	free(json);
	config_free(cfg);
	REQUIRE(buf_puts(&b, "[profiles.bad]\napproval_policy = 3\n") == 0);
	load_fails(b.data, NULL, NULL, "config.toml:10004:19: invalid value for "
					  "profiles.bad.approval_policy");
	buf_free(&b);
}
