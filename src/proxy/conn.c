/* Connections: lifecycle, bounded flows, timeouts, dialing a checked address, and
 * tunnels (splice with a copying fallback). See conn.h. */
#include "proxy/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "proxy/answers.h"

const char *conn_state_str(enum conn_state s)
{
	switch (s) {
	case CS_PROTOCOL: return "protocol";
	case CS_ASKING: return "asking";
	case CS_RESOLVING: return "resolving";
	case CS_CONNECTING: return "connecting";
	case CS_UPSTREAM_CONNECT: return "upstream-connect";
	case CS_TUNNEL: return "tunnel";
	case CS_ANSWER: return "answer";
	case CS_CLOSED: return "closed";
	}
	return "?";
}

static void flow_init(struct flow *f, struct flow_spares *spares)
{
	memset(f, 0, sizeof *f);
	f->spares = spares;
	buf_init(&f->prefix, 2 * CONN_BUF_SIZE);
	f->pipe_r = f->pipe_w = -1;
}

/* f's buffer goes back to the spares (or to malloc when they are full). */
static void flow_give_back(struct flow *f)
{
	if (f->data && f->spares && f->spares->n < FLOW_SPARES_MAX)
		f->spares->v[f->spares->n++] = f->data;
	else
		free(f->data);
	f->data = NULL;
}

void flow_spares_free(struct flow_spares *s)
{
	while (s->n > 0)
		free(s->v[--s->n]);
}

static void flow_release(struct flow *f)
{
	flow_give_back(f);
	buf_free(&f->prefix);
	if (f->pipe_r >= 0)
		close(f->pipe_r);
	if (f->pipe_w >= 0)
		close(f->pipe_w);
	f->pipe_r = f->pipe_w = -1;
}

/* An idle keep-alive connection or a splicing tunnel needs no user-space buffers: give
 * them back (a flow reallocates on its next read). */
static void flow_trim(struct flow *f)
{
	if (f->data && flow_len(f) == 0) {
		flow_give_back(f);
		f->start = f->end = f->ready = 0;
	}
	if (f->prefix_off >= f->prefix.len && f->prefix.data) {
		buf_free(&f->prefix);
		f->prefix_off = 0;
	}
}

void conn_release_idle_buffers(struct conn *c)
{
	flow_trim(&c->c2u);
	flow_trim(&c->u2c);
}

int flow_alloc(struct flow *f)
{
	if (!f->data)
		f->data = f->spares && f->spares->n > 0 ? f->spares->v[--f->spares->n]
							: malloc(CONN_BUF_SIZE);
	return f->data ? 0 : -1;
}

uint32_t flow_len(const struct flow *f)
{
	return f->end - f->start;
}

uint32_t flow_room(const struct flow *f)
{
	return CONN_BUF_SIZE - flow_len(f);
}

void flow_consume(struct flow *f, uint32_t n)
{
	f->start += n;
	f->ready = f->ready > n ? f->ready - n : 0;
	if (f->start == f->end)
		f->start = f->end = 0;
}

bool flow_pending(const struct flow *f)
{
	return f->prefix_off < f->prefix.len || f->ready > 0 || f->in_pipe > 0;
}

int flow_read(struct flow *f, int fd)
{
	ssize_t n;

	if (flow_alloc(f) < 0) {
		errno = ENOMEM;
		return -1;
	}
	if (f->eof || f->drained || flow_room(f) == 0)
		return 0;
	if (f->end == CONN_BUF_SIZE) {
		memmove(f->data, f->data + f->start, flow_len(f));
		f->end -= f->start;
		f->start = 0;
	}
	size_t want = CONN_BUF_SIZE - f->end;
	do
		n = read(fd, f->data + f->end, want);
	while (n < 0 && errno == EINTR);
	/* A stream socket that gave less than asked for had no more at that moment. */
	if (n > 0 && (size_t)n < want)
		f->drained = true;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		f->drained = true;
		return 0;
	}
	if (n < 0)
		return -1;
	if (n == 0) {
		f->eof = true;
		return 0;
	}
	f->end += (uint32_t)n;
	return (int)n;
}

int flow_write(struct flow *f, int fd)
{
	/* A rewritten head and the body bytes behind it leave in one call. */
	if (f->prefix_off < f->prefix.len && f->ready > 0) {
		struct iovec iov[2] = {{f->prefix.data + f->prefix_off, f->prefix.len - f->prefix_off},
				       {f->data + f->start, f->ready}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		if (n > 0) {
			size_t head = f->prefix.len - f->prefix_off;
			size_t used = (size_t)n < head ? (size_t)n : head;
			f->prefix_off += used;
			if ((size_t)n > head) {
				f->bytes += (uint64_t)((size_t)n - head);
				flow_consume(f, (uint32_t)((size_t)n - head));
			}
		}
	}
	while (f->prefix_off < f->prefix.len) {
		ssize_t n = send(fd, f->prefix.data + f->prefix_off, f->prefix.len - f->prefix_off,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		f->prefix_off += (size_t)n;
	}
	if (f->prefix.len) {
		buf_reset(&f->prefix);
		f->prefix_off = 0;
	}
	while (f->ready > 0) {
		ssize_t n = send(fd, f->data + f->start, f->ready, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		f->bytes += (uint64_t)n;
		flow_consume(f, (uint32_t)n);
	}
	return 0;
}


static void on_io(struct loop *l, int fd, void *arg, unsigned events);
static void on_timer(struct loop *l, struct loop_timer *t);

struct conn *conn_new(struct proxy *px, const struct conn_ops *ops, int cfd, const char *client)
{
	struct conn *c = px->spare_conns;

	if (c) {
		px->spare_conns = c->dead_next;
		px->n_spare_conns--;
		memset(c, 0, sizeof *c);
	} else if (!(c = calloc(1, sizeof *c))) {
		return NULL;
	}
	c->px = px;
	c->ops = ops;
	c->cfd = cfd;
	c->ufd = -1;
	flow_init(&c->c2u, &px->spares);
	flow_init(&c->u2c, &px->spares);
	snprintf(c->client, sizeof c->client, "%s", client);
	c->last_active = loop_now(px->loop);
	c->next = px->conns;
	if (px->conns)
		px->conns->prev = c;
	px->conns = c;
	if (loop_watch(px->loop, cfd, LOOP_READ, on_io, c, NULL) < 0) {
		px->conns = c->next;
		if (c->next)
			c->next->prev = NULL;
		flow_release(&c->c2u);
		flow_release(&c->u2c);
		free(c);
		return NULL;
	}
	return c;
}

void conn_set_state(struct conn *c, enum conn_state s)
{
	/* Closed is final: a late caller (after an out-of-memory close) cannot revive it. */
	if (c->state == CS_CLOSED)
		return;
	c->state = s;
}

/* Anything still buffered from or for the old upstream is void. */
static void forget_upstream(struct conn *c)
{
	c->ufd = -1;
	c->via_upstream = false;
	c->upstream_reusable = false;
	c->u2c.start = c->u2c.end = c->u2c.ready = 0;
	c->u2c.eof = c->u2c.shut = c->u2c.drained = false;
	c->c2u.shut = false;
}

void conn_close_upstream(struct conn *c)
{
	if (c->ufd >= 0) {
		loop_unwatch(c->px->loop, c->ufd);
		close(c->ufd);
	}
	forget_upstream(c);
}

void conn_release_upstream(struct conn *c, bool reusable)
{
	struct pool_key k;

	if (c->ufd < 0)
		return;
	if (!reusable || flow_len(&c->u2c) > 0 || c->u2c.eof || c->c2u.in_pipe || c->px->stopping) {
		conn_close_upstream(c);
		return;
	}
	memset(&k, 0, sizeof k);
	snprintf(k.host, sizeof k.host, "%s", c->host);
	k.port = c->port;
	k.via_upstream = c->via_upstream;
	k.local_ok = c->verdict.local_ok;
	/* The fd stays registered with the loop: the pool takes the watch over. */
	pool_put(&c->px->pool, &k, &c->peer, c->ufd);
	forget_upstream(c);
}

void conn_close(struct conn *c)
{
	struct proxy *px = c->px;

	if (c->state == CS_CLOSED)
		return;
	if (c->job) {
		resolver_cancel(px->resolver, c->job);
		c->job = NULL;
	}
	if (c->ops->on_close)
		c->ops->on_close(c);
	conn_close_upstream(c);
	loop_unwatch(px->loop, c->cfd);
	close(c->cfd);
	c->cfd = -1;
	loop_timer_disarm(px->loop, &c->timer);
	conn_set_state(c, CS_CLOSED);
	if (c->counted)
		px->nconns--;
	if (c->prev)
		c->prev->next = c->next;
	else
		px->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->dead_next = px->dead;
	px->dead = c;
}

void conn_free_dead(struct proxy *px)
{
	while (px->dead) {
		struct conn *c = px->dead;
		px->dead = c->dead_next;
		flow_release(&c->c2u);
		flow_release(&c->u2c);
		if (px->n_spare_conns < CONN_SPARES_MAX) {
			c->dead_next = px->spare_conns;
			px->spare_conns = c;
			px->n_spare_conns++;
		} else {
			free(c);
		}
	}
}

void conn_spares_free(struct proxy *px)
{
	while (px->spare_conns) {
		struct conn *c = px->spare_conns;
		px->spare_conns = c->dead_next;
		free(c);
	}
	px->n_spare_conns = 0;
}

void conn_touch(struct conn *c)
{
	c->last_active = loop_now(c->px->loop);
}

static void arm(struct conn *c, unsigned ms, bool sliding)
{
	struct loop *l = c->px->loop;

	c->idle_ms = ms;
	c->sliding = sliding;
	if (!ms) {
		loop_timer_disarm(l, &c->timer);
		return;
	}
	c->deadline = loop_now(l) + ms;
	conn_touch(c);
	if (loop_timer_arm(l, &c->timer, c->deadline, on_timer) < 0)
		conn_close(c);
}

void conn_timeout(struct conn *c, unsigned ms)
{
	arm(c, ms, false);
}

void conn_timeout_sliding(struct conn *c, unsigned ms)
{
	arm(c, ms, true);
}

static void dial_failed(struct conn *c, enum proxy_reason r)
{
	c->ops->on_dial_failed(c, r);
}

/* The timer guards the state's deadline; a sliding deadline moves with activity (checked
 * lazily here rather than re-arming on every read). */
static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct conn *c = (struct conn *)((char *)t - offsetof(struct conn, timer));

	if (c->sliding && c->last_active + c->idle_ms > loop_now(l)) {
		if (loop_timer_arm(l, &c->timer, c->last_active + c->idle_ms, on_timer) < 0)
			conn_close(c);
		return;
	}
	switch (c->state) {
	case CS_ASKING:
		/* The decider did not answer in time: refused, as without one. */
		proxy_log(c->px, "no answer about %s:%u in time: denied", c->host, c->port);
		conn_set_state(c, CS_PROTOCOL);
		c->ask_allowed = false;
		c->ops->on_answer(c, false);
		conn_progress(c);
		return;
	case CS_RESOLVING:
		/* Fail closed: an unresolvable name counts as a local/private block. */
		proxy_log(c->px, "DNS lookup for %s timed out", c->resolving_upstream ? "the upstream proxy" : c->host);
		if (c->job) {
			resolver_cancel(c->px->resolver, c->job);
			c->job = NULL;
		}
		if (c->resolving_upstream) {
			c->last_errno = ETIMEDOUT;
			dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
		} else {
			c->unresolved = true;
			dial_failed(c, PROXY_REASON_NOT_ALLOWED_LOCAL);
		}
		conn_progress(c);
		return;
	case CS_CONNECTING:
	case CS_UPSTREAM_CONNECT:
		c->last_errno = ETIMEDOUT;
		conn_close_upstream(c);
		dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
		conn_progress(c);
		return;
	case CS_PROTOCOL:
	case CS_TUNNEL:
	case CS_ANSWER:
	case CS_CLOSED:
		break;
	}
	/* An allowed exchange under way is recorded as it ends (a no-op otherwise). */
	conn_record(c, PROXY_REASON_ALLOW);
	conn_close(c);
}

void conn_begin_request(struct conn *c, const char *protocol)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	c->protocol = protocol;
	c->start_wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	c->start_mono = loop_now(c->px->loop);
	c->bytes_up0 = c->c2u.bytes;
	c->bytes_down0 = c->u2c.bytes;
	c->recorded = false;
	c->unresolved = false;
	c->ask_allowed = false; /* a decider's allow is for the request it was asked about */
}

void conn_record(struct conn *c, enum proxy_reason r)
{
	struct proxy_record rec;

	if (c->recorded || !c->protocol)
		return;
	c->recorded = true;
	rec.listener_id = c->listener_id;
	rec.start_ms = c->start_wall_ms;
	rec.protocol = c->protocol;
	rec.client = c->client;
	rec.host = c->host;
	rec.port = c->port;
	rec.method = c->method;
	rec.reason = r;
	rec.unresolved = c->unresolved;
	rec.bytes_up = c->c2u.bytes - c->bytes_up0;
	rec.bytes_down = c->u2c.bytes - c->bytes_down0;
	rec.duration_ms = (int64_t)(loop_now(c->px->loop) - c->start_mono);
	audit_record(&c->px->audit, &rec, policy_mode(c->px->policy));
	if (proxy_reason_is_block(r))
		proxy_log(c->px, "%s blocked (client=%s, host=%s, port=%u, reason=%s)", c->protocol,
			  c->client, c->host, c->port, proxy_reason_str(r));
}

void conn_answer(struct conn *c, const char *data, size_t len)
{
	/* HTTP: whatever was queued before (a half-sent response) is abandoned. SOCKS5:
	 * the method selection may still be queued, and must go out before the reply. */
	if (!c->ops->answer_keeps_queue) {
		buf_reset(&c->u2c.prefix);
		c->u2c.prefix_off = 0;
	}
	c->u2c.ready = 0;
	if (buf_append(&c->u2c.prefix, data, len) < 0) {
		conn_close(c);
		return;
	}
	conn_close_upstream(c);
	conn_set_state(c, CS_ANSWER);
	conn_timeout(c, c->px->header_timeout_ms);
}

void conn_answer_text(struct conn *c, unsigned status, const char *type, const char *body)
{
	struct buf b;

	buf_init(&b, 1024 * 1024);
	if (answer_body(&b, status, type, body, strlen(body), false) < 0) {
		buf_free(&b);
		conn_close(c);
		return;
	}
	conn_answer(c, b.data, b.len);
	buf_free(&b);
}

/* ---- dialing ---- */

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}

static const struct upstream_hop *hop(const struct conn *c)
{
	return upstream_for(&c->px->upstream, c->host, c->tunnel);
}

/* Our CONNECT to the upstream proxy: the checked target, and the caller's credentials. */
static int queue_upstream_connect(struct conn *c)
{
	const struct upstream_hop *h = hop(c);
	struct buf *out = &c->c2u.prefix;
	bool v6 = strchr(c->host, ':') != NULL;

	buf_reset(out);
	c->c2u.prefix_off = 0;
	if (buf_printf(out, v6 ? "CONNECT [%s]:%u HTTP/1.1\r\nHost: [%s]:%u\r\n"
			       : "CONNECT %s:%u HTTP/1.1\r\nHost: %s:%u\r\n",
		       c->host, c->port, c->host, c->port) < 0 ||
	    (h->authorization && buf_printf(out, "Proxy-Authorization: %s\r\n", h->authorization) < 0) ||
	    buf_puts(out, "\r\n") < 0)
		return -1;
	http_parser_init(&c->hp, HTTP_KIND_RESPONSE);
	return 0;
}

static void connected(struct conn *c)
{
	int one = 1;

	/* Latency matters more than packet count for interactive tunnels; failure only
	 * costs some latency, so it is not an error. */
	(void)setsockopt(c->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->peer = c->addrs[c->next_addr - 1];
	if (c->via_upstream && c->tunnel) {
		if (queue_upstream_connect(c) < 0) {
			conn_close(c);
			return;
		}
		conn_set_state(c, CS_UPSTREAM_CONNECT);
		conn_timeout(c, c->px->connect_timeout_ms);
		return;
	}
	conn_timeout_sliding(c, c->px->idle_timeout_ms);
	c->ops->on_connected(c);
}

/* Tries the remaining addresses in order. */
static void connect_next(struct conn *c)
{
	while (c->next_addr < c->naddrs) {
		struct sockaddr_storage *ss = &c->addrs[c->next_addr++];
		socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							  : sizeof(struct sockaddr_in);
		int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			c->last_errno = errno;
			continue;
		}
		if (connect(fd, (struct sockaddr *)ss, len) == 0 || errno == EINPROGRESS) {
			c->ufd = fd;
			if (loop_watch(c->px->loop, fd, LOOP_WRITE, on_io, c, NULL) < 0) {
				c->last_errno = ENOMEM;
				close(fd);
				c->ufd = -1;
				continue;
			}
			conn_set_state(c, CS_CONNECTING);
			conn_timeout(c, c->px->connect_timeout_ms);
			return;
		}
		c->last_errno = errno;
		close(fd);
	}
	if (c->via_upstream)
		proxy_log(c->px, "upstream proxy %s unreachable", hop(c) ? hop(c)->shown : "?");
	c->via_upstream = false;
	dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
}

static void on_resolved(void *arg, const struct resolve_result *res);

/* Resolves a name (or takes a literal) for the current stage of the dial. */
static void resolve(struct conn *c, const char *host, unsigned port)
{
	c->job = resolver_submit(c->px->resolver, host, port, on_resolved, c);
	if (!c->job) {
		c->last_errno = ENOMEM;
		dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
		return;
	}
	conn_set_state(c, CS_RESOLVING);
	conn_timeout(c, c->px->dns_timeout_ms);
}

/* The target passed: connect to it, or to the upstream proxy for it. The upstream
 * proxy's own address is the caller's configuration and not judged by the policy. */
static void target_checked(struct conn *c)
{
	const struct upstream_hop *h = hop(c);
	struct sockaddr_storage lit;

	if (!h) {
		connect_next(c);
		return;
	}
	c->via_upstream = true;
	proxy_log(c->px, "%s route selected (host=%s, port=%u, route=upstream_proxy, proxy=%s)",
		  c->tunnel ? "CONNECT" : "HTTP", c->host, c->port, h->shown);
	if (policy_parse_ip_literal(h->host, &lit) == 0) {
		set_port(&lit, h->port);
		c->addrs[0] = lit;
		c->naddrs = 1;
		c->next_addr = 0;
		connect_next(c);
		return;
	}
	c->resolving_upstream = true;
	resolve(c, h->host, h->port);
}

static void on_resolved(void *arg, const struct resolve_result *res)
{
	struct conn *c = arg;
	bool upstream = c->resolving_upstream;

	c->job = NULL;
	c->resolving_upstream = false;
	if (c->state != CS_RESOLVING)
		return;
	if (res->error) {
		proxy_log(c->px, "DNS lookup for %s failed: %s",
			  upstream ? "the upstream proxy" : c->host, resolve_error_str(res->error));
		if (upstream) {
			c->via_upstream = false;
			c->last_errno = EHOSTUNREACH;
			dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
		} else {
			c->unresolved = true;
			dial_failed(c, PROXY_REASON_NOT_ALLOWED_LOCAL);
		}
		conn_progress(c);
		return;
	}
	/* Every address must pass: a name that also resolves to a private address is
	 * refused as a whole (upstream's rule), and the connect only ever goes to one of
	 * these checked addresses, never to a second lookup. */
	for (int k = 0; k < res->naddrs && !upstream; k++) {
		if (!policy_addr_permitted(&c->verdict, (const struct sockaddr *)&res->addrs[k])) {
			dial_failed(c, PROXY_REASON_NOT_ALLOWED_LOCAL);
			conn_progress(c);
			return;
		}
	}
	memcpy(c->addrs, res->addrs, sizeof res->addrs[0] * (size_t)res->naddrs);
	c->naddrs = res->naddrs;
	c->next_addr = 0;
	if (upstream)
		connect_next(c);
	else
		target_checked(c);
	conn_progress(c);
}

/* An idle connection from the pool: the same host, port, route and policy answer, and
 * an address the current verdict accepts. */
static bool take_pooled(struct conn *c)
{
	struct pool_key k;
	int fd;

	memset(&k, 0, sizeof k);
	snprintf(k.host, sizeof k.host, "%s", c->host);
	k.port = c->port;
	k.via_upstream = hop(c) != NULL;
	k.local_ok = c->verdict.local_ok;
	fd = pool_take(&c->px->pool, &k, &c->verdict, &c->peer);
	if (fd < 0)
		return false;
	if (loop_watch(c->px->loop, fd, LOOP_READ, on_io, c, NULL) < 0) {
		loop_unwatch(c->px->loop, fd);
		close(fd);
		return false;
	}
	c->ufd = fd;
	c->via_upstream = k.via_upstream;
	c->u2c.drained = true; /* pool_take just saw it idle; the request is not sent yet */
	conn_timeout_sliding(c, c->px->idle_timeout_ms);
	c->ops->on_connected(c);
	return true;
}

void conn_dial(struct conn *c)
{
	c->naddrs = 0;
	c->next_addr = 0;
	c->via_upstream = false;
	c->resolving_upstream = false;
	c->last_errno = 0;
	if (!c->tunnel && take_pooled(c))
		return;
	if (c->verdict.is_literal) {
		c->addrs[0] = c->verdict.addr;
		set_port(&c->addrs[0], c->port);
		if (!policy_addr_permitted(&c->verdict, (struct sockaddr *)&c->addrs[0])) {
			dial_failed(c, PROXY_REASON_NOT_ALLOWED_LOCAL);
			return;
		}
		c->naddrs = 1;
		target_checked(c);
		return;
	}
	resolve(c, c->host, c->port);
}

static void connecting_ready(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		connected(c);
		return;
	}
	c->last_errno = err;
	loop_unwatch(c->px->loop, c->ufd);
	close(c->ufd);
	c->ufd = -1;
	connect_next(c);
}

/* Via an upstream proxy: our CONNECT goes out; its answer decides. Bytes the client
 * sent early stay buffered until the tunnel stands. */
static void upstream_connect_progress(struct conn *c)
{
	struct flow *f = &c->u2c;
	int n;

	c->c2u.ready = 0;
	if (flow_write(&c->c2u, c->ufd) < 0)
		goto broken;
	n = flow_read(f, c->ufd);
	if (n < 0)
		goto broken;
	if (flow_len(f) == 0) {
		if (f->eof)
			goto broken;
		return;
	}
	switch (http_parser_feed(&c->hp, f->data + f->start, flow_len(f))) {
	case HTTP_NEED_MORE:
		if (f->eof)
			goto broken;
		return;
	case HTTP_ERROR:
		goto broken;
	case HTTP_DONE:
		break;
	}
	c->upstream_status = c->hp.head.status;
	if (c->upstream_status < 200 || c->upstream_status > 299) {
		proxy_log(c->px, "upstream proxy %s refused CONNECT %s:%u (status %u)",
			  hop(c) ? hop(c)->shown : "?", c->host, c->port, c->upstream_status);
		goto refused;
	}
	flow_consume(f, c->hp.pos);
	conn_timeout_sliding(c, c->px->idle_timeout_ms);
	c->ops->on_connected(c);
	return;
broken:
	proxy_log(c->px, "upstream proxy %s failed for CONNECT %s:%u", hop(c) ? hop(c)->shown : "?",
		  c->host, c->port);
refused:
	c->last_errno = ECONNREFUSED;
	conn_close_upstream(c);
	dial_failed(c, PROXY_REASON_UPSTREAM_FAILURE);
}

/* ---- tunnels ---- */

/* One direction of a tunnel: src -> dst. Returns -1 when the tunnel must end. */
static int tunnel_flow(struct conn *c, struct flow *f, int src, int dst)
{
	/* Bytes that arrived with the request (or a partial write) go first. */
	f->ready = flow_len(f);
	if (flow_write(f, dst) < 0)
		return -1;
	if (f->nosplice) {
		int n = flow_read(f, src);
		if (n < 0)
			return -1;
		if (n > 0) {
			conn_touch(c);
			f->ready = flow_len(f);
			if (flow_write(f, dst) < 0)
				return -1;
		}
	} else if (flow_len(f) == 0 && f->prefix_off >= f->prefix.len) {
		flow_trim(f);
		if (f->pipe_r < 0) {
			int p[2];
			if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
				f->nosplice = true; /* out of fds: copy instead */
				return tunnel_flow(c, f, src, dst);
			}
			f->pipe_r = p[0];
			f->pipe_w = p[1];
		}
		for (;;) {
			bool moved = false;
			if (!f->eof && f->in_pipe < CONN_PIPE_BYTES) {
				ssize_t n = splice(src, NULL, f->pipe_w, NULL, CONN_PIPE_BYTES - f->in_pipe,
						   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
				if (n > 0) {
					f->in_pipe += (uint32_t)n;
					moved = true;
					conn_touch(c);
				} else if (n == 0) {
					f->eof = true;
				} else if (errno == EINVAL && f->in_pipe == 0) {
					f->nosplice = true; /* this pair of fds cannot splice */
					return tunnel_flow(c, f, src, dst);
				} else if (errno != EAGAIN && errno != EINTR) {
					return -1;
				}
			}
			if (f->in_pipe > 0) {
				ssize_t n = splice(f->pipe_r, NULL, dst, NULL, f->in_pipe,
						   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
				if (n > 0) {
					f->in_pipe -= (uint32_t)n;
					f->bytes += (uint64_t)n;
					moved = true;
				} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
					return -1;
				}
			}
			if (!moved)
				break;
		}
	}
	if (f->eof && !flow_pending(f) && flow_len(f) == 0 && !f->shut) {
		/* Pass the half-close on: the peer may still answer. */
		shutdown(dst, SHUT_WR);
		f->shut = true;
	}
	return 0;
}

void conn_tunnel(struct conn *c)
{
	if (tunnel_flow(c, &c->c2u, c->cfd, c->ufd) < 0 ||
	    tunnel_flow(c, &c->u2c, c->ufd, c->cfd) < 0) {
		conn_record(c, PROXY_REASON_ALLOW);
		conn_close(c);
		return;
	}
	if (c->c2u.shut && c->u2c.shut) {
		conn_record(c, PROXY_REASON_ALLOW);
		conn_close(c);
	}
}

/* ---- dispatch ---- */

/* Exactly when tunnel_flow would read from the source: interest without a reader would
 * make the level-triggered loop spin. */
static bool tunnel_wants_read(const struct flow *f)
{
	if (f->eof)
		return false;
	if (f->nosplice)
		return flow_room(f) > 0;
	return flow_len(f) == 0 && f->prefix_off >= f->prefix.len && f->in_pipe < CONN_PIPE_BYTES;
}

void conn_update_interest(struct conn *c)
{
	struct loop *l = c->px->loop;
	unsigned cm = 0, um = 0;

	switch (c->state) {
	case CS_PROTOCOL:
		c->ops->interest(c, &cm, &um);
		break;
	case CS_ASKING:
		/* Nothing moves while the decider is asked (the client's hang-up is still
		 * reported: LOOP_HUP needs no interest). */
		if (loop_watch(l, c->cfd, 0, on_io, c, NULL) < 0 ||
		    (c->ufd >= 0 && loop_watch(l, c->ufd, 0, on_io, c, NULL) < 0))
			conn_close(c);
		return;
	case CS_RESOLVING:
		break;
	case CS_CONNECTING:
		um |= LOOP_WRITE;
		break;
	case CS_UPSTREAM_CONNECT:
		if (!c->u2c.eof && flow_room(&c->u2c))
			um |= LOOP_READ;
		break;
	case CS_TUNNEL:
		if (tunnel_wants_read(&c->c2u))
			cm |= LOOP_READ;
		if (tunnel_wants_read(&c->u2c))
			um |= LOOP_READ;
		if (flow_len(&c->u2c))
			cm |= LOOP_WRITE;
		if (flow_len(&c->c2u))
			um |= LOOP_WRITE;
		break;
	case CS_ANSWER:
		if (c->lingering)
			cm |= LOOP_READ;
		break;
	case CS_CLOSED:
		return;
	}
	if (flow_pending(&c->u2c))
		cm |= LOOP_WRITE;
	if (c->ufd >= 0 && c->state != CS_UPSTREAM_CONNECT && flow_pending(&c->c2u))
		um |= LOOP_WRITE;
	if (c->state == CS_UPSTREAM_CONNECT && c->c2u.prefix_off < c->c2u.prefix.len)
		um |= LOOP_WRITE;
	if (loop_watch(l, c->cfd, cm, on_io, c, NULL) < 0 ||
	    (c->ufd >= 0 && loop_watch(l, c->ufd, um, on_io, c, NULL) < 0))
		conn_close(c);
}

/* Writes the answer, then closes gracefully: FIN first, then whatever the client still
 * sends (a request body we refused) is read and dropped, within the bounds above. */
static void answer_progress(struct conn *c)
{
	char sink[16384];

	if (!c->lingering) {
		if (flow_write(&c->u2c, c->cfd) < 0) {
			conn_close(c);
			return;
		}
		if (flow_pending(&c->u2c))
			return;
		shutdown(c->cfd, SHUT_WR);
		c->lingering = true;
		c->lingered = flow_len(&c->c2u);
		conn_timeout_sliding(c, CONN_LINGER_MS);
	}
	for (int k = 0; k < 64; k++) {
		ssize_t n = read(c->cfd, sink, sizeof sink);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			break;
		conn_touch(c);
		c->lingered += (size_t)n;
		if (c->lingered >= CONN_DRAIN_BYTES)
			break;
		if (k == 63)
			return; /* more to drop: the loop comes back, others get a turn */
	}
	conn_close(c);
}

void conn_progress(struct conn *c)
{
	/* Each pass may change state (head parsed -> dialing -> ...); a few passes settle it. */
	for (int pass = 0; pass < 8 && c->state != CS_CLOSED; pass++) {
		enum conn_state before = c->state;
		unsigned step = c->step;
		switch (c->state) {
		case CS_PROTOCOL:
			c->ops->progress(c);
			break;
		case CS_UPSTREAM_CONNECT:
			upstream_connect_progress(c);
			break;
		case CS_TUNNEL:
			conn_tunnel(c);
			break;
		case CS_ANSWER:
			answer_progress(c);
			break;
		case CS_ASKING:
		case CS_RESOLVING:
		case CS_CONNECTING:
		case CS_CLOSED:
			break;
		}
		if (c->state == before && c->step == step)
			break;
	}
	conn_update_interest(c);
}

static void on_io(struct loop *l, int fd, void *arg, unsigned events)
{
	struct conn *c = arg;

	(void)l;
	(void)events;
	if (c->state == CS_CLOSED)
		return;
	if (c->state == CS_ASKING) {
		/* Only a hang-up or an error arrives here: the client gave up waiting. */
		if (fd == c->cfd && (events & LOOP_HUP)) {
			conn_record(c, PROXY_REASON_NOT_ALLOWED);
			conn_close(c);
		}
		return;
	}
	/* Whatever the loop reports (data, EOF, an error), the next read will tell. */
	if (fd == c->cfd)
		c->c2u.drained = false;
	else if (fd == c->ufd)
		c->u2c.drained = false;
	if (fd == c->ufd && c->state == CS_CONNECTING) {
		connecting_ready(c);
		conn_progress(c);
		return;
	}
	conn_progress(c);
}
