/* sandbox/windows: the setup helper's steps, rollback and structured error, driven
 * through a fake ops table (the real one, setup_steps_win.c, calls Win32). Each fake
 * step records the changes a real one would, and can be told to fail half-way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/windows/windows_sandbox.h"
#include "test.h"

/* ---- The fake ---------------------------------------------------------------------- */

struct fake {
	long fail_step;       /* this step fails after recording its first change; -1 none */
	const char *fail_undo; /* an undo of a change with this target fails */
	int forget_rc;        /* what forget_marker returns */
	bool user_existed;    /* the users step finds CodexSandboxOffline already there */
	char log[4096];       /* "apply:users undo:created account X ..." */
	int forget_calls;
};

static struct fake F;

static void logf_(const char *s)
{
	size_t n = strlen(F.log);
	snprintf(F.log + n, sizeof F.log - n, "%s%s", n ? "|" : "", s);
}

/* Each step makes two changes; a failing one fails between them, as a real step whose
 * second call failed. */
static int step(struct win_journal *j, const char *name, enum win_change_kind k1,
		const char *t1, enum win_change_kind k2, const char *t2, struct err *e)
{
	char line[128];

	snprintf(line, sizeof line, "apply:%s", name);
	logf_(line);
	if (win_journal_add(j, k1, t1, NULL, NULL, 0, e) < 0)
		return -1;
	if ((long)j->step == F.fail_step)
		return err_set(e, "%s: NetUserAdd failed: Access is denied (error 5)", t2);
	return win_journal_add(j, k2, t2, NULL, NULL, 0, e);
}

static int s_users(void *ctx, struct win_journal *j, struct err *e)
{
	if (F.user_existed) {
		logf_("apply:users");
		if (win_journal_add(j, WIN_CHANGE_PASSWORD_CHANGED, WIN_OFFLINE_USER, NULL, "blob", 4,
				    e) < 0)
			return -1;
		if ((long)j->step == F.fail_step)
			return err_set(e, "x: NetUserSetInfo failed: Access is denied (error 5)");
		return win_journal_add(j, WIN_CHANGE_USER_CREATED, WIN_ONLINE_USER, NULL, NULL, 0, e);
	}
	return step(j, "users", WIN_CHANGE_USER_CREATED, WIN_OFFLINE_USER, WIN_CHANGE_USER_CREATED,
		    WIN_ONLINE_USER, e);
}

static int s_hide(void *ctx, struct win_journal *j, struct err *e)
{
	return step(j, "hide_users", WIN_CHANGE_REG_VALUE_ADDED, WIN_OFFLINE_USER,
		    WIN_CHANGE_REG_VALUE_ADDED, WIN_ONLINE_USER, e);
}

static int s_firewall(void *ctx, struct win_journal *j, struct err *e)
{
	if ((long)j->step == F.fail_step) {
		logf_("apply:firewall");
		if (win_journal_add(j, WIN_CHANGE_FW_RULE_ADDED, WIN_FW_RULE_LOOPBACK_UDP, NULL, NULL,
				    0, e) < 0)
			return -1;
		return err_set(e, WIN_FW_RULE_LOOPBACK_TCP ": INetFwRule::put_RemotePorts failed: "
				  "The parameter is incorrect (HRESULT 0x80070057)");
	}
	return step(j, "firewall", WIN_CHANGE_FW_RULE_ADDED, WIN_FW_RULE_LOOPBACK_UDP,
		    WIN_CHANGE_FW_RULE_CHANGED, WIN_FW_RULE_LOOPBACK_TCP, e);
}

static int s_acls(void *ctx, struct win_journal *j, struct err *e)
{
	return step(j, "write_acls", WIN_CHANGE_DACL_CHANGED, "C:/w", WIN_CHANGE_DACL_CHANGED,
		    "C:/w2", e);
}

static int s_marker(void *ctx, struct win_journal *j, struct err *e)
{
	return step(j, "marker", WIN_CHANGE_FILE_WRITTEN, "C:/h/.sandbox/setup_marker.json",
		    WIN_CHANGE_FILE_WRITTEN, "C:/h/.sandbox/x", e);
}

static int fake_undo(void *ctx, const struct win_change *c, struct err *e)
{
	char what[256], line[300];

	win_change_describe(c, what, sizeof what);
	snprintf(line, sizeof line, "undo:%s", what);
	logf_(line);
	if (F.fail_undo && strcmp(c->target, F.fail_undo) == 0)
		return err_set(e, "%s: NetUserDel failed: Access is denied (error 5)", c->target);
	return 0;
}

static int fake_forget(void *ctx, struct err *e)
{
	F.forget_calls++;
	return F.forget_rc < 0 ? err_set(e, "marker: DeleteFileW failed: x (error 5)") : 0;
}

static const struct win_setup_step steps[] = {
	{"users", "helper_user_create_or_update_failed", s_users},
	{"hide_users", "helper_hide_users_failed", s_hide},
	{"firewall", "helper_firewall_rule_create_or_add_failed", s_firewall},
	{"write_acls", "helper_write_acl_failed", s_acls},
	{"marker", "helper_setup_marker_write_failed", s_marker},
};

static struct win_setup_ops ops(void)
{
	struct win_setup_ops o = {steps, 5, fake_undo, NULL, fake_forget, NULL};
	return o;
}

static void reset(long fail_step)
{
	memset(&F, 0, sizeof F);
	F.fail_step = fail_step;
}

/* ---- Runs -------------------------------------------------------------------------- */

TEST(win_setup_all_steps_succeed_nothing_undone)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;

	reset(-1);
	CHECK_INT(win_setup_run(&o, NULL, &j, &r), 0);
	CHECK_INT(r.failed_step, -1);
	CHECK_INT(j.n, 10);
	CHECK_STR(F.log, "apply:users|apply:hide_users|apply:firewall|apply:write_acls|apply:marker");
	for (size_t i = 0; i < j.n; i++)
		CHECK_INT(j.v[i].undo, WIN_UNDO_PENDING);
	CHECK_INT(F.forget_calls, 0);
	win_journal_free(&j);
}

/* A failure at each step in turn: that step's partial change and every earlier step's
 * changes are undone, newest first; later steps never run. */
TEST(win_setup_failure_at_each_step_undoes_exactly_the_earlier_changes)
{
	static const char *const want[5] = {
		"apply:users|undo:created account CodexSandboxOffline",
		"apply:users|apply:hide_users"
		"|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
		"|undo:created account CodexSandboxOnline|undo:created account CodexSandboxOffline",
		"apply:users|apply:hide_users|apply:firewall"
		"|undo:added firewall rule codex_sandbox_offline_block_loopback_udp"
		"|undo:hid CodexSandboxOnline from the logon screen (registry value added)"
		"|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
		"|undo:created account CodexSandboxOnline|undo:created account CodexSandboxOffline",
		"apply:users|apply:hide_users|apply:firewall|apply:write_acls"
		"|undo:changed the access control list of C:/w"
		"|undo:changed existing firewall rule codex_sandbox_offline_block_loopback_tcp"
		"|undo:added firewall rule codex_sandbox_offline_block_loopback_udp"
		"|undo:hid CodexSandboxOnline from the logon screen (registry value added)"
		"|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
		"|undo:created account CodexSandboxOnline|undo:created account CodexSandboxOffline",
		"apply:users|apply:hide_users|apply:firewall|apply:write_acls|apply:marker"
		"|undo:created C:/h/.sandbox/setup_marker.json"
		"|undo:changed the access control list of C:/w2"
		"|undo:changed the access control list of C:/w"
		"|undo:changed existing firewall rule codex_sandbox_offline_block_loopback_tcp"
		"|undo:added firewall rule codex_sandbox_offline_block_loopback_udp"
		"|undo:hid CodexSandboxOnline from the logon screen (registry value added)"
		"|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
		"|undo:created account CodexSandboxOnline|undo:created account CodexSandboxOffline",
	};
	for (long k = 0; k < 5; k++) {
		struct win_setup_ops o = ops();
		struct win_journal j = {0};
		struct win_setup_result r;
		reset(k);
		CHECK_INT(win_setup_run(&o, NULL, &j, &r), -1);
		CHECK_INT(r.failed_step, k);
		CHECK_STR(F.log, want[k]);
		CHECK_INT(r.n_undone, j.n);
		CHECK_INT(r.n_not_undone, 0);
		CHECK_INT(F.forget_calls, 0); /* all undone: an earlier marker still holds */
		CHECK(!r.marker_removed);
		win_journal_free(&j);
	}
}

/* A re-run finds the offline account: its password is restored, never the account
 * deleted; the online account this run created is deleted. */
TEST(win_setup_pre_existing_account_is_never_deleted)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;

	reset(1);
	F.user_existed = true;
	CHECK_INT(win_setup_run(&o, NULL, &j, &r), -1);
	CHECK_STR(F.log, "apply:users|apply:hide_users"
			 "|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
			 "|undo:created account CodexSandboxOnline"
			 "|undo:changed the password of existing account CodexSandboxOffline");
	CHECK(!strstr(F.log, "undo:created account CodexSandboxOffline"));
	CHECK_INT(j.v[0].saved_len, 4);
	CHECK_STR(j.v[0].saved, "blob");
	win_journal_free(&j);
}

/* An undo that fails: the others are still attempted, the marker is removed (it would
 * describe a state that no longer holds), and the error file says all of it. */
TEST(win_setup_failed_undo_is_reported_and_the_rest_still_undone)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;
	char *json, line[1024];
	struct err e = {0};

	reset(2);
	F.fail_undo = WIN_ONLINE_USER; /* both changes named so: the account and its hiding */
	CHECK_INT(win_setup_run(&o, NULL, &j, &r), -1);
	CHECK_INT(r.failed_step, 2);
	CHECK_INT(r.n_undone, 3);
	CHECK_INT(r.n_not_undone, 2);
	CHECK_INT(F.forget_calls, 1);
	CHECK(r.marker_removed);
	CHECK_CONTAINS(F.log, "|undo:created account CodexSandboxOffline");
	REQUIRE((json = win_setup_error_json(&o, &j, &r)) != NULL);
	CHECK_STR(json,
		  "{\"code\":\"helper_firewall_rule_create_or_add_failed\","
		  "\"message\":\"codex_sandbox_offline_block_loopback_tcp: INetFwRule::put_RemotePorts "
		  "failed: The parameter is incorrect (HRESULT 0x80070057)\","
		  "\"step\":\"firewall\",\"api\":\"INetFwRule::put_RemotePorts\","
		  "\"error_code\":\"0x80070057\",\"error_words\":\"The parameter is incorrect\","
		  "\"rolled_back\":[\"added firewall rule codex_sandbox_offline_block_loopback_udp\","
		  "\"hid CodexSandboxOffline from the logon screen (registry value added)\","
		  "\"created account CodexSandboxOffline\"],"
		  "\"not_rolled_back\":[{\"change\":\"hid CodexSandboxOnline from the logon screen "
		  "(registry value added)\",\"error\":\"CodexSandboxOnline: NetUserDel failed: Access is "
		  "denied (error 5)\"},{\"change\":\"created account CodexSandboxOnline\",\"error\":"
		  "\"CodexSandboxOnline: NetUserDel failed: Access is denied (error 5)\"}],"
		  "\"marker_removed\":true}");
	CHECK_INT(win_setup_error_line(json, strlen(json), "C:/h/.sandbox/setup_error.json", line,
				       sizeof line, &e), 0);
	CHECK_STR(line, "Windows sandbox setup failed at step firewall "
			"(helper_firewall_rule_create_or_add_failed): "
			"codex_sandbox_offline_block_loopback_tcp: INetFwRule::put_RemotePorts failed: "
			"The parameter is incorrect (HRESULT 0x80070057); rolled back 3 changes; 2 could "
			"not be undone, first: hid CodexSandboxOnline from the logon screen (registry "
			"value added): CodexSandboxOnline: NetUserDel failed: Access is denied (error 5); "
			"the setup marker was removed, so the next run sets up again "
			"(details: C:/h/.sandbox/setup_error.json)");
	free(json);
	win_journal_free(&j);
}

TEST(win_setup_marker_that_cannot_be_removed_is_reported)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;

	reset(1);
	F.fail_undo = WIN_OFFLINE_USER;
	F.forget_rc = -1;
	CHECK_INT(win_setup_run(&o, NULL, &j, &r), -1);
	CHECK(!r.marker_removed);
	CHECK_CONTAINS(r.marker_error.msg, "DeleteFileW failed");
	win_journal_free(&j);
}

/* The test hook: the step applies, then fails as its last call would have; its own
 * changes are undone too. */
TEST(win_setup_forced_failure_hook)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;
	char *json;

	reset(-1);
	CHECK_INT(win_setup_run(&o, "hide_users", &j, &r), -1);
	CHECK_INT(r.failed_step, 1);
	CHECK_STR(F.log, "apply:users|apply:hide_users"
			 "|undo:hid CodexSandboxOnline from the logon screen (registry value added)"
			 "|undo:hid CodexSandboxOffline from the logon screen (registry value added)"
			 "|undo:created account CodexSandboxOnline|undo:created account CodexSandboxOffline");
	CHECK_STR(r.error.msg, "hide_users: " WIN_SETUP_FAIL_AT_ENV " failed: forced failure for "
			       "tests (error 1627)");
	REQUIRE((json = win_setup_error_json(&o, &j, &r)) != NULL);
	CHECK_CONTAINS(json, "\"api\":\"" WIN_SETUP_FAIL_AT_ENV "\",\"error_code\":1627,");
	free(json);
	win_journal_free(&j);

	reset(-1);
	CHECK_INT(win_setup_run(&o, "marker:5", &j, &r), -1);
	CHECK_INT(r.failed_step, 4);
	CHECK_CONTAINS(r.error.msg, "(error 5)");
	CHECK_INT(r.n_undone, 10);
	win_journal_free(&j);

	/* A hook naming no step, or with a bad code, runs nothing. */
	static const char *const bad[] = {"nope", "users:", "users:x", "users:0", ":5", "users:5x",
					  "user", "usersx", NULL};
	for (size_t i = 0; bad[i]; i++) {
		reset(-1);
		CHECK_INT(win_setup_run(&o, bad[i], &j, &r), -1);
		CHECK_INT(r.failed_step, -1);
		CHECK_STR(F.log, "");
		CHECK_CONTAINS(r.error.msg, WIN_SETUP_FAIL_AT_ENV "=");
		REQUIRE((json = win_setup_error_json(&o, &j, &r)) != NULL);
		CHECK_CONTAINS(json, "{\"code\":\"helper_request_args_failed\",");
		CHECK_CONTAINS(json, "\"step\":null,\"api\":null,\"error_code\":null");
		free(json);
		win_journal_free(&j);
	}
	/* An empty hook is no hook. */
	reset(-1);
	CHECK_INT(win_setup_run(&o, "", &j, &r), 0);
	win_journal_free(&j);
}

TEST(win_setup_journal_limit)
{
	struct win_journal j = {0};
	struct err e = {0};
	size_t i;

	for (i = 0; i < WIN_JOURNAL_MAX; i++)
		if (win_journal_add(&j, WIN_CHANGE_DACL_CHANGED, "p", "after", "before", 6, &e) < 0)
			break;
	CHECK_INT(i, WIN_JOURNAL_MAX);
	CHECK_INT(win_journal_add(&j, WIN_CHANGE_DACL_CHANGED, "p", NULL, NULL, 0, &e), -1);
	CHECK_CONTAINS(e.msg, "more than 4096 changes");
	win_journal_free(&j);
}

TEST(win_setup_change_descriptions)
{
	struct win_change c = {0};
	char out[256];

	c.target = (char *)"C:/h/.sandbox-secrets/sandbox_users.json";
	c.kind = WIN_CHANGE_FILE_WRITTEN;
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "created C:/h/.sandbox-secrets/sandbox_users.json");
	c.saved = (char *)"{}";
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "replaced C:/h/.sandbox-secrets/sandbox_users.json");
	c.kind = WIN_CHANGE_MEMBER_ADDED;
	c.target = (char *)WIN_OFFLINE_USER;
	c.detail = (char *)"Users";
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "added CodexSandboxOffline to group Users");
	c.kind = WIN_CHANGE_REG_VALUE_CHANGED;
	c.saved = (char *)"1";
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "hid CodexSandboxOffline from the logon screen (registry value changed from 1)");
	c.kind = WIN_CHANGE_GROUP_CREATED;
	c.target = (char *)WIN_SANDBOX_GROUP;
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "created group CodexSandboxUsers");
	c.kind = WIN_CHANGE_FW_RULE_REMOVED;
	c.target = (char *)WIN_FW_RULE_LEGACY_ALLOW;
	win_change_describe(&c, out, sizeof out);
	CHECK_STR(out, "removed firewall rule codex_sandbox_offline_allow_loopback_proxy");
}

/* ---- The failure line ------------------------------------------------------------- */

TEST(win_api_failure_forms)
{
	struct win_api_failure f;

	CHECK_INT(win_api_failure_parse("C:/Users/a b/x: SetNamedSecurityInfoW failed: Access is "
					"denied (error 5)", &f), 0);
	CHECK_STR(f.api, "SetNamedSecurityInfoW");
	CHECK_STR(f.words, "Access is denied");
	CHECK_INT(f.code, 5);
	CHECK(!f.hresult);
	CHECK_INT(win_api_failure_parse("firewall: CoCreateInstance(NetFwPolicy2) failed: Class "
					"not registered (HRESULT 0x80040154)", &f), 0);
	CHECK_STR(f.api, "CoCreateInstance(NetFwPolicy2)");
	CHECK_STR(f.words, "Class not registered");
	CHECK_INT(f.code, 0x80040154UL);
	CHECK(f.hresult);
	/* Words that themselves say "failed: " and parentheses. */
	CHECK_INT(win_api_failure_parse("x: NetUserAdd failed: The (odd) thing failed: y (error 2224)",
					&f), 0);
	CHECK_STR(f.api, "NetUserAdd");
	CHECK_STR(f.words, "The (odd) thing failed: y");
	CHECK_INT(f.code, 2224);
	/* No "what:" before the API. */
	CHECK_INT(win_api_failure_parse("NetUserAdd failed: unknown error (error 1)", &f), 0);
	CHECK_STR(f.api, "NetUserAdd");

	static const char *const no[] = {
		"", "x", "out of memory", "setup marker: version is missing",
		"x: NetUserAdd failed: y (error )", "x: NetUserAdd failed: y (error 5x)",
		"x: NetUserAdd failed: y (HRESULT 0x)", "x: NetUserAdd failed: y (errno 5)",
		"x: Net User Add failed: y (error 5)", "x: : failed: y (error 5)",
		"x: NetUserAdd broke: y (error 5)", "x: NetUserAdd failed: y (error 5) ",
		"offline firewall rule user scope mismatch: expected SID S-1, got (x)", NULL};
	for (size_t i = 0; no[i]; i++)
		if (win_api_failure_parse(no[i], &f) == 0)
			test_fail(__FILE__, __LINE__, "parsed \"%s\"", no[i]);
	CHECK_INT(win_api_failure_parse(NULL, &f), -1);
}

/* A failure that was not a Win32 call has no API, and nothing to roll back. */
TEST(win_setup_error_json_without_api)
{
	struct win_setup_ops o = ops();
	struct win_journal j = {0};
	struct win_setup_result r;
	char *json, line[512];
	struct err e = {0};

	memset(&r, 0, sizeof r);
	r.failed_step = 4;
	err_set(&r.error, "out of memory");
	REQUIRE((json = win_setup_error_json(&o, &j, &r)) != NULL);
	CHECK_STR(json, "{\"code\":\"helper_setup_marker_write_failed\",\"message\":\"out of memory\","
			"\"step\":\"marker\",\"api\":null,\"error_code\":null,\"error_words\":null,"
			"\"rolled_back\":[],\"not_rolled_back\":[],\"marker_removed\":false}");
	CHECK_INT(win_setup_error_line(json, strlen(json), "P", line, sizeof line, &e), 0);
	CHECK_STR(line, "Windows sandbox setup failed at step marker "
			"(helper_setup_marker_write_failed): out of memory; rolled back 0 changes "
			"(details: P)");
	free(json);
}

TEST(win_setup_error_line_inputs)
{
	char line[256];
	struct err e = {0};
	const char *upstream = "{\"code\":\"helper_users_group_create_failed\",\"message\":\"m\"}";
	const char *ctl = "{\"code\":\"c\",\"message\":\"a\\nb\\u001b[31mc\",\"step\":\"s\\r\","
			  "\"rolled_back\":[\"x\"]}";
	char *big;

	/* Upstream's two-member form reads too. */
	CHECK_INT(win_setup_error_line(upstream, strlen(upstream), "P", line, sizeof line, &e), 0);
	CHECK_STR(line, "Windows sandbox setup failed (helper_users_group_create_failed): m; "
			"rolled back 0 changes (details: P)");
	/* Control characters from the file never reach the terminal. */
	CHECK_INT(win_setup_error_line(ctl, strlen(ctl), "P", line, sizeof line, &e), 0);
	CHECK_STR(line, "Windows sandbox setup failed at step s  (c): a b [31mc; rolled back 1 "
			"change (details: P)");
	/* Truncated to the room given, always terminated. */
	CHECK_INT(win_setup_error_line(upstream, strlen(upstream), "P", line, 20, &e), 0);
	CHECK_INT(strlen(line), 19);
	static const char *const bad[] = {"", "[]", "{}", "{\"code\":\"c\"}", "{\"message\":\"m\"}",
					  "{\"code\":1,\"message\":\"m\"}", "{\"code\":\"c\",", "null",
					  NULL};
	for (size_t i = 0; bad[i]; i++)
		if (win_setup_error_line(bad[i], strlen(bad[i]), "P", line, sizeof line, &e) == 0)
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
	REQUIRE((big = malloc(WIN_SETUP_ERROR_MAX_BYTES + 2)) != NULL);
	memset(big, ' ', WIN_SETUP_ERROR_MAX_BYTES + 1);
	big[WIN_SETUP_ERROR_MAX_BYTES + 1] = '\0';
	CHECK_INT(win_setup_error_line(big, strlen(big), "P", line, sizeof line, &e), -1);
	CHECK_CONTAINS(e.msg, "larger than");
	free(big);
}

/* ---- Firewall rule snapshots ------------------------------------------------------ */

TEST(win_fw_state_round_trip)
{
	struct win_fw_state s = {(char *)"Codex Sandbox Offline - Block Loopback TCP (Except Proxy)",
				 (char *)WIN_FW_LOOPBACK_ADDRESSES, (char *)"1-3127,3129-65535",
				 (char *)"O:LSD:(A;;CC;;;S-1-5-21-1-2-3-1001)", 2, 0, 6, 0x7fffffff,
				 true};
	struct win_fw_state back;
	struct err e = {0};
	char *json = win_fw_state_json(&s);

	REQUIRE(json != NULL);
	REQUIRE(win_fw_state_parse(json, strlen(json), &back, &e) == 0);
	CHECK_STR(back.description, s.description);
	CHECK_STR(back.remote_addresses, s.remote_addresses);
	CHECK_STR(back.remote_ports, s.remote_ports);
	CHECK_STR(back.local_users, s.local_users);
	CHECK_INT(back.direction, 2);
	CHECK_INT(back.action, 0);
	CHECK_INT(back.protocol, 6);
	CHECK_INT(back.profiles, 0x7fffffff);
	CHECK(back.enabled);
	win_fw_state_free(&back);
	free(json);

	/* Unset strings (an any-protocol rule has no ports) stay unset. */
	struct win_fw_state any = {NULL, NULL, NULL, NULL, 2, 0, 256, 7, false};
	REQUIRE((json = win_fw_state_json(&any)) != NULL);
	REQUIRE(win_fw_state_parse(json, strlen(json), &back, &e) == 0);
	CHECK(back.remote_ports == NULL && back.description == NULL);
	CHECK_INT(back.protocol, 256);
	CHECK(!back.enabled);
	win_fw_state_free(&back);
	free(json);
}

TEST(win_fw_state_rejects)
{
	static const char *const bad[] = {
		"", "[]", "{}", "{\"direction\":2,\"action\":0,\"protocol\":6,\"profiles\":1}",
		"{\"direction\":3,\"action\":0,\"protocol\":6,\"profiles\":1,\"enabled\":true}",
		"{\"direction\":2,\"action\":2,\"protocol\":6,\"profiles\":1,\"enabled\":true}",
		"{\"direction\":2,\"action\":0,\"protocol\":257,\"profiles\":1,\"enabled\":true}",
		"{\"direction\":2,\"action\":0,\"protocol\":6,\"profiles\":-1,\"enabled\":true}",
		"{\"direction\":2,\"action\":0,\"protocol\":6.5,\"profiles\":1,\"enabled\":true}",
		"{\"direction\":2,\"action\":0,\"protocol\":6,\"profiles\":1,\"enabled\":1}",
		"{\"direction\":2,\"action\":0,\"protocol\":6,\"profiles\":1,\"enabled\":true,"
		"\"remote_ports\":5}",
		NULL};
	struct win_fw_state s;
	struct err e = {0};

	for (size_t i = 0; bad[i]; i++) {
		if (win_fw_state_parse(bad[i], strlen(bad[i]), &s, &e) == 0) {
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
			win_fw_state_free(&s);
		}
	}
}
