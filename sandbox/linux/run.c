/* sandbox_run and sandbox_exec: re-execute this binary as `codex-linux-sandbox`
 * (/proc/self/exe, never a second binary) with the policy as JSON. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SELF_EXE "/proc/self/exe"

/* The launcher's command line; status_fd < 0 leaves out --status-fd. */
static int launcher_argv(const struct sandbox_command *c, int status_fd, struct strv *argv,
			 struct err *e)
{
	char *json = sandbox_policy_to_json(c->policy, e);
	int ok;

	if (!json)
		return -1;
	ok = strv_push(argv, "codex-linux-sandbox") == 0 &&
	     strv_push(argv, "--sandbox-policy") == 0 && strv_take(argv, json) == 0 &&
	     strv_push(argv, "--sandbox-policy-cwd") == 0 && strv_push(argv, c->cwd) == 0 &&
	     strv_push(argv, "--command-cwd") == 0 && strv_push(argv, c->cwd) == 0 &&
	     (status_fd < 0 || (strv_push(argv, "--status-fd") == 0 &&
				strv_pushf(argv, "%d", status_fd) == 0)) &&
	     (!c->print_plan || strv_push(argv, "--print-plan") == 0) &&
	     strv_push(argv, "--max-processes") == 0 &&
	     strv_pushf(argv, "%ld", c->max_processes == 0   ? (long)SANDBOX_MAX_PROCESSES_DEFAULT
				     : c->max_processes < 0 ? 0L
							    : c->max_processes) == 0 &&
	     (!c->proxy || (strv_push(argv, "--proxy-fd") == 0 &&
			    strv_pushf(argv, "%d", c->proxy->channel) == 0)) &&
	     (!c->proxy || !c->proxy->socks || strv_push(argv, "--proxy-socks") == 0) &&
	     (!c->proxy || !c->proxy->allow_local_binding ||
	      strv_push(argv, "--allow-local-binding") == 0) &&
	     strv_push(argv, "--") == 0;
	for (size_t i = 0; ok && c->argv[i]; i++)
		ok = strv_push(argv, c->argv[i]) == 0;
	return ok ? 0 : err_set(e, "out of memory");
}

/* The caller's environment, plus the marker upstream sets for a restricted network (not
 * with the proxy: the command has network then, through the proxy; the launcher adds
 * the proxy variables once it knows the ports). */
static int command_env(const struct sandbox_command *c, struct strv *env, struct err *e)
{
	char *const *src = c->envp ? c->envp : environ;

	for (size_t i = 0; src && src[i]; i++)
		if (strv_push(env, src[i]) < 0)
			return err_set(e, "out of memory");
	if (!c->proxy && sandbox_policy_network(c->policy) == SANDBOX_NET_OFF &&
	    strv_setenv(env, "CODEX_SANDBOX_NETWORK_DISABLED", "1") < 0)
		return err_set(e, "out of memory");
	if (!env->v && strv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin") < 0)
		return err_set(e, "out of memory"); /* an empty environment still needs a vector */
	return 0;
}

static int check_command(const struct sandbox_command *c, struct err *e)
{
	if (!c->argv || (!c->argv[0] && !c->print_plan))
		return err_set(e, "no command to run");
	if (!c->cwd || c->cwd[0] != '/')
		return err_set(e, "the sandbox needs an absolute working directory");
	if (c->proxy && c->proxy->channel < 0)
		return err_set(e, "no channel to the network proxy");
	if (c->max_processes > 0 && c->max_processes < SANDBOX_MAX_PROCESSES_MIN)
		return err_set(e, "a process cap of %ld is too small (at least %d, or none)",
			       c->max_processes, SANDBOX_MAX_PROCESSES_MIN);
	return 0;
}

/* The launcher inherits the channel to the proxy (it marks it close-on-exec again). */
static int pass_channel(const struct sandbox_command *c)
{
	return c->proxy ? fcntl(c->proxy->channel, F_SETFD, 0) : 0; /* codex-lint: no-cloexec */
}

int sandbox_exec(const struct sandbox_command *c, struct err *e)
{
	struct strv argv = STRV_INIT, env = STRV_INIT;

	if (check_command(c, e) < 0 || launcher_argv(c, -1, &argv, e) < 0 ||
	    command_env(c, &env, e) < 0)
		goto out;
	if (pass_channel(c) == 0)
		execve(SELF_EXE, argv.v, env.v);
	err_sys(e, errno, "cannot re-execute %s as the sandbox launcher", SELF_EXE);
out:
	strv_free(&argv);
	strv_free(&env);
	return -1;
}

int sandbox_run(const struct sandbox_command *c, struct sandbox_result *r, struct err *e)
{
	struct strv argv = STRV_INIT, env = STRV_INIT;
	struct lx_status st;
	int fds[2] = {-1, -1}, status, got, rc = -1;
	pid_t pid, self = getpid();

	memset(r, 0, sizeof *r);
	if (check_command(c, e) < 0 || pipe2(fds, O_CLOEXEC) < 0 ||
	    launcher_argv(c, fds[1], &argv, e) < 0 || command_env(c, &env, e) < 0) {
		if (fds[0] < 0)
			err_sys(e, errno, "cannot create the status pipe");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_sys(e, errno, "cannot fork the sandbox launcher");
		goto out;
	}
	if (pid == 0) {
		/* The launcher (and with it the sandbox) dies with us. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != self)
			_exit(EXIT_SANDBOX_SETUP);
		/* The launcher marks it close-on-exec again before running the command.
		 * codex-lint: no-cloexec: the status pipe must reach the launcher */
		if (fcntl(fds[1], F_SETFD, 0) == 0 && pass_channel(c) == 0)
			execve(SELF_EXE, argv.v, env.v);
		lx_status_send(fds[1], LX_FAIL_SETUP, errno,
			       "cannot re-execute /proc/self/exe as the sandbox launcher");
		_exit(EXIT_SANDBOX_SETUP);
	}
	close(fds[1]);
	fds[1] = -1;
	got = lx_status_recv(fds[0], &st);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			err_sys(e, errno, "cannot wait for the sandbox launcher");
			goto out;
		}
	if (got > 0) {
		lx_status_to_result(&st, c->argv[0], r);
	} else if (got < 0) {
		r->outcome = SANDBOX_SETUP_FAILED;
		r->exit_code = EXIT_SANDBOX_SETUP;
		err_set(&r->detail, "the sandbox launcher sent a malformed status");
	} else {
		r->outcome = SANDBOX_RAN;
		r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
			       : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_FAILURE_GENERIC;
	}
	rc = 0;
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	strv_free(&argv);
	strv_free(&env);
	return rc;
}

/* The launcher's end: stdio in place, a session of its own, dead with us. Only
 * async-signal-safe calls until the exec. */
static void spawn_child(const struct sandbox_command *c, const int stdio[3], int status_fd,
			char **argv, char **envp, pid_t parent)
{
	int fds[3];
	sigset_t none;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		_exit(EXIT_SANDBOX_SETUP);
	/* The caller may take its signals through a signalfd (blocked); the command must
	 * get them as usual. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (setsid() < 0)
		goto fail;
	/* Out of the way of 0..2 first, so that any order of the three works. */
	for (int i = 0; i < 3; i++)
		if ((fds[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3)) < 0)
			goto fail;
	for (int i = 0; i < 3; i++)
		/* codex-lint: no-cloexec: the launcher's stdio, kept across its exec */
		if (dup2(fds[i], i) < 0)
			goto fail;
	if (isatty(0))
		(void)ioctl(0, TIOCSCTTY, 0); /* a terminal of its own; the launcher relays */
	/* codex-lint: no-cloexec: the status pipe must reach the launcher */
	if (fcntl(status_fd, F_SETFD, 0) == 0 && pass_channel(c) == 0)
		execve(SELF_EXE, argv, envp);
fail:
	lx_status_send(status_fd, LX_FAIL_SETUP, errno,
		       "cannot start the sandbox launcher (/proc/self/exe)");
	_exit(EXIT_SANDBOX_SETUP);
}

int sandbox_spawn(const struct sandbox_command *c, const int stdio[3], struct sandbox_child *out,
		  struct err *e)
{
	struct strv argv = STRV_INIT, env = STRV_INIT;
	int fds[2] = {-1, -1}, rc = -1;
	pid_t pid, self = getpid();

	out->pid = -1;
	out->status_fd = -1;
	if (check_command(c, e) < 0)
		goto out;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		err_sys(e, errno, "cannot create the status pipe");
		goto out;
	}
	if (launcher_argv(c, fds[1], &argv, e) < 0 || command_env(c, &env, e) < 0)
		goto out;
	pid = fork();
	if (pid < 0) {
		err_sys(e, errno, "cannot fork the sandbox launcher");
		goto out;
	}
	if (pid == 0)
		spawn_child(c, stdio, fds[1], argv.v, env.v, self);
	out->pid = pid;
	out->status_fd = fds[0];
	fds[0] = -1;
	rc = 0;
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	strv_free(&argv);
	strv_free(&env);
	return rc;
}

void sandbox_child_result(struct sandbox_child *child, int status, struct sandbox_result *r)
{
	struct lx_status st;
	int got = 0, fl;

	memset(r, 0, sizeof *r);
	if (child->status_fd >= 0) {
		/* The launcher is gone; only a command that failed to start could still hold
		 * the pipe (it is close-on-exec), so never wait for it. */
		fl = fcntl(child->status_fd, F_GETFL);
		if (fl >= 0)
			(void)fcntl(child->status_fd, F_SETFL, fl | O_NONBLOCK);
		got = lx_status_recv(child->status_fd, &st);
		if (got < 0 && errno == EAGAIN)
			got = 0;
		close(child->status_fd);
		child->status_fd = -1;
	}
	if (got > 0) {
		lx_status_to_result(&st, "command", r);
		return;
	}
	r->outcome = SANDBOX_RAN;
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status)
		       : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : EXIT_FAILURE_GENERIC;
}
