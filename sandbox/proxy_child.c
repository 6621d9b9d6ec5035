/* The network proxy of one proxy-enforced run (`codex sandbox`, and each command of
 * the agent until the proxy can live on the agent's own loop): a child of the caller,
 * outside the sandbox, serving the listening sockets the launcher creates in the
 * command's network namespace (the channel protocol is in sandbox/sandbox.h).
 *
 * `codex sandbox` forks it before it becomes the launcher (exec), so the launcher is
 * its parent; the agent forks it beside the launcher. Either way it dies with the
 * thread that forked it (PR_SET_PDEATHSIG), stops when the launcher closes the channel
 * after the command exited, and sends back the blocked summary. It ignores the
 * terminal's signals (the launcher forwards them to the command and then ends the run),
 * holds none of its parent's other descriptors, and is not dumpable. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "proxy/proxy.h"
#include "sandbox/sandbox.h"

/* Once the command is gone its connections are closed; what is still open may finish
 * for this long (the audit records them either way). */
#define DRAIN_MS 200

void sandbox_net_free(struct sandbox_net *n)
{
	proxy_config_free(&n->cfg);
	memset(n, 0, sizeof *n);
}

static void ignore_terminal_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
		signal(sigs[k], SIG_IGN);
}

/* The child's fds go to 3, 4 and 5 in two steps: park moves each (if >= 0) above
 * every target first, so that place, which then puts it at its number, never lands on
 * one still to be moved. */
static int park(int fd)
{
	int high;

	if (fd < 0)
		return -1;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 16);
	if (high < 0)
		_exit(EXIT_SANDBOX_SETUP);
	close(fd);
	return high;
}

static int place(int fd, int at)
{
	if (fd < 0)
		return -1;
	/* The proxy child execs nothing, so these copies leak nowhere.
	 * codex-lint: no-cloexec: fds 3, 4 and 5 are where the child keeps them */
	if (dup2(fd, at) < 0)
		_exit(EXIT_SANDBOX_SETUP);
	close(fd);
	return at;
}

/* The child's whole life. */
__attribute__((noreturn)) static void run_proxy(const struct sandbox_net *n, int channel, int audit_fd,
						int ask_fd, pid_t parent)
{
	struct proxy_options o;
	struct proxy *px = NULL;
	struct buf summary;
	struct err e;
	int http, socks, null;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(EXIT_SANDBOX_SETUP);
	/* Nothing of the caller's but the channel, the audit file and the decider's socket:
	 * a parent with other commands running must not have their pipes held open here.
	 * They go to fds 3, 4 and 5, and everything else is closed. */
	channel = park(channel);
	audit_fd = park(audit_fd);
	ask_fd = park(ask_fd);
	channel = place(channel, 3);
	audit_fd = place(audit_fd, 4);
	ask_fd = place(ask_fd, 5);
	if (audit_fd < 0)
		close(4);
	if (ask_fd < 0)
		close(5);
	(void)syscall(SYS_close_range, 6u, ~0u, 0u); /* best effort */
	/* Same user as the caller, but nothing of it needs reading by anyone. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	ignore_terminal_signals();
	/* A pipe reading our caller's output must not wait for us. */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* codex-lint: no-cloexec: stdin and stdout stay stdio */
	if (null >= 0 && (dup2(null, 0) < 0 || dup2(null, 1) < 0))
		_exit(EXIT_SANDBOX_SETUP);
	if (sandbox_proxy_take_listeners(channel, &http, &socks, &e) < 0)
		_exit(EXIT_SANDBOX_SETUP); /* the launcher failed first and said why */
	proxy_options_init(&o);
	o.http_fd = http;
	o.socks_fd = socks;
	o.policy = n->cfg.policy;
	o.upstream = n->cfg.upstream;
	/* The command has no UDP socket to use an association with. */
	o.policy.enable_socks5_udp = false;
	o.audit_fd = audit_fd;
	o.ask_fd = ask_fd;
	o.drain_timeout_ms = DRAIN_MS;
	if (proxy_new(&o, &px, &e) < 0) {
		(void)sandbox_proxy_ready(channel, &e); /* the launcher reports it */
		_exit(EXIT_SANDBOX_SETUP);
	}
	if (sandbox_proxy_ready(channel, NULL) < 0 || proxy_run(px, channel, &e) < 0) {
		proxy_free(px);
		_exit(EXIT_SANDBOX_SETUP);
	}
	buf_init(&summary, 4096);
	sandbox_proxy_send_summary(channel, proxy_blocked_summary(px, &summary) == 0 && summary.len
						    ? summary.data : "");
	/* Done: every audit line is written. The process ends here without taking the
	 * proxy apart (joining resolver threads); the kernel frees it all at once. */
	_exit(EXIT_OK);
}

static int start(const struct sandbox_net *n, bool print_plan, int ask_fd, int *channel,
		 pid_t *proxy_pid, struct err *e)
{
	int fds[2], audit_fd = -1;
	pid_t pid, self = getpid();

	*channel = -1;
	*proxy_pid = 0;
	if (sandbox_proxy_channel(fds, e) < 0)
		return -1;
	if (print_plan) {
		/* The launcher only prints its plan: no proxy to start. */
		close(fds[0]);
		*channel = fds[1];
		return 0;
	}
	if (n->audit_path) {
		/* The file may lie where a sandboxed command could have planted a symlink
		 * (the workspace): a regular file only, the link itself never followed. */
		audit_fd = file_open_regular(n->audit_path, O_WRONLY | O_CREAT | O_APPEND, 0600, e);
		if (audit_fd < 0) {
			if (e->errnum == ELOOP || e->errnum == EINVAL)
				err_prefix(e, "cannot use the audit file");
			else
				err_sys(e, e->errnum, "cannot open the audit file %s", n->audit_path);
			goto fail;
		}
	}
	pid = fork();
	if (pid < 0) {
		err_sys(e, errno, "cannot start the network proxy");
		goto fail;
	}
	if (pid == 0) {
		close(fds[1]);
		run_proxy(n, fds[0], audit_fd, ask_fd, self);
	}
	close(fds[0]);
	if (audit_fd >= 0)
		close(audit_fd);
	*channel = fds[1];
	*proxy_pid = pid;
	return 0;
fail:
	close(fds[0]);
	close(fds[1]);
	return -1;
}

int sandbox_net_start(const struct sandbox_net *n, bool print_plan, int *channel,
		      pid_t *proxy_pid, struct err *e)
{
	return start(n, print_plan, -1, channel, proxy_pid, e);
}

int sandbox_net_start_asking(const struct sandbox_net *n, int ask_fd, int *channel,
			     pid_t *proxy_pid, struct err *e)
{
	return start(n, false, ask_fd, channel, proxy_pid, e);
}
