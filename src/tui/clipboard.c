/* /copy (codex-tui.md §9): the latest agent message, as the model wrote it (markdown),
 * to the system clipboard. As upstream: under SSH (SSH_CONNECTION or SSH_TTY) the
 * clipboard that matters is the one of the terminal the user sits at, so the text goes
 * as OSC 52 through the terminal; otherwise the desktop's tool takes it on stdin
 * (`wl-copy` under Wayland, else `xclip`, else `xsel` under X11); under WSL, where those
 * rarely reach the Windows clipboard, `powershell.exe` takes it next; and OSC 52 stands
 * in when none of them is there.
 *
 * The text is data: OSC 52 carries it base64-encoded, so nothing in it can end the
 * sequence early or reach the terminal as a control. A tool gets it on a pipe, never on
 * its command line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base64.h"
#include "base/loop.h"
#include "tui/internal.h"

/* How long a clipboard tool may take to read the text and detach (xclip, wl-copy and
 * xsel fork a child that serves the selection, and the parent exits). */
#define CLIPBOARD_TIMEOUT_MS 5000
/* The most text OSC 52 carries: its base64 (4/3 of it) stays under the 100 kB that
 * terminals commonly accept for one sequence (xterm, tmux); longer would be cut or
 * dropped silently. */
#define CLIPBOARD_OSC52_MAX_BYTES 74000

static void cell(struct app *a, bool ok, const char *msg)
{
	struct tui_rows c = {0};

	if ((ok ? cell_info(msg, &c) : cell_error(msg, &c)) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/* Runs argv with text on its stdin (stdout and stderr to /dev/null: the child that
 * keeps serving the selection holds them open). 0 when it exited 0 in time; 1 when the
 * tool is not installed; -1 with e otherwise. */
static int run_tool(const char *const *argv, const char *text, size_t len, struct err *e)
{
	int in[2], status = 0, rc = -1;
	pid_t pid, r;
	size_t off = 0;
	uint64_t deadline = loop_clock_ms() + CLIPBOARD_TIMEOUT_MS;
	struct sigaction ign, old;

	if (pipe2(in, O_CLOEXEC) < 0)
		return err_sys(e, errno, "cannot run %s", argv[0]);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return err_sys(e, errno, "cannot run %s", argv[0]);
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		/* codex-lint: no-cloexec: the tool's stdin, the text */
		if (devnull < 0 || dup2(in[0], 0) < 0)
			_exit(126);
		/* codex-lint: no-cloexec: the tool's stdout */
		if (dup2(devnull, 1) < 0)
			_exit(126);
		/* codex-lint: no-cloexec: the tool's stderr */
		if (dup2(devnull, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	/* A tool that exits before reading all of it must not kill us with SIGPIPE: the
	 * write fails with EPIPE instead, and its exit status says why. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGPIPE, &ign, &old);
	(void)!fcntl(in[1], F_SETFL, O_NONBLOCK);
	while (off < len && loop_clock_ms() < deadline) {
		struct pollfd p = {in[1], POLLOUT, 0};
		ssize_t n;
		if (poll(&p, 1, (int)(deadline - loop_clock_ms())) <= 0)
			continue; /* EINTR, or the deadline: the loop's test decides */
		n = write(in[1], text + off, len - off);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			break; /* EPIPE: it is gone; its status tells */
		off += (size_t)n;
	}
	close(in[1]);
	(void)sigaction(SIGPIPE, &old, NULL);
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (loop_clock_ms() >= deadline) {
			kill(pid, SIGKILL); /* the child this function started */
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
			}
			return err_set(e, "%s did not finish within %d seconds", argv[0],
				       CLIPBOARD_TIMEOUT_MS / 1000);
		}
		sleep_ms(10);
	}
	if (r != pid)
		err_sys(e, errno, "cannot wait for %s", argv[0]);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		rc = 1;
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		err_set(e, "%s failed", argv[0]);
	else if (off < len)
		err_set(e, "%s did not take the whole text", argv[0]);
	else
		rc = 0;
	return rc;
}

/* The desktop's tools in order of preference: 0 copied, 1 none here (no display, or
 * none installed), -1 with e. */
static int copy_native(const char *text, size_t len, struct err *e)
{
	static const char *const wayland[] = {"wl-copy", NULL};
	static const char *const xclip[] = {"xclip", "-selection", "clipboard", "-i", NULL};
	static const char *const xsel[] = {"xsel", "--clipboard", "--input", NULL};
	const char *wl = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	int rc;

	if (wl && *wl) {
		rc = run_tool(wayland, text, len, e);
		if (rc != 1)
			return rc;
	}
	if (!x || !*x)
		return 1;
	rc = run_tool(xclip, text, len, e);
	return rc == 1 ? run_tool(xsel, text, len, e) : rc;
}

/* Upstream's test: the kernel says it is Microsoft's, or WSL's variables are set (a
 * custom kernel in WSL). */
static bool probably_wsl(void)
{
	char version[512] = "";
	FILE *f = fopen("/proc/version", "re");

	if (f) {
		size_t n = fread(version, 1, sizeof version - 1, f);
		version[n] = '\0';
		fclose(f);
		for (char *p = version; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strstr(version, "microsoft") || strstr(version, "wsl"))
			return true;
	}
	return getenv("WSL_DISTRO_NAME") || getenv("WSL_INTEROP");
}

/* The Windows clipboard from WSL: the text as UTF-8 on powershell's stdin. */
static int copy_wsl(const char *text, size_t len, struct err *e)
{
	static const char *const powershell[] = {
		"powershell.exe", "-NoProfile", "-Command",
		"[Console]::InputEncoding = [System.Text.Encoding]::UTF8; "
		"$ErrorActionPreference = 'Stop'; $text = [Console]::In.ReadToEnd(); "
		"Set-Clipboard -Value $text",
		NULL};

	return run_tool(powershell, text, len, e);
}

static int copy_osc52(struct app *a, const char *text, size_t len, struct err *e)
{
	char *b64;
	int rc;

	if (len > CLIPBOARD_OSC52_MAX_BYTES)
		return err_set(e, "the output is too long to copy through the terminal (%zu bytes, "
				  "at most %d)", len, CLIPBOARD_OSC52_MAX_BYTES);
	b64 = base64_encode(text, len, false);
	if (!b64)
		return err_set(e, "out of memory");
	/* "c": the clipboard selection; BEL ends it (understood more widely than ST) */
	rc = buf_printf(&a->term.out, "\x1b]52;c;%s\x07", b64);
	free(b64);
	if (rc < 0)
		return err_set(e, "out of memory");
	return 0;
}

void clipboard_copy_last(struct app *a)
{
	const char *ssh = getenv("SSH_CONNECTION"), *tty = getenv("SSH_TTY");
	const char *text = a->last_answer;
	struct err e;
	char msg[ERR_MSG_MAX + 64];
	int rc = 1;

	err_clear(&e);
	if (!text || !*text) {
		cell(a, false, "No Codex output to copy yet.");
		return;
	}
	if (!(ssh && *ssh) && !(tty && *tty)) {
		rc = copy_native(text, strlen(text), &e);
		if (rc != 0 && probably_wsl()) {
			struct err werr;
			int wrc;
			err_clear(&werr);
			wrc = copy_wsl(text, strlen(text), &werr);
			if (wrc == 0 || rc == 1) {
				rc = wrc;
				e = werr;
			}
		}
	}
	if (rc == 1)
		rc = copy_osc52(a, text, strlen(text), &e);
	if (rc < 0) {
		snprintf(msg, sizeof msg, "Failed to copy to clipboard: %s", e.msg);
		cell(a, false, msg);
		return;
	}
	cell(a, true, "Copied latest Codex output to clipboard.");
}
