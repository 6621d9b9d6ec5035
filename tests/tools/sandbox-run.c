/* Drives sandbox_run (the API the agent uses) for the integration tests:
 *
 *   sandbox-run POLICY_JSON CWD -- COMMAND [ARGS...]
 *
 * prints "outcome=<outcome> exit=<code> errno=<n>" and, unless the command ran, a
 * line "detail=<message>"; exits 0 when sandbox_run returned, 1 when it failed.
 * sandbox_run re-executes /proc/self/exe as `codex-linux-sandbox`, so this tool, like
 * codex, answers to that name too. */
#include <stdio.h>
#include <string.h>

#include "sandbox/sandbox.h"

int main(int argc, char **argv)
{
	struct sandbox_policy p;
	struct sandbox_command c;
	struct sandbox_result r;
	struct err e;

	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (strcmp(name, "codex-linux-sandbox") == 0)
		return sandbox_launcher_main(argc, argv);
	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: sandbox-run POLICY_JSON CWD -- COMMAND [ARGS...]\n");
		return 2;
	}
	if (sandbox_policy_from_json(argv[1], strlen(argv[1]), &p, &e) < 0) {
		fprintf(stderr, "sandbox-run: %s\n", e.msg);
		return 1;
	}
	memset(&c, 0, sizeof c);
	c.policy = &p;
	c.cwd = argv[2];
	c.argv = argv + 4;
	if (sandbox_run(&c, &r, &e) < 0) {
		fprintf(stderr, "sandbox-run: %s\n", e.msg);
		sandbox_policy_free(&p);
		return 1;
	}
	printf("outcome=%s exit=%d errno=%d\n", sandbox_outcome_str(r.outcome), r.exit_code,
	       r.errnum);
	if (r.outcome != SANDBOX_RAN)
		printf("detail=%s\n", r.detail.msg);
	sandbox_policy_free(&p);
	return 0;
}
