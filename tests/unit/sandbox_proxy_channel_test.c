/* The channel between the launcher and the proxy (sandbox/sandbox.h), both ends over a
 * real socketpair; the proxy's end runs in a forked child where both must wait. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Child: the proxy's side of a whole run; exit status 0 when every step matched. */
static int proxy_side(int ch, int want_http, int want_socks)
{
	struct err e;
	char c;
	int http, socks;

	if (sandbox_proxy_take_listeners(ch, &http, &socks, &e) < 0 || !same_file(http, want_http) ||
	    !same_file(socks, want_socks) || !(fcntl(http, F_GETFD) & FD_CLOEXEC))
		return 1;
	if (sandbox_proxy_ready(ch, NULL) < 0)
		return 2;
	if (read(ch, &c, 1) != 0) /* the launcher's end of file */
		return 3;
	sandbox_proxy_send_summary(ch, "blocked 1 request: pypi.org:443 (not allowed)");
	return 0;
}

TEST(proxy_channel_whole_run)
{
	int ch[2], a[2], b[2], status;
	char summary[SANDBOX_PROXY_SUMMARY_MAX];
	struct err e;
	pid_t pid;

	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	REQUIRE(pipe2(a, O_CLOEXEC) == 0 && pipe2(b, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(ch[1]);
		_exit(proxy_side(ch[0], a[0], b[1]));
	}
	close(ch[0]);
	CHECK(lx_channel_send_listeners(ch[1], a[0], b[1], &e) == 0);
	CHECK(lx_channel_wait_ready(ch[1], 5000, &e) == 0);
	CHECK(lx_channel_finish(ch[1], 5000, summary, sizeof summary) == 1);
	CHECK_STR(summary, "blocked 1 request: pypi.org:443 (not allowed)");
	REQUIRE(test_wait_child(pid, 60, &status) == 0);
	CHECK_INT(WEXITSTATUS(status), 0);
	close(ch[1]);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

TEST(proxy_channel_failures_are_reported)
{
	int ch[2], p[2], http, socks;
	char summary[SANDBOX_PROXY_SUMMARY_MAX];
	struct err e, why;

	/* The proxy cannot serve: its reason reaches the launcher. */
	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	err_set(&why, "bad pattern");
	CHECK(sandbox_proxy_ready(ch[0], &why) == 0);
	CHECK(lx_channel_wait_ready(ch[1], 1000, &e) < 0);
	CHECK_STR(e.msg, "the network proxy cannot start: bad pattern");
	/* The proxy died: no summary, and finish does not wait for one. */
	close(ch[0]);
	strcpy(summary, "stale");
	CHECK(lx_channel_finish(ch[1], 1000, summary, sizeof summary) == 0);
	CHECK_STR(summary, "");
	close(ch[1]);

	/* Nothing blocked: an empty summary ends the run while the proxy still exits. */
	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	sandbox_proxy_send_summary(ch[0], "");
	strcpy(summary, "stale");
	CHECK(lx_channel_finish(ch[1], 50, summary, sizeof summary) == 1);
	CHECK_STR(summary, "");
	close(ch[0]);
	close(ch[1]);

	/* The proxy went away before answering; then one that never answers. */
	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	close(ch[0]);
	CHECK(lx_channel_wait_ready(ch[1], 1000, &e) < 0);
	CHECK_STR(e.msg, "the network proxy stopped before it was ready");
	close(ch[1]);
	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	CHECK(lx_channel_wait_ready(ch[1], 50, &e) < 0);
	CHECK_CONTAINS(e.msg, "the network proxy did not answer");

	/* The launcher went away before sending its sockets. */
	close(ch[1]);
	CHECK(sandbox_proxy_take_listeners(ch[0], &http, &socks, &e) < 0);
	CHECK_CONTAINS(e.msg, "went away");
	CHECK(http == -1 && socks == -1);
	close(ch[0]);

	/* Something else than the sockets is refused; one socket (no SOCKS5) is fine. */
	REQUIRE(sandbox_proxy_channel(ch, &e) == 0);
	REQUIRE(send(ch[1], "hello", 5, 0) == 5);
	CHECK(sandbox_proxy_take_listeners(ch[0], &http, &socks, &e) < 0);
	CHECK_CONTAINS(e.msg, "malformed");
	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	CHECK(lx_channel_send_listeners(ch[1], p[0], -1, &e) == 0);
	CHECK(sandbox_proxy_take_listeners(ch[0], &http, &socks, &e) == 0);
	CHECK(http >= 0 && socks == -1);
	close(http);
	close(p[0]);
	close(p[1]);
	close(ch[0]);
	close(ch[1]);
}
