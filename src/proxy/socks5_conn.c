/* The SOCKS5 side of a connection (RFC 1928, no authentication): greeting, CONNECT to
 * IPv4/IPv6/domain targets under the shared policy, BIND refused, UDP ASSOCIATE when
 * enabled (udp.c). Policy refusals answer REP 2 ("connection not allowed by ruleset"). */
#include "proxy/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/socks5_parse.h"

enum socks5_step {
	SOCKS5_GREETING,  /* the method negotiation */
	SOCKS5_REQUEST,   /* the request after it */
	SOCKS5_UDP        /* a UDP association: the TCP side only keeps it alive */
};

static void reply(struct conn *c, enum socks5_rep rep, const struct sockaddr *bound, bool close)
{
	uint8_t out[32];
	size_t n = socks5_build_reply(out, rep, bound);

	if (close) {
		conn_answer(c, (const char *)out, n);
		return;
	}
	if (buf_append(&c->u2c.prefix, out, n) < 0)
		conn_close(c);
}

static void refuse(struct conn *c, enum socks5_rep rep, enum proxy_reason r)
{
	conn_record(c, r);
	reply(c, rep, NULL, true);
}

static enum socks5_rep rep_for_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return SOCKS5_REP_CONNECTION_REFUSED;
	case ENETUNREACH:
		return SOCKS5_REP_NETWORK_UNREACHABLE;
	case EHOSTUNREACH:
		return SOCKS5_REP_HOST_UNREACHABLE;
	case ETIMEDOUT:
		return SOCKS5_REP_TTL_EXPIRED;
	default:
		return SOCKS5_REP_GENERAL_FAILURE;
	}
}

static void on_request(struct conn *c, const struct socks5_target *t)
{
	const char *protocol = t->cmd == SOCKS5_UDP_ASSOCIATE ? "socks5_udp" : "socks5_tcp";

	snprintf(c->method, sizeof c->method, "%s",
		 t->cmd == SOCKS5_CONNECT ? "CONNECT" : t->cmd == SOCKS5_BIND ? "BIND" : "UDP_ASSOCIATE");
	conn_begin_request(c, protocol);
	c->port = t->port;
	if (policy_normalize_host(t->host, strlen(t->host), c->host) < 0)
		c->host[0] = '\0';
	switch (t->cmd) {
	case SOCKS5_CONNECT:
		break;
	case SOCKS5_UDP_ASSOCIATE: {
		struct sockaddr_storage bound;
		struct err e;
		/* The middle era blocks all SOCKS5 in limited mode. */
		if (policy_mode(c->px->policy) == NETWORK_MODE_LIMITED) {
			refuse(c, SOCKS5_REP_NOT_ALLOWED, PROXY_REASON_METHOD_NOT_ALLOWED);
			return;
		}
		if (!policy_socks5_udp(c->px->policy)) {
			refuse(c, SOCKS5_REP_COMMAND_NOT_SUPPORTED, PROXY_REASON_BAD_REQUEST);
			return;
		}
		if (udp_assoc_new(c, &bound, &e) < 0) {
			proxy_log(c->px, "UDP ASSOCIATE failed: %s", e.msg);
			refuse(c, SOCKS5_REP_GENERAL_FAILURE, PROXY_REASON_UPSTREAM_FAILURE);
			return;
		}
		/* Datagrams are judged one by one; the association itself is not a decision. */
		c->protocol = NULL;
		reply(c, SOCKS5_REP_SUCCEEDED, (struct sockaddr *)&bound, false);
		c->step = SOCKS5_UDP;
		conn_timeout_sliding(c, c->px->idle_timeout_ms);
		return;
	}
	default:
		refuse(c, SOCKS5_REP_COMMAND_NOT_SUPPORTED, PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (!c->host[0] || c->port == 0) {
		refuse(c, SOCKS5_REP_GENERAL_FAILURE, PROXY_REASON_BAD_REQUEST);
		return;
	}
	policy_check_host(c->px->policy, c->host, &c->verdict);
	if (c->verdict.reason != PROXY_REASON_ALLOW) {
		/* An allowlist miss the mode would let through waits for the decider. */
		if (c->verdict.reason == PROXY_REASON_NOT_ALLOWED &&
		    policy_mode(c->px->policy) != NETWORK_MODE_LIMITED && conn_ask(c))
			return;
		refuse(c, SOCKS5_REP_NOT_ALLOWED, c->verdict.reason);
		return;
	}
	if (policy_mode(c->px->policy) == NETWORK_MODE_LIMITED) {
		refuse(c, SOCKS5_REP_NOT_ALLOWED, PROXY_REASON_METHOD_NOT_ALLOWED);
		return;
	}
	c->tunnel = true;
	conn_dial(c);
}

/* The decider's answer about a held CONNECT: the checks before it were passed. */
static void socks5_on_answer(struct conn *c, bool allow)
{
	if (!allow) {
		refuse(c, SOCKS5_REP_NOT_ALLOWED, PROXY_REASON_NOT_ALLOWED);
		return;
	}
	c->verdict.reason = PROXY_REASON_ALLOW;
	c->tunnel = true;
	conn_dial(c);
}

static void handshake(struct conn *c)
{
	int n = flow_read(&c->c2u, c->cfd), used;
	enum socks5_error why;

	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n > 0)
		conn_touch(c);
	const uint8_t *in = (const uint8_t *)c->c2u.data + c->c2u.start;
	size_t len = flow_len(&c->c2u);
	if (c->step == SOCKS5_GREETING) {
		bool no_auth = false;
		used = socks5_parse_greeting(in, len, &no_auth, &why);
		if (used < 0) {
			conn_close(c); /* not SOCKS5: nothing sensible to answer */
			return;
		}
		if (used == 0)
			goto need_more;
		flow_consume(&c->c2u, (uint32_t)used);
		if (!no_auth) {
			static const uint8_t none[2] = {5, 0xff};
			conn_answer(c, (const char *)none, sizeof none);
			return;
		}
		static const uint8_t ok[2] = {5, 0};
		if (buf_append(&c->u2c.prefix, ok, sizeof ok) < 0) {
			conn_close(c);
			return;
		}
		c->step = SOCKS5_REQUEST;
		return;
	}
	struct socks5_target t;
	used = socks5_parse_request(in, len, &t, &why);
	if (used < 0) {
		conn_begin_request(c, "socks5_tcp");
		refuse(c, why == SOCKS5_ERR_ATYP ? SOCKS5_REP_ATYP_NOT_SUPPORTED : SOCKS5_REP_GENERAL_FAILURE,
		       PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (used == 0)
		goto need_more;
	flow_consume(&c->c2u, (uint32_t)used);
	on_request(c, &t);
	return;
need_more:
	if (c->c2u.eof)
		conn_close(c);
}

/* The TCP connection of a UDP association carries nothing; its end ends the association. */
static void udp_control(struct conn *c)
{
	int n = flow_read(&c->c2u, c->cfd);

	if (n < 0 || c->c2u.eof) {
		conn_close(c);
		return;
	}
	c->c2u.start = c->c2u.end = c->c2u.ready = 0;
	if (flow_write(&c->u2c, c->cfd) < 0)
		conn_close(c);
}

static void socks5_progress(struct conn *c)
{
	if (c->step == SOCKS5_UDP) {
		udp_control(c);
		return;
	}
	handshake(c);
	/* The method selection goes out while the request is awaited. */
	if (c->state == CS_PROTOCOL && c->step == SOCKS5_REQUEST && flow_write(&c->u2c, c->cfd) < 0)
		conn_close(c);
}

static void socks5_on_connected(struct conn *c)
{
	struct sockaddr_storage bound;
	socklen_t len = sizeof bound;

	if (getsockname(c->ufd, (struct sockaddr *)&bound, &len) < 0)
		memset(&bound, 0, sizeof bound);
	reply(c, SOCKS5_REP_SUCCEEDED, (struct sockaddr *)&bound, false);
	proxy_log(c->px, "SOCKS allowed (client=%s, host=%s, port=%u)", c->client, c->host, c->port);
	conn_set_state(c, CS_TUNNEL);
}

static void socks5_on_dial_failed(struct conn *c, enum proxy_reason r)
{
	if (proxy_reason_is_block(r)) {
		refuse(c, SOCKS5_REP_NOT_ALLOWED, r);
		return;
	}
	proxy_log(c->px, "SOCKS upstream dial failed (host=%s, port=%u): %s", c->host, c->port,
		  strerror(c->last_errno ? c->last_errno : EHOSTUNREACH));
	refuse(c, rep_for_errno(c->last_errno), PROXY_REASON_UPSTREAM_FAILURE);
}

static void socks5_start(struct conn *c)
{
	c->step = SOCKS5_GREETING;
	conn_set_state(c, CS_PROTOCOL);
}

static void socks5_interest(const struct conn *c, unsigned *cm, unsigned *um)
{
	(void)um;
	if (c->step == SOCKS5_UDP || (!c->c2u.eof && flow_room(&c->c2u)))
		*cm |= LOOP_READ;
}

static void socks5_on_close(struct conn *c)
{
	if (c->udp)
		udp_assoc_free(c);
}

static bool socks5_is_idle(const struct conn *c)
{
	return c->state == CS_PROTOCOL && c->step == SOCKS5_GREETING;
}

const struct conn_ops socks5_conn_ops = {
	.name = "socks5",
	.audit_protocol = "socks5_tcp",
	.counted = true,
	.answer_keeps_queue = true,
	.start = socks5_start,
	.progress = socks5_progress,
	.interest = socks5_interest,
	.on_connected = socks5_on_connected,
	.on_dial_failed = socks5_on_dial_failed,
	.on_answer = socks5_on_answer,
	.on_close = socks5_on_close,
	.is_idle = socks5_is_idle,
};
