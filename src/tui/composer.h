/* The composer: a multi-line UTF-8 text with a cursor, Emacs-style edits, large pastes
 * kept as atomic "[Pasted Content N chars]" placeholders (expanded on submit), and its
 * rows for the live area. Private to src/tui/; no I/O. */
#ifndef CODEX_TUI_COMPOSER_H
#define CODEX_TUI_COMPOSER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/strv.h"
#include "tui/text.h"

/* A paste longer than this (in characters) becomes a placeholder, as upstream. */
#define COMPOSER_PASTE_INLINE_MAX 1000
#define COMPOSER_MAX_BYTES (64u << 20)
#define COMPOSER_MAX_PASTES 256

struct composer_paste {
	char *label;   /* "[Pasted Content 12000 chars]" (" #2" for a repeat length), or
			  "[Image #N]" */
	char *text;    /* what was pasted, or the image's path */
	bool image;    /* an attached image: the label stays in the text sent */
};

struct composer {
	struct buf text;
	size_t cur;              /* byte offset of the cursor */
	struct composer_paste pastes[COMPOSER_MAX_PASTES];
	size_t n_pastes;
	char *kill;              /* Ctrl+K/U/W text for Ctrl+Y */
};

void composer_init(struct composer *c);
void composer_free(struct composer *c);
/* Empties it (and forgets the pastes). */
void composer_clear(struct composer *c);
/* Replaces the text, cursor at the end. */
int composer_set(struct composer *c, const char *s) WARN_UNUSED;
bool composer_empty(const struct composer *c);
const char *composer_text(const struct composer *c);

int composer_insert(struct composer *c, const char *s, size_t n) WARN_UNUSED;
/* The n bytes at off (a popup's token: `@path`, `$skill`) replaced by s; the cursor
 * ends after it. */
int composer_replace(struct composer *c, size_t off, size_t n, const char *s) WARN_UNUSED;
/* A bracketed paste: inline text or a placeholder. */
int composer_paste(struct composer *c, const char *s, size_t n) WARN_UNUSED;
void composer_backspace(struct composer *c);
void composer_delete(struct composer *c);
void composer_left(struct composer *c);
void composer_right(struct composer *c);
void composer_home(struct composer *c);
void composer_end(struct composer *c);
void composer_kill_to_start(struct composer *c);
void composer_kill_to_end(struct composer *c);
void composer_kill_word_back(struct composer *c);
void composer_yank(struct composer *c);
/* Up/down one line; false when already on the first/last line. */
bool composer_up(struct composer *c);
bool composer_down(struct composer *c);

/* The text with placeholders replaced by what was pasted. Malloc'ed. */
char *composer_expanded(const struct composer *c);

/* A paste of 2..1000 characters that is the path of one readable image file (quotes,
 * a file:// prefix and backslash escapes removed, as upstream): the malloc'ed path,
 * else NULL. Relative paths are taken from cwd. */
char *composer_image_path(const char *s, size_t n, const char *cwd);
/* Attaches the image at path: "[Image #N] " at the cursor, atomic like a paste. */
int composer_attach_image(struct composer *c, const char *path) WARN_UNUSED;
/* The same without the text: the image's label (the next "[Image #N]") into label, for
 * a text that gets it another way (a message brought back). */
int composer_add_image(struct composer *c, const char *path, char *label, size_t n)
	WARN_UNUSED;
/* The paths of the attached images whose placeholders are still in the text, in the
 * order they appear. */
int composer_images(const struct composer *c, struct strv *out) WARN_UNUSED;
/* The same with their labels (labels may be NULL): same index, same image. */
int composer_image_pairs(const struct composer *c, struct strv *labels, struct strv *paths)
	WARN_UNUSED;

/* Rows for width columns ("› " then the text, hard-wrapped by character), and the
 * cursor's row and column among them. A placeholder hint when empty. */
int composer_rows(const struct composer *c, int width, const char *placeholder,
		  struct tui_rows *out, int *cur_row, int *cur_col) WARN_UNUSED;

#endif
