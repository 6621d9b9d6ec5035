/* The seccomp filter, run by the real kernel: a child installs it and tries each call;
 * the same calls without the filter show that the test can tell the difference. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

enum probe {
	P_INET, P_INET6_DGRAM, P_NETLINK, P_PACKET, P_UNIX_DGRAM, P_UNIX_STREAM,
	P_PAIR_STREAM, P_PAIR_DGRAM, P_PAIR_SEND, P_CONNECT, P_BIND, P_LISTEN, P_PIPE,
	P_PTRACE, P_VM_READ, P_IO_URING, P_UNSHARE_USER, P_UNSHARE_FILES, P_CLONE_USER,
	P_CLONE3, P_TIOCSTI_HIGH, P_MOUNT, P_CHROOT, P_X32, P_I386, P_INET_SCTP, P_INET_BIND,
	P_INET_LISTEN, P_INET_UDP, P_CHMOD_SUID, P_FCHMOD_SGID, P_FCHMODAT2_SUID, P_OPEN_SUID,
	P_OPENAT_TMPFILE_SGID, P_MKNOD_SUID, P_OPENAT2, P_CHMOD_PLAIN, P_OPEN_PLAIN_HIGH_MODE,
	P_PRLIMIT_PARENT, P_PRLIMIT_SELF, P_SHMGET, P_MQ_UNLINK, P_OPEN_TREE_ATTR, P_COUNT
};

static const char *const probe_names[P_COUNT] = {
	"inet", "inet6-dgram", "netlink", "packet", "unix-dgram", "unix-stream", "pair-stream",
	"pair-dgram", "pair-send", "connect", "bind", "listen", "pipe", "ptrace", "vm-read",
	"io-uring", "unshare-user", "unshare-files", "clone-user", "clone3", "tiocsti-high",
	"mount", "chroot", "x32", "i386", "inet-sctp", "inet-bind", "inet-listen", "inet-udp",
	"chmod-suid", "fchmod-sgid", "fchmodat2-suid", "open-suid", "openat-tmpfile-sgid",
	"mknod-suid", "openat2", "chmod-plain", "open-plain-high-mode", "prlimit-parent",
	"prlimit-self", "shmget", "mq-unlink", "open-tree-attr",
};

static const char *probe_name(size_t i)
{
	return i < P_COUNT ? probe_names[i] : "(none: all done)";
}

/* A directory for the probes that make files (set by probe_filter). */
static const char *probe_dir;

static int probe_file(const char *name, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/%s", probe_dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int result(long r)
{
	return r < 0 ? errno : 0;
}

static int unix_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* A probe's result when the process running it died of a signal: PROBE_DIED + signal. */
#define PROBE_DIED 2000
/* Bounds on a probe: each isolated one, and a whole child running every probe. */
#define ISOLATED_PROBE_SECONDS 10
#define PROBE_CHILD_SECONDS 60

/* CODEX_TEST_IA32_PROBE=crash makes the i386 probe kill the probe child with SIGSEGV, as
 * int $0x80 does on a kernel without IA32 emulation; =crash-traced has the probe child
 * ask to be traced first, as the ptrace probe once did, so the crash leaves it in a
 * tracing stop. Either way a test must end in seconds with a clear failure. */
static bool forced_ia32_crash(void)
{
	const char *v = getenv("CODEX_TEST_IA32_PROBE");

	return v && (strcmp(v, "crash") == 0 || strcmp(v, "crash-traced") == 0);
}

static void crash_like_the_ia32_probe(void)
{
	if (strcmp(getenv("CODEX_TEST_IA32_PROBE"), "crash-traced") == 0)
		(void)ptrace(PTRACE_TRACEME, 0, 0, 0);
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
}

static int i386_getpid(void)
{
#if defined(__x86_64__)
	long ret = 20; /* i386 getpid */
	/* The 32-bit entry clobbers r8-r11 in a 64-bit process. */
	__asm__ volatile("int $0x80" : "+a"(ret) : : "r8", "r9", "r10", "r11", "memory");
	return ret < 0 ? (int)-ret : 0;
#else
	return EPERM;
#endif
}

/* Runs a probe that may crash or stop its process in a grandchild (the filter, being
 * inherited, applies there too): its result, or PROBE_DIED + signal. */
static int isolated(enum probe p)
{
	int fds[2], r = 1000, status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return 1000;
	pid = fork();
	if (pid < 0)
		return 1000;
	if (pid == 0) {
		switch (p) {
		case P_PTRACE:
			r = result(ptrace(PTRACE_TRACEME, 0, 0, 0));
			break;
		case P_I386:
			/* Die of the fault, as the kernel delivers it, rather than in a
			 * sanitizer's handler that turns it into an ordinary exit. */
			signal(SIGSEGV, SIG_DFL);
			r = i386_getpid();
			break;
		default:
			break;
		}
		(void)!write(fds[1], &r, sizeof r);
		_exit(0);
	}
	close(fds[1]);
	if (test_wait_child(pid, ISOLATED_PROBE_SECONDS, &status) < 0)
		r = 1000;
	else if (WIFSIGNALED(status))
		r = PROBE_DIED + WTERMSIG(status);
	else if (read(fds[0], &r, sizeof r) != (ssize_t)sizeof r)
		r = 1000;
	close(fds[0]);
	return r;
}

/* Whether the kernel runs the i386 ABI at all: without IA32 emulation int $0x80 raises
 * SIGSEGV before any filter sees it, so there is nothing to refuse (asked once). */
static bool ia32_available(void)
{
	static int known = -1;

	if (known < 0) {
		int r = isolated(P_I386);
		known = r != PROBE_DIED + SIGSEGV;
		if (!known)
			printf("#   skipped: the kernel has no IA32 emulation (int $0x80 raises "
			       "SIGSEGV); the i386 probes are not run\n");
	}
	return known == 1;
}

static int run_probe(enum probe p)
{
	struct sockaddr_un {
		unsigned short family;
		char path[108];
	} addr = {AF_UNIX, "/nonexistent/socket"};
	int sv[2], fd, r;
	char c = 'x', uring_params[256]; /* struct io_uring_params is 120 bytes */
	char path[4096];
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
		/* Tracing stops the tracee at its next signal: only a grandchild of its own
		 * asks for it (see isolated). */
		return isolated(p);
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
		if (r > 0) {
			int st;
			(void)test_wait_child(r, ISOLATED_PROBE_SECONDS, &st);
		}
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
		if (forced_ia32_crash())
			crash_like_the_ia32_probe(); /* the probe child itself, as it used to be */
		/* A kernel without IA32 emulation answers int $0x80 with SIGSEGV. */
		return isolated(p);
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
	case P_CHMOD_SUID:
		if (probe_file("chmod", path, sizeof path) < 0)
			return 1000;
		return result(chmod(path, 04755));
	case P_FCHMOD_SGID:
		if (probe_file("fchmod", path, sizeof path) < 0 ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return 1000;
		return result(fchmod(fd, 02755));
	case P_FCHMODAT2_SUID:
		if (probe_file("fchmodat2", path, sizeof path) < 0)
			return 1000;
		/* ENOSYS before Linux 6.6: anything but EPERM is "not refused". */
		return result(syscall(452, AT_FDCWD, path, 04755, 0));
	case P_OPEN_SUID:
		snprintf(path, sizeof path, "%s/open-suid", probe_dir);
		return result(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 04755));
	case P_OPENAT_TMPFILE_SGID:
		/* EOPNOTSUPP where the file system has no O_TMPFILE: not EPERM either. */
		return result(openat(AT_FDCWD, probe_dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 02755));
	case P_MKNOD_SUID:
		snprintf(path, sizeof path, "%s/mknod-suid", probe_dir);
		return result(mknod(path, S_IFREG | 04755, 0));
	case P_OPENAT2: {
		uint64_t how[3] = {O_RDONLY | O_CLOEXEC, 0, 0}; /* struct open_how */
		return result(syscall(SYS_openat2, AT_FDCWD, probe_dir, how, sizeof how));
	}
	case P_CHMOD_PLAIN:
		if (probe_file("plain", path, sizeof path) < 0)
			return 1000;
		return result(chmod(path, 0755) == 0 ? chmod(path, 01777) : -1);
	case P_OPEN_PLAIN_HIGH_MODE:
		/* Without O_CREAT the mode means nothing (some callers pass anything). */
		return result(open(probe_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 06777));
	case P_PRLIMIT_PARENT: {
		struct rlimit rl;
		return result(prlimit(getppid(), RLIMIT_NOFILE, NULL, &rl));
	}
	case P_PRLIMIT_SELF: {
		struct rlimit rl;
		return result(getrlimit(RLIMIT_NOFILE, &rl) == 0 ? setrlimit(RLIMIT_NOFILE, &rl)
								 : -1);
	}
	case P_SHMGET:
		r = shmget(IPC_PRIVATE, 4096, 0600);
		if (r >= 0)
			shmctl(r, IPC_RMID, NULL);
		return result(r);
	case P_MQ_UNLINK:
		/* ENOENT when it reaches the kernel. */
		return result(syscall(SYS_mq_unlink, "codex-seccomp-probe-none"));
	case P_OPEN_TREE_ATTR:
		/* ENOSYS before Linux 6.15, EPERM without CAP_SYS_ADMIN: here a plain
		 * open (no clone) that works wherever the call exists. */
		r = (int)syscall(467, AT_FDCWD, "/", O_CLOEXEC, NULL, 0);
		if (r >= 0)
			close(r);
		return result(r);
	case P_COUNT:
		break;
	}
	return -1;
}

/* A plan with what the filter reads. */
static struct lx_plan plan_for(enum sandbox_network net, bool local_binding, bool full_disk)
{
	struct lx_plan p;

	memset(&p, 0, sizeof p);
	p.userns = true;
	p.net = net;
	p.allow_local_binding = local_binding;
	p.full_disk = full_disk;
	return p;
}

/* Runs every probe in a child, with the filter for the plan installed or (filter
 * false) with no_new_privs only. The child sends each result as soon as it has it, so a
 * child that dies or stops is reported with the probe it was at; nothing waits on it
 * for longer than PROBE_CHILD_SECONDS. */
static void probe_plan(int res[P_COUNT], const struct lx_plan *plan, bool filter)
{
	struct timespec start, now;
	size_t got = 0;
	int fds[2], status = 0;
	bool ended = false;
	pid_t pid;

	probe_dir = test_tmpdir();
	memset(res, 0xff, sizeof(int) * P_COUNT);
	REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct err e;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    (filter && lx_seccomp_apply(plan, &e) < 0))
			_exit(1);
		for (int i = 0; i < P_COUNT; i++) {
			int r = run_probe((enum probe)i);
			(void)!write(fds[1], &r, sizeof r);
		}
		_exit(0);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (got < sizeof(int) * P_COUNT && !ended) {
		struct pollfd pf = {fds[0], POLLIN, 0};
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= PROBE_CHILD_SECONDS) {
			test_fail(__FILE__, __LINE__, "the probe child is still at probe %s after "
				  "%d s", probe_name(got / sizeof(int)), PROBE_CHILD_SECONDS);
			break;
		}
		if (poll(&pf, 1, 100) == 0) {
			/* A child in a stop (a signal while traced) holds the pipe open. */
			if (waitpid(pid, &status, WNOHANG | WUNTRACED | __WALL) == pid) {
				ended = true;
				if (WIFSTOPPED(status))
					test_fail(__FILE__, __LINE__, "the probe child stopped by "
						  "signal %d (%s) at probe %s", WSTOPSIG(status),
						  strsignal(WSTOPSIG(status)),
						  probe_name(got / sizeof(int)));
			}
			continue;
		}
		n = read(fds[0], (char *)res + got, sizeof(int) * P_COUNT - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	kill(pid, SIGKILL); /* a stopped or lingering child never ends on its own */
	if (!ended || WIFSTOPPED(status))
		ended = test_wait_child(pid, PROBE_CHILD_SECONDS, &status) == 0;
	if (got < sizeof(int) * P_COUNT && ended && WIFSIGNALED(status) &&
	    WTERMSIG(status) != SIGKILL)
		test_fail(__FILE__, __LINE__, "the probe child died of signal %d (%s) at probe %s",
			  WTERMSIG(status), strsignal(WTERMSIG(status)),
			  probe_name(got / sizeof(int)));
	else if (got < sizeof(int) * P_COUNT)
		test_fail(__FILE__, __LINE__, "the probe child ended after %zu of %d probes",
			  got / sizeof(int), P_COUNT);
}

static void probe_filter(int res[P_COUNT], enum sandbox_network net, bool local_binding,
			 bool filter)
{
	struct lx_plan plan = plan_for(net, local_binding, false);

	probe_plan(res, &plan, filter);
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
		CHECK_INT(r[P_OPEN_TREE_ATTR], EPERM);
		CHECK_INT(r[P_CHROOT], EPERM);
		CHECK_INT(r[P_X32], EPERM);
		if (ia32_available())
			CHECK_INT(r[P_I386], EPERM);
	}
}

TEST(seccomp_without_userns_nothing_of_the_host_namespaces)
{
	int r[P_COUNT];
	struct lx_plan shared = plan_for(SANDBOX_NET_OFF, false, false);

	shared.userns = false;
	probe_plan(r, &shared, true);
	CHECK_INT(r[P_PRLIMIT_PARENT], EPERM);
	CHECK_INT(r[P_SHMGET], EPERM);
	CHECK_INT(r[P_MQ_UNLINK], EPERM);
	CHECK_INT(r[P_PRLIMIT_SELF], 0);
	/* With namespaces of its own, the command may. */
	probe_all(r, SANDBOX_NET_OFF, true);
	CHECK_INT(r[P_PRLIMIT_PARENT], 0);
	CHECK_INT(r[P_SHMGET], 0);
	CHECK_INT(r[P_MQ_UNLINK], ENOENT);
}

TEST(seccomp_no_setid_bits)
{
	int r[P_COUNT];
	struct lx_plan full = plan_for(SANDBOX_NET_OFF, false, true);

	probe_all(r, SANDBOX_NET_OFF, true);
	CHECK_INT(r[P_CHMOD_SUID], EPERM);
	CHECK_INT(r[P_FCHMOD_SGID], EPERM);
	CHECK_INT(r[P_FCHMODAT2_SUID], EPERM);
	CHECK_INT(r[P_OPEN_SUID], EPERM);
	CHECK_INT(r[P_OPENAT_TMPFILE_SGID], EPERM);
	CHECK_INT(r[P_MKNOD_SUID], EPERM);
	CHECK_INT(r[P_OPENAT2], ENOSYS);
	/* What keeps working: other modes, the sticky bit, a mode without O_CREAT. */
	CHECK_INT(r[P_CHMOD_PLAIN], 0);
	CHECK_INT(r[P_OPEN_PLAIN_HIGH_MODE], 0);
	/* danger-full-access leaves files alone. */
	probe_plan(r, &full, true);
	CHECK_INT(r[P_CHMOD_SUID], 0);
	CHECK_INT(r[P_OPEN_SUID], 0);
	CHECK_INT(r[P_OPENAT2], 0);
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
	CHECK_INT(r[P_CHMOD_SUID], 0);
	CHECK_INT(r[P_FCHMOD_SGID], 0);
	CHECK(r[P_FCHMODAT2_SUID] != EPERM);
	CHECK_INT(r[P_OPEN_SUID], 0);
	CHECK(r[P_OPENAT_TMPFILE_SGID] != EPERM);
	CHECK_INT(r[P_MKNOD_SUID], 0);
	CHECK_INT(r[P_OPENAT2], 0);
	CHECK_INT(r[P_PRLIMIT_PARENT], 0);
	CHECK_INT(r[P_SHMGET], 0);
	CHECK(r[P_MQ_UNLINK] != EPERM);
	CHECK(r[P_OPEN_TREE_ATTR] != EPERM);
	if (ia32_available())
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

	/* Every network mode, without and with local binding, with a restricted and an
	 * unrestricted filesystem, with and without user namespaces (and then as the
	 * host's root or not). */
	for (int n = 0; n < 36; n++) {
		struct lx_plan plan = plan_for((enum sandbox_network)(n % 3), n % 6 >= 3, n % 12 >= 6);
		plan.userns = n < 12;
		plan.host_root = n >= 24;
		REQUIRE(lx_seccomp_build(&plan, ins, &prog, &e) == 0);
		CHECK(prog.len > 40 && prog.len < LX_SECCOMP_MAX);
		/* Every jump stays inside the program. */
		for (unsigned i = 0; i < prog.len; i++)
			if ((ins[i].code & 0x07) == LX_BPF_JMP)
				CHECK(i + 1 + ins[i].jt < prog.len && i + 1 + ins[i].jf < prog.len);
		CHECK_INT(ins[prog.len - 1].k, LX_SECCOMP_RET_ALLOW);
	}
}
