#include "base/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/ca.h"
#include "base/http_internal.h"
#include "base/limits.h"

/* Process-wide: libcurl's global state and the CA roots, found once. */
static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;
static struct ca_roots roots;
static int roots_ok;
static struct err roots_err;

static void http_global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	roots_ok = ca_roots_find(&roots, &roots_err) == 0;
}

int http_ready(struct err *e)
{
	pthread_once(&http_once, http_global_init);
	if (global_rc != CURLE_OK)
		return err_set(e, "cannot initialise libcurl: %s", curl_easy_strerror(global_rc));
	if (!roots_ok)
		return err_set(e, "%s", roots_err.msg);
	return 0;
}

const char *http_ca_source(void)
{
	pthread_once(&http_once, http_global_init);
	return roots_ok ? roots.source : roots_err.msg;
}

long http_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_curl_header(char *data, size_t size, size_t n, void *userp)
{
	struct http_transfer *t = userp;
	size_t len = size * n, l = len;

	t->last_activity_ms = http_monotonic_ms();
	while (l > 0 && (data[l - 1] == '\n' || data[l - 1] == '\r'))
		l--;
	if (l >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue or a proxy's CONNECT answer). */
		strv_free(&t->resp->headers);
		t->header_bytes = 0;
		return len;
	}
	if (l == 0)
		return len;
	t->header_bytes += l;
	if (t->header_bytes > LIMIT_HTTP_HEADER_BYTES) {
		snprintf(t->abort_reason, sizeof t->abort_reason,
			 "response headers exceed %u bytes", LIMIT_HTTP_HEADER_BYTES);
		return 0;
	}
	if (strv_take(&t->resp->headers, strndup(data, l)) < 0) {
		snprintf(t->abort_reason, sizeof t->abort_reason, "out of memory");
		return 0;
	}
	if (t->req->on_header && t->req->on_header(t->req->ctx, data, l) < 0) {
		snprintf(t->abort_reason, sizeof t->abort_reason, "stopped by the caller");
		return 0;
	}
	return len;
}

static size_t on_curl_data(char *data, size_t size, size_t n, void *userp)
{
	struct http_transfer *t = userp;
	size_t len = size * n;

	t->last_activity_ms = http_monotonic_ms();
	if (t->req->on_data) {
		if (t->req->on_data(t->req->ctx, data, len) < 0) {
			snprintf(t->abort_reason, sizeof t->abort_reason, "stopped by the caller");
			return 0;
		}
		return len;
	}
	if (buf_append(&t->resp->body, data, len) < 0) {
		snprintf(t->abort_reason, sizeof t->abort_reason,
			 "response body exceeds %zu bytes", t->resp->body.max);
		return 0;
	}
	return len;
}

static int on_curl_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow,
			    curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_transfer *t = userp;
	long idle = t->req->idle_timeout_ms;

	if (idle > 0 && http_monotonic_ms() - t->last_activity_ms > idle) {
		snprintf(t->abort_reason, sizeof t->abort_reason,
			 "no data received for %ld ms (idle timeout)", idle);
		return 1;
	}
	return 0;
}

/* "https://user@host:443/path" -> "host:443" (for messages only). */
static void url_authority(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(url, "://"), *end, *at;
	size_t n;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	n = (size_t)(end - p);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

#define SETOPT(opt, val)                                              \
	do {                                                          \
		if (curl_easy_setopt(t->easy, opt, val) != CURLE_OK)  \
			return err_set(e, "cannot set %s", #opt);     \
	} while (0)

int http_xfer_setup(struct http_transfer *t, const struct http_request *req,
		    struct http_response *resp, struct err *e)
{
	const char *method = req->method ? req->method : (req->body ? "POST" : "GET");

	t->req = req;
	t->resp = resp;
	resp->status = 0;
	resp->headers = (struct strv)STRV_INIT;
	buf_init(&resp->body, req->max_body ? req->max_body : LIMIT_HTTP_BODY_BYTES);
	t->easy = curl_easy_init();
	if (!t->easy)
		return err_set(e, "cannot create a libcurl handle");
	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_ERRORBUFFER, t->errbuf);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_USERAGENT, "codex-cli/" CODEX_VERSION);
	SETOPT(CURLOPT_HEADERFUNCTION, on_curl_header);
	SETOPT(CURLOPT_HEADERDATA, t);
	SETOPT(CURLOPT_WRITEFUNCTION, on_curl_data);
	SETOPT(CURLOPT_WRITEDATA, t);
	SETOPT(CURLOPT_XFERINFOFUNCTION, on_curl_progress);
	SETOPT(CURLOPT_XFERINFODATA, t);
	SETOPT(CURLOPT_NOPROGRESS, 0L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
	       req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 30000L);
	if (req->timeout_ms > 0)
		SETOPT(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	if (strcmp(method, "GET") != 0)
		SETOPT(CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		SETOPT(CURLOPT_NOBODY, 1L);
	if (req->body) {
		SETOPT(CURLOPT_POSTFIELDS, req->body);
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (req->proxy)
		SETOPT(CURLOPT_PROXY, req->proxy);
	if (req->unix_socket)
		SETOPT(CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
	if (roots.file) {
		SETOPT(CURLOPT_CAINFO, roots.file);
		SETOPT(CURLOPT_PROXY_CAINFO, roots.file);
	} else {
		struct curl_blob blob = {(void *)roots.pem, roots.pem_len, CURL_BLOB_NOCOPY};
		SETOPT(CURLOPT_CAINFO_BLOB, &blob);
		SETOPT(CURLOPT_PROXY_CAINFO_BLOB, &blob);
	}
	for (size_t i = 0; req->headers && i < req->headers->n; i++) {
		struct curl_slist *l = curl_slist_append(t->headers, req->headers->v[i]);
		if (!l)
			return err_set(e, "out of memory");
		t->headers = l;
	}
	/* No "Expect: 100-continue" for large bodies: it costs a round trip (or a second of
	 * waiting on servers that never answer it) and no server we talk to needs it. */
	if (req->body) {
		struct curl_slist *l = curl_slist_append(t->headers, "Expect:");
		if (!l)
			return err_set(e, "out of memory");
		t->headers = l;
	}
	if (t->headers)
		SETOPT(CURLOPT_HTTPHEADER, t->headers);
	t->last_activity_ms = http_monotonic_ms();
	return 0;
}

/* Turns a libcurl result into a message a user can act on. */
int http_xfer_error(struct http_transfer *t, CURLcode rc, struct err *e)
{
	char host[256];
	const char *detail = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);

	url_authority(t->req->url, host, sizeof host);
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_WRITE_ERROR:
		if (t->abort_reason[0])
			return err_set(e, "request to %s: %s", host, t->abort_reason);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(e, "cannot resolve host %s: %s", host, detail);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return err_set(e, "cannot resolve the proxy: %s", detail);
	case CURLE_COULDNT_CONNECT:
		return err_set(e, "cannot connect to %s: %s", host, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(e, "request to %s timed out: %s", host, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(e,
			       "TLS error: the certificate of %s could not be verified against "
			       "the CA roots from %s: %s",
			       host, roots.source, detail);
	case CURLE_SSL_CONNECT_ERROR:
		return err_set(e, "TLS error: handshake with %s failed: %s", host, detail);
	default:
		break;
	}
	return err_set(e, "request to %s failed: %s", host, detail);
}

void http_xfer_finish(struct http_transfer *t, CURLcode rc)
{
	long status = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	t->resp->status = status;
	t->done = 1;
	t->ok = rc == CURLE_OK;
	if (!t->ok)
		http_xfer_error(t, rc, &t->err);
}

void http_xfer_cleanup(struct http_transfer *t)
{
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	t->easy = NULL;
	t->headers = NULL;
}

int http_perform(const struct http_request *req, struct http_response *resp, struct err *e)
{
	struct http_transfer t;
	int rc = -1;

	memset(&t, 0, sizeof t);
	resp->headers = (struct strv)STRV_INIT;
	buf_init(&resp->body, 1);
	if (http_ready(e) < 0)
		return -1;
	if (http_xfer_setup(&t, req, resp, e) < 0)
		goto out;
	http_xfer_finish(&t, curl_easy_perform(t.easy));
	if (!t.ok) {
		*e = t.err;
		goto out;
	}
	rc = 0;
out:
	http_xfer_cleanup(&t);
	return rc;
}

void http_response_free(struct http_response *resp)
{
	strv_free(&resp->headers);
	buf_free(&resp->body);
}

const char *http_headers_get(const struct strv *headers, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; headers && i < headers->n; i++) {
		const char *h = headers->v[i];
		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			h += nl + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

const char *http_response_header(const struct http_response *resp, const char *name)
{
	return http_headers_get(&resp->headers, name);
}

struct http_multi {
	CURLM *multi;
	struct http_transfer *transfers;
};

struct http_multi *http_multi_new(struct err *e)
{
	struct http_multi *m;

	if (http_ready(e) < 0)
		return NULL;
	m = calloc(1, sizeof *m);
	if (!m) {
		err_set(e, "out of memory");
		return NULL;
	}
	m->multi = curl_multi_init();
	if (!m->multi) {
		free(m);
		err_set(e, "cannot create a libcurl multi handle");
		return NULL;
	}
	return m;
}

struct http_transfer *http_multi_add(struct http_multi *m, const struct http_request *req,
				     struct http_response *resp, struct err *e)
{
	struct http_transfer *t = calloc(1, sizeof *t);

	if (!t) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (http_xfer_setup(t, req, resp, e) < 0)
		goto fail;
	if (curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t) != CURLE_OK ||
	    curl_multi_add_handle(m->multi, t->easy) != CURLM_OK) {
		err_set(e, "cannot start the transfer of %s", req->url);
		goto fail;
	}
	t->next = m->transfers;
	m->transfers = t;
	return t;
fail:
	http_xfer_cleanup(t);
	http_response_free(resp);
	free(t);
	return NULL;
}

int http_multi_poll(struct http_multi *m, int timeout_ms, int *running, struct err *e)
{
	CURLMsg *msg;
	CURLMcode mc;
	int left;

	mc = curl_multi_perform(m->multi, running);
	if (mc == CURLM_OK && *running > 0 && timeout_ms > 0) {
		mc = curl_multi_poll(m->multi, NULL, 0, timeout_ms, NULL);
		if (mc == CURLM_OK)
			mc = curl_multi_perform(m->multi, running);
	}
	if (mc != CURLM_OK)
		return err_set(e, "HTTP transfers failed: %s", curl_multi_strerror(mc));
	while ((msg = curl_multi_info_read(m->multi, &left))) {
		struct http_transfer *t = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		if (t)
			http_xfer_finish(t, msg->data.result);
	}
	return 0;
}

int http_transfer_done(const struct http_transfer *t, int *ok, struct err *te)
{
	if (!t->done)
		return 0;
	*ok = t->ok;
	if (!t->ok && te)
		*te = t->err;
	return 1;
}

int http_multi_run(struct http_multi *m, struct err *e)
{
	int running = 1;

	while (running > 0)
		if (http_multi_poll(m, 1000, &running, e) < 0)
			return -1;
	return 0;
}

void http_multi_free(struct http_multi *m)
{
	struct http_transfer *t, *next;

	if (!m)
		return;
	for (t = m->transfers; t; t = next) {
		next = t->next;
		curl_multi_remove_handle(m->multi, t->easy);
		http_xfer_cleanup(t);
		free(t);
	}
	curl_multi_cleanup(m->multi);
	free(m);
}
