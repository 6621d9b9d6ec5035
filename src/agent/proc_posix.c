/* A sandboxed command on the loop: sandbox_spawn with pipes or a pty, a pidfd for its
 * end, non-blocking reads of its output and writes of its input. */
#include "agent/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "agent/proc_io.h"

/* After the command is reaped, output still in flight (a background job holding the
 * pipe) is awaited this long, then the end is reported anyway. */
#define DRAIN_MS 250
/* The window size a pty starts with: wide enough that tools do not wrap. */
#define PTY_COLS 200
#define PTY_ROWS 50

struct proc {
	struct proc_io io;
	struct loop *loop;
	struct sandbox_child child;
	pid_t proxy_pid;           /* 0: none */
	int pidfd;                 /* -1: polled by the drain timer instead (no pidfd_open) */
	bool reaped, reported, killing;
	int status;
	struct loop_timer drain;   /* drain after reap; also the pidfd-less poll */
	struct loop_timer kill_timer;
};

#define PROC_OF(t, field) ((struct proc *)((char *)(t) - offsetof(struct proc, field)))

/* The proxy stops once the launcher closed its channel, which it did before it
 * exited: it is gone or about to be. */
static void reap_proxy(struct proc *p)
{
	if (p->proxy_pid <= 0)
		return;
	if (waitpid(p->proxy_pid, NULL, WNOHANG) == 0) {
		(void)kill(p->proxy_pid, SIGKILL);
		while (waitpid(p->proxy_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	p->proxy_pid = 0;
}

static void maybe_report(struct proc *p)
{
	struct sandbox_result r;

	if (p->reported || !p->reaped || proc_io_output_open(&p->io))
		return;
	p->reported = true;
	loop_timer_disarm(p->loop, &p->drain);
	loop_timer_disarm(p->loop, &p->kill_timer);
	if (!p->io.in_is_out)
		proc_io_close(&p->io, &p->io.in);
	p->io.in = -1;
	reap_proxy(p);
	sandbox_child_result(&p->child, p->status, &r);
	p->io.ev.exited(p->io.ev.arg, &r);
}

static void settled(struct proc_io *io)
{
	maybe_report(PROC_OF(io, io));
}

static void on_drain(struct loop *l, struct loop_timer *t);

static void reap(struct proc *p)
{
	pid_t r;

	if (p->reaped)
		return;
	do
		r = waitpid(p->child.pid, &p->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	if (r < 0)
		p->status = EXIT_FAILURE_GENERIC << 8; /* ECHILD: someone reaped it */
	p->reaped = true;
	if (p->pidfd >= 0) {
		loop_unwatch(p->loop, p->pidfd);
		close(p->pidfd);
		p->pidfd = -1;
	}
	for (int i = 0; i < 2; i++)
		proc_io_drain(&p->io, i);
	if (proc_io_output_open(&p->io) &&
	    loop_timer_arm(p->loop, &p->drain, loop_now(p->loop) + DRAIN_MS, on_drain) < 0)
		for (int i = 0; i < 2; i++)
			proc_io_close(&p->io, &p->io.out[i]);
	maybe_report(p);
}

static void on_pidfd(struct loop *l, int fd, void *arg, unsigned events)
{
	(void)l;
	(void)fd;
	(void)events;
	reap(arg);
}

static void on_drain(struct loop *l, struct loop_timer *t)
{
	struct proc *p = PROC_OF(t, drain);

	(void)l;
	if (!p->reaped) {
		/* No pidfd: poll for the end. */
		reap(p);
		if (!p->reaped && loop_timer_arm(p->loop, &p->drain, loop_now(p->loop) + 50,
						 on_drain) < 0)
			(void)0; /* out of memory: the kill timer or the caller ends it */
		return;
	}
	for (int i = 0; i < 2; i++) {
		proc_io_drain(&p->io, i);
		proc_io_close(&p->io, &p->io.out[i]);
	}
	maybe_report(p);
}

static void on_kill_timer(struct loop *l, struct loop_timer *t)
{
	struct proc *p = PROC_OF(t, kill_timer);

	(void)l;
	if (!p->reaped)
		(void)kill(-p->child.pid, SIGKILL);
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A pty pair: master non-blocking for us, the slave for the command. */
static int open_pty(int *master, int *slave, struct err *e)
{
	struct winsize ws = {PTY_ROWS, PTY_COLS, 0, 0};
	int unlock = 0, m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m < 0)
		return err_sys(e, errno, "cannot open a pty");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 ||
	    (s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		err_sys(e, errno, "cannot open the pty's peer");
		close(m);
		return -1;
	}
	(void)ioctl(m, TIOCSWINSZ, &ws); /* cosmetic: the default size works too */
	*master = m;
	*slave = s;
	return 0;
}

int proc_start(struct loop *l, const struct proc_spec *s, const struct proc_events *ev,
	       struct proc **out, struct err *e)
{
	struct sandbox_command cmd;
	struct proc *p = calloc(1, sizeof *p);
	int stdio[3] = {-1, -1, -1}, mine[3] = {-1, -1, -1}, pipes[2], rc = -1;

	*out = NULL;
	if (!p) {
		struct proc tmp = {.proxy_pid = s->proxy_pid};
		reap_proxy(&tmp);
		return err_set(e, "out of memory");
	}
	p->loop = l;
	proc_io_init(&p->io, l, ev, settled);
	if (s->stdin_max)
		p->io.inq.max = s->stdin_max;
	p->pidfd = -1;
	p->child.pid = -1;
	p->child.status_fd = -1;
	p->proxy_pid = s->proxy_pid;
	if (s->tty) {
		if (open_pty(&mine[0], &stdio[0], e) < 0)
			goto out;
		stdio[1] = stdio[2] = stdio[0];
		p->io.in_is_out = true;
	} else {
		if (s->keep_stdin) {
			if (pipe2(pipes, O_CLOEXEC) < 0)
				goto sys;
			stdio[0] = pipes[0];
			mine[0] = pipes[1];
		} else if ((stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
			goto sys;
		}
		for (int i = 1; i <= 2; i++) {
			if (pipe2(pipes, O_CLOEXEC) < 0)
				goto sys;
			stdio[i] = pipes[1];
			mine[i] = pipes[0];
		}
	}
	memset(&cmd, 0, sizeof cmd);
	cmd.policy = s->policy;
	cmd.cwd = s->cwd;
	cmd.argv = s->argv;
	cmd.envp = s->envp;
	cmd.proxy = s->proxy;
	if (sandbox_spawn(&cmd, stdio, &p->child, e) < 0)
		goto out;
	if (s->tty) {
		p->io.out[0] = p->io.in = mine[0];
	} else {
		p->io.in = mine[0];
		p->io.out[0] = mine[1];
		p->io.out[1] = mine[2];
	}
	mine[0] = mine[1] = mine[2] = -1;
	for (int i = 0; i < 2; i++)
		if (p->io.out[i] >= 0 && nonblock(p->io.out[i]) < 0)
			goto kill;
	if (proc_io_watch_output(&p->io, e) < 0)
		goto kill;
	if (p->io.in >= 0 && !p->io.in_is_out && nonblock(p->io.in) < 0)
		goto kill;
	p->pidfd = (int)syscall(SYS_pidfd_open, p->child.pid, 0);
	if (p->pidfd >= 0) {
		if (loop_watch(l, p->pidfd, LOOP_READ, on_pidfd, p, e) < 0)
			goto kill;
	} else if (loop_timer_arm(l, &p->drain, loop_now(l) + 50, on_drain) < 0) {
		err_set(e, "out of memory");
		goto kill;
	}
	p->drain.fn = on_drain;
	rc = 0;
	*out = p;
	p = NULL;
	goto out;
sys:
	err_sys(e, errno, "cannot create the command's pipes");
	goto out;
kill:
	(void)kill(-p->child.pid, SIGKILL);
	while (waitpid(p->child.pid, NULL, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 3; i++) {
		if (stdio[i] >= 0 && (i == 0 || stdio[i] != stdio[0]))
			close(stdio[i]);
		if (mine[i] >= 0)
			close(mine[i]);
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
	if (p->io.in_is_out) {
		/* A terminal has no end of input but ^D at the start of a line. */
		static const char eot = 4;
		(void)proc_write(p, &eot, 1, NULL);
		return;
	}
	proc_io_close_stdin_when_empty(&p->io);
}

void proc_kill(struct proc *p)
{
	if (p->reaped || p->killing)
		return;
	p->killing = true;
	(void)kill(-p->child.pid, SIGTERM);
	(void)kill(p->child.pid, SIGTERM); /* the group may be gone, the launcher not yet */
	if (loop_timer_arm(p->loop, &p->kill_timer, loop_now(p->loop) + PROC_KILL_GRACE_MS,
			   on_kill_timer) < 0)
		(void)kill(-p->child.pid, SIGKILL);
}

bool proc_running(const struct proc *p)
{
	return !p->reported;
}

void proc_abandon(struct proc *p)
{
	if (!p)
		return;
	if (p->child.pid > 0 && !p->reaped) {
		(void)kill(-p->child.pid, SIGTERM);
		(void)kill(p->child.pid, SIGTERM);
		p->reaped = true; /* not waited for: it ends on its own */
	}
	proc_free(p);
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	if (p->child.pid > 0 && !p->reaped) {
		(void)kill(-p->child.pid, SIGKILL);
		(void)kill(p->child.pid, SIGKILL);
		while (waitpid(p->child.pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	loop_timer_disarm(p->loop, &p->drain);
	loop_timer_disarm(p->loop, &p->kill_timer);
	if (p->pidfd >= 0) {
		loop_unwatch(p->loop, p->pidfd);
		close(p->pidfd);
	}
	proc_io_free(&p->io);
	if (p->child.status_fd >= 0)
		close(p->child.status_fd);
	reap_proxy(p);
	free(p);
}
