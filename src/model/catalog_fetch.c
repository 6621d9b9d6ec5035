/* GET {base_url}/models with a client's credentials (model.h,
 * model_client_fetch_catalog): the served catalog, or the built-in one and why not.
 * Bounded: the call gives up after CATALOG_TIMEOUT_MS, so a /model waiting for it
 * always gets a list. With a models cache (catalog_cache.c) a fresh one answers without
 * a request, and a served catalog is kept there. The cached form never asks the
 * network: the cache, else the built-in list. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/http.h"
#include "model/internal.h"

#define CONTAINER_OF(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

/* A catalog that has not come in this long is not waited for. */
#define CATALOG_TIMEOUT_MS 15000

struct catalog_fetch {
	struct model_client *c;
	struct loop *loop;
	struct catalog_fetch **slot;   /* the client's pointer to this fetch */
	const char *cache;             /* the client's models_cache.json, or NULL */
	model_catalog_done_fn done;
	void *arg;
	char *url;
	struct strv headers;
	struct http_request req;
	struct http_call *call;
	struct loop_timer timer;       /* reports a failure known before any request */
	struct err why;
	struct model_catalog cached;   /* the cache's answer, delivered by the timer */
	bool have_cached;
};

void catalog_fetch_free(struct catalog_fetch *f)
{
	if (!f)
		return;
	if (f->call)
		http_call_cancel(f->call);
	loop_timer_disarm(f->loop, &f->timer);
	*f->slot = NULL;
	model_catalog_free(&f->cached);
	free(f->url);
	strv_free(&f->headers);
	free(f);
}

/* Hands the built-in list to the caller, with why (or NULL), and ends the fetch. */
static void finish_builtin(struct catalog_fetch *f, const struct err *why)
{
	model_catalog_done_fn done = f->done;
	void *arg = f->arg;
	struct model_catalog cat;
	struct err e, copy;
	bool have_why = why != NULL;

	if (have_why)
		copy = *why;
	f->call = NULL;
	catalog_fetch_free(f);
	if (model_catalog_builtin(&cat, &e) < 0)
		memset(&cat, 0, sizeof cat);
	done(arg, &cat, have_why ? &copy : NULL);
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct catalog_fetch *f = CONTAINER_OF(t, struct catalog_fetch, timer);

	(void)l;
	if (f->have_cached) {
		model_catalog_done_fn done = f->done;
		void *arg = f->arg;
		struct model_catalog cat = f->cached;
		memset(&f->cached, 0, sizeof f->cached);
		catalog_fetch_free(f);
		done(arg, &cat, NULL);
		return;
	}
	finish_builtin(f, f->why.msg[0] ? &f->why : NULL);
}

static void on_done(void *ctx, const struct http_response *resp, const struct err *e)
{
	struct catalog_fetch *f = ctx;
	struct model_catalog cat;
	struct err pe;
	model_catalog_done_fn done;
	void *arg;

	if (e) {
		finish_builtin(f, e);
		return;
	}
	if (resp->status < 200 || resp->status > 299) {
		err_set(&pe, "GET /models answered HTTP %ld", resp->status);
		finish_builtin(f, &pe);
		return;
	}
	if (model_catalog_parse(resp->body.data ? resp->body.data : "", resp->body.len, &cat,
				&pe) < 0) {
		finish_builtin(f, &pe);
		return;
	}
	if (f->cache) {
		struct model_cache_key k = {CODEX_VERSION, f->url, time(NULL)};
		(void)model_cache_store(f->cache, resp->body.data, resp->body.len,
					http_headers_get(&resp->headers, "etag"), &k, &pe);
	}
	done = f->done;
	arg = f->arg;
	f->call = NULL; /* the call is freed when on_done returns */
	catalog_fetch_free(f);
	done(arg, &cat, NULL);
}

static const struct http_call_ops call_ops = {NULL, NULL, on_done};

static int fetch_catalog(struct model_client *c, bool offline, model_catalog_done_fn done,
			 void *arg, struct err *e)
{
	struct model_client_parts p = model_client_parts(c);
	struct catalog_fetch *f;

	if (*p.fetch)
		return err_set(e, "the model list is already being fetched");
	f = calloc(1, sizeof *f);
	if (!f)
		return err_set(e, "out of memory");
	f->c = c;
	f->loop = p.loop;
	f->slot = p.fetch;
	f->done = done;
	f->arg = arg;
	*p.fetch = f;
	if (p.provider->wire == MODEL_WIRE_CHAT || p.key_missing) {
		/* No /models to ask (Chat providers), or no credential to ask with. */
		if (p.key_missing)
			err_set(&f->why, "no credentials for the model list");
		if (loop_timer_arm(f->loop, &f->timer, loop_clock_ms(), on_timer) < 0)
			goto oom;
		return 0;
	}
	if (!(f->url = model_catalog_url(p.provider, e)) ||
	    model_client_headers(c, &f->headers, e) < 0)
		goto fail;
	if ((f->cache = p.models_cache)) {
		struct model_cache_key k = {CODEX_VERSION, f->url, time(NULL)};
		struct err ce;
		if (model_cache_load(f->cache, &k, &f->cached, NULL, &ce) == 0)
			f->have_cached = true;
	}
	if (f->have_cached || offline) {
		/* The cache's list, or offline without one the built-in list. */
		if (loop_timer_arm(f->loop, &f->timer, loop_clock_ms(), on_timer) < 0)
			goto oom;
		return 0;
	}
	f->req.method = "GET";
	f->req.url = f->url;
	f->req.headers = &f->headers;
	f->req.timeout_ms = CATALOG_TIMEOUT_MS;
	f->req.idle_timeout_ms = CATALOG_TIMEOUT_MS;
	f->req.max_body = MODEL_CATALOG_MAX_BYTES;
	f->call = http_call_start(p.http, &f->req, &call_ops, f, e);
	if (!f->call)
		goto fail;
	return 0;
oom:
	err_set(e, "out of memory");
fail:
	catalog_fetch_free(f);
	return -1;
}

int model_client_fetch_catalog(struct model_client *c, model_catalog_done_fn done, void *arg,
			       struct err *e)
{
	return fetch_catalog(c, false, done, arg, e);
}

int model_client_cached_catalog(struct model_client *c, model_catalog_done_fn done, void *arg,
				struct err *e)
{
	return fetch_catalog(c, true, done, arg, e);
}
