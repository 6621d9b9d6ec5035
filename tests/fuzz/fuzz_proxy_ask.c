/* Fuzz target: the decider's line protocol (proxy.h, "Asking a decider"), which the agent
 * parses from its commands' proxies and the proxy from the agent. Whatever parses must
 * format back to the same line (the key is exactly what was asked about), and every
 * accepted host is one the proxy's own normalisation leaves as it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "proxy/policy.h"
#include "proxy/proxy.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_ask_line l, again;
	char norm[PROXY_HOST_MAX];
	struct buf b;

	if (size > 2 * PROXY_ASK_LINE_MAX)
		return 0;
	if (proxy_ask_parse((const char *)data, size, &l) < 0)
		return 0;
	check(size < PROXY_ASK_LINE_MAX);
	check(l.port >= 1 && l.port <= 65535);
	check(policy_normalize_host(l.host, strlen(l.host), norm) == 0 && strcmp(norm, l.host) == 0);
	buf_init(&b, PROXY_ASK_LINE_MAX);
	check(proxy_ask_format(&l, &b) == 0);
	check(b.len == size + 1 && memcmp(b.data, data, size) == 0 && b.data[size] == '\n');
	check(proxy_ask_parse(b.data, b.len - 1, &again) == 0);
	check(memcmp(&l, &again, sizeof l) == 0);
	buf_free(&b);
	return 0;
}
