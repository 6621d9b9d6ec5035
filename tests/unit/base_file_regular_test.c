/* file_open_regular: a path someone else may control is opened only when it is a
 * regular file, without following a final symlink and without ever blocking. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"
#include "test.h"

static char path_buf[4][PATH_MAX];

static const char *in_tmp(int slot, const char *name)
{
	snprintf(path_buf[slot], PATH_MAX, "%s/%s", test_tmpdir(), name);
	return path_buf[slot];
}

/* The errnum of file_open_regular(path, flags), run in a child so that a blocking open
 * fails the case instead of hanging the suite; 0 when it opened. */
static int open_errnum(const char *path, int flags)
{
	int status;
	pid_t pid = fork();

	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct err e;
		int fd = file_open_regular(path, flags, 0600, &e);
		_exit(fd >= 0 ? 0 : e.errnum ? e.errnum : 255);
	}
	if (test_wait_child(pid, 10, &status) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(file_open_regular_refuses_all_but_regular_files)
{
	struct buf b;
	struct err e;
	const char *reg = test_write_file("reg", "content\n");
	const char *link = in_tmp(0, "link"), *fifo = in_tmp(1, "fifo");
	const char *dangling = in_tmp(2, "dangling"), *created = in_tmp(3, "new");

	REQUIRE(symlink(reg, link) == 0);
	REQUIRE(mkfifo(fifo, 0600) == 0);
	REQUIRE(symlink(created, dangling) == 0);
	CHECK_INT(open_errnum(reg, O_RDONLY), 0);
	CHECK_INT(open_errnum(link, O_RDONLY), ELOOP);
	CHECK_INT(open_errnum(fifo, O_RDONLY), EINVAL);
	CHECK_INT(open_errnum(fifo, O_WRONLY | O_APPEND), EINVAL);
	CHECK_INT(open_errnum(test_tmpdir(), O_RDONLY), EINVAL);
	CHECK_INT(open_errnum("/dev/null", O_RDONLY), EINVAL);
	CHECK_INT(open_errnum(in_tmp(0, "missing"), O_RDONLY), ENOENT);
	/* Creating through a dangling symlink would make its target: refused. */
	CHECK_INT(open_errnum(dangling, O_WRONLY | O_CREAT | O_APPEND), ELOOP);
	CHECK(access(created, F_OK) < 0);
	CHECK_INT(open_errnum(created, O_WRONLY | O_CREAT | O_APPEND), 0);
	CHECK(access(created, F_OK) == 0);

	buf_init(&b, 64);
	REQUIRE(file_read_regular(reg, &b, &e) == 0);
	CHECK_STR(b.data, "content\n");
	buf_free(&b);
	buf_init(&b, 4);
	CHECK(file_read_regular(reg, &b, &e) < 0);
	CHECK_CONTAINS(e.msg, "too large");
	buf_free(&b);
}
