/* The event loop's portable half: fd table, timer heap, dispatch (see loop.h). */
#include "base/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/vec.h"

/* High bit of loop_file.mask: "registered with the backend". */
#define REGISTERED 0x80000000u

uint64_t loop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_new(struct loop **out, struct err *e)
{
	struct loop *l = calloc(1, sizeof *l);

	if (!l)
		return err_set(e, "out of memory");
	if (loop_api_create(l, e) < 0) {
		free(l);
		return -1;
	}
	l->now = loop_clock_ms();
	*out = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	loop_api_free(l);
	free(l->files);
	free(l->heap);
	free(l);
}

static int ensure_fd(struct loop *l, int fd, struct err *e)
{
	size_t n;
	struct loop_file *f;

	if (fd < 0)
		return err_set(e, "bad fd %d", fd);
	if ((size_t)fd < l->nfiles)
		return 0;
	n = l->nfiles ? l->nfiles : 256;
	while (n <= (size_t)fd)
		n *= 2;
	f = realloc(l->files, n * sizeof *f);
	if (!f)
		return err_set(e, "out of memory");
	memset(f + l->nfiles, 0, (n - l->nfiles) * sizeof *f);
	l->files = f;
	l->nfiles = n;
	return 0;
}

int loop_watch(struct loop *l, int fd, unsigned mask, loop_io_fn *fn, void *arg, struct err *e)
{
	struct loop_file *f;

	if (ensure_fd(l, fd, e) < 0)
		return -1;
	f = &l->files[fd];
	if ((f->mask & REGISTERED) && (f->mask & ~REGISTERED) == mask && f->fn == fn &&
	    f->arg == arg)
		return 0;
	if (!(f->mask & REGISTERED) || (f->mask & ~REGISTERED) != mask)
		if (loop_api_set(l, fd, f->mask, mask, e) < 0)
			return -1;
	f->mask = mask | REGISTERED;
	f->fn = fn;
	f->arg = arg;
	return 0;
}

void loop_unwatch(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfiles || !(l->files[fd].mask & REGISTERED))
		return;
	loop_api_del(l, fd);
	memset(&l->files[fd], 0, sizeof l->files[fd]);
}

unsigned loop_mask(const struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfiles)
		return 0;
	return l->files[fd].mask & ~REGISTERED;
}

uint64_t loop_now(struct loop *l)
{
	return l->now;
}

/* ---- timer heap ---- */

static void heap_swap(struct loop *l, size_t a, size_t b)
{
	struct loop_timer *t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->idx = a + 1;
	l->heap[b]->idx = b + 1;
}

static void heap_up(struct loop *l, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (l->heap[parent]->when <= l->heap[i]->when)
			break;
		heap_swap(l, i, parent);
		i = parent;
	}
}

static void heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, min = i;
		if (left < l->nheap && l->heap[left]->when < l->heap[min]->when)
			min = left;
		if (right < l->nheap && l->heap[right]->when < l->heap[min]->when)
			min = right;
		if (min == i)
			return;
		heap_swap(l, i, min);
		i = min;
	}
}

void loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
	size_t i;

	if (!t->idx)
		return;
	i = t->idx - 1;
	t->idx = 0;
	l->nheap--;
	if (i == l->nheap)
		return;
	l->heap[i] = l->heap[l->nheap];
	l->heap[i]->idx = i + 1;
	heap_down(l, i);
	heap_up(l, i);
}

int loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t when, loop_timer_fn *fn)
{
	struct loop_timer **h;

	loop_timer_disarm(l, t);
	t->when = when;
	t->fn = fn;
	h = vec_grow(l->heap, &l->heap_cap, l->nheap, sizeof *h, LIMIT_LOOP_TIMERS);
	if (!h)
		return -1;
	l->heap = h;
	l->heap[l->nheap] = t;
	t->idx = ++l->nheap;
	heap_up(l, l->nheap - 1);
	return 0;
}

static void run_timers(struct loop *l)
{
	while (l->nheap && l->heap[0]->when <= l->now) {
		struct loop_timer *t = l->heap[0];
		loop_timer_disarm(l, t);
		t->fn(l, t);
	}
}

int loop_run_once(struct loop *l, int max_wait_ms, struct err *e)
{
	int timeout = -1, n;

	l->now = loop_clock_ms();
	if (l->nheap) {
		uint64_t when = l->heap[0]->when;
		timeout = when <= l->now ? 0 : (int)(when - l->now > 60000 ? 60000 : when - l->now);
	}
	if (max_wait_ms >= 0 && (timeout < 0 || timeout > max_wait_ms))
		timeout = max_wait_ms;
	n = loop_api_poll(l, timeout, e);
	if (n < 0)
		return -1;
	l->now = loop_clock_ms();
	for (int k = 0; k < n; k++) {
		int fd = l->fired[k].fd;
		unsigned ev = l->fired[k].events;
		struct loop_file *f;

		/* An earlier callback in this batch may have removed or changed this fd. */
		if ((size_t)fd >= l->nfiles)
			continue;
		f = &l->files[fd];
		if (!(f->mask & REGISTERED) || !f->fn)
			continue;
		ev &= (f->mask & (LOOP_READ | LOOP_WRITE)) | LOOP_HUP;
		if (!ev)
			continue;
		f->fn(l, fd, f->arg, ev);
	}
	run_timers(l);
	if (l->before_sleep)
		l->before_sleep(l, l->before_sleep_arg);
	return 0;
}
