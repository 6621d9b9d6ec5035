/* Private to config_edit.c and config_edit_key.c: the line scan behind the
 * byte-preserving edits. */
#ifndef CODEX_CONFIG_EDIT_INTERNAL_H
#define CODEX_CONFIG_EDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strv.h"

struct line {
	size_t start, end;       /* [start, end) without the newline; next line at end + 1 */
	bool header;
	bool in_table;           /* the header's key is the table or below it */
	bool content;            /* not blank and not only a comment */
};

/* Where a line starts: inside a multi-line string or a value's brackets, a line is
 * never a header. */
struct lex {
	int mode;        /* 0, or inside a multi-line basic (1) or literal (2) string */
	int depth;       /* open [ and { of a value */
};

/* True for a blank or comment-only line (*blank: blank). */
bool cedit_blank_or_comment(const char *p, size_t n, bool *blank);
/* The key path of a header line into segs (*array: [[...]]), or -1 when the line is
 * not one. */
int cedit_header_key(const char *p, size_t n, struct strv *segs, bool *array);
/* Advances st over one line of a value. */
void cedit_lex_line(const char *p, size_t n, struct lex *st);
/* Splits text into lines (malloc'ed *out) and marks the headers and the lines of
 * table's sections (and its sub-tables'; with arrays, its [[table]] sections too);
 * *found: any. The text must parse. */
int cedit_scan(const char *text, size_t len, const char *table, bool arrays, struct line **out,
	       size_t *n_out, bool *found, struct err *e);

#endif
