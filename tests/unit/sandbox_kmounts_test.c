/* Mounts of the kernel's interfaces inside writable roots: the mountinfo parser, and
 * which paths become protected. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

static const char sample[] =
	"22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
	"23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
	"24 22 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
	"25 24 0:23 / /sys/fs/cgroup rw shared:8 - cgroup2 cgroup2 rw\n"
	"26 22 0:24 / /tmp rw shared:2 - tmpfs tmpfs rw\n"
	"27 22 0:25 / /srv/build\\040dir/proc rw - proc proc rw\n"
	"28 22 0:25 / /srv/no-optional rw - sysfs sysfs rw\n"
	"29 22 0:26 /x /srv/a\\134b rw master:3 unbindable - devtmpfs udev rw\n"
	"30 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
	"garbage line without separator\n"
	"31 22 0:27 / relative rw - proc proc rw\n"
	"32 22 0:27 / /srv/fuse rw - fuse.sshfs host:/ rw"; /* no final newline */

TEST(kmounts_parse_types_escapes_and_junk)
{
	struct lx_mounts m;
	struct err e;

	REQUIRE(lx_mounts_parse(sample, sizeof sample - 1, &m, &e) == 0);
	REQUIRE(m.points.n == 10);
	CHECK_STR(m.points.v[0], "/");
	CHECK_INT(m.kinds[0], LX_FS_STORAGE);
	CHECK_STR(m.points.v[1], "/proc");
	CHECK_INT(m.kinds[1], LX_FS_KERNEL);
	CHECK_STR(m.points.v[3], "/sys/fs/cgroup");
	CHECK_INT(m.kinds[3], LX_FS_KERNEL);
	CHECK_STR(m.points.v[5], "/srv/build dir/proc");
	CHECK_STR(m.points.v[7], "/srv/a\\b");
	CHECK_INT(m.kinds[7], LX_FS_TERMINAL);
	CHECK_STR(m.points.v[9], "/srv/fuse");
	CHECK_INT(m.kinds[9], LX_FS_STORAGE);
	/* The file system a path lies on: the longest mount point above it. */
	CHECK_INT(lx_mounts_fs_of(&m, "/proc/sys/kernel"), LX_FS_KERNEL);
	CHECK_INT(lx_mounts_fs_of(&m, "/tmp/x"), LX_FS_STORAGE);
	CHECK_INT(lx_mounts_fs_of(&m, "/srv/a\\b/pts"), LX_FS_TERMINAL);
	CHECK_INT(lx_mounts_fs_of(&m, "/srv/build dir"), LX_FS_STORAGE);
	lx_mounts_free(&m);
}

TEST(kmounts_parse_every_prefix)
{
	/* Any cut of the text parses (maybe to fewer mounts) without reading past it. */
	for (size_t n = 0; n < sizeof sample; n++) {
		char *copy = malloc(n ? n : 1);
		struct lx_mounts m;
		struct err e;

		REQUIRE(copy);
		memcpy(copy, sample, n);
		CHECK(lx_mounts_parse(copy, n, &m, &e) == 0);
		CHECK(m.points.n <= 10);
		lx_mounts_free(&m);
		free(copy);
	}
}

TEST(kmounts_terminals_hidden_without_the_mount_view)
{
	static const char text[] =
		"1 0 0:1 / / rw - ext4 /dev/vda rw\n"
		"2 1 0:2 / /dev rw - tmpfs tmpfs rw\n"
		"3 2 0:3 / /dev/pts rw - devpts devpts rw\n"
		"4 1 0:3 / /srv/chroot/dev/pts rw - devpts devpts rw\n"
		"5 1 0:4 / /srv/chroot2/dev rw - devtmpfs udev rw\n"
		"6 1 0:3 / /srv/chroot/dev/pts rw - devpts devpts rw\n";
	struct lx_mounts m;
	struct strv hidden = STRV_INIT;
	struct err e;

	REQUIRE(lx_mounts_parse(text, sizeof text - 1, &m, &e) == 0);
	REQUIRE(lx_terminal_mounts(&m, &hidden, &e) == 0);
	REQUIRE(hidden.n == 3);
	CHECK_STR(hidden.v[0], "/dev");
	CHECK_STR(hidden.v[1], "/srv/chroot/dev/pts");
	CHECK_STR(hidden.v[2], "/srv/chroot2/dev");
	strv_free(&hidden);
	lx_mounts_free(&m);
}

static char *at(const char *base, const char *rel)
{
	char *p = malloc(PATH_MAX);

	snprintf(p, PATH_MAX, "%s/%s", base, rel);
	return p;
}

static const struct sandbox_protected *find(const struct sandbox_root *r, const char *path)
{
	for (size_t i = 0; i < r->n_prot; i++)
		if (strcmp(r->prot[i].path, path) == 0)
			return &r->prot[i];
	return NULL;
}

TEST(kmounts_protect_inside_roots_only)
{
	char *base = realpath(test_tmpdir(), NULL);
	char *ws = at(base, "ws"), *chroot = at(base, "ws/chroot"), *proc = at(base, "ws/chroot/proc");
	char *sys = at(base, "ws/chroot/sys"), *cg = at(base, "ws/chroot/sys/cg");
	char *other = at(base, "other/proc"), *kroot = at(base, "k"), *inside = at(base, "k/inside");
	char *mi = NULL;
	struct sandbox_roots roots = {calloc(2, sizeof(struct sandbox_root)), 2, 2, STRV_INIT};
	struct lx_mounts mounts;
	struct err e;
	size_t len = 0;
	FILE *f;

	REQUIRE(base && roots.v);
	const char *dirs[] = {ws, chroot, proc, sys, cg, kroot, inside};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		REQUIRE(mkdir(dirs[i], 0755) == 0);
	roots.v[0].path = strdup(ws);
	roots.v[1].path = strdup(inside); /* a root inside a kernel mount */
	f = open_memstream(&mi, &len);
	REQUIRE(f);
	fprintf(f, "1 0 0:1 / %s rw - proc proc rw\n", proc);
	fprintf(f, "2 0 0:2 / %s rw - sysfs sysfs rw\n", sys);
	fprintf(f, "3 2 0:3 / %s rw - cgroup2 cgroup2 rw\n", cg);
	fprintf(f, "4 0 0:4 / %s rw - proc proc rw\n", other);
	fprintf(f, "5 0 0:5 / %s rw - sysfs sysfs rw\n", kroot);
	fprintf(f, "6 0 0:6 / %s/tmp rw - tmpfs tmpfs rw\n", ws);
	fprintf(f, "7 0 0:7 / /proc rw - proc proc rw\n");
	fclose(f);
	REQUIRE(lx_mounts_parse(mi, len, &mounts, &e) == 0);
	REQUIRE(lx_protect_kernel_mounts(&roots, &mounts, true, &e) == 0);
	lx_mounts_free(&mounts);
	/* The proc and sys mounts in the workspace, and a pin on the directory leading to
	 * them; not the cgroup below sys (read-only with it), not what is outside every
	 * root, not /proc (the sandbox's own). */
	CHECK_INT(roots.v[0].n_prot, 3);
	CHECK(find(&roots.v[0], chroot) && find(&roots.v[0], chroot)->kind == SANDBOX_PROTECT_PIN);
	CHECK(find(&roots.v[0], proc) && find(&roots.v[0], proc)->kind == SANDBOX_PROTECT_EXISTING);
	CHECK(find(&roots.v[0], sys) && find(&roots.v[0], sys)->ino != 0);
	/* A root inside a kernel mount is read-only as a whole. */
	CHECK_INT(roots.v[1].n_prot, 1);
	CHECK(find(&roots.v[1], inside) != NULL);
	sandbox_roots_free(&roots);
	free(mi);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		free((char *)dirs[i]);
	free(other);
	free(base);
}

TEST(kmounts_parse_survives_allocation_failures)
{
	FOR_EACH_ALLOC_FAILURE(100, {
		struct lx_mounts m;
		struct err e;

		if (lx_mounts_parse(sample, sizeof sample - 1, &m, &e) == 0)
			CHECK_INT(m.points.n, 10);
		lx_mounts_free(&m);
	});
}

/* /proc and /dev are the sandbox's own with the mount view; without it (no user
 * namespaces) a root that holds them (-C /) must keep the host's read-only. */
TEST(kmounts_proc_and_dev_count_without_the_mount_view)
{
	static const char text[] = "1 0 0:1 / /proc rw - proc proc rw\n"
				   "2 0 0:2 / /dev/pts rw - devpts devpts rw\n"
				   "3 0 0:3 / /dev/shm rw - tmpfs tmpfs rw\n";
	struct lx_mounts m;
	struct err e;

	REQUIRE(lx_mounts_parse(text, sizeof text - 1, &m, &e) == 0);
	for (int view = 0; view <= 1; view++) {
		struct sandbox_roots roots = {calloc(1, sizeof(struct sandbox_root)), 1, 1, STRV_INIT};
		REQUIRE(roots.v);
		roots.v[0].path = strdup("/");
		REQUIRE(lx_protect_kernel_mounts(&roots, &m, view, &e) == 0);
		if (view) {
			CHECK_INT(roots.v[0].n_prot, 0);
		} else {
			CHECK_INT(roots.v[0].n_prot, 3); /* and a pin on /dev */
			CHECK(find(&roots.v[0], "/proc") != NULL);
			CHECK(find(&roots.v[0], "/dev/pts") != NULL);
			CHECK(find(&roots.v[0], "/dev") &&
			      find(&roots.v[0], "/dev")->kind == SANDBOX_PROTECT_PIN);
		}
		CHECK(!lx_root_protected_whole(&roots.v[0]));
		sandbox_roots_free(&roots);
	}
	lx_mounts_free(&m);
}
