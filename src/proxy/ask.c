/* The decider of allowlist misses (proxy.h, "Asking a decider"): the line protocol on
 * ask_fd, and the requests held in CS_ASKING until its answer.
 *
 * Nothing here blocks: questions are a few hundred bytes written to a socket the
 * decider drains (a write that would block counts as a failed question: the request is
 * refused, as without a decider); answers are read as they come, a line at a time. */
#include "proxy/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const verbs[] = {"ask", "allow", "deny"};
static const char *const protocols[] = {"http", "https", "socks5-tcp"};

const char *proxy_ask_protocol(const char *audit_protocol)
{
	if (!audit_protocol)
		return NULL;
	if (strcmp(audit_protocol, "http") == 0)
		return "http";
	if (strcmp(audit_protocol, "https_connect") == 0)
		return "https";
	if (strcmp(audit_protocol, "socks5_tcp") == 0)
		return "socks5-tcp";
	return NULL;
}

static bool known_protocol(const char *p)
{
	for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
		if (strcmp(p, protocols[i]) == 0)
			return true;
	return false;
}

/* A host as the proxy would have normalised it: the same text after normalising. */
static bool normal_host(const char *host)
{
	char norm[PROXY_HOST_MAX];

	return host[0] && policy_normalize_host(host, strlen(host), norm) == 0 &&
	       strcmp(norm, host) == 0;
}

/* The next space-separated word of [*p, end) into out (cap bytes with its NUL). */
static int word(const char **p, const char *end, char *out, size_t cap, bool last)
{
	const char *s = *p, *stop = s;

	while (stop < end && *stop != ' ')
		stop++;
	if (stop == s || (size_t)(stop - s) >= cap || memchr(s, '\0', (size_t)(stop - s)))
		return -1;
	if (last ? stop != end : stop == end)
		return -1;
	memcpy(out, s, (size_t)(stop - s));
	out[stop - s] = '\0';
	*p = last ? stop : stop + 1;
	return 0;
}

int proxy_ask_parse(const char *line, size_t len, struct proxy_ask_line *out)
{
	const char *p = line, *end = line + len;
	char verb[8], port[8];
	unsigned long v = 0;
	size_t i;

	memset(out, 0, sizeof *out);
	if (len >= PROXY_ASK_LINE_MAX)
		return -1;
	if (word(&p, end, verb, sizeof verb, false) < 0 ||
	    word(&p, end, out->protocol, sizeof out->protocol, false) < 0 ||
	    word(&p, end, out->host, sizeof out->host, false) < 0 ||
	    word(&p, end, port, sizeof port, true) < 0)
		return -1;
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(verb, verbs[i]) == 0)
			break;
	if (i == sizeof verbs / sizeof verbs[0])
		return -1;
	out->verb = (enum proxy_ask_verb)i;
	if (!known_protocol(out->protocol) || !normal_host(out->host))
		return -1;
	/* Decimal, no sign, no leading zero. */
	if (port[0] == '0')
		return -1;
	for (const char *d = port; *d; d++) {
		if (*d < '0' || *d > '9')
			return -1;
		v = v * 10 + (unsigned long)(*d - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	out->port = (unsigned)v;
	return 0;
}

int proxy_ask_format(const struct proxy_ask_line *l, struct buf *out)
{
	char line[PROXY_ASK_LINE_MAX + 1];
	struct proxy_ask_line check;
	int n;

	if ((unsigned)l->verb >= sizeof verbs / sizeof verbs[0])
		return -1;
	n = snprintf(line, sizeof line, "%s %s %s %u", verbs[l->verb], l->protocol, l->host, l->port);
	if (n < 0 || (size_t)n >= PROXY_ASK_LINE_MAX ||
	    proxy_ask_parse(line, (size_t)n, &check) < 0)
		return -1;
	line[n++] = '\n';
	return buf_append(out, line, (size_t)n);
}

/* ---- the proxy's side ---- */

static bool same_key(const struct conn *c, const char *protocol, const char *host, unsigned port)
{
	const char *label = proxy_ask_protocol(c->protocol);

	return label && strcmp(label, protocol) == 0 && strcmp(c->host, host) == 0 &&
	       c->port == port;
}

/* Answers every request held for the key (every held request when host is NULL). */
static void answer_held(struct proxy *px, const char *protocol, const char *host, unsigned port,
			bool allow)
{
	struct conn *c, *next;

	for (c = px->conns; c; c = next) {
		next = c->next; /* a closed connection leaves the list but is freed later */
		if (c->state != CS_ASKING || (host && !same_key(c, protocol, host, port)))
			continue;
		loop_timer_disarm(px->loop, &c->timer);
		conn_set_state(c, CS_PROTOCOL);
		c->ask_allowed = allow;
		c->ops->on_answer(c, allow);
		conn_progress(c);
	}
}

void proxy_ask_detach(struct proxy *px)
{
	if (px->ask_fd < 0)
		return;
	loop_unwatch(px->loop, px->ask_fd);
	close(px->ask_fd);
	px->ask_fd = -1;
	px->ask_len = 0;
	answer_held(px, NULL, NULL, 0, false);
}

static void on_answer_line(struct proxy *px, const char *line, size_t len)
{
	struct proxy_ask_line l;

	if (proxy_ask_parse(line, len, &l) < 0 || l.verb == PROXY_ASK_ASK) {
		proxy_warn(px, "the network decider sent a malformed answer; asking no more");
		proxy_ask_detach(px);
		return;
	}
	answer_held(px, l.protocol, l.host, l.port, l.verb == PROXY_ASK_ALLOW);
}

static void on_ask_fd(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proxy *px = arg;

	(void)l;
	(void)events;
	for (;;) {
		ssize_t n = read(fd, px->ask_in + px->ask_len, sizeof px->ask_in - px->ask_len);
		char *nl;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			proxy_ask_detach(px); /* the decider is gone: nobody to ask */
			return;
		}
		px->ask_len += (size_t)n;
		while (px->ask_fd >= 0 && (nl = memchr(px->ask_in, '\n', px->ask_len))) {
			size_t used = (size_t)(nl - px->ask_in) + 1;
			char line[PROXY_ASK_LINE_MAX];
			memcpy(line, px->ask_in, used - 1);
			memmove(px->ask_in, px->ask_in + used, px->ask_len - used);
			px->ask_len -= used;
			on_answer_line(px, line, used - 1);
		}
		if (px->ask_fd < 0)
			return;
		if (px->ask_len == sizeof px->ask_in) {
			proxy_warn(px, "the network decider sent an overlong answer; asking no more");
			proxy_ask_detach(px);
			return;
		}
	}
}

int proxy_ask_attach(struct proxy *px, int fd, struct err *e)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		err_sys(e, errno, "the network decider's socket");
		close(fd);
		return -1;
	}
	px->ask_fd = fd;
	px->ask_len = 0;
	if (loop_watch(px->loop, fd, LOOP_READ, on_ask_fd, px, e) < 0) {
		close(fd);
		px->ask_fd = -1;
		return -1;
	}
	return 0;
}

/* Another request for the same key is already held: its question is out. */
static bool already_asked(const struct conn *c, const char *protocol)
{
	for (const struct conn *o = c->px->conns; o; o = o->next)
		if (o != c && o->state == CS_ASKING && same_key(o, protocol, c->host, c->port))
			return true;
	return false;
}

bool conn_ask(struct conn *c)
{
	struct proxy *px = c->px;
	const char *label = proxy_ask_protocol(c->protocol);
	struct proxy_ask_line q;
	struct buf b;
	ssize_t n;

	if (px->ask_fd < 0 || px->stopping || !label || !c->ops->on_answer)
		return false;
	if (!already_asked(c, label)) {
		memset(&q, 0, sizeof q);
		q.verb = PROXY_ASK_ASK;
		snprintf(q.protocol, sizeof q.protocol, "%s", label);
		snprintf(q.host, sizeof q.host, "%s", c->host);
		q.port = c->port;
		buf_init(&b, PROXY_ASK_LINE_MAX);
		if (proxy_ask_format(&q, &b) < 0) {
			buf_free(&b);
			return false;
		}
		do
			n = send(px->ask_fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)b.len) {
			buf_free(&b);
			/* A line cut short would garble the stream; a full socket means a
			 * decider that does not read: either way, no more asking. */
			proxy_warn(px, "cannot ask the network decider; asking no more");
			proxy_ask_detach(px);
			return false;
		}
		buf_free(&b);
		proxy_log(px, "asking about %s://%s:%u (client=%s)", label, c->host, c->port, c->client);
	}
	conn_set_state(c, CS_ASKING);
	conn_timeout(c, px->ask_timeout_ms);
	return true;
}
