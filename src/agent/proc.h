/* Private to src/agent/: one command under the sandbox, on the loop. Its output arrives
 * in chunks as it is produced; its end once the process is reaped and its output is
 * drained. proc_posix.c (sandbox_spawn, a pidfd, non-blocking pipes or a pty: nothing
 * blocks, nothing uses a thread) and proc_win.c (win_sandbox_spawn, a job object, pipes
 * relayed to loopback sockets by threads: Windows cannot poll a pipe; no pty, tty
 * commands get pipes too) implement it. */
#ifndef CODEX_AGENT_PROC_H
#define CODEX_AGENT_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/loop.h"
#include "sandbox/sandbox.h"

enum proc_stream { PROC_STDOUT = 1, PROC_STDERR = 2 };

struct proc_events {
	void *arg;
	/* A chunk of output (a pty has only PROC_STDOUT). */
	void (*output)(void *arg, enum proc_stream s, const char *data, size_t len);
	/* The end: called once, after the last output; r->outcome says whether the
	 * command ran. The proc stays valid until proc_free. */
	void (*exited)(void *arg, const struct sandbox_result *r);
};

struct proc_spec {
	const struct sandbox_policy *policy;
	const char *cwd;
	char *const *argv;
	char *const *envp;             /* NULL: the current environment */
	const struct sandbox_proxy *proxy; /* or NULL */
	pid_t proxy_pid;               /* the proxy child serving it (reaped with the
					  command; its channel is the caller's to close after
					  proc_start), or 0 */
	bool tty;                      /* a pty for stdin/stdout/stderr, else pipes */
	bool keep_stdin;               /* stdin stays open for proc_write; else /dev/null */
	size_t stdin_max;              /* the most proc_write queues; 0: PROC_STDIN_MAX */
	const char *codex_home;        /* Windows: where the restricted sandbox keeps its
					  capability SID (unused elsewhere) */
};

struct proc;

/* Starts it; every outcome (setup failures too) arrives through ev->exited, never
 * from inside proc_start. -1 only when not even the launcher could be started. */
int proc_start(struct loop *l, const struct proc_spec *s, const struct proc_events *ev,
	       struct proc **out, struct err *e);
/* Queues bytes for stdin (written as the command reads them). -1 when stdin is closed
 * or the queue is over PROC_STDIN_MAX. */
#define PROC_STDIN_MAX (1024u * 1024)
int proc_write(struct proc *p, const char *data, size_t len, struct err *e);
/* Closes stdin once the queued bytes are written. */
void proc_close_stdin(struct proc *p);
/* Ends the command and everything it started (SIGTERM to the launcher, which ends the
 * sandboxed tree; SIGKILL after PROC_KILL_GRACE_MS); exited follows. */
#define PROC_KILL_GRACE_MS 500
void proc_kill(struct proc *p);
bool proc_running(const struct proc *p);
/* Frees it; a command still running is sent SIGTERM (with everything it started) and
 * left to end on its own, never SIGKILLed: for a user's login profile, whose tools
 * (pyenv's rehash lock) clean up in EXIT traps that SIGKILL would skip. No callback. */
void proc_abandon(struct proc *p);
/* Frees it; a command still running is killed at once (SIGKILL), with no callback. */
void proc_free(struct proc *p);

#endif
