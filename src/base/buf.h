/* A growable byte buffer with a ceiling. Appends fail (and free the buffer, never leaving
 * it half-written) when the ceiling or memory runs out. The data is always NUL-terminated
 * so text can be used directly; the terminator is not counted in len. */
#ifndef CODEX_BASE_BUF_H
#define CODEX_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

struct buf {
	char *data;   /* NULL until the first append; owned */
	size_t len;
	size_t cap;
	size_t max;   /* ceiling on len; must be non-zero */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Keeps the allocation, forgets the content. */
void buf_reset(struct buf *b);

int buf_append(struct buf *b, const void *p, size_t n) WARN_UNUSED;
int buf_puts(struct buf *b, const char *s) WARN_UNUSED;
int buf_putc(struct buf *b, char c) WARN_UNUSED;
int buf_printf(struct buf *b, const char *fmt, ...) ERR_PRINTF(2, 3) WARN_UNUSED;
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) WARN_UNUSED;

/* Hands the data to the caller (free() it) and leaves b empty. Never NULL unless
 * allocation fails: an empty buffer gives "". */
char *buf_take(struct buf *b);

/* Drops the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);

#endif
