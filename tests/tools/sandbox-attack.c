/* Attacks the shell cannot express, for tests/integration/sandbox_escape.sh. Each
 * subcommand tries one thing and exits 0 when the attack WORKED (so the suite can
 * show it works outside the sandbox, and fails inside), 1 when it was refused (the
 * reason on stderr), 2 on bad usage.
 *
 *   victim FILE                 write the address of a buffer to FILE, then wait until
 *                               the buffer says "PWNED" (print it, exit 0) or 5 s pass
 *   ptrace PID                  PTRACE_ATTACH to PID
 *   vm-write PID ADDR           process_vm_writev "PWNED" to ADDR in PID
 *   proc-mem PID ADDR           the same through /proc/PID/mem
 *   io-uring                    io_uring_setup
 *   socket FAMILY TYPE [PROTO]  socket(); FAMILY inet|inet6|unix|netlink|packet,
 *                               TYPE stream|dgram|raw|seqpacket
 *   udp-send PORT               sendto 127.0.0.1:PORT over UDP
 *   unix-connect PATH           connect to a unix stream socket (PATH "@name": abstract)
 *   unix-sendto PATH            send a datagram to a unix datagram socket by name
 *   unix-pair-sendmsg PATH      socketpair(AF_UNIX, SOCK_DGRAM), then sendmsg by name
 *   chroot-escape DIR OUT       classic chroot breakout, then create OUT
 *   open-by-handle PATH OUT [VIA]  name_to_handle_at + open_by_handle_at, then write OUT;
 *                               the handle is opened through directory VIA (default /),
 *                               which must be on PATH's file system: a writable bind of a
 *                               subtree of it is the classic way out of that subtree
 *   openat-fd FD NAME           create NAME relative to descriptor FD
 *   bpf                         bpf(BPF_MAP_CREATE)
 *   setns PATH                  setns to the namespace file PATH
 *   tiocsti FD TEXT             push TEXT into the terminal on FD with TIOCSTI
 *   rename-exchange A B         swap A and B atomically (renameat2 RENAME_EXCHANGE)
 *   fork-count N                fork up to N children that wait; print how many forks
 *                               worked ("forked K of N"), then kill and reap them; exit 0
 *                               when all N worked */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

static int refused(const char *what)
{
	fprintf(stderr, "sandbox-attack: %s: %s\n", what, strerror(errno));
	return 1;
}

static int victim(const char *file)
{
	static char buf[64] = "intact";
	FILE *f = fopen(file, "we");

	if (!f)
		return refused("victim");
	fprintf(f, "%lu\n", (unsigned long)(uintptr_t)buf);
	fclose(f);
	for (int i = 0; i < 500; i++) {
		if (strncmp(buf, "PWNED", 5) == 0) {
			printf("%s\n", buf);
			return 0;
		}
		usleep(10000);
	}
	printf("%s\n", buf);
	return 1;
}

static int family(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} t[] = {{"inet", AF_INET}, {"inet6", AF_INET6}, {"unix", AF_UNIX},
		 {"netlink", AF_NETLINK}, {"packet", AF_PACKET}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].value;
	return -1;
}

static int socktype(const char *s)
{
	if (strcmp(s, "stream") == 0)
		return SOCK_STREAM;
	if (strcmp(s, "dgram") == 0)
		return SOCK_DGRAM;
	if (strcmp(s, "raw") == 0)
		return SOCK_RAW;
	if (strcmp(s, "seqpacket") == 0)
		return SOCK_SEQPACKET;
	return -1;
}

static socklen_t unix_addr(struct sockaddr_un *a, const char *path)
{
	size_t n = strlen(path);

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (n >= sizeof a->sun_path)
		n = sizeof a->sun_path - 1;
	memcpy(a->sun_path, path, n);
	if (path[0] == '@')
		a->sun_path[0] = '\0'; /* abstract namespace */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
}

static int chroot_escape(const char *dir, const char *out)
{
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return refused("mkdir");
	if (chroot(dir) < 0)
		return refused("chroot");
	/* The cwd stayed outside the new root: climb to the real root from there. */
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return refused("chdir");
	if (chroot(".") < 0)
		return refused("chroot back");
	fd = open(out, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return refused("open");
	close(fd);
	return 0;
}

static int by_handle(const char *path, const char *out, const char *via)
{
	struct {
		struct file_handle fh;
		unsigned char data[128];
	} h;
	int mount_id, fd, dfd;

	h.fh.handle_bytes = sizeof h.data;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return refused("name_to_handle_at");
	dfd = open(via, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return refused("open via");
	fd = open_by_handle_at(dfd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return refused("open_by_handle_at");
	if (openat(fd, out, O_CREAT | O_WRONLY | O_CLOEXEC, 0644) < 0)
		return refused("openat");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char pwned[] = "PWNED";

	if (strcmp(cmd, "victim") == 0 && argc == 3)
		return victim(argv[2]);
	if (strcmp(cmd, "ptrace") == 0 && argc == 3) {
		pid_t pid = (pid_t)atoi(argv[2]);
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
			return refused("ptrace");
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return 0;
	}
	if (strcmp(cmd, "vm-write") == 0 && argc == 4) {
		struct iovec local = {pwned, sizeof pwned};
		struct iovec remote = {(void *)(uintptr_t)strtoul(argv[3], NULL, 10), sizeof pwned};
		if (process_vm_writev((pid_t)atoi(argv[2]), &local, 1, &remote, 1, 0) < 0)
			return refused("process_vm_writev");
		return 0;
	}
	if (strcmp(cmd, "proc-mem") == 0 && argc == 4) {
		char path[64];
		int fd;
		snprintf(path, sizeof path, "/proc/%s/mem", argv[2]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return refused("open /proc/PID/mem");
		if (pwrite(fd, pwned, sizeof pwned, (off_t)strtoul(argv[3], NULL, 10)) < 0)
			return refused("pwrite");
		return 0;
	}
	if (strcmp(cmd, "io-uring") == 0) {
		unsigned char params[256] = {0}; /* struct io_uring_params is 120 bytes */
		if (syscall(SYS_io_uring_setup, 4, params) < 0)
			return refused("io_uring_setup");
		return 0;
	}
	if (strcmp(cmd, "socket") == 0 && argc >= 4) {
		int f = family(argv[2]), t = socktype(argv[3]);
		int proto = argc > 4 ? atoi(argv[4]) : 0;
		if (f < 0 || t < 0)
			return 2;
		if (socket(f, t | SOCK_CLOEXEC, proto) < 0)
			return refused("socket");
		return 0;
	}
	if (strcmp(cmd, "udp-send") == 0 && argc == 3) {
		struct sockaddr_in a = {0};
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return refused("socket");
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)atoi(argv[2]));
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (sendto(fd, "PWNED", 5, 0, (struct sockaddr *)&a, sizeof a) < 0)
			return refused("sendto");
		return 0;
	}
	if (strcmp(cmd, "unix-connect") == 0 && argc == 3) {
		struct sockaddr_un a;
		socklen_t len = unix_addr(&a, argv[2]);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return refused("socket");
		if (connect(fd, (struct sockaddr *)&a, len) < 0)
			return refused("connect");
		if (write(fd, "PWNED\n", 6) != 6)
			return refused("write");
		return 0;
	}
	if ((strcmp(cmd, "unix-sendto") == 0 || strcmp(cmd, "unix-pair-sendmsg") == 0) &&
	    argc == 3) {
		struct sockaddr_un a;
		socklen_t len = unix_addr(&a, argv[2]);
		struct iovec iov = {pwned, 5};
		struct msghdr msg = {0};
		int sv[2];
		if (strcmp(cmd, "unix-sendto") == 0) {
			sv[0] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (sv[0] < 0)
				return refused("socket");
			if (sendto(sv[0], pwned, 5, 0, (struct sockaddr *)&a, len) < 0)
				return refused("sendto");
			return 0;
		}
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
			return refused("socketpair");
		msg.msg_name = &a;
		msg.msg_namelen = len;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (sendmsg(sv[0], &msg, 0) < 0)
			return refused("sendmsg");
		return 0;
	}
	if (strcmp(cmd, "chroot-escape") == 0 && argc == 4)
		return chroot_escape(argv[2], argv[3]);
	if (strcmp(cmd, "open-by-handle") == 0 && (argc == 4 || argc == 5))
		return by_handle(argv[2], argv[3], argc == 5 ? argv[4] : "/");
	if (strcmp(cmd, "openat-fd") == 0 && argc == 4) {
		if (openat(atoi(argv[2]), argv[3], O_CREAT | O_WRONLY | O_CLOEXEC, 0644) < 0)
			return refused("openat");
		return 0;
	}
	if (strcmp(cmd, "bpf") == 0) {
		uint32_t attr[16] = {2 /* BPF_MAP_TYPE_ARRAY */, 4, 4, 1};
		if (syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr) < 0)
			return refused("bpf");
		return 0;
	}
	if (strcmp(cmd, "setns") == 0 && argc == 3) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return refused("open");
		if (setns(fd, 0) < 0)
			return refused("setns");
		return 0;
	}
	if (strcmp(cmd, "tiocsti") == 0 && argc == 4) {
		int fd = atoi(argv[2]);
		for (const char *c = argv[3]; *c; c++)
			if (ioctl(fd, TIOCSTI, c) < 0)
				return refused("TIOCSTI");
		return 0;
	}
	if (strcmp(cmd, "fork-count") == 0 && argc == 3) {
		long want = atol(argv[2]), got = 0;
		pid_t *kids = calloc((size_t)(want > 0 ? want : 1), sizeof *kids);
		if (!kids)
			return 2;
		for (; got < want; got++) {
			pid_t pid = fork();
			if (pid < 0)
				break;
			if (pid == 0) {
				pause();
				_exit(0);
			}
			kids[got] = pid;
		}
		printf("forked %ld of %ld\n", got, want);
		fflush(stdout);
		for (long i = 0; i < got; i++)
			kill(kids[i], SIGKILL);
		for (long i = 0; i < got; i++)
			waitpid(kids[i], NULL, 0);
		free(kids);
		return got == want ? 0 : refused("fork");
	}
	if (strcmp(cmd, "rename-exchange") == 0 && argc == 4) {
		if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 2 /* EXCHANGE */) < 0)
			return refused("renameat2");
		return 0;
	}
	fprintf(stderr, "usage: sandbox-attack SUBCOMMAND ARGS (see the source)\n");
	return 2;
}
