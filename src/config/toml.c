/* The TOML 1.0 parser. See toml.h for the contract.
 *
 * One pass over the bytes through a cursor (struct parser) that never reads past len.
 * Before parsing, the whole input is checked once for UTF-8 and for control characters
 * (TOML allows none but tab and newline anywhere, CR only before LF), so the grammar
 * below deals only with valid text. Nesting (arrays, inline tables) recurses, bounded
 * by LIMIT_TOML_DEPTH; table headers and dotted keys are loops. */
#include "config/toml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "config/toml_internal.h"

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

/* One part of a dotted key; s is owned until handed to a table. */
struct key_seg {
	char *s;
	size_t len;
	struct pos pos;
};

/* Most keys have a part or two: those fit in local, saving an allocation a line. */
struct key {
	struct key_seg *seg; /* local, or malloc'ed when longer */
	size_t n, cap;
	struct key_seg local[4];
};

static void key_init(struct key *k)
{
	k->seg = k->local;
	k->n = 0;
	k->cap = sizeof k->local / sizeof k->local[0];
}

static void key_free(struct key *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->seg[i].s);
	if (k->seg != k->local)
		free(k->seg);
	key_init(k);
}

/* ---- cursor ---------------------------------------------------------------------- */

static int peek(const struct parser *ps)
{
	return ps->off < ps->len ? ps->s[ps->off] : -1;
}

static int peek_at(const struct parser *ps, size_t k)
{
	return ps->len - ps->off > k ? ps->s[ps->off + k] : -1;
}

static struct pos here(struct parser *ps)
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

/* Moves the cursor to off, recounting lines from the start: only for error reports
 * about a position found by the up-front scan. */
static void seek(struct parser *ps, size_t off)
{
	ps->line = 1;
	ps->line_start = 0;
	for (size_t i = 0; i < off; i++)
		if (ps->s[i] == '\n') {
			ps->line++;
			ps->line_start = i + 1;
		}
	ps->off = off;
}

static bool at_newline(const struct parser *ps)
{
	int c = peek(ps);
	return c == '\n' || (c == '\r' && peek_at(ps, 1) == '\n');
}

static bool eat_newline(struct parser *ps)
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

static void skip_ws(struct parser *ps)
{
	while (ps->off < ps->len && (ps->s[ps->off] == ' ' || ps->s[ps->off] == '\t'))
		ps->off++;
}

static void skip_comment(struct parser *ps)
{
	if (peek(ps) != '#')
		return;
	while (ps->off < ps->len && ps->s[ps->off] != '\n' && ps->s[ps->off] != '\r')
		ps->off++;
}

/* Whitespace, comments and newlines, as allowed between array elements. */
static void skip_blank(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		skip_comment(ps);
		if (!eat_newline(ps))
			return;
	}
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' ||
	       c == '-';
}

/* ---- errors ---------------------------------------------------------------------- */

static int fail_at(struct parser *ps, struct pos p, const char *fmt, ...) ERR_PRINTF(3, 4);
static int fail_at(struct parser *ps, struct pos p, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(ps->e, "%u:%u: %s", (unsigned)p.line, (unsigned)p.col, msg);
}

#define fail(ps, ...) fail_at((ps), here(ps), __VA_ARGS__)

static int fail_nomem(struct parser *ps)
{
	return fail(ps, "%s", TOML_ERR_NOMEM);
}

/* What is at the cursor, for messages: "'x'", "end of line", "end of input". */
static const char *found(const struct parser *ps, char out[16])
{
	int c = peek(ps);
	size_t n = 1;

	if (c < 0)
		return "end of input";
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c >= 0xF0)
		n = 4;
	else if (c >= 0xE0)
		n = 3;
	else if (c >= 0xC0)
		n = 2;
	if (n > ps->len - ps->off)
		n = ps->len - ps->off;
	out[0] = '\'';
	memcpy(out + 1, ps->s + ps->off, n);
	out[n + 1] = '\'';
	out[n + 2] = '\0';
	return out;
}

/* A dotted key for messages, shortened to fit. */
static const char *key_text(const struct key *k, size_t upto, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < upto && n + 4 < cap; i++) {
		const struct key_seg *sg = &k->seg[i];
		bool bare = sg->len > 0;
		for (size_t j = 0; j < sg->len; j++)
			if (!is_bare_key_char((unsigned char)sg->s[j]))
				bare = false;
		n += (size_t)snprintf(out + n, cap - n, "%s%s%.*s%s", i ? "." : "", bare ? "" : "\"",
				      (int)sg->len, sg->s, bare ? "" : "\"");
		if (n >= cap)
			n = cap - 1;
	}
	return out;
}

/* ---- up-front scan: UTF-8 and control characters ---------------------------------- */

static int utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char b = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	int n;

	if (b >= 0xC2 && b <= 0xDF)
		n = 2;
	else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		if (b == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		if (b == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return -1;
	if ((size_t)n > avail)
		return -1;
	if (s[1] < lo || s[1] > hi)
		return -1;
	for (int i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return -1;
	return n;
}

static int check_text(struct parser *ps)
{
	const unsigned char *s = ps->s;
	size_t len = ps->len;

	for (size_t i = 0; i < len;) {
		unsigned char b = s[i];
		int n;

		if (b >= 0x20 && b < 0x7F) {
			i++;
			continue;
		}
		if (b == '\t' || b == '\n') {
			i++;
			continue;
		}
		if (b == '\r') {
			if (i + 1 < len && s[i + 1] == '\n') {
				i += 2;
				continue;
			}
			seek(ps, i);
			return fail(ps, "carriage return not followed by a line feed");
		}
		if (b < 0x80) {
			seek(ps, i);
			return fail(ps, "control character U+%04X is not allowed", b);
		}
		n = utf8_len(s + i, len - i);
		if (n < 0) {
			seek(ps, i);
			return fail(ps, "invalid UTF-8 (byte 0x%02X)", b);
		}
		i += (size_t)n;
	}
	return 0;
}

/* ---- strings --------------------------------------------------------------------- */

static int sbuf_add(struct parser *ps, const void *p, size_t n)
{
	if (buf_append(&ps->sbuf, p, n) < 0)
		return fail_nomem(ps);
	return 0;
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int add_codepoint(struct parser *ps, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return sbuf_add(ps, u, n);
}

/* At a backslash in a basic string. */
static int parse_escape(struct parser *ps)
{
	struct pos at = here(ps);
	char what[16];
	int c, digits;
	uint32_t cp = 0;
	char simple;

	ps->off++;
	c = peek(ps);
	switch (c) {
	case 'b': simple = '\b'; break;
	case 't': simple = '\t'; break;
	case 'n': simple = '\n'; break;
	case 'f': simple = '\f'; break;
	case 'r': simple = '\r'; break;
	case '"': simple = '"'; break;
	case '\\': simple = '\\'; break;
	case 'u':
	case 'U':
		digits = c == 'u' ? 4 : 8;
		ps->off++;
		for (int i = 0; i < digits; i++) {
			int h = hex_value(peek(ps));
			if (h < 0)
				return fail_at(ps, at, "invalid escape: \\%c needs %d hex digits",
					       c, digits);
			cp = cp << 4 | (uint32_t)h;
			ps->off++;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail_at(ps, at, "invalid escape: U+%X is not a Unicode scalar value",
				       (unsigned)cp);
		return add_codepoint(ps, cp);
	default:
		return fail_at(ps, at, "invalid escape sequence: backslash followed by %s",
			       found(ps, what));
	}
	ps->off++;
	return sbuf_add(ps, &simple, 1);
}

/* "..." after the opening quote. */
static int parse_basic_string(struct parser *ps, struct pos start)
{
	buf_reset(&ps->sbuf);
	for (;;) {
		size_t from = ps->off;
		int c;

		while (ps->off < ps->len) {
			c = ps->s[ps->off];
			if (c == '"' || c == '\\' || c == '\n' || c == '\r')
				break;
			ps->off++;
		}
		if (sbuf_add(ps, ps->s + from, ps->off - from) < 0)
			return -1;
		c = peek(ps);
		if (c < 0 || c == '\n' || c == '\r')
			return fail_at(ps, start, "unterminated string (a \"...\" string ends on "
						  "its line; use \"\"\"...\"\"\" for several lines)");
		if (c == '"') {
			ps->off++;
			return 0;
		}
		if (parse_escape(ps) < 0)
			return -1;
	}
}

/* '...' after the opening quote. */
static int parse_literal_string(struct parser *ps, struct pos start)
{
	size_t from = ps->off;

	while (ps->off < ps->len && ps->s[ps->off] != '\'' && ps->s[ps->off] != '\n' &&
	       ps->s[ps->off] != '\r')
		ps->off++;
	if (peek(ps) != '\'')
		return fail_at(ps, start, "unterminated string (a '...' string ends on its "
					  "line; use '''...''' for several lines)");
	buf_reset(&ps->sbuf);
	if (sbuf_add(ps, ps->s + from, ps->off - from) < 0)
		return -1;
	ps->off++;
	return 0;
}

/* At a run of quote characters q inside a multi-line string: 3 to 5 of them close it
 * (the first one or two belong to the content); fewer are content. Returns 1 when the
 * string ended, 0 to go on, -1 on error. */
static int ml_quotes(struct parser *ps, char q)
{
	size_t n = 0;

	while (peek_at(ps, n) == q)
		n++;
	if (n >= 3) {
		if (n > 5)
			return fail(ps, "too many quotes at the end of a multi-line string");
		if (sbuf_add(ps, ps->s + ps->off, n - 3) < 0)
			return -1;
		ps->off += n;
		return 1;
	}
	if (sbuf_add(ps, ps->s + ps->off, n) < 0)
		return -1;
	ps->off += n;
	return 0;
}

/* After a backslash at the end of a line in a """ string: skips it and all whitespace
 * and newlines that follow. Returns 1 when it was such a backslash. */
static int line_ending_backslash(struct parser *ps)
{
	size_t k = 1;

	while (peek_at(ps, k) == ' ' || peek_at(ps, k) == '\t')
		k++;
	if (peek_at(ps, k) != '\n' && peek_at(ps, k) != '\r')
		return 0;
	ps->off += k;
	do
		skip_ws(ps);
	while (eat_newline(ps));
	return 1;
}

/* """...""" or '''...''' after the opening delimiter. Newlines are kept as LF. */
static int parse_multiline_string(struct parser *ps, char q, struct pos start)
{
	buf_reset(&ps->sbuf);
	eat_newline(ps); /* a newline right after the delimiter is not content */
	for (;;) {
		size_t from = ps->off;
		int c, r;

		while (ps->off < ps->len) {
			c = ps->s[ps->off];
			if (c == q || c == '\n' || c == '\r' || (c == '\\' && q == '"'))
				break;
			ps->off++;
		}
		if (sbuf_add(ps, ps->s + from, ps->off - from) < 0)
			return -1;
		c = peek(ps);
		if (c < 0)
			return fail_at(ps, start, "unterminated multi-line string");
		if (eat_newline(ps)) {
			if (sbuf_add(ps, "\n", 1) < 0)
				return -1;
			continue;
		}
		if (c == q) {
			r = ml_quotes(ps, q);
			if (r != 0)
				return r < 0 ? -1 : 0;
			continue;
		}
		if (line_ending_backslash(ps))
			continue;
		if (parse_escape(ps) < 0)
			return -1;
	}
}

/* Any string at the cursor into ps->sbuf. Keys pass allow_multiline = false. */
static int parse_string(struct parser *ps, bool allow_multiline)
{
	struct pos start = here(ps);
	char q = (char)peek(ps);
	bool ml = peek_at(ps, 1) == q && peek_at(ps, 2) == q;

	if (ml) {
		if (!allow_multiline)
			return fail(ps, "a multi-line string cannot be a key");
		ps->off += 3;
		return parse_multiline_string(ps, q, start);
	}
	ps->off++;
	return q == '"' ? parse_basic_string(ps, start) : parse_literal_string(ps, start);
}

/* ---- keys ------------------------------------------------------------------------ */

static int key_push(struct parser *ps, struct key *k, const char *s, size_t len, struct pos p)
{
	char *copy;

	if (k->n >= LIMIT_TOML_DEPTH)
		return fail_at(ps, p, "key has more than %d dotted parts", LIMIT_TOML_DEPTH);
	if (k->n == k->cap) {
		size_t cap = k->cap * 2;
		struct key_seg *seg = malloc(cap * sizeof *seg);
		if (!seg)
			return fail_nomem(ps);
		memcpy(seg, k->seg, k->n * sizeof *seg);
		if (k->seg != k->local)
			free(k->seg);
		k->seg = seg;
		k->cap = cap;
	}
	copy = toml_memdup(s, len);
	if (!copy)
		return fail_nomem(ps);
	k->seg[k->n++] = (struct key_seg){copy, len, p};
	return 0;
}

/* key = simple-key *( ws "." ws simple-key ), then trailing whitespace. */
static int parse_key(struct parser *ps, struct key *k)
{
	char what[16];

	for (;;) {
		struct pos p;
		int c;

		skip_ws(ps);
		p = here(ps);
		c = peek(ps);
		if (c == '"' || c == '\'') {
			if (parse_string(ps, false) < 0 ||
			    key_push(ps, k, ps->sbuf.data ? ps->sbuf.data : "", ps->sbuf.len, p) < 0)
				return -1;
		} else if (is_bare_key_char(c)) {
			size_t from = ps->off;
			while (is_bare_key_char(peek(ps)))
				ps->off++;
			if (key_push(ps, k, (const char *)ps->s + from, ps->off - from, p) < 0)
				return -1;
		} else {
			return fail(ps, "expected a key, found %s", found(ps, what));
		}
		skip_ws(ps);
		if (peek(ps) != '.')
			return 0;
		ps->off++;
	}
}

/* ---- tree building with TOML's definition rules ------------------------------------ */

static struct toml_value *new_container(struct parser *ps, enum toml_type type, unsigned depth,
					uint8_t flags, struct pos p)
{
	struct toml_value *v;

	if (depth > LIMIT_TOML_DEPTH) {
		fail_at(ps, p, "nesting deeper than %d levels", LIMIT_TOML_DEPTH);
		return NULL;
	}
	v = toml_node_new(type);
	if (!v) {
		fail_nomem(ps);
		return NULL;
	}
	v->depth = (uint16_t)depth;
	v->flags = flags;
	v->line = p.line;
	v->col = p.col;
	return v;
}

/* Adds a table named k->seg[i] to t, taking the segment's string. */
static struct toml_value *add_table(struct parser *ps, struct toml_value *t, struct key *k,
				    size_t i, uint8_t flags)
{
	struct key_seg *sg = &k->seg[i];
	struct toml_value *child = new_container(ps, TOML_TABLE, t->depth + 1u, flags, sg->pos);

	if (!child)
		return NULL;
	if (toml_table_append(t, sg->s, sg->len, child) < 0) {
		sg->s = NULL;
		fail_nomem(ps);
		return NULL;
	}
	sg->s = NULL;
	return child;
}

static int already_defined(struct parser *ps, const struct key *k, size_t upto,
			   const struct toml_value *v)
{
	char kt[200];

	const char *type = toml_type_name(v->type);

	return fail_at(ps, k->seg[upto - 1].pos, "key '%s' is already defined as %s %s",
		       key_text(k, upto, kt, sizeof kt), strchr("aeiou", type[0]) ? "an" : "a",
		       type);
}

/* t[k] = v for a key = value line (or an entry of an inline table). Takes v. Dotted
 * keys create tables that only more dotted keys in the same table may extend. */
static int insert_keyval(struct parser *ps, struct toml_value *t, struct key *k,
			 struct toml_value *v)
{
	char kt[200];
	struct key_seg *last;

	for (size_t i = 0; i + 1 < k->n; i++) {
		struct toml_value *child = toml_table_getn(t, k->seg[i].s, k->seg[i].len);

		if (!child) {
			child = add_table(ps, t, k, i, TOML_F_DOTTED);
			if (!child)
				goto fail;
		} else if (child->type != TOML_TABLE) {
			already_defined(ps, k, i + 1, child);
			goto fail;
		} else if (child->flags & TOML_F_INLINE) {
			fail_at(ps, k->seg[i].pos, "cannot add keys to inline table '%s'",
				key_text(k, i + 1, kt, sizeof kt));
			goto fail;
		} else if (!(child->flags & TOML_F_DOTTED)) {
			fail_at(ps, k->seg[i].pos,
				"cannot add keys to table '%s' with dotted keys here: it is "
				"defined by a [header]",
				key_text(k, i + 1, kt, sizeof kt));
			goto fail;
		}
		t = child;
	}
	last = &k->seg[k->n - 1];
	if (toml_table_getn(t, last->s, last->len)) {
		fail_at(ps, last->pos, "duplicate key '%s'", key_text(k, k->n, kt, sizeof kt));
		goto fail;
	}
	if (toml_table_append(t, last->s, last->len, v) < 0) {
		last->s = NULL;
		return fail_nomem(ps);
	}
	last->s = NULL;
	return 0;
fail:
	toml_free(v);
	return -1;
}

/* [a.b.c] or [[a.b.c]]: finds or makes the table lines below it go to. */
static int open_header(struct parser *ps, struct key *k, bool aot)
{
	char kt[200];
	struct toml_value *t = ps->root, *child;
	struct key_seg *last;

	for (size_t i = 0; i + 1 < k->n; i++) {
		child = toml_table_getn(t, k->seg[i].s, k->seg[i].len);
		if (!child) {
			child = add_table(ps, t, k, i, TOML_F_IMPLICIT);
			if (!child)
				return -1;
		} else if (child->type == TOML_ARRAY && (child->flags & TOML_F_AOT)) {
			child = child->u.array.items[child->u.array.n - 1];
		} else if (child->type == TOML_ARRAY) {
			return fail_at(ps, k->seg[i].pos,
				       "cannot add a table to '%s': it is a static array",
				       key_text(k, i + 1, kt, sizeof kt));
		} else if (child->type != TOML_TABLE) {
			return already_defined(ps, k, i + 1, child);
		} else if (child->flags & TOML_F_INLINE) {
			return fail_at(ps, k->seg[i].pos, "cannot add a table to inline table '%s'",
				       key_text(k, i + 1, kt, sizeof kt));
		}
		t = child;
	}
	last = &k->seg[k->n - 1];
	child = toml_table_getn(t, last->s, last->len);
	if (aot) {
		struct toml_value *tbl;

		if (!child) {
			child = new_container(ps, TOML_ARRAY, t->depth + 1u, TOML_F_AOT, last->pos);
			if (!child)
				return -1;
			if (toml_table_append(t, last->s, last->len, child) < 0) {
				last->s = NULL;
				return fail_nomem(ps);
			}
			last->s = NULL;
		} else if (child->type != TOML_ARRAY || !(child->flags & TOML_F_AOT)) {
			return fail_at(ps, last->pos, "'%s' is already defined as %s, not an array "
						      "of tables",
				       key_text(k, k->n, kt, sizeof kt),
				       child->type == TOML_ARRAY ? "a static array"
								 : toml_type_name(child->type));
		}
		tbl = new_container(ps, TOML_TABLE, child->depth + 1u, TOML_F_EXPLICIT, last->pos);
		if (!tbl)
			return -1;
		if (toml_array_append(child, tbl) < 0)
			return fail_nomem(ps);
		ps->current = tbl;
		return 0;
	}
	if (!child) {
		child = add_table(ps, t, k, k->n - 1, TOML_F_EXPLICIT);
		if (!child)
			return -1;
	} else if (child->type != TOML_TABLE) {
		return already_defined(ps, k, k->n, child);
	} else if (child->flags & (TOML_F_EXPLICIT | TOML_F_DOTTED | TOML_F_INLINE)) {
		return fail_at(ps, last->pos, "table '%s' is already defined%s",
			       key_text(k, k->n, kt, sizeof kt),
			       child->flags & TOML_F_DOTTED ? " (by dotted keys)" : "");
	} else {
		child->flags = TOML_F_EXPLICIT;
	}
	ps->current = child;
	return 0;
}

/* ---- scalars --------------------------------------------------------------------- */

/* Reads exactly n digits. */
static int read_digits(struct parser *ps, int n, int *out)
{
	char what[16];
	int v = 0;

	for (int i = 0; i < n; i++) {
		int c = peek(ps);
		if (!is_digit(c))
			return fail(ps, "invalid date or time: expected a digit, found %s",
				    found(ps, what));
		v = v * 10 + (c - '0');
		ps->off++;
	}
	*out = v;
	return 0;
}

static int expect_char(struct parser *ps, char want, const char *what_for)
{
	char what[16];

	if (peek(ps) != want)
		return fail(ps, "invalid %s: expected '%c', found %s", what_for, want,
			    found(ps, what));
	ps->off++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static int parse_time(struct parser *ps, struct toml_datetime *dt, struct pos start)
{
	if (read_digits(ps, 2, &dt->hour) < 0 || expect_char(ps, ':', "time") < 0 ||
	    read_digits(ps, 2, &dt->minute) < 0 || expect_char(ps, ':', "time") < 0 ||
	    read_digits(ps, 2, &dt->second) < 0)
		return -1;
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
		return fail_at(ps, start, "invalid time %02d:%02d:%02d", dt->hour, dt->minute,
			       dt->second);
	if (peek(ps) == '.') {
		ps->off++;
		if (!is_digit(peek(ps)))
			return fail(ps, "invalid time: expected digits after '.'");
		while (is_digit(peek(ps))) {
			if (dt->frac_digits < 9) {
				dt->nanosecond = dt->nanosecond * 10 + (uint32_t)(peek(ps) - '0');
				dt->frac_digits++;
			}
			ps->off++;
		}
		for (int i = dt->frac_digits; i < 9; i++)
			dt->nanosecond *= 10;
	}
	return 0;
}

static int parse_offset(struct parser *ps, struct toml_datetime *dt)
{
	int c = peek(ps), h, m;

	if (c == 'Z' || c == 'z') {
		ps->off++;
		dt->offset_z = true;
		return 1;
	}
	if (c != '+' && c != '-')
		return 0;
	ps->off++;
	if (read_digits(ps, 2, &h) < 0 || expect_char(ps, ':', "time offset") < 0 ||
	    read_digits(ps, 2, &m) < 0)
		return -1;
	if (h > 23 || m > 59)
		return fail(ps, "invalid time offset %c%02d:%02d", c, h, m);
	dt->offset_minutes = (c == '-' ? -1 : 1) * (h * 60 + m);
	return 1;
}

static bool looks_like_date(const struct parser *ps)
{
	for (size_t i = 0; i < 4; i++)
		if (!is_digit(peek_at(ps, i)))
			return false;
	return peek_at(ps, 4) == '-';
}

static bool looks_like_time(const struct parser *ps)
{
	return is_digit(peek(ps)) && is_digit(peek_at(ps, 1)) && peek_at(ps, 2) == ':';
}

static bool is_token_char(int c)
{
	return is_bare_key_char(c) || c == '.' || c == '+' || c == ':';
}

static struct toml_value *parse_datetime(struct parser *ps)
{
	struct pos start = here(ps);
	struct toml_datetime dt = {0};
	enum toml_type type = TOML_TIME_LOCAL;
	struct toml_value *v;
	char what[16];
	int c, r;

	if (looks_like_date(ps)) {
		if (read_digits(ps, 4, &dt.year) < 0 || expect_char(ps, '-', "date") < 0 ||
		    read_digits(ps, 2, &dt.month) < 0 || expect_char(ps, '-', "date") < 0 ||
		    read_digits(ps, 2, &dt.day) < 0)
			return NULL;
		if (dt.month < 1 || dt.month > 12 || dt.day < 1 ||
		    dt.day > days_in_month(dt.year, dt.month)) {
			fail_at(ps, start, "invalid date %04d-%02d-%02d", dt.year, dt.month, dt.day);
			return NULL;
		}
		type = TOML_DATE_LOCAL;
		c = peek(ps);
		if (c == 'T' || c == 't' ||
		    (c == ' ' && is_digit(peek_at(ps, 1)) && is_digit(peek_at(ps, 2)) &&
		     peek_at(ps, 3) == ':')) {
			ps->off++;
			if (parse_time(ps, &dt, start) < 0)
				return NULL;
			type = TOML_DATETIME_LOCAL;
			r = parse_offset(ps, &dt);
			if (r < 0)
				return NULL;
			if (r > 0)
				type = TOML_DATETIME;
		}
	} else if (parse_time(ps, &dt, start) < 0) {
		return NULL;
	}
	if (is_token_char(peek(ps))) {
		fail(ps, "invalid %s: unexpected %s", toml_type_name(type), found(ps, what));
		return NULL;
	}
	v = toml_node_new(type);
	if (!v) {
		fail_nomem(ps);
		return NULL;
	}
	v->u.dt = dt;
	return v;
}

/* Digits (of base) with single underscores between them, from t[*i]; at least one. */
static bool scan_digits(const char *t, size_t n, size_t *i, int base)
{
	size_t j = *i;
	bool prev_digit = false;

	for (; j < n; j++) {
		int d = hex_value((unsigned char)t[j]);
		if (t[j] == '_') {
			if (!prev_digit || j + 1 >= n || hex_value((unsigned char)t[j + 1]) < 0 ||
			    hex_value((unsigned char)t[j + 1]) >= base)
				return false;
			prev_digit = false;
			continue;
		}
		if (d < 0 || d >= base)
			break;
		prev_digit = true;
	}
	if (j == *i)
		return false;
	*i = j;
	return true;
}

static int parse_integer_digits(struct parser *ps, struct pos start, const char *t, size_t n,
				int base, bool negative, int64_t *out)
{
	/* Magnitude limit: 2^63 - 1, or 2^63 for a negative number. */
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int d;
		if (t[i] == '_')
			continue;
		d = hex_value((unsigned char)t[i]);
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return fail_at(ps, start, "integer out of range (64-bit signed)");
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (negative)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

static struct toml_value *parse_number(struct parser *ps)
{
	struct pos start = here(ps);
	const char *t = (const char *)ps->s + ps->off;
	size_t n = 0, i = 0, int_start;
	bool negative = false, is_float = false;
	struct toml_value *v = NULL;
	char *copy;

	while (ps->off + n < ps->len && is_token_char(ps->s[ps->off + n]))
		n++;
	ps->off += n;
	if (n > 0 && (t[0] == '+' || t[0] == '-')) {
		negative = t[0] == '-';
		i = 1;
	}
	if (n - i == 3 && (memcmp(t + i, "inf", 3) == 0 || memcmp(t + i, "nan", 3) == 0)) {
		v = toml_node_new(TOML_FLOAT);
		if (!v)
			goto nomem;
		if (t[i] == 'i')
			v->u.flt = negative ? -HUGE_VAL : HUGE_VAL;
		else
			v->u.flt = negative ? -NAN : NAN;
		return v;
	}
	if (n - i > 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
		int base = t[i + 1] == 'x' ? 16 : t[i + 1] == 'o' ? 8 : 2;
		size_t j = i + 2;
		if (i > 0)
			goto bad_sign;
		if (!scan_digits(t, n, &j, base) || j != n)
			goto bad;
		v = toml_node_new(TOML_INTEGER);
		if (!v)
			goto nomem;
		if (parse_integer_digits(ps, start, t + 2, n - 2, base, false, &v->u.integer) < 0)
			goto fail;
		return v;
	}
	int_start = i;
	if (!scan_digits(t, n, &i, 10))
		goto bad;
	if (t[int_start] == '0' && i - int_start > 1) {
		fail_at(ps, start, "invalid number '%.*s': leading zeros are not allowed", (int)n,
			t);
		return NULL;
	}
	if (i < n && t[i] == '.') {
		i++;
		if (!scan_digits(t, n, &i, 10))
			goto bad;
		is_float = true;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (!scan_digits(t, n, &i, 10))
			goto bad;
		is_float = true;
	}
	if (i != n)
		goto bad;
	if (!is_float) {
		v = toml_node_new(TOML_INTEGER);
		if (!v)
			goto nomem;
		if (parse_integer_digits(ps, start, t + int_start, n - int_start, 10, negative,
					 &v->u.integer) < 0)
			goto fail;
		return v;
	}
	/* strtod wants no underscores; the C locale (never changed here) uses '.'. */
	copy = malloc(n + 1);
	if (!copy)
		goto nomem;
	i = 0;
	for (size_t j = 0; j < n; j++)
		if (t[j] != '_')
			copy[i++] = t[j];
	copy[i] = '\0';
	v = toml_node_new(TOML_FLOAT);
	if (v)
		v->u.flt = strtod(copy, NULL);
	free(copy);
	if (!v)
		goto nomem;
	return v;
bad_sign:
	fail_at(ps, start, "invalid number '%.*s': hex, octal and binary integers take no sign",
		(int)n, t);
	return NULL;
bad:
	if (n == 0) {
		char what[16];
		fail(ps, "expected a value, found %s", found(ps, what));
	} else {
		fail_at(ps, start, "invalid value '%.*s'", n > 64 ? 64 : (int)n, t);
	}
	return NULL;
nomem:
	fail_nomem(ps);
	return NULL;
fail:
	toml_free(v);
	return NULL;
}

static struct toml_value *parse_bool(struct parser *ps)
{
	struct pos start = here(ps);
	const char *t = (const char *)ps->s + ps->off;
	size_t n = 0;
	struct toml_value *v;

	while (ps->off + n < ps->len && is_token_char(ps->s[ps->off + n]))
		n++;
	if (!((n == 4 && memcmp(t, "true", 4) == 0) || (n == 5 && memcmp(t, "false", 5) == 0))) {
		fail_at(ps, start, "invalid value '%.*s'", n > 64 ? 64 : (int)n, t);
		return NULL;
	}
	ps->off += n;
	v = toml_node_new(TOML_BOOL);
	if (!v) {
		fail_nomem(ps);
		return NULL;
	}
	v->u.boolean = n == 4;
	return v;
}

static struct toml_value *string_value(struct parser *ps)
{
	struct toml_value *v;

	if (parse_string(ps, true) < 0)
		return NULL;
	v = toml_string_new(ps->sbuf.data ? ps->sbuf.data : "", ps->sbuf.len);
	if (!v)
		fail_nomem(ps);
	return v;
}

/* ---- values, arrays, inline tables ------------------------------------------------ */

static struct toml_value *parse_value(struct parser *ps, unsigned depth);

static struct toml_value *parse_array(struct parser *ps, unsigned depth, struct pos start)
{
	struct toml_value *a = new_container(ps, TOML_ARRAY, depth, 0, start);
	char what[16];

	if (!a)
		return NULL;
	ps->off++;
	for (;;) {
		struct toml_value *item;

		skip_blank(ps);
		if (peek(ps) == ']')
			break;
		if (peek(ps) < 0) {
			fail_at(ps, start, "unterminated array");
			goto fail;
		}
		item = parse_value(ps, depth + 1);
		if (!item)
			goto fail;
		if (toml_array_append(a, item) < 0) {
			fail_nomem(ps);
			goto fail;
		}
		skip_blank(ps);
		if (peek(ps) == ',') {
			ps->off++;
			continue;
		}
		if (peek(ps) == ']')
			break;
		if (peek(ps) < 0) {
			fail_at(ps, start, "unterminated array");
			goto fail;
		}
		fail(ps, "expected ',' or ']' in array, found %s", found(ps, what));
		goto fail;
	}
	ps->off++;
	return a;
fail:
	toml_free(a);
	return NULL;
}

static int parse_keyval(struct parser *ps, struct toml_value *t);

static struct toml_value *parse_inline_table(struct parser *ps, unsigned depth,
					     struct pos start)
{
	struct toml_value *t = new_container(ps, TOML_TABLE, depth, TOML_F_INLINE, start);
	char what[16];

	if (!t)
		return NULL;
	ps->off++;
	skip_ws(ps);
	if (peek(ps) == '}') {
		ps->off++;
		return t;
	}
	for (;;) {
		if (at_newline(ps)) {
			fail(ps, "an inline table must fit on one line");
			goto fail;
		}
		if (parse_keyval(ps, t) < 0)
			goto fail;
		skip_ws(ps);
		if (peek(ps) == '}')
			break;
		if (peek(ps) != ',') {
			fail(ps, "expected ',' or '}' in inline table, found %s%s", found(ps, what),
			     at_newline(ps) ? " (an inline table must fit on one line)" : "");
			goto fail;
		}
		ps->off++;
		skip_ws(ps);
		if (peek(ps) == '}') {
			fail(ps, "trailing comma in inline table");
			goto fail;
		}
	}
	ps->off++;
	return t;
fail:
	toml_free(t);
	return NULL;
}

static struct toml_value *parse_value(struct parser *ps, unsigned depth)
{
	struct pos start = here(ps);
	struct toml_value *v;
	char what[16];
	int c = peek(ps);

	switch (c) {
	case '"':
	case '\'':
		v = string_value(ps);
		break;
	case '[':
		v = parse_array(ps, depth, start);
		break;
	case '{':
		v = parse_inline_table(ps, depth, start);
		break;
	case 't':
	case 'f':
		v = parse_bool(ps);
		break;
	default:
		if (is_digit(c) && (looks_like_date(ps) || looks_like_time(ps))) {
			v = parse_datetime(ps);
		} else if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n') {
			v = parse_number(ps);
		} else {
			fail(ps, "expected a value, found %s", found(ps, what));
			return NULL;
		}
		break;
	}
	if (v) {
		v->line = start.line;
		v->col = start.col;
	}
	return v;
}

/* key = value into table t (the current table, or an inline table being read). */
static int parse_keyval(struct parser *ps, struct toml_value *t)
{
	struct key k;
	struct toml_value *v;
	char what[16];
	int rc = -1;

	key_init(&k);
	if (parse_key(ps, &k) < 0)
		goto out;
	if (peek(ps) != '=') {
		fail(ps, "expected '=' after the key, found %s", found(ps, what));
		goto out;
	}
	ps->off++;
	skip_ws(ps);
	v = parse_value(ps, t->depth + (unsigned)k.n);
	if (!v)
		goto out;
	rc = insert_keyval(ps, t, &k, v);
out:
	key_free(&k);
	return rc;
}

static int parse_header(struct parser *ps)
{
	struct key k;
	bool aot = false;
	char what[16];
	int rc = -1;

	key_init(&k);
	ps->off++;
	if (peek(ps) == '[') {
		ps->off++;
		aot = true;
	}
	if (parse_key(ps, &k) < 0)
		goto out;
	if (peek(ps) != ']' || (aot && peek_at(ps, 1) != ']')) {
		if (peek(ps) == ']')
			ps->off++;
		fail(ps, "expected '%s' to close the table header, found %s", aot ? "]]" : "]",
		     found(ps, what));
		goto out;
	}
	ps->off += aot ? 2 : 1;
	rc = open_header(ps, &k, aot);
out:
	key_free(&k);
	return rc;
}

/* ---- entry points ---------------------------------------------------------------- */

static void parser_init(struct parser *ps, const char *data, size_t len, struct err *e)
{
	memset(ps, 0, sizeof *ps);
	ps->s = (const unsigned char *)data;
	ps->len = len;
	ps->line = 1;
	ps->col_at = 1;
	ps->e = e;
	buf_init(&ps->sbuf, LIMIT_CONFIG_FILE_BYTES);
}

static int check_input(struct parser *ps)
{
	if (ps->len > LIMIT_CONFIG_FILE_BYTES)
		return err_set(ps->e, "1:1: input is larger than %u bytes",
			       LIMIT_CONFIG_FILE_BYTES);
	if (check_text(ps) < 0)
		return -1;
	seek(ps, 0);
	return 0;
}

/* After a key = value line or a header: only whitespace and a comment may follow. */
static int end_of_line(struct parser *ps)
{
	char what[16];

	skip_ws(ps);
	skip_comment(ps);
	if (peek(ps) < 0 || eat_newline(ps))
		return 0;
	return fail(ps, "expected the end of the line, found %s", found(ps, what));
}

struct toml_value *toml_parse(const char *data, size_t len, struct err *e)
{
	struct parser ps;
	struct toml_value *root = NULL;

	parser_init(&ps, data, len, e);
	if (check_input(&ps) < 0)
		goto fail;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		ps.off = ps.col_off = 3; /* the BOM takes no column */
	root = toml_table_new();
	if (!root) {
		fail_nomem(&ps);
		goto fail;
	}
	root->line = root->col = 1;
	ps.root = ps.current = root;
	for (;;) {
		skip_blank(&ps);
		if (peek(&ps) < 0)
			break;
		if (peek(&ps) == '[') {
			if (parse_header(&ps) < 0)
				goto fail;
		} else if (parse_keyval(&ps, ps.current) < 0) {
			goto fail;
		}
		if (end_of_line(&ps) < 0)
			goto fail;
	}
	buf_free(&ps.sbuf);
	return root;
fail:
	buf_free(&ps.sbuf);
	toml_free(root);
	return NULL;
}

struct toml_value *toml_parse_value(const char *data, size_t len, struct err *e)
{
	struct parser ps;
	struct toml_value *v = NULL;
	char what[16];

	parser_init(&ps, data, len, e);
	if (check_input(&ps) < 0)
		goto fail;
	skip_ws(&ps);
	v = parse_value(&ps, 0);
	if (!v)
		goto fail;
	skip_blank(&ps);
	if (peek(&ps) >= 0) {
		fail(&ps, "unexpected %s after the value", found(&ps, what));
		goto fail;
	}
	buf_free(&ps.sbuf);
	return v;
fail:
	buf_free(&ps.sbuf);
	toml_free(v);
	return NULL;
}

int toml_parse_key(const char *data, size_t len, struct strv *segments, size_t *end,
		   struct err *e)
{
	struct parser ps;
	struct key k;
	int rc = -1;

	key_init(&k);
	parser_init(&ps, data, len, e);
	if (check_input(&ps) < 0 || parse_key(&ps, &k) < 0)
		goto out;
	for (size_t i = 0; i < k.n; i++) {
		if (memchr(k.seg[i].s, '\0', k.seg[i].len)) {
			fail_at(&ps, k.seg[i].pos, "a key part holds a NUL character");
			goto out;
		}
	}
	for (size_t i = 0; i < k.n; i++) {
		if (strv_take(segments, k.seg[i].s) < 0) {
			k.seg[i].s = NULL;
			fail_nomem(&ps);
			goto out;
		}
		k.seg[i].s = NULL;
	}
	*end = ps.off;
	rc = 0;
out:
	key_free(&k);
	buf_free(&ps.sbuf);
	return rc;
}
