/* The domain policy (src/proxy/policy.c): normalisation, patterns, evaluation order and
 * address classification, attacked with the spellings resolvers accept. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy/policy.h"
#include "test.h"

static struct policy *make(const char *const *allow, const char *const *deny, bool local)
{
	struct strv a = STRV_INIT, d = STRV_INIT;
	struct proxy_policy_spec spec = {NETWORK_MODE_FULL, &a, &d, local, false};
	struct policy *p = NULL;
	struct err e;

	for (; allow && *allow; allow++)
		REQUIRE(strv_push(&a, *allow) == 0);
	for (; deny && *deny; deny++)
		REQUIRE(strv_push(&d, *deny) == 0);
	if (policy_new(&spec, &p, &e) < 0)
		test_fail(__FILE__, __LINE__, "policy_new: %s", e.msg);
	strv_free(&a);
	strv_free(&d);
	REQUIRE(p);
	return p;
}

static enum proxy_reason check_host(struct policy *p, const char *raw)
{
	char host[PROXY_HOST_MAX];
	struct policy_verdict v;

	if (policy_normalize_host(raw, strlen(raw), host) < 0)
		return PROXY_REASON_BAD_REQUEST;
	policy_check_host(p, host, &v);
	return v.reason;
}

static const char *norm(const char *in)
{
	static char out[PROXY_HOST_MAX];
	return policy_normalize_host(in, strlen(in), out) == 0 ? out : "(invalid)";
}

TEST(policy_normalize)
{
	CHECK_STR(norm(" Example.COM. "), "example.com");
	CHECK_STR(norm("example.com.:443"), "example.com");
	CHECK_STR(norm("[::1]:8080"), "::1");
	CHECK_STR(norm("2001:db8::1"), "2001:db8::1");
	CHECK_STR(norm("[fe80::1%25lo0]"), "fe80::1%lo0");
	CHECK_STR(norm("FE80::1%eth0"), "fe80::1%eth0");
	CHECK_STR(norm(""), "(invalid)");
	CHECK_STR(norm("..."), "(invalid)");
	CHECK_STR(norm("a b.com"), "(invalid)");
	CHECK_STR(norm("user@a.com"), "(invalid)");
	CHECK_STR(norm("a.com/x"), "(invalid)");
	CHECK_STR(norm("b\xc3\xbc" "cher.de"), "(invalid)");
	CHECK_STR(norm("xn--bcher-kva.de"), "xn--bcher-kva.de");
	CHECK_STR(norm("[::1"), "(invalid)");
	CHECK_STR(norm("[::1]x"), "(invalid)");
	CHECK_STR(norm("::g"), "(invalid)");
}

TEST(policy_patterns)
{
	const char *allow[] = {"api.example.com", "*.sub.test", "**.both.test", "region*.v2.t",
			       NULL};
	struct policy *p = make(allow, NULL, false);

	CHECK_INT(check_host(p, "API.example.com."), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "example.com"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "x.api.example.com"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "a.sub.test"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "a.b.sub.test"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "sub.test"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "evilsub.test"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "both.test"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "x.both.test"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "evilboth.test"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "region1.v2.t"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "region.v2.t"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "xregion1.v2.t"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "foo.region1.v2.t"), PROXY_REASON_NOT_ALLOWED);
	policy_free(p);
}

TEST(policy_empty_allowlist_blocks_everything)
{
	struct policy *p = make(NULL, NULL, false);
	CHECK_INT(check_host(p, "example.com"), PROXY_REASON_NOT_ALLOWED);
	CHECK_INT(check_host(p, "8.8.8.8"), PROXY_REASON_NOT_ALLOWED);
	policy_free(p);
}

TEST(policy_order_deny_local_allow)
{
	const char *allow[] = {"*", NULL};
	const char *deny[] = {"**.openai.com", "127.0.0.1", NULL};
	struct policy *p = make(allow, deny, false);

	CHECK_INT(check_host(p, "api.openai.com"), PROXY_REASON_DENIED);
	CHECK_INT(check_host(p, "openai.com"), PROXY_REASON_DENIED);
	CHECK_INT(check_host(p, "example.org"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "8.8.8.8"), PROXY_REASON_ALLOW);
	/* Deny beats local protection; * never admits a local literal. */
	CHECK_INT(check_host(p, "127.0.0.1"), PROXY_REASON_DENIED);
	CHECK_INT(check_host(p, "127.0.0.2"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "localhost"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "LOCALHOST."), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "[::1]"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "::ffff:10.0.0.1"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "fe80::1%1"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "100.64.1.1"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	policy_free(p);
}

TEST(policy_exact_local_literal_allowlisted)
{
	const char *allow[] = {"10.0.0.5", "localhost", "*.internal", "fe80::1", NULL};
	struct policy *p = make(allow, NULL, false);
	char host[PROXY_HOST_MAX];
	struct policy_verdict v;
	struct sockaddr_storage ss;

	CHECK_INT(check_host(p, "10.0.0.5"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "10.0.0.6"), PROXY_REASON_NOT_ALLOWED_LOCAL);
	CHECK_INT(check_host(p, "localhost"), PROXY_REASON_ALLOW);
	CHECK_INT(check_host(p, "fe80::1%7"), PROXY_REASON_ALLOW); /* unscoped covers scoped */
	/* A name is not a local literal: it passes the text stage, and its resolved
	 * address is what gets judged (local_ok stays false). */
	REQUIRE(policy_normalize_host("db.internal", 11, host) == 0);
	policy_check_host(p, host, &v);
	CHECK_INT(v.reason, PROXY_REASON_ALLOW);
	CHECK(!v.is_literal && !v.local_ok);
	REQUIRE(policy_parse_ip_literal("10.1.2.3", &ss) == 0);
	CHECK(!policy_addr_permitted(&v, (struct sockaddr *)&ss));
	REQUIRE(policy_parse_ip_literal("93.184.216.34", &ss) == 0);
	CHECK(policy_addr_permitted(&v, (struct sockaddr *)&ss));
	policy_free(p);
}

TEST(policy_musl_spellings_are_names_not_literals)
{
	const char *allow[] = {"*", "127.1", "0x7f.1", NULL};
	struct policy *p = make(allow, NULL, false);
	static const char *spellings[] = {"127.1", "0x7f.1", "0x7f000001", "2130706433",
					  "0177.0.0.1", "127.000.000.001", "017700000001",
					  "127.0.1", NULL};
	struct sockaddr_storage ss;

	for (const char *const *s = spellings; *s; s++) {
		char host[PROXY_HOST_MAX];
		struct policy_verdict v;
		CHECK(policy_parse_ip_literal(*s, &ss) != 0);
		REQUIRE(policy_normalize_host(*s, strlen(*s), host) == 0);
		policy_check_host(p, host, &v);
		/* Allowed as a *name*, never with local_ok: the loopback address that the
		 * resolver makes of it is refused at connect time. */
		CHECK_INT(v.reason, PROXY_REASON_ALLOW);
		CHECK(!v.local_ok);
		REQUIRE(policy_parse_ip_literal("127.0.0.1", &ss) == 0);
		CHECK(!policy_addr_permitted(&v, (struct sockaddr *)&ss));
	}
	policy_free(p);
}

static bool pub(const char *lit)
{
	struct sockaddr_storage ss;
	if (policy_parse_ip_literal(lit, &ss) != 0) {
		test_fail(__FILE__, __LINE__, "not a literal: %s", lit);
		return true;
	}
	return policy_addr_is_public((struct sockaddr *)&ss);
}

TEST(policy_address_classes)
{
	static const char *blocked[] = {
		"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.169.254", "0.0.0.0",
		"0.1.2.3", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.19.255.1",
		"198.51.100.7", "203.0.113.9", "224.0.0.1", "239.1.1.1", "240.0.0.1",
		"255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::10.0.0.1", "2002:0a00:0001::1",
		"fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
		"2001::1", "100::1", "fec0::1", NULL};
	static const char *allowed[] = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255",
					"172.32.0.1", "100.63.255.255", "100.128.0.0",
					"::ffff:8.8.8.8", "2606:4700::1111", "64:ff9b::8.8.8.8",
					"2002:0808:0808::1", NULL};

	for (const char *const *s = blocked; *s; s++)
		if (pub(*s))
			test_fail(__FILE__, __LINE__, "%s classified public", *s);
	for (const char *const *s = allowed; *s; s++)
		if (!pub(*s))
			test_fail(__FILE__, __LINE__, "%s classified non-public", *s);
}

/* Every allocation failure in pattern compilation unwinds without a leak. */
static void compile_under_failing_alloc(void)
{
	struct strv aa = STRV_INIT;
	struct proxy_policy_spec s2 = {NETWORK_MODE_FULL, &aa, NULL, false, false};
	struct policy *pp = NULL;
	struct err e;

	if (strv_push(&aa, "**.x.test") == 0 && strv_push(&aa, "*.y.test") == 0 &&
	    policy_new(&s2, &pp, &e) == 0)
		policy_free(pp);
	strv_free(&aa);
}

TEST(policy_pattern_errors)
{
	struct strv d = STRV_INIT, a = STRV_INIT;
	struct proxy_policy_spec spec = {NETWORK_MODE_FULL, &a, &d, false, false};
	struct policy *p = NULL;
	struct err e;

	REQUIRE(strv_push(&d, "*") == 0);
	CHECK(policy_new(&spec, &p, &e) == -1);
	CHECK_CONTAINS(e.msg, "unsupported global wildcard domain pattern \"*\"");
	strv_free(&d);
	REQUIRE(strv_push(&d, "**.[*]") == 0);
	CHECK(policy_new(&spec, &p, &e) == -1);
	strv_free(&d);
	REQUIRE(strv_push(&a, "[") == 0);
	CHECK(policy_new(&spec, &p, &e) == -1);
	CHECK_CONTAINS(e.msg, "invalid glob pattern");
	strv_free(&a);
	REQUIRE(strv_push(&a, "a b") == 0);
	CHECK(policy_new(&spec, &p, &e) == -1);
	strv_free(&a);
	REQUIRE(strv_push(&a, "[*]") == 0);
	REQUIRE(strv_push(&a, "[::1]") == 0);
	CHECK(policy_new(&spec, &p, &e) == 0);
	CHECK_INT(check_host(p, "::1"), PROXY_REASON_ALLOW); /* exact literal */
	policy_free(p);
	strv_free(&a);
	FOR_EACH_ALLOC_FAILURE(20, compile_under_failing_alloc());
}

TEST(policy_limited_methods)
{
	struct proxy_policy_spec spec = {NETWORK_MODE_LIMITED, NULL, NULL, false, false};
	struct policy *p = NULL;
	struct err e;

	REQUIRE(policy_new(&spec, &p, &e) == 0);
	CHECK(policy_method_allowed(p, "GET"));
	CHECK(policy_method_allowed(p, "HEAD"));
	CHECK(policy_method_allowed(p, "OPTIONS"));
	CHECK(!policy_method_allowed(p, "get"));
	CHECK(!policy_method_allowed(p, "POST"));
	CHECK(!policy_method_allowed(p, "CONNECT"));
	policy_free(p);
}
