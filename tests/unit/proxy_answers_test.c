/* Upstream's exact answers (answers.c), audit lines, the blocked ring and the summary
 * (audit.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/answers.h"
#include "proxy/audit.h"
#include "test.h"

TEST(answers_header_values_and_messages)
{
	CHECK_STR(answer_proxy_error(PROXY_REASON_NOT_ALLOWED), "blocked-by-allowlist");
	CHECK_STR(answer_proxy_error(PROXY_REASON_NOT_ALLOWED_LOCAL), "blocked-by-allowlist");
	CHECK_STR(answer_proxy_error(PROXY_REASON_DENIED), "blocked-by-denylist");
	CHECK_STR(answer_proxy_error(PROXY_REASON_METHOD_NOT_ALLOWED), "blocked-by-method-policy");
	CHECK_STR(answer_human_message(PROXY_REASON_NOT_ALLOWED_LOCAL),
		  "Codex blocked this request: local/private addresses not allowed.");
	CHECK_STR(answer_human_message(PROXY_REASON_DENIED),
		  "Codex blocked this request: domain denied by policy.");
}

TEST(answers_decision_line_test_vector)
{
	struct buf b;

	buf_init(&b, 4096);
	REQUIRE(answer_decision_line(&b, PROXY_REASON_NOT_ALLOWED, "http", "api.example.com", 80) == 0);
	/* The exact vector from upstream's responses.rs test. */
	CHECK_STR(b.data, "CODEX_NETWORK_POLICY_DECISION {\"decision\":\"deny\",\"reason\":\"not_allowed\","
			  "\"source\":\"baseline_policy\",\"protocol\":\"http\",\"host\":\"api.example.com\","
			  "\"port\":80}");
	buf_free(&b);
}

TEST(answers_blocked_connect_text_form)
{
	struct buf b;
	const char *want =
		"HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-proxy-error: "
		"blocked-by-method-policy\r\ncontent-length: 219\r\nconnection: close\r\n\r\n"
		"CODEX_NETWORK_POLICY_DECISION {\"decision\":\"deny\",\"reason\":\"method_not_allowed\","
		"\"source\":\"mode_guard\",\"protocol\":\"https_connect\",\"host\":\"a.test\",\"port\":443}\n"
		"Codex blocked this request: method not allowed in limited mode.";

	buf_init(&b, 16384);
	REQUIRE(answer_blocked(&b, PROXY_REASON_METHOD_NOT_ALLOWED, false, "https_connect", "a.test", 443,
			       false) == 0);
	CHECK_STR(b.data, want);
	CHECK_INT(strlen(strstr(want, "\r\n\r\n") + 4), 219);
	buf_free(&b);
}

TEST(answers_blocked_json_form)
{
	struct buf b;

	buf_init(&b, 16384);
	REQUIRE(answer_blocked(&b, PROXY_REASON_DENIED, false, "http", "d.test", 8080, true) == 0);
	CHECK_CONTAINS(b.data, "content-type: application/json\r\nx-proxy-error: blocked-by-denylist\r\n");
	CHECK_CONTAINS(b.data, "\r\n\r\n{\"status\":\"blocked\",\"host\":\"d.test\",\"reason\":\"denied\","
			       "\"decision\":\"deny\",\"source\":\"baseline_policy\",\"protocol\":\"http\","
			       "\"port\":8080,\"message\":\"CODEX_NETWORK_POLICY_DECISION {\\\"decision\\\"");
	CHECK_CONTAINS(b.data, "\\\"port\\\":8080}\\nCodex blocked this request: domain denied by policy.\"}");
	buf_free(&b);
}

static void rec_unresolved(struct audit *a, const char *host, unsigned port,
			   enum proxy_reason r, const char *protocol, bool unresolved)
{
	struct proxy_record x = {1735689600123, protocol, "127.0.0.1:5555", host, port, "GET", r,
				 10, 20, 3, unresolved, 0};
	audit_record(a, &x, NETWORK_MODE_FULL);
}

static void rec(struct audit *a, const char *host, unsigned port, enum proxy_reason r,
		const char *protocol)
{
	rec_unresolved(a, host, port, r, protocol, false);
}

TEST(audit_line_ring_and_summary)
{
	struct audit a;
	struct buf b;
	struct proxy_blocked snap[PROXY_BLOCKED_RING];
	char host[32];
	const char *path = test_write_file("audit.log", "");
	FILE *f = fopen(path, "a");

	REQUIRE(f);
	audit_init(&a, fileno(f), NULL, NULL);
	rec(&a, "pypi.org", 443, PROXY_REASON_NOT_ALLOWED, "https_connect");
	rec(&a, "ok.test", 80, PROXY_REASON_ALLOW, "http");
	rec(&a, "10.0.0.5", 80, PROXY_REASON_NOT_ALLOWED_LOCAL, "socks5_tcp");
	rec(&a, "pypi.org", 443, PROXY_REASON_NOT_ALLOWED, "https_connect");
	/* Upstream's reason for a name that does not resolve is not_allowed_local too; the
	 * summary says what really happened. */
	rec_unresolved(&a, "nowhere.test", 443, PROXY_REASON_NOT_ALLOWED_LOCAL, "https_connect", true);
	fclose(f);
	char *text = test_read_file(path);
	CHECK_CONTAINS(text, "{\"time\":\"2025-01-01T00:00:00.123Z\",\"protocol\":\"https_connect\","
			     "\"client\":\"127.0.0.1:5555\",\"host\":\"pypi.org\",\"port\":443,"
			     "\"method\":\"GET\",\"decision\":\"deny\",\"reason\":\"not_allowed\","
			     "\"bytes_up\":10,\"bytes_down\":20,\"duration_ms\":3}\n");
	CHECK_CONTAINS(text, "\"host\":\"ok.test\",\"port\":80,\"method\":\"GET\",\"decision\":\"allow\","
			     "\"reason\":\"allow\"");
	free(text);
	buf_init(&b, 4096);
	REQUIRE(audit_summary(&a, &b) == 0);
	CHECK_STR(b.data, "blocked 4 requests: pypi.org:443 (not allowed), 10.0.0.5:80 (private address), "
			  "nowhere.test:443 (could not resolve)");
	buf_reset(&b);
	REQUIRE(audit_blocked_json(&a, false, &b) == 0);
	CHECK_CONTAINS(b.data, "{\"blocked\":[{\"host\":\"pypi.org\",\"reason\":\"not_allowed\",\"client\":"
			       "\"127.0.0.1:5555\",\"method\":\"GET\",\"mode\":\"full\",\"protocol\":"
			       "\"http-connect\",\"decision\":\"deny\",\"source\":\"baseline_policy\","
			       "\"port\":443,\"timestamp\":1735689600}");
	CHECK_CONTAINS(b.data, "\"protocol\":\"socks5\"");
	/* 205 more blocks: the ring keeps the last 200, the total counts all. */
	a.fd = -1;
	for (int k = 0; k < 205; k++) {
		snprintf(host, sizeof host, "example%d.com", k);
		rec(&a, host, 80, PROXY_REASON_DENIED, "http");
	}
	CHECK_INT(a.total, 209);
	CHECK_INT(audit_snapshot(&a, snap, PROXY_BLOCKED_RING), 200);
	CHECK_STR(snap[0].host, "example5.com");
	CHECK_STR(snap[199].host, "example204.com");
	buf_reset(&b);
	REQUIRE(audit_summary(&a, &b) == 0);
	CHECK_CONTAINS(b.data, "blocked 209 requests: example5.com:80 (denied), ");
	CHECK_CONTAINS(b.data, " and 195 more");
	buf_free(&b);
}

TEST(audit_json_escapes_hostile_bytes)
{
	struct buf b;

	buf_init(&b, 256);
	REQUIRE(json_put_string(&b, "a\"b\\c\nd\x01\xff") == 0);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\nd\\u0001\\u00ff\"");
	buf_free(&b);
}
