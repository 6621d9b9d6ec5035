/* sandbox/windows: the ACL list that `--plan` prints and both backends apply, the
 * setup request that carries it to the helper, the read roots, and the readiness
 * decision before an elevated run (reference codex-windows-sandbox.md §2, §3.1, §3.2,
 * §3.5, §3.7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/json.h"
#include "sandbox/windows/windows_sandbox.h"
#include "test.h"

static void policy_ws(struct sandbox_policy *p)
{
	sandbox_policy_init(p, SANDBOX_MODE_WORKSPACE_WRITE);
	REQUIRE(strv_push(&p->writable_roots, "C:\\r1") == 0);
	REQUIRE(strv_push(&p->writable_roots, "C:\\r2") == 0);
}

/* The plan's "acl" array, one entry per win_acl_entries entry, same order. */
static void plan_matches_entries(struct sandbox_policy *p, const char *backend, bool elevated,
				 int line)
{
	char *cmd[] = {"x", NULL}, *env[] = {NULL};
	struct win_plan_input in = {p, false, backend, env, NULL, cmd, NULL, NULL};
	struct win_plan plan;
	struct win_acl_entry v[16];
	size_t n;
	char *json;
	cJSON *root;
	const cJSON *acl;
	struct err e;

	win_plan_build(&in, &plan);
	n = win_acl_entries(p, elevated, v);
	json = win_plan_json(&in, &plan);
	REQUIRE(json);
	root = json_parse(json, strlen(json), "plan", &e);
	REQUIRE(root);
	acl = cJSON_GetObjectItemCaseSensitive(root, "acl");
	if ((size_t)cJSON_GetArraySize(acl) != n)
		test_fail(__FILE__, line, "plan lists %d ACL changes, the list has %zu",
			  cJSON_GetArraySize(acl), n);
	for (size_t i = 0; i < n && i < (size_t)cJSON_GetArraySize(acl); i++) {
		const cJSON *o = cJSON_GetArrayItem(acl, (int)i);
		const char *kind = json_get_str(o, "kind");
		if (!kind || strcmp(kind, v[i].rule.deny ? "deny" : "allow") != 0)
			test_fail(__FILE__, line, "entry %zu: kind differs", i);
		if (v[i].target == WIN_ACL_TEMP && strcmp(json_get_str(o, "path"), "<%TEMP%>") != 0)
			test_fail(__FILE__, line, "entry %zu: not <%%TEMP%%>", i);
	}
	cJSON_Delete(root);
	free(json);
}

TEST(win_acl_plan_prints_the_applied_list)
{
	struct sandbox_policy p;

	policy_ws(&p);
	plan_matches_entries(&p, NULL, false, __LINE__);
	plan_matches_entries(&p, "elevated", true, __LINE__);
	p.exclude_tmpdir_env_var = true;
	plan_matches_entries(&p, "elevated", true, __LINE__);
	sandbox_policy_free(&p);
	sandbox_policy_init(&p, SANDBOX_MODE_READ_ONLY);
	plan_matches_entries(&p, "elevated", true, __LINE__);
	plan_matches_entries(&p, NULL, false, __LINE__);
	sandbox_policy_free(&p);
}

static const char *name_of(const struct win_grants *g, size_t i)
{
	return i < g->n ? win_acl_target_name(g->v[i].target) : "-";
}

TEST(win_acl_resolve_every_entry_and_temp)
{
	struct sandbox_policy p;
	struct win_acl_entry v[16];
	struct strv reads = STRV_INIT;
	struct win_acl_places pl = {"C:\\w", "C:\\h", {"C:\\t", "C:\\t"}, NULL, &reads};
	struct win_grants g = {0};
	struct err e;
	size_t n;
	bool seen[WIN_ACL_TARGETS] = {0};
	static const char *const want[] = {"cwd", "writable_root", "writable_root", "temp",
					   "cwd_codex", "cwd_agents", "read_root", "read_root",
					   "sandbox_bin", "sandbox_dir", "secrets_dir"};

	policy_ws(&p);
	pl.writable_roots = &p.writable_roots;
	REQUIRE(strv_push(&reads, "C:\\Windows") == 0 && strv_push(&reads, "C:\\u\\Documents") == 0);
	n = win_acl_entries(&p, true, v);
	CHECK_INT(n, 2 + WIN_ACL_FIXED_ENTRIES);
	REQUIRE(win_acl_resolve(v, n, &pl, &g, &e) == 0);
	CHECK_INT(g.n, 11);
	for (size_t i = 0; i < 11; i++)
		CHECK_STR(name_of(&g, i), want[i]);
	/* Every entry of the plan became at least one grant: none is dropped. */
	for (size_t i = 0; i < g.n; i++)
		seen[g.v[i].target] = true;
	for (size_t i = 0; i < n; i++)
		CHECK(seen[v[i].target]);
	CHECK_STR(g.v[3].path, "C:\\t");
	CHECK(g.v[3].rule.who == (WIN_WHO_GROUP | WIN_WHO_WORKSPACE_SID));
	CHECK(g.v[3].rule.step == WIN_STEP_WRITE_ACLS);
	CHECK(g.v[0].rule.who == (WIN_WHO_GROUP | WIN_WHO_CWD_SID));
	CHECK(g.v[4].rule.deny && g.v[4].rule.who == WIN_WHO_CWD_SID && g.v[4].rule.only_if_exists);
	CHECK_CONTAINS(g.v[4].path, ".codex");
	CHECK(g.v[10].rule.deny && g.v[10].rule.how == WIN_HOW_REPLACE && g.v[10].rule.create);
	CHECK(g.v[6].rule.how == WIN_HOW_READ_UNLESS_READABLE);
	win_grants_free(&g);

	/* Unelevated: no group, no read roots, no locked directories; %TMP% apart from
	 * %TEMP% is granted too; an unset one is not. */
	pl.temp[1] = "D:\\tmp";
	n = win_acl_entries(&p, false, v);
	CHECK_INT(n, 6);
	REQUIRE(win_acl_resolve(v, n, &pl, &g, &e) == 0);
	CHECK_INT(g.n, 7);
	CHECK_STR(g.v[3].path, "C:\\t");
	CHECK_STR(g.v[4].path, "D:\\tmp");
	CHECK(g.v[0].rule.who == WIN_WHO_CWD_SID);
	CHECK(g.v[1].rule.who == WIN_WHO_WORKSPACE_SID);
	win_grants_free(&g);
	pl.temp[0] = pl.temp[1] = NULL;
	REQUIRE(win_acl_resolve(v, n, &pl, &g, &e) == 0);
	CHECK_INT(g.n, 5);
	win_grants_free(&g);

	/* exclude_tmpdir_env_var: no %TEMP% entry at all. */
	p.exclude_tmpdir_env_var = true;
	n = win_acl_entries(&p, false, v);
	for (size_t i = 0; i < n; i++)
		CHECK(v[i].target != WIN_ACL_TEMP);
	strv_free(&reads);
	sandbox_policy_free(&p);
}

/* Each target is applied by exactly one of the helper's steps, write roots by the one
 * that fails the setup. */
TEST(win_acl_every_target_has_a_step)
{
	for (int t = 0; t < WIN_ACL_TARGETS; t++) {
		struct win_acl_rule r;
		win_acl_rule((enum win_acl_target)t, true, &r);
		CHECK(r.who != 0);
		CHECK_INT(win_acl_target_parse(win_acl_target_name((enum win_acl_target)t)), t);
		if (t == WIN_ACL_CWD || t == WIN_ACL_WRITABLE_ROOT || t == WIN_ACL_TEMP)
			CHECK(r.step == WIN_STEP_WRITE_ACLS && !r.deny);
	}
	CHECK_INT(win_acl_target_parse("bogus"), -1);
	CHECK_INT(win_acl_target_parse(NULL), -1);
}

TEST(win_setup_request_round_trip)
{
	struct win_setup_request r, back;
	struct err e;
	char *b64, *home;

	memset(&r, 0, sizeof r);
	r.codex_home = "C:\\h";
	r.cwd = "C:\\w";
	r.real_user = "u";
	r.cap_sid = "S-1-5-21-1-2-3-4";
	r.cwd_cap_sid = "S-1-5-21-5-6-7-8";
	r.refresh_only = true;
	r.net.ports[0] = 3128;
	r.net.n_ports = 1;
	REQUIRE(win_grants_add(&r.grants, WIN_ACL_TEMP, "C:\\t", &e) == 0);
	REQUIRE(win_grants_add(&r.grants, WIN_ACL_SECRETS_DIR, "C:\\h\\.sandbox-secrets", &e) == 0);
	b64 = win_setup_request_encode(&r);
	REQUIRE(b64);
	REQUIRE(win_setup_request_decode(b64, &back, &e) == 0);
	CHECK(back.refresh_only);
	CHECK_STR(back.cwd_cap_sid, "S-1-5-21-5-6-7-8");
	CHECK_INT(back.grants.n, 2);
	CHECK(back.grants.v[0].target == WIN_ACL_TEMP);
	CHECK_STR(back.grants.v[0].path, "C:\\t");
	CHECK(back.grants.v[0].rule.step == WIN_STEP_WRITE_ACLS);
	CHECK(back.grants.v[1].rule.deny);
	CHECK_INT(back.net.n_ports, 1);
	home = win_setup_request_codex_home(b64);
	CHECK(home != NULL);
	free(home);
	free(b64);
	win_setup_request_free(&back);
	win_grants_free(&r.grants);
}

static char *b64_of(const char *json)
{
	return base64_encode(json, strlen(json), false);
}

TEST(win_setup_request_refuses_bad_grants)
{
	static const char *const bad[] = {
		"{\"version\":5,\"codex_home\":\"h\",\"cwd\":\"w\",\"real_user\":\"u\",\"cap_sid\":\"s\","
		"\"grants\":[{\"target\":\"nope\",\"path\":\"p\"}]}",
		"{\"version\":5,\"codex_home\":\"h\",\"cwd\":\"w\",\"real_user\":\"u\",\"cap_sid\":\"s\","
		"\"grants\":[{\"target\":\"cwd\"}]}",
		"{\"version\":5,\"codex_home\":\"h\",\"cwd\":\"w\",\"real_user\":\"u\",\"cap_sid\":\"s\","
		"\"grants\":{}}",
		"{\"version\":5,\"codex_home\":\"h\",\"cwd\":\"w\",\"real_user\":\"u\",\"cap_sid\":\"s\","
		"\"refresh_only\":1}",
		"{\"version\":4,\"codex_home\":\"h\",\"cwd\":\"w\",\"real_user\":\"u\",\"cap_sid\":\"s\"}",
		"[]", NULL};
	struct win_setup_request r;
	struct err e;

	for (size_t i = 0; bad[i]; i++) {
		char *b = b64_of(bad[i]);
		REQUIRE(b);
		if (win_setup_request_decode(b, &r, &e) == 0) {
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
			win_setup_request_free(&r);
		}
		free(b);
	}
}

TEST(win_read_roots_gathering)
{
	char *names[] = {".", "..", "Documents", ".SSH", ".aws", "Desktop", "w", NULL};
	struct strv wr = STRV_INIT, keys = STRV_INIT, out = STRV_INIT;
	struct win_read_roots_input in = {"C:\\bin", "C:\\h", "C:\\u\\w", "C:\\u", names, &wr,
					  &keys};
	static const char *const want[] = {"C:\\bin", "C:\\h/.sandbox-bin", "C:\\Windows",
					   "C:\\Program Files", "C:\\Program Files (x86)",
					   "C:\\ProgramData", "C:\\u/Documents", "C:\\u/Desktop",
					   "C:\\u/w", "C:\\r"};
	struct err e;

	REQUIRE(strv_push(&wr, "C:\\r") == 0);
	REQUIRE(win_read_roots(&in, &out, &e) == 0);
	CHECK_INT(out.n, 10);
	for (size_t i = 0; i < 10 && i < out.n; i++)
		CHECK_STR(out.v[i], want[i]);
	strv_free(&out);
	/* Write roots are not read roots; the same path spelled twice counts once. */
	REQUIRE(strv_push(&keys, "c:\\u\\w") == 0 && strv_push(&keys, "c:\\r") == 0);
	in.cwd = "c:/U/W/";
	REQUIRE(win_read_roots(&in, &out, &e) == 0);
	CHECK_INT(out.n, 8);
	strv_free(&out);
	/* A profile that cannot be listed is a read root itself. */
	in.profile_entries = NULL;
	REQUIRE(win_read_roots(&in, &out, &e) == 0);
	CHECK_INT(strv_find(&out, "C:\\u") >= 0, 1);
	CHECK(win_profile_entry_is_secret(".Terraform.D"));
	CHECK(!win_profile_entry_is_secret(".terraform"));
	strv_free(&out);
	strv_free(&keys);
	strv_free(&wr);
}

TEST(win_marker_write_roots)
{
	struct win_net_settings s = {{3128}, 1, false};
	struct strv roots = STRV_INIT, add = STRV_INIT;
	struct win_marker m;
	struct err e;
	char *json;

	REQUIRE(strv_push(&roots, "c:\\w") == 0);
	json = win_marker_json(&s, "2026-01-01T00:00:00Z", &roots);
	REQUIRE(json);
	CHECK_CONTAINS(json, "\"write_roots\":[\"c:\\\\w\"]");
	REQUIRE(win_marker_parse(json, strlen(json), &m, &e) == 0);
	CHECK_INT(m.write_roots.n, 1);
	CHECK_STR(m.write_roots.v[0], "c:\\w");
	win_marker_free(&m);
	free(json);
	CHECK(win_marker_parse("{\"version\":5,\"write_roots\":[1]}", 31, &m, &e) < 0);
	win_marker_free(&m);
	CHECK(win_marker_parse("{\"version\":5,\"write_roots\":[\"\"]}", 32, &m, &e) < 0);
	win_marker_free(&m);
	/* Merging keeps order, drops duplicates and, over the cap, the oldest. */
	for (int i = 0; i < WIN_MARKER_ROOTS_MAX + 1; i++)
		REQUIRE(strv_pushf(&add, "c:\\r%d", i) == 0);
	REQUIRE(strv_push(&add, "c:\\w") == 0);
	REQUIRE(win_marker_roots_merge(&roots, &add, &e) == 0);
	CHECK_INT(roots.n, WIN_MARKER_ROOTS_MAX);
	CHECK_STR(roots.v[0], "c:\\r1");
	CHECK_STR(roots.v[roots.n - 1], "c:\\r1024");
	CHECK(roots.v[roots.n] == NULL);
	strv_free(&roots);
	strv_free(&add);
}

TEST(win_readiness_decision)
{
	struct win_marker m = {5, {{3128}, 1, false}, STRV_INIT};
	struct win_net_settings want = {{3128}, 1, false}, other = {{8080}, 1, false};
	struct strv roots = STRV_INIT;
	char reason[WIN_REASON_MAX];

	REQUIRE(strv_push(&roots, "c:\\w") == 0);
	CHECK(win_readiness_for(NULL, WIN_IDENTITY_OFFLINE, &want, true, &roots, reason) ==
	      WIN_READY_SETUP);
	CHECK_STR(reason, "sandbox setup marker missing or incompatible");
	CHECK(win_readiness_for(&m, WIN_IDENTITY_OFFLINE, &other, true, &roots, reason) ==
	      WIN_READY_SETUP);
	CHECK_CONTAINS(reason, "offline firewall settings changed");
	CHECK(win_readiness_for(&m, WIN_IDENTITY_OFFLINE, &want, false, &roots, reason) ==
	      WIN_READY_SETUP);
	CHECK_STR(reason, "sandbox users missing or incompatible with marker version");
	CHECK(win_readiness_for(&m, WIN_IDENTITY_OFFLINE, &want, true, &roots, reason) ==
	      WIN_READY_REFRESH);
	CHECK_STR(reason, "sandbox access not yet granted to c:\\w");
	/* The online identity ignores firewall drift but not missing grants. */
	CHECK(win_readiness_for(&m, WIN_IDENTITY_ONLINE, &other, true, &roots, reason) ==
	      WIN_READY_REFRESH);
	REQUIRE(strv_push(&m.write_roots, "c:\\w") == 0);
	CHECK(win_readiness_for(&m, WIN_IDENTITY_OFFLINE, &want, true, &roots, reason) ==
	      WIN_READY);
	CHECK(win_readiness_for(&m, WIN_IDENTITY_ONLINE, &other, true, NULL, reason) == WIN_READY);
	win_marker_free(&m);
	strv_free(&roots);
}

static bool git_at(const char *dir, void *ctx)
{
	return strcmp(dir, (const char *)ctx) == 0;
}

TEST(win_env_for_logon_user_fixes)
{
	struct strv env = STRV_INIT;
	struct err e;
	char *root;

	REQUIRE(strv_push(&env, "OUT=/dev/null") == 0 && strv_push(&env, "pager=less") == 0 &&
		strv_push(&env, "git_config_count=1") == 0);
	REQUIRE(win_env_for_logon_user(&env, "C:/w", &e) == 0);
	CHECK_STR(env.v[0], "OUT=NUL");
	CHECK_STR(env.v[1], "pager=less"); /* kept, whatever its case */
	CHECK_STR(env.v[2], "GIT_CONFIG_COUNT=2");
	CHECK(strv_find(&env, "GIT_PAGER=more.com") >= 0);
	CHECK(strv_find(&env, "LESS=") >= 0);
	CHECK(strv_find(&env, "GIT_CONFIG_KEY_1=safe.directory") >= 0);
	CHECK(strv_find(&env, "GIT_CONFIG_VALUE_1=C:/w") >= 0);
	strv_free(&env);
	REQUIRE(strv_push(&env, "GIT_CONFIG_COUNT=x") == 0);
	CHECK(win_env_for_logon_user(&env, "C:/w", &e) < 0);
	CHECK_CONTAINS(e.msg, "GIT_CONFIG_COUNT=x");
	strv_free(&env);
	REQUIRE(win_env_for_logon_user(&env, NULL, &e) == 0);
	CHECK(strv_find(&env, "GIT_CONFIG_COUNT=1") < 0);
	strv_free(&env);

	root = win_git_root("/a/b/c", git_at, "/a");
	CHECK_STR(root ? root : "", "/a");
	free(root);
	root = win_git_root("/a/b", git_at, "/");
	CHECK_STR(root ? root : "", "/");
	free(root);
	CHECK(win_git_root("/a/b", git_at, "/x") == NULL);
	root = win_git_root("C:\\w\\sub", git_at, "C:\\w");
	CHECK_STR(root ? root : "", "C:\\w");
	free(root);
}

/* Out of memory anywhere: -1 (or NULL), never a partial request, grant list or read
 * root list. */
TEST(win_acl_and_request_allocation_failures)
{
	struct win_setup_request r;
	struct sandbox_policy p;
	struct win_acl_entry v[16];
	struct strv reads = STRV_INIT;
	struct win_acl_places pl = {"C:\\w", "C:\\h", {"C:\\t", NULL}, NULL, &reads};
	char *names[] = {"Documents", ".ssh", NULL};
	struct win_read_roots_input ri = {"C:\\bin", "C:\\h", "C:\\w", "C:\\u", names, NULL, NULL};
	struct err e;
	char *b64;
	size_t n;

	memset(&r, 0, sizeof r);
	r.codex_home = "C:\\h";
	r.cwd = r.real_user = r.cap_sid = "x";
	REQUIRE(win_grants_add(&r.grants, WIN_ACL_CWD, "C:\\w", &e) == 0);
	REQUIRE(win_grants_add(&r.grants, WIN_ACL_READ_ROOT, "C:\\u", &e) == 0);
	b64 = win_setup_request_encode(&r);
	REQUIRE(b64);
	win_grants_free(&r.grants);
	policy_ws(&p);
	pl.writable_roots = &p.writable_roots;
	REQUIRE(strv_push(&reads, "C:\\r") == 0);
	n = win_acl_entries(&p, true, v);
	FOR_EACH_ALLOC_FAILURE(300, {
		struct win_setup_request got;
		if (win_setup_request_decode(b64, &got, &e) == 0) {
			if (got.grants.n != 2 || strcmp(got.grants.v[1].path, "C:\\u") != 0)
				test_fail(__FILE__, __LINE__, "a different request decoded");
			win_setup_request_free(&got);
		}
	});
	FOR_EACH_ALLOC_FAILURE(300, {
		struct win_grants g = {0};
		if (win_acl_resolve(v, n, &pl, &g, &e) == 0 && g.n != 10)
			test_fail(__FILE__, __LINE__, "%zu grants", g.n);
		win_grants_free(&g);
	});
	FOR_EACH_ALLOC_FAILURE(300, {
		struct strv out = STRV_INIT;
		if (win_read_roots(&ri, &out, &e) == 0 && out.n != 8)
			test_fail(__FILE__, __LINE__, "%zu read roots", out.n);
		strv_free(&out);
	});
	free(b64);
	strv_free(&reads);
	sandbox_policy_free(&p);
}

/* What the marker records and readiness wants: the write roots, and the working
 * directory also when it is only read (read-only runs). */
TEST(win_setup_root_keys_include_cwd)
{
	struct win_grants g = {0};
	struct strv keys = STRV_INIT;
	struct err e;

	REQUIRE(win_grants_add(&g, WIN_ACL_TEMP, "C:\\T", &e) == 0);
	REQUIRE(win_grants_add(&g, WIN_ACL_READ_ROOT, "C:\\Windows", &e) == 0);
	REQUIRE(win_grants_add(&g, WIN_ACL_CWD, "C:/W/", &e) == 0);
	REQUIRE(win_setup_root_keys(&g, "c:\\w", &keys, &e) == 0);
	CHECK_INT(keys.n, 2);
	CHECK_STR(keys.v[0], "c:\\t");
	CHECK_STR(keys.v[1], "c:\\w");
	strv_free(&keys);
	win_grants_free(&g);
	REQUIRE(win_setup_root_keys(&g, "C:\\ro", &keys, &e) == 0);
	CHECK_INT(keys.n, 1);
	strv_free(&keys);
}
