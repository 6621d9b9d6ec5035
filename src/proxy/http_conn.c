/* The HTTP/1.1 proxy side of a connection: request heads, policy, CONNECT tunnels and
 * absolute-form forwarding with keep-alive, streamed bodies in both directions, and
 * hop-by-hop header removal. Answers are upstream's (answers.c). */
#include "proxy/conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/answers.h"

/* Headers that belong to one hop and are never forwarded (RFC 9110 7.6.1, plus the
 * Proxy-* ones and upstream's list). Transfer-Encoding stays: bodies are forwarded with
 * the framing they arrived in. */
static const char *const hop_by_hop[] = {"connection", "keep-alive", "proxy-connection",
					 "proxy-authorization", "proxy-authenticate", "te",
					 "upgrade", NULL};

static bool is_hop_by_hop(const char *base, const struct http_head *h,
			  const struct http_header *hd)
{
	char name[64];

	for (const char *const *p = hop_by_hop; *p; p++)
		if (http_header_is(base, hd, *p))
			return true;
	/* Any header the Connection header names is hop-by-hop too. */
	if (hd->name.len >= sizeof name)
		return false;
	memcpy(name, base + hd->name.off, hd->name.len);
	name[hd->name.len] = '\0';
	return http_header_has_token(base, h, "connection", name);
}

static int copy_headers(struct buf *out, const char *base, const struct http_head *h)
{
	for (unsigned k = 0; k < h->nhdr; k++) {
		const struct http_header *hd = &h->hdr[k];
		if (is_hop_by_hop(base, h, hd))
			continue;
		if (buf_append(out, base + hd->name.off, hd->name.len) < 0 ||
		    buf_puts(out, ": ") < 0 ||
		    buf_append(out, base + hd->value.off, hd->value.len) < 0 ||
		    buf_puts(out, "\r\n") < 0)
			return -1;
	}
	return 0;
}

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
	if (answer_blocked(&b, r, c->protocol, c->host, c->port, !c->is_connect) < 0) {
		buf_free(&b);
		conn_close(c);
		return;
	}
	conn_answer(c, b.data, b.len);
	buf_free(&b);
}

/* Host policy, then the mode's method guard (upstream's order). */
static bool allowed(struct conn *c)
{
	policy_check_host(c->px->policy, c->host, &c->verdict);
	if (c->verdict.reason != PROXY_REASON_ALLOW) {
		answer_block(c, c->verdict.reason);
		return false;
	}
	if (!policy_method_allowed(c->px->policy, c->method)) {
		answer_block(c, PROXY_REASON_METHOD_NOT_ALLOWED);
		return false;
	}
	return true;
}

/* The absolute-form target and its Host header must name the same host and port, so a
 * request cannot be checked against one host and delivered to another. */
static const char *host_header_problem(struct conn *c, const char *base, const struct http_head *h,
				       unsigned default_port)
{
	char raw[PROXY_HOST_MAX], norm[PROXY_HOST_MAX];
	unsigned port;
	int k = http_header_find(base, h, "host", 0);

	if (k < 0)
		return NULL;
	if (http_header_find(base, h, "host", (unsigned)k + 1) >= 0)
		return "invalid Host header";
	if (http_split_authority(base + h->hdr[k].value.off, h->hdr[k].value.len, default_port, raw,
				 sizeof raw, &port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), norm) < 0)
		return "invalid Host header";
	if (strcmp(norm, c->host) != 0 || port != c->port) {
		proxy_log(c->px,
			  "request rejected due to mismatched Host header (client=%s, target=%s:%u, "
			  "host_header=%.*s)",
			  c->client, c->host, c->port, (int)h->hdr[k].value.len,
			  base + h->hdr[k].value.off);
		return "Host header does not match request target";
	}
	return NULL;
}

static void start_connect_request(struct conn *c, const char *base, const struct http_head *h)
{
	char raw[PROXY_HOST_MAX];

	if (http_split_authority(base + h->target.off, h->target.len, 0, raw, sizeof raw, &c->port) < 0) {
		answer_status(c, 400, "missing authority", PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (policy_normalize_host(raw, strlen(raw), c->host) < 0) {
		c->host[0] = '\0';
		answer_status(c, 400, "invalid host", PROXY_REASON_BAD_REQUEST);
		return;
	}
	/* Everything after the head is already tunnel data (a client may send its TLS
	 * hello without waiting for our 200). */
	flow_consume(&c->c2u, c->hp.pos);
	if (!allowed(c))
		return;
	conn_close_upstream(c);
	conn_dial(c);
}

static void start_plain_request(struct conn *c, const char *base, const struct http_head *h)
{
	struct http_absolute abs;
	char raw[PROXY_HOST_MAX];
	const char *problem;
	enum http_body kind;
	uint64_t length;
	struct buf *out = &c->c2u.prefix;

	/* Upstream's x-unix-socket escape hatch is macOS-only; elsewhere it answers 501
	 * (after the limited-mode method guard), before looking at the host. */
	if (http_header_find(base, h, "x-unix-socket", 0) >= 0) {
		snprintf(c->host, sizeof c->host, "unix-socket");
		if (!policy_method_allowed(c->px->policy, c->method)) {
			answer_block(c, PROXY_REASON_METHOD_NOT_ALLOWED);
			return;
		}
		answer_status(c, 501, "unix sockets unsupported", PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (http_parse_absolute(base + h->target.off, h->target.len, &abs) < 0) {
		answer_status(c, 400, "missing host", PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (http_split_authority(abs.authority, abs.authority_len, abs.https ? 443 : 80, raw,
				 sizeof raw, &c->port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), c->host) < 0) {
		c->host[0] = '\0';
		answer_status(c, 400, "invalid host", PROXY_REASON_BAD_REQUEST);
		return;
	}
	problem = host_header_problem(c, base, h, abs.https ? 443 : 80);
	if (problem) {
		answer_status(c, 400, problem, PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (http_request_framing(base, h, &kind, &length) < 0) {
		answer_status(c, 400, "invalid request framing (Content-Length / Transfer-Encoding)",
			      PROXY_REASON_BAD_REQUEST);
		return;
	}
	if (!allowed(c))
		return;
	if (abs.https) {
		/* Forwarding https:// absolute-form needs a TLS client in the proxy; clients
		 * use CONNECT for https, so this is refused rather than half done. */
		answer_status(c, 501, "https:// absolute-form requests are not supported; use CONNECT",
			      PROXY_REASON_BAD_REQUEST);
		return;
	}
	/* The origin-form request line, then the end-to-end headers. */
	buf_reset(out);
	c->c2u.prefix_off = 0;
	if (buf_append(out, base + h->method.off, h->method.len) < 0 || buf_putc(out, ' ') < 0 ||
	    (abs.path_len == 0 || abs.path[0] == '?' ? buf_putc(out, '/') : 0) < 0 ||
	    buf_append(out, abs.path, abs.path_len) < 0 ||
	    buf_printf(out, " HTTP/1.%u\r\n", h->version_minor) < 0 ||
	    copy_headers(out, base, h) < 0 ||
	    (http_header_find(base, h, "host", 0) < 0 &&
	     (buf_puts(out, "Host: ") < 0 || buf_append(out, abs.authority, abs.authority_len) < 0 ||
	      buf_puts(out, "\r\n") < 0)) ||
	    buf_puts(out, "\r\n") < 0) {
		conn_close(c);
		return;
	}
	c->head_request = strcmp(c->method, "HEAD") == 0;
	c->close_after = http_header_has_token(base, h, "connection", "close") ||
			 http_header_has_token(base, h, "proxy-connection", "close") ||
			 (h->version_minor == 0 &&
			  !http_header_has_token(base, h, "connection", "keep-alive") &&
			  !http_header_has_token(base, h, "proxy-connection", "keep-alive"));
	c->req_body = kind;
	c->req_left = length;
	http_chunked_init(&c->req_ch);
	c->req_done = kind == HTTP_BODY_NONE;
	c->resp_head_done = c->resp_done = c->sent_to_client = false;
	flow_consume(&c->c2u, c->hp.pos);
	http_parser_init(&c->hp, HTTP_KIND_RESPONSE);
	if (c->ufd >= 0 && c->upstream_reusable && c->port == c->up_port &&
	    strcmp(c->host, c->up_host) == 0) {
		conn_set_state(c, CS_FORWARD);
		conn_timeout(c, c->px->idle_timeout_ms);
		return;
	}
	conn_close_upstream(c);
	conn_dial(c);
}

static void on_head(struct conn *c)
{
	const char *base = c->c2u.data + c->c2u.start;
	const struct http_head *h = &c->hp.head;
	size_t mlen = h->method.len < sizeof c->method ? h->method.len : sizeof c->method - 1;

	memcpy(c->method, base + h->method.off, mlen);
	c->method[mlen] = '\0';
	c->is_connect = strcmp(c->method, "CONNECT") == 0;
	c->host[0] = '\0';
	c->port = 0;
	conn_begin_request(c, c->is_connect ? "https_connect" : "http");
	if (c->is_connect)
		start_connect_request(c, base, h);
	else
		start_plain_request(c, base, h);
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
	uint32_t unready = flow_len(f) - f->ready;

	switch (kind) {
	case HTTP_BODY_NONE:
		*done = true;
		return 0;
	case HTTP_BODY_LENGTH: {
		uint32_t n = *left < unready ? (uint32_t)*left : unready;
		f->ready += n;
		*left -= n;
		*done = *left == 0;
		return 0;
	}
	case HTTP_BODY_CHUNKED:
		f->ready += (uint32_t)http_chunked_feed(ch, f->data + f->start + f->ready, unready);
		*done = ch->state == CH_DONE;
		return ch->state == CH_FAILED ? -1 : 0;
	case HTTP_BODY_UNTIL_CLOSE:
		f->ready = flow_len(f);
		*done = f->eof;
		return 0;
	}
	return -1;
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
	struct buf *out = &f->prefix;

	if (h->status == 101) {
		upstream_broke(c); /* no upgrade was asked for: the Upgrade header was removed */
		return false;
	}
	if (h->status < 200) {
		/* 100 Continue and friends go through as they are; the real head follows. */
		if (buf_append(out, base, c->hp.pos) < 0) {
			conn_close(c);
			return false;
		}
		flow_consume(f, c->hp.pos);
		http_parser_init(&c->hp, HTTP_KIND_RESPONSE);
		return true;
	}
	if (http_response_framing(base, h, c->head_request, &kind, &length) < 0) {
		upstream_broke(c);
		return false;
	}
	c->upstream_reusable = kind != HTTP_BODY_UNTIL_CLOSE && h->version_minor == 1 &&
			       !http_header_has_token(base, h, "connection", "close");
	if (kind == HTTP_BODY_UNTIL_CLOSE || c->px->stopping)
		c->close_after = true;
	/* The status line as it came, the end-to-end headers, our connection header. */
	const char *eol = memchr(base, '\n', c->hp.pos);
	if (!eol || buf_append(out, base, (size_t)(eol - base) + 1) < 0 ||
	    copy_headers(out, base, h) < 0 ||
	    buf_printf(out, "connection: %s\r\n\r\n", c->close_after ? "close" : "keep-alive") < 0) {
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
		shutdown(c->cfd, SHUT_WR);
		conn_close(c);
		return;
	}
	if (!c->upstream_reusable || flow_len(&c->u2c) > 0 || c->u2c.eof)
		conn_close_upstream(c);
	c->protocol = NULL;
	conn_release_idle_buffers(c);
	http_parser_init(&c->hp, HTTP_KIND_REQUEST);
	conn_set_state(c, CS_HEAD);
	conn_timeout(c, c->px->header_timeout_ms);
}

static void forward(struct conn *c)
{
	int n;

	if (!c->req_done) {
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

void http_progress(struct conn *c)
{
	switch (c->state) {
	case CS_HEAD:
		read_head(c);
		return;
	case CS_FORWARD:
		forward(c);
		return;
	case CS_SOCKS_GREETING:
	case CS_SOCKS_REQUEST:
	case CS_RESOLVING:
	case CS_CONNECTING:
	case CS_TUNNEL:
	case CS_UDP:
	case CS_ANSWER:
	case CS_CLOSED:
		return;
	}
}

void http_on_connected(struct conn *c)
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
	conn_set_state(c, CS_FORWARD);
}

void http_on_dial_failed(struct conn *c, enum proxy_reason r)
{
	if (proxy_reason_is_block(r)) {
		answer_block(c, r);
		return;
	}
	proxy_log(c->px, "upstream connect failed (host=%s, port=%u): %s", c->host, c->port,
		  strerror(c->last_errno ? c->last_errno : EHOSTUNREACH));
	answer_status(c, 502, "upstream failure", PROXY_REASON_UPSTREAM_FAILURE);
}
