/* The upstream (corporate) proxy settings: see upstream.h. */
#include "proxy/upstream.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/base64.h"
#include "proxy/http_parse.h"
#include "proxy/policy.h"

/* Percent-decodes s[0..n) into out (size cap); -1 when malformed or too long. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t k = 0; k < n; k++) {
		int ch = (unsigned char)s[k];
		if (ch == '%') {
			int hi, lo;
			if (k + 2 >= n || (hi = ascii_hex_value(s[k + 1])) < 0 ||
			    (lo = ascii_hex_value(s[k + 2])) < 0)
				return -1;
			ch = hi * 16 + lo;
			k += 2;
		}
		if (ch == 0 || o + 1 >= cap)
			return -1;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return 0;
}

int upstream_parse_url(const char *url, struct upstream_hop *h, const char **why)
{
	const char *s = url, *end, *at, *auth_end;
	char raw[PROXY_HOST_MAX];

	memset(h, 0, sizeof *h);
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (s == end) {
		*why = "empty";
		return -1;
	}
	const char *sep = strstr(s, "://");
	if (sep && sep < end) {
		size_t sl = (size_t)(sep - s);
		if (!(sl == 4 && strncasecmp(s, "http", 4) == 0)) {
			*why = "non-http proxy protocol";
			return -1;
		}
		s = sep + 3;
	}
	auth_end = s + strcspn(s, "/?#");
	if (auth_end > end)
		auth_end = end;
	at = NULL;
	for (const char *p = s; p < auth_end; p++)
		if (*p == '@')
			at = p;
	const char *hp = at ? at + 1 : s;
	if (http_split_authority(hp, (size_t)(auth_end - hp), 80, raw, sizeof raw, &h->port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), h->host) < 0) {
		*why = "invalid proxy address";
		return -1;
	}
	if (at) {
		char user[512], pass[512], joined[1100];
		const char *colon = memchr(s, ':', (size_t)(at - s));
		const char *ue = colon ? colon : at;
		if (pct_decode(s, (size_t)(ue - s), user, sizeof user) < 0 ||
		    pct_decode(colon ? colon + 1 : at, colon ? (size_t)(at - colon - 1) : 0, pass,
			       sizeof pass) < 0) {
			*why = "invalid credentials in the proxy address";
			return -1;
		}
		int n = snprintf(joined, sizeof joined, "%s:%s", user, pass);
		char *b64 = base64_encode(joined, (size_t)n, false);
		size_t len = b64 ? strlen(b64) + sizeof "Basic " : 0;
		h->authorization = b64 ? malloc(len) : NULL;
		if (h->authorization)
			snprintf(h->authorization, len, "Basic %s", b64);
		explicit_bzero(joined, sizeof joined);
		explicit_bzero(pass, sizeof pass);
		free(b64);
		if (!h->authorization) {
			*why = "out of memory";
			return -1;
		}
	}
	snprintf(h->shown, sizeof h->shown, strchr(h->host, ':') ? "[%s]:%u" : "%s:%u", h->host,
		 h->port);
	h->set = true;
	return 0;
}

/* The first of the values that parses, warning about the others. */
static int pick(struct upstream_hop *h, const char *const *names, const char *const *values,
		size_t n, upstream_warn_fn *warn, void *arg)
{
	for (size_t k = 0; k < n; k++) {
		const char *why = NULL;
		char line[256];
		if (!values[k] || !values[k][strspn(values[k], " \t")])
			continue;
		if (upstream_parse_url(values[k], h, &why) == 0)
			return 0;
		if (why && strcmp(why, "out of memory") == 0)
			return -1;
		/* The value may hold credentials: only its name is shown. */
		snprintf(line, sizeof line, "ignoring %s: %s", names[k], why ? why : "invalid");
		if (warn)
			warn(arg, line);
	}
	return 0;
}

int upstream_init(struct upstream *u, const struct proxy_upstream_env *env,
		  upstream_warn_fn *warn, void *arg, struct err *e)
{
	static const char *const tunnel_names[] = {"HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"};
	static const char *const plain_names[] = {"HTTP_PROXY", "ALL_PROXY"};
	const char *tunnel_values[] = {env->https_proxy, env->http_proxy, env->all_proxy};
	const char *plain_values[] = {env->http_proxy, env->all_proxy};

	memset(u, 0, sizeof *u);
	if (pick(&u->tunnel, tunnel_names, tunnel_values, 3, warn, arg) < 0 ||
	    pick(&u->plain, plain_names, plain_values, 2, NULL, NULL) < 0)
		goto oom;
	if (env->no_proxy) {
		const char *p = env->no_proxy;
		while (*p) {
			size_t n = strcspn(p, ", \t");
			char norm[PROXY_HOST_MAX];
			const char *item = p;
			p += n;
			p += strspn(p, ", \t");
			if (n == 0 || n >= PROXY_HOST_MAX)
				continue;
			if (n == 1 && item[0] == '*') {
				if (strv_push(&u->no_proxy, "*") < 0)
					goto oom;
				continue;
			}
			while (n > 0 && item[0] == '.') {
				item++;
				n--;
			}
			/* "host:port" and "[v6]" forms: the port is not compared. */
			const char *slash = memchr(item, '/', n);
			if (slash) {
				char tmp[PROXY_HOST_MAX + 8];
				size_t hl = (size_t)(slash - item);
				if (hl == 0 || hl >= PROXY_HOST_MAX ||
				    policy_normalize_host(item, hl, norm) < 0)
					continue;
				snprintf(tmp, sizeof tmp, "%s%.*s", norm, (int)(n - hl), slash);
				if (strv_push(&u->no_proxy, tmp) < 0)
					goto oom;
				continue;
			}
			if (policy_normalize_host(item, n, norm) < 0)
				continue;
			if (strv_push(&u->no_proxy, norm) < 0)
				goto oom;
		}
	}
	return 0;
oom:
	upstream_free(u);
	return err_set(e, "out of memory");
}

void upstream_free(struct upstream *u)
{
	free(u->tunnel.authorization);
	free(u->plain.authorization);
	strv_free(&u->no_proxy);
	memset(u, 0, sizeof *u);
}

/* host (an IP literal) inside net/bits. */
static bool in_cidr(const char *host, const char *net, const char *bits)
{
	struct sockaddr_storage a, b;
	char *end;
	long n = strtol(bits, &end, 10);
	const unsigned char *pa, *pb;
	long max;

	if (*end || policy_parse_ip_literal(host, &a) < 0 || policy_parse_ip_literal(net, &b) < 0 ||
	    a.ss_family != b.ss_family)
		return false;
	if (a.ss_family == AF_INET) {
		pa = (const unsigned char *)&((struct sockaddr_in *)&a)->sin_addr;
		pb = (const unsigned char *)&((struct sockaddr_in *)&b)->sin_addr;
		max = 32;
	} else {
		pa = (const unsigned char *)&((struct sockaddr_in6 *)&a)->sin6_addr;
		pb = (const unsigned char *)&((struct sockaddr_in6 *)&b)->sin6_addr;
		max = 128;
	}
	if (n < 0 || n > max)
		return false;
	for (long k = 0; k < n; k++)
		if (((pa[k / 8] ^ pb[k / 8]) >> (7 - k % 8)) & 1)
			return false;
	return true;
}

bool upstream_bypassed(const struct upstream *u, const char *host)
{
	size_t hl = strlen(host);

	for (size_t k = 0; k < u->no_proxy.n; k++) {
		const char *p = u->no_proxy.v[k];
		size_t pl = strlen(p);
		const char *slash = strchr(p, '/');
		if (strcmp(p, "*") == 0)
			return true;
		if (slash) {
			char net[PROXY_HOST_MAX];
			snprintf(net, sizeof net, "%.*s", (int)(slash - p), p);
			if (in_cidr(host, net, slash + 1))
				return true;
			continue;
		}
		if (hl == pl && strcmp(host, p) == 0)
			return true;
		if (hl > pl && host[hl - pl - 1] == '.' && strcmp(host + hl - pl, p) == 0)
			return true;
	}
	return false;
}

const struct upstream_hop *upstream_for(const struct upstream *u, const char *host, bool tunnel)
{
	const struct upstream_hop *h = tunnel ? &u->tunnel : &u->plain;

	if (!h->set || upstream_bypassed(u, host))
		return NULL;
	return h;
}
