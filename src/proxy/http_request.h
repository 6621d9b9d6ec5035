/* Private to src/proxy: from a parsed HTTP/1.1 head to the message the proxy checks, and
 * from that message to the bytes it sends on. Pure: no I/O, no policy.
 *
 * The rule against request smuggling: what the next hop receives is made only from what
 * was checked. The request line is rebuilt from the checked method, host, port and path
 * (origin-form to an origin, absolute-form to an upstream proxy); Host is written from
 * the checked host and port; the framing header (Content-Length or Transfer-Encoding:
 * chunked) is written from the framing the proxy enforces while it forwards the body;
 * the other end-to-end headers are copied. A message whose framing could be read two
 * ways is refused: both or several Content-Length values, a transfer coding other than
 * chunked, chunked in HTTP/1.0, and a Connection header naming Host, Content-Length or
 * Transfer-Encoding (which would make them hop-by-hop after the proxy framed the request
 * by them). The head parser (http_parse.h) already refuses bare CR or LF, NUL and other
 * control bytes, obsolete line folding and blanks before a colon. */
#ifndef CODEX_PROXY_HTTP_REQUEST_H
#define CODEX_PROXY_HTTP_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "proxy/http_parse.h"
#include "proxy/proxy.h"

struct http_request {
	char method[33];
	bool is_connect;
	bool unix_socket;           /* x-unix-socket: upstream's macOS-only escape hatch */
	bool https;                 /* an https:// absolute-form target */
	char host[PROXY_HOST_MAX];  /* normalised */
	unsigned port;
	unsigned default_port;      /* 80 or 443: the port Host may leave out */
	const char *path;           /* origin-form target: into the head's buffer */
	size_t path_len;            /* 0 stands for "/" */
	unsigned version_minor;
	enum http_body body;
	uint64_t length;
	bool has_length;            /* a Content-Length was given (maybe 0) */
	bool close;                 /* the client closes after this exchange */
	bool host_mismatch;         /* refused: Host names another host than the target */
};

/* Reads the checked request out of a parsed head (base is where the head starts). The
 * method, CONNECT and x-unix-socket are always filled in; 0, or -1 with *why set to the
 * 400 answer's text ("missing host", "invalid host", "missing authority", "invalid Host
 * header", "Host header does not match request target", ...). */
int http_request_read(const char *base, const struct http_head *h, struct http_request *r,
		      const char **why);

/* Appends the head sent on for r: origin-form, or absolute-form with proxy_auth (a
 * Proxy-Authorization value, or NULL) when the next hop is an upstream proxy. An
 * HTTP/1.0 request asks for "Connection: keep-alive" (the proxy's own hop). */
int http_request_write_head(const char *base, const struct http_head *h,
			    const struct http_request *r, bool absolute_form,
			    const char *proxy_auth, struct buf *out) WARN_UNUSED;

/* The response head sent to the client: the status line as it came, the end-to-end
 * headers, the framing header for kind/length (only for a response that has a body:
 * the others keep theirs as metadata) and "connection: keep-alive" or "close". */
int http_response_write_head(const char *base, size_t head_len, const struct http_head *h,
			     bool bodiless, enum http_body kind, uint64_t length, bool keep_alive,
			     struct buf *out) WARN_UNUSED;
/* -1 when the response's Connection header names Content-Length or Transfer-Encoding. */
int http_response_check(const char *base, const struct http_head *h);

/* How many of the n bytes at p belong to the body being forwarded (kind, *left and *ch
 * carry its progress; eof: the source has ended). Sets *done at the body's end, and
 * *failed for a broken chunked coding (the bytes before the fault are counted). */
size_t http_body_scan(enum http_body kind, uint64_t *left, struct http_chunked *ch,
		      const char *p, size_t n, bool eof, bool *done, bool *failed);

#endif
