/* The admin API (upstream's early/middle era, section 12): an unauthenticated HTTP
 * listener, always on loopback. GET /health, GET /blocked (drains the ring, as upstream),
 * POST /reload; anything else 404. One request per connection. */
#include "proxy/conn.h"

#include <string.h>

#include "proxy/answers.h"

static void reply(struct conn *c, unsigned status, const char *type, const char *body)
{
	conn_answer_text(c, status, type, body);
}

static void route(struct conn *c)
{
	const char *base = c->c2u.data + c->c2u.start;
	const struct http_head *h = &c->hp.head;
	bool get = http_slice_eq(base, h->method, "GET");
	bool post = http_slice_eq(base, h->method, "POST");

	if (get && http_slice_eq(base, h->target, "/health")) {
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

void admin_progress(struct conn *c)
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
