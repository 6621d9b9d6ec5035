/* Base64 (RFC 4648): the standard alphabet with padding (data: URLs, images) and the
 * URL-safe alphabet without padding (JWT parts, PKCE values). Pure functions, no I/O. */
#ifndef CODEX_BASE_BASE64_H
#define CODEX_BASE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Encodes n bytes: url = URL-safe alphabet without '=' padding, else the standard
 * alphabet with padding. Returns a malloc'ed NUL-terminated string (caller frees), or
 * NULL when memory runs out. */
char *base64_encode(const void *p, size_t n, bool url);

/* Decodes s[0..n) written in either alphabet, '=' padding optional, into out (appended;
 * out's ceiling applies). Whitespace, stray characters, a lone final character or
 * misplaced padding make it fail (-1); out is then freed by the failing append or left
 * as it was before the call. */
int base64_decode(const char *s, size_t n, struct buf *out);

#endif
