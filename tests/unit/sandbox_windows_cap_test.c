/* sandbox/windows/cap_sids.c: the capability SIDs per CODEX_HOME and per working
 * directory (reference codex-windows-sandbox.md §1, and upstream's test that spellings
 * of one directory share one SID). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/windows/windows_sandbox.h"
#include "test.h"

/* A deterministic "random" source: 1, 2, 3, ... */
static uint32_t counter(void *rng)
{
	return ++*(uint32_t *)rng;
}

TEST(win_cap_sid_format)
{
	CHECK(win_cap_sid_valid("S-1-5-21-1-2-3-4"));
	CHECK(win_cap_sid_valid("S-1-5-21-4294967295-0-4294967295-10"));
	static const char *const bad[] = {"", "S-1-5-21-1-2-3", "S-1-5-21-1-2-3-4-5",
					  "S-1-5-21-4294967296-1-2-3", "S-1-5-21-01-2-3-4",
					  "S-1-5-21--1-2-3", "S-1-5-32-1-2-3-4", "s-1-5-21-1-2-3-4",
					  "S-1-5-21-1-2-3-4 ", "S-1-5-21-1-2-3-x",
					  "S-1-5-21-99999999999-1-2-3", NULL};
	for (size_t i = 0; bad[i]; i++)
		if (win_cap_sid_valid(bad[i]))
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
	CHECK(!win_cap_sid_valid(NULL));
}

TEST(win_cwd_keys)
{
	char k[64];

	CHECK_INT(win_cwd_key("C:/Users/Me/Proj", k, sizeof k), 0);
	CHECK_STR(k, "c:\\users\\me\\proj");
	CHECK_INT(win_cwd_key("c:\\USERS\\me\\proj\\\\", k, sizeof k), 0);
	CHECK_STR(k, "c:\\users\\me\\proj");
	CHECK_INT(win_cwd_key("C:/", k, sizeof k), 0);
	CHECK_STR(k, "c:\\");
	CHECK_INT(win_cwd_key("C:\\", k, sizeof k), 0);
	CHECK_STR(k, "c:\\");
	CHECK_INT(win_cwd_key("//server/share/", k, sizeof k), 0);
	CHECK_STR(k, "\\\\server\\share");
	/* Non-ASCII bytes are kept as they are. */
	CHECK_INT(win_cwd_key("C:/Ünï", k, sizeof k), 0);
	CHECK_STR(k, "c:\\Ünï");
	CHECK_INT(win_cwd_key("C:/a-long-path", k, 8), -1);
}

/* Upstream's equivalent_cwd_spellings_share_workspace_sid_key: different case and
 * separators map to one SID, stored once; another directory gets its own. */
TEST(win_cap_sids_per_cwd)
{
	struct win_cap_sids s;
	struct err e = {0};
	uint32_t rng = 0;
	char a[WIN_CAP_SID_MAX], b[WIN_CAP_SID_MAX], c[WIN_CAP_SID_MAX];
	const char *sids[2];
	char *json;

	REQUIRE(win_cap_sids_parse("", 0, &s, &e) == 0);
	CHECK(!s.changed);
	REQUIRE(win_cap_sids_ensure(&s, "C:/Work/Repo", counter, &rng, a, &e) == 0);
	CHECK(s.changed);
	CHECK_STR(s.workspace, "S-1-5-21-1-2-3-4");
	CHECK_STR(s.readonly, "S-1-5-21-5-6-7-8");
	CHECK_STR(a, "S-1-5-21-9-10-11-12");
	s.changed = false;
	REQUIRE(win_cap_sids_ensure(&s, "c:\\work\\REPO\\", counter, &rng, b, &e) == 0);
	CHECK_STR(b, a);
	CHECK(!s.changed);
	REQUIRE(win_cap_sids_ensure(&s, "C:/Work/Other", counter, &rng, c, &e) == 0);
	CHECK_STR(c, "S-1-5-21-13-14-15-16");
	CHECK(s.changed);
	CHECK_INT(s.n_cwd, 2);
	REQUIRE((json = win_cap_sids_json(&s)) != NULL);
	CHECK_STR(json, "{\"workspace\":\"S-1-5-21-1-2-3-4\",\"readonly\":\"S-1-5-21-5-6-7-8\","
			"\"workspace_by_cwd\":{\"c:\\\\work\\\\repo\":\"S-1-5-21-9-10-11-12\","
			"\"c:\\\\work\\\\other\":\"S-1-5-21-13-14-15-16\"}}");
	/* Which SIDs a token carries. */
	CHECK_INT(win_cap_sids_for_policy(SANDBOX_MODE_READ_ONLY, &s, a, sids), 1);
	CHECK_STR(sids[0], "S-1-5-21-5-6-7-8");
	CHECK_INT(win_cap_sids_for_policy(SANDBOX_MODE_WORKSPACE_WRITE, &s, a, sids), 2);
	CHECK_STR(sids[0], "S-1-5-21-1-2-3-4");
	CHECK_STR(sids[1], "S-1-5-21-9-10-11-12");
	CHECK_INT(win_cap_sids_for_policy(SANDBOX_MODE_DANGER_FULL_ACCESS, &s, a, sids), 0);
	win_cap_sids_free(&s);

	/* Round trip: nothing to fill in, nothing changed. */
	REQUIRE(win_cap_sids_parse(json, strlen(json), &s, &e) == 0);
	CHECK(!s.changed);
	REQUIRE(win_cap_sids_ensure(&s, "C:\\WORK\\OTHER", counter, &rng, c, &e) == 0);
	CHECK_STR(c, "S-1-5-21-13-14-15-16");
	CHECK(!s.changed);
	win_cap_sids_free(&s);
	free(json);
}

/* The older forms: a bare SID (as a JSON string or not) is the workspace SID, kept. */
TEST(win_cap_sids_migrates_bare_sid)
{
	static const char *const forms[] = {"S-1-5-21-7-7-7-7", " S-1-5-21-7-7-7-7\r\n",
					    "\"S-1-5-21-7-7-7-7\"", "{\"workspace\":\"S-1-5-21-7-7-7-7\"}",
					    NULL};
	for (size_t i = 0; forms[i]; i++) {
		struct win_cap_sids s;
		struct err e = {0};
		uint32_t rng = 100;
		char c[WIN_CAP_SID_MAX];
		REQUIRE(win_cap_sids_parse(forms[i], strlen(forms[i]), &s, &e) == 0);
		CHECK_STR(s.workspace, "S-1-5-21-7-7-7-7");
		REQUIRE(win_cap_sids_ensure(&s, "D:/x", counter, &rng, c, &e) == 0);
		CHECK_STR(s.workspace, "S-1-5-21-7-7-7-7");
		CHECK_STR(s.readonly, "S-1-5-21-101-102-103-104");
		CHECK(s.changed);
		win_cap_sids_free(&s);
	}
}

TEST(win_cap_sids_rejects)
{
	static const char *const bad[] = {
		"S-1-5-21-1-2-3", "S-1-5-21-1-2-3-4 S-1-5-21-1-2-3-4", "[]", "5", "\"x\"",
		"{\"workspace\":\"S-1-2\"}", "{\"workspace\":5}", "{\"readonly\":\"S-1-5-21-1-2-3\"}",
		"{\"workspace_by_cwd\":[]}", "{\"workspace_by_cwd\":{\"c:\\\\x\":\"S-1\"}}",
		"{\"workspace_by_cwd\":{\"C:\\\\X\":\"S-1-5-21-1-2-3-4\"}}",
		"{\"workspace_by_cwd\":{\"c:/x\":\"S-1-5-21-1-2-3-4\"}}",
		"{\"workspace_by_cwd\":{\"\":\"S-1-5-21-1-2-3-4\"}}",
		"{\"workspace_by_cwd\":{\"c:\\\\x\":5}}", "{", NULL};
	struct win_cap_sids s;
	struct err e = {0};

	for (size_t i = 0; bad[i]; i++)
		if (win_cap_sids_parse(bad[i], strlen(bad[i]), &s, &e) == 0) {
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
			win_cap_sids_free(&s);
		}
}

/* The table is bounded: a file with too many directories is refused, and a full table
 * refuses a new directory rather than growing. */
TEST(win_cap_sids_limits)
{
	struct win_cap_sids s;
	struct err e = {0};
	uint32_t rng = 0;
	char c[WIN_CAP_SID_MAX], dir[32];
	size_t i;

	REQUIRE(win_cap_sids_parse("", 0, &s, &e) == 0);
	for (i = 0; i < WIN_CAP_BY_CWD_MAX; i++) {
		snprintf(dir, sizeof dir, "c:\\d%zu", i);
		if (win_cap_sids_ensure(&s, dir, counter, &rng, c, &e) < 0)
			break;
	}
	CHECK_INT(i, WIN_CAP_BY_CWD_MAX);
	CHECK_INT(win_cap_sids_ensure(&s, "c:\\one-more", counter, &rng, c, &e), -1);
	CHECK_CONTAINS(e.msg, "more than 4096 working directories");
	/* An existing one is still found. */
	CHECK_INT(win_cap_sids_ensure(&s, "C:/D7", counter, &rng, c, &e), 0);
	{
		char *json = win_cap_sids_json(&s);
		struct win_cap_sids t;
		REQUIRE(json != NULL);
		CHECK_INT(win_cap_sids_parse(json, strlen(json), &t, &e), 0);
		CHECK_INT(t.n_cwd, WIN_CAP_BY_CWD_MAX);
		win_cap_sids_free(&t);
		free(json);
	}
	win_cap_sids_free(&s);
}
