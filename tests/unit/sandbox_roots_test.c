#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "test.h"

/* Longer than the longest pointer file roots.c reads (4096 bytes). */
#define GITDIR_TEST_BIG 5000

static char paths[16][PATH_MAX];
static int next_path;

/* A path below the case's directory (canonical: the tmpdir may sit behind a symlink). */
static const char *at(const char *rel)
{
	char *p = paths[next_path++ % 16];
	char *base = realpath(test_tmpdir(), NULL);

	snprintf(p, PATH_MAX, "%s%s%s", base, rel[0] ? "/" : "", rel);
	free(base);
	return p;
}

static void mkdirs(const char *rel)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof buf, "%s/", at(rel));
	for (char *s = strchr(buf + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(buf, 0755);
		*s = '/';
	}
}

static const struct sandbox_root *find_root(const struct sandbox_roots *r, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, path) == 0)
			return &r->v[i];
	return NULL;
}

static const struct sandbox_protected *find_prot(const struct sandbox_root *root,
						 const char *path)
{
	for (size_t i = 0; root && i < root->n_prot; i++)
		if (strcmp(root->prot[i].path, path) == 0)
			return &root->prot[i];
	return NULL;
}

static void workspace_policy(struct sandbox_policy *p)
{
	sandbox_policy_init(p, SANDBOX_MODE_WORKSPACE_WRITE);
	p->exclude_slash_tmp = true;
	p->exclude_tmpdir_env_var = true;
}

TEST(roots_order_and_skips)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;

	mkdirs("ws");
	mkdirs("extra");
	mkdirs("tmpdir");
	sandbox_policy_init(&p, SANDBOX_MODE_WORKSPACE_WRITE);
	REQUIRE(strv_push(&p.writable_roots, at("extra")) == 0);
	REQUIRE(strv_push(&p.writable_roots, at("missing")) == 0);
	REQUIRE(strv_push(&p.writable_roots, at("ws")) == 0); /* cwd again: kept once */
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), at("tmpdir"), &r, &e) == 0);
	REQUIRE(r.n == 4);
	CHECK_STR(r.v[0].path, at("extra"));
	CHECK_STR(r.v[1].path, at("ws"));
	CHECK_STR(r.v[2].path, "/tmp");
	CHECK_STR(r.v[3].path, at("tmpdir"));
	sandbox_roots_free(&r);

	/* Excluded, relative and missing temp dirs are not roots. */
	p.exclude_slash_tmp = true;
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), "relative/tmp", &r, &e) == 0);
	CHECK_INT(r.n, 2);
	sandbox_roots_free(&r);
	p.exclude_tmpdir_env_var = true;
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), at("tmpdir"), &r, &e) == 0);
	CHECK_INT(r.n, 2);
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_none_for_read_only_and_full_access)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;

	mkdirs("ws/.git");
	sandbox_policy_init(&p, SANDBOX_MODE_READ_ONLY);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), "/tmp", &r, &e) == 0);
	CHECK_INT(r.n, 0);
	sandbox_roots_free(&r);
	p.type = SANDBOX_MODE_DANGER_FULL_ACCESS;
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), "/tmp", &r, &e) == 0);
	CHECK_INT(r.n, 0);
	sandbox_roots_free(&r);
}

TEST(roots_symlinked_root_is_resolved)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;

	mkdirs("real/ws");
	REQUIRE(symlink(at("real"), at("link")) == 0);
	workspace_policy(&p);
	REQUIRE(strv_push(&p.writable_roots, at("link")) == 0);
	mkdirs("cwd");
	REQUIRE(sandbox_resolve_roots(&p, at("cwd"), NULL, &r, &e) == 0);
	REQUIRE(r.n == 2);
	CHECK_STR(r.v[0].path, at("real"));
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_protect_git_agents_codex)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *ws, *other;

	mkdirs("ws/.git/hooks");
	mkdirs("ws/.agents");
	mkdirs("other/.codex");
	mkdirs("other/.git");
	workspace_policy(&p);
	REQUIRE(strv_push(&p.writable_roots, at("other")) == 0);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	ws = find_root(&r, at("ws"));
	other = find_root(&r, at("other"));
	REQUIRE(ws && other);
	CHECK_INT(ws->n_prot, 3);
	CHECK(find_prot(ws, at("ws/.git")) && find_prot(ws, at("ws/.git"))->kind ==
						      SANDBOX_PROTECT_EXISTING);
	CHECK(find_prot(ws, at("ws/.agents")) != NULL);
	/* .codex is protected in the cwd even when missing... */
	CHECK(find_prot(ws, at("ws/.codex")) &&
	      find_prot(ws, at("ws/.codex"))->kind == SANDBOX_PROTECT_MISSING);
	/* ...and elsewhere only when it exists. */
	CHECK_INT(other->n_prot, 2);
	CHECK(find_prot(other, at("other/.codex")) != NULL);
	CHECK(find_prot(other, at("other/.agents")) == NULL);
	{
		struct stat st;
		REQUIRE(stat(at("ws/.git"), &st) == 0);
		CHECK(find_prot(ws, at("ws/.git"))->ino == st.st_ino);
	}
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_gitdir_file_target_is_protected)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *ws;
	char line[PATH_MAX + 16];

	mkdirs("ws/repos/main.git/worktrees/wt");
	mkdirs("ws/wt");
	test_write_file("ws/wt/.git", "gitdir: ../repos/main.git/worktrees/wt\n");
	mkdirs("elsewhere/sub.git");
	snprintf(line, sizeof line, "gitdir: %s\r\n", at("elsewhere/sub.git"));
	mkdirs("ws/sub");
	test_write_file("ws/sub/.git", line);
	workspace_policy(&p);
	REQUIRE(strv_push(&p.writable_roots, at("ws/wt")) == 0);
	REQUIRE(strv_push(&p.writable_roots, at("ws/sub")) == 0);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	ws = find_root(&r, at("ws"));
	REQUIRE(ws);
	/* The relative pointer resolves against the root holding the .git file, and the
	 * target is attached to the root that contains it. */
	CHECK(find_prot(ws, at("ws/repos/main.git/worktrees/wt")) != NULL);
	/* A target outside every root is read-only already. */
	for (size_t i = 0; i < r.n; i++)
		CHECK(find_prot(&r.v[i], at("elsewhere/sub.git")) == NULL);
	CHECK(find_prot(find_root(&r, at("ws/wt")), at("ws/wt/.git")) != NULL);
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_worktree_common_dir_and_pins)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *ws;
	const struct sandbox_protected *pr;

	/* A linked worktree's git directory deep in the workspace, naming the shared
	 * repository (config, hooks) in its commondir file. */
	mkdirs("ws/store/main.git/worktrees/wt");
	test_write_file("ws/store/main.git/worktrees/wt/commondir", "../..\n");
	test_write_file("ws/.git", "gitdir: store/main.git/worktrees/wt\n");
	workspace_policy(&p);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	ws = find_root(&r, at("ws"));
	REQUIRE(ws);
	CHECK(find_prot(ws, at("ws/store/main.git/worktrees/wt")) != NULL);
	pr = find_prot(ws, at("ws/store/main.git"));
	CHECK(pr && pr->kind == SANDBOX_PROTECT_EXISTING);
	/* The one directory on the way that is not protected already is pinned, with its
	 * identity; nothing below a protected path and not the root itself. */
	pr = find_prot(ws, at("ws/store"));
	CHECK(pr && pr->kind == SANDBOX_PROTECT_PIN && pr->ino != 0);
	CHECK(find_prot(ws, at("ws/store/main.git/worktrees")) == NULL);
	CHECK(find_prot(ws, at("ws")) == NULL);
	CHECK_INT(ws->n_prot, 5); /* .git, .codex, the target, the common dir, the pin */
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_git_directory_with_commondir)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *ws;

	mkdirs("ws/.git");
	mkdirs("ws/a/b/shared.git");
	test_write_file("ws/.git/commondir", "../a/b/shared.git");
	workspace_policy(&p);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	ws = find_root(&r, at("ws"));
	REQUIRE(ws);
	CHECK(find_prot(ws, at("ws/a/b/shared.git")) != NULL);
	CHECK(find_prot(ws, at("ws/a")) && find_prot(ws, at("ws/a"))->kind == SANDBOX_PROTECT_PIN);
	CHECK(find_prot(ws, at("ws/a/b")) &&
	      find_prot(ws, at("ws/a/b"))->kind == SANDBOX_PROTECT_PIN);
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_bad_gitdir_file_is_only_itself)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;

	mkdirs("ws");
	test_write_file("ws/.git", "not a pointer\n");
	workspace_policy(&p);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	REQUIRE(r.n == 1);
	CHECK_INT(r.v[0].n_prot, 2); /* .git itself and the missing .codex */
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_symlinked_protected_name)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *ws;

	mkdirs("ws/decoy");
	REQUIRE(symlink("decoy", at("ws/.codex")) == 0);
	workspace_policy(&p);
	REQUIRE(sandbox_resolve_roots(&p, at("ws"), NULL, &r, &e) == 0);
	ws = find_root(&r, at("ws"));
	REQUIRE(ws);
	/* The link itself must stay (SYMLINK), and what it points to is read-only too. */
	CHECK(find_prot(ws, at("ws/.codex")) &&
	      find_prot(ws, at("ws/.codex"))->kind == SANDBOX_PROTECT_SYMLINK);
	CHECK(find_prot(ws, at("ws/decoy")) &&
	      find_prot(ws, at("ws/decoy"))->kind == SANDBOX_PROTECT_EXISTING);
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_cwd_errors)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;

	workspace_policy(&p);
	CHECK(sandbox_resolve_roots(&p, "relative", NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "absolute");
	CHECK(sandbox_resolve_roots(&p, at("nope"), NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "No such file or directory");
	test_write_file("file", "x");
	CHECK(sandbox_resolve_roots(&p, at("file"), NULL, &r, &e) < 0);
	CHECK_CONTAINS(e.msg, "Not a directory");
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}

TEST(roots_survive_allocation_failures)
{
	mkdirs("ws/.git");
	mkdirs("ws/decoy");
	REQUIRE(symlink("decoy", at("ws/.agents")) == 0);
	test_write_file("ws2/.git", "gitdir: ../ws/decoy/deep\n");
	mkdirs("ws/decoy/deep");
	test_write_file("ws/decoy/deep/commondir", "..");
	char ws[PATH_MAX], ws2[PATH_MAX];
	snprintf(ws, sizeof ws, "%s", at("ws"));
	snprintf(ws2, sizeof ws2, "%s", at("ws2"));
	FOR_EACH_ALLOC_FAILURE(400, {
		struct sandbox_policy p;
		struct sandbox_roots r;
		struct err e;

		memset(&r, 0, sizeof r);
		workspace_policy(&p);
		if (strv_push(&p.writable_roots, ws2) == 0 &&
		    sandbox_resolve_roots(&p, ws, NULL, &r, &e) == 0)
			CHECK_INT(r.n, 2);
		sandbox_roots_free(&r);
		sandbox_policy_free(&p);
	});
}

/* Pointer files lie in writable roots, where a command may plant anything in place of
 * one: a FIFO (which would hang every later run), a symlink to a terminal or to stdin
 * (which would swallow typed input), an endless or huge file. Each is ignored with a
 * warning, without blocking; the rest of the resolution goes on. Bounded: a hang fails
 * the case instead of the suite. */
static void resolve_in_child(const char *cwd, int *warnings, int *n_prot)
{
	int fds[2], out[2] = {-1, -1}, status;
	pid_t pid;

	REQUIRE(pipe(fds) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct sandbox_policy p;
		struct sandbox_roots r;
		struct err e;
		workspace_policy(&p);
		if (sandbox_resolve_roots(&p, cwd, NULL, &r, &e) == 0 && r.n == 1) {
			out[0] = (int)r.warnings.n;
			out[1] = (int)r.v[0].n_prot;
		}
		(void)!write(fds[1], out, sizeof out);
		_exit(0);
	}
	close(fds[1]);
	if (test_wait_child(pid, 10, &status) == 0)
		CHECK(read(fds[0], out, sizeof out) == (ssize_t)sizeof out);
	close(fds[0]);
	*warnings = out[0];
	*n_prot = out[1];
}

TEST(roots_hostile_pointer_files_are_ignored_without_blocking)
{
	char path[PATH_MAX], big[GITDIR_TEST_BIG];
	int warnings, n_prot;

	/* A git directory whose commondir is a FIFO. */
	mkdirs("fifo/.git");
	snprintf(path, sizeof path, "%s", at("fifo/.git/commondir"));
	REQUIRE(mkfifo(path, 0600) == 0);
	resolve_in_child(at("fifo"), &warnings, &n_prot);
	CHECK_INT(warnings, 1);
	CHECK_INT(n_prot, 2); /* .git and the missing .codex */

	/* A symlink to a valid-looking pointer, and one to a terminal. */
	mkdirs("link/.git");
	mkdirs("link/shared.git");
	test_write_file("link/pointer", "../shared.git\n");
	snprintf(path, sizeof path, "%s", at("link/.git/commondir"));
	REQUIRE(symlink("../pointer", path) == 0);
	resolve_in_child(at("link"), &warnings, &n_prot);
	CHECK_INT(warnings, 1);
	CHECK_INT(n_prot, 2);
	mkdirs("tty");
	snprintf(path, sizeof path, "%s", at("tty/.git"));
	REQUIRE(symlink("/dev/tty", path) == 0);
	resolve_in_child(at("tty"), &warnings, &n_prot);
	CHECK_INT(warnings, 0); /* a symlinked .git is protected as the link itself */
	CHECK_INT(n_prot, 2);

	/* A .git file longer than any pointer. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "gitdir: ", 8);
	mkdirs("big");
	test_write_file("big/.git", big);
	resolve_in_child(at("big"), &warnings, &n_prot);
	CHECK_INT(warnings, 1);
	CHECK_INT(n_prot, 2);

	/* A .git file that is a directory's commondir pointing at a FIFO's place: the
	 * .git FILE case goes through the same reader. */
	mkdirs("gfifo");
	snprintf(path, sizeof path, "%s", at("gfifo/.git"));
	REQUIRE(mkfifo(path, 0600) == 0);
	resolve_in_child(at("gfifo"), &warnings, &n_prot);
	CHECK_INT(warnings, 0); /* not a file: protected as it is, never read */
	CHECK_INT(n_prot, 2);
}

/* The workspace below another root, with directories in between: each of them is pinned
 * (in the outer root), as is the way to another nested root; nothing on the way to a
 * root that is the outer root's direct child, and no root itself. */
TEST(roots_pin_the_way_to_nested_roots)
{
	struct sandbox_policy p;
	struct sandbox_roots r;
	struct err e;
	const struct sandbox_root *shared, *ws;
	const struct sandbox_protected *pr;

	mkdirs("shared/a/b/ws/.git");
	mkdirs("shared/x/lib");
	mkdirs("shared/direct");
	workspace_policy(&p);
	REQUIRE(strv_push(&p.writable_roots, at("shared")) == 0);
	REQUIRE(strv_push(&p.writable_roots, at("shared/x/lib")) == 0);
	REQUIRE(strv_push(&p.writable_roots, at("shared/direct")) == 0);
	REQUIRE(sandbox_resolve_roots(&p, at("shared/a/b/ws"), NULL, &r, &e) == 0);
	shared = find_root(&r, at("shared"));
	ws = find_root(&r, at("shared/a/b/ws"));
	REQUIRE(shared && ws);
	pr = find_prot(shared, at("shared/a"));
	CHECK(pr && pr->kind == SANDBOX_PROTECT_PIN && pr->ino != 0);
	pr = find_prot(shared, at("shared/a/b"));
	CHECK(pr && pr->kind == SANDBOX_PROTECT_PIN);
	pr = find_prot(shared, at("shared/x"));
	CHECK(pr && pr->kind == SANDBOX_PROTECT_PIN);
	CHECK_INT(shared->n_prot, 3);
	CHECK(find_prot(shared, at("shared/direct")) == NULL);
	CHECK(find_prot(shared, at("shared/a/b/ws")) == NULL);
	CHECK_INT(ws->n_prot, 2); /* .git and the missing .codex: nothing between */
	sandbox_roots_free(&r);
	sandbox_policy_free(&p);
}
