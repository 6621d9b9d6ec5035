/* A thin HTTP client over libcurl (HTTP/1.1, HTTPS with BearSSL). libcurl types do not
 * cross this header. TLS roots come from ca_roots_find() (src/base/ca.h).
 *
 * One request: fill a struct http_request, call http_perform(). Several at once: an
 * http_multi, to which requests are added and which is driven by http_multi_poll()
 * (or run to completion with http_multi_run()). On the shared event loop (base/loop.h):
 * an http_client, whose calls never block the loop. Bodies are either streamed to
 * on_data (e.g. SSE) or collected, up to a cap, in the response. */
#ifndef CODEX_BASE_HTTP_H
#define CODEX_BASE_HTTP_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/strv.h"

struct http_request {
	const char *method;           /* NULL = GET, or POST when body is set */
	const char *url;
	const struct strv *headers;   /* "Name: value" lines, or NULL */
	const void *body;             /* request body, or NULL */
	size_t body_len;

	long connect_timeout_ms;      /* 0 = 30 s */
	long timeout_ms;              /* whole transfer; 0 = none */
	long idle_timeout_ms;         /* abort when no byte arrives for this long; 0 = none */

	/* NULL: the environment decides (http_proxy, https_proxy, all_proxy, no_proxy,
	 * as curl reads them). "": no proxy at all. Otherwise the proxy URL
	 * (http://, socks5h://, ...). */
	const char *proxy;
	const char *unix_socket;      /* connect to this unix socket instead, or NULL */

	/* Called with each response header line (no CR LF); return -1 to abort. */
	int (*on_header)(void *ctx, const char *line, size_t len);
	/* Called with each piece of the body as it arrives; return -1 to abort. When NULL
	 * the body is collected in http_response.body (up to max_body bytes). */
	int (*on_data)(void *ctx, const void *data, size_t len);
	void *ctx;
	size_t max_body;              /* 0 = LIMIT_HTTP_BODY_BYTES */
};

struct http_response {
	long status;                  /* 0 when no response arrived */
	struct strv headers;          /* "name: value" lines of the last response */
	struct buf body;              /* collected body when on_data was NULL */
};

/* Performs req; on success (any HTTP status) resp is filled and must be released with
 * http_response_free. On failure e says what went wrong in words a user can act on
 * ("TLS certificate of <host> could not be verified ...", "connection refused ...",
 * "timed out ..."), and resp is still released by http_response_free. */
int http_perform(const struct http_request *req, struct http_response *resp, struct err *e);
void http_response_free(struct http_response *resp);

/* Value of the first header named name (case-insensitive), borrowed from resp; NULL
 * when absent. */
const char *http_response_header(const struct http_response *resp, const char *name);
/* The same on a list of "name: value" lines (NULL allowed). */
const char *http_headers_get(const struct strv *headers, const char *name);

/* Where the TLS roots come from (for diagnostics), e.g. "/etc/ssl/certs/...". */
const char *http_ca_source(void);

/* Concurrent transfers. */
struct http_multi;
struct http_transfer;

struct http_multi *http_multi_new(struct err *e);
/* Starts req (borrowed until the transfer is done; the response is written to resp).
 * Returns a handle owned by the multi, or NULL. */
struct http_transfer *http_multi_add(struct http_multi *m, const struct http_request *req,
				     struct http_response *resp, struct err *e);
/* Does whatever work is ready, waiting at most timeout_ms; *running gets the number
 * of unfinished transfers. */
int http_multi_poll(struct http_multi *m, int timeout_ms, int *running, struct err *e);
/* 1 when t is finished (then *ok says whether it succeeded and te holds the error),
 * 0 while it runs. */
int http_transfer_done(const struct http_transfer *t, int *ok, struct err *te);
/* Polls until every transfer has finished. */
int http_multi_run(struct http_multi *m, struct err *e);
/* Frees the multi and every transfer (unfinished ones are aborted). */
void http_multi_free(struct http_multi *m);

/* Transfers on the shared event loop, through libcurl's multi socket interface: its
 * sockets are loop watches, its timeouts a loop timer, and nothing blocks. Every
 * callback of struct http_call_ops runs from the loop, never from inside libcurl, so it
 * may start or cancel any call, its own included. Connections are kept alive and reused
 * between the calls of one client. */
struct http_client;
struct http_call;

struct http_call_ops {
	/* The response head is complete: status and its "name: value" header lines
	 * (borrowed for the call). Once, before any on_data; may be NULL. */
	void (*on_head)(void *ctx, long status, const struct strv *headers);
	/* Body bytes in arrival order, split anywhere. NULL: the body is collected into
	 * the response handed to on_done (up to req->max_body). */
	void (*on_data)(void *ctx, const char *data, size_t len);
	/* The call is over. resp->status is 0 when no response arrived; e is NULL on
	 * success, else why it failed (connection, TLS, timeout, idle timeout, body cap).
	 * Exactly once unless the call was cancelled; the call is freed when it returns
	 * (resp with it). */
	void (*on_done)(void *ctx, const struct http_response *resp, const struct err *e);
};

/* A client on loop l (which must outlive it). */
int http_client_new(struct loop *l, struct http_client **out, struct err *e);
/* Cancels every call (no callbacks) and closes the kept connections; not from inside
 * one of its callbacks. */
void http_client_free(struct http_client *c);
/* Starts req. req and everything it points to (url, headers, body) are borrowed until
 * on_done returns or the call is cancelled; its on_header, on_data and ctx are not used.
 * req->idle_timeout_ms counts from the start, so it also bounds a server that accepts
 * and never answers. Returns NULL with e filled when the call cannot start. */
struct http_call *http_call_start(struct http_client *c, const struct http_request *req,
				  const struct http_call_ops *ops, void *ctx, struct err *e);
/* Stops the call now; no callback of it follows. Safe at any time, from any callback
 * (its own included); a no-op from inside its own on_done. */
void http_call_cancel(struct http_call *call);
/* Like http_call_cancel for the caller (no callback follows, the call is the client's
 * to free), but the transfer may run on for up to drain_ms to read the rest of the
 * response, so that its connection stays open for the next call (a response the caller
 * has all it needs of often still has its last bytes in flight). */
void http_call_detach(struct http_call *call, long drain_ms);
/* How many calls the client has in flight, detached ones included. */
size_t http_client_calls(const struct http_client *c);

#endif
