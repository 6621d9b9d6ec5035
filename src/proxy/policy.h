/* Private to src/proxy: the domain policy (pure; no I/O, no DNS).
 *
 * Order (upstream's host_blocked): denylist -> local/private protection -> allowlist.
 * The host text decides the first and last steps; the local/private step is decided on
 * socket addresses: an IP literal is classified at once, a name only after it has been
 * resolved (policy_addr_permitted on every address the proxy may connect to). */
#ifndef CODEX_PROXY_POLICY_H
#define CODEX_PROXY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "proxy/proxy.h"

struct policy;

/* Compiles the lists (patterns are normalised like hosts). Errors name the pattern:
 * a global wildcard in the denylist, an empty pattern, character classes, bad chars. */
int policy_new(const struct proxy_policy_spec *spec, struct policy **out, struct err *e);
void policy_free(struct policy *p);
enum network_mode policy_mode(const struct policy *p);
bool policy_socks5_udp(const struct policy *p);

/* Normalises a host the way upstream does: trims, lowercases, strips [brackets], a
 * ":port" when there is exactly one ':', and trailing dots; decodes "%25" in a scope id.
 * Then validates: a name of letters, digits, '-', '_' and '.', or an IPv6 literal (hex,
 * ':', '.', optional %scope). Writes into out (PROXY_HOST_MAX bytes). -1 when empty,
 * too long or holding other bytes (spaces, '@', '/', UTF-8, NUL...). */
int policy_normalize_host(const char *in, size_t len, char *out);

/* The outcome of the host-text stage. */
struct policy_verdict {
	enum proxy_reason reason;   /* ALLOW, DENIED, NOT_ALLOWED, NOT_ALLOWED_LOCAL */
	bool is_literal;            /* the host is a strict IP literal: addr holds it */
	bool local_ok;              /* non-public addresses are acceptable for this host */
	struct sockaddr_storage addr; /* the literal (port 0) when is_literal */
};

/* Decides a normalised host. With reason ALLOW and !is_literal the caller resolves the
 * name and must check every resulting address with policy_addr_permitted. */
void policy_check_host(const struct policy *p, const char *host, struct policy_verdict *v);

/* Parses a strict IP literal (dotted quad without leading zeros or short forms, or
 * IPv6, optionally with %scope: an interface name or number). 0 on success. musl's
 * getaddrinfo would also take "127.1" or "0x7f.1": those are names here, and their
 * resolved address is what gets classified. */
int policy_parse_ip_literal(const char *host, struct sockaddr_storage *out);

/* False for loopback, private, link-local, CGNAT, ULA, multicast, unspecified,
 * broadcast, documentation/benchmark/reserved ranges; IPv4-mapped, IPv4-compatible,
 * NAT64 and 6to4 IPv6 are judged by the IPv4 address inside. */
bool policy_addr_is_public(const struct sockaddr *sa);
/* Connect-time check: public, or local_ok. */
bool policy_addr_permitted(const struct policy_verdict *v, const struct sockaddr *sa);

/* Limited mode allows GET, HEAD and OPTIONS (case-sensitive, as upstream). */
bool policy_method_allowed(const struct policy *p, const char *method);

#endif
