/* Windows build: signalfd for what Windows has of signals: Ctrl-C, Ctrl-Break and the
 * console closing arrive as SIGINT / SIGTERM records on an eventfd-like socket
 * (src/base/socket_win.c). There is no SIGHUP on Windows. */
#ifndef CODEX_WIN_SYS_SIGNALFD_H
#define CODEX_WIN_SYS_SIGNALFD_H
#include <signal.h>
#include <stdint.h>
#define SFD_CLOEXEC 0x80000
#define SFD_NONBLOCK 0x4000
struct signalfd_siginfo {
	uint32_t ssi_signo;
	uint8_t pad[124];
};
int signalfd(int fd, const sigset_t *mask, int flags);
#endif
