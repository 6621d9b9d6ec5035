/* TOML scalars: the four kinds of string (with escapes and the multi-line rules),
 * booleans, integers (decimal, hex, octal, binary; overflow refused), floats and the
 * four date-time kinds (validated: month lengths, leap years, offsets). The cursor and
 * error helpers are in toml_parser.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "config/toml_internal.h"
#include "config/toml_parser.h"

/* ---- strings --------------------------------------------------------------------- */

static int sbuf_add(struct parser *ps, const void *p, size_t n)
{
	if (buf_append(&ps->sbuf, p, n) < 0)
		return toml_fail_nomem(ps);
	return 0;
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
			int h = ascii_hex_value(peek(ps));
			if (h < 0)
				return toml_fail_at(ps, at, "invalid escape: \\%c needs %d hex digits",
					       c, digits);
			cp = cp << 4 | (uint32_t)h;
			ps->off++;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return toml_fail_at(ps, at, "invalid escape: U+%X is not a Unicode scalar value",
				       (unsigned)cp);
		return add_codepoint(ps, cp);
	default:
		return toml_fail_at(ps, at, "invalid escape sequence: backslash followed by %s",
			       toml_found(ps, what));
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
			return toml_fail_at(ps, start, "unterminated string (a \"...\" string ends on "
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
		return toml_fail_at(ps, start, "unterminated string (a '...' string ends on its "
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
			return toml_fail_at(ps, start, "unterminated multi-line string");
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

int toml_read_string(struct parser *ps, bool allow_multiline)
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
				    toml_found(ps, what));
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
			    toml_found(ps, what));
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
		return toml_fail_at(ps, start, "invalid time %02d:%02d:%02d", dt->hour, dt->minute,
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
			toml_fail_at(ps, start, "invalid date %04d-%02d-%02d", dt.year, dt.month, dt.day);
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
		fail(ps, "invalid %s: unexpected %s", toml_type_name(type), toml_found(ps, what));
		return NULL;
	}
	v = toml_node_new(type);
	if (!v) {
		toml_fail_nomem(ps);
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
		int d = ascii_hex_value((unsigned char)t[j]);
		if (t[j] == '_') {
			if (!prev_digit || j + 1 >= n || ascii_hex_value((unsigned char)t[j + 1]) < 0 ||
			    ascii_hex_value((unsigned char)t[j + 1]) >= base)
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
		d = ascii_hex_value((unsigned char)t[i]);
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return toml_fail_at(ps, start, "integer out of range (64-bit signed)");
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
		toml_fail_at(ps, start, "invalid number '%.*s': leading zeros are not allowed", (int)n,
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
	toml_fail_at(ps, start, "invalid number '%.*s': hex, octal and binary integers take no sign",
		(int)n, t);
	return NULL;
bad:
	if (n == 0) {
		char what[16];
		fail(ps, "expected a value, found %s", toml_found(ps, what));
	} else {
		toml_fail_at(ps, start, "invalid value '%.*s'", n > 64 ? 64 : (int)n, t);
	}
	return NULL;
nomem:
	toml_fail_nomem(ps);
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
		toml_fail_at(ps, start, "invalid value '%.*s'", n > 64 ? 64 : (int)n, t);
		return NULL;
	}
	ps->off += n;
	v = toml_node_new(TOML_BOOL);
	if (!v) {
		toml_fail_nomem(ps);
		return NULL;
	}
	v->u.boolean = n == 4;
	return v;
}

static struct toml_value *string_value(struct parser *ps)
{
	struct toml_value *v;

	if (toml_read_string(ps, true) < 0)
		return NULL;
	v = toml_string_new(ps->sbuf.data ? ps->sbuf.data : "", ps->sbuf.len);
	if (!v)
		toml_fail_nomem(ps);
	return v;
}

struct toml_value *toml_read_scalar(struct parser *ps)
{
	char what[16];
	int c = peek(ps);

	if (c == '"' || c == '\'')
		return string_value(ps);
	if (c == 't' || c == 'f')
		return parse_bool(ps);
	if (is_digit(c) && (looks_like_date(ps) || looks_like_time(ps)))
		return parse_datetime(ps);
	if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
		return parse_number(ps);
	fail(ps, "expected a value, found %s", toml_found(ps, what));
	return NULL;
}
