/* Syntax highlighting of code lines (fenced Markdown code blocks, diff bodies) and the
 * colour themes that paint it (codex-tui.md §7.1, §7.3, §9 /theme, §13 [tui] theme).
 * Private to src/tui/.
 *
 * highlight.c is a small tokenizer per language family, line by line: a line is
 * classified once, when it is committed, and the classes travel inside styled text as
 * style marks (text.h: TUI_MARK then TUI_SYNTAX_MARK(class)), which tui_emit_row turns
 * into the current theme's colours. So the text itself is never changed (it is sanitised
 * before it gets here and stays inert), wrapping and widths see only marks, and NO_COLOR
 * emits nothing.
 *
 * themes.c holds the built-in themes (upstream's names), the current theme, and custom
 * themes read from $CODEX_HOME/themes/<name>.tmTheme (a plist XML reader, tmtheme.c). */
#ifndef CODEX_TUI_HIGHLIGHT_H
#define CODEX_TUI_HIGHLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "tui/text.h"

/* What a token is; each maps to one TextMate scope (themes.c). Never renumbered:
 * styled rows in memory carry these. */
enum hl_class {
	HL_PLAIN,     /* the theme's foreground */
	HL_KEYWORD,   /* keyword, storage */
	HL_STRING,
	HL_COMMENT,
	HL_NUMBER,    /* constant.numeric */
	HL_TYPE,      /* entity.name.type, storage.type, support.type */
	HL_FUNCTION,  /* entity.name.function, support.function */
	HL_CONSTANT,  /* constant.language (true, null), constant.other, variables in shell */
	HL_OPERATOR,  /* keyword.operator, punctuation */
	HL_META,      /* preprocessor, attributes, decorators, annotations */
	HL_TAG,       /* a key (JSON, TOML, YAML), a heading: entity.name.tag */
	HL_INSERTED,  /* markup.inserted */
	HL_DELETED,   /* markup.deleted */
	HL_CLASS_COUNT
};

enum hl_lang {
	HL_LANG_NONE, HL_LANG_C, HL_LANG_RUST, HL_LANG_GO, HL_LANG_PYTHON, HL_LANG_JS,
	HL_LANG_JAVA, HL_LANG_SHELL, HL_LANG_JSON, HL_LANG_TOML, HL_LANG_YAML, HL_LANG_DIFF,
	HL_LANG_MARKDOWN
};

/* A line longer than this is shown plain (and ends any multi-line construct): a
 * minified file is not worth classifying, and the cost per line stays bounded. */
#define HL_MAX_LINE_BYTES (16u * 1024)
/* Tokens of one line at most; the rest of a longer line is one plain token. */
#define HL_MAX_TOKENS 1024
/* A code block (or one file's diff) longer than this many lines is not highlighted, as
 * upstream stops at 10,000 lines. */
#define HL_MAX_LINES 10000
/* Nor is one file's diff larger than this (upstream's 512 KiB). */
#define HL_MAX_BLOCK_BYTES (512u * 1024)

/* The language of a fence's info string ("rust", "py", "c++ title=x": the first word)
 * or of a file extension (without the dot); HL_LANG_NONE when unknown. */
enum hl_lang hl_lang_from_name(const char *name, size_t n);
/* The language of a path by its extension; HL_LANG_NONE when unknown. */
enum hl_lang hl_lang_from_path(const char *path);

struct hl_token {
	size_t start, len;
	enum hl_class cls;
};

/* Splits s[0..n) (sanitised text, no '\n') into tokens covering it in order; *state
 * (0 at a block's start) carries block comments and multi-line strings from one line
 * to the next. Returns the number of tokens (at most max). */
size_t hl_tokenize(enum hl_lang lang, int *state, const char *s, size_t n,
		   struct hl_token *out, size_t max);

/* Appends s[0..n) to out as styled text: a class mark before each change of class.
 * HL_LANG_NONE (or an over-long line) appends one HL_PLAIN run. -1 when out is full. */
int hl_append(enum hl_lang lang, int *state, const char *s, size_t n, struct buf *out)
	WARN_UNUSED;

/* ---- themes (themes.c) ---- */

/* A colour: 0xRRGGBB, or an index into the terminal's palette (the "ansi" themes). */
#define THEME_NO_COLOR UINT32_MAX
#define THEME_ANSI_FLAG (1u << 24)

struct theme_style {
	uint32_t fg;    /* THEME_NO_COLOR: the terminal's own */
	bool bold;
};

/* Names are kebab-case, at most this long (a custom theme's file stem). */
#define THEME_NAME_MAX 64

struct theme {
	char name[THEME_NAME_MAX + 1];
	struct theme_style cls[HL_CLASS_COUNT];
	uint32_t inserted_bg, deleted_bg; /* markup.inserted/deleted backgrounds, or none */
};

/* A .tmTheme file read whole: at most this many bytes (real ones are 10-60 KiB), this
 * nesting of plist elements and this many scope settings. */
#define TMTHEME_MAX_BYTES (1024u * 1024)
#define TMTHEME_MAX_DEPTH 32
#define TMTHEME_MAX_SETTINGS 4096

/* Parses .tmTheme text into t (its name left empty). -1 with a one-line reason in e
 * ("line 12: unterminated <dict>"). Pure: no I/O. */
int tmtheme_parse(const char *text, size_t n, struct theme *t, struct err *e);

/* The built-in themes, sorted by name; count in *n. */
const struct theme *themes_builtin(size_t *n);
const struct theme *themes_builtin_find(const char *name);

/* Reads $codex_home/themes/<name>.tmTheme into t. -1 with e when missing or invalid. */
int themes_load_custom(const char *codex_home, const char *name, struct theme *t,
		       struct err *e);

/* The picker's list: built-in names and valid custom ones (custom[i] true), sorted
 * case-insensitively, a custom theme with a built-in's name left out. The caller frees
 * with themes_list_free. */
struct theme_list {
	char **names;
	bool *custom;
	size_t n;
};
/* Custom themes listed from one directory at most; more are left out. */
#define THEMES_MAX_CUSTOM 256
#define THEME_LIST_MAX (32 + THEMES_MAX_CUSTOM)
int themes_list(const char *codex_home, struct theme_list *out);
void themes_list_free(struct theme_list *l);

/* Resolves name (built-in or custom) into t; -1 when it is neither. */
int themes_resolve(const char *codex_home, const char *name, struct theme *t);

/* The adaptive default: "catppuccin-latte" on a light background (COLORFGBG says so),
 * else "catppuccin-mocha". */
const char *themes_default_name(void);

/* The theme every row is painted with now (a copy is kept). */
void themes_set_current(const struct theme *t);
const struct theme *themes_current(void);

/* The SGR parameters ("38;2;r;g;b;1") of a class in the current theme for the colour
 * level, written to out (size >= 32); false when it sets nothing. */
bool themes_class_sgr(enum hl_class cls, enum tui_color_level level, char *out, size_t size);
/* The current theme's markup.inserted (or .deleted) background as SGR parameters for a
 * truecolor or 256-colour terminal; false when the theme has none (the built-in tints
 * apply). */
bool themes_diff_bg_sgr(bool inserted, enum tui_color_level level, char *out, size_t size);

#endif
