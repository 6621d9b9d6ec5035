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
 * rounded up to one more when that adds at most a sixteenth. */
#define BIGBUF_HUGE_MIN ((size_t)15 << 17) /* 1.875 MiB: 2 MiB less a sixteenth */
/* Buffers from this size up are mapped in one call rather than a fault a page. */
#define BIGBUF_POPULATE_MIN ((size_t)1 << 20)

/* n bytes (n > 0), or NULL with errno ENOMEM; free() frees it. */
void *bigbuf_alloc(size_t n);

#endif
