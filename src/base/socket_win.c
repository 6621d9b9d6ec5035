/* BSD sockets on Winsock for the portable code (see sys/socket.h in
 * src/base/windows/include): errno with POSIX names, non-blocking flags, the eventfd
 * and signalfd stand-ins, and close/read/write/fcntl that serve both sockets and the C
 * library's descriptors.
 *
 * Which ints are sockets: a registry indexed by SOCKET value / 4 (socket handles are
 * multiples of 4), filled when this file creates or accepts one and cleared when it
 * closes it. C library descriptors are small indices; a socket handle equal to one of
 * ours open at the same time would be misread, which Windows' handle allocation (low
 * handles belong to the process's startup handles) makes a theoretical case. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#undef close
#undef read
#undef write
#undef socket
#undef accept
#undef accept4
#undef bind
#undef listen
#undef connect
#undef send
#undef recv
#undef sendto
#undef recvfrom
#undef getsockopt
#undef setsockopt
#undef getsockname
#undef getpeername
#undef shutdown

/* The largest socket value tracked (a 4 MiB table at most). */
#define SOCKET_MAX (1u << 24)
enum { IS_SOCKET = 1, IS_NONBLOCK = 2 };

/* The signalfd of the process (one at a time), or -1. */
static volatile LONG signal_fd = -1;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *reg;
static size_t reg_len;

__attribute__((constructor)) static void winsock_start(void)
{
	WSADATA d;

	/* A failure shows up as WSANOTINITIALISED on the first socket call. */
	(void)WSAStartup(MAKEWORD(2, 2), &d);
}

static unsigned char reg_get(int fd)
{
	size_t i = (size_t)(unsigned)fd / 4;
	unsigned char v = 0;

	if (fd < 0 || (unsigned)fd % 4)
		return 0;
	pthread_mutex_lock(&reg_lock);
	if (i < reg_len)
		v = reg[i];
	pthread_mutex_unlock(&reg_lock);
	return v;
}

static int reg_set(int fd, unsigned char v)
{
	size_t i = (size_t)(unsigned)fd / 4;
	int rc = 0;

	pthread_mutex_lock(&reg_lock);
	if (i >= reg_len) {
		size_t n = reg_len ? reg_len : 1024;
		unsigned char *p;
		while (n <= i)
			n *= 2;
		if (n > SOCKET_MAX / 4 || !(p = realloc(reg, n))) {
			rc = -1;
		} else {
			memset(p + reg_len, 0, n - reg_len);
			reg = p;
			reg_len = n;
		}
	}
	if (rc == 0)
		reg[i] = v;
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

/* errno for the last Winsock error. */
static int wsa_errno(void)
{
	switch (WSAGetLastError()) {
	case WSAEWOULDBLOCK:
		return EAGAIN;
	case WSAEINPROGRESS:
	case WSAEALREADY:
		return EALREADY;
	case WSAEINTR:
		return EINTR;
	case WSAEBADF:
	case WSAENOTSOCK:
		return EBADF;
	case WSAEACCES:
		return EACCES;
	case WSAEFAULT:
		return EFAULT;
	case WSAEINVAL:
		return EINVAL;
	case WSAEMFILE:
		return EMFILE;
	case WSAEMSGSIZE:
		return EMSGSIZE;
	case WSAEPROTOTYPE:
		return EPROTOTYPE;
	case WSAENOPROTOOPT:
		return ENOPROTOOPT;
	case WSAEPROTONOSUPPORT:
		return EPROTONOSUPPORT;
	case WSAEOPNOTSUPP:
		return EOPNOTSUPP;
	case WSAEAFNOSUPPORT:
		return EAFNOSUPPORT;
	case WSAEADDRINUSE:
		return EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return EADDRNOTAVAIL;
	case WSAENETDOWN:
		return ENETDOWN;
	case WSAENETUNREACH:
		return ENETUNREACH;
	case WSAENETRESET:
		return ENETRESET;
	case WSAECONNABORTED:
		return ECONNABORTED;
	case WSAECONNRESET:
		return ECONNRESET;
	case WSAENOBUFS:
		return ENOBUFS;
	case WSAEISCONN:
		return EISCONN;
	case WSAENOTCONN:
		return ENOTCONN;
	case WSAESHUTDOWN:
		return EPIPE;
	case WSAETIMEDOUT:
		return ETIMEDOUT;
	case WSAECONNREFUSED:
		return ECONNREFUSED;
	case WSAEHOSTUNREACH:
		return EHOSTUNREACH;
	default:
		return EIO;
	}
}

static int fail(void)
{
	errno = wsa_errno();
	return -1;
}

static int set_nonblock(int fd, bool on)
{
	u_long v = on;

	if (ioctlsocket((SOCKET)fd, FIONBIO, &v) != 0)
		return fail();
	return reg_set(fd, IS_SOCKET | (on ? IS_NONBLOCK : 0));
}

/* A new socket: registered, not inheritable, non-blocking when asked. */
static int adopt(SOCKET s, int flags)
{
	int fd;

	if (s == INVALID_SOCKET)
		return fail();
	if (s > SOCKET_MAX) {
		closesocket(s);
		errno = EMFILE;
		return -1;
	}
	fd = (int)s;
	(void)SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	if (reg_set(fd, IS_SOCKET) < 0 ||
	    ((flags & SOCK_NONBLOCK) && set_nonblock(fd, true) < 0)) {
		int saved = errno ? errno : ENOMEM;
		closesocket(s);
		reg_set(fd, 0);
		errno = saved;
		return -1;
	}
	return fd;
}

int posix_win_socket(int domain, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	return adopt(WSASocketW(domain, type, protocol, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT),
		     flags);
}

int posix_win_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	/* codex-lint: no-cloexec adopt() clears HANDLE_FLAG_INHERIT at once */
	return adopt(accept((SOCKET)fd, addr, len), flags);
}

int posix_win_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind((SOCKET)fd, addr, len) == 0 ? 0 : fail();
}

int posix_win_listen(int fd, int backlog)
{
	return listen((SOCKET)fd, backlog) == 0 ? 0 : fail();
}

/* A non-blocking connect that has started is EINPROGRESS, as on POSIX. */
int posix_win_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (connect((SOCKET)fd, addr, len) == 0)
		return 0;
	errno = wsa_errno();
	if (errno == EAGAIN || errno == EALREADY)
		errno = EINPROGRESS;
	return -1;
}

static int io_len(size_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

ssize_t posix_win_send(int fd, const void *p, size_t n, int flags)
{
	int r = send((SOCKET)fd, p, io_len(n), flags & ~MSG_DONTWAIT);

	return r == SOCKET_ERROR ? fail() : r;
}

ssize_t posix_win_recv(int fd, void *p, size_t n, int flags)
{
	int r = recv((SOCKET)fd, p, io_len(n), flags & ~MSG_DONTWAIT);

	return r == SOCKET_ERROR ? fail() : r;
}

ssize_t posix_win_sendto(int fd, const void *p, size_t n, int flags,
			 const struct sockaddr *to, socklen_t len)
{
	int r = sendto((SOCKET)fd, p, io_len(n), flags & ~MSG_DONTWAIT, to, len);

	return r == SOCKET_ERROR ? fail() : r;
}

ssize_t posix_win_recvfrom(int fd, void *p, size_t n, int flags, struct sockaddr *from,
			   socklen_t *len)
{
	int r = recvfrom((SOCKET)fd, p, io_len(n), flags & ~MSG_DONTWAIT, from, len);

	return r == SOCKET_ERROR ? fail() : r;
}

/* Gathered sends (no ancillary data). */
ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	WSABUF bufs[64];
	DWORD sent = 0, n = (DWORD)(m->msg_iovlen < 64 ? m->msg_iovlen : 64);

	if (m->msg_controllen) {
		errno = EOPNOTSUPP;
		return -1;
	}
	for (DWORD i = 0; i < n; i++) {
		bufs[i].buf = m->msg_iov[i].iov_base;
		bufs[i].len = (ULONG)(m->msg_iov[i].iov_len > ULONG_MAX ? ULONG_MAX
									 : m->msg_iov[i].iov_len);
	}
	if (WSASendTo((SOCKET)fd, bufs, n, &sent, 0, m->msg_name, (int)m->msg_namelen, NULL,
		      NULL) != 0)
		return fail();
	return (ssize_t)sent;
}

int posix_win_getsockopt(int fd, int level, int name, void *v, socklen_t *len)
{
	if (getsockopt((SOCKET)fd, level, name, v, len) != 0)
		return fail();
	/* SO_ERROR holds a Winsock code: the caller expects an errno value. */
	if (level == SOL_SOCKET && name == SO_ERROR && *len >= (socklen_t)sizeof(int) &&
	    *(int *)v) {
		WSASetLastError(*(int *)v);
		*(int *)v = wsa_errno();
	}
	return 0;
}

int posix_win_setsockopt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt((SOCKET)fd, level, name, v, len) == 0 ? 0 : fail();
}

int posix_win_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getsockname((SOCKET)fd, addr, len) == 0 ? 0 : fail();
}

int posix_win_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getpeername((SOCKET)fd, addr, len) == 0 ? 0 : fail();
}

int posix_win_shutdown(int fd, int how)
{
	return shutdown((SOCKET)fd, how) == 0 ? 0 : fail();
}

/* The listener lives only until its one connection is accepted, and the accepted peer
 * must be our own connecting socket (its address compared with getsockname), so no other
 * local process can slip in between listen and accept. */
int socketpair(int domain, int type, int protocol, int fds[2])
{
	struct sockaddr_in a, mine, peer;
	socklen_t len = sizeof a, ml = sizeof mine, pl = sizeof peer;
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC), l = -1, c = -1, s = -1, saved;

	if ((domain != AF_UNIX && domain != AF_INET) ||
	    (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = posix_win_socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    posix_win_bind(l, (struct sockaddr *)&a, sizeof a) < 0 || posix_win_listen(l, 1) < 0 ||
	    posix_win_getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    (c = posix_win_socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    posix_win_connect(c, (struct sockaddr *)&a, len) < 0 ||
	    posix_win_getsockname(c, (struct sockaddr *)&mine, &ml) < 0)
		goto fail;
	for (;;) {
		pl = sizeof peer;
		if ((s = posix_win_accept4(l, (struct sockaddr *)&peer, &pl, 0)) < 0)
			goto fail;
		if (peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == mine.sin_addr.s_addr)
			break;
		posix_win_close(s); /* someone else's connection */
		s = -1;
	}
	posix_win_close(l);
	l = -1;
	if ((flags & SOCK_NONBLOCK) && (set_nonblock(s, true) < 0 || set_nonblock(c, true) < 0))
		goto fail;
	fds[0] = s;
	fds[1] = c;
	return 0;
fail:
	saved = errno ? errno : EIO;
	if (l >= 0)
		posix_win_close(l);
	if (c >= 0)
		posix_win_close(c);
	if (s >= 0)
		posix_win_close(s);
	errno = saved;
	return -1;
}

int posix_win_close(int fd)
{
	if (reg_get(fd) & IS_SOCKET) {
		InterlockedCompareExchange(&signal_fd, -1, fd);
		reg_set(fd, 0);
		return closesocket((SOCKET)fd) == 0 ? 0 : fail();
	}
	return _close(fd);
}

ssize_t posix_win_read(int fd, void *p, size_t n)
{
	if (reg_get(fd) & IS_SOCKET)
		return posix_win_recv(fd, p, n, 0);
	return _read(fd, p, n > INT_MAX ? INT_MAX : (unsigned)n);
}

ssize_t posix_win_write(int fd, const void *p, size_t n)
{
	if (reg_get(fd) & IS_SOCKET)
		return posix_win_send(fd, p, n, 0);
	return _write(fd, p, n > INT_MAX ? INT_MAX : (unsigned)n);
}

/* Descriptors are never inherited (_O_NOINHERIT, WSA_FLAG_NO_HANDLE_INHERIT); only
 * sockets can be non-blocking. */
int fcntl(int fd, int cmd, ...)
{
	unsigned char r = reg_get(fd);
	va_list ap;
	int arg;

	switch (cmd) {
	case F_GETFD:
		return FD_CLOEXEC;
	case F_SETFD:
		return 0;
	case F_GETFL:
		return r & IS_NONBLOCK ? O_NONBLOCK : 0;
	case F_SETFL:
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
		if (!(r & IS_SOCKET))
			return 0;
		return set_nonblock(fd, arg & O_NONBLOCK);
	}
	errno = EINVAL;
	return -1;
}

/* No pipes for splicing: callers copy through user space instead. */
int posix_win_pipe2(int fds[2], int flags)
{
	errno = ENOSYS;
	return -1;
}

ssize_t splice(int in, long long *in_off, int out, long long *out_off, size_t n,
	       unsigned flags)
{
	errno = EINVAL;
	return -1;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (old)
		memset(old, 0, sizeof *old);
	return 0;
}

/* A UDP socket on 127.0.0.1 connected to itself: a wake-up WSAPoll can wait for. */
int eventfd(unsigned initval, int flags)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = posix_win_socket(AF_INET, SOCK_DGRAM | (flags & EFD_NONBLOCK ? SOCK_NONBLOCK : 0),
				  0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (posix_win_bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    posix_win_getsockname(fd, (struct sockaddr *)&a, &len) < 0 ||
	    posix_win_connect(fd, (struct sockaddr *)&a, len) < 0) {
		int saved = errno;
		posix_win_close(fd);
		errno = saved;
		return -1;
	}
	if (initval) {
		uint64_t one = initval;
		(void)posix_win_send(fd, &one, sizeof one, 0);
	}
	return fd;
}

/* The console handler feeding the signalfd (signal_fd, above). */
static BOOL WINAPI on_console_event(DWORD type)
{
	struct signalfd_siginfo si;
	int fd = (int)signal_fd;

	if (fd < 0)
		return FALSE; /* the default: the process ends */
	memset(&si, 0, sizeof si);
	si.ssi_signo = type == CTRL_C_EVENT ? SIGINT : SIGTERM;
	(void)posix_win_send(fd, &si, sizeof si, 0);
	return TRUE;
}

int signalfd(int fd, const sigset_t *mask, int flags)
{
	int s;

	if (fd != -1 || signal_fd >= 0) {
		errno = EINVAL;
		return -1;
	}
	s = eventfd(0, EFD_CLOEXEC | (flags & SFD_NONBLOCK ? EFD_NONBLOCK : 0));
	if (s < 0)
		return -1;
	InterlockedExchange(&signal_fd, s);
	if (!SetConsoleCtrlHandler(on_console_event, TRUE)) {
		InterlockedExchange(&signal_fd, -1);
		posix_win_close(s);
		errno = EINVAL;
		return -1;
	}
	return s;
}
