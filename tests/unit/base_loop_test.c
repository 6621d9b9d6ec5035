/* The event loop (loop.c, loop_epoll.c): timer heap order under arm/re-arm/disarm, and
 * callbacks that remove other fds of the same batch. */
#include <unistd.h>

#include "base/loop.h"
#include "test.h"

static int fired[64], nfired;

static void on_fire(struct loop *l, struct loop_timer *t)
{
	(void)l;
	fired[nfired++] = (int)t->when;
}

TEST(loop_timers_fire_in_deadline_order)
{
	struct loop *l;
	struct err e;
	struct loop_timer t[40] = {{0}};

	REQUIRE(loop_new(&l, &e) == 0);
	nfired = 0;
	/* Deadlines in the past, shuffled; some re-armed, some disarmed. */
	for (int k = 0; k < 40; k++)
		REQUIRE(loop_timer_arm(l, &t[k], (uint64_t)((k * 17) % 40 + 1), on_fire) == 0);
	REQUIRE(loop_timer_arm(l, &t[3], 1000000000000ull, on_fire) == 0); /* far future */
	loop_timer_disarm(l, &t[5]);
	loop_timer_disarm(l, &t[5]); /* twice is harmless */
	REQUIRE(loop_run_once(l, 0, &e) == 0);
	CHECK_INT(nfired, 38);
	for (int k = 1; k < nfired; k++)
		CHECK(fired[k - 1] <= fired[k]);
	CHECK(t[3].idx != 0);
	loop_timer_disarm(l, &t[3]);
	loop_free(l);
}

static int p1[2], p2[2], calls;

static void on_read(struct loop *l, int fd, void *arg, unsigned events)
{
	(void)arg;
	(void)events;
	calls++;
	/* Whichever fires first removes both: the other must not be called. */
	loop_unwatch(l, p1[0]);
	loop_unwatch(l, p2[0]);
	(void)fd;
}

TEST(loop_callback_removing_peer_in_same_batch)
{
	struct loop *l;
	struct err e;

	REQUIRE(loop_new(&l, &e) == 0);
	REQUIRE(pipe(p1) == 0 && pipe(p2) == 0);
	REQUIRE(write(p1[1], "x", 1) == 1 && write(p2[1], "x", 1) == 1);
	REQUIRE(loop_watch(l, p1[0], LOOP_READ, on_read, NULL, &e) == 0);
	REQUIRE(loop_watch(l, p2[0], LOOP_READ, on_read, NULL, &e) == 0);
	calls = 0;
	REQUIRE(loop_run_once(l, 100, &e) == 0);
	CHECK_INT(calls, 1);
	for (int k = 0; k < 2; k++) {
		close(p1[k]);
		close(p2[k]);
	}
	loop_free(l);
}
