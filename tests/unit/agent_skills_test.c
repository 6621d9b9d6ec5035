/* src/agent/skills*.c: the SKILL.md front matter, discovery over real folder trees
 * (roots, depth, hidden folders, symlinks, order), [[skills.config]] rules read and
 * written, the model's list and the `$name` mentions, as upstream 0.118's core-skills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/skills.h"
#include "config/config.h"
#include "test.h"

static void front(const char *text, struct skill_front *f)
{
	struct err e;

	if (skill_front_parse(text, strlen(text), f, &e) < 0) {
		test_fail(__FILE__, __LINE__, "skill_front_parse: %s", e.msg);
		memset(f, 0, sizeof *f);
	}
}

static const char *front_error(const char *text)
{
	static struct err e;
	struct skill_front f;

	if (skill_front_parse(text, strlen(text), &f, &e) == 0) {
		skill_front_free(&f);
		return "(parsed)";
	}
	return e.msg;
}

TEST(skill_front_matter_plain_quoted_and_block_values)
{
	struct skill_front f;

	front("---\nname: deploy\ndescription: Ship it.  # a comment\n---\nbody\n", &f);
	CHECK_STR(f.name, "deploy");
	CHECK_STR(f.description, "Ship it.");
	CHECK(f.short_description == NULL);
	skill_front_free(&f);

	front("---\r\nname: \"de\\u00e9 \\\"q\\\"\"\r\ndescription: 'it''s # not a comment'\r\n---\r\n",
	      &f);
	CHECK_STR(f.name, "de\xC3\xA9 \"q\"");
	CHECK_STR(f.description, "it's # not a comment");
	skill_front_free(&f);

	/* Block scalars, a folded plain value, the metadata mapping, unknown keys. */
	front("---\n# leading comment\nname: lint\nlicense: MIT\ndescription: >\n  Run the\n"
	      "  linters.\n\n  Twice.\nmetadata:\n  owner: me\n  short-description: |\n    Lint\n"
	      "    fast\nextra: a\n  b\n---\n",
	      &f);
	CHECK_STR(f.name, "lint");
	/* folded (>): the lines join with spaces (made one line later anyway) */
	CHECK_STR(f.description, "Run the linters. Twice.");
	CHECK_STR(f.short_description, "Lint\nfast");
	skill_front_free(&f);

	front("---\nname: a\ndescription: one\n  two\n   three\n---\n", &f);
	CHECK_STR(f.description, "one two three");
	skill_front_free(&f);

	front("---\nname: ~\ndescription:\n---\n", &f);
	CHECK(f.name == NULL && f.description == NULL);
	skill_front_free(&f);
}

TEST(skill_front_matter_errors)
{
	char *big;

	CHECK_STR(front_error("no front matter\n"), "missing YAML frontmatter delimited by ---");
	CHECK_STR(front_error("---\nname: a\n"), "missing YAML frontmatter delimited by ---");
	CHECK_STR(front_error(""), "missing YAML frontmatter delimited by ---");
	CHECK_CONTAINS(front_error("---\nname a\n---\n"), "invalid YAML");
	CHECK_CONTAINS(front_error("---\n- a\n---\n"), "invalid YAML");
	CHECK_CONTAINS(front_error("---\n  name: a\n---\n"), "invalid YAML");
	CHECK_CONTAINS(front_error("---\nname: \"open\n---\n"), "invalid YAML");
	CHECK_CONTAINS(front_error("---\nname: \"a\\q\"\n---\n"), "invalid YAML");
	CHECK_CONTAINS(front_error("---\nname: 'a' b\n---\n"), "invalid YAML");
	/* The front matter's cap. */
	big = malloc(SKILL_FRONT_MAX_BYTES + 64);
	REQUIRE(big);
	strcpy(big, "---\ndescription: ");
	memset(big + strlen(big), 'x', SKILL_FRONT_MAX_BYTES);
	strcpy(big + 17 + SKILL_FRONT_MAX_BYTES, "\n---\n");
	CHECK_CONTAINS(front_error(big), "over");
	free(big);
}

static const char *skill_error(const char *path, const char *text)
{
	static struct err e;
	struct agent_skill s;

	if (skill_from_text(path, text, strlen(text), AGENT_SKILL_USER, &s, &e) == 0) {
		skill_clear(&s);
		return "(ok)";
	}
	return e.msg;
}

TEST(skill_fields_are_one_line_and_checked)
{
	struct agent_skill s;
	struct err e;
	const char *t = "---\ndescription: \"  Two\\n lines\\tand  tabs \"\n---\n";
	char text[400];

	REQUIRE(skill_from_text("/r/my-skill/SKILL.md", t, strlen(t), AGENT_SKILL_REPO, &s, &e) == 0);
	CHECK_STR(s.name, "my-skill"); /* the folder's name */
	CHECK_STR(s.description, "Two lines and tabs");
	CHECK_STR(s.path, "/r/my-skill/SKILL.md");
	CHECK(s.enabled && s.scope == AGENT_SKILL_REPO);
	skill_clear(&s);

	CHECK_STR(skill_error("/r/x/SKILL.md", "---\nname: x\n---\n"), "missing field `description`");
	snprintf(text, sizeof text, "---\nname: %065d\ndescription: d\n---\n", 0);
	CHECK_STR(skill_error("/r/x/SKILL.md", text),
		  "invalid name: exceeds maximum length of 64 characters");
	/* 64 characters of two bytes each are fine. */
	strcpy(text, "---\nname: ");
	for (int i = 0; i < 64; i++)
		strcat(text, "\xC3\xA9");
	strcat(text, "\ndescription: d\n---\n");
	CHECK_STR(skill_error("/r/x/SKILL.md", text), "(ok)");
	CHECK_STR(skill_error("/r/x/SKILL.md", "---\nname: x\ndescription: d\nmetadata:\n  short-description: \"\"\n---\n"),
		  "(ok)");
}

static void skill_at(const char *rel, const char *name, const char *desc)
{
	char path[512], text[512];

	snprintf(path, sizeof path, "%s/SKILL.md", rel);
	snprintf(text, sizeof text, "---\nname: %s\ndescription: %s\n---\nBody of %s.\n", name, desc,
		 name);
	test_write_file(path, text);
}

static char *at(const char *rel)
{
	static char p[8][4200];
	static int k;
	char *out = p[k++ % 8];

	snprintf(out, sizeof p[0], "%s/%s", test_tmpdir(), rel);
	return out;
}

TEST(skills_discovery_depth_hidden_symlinks_and_order)
{
	struct skill_root roots[3];
	struct agent_skills s;
	struct err e;

	skill_at("repo/zeta", "zeta", "Last by name.");
	skill_at("repo/alpha", "alpha", "First by name.");
	skill_at("repo/.hidden/h", "hidden", "Never found.");
	skill_at("repo/1/2/3/4/5/six", "six", "Six folders down.");
	skill_at("repo/1/2/3/4/5/6/seven", "seven", "Seven folders down: too deep.");
	test_write_file("repo/broken/SKILL.md", "no front matter");
	skill_at("user/alpha", "alpha", "Same name, user scope.");
	/* A link to a folder of the root: the same file once. */
	REQUIRE(symlink(at("repo/zeta"), at("repo/zeta-link")) == 0);
	roots[0] = (struct skill_root){at("repo"), AGENT_SKILL_REPO};
	roots[1] = (struct skill_root){at("user"), AGENT_SKILL_USER};
	roots[2] = (struct skill_root){at("repo"), AGENT_SKILL_USER}; /* again: nothing new */
	REQUIRE(skills_discover(roots, 3, &s, &e) == 0);
	REQUIRE(s.n == 4);
	CHECK_STR(s.v[0].name, "alpha");
	CHECK(s.v[0].scope == AGENT_SKILL_REPO);
	CHECK_STR(s.v[1].name, "six");
	CHECK_STR(s.v[2].name, "zeta");
	CHECK_STR(s.v[3].name, "alpha");
	CHECK(s.v[3].scope == AGENT_SKILL_USER);
	CHECK_STR(s.v[3].description, "Same name, user scope.");
	REQUIRE(s.errors.n == 1);
	CHECK_CONTAINS(s.errors.v[0], "broken/SKILL.md: missing YAML frontmatter");
	agent_skills_free(&s);

	/* A missing root is no error. */
	roots[0] = (struct skill_root){at("nowhere"), AGENT_SKILL_REPO};
	REQUIRE(skills_discover(roots, 1, &s, &e) == 0);
	CHECK(s.n == 0);
	agent_skills_free(&s);
}

TEST(skills_roots_walk_from_the_git_root_to_the_cwd)
{
	struct strv paths = STRV_INIT;
	enum agent_skill_scope scopes[64];
	struct err e;
	size_t n;
	char *real;

	test_write_file("proj/.git/HEAD", "ref: refs/heads/main\n");
	skill_at("proj/.agents/skills/top", "top", "At the root.");
	skill_at("proj/a/b/.agents/skills/low", "low", "In the cwd.");
	mkdir(at("proj/a/.agents"), 0755); /* no skills folder here */
	REQUIRE(skills_roots("/ch", "/hh", at("proj/a/b"), &paths, scopes, 64, &n, &e) == 0);
	REQUIRE(n == 6);
	CHECK_STR(paths.v[0], "/ch/skills");
	CHECK(scopes[0] == AGENT_SKILL_USER);
	CHECK_STR(paths.v[1], "/hh/.agents/skills");
	CHECK(scopes[1] == AGENT_SKILL_USER);
	CHECK_STR(paths.v[2], "/ch/skills/.system");
	CHECK(scopes[2] == AGENT_SKILL_SYSTEM);
	CHECK_STR(paths.v[3], "/etc/codex/skills");
	CHECK(scopes[3] == AGENT_SKILL_ADMIN);
	real = realpath(test_tmpdir(), NULL);
	REQUIRE(real);
	CHECK(strncmp(paths.v[4], real, strlen(real)) == 0);
	CHECK_CONTAINS(paths.v[4], "/proj/.agents/skills");
	CHECK(scopes[4] == AGENT_SKILL_REPO);
	CHECK_CONTAINS(paths.v[5], "/proj/a/b/.agents/skills");
	free(real);
	strv_free(&paths);

	/* Outside a repository: the cwd alone. */
	skill_at("plain/.agents/skills/x", "x", "d");
	skill_at("plain/sub/.agents/skills/y", "y", "d");
	REQUIRE(skills_roots(NULL, NULL, at("plain/sub"), &paths, scopes, 64, &n, &e) == 0);
	REQUIRE(n == 2);
	CHECK_CONTAINS(paths.v[1], "/plain/sub/.agents/skills");
	strv_free(&paths);
}

static struct agent_skills three(void)
{
	struct skill_root r = {at("s"), AGENT_SKILL_REPO};
	struct agent_skills s;
	struct err e;

	skill_at("s/deploy", "deploy", "Ship it.");
	skill_at("s/lint", "lint", "Lint it.");
	skill_at("s/lint2", "lint", "Lint it again.");
	if (skills_discover(&r, 1, &s, &e) < 0 || s.n != 3)
		test_fail(__FILE__, __LINE__, "three skills expected");
	return s;
}

TEST(skills_rules_mentions_and_instructions)
{
	struct agent_skills s = three();
	struct config_skill_rule rules[3];
	size_t picked[8], n;
	bool oom;
	char *text, linked[4400], deploy_path[4200];

	REQUIRE(s.n == 3);
	snprintf(deploy_path, sizeof deploy_path, "%s", s.v[0].path);
	/* $name: the one skill of that name; a shared name selects none. */
	n = skills_mentioned(&s, "use $deploy and $lint, not $PATH or $home", picked, 8);
	REQUIRE(n == 1);
	CHECK_INT(picked[0], 0);
	CHECK_INT(skills_mentioned(&s, "$deployer $deplo cost$ $", picked, 8), 0);
	/* [$name](path) selects by path, even a shared name. */
	snprintf(linked, sizeof linked, "[$lint](%s) then [$x](skill://%s)", s.v[2].path, deploy_path);
	n = skills_mentioned(&s, linked, picked, 8);
	REQUIRE(n == 2);
	CHECK_INT(picked[0], 0);
	CHECK_INT(picked[1], 2);

	text = skills_instructions_text(&s, &oom);
	REQUIRE(text);
	CHECK(strncmp(text, "<skills_instructions>\n", 22) == 0);
	CHECK_CONTAINS(text, "- deploy: Ship it. (file: ");
	CHECK_CONTAINS(text, "</skills_instructions>");
	free(text);

	/* Rules: by path, by name; the later one wins. */
	rules[0] = (struct config_skill_rule){deploy_path, NULL, false};
	rules[1] = (struct config_skill_rule){NULL, "lint", false};
	rules[2] = (struct config_skill_rule){NULL, "lint", true};
	skills_apply_rules(&s, rules, 2);
	CHECK(!s.v[0].enabled && !s.v[1].enabled && !s.v[2].enabled);
	CHECK_INT(skills_mentioned(&s, "$deploy", picked, 8), 0);
	CHECK(skills_instructions_text(&s, &oom) == NULL && !oom);
	skills_apply_rules(&s, rules + 2, 1);
	CHECK(!s.v[0].enabled && s.v[1].enabled && s.v[2].enabled);
	agent_skills_free(&s);
}

TEST(skills_injection_message_wraps_the_file)
{
	cJSON *m = skills_injection_message("deploy", "/s/deploy/SKILL.md", "---\nx\n---\nBody\n");
	char *json;

	REQUIRE(m);
	json = cJSON_PrintUnformatted(m);
	CHECK_STR(json, "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
			"\"text\":\"<skill>\\n<name>deploy</name>\\n<path>/s/deploy/SKILL.md</path>\\n"
			"---\\nx\\n---\\nBody\\n\\n</skill>\"}]}");
	free(json);
	cJSON_Delete(m);
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

TEST(skills_config_written_and_read_back)
{
	const char *cfgp = test_write_file("home/config.toml",
					   "# mine\nmodel = \"o3\"\n\n[[skills.config]]\nname = \"x\"\n"
					   "enabled = false\n\n[tui]\nnotifications = true\n");
	struct err e;
	struct config *cfg;
	char *text;

	REQUIRE(skills_persist_enabled(cfgp, "/s/a/SKILL.md", false, &e) == 0);
	REQUIRE(skills_persist_enabled(cfgp, "/s/a/SKILL.md", false, &e) == 0); /* no twin */
	REQUIRE(skills_persist_enabled(cfgp, "/s/b/SKILL.md", false, &e) == 0);
	text = test_read_file(cfgp);
	CHECK_STR(text, "# mine\nmodel = \"o3\"\n\n[[skills.config]]\nname = \"x\"\nenabled = false\n"
			"[[skills.config]]\npath = \"/s/a/SKILL.md\"\nenabled = false\n"
			"[[skills.config]]\npath = \"/s/b/SKILL.md\"\nenabled = false\n\n"
			"[tui]\nnotifications = true\n");
	free(text);
	cfg = load(at("home"));
	REQUIRE(cfg);
	REQUIRE(cfg->n_skill_rules == 3);
	CHECK_STR(cfg->skill_rules[0].name, "x");
	CHECK(cfg->skill_rules[0].path == NULL && !cfg->skill_rules[0].enabled);
	CHECK_STR(cfg->skill_rules[2].path, "/s/b/SKILL.md");
	config_free(cfg);

	REQUIRE(skills_persist_enabled(cfgp, "/s/a/SKILL.md", true, &e) == 0);
	REQUIRE(skills_persist_enabled(cfgp, "/s/b/SKILL.md", true, &e) == 0);
	text = test_read_file(cfgp);
	CHECK_STR(text, "# mine\nmodel = \"o3\"\n\n[[skills.config]]\nname = \"x\"\nenabled = false\n\n"
			"[tui]\nnotifications = true\n");
	free(text);

	/* A new file; and a bad entry is refused by the loader. */
	REQUIRE(skills_persist_enabled(at("new.toml"), "/p", false, &e) == 0);
	text = test_read_file(at("new.toml"));
	CHECK_STR(text, "[[skills.config]]\npath = \"/p\"\nenabled = false\n");
	free(text);
	test_write_file("bad/config.toml", "[[skills.config]]\nenabled = false\n");
	{
		struct config_load_opts o = {at("bad"), NULL, NULL};
		struct config *c = NULL;
		CHECK(config_load(&o, &c, &e) < 0);
		CHECK_CONTAINS(e.msg, "needs either path or name");
	}
}
