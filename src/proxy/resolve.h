/* Private to src/proxy: name resolution off the event loop. A few worker threads run
 * getaddrinfo; results come back on the loop thread through an eventfd the loop watches.
 * A job is owned by the pool: the submitter gets a handle it may cancel until the
 * callback runs (after which the handle is gone). */
#ifndef CODEX_PROXY_RESOLVE_H
#define CODEX_PROXY_RESOLVE_H

#include <sys/socket.h>

#include "base/err.h"
#include "base/loop.h"

#define RESOLVE_MAX_ADDRS 8 /* addresses kept per name: enough to fall back across families */

struct resolve_result {
	int error;  /* 0, or a getaddrinfo EAI_* code */
	int naddrs;
	struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS]; /* with the requested port */
};

typedef void resolve_fn(void *arg, const struct resolve_result *res);

struct resolver;
struct resolve_job;

/* A pool of at most `threads` workers, started as lookups need them. */
int resolver_new(struct loop *l, int threads, struct resolver **out, struct err *e);
/* Stops the threads (waiting for running lookups to end) and frees every job. */
void resolver_free(struct resolver *r);
/* Queues a lookup of host:port. NULL when memory runs out (or no worker can be
 * started at all). fn runs on the loop thread. */
struct resolve_job *resolver_submit(struct resolver *r, const char *host, unsigned port,
				    resolve_fn *fn, void *arg);
/* The callback will not run; the job is freed by the pool. */
void resolver_cancel(struct resolver *r, struct resolve_job *job);
const char *resolve_error_str(int error);

#endif
