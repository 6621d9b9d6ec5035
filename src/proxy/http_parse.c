/* HTTP/1.1 head parser and chunked scanner: see http_parse.h. Strict where leniency has
 * been used for request smuggling: CRLF line ends only, no blanks before the colon, no
 * obsolete line folding, no control bytes, one clear framing per message. */
#include "proxy/http_parse.h"

#include <string.h>

#include "base/ascii.h"

static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The single state setter: every transition goes through here (a breakpoint or a log
 * line here shows the whole life of a head). */
static void set_state(struct http_parser *p, enum http_state s)
{
	p->state = s;
}

static enum http_result fail(struct http_parser *p, enum http_error e)
{
	if (p->error == HTTP_ERR_NONE)
		p->error = e;
	set_state(p, HS_FAILED);
	return HTTP_ERROR;
}

void http_parser_init(struct http_parser *p, enum http_kind kind)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	set_state(p, kind == HTTP_KIND_REQUEST ? HS_START : HS_RVERSION);
}

static struct http_slice slice(uint32_t from, uint32_t to)
{
	struct http_slice s = {(uint16_t)from, (uint16_t)(to - from)};
	return s;
}

/* "HTTP/1.0" or "HTTP/1.1" in base[from..to): the minor version, -1 for another HTTP
 * version, -2 for something that is not a version at all. */
static int version_minor(const char *base, uint32_t from, uint32_t to)
{
	const char *v = base + from;
	size_t n = to - from;

	if (n == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1'))
		return v[7] - '0';
	if (n >= 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9')
		return -1;
	return -2;
}

static enum http_result end_version(struct http_parser *p, const char *base)
{
	int minor = version_minor(base, p->mark, p->pos);

	if (minor == -1)
		return fail(p, HTTP_ERR_VERSION);
	if (minor < 0)
		return fail(p, HTTP_ERR_SYNTAX);
	p->head.version_minor = (unsigned)minor;
	return HTTP_NEED_MORE;
}

/* One byte in the current state. Returns HTTP_NEED_MORE to go on. */
static enum http_result step(struct http_parser *p, const char *base, unsigned char c)
{
	struct http_head *h = &p->head;

	switch (p->state) {
	case HS_START:
		if (c == '\r' || c == '\n') {
			/* A client may send CRLF after a body; a handful is tolerated. */
			if (++p->skipped > 8)
				return fail(p, HTTP_ERR_SYNTAX);
			return HTTP_NEED_MORE;
		}
		if (!is_tchar(c))
			return fail(p, HTTP_ERR_SYNTAX);
		p->mark = p->pos;
		set_state(p, HS_METHOD);
		return HTTP_NEED_MORE;
	case HS_METHOD:
		if (c == ' ') {
			h->method = slice(p->mark, p->pos);
			p->mark = p->pos + 1;
			set_state(p, HS_TARGET);
			return HTTP_NEED_MORE;
		}
		if (!is_tchar(c) || p->pos - p->mark >= 32)
			return fail(p, HTTP_ERR_SYNTAX);
		return HTTP_NEED_MORE;
	case HS_TARGET:
		if (c == ' ') {
			if (p->pos == p->mark)
				return fail(p, HTTP_ERR_SYNTAX);
			h->target = slice(p->mark, p->pos);
			p->mark = p->pos + 1;
			set_state(p, HS_VERSION);
			return HTTP_NEED_MORE;
		}
		if (c <= 0x20 || c >= 0x7f)
			return fail(p, HTTP_ERR_SYNTAX);
		if (p->pos >= LIMIT_PROXY_REQUEST_LINE)
			return fail(p, HTTP_ERR_LINE_TOO_LONG);
		return HTTP_NEED_MORE;
	case HS_VERSION:
		if (c == '\r') {
			set_state(p, HS_LINE_LF);
			return end_version(p, base);
		}
		if (c <= 0x20 || c >= 0x7f || p->pos - p->mark >= 16)
			return fail(p, HTTP_ERR_SYNTAX);
		return HTTP_NEED_MORE;
	case HS_RVERSION:
		if (c == ' ') {
			set_state(p, HS_STATUS);
			if (end_version(p, base) == HTTP_ERROR)
				return HTTP_ERROR;
			p->mark = p->pos + 1;
			return HTTP_NEED_MORE;
		}
		if (c <= 0x20 || c >= 0x7f || p->pos - p->mark >= 16)
			return fail(p, HTTP_ERR_SYNTAX);
		return HTTP_NEED_MORE;
	case HS_STATUS:
		if (p->pos - p->mark < 3) {
			if (c < '0' || c > '9')
				return fail(p, HTTP_ERR_SYNTAX);
			h->status = h->status * 10 + (unsigned)(c - '0');
			return HTTP_NEED_MORE;
		}
		if (h->status < 100)
			return fail(p, HTTP_ERR_SYNTAX);
		if (c == ' ') {
			set_state(p, HS_REASON);
			return HTTP_NEED_MORE;
		}
		if (c == '\r') {
			set_state(p, HS_LINE_LF);
			return HTTP_NEED_MORE;
		}
		return fail(p, HTTP_ERR_SYNTAX);
	case HS_REASON:
		if (c == '\r') {
			set_state(p, HS_LINE_LF);
			return HTTP_NEED_MORE;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, HTTP_ERR_SYNTAX);
		if (p->pos >= LIMIT_PROXY_REQUEST_LINE)
			return fail(p, HTTP_ERR_LINE_TOO_LONG);
		return HTTP_NEED_MORE;
	case HS_LINE_LF:
	case HS_HDR_LF:
		if (c != '\n')
			return fail(p, HTTP_ERR_SYNTAX);
		set_state(p, HS_HDR_START);
		return HTTP_NEED_MORE;
	case HS_HDR_START:
		if (c == '\r') {
			set_state(p, HS_END_LF);
			return HTTP_NEED_MORE;
		}
		/* A line starting with a blank is obsolete folding: refused. */
		if (!is_tchar(c))
			return fail(p, HTTP_ERR_SYNTAX);
		if (h->nhdr >= LIMIT_PROXY_HEADERS)
			return fail(p, HTTP_ERR_TOO_MANY_HEADERS);
		p->mark = p->pos;
		set_state(p, HS_HDR_NAME);
		return HTTP_NEED_MORE;
	case HS_HDR_NAME:
		if (c == ':') {
			h->hdr[h->nhdr].name = slice(p->mark, p->pos);
			set_state(p, HS_HDR_VALUE_WS);
			return HTTP_NEED_MORE;
		}
		if (!is_tchar(c))
			return fail(p, HTTP_ERR_SYNTAX);
		return HTTP_NEED_MORE;
	case HS_HDR_VALUE_WS:
		if (c == ' ' || c == '\t')
			return HTTP_NEED_MORE;
		if (c == '\r') {
			h->hdr[h->nhdr++].value = slice(p->pos, p->pos);
			set_state(p, HS_HDR_LF);
			return HTTP_NEED_MORE;
		}
		if (c < 0x20 || c == 0x7f)
			return fail(p, HTTP_ERR_SYNTAX);
		p->mark = p->pos;
		p->value_end = p->pos + 1;
		set_state(p, HS_HDR_VALUE);
		return HTTP_NEED_MORE;
	case HS_HDR_VALUE:
		if (c == '\r') {
			h->hdr[h->nhdr++].value = slice(p->mark, p->value_end);
			set_state(p, HS_HDR_LF);
			return HTTP_NEED_MORE;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, HTTP_ERR_SYNTAX);
		if (c != ' ' && c != '\t')
			p->value_end = p->pos + 1;
		return HTTP_NEED_MORE;
	case HS_END_LF:
		if (c != '\n')
			return fail(p, HTTP_ERR_SYNTAX);
		set_state(p, HS_DONE);
		return HTTP_DONE;
	case HS_DONE:
		return HTTP_DONE;
	case HS_FAILED:
		return HTTP_ERROR;
	}
	return fail(p, HTTP_ERR_SYNTAX);
}

enum http_result http_parser_feed(struct http_parser *p, const char *base, size_t len)
{
	if (p->state == HS_DONE)
		return HTTP_DONE;
	if (p->state == HS_FAILED)
		return HTTP_ERROR;
	while (p->pos < len) {
		enum http_result r;
		if (p->pos >= LIMIT_PROXY_HEAD_BYTES)
			return fail(p, p->state <= HS_REASON ? HTTP_ERR_LINE_TOO_LONG
							     : HTTP_ERR_HEAD_TOO_LARGE);
		r = step(p, base, (unsigned char)base[p->pos]);
		p->pos++;
		if (r != HTTP_NEED_MORE)
			return r;
	}
	if (p->pos >= LIMIT_PROXY_HEAD_BYTES)
		return fail(p, HTTP_ERR_HEAD_TOO_LARGE);
	return HTTP_NEED_MORE;
}

const char *http_state_str(enum http_state s)
{
	switch (s) {
	case HS_START: return "start";
	case HS_METHOD: return "method";
	case HS_TARGET: return "target";
	case HS_VERSION: return "version";
	case HS_RVERSION: return "response-version";
	case HS_STATUS: return "status";
	case HS_REASON: return "reason";
	case HS_LINE_LF: return "line-lf";
	case HS_HDR_START: return "header-start";
	case HS_HDR_NAME: return "header-name";
	case HS_HDR_VALUE_WS: return "header-value-ws";
	case HS_HDR_VALUE: return "header-value";
	case HS_HDR_LF: return "header-lf";
	case HS_END_LF: return "end-lf";
	case HS_DONE: return "done";
	case HS_FAILED: return "failed";
	}
	return "?";
}

const char *http_error_str(enum http_error e)
{
	switch (e) {
	case HTTP_ERR_NONE: return "no error";
	case HTTP_ERR_SYNTAX: return "malformed request";
	case HTTP_ERR_LINE_TOO_LONG: return "request line too long";
	case HTTP_ERR_HEAD_TOO_LARGE: return "request header fields too large";
	case HTTP_ERR_TOO_MANY_HEADERS: return "too many header fields";
	case HTTP_ERR_VERSION: return "HTTP version not supported";
	}
	return "?";
}

unsigned http_error_status(enum http_error e)
{
	switch (e) {
	case HTTP_ERR_NONE: return 200;
	case HTTP_ERR_SYNTAX: return 400;
	case HTTP_ERR_LINE_TOO_LONG: return 414;
	case HTTP_ERR_HEAD_TOO_LARGE: return 431;
	case HTTP_ERR_TOO_MANY_HEADERS: return 431;
	case HTTP_ERR_VERSION: return 505;
	}
	return 400;
}

/* ---- chunked ---- */

static void ch_state(struct http_chunked *c, enum http_chunked_state s)
{
	c->state = s;
}

void http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof *c);
	ch_state(c, CH_SIZE);
}

size_t http_chunked_feed(struct http_chunked *c, const char *in, size_t len)
{
	size_t i = 0;

	while (i < len && c->state != CH_DONE && c->state != CH_FAILED) {
		unsigned char ch = (unsigned char)in[i];
		int hv;

		switch (c->state) {
		case CH_SIZE:
			hv = ascii_hex_value(ch);
			if (hv >= 0) {
				if (++c->digits > LIMIT_PROXY_CHUNK_HEX) {
					ch_state(c, CH_FAILED);
					return i;
				}
				c->remaining = c->remaining << 4 | (uint64_t)hv;
			} else if (c->digits && ch == ';') {
				c->ext_len = 0;
				ch_state(c, CH_EXT);
			} else if (c->digits && ch == '\r') {
				ch_state(c, CH_SIZE_LF);
			} else {
				ch_state(c, CH_FAILED);
				return i;
			}
			i++;
			break;
		case CH_EXT:
			if (ch == '\r') {
				ch_state(c, CH_SIZE_LF);
			} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f ||
				   ++c->ext_len > LIMIT_PROXY_CHUNK_EXT) {
				ch_state(c, CH_FAILED);
				return i;
			}
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n') {
				ch_state(c, CH_FAILED);
				return i;
			}
			c->digits = 0;
			ch_state(c, c->remaining ? CH_DATA : CH_TRAILER_START);
			i++;
			break;
		case CH_DATA: {
			size_t take = len - i;
			if ((uint64_t)take > c->remaining)
				take = (size_t)c->remaining;
			c->remaining -= take;
			i += take;
			if (c->remaining == 0)
				ch_state(c, CH_DATA_CR);
			break;
		}
		case CH_DATA_CR:
		case CH_DATA_LF:
			if (ch != (c->state == CH_DATA_CR ? '\r' : '\n')) {
				ch_state(c, CH_FAILED);
				return i;
			}
			ch_state(c, c->state == CH_DATA_CR ? CH_DATA_LF : CH_SIZE);
			i++;
			break;
		case CH_TRAILER_START:
		case CH_TRAILER_LINE:
			if (++c->trailer_len > LIMIT_PROXY_TRAILER_BYTES) {
				ch_state(c, CH_FAILED);
				return i;
			}
			if (ch == '\r') {
				ch_state(c, c->state == CH_TRAILER_START ? CH_FINAL_LF : CH_TRAILER_LF);
			} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f ||
				   (c->state == CH_TRAILER_START && !is_tchar(ch))) {
				ch_state(c, CH_FAILED);
				return i;
			} else {
				ch_state(c, CH_TRAILER_LINE);
			}
			i++;
			break;
		case CH_TRAILER_LF:
		case CH_FINAL_LF:
			if (ch != '\n') {
				ch_state(c, CH_FAILED);
				return i;
			}
			ch_state(c, c->state == CH_FINAL_LF ? CH_DONE : CH_TRAILER_START);
			i++;
			break;
		case CH_DONE:
		case CH_FAILED:
			return i;
		}
	}
	return i;
}

const char *http_chunked_state_str(enum http_chunked_state s)
{
	switch (s) {
	case CH_SIZE: return "size";
	case CH_EXT: return "extension";
	case CH_SIZE_LF: return "size-lf";
	case CH_DATA: return "data";
	case CH_DATA_CR: return "data-cr";
	case CH_DATA_LF: return "data-lf";
	case CH_TRAILER_START: return "trailer-start";
	case CH_TRAILER_LINE: return "trailer-line";
	case CH_TRAILER_LF: return "trailer-lf";
	case CH_FINAL_LF: return "final-lf";
	case CH_DONE: return "done";
	case CH_FAILED: return "failed";
	}
	return "?";
}

/* ---- head interpretation ---- */

bool http_slice_eq(const char *base, struct http_slice sl, const char *s)
{
	return strlen(s) == sl.len && memcmp(base + sl.off, s, sl.len) == 0;
}

bool http_header_is(const char *base, const struct http_header *hd, const char *name)
{
	size_t n = strlen(name);

	if (n != hd->name.len)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)base[hd->name.off + k]) != lower((unsigned char)name[k]))
			return false;
	return true;
}

int http_header_find(const char *base, const struct http_head *h, const char *name,
		     unsigned from)
{
	for (unsigned k = from; k < h->nhdr; k++)
		if (http_header_is(base, &h->hdr[k], name))
			return (int)k;
	return -1;
}

static bool token_eq(const char *a, size_t n, const char *tok)
{
	if (strlen(tok) != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower((unsigned char)a[k]) != lower((unsigned char)tok[k]))
			return false;
	return true;
}

bool http_header_has_token(const char *base, const struct http_head *h, const char *name,
			   const char *token)
{
	for (int k = http_header_find(base, h, name, 0); k >= 0;
	     k = http_header_find(base, h, name, (unsigned)k + 1)) {
		const char *v = base + h->hdr[k].value.off, *end = v + h->hdr[k].value.len;
		while (v < end) {
			const char *comma = memchr(v, ',', (size_t)(end - v));
			const char *te = comma ? comma : end;
			const char *ts = v;
			while (ts < te && (*ts == ' ' || *ts == '\t'))
				ts++;
			while (te > ts && (te[-1] == ' ' || te[-1] == '\t'))
				te--;
			if (token_eq(ts, (size_t)(te - ts), token))
				return true;
			v = comma ? comma + 1 : end;
		}
	}
	return false;
}

/* Content-Length: digits only; repeated headers (or a list) must agree. */
static int content_length(const char *base, const struct http_head *h, bool *present,
			  uint64_t *out)
{
	*present = false;
	for (int k = http_header_find(base, h, "content-length", 0); k >= 0;
	     k = http_header_find(base, h, "content-length", (unsigned)k + 1)) {
		const char *v = base + h->hdr[k].value.off, *end = v + h->hdr[k].value.len;
		while (v <= end) {
			uint64_t n = 0;
			unsigned digits = 0;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (v < end && *v >= '0' && *v <= '9') {
				if (++digits > 18)
					return -1;
				n = n * 10 + (uint64_t)(*v++ - '0');
			}
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (!digits || (v < end && *v != ','))
				return -1;
			if (*present && n != *out)
				return -1;
			*present = true;
			*out = n;
			v++; /* past the comma (or past end, which ends the loop) */
		}
	}
	return 0;
}

/* Transfer-Encoding: exactly "chunked" (1) or absent (0); anything else -1. */
static int transfer_chunked(const char *base, const struct http_head *h)
{
	int k = http_header_find(base, h, "transfer-encoding", 0);

	if (k < 0)
		return 0;
	if (http_header_find(base, h, "transfer-encoding", (unsigned)k + 1) >= 0)
		return -1;
	return token_eq(base + h->hdr[k].value.off, h->hdr[k].value.len, "chunked") ? 1 : -1;
}

int http_request_framing(const char *base, const struct http_head *h, enum http_body *kind,
			 uint64_t *length)
{
	bool has_len;
	int chunked = transfer_chunked(base, h);

	*length = 0;
	*kind = HTTP_BODY_NONE;
	if (chunked < 0 || content_length(base, h, &has_len, length) < 0)
		return -1;
	if (chunked && has_len)
		return -1;
	if (chunked && h->version_minor == 0)
		return -1; /* HTTP/1.0 has no chunked coding */
	if (chunked)
		*kind = HTTP_BODY_CHUNKED;
	else if (has_len && *length > 0)
		*kind = HTTP_BODY_LENGTH;
	return 0;
}

int http_response_framing(const char *base, const struct http_head *h, bool head_request,
			  enum http_body *kind, uint64_t *length)
{
	bool has_len;
	int chunked;

	*length = 0;
	*kind = HTTP_BODY_NONE;
	if (head_request || h->status < 200 || h->status == 204 || h->status == 304)
		return 0;
	chunked = transfer_chunked(base, h);
	if (content_length(base, h, &has_len, length) < 0 && chunked <= 0)
		return -1;
	if (chunked > 0) {
		*kind = HTTP_BODY_CHUNKED;
		*length = 0;
	} else if (chunked < 0) {
		*kind = HTTP_BODY_UNTIL_CLOSE; /* another coding: the body ends with the connection */
	} else if (has_len) {
		*kind = *length ? HTTP_BODY_LENGTH : HTTP_BODY_NONE;
	} else {
		*kind = HTTP_BODY_UNTIL_CLOSE;
	}
	return 0;
}

int http_split_authority(const char *s, size_t len, unsigned default_port, char *host,
			 size_t hostsz, unsigned *port)
{
	const char *hs, *he, *ps = NULL;

	if (len == 0 || memchr(s, '@', len))
		return -1;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return -1;
		hs = s + 1;
		he = close;
		if (close + 1 < s + len) {
			if (close[1] != ':')
				return -1;
			ps = close + 2;
		}
	} else {
		const char *colon = memchr(s, ':', len);
		hs = s;
		he = colon ? colon : s + len;
		if (colon) {
			if (memchr(colon + 1, ':', (size_t)(s + len - colon - 1)))
				return -1; /* an unbracketed IPv6 literal is not an authority */
			ps = colon + 1;
		}
	}
	if (he == hs || (size_t)(he - hs) >= hostsz)
		return -1;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	if (!ps) {
		if (!default_port)
			return -1;
		*port = default_port;
		return 0;
	}
	unsigned p = 0;
	const char *q = ps;
	for (; q < s + len; q++) {
		if (*q < '0' || *q > '9' || q - ps >= 5)
			return -1;
		p = p * 10 + (unsigned)(*q - '0');
	}
	if (q == ps || p == 0 || p > 65535)
		return -1;
	*port = p;
	return 0;
}

int http_parse_absolute(const char *target, size_t len, struct http_absolute *out)
{
	size_t skip;
	const char *a, *end = target + len, *p;

	memset(out, 0, sizeof *out);
	if (len >= 7 && token_eq(target, 7, "http://")) {
		skip = 7;
	} else if (len >= 8 && token_eq(target, 8, "https://")) {
		skip = 8;
		out->https = true;
	} else {
		return -1;
	}
	a = target + skip;
	for (p = a; p < end && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	if (p == a)
		return -1;
	out->authority = a;
	out->authority_len = (size_t)(p - a);
	out->path = p;
	out->path_len = (size_t)(end - p);
	/* A fragment never goes to a server. */
	const char *hash = memchr(p, '#', out->path_len);
	if (hash)
		out->path_len = (size_t)(hash - p);
	return 0;
}
