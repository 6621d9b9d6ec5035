/* File helpers: bounded whole-file reads, EINTR-safe full writes, atomic replacement. */
#ifndef CODEX_BASE_FILE_H
#define CODEX_BASE_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "base/buf.h"
#include "base/err.h"

/* Reads the whole file at path into out (buf_init'ed by the caller with its ceiling;
 * a file larger than out->max is an error that names the limit). */
int file_read_all(const char *path, struct buf *out, struct err *e);

/* Opens path only if it is a regular file, for a path someone else may control (a file
 * in a directory a sandboxed command could write): the last component is not followed
 * when it is a symlink, the type is checked before the open (a FIFO or a device is never
 * opened) and again after it (same file), and the open never blocks. flags are added to
 * O_CLOEXEC | O_NOCTTY (O_RDONLY, or O_WRONLY | O_CREAT | O_APPEND ...); mode is for
 * O_CREAT. Returns the descriptor (blocking), or -1 with e naming the path and why
 * (errnum ELOOP for a symlink, EINVAL for another type). */
int file_open_regular(const char *path, int flags, mode_t mode, struct err *e);

/* file_read_all through file_open_regular. */
int file_read_regular(const char *path, struct buf *out, struct err *e);

/* Reads everything from fd until EOF into out (same ceiling rule). */
int fd_read_all(int fd, struct buf *out, const char *what, struct err *e);

/* Writes all n bytes, retrying on EINTR and resuming short writes. */
int fd_write_all(int fd, const void *p, size_t n);

/* Replaces path with data atomically: temp file in the same directory, fsync, rename.
 * An existing file keeps its mode; a new one gets new_mode (subject to umask).
 * On any failure the original file is intact and the temp file is removed.
 * file_atomic_fail_after is a test hook: when > 0 it counts down on every write step
 * and simulates a failure when it reaches zero (0 disables it). */
int file_write_atomic(const char *path, const void *data, size_t n, mode_t new_mode,
		      struct err *e);
/* The same with the data in pieces (writev), so a caller never has to join them. */
int file_write_atomic_v(const char *path, const struct iovec *iov, size_t n_iov,
			mode_t new_mode, struct err *e);
extern int file_atomic_fail_after;

/* Like file_write_atomic, but the file ends up with exactly mode (umask and the old
 * file's mode do not matter): for secrets such as auth.json (0600). */
int file_write_atomic_mode(const char *path, const void *data, size_t n, mode_t mode,
			   struct err *e);

/* Creates path's parent directories (like mkdir -p on dirname(path)). */
int file_mkdir_parents(const char *path, struct err *e);

/* 1 if path exists (lstat), 0 if not, -1 on other errors. */
int file_exists(const char *path);

/* Where a path's root ends, the one thing paths spell differently per system
 * (path_posix.c, path_win.c). path_root_len: how many leading characters name the
 * root's volume, before the first '/' of an absolute path: 0 on POSIX, 2 for "C:/x" on
 * Windows. path_is_absolute: "/x" on POSIX; "C:/x", "C:\\x" or "//server/share" on
 * Windows (the Windows build's getcwd gives '/' separators). */
size_t path_root_len(const char *path);
int path_is_absolute(const char *path);
/* This executable, as a path a child process can be started from (caller frees; NULL
 * when memory runs out): "/proc/self/exe" on Linux, the module's file name on Windows
 * (self_exe_posix.c, self_exe_win.c). */
char *path_self_exe(void);

/* Joins a and b with one '/', or returns b when it is absolute. Caller frees; NULL on
 * allocation failure. */
char *path_join(const char *a, const char *b);

/* True when path equals prefix or lies below it, comparing whole components
 * ("/a/b" is under "/a", "/a/bc" is not). Both must be normalised absolute paths. */
int path_is_under(const char *path, const char *prefix);

#endif
