/* The unified diff shown for approval (reference §2.6): upstream's expected outputs,
 * the range and newline-hint formats, and on random inputs that the diff is minimal
 * (as long as an LCS) and rebuilds the new text from the old. */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"
#include "test.h"

static char *diff(const char *a, const char *b)
{
	struct buf out;

	buf_init(&out, 1 << 24);
	REQUIRE(pdiff_unified(a, strlen(a), b, strlen(b), &out) == 0);
	return buf_take(&out);
}

#define CHECK_DIFF(a, b, want)                  \
	do {                                    \
		char *got_ = diff((a), (b));    \
		CHECK_STR(got_, (want));        \
		free(got_);                     \
	} while (0)

TEST(diff_upstream_examples)
{
	CHECK_DIFF("foo\nbar\nbaz\nqux\n", "foo\nBAR\nbaz\nQUX\n",
		   "@@ -1,4 +1,4 @@\n foo\n-bar\n+BAR\n baz\n-qux\n+QUX\n");
	CHECK_DIFF("foo\nbar\nbaz\n", "FOO\nbar\nbaz\n", "@@ -1,2 +1,2 @@\n-foo\n+FOO\n bar\n");
	CHECK_DIFF("foo\nbar\nbaz\n", "foo\nbar\nBAZ\n", "@@ -2,2 +2,2 @@\n bar\n-baz\n+BAZ\n");
	CHECK_DIFF("foo\nbar\nbaz\n", "foo\nbar\nbaz\nquux\n", "@@ -3 +3,2 @@\n baz\n+quux\n");
	CHECK_DIFF("a\nb\nc\nd\ne\nf\n", "a\nB\nc\nd\nE\nf\ng\n",
		   "@@ -1,6 +1,7 @@\n a\n-b\n+B\n c\n d\n-e\n+E\n f\n+g\n");
}

TEST(diff_separate_hunks_and_ranges)
{
	CHECK_DIFF("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nX\n3\n4\n5\n6\n7\nY\n9\n",
		   "@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n@@ -7,3 +7,3 @@\n 7\n-8\n+Y\n 9\n");
	CHECK_DIFF("", "x\n", "@@ -0,0 +1 @@\n+x\n");
	CHECK_DIFF("a\nb\n", "", "@@ -1,2 +0,0 @@\n-a\n-b\n");
	CHECK_DIFF("a\nb\nc\n", "a\nc\n", "@@ -1,3 +1,2 @@\n a\n-b\n c\n");
	CHECK_DIFF("same\n", "same\n", "");
	CHECK_DIFF("", "", "");
}

TEST(diff_line_endings)
{
	CHECK_DIFF("a\n", "b", "@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n");
	CHECK_DIFF("a\nb", "a\nb\n",
		   "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
	CHECK_DIFF("a\r\nb\r\n", "a\r\nB\r\n", "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n");
	/* A lone CR ends a line too. */
	CHECK_DIFF("a\rb\r", "a\rc\r", "@@ -1,2 +1,2 @@\n a\r-b\r+c\r");
}

static unsigned rng_state = 4242;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

static size_t lcs(const char *a, size_t n, const char *b, size_t m)
{
	size_t t[33][33] = {{0}};

	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1
					       : (t[i + 1][j] > t[i][j + 1] ? t[i + 1][j] : t[i][j + 1]);
	return t[0][0];
}

/* Rebuilds the new text from old lines (one character each, "\n"-terminated) and the
 * diff; counts the removed and added lines. Returns 0 when consistent. */
static int rebuild(const char *old, size_t n, const char *d, char *out, size_t *out_n,
		   size_t *dels, size_t *adds)
{
	size_t oi = 0;

	*out_n = *dels = *adds = 0;
	while (*d) {
		unsigned long start, len = 1;
		char *end;
		if (strncmp(d, "@@ -", 4) != 0)
			return -1;
		start = strtoul(d + 4, &end, 10);
		if (*end == ',')
			len = strtoul(end + 1, &end, 10);
		if (len == 0)
			start++;
		while (oi + 1 < start)
			out[(*out_n)++] = old[oi++];
		d = strchr(d, '\n') + 1;
		while (*d && *d != '@') {
			char tag = d[0], c = d[1];
			if (tag == ' ' || tag == '-') {
				if (oi >= n || old[oi] != c)
					return -1;
				oi++;
				if (tag == ' ')
					out[(*out_n)++] = c;
				else
					++*dels;
			} else if (tag == '+') {
				out[(*out_n)++] = c;
				++*adds;
			} else
				return -1;
			d += 3;
		}
	}
	while (oi < n)
		out[(*out_n)++] = old[oi++];
	return 0;
}

TEST(diff_is_minimal_and_consistent_on_random_inputs)
{
	for (int iter = 0; iter < 3000; iter++) {
		char a[33], b[33], ta[70], tb[70], out[40];
		size_t n = rnd(20), m = rnd(20), out_n, dels, adds, l;
		char *d;

		for (size_t i = 0; i < n; i++)
			a[i] = (char)('a' + rnd(4));
		for (size_t i = 0; i < m; i++)
			b[i] = rnd(3) && n ? a[rnd((unsigned)n)] : (char)('a' + rnd(5));
		for (size_t i = 0; i < n; i++) {
			ta[2 * i] = a[i];
			ta[2 * i + 1] = '\n';
		}
		ta[2 * n] = '\0';
		for (size_t i = 0; i < m; i++) {
			tb[2 * i] = b[i];
			tb[2 * i + 1] = '\n';
		}
		tb[2 * m] = '\0';
		d = diff(ta, tb);
		l = lcs(a, n, b, m);
		if (rebuild(a, n, d, out, &out_n, &dels, &adds) < 0 || out_n != m ||
		    memcmp(out, b, m) != 0 || dels != n - l || adds != m - l) {
			test_fail(__FILE__, __LINE__, "iteration %d: [%.*s] -> [%.*s]:\n%s", iter,
				  (int)n, a, (int)m, b, d);
			free(d);
			break;
		}
		free(d);
	}
}

TEST(diff_survives_allocation_failures)
{
	FOR_EACH_ALLOC_FAILURE(50, {
		struct buf out;
		buf_init(&out, 1 << 20);
		if (pdiff_unified("a\nb\nc\n", 6, "a\nB\nc\nd\n", 8, &out) == 0)
			CHECK_STR(out.data, "@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n");
		buf_free(&out);
	});
}
