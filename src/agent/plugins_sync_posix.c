/* The curated marketplace's sync (agent.h: agent_plugins_sync_curated), upstream's git
 * transport: ls-remote, a shallow clone beside the old checkout, checks, two renames.
 * Every git run has a deadline and its own process group (killed whole when late), and a
 * clone is watched for size while it runs, so a hostile or huge remote cannot fill the
 * disk or hang the sync. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/plugins.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/strv.h"

extern char **environ;

#define CURATED_DIR ".tmp/plugins"
#define CURATED_SHA_FILE ".tmp/plugins.sha"
#define CLONE_PREFIX "plugins-clone-"
#define BACKUP_PREFIX "plugins-backup-"
/* Upstream's: well above one sync, so another process's clone in progress is kept. */
#define STALE_TEMP_SECONDS (10 * 60)
#define GIT_OUT_MAX (64u * 1024)
#define GIT_ERR_MAX 2048u
#define TREE_MAX_DEPTH 64

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct tree_count {
	unsigned long long bytes;
	size_t files;
	bool other;             /* a symlink, device, fifo... */
};

/* Counts what is under path without following symlinks; stops early past the limits. */
static void tree_count(const char *path, int depth, struct tree_count *c)
{
	DIR *d;
	struct dirent *de;

	if (depth > TREE_MAX_DEPTH) {
		c->files = AGENT_CURATED_MAX_FILES + 1;
		return;
	}
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d)) && c->files <= AGENT_CURATED_MAX_FILES &&
	       c->bytes <= AGENT_CURATED_MAX_BYTES) {
		struct stat s;
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(p = path_join(path, de->d_name)))
			break;
		if (lstat(p, &s) == 0) {
			c->files++;
			if (S_ISDIR(s.st_mode))
				tree_count(p, depth + 1, c);
			else if (S_ISREG(s.st_mode))
				c->bytes += (unsigned long long)s.st_size;
			else
				c->other = true;
		}
		free(p);
	}
	closedir(d);
}

static bool tree_too_big(const struct tree_count *c)
{
	return c->files > AGENT_CURATED_MAX_FILES || c->bytes > AGENT_CURATED_MAX_BYTES;
}

/* Reads what is ready on *fd into b (kept up to cap, the rest drained); closes at EOF. */
static void drain(int *fd, struct buf *b, size_t cap)
{
	char chunk[4096];
	ssize_t r = read(*fd, chunk, sizeof chunk);

	if (r > 0) {
		if (b->len < cap)
			(void)!buf_append(b, chunk, (size_t)r < cap - b->len ? (size_t)r : cap - b->len);
		return;
	}
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

static void trim(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' ' ||
			  b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
}

/* Runs `git args...` (stdin /dev/null) with its stdout into out. While it runs, watch (if
 * not NULL) is measured against the size limits. -1 with "<what> failed ..." when it
 * cannot start, exits non-zero, runs late or grows too big. */
static int run_git(const char *const *args, const char *watch, struct buf *out,
		   const char *what, struct err *e)
{
	char *argv[16];
	struct strv env = STRV_INIT;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct buf errb;
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, status = 0, rc = -1;
	pid_t pid = -1;
	size_t n = 0;
	long long deadline = now_ms() + AGENT_CURATED_GIT_TIMEOUT_S * 1000LL, measured = 0;
	bool late = false, big = false;

	buf_init(&errb, GIT_ERR_MAX + 1);
	argv[n++] = "git";
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	/* No prompt for credentials (nobody could answer), no optional index locks. */
	for (size_t i = 0; environ && environ[i]; i++)
		if (strncmp(environ[i], "GIT_OPTIONAL_LOCKS=", 19) &&
		    strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) &&
		    strv_push(&env, environ[i]) < 0)
			goto out;
	if (strv_push(&env, "GIT_OPTIONAL_LOCKS=0") < 0 ||
	    strv_push(&env, "GIT_TERMINAL_PROMPT=0") < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		err_sys(e, errno, "failed to run %s", what);
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		err_set(e, "failed to run %s", what);
		goto out;
	}
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		err_set(e, "failed to run %s", what);
		goto out;
	}
	/* Its own process group: a late clone's helpers (git-remote-https, index-pack) die
	 * with it. */
	(void)posix_spawnattr_setpgroup(&at, 0);
	(void)posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	if (posix_spawn_file_actions_adddup2(&fa, po[1], 1) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, pe[1], 2) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawnp(&pid, "git", &fa, &at, argv, env.v) != 0) {
		pid = -1;
		err_set(e, "failed to run %s: git could not be started", what);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (pid < 0)
		goto out;
	while (po[0] >= 0 || pe[0] >= 0) {
		struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		long long left = deadline - now_ms();
		int r;
		if (left <= 0) {
			late = true;
			break;
		}
		r = poll(p, 2, left < 250 ? (int)left : 250);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && po[0] >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			drain(&po[0], out, GIT_OUT_MAX);
		if (r > 0 && pe[0] >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			drain(&pe[0], &errb, GIT_ERR_MAX);
		/* Measured four times a second at most: a walk of a big checkout costs. */
		if (watch && now_ms() - measured >= 250) {
			struct tree_count c = {0, 0, false};
			tree_count(watch, 0, &c);
			measured = now_ms();
			if ((big = tree_too_big(&c)))
				break;
		}
	}
	if (late || big)
		(void)kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (late || big)
		(void)kill(-pid, SIGKILL); /* helpers that outlived git */
	trim(&errb);
	if (late)
		err_set(e, "%s timed out after %ds", what, AGENT_CURATED_GIT_TIMEOUT_S);
	else if (big)
		err_set(e, "%s stopped: the repository is larger than %llu bytes or %d files",
			what, AGENT_CURATED_MAX_BYTES, AGENT_CURATED_MAX_FILES);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		err_set(e, "%s failed with status %d%s%s", what,
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			errb.len ? ": " : "", errb.len ? errb.data : "");
	else
		rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	buf_free(&errb);
	strv_free(&env);
	return rc;
}

static int head_sha(const char *repo, char sha[PLUGIN_SHA_MAX + 1], struct err *e)
{
	const char *args[] = {"-C", repo, "rev-parse", "HEAD", NULL};
	struct buf out;
	int rc = -1;

	buf_init(&out, GIT_OUT_MAX + 1);
	if (run_git(args, NULL, &out, "git rev-parse HEAD", e) == 0) {
		if (plugin_sha_parse(out.data ? out.data : "", out.len, sha) == 0)
			rc = 0;
		else
			err_set(e, "git rev-parse HEAD returned no commit id in %s", repo);
	}
	buf_free(&out);
	return rc;
}

static bool is_dir(const char *p)
{
	struct stat s;

	return lstat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* The commit id checked out now: the checkout's HEAD, else the sha file (upstream's
 * order); "" when neither says. */
static void local_sha(const char *repo, const char *sha_path, char sha[PLUGIN_SHA_MAX + 1])
{
	struct err ignored = {0};
	struct buf b;
	char *git = path_join(repo, ".git");
	bool has_git = git && is_dir(git);

	free(git);
	sha[0] = '\0';
	if (has_git && head_sha(repo, sha, &ignored) == 0)
		return;
	buf_init(&b, PLUGIN_SHA_TEXT_MAX);
	if (file_read_regular(sha_path, &b, &ignored) < 0 ||
	    plugin_sha_parse(b.data ? b.data : "", b.len, sha) < 0)
		sha[0] = '\0';
	buf_free(&b);
}

/* Clone and backup folders another process left behind when it died mid-sync. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat s;
		char *p;
		if (strncmp(de->d_name, CLONE_PREFIX, strlen(CLONE_PREFIX)) &&
		    strncmp(de->d_name, BACKUP_PREFIX, strlen(BACKUP_PREFIX)))
			continue;
		if (!(p = path_join(parent, de->d_name)))
			break;
		if (lstat(p, &s) == 0 && S_ISDIR(s.st_mode) && now - s.st_mtime >= STALE_TEMP_SECONDS)
			(void)plugins_remove_tree(p);
		free(p);
	}
	closedir(d);
}

/* Moves staged to repo; the previous checkout goes aside first and comes back when the
 * second rename fails. */
static int activate(const char *parent, const char *repo, const char *staged, struct err *e)
{
	char *backup, *old = NULL;
	int rc = -1;

	if (!is_dir(repo)) {
		if (rename(staged, repo) < 0)
			return err_sys(e, errno, "failed to activate curated plugins repo at %s",
				       repo);
		return 0;
	}
	if (asprintf(&backup, "%s/" BACKUP_PREFIX "XXXXXX", parent) < 0)
		return err_set(e, "out of memory");
	if (!mkdtemp(backup)) {
		err_sys(e, errno, "failed to create curated plugins backup directory in %s", parent);
		goto out;
	}
	if (!(old = path_join(backup, "repo"))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (rename(repo, old) < 0) {
		err_sys(e, errno, "failed to move previous curated plugins repo out of the way at %s",
			repo);
		goto out;
	}
	if (rename(staged, repo) < 0) {
		int why = errno;
		if (rename(old, repo) < 0) {
			err_sys(e, why, "failed to activate new curated plugins repo at %s (the "
				"previous one is left at %s)", repo, old);
			free(old);
			free(backup);
			return -1;
		}
		err_sys(e, why, "failed to activate new curated plugins repo at %s", repo);
		goto out;
	}
	rc = 0;
out:
	(void)plugins_remove_tree(backup);
	free(old);
	free(backup);
	return rc;
}

/* The paths a sync works with, under CODEX_HOME. */
struct sync_paths {
	char *repo, *sha_path, *parent;
};

/* A fresh clone folder beside the checkout (stale ones removed first). */
static char *make_staged(const struct sync_paths *p, struct err *e)
{
	char *staged;

	if (file_mkdir_parents(p->repo, e) < 0)
		return NULL;
	remove_stale(p->parent);
	if (asprintf(&staged, "%s/" CLONE_PREFIX "XXXXXX", p->parent) < 0) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (!mkdtemp(staged)) {
		err_sys(e, errno, "failed to create temporary curated plugins directory in %s",
			p->parent);
		free(staged);
		return NULL;
	}
	return staged;
}

/* The steps after a clone or an unpacked archive in staged: checks, the two renames,
 * the sha file. staged is gone afterwards (moved or removed). */
static int finish(const struct sync_paths *p, const char *staged, const char *sha,
		  bool *changed, struct err *e)
{
	char *marker = NULL, line[PLUGIN_SHA_MAX + 2];
	struct stat s;
	struct tree_count c = {0, 0, false};
	int rc = -1;

	if (!(marker = path_join(staged, ".agents/plugins/marketplace.json")) ||
	    lstat(marker, &s) < 0 || !S_ISREG(s.st_mode)) {
		err_set(e, "curated plugins archive missing marketplace manifest at %s",
			marker ? marker : "");
		goto out;
	}
	tree_count(staged, 0, &c);
	if (tree_too_big(&c)) {
		err_set(e, "curated plugins repo is larger than %llu bytes or %d files",
			AGENT_CURATED_MAX_BYTES, AGENT_CURATED_MAX_FILES);
		goto out;
	}
	if (c.other) {
		err_set(e, "curated plugins repo holds a file that is neither a regular file "
			"nor a directory");
		goto out;
	}
	if (activate(p->parent, p->repo, staged, e) < 0)
		goto out;
	*changed = true;
	snprintf(line, sizeof line, "%s\n", sha);
	if (file_write_atomic(p->sha_path, line, strlen(line), 0644, e) < 0) {
		char why[sizeof e->msg];
		snprintf(why, sizeof why, "%s", e->msg);
		err_set(e, "failed to write curated plugins sha file %s: %s", p->sha_path, why);
		free(marker);
		return -1;
	}
	rc = 0;
out:
	if (rc < 0 && !*changed)
		(void)plugins_remove_tree(staged);
	free(marker);
	return rc;
}

static int sync_git(const struct sync_paths *p, const char *url, char sha[65], bool *changed,
		    struct err *e)
{
	char *staged = NULL, *git = NULL, have[PLUGIN_SHA_MAX + 1], cloned[PLUGIN_SHA_MAX + 1];
	struct buf out;
	int rc = -1;

	buf_init(&out, GIT_OUT_MAX + 1);
	{
		const char *args[] = {"ls-remote", "--", url, "HEAD", NULL};
		if (run_git(args, NULL, &out, "git ls-remote curated plugins repo", e) < 0)
			goto out;
		if (!out.len) {
			err_set(e, "git ls-remote returned empty output for curated plugins repo");
			goto out;
		}
		if (plugin_sha_parse(out.data, out.len, sha) < 0) {
			err_set(e, "unexpected git ls-remote output for curated plugins repo");
			goto out;
		}
	}
	local_sha(p->repo, p->sha_path, have);
	git = path_join(p->repo, ".git");
	if (git && strcmp(have, sha) == 0 && is_dir(git)) {
		rc = 0;
		goto out;
	}
	if (!(staged = make_staged(p, e)))
		goto out;
	{
		/* Symlinks come out as plain files holding the link text: nothing in the
		 * checkout can point outside it. */
		const char *args[] = {"clone", "--quiet", "--depth", "1", "--no-tags",
				      "--config", "core.symlinks=false", "--", url, staged, NULL};
		if (run_git(args, staged, &out, "git clone curated plugins repo", e) < 0)
			goto out;
	}
	if (head_sha(staged, cloned, e) < 0)
		goto out;
	if (strcmp(cloned, sha) != 0) {
		err_set(e, "curated plugins clone HEAD mismatch: expected %s, got %s", sha, cloned);
		goto out;
	}
	rc = finish(p, staged, sha, changed, e);
	free(staged);
	staged = NULL;
out:
	if (staged)
		(void)plugins_remove_tree(staged);
	buf_free(&out);
	free(staged);
	free(git);
	return rc;
}

/* Upstream's HTTP transport: the default branch's commit from the API; its tarball
 * unless that commit is checked out already (by the sha file, as upstream: an archive
 * has no .git). */
static int sync_http(const struct sync_paths *p, const char *api, char sha[65], bool *changed,
		     struct err *e)
{
	char *staged, have[PLUGIN_SHA_MAX + 1];
	struct buf b;
	struct err ignored = {0};
	int rc;

	if (plugins_http_remote_sha(api, sha, e) < 0)
		return -1;
	buf_init(&b, PLUGIN_SHA_TEXT_MAX);
	if (file_read_regular(p->sha_path, &b, &ignored) < 0 ||
	    plugin_sha_parse(b.data ? b.data : "", b.len, have) < 0)
		have[0] = '\0';
	buf_free(&b);
	if (strcmp(have, sha) == 0 && is_dir(p->repo))
		return 0;
	if (!(staged = make_staged(p, e)))
		return -1;
	if (plugins_http_fetch_tree(api, sha, staged, e) < 0) {
		(void)plugins_remove_tree(staged);
		free(staged);
		return -1;
	}
	rc = finish(p, staged, sha, changed, e);
	free(staged);
	return rc;
}

/* One sync at a time: the TUI and every `codex exec` start one, and two would race for
 * the same renames. The lock is on the .tmp folder itself (no file of its own left
 * behind) and goes with the process (flock), however it ends. */
static int sync_lock(const struct sync_paths *p, struct err *e)
{
	int fd;

	if (file_mkdir_parents(p->repo, e) < 0)
		return -1;
	fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "cannot open %s", p->parent);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			err_set(e, "another curated plugins sync is under way");
		else
			err_sys(e, errno, "cannot lock %s", p->parent);
		close(fd);
		return -1;
	}
	return fd;
}

int agent_plugins_sync_curated(const char *codex_home, const char *url, char sha[65],
			       bool *changed, struct err *e)
{
	struct sync_paths p = {path_join(codex_home, CURATED_DIR),
			       path_join(codex_home, CURATED_SHA_FILE),
			       path_join(codex_home, ".tmp")};
	const char *api = agent_curated_plugins_api_url(url);
	char git_err[sizeof e->msg];
	int rc = -1, lock = -1;

	*changed = false;
	sha[0] = '\0';
	if (!p.repo || !p.sha_path || !p.parent) {
		err_set(e, "out of memory");
		goto out;
	}
	if ((lock = sync_lock(&p, e)) < 0)
		goto out;
	if ((rc = sync_git(&p, url, sha, changed, e)) == 0 || !api || *changed)
		goto out;
	/* git is missing or failed: upstream falls back to GitHub's HTTP API */
	snprintf(git_err, sizeof git_err, "%s", e->msg);
	sha[0] = '\0';
	if ((rc = sync_http(&p, api, sha, changed, e)) < 0) {
		char http_err[sizeof e->msg];
		snprintf(http_err, sizeof http_err, "%s", e->msg);
		err_set(e, "%s; the HTTP fallback failed too: %s", git_err, http_err);
	}
out:
	if (lock >= 0)
		close(lock);
	free(p.repo);
	free(p.sha_path);
	free(p.parent);
	return rc;
}
