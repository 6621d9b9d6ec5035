/* Raw mode and its restoration on every exit path (see term.h). */
#include "tui/term.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* What we turn on: bracketed paste, focus reports, and the kitty keyboard protocol's
 * "disambiguate" level, pushed on the terminal's stack (as upstream does): terminals
 * that speak it then report Shift+Enter apart from Enter, and Esc at once, as CSI u
 * (keys.c reads those); the others ignore the request. Only that level: the next ones
 * would add key releases. */
#define ENTER_MODES "\x1b[?2004h\x1b[?1004h\x1b[>1u"
/* What we turned on, turned off again (the keyboard level popped), the alternate screen
 * (harmless when not in it would move the cursor, so it is sent only when used), SGR
 * reset, cursor shown. */
#define RESTORE_MODES "\x1b[<u\x1b[?2004l\x1b[?1004l\x1b[0m\x1b[?25h"
#define LEAVE_ALT "\x1b[?1007l\x1b[?1049l"

/* The crash handler reads these: set before the handlers are installed. */
static struct termios saved_termios;
static volatile sig_atomic_t saved_valid;
static volatile sig_atomic_t crash_in_alt;
static int crash_fd = -1;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction old_actions[sizeof crash_signals / sizeof crash_signals[0]];

static void write_all_raw(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nothing more can be done from here */
		s += w;
		n -= (size_t)w;
	}
}

/* Async-signal-safe: write(2) and tcsetattr(3) only. */
static void crash_restore(int sig)
{
	if (saved_valid && crash_fd >= 0) {
		if (crash_in_alt)
			write_all_raw(crash_fd, LEAVE_ALT, sizeof LEAVE_ALT - 1);
		write_all_raw(crash_fd, "\r\n" RESTORE_MODES, sizeof RESTORE_MODES + 1);
		tcsetattr(crash_fd, TCSAFLUSH, &saved_termios);
		saved_valid = 0;
	}
	/* Back to the default action, then the signal again: the process dies of it. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_crash_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = crash_restore;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
		sigaction(crash_signals[i], &sa, &old_actions[i]);
}

static void remove_crash_handlers(void)
{
	for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
		sigaction(crash_signals[i], &old_actions[i], NULL);
}

int term_open(struct term *t, int in_fd, int out_fd, struct err *e)
{
	struct termios raw;

	memset(t, 0, sizeof *t);
	t->in_fd = in_fd;
	t->out_fd = out_fd;
	buf_init(&t->out, TERM_FRAME_MAX_BYTES);
	if (tcgetattr(in_fd, &saved_termios) < 0)
		return err_sys(e, errno, "cannot read the terminal's settings");
	raw = saved_termios;
	/* cfmakeraw, but keeping output processing off too: we write \r\n ourselves. */
	raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_oflag &= ~(tcflag_t)OPOST;
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	crash_fd = in_fd;
	saved_valid = 1;
	install_crash_handlers();
	if (tcsetattr(in_fd, TCSANOW, &raw) < 0) {
		int errnum = errno;
		saved_valid = 0;
		remove_crash_handlers();
		return err_sys(e, errnum, "cannot put the terminal in raw mode");
	}
	t->raw = true;
	term_size(t);
	if (term_puts(t, ENTER_MODES) < 0 || term_flush(t, e) < 0) {
		term_close(t);
		return err_set(e, "cannot write to the terminal");
	}
	return 0;
}

void term_close(struct term *t)
{
	struct err e;

	if (!t->raw)
		return;
	if (t->alt)
		(void)!term_puts(t, LEAVE_ALT);
	t->alt = false;
	crash_in_alt = 0;
	(void)!term_puts(t, RESTORE_MODES);
	(void)term_flush(t, &e); /* a terminal that is gone cannot be restored anyway */
	/* TCSAFLUSH also drops typed-ahead keys meant for us, not for the shell. */
	tcsetattr(t->in_fd, TCSAFLUSH, &saved_termios);
	saved_valid = 0;
	remove_crash_handlers();
	t->raw = false;
	buf_free(&t->out);
}

int term_hand_over(struct term *t, void (*fn)(void *arg), void *arg, struct err *e)
{
	struct termios raw;
	bool alt = t->alt;

	if (!t->raw) {
		fn(arg);
		return 0;
	}
	if (tcgetattr(t->in_fd, &raw) < 0)
		return err_sys(e, errno, "cannot read the terminal's settings");
	if (alt)
		(void)!term_puts(t, LEAVE_ALT);
	if (term_puts(t, RESTORE_MODES) < 0 || term_flush(t, e) < 0)
		return -1;
	tcsetattr(t->in_fd, TCSADRAIN, &saved_termios);
	fn(arg);
	/* TCSAFLUSH: keys typed for the other program are not ours. */
	if (tcsetattr(t->in_fd, TCSAFLUSH, &raw) < 0)
		return err_sys(e, errno, "cannot put the terminal in raw mode again");
	t->alt = false;
	if (alt)
		term_enter_alt(t);
	term_size(t);
	if (term_puts(t, ENTER_MODES) < 0)
		return err_set(e, "out of memory");
	return term_flush(t, e);
}

static void stop_group(void *arg)
{
	(void)arg;
	/* The whole group stops, as a shell's job does; this returns after SIGCONT. */
	kill(0, SIGTSTP);
}

int term_suspend(struct term *t, struct err *e)
{
	return term_hand_over(t, stop_group, NULL, e);
}

void term_size(struct term *t)
{
	struct winsize ws;

	if (ioctl(t->out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		t->cols = ws.ws_col;
		t->rows = ws.ws_row;
	} else {
		t->cols = 80;
		t->rows = 24;
	}
}

int term_write(struct term *t, const char *s, size_t n)
{
	return buf_append(&t->out, s, n);
}

int term_puts(struct term *t, const char *s)
{
	return buf_puts(&t->out, s);
}

int term_flush(struct term *t, struct err *e)
{
	size_t off = 0;

	while (off < t->out.len) {
		ssize_t w = write(t->out_fd, t->out.data + off, t->out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {t->out_fd, POLLOUT, 0};
			(void)poll(&p, 1, 1000);
			continue;
		}
		if (w < 0) {
			buf_reset(&t->out);
			return err_sys(e, errno, "cannot write to the terminal");
		}
		off += (size_t)w;
		t->bytes_written += (uint64_t)w;
	}
	buf_reset(&t->out);
	return 0;
}

void term_enter_alt(struct term *t)
{
	if (t->alt)
		return;
	(void)!term_puts(t, "\x1b[?1049h\x1b[?1007h\x1b[H\x1b[2J");
	t->alt = true;
	crash_in_alt = 1;
}

void term_leave_alt(struct term *t)
{
	if (!t->alt)
		return;
	(void)!term_puts(t, LEAVE_ALT);
	t->alt = false;
	crash_in_alt = 0;
}
