/* The host's mounts, and the kernel's interfaces among them. A writable root is copied
 * with everything mounted below it, so a chroot with /proc and /sys mounted (as package
 * build tools make them) would bring the host's procfs and sysfs into the sandbox
 * writable: root inside writes sysctls as the host's root (kernel.core_pattern runs a
 * program as root outside at the next crash) and sysfs attributes. Without user
 * namespaces the same holds for a root that simply contains /proc (-C /, --add-dir
 * /proc). Writable roots are about files; these stay read-only: each is added as a
 * protected path (the topmost of them only; a protected path is read-only with
 * everything below it), and a root that lies on one (-C /proc/sys/kernel) is protected
 * whole, which makes it no writable root at all. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/vec.h"

/* Mount points kept: the mountinfo text is capped (LIMIT_SANDBOX_MOUNTINFO_BYTES, some
 * 100 thousand lines of ~150 bytes), and so is this. */
#define LX_MOUNTS_MAX (LIMIT_SANDBOX_MOUNTINFO_BYTES / 64)

/* File systems that are interfaces to the kernel rather than storage for files. */
static const char *const kernel_fs[] = {
	"proc",	    "sysfs",	  "cgroup",	"cgroup2",    "debugfs",  "tracefs",
	"securityfs", "configfs", "efivarfs",	"bpf",	      "pstore",	  "binfmt_misc",
	"fusectl",  "selinuxfs",  "smackfs",	"nfsd",	      "rpc_pipefs", "mqueue",
	NULL,
};
/* ... and those that hold terminals (and other devices). */
static const char *const terminal_fs[] = {"devpts", "devtmpfs", NULL};

static bool in_list(const char *const *list, const char *type)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(type, list[i]) == 0)
			return true;
	return false;
}

static enum lx_fs_kind kind_of(const char *type)
{
	if (in_list(terminal_fs, type))
		return LX_FS_TERMINAL;
	if (in_list(kernel_fs, type))
		return LX_FS_KERNEL;
	return LX_FS_STORAGE;
}

static bool is_kernel(enum lx_fs_kind k)
{
	switch (k) {
	case LX_FS_STORAGE:
		return false;
	case LX_FS_KERNEL:
	case LX_FS_TERMINAL:
		return true;
	}
	return true;
}

/* The n-th space-separated field of line (which ends at NUL), or NULL. */
static const char *field(const char *line, int n, size_t *len)
{
	const char *p = line;

	for (int i = 0; i < n; i++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	*len = strcspn(p, " ");
	return p;
}

/* Undoes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134
 * backslash) into out (at least len + 1 bytes). */
static void unescape(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

void lx_mounts_free(struct lx_mounts *m)
{
	strv_free(&m->points);
	free(m->kinds);
	m->kinds = NULL;
	m->cap_kinds = 0;
}

static int add_point(struct lx_mounts *m, const char *p, size_t plen, enum lx_fs_kind kind)
{
	enum lx_fs_kind *k = vec_grow(m->kinds, &m->cap_kinds, m->points.n, sizeof *k,
				      LX_MOUNTS_MAX);
	char *point = malloc(plen + 1);

	if (k)
		m->kinds = k;
	if (!k || !point) {
		free(point);
		return -1;
	}
	unescape(p, plen, point);
	m->kinds[m->points.n] = kind;
	return strv_take(&m->points, point);
}

int lx_mounts_parse(const char *text, size_t size, struct lx_mounts *out, struct err *e)
{
	const char *end = text + size;

	memset(out, 0, sizeof *out);
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line), plen, tlen;
		char *copy = strndup(line, n), *sep;
		const char *p, *t;
		int rc = 0;

		line += n + 1;
		if (!copy) {
			lx_mounts_free(out);
			return err_set(e, "out of memory");
		}
		/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE ..." */
		sep = strstr(copy, " - ");
		p = field(copy, 4, &plen);
		if (sep && p && p < sep && p[0] == '/') {
			*sep = '\0';
			t = field(sep + 3, 0, &tlen);
			sep[3 + tlen] = '\0';
			rc = add_point(out, p, plen, kind_of(t));
		}
		free(copy);
		if (rc < 0) {
			lx_mounts_free(out);
			return err_set(e, errno == E2BIG ? "more than %d mounts" : "out of memory",
				       LX_MOUNTS_MAX);
		}
	}
	return 0;
}

int lx_mounts_read(struct lx_mounts *out, struct err *e)
{
	struct buf b;
	int rc;

	memset(out, 0, sizeof *out);
	buf_init(&b, LIMIT_SANDBOX_MOUNTINFO_BYTES);
	if (file_read_all("/proc/self/mountinfo", &b, e) < 0) {
		buf_free(&b);
		return err_prefix(e, "cannot list the mounts inside the writable roots");
	}
	rc = lx_mounts_parse(b.data ? b.data : "", b.len, out, e);
	buf_free(&b);
	return rc;
}

enum lx_fs_kind lx_mounts_fs_of(const struct lx_mounts *m, const char *path)
{
	size_t best = 0;
	bool found = false;

	/* The longest mount point above path; at equal length the last mounted (on top). */
	for (size_t i = 0; i < m->points.n; i++)
		if (path_is_under(path, m->points.v[i]) &&
		    (!found || strlen(m->points.v[i]) >= strlen(m->points.v[best]))) {
			best = i;
			found = true;
		}
	return found ? m->kinds[best] : LX_FS_STORAGE;
}

/* Whether mount i lies below another kernel mount (read-only with it already). */
static bool below_kernel_mount(const struct lx_mounts *m, size_t i)
{
	for (size_t j = 0; j < m->points.n; j++)
		if (is_kernel(m->kinds[j]) && strcmp(m->points.v[j], m->points.v[i]) != 0 &&
		    path_is_under(m->points.v[i], m->points.v[j]))
			return true;
	return false;
}

int lx_protect_kernel_mounts(struct sandbox_roots *roots, const struct lx_mounts *m,
			     bool own_proc_dev, struct err *e)
{
	/* A root on a kernel file system, first (its kernel mounts need nothing then). */
	for (size_t r = 0; r < roots->n; r++)
		if (is_kernel(lx_mounts_fs_of(m, roots->v[r].path)) &&
		    sandbox_roots_protect(roots, roots->v[r].path, e) < 0)
			return -1;
	for (size_t i = 0; i < m->points.n; i++) {
		const char *km = m->points.v[i];

		if (!is_kernel(m->kinds[i]) || below_kernel_mount(m, i))
			continue;
		/* With the mount view, /proc and /dev are the sandbox's own (a fresh procfs, a
		 * tmpfs): nothing mounted there on the host is in the view. */
		if (own_proc_dev && (path_is_under(km, "/proc") || path_is_under(km, "/dev")))
			continue;
		for (size_t r = 0; r < roots->n; r++)
			if (strcmp(km, roots->v[r].path) != 0 && path_is_under(km, roots->v[r].path) &&
			    sandbox_roots_protect(roots, km, e) < 0)
				return -1;
	}
	return 0;
}

int lx_terminal_mounts(const struct lx_mounts *m, struct strv *out, struct err *e)
{
	if (strv_push(out, "/dev") < 0)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < m->points.n; i++) {
		const char *p = m->points.v[i];
		if (m->kinds[i] == LX_FS_TERMINAL && !path_is_under(p, "/dev") &&
		    strv_find(out, p) < 0 && strv_push(out, p) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

bool lx_root_protected_whole(const struct sandbox_root *r)
{
	for (size_t i = 0; i < r->n_prot; i++)
		if (r->prot[i].kind == SANDBOX_PROTECT_EXISTING && strcmp(r->prot[i].path, r->path) == 0)
			return true;
	return false;
}
