/* vec_grow: the one growth helper for arrays appended one element at a time. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/vec.h"
#include "test.h"

TEST(vec_grow_keeps_elements_and_doubles)
{
	int *v = NULL, *p;
	size_t n = 0, cap = 0, reallocs = 0;

	for (int k = 0; k < 1000; k++) {
		size_t before = cap;
		p = vec_grow(v, &cap, n, sizeof *v, 100000);
		REQUIRE(p != NULL);
		REQUIRE(cap > n);
		if (cap != before)
			reallocs++;
		v = p;
		v[n++] = k;
	}
	for (int k = 0; k < 1000; k++)
		CHECK_INT(v[k], k);
	/* 4, 8, ..., 1024: doubling, not one allocation per element. */
	CHECK_INT(reallocs, 9);
	CHECK_INT(cap, 1024);
	free(v);
}

/* An int array of 0..count-1 grown one element at a time under ceiling max. */
static int *ints(int count, size_t *cap, size_t max)
{
	int *v = NULL, *p;

	*cap = 0;
	for (int k = 0; k < count; k++) {
		p = vec_grow(v, cap, (size_t)k, sizeof *v, max);
		if (!p) {
			free(v);
			return NULL;
		}
		v = p;
		v[k] = k;
	}
	return v;
}

TEST(vec_grow_stops_at_the_ceiling)
{
	size_t n = 5, cap;
	int *v = ints(5, &cap, 5);

	REQUIRE(v != NULL);
	CHECK_INT(cap, 5); /* clamped: 4 doubled would be 8 */
	errno = 0;
	CHECK(vec_grow(v, &cap, n, sizeof *v, 5) == NULL);
	CHECK_INT(errno, E2BIG);
	CHECK_INT(cap, 5);
	/* The array is untouched and still the caller's. */
	for (int k = 0; k < 5; k++)
		CHECK_INT(v[k], k);
	free(v);
}

TEST(vec_grow_refuses_sizes_that_overflow)
{
	size_t cap = 0;
	size_t elem = SIZE_MAX / 4 + 1; /* 4 of them wrap around to a tiny size */
	char *v;

	errno = 0;
	CHECK(vec_grow(NULL, &cap, 0, elem, SIZE_MAX) == NULL);
	CHECK_INT(errno, ENOMEM);
	CHECK_INT(cap, 0);
	/* Near the top of size_t the doubling itself must not wrap either. */
	cap = SIZE_MAX / 2 + 1;
	v = malloc(1);
	REQUIRE(v != NULL);
	errno = 0;
	CHECK(vec_grow(v, &cap, cap, 1, SIZE_MAX) == NULL);
	CHECK_INT(errno, ENOMEM);
	CHECK(cap == SIZE_MAX / 2 + 1);
	free(v);
}

TEST(vec_grow_makes_room_past_a_jump)
{
	long *v = NULL;
	size_t cap = 0;

	v = vec_grow(v, &cap, 37, sizeof *v, 1000);
	REQUIRE(v != NULL);
	CHECK(cap > 37);
	v[37] = 1; /* ASan (make check) proves the room is real */
	free(v);
}

TEST(vec_grow_leaves_the_array_when_memory_runs_out)
{
	size_t n = 4, cap;
	int *v = ints(4, &cap, 100), *p;

	REQUIRE(v != NULL);
	failalloc_arm(1);
	errno = 0;
	p = vec_grow(v, &cap, n, sizeof *v, 100);
	CHECK(failalloc_fired());
	failalloc_disarm();
	CHECK(p == NULL);
	CHECK_INT(errno, ENOMEM);
	CHECK_INT(cap, 4);
	for (int k = 0; k < 4; k++)
		CHECK_INT(v[k], k);
	free(v);
}

TEST(vec_grow_survives_every_allocation_failure)
{
	/* 100 strings and 6 moves of the array: 106 allocations in a clean run. */
	FOR_EACH_ALLOC_FAILURE(120, {
		char **v = NULL;
		char **p;
		size_t n = 0;
		size_t cap = 0;
		int ok = 1;
		for (int k = 0; k < 100 && ok; k++) {
			char *s = malloc(8);
			p = s ? vec_grow(v, &cap, n, sizeof *v, 1000) : NULL;
			if (!p) {
				free(s);
				ok = 0;
				break;
			}
			v = p;
			v[n++] = s;
		}
		if (ok)
			CHECK_INT(n, 100);
		for (size_t k = 0; k < n; k++)
			free(v[k]);
		free(v);
	});
}

TEST(vec_fail_names_the_ceiling)
{
	struct err e;

	errno = E2BIG;
	CHECK_INT(vec_fail(&e, "writable roots", 259), -1);
	CHECK_STR(e.msg, "more than 259 writable roots");
	errno = ENOMEM;
	vec_fail(&e, "writable roots", 259);
	CHECK_STR(e.msg, "out of memory");
}
