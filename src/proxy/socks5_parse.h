/* Private to src/proxy: SOCKS5 (RFC 1928) message parsing and building. Pure, no I/O.
 * Parsers look at a buffer holding what has arrived so far and answer "need more" (0),
 * "done" (the message length, > 0) or "error" (-1 with *why set); feeding the bytes one
 * at a time gives the same answers. */
#ifndef CODEX_PROXY_SOCKS5_PARSE_H
#define CODEX_PROXY_SOCKS5_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proxy/proxy.h"

enum socks5_cmd { SOCKS5_CONNECT = 1, SOCKS5_BIND = 2, SOCKS5_UDP_ASSOCIATE = 3 };
enum socks5_atyp { SOCKS5_ATYP_IPV4 = 1, SOCKS5_ATYP_DOMAIN = 3, SOCKS5_ATYP_IPV6 = 4 };

/* Reply codes (RFC 1928 section 6). Never renumbered: they are the wire values. */
enum socks5_rep {
	SOCKS5_REP_SUCCEEDED = 0,
	SOCKS5_REP_GENERAL_FAILURE = 1,
	SOCKS5_REP_NOT_ALLOWED = 2,        /* connection not allowed by ruleset: policy */
	SOCKS5_REP_NETWORK_UNREACHABLE = 3,
	SOCKS5_REP_HOST_UNREACHABLE = 4,
	SOCKS5_REP_CONNECTION_REFUSED = 5,
	SOCKS5_REP_TTL_EXPIRED = 6,        /* used for connect timeouts */
	SOCKS5_REP_COMMAND_NOT_SUPPORTED = 7,
	SOCKS5_REP_ATYP_NOT_SUPPORTED = 8
};
const char *socks5_rep_str(enum socks5_rep r);

/* Why a message was refused. */
enum socks5_error {
	SOCKS5_ERR_NONE = 0,
	SOCKS5_ERR_VERSION,      /* not SOCKS 5 */
	SOCKS5_ERR_NO_METHODS,   /* NMETHODS = 0 */
	SOCKS5_ERR_RESERVED,     /* RSV byte not zero */
	SOCKS5_ERR_ATYP,         /* unknown address type */
	SOCKS5_ERR_DOMAIN,       /* empty domain */
	SOCKS5_ERR_FRAGMENT      /* UDP: fragmented datagram (unsupported) */
};
const char *socks5_error_str(enum socks5_error e);

/* The greeting: VER NMETHODS METHODS. *no_auth tells whether method 0 was offered. */
int socks5_parse_greeting(const uint8_t *in, size_t len, bool *no_auth,
			  enum socks5_error *why);

/* A request (VER CMD RSV ATYP DST.ADDR DST.PORT) or the header of a UDP datagram
 * (RSV RSV FRAG ATYP DST.ADDR DST.PORT). The host is text: a dotted quad, an IPv6 literal
 * or the domain (raw bytes, NUL-terminated; the caller normalises and validates it). */
struct socks5_target {
	uint8_t cmd;             /* requests only */
	enum socks5_atyp atyp;
	char host[PROXY_HOST_MAX];
	uint16_t port;
};
int socks5_parse_request(const uint8_t *in, size_t len, struct socks5_target *t,
			 enum socks5_error *why);
/* Datagrams arrive whole: 0 is never returned; -1 for short or bad headers. On success
 * the payload starts at in + the return value. */
int socks5_parse_udp(const uint8_t *in, size_t len, struct socks5_target *t,
		     enum socks5_error *why);

/* Writes a reply (VER REP RSV ATYP BND.ADDR BND.PORT) for a bound address (sockaddr_in or
 * sockaddr_in6; NULL = 0.0.0.0:0) into out (at least 22 bytes); returns its length. */
struct sockaddr;
size_t socks5_build_reply(uint8_t *out, enum socks5_rep rep, const struct sockaddr *bound);
/* Writes a UDP datagram header for the source address into out (at least 22 bytes). */
size_t socks5_build_udp_header(uint8_t *out, const struct sockaddr *from);

#endif
