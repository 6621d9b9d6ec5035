/* The setup helper's request: encoded by the caller, decoded by the helper
 * (windows_sandbox.h, "The setup helper's request"). Pure C, fuzzed. */
#include "sandbox/windows/windows_sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/json.h"

void win_setup_request_free(struct win_setup_request *r)
{
	free(r->codex_home);
	free(r->cwd);
	free(r->real_user);
	free(r->cap_sid);
	free(r->cwd_cap_sid);
	win_grants_free(&r->grants);
	memset(r, 0, sizeof *r);
}

char *win_setup_request_encode(const struct win_setup_request *r)
{
	cJSON *o = cJSON_CreateObject(), *a, *p;
	char *json = NULL, *b64 = NULL;

	if (!o || json_add_int(o, "version", WIN_SETUP_VERSION) < 0 ||
	    json_add_str(o, "codex_home", r->codex_home) < 0 || json_add_str(o, "cwd", r->cwd) < 0 ||
	    json_add_str(o, "real_user", r->real_user) < 0 ||
	    json_add_str(o, "cap_sid", r->cap_sid) < 0 ||
	    json_add_str(o, "cwd_cap_sid", r->cwd_cap_sid ? r->cwd_cap_sid : r->cap_sid) < 0 ||
	    !cJSON_AddBoolToObject(o, "refresh_only", r->refresh_only) ||
	    !(a = cJSON_AddArrayToObject(o, "grants")) ||
	    !(p = cJSON_AddArrayToObject(o, "proxy_ports")) ||
	    !cJSON_AddBoolToObject(o, "allow_local_binding", r->net.allow_local_binding))
		goto out;
	for (size_t i = 0; i < r->grants.n; i++) {
		cJSON *g = cJSON_CreateObject();
		if (!g || !cJSON_AddItemToArray(a, g)) {
			cJSON_Delete(g);
			goto out;
		}
		if (json_add_str(g, "target", win_acl_target_name(r->grants.v[i].target)) < 0 ||
		    json_add_str(g, "path", r->grants.v[i].path) < 0)
			goto out;
	}
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

static int decode_grants(const cJSON *a, struct win_grants *g, struct err *e)
{
	const cJSON *it;

	if (a && !cJSON_IsArray(a))
		return err_set(e, "setup request: grants is not an array");
	cJSON_ArrayForEach(it, a) {
		const char *target = json_get_str(it, "target"), *path = json_get_str(it, "path");
		int t = win_acl_target_parse(target);
		if (t < 0 || !path || !*path)
			return err_set(e, "setup request: a grant needs a known target and a path");
		if (win_grants_add(g, (enum win_acl_target)t, path, e) < 0) {
			err_prefix(e, "setup request");
			return -1;
		}
	}
	return 0;
}

int win_setup_request_decode(const char *arg, struct win_setup_request *r, struct err *e)
{
	struct buf json;
	cJSON *o = NULL;
	const cJSON *refresh;
	struct win_marker m; /* the marker parser checks version and ports the same way */
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(&m, 0, sizeof m);
	buf_init(&json, WIN_SETUP_REQUEST_MAX_BYTES);
	if (base64_decode(arg, strlen(arg), &json) < 0) {
		err_set(e, "setup request: not base64 (or over %d bytes)", WIN_SETUP_REQUEST_MAX_BYTES);
		goto out;
	}
	if (!(o = json_parse(json.data ? json.data : "", json.len, "setup request", e)))
		goto out;
	if (win_marker_parse_fields(o, &m, e) < 0) {
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
	refresh = cJSON_GetObjectItemCaseSensitive(o, "refresh_only");
	if (refresh && !cJSON_IsBool(refresh)) {
		err_set(e, "setup request: refresh_only is not true or false");
		goto out;
	}
	r->refresh_only = cJSON_IsTrue(refresh);
	if (decode_grants(cJSON_GetObjectItemCaseSensitive(o, "grants"), &r->grants, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		win_setup_request_free(r);
	win_marker_free(&m);
	cJSON_Delete(o);
	buf_free(&json);
	return rc;
}

char *win_setup_request_codex_home(const char *arg)
{
	struct buf json;
	struct err ignored;
	cJSON *o = NULL;
	char *home = NULL;

	buf_init(&json, WIN_SETUP_REQUEST_MAX_BYTES);
	if (base64_decode(arg, strlen(arg), &json) == 0 &&
	    (o = json_parse(json.data ? json.data : "", json.len, "setup request", &ignored)))
		home = dup_member(o, "codex_home");
	cJSON_Delete(o);
	buf_free(&json);
	return home;
}
