/* Byte-preserving edit of one key of a table (config.h, config_edit_set_key): the
 * key's lines are replaced by "key = value", or the line is added at the end of the
 * table's section, or the section at the end of the document; every other byte stays.
 * Used to persist network rules ([network] allowed_domains / denied_domains) and the
 * TUI's choices (model, Fast mode, personality, features, [tui] lists). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_edit_internal.h"
#include "config/toml.h"
#include "config/toml_internal.h"

static bool seg_equal(const struct strv *a, const char *table)
{
	struct strv want = STRV_INIT;
	const char *p = table;
	bool eq;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char *seg = strndup(p, n);
		if (!seg || strv_take(&want, seg) < 0) {
			strv_free(&want);
			return false;
		}
		p += n + (dot ? 1 : 0);
	}
	eq = a->n == want.n;
	for (size_t i = 0; eq && i < a->n; i++)
		eq = strcmp(a->v[i], want.v[i]) == 0;
	strv_free(&want);
	return eq;
}

/* Whether the line (at value depth 0) assigns key: `key =`, `"key" =`, `'key' =`. */
static bool assigns(const char *p, size_t n, const char *key)
{
	struct strv segs = STRV_INIT;
	size_t i = 0, end = 0;
	struct err e;
	bool yes;

	while (n > 0 && p[n - 1] == '\r') /* CRLF: see cedit_header_key */
		n--;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#' || p[i] == '[')
		return false;
	if (toml_parse_key(p + i, n - i, &segs, &end, &e) < 0)
		return false;
	yes = segs.n == 1 && strcmp(segs.v[0], key) == 0 && i + end < n && p[i + end] == '=';
	strv_free(&segs);
	return yes;
}

static int put(struct buf *out, const char *text, size_t from, size_t to, struct err *e)
{
	if (to > from && buf_append(out, text + from, to - from) < 0)
		return err_set(e, "out of memory");
	return 0;
}

/* Sets (value) or removes (value NULL) key among lines [from, stop) of a section whose
 * last line so far is `last` (the header's, or SIZE_MAX for the root table with nothing
 * before it): the key's lines are replaced or dropped, or a line is added after the
 * section's last content. */
static int edit_section(const char *text, size_t len, const struct line *lines, size_t from,
			size_t stop, size_t last, const char *key, const char *written,
			const char *value, struct buf *out, struct err *e)
{
	struct lex lx = {0, 0};

	for (size_t i = from; i < stop; i++) {
		const char *p = text + lines[i].start;
		size_t m = lines[i].end - lines[i].start, j = i, indent = 0;
		bool at_top = lx.mode == 0 && lx.depth == 0, cr;
		/* A line inside a multi-line value is the value's, even when it looks like a
		 * comment or is blank. */
		if (lines[i].content || !at_top)
			last = i;
		if (!(at_top && assigns(p, m, key))) {
			cedit_lex_line(p, m, &lx);
			continue;
		}
		/* The value may run over several lines: to where the brackets close. */
		cedit_lex_line(p, m, &lx);
		while ((lx.mode || lx.depth) && j + 1 < stop) {
			j++;
			cedit_lex_line(text + lines[j].start, lines[j].end - lines[j].start, &lx);
		}
		if (!value) { /* removed, with its line end */
			size_t after = lines[j].end < len ? lines[j].end + 1 : len;
			if (put(out, text, 0, lines[i].start, e) < 0 || put(out, text, after, len, e) < 0)
				return -1;
			return 0;
		}
		while (indent < m && (p[indent] == ' ' || p[indent] == '\t'))
			indent++;
		/* A CRLF file keeps its line ends. */
		cr = lines[j].end > lines[j].start && text[lines[j].end - 1] == '\r';
		if (put(out, text, 0, lines[i].start + indent, e) < 0 ||
		    buf_printf(out, "%s = %s%s", written, value, cr ? "\r" : "") < 0 ||
		    put(out, text, lines[j].end, len, e) < 0)
			return err_set(e, "out of memory");
		return 0;
	}
	if (!value) /* nothing to remove */
		return put(out, text, 0, len, e);
	if (last == SIZE_MAX) {
		/* The root table with nothing in it yet: the key goes first. */
		if (buf_printf(out, "%s = %s\n", written, value) < 0 || put(out, text, 0, len, e) < 0)
			return err_set(e, "out of memory");
		return 0;
	}
	/* Not there: a line after the section's last content. */
	{
		size_t at = lines[last].end;
		bool cr = at > lines[last].start && text[at - 1] == '\r';
		if (put(out, text, 0, at, e) < 0 ||
		    buf_printf(out, "\n%s = %s%s", written, value, cr ? "\r" : "") < 0 ||
		    put(out, text, at, len, e) < 0 || (at == len && buf_putc(out, '\n') < 0))
			return err_set(e, "out of memory");
	}
	return 0;
}

int config_edit_set_key(const char *text, size_t len, const char *table, const char *key,
			const char *value, struct buf *out, struct err *e)
{
	struct line *lines = NULL;
	size_t n = 0, head = 0, stop, i;
	bool found, have = false;
	struct toml_value *root;
	struct buf written;
	int rc = -1;

	/* A key that is not bare ("gpt-5.3-codex" holds dots) is written quoted, else it
	 * would be read back as a dotted path. */
	buf_init(&written, 4096);
	if (key[strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] ||
	    !*key ? config_edit_quote(&written, key) < 0 : buf_puts(&written, key) < 0) {
		buf_free(&written);
		return err_set(e, "the key is too long (or memory ran out)");
	}
	if (cedit_scan(text, len, table, false, &lines, &n, &found, e) < 0) {
		buf_free(&written);
		return -1;
	}
	if (!*table) {
		/* The root table: the lines before the first header. */
		for (stop = 0; stop < n && !lines[stop].header; stop++)
			;
		rc = edit_section(text, len, lines, 0, stop, SIZE_MAX, key, written.data, value,
				  out, e);
		goto out;
	}
	for (i = 0; i < n && !have; i++) {
		struct strv segs = STRV_INIT;
		bool array;
		if (lines[i].header && lines[i].in_table &&
		    cedit_header_key(text + lines[i].start, lines[i].end - lines[i].start, &segs,
				     &array) == 0 && !array && seg_equal(&segs, table)) {
			head = i;
			have = true;
		}
		strv_free(&segs);
	}
	if (!have) {
		/* The table must not exist in another form (dotted keys, inline): a new
		 * [table] section would then redefine it. */
		struct strv segs = STRV_INIT;
		const struct toml_value *v;
		size_t end;
		bool other_form;
		root = toml_parse(text, len, e);
		if (!root)
			goto out;
		v = root;
		if (toml_parse_key(table, strlen(table), &segs, &end, e) == 0)
			for (size_t k = 0; k < segs.n && v; k++)
				v = toml_table_get(v, segs.v[k]);
		strv_free(&segs);
		/* Only made by the headers of its sub-tables ([notice.model_migrations]): a
		 * [table] header of its own may still come, after them. v lives in root. */
		other_form = v && !(v->type == TOML_TABLE && v->flags == TOML_F_IMPLICIT);
		toml_free(root);
		if (other_form) {
			err_set(e, "[%s] is written in a form that cannot be edited in place", table);
			goto out;
		}
		if (!value) { /* nothing to remove */
			rc = put(out, text, 0, len, e);
			goto out;
		}
		if (put(out, text, 0, len, e) < 0)
			goto out;
		if ((len && text[len - 1] != '\n' && buf_putc(out, '\n') < 0) ||
		    (len && buf_putc(out, '\n') < 0) ||
		    buf_printf(out, "[%s]\n%s = %s\n", table, written.data, value) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* The section: head's line up to the next header. */
	for (stop = head + 1; stop < n && !lines[stop].header; stop++)
		;
	rc = edit_section(text, len, lines, head + 1, stop, head, key, written.data, value,
			  out, e);
out:
	free(lines);
	buf_free(&written);
	if (rc == 0) {
		/* Whatever was written must still be a valid document, and a removed key
		 * must be gone (it may be written in a form not edited here: a dotted key, an
		 * inline table). */
		const struct toml_value *v;
		struct strv segs = STRV_INIT;
		size_t end;
		root = toml_parse(out->data ? out->data : "", out->len, e);
		if (!root)
			return -1;
		v = root;
		if (!value && *table && toml_parse_key(table, strlen(table), &segs, &end, e) == 0)
			for (size_t k = 0; k < segs.n && v; k++)
				v = toml_table_get(v, segs.v[k]);
		strv_free(&segs);
		if (!value && v && toml_table_get(v, key))
			rc = err_set(e, "%s%s%s is written in a form that cannot be edited in place",
				     table, *table ? "." : "", key);
		toml_free(root);
	}
	return rc;
}
