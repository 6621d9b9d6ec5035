/* The seccomp filter, installed last before exec so it never has to allow a setup
 * call. Denials return EPERM (never kill): a denied call is an ordinary error the
 * command can report. The one exception is clone3, which answers ENOSYS: its flags
 * sit in memory a filter cannot read, and ENOSYS makes libc fall back to clone, whose
 * flags it can.
 *
 * Always denied: ptrace, process_vm_readv/writev, io_uring, the mount family,
 * chroot, setns, new namespaces (clone/unshare with CLONE_NEW*), bpf, userfaultfd,
 * the kernel keyring, open_by_handle_at, and the TIOCSTI/TIOCLINUX ioctls (pushing
 * input into a terminal).
 * Network off: socket() and socketpair() only for AF_UNIX stream/seqpacket sockets
 * (a datagram socket could sendto/sendmsg to a host socket by name without
 * connecting), and connect, bind, listen, accept refused: a host service's unix
 * socket is out of reach while socketpair and pipes keep working.
 * Proxy mode: only TCP sockets may be created (AF_INET/AF_INET6; no UDP, so no DNS of
 * the command's own; no new AF_UNIX sockets, so no host service's socket and no way
 * around the proxy), socketpair as above; connect etc. are allowed inside the network
 * namespace that holds nothing but loopback and the proxy's listeners. Without local
 * binding, bind and listen are refused too.
 * Unless the filesystem is unrestricted (danger-full-access): no set-user-ID or
 * set-group-ID bits on files (see setid_denied).
 * Without user namespaces (no pid or IPC namespace of the sandbox's own): see
 * host_ns_denied. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define LX_AUDIT_ARCH LX_AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LX_AUDIT_ARCH LX_AUDIT_ARCH_AARCH64
#else
#error "the seccomp filter knows x86_64 and aarch64 only"
#endif

#define OFF_NR offsetof(struct lx_seccomp_data, nr)
#define OFF_ARCH offsetof(struct lx_seccomp_data, arch)
/* The low 32 bits of an argument (little-endian). The kernel truncates the
 * arguments checked here (clone/unshare flags, socket family and type, ioctl
 * request) to 32 bits, so the high half cannot be used to slip past. */
#define OFF_ARG_LO(i) (offsetof(struct lx_seccomp_data, args) + 8 * (i))

#define RET_EPERM (LX_SECCOMP_RET_ERRNO | (EPERM & LX_SECCOMP_RET_DATA))
#define RET_ENOSYS (LX_SECCOMP_RET_ERRNO | (ENOSYS & LX_SECCOMP_RET_DATA))

/* Namespace flags refused in clone (CLONE_NEWTIME shares its bit with the exit signal
 * there) and in unshare. */
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

struct prog {
	struct lx_sock_filter *ins;
	size_t n;
	bool overflow;
};

static void emit(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->n >= LX_SECCOMP_MAX) {
		p->overflow = true;
		return;
	}
	p->ins[p->n].code = code;
	p->ins[p->n].jt = jt;
	p->ins[p->n].jf = jf;
	p->ins[p->n].k = k;
	p->n++;
}

static void load(struct prog *p, uint32_t off)
{
	emit(p, LX_BPF_LD | LX_BPF_W | LX_BPF_ABS, off, 0, 0);
}

static void ret(struct prog *p, uint32_t action)
{
	emit(p, LX_BPF_RET | LX_BPF_K, action, 0, 0);
}

/* Every block below starts and ends with the syscall number in the accumulator. */

static void deny(struct prog *p, long nr, uint32_t action)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (uint32_t)nr, 0, 1);
	ret(p, action);
}

/* nr with an argument that matches: EPERM. test is LX_BPF_JSET (any of the bits in k
 * set) or LX_BPF_JEQ (equal to k). */
static void deny_arg(struct prog *p, long nr, int arg, uint16_t test, uint32_t k)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (uint32_t)nr, 0, 4);
	load(p, OFF_ARG_LO(arg));
	emit(p, LX_BPF_JMP | test | LX_BPF_K, k, 0, 1);
	ret(p, RET_EPERM);
	load(p, OFF_NR);
}

/* socket/socketpair(AF_UNIX, SOCK_STREAM|SOCK_SEQPACKET [|NONBLOCK|CLOEXEC]) only. */
static void unix_stream_only(struct prog *p, long nr)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (uint32_t)nr, 0, 9);
	load(p, OFF_ARG_LO(0));
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, AF_UNIX, 1, 0);
	ret(p, RET_EPERM);
	load(p, OFF_ARG_LO(1));
	emit(p, LX_BPF_ALU | LX_BPF_AND | LX_BPF_K, ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC), 0, 0);
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, SOCK_STREAM, 2, 0);
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, SOCK_SEQPACKET, 1, 0);
	ret(p, RET_EPERM);
	load(p, OFF_NR);
}

/* socket(AF_INET|AF_INET6, SOCK_STREAM [|NONBLOCK|CLOEXEC], 0|IPPROTO_TCP) only: no
 * UDP, raw or packet sockets, and no other stream protocol (SCTP, MPTCP), whose code
 * the command has no business reaching. */
static void inet_tcp_only(struct prog *p, long nr)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (uint32_t)nr, 0, 11);
	load(p, OFF_ARG_LO(0));
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, AF_INET, 1, 0);
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, AF_INET6, 0, 6);
	load(p, OFF_ARG_LO(1));
	emit(p, LX_BPF_ALU | LX_BPF_AND | LX_BPF_K, ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC), 0, 0);
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, SOCK_STREAM, 0, 3);
	load(p, OFF_ARG_LO(2));
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, 0, 2, 0);
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, IPPROTO_TCP, 1, 0);
	ret(p, RET_EPERM);
	load(p, OFF_NR);
}

/* A nosuid mount is the sandbox's view only: the host's mounts honour the bits. A
 * set-user-ID copy of a shell made by root in a writable root would be a root shell
 * for every local user, one made by anyone a way into their account. So modes with
 * set-ID bits are refused to chmod, fchmod, fchmodat(2), mknod(at), and to open,
 * openat and creat when they create a file (O_CREAT, O_TMPFILE); the kernel takes
 * the mode as a umode_t, the low bits checked here. openat2 carries its mode in
 * memory a filter cannot read: it answers ENOSYS, and callers fall back to openat. */
#define SETID_BITS (S_ISUID | S_ISGID)
#define CREATE_FLAGS (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
/* open_tree with mount attributes (Linux 6.15): one of the mount family. */
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif

/* nr with `flags` argument creating a file and `mode` argument with set-ID bits. */
static void deny_setid_create(struct prog *p, long nr, int flags, int mode)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (uint32_t)nr, 0, 6);
	load(p, OFF_ARG_LO(flags));
	emit(p, LX_BPF_JMP | LX_BPF_JSET | LX_BPF_K, CREATE_FLAGS, 0, 3);
	load(p, OFF_ARG_LO(mode));
	emit(p, LX_BPF_JMP | LX_BPF_JSET | LX_BPF_K, SETID_BITS, 0, 1);
	ret(p, RET_EPERM);
	load(p, OFF_NR);
}

static void setid_denied(struct prog *p)
{
#if defined(SYS_chmod)
	deny_arg(p, SYS_chmod, 1, LX_BPF_JSET, SETID_BITS);
	deny_arg(p, SYS_creat, 1, LX_BPF_JSET, SETID_BITS);
	deny_arg(p, SYS_mknod, 1, LX_BPF_JSET, SETID_BITS);
	deny_setid_create(p, SYS_open, 1, 2);
#endif
	deny_arg(p, SYS_fchmod, 1, LX_BPF_JSET, SETID_BITS);
	deny_arg(p, SYS_fchmodat, 2, LX_BPF_JSET, SETID_BITS);
	deny_arg(p, SYS_fchmodat2, 2, LX_BPF_JSET, SETID_BITS);
	deny_arg(p, SYS_mknodat, 2, LX_BPF_JSET, SETID_BITS);
	deny_setid_create(p, SYS_openat, 2, 3);
	deny(p, SYS_openat2, RET_ENOSYS);
}

#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif

/* lx_plan.host_root: every change of a file's metadata (the writes Landlock does not
 * see). The fd-based ones too: root can open any of its files for reading. */
static const long metadata_denied[] = {
#if defined(SYS_chmod)
	SYS_chmod, SYS_chown, SYS_lchown, SYS_utime, SYS_utimes, SYS_futimesat,
#endif
	SYS_fchmod, SYS_fchmodat, SYS_fchmodat2, SYS_fchown, SYS_fchownat, SYS_utimensat,
	SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr, SYS_setxattrat,
	SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr, SYS_removexattrat,
};

/* Without user namespaces the command shares the host's pid and IPC namespaces, and
 * Landlock scopes signals but not these:
 * - prlimit64 on another process (same user suffices): a file-descriptor limit of 0
 *   starves it, a CPU limit kills it. Only the caller itself (pid 0) is allowed.
 * - System V IPC and POSIX message queues: ids and keys are the host's, so the command
 *   could attach a segment a process outside works with and write into its memory, or
 *   remove its queue (mq_unlink is not a path Landlock checks). */
static const long host_ipc_denied[] = {
	SYS_shmget, SYS_shmat, SYS_shmctl, SYS_semget, SYS_semctl, SYS_semop, SYS_semtimedop,
	SYS_msgget, SYS_msgsnd, SYS_msgrcv, SYS_msgctl, SYS_mq_open, SYS_mq_unlink,
};

static void host_ns_denied(struct prog *p)
{
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, SYS_prlimit64, 0, 4);
	load(p, OFF_ARG_LO(0));
	emit(p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, 0, 1, 0);
	ret(p, RET_EPERM);
	load(p, OFF_NR);
	for (size_t i = 0; i < sizeof host_ipc_denied / sizeof host_ipc_denied[0]; i++)
		deny(p, host_ipc_denied[i], RET_EPERM);
}

static const long always_denied[] = {
	SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_move_mount, SYS_open_tree,
	SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_mount_setattr, SYS_open_tree_attr,
	SYS_setns,
	SYS_bpf, SYS_userfaultfd, SYS_keyctl, SYS_add_key, SYS_request_key,
	SYS_open_by_handle_at,
};

static const long network_off_denied[] = {
	SYS_connect, SYS_bind, SYS_listen, SYS_accept, SYS_accept4,
};

/* Proxy mode without local binding: nothing of the command's may listen, so the
 * proxy's listeners are all there is to connect to, even where Landlock cannot say
 * which ports (ABI < 4). */
static const long proxy_no_binding_denied[] = {SYS_bind, SYS_listen};

int lx_seccomp_build(const struct lx_plan *plan, struct lx_sock_filter *ins,
		     struct lx_sock_fprog *fprog, struct err *e)
{
	struct prog p = {ins, 0, false};
	bool local_binding = plan->allow_local_binding;

	load(&p, OFF_ARCH);
	emit(&p, LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, LX_AUDIT_ARCH, 1, 0);
	ret(&p, RET_EPERM); /* another ABI (i386 via int 0x80): nothing is allowed */
	load(&p, OFF_NR);
#if defined(__x86_64__)
	emit(&p, LX_BPF_JMP | LX_BPF_JGE | LX_BPF_K, LX_X32_SYSCALL_BIT, 0, 1);
	ret(&p, RET_EPERM);
#endif
	for (size_t i = 0; i < sizeof always_denied / sizeof always_denied[0]; i++)
		deny(&p, always_denied[i], RET_EPERM);
	deny(&p, SYS_clone3, RET_ENOSYS);
	deny_arg(&p, SYS_clone, 0, LX_BPF_JSET, NS_FLAGS);
	deny_arg(&p, SYS_unshare, 0, LX_BPF_JSET, NS_FLAGS | CLONE_NEWTIME);
	deny_arg(&p, SYS_ioctl, 1, LX_BPF_JEQ, TIOCSTI);
	deny_arg(&p, SYS_ioctl, 1, LX_BPF_JEQ, TIOCLINUX);
	if (!plan->full_disk)
		setid_denied(&p);
	if (!plan->userns)
		host_ns_denied(&p);
	for (size_t i = 0; plan->host_root && i < sizeof metadata_denied / sizeof metadata_denied[0];
	     i++)
		deny(&p, metadata_denied[i], RET_EPERM);
	switch (plan->net) {
	case SANDBOX_NET_FULL:
		break;
	case SANDBOX_NET_OFF:
		unix_stream_only(&p, SYS_socket);
		unix_stream_only(&p, SYS_socketpair);
		for (size_t i = 0; i < sizeof network_off_denied / sizeof network_off_denied[0]; i++)
			deny(&p, network_off_denied[i], RET_EPERM);
		break;
	case SANDBOX_NET_PROXY:
		inet_tcp_only(&p, SYS_socket);
		unix_stream_only(&p, SYS_socketpair);
		for (size_t i = 0; !local_binding && i < sizeof proxy_no_binding_denied /
							 sizeof proxy_no_binding_denied[0]; i++)
			deny(&p, proxy_no_binding_denied[i], RET_EPERM);
		break;
	}
	ret(&p, LX_SECCOMP_RET_ALLOW);
	if (p.overflow)
		return err_set(e, "seccomp: the filter is longer than %d instructions",
			       LX_SECCOMP_MAX);
	fprog->len = (unsigned short)p.n;
	fprog->filter = ins;
	return 0;
}

int lx_seccomp_apply(const struct lx_plan *plan, struct err *e)
{
	struct lx_sock_filter ins[LX_SECCOMP_MAX];
	struct lx_sock_fprog prog;

	if (lx_seccomp_build(plan, ins, &prog, e) < 0)
		return -1;
	if (lx_seccomp_set_filter(&prog) < 0)
		return err_sys(e, errno, "seccomp: cannot install the filter");
	return 0;
}
