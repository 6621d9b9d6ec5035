/* Finding the Node that runs the js_repl kernel and checking its version (js_repl.h):
 * `node --version` through posix_spawn, its stdout read through a CLOEXEC pipe, the
 * whole bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/js_repl.h"
#include "agent/plugins.h"

extern char **environ;

/* `node --version` answers in well under a second; a Node that hangs is not usable. */
#define NODE_VERSION_TIMEOUT_MS 10000
/* Its answer is one short line. */
#define NODE_VERSION_MAX_BYTES 256

static bool exists(const char *p)
{
	struct stat st;

	return p && *p && stat(p, &st) == 0;
}

/* `node` in a PATH directory (executable, not a directory), or NULL. Caller frees. */
static char *which_node(void)
{
	const char *path = getenv("PATH"), *p, *end;

	for (p = path; p && *p; p = *end ? end + 1 : end) {
		size_t n;
		char *cand;
		struct stat st;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (!(cand = malloc(n + sizeof "/node")))
			return NULL;
		memcpy(cand, n ? p : ".", n ? n : 1);
		memcpy(cand + (n ? n : 1), "/node", sizeof "/node");
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
	}
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Runs `node --version`: 0 and its stdout in buf (NUL-terminated), or -1 with e set in
 * upstream's words. */
static int node_version_output(const char *node, char *buf, size_t cap, struct err *e)
{
	int fds[2], status = 0;
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)node, "--version", NULL};
	pid_t pid;
	size_t len = 0;
	uint64_t deadline = now_ms() + NODE_VERSION_TIMEOUT_MS;
	bool timed_out = false;
	int rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(e, errno, "failed to execute Node: pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = posix_spawn(&pid, node, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return err_set(e, "failed to execute Node: %s", strerror(rc));
	}
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= deadline) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(deadline - now)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		n = read(fds[0], buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap - 1)
			break;
	}
	close(fds[0]);
	buf[len] = '\0';
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return err_set(e, "failed to read Node version (timed out)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			return err_set(e, "failed to read Node version (status exit status: %d)",
				       WEXITSTATUS(status));
		return err_set(e, "failed to read Node version (status signal: %d)",
			       WTERMSIG(status));
	}
	return 0;
}

int js_repl_node_resolve(const char *cfg_path, char **out, struct err *e)
{
	const char *env = getenv("CODEX_JS_REPL_NODE_PATH");
	char text[NODE_VERSION_MAX_BYTES], *node;
	struct js_repl_node_version v;

	*out = NULL;
	if (exists(env))
		node = strdup(env);
	else if (exists(cfg_path))
		node = strdup(cfg_path);
	else
		node = which_node();
	if (!node)
		return err_set(e, "Node runtime not found; install Node or set "
				  "CODEX_JS_REPL_NODE_PATH");
	if (node_version_output(node, text, sizeof text, e) < 0)
		goto fail;
	if (js_repl_parse_node_version(text, strlen(text), &v) < 0) {
		text[strcspn(text, "\r\n")] = '\0';
		err_set(e, "failed to parse Node version output `%s`", text);
		goto fail;
	}
	if (!js_repl_node_version_ok(&v)) {
		err_set(e,
			"Node runtime too old for js_repl (resolved %s): found v%lu.%lu.%lu, "
			"requires >= v%d.%d.%d. Install/update Node or set js_repl_node_path to a "
			"newer runtime.",
			node, v.major, v.minor, v.patch, JS_REPL_MIN_NODE_MAJOR,
			JS_REPL_MIN_NODE_MINOR, JS_REPL_MIN_NODE_PATCH);
		goto fail;
	}
	*out = node;
	return 0;
fail:
	free(node);
	return -1;
}

char *js_repl_tmp_dir_new(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/codex-js-repl-XXXXXX", base) < 0)
		return NULL;
	if (!mkdtemp(path)) {
		free(path);
		return NULL;
	}
	return path;
}

void js_repl_tmp_dir_remove(const char *path)
{
	if (path)
		(void)plugins_remove_tree(path);
}
