/* The seccomp filter, run by the real kernel: a child installs it and tries each call;
 * the same calls without the filter show that the test can tell the difference. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

enum probe {
	P_INET, P_INET6_DGRAM, P_NETLINK, P_PACKET, P_UNIX_DGRAM, P_UNIX_STREAM,
	P_PAIR_STREAM, P_PAIR_DGRAM, P_PAIR_SEND, P_CONNECT, P_BIND, P_LISTEN, P_PIPE,
	P_PTRACE, P_VM_READ, P_IO_URING, P_UNSHARE_USER, P_UNSHARE_FILES, P_CLONE_USER,
	P_CLONE3, P_TIOCSTI_HIGH, P_MOUNT, P_CHROOT, P_X32, P_I386, P_INET_SCTP, P_INET_BIND,
	P_INET_LISTEN, P_INET_UDP, P_COUNT
};

static int result(long r)
{
	return r < 0 ? errno : 0;
}

static int unix_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int run_probe(enum probe p)
{
	struct sockaddr_un {
		unsigned short family;
		char path[108];
	} addr = {AF_UNIX, "/nonexistent/socket"};
	int sv[2], fd, r;
	char c = 'x', uring_params[256]; /* struct io_uring_params is 120 bytes */
	struct iovec local = {&c, 1}, remote = {&c, 1};

	switch (p) {
	case P_INET:
		return result(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	case P_INET6_DGRAM:
		return result(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case P_NETLINK:
		return result(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
	case P_PACKET:
		return result(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
	case P_UNIX_DGRAM:
		return result(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case P_UNIX_STREAM:
		return result(unix_socket());
	case P_PAIR_STREAM:
		return result(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	case P_PAIR_DGRAM:
		return result(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	case P_PAIR_SEND:
		/* send() is sendto(2): it must keep working on a socketpair. */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return errno;
		if (send(sv[0], "hi", 2, 0) != 2)
			return errno;
		return recv(sv[1], &c, 1, 0) == 1 && c == 'h' ? 0 : EIO;
	case P_CONNECT:
		fd = unix_socket();
		return fd < 0 ? 1000 : result(connect(fd, (void *)&addr, sizeof addr));
	case P_BIND:
		fd = unix_socket();
		return fd < 0 ? 1000 : result(bind(fd, (void *)&addr, sizeof addr));
	case P_LISTEN:
		fd = unix_socket();
		return fd < 0 ? 1000 : result(listen(fd, 1));
	case P_PIPE:
		return result(pipe2(sv, O_CLOEXEC));
	case P_PTRACE:
		return result(ptrace(PTRACE_TRACEME, 0, 0, 0));
	case P_VM_READ:
		return result(syscall(SYS_process_vm_readv, getppid(), &local, 1, &remote, 1, 0));
	case P_IO_URING:
		memset(uring_params, 0, sizeof uring_params);
		return result(syscall(SYS_io_uring_setup, 1, uring_params));
	case P_UNSHARE_USER:
		return result(unshare(CLONE_NEWUSER));
	case P_UNSHARE_FILES:
		return result(unshare(CLONE_FILES));
	case P_CLONE_USER:
		r = (int)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (r == 0)
			_exit(0); /* the filter let it through: the child leaves at once */
		if (r > 0)
			waitpid(r, NULL, 0);
		return result(r);
	case P_CLONE3:
		return result(syscall(SYS_clone3, NULL, 0));
	case P_TIOCSTI_HIGH:
		/* The kernel truncates the request to 32 bits; the filter must too. */
		return result(syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (1ul << 32), &c));
	case P_MOUNT:
		return result(mount("none", "/nonexistent", "tmpfs", 0, NULL));
	case P_CHROOT:
		return result(chroot("/"));
	case P_X32:
		return result(syscall(0x40000000 | SYS_getpid));
	case P_I386:
#if defined(__x86_64__)
	{
		long ret = 20; /* i386 getpid */
		/* The 32-bit entry clobbers r8-r11 in a 64-bit process. */
		__asm__ volatile("int $0x80" : "+a"(ret) : : "r8", "r9", "r10", "r11", "memory");
		return ret < 0 ? (int)-ret : 0;
	}
#else
		return EPERM;
#endif
	case P_INET_SCTP:
		/* EPROTONOSUPPORT without the module: anything but EPERM means "not refused". */
		return result(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP));
	case P_INET_BIND: {
		struct sockaddr_in sin = {0};
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
		return fd < 0 ? 1000 : result(bind(fd, (void *)&sin, sizeof sin));
	}
	case P_INET_LISTEN:
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		return fd < 0 ? 1000 : result(listen(fd, 1));
	case P_INET_UDP:
		return result(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	case P_COUNT:
		break;
	}
	return -1;
}

/* Runs every probe in a child, with the filter for net installed or (filter false)
 * with no_new_privs only. */
static void probe_filter(int res[P_COUNT], enum sandbox_network net, bool local_binding,
			 bool filter)
{
	int fds[2];
	pid_t pid;

	REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct err e;
		int out[P_COUNT];
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    (filter && lx_seccomp_apply(net, local_binding, &e) < 0))
			_exit(1);
		for (int i = 0; i < P_COUNT; i++)
			out[i] = run_probe((enum probe)i);
		(void)!write(fds[1], out, sizeof out);
		_exit(0);
	}
	close(fds[1]);
	memset(res, 0xff, sizeof(int) * P_COUNT);
	CHECK(read(fds[0], res, sizeof(int) * P_COUNT) == (ssize_t)(sizeof(int) * P_COUNT));
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void probe_all(int res[P_COUNT], enum sandbox_network net, bool filter)
{
	probe_filter(res, net, false, filter);
}

TEST(seccomp_network_off)
{
	int r[P_COUNT];

	probe_all(r, SANDBOX_NET_OFF, true);
	CHECK_INT(r[P_INET], EPERM);
	CHECK_INT(r[P_INET6_DGRAM], EPERM);
	CHECK_INT(r[P_NETLINK], EPERM);
	CHECK_INT(r[P_PACKET], EPERM);
	CHECK_INT(r[P_UNIX_DGRAM], EPERM);
	CHECK_INT(r[P_PAIR_DGRAM], EPERM);
	CHECK_INT(r[P_CONNECT], EPERM);
	CHECK_INT(r[P_BIND], EPERM);
	CHECK_INT(r[P_LISTEN], EPERM);
	/* What keeps working. */
	CHECK_INT(r[P_UNIX_STREAM], 0);
	CHECK_INT(r[P_PAIR_STREAM], 0);
	CHECK_INT(r[P_PAIR_SEND], 0);
	CHECK_INT(r[P_PIPE], 0);
	CHECK_INT(r[P_UNSHARE_FILES], 0);
}

TEST(seccomp_always_denied)
{
	const enum sandbox_network nets[] = {SANDBOX_NET_OFF, SANDBOX_NET_FULL, SANDBOX_NET_PROXY};

	for (size_t i = 0; i < 3; i++) {
		int r[P_COUNT];

		probe_all(r, nets[i], true);
		CHECK_INT(r[P_PTRACE], EPERM);
		CHECK_INT(r[P_VM_READ], EPERM);
		CHECK_INT(r[P_IO_URING], EPERM);
		CHECK_INT(r[P_UNSHARE_USER], EPERM);
		CHECK_INT(r[P_CLONE_USER], EPERM);
		CHECK_INT(r[P_CLONE3], ENOSYS);
		CHECK_INT(r[P_TIOCSTI_HIGH], EPERM);
		CHECK_INT(r[P_MOUNT], EPERM);
		CHECK_INT(r[P_CHROOT], EPERM);
		CHECK_INT(r[P_X32], EPERM);
		CHECK_INT(r[P_I386], EPERM);
	}
}

TEST(seccomp_network_full)
{
	int r[P_COUNT];

	probe_all(r, SANDBOX_NET_FULL, true);
	CHECK_INT(r[P_INET], 0);
	CHECK_INT(r[P_UNIX_DGRAM], 0);
	CHECK_INT(r[P_CONNECT], ENOENT); /* reaches the kernel, which finds no socket */
}

TEST(seccomp_network_proxy)
{
	int r[P_COUNT];

	for (int local = 0; local <= 1; local++) {
		probe_filter(r, SANDBOX_NET_PROXY, local, true);
		/* TCP only: the proxy's listeners are reached over TCP. */
		CHECK_INT(r[P_INET], 0);
		CHECK_INT(r[P_INET6_DGRAM], EPERM);
		CHECK_INT(r[P_INET_UDP], EPERM);
		CHECK_INT(r[P_INET_SCTP], EPERM);
		CHECK_INT(r[P_NETLINK], EPERM);
		CHECK_INT(r[P_PACKET], EPERM);
		/* No new unix socket to reach anything by name; pairs of streams still work. */
		CHECK_INT(r[P_UNIX_STREAM], EPERM);
		CHECK_INT(r[P_UNIX_DGRAM], EPERM);
		CHECK_INT(r[P_PAIR_STREAM], 0);
		CHECK_INT(r[P_PAIR_SEND], 0);
		CHECK_INT(r[P_PAIR_DGRAM], EPERM);
		CHECK_INT(r[P_INET_BIND], local ? 0 : EPERM);
		CHECK_INT(r[P_INET_LISTEN], local ? 0 : EPERM);
	}
}

/* The probes can fail: without the filter the same calls go through. */
TEST(seccomp_probes_succeed_without_filter)
{
	int r[P_COUNT];

	probe_all(r, SANDBOX_NET_OFF, false);
	CHECK_INT(r[P_INET], 0);
	CHECK_INT(r[P_INET_UDP], 0);
	CHECK(r[P_INET_SCTP] != EPERM);
	CHECK_INT(r[P_INET_BIND], 0);
	CHECK_INT(r[P_INET_LISTEN], 0);
	CHECK_INT(r[P_UNIX_DGRAM], 0);
	CHECK_INT(r[P_PAIR_DGRAM], 0);
	CHECK_INT(r[P_CONNECT], ENOENT);
	CHECK_INT(r[P_PTRACE], 0);
	{
		char *d = test_read_file("/proc/sys/kernel/io_uring_disabled");
		if (!d || d[0] == '0')
			CHECK_INT(r[P_IO_URING], 0);
		free(d);
	}
	CHECK(r[P_CLONE3] != ENOSYS);
	CHECK(r[P_TIOCSTI_HIGH] != EPERM);
	CHECK(r[P_I386] != EPERM);
	if (geteuid() == 0) {
		CHECK_INT(r[P_CHROOT], 0);
		CHECK_INT(r[P_UNSHARE_USER], 0);
	}
}

TEST(seccomp_filter_fits)
{
	struct lx_sock_filter ins[LX_SECCOMP_MAX];
	struct lx_sock_fprog prog;
	struct err e;

	/* Every network mode, without and with local binding. */
	for (int n = 0; n < 6; n++) {
		REQUIRE(lx_seccomp_build((enum sandbox_network)(n % 3), n >= 3, ins, &prog, &e) == 0);
		CHECK(prog.len > 40 && prog.len < LX_SECCOMP_MAX);
		/* Every jump stays inside the program. */
		for (unsigned i = 0; i < prog.len; i++)
			if ((ins[i].code & 0x07) == LX_BPF_JMP)
				CHECK(i + 1 + ins[i].jt < prog.len && i + 1 + ins[i].jf < prog.len);
		CHECK_INT(ins[prog.len - 1].k, LX_SECCOMP_RET_ALLOW);
	}
}
