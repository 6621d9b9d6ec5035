/* src/agent/plugins*.c: marketplace.json, plugin.json and .mcp.json as upstream 0.118
 * reads them (paths, names, policies, errors), [plugins."<id>"] in config.toml, and the
 * store: listing, installing (what is copied and what is not), what an enabled plugin
 * gives a session, uninstalling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/plugins.h"
#include "config/config.h"
#include "test.h"

static char *at(const char *rel)
{
	static char p[8][4200];
	static int k;
	char *out = p[k++ % 8];

	snprintf(out, sizeof p[0], "%s/%s", test_tmpdir(), rel);
	return out;
}

static const char *market_error(const char *text)
{
	static struct err e;
	struct plugin_market m;

	if (plugin_market_parse(text, strlen(text), &m, &e) == 0) {
		plugin_market_free(&m);
		return "(parsed)";
	}
	return e.msg;
}

TEST(plugin_marketplace_entries_and_policies)
{
	const char *t = "{\"name\": \"mk\", \"interface\": {\"displayName\": \"My Market\"},"
			" \"plugins\": [{\"name\": \"a\", \"source\": {\"source\": \"local\", \"path\": "
			"\"./plugins/a\"}, \"category\": \"Coding\"}, {\"name\": \"b_2\", \"source\": "
			"{\"source\": \"local\", \"path\": \"./b\"}, \"policy\": {\"installation\": "
			"\"NOT_AVAILABLE\", \"authentication\": \"ON_USE\"}}]}";
	struct plugin_market m;
	struct err e;

	REQUIRE(plugin_market_parse(t, strlen(t), &m, &e) == 0);
	CHECK_STR(m.name, "mk");
	CHECK_STR(m.display_name, "My Market");
	REQUIRE(m.n == 2);
	CHECK_STR(m.v[0].name, "a");
	CHECK_STR(m.v[0].path, "plugins/a");
	CHECK(m.v[0].installable && !m.v[0].by_default);
	CHECK_STR(m.v[0].category, "Coding");
	CHECK_STR(m.v[1].path, "b");
	CHECK(!m.v[1].installable);
	plugin_market_free(&m);

	CHECK_CONTAINS(market_error("{\"plugins\": []}"), "missing field `name`");
	CHECK_CONTAINS(market_error("{\"name\": \"m\"}"), "missing field `plugins`");
	CHECK_CONTAINS(market_error("[1"), "invalid marketplace file");
	CHECK_CONTAINS(market_error("{\"name\": \"a b\", \"plugins\": []}"), "only ASCII letters");
#define ONE(path) "{\"name\": \"m\", \"plugins\": [{\"name\": \"p\", \"source\": {\"source\": " \
		  "\"local\", \"path\": \"" path "\"}}]}"
	CHECK_CONTAINS(market_error(ONE("plugins/p")), "must start with `./`");
	CHECK_CONTAINS(market_error(ONE("./")), "must not be empty");
	CHECK_CONTAINS(market_error(ONE("./../up")), "must stay within the marketplace root");
	CHECK_CONTAINS(market_error(ONE("./a/../../up")), "must stay within the marketplace root");
	CHECK_CONTAINS(market_error(ONE("./a//b")), "must stay within the marketplace root");
	CHECK_STR(market_error(ONE("./a/b")), "(parsed)");
	{
		const char *d = "{\"name\": \"m\", \"plugins\": [{\"name\": \"p\", \"source\": "
				"{\"source\": \"local\", \"path\": \"./p\"}, \"policy\": "
				"{\"installation\": \"INSTALLED_BY_DEFAULT\"}}]}";
		REQUIRE(plugin_market_parse(d, strlen(d), &m, &e) == 0);
		CHECK(m.v[0].installable && m.v[0].by_default);
		plugin_market_free(&m);
	}
#undef ONE
	CHECK_CONTAINS(market_error("{\"name\": \"m\", \"plugins\": [{\"name\": \"../x\", "
				    "\"source\": {\"source\": \"local\", \"path\": \"./x\"}}]}"),
		       "invalid plugin name");
	CHECK_CONTAINS(market_error("{\"name\": \"m\", \"plugins\": [{\"name\": \"x\", "
				    "\"source\": {\"source\": \"git\", \"url\": \"u\"}}]}"),
		       "needs a source");
	CHECK_CONTAINS(market_error("{\"name\": \"m\", \"plugins\": [{\"name\": \"x\", \"source\":"
				    " {\"source\": \"local\", \"path\": \"./x\"}, \"policy\": "
				    "{\"installation\": \"MAYBE\"}}]}"),
		       "unknown installation policy");
}

TEST(plugin_sha_lines)
{
	const char *sha = "0123456789abcdef0123456789abcdef01234567";
	char out[PLUGIN_SHA_MAX + 1], big[PLUGIN_SHA_TEXT_MAX + 2];

	CHECK(plugin_sha_parse("0123456789abcdef0123456789abcdef01234567\tHEAD\n", 46, out) == 0);
	CHECK(strcmp(out, sha) == 0);
	CHECK(plugin_sha_parse(sha, 40, out) == 0 && strcmp(out, sha) == 0);
	CHECK(plugin_sha_parse("0123456789abcdef0123456789abcdef01234567\n", 41, out) == 0);
	/* a SHA-256 repository's ids */
	CHECK(plugin_sha_parse("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
			       65, out) == 0 && strlen(out) == 64);
	CHECK(plugin_sha_parse("", 0, out) < 0);
	CHECK(plugin_sha_parse("0123", 4, out) < 0);
	CHECK(plugin_sha_parse("0123456789ABCDEF0123456789abcdef01234567\n", 41, out) < 0);
	CHECK(plugin_sha_parse("0123456789abcdef0123456789abcdef01234567x\n", 42, out) < 0);
	CHECK(plugin_sha_parse("0123456789abcdef0123456789abcdef012345678\n", 42, out) < 0);
	CHECK(plugin_sha_parse("../../etc/passwd\n", 17, out) < 0);
	CHECK(plugin_sha_parse(NULL, 0, out) < 0);
	memset(big, '\n', sizeof big);
	memcpy(big, sha, 40);
	CHECK(plugin_sha_parse(big, sizeof big, out) < 0); /* over the cap */
	CHECK(plugin_sha_parse(big, PLUGIN_SHA_TEXT_MAX, out) == 0);
}

TEST(plugin_paths_and_segments)
{
	char *p;

	CHECK(plugin_segment_valid("a-b_C9"));
	CHECK(!plugin_segment_valid(""));
	CHECK(!plugin_segment_valid("a.b"));
	CHECK(!plugin_segment_valid("a@b"));
	CHECK(!plugin_segment_valid("a/b"));
	CHECK(!plugin_segment_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CHECK((p = plugin_rel_path("./x/y.json")) && strcmp(p, "x/y.json") == 0);
	free(p);
	CHECK(plugin_rel_path("x") == NULL);
	CHECK(plugin_rel_path("/etc") == NULL);
	CHECK(plugin_rel_path("./") == NULL);
	CHECK(plugin_rel_path("./.") == NULL);
	CHECK(plugin_rel_path("./a/..") == NULL);
	CHECK(plugin_rel_path("./a/") == NULL);
	CHECK(plugin_rel_path("./a\\..\\b") == NULL);
	CHECK(plugin_rel_path(NULL) == NULL);
}

TEST(plugin_manifest_fields_and_ignored_paths)
{
	const char *t = "{\"name\": \"demo\", \"description\": \"Long text.\", \"skills\": "
			"\"./my-skills\", \"mcpServers\": \"../escape.json\", \"apps\": \"/abs\","
			" \"interface\": {\"displayName\": \"Demo\", \"shortDescription\": \"Short\","
			" \"longDescription\": \"Longer\"}}";
	struct plugin_manifest m;
	struct err e;

	REQUIRE(plugin_manifest_parse(t, strlen(t), &m, &e) == 0);
	CHECK_STR(m.name, "demo");
	CHECK_STR(m.description, "Long text.");
	CHECK_STR(m.display_name, "Demo");
	CHECK_STR(m.short_description, "Short");
	CHECK_STR(m.long_description, "Longer");
	CHECK_STR(m.skills, "my-skills");
	CHECK(m.mcp_servers == NULL); /* "..": ignored, as upstream */
	CHECK(m.apps == NULL);        /* not "./": ignored */
	plugin_manifest_free(&m);
	REQUIRE(plugin_manifest_parse("{}", 2, &m, &e) == 0);
	CHECK_STR(m.name, "");
	plugin_manifest_free(&m);
	CHECK(plugin_manifest_parse("[]", 2, &m, &e) < 0);
	CHECK(plugin_manifest_parse("{", 1, &m, &e) < 0);
}

TEST(plugin_mcp_file_becomes_servers)
{
	const char *t = "{\"mcpServers\": {\"one\": {\"command\": \"node\", \"args\": [\"s.js\", 3],"
			" \"env\": {\"K\": \"V\"}}, \"two\": {\"command\": \"x\", \"cwd\": \"sub\"},"
			" \"web\": {\"url\": \"http://h/mcp\"}}}";
	struct config_mcp_server *v;
	struct err e;
	size_t n;

	REQUIRE(plugin_mcp_parse(t, strlen(t), "/root/p", &v, &n, &e) == 0);
	REQUIRE(n == 3);
	CHECK_STR(v[0].name, "one");
	CHECK_STR(v[0].command, "node");
	REQUIRE(v[0].args.n == 1);
	CHECK_STR(v[0].args.v[0], "s.js");
	CHECK_STR(v[0].cwd, "/root/p");
	CHECK_STR(config_map_get(&v[0].env, "K"), "V");
	CHECK(v[0].enabled);
	CHECK_STR(v[1].cwd, "/root/p/sub");
	CHECK_STR(v[2].url, "http://h/mcp");
	CHECK(v[2].cwd == NULL);
	for (size_t i = 0; i < n; i++)
		config_mcp_server_free(&v[i]);
	free(v);
	t = "{\"mcpServers\": {\"bad\": {\"args\": []}}}";
	CHECK(plugin_mcp_parse(t, strlen(t), "/r", &v, &n, &e) < 0);
	CHECK_CONTAINS(e.msg, "needs a command or a url");
	REQUIRE(plugin_mcp_parse("{}", 2, "/r", &v, &n, &e) == 0);
	CHECK(n == 0);
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

TEST(plugin_config_entries)
{
	struct config_load_opts o = {NULL, NULL, NULL};
	struct config *cfg;
	struct err e;

	test_write_file("h/config.toml", "[plugins.\"a@m\"]\nenabled = false\n\n"
			"[plugins.\"b@m\"]\n\n[plugins.\"a@m\".extra]\nx = 1\n");
	cfg = load(at("h"));
	REQUIRE(cfg);
	REQUIRE(cfg->n_plugins == 2);
	CHECK_STR(cfg->plugins[0].id, "a@m");
	CHECK(!cfg->plugins[0].enabled);
	CHECK_STR(cfg->plugins[1].id, "b@m");
	CHECK(cfg->plugins[1].enabled);
	config_free(cfg);
	test_write_file("bad/config.toml", "[plugins.\"a@m\"]\nenabled = \"yes\"\n");
	o.codex_home = at("bad");
	cfg = NULL;
	CHECK(config_load(&o, &cfg, &e) < 0);
	CHECK_CONTAINS(e.msg, "plugins");
}

/* A repository with a marketplace and a plugin holding a skill, an MCP server, an app,
 * a nested folder and a symlink to a file outside it. */
static void repo(void)
{
	test_write_file("repo/.git/HEAD", "ref: refs/heads/main\n");
	test_write_file("repo/.agents/plugins/marketplace.json",
			"{\"name\": \"rm\", \"plugins\": [{\"name\": \"kit\", \"source\": {\"source\": "
			"\"local\", \"path\": \"./plugins/kit\"}}]}");
	test_write_file("repo/plugins/kit/.codex-plugin/plugin.json",
			"{\"name\": \"kit\", \"interface\": {\"displayName\": \"Kit\", "
			"\"shortDescription\": \"A kit\"}}");
	test_write_file("repo/plugins/kit/skills/tidy/SKILL.md",
			"---\nname: tidy\ndescription: Tidy up.\n---\nTidy.\n");
	test_write_file("repo/plugins/kit/.mcp.json",
			"{\"mcpServers\": {\"kitsrv\": {\"command\": \"kit-mcp\"}, \"taken\": "
			"{\"command\": \"other\"}}}");
	test_write_file("repo/plugins/kit/.app.json", "{\"apps\": {\"x\": {\"id\": \"connector_1\"}}}");
	test_write_file("repo/plugins/kit/deep/a/b.txt", "b");
	test_write_file("secret.txt", "secret");
	symlink(at("secret.txt"), at("repo/plugins/kit/link.txt"));
	symlink(at("repo"), at("repo/plugins/kit/loop"));
}

TEST(plugin_list_install_session_uninstall)
{
	struct agent_plugins ps;
	struct config *cfg;
	struct strv roots = STRV_INIT, sroots = STRV_INIT;
	struct config_mcp_server *v;
	struct stat st;
	struct err e;
	size_t n;
	char *text;

	repo();
	test_write_file("home/config.toml", "[mcp_servers.taken]\ncommand = \"mine\"\n");
	setenv("HOME", at("userhome"), 1);
	cfg = load(at("home"));
	REQUIRE(cfg);
	REQUIRE(agent_plugins_list(cfg, at("repo/plugins"), &ps, &e) == 0);
	REQUIRE(ps.n == 1);
	CHECK_STR(ps.v[0].name, "kit");
	CHECK_STR(ps.v[0].marketplace, "rm");
	CHECK_STR(ps.v[0].display_name, "Kit");
	CHECK_STR(ps.v[0].description, "A kit");
	CHECK(!ps.v[0].installed && !ps.v[0].enabled && ps.v[0].installable);
	REQUIRE(ps.v[0].skills.n == 1);
	CHECK_STR(ps.v[0].skills.v[0], "kit:tidy"); /* namespaced by the manifest's name */
	REQUIRE(ps.v[0].mcp_servers.n == 2);
	REQUIRE(ps.v[0].apps.n == 1);
	CHECK_STR(ps.v[0].apps.v[0], "connector_1");

	REQUIRE(agent_plugin_install(cfg, &ps.v[0], &e) == 0);
	CHECK(stat(at("home/plugins/cache/rm/kit/local/.codex-plugin/plugin.json"), &st) == 0);
	CHECK(stat(at("home/plugins/cache/rm/kit/local/deep/a/b.txt"), &st) == 0);
	CHECK(lstat(at("home/plugins/cache/rm/kit/local/link.txt"), &st) < 0);
	CHECK(lstat(at("home/plugins/cache/rm/kit/local/loop"), &st) < 0);
	CHECK(lstat(at("home/plugins/cache/rm/kit/.installing"), &st) < 0);
	text = test_read_file(at("home/config.toml"));
	CHECK_STR(text, "[mcp_servers.taken]\ncommand = \"mine\"\n\n[plugins.\"kit@rm\"]\n"
			"enabled = true\n");
	free(text);
	/* Installing again replaces the copy. */
	REQUIRE(agent_plugin_install(cfg, &ps.v[0], &e) == 0);
	agent_plugins_free(&ps);
	config_free(cfg);

	cfg = load(at("home"));
	REQUIRE(cfg && cfg->n_plugins == 1);
	REQUIRE(plugins_enabled_roots(cfg, &roots, &e) == 0);
	REQUIRE(roots.n == 1);
	CHECK_CONTAINS(roots.v[0], "/home/plugins/cache/rm/kit/local");
	REQUIRE(plugins_skill_roots(roots.v[0], &sroots, &e) == 0);
	REQUIRE(sroots.n == 1);
	CHECK_CONTAINS(sroots.v[0], "/local/skills");
	REQUIRE(plugins_mcp_servers(cfg, &v, &n, &e) == 0);
	REQUIRE(n == 1); /* "taken" is the user's own */
	CHECK_STR(v[0].name, "kitsrv");
	CHECK_CONTAINS(v[0].cwd, "/home/plugins/cache/rm/kit/local");
	config_mcp_server_free(&v[0]);
	free(v);
	strv_free(&roots);
	strv_free(&sroots);
	{
		struct agent_skills sk;
		REQUIRE(agent_skills_load(cfg, at("repo"), &sk, &e) == 0);
		bool found = false;
		for (size_t i = 0; i < sk.n; i++)
			found |= strcmp(sk.v[i].name, "kit:tidy") == 0;
		CHECK(found);
		agent_skills_free(&sk);
	}

	REQUIRE(agent_plugins_list(cfg, at("repo"), &ps, &e) == 0);
	REQUIRE(ps.n == 1);
	CHECK(ps.v[0].installed && ps.v[0].enabled);
	REQUIRE(agent_plugin_set_enabled(cfg, &ps.v[0], false, &e) == 0);
	agent_plugins_free(&ps);
	REQUIRE(agent_plugins_list(cfg, at("repo"), &ps, &e) == 0);
	CHECK(ps.v[0].installed && !ps.v[0].enabled);
	REQUIRE(agent_plugin_uninstall(cfg, &ps.v[0], &e) == 0);
	CHECK(lstat(at("home/plugins/cache/rm/kit"), &st) < 0);
	CHECK(stat(at("secret.txt"), &st) == 0);
	text = test_read_file(at("home/config.toml"));
	CHECK_STR(text, "[mcp_servers.taken]\ncommand = \"mine\"\n");
	free(text);
	agent_plugins_free(&ps);
	config_free(cfg);

	/* The feature off: nothing reaches a session. */
	test_write_file("home/config.toml", "[features]\nplugins = false\n[plugins.\"kit@rm\"]\n");
	mkdir(at("home/plugins/cache/rm"), 0755);
	mkdir(at("home/plugins/cache/rm/kit"), 0755);
	mkdir(at("home/plugins/cache/rm/kit/local"), 0755);
	cfg = load(at("home"));
	REQUIRE(cfg);
	REQUIRE(plugins_enabled_roots(cfg, &roots, &e) == 0);
	CHECK(roots.n == 0);
	config_free(cfg);
}

TEST(plugin_broken_marketplace_is_reported_not_fatal)
{
	struct agent_plugins ps;
	struct config *cfg;
	struct err e;

	test_write_file("r2/.git/HEAD", "x\n");
	test_write_file("r2/.agents/plugins/marketplace.json", "{\"name\": \"m\"}");
	test_write_file("h2/config.toml", "");
	setenv("HOME", at("nohome"), 1);
	cfg = load(at("h2"));
	REQUIRE(cfg);
	REQUIRE(agent_plugins_list(cfg, at("r2"), &ps, &e) == 0);
	CHECK(ps.n == 0);
	REQUIRE(ps.errors.n == 1);
	CHECK_CONTAINS(ps.errors.v[0], "missing field `plugins`");
	agent_plugins_free(&ps);
	config_free(cfg);
}

TEST(plugin_source_through_a_symlink_out_of_the_marketplace_is_refused)
{
	struct agent_plugins ps;
	struct config *cfg;
	struct stat st;
	struct err e;

	test_write_file("r3/.git/HEAD", "x\n");
	test_write_file("r3/.agents/plugins/marketplace.json",
			"{\"name\": \"m\", \"plugins\": [{\"name\": \"p\", \"source\": {\"source\": "
			"\"local\", \"path\": \"./out/p\"}}]}");
	test_write_file("elsewhere/p/.codex-plugin/plugin.json", "{\"name\": \"p\"}");
	symlink(at("elsewhere"), at("r3/out"));
	test_write_file("h3/config.toml", "");
	setenv("HOME", at("nohome"), 1);
	cfg = load(at("h3"));
	REQUIRE(cfg);
	REQUIRE(agent_plugins_list(cfg, at("r3"), &ps, &e) == 0);
	REQUIRE(ps.n == 1);
	CHECK(agent_plugin_install(cfg, &ps.v[0], &e) < 0);
	CHECK_CONTAINS(e.msg, "must stay within the marketplace root");
	CHECK(lstat(at("h3/plugins/cache/m/p/local"), &st) < 0);
	agent_plugins_free(&ps);
	config_free(cfg);
}

/* Upstream's order: the home marketplace, the curated one (only read: it is never
 * downloaded here), the repository's; a file reached twice counts once. */
TEST(plugin_marketplaces_home_curated_repo)
{
	struct agent_plugins ps;
	struct config *cfg;
	struct err e;

#define MK(dir, name) \
	test_write_file(dir "/.agents/plugins/marketplace.json", "{\"name\": \"" name "\", " \
			"\"plugins\": [{\"name\": \"p\", \"source\": {\"source\": \"local\", " \
			"\"path\": \"./p\"}}]}")
	MK("uh", "home-m");
	MK("ch/.tmp/plugins", "openai-curated");
	MK("r4", "repo-m");
#undef MK
	test_write_file("r4/.git/HEAD", "x\n");
	test_write_file("ch/config.toml", "");
	setenv("HOME", at("uh"), 1);
	cfg = load(at("ch"));
	REQUIRE(cfg);
	REQUIRE(agent_plugins_list(cfg, at("r4"), &ps, &e) == 0);
	REQUIRE(ps.n == 3);
	CHECK_STR(ps.v[0].marketplace, "home-m");
	CHECK_STR(ps.v[1].marketplace, "openai-curated");
	CHECK_STR(ps.v[2].marketplace, "repo-m");
	CHECK(ps.errors.n == 0);
	agent_plugins_free(&ps);
	/* The cwd is a repository that is also the home: its marketplace once. */
	test_write_file("uh/.git/HEAD", "x\n");
	REQUIRE(agent_plugins_list(cfg, at("uh"), &ps, &e) == 0);
	CHECK(ps.n == 2);
	agent_plugins_free(&ps);
	config_free(cfg);
}

/* plugins_mention.c: which plugins a turn mentions, and what it is told about them. */
TEST(plugin_mentions_structured_and_linked)
{
	struct strv m = STRV_INIT, ids = STRV_INIT;

	CHECK(strv_push(&m, "plugin://sample@test") == 0);
	CHECK(strv_push(&m, "/tmp/skill/SKILL.md") == 0);   /* not a plugin */
	CHECK(strv_push(&m, "plugin://bad name@test") == 0); /* not a valid id */
	CHECK(strv_push(&m, "plugin://sample@test") == 0);  /* twice counts once */
	CHECK(plugins_mentioned("use $sample and [@figma](plugin://figma@openai-curated) "
				"and [$other](plugin://other@x) and [@x](plugin://../etc@y) "
				"and [@nope](app://nope)", &m, &ids) == 2);
	CHECK(ids.n == 2 && strcmp(ids.v[0], "sample@test") == 0 &&
	      strcmp(ids.v[1], "figma@openai-curated") == 0);
	strv_free(&ids);
	/* a bare `$sample` is no plugin mention (upstream binds mentions, not names) */
	CHECK(plugins_mentioned("use $sample", NULL, &ids) == 0);
	CHECK(plugins_mentioned("[@a](plugin://a@b", NULL, &ids) == 0);
	CHECK(plugins_mentioned("[@a\nb](plugin://a@b)", NULL, &ids) == 0);
	strv_free(&ids);
	strv_free(&m);
}

TEST(plugin_explicit_and_listed_text)
{
	struct agent_plugin_summary p = {0};
	struct strv servers = STRV_INIT;
	char *t;
	bool oom;

	p.config_name = "sample@test";
	p.display_name = "sample";
	CHECK(plugins_explicit_text(&p, NULL) == NULL); /* nothing to offer */
	p.has_skills = true;
	CHECK(strv_push(&servers, "alpha") == 0);
	CHECK(strv_push(&servers, "beta") == 0);
	CHECK((t = plugins_explicit_text(&p, &servers)));
	CHECK(strcmp(t, "Capabilities from the `sample` plugin:\n"
			"- Skills from this plugin are prefixed with `sample:`.\n"
			"- MCP servers from this plugin available in this session: `alpha`, `beta`.\n"
			"Use these plugin-associated capabilities to help solve the task.") == 0);
	free(t);
	strv_free(&servers);
	CHECK(plugins_instructions_text(&p, 0, &oom) == NULL && !oom);
	p.description = "Does things.";
	CHECK((t = plugins_instructions_text(&p, 1, &oom)));
	CHECK(strncmp(t, "<plugins_instructions>\n## Plugins\n", 34) == 0);
	CHECK(strstr(t, "### Available plugins\n- `sample`: Does things.\n### How to use plugins\n"));
	CHECK(strstr(t, "</plugins_instructions>"));
	free(t);
}
