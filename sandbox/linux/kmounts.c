/* Mounts of the kernel's interfaces inside writable roots. A writable root is copied
 * with everything mounted below it, so a chroot with /proc and /sys mounted (as
 * package build tools make them) would bring the host's procfs and sysfs into the
 * sandbox writable: root inside writes sysctls as the host's root (kernel.core_pattern
 * runs a program as root outside at the next crash) and sysfs attributes. Writable
 * roots are about files; these stay read-only: each is added as a protected path (the
 * topmost of them only; a protected path is read-only with everything below it), and
 * a root that is itself inside one is protected whole. */
#include "sandbox/linux/linux_sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"

/* File systems that are interfaces to the kernel rather than storage for files. */
static const char *const kernel_fs[] = {
	"proc",	    "sysfs",	  "devtmpfs", "cgroup",	    "cgroup2",	   "debugfs",
	"tracefs",  "securityfs", "configfs", "efivarfs",   "bpf",	   "pstore",
	"binfmt_misc", "fusectl", "selinuxfs", "smackfs",   "nfsd",	   "rpc_pipefs",
	NULL,
};

static bool is_kernel_fs(const char *type)
{
	for (size_t i = 0; kernel_fs[i]; i++)
		if (strcmp(type, kernel_fs[i]) == 0)
			return true;
	return false;
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

int lx_kernel_mounts_parse(const char *text, size_t size, struct strv *out, struct err *e)
{
	const char *end = text + size;

	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line), plen, tlen;
		char *copy = strndup(line, n), *point = NULL, *sep;
		const char *p, *t;
		int rc = 0;

		line += n + 1;
		if (!copy)
			return err_set(e, "out of memory");
		/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE ..." */
		sep = strstr(copy, " - ");
		p = field(copy, 4, &plen);
		if (sep && p && p < sep && p[0] == '/') {
			*sep = '\0';
			t = field(sep + 3, 0, &tlen);
			sep[3 + tlen] = '\0';
			if (is_kernel_fs(t) && (point = malloc(plen + 1))) {
				unescape(p, plen, point);
				rc = strv_find(out, point) >= 0 ? 0 : strv_push(out, point);
			} else if (is_kernel_fs(t)) {
				rc = -1;
			}
		}
		free(point);
		free(copy);
		if (rc < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

int lx_protect_kernel_mounts(struct sandbox_roots *roots, const char *mountinfo, size_t size,
			     struct err *e)
{
	struct strv km = STRV_INIT;
	int rc = -1;

	if (lx_kernel_mounts_parse(mountinfo, size, &km, e) < 0)
		goto out;
	for (size_t i = 0; i < km.n; i++) {
		/* /proc and /dev are the sandbox's own (a fresh procfs, a tmpfs): nothing
		 * mounted there on the host is in the view. */
		bool skip = path_is_under(km.v[i], "/proc") || path_is_under(km.v[i], "/dev");

		/* Below another kernel mount: read-only with it already. */
		for (size_t j = 0; j < km.n && !skip; j++)
			skip = j != i && path_is_under(km.v[i], km.v[j]);
		if (skip)
			continue;
		for (size_t r = 0; r < roots->n; r++) {
			const char *root = roots->v[r].path;
			const char *what = path_is_under(km.v[i], root) ? km.v[i]
					   : path_is_under(root, km.v[i]) ? root
									  : NULL;
			if (what && sandbox_roots_protect(roots, what, e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	strv_free(&km);
	return rc;
}

int lx_protect_kernel_mounts_now(struct sandbox_roots *roots, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, LIMIT_SANDBOX_MOUNTINFO_BYTES);
	if (file_read_all("/proc/self/mountinfo", &b, e) < 0) {
		buf_free(&b);
		return err_prefix(e, "cannot list the mounts inside the writable roots");
	}
	rc = lx_protect_kernel_mounts(roots, b.data ? b.data : "", b.len, e);
	buf_free(&b);
	return rc;
}
