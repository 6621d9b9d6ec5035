/* seek_sequence without the quadratic scan. Upstream tries every start position from
 * the cursor, for each of four passes. We keep, per pass, the file's line hashes
 * sorted (with their positions): for a pattern we pick its rarest line, and only the
 * positions where that line occurs at or after the cursor are candidates, checked in
 * file order. The first candidate that matches is the position upstream would find,
 * because any match must have the rare line at that offset. An index is built once per
 * file and pass, the first time the pass is needed (usually only the exact one). */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"

struct pmatch_index {
	uint64_t *hash;  /* ascending */
	uint32_t *pos;   /* the line of each hash; ascending among equal hashes */
};

void pmatch_init(struct pmatcher *m, const struct patch_str *lines, size_t n)
{
	memset(m, 0, sizeof *m);
	m->lines = lines;
	m->n = n;
}

static void index_free(struct pmatch_index *ix)
{
	if (!ix)
		return;
	free(ix->hash);
	free(ix->pos);
	free(ix);
}

void pmatch_free(struct pmatcher *m)
{
	for (int p = 0; p < PMATCH_PASSES; p++) {
		index_free(m->index[p]);
		m->index[p] = NULL;
	}
}

/* Sorts (hash, pos) pairs by hash with a stable LSD radix sort, so positions stay in
 * file order among equal hashes. Byte positions where every key agrees are skipped. */
static int radix_sort(uint64_t *h, uint32_t *p, size_t n)
{
	uint64_t *th = malloc(n * sizeof *th);
	uint32_t *tp = malloc(n * sizeof *tp);
	size_t count[256];

	if (!th || !tp) {
		free(th);
		free(tp);
		return -1;
	}
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;
		int skip = 0;

		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(h[i] >> shift) & 0xff]++;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];
			if (c == n)
				skip = 1;
			count[b] = sum;
			sum += c;
		}
		if (skip)
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t to = count[(h[i] >> shift) & 0xff]++;
			th[to] = h[i];
			tp[to] = p[i];
		}
		memcpy(h, th, n * sizeof *h);
		memcpy(p, tp, n * sizeof *p);
	}
	free(th);
	free(tp);
	return 0;
}

static struct pmatch_index *index_get(struct pmatcher *m, enum pmatch_pass pass)
{
	struct pmatch_index *ix = m->index[pass];
	size_t n = m->n;

	if (ix)
		return ix;
	ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->hash = malloc((n ? n : 1) * sizeof *ix->hash);
	ix->pos = malloc((n ? n : 1) * sizeof *ix->pos);
	if (!ix->hash || !ix->pos)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		ix->hash[i] = ptext_line_hash(pass, m->lines[i]);
		ix->pos[i] = (uint32_t)i;
	}
	if (radix_sort(ix->hash, ix->pos, n) < 0)
		goto fail;
	m->index[pass] = ix;
	return ix;
fail:
	index_free(ix);
	return NULL;
}

/* [*lo, *hi): the entries whose hash is h. */
static void hash_range(const struct pmatch_index *ix, size_t n, uint64_t h, size_t *lo,
		       size_t *hi)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (ix->hash[mid] < h)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (ix->hash[mid] <= h)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

static int window_eq(const struct pmatcher *m, enum pmatch_pass pass, size_t at,
		     const struct patch_str *pattern, size_t plen)
{
	for (size_t k = 0; k < plen; k++)
		if (!ptext_line_eq(pass, m->lines[at + k], pattern[k]))
			return 0;
	return 1;
}

/* One pass over the candidates in [start, n - plen]. */
static int seek_pass(struct pmatcher *m, enum pmatch_pass pass,
		     const struct patch_str *pattern, size_t plen, size_t start, size_t *at)
{
	const struct pmatch_index *ix = index_get(m, pass);
	size_t best_k = 0, best_lo = 0, best_hi = 0, lo, hi, target;

	if (!ix)
		return -1;
	for (size_t k = 0; k < plen; k++) {
		hash_range(ix, m->n, ptext_line_hash(pass, pattern[k]), &lo, &hi);
		if (lo == hi)
			return 0; /* this line is nowhere in the file */
		if (k == 0 || hi - lo < best_hi - best_lo) {
			best_k = k;
			best_lo = lo;
			best_hi = hi;
		}
	}
	/* The first occurrence of the rare line at or after start + best_k. */
	target = start + best_k;
	lo = best_lo;
	hi = best_hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->pos[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j < best_hi; j++) {
		size_t cand = ix->pos[j] - best_k;
		if (cand > m->n - plen)
			break;
		if (window_eq(m, pass, cand, pattern, plen)) {
			*at = cand;
			return 1;
		}
	}
	return 0;
}

int pmatch_seek(struct pmatcher *m, const struct patch_str *pattern, size_t plen,
		size_t start, int eof, enum patch_eol_mode mode, size_t *at)
{
	size_t n = m->n;

	if (plen == 0) {
		*at = start;
		return 1;
	}
	if (plen > n)
		return 0;
	if (eof) {
		/* The pattern must end at the last line: one candidate. Legacy mode takes it
		 * even when it lies before the cursor; preserve mode does not. */
		size_t cand = n - plen;
		if (mode == PATCH_EOL_PRESERVE && start > cand)
			return 0;
		for (int pass = 0; pass < PMATCH_PASSES; pass++)
			if (window_eq(m, (enum pmatch_pass)pass, cand, pattern, plen)) {
				*at = cand;
				return 1;
			}
		return 0;
	}
	if (start > n - plen)
		return 0;
	for (int pass = 0; pass < PMATCH_PASSES; pass++) {
		int r = seek_pass(m, (enum pmatch_pass)pass, pattern, plen, start, at);
		if (r != 0)
			return r;
	}
	return 0;
}
