#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/strv.h"
#include "test.h"

TEST(buf_append_and_terminate)
{
	struct buf b;

	buf_init(&b, 100);
	REQUIRE(buf_puts(&b, "hello") == 0);
	REQUIRE(buf_printf(&b, " %d", 42) == 0);
	CHECK_STR(b.data, "hello 42");
	CHECK_INT(b.len, 8);
	buf_consume(&b, 6);
	CHECK_STR(b.data, "42");
	buf_free(&b);
}

TEST(buf_ceiling_frees_and_fails)
{
	struct buf b;

	buf_init(&b, 8);
	REQUIRE(buf_puts(&b, "12345678") == 0);
	CHECK(buf_putc(&b, '9') < 0);
	/* A failed append leaves nothing half-written behind. */
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	buf_free(&b);
}

TEST(buf_survives_allocation_failures)
{
	FOR_EACH_ALLOC_FAILURE(20, {
		struct buf b;
		int ok = 1;
		buf_init(&b, 1 << 20);
		for (int k = 0; k < 100 && ok; k++)
			ok = buf_printf(&b, "line %d\n", k) == 0;
		if (ok)
			CHECK_INT(b.len, 790);
		buf_free(&b);
	});
}

TEST(strv_env_functions)
{
	struct strv env = STRV_INIT;

	REQUIRE(strv_push(&env, "A=1") == 0);
	REQUIRE(strv_setenv(&env, "B", "two") == 0);
	REQUIRE(strv_setenv(&env, "A", "3") == 0);
	CHECK_STR(strv_getenv(&env, "A"), "3");
	CHECK_STR(strv_getenv(&env, "B"), "two");
	CHECK(strv_getenv(&env, "AB") == NULL);
	strv_unsetenv(&env, "A");
	CHECK(strv_getenv(&env, "A") == NULL);
	CHECK_INT(env.n, 1);
	CHECK(env.v[1] == NULL);
	strv_free(&env);
}

/* Removing from the middle or the end keeps the order and the NULL terminator. */
TEST(strv_remove_keeps_the_terminator)
{
	struct strv sv = STRV_INIT;

	REQUIRE(strv_push(&sv, "a") == 0);
	REQUIRE(strv_push(&sv, "b") == 0);
	REQUIRE(strv_push(&sv, "c") == 0);
	strv_remove(&sv, 1);
	CHECK_INT(sv.n, 2);
	CHECK_STR(sv.v[0], "a");
	CHECK_STR(sv.v[1], "c");
	CHECK(sv.v[2] == NULL);
	strv_remove(&sv, 1);
	CHECK_INT(sv.n, 1);
	CHECK(sv.v[1] == NULL);
	CHECK_INT(strv_find(&sv, "c"), -1);
	strv_free(&sv);
}

TEST(path_is_under_compares_components)
{
	CHECK(path_is_under("/a/b", "/a"));
	CHECK(path_is_under("/a", "/a"));
	CHECK(path_is_under("/a/b", "/a/"));
	CHECK(!path_is_under("/a/bc", "/a/b"));
	CHECK(path_is_under("/anything", "/"));
	CHECK(!path_is_under("/ab", "/a"));
}

TEST(path_join_rules)
{
	char *p = path_join("/x/y/", "z");
	CHECK_STR(p, "/x/y/z");
	free(p);
	p = path_join("/x", "/abs");
	CHECK_STR(p, "/abs");
	free(p);
	p = path_join("/", "z");
	CHECK_STR(p, "/z");
	free(p);
}

TEST(file_read_all_respects_limit)
{
	const char *path = test_write_file("big.txt", "0123456789");
	struct buf b;
	struct err e;

	buf_init(&b, 5);
	CHECK(file_read_all(path, &b, &e) < 0);
	CHECK_CONTAINS(e.msg, "too large");
	buf_free(&b);
	buf_init(&b, 10);
	REQUIRE(file_read_all(path, &b, &e) == 0);
	CHECK_STR(b.data, "0123456789");
	buf_free(&b);
	buf_init(&b, 10);
	CHECK(file_read_all("/nonexistent/x", &b, &e) < 0);
	CHECK_CONTAINS(e.msg, "cannot open /nonexistent/x");
	buf_free(&b);
}

TEST(file_write_atomic_keeps_mode)
{
	const char *path = test_write_file("f.sh", "old\n");
	struct err e;
	struct stat st;
	char *got;

	REQUIRE(chmod(path, 0751) == 0);
	REQUIRE(file_write_atomic(path, "new\n", 4, 0644, &e) == 0);
	got = test_read_file(path);
	CHECK_STR(got, "new\n");
	free(got);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0751);
}

TEST(file_write_atomic_v_writes_every_piece_in_order)
{
	/* More pieces than one writev takes (IOV_MAX), some of them empty. */
	enum { PIECES = 3000 };
	const char *path = test_write_file("pieces.txt", "old\n");
	static struct iovec v[PIECES];
	static char want[PIECES * 8];
	size_t len = 0;
	struct err e;
	char *got;

	for (int i = 0; i < PIECES; i++) {
		int n = i % 7 == 0 ? 0 : snprintf(want + len, 8, "%d|", i);
		v[i] = (struct iovec){want + len, (size_t)n};
		len += (size_t)n;
	}
	want[len] = '\0';
	REQUIRE(file_write_atomic_v(path, v, PIECES, 0644, &e) == 0);
	got = test_read_file(path);
	CHECK_STR(got, want);
	free(got);
}

TEST(file_write_atomic_failure_leaves_original)
{
	const char *path = test_write_file("keep.txt", "original\n");
	struct err e;

	for (int step = 1; step <= 4; step++) {
		char *got;
		file_atomic_fail_after = step;
		CHECK(file_write_atomic(path, "replacement\n", 12, 0644, &e) < 0);
		file_atomic_fail_after = 0;
		got = test_read_file(path);
		CHECK_STR(got, "original\n");
		free(got);
	}
	/* No temporary files are left next to it. */
	char *dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}
