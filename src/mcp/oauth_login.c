/* `codex mcp login NAME` (codex-mcp.md §8): the MCP authorization flow for a streamable
 * HTTP server. Discovery names the endpoints; the client registers itself (RFC 7591,
 * client name "Codex", a public client); the browser is sent to the authorize URL with a
 * PKCE challenge and a state; a one-shot listener (src/auth's callback server) takes the
 * redirect; the code is exchanged and the tokens stored (oauth_store.c).
 *
 * The callback listener: a request to the callback path with code and our state ends
 * the wait (200); one with another state (or none) is refused (400 "State mismatch") and
 * the wait goes on, so that a stray or forged request can neither end nor hijack the
 * login; a provider error with our state ends it (400 with the error); anything else gets
 * 400 "Invalid OAuth callback". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/json.h"
#include "mcp/internal.h"

/* The registration and token calls of an interactive login. */
#define LOGIN_HTTP_TIMEOUT_MS 60000L

struct flow {
	const struct mcp_oauth_login_opts *o;
	struct mcp_oauth_metadata md;
	struct auth_cb_server *cb;
	char *redirect_uri;
	const char *callback_path;      /* borrowed from redirect_uri, or "/callback" */
	char *client_id;
	struct strv scopes;
	bool scopes_discovered;
	struct auth_pkce pkce;
	char state[48];
	/* what the callback brought */
	bool done;
	char *code;
	char *error;                    /* the provider's error code, or NULL */
	char *error_text;               /* the error as shown */
};

static void flow_free(struct flow *f)
{
	mcp_oauth_metadata_free(&f->md);
	auth_cb_free(f->cb);
	free(f->redirect_uri);
	free(f->client_id);
	strv_free(&f->scopes);
	free(f->code);
	free(f->error);
	free(f->error_text);
	memset(&f->pkce, 0, sizeof f->pkce);
}

/* ---- the listener and the redirect URI ---- */

/* The host of an http(s) URL (into host), and where its path starts. */
static int split_url(const char *url, char *host, size_t host_size, const char **path)
{
	const char *p = strstr(url, "://"), *end;
	size_t n;

	if (!p)
		return -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	*path = *end == '/' ? end : NULL;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close)
			return -1;
		p++;
		n = (size_t)(close - p);
	} else {
		n = strcspn(p, ":/?#");
	}
	if (n >= host_size)
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	return 0;
}

static bool loopback_host(const char *h)
{
	return strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
}

static int listen_for_callback(struct flow *f, struct err *e)
{
	uint32_t addr = INADDR_LOOPBACK;
	char host[256];
	const char *path = NULL;
	int errnum;

	if (f->o->callback_url) {
		if (split_url(f->o->callback_url, host, sizeof host, &path) < 0)
			return err_set(e, "invalid mcp_oauth_callback_url '%s'", f->o->callback_url);
		/* A redirect to another host reaches this machine from outside. */
		if (!loopback_host(host))
			addr = INADDR_ANY;
	}
	if (auth_cb_listen(addr, f->o->callback_port, &f->cb, &errnum, e) < 0)
		return err_set(e, "failed to start the OAuth callback listener on port %d: %s",
			       f->o->callback_port, strerror(errnum));
	if (f->o->callback_url) {
		f->redirect_uri = strdup(f->o->callback_url);
		if (f->redirect_uri)
			split_url(f->redirect_uri, host, sizeof host, &path);
	} else {
		struct buf b;
		buf_init(&b, 128);
		if (buf_printf(&b, "http://127.0.0.1:%d/callback", auth_cb_port(f->cb)) == 0)
			f->redirect_uri = buf_take(&b);
		buf_free(&b);
		path = NULL;
	}
	if (!f->redirect_uri)
		return err_set(e, "out of memory");
	f->callback_path = path ? path : "/callback";
	return 0;
}

/* ---- registration (RFC 7591) ---- */

static int register_client(struct flow *f, struct err *e)
{
	cJSON *req = cJSON_CreateObject(), *uris, *grants, *types, *ans = NULL;
	struct buf body;
	char *text = NULL;
	long status = 0;
	const char *id;
	int rc = -1;

	buf_init(&body, MCP_OAUTH_BODY_MAX);
	if (!f->md.registration_endpoint) {
		err_set(e, "the authorization server of MCP server '%s' does not support dynamic "
			   "client registration", f->o->server->name);
		goto out;
	}
	if (!req || json_add_str(req, "client_name", "Codex") < 0 ||
	    !(uris = cJSON_AddArrayToObject(req, "redirect_uris")) ||
	    !cJSON_AddItemToArray(uris, cJSON_CreateString(f->redirect_uri)) ||
	    !(grants = cJSON_AddArrayToObject(req, "grant_types")) ||
	    !cJSON_AddItemToArray(grants, cJSON_CreateString("authorization_code")) ||
	    !cJSON_AddItemToArray(grants, cJSON_CreateString("refresh_token")) ||
	    !(types = cJSON_AddArrayToObject(req, "response_types")) ||
	    !cJSON_AddItemToArray(types, cJSON_CreateString("code")) ||
	    json_add_str(req, "token_endpoint_auth_method", "none") < 0 ||
	    !(text = json_print(req, false))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (oauth_post(f->md.registration_endpoint, "application/json", text,
		       LOGIN_HTTP_TIMEOUT_MS, &status, &body, e) < 0)
		goto out;
	if (status < 200 || status > 299) {
		char *d = auth_token_error_detail(body.data ? body.data : "", body.len);
		err_set(e, "client registration failed: status %ld: %s", status, d ? d : "");
		free(d);
		goto out;
	}
	if (!(ans = json_parse(body.data ? body.data : "", body.len, "registration response", e)))
		goto out;
	id = json_get_str(ans, "client_id");
	if (!id || !*id || strlen(id) > MCP_OAUTH_MAX_VALUE) {
		err_set(e, "client registration answered without a client_id");
		goto out;
	}
	if (!(f->client_id = strdup(id))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(req);
	cJSON_Delete(ans);
	free(text);
	buf_free(&body);
	return rc;
}

/* ---- the authorize URL ---- */

static char *authorize_url(const struct flow *f)
{
	const char *ep = f->md.authorization_endpoint;
	struct buf q, url, scope;
	char *out = NULL;

	buf_init(&q, 256 * 1024);
	buf_init(&url, 256 * 1024);
	buf_init(&scope, 128 * 1024);
	for (size_t i = 0; i < f->scopes.n; i++)
		if ((i && buf_putc(&scope, ' ') < 0) || buf_puts(&scope, f->scopes.v[i]) < 0)
			goto out;
	if (auth_form_append(&q, "response_type", "code") < 0 ||
	    auth_form_append(&q, "client_id", f->client_id) < 0 ||
	    auth_form_append(&q, "state", f->state) < 0 ||
	    auth_form_append(&q, "code_challenge", f->pkce.challenge) < 0 ||
	    auth_form_append(&q, "code_challenge_method", "S256") < 0 ||
	    auth_form_append(&q, "redirect_uri", f->redirect_uri) < 0 ||
	    (f->scopes.n && auth_form_append(&q, "scope", scope.data) < 0) ||
	    (f->o->server->oauth_resource &&
	     auth_form_append(&q, "resource", f->o->server->oauth_resource) < 0))
		goto out;
	if (buf_printf(&url, "%s%c%s", ep, strchr(ep, '?') ? '&' : '?', q.data) < 0)
		goto out;
	out = buf_take(&url);
out:
	buf_free(&q);
	buf_free(&url);
	buf_free(&scope);
	return out;
}

/* ---- the callback ---- */

static void on_request(void *arg, struct auth_cb_conn *c, const struct auth_callback_request *r)
{
	struct flow *f = arg;
	struct buf b;

	if (strcmp(r->method, "GET") != 0 || strcmp(r->path, f->callback_path) != 0) {
		auth_cb_text(c, 400, "Bad Request", "Invalid OAuth callback");
		return;
	}
	if ((!r->code || !*r->code) && !r->error) {
		auth_cb_text(c, 400, "Bad Request", "Invalid OAuth callback");
		return;
	}
	if (!r->state || !auth_callback_state_matches(r->state, f->state)) {
		/* Not the browser we sent (a code or an error alike): refuse it and keep
		 * waiting for the real one. */
		auth_cb_text(c, 400, "Bad Request", "State mismatch");
		return;
	}
	if (r->error) {
		buf_init(&b, 64 * 1024);
		if (buf_printf(&b, "OAuth error: %s%s%s", r->error,
			       r->error_description ? ": " : "",
			       r->error_description ? r->error_description : "") < 0) {
			auth_cb_text(c, 400, "Bad Request", "OAuth error");
			return;
		}
		auth_cb_text(c, 400, "Bad Request", b.data);
		f->error = strdup(r->error);
		f->error_text = buf_take(&b);
		f->done = true;
		return;
	}
	auth_cb_text(c, 200, "OK", "Authentication complete. You may close this window.");
	f->code = strdup(r->code);
	f->done = true;
}

/* One authorization round: URL shown (and opened), callback awaited. 0 with f->code, or
 * with f->error (the provider refused), -1 with e. */
static int authorize(struct flow *f, struct err *e)
{
	char *url;
	long timeout = f->o->timeout_ms > 0 ? f->o->timeout_ms : MCP_OAUTH_CALLBACK_TIMEOUT_MS;
	int r;

	free(f->code);
	free(f->error);
	free(f->error_text);
	f->code = f->error = f->error_text = NULL;
	f->done = false;
	if (auth_pkce_new(&f->pkce, e) < 0 || auth_random_state(f->state, e) < 0)
		return -1;
	if (!(url = authorize_url(f)))
		return err_set(e, "out of memory");
	fprintf(f->o->out, "Authorize `%s` by opening this URL in your browser:\n%s\n\n",
		f->o->server->name, url);
	fflush(f->o->out);
	if (!f->o->open_browser || auth_open_browser(url) < 0) {
		fprintf(f->o->out, "(Browser launch failed; please copy the URL above manually.)\n");
		fflush(f->o->out);
	}
	free(url);
	r = auth_cb_serve(f->cb, auth_now_ms() + timeout, on_request, f, &f->done, e);
	if (r > 0)
		return err_set(e, "timed out waiting for OAuth callback");
	if (r < 0)
		return -1;
	if (!f->error && !f->code)
		return err_set(e, "out of memory");
	return 0;
}

static int exchange(struct flow *f, struct mcp_oauth_tokens *t, struct err *e)
{
	struct buf form;
	int rc = -1;

	buf_init(&form, MCP_OAUTH_BODY_MAX);
	if (auth_form_append(&form, "grant_type", "authorization_code") < 0 ||
	    auth_form_append(&form, "code", f->code) < 0 ||
	    auth_form_append(&form, "redirect_uri", f->redirect_uri) < 0 ||
	    auth_form_append(&form, "client_id", f->client_id) < 0 ||
	    auth_form_append(&form, "code_verifier", f->pkce.verifier) < 0 ||
	    (f->o->server->oauth_resource &&
	     auth_form_append(&form, "resource", f->o->server->oauth_resource) < 0))
		err_set(e, "out of memory");
	else
		rc = oauth_token_request(f->md.token_endpoint, form.data, LOGIN_HTTP_TIMEOUT_MS, t, e);
	buf_free(&form);
	return rc;
}

/* Scopes: --scopes, else the configured ones (an explicit [] counts), else discovered. */
static int pick_scopes(struct flow *f, struct err *e)
{
	const struct strv *src = f->o->scopes;

	if (!src && f->o->server->scopes_set)
		src = &f->o->server->scopes;
	if (!src) {
		src = &f->md.scopes;
		f->scopes_discovered = src->n > 0;
	}
	for (size_t i = 0; i < src->n; i++)
		if (strv_push(&f->scopes, src->v[i]) < 0)
			return err_set(e, "out of memory");
	return 0;
}

int mcp_oauth_login(const struct mcp_oauth_login_opts *o, struct err *e)
{
	const struct config_mcp_server *s = o->server;
	struct mcp_oauth_tokens t;
	struct flow f;
	int rc = -1, r;

	memset(&f, 0, sizeof f);
	memset(&t, 0, sizeof t);
	f.o = o;
	r = mcp_oauth_discover_metadata(s->url, MCP_OAUTH_DISCOVERY_TIMEOUT_MS, &f.md);
	if (r < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (r == 0) {
		err_set(e, "No authorization support detected");
		goto out;
	}
	if (pick_scopes(&f, e) < 0 || listen_for_callback(&f, e) < 0 || register_client(&f, e) < 0 ||
	    authorize(&f, e) < 0)
		goto out;
	if (f.error && strcmp(f.error, "invalid_scope") == 0 && f.scopes_discovered) {
		fprintf(o->out, "OAuth provider rejected discovered scopes. Retrying without "
				"scopes\xe2\x80\xa6\n");
		strv_free(&f.scopes);
		f.scopes_discovered = false;
		if (authorize(&f, e) < 0)
			goto out;
	}
	if (f.error) {
		err_set(e, "%s", f.error_text ? f.error_text : f.error);
		goto out;
	}
	if (exchange(&f, &t, e) < 0)
		goto out;
	if (!t.scopes.n)
		for (size_t i = 0; i < f.scopes.n; i++)
			if (strv_push(&t.scopes, f.scopes.v[i]) < 0) {
				err_set(e, "out of memory");
				goto out;
			}
	if (!(t.server_name = strdup(s->name)) || !(t.server_url = strdup(s->url)) ||
	    !(t.client_id = strdup(f.client_id))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (mcp_oauth_store_save(o->codex_home, &t, e) < 0)
		goto out;
	rc = 0;
out:
	mcp_oauth_tokens_free(&t);
	flow_free(&f);
	return rc;
}
