/* Proxy-enforced network, the launcher's part: in the command's new network namespace
 * (the launcher is in it since lx_unshare), bring loopback up, open the proxy's
 * listening sockets on 127.0.0.1 (ephemeral ports), hand them to the proxy outside
 * (proxy_channel.c) and wait until it serves them. The launcher keeps no copy: after
 * lx_proxy_start only the proxy holds them, so nothing inside the sandbox can accept on
 * them or read what passes through them. */
#include "sandbox/linux/linux_sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connections the command may have waiting for the proxy to accept. */
#define LISTEN_BACKLOG 1024
/* How long the proxy may take to start serving (it only compiles its policy and
 * starts a few threads), and to send its summary after the command exited (it first
 * lets open connections drain, which the caller keeps short). */
#define READY_TIMEOUT_MS 10000
#define SUMMARY_TIMEOUT_MS 5000

static int loopback_up(struct err *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return err_sys(e, errno, "loopback: cannot create a socket");
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = err_sys(e, errno, "loopback: cannot read the flags of lo");
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = err_sys(e, errno, "loopback: cannot bring lo up");
	}
	close(fd);
	return rc;
}

/* A TCP socket listening on 127.0.0.1:<ephemeral>; its port in *port. */
static int listen_loopback(unsigned *port, struct err *e)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return err_sys(e, errno, "cannot create the proxy's listening socket");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		int saved = errno;
		close(fd);
		return err_sys(e, saved, "cannot listen on 127.0.0.1 in the sandbox's network");
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

int lx_proxy_start(struct lx_proxy *p, struct err *e)
{
	int http = -1, socks = -1, rc = -1;

	p->http_port = p->socks_port = 0;
	if (loopback_up(e) < 0 || (http = listen_loopback(&p->http_port, e)) < 0 ||
	    (p->socks && (socks = listen_loopback(&p->socks_port, e)) < 0) ||
	    lx_channel_send_listeners(p->channel, http, socks, e) < 0)
		goto out;
	/* The proxy has its own copies now; ours go before anything is forked. */
	close(http);
	http = -1;
	if (socks >= 0)
		close(socks);
	socks = -1;
	rc = lx_channel_wait_ready(p->channel, READY_TIMEOUT_MS, e);
out:
	if (http >= 0)
		close(http);
	if (socks >= 0)
		close(socks);
	return rc;
}

void lx_proxy_finish(struct lx_proxy *p)
{
	char summary[SANDBOX_PROXY_SUMMARY_MAX];

	if (p->channel < 0)
		return;
	switch (lx_channel_finish(p->channel, SUMMARY_TIMEOUT_MS, summary, sizeof summary)) {
	case 1:
		if (summary[0])
			fprintf(stderr, "codex: network: %s\n", summary);
		break;
	case 0:
		/* Its listeners closed with it: the command's connections failed since. */
		fprintf(stderr, "codex: warning: network: the proxy stopped before the command "
				"ended\n");
		break;
	default:
		fprintf(stderr, "codex: warning: network: no summary from the proxy (%s)\n",
			strerror(errno));
		break;
	}
	close(p->channel);
	p->channel = -1;
}
