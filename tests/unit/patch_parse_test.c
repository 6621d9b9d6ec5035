/* The apply_patch parser: the grammar, the lenient forms and every parse error with
 * its line number (reference §1.2, §3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "patch/patch.h"
#include "test.h"

/* Parses s; returns the patch or NULL, with the CLI error text in err_text. */
static struct patch *parse(const char *s, char *err_text, size_t cap)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;

	err_text[0] = '\0';
	if (patch_parse(s, strlen(s), &p, &pe) < 0) {
		struct buf b;
		buf_init(&b, 1 << 20);
		if (patch_error_text(&pe, PATCH_ERROR_CLI, &b) == 0)
			snprintf(err_text, cap, "%s", b.data);
		buf_free(&b);
	}
	patch_error_free(&pe);
	return p;
}

/* The CLI text of the error parsing s gives ("" when it parses). */
static const char *parse_error(const char *s)
{
	static char text[4096];
	struct patch *p = parse(s, text, sizeof text);

	patch_free(p);
	return text;
}

static int str_is(struct patch_str s, const char *want)
{
	return s.s && s.len == strlen(want) && memcmp(s.s, want, s.len) == 0;
}

#define CHECK_SLICE(slice, want)                                                      \
	do {                                                                          \
		struct patch_str got_ = (slice);                                      \
		if (!str_is(got_, (want)))                                            \
			test_fail(__FILE__, __LINE__, "%s: \"%.*s\" != \"%s\"", #slice,  \
				  got_.s ? (int)got_.len : 6, got_.s ? got_.s : "(null)",    \
				  (want));                                                   \
	} while (0)

#define BAD_HEADER_TAIL \
	" is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', " \
	"'*** Delete File: {path}', '*** Update File: {path}'"
#define UNEXPECTED_TAIL \
	". Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)"

TEST(parse_all_three_hunk_kinds)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n"
				"*** Add File: path/add.py\n"
				"+abc\n"
				"+def\n"
				"*** Delete File: path/delete.py\n"
				"*** Update File: path/update.py\n"
				"*** Move to: path/update2.py\n"
				"@@ def f():\n"
				"-    pass\n"
				"+    return 123\n"
				"*** End Patch",
				err, sizeof err);
	const struct patch_chunk *c;

	REQUIRE(p != NULL);
	REQUIRE(p->n_hunks == 3);
	CHECK(p->hunks[0].kind == PATCH_HUNK_ADD);
	CHECK_SLICE(p->hunks[0].path, "path/add.py");
	CHECK_SLICE(p->hunks[0].contents, "abc\ndef\n");
	CHECK_INT(p->hunks[0].line, 2);
	CHECK(p->hunks[1].kind == PATCH_HUNK_DELETE);
	CHECK_SLICE(p->hunks[1].path, "path/delete.py");
	CHECK(p->hunks[2].kind == PATCH_HUNK_UPDATE);
	CHECK_SLICE(p->hunks[2].path, "path/update.py");
	CHECK_SLICE(p->hunks[2].move_path, "path/update2.py");
	REQUIRE(p->hunks[2].n_chunks == 1);
	c = &p->hunks[2].chunks[0];
	CHECK_SLICE(c->context, "def f():");
	REQUIRE(c->n_old == 1 && c->n_new == 1);
	CHECK_SLICE(c->old_lines[0], "    pass");
	CHECK_SLICE(c->new_lines[0], "    return 123");
	CHECK(!c->end_of_file);
	CHECK(p->environment_id.s == NULL);
	patch_free(p);
}

TEST(parse_context_lines_and_pairs)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Update File: a\n@@\n ctx1\n-old\n+new\n\n"
				" ctx2\n*** End of File\n*** End Patch",
				err, sizeof err);
	const struct patch_chunk *c;

	REQUIRE(p != NULL);
	c = &p->hunks[0].chunks[0];
	CHECK(c->context.s == NULL);
	REQUIRE(c->n_old == 4 && c->n_new == 4);
	CHECK_SLICE(c->old_lines[2], "");
	CHECK_SLICE(c->new_lines[2], "");
	REQUIRE(c->n_context == 3);
	/* ctx1 (0,0), the bare empty line (2,2), ctx2 (3,3). */
	CHECK(c->context_pairs[0][0] == 0 && c->context_pairs[0][1] == 0);
	CHECK(c->context_pairs[1][0] == 2 && c->context_pairs[1][1] == 2);
	CHECK(c->context_pairs[2][0] == 3 && c->context_pairs[2][1] == 3);
	CHECK(c->end_of_file);
	patch_free(p);
}

TEST(parse_first_chunk_may_omit_at_at)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n"
				"*** End Patch",
				err, sizeof err);

	REQUIRE(p != NULL);
	REQUIRE(p->hunks[0].n_chunks == 1);
	CHECK(p->hunks[0].chunks[0].context.s == NULL);
	CHECK_SLICE(p->hunks[0].chunks[0].old_lines[0], "import foo");
	CHECK_SLICE(p->hunks[0].chunks[0].new_lines[1], "bar");
	patch_free(p);
}

TEST(parse_zero_hunks_is_valid)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** End Patch", err, sizeof err);

	REQUIRE(p != NULL);
	CHECK_INT(p->n_hunks, 0);
	patch_free(p);
}

TEST(parse_add_file_without_lines_is_empty_file)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Add File: empty.txt\n*** End Patch", err,
				sizeof err);

	REQUIRE(p != NULL);
	CHECK_INT(p->hunks[0].contents.len, 0);
	patch_free(p);
}

TEST(parse_envelope_errors)
{
	CHECK_STR(parse_error(""), "Invalid patch: The last line of the patch must be '*** End Patch'");
	CHECK_STR(parse_error("  \n\t "),
		  "Invalid patch: The last line of the patch must be '*** End Patch'");
	CHECK_STR(parse_error("bad"),
		  "Invalid patch: The first line of the patch must be '*** Begin Patch'");
	CHECK_STR(parse_error("*** Begin Patch"),
		  "Invalid patch: The last line of the patch must be '*** End Patch'");
	CHECK_STR(parse_error("*** Begin Patch\nbad"),
		  "Invalid patch: The last line of the patch must be '*** End Patch'");
	CHECK_STR(parse_error("*** End Patch"),
		  "Invalid patch: The first line of the patch must be '*** Begin Patch'");
	CHECK_STR(parse_error("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nextra\n"
			      "*** End Patch"),
		  "Invalid patch: The last line of the patch must be '*** End Patch'");
}

TEST(parse_whitespace_padded_markers)
{
	CHECK_STR(parse_error(" *** Begin Patch\n*** Add File: a\n+x\n*** End Patch "), "");
	CHECK_STR(parse_error("*** Begin Patch \n*** Add File: a\n+x\n *** End Patch"), "");
	CHECK_STR(parse_error("\n\n  *** Begin Patch\n  *** Update File: a\n@@\n-x\n+y\n"
			      "*** End Patch\n\n"),
		  "");
	/* Whitespace-only lines after End Patch are fine; so is a second End Patch line
	 * at the very end. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n \t\n"
			      "*** End Patch"),
		  "");
}

TEST(parse_heredoc_forms)
{
	char err[512];
	struct patch *p;

	CHECK_STR(parse_error("<<EOF\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF"), "");
	CHECK_STR(parse_error("<<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF"), "");
	CHECK_STR(parse_error("<<\"EOF\"\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF"),
		  "");
	/* The last line only has to end with EOF. */
	CHECK_STR(parse_error("<<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n"
			      "  EOF"),
		  "");
	/* Mismatched quotes: the original error. */
	CHECK_STR(parse_error("<<\"EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF"),
		  "Invalid patch: The first line of the patch must be '*** Begin Patch'");
	/* Fewer than four lines: the original error. */
	CHECK_STR(parse_error("<<'EOF'\n*** Begin Patch\nEOF"),
		  "Invalid patch: The first line of the patch must be '*** Begin Patch'");
	/* The inner lines' own error is reported. */
	CHECK_STR(parse_error("<<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\nEOF"),
		  "Invalid patch: The last line of the patch must be '*** End Patch'");
	/* Line numbers count from the Begin Patch line. */
	CHECK_STR(parse_error("<<'EOF'\n*** Begin Patch\nbad\n*** End Patch\nEOF"),
		  "Invalid patch hunk on line 2: 'bad'" BAD_HEADER_TAIL);
	p = parse("<<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF", err,
		  sizeof err);
	REQUIRE(p != NULL);
	CHECK_SLICE(p->text, "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch");
	patch_free(p);
}

TEST(parse_crlf_patch_text)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\r\n*** Update File: file.txt\r\n@@\r\n-old\r\n"
				"+new\r\n*** End Patch\r\n",
				err, sizeof err);

	REQUIRE(p != NULL);
	CHECK_SLICE(p->hunks[0].path, "file.txt");
	CHECK_SLICE(p->hunks[0].chunks[0].old_lines[0], "old");
	CHECK_SLICE(p->hunks[0].chunks[0].new_lines[0], "new");
	patch_free(p);
	/* Two CRs: one goes with the line break, one more on the way in. */
	p = parse("*** Begin Patch\r\n*** Update File: file.txt\r\n@@\r\n-old\r\r\r\n+new\r\n"
		  "*** End Patch\r\n",
		  err, sizeof err);
	REQUIRE(p != NULL);
	CHECK_SLICE(p->hunks[0].chunks[0].old_lines[0], "old\r");
	patch_free(p);
}

TEST(parse_indented_update_marker_is_context)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Update File: a.txt\n@@\n-old a\n+new a\n"
				" *** Update File: b.txt\n@@\n-old b\n+new b\n*** End Patch\n",
				err, sizeof err);

	REQUIRE(p != NULL);
	REQUIRE(p->n_hunks == 1);
	REQUIRE(p->hunks[0].n_chunks == 2);
	CHECK_SLICE(p->hunks[0].chunks[0].old_lines[1], "*** Update File: b.txt");
	CHECK_SLICE(p->hunks[0].chunks[0].new_lines[1], "*** Update File: b.txt");
	patch_free(p);
}

TEST(parse_padded_hunk_headers)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n  *** Update File: foo.txt\n@@\n-a\n+b\n"
				"*** Add File: c.txt  \n+c\n\t*** Delete File: d.txt\n*** End Patch",
				err, sizeof err);

	REQUIRE(p != NULL);
	REQUIRE(p->n_hunks == 3);
	CHECK_SLICE(p->hunks[0].path, "foo.txt");
	CHECK_SLICE(p->hunks[1].path, "c.txt");
	CHECK_SLICE(p->hunks[2].path, "d.txt");
	patch_free(p);
	/* A header with right-side padding closes an Update hunk too. */
	p = parse("*** Begin Patch\n*** Update File: a\n-x\n+y\n*** Delete File: b \t\n"
		  "*** End Patch",
		  err, sizeof err);
	REQUIRE(p != NULL);
	CHECK_INT(p->n_hunks, 2);
	CHECK_SLICE(p->hunks[1].path, "b");
	patch_free(p);
}

TEST(parse_unicode_whitespace_is_trimmed)
{
	char err[512];
	/* U+0085 NEXT LINE and U+3000 IDEOGRAPHIC SPACE are White_Space to Rust's trim. */
	struct patch *p = parse("\xc2\x85*** Begin Patch\n\xe3\x80\x80*** Add File: a\n+x\n"
				"*** End Patch\xc2\xa0",
				err, sizeof err);

	REQUIRE(p != NULL);
	CHECK_INT(p->n_hunks, 1);
	patch_free(p);
}

TEST(parse_move_to)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Update File: old.txt\n*** Move to: new dir/n.txt  \n"
				"@@\n-a\n+b\n*** End Patch",
				err, sizeof err);

	REQUIRE(p != NULL);
	CHECK_SLICE(p->hunks[0].move_path, "new dir/n.txt");
	patch_free(p);
	/* Only before the first chunk, and only once. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: a\n@@\n-a\n*** Move to: b\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 5: Expected update hunk to start with a @@ context "
		  "marker, got: '*** Move to: b'");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** Move to: c\n"
			      "-a\n*** End Patch"),
		  "Invalid patch hunk on line 4: Unexpected line found in update hunk: "
		  "'*** Move to: c'" UNEXPECTED_TAIL);
	/* A move alone is still an empty update. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: old.txt\n*** Move to: new.txt\n"
			      "*** Delete File: other.txt\n*** End Patch"),
		  "Invalid patch hunk on line 2: Update file hunk for path 'old.txt' is empty");
}

TEST(parse_hunk_errors)
{
	CHECK_STR(parse_error("*** Begin Patch\nbad\n*** End Patch"),
		  "Invalid patch hunk on line 2: 'bad'" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch"),
		  "Invalid patch hunk on line 2: '*** Frobnicate File: foo'" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n  \n*** End Patch"),
		  "Invalid patch hunk on line 2: ''" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Add File: file.txt\nbad\n*** End Patch"),
		  "Invalid patch hunk on line 3: 'bad'" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Add File: file.txt\n+a\n  x  \n*** End Patch"),
		  "Invalid patch hunk on line 4: 'x'" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Delete File: file.txt\nbad\n*** End Patch"),
		  "Invalid patch hunk on line 3: 'bad'" BAD_HEADER_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n*** End Patch"),
		  "Invalid patch hunk on line 2: Update file hunk for path 'file.txt' is empty");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: foo.txt\n*** Add File: b\n+x\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 2: Update file hunk for path 'foo.txt' is empty");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n@@\n*** End Patch"),
		  "Invalid patch hunk on line 4: Update hunk does not contain any lines");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n@@\n*** End of File\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 4: Update hunk does not contain any lines");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n@@\n@@\n*** End Patch"),
		  "Invalid patch hunk on line 4: Unexpected line found in update hunk: '@@'"
		  UNEXPECTED_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n@@\n-old\nbad\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 5: Expected update hunk to start with a @@ context "
		  "marker, got: 'bad'");
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\n@@\n"
			      "*** Update File: other.txt\n-x\n*** End Patch"),
		  "Invalid patch hunk on line 4: Unexpected line found in update hunk: "
		  "'*** Update File: other.txt'" UNEXPECTED_TAIL);
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: file.txt\nbad\n*** End Patch"),
		  "Invalid patch hunk on line 3: Unexpected line found in update hunk: 'bad'"
		  UNEXPECTED_TAIL);
	/* The quoted line keeps its own trailing whitespace. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: f\n\tbad  \n*** End Patch"),
		  "Invalid patch hunk on line 3: Unexpected line found in update hunk: '\tbad  '"
		  UNEXPECTED_TAIL);
}

TEST(parse_after_end_of_file_marker)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Update File: file.txt\n@@\n+quux\n"
				"*** End of File\n\n   \n@@\n-a\n+b\n*** End Patch\n",
				err, sizeof err);

	REQUIRE(p != NULL);
	REQUIRE(p->hunks[0].n_chunks == 2);
	CHECK(p->hunks[0].chunks[0].end_of_file);
	CHECK(!p->hunks[0].chunks[1].end_of_file);
	patch_free(p);
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: f\n-a\n*** End of File\n+b\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 5: Expected update hunk to start with a @@ context "
		  "marker, got: '+b'");
	/* A marker before any chunk is ignored. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Update File: f\n*** End of File\n-a\n"
			      "*** End Patch"),
		  "");
}

TEST(parse_environment_id)
{
	char err[512];
	struct patch *p = parse("*** Begin Patch\n*** Environment ID:  env-1 \n*** Add File: a\n+x\n"
				"*** End Patch",
				err, sizeof err);

	REQUIRE(p != NULL);
	CHECK_SLICE(p->environment_id, "env-1");
	patch_free(p);
	CHECK_STR(parse_error("*** Begin Patch\n*** Environment ID: \n*** Add File: a\n+x\n"
			      "*** End Patch"),
		  "Invalid patch: apply_patch environment_id cannot be empty");
	CHECK_STR(parse_error("*** Begin Patch\n*** Environment ID: a\n*** Environment ID: b\n"
			      "*** End Patch"),
		  "Invalid patch: apply_patch environment_id cannot be specified more than once");
	/* After a hunk it is just a bad header. */
	CHECK_STR(parse_error("*** Begin Patch\n*** Delete File: a\n*** Environment ID: b\n"
			      "*** End Patch"),
		  "Invalid patch hunk on line 3: '*** Environment ID: b'" BAD_HEADER_TAIL);
}

TEST(parse_agent_error_wording)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	struct buf b;
	const char *bad = "*** Begin Patch\nbad\n*** End Patch";

	REQUIRE(patch_parse(bad, strlen(bad), &p, &pe) < 0);
	buf_init(&b, 4096);
	REQUIRE(patch_error_text(&pe, PATCH_ERROR_AGENT, &b) == 0);
	CHECK_STR(b.data, "invalid hunk at line 2, 'bad'" BAD_HEADER_TAIL);
	buf_free(&b);
	patch_error_free(&pe);
	REQUIRE(patch_parse("x", 1, &p, &pe) < 0);
	buf_init(&b, 4096);
	REQUIRE(patch_error_text(&pe, PATCH_ERROR_AGENT, &b) == 0);
	CHECK_STR(b.data, "invalid patch: The first line of the patch must be '*** Begin Patch'");
	buf_free(&b);
	patch_error_free(&pe);
}

TEST(parse_nul_bytes_are_kept)
{
	static const char text[] = "*** Begin Patch\n*** Add File: a\n+x\0y\n*** End Patch";
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;

	REQUIRE(patch_parse(text, sizeof text - 1, &p, &pe) == 0);
	CHECK_INT(p->hunks[0].contents.len, 4);
	CHECK(memcmp(p->hunks[0].contents.s, "x\0y\n", 4) == 0);
	patch_free(p);
}

TEST(parse_rejects_invalid_utf8)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	static const char *bad[] = {
		"*** Begin Patch\n*** Add File: a\n+\xff\n*** End Patch",
		"*** Begin Patch\n*** Add File: a\n+\xc0\xaf\n*** End Patch",     /* overlong */
		"*** Begin Patch\n*** Add File: a\n+\xed\xa0\x80\n*** End Patch", /* surrogate */
		"*** Begin Patch\n*** Add File: a\n+\xf4\x90\x80\x80\n*** End Patch",
		"*** Begin Patch\n*** Add File: a\n+\xe2\x82\n*** End Patch",     /* truncated */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(patch_parse(bad[i], strlen(bad[i]), &p, &pe) < 0);
		CHECK(pe.kind == PATCH_ERR_INVALID_PATCH);
		CHECK_STR(pe.msg, "patch is not valid UTF-8");
		patch_error_free(&pe);
	}
}

TEST(parse_limits)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	size_t n = (size_t)LIMIT_PATCH_LINES + 1;
	char *big;

	/* The size is checked before the text is read. */
	CHECK(patch_parse("x", (size_t)LIMIT_PATCH_BYTES + 1, &p, &pe) < 0);
	CHECK(pe.kind == PATCH_ERR_LIMIT);
	CHECK_CONTAINS(pe.msg, "larger than");
	patch_error_free(&pe);
	big = malloc(2 * n);
	REQUIRE(big != NULL);
	for (size_t i = 0; i < n; i++) {
		big[2 * i] = 'x';
		big[2 * i + 1] = '\n';
	}
	CHECK(patch_parse(big, 2 * n, &p, &pe) < 0);
	CHECK(pe.kind == PATCH_ERR_LIMIT);
	CHECK_CONTAINS(pe.msg, "more than");
	patch_error_free(&pe);
	free(big);
}

TEST(parse_survives_allocation_failures)
{
	const char *text = "*** Begin Patch\n*** Environment ID: e\n*** Add File: a\n+1\n+2\n"
			   "*** Delete File: b\n*** Update File: c\n*** Move to: d\n@@ ctx\n x\n"
			   "-y\n+z\n@@\n-p\n+q\n*** End of File\n*** End Patch";

	FOR_EACH_ALLOC_FAILURE(200, {
		struct patch_error pe = PATCH_ERROR_INIT;
		struct patch *p = NULL;
		int rc = patch_parse(text, strlen(text), &p, &pe);
		if (rc == 0) {
			CHECK_INT(p->n_hunks, 3);
			CHECK_INT(p->hunks[2].n_chunks, 2);
		} else {
			CHECK(pe.kind == PATCH_ERR_NO_MEMORY);
			CHECK(p == NULL);
		}
		patch_free(p);
		patch_error_free(&pe);
	});
}
