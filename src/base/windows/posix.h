/* Included first in every file of the Windows build (-include, see the Makefile), so
 * that the portable modules read the same on both systems with no #ifdef of their own.
 * It pulls in the C library's headers, then maps the POSIX calls whose Windows spelling
 * or behaviour differs (mkdir's mode, rename over an existing file, open's text mode)
 * onto src/base/posix_win.c. Headers Windows lacks altogether (sys/uio.h, pwd.h, ...)
 * are in src/base/windows/include. Nothing here is compiled into the Linux build. */
#ifndef CODEX_BASE_WINDOWS_POSIX_H
#define CODEX_BASE_WINDOWS_POSIX_H

/* printf-like functions take C99 formats (%zu): mingw-w64's own printf family is
 * linked (__USE_MINGW_ANSI_STDIO), so their format checks are gnu_printf's. */
#define ERR_PRINTF_STYLE gnu_printf

/* gmtime_r and localtime_r from the C library's headers. */
#define _POSIX_THREAD_SAFE_FUNCTIONS 200112L

#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Flags Windows does not have. Handles are not inherited unless asked for (the C
 * library's descriptors are opened _O_NOINHERIT below), symlinks are rare and not
 * followed by our checks, and there are no controlling terminals. */
#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#define O_NOFOLLOW 0
/* Meaningful for sockets only (src/base/socket_win.c); files ignore it. A bit no _O_*
 * flag uses (0x4000 would be _O_TEXT). */
#define O_NONBLOCK 0x100000
#define O_NOCTTY 0
/* A directory opened for fsync (rollout.c): a handle with backup semantics, whose
 * fsync is a no-op (NTFS journals names; Windows cannot flush a directory). A bit no
 * _O_* flag uses. */
#define O_DIRECTORY 0x200000

#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
#ifndef S_IFLNK
#define S_IFLNK 0120000
#endif
#ifndef ELOOP
#define ELOOP 114
#endif

#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define FD_CLOEXEC 1
#define AT_FDCWD (-100)
#define AT_EACCESS 0x200

typedef int uid_t;
typedef int gid_t;

/* Calls that exist with another shape, or not at all. */
int posix_win_mkdir(const char *path, int mode);
int posix_win_rename(const char *from, const char *to);
int posix_win_open(const char *path, int flags, ...);
int posix_win_lstat(const char *path, struct stat *st);
int posix_win_fstat(int fd, struct stat *st);
ssize_t posix_win_readlink(const char *path, char *buf, size_t n);
char *posix_win_realpath(const char *path, char *resolved);
int posix_win_mkostemp(char *tmpl, int flags);
int posix_win_fchmod(int fd, int mode);
int posix_win_fsync(int fd);
uid_t posix_win_getuid(void);
char *posix_win_getcwd(char *buf, size_t n);
int fcntl(int fd, int cmd, ...);
int faccessat(int dirfd, const char *path, int mode, int flags);
char *strndup(const char *s, size_t n);
void *memrchr(const void *s, int c, size_t n);
char *strcasestr(const char *haystack, const char *needle);
#define timegm(tm) _mkgmtime(tm)
/* Advisory whole-file locks (LockFileEx on the descriptor's handle) and positioned
 * reads, for the history file. */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
int flock(int fd, int op);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
/* Wiping secrets: SecureZeroMemory's portable name. */
void explicit_bzero(void *p, size_t n);
#define SPLICE_F_MOVE 1
#define SPLICE_F_NONBLOCK 2

/* A socket is closed, read and written through Winsock, a descriptor through the C
 * library: these tell the two apart (src/base/socket_win.c). */
int posix_win_close(int fd);
ssize_t posix_win_read(int fd, void *p, size_t n);
ssize_t posix_win_write(int fd, const void *p, size_t n);
int posix_win_pipe2(int fds[2], int flags);
ssize_t splice(int in, long long *in_off, int out, long long *out_off, size_t n,
	       unsigned flags);
#define close(fd) posix_win_close(fd)
#define read(fd, p, n) posix_win_read(fd, p, n)
#define write(fd, p, n) posix_win_write(fd, p, n)
/* codex-lint: no-cloexec a mapping, not a call: no pipes (callers copy instead) */
#define pipe2(fds, f) posix_win_pipe2(fds, f)
#define mkdir(p, m) posix_win_mkdir(p, m)
#define rename(a, b) posix_win_rename(a, b)
/* codex-lint: no-cloexec a mapping, not a call: posix_win_open adds _O_NOINHERIT */
#define open(...) posix_win_open(__VA_ARGS__)
/* st_dev and st_ino identify the file (volume serial, file index) in all three, so
 * the "same file" checks hold; the C library leaves st_ino 0 and fills st_dev
 * differently for a path and a descriptor. */
#define lstat(p, s) posix_win_lstat(p, s)
#define stat(p, s) posix_win_lstat(p, s)
#define fstat(fd, s) posix_win_fstat(fd, s)
#define readlink(p, b, n) posix_win_readlink(p, b, n)
#define realpath(p, r) posix_win_realpath(p, r)
/* codex-lint: no-cloexec a mapping, not a call: the file is opened _O_NOINHERIT */
#define mkostemp(t, f) posix_win_mkostemp(t, f)
#define fchmod(fd, m) posix_win_fchmod(fd, m)
#define fsync(fd) posix_win_fsync(fd)
#define getuid() posix_win_getuid()
/* fopen's "e" (close-on-exec) is glibc's: Windows' C library may reject a mode letter it
 * does not know (an invalid-parameter abort), and its files are not inherited anyway. */
FILE *posix_win_fopen(const char *path, const char *mode);
/* codex-lint: no-cloexec a mapping, not a call: the "e" is dropped, files are not inherited */
#define fopen(p, m) posix_win_fopen(p, m)
/* With '/' separators ("C:/work/x"), as the portable modules join paths. */
#define getcwd(b, n) posix_win_getcwd(b, n)
#define geteuid() posix_win_getuid()

#endif
