/* The proxy object: options, listeners, accepting under the connection cap, the run loop
 * with signals, graceful shutdown, policy reloads, and the public accessors (proxy.h). */
#include "proxy/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "proxy/answers.h"

#define LISTEN_BACKLOG 1024
#define ACCEPT_BATCH 64
#define ACCEPT_PAUSE_MS 100 /* after EMFILE: let connections close before trying again */
#define RESOLVER_THREADS 4

void proxy_options_init(struct proxy_options *o)
{
	memset(o, 0, sizeof *o);
	o->http_fd = -1;
	o->socks_fd = -1;
	o->audit_fd = -1;
	o->log_fd = -1;
	o->max_connections = 4096;
	o->header_timeout_ms = 10000;
	o->idle_timeout_ms = 300000;
	o->connect_timeout_ms = 10000;
	o->dns_timeout_ms = 2000;
	o->drain_timeout_ms = 2000;
	o->ask_fd = -1;
	o->ask_timeout_ms = 600000;
}

static void format_addr(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		snprintf(out, n, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		snprintf(out, n, "%s:%u", ip, ntohs(s4->sin_port));
	}
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* "HOST:PORT", "scheme://HOST:PORT/", "[v6]:PORT", ":PORT" or "PORT". As upstream:
 * localhost is 127.0.0.1 and any other name also means 127.0.0.1; a non-loopback address
 * is clamped to 127.0.0.1 unless allow_non_loopback. */
static int parse_listen_addr(struct proxy *px, const char *name, const char *spec,
			     unsigned default_port, bool allow_non_loopback,
			     struct sockaddr_storage *out, struct err *e)
{
	char host[PROXY_HOST_MAX] = "127.0.0.1";
	const char *s = spec, *end;
	unsigned port = default_port;
	struct policy_verdict v;

	while (*s == ' ')
		s++;
	if (strstr(s, "://"))
		s = strstr(s, "://") + 3;
	end = s + strcspn(s, "/");
	if (end == s)
		return err_set(e, "missing host in network proxy address: %s", spec);
	if (strspn(s, "0123456789") == (size_t)(end - s)) {
		port = (unsigned)atoi(s);
		if (port > 65535 || end - s > 5)
			return err_set(e, "invalid port in network proxy address: %s", spec);
	} else if (s[0] == ':') {
		char *q;
		unsigned long p = strtoul(s + 1, &q, 10);
		if (q != end || p > 65535)
			return err_set(e, "invalid port in network proxy address: %s", spec);
		port = (unsigned)p;
	} else if (http_split_authority(s, (size_t)(end - s), default_port, host, sizeof host, &port) < 0) {
		/* Port 0 (ephemeral) is refused by the authority parser; accept it here. */
		size_t len = (size_t)(end - s);
		if (len > 2 && s[len - 2] == ':' && s[len - 1] == '0' &&
		    http_split_authority(s, len - 2, 1, host, sizeof host, &port) == 0)
			port = 0;
		else
			return err_set(e, "invalid network proxy address: %s", spec);
	}
	memset(out, 0, sizeof *out);
	if (strcmp(host, "localhost") == 0 || policy_parse_ip_literal(host, &v.addr) < 0) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)out;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		*out = v.addr;
	}
	if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	if (!is_loopback(out)) {
		char shown[80];
		format_addr(out, shown, sizeof shown);
		if (allow_non_loopback) {
			proxy_warn(px, "DANGEROUS: %s listening on non-loopback address %s", name, shown);
		} else {
			proxy_warn(px,
				   "%s requested non-loopback bind (%s); clamping to 127.0.0.1:%u (set "
				   "dangerously_allow_non_loopback_proxy to override)",
				   name, shown, port);
			memset(out, 0, sizeof *out);
			struct sockaddr_in *s4 = (struct sockaddr_in *)out;
			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			s4->sin_port = htons((uint16_t)port);
		}
	}
	return 0;
}

static void on_accept(struct loop *l, int fd, void *arg, unsigned events);

static int bind_tcp(struct sockaddr_storage *addr, int *out, struct err *e)
{
	int one = 1, fd;
	socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						    : sizeof(struct sockaddr_in);
	char shown[80];

	*out = -1;
	format_addr(addr, shown, sizeof shown);
	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, errno, "socket");
	*out = fd;
	/* Restarting the proxy must not wait for TIME_WAIT; failure only risks that. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)addr, len) < 0)
		return err_sys(e, errno, "cannot listen on %s", shown);
	if (listen(fd, LISTEN_BACKLOG) < 0)
		return err_sys(e, errno, "listen on %s", shown);
	return 0;
}

/* A stream socket someone else bound and put in the listening state: TCP (is_unix
 * false) or, when unix_ok, a unix socket. */
static int check_listening(int fd, const char *name, bool unix_ok, struct sockaddr_storage *addr,
			   bool *is_unix, struct err *e)
{
	int listening = 0, type = 0, fl;
	socklen_t len = sizeof listening;

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
	    (len = sizeof type, getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)) < 0)
		return err_sys(e, errno, "%s: descriptor %d is not a socket", name, fd);
	len = sizeof *addr;
	if (getsockname(fd, (struct sockaddr *)addr, &len) < 0)
		return err_sys(e, errno, "%s: getsockname", name);
	*is_unix = addr->ss_family == AF_UNIX;
	if (!listening || type != SOCK_STREAM ||
	    (addr->ss_family != AF_INET && addr->ss_family != AF_INET6 && !(unix_ok && *is_unix)))
		return err_set(e, "%s: descriptor %d is not a listening %s socket", name, fd,
			       unix_ok ? "stream" : "TCP");
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return err_sys(e, errno, "%s: cannot make descriptor %d non-blocking", name, fd);
	return 0;
}

static int bind_unix(const char *path, int *out, struct err *e)
{
	struct sockaddr_un sun = {0};
	int fd;

	*out = -1;
	if (strlen(path) >= sizeof sun.sun_path)
		return err_set(e, "unix socket path too long: %s", path);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, errno, "unix socket");
	*out = fd;
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0)
		return err_sys(e, errno, "cannot listen on unix socket %s", path);
	/* Only the owner may talk to the proxy; the directory should be private too. */
	if (chmod(path, 0600) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		int saved = errno;
		unlink(path);
		return err_sys(e, saved, "unix socket %s", path);
	}
	return 0;
}

static void listener_free(struct proxy *px, struct listener *ls)
{
	if (ls->fd >= 0) {
		loop_unwatch(px->loop, ls->fd);
		close(ls->fd);
	}
	loop_timer_disarm(px->loop, &ls->resume);
	if (px->http == ls)
		px->http = NULL;
	if (px->socks == ls)
		px->socks = NULL;
	if (px->admin == ls)
		px->admin = NULL;
	if (px->unix_l == ls)
		px->unix_l = NULL;
	free(ls);
}

/* Serves fd (taken over: closed on failure) with ops; the new listener, or NULL. */
static struct listener *listener_add(struct proxy *px, int fd, const struct conn_ops *ops,
				     const struct sockaddr_storage *addr, bool is_unix,
				     struct err *e)
{
	struct listener *ls = calloc(1, sizeof *ls), **grown;

	grown = ls ? realloc(px->listeners, (px->nlisteners + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(ls);
		close(fd);
		err_set(e, "out of memory");
		return NULL;
	}
	px->listeners = grown;
	ls->px = px;
	ls->fd = fd;
	ls->ops = ops;
	ls->is_unix = is_unix;
	if (addr)
		ls->addr = *addr;
	ls->id = ++px->next_listener_id;
	if (loop_watch(px->loop, fd, LOOP_READ, on_accept, ls, e) < 0) {
		close(fd);
		free(ls);
		return NULL;
	}
	px->listeners[px->nlisteners++] = ls;
	return ls;
}

static void on_resume(struct loop *l, struct loop_timer *t)
{
	struct listener *ls = (struct listener *)((char *)t - offsetof(struct listener, resume));

	if (ls->fd >= 0 && loop_watch(l, ls->fd, LOOP_READ, on_accept, ls, NULL) < 0)
		proxy_log(ls->px, "cannot resume accepting");
}

/* Over the cap: a clear, immediate refusal instead of a silent queue. */
static void refuse_overloaded(struct proxy *px, struct listener *ls, int fd, const char *client)
{
	struct proxy_record rec = {0};
	struct timespec ts;

	if (ls->ops->speaks_http) {
		struct buf b;
		buf_init(&b, 1024);
		if (answer_text(&b, 503, "too many connections") == 0)
			(void)send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT); /* best effort */
		buf_free(&b);
	}
	close(fd);
	clock_gettime(CLOCK_REALTIME, &ts);
	rec.listener_id = ls->id;
	rec.start_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	rec.protocol = ls->ops->audit_protocol;
	rec.client = client;
	rec.host = "";
	rec.method = "";
	rec.reason = PROXY_REASON_OVERLOADED;
	audit_record(&px->audit, &rec, policy_mode(px->policy));
	proxy_log(px, "connection refused: %u connections open, max_connections reached", px->nconns);
}

static void on_accept(struct loop *l, int lfd, void *arg, unsigned events)
{
	struct listener *ls = arg;
	struct proxy *px = ls->px;

	(void)events;
	for (int k = 0; k < ACCEPT_BATCH; k++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		char client[64] = "unix";
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				proxy_log(px, "accept: %s; pausing for %d ms", strerror(errno),
					  ACCEPT_PAUSE_MS);
				if (loop_watch(l, lfd, 0, on_accept, ls, NULL) == 0 &&
				    loop_timer_arm(l, &ls->resume, loop_now(l) + ACCEPT_PAUSE_MS,
						   on_resume) < 0)
					(void)loop_watch(l, lfd, LOOP_READ, on_accept, ls, NULL);
			}
			return;
		}
		if (!ls->is_unix) {
			int one = 1;
			format_addr(&peer, client, sizeof client);
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		}
		if (ls->ops->counted && px->nconns >= px->max_connections) {
			refuse_overloaded(px, ls, fd, client);
			continue;
		}
		c = conn_new(px, ls->ops, fd, client);
		if (!c) {
			close(fd);
			continue;
		}
		c->listener_id = ls->id;
		if (ls->ops->counted) {
			c->counted = true;
			px->nconns++;
		}
		ls->ops->start(c);
		conn_timeout(c, px->header_timeout_ms);
	}
}

int proxy_add_listener(struct proxy *px, int fd, enum proxy_listener_kind kind, struct err *e)
{
	const struct conn_ops *ops = kind == PROXY_LISTENER_SOCKS5 ? &socks5_conn_ops : &http_conn_ops;
	struct sockaddr_storage addr;
	struct listener *ls;
	bool is_unix;

	if (check_listening(fd, ops == &http_conn_ops ? "HTTP proxy" : "SOCKS5 proxy",
			    ops == &http_conn_ops, &addr, &is_unix, e) < 0) {
		close(fd);
		return -1;
	}
	ls = listener_add(px, fd, ops, &addr, is_unix, e);
	return ls ? ls->id : -1;
}

int proxy_remove_listener(struct proxy *px, int id)
{
	struct conn *c, *next;

	for (size_t k = 0; k < px->nlisteners; k++) {
		struct listener *ls = px->listeners[k];
		if (ls->id != id)
			continue;
		memmove(&px->listeners[k], &px->listeners[k + 1],
			(px->nlisteners - k - 1) * sizeof px->listeners[0]);
		px->nlisteners--;
		listener_free(px, ls);
		for (c = px->conns; c; c = next) {
			next = c->next;
			if (c->listener_id == id) {
				conn_record(c, PROXY_REASON_ALLOW);
				conn_close(c);
			}
		}
		return 0;
	}
	return -1;
}

/* A listener named in the options: an address to bind, or a descriptor to adopt. */
static int named_listener(struct proxy *px, struct listener **slot, const char *name,
			  const char *spec, unsigned default_port, int fd, bool allow_non_loopback,
			  const struct conn_ops *ops, struct err *e)
{
	struct sockaddr_storage addr;
	bool is_unix = false;

	if (fd >= 0) {
		if (check_listening(fd, name, false, &addr, &is_unix, e) < 0) {
			close(fd);
			return -1;
		}
	} else {
		if (parse_listen_addr(px, name, spec, default_port, allow_non_loopback, &addr, e) < 0)
			return -1;
		if (bind_tcp(&addr, &fd, e) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		socklen_t len = sizeof addr;
		if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
			close(fd);
			return err_sys(e, errno, "getsockname");
		}
	}
	*slot = listener_add(px, fd, ops, &addr, false, e);
	return *slot ? 0 : -1;
}

static void on_wake(struct loop *l, int fd, void *arg, unsigned events);

static void warn_line(void *arg, const char *line)
{
	proxy_warn(arg, "%s", line);
}

int proxy_new(const struct proxy_options *o, struct proxy **out, struct err *e)
{
	struct proxy *px = calloc(1, sizeof *px);
	int http_fd = o->http_fd, socks_fd = o->socks_fd;

	if (!px) {
		if (http_fd >= 0)
			close(http_fd);
		if (socks_fd >= 0)
			close(socks_fd);
		if (o->ask_fd >= 0)
			close(o->ask_fd);
		return err_set(e, "out of memory");
	}
	px->sigfd = px->wakefd = px->stop_fd = -1;
	/* Taken over in every case: held here until it is attached below. */
	px->ask_fd = o->ask_fd;
	px->ask_timeout_ms = o->ask_timeout_ms;
	px->log_fd = o->log_fd;
	px->max_connections = o->max_connections ? o->max_connections : 1;
	px->header_timeout_ms = o->header_timeout_ms;
	px->idle_timeout_ms = o->idle_timeout_ms;
	px->connect_timeout_ms = o->connect_timeout_ms;
	px->dns_timeout_ms = o->dns_timeout_ms;
	px->drain_timeout_ms = o->drain_timeout_ms;
	px->reload = o->reload;
	px->reload_arg = o->reload_arg;
	px->handle_signals = o->handle_signals;
	audit_init(&px->audit, o->audit_fd, o->on_record, o->on_record_arg);
	if ((o->http_addr && http_fd >= 0) || (o->socks_addr && socks_fd >= 0)) {
		err_set(e, "a listener is given both as an address and as a descriptor");
		goto fail_fds;
	}
	if (!o->loop && !o->http_addr && !o->socks_addr && !o->unix_path && http_fd < 0 &&
	    socks_fd < 0) {
		err_set(e, "no listener: give an HTTP address, a SOCKS5 address or a unix socket");
		goto fail_fds;
	}
	if (o->loop) {
		px->loop = o->loop;
	} else {
		if (loop_new(&px->loop, e) < 0)
			goto fail_fds;
		px->own_loop = true;
	}
	pool_init(&px->pool, px->loop, POOL_MAX,
		  o->idle_timeout_ms && o->idle_timeout_ms < POOL_IDLE_MS ? o->idle_timeout_ms
									  : POOL_IDLE_MS);
	/* Taken over first, so that every failure below closes them. */
	if (http_fd >= 0) {
		int fd = http_fd;
		http_fd = -1;
		if (named_listener(px, &px->http, "HTTP proxy", NULL, 0, fd, false, &http_conn_ops,
				   e) < 0)
			goto fail_socks_fd;
	}
	if (socks_fd >= 0) {
		int fd = socks_fd;
		socks_fd = -1;
		if (named_listener(px, &px->socks, "SOCKS5 proxy", NULL, 0, fd, false, &socks5_conn_ops,
				   e) < 0)
			goto fail;
	}
	if (policy_new(&o->policy, &px->policy, e) < 0 ||
	    upstream_init(&px->upstream, &o->upstream, warn_line, px, e) < 0)
		goto fail;
	if (o->http_addr &&
	    named_listener(px, &px->http, "HTTP proxy", o->http_addr, 3128, -1,
			   o->dangerously_allow_non_loopback_proxy, &http_conn_ops, e) < 0)
		goto fail;
	if (o->socks_addr &&
	    named_listener(px, &px->socks, "SOCKS5 proxy", o->socks_addr, 8081, -1,
			   o->dangerously_allow_non_loopback_proxy, &socks5_conn_ops, e) < 0)
		goto fail;
	if (o->admin_addr &&
	    named_listener(px, &px->admin, "admin API", o->admin_addr, 8080, -1, false,
			   &admin_conn_ops, e) < 0)
		goto fail;
	if (o->unix_path) {
		int fd;
		if (bind_unix(o->unix_path, &fd, e) < 0) {
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		px->unix_path = strdup(o->unix_path);
		if (!px->unix_path) {
			close(fd);
			unlink(o->unix_path);
			err_set(e, "out of memory");
			goto fail;
		}
		px->unix_l = listener_add(px, fd, &http_conn_ops, NULL, true, e);
		if (!px->unix_l)
			goto fail;
	}
	px->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (px->wakefd < 0) {
		err_sys(e, errno, "eventfd");
		goto fail;
	}
	if (loop_watch(px->loop, px->wakefd, LOOP_READ, on_wake, px, e) < 0 ||
	    resolver_new(px->loop, RESOLVER_THREADS, &px->resolver, e) < 0)
		goto fail;
	if (px->ask_fd >= 0) {
		int fd = px->ask_fd;
		px->ask_fd = -1;
		if (proxy_ask_attach(px, fd, e) < 0)
			goto fail;
	}
	if (px->upstream.tunnel.set || px->upstream.plain.set)
		proxy_log(px, "upstream proxy: %s for tunnels, %s for plain HTTP",
			  px->upstream.tunnel.set ? px->upstream.tunnel.shown : "none",
			  px->upstream.plain.set ? px->upstream.plain.shown : "none");
	*out = px;
	return 0;
fail_fds:
	if (http_fd >= 0)
		close(http_fd);
fail_socks_fd:
	if (socks_fd >= 0)
		close(socks_fd);
fail:
	proxy_free(px);
	return -1;
}

static void close_listeners(struct proxy *px)
{
	while (px->nlisteners)
		listener_free(px, px->listeners[--px->nlisteners]);
	free(px->listeners);
	px->listeners = NULL;
	if (px->unix_path) {
		unlink(px->unix_path);
		free(px->unix_path);
		px->unix_path = NULL;
	}
}

void proxy_free(struct proxy *px)
{
	if (!px)
		return;
	if (px->ask_fd >= 0 && px->loop)
		proxy_ask_detach(px);
	else if (px->ask_fd >= 0)
		close(px->ask_fd);
	px->ask_fd = -1;
	while (px->conns)
		conn_close(px->conns);
	if (px->loop) {
		conn_free_dead(px);
		close_listeners(px);
		pool_free(&px->pool);
	}
	flow_spares_free(&px->spares);
	conn_spares_free(px);
	resolver_free(px->resolver);
	if (px->wakefd >= 0) {
		loop_unwatch(px->loop, px->wakefd);
		close(px->wakefd);
	}
	policy_free(px->policy);
	upstream_free(&px->upstream);
	if (px->own_loop)
		loop_free(px->loop);
	free(px);
}

void proxy_stop(struct proxy *px)
{
	uint64_t one = 1;

	px->stop_requested = 1;
	/* Async-signal-safe wake-up; if the counter is full a wake-up is pending anyway. */
	if (px->wakefd >= 0)
		(void)!write(px->wakefd, &one, sizeof one);
}

static void on_wake(struct loop *l, int fd, void *arg, unsigned events)
{
	uint64_t n;

	(void)l;
	(void)arg;
	(void)events;
	(void)!read(fd, &n, sizeof n); /* resets the counter; the flag carries the request */
}

static void on_stop_fd(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proxy *px = arg;

	(void)events;
	px->stop_requested = 1;
	loop_unwatch(l, fd); /* level-triggered: do not spin on it while draining */
}

static void on_signal(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proxy *px = arg;
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGHUP) {
			struct err e;
			if (proxy_reload_now(px, &e) < 0)
				proxy_warn(px, "SIGHUP: reload failed: %s; keeping previous config", e.msg);
		} else {
			px->stop_requested = 1;
		}
	}
}

/* Stop accepting; idle connections go now, the others get drain_timeout_ms. */
static void begin_shutdown(struct proxy *px)
{
	struct conn *c, *next;

	px->stopping = true;
	px->drain_deadline = loop_now(px->loop) + px->drain_timeout_ms;
	/* Held requests are answered now (denied): nobody will be asked any more. */
	proxy_ask_detach(px);
	close_listeners(px);
	pool_flush(&px->pool);
	for (c = px->conns; c; c = next) {
		next = c->next;
		if (c->ops->is_idle(c))
			conn_close(c);
	}
	proxy_log(px, "shutting down; %u connections draining", px->nconns);
}

int proxy_run(struct proxy *px, int stop_fd, struct err *e)
{
	struct sigaction ign = {0}, old_pipe;
	sigset_t mask, old_mask;
	int rc = 0;

	ign.sa_handler = SIG_IGN;
	/* Writes to a vanished peer must return EPIPE, not kill the process. The old
	 * disposition is restored on return (a child exec'd later inherits it otherwise). */
	sigaction(SIGPIPE, &ign, &old_pipe);
	if (px->handle_signals) {
		sigemptyset(&mask);
		sigaddset(&mask, SIGTERM);
		sigaddset(&mask, SIGINT);
		sigaddset(&mask, SIGHUP);
		pthread_sigmask(SIG_BLOCK, &mask, &old_mask);
		px->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (px->sigfd < 0 || loop_watch(px->loop, px->sigfd, LOOP_READ, on_signal, px, e) < 0) {
			if (px->sigfd < 0)
				err_sys(e, errno, "signalfd");
			rc = -1;
			goto out;
		}
	}
	if (stop_fd >= 0 && loop_watch(px->loop, stop_fd, LOOP_READ, on_stop_fd, px, e) < 0) {
		rc = -1;
		goto out;
	}
	px->stop_fd = stop_fd;
	for (;;) {
		if (px->stop_requested && !px->stopping)
			begin_shutdown(px);
		if (px->stopping && (!px->conns || loop_now(px->loop) >= px->drain_deadline))
			break;
		if (loop_run_once(px->loop, px->stopping ? 50 : -1, e) < 0) {
			rc = -1;
			break;
		}
		conn_free_dead(px);
	}
	while (px->conns) {
		conn_record(px->conns, PROXY_REASON_ALLOW);
		conn_close(px->conns);
	}
	conn_free_dead(px);
out:
	if (px->stop_fd >= 0) {
		loop_unwatch(px->loop, px->stop_fd);
		px->stop_fd = -1;
	}
	if (px->sigfd >= 0) {
		loop_unwatch(px->loop, px->sigfd);
		close(px->sigfd);
		px->sigfd = -1;
	}
	if (px->handle_signals)
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return rc;
}

unsigned proxy_port(const struct proxy *px, const char *listener)
{
	const struct listener *ls = strcmp(listener, "http") == 0    ? px->http
				    : strcmp(listener, "socks") == 0 ? px->socks
				    : strcmp(listener, "admin") == 0 ? px->admin
								     : NULL;

	if (!ls)
		return 0;
	if (ls->addr.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&ls->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&ls->addr)->sin_port);
}

int proxy_ready_json(const struct proxy *px, struct buf *out)
{
	const struct listener *tcp[] = {px->http, px->socks, px->admin};
	const char *names[] = {"http", "socks", "admin"};
	bool first = true;

	if (buf_putc(out, '{') < 0)
		return -1;
	for (size_t k = 0; k < 3; k++) {
		char shown[80];
		if (!tcp[k])
			continue;
		format_addr(&tcp[k]->addr, shown, sizeof shown);
		if (buf_printf(out, "%s\"%s\":\"%s\"", first ? "" : ",", names[k], shown) < 0)
			return -1;
		first = false;
	}
	if (px->unix_path && (buf_printf(out, "%s\"unix\":", first ? "" : ",") < 0 ||
			      json_put_string(out, px->unix_path) < 0))
		return -1;
	return buf_putc(out, '}');
}

size_t proxy_blocked_snapshot(const struct proxy *px, struct proxy_blocked *out, size_t max,
			      uint64_t *total)
{
	if (total)
		*total = px->audit.total;
	return audit_snapshot(&px->audit, out, max);
}

int proxy_blocked_summary(const struct proxy *px, struct buf *out)
{
	return audit_summary(&px->audit, out);
}
