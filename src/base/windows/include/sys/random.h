/* Windows build: getrandom over BCryptGenRandom (src/base/posix_win.c). */
#ifndef CODEX_WIN_SYS_RANDOM_H
#define CODEX_WIN_SYS_RANDOM_H
#include <stddef.h>
#include <sys/types.h>
ssize_t getrandom(void *buf, size_t n, unsigned flags);
#endif
