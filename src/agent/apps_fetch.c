/* The apps directory, fetched on the session's loop and kept for the process, as
 * upstream's codex_connectors crate does: every page of connectors/directory/list, then
 * for a workspace account connectors/directory/list_workspace (whose failure counts as
 * an empty list), merged and kept with the account it belongs to. A fetch that is not
 * forced answers from a list younger than AGENT_APPS_CACHE_TTL_MS without a request; a
 * front end shows the last list it has at once and refreshes it (forced) behind. The
 * request carries the session's ChatGPT token, refreshed first when it went stale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/internal.h"
#include "auth/auth.h"
#include "base/http.h"

/* The last directory fetched by this process, and whose it is. */
static struct {
	char *base, *account, *user;
	bool workspace;
	bool set;
	uint64_t fetched_ms;   /* loop time of the fetch */
	struct agent_apps dir;
} cache;

struct apps_fetch {
	struct agent *a;
	void (*done)(void *arg, const struct err *e);
	void *arg;
	char *base, *account, *user;
	bool workspace;
	bool in_workspace;     /* fetching list_workspace (the last request) */
	int pages;
	struct strv headers;
	struct buf url;
	struct http_request req;
	struct http_call *call;
	struct agent_apps dir;
};

/* Upstream's workspace plans (KnownPlan::is_workspace_account). */
static bool workspace_plan(const char *plan)
{
	static const char *const plans[] = {"team", "self_serve_business_usage_based",
					    "business", "enterprise_cbp_usage_based",
					    "enterprise", "hc", "education", "edu"};

	for (size_t i = 0; plan && i < sizeof plans / sizeof *plans; i++)
		if (strcasecmp(plan, plans[i]) == 0)
			return true;
	return false;
}

static bool same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static void fetch_free(struct apps_fetch *f)
{
	if (!f)
		return;
	if (f->call)
		http_call_cancel(f->call);
	if (f->a->apps_fetch == f)
		f->a->apps_fetch = NULL;
	free(f->base);
	free(f->account);
	free(f->user);
	strv_free(&f->headers);
	buf_free(&f->url);
	agent_apps_free(&f->dir);
	free(f);
}

void apps_fetch_cancel(struct agent *a)
{
	fetch_free(a->apps_fetch);
	if (a->apps_http) {
		http_client_free(a->apps_http);
		a->apps_http = NULL;
	}
}

static void finish(struct apps_fetch *f, const struct err *e)
{
	void (*done)(void *, const struct err *) = f->done;
	void *arg = f->arg;

	if (!e) {
		free(cache.base);
		free(cache.account);
		free(cache.user);
		agent_apps_free(&cache.dir);
		cache.base = f->base;
		cache.account = f->account;
		cache.user = f->user;
		cache.workspace = f->workspace;
		cache.dir = f->dir;
		cache.fetched_ms = loop_now(f->a->loop);
		cache.set = true;
		f->base = f->account = f->user = NULL;
		memset(&f->dir, 0, sizeof f->dir);
	}
	fetch_free(f);
	done(arg, e);
}

static int start_page(struct apps_fetch *f, const char *token, struct err *e);

static void on_done(void *ctx, const struct http_response *resp, const struct err *he)
{
	struct apps_fetch *f = ctx;
	struct agent_apps page = {0};
	char *next = NULL;
	struct err e = {0};
	int rc = -1;

	f->call = NULL; /* freed when this returns */
	if (he)
		e = *he;
	else if (resp->status < 200 || resp->status > 299)
		err_set(&e, "request failed with status %ld: %.200s", resp->status,
			resp->body.data ? resp->body.data : "");
	else
		rc = agent_apps_directory_parse(resp->body.data ? resp->body.data : "",
						resp->body.len, &page, &next, &e);
	if (f->in_workspace) {
		/* upstream: a workspace list that fails is an empty one */
		for (size_t i = 0; rc == 0 && i < page.n; i++)
			if (apps_add(&f->dir, page.v[i].id, page.v[i].name, page.v[i].description,
				     false, &e) < 0)
				rc = -1;
		agent_apps_free(&page);
		free(next);
		if (rc < 0 && strcmp(e.msg, "out of memory") == 0)
			finish(f, &e);
		else
			finish(f, NULL);
		return;
	}
	for (size_t i = 0; rc == 0 && i < page.n; i++)
		if (apps_add(&f->dir, page.v[i].id, page.v[i].name, page.v[i].description, false,
			     &e) < 0)
			rc = -1;
	agent_apps_free(&page);
	if (rc == 0 && next && start_page(f, next, &e) < 0)
		rc = -1;
	else if (rc == 0 && !next && f->workspace) {
		f->in_workspace = true;
		if (start_page(f, NULL, &e) < 0)
			rc = -1;
	} else if (rc == 0 && !next) {
		free(next);
		finish(f, NULL);
		return;
	}
	free(next);
	if (rc < 0)
		finish(f, &e);
}

static const struct http_call_ops call_ops = {NULL, NULL, on_done};

/* The next request: a directory page (token: the page's, or NULL for the first) or the
 * workspace list. */
static int start_page(struct apps_fetch *f, const char *token, struct err *e)
{
	if (!f->in_workspace && ++f->pages > AGENT_APPS_PAGES_MAX)
		return err_set(e, "the apps directory has more than %d pages", AGENT_APPS_PAGES_MAX);
	buf_reset(&f->url);
	if (f->in_workspace) {
		if (buf_printf(&f->url, "%s/connectors/directory/list_workspace?external_logos=true",
			       f->base) < 0)
			return err_set(e, "out of memory");
	} else if (buf_printf(&f->url, "%s/connectors/directory/list?tier=categorized", f->base) < 0 ||
		   (token && (buf_puts(&f->url, "&token=") < 0 || auth_pct_append(&f->url, token) < 0)) ||
		   buf_puts(&f->url, "&external_logos=true") < 0) {
		return err_set(e, "out of memory");
	}
	memset(&f->req, 0, sizeof f->req);
	f->req.url = f->url.data;
	f->req.headers = &f->headers;
	f->req.timeout_ms = AGENT_APPS_TIMEOUT_MS;
	f->req.max_body = AGENT_APPS_BODY_MAX;
	f->call = http_call_start(f->a->apps_http, &f->req, &call_ops, f, e);
	return f->call ? 0 : -1;
}

/* The account the directory is asked for: the session's fresh ChatGPT tokens when the
 * model requests use them, else auth.json's. */
static int account_of(struct agent *a, struct apps_fetch *f, struct err *e)
{
	struct auth_file file = AUTH_FILE_INIT;
	const struct auth_file *src;
	const struct auth_tokens *t;
	char line[8192];
	int got = 0, rc = -1;

	if (a->chatgpt) {
		credentials_before_request(a);
		src = &a->chatgpt->file;
	} else {
		struct err le = {0};
		got = auth_file_load(a->cfg->codex_home, &file, &le);
		src = &file;
		if (got <= 0 || file.mode == AUTH_MODE_APIKEY || !file.has_tokens) {
			err_set(e, "apps need a ChatGPT sign-in");
			goto out;
		}
	}
	t = &src->tokens;
	if (!t->access_token || !*t->access_token) {
		err_set(e, "apps need a ChatGPT sign-in");
		goto out;
	}
	if (strlen(t->access_token) > sizeof line - 32 ||
	    (t->account_id && strlen(t->account_id) > sizeof line - 32)) {
		err_set(e, "the ChatGPT token in auth.json is too long");
		goto out;
	}
	f->workspace = workspace_plan(t->id_claims.plan_type);
	if ((t->account_id && !(f->account = strdup(t->account_id))) ||
	    (t->id_claims.user_id && !(f->user = strdup(t->id_claims.user_id))))
		goto oom;
	snprintf(line, sizeof line, "Authorization: Bearer %s", t->access_token);
	if (strv_push(&f->headers, line) < 0 ||
	    strv_push(&f->headers, "Content-Type: application/json") < 0)
		goto oom;
	if (t->account_id) {
		snprintf(line, sizeof line, "chatgpt-account-id: %s", t->account_id);
		if (strv_push(&f->headers, line) < 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	if (got > 0)
		auth_file_free(&file);
	return rc;
}

static bool cache_fresh(const struct apps_fetch *f, uint64_t now)
{
	return cache.set && same(cache.base, f->base) && same(cache.account, f->account) &&
	       same(cache.user, f->user) && cache.workspace == f->workspace &&
	       now - cache.fetched_ms < AGENT_APPS_CACHE_TTL_MS;
}

int agent_apps_fetch(struct agent *a, bool force, void (*done)(void *arg, const struct err *e),
		     void *arg, struct err *e)
{
	struct apps_fetch *f;

	if (a->apps_fetch)
		return err_set(e, "the apps are already being fetched");
	if (!(f = calloc(1, sizeof *f)))
		return err_set(e, "out of memory");
	f->a = a;
	f->done = done;
	f->arg = arg;
	buf_init(&f->url, 64u * 1024);
	if (!(f->base = apps_base_url(a->cfg))) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (account_of(a, f, e) < 0)
		goto fail;
	if (!force && cache_fresh(f, loop_now(a->loop))) {
		fetch_free(f);
		return 1;
	}
	if (!a->apps_http && http_client_new(a->loop, &a->apps_http, e) < 0)
		goto fail;
	a->apps_fetch = f;
	if (start_page(f, NULL, e) < 0)
		goto fail;
	return 0;
fail:
	fetch_free(f);
	return -1;
}

bool agent_apps_fetching(const struct agent *a)
{
	return a->apps_fetch != NULL;
}

int apps_cached_directory(struct agent *a, struct agent_apps *out, struct err *e)
{
	struct apps_fetch probe = {.a = a};
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!cache.set)
		return 0;
	if (!(probe.base = apps_base_url(a->cfg)))
		return err_set(e, "out of memory");
	if (account_of(a, &probe, e) < 0) {
		rc = -1;
		goto out;
	}
	/* The last list of this account, however old: a front end shows it while a
	 * refresh runs. */
	if (!same(cache.base, probe.base) || !same(cache.account, probe.account) ||
	    !same(cache.user, probe.user))
		goto out;
	for (size_t i = 0; i < cache.dir.n; i++)
		if (apps_add(out, cache.dir.v[i].id, cache.dir.v[i].name,
			     cache.dir.v[i].description, false, e) < 0) {
			agent_apps_free(out);
			rc = -1;
			goto out;
		}
	rc = 1;
out:
	free(probe.base);
	free(probe.account);
	free(probe.user);
	strv_free(&probe.headers);
	return rc;
}
