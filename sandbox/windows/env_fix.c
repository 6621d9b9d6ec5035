/* The environment of an elevated run (windows_sandbox.h, win_env_for_logon_user;
 * reference codex-windows-sandbox.md §4 step 1). */
#include "sandbox/windows/windows_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

/* Index of KEY's entry, matched without regard to ASCII case (as Windows does), or -1. */
static long find_key(const struct strv *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++) {
		const char *s = env->v[i];
		size_t k = 0;
		while (k < n && s[k] && (s[k] | 0x20) == (key[k] | 0x20))
			k++;
		if (k == n && s[n] == '=')
			return (long)i;
	}
	return -1;
}

/* Sets KEY=value, replacing an entry of any case, or only when absent (keep). */
static int set(struct strv *env, const char *key, const char *value, bool keep)
{
	long at = find_key(env, key);
	char *entry;
	size_t len = strlen(key) + strlen(value) + 2;

	if (at >= 0 && keep)
		return 0;
	if (!(entry = malloc(len)))
		return -1;
	snprintf(entry, len, "%s=%s", key, value);
	if (at < 0)
		return strv_take(env, entry);
	free(env->v[at]);
	env->v[at] = entry;
	return 0;
}

int win_env_for_logon_user(struct strv *env, const char *git_root, struct err *e)
{
	char key[48], n[24];
	long at;
	unsigned long count = 0;

	/* The sandbox account has no /dev/null; NUL is the device on Windows. */
	for (size_t i = 0; i < env->n; i++) {
		char *eq = strchr(env->v[i], '=');
		if (eq && eq != env->v[i] && strcmp(eq + 1, "/dev/null") == 0) {
			char *fixed = malloc((size_t)(eq - env->v[i]) + 5);
			if (!fixed)
				return err_set(e, "out of memory");
			snprintf(fixed, (size_t)(eq - env->v[i]) + 5, "%.*s=NUL",
				 (int)(eq - env->v[i]), env->v[i]);
			free(env->v[i]);
			env->v[i] = fixed;
		}
	}
	/* No one can answer a pager in a captured run. */
	if (set(env, "GIT_PAGER", "more.com", true) < 0 || set(env, "PAGER", "more.com", true) < 0 ||
	    set(env, "LESS", "", true) < 0)
		return err_set(e, "out of memory");
	if (!git_root || !*git_root)
		return 0;
	/* The repository belongs to the real user, not to the sandbox account: without
	 * safe.directory git refuses to work in it. Appended after the caller's own
	 * GIT_CONFIG_* entries. */
	if ((at = find_key(env, "GIT_CONFIG_COUNT")) >= 0) {
		const char *v = strchr(env->v[at], '=') + 1;
		char *end;
		count = strtoul(v, &end, 10);
		if (!*v || *end || count >= WIN_GIT_CONFIG_COUNT_MAX)
			return err_set(e, "GIT_CONFIG_COUNT=%s is not a count below %d", v,
				       WIN_GIT_CONFIG_COUNT_MAX);
	}
	snprintf(key, sizeof key, "GIT_CONFIG_KEY_%lu", count);
	if (set(env, key, "safe.directory", false) < 0)
		return err_set(e, "out of memory");
	snprintf(key, sizeof key, "GIT_CONFIG_VALUE_%lu", count);
	snprintf(n, sizeof n, "%lu", count + 1);
	if (set(env, key, git_root, false) < 0 || set(env, "GIT_CONFIG_COUNT", n, false) < 0)
		return err_set(e, "out of memory");
	return 0;
}

char *win_git_root(const char *cwd, bool (*has_git)(const char *dir, void *ctx), void *ctx)
{
	char *dir = strdup(cwd ? cwd : "");
	size_t root = dir ? path_root_len(dir) : 0;

	while (dir && *dir) {
		char *sep;
		if (has_git(dir, ctx))
			return dir;
		sep = strrchr(dir, '/');
		if (!sep || (strrchr(dir, '\\') && strrchr(dir, '\\') > sep))
			sep = strrchr(dir, '\\');
		if (!sep || (size_t)(sep - dir) < root)
			break;
		/* Keep the root's own separator ("C:\"), end at the top. */
		if ((size_t)(sep - dir) == root || sep == dir) {
			if (!sep[1])
				break;
			sep[1] = '\0';
		} else {
			*sep = '\0';
		}
	}
	free(dir);
	return NULL;
}
