/* A command on the loop, on Windows (proc.h). The loop waits with WSAPoll, which sees
 * sockets only, and a pipe cannot be polled at all; so each pipe of the command gets a
 * relay thread that copies between it and one end of a loopback socket pair, whose
 * other end the loop watches as it would the pipe on Linux. The command's end is a
 * third thread waiting on its process handle, which then closes its socket: end of
 * file on the loop's side is the "pidfd". Each thread owns everything it touches (its
 * handle, its socket, its small context), so freeing the proc never races with one:
 * closing the loop's socket or ending the job makes the thread finish on its own.
 *
 * The command runs in a kill-on-close job object (sandbox/windows/spawn_win.c): killing
 * it is TerminateJobObject, which ends everything it started too. Windows has no
 * SIGTERM for console programs that are not attached to our console, so proc_kill and
 * proc_abandon end the job at once. There is no pty: a tty command gets pipes. */
#include "agent/proc.h"

#include <winsock2.h>
#include <windows.h>

#include <errno.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/proc_io.h"
#include "sandbox/windows/windows_sandbox.h"

/* After the command ended, output still in flight is awaited this long (the job is
 * ended at once, so only bytes already in the pipes remain). */
#define DRAIN_MS 250
#define RELAY_CHUNK 65536
/* Exit status of a command we ended. */
#define KILLED_STATUS 1

enum relay_kind { RELAY_FROM_PIPE, RELAY_TO_PIPE, RELAY_WAIT };

/* One thread's state, freed by the thread. */
struct relay {
	enum relay_kind kind;
	HANDLE h;   /* the pipe end, or the process (a duplicate of our handle) */
	int sock;   /* the thread's end of the socket pair (blocking) */
};

struct proc {
	struct proc_io io;         /* the loop's ends of the relays */
	struct loop *loop;
	HANDLE process, job;
	int exit_fd;               /* end of file when the process ended; -1 after */
	bool reaped, reported, not_started;
	DWORD code;
	struct sandbox_result failure; /* not_started: why */
	struct loop_timer drain;   /* drain after the end; also the not-started report */
};

#define PROC_OF(t, field) ((struct proc *)((char *)(t) - offsetof(struct proc, field)))

static bool send_all(int sock, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(sock, p, n, 0);
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static unsigned __stdcall relay_main(void *arg)
{
	struct relay *r = arg;
	char *chunk = r->kind == RELAY_WAIT ? NULL : malloc(RELAY_CHUNK);
	DWORD n;

	switch (r->kind) {
	case RELAY_FROM_PIPE:
		while (chunk && ReadFile(r->h, chunk, RELAY_CHUNK, &n, NULL) && n > 0)
			if (!send_all(r->sock, chunk, n))
				break;
		break;
	case RELAY_TO_PIPE:
		for (;;) {
			ssize_t got = chunk ? recv(r->sock, chunk, RELAY_CHUNK, 0) : -1;
			DWORD off = 0, w;
			if (got <= 0)
				break;
			while (off < (DWORD)got && WriteFile(r->h, chunk + off, (DWORD)got - off, &w, NULL))
				off += w;
			if (off < (DWORD)got)
				break; /* the command closed its stdin */
		}
		break;
	case RELAY_WAIT:
		WaitForSingleObject(r->h, INFINITE);
		break;
	}
	free(chunk);
	CloseHandle(r->h);
	close(r->sock);
	free(r);
	return 0;
}

/* Starts a relay for h (taken over, also on failure); *loop_end gets the loop's end of
 * the socket pair, non-blocking. */
static int start_relay(enum relay_kind kind, HANDLE h, int *loop_end, struct err *e)
{
	struct relay *r = calloc(1, sizeof *r);
	int sv[2];
	uintptr_t t;

	if (!r) {
		CloseHandle(h);
		return err_set(e, "out of memory");
	}
	if (socketpair(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err_sys(e, errno, "cannot relay the command's output");
		CloseHandle(h);
		free(r);
		return -1;
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0) {
		err_sys(e, errno, "cannot relay the command's output");
		goto fail;
	}
	r->kind = kind;
	r->h = h;
	r->sock = sv[1];
	t = _beginthreadex(NULL, 64 * 1024, relay_main, r, 0, NULL);
	if (!t) {
		err_sys(e, errno, "cannot start a relay thread");
		goto fail;
	}
	CloseHandle((HANDLE)t);
	*loop_end = sv[0];
	return 0;
fail:
	CloseHandle(h);
	close(sv[0]);
	close(sv[1]);
	free(r);
	return -1;
}

static void end_job(struct proc *p)
{
	if (p->job) {
		(void)TerminateJobObject(p->job, KILLED_STATUS);
		CloseHandle(p->job);
		p->job = NULL;
	}
}

static void maybe_report(struct proc *p)
{
	struct sandbox_result r;

	if (p->reported || !p->reaped || proc_io_output_open(&p->io))
		return;
	p->reported = true;
	loop_timer_disarm(p->loop, &p->drain);
	proc_io_close(&p->io, &p->io.in);
	memset(&r, 0, sizeof r);
	r.outcome = SANDBOX_RAN;
	/* Windows exit codes are 32 bits (NTSTATUS values for crashes); the result keeps
	 * the low byte, as a POSIX status would. */
	r.exit_code = (int)(p->code & 0xff);
	p->io.ev.exited(p->io.ev.arg, &r);
}

static void settled(struct proc_io *io)
{
	maybe_report(PROC_OF(io, io));
}

static void on_drain(struct loop *l, struct loop_timer *t);

static void reap(struct proc *p)
{
	if (p->reaped)
		return;
	p->reaped = true;
	if (!GetExitCodeProcess(p->process, &p->code) || p->code == STILL_ACTIVE)
		p->code = KILLED_STATUS;
	/* The command is gone: what it left running goes with it, as on Linux. */
	end_job(p);
	proc_io_close(&p->io, &p->exit_fd);
	for (int i = 0; i < 2; i++)
		proc_io_drain(&p->io, i);
	if (proc_io_output_open(&p->io) &&
	    loop_timer_arm(p->loop, &p->drain, loop_now(p->loop) + DRAIN_MS, on_drain) < 0)
		for (int i = 0; i < 2; i++)
			proc_io_close(&p->io, &p->io.out[i]);
	maybe_report(p);
}

static void on_exit_fd(struct loop *l, int fd, void *arg, unsigned events)
{
	struct proc *p = arg;
	char c;

	(void)l;
	(void)events;
	if (read(fd, &c, 1) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	reap(p);
}

static void on_drain(struct loop *l, struct loop_timer *t)
{
	struct proc *p = PROC_OF(t, drain);
	struct sandbox_result r;

	(void)l;
	if (p->not_started) {
		p->reported = true;
		r = p->failure;
		p->io.ev.exited(p->io.ev.arg, &r);
		return;
	}
	for (int i = 0; i < 2; i++) {
		proc_io_drain(&p->io, i);
		proc_io_close(&p->io, &p->io.out[i]);
	}
	maybe_report(p);
}

/* An anonymous pipe: *child inheritable, *mine not. */
static int new_pipe(HANDLE *child, HANDLE *mine, bool child_reads, struct err *e)
{
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	HANDLE r, w;

	if (!CreatePipe(&r, &w, &sa, 0))
		return err_set(e, "cannot create the command's pipes (CreatePipe error %lu)",
			       (unsigned long)GetLastError());
	*child = child_reads ? r : w;
	*mine = child_reads ? w : r;
	(void)SetHandleInformation(*mine, HANDLE_FLAG_INHERIT, 0);
	return 0;
}

static HANDLE null_device(struct err *e)
{
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	HANDLE h = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
			       OPEN_EXISTING, 0, NULL);

	if (h == INVALID_HANDLE_VALUE) {
		err_set(e, "cannot open NUL (error %lu)", (unsigned long)GetLastError());
		return NULL;
	}
	return h;
}

int proc_start(struct loop *l, const struct proc_spec *s, const struct proc_events *ev,
	       struct proc **out, struct err *e)
{
	struct sandbox_command cmd;
	struct win_started started;
	struct proc *p = calloc(1, sizeof *p);
	HANDLE child[3] = {NULL, NULL, NULL}, mine[3] = {NULL, NULL, NULL}, waiter;
	int rc = -1, st;

	*out = NULL;
	if (!p)
		return err_set(e, "out of memory");
	p->loop = l;
	proc_io_init(&p->io, l, ev, settled);
	if (s->stdin_max)
		p->io.inq.max = s->stdin_max;
	p->exit_fd = -1;
	if (s->keep_stdin ? new_pipe(&child[0], &mine[0], true, e) < 0
			  : !(child[0] = null_device(e)))
		goto out;
	for (int i = 1; i <= 2; i++)
		if (new_pipe(&child[i], &mine[i], false, e) < 0)
			goto out;
	memset(&cmd, 0, sizeof cmd);
	cmd.policy = s->policy;
	cmd.cwd = s->cwd;
	cmd.argv = s->argv;
	cmd.envp = s->envp;
	cmd.proxy = s->proxy;
	st = win_sandbox_spawn(&cmd, s->codex_home, (void *const *)child, &started, &p->failure, e);
	for (int i = 0; i < 3; i++) {
		CloseHandle(child[i]); /* the command has its copies */
		child[i] = NULL;
	}
	if (st < 0)
		goto out;
	if (st > 0) {
		/* Reported from the loop, never from inside proc_start. */
		p->not_started = true;
		if (loop_timer_arm(l, &p->drain, loop_now(l), on_drain) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
		rc = 0;
		*out = p;
		p = NULL;
		goto out;
	}
	p->process = started.process;
	p->job = started.job;
	if (!DuplicateHandle(GetCurrentProcess(), p->process, GetCurrentProcess(), &waiter,
			     SYNCHRONIZE, FALSE, 0)) {
		err_set(e, "cannot watch the command (DuplicateHandle error %lu)",
			(unsigned long)GetLastError());
		goto out;
	}
	/* Each relay takes its handle over, also when it fails. */
	rc = start_relay(RELAY_WAIT, waiter, &p->exit_fd, e);
	for (int i = 1; rc == 0 && i <= 2; i++) {
		rc = start_relay(RELAY_FROM_PIPE, mine[i], &p->io.out[i - 1], e);
		mine[i] = NULL;
	}
	if (rc == 0 && mine[0]) {
		rc = start_relay(RELAY_TO_PIPE, mine[0], &p->io.in, e);
		mine[0] = NULL;
	}
	if (rc < 0)
		goto out;
	rc = -1;
	if (proc_io_watch_output(&p->io, e) < 0)
		goto out;
	if (loop_watch(l, p->exit_fd, LOOP_READ, on_exit_fd, p, e) < 0)
		goto out;
	rc = 0;
	*out = p;
	p = NULL;
out:
	for (int i = 0; i < 3; i++) {
		if (child[i])
			CloseHandle(child[i]);
		if (mine[i])
			CloseHandle(mine[i]);
	}
	if (p)
		proc_free(p);
	return rc;
}

int proc_write(struct proc *p, const char *data, size_t len, struct err *e)
{
	return proc_io_write(&p->io, data, len, e);
}

void proc_close_stdin(struct proc *p)
{
	proc_io_close_stdin_when_empty(&p->io);
}

void proc_kill(struct proc *p)
{
	/* The waiter thread sees the process end; reap follows on the loop. */
	if (!p->reaped && p->job)
		(void)TerminateJobObject(p->job, KILLED_STATUS);
}

bool proc_running(const struct proc *p)
{
	return !p->reported;
}

void proc_abandon(struct proc *p)
{
	proc_free(p);
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	end_job(p);
	loop_timer_disarm(p->loop, &p->drain);
	proc_io_free(&p->io);
	proc_io_close(&p->io, &p->exit_fd);
	if (p->process)
		CloseHandle(p->process);
	free(p);
}
