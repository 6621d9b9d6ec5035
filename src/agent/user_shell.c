/* How a script is handed to a shell, by the shell's kind (user_shell.h). */
#include "agent/user_shell.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The file name of shell without its directory and ".exe": "C:\\x\\pwsh.exe" -> "pwsh". */
static bool kind_is(const char *shell, const char *kind)
{
	const char *base = shell;
	size_t n, k = strlen(kind);

	for (const char *p = shell; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	n = strlen(base);
	if (n > 4 && strcasecmp(base + n - 4, ".exe") == 0)
		n -= 4;
	return n == k && strncasecmp(base, kind, k) == 0;
}

int user_shell_argv(const char *shell, bool login, const char *script,
		    char *out[USER_SHELL_ARGV_MAX])
{
	const char *args[USER_SHELL_ARGV_MAX];
	int n = 0;

	args[n++] = shell;
	if (kind_is(shell, "cmd")) {
		args[n++] = "/c";
	} else if (kind_is(shell, "powershell") || kind_is(shell, "pwsh")) {
		if (!login)
			args[n++] = "-NoProfile";
		args[n++] = "-Command";
	} else {
		args[n++] = login ? "-lc" : "-c";
	}
	args[n++] = script;
	for (int i = 0; i < n; i++)
		if (!(out[i] = strdup(args[i]))) {
			while (i--)
				free(out[i]);
			out[0] = NULL;
			return -1;
		}
	out[n] = NULL;
	return n;
}
