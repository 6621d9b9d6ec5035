/* Kernel ABI the launcher needs and musl does not ship (musl has no <linux/...>
 * headers). Values are the UAPI's (include/uapi/linux/{landlock,mount,seccomp,filter,
 * audit,capability}.h); tests/unit/sandbox_kernel_test.c compares them with the
 * kernel headers wherever those are installed (the glibc sanitizer build). */
#ifndef CODEX_SANDBOX_LINUX_KERNEL_H
#define CODEX_SANDBOX_LINUX_KERNEL_H

#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

/* ---- Landlock ---- */
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

#define LL_FS_EXECUTE (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_READ_FILE (1ull << 2)
#define LL_FS_READ_DIR (1ull << 3)
#define LL_FS_REMOVE_DIR (1ull << 4)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_MAKE_CHAR (1ull << 6)
#define LL_FS_MAKE_DIR (1ull << 7)
#define LL_FS_MAKE_REG (1ull << 8)
#define LL_FS_MAKE_SOCK (1ull << 9)
#define LL_FS_MAKE_FIFO (1ull << 10)
#define LL_FS_MAKE_BLOCK (1ull << 11)
#define LL_FS_MAKE_SYM (1ull << 12)
#define LL_FS_REFER (1ull << 13)      /* ABI 2 */
#define LL_FS_TRUNCATE (1ull << 14)   /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ull << 15)  /* ABI 5 */

#define LL_NET_BIND_TCP (1ull << 0)    /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)

#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ull << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

/* ---- New mount API ---- */
#define LX_OPEN_TREE_CLONE 1
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define LX_MOVE_MOUNT_F_EMPTY_PATH 0x04
#define LX_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define LX_MOUNT_ATTR_RDONLY 0x01
#define LX_MOUNT_ATTR_NOSUID 0x02
#define LX_MOUNT_ATTR_NODEV 0x04
#define LX_MOUNT_ATTR_NOEXEC 0x08

struct lx_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* ---- seccomp and classic BPF ---- */
#define LX_SECCOMP_SET_MODE_FILTER 1
#define LX_SECCOMP_RET_ERRNO 0x00050000u
#define LX_SECCOMP_RET_ALLOW 0x7fff0000u
#define LX_SECCOMP_RET_DATA 0x0000ffffu

struct lx_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

struct lx_sock_filter {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct lx_sock_fprog {
	unsigned short len;
	struct lx_sock_filter *filter;
};

#define LX_BPF_LD 0x00
#define LX_BPF_ALU 0x04
#define LX_BPF_JMP 0x05
#define LX_BPF_RET 0x06
#define LX_BPF_W 0x00
#define LX_BPF_ABS 0x20
#define LX_BPF_AND 0x50
#define LX_BPF_JEQ 0x10
#define LX_BPF_JGE 0x30
#define LX_BPF_JSET 0x40
#define LX_BPF_K 0x00

#define LX_AUDIT_ARCH_X86_64 0xc000003eu
#define LX_AUDIT_ARCH_AARCH64 0xc00000b7u
/* x86_64: syscall numbers with this bit are the x32 ABI, which must not slip past a
 * filter written for the 64-bit numbers. */
#define LX_X32_SYSCALL_BIT 0x40000000u

/* ---- capabilities ---- */
#define LX_CAPABILITY_VERSION_3 0x20080522u

struct lx_cap_header {
	uint32_t version;
	int pid;
};

struct lx_cap_data {
	uint32_t effective;
	uint32_t permitted;
	uint32_t inheritable;
};

#define LX_SECBIT_NOROOT (1u << 0)
#define LX_SECBIT_NOROOT_LOCKED (1u << 1)
#define LX_SECBIT_NO_SETUID_FIXUP (1u << 2)
#define LX_SECBIT_NO_SETUID_FIXUP_LOCKED (1u << 3)
#define LX_SECBIT_KEEP_CAPS_LOCKED (1u << 5)
#define LX_SECBIT_NO_CAP_AMBIENT_RAISE (1u << 6)
#define LX_SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1u << 7)

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* ---- misc ---- */
#define LX_CLOSE_RANGE_CLOEXEC (1u << 2)
#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#endif
