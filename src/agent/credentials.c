/* Which credential the model requests carry (src/auth decides the order), the login
 * restrictions checked at session start (codex-login.md §10), and ChatGPT tokens kept
 * fresh during the session (§7): refreshed before a request once expired, and after a
 * 401 (the model client retries once with what comes back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/internal.h"
#include "auth/auth.h"

/* Where upstream sends ChatGPT-authenticated requests when the provider names no URL. */
#define CHATGPT_CODEX_BASE_URL "https://chatgpt.com/backend-api/codex"

static const struct config_model_provider *provider_config(const struct config *cfg,
							    const char *id)
{
	for (size_t i = 0; i < cfg->n_providers; i++)
		if (strcmp(cfg->providers[i].id, id) == 0)
			return &cfg->providers[i];
	return NULL;
}

/* Upstream logs out stored credentials the configuration forbids, then fails. */
static int refuse_and_logout(const struct config *cfg, const char *msg, struct err *e)
{
	struct err rm;

	if (auth_file_remove(cfg->codex_home, &rm) < 0)
		return err_set(e, "%s (%s)", msg, rm.msg);
	return err_set(e, "%s", msg);
}

static int check_restrictions(const struct config *cfg, const struct auth_credentials *cr,
			      struct err *e)
{
	const char *forced = cfg->forced_login_method;
	const char *ws = cfg->forced_chatgpt_workspace_id;
	const char *acct = cr->file.tokens.account_id;
	size_t n;

	if (cr->source == AUTH_SOURCE_FILE_CHATGPT && forced && strcmp(forced, "api") == 0)
		return refuse_and_logout(cfg, "API key login is required, but ChatGPT is currently "
					      "being used. Logging out.", e);
	if (cr->source == AUTH_SOURCE_FILE_API_KEY && forced && strcmp(forced, "chatgpt") == 0)
		return refuse_and_logout(cfg, "ChatGPT login is required, but an API key is "
					      "currently being used. Logging out.", e);
	if (cr->source != AUTH_SOURCE_FILE_CHATGPT || !ws)
		return 0;
	while (*ws == ' ' || *ws == '\t')
		ws++;
	n = strlen(ws);
	while (n > 0 && (ws[n - 1] == ' ' || ws[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	if (!acct) {
		char msg[ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "Login is restricted to workspace %.*s, but current "
			 "credentials lack a workspace identifier. Logging out.", (int)n, ws);
		return refuse_and_logout(cfg, msg, e);
	}
	if (strlen(acct) != n || strncmp(acct, ws, n) != 0) {
		char msg[ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "Login is restricted to workspace %.*s, but current "
			 "credentials belong to %.200s. Logging out.", (int)n, ws, acct);
		return refuse_and_logout(cfg, msg, e);
	}
	return 0;
}

/* The token in use changed (refreshed, or stored by another process): the next
 * requests carry it. */
static int adopt_token(struct agent *a, struct err *e)
{
	char *b = strdup(a->chatgpt->file.tokens.access_token);

	if (!b)
		return err_set(e, "out of memory");
	free(a->bearer);
	a->bearer = b;
	if (a->client && model_client_set_bearer(a->client, b, e) < 0)
		return -1;
	return 0;
}

static int start_chatgpt(struct agent *a, struct auth_credentials *cr, struct err *e)
{
	const struct config_model_provider *cp = provider_config(a->cfg, a->provider.id);
	char *ua = model_user_agent(a->originator, NULL);
	struct err re;
	int rc;

	if (cp && !cp->base_url && strcmp(cp->id, "openai") == 0) {
		char *url = strdup(CHATGPT_CODEX_BASE_URL);
		if (!url) {
			free(ua);
			return err_set(e, "out of memory");
		}
		free(a->provider.base_url);
		a->provider.base_url = url;
	}
	a->chatgpt = calloc(1, sizeof *a->chatgpt);
	if (!a->chatgpt) {
		free(ua);
		return err_set(e, "out of memory");
	}
	rc = auth_chatgpt_init(a->chatgpt, a->cfg->codex_home, &cr->file, a->originator, ua, e);
	free(ua);
	if (rc < 0) {
		free(a->chatgpt);
		a->chatgpt = NULL;
		return -1;
	}
	/* A refresh that fails here is not fatal (upstream logs it and tries the old
	 * token); the request's 401 handling gets another chance and reports it. */
	if (auth_chatgpt_refresh_if_stale(a->chatgpt, &re) == 0)
		return adopt_token(a, e);
	return 0;
}

int credentials_resolve(struct agent *a, const struct agent_options *o, struct err *e)
{
	struct auth_request_opts ro;
	struct auth_credentials cr = AUTH_CREDENTIALS_INIT;
	const struct config_model_provider *cp = provider_config(o->cfg, a->provider.id);
	int rc = -1;

	memset(&ro, 0, sizeof ro);
	ro.codex_home = o->cfg->codex_home;
	ro.env_key = a->provider.env_key;
	ro.env_key_instructions = a->provider.env_key_instructions;
	ro.bearer_token = cp ? cp->experimental_bearer_token : NULL;
	ro.openai_auth = a->provider.requires_openai_auth;
	ro.codex_api_key_env = o->codex_api_key_env;
	if (auth_resolve(&ro, &cr, e) < 0 || check_restrictions(o->cfg, &cr, e) < 0)
		goto out;
	a->bearer = cr.bearer;
	a->account_id = cr.account_id;
	cr.bearer = cr.account_id = NULL;
	if (cr.source == AUTH_SOURCE_FILE_CHATGPT && start_chatgpt(a, &cr, e) < 0)
		goto out;
	rc = 0;
out:
	auth_credentials_free(&cr);
	return rc;
}

void credentials_before_request(struct agent *a)
{
	struct err e;

	if (!a->chatgpt || !auth_chatgpt_stale(&a->chatgpt->file, (int64_t)time(NULL)))
		return;
	/* On failure the old token goes out; its 401 reports the refresh failure. */
	if (auth_chatgpt_refresh_if_stale(a->chatgpt, &e) == 0)
		(void)adopt_token(a, &e);
}

const char *credentials_on_unauthorized(void *arg, struct err *e)
{
	struct agent *a = arg;
	const char *token;

	if (!a->chatgpt)
		return NULL; /* API keys have no recovery (upstream) */
	token = auth_chatgpt_recover(a->chatgpt, e);
	if (!token)
		return NULL;
	if (adopt_token(a, e) < 0)
		return NULL;
	return a->bearer;
}

/* auth.json's ChatGPT sign-in for the apps alone: 1 with a->apps_chatgpt, 0 when the
 * file holds no ChatGPT tokens (any more), -1 with e. */
static int apps_sign_in(struct agent *a, struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	char *ua;
	int got, rc;

	if (a->apps_chatgpt)
		return 1;
	if ((got = auth_file_load(a->cfg->codex_home, &f, e)) <= 0)
		return got;
	if (f.mode == AUTH_MODE_APIKEY || !f.has_tokens || !f.tokens.access_token ||
	    !*f.tokens.access_token) {
		auth_file_free(&f);
		return 0;
	}
	ua = model_user_agent(a->originator, NULL);
	if (!(a->apps_chatgpt = calloc(1, sizeof *a->apps_chatgpt))) {
		free(ua);
		auth_file_free(&f);
		return err_set(e, "out of memory");
	}
	rc = auth_chatgpt_init(a->apps_chatgpt, a->cfg->codex_home, &f, a->originator, ua, e);
	free(ua);
	auth_file_free(&f);
	if (rc < 0) {
		free(a->apps_chatgpt);
		a->apps_chatgpt = NULL;
		return -1;
	}
	return 1;
}

int credentials_apps_bearer(void *arg, const char *refused, char **out, struct err *e)
{
	struct agent *a = arg;
	struct auth_chatgpt *s = a->chatgpt;
	const char *tok;
	struct err re;
	int r;

	*out = NULL;
	if (!s) {
		if ((r = apps_sign_in(a, e)) <= 0)
			return r;
		s = a->apps_chatgpt;
	}
	if (!refused) {
		/* As at session start upstream: a failed refresh leaves the old token, whose
		 * 401 then tries again and reports. */
		(void)auth_chatgpt_refresh_if_stale(s, &re);
		tok = s->file.tokens.access_token;
	} else if (strcmp(s->file.tokens.access_token, refused) != 0) {
		tok = s->file.tokens.access_token; /* refreshed since that request left */
	} else if (!(tok = auth_chatgpt_recover(s, e))) {
		return -1;
	}
	if (s == a->chatgpt && (!a->bearer || strcmp(a->bearer, tok) != 0) &&
	    adopt_token(a, e) < 0)
		return -1;
	if (!(*out = strdup(tok)))
		return err_set(e, "out of memory");
	return 1;
}

void credentials_free(struct agent *a)
{
	struct auth_chatgpt **v[] = {&a->chatgpt, &a->apps_chatgpt};

	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (*v[i]) {
			auth_chatgpt_free(*v[i]);
			free(*v[i]);
			*v[i] = NULL;
		}
}
