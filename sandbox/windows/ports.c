/* Which loopback ports the offline identity's firewall leaves open: the proxy URLs in
 * the command's environment (reference codex-windows-sandbox.md §5). */
#include "sandbox/windows/windows_sandbox.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Exactly the keys upstream reads, case-sensitively. */
static const char *const proxy_keys[WIN_PROXY_PORTS_MAX] = {
	"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WS_PROXY", "WSS_PROXY",
	"http_proxy", "https_proxy", "all_proxy", "ws_proxy", "wss_proxy"};

/* 1..65535 from all-digit text [p, end), else 0. */
static unsigned parse_port(const char *p, const char *end)
{
	unsigned v = 0;

	if (p == end)
		return 0;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 65535)
			return 0;
	}
	return v;
}

static bool host_is(const char *p, const char *end, const char *want, bool any_case)
{
	size_t n = strlen(want);

	return (size_t)(end - p) == n &&
	       (any_case ? strncasecmp(p, want, n) == 0 : strncmp(p, want, n) == 0);
}

unsigned win_loopback_proxy_port(const char *value)
{
	const char *start = value, *end, *scheme, *auth, *at, *colon;

	if (!value)
		return 0;
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	scheme = strstr(start, "://");
	if (!scheme || scheme >= end)
		return 0;
	auth = scheme + 3;
	/* The authority ends at the first '/'; userinfo ends at its last '@'. */
	for (const char *s = auth; s < end; s++)
		if (*s == '/') {
			end = s;
			break;
		}
	at = NULL;
	for (const char *s = auth; s < end; s++)
		if (*s == '@')
			at = s;
	if (at)
		auth = at + 1;
	if (auth < end && *auth == '[') {
		const char *close = memchr(auth, ']', (size_t)(end - auth));
		if (!close || !host_is(auth + 1, close, "::1", false) || close + 1 >= end ||
		    close[1] != ':')
			return 0;
		return parse_port(close + 2, end);
	}
	colon = NULL;
	for (const char *s = auth; s < end; s++)
		if (*s == ':')
			colon = s;
	if (!colon)
		return 0;
	if (!host_is(auth, colon, "localhost", true) && !host_is(auth, colon, "127.0.0.1", false))
		return 0;
	return parse_port(colon + 1, end);
}

static void add_port(struct win_net_settings *s, unsigned port)
{
	size_t i = 0;

	while (i < s->n_ports && s->ports[i] < port)
		i++;
	if ((i < s->n_ports && s->ports[i] == port) || s->n_ports == WIN_PROXY_PORTS_MAX)
		return;
	memmove(s->ports + i + 1, s->ports + i, (s->n_ports - i) * sizeof s->ports[0]);
	s->ports[i] = (uint16_t)port;
	s->n_ports++;
}

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

void win_net_settings_from_env(char *const *env, enum win_identity id,
			       struct win_net_settings *out)
{
	const char *bind;

	memset(out, 0, sizeof *out);
	switch (id) {
	case WIN_IDENTITY_ONLINE:
		return;
	case WIN_IDENTITY_OFFLINE:
		break;
	}
	for (size_t k = 0; k < WIN_PROXY_PORTS_MAX; k++) {
		unsigned port = win_loopback_proxy_port(env_get(env, proxy_keys[k]));
		if (port)
			add_port(out, port);
	}
	bind = env_get(env, "CODEX_NETWORK_ALLOW_LOCAL_BINDING");
	out->allow_local_binding = bind && strcmp(bind, "1") == 0;
}
