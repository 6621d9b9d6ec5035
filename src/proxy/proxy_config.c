/* From config.toml's [network] to the proxy's settings (proxy.h): the one mapping both
 * `codex proxy` and `codex sandbox` use, and the strict check of a listener address
 * given on a command line. */
#include "proxy/proxy.h"

#include <stdlib.h>
#include <string.h>

#include "proxy/http_parse.h"
#include "proxy/policy.h"

static int append(struct strv *dst, const struct strv *src)
{
	for (size_t k = 0; src && k < src->n; k++)
		if (strv_push(dst, src->v[k]) < 0)
			return -1;
	return 0;
}

/* Upper case first, as upstream reads them. */
static const char *env2(const char *upper, const char *lower)
{
	const char *v = getenv(upper);

	return v && *v ? v : getenv(lower);
}

int proxy_config_from_network(struct proxy_config *pc, const struct config_network *n,
			      const struct proxy_config_extra *x, struct err *e)
{
	static const struct proxy_config_extra none;

	if (!x)
		x = &none;
	memset(pc, 0, sizeof *pc);
	if (append(&pc->allow, &n->allowed_domains) < 0 || append(&pc->allow, x->allow) < 0 ||
	    append(&pc->deny, &n->denied_domains) < 0 || append(&pc->deny, x->deny) < 0) {
		proxy_config_free(pc);
		return err_set(e, "out of memory");
	}
	pc->policy.mode = x->have_mode ? x->mode : n->mode;
	pc->policy.allowed_domains = &pc->allow;
	pc->policy.denied_domains = &pc->deny;
	pc->policy.allow_local_binding = n->allow_local_binding || x->allow_local_binding;
	pc->policy.enable_socks5_udp = n->enable_socks5_udp && !x->no_socks5_udp;
	if (n->allow_upstream_proxy) {
		pc->upstream.http_proxy = env2("HTTP_PROXY", "http_proxy");
		pc->upstream.https_proxy = env2("HTTPS_PROXY", "https_proxy");
		pc->upstream.all_proxy = env2("ALL_PROXY", "all_proxy");
		pc->upstream.no_proxy = env2("NO_PROXY", "no_proxy");
	}
	return 0;
}

void proxy_config_free(struct proxy_config *pc)
{
	strv_free(&pc->allow);
	strv_free(&pc->deny);
	memset(pc, 0, sizeof *pc);
}

int proxy_check_listen_addr(const char *spec, struct err *e)
{
	const char *s = spec, *end;
	char host[PROXY_HOST_MAX];
	struct sockaddr_storage ss;
	unsigned port;
	size_t len;

	if (strncmp(s, "http://", 7) == 0)
		s += 7;
	end = s + strlen(s);
	if (end > s && end[-1] == '/')
		end--;
	len = (size_t)(end - s);
	if (len == 0)
		return err_set(e, "'%s' is not an address: expected HOST:PORT", spec);
	if (strspn(s, "0123456789") == len) {
		if (len > 5 || atoi(s) > 65535)
			return err_set(e, "'%s': the port must be 0 to 65535", spec);
		return 0;
	}
	/* "HOST:0" asks for any free port; the authority parser wants 1 to 65535. */
	if (len > 2 && s[len - 2] == ':' && s[len - 1] == '0')
		len -= 2;
	else if (!memchr(s, ':', len) || (s[0] == '[' && end[-1] == ']'))
		return err_set(e, "'%s' is not an address: expected HOST:PORT", spec);
	if (s[0] == ':' && len > 1 && strspn(s + 1, "0123456789") == len - 1)
		return len - 1 <= 5 && atoi(s + 1) <= 65535
			       ? 0
			       : err_set(e, "'%s': the port must be 0 to 65535", spec);
	if (len == 0 && s[0] == ':')
		return 0;
	if (http_split_authority(s, len, 1, host, sizeof host, &port) < 0)
		return err_set(e, "'%s' is not an address: expected HOST:PORT", spec);
	if (strcmp(host, "localhost") != 0 && policy_parse_ip_literal(host, &ss) < 0)
		return err_set(e, "'%s': the host must be an IP address or localhost", spec);
	return 0;
}
