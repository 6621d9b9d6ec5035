/* Descriptors over a unix socket (SCM_RIGHTS), for every hand-over of the launcher: the
 * pty master from init, the proxy's listeners to the proxy. One message carries a few
 * bytes of data and up to LX_FDS_MAX descriptors. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fds_control {
	struct cmsghdr align;
	char buf[CMSG_SPACE(LX_FDS_MAX * sizeof(int))];
};

int lx_fds_send(int sock, const void *data, size_t len, const int *fds, size_t n)
{
	union fds_control control;
	struct iovec iov = {(void *)data, len};
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t sent;

	if (len == 0 || n > LX_FDS_MAX) {
		errno = EINVAL; /* an empty message would read as end of file */
		return -1;
	}
	memset(&m, 0, sizeof m);
	memset(&control, 0, sizeof control);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (n) {
		m.msg_control = control.buf;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	do
		sent = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -1;
	if ((size_t)sent != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t lx_fds_recv(int sock, void *data, size_t len, int *fds, size_t max, size_t *n)
{
	union fds_control control;
	struct iovec iov = {data, len};
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t got;
	bool truncated;

	*n = 0;
	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = control.buf;
	m.msg_controllen = sizeof control.buf;
	do
		got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	truncated = (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	/* Whatever arrived is ours to close: descriptors beyond max (or with a malformed
	 * message) never leak into the process. */
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t k;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
			if (!truncated && *n < max)
				fds[(*n)++] = fd;
			else
				close(fd);
		}
	}
	if (truncated) {
		errno = EMSGSIZE;
		return -1;
	}
	return got;
}
