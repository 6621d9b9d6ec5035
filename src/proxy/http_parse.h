/* Private to src/proxy: a pure, resumable HTTP/1.1 head parser (requests and responses),
 * a chunked-body scanner, and the helpers that interpret a parsed head. No I/O.
 *
 * The head parser reads the caller's buffer in place: http_parser_feed(p, base, len)
 * looks at base[p->pos .. len), where base is where the head starts; the buffer may grow
 * between calls (feeding one byte at a time works). Slices are offsets from base. Once it
 * failed, a parser stays failed (the first error sticks). */
#ifndef CODEX_PROXY_HTTP_PARSE_H
#define CODEX_PROXY_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

/* Offsets fit in 16 bits because a head is at most LIMIT_PROXY_HEAD_BYTES. */
struct http_slice {
	uint16_t off, len;
};

struct http_header {
	struct http_slice name, value; /* value without surrounding blanks */
};

struct http_head {
	struct http_slice method, target; /* requests */
	unsigned status;                  /* responses: 100..999 */
	unsigned version_minor;           /* HTTP/1.<minor>: 0 or 1 */
	unsigned nhdr;
	struct http_header hdr[LIMIT_PROXY_HEADERS];
};

enum http_kind { HTTP_KIND_REQUEST, HTTP_KIND_RESPONSE };

enum http_result { HTTP_NEED_MORE, HTTP_DONE, HTTP_ERROR };

/* Never renumbered; http_error_status maps them to the status the client gets. */
enum http_error {
	HTTP_ERR_NONE = 0,
	HTTP_ERR_SYNTAX,           /* 400 */
	HTTP_ERR_LINE_TOO_LONG,    /* 414 */
	HTTP_ERR_HEAD_TOO_LARGE,   /* 431 */
	HTTP_ERR_TOO_MANY_HEADERS, /* 431 */
	HTTP_ERR_VERSION           /* 505 */
};

enum http_state {
	HS_START,      /* optional empty lines before a request */
	HS_METHOD,
	HS_TARGET,
	HS_VERSION,    /* request: "HTTP/1.x" then CR */
	HS_RVERSION,   /* response: "HTTP/1.x" then SP */
	HS_STATUS,
	HS_REASON,
	HS_LINE_LF,
	HS_HDR_START,
	HS_HDR_NAME,
	HS_HDR_VALUE_WS,
	HS_HDR_VALUE,
	HS_HDR_LF,
	HS_END_LF,
	HS_DONE,
	HS_FAILED
};

struct http_parser {
	enum http_kind kind;
	enum http_state state;
	enum http_error error;
	uint32_t pos;        /* bytes of the head examined so far; the head length when done */
	uint32_t mark;       /* start of the token being read */
	uint32_t value_end;  /* one past the last non-blank byte of the value being read */
	uint32_t skipped;    /* empty lines skipped in HS_START */
	struct http_head head;
};

void http_parser_init(struct http_parser *p, enum http_kind kind);
enum http_result http_parser_feed(struct http_parser *p, const char *base, size_t len);
const char *http_state_str(enum http_state s);
const char *http_error_str(enum http_error e);
unsigned http_error_status(enum http_error e);

/* Chunked transfer coding, scanned (not decoded) so the bytes can be forwarded as they
 * are: http_chunked_feed consumes the bytes that belong to the body and stops at its end
 * (state CH_DONE) or on an error (CH_FAILED, sticky). Pipelined bytes after the body are
 * left unconsumed. */
enum http_chunked_state {
	CH_SIZE,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_START,
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_FINAL_LF,
	CH_DONE,
	CH_FAILED
};

struct http_chunked {
	enum http_chunked_state state;
	uint64_t remaining;  /* data bytes left in the current chunk */
	unsigned digits;     /* hex digits read for the current size */
	unsigned ext_len;
	unsigned trailer_len;
};

void http_chunked_init(struct http_chunked *c);
size_t http_chunked_feed(struct http_chunked *c, const char *in, size_t len);
const char *http_chunked_state_str(enum http_chunked_state s);

/* How a message body is delimited. */
enum http_body { HTTP_BODY_NONE, HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED, HTTP_BODY_UNTIL_CLOSE };

/* Request framing: Content-Length (one value, or repeated identical values) or
 * Transfer-Encoding: chunked; both, several different lengths, or another transfer coding
 * are errors (-1), as request smuggling starts there. */
int http_request_framing(const char *base, const struct http_head *h, enum http_body *kind,
			 uint64_t *length);
/* Response framing, given the request method: HEAD, 1xx, 204 and 304 have no body;
 * CONNECT 2xx is a tunnel (NONE here). Chunked wins over a Content-Length. */
int http_response_framing(const char *base, const struct http_head *h, bool head_request,
			  enum http_body *kind, uint64_t *length);

/* Case-insensitive header name comparison. */
bool http_header_is(const char *base, const struct http_header *hd, const char *name);
/* Index of the first header named name at or after from, or -1. */
int http_header_find(const char *base, const struct http_head *h, const char *name,
		     unsigned from);
/* True when any header named name holds token (comma-separated, case-insensitive). */
bool http_header_has_token(const char *base, const struct http_head *h, const char *name,
			   const char *token);
/* True when the slice equals s (case-sensitive). */
bool http_slice_eq(const char *base, struct http_slice sl, const char *s);

/* Splits "host[:port]" or "[v6]:port" (no userinfo). The host (brackets removed, not yet
 * normalised) goes into host (size hostsz). Missing port: default_port (0 = required).
 * -1 when malformed. */
int http_split_authority(const char *s, size_t len, unsigned default_port, char *host,
			 size_t hostsz, unsigned *port);

/* An absolute-form target "http://authority/path?query": scheme https or http, the
 * authority span and the path span (path "" stands for "/"). -1 for anything else. */
struct http_absolute {
	bool https;
	const char *authority;
	size_t authority_len;
	const char *path;
	size_t path_len;
};
int http_parse_absolute(const char *target, size_t len, struct http_absolute *out);

#endif
