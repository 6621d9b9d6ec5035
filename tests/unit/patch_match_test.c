/* seek_sequence (reference §2.4): the four passes, their order, End of File anchoring,
 * and the indexed search against a straightforward scan on random inputs. */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"
#include "test.h"

static struct patch_str S(const char *s)
{
	return (struct patch_str){s, strlen(s)};
}

/* Seeks pattern (NULL-terminated) in lines (NULL-terminated); -1 when not found. */
static long seek(const char **lines, const char **pattern, size_t start, int eof,
		 enum patch_eol_mode mode)
{
	struct patch_str fl[64], pl[64];
	size_t n = 0, pn = 0, at;
	struct pmatcher m;
	int r;

	while (lines[n]) {
		fl[n] = S(lines[n]);
		n++;
	}
	while (pattern[pn]) {
		pl[pn] = S(pattern[pn]);
		pn++;
	}
	pmatch_init(&m, fl, n);
	r = pmatch_seek(&m, pl, pn, start, eof, mode, &at);
	pmatch_free(&m);
	return r == 1 ? (long)at : -1;
}

#define LF PATCH_EOL_NORMALIZE_LF
#define KEEP PATCH_EOL_PRESERVE

TEST(match_exact)
{
	const char *lines[] = {"foo", "bar", "baz", NULL};
	const char *pat[] = {"bar", "baz", NULL};
	const char *missing[] = {"bar", "qux", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 1);
	CHECK_INT(seek(lines, pat, 1, 0, LF), 1);
	CHECK_INT(seek(lines, pat, 2, 0, LF), -1);
	CHECK_INT(seek(lines, missing, 0, 0, LF), -1);
}

TEST(match_trim_end_ignores_trailing_whitespace)
{
	const char *lines[] = {"foo   ", "bar\t\t", "baz\r", NULL};
	const char *pat[] = {"foo", "bar", "baz", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 0);
}

TEST(match_trim_ignores_both_ends)
{
	const char *lines[] = {"    foo   ", "   bar\t", NULL};
	const char *pat[] = {"foo", "bar", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 0);
}

TEST(match_pattern_longer_than_file)
{
	const char *lines[] = {"just one line", NULL};
	const char *pat[] = {"too", "many", "lines", NULL};
	const char *empty[] = {NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), -1);
	/* An empty pattern matches at the cursor. */
	CHECK_INT(seek(lines, empty, 1, 0, LF), 1);
}

TEST(match_normalizes_typographic_punctuation)
{
	/* EN DASH, NON-BREAKING HYPHEN, curly quotes, NO-BREAK SPACE, MINUS SIGN. */
	const char *lines[] = {"import asyncio  # local import \xe2\x80\x93 avoids top\xe2\x80\x91level dep",
			       "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x98single\xe2\x80\x99",
			       "a\xc2\xa0" "b \xe2\x88\x92 c",
			       NULL};
	const char *p1[] = {"import asyncio  # local import - avoids top-level dep", NULL};
	const char *p2[] = {"\"quoted\" 'single'", NULL};
	const char *p3[] = {"a b - c", NULL};
	const char *no[] = {"a  b - c", NULL};

	CHECK_INT(seek(lines, p1, 0, 0, LF), 0);
	CHECK_INT(seek(lines, p2, 0, 0, LF), 1);
	CHECK_INT(seek(lines, p3, 0, 0, LF), 2);
	CHECK_INT(seek(lines, no, 0, 0, LF), -1);
}

TEST(match_unicode_whitespace_trimmed)
{
	/* U+3000 and U+2003 are White_Space: trimmed at the ends in passes 3 and 4. */
	const char *lines[] = {"\xe3\x80\x80x\xe2\x80\x83", NULL};
	const char *pat[] = {"x", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 0);
}

TEST(match_earlier_pass_wins_over_earlier_position)
{
	/* A fuzzy match at 0 loses to the exact one at 1: each pass scans every start. */
	const char *lines[] = {"x  ", "x", NULL};
	const char *pat[] = {"x", NULL};
	const char *lines2[] = {" y", "y ", NULL};
	const char *pat2[] = {"y", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 1);
	/* trim_end (pass 2) matches "y " at 1 before trim (pass 3) matches " y" at 0. */
	CHECK_INT(seek(lines2, pat2, 0, 0, LF), 1);
}

TEST(match_first_position_in_file_order)
{
	const char *lines[] = {"a", "b", "a", "b", "a", "b", NULL};
	const char *pat[] = {"a", "b", NULL};

	CHECK_INT(seek(lines, pat, 0, 0, LF), 0);
	CHECK_INT(seek(lines, pat, 1, 0, LF), 2);
	CHECK_INT(seek(lines, pat, 3, 0, LF), 4);
	CHECK_INT(seek(lines, pat, 5, 0, LF), -1);
}

TEST(match_end_of_file_anchor)
{
	const char *lines[] = {"x", "end", "x", "end", NULL};
	const char *pat[] = {"x", "end", NULL};
	const char *pat_mid[] = {"end", "x", NULL};

	CHECK_INT(seek(lines, pat, 0, 1, LF), 2);
	/* Only the last lines are a candidate. */
	CHECK_INT(seek(lines, pat_mid, 0, 1, LF), -1);
	/* Legacy mode matches the end even behind the cursor; preserve mode does not. */
	CHECK_INT(seek(lines, pat, 3, 1, LF), 2);
	CHECK_INT(seek(lines, pat, 3, 1, KEEP), -1);
	CHECK_INT(seek(lines, pat, 2, 1, KEEP), 2);
	/* Fuzzy passes apply at the end too. */
	{
		const char *fuzzy[] = {"x", "  end  ", NULL};
		CHECK_INT(seek(fuzzy, pat, 0, 1, LF), 0);
	}
}

/* The plain scan of the reference: every pass over every start position. */
static long naive_seek(const struct patch_str *lines, size_t n, const struct patch_str *pat,
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

static unsigned rng_state = 12345;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

TEST(match_index_agrees_with_plain_scan)
{
	/* Few distinct lines, with whitespace and punctuation variants, so that every
	 * pass and many repeated candidates are exercised. */
	static const char *alphabet[] = {"a", "a ", " a", "b", "b\t", "", " ", "a-b",
					 "a\xe2\x80\x93" "b", "\xe2\x80\x9cq\xe2\x80\x9d", "\"q\"",
					 "c", "\xc2\xa0" "c"};
	size_t na = sizeof alphabet / sizeof alphabet[0];

	for (int iter = 0; iter < 3000; iter++) {
		struct patch_str lines[40], pat[6];
		size_t n = rnd(40), plen = rnd(6), start = rnd(n + 2), at = 0;
		int eof = rnd(4) == 0;
		enum patch_eol_mode mode = rnd(2) ? LF : KEEP;
		struct pmatcher m;
		long want, got;
		int r;

		for (size_t i = 0; i < n; i++)
			lines[i] = S(alphabet[rnd((unsigned)na)]);
		for (size_t k = 0; k < plen; k++)
			pat[k] = n && rnd(3) ? lines[rnd((unsigned)n)] : S(alphabet[rnd((unsigned)na)]);
		if (n && plen && plen <= n && rnd(2)) {
			/* Often take the pattern from the file itself. */
			size_t from = rnd((unsigned)(n - plen + 1));
			for (size_t k = 0; k < plen; k++)
				pat[k] = lines[from + k];
		}
		want = naive_seek(lines, n, pat, plen, start, eof, mode);
		pmatch_init(&m, lines, n);
		r = pmatch_seek(&m, pat, plen, start, eof, mode, &at);
		pmatch_free(&m);
		got = r == 1 ? (long)at : -1;
		if (got != want) {
			test_fail(__FILE__, __LINE__, "iteration %d: got %ld, want %ld", iter, got,
				  want);
			break;
		}
	}
}

TEST(match_window_index_agrees_with_plain_scan)
{
	/* Files of a few very common lines: the rare-line candidates run into the hundreds,
	 * so the whole-window indexes answer, for more pattern lengths than the matcher
	 * keeps (old ones are evicted and rebuilt). One matcher serves many searches, as it
	 * does for the chunks of one file. */
	static const char *alphabet[] = {"a", "b", "a ", "}", ""};

	for (int file = 0; file < 6; file++) {
		struct patch_str lines[700], pat[24];
		size_t n = 300 + rnd(400);
		struct pmatcher m;

		for (size_t i = 0; i < n; i++)
			lines[i] = S(alphabet[rnd(file < 3 ? 2 : 5)]);
		pmatch_init(&m, lines, n);
		for (int iter = 0; iter < 400; iter++) {
			size_t plen = 1 + rnd(24), start = rnd((unsigned)n), at = 0;
			long want, got;
			int r;

			if (rnd(3)) {
				size_t from = rnd((unsigned)(n - plen + 1));
				for (size_t k = 0; k < plen; k++)
					pat[k] = lines[from + k];
				if (rnd(2))
					pat[rnd((unsigned)plen)] = S(alphabet[rnd(5)]);
			} else
				for (size_t k = 0; k < plen; k++)
					pat[k] = S(alphabet[rnd(5)]);
			want = naive_seek(lines, n, pat, plen, start, 0, LF);
			r = pmatch_seek(&m, pat, plen, start, 0, LF, &at);
			got = r == 1 ? (long)at : -1;
			if (got != want) {
				test_fail(__FILE__, __LINE__, "file %d search %d (plen %zu, start %zu): got %ld, want %ld",
					  file, iter, plen, start, got, want);
				file = 99;
				break;
			}
		}
		pmatch_free(&m);
	}
}

TEST(match_survives_allocation_failures)
{
	const char *text[] = {"a", "b", "c", "b", "c"};
	struct patch_str lines[5], pat[2] = {{"b", 1}, {"c", 1}};

	for (int i = 0; i < 5; i++)
		lines[i] = S(text[i]);
	FOR_EACH_ALLOC_FAILURE(20, {
		struct pmatcher m;
		size_t at = 0;
		int r;
		pmatch_init(&m, lines, 5);
		r = pmatch_seek(&m, pat, 2, 2, 0, LF, &at);
		CHECK(r == -1 || (r == 1 && at == 3));
		pmatch_free(&m);
	});
}

TEST(text_whitespace_and_utf8_rules)
{
	CHECK(utf8_valid("caf\xc3\xa9 \xe2\x9c\x85 \xf0\x9f\x98\x80", 14));
	CHECK(!utf8_valid("\xc3", 1));
	CHECK(!utf8_valid("\xe0\x80\x80", 3));   /* overlong */
	CHECK(!utf8_valid("\xf5\x80\x80\x80", 4));
	CHECK_INT(ptext_ws_prefix(" \t\xc2\x85\xe2\x80\xa8x", 8), 7);
	CHECK_INT(ptext_ws_suffix("x\xe3\x80\x80\r\n", 6), 5);
	/* U+200B ZERO WIDTH SPACE is not White_Space. */
	CHECK_INT(ptext_ws_suffix("x\xe2\x80\x8b", 4), 0);
	CHECK(ptext_line_eq(PMATCH_NORMALIZED, S("\xe2\x80\x98x\xe2\x80\x99"), S("'x'")));
	CHECK(ptext_line_hash(PMATCH_NORMALIZED, S("\xe2\x80\x98x\xe2\x80\x99")) ==
	      ptext_line_hash(PMATCH_NORMALIZED, S(" 'x' ")));
	CHECK(!ptext_line_eq(PMATCH_TRIM_END, S(" x"), S("x")));
}
