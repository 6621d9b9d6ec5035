/* The process cap of a run: a fork bomb inside must stay inside. Everything the
 * launcher forks from the moment the cap is set counts: init, the command, everything
 * below (threads too: each is a task with a pid).
 *
 * - Any user but root: RLIMIT_NPROC. With user namespaces the kernel counts a user's
 *   processes per user namespace, and the launcher is in a fresh one, so the limit
 *   counts the sandbox's processes only. Without, it counts all the user's processes
 *   on the host: the limit is the number they have now plus the cap.
 * - root: the kernel ignores RLIMIT_NPROC for the host's root (in any user namespace),
 *   so a pids cgroup of the run's own: a child of the launcher's cgroup (cgroup v1) or
 *   a sibling of it (v2, whose parent then delegates "pids"), named after the launcher,
 *   with pids.max = the cap; the launcher moves itself in, and back out at the end, then
 *   removes it. One left by a launcher killed with SIGKILL (whose pid is gone) is
 *   removed by the next run there. Where no such cgroup can be made (a container with a
 *   read-only cgroupfs), the run goes on uncapped with a warning.
 * Neither can be undone inside: the command cannot raise a hard limit (that needs
 * CAP_SYS_RESOURCE in the host's user namespace) nor write the cgroup file system
 * (read-only in the view; Landlock; kernel file systems are never writable roots). */
#include "sandbox/linux/linux_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"

#define CGROUP_PREFIX "codex-sandbox."

/* ---- RLIMIT_NPROC ---- */

/* The tasks (threads included) whose real uid is uid, from /proc. */
static long tasks_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	long n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[64], text[2048], *u, *t;
		ssize_t got;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/status", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue; /* gone meanwhile */
		got = read(fd, text, sizeof text - 1);
		close(fd);
		if (got <= 0)
			continue;
		text[got] = '\0';
		u = strstr(text, "\nUid:\t");
		t = strstr(text, "\nThreads:\t");
		if (u && t && strtoul(u + 6, NULL, 10) == (unsigned long)uid)
			n += strtol(t + 10, NULL, 10);
	}
	closedir(d);
	return n;
}

static int cap_rlimit(unsigned max, bool userns, struct err *e)
{
	struct rlimit rl;
	long have = 0;

	if (!userns && (have = tasks_of(getuid())) < 0)
		return err_sys(e, errno, "cannot count the processes of uid %u", (unsigned)getuid());
	if (getrlimit(RLIMIT_NPROC, &rl) < 0)
		return err_sys(e, errno, "cannot read the process limit");
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= (rlim_t)have + max)
		return 0; /* a lower limit is in force already */
	rl.rlim_cur = rl.rlim_max = (rlim_t)have + max;
	if (setrlimit(RLIMIT_NPROC, &rl) < 0)
		return err_sys(e, errno, "cannot limit the number of processes");
	return 0;
}

/* ---- the pids cgroup ---- */

/* Where the pids controller is mounted for this process, and its cgroup there:
 * *mount and *self owned, *v2 whether it is the unified hierarchy. */
static int find_pids_cgroup(char **mount, char **self, bool *v2, struct err *e)
{
	struct buf mi, cg;
	char *line, *next;
	int rc = -1;

	*mount = *self = NULL;
	buf_init(&mi, LIMIT_SANDBOX_MOUNTINFO_BYTES);
	buf_init(&cg, 64 * 1024);
	if (file_read_all("/proc/self/cgroup", &cg, e) < 0 ||
	    file_read_all("/proc/self/mountinfo", &mi, e) < 0 || !cg.data || !mi.data)
		goto out;
	/* v1: "N:pids:/path" (the controller may share a hierarchy: "N:cpu,pids:/p");
	 * v2: "0::/path". v1's pids wins where both exist (it is the one in force). */
	for (line = cg.data; line && *line; line = next) {
		char *ctl = strchr(line, ':'), *path;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		ctl++;
		if (*ctl == '\0' && !*self) {
			*v2 = true;
			*self = strdup(path);
		} else if (strcmp(ctl, "pids") == 0 || strstr(ctl, ",pids") ||
			   strncmp(ctl, "pids,", 5) == 0) {
			*v2 = false;
			free(*self);
			*self = strdup(path);
			break;
		}
	}
	if (!*self) {
		err_set(e, "no pids cgroup controller");
		goto out;
	}
	/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS ... - TYPE SOURCE SUPER_OPTIONS" */
	for (line = mi.data; line && *line && !*mount; line = next) {
		char *sep = strstr(line, " - "), *point = line, *opts;
		int i;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!sep)
			continue;
		for (i = 0; i < 4 && point; i++)
			if ((point = strchr(point, ' ')))
				point++;
		if (!point || strcspn(point, " ") == 0 || strncmp(point, "/", 1) != 0)
			continue;
		point[strcspn(point, " ")] = '\0';
		opts = strrchr(sep + 3, ' ');
		if (*v2 ? strncmp(sep + 3, "cgroup2 ", 8) == 0
			: strncmp(sep + 3, "cgroup ", 7) == 0 && opts &&
				  (strstr(opts, ",pids") || strstr(opts, " pids")))
			*mount = strdup(point);
	}
	if (!*mount)
		err_set(e, "the pids cgroup controller is not mounted");
	else
		rc = 0;
out:
	buf_free(&mi);
	buf_free(&cg);
	if (rc < 0) {
		free(*mount);
		free(*self);
		*mount = *self = NULL;
	}
	return rc;
}

static int write_text(const char *dir, const char *file, const char *text, struct err *e)
{
	char *path = path_join(dir, file);
	int fd, rc = 0;

	if (!path)
		return err_set(e, "out of memory");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || fd_write_all(fd, text, strlen(text)) < 0)
		rc = err_sys(e, errno, "cannot write %s", path);
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* Removes the cgroups of launchers that are gone (empty ones only: rmdir). */
static void sweep(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end, *path;
		long pid;

		if (strncmp(de->d_name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(CGROUP_PREFIX), &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((path = path_join(parent, de->d_name))) {
			(void)rmdir(path); /* EBUSY: something still runs in it */
			free(path);
		}
	}
	closedir(d);
}

/* The parent directory of a cgroup path (within the mount). */
static char *parent_of(const char *path)
{
	char *p = strdup(path), *slash;

	if (p && (slash = strrchr(p, '/')))
		slash[slash == p ? 1 : 0] = '\0';
	return p;
}

static int cap_cgroup(struct lx_cap *c, unsigned max, struct err *e)
{
	char *mount = NULL, *self = NULL, *under = NULL, *parent = NULL, name[64], num[32];
	bool v2 = false;
	int rc = -1;

	if (find_pids_cgroup(&mount, &self, &v2, e) < 0)
		return -1;
	/* v2 allows processes only in leaves: the run's cgroup is a sibling of ours. */
	under = v2 ? parent_of(self) : strdup(self);
	parent = under ? path_join(mount, under[1] ? under + 1 : "") : NULL;
	c->home = path_join(mount, self[1] ? self + 1 : "");
	snprintf(name, sizeof name, CGROUP_PREFIX "%ld", (long)getpid());
	if (!parent || !c->home || !(c->cgroup = path_join(parent, name))) {
		err_set(e, "out of memory");
		goto out;
	}
	sweep(parent);
	/* EEXIST: one left by a launcher that had our pid; it is ours now. */
	if (mkdir(c->cgroup, 0755) < 0 && errno != EEXIST) {
		err_sys(e, errno, "cannot create the cgroup %s", c->cgroup);
		free(c->cgroup);
		c->cgroup = NULL;
		goto out;
	}
	snprintf(num, sizeof num, "%u", max);
	if (write_text(c->cgroup, "pids.max", num, e) < 0 ||
	    write_text(c->cgroup, "cgroup.procs", "0", e) < 0) {
		(void)rmdir(c->cgroup);
		free(c->cgroup);
		c->cgroup = NULL;
		goto out;
	}
	rc = 0;
out:
	free(mount);
	free(self);
	free(under);
	free(parent);
	return rc;
}

int lx_cap_processes(struct lx_cap *c, unsigned max, bool userns, enum lx_cap_stage stage,
		     struct err *e)
{
	if (max == 0)
		return 0;
	if (getuid() != 0) {
		/* After unshare: counted in the new user namespace. */
		if (stage == LX_CAP_AFTER_UNSHARE)
			return cap_rlimit(max, userns, e);
		return 0;
	}
	/* Before unshare: the host's root may still create and join cgroups. */
	if (stage == LX_CAP_BEFORE_UNSHARE && cap_cgroup(c, max, e) < 0) {
		fprintf(stderr, "codex: warning: cannot cap the sandbox's processes (%s); "
				"sandbox_max_processes is not enforced\n", e->msg);
		err_clear(e);
	}
	return 0;
}

void lx_cap_release(struct lx_cap *c)
{
	if (c->cgroup) {
		struct err e;
		char pid[32];

		snprintf(pid, sizeof pid, "%ld", (long)getpid());
		/* Out of it first: a cgroup with a process in it cannot be removed. What the
		 * command left running is gone by now (the pid namespace, or the kill). */
		if (c->home && write_text(c->home, "cgroup.procs", pid, &e) == 0)
			(void)rmdir(c->cgroup); /* EBUSY: a straggler; the next run sweeps it */
		free(c->cgroup);
		c->cgroup = NULL;
	}
	free(c->home);
	c->home = NULL;
}
