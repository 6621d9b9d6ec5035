/* The setup helper's steps and their undos, as the ops table win_setup_run drives
 * (windows_sandbox.h; reference codex-windows-sandbox.md §3.2 for the order). Each
 * step journals what it changes; the undo of each change kind lives next to the code
 * that makes it (users_win.c, firewall_win.c, acl_win.c), files here. */
#include "sandbox/windows/win.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/rfc3339.h"

#define READ_MASK (FILE_GENERIC_READ | FILE_GENERIC_EXECUTE)

/* One run's state: the request, and the offline account's SID once resolved. */
struct setup_ctx {
	const struct win_setup_request *r;
	char *offline_sid;
};

static struct setup_ctx ctx_store;

/* Journals a file's previous content (or that there was none), then writes it. */
static int write_file_j(const char *path, const char *text, mode_t mode, struct win_journal *j,
			struct err *e)
{
	struct buf before;
	struct err ignored;
	bool existed;
	int rc = -1;

	buf_init(&before, 1 << 20);
	existed = file_read_regular(path, &before, &ignored) == 0;
	if (win_journal_add(j, WIN_CHANGE_FILE_WRITTEN, path, NULL,
			    existed ? (before.data ? before.data : "") : NULL, existed ? before.len : 0,
			    e) < 0)
		goto out;
	if (file_mkdir_parents(path, e) < 0 ||
	    file_write_atomic_mode(path, text, strlen(text), mode, e) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&before);
	return rc;
}

static int step_users(void *c, struct win_journal *j, struct err *e)
{
	return win_provision_users(((struct setup_ctx *)c)->r->codex_home, j, e);
}

static int step_hide_users(void *c, struct win_journal *j, struct err *e)
{
	win_hide_users(j);
	return 0;
}

static int step_resolve_sids(void *c, struct win_journal *j, struct err *e)
{
	struct setup_ctx *x = c;

	free(x->offline_sid);
	return (x->offline_sid = win_account_sid(WIN_OFFLINE_USER, e)) ? 0 : -1;
}

static int step_firewall(void *c, struct win_journal *j, struct err *e)
{
	struct setup_ctx *x = c;

	return win_firewall_apply(&x->r->net, x->offline_sid, j, e);
}

/* The group and a capability SID get write access to each write root: cwd's own SID
 * for the working directory, the workspace SID for the others (as upstream). */
static int step_write_acls(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;
	char cwd_key[1024], key[1024];
	bool have_key = win_cwd_key(r->cwd, cwd_key, sizeof cwd_key) == 0;

	for (size_t i = 0; i < r->write_roots.n; i++) {
		const char *root = r->write_roots.v[i];
		bool is_cwd = have_key && win_cwd_key(root, key, sizeof key) == 0 &&
			      strcmp(key, cwd_key) == 0;
		if (win_acl_grant_j(root, WIN_SANDBOX_GROUP, WIN_WRITE_MASK, false, j, e) < 0 ||
		    win_acl_grant_j(root, is_cwd ? r->cwd_cap_sid : r->cap_sid, WIN_WRITE_MASK, false,
				    j, e) < 0)
			return -1;
	}
	return 0;
}

/* Read access for the sandbox accounts, best effort as upstream's background read-ACL
 * helper: a root that cannot be granted stays unreadable to the command, which then
 * fails with access denied rather than the setup failing. What was granted is
 * journalled and rolled back like the rest. */
static int step_read_acls(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;

	for (size_t i = 0; i < r->read_roots.n; i++) {
		struct err ignored;
		(void)win_acl_grant_j(r->read_roots.v[i], WIN_SANDBOX_GROUP, READ_MASK, false, j,
				      &ignored);
	}
	return 0;
}

static int grant_in(const char *codex_home, const char *sub, const char *who, DWORD mask,
		    bool deny, struct win_journal *j, struct err *e)
{
	char *path = path_join(codex_home, sub);
	int rc;

	if (!path)
		return err_set(e, "out of memory");
	rc = file_mkdir_parents(path, e) < 0 || (_mkdir(path) < 0 && errno != EEXIST)
		     ? err_sys(e, errno, "cannot create %s", path)
		     : win_acl_grant_j(path, who, mask, deny, j, e);
	free(path);
	return rc;
}

static int step_lock_dirs(void *c, struct win_journal *j, struct err *e)
{
	const char *home = ((struct setup_ctx *)c)->r->codex_home;

	if (grant_in(home, ".sandbox-bin", WIN_SANDBOX_GROUP, READ_MASK, false, j, e) < 0 ||
	    grant_in(home, ".sandbox", WIN_SANDBOX_GROUP, WIN_WRITE_MASK, false, j, e) < 0 ||
	    grant_in(home, ".sandbox-secrets", WIN_SANDBOX_GROUP, WIN_WRITE_MASK, true, j, e) < 0)
		return -1;
	return 0;
}

static int step_protected_paths(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;
	static const char *const names[] = {".codex", ".agents"};

	for (size_t i = 0; i < 2; i++) {
		char *p = path_join(r->cwd, names[i]);
		int rc;
		if (!p)
			return err_set(e, "out of memory");
		rc = file_exists(p) == 1
			     ? win_acl_grant_j(p, r->cwd_cap_sid, FILE_GENERIC_WRITE | DELETE, true, j,
					       e)
			     : 0;
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static char *marker_path(const char *codex_home)
{
	return path_join(codex_home, ".sandbox/setup_marker.json");
}

static int step_marker(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;
	char when[RFC3339_MAX], *path = marker_path(r->codex_home), *json;
	struct timespec now = rfc3339_now();
	int rc;

	rfc3339_format(&now, 0, when);
	json = win_marker_json(&r->net, when);
	rc = !path || !json ? err_set(e, "out of memory") : write_file_j(path, json, 0644, j, e);
	free(json);
	free(path);
	return rc;
}

/* Upstream's error codes where it has one for the step. */
static const struct win_setup_step steps[] = {
	{"users", "helper_user_create_or_update_failed", step_users},
	{"hide_users", "helper_hide_users_failed", step_hide_users},
	{"resolve_sids", "helper_sid_resolve_failed", step_resolve_sids},
	{"firewall", "helper_firewall_rule_create_or_add_failed", step_firewall},
	{"write_acls", "helper_write_acl_failed", step_write_acls},
	{"read_acls", "helper_read_acl_failed", step_read_acls},
	{"lock_dirs", "helper_sandbox_lock_failed", step_lock_dirs},
	{"protected_paths", "helper_protected_path_acl_failed", step_protected_paths},
	{"marker", "helper_setup_marker_write_failed", step_marker},
};

static int undo_file(const struct win_change *c, struct err *e)
{
	wchar_t *w;

	if (c->saved)
		return file_write_atomic_mode(c->target, c->saved, c->saved_len, 0600, e);
	if (!(w = win_wide(c->target)))
		return err_set(e, "out of memory");
	if (!DeleteFileW(w) && GetLastError() != ERROR_FILE_NOT_FOUND) {
		win_fail(e, c->target, "DeleteFileW", GetLastError());
		free(w);
		return -1;
	}
	free(w);
	return 0;
}

static int undo(void *c, const struct win_change *ch, struct err *e)
{
	struct setup_ctx *x = c;

	switch (ch->kind) {
	case WIN_CHANGE_GROUP_CREATED:
	case WIN_CHANGE_USER_CREATED:
	case WIN_CHANGE_PASSWORD_CHANGED:
	case WIN_CHANGE_MEMBER_ADDED:
	case WIN_CHANGE_REG_VALUE_ADDED:
	case WIN_CHANGE_REG_VALUE_CHANGED:
		return win_users_undo(x->r->codex_home, ch, e);
	case WIN_CHANGE_FW_RULE_ADDED:
	case WIN_CHANGE_FW_RULE_CHANGED:
	case WIN_CHANGE_FW_RULE_REMOVED:
		return win_firewall_undo(ch, e);
	case WIN_CHANGE_DACL_CHANGED:
		return win_acl_restore(ch->target, ch->saved ? ch->saved : "", ch->detail, e);
	case WIN_CHANGE_FILE_WRITTEN:
		return undo_file(ch, e);
	}
	return err_set(e, "%s: unknown change", ch->target);
}

static void forced_failure(void *c, const char *step, unsigned long code, struct err *e)
{
	win_fail(e, step, WIN_SETUP_FAIL_AT_ENV, (DWORD)code);
}

static int forget_marker(void *c, struct err *e)
{
	struct setup_ctx *x = c;
	char *path = x->r->codex_home ? marker_path(x->r->codex_home) : NULL;
	wchar_t *w = path ? win_wide(path) : NULL;
	int rc = 0;

	if (!w)
		rc = err_set(e, "out of memory");
	else if (!DeleteFileW(w) && GetLastError() != ERROR_FILE_NOT_FOUND)
		rc = win_fail(e, path, "DeleteFileW", GetLastError());
	free(w);
	free(path);
	return rc;
}

void win_setup_ops_for(const struct win_setup_request *r, struct win_setup_ops *out)
{
	/* One setup per process (the helper role): the context can be static. */
	free(ctx_store.offline_sid);
	ctx_store.offline_sid = NULL;
	ctx_store.r = r;
	out->steps = steps;
	out->n_steps = sizeof steps / sizeof steps[0];
	out->undo = undo;
	out->forced_failure = forced_failure;
	out->forget_marker = forget_marker;
	out->ctx = &ctx_store;
}
