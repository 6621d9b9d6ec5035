/* The channel between the launcher and the network proxy (the sequence is in
 * sandbox/sandbox.h): both ends of the wire format, in one place. Messages are records
 * of a unix SOCK_SEQPACKET pair, so each arrives whole or not at all; sockets travel as
 * SCM_RIGHTS. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/file.h"

#define CHANNEL_MAGIC 0x63647870u /* "cdxp" */

struct chan_listeners {
	uint32_t magic;
	uint32_t count;           /* 1 (HTTP) or 2 (HTTP, SOCKS5) sockets attached */
};

struct chan_ready {
	uint32_t magic;
	int32_t ok;               /* 1: serving */
	char msg[ERR_MSG_MAX];    /* otherwise why not */
};

int sandbox_proxy_channel(int fds[2], struct err *e)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return err_sys(e, errno, "cannot create the channel to the network proxy");
	return 0;
}

/* Waits up to ms for fd to become readable; 0 when it is, -1 with errno (ETIMEDOUT). */
static int wait_readable(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};

	for (;;) {
		int r = poll(&p, 1, ms);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* One record without descriptors: its length, 0 at end of file, -1 on error (EMSGSIZE:
 * too long). */
static ssize_t recv_record(int fd, void *buf, size_t len)
{
	size_t none;

	return lx_fds_recv(fd, buf, len, NULL, 0, &none);
}

/* ---- the launcher's end ---- */

int lx_channel_send_listeners(int channel, int http, int socks, struct err *e)
{
	struct chan_listeners msg = {CHANNEL_MAGIC, socks >= 0 ? 2 : 1};
	int fds[2] = {http, socks};

	if (lx_fds_send(channel, &msg, sizeof msg, fds, msg.count) < 0)
		return err_sys(e, errno, "cannot hand the listening sockets to the network proxy");
	return 0;
}

int lx_channel_wait_ready(int channel, int ms, struct err *e)
{
	struct chan_ready r;
	ssize_t n;

	if (wait_readable(channel, ms) < 0)
		return err_sys(e, errno, "the network proxy did not answer");
	n = recv_record(channel, &r, sizeof r);
	if (n == 0)
		return err_set(e, "the network proxy stopped before it was ready");
	if (n < 0)
		return err_sys(e, errno, "cannot read the network proxy's answer");
	if (n != (ssize_t)sizeof r || r.magic != CHANNEL_MAGIC)
		return err_set(e, "the network proxy sent a malformed answer");
	if (r.ok != 1) {
		r.msg[sizeof r.msg - 1] = '\0';
		return err_set(e, "the network proxy cannot start: %s", r.msg);
	}
	return 0;
}

int lx_channel_finish(int channel, int ms, char *summary, size_t size)
{
	ssize_t n;

	summary[0] = '\0';
	/* End of file for the proxy: it stops, then answers with the summary and closes. */
	if (shutdown(channel, SHUT_WR) < 0 || wait_readable(channel, ms) < 0)
		return -1;
	n = recv_record(channel, summary, size - 1);
	if (n < 0)
		return -1;
	summary[n] = '\0'; /* the record ends with its own NUL */
	return n > 0;
}

/* ---- the proxy's end ---- */

int sandbox_proxy_take_listeners(int channel, int *http, int *socks, struct err *e)
{
	struct chan_listeners msg;
	int fds[2] = {-1, -1};
	size_t nfds = 0;
	ssize_t n;

	*http = *socks = -1;
	n = lx_fds_recv(channel, &msg, sizeof msg, fds, 2, &nfds);
	if (n == 0)
		return err_set(e, "the sandbox launcher went away before sending its sockets");
	if (n < 0)
		return err_sys(e, errno, "cannot read from the sandbox launcher");
	if (n != (ssize_t)sizeof msg || msg.magic != CHANNEL_MAGIC || msg.count < 1 ||
	    msg.count > 2 || nfds != msg.count) {
		for (size_t k = 0; k < nfds; k++)
			close(fds[k]);
		return err_set(e, "the sandbox launcher sent a malformed message");
	}
	*http = fds[0];
	*socks = fds[1];
	return 0;
}

int sandbox_proxy_ready(int channel, const struct err *failure)
{
	struct chan_ready r;

	memset(&r, 0, sizeof r);
	r.magic = CHANNEL_MAGIC;
	r.ok = failure ? 0 : 1;
	if (failure)
		snprintf(r.msg, sizeof r.msg, "%s", failure->msg);
	if (send(channel, &r, sizeof r, MSG_NOSIGNAL) != (ssize_t)sizeof r)
		return -1;
	return 0;
}

void sandbox_proxy_send_summary(int channel, const char *summary)
{
	char buf[SANDBOX_PROXY_SUMMARY_MAX];
	size_t n = strnlen(summary, sizeof buf - 1);

	/* With its NUL, so that "nothing blocked" is a record too (an empty one would read
	 * as end of file) and the launcher need not wait for the proxy to exit. A launcher
	 * that is gone no longer needs it. */
	memcpy(buf, summary, n);
	buf[n] = '\0';
	(void)send(channel, buf, n + 1, MSG_NOSIGNAL);
}
