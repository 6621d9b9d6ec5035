/* Outside Windows the Windows sandbox can only be planned (--plan): there are no logon
 * users, firewall or restricted tokens to apply it with. */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>

int win_sandbox_apply(const struct win_plan_input *in, const struct win_plan *p,
		      struct err *e)
{
	return err_set(e, "the Windows sandbox runs only in the Windows build (codex.exe); "
			  "--plan prints its plan on any system");
}

static int windows_only(const char *role)
{
	fprintf(stderr, "%s: error: this role exists only in the Windows build (codex.exe)\n",
		role);
	return EXIT_FAILURE_GENERIC;
}

int win_setup_main(int argc, char **argv)
{
	return windows_only("codex-windows-sandbox-setup");
}

int win_runner_main(int argc, char **argv)
{
	return windows_only("codex-command-runner");
}
