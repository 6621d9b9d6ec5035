/* Fuzz target: SOCKS5 greeting, request and UDP header parsing. Each parser is run on
 * every prefix of its input (the proxy feeds it as bytes arrive): a prefix answers "need
 * more" or the same error, never a different success. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "proxy/policy.h"
#include "proxy/socks5_parse.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum socks5_error why;
	struct socks5_target t, tp;
	bool no_auth;
	int whole, r;
	char norm[PROXY_HOST_MAX];
	uint8_t out[32];

	if (size > 1024)
		return 0;
	whole = socks5_parse_greeting(data, size, &no_auth, &why);
	for (size_t n = 0; n < size && n < 300; n++) {
		r = socks5_parse_greeting(data, n, &no_auth, &why);
		check(r == 0 || r == whole || (r < 0 && whole < 0));
		if (r > 0)
			break;
	}
	whole = socks5_parse_request(data, size, &t, &why);
	check(whole <= (int)size);
	for (size_t n = 0; n < size && n < 300; n++) {
		r = socks5_parse_request(data, n, &tp, &why);
		check(r == 0 || r == whole || (r < 0 && whole < 0));
		if (r > 0) {
			check(strcmp(tp.host, t.host) == 0 && tp.port == t.port);
			break;
		}
	}
	if (whole > 0) {
		check(strlen(t.host) < sizeof t.host);
		(void)policy_normalize_host(t.host, strlen(t.host), norm);
	}
	r = socks5_parse_udp(data, size, &t, &why);
	check(r != 0 && r <= (int)size);
	if (r > 0) {
		struct sockaddr_storage ss;
		if (policy_parse_ip_literal(t.host, &ss) == 0) {
			size_t hl = socks5_build_udp_header(out, (struct sockaddr *)&ss);
			check(hl <= sizeof out);
			(void)policy_addr_is_public((struct sockaddr *)&ss);
		}
	}
	return 0;
}
