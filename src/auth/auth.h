/* Credentials: $CODEX_HOME/auth.json in upstream's exact format, and which credential a
 * model request uses. Used by the CLI (login, login status, logout), the agent, and
 * later the TUI and ChatGPT sign-in; depends on base only.
 *
 * auth.json (reference codex-login.md §8): pretty JSON, two-space indentation, no
 * trailing newline; "auth_mode" (omitted when the file had none), "OPENAI_API_KEY"
 * (always, null when absent), "tokens" {id_token, access_token, refresh_token,
 * account_id} and "last_refresh" (ChatGPT only), then any members this build does not
 * know, kept as they were. Written atomically (temp file + fsync + rename), mode 0600
 * whatever the old file's mode or the umask; a symlinked auth.json is written through
 * to its target. ChatGPT tokens are parsed (id_token claims, access-token expiry) but
 * never verified: signatures are not checked, as upstream.
 *
 * Limits: the file is at most AUTH_FILE_MAX_BYTES; a JWT at most AUTH_JWT_MAX_BYTES. */
#ifndef CODEX_AUTH_AUTH_H
#define CODEX_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Real files are under 10 KiB (three JWTs); 1 MiB bounds a hostile one. */
#define AUTH_FILE_MAX_BYTES (1024u * 1024)
/* An id_token carries a few KiB of claims; 256 KiB bounds the decode. */
#define AUTH_JWT_MAX_BYTES (256u * 1024)
/* A key read from stdin by `codex login --with-api-key`: real keys are ~200 bytes. */
#define AUTH_API_KEY_MAX_BYTES (64u * 1024)

enum auth_mode {
	AUTH_MODE_APIKEY,
	AUTH_MODE_CHATGPT,
	AUTH_MODE_CHATGPT_AUTH_TOKENS /* host-app tokens: upstream never writes them to disk */
};
/* "apikey", "chatgpt", "chatgptAuthTokens": the auth_mode strings of the file. */
const char *auth_mode_str(enum auth_mode m);

/* The id_token claims upstream reads (codex-login.md §4); absent claims are NULL/false. */
struct auth_id_claims {
	char *email;           /* email, else https://api.openai.com/profile.email */
	char *plan_type;       /* auth.chatgpt_plan_type, as written */
	char *user_id;         /* auth.chatgpt_user_id, else auth.user_id */
	char *account_id;      /* auth.chatgpt_account_id */
	char *organization_id;
	char *project_id;
	bool is_org_owner;
	bool completed_platform_onboarding;
};

struct auth_tokens {
	char *id_token;        /* the raw JWTs, as stored */
	char *access_token;
	char *refresh_token;
	char *account_id;      /* or NULL (written as null) */
	struct auth_id_claims id_claims;
	int64_t access_token_exp; /* the access token's "exp" (unix seconds), or 0 */
};

struct auth_extra;

/* The contents of auth.json. Everything is owned; free with auth_file_free. */
struct auth_file {
	bool has_mode;         /* "auth_mode" present (older files have none) */
	enum auth_mode mode;   /* the effective mode: as written, else apikey when
				  OPENAI_API_KEY is set, else chatgpt (upstream's rule) */
	char *api_key;         /* OPENAI_API_KEY, or NULL */
	bool has_tokens;
	struct auth_tokens tokens;
	char *last_refresh;    /* RFC 3339, as stored, or NULL */
	struct auth_extra *extra; /* members this build does not know, kept for rewrites */
};

#define AUTH_FILE_INIT {false, AUTH_MODE_APIKEY, NULL, false, {0}, NULL, NULL}

/* $CODEX_HOME/auth.json: malloc'ed (caller frees), or NULL when memory runs out. */
char *auth_file_path(const char *codex_home);

/* Reads codex_home/auth.json into *out (AUTH_FILE_INIT'ed by the caller): 1 when it was
 * read, 0 when there is no file (out untouched), -1 with e filled when it cannot be read
 * or is not a valid auth.json (not JSON, wrong member types, an API-key mode without a
 * key, an id_token that is not a JWT). */
int auth_file_load(const char *codex_home, struct auth_file *out, struct err *e);

/* Parses the text of an auth.json (what auth_file_load does after reading; exposed for
 * the fuzz target). Same results as auth_file_load except never 0. */
int auth_file_parse(const char *text, size_t len, struct auth_file *out, struct err *e);

/* The file's text in upstream's format (malloc'ed, caller frees), or NULL when memory
 * runs out. */
char *auth_file_serialize(const struct auth_file *f);

/* Writes f to codex_home/auth.json atomically with mode 0600, creating codex_home
 * (0700) when it does not exist. On failure the old file is intact. */
int auth_file_save(const char *codex_home, const struct auth_file *f, struct err *e);

/* Removes codex_home/auth.json: 1 removed, 0 there was none, -1 on error. */
int auth_file_remove(const char *codex_home, struct err *e);

void auth_file_free(struct auth_file *f);

/* `codex login --with-api-key`: a fresh file {"auth_mode":"apikey","OPENAI_API_KEY":key}
 * replacing whatever was there (stale tokens go, as upstream). */
int auth_save_api_key(const char *codex_home, const char *key, struct err *e);

/* Parses a JWT's claims (tests and the sign-in module): the payload's
 * https://api.openai.com/auth claims and email into *out (zeroed by the caller), its
 * "exp" into *exp (0 when absent). -1 when token is not a JWT whose payload is a JSON
 * object. */
int auth_jwt_claims(const char *token, struct auth_id_claims *out, int64_t *exp,
		    struct err *e);
void auth_id_claims_free(struct auth_id_claims *c);

/* "sk-proj-***CDEFG": the first 8 characters, "***", the last 5; keys of 13 characters
 * or fewer become "***" (upstream's `login status`). Malloc'ed, or NULL. */
char *auth_mask_api_key(const char *key);

/* ---- which credential a request uses ---------------------------------------------- */

struct auth_request_opts {
	const char *codex_home;       /* where auth.json lives */
	const char *env_key;          /* the provider's env_key, or NULL */
	const char *env_key_instructions; /* appended to the "missing variable" error */
	const char *bearer_token;     /* the provider's experimental_bearer_token, or NULL */
	/* The provider takes OpenAI credentials (requires_openai_auth, as the built-in
	 * openai): without an env_key, OPENAI_API_KEY and then auth.json supply them. A
	 * provider without it never gets the user's OpenAI key. */
	bool openai_auth;
	bool codex_api_key_env;       /* `codex exec`: CODEX_API_KEY beats everything */
};

enum auth_source {
	AUTH_SOURCE_NONE,             /* no Authorization header */
	AUTH_SOURCE_CODEX_API_KEY,    /* env CODEX_API_KEY */
	AUTH_SOURCE_ENV_KEY,          /* the provider's env_key variable */
	AUTH_SOURCE_BEARER_TOKEN,     /* experimental_bearer_token */
	AUTH_SOURCE_OPENAI_API_KEY,   /* env OPENAI_API_KEY */
	AUTH_SOURCE_FILE_API_KEY,     /* auth.json, API key */
	AUTH_SOURCE_FILE_CHATGPT      /* auth.json, ChatGPT access token */
};
const char *auth_source_str(enum auth_source s);

struct auth_credentials {
	enum auth_source source;
	char *bearer;                 /* or NULL (AUTH_SOURCE_NONE) */
	char *account_id;             /* ChatGPT only: the chatgpt-account-id header, or NULL */
	struct auth_file file;        /* auth.json as read for FILE_* sources (the sign-in
					 module refreshes from it), else empty */
};

#define AUTH_CREDENTIALS_INIT {AUTH_SOURCE_NONE, NULL, NULL, AUTH_FILE_INIT}

/* Picks the credential for one provider, in this order: CODEX_API_KEY (when enabled);
 * the provider's env_key (set but empty or unset is an error naming the variable, with
 * its instructions); experimental_bearer_token; then, for openai_auth providers,
 * OPENAI_API_KEY and auth.json (an API key, or ChatGPT tokens, which need "tokens" and
 * "last_refresh"). Values from the environment are trimmed. *out starts as
 * AUTH_CREDENTIALS_INIT; free it with auth_credentials_free. */
int auth_resolve(const struct auth_request_opts *o, struct auth_credentials *out,
		 struct err *e);
void auth_credentials_free(struct auth_credentials *c);

/* ---- ChatGPT sign-in (codex-login.md §2-§7, §10) ----------------------------------- */

#define AUTH_ISSUER_DEFAULT "https://auth.openai.com"
#define AUTH_CLIENT_ID_DEFAULT "app_EMoamEEZ73f0CkXaXp7hrann"
#define AUTH_LOGIN_PORT_DEFAULT 1455
/* Upstream gives a sign-in (browser or device code) 15 minutes. */
#define AUTH_LOGIN_TIMEOUT_MS (15L * 60 * 1000)
/* A callback request head: the browser sends one line of query (three JWT-free
 * parameters) and ordinary headers; 16 KiB is well above what browsers send. */
#define AUTH_CALLBACK_HEAD_MAX (16u * 1024)
/* Callback connections served at once (browsers open a few speculative ones). */
#define AUTH_CALLBACK_MAX_CONNS 16
/* A connection that sends no complete head within this long is dropped. */
#define AUTH_CALLBACK_IDLE_MS 10000
/* Token endpoint answers carry three JWTs: 1 MiB bounds a hostile one. */
#define AUTH_HTTP_BODY_MAX (1024u * 1024)
/* One login HTTP call (token exchange, device code, refresh) may take this long. */
#define AUTH_HTTP_TIMEOUT_MS 60000L
/* Without an exp in the access token, credentials older than this are refreshed. */
#define AUTH_REFRESH_MAX_AGE_S (8L * 24 * 3600)

/* PKCE (§2.2): verifier = base64url of 64 random bytes (86 characters), challenge =
 * base64url of its SHA-256. */
struct auth_pkce {
	char verifier[90];
	char challenge[48];
};
int auth_pkce_new(struct auth_pkce *p, struct err *e);
/* The S256 challenge of verifier into out (44 bytes with the NUL). */
void auth_pkce_challenge(const char *verifier, char out[48]);
/* base64url of 32 random bytes (43 characters) into out. */
int auth_random_state(char out[48], struct err *e);

/* §2.3: {issuer}/oauth/authorize?... with upstream's parameters in its order;
 * workspace_id NULL or blank leaves out allowed_workspace_id. Malloc'ed, or NULL. */
char *auth_authorize_url(const char *issuer, const char *client_id, const char *redirect_uri,
			 const struct auth_pkce *pkce, const char *state, const char *originator,
			 const char *workspace_id);

/* The callback server's request parser (pure, no I/O): the head of one HTTP request,
 * fed whole (the server keeps what arrived so far and calls again). */
enum auth_callback_status {
	AUTH_CALLBACK_NEED_MORE,  /* no blank line yet */
	AUTH_CALLBACK_DONE,       /* *out filled */
	AUTH_CALLBACK_BAD         /* not an HTTP request (or over AUTH_CALLBACK_HEAD_MAX) */
};
struct auth_callback_request {
	char method[16];
	char *path;               /* decoded path, without the query */
	/* The query parameters the server reads (percent- and '+'-decoded; the first of
	 * repeated ones), or NULL when absent. */
	char *code, *state, *error, *error_description;
};
enum auth_callback_status auth_callback_parse(const char *data, size_t len,
					      struct auth_callback_request *out);
void auth_callback_request_free(struct auth_callback_request *r);
/* Whether the callback's state is the one this login sent, compared in constant time
 * (the state is the CSRF guard: how much of it matched must not leak). */
bool auth_callback_state_matches(const char *got, const char *want);

/* The detail of a token endpoint error body (§3.1): error_description, else
 * error.message, else the error string (or error.code), else the raw body. Malloc'ed. */
char *auth_token_error_detail(const char *body, size_t len);

/* §7: the words for a refresh that failed with 401, from the body's error.code / error /
 * code: expired, reused, invalidated, or the generic message. Static strings. */
const char *auth_refresh_failure_message(const char *body, size_t len);

/* ---- the one-shot local callback server (callback_server.c) ------------------------
 * Shared by the ChatGPT sign-in and MCP OAuth (src/mcp/oauth_login.c): it accepts
 * connections, parses each request head (auth_callback_parse) and hands it to the
 * caller's handler, which answers with auth_cb_reply / auth_cb_text. */
struct auth_cb_server;
struct auth_cb_conn;
typedef void auth_cb_handler(void *arg, struct auth_cb_conn *c,
			     const struct auth_callback_request *r);
/* Listens on addr (host order: INADDR_LOOPBACK, INADDR_ANY) and port (0: the kernel
 * picks one). -1 with *errnum (EADDRINUSE for a busy port) and e. */
int auth_cb_listen(uint32_t addr, int port, struct auth_cb_server **out, int *errnum,
		   struct err *e);
int auth_cb_port(const struct auth_cb_server *s);
/* Serves until *done (set by the handler) or deadline (auth_now_ms): 0 done, 1 timed
 * out, -1 with e when polling fails. */
int auth_cb_serve(struct auth_cb_server *s, int64_t deadline, auth_cb_handler *h, void *arg,
		  const bool *done, struct err *e);
/* Answers and closes the connection (extra_header: one "Name: value" line, or NULL). */
void auth_cb_reply(struct auth_cb_conn *c, int status, const char *reason, const char *ctype,
		   const char *extra_header, const char *body);
void auth_cb_text(struct auth_cb_conn *c, int status, const char *reason, const char *text);
void auth_cb_free(struct auth_cb_server *s);
/* CLOCK_MONOTONIC in ms; poll for events on fd until deadline (0 ready, -1 not). */
int64_t auth_now_ms(void);
int auth_wait_fd(int fd, short events, int64_t deadline);

/* Appends s percent-encoded (RFC 3986 unreserved characters kept, everything else
 * %XX, so spaces become %20) to out. */
int auth_pct_append(struct buf *out, const char *s) WARN_UNUSED;
/* Appends "&name=value" (no '&' when out is empty), value percent-encoded. */
int auth_form_append(struct buf *out, const char *name, const char *value) WARN_UNUSED;

struct auth_login_opts {
	const char *codex_home;
	const char *issuer;             /* NULL: AUTH_ISSUER_DEFAULT */
	const char *client_id;          /* NULL: AUTH_CLIENT_ID_DEFAULT */
	int port;                       /* 0: AUTH_LOGIN_PORT_DEFAULT */
	const char *originator;         /* NULL: "codex_cli_rs"; the env override wins */
	const char *forced_workspace_id;/* NULL or blank: no restriction */
	bool open_browser;
	long timeout_ms;                /* 0: AUTH_LOGIN_TIMEOUT_MS */
	/* Browser flow: the server listens; show the URL (the CLI prints upstream's text). */
	void (*on_url)(void *arg, const char *url, int port);
	/* Device flow: show the verification URL and the one-time code. */
	void (*on_device_code)(void *arg, const char *verification_url, const char *user_code);
	void *arg;
};

/* The browser sign-in (§2): a one-shot server on 127.0.0.1:port until /success,
 * /cancel, an error or the timeout; auth.json written on success. -1 with upstream's
 * message ("Port 127.0.0.1:1455 is already in use", "Login cancelled", "Sign-in
 * failed: ...", "Token exchange failed: ...", "Login is restricted to ..."). */
int auth_login_browser(const struct auth_login_opts *o, struct err *e);

/* The device-code sign-in (§6), polling until approved, refused or the timeout. */
int auth_login_device(const struct auth_login_opts *o, struct err *e);

/* Opens url in the user's browser ($BROWSER, else a desktop opener when there is a
 * display); never waits for it. 0 when an opener was started, -1 when there is none. */
int auth_open_browser(const char *url);

/* ---- ChatGPT credentials of a running session: refresh (§7) ------------------------- */

struct auth_chatgpt {
	char *codex_home;
	char *refresh_url;             /* CODEX_REFRESH_TOKEN_URL_OVERRIDE, else the default */
	char *client_id;
	char *originator, *user_agent; /* headers of the refresh request, or NULL */
	struct auth_file file;         /* the credentials in use */
	bool failed;                   /* a permanent failure for these exact tokens */
	struct err failure;
};

/* Takes *file (a ChatGPT auth.json as loaded; left empty). */
int auth_chatgpt_init(struct auth_chatgpt *s, const char *codex_home, struct auth_file *file,
		      const char *originator, const char *user_agent, struct err *e);
void auth_chatgpt_free(struct auth_chatgpt *s);
/* Stale (§7): the access token's exp <= now, or, without an exp, last_refresh older
 * than AUTH_REFRESH_MAX_AGE_S (or unreadable). */
bool auth_chatgpt_stale(const struct auth_file *f, int64_t now);
/* Refreshes when stale; 0 (refreshed or fresh), -1 with e (the old token stays). */
int auth_chatgpt_refresh_if_stale(struct auth_chatgpt *s, struct err *e);
/* After a 401: credentials another process stored since (same account), else a refresh.
 * The access token to retry with (borrowed until the next call), or NULL with e. */
const char *auth_chatgpt_recover(struct auth_chatgpt *s, struct err *e);

#endif
