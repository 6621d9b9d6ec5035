/* Checked requests and the heads sent on: see http_request.h. */
#include "proxy/http_request.h"

#include <stdio.h>
#include <string.h>

#include "proxy/policy.h"

/* Never copied: hop-by-hop headers (RFC 9110 7.6.1, the Proxy-* ones and upstream's
 * list). Host and the framing headers are not copied either: the proxy writes them. */
static const char *const hop_by_hop[] = {"connection", "keep-alive", "proxy-connection",
					 "proxy-authorization", "proxy-authenticate", "te",
					 "trailer", "upgrade", NULL};

/* Headers whose meaning the proxy relies on: a Connection header may not name them. */
static const char *const framing[] = {"host", "content-length", "transfer-encoding", NULL};

static bool named_in_connection(const char *base, const struct http_head *h,
				const struct http_header *hd)
{
	char name[64];

	if (hd->name.len >= sizeof name)
		return false;
	memcpy(name, base + hd->name.off, hd->name.len);
	name[hd->name.len] = '\0';
	return http_header_has_token(base, h, "connection", name);
}

static bool in_list(const char *base, const struct http_header *hd, const char *const *list)
{
	for (const char *const *p = list; *p; p++)
		if (http_header_is(base, hd, *p))
			return true;
	return false;
}

static bool connection_names_framing(const char *base, const struct http_head *h)
{
	for (const char *const *p = framing; *p; p++)
		if (http_header_has_token(base, h, "connection", *p))
			return true;
	return false;
}

/* Copies the end-to-end headers except those in skip. */
static int copy_headers(struct buf *out, const char *base, const struct http_head *h,
			const char *const *skip)
{
	for (unsigned k = 0; k < h->nhdr; k++) {
		const struct http_header *hd = &h->hdr[k];
		if (in_list(base, hd, hop_by_hop) || (skip && in_list(base, hd, skip)) ||
		    named_in_connection(base, h, hd))
			continue;
		if (buf_append(out, base + hd->name.off, hd->name.len) < 0 ||
		    buf_puts(out, ": ") < 0 ||
		    buf_append(out, base + hd->value.off, hd->value.len) < 0 ||
		    buf_puts(out, "\r\n") < 0)
			return -1;
	}
	return 0;
}

/* The authority of the checked target: host (IPv6 in brackets, its scope's '%' as
 * "%25") and the port unless it is the default one. */
static int put_authority(struct buf *out, const char *host, unsigned port, unsigned default_port)
{
	if (strchr(host, ':')) {
		if (buf_putc(out, '[') < 0)
			return -1;
		for (const char *p = host; *p; p++)
			if ((*p == '%' ? buf_puts(out, "%25") : buf_putc(out, *p)) < 0)
				return -1;
		if (buf_putc(out, ']') < 0)
			return -1;
	} else if (buf_puts(out, host) < 0) {
		return -1;
	}
	return port == default_port ? 0 : buf_printf(out, ":%u", port);
}

static bool client_closes(const char *base, const struct http_head *h)
{
	if (http_header_has_token(base, h, "connection", "close") ||
	    http_header_has_token(base, h, "proxy-connection", "close"))
		return true;
	return h->version_minor == 0 && !http_header_has_token(base, h, "connection", "keep-alive") &&
	       !http_header_has_token(base, h, "proxy-connection", "keep-alive");
}

/* The Host header, when there is one, names the target's host and port. */
static const char *host_header_problem(const char *base, const struct http_head *h,
				       struct http_request *r)
{
	char raw[PROXY_HOST_MAX], norm[PROXY_HOST_MAX];
	unsigned port;
	int k = http_header_find(base, h, "host", 0);

	if (k < 0)
		return NULL;
	if (http_header_find(base, h, "host", (unsigned)k + 1) >= 0)
		return "invalid Host header";
	if (http_split_authority(base + h->hdr[k].value.off, h->hdr[k].value.len, r->default_port,
				 raw, sizeof raw, &port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), norm) < 0)
		return "invalid Host header";
	if (strcmp(norm, r->host) != 0 || port != r->port) {
		r->host_mismatch = true;
		return "Host header does not match request target";
	}
	return NULL;
}

int http_request_read(const char *base, const struct http_head *h, struct http_request *r,
		      const char **why)
{
	size_t mlen = h->method.len < sizeof r->method ? h->method.len : sizeof r->method - 1;
	struct http_absolute abs;
	char raw[PROXY_HOST_MAX];

	memset(r, 0, sizeof *r);
	memcpy(r->method, base + h->method.off, mlen);
	r->method[mlen] = '\0';
	r->is_connect = strcmp(r->method, "CONNECT") == 0;
	r->version_minor = h->version_minor;
	r->close = client_closes(base, h);
	if (r->is_connect) {
		if (http_split_authority(base + h->target.off, h->target.len, 0, raw, sizeof raw,
					 &r->port) < 0) {
			*why = "missing authority";
			return -1;
		}
		if (policy_normalize_host(raw, strlen(raw), r->host) < 0) {
			r->host[0] = '\0';
			*why = "invalid host";
			return -1;
		}
		return 0;
	}
	if (http_header_find(base, h, "x-unix-socket", 0) >= 0) {
		r->unix_socket = true;
		snprintf(r->host, sizeof r->host, "unix-socket");
		return 0;
	}
	if (http_parse_absolute(base + h->target.off, h->target.len, &abs) < 0) {
		*why = "missing host";
		return -1;
	}
	r->https = abs.https;
	r->default_port = abs.https ? 443 : 80;
	if (http_split_authority(abs.authority, abs.authority_len, r->default_port, raw, sizeof raw,
				 &r->port) < 0 ||
	    policy_normalize_host(raw, strlen(raw), r->host) < 0) {
		r->host[0] = '\0';
		*why = "invalid host";
		return -1;
	}
	if ((*why = host_header_problem(base, h, r)) != NULL)
		return -1;
	if (connection_names_framing(base, h)) {
		*why = "Connection header names Host, Content-Length or Transfer-Encoding";
		return -1;
	}
	if (http_request_framing(base, h, &r->body, &r->length) < 0) {
		*why = "invalid request framing (Content-Length / Transfer-Encoding)";
		return -1;
	}
	r->has_length = http_header_find(base, h, "content-length", 0) >= 0;
	r->path = abs.path;
	r->path_len = abs.path_len;
	return 0;
}

int http_request_write_head(const char *base, const struct http_head *h,
			    const struct http_request *r, bool absolute_form,
			    const char *proxy_auth, struct buf *out)
{
	if (buf_puts(out, r->method) < 0 || buf_putc(out, ' ') < 0)
		return -1;
	if (absolute_form && (buf_puts(out, "http://") < 0 ||
			      put_authority(out, r->host, r->port, r->default_port) < 0))
		return -1;
	if ((r->path_len == 0 || r->path[0] != '/') && buf_putc(out, '/') < 0)
		return -1;
	if (buf_append(out, r->path, r->path_len) < 0 ||
	    buf_printf(out, " HTTP/1.%u\r\nHost: ", r->version_minor) < 0 ||
	    put_authority(out, r->host, r->port, r->default_port) < 0 || buf_puts(out, "\r\n") < 0 ||
	    copy_headers(out, base, h, framing) < 0)
		return -1;
	if (r->body == HTTP_BODY_CHUNKED) {
		if (buf_puts(out, "Transfer-Encoding: chunked\r\n") < 0)
			return -1;
	} else if (r->has_length) {
		if (buf_printf(out, "Content-Length: %llu\r\n", (unsigned long long)r->length) < 0)
			return -1;
	}
	if (proxy_auth && buf_printf(out, "Proxy-Authorization: %s\r\n", proxy_auth) < 0)
		return -1;
	/* An HTTP/1.0 request closes the origin's connection unless it asks otherwise; the
	 * connection to the origin is ours to keep (the client's own is separate). */
	if (r->version_minor == 0 && buf_puts(out, "Connection: keep-alive\r\n") < 0)
		return -1;
	return buf_puts(out, "\r\n");
}

int http_response_check(const char *base, const struct http_head *h)
{
	return http_header_has_token(base, h, "connection", "content-length") ||
		       http_header_has_token(base, h, "connection", "transfer-encoding")
		       ? -1
		       : 0;
}

int http_response_write_head(const char *base, size_t head_len, const struct http_head *h,
			     bool bodiless, enum http_body kind, uint64_t length, bool keep_alive,
			     struct buf *out)
{
	static const char *const both[] = {"content-length", "transfer-encoding", NULL};
	static const char *const length_only[] = {"content-length", NULL};
	const char *eol = memchr(base, '\n', head_len);

	if (!eol)
		return -1;
	if (buf_append(out, base, (size_t)(eol - base) + 1) < 0)
		return -1;
	if (bodiless) {
		if (copy_headers(out, base, h, NULL) < 0)
			return -1;
	} else if (copy_headers(out, base, h, kind == HTTP_BODY_UNTIL_CLOSE ? length_only : both) < 0) {
		return -1;
	} else if (kind == HTTP_BODY_CHUNKED) {
		if (buf_puts(out, "Transfer-Encoding: chunked\r\n") < 0)
			return -1;
	} else if (kind != HTTP_BODY_UNTIL_CLOSE) {
		if (buf_printf(out, "Content-Length: %llu\r\n", (unsigned long long)length) < 0)
			return -1;
	}
	return buf_printf(out, "connection: %s\r\n\r\n", keep_alive ? "keep-alive" : "close");
}

size_t http_body_scan(enum http_body kind, uint64_t *left, struct http_chunked *ch,
		      const char *p, size_t n, bool eof, bool *done, bool *failed)
{
	size_t take;

	*failed = false;
	switch (kind) {
	case HTTP_BODY_NONE:
		*done = true;
		return 0;
	case HTTP_BODY_LENGTH:
		take = *left < n ? (size_t)*left : n;
		*left -= take;
		*done = *left == 0;
		return take;
	case HTTP_BODY_CHUNKED:
		take = http_chunked_feed(ch, p, n);
		*done = ch->state == CH_DONE;
		*failed = ch->state == CH_FAILED;
		return take;
	case HTTP_BODY_UNTIL_CLOSE:
		*done = eof;
		return n;
	}
	*failed = true;
	return 0;
}
