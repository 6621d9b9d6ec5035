/* JWT claims without verification (upstream never verifies: the tokens come from the
 * issuer over TLS and only steer what the client displays and sends). */
#include "auth/auth.h"

#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/buf.h"
#include "base/json.h"

#define CLAIMS_AUTH "https://api.openai.com/auth"
#define CLAIMS_PROFILE "https://api.openai.com/profile"

void auth_id_claims_free(struct auth_id_claims *c)
{
	if (!c)
		return;
	free(c->email);
	free(c->plan_type);
	free(c->user_id);
	free(c->account_id);
	free(c->organization_id);
	free(c->project_id);
	memset(c, 0, sizeof *c);
}

/* Copies obj[key] into *dst when it is a string; -1 only when memory runs out. */
static int take_str(const cJSON *obj, const char *key, char **dst)
{
	const char *v = json_get_str(obj, key);

	if (!v || *dst)
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

int auth_jwt_claims(const char *token, struct auth_id_claims *out, int64_t *exp,
		    struct err *e)
{
	const char *p1, *p2, *p3;
	struct buf payload;
	cJSON *root = NULL, *auth;
	int rc = -1;

	*exp = 0;
	if (strlen(token) > AUTH_JWT_MAX_BYTES)
		return err_set(e, "the token is too long (limit %u bytes)", AUTH_JWT_MAX_BYTES);
	/* header.payload.signature, none of them empty. */
	p1 = strchr(token, '.');
	p2 = p1 ? strchr(p1 + 1, '.') : NULL;
	p3 = p2 ? p2 + 1 : NULL;
	if (!p1 || p1 == token || !p2 || p2 == p1 + 1 || !*p3 || *p3 == '.')
		return err_set(e, "the token is not a JWT (header.payload.signature)");
	buf_init(&payload, AUTH_JWT_MAX_BYTES);
	if (base64_decode(p1 + 1, (size_t)(p2 - p1 - 1), &payload) < 0) {
		err_set(e, "the token's payload is not base64url");
		goto out;
	}
	if (!payload.data) {
		err_set(e, "the token's payload is empty");
		goto out;
	}
	root = json_parse(payload.data, payload.len, "the token's payload", e);
	if (!root)
		goto out;
	if (!cJSON_IsObject(root)) {
		err_set(e, "the token's payload is not a JSON object");
		goto out;
	}
	json_get_int64(root, "exp", exp);
	auth = cJSON_GetObjectItemCaseSensitive(root, CLAIMS_AUTH);
	if (take_str(root, "email", &out->email) < 0 ||
	    take_str(cJSON_GetObjectItemCaseSensitive(root, CLAIMS_PROFILE), "email",
		     &out->email) < 0 ||
	    take_str(auth, "chatgpt_plan_type", &out->plan_type) < 0 ||
	    take_str(auth, "chatgpt_user_id", &out->user_id) < 0 ||
	    take_str(auth, "user_id", &out->user_id) < 0 ||
	    take_str(auth, "chatgpt_account_id", &out->account_id) < 0 ||
	    take_str(auth, "organization_id", &out->organization_id) < 0 ||
	    take_str(auth, "project_id", &out->project_id) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	json_get_bool(auth, "is_org_owner", &out->is_org_owner);
	json_get_bool(auth, "completed_platform_onboarding", &out->completed_platform_onboarding);
	rc = 0;
out:
	if (rc < 0)
		auth_id_claims_free(out);
	cJSON_Delete(root);
	buf_free(&payload);
	return rc;
}
