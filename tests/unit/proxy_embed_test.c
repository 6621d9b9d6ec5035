/* The embedding API as the sandbox wrapper uses it (proxy.h): an in-process proxy on a
 * unix socket, run until a stop fd becomes readable, then the blocked-request summary.
 * The client is a forked child; every target is refused by policy, so no connection
 * leaves the process pair. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/loop.h"
#include "proxy/proxy.h"
#include "test.h"

static int nrecords;

static void on_record(void *arg, const struct proxy_record *r)
{
	(void)arg;
	(void)r;
	nrecords++;
}

/* Child: one request per connection; 0 when every answer is a 403. */
static int client(const char *path, int stop_w)
{
	static const char *reqs[] = {
		"GET http://pypi.org/simple/ HTTP/1.1\r\nHost: pypi.org\r\n\r\n",
		"CONNECT 10.0.0.5:80 HTTP/1.1\r\n\r\n",
		"CONNECT pypi.org:443 HTTP/1.1\r\n\r\n",
	};
	int bad = 0;

	for (size_t k = 0; k < sizeof reqs / sizeof reqs[0]; k++) {
		struct sockaddr_un sun = {0};
		char resp[4096];
		size_t got = 0;
		ssize_t n;
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof sun.sun_path)
			return 1;
		memcpy(sun.sun_path, path, strlen(path));
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
		    write(fd, reqs[k], strlen(reqs[k])) != (ssize_t)strlen(reqs[k]))
			return 1;
		while ((n = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
			got += (size_t)n;
		resp[got] = '\0';
		bad |= strncmp(resp, "HTTP/1.1 403 Forbidden\r\n", 24) != 0;
		close(fd);
	}
	return write(stop_w, "x", 1) == 1 ? bad : 1;
}

TEST(proxy_embedded_unix_listener_stop_fd_and_summary)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct strv allow = STRV_INIT;
	struct err e;
	struct buf b;
	char path[512];
	int stop[2], status = 0;
	pid_t pid;

	snprintf(path, sizeof path, "%s/proxy.sock", test_tmpdir());
	REQUIRE(strv_push(&allow, "allowed.test") == 0);
	proxy_options_init(&o);
	o.unix_path = path;
	o.policy.allowed_domains = &allow;
	o.on_record = on_record;
	nrecords = 0;
	if (proxy_new(&o, &px, &e) < 0)
		test_fail(__FILE__, __LINE__, "proxy_new: %s", e.msg);
	REQUIRE(px);
	buf_init(&b, 4096);
	REQUIRE(proxy_ready_json(px, &b) == 0);
	CHECK(strstr(b.data, "{\"unix\":\"") == b.data);
	CHECK_INT(proxy_port(px, "http"), 0);
	REQUIRE(pipe2(stop, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(client(path, stop[1]));
	CHECK(proxy_run(px, stop[0], &e) == 0);
	REQUIRE(test_wait_child(pid, 60, &status) == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(nrecords, 3);
	buf_reset(&b);
	REQUIRE(proxy_blocked_summary(px, &b) == 0);
	CHECK_STR(b.data, "blocked 3 requests: pypi.org:80 (not allowed), 10.0.0.5:80 (private "
			  "address), pypi.org:443 (not allowed)");
	struct proxy_blocked snap[4];
	uint64_t total = 0;
	CHECK_INT(proxy_blocked_snapshot(px, snap, 4, &total), 3);
	CHECK_INT(total, 3);
	CHECK_STR(snap[1].protocol, "http-connect");
	proxy_free(px);
	CHECK(access(path, F_OK) != 0); /* the socket is removed */
	close(stop[0]);
	close(stop[1]);
	buf_free(&b);
	strv_free(&allow);
}

static int tcp_listener(unsigned *port)
{
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Child: one blocked request to the adopted listener; 0 when it got the 403. */
static int tcp_client(unsigned port, int stop_w)
{
	static const char req[] = "GET http://pypi.org/ HTTP/1.1\r\nHost: pypi.org\r\n\r\n";
	struct sockaddr_in sin = {0};
	char resp[4096];
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), bad;

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1))
		return 1;
	while ((n = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	bad = strstr(resp, "x-proxy-error: blocked-by-allowlist\r\n") == NULL;
	close(fd);
	return write(stop_w, "x", 1) == 1 ? bad : 1;
}

TEST(proxy_adopts_listening_sockets)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct err e;
	struct buf b;
	char want[64];
	unsigned hport = 0, sport = 0;
	int stop[2], status = 0;
	pid_t pid;

	proxy_options_init(&o);
	CHECK_INT(o.http_fd, -1);
	CHECK_INT(o.socks_fd, -1);
	o.http_fd = tcp_listener(&hport);
	o.socks_fd = tcp_listener(&sport);
	REQUIRE(o.http_fd >= 0 && o.socks_fd >= 0);
	if (proxy_new(&o, &px, &e) < 0)
		test_fail(__FILE__, __LINE__, "proxy_new: %s", e.msg);
	REQUIRE(px);
	CHECK_INT(proxy_port(px, "http"), hport);
	CHECK_INT(proxy_port(px, "socks"), sport);
	buf_init(&b, 4096);
	REQUIRE(proxy_ready_json(px, &b) == 0);
	snprintf(want, sizeof want, "{\"http\":\"127.0.0.1:%u\",\"socks\":\"127.0.0.1:", hport);
	CHECK(strncmp(b.data, want, strlen(want)) == 0);
	REQUIRE(pipe2(stop, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(tcp_client(hport, stop[1]));
	CHECK(proxy_run(px, stop[0], &e) == 0);
	REQUIRE(test_wait_child(pid, 60, &status) == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf_reset(&b);
	REQUIRE(proxy_blocked_summary(px, &b) == 0);
	CHECK_STR(b.data, "blocked 1 request: pypi.org:80 (not allowed)");
	proxy_free(px);
	close(stop[0]);
	close(stop[1]);
	buf_free(&b);
}

/* A descriptor that is not a listening TCP socket is refused, and closed all the same. */
TEST(proxy_adoption_refusals_close_the_descriptors)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct err e;
	unsigned port;
	int fds[2];

	REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
	proxy_options_init(&o);
	o.http_fd = fds[0];
	o.socks_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); /* not listening */
	REQUIRE(o.socks_fd >= 0);
	CHECK(proxy_new(&o, &px, &e) < 0);
	CHECK_CONTAINS(e.msg, "HTTP proxy: descriptor");
	CHECK(fcntl(fds[0], F_GETFD) < 0 && fcntl(o.socks_fd, F_GETFD) < 0);
	close(fds[1]);

	proxy_options_init(&o);
	o.socks_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(proxy_new(&o, &px, &e) < 0);
	CHECK_CONTAINS(e.msg, "is not a listening TCP socket");
	CHECK(fcntl(o.socks_fd, F_GETFD) < 0);

	proxy_options_init(&o);
	o.http_addr = "127.0.0.1:0";
	o.http_fd = tcp_listener(&port);
	REQUIRE(o.http_fd >= 0);
	CHECK(proxy_new(&o, &px, &e) < 0);
	CHECK_CONTAINS(e.msg, "both as an address and as a descriptor");
	CHECK(fcntl(o.http_fd, F_GETFD) < 0);
}

/* The agent's use: one proxy on the caller's loop, a listener per sandboxed command added
 * and removed at run time, and every decision reported with the listener's id. */
static int last_listener;
static unsigned records_seen;

static void on_record_id(void *arg, const struct proxy_record *r)
{
	(void)arg;
	last_listener = r->listener_id;
	records_seen++;
}

/* Sends req on a new connection to port; returns the fd (the answer is read later). */
static int send_request(unsigned port, const char *req)
{
	struct sockaddr_in sin = {0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		return -1;
	return fd;
}

TEST(proxy_embedded_on_the_callers_loop_with_listeners_added_at_run_time)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct loop *l = NULL;
	struct err e;
	unsigned p1 = 0, p2 = 0;
	char resp[4096];
	int id1, id2, fd, held;
	ssize_t n;

	REQUIRE(loop_new(&l, &e) == 0);
	proxy_options_init(&o);
	o.loop = l;
	o.on_record = on_record_id;
	if (proxy_new(&o, &px, &e) < 0)
		test_fail(__FILE__, __LINE__, "proxy_new without listeners: %s", e.msg);
	REQUIRE(px);
	id1 = proxy_add_listener(px, tcp_listener(&p1), PROXY_LISTENER_HTTP, &e);
	id2 = proxy_add_listener(px, tcp_listener(&p2), PROXY_LISTENER_HTTP, &e);
	CHECK(id1 > 0 && id2 > 0 && id1 != id2);
	/* A blocked request on the second listener: answered, recorded with its id. */
	fd = send_request(p2, "GET http://pypi.org/ HTTP/1.1\r\nHost: pypi.org\r\n\r\n");
	REQUIRE(fd >= 0);
	for (int k = 0; k < 200 && records_seen == 0; k++)
		REQUIRE(loop_run_once(l, 50, &e) == 0);
	CHECK_INT(records_seen, 1);
	CHECK_INT(last_listener, id2);
	n = read(fd, resp, sizeof resp - 1);
	REQUIRE(n > 0);
	resp[n] = '\0';
	CHECK(strstr(resp, "x-proxy-error: blocked-by-allowlist\r\n") != NULL);
	close(fd);
	/* A client of the first listener mid-head; removing the listener closes it. */
	held = send_request(p1, "GET http://pypi.org/ HTTP/1.1\r\n");
	REQUIRE(held >= 0);
	for (int k = 0; k < 20; k++)
		REQUIRE(loop_run_once(l, 10, &e) == 0);
	CHECK_INT(proxy_remove_listener(px, id1), 0);
	CHECK_INT(proxy_remove_listener(px, id1), -1);
	n = read(held, resp, sizeof resp); /* EOF: the proxy closed it */
	CHECK_INT(n, 0);
	close(held);
	CHECK(send_request(p1, "x") < 0); /* nothing listens there any more */
	/* A descriptor that is not a listening socket is refused (and closed). */
	int pfd[2];
	REQUIRE(pipe2(pfd, O_CLOEXEC) == 0);
	CHECK_INT(proxy_add_listener(px, pfd[0], PROXY_LISTENER_SOCKS5, &e), -1);
	CHECK(fcntl(pfd[0], F_GETFD) < 0);
	close(pfd[1]);
	proxy_free(px);
	loop_free(l);
}
