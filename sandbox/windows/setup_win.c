/* The elevated setup helper, `codex-windows-sandbox-setup <base64 JSON>` (this binary
 * under that name, materialised in <codex_home>/.sandbox-bin; reference
 * codex-windows-sandbox.md §3.2): accounts, firewall, ACL grants, then the marker.
 * Idempotent: every step brings an existing object up to date. On failure it writes
 * <codex_home>/.sandbox/setup_error.json ({"code","message"}) for the caller and exits
 * 1. It does not roll back the steps before the failing one (they are the same steps
 * the next run repeats). */
#include "sandbox/windows/win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/file.h"
#include "base/json.h"
#include "base/rfc3339.h"

#define WRITE_MASK (FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE | \
		    FILE_DELETE_CHILD)
#define READ_MASK (FILE_GENERIC_READ | FILE_GENERIC_EXECUTE)

void win_setup_request_free(struct win_setup_request *r)
{
	free(r->codex_home);
	free(r->cwd);
	free(r->real_user);
	free(r->cap_sid);
	strv_free(&r->write_roots);
	strv_free(&r->read_roots);
	memset(r, 0, sizeof *r);
}

char *win_setup_request_encode(const struct win_setup_request *r)
{
	cJSON *o = cJSON_CreateObject(), *a, *p, *rd;
	char *json = NULL, *b64 = NULL;

	if (!o || json_add_int(o, "version", WIN_SETUP_VERSION) < 0 ||
	    json_add_str(o, "codex_home", r->codex_home) < 0 || json_add_str(o, "cwd", r->cwd) < 0 ||
	    json_add_str(o, "real_user", r->real_user) < 0 ||
	    json_add_str(o, "cap_sid", r->cap_sid) < 0 ||
	    !(a = cJSON_AddArrayToObject(o, "write_roots")) ||
	    !(rd = cJSON_AddArrayToObject(o, "read_roots")) ||
	    !(p = cJSON_AddArrayToObject(o, "proxy_ports")) ||
	    !cJSON_AddBoolToObject(o, "allow_local_binding", r->net.allow_local_binding))
		goto out;
	for (size_t i = 0; i < r->write_roots.n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(r->write_roots.v[i])))
			goto out;
	for (size_t i = 0; i < r->read_roots.n; i++)
		if (!cJSON_AddItemToArray(rd, cJSON_CreateString(r->read_roots.v[i])))
			goto out;
	for (size_t i = 0; i < r->net.n_ports; i++)
		if (!cJSON_AddItemToArray(p, cJSON_CreateNumber(r->net.ports[i])))
			goto out;
	if ((json = json_print(o, false)))
		b64 = base64_encode(json, strlen(json), false);
out:
	free(json);
	cJSON_Delete(o);
	return b64;
}

static char *dup_member(const cJSON *o, const char *key)
{
	const char *s = json_get_str(o, key);

	return s ? strdup(s) : NULL;
}

int win_setup_request_decode(const char *arg, struct win_setup_request *r, struct err *e)
{
	struct buf json;
	cJSON *o = NULL;
	const cJSON *a, *it;
	struct win_marker m; /* the marker parser checks version and ports the same way */
	int rc = -1;

	memset(r, 0, sizeof *r);
	buf_init(&json, 1 << 20);
	if (base64_decode(arg, strlen(arg), &json) < 0) {
		err_set(e, "setup request: not base64");
		goto out;
	}
	if (!(o = json_parse(json.data ? json.data : "", json.len, "setup request", e)))
		goto out;
	if (win_marker_parse(json.data, json.len, &m, e) < 0) {
		err_prefix(e, "setup request");
		goto out;
	}
	if (m.version != WIN_SETUP_VERSION) {
		err_set(e, "setup version mismatch: expected %d, got %lld", WIN_SETUP_VERSION,
			(long long)m.version);
		goto out;
	}
	r->net = m.net;
	r->codex_home = dup_member(o, "codex_home");
	r->cwd = dup_member(o, "cwd");
	r->real_user = dup_member(o, "real_user");
	r->cap_sid = dup_member(o, "cap_sid");
	if (!r->codex_home || !r->cwd || !r->real_user || !r->cap_sid) {
		err_set(e, "setup request: codex_home, cwd, real_user or cap_sid missing");
		goto out;
	}
	a = cJSON_GetObjectItemCaseSensitive(o, "write_roots");
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || strv_push(&r->write_roots, it->valuestring) < 0) {
			err_set(e, "setup request: bad write_roots");
			goto out;
		}
	}
	a = cJSON_GetObjectItemCaseSensitive(o, "read_roots");
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || strv_push(&r->read_roots, it->valuestring) < 0) {
			err_set(e, "setup request: bad read_roots");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		win_setup_request_free(r);
	cJSON_Delete(o);
	buf_free(&json);
	return rc;
}

static int grant_in(const char *codex_home, const char *sub, const char *who, DWORD mask,
		    bool deny, struct err *e)
{
	char *path = path_join(codex_home, sub);
	int rc;

	if (!path)
		return err_set(e, "out of memory");
	rc = file_mkdir_parents(path, e) < 0 || (_mkdir(path) < 0 && errno != EEXIST)
		     ? err_sys(e, errno, "cannot create %s", path)
		     : win_acl_grant(path, who, mask, deny, e);
	free(path);
	return rc;
}

static int write_marker(const struct win_setup_request *r, struct err *e)
{
	char when[RFC3339_MAX], *path = path_join(r->codex_home, ".sandbox/setup_marker.json");
	struct timespec now = rfc3339_now();
	char *json;
	int rc;

	rfc3339_format(&now, 0, when);
	json = win_marker_json(&r->net, when);
	if (!path || !json)
		rc = err_set(e, "out of memory");
	else
		rc = file_write_atomic(path, json, strlen(json), 0644, e);
	free(json);
	free(path);
	return rc;
}

/* The steps, in upstream's order; code names the failing one for setup_error.json. */
static int run_setup(const struct win_setup_request *r, const char **code, struct err *e)
{
	char *offline_sid = NULL, *cwd_codex = NULL, *cwd_agents = NULL;
	int rc = -1;

	*code = "helper_users_create_failed";
	if (win_provision_users(r->codex_home, e) < 0)
		goto out;
	*code = "helper_sid_resolve_failed";
	if (!(offline_sid = win_account_sid(WIN_OFFLINE_USER, e)))
		goto out;
	*code = "helper_firewall_rule_create_or_add_failed";
	if (win_firewall_apply(&r->net, offline_sid, e) < 0)
		goto out;
	*code = "helper_write_acl_failed";
	for (size_t i = 0; i < r->write_roots.n; i++)
		if (win_acl_grant(r->write_roots.v[i], WIN_SANDBOX_GROUP, WRITE_MASK, false, e) < 0 ||
		    win_acl_grant(r->write_roots.v[i], r->cap_sid, WRITE_MASK, false, e) < 0)
			goto out;
	/* Read access for the sandbox accounts, best effort as upstream's background
	 * read-ACL helper: a root that cannot be granted stays unreadable to the command,
	 * which then fails with access denied rather than the setup failing. */
	for (size_t i = 0; i < r->read_roots.n; i++) {
		struct err ignored;
		(void)win_acl_grant(r->read_roots.v[i], WIN_SANDBOX_GROUP, READ_MASK, false, &ignored);
	}
	*code = "helper_sandbox_lock_failed";
	if (grant_in(r->codex_home, ".sandbox-bin", WIN_SANDBOX_GROUP, READ_MASK, false, e) < 0 ||
	    grant_in(r->codex_home, ".sandbox", WIN_SANDBOX_GROUP, WRITE_MASK, false, e) < 0 ||
	    grant_in(r->codex_home, ".sandbox-secrets", WIN_SANDBOX_GROUP, WRITE_MASK, true, e) < 0)
		goto out;
	*code = "helper_protected_path_acl_failed";
	cwd_codex = path_join(r->cwd, ".codex");
	cwd_agents = path_join(r->cwd, ".agents");
	if (!cwd_codex || !cwd_agents) {
		err_set(e, "out of memory");
		goto out;
	}
	if ((file_exists(cwd_codex) == 1 &&
	     win_acl_grant(cwd_codex, r->cap_sid, FILE_GENERIC_WRITE | DELETE, true, e) < 0) ||
	    (file_exists(cwd_agents) == 1 &&
	     win_acl_grant(cwd_agents, r->cap_sid, FILE_GENERIC_WRITE | DELETE, true, e) < 0))
		goto out;
	*code = "helper_setup_marker_write_failed";
	if (write_marker(r, e) < 0)
		goto out;
	rc = 0;
out:
	free(cwd_codex);
	free(cwd_agents);
	free(offline_sid);
	return rc;
}

static void write_error(const char *codex_home, const char *code, const struct err *e)
{
	char *path = codex_home ? path_join(codex_home, ".sandbox/setup_error.json") : NULL;
	cJSON *o = cJSON_CreateObject();
	char *json = NULL;
	struct err ignored;

	if (path && o && json_add_str(o, "code", code) >= 0 &&
	    json_add_str(o, "message", e->msg) >= 0 && (json = json_print(o, false)) &&
	    file_mkdir_parents(path, &ignored) == 0)
		(void)file_write_atomic(path, json, strlen(json), 0644, &ignored);
	free(json);
	cJSON_Delete(o);
	free(path);
}

int win_setup_main(int argc, char **argv)
{
	struct win_setup_request r;
	const char *code = "helper_request_args_failed";
	struct err e;
	int rc = 1;

	err_clear(&e);
	memset(&r, 0, sizeof r);
	if (argc != 2) {
		err_set(&e, "expected payload argument");
		goto fail;
	}
	if (win_setup_request_decode(argv[1], &r, &e) < 0)
		goto fail;
	if (run_setup(&r, &code, &e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_error(r.codex_home, code, &e);
	err_print("codex-windows-sandbox-setup", &e);
out:
	win_setup_request_free(&r);
	return rc;
}
