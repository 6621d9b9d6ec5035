/* Windows build: there is no password database; getpwuid finds nothing, so callers
 * fall back to the environment (%USERPROFILE% through HOME's fallback). */
#ifndef CODEX_WIN_PWD_H
#define CODEX_WIN_PWD_H
#include <sys/types.h>

struct passwd {
	char *pw_name;
	char *pw_dir;
	char *pw_shell;
	int pw_uid;
	int pw_gid;
};
struct passwd *getpwuid(int uid);
#endif
