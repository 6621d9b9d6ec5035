/* Private to src/auth/: the pieces the ChatGPT sign-in files share (URL and form
 * encoding, the login HTTP calls, persisting fresh tokens, the workspace check). */
#ifndef CODEX_AUTH_INTERNAL_H
#define CODEX_AUTH_INTERNAL_H

#include "auth/auth.h"
#include "base/buf.h"

/* The login HTTP calls (POST, no proxy override, bounded): status and body (up to
 * AUTH_HTTP_BODY_MAX) into *status / body. -1 with e when no response arrived. */
int auth_http_post(const char *url, const char *content_type, const char *body,
		   const char *const *extra_headers, long *status, struct buf *body_out,
		   struct err *e);

/* What the token endpoint answered, owned; free with auth_token_set_free. */
struct auth_token_set {
	char *id_token, *access_token, *refresh_token;
};
void auth_token_set_free(struct auth_token_set *t);

/* §3.1: the authorization-code exchange at {issuer}/oauth/token. */
int auth_exchange_code(const char *issuer, const char *client_id, const char *redirect_uri,
		       const char *code, const char *verifier, struct auth_token_set *out,
		       struct err *e);
/* §3.2: the id_token traded for an API key; NULL when that fails (never fatal). */
char *auth_exchange_api_key(const char *issuer, const char *client_id, const char *id_token);

/* §10: the id_token's chatgpt_account_id against forced_workspace_id (NULL or blank:
 * no restriction). -1 with upstream's message on a mismatch. */
int auth_check_workspace(const char *forced_workspace_id, const char *id_token,
			 struct err *e);

/* §8: a fresh ChatGPT auth.json (mode chatgpt, account id from the id_token, last_refresh
 * now) replacing whatever was there. api_key may be NULL. */
int auth_persist_tokens(const char *codex_home, const struct auth_token_set *t,
			const char *api_key, struct err *e);

/* now, in auth.json's last_refresh form (malloc'ed), or NULL. */
char *auth_now_rfc3339(void);

/* NULL or only blanks. */
bool auth_blank(const char *s);

#endif
