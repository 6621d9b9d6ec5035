/* The HTTP/1.1 proxy side of a connection: request heads, policy, CONNECT tunnels and
 * absolute-form forwarding with keep-alive and pipelining (one exchange at a time, in
 * order), streamed bodies in both directions, and the heads rebuilt from what was
 * checked (http_request.h). Answers are upstream's (answers.c). */
#include "proxy/conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/answers.h"
#include "proxy/http_request.h"

enum http_step {
	HTTP_HEAD,    /* reading a request head (between requests on a kept-alive client) */
	HTTP_FORWARD  /* the request and its response moving */
};

static void answer_status(struct conn *c, unsigned status, const char *body, enum proxy_reason r)
{
	conn_record(c, r);
	conn_answer_text(c, status, "text/plain", body);
}

static void answer_block(struct conn *c, enum proxy_reason r)
{
	struct buf b;

	buf_init(&b, 16384);
	conn_record(c, r);
	if (answer_blocked(&b, r, c->unresolved, c->protocol, c->host, c->port, !c->is_connect) < 0) {
		buf_free(&b);
		conn_close(c);
		return;
	}
	conn_answer(c, b.data, b.len);
	buf_free(&b);
}

/* Host policy, then the mode's method guard (upstream's order). An allowlist miss
 * whose method the mode allows is held for the decider when there is one (false: the
 * request waits in CS_ASKING, http_on_answer goes on). */
static bool allowed(struct conn *c)
{
	policy_check_host(c->px->policy, c->host, &c->verdict);
	if (c->verdict.reason == PROXY_REASON_NOT_ALLOWED && c->ask_allowed)
		c->verdict.reason = PROXY_REASON_ALLOW; /* the decider said yes to this one */
	if (c->verdict.reason != PROXY_REASON_ALLOW) {
		if (c->verdict.reason == PROXY_REASON_NOT_ALLOWED &&
		    policy_method_allowed(c->px->policy, c->method) && conn_ask(c))
			return false;
		answer_block(c, c->verdict.reason);
		return false;
	}
	if (!policy_method_allowed(c->px->policy, c->method)) {
		answer_block(c, PROXY_REASON_METHOD_NOT_ALLOWED);
		return false;
	}
	return true;
}

static void start_connect(struct conn *c)
{
	if (!allowed(c))
		return;
	/* Everything after the head is already tunnel data (a client may send its TLS
	 * hello without waiting for our 200). */
	flow_consume(&c->c2u, c->hp.pos);
	c->tunnel = true;
	conn_dial(c);
}

static void start_plain(struct conn *c, const char *base, const struct http_head *h,
			const struct http_request *r)
{
	const struct upstream_hop *via;
	struct buf *out = &c->c2u.prefix;

	/* Upstream's x-unix-socket escape hatch is macOS-only; elsewhere it answers 501
	 * (after the limited-mode method guard), before looking at the host. */
	if (r->unix_socket) {
		if (!policy_method_allowed(c->px->policy, c->method)) {
			answer_block(c, PROXY_REASON_METHOD_NOT_ALLOWED);
			return;
		}
		answer_status(c, 501, "unix sockets unsupported", PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (!allowed(c))
		return;
	if (r->https) {
		/* Forwarding https:// absolute-form needs a TLS client in the proxy; clients
		 * use CONNECT for https, so this is refused rather than half done. */
		answer_status(c, 501, "https:// absolute-form requests are not supported; use CONNECT",
			      PROXY_REASON_BAD_REQUEST);
		return;
	}
	/* The route is known before the dial: it depends on the host alone. */
	via = upstream_for(&c->px->upstream, c->host, false);
	buf_reset(out);
	c->c2u.prefix_off = 0;
	if (http_request_write_head(base, h, r, via != NULL, via ? via->authorization : NULL, out) < 0) {
		conn_close(c);
		return;
	}
	c->head_request = strcmp(c->method, "HEAD") == 0;
	c->close_after = r->close;
	c->req_body = r->body;
	c->req_left = r->length;
	http_chunked_init(&c->req_ch);
	c->req_done = r->body == HTTP_BODY_NONE;
	c->resp_head_done = c->resp_done = c->sent_to_client = false;
	flow_consume(&c->c2u, c->hp.pos);
	http_parser_init(&c->hp, HTTP_KIND_RESPONSE);
	c->tunnel = false;
	conn_dial(c);
}

/* The parsed head, from the checks on: on_head, and again (the same bytes, still
 * buffered) when the decider allowed a held request. */
static void route_head(struct conn *c)
{
	const char *base = c->c2u.data + c->c2u.start;
	struct http_request r;
	const char *why = NULL;

	if (http_request_read(base, &c->hp.head, &r, &why) < 0) {
		conn_close(c); /* it parsed before: cannot happen */
		return;
	}
	if (c->is_connect)
		start_connect(c);
	else
		start_plain(c, base, &c->hp.head, &r);
}

static void http_on_answer(struct conn *c, bool allow)
{
	if (!allow) {
		answer_block(c, PROXY_REASON_NOT_ALLOWED);
		return;
	}
	route_head(c);
}

static void on_head(struct conn *c)
{
	const char *base = c->c2u.data + c->c2u.start;
	const struct http_head *h = &c->hp.head;
	struct http_request r;
	const char *why = NULL;
	int rc = http_request_read(base, h, &r, &why);

	snprintf(c->method, sizeof c->method, "%s", r.method);
	snprintf(c->host, sizeof c->host, "%s", r.host);
	c->port = r.port;
	c->is_connect = r.is_connect;
	conn_begin_request(c, c->is_connect ? "https_connect" : "http");
	if (rc < 0) {
		if (r.host_mismatch)
			proxy_log(c->px,
				  "request rejected due to mismatched Host header (client=%s, "
				  "target=%s:%u)",
				  c->client, c->host, c->port);
		answer_status(c, 400, why, PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (c->is_connect)
		start_connect(c);
	else
		start_plain(c, base, h, &r);
}

static void read_head(struct conn *c)
{
	int n = flow_read(&c->c2u, c->cfd);
	enum http_result r;

	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n > 0)
		conn_touch(c);
	if (flow_len(&c->c2u) == 0) {
		if (c->c2u.eof)
			conn_close(c);
		return;
	}
	r = http_parser_feed(&c->hp, c->c2u.data + c->c2u.start, flow_len(&c->c2u));
	switch (r) {
	case HTTP_NEED_MORE:
		if (c->c2u.eof)
			conn_close(c); /* the client left mid-head */
		return;
	case HTTP_ERROR:
		c->method[0] = '\0';
		c->host[0] = '\0';
		c->port = 0;
		conn_begin_request(c, "http");
		answer_status(c, http_error_status(c->hp.error), http_error_str(c->hp.error),
			      PROXY_REASON_BAD_REQUEST);
		return;
	case HTTP_DONE:
		on_head(c);
		return;
	}
}

/* Clears the buffered bytes that the framing says belong to the current body. Returns
 * -1 for a broken chunked coding, else 0 with *done set at the body's end. */
static int frame_body(struct flow *f, enum http_body kind, uint64_t *left,
		      struct http_chunked *ch, bool *done)
{
	bool failed;

	f->ready += (uint32_t)http_body_scan(kind, left, ch, f->data + f->start + f->ready,
					     flow_len(f) - f->ready, f->eof, done, &failed);
	return failed ? -1 : 0;
}

/* Request body: requests never run until close (no length means no body). */
static bool frame_request(struct conn *c)
{
	if (c->req_body == HTTP_BODY_UNTIL_CLOSE)
		c->req_body = HTTP_BODY_NONE;
	return frame_body(&c->c2u, c->req_body, &c->req_left, &c->req_ch, &c->req_done) == 0;
}

/* The upstream broke the exchange: 502 if the client has seen nothing yet. */
static void upstream_broke(struct conn *c)
{
	if (!c->sent_to_client && c->u2c.prefix.len == 0) {
		proxy_log(c->px, "upstream failure (host=%s, port=%u)", c->host, c->port);
		answer_status(c, 502, "upstream failure", PROXY_REASON_UPSTREAM_FAILURE);
		return;
	}
	conn_record(c, PROXY_REASON_ALLOW);
	conn_close(c);
}

static bool response_head(struct conn *c)
{
	struct flow *f = &c->u2c;
	const char *base = f->data + f->start;
	const struct http_head *h = &c->hp.head;
	enum http_body kind;
	uint64_t length;
	bool bodiless;

	if (h->status == 101) {
		upstream_broke(c); /* no upgrade was asked for: the Upgrade header was removed */
		return false;
	}
	if (h->status < 200) {
		/* 100 Continue and friends go through as they are; the real head follows. */
		if (buf_append(&f->prefix, base, c->hp.pos) < 0) {
			conn_close(c);
			return false;
		}
		flow_consume(f, c->hp.pos);
		http_parser_init(&c->hp, HTTP_KIND_RESPONSE);
		return true;
	}
	if (http_response_check(base, h) < 0 ||
	    http_response_framing(base, h, c->head_request, &kind, &length) < 0) {
		upstream_broke(c);
		return false;
	}
	bodiless = c->head_request || h->status == 204 || h->status == 304;
	c->upstream_reusable =
		kind != HTTP_BODY_UNTIL_CLOSE && !http_header_has_token(base, h, "connection", "close") &&
		(h->version_minor == 1 || http_header_has_token(base, h, "connection", "keep-alive"));
	if (kind == HTTP_BODY_UNTIL_CLOSE || c->px->stopping)
		c->close_after = true;
	if (http_response_write_head(base, c->hp.pos, h, bodiless, kind, length, !c->close_after,
				     &f->prefix) < 0) {
		conn_close(c);
		return false;
	}
	flow_consume(f, c->hp.pos);
	c->resp_body = kind;
	c->resp_left = length;
	http_chunked_init(&c->resp_ch);
	c->resp_head_done = true;
	c->resp_done = kind == HTTP_BODY_NONE;
	return true;
}

/* Response: parse heads, then clear body bytes by the response's framing. */
static bool frame_response(struct conn *c)
{
	struct flow *f = &c->u2c;

	while (!c->resp_head_done) {
		if (flow_len(f) == 0) {
			if (f->eof) {
				upstream_broke(c);
				return false;
			}
			return true;
		}
		switch (http_parser_feed(&c->hp, f->data + f->start, flow_len(f))) {
		case HTTP_NEED_MORE:
			if (f->eof) {
				upstream_broke(c);
				return false;
			}
			return true;
		case HTTP_ERROR:
			upstream_broke(c);
			return false;
		case HTTP_DONE:
			if (!response_head(c))
				return false;
			break;
		}
	}
	if (frame_body(f, c->resp_body, &c->resp_left, &c->resp_ch, &c->resp_done) < 0) {
		c->close_after = true;
		c->resp_done = true; /* deliver what was valid, then close */
		c->upstream_reusable = false;
	}
	if (!c->resp_done && f->eof) {
		/* Truncated body: hand over what came and close, so the client sees it. */
		c->close_after = true;
		c->resp_done = true;
		c->upstream_reusable = false;
	}
	return true;
}

static void finish_request(struct conn *c)
{
	conn_record(c, PROXY_REASON_ALLOW);
	if (c->close_after || !c->req_done || c->c2u.eof || c->px->stopping) {
		/* The client's connection ends, the origin's may serve the next client: only
		 * when it carried the whole request (conn_release_upstream checks the rest). */
		if (c->req_done)
			conn_release_upstream(c, c->upstream_reusable);
		shutdown(c->cfd, SHUT_WR);
		conn_close(c);
		return;
	}
	conn_release_upstream(c, c->upstream_reusable);
	c->protocol = NULL;
	conn_release_idle_buffers(c);
	http_parser_init(&c->hp, HTTP_KIND_REQUEST);
	c->step = HTTP_HEAD;
	conn_timeout(c, c->px->header_timeout_ms);
}

static void forward(struct conn *c)
{
	int n;

	/* Past the body, what the client sends is its next request: read now (the loop keeps
	 * one steady interest), framed once this exchange is over. */
	if (!c->c2u.eof && flow_room(&c->c2u)) {
		n = flow_read(&c->c2u, c->cfd);
		if (n < 0) {
			conn_record(c, PROXY_REASON_ALLOW);
			conn_close(c);
			return;
		}
		if (n > 0)
			conn_touch(c);
	}
	if (!frame_request(c)) {
		/* The client's chunked coding broke: its fault, not the origin's. */
		if (!c->sent_to_client && c->u2c.prefix.len == 0)
			answer_status(c, 400, "invalid chunked request body", PROXY_REASON_BAD_REQUEST);
		else
			conn_close(c);
		return;
	}
	if (flow_write(&c->c2u, c->ufd) < 0) {
		upstream_broke(c);
		return;
	}
	if (c->c2u.eof && !c->req_done) {
		conn_record(c, PROXY_REASON_ALLOW); /* the client left mid-body */
		conn_close(c);
		return;
	}
	if (!c->resp_done) {
		n = flow_read(&c->u2c, c->ufd);
		if (n < 0) {
			upstream_broke(c);
			return;
		}
		if (n > 0)
			conn_touch(c);
	}
	if (!frame_response(c))
		return;
	if (flow_pending(&c->u2c))
		c->sent_to_client = true;
	if (flow_write(&c->u2c, c->cfd) < 0) {
		conn_record(c, PROXY_REASON_ALLOW);
		conn_close(c);
		return;
	}
	if (c->resp_done && !flow_pending(&c->u2c))
		finish_request(c);
}

static void http_start(struct conn *c)
{
	http_parser_init(&c->hp, HTTP_KIND_REQUEST);
	c->step = HTTP_HEAD;
	conn_set_state(c, CS_PROTOCOL);
}

static void http_progress(struct conn *c)
{
	if (c->step == HTTP_HEAD)
		read_head(c);
	else
		forward(c);
}

static void http_interest(const struct conn *c, unsigned *cm, unsigned *um)
{
	if (c->step == HTTP_HEAD) {
		if (!c->c2u.eof && flow_room(&c->c2u))
			*cm |= LOOP_READ;
		return;
	}
	if (!c->c2u.eof && flow_room(&c->c2u))
		*cm |= LOOP_READ;
	if (!c->resp_done && !c->u2c.eof && flow_room(&c->u2c))
		*um |= LOOP_READ;
}

static void http_on_connected(struct conn *c)
{
	if (c->is_connect) {
		static const char ok[] = "HTTP/1.1 200 OK\r\n\r\n";
		if (buf_append(&c->u2c.prefix, ok, sizeof ok - 1) < 0) {
			conn_close(c);
			return;
		}
		proxy_log(c->px, "CONNECT allowed (client=%s, host=%s, port=%u)", c->client, c->host,
			  c->port);
		conn_set_state(c, CS_TUNNEL);
		return;
	}
	c->step = HTTP_FORWARD;
	conn_set_state(c, CS_PROTOCOL);
}

static void http_on_dial_failed(struct conn *c, enum proxy_reason r)
{
	if (proxy_reason_is_block(r)) {
		answer_block(c, r);
		return;
	}
	proxy_log(c->px, "upstream connect failed (host=%s, port=%u): %s", c->host, c->port,
		  strerror(c->last_errno ? c->last_errno : EHOSTUNREACH));
	answer_status(c, 502, "upstream failure", PROXY_REASON_UPSTREAM_FAILURE);
}

static bool http_is_idle(const struct conn *c)
{
	return c->state == CS_PROTOCOL && c->step == HTTP_HEAD && flow_len(&c->c2u) == 0;
}

const struct conn_ops http_conn_ops = {
	.name = "http",
	.audit_protocol = "http",
	.counted = true,
	.speaks_http = true,
	.start = http_start,
	.progress = http_progress,
	.interest = http_interest,
	.on_connected = http_on_connected,
	.on_dial_failed = http_on_dial_failed,
	.on_answer = http_on_answer,
	.is_idle = http_is_idle,
};
