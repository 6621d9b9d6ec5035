/* Windows build: the C library's signal.h, plus the POSIX names the portable code
 * uses. sigaction only records SIG_IGN for SIGPIPE (Windows raises no SIGPIPE). */
#ifndef CODEX_WIN_SIGNAL_H
#define CODEX_WIN_SIGNAL_H
#include_next <signal.h>
#include <sys/types.h>
#include <pthread.h>

#ifndef _POSIX
typedef _sigset_t sigset_t;
#endif

#ifndef SIGHUP
#define SIGHUP 1
#endif
#ifndef SIGPIPE
#define SIGPIPE 13
#endif
#ifndef SIGKILL
#define SIGKILL 9
#endif
#ifndef SIG_BLOCK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#endif

/* winpthreads makes it the constant 0; a function keeps callers' masks "used".
 * Nothing is blocked: Windows delivers no POSIX signals to threads. */
#undef pthread_sigmask
static inline int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how;
	(void)set;
	if (old)
		*old = 0;
	return 0;
}

/* Likewise for the process: ^C reaches the loop through the signalfd stand-in
 * (socket_win.c's console handler), never as a signal to block. */
static inline int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return pthread_sigmask(how, set, old);
}

struct sigaction {
	void (*sa_handler)(int);
	sigset_t sa_mask;
	int sa_flags;
};
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
#define sigemptyset(s) (*(s) = 0, 0)
#define sigfillset(s) (*(s) = ~(sigset_t)0, 0)
#define sigaddset(s, n) (*(s) |= (sigset_t)1 << (n), 0)
#define sigdelset(s, n) (*(s) &= ~((sigset_t)1 << (n)), 0)
#define sigismember(s, n) ((*(s) >> (n)) & 1)
#endif
