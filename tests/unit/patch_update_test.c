/* New contents of an updated file (reference §2.2-2.5): both line-ending modes, pure
 * additions, End of File handling, the upstream tool tests' cases, and the one-pass
 * rebuild against a literal transcription of upstream's splicing on random patches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"
#include "test.h"

#define LF PATCH_EOL_NORMALIZE_LF
#define KEEP PATCH_EOL_PRESERVE

static char last_error[4096];

/* Applies the Update hunk in `body` (the lines after "*** Update File: f") to old;
 * returns the new contents (free it) or NULL with last_error set. */
static char *update_n(const char *old, size_t old_len, const char *body,
		      enum patch_eol_mode mode, size_t *out_len)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	struct buf text;
	char *out = NULL;

	last_error[0] = '\0';
	buf_init(&text, 1 << 20);
	if (buf_printf(&text, "*** Begin Patch\n*** Update File: f\n%s\n*** End Patch", body) < 0)
		return NULL;
	if (patch_parse(text.data, text.len, &p, &pe) == 0)
		pupdate_contents(&p->hunks[0], "/w/f", old, old_len, mode, &out, out_len, &pe);
	if (pe.kind != PATCH_OK) {
		struct buf b;
		buf_init(&b, 1 << 20);
		if (patch_error_text(&pe, PATCH_ERROR_CLI, &b) == 0)
			snprintf(last_error, sizeof last_error, "%s", b.data);
		buf_free(&b);
	}
	patch_error_free(&pe);
	patch_free(p);
	buf_free(&text);
	return out;
}

static char *update(const char *old, const char *body, enum patch_eol_mode mode)
{
	size_t n;
	return update_n(old, strlen(old), body, mode, &n);
}

/* Checks that updating old with body in mode gives want. */
#define CHECK_UPDATE(old, body, mode, want)                                                  \
	do {                                                                                 \
		char *got_ = update((old), (body), (mode));                                  \
		if (!got_)                                                                   \
			test_fail(__FILE__, __LINE__, "update failed: %s", last_error);      \
		else                                                                         \
			CHECK_STR(got_, (want));                                             \
		free(got_);                                                                  \
	} while (0)

#define CHECK_UPDATE_BOTH(old, body, want)              \
	do {                                            \
		CHECK_UPDATE((old), (body), LF, (want));   \
		CHECK_UPDATE((old), (body), KEEP, (want)); \
	} while (0)

#define CHECK_UPDATE_FAILS(old, body, mode, msg)                                   \
	do {                                                                       \
		char *got_ = update((old), (body), (mode));                        \
		CHECK(got_ == NULL);                                               \
		free(got_);                                                        \
		CHECK_STR(last_error, (msg));                                      \
	} while (0)

TEST(update_simple_replacement)
{
	CHECK_UPDATE_BOTH("foo\nbar\n", "@@\n foo\n-bar\n+baz", "foo\nbaz\n");
}

TEST(update_multiple_chunks)
{
	CHECK_UPDATE_BOTH("foo\nbar\nbaz\nqux\n", "@@\n foo\n-bar\n+BAR\n@@\n baz\n-qux\n+QUX",
			  "foo\nBAR\nbaz\nQUX\n");
}

TEST(update_interleaved_changes)
{
	CHECK_UPDATE_BOTH("a\nb\nc\nd\ne\nf\n",
			  "@@\n a\n-b\n+B\n@@\n c\n d\n-e\n+E\n@@\n f\n+g\n*** End of File",
			  "a\nB\nc\nd\nE\nf\ng\n");
}

TEST(update_pure_addition_goes_to_end)
{
	/* The pure addition lands at the end even though it comes first; the @@ context
	 * is searched (and must exist) but does not place it. */
	CHECK_UPDATE_BOTH("line1\nline2\nline3\n",
			  "@@\n+after-context\n+second-line\n@@\n line1\n-line2\n-line3\n"
			  "+line2-replacement",
			  "line1\nline2-replacement\nafter-context\nsecond-line\n");
	CHECK_UPDATE_BOTH("def foo():\n    pass\nx\n", "@@ def foo():\n+added", "def foo():\n    pass\nx\nadded\n");
	CHECK_UPDATE_BOTH("", "@@\n+first\n+second", "first\nsecond\n");
	CHECK_UPDATE_FAILS("a\n", "@@ missing\n+x", LF, "Failed to find context 'missing' in /w/f");
}

TEST(update_pure_addition_before_trailing_blank_line_in_legacy_mode)
{
	/* Legacy: before the trailing empty element, which is then dropped; preserve: after
	 * the last line, which keeps its ending. */
	CHECK_UPDATE("a\n\n", "@@\n+b", LF, "a\nb\n");
	CHECK_UPDATE("a\n\n", "@@\n+b", KEEP, "a\n\nb\n");
	CHECK_UPDATE("one\r\n\r\n", "@@\n+two", KEEP, "one\r\n\r\ntwo\r\n");
}

TEST(update_trailing_newline_rules)
{
	/* The result always ends with a line ending. */
	CHECK_UPDATE_BOTH("no newline at end", "@@\n-no newline at end\n+first line\n+second line",
			  "first line\nsecond line\n");
	CHECK_UPDATE_BOTH("a\nb", "@@\n-a\n+A", "A\nb\n");
	/* Deleting every line leaves an empty file. */
	CHECK_UPDATE_BOTH("a\nb\n", "@@\n-a\n-b", "");
	/* Legacy mode loses a trailing blank line on any update; preserve keeps it. */
	CHECK_UPDATE("x\ny\n\n", "@@\n-x\n+X", LF, "X\ny\n");
	CHECK_UPDATE("x\ny\n\n", "@@\n-x\n+X", KEEP, "X\ny\n\n");
}

TEST(update_legacy_mode_line_endings)
{
	/* CRs stay in the lines: untouched lines keep them, replaced lines get LF. */
	CHECK_UPDATE("one\r\n", "@@\n-one\n+uno", LF, "uno\n");
	CHECK_UPDATE("one\r\ntwo\r\nthree\r\n", "@@\n-two\n+TWO", LF, "one\r\nTWO\nthree\r\n");
	/* A context line matched fuzzily takes the patch's spelling. */
	CHECK_UPDATE("one\r\ntwo\r\n", "@@\n one\n-two\n+TWO", LF, "one\nTWO\n");
	/* A lone CR is not a line break in legacy mode. */
	CHECK_UPDATE("a\rb\nc\n", "@@\n-c\n+C", LF, "a\rb\nC\n");
}

TEST(update_preserve_mode_line_endings)
{
	CHECK_UPDATE("one\r\ntwo\r\n", "@@\n-one\n+uno", KEEP, "uno\r\ntwo\r\n");
	CHECK_UPDATE("one\rtwo\r", "@@\n-one\n+uno", KEEP, "uno\rtwo\r");
	/* A missing final ending becomes the preferred (first) one. */
	CHECK_UPDATE("one\r\ntwo", "@@\n-one\n+ONE", KEEP, "ONE\r\ntwo\r\n");
	/* Untouched mixed endings survive; new lines take the first ending. */
	CHECK_UPDATE("one\r\ntwo\rthree\nfour\r\n", "@@\n two\n-three\n+THREE\n four", KEEP,
		     "one\r\ntwo\rTHREE\r\nfour\r\n");
	/* A file without any ending prefers LF. */
	CHECK_UPDATE("solo", "@@\n-solo\n+a\n+b", KEEP, "a\nb\n");
	/* Context lines keep their bytes, even when matched fuzzily. */
	CHECK_UPDATE("  ctx \r\nold\nend\r\n", "@@\n ctx\n-old\n+new\n end", KEEP,
		     "  ctx \r\nnew\r\nend\r\n");
	/* Repeated context lines each keep their own ending. */
	CHECK_UPDATE("x\ny\r\nx\rz\n", "@@\n x\n y\n x\n-z\n+Z", KEEP, "x\ny\r\nx\rZ\n");
}

TEST(update_preserve_change_order_with_repeated_lines)
{
	CHECK_UPDATE("a\r\nb\r\na\r\nb\r\n", "@@\n a\n-b\n+B1\n@@\n a\n-b\n+B2", KEEP,
		     "a\r\nB1\r\na\r\nB2\r\n");
	CHECK_UPDATE("a\nb\na\nb\n", "@@\n a\n-b\n+B1\n@@\n a\n-b\n+B2", LF, "a\nB1\na\nB2\n");
}

TEST(update_end_of_file_chunks)
{
	CHECK_UPDATE_BOTH("foo\nbar\nbaz\n", "@@\n+quux\n*** End of File", "foo\nbar\nbaz\nquux\n");
	/* The chunk must match the last lines. */
	CHECK_UPDATE_BOTH("x\nend\nx\nend\n", "@@\n x\n-end\n+END\n*** End of File",
			  "x\nend\nx\nEND\n");
	CHECK_UPDATE_FAILS("end\nx\n", "@@\n-end\n+END\n*** End of File", LF,
			   "Failed to find expected lines in /w/f:\nend");
	/* Two chunks on the same last line: legacy mode matches it twice and both splices
	 * land; preserve mode's cursor is past it. */
	CHECK_UPDATE("first\nsecond\n", "@@\n-second\n*** End of File\n@@\n-second\n*** End of File",
		     LF, "first\n");
	CHECK_UPDATE_FAILS("first\nsecond\n",
			   "@@\n-second\n*** End of File\n@@\n-second\n*** End of File", KEEP,
			   "Failed to find expected lines in /w/f:\nsecond");
}

TEST(update_legacy_overlapping_splices)
{
	/* A replacement over the trailing blank line and a pure addition placed before
	 * that line: upstream splices from the last to the first, so the addition loses
	 * its first line to the replacement. */
	CHECK_UPDATE("a\n\n", "@@\n a\n-\n+R\n*** End of File\n@@\n+P1\n+P2", LF, "a\nR\nP2\n");
	CHECK_UPDATE("a\n\n", "@@\n-\n+R\n*** End of File\n@@\n+P", LF, "a\nR\n");
	/* In the other order they do not overlap. */
	CHECK_UPDATE("a\n\n", "@@\n+P\n@@\n-\n+R\n*** End of File", LF, "a\nP\nR\n");
}

TEST(update_fuzzy_passes)
{
	CHECK_UPDATE_BOTH("foo   \nbar\n", "@@\n-foo\n+FOO", "FOO\nbar\n");
	CHECK_UPDATE_BOTH("    foo\nbar\n", "@@\n-foo\n+FOO", "FOO\nbar\n");
	CHECK_UPDATE_BOTH("import asyncio  # local import \xe2\x80\x93 avoids top\xe2\x80\x91level dep\n",
			  "@@\n-import asyncio  # local import - avoids top-level dep\n"
			  "+import asyncio  # HELLO",
			  "import asyncio  # HELLO\n");
	CHECK_UPDATE_BOTH("na\xc3\xafve caf\xc3\xa9\n", "@@\n-na\xc3\xafve caf\xc3\xa9\n"
			  "+na\xc3\xafve caf\xc3\xa9 \xe2\x9c\x85",
			  "na\xc3\xafve caf\xc3\xa9 \xe2\x9c\x85\n");
}

TEST(update_context_moves_cursor)
{
	CHECK_UPDATE_BOTH("def a():\n    x = 1\ndef b():\n    x = 1\n",
			  "@@ def b():\n-    x = 1\n+    x = 2", "def a():\n    x = 1\ndef b():\n    x = 2\n");
	/* Chunks are found in file order: a later chunk cannot go back. */
	CHECK_UPDATE_FAILS("one\ntwo\n", "@@\n-two\n+TWO\n@@\n-one\n+ONE", LF,
			   "Failed to find expected lines in /w/f:\none");
}

TEST(update_retries_without_trailing_empty_line)
{
	/* The empty context line at the end of the chunk is not in the file. */
	CHECK_UPDATE_BOTH("a\nb\n", "@@\n-a\n+A\n b\n", "A\nb\n");
	CHECK_UPDATE_FAILS("a\nb\n", "@@\n-a\n-z\n+A\n", LF,
			   "Failed to find expected lines in /w/f:\na\nz\n");
}

TEST(update_missing_lines_message_keeps_all_old_lines)
{
	CHECK_UPDATE_FAILS("x\n", "@@\n ctx\n-missing\n+new", KEEP,
			   "Failed to find expected lines in /w/f:\nctx\nmissing");
}

TEST(update_file_with_nul_bytes)
{
	size_t n;
	char *got = update_n("a\0b\nc\n", 6, "@@\n-c\n+C", LF, &n);

	REQUIRE(got != NULL);
	CHECK_INT(n, 6);
	CHECK(memcmp(got, "a\0b\nC\n", 6) == 0);
	free(got);
}

/* ---- the one-pass rebuild against upstream's algorithm, transcribed literally ---- */

static unsigned rng_state = 987654321;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

struct lines {
	struct patch_str *v;
	size_t n, cap;
};

static void lines_insert(struct lines *l, size_t at, struct patch_str s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	l->v[at] = s;
	l->n++;
}

static void lines_remove(struct lines *l, size_t at)
{
	memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof *l->v);
	l->n--;
}

static long plain_seek(const struct lines *f, const struct patch_str *pat, size_t plen,
		       size_t start, int eof)
{
	size_t from = start;

	if (plen == 0)
		return (long)start;
	if (plen > f->n)
		return -1;
	if (eof)
		from = f->n - plen;
	for (int pass = 0; pass < PMATCH_PASSES; pass++)
		for (size_t i = from; i + plen <= f->n; i++) {
			size_t k = 0;
			while (k < plen && ptext_line_eq((enum pmatch_pass)pass, f->v[i + k], pat[k]))
				k++;
			if (k == plen)
				return (long)i;
		}
	return -1;
}

struct plain_repl {
	size_t start, old_len;
	const struct patch_str *new_lines;
	size_t n_new;
};

/* Legacy mode, step by step as the reference describes it: returns the new contents
 * (free it) or NULL when a chunk is not found. */
static char *plain_update(const char *old, const struct patch_hunk *h)
{
	struct lines f = {0};
	struct plain_repl r[64];
	size_t nr = 0, cursor = 0;
	const char *s = old;
	struct buf out;

	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		lines_insert(&f, f.n, (struct patch_str){s, len});
		if (!nl)
			break;
		s = nl + 1;
	}
	if (f.n && f.v[f.n - 1].len == 0)
		f.n--;
	for (size_t ci = 0; ci < h->n_chunks; ci++) {
		const struct patch_chunk *c = &h->chunks[ci];
		size_t plen = c->n_old, nn = c->n_new;
		long at;
		if (c->context.s) {
			at = plain_seek(&f, &c->context, 1, cursor, 0);
			if (at < 0)
				goto fail;
			cursor = (size_t)at + 1;
		}
		if (plen == 0) {
			size_t ins = f.n && f.v[f.n - 1].len == 0 ? f.n - 1 : f.n;
			r[nr++] = (struct plain_repl){ins, 0, c->new_lines, nn};
			continue;
		}
		at = plain_seek(&f, c->old_lines, plen, cursor, c->end_of_file);
		if (at < 0 && c->old_lines[plen - 1].len == 0) {
			plen--;
			if (nn && c->new_lines[nn - 1].len == 0)
				nn--;
			at = plain_seek(&f, c->old_lines, plen, cursor, c->end_of_file);
		}
		if (at < 0)
			goto fail;
		r[nr++] = (struct plain_repl){(size_t)at, plen, c->new_lines, nn};
		cursor = (size_t)at + plen;
	}
	/* Stable sort by start (insertion sort keeps equal starts in order). */
	for (size_t i = 1; i < nr; i++)
		for (size_t j = i; j > 0 && r[j - 1].start > r[j].start; j--) {
			struct plain_repl t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	for (size_t j = nr; j-- > 0;) {
		for (size_t k = 0; k < r[j].old_len; k++)
			if (r[j].start < f.n)
				lines_remove(&f, r[j].start);
		for (size_t k = 0; k < r[j].n_new; k++)
			lines_insert(&f, r[j].start + k, r[j].new_lines[k]);
	}
	if (!(f.n && f.v[f.n - 1].len == 0))
		lines_insert(&f, f.n, (struct patch_str){"", 0});
	buf_init(&out, 1 << 20);
	for (size_t i = 0; i < f.n; i++)
		if ((i && buf_putc(&out, '\n') < 0) || buf_append(&out, f.v[i].s, f.v[i].len) < 0)
			break;
	free(f.v);
	return buf_take(&out);
fail:
	free(f.v);
	return NULL;
}

static const char *const words[] = {"a", "b", "c", "", " a", "b ", "d", "e"};

static void random_line(struct buf *b)
{
	(void)!buf_puts(b, words[rnd(sizeof words / sizeof words[0])]);
}

TEST(update_matches_upstream_algorithm_on_random_patches)
{
	int checked = 0, applied = 0;

	for (int iter = 0; iter < 4000; iter++) {
		struct buf file, body;
		size_t nlines = rnd(12), nchunks = 1 + rnd(4);
		char *want, *got;
		struct patch_error pe = PATCH_ERROR_INIT;
		struct patch *p = NULL;
		size_t n;

		buf_init(&file, 1 << 16);
		buf_init(&body, 1 << 16);
		for (size_t i = 0; i < nlines; i++) {
			random_line(&file);
			if (i + 1 < nlines || rnd(4))
				(void)!buf_putc(&file, '\n');
		}
		(void)!buf_puts(&body, "*** Begin Patch\n*** Update File: f\n");
		for (size_t c = 0; c < nchunks; c++) {
			size_t nl = rnd(4);
			if (rnd(5) == 0) {
				(void)!buf_puts(&body, "@@ ");
				random_line(&body);
				(void)!buf_putc(&body, '\n');
			} else
				(void)!buf_puts(&body, "@@\n");
			for (size_t k = 0; k < nl || k == 0; k++) {
				static const char tags[] = {' ', '-', '+'};
				char tag = tags[rnd(3)];
				if (tag == ' ' && rnd(4) == 0) {
					(void)!buf_putc(&body, '\n'); /* a bare empty context line */
					continue;
				}
				(void)!buf_putc(&body, tag);
				random_line(&body);
				(void)!buf_putc(&body, '\n');
			}
			if (rnd(4) == 0)
				(void)!buf_puts(&body, "*** End of File\n");
		}
		(void)!buf_puts(&body, "*** End Patch");
		if (patch_parse(body.data, body.len, &p, &pe) == 0) {
			const char *old = file.data ? file.data : "";
			want = plain_update(old, &p->hunks[0]);
			pupdate_contents(&p->hunks[0], "/w/f", old, file.len, LF, &got, &n, &pe);
			checked++;
			if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0)) {
				test_fail(__FILE__, __LINE__, "iteration %d: file [%s] patch [%s]: got [%s] want [%s]",
					  iter, old, body.data, got ? got : "(failed)",
					  want ? want : "(failed)");
				iter = 1 << 30;
			}
			applied += want != NULL;
			free(want);
			free(got);
		}
		patch_error_free(&pe);
		patch_free(p);
		buf_free(&file);
		buf_free(&body);
	}
	/* The generator must produce enough patches that parse and apply. */
	CHECK(checked > 1000);
	CHECK(applied > 300);
}

TEST(update_survives_allocation_failures)
{
	const char *body = "*** Begin Patch\n*** Update File: f\n@@ a\n b\n-c\n+C\n@@\n+tail\n"
			   "*** End Patch";
	struct patch_error pe0 = PATCH_ERROR_INIT;
	struct patch *p = NULL;

	REQUIRE(patch_parse(body, strlen(body), &p, &pe0) == 0);
	for (int mode = 0; mode < 2; mode++)
		FOR_EACH_ALLOC_FAILURE(50, {
			struct patch_error pe = PATCH_ERROR_INIT;
			char *out = NULL;
			size_t n;
			int rc = pupdate_contents(&p->hunks[0], "/w/f", "a\nb\nc\n", 6,
						  mode ? KEEP : LF, &out, &n, &pe);
			if (rc == 0)
				CHECK_STR(out, "a\nb\nC\ntail\n");
			else
				CHECK(pe.kind == PATCH_ERR_NO_MEMORY);
			free(out);
			patch_error_free(&pe);
		});
	patch_free(p);
}
