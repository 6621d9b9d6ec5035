/* The ACL changes of a run as one list (windows_sandbox.h, "ACL grants"): the plan
 * prints it, both backends apply it. */
#include "sandbox/windows/windows_sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/file.h"

const char *win_acl_target_name(enum win_acl_target t)
{
	switch (t) {
	case WIN_ACL_CWD:
		return "cwd";
	case WIN_ACL_WRITABLE_ROOT:
		return "writable_root";
	case WIN_ACL_TEMP:
		return "temp";
	case WIN_ACL_CWD_CODEX:
		return "cwd_codex";
	case WIN_ACL_CWD_AGENTS:
		return "cwd_agents";
	case WIN_ACL_READ_ROOT:
		return "read_root";
	case WIN_ACL_SANDBOX_BIN:
		return "sandbox_bin";
	case WIN_ACL_SANDBOX_DIR:
		return "sandbox_dir";
	case WIN_ACL_SECRETS_DIR:
		return "secrets_dir";
	}
	return "?";
}

int win_acl_target_parse(const char *name)
{
	for (int t = 0; t < WIN_ACL_TARGETS; t++)
		if (name && strcmp(name, win_acl_target_name((enum win_acl_target)t)) == 0)
			return t;
	return -1;
}

void win_acl_rule(enum win_acl_target t, bool elevated, struct win_acl_rule *out)
{
	/* The group rides along on every write grant of the elevated backend: the
	 * logon user's token must pass the normal access check too, the capability SID
	 * only the restricting one (reference §1, "Capability-SID model"). */
	unsigned group = elevated ? WIN_WHO_GROUP : 0;

	memset(out, 0, sizeof *out);
	out->how = WIN_HOW_MERGE;
	switch (t) {
	case WIN_ACL_CWD:
		out->who = group | WIN_WHO_CWD_SID;
		out->rights = WIN_RIGHTS_RWXD;
		out->step = WIN_STEP_WRITE_ACLS;
		return;
	case WIN_ACL_WRITABLE_ROOT:
	case WIN_ACL_TEMP:
		out->who = group | WIN_WHO_WORKSPACE_SID;
		out->rights = WIN_RIGHTS_RWXD;
		/* A temporary directory that is not there is not a reason to refuse the
		 * run (nothing can be written there either). */
		out->only_if_exists = t == WIN_ACL_TEMP;
		out->step = WIN_STEP_WRITE_ACLS;
		return;
	case WIN_ACL_CWD_CODEX:
	case WIN_ACL_CWD_AGENTS:
		/* cwd's SID only: another workspace's commands are not affected. */
		out->who = WIN_WHO_CWD_SID;
		out->rights = WIN_RIGHTS_WRITE;
		out->deny = true;
		out->only_if_exists = true;
		out->step = WIN_STEP_PROTECTED_PATHS;
		return;
	case WIN_ACL_READ_ROOT:
		out->who = WIN_WHO_GROUP;
		out->rights = WIN_RIGHTS_RX;
		out->how = WIN_HOW_READ_UNLESS_READABLE;
		out->only_if_exists = true;
		out->step = WIN_STEP_READ_ACLS;
		return;
	case WIN_ACL_SANDBOX_BIN:
		out->who = WIN_WHO_GROUP;
		out->rights = WIN_RIGHTS_RX;
		break;
	case WIN_ACL_SANDBOX_DIR:
		out->who = WIN_WHO_GROUP;
		out->rights = WIN_RIGHTS_RWXD;
		break;
	case WIN_ACL_SECRETS_DIR:
		/* The passwords' file: the sandbox accounts must not read it. */
		out->who = WIN_WHO_GROUP;
		out->rights = WIN_RIGHTS_RWXD;
		out->deny = true;
		break;
	}
	out->how = WIN_HOW_REPLACE;
	out->create = true;
	out->step = WIN_STEP_LOCK_DIRS;
}

static void put(struct win_acl_entry *out, size_t *n, enum win_acl_target t, size_t root,
		bool elevated)
{
	out[*n].target = t;
	out[*n].root = root;
	win_acl_rule(t, elevated, &out[*n].rule);
	(*n)++;
}

size_t win_acl_entries(const struct sandbox_policy *p, bool elevated, struct win_acl_entry *out)
{
	size_t n = 0;

	if (p->type == SANDBOX_MODE_WORKSPACE_WRITE) {
		put(out, &n, WIN_ACL_CWD, 0, elevated);
		for (size_t i = 0; i < p->writable_roots.n; i++)
			put(out, &n, WIN_ACL_WRITABLE_ROOT, i, elevated);
		if (!p->exclude_tmpdir_env_var)
			put(out, &n, WIN_ACL_TEMP, 0, elevated);
		put(out, &n, WIN_ACL_CWD_CODEX, 0, elevated);
		put(out, &n, WIN_ACL_CWD_AGENTS, 0, elevated);
	}
	if (!elevated)
		return n;
	put(out, &n, WIN_ACL_READ_ROOT, 0, elevated);
	put(out, &n, WIN_ACL_SANDBOX_BIN, 0, elevated);
	put(out, &n, WIN_ACL_SANDBOX_DIR, 0, elevated);
	put(out, &n, WIN_ACL_SECRETS_DIR, 0, elevated);
	return n;
}

static int add(struct win_grants *g, enum win_acl_target t, const struct win_acl_rule *rule,
	       const char *path, struct err *e)
{
	struct win_grant *v;

	if (!path || !*path)
		return 0;
	if (g->n == WIN_GRANTS_MAX)
		return err_set(e, "more than %d ACL grants", WIN_GRANTS_MAX);
	if (!(v = realloc(g->v, (g->n + 1) * sizeof *v)))
		return err_set(e, "out of memory");
	g->v = v;
	v[g->n].target = t;
	v[g->n].rule = *rule;
	if (!(v[g->n].path = strdup(path)))
		return err_set(e, "out of memory");
	g->n++;
	return 0;
}

/* Adds base joined with sub (sub NULL: base itself). */
static int add_in(struct win_grants *g, const struct win_acl_entry *en, const char *base,
		  const char *sub, struct err *e)
{
	char *path;
	int rc;

	if (!base || !*base)
		return 0;
	if (!sub)
		return add(g, en->target, &en->rule, base, e);
	if (!(path = path_join(base, sub)))
		return err_set(e, "out of memory");
	rc = add(g, en->target, &en->rule, path, e);
	free(path);
	return rc;
}

int win_acl_resolve(const struct win_acl_entry *v, size_t n, const struct win_acl_places *pl,
		    struct win_grants *out, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct win_acl_entry *en = &v[i];
		int rc = 0;
		switch (en->target) {
		case WIN_ACL_CWD:
			rc = add_in(out, en, pl->cwd, NULL, e);
			break;
		case WIN_ACL_WRITABLE_ROOT:
			rc = pl->writable_roots && en->root < pl->writable_roots->n
				     ? add_in(out, en, pl->writable_roots->v[en->root], NULL, e)
				     : 0;
			break;
		case WIN_ACL_TEMP:
			rc = add_in(out, en, pl->temp[0], NULL, e);
			if (rc == 0 && pl->temp[1] && (!pl->temp[0] || strcmp(pl->temp[0], pl->temp[1])))
				rc = add_in(out, en, pl->temp[1], NULL, e);
			break;
		case WIN_ACL_CWD_CODEX:
			rc = add_in(out, en, pl->cwd, ".codex", e);
			break;
		case WIN_ACL_CWD_AGENTS:
			rc = add_in(out, en, pl->cwd, ".agents", e);
			break;
		case WIN_ACL_READ_ROOT:
			for (size_t k = 0; rc == 0 && pl->read_roots && k < pl->read_roots->n; k++)
				rc = add_in(out, en, pl->read_roots->v[k], NULL, e);
			break;
		case WIN_ACL_SANDBOX_BIN:
			rc = add_in(out, en, pl->codex_home, ".sandbox-bin", e);
			break;
		case WIN_ACL_SANDBOX_DIR:
			rc = add_in(out, en, pl->codex_home, ".sandbox", e);
			break;
		case WIN_ACL_SECRETS_DIR:
			rc = add_in(out, en, pl->codex_home, ".sandbox-secrets", e);
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int win_grants_add(struct win_grants *g, enum win_acl_target t, const char *path,
		   struct err *e)
{
	struct win_acl_rule rule;

	win_acl_rule(t, true, &rule);
	if (!path || !*path)
		return err_set(e, "ACL grant %s: empty path", win_acl_target_name(t));
	return add(g, t, &rule, path, e);
}

void win_grants_free(struct win_grants *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].path);
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

int win_grants_write_keys(const struct win_grants *g, struct strv *out, struct err *e)
{
	char key[4096];

	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i].rule.step != WIN_STEP_WRITE_ACLS)
			continue;
		if (win_cwd_key(g->v[i].path, key, sizeof key) < 0)
			return err_set(e, "%s: path too long", g->v[i].path);
		if (strv_find(out, key) < 0 && strv_push(out, key) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

/* The profile's top-level entries that hold secrets: never read roots (compared
 * without regard to case). */
static const char *const profile_secrets[] = {".ssh", ".gnupg", ".aws", ".azure", ".kube",
					      ".docker", ".config", ".npm", ".pki",
					      ".terraform.d", NULL};

bool win_profile_entry_is_secret(const char *name)
{
	for (size_t i = 0; profile_secrets[i]; i++) {
		const char *a = name, *b = profile_secrets[i];
		while (*a && *b && (*a | 0x20) == (*b | 0x20))
			a++, b++;
		if (!*a && !*b)
			return true;
	}
	return false;
}

/* Pushes path unless its key is in skip or already in keys (out's keys). */
static int push_root(struct strv *out, struct strv *keys, const struct strv *skip,
		     const char *path, struct err *e)
{
	char key[4096];

	if (!path || !*path)
		return 0;
	if (win_cwd_key(path, key, sizeof key) < 0)
		return err_set(e, "%s: path too long", path);
	if ((skip && strv_find(skip, key) >= 0) || strv_find(keys, key) >= 0)
		return 0;
	if (keys->n == WIN_GRANTS_MAX)
		return err_set(e, "more than %d read roots", WIN_GRANTS_MAX);
	if (strv_push(keys, key) < 0 || strv_push(out, path) < 0)
		return err_set(e, "out of memory");
	return 0;
}

int win_read_roots(const struct win_read_roots_input *in, struct strv *out, struct err *e)
{
	static const char *const platform[] = {"C:\\Windows", "C:\\Program Files",
					       "C:\\Program Files (x86)", "C:\\ProgramData", NULL};
	struct strv keys = STRV_INIT;
	char *bin = in->codex_home ? path_join(in->codex_home, ".sandbox-bin") : NULL;
	int rc = -1;

	if (in->codex_home && !bin) {
		err_set(e, "out of memory");
		goto out;
	}
	if (push_root(out, &keys, in->write_keys, in->exe_dir, e) < 0 ||
	    push_root(out, &keys, in->write_keys, bin, e) < 0)
		goto out;
	for (size_t i = 0; platform[i]; i++)
		if (push_root(out, &keys, in->write_keys, platform[i], e) < 0)
			goto out;
	if (in->profile && *in->profile && !in->profile_entries) {
		if (push_root(out, &keys, in->write_keys, in->profile, e) < 0)
			goto out;
	}
	for (size_t i = 0; in->profile && in->profile_entries && in->profile_entries[i]; i++) {
		const char *name = in->profile_entries[i];
		char *full;
		int r;
		if (!strcmp(name, ".") || !strcmp(name, "..") || win_profile_entry_is_secret(name))
			continue;
		if (!(full = path_join(in->profile, name))) {
			err_set(e, "out of memory");
			goto out;
		}
		r = push_root(out, &keys, in->write_keys, full, e);
		free(full);
		if (r < 0)
			goto out;
	}
	if (push_root(out, &keys, in->write_keys, in->cwd, e) < 0)
		goto out;
	for (size_t i = 0; in->writable_roots && i < in->writable_roots->n; i++)
		if (push_root(out, &keys, in->write_keys, in->writable_roots->v[i], e) < 0)
			goto out;
	rc = 0;
out:
	strv_free(&keys);
	free(bin);
	return rc;
}

int win_setup_root_keys(const struct win_grants *g, const char *cwd, struct strv *out,
			struct err *e)
{
	char key[4096];

	if (win_grants_write_keys(g, out, e) < 0)
		return -1;
	if (!cwd || !*cwd)
		return 0;
	if (win_cwd_key(cwd, key, sizeof key) < 0)
		return err_set(e, "%s: path too long", cwd);
	if (strv_find(out, key) < 0 && strv_push(out, key) < 0)
		return err_set(e, "out of memory");
	return 0;
}
