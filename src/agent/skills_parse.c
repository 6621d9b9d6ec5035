/* SKILL.md front matter (skills.h): the small part of YAML that skill files use, read
 * line by line with a cap on its size, and the checks upstream applies to the fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/skills.h"
#include "base/buf.h"

struct lines {
	const char *const *p;  /* line starts */
	const size_t *len;     /* without the newline (and a \r before it) */
	size_t n;
};

static size_t indent_of(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == ' ')
		i++;
	return i;
}

static bool blank_or_comment(const char *p, size_t n)
{
	size_t i = indent_of(p, n);

	while (i < n && p[i] == '\t')
		i++;
	return i == n || p[i] == '#';
}

static int yaml_error(struct err *e, size_t line, const char *what)
{
	return err_set(e, "invalid YAML: %s at line %zu", what, line + 2);
}

/* A plain scalar's text on one line: up to a " #" comment, trailing blanks cut. */
static size_t plain_len(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '#' && i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t')) {
			n = i;
			break;
		}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n;
}

static int put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else if (cp < 0x110000) {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	} else {
		return put_utf8(b, 0xFFFD);
	}
	return buf_append(b, u, n);
}

static int hex_value(const char *p, size_t n, unsigned long *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		*out = *out * 16 + (unsigned long)d;
	}
	return 0;
}

/* A quoted scalar starting at L->p[*i] + col (the quote), possibly continued on later
 * lines (joined with a space, as YAML folds them). *i ends on its last line. */
static int quoted(const struct lines *L, size_t *i, size_t col, struct buf *out, struct err *e)
{
	char q = L->p[*i][col];
	size_t line = *i, at = col + 1;

	for (;;) {
		const char *p = L->p[line];
		size_t n = L->len[line];
		while (at < n) {
			char c = p[at];
			if (c == q) {
				if (q == '\'' && at + 1 < n && p[at + 1] == '\'') {
					if (buf_putc(out, '\'') < 0)
						return err_set(e, "out of memory");
					at += 2;
					continue;
				}
				at++;
				if (!blank_or_comment(p + at, n - at))
					return yaml_error(e, line, "text after a quoted value");
				*i = line;
				return 0;
			}
			if (q == '"' && c == '\\') {
				unsigned long cp;
				size_t w = 0;
				char x = at + 1 < n ? p[at + 1] : '\0';
				const char *simple = strchr("0abtnvfre \"/\\", x);
				if (x && simple) {
					static const char to[] = "\0\a\b\t\n\v\f\r\x1b \"/\\";
					if (buf_putc(out, to[simple - "0abtnvfre \"/\\"]) < 0)
						return err_set(e, "out of memory");
					at += 2;
					continue;
				}
				w = x == 'x' ? 2 : x == 'u' ? 4 : x == 'U' ? 8 : 0;
				if (!w || at + 2 + w > n || hex_value(p + at + 2, w, &cp) < 0)
					return yaml_error(e, line, "a bad escape in a quoted value");
				if (put_utf8(out, cp) < 0)
					return err_set(e, "out of memory");
				at += 2 + w;
				continue;
			}
			if (buf_putc(out, c) < 0)
				return err_set(e, "out of memory");
			at++;
		}
		if (++line >= L->n)
			return yaml_error(e, *i, "an unterminated quoted value");
		if (buf_putc(out, ' ') < 0)
			return err_set(e, "out of memory");
		at = indent_of(L->p[line], L->len[line]);
	}
}

/* The lines after *i indented more than base: a block scalar's (keep newlines) or a plain
 * scalar's continuation (folded). *i ends on the last one taken. */
static int continuation(const struct lines *L, size_t *i, size_t base, bool block,
			struct buf *out, struct err *e)
{
	size_t j = *i + 1, strip = 0;
	bool first = out->len == 0;

	for (; j < L->n; j++) {
		const char *p = L->p[j];
		size_t n = L->len[j], ind = indent_of(p, n);
		bool blank = ind == n;
		if (!blank && ind <= base)
			break;
		if (blank && !block)
			continue;
		if (!strip && !blank)
			strip = ind;
		if (!first && buf_putc(out, block ? '\n' : ' ') < 0)
			return err_set(e, "out of memory");
		first = false;
		if (!blank) {
			size_t from = ind < strip ? ind : strip;
			size_t m = block ? n - from : plain_len(p + ind, n - ind);
			if (buf_append(out, block ? p + from : p + ind, m) < 0)
				return err_set(e, "out of memory");
		}
		*i = j;
	}
	return 0;
}

/* The value of a key whose text after ':' starts at column col of line *i (col == len:
 * nothing on the line). *value is NULL for a null value. */
static int value(const struct lines *L, size_t *i, size_t col, size_t base, char **value,
		 struct err *e)
{
	const char *p = L->p[*i];
	size_t n = L->len[*i];
	struct buf b;
	int rc = -1;

	*value = NULL;
	buf_init(&b, SKILL_FRONT_MAX_BYTES);
	while (col < n && (p[col] == ' ' || p[col] == '\t'))
		col++;
	if (col < n && (p[col] == '"' || p[col] == '\'')) {
		if (quoted(L, i, col, &b, e) < 0)
			goto out;
	} else if (col < n && (p[col] == '|' || p[col] == '>')) {
		if (continuation(L, i, base, p[col] == '|', &b, e) < 0)
			goto out;
	} else {
		size_t m = col < n && p[col] != '#' ? plain_len(p + col, n - col) : 0;
		if (m && buf_append(&b, p + col, m) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
		if (continuation(L, i, base, false, &b, e) < 0)
			goto out;
		if (!b.len || (b.len == 1 && b.data[0] == '~') || strcmp(b.data, "null") == 0) {
			rc = 0;
			goto out;
		}
	}
	if (!(*value = buf_take(&b))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* A "key:" line at indentation ind: the key's bounds and the column after the ':'. */
static int key_of(const struct lines *L, size_t i, size_t ind, size_t *klen, size_t *after,
		  struct err *e)
{
	const char *p = L->p[i];
	size_t n = L->len[i];

	if (ind < n && (p[ind] == '-' || p[ind] == '[' || p[ind] == '{' || p[ind] == '\t'))
		return yaml_error(e, i, "not a mapping");
	for (size_t k = ind; k < n; k++)
		if (p[k] == ':' && (k + 1 == n || p[k + 1] == ' ' || p[k + 1] == '\t')) {
			size_t m = k;
			while (m > ind && p[m - 1] == ' ')
				m--;
			if (m == ind)
				return yaml_error(e, i, "an empty key");
			*klen = m - ind;
			*after = k + 1;
			return 0;
		}
	return yaml_error(e, i, "a line that is not key: value");
}

static bool key_is(const struct lines *L, size_t i, size_t ind, size_t klen, const char *k)
{
	return strlen(k) == klen && memcmp(L->p[i] + ind, k, klen) == 0;
}

static void set(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

/* The mapping under "metadata:" (lines indented more than 0 after *i). */
static int metadata(const struct lines *L, size_t *i, struct skill_front *f, struct err *e)
{
	size_t j = *i + 1, ind0 = 0;

	for (; j < L->n; j++) {
		size_t n = L->len[j], ind = indent_of(L->p[j], n), klen, after, start = j;
		char *v;
		if (blank_or_comment(L->p[j], n))
			continue;
		if (ind == 0)
			break;
		if (!ind0)
			ind0 = ind;
		if (ind != ind0)
			return yaml_error(e, j, "unexpected indentation");
		if (key_of(L, j, ind, &klen, &after, e) < 0 || value(L, &j, after, ind, &v, e) < 0)
			return -1;
		if (key_is(L, start, ind, klen, "short-description"))
			set(&f->short_description, v);
		else
			free(v);
		*i = j;
	}
	return 0;
}

static int parse_lines(const struct lines *L, struct skill_front *f, struct err *e)
{
	for (size_t i = 0; i < L->n; i++) {
		size_t n = L->len[i], ind = indent_of(L->p[i], n), klen, after, start;
		char *v;
		if (blank_or_comment(L->p[i], n))
			continue;
		if (ind)
			return yaml_error(e, i, "unexpected indentation");
		if (key_of(L, i, 0, &klen, &after, e) < 0)
			return -1;
		start = i;
		if (key_is(L, i, 0, klen, "metadata") && blank_or_comment(L->p[i] + after, n - after)) {
			if (metadata(L, &i, f, e) < 0)
				return -1;
			continue;
		}
		if (value(L, &i, after, 0, &v, e) < 0)
			return -1;
		if (key_is(L, start, 0, klen, "name"))
			set(&f->name, v);
		else if (key_is(L, start, 0, klen, "description"))
			set(&f->description, v);
		else
			free(v);
	}
	return 0;
}

static bool is_fence(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(p, "---", 3) == 0;
}

int skill_front_parse(const char *text, size_t len, struct skill_front *out, struct err *e)
{
	const char **starts = NULL;
	size_t *lens = NULL, n = 0, cap = 0, pos = 0, bytes = 0;
	bool closed = false;
	struct lines L;
	int rc = -1;

	memset(out, 0, sizeof *out);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, m = end - pos;
		if (m && text[end - 1] == '\r')
			m--;
		if (n == 0 && !is_fence(text + pos, m))
			break;
		if (n > 0 && is_fence(text + pos, m)) {
			closed = true;
			break;
		}
		if (n > 0) {
			bytes += m + 1;
			if (bytes > SKILL_FRONT_MAX_BYTES) {
				err_set(e, "invalid YAML: the front matter is over %u bytes",
					SKILL_FRONT_MAX_BYTES);
				goto out;
			}
		}
		if (n == cap) {
			size_t c = cap ? cap * 2 : 32;
			const char **s2 = realloc(starts, c * sizeof *s2);
			size_t *l2;
			if (s2)
				starts = s2;
			l2 = s2 ? realloc(lens, c * sizeof *l2) : NULL;
			if (!l2) {
				err_set(e, "out of memory");
				goto out;
			}
			lens = l2;
			cap = c;
		}
		starts[n] = text + pos;
		lens[n++] = m;
		pos = nl ? end + 1 : len;
	}
	if (!closed) {
		err_set(e, "missing YAML frontmatter delimited by ---");
		goto out;
	}
	L.p = starts + 1;
	L.len = lens + 1;
	L.n = n - 1;
	rc = parse_lines(&L, out, e);
out:
	free(starts);
	free(lens);
	if (rc < 0)
		skill_front_free(out);
	return rc;
}

void skill_front_free(struct skill_front *f)
{
	free(f->name);
	free(f->description);
	free(f->short_description);
	memset(f, 0, sizeof *f);
}

char *skill_one_line(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *r = malloc(n + 1);
	bool space = false;

	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			space = o > 0;
			continue;
		}
		if (space)
			r[o++] = ' ';
		space = false;
		r[o++] = (char)c;
	}
	r[o] = '\0';
	return r;
}

/* Characters, not bytes, as upstream counts them. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int check_len(const char *v, size_t max, const char *field, struct err *e)
{
	if (!*v)
		return err_set(e, "missing field `%s`", field);
	if (chars(v) > max)
		return err_set(e, "invalid %s: exceeds maximum length of %zu characters", field, max);
	return 0;
}

int skill_from_text(const char *path, const char *text, size_t len, enum agent_skill_scope scope,
		    struct agent_skill *out, struct err *e)
{
	struct skill_front f;
	char *dir = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (memchr(text, '\0', len))
		return err_set(e, "failed to read file: it holds a NUL byte");
	if (skill_front_parse(text, len, &f, e) < 0)
		return -1;
	out->scope = scope;
	out->enabled = true;
	if (f.name && !(out->name = skill_one_line(f.name)))
		goto oom;
	if (!out->name || !*out->name) {
		/* The folder's name, as upstream's default_skill_name. */
		const char *slash = strrchr(path, '/'), *start;
		free(out->name);
		out->name = NULL;
		if (slash && slash > path) {
			start = slash - 1;
			while (start > path && start[-1] != '/')
				start--;
			if (!(dir = strndup(start, (size_t)(slash - start))))
				goto oom;
		}
		if (!(out->name = skill_one_line(dir && *dir ? dir : "skill")))
			goto oom;
		if (!*out->name) {
			free(out->name);
			if (!(out->name = strdup("skill")))
				goto oom;
		}
	}
	if (!(out->description = skill_one_line(f.description ? f.description : "")))
		goto oom;
	if (f.short_description) {
		if (!(out->short_description = skill_one_line(f.short_description)))
			goto oom;
		if (!*out->short_description) {
			free(out->short_description);
			out->short_description = NULL;
		}
	}
	if (!(out->path = strdup(path)))
		goto oom;
	if (check_len(out->name, AGENT_SKILL_NAME_MAX, "name", e) < 0 ||
	    check_len(out->description, AGENT_SKILL_DESCRIPTION_MAX, "description", e) < 0 ||
	    (out->short_description &&
	     check_len(out->short_description, AGENT_SKILL_DESCRIPTION_MAX,
		       "metadata.short-description", e) < 0))
		goto out;
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	free(dir);
	skill_front_free(&f);
	if (rc < 0)
		skill_clear(out);
	return rc;
}

void skill_clear(struct agent_skill *s)
{
	free(s->name);
	free(s->description);
	free(s->short_description);
	free(s->path);
	memset(s, 0, sizeof *s);
}
