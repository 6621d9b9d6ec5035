/* Writable roots and the read-only sub-paths protected inside them. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/vec.h"

const char *const sandbox_protected_names[] = {".git", ".agents", ".codex", NULL};

/* A `.git` file holds one line "gitdir: <path>"; anything longer is not one. */
#define GITDIR_FILE_MAX 4096

void sandbox_roots_free(struct sandbox_roots *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = 0; j < r->v[i].n_prot; j++)
			free(r->v[i].prot[j].path);
		free(r->v[i].prot);
		free(r->v[i].path);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
	strv_free(&r->warnings);
}

/* Adds the canonical form of path as a root unless it is missing (skipped, as
 * upstream does: a root that does not exist cannot be bound) or already there. */
static int add_root(struct sandbox_roots *r, const char *path, struct err *e)
{
	struct sandbox_root *v;
	struct stat st;
	char *canon = realpath(path, NULL);

	if (!canon) {
		if (errno == ENOMEM)
			return err_set(e, "out of memory");
		return 0; /* missing or unreachable: the command could not write there either */
	}
	if (stat(canon, &st) < 0) {
		free(canon);
		return 0;
	}
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, canon) == 0) {
			free(canon);
			return 0;
		}
	v = vec_grow(r->v, &r->cap, r->n, sizeof *v, LIMIT_SANDBOX_ROOTS);
	if (!v) {
		free(canon);
		return vec_fail(e, "writable roots", LIMIT_SANDBOX_ROOTS);
	}
	r->v = v;
	memset(&v[r->n], 0, sizeof v[r->n]);
	v[r->n].path = canon;
	v[r->n].dev = st.st_dev;
	v[r->n].ino = st.st_ino;
	r->n++;
	return 0;
}

static int has_protected(const struct sandbox_root *root, const char *path)
{
	for (size_t i = 0; i < root->n_prot; i++)
		if (strcmp(root->prot[i].path, path) == 0)
			return 1;
	return 0;
}

/* Takes ownership of path. */
static int add_protected(struct sandbox_root *root, char *path, enum sandbox_protect_kind kind,
			 const struct stat *st, struct err *e)
{
	struct sandbox_protected *v;

	if (!path)
		return err_set(e, "out of memory");
	if (has_protected(root, path)) {
		free(path);
		return 0;
	}
	v = vec_grow(root->prot, &root->cap_prot, root->n_prot, sizeof *v,
		     LIMIT_SANDBOX_PROTECTED_PER_ROOT);
	if (!v) {
		free(path);
		return vec_fail(e, "protected paths in one writable root",
				LIMIT_SANDBOX_PROTECTED_PER_ROOT);
	}
	root->prot = v;
	v[root->n_prot].path = path;
	v[root->n_prot].kind = kind;
	v[root->n_prot].dev = st ? st->st_dev : 0;
	v[root->n_prot].ino = st ? st->st_ino : 0;
	root->n_prot++;
	return 0;
}

/* The directory a git pointer file names, canonical, in *out: a `.git` file holds
 * "gitdir: <path>" (relative to the workspace root), a git directory's `commondir` file
 * "<path>" (relative to the git directory; prefix ""). NULL when the file does not hold
 * a valid pointer to an existing path (upstream only logs that case). The file lies in
 * a writable root, where a command may have planted anything: it is read only if it
 * is a regular file of sane size (file_read_regular: no symlink followed, no FIFO or
 * device opened); anything else is ignored with a warning in r. -1 only when memory
 * runs out: a target we could not compute must not go unprotected. */
static int pointer_target(struct sandbox_roots *r, const char *base, const char *file,
			  const char *prefix, char **out, struct err *e)
{
	struct buf b;
	struct err why;
	char *line, *nl, *joined = NULL;
	int rc = 0;

	*out = NULL;
	buf_init(&b, GITDIR_FILE_MAX);
	if (file_read_regular(file, &b, &why) < 0) {
		/* Missing is the usual case (most git directories have no commondir). */
		if (why.errnum != ENOENT && why.errnum != ENOTDIR &&
		    strv_pushf(&r->warnings, "ignoring %s: %s", file, why.msg) < 0)
			rc = err_set(e, "out of memory");
		goto out;
	}
	if (!b.data)
		goto out; /* empty */
	line = b.data;
	if (strncmp(line, prefix, strlen(prefix)) != 0)
		goto out;
	line += strlen(prefix);
	while (*line == ' ' || *line == '\t')
		line++;
	nl = strpbrk(line, "\r\n");
	if (nl)
		*nl = '\0';
	if (!*line)
		goto out;
	joined = path_join(base, line);
	if (joined)
		*out = realpath(joined, NULL);
	if (!joined || (!*out && errno == ENOMEM))
		rc = err_set(e, "out of memory");
out:
	free(joined);
	buf_free(&b);
	return rc;
}

/* Paths that must be protected wherever they are: gitdir targets and symlink targets.
 * They are attached to the deepest root containing them once every root is known. */
struct extra {
	char **v;
	size_t n, cap;
};

/* Each lands in some root's protected list, which has its own ceiling. */
#define EXTRA_MAX ((size_t)LIMIT_SANDBOX_ROOTS * LIMIT_SANDBOX_PROTECTED_PER_ROOT)

static int extra_add(struct extra *x, char *path, struct err *e)
{
	char **v;

	if (!path)
		return 0;
	v = vec_grow(x->v, &x->cap, x->n, sizeof *v, EXTRA_MAX);
	if (!v) {
		free(path);
		return vec_fail(e, "gitdir and symlink targets to protect", EXTRA_MAX);
	}
	x->v = v;
	x->v[x->n++] = path;
	return 0;
}

/* A linked worktree's git directory keeps HEAD and its index; config, hooks and objects
 * are in the repository it names in `commondir`. That one is what a hook or a
 * core.fsmonitor written into would run from, so it is protected as well. */
static int add_commondir(struct sandbox_roots *r, struct extra *x, const char *gitdir,
			 struct err *e)
{
	char *file = path_join(gitdir, "commondir"), *target;
	int rc;

	if (!file)
		return err_set(e, "out of memory");
	rc = pointer_target(r, gitdir, file, "", &target, e);
	free(file);
	return rc < 0 ? -1 : extra_add(x, target, e);
}

static int scan_root(struct sandbox_roots *r, struct sandbox_root *root, int is_cwd_root,
		     struct extra *x, struct err *e)
{
	struct stat st;

	for (size_t i = 0; sandbox_protected_names[i]; i++) {
		const char *name = sandbox_protected_names[i];
		char *path = path_join(root->path, name);

		if (!path)
			return err_set(e, "out of memory");
		if (lstat(path, &st) < 0) {
			int missing = errno == ENOENT;
			/* Upstream S1/S2: .codex in the cwd is protected even when missing, so
			 * a first-time `mkdir .codex` cannot happen inside the sandbox. */
			if (missing && is_cwd_root && strcmp(name, ".codex") == 0) {
				if (add_protected(root, path, SANDBOX_PROTECT_MISSING, NULL, e) < 0)
					return -1;
				continue;
			}
			free(path);
			continue; /* missing, or unreachable to us and so to the command */
		}
		if (S_ISLNK(st.st_mode)) {
			char *target = realpath(path, NULL); /* NULL: dangling, nothing to add */
			int rc = !target && errno == ENOMEM ? err_set(e, "out of memory") : 0;
			if (rc == 0 && target && strcmp(name, ".git") == 0)
				rc = add_commondir(r, x, target, e);
			if (rc < 0)
				free(target);
			if (rc < 0 || extra_add(x, target, e) < 0) {
				free(path);
				return -1;
			}
			if (add_protected(root, path, SANDBOX_PROTECT_SYMLINK, &st, e) < 0)
				return -1;
			continue;
		}
		if (strcmp(name, ".git") == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
			/* A file points to the git directory; a directory is one. */
			char *target = NULL;
			int rc = S_ISREG(st.st_mode)
					 ? pointer_target(r, root->path, path, "gitdir:", &target, e)
					 : 0;
			if (rc == 0 && (target || S_ISDIR(st.st_mode)))
				rc = add_commondir(r, x, target ? target : path, e);
			if (rc < 0)
				free(target);
			if (rc < 0 || extra_add(x, target, e) < 0) {
				free(path);
				return -1;
			}
		}
		if (add_protected(root, path, SANDBOX_PROTECT_EXISTING, &st, e) < 0)
			return -1;
	}
	return 0;
}

/* Attaches a target to the deepest root containing it; outside every root it is
 * read-only already and needs nothing. */
static int attach_extra(struct sandbox_roots *r, const char *target, struct err *e)
{
	struct sandbox_root *best = NULL;
	struct stat st;

	for (size_t i = 0; i < r->n; i++)
		if (path_is_under(target, r->v[i].path) &&
		    (!best || strlen(r->v[i].path) > strlen(best->path)))
			best = &r->v[i];
	if (!best || strcmp(best->path, target) == 0 || lstat(target, &st) < 0)
		return 0;
	return add_protected(best, strdup(target), SANDBOX_PROTECT_EXISTING, &st, e);
}


/* Whether path needs no pin: it is a root (a mount point already), or a protected
 * path or below one (read-only: nothing in it can be renamed). */
static bool pin_needless(const struct sandbox_roots *r, const char *path)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].path, path) == 0)
			return true;
		for (size_t j = 0; j < r->v[i].n_prot; j++)
			if (r->v[i].prot[j].kind != SANDBOX_PROTECT_PIN &&
			    path_is_under(path, r->v[i].prot[j].path))
				return true;
	}
	return false;
}

/* The deepest root containing path, or NULL. */
static struct sandbox_root *deepest_root(struct sandbox_roots *r, const char *path)
{
	struct sandbox_root *best = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (path_is_under(path, r->v[i].path) &&
		    (!best || strlen(r->v[i].path) > strlen(best->path)))
			best = &r->v[i];
	return best;
}

/* Pins every directory strictly between the outermost root containing `what` and
 * `what` itself (see pin_ancestors). */
static int pin_way_to(struct sandbox_roots *r, const char *what, struct err *e)
{
	const char *top = NULL;
	char *p = strdup(what);
	int rc = 0;

	if (!p)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, what) != 0 && path_is_under(what, r->v[i].path) &&
		    (!top || strlen(r->v[i].path) < strlen(top)))
			top = r->v[i].path;
	for (size_t k = top ? strlen(top) + 1 : strlen(p); p[k] && rc == 0; k++) {
		struct sandbox_root *owner;
		struct stat st;
		char *dir;

		if (p[k] != '/')
			continue;
		if (!(dir = strndup(p, k))) {
			rc = err_set(e, "out of memory");
			break;
		}
		owner = deepest_root(r, dir);
		if (!owner || pin_needless(r, dir) || has_protected(owner, dir) ||
		    lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(dir);
			continue;
		}
		rc = add_protected(owner, dir, SANDBOX_PROTECT_PIN, &st, e);
	}
	free(p);
	return rc;
}

/* What a root protects is found by path: a protected path (a .git, a gitdir target, a
 * commondir, a kernel mount) and a root nested in another (the workspace below /tmp, with
 * its missing .codex). Renaming, swapping or removing any directory on the way from the
 * outermost root above it would take that along (the mounts move with their directory)
 * and free its path for a directory of the command's, on the real disk, where the
 * pointer files or the next run find it. So each directory strictly between the
 * outermost root containing such a path and the path itself becomes a PIN: a mount point
 * of its own in the view, which can be neither renamed nor removed and stays writable.
 * (Roots are mount points already, protected paths read-only.) */
static int pin_ancestors(struct sandbox_roots *r, struct err *e)
{
	for (size_t i = 0; i < r->n; i++) {
		if (pin_way_to(r, r->v[i].path, e) < 0)
			return -1;
		/* Pins are appended while we go: the count read each time covers them,
		 * and a pin's own way is pinned already. */
		for (size_t j = 0; j < r->v[i].n_prot; j++) {
			char *what;
			int rc;

			if (r->v[i].prot[j].kind == SANDBOX_PROTECT_PIN)
				continue;
			/* A copy: adding pins moves the array. */
			if (!(what = strdup(r->v[i].prot[j].path)))
				return err_set(e, "out of memory");
			rc = pin_way_to(r, what, e);
			free(what);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}


int sandbox_roots_protect(struct sandbox_roots *r, const char *path, struct err *e)
{
	struct sandbox_root *best = deepest_root(r, path);
	struct stat st;

	if (!best || lstat(path, &st) < 0)
		return 0;
	if (add_protected(best, strdup(path), SANDBOX_PROTECT_EXISTING, &st, e) < 0)
		return -1;
	return pin_way_to(r, path, e);
}

int sandbox_resolve_roots(const struct sandbox_policy *p, const char *cwd, const char *tmpdir,
			  struct sandbox_roots *out, struct err *e)
{
	struct extra x = {NULL, 0, 0};
	struct stat st;
	char *canon_cwd = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!cwd || cwd[0] != '/')
		return err_set(e, "the working directory must be an absolute path");
	canon_cwd = realpath(cwd, NULL);
	if (!canon_cwd || stat(canon_cwd, &st) < 0) {
		err_sys(e, errno, "cannot use %s as the working directory", cwd);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_sys(e, ENOTDIR, "cannot use %s as the working directory", cwd);
		goto out;
	}
	if (p->type != SANDBOX_MODE_WORKSPACE_WRITE) {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < p->writable_roots.n; i++)
		if (add_root(out, p->writable_roots.v[i], e) < 0)
			goto out;
	if (add_root(out, canon_cwd, e) < 0)
		goto out;
	if (!p->exclude_slash_tmp && stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) &&
	    add_root(out, "/tmp", e) < 0)
		goto out;
	/* Upstream takes $TMPDIR only when set, non-empty and absolute. */
	if (!p->exclude_tmpdir_env_var && tmpdir && tmpdir[0] == '/' &&
	    add_root(out, tmpdir, e) < 0)
		goto out;
	for (size_t i = 0; i < out->n; i++) {
		if (stat(out->v[i].path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (scan_root(out, &out->v[i], strcmp(out->v[i].path, canon_cwd) == 0, &x, e) < 0)
			goto out;
	}
	for (size_t i = 0; i < x.n; i++)
		if (attach_extra(out, x.v[i], e) < 0)
			goto out;
	if (pin_ancestors(out, e) < 0)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < x.n; i++)
		free(x.v[i]);
	free(x.v);
	free(canon_cwd);
	return rc;
}
