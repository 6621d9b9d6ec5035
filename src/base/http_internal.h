/* Private to src/base/http*.c: the per-transfer state and setup shared by the blocking
 * (http.c) and loop-driven (http_loop.c) paths. libcurl types stay below this line. */
#ifndef CODEX_BASE_HTTP_INTERNAL_H
#define CODEX_BASE_HTTP_INTERNAL_H

#include <curl/curl.h>

#include "base/http.h"

struct http_transfer {
	CURL *easy;
	struct curl_slist *headers;
	const struct http_request *req;
	struct http_response *resp;
	char errbuf[CURL_ERROR_SIZE];
	char abort_reason[200];      /* set when one of our callbacks stopped the transfer */
	size_t header_bytes;
	long last_activity_ms;
	int done, ok;
	struct err err;
	struct http_transfer *next;
};

/* libcurl's global state and the CA roots, set up once per process. */
int http_ready(struct err *e);
long http_monotonic_ms(void);

/* Fills t for req (borrowed for the transfer's life), resp receiving status and headers
 * (and the body when req->on_data is NULL). On failure t still needs
 * http_xfer_cleanup and resp http_response_free. */
int http_xfer_setup(struct http_transfer *t, const struct http_request *req,
		    struct http_response *resp, struct err *e);
/* Records the outcome of a finished transfer (status, ok, err). */
void http_xfer_finish(struct http_transfer *t, CURLcode rc);
/* Turns a libcurl result into a message a user can act on; returns -1. */
int http_xfer_error(struct http_transfer *t, CURLcode rc, struct err *e);
void http_xfer_cleanup(struct http_transfer *t);

#endif
