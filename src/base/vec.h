/* Growth for arrays appended one element at a time: the typed-array companion of buf.h.
 * Each array keeps its own pointer, count and capacity; vec_grow makes room for the next
 * element. As a buf has a max, every array has a ceiling on its count: a named limit
 * (base/limits.h or the module's header), so input can never grow one without bound.
 *
 *	struct item *v = vec_grow(a->items, &a->cap, a->n, sizeof *v, LIMIT_X);
 *	if (!v)
 *		return vec_fail(e, "items", LIMIT_X);
 *	a->items = v;
 *	v[a->n++] = item; */
#ifndef CODEX_BASE_VEC_H
#define CODEX_BASE_VEC_H

#include <stddef.h>

#include "base/err.h"

/* Makes room for element index n (the (n+1)-th) of arr, an array of elem-byte elements
 * with room for *cap of them. Returns arr when it has room already, or the array moved
 * to a larger allocation (*cap updated: it doubles from 4, clamped to max). On failure
 * returns NULL and leaves arr and *cap as they were, still the caller's: unlike a buf,
 * nothing is freed, because the elements may own memory only the caller can release.
 * errno tells why: E2BIG when n >= max (the ceiling), ENOMEM when the size would
 * overflow or memory runs out. arr may be NULL when *cap is 0. */
void *vec_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t max) WARN_UNUSED;

/* After a failed vec_grow: fills e with "more than <max> <what>" when the ceiling was
 * reached, "out of memory" otherwise. Returns -1. */
int vec_fail(struct err *e, const char *what, size_t max);

#endif
