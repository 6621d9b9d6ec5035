/* The terminal: raw mode, the modes we turn on (bracketed paste, focus reports), the
 * alternate screen for overlays, the window size, and getting all of it back on every
 * way out: a normal return, SIGTERM/SIGHUP/SIGQUIT (through the loop), and a crash
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: an async-signal-safe handler restores the
 * saved termios and the modes, then lets the signal kill the process as it would have).
 * Private to src/tui/. One terminal per process. */
#ifndef CODEX_TUI_TERM_H
#define CODEX_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Output gathered for one frame; written in one go by term_flush. */
#define TERM_FRAME_MAX_BYTES (64u << 20)

struct term {
	int in_fd, out_fd;
	int cols, rows;
	bool raw;                /* termios changed (and must be restored) */
	bool alt;                /* in the alternate screen */
	struct buf out;          /* pending bytes */
	uint64_t bytes_written;  /* to the terminal, in total (the benchmark reads it) */
};

/* Saves the termios, enters raw mode, turns on bracketed paste and focus reporting,
 * installs the crash handlers. */
int term_open(struct term *t, int in_fd, int out_fd, struct err *e);
/* Leaves the alternate screen, turns the modes off, shows the cursor, restores the
 * termios exactly as saved. Idempotent. */
void term_close(struct term *t);
/* Gives the terminal back (as term_close, keeping the state), calls fn, then takes raw
 * mode and the modes again (dropping what was typed meanwhile, which was not for us).
 * The caller redraws. */
int term_hand_over(struct term *t, void (*fn)(void *arg), void *arg, struct err *e);
/* Ctrl+Z: term_hand_over around stopping the process group with SIGTSTP. */
int term_suspend(struct term *t, struct err *e);
/* Reads the window size into cols/rows (80x24 when the terminal does not say). */
void term_size(struct term *t);

int term_write(struct term *t, const char *s, size_t n) WARN_UNUSED;
int term_puts(struct term *t, const char *s) WARN_UNUSED;
/* Writes the pending bytes (blocking, retrying EINTR/EAGAIN and short writes). */
int term_flush(struct term *t, struct err *e);

void term_enter_alt(struct term *t);
void term_leave_alt(struct term *t);

#endif
