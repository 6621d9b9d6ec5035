/* The session's network decisions (net_approval.c): keyed by upstream's approval id, one
 * decision per (host, protocol, port), host case folded, the later decision winning. */
#include "agent/internal.h"
#include "test.h"

TEST(net_key_is_upstreams_approval_id)
{
	char k[128];

	REQUIRE(net_key("http", "blocked.test", 8080, k, sizeof k) == 0);
	CHECK_STR(k, "network#http#blocked.test#8080");
	REQUIRE(net_key("https", "Blocked.TEST", 443, k, sizeof k) == 0);
	CHECK_STR(k, "network#https#blocked.test#443");
	REQUIRE(net_key("socks5-tcp", "::1", 22, k, sizeof k) == 0);
	CHECK_STR(k, "network#socks5-tcp#::1#22");
	CHECK(net_key("http", "blocked.test", 8080, k, 20) < 0); /* does not fit */
}

TEST(net_cache_is_per_host_protocol_and_port)
{
	struct net_cache c = {STRV_INIT, STRV_INIT};
	char k[128], other[128];

	REQUIRE(net_key("http", "blocked.test", 80, k, sizeof k) == 0);
	CHECK_INT(net_cache_get(&c, k), NET_UNKNOWN);
	REQUIRE(net_cache_put(&c, k, true) == 0);
	CHECK_INT(net_cache_get(&c, k), NET_ALLOWED);
	/* Another port, another protocol, another host: not decided. */
	REQUIRE(net_key("http", "blocked.test", 81, other, sizeof other) == 0);
	CHECK_INT(net_cache_get(&c, other), NET_UNKNOWN);
	REQUIRE(net_key("https", "blocked.test", 80, other, sizeof other) == 0);
	CHECK_INT(net_cache_get(&c, other), NET_UNKNOWN);
	REQUIRE(net_key("http", "sub.blocked.test", 80, other, sizeof other) == 0);
	CHECK_INT(net_cache_get(&c, other), NET_UNKNOWN);
	/* The same key in other letter case is the same decision. */
	REQUIRE(net_key("http", "BLOCKED.test", 80, other, sizeof other) == 0);
	CHECK_INT(net_cache_get(&c, other), NET_ALLOWED);
	/* A later refusal replaces the allow, and back; no duplicates pile up. */
	REQUIRE(net_cache_put(&c, k, false) == 0);
	CHECK_INT(net_cache_get(&c, k), NET_DENIED);
	CHECK_INT(c.allowed.n, 0);
	REQUIRE(net_cache_put(&c, k, false) == 0);
	CHECK_INT(c.denied.n, 1);
	REQUIRE(net_cache_put(&c, k, true) == 0);
	CHECK_INT(net_cache_get(&c, k), NET_ALLOWED);
	CHECK_INT(c.denied.n, 0);
	CHECK_INT(c.allowed.n, 1);
	net_cache_free(&c);
}
