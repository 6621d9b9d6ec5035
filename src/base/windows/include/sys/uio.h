/* Windows build: struct iovec and writev (src/base/posix_win.c). */
#ifndef CODEX_WIN_SYS_UIO_H
#define CODEX_WIN_SYS_UIO_H
#include <stddef.h>
#include <sys/types.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};
#define IOV_MAX 1024

ssize_t writev(int fd, const struct iovec *iov, int n);
#endif
