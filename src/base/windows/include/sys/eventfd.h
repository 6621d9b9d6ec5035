/* Windows build: an eventfd stand-in that WSAPoll can wait on: a UDP socket on
 * 127.0.0.1 connected to itself; write(8 bytes) sends a datagram, read takes one
 * (src/base/socket_win.c). Only the wake-up use is supported, not counter semantics. */
#ifndef CODEX_WIN_SYS_EVENTFD_H
#define CODEX_WIN_SYS_EVENTFD_H
#include <stdint.h>
#define EFD_CLOEXEC 0x80000
#define EFD_NONBLOCK 0x4000
int eventfd(unsigned initval, int flags);
#endif
