/* MCP OAuth tokens (codex-mcp.md §8): the token endpoint's answers, the refresh, and the
 * bearer an HTTP server is sent. A refresh happens MCP_OAUTH_REFRESH_SKEW_MS before the
 * stored expiry and after a 401; what it gets is stored at once, so the next process
 * starts from it. These calls block (the transport makes them at start and after a 401),
 * each bounded by REFRESH_TIMEOUT_MS plus discovery's bound. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "base/http.h"
#include "base/json.h"
#include "mcp/internal.h"

/* A refresh holds up the session's loop: a token endpoint answers in well under this. */
#define REFRESH_TIMEOUT_MS 15000L
/* expires_in beyond ten years is nonsense: cut (also keeps the ms sum in range). */
#define MAX_EXPIRES_IN_S (10LL * 365 * 24 * 3600)

int64_t mcp_oauth_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool header_safe(const char *s)
{
	if (!*s || strlen(s) > MCP_OAUTH_MAX_VALUE)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
			return false;
	return true;
}

int mcp_oauth_token_parse(const char *text, size_t len, int64_t now_ms,
			  struct mcp_oauth_tokens *t, struct err *e)
{
	const char *access, *refresh, *scope;
	const cJSON *exp;
	char *a = NULL, *r = NULL;
	struct strv scopes = STRV_INIT;
	int64_t expires_at = 0;
	cJSON *j;
	int rc = -1;

	if (len > MCP_OAUTH_BODY_MAX)
		return err_set(e, "token response is larger than %u bytes", MCP_OAUTH_BODY_MAX);
	if (!(j = json_parse(text, len, "token response", e)))
		return -1;
	access = json_get_str(j, "access_token");
	refresh = json_get_str(j, "refresh_token");
	scope = json_get_str(j, "scope");
	exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
	if (!access || !header_safe(access)) {
		err_set(e, "token response has no usable access_token");
		goto out;
	}
	if (refresh && !header_safe(refresh)) {
		err_set(e, "token response has an unusable refresh_token");
		goto out;
	}
	if (cJSON_IsNumber(exp)) {
		double s = exp->valuedouble;
		if (!(s >= 0))
			s = 0;
		if (s > (double)MAX_EXPIRES_IN_S)
			s = (double)MAX_EXPIRES_IN_S;
		expires_at = now_ms + (int64_t)(s * 1000.0);
	}
	for (const char *p = scope; p && *p;) {
		size_t n;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n && n <= 1024 && scopes.n < MCP_OAUTH_MAX_SCOPES &&
		    strv_pushf(&scopes, "%.*s", (int)n, p) < 0)
			goto oom;
		p += n;
	}
	if (!(a = strdup(access)) || (refresh && !(r = strdup(refresh))))
		goto oom;
	free(t->access_token);
	t->access_token = a;
	a = NULL;
	if (r) {
		free(t->refresh_token);
		t->refresh_token = r;
		r = NULL;
	}
	t->expires_at = expires_at;
	if (scope) {
		strv_free(&t->scopes);
		t->scopes = scopes;
		scopes = (struct strv)STRV_INIT;
	}
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	free(a);
	free(r);
	strv_free(&scopes);
	cJSON_Delete(j);
	return rc;
}

int oauth_post(const char *url, const char *content_type, const char *body, long timeout_ms,
	       long *status, struct buf *out, struct err *e)
{
	struct strv headers = STRV_INIT;
	struct http_request req;
	struct http_response resp;
	int rc = -1;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	if (strv_pushf(&headers, "Content-Type: %s", content_type) < 0 ||
	    strv_push(&headers, "Accept: application/json") < 0) {
		strv_free(&headers);
		return err_set(e, "out of memory");
	}
	req.method = "POST";
	req.url = url;
	req.headers = &headers;
	req.body = body;
	req.body_len = strlen(body);
	req.proxy = "";
	req.connect_timeout_ms = timeout_ms;
	req.timeout_ms = timeout_ms;
	req.max_body = MCP_OAUTH_BODY_MAX;
	if (http_perform(&req, &resp, e) == 0) {
		*status = resp.status;
		if (!resp.body.len || buf_append(out, resp.body.data, resp.body.len) == 0)
			rc = 0;
		else
			err_set(e, "out of memory");
	}
	http_response_free(&resp);
	strv_free(&headers);
	return rc;
}

int oauth_token_request(const char *token_endpoint, const char *form, long timeout_ms,
			struct mcp_oauth_tokens *t, struct err *e)
{
	struct buf body;
	long status = 0;
	int rc = -1;

	buf_init(&body, MCP_OAUTH_BODY_MAX);
	if (oauth_post(token_endpoint, "application/x-www-form-urlencoded", form, timeout_ms,
		       &status, &body, e) < 0)
		goto out;
	if (status < 200 || status > 299) {
		char *d = auth_token_error_detail(body.data ? body.data : "", body.len);
		err_set(e, "token endpoint returned status %ld: %s", status, d ? d : "");
		free(d);
		goto out;
	}
	rc = mcp_oauth_token_parse(body.data ? body.data : "", body.len, mcp_oauth_now_ms(), t, e);
out:
	buf_free(&body);
	return rc;
}

/* A refresh at the token endpoint the server's metadata names: 1 refreshed (t updated),
 * 0 nothing to refresh with (no refresh token, or no metadata), -1 with e. */
static int refresh(struct mcp_oauth_tokens *t, struct err *e)
{
	struct mcp_oauth_metadata md;
	struct buf form;
	int r;

	if (!t->refresh_token)
		return 0;
	memset(&md, 0, sizeof md);
	r = mcp_oauth_discover_metadata(t->server_url, MCP_OAUTH_DISCOVERY_TIMEOUT_MS, &md);
	if (r <= 0)
		return r < 0 ? err_set(e, "out of memory") : 0;
	buf_init(&form, MCP_OAUTH_BODY_MAX);
	r = -1;
	if (auth_form_append(&form, "grant_type", "refresh_token") < 0 ||
	    auth_form_append(&form, "refresh_token", t->refresh_token) < 0 ||
	    auth_form_append(&form, "client_id", t->client_id) < 0)
		err_set(e, "out of memory");
	else if (oauth_token_request(md.token_endpoint, form.data, REFRESH_TIMEOUT_MS, t, e) == 0)
		r = 1;
	buf_free(&form);
	mcp_oauth_metadata_free(&md);
	return r;
}

int mcp_oauth_bearer(const char *codex_home, const char *server, const char *url,
		     const char *refused, char **out, struct err *e)
{
	struct mcp_oauth_tokens t;
	struct err re;
	int r;

	memset(&t, 0, sizeof t);
	r = mcp_oauth_store_load(codex_home, server, url, &t, e);
	if (r <= 0)
		return r;
	if (refused ? strcmp(refused, t.access_token) == 0
		    : t.expires_at > 0 &&
			      mcp_oauth_now_ms() + MCP_OAUTH_REFRESH_SKEW_MS >= t.expires_at) {
		r = refresh(&t, &re);
		if (r < 0) {
			err_set(e, "failed to refresh the OAuth tokens of MCP server '%s': %s. Run "
				   "`codex mcp login %s`.", server, re.msg, server);
			goto fail;
		}
		if (r > 0 && mcp_oauth_store_save(codex_home, &t, e) < 0)
			goto fail;
	}
	*out = t.access_token;
	t.access_token = NULL;
	mcp_oauth_tokens_free(&t);
	return *out ? 1 : err_set(e, "out of memory");
fail:
	mcp_oauth_tokens_free(&t);
	return -1;
}
