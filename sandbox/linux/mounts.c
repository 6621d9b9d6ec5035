/* Applies the mount half of the plan, in init's new mount namespace (owned by the
 * sandbox's user namespace). Every call is checked and its error names the path.
 * Roots and protected paths are copied with open_tree and attached with move_mount
 * through file descriptors whose identity (device, inode) is compared with what the
 * launcher resolved, so a path swapped for a symlink in between is refused instead of
 * followed. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"

/* The device nodes of the minimal /dev, bound from the host's (a user namespace
 * cannot mknod them, and binds keep the host's device permissions). */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty",
					NULL};

static int same_identity(int fd, dev_t dev, ino_t ino)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	return st.st_dev == dev && st.st_ino == ino;
}

/* A detached copy of the mount tree at path, with attributes added. */
static int clone_tree(const char *path, bool follow, dev_t dev, ino_t ino, uint64_t set,
		      struct err *e)
{
	struct lx_mount_attr a = {set, 0, 0, 0};
	unsigned flags = LX_OPEN_TREE_CLONE | AT_RECURSIVE;
	int fd;

	if (!follow)
		flags |= AT_SYMLINK_NOFOLLOW;
	fd = lx_open_tree(AT_FDCWD, path, flags | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "cannot copy the mount at %s", path);
	if ((dev || ino) && !same_identity(fd, dev, ino)) {
		close(fd);
		return err_set(e, "cannot protect %s: it changed while the sandbox was being set up",
			       path);
	}
	if (set && lx_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0) {
		int saved = errno;
		close(fd);
		return err_sys(e, saved, "cannot set mount attributes on %s", path);
	}
	return fd;
}

/* mkdir -p inside our own /dev tmpfs, for a writable root that lives below /dev. */
static int make_mountpoint(const char *path, struct err *e)
{
	if (file_mkdir_parents(path, e) < 0)
		return -1;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return err_sys(e, errno, "cannot create the mount point %s", path);
	return 0;
}

static int attach(int tree, const struct lx_mount *src, struct err *e)
{
	const char *path = src->path;
	bool in_dev = path_is_under(path, "/dev") && strcmp(path, "/dev") != 0;
	int target, rc = -1;

	if (in_dev && make_mountpoint(path, e) < 0)
		return -1;
	target = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return err_sys(e, errno, "cannot open the mount point %s", path);
	if (!in_dev && !same_identity(target, src->dev, src->ino)) {
		err_set(e, "cannot mount over %s: it changed while the sandbox was being set up",
			path);
		goto out;
	}
	if (lx_move_mount(tree, "", target, "",
			  LX_MOVE_MOUNT_F_EMPTY_PATH | LX_MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		err_sys(e, errno, "cannot mount %s %s", path,
			src->kind == LX_MOUNT_PIN	 ? "onto itself"
			: src->kind == LX_MOUNT_CLONE_RW ? "read-write"
							 : "read-only");
		goto out;
	}
	rc = 0;
out:
	close(target);
	return rc;
}

static int mount_proc(struct err *e)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) == 0)
		return 0;
	/* The kernel refuses a new proc where the existing one is partly covered (as in
	 * some containers). The host's /proc, already read-only here, stays instead. */
	if (errno == EPERM) {
		fprintf(stderr, "codex: warning: cannot mount a fresh /proc (%s); the existing "
				"/proc stays visible, read-only\n", strerror(errno));
		return 0;
	}
	return err_sys(e, errno, "cannot mount /proc");
}

static int dev_symlink(const char *target, const char *path, struct err *e)
{
	if (symlink(target, path) < 0)
		return err_sys(e, errno, "cannot create %s", path);
	return 0;
}

static int mount_dev(struct err *e)
{
	int nodes[sizeof dev_nodes / sizeof dev_nodes[0]];
	char path[64];
	int rc = -1;
	size_t i;

	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		nodes[i] = -1;
	for (i = 0; dev_nodes[i]; i++) {
		/* The read-only view made them nodev with everything else: these few
		 * work again. */
		struct lx_mount_attr dev = {0, LX_MOUNT_ATTR_NODEV, 0, 0};
		snprintf(path, sizeof path, "/dev/%s", dev_nodes[i]);
		nodes[i] = lx_open_tree(AT_FDCWD, path, LX_OPEN_TREE_CLONE | O_CLOEXEC);
		if (nodes[i] < 0 && errno != ENOENT) {
			err_sys(e, errno, "cannot copy %s", path);
			goto out;
		}
		if (nodes[i] >= 0 && lx_mount_setattr(nodes[i], "", AT_EMPTY_PATH, &dev) < 0) {
			err_sys(e, errno, "cannot allow the device %s", path);
			goto out;
		}
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0) {
		err_sys(e, errno, "cannot mount a tmpfs on /dev");
		goto out;
	}
	for (i = 0; dev_nodes[i]; i++) {
		int fd;
		if (nodes[i] < 0)
			continue; /* the host has no such node: neither does the sandbox */
		snprintf(path, sizeof path, "/dev/%s", dev_nodes[i]);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0) {
			err_sys(e, errno, "cannot create %s", path);
			goto out;
		}
		close(fd);
		if (lx_move_mount(nodes[i], "", AT_FDCWD, path, LX_MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			err_sys(e, errno, "cannot bind %s", path);
			goto out;
		}
	}
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 0755) < 0 ||
	    chmod("/dev/shm", 01777) < 0) {
		err_sys(e, errno, "cannot create directories in /dev");
		goto out;
	}
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0) {
		err_sys(e, errno, "cannot mount /dev/pts");
		goto out;
	}
	if (dev_symlink("pts/ptmx", "/dev/ptmx", e) < 0 ||
	    dev_symlink("/proc/self/fd", "/dev/fd", e) < 0 ||
	    dev_symlink("/proc/self/fd/0", "/dev/stdin", e) < 0 ||
	    dev_symlink("/proc/self/fd/1", "/dev/stdout", e) < 0 ||
	    dev_symlink("/proc/self/fd/2", "/dev/stderr", e) < 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		if (nodes[i] >= 0)
			close(nodes[i]);
	return rc;
}

int lx_mounts_apply(const struct lx_plan *p, struct err *e)
{
	/* nodev too: a device node outside our /dev (a chroot's, a container's root file
	 * system) would open whatever the read-only mount, as a disk, and ioctls and
	 * writes reach it where Landlock is missing. */
	struct lx_mount_attr ro = {LX_MOUNT_ATTR_RDONLY | LX_MOUNT_ATTR_NOSUID |
					   LX_MOUNT_ATTR_NODEV, 0, 0, 0};
	int *trees = malloc((p->n_mounts + 1) * sizeof *trees);
	int rc = -1;
	size_t i;

	if (!trees)
		return err_set(e, "out of memory");
	for (i = 0; i < p->n_mounts; i++)
		trees[i] = -1;
	for (i = 0; i < p->n_mounts; i++) {
		const struct lx_mount *m = &p->mounts[i];
		switch (m->kind) {
		case LX_MOUNT_PRIVATE:
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
				err_sys(e, errno, "cannot make the mount tree private");
				goto out;
			}
			break;
		case LX_MOUNT_CLONE_RW:
			trees[i] = clone_tree(m->path, true, m->dev, m->ino,
					      LX_MOUNT_ATTR_NOSUID | LX_MOUNT_ATTR_NODEV, e);
			if (trees[i] < 0)
				goto out;
			break;
		case LX_MOUNT_CLONE_RO:
			trees[i] = clone_tree(m->path, false, m->dev, m->ino,
					      LX_MOUNT_ATTR_RDONLY | LX_MOUNT_ATTR_NOSUID |
						      LX_MOUNT_ATTR_NODEV, e);
			if (trees[i] < 0)
				goto out;
			break;
		case LX_MOUNT_CLONE_MASK:
			trees[i] = clone_tree("/dev/null", true, 0, 0, LX_MOUNT_ATTR_RDONLY, e);
			if (trees[i] < 0)
				goto out;
			break;
		case LX_MOUNT_READ_ONLY:
			if (lx_mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &ro) < 0) {
				err_sys(e, errno, "cannot make / read-only");
				goto out;
			}
			break;
		case LX_MOUNT_PROC:
			if (mount_proc(e) < 0)
				goto out;
			break;
		case LX_MOUNT_DEV:
			if (mount_dev(e) < 0)
				goto out;
			break;
		case LX_MOUNT_ATTACH:
			if (attach(trees[m->source], &p->mounts[m->source], e) < 0)
				goto out;
			close(trees[m->source]);
			trees[m->source] = -1;
			break;
		case LX_MOUNT_PIN:
			/* Copied from the view as it is now, the roots and protected paths
			 * below it included, with their attributes. */
			trees[i] = clone_tree(m->path, false, m->dev, m->ino, 0, e);
			if (trees[i] < 0 || attach(trees[i], m, e) < 0)
				goto out;
			close(trees[i]);
			trees[i] = -1;
			break;
		}
	}
	rc = 0;
out:
	for (i = 0; i < p->n_mounts; i++)
		if (trees[i] >= 0)
			close(trees[i]);
	free(trees);
	return rc;
}
