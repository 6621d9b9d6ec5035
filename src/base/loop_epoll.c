/* epoll backend of the event loop (see loop.h). Registered fds stay in the epoll set with
 * their current interest; mask 0 still reports errors and hang-ups. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/loop.h"

#define LOOP_EVENTS_PER_POLL 256

struct epoll_state {
	int epfd;
	struct epoll_event events[LOOP_EVENTS_PER_POLL];
};

int loop_api_create(struct loop *l, struct err *e)
{
	struct epoll_state *s = calloc(1, sizeof *s);

	if (!s)
		return err_set(e, "out of memory");
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		int saved = errno;
		free(s);
		return err_sys(e, saved, "epoll_create1");
	}
	l->fired = calloc(LOOP_EVENTS_PER_POLL, sizeof *l->fired);
	if (!l->fired) {
		close(s->epfd);
		free(s);
		return err_set(e, "out of memory");
	}
	l->nfired_max = LOOP_EVENTS_PER_POLL;
	l->api = s;
	return 0;
}

void loop_api_free(struct loop *l)
{
	struct epoll_state *s = l->api;

	if (!s)
		return;
	close(s->epfd);
	free(s);
	free(l->fired);
	l->api = NULL;
}

static uint32_t to_epoll(unsigned mask)
{
	return (mask & LOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) | (mask & LOOP_WRITE ? EPOLLOUT : 0);
}

int loop_api_set(struct loop *l, int fd, unsigned old_mask, unsigned new_mask, struct err *e)
{
	struct epoll_state *s = l->api;
	struct epoll_event ev = {0};
	bool registered = old_mask & 0x80000000u;

	ev.events = to_epoll(new_mask);
	ev.data.fd = fd;
	if (epoll_ctl(s->epfd, registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
		return err_sys(e, errno, "epoll_ctl(fd %d)", fd);
	return 0;
}

void loop_api_del(struct loop *l, int fd)
{
	struct epoll_state *s = l->api;
	struct epoll_event ev = {0};

	/* Fails only when fd was never added or is already closed: nothing to undo. */
	(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, &ev);
}

int loop_api_poll(struct loop *l, int timeout_ms, struct err *e)
{
	struct epoll_state *s = l->api;
	int n = epoll_wait(s->epfd, s->events, LOOP_EVENTS_PER_POLL, timeout_ms);

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return err_sys(e, errno, "epoll_wait");
	}
	for (int k = 0; k < n; k++) {
		uint32_t ev = s->events[k].events;
		unsigned m = 0;
		if (ev & (EPOLLIN | EPOLLRDHUP))
			m |= LOOP_READ;
		if (ev & EPOLLOUT)
			m |= LOOP_WRITE;
		if (ev & (EPOLLERR | EPOLLHUP))
			m |= LOOP_HUP;
		l->fired[k].fd = s->events[k].data.fd;
		l->fired[k].events = m;
	}
	return n;
}
