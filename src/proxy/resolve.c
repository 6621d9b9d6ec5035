/* Resolver thread pool: see resolve.h. The loop thread owns submission, completion and
 * cancellation; workers only touch a job between taking it from the queue and putting it
 * on the done list, both under the pool's mutex. Workers start when lookups need them
 * (up to the pool's size), so a proxy that never resolves a name (a sandboxed command
 * that makes no request) never pays for threads. */
#include "proxy/resolve.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "proxy/proxy.h"

#define RESOLVE_THREADS_MAX 16

struct resolve_job {
	struct resolve_job *next;
	char host[PROXY_HOST_MAX];
	unsigned port;
	resolve_fn *fn;
	void *arg;
	bool cancelled;
	struct resolve_result res;
};

struct resolver {
	struct loop *loop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct resolve_job *queue_head, *queue_tail;
	struct resolve_job *done;
	bool quit;
	int alive;             /* workers not yet returned */
	int idle;              /* workers waiting for a job */
	int queued;            /* jobs no worker has taken yet */
	int max_threads;
	pthread_cond_t exited;
	int efd;
	int nthreads;
	pthread_t threads[RESOLVE_THREADS_MAX];
};

static void lookup(struct resolve_job *j)
{
	struct addrinfo hints = {0}, *ai = NULL;
	char port[8];
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", j->port);
	rc = getaddrinfo(j->host, port, &hints, &ai);
	j->res.error = rc;
	j->res.naddrs = 0;
	if (rc != 0)
		return;
	for (struct addrinfo *p = ai; p && j->res.naddrs < RESOLVE_MAX_ADDRS; p = p->ai_next) {
		if ((p->ai_family != AF_INET && p->ai_family != AF_INET6) ||
		    p->ai_addrlen > sizeof j->res.addrs[0])
			continue;
		memcpy(&j->res.addrs[j->res.naddrs++], p->ai_addr, p->ai_addrlen);
	}
	freeaddrinfo(ai);
	if (j->res.naddrs == 0)
		j->res.error = EAI_NONAME;
}

static void *worker(void *arg)
{
	struct resolver *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct resolve_job *j;
		r->idle++;
		while (!r->quit && !r->queue_head)
			pthread_cond_wait(&r->cv, &r->mu);
		r->idle--;
		if (r->quit)
			break;
		j = r->queue_head;
		r->queued--;
		r->queue_head = j->next;
		if (!r->queue_head)
			r->queue_tail = NULL;
		if (!j->cancelled) {
			pthread_mutex_unlock(&r->mu);
			lookup(j);
			pthread_mutex_lock(&r->mu);
		}
		j->next = r->done;
		r->done = j;
		uint64_t one = 1;
		/* The counter cannot overflow in practice; a failed write only delays the
		 * wake-up to the loop's next iteration, which drains the list anyway. */
		(void)!write(r->efd, &one, sizeof one);
	}
	r->alive--;
	pthread_cond_signal(&r->exited);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Loop side: deliver finished jobs. */
static void on_event(struct loop *l, int fd, void *arg, unsigned events)
{
	struct resolver *r = arg;
	struct resolve_job *j, *next;
	uint64_t n;

	(void)l;
	(void)events;
	/* Reading resets the counter; EAGAIN just means another wake-up got here first. */
	(void)!read(fd, &n, sizeof n);
	pthread_mutex_lock(&r->mu);
	j = r->done;
	r->done = NULL;
	pthread_mutex_unlock(&r->mu);
	for (; j; j = next) {
		next = j->next;
		if (!j->cancelled)
			j->fn(j->arg, &j->res);
		free(j);
	}
}

int resolver_new(struct loop *l, int threads, struct resolver **out, struct err *e)
{
	struct resolver *r = calloc(1, sizeof *r);

	if (!r)
		return err_set(e, "out of memory");
	r->loop = l;
	r->max_threads = threads < 1 ? 1 : threads > RESOLVE_THREADS_MAX ? RESOLVE_THREADS_MAX
									  : threads;
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0) {
		int saved = errno;
		free(r);
		return err_sys(e, saved, "eventfd");
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	pthread_cond_init(&r->exited, NULL);
	if (loop_watch(l, r->efd, LOOP_READ, on_event, r, e) < 0) {
		resolver_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* One more worker (called with the mutex held); 0, or the pthread_create error. */
static int start_worker(struct resolver *r)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int rc;

	/* Workers take no signals: a process-directed SIGTERM must reach the loop thread
	 * (which may serve it through a signalfd), never kill the process from a worker. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	/* getaddrinfo needs little stack; 256 KiB is ample and keeps the pool small. */
	pthread_attr_setstacksize(&attr, 256 * 1024);
	rc = pthread_create(&r->threads[r->nthreads], &attr, worker, r);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0) {
		r->nthreads++;
		r->alive++;
	}
	return rc;
}

void resolver_free(struct resolver *r)
{
	struct resolve_job *j, *next;
	struct timespec deadline;
	bool stuck;

	if (!r)
		return;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 300 * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->mu);
	r->quit = true;
	pthread_cond_broadcast(&r->cv);
	while (r->alive > 0)
		if (pthread_cond_timedwait(&r->exited, &r->mu, &deadline) == ETIMEDOUT)
			break;
	stuck = r->alive > 0;
	pthread_mutex_unlock(&r->mu);
	loop_unwatch(r->loop, r->efd);
	if (stuck) {
		/* A lookup is still inside getaddrinfo (a resolver waiting for its timeout).
		 * It cannot be interrupted, and shutdown must not wait for it: the workers
		 * are detached and the pool is left to them. This happens once, at exit. */
		for (int k = 0; k < r->nthreads; k++)
			pthread_detach(r->threads[k]);
		return;
	}
	for (int k = 0; k < r->nthreads; k++)
		pthread_join(r->threads[k], NULL);
	for (j = r->queue_head; j; j = next) {
		next = j->next;
		free(j);
	}
	for (j = r->done; j; j = next) {
		next = j->next;
		free(j);
	}
	close(r->efd);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	pthread_cond_destroy(&r->exited);
	free(r);
}

struct resolve_job *resolver_submit(struct resolver *r, const char *host, unsigned port,
				    resolve_fn *fn, void *arg)
{
	struct resolve_job *j = calloc(1, sizeof *j);

	if (!j)
		return NULL;
	snprintf(j->host, sizeof j->host, "%s", host);
	j->port = port;
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&r->mu);
	/* A new worker when every running one is busy; without any worker (threads
	 * cannot be made) the lookup cannot happen: the caller treats NULL as a failure. */
	if (r->queued + 1 > r->idle && r->nthreads < r->max_threads && start_worker(r) != 0 &&
	    r->nthreads == 0) {
		pthread_mutex_unlock(&r->mu);
		free(j);
		return NULL;
	}
	if (r->queue_tail)
		r->queue_tail->next = j;
	else
		r->queue_head = j;
	r->queue_tail = j;
	r->queued++;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return j;
}

void resolver_cancel(struct resolver *r, struct resolve_job *job)
{
	pthread_mutex_lock(&r->mu);
	job->cancelled = true;
	pthread_mutex_unlock(&r->mu);
}

const char *resolve_error_str(int error)
{
	return error ? gai_strerror(error) : "no error";
}
