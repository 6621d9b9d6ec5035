/* The file as lines without a line table (lines.c) and seek_sequence on byte offsets
 * (seek.c), against straightforward references on random inputs: the scan, the scan
 * with its filters, and the index it falls back to must all give the position the
 * plain four-pass scan of the reference gives. */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"
#include "test.h"

#define LF PATCH_EOL_NORMALIZE_LF
#define KEEP PATCH_EOL_PRESERVE

static unsigned rng_state = 2024;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

/* The reference split (§2.2), written the obvious way: offsets of line starts and the
 * line texts. Legacy: split on \n, drop one trailing empty element. Preserve: \r\n, \r
 * and \n end lines. */
static size_t ref_split(const char *d, size_t len, enum patch_eol_mode mode, size_t *starts,
			struct patch_str *texts)
{
	size_t n = 0, s = 0;

	for (size_t i = 0; i <= len; i++) {
		int end = i == len, eol = 0;
		if (!end && d[i] == '\n')
			eol = 1;
		else if (!end && mode == KEEP && d[i] == '\r')
			eol = i + 1 < len && d[i + 1] == '\n' ? 2 : 1;
		if (!end && !eol)
			continue;
		if (end && s == len)
			break; /* nothing after the last ending: no further line */
		starts[n] = s;
		texts[n] = (struct patch_str){d + s, i - s};
		n++;
		if (end)
			break;
		i += (size_t)eol - 1;
		s = i + 1;
	}
	return n;
}

static long ref_seek(const struct patch_str *lines, size_t n, const struct patch_str *pat,
		     size_t plen, size_t start, int eof, enum patch_eol_mode mode)
{
	size_t from = start;

	if (plen == 0)
		return (long)start;
	if (plen > n)
		return -1;
	if (eof)
		from = mode == KEEP && start > n - plen ? start : n - plen;
	for (int pass = 0; pass < PMATCH_PASSES; pass++)
		for (size_t i = from; i + plen <= n; i++) {
			size_t k = 0;
			while (k < plen && ptext_line_eq((enum pmatch_pass)pass, lines[i + k], pat[k]))
				k++;
			if (k == plen)
				return (long)i;
			if (eof)
				break;
		}
	return -1;
}

/* Line texts with their variants for every pass, and every kind of ending. */
static const char *const TEXTS[] = {"a", "a ", " a", "b", "b\t", "", " ", "a-b",
				    "a\xe2\x80\x93" "b", "\xe2\x80\x9cq\xe2\x80\x9d", "\"q\"", "c",
				    "\xc2\xa0" "c", "x\r",
				    /* longer than a word and a vector, for the wide loops */
				    "return value_of(x) - 1;", "  return value_of(x) - 1;  ",
				    "return value_of(x) \xe2\x80\x93 1;", "0123456789abcdef0123"};
static const char *const EOLS[] = {"\n", "\n", "\n", "\r\n", "\r"};

static size_t random_file(char *d, size_t max_lines)
{
	size_t len = 0, n = rnd((unsigned)max_lines + 1);

	for (size_t i = 0; i < n; i++) {
		const char *t = TEXTS[rnd(sizeof TEXTS / sizeof TEXTS[0])];
		const char *e = i + 1 == n && rnd(3) == 0 ? "" : EOLS[rnd(5)];
		memcpy(d + len, t, strlen(t));
		len += strlen(t);
		memcpy(d + len, e, strlen(e));
		len += strlen(e);
	}
	if (rnd(8) == 0)
		d[len++] = '\n';
	return len;
}

TEST(lines_walk_like_the_reference_split)
{
	static char d[4096];
	static size_t starts[512];
	static struct patch_str texts[512];

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = random_file(d, 30), n, off = 0, i = 0, prev;
		enum patch_eol_mode mode = rnd(2) ? LF : KEEP;
		struct patch_str *table = NULL;
		size_t n_table = 0;
		struct pfile f;

		n = ref_split(d, len, mode, starts, texts);
		pfile_init(&f, d, len, mode);
		for (; off < len; i++) {
			struct patch_str t;
			size_t next = pfile_text(&f, off, &t);
			REQUIRE(i < n);
			CHECK_INT(off, starts[i]);
			CHECK(t.s == texts[i].s && t.len == texts[i].len);
			/* Walking back from the next line (or the end) comes back here. */
			REQUIRE(pfile_prev(&f, next, &prev) == 1);
			CHECK_INT(prev, off);
			off = next;
		}
		CHECK_INT(i, n);
		CHECK(pfile_prev(&f, 0, &prev) == 0);
		REQUIRE(pfile_split(&f, 1000, &table, &n_table) == 0);
		CHECK_INT(n_table, n);
		for (size_t k = 0; k < n && k < n_table; k++)
			CHECK(table[k].s == texts[k].s && table[k].len == texts[k].len);
		free(table);
		if (n > 0) {
			const char *tail = texts[n - 1].s + texts[n - 1].len;
			CHECK_INT(pfile_ends_unterminated(&f), tail == d + len);
		}
		if (test_case_failed())
			break;
	}
}

TEST(lines_preferred_ending_is_the_first)
{
	struct pfile f;

	pfile_init(&f, "a\r\nb\n", 5, KEEP);
	CHECK_INT(f.preferred_eol.len, 2);
	pfile_init(&f, "a\rb\r\n", 5, KEEP);
	CHECK(f.preferred_eol.len == 1 && f.preferred_eol.s[0] == '\r');
	pfile_init(&f, "a\nb\r\n", 5, KEEP);
	CHECK(f.preferred_eol.len == 1 && f.preferred_eol.s[0] == '\n');
	pfile_init(&f, "ab", 2, KEEP);
	CHECK(f.preferred_eol.len == 1 && f.preferred_eol.s[0] == '\n');
}

/* One file, many searches through one pseek as a patch makes them (the filters and the
 * index built by one search serve the next), each checked against the reference. With
 * no_budget the index answers from the first search on. */
static void check_searches(const char *d, size_t len, enum patch_eol_mode mode, int searches,
			   int no_budget, int register_lines, int *indexed)
{
	static size_t starts[4096];
	static struct patch_str texts[4096];
	size_t n = ref_split(d, len, mode, starts, texts);
	struct patch_str pats[64][8];
	size_t plens[64];
	struct pfile f;
	struct pseek s;

	for (int q = 0; q < searches && q < 64; q++) {
		plens[q] = rnd(6);
		for (size_t k = 0; k < plens[q]; k++)
			pats[q][k] = n && rnd(3) ? texts[rnd((unsigned)n)]
						 : (struct patch_str){TEXTS[0], 0};
		if (rnd(3) == 0)
			for (size_t k = 0; k < plens[q]; k++) {
				const char *t = TEXTS[rnd(sizeof TEXTS / sizeof TEXTS[0])];
				pats[q][k] = (struct patch_str){t, strlen(t)};
			}
		if (n && plens[q] && plens[q] <= n && rnd(2)) {
			size_t from = rnd((unsigned)(n - plens[q] + 1));
			for (size_t k = 0; k < plens[q]; k++)
				pats[q][k] = texts[from + k];
		}
	}
	pfile_init(&f, d, len, mode);
	pseek_init(&s, &f);
	if (no_budget)
		s.budget = 0;
	for (int q = 0; q < searches && q < 64 && register_lines; q++)
		REQUIRE(pseek_want(&s, pats[q], plens[q]) == 0);
	for (int q = 0; q < searches && q < 64; q++) {
		size_t si = rnd((unsigned)n + 1), start = si < n ? starts[si] : len, at = 0, end = 0;
		int eof = rnd(5) == 0;
		long want = ref_seek(texts, n, pats[q], plens[q], si, eof, mode);
		int r = pseek_find(&s, pats[q], plens[q], start, eof, &at, &end);
		size_t want_at = want < 0 ? 0 : (size_t)want < n ? starts[want] : len;
		size_t want_end = want < 0 ? 0 : (size_t)want + plens[q] < n ? starts[want + plens[q]] : len;

		REQUIRE(r >= 0);
		if (want < 0)
			CHECK_INT(r, 0);
		else {
			CHECK_INT(r, 1);
			CHECK_INT(at, want_at);
			CHECK_INT(end, want_end);
		}
		if (test_case_failed())
			break;
	}
	if (indexed)
		*indexed = s.indexed;
	pseek_free(&s);
}

TEST(seek_agrees_with_the_reference_scan)
{
	static char d[4096];

	for (int iter = 0; iter < 2000 && !test_case_failed(); iter++) {
		size_t len = random_file(d, 40);
		enum patch_eol_mode mode = rnd(2) ? LF : KEEP;
		unsigned saved = rng_state;

		/* The same searches three ways: scanning with filters, scanning alone, and
		 * through the index. */
		check_searches(d, len, mode, 12, 0, 1, NULL);
		rng_state = saved;
		check_searches(d, len, mode, 12, 0, 0, NULL);
		rng_state = saved;
		check_searches(d, len, mode, 12, 1, 1, NULL);
	}
}

TEST(seek_falls_back_to_the_index_on_hostile_input)
{
	/* Two alternating lines and patterns of them that occur nowhere as a run: every
	 * search would read the rest of the file. Past the budget the index takes over,
	 * with the same answers. */
	static char d[40000];
	struct patch_str pat[3] = {{"a", 1}, {"a", 1}, {"a", 1}};
	size_t len = 0;
	struct pfile f;
	struct pseek s;
	int indexed = 0;

	for (int i = 0; i < 20000; i++) {
		d[len++] = i % 2 ? 'b' : 'a';
		d[len++] = '\n';
	}
	pfile_init(&f, d, len, LF);
	/* Announced, the pattern is rejected by the filters built by the first search. */
	pseek_init(&s, &f);
	REQUIRE(pseek_want(&s, pat, 2) == 0);
	for (int q = 0; q < 200; q++) {
		size_t at, end;
		CHECK_INT(pseek_find(&s, pat, 2, (size_t)q * 4, 0, &at, &end), 0);
	}
	CHECK(!s.indexed);
	CHECK(s.budget > len * 4);
	pseek_free(&s);
	/* Not announced (no filter covers it), it exhausts the budget. */
	pseek_init(&s, &f);
	REQUIRE(pseek_want(&s, pat, 3) == 0);
	for (int q = 0; q < 200; q++) {
		size_t at, end;
		CHECK_INT(pseek_find(&s, pat, 2, (size_t)q * 4, 0, &at, &end), 0);
	}
	CHECK(s.indexed);
	pseek_free(&s);
	/* And with answers: random searches over a file of few distinct lines. */
	for (int iter = 0; iter < 20 && !test_case_failed(); iter++) {
		len = 0;
		for (int i = 0; i < 3000; i++) {
			const char *t = TEXTS[rnd(3)];
			memcpy(d + len, t, strlen(t));
			len += strlen(t);
			d[len++] = '\n';
		}
		check_searches(d, len, rnd(2) ? LF : KEEP, 64, 0, 1, &indexed);
	}
}

TEST(seek_survives_allocation_failures)
{
	const char *d = "a\nb \nc\nb\nc\n";
	struct patch_str pat[2] = {{"b", 1}, {"c", 1}};

	FOR_EACH_ALLOC_FAILURE(20, {
		struct pfile f;
		struct pseek s;
		size_t at = 0;
		size_t end = 0;
		int r;
		pfile_init(&f, d, strlen(d), LF);
		pseek_init(&s, &f);
		s.budget = rnd(2) ? 0 : s.budget;
		r = pseek_want(&s, pat, 2);
		if (r == 0)
			r = pseek_find(&s, pat, 2, 2, 0, &at, &end);
		CHECK(r == -1 || (r == 1 && at == 7 && end == 11));
		pseek_free(&s);
	});
}

TEST(hash_is_the_same_however_the_line_is_fed)
{
	/* The normalized pass hashes short lines through a copy and long ones as a stream;
	 * both must give the hash of the mapped bytes, at every length around a word. */
	static char typo[1200], ascii[1200];

	for (size_t n = 0; n < 300; n += 1 + n / 16) {
		size_t t = 0, a = 0;
		for (size_t k = 0; k < n; k++) {
			if (k % 5 == 4) {
				memcpy(typo + t, "\xe2\x80\x93", 3); /* EN DASH */
				t += 3;
			} else
				typo[t++] = (char)('a' + k % 26);
			ascii[a++] = k % 5 == 4 ? '-' : (char)('a' + k % 26);
		}
		CHECK(ptext_line_hash(PMATCH_NORMALIZED, (struct patch_str){typo, t}) ==
		      ptext_line_hash(PMATCH_NORMALIZED, (struct patch_str){ascii, a}));
		CHECK(ptext_line_hash(PMATCH_EXACT, (struct patch_str){ascii, a}) ==
		      ptext_line_hash(PMATCH_TRIM, (struct patch_str){ascii, a}));
	}
}
