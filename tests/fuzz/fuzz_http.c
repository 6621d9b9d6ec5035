/* Fuzz target: the HTTP head parser (request and response), the chunked scanner, the
 * framing rules, target/authority splitting and host normalisation. Each input is parsed
 * whole and again in two pieces (split at a point taken from the first byte): both runs
 * must agree, since the parser is resumable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/http_parse.h"
#include "proxy/policy.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void interpret(const char *base, const struct http_parser *p)
{
	enum http_body kind;
	uint64_t length;
	char host[PROXY_HOST_MAX], norm[PROXY_HOST_MAX];
	unsigned port;
	struct http_absolute abs;
	const struct http_head *h = &p->head;

	for (unsigned k = 0; k < h->nhdr; k++) {
		check(h->hdr[k].name.off + h->hdr[k].name.len <= p->pos);
		check(h->hdr[k].value.off + h->hdr[k].value.len <= p->pos);
	}
	if (p->kind == HTTP_KIND_REQUEST) {
		(void)http_request_framing(base, h, &kind, &length);
		const char *t = base + h->target.off;
		if (http_split_authority(t, h->target.len, 0, host, sizeof host, &port) == 0)
			(void)policy_normalize_host(host, strlen(host), norm);
		if (http_parse_absolute(t, h->target.len, &abs) == 0 &&
		    http_split_authority(abs.authority, abs.authority_len, 80, host, sizeof host,
					 &port) == 0)
			(void)policy_normalize_host(host, strlen(host), norm);
	} else {
		(void)http_response_framing(base, h, false, &kind, &length);
	}
	(void)http_header_has_token(base, h, "connection", "close");
}

static void run(const uint8_t *data, size_t size, enum http_kind kind)
{
	struct http_parser a, b;
	enum http_result ra, rb;
	size_t split = size ? data[0] % (size + 1) : 0;

	http_parser_init(&a, kind);
	ra = http_parser_feed(&a, (const char *)data, size);
	http_parser_init(&b, kind);
	rb = http_parser_feed(&b, (const char *)data, split);
	if (rb == HTTP_NEED_MORE)
		rb = http_parser_feed(&b, (const char *)data, size);
	check(ra == rb);
	check(a.pos == b.pos && a.error == b.error);
	check(memcmp(&a.head, &b.head, sizeof a.head) == 0);
	if (ra == HTTP_DONE) {
		interpret((const char *)data, &a);
		/* The rest of the input as a chunked body, whole and in two pieces. */
		struct http_chunked c1, c2;
		const char *rest = (const char *)data + a.pos;
		size_t n = size - a.pos, cut = n / 2;
		http_chunked_init(&c1);
		http_chunked_init(&c2);
		size_t u1 = http_chunked_feed(&c1, rest, n);
		size_t u2 = http_chunked_feed(&c2, rest, cut);
		if (u2 == cut)
			u2 += http_chunked_feed(&c2, rest + cut, n - cut);
		check(u1 <= n);
		check(c1.state == c2.state);
		if (c1.state != CH_FAILED)
			check(u1 == u2);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char norm[PROXY_HOST_MAX];

	if (size > 2 * LIMIT_PROXY_HEAD_BYTES)
		return 0;
	run(data, size, HTTP_KIND_REQUEST);
	run(data, size, HTTP_KIND_RESPONSE);
	if (size < 400)
		(void)policy_normalize_host((const char *)data, size, norm);
	return 0;
}
