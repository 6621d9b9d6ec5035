/* Drives src/base/http for the integration tests.
 *
 *   http-get [options] URL [URL...]
 *     -X METHOD          request method
 *     -H "Name: value"   request header (repeatable)
 *     -d BODY            request body
 *     --proxy URL        proxy ("" for none; default: the environment)
 *     --unix PATH        connect through a unix socket
 *     --timeout-ms N     whole-transfer timeout
 *     --idle-ms N        idle timeout
 *     --max-body N       cap on the collected body
 *     --stream           deliver the body through the streaming callback and print
 *                        each piece as "[chunk N bytes]" lines followed by the data
 *     --ca-source        print where the CA roots come from, then exit
 *     --print-header N   print the value of response header N
 *     --loop             use an http_client on the event loop (base/loop.h) instead:
 *                        all URLs at once; with --stream each call prints its pieces
 *                        as "[N: chunk L bytes]" lines followed by the data
 *     --cancel-after K   (with --loop --stream) the first call cancels itself from
 *                        inside its K-th data callback, and prints "[0: cancelled]"
 *
 * With one URL it uses http_perform; with several, an http_multi. Prints
 * "status <code>" then the body for each URL; on failure "error: <message>" on
 * stderr and exit 1. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/loop.h"

/* ---- --loop: calls on the event loop ---- */
struct loop_call {
	int index;
	int chunks;
	int cancel_after;             /* 0 = never */
	struct http_call *call;
	const char *want_header;
	int *running, *rc;
};

static void loop_on_head(void *ctx, long status, const struct strv *headers)
{
	struct loop_call *lc = ctx;

	printf("[%d: head %ld]\n", lc->index, status);
	(void)headers;
}

static void loop_on_data(void *ctx, const char *data, size_t len)
{
	struct loop_call *lc = ctx;

	printf("[%d: chunk %zu bytes]\n", lc->index, len);
	fwrite(data, 1, len, stdout);
	printf("\n");
	fflush(stdout);
	if (lc->cancel_after && ++lc->chunks == lc->cancel_after) {
		http_call_cancel(lc->call);
		/* Twice is harmless. */
		http_call_cancel(lc->call);
		printf("[%d: cancelled]\n", lc->index);
		(*lc->running)--;
	}
}

static void loop_on_done(void *ctx, const struct http_response *resp, const struct err *e)
{
	struct loop_call *lc = ctx;

	if (e) {
		fprintf(stderr, "error: %s\n", e->msg);
		*lc->rc = 1;
	} else {
		printf("[%d: done] status %ld\n", lc->index, resp->status);
		if (lc->want_header) {
			const char *v = http_response_header(resp, lc->want_header);
			printf("header %s: %s\n", lc->want_header, v ? v : "(none)");
		}
		if (resp->body.data)
			fwrite(resp->body.data, 1, resp->body.len, stdout);
		printf("\n");
	}
	fflush(stdout);
	/* Cancelling from inside on_done is a no-op. */
	http_call_cancel(lc->call);
	(*lc->running)--;
}

static int run_on_loop(const struct http_request *base, char **urls, int n, bool stream,
		       int cancel_after, const char *want_header)
{
	static const struct http_call_ops stream_ops = {loop_on_head, loop_on_data, loop_on_done};
	static const struct http_call_ops collect_ops = {NULL, NULL, loop_on_done};
	struct http_request *reqs = calloc((size_t)n, sizeof *reqs);
	struct loop_call *lcs = calloc((size_t)n, sizeof *lcs);
	struct http_client *hc = NULL;
	struct loop *l = NULL;
	int running = 0, rc = 0;
	struct err e;

	if (!reqs || !lcs || loop_new(&l, &e) < 0 || http_client_new(l, &hc, &e) < 0) {
		fprintf(stderr, "error: %s\n", reqs && lcs ? e.msg : "out of memory");
		return 1;
	}
	for (int k = 0; k < n; k++) {
		reqs[k] = *base;
		reqs[k].url = urls[k];
		lcs[k] = (struct loop_call){k, 0, k == 0 ? cancel_after : 0, NULL, want_header,
					    &running, &rc};
		lcs[k].call = http_call_start(hc, &reqs[k], stream ? &stream_ops : &collect_ops,
					      &lcs[k], &e);
		if (!lcs[k].call) {
			fprintf(stderr, "error: %s\n", e.msg);
			return 1;
		}
		running++;
	}
	while (running > 0)
		if (loop_run_once(l, -1, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			return 1;
		}
	http_client_free(hc);
	loop_free(l);
	free(reqs);
	free(lcs);
	return rc;
}

static int print_chunk(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	printf("[chunk %zu bytes]\n", len);
	fwrite(data, 1, len, stdout);
	printf("\n");
	fflush(stdout);
	return 0;
}

static void print_response(const struct http_response *resp, const char *want_header)
{
	printf("status %ld\n", resp->status);
	if (want_header) {
		const char *v = http_response_header(resp, want_header);
		printf("header %s: %s\n", want_header, v ? v : "(none)");
	}
	if (resp->body.data)
		fwrite(resp->body.data, 1, resp->body.len, stdout);
}

int main(int argc, char **argv)
{
	struct http_request base;
	struct strv headers = STRV_INIT;
	const char *want_header = NULL;
	struct err e;
	int i, first_url, rc = 0, cancel_after = 0;
	bool on_loop = false;

	memset(&base, 0, sizeof base);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--ca-source") == 0) {
			printf("%s\n", http_ca_source());
			return 0;
		}
		if (strcmp(a, "--stream") == 0) {
			base.on_data = print_chunk;
			continue;
		}
		if (strcmp(a, "--loop") == 0) {
			on_loop = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "http-get: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "-X") == 0)
			base.method = v;
		else if (strcmp(a, "-H") == 0) {
			if (strv_push(&headers, v) < 0)
				return 1;
		} else if (strcmp(a, "-d") == 0) {
			base.body = v;
			base.body_len = strlen(v);
		} else if (strcmp(a, "--proxy") == 0)
			base.proxy = v;
		else if (strcmp(a, "--unix") == 0)
			base.unix_socket = v;
		else if (strcmp(a, "--timeout-ms") == 0)
			base.timeout_ms = atol(v);
		else if (strcmp(a, "--idle-ms") == 0)
			base.idle_timeout_ms = atol(v);
		else if (strcmp(a, "--max-body") == 0)
			base.max_body = (size_t)atol(v);
		else if (strcmp(a, "--print-header") == 0)
			want_header = v;
		else if (strcmp(a, "--cancel-after") == 0)
			cancel_after = atoi(v);
		else {
			fprintf(stderr, "http-get: unknown option %s\n", a);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: http-get [options] URL...\n");
		return 2;
	}
	base.headers = headers.n ? &headers : NULL;
	first_url = i;
	if (on_loop) {
		rc = run_on_loop(&base, argv + first_url, argc - first_url, base.on_data != NULL,
				 cancel_after, want_header);
		strv_free(&headers);
		return rc;
	}

	if (argc - first_url == 1) {
		struct http_response resp;
		base.url = argv[first_url];
		if (http_perform(&base, &resp, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			rc = 1;
		} else
			print_response(&resp, want_header);
		http_response_free(&resp);
	} else {
		int n = argc - first_url;
		struct http_request *reqs = calloc((size_t)n, sizeof *reqs);
		struct http_response *resps = calloc((size_t)n, sizeof *resps);
		struct http_transfer **ts = calloc((size_t)n, sizeof *ts);
		struct http_multi *m = http_multi_new(&e);
		if (!reqs || !resps || !ts || !m) {
			fprintf(stderr, "error: %s\n", m ? "out of memory" : e.msg);
			return 1;
		}
		for (int k = 0; k < n; k++) {
			reqs[k] = base;
			reqs[k].url = argv[first_url + k];
			ts[k] = http_multi_add(m, &reqs[k], &resps[k], &e);
			if (!ts[k]) {
				fprintf(stderr, "error: %s\n", e.msg);
				return 1;
			}
		}
		if (http_multi_run(m, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			rc = 1;
		}
		for (int k = 0; k < n; k++) {
			int ok = 0;
			struct err te;
			if (http_transfer_done(ts[k], &ok, &te) && ok)
				print_response(&resps[k], want_header);
			else {
				fprintf(stderr, "error: %s\n", ok ? "unfinished" : te.msg);
				rc = 1;
			}
			printf("\n--\n");
			http_response_free(&resps[k]);
		}
		http_multi_free(m);
		free(reqs);
		free(resps);
		free(ts);
	}
	strv_free(&headers);
	return rc;
}
