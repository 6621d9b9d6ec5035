/* The x-codex-turn-metadata header upstream 0.118 sends with every request of a turn
 * (reference codex-0.118-wire.md, observed):
 *
 *   {"session_id":<thread>,"turn_id":<uuid>,
 *    "workspaces":{"<repo root>":{"associated_remote_urls":{"origin":"..."},
 *                                 "latest_git_commit_hash":"<sha>","has_changes":false}},
 *    "sandbox":"seccomp"}
 *
 * "workspaces" is left out outside a git repository; the remote map and the commit hash
 * when there are none; "sandbox" is "none" when commands run without one. Built once
 * per turn: two git commands, each bounded by GIT_INFO_TIMEOUT_MS, so a huge or broken
 * repository costs at most that and loses only the field it could not get. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/internal.h"
#include "base/file.h"

#define GIT_INFO_TIMEOUT_MS 2000
#define GIT_INFO_MAX_OUTPUT (256u * 1024)

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
	struct buf out;
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
static void git_collect(struct git_run *runs, size_t n, int *rc)
{
	uint64_t deadline = now_ms() + GIT_INFO_TIMEOUT_MS;

	for (;;) {
		struct pollfd pfd[2];
		size_t m = 0, idx[2];
		uint64_t t = now_ms();
		int r;

		for (size_t i = 0; i < n && m < 2; i++)
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
			if (got <= 0 || buf_append(&g->out, chunk, (size_t)got) < 0) {
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

char *git_repo_root(const char *cwd)
{
	char *d = strdup(cwd);

	while (d) {
		char *g = path_join(d, ".git");
		char *slash;
		int ex = g ? file_exists(g) : -1;

		free(g);
		if (ex == 1)
			return d;
		slash = strrchr(d, '/');
		if (!slash || slash == d) {
			if (strcmp(d, "/") == 0)
				break;
			d[1] = '\0'; /* try "/" last */
			continue;
		}
		*slash = '\0';
	}
	free(d);
	return NULL;
}

/* `git remote -v` lines: "name\turl (fetch)"; the fetch URLs by name. */
cJSON *git_remotes_json(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	const char *line = text;

	while (o && line && *line) {
		const char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
		const char *end = nl ? nl : line + strlen(line), *sp;
		if (tab && tab < end && (sp = memchr(tab, ' ', (size_t)(end - tab))) &&
		    (size_t)(end - sp) >= 8 && memcmp(sp, " (fetch)", 8) == 0) {
			char *name = strndup(line, (size_t)(tab - line));
			char *url = strndup(tab + 1, (size_t)(sp - tab - 1));
			if (name && url && !cJSON_GetObjectItemCaseSensitive(o, name))
				cJSON_AddStringToObject(o, name, url);
			free(name);
			free(url);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (o && !o->child) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* `git status --porcelain=v2 --branch`: "# branch.oid <sha>" ("(initial)" before the
 * first commit), then one line a changed or untracked path. */
void git_status_fields(const char *text, char **sha, bool *changes)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len > 13 && memcmp(line, "# branch.oid ", 13) == 0) {
			if (len - 13 == 40)
				*sha = strndup(line + 13, 40);
		} else if (len > 0 && line[0] != '#') {
			*changes = true;
		}
		line = nl ? nl + 1 : NULL;
	}
}

static cJSON *workspace_json(const char *root)
{
	static const char *const status_args[] = {"status", "--porcelain=v2", "--branch",
						  "--untracked-files=normal", NULL};
	static const char *const remote_args[] = {"remote", "-v", NULL};
	struct git_run runs[2];
	cJSON *w = cJSON_CreateObject(), *remotes = NULL;
	char *sha = NULL;
	bool changes = false, have_status;
	int rc[2];

	if (!w)
		return NULL;
	/* Both at once: the turn's first request waits for them. */
	for (int i = 0; i < 2; i++) {
		buf_init(&runs[i].out, GIT_INFO_MAX_OUTPUT);
		runs[i].eof = false;
		(void)git_spawn(root, i == 0 ? remote_args : status_args, &runs[i]);
	}
	git_collect(runs, 2, rc);
	if (rc[0] == 0 && buf_putc(&runs[0].out, '\0') == 0)
		remotes = git_remotes_json(runs[0].out.data);
	have_status = rc[1] == 0 && buf_putc(&runs[1].out, '\0') == 0;
	if (have_status)
		git_status_fields(runs[1].out.data, &sha, &changes);
	buf_free(&runs[0].out);
	buf_free(&runs[1].out);
	if (remotes)
		cJSON_AddItemToObject(w, "associated_remote_urls", remotes);
	if (sha)
		cJSON_AddStringToObject(w, "latest_git_commit_hash", sha);
	free(sha);
	if (have_status)
		cJSON_AddBoolToObject(w, "has_changes", changes);
	return w;
}

char *turn_metadata_json(const struct agent *a, const char *turn_id)
{
	cJSON *o = cJSON_CreateObject();
	char *root = git_repo_root(a->cwd), *s = NULL;
	bool sandboxed = a->policy.type != SANDBOX_MODE_DANGER_FULL_ACCESS;

	if (!o || !cJSON_AddStringToObject(o, "session_id", a->thread_id) ||
	    !cJSON_AddStringToObject(o, "turn_id", turn_id))
		goto out;
	if (root) {
		cJSON *ws = cJSON_AddObjectToObject(o, "workspaces"), *w = workspace_json(root);
		if (!ws || !w) {
			cJSON_Delete(w);
			goto out;
		}
		cJSON_AddItemToObject(ws, root, w);
	}
	if (cJSON_AddStringToObject(o, "sandbox", sandboxed ? "seccomp" : "none"))
		s = cJSON_PrintUnformatted(o);
out:
	free(root);
	cJSON_Delete(o);
	return s;
}
