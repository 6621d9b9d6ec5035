/* The one event loop every role shares (DESIGN.md §8): single-threaded, after Redis ae.
 * The proxy runs on it; the agent's model streams, commands and front ends join it.
 * File events are level-triggered and kept in a table indexed by fd; the backend
 * (loop_epoll.c) sits behind the loop_api_* functions. Timers live in a min-heap of caller-embedded structs
 * on CLOCK_MONOTONIC milliseconds. Callbacks may add or remove any watch or timer,
 * including their own: the loop re-checks the table before each dispatch. */
#ifndef CODEX_BASE_LOOP_H
#define CODEX_BASE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define LOOP_READ 1u
#define LOOP_WRITE 2u
#define LOOP_HUP 4u /* error or hang-up: reported to whichever callback is registered */

struct loop;
typedef void loop_io_fn(struct loop *l, int fd, void *arg, unsigned events);

struct loop_timer;
typedef void loop_timer_fn(struct loop *l, struct loop_timer *t);
/* Embedded by its owner; zero-initialise, then loop_timer_arm. */
struct loop_timer {
	uint64_t when;   /* CLOCK_MONOTONIC ms */
	size_t idx;      /* position in the heap + 1; 0 = not armed */
	loop_timer_fn *fn;
};

struct loop_file {
	unsigned mask;
	loop_io_fn *fn;
	void *arg;
};

struct loop_fired {
	int fd;
	unsigned events;
};

struct loop {
	struct loop_file *files; /* indexed by fd, grown on demand */
	size_t nfiles;
	struct loop_fired *fired;
	size_t nfired_max;
	struct loop_timer **heap;
	size_t nheap, heap_cap;
	uint64_t now;            /* cached each iteration */
	bool stop;
	void (*before_sleep)(struct loop *l, void *arg);
	void *before_sleep_arg;
	void *api;               /* backend state */
};

int loop_new(struct loop **out, struct err *e);
void loop_free(struct loop *l);

/* Sets the events wanted on fd (LOOP_READ | LOOP_WRITE; 0 keeps fd registered with no
 * interest except errors). The first call registers fn/arg. */
int loop_watch(struct loop *l, int fd, unsigned mask, loop_io_fn *fn, void *arg, struct err *e);
/* Forgets fd (before closing it). */
void loop_unwatch(struct loop *l, int fd);
unsigned loop_mask(const struct loop *l, int fd);

uint64_t loop_now(struct loop *l);
uint64_t loop_clock_ms(void);
/* -1 only when memory runs out (the timer is then not armed: the owner must give up). */
int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t when, loop_timer_fn *fn)
	WARN_UNUSED;
void loop_timer_disarm(struct loop *l, struct loop_timer *t);

/* One iteration: waits (at most until the next timer, or max_wait_ms if >= 0), dispatches
 * file events, then due timers, then before_sleep. EINTR counts as a normal wake-up. */
int loop_run_once(struct loop *l, int max_wait_ms, struct err *e);

/* The backend (loop_epoll.c). */
int loop_api_create(struct loop *l, struct err *e);
void loop_api_free(struct loop *l);
int loop_api_set(struct loop *l, int fd, unsigned old_mask, unsigned new_mask, struct err *e);
void loop_api_del(struct loop *l, int fd);
/* Waits up to timeout_ms (-1 forever); fills l->fired; returns the count or -1. */
int loop_api_poll(struct loop *l, int timeout_ms, struct err *e);

#endif
