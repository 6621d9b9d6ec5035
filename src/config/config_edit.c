/* Byte-preserving edits of a TOML document's tables (see config.h): `codex mcp add`
 * and `remove` change the [mcp_servers.<name>] sections and nothing else, so a user's
 * comments, order and layout survive.
 *
 * A section runs from its header line to the next header line. Header lines are found
 * by their shape ([key] or [[key]] at the start of a line, then only a comment) and
 * confirmed against the parsed tree (the key must name a table there), so a line of a
 * multi-line string or array that merely looks like a header is never taken for one. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_edit_internal.h"
#include "config/toml.h"

bool cedit_blank_or_comment(const char *p, size_t n, bool *blank)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	*blank = i == n;
	return i == n || p[i] == '#';
}

int cedit_header_key(const char *p, size_t n, struct strv *segs, bool *array)
{
	size_t i = 0, end = 0;
	struct err e;

	/* A CRLF file's lines end in CR, which the key parser (checking all it is given)
	 * would refuse as a bare CR. */
	while (n > 0 && p[n - 1] == '\r')
		n--;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= n || p[i] != '[')
		return -1;
	*array = i + 1 < n && p[i + 1] == '[';
	i += *array ? 2 : 1;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (toml_parse_key(p + i, n - i, segs, &end, &e) < 0)
		return -1;
	i += end;
	if (i >= n || p[i] != ']')
		return -1;
	i++;
	if (*array) {
		if (i >= n || p[i] != ']')
			return -1;
		i++;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i == n || p[i] == '#' ? 0 : -1;
}

void cedit_lex_line(const char *p, size_t n, struct lex *st)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (st->mode == 1) {
			if (c == '\\')
				i++;
			else if (c == '"' && i + 2 < n && p[i + 1] == '"' && p[i + 2] == '"') {
				st->mode = 0;
				i += 2;
			}
			continue;
		}
		if (st->mode == 2) {
			if (c == '\'' && i + 2 < n && p[i + 1] == '\'' && p[i + 2] == '\'') {
				st->mode = 0;
				i += 2;
			}
			continue;
		}
		if (c == '#')
			return;
		if (c == '"' || c == '\'') {
			if (i + 2 < n && p[i + 1] == c && p[i + 2] == c) {
				st->mode = c == '"' ? 1 : 2;
				i += 2;
				continue;
			}
			for (i++; i < n && p[i] != c; i++)
				if (c == '"' && p[i] == '\\')
					i++;
			continue;
		}
		if (c == '[' || c == '{')
			st->depth++;
		else if ((c == ']' || c == '}') && st->depth > 0)
			st->depth--;
	}
}

/* Whether segs names a table (or an array of tables) in the parsed document. */
static bool names_table(const struct toml_value *root, const struct strv *segs)
{
	const struct toml_value *v = root;

	for (size_t i = 0; i < segs->n && v; i++) {
		if (v->type == TOML_ARRAY)
			v = v->u.array.n ? v->u.array.items[v->u.array.n - 1] : NULL;
		v = v ? toml_table_get(v, segs->v[i]) : NULL;
	}
	return v && (v->type == TOML_TABLE || v->type == TOML_ARRAY);
}

static bool under(const struct strv *segs, const struct strv *table)
{
	if (segs->n < table->n)
		return false;
	for (size_t i = 0; i < table->n; i++)
		if (strcmp(segs->v[i], table->v[i]) != 0)
			return false;
	return true;
}

static int split_path(const char *table, struct strv *out, struct err *e)
{
	const char *p = table;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char *seg = strndup(p, n);
		if (!seg || strv_take(out, seg) < 0)
			return err_set(e, "out of memory");
		p += n + (dot ? 1 : 0);
	}
	return 0;
}

int cedit_scan(const char *text, size_t len, const char *table, bool arrays, struct line **out,
	       size_t *n_out, bool *found, struct err *e)
{
	struct toml_value *root = toml_parse(text, len, e);
	struct strv want = STRV_INIT;
	struct line *lines = NULL;
	size_t n = 0, cap = 0, pos = 0;
	bool inside = false;
	struct lex lx = {0, 0};
	int rc = -1;

	*found = false;
	if (!root)
		return -1;
	if (split_path(table, &want, e) < 0)
		goto out;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, m;
		struct strv segs = STRV_INIT;
		bool array = false, blank;
		struct line *l;

		if (n == cap) {
			struct line *g;
			cap = cap ? cap * 2 : 64;
			if (!(g = realloc(lines, cap * sizeof *g))) {
				err_set(e, "out of memory");
				goto out;
			}
			lines = g;
		}
		l = &lines[n++];
		memset(l, 0, sizeof *l);
		l->start = pos;
		l->end = end;
		m = end - pos;
		if (lx.mode == 0 && lx.depth == 0 && cedit_header_key(text + pos, m, &segs, &array) == 0 &&
		    names_table(root, &segs)) {
			l->header = true;
			inside = (arrays || !array) && under(&segs, &want);
			*found = *found || inside;
		} else {
			cedit_lex_line(text + pos, m, &lx);
		}
		strv_free(&segs);
		l->in_table = inside;
		l->content = !cedit_blank_or_comment(text + pos, m, &blank);
		pos = nl ? end + 1 : len;
	}
	*out = lines;
	*n_out = n;
	lines = NULL;
	rc = 0;
out:
	free(lines);
	strv_free(&want);
	toml_free(root);
	return rc;
}

static bool is_blank(const char *text, const struct line *l)
{
	bool blank;

	cedit_blank_or_comment(text + l->start, l->end - l->start, &blank);
	return blank;
}

/* Appends text[from, to) to out. */
static int keep(struct buf *out, const char *text, size_t from, size_t to, struct err *e)
{
	if (to > from && buf_append(out, text + from, to - from) < 0)
		return err_set(e, "out of memory");
	return 0;
}

/* The document without table's sections; where the first one was, replacement (may be
 * NULL) is written instead. Each removed run covers its header through its last line
 * of content (comments and blank lines after that stay with what follows), and a blank
 * line left doubled by the removal is dropped. */
static int rewrite(const char *text, size_t len, const char *table, bool arrays,
		   const char *replacement, struct buf *out, bool *found, struct err *e)
{
	struct line *lines = NULL;
	size_t n = 0, i = 0, copied = 0;
	bool replaced = false;
	int rc = -1;

	if (cedit_scan(text, len, table, arrays, &lines, &n, found, e) < 0)
		return -1;
	while (i < n) {
		size_t first, last, from, to;
		if (!(lines[i].header && lines[i].in_table)) {
			i++;
			continue;
		}
		first = i;
		last = i;
		for (; i < n && (lines[i].in_table); i++)
			if (lines[i].content)
				last = i;
		from = lines[first].start;
		to = last + 1 < n ? lines[last + 1].start : len;
		if (replacement && !replaced) {
			/* The first run is replaced in place. */
			if (keep(out, text, copied, from, e) < 0)
				goto out;
			if (buf_puts(out, replacement) < 0)
				goto oom;
			replaced = true;
			copied = to;
			continue;
		}
		/* A blank line before and after (or the end): one of them goes. */
		if (first > 0 && is_blank(text, &lines[first - 1])) {
			if (last + 1 >= n)
				from = lines[first - 1].start;
			else if (is_blank(text, &lines[last + 1]))
				to = last + 2 < n ? lines[last + 2].start : len;
		}
		if (keep(out, text, copied, from, e) < 0)
			goto out;
		copied = to;
	}
	if (keep(out, text, copied, len, e) < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	free(lines);
	return rc;
}

int config_edit_remove_table(const char *text, size_t len, const char *table, struct buf *out,
			     bool *found, struct err *e)
{
	return rewrite(text, len, table, false, NULL, out, found, e);
}

static int put(const char *text, size_t len, const char *table, bool arrays, const char *block,
	       struct buf *out, struct err *e)
{
	bool found;

	if (rewrite(text, len, table, arrays, *block ? block : NULL, out, &found, e) < 0)
		return -1;
	if (found || !*block)
		return 0;
	/* New: at the end, after a blank line. */
	if (out->len && out->data[out->len - 1] != '\n' && buf_putc(out, '\n') < 0)
		return err_set(e, "out of memory");
	if (out->len && buf_putc(out, '\n') < 0)
		return err_set(e, "out of memory");
	if (buf_puts(out, block) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int config_edit_put_table(const char *text, size_t len, const char *table, const char *block,
			  struct buf *out, struct err *e)
{
	return put(text, len, table, false, block, out, e);
}

int config_edit_put_array(const char *text, size_t len, const char *table, const char *block,
			  struct buf *out, struct err *e)
{
	return put(text, len, table, true, block, out, e);
}

int config_edit_quote(struct buf *out, const char *s)
{
	if (buf_putc(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		if (*p == '"' || *p == '\\')
			rc = buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			rc = buf_puts(out, "\\n");
		else if (*p == '\t')
			rc = buf_puts(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			rc = buf_printf(out, "\\u%04x", *p);
		else
			rc = buf_putc(out, (char)*p);
		if (rc < 0)
			return -1;
	}
	return buf_putc(out, '"');
}
