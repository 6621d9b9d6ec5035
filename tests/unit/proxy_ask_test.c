/* The proxy's decider (proxy.h, "Asking a decider"): the line protocol, and an embedded
 * proxy with real sockets whose allowlist misses wait for the test's answers: allowed
 * requests reach a loopback origin, denied ones get the 403 and never reach it, one
 * question per key, and an allow never outlives its request. The client is a forked
 * child; everything else runs on the test's loop, bounded in time. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/loop.h"
#include "proxy/proxy.h"
#include "test.h"

TEST(proxy_ask_lines_parse_and_format)
{
	struct proxy_ask_line l;
	struct buf b;

	CHECK(proxy_ask_parse("ask http blocked.test 8080", 26, &l) == 0);
	CHECK_INT(l.verb, PROXY_ASK_ASK);
	CHECK_STR(l.protocol, "http");
	CHECK_STR(l.host, "blocked.test");
	CHECK_INT(l.port, 8080);
	CHECK(proxy_ask_parse("allow https ::1 443", 19, &l) == 0 && l.verb == PROXY_ASK_ALLOW);
	CHECK(proxy_ask_parse("deny socks5-tcp 10.0.0.1 1", 26, &l) == 0 && l.verb == PROXY_ASK_DENY);
	static const char *const bad[] = {
		"", "ask", "ask http blocked.test", "ask http blocked.test 0",
		"ask http blocked.test 65536", "ask http blocked.test 080", "ask http blocked.test -1",
		"ask http blocked.test 80 ", "ask  http blocked.test 80", "ask ftp blocked.test 80",
		"ask socks5-udp blocked.test 80", "ASK http blocked.test 80",
		"ask http Blocked.Test 80", /* not in normal form */
		"ask http blocked.test. 80", "ask http bad/host 80", "ask http a@b 80",
		"maybe http blocked.test 80", "ask http blocked.test 80\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (proxy_ask_parse(bad[i], strlen(bad[i]), &l) == 0)
			test_fail(__FILE__, __LINE__, "accepted [%s]", bad[i]);
	CHECK(proxy_ask_parse("ask http a\0b 80", 15, &l) < 0);
	char longer[PROXY_ASK_LINE_MAX + 8];
	memset(longer, 'a', sizeof longer);
	CHECK(proxy_ask_parse(longer, sizeof longer, &l) < 0);

	buf_init(&b, 4096);
	memset(&l, 0, sizeof l);
	l.verb = PROXY_ASK_DENY;
	snprintf(l.protocol, sizeof l.protocol, "https");
	snprintf(l.host, sizeof l.host, "example.com");
	l.port = 443;
	REQUIRE(proxy_ask_format(&l, &b) == 0);
	CHECK_STR(b.data, "deny https example.com 443\n");
	buf_reset(&b);
	snprintf(l.host, sizeof l.host, "Example.com");
	CHECK(proxy_ask_format(&l, &b) < 0); /* only what the parser takes back */
	l.port = 0;
	snprintf(l.host, sizeof l.host, "example.com");
	CHECK(proxy_ask_format(&l, &b) < 0);
	buf_free(&b);
	CHECK_STR(proxy_ask_protocol("https_connect"), "https");
	CHECK_STR(proxy_ask_protocol("socks5_tcp"), "socks5-tcp");
	CHECK(proxy_ask_protocol("socks5_udp") == NULL);
}

/* ---- an embedded proxy, a decider, an origin ---- */

enum answer { ANS_ALLOW, ANS_DENY, ANS_NONE, ANS_GARBAGE, ANS_CLOSE };

struct rig {
	struct loop *loop;
	struct proxy *px;
	int decider;                 /* our end of the ask socket */
	int origin;                  /* listening */
	unsigned origin_port, proxy_port, socks_port;
	char asks[16][128];          /* the questions, in order */
	int nasks;
	int origin_hits;
	char paths[8][64];           /* request lines the origin saw */
	enum answer answer_for[2];   /* [0]: 127.0.0.1, [1]: anything else */
	bool hold;                   /* collect questions; answer when released */
	int results;                 /* the child's status pipe */
	char out[4096];
	size_t outlen;
	bool child_done;
};

static int listener(unsigned *port)
{
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

static void answer(struct rig *r, const char *question)
{
	struct proxy_ask_line l;
	char line[PROXY_ASK_LINE_MAX + 8];
	enum answer a;
	int n;

	if (proxy_ask_parse(question, strlen(question), &l) < 0)
		return;
	a = r->answer_for[strcmp(l.host, "127.0.0.1") == 0 ? 0 : 1];
	switch (a) {
	case ANS_NONE:
		return;
	case ANS_CLOSE:
		loop_unwatch(r->loop, r->decider);
		close(r->decider);
		r->decider = -1;
		return;
	case ANS_GARBAGE:
		n = snprintf(line, sizeof line, "allow http %s\n", l.host); /* no port */
		break;
	default:
		n = snprintf(line, sizeof line, "%s %s %s %u\n", a == ANS_ALLOW ? "allow" : "deny",
			     l.protocol, l.host, l.port);
		break;
	}
	CHECK(write(r->decider, line, (size_t)n) == n);
}

static void on_decider(struct loop *l, int fd, void *arg, unsigned events)
{
	struct rig *r = arg;
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof buf - 1);

	(void)l;
	(void)events;
	if (n <= 0) {
		loop_unwatch(r->loop, fd);
		return;
	}
	buf[n] = '\0';
	for (char *save = NULL, *q = strtok_r(buf, "\n", &save); q; q = strtok_r(NULL, "\n", &save)) {
		if (r->nasks < 16)
			snprintf(r->asks[r->nasks++], sizeof r->asks[0], "%s", q);
		if (!r->hold)
			answer(r, q);
	}
}

/* The origin: every request line it sees, answered "ok" (keep-alive, with a length;
 * closed after a request that asks for it). */
static void on_origin_client(struct loop *l, int fd, void *arg, unsigned events)
{
	struct rig *r = arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

	(void)events;
	if (n <= 0) {
		loop_unwatch(l, fd);
		close(fd);
		return;
	}
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, "GET ")); p += 4) {
		if (r->origin_hits < 8)
			sscanf(p, "GET %63s", r->paths[r->origin_hits]);
		r->origin_hits++;
		CHECK(write(fd, ok, sizeof ok - 1) == (ssize_t)(sizeof ok - 1));
	}
	if (strstr(buf, "Connection: close")) {
		loop_unwatch(l, fd);
		close(fd);
	}
}

static void on_origin(struct loop *l, int fd, void *arg, unsigned events)
{
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	(void)events;
	if (c >= 0)
		CHECK(loop_watch(l, c, LOOP_READ, on_origin_client, arg, NULL) == 0);
}

static void on_results(struct loop *l, int fd, void *arg, unsigned events)
{
	struct rig *r = arg;
	ssize_t n = read(fd, r->out + r->outlen, sizeof r->out - 1 - r->outlen);

	(void)events;
	if (n <= 0) {
		loop_unwatch(l, fd);
		r->child_done = true;
		return;
	}
	r->outlen += (size_t)n;
	r->out[r->outlen] = '\0';
}

static void rig_start(struct rig *r, unsigned ask_timeout_ms)
{
	struct proxy_options o;
	struct strv deny = STRV_INIT;
	struct err e;
	int sv[2];

	memset(r, 0, sizeof *r);
	REQUIRE(loop_new(&r->loop, &e) == 0);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	r->decider = sv[0];
	r->origin = listener(&r->origin_port);
	REQUIRE(r->origin >= 0);
	REQUIRE(strv_push(&deny, "denied.test") == 0);
	proxy_options_init(&o);
	o.loop = r->loop;
	o.http_fd = listener(&r->proxy_port);
	o.socks_fd = listener(&r->socks_port);
	o.ask_fd = sv[1];
	o.ask_timeout_ms = ask_timeout_ms;
	o.log_fd = getenv("ASK_DEBUG") ? 2 : -1;
	/* The origin is on loopback: local targets are allowed, so that only the allowlist
	 * stands between the client and it. */
	o.policy.allow_local_binding = true;
	o.policy.denied_domains = &deny;
	if (proxy_new(&o, &r->px, &e) < 0)
		test_fail(__FILE__, __LINE__, "proxy_new: %s", e.msg);
	strv_free(&deny);
	REQUIRE(r->px);
	REQUIRE(loop_watch(r->loop, r->decider, LOOP_READ, on_decider, r, NULL) == 0);
	REQUIRE(loop_watch(r->loop, r->origin, LOOP_READ, on_origin, r, NULL) == 0);
}

/* Child: sends each of reqs (NULL-separated groups share a connection: all written,
 * then read to the end), prints each connection's status codes in order. */
static int client(unsigned port, const char *const *conns, size_t n, int out)
{
	int fds[8];
	char line[1024];

	for (size_t k = 0; k < n; k++) {
		struct sockaddr_in sin = {0};
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)port);
		fds[k] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[k] < 0 || connect(fds[k], (struct sockaddr *)&sin, sizeof sin) < 0 ||
		    write(fds[k], conns[k], strlen(conns[k])) != (ssize_t)strlen(conns[k]))
			return 1;
	}
	for (size_t k = 0; k < n; k++) {
		char resp[16384];
		size_t got = 0, len = 0;
		ssize_t r;
		while ((r = read(fds[k], resp + got, sizeof resp - 1 - got)) > 0)
			got += (size_t)r;
		resp[got] = '\0';
		for (char *p = resp; (p = strstr(p, "HTTP/1.1 ")); p += 9)
			len += (size_t)snprintf(line + len, sizeof line - len, "%.3s ", p + 9);
		len += (size_t)snprintf(line + len, sizeof line - len, "|");
		if (write(out, line, len) != (ssize_t)len)
			return 1;
		close(fds[k]);
	}
	return 0;
}

static int connect_to(unsigned port)
{
	struct sockaddr_in sin = {0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return -1;
	return fd;
}

static int read_n(int fd, unsigned char *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = read(fd, p + got, n - got);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

/* Child: a SOCKS5 CONNECT to 127.0.0.1:target, step by step; prints "socks:REP " and,
 * when it succeeded, the status of a GET sent through the tunnel. */
static int socks_client(unsigned proxy, unsigned target, int out)
{
	unsigned char greet[] = {5, 1, 0}, req[10] = {5, 1, 0, 1, 127, 0, 0, 1, 0, 0}, rep[10];
	static const char get[] = "GET /s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	char line[256], resp[4096];
	size_t got = 0;
	ssize_t k;
	int fd = connect_to(proxy), n;

	req[8] = (unsigned char)(target >> 8);
	req[9] = (unsigned char)target;
	if (fd < 0 || write(fd, greet, 3) != 3 || read_n(fd, rep, 2) < 0 ||
	    write(fd, req, sizeof req) != (ssize_t)sizeof req || read_n(fd, rep, 10) < 0)
		return 1;
	n = snprintf(line, sizeof line, "socks:%u ", rep[1]);
	if (rep[1] == 0) {
		if (write(fd, get, sizeof get - 1) != (ssize_t)(sizeof get - 1))
			return 1;
		while ((k = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
			got += (size_t)k;
		resp[got] = '\0';
		n += snprintf(line + n, sizeof line - (size_t)n, "%.3s ",
			      strncmp(resp, "HTTP/1.1 ", 9) == 0 ? resp + 9 : "---");
	}
	n += snprintf(line + n, sizeof line - (size_t)n, "|");
	close(fd);
	return write(out, line, (size_t)n) == n ? 0 : 1;
}

/* Runs the client over conns (or, conns NULL, the SOCKS5 client) and the loop until it
 * is done (at most 30 s); releases held questions once `release_after` have arrived. */
static void run(struct rig *r, const char *const *conns, size_t n, int release_after)
{
	int p[2], status = 0;
	pid_t pid;
	struct err e;

	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		/* The decider's end must not live on here: its closing is a test case. */
		if (r->decider >= 0)
			close(r->decider);
		close(p[0]);
		if (!conns)
			_exit(socks_client(r->socks_port, r->origin_port, p[1]));
		_exit(client(r->proxy_port, conns, n, p[1]));
	}
	close(p[1]);
	r->results = p[0];
	REQUIRE(loop_watch(r->loop, p[0], LOOP_READ, on_results, r, NULL) == 0);
	for (int i = 0; i < 3000 && !r->child_done; i++) {
		REQUIRE(loop_run_once(r->loop, 10, &e) == 0);
		if (r->hold && r->nasks >= release_after) {
			r->hold = false;
			for (int k = 0; k < r->nasks; k++)
				answer(r, r->asks[k]);
		}
	}
	CHECK(r->child_done);
	close(p[0]);
	REQUIRE(test_wait_child(pid, 30, &status) == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void rig_free(struct rig *r)
{
	proxy_free(r->px);
	if (r->decider >= 0)
		close(r->decider);
	close(r->origin);
	loop_free(r->loop);
}

static void get(char *out, size_t cap, const char *host, unsigned port, const char *path,
		bool close_it)
{
	snprintf(out, cap, "GET http://%s:%u%s HTTP/1.1\r\nHost: %s:%u\r\n%s\r\n", host, port, path,
		 host, port, close_it ? "Connection: close\r\n" : "");
}

TEST(proxy_ask_allowed_request_reaches_the_origin)
{
	struct rig r;
	char req[512];
	const char *conns[1] = {req};

	rig_start(&r, 60000);
	r.answer_for[0] = ANS_ALLOW;
	get(req, sizeof req, "127.0.0.1", r.origin_port, "/yes", true);
	run(&r, conns, 1, 0);
	CHECK_STR(r.out, "200 |");
	CHECK_INT(r.nasks, 1);
	char want[128];
	snprintf(want, sizeof want, "ask http 127.0.0.1 %u", r.origin_port);
	CHECK_STR(r.asks[0], want);
	CHECK_INT(r.origin_hits, 1);
	rig_free(&r);
}

TEST(proxy_ask_denied_request_never_reaches_the_origin)
{
	struct rig r;
	char req[512];
	const char *conns[1] = {req};

	rig_start(&r, 60000);
	r.answer_for[0] = ANS_DENY;
	get(req, sizeof req, "127.0.0.1", r.origin_port, "/no", true);
	run(&r, conns, 1, 0);
	CHECK_STR(r.out, "403 |");
	CHECK_INT(r.nasks, 1);
	CHECK_INT(r.origin_hits, 0);
	rig_free(&r);
}

/* Two connections for the same key while the question is out: one question, and the
 * answer lets both through. A CONNECT to the same host and port is another key. */
TEST(proxy_ask_one_question_per_key)
{
	struct rig r;
	char a[512], b[512], c[512];
	const char *conns[3] = {a, b, c};
	char want[128];

	rig_start(&r, 60000);
	r.answer_for[0] = ANS_ALLOW;
	r.hold = true;
	get(a, sizeof a, "127.0.0.1", r.origin_port, "/a", true);
	get(b, sizeof b, "127.0.0.1", r.origin_port, "/b", true);
	/* The tunnel carries a request of its own: the origin answers it and closes. */
	snprintf(c, sizeof c,
		 "CONNECT 127.0.0.1:%u HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n"
		 "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		 r.origin_port, r.origin_port);
	run(&r, conns, 3, 2);
	CHECK_INT(r.nasks, 2);
	snprintf(want, sizeof want, "ask http 127.0.0.1 %u", r.origin_port);
	CHECK_STR(r.asks[0], want);
	snprintf(want, sizeof want, "ask https 127.0.0.1 %u", r.origin_port);
	CHECK_STR(r.asks[1], want);
	/* The CONNECT tunnel's 200, then the origin's own answer through it. */
	CHECK_STR(r.out, "200 |200 |200 200 |");
	CHECK_INT(r.origin_hits, 3);
	rig_free(&r);
}

/* The attack: a request allowed once must not let the next request on the same
 * kept-alive connection through, whatever its host. */
TEST(proxy_ask_allow_does_not_carry_over_to_the_next_request)
{
	struct rig r;
	char one[512], two[512], both[1100];
	const char *conns[1] = {both};

	rig_start(&r, 60000);
	r.answer_for[0] = ANS_ALLOW;
	r.answer_for[1] = ANS_DENY;
	get(one, sizeof one, "127.0.0.1", r.origin_port, "/first", false);
	get(two, sizeof two, "localhost", r.origin_port, "/second", true);
	snprintf(both, sizeof both, "%s%s", one, two);
	run(&r, conns, 1, 0);
	CHECK_STR(r.out, "200 403 |");
	CHECK_INT(r.nasks, 2);
	CHECK_INT(r.origin_hits, 1);
	CHECK_STR(r.paths[0], "/first");
	rig_free(&r);
}

/* No question for a denylist match: refused at once. */
TEST(proxy_ask_never_for_the_denylist)
{
	struct rig r;
	char req[512];
	const char *conns[1] = {req};

	rig_start(&r, 60000);
	r.answer_for[1] = ANS_ALLOW;
	get(req, sizeof req, "denied.test", r.origin_port, "/", true);
	run(&r, conns, 1, 0);
	CHECK_STR(r.out, "403 |");
	CHECK_INT(r.nasks, 0);
	rig_free(&r);
}

/* No answer in time, a malformed answer, a decider gone: denied, never hung. */
TEST(proxy_ask_timeout_garbage_and_eof_deny)
{
	enum answer modes[] = {ANS_NONE, ANS_GARBAGE, ANS_CLOSE};

	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		struct rig r;
		char a[512], b[512];
		const char *conns[2] = {a, b};
		rig_start(&r, modes[m] == ANS_NONE ? 200 : 60000);
		r.answer_for[0] = modes[m];
		get(a, sizeof a, "127.0.0.1", r.origin_port, "/", true);
		/* After garbage or EOF the proxy asks no more: the second is refused at once. */
		get(b, sizeof b, "127.0.0.1", r.origin_port, "/", true);
		run(&r, conns, 1, 0);
		CHECK_STR(r.out, "403 |");
		CHECK_INT(r.origin_hits, 0);
		if (modes[m] != ANS_NONE) {
			/* A second request after the decider is gone: no question, 403. */
			r.child_done = false;
			r.outlen = 0;
			r.out[0] = '\0';
			int before = r.nasks;
			run(&r, conns + 1, 1, 0);
			CHECK_STR(r.out, "403 |");
			CHECK_INT(r.nasks, before);
		}
		CHECK_INT(r.origin_hits, 0);
		rig_free(&r);
	}
}

/* SOCKS5 CONNECT: held and asked about as "socks5-tcp"; allowed, the tunnel reaches the
 * origin; refused, the reply is "not allowed by ruleset" (2) and nothing reaches it. */
TEST(proxy_ask_socks5_connect)
{
	enum answer modes[] = {ANS_ALLOW, ANS_DENY};
	static const char *const want[] = {"socks:0 200 |", "socks:2 |"};

	for (size_t m = 0; m < 2; m++) {
		struct rig r;
		char q[128];
		rig_start(&r, 60000);
		r.answer_for[0] = modes[m];
		run(&r, NULL, 0, 0);
		CHECK_STR(r.out, want[m]);
		CHECK_INT(r.nasks, 1);
		snprintf(q, sizeof q, "ask socks5-tcp 127.0.0.1 %u", r.origin_port);
		CHECK_STR(r.asks[0], q);
		CHECK_INT(r.origin_hits, m == 0 ? 1 : 0);
		rig_free(&r);
	}
}
