/* The token endpoint (codex-login.md §3): the authorization-code exchange, the API-key
 * exchange, error details; then the workspace check and persisting (§8, §10). */
#include "auth/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/json.h"
#include "base/rfc3339.h"
#include "base/strv.h"

void auth_token_set_free(struct auth_token_set *t)
{
	if (!t)
		return;
	free(t->id_token);
	free(t->access_token);
	free(t->refresh_token);
	memset(t, 0, sizeof *t);
}

int auth_http_post(const char *url, const char *content_type, const char *body,
		   const char *const *extra_headers, long *status, struct buf *body_out,
		   struct err *e)
{
	struct strv headers = STRV_INIT;
	struct http_request req;
	struct http_response resp;
	int rc = -1;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	if (strv_pushf(&headers, "Content-Type: %s", content_type) < 0)
		goto oom;
	for (size_t i = 0; extra_headers && extra_headers[i]; i++)
		if (strv_push(&headers, extra_headers[i]) < 0)
			goto oom;
	req.method = "POST";
	req.url = url;
	req.headers = &headers;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout_ms = AUTH_HTTP_TIMEOUT_MS;
	req.max_body = AUTH_HTTP_BODY_MAX;
	if (http_perform(&req, &resp, e) < 0) {
		http_response_free(&resp);
		goto out;
	}
	*status = resp.status;
	if (resp.body.len && buf_append(body_out, resp.body.data, resp.body.len) < 0) {
		http_response_free(&resp);
		goto oom;
	}
	http_response_free(&resp);
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	strv_free(&headers);
	return rc;
}

/* The exchange sends no client headers of ours (observed: content-type, accept, host,
 * content-length only); an empty header line makes curl drop its User-Agent. */
static const char *const bare_headers[] = {"User-Agent:", NULL};

char *auth_token_error_detail(const char *body, size_t len)
{
	cJSON *root = len ? json_parse(body, len, "token error", NULL) : NULL;
	const char *d = NULL;
	char *out;

	if (cJSON_IsObject(root)) {
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
		d = json_get_str(root, "error_description");
		if (!d && cJSON_IsObject(err))
			d = json_get_str(err, "message");
		if (!d && cJSON_IsString(err))
			d = err->valuestring;
		if (!d && cJSON_IsObject(err))
			d = json_get_str(err, "code");
	}
	if (d && *d)
		out = strdup(d);
	else
		out = strndup(body ? body : "", len);
	cJSON_Delete(root);
	return out;
}

static int parse_token_set(const char *body, size_t len, struct auth_token_set *out,
			   struct err *e)
{
	cJSON *root = json_parse(body, len, "the token response", e);
	const char *id, *access, *refresh;
	int rc = -1;

	if (!root)
		return -1;
	id = json_get_str(root, "id_token");
	access = json_get_str(root, "access_token");
	refresh = json_get_str(root, "refresh_token");
	if (!id || !access || !refresh) {
		err_set(e, "the token response lacks %s", !id ? "id_token"
							 : !access ? "access_token"
								   : "refresh_token");
		goto out;
	}
	out->id_token = strdup(id);
	out->access_token = strdup(access);
	out->refresh_token = strdup(refresh);
	if (!out->id_token || !out->access_token || !out->refresh_token) {
		auth_token_set_free(out);
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int auth_exchange_code(const char *issuer, const char *client_id, const char *redirect_uri,
		       const char *code, const char *verifier, struct auth_token_set *out,
		       struct err *e)
{
	struct buf form, body, url;
	long status = 0;
	int rc = -1;

	buf_init(&form, 64 * 1024);
	buf_init(&body, AUTH_HTTP_BODY_MAX);
	buf_init(&url, 8192);
	if (auth_form_append(&form, "grant_type", "authorization_code") < 0 ||
	    auth_form_append(&form, "code", code) < 0 ||
	    auth_form_append(&form, "redirect_uri", redirect_uri) < 0 ||
	    auth_form_append(&form, "client_id", client_id) < 0 ||
	    auth_form_append(&form, "code_verifier", verifier) < 0 ||
	    buf_printf(&url, "%s/oauth/token", issuer) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (auth_http_post(url.data, "application/x-www-form-urlencoded", form.data, bare_headers,
			   &status, &body, e) < 0)
		goto out;
	if (status < 200 || status > 299) {
		char *d = auth_token_error_detail(body.data, body.len);
		err_set(e, "token endpoint returned status %ld: %s", status, d ? d : "");
		free(d);
		goto out;
	}
	rc = parse_token_set(body.data ? body.data : "", body.len, out, e);
out:
	buf_free(&form);
	buf_free(&body);
	buf_free(&url);
	return rc;
}

char *auth_exchange_api_key(const char *issuer, const char *client_id, const char *id_token)
{
	struct buf form, body, url;
	struct err e;
	long status = 0;
	char *key = NULL;
	cJSON *root = NULL;

	buf_init(&form, AUTH_HTTP_BODY_MAX);
	buf_init(&body, AUTH_HTTP_BODY_MAX);
	buf_init(&url, 8192);
	if (auth_form_append(&form, "grant_type",
			     "urn:ietf:params:oauth:grant-type:token-exchange") < 0 ||
	    auth_form_append(&form, "client_id", client_id) < 0 ||
	    auth_form_append(&form, "requested_token", "openai-api-key") < 0 ||
	    auth_form_append(&form, "subject_token", id_token) < 0 ||
	    auth_form_append(&form, "subject_token_type",
			     "urn:ietf:params:oauth:token-type:id_token") < 0 ||
	    buf_printf(&url, "%s/oauth/token", issuer) < 0)
		goto out;
	/* Any failure only means no OPENAI_API_KEY in auth.json, as upstream. */
	if (auth_http_post(url.data, "application/x-www-form-urlencoded", form.data, bare_headers,
			   &status, &body, &e) < 0 ||
	    status < 200 || status > 299 || !body.data)
		goto out;
	root = json_parse(body.data, body.len, "token exchange", NULL);
	if (json_get_str(root, "access_token"))
		key = strdup(json_get_str(root, "access_token"));
out:
	cJSON_Delete(root);
	buf_free(&form);
	buf_free(&body);
	buf_free(&url);
	return key;
}

int auth_check_workspace(const char *forced_workspace_id, const char *id_token,
			 struct err *e)
{
	struct auth_id_claims c = {0};
	const char *want;
	size_t n;
	int64_t exp;
	int rc = 0;

	if (auth_blank(forced_workspace_id))
		return 0;
	want = forced_workspace_id;
	while (strchr(" \t\r\n", *want))
		want++;
	n = strlen(want);
	while (n > 0 && strchr(" \t\r\n", want[n - 1]))
		n--;
	if (auth_jwt_claims(id_token, &c, &exp, e) < 0)
		return -1;
	if (!c.account_id)
		rc = err_set(e, "Login is restricted to workspace id %.*s, but the token did not "
				"include an chatgpt_account_id claim.", (int)n, want);
	else if (strlen(c.account_id) != n || memcmp(c.account_id, want, n) != 0)
		rc = err_set(e, "Login is restricted to workspace id %.*s.", (int)n, want);
	auth_id_claims_free(&c);
	return rc;
}

char *auth_now_rfc3339(void)
{
	char s[RFC3339_MAX];
	struct timespec now = rfc3339_now();

	/* Upstream's chrono writes nanoseconds (§8). */
	rfc3339_format(&now, 9, s);
	return strdup(s);
}

int auth_persist_tokens(const char *codex_home, const struct auth_token_set *t,
			const char *api_key, struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	int64_t exp;
	int rc = -1;

	f.has_mode = true;
	f.mode = AUTH_MODE_CHATGPT;
	f.has_tokens = true;
	if (auth_jwt_claims(t->id_token, &f.tokens.id_claims, &exp, e) < 0)
		return -1;
	if ((api_key && !(f.api_key = strdup(api_key))) ||
	    !(f.tokens.id_token = strdup(t->id_token)) ||
	    !(f.tokens.access_token = strdup(t->access_token)) ||
	    !(f.tokens.refresh_token = strdup(t->refresh_token)) ||
	    (f.tokens.id_claims.account_id &&
	     !(f.tokens.account_id = strdup(f.tokens.id_claims.account_id))) ||
	    !(f.last_refresh = auth_now_rfc3339())) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = auth_file_save(codex_home, &f, e);
out:
	auth_file_free(&f);
	return rc;
}
