/* The system calls musl does not wrap, one small function each. Like libc wrappers
 * they return -1 and leave the error in errno. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int lx_landlock_create_ruleset(const struct ll_ruleset_attr *attr, size_t size,
			       uint32_t flags)
{
	return (int)syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

int lx_landlock_add_rule(int ruleset_fd, int rule_type, const void *rule_attr)
{
	return (int)syscall(SYS_landlock_add_rule, ruleset_fd, rule_type, rule_attr, 0);
}

int lx_landlock_restrict_self(int ruleset_fd)
{
	return (int)syscall(SYS_landlock_restrict_self, ruleset_fd, 0);
}

int lx_open_tree(int dfd, const char *path, unsigned flags)
{
	/* codex-lint: no-cloexec: the rule checks the callers' flags (lx_open_tree) */
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

int lx_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

int lx_mount_setattr(int dfd, const char *path, unsigned flags, const struct lx_mount_attr *a)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, a, sizeof *a);
}

int lx_seccomp_set_filter(const struct lx_sock_fprog *prog)
{
	return (int)syscall(SYS_seccomp, LX_SECCOMP_SET_MODE_FILTER, 0, prog);
}

int lx_capset_zero(void)
{
	struct lx_cap_header h = {LX_CAPABILITY_VERSION_3, 0};
	struct lx_cap_data d[2] = {{0, 0, 0}, {0, 0, 0}};

	return (int)syscall(SYS_capset, &h, d);
}

pid_t lx_fork_new_pid_ns(void)
{
	return (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
}

int lx_close_range_cloexec(unsigned first)
{
	return (int)syscall(SYS_close_range, first, ~0u, LX_CLOSE_RANGE_CLOEXEC);
}

const char *lx_mount_api_missing(void)
{
	/* Invalid arguments everywhere: where the call exists it fails with EBADF or
	 * EINVAL, having done nothing. */
	/* codex-lint: no-cloexec: a probe with a bad fd; it never opens anything */
	if (syscall(SYS_open_tree, -1, "", 0) < 0 && errno == ENOSYS)
		return "open_tree";
	if (syscall(SYS_move_mount, -1, "", -1, "", 0) < 0 && errno == ENOSYS)
		return "move_mount";
	if (syscall(SYS_mount_setattr, -1, "", 0, NULL, 0) < 0 && errno == ENOSYS)
		return "mount_setattr";
	return NULL;
}
