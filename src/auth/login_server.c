/* The browser sign-in (codex-login.md §2): a one-shot HTTP server on 127.0.0.1:<port>
 * (callback_server.c) that receives the issuer's redirect, exchanges the code, saves
 * auth.json and sends the browser to /success. Every wait is bounded: connections by
 * AUTH_CALLBACK_IDLE_MS, the whole login by its timeout. */
#include "auth/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"

/* Upstream's bind retry (§2.4): ten attempts 200 ms apart, after one /cancel. */
#define BIND_ATTEMPTS 10
#define BIND_RETRY_MS 200
#define CANCEL_TIMEOUT_MS 2000
struct server {
	const struct auth_login_opts *o;
	const char *issuer, *client_id;
	struct auth_cb_server *cb;
	int port;
	char redirect_uri[64];
	struct auth_pkce pkce;
	char state[48];
	bool finished;
	int result;                    /* 0 success, -1 failure (err) */
	struct err err;
};

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* ---- binding ---------------------------------------------------------------------- */

/* Asks a previous login server on the port to stop (§2.4). Errors are ignored: the
 * retries that follow tell whether the port came free. */
static void send_cancel(int port)
{
	struct sockaddr_in a = {0};
	char req[128], sink[512];
	int64_t deadline = auth_now_ms() + CANCEL_TIMEOUT_MS;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int n;

	if (fd < 0)
		return;
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS)
		goto out;
	if (auth_wait_fd(fd, POLLOUT, deadline) < 0)
		goto out;
	n = snprintf(req, sizeof req,
		     "GET /cancel HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", port);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		goto out;
	/* Read the answer so that the old server finishes its reply before it exits. */
	while (auth_wait_fd(fd, POLLIN, deadline) == 0) {
		ssize_t r = recv(fd, sink, sizeof sink, 0);
		if (r <= 0 && !(r < 0 && (errno == EINTR || errno == EAGAIN)))
			break;
	}
out:
	close(fd);
}

static int bind_port(struct server *s, struct err *e)
{
	int errnum = 0;

	for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
		if (auth_cb_listen(INADDR_LOOPBACK, s->port, &s->cb, &errnum, e) == 0)
			return 0;
		if (errnum != EADDRINUSE)
			return err_sys(e, errnum, "cannot listen on 127.0.0.1:%d", s->port);
		if (attempt == 0)
			send_cancel(s->port);
		sleep_ms(BIND_RETRY_MS);
	}
	return err_set(e, "Port 127.0.0.1:%d is already in use", s->port);
}

/* ---- replies ---------------------------------------------------------------------- */

#define send_reply auth_cb_reply
#define send_text auth_cb_text

static int html_escape(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		int r;
		switch (*s) {
		case '&': r = buf_puts(b, "&amp;"); break;
		case '<': r = buf_puts(b, "&lt;"); break;
		case '>': r = buf_puts(b, "&gt;"); break;
		case '"': r = buf_puts(b, "&quot;"); break;
		case '\'': r = buf_puts(b, "&#39;"); break;
		default: r = buf_putc(b, *s); break;
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The error page (§2.5), then the login fails with message. */
static void fail_with_page(struct server *s, struct auth_cb_conn *c, const char *code,
			   const char *message, const char *description, bool entitlement)
{
	const char *title = entitlement ? "You do not have access to Codex"
					: "Sign-in could not be completed";
	const char *help = entitlement ? "Contact your workspace administrator to request access."
				       : "Return to your terminal and run `codex login` again.";
	struct buf b;

	buf_init(&b, 64 * 1024);
	if (buf_puts(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>") < 0 ||
	    html_escape(&b, title) < 0 || buf_puts(&b, "</title></head>\n<body><h1>") < 0 ||
	    html_escape(&b, title) < 0 || buf_puts(&b, "</h1>\n<p>") < 0 ||
	    html_escape(&b, message) < 0 || buf_puts(&b, "</p>\n<p>Error code: <code>") < 0 ||
	    html_escape(&b, code) < 0 || buf_puts(&b, "</code></p>\n<p>") < 0 ||
	    html_escape(&b, description ? description : "") < 0 || buf_puts(&b, "</p>\n<p>") < 0 ||
	    html_escape(&b, help) < 0 || buf_puts(&b, "</p>\n</body></html>\n") < 0)
		send_text(c, 200, "OK", message);
	else
		send_reply(c, 200, "OK", "text/html; charset=utf-8", NULL, b.data);
	buf_free(&b);
	s->finished = true;
	s->result = err_set(&s->err, "%s", message);
}

static const char success_page[] =
	"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Signed in to Codex</title>"
	"</head>\n<body><h1>Signed in to Codex</h1>\n"
	"<p id=\"done\">You may now close this page.</p>\n"
	"<p id=\"setup\" hidden>Finish setting up your API organization.</p>\n"
	"<script>\n"
	"(function () {\n"
	"  var q = new URLSearchParams(location.search);\n"
	"  if (q.get('needs_setup') !== 'true') return;\n"
	"  document.getElementById('done').hidden = true;\n"
	"  document.getElementById('setup').hidden = false;\n"
	"  var u = new URL('/org-setup', q.get('platform_url') || 'https://platform.openai.com');\n"
	"  u.searchParams.set('p', q.get('plan_type') || '');\n"
	"  u.searchParams.set('t', q.get('id_token') || '');\n"
	"  u.searchParams.set('with_org', q.get('org_id') || '');\n"
	"  u.searchParams.set('project_id', q.get('project_id') || '');\n"
	"  setTimeout(function () { location.href = u.toString(); }, 3000);\n"
	"})();\n"
	"</script>\n</body></html>\n";

/* ---- the callback ------------------------------------------------------------------ */

/* The 302 to /success with upstream's parameters (§2.5). */
static int success_location(const struct server *s, const struct auth_token_set *t,
			    struct buf *loc)
{
	struct auth_id_claims id = {0}, access = {0};
	int64_t exp;
	struct buf q;
	int rc = -1;

	buf_init(&q, AUTH_HTTP_BODY_MAX);
	if (auth_jwt_claims(t->id_token, &id, &exp, NULL) < 0)
		memset(&id, 0, sizeof id);
	if (auth_jwt_claims(t->access_token, &access, &exp, NULL) < 0)
		memset(&access, 0, sizeof access);
	if (auth_form_append(&q, "id_token", t->id_token) < 0 ||
	    auth_form_append(&q, "needs_setup",
			     id.is_org_owner && !id.completed_platform_onboarding ? "true"
										 : "false") < 0 ||
	    auth_form_append(&q, "org_id", id.organization_id ? id.organization_id : "") < 0 ||
	    auth_form_append(&q, "project_id", id.project_id ? id.project_id : "") < 0 ||
	    auth_form_append(&q, "plan_type", access.plan_type ? access.plan_type : "") < 0 ||
	    auth_form_append(&q, "platform_url", strcmp(s->issuer, AUTH_ISSUER_DEFAULT) == 0
							 ? "https://platform.openai.com"
							 : "https://platform.api.openai.org") < 0 ||
	    buf_printf(loc, "Location: http://localhost:%d/success?%s", s->port, q.data) < 0)
		goto out;
	rc = 0;
out:
	auth_id_claims_free(&id);
	auth_id_claims_free(&access);
	buf_free(&q);
	return rc;
}

static void handle_callback(struct server *s, struct auth_cb_conn *c, const struct auth_callback_request *r)
{
	struct auth_token_set t = {0};
	struct err e = {{0}};
	struct buf loc;
	char *api_key = NULL, msg[ERR_MSG_MAX + 64];

	if (!r->state || !auth_callback_state_matches(r->state, s->state)) {
		/* Someone else's request (or a stale tab): refuse it, keep waiting. */
		send_text(c, 400, "Bad Request", "State mismatch");
		return;
	}
	if (r->error) {
		const char *d = r->error_description ? r->error_description : r->error;
		bool entitlement = strcmp(r->error, "access_denied") == 0 && r->error_description &&
				   strstr(r->error_description, "missing_codex_entitlement");
		if (entitlement)
			snprintf(msg, sizeof msg, "Codex is not enabled for your workspace. Contact "
				 "your workspace administrator to request access to Codex.");
		else
			snprintf(msg, sizeof msg, "Sign-in failed: %s", d);
		fail_with_page(s, c, r->error, msg, r->error_description, entitlement);
		return;
	}
	if (!r->code || !*r->code) {
		fail_with_page(s, c, "missing_authorization_code",
			       "Missing authorization code. Sign-in could not be completed.", NULL,
			       false);
		return;
	}
	if (auth_exchange_code(s->issuer, s->client_id, s->redirect_uri, r->code,
			       s->pkce.verifier, &t, &e) < 0) {
		snprintf(msg, sizeof msg, "Token exchange failed: %s", e.msg);
		fail_with_page(s, c, "token_exchange_failed", msg, NULL, false);
		return;
	}
	if (auth_check_workspace(s->o->forced_workspace_id, t.id_token, &e) < 0) {
		fail_with_page(s, c, "workspace_restriction", e.msg, NULL, false);
		goto out;
	}
	api_key = auth_exchange_api_key(s->issuer, s->client_id, t.id_token);
	if (auth_persist_tokens(s->o->codex_home, &t, api_key, &e) < 0) {
		fail_with_page(s, c, "persist_failed",
			       "Sign-in completed but credentials could not be saved locally.",
			       e.msg, false);
		/* The page says what the user sees; the terminal gets the cause too. */
		err_set(&s->err, "Sign-in completed but credentials could not be saved locally: "
				 "%s", e.msg);
		goto out;
	}
	buf_init(&loc, 2 * AUTH_HTTP_BODY_MAX);
	if (success_location(s, &t, &loc) < 0) {
		/* Saved already: the login worked even if the browser cannot be told. */
		fail_with_page(s, c, "redirect_failed", "Sign-in completed but the browser could "
			       "not be redirected.", NULL, false);
		s->result = 0;
	} else {
		send_reply(c, 302, "Found", "text/plain; charset=utf-8", loc.data, "");
	}
	buf_free(&loc);
out:
	free(api_key);
	auth_token_set_free(&t);
}

static void handle_request(void *arg, struct auth_cb_conn *c, const struct auth_callback_request *r)
{
	struct server *s = arg;

	if (strcmp(r->path, "/auth/callback") == 0) {
		handle_callback(s, c, r);
	} else if (strcmp(r->path, "/success") == 0) {
		send_reply(c, 200, "OK", "text/html; charset=utf-8", NULL, success_page);
		if (!s->finished) {
			s->finished = true;
			s->result = 0;
		}
	} else if (strcmp(r->path, "/cancel") == 0) {
		send_text(c, 200, "OK", "Login cancelled");
		s->finished = true;
		s->result = err_set(&s->err, "Login cancelled");
	} else {
		send_text(c, 404, "Not Found", "Not Found");
	}
}

int auth_login_browser(const struct auth_login_opts *o, struct err *e)
{
	struct server s;
	const char *orig = getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE");
	char *url = NULL, *issuer = NULL;
	size_t n;
	long timeout;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.port = o->port > 0 ? o->port : AUTH_LOGIN_PORT_DEFAULT;
	s.client_id = o->client_id && *o->client_id ? o->client_id : AUTH_CLIENT_ID_DEFAULT;
	issuer = strdup(o->issuer && *o->issuer ? o->issuer : AUTH_ISSUER_DEFAULT);
	if (!issuer) {
		err_set(e, "out of memory");
		goto out;
	}
	n = strlen(issuer);
	while (n > 0 && issuer[n - 1] == '/')
		issuer[--n] = '\0';
	s.issuer = issuer;
	if (auth_pkce_new(&s.pkce, e) < 0 || auth_random_state(s.state, e) < 0)
		goto out;
	if (bind_port(&s, e) < 0)
		goto out;
	snprintf(s.redirect_uri, sizeof s.redirect_uri, "http://localhost:%d/auth/callback", s.port);
	if (!orig || !*orig)
		orig = o->originator ? o->originator : "codex_cli_rs";
	url = auth_authorize_url(s.issuer, s.client_id, s.redirect_uri, &s.pkce, s.state, orig,
				 o->forced_workspace_id);
	if (!url) {
		err_set(e, "out of memory");
		goto out;
	}
	if (o->on_url)
		o->on_url(o->arg, url, s.port);
	if (o->open_browser)
		(void)auth_open_browser(url); /* the URL is printed: a failure is harmless */
	timeout = o->timeout_ms > 0 ? o->timeout_ms : AUTH_LOGIN_TIMEOUT_MS;
	rc = auth_cb_serve(s.cb, auth_now_ms() + timeout, handle_request, &s, &s.finished, e);
	if (rc > 0)
		rc = err_set(e, "Login timed out after %ld seconds", timeout / 1000);
	else if (rc == 0 && (rc = s.result) < 0)
		*e = s.err;
out:
	auth_cb_free(s.cb);
	memset(&s.pkce, 0, sizeof s.pkce);
	free(issuer);
	free(url);
	return rc;
}
