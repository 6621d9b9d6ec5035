/* Supervision: init's loop inside the pid namespace, and the launcher's loop outside
 * it (signal forwarding, exit status, the pty relay). Signals are taken synchronously
 * (blocked, then sigwaitinfo / signalfd), so there are no handlers and no races with
 * fork: the mask is set before the children exist and each child resets it. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "base/file.h"

/* Bytes moved per read in the relay; a pty's buffers are a few KiB. */
#define RELAY_CHUNK 16384
/* Rounds of killing the command's leftovers (each takes the orphans of the last one);
 * a bound, so that a launcher can end even if something keeps them coming. */
#define LEFTOVER_ROUNDS 1000

void lx_forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAILURE_GENERIC;
}

/* The command leads its own session (setsid), so its process group has its pid. */
static void forward(pid_t pid, int sig, bool group)
{
	if (group && kill(-pid, sig) == 0)
		return;
	(void)kill(pid, sig); /* ESRCH: it is already gone, which is what we wanted */
}

int lx_init_loop(pid_t command)
{
	sigset_t set;
	int status;

	lx_forwarded_signals(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		siginfo_t si;
		pid_t pid;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue; /* EINTR from a stop/continue */
		if (sig != SIGCHLD) {
			forward(command, sig, true);
			continue;
		}
		/* Reap everything: orphans of the command are re-parented to us. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == command)
				return exit_code(status);
	}
}

/* ---- the launcher's loop ---- */

struct relay {
	int master;            /* -1: no pty */
	int in;                /* caller's terminal input (fd 0), or -1 */
	int out;               /* where the pty's output goes (fd 1 or 2), or -1 */
	char buf[RELAY_CHUNK]; /* input read but not yet written to the master */
	size_t len;
	bool in_eof, master_eof;
	struct termios saved;
	bool raw;
	struct lx_ttyfilter filter; /* what of the output reaches the caller's terminal */
	unsigned char shown[LX_TTYF_OUT(RELAY_CHUNK)];
};

static void relay_start(struct relay *r, int master)
{
	struct termios raw;

	memset(r, 0, sizeof *r);
	r->master = master;
	r->in = r->out = -1;
	if (master < 0)
		return;
	r->in = isatty(0) ? 0 : -1;
	r->out = isatty(1) ? 1 : isatty(2) ? 2 : -1;
	lx_ttyfilter_init(&r->filter, lx_tty_utf8());
	if (r->in >= 0 && tcgetattr(0, &r->saved) == 0) {
		/* Raw: every key, ^C and ^Z included, goes to the command's own pty, whose
		 * line discipline turns it into a signal for the command's foreground job. */
		raw = r->saved;
		cfmakeraw(&raw);
		r->raw = tcsetattr(0, TCSADRAIN, &raw) == 0;
	}
}

static void relay_stop(struct relay *r)
{
	unsigned char restore[LX_TTYF_RESTORE_MAX];
	size_t n = lx_ttyfilter_restore(&r->filter, restore);

	/* The modes the command left on (mouse reporting, the alternate screen ...) are
	 * the caller's problem otherwise. Best effort on the way out. */
	if (r->out >= 0 && n)
		(void)fd_write_all(r->out, restore, n);
	if (r->raw)
		(void)tcsetattr(0, TCSADRAIN, &r->saved);
}

static void relay_winsize(struct relay *r)
{
	struct winsize ws;
	int from = r->in >= 0 ? r->in : r->out;

	if (r->master >= 0 && from >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(r->master, TIOCSWINSZ, &ws); /* the command keeps the old size */
}

/* Master output to the caller. EIO means every slave is closed: the end. */
static void relay_output(struct relay *r)
{
	char chunk[RELAY_CHUNK];

	for (;;) {
		ssize_t n = read(r->master, chunk, sizeof chunk);
		if (n > 0) {
			size_t m = lx_ttyfilter_feed(&r->filter, (unsigned char *)chunk, (size_t)n,
						     r->shown);
			/* A caller that stopped reading loses the output, not the command. */
			if (r->out >= 0 && m && fd_write_all(r->out, r->shown, m) < 0)
				r->out = -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			r->master_eof = true;
		return;
	}
}

static void relay_input(struct relay *r, short revents)
{
	ssize_t n;

	if (r->len == 0 && (revents & (POLLIN | POLLHUP))) {
		n = read(r->in, r->buf, sizeof r->buf);
		if (n > 0)
			r->len = (size_t)n;
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			r->in_eof = true;
	}
}

static void relay_flush_input(struct relay *r)
{
	ssize_t n = write(r->master, r->buf, r->len);

	if (n > 0) {
		memmove(r->buf, r->buf + n, r->len - (size_t)n);
		r->len -= (size_t)n;
	} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		r->len = 0; /* the command closed its terminal: drop what it will never read */
	}
}

/* No pid namespace: what the command left running goes down with the run. Its process
 * group is not enough (setsid leaves it), but the launcher is a subreaper, so every
 * orphan of the command is a child of ours: kill the children /proc lists, reap them
 * (their own orphans come to us in turn), and again until none is left. A child is
 * not reaped before it is killed, so its pid cannot have been reused. (The launcher's
 * children are all the sandbox's: sandbox_run forks it for the purpose, and `codex
 * sandbox` forks nothing else before it becomes the launcher.) */
static void kill_leftovers(pid_t group)
{
	char path[64];

	(void)kill(-group, SIGKILL);
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	for (int round = 0; round < LEFTOVER_ROUNDS; round++) {
		char list[4096], *p, *end;
		bool any = false;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, list, sizeof list - 1);

		if (fd >= 0)
			close(fd);
		list[n > 0 ? n : 0] = '\0';
		/* "pid pid ... ": a full buffer may end in part of a pid, which must not be
		 * taken for another; the rest waits for the next round. */
		if (n == (ssize_t)sizeof list - 1 && (p = strrchr(list, ' ')))
			p[1] = '\0';
		for (p = list; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
				any = true;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!any && n <= 0)
			break; /* no child left (or no /proc: the group kill is all we can do) */
		usleep(1000); /* let the killed die and their orphans come to us */
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int lx_supervise(pid_t child, int master, bool kill_group)
{
	struct relay r;
	sigset_t set;
	int sfd, status = 0;
	bool done = false;

	lx_forwarded_signals(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGWINCH);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	relay_start(&r, master);
	while (!done || (r.master >= 0 && !r.master_eof)) {
		struct pollfd p[3];
		nfds_t n = 0;
		int in_slot = -1, m_slot = -1;

		if (done) {
			/* The command is gone; take what it left in the pty and stop. */
			relay_output(&r);
			break;
		}
		p[n].fd = sfd;
		p[n++].events = POLLIN;
		if (r.in >= 0 && !r.in_eof && r.len == 0) {
			in_slot = (int)n;
			p[n].fd = r.in;
			p[n++].events = POLLIN;
		}
		if (r.master >= 0 && !r.master_eof) {
			m_slot = (int)n;
			p[n].fd = r.master;
			p[n++].events = POLLIN | (r.len ? POLLOUT : 0);
		}
		if (sfd < 0 && n == 1) {
			/* No signalfd (it cannot fail short of EMFILE/ENOMEM): just wait. */
			if (waitpid(child, &status, 0) == child)
				done = true;
			continue;
		}
		if (poll(p, n, -1) < 0)
			continue; /* EINTR */
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				int sig = (int)si.ssi_signo;
				pid_t pid;
				if (sig == SIGWINCH) {
					relay_winsize(&r);
				} else if (sig == SIGCHLD) {
					while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
						if (pid == child) {
							done = true;
							break;
						}
				} else {
					forward(child, sig, kill_group);
				}
				if (done)
					break;
			}
		}
		if (in_slot >= 0)
			relay_input(&r, p[in_slot].revents);
		if (m_slot >= 0) {
			if (p[m_slot].revents & (POLLIN | POLLHUP | POLLERR))
				relay_output(&r);
			if (r.len && !r.master_eof)
				relay_flush_input(&r);
		}
	}
	relay_stop(&r);
	if (sfd >= 0)
		close(sfd);
	if (kill_group)
		kill_leftovers(child);
	return exit_code(status);
}
