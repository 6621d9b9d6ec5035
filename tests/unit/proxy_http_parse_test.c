/* HTTP head parser, chunked scanner and framing rules (src/proxy/http_parse.c). */
#include <stdio.h>
#include <string.h>

#include "proxy/http_parse.h"
#include "test.h"

/* Parses s whole and byte at a time; both must agree. Returns the result. */
static enum http_result parse(const char *s, enum http_kind kind, struct http_parser *out)
{
	struct http_parser bytewise;
	enum http_result whole, r = HTTP_NEED_MORE;
	size_t len = strlen(s);

	http_parser_init(out, kind);
	whole = http_parser_feed(out, s, len);
	http_parser_init(&bytewise, kind);
	for (size_t n = 1; n <= len && r == HTTP_NEED_MORE; n++)
		r = http_parser_feed(&bytewise, s, n);
	CHECK_INT(r, whole);
	CHECK_INT(bytewise.pos, out->pos);
	CHECK_INT(bytewise.error, out->error);
	CHECK(memcmp(&bytewise.head, &out->head, sizeof out->head) == 0);
	return whole;
}

static const char *hval(const char *base, const struct http_head *h, const char *name,
			char *tmp)
{
	int k = http_header_find(base, h, name, 0);
	if (k < 0)
		return NULL;
	memcpy(tmp, base + h->hdr[k].value.off, h->hdr[k].value.len);
	tmp[h->hdr[k].value.len] = '\0';
	return tmp;
}

TEST(http_request_head)
{
	struct http_parser p;
	char tmp[256];
	const char *req = "GET http://a.test/x?y HTTP/1.1\r\nHost: a.test\r\nX-A:  v  w \t\r\n"
			  "Empty:\r\n\r\nBODY";

	REQUIRE(parse(req, HTTP_KIND_REQUEST, &p) == HTTP_DONE);
	CHECK_INT(p.pos, strlen(req) - 4);
	CHECK(http_slice_eq(req, p.head.method, "GET"));
	CHECK(http_slice_eq(req, p.head.target, "http://a.test/x?y"));
	CHECK_INT(p.head.version_minor, 1);
	CHECK_INT(p.head.nhdr, 3);
	CHECK_STR(hval(req, &p.head, "x-a", tmp), "v  w");
	CHECK_STR(hval(req, &p.head, "EMPTY", tmp), "");
	CHECK_STR(hval(req, &p.head, "host", tmp), "a.test");
}

TEST(http_response_head)
{
	struct http_parser p;
	const char *r1 = "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
	const char *r2 = "HTTP/1.0 200\r\n\r\n";

	REQUIRE(parse(r1, HTTP_KIND_RESPONSE, &p) == HTTP_DONE);
	CHECK_INT(p.head.status, 204);
	REQUIRE(parse(r2, HTTP_KIND_RESPONSE, &p) == HTTP_DONE);
	CHECK_INT(p.head.status, 200);
	CHECK_INT(p.head.version_minor, 0);
	CHECK(parse("HTTP/1.1 20 OK\r\n\r\n", HTTP_KIND_RESPONSE, &p) == HTTP_ERROR);
	CHECK(parse("HTTP/2 200 OK\r\n\r\n", HTTP_KIND_RESPONSE, &p) == HTTP_ERROR);
}

TEST(http_rejects_smuggling_shapes)
{
	static const char *bad[] = {
		"GET / HTTP/1.1\nHost: a\n\n",                 /* bare LF */
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",          /* blank before colon */
		"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",        /* obsolete folding */
		"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",           /* bare CR in a value */
		"GET / HTTP/1.1\r\nA: \x01\r\n\r\n",           /* control byte */
		"GET /a b HTTP/1.1\r\n\r\n",                   /* space in target */
		"GET  / HTTP/1.1\r\n\r\n",                     /* empty target */
		"G(T / HTTP/1.1\r\n\r\n",                      /* bad method */
		"GET / HTTP/1.1 \r\n\r\n",                     /* junk after version */
		"GET / FOO/1.1\r\n\r\n",
		"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",              /* non-ASCII target */
		"\x16\x03\x01\x02\x00",                        /* TLS to the HTTP port */
	};
	struct http_parser p;

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		if (parse(bad[k], HTTP_KIND_REQUEST, &p) != HTTP_ERROR)
			test_fail(__FILE__, __LINE__, "accepted case %zu", k);
		CHECK_INT(http_error_status(p.error), 400);
	}
	CHECK(parse("GET / HTTP/2.0\r\n\r\n", HTTP_KIND_REQUEST, &p) == HTTP_ERROR);
	CHECK_INT(http_error_status(p.error), 505);
}

TEST(http_limits)
{
	static char big[LIMIT_PROXY_HEAD_BYTES * 2];
	struct http_parser p;
	size_t n;

	/* Request line over its cap: 414. */
	n = (size_t)snprintf(big, sizeof big, "GET http://a/");
	memset(big + n, 'a', LIMIT_PROXY_REQUEST_LINE);
	strcpy(big + n + LIMIT_PROXY_REQUEST_LINE, " HTTP/1.1\r\n\r\n");
	http_parser_init(&p, HTTP_KIND_REQUEST);
	CHECK(http_parser_feed(&p, big, strlen(big)) == HTTP_ERROR);
	CHECK_INT(http_error_status(p.error), 414);
	/* Head over its cap: 431, even when fed in pieces that never end the head. */
	n = (size_t)snprintf(big, sizeof big, "GET http://a/ HTTP/1.1\r\n");
	while (n < sizeof big - 400) {
		n += (size_t)snprintf(big + n, sizeof big - n, "X-Pad: ");
		memset(big + n, 'p', 300);
		n += 300;
		n += (size_t)snprintf(big + n, sizeof big - n, "\r\n");
	}
	http_parser_init(&p, HTTP_KIND_REQUEST);
	CHECK(http_parser_feed(&p, big, LIMIT_PROXY_HEAD_BYTES / 2) == HTTP_NEED_MORE);
	CHECK(http_parser_feed(&p, big, n) == HTTP_ERROR);
	CHECK_INT(http_error_status(p.error), 431);
	/* Too many header lines: 431. */
	n = (size_t)snprintf(big, sizeof big, "GET http://a/ HTTP/1.1\r\n");
	for (int k = 0; k <= LIMIT_PROXY_HEADERS; k++)
		n += (size_t)snprintf(big + n, sizeof big - n, "A: b\r\n");
	strcpy(big + n, "\r\n");
	http_parser_init(&p, HTTP_KIND_REQUEST);
	CHECK(http_parser_feed(&p, big, strlen(big)) == HTTP_ERROR);
	CHECK_INT(p.error, HTTP_ERR_TOO_MANY_HEADERS);
	/* A failed parser stays failed. */
	CHECK(http_parser_feed(&p, "GET / HTTP/1.1\r\n\r\n", 18) == HTTP_ERROR);
}

static int framing(const char *req, enum http_body *kind, uint64_t *len)
{
	struct http_parser p;
	if (parse(req, HTTP_KIND_REQUEST, &p) != HTTP_DONE)
		return -2;
	return http_request_framing(req, &p.head, kind, len);
}

TEST(http_request_framing_conflicts)
{
	enum http_body kind;
	uint64_t len;

	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &kind, &len) == 0);
	CHECK(kind == HTTP_BODY_LENGTH && len == 5);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
		      &kind, &len) == 0);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", &kind,
		      &len) == 0);
	CHECK(kind == HTTP_BODY_CHUNKED);
	CHECK(framing("GET http://a/ HTTP/1.1\r\n\r\n", &kind, &len) == 0);
	CHECK(kind == HTTP_BODY_NONE);
	/* Both framings, differing lengths, junk lengths, other codings: refused. */
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: "
		      "chunked\r\n\r\n", &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		      &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: +5\r\n\r\n", &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n", &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", &kind,
		      &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
		      "chunked\r\n\r\n", &kind, &len) == -1);
	CHECK(framing("POST http://a/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &kind,
		      &len) == -1);
}

TEST(http_chunked_scan_any_split)
{
	const char *body = "5;name=v\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nNEXT";
	size_t blen = strlen(body) - 4;
	struct http_chunked c;

	for (size_t split = 0; split <= strlen(body); split++) {
		size_t used;
		http_chunked_init(&c);
		used = http_chunked_feed(&c, body, split);
		if (used == split)
			used += http_chunked_feed(&c, body + split, strlen(body) - split);
		CHECK_INT(c.state, CH_DONE);
		CHECK_INT(used, blen);
	}
	/* Byte at a time. */
	http_chunked_init(&c);
	size_t used = 0;
	for (size_t k = 0; k < strlen(body) && c.state != CH_DONE; k++)
		used += http_chunked_feed(&c, body + k, 1);
	CHECK_INT(used, blen);
	static const char *bad[] = {"zz\r\n", "5\r\nhelloXX", "\r\n", "5 \r\n",
				    "10000000000000000\r\n", "0\r\n\x01\r\n"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		http_chunked_init(&c);
		http_chunked_feed(&c, bad[k], strlen(bad[k]));
		if (c.state != CH_FAILED)
			test_fail(__FILE__, __LINE__, "chunked accepted case %zu", k);
	}
}

TEST(http_response_framing_rules)
{
	struct http_parser p;
	enum http_body kind;
	uint64_t len;
	const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";

	REQUIRE(parse(r, HTTP_KIND_RESPONSE, &p) == HTTP_DONE);
	CHECK(http_response_framing(r, &p.head, false, &kind, &len) == 0 && kind == HTTP_BODY_LENGTH);
	CHECK(http_response_framing(r, &p.head, true, &kind, &len) == 0 && kind == HTTP_BODY_NONE);
	r = "HTTP/1.1 200 OK\r\n\r\n";
	REQUIRE(parse(r, HTTP_KIND_RESPONSE, &p) == HTTP_DONE);
	CHECK(http_response_framing(r, &p.head, false, &kind, &len) == 0 &&
	      kind == HTTP_BODY_UNTIL_CLOSE);
	r = "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n";
	REQUIRE(parse(r, HTTP_KIND_RESPONSE, &p) == HTTP_DONE);
	CHECK(http_response_framing(r, &p.head, false, &kind, &len) == 0 && kind == HTTP_BODY_NONE);
}

TEST(http_authority_and_absolute)
{
	char host[64];
	unsigned port;
	struct http_absolute a;

	CHECK(http_split_authority("a.test:8080", 11, 0, host, sizeof host, &port) == 0);
	CHECK_STR(host, "a.test");
	CHECK_INT(port, 8080);
	CHECK(http_split_authority("[::1]:443", 9, 0, host, sizeof host, &port) == 0);
	CHECK_STR(host, "::1");
	CHECK(http_split_authority("a.test", 6, 80, host, sizeof host, &port) == 0 && port == 80);
	CHECK(http_split_authority("a.test", 6, 0, host, sizeof host, &port) == -1);
	CHECK(http_split_authority("u@a.test:1", 10, 0, host, sizeof host, &port) == -1);
	CHECK(http_split_authority("a.test:0", 8, 0, host, sizeof host, &port) == -1);
	CHECK(http_split_authority("a.test:65536", 12, 0, host, sizeof host, &port) == -1);
	CHECK(http_split_authority("a.test:", 7, 80, host, sizeof host, &port) == -1);
	CHECK(http_split_authority("::1:80", 6, 0, host, sizeof host, &port) == -1);
	CHECK(http_parse_absolute("http://a.test:81/p?q#f", 22, &a) == 0);
	CHECK(a.authority_len == 9 && !a.https);
	CHECK(a.path_len == 4 && memcmp(a.path, "/p?q", 4) == 0);
	CHECK(http_parse_absolute("HTTPS://x", 9, &a) == 0 && a.https && a.path_len == 0);
	CHECK(http_parse_absolute("/relative", 9, &a) == -1);
	CHECK(http_parse_absolute("ftp://x/", 8, &a) == -1);
	CHECK(http_parse_absolute("http:///x", 9, &a) == -1);
}
