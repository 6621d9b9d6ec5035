/* Applies the Landlock half of the plan with the best ABI the kernel offers:
 * filesystem rules (ABI 1; REFER from 2, TRUNCATE from 3, IOCTL_DEV from 5), TCP
 * bind/connect denied when the network is off and, in proxy mode, everything but
 * connecting to the proxy's ports (ABI 4), and scoping of signals and abstract unix
 * sockets to the sandbox (ABI 6). */
#include "sandbox/linux/linux_sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/limits.h"

int lx_landlock_abi(void)
{
	int abi = lx_landlock_create_ruleset(NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : abi;
}

static uint64_t fs_rights(int abi)
{
	uint64_t r = (LL_FS_MAKE_SYM << 1) - 1; /* ABI 1 */

	if (abi >= 2)
		r |= LL_FS_REFER;
	if (abi >= 3)
		r |= LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

/* One rule on an opened path; rights that only apply to directories are dropped for a
 * file (the kernel refuses them there). */
static int add_fd_rule(int ruleset, int fd, uint64_t access, const char *path, struct err *e)
{
	struct ll_path_beneath_attr a;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return err_sys(e, errno, "landlock: cannot stat %s", path);
	if (!S_ISDIR(st.st_mode))
		access &= LX_FS_FILE_ONLY;
	a.allowed_access = access;
	a.parent_fd = fd;
	if (access && lx_landlock_add_rule(ruleset, LL_RULE_PATH_BENEATH, &a) < 0)
		return err_sys(e, errno, "landlock: cannot add a rule for %s", path);
	return 0;
}

static int add_path_rule(int ruleset, const char *path, uint64_t access, bool optional,
			 struct err *e)
{
	int fd = open(path, O_PATH | O_CLOEXEC), rc;

	if (fd < 0) {
		if (optional && errno == ENOENT)
			return 0;
		return err_sys(e, errno, "landlock: cannot open %s", path);
	}
	rc = add_fd_rule(ruleset, fd, access, path, e);
	close(fd);
	return rc;
}

static bool is_excepted(const char *path, const struct strv *except, bool *leads_to_one)
{
	*leads_to_one = false;
	for (size_t i = 0; i < except->n; i++) {
		if (strcmp(except->v[i], path) == 0)
			return true;
		if (path_is_under(except->v[i], path))
			*leads_to_one = true;
	}
	return false;
}

/* access on everything below dir except the listed paths: a rule on each entry that
 * neither is nor leads to an excepted path, and a recursion into those that lead to
 * one. The directories on the way get no rule (they stay read-only, so the excepted
 * name can neither be replaced nor created). Symlinks get no rule: the rule would
 * land on their target, and the link itself belongs to its (read-only) directory. */
static int add_except_rules(int ruleset, const char *dir, uint64_t access,
			    const struct strv *except, struct err *e)
{
	bool leads;
	DIR *d;
	struct dirent *de;
	size_t count = 0;
	int rc = -1;

	if (is_excepted(dir, except, &leads))
		return 0;
	if (!leads)
		return add_path_rule(ruleset, dir, access, false, e);
	d = opendir(dir);
	if (!d)
		return err_sys(e, errno, "landlock: cannot list %s", dir);
	while ((errno = 0, de = readdir(d))) {
		struct stat st;
		char *child;
		int r;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++count > LIMIT_SANDBOX_DIR_ENTRIES) {
			err_set(e, "landlock: %s has more than %d entries; cannot protect the paths "
				   "inside it without user namespaces", dir, LIMIT_SANDBOX_DIR_ENTRIES);
			goto out;
		}
		child = path_join(dir, de->d_name);
		if (!child) {
			err_set(e, "out of memory");
			goto out;
		}
		r = lstat(child, &st) < 0 || S_ISLNK(st.st_mode)
			    ? 0
			    : add_except_rules(ruleset, child, access, except, e);
		free(child);
		if (r < 0)
			goto out;
	}
	if (errno) {
		err_sys(e, errno, "landlock: cannot list %s", dir);
		goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/* TCP rights the ruleset handles: all of them with the network off, and in proxy mode
 * without local binding (where connecting is then granted to the proxy's ports only). */
static uint64_t net_rights(const struct lx_plan *p, int abi)
{
	if (abi < 4)
		return 0;
	switch (p->net) {
	case SANDBOX_NET_FULL:
		return 0;
	case SANDBOX_NET_OFF:
		return LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	case SANDBOX_NET_PROXY:
		return p->allow_local_binding ? 0 : LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	}
	return 0;
}

static int add_port_rules(int ruleset, const struct lx_plan *p, struct err *e)
{
	for (size_t i = 0; i < p->n_proxy_ports; i++) {
		struct ll_net_port_attr a = {LL_NET_CONNECT_TCP, p->proxy_ports[i]};
		if (lx_landlock_add_rule(ruleset, LL_RULE_NET_PORT, &a) < 0)
			return err_sys(e, errno, "landlock: cannot allow TCP port %u",
				       p->proxy_ports[i]);
	}
	return 0;
}

int lx_landlock_apply(const struct lx_plan *p, int abi, struct err *e)
{
	struct ll_ruleset_attr attr = {p->full_disk ? 0 : fs_rights(abi), net_rights(p, abi), 0};
	int ruleset, rc = -1;

	if (abi >= 6)
		attr.scoped = LL_SCOPE_SIGNAL | LL_SCOPE_ABSTRACT_UNIX_SOCKET;
	if (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped)
		return 0; /* nothing Landlock could add (danger-full-access, old ABI) */
	ruleset = lx_landlock_create_ruleset(&attr, sizeof attr, 0);
	if (ruleset < 0)
		return err_sys(e, errno, "landlock: cannot create a ruleset (ABI %d)", abi);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct lx_rule *r = &p->rules[i];
		uint64_t access = r->access & attr.handled_access_fs;
		int ok = -1;

		switch (r->kind) {
		case LX_RULE_BENEATH:
			ok = add_path_rule(ruleset, r->path, access, r->optional, e);
			break;
		case LX_RULE_BENEATH_EXCEPT:
			ok = add_except_rules(ruleset, r->path, access, &r->except, e);
			break;
		}
		if (ok < 0)
			goto out;
	}
	if (p->own_tty_fd >= 0 && attr.handled_access_fs &&
	    add_fd_rule(ruleset, p->own_tty_fd, LX_FS_DEVICE & attr.handled_access_fs,
			"the command's pty", e) < 0)
		goto out;
	if (attr.handled_access_net && add_port_rules(ruleset, p, e) < 0)
		goto out;
	if (lx_landlock_restrict_self(ruleset) < 0) {
		err_sys(e, errno, "landlock: cannot enforce the ruleset");
		goto out;
	}
	rc = 0;
out:
	close(ruleset);
	return rc;
}
