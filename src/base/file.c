#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int file_atomic_fail_after;

int fd_read_all(int fd, struct buf *out, const char *what, struct err *e)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, errno, "cannot read %s", what);
		}
		if (n == 0)
			return 0;
		if (buf_append(out, chunk, (size_t)n) < 0)
			return err_set(e, "%s is too large (limit %zu bytes)", what, out->max);
	}
}

int file_read_all(const char *path, struct buf *out, struct err *e)
{
	int fd, rc;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0) {
		rc = err_sys(e, errno, "cannot read %s", path);
		close(fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, "cannot read %s: Is a directory", path);
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > out->max) {
		close(fd);
		return err_set(e, "%s is too large (limit %zu bytes)", path, out->max);
	}
	rc = fd_read_all(fd, out, path, e);
	close(fd);
	return rc;
}

/* Refusals name the path and what it is; errnum says why for callers that branch. */
static int refuse(struct err *e, int errnum, const char *path, const char *what)
{
	err_set(e, "%s %s", path, what);
	if (e)
		e->errnum = errnum;
	return -1;
}

static int not_regular(const char *path, const struct stat *st, struct err *e)
{
	if (S_ISLNK(st->st_mode))
		return refuse(e, ELOOP, path, "is a symbolic link");
	return refuse(e, EINVAL, path, "is not a regular file");
}

int file_open_regular(const char *path, int flags, mode_t mode, struct err *e)
{
	struct stat before, after;
	bool existed = lstat(path, &before) == 0;
	int fd, fl;

	if (!existed && errno != ENOENT)
		return err_sys(e, errno, "cannot open %s", path);
	if (existed && !S_ISREG(before.st_mode))
		return not_regular(path, &before, e);
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == ELOOP)
			return refuse(e, ELOOP, path, "is a symbolic link");
		return err_sys(e, errno, "cannot open %s", path);
	}
	if (fstat(fd, &after) < 0) {
		int saved = errno;
		close(fd);
		return err_sys(e, saved, "cannot open %s", path);
	}
	if (!S_ISREG(after.st_mode) ||
	    (existed && (after.st_dev != before.st_dev || after.st_ino != before.st_ino))) {
		close(fd);
		return refuse(e, EINVAL, path, "is not a regular file (it changed while being opened)");
	}
	/* Blocking from here on, as callers expect of a regular file. */
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int saved = errno;
		close(fd);
		return err_sys(e, saved, "cannot open %s", path);
	}
	return fd;
}

int file_read_regular(const char *path, struct buf *out, struct err *e)
{
	struct stat st;
	int fd = file_open_regular(path, O_RDONLY, 0, e), rc;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size > out->max) {
		close(fd);
		return err_set(e, "%s is too large (limit %zu bytes)", path, out->max);
	}
	rc = fd_read_all(fd, out, path, e);
	close(fd);
	return rc;
}

int fd_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The test hook: returns 1 when this step should fail. */
static int simulated_failure(void)
{
	if (file_atomic_fail_after <= 0)
		return 0;
	if (--file_atomic_fail_after == 0) {
		errno = EIO;
		return 1;
	}
	return 0;
}

/* Writes all of iov[0..n), a batch of at most IOV_MAX pieces a call, resuming short
 * writes (the caller's array is left as it is). */
static int fd_writev_all(int fd, const struct iovec *iov, size_t n)
{
	struct iovec batch[IOV_MAX];

	while (n > 0) {
		size_t k = n < IOV_MAX ? n : IOV_MAX, first = 0;
		memcpy(batch, iov, k * sizeof *batch);
		while (first < k) {
			ssize_t w = writev(fd, batch + first, (int)(k - first));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			while (first < k && (size_t)w >= batch[first].iov_len)
				w -= (ssize_t)batch[first++].iov_len;
			if (first < k) {
				batch[first].iov_base = (char *)batch[first].iov_base + w;
				batch[first].iov_len -= (size_t)w;
			}
		}
		iov += k;
		n -= k;
	}
	return 0;
}

/* The temp file is created 0600 by mkostemp, so the content is never readable by others
 * before the final mode is set. */
static int write_atomic(const char *path, const struct iovec *iov, size_t n_iov,
			mode_t new_mode, bool exact_mode, struct err *e)
{
	struct stat st;
	mode_t mode;
	char *tmp;
	size_t plen = strlen(path);
	int fd = -1, rc = -1;

	if (exact_mode)
		mode = new_mode & 07777;
	else if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	else {
		mode_t um = umask(0);
		umask(um);
		mode = new_mode & ~um;
	}
	tmp = malloc(plen + sizeof ".codex-tmp-XXXXXX");
	if (!tmp)
		return err_set(e, "out of memory");
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".codex-tmp-XXXXXX", sizeof ".codex-tmp-XXXXXX");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, errno, "cannot create a temporary file next to %s", path);
		free(tmp);
		return -1;
	}
	if (simulated_failure() || fd_writev_all(fd, iov, n_iov) < 0) {
		err_sys(e, errno, "cannot write %s", path);
		goto out;
	}
	if (simulated_failure() || fchmod(fd, mode) < 0) {
		err_sys(e, errno, "cannot set the mode of %s", path);
		goto out;
	}
	if (simulated_failure() || fsync(fd) < 0) {
		err_sys(e, errno, "cannot sync %s", path);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_sys(e, errno, "cannot write %s", path);
		goto out;
	}
	fd = -1;
	if (simulated_failure() || rename(tmp, path) < 0) {
		err_sys(e, errno, "cannot replace %s", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp); /* best effort: the original is untouched either way */
	free(tmp);
	return rc;
}

int file_write_atomic(const char *path, const void *data, size_t n, mode_t new_mode,
		      struct err *e)
{
	struct iovec one = {(void *)data, n};

	return write_atomic(path, &one, 1, new_mode, false, e);
}

int file_write_atomic_v(const char *path, const struct iovec *iov, size_t n_iov,
			mode_t new_mode, struct err *e)
{
	return write_atomic(path, iov, n_iov, new_mode, false, e);
}

int file_write_atomic_mode(const char *path, const void *data, size_t n, mode_t mode,
			   struct err *e)
{
	struct iovec one = {(void *)data, n};

	return write_atomic(path, &one, 1, mode, true, e);
}

int file_mkdir_parents(const char *path, struct err *e)
{
	char *p = strdup(path);
	char *s;

	if (!p)
		return err_set(e, "out of memory");
	s = strrchr(p, '/');
	if (!s || s == p) {
		free(p);
		return 0;
	}
	*s = '\0';
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			err_sys(e, errno, "cannot create directory %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST) {
		err_sys(e, errno, "cannot create directory %s", p);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

int file_exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
}

char *path_join(const char *a, const char *b)
{
	size_t la, lb;
	char *p;

	if (path_is_absolute(b) || a[0] == '\0')
		return strdup(b);
	la = strlen(a);
	lb = strlen(b);
	while (la > 1 && a[la - 1] == '/')
		la--;
	p = malloc(la + 1 + lb + 1);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (!(la == 1 && a[0] == '/'))
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}

int path_is_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (n == 1 && prefix[0] == '/')
		return path[0] == '/';
	if (strncmp(path, prefix, n) != 0)
		return 0;
	return path[n] == '\0' || path[n] == '/';
}
