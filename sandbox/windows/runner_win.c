/* The runner, `codex-command-runner --cap-sid=SID... [--cwd=DIR] -- COMMAND...` (one
 * --cap-sid per capability SID the token carries, at most WIN_CAPS_MAX): started by
 * codex.exe as the sandbox account (CreateProcessWithLogonW), it runs COMMAND under a
 * write-restricted token made from its own token, in a kill-on-close job, with the
 * stdio it was given, and exits with the command's status (reference
 * codex-windows-sandbox.md §4; upstream relays stdio through named pipes instead). */
#include "sandbox/windows/win.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int win_runner_main(int argc, char **argv)
{
	const char *caps[WIN_CAPS_MAX], *cwd = NULL;
	size_t n_caps = 0;
	wchar_t *line = NULL, *wcwd = NULL;
	struct err e;
	int i, rc = EXIT_SANDBOX_SETUP;

	err_clear(&e);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--cap-sid=", 10) == 0) {
			if (n_caps == WIN_CAPS_MAX) {
				err_set(&e, "more than %d --cap-sid", WIN_CAPS_MAX);
				goto fail;
			}
			caps[n_caps++] = argv[i] + 10;
		}
		else if (strncmp(argv[i], "--cwd=", 6) == 0)
			cwd = argv[i] + 6;
		else {
			err_set(&e, "unexpected argument '%s'", argv[i]);
			goto fail;
		}
	}
	if (!n_caps || i + 1 >= argc) {
		err_set(&e, "usage: codex-command-runner --cap-sid=SID... [--cwd=DIR] -- COMMAND...");
		goto fail;
	}
	if (!(line = win_command_line(argv + i + 1)) || (cwd && !(wcwd = win_wide(cwd)))) {
		err_set(&e, "out of memory");
		goto fail;
	}
	rc = win_run_restricted(line, wcwd, caps, n_caps, &e);
	if (rc >= 0)
		goto out;
	if (e.errnum == ENOENT) {
		/* As a shell says it, and with its status: the model's typo, not a denial. */
		fprintf(stderr, "%s: command not found\n", argv[i + 1]);
		rc = EXIT_NOT_FOUND;
		goto out;
	}
	rc = EXIT_SANDBOX_SETUP;
fail:
	err_print("codex-command-runner", &e);
out:
	free(line);
	free(wcwd);
	return rc;
}
