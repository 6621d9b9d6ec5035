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
 *
 * With one URL it uses http_perform; with several, an http_multi. Prints
 * "status <code>" then the body for each URL; on failure "error: <message>" on
 * stderr and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"

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
	int i, first_url, rc = 0;

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
