/* Private to src/agent/: the user's shell, which runs the model's scripts
 * (shell_command, exec_command) and is named in <environment_context>. Which shell is
 * the platform's business: user_shell_posix.c (bash, and $SHELL's name for the
 * context), user_shell_win.c (upstream's choice on Windows: PowerShell, pwsh.exe or
 * powershell.exe found on PATH, else cmd.exe). How a script is handed to a shell
 * depends only on the shell (user_shell.c). */
#ifndef CODEX_AGENT_USER_SHELL_H
#define CODEX_AGENT_USER_SHELL_H

#include <stdbool.h>

/* The shell scripts run in when the model names none (caller frees): "/bin/bash" on
 * POSIX; on Windows a full path to PowerShell or cmd.exe. NULL when memory runs out. */
char *user_shell_default(void);

/* The shell's name for <environment_context> (caller frees): "bash", "zsh",
 * "powershell", "cmd", ... */
char *user_shell_name(void);

/* The most entries user_shell_argv fills, with the final NULL. */
#define USER_SHELL_ARGV_MAX 5

/* argv running script in shell, by the shell's kind (its file name without directory,
 * ".exe" or letter case): cmd: [shell, "/c", script]; PowerShell (powershell, pwsh):
 * [shell, "-Command", script], with "-NoProfile" before "-Command" when not login;
 * anything else is POSIX-like: [shell, "-lc" or "-c", script]. Entries are strdup'ed
 * into out (NULL-terminated); returns how many, or -1 when memory runs out (out then
 * holds nothing to free). */
int user_shell_argv(const char *shell, bool login, const char *script,
		    char *out[USER_SHELL_ARGV_MAX]);

#endif
