/* Private to src/proxy: the caller's own HTTP proxy ("corporate proxy"), which allowed
 * traffic is chained through after the proxy's own policy check (allow_upstream_proxy).
 *
 * As upstream Codex: tunnels (CONNECT, SOCKS5 targets) use HTTPS_PROXY, else HTTP_PROXY,
 * else ALL_PROXY; plain http:// requests use HTTP_PROXY, else ALL_PROXY. Only http://
 * proxies (or a bare host:port) are used; other schemes and unparsable values are
 * ignored with a warning. Credentials in the URL become a Proxy-Authorization: Basic
 * header and are never shown: the proxy is named by host:port alone. Targets that
 * NO_PROXY names go direct (curl's rules: "*", a name and its subdomains with or without
 * a leading dot, an IP literal, an IP range in CIDR form). */
#ifndef CODEX_PROXY_UPSTREAM_H
#define CODEX_PROXY_UPSTREAM_H

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"
#include "proxy/proxy.h"

struct upstream_hop {
	bool set;
	char host[PROXY_HOST_MAX];   /* normalised; a name or an IP literal */
	unsigned port;
	char *authorization;         /* "Basic ..." or NULL; never logged */
	char shown[PROXY_HOST_MAX + 8]; /* "host:port" for logs */
};

struct upstream {
	struct upstream_hop tunnel, plain;
	struct strv no_proxy;        /* normalised entries */
};

/* From the four environment values (each may be NULL). Warnings for ignored values go
 * to warn(arg, line). -1 only when memory runs out. */
typedef void upstream_warn_fn(void *arg, const char *line);
int upstream_init(struct upstream *u, const struct proxy_upstream_env *env,
		  upstream_warn_fn *warn, void *arg, struct err *e);
void upstream_free(struct upstream *u);
/* The hop for a target (NULL: go direct). */
const struct upstream_hop *upstream_for(const struct upstream *u, const char *host, bool tunnel);
/* True when NO_PROXY names host. */
bool upstream_bypassed(const struct upstream *u, const char *host);
/* Parses one proxy URL into h; -1 with a reason in *why (for the warning). */
int upstream_parse_url(const char *url, struct upstream_hop *h, const char **why);

#endif
