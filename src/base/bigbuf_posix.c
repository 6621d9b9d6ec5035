/* bigbuf on Linux: aligned_alloc to huge pages, madvise to ask for them and to map the
 * buffer in one call (see base/bigbuf.h). Both advices are hints: a kernel without
 * them refuses, and the buffer works the same with small pages. */
#include "base/bigbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#define HUGE_PAGE ((size_t)2 << 20)

/* Asks the kernel to map [p, p + n) now, in one call, instead of a fault a page. */
static void populate(char *p, size_t n)
{
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)4095;

	if (b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
}

void *bigbuf_alloc(size_t n)
{
	size_t up, huge;
	char *p;

	if (n >= BIGBUF_HUGE_MIN && n <= SIZE_MAX - HUGE_PAGE) {
		/* Whole huge pages; the tail too when rounding it up wastes little, else the
		 * tail keeps small pages (resident memory stays about n). */
		up = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		huge = up - n <= n / 8 ? up : n & ~(HUGE_PAGE - 1);
		p = huge ? aligned_alloc(HUGE_PAGE, huge == up ? up : n) : NULL;
		if (p) {
			(void)madvise(p, huge, MADV_HUGEPAGE);
			populate(p, huge == up ? up : n);
			return p;
		}
	}
	p = malloc(n);
	if (p && n >= BIGBUF_POPULATE_MIN)
		populate(p, n);
	return p;
}

void *bigbuf_lazy(size_t n)
{
	size_t up;
	char *p;

	if (n < BIGBUF_LAZY_MIN || n > SIZE_MAX - HUGE_PAGE)
		return malloc(n);
	up = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, up);
	if (p)
		(void)madvise(p, up, MADV_HUGEPAGE);
	return p;
}
