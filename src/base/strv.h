/* A NULL-terminated, growable vector of owned strings (argv, env, path lists). */
#ifndef CODEX_BASE_STRV_H
#define CODEX_BASE_STRV_H

#include <stddef.h>

#include "base/err.h"

struct strv {
	char **v;     /* NULL-terminated once anything was added; owned, as are the strings */
	size_t n;
	size_t cap;
};

#define STRV_INIT {NULL, 0, 0}

/* Appends a copy of s. */
int strv_push(struct strv *sv, const char *s) WARN_UNUSED;
/* Appends s itself, taking ownership (freed here on failure). */
int strv_take(struct strv *sv, char *s) WARN_UNUSED;
int strv_pushf(struct strv *sv, const char *fmt, ...) ERR_PRINTF(2, 3) WARN_UNUSED;
/* Index of s, or -1. */
long strv_find(const struct strv *sv, const char *s);
/* Frees entry i (< n) and closes the gap; the vector stays NULL-terminated. */
void strv_remove(struct strv *sv, size_t i);
void strv_free(struct strv *sv);

/* Environment helpers on a strv of "KEY=VALUE" entries. The value pointer returned by
 * strv_getenv is borrowed and lives until the entry is replaced or the strv is freed. */
const char *strv_getenv(const struct strv *env, const char *key);
int strv_setenv(struct strv *env, const char *key, const char *value) WARN_UNUSED;
void strv_unsetenv(struct strv *env, const char *key);

#endif
