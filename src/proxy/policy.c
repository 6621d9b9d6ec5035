/* The domain policy: pattern compilation, host normalisation and address classification.
 * Pure: no sockets, no DNS (see policy.h). */
#include "proxy/policy.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

enum pattern_kind {
	PATTERN_EXACT,     /* example.com */
	PATTERN_GLOB,      /* *.example.com (as ?*.example.com), region*.x, ... */
	PATTERN_APEX_GLOB, /* **.example.com: the apex, or the glob ?*.example.com */
	PATTERN_GLOBAL     /* *: every host (allowlist only) */
};

struct pattern {
	enum pattern_kind kind;
	char *glob;        /* the exact text, or the glob */
	char *apex;        /* PATTERN_APEX_GLOB: the apex host */
};

struct pattern_list {
	struct pattern *v;
	size_t n;
};

struct policy {
	enum network_mode mode;
	bool allow_local_binding;
	bool socks5_udp;
	struct pattern_list allow;
	struct pattern_list deny;
};

/* Host normalisation, shared by hosts and patterns (patterns may also hold * and ?). */
static int normalize(const char *in, size_t len, char *out, bool glob)
{
	const char *s = in, *end = in + len, *colon;
	size_t n = 0, colons = 0;
	bool v6;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (s < end && *s == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		if (!close)
			return -1;
		/* Whatever follows "]" can only be a port. */
		if (close + 1 < end && close[1] != ':')
			return -1;
		s++;
		end = close;
	} else {
		for (const char *q = s; q < end; q++)
			colons += *q == ':';
		colon = memchr(s, ':', (size_t)(end - s));
		if (colons == 1)
			end = colon;
	}
	while (end > s && end[-1] == '.')
		end--;
	if (s == end || (size_t)(end - s) >= PROXY_HOST_MAX)
		return -1;
	v6 = memchr(s, ':', (size_t)(end - s)) != NULL;
	for (const char *q = s; q < end; q++) {
		unsigned char c = (unsigned char)*q;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (v6 && c == '%' && q + 2 < end && q[1] == '2' && q[2] == '5')
			q += 2; /* "%25" is the URI spelling of the scope separator */
		out[n++] = (char)c;
	}
	out[n] = '\0';
	/* Validate: a DNS-ish name, or an IPv6 literal with an optional scope. */
	if (v6) {
		char *pct = strchr(out, '%');
		for (char *q = out; *q && q != pct; q++)
			if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || *q == ':' ||
			      *q == '.'))
				return -1;
		if (pct) {
			if (!pct[1])
				return -1;
			for (char *q = pct + 1; *q; q++)
				if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
				      *q == '_' || *q == '-' || *q == '.'))
					return -1;
		}
		return 0;
	}
	for (char *q = out; *q; q++)
		if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') || *q == '-' ||
		      *q == '_' || *q == '.' || (glob && (*q == '*' || *q == '?'))))
			return -1;
	return 0;
}

int policy_normalize_host(const char *in, size_t len, char *out)
{
	return normalize(in, len, out, false);
}

/* Glob with '*' (any run, dots included, as upstream's globset) and '?' (one byte). */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static bool pattern_match_one(const struct pattern *pt, const char *host)
{
	switch (pt->kind) {
	case PATTERN_GLOBAL:
		return true;
	case PATTERN_EXACT:
		return strcmp(pt->glob, host) == 0;
	case PATTERN_APEX_GLOB:
		if (strcmp(pt->apex, host) == 0)
			return true;
		return glob_match(pt->glob, host);
	case PATTERN_GLOB:
		return glob_match(pt->glob, host);
	}
	return false;
}

/* A host matches when its full text or (for a scoped IPv6 host) the part before '%'
 * matches: an unscoped pattern covers every scope, a scoped one only its own. */
static bool pattern_match(const struct pattern *pt, const char *host)
{
	char unscoped[PROXY_HOST_MAX];
	const char *pct = strchr(host, '%');

	if (pattern_match_one(pt, host))
		return true;
	if (!pct)
		return false;
	memcpy(unscoped, host, (size_t)(pct - host));
	unscoped[pct - host] = '\0';
	return pattern_match_one(pt, unscoped);
}

static bool list_match(const struct pattern_list *l, const char *host)
{
	for (size_t k = 0; k < l->n; k++)
		if (pattern_match(&l->v[k], host))
			return true;
	return false;
}

/* An exact, wildcard-free entry naming this host: what lets a local literal through
 * when allow_local_binding is off. */
static bool list_match_exact(const struct pattern_list *l, const char *host)
{
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k].kind == PATTERN_EXACT && pattern_match(&l->v[k], host))
			return true;
	return false;
}

static void pattern_list_free(struct pattern_list *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->v[k].glob);
		free(l->v[k].apex);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int compile_pattern(const char *text, bool deny, struct pattern *pt, struct err *e)
{
	char norm[PROXY_HOST_MAX], trimmed[PROXY_HOST_MAX];
	const char *t = text;
	size_t len = strlen(text);
	const char *list = deny ? "denied_domains" : "allowed_domains";

	memset(pt, 0, sizeof *pt);
	while (len && (*t == ' ' || *t == '\t'))
		t++, len--;
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len >= sizeof trimmed)
		return err_set(e, "network.%s: pattern too long: \"%.40s...\"", list, text);
	memcpy(trimmed, t, len);
	trimmed[len] = '\0';
	if (strcmp(trimmed, "*") == 0 || strcmp(trimmed, "**") == 0 ||
	    strcmp(trimmed, "[*]") == 0 || strcmp(trimmed, "**.[*]") == 0) {
		if (deny)
			return err_set(e,
				       "unsupported global wildcard domain pattern \"%s\"; use exact "
				       "hosts or scoped wildcards like *.example.com or "
				       "**.example.com",
				       trimmed);
		pt->kind = PATTERN_GLOBAL;
		pt->glob = strdup("*");
		return pt->glob ? 0 : err_set(e, "out of memory");
	}
	if (strpbrk(trimmed, "{}") ||
	    (strpbrk(trimmed, "[]") &&
	     (trimmed[0] != '[' || !strchr(trimmed, ':') || strpbrk(trimmed + 1, "["))))
		return err_set(e, "invalid glob pattern: %s (character classes and alternatives "
				  "are not supported)", trimmed);
	if (normalize(trimmed, len, norm, true) < 0)
		return err_set(e, "network.%s: invalid domain pattern \"%s\"", list, trimmed);
	if (strncmp(norm, "**.", 3) == 0) {
		if (!norm[3] || strpbrk(norm + 3, "*?"))
			return err_set(e, "network.%s: invalid domain pattern \"%s\"", list, trimmed);
		pt->kind = PATTERN_APEX_GLOB;
		pt->apex = strdup(norm + 3);
		if (!pt->apex)
			return err_set(e, "out of memory");
		if (asprintf(&pt->glob, "?*.%s", norm + 3) < 0) {
			pt->glob = NULL;
			return err_set(e, "out of memory");
		}
		return 0;
	}
	if (strncmp(norm, "*.", 2) == 0 && norm[2] && !strpbrk(norm + 2, "*?")) {
		pt->kind = PATTERN_GLOB;
		/* Subdomains only: "?*" needs at least one byte before the dot. */
		if (asprintf(&pt->glob, "?%s", norm) < 0) {
			pt->glob = NULL;
			return err_set(e, "out of memory");
		}
		return 0;
	}
	pt->kind = strpbrk(norm, "*?") ? PATTERN_GLOB : PATTERN_EXACT;
	pt->glob = strdup(norm);
	return pt->glob ? 0 : err_set(e, "out of memory");
}

static int compile_list(const struct strv *sv, bool deny, struct pattern_list *l,
			struct err *e)
{
	size_t n = sv ? sv->n : 0;

	l->v = NULL;
	l->n = 0;
	if (n == 0)
		return 0;
	l->v = calloc(n, sizeof *l->v);
	if (!l->v)
		return err_set(e, "out of memory");
	for (size_t k = 0; k < n; k++) {
		int rc = compile_pattern(sv->v[k], deny, &l->v[l->n], e);
		l->n++; /* counted even on failure: its partial strings are freed below */
		if (rc < 0) {
			pattern_list_free(l);
			return -1;
		}
	}
	return 0;
}

int policy_new(const struct proxy_policy_spec *spec, struct policy **out, struct err *e)
{
	struct policy *p = calloc(1, sizeof *p);

	if (!p)
		return err_set(e, "out of memory");
	p->mode = spec->mode;
	p->allow_local_binding = spec->allow_local_binding;
	p->socks5_udp = spec->enable_socks5_udp;
	if (compile_list(spec->denied_domains, true, &p->deny, e) < 0 ||
	    compile_list(spec->allowed_domains, false, &p->allow, e) < 0) {
		policy_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	pattern_list_free(&p->allow);
	pattern_list_free(&p->deny);
	free(p);
}

enum network_mode policy_mode(const struct policy *p)
{
	return p->mode;
}

bool policy_socks5_udp(const struct policy *p)
{
	return p->socks5_udp;
}

/* Dotted quad, four parts, no leading zeros, no short or hex forms. */
static int parse_ipv4_strict(const char *s, struct in_addr *out)
{
	uint32_t v = 0;

	for (int part = 0; part < 4; part++) {
		unsigned n = 0, digits = 0;
		if (part && *s++ != '.')
			return -1;
		while (*s >= '0' && *s <= '9') {
			if (digits && n == 0)
				return -1; /* leading zero */
			n = n * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || n > 255)
				return -1;
		}
		if (!digits)
			return -1;
		v = v << 8 | n;
	}
	if (*s)
		return -1;
	out->s_addr = htonl(v);
	return 0;
}

int policy_parse_ip_literal(const char *host, struct sockaddr_storage *out)
{
	char addr[PROXY_HOST_MAX];
	const char *pct;
	size_t len = strlen(host);

	memset(out, 0, sizeof *out);
	if (!strchr(host, ':')) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;
		sin->sin_family = AF_INET;
		return parse_ipv4_strict(host, &sin->sin_addr);
	}
	if (len >= sizeof addr)
		return -1;
	pct = strchr(host, '%');
	memcpy(addr, host, pct ? (size_t)(pct - host) : len);
	addr[pct ? (size_t)(pct - host) : len] = '\0';
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
	sin6->sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
		return -1;
	if (pct) {
		char *end;
		unsigned long id = strtoul(pct + 1, &end, 10);
		if (*end || end == pct + 1)
			id = if_nametoindex(pct + 1);
		if (id == 0 || id > 0xffffffffUL)
			return -1;
		sin6->sin6_scope_id = (uint32_t)id;
	}
	return 0;
}

static bool in_net4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
	return (a & mask) == net;
}

static bool ipv4_is_public(uint32_t a)
{
	static const struct {
		uint32_t net;
		int bits;
	} blocked[] = {
		{0x00000000, 8},  /* "this network", 0.0.0.0 unspecified */
		{0x0a000000, 8},  /* private */
		{0x64400000, 10}, /* CGNAT 100.64/10 */
		{0x7f000000, 8},  /* loopback */
		{0xa9fe0000, 16}, /* link-local */
		{0xac100000, 12}, /* private */
		{0xc0000000, 24}, /* IETF protocol assignments */
		{0xc0000200, 24}, /* TEST-NET-1 */
		{0xc0586300, 24}, /* 6to4 relay anycast (deprecated) */
		{0xc0a80000, 16}, /* private */
		{0xc6120000, 15}, /* benchmarking */
		{0xc6336400, 24}, /* TEST-NET-2 */
		{0xcb007100, 24}, /* TEST-NET-3 */
		{0xe0000000, 4},  /* multicast */
		{0xf0000000, 4},  /* reserved, broadcast */
	};
	for (size_t k = 0; k < sizeof blocked / sizeof blocked[0]; k++)
		if (in_net4(a, blocked[k].net, blocked[k].bits))
			return false;
	return true;
}

static uint32_t be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool ipv6_is_public(const uint8_t *b)
{
	static const uint8_t zero[12];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	uint16_t w0 = (uint16_t)(b[0] << 8 | b[1]);

	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return ipv4_is_public(be32_at(b + 12));
	if (memcmp(b, zero, 12) == 0)
		return false; /* ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d */
	if (w0 == 0x2002)
		return ipv4_is_public(be32_at(b + 2)); /* 6to4 */
	if (w0 == 0x0064 && b[2] == 0xff && b[3] == 0x9b)
		return false; /* 64:ff9b:1::/48 local-use NAT64 */
	if (w0 == 0x0100 && !b[2] && !b[3] && !b[4] && !b[5] && !b[6] && !b[7])
		return false; /* discard-only 100::/64 */
	if (w0 == 0x2001 && b[2] < 0x02)
		return false; /* 2001::/23 IETF assignments: Teredo, benchmarking, ORCHID */
	if (w0 == 0x2001 && b[2] == 0x0d && b[3] == 0xb8)
		return false; /* documentation */
	if ((w0 & 0xfff0) == 0x3ff0)
		return false; /* 3fff::/20 documentation */
	if ((w0 & 0xfe00) == 0xfc00)
		return false; /* ULA fc00::/7 */
	if ((w0 & 0xffc0) == 0xfe80 || (w0 & 0xffc0) == 0xfec0)
		return false; /* link-local, site-local */
	if ((w0 & 0xff00) == 0xff00)
		return false; /* multicast */
	return true;
}

bool policy_addr_is_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ipv4_is_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return ipv6_is_public(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return false;
}

bool policy_addr_permitted(const struct policy_verdict *v, const struct sockaddr *sa)
{
	return v->local_ok || policy_addr_is_public(sa);
}

void policy_check_host(const struct policy *p, const char *host, struct policy_verdict *v)
{
	bool local_literal;

	memset(v, 0, sizeof *v);
	v->reason = PROXY_REASON_NOT_ALLOWED;
	if (!host[0])
		return;
	if (list_match(&p->deny, host)) {
		v->reason = PROXY_REASON_DENIED;
		return;
	}
	v->is_literal = policy_parse_ip_literal(host, &v->addr) == 0;
	local_literal = strcmp(host, "localhost") == 0 ||
			(v->is_literal && !policy_addr_is_public((struct sockaddr *)&v->addr));
	v->local_ok = p->allow_local_binding ||
		      (local_literal && list_match_exact(&p->allow, host));
	if (local_literal && !v->local_ok) {
		v->reason = PROXY_REASON_NOT_ALLOWED_LOCAL;
		return;
	}
	if (!list_match(&p->allow, host))
		return;
	v->reason = PROXY_REASON_ALLOW;
}

bool policy_method_allowed(const struct policy *p, const char *method)
{
	switch (p->mode) {
	case NETWORK_MODE_FULL:
		return true;
	case NETWORK_MODE_LIMITED:
		return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
		       strcmp(method, "OPTIONS") == 0;
	}
	return false;
}
