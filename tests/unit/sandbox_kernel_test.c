/* The kernel ABI values in sandbox/linux/kernel.h against the kernel's own headers,
 * wherever those are installed (the glibc sanitizer build of `make check`; musl ships
 * none, and then this only checks the struct layouts the kernel fixes). */
#include <stddef.h>

#include "sandbox/linux/kernel.h"
#include "test.h"

#if defined(__has_include)
#if __has_include(<linux/landlock.h>) && __has_include(<linux/seccomp.h>)
#define HAVE_KERNEL_HEADERS 1
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#endif
#endif

TEST(kernel_struct_layouts)
{
	CHECK_INT(sizeof(struct ll_ruleset_attr), 24);
	CHECK_INT(sizeof(struct ll_path_beneath_attr), 12);
	CHECK_INT(sizeof(struct lx_mount_attr), 32);
	CHECK_INT(offsetof(struct lx_seccomp_data, args), 16);
	CHECK_INT(sizeof(struct lx_sock_filter), 8);
}

TEST(kernel_constants_match_headers)
{
#ifdef HAVE_KERNEL_HEADERS
	CHECK_INT(LL_FS_EXECUTE, LANDLOCK_ACCESS_FS_EXECUTE);
	CHECK_INT(LL_FS_MAKE_SYM, LANDLOCK_ACCESS_FS_MAKE_SYM);
	CHECK_INT(LL_FS_REFER, LANDLOCK_ACCESS_FS_REFER);
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
	CHECK_INT(LL_FS_TRUNCATE, LANDLOCK_ACCESS_FS_TRUNCATE);
#endif
#ifdef LANDLOCK_ACCESS_FS_IOCTL_DEV
	CHECK_INT(LL_FS_IOCTL_DEV, LANDLOCK_ACCESS_FS_IOCTL_DEV);
#endif
#ifdef LANDLOCK_ACCESS_NET_BIND_TCP
	CHECK_INT(LL_NET_BIND_TCP, LANDLOCK_ACCESS_NET_BIND_TCP);
	CHECK_INT(LL_NET_CONNECT_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP);
#endif
	CHECK_INT(LL_CREATE_RULESET_VERSION, LANDLOCK_CREATE_RULESET_VERSION);
	CHECK_INT(LL_RULE_PATH_BENEATH, LANDLOCK_RULE_PATH_BENEATH);
	CHECK_INT(LX_OPEN_TREE_CLONE, OPEN_TREE_CLONE);
	CHECK_INT(LX_MOVE_MOUNT_F_EMPTY_PATH, MOVE_MOUNT_F_EMPTY_PATH);
	CHECK_INT(LX_MOVE_MOUNT_T_EMPTY_PATH, MOVE_MOUNT_T_EMPTY_PATH);
	CHECK_INT(LX_MOUNT_ATTR_RDONLY, MOUNT_ATTR_RDONLY);
	CHECK_INT(LX_MOUNT_ATTR_NOSUID, MOUNT_ATTR_NOSUID);
	CHECK_INT(LX_MOUNT_ATTR_NODEV, MOUNT_ATTR_NODEV);
	CHECK_INT(LX_SECCOMP_SET_MODE_FILTER, SECCOMP_SET_MODE_FILTER);
	CHECK_INT(LX_SECCOMP_RET_ERRNO, SECCOMP_RET_ERRNO);
	CHECK_INT(LX_SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW);
	CHECK_INT(LX_AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64);
	CHECK_INT(LX_AUDIT_ARCH_AARCH64, AUDIT_ARCH_AARCH64);
	CHECK_INT(LX_BPF_JSET, BPF_JSET);
	CHECK_INT(LX_BPF_ABS, BPF_ABS);
	CHECK_INT(LX_CAPABILITY_VERSION_3, _LINUX_CAPABILITY_VERSION_3);
#ifdef LANDLOCK_SCOPE_SIGNAL /* older headers have a shorter struct: fine, see kernel.h */
	CHECK_INT(sizeof(struct ll_ruleset_attr), sizeof(struct landlock_ruleset_attr));
	CHECK_INT(LL_SCOPE_SIGNAL, LANDLOCK_SCOPE_SIGNAL);
	CHECK_INT(LL_SCOPE_ABSTRACT_UNIX_SOCKET, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
#endif
	CHECK_INT(sizeof(struct lx_seccomp_data), sizeof(struct seccomp_data));
#endif
}
