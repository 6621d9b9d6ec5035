/* A one-shot local HTTP server for OAuth redirects, shared by the ChatGPT sign-in
 * (login_server.c) and MCP OAuth (src/mcp/oauth_login.c). A small poll loop serves up to
 * AUTH_CALLBACK_MAX_CONNS connections at once (browsers open speculative ones that never
 * send anything), each answered once and closed ("Connection: close": a kept-alive
 * socket would stall a later login). Every wait is bounded: connections by
 * AUTH_CALLBACK_IDLE_MS, replies by WRITE_TIMEOUT_MS, the whole wait by the caller's
 * deadline. What a request means is the caller's handler's business. */
#include "auth/auth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"

/* A reply that cannot be written within this long is dropped. */
#define WRITE_TIMEOUT_MS 5000

struct auth_cb_conn {
	int fd;                        /* -1: free slot */
	int64_t deadline;
	size_t len;
	char head[AUTH_CALLBACK_HEAD_MAX];
};

struct auth_cb_server {
	int lfd, port;
	struct auth_cb_conn conns[AUTH_CALLBACK_MAX_CONNS];
};

int64_t auth_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int auth_wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = {fd, events, 0};

	for (;;) {
		int64_t left = deadline - auth_now_ms();
		int r;
		if (left <= 0)
			return -1;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

int auth_cb_listen(uint32_t addr, int port, struct auth_cb_server **out, int *errnum,
		   struct err *e)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof a;
	int one = 1;
	struct auth_cb_server *s = calloc(1, sizeof *s);
	int fd;

	*errnum = ENOMEM;
	if (!s)
		return err_set(e, "out of memory");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*errnum = errno;
		free(s);
		return err_sys(e, *errnum, "socket");
	}
	/* Lets a new login bind while a previous one's connections sit in TIME_WAIT; a
	 * listening socket still makes the bind fail. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		*errnum = errno;
		close(fd);
		free(s);
		return err_sys(e, *errnum, "cannot listen on port %d", port);
	}
	s->lfd = fd;
	s->port = ntohs(a.sin_port);
	for (size_t i = 0; i < AUTH_CALLBACK_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	*errnum = 0;
	*out = s;
	return 0;
}

int auth_cb_port(const struct auth_cb_server *s)
{
	return s->port;
}

static void close_conn(struct auth_cb_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

void auth_cb_free(struct auth_cb_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < AUTH_CALLBACK_MAX_CONNS; i++)
		close_conn(&s->conns[i]);
	close(s->lfd);
	free(s);
}

void auth_cb_reply(struct auth_cb_conn *c, int status, const char *reason, const char *ctype,
		   const char *extra_header, const char *body)
{
	size_t body_len = strlen(body);
	size_t extra_len = extra_header ? strlen(extra_header) : 0;
	struct buf out;
	int64_t deadline = auth_now_ms() + WRITE_TIMEOUT_MS;
	size_t off = 0;

	/* The head is at most ~200 bytes of our own plus the extra header (a Location that
	 * carries an id_token can be kilobytes long). */
	buf_init(&out, 512 + extra_len + body_len);
	if (buf_printf(&out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			     "Connection: close\r\n%s%s\r\n",
		       status, reason, ctype, body_len, extra_header ? extra_header : "",
		       extra_header ? "\r\n" : "") < 0 ||
	    buf_append(&out, body, body_len) < 0)
		goto out;
	while (off < out.len) {
		ssize_t n = send(c->fd, out.data + off, out.len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if (auth_wait_fd(c->fd, POLLOUT, deadline) < 0)
				break;
		} else {
			break;
		}
	}
	shutdown(c->fd, SHUT_WR);
out:
	buf_free(&out);
	close_conn(c);
}

void auth_cb_text(struct auth_cb_conn *c, int status, const char *reason, const char *text)
{
	auth_cb_reply(c, status, reason, "text/plain; charset=utf-8", NULL, text);
}

static void on_readable(struct auth_cb_conn *c, auth_cb_handler *h, void *arg)
{
	struct auth_callback_request r;
	enum auth_callback_status st;
	ssize_t n;

	n = recv(c->fd, c->head + c->len, sizeof c->head - c->len, 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close_conn(c);
		return;
	}
	c->len += (size_t)n;
	st = auth_callback_parse(c->head, c->len, &r);
	switch (st) {
	case AUTH_CALLBACK_NEED_MORE:
		return;
	case AUTH_CALLBACK_BAD:
		auth_cb_text(c, 400, "Bad Request", "Bad Request");
		return;
	case AUTH_CALLBACK_DONE:
		h(arg, c, &r);
		auth_callback_request_free(&r);
		if (c->fd >= 0) /* a handler that did not answer: the connection ends */
			close_conn(c);
		return;
	}
}

static void on_accept(struct auth_cb_server *s)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return; /* EAGAIN, or a connection that went away: nothing to serve */
	for (size_t i = 0; i < AUTH_CALLBACK_MAX_CONNS; i++) {
		if (s->conns[i].fd < 0) {
			s->conns[i].fd = fd;
			s->conns[i].len = 0;
			s->conns[i].deadline = auth_now_ms() + AUTH_CALLBACK_IDLE_MS;
			return;
		}
	}
	close(fd); /* every slot busy: the browser retries */
}

int auth_cb_serve(struct auth_cb_server *s, int64_t deadline, auth_cb_handler *h, void *arg,
		  const bool *done, struct err *e)
{
	struct pollfd p[AUTH_CALLBACK_MAX_CONNS + 1];
	size_t idx[AUTH_CALLBACK_MAX_CONNS + 1];

	while (!*done) {
		int64_t now = auth_now_ms(), wake = deadline;
		size_t n = 1;
		int r;

		if (now >= deadline)
			return 1;
		p[0] = (struct pollfd){s->lfd, POLLIN, 0};
		for (size_t i = 0; i < AUTH_CALLBACK_MAX_CONNS; i++) {
			struct auth_cb_conn *c = &s->conns[i];
			if (c->fd < 0)
				continue;
			if (c->deadline <= now) {
				close_conn(c);
				continue;
			}
			if (c->deadline < wake)
				wake = c->deadline;
			p[n] = (struct pollfd){c->fd, POLLIN, 0};
			idx[n++] = i;
		}
		r = poll(p, n, (int)(wake - now));
		if (r < 0 && errno != EINTR)
			return err_sys(e, errno, "poll");
		for (size_t i = 1; r > 0 && i < n && !*done; i++)
			if (p[i].revents)
				on_readable(&s->conns[idx[i]], h, arg);
		if (r > 0 && !*done && p[0].revents)
			on_accept(s);
	}
	return 0;
}
