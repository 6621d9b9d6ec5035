/* File helpers: bounded whole-file reads, EINTR-safe full writes, atomic replacement. */
#ifndef CODEX_BASE_FILE_H
#define CODEX_BASE_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"

/* Reads the whole file at path into out (buf_init'ed by the caller with its ceiling;
 * a file larger than out->max is an error that names the limit). */
int file_read_all(const char *path, struct buf *out, struct err *e);

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
extern int file_atomic_fail_after;

/* Creates path's parent directories (like mkdir -p on dirname(path)). */
int file_mkdir_parents(const char *path, struct err *e);

/* 1 if path exists (lstat), 0 if not, -1 on other errors. */
int file_exists(const char *path);

/* Joins a and b with one '/', or returns b when it is absolute. Caller frees; NULL on
 * allocation failure. */
char *path_join(const char *a, const char *b);

/* True when path equals prefix or lies below it, comparing whole components
 * ("/a/b" is under "/a", "/a/bc" is not). Both must be normalised absolute paths. */
int path_is_under(const char *path, const char *prefix);

#endif
