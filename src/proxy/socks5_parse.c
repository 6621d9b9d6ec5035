/* SOCKS5 message parsing and building: see socks5_parse.h. */
#include "proxy/socks5_parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static int refuse(enum socks5_error *why, enum socks5_error e)
{
	*why = e;
	return -1;
}

int socks5_parse_greeting(const uint8_t *in, size_t len, bool *no_auth,
			  enum socks5_error *why)
{
	*why = SOCKS5_ERR_NONE;
	if (len < 1)
		return 0;
	if (in[0] != 5)
		return refuse(why, SOCKS5_ERR_VERSION);
	if (len < 2)
		return 0;
	if (in[1] == 0)
		return refuse(why, SOCKS5_ERR_NO_METHODS);
	if (len < 2u + in[1])
		return 0;
	*no_auth = memchr(in + 2, 0, in[1]) != NULL;
	return 2 + in[1];
}

/* ATYP DST.ADDR DST.PORT starting at in[at]; returns the end offset, 0 for more, -1. */
static int parse_address(const uint8_t *in, size_t len, size_t at, struct socks5_target *t,
			 enum socks5_error *why)
{
	size_t alen;

	if (len < at + 1)
		return 0;
	switch (in[at]) {
	case SOCKS5_ATYP_IPV4:
		alen = 4;
		break;
	case SOCKS5_ATYP_IPV6:
		alen = 16;
		break;
	case SOCKS5_ATYP_DOMAIN:
		if (len < at + 2)
			return 0;
		if (in[at + 1] == 0)
			return refuse(why, SOCKS5_ERR_DOMAIN);
		alen = 1u + in[at + 1];
		break;
	default:
		return refuse(why, SOCKS5_ERR_ATYP);
	}
	if (len < at + 1 + alen + 2)
		return 0;
	t->atyp = (enum socks5_atyp)in[at];
	if (t->atyp == SOCKS5_ATYP_IPV4)
		inet_ntop(AF_INET, in + at + 1, t->host, sizeof t->host);
	else if (t->atyp == SOCKS5_ATYP_IPV6)
		inet_ntop(AF_INET6, in + at + 1, t->host, sizeof t->host);
	else {
		/* 255 bytes at most, so it fits PROXY_HOST_MAX with its NUL. */
		memcpy(t->host, in + at + 2, alen - 1);
		t->host[alen - 1] = '\0';
		if (strlen(t->host) != alen - 1)
			t->host[0] = '\0'; /* an embedded NUL: an empty host, refused later */
	}
	t->port = (uint16_t)(in[at + 1 + alen] << 8 | in[at + 2 + alen]);
	return (int)(at + 1 + alen + 2);
}

int socks5_parse_request(const uint8_t *in, size_t len, struct socks5_target *t,
			 enum socks5_error *why)
{
	*why = SOCKS5_ERR_NONE;
	memset(t, 0, sizeof *t);
	if (len >= 1 && in[0] != 5)
		return refuse(why, SOCKS5_ERR_VERSION);
	if (len >= 3 && in[2] != 0)
		return refuse(why, SOCKS5_ERR_RESERVED);
	if (len < 3)
		return 0;
	t->cmd = in[1];
	return parse_address(in, len, 3, t, why);
}

int socks5_parse_udp(const uint8_t *in, size_t len, struct socks5_target *t,
		     enum socks5_error *why)
{
	int r;

	*why = SOCKS5_ERR_NONE;
	memset(t, 0, sizeof *t);
	if (len < 4)
		return refuse(why, SOCKS5_ERR_RESERVED);
	if (in[0] || in[1])
		return refuse(why, SOCKS5_ERR_RESERVED);
	if (in[2])
		return refuse(why, SOCKS5_ERR_FRAGMENT);
	r = parse_address(in, len, 3, t, why);
	if (r == 0)
		return refuse(why, SOCKS5_ERR_RESERVED); /* truncated */
	return r;
}

static size_t put_address(uint8_t *out, const struct sockaddr *sa)
{
	if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		out[0] = SOCKS5_ATYP_IPV6;
		memcpy(out + 1, &s6->sin6_addr, 16);
		memcpy(out + 17, &s6->sin6_port, 2);
		return 19;
	}
	out[0] = SOCKS5_ATYP_IPV4;
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		memcpy(out + 1, &s4->sin_addr, 4);
		memcpy(out + 5, &s4->sin_port, 2);
	} else {
		memset(out + 1, 0, 6);
	}
	return 7;
}

size_t socks5_build_reply(uint8_t *out, enum socks5_rep rep, const struct sockaddr *bound)
{
	out[0] = 5;
	out[1] = (uint8_t)rep;
	out[2] = 0;
	return 3 + put_address(out + 3, bound);
}

size_t socks5_build_udp_header(uint8_t *out, const struct sockaddr *from)
{
	out[0] = 0;
	out[1] = 0;
	out[2] = 0;
	return 3 + put_address(out + 3, from);
}

const char *socks5_rep_str(enum socks5_rep r)
{
	switch (r) {
	case SOCKS5_REP_SUCCEEDED: return "succeeded";
	case SOCKS5_REP_GENERAL_FAILURE: return "general failure";
	case SOCKS5_REP_NOT_ALLOWED: return "connection not allowed by ruleset";
	case SOCKS5_REP_NETWORK_UNREACHABLE: return "network unreachable";
	case SOCKS5_REP_HOST_UNREACHABLE: return "host unreachable";
	case SOCKS5_REP_CONNECTION_REFUSED: return "connection refused";
	case SOCKS5_REP_TTL_EXPIRED: return "TTL expired";
	case SOCKS5_REP_COMMAND_NOT_SUPPORTED: return "command not supported";
	case SOCKS5_REP_ATYP_NOT_SUPPORTED: return "address type not supported";
	}
	return "?";
}

const char *socks5_error_str(enum socks5_error e)
{
	switch (e) {
	case SOCKS5_ERR_NONE: return "no error";
	case SOCKS5_ERR_VERSION: return "not a SOCKS5 message";
	case SOCKS5_ERR_NO_METHODS: return "no authentication methods offered";
	case SOCKS5_ERR_RESERVED: return "malformed message";
	case SOCKS5_ERR_ATYP: return "unknown address type";
	case SOCKS5_ERR_DOMAIN: return "empty domain name";
	case SOCKS5_ERR_FRAGMENT: return "fragmented datagram";
	}
	return "?";
}
