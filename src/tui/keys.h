/* Keyboard input: the terminal's bytes in, key events out. A resumable decoder (any
 * split of the input gives the same keys) with no I/O; private to src/tui/.
 *
 * Bracketed paste (ESC[200~ ... ESC[201~) arrives as one KEY_PASTE whose text the
 * decoder holds until the next key (capped at KEYS_PASTE_MAX_BYTES; the rest of an
 * oversized paste is dropped). A lone ESC at the end of the input may be the start of a
 * sequence: keys_pending_esc says so, and the caller calls keys_flush_esc after a short
 * wait when no more bytes came. */
#ifndef CODEX_TUI_KEYS_H
#define CODEX_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define KEYS_PASTE_MAX_BYTES (32u << 20)
/* A CSI sequence longer than this is not one we know; it is dropped. */
#define KEYS_SEQ_MAX 32

enum key_kind {
	KEY_NONE,
	KEY_CHAR,        /* cp */
	KEY_ENTER,
	KEY_NEWLINE,     /* Shift+Enter, Alt+Enter, Ctrl+J */
	KEY_TAB,
	KEY_BACKTAB,
	KEY_BACKSPACE,
	KEY_DELETE,
	KEY_UP,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_PGUP,
	KEY_PGDN,
	KEY_ESC,
	KEY_CTRL,        /* cp = 'a'..'z' (not J, M, I, H: those are NEWLINE, ENTER...) */
	KEY_ALT,         /* cp */
	KEY_PASTE,       /* text in keys_paste() */
	KEY_FOCUS_IN,
	KEY_FOCUS_OUT
};

#define KEYMOD_SHIFT 1
#define KEYMOD_ALT 2
#define KEYMOD_CTRL 4

struct key {
	enum key_kind kind;
	uint32_t cp;
	unsigned mods;
};

struct keys {
	unsigned char seq[KEYS_SEQ_MAX];
	size_t nseq;
	bool in_paste;
	struct buf paste;
	size_t paste_end_match;  /* bytes of "\x1b[201~" matched so far */
	bool paste_ready;
};

void keys_init(struct keys *k);
void keys_free(struct keys *k);

/* Feeds bytes; calls on_key for each complete key. */
void keys_feed(struct keys *k, const char *data, size_t n,
	       void (*on_key)(void *arg, const struct key *key), void *arg);
bool keys_pending_esc(const struct keys *k);
/* The held ESC (or ESC-prefix) becomes an Esc key. */
void keys_flush_esc(struct keys *k, void (*on_key)(void *arg, const struct key *key), void *arg);

/* The text of the last KEY_PASTE (borrowed until the next feed), CRLF and CR made LF. */
const char *keys_paste(const struct keys *k, size_t *len);

#endif
