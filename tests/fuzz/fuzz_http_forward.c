/* Differential fuzz target: the request framing of the HTTP proxy against an origin.
 *
 * A client byte stream (raw fuzz bytes, or requests assembled from a list of hostile
 * pieces the fuzz bytes choose) goes through the proxy's own request path, the same
 * functions http_conn.c calls: the head parser, http_request_read (what is checked),
 * http_request_write_head (what is sent on) and http_body_scan (how much body follows).
 * The bytes the proxy would send are then parsed by a strict HTTP/1.1 origin written
 * here from RFC 9112, sharing no code with src/proxy/http_parse.c. Every request the
 * origin reads must be exactly one the proxy checked, in order: same method, target
 * (origin-form, or absolute-form towards an upstream proxy), Host naming the checked host
 * and port, the same body bytes; no hop-by-hop header and no header the client did not
 * send (besides Host, the framing header and Proxy-Authorization, which the proxy
 * writes); and nothing more. A difference is request smuggling, and aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "proxy/http_parse.h"
#include "proxy/http_request.h"

#define MAX_REQ 8

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "differential failure: %s\n", what);
		abort();
	}
}

/* ---- what the proxy checked and sent ---- */

struct checked {
	char method[33];
	char target[LIMIT_PROXY_HEAD_BYTES + 64]; /* as the origin must see it */
	char host[PROXY_HOST_MAX + 16];           /* the Host value it must see */
	unsigned version_minor;
	const char *body;                         /* raw body bytes (chunked: with framing) */
	size_t body_len;
	bool truncated;                           /* the stream ended inside the body */
	const char *head;                         /* the client's head, for its headers */
	size_t head_len;
};

static int host_value(char *out, size_t n, const struct http_request *r)
{
	char h[PROXY_HOST_MAX * 3];
	size_t o = 0;

	if (strchr(r->host, ':')) {
		h[o++] = '[';
		for (const char *p = r->host; *p; p++) {
			if (*p == '%') {
				memcpy(h + o, "%25", 3);
				o += 3;
			} else {
				h[o++] = *p;
			}
		}
		h[o++] = ']';
	} else {
		o = (size_t)snprintf(h, sizeof h, "%s", r->host);
	}
	h[o] = '\0';
	if (r->port == r->default_port)
		return snprintf(out, n, "%s", h);
	return snprintf(out, n, "%s:%u", h, r->port);
}

/* The proxy's request path over the client stream; fills the checked requests and the
 * bytes sent on. Returns how many requests were forwarded. */
static int proxy_side(const char *data, size_t size, bool absolute, struct checked *out,
		      struct buf *wire)
{
	size_t pos = 0;
	int n = 0;

	while (n < MAX_REQ && pos < size) {
		struct http_parser p;
		struct http_request r;
		const char *why;
		http_parser_init(&p, HTTP_KIND_REQUEST);
		if (http_parser_feed(&p, data + pos, size - pos) != HTTP_DONE)
			break; /* incomplete (waits) or refused (400): nothing more is sent */
		const char *base = data + pos;
		if (http_request_read(base, &p.head, &r, &why) < 0)
			break;
		if (r.is_connect || r.unix_socket || r.https)
			break; /* a tunnel or an answer from the proxy, not a forwarded request */
		struct checked *c = &out[n];
		size_t before = wire->len;
		check(http_request_write_head(base, &p.head, &r, absolute, absolute ? "Basic dTpw" : NULL,
					      wire) == 0,
		      "head fits");
		check(wire->len > before, "a head was written");
		snprintf(c->method, sizeof c->method, "%s", r.method);
		host_value(c->host, sizeof c->host, &r);
		int tl = snprintf(c->target, sizeof c->target, "%s%s%s", absolute ? "http://" : "",
				  absolute ? c->host : "",
				  r.path_len == 0 || r.path[0] != '/' ? "/" : "");
		memcpy(c->target + tl, r.path, r.path_len);
		c->target[tl + (int)r.path_len] = '\0';
		c->version_minor = r.version_minor;
		c->head = base;
		c->head_len = p.pos;
		pos += p.pos;
		/* The body, framed as http_conn.c frames it (requests never run to close). */
		enum http_body kind = r.body == HTTP_BODY_UNTIL_CLOSE ? HTTP_BODY_NONE : r.body;
		uint64_t left = r.length;
		struct http_chunked ch;
		bool done = false, failed = false;
		http_chunked_init(&ch);
		size_t take = http_body_scan(kind, &left, &ch, data + pos, size - pos, true, &done, &failed);
		c->body = data + pos;
		c->body_len = take;
		c->truncated = !done || failed;
		check(buf_append(wire, data + pos, take) == 0, "body fits");
		pos += take;
		n++;
		if (c->truncated || r.close)
			break; /* the proxy closes after a broken body, or when asked to */
	}
	return n;
}

/* ---- a strict origin, from RFC 9112 ---- */

static bool tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t k = 0; k < n; k++) {
		char x = a[k], y = b[k];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

struct field {
	const char *name, *value;
	size_t name_len, value_len;
};

struct origin_req {
	const char *method, *target;
	size_t method_len, target_len;
	unsigned minor;
	struct field f[LIMIT_PROXY_HEADERS + 8];
	int nf;
	const char *body;
	size_t body_len;
	bool truncated;
};

/* One CRLF-terminated line at s (max bytes): its length without CRLF, or -1. */
static long line(const char *s, size_t max)
{
	for (size_t k = 0; k + 1 < max; k++) {
		if (s[k] == '\r')
			return s[k + 1] == '\n' ? (long)k : -1;
		if (s[k] == '\n')
			return -1;
	}
	return -2; /* no line end before max */
}

/* Does any Connection field list the token? */
static bool connection_lists(const struct origin_req *q, const char *token)
{
	for (int k = 0; k < q->nf; k++) {
		if (!ieq(q->f[k].name, q->f[k].name_len, "connection"))
			continue;
		const char *v = q->f[k].value, *end = v + q->f[k].value_len;
		while (v < end) {
			const char *c = memchr(v, ',', (size_t)(end - v));
			const char *e = c ? c : end;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			const char *t = e;
			while (t > v && (t[-1] == ' ' || t[-1] == '\t'))
				t--;
			if (ieq(v, (size_t)(t - v), token))
				return true;
			v = c ? c + 1 : end;
		}
	}
	return false;
}

/* A chunked body at s: the bytes it spans, or -1 when malformed, -2 when cut short. */
static long chunked_len(const char *s, size_t n)
{
	size_t pos = 0;

	for (;;) {
		uint64_t size = 0;
		size_t digits = 0;
		while (pos < n) {
			char c = s[pos];
			int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (v < 0)
				break;
			if (++digits > 15)
				return -1;
			size = size * 16 + (uint64_t)v;
			pos++;
		}
		if (pos >= n)
			return -2;
		if (!digits)
			return -1;
		if (s[pos] == ';') { /* chunk-ext: skipped up to the line end, no CTLs */
			while (pos < n && s[pos] != '\r') {
				unsigned char c = (unsigned char)s[pos];
				if ((c < 0x20 && c != '\t') || c == 0x7f)
					return -1;
				pos++;
			}
		}
		if (pos + 1 >= n)
			return -2;
		if (s[pos] != '\r' || s[pos + 1] != '\n')
			return -1;
		pos += 2;
		if (size == 0)
			break;
		if ((uint64_t)(n - pos) < size + 2)
			return -2;
		pos += size;
		if (s[pos] != '\r' || s[pos + 1] != '\n')
			return -1;
		pos += 2;
	}
	/* Trailer fields, then the final CRLF. */
	for (;;) {
		long l = line(s + pos, n - pos);
		if (l == -2)
			return -2;
		if (l < 0)
			return -1;
		if (l == 0)
			return (long)(pos + 2);
		if (!tchar((unsigned char)s[pos]))
			return -1;
		for (long k = 0; k < l; k++) {
			unsigned char c = (unsigned char)s[pos + (size_t)k];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return -1;
		}
		pos += (size_t)l + 2;
	}
}

/* Parses one request at s; returns the bytes it took, 0 at the end of input, or aborts
 * (via check) on anything a strict origin would refuse or read differently. */
static size_t origin_parse(const char *s, size_t n, struct origin_req *q)
{
	size_t pos = 0;
	long l;

	memset(q, 0, sizeof *q);
	if (n == 0)
		return 0;
	l = line(s, n);
	check(l > 0, "request line ends with CRLF");
	const char *sp1 = memchr(s, ' ', (size_t)l);
	check(sp1 != NULL, "method SP");
	const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(s + l - sp1 - 1));
	check(sp2 != NULL, "target SP");
	q->method = s;
	q->method_len = (size_t)(sp1 - s);
	check(q->method_len > 0, "method");
	for (size_t k = 0; k < q->method_len; k++)
		check(tchar((unsigned char)s[k]), "method is a token");
	q->target = sp1 + 1;
	q->target_len = (size_t)(sp2 - sp1 - 1);
	check(q->target_len > 0, "target");
	for (size_t k = 0; k < q->target_len; k++)
		check(q->target[k] > 0x20 && q->target[k] < 0x7f, "target is visible ASCII");
	size_t vl = (size_t)(s + l - sp2 - 1);
	check(vl == 8 && memcmp(sp2 + 1, "HTTP/1.", 7) == 0 && (sp2[8] == '0' || sp2[8] == '1'),
	      "version");
	q->minor = (unsigned)(sp2[8] - '0');
	pos = (size_t)l + 2;
	for (;;) {
		l = line(s + pos, n - pos);
		check(l >= 0, "field line ends with CRLF");
		if (l == 0) {
			pos += 2;
			break;
		}
		const char *f = s + pos, *colon = memchr(f, ':', (size_t)l);
		check(colon && colon > f, "field name");
		for (const char *p = f; p < colon; p++)
			check(tchar((unsigned char)*p), "field name is a token (no blank before ':')");
		const char *v = colon + 1, *e = f + l;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		for (const char *p = v; p < e; p++)
			check(!(((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f), "field value");
		check(q->nf < (int)(sizeof q->f / sizeof q->f[0]), "field count");
		q->f[q->nf++] = (struct field){f, v, (size_t)(colon - f), (size_t)(e - v)};
		pos += (size_t)l + 2;
	}
	/* Framing, as RFC 9112 6.3 reads it, refusing every ambiguity. */
	int te = -1, cl = -1, hosts = 0;
	for (int k = 0; k < q->nf; k++) {
		if (ieq(q->f[k].name, q->f[k].name_len, "transfer-encoding")) {
			check(te < 0, "one Transfer-Encoding");
			te = k;
		} else if (ieq(q->f[k].name, q->f[k].name_len, "content-length")) {
			check(cl < 0, "one Content-Length");
			cl = k;
		} else if (ieq(q->f[k].name, q->f[k].name_len, "host")) {
			hosts++;
		}
	}
	check(hosts == 1, "exactly one Host");
	check(!(te >= 0 && cl >= 0), "not both Content-Length and Transfer-Encoding");
	check(!connection_lists(q, "content-length") && !connection_lists(q, "transfer-encoding") &&
		      !connection_lists(q, "host"),
	      "Connection names no framing field");
	q->body = s + pos;
	if (te >= 0) {
		check(q->minor == 1, "chunked only in HTTP/1.1");
		check(ieq(q->f[te].value, q->f[te].value_len, "chunked"), "the coding is chunked");
		long bl = chunked_len(s + pos, n - pos);
		check(bl != -1, "a well-formed chunked body");
		if (bl == -2) {
			q->truncated = true;
			q->body_len = n - pos;
			return n;
		}
		q->body_len = (size_t)bl;
	} else if (cl >= 0) {
		uint64_t len = 0;
		check(q->f[cl].value_len > 0 && q->f[cl].value_len <= 18, "Content-Length digits");
		for (size_t k = 0; k < q->f[cl].value_len; k++) {
			char c = q->f[cl].value[k];
			check(c >= '0' && c <= '9', "Content-Length is digits");
			len = len * 10 + (uint64_t)(c - '0');
		}
		if (len > n - pos) {
			q->truncated = true;
			q->body_len = n - pos;
			return n;
		}
		q->body_len = (size_t)len;
	}
	return pos + q->body_len;
}

/* ---- the comparison ---- */

static const char *const hop[] = {"connection", "keep-alive", "proxy-connection", "te",
				  "trailer", "upgrade", "proxy-authenticate", NULL};

/* The client's head holds this field with this value (parsed here, not by the proxy). */
static bool client_sent(const struct checked *c, const struct field *f)
{
	const char *s = c->head, *end = c->head + c->head_len;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			break;
		const char *colon = memchr(s, ':', (size_t)(eol - s));
		if (colon && (size_t)(colon - s) == f->name_len && memcmp(s, f->name, f->name_len) == 0) {
			const char *v = colon + 1, *e = eol;
			if (e > v && e[-1] == '\r')
				e--;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if ((size_t)(e - v) == f->value_len && memcmp(v, f->value, f->value_len) == 0)
				return true;
		}
		s = eol + 1;
	}
	return false;
}

static void compare(const struct checked *c, int n, const char *wire, size_t len)
{
	size_t pos = 0;
	int k = 0;

	for (;;) {
		struct origin_req q;
		size_t used = origin_parse(wire + pos, len - pos, &q);
		if (used == 0)
			break;
		check(k < n, "the origin read no request the proxy did not check");
		const struct checked *want = &c[k++];
		check(strlen(want->method) == q.method_len &&
			      memcmp(want->method, q.method, q.method_len) == 0,
		      "same method");
		check(strlen(want->target) == q.target_len &&
			      memcmp(want->target, q.target, q.target_len) == 0,
		      "same target");
		check(q.minor == want->version_minor, "same version");
		for (int j = 0; j < q.nf; j++) {
			const struct field *f = &q.f[j];
			if (ieq(f->name, f->name_len, "connection") && want->version_minor == 0 &&
			    ieq(f->value, f->value_len, "keep-alive"))
				continue; /* the proxy's own hop to the origin */
			for (const char *const *h = hop; *h; h++)
				check(!ieq(f->name, f->name_len, *h), "no hop-by-hop field");
			if (ieq(f->name, f->name_len, "host")) {
				check(strlen(want->host) == f->value_len &&
					      memcmp(want->host, f->value, f->value_len) == 0,
				      "Host names the checked host and port");
			} else if (!ieq(f->name, f->name_len, "content-length") &&
				   !ieq(f->name, f->name_len, "transfer-encoding") &&
				   !ieq(f->name, f->name_len, "proxy-authorization")) {
				check(client_sent(want, f), "every other field came from the client");
			}
		}
		check(q.truncated == want->truncated, "the body ends where the proxy's ends");
		check(q.body_len == want->body_len && memcmp(q.body, want->body, q.body_len) == 0,
		      "same body bytes");
		pos += used;
		if (q.truncated)
			break;
	}
	check(k == n, "the origin read every request the proxy forwarded");
	check(pos == len, "nothing left over on the wire");
}

/* ---- inputs ---- */

static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "OPTIONS", "CONNECT",
				      "DELETE", "get", "PATCH"};
static const char *const targets[] = {
	"http://a.test/", "http://a.test", "http://a.test:8080/x?y=1", "http://A.Test./p",
	"http://a.test/x#frag", "http://a.test?q", "http://a.test//b.test/", "http://[::1]:81/",
	"http://[fe80::1%25eth0]/", "http://10.0.0.1:80/", "https://a.test/", "/origin",
	"a.test:443", "http://a.test@b.test/", "http://a.test:0/", "http://a.test:99999/",
	"http://a b/", "http://a.test/%00", "*"};
static const char *const versions[] = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1"};
static const char *const fields[] = {
	"Host: a.test", "Host: A.TEST.", "Host: a.test:80", "Host: b.test", "Host:",
	"Host: a.test:8080", "Host: [::1]:81", "Content-Length: 5", "Content-Length: 5, 5",
	"Content-Length: 05", "Content-Length: -1", "Content-Length: 5 ", "Content-Length : 5",
	"Content-Length: 0", "Content-Length: 6", "Content-Length: 99999999999999999999",
	"Content-Length: 0x5", "Transfer-Encoding: chunked", "Transfer-Encoding: CHUNKED",
	"Transfer-Encoding: chunked, chunked", "Transfer-Encoding: gzip, chunked",
	"Transfer-Encoding:\tchunked", "Transfer-Encoding: identity", "Transfer-Encoding: xchunked",
	"Transfer-Encoding: chunked\x0b", "Connection: close", "Connection: keep-alive",
	"Connection: content-length", "Connection: Transfer-Encoding", "Connection: host",
	"Connection: x-foo", "Connection: close, Content-Length", "X-Foo: bar", "X-Foo: baz",
	" X-Fold: y", "\tX-Fold: y", "X-Nul: a\0b", "X-CR: a\rb", "X-LF: a\nb",
	"Expect: 100-continue", "Upgrade: websocket", "Keep-Alive: 5", "Proxy-Connection: close",
	"Proxy-Authorization: Basic eA==", "TE: trailers", "Trailer: X-T", "X-Empty:", "Te: chunked",
	"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "X-Unix-Socket: /run/s",
	"x-foo:bar", "X-Ws:  spaced  ", "Content-Length: 5\r\nContent-Length: 6"};
static const char *const bodies[] = {
	"hello", "5\r\nhello\r\n0\r\n\r\n", "5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
	"0x5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n", "fffffffffffffffff\r\n",
	"5\r\nhel", "5\nhello\n0\n\n", "0\r\n\r\n", "00000000000000005\r\nhello\r\n0\r\n\r\n",
	"5\r\nhello\r\n0\r\nContent-Length: 99\r\n\r\n", "5\r\nhelloXX0\r\n\r\n",
	"1;a=\"\r\n\"\r\nx\r\n0\r\n\r\n", "helloGET http://evil.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n",
	"GET /smuggled HTTP/1.1\r\nHost: evil.test\r\n\r\n", "\r\n", ""};

/* Builds a client stream from choices taken from the fuzz bytes. */
static size_t assemble(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
#define NEXT() (i < n ? d[i++] : 0)
#define PUT(s, len) \
	do { \
		size_t l_ = (len); \
		if (o + l_ > cap) \
			return o; \
		memcpy(out + o, (s), l_); \
		o += l_; \
	} while (0)
	int nreq = 1 + NEXT() % 3;
	for (int r = 0; r < nreq && i < n; r++) {
		const char *m = methods[NEXT() % (sizeof methods / sizeof *methods)];
		const char *t = targets[NEXT() % (sizeof targets / sizeof *targets)];
		const char *v = versions[NEXT() % 8 < 6 ? 0 : NEXT() % (sizeof versions / sizeof *versions)];
		PUT(m, strlen(m));
		PUT(" ", 1);
		PUT(t, strlen(t));
		PUT(" ", 1);
		PUT(v, strlen(v));
		PUT("\r\n", 2);
		int nf = NEXT() % 6;
		for (int k = 0; k < nf; k++) {
			uint8_t c = NEXT();
			const char *f = fields[c % (sizeof fields / sizeof *fields)];
			/* The NUL inside one piece counts: pieces carry their true length. */
			size_t fl = strlen(f);
			if (strncmp(f, "X-Nul", 5) == 0)
				fl = 10;
			bool bare_lf = (c & 0x80) && (NEXT() & 7) == 0;
			PUT(f, fl);
			PUT(bare_lf ? "\n" : "\r\n", bare_lf ? 1 : 2);
		}
		PUT("\r\n", 2);
		if (NEXT() & 1) {
			const char *b = bodies[NEXT() % (sizeof bodies / sizeof *bodies)];
			PUT(b, strlen(b));
		} else {
			size_t raw = NEXT() % 16;
			while (raw-- && i < n) {
				char ch = (char)NEXT();
				PUT(&ch, 1);
			}
		}
	}
	return o;
#undef NEXT
#undef PUT
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char stream[4 * LIMIT_PROXY_HEAD_BYTES];
	struct checked c[MAX_REQ];
	struct buf wire;
	const char *in;
	size_t len;
	int n;

	if (size < 1 || size > 2 * LIMIT_PROXY_HEAD_BYTES)
		return 0;
	bool absolute = data[0] & 2;
	if (data[0] & 1) {
		in = (const char *)data + 1;
		len = size - 1;
	} else {
		len = assemble(data + 1, size - 1, stream, sizeof stream);
		in = stream;
	}
	buf_init(&wire, 64 * LIMIT_PROXY_HEAD_BYTES);
	n = proxy_side(in, len, absolute, c, &wire);
	compare(c, n, wire.data ? wire.data : "", wire.len);
	buf_free(&wire);
	return 0;
}
