/* Verifying and applying patches on a real directory: every file-system error message,
 * moves, symlinks, modes, the atomic-write guarantee and what a failure mid-patch
 * leaves behind (reference §2.1, §3, §4). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"
#include "patch/patch.h"
#include "test.h"

static char last_error[8192];
static char summary[8192];
static size_t applied;

/* Parses and applies text in test_tmpdir(); returns 0 or -1 (last_error set). */
static int apply_mode(const char *text, enum patch_eol_mode mode)
{
	struct patch_options o = {mode};
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	struct buf b;
	int rc;

	last_error[0] = summary[0] = '\0';
	applied = 0;
	rc = patch_parse(text, strlen(text), &p, &pe);
	if (rc == 0)
		rc = patch_apply(p, test_tmpdir(), &o, &applied, &pe);
	buf_init(&b, 1 << 20);
	if (rc < 0 && patch_error_text(&pe, PATCH_ERROR_CLI, &b) == 0)
		snprintf(last_error, sizeof last_error, "%s", b.data);
	if (rc == 0 && patch_summary(p, &b) == 0)
		snprintf(summary, sizeof summary, "%s", b.data);
	buf_free(&b);
	patch_error_free(&pe);
	patch_free(p);
	return rc;
}

static int apply(const char *text)
{
	return apply_mode(text, PATCH_EOL_NORMALIZE_LF);
}

static const char *path_of(const char *rel)
{
	static char paths[4][4096];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof paths[0], "%s/%s", test_tmpdir(), rel);
	return p;
}

/* Contents of a file below the test directory (static; "<missing>" when absent). */
static const char *contents(const char *rel)
{
	static char text[4][4096];
	static int next;
	char *t = text[next++ % 4];
	char *got = test_read_file(path_of(rel));

	snprintf(t, sizeof text[0], "%s", got ? got : "<missing>");
	free(got);
	return t;
}

/* "<tmpdir>/<rel><rest>": an expected message with an absolute path in it. */
static const char *msg(const char *before, const char *rel, const char *after)
{
	static char m[4][8192];
	static int next;
	char *s = m[next++ % 4];

	snprintf(s, sizeof m[0], "%s%s/%s%s", before, test_tmpdir(), rel, after);
	return s;
}

static int entries_in(const char *rel)
{
	char cmd[4300];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", path_of(rel));
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

TEST(apply_add_update_delete_and_summary)
{
	test_write_file("modify.txt", "line1\nline2\n");
	test_write_file("delete.txt", "obsolete\n");
	REQUIRE(apply("*** Begin Patch\n*** Add File: nested/new.txt\n+created\n"
		      "*** Delete File: delete.txt\n*** Update File: modify.txt\n@@\n-line2\n"
		      "+changed\n*** End Patch") == 0);
	CHECK_STR(contents("nested/new.txt"), "created\n");
	CHECK_STR(contents("delete.txt"), "<missing>");
	CHECK_STR(contents("modify.txt"), "line1\nchanged\n");
	CHECK_STR(summary, "Success. Updated the following files:\nA nested/new.txt\n"
			   "M modify.txt\nD delete.txt\n");
	CHECK_INT(applied, 3);
}

TEST(apply_add_overwrites_existing_file)
{
	test_write_file("duplicate.txt", "old content\n");
	REQUIRE(apply("*** Begin Patch\n*** Add File: duplicate.txt\n+new content\n*** End Patch") == 0);
	CHECK_STR(contents("duplicate.txt"), "new content\n");
}

TEST(apply_empty_patch_fails)
{
	CHECK(apply("*** Begin Patch\n*** End Patch") < 0);
	CHECK_STR(last_error, "No files were modified.");
}

TEST(apply_delete_errors)
{
	CHECK(apply("*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to delete file ", "missing.txt", ""));
	test_write_file("dir/foo.txt", "x\n");
	CHECK(apply("*** Begin Patch\n*** Delete File: dir\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to delete file ", "dir", ""));
	CHECK_STR(contents("dir/foo.txt"), "x\n");
}

TEST(apply_delete_symlink_removes_the_link)
{
	struct stat st;

	test_write_file("target.txt", "target\n");
	REQUIRE(symlink("target.txt", path_of("link.txt")) == 0);
	REQUIRE(apply("*** Begin Patch\n*** Delete File: link.txt\n*** End Patch") == 0);
	CHECK(lstat(path_of("link.txt"), &st) < 0);
	CHECK_STR(contents("target.txt"), "target\n");
}

TEST(apply_update_read_errors)
{
	CHECK(apply("*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to read file to update ", "missing.txt",
				  ": No such file or directory (os error 2)"));
	test_write_file("d/x", "");
	CHECK(apply("*** Begin Patch\n*** Update File: d\n@@\n-a\n+b\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to read file to update ", "d", ": Is a directory (os error 21)"));
	test_write_file("bin.dat", "\xff\xfe\n");
	CHECK(apply("*** Begin Patch\n*** Update File: bin.dat\n@@\n-a\n+b\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to read file to update ", "bin.dat",
				  ": stream did not contain valid UTF-8"));
	CHECK_STR(contents("bin.dat"), "\xff\xfe\n");
}

TEST(apply_match_errors_name_the_resolved_path)
{
	test_write_file("modify.txt", "line1\nline2\n");
	CHECK(apply("*** Begin Patch\n*** Update File: ./sub/../modify.txt\n@@\n-missing\n+x\n"
		    "*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to find expected lines in ", "modify.txt", ":\nmissing"));
	CHECK(apply("*** Begin Patch\n*** Update File: modify.txt\n@@ nowhere\n-line1\n+x\n"
		    "*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to find context 'nowhere' in ", "modify.txt", ""));
	CHECK_STR(contents("modify.txt"), "line1\nline2\n");
}

TEST(apply_relative_and_absolute_paths)
{
	char text[8192];

	test_write_file("rel.txt", "r\n");
	test_write_file("abs.txt", "a\n");
	snprintf(text, sizeof text,
		 "*** Begin Patch\n*** Update File: rel.txt\n-r\n+R\n*** Update File: %s\n-a\n+A\n"
		 "*** Add File: %s\n+n\n*** End Patch",
		 path_of("abs.txt"), path_of("new.txt"));
	REQUIRE(apply(text) == 0);
	CHECK_STR(contents("rel.txt"), "R\n");
	CHECK_STR(contents("abs.txt"), "A\n");
	CHECK_STR(contents("new.txt"), "n\n");
	/* The summary shows paths as written. */
	CHECK_STR(summary, msg("Success. Updated the following files:\nA ", "new.txt",
			       msg("\nM rel.txt\nM ", "abs.txt", "\n")));
}

TEST(apply_move_to_new_directory)
{
	test_write_file("old/name.txt", "old content\n");
	test_write_file("old/other.txt", "unrelated\n");
	REQUIRE(apply("*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n"
		      "@@\n-old content\n+new content\n*** End Patch") == 0);
	CHECK_STR(contents("old/name.txt"), "<missing>");
	CHECK_STR(contents("renamed/dir/name.txt"), "new content\n");
	CHECK_STR(contents("old/other.txt"), "unrelated\n");
	CHECK_STR(summary, "Success. Updated the following files:\nM renamed/dir/name.txt\n");
}

TEST(apply_move_overwrites_existing_destination)
{
	test_write_file("old/name.txt", "from\n");
	test_write_file("renamed/dir/name.txt", "existing\n");
	REQUIRE(apply("*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n"
		      "@@\n-from\n+new\n*** End Patch") == 0);
	CHECK_STR(contents("old/name.txt"), "<missing>");
	CHECK_STR(contents("renamed/dir/name.txt"), "new\n");
}

TEST(apply_move_onto_itself_keeps_the_file)
{
	/* Upstream writes the destination, then removes the source: a move onto the same
	 * file would delete it. We keep the updated file. */
	test_write_file("same.txt", "a\n");
	REQUIRE(apply("*** Begin Patch\n*** Update File: same.txt\n*** Move to: ./same.txt\n"
		      "@@\n-a\n+b\n*** End Patch") == 0);
	CHECK_STR(contents("same.txt"), "b\n");
	test_write_file("real.txt", "a\n");
	REQUIRE(symlink("real.txt", path_of("alias.txt")) == 0);
	REQUIRE(apply("*** Begin Patch\n*** Update File: real.txt\n*** Move to: alias.txt\n"
		      "@@\n-a\n+c\n*** End Patch") == 0);
	CHECK_STR(contents("real.txt"), "c\n");
	CHECK_STR(contents("alias.txt"), "c\n");
}

/* Runs the patch as an unprivileged user when we are root (root may remove and write
 * anything, which would hide the errors under test); returns the child's verdict:
 * 0 when the patch failed with exactly `want`. */
static int apply_unprivileged(const char *text, const char *want)
{
	pid_t pid;
	int status = -1;

	REQUIRE(chmod(test_tmpdir(), 0755) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		_exit(apply(text) < 0 && strcmp(last_error, want) == 0 ? 0 : 1);
	}
	REQUIRE(test_wait_child(pid, 60, &status) == 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

TEST(apply_move_source_removal_failure)
{
	/* The destination is written, then the source cannot be removed. */
	test_write_file("locked/src.txt", "line\n");
	mkdir(path_of("out"), 0777);
	REQUIRE(chmod(path_of("out"), 0777) == 0);
	REQUIRE(chmod(path_of("locked"), 0555) == 0);
	CHECK_INT(apply_unprivileged("*** Begin Patch\n*** Update File: locked/src.txt\n"
				     "*** Move to: out/dst.txt\n@@\n-line\n+line2\n*** End Patch",
				     msg("Failed to remove original ", "locked/src.txt", "")),
		  0);
	REQUIRE(chmod(path_of("locked"), 0755) == 0);
	CHECK_STR(contents("locked/src.txt"), "line\n");
	CHECK_STR(contents("out/dst.txt"), "line2\n");
}

TEST(apply_writes_through_symlinks_and_keeps_mode)
{
	struct stat st;

	test_write_file("real.sh", "echo old\n");
	REQUIRE(chmod(path_of("real.sh"), 0751) == 0);
	REQUIRE(symlink("real.sh", path_of("link.sh")) == 0);
	REQUIRE(apply("*** Begin Patch\n*** Update File: link.sh\n@@\n-echo old\n+echo new\n"
		      "*** End Patch") == 0);
	REQUIRE(lstat(path_of("link.sh"), &st) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_STR(contents("real.sh"), "echo new\n");
	REQUIRE(stat(path_of("real.sh"), &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0751);
	/* A dangling link: the write creates its target. */
	REQUIRE(symlink("made/by/link.txt", path_of("dangling")) == 0);
	REQUIRE(apply("*** Begin Patch\n*** Add File: dangling\n+via link\n*** End Patch") == 0);
	CHECK_STR(contents("made/by/link.txt"), "via link\n");
}

TEST(apply_add_write_errors)
{
	test_write_file("file", "x\n");
	/* A parent that is a file. */
	CHECK(apply("*** Begin Patch\n*** Add File: file/child.txt\n+x\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to write file ", "file/child.txt", ""));
	CHECK(apply("*** Begin Patch\n*** Add File: file/deeper/child.txt\n+x\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to write file ", "file/deeper/child.txt", ""));
	/* A missing parent that cannot be made: below a dangling symlink. */
	REQUIRE(symlink("nowhere", path_of("dl")) == 0);
	CHECK(apply("*** Begin Patch\n*** Add File: dl/x/y.txt\n+x\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to create parent directories for ", "dl/x/y.txt", ""));
	/* A directory in the way. */
	test_write_file("adir/x", "");
	CHECK(apply("*** Begin Patch\n*** Add File: adir\n+x\n*** End Patch") < 0);
	CHECK_STR(last_error, msg("Failed to write file ", "adir", ""));
	CHECK_INT(entries_in("adir"), 1);
	CHECK_INT(entries_in(""), 3);
}

TEST(apply_read_only_file_is_not_replaced)
{
	/* A rename would replace a file its owner made read-only; an in-place write (what
	 * upstream does) would not. */
	mkdir(path_of("w"), 0777);
	REQUIRE(chmod(path_of("w"), 0777) == 0);
	test_write_file("w/ro.txt", "keep\n");
	REQUIRE(chmod(path_of("w/ro.txt"), 0444) == 0);
	CHECK_INT(apply_unprivileged("*** Begin Patch\n*** Update File: w/ro.txt\n@@\n-keep\n"
				     "+lost\n*** End Patch",
				     msg("Failed to write file ", "w/ro.txt", "")),
		  0);
	CHECK_STR(contents("w/ro.txt"), "keep\n");
}

TEST(apply_failure_mid_patch_leaves_earlier_files_and_no_torn_file)
{
	const char *text = "*** Begin Patch\n*** Update File: a.txt\n-a\n+A\n"
			   "*** Update File: b.txt\n-b\n+B\n*** Update File: c.txt\n-c\n+C\n"
			   "*** End Patch";

	/* Each atomic write takes four steps (write, chmod, fsync, rename); fail each step
	 * of the second file's write in turn. */
	for (int step = 1; step <= 4; step++) {
		test_write_file("a.txt", "a\n");
		test_write_file("b.txt", "b\n");
		test_write_file("c.txt", "c\n");
		file_atomic_fail_after = 4 + step;
		CHECK(apply(text) < 0);
		file_atomic_fail_after = 0;
		/* As upstream: what came before stays applied, nothing after is tried. */
		CHECK_STR(contents("a.txt"), "A\n");
		CHECK_INT(applied, 1);
		CHECK_STR(last_error, msg("Failed to write file ", "b.txt", ""));
		/* Beyond upstream: the file being written is intact, no temp file is left. */
		CHECK_STR(contents("b.txt"), "b\n");
		CHECK_STR(contents("c.txt"), "c\n");
		CHECK_INT(entries_in(""), 3);
	}
}

TEST(apply_failed_add_and_move_leave_nothing_behind)
{
	for (int step = 1; step <= 4; step++) {
		file_atomic_fail_after = step;
		CHECK(apply("*** Begin Patch\n*** Add File: new.txt\n+x\n*** End Patch") < 0);
		file_atomic_fail_after = 0;
		CHECK_STR(contents("new.txt"), "<missing>");
		CHECK_INT(entries_in(""), 0);
	}
	test_write_file("src.txt", "s\n");
	file_atomic_fail_after = 3;
	CHECK(apply("*** Begin Patch\n*** Update File: src.txt\n*** Move to: dst.txt\n-s\n+S\n"
		    "*** End Patch") < 0);
	file_atomic_fail_after = 0;
	CHECK_STR(last_error, msg("Failed to write file ", "dst.txt", ""));
	CHECK_STR(contents("src.txt"), "s\n");
	CHECK_STR(contents("dst.txt"), "<missing>");
	CHECK_INT(entries_in(""), 1);
}

TEST(apply_partial_success_like_upstream)
{
	/* Fixture 015: the Add stays although the Update after it fails. */
	CHECK(apply("*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n"
		    "@@\n-old\n+new\n*** End Patch") < 0);
	CHECK_STR(contents("created.txt"), "hello\n");
	CHECK_INT(applied, 1);
}

TEST(apply_preserve_mode_through_the_library)
{
	test_write_file("crlf.txt", "one\r\ntwo\r\n");
	REQUIRE(apply_mode("*** Begin Patch\n*** Update File: crlf.txt\n@@\n one\n-two\n+TWO\n+three\n"
			   "*** End Patch",
			   PATCH_EOL_PRESERVE) == 0);
	CHECK_STR(contents("crlf.txt"), "one\r\nTWO\r\nthree\r\n");
	REQUIRE(apply("*** Begin Patch\n*** Update File: crlf.txt\n@@\n-one\n+uno\n*** End Patch") == 0);
	CHECK_STR(contents("crlf.txt"), "uno\nTWO\r\nthree\r\n");
}

TEST(apply_nul_in_path_names_no_file)
{
	static const char text[] = "*** Begin Patch\n*** Add File: a\0b\n+x\n*** End Patch";
	struct patch_options o = {PATCH_EOL_NORMALIZE_LF};
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;

	REQUIRE(patch_parse(text, sizeof text - 1, &p, &pe) == 0);
	CHECK(patch_apply(p, test_tmpdir(), &o, NULL, &pe) < 0);
	CHECK(pe.kind == PATCH_ERR_IO);
	CHECK(pe.len > 2 && memcmp(pe.msg + pe.len - 3, "a\0b", 3) == 0);
	CHECK_INT(entries_in(""), 0);
	patch_error_free(&pe);
	patch_free(p);
}

TEST(apply_needs_absolute_cwd)
{
	struct patch_options o = {PATCH_EOL_NORMALIZE_LF};
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	const char *text = "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch";

	REQUIRE(patch_parse(text, strlen(text), &p, &pe) == 0);
	CHECK(patch_apply(p, "relative/dir", &o, NULL, &pe) < 0);
	CHECK_CONTAINS(pe.msg, "absolute");
	patch_error_free(&pe);
	patch_free(p);
}

/* ---- verification ---- */

static int verify(const char *text, struct patch **pp, struct patch_changes *ch)
{
	struct patch_options o = {PATCH_EOL_NORMALIZE_LF};
	struct patch_error pe = PATCH_ERROR_INIT;
	struct buf b;
	int rc;

	last_error[0] = '\0';
	*pp = NULL;
	rc = patch_parse(text, strlen(text), pp, &pe);
	if (rc == 0)
		rc = patch_verify(*pp, test_tmpdir(), &o, ch, &pe);
	buf_init(&b, 1 << 20);
	if (rc < 0 && patch_error_text(&pe, PATCH_ERROR_CLI, &b) == 0)
		snprintf(last_error, sizeof last_error, "%s", b.data);
	buf_free(&b);
	patch_error_free(&pe);
	return rc;
}

TEST(verify_computes_changes_and_writes_nothing)
{
	struct patch_changes ch;
	struct patch *p;

	test_write_file("multi.txt", "foo\nbar\nbaz\nqux\n");
	test_write_file("gone.txt", "bye\n");
	REQUIRE(verify("*** Begin Patch\n*** Update File: multi.txt\n*** Move to: moved.txt\n@@\n"
		       " foo\n-bar\n+BAR\n@@\n baz\n-qux\n+QUX\n*** Delete File: gone.txt\n"
		       "*** Add File: sub/new.txt\n+n\n*** End Patch",
		       &p, &ch) == 0);
	REQUIRE(ch.n == 3);
	CHECK(ch.v[0].kind == PATCH_CHANGE_UPDATE);
	CHECK_STR(ch.v[0].path, path_of("multi.txt"));
	CHECK_STR(ch.v[0].move_path, path_of("moved.txt"));
	CHECK_STR(ch.v[0].old_content, "foo\nbar\nbaz\nqux\n");
	CHECK_STR(ch.v[0].new_content, "foo\nBAR\nbaz\nQUX\n");
	CHECK_STR(ch.v[0].unified_diff, "@@ -1,4 +1,4 @@\n foo\n-bar\n+BAR\n baz\n-qux\n+QUX\n");
	CHECK(ch.v[0].hunk == &p->hunks[0]);
	CHECK(ch.v[1].kind == PATCH_CHANGE_DELETE);
	CHECK_STR(ch.v[1].old_content, "bye\n");
	CHECK(ch.v[2].kind == PATCH_CHANGE_ADD);
	CHECK_STR(ch.v[2].new_content, "n\n");
	CHECK_STR(ch.v[2].path, path_of("sub/new.txt"));
	/* Nothing was written. */
	CHECK_STR(contents("multi.txt"), "foo\nbar\nbaz\nqux\n");
	CHECK_STR(contents("gone.txt"), "bye\n");
	CHECK_INT(entries_in(""), 2);
	patch_changes_free(&ch);
	patch_free(p);
}

TEST(verify_errors)
{
	struct patch_changes ch;
	struct patch *p;

	test_write_file("duplicate.txt", "x\n");
	test_write_file("ok.txt", "x\n");
	CHECK(verify("*** Begin Patch\n*** Delete File: duplicate.txt\n*** Update File: ./duplicate.txt\n"
		     "-x\n+y\n*** End Patch",
		     &p, &ch) < 0);
	CHECK_STR(last_error, msg("multiple operations target ", "duplicate.txt", ""));
	CHECK(ch.n == 0 && ch.v == NULL);
	patch_free(p);
	CHECK(verify("*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch", &p, &ch) < 0);
	CHECK_STR(last_error, msg("Failed to read ", "missing.txt", ": No such file or directory (os error 2)"));
	patch_free(p);
	/* A later hunk's mismatch fails the whole verification: nothing is applied. */
	CHECK(verify("*** Begin Patch\n*** Update File: ok.txt\n-x\n+y\n*** Update File: duplicate.txt\n"
		     "-nope\n+y\n*** End Patch",
		     &p, &ch) < 0);
	CHECK_STR(last_error, msg("Failed to find expected lines in ", "duplicate.txt", ":\nnope"));
	CHECK_STR(contents("ok.txt"), "x\n");
	patch_free(p);
	/* An empty patch verifies to no changes (applying it is what fails). */
	REQUIRE(verify("*** Begin Patch\n*** End Patch", &p, &ch) == 0);
	CHECK_INT(ch.n, 0);
	patch_changes_free(&ch);
	patch_free(p);
}

/* Rewrites a file without allocating (the failing allocator may be armed). */
static void reset_file(const char *rel, const char *text)
{
	int fd = open(path_of(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	REQUIRE(fd >= 0);
	REQUIRE(fd_write_all(fd, text, strlen(text)) == 0);
	close(fd);
}

TEST(verify_and_apply_survive_allocation_failures)
{
	const char *text = "*** Begin Patch\n*** Update File: f.txt\n@@\n a\n-b\n+B\n"
			   "*** Add File: g.txt\n+g\n*** End Patch";
	const char *one = "*** Begin Patch\n*** Update File: f.txt\n*** Move to: h.txt\n@@\n a\n"
			  "-b\n+B\n*** End Patch";
	struct patch_options o = {PATCH_EOL_NORMALIZE_LF};
	struct patch_error pe0 = PATCH_ERROR_INIT;
	struct patch *p = NULL, *q = NULL;

	REQUIRE(patch_parse(text, strlen(text), &p, &pe0) == 0);
	REQUIRE(patch_parse(one, strlen(one), &q, &pe0) == 0);
	test_write_file("f.txt", "a\nb\n");
	FOR_EACH_ALLOC_FAILURE(200, {
		struct patch_changes ch;
		struct patch_error pe = PATCH_ERROR_INIT;
		int rc = patch_verify(p, test_tmpdir(), &o, &ch, &pe);
		failalloc_disarm();
		if (rc == 0) {
			CHECK_INT(ch.n, 2);
			CHECK_STR(ch.v[0].unified_diff, "@@ -1,2 +1,2 @@\n a\n-b\n+B\n");
			patch_changes_free(&ch);
		} else
			CHECK(pe.kind == PATCH_ERR_NO_MEMORY);
		patch_error_free(&pe);
	});
	FOR_EACH_ALLOC_FAILURE(200, {
		struct patch_error pe = PATCH_ERROR_INIT;
		int rc;
		reset_file("f.txt", "a\nb\n");
		unlink(path_of("h.txt"));
		rc = patch_apply(q, test_tmpdir(), &o, NULL, &pe);
		failalloc_disarm();
		if (rc == 0) {
			CHECK_STR(contents("h.txt"), "a\nB\n");
			CHECK_STR(contents("f.txt"), "<missing>");
		} else {
			/* Either nothing happened or the destination is complete. */
			CHECK_STR(contents("f.txt"), "a\nb\n");
			const char *h = contents("h.txt");
			CHECK(strcmp(h, "<missing>") == 0 || strcmp(h, "a\nB\n") == 0);
		}
		patch_error_free(&pe);
	});
	patch_free(p);
	patch_free(q);
}
