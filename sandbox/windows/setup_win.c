/* The elevated setup helper, `codex-windows-sandbox-setup <base64 JSON>` (this binary
 * under that name, materialised in <codex_home>/.sandbox-bin; reference
 * codex-windows-sandbox.md §3.2): accounts, firewall, ACL grants, then the marker.
 * Idempotent: every step brings an existing object up to date. The steps
 * (setup_steps_win.c) run through win_setup_run: a failure undoes what this run changed
 * and leaves <codex_home>/.sandbox/setup_error.json for the caller, then exits 1. */
#include "sandbox/windows/win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

static void write_error(const char *codex_home, const struct win_setup_ops *ops,
			const struct win_journal *j, const struct win_setup_result *res)
{
	char *path = codex_home ? path_join(codex_home, ".sandbox/setup_error.json") : NULL;
	char *json = win_setup_error_json(ops, j, res);
	struct err ignored;

	if (path && json && file_mkdir_parents(path, &ignored) == 0)
		(void)file_write_atomic(path, json, strlen(json), 0644, &ignored);
	free(json);
	free(path);
}

int win_setup_main(int argc, char **argv)
{
	struct win_setup_request r;
	struct win_setup_ops ops;
	struct win_journal j = {0};
	struct win_setup_result res;
	int rc = 1;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	res.failed_step = -1; /* before any step: helper_request_args_failed */
	win_setup_ops_for(&r, &ops);
	if (argc != 2) {
		err_set(&res.error, "expected payload argument");
		goto fail;
	}
	if (win_setup_request_decode(argv[1], &r, &res.error) < 0) {
		r.codex_home = win_setup_request_codex_home(argv[1]);
		goto fail;
	}
	win_setup_ops_for(&r, &ops); /* a refresh runs fewer steps */
	if (win_setup_run(&ops, getenv(WIN_SETUP_FAIL_AT_ENV), &j, &res) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_error(r.codex_home, &ops, &j, &res);
	err_print("codex-windows-sandbox-setup", &res.error);
out:
	win_journal_free(&j);
	win_setup_request_free(&r);
	return rc;
}
