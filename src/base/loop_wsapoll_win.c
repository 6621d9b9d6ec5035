/* WSAPoll backend of the event loop on Windows (see loop.h; loop_epoll.c is the Linux
 * one). Only sockets can be watched, which is all the proxy and the loop's wake-ups
 * (sys/eventfd.h's stand-in) use. The watched sockets sit in one pollfd array in
 * registration order; set and del search it, which stays cheap at the proxy's
 * connection counts. A mask of 0 still reports errors and hang-ups, as with epoll.
 * WSAPoll before Windows 10 2004 may not report a refused non-blocking connect; the
 * proxy's connect timeout covers that case. */
#include <winsock2.h>

#include <errno.h>
#include <stdlib.h>

#include "base/loop.h"

#define LOOP_EVENTS_PER_POLL 256

struct wsapoll_state {
	WSAPOLLFD *pfds;
	size_t n, cap;
	size_t start; /* where the next reporting round begins, for fairness */
};

int loop_api_create(struct loop *l, struct err *e)
{
	struct wsapoll_state *s = calloc(1, sizeof *s);

	if (!s)
		return err_set(e, "out of memory");
	l->fired = calloc(LOOP_EVENTS_PER_POLL, sizeof *l->fired);
	if (!l->fired) {
		free(s);
		return err_set(e, "out of memory");
	}
	l->nfired_max = LOOP_EVENTS_PER_POLL;
	l->api = s;
	return 0;
}

void loop_api_free(struct loop *l)
{
	struct wsapoll_state *s = l->api;

	if (!s)
		return;
	free(s->pfds);
	free(s);
	free(l->fired);
	l->api = NULL;
}

static SHORT to_poll(unsigned mask)
{
	return (SHORT)((mask & LOOP_READ ? POLLRDNORM : 0) | (mask & LOOP_WRITE ? POLLWRNORM : 0));
}

static size_t find(const struct wsapoll_state *s, int fd)
{
	size_t i = 0;

	while (i < s->n && s->pfds[i].fd != (SOCKET)fd)
		i++;
	return i;
}

int loop_api_set(struct loop *l, int fd, unsigned old_mask, unsigned new_mask, struct err *e)
{
	struct wsapoll_state *s = l->api;
	size_t i = find(s, fd);

	if (i == s->n) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			WSAPOLLFD *p = realloc(s->pfds, cap * sizeof *p);
			if (!p)
				return err_set(e, "out of memory watching socket %d", fd);
			s->pfds = p;
			s->cap = cap;
		}
		s->pfds[s->n].fd = (SOCKET)fd;
		s->pfds[s->n].revents = 0;
		s->n++;
	}
	s->pfds[i].events = to_poll(new_mask);
	return 0;
}

void loop_api_del(struct loop *l, int fd)
{
	struct wsapoll_state *s = l->api;
	size_t i = find(s, fd);

	if (i == s->n)
		return; /* never added: nothing to undo */
	s->pfds[i] = s->pfds[--s->n];
}

int loop_api_poll(struct loop *l, int timeout_ms, struct err *e)
{
	struct wsapoll_state *s = l->api;
	int n, got = 0;

	if (s->n == 0) {
		/* WSAPoll refuses an empty set: only timers are waited for. */
		Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
		return 0;
	}
	n = WSAPoll(s->pfds, (ULONG)s->n, timeout_ms);
	if (n == SOCKET_ERROR) {
		int w = WSAGetLastError();
		if (w == WSAEINTR)
			return 0;
		return err_set(e, "WSAPoll failed (Winsock error %d)", w);
	}
	for (size_t k = 0; k < s->n && got < LOOP_EVENTS_PER_POLL && n > 0; k++) {
		size_t i = (s->start + k) % s->n;
		SHORT ev = s->pfds[i].revents;
		unsigned m = 0;
		if (!ev)
			continue;
		s->pfds[i].revents = 0;
		if (ev & (POLLRDNORM | POLLRDBAND))
			m |= LOOP_READ;
		if (ev & POLLWRNORM)
			m |= LOOP_WRITE;
		if (ev & (POLLERR | POLLHUP | POLLNVAL))
			m |= LOOP_HUP;
		l->fired[got].fd = (int)s->pfds[i].fd;
		l->fired[got].events = m;
		got++;
	}
	s->start = s->n ? (s->start + 1) % s->n : 0;
	return got;
}
