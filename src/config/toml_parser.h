/* The TOML parser's cursor and error helpers, shared by toml.c (document structure:
 * keys, tables, arrays) and toml_scalar.c (strings, numbers, date-times). Private to
 * src/config/toml*.c. */
#ifndef CODEX_CONFIG_TOML_PARSER_H
#define CODEX_CONFIG_TOML_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "config/toml.h"

struct pos {
	uint32_t line, col;
};

struct parser {
	const unsigned char *s;
	size_t len, off;
	uint32_t line;       /* line of off, 1-based */
	size_t line_start;   /* offset where that line starts */
	size_t col_line;     /* column cache: col_at is the column of col_off on the */
	size_t col_off;      /* line starting at col_line (positions are asked for in */
	uint32_t col_at;     /* increasing order, so a long line is counted once) */
	struct err *e;
	struct toml_value *root;
	struct toml_value *current; /* the table that key = value lines go to */
	struct buf sbuf;     /* scratch for string contents */
};

/* ---- cursor (never reads past len) ----------------------------------------------- */

static inline int peek(const struct parser *ps)
{
	return ps->off < ps->len ? ps->s[ps->off] : -1;
}

static inline int peek_at(const struct parser *ps, size_t k)
{
	return ps->len - ps->off > k ? ps->s[ps->off + k] : -1;
}

static inline struct pos here(struct parser *ps)
{
	if (ps->col_line != ps->line_start || ps->col_off > ps->off) {
		ps->col_line = ps->line_start;
		ps->col_off = ps->line_start;
		ps->col_at = 1;
	}
	for (; ps->col_off < ps->off; ps->col_off++)
		if ((ps->s[ps->col_off] & 0xC0) != 0x80)
			ps->col_at++;
	return (struct pos){ps->line, ps->col_at};
}

static inline bool at_newline(const struct parser *ps)
{
	int c = peek(ps);
	return c == '\n' || (c == '\r' && peek_at(ps, 1) == '\n');
}

static inline bool eat_newline(struct parser *ps)
{
	if (peek(ps) == '\n')
		ps->off += 1;
	else if (peek(ps) == '\r' && peek_at(ps, 1) == '\n')
		ps->off += 2;
	else
		return false;
	ps->line++;
	ps->line_start = ps->off;
	return true;
}

static inline void skip_ws(struct parser *ps)
{
	while (ps->off < ps->len && (ps->s[ps->off] == ' ' || ps->s[ps->off] == '\t'))
		ps->off++;
}

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' ||
	       c == '-';
}

static inline bool is_token_char(int c)
{
	return is_bare_key_char(c) || c == '.' || c == '+' || c == ':';
}

/* ---- errors (toml.c): "<line>:<col>: <message>" into ps->e; all return -1 --------- */

int toml_fail_at(struct parser *ps, struct pos p, const char *fmt, ...) ERR_PRINTF(3, 4);
#define fail(ps, ...) toml_fail_at((ps), here(ps), __VA_ARGS__)
int toml_fail_nomem(struct parser *ps);
/* What is at the cursor, for messages: "'x'", "end of line", "end of input". */
const char *toml_found(const struct parser *ps, char out[16]);

/* ---- scalars (toml_scalar.c) ----------------------------------------------------- */

/* Any string at the cursor (a quote) into ps->sbuf; keys pass allow_multiline = false. */
int toml_read_string(struct parser *ps, bool allow_multiline);

/* The string, boolean, number or date-time at the cursor, or NULL with the error set
 * ("expected a value" when there is none). */
struct toml_value *toml_read_scalar(struct parser *ps);

#endif
