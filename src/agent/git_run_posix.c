/* git commands for the turn metadata on POSIX (git_run.h): posix_spawnp, their stdout
 * pipes polled together against one deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/git_run.h"
#include "base/strv.h"

extern char **environ;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct git_run {
	pid_t pid;                 /* -1: not started */
	int fd;                    /* its stdout, -1 once at EOF or given up */
	bool eof;
	struct buf *out;
};

/* Starts git -C dir args... with its stdout into a pipe (r->fd). */
static int git_spawn(const char *dir, const char *const *args, struct git_run *r)
{
	char *argv[12];
	struct strv env = STRV_INIT;
	posix_spawn_file_actions_t fa;
	int p[2], rc = -1;
	size_t n = 0;

	r->pid = -1;
	r->fd = -1;
	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = (char *)dir;
	for (size_t i = 0; args[i] && n < 11; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	/* status must not take the index lock a command of the model may want. */
	for (size_t i = 0; environ && environ[i]; i++)
		if (strncmp(environ[i], "GIT_OPTIONAL_LOCKS=", 19) && strv_push(&env, environ[i]) < 0)
			goto out;
	if (strv_push(&env, "GIT_OPTIONAL_LOCKS=0") < 0 || pipe2(p, O_CLOEXEC) < 0)
		goto out;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(p[0]);
		close(p[1]);
		goto out;
	}
	/* dup2 onto 1 clears close-on-exec there: git's stdout is the pipe. */
	if (posix_spawn_file_actions_adddup2(&fa, p[1], 1) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawnp(&r->pid, "git", &fa, NULL, argv, env.v) != 0) {
		r->pid = -1;
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		goto out;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	r->fd = p[0];
	rc = 0;
out:
	strv_free(&env);
	return rc;
}

/* Reads every started run's output until EOF or the shared deadline, then reaps them
 * (killing what is still running). rc[i] = 0 when run i exited 0 with all its output. */
static void git_collect(struct git_run *runs, size_t n, int *rc, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd[GIT_RUN_MAX];
		size_t m = 0, idx[GIT_RUN_MAX];
		uint64_t t = now_ms();
		int r;

		for (size_t i = 0; i < n && m < GIT_RUN_MAX; i++)
			if (runs[i].fd >= 0) {
				pfd[m] = (struct pollfd){runs[i].fd, POLLIN, 0};
				idx[m++] = i;
			}
		if (m == 0 || t >= deadline)
			break;
		r = poll(pfd, m, (int)(deadline - t));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (size_t k = 0; k < m; k++) {
			struct git_run *g = &runs[idx[k]];
			char chunk[4096];
			ssize_t got;
			if (!pfd[k].revents)
				continue;
			got = read(g->fd, chunk, sizeof chunk);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0 || buf_append(g->out, chunk, (size_t)got) < 0) {
				g->eof = got == 0;
				close(g->fd);
				g->fd = -1;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		int status = 0;
		rc[i] = -1;
		if (runs[i].fd >= 0) {
			close(runs[i].fd);
			runs[i].fd = -1;
		}
		if (runs[i].pid < 0)
			continue;
		if (!runs[i].eof)
			kill(runs[i].pid, SIGKILL);
		while (waitpid(runs[i].pid, &status, 0) < 0 && errno == EINTR)
			;
		if (runs[i].eof && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			rc[i] = 0;
	}
}

void git_run_all(const char *dir, const char *const *const *args, size_t n, struct buf *out,
		 int *rc, unsigned timeout_ms)
{
	struct git_run runs[GIT_RUN_MAX];

	if (n > GIT_RUN_MAX)
		n = GIT_RUN_MAX;
	for (size_t i = 0; i < n; i++) {
		runs[i].out = &out[i];
		runs[i].eof = false;
		(void)git_spawn(dir, args[i], &runs[i]);
	}
	git_collect(runs, n, rc, timeout_ms);
}
