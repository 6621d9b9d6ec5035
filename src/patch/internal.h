/* Private to src/patch/: shared between the parser, matcher, updater, differ and
 * applier. Nothing here is part of the module's contract (see patch.h). */
#ifndef CODEX_PATCH_INTERNAL_H
#define CODEX_PATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/utf8.h"
#include "patch/patch.h"

/* ---- bytes: word-at-a-time helpers for the loops that read a whole file ---- */

/* Forced inline: these run once a line (or a word) over whole files, where a call
 * would cost more than the work, and -Os would not inline them. */
#define PHOT static inline __attribute__((always_inline))

/* Eight bytes from p, the first in the low byte whatever the machine's byte order. */
PHOT uint64_t pbytes_load(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#define PBYTES_ONES 0x0101010101010101ull
#define PBYTES_HIGHS 0x8080808080808080ull

/* The high bit of each byte of w that equals c (exact for the lowest such byte). */
PHOT uint64_t pbytes_match(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (PBYTES_ONES * c);
	return (x - PBYTES_ONES) & ~x & PBYTES_HIGHS;
}

/* The first \n (or, with cr, the first \r or \n) in [s, end), or NULL. Lines are short,
 * so this beats a call to memchr: sixteen bytes a step with SSE2 (every x86-64 has
 * it), eight elsewhere. */
PHOT const char *pbytes_eol(const char *s, const char *end, int cr)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), cr_ = _mm_set1_epi8('\r');

	for (; end - s >= 16; s += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		if (cr)
			m |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr_));
		if (m)
			return s + __builtin_ctz(m);
	}
#endif
	for (; end - s >= 8; s += 8) {
		uint64_t w = pbytes_load(s), m = pbytes_match(w, '\n');
		if (cr)
			m |= pbytes_match(w, '\r');
		if (m)
			return s + (__builtin_ctzll(m) >> 3);
	}
	for (; s < end; s++)
		if (*s == '\n' || (cr && *s == '\r'))
			return s;
	return NULL;
}

/* a[0..n) == b[0..n). */
PHOT int pbytes_eq(const char *a, const char *b, size_t n)
{
#ifdef __SSE2__
	for (; n >= 16; a += 16, b += 16, n -= 16)
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)a),
						     _mm_loadu_si128((const __m128i *)(const void *)b))) !=
		    0xFFFF)
			return 0;
#endif
	for (; n >= 8; a += 8, b += 8, n -= 8)
		if (pbytes_load(a) != pbytes_load(b))
			return 0;
	for (; n > 0; a++, b++, n--)
		if (*a != *b)
			return 0;
	return 1;
}

/* ASCII White_Space: \t \n \v \f \r and space. */
PHOT int pbytes_ws(unsigned char c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D);
}

/* The line hash: eight bytes a step, then the leftover bytes and the length. */
#define PHASH_SEED 0x243f6a8885a308d3ull

PHOT uint64_t phash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

PHOT uint64_t phash_end(uint64_t h, size_t len)
{
	h = phash_mix(h, len);
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 32);
}

PHOT uint64_t phash_bytes(const char *p, size_t n)
{
	uint64_t h = PHASH_SEED, acc = 0;
	size_t len = n;

	for (; n >= 8; p += 8, n -= 8)
		h = phash_mix(h, pbytes_load(p));
	if (n > 0 && len >= 8)
		acc = pbytes_load(p + n - 8) >> (8 * (8 - n)); /* the last n bytes, low first */
	else
		for (unsigned k = 0; k < n; k++)
			acc |= (uint64_t)(unsigned char)p[k] << (8 * k);
	return phash_end(phash_mix(h, acc), len);
}

/* phash_bytes of p[0..n) where the bytes up to end may be read: a short line is then
 * loaded as one word (the same value, sooner). */
PHOT uint64_t phash_bytes_in(const char *p, size_t n, const char *end)
{
	if (n < 8 && end - p >= 8)
		return phash_end(phash_mix(PHASH_SEED, n ? pbytes_load(p) & (~0ull >> (64 - 8 * n)) : 0),
				 n);
	return phash_bytes(p, n);
}

/* ---- text.c: UTF-8 and Unicode whitespace, the way Rust's str methods see them ---- */

/* Bytes of leading / trailing White_Space characters (char::is_whitespace). s must be
 * valid UTF-8. */
size_t ptext_ws_prefix(const char *s, size_t n);
size_t ptext_ws_suffix(const char *s, size_t n);

/* str::trim / str::trim_end on a slice. */
struct patch_str ptext_trim(struct patch_str t);
struct patch_str ptext_trim_end(struct patch_str t);

/* a equals the C string b; a starts with prefix (inline: the lengths of literals are
 * then known at compile time, and the parser asks this of every patch line). */
PHOT int ptext_eq(struct patch_str a, const char *b)
{
	size_t n = strlen(b);
	return a.len == n && memcmp(a.s, b, n) == 0;
}

PHOT int ptext_starts(struct patch_str a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.s, prefix, n) == 0;
}

/* The four ways a pattern line can equal a file line, tried in this order (§2.4). */
enum pmatch_pass {
	PMATCH_EXACT,
	PMATCH_TRIM_END,
	PMATCH_TRIM,
	PMATCH_NORMALIZED,  /* trim, then typographic dashes/quotes/spaces to ASCII */
	PMATCH_PASSES
};
const char *pmatch_pass_str(enum pmatch_pass p);

int ptext_line_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b);
/* The part of a line a pass compares (trimmed for the trim passes), and the comparison
 * of two such parts: ptext_line_eq with the views computed once. */
struct patch_str ptext_pass_view(enum pmatch_pass pass, struct patch_str s);
int ptext_view_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b);
/* A hash that is equal for lines equal under pass. */
uint64_t ptext_line_hash(enum pmatch_pass pass, struct patch_str s);
/* The normalized pass's hash of a line already trimmed. */
uint64_t ptext_normalized_hash(struct patch_str trimmed);

/* ---- error.c ---- */

/* Sets pe (the first error sticks: a pe that already holds one is left alone).
 * Returns -1. */
int perr_set(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	     const char *fmt, ...) ERR_PRINTF(4, 5);
/* Same with a message built by the caller; takes msg (freed here when pe is taken). */
int perr_take(struct patch_error *pe, enum patch_error_kind kind, struct buf *msg);
int perr_nomem(struct patch_error *pe);
/* A message quoting n bytes of text that may hold NUL bytes: before + text + after. */
int perr_quote(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	       const char *before, const char *text, size_t n, const char *after);

/* ---- match.c: finding a run of pattern lines in a line table, by index ---- */

struct pmatch_index;

/* Window indexes kept per file (the least recently used goes first); each costs 12
 * bytes a line. Real patches use a handful: one per pass and chunk length searched. */
#define PMATCH_WINDOW_CACHE 12

struct pmatcher {
	const struct patch_str *lines;  /* the file's lines, borrowed */
	size_t n;
	uint64_t *line_hash[PMATCH_PASSES];               /* per line, built on first use */
	struct pmatch_index *window[PMATCH_WINDOW_CACHE]; /* built on first use */
	unsigned long clock;
};

void pmatch_init(struct pmatcher *m, const struct patch_str *lines, size_t n);
void pmatch_free(struct pmatcher *m);

/* seek_sequence (§2.4): the first position >= start where pattern matches, trying the
 * four passes in order. With eof the pattern must end at the last line (legacy mode
 * may then match before start, as upstream does). Returns 1 and sets *at when found,
 * 0 when not, -1 when out of memory. */
int pmatch_seek(struct pmatcher *m, const struct patch_str *pattern, size_t plen,
		size_t start, int eof, enum patch_eol_mode mode, size_t *at);

/* ---- lines.c: a file's bytes as lines, found where needed (no line table) ---- */

struct pfile {
	const char *data;
	size_t len;
	enum patch_eol_mode mode;
	int split_cr;                   /* preserve mode with a CR in the file */
	struct patch_str preferred_eol; /* preserve mode: the first ending, else \n */
};

/* A line: its text is [start, end), its ending [end, next); next is the following
 * line's start, or len after the last line. */
struct pline {
	size_t start, end, next;
};

void pfile_init(struct pfile *f, const char *data, size_t len, enum patch_eol_mode mode);
/* The line starting at off (off < len). */
void pfile_line(const struct pfile *f, size_t off, struct pline *l);
/* The same, as its text; returns the next line's start. */
size_t pfile_text(const struct pfile *f, size_t off, struct patch_str *text);
/* Sets *start to the start of the line before the one at off (a line start, or len);
 * 0 when off is the first line (there is none before). */
int pfile_prev(const struct pfile *f, size_t off, size_t *start);
/* 1 when the file's last line has no ending (the rebuilt file gives it one). */
int pfile_ends_unterminated(const struct pfile *f);
/* The line table: 0, 1 when there are more than max_lines lines (nothing allocated),
 * -1 out of memory. */
int pfile_split(const struct pfile *f, size_t max_lines, struct patch_str **lines, size_t *n);

/* ---- seek.c: seek_sequence on byte offsets, by scanning (see there) ---- */

struct pfilter;

struct pseek_pattern {
	const struct patch_str *lines;
	size_t n;
};

struct pseek {
	const struct pfile *f;
	size_t budget;                          /* bytes of scanning left */
	struct pseek_pattern *want;             /* patterns announced one by one */
	size_t n_want, cap_want;
	const struct patch_chunk *chunks;       /* and those of a hunk's chunks */
	size_t n_chunks;
	struct pfilter *filter[PMATCH_PASSES];  /* built when a pass first fails */
	struct patch_str *lines;                /* the index, once the budget is spent */
	size_t n;
	struct pmatcher m;
	int indexed;
};

void pseek_init(struct pseek *s, const struct pfile *f);
void pseek_free(struct pseek *s);
/* A pattern that will be searched for (filters cover only these; lines is borrowed
 * until pseek_free); -1 out of memory. */
int pseek_want(struct pseek *s, const struct patch_str *lines, size_t n);
/* The same for every pattern the chunks' search will use (the context line, the old
 * lines, and the old lines without a trailing empty one), without copying them: the
 * chunks are borrowed until pseek_free. */
void pseek_want_chunks(struct pseek *s, const struct patch_chunk *chunks, size_t n);
/* seek_sequence (§2.4) from the line starting at offset start: 1 with *at the offset of
 * the first matching line and *end the offset after the match's last line, 0 when
 * there is no match, -1 out of memory. */
int pseek_find(struct pseek *s, const struct patch_str *pattern, size_t plen, size_t start,
	       int eof, size_t *at, size_t *end);

/* ---- update.c: new contents of an updated file ---- */

/* The new contents as pieces: unchanged stretches point into the old bytes, new lines
 * into side (owned), so writing them out (writev) needs no copy of the file. */
struct pupdate_out {
	struct iovec *v;
	size_t n, cap;
	size_t len;         /* bytes in all pieces */
	char *side;
	size_t side_len, side_cap;
};

/* Computes the new contents of the file whose bytes are old (old_len) for the chunks
 * of hunk h. abs is the resolved path, for messages. The pieces borrow old: keep it
 * until they are written. Free out with pupdate_out_free (also after a failure). */
int pupdate_pieces(const struct patch_hunk *h, const char *abs, const char *old,
		   size_t old_len, enum patch_eol_mode mode, struct pupdate_out *out,
		   struct patch_error *pe);
void pupdate_out_free(struct pupdate_out *out);
/* The pieces joined: malloc'ed, NUL-terminated, out->len bytes; NULL out of memory. */
char *pupdate_join(const struct pupdate_out *out);

/* The same joined: *out is malloc'ed (free it), NUL-terminated, *out_len bytes. */
int pupdate_contents(const struct patch_hunk *h, const char *abs, const char *old,
		     size_t old_len, enum patch_eol_mode mode, char **out, size_t *out_len,
		     struct patch_error *pe);

/* ---- diff.c ---- */

/* Appends the unified diff of old -> new with one line of context and no file
 * headers, as similar's TextDiff::from_lines(...).unified_diff().context_radius(1). */
int pdiff_unified(const char *old, size_t old_len, const char *new_, size_t new_len,
		  struct buf *out);

#endif
