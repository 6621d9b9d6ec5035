/* The stdio transport (codex-mcp.md §3.1): the server is a child process in its own
 * process group, with a cleared environment (a default set, env_vars, then env); one
 * JSON message a line on its stdin and stdout; its stderr goes to the log line by line,
 * never to the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mcp/internal.h"

/* What the child inherits from us when set (upstream's Unix list). */
static const char *const default_env[] = {"HOME", "LOGNAME", "PATH", "SHELL", "USER",
					  "__CF_USER_TEXT_ENCODING", "LANG", "LC_ALL", "TERM",
					  "TMPDIR", "TZ", NULL};

/* How long a server has to exit after SIGTERM before it gets SIGKILL. */
#define STOP_GRACE_MS 200
/* How long a server that closed its output has to exit before we stop asking why. */
#define EXIT_WAIT_MS 1000

static int child_env(const struct config_mcp_server *cfg, struct strv *env, struct err *e)
{
	const char *v;

	for (size_t i = 0; default_env[i]; i++)
		if ((v = getenv(default_env[i])) && strv_setenv(env, default_env[i], v) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; i < cfg->env_vars.n; i++)
		if ((v = getenv(cfg->env_vars.v[i])) && strv_setenv(env, cfg->env_vars.v[i], v) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; i < cfg->env.keys.n; i++)
		if (strv_setenv(env, cfg->env.keys.v[i], cfg->env.values.v[i]) < 0)
			return err_set(e, "out of memory");
	return 0;
}

/* The program as execvp would find it, but with the child's PATH. */
static char *resolve_program(const char *cmd, const struct strv *env)
{
	const char *path = strv_getenv(env, "PATH"), *p;

	if (strchr(cmd, '/'))
		return strdup(cmd);
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *cand = malloc(n + strlen(cmd) + 3);
		if (!cand)
			return NULL;
		snprintf(cand, n + strlen(cmd) + 3, "%.*s%s%s", (int)n, n ? p : ".", n ? "/" : "",
			 cmd);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!end)
			break;
		p = end;
	}
	return strdup(cmd); /* execve then reports ENOENT */
}

static void on_out(struct loop *l, int fd, void *arg, unsigned events);
static void on_err(struct loop *l, int fd, void *arg, unsigned events);
static void on_in(struct loop *l, int fd, void *arg, unsigned events);

static void close_fd(struct mcp_server *s, int *fd)
{
	if (*fd < 0)
		return;
	loop_unwatch(s->m->o.loop, *fd);
	close(*fd);
	*fd = -1;
}

int stdio_start(struct mcp_server *s, struct err *e)
{
	const struct config_mcp_server *cfg = s->cfg;
	int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1}, rep[2] = {-1, -1};
	struct strv env = STRV_INIT, argv = STRV_INIT;
	char *prog = NULL;
	int child_errno = 0, rc = -1;
	ssize_t n;
	pid_t pid;

	s->in_fd = s->out_fd = s->err_fd = -1;
	buf_init(&s->wbuf, MCP_MAX_MESSAGE_BYTES * 4);
	mcp_lines_init(&s->out_lines, MCP_MAX_MESSAGE_BYTES);
	mcp_lines_init(&s->err_lines, MCP_MAX_STDERR_LINE);
	if (child_env(cfg, &env, e) < 0)
		goto out;
	if (strv_push(&argv, cfg->command) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cfg->args.n; i++)
		if (strv_push(&argv, cfg->args.v[i]) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
	if (!(prog = resolve_program(cfg->command, &env))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0) {
		err_sys(e, errno, "pipe");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_sys(e, errno, "fork");
		goto out;
	}
	if (pid == 0) {
		int en;
		/* Its own process group, so that stopping it stops what it started. The pipe
		 * ends become stdio (dup2 clears CLOEXEC on the copies). */
		setpgid(0, 0);
		/* codex-lint: no-cloexec: the server's stdio, kept across its exec */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(er[1], 2) < 0)
			goto child_fail;
		if (cfg->cwd && chdir(cfg->cwd) < 0)
			goto child_fail;
		signal(SIGPIPE, SIG_DFL);
		execve(prog, argv.v, env.v ? env.v : (char *[]){NULL});
child_fail:
		en = errno;
		if (write(rep[1], &en, sizeof en) < 0)
			_exit(127); /* nothing else can be reported */
		_exit(127);
	}
	close(rep[1]);
	rep[1] = -1;
	/* The child closes rep on exec (CLOEXEC): 0 bytes = it ran. */
	do
		n = read(rep[0], &child_errno, sizeof child_errno);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof child_errno) {
		waitpid(pid, NULL, 0);
		err_sys(e, child_errno, cfg->cwd && child_errno != ENOENT ? "cannot start %s in %s"
									  : "cannot start %s",
			cfg->command, cfg->cwd);
		goto out;
	}
	s->pid = pid;
	s->in_fd = in[1];
	s->out_fd = out[0];
	s->err_fd = er[0];
	in[1] = out[0] = er[0] = -1;
	fcntl(s->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	if (loop_watch(s->m->o.loop, s->out_fd, LOOP_READ, on_out, s, e) < 0 ||
	    loop_watch(s->m->o.loop, s->err_fd, LOOP_READ, on_err, s, e) < 0)
		goto out;
	mgr_log(s->m, "MCP server `%s`: started %s (pid %d)", cfg->name, prog, (int)pid);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (er[i] >= 0)
			close(er[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	if (rc < 0)
		stdio_stop(s);
	strv_free(&env);
	strv_free(&argv);
	free(prog);
	return rc;
}

/* ---- writing ---- */

static void flush(struct mcp_server *s)
{
	while (s->wbuf.len) {
		ssize_t n = write(s->in_fd, s->wbuf.data, s->wbuf.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			char why[128];
			snprintf(why, sizeof why, "cannot write to the MCP server: %s",
				 strerror(n < 0 ? errno : EPIPE));
			server_on_closed(s, why);
			return;
		}
		buf_consume(&s->wbuf, (size_t)n);
	}
	loop_watch(s->m->o.loop, s->in_fd, s->wbuf.len ? LOOP_WRITE : 0, on_in, s, NULL);
}

static void on_in(struct loop *l, int fd, void *arg, unsigned events)
{
	struct mcp_server *s = arg;

	/* Its input closed (it exits, most likely): the error stays reported while the fd
	 * is watched, so watching stops; its closed output, or the next write, ends it. */
	if ((events & LOOP_HUP) && !(events & LOOP_WRITE)) {
		loop_unwatch(l, fd);
		return;
	}
	flush(s);
}

int stdio_send(struct mcp_server *s, const char *text, struct err *e)
{
	if (s->in_fd < 0)
		return err_set(e, "the MCP server `%s` is not running", s->cfg->name);
	if (buf_append(&s->wbuf, text, strlen(text)) < 0 || buf_putc(&s->wbuf, '\n') < 0) {
		buf_init(&s->wbuf, MCP_MAX_MESSAGE_BYTES * 4);
		return err_set(e, "the MCP server `%s` is not reading its input", s->cfg->name);
	}
	flush(s);
	return 0;
}

/* ---- reading ---- */

static void got_line(void *arg, const char *line, size_t len)
{
	struct mcp_server *s = arg;

	if (s->transport_up)
		server_on_message(s, line, len);
}

static void got_err_line(void *arg, const char *line, size_t len)
{
	struct mcp_server *s = arg;

	mgr_log(s->m, "MCP server stderr (%s): %.*s", s->cfg->command, (int)len, line);
}

/* Why the child is gone, for the message that fails its calls. */
static void exit_reason(struct mcp_server *s, char *out, size_t cap)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	int st = 0;
	pid_t r = 0;

	/* Its output closed: it is most likely exiting; give it a moment to say how. */
	for (int waited = 0; s->pid > 0 && waited < EXIT_WAIT_MS; waited += 5) {
		r = waitpid(s->pid, &st, WNOHANG);
		if (r != 0)
			break;
		nanosleep(&ts, NULL);
	}

	if (r == s->pid && s->pid > 0) {
		s->pid = 0;
		if (WIFEXITED(st))
			snprintf(out, cap, "the MCP server `%s` exited with status %d", s->cfg->name,
				 WEXITSTATUS(st));
		else
			snprintf(out, cap, "the MCP server `%s` was killed by signal %d", s->cfg->name,
				 WTERMSIG(st));
	} else {
		snprintf(out, cap, "the MCP server `%s` closed its output", s->cfg->name);
	}
}

static void on_out(struct loop *l, int fd, void *arg, unsigned events)
{
	struct mcp_server *s = arg;
	char chunk[65536], why[ERR_MSG_MAX + 256];
	struct err e;
	ssize_t n;

	(void)l;
	(void)events;
	err_clear(&e);
	n = read(fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Let stderr's last lines reach the log first. */
		if (s->err_fd >= 0)
			on_err(l, s->err_fd, s, 0);
		exit_reason(s, why, sizeof why);
		server_on_closed(s, why);
		return;
	}
	/* The server may be stopped from inside got_line: then nothing more is read. */
	if (mcp_lines_push(&s->out_lines, chunk, (size_t)n, got_line, s, &e) < 0 &&
	    s->transport_up) {
		snprintf(why, sizeof why, "the MCP server `%s` sent a bad message: %s", s->cfg->name,
			 e.msg);
		server_on_closed(s, why);
	}
}

static void on_err(struct loop *l, int fd, void *arg, unsigned events)
{
	struct mcp_server *s = arg;
	char chunk[8192];
	struct err e;
	ssize_t n;

	(void)l;
	(void)events;
	for (int rounds = 0; rounds < 16; rounds++) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			close_fd(s, &s->err_fd);
			return;
		}
		/* An over-long line is cut: the parser starts again after it. */
		if (mcp_lines_push(&s->err_lines, chunk, (size_t)n, got_err_line, s, &e) < 0) {
			mgr_log(s->m, "MCP server stderr (%s): (a line over %d bytes was cut)",
				s->cfg->command, MCP_MAX_STDERR_LINE);
			mcp_lines_free(&s->err_lines);
			mcp_lines_init(&s->err_lines, MCP_MAX_STDERR_LINE);
		}
	}
}

/* ---- stopping ---- */

static void stop_child(pid_t pid)
{
	struct timespec ts = {0, 10 * 1000 * 1000};

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);
	for (int waited = 0; waited < STOP_GRACE_MS; waited += 10) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			goto group;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
group:
	/* Whatever it started is killed too. */
	kill(-pid, SIGKILL);
}

void stdio_stop(struct mcp_server *s)
{
	close_fd(s, &s->in_fd);
	close_fd(s, &s->out_fd);
	close_fd(s, &s->err_fd);
	stop_child(s->pid);
	s->pid = 0;
	buf_free(&s->wbuf);
	mcp_lines_free(&s->out_lines);
	mcp_lines_free(&s->err_lines);
}
