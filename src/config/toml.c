/* The TOML 1.0 parser: document structure (keys, tables, arrays, inline tables and
 * TOML's rules on defining them) and the entry points; scalars are in toml_scalar.c.
 * See toml.h for the contract.
 *
 * One pass over the bytes through a cursor (struct parser) that never reads past len.
 * Before parsing, the whole input is checked once for UTF-8 and for control characters
 * (TOML allows none but tab and newline anywhere, CR only before LF), so the grammar
 * below deals only with valid text. Nesting (arrays, inline tables) recurses, bounded
 * by LIMIT_TOML_DEPTH; table headers and dotted keys are loops. */
#include "config/toml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "base/vec.h"
#include "config/toml_internal.h"
#include "config/toml_parser.h"

/* One part of a dotted key; s is owned until handed to a table. */
struct key_seg {
	char *s;
	size_t len;
	struct pos pos;
};

struct key {
	struct key_seg *seg; /* owned */
	size_t n, cap;
};

static void key_init(struct key *k)
{
	k->seg = NULL;
	k->n = 0;
	k->cap = 0;
}

static void key_free(struct key *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->seg[i].s);
	free(k->seg);
	key_init(k);
}

/* ---- cursor ---------------------------------------------------------------------- */




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

/* ---- errors ---------------------------------------------------------------------- */

int toml_fail_at(struct parser *ps, struct pos p, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(ps->e, "%u:%u: %s", (unsigned)p.line, (unsigned)p.col, msg);
}

int toml_fail_nomem(struct parser *ps)
{
	return fail(ps, "%s", TOML_ERR_NOMEM);
}

const char *toml_found(const struct parser *ps, char out[16])
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
		n = utf8_char_len(s + i, len - i);
		if (n < 0) {
			seek(ps, i);
			return fail(ps, "invalid UTF-8 (byte 0x%02X)", b);
		}
		i += (size_t)n;
	}
	return 0;
}

/* ---- keys ------------------------------------------------------------------------ */

static int key_push(struct parser *ps, struct key *k, const char *s, size_t len, struct pos p)
{
	struct key_seg *seg;
	char *copy;

	if (k->n >= LIMIT_TOML_DEPTH)
		return toml_fail_at(ps, p, "key has more than %d dotted parts", LIMIT_TOML_DEPTH);
	seg = vec_grow(k->seg, &k->cap, k->n, sizeof *seg, LIMIT_TOML_DEPTH);
	if (!seg)
		return toml_fail_nomem(ps);
	k->seg = seg;
	copy = toml_memdup(s, len);
	if (!copy)
		return toml_fail_nomem(ps);
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
			if (toml_read_string(ps, false) < 0 ||
			    key_push(ps, k, ps->sbuf.data ? ps->sbuf.data : "", ps->sbuf.len, p) < 0)
				return -1;
		} else if (is_bare_key_char(c)) {
			size_t from = ps->off;
			while (is_bare_key_char(peek(ps)))
				ps->off++;
			if (key_push(ps, k, (const char *)ps->s + from, ps->off - from, p) < 0)
				return -1;
		} else {
			return fail(ps, "expected a key, found %s", toml_found(ps, what));
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
		toml_fail_at(ps, p, "nesting deeper than %d levels", LIMIT_TOML_DEPTH);
		return NULL;
	}
	v = toml_node_new(type);
	if (!v) {
		toml_fail_nomem(ps);
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
		toml_fail_nomem(ps);
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

	return toml_fail_at(ps, k->seg[upto - 1].pos, "key '%s' is already defined as %s %s",
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
			toml_fail_at(ps, k->seg[i].pos, "cannot add keys to inline table '%s'",
				key_text(k, i + 1, kt, sizeof kt));
			goto fail;
		} else if (!(child->flags & TOML_F_DOTTED)) {
			toml_fail_at(ps, k->seg[i].pos,
				"cannot add keys to table '%s' with dotted keys here: it is "
				"defined by a [header]",
				key_text(k, i + 1, kt, sizeof kt));
			goto fail;
		}
		t = child;
	}
	last = &k->seg[k->n - 1];
	if (toml_table_getn(t, last->s, last->len)) {
		toml_fail_at(ps, last->pos, "duplicate key '%s'", key_text(k, k->n, kt, sizeof kt));
		goto fail;
	}
	if (toml_table_append(t, last->s, last->len, v) < 0) {
		last->s = NULL;
		return toml_fail_nomem(ps);
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
			return toml_fail_at(ps, k->seg[i].pos,
				       "cannot add a table to '%s': it is a static array",
				       key_text(k, i + 1, kt, sizeof kt));
		} else if (child->type != TOML_TABLE) {
			return already_defined(ps, k, i + 1, child);
		} else if (child->flags & TOML_F_INLINE) {
			return toml_fail_at(ps, k->seg[i].pos, "cannot add a table to inline table '%s'",
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
				return toml_fail_nomem(ps);
			}
			last->s = NULL;
		} else if (child->type != TOML_ARRAY || !(child->flags & TOML_F_AOT)) {
			return toml_fail_at(ps, last->pos, "'%s' is already defined as %s, not an array "
						      "of tables",
				       key_text(k, k->n, kt, sizeof kt),
				       child->type == TOML_ARRAY ? "a static array"
								 : toml_type_name(child->type));
		}
		tbl = new_container(ps, TOML_TABLE, child->depth + 1u, TOML_F_EXPLICIT, last->pos);
		if (!tbl)
			return -1;
		if (toml_array_append(child, tbl) < 0)
			return toml_fail_nomem(ps);
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
		return toml_fail_at(ps, last->pos, "table '%s' is already defined%s",
			       key_text(k, k->n, kt, sizeof kt),
			       child->flags & TOML_F_DOTTED ? " (by dotted keys)" : "");
	} else {
		child->flags = TOML_F_EXPLICIT;
	}
	ps->current = child;
	return 0;
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
			toml_fail_at(ps, start, "unterminated array");
			goto fail;
		}
		item = parse_value(ps, depth + 1);
		if (!item)
			goto fail;
		if (toml_array_append(a, item) < 0) {
			toml_fail_nomem(ps);
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
			toml_fail_at(ps, start, "unterminated array");
			goto fail;
		}
		fail(ps, "expected ',' or ']' in array, found %s", toml_found(ps, what));
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
			fail(ps, "expected ',' or '}' in inline table, found %s%s", toml_found(ps, what),
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

	if (peek(ps) == '[')
		v = parse_array(ps, depth, start);
	else if (peek(ps) == '{')
		v = parse_inline_table(ps, depth, start);
	else
		v = toml_read_scalar(ps);
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
		fail(ps, "expected '=' after the key, found %s", toml_found(ps, what));
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
		     toml_found(ps, what));
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
	return fail(ps, "expected the end of the line, found %s", toml_found(ps, what));
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
		toml_fail_nomem(&ps);
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
		fail(&ps, "unexpected %s after the value", toml_found(&ps, what));
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
			toml_fail_at(&ps, k.seg[i].pos, "a key part holds a NUL character");
			goto out;
		}
	}
	for (size_t i = 0; i < k.n; i++) {
		if (strv_take(segments, k.seg[i].s) < 0) {
			k.seg[i].s = NULL;
			toml_fail_nomem(&ps);
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
