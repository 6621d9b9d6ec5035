/* SOCKS5 message parsing and building (src/proxy/socks5_parse.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy/socks5_parse.h"
#include "test.h"

TEST(socks5_greeting)
{
	bool no_auth = false;
	enum socks5_error why;
	const uint8_t g[] = {5, 2, 2, 0};

	for (size_t n = 0; n < sizeof g; n++)
		CHECK_INT(socks5_parse_greeting(g, n, &no_auth, &why), 0);
	CHECK_INT(socks5_parse_greeting(g, sizeof g, &no_auth, &why), 4);
	CHECK(no_auth);
	const uint8_t userpass[] = {5, 1, 2};
	CHECK_INT(socks5_parse_greeting(userpass, 3, &no_auth, &why), 3);
	CHECK(!no_auth);
	const uint8_t v4[] = {4, 1, 0};
	CHECK_INT(socks5_parse_greeting(v4, 3, &no_auth, &why), -1);
	CHECK_INT(why, SOCKS5_ERR_VERSION);
	const uint8_t none[] = {5, 0};
	CHECK_INT(socks5_parse_greeting(none, 2, &no_auth, &why), -1);
}

TEST(socks5_request_forms)
{
	struct socks5_target t;
	enum socks5_error why;
	const uint8_t dom[] = {5, 1, 0, 3, 6, 'a', '.', 't', 'e', 's', 't', 0x01, 0xbb};
	const uint8_t v4[] = {5, 1, 0, 1, 10, 0, 0, 5, 0, 80};
	uint8_t v6[22] = {5, 3, 0, 4};

	for (size_t n = 0; n < sizeof dom; n++)
		CHECK_INT(socks5_parse_request(dom, n, &t, &why), 0);
	CHECK_INT(socks5_parse_request(dom, sizeof dom, &t, &why), (int)sizeof dom);
	CHECK_STR(t.host, "a.test");
	CHECK_INT(t.port, 443);
	CHECK_INT(t.cmd, SOCKS5_CONNECT);
	CHECK_INT(socks5_parse_request(v4, sizeof v4, &t, &why), (int)sizeof v4);
	CHECK_STR(t.host, "10.0.0.5");
	CHECK_INT(t.port, 80);
	v6[19] = 1;
	v6[21] = 53;
	CHECK_INT(socks5_parse_request(v6, sizeof v6, &t, &why), 22);
	CHECK_STR(t.host, "::1");
	CHECK_INT(t.cmd, SOCKS5_UDP_ASSOCIATE);
	const uint8_t badtype[] = {5, 1, 0, 9, 0, 0};
	CHECK_INT(socks5_parse_request(badtype, sizeof badtype, &t, &why), -1);
	CHECK_INT(why, SOCKS5_ERR_ATYP);
	const uint8_t rsv[] = {5, 1, 1, 1};
	CHECK_INT(socks5_parse_request(rsv, sizeof rsv, &t, &why), -1);
	const uint8_t nul[] = {5, 1, 0, 3, 3, 'a', 0, 'b', 0, 80};
	CHECK_INT(socks5_parse_request(nul, sizeof nul, &t, &why), (int)sizeof nul);
	CHECK_STR(t.host, "");
}

TEST(socks5_udp_and_replies)
{
	struct socks5_target t;
	enum socks5_error why;
	const uint8_t d[] = {0, 0, 0, 1, 127, 0, 0, 1, 0, 53, 'h', 'i'};
	const uint8_t frag[] = {0, 0, 1, 1, 127, 0, 0, 1, 0, 53};
	uint8_t out[32];
	struct sockaddr_in sin = {0};

	CHECK_INT(socks5_parse_udp(d, sizeof d, &t, &why), 10);
	CHECK_STR(t.host, "127.0.0.1");
	CHECK_INT(socks5_parse_udp(frag, sizeof frag, &t, &why), -1);
	CHECK_INT(why, SOCKS5_ERR_FRAGMENT);
	CHECK_INT(socks5_parse_udp(d, 6, &t, &why), -1);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(1080);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	CHECK_INT(socks5_build_reply(out, SOCKS5_REP_NOT_ALLOWED, (struct sockaddr *)&sin), 10);
	const uint8_t want[] = {5, 2, 0, 1, 127, 0, 0, 1, 0x04, 0x38};
	CHECK(memcmp(out, want, sizeof want) == 0);
	CHECK_INT(socks5_build_reply(out, SOCKS5_REP_GENERAL_FAILURE, NULL), 10);
}
