/* The admin API (upstream's early/middle era, section 12): an unauthenticated HTTP
 * listener, always on loopback. GET /health, GET /blocked (drains the ring, as upstream),
 * POST /reload; anything else 404. One request per connection.
 *
 * Loopback alone does not keep a web page out: a page the user opens can make the
 * browser send requests to 127.0.0.1 (a form POST to /reload), or rename its own host to
 * 127.0.0.1 by DNS rebinding and read the answers (/blocked). So a request must name a
 * loopback host in Host (localhost, 127.0.0.1, [::1], with any port), which a rebound
 * name never does, and must carry no Origin header, which browsers add to cross-origin
 * and POST requests and command-line clients do not send. Anything else gets 403. */
#include "proxy/conn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "proxy/answers.h"

static void reply(struct conn *c, unsigned status, const char *type, const char *body)
{
	conn_answer_text(c, status, type, body);
}

/* Host names this machine by a loopback name or address. */
static bool loopback_host(const char *base, const struct http_head *h)
{
	char raw[PROXY_HOST_MAX], norm[PROXY_HOST_MAX];
	struct sockaddr_storage ss;
	unsigned port;
	int k = http_header_find(base, h, "host", 0);

	if (k < 0 || http_header_find(base, h, "host", (unsigned)k + 1) >= 0 ||
	    http_split_authority(base + h->hdr[k].value.off, h->hdr[k].value.len, 80, raw,
				 sizeof raw, &port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), norm) < 0)
		return false;
	if (strcmp(norm, "localhost") == 0)
		return true;
	if (policy_parse_ip_literal(norm, &ss) < 0)
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
}

static void route(struct conn *c)
{
	const char *base = c->c2u.data + c->c2u.start;
	const struct http_head *h = &c->hp.head;
	bool get = http_slice_eq(base, h->method, "GET");
	bool post = http_slice_eq(base, h->method, "POST");

	if (!loopback_host(base, h)) {
		proxy_warn(c->px, "admin API: refused a request whose Host is not a loopback name");
		reply(c, 403, "text/plain", "forbidden: Host must be localhost, 127.0.0.1 or [::1]");
	} else if (http_header_find(base, h, "origin", 0) >= 0) {
		proxy_warn(c->px, "admin API: refused a request from a web page (Origin header)");
		reply(c, 403, "text/plain", "forbidden: requests from web pages are not accepted");
	} else if (get && http_slice_eq(base, h->target, "/health")) {
		reply(c, 200, "text/plain", "ok");
	} else if (get && http_slice_eq(base, h->target, "/blocked")) {
		struct buf b;
		buf_init(&b, 512 * 1024);
		if (audit_blocked_json(&c->px->audit, true, &b) < 0)
			reply(c, 500, "text/plain", "error");
		else
			reply(c, 200, "application/json", b.data);
		buf_free(&b);
	} else if (post && http_slice_eq(base, h->target, "/reload")) {
		struct err e;
		if (proxy_reload_now(c->px, &e) < 0) {
			proxy_log(c->px, "reload failed: %s", e.msg);
			reply(c, 500, "text/plain", "reload failed");
		} else {
			reply(c, 200, "application/json", "{\"status\":\"reloaded\"}");
		}
	} else {
		reply(c, 404, "text/plain", "not found");
	}
}

static void admin_progress(struct conn *c)
{
	int n = flow_read(&c->c2u, c->cfd);

	if (n < 0) {
		conn_close(c);
		return;
	}
	if (flow_len(&c->c2u) == 0) {
		if (c->c2u.eof)
			conn_close(c);
		return;
	}
	switch (http_parser_feed(&c->hp, c->c2u.data + c->c2u.start, flow_len(&c->c2u))) {
	case HTTP_NEED_MORE:
		if (c->c2u.eof)
			conn_close(c);
		return;
	case HTTP_ERROR:
		reply(c, http_error_status(c->hp.error), "text/plain", http_error_str(c->hp.error));
		return;
	case HTTP_DONE:
		route(c);
		return;
	}
}

static void admin_start(struct conn *c)
{
	http_parser_init(&c->hp, HTTP_KIND_REQUEST);
	conn_set_state(c, CS_PROTOCOL);
}

static void admin_interest(const struct conn *c, unsigned *cm, unsigned *um)
{
	(void)um;
	if (!c->c2u.eof && flow_room(&c->c2u))
		*cm |= LOOP_READ;
}

/* The admin API never dials. */
static void admin_on_connected(struct conn *c)
{
	conn_close(c);
}

static void admin_on_dial_failed(struct conn *c, enum proxy_reason r)
{
	(void)r;
	conn_close(c);
}

static bool admin_is_idle(const struct conn *c)
{
	return c->state == CS_PROTOCOL && flow_len(&c->c2u) == 0;
}

const struct conn_ops admin_conn_ops = {
	.name = "admin",
	.audit_protocol = "http",
	.speaks_http = true,
	.start = admin_start,
	.progress = admin_progress,
	.interest = admin_interest,
	.on_connected = admin_on_connected,
	.on_dial_failed = admin_on_dial_failed,
	.is_idle = admin_is_idle,
};
