/* seek_sequence (reference §2.4) on a file's bytes, at the cost of reading them once.
 *
 * A patch's chunks come in file order and upstream searches each from the cursor, pass
 * by pass. When a pass matches, a forward scan from the cursor finds it after reading
 * the gap to it, and the cursor then moves past it: over a whole patch that is one
 * reading of the file, with no line table and no index. Two things can make scanning
 * cost more, and each has its remedy:
 *
 *   - A pass with no match after the cursor (a chunk that only matches once trailing
 *     whitespace is ignored, say) reads the rest of the file to learn so. The first time
 *     a pass fails that way, a filter is built for it in one more reading: for every
 *     line of the hunk's patterns, the last place it occurs in the file under that pass.
 *     A later pattern with a line that does not occur at or after the cursor is known to
 *     fail at once.
 *   - Inputs built to defeat both (patterns made of lines common everywhere, whose runs
 *     occur nowhere) could make scanning quadratic. Scanning therefore has a budget, a
 *     few readings of the file; when it runs out, the line table and the hashed window
 *     index of match.c are built, and every later search is logarithmic.
 *
 * Whatever answers, the result is the first position in file order of the first pass
 * that matches, exactly as upstream's scan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/vec.h"
#include "patch/internal.h"

/* Scanning allowed before building the index: this many readings of the file... */
#define SCAN_BUDGET_READINGS 8
/* ...plus this many bytes, so small files never bother with the index. */
#define SCAN_BUDGET_BYTES (1u << 20)

#define NOT_SEEN SIZE_MAX
/* Window lengths a filter covers: the most common pattern lengths of the hunk (real
 * patches have a few; each costs a hash step a line when the filter is built). */
#define FILTER_LENGTHS 8
/* Odd, so that powers of it never collapse to zero modulo 2^64. */
#define ROLL_BASE 0x9e3779b97f4a7c15ull

struct pfilter_slot {
	uint64_t hash;
	size_t plen;
	size_t last; /* offset of the last window with this hash and length, or NOT_SEEN */
};

struct pfilter {
	struct pfilter_slot *slot; /* open addressing; plen 0 marks a free slot */
	size_t mask;
	size_t plens[FILTER_LENGTHS], n_plens;
};

/* The per-line steps of every loop here are PHOT (forced inline), and the loops are
 * written once and instantiated per pass, so that each pass's loop is tight. */
#define HOT PHOT

/* The line at off: its text ends at *te; returns the next line's start. */
HOT size_t line_at(const struct pfile *f, size_t off, size_t *te)
{
	const char *d = f->data, *e = pbytes_eol(d + off, d + f->len, f->split_cr);
	size_t at;

	if (!e) {
		*te = f->len;
		return f->len;
	}
	at = (size_t)(e - d);
	*te = at;
	return at + (*e == '\r' && at + 1 < f->len && e[1] == '\n' ? 2 : 1);
}

/* ptext_pass_view, with the usual all-ASCII ends done here. */
HOT struct patch_str view_of(enum pmatch_pass pass, const char *s, size_t n)
{
	struct patch_str v = {s, n};

	if (pass == PMATCH_EXACT)
		return v;
	while (v.len > 0) {
		unsigned char c = (unsigned char)v.s[v.len - 1];
		if (c >= 0x80) {
			v.len -= ptext_ws_suffix(v.s, v.len);
			break;
		}
		if (!pbytes_ws(c))
			break;
		v.len--;
	}
	if (pass == PMATCH_TRIM_END)
		return v;
	while (v.len > 0) {
		unsigned char c = (unsigned char)v.s[0];
		if (c >= 0x80) {
			size_t k = ptext_ws_prefix(v.s, v.len);
			v.s += k;
			v.len -= k;
			break;
		}
		if (!pbytes_ws(c))
			break;
		v.s++;
		v.len--;
	}
	return v;
}

HOT int view_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b)
{
	if (a.len == b.len && pbytes_eq(a.s, b.s, a.len))
		return 1;
	return pass == PMATCH_NORMALIZED && ptext_view_eq(pass, a, b);
}

void pseek_init(struct pseek *s, const struct pfile *f)
{
	memset(s, 0, sizeof *s);
	s->f = f;
	s->budget = f->len > (SIZE_MAX - SCAN_BUDGET_BYTES) / SCAN_BUDGET_READINGS
			    ? SIZE_MAX
			    : f->len * SCAN_BUDGET_READINGS + SCAN_BUDGET_BYTES;
}

static void free_filter(struct pfilter *fl);

void pseek_free(struct pseek *s)
{
	for (int p = 0; p < PMATCH_PASSES; p++)
		free_filter(s->filter[p]);
	if (s->indexed)
		pmatch_free(&s->m);
	free(s->lines);
	free(s->want);
	memset(s, 0, sizeof *s);
}

int pseek_want(struct pseek *s, const struct patch_str *lines, size_t n)
{
	struct pseek_pattern *w;

	if (n == 0)
		return 0;
	/* Three patterns a chunk at most (context, old lines, old lines but the last). */
	w = vec_grow(s->want, &s->cap_want, s->n_want, sizeof *w, 3 * (size_t)LIMIT_PATCH_LINES);
	if (!w)
		return -1;
	s->want = w;
	s->want[s->n_want++] = (struct pseek_pattern){lines, n};
	return 0;
}

void pseek_want_chunks(struct pseek *s, const struct patch_chunk *chunks, size_t n)
{
	s->chunks = chunks;
	s->n_chunks = n;
}

/* The wanted patterns one by one: those announced, then each chunk's (up to three). */
struct want_iter {
	size_t i, chunk, part;
};

static int next_want(const struct pseek *s, struct want_iter *it, struct pseek_pattern *w)
{
	if (it->i < s->n_want) {
		*w = s->want[it->i++];
		return 1;
	}
	for (; it->chunk < s->n_chunks; it->chunk++, it->part = 0) {
		const struct patch_chunk *c = &s->chunks[it->chunk];
		while (it->part < 3) {
			switch (it->part++) {
			case 0:
				*w = (struct pseek_pattern){&c->context, 1};
				if (c->context.s)
					return 1;
				break;
			case 1:
				*w = (struct pseek_pattern){c->old_lines, c->n_old};
				if (c->n_old > 0)
					return 1;
				break;
			default:
				*w = (struct pseek_pattern){c->old_lines, c->n_old - 1};
				if (c->n_old > 1 && c->old_lines[c->n_old - 1].len == 0)
					return 1;
				break;
			}
		}
	}
	return 0;
}

static size_t count_want(const struct pseek *s)
{
	struct want_iter it = {0, 0, 0};
	struct pseek_pattern w;
	size_t n = 0;

	while (next_want(s, &it, &w))
		n++;
	return n;
}

/* The hash of a run of line hashes (a polynomial in ROLL_BASE), the same for a file
 * window and for a pattern. */
static uint64_t pattern_hash(enum pmatch_pass pass, const struct patch_str *lines, size_t n)
{
	uint64_t w = 0;

	for (size_t k = 0; k < n; k++)
		w = w * ROLL_BASE + ptext_line_hash(pass, lines[k]);
	return w;
}

HOT struct pfilter_slot *filter_slot(const struct pfilter *fl, uint64_t h, size_t plen)
{
	size_t i = (size_t)(h ^ (h >> 32) ^ plen) & fl->mask;

	while (fl->slot[i].plen && (fl->slot[i].hash != h || fl->slot[i].plen != plen))
		i = (i + 1) & fl->mask;
	return &fl->slot[i];
}

static int filter_covers(const struct pfilter *fl, size_t plen)
{
	for (size_t k = 0; k < fl->n_plens; k++)
		if (fl->plens[k] == plen)
			return 1;
	return 0;
}

/* The lengths to cover: the most frequent among the wanted patterns. */
static void choose_lengths(const struct pseek *s, struct pfilter *fl)
{
	size_t count[FILTER_LENGTHS * 4] = {0}, len[FILTER_LENGTHS * 4], n = 0;
	struct want_iter it = {0, 0, 0};
	struct pseek_pattern w;

	while (next_want(s, &it, &w)) {
		size_t j = 0;
		while (j < n && len[j] != w.n)
			j++;
		if (j == n) {
			if (n == sizeof len / sizeof len[0])
				continue; /* a hunk with this many lengths: the rest go unfiltered */
			len[n++] = w.n;
		}
		count[j]++;
	}
	while (fl->n_plens < FILTER_LENGTHS) {
		size_t best = 0;
		for (size_t j = 1; j < n; j++)
			if (count[j] > count[best])
				best = j;
		if (n == 0 || count[best] == 0)
			break;
		fl->plens[fl->n_plens++] = len[best];
		count[best] = 0;
	}
}

/* Rolling window hashes over the file's lines for the filters' lengths, one set a
 * pass. */
struct roller {
	uint64_t roll[FILTER_LENGTHS], top[FILTER_LENGTHS];
	uint64_t *ring_h;  /* the last lines' hashes and offsets, a power of two of them */
	size_t *ring_o;
	size_t mask;
};

/* Line i (at offset off) has hash h under the roller's pass: notes the windows it ends. */
HOT void roll_line(struct pfilter *fl, struct roller *r, size_t i, size_t off, uint64_t h)
{
	r->ring_h[i & r->mask] = h;
	r->ring_o[i & r->mask] = off;
	for (size_t j = 0; j < fl->n_plens; j++) {
		size_t plen = fl->plens[j];
		struct pfilter_slot *sl;
		r->roll[j] = r->roll[j] * ROLL_BASE + h;
		if (i >= plen)
			r->roll[j] -= r->ring_h[(i - plen) & r->mask] * r->top[j];
		if (i + 1 < plen)
			continue;
		sl = filter_slot(fl, r->roll[j], plen);
		if (sl->plen)
			sl->last = r->ring_o[(i + 1 - plen) & r->mask];
	}
}

/* Reads the file once for the filters given (NULL for the passes not built): each
 * line's view under each of those passes, hashed and rolled into its filter. The views
 * nest (trim_end's is the exact one shortened, trim's is trim_end's shortened), so
 * each is taken from the one before. */
HOT void fill_filters(struct pfilter *const *fl, const struct pfile *f, struct roller *r)
{
	const char *end = f->data + f->len;
	size_t i = 0;

	for (size_t off = 0; off < f->len; i++) {
		size_t te, next = line_at(f, off, &te);
		struct patch_str v = {f->data + off, te - off};

		if (fl[PMATCH_EXACT])
			roll_line(fl[PMATCH_EXACT], &r[PMATCH_EXACT], i, off,
				  phash_bytes_in(v.s, v.len, end));
		if (!fl[PMATCH_TRIM_END] && !fl[PMATCH_TRIM] && !fl[PMATCH_NORMALIZED])
			goto next_line;
		v = view_of(PMATCH_TRIM_END, v.s, v.len);
		if (fl[PMATCH_TRIM_END])
			roll_line(fl[PMATCH_TRIM_END], &r[PMATCH_TRIM_END], i, off,
				  phash_bytes_in(v.s, v.len, end));
		v = view_of(PMATCH_TRIM, v.s, v.len);
		if (fl[PMATCH_TRIM])
			roll_line(fl[PMATCH_TRIM], &r[PMATCH_TRIM], i, off,
				  phash_bytes_in(v.s, v.len, end));
		if (fl[PMATCH_NORMALIZED])
			roll_line(fl[PMATCH_NORMALIZED], &r[PMATCH_NORMALIZED], i, off,
				  utf8_ascii_prefix(v.s, v.len) == v.len
					  ? phash_bytes_in(v.s, v.len, end) /* ASCII: itself */
					  : ptext_normalized_hash(v));
	next_line:
		off = next;
	}
}

static void free_filter(struct pfilter *fl)
{
	if (fl)
		free(fl->slot);
	free(fl);
}

/* A pass's filter, empty: its slots hold the wanted patterns' hashes under the pass. */
static int new_filter(struct pseek *s, enum pmatch_pass pass, size_t n_want,
		      struct roller *r)
{
	struct pfilter *fl;
	struct want_iter it = {0, 0, 0};
	struct pseek_pattern w;
	size_t size = 16, ring = 1;

	while (size < 2 * n_want)
		size *= 2;
	fl = s->filter[pass] = calloc(1, sizeof *fl);
	if (!fl || !(fl->slot = calloc(size, sizeof *fl->slot)))
		return -1;
	fl->mask = size - 1;
	choose_lengths(s, fl);
	while (next_want(s, &it, &w)) {
		uint64_t h;
		if (!filter_covers(fl, w.n))
			continue;
		h = pattern_hash(pass, w.lines, w.n);
		*filter_slot(fl, h, w.n) = (struct pfilter_slot){h, w.n, NOT_SEEN};
	}
	for (size_t j = 0; j < fl->n_plens; j++) {
		while (ring < fl->plens[j] + 1)
			ring *= 2;
		r->top[j] = 1;
		for (size_t k = 0; k < fl->plens[j]; k++)
			r->top[j] *= ROLL_BASE; /* a line's weight when it leaves */
	}
	r->mask = ring - 1;
	r->ring_h = malloc(ring * sizeof *r->ring_h);
	r->ring_o = malloc(ring * sizeof *r->ring_o);
	return r->ring_h && r->ring_o ? 0 : -1;
}

/* The filter of a pass (for every wanted pattern, the last window of the file equal to
 * it under the pass, by hash), built the first time the pass fails over the rest of the
 * file. When the exact or the trim_end pass fails, the filters of both whitespace
 * passes up to trim come along in the same reading: a patch whose chunks miss the
 * exact text usually has chunks that miss the next pass as well, and each such miss
 * would otherwise cost a scan to the end of the file and a reading of its own (on the
 * fuzzy benchmark shape, a quarter of the instructions). The normalized pass, dearer
 * to hash, waits until it fails itself. 0, or -1 out of memory. */
static int build_filters(struct pseek *s, enum pmatch_pass first)
{
	struct roller r[PMATCH_PASSES];
	struct pfilter *built[PMATCH_PASSES] = {NULL};
	int fresh[PMATCH_PASSES] = {0};
	size_t n_want = count_want(s);
	int last = first < PMATCH_TRIM ? PMATCH_TRIM : first;
	int rc = -1;

	memset(r, 0, sizeof r);
	for (int p = first; p <= last; p++) {
		if (s->filter[p])
			continue;
		fresh[p] = 1; /* new_filter sets s->filter[p], even when it fails */
		if (new_filter(s, (enum pmatch_pass)p, n_want, &r[p]) < 0)
			goto out;
		built[p] = s->filter[p];
	}
	fill_filters(built, s->f, r);
	rc = 0;
out:
	for (int p = 0; p < PMATCH_PASSES; p++) {
		free(r[p].ring_h);
		free(r[p].ring_o);
		if (rc < 0 && fresh[p]) {
			free_filter(s->filter[p]);
			s->filter[p] = NULL;
		}
	}
	return rc;
}

/* 1 when the filter proves that pattern cannot match at or after start. */
static int filter_rejects(const struct pfilter *fl, enum pmatch_pass pass,
			  const struct patch_str *pattern, size_t plen, size_t start)
{
	const struct pfilter_slot *sl;

	if (!filter_covers(fl, plen))
		return 0;
	sl = filter_slot(fl, pattern_hash(pass, pattern, plen), plen);
	return !sl->plen || sl->last == NOT_SEEN || sl->last < start;
}

HOT void charge(struct pseek *s, size_t bytes)
{
	s->budget = s->budget > bytes ? s->budget - bytes : 0;
}

/* Pattern lines whose views a search computes once, not at every candidate. */
#define VIEWS_KEPT 32

/* The views of a pattern's first lines under a pass (the exact pass needs none). */
struct pviews {
	struct patch_str v[VIEWS_KEPT];
};

static void views_init(struct pviews *pv, enum pmatch_pass pass,
		       const struct patch_str *pattern, size_t plen)
{
	if (pass == PMATCH_EXACT)
		return;
	for (size_t k = 0; k < plen && k < VIEWS_KEPT; k++)
		pv->v[k] = ptext_pass_view(pass, pattern[k]);
}

HOT struct patch_str pattern_view(enum pmatch_pass pass, const struct patch_str *pattern,
				  const struct pviews *pv, size_t k)
{
	if (pass == PMATCH_EXACT)
		return pattern[k];
	if (pv && k < VIEWS_KEPT)
		return pv->v[k];
	return ptext_pass_view(pass, pattern[k]);
}

/* Pattern lines 1.. against the file lines from off on: 1 when they match (*end set),
 * 0 when not, -1 when the file ends first. pv: the pattern's views, or NULL. */
HOT int rest_eq(struct pseek *s, enum pmatch_pass pass, const struct patch_str *pattern,
		const struct pviews *pv, size_t plen, size_t off, size_t *end)
{
	const struct pfile *f = s->f;
	size_t spent = 0;
	int r = 1;

	for (size_t k = 1; k < plen; k++) {
		size_t te, next;
		if (off >= f->len) {
			r = -1;
			break;
		}
		next = line_at(f, off, &te);
		spent += next - off + 1;
		if (!view_eq(pass, view_of(pass, f->data + off, te - off),
			     pattern_view(pass, pattern, pv, k))) {
			r = 0;
			break;
		}
		off = next;
	}
	charge(s, spent);
	if (r > 0)
		*end = off;
	return r;
}

enum { SCAN_NONE, SCAN_FOUND, SCAN_OVER_BUDGET };

/* One pass, candidates in file order from start. */
HOT int scan_pass(struct pseek *s, enum pmatch_pass pass, const struct patch_str *pattern,
		  size_t plen, size_t start, size_t *at, size_t *end)
{
	const struct pfile *f = s->f;
	struct pviews pv;
	struct patch_str first;
	size_t off = start, spent = 0;
	int r = SCAN_NONE;

	views_init(&pv, pass, pattern, plen);
	first = pattern_view(pass, pattern, &pv, 0);

	while (off < f->len) {
		size_t te, next = line_at(f, off, &te);

		spent += next - off + 1;
		if (spent >= s->budget) {
			r = SCAN_OVER_BUDGET;
			break;
		}
		if (view_eq(pass, view_of(pass, f->data + off, te - off), first)) {
			r = rest_eq(s, pass, pattern, &pv, plen, next, end);
			if (r > 0) {
				*at = off;
				r = SCAN_FOUND;
				break;
			}
			if (r < 0) {
				r = SCAN_NONE; /* no later start has room for the pattern */
				break;
			}
			r = SCAN_NONE;
		}
		off = next;
	}
	charge(s, spent);
	return r;
}

/* The exact and trim_end passes where lines end at \n only (legacy mode, or a file
 * without CR): the first line's view is looked for sixteen positions at a time, by its
 * first and last byte, and only the positions where both agree are compared and checked
 * to be a whole line (for trim_end: one that only whitespace follows). This reads text
 * faster than splitting it into lines would. */
HOT int scan_lf(struct pseek *s, enum pmatch_pass pass, const struct patch_str *pattern,
		size_t plen, size_t start, size_t *at, size_t *end)
{
	const char *d = s->f->data;
	struct pviews pv;
	struct patch_str first;
	const char *p0;
	size_t n0, len = s->f->len, i = start;
	int r = SCAN_NONE;

	views_init(&pv, pass, pattern, plen);
	first = pattern_view(pass, pattern, &pv, 0);
	p0 = first.s;
	n0 = first.len;
	if (s->budget == 0)
		return SCAN_OVER_BUDGET;
	while (i + n0 <= len) {
		unsigned m = 0xFFFFu; /* candidates among i .. i+15 */
		size_t step = 16;
#ifdef __SSE2__
		if (i + n0 + 15 <= len) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d + i + n0 - 1));
			m = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8(p0[0])),
					      _mm_cmpeq_epi8(b, _mm_set1_epi8(p0[n0 - 1]))));
		} else
#endif
		{
			m = 1;
			step = 1;
		}
		for (; m; m &= m - 1) {
			size_t c = i + (size_t)__builtin_ctz(m), e = c + n0;
			if (e > len || d[c] != p0[0] || (c > start && d[c - 1] != '\n') ||
			    !pbytes_eq(d + c, p0, n0))
				continue;
			if (pass == PMATCH_TRIM_END && e < len && d[e] != '\n') {
				/* The line goes on: a match when only whitespace follows. */
				const char *eol = pbytes_eol(d + e, d + len, 0);
				size_t le = eol ? (size_t)(eol - d) : len;
				if (view_of(PMATCH_TRIM_END, d + c, le - c).len != n0)
					continue;
				e = le;
			} else if (e < len && d[e] != '\n')
				continue;
			r = rest_eq(s, pass, pattern, &pv, plen, e < len ? e + 1 : len, end);
			if (r > 0) {
				*at = c;
				i = c;
				r = SCAN_FOUND;
				goto out;
			}
			if (r < 0) {
				r = SCAN_NONE; /* no later start has room for the pattern */
				goto out;
			}
			r = SCAN_NONE;
		}
		i += step;
	}
out:
	charge(s, (i < len ? i : len) - start);
	return r;
}

static int scan(struct pseek *s, enum pmatch_pass pass, const struct patch_str *pattern,
		size_t plen, size_t start, size_t *at, size_t *end)
{
	switch (pass) {
	case PMATCH_EXACT:
		if (!s->f->split_cr && pattern[0].len > 0)
			return scan_lf(s, PMATCH_EXACT, pattern, plen, start, at, end);
		return scan_pass(s, PMATCH_EXACT, pattern, plen, start, at, end);
	case PMATCH_TRIM_END:
		if (!s->f->split_cr && ptext_pass_view(PMATCH_TRIM_END, pattern[0]).len > 0)
			return scan_lf(s, PMATCH_TRIM_END, pattern, plen, start, at, end);
		return scan_pass(s, PMATCH_TRIM_END, pattern, plen, start, at, end);
	case PMATCH_TRIM:
		return scan_pass(s, PMATCH_TRIM, pattern, plen, start, at, end);
	default:
		return scan_pass(s, PMATCH_NORMALIZED, pattern, plen, start, at, end);
	}
}

/* Builds the line table and the window index; 1 when built, 0 when the file has too
 * many lines for it (scanning then goes on without a budget), -1 out of memory. */
static int build_index(struct pseek *s)
{
	int r = pfile_split(s->f, LIMIT_PATCH_FILE_LINES, &s->lines, &s->n);

	if (r < 0)
		return -1;
	if (r > 0) {
		s->budget = SIZE_MAX;
		return 0;
	}
	pmatch_init(&s->m, s->lines, s->n);
	s->indexed = 1;
	return 1;
}

/* The line that starts at offset off (a line start, or the length: n). */
static size_t line_index(const struct pseek *s, size_t off)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((size_t)(s->lines[mid].s - s->f->data) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int index_seek(struct pseek *s, const struct patch_str *pattern, size_t plen,
		      size_t start, size_t *at, size_t *end)
{
	size_t i;
	int r = pmatch_seek(&s->m, pattern, plen, line_index(s, start), 0, s->f->mode, &i);

	if (r != 1)
		return r;
	*at = (size_t)(s->lines[i].s - s->f->data);
	*end = i + plen < s->n ? (size_t)(s->lines[i + plen].s - s->f->data) : s->f->len;
	return 1;
}

/* End of File: the pattern must be the last plen lines, one candidate. Legacy mode
 * takes it even before the cursor; preserve mode does not (§2.4). */
static int seek_eof(struct pseek *s, const struct patch_str *pattern, size_t plen,
		    size_t start, size_t *at, size_t *end)
{
	const struct pfile *f = s->f;
	size_t cand = f->len;

	for (size_t k = 0; k < plen; k++)
		if (!pfile_prev(f, cand, &cand))
			return 0;
	if (f->mode == PATCH_EOL_PRESERVE && start > cand)
		return 0;
	for (int pass = 0; pass < PMATCH_PASSES; pass++) {
		struct patch_str text;
		size_t next = pfile_text(f, cand, &text);
		if (ptext_line_eq((enum pmatch_pass)pass, text, pattern[0]) &&
		    rest_eq(s, (enum pmatch_pass)pass, pattern, NULL, plen, next, end) > 0) {
			*at = cand;
			return 1;
		}
	}
	return 0;
}

int pseek_find(struct pseek *s, const struct patch_str *pattern, size_t plen, size_t start,
	       int eof, size_t *at, size_t *end)
{
	if (plen == 0) {
		*at = *end = start;
		return 1;
	}
	if (eof)
		return seek_eof(s, pattern, plen, start, at, end);
	for (int p = 0; p < PMATCH_PASSES; p++) {
		enum pmatch_pass pass = (enum pmatch_pass)p;
		int r;

		if (s->indexed)
			return index_seek(s, pattern, plen, start, at, end);
		if (s->filter[pass] && filter_rejects(s->filter[pass], pass, pattern, plen, start))
			continue;
		r = scan(s, pass, pattern, plen, start, at, end);
		if (r == SCAN_FOUND)
			return 1;
		if (r == SCAN_OVER_BUDGET) {
			/* The earlier passes found nothing; the index will say so again. */
			r = build_index(s);
			if (r != 0)
				return r < 0 ? -1 : index_seek(s, pattern, plen, start, at, end);
			p--; /* no index for a file this long: this pass again, unbudgeted */
			continue;
		}
		if (!s->filter[pass] && (s->n_want > 0 || s->n_chunks > 0) &&
		    build_filters(s, pass) < 0)
			return -1;
	}
	return 0;
}
