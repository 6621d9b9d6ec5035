/* Ctrl+V / Alt+V: an image from the system clipboard (codex-tui.md §5.1). A terminal
 * delivers only text when pasting, so the image is asked of the desktop's clipboard
 * tool, with no library: `wl-paste --type image/png` under Wayland (WAYLAND_DISPLAY),
 * `xclip -selection clipboard -t image/png -o` under X11 (DISPLAY). Its PNG goes to a
 * temp file (kept: the turn reads it when sent, and the rollout names it) attached as
 * `[Image #N]`, the way a pasted path is. Anything else is the error cell
 * `Failed to paste image: <why>`.
 *
 * The tool runs with a deadline: a clipboard owner that never answers must not hang
 * the UI. */
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

#include "base/file.h"
#include "base/loop.h"
#include "tui/internal.h"

/* The most a clipboard image may weigh, and how long its tool may take. */
#define PASTE_IMAGE_MAX_BYTES (64u * 1024 * 1024)
#define PASTE_IMAGE_TIMEOUT_MS 5000

static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static void fail_cell(struct app *a, const char *why)
{
	struct tui_rows c = {0};
	char msg[ERR_MSG_MAX + 64];

	snprintf(msg, sizeof msg, "Failed to paste image: %s", why);
	if (cell_error(msg, &c) == 0)
		app_commit(a, &c);
	tui_rows_free(&c);
}

/* Runs argv with stdout into out; 0 when it exited 0 within the deadline, else -1 with
 * why (its stderr's first line when it said something). */
static int run_tool(const char *const *argv, struct buf *out, struct err *e)
{
	int o[2], er[2], status = 0;
	pid_t pid;
	uint64_t deadline = loop_clock_ms() + PASTE_IMAGE_TIMEOUT_MS;
	char chunk[65536], errtext[256] = "";
	size_t errlen = 0;
	bool open_o = true, open_e = true, too_big = false, late = false;

	if (pipe2(o, O_CLOEXEC) < 0)
		return err_sys(e, errno, "cannot run %s", argv[0]);
	if (pipe2(er, O_CLOEXEC) < 0) {
		close(o[0]);
		close(o[1]);
		return err_sys(e, errno, "cannot run %s", argv[0]);
	}
	pid = fork();
	if (pid < 0) {
		close(o[0]);
		close(o[1]);
		close(er[0]);
		close(er[1]);
		return err_sys(e, errno, "cannot run %s", argv[0]);
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		/* codex-lint: no-cloexec: the tool's stdin */
		if (devnull < 0 || dup2(devnull, 0) < 0)
			_exit(126);
		/* codex-lint: no-cloexec: the tool's stdout, the image we read */
		if (dup2(o[1], 1) < 0)
			_exit(126);
		/* codex-lint: no-cloexec: the tool's stderr, for the error cell */
		if (dup2(er[1], 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(er[1]);
	while (open_o || open_e) {
		struct pollfd p[2] = {{open_o ? o[0] : -1, POLLIN, 0}, {open_e ? er[0] : -1, POLLIN, 0}};
		uint64_t now = loop_clock_ms();
		int r;
		if (now >= deadline) {
			late = true;
			break;
		}
		r = poll(p, 2, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t n;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, chunk, sizeof chunk);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				if (i == 0)
					open_o = false;
				else
					open_e = false;
				continue;
			}
			if (i == 1) {
				size_t room = sizeof errtext - 1 - errlen, k = (size_t)n < room ? (size_t)n : room;
				memcpy(errtext + errlen, chunk, k);
				errlen += k;
				errtext[errlen] = '\0';
			} else if (out->len + (size_t)n > PASTE_IMAGE_MAX_BYTES ||
				   buf_append(out, chunk, (size_t)n) < 0) {
				too_big = true;
				open_o = open_e = false;
			}
		}
	}
	close(o[0]);
	close(er[0]);
	if (late || too_big)
		kill(pid, SIGKILL); /* the child this function started */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (late)
		return err_set(e, "%s did not answer within %d seconds", argv[0],
			       PASTE_IMAGE_TIMEOUT_MS / 1000);
	if (too_big)
		return err_set(e, "the clipboard image is larger than %u MiB",
			       PASTE_IMAGE_MAX_BYTES >> 20);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set(e, "%s is not installed", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl = strchr(errtext, '\n'), *t;
		if (nl)
			*nl = '\0';
		t = cell_inert(errtext, false); /* the tool's words, shown inert */
		if (t && *t)
			err_set(e, "no image on the clipboard (%s: %s)", argv[0], t);
		else
			err_set(e, "no image on the clipboard (%s failed)", argv[0]);
		free(t);
		return -1;
	}
	return 0;
}

void paste_image(struct app *a)
{
	static const char *const wayland[] = {"wl-paste", "--no-newline", "--type", "image/png", NULL};
	static const char *const x11[] = {"xclip", "-selection", "clipboard", "-t", "image/png", "-o",
					  NULL};
	const char *wl = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	const char *const *argv = wl && *wl ? wayland : x && *x ? x11 : NULL;
	struct buf png;
	struct err e;
	char *path;

	if (!argv) {
		fail_cell(a, "no clipboard here (neither WAYLAND_DISPLAY nor DISPLAY is set)");
		return;
	}
	buf_init(&png, PASTE_IMAGE_MAX_BYTES);
	if (run_tool(argv, &png, &e) < 0) {
		fail_cell(a, e.msg);
		buf_free(&png);
		return;
	}
	if (png.len < sizeof png_magic || memcmp(png.data, png_magic, sizeof png_magic) != 0) {
		fail_cell(a, "no image on the clipboard");
		buf_free(&png);
		return;
	}
	path = tui_temp_file("codex-clipboard-XXXXXX.png", png.data, png.len, &e);
	buf_free(&png);
	if (!path) {
		fail_cell(a, e.msg);
		return;
	}
	if (composer_attach_image(&a->comp, path) < 0)
		fail_cell(a, "out of memory");
	free(path);
}
