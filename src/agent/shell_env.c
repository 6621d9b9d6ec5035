/* The command environment (rules in shell_env.h). */
#include "agent/shell_env.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const core_vars[] = {"HOME", "LOGNAME", "PATH", "SHELL", "USER",
					"USERNAME", "TMPDIR", "TEMP", "TMP", NULL};
static const char *const default_excludes[] = {"*KEY*", "*SECRET*", "*TOKEN*", NULL};

/* One class "[...]" at *pp against c: 1 match, 0 no match, -1 not a class (the '[' is
 * then literal). Advances *pp past the class when it is one. */
static int match_class(const char **pp, unsigned char c)
{
	const char *p = *pp + 1;
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') { /* a ']' first is a member */
		hit = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		unsigned char lo = (unsigned char)tolower((unsigned char)p[0]);
		if (p[1] == '-' && p[2] && p[2] != ']') {
			unsigned char hi = (unsigned char)tolower((unsigned char)p[2]);
			if (c >= lo && c <= hi)
				hit = true;
			p += 3;
		} else {
			if (c == lo)
				hit = true;
			p++;
		}
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return hit != neg;
}

bool shell_env_glob_match(const char *pattern, const char *name)
{
	const char *p = pattern, *n = name, *star_p = NULL, *star_n = NULL;

	/* The classic backtracking to the last '*': linear in practice, never recursive. */
	while (*n) {
		unsigned char c = (unsigned char)tolower((unsigned char)*n);
		if (*p == '*') {
			star_p = ++p;
			star_n = n;
			continue;
		}
		if (*p == '?') {
			p++;
			n++;
			continue;
		}
		if (*p == '[') {
			const char *q = p;
			int r = match_class(&q, c);
			if (r == 1) {
				p = q;
				n++;
				continue;
			}
			if (r < 0 && c == '[') {
				p++;
				n++;
				continue;
			}
		} else if (*p && (unsigned char)tolower((unsigned char)*p) == c) {
			p++;
			n++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		n = ++star_n;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static bool matches_any(const char *name, const char *const *patterns, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (shell_env_glob_match(patterns[i], name))
			return true;
	return false;
}

static bool is_core(const char *name)
{
	for (const char *const *c = core_vars; *c; c++)
		if (strcmp(name, *c) == 0)
			return true;
	return false;
}

int shell_env_build(const struct config_shell_environment_policy *policy,
		    const struct strv *parent, struct strv *out, struct err *e)
{
	const char *inherit = policy->inherit ? policy->inherit : "all";
	bool all = strcmp(inherit, "all") == 0, core = strcmp(inherit, "core") == 0;
	bool none = strcmp(inherit, "none") == 0;
	const struct strv *only = &policy->include_only;

	if (!all && !core && !none)
		return err_set(e, "shell_environment_policy.inherit must be all, core or none, "
				  "not \"%s\"",
			       inherit);
	for (size_t i = 0; !none && i < parent->n; i++) {
		const char *entry = parent->v[i], *eq = strchr(entry, '=');
		char name[1024];
		size_t len;

		if (!eq || eq == entry || (len = (size_t)(eq - entry)) >= sizeof name)
			continue;
		memcpy(name, entry, len);
		name[len] = '\0';
		if (core && !is_core(name))
			continue;
		if (!policy->ignore_default_excludes && matches_any(name, default_excludes, 3))
			continue;
		if (matches_any(name, (const char *const *)policy->exclude.v, policy->exclude.n))
			continue;
		if (strv_getenv(out, name))
			continue; /* a duplicate in the parent: the first one counts, as getenv */
		if (strv_push(out, entry) < 0)
			goto nomem;
	}
	for (size_t i = 0; i < policy->set.keys.n; i++)
		if (strv_setenv(out, policy->set.keys.v[i], policy->set.values.v[i]) < 0)
			goto nomem;
	if (only->n) {
		size_t keep = 0;
		for (size_t i = 0; i < out->n; i++) {
			const char *eq = strchr(out->v[i], '=');
			char *name = strndup(out->v[i], (size_t)(eq - out->v[i]));
			bool ok;
			if (!name)
				goto nomem;
			ok = matches_any(name, (const char *const *)only->v, only->n);
			free(name);
			if (ok)
				out->v[keep++] = out->v[i];
			else
				free(out->v[i]);
		}
		out->n = keep;
		if (out->v)
			out->v[keep] = NULL;
	}
	return 0;
nomem:
	strv_free(out);
	return err_set(e, "out of memory");
}
