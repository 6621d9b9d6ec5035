/* Windows build: uname() from the running Windows version (src/base/posix_win.c), for
 * the User-Agent: sysname "Windows", release "10.0.19045", machine "x86_64". */
#ifndef CODEX_WIN_SYS_UTSNAME_H
#define CODEX_WIN_SYS_UTSNAME_H

struct utsname {
	char sysname[65];
	char nodename[65];
	char release[65];
	char version[65];
	char machine[65];
};
int uname(struct utsname *u);

#endif
