#include "base/vec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Small arrays are the common case (roots, table entries, argv); doubling from 4
 * keeps them small and large ones cheap to grow. */
#define VEC_FIRST_CAP 4

void *vec_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	if (n >= max) {
		errno = E2BIG;
		return NULL;
	}
	ncap = *cap ? *cap : VEC_FIRST_CAP;
	while (ncap <= n)
		ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
	if (ncap > max)
		ncap = max;
	/* No object may be larger than PTRDIFF_MAX (pointer differences inside it must
	 * fit); asking realloc for more only fails later, or aborts under a sanitizer. */
	if (elem == 0 || ncap > PTRDIFF_MAX / elem) {
		errno = ENOMEM;
		return NULL;
	}
	p = realloc(arr, ncap * elem);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	*cap = ncap;
	return p;
}

int vec_fail(struct err *e, const char *what, size_t max)
{
	if (errno == E2BIG)
		return err_set(e, "more than %zu %s", max, what);
	return err_set(e, "out of memory");
}
