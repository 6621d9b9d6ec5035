/* SOCKS5 UDP ASSOCIATE: a relay socket for the client, outbound sockets per address
 * family, and the policy applied to every datagram's destination (names are resolved off
 * the loop, one pending name per association; the address sent to is a checked one).
 * Replies are relayed only from destinations the client has sent to. */
#include "proxy/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy/socks5_parse.h"

#define UDP_DESTS 16          /* remembered destinations whose replies are relayed */
#define UDP_DATAGRAM_MAX 65535
#define UDP_BATCH 64          /* datagrams handled per wake-up, so TCP peers get a turn */

struct udp_assoc {
	struct conn *c;
	int fd;                           /* the client sends here */
	int out4, out6;                   /* towards destinations */
	struct sockaddr_storage client_ip; /* the TCP peer: only it may use the relay */
	struct sockaddr_storage peer;     /* its UDP address, pinned by the first datagram */
	bool peer_known;
	struct sockaddr_storage dests[UDP_DESTS];
	int ndests, next_dest;
	/* One pending name lookup, with the datagram that waits for it. */
	struct resolve_job *job;
	char job_host[PROXY_HOST_MAX];
	unsigned job_port;
	struct policy_verdict job_verdict;
	uint8_t *pending;
	size_t pending_len;
	/* The last name resolved, and its checked address. */
	char cache_host[PROXY_HOST_MAX];
	struct sockaddr_storage cache_addr;
};

static socklen_t sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (!same_ip(a, b))
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_port == ((const struct sockaddr_in *)b)->sin_port;
	return ((const struct sockaddr_in6 *)a)->sin6_port == ((const struct sockaddr_in6 *)b)->sin6_port;
}

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}

static void record(struct udp_assoc *a, const char *host, unsigned port, enum proxy_reason r)
{
	struct conn *c = a->c;

	snprintf(c->host, sizeof c->host, "%s", host);
	c->port = port;
	snprintf(c->method, sizeof c->method, "%s", "UDP");
	conn_begin_request(c, "socks5_udp");
	conn_record(c, r);
	c->protocol = NULL;
}

static void on_out(struct loop *l, int fd, void *arg, unsigned events);

static int out_socket(struct udp_assoc *a, int family)
{
	int *slot = family == AF_INET6 ? &a->out6 : &a->out4;

	if (*slot >= 0)
		return *slot;
	*slot = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*slot < 0)
		return -1;
	if (loop_watch(a->c->px->loop, *slot, LOOP_READ, on_out, a, NULL) < 0) {
		close(*slot);
		*slot = -1;
	}
	return *slot;
}

static void send_to(struct udp_assoc *a, const char *host, struct sockaddr_storage *dst,
		    const uint8_t *payload, size_t len)
{
	int fd = out_socket(a, dst->ss_family);
	bool known = false;

	if (fd < 0)
		return;
	for (int k = 0; k < a->ndests && !known; k++)
		known = same_addr(&a->dests[k], dst);
	if (!known) {
		/* A new destination is a decision: audit it once. */
		unsigned port = ntohs(dst->ss_family == AF_INET6
					      ? ((struct sockaddr_in6 *)dst)->sin6_port
					      : ((struct sockaddr_in *)dst)->sin_port);
		record(a, host, port, PROXY_REASON_ALLOW);
		a->dests[a->next_dest] = *dst;
		a->next_dest = (a->next_dest + 1) % UDP_DESTS;
		if (a->ndests < UDP_DESTS)
			a->ndests++;
	}
	/* UDP is lossy by contract: a datagram the kernel will not take is dropped. */
	(void)sendto(fd, payload, len, MSG_NOSIGNAL, (struct sockaddr *)dst, sa_len(dst));
	conn_touch(a->c);
}

static void on_resolved(void *arg, const struct resolve_result *res)
{
	struct udp_assoc *a = arg;

	a->job = NULL;
	if (res->error) {
		a->c->unresolved = true;
		record(a, a->job_host, a->job_port, PROXY_REASON_NOT_ALLOWED_LOCAL);
		goto out;
	}
	for (int k = 0; k < res->naddrs; k++)
		if (!policy_addr_permitted(&a->job_verdict, (const struct sockaddr *)&res->addrs[k])) {
			record(a, a->job_host, a->job_port, PROXY_REASON_NOT_ALLOWED_LOCAL);
			goto out;
		}
	snprintf(a->cache_host, sizeof a->cache_host, "%s", a->job_host);
	a->cache_addr = res->addrs[0];
	send_to(a, a->job_host, &a->cache_addr, a->pending, a->pending_len);
out:
	free(a->pending);
	a->pending = NULL;
}

static void datagram(struct udp_assoc *a, const uint8_t *d, size_t len)
{
	struct socks5_target t;
	enum socks5_error why;
	char host[PROXY_HOST_MAX];
	struct policy_verdict v;
	int hl = socks5_parse_udp(d, len, &t, &why);
	struct policy *pol = a->c->px->policy;

	if (hl < 0 || policy_normalize_host(t.host, strlen(t.host), host) < 0 || t.port == 0)
		return;
	if (policy_mode(pol) == NETWORK_MODE_LIMITED || !policy_socks5_udp(pol)) {
		record(a, host, t.port, PROXY_REASON_METHOD_NOT_ALLOWED);
		return;
	}
	policy_check_host(pol, host, &v);
	if (v.reason != PROXY_REASON_ALLOW) {
		record(a, host, t.port, v.reason);
		return;
	}
	if (v.is_literal) {
		struct sockaddr_storage dst = v.addr;
		set_port(&dst, t.port);
		if (!policy_addr_permitted(&v, (struct sockaddr *)&dst)) {
			record(a, host, t.port, PROXY_REASON_NOT_ALLOWED_LOCAL);
			return;
		}
		send_to(a, host, &dst, d + hl, len - (size_t)hl);
		return;
	}
	if (strcmp(a->cache_host, host) == 0) {
		struct sockaddr_storage dst = a->cache_addr;
		set_port(&dst, t.port);
		send_to(a, host, &dst, d + hl, len - (size_t)hl);
		return;
	}
	if (a->job)
		return; /* one lookup at a time; the datagram is dropped, as UDP may */
	a->pending = malloc(len - (size_t)hl + 1);
	if (!a->pending)
		return;
	memcpy(a->pending, d + hl, len - (size_t)hl);
	a->pending_len = len - (size_t)hl;
	snprintf(a->job_host, sizeof a->job_host, "%s", host);
	a->job_port = t.port;
	a->job_verdict = v;
	a->job = resolver_submit(a->c->px->resolver, host, t.port, on_resolved, a);
	if (!a->job) {
		free(a->pending);
		a->pending = NULL;
	}
}

static void on_client(struct loop *l, int fd, void *arg, unsigned events)
{
	struct udp_assoc *a = arg;
	static uint8_t d[UDP_DATAGRAM_MAX + 1];

	(void)l;
	(void)events;
	for (int k = 0; k < UDP_BATCH; k++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, d, sizeof d, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (!same_ip(&from, &a->client_ip))
			continue; /* only the client that asked may use the relay */
		if (!a->peer_known) {
			a->peer = from;
			a->peer_known = true;
		} else if (!same_addr(&from, &a->peer)) {
			continue;
		}
		datagram(a, d, (size_t)n);
		if (a->c->state == CS_CLOSED)
			return;
	}
}

static void on_out(struct loop *l, int fd, void *arg, unsigned events)
{
	struct udp_assoc *a = arg;
	static uint8_t d[UDP_DATAGRAM_MAX + 32];

	(void)l;
	(void)events;
	for (int k = 0; k < UDP_BATCH; k++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		bool known = false;
		ssize_t n = recvfrom(fd, d + 32, UDP_DATAGRAM_MAX, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		for (int j = 0; j < a->ndests && !known; j++)
			known = same_addr(&a->dests[j], &from);
		if (!known || !a->peer_known)
			continue;
		uint8_t hdr[32];
		size_t hl = socks5_build_udp_header(hdr, (struct sockaddr *)&from);
		memcpy(d + 32 - hl, hdr, hl);
		(void)sendto(a->fd, d + 32 - hl, hl + (size_t)n, MSG_NOSIGNAL,
			     (struct sockaddr *)&a->peer, sa_len(&a->peer));
		conn_touch(a->c);
	}
}

int udp_assoc_new(struct conn *c, struct sockaddr_storage *bound, struct err *e)
{
	struct udp_assoc *a = calloc(1, sizeof *a);
	socklen_t len = sizeof *bound;

	if (!a)
		return err_set(e, "out of memory");
	a->c = c;
	a->out4 = a->out6 = -1;
	len = sizeof a->client_ip;
	if (getpeername(c->cfd, (struct sockaddr *)&a->client_ip, &len) < 0) {
		err_sys(e, errno, "getpeername");
		goto fail;
	}
	len = sizeof *bound;
	if (getsockname(c->cfd, (struct sockaddr *)bound, &len) < 0) {
		err_sys(e, errno, "getsockname");
		goto fail;
	}
	set_port(bound, 0);
	a->fd = socket(bound->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		err_sys(e, errno, "UDP socket");
		goto fail;
	}
	if (bind(a->fd, (struct sockaddr *)bound, sa_len(bound)) < 0 ||
	    getsockname(a->fd, (struct sockaddr *)bound, &len) < 0) {
		err_sys(e, errno, "bind(UDP relay)");
		close(a->fd);
		goto fail;
	}
	if (loop_watch(c->px->loop, a->fd, LOOP_READ, on_client, a, e) < 0) {
		close(a->fd);
		goto fail;
	}
	c->udp = a;
	return 0;
fail:
	free(a);
	return -1;
}

void udp_assoc_free(struct conn *c)
{
	struct udp_assoc *a = c->udp;
	struct loop *l = c->px->loop;

	if (!a)
		return;
	if (a->job)
		resolver_cancel(c->px->resolver, a->job);
	loop_unwatch(l, a->fd);
	close(a->fd);
	if (a->out4 >= 0) {
		loop_unwatch(l, a->out4);
		close(a->out4);
	}
	if (a->out6 >= 0) {
		loop_unwatch(l, a->out6);
		close(a->out6);
	}
	free(a->pending);
	free(a);
	c->udp = NULL;
}
