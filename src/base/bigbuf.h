/* Buffers that a program reads a whole large file into and then walks over: memory
 * whose first touch is cheap.
 *
 * Under a hypervisor that shadows page tables, the first user-space access to each 4 KiB
 * page costs an exit, even when the kernel has already filled the page (read(2) writes
 * through its own mapping): over a 5 MB file that is over a thousand exits, several
 * times the cost of reading the file. Large buffers are therefore aligned to, and
 * sized in, 2 MiB huge pages where the system has them (a handful of faults), and
 * mapped in one call. Free them with free(). */
#ifndef CODEX_BASE_BIGBUF_H
#define CODEX_BASE_BIGBUF_H

#include <stddef.h>

/* Buffers from this size up get huge pages: their whole 2 MiB stretches, and the tail
 * rounded up to one more when that adds at most an eighth (a huge page costs what about
 * ten small ones to map, so a small-page tail of more than 40 KiB costs more time than
 * the memory a rounded one holds is worth). */
#define BIGBUF_HUGE_MIN ((size_t)7 << 18) /* 1.75 MiB: 2 MiB less an eighth */
/* Buffers from this size up are mapped in one call rather than a fault a page. */
#define BIGBUF_POPULATE_MIN ((size_t)1 << 20)

/* n bytes (n > 0), or NULL with errno ENOMEM; free() frees it. */
void *bigbuf_alloc(size_t n);

/* Tables sized by a bound, filled from the start and perhaps not to the end: from this
 * size up they are aligned to huge pages and rounded up to whole ones, but nothing is
 * mapped before it is touched (one fault a 2 MiB page, not 512); an untouched tail
 * costs no memory. */
#define BIGBUF_LAZY_MIN ((size_t)1 << 20)

/* n bytes (n > 0), not zeroed, or NULL with errno ENOMEM; free() or realloc() them. */
void *bigbuf_lazy(size_t n);

#endif
