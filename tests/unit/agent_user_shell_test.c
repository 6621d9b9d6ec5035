/* src/agent/user_shell.c: how a script is handed to each kind of shell (the Windows
 * shells are decided by name, so they are tested here on Linux too). */
#include <stdlib.h>
#include <string.h>

#include "agent/user_shell.h"
#include "test.h"

/* argv joined with '|', for comparing in one line. */
static char *joined(char *const *argv)
{
	static char out[512];

	out[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, argv[i]);
	}
	return out;
}

static void check(const char *shell, bool login, const char *want, int want_n)
{
	char *argv[USER_SHELL_ARGV_MAX];
	int n = user_shell_argv(shell, login, "echo hi", argv);

	CHECK_INT(n, want_n);
	if (n < 0)
		return;
	CHECK_STR(joined(argv), want);
	for (int i = 0; i < n; i++)
		free(argv[i]);
}

TEST(user_shell_posix_shells)
{
	check("/bin/bash", true, "/bin/bash|-lc|echo hi", 3);
	check("/bin/bash", false, "/bin/bash|-c|echo hi", 3);
	check("zsh", true, "zsh|-lc|echo hi", 3);
	/* Only the file name decides: a directory called cmd is not cmd. */
	check("/opt/cmd/bash", true, "/opt/cmd/bash|-lc|echo hi", 3);
	check("/usr/bin/cmdx", true, "/usr/bin/cmdx|-lc|echo hi", 3);
}

TEST(user_shell_windows_shells)
{
	check("cmd.exe", true, "cmd.exe|/c|echo hi", 3);
	check("C:\\Windows\\System32\\CMD.EXE", false, "C:\\Windows\\System32\\CMD.EXE|/c|echo hi", 3);
	check("cmd", true, "cmd|/c|echo hi", 3);
	check("C:/Program Files/PowerShell/7/pwsh.exe", true,
	      "C:/Program Files/PowerShell/7/pwsh.exe|-Command|echo hi", 3);
	check("powershell.exe", false, "powershell.exe|-NoProfile|-Command|echo hi", 4);
	check("C:\\x\\PowerShell.EXE", true, "C:\\x\\PowerShell.EXE|-Command|echo hi", 3);
}

TEST(user_shell_argv_out_of_memory_frees_everything)
{
	FOR_EACH_ALLOC_FAILURE(10, {
		char *argv[USER_SHELL_ARGV_MAX];
		int n = user_shell_argv("powershell.exe", false, "echo hi", argv);
		if (n >= 0) {
			CHECK_INT(n, 4);
			for (int i = 0; i < n; i++)
				free(argv[i]);
		} else {
			CHECK(argv[0] == NULL);
		}
	});
}

TEST(user_shell_default_on_linux_is_bash)
{
	char *sh = user_shell_default();

	REQUIRE(sh);
	CHECK_STR(sh, "/bin/bash");
	free(sh);
}
