/* Refreshing ChatGPT tokens during a session (codex-login.md §7): before a request when
 * the access token has expired, and after a 401. Guarded as upstream's: auth.json is
 * re-read first, and when another process has stored other tokens since, those are used
 * instead of spending the refresh token (a refresh token works once). A permanent failure
 * (401 from the token authority) is remembered for those exact tokens. A failed refresh
 * never touches auth.json. */
#include "auth/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/rfc3339.h"

#define REFRESH_URL_DEFAULT AUTH_ISSUER_DEFAULT "/oauth/token"

static const char *code_of(const cJSON *root)
{
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const char *c = NULL;

	if (cJSON_IsObject(err))
		c = json_get_str(err, "code");
	if (!c && cJSON_IsString(err))
		c = err->valuestring;
	if (!c)
		c = json_get_str(root, "code");
	return c;
}

const char *auth_refresh_failure_message(const char *body, size_t len)
{
	cJSON *root = len ? json_parse(body, len, "refresh error", NULL) : NULL;
	const char *c = cJSON_IsObject(root) ? code_of(root) : NULL;
	const char *msg = "Your access token could not be refreshed. Please log out and sign in "
			  "again.";

	if (c && strcmp(c, "refresh_token_expired") == 0)
		msg = "Your access token could not be refreshed because your refresh token has "
		      "expired. Please log out and sign in again.";
	else if (c && strcmp(c, "refresh_token_reused") == 0)
		msg = "Your access token could not be refreshed because your refresh token was "
		      "already used. Please log out and sign in again.";
	else if (c && strcmp(c, "refresh_token_invalidated") == 0)
		msg = "Your access token could not be refreshed because your refresh token was "
		      "revoked. Please log out and sign in again.";
	cJSON_Delete(root);
	return msg;
}

bool auth_chatgpt_stale(const struct auth_file *f, int64_t now)
{
	struct timespec last;

	if (f->tokens.access_token_exp > 0)
		return f->tokens.access_token_exp <= now;
	if (!f->last_refresh || rfc3339_parse(f->last_refresh, &last) < 0)
		return true;
	return (int64_t)last.tv_sec + AUTH_REFRESH_MAX_AGE_S < now;
}

static int dup_opt(char **slot, const char *s)
{
	*slot = NULL;
	return s && !(*slot = strdup(s)) ? -1 : 0;
}

int auth_chatgpt_init(struct auth_chatgpt *s, const char *codex_home, struct auth_file *file,
		      const char *originator, const char *user_agent, struct err *e)
{
	const char *url = getenv("CODEX_REFRESH_TOKEN_URL_OVERRIDE");

	memset(s, 0, sizeof *s);
	s->file = *file;
	*file = (struct auth_file)AUTH_FILE_INIT;
	if (dup_opt(&s->codex_home, codex_home) < 0 ||
	    dup_opt(&s->refresh_url, url && *url ? url : REFRESH_URL_DEFAULT) < 0 ||
	    dup_opt(&s->client_id, AUTH_CLIENT_ID_DEFAULT) < 0 ||
	    dup_opt(&s->originator, originator) < 0 || dup_opt(&s->user_agent, user_agent) < 0) {
		auth_chatgpt_free(s);
		return err_set(e, "out of memory");
	}
	return 0;
}

void auth_chatgpt_free(struct auth_chatgpt *s)
{
	if (!s)
		return;
	free(s->codex_home);
	free(s->refresh_url);
	free(s->client_id);
	free(s->originator);
	free(s->user_agent);
	auth_file_free(&s->file);
	memset(s, 0, sizeof *s);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_tokens(const struct auth_file *a, const struct auth_file *b)
{
	return a->has_tokens == b->has_tokens && str_eq(a->tokens.id_token, b->tokens.id_token) &&
	       str_eq(a->tokens.access_token, b->tokens.access_token) &&
	       str_eq(a->tokens.refresh_token, b->tokens.refresh_token);
}

/* Re-reads auth.json: 1 and the stored credentials adopted when they are ChatGPT
 * tokens of the same account that differ from ours, 0 when nothing changed, -1 when
 * the stored account is another one (or the file is gone or unreadable). */
static int adopt_stored(struct auth_chatgpt *s, struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	int r = auth_file_load(s->codex_home, &f, e);

	if (r <= 0 || f.mode != AUTH_MODE_CHATGPT || !f.has_tokens || !f.last_refresh ||
	    !str_eq(f.tokens.account_id, s->file.tokens.account_id)) {
		auth_file_free(&f);
		if (r < 0)
			return -1;
		return err_set(e, "Your access token could not be refreshed because you have since "
				  "logged out or signed in to another account. Please sign in "
				  "again.");
	}
	if (same_tokens(&f, &s->file)) {
		auth_file_free(&f);
		return 0;
	}
	auth_file_free(&s->file);
	s->file = f;
	s->failed = false;
	return 1;
}

/* Replaces *slot with a copy of the response's member when present. */
static int take_member(const cJSON *root, const char *key, char **slot)
{
	const char *v = json_get_str(root, key);
	char *copy;

	if (!v)
		return 0;
	if (!(copy = strdup(v)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Applies a refresh response to a copy of the credentials and saves it; s->file is
 * replaced only when auth.json was written. */
static int apply_refresh(struct auth_chatgpt *s, const char *body, size_t len, struct err *e)
{
	cJSON *root = json_parse(body, len, "the refresh response", e);
	struct auth_file f = AUTH_FILE_INIT;
	char *text = NULL;
	int rc = -1;

	if (!root)
		return -1;
	/* A deep copy through the file format: the same code path as reading auth.json. */
	if (!(text = auth_file_serialize(&s->file)) ||
	    auth_file_parse(text, strlen(text), &f, e) < 0)
		goto fail;
	if (take_member(root, "id_token", &f.tokens.id_token) < 0 ||
	    take_member(root, "access_token", &f.tokens.access_token) < 0 ||
	    take_member(root, "refresh_token", &f.tokens.refresh_token) < 0)
		goto oom;
	auth_id_claims_free(&f.tokens.id_claims);
	if (auth_jwt_claims(f.tokens.id_token, &f.tokens.id_claims, &(int64_t){0}, e) < 0)
		goto fail;
	{
		struct auth_id_claims scratch = {0};
		if (auth_jwt_claims(f.tokens.access_token, &scratch, &f.tokens.access_token_exp,
				    NULL) < 0)
			f.tokens.access_token_exp = 0;
		auth_id_claims_free(&scratch);
	}
	if (f.tokens.id_claims.account_id && !str_eq(f.tokens.account_id,
						     f.tokens.id_claims.account_id)) {
		free(f.tokens.account_id);
		if (!(f.tokens.account_id = strdup(f.tokens.id_claims.account_id)))
			goto oom;
	}
	free(f.last_refresh);
	if (!(f.last_refresh = auth_now_rfc3339()))
		goto oom;
	if (auth_file_save(s->codex_home, &f, e) < 0)
		goto fail;
	auth_file_free(&s->file);
	s->file = f;
	f = (struct auth_file)AUTH_FILE_INIT;
	rc = 0;
	goto fail;
oom:
	err_set(e, "out of memory");
fail:
	auth_file_free(&f);
	free(text);
	cJSON_Delete(root);
	return rc;
}

/* One call to the token authority. */
static int refresh_now(struct auth_chatgpt *s, struct err *e)
{
	cJSON *req;
	struct buf body, h1, h2;
	const char *headers[3] = {NULL, NULL, NULL};
	char *text = NULL;
	long status = 0;
	int rc = -1;
	size_t nh = 0;

	if (s->failed)
		return err_set(e, "%s", s->failure.msg);
	req = cJSON_CreateObject();
	buf_init(&body, AUTH_HTTP_BODY_MAX);
	buf_init(&h1, 4096);
	buf_init(&h2, 4096);
	if (!req || json_add_str(req, "client_id", s->client_id) < 0 ||
	    json_add_str(req, "grant_type", "refresh_token") < 0 ||
	    json_add_str(req, "refresh_token", s->file.tokens.refresh_token) < 0 ||
	    !(text = json_print(req, false)))
		goto oom;
	if (s->originator) {
		if (buf_printf(&h1, "originator: %s", s->originator) < 0)
			goto oom;
		headers[nh++] = h1.data;
	}
	if (s->user_agent) {
		if (buf_printf(&h2, "User-Agent: %s", s->user_agent) < 0)
			goto oom;
		headers[nh++] = h2.data;
	}
	if (auth_http_post(s->refresh_url, "application/json", text, headers, &status, &body,
			   e) < 0) {
		err_prefix(e, "Failed to refresh token");
		goto out;
	}
	if (status == 401) {
		s->failed = true;
		err_set(&s->failure, "%s", auth_refresh_failure_message(body.data, body.len));
		*e = s->failure;
		goto out;
	}
	if (status < 200 || status > 299) {
		char *d = auth_token_error_detail(body.data, body.len);
		err_set(e, "Failed to refresh token: %ld: %s", status, d ? d : "");
		free(d);
		goto out;
	}
	rc = apply_refresh(s, body.data ? body.data : "", body.len, e);
	goto out;
oom:
	err_set(e, "out of memory");
out:
	cJSON_Delete(req);
	free(text);
	buf_free(&body);
	buf_free(&h1);
	buf_free(&h2);
	return rc;
}

/* The guarded refresh: someone else's fresh tokens first, else ours refreshed. */
static int guarded_refresh(struct auth_chatgpt *s, struct err *e)
{
	int r = adopt_stored(s, e);

	if (r != 0)
		return r < 0 ? -1 : 0;
	return refresh_now(s, e);
}

int auth_chatgpt_refresh_if_stale(struct auth_chatgpt *s, struct err *e)
{
	if (!auth_chatgpt_stale(&s->file, (int64_t)time(NULL)))
		return 0;
	return guarded_refresh(s, e);
}

const char *auth_chatgpt_recover(struct auth_chatgpt *s, struct err *e)
{
	return guarded_refresh(s, e) < 0 ? NULL : s->file.tokens.access_token;
}
