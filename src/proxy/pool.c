/* The pool of idle origin connections: see pool.h. */
#include "proxy/pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct pool_entry {
	struct pool *pool;
	struct pool_entry *newer, *older;
	struct pool_key key;
	struct sockaddr_storage peer;
	int fd;
	uint64_t expires;
};

static void on_timer(struct loop *l, struct loop_timer *t);

static void rearm(struct pool *p)
{
	if (!p->oldest) {
		loop_timer_disarm(p->loop, &p->timer);
		return;
	}
	/* Without a timer the oldest would outlive its time: drop it instead. */
	if (loop_timer_arm(p->loop, &p->timer, p->oldest->expires, on_timer) < 0)
		pool_flush(p);
}

static void unlink_entry(struct pool *p, struct pool_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		p->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		p->oldest = e->newer;
	p->n--;
}

static void drop(struct pool *p, struct pool_entry *e)
{
	unlink_entry(p, e);
	loop_unwatch(p->loop, e->fd);
	close(e->fd);
	free(e);
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct pool *p = (struct pool *)((char *)t - offsetof(struct pool, timer));

	while (p->oldest && p->oldest->expires <= loop_now(l))
		drop(p, p->oldest);
	rearm(p);
}

/* An idle connection has nothing to say: a byte or a hang-up ends it. */
static void on_event(struct loop *l, int fd, void *arg, unsigned events)
{
	struct pool_entry *e = arg;
	struct pool *p = e->pool;

	(void)l;
	(void)fd;
	(void)events;
	drop(p, e);
	rearm(p);
}

void pool_init(struct pool *p, struct loop *l, unsigned max, unsigned idle_ms)
{
	memset(p, 0, sizeof *p);
	p->loop = l;
	p->max = max;
	p->idle_ms = idle_ms;
}

void pool_flush(struct pool *p)
{
	while (p->oldest)
		drop(p, p->oldest);
	if (p->loop)
		loop_timer_disarm(p->loop, &p->timer);
}

void pool_free(struct pool *p)
{
	pool_flush(p);
}

void pool_put(struct pool *p, const struct pool_key *k, const struct sockaddr_storage *peer,
	      int fd)
{
	struct pool_entry *e;

	if (p->max == 0 || p->idle_ms == 0 || !(e = calloc(1, sizeof *e))) {
		loop_unwatch(p->loop, fd);
		close(fd);
		return;
	}
	if (p->n >= p->max)
		drop(p, p->oldest);
	e->pool = p;
	e->key = *k;
	e->peer = *peer;
	e->fd = fd;
	e->expires = loop_now(p->loop) + p->idle_ms;
	if (loop_watch(p->loop, fd, LOOP_READ, on_event, e, NULL) < 0) {
		loop_unwatch(p->loop, fd);
		close(fd);
		free(e);
		return;
	}
	e->older = p->newest;
	if (p->newest)
		p->newest->newer = e;
	p->newest = e;
	if (!p->oldest)
		p->oldest = e;
	p->n++;
	p->added++;
	if (p->oldest == e)
		rearm(p);
}

static bool same_key(const struct pool_key *a, const struct pool_key *b)
{
	return a->port == b->port && a->via_upstream == b->via_upstream &&
	       a->local_ok == b->local_ok && strcmp(a->host, b->host) == 0;
}

/* A hang-up or stray bytes may be waiting in this very loop iteration, not yet
 * dispatched to on_event: look before handing the connection out. */
static bool still_idle(int fd)
{
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

int pool_take(struct pool *p, const struct pool_key *k, const struct policy_verdict *v,
	      struct sockaddr_storage *peer)
{
	struct pool_entry *e, *older;

	for (e = p->newest; e; e = older) {
		older = e->older;
		/* The upstream proxy's own address is the caller's choice, not a target. */
		if (!same_key(&e->key, k) ||
		    (!k->via_upstream && !policy_addr_permitted(v, (const struct sockaddr *)&e->peer)))
			continue;
		if (!still_idle(e->fd)) {
			drop(p, e);
			continue;
		}
		int fd = e->fd;
		*peer = e->peer;
		/* Still registered: the taker's loop_watch replaces the callback. */
		bool was_oldest = p->oldest == e;
		unlink_entry(p, e);
		free(e);
		if (was_oldest)
			rearm(p);
		p->reused++;
		return fd;
	}
	rearm(p);
	return -1;
}
