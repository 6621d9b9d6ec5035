/* UTF-8 well-formedness, as Rust's String and TOML 1.0 define it: no overlong forms, no
 * surrogates (U+D800..DFFF), nothing past U+10FFFF, no truncated sequence. */
#ifndef CODEX_BASE_UTF8_H
#define CODEX_BASE_UTF8_H

#include <stddef.h>

/* Bytes of the character starting at s (avail > 0 bytes readable there): 1 to 4, or -1
 * when the bytes are not well-formed UTF-8. */
int utf8_char_len(const unsigned char *s, size_t avail);

/* How many bytes at the start of s[0..n) are ASCII (below 0x80). */
size_t utf8_ascii_prefix(const char *s, size_t n);

/* 1 when s[0..n) is well-formed UTF-8, else 0. */
int utf8_valid(const char *s, size_t n);

#endif
