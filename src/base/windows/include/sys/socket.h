/* Windows build: BSD sockets over Winsock (src/base/socket_win.c). A socket is an int
 * holding the SOCKET value (Windows keeps socket handles within 32 bits); each call is
 * wrapped so that errors arrive in errno with their POSIX names (EAGAIN, EINPROGRESS,
 * ECONNRESET, ...), SOCK_NONBLOCK and SOCK_CLOEXEC work, and close/read/write
 * (posix.h) know a socket from a C library descriptor. */
#ifndef CODEX_WIN_SYS_SOCKET_H
#define CODEX_WIN_SYS_SOCKET_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Windows never raises a signal for a vanished peer. */
#define MSG_NOSIGNAL 0
/* Sockets the proxy uses are non-blocking already; the flag is dropped. */
#define MSG_DONTWAIT 0x40000000
#define SOCK_NONBLOCK 0x4000
#define SOCK_CLOEXEC 0x80000
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

int posix_win_socket(int domain, int type, int protocol);
int posix_win_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int posix_win_bind(int fd, const struct sockaddr *addr, socklen_t len);
int posix_win_listen(int fd, int backlog);
int posix_win_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t posix_win_send(int fd, const void *p, size_t n, int flags);
ssize_t posix_win_recv(int fd, void *p, size_t n, int flags);
ssize_t posix_win_sendto(int fd, const void *p, size_t n, int flags,
			 const struct sockaddr *to, socklen_t len);
ssize_t posix_win_recvfrom(int fd, void *p, size_t n, int flags, struct sockaddr *from,
			   socklen_t *len);
ssize_t sendmsg(int fd, const struct msghdr *m, int flags);
int posix_win_getsockopt(int fd, int level, int name, void *v, socklen_t *len);
int posix_win_setsockopt(int fd, int level, int name, const void *v, socklen_t len);
int posix_win_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int posix_win_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int posix_win_shutdown(int fd, int how);
/* A connected pair of stream sockets (TCP over 127.0.0.1: Windows has no socketpair);
 * domain must be AF_UNIX or AF_INET, type SOCK_STREAM (| SOCK_NONBLOCK | SOCK_CLOEXEC,
 * applied to both). */
int socketpair(int domain, int type, int protocol, int fds[2]);

/* codex-lint: no-cloexec mappings, not calls: every socket is made non-inheritable */
#define socket(d, t, p) posix_win_socket(d, t, p)
/* codex-lint: no-cloexec a mapping: adopt() clears HANDLE_FLAG_INHERIT */
#define accept4(fd, a, l, f) posix_win_accept4(fd, a, l, f)
/* codex-lint: no-cloexec a mapping: adopt() clears HANDLE_FLAG_INHERIT */
#define accept(fd, a, l) posix_win_accept4(fd, a, l, 0)
#define bind(fd, a, l) posix_win_bind(fd, a, l)
#define listen(fd, b) posix_win_listen(fd, b)
#define connect(fd, a, l) posix_win_connect(fd, a, l)
#define send(fd, p, n, f) posix_win_send(fd, p, n, f)
#define recv(fd, p, n, f) posix_win_recv(fd, p, n, f)
#define sendto(fd, p, n, f, a, l) posix_win_sendto(fd, p, n, f, a, l)
#define recvfrom(fd, p, n, f, a, l) posix_win_recvfrom(fd, p, n, f, a, l)
#define getsockopt(fd, l, n, v, s) posix_win_getsockopt(fd, l, n, v, s)
#define setsockopt(fd, l, n, v, s) posix_win_setsockopt(fd, l, n, v, s)
#define getsockname(fd, a, l) posix_win_getsockname(fd, a, l)
#define getpeername(fd, a, l) posix_win_getpeername(fd, a, l)
#define shutdown(fd, h) posix_win_shutdown(fd, h)

/* Windows has no such option; proxy.c's listener check then relies on SO_TYPE. */
#ifndef SO_ACCEPTCONN
#define SO_ACCEPTCONN 0x0002
#endif

#endif
