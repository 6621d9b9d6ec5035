/* Ctrl+G: the draft in the user's editor (codex-tui.md §5.1). $VISUAL, else $EDITOR,
 * runs as git runs it: through `sh -c '<editor> "$@"'`, so that an editor given with its
 * own arguments ("code --wait") or a quoted path works. The draft, placeholders
 * expanded, goes to a private temp file; what the editor leaves there replaces the
 * composer (its final newlines dropped: editors add one). Neither variable set, or the
 * editor failing, is an error cell and the draft stays as it was.
 *
 * The editor owns the terminal until it exits, so codex waits for it, as it waits
 * while stopped by Ctrl+Z: the turn's stream pauses meanwhile. ^C and ^\ typed in the
 * editor go to the whole foreground group; codex ignores them while it waits (as
 * system(3) does) and the editor gets the default dispositions back. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"
#include "tui/internal.h"

#define EDITOR_MISSING "Cannot open external editor: set $VISUAL or $EDITOR before starting Codex."
#define EDITOR_HINT "Save and close external editor to continue."

struct editor_run {
	const char *editor, *path;
	int out_fd;   /* the terminal, for the hint */
	int status;   /* waitpid's, or -1 when it could not start */
	int errnum;   /* why it could not start */
};

static const char *editor_command(void)
{
	const char *v = getenv("VISUAL");

	if (v && *v)
		return v;
	v = getenv("EDITOR");
	return v && *v ? v : NULL;
}

/* term_hand_over's callback: runs the editor on the file and waits for it. */
static void run_editor(void *arg)
{
	struct editor_run *r = arg;
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	size_t n = strlen(r->editor) + sizeof " \"$@\"";
	char *script = malloc(n);
	pid_t pid;

	r->status = -1;
	if (!script) {
		r->errnum = ENOMEM;
		return;
	}
	snprintf(script, n, "%s \"$@\"", r->editor);
	(void)!write(r->out_fd, EDITOR_HINT "\r\n", sizeof EDITOR_HINT + 1);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"sh", "-c", script, (char *)r->editor, (char *)r->path, NULL};
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execv("/bin/sh", argv);
		_exit(127);
	}
	if (pid < 0)
		r->errnum = errno;
	else
		while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	free(script);
}


void edit_in_editor(struct app *a)
{
	struct editor_run r = {.editor = editor_command(), .out_fd = a->term.out_fd};
	struct buf out;
	struct err e;
	char *draft, *path, msg[ERR_MSG_MAX + 64];
	int rc;

	if (!r.editor) {
		app_error(a, EDITOR_MISSING);
		return;
	}
	draft = composer_expanded(&a->comp);
	if (!draft)
		err_set(&e, "out of memory");
	path = draft ? tui_temp_file("codex-draft-XXXXXX.md", draft, strlen(draft), &e) : NULL;
	free(draft);
	if (!path) {
		snprintf(msg, sizeof msg, "Failed to open editor: %s", e.msg);
		app_error(a, msg);
		return;
	}
	r.path = path;
	app_erase_live(a);
	rc = term_hand_over(&a->term, run_editor, &r, &e);
	if (rc < 0) {
		unlink(path);
		free(path);
		a->quit = true; /* a terminal we cannot take back cannot be drawn on */
		return;
	}
	buf_init(&out, COMPOSER_MAX_BYTES);
	if (r.status < 0)
		snprintf(msg, sizeof msg, "Failed to open editor: %s", strerror(r.errnum));
	else if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
		snprintf(msg, sizeof msg, "Failed to open editor: %s %s %d", r.editor,
			 WIFEXITED(r.status) ? "exited with status" : "was killed by signal",
			 WIFEXITED(r.status) ? WEXITSTATUS(r.status) : WTERMSIG(r.status));
	else if (file_read_regular(path, &out, &e) < 0)
		snprintf(msg, sizeof msg, "Failed to open editor: %s", e.msg);
	else {
		msg[0] = 0;
		while (out.len > 0 && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == '\r'))
			out.len--;
		if (buf_append(&out, "", 1) < 0 || composer_set(&a->comp, out.data) < 0)
			snprintf(msg, sizeof msg, "Failed to open editor: out of memory");
	}
	if (msg[0])
		app_error(a, msg);
	buf_free(&out);
	unlink(path);
	free(path);
}
