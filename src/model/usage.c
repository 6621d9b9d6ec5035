/* The ChatGPT account's usage limits, as upstream's /status refreshes them: GET
 * {chatgpt_base_url}/wham/usage (or /api/codex/usage on a base without /backend-api)
 * with the ChatGPT token and account id, whose payload
 *   {"plan_type": "plus", "rate_limit": {"primary_window": {"used_percent": 42,
 *    "limit_window_seconds": 18000, "reset_after_seconds": 60, "reset_at": 1765000000},
 *    "secondary_window": ...}, "credits": {"has_credits", "unlimited", "balance"},
 *    "additional_rate_limits": [{"limit_name": "GPT-5.3-Codex-Spark",
 *    "metered_feature": "codex_bengalfox", "rate_limit": {...}}]}
 * becomes the snapshots the response headers give (ratelimits.c): the codex family's
 * (limit_id "codex", primary, secondary, credits, plan_type), then one per additional
 * limit (limit_id its metered_feature, as upstream takes it, limit_name its limit_name,
 * no credits, the same plan_type). The parser is pure and bounded (a fuzz target drives
 * it). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/http.h"
#include "base/json.h"
#include "base/utf8.h"
#include "model/internal.h"

#define USAGE_TIMEOUT_MS 15000
#define USAGE_PLAN_MAX 64

static bool finite_in(const cJSON *v, double lo, double hi)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= lo &&
	       v->valuedouble <= hi;
}

/* {used_percent, window_minutes (seconds rounded up), resets_at}, NULL for none. */
static cJSON *window(const cJSON *w, bool *bad)
{
	const cJSON *used = cJSON_GetObjectItemCaseSensitive(w, "used_percent");
	const cJSON *secs = cJSON_GetObjectItemCaseSensitive(w, "limit_window_seconds");
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(w, "reset_at");
	cJSON *o;

	if (!cJSON_IsObject(w))
		return NULL;
	if (!finite_in(used, 0, 1e6)) {
		*bad = true;
		return NULL;
	}
	if (!(o = cJSON_CreateObject()) ||
	    !cJSON_AddNumberToObject(o, "used_percent", used->valuedouble) ||
	    !(finite_in(secs, 1, 1e12)
		      ? cJSON_AddNumberToObject(o, "window_minutes",
						floor((secs->valuedouble + 59) / 60))
		      : cJSON_AddNullToObject(o, "window_minutes")) ||
	    !(finite_in(at, 1, 1e12) ? cJSON_AddNumberToObject(o, "resets_at", floor(at->valuedouble))
				     : cJSON_AddNullToObject(o, "resets_at"))) {
		cJSON_Delete(o);
		*bad = true;
		return NULL;
	}
	return o;
}

static cJSON *credits(const cJSON *c, bool *bad)
{
	const cJSON *bal = cJSON_GetObjectItemCaseSensitive(c, "balance");
	cJSON *o;

	if (!cJSON_IsObject(c))
		return NULL;
	if (!(o = cJSON_CreateObject()) ||
	    !cJSON_AddBoolToObject(o, "has_credits",
				   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "has_credits"))) ||
	    !cJSON_AddBoolToObject(o, "unlimited",
				   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "unlimited"))) ||
	    !(cJSON_IsString(bal) && strlen(bal->valuestring) <= 32
		      ? cJSON_AddStringToObject(o, "balance", bal->valuestring)
		      : cJSON_AddNullToObject(o, "balance"))) {
		cJSON_Delete(o);
		*bad = true;
		return NULL;
	}
	return o;
}

/* A string of 1 to max bytes of well-formed UTF-8 without control characters: what an
 * id or a name may be. */
static bool keepable(const cJSON *v, size_t max)
{
	size_t len;

	if (!cJSON_IsString(v) || (len = strlen(v->valuestring)) == 0 || len > max ||
	    !utf8_valid(v->valuestring, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v->valuestring[i] < 0x20 || v->valuestring[i] == 0x7f)
			return false;
	return true;
}

/* One family's snapshot (taking name), or NULL with *bad set when the payload is not
 * upstream's shape or memory ran out. */
static cJSON *family(const char *id, cJSON *name, const cJSON *rl, const cJSON *cred,
		     const cJSON *plan, bool *bad)
{
	bool plan_ok = cJSON_IsString(plan) && strlen(plan->valuestring) <= USAGE_PLAN_MAX;
	cJSON *primary = window(cJSON_GetObjectItemCaseSensitive(rl, "primary_window"), bad);
	cJSON *secondary = window(cJSON_GetObjectItemCaseSensitive(rl, "secondary_window"), bad);
	cJSON *c = credits(cred, bad);
	cJSON *p = plan_ok ? cJSON_CreateString(plan->valuestring) : NULL;
	cJSON *snap;

	if (plan_ok && !p)
		*bad = true;
	snap = model_rate_limit_snapshot(id, name, primary, secondary, c, p);
	if (!snap || *bad) {
		cJSON_Delete(snap);
		*bad = true;
		return NULL;
	}
	return snap;
}

/* The additional_rate_limits entries into all, up to the families' cap. Upstream
 * requires limit_name and metered_feature to be strings; an id we cannot keep (empty,
 * too long, control characters) drops its entry, a name we cannot keep is left out. */
static void additional(const cJSON *list, const cJSON *plan, cJSON *all, bool *bad)
{
	const cJSON *it;

	if (!list || cJSON_IsNull(list))
		return;
	if (!cJSON_IsArray(list)) {
		*bad = true;
		return;
	}
	cJSON_ArrayForEach(it, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "metered_feature");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "limit_name");
		cJSON *n = NULL, *snap;

		if (cJSON_GetArraySize(all) >= MODEL_RATE_LIMIT_FAMILIES_MAX)
			return;
		if (!cJSON_IsObject(it) || !cJSON_IsString(id) || !cJSON_IsString(name)) {
			*bad = true;
			return;
		}
		if (!keepable(id, MODEL_RATE_LIMIT_ID_MAX))
			continue;
		if (keepable(name, MODEL_RATE_LIMIT_NAME_MAX) &&
		    !(n = cJSON_CreateString(name->valuestring))) {
			*bad = true;
			return;
		}
		snap = family(id->valuestring, n, cJSON_GetObjectItemCaseSensitive(it, "rate_limit"),
			      NULL, plan, bad);
		if (!snap || !cJSON_AddItemToArray(all, snap)) {
			cJSON_Delete(snap);
			*bad = true;
			return;
		}
	}
}

cJSON *model_usage_parse(const char *json, size_t len, struct err *e)
{
	cJSON *root, *all = NULL, *snap = NULL;
	const cJSON *plan;
	bool bad = false;

	if (len > MODEL_USAGE_MAX_BYTES) {
		err_set(e, "the usage answer is larger than %u bytes", MODEL_USAGE_MAX_BYTES);
		return NULL;
	}
	root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		err_set(e, "the usage answer is not a JSON object");
		goto out;
	}
	plan = cJSON_GetObjectItemCaseSensitive(root, "plan_type");
	if (!(all = cJSON_CreateArray()) ||
	    !(snap = family("codex", NULL, cJSON_GetObjectItemCaseSensitive(root, "rate_limit"),
			    cJSON_GetObjectItemCaseSensitive(root, "credits"), plan, &bad)) ||
	    !cJSON_AddItemToArray(all, snap)) {
		cJSON_Delete(snap);
		bad = true;
	} else {
		additional(cJSON_GetObjectItemCaseSensitive(root, "additional_rate_limits"), plan, all,
			   &bad);
	}
	if (bad) {
		err_set(e, "the usage answer is not upstream's shape");
		cJSON_Delete(all);
		all = NULL;
	}
out:
	cJSON_Delete(root);
	return all;
}

char *model_usage_url(const char *base, struct err *e)
{
	struct buf b;
	size_t n;

	if (!base || !*base)
		base = "https://chatgpt.com/backend-api/";
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_init(&b, 8192);
	/* upstream's normalisation: the ChatGPT hosts get /backend-api */
	if (buf_append(&b, base, n) < 0 ||
	    ((strncmp(base, "https://chatgpt.com", 19) == 0 ||
	      strncmp(base, "https://chat.openai.com", 23) == 0) &&
	     !strstr(b.data, "/backend-api") && buf_printf(&b, "/backend-api") < 0) ||
	    buf_printf(&b, strstr(b.data, "/backend-api") ? "/wham/usage" : "/api/codex/usage") < 0) {
		buf_free(&b);
		err_set(e, "the ChatGPT base URL is too long");
		return NULL;
	}
	return b.data;
}

struct usage_fetch {
	struct model_client *c;
	struct usage_fetch **slot;
	model_usage_done_fn done;
	void *arg;
	char *url;
	struct strv headers;
	struct http_request req;
	struct http_call *call;
};

void usage_fetch_free(struct usage_fetch *f)
{
	if (!f)
		return;
	if (f->call)
		http_call_cancel(f->call);
	*f->slot = NULL;
	free(f->url);
	strv_free(&f->headers);
	free(f);
}

static void on_done(void *ctx, const struct http_response *resp, const struct err *e)
{
	struct usage_fetch *f = ctx;
	model_usage_done_fn done = f->done;
	void *arg = f->arg;
	cJSON *snaps = NULL;
	struct err pe;

	f->call = NULL; /* the call is freed when on_done returns */
	if (e)
		pe = *e;
	else if (resp->status < 200 || resp->status > 299)
		err_set(&pe, "GET %s answered HTTP %ld", f->url, resp->status);
	else
		snaps = model_usage_parse(resp->body.data ? resp->body.data : "", resp->body.len, &pe);
	usage_fetch_free(f);
	done(arg, snaps, snaps ? NULL : &pe);
	cJSON_Delete(snaps);
}

static const struct http_call_ops call_ops = {NULL, NULL, on_done};

int model_client_fetch_usage(struct model_client *c, const char *base_url,
			     model_usage_done_fn done, void *arg, struct err *e)
{
	struct model_client_parts p = model_client_parts(c);
	struct usage_fetch *f;

	if (*p.usage)
		return err_set(e, "the usage limits are already being fetched");
	if (!(f = calloc(1, sizeof *f)))
		return err_set(e, "out of memory");
	f->c = c;
	f->slot = p.usage;
	f->done = done;
	f->arg = arg;
	*p.usage = f;
	if (!(f->url = model_usage_url(base_url, e)) ||
	    model_client_headers(c, &f->headers, e) < 0)
		goto fail;
	f->req.method = "GET";
	f->req.url = f->url;
	f->req.headers = &f->headers;
	f->req.timeout_ms = USAGE_TIMEOUT_MS;
	f->req.idle_timeout_ms = USAGE_TIMEOUT_MS;
	f->req.max_body = MODEL_USAGE_MAX_BYTES;
	if (!(f->call = http_call_start(p.http, &f->req, &call_ops, f, e)))
		goto fail;
	return 0;
fail:
	usage_fetch_free(f);
	return -1;
}
