#include "base/strv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/vec.h"

int strv_take(struct strv *sv, char *s)
{
	char **v;

	if (!s)
		return -1;
	/* Room for s and the NULL after it. */
	v = vec_grow(sv->v, &sv->cap, sv->n + 1, sizeof *v, LIMIT_STRV_ITEMS + 1);
	if (!v) {
		free(s);
		return -1;
	}
	sv->v = v;
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

int strv_push(struct strv *sv, const char *s)
{
	return strv_take(sv, strdup(s));
}

int strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return strv_take(sv, s);
}

long strv_find(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return (long)i;
	return -1;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

static long env_index(const struct strv *env, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], key, kl) == 0 && env->v[i][kl] == '=')
			return (long)i;
	return -1;
}

const char *strv_getenv(const struct strv *env, const char *key)
{
	long i = env_index(env, key);
	return i < 0 ? NULL : env->v[i] + strlen(key) + 1;
}

int strv_setenv(struct strv *env, const char *key, const char *value)
{
	long i = env_index(env, key);
	char *s;

	if (asprintf(&s, "%s=%s", key, value) < 0)
		return -1;
	if (i < 0)
		return strv_take(env, s);
	free(env->v[i]);
	env->v[i] = s;
	return 0;
}

void strv_remove(struct strv *sv, size_t i)
{
	free(sv->v[i]);
	/* (n - i entries after i: the rest and the terminating NULL) */
	memmove(&sv->v[i], &sv->v[i + 1], (sv->n - i) * sizeof *sv->v);
	sv->n--;
}

void strv_unsetenv(struct strv *env, const char *key)
{
	long i;

	while ((i = env_index(env, key)) >= 0)
		strv_remove(env, (size_t)i);
}
