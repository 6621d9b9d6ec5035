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

/* Applies the request's grants that belong to step `which` (win_acl_rule decides, for
 * every target: none is left out or applied twice). */
static int apply_grants(struct setup_ctx *x, enum win_acl_step which, bool best_effort,
			struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = x->r;
	struct win_grant_ids ids = {r->cwd_cap_sid, r->cap_sid, r->real_user};

	for (size_t i = 0; i < r->grants.n; i++) {
		struct err why;
		if (r->grants.v[i].rule.step != which)
			continue;
		err_clear(&why);
		if (win_grant_apply(&r->grants.v[i], &ids, j, &why) == 0)
			continue;
		if (!best_effort) {
			*e = why;
			return -1;
		}
		/* A read root that cannot be granted stays unreadable to the command,
		 * which then fails with access denied rather than the setup failing (as
		 * upstream's background read-ACL helper). */
		fprintf(stderr, "codex-windows-sandbox-setup: warning: %s\n", why.msg);
	}
	return 0;
}

/* The group and a capability SID get write access to each write root: cwd's own SID
 * for the working directory, the workspace SID for the others and %TEMP%. */
static int step_write_acls(void *c, struct win_journal *j, struct err *e)
{
	return apply_grants(c, WIN_STEP_WRITE_ACLS, false, j, e);
}

/* Read access for the sandbox accounts where they lack it, best effort. What was
 * granted is journalled and rolled back like the rest. */
static int step_read_acls(void *c, struct win_journal *j, struct err *e)
{
	return apply_grants(c, WIN_STEP_READ_ACLS, true, j, e);
}

static int step_lock_dirs(void *c, struct win_journal *j, struct err *e)
{
	return apply_grants(c, WIN_STEP_LOCK_DIRS, false, j, e);
}

static int step_protected_paths(void *c, struct win_journal *j, struct err *e)
{
	return apply_grants(c, WIN_STEP_PROTECTED_PATHS, false, j, e);
}

/* The secrets file of older versions, which kept the DPAPI blobs in .sandbox (now
 * writable by the sandbox group): deleted once the new one exists (reference §3.2
 * step 7), its content journalled so that a rollback puts it back. */
static int step_legacy_files(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;
	char *path = path_join(r->codex_home, ".sandbox/sandbox_users.json");
	struct buf old;
	struct err why;
	wchar_t *w = NULL;
	int rc = -1;

	buf_init(&old, 1 << 20);
	if (!path || !(w = win_wide(path))) {
		err_set(e, "out of memory");
		goto out;
	}
	err_clear(&why);
	if (file_read_regular(path, &old, &why) < 0) {
		rc = why.errnum == ENOENT ? 0 : err_set(e, "%s", why.msg);
		goto out;
	}
	if (win_journal_add(j, WIN_CHANGE_FILE_WRITTEN, path, NULL, old.data ? old.data : "",
			    old.len, e) < 0)
		goto out;
	if (!DeleteFileW(w)) {
		win_fail(e, path, "DeleteFileW", GetLastError());
		goto out;
	}
	rc = 0;
out:
	buf_free(&old);
	free(w);
	free(path);
	return rc;
}

static char *marker_path(const char *codex_home)
{
	return path_join(codex_home, ".sandbox/setup_marker.json");
}

/* The marker, with the write roots granted so far: those of an earlier marker of this
 * version (their entries persist) and this run's. A refresh keeps the stored network
 * settings: only a full setup changes the firewall. */
static int step_marker(void *c, struct win_journal *j, struct err *e)
{
	const struct win_setup_request *r = ((struct setup_ctx *)c)->r;
	char when[RFC3339_MAX], *path = marker_path(r->codex_home), *json = NULL;
	struct timespec now = rfc3339_now();
	struct win_marker old = {0};
	struct win_net_settings net = r->net;
	struct strv roots = STRV_INIT, now_keys = STRV_INIT;
	struct buf b;
	struct err ignored;
	int rc = -1;

	buf_init(&b, WIN_MARKER_MAX_BYTES);
	if (!path) {
		err_set(e, "out of memory");
		goto out;
	}
	/* An unreadable or older marker has nothing worth keeping. */
	if (file_read_regular(path, &b, &ignored) == 0 &&
	    win_marker_parse(b.data ? b.data : "", b.len, &old, &ignored) == 0 &&
	    old.version == WIN_SETUP_VERSION) {
		if (win_marker_roots_merge(&roots, &old.write_roots, e) < 0)
			goto out;
		if (r->refresh_only)
			net = old.net;
	}
	if (win_setup_root_keys(&r->grants, r->cwd, &now_keys, e) < 0 ||
	    win_marker_roots_merge(&roots, &now_keys, e) < 0)
		goto out;
	rfc3339_format(&now, 0, when);
	if (!(json = win_marker_json(&net, when, &roots))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = write_file_j(path, json, 0644, j, e);
out:
	win_marker_free(&old);
	strv_free(&roots);
	strv_free(&now_keys);
	buf_free(&b);
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
	{"legacy_files", "helper_legacy_file_delete_failed", step_legacy_files},
	{"marker", "helper_setup_marker_write_failed", step_marker},
};

/* The unelevated refresh (reference §3.1 "Refresh"): no accounts, firewall or locked
 * directories, which need the elevation; the grants the real user may make on paths
 * it owns, and the marker's list of them. */
static const struct win_setup_step refresh_steps[] = {
	{"write_acls", "helper_write_acl_failed", step_write_acls},
	{"read_acls", "helper_read_acl_failed", step_read_acls},
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
	out->steps = r->refresh_only ? refresh_steps : steps;
	out->n_steps = r->refresh_only ? sizeof refresh_steps / sizeof refresh_steps[0]
				       : sizeof steps / sizeof steps[0];
	out->undo = undo;
	out->forced_failure = forced_failure;
	out->forget_marker = forget_marker;
	out->ctx = &ctx_store;
}
