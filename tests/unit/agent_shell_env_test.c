/* src/agent/shell_env: [shell_environment_policy] over a parent environment. */
#include <stdlib.h>
#include <string.h>

#include "agent/shell_env.h"
#include "test.h"

static const char *const PARENT[] = {
	"HOME=/home/u",      "PATH=/usr/bin",        "USER=u",       "OPENAI_API_KEY=sk-1",
	"GITHUB_TOKEN=gh",   "aws_secret_access=s",  "Api_Key_2=x",  "LANG=C.UTF-8",
	"TMPDIR=/tmp/u",     "EDITOR=vi",            "NOEQUALS",     "=bad",
	"CARGO_HOME=/c",     "PATH=/second/ignored", "MONKEY=banana", NULL,
};

static void parent_env(struct strv *p)
{
	for (size_t i = 0; PARENT[i]; i++)
		REQUIRE(strv_push(p, PARENT[i]) == 0);
}

static void policy_init(struct config_shell_environment_policy *pol, const char *inherit)
{
	memset(pol, 0, sizeof *pol);
	pol->inherit = (char *)inherit;
}

/* The names in env, space-separated, in order. */
static char *names(const struct strv *env)
{
	static char out[2048];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < env->n; i++) {
		size_t n = (size_t)(strchr(env->v[i], '=') - env->v[i]);
		if (o)
			out[o++] = ' ';
		memcpy(out + o, env->v[i], n);
		o += n;
		out[o] = '\0';
	}
	return out;
}

TEST(shell_env_inherit_all_drops_secrets_by_default)
{
	struct config_shell_environment_policy pol;
	struct strv parent = STRV_INIT, out = STRV_INIT;
	struct err e;

	parent_env(&parent);
	policy_init(&pol, "all");
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	/* KEY/SECRET/TOKEN in any case go, MONKEY too (it contains "KEY"), as upstream. */
	CHECK_STR(names(&out), "HOME PATH USER LANG TMPDIR EDITOR CARGO_HOME");
	CHECK_STR(strv_getenv(&out, "PATH"), "/usr/bin");
	strv_free(&out);
	pol.ignore_default_excludes = true;
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	CHECK_STR(names(&out), "HOME PATH USER OPENAI_API_KEY GITHUB_TOKEN aws_secret_access "
			       "Api_Key_2 LANG TMPDIR EDITOR CARGO_HOME MONKEY");
	strv_free(&out);
	strv_free(&parent);
}

TEST(shell_env_core_and_none)
{
	struct config_shell_environment_policy pol;
	struct strv parent = STRV_INIT, out = STRV_INIT;
	struct err e;

	parent_env(&parent);
	policy_init(&pol, "core");
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	CHECK_STR(names(&out), "HOME PATH USER TMPDIR");
	strv_free(&out);
	policy_init(&pol, "none");
	REQUIRE(strv_push(&pol.set.keys, "ONLY") == 0 && strv_push(&pol.set.values, "me") == 0);
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	CHECK_STR(names(&out), "ONLY");
	strv_free(&out);
	strv_free(&pol.set.keys);
	strv_free(&pol.set.values);
	policy_init(&pol, "some");
	CHECK(shell_env_build(&pol, &parent, &out, &e) < 0);
	CHECK_CONTAINS(e.msg, "all, core or none");
	strv_free(&parent);
}

TEST(shell_env_exclude_set_include_only)
{
	struct config_shell_environment_policy pol;
	struct strv parent = STRV_INIT, out = STRV_INIT;
	struct err e;

	parent_env(&parent);
	policy_init(&pol, "all");
	REQUIRE(strv_push(&pol.exclude, "cargo_*") == 0 && strv_push(&pol.exclude, "edit?r") == 0);
	REQUIRE(strv_push(&pol.set.keys, "PATH") == 0 && strv_push(&pol.set.values, "/x") == 0);
	REQUIRE(strv_push(&pol.set.keys, "NEW") == 0 && strv_push(&pol.set.values, "1") == 0);
	/* set beats the default excludes: it is the user's explicit choice. */
	REQUIRE(strv_push(&pol.set.keys, "MY_TOKEN") == 0 && strv_push(&pol.set.values, "t") == 0);
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	CHECK_STR(names(&out), "HOME PATH USER LANG TMPDIR NEW MY_TOKEN");
	CHECK_STR(strv_getenv(&out, "PATH"), "/x");
	strv_free(&out);
	/* include_only comes last, and applies to what set added too. */
	REQUIRE(strv_push(&pol.include_only, "[hp]*") == 0 && strv_push(&pol.include_only, "new") == 0);
	REQUIRE(shell_env_build(&pol, &parent, &out, &e) == 0);
	CHECK_STR(names(&out), "HOME PATH NEW");
	strv_free(&out);
	strv_free(&pol.exclude);
	strv_free(&pol.include_only);
	strv_free(&pol.set.keys);
	strv_free(&pol.set.values);
	strv_free(&parent);
}

TEST(shell_env_globs)
{
	CHECK(shell_env_glob_match("*", ""));
	CHECK(shell_env_glob_match("*KEY*", "openai_api_key"));
	CHECK(shell_env_glob_match("a*b*c", "aXXbYYc"));
	CHECK(!shell_env_glob_match("a*b*c", "aXXbYY"));
	CHECK(shell_env_glob_match("A?C", "abc"));
	CHECK(!shell_env_glob_match("A?C", "ac"));
	CHECK(shell_env_glob_match("[a-c]x", "Bx"));
	CHECK(!shell_env_glob_match("[!a-c]x", "bx"));
	CHECK(shell_env_glob_match("[!a-c]x", "dx"));
	CHECK(shell_env_glob_match("[]]", "]"));
	CHECK(shell_env_glob_match("a[b", "a[b")); /* unclosed: literal */
	CHECK(!shell_env_glob_match("abc", "abcd"));
	CHECK(shell_env_glob_match("**x", "yyx"));
	/* Backtracking stays linear on hostile patterns. */
	char name[4001];
	memset(name, 'a', 4000);
	name[4000] = '\0';
	CHECK(!shell_env_glob_match("*a*a*a*a*a*a*a*a*b", name));
}

TEST(shell_env_survives_allocation_failures)
{
	struct config_shell_environment_policy pol;
	struct strv parent = STRV_INIT;

	parent_env(&parent);
	policy_init(&pol, "all");
	REQUIRE(strv_push(&pol.include_only, "*") == 0);
	FOR_EACH_ALLOC_FAILURE(100, {
		struct strv out = STRV_INIT;
		struct err e;
		if (shell_env_build(&pol, &parent, &out, &e) == 0)
			CHECK_INT(out.n, 7);
		strv_free(&out);
	});
	strv_free(&pol.include_only);
	strv_free(&parent);
}
