/* [apps] in config.toml: per-app and per-tool tables, [apps._default], approval modes,
 * as config_app_tool_policy reads them (upstream 0.118's app_tool_policy), and hostile
 * values: wrong types, unknown modes, keys with the settings separator or NUL, very
 * long names, and more tables than CONFIG_APPS_MAX_SETTINGS. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "config/config.h"
#include "test.h"

/* Loads toml as $CODEX_HOME/config.toml: 0 with *out, -1 with e. */
static int load(const char *toml, struct config **out, struct err *e)
{
	char home[PATH_MAX];
	struct config_load_opts opts = {home, NULL, NULL};

	test_write_file("home/config.toml", toml);
	snprintf(home, sizeof home, "%s/home", test_tmpdir());
	*out = NULL;
	return config_load(&opts, out, e);
}

static struct config *load_ok(const char *toml)
{
	struct config *cfg;
	struct err e = {{0}};

	if (load(toml, &cfg, &e) < 0) {
		test_fail(__FILE__, __LINE__, "config_load failed: %s", e.msg);
		test_abort();
	}
	return cfg;
}

/* The policy as "on/<approval>" or "off/<approval>". */
static const char *policy(const struct config *cfg, const char *id, int app_enabled,
			  const char *tool, const char *title, bool destructive, bool open_world)
{
	static char out[64];
	const char *approval = NULL;
	bool on = false;

	config_app_tool_policy(cfg, id, app_enabled, tool, title, destructive, open_world, &on,
			       &approval);
	snprintf(out, sizeof out, "%s/%s", on ? "on" : "off", approval ? approval : "(null)");
	return out;
}

TEST(apps_tables_decide_each_tool)
{
	struct config *cfg = load_ok(
		"[apps._default]\n"
		"destructive_enabled = false\n"
		"[apps.a]\n"
		"open_world_enabled = false\n"
		"default_tools_approval_mode = \"prompt\"\n"
		"[apps.a.tools.t1]\n"
		"enabled = true\n"
		"approval_mode = \"approve\"\n"
		"[apps.a.tools.\"Nice Title\"]\n"
		"enabled = false\n"
		"[apps.b]\n"
		"enabled = false\n"
		"disabled_reason = \"user\"\n"
		"[apps.c]\n"
		"default_tools_enabled = false\n"
		"destructive_enabled = true\n"
		"[apps.d.tools.t1]\n"
		"approval_mode = \"auto\"\n");

	/* the tool's own table beats the hints and the app's default mode */
	CHECK_STR(policy(cfg, "a", -1, "t1", NULL, true, true), "on/approve");
	/* by title when no table has the name; the app's default mode stays */
	CHECK_STR(policy(cfg, "a", -1, "t2", "Nice Title", false, false), "off/prompt");
	CHECK_STR(policy(cfg, "a", -1, "t3", NULL, false, true), "off/prompt");
	/* [apps._default] destructive_enabled, the app saying nothing */
	CHECK_STR(policy(cfg, "a", -1, "t4", NULL, true, false), "off/prompt");
	CHECK_STR(policy(cfg, "a", -1, "t5", NULL, false, false), "on/prompt");
	/* a disabled app: every tool off; a toggle not read back yet wins */
	CHECK_STR(policy(cfg, "b", -1, "x", NULL, false, false), "off/auto");
	CHECK_STR(policy(cfg, "b", 1, "x", NULL, false, false), "on/auto");
	CHECK_STR(policy(cfg, "a", 0, "t1", NULL, false, false), "off/approve");
	CHECK_STR(policy(cfg, "c", -1, "x", NULL, false, false), "off/auto");
	/* a table with only approval_mode leaves enabled to the hints */
	CHECK_STR(policy(cfg, "d", -1, "t1", NULL, false, false), "on/auto");
	CHECK_STR(policy(cfg, "d", -1, "t1", NULL, true, false), "off/auto");
	/* an app without a table: [apps._default] and the defaults */
	CHECK_STR(policy(cfg, "zz", -1, "x", NULL, false, true), "on/auto");
	CHECK_STR(policy(cfg, "zz", -1, "x", NULL, true, false), "off/auto");
	CHECK_STR(policy(cfg, NULL, -1, "x", NULL, true, true), "on/auto");
	CHECK(config_app_enabled(cfg, "a"));
	CHECK(!config_app_enabled(cfg, "b"));
	CHECK(config_app_enabled(cfg, "zz"));
	config_free(cfg);
}

TEST(apps_default_can_disable_every_app)
{
	struct config *cfg = load_ok("[apps._default]\nenabled = false\n[apps.on]\n"
				     "default_tools_approval_mode = \"approve\"\n");

	CHECK(!config_app_enabled(cfg, "any"));
	/* an app's own table makes it enabled unless it says otherwise (upstream) */
	CHECK(config_app_enabled(cfg, "on"));
	CHECK_STR(policy(cfg, "on", -1, "x", NULL, false, false), "on/approve");
	CHECK_STR(policy(cfg, "any", -1, "x", NULL, false, false), "off/auto");
	config_free(cfg);
}

/* Each bad value fails the load with the key's path and what was expected. */
TEST(apps_bad_values_are_errors_naming_the_key)
{
	static const struct {
		const char *toml, *want;
	} cases[] = {
		{"[apps.a]\ndefault_tools_approval_mode = \"always\"\n",
		 "apps.a: expected \"auto\", \"prompt\" or \"approve\", got \"always\""},
		{"[apps.a.tools.t]\napproval_mode = 1\n",
		 "apps.a.tools.t: expected \"auto\", \"prompt\" or \"approve\", got integer 1"},
		{"[apps.a.tools.t]\nenabled = \"yes\"\n", "expected true or false, got \"yes\""},
		{"[apps.a]\nenabled = 0\n", "expected true or false, got integer 0"},
		{"[apps.a]\ndestructive_enabled = [true]\n", "expected true or false, got an array"},
		{"[apps.a]\ntools = 3\n", "apps.a.tools: expected a table of tools, got integer 3"},
		{"[apps.a]\ntools = {t = 1}\n",
		 "expected a table with enabled and approval_mode, got integer 1"},
		{"apps = 1\n", "apps: expected a table of apps, got integer 1"},
		{"[apps]\na = \"x\"\n", "apps.a: expected a table with enabled = true/false"},
		{"[apps.\"a\\u0000b\"]\nenabled = true\n", "a key without NUL characters"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct config *cfg = NULL;
		struct err e = {{0}};
		if (load(cases[i].toml, &cfg, &e) == 0) {
			test_fail(__FILE__, __LINE__, "case %zu loaded", i);
			config_free(cfg);
			continue;
		}
		CHECK(cfg == NULL);
		CHECK_CONTAINS(e.msg, cases[i].want);
		CHECK_CONTAINS(e.msg, "config.toml:");
	}
}

/* Names no real app has: the separator of the settings' keys cannot forge another
 * app's tool setting; names too long to key are ignored, not cut to another name. */
TEST(apps_hostile_names_change_nothing_else)
{
	struct buf t;
	struct config *cfg;
	char *toml;

	buf_init(&t, 1u << 20);
	REQUIRE(buf_printf(&t, "[apps.\"a\\u001ftools\\u001ft1\"]\n"
			       "default_tools_approval_mode = \"approve\"\n"
			       "default_tools_enabled = false\n"
			       "[apps.\"a\\u001ftools\"]\n"
			       "default_tools_enabled = false\n"
			       "[apps.b.tools.\"x\\u001fenabled\"]\n"
			       "enabled = false\n"
			       "[apps.long]\n") == 0);
	for (int i = 0; i < 3; i++) {
		REQUIRE(buf_puts(&t, "[apps.long.tools.") == 0);
		for (int k = 0; k < 1500; k++)
			REQUIRE(buf_putc(&t, "tqr"[i]) == 0);
		REQUIRE(buf_puts(&t, "]\nenabled = false\n") == 0);
	}
	REQUIRE((toml = buf_take(&t)) != NULL);
	cfg = load_ok(toml);
	free(toml);
	CHECK_STR(policy(cfg, "a", -1, "t1", NULL, false, false), "on/auto");
	CHECK_STR(policy(cfg, "b", -1, "x", NULL, false, false), "on/auto");
	CHECK_STR(policy(cfg, "long", -1, "t", NULL, false, false), "on/auto");
	config_free(cfg);
}

TEST(apps_settings_are_capped)
{
	struct buf t;
	struct config *cfg = NULL;
	struct err e = {{0}};
	char *toml;

	buf_init(&t, 8u << 20);
	/* two settings a table (the table and its key): half the cap fits exactly */
	for (int i = 0; i < CONFIG_APPS_MAX_SETTINGS / 2; i++)
		REQUIRE(buf_printf(&t, "[apps.a%d]\nopen_world_enabled = false\n", i) == 0);
	REQUIRE((toml = strdup(t.data)) != NULL);
	cfg = load_ok(toml);
	free(toml);
	CHECK_STR(policy(cfg, "a7", -1, "x", NULL, false, true), "off/auto");
	config_free(cfg);
	REQUIRE(buf_puts(&t, "[apps.one_more]\n") == 0);
	REQUIRE((toml = buf_take(&t)) != NULL);
	CHECK_INT(load(toml, &cfg, &e), -1);
	free(toml);
	CHECK_CONTAINS(e.msg, "too many [apps] settings at apps.one_more (at most 4096)");
}
