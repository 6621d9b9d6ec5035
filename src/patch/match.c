/* seek_sequence on a line table, without the quadratic scan: what seek.c falls back to
 * when scanning has cost a few readings of the file (only inputs built to defeat the
 * scan and its filters get here). Upstream tries every start position from the
 * cursor, for each of four passes, so each search can cost the rest of the file.
 *
 * We hash every file line once per pass (only for the passes a search reaches) and keep
 * "window indexes": the hashes of every run of `plen` consecutive lines, sorted with
 * their positions. In the index for plen 1 (one line) we find the pattern's rarest line;
 * when it occurs only a few times after the cursor, those places are the candidates,
 * checked in file order. When it is common (a pattern made of "}" and blank lines, or a
 * file built to defeat this), the index of whole windows of the pattern's length answers
 * directly: the first window at or after the cursor with the pattern's hash. Either way
 * the first candidate that really matches is the position upstream finds, since every
 * match has the rare line at its offset and the pattern's hash over its window. Indexes
 * are built once (O(n) each) and kept, so applying many chunks to one file is one
 * forward pass plus a logarithmic search per chunk. */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"

/* Candidates of the rare line beyond this many: use the whole-window index. */
#define ANCHOR_SCAN_MAX 32
/* Odd, so that powers of it never collapse to zero modulo 2^64. */
#define WINDOW_BASE 0x9e3779b97f4a7c15ull

struct pmatch_index {
	enum pmatch_pass pass;
	size_t plen;
	size_t n;            /* windows: lines - plen + 1 */
	uint64_t *hash;      /* ascending */
	uint32_t *pos;       /* first line of each window; ascending among equal hashes */
	unsigned long used;  /* for least-recently-used eviction */
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
		free(m->line_hash[p]);
		m->line_hash[p] = NULL;
	}
	for (int i = 0; i < PMATCH_WINDOW_CACHE; i++) {
		index_free(m->window[i]);
		m->window[i] = NULL;
	}
}

static const uint64_t *line_hashes(struct pmatcher *m, enum pmatch_pass pass)
{
	if (!m->line_hash[pass]) {
		uint64_t *h = malloc((m->n ? m->n : 1) * sizeof *h);
		if (!h)
			return NULL;
		for (size_t i = 0; i < m->n; i++)
			h[i] = ptext_line_hash(pass, m->lines[i]);
		m->line_hash[pass] = h;
	}
	return m->line_hash[pass];
}

/* Sorts (hash, pos) pairs by hash with a stable LSD radix sort, so positions stay in
 * file order among equal hashes. Byte positions where every key agrees are skipped. */
static int radix_sort(uint64_t *h, uint32_t *p, size_t n)
{
	uint64_t *th = malloc((n ? n : 1) * sizeof *th);
	uint32_t *tp = malloc((n ? n : 1) * sizeof *tp);
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

/* The hash of plen consecutive line hashes (a polynomial in WINDOW_BASE), the same for
 * a file window and for a pattern. */
static uint64_t window_hash(const uint64_t *h, size_t plen)
{
	uint64_t w = 0;

	for (size_t k = 0; k < plen; k++)
		w = w * WINDOW_BASE + h[k];
	return w;
}

static struct pmatch_index *build_window(struct pmatcher *m, enum pmatch_pass pass,
					 size_t plen)
{
	const uint64_t *h = line_hashes(m, pass);
	struct pmatch_index *ix;
	uint64_t top = 1, w;
	size_t n = m->n - plen + 1;

	if (!h || !(ix = calloc(1, sizeof *ix)))
		return NULL;
	ix->pass = pass;
	ix->plen = plen;
	ix->n = n;
	ix->hash = malloc(n * sizeof *ix->hash);
	ix->pos = malloc(n * sizeof *ix->pos);
	if (!ix->hash || !ix->pos)
		goto fail;
	for (size_t k = 1; k < plen; k++)
		top *= WINDOW_BASE;
	w = window_hash(h, plen);
	for (size_t i = 0; i < n; i++) {
		ix->hash[i] = w;
		ix->pos[i] = (uint32_t)i;
		if (i + 1 < n)
			w = (w - h[i] * top) * WINDOW_BASE + h[i + plen];
	}
	if (radix_sort(ix->hash, ix->pos, n) < 0)
		goto fail;
	return ix;
fail:
	index_free(ix);
	return NULL;
}

/* The window index for (pass, plen), built on first use; plen <= m->n. */
static struct pmatch_index *window(struct pmatcher *m, enum pmatch_pass pass, size_t plen)
{
	int slot = 0;

	for (int i = 0; i < PMATCH_WINDOW_CACHE; i++) {
		struct pmatch_index *ix = m->window[i];
		if (ix && ix->pass == pass && ix->plen == plen) {
			ix->used = ++m->clock;
			return ix;
		}
		if (!ix || (m->window[slot] && ix->used < m->window[slot]->used))
			slot = i;
	}
	index_free(m->window[slot]);
	m->window[slot] = build_window(m, pass, plen);
	if (m->window[slot])
		m->window[slot]->used = ++m->clock;
	return m->window[slot];
}

/* [*lo, *hi): the entries whose hash is h. */
static void hash_range(const struct pmatch_index *ix, uint64_t h, size_t *lo, size_t *hi)
{
	size_t a = 0, b = ix->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (ix->hash[mid] < h)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = ix->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (ix->hash[mid] <= h)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

/* The first entry of [lo, hi) whose position is >= target. */
static size_t first_at_or_after(const struct pmatch_index *ix, size_t lo, size_t hi,
				size_t target)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->pos[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int window_eq(const struct pmatcher *m, enum pmatch_pass pass, size_t at,
		     const struct patch_str *pattern, size_t plen)
{
	for (size_t k = 0; k < plen; k++)
		if (!ptext_line_eq(pass, m->lines[at + k], pattern[k]))
			return 0;
	return 1;
}

/* Checks the candidates ix->pos[j] - offset for j in [lo, hi), in file order. */
static int check_candidates(const struct pmatcher *m, const struct pmatch_index *ix,
			    enum pmatch_pass pass, const struct patch_str *pattern, size_t plen,
			    size_t offset, size_t lo, size_t hi, size_t *at)
{
	for (size_t j = lo; j < hi; j++) {
		size_t cand = ix->pos[j] - offset;
		if (cand > m->n - plen)
			break;
		if (window_eq(m, pass, cand, pattern, plen)) {
			*at = cand;
			return 1;
		}
	}
	return 0;
}

/* One pass over the candidates in [start, n - plen]. */
static int seek_pass(struct pmatcher *m, enum pmatch_pass pass,
		     const struct patch_str *pattern, size_t plen, size_t start, size_t *at)
{
	const struct pmatch_index *lines = window(m, pass, 1), *ix;
	size_t best_k = 0, best_lo = 0, best_hi = 0, lo, hi, first, last;
	uint64_t *ph;

	if (!lines)
		return -1;
	for (size_t k = 0; k < plen; k++) {
		hash_range(lines, ptext_line_hash(pass, pattern[k]), &lo, &hi);
		if (lo == hi)
			return 0; /* this line is nowhere in the file */
		if (k == 0 || hi - lo < best_hi - best_lo) {
			best_k = k;
			best_lo = lo;
			best_hi = hi;
		}
	}
	/* The rare line's occurrences that can start a candidate. */
	first = first_at_or_after(lines, best_lo, best_hi, start + best_k);
	last = first_at_or_after(lines, first, best_hi, m->n - plen + best_k + 1);
	if (last - first <= ANCHOR_SCAN_MAX || plen == 1)
		return check_candidates(m, lines, pass, pattern, plen, best_k, first, last, at);
	/* Too common: look the whole pattern up among the windows of its length. */
	ph = malloc(plen * sizeof *ph);
	ix = ph ? window(m, pass, plen) : NULL;
	if (!ix) {
		free(ph);
		return -1;
	}
	for (size_t k = 0; k < plen; k++)
		ph[k] = ptext_line_hash(pass, pattern[k]);
	hash_range(ix, window_hash(ph, plen), &lo, &hi);
	free(ph);
	first = first_at_or_after(ix, lo, hi, start);
	return check_candidates(m, ix, pass, pattern, plen, 0, first, hi, at);
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
