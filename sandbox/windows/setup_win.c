/* The elevated setup helper, `codex-windows-sandbox-setup <base64 JSON>` (this binary
 * under that name, materialised in <codex_home>/.sandbox-bin; reference
 * codex-windows-sandbox.md §3.2): accounts, firewall, ACL grants, then the marker.
 * Idempotent: every step brings an existing object up to date. The steps
 * (setup_steps_win.c) run through win_setup_run: a failure undoes what this run changed
 * and leaves <codex_home>/.sandbox/setup_error.json for the caller, then exits 1. */
#include "sandbox/windows/win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/file.h"
#include "base/json.h"


void win_setup_request_free(struct win_setup_request *r)
{
	free(r->codex_home);
	free(r->cwd);
	free(r->real_user);
	free(r->cap_sid);
	free(r->cwd_cap_sid);
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
	    json_add_str(o, "cwd_cap_sid", r->cwd_cap_sid ? r->cwd_cap_sid : r->cap_sid) < 0 ||
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
	r->cwd_cap_sid = dup_member(o, json_get_str(o, "cwd_cap_sid") ? "cwd_cap_sid" : "cap_sid");
	if (!r->codex_home || !r->cwd || !r->real_user || !r->cap_sid || !r->cwd_cap_sid) {
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

/* codex_home from a payload that failed to decode as a whole (a version mismatch, a
 * member missing), so that the caller still finds setup_error.json; NULL when there is
 * none. Caller frees. */
static char *payload_codex_home(const char *arg)
{
	struct buf json;
	struct err ignored;
	cJSON *o = NULL;
	char *home = NULL;

	buf_init(&json, 1 << 20);
	if (base64_decode(arg, strlen(arg), &json) == 0 &&
	    (o = json_parse(json.data ? json.data : "", json.len, "setup request", &ignored)))
		home = dup_member(o, "codex_home");
	cJSON_Delete(o);
	buf_free(&json);
	return home;
}

static void write_error(const char *codex_home, const struct win_setup_ops *ops,
			const struct win_journal *j, const struct win_setup_result *res)
{
	char *path = codex_home ? path_join(codex_home, ".sandbox/setup_error.json") : NULL;
	char *json = win_setup_error_json(ops, j, res);
	struct err ignored;

	if (path && json && file_mkdir_parents(path, &ignored) == 0)
		(void)file_write_atomic(path, json, strlen(json), 0644, &ignored);
	free(json);
	free(path);
}

int win_setup_main(int argc, char **argv)
{
	struct win_setup_request r;
	struct win_setup_ops ops;
	struct win_journal j = {0};
	struct win_setup_result res;
	int rc = 1;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	res.failed_step = -1; /* before any step: helper_request_args_failed */
	win_setup_ops_for(&r, &ops);
	if (argc != 2) {
		err_set(&res.error, "expected payload argument");
		goto fail;
	}
	if (win_setup_request_decode(argv[1], &r, &res.error) < 0) {
		r.codex_home = payload_codex_home(argv[1]);
		goto fail;
	}
	if (win_setup_run(&ops, getenv(WIN_SETUP_FAIL_AT_ENV), &j, &res) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_error(r.codex_home, &ops, &j, &res);
	err_print("codex-windows-sandbox-setup", &res.error);
out:
	win_journal_free(&j);
	win_setup_request_free(&r);
	return rc;
}
