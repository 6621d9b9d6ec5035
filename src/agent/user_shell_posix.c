/* The user's shell on POSIX (user_shell.h): scripts run in bash, as upstream's login
 * shell snapshot expects; the context names $SHELL (or the passwd entry's shell). */
#include "agent/user_shell.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *user_shell_default(void)
{
	return strdup("/bin/bash");
}

char *user_shell_name(void)
{
	const char *sh = getenv("SHELL"), *base;
	struct passwd *pw;

	if (!sh || !*sh) {
		pw = getpwuid(getuid());
		sh = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "bash";
	}
	base = strrchr(sh, '/');
	return strdup(base ? base + 1 : sh);
}
