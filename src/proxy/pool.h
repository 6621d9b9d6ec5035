/* Private to src/proxy: idle origin connections kept for the next request. Loop thread
 * only.
 *
 * A connection enters the pool only between two exchanges (its response read to the
 * end, nothing unread). It is keyed by everything its reuse depends on: the normalised
 * host and port, the route (direct or through the upstream proxy) and the policy's
 * answer for that host (whether non-public addresses were acceptable); and it keeps the
 * checked address it is connected to. pool_take hands it out only for the same key and
 * only when that address passes the new request's verdict, so a connection is never
 * reused for a request the policy now refuses. An idle connection belongs to no client:
 * whoever takes it has it alone until it gives it back. While idle, any byte or hang-up
 * from the origin closes it, and so does the idle timeout; past the cap the oldest goes. */
#ifndef CODEX_PROXY_POOL_H
#define CODEX_PROXY_POOL_H

#include <stdbool.h>
#include <sys/socket.h>

#include "base/loop.h"
#include "proxy/policy.h"

/* Idle connections kept at most (each is one fd and no buffers), and how long. */
#define POOL_MAX 256
#define POOL_IDLE_MS 30000

struct pool_key {
	char host[PROXY_HOST_MAX];
	unsigned port;
	bool via_upstream;
	bool local_ok;
};

struct pool_entry;

struct pool {
	struct loop *loop;
	struct pool_entry *newest, *oldest;
	unsigned n, max;
	unsigned idle_ms;
	struct loop_timer timer;       /* the oldest entry's expiry */
	unsigned long reused, added;   /* counters for tests and benchmarks */
};

void pool_init(struct pool *p, struct loop *l, unsigned max, unsigned idle_ms);
/* Closes every idle connection. */
void pool_free(struct pool *p);
/* Takes over fd, which may still be registered with the loop (the pool replaces the
 * callback; it closes fd when it cannot keep it). */
void pool_put(struct pool *p, const struct pool_key *k, const struct sockaddr_storage *peer,
	      int fd);
/* An idle connection for k whose address v permits, or -1; *peer gets its address. The fd
 * is still registered with the loop: the caller replaces the callback (loop_watch). */
int pool_take(struct pool *p, const struct pool_key *k, const struct policy_verdict *v,
	      struct sockaddr_storage *peer);
/* Closes every idle connection (a policy reload, shutdown). */
void pool_flush(struct pool *p);

#endif
