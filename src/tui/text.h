/* Text the TUI draws: inert (sanitised), measured in terminal columns, wrapped, and
 * styled. Private to src/tui/; pure functions, no I/O (the sanitiser has a fuzz target).
 *
 * Styled text is sanitised UTF-8 in which the byte TUI_MARK (0x01, which sanitised text
 * never holds) is followed by one style letter: the styles a row turns on, cumulative
 * until TUI_MARK '0'. Rows are emitted through tui_emit_row, which turns them into SGR
 * sequences for the terminal's colour level, or into nothing at all (NO_COLOR). */
#ifndef CODEX_TUI_TEXT_H
#define CODEX_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define TUI_MARK '\x01'
/* Style letters after TUI_MARK. */
#define ST_RESET "\x01" "0"
#define ST_BOLD "\x01" "b"
#define ST_DIM "\x01" "d"
#define ST_ITALIC "\x01" "i"
#define ST_UNDER "\x01" "u"
#define ST_STRIKE "\x01" "s"
#define ST_RED "\x01" "r"
#define ST_GREEN "\x01" "g"
#define ST_CYAN "\x01" "c"
#define ST_MAGENTA "\x01" "m"
#define ST_YELLOW "\x01" "y"
#define ST_ADD_BG "\x01" "A"
#define ST_DEL_BG "\x01" "D"
#define ST_USER_BG "\x01" "U"
#define ST_REVERSE "\x01" "v"
/* A syntax class (highlight.h's enum hl_class) after TUI_MARK: the current theme's
 * colour for it. Classes take the letters '1' onwards. */
#define TUI_SYNTAX_FIRST '1'
#define TUI_SYNTAX_MARK(cls) ((char)(TUI_SYNTAX_FIRST + (int)(cls)))

/* A tab in model or command output becomes this many spaces. */
#define TUI_TAB_COLUMNS 4

enum tui_color_level {
	TUI_COLOR_NONE,   /* NO_COLOR, TERM=dumb: no SGR at all */
	TUI_COLOR_16,
	TUI_COLOR_256,
	TUI_COLOR_TRUE
};

/* From NO_COLOR, TERM and COLORTERM. */
enum tui_color_level tui_color_level_detect(void);

/* Appends in[0..n) to out made inert: every escape sequence (CSI, OSC, DCS, APC, PM,
 * SOS, two-byte ESC forms) and every C0/C1 control is dropped, except '\n' (kept when
 * keep_newlines, else a space) and '\t' (spaces); "\r\n" is a newline and a lone '\r'
 * is dropped; invalid UTF-8 becomes U+FFFD; bidirectional overrides are dropped. An
 * unterminated sequence is dropped to the end of the input. -1 when out's ceiling is
 * reached (out is then freed, as base/buf does). */
int tui_sanitize(struct buf *out, const char *in, size_t n, bool keep_newlines) WARN_UNUSED;

/* Decodes the UTF-8 character at s (n > 0 bytes): its code point and length (an invalid
 * byte gives U+FFFD and 1). */
uint32_t tui_utf8_decode(const char *s, size_t n, int *len);
/* Appends cp encoded as UTF-8 to dst (room for 4 bytes); returns the length. */
int tui_utf8_encode(uint32_t cp, char *dst);

/* Columns a code point takes: 0 (combining, zero-width), 1, or 2 (East Asian wide,
 * emoji). */
int tui_cp_width(uint32_t cp);
/* Columns of styled text (marks take none). */
size_t tui_text_width(const char *s, size_t n);

/* A list of owned strings (rows or lines). */
struct tui_rows {
	char **v;
	size_t n, cap;
};
int tui_rows_push(struct tui_rows *r, const char *s, size_t n) WARN_UNUSED;
void tui_rows_clear(struct tui_rows *r);
void tui_rows_free(struct tui_rows *r);

/* Wraps one styled line (no '\n') to rows of at most width columns (width >= 1),
 * breaking after spaces where it can and inside words where it must; continuation rows
 * start with `indent` spaces (clamped below width) and the styles still on. Appends
 * to out; -1 when memory runs out. */
int tui_wrap(const char *s, size_t n, int width, int indent, struct tui_rows *out) WARN_UNUSED;

/* Appends a styled row as terminal bytes for the colour level (ending with an SGR reset
 * when it set any style). */
int tui_emit_row(struct buf *out, const char *row, size_t n, enum tui_color_level level)
	WARN_UNUSED;

/* Truncates styled text to at most width columns, appending "…" when it was cut.
 * Returns a malloc'ed string or NULL. */
char *tui_truncate(const char *s, size_t n, int width);

/* Upstream's compact token count (/status): 999, 1.9K, 2.25K, 272K, 1.23M. */
void tui_format_tokens(int64_t v, char *out, size_t n);

#endif
