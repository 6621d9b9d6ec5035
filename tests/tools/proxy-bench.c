/* proxy-bench: the origin server and the load generator for tests/bench/proxy.sh.
 *
 *   proxy-bench server PORT_FILE
 *       HTTP/1.1 keep-alive origin on 127.0.0.1:0: "GET /" answers 13 bytes;
 *       "GET /big?n=N" answers N bytes. Single-threaded epoll.
 *   proxy-bench load PROXY_HOST:PORT TARGET_HOST:PORT CONCURRENCY SECONDS
 *       CONCURRENCY keep-alive clients sending absolute-form GETs through the proxy (a
 *       client reconnects when the proxy closes). Prints
 *       "requests N rps R p50_us A p99_us B errors E".
 *   proxy-bench tunnel PROXY_HOST:PORT TARGET_HOST:PORT BYTES
 *       CONNECT through the proxy, GET /big?n=BYTES inside the tunnel, read it all.
 *       Prints "bytes N seconds S mib_per_s M".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_hostport(const char *s, struct sockaddr_in *out)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(out, 0, sizeof *out);
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

static int dial(const struct sockaddr_in *sa, int nonblock)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0) {
		close(fd);
		return -1;
	}
	if (nonblock)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* ---- origin server ---- */

struct sconn {
	char in[8192];
	size_t inlen;
	uint64_t big_left; /* body bytes still to send */
	char head[128];
	size_t head_len, head_off;
};

static char zeros[1 << 20];

static void server(const char *port_file)
{
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof sa;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	static struct sconn *conns[65536];
	struct epoll_event ev, evs[256];
	FILE *f;

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 4096) < 0) {
		perror("bind");
		exit(1);
	}
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	f = fopen(port_file, "w");
	fprintf(f, "%d", ntohs(sa.sin_port));
	fclose(f);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int k = 0; k < n; k++) {
			int fd = evs[k].data.fd;
			if (fd == lfd) {
				int c;
				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					if (c >= 65536) {
						close(c);
						continue;
					}
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					conns[c] = calloc(1, sizeof(struct sconn));
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			struct sconn *s = conns[fd];
			again:;
			ssize_t r;
			int dead = 0;
			/* Flush the pending answer first. */
			while (s->head_off < s->head_len || s->big_left) {
				if (s->head_off < s->head_len)
					r = write(fd, s->head + s->head_off, s->head_len - s->head_off);
				else
					r = write(fd, zeros, s->big_left < sizeof zeros ? s->big_left : sizeof zeros);
				if (r < 0) {
					if (errno != EAGAIN)
						dead = 1;
					break;
				}
				if (s->head_off < s->head_len)
					s->head_off += (size_t)r;
				else
					s->big_left -= (uint64_t)r;
			}
			if (!dead && (s->head_off < s->head_len || s->big_left)) {
				ev.events = EPOLLOUT;
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
				continue;
			}
			if (!dead) {
				r = read(fd, s->in + s->inlen, sizeof s->in - s->inlen);
				if (r == 0 || (r < 0 && errno != EAGAIN))
					dead = 1;
				else if (r > 0)
					s->inlen += (size_t)r;
			}
			char *end = dead ? NULL : memmem(s->in, s->inlen, "\r\n\r\n", 4);
			if (end) {
				size_t used = (size_t)(end + 4 - s->in);
				char *big = memmem(s->in, used, "/big?n=", 7);
				uint64_t body = big ? strtoull(big + 7, NULL, 10) : 13;
				s->head_len = (size_t)snprintf(s->head, sizeof s->head,
							       "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n%s",
							       (unsigned long long)body, big ? "" : "hello, world\n");
				s->head_off = 0;
				s->big_left = big ? body : 0;
				memmove(s->in, s->in + used, s->inlen - used);
				s->inlen -= used;
				goto again;
			}
			if (dead || s->inlen == sizeof s->in) {
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
				free(s);
				conns[fd] = NULL;
				continue;
			}
			ev.events = EPOLLIN;
			ev.data.fd = fd;
			epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
		}
	}
}

/* ---- load generator ---- */

struct lconn {
	int fd;
	double sent_at;
	char in[4096];
	size_t inlen;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int load(const char *proxy, const char *target, int conc, double secs)
{
	struct sockaddr_in pa;
	char req[256];
	int ep = epoll_create1(EPOLL_CLOEXEC), reqlen;
	struct lconn *cs = calloc((size_t)conc, sizeof *cs);
	size_t cap = 1 << 20, nlat = 0;
	double *lat = malloc(cap * sizeof *lat), start, end;
	long errors = 0;

	if (parse_hostport(proxy, &pa) < 0)
		return 2;
	reqlen = snprintf(req, sizeof req, "GET http://%s/ HTTP/1.1\r\nHost: %s\r\n\r\n", target, target);
	start = now_s();
	end = start + secs;
	for (int k = 0; k < conc; k++) {
		struct epoll_event ev = {EPOLLIN, {.u32 = (uint32_t)k}};
		cs[k].fd = dial(&pa, 1);
		if (cs[k].fd < 0)
			return 1;
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[k].fd, &ev);
		cs[k].sent_at = now_s();
		if (write(cs[k].fd, req, (size_t)reqlen) != reqlen)
			errors++;
	}
	while (now_s() < end) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 100);
		for (int i = 0; i < n; i++) {
			struct lconn *c = &cs[evs[i].data.u32];
			ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
			int reconnect = 0;
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				reconnect = 1;
				if (c->inlen)
					errors++;
			} else {
				c->inlen += (size_t)r;
				char *hend = memmem(c->in, c->inlen, "\r\n\r\n", 4);
				char *cl = hend ? memmem(c->in, (size_t)(hend - c->in), "ength: ", 7) : NULL;
				if (!hend || !cl)
					continue;
				size_t body = strtoul(cl + 7, NULL, 10), total = (size_t)(hend + 4 - c->in) + body;
				if (c->inlen < total)
					continue;
				if (strncmp(c->in, "HTTP/1.1 200", 12) != 0 && strncmp(c->in, "HTTP/1.0 200", 12) != 0)
					errors++;
				if (nlat == cap) {
					cap *= 2;
					lat = realloc(lat, cap * sizeof *lat);
				}
				lat[nlat++] = now_s() - c->sent_at;
				reconnect = memmem(c->in, (size_t)(hend - c->in), "onnection: close", 16) != NULL;
				memmove(c->in, c->in + total, c->inlen - total);
				c->inlen -= total;
			}
			if (reconnect) {
				struct epoll_event ev = {EPOLLIN, {.u32 = evs[i].data.u32}};
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				c->inlen = 0;
				c->fd = dial(&pa, 1);
				if (c->fd < 0)
					return 1;
				epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
			}
			c->sent_at = now_s();
			if (write(c->fd, req, (size_t)reqlen) != reqlen)
				errors++;
		}
	}
	double elapsed = now_s() - start;
	qsort(lat, nlat, sizeof *lat, cmp_double);
	printf("requests %zu rps %.0f p50_us %.0f p99_us %.0f errors %ld\n", nlat, (double)nlat / elapsed,
	       nlat ? lat[nlat / 2] * 1e6 : 0.0, nlat ? lat[(size_t)((double)nlat * 0.99)] * 1e6 : 0.0,
	       errors);
	return 0;
}

static int tunnel(const char *proxy, const char *target, unsigned long long bytes)
{
	struct sockaddr_in pa;
	char buf[1 << 16];
	size_t hl = 0;
	int fd;
	double t0;
	unsigned long long got = 0;

	if (parse_hostport(proxy, &pa) < 0 || (fd = dial(&pa, 0)) < 0)
		return 2;
	t0 = now_s();
	dprintf(fd, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", target, target);
	while (hl < 4 || memcmp(buf + hl - 4, "\r\n\r\n", 4) != 0) {
		if (read(fd, buf + hl, 1) != 1)
			return 1;
		hl++;
	}
	if (strncmp(buf, "HTTP/1.", 7) != 0 || strncmp(buf + 9, "200", 3) != 0)
		return fprintf(stderr, "CONNECT refused: %.*s\n", (int)hl, buf), 1;
	dprintf(fd, "GET /big?n=%llu HTTP/1.1\r\nHost: %s\r\n\r\n", bytes, target);
	hl = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			return 1;
		char *e = memmem(buf, (size_t)r, "\r\n\r\n", 4);
		if (e) {
			got = (unsigned long long)(r - (e + 4 - buf));
			break;
		}
	}
	while (got < bytes) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			return 1;
		got += (unsigned long long)r;
	}
	double s = now_s() - t0;
	printf("bytes %llu seconds %.3f mib_per_s %.0f\n", got, s, (double)got / s / 1048576.0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "server") == 0)
		server(argv[2]);
	if (argc == 6 && strcmp(argv[1], "load") == 0)
		return load(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
	if (argc == 5 && strcmp(argv[1], "tunnel") == 0)
		return tunnel(argv[2], argv[3], strtoull(argv[4], NULL, 10));
	fprintf(stderr, "usage: see tests/tools/proxy-bench.c\n");
	return 2;
}
