/* sandbox/windows: the plan that codex.exe applies, proven here (reference
 * codex-windows-sandbox.md §3.6, §3.7, §5, §6 and the test list of §8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/windows/windows_sandbox.h"
#include "test.h"

/* ---- Port extraction --------------------------------------------------------------- */

TEST(win_loopback_url_forms)
{
	CHECK_INT(win_loopback_proxy_port("http://localhost:3128"), 3128);
	CHECK_INT(win_loopback_proxy_port("https://127.0.0.1:8080"), 8080);
	CHECK_INT(win_loopback_proxy_port("socks5h://user:pass@[::1]:1080"), 1080);
	CHECK_INT(win_loopback_proxy_port("http://LocalHost:1"), 1);
	CHECK_INT(win_loopback_proxy_port("HTTP://LOCALHOST:65535"), 65535);
	CHECK_INT(win_loopback_proxy_port("  http://127.0.0.1:3128\t\n"), 3128);
	/* Any scheme; userinfo up to the last '@'; a path after the port is cut off. */
	CHECK_INT(win_loopback_proxy_port("whatever://127.0.0.1:9"), 9);
	CHECK_INT(win_loopback_proxy_port("http://a@b@127.0.0.1:3128"), 3128);
	CHECK_INT(win_loopback_proxy_port("http://127.0.0.1:3128/"), 3128);
	CHECK_INT(win_loopback_proxy_port("http://127.0.0.1:3128/x:9"), 3128);
}

TEST(win_loopback_url_rejects)
{
	static const char *const bad[] = {
		"http://example.com:3128", "http://127.0.0.2:3128", "http://0.0.0.0:3128",
		"http://[::ffff:127.0.0.1]:3128", "http://[::1]", "http://[::1]3128",
		"http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:99999999999",
		"localhost:8080", "127.0.0.1:8080", "http://localhost", "http://localhost:",
		"http://127.0.0.1:8080?x", "http://127.0.0.1:80a", "http://127.0.0.1:-1",
		"http://127.0.0.1: 80", "", "   ", "://", "http://", "http://@", "http://[",
		"http://localhost.:80", "http://evil.com@:80", "http://127.0.0.1:+80",
		NULL};
	for (size_t i = 0; bad[i]; i++)
		if (win_loopback_proxy_port(bad[i]) != 0)
			test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
	CHECK_INT(win_loopback_proxy_port(NULL), 0);
}

static void ports_are(const struct win_net_settings *s, const unsigned *want, size_t n,
		      int line)
{
	bool ok = s->n_ports == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = s->ports[i] == want[i];
	if (!ok)
		test_fail(__FILE__, line, "ports differ (got %zu ports, first %u)", s->n_ports,
			  s->n_ports ? (unsigned)s->ports[0] : 0u);
}

TEST(win_ports_every_key_and_case)
{
	static const char *const keys[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WS_PROXY",
					   "WSS_PROXY", "http_proxy", "https_proxy", "all_proxy",
					   "ws_proxy", "wss_proxy"};
	for (size_t k = 0; k < 10; k++) {
		char entry[64];
		char *env[] = {entry, NULL};
		struct win_net_settings s;
		unsigned want = 1000 + (unsigned)k;
		snprintf(entry, sizeof entry, "%s=http://127.0.0.1:%u", keys[k], want);
		win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
		ports_are(&s, &want, 1, __LINE__);
	}
	/* Keys match case-sensitively: a mixed-case key is not one of them. */
	char *mixed[] = {"Http_Proxy=http://127.0.0.1:1", "NO_PROXY=http://127.0.0.1:2",
			 "FTP_PROXY=http://127.0.0.1:3", "HTTP_PROXYX=http://127.0.0.1:4", NULL};
	struct win_net_settings s;
	win_net_settings_from_env(mixed, WIN_IDENTITY_OFFLINE, &s);
	CHECK_INT(s.n_ports, 0);
}

TEST(win_ports_sorted_dedup_and_filtered)
{
	char *env[] = {"PATH=/bin",
		       "HTTPS_PROXY=http://127.0.0.1:8080",
		       "http_proxy=http://localhost:8080",
		       "HTTP_PROXY=http://127.0.0.1:3128",
		       "ALL_PROXY=socks5h://127.0.0.1:1081",
		       "all_proxy=http://proxy.corp:3128",
		       "WS_PROXY=garbage",
		       "wss_proxy=http://127.0.0.1:0",
		       NULL};
	static const unsigned want[] = {1081, 3128, 8080};
	struct win_net_settings s;

	win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
	ports_are(&s, want, 3, __LINE__);
	CHECK(!s.allow_local_binding);
}

TEST(win_ports_all_ten_distinct)
{
	static const char *const keys[] = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WS_PROXY",
					   "WSS_PROXY", "http_proxy", "https_proxy", "all_proxy",
					   "ws_proxy", "wss_proxy"};
	char buf[10][64], *env[11];
	unsigned want[10];
	struct win_net_settings s;

	for (size_t k = 0; k < 10; k++) {
		snprintf(buf[k], sizeof buf[k], "%s=http://localhost:%u", keys[k], 60000 - (unsigned)k);
		env[k] = buf[k];
		want[k] = 60000 - 9 + (unsigned)k;
	}
	env[10] = NULL;
	win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
	ports_are(&s, want, 10, __LINE__);
}

TEST(win_local_binding_only_exactly_1)
{
	static const struct { const char *v; bool want; } cases[] = {
		{"CODEX_NETWORK_ALLOW_LOCAL_BINDING=1", true},
		{"CODEX_NETWORK_ALLOW_LOCAL_BINDING=0", false},
		{"CODEX_NETWORK_ALLOW_LOCAL_BINDING=true", false},
		{"CODEX_NETWORK_ALLOW_LOCAL_BINDING= 1", false},
		{"CODEX_NETWORK_ALLOW_LOCAL_BINDING=", false},
		{"codex_network_allow_local_binding=1", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *env[] = {(char *)cases[i].v, NULL};
		struct win_net_settings s;
		win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
		if (s.allow_local_binding != cases[i].want)
			test_fail(__FILE__, __LINE__, "%s", cases[i].v);
	}
}

TEST(win_online_identity_ignores_env)
{
	char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", "CODEX_NETWORK_ALLOW_LOCAL_BINDING=1",
		       NULL};
	struct win_net_settings s;

	win_net_settings_from_env(env, WIN_IDENTITY_ONLINE, &s);
	CHECK_INT(s.n_ports, 0);
	CHECK(!s.allow_local_binding);
	win_net_settings_from_env(env, WIN_IDENTITY_OFFLINE, &s);
	CHECK_INT(s.n_ports, 1);
	CHECK(s.allow_local_binding);
}

/* ---- Identity and backend ------------------------------------------------------------ */

TEST(win_identity_table)
{
	static const struct {
		enum sandbox_mode mode;
		bool network_access, proxy;
		enum win_identity want;
	} rows[] = {
		{SANDBOX_MODE_READ_ONLY, false, false, WIN_IDENTITY_OFFLINE},
		{SANDBOX_MODE_READ_ONLY, false, true, WIN_IDENTITY_OFFLINE},
		{SANDBOX_MODE_WORKSPACE_WRITE, false, false, WIN_IDENTITY_OFFLINE},
		{SANDBOX_MODE_WORKSPACE_WRITE, true, false, WIN_IDENTITY_ONLINE},
		{SANDBOX_MODE_WORKSPACE_WRITE, true, true, WIN_IDENTITY_OFFLINE},
		{SANDBOX_MODE_DANGER_FULL_ACCESS, false, false, WIN_IDENTITY_ONLINE},
		{SANDBOX_MODE_DANGER_FULL_ACCESS, false, true, WIN_IDENTITY_OFFLINE},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct sandbox_policy p;
		sandbox_policy_init(&p, rows[i].mode);
		p.network_access = rows[i].network_access;
		if (win_identity_for(&p, rows[i].proxy) != rows[i].want)
			test_fail(__FILE__, __LINE__, "row %zu", i);
		sandbox_policy_free(&p);
	}
	CHECK_STR(win_identity_str(WIN_IDENTITY_OFFLINE), "offline");
	CHECK_STR(win_identity_str(WIN_IDENTITY_ONLINE), "online");
}

TEST(win_elevated_switch)
{
	static const struct {
		const char *configured;
		enum sandbox_mode mode;
		bool proxy;
		enum win_backend want;
		bool forced;
	} rows[] = {
		{NULL, SANDBOX_MODE_READ_ONLY, false, WIN_BACKEND_UNELEVATED, false},
		{"unelevated", SANDBOX_MODE_WORKSPACE_WRITE, false, WIN_BACKEND_UNELEVATED, false},
		{"elevated", SANDBOX_MODE_READ_ONLY, false, WIN_BACKEND_ELEVATED, false},
		/* proxy enforcement always needs the logon users, and says it overrode */
		{NULL, SANDBOX_MODE_READ_ONLY, true, WIN_BACKEND_ELEVATED, true},
		{"unelevated", SANDBOX_MODE_WORKSPACE_WRITE, true, WIN_BACKEND_ELEVATED, true},
		{"elevated", SANDBOX_MODE_WORKSPACE_WRITE, true, WIN_BACKEND_ELEVATED, false},
		{"unelevated", SANDBOX_MODE_DANGER_FULL_ACCESS, true, WIN_BACKEND_ELEVATED, true},
		{"elevated", SANDBOX_MODE_DANGER_FULL_ACCESS, false, WIN_BACKEND_NONE, false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct sandbox_policy p;
		bool forced = !rows[i].forced;
		sandbox_policy_init(&p, rows[i].mode);
		if (win_backend_for(rows[i].configured, &p, rows[i].proxy, &forced) != rows[i].want ||
		    forced != rows[i].forced)
			test_fail(__FILE__, __LINE__, "row %zu", i);
		sandbox_policy_free(&p);
	}
}

/* ---- Firewall ------------------------------------------------------------------------- */

static const char *blocked(const uint16_t *ports, size_t n)
{
	static char out[WIN_FW_PORTS_MAX];
	int r = win_fw_blocked_ports(ports, n, out, sizeof out);
	return r < 0 ? "(error)" : r == 0 ? "(none)" : out;
}

TEST(win_blocked_port_complement)
{
	CHECK_STR(blocked(NULL, 0), "1-65535");
	CHECK_STR(blocked((uint16_t[]){8080}, 1), "1-8079,8081-65535");
	CHECK_STR(blocked((uint16_t[]){8080, 1081}, 2), "1-1080,1082-8079,8081-65535");
	CHECK_STR(blocked((uint16_t[]){1}, 1), "2-65535");
	CHECK_STR(blocked((uint16_t[]){65535}, 1), "1-65534");
	CHECK_STR(blocked((uint16_t[]){3128, 3129}, 2), "1-3127,3130-65535");
	CHECK_STR(blocked((uint16_t[]){1, 65535}, 2), "2-65534");
	CHECK_STR(blocked((uint16_t[]){2, 65534}, 2), "1,3-65533,65535");
	CHECK_STR(blocked((uint16_t[]){0, 8080, 8080}, 3), "1-8079,8081-65535");
	CHECK_STR(blocked((uint16_t[]){3, 1, 5}, 3), "2,4,6-65535");
	/* Too small a buffer is an error, never a truncated list. */
	char tiny[8];
	CHECK_INT(win_fw_blocked_ports((uint16_t[]){8080}, 1, tiny, sizeof tiny), -1);
	CHECK_STR(tiny, "");
}

TEST(win_blocked_port_worst_case_fits)
{
	/* Ten ports spread out: eleven ranges of five-digit ports. */
	uint16_t ports[10];
	char out[WIN_FW_PORTS_MAX];
	for (size_t i = 0; i < 10; i++)
		ports[i] = (uint16_t)(10002 + 5000 * i);
	CHECK_INT(win_fw_blocked_ports(ports, 10, out, sizeof out), 1);
	CHECK_CONTAINS(out, "1-10001,10003-15001,");
	CHECK_CONTAINS(out, ",55003-65535");
}

static void no_forbidden_forms(const struct win_fw_op *ops, size_t n, int line)
{
	for (size_t i = 0; i < n; i++) {
		const struct win_fw_op *o = &ops[i];
		if (o->action != WIN_FW_UPSERT)
			continue;
		/* "::1" makes the firewall refuse the rule; ports on ANY too. */
		if (strstr(o->remote_addresses, "::1"))
			test_fail(__FILE__, line, "%s carries ::1", o->name);
		if (o->protocol == WIN_FW_PROTO_ANY && o->remote_ports[0])
			test_fail(__FILE__, line, "%s: ports on an any-protocol rule", o->name);
		if (o->protocol == WIN_FW_PROTO_UDP && o->remote_ports[0])
			test_fail(__FILE__, line, "%s: UDP ports set", o->name);
	}
}

TEST(win_firewall_without_local_binding)
{
	struct win_net_settings s = {{3128, 8081}, 2, false};
	struct win_fw_op ops[WIN_FW_OPS_MAX];
	size_t n = win_fw_plan(&s, ops);

	REQUIRE(n == 5);
	/* fail closed: both loopback blocks, with every TCP port, before the legacy allow
	 * rule goes and before the TCP block narrows */
	CHECK(ops[0].action == WIN_FW_UPSERT);
	CHECK_STR(ops[0].name, "codex_sandbox_offline_block_loopback_udp");
	CHECK_INT(ops[0].protocol, 17);
	CHECK_STR(ops[0].remote_addresses, "127.0.0.0/8,::/127");
	CHECK_STR(ops[0].remote_ports, "");
	CHECK_STR(ops[1].name, "codex_sandbox_offline_block_loopback_tcp");
	CHECK_INT(ops[1].protocol, 6);
	CHECK_STR(ops[1].remote_ports, "1-65535");
	CHECK(ops[2].action == WIN_FW_REMOVE);
	CHECK_STR(ops[2].name, "codex_sandbox_offline_allow_loopback_proxy");
	CHECK_STR(ops[3].name, "codex_sandbox_offline_block_loopback_tcp");
	CHECK_STR(ops[3].remote_ports, "1-3127,3129-8080,8082-65535");
	CHECK_STR(ops[3].description, "Codex Sandbox Offline - Block Loopback TCP (Except Proxy)");
	CHECK_STR(ops[4].name, "codex_sandbox_offline_block_outbound");
	CHECK_INT(ops[4].protocol, 256);
	CHECK_STR(ops[4].remote_addresses, WIN_FW_NON_LOOPBACK_ADDRESSES);
	CHECK_STR(ops[4].description, "Codex Sandbox Offline - Block Non-Loopback Outbound");
	no_forbidden_forms(ops, n, __LINE__);
}

TEST(win_firewall_port_sets)
{
	static const struct {
		uint16_t ports[3];
		size_t n;
		const char *narrowed; /* NULL: no narrowing step */
	} rows[] = {
		{{0}, 0, NULL},
		{{1}, 1, "2-65535"},
		{{65535}, 1, "1-65534"},
		{{3128, 3129}, 2, "1-3127,3130-65535"},
		{{1, 2, 65535}, 3, "3-65534"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct win_net_settings s = {{0}, rows[i].n, false};
		struct win_fw_op ops[WIN_FW_OPS_MAX];
		size_t n;
		memcpy(s.ports, rows[i].ports, sizeof rows[i].ports);
		n = win_fw_plan(&s, ops);
		if (n != (rows[i].narrowed ? 5u : 4u)) {
			test_fail(__FILE__, __LINE__, "row %zu: %zu ops", i, n);
			continue;
		}
		/* all loopback TCP stays blocked without proxy ports */
		CHECK_STR(ops[1].remote_ports, "1-65535");
		if (rows[i].narrowed)
			CHECK_STR(ops[3].remote_ports, rows[i].narrowed);
		CHECK_STR(ops[n - 1].name, WIN_FW_RULE_NON_LOOPBACK);
		no_forbidden_forms(ops, n, __LINE__);
	}
}

TEST(win_firewall_with_local_binding)
{
	struct win_net_settings s = {{3128}, 1, true};
	struct win_fw_op ops[WIN_FW_OPS_MAX];
	size_t n = win_fw_plan(&s, ops);

	REQUIRE(n == 4);
	CHECK(ops[0].action == WIN_FW_REMOVE);
	CHECK_STR(ops[0].name, WIN_FW_RULE_LEGACY_ALLOW);
	CHECK(ops[1].action == WIN_FW_REMOVE);
	CHECK_STR(ops[1].name, WIN_FW_RULE_LOOPBACK_UDP);
	CHECK(ops[2].action == WIN_FW_REMOVE);
	CHECK_STR(ops[2].name, WIN_FW_RULE_LOOPBACK_TCP);
	CHECK(ops[3].action == WIN_FW_UPSERT);
	CHECK_STR(ops[3].name, WIN_FW_RULE_NON_LOOPBACK);
	CHECK_STR(ops[3].remote_ports, "");
	no_forbidden_forms(ops, n, __LINE__);
}

/* ---- Marker and drift ------------------------------------------------------------------ */

TEST(win_marker_round_trip)
{
	struct win_net_settings s = {{1081, 8080}, 2, true};
	struct win_marker m;
	struct err e;
	char *json = win_marker_json(&s, "2026-01-01T00:00:00Z", NULL);

	REQUIRE(json);
	CHECK_STR(json, "{\"version\":5,\"offline_username\":\"CodexSandboxOffline\","
			"\"online_username\":\"CodexSandboxOnline\","
			"\"created_at\":\"2026-01-01T00:00:00Z\",\"proxy_ports\":[1081,8080],"
			"\"allow_local_binding\":true,\"read_roots\":[],\"write_roots\":[]}");
	REQUIRE(win_marker_parse(json, strlen(json), &m, &e) == 0);
	CHECK_INT(m.version, 5);
	CHECK_INT(m.net.n_ports, 2);
	CHECK_INT(m.net.ports[0], 1081);
	CHECK_INT(m.net.ports[1], 8080);
	CHECK(m.net.allow_local_binding);
	free(json);
}

TEST(win_marker_old_and_bad)
{
	struct win_marker m;
	struct err e;
	const char *old = "{\"version\":5,\"offline_username\":\"CodexSandboxOffline\"}";
	const char *unsorted = "{\"version\":5,\"proxy_ports\":[8080,3128,8080]}";

	/* before proxy support: [] and false */
	REQUIRE(win_marker_parse(old, strlen(old), &m, &e) == 0);
	CHECK_INT(m.net.n_ports, 0);
	CHECK(!m.net.allow_local_binding);
	REQUIRE(win_marker_parse(unsorted, strlen(unsorted), &m, &e) == 0);
	CHECK_INT(m.net.n_ports, 2);
	CHECK_INT(m.net.ports[0], 3128);
	static const char *const bad[] = {
		"", "[]", "{}", "{\"version\":\"5\"}", "{\"version\":5.5}",
		"{\"version\":5,\"proxy_ports\":[0]}", "{\"version\":5,\"proxy_ports\":[65536]}",
		"{\"version\":5,\"proxy_ports\":[80.5]}", "{\"version\":5,\"proxy_ports\":\"80\"}",
		"{\"version\":5,\"proxy_ports\":[1,2,3,4,5,6,7,8,9,10,11]}",
		"{\"version\":5,\"allow_local_binding\":1}", "{\"version\":5", NULL};
	for (size_t i = 0; bad[i]; i++)
		if (win_marker_parse(bad[i], strlen(bad[i]), &m, &e) == 0)
			test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
}

TEST(win_setup_drift)
{
	struct win_marker m = {5, {{3128}, 1, false}, STRV_INIT};
	struct win_net_settings same = {{3128}, 1, false};
	struct win_net_settings moved = {{1081, 8080}, 2, true};
	struct win_net_settings bind_only = {{3128}, 1, true};
	char reason[WIN_REASON_MAX];

	CHECK(win_setup_needed(NULL, WIN_IDENTITY_OFFLINE, &same, reason));
	CHECK_STR(reason, "sandbox setup marker missing or incompatible");
	CHECK(win_setup_needed(NULL, WIN_IDENTITY_ONLINE, &same, reason));
	CHECK(!win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &same, reason));
	CHECK_STR(reason, "");
	CHECK(win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &moved, reason));
	CHECK_STR(reason, "offline firewall settings changed (stored_ports=[3128], "
			  "desired_ports=[1081, 8080], stored_allow_local_binding=false, "
			  "desired_allow_local_binding=true)");
	CHECK(win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &bind_only, reason));
	CHECK_CONTAINS(reason, "desired_ports=[3128], stored_allow_local_binding=false");
	/* the online identity has no rules to drift */
	CHECK(!win_setup_needed(&m, WIN_IDENTITY_ONLINE, &moved, reason));
	/* another version is incompatible, whatever the settings */
	m.version = 4;
	CHECK(win_setup_needed(&m, WIN_IDENTITY_ONLINE, &same, reason));
	CHECK_STR(reason, "sandbox setup marker missing or incompatible");
	m.version = 5;
	m.net.n_ports = 0;
	struct win_net_settings none = {{0}, 0, false};
	CHECK(win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &same, reason));
	CHECK_CONTAINS(reason, "stored_ports=[], desired_ports=[3128]");
	CHECK(!win_setup_needed(&m, WIN_IDENTITY_OFFLINE, &none, reason));
}

/* ---- The whole plan --------------------------------------------------------------------- */

TEST(win_plan_proxy_run)
{
	struct sandbox_policy p;
	char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", "ALL_PROXY=socks5h://127.0.0.1:8081",
		       "CODEX_NETWORK_ALLOW_LOCAL_BINDING=0", NULL};
	char *cmd[] = {"cmd", "/c", "dir", NULL};
	struct win_marker m = {5, {{3128, 8081}, 2, false}, STRV_INIT};
	struct win_plan_input in = {&p, true, "unelevated", env, &m, cmd, NULL, NULL};
	struct win_plan plan;
	char *json;

	sandbox_policy_init(&p, SANDBOX_MODE_WORKSPACE_WRITE);
	win_plan_build(&in, &plan);
	CHECK(plan.backend == WIN_BACKEND_ELEVATED);
	CHECK(plan.backend_forced);
	CHECK(plan.identity == WIN_IDENTITY_OFFLINE);
	CHECK_INT(plan.net.n_ports, 2);
	CHECK(!plan.setup_needed);
	CHECK_INT(plan.n_fw, 5);
	json = win_plan_json(&in, &plan);
	REQUIRE(json);
	CHECK_CONTAINS(json, "\"identity\": \"offline\"");
	CHECK_CONTAINS(json, "\"user\": \"CodexSandboxOffline\"");
	CHECK_CONTAINS(json, "\"remote_ports\": \"1-3127,3129-8080,8082-65535\"");
	CHECK_CONTAINS(json, "\"required\": false");
	CHECK_CONTAINS(json, "\"path\": \"<cwd>\\\\.codex\"");
	CHECK(json[strlen(json) - 1] == '\n');
	free(json);
	sandbox_policy_free(&p);
}

TEST(win_plan_unelevated_has_no_firewall)
{
	struct sandbox_policy p;
	char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", NULL};
	char *cmd[] = {"x", NULL};
	struct win_plan_input in = {&p, false, NULL, env, NULL, cmd, NULL, NULL};
	struct win_plan plan;
	char *json;

	sandbox_policy_init(&p, SANDBOX_MODE_READ_ONLY);
	win_plan_build(&in, &plan);
	CHECK(plan.backend == WIN_BACKEND_UNELEVATED);
	CHECK(!plan.backend_forced);
	CHECK_INT(plan.n_fw, 0);
	CHECK(!plan.setup_needed);
	json = win_plan_json(&in, &plan);
	REQUIRE(json);
	CHECK(!strstr(json, "firewall"));
	CHECK_CONTAINS(json, "not enforced");
	free(json);
	sandbox_policy_free(&p);
}

TEST(win_plan_online_elevated)
{
	struct sandbox_policy p;
	char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", NULL};
	char *cmd[] = {"x", NULL};
	struct win_marker m = {5, {{3128}, 1, false}, STRV_INIT};
	struct win_plan_input in = {&p, false, "elevated", env, &m, cmd, NULL, NULL};
	struct win_plan plan;

	sandbox_policy_init(&p, SANDBOX_MODE_WORKSPACE_WRITE);
	p.network_access = true;
	win_plan_build(&in, &plan);
	CHECK(plan.backend == WIN_BACKEND_ELEVATED);
	CHECK(plan.identity == WIN_IDENTITY_ONLINE);
	/* online: no ports, and the offline rules close loopback TCP entirely */
	CHECK_INT(plan.net.n_ports, 0);
	CHECK_INT(plan.n_fw, 4);
	CHECK(!plan.setup_needed);
	sandbox_policy_free(&p);
}

/* Out of memory at any allocation: NULL or -1, never a partial plan or marker. */
TEST(win_plan_json_and_marker_allocation_failures)
{
	struct sandbox_policy p;
	char *env[] = {"HTTP_PROXY=http://127.0.0.1:3128", NULL};
	char *cmd[] = {"cmd", "/c", "dir", NULL};
	struct win_plan_input in = {&p, true, NULL, env, NULL, cmd, NULL, NULL};
	struct win_plan plan;
	struct win_net_settings s = {{3128, 8081}, 2, false};
	const char *marker = "{\"version\":5,\"proxy_ports\":[8081,3128],\"allow_local_binding\":true}";
	char *want, *want_marker;

	sandbox_policy_init(&p, SANDBOX_MODE_WORKSPACE_WRITE);
	win_plan_build(&in, &plan);
	want = win_plan_json(&in, &plan);
	want_marker = win_marker_json(&s, "2026-01-01T00:00:00Z", NULL);
	REQUIRE(want && want_marker);
	FOR_EACH_ALLOC_FAILURE(2000, {
		char *got = win_plan_json(&in, &plan);
		if (got && strcmp(got, want) != 0)
			test_fail(__FILE__, __LINE__, "a different plan under allocation failure");
		free(got);
	});
	FOR_EACH_ALLOC_FAILURE(200, {
		char *got = win_marker_json(&s, "2026-01-01T00:00:00Z", NULL);
		if (got && strcmp(got, want_marker) != 0)
			test_fail(__FILE__, __LINE__, "a different marker under allocation failure");
		free(got);
	});
	FOR_EACH_ALLOC_FAILURE(200, {
		struct win_marker m;
		struct err e;
		if (win_marker_parse(marker, strlen(marker), &m, &e) == 0 &&
		    (m.net.n_ports != 2 || m.net.ports[0] != 3128 || !m.net.allow_local_binding))
			test_fail(__FILE__, __LINE__, "a different marker parsed");
	});
	free(want);
	free(want_marker);
	sandbox_policy_free(&p);
}
