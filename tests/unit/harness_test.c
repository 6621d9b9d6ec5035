/* The harness's own promises, where a mistake would hide failures elsewhere. */
#include <stdlib.h>

#include "test.h"

/* Four allocations, all freed whichever fails. */
static void four_allocations(void)
{
	void *p[4];

	for (int k = 0; k < 4; k++)
		p[k] = malloc(16);
	for (int k = 0; k < 4; k++)
		free(p[k]);
}

TEST(alloc_failure_loop_fails_when_it_never_runs_clean)
{
	int runs = 0;

	/* Three runs fail the 1st, 2nd and 3rd allocation; the 4th is never tried and no
	 * run completes without a failure: that must fail the case, not pass it. */
	test_capture_begin();
	FOR_EACH_ALLOC_FAILURE(3, four_allocations(), runs++);
	CHECK_INT(test_capture_end(), 1);
	CHECK_INT(runs, 3);
}

TEST(alloc_failure_loop_passes_once_a_run_is_clean)
{
	int runs = 0;

	/* Runs 1-4 fail each allocation in turn; run 5 is the clean one. */
	test_capture_begin();
	FOR_EACH_ALLOC_FAILURE(5, four_allocations(), runs++);
	CHECK_INT(test_capture_end(), 0);
	CHECK_INT(runs, 5);
}
