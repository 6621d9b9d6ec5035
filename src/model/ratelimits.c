/* Rate-limit response headers (x-codex-primary-*, x-codex-secondary-*,
 * x-codex-credits-*) as upstream's snapshot:
 *   {"primary": {"used_percent": 12.5, "window_minutes": 300, "resets_at": 1767225600},
 *    "secondary": ..., "credits": {"has_credits": true, "unlimited": false,
 *    "balance": "12.00"}, "plan_type": null}
 * with null for what the server did not send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/http.h"
#include "model/internal.h"

static bool number(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	*out = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\0' && *out == *out && *out > -1e15 && *out < 1e15;
}

static bool flag(const char *s, bool *out)
{
	if (!s)
		return false;
	if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* One window ("primary" / "secondary"), or NULL when its used-percent is absent. */
static cJSON *window(const struct strv *h, const char *which, bool *oom)
{
	char name[64];
	double used, minutes, at;
	cJSON *w;

	snprintf(name, sizeof name, "x-codex-%s-used-percent", which);
	if (!number(http_headers_get(h, name), &used))
		return NULL;
	w = cJSON_CreateObject();
	if (!w || !cJSON_AddNumberToObject(w, "used_percent", used))
		goto oom;
	snprintf(name, sizeof name, "x-codex-%s-window-minutes", which);
	if (!(number(http_headers_get(h, name), &minutes) ? cJSON_AddNumberToObject(w, "window_minutes",
									  (double)(long long)minutes)
						: cJSON_AddNullToObject(w, "window_minutes")))
		goto oom;
	snprintf(name, sizeof name, "x-codex-%s-reset-at", which);
	if (!number(http_headers_get(h, name), &at)) {
		/* Older servers: seconds from now. */
		snprintf(name, sizeof name, "x-codex-%s-reset-after-seconds", which);
		if (number(http_headers_get(h, name), &at))
			at += (double)time(NULL);
		else
			at = -1;
	}
	if (!(at >= 0 ? cJSON_AddNumberToObject(w, "resets_at", (double)(long long)at)
		      : cJSON_AddNullToObject(w, "resets_at")))
		goto oom;
	return w;
oom:
	cJSON_Delete(w);
	*oom = true;
	return NULL;
}

static cJSON *credits(const struct strv *h, bool *oom)
{
	bool has, unlimited = false;
	const char *balance = http_headers_get(h, "x-codex-credits-balance");
	cJSON *c;

	if (!flag(http_headers_get(h, "x-codex-credits-has-credits"), &has))
		return NULL;
	flag(http_headers_get(h, "x-codex-credits-unlimited"), &unlimited);
	c = cJSON_CreateObject();
	if (!c || !cJSON_AddBoolToObject(c, "has_credits", has) ||
	    !cJSON_AddBoolToObject(c, "unlimited", unlimited) ||
	    !(balance && *balance ? cJSON_AddStringToObject(c, "balance", balance)
				  : cJSON_AddNullToObject(c, "balance"))) {
		cJSON_Delete(c);
		*oom = true;
		return NULL;
	}
	return c;
}

bool model_snapshot_put(cJSON *snap, const char *key, cJSON *v)
{
	if (!v)
		return cJSON_AddNullToObject(snap, key) != NULL;
	if (cJSON_AddItemToObject(snap, key, v))
		return true;
	cJSON_Delete(v);
	return false;
}

cJSON *model_rate_limits(const struct strv *headers)
{
	bool oom = false;
	cJSON *primary = window(headers, "primary", &oom);
	cJSON *secondary = window(headers, "secondary", &oom);
	cJSON *cred = credits(headers, &oom);
	cJSON *snap;

	if (oom || (!primary && !secondary && !cred))
		goto none;
	snap = cJSON_CreateObject();
	if (!snap)
		goto none;
	if (!model_snapshot_put(snap, "primary", primary)) {
		primary = NULL;
		goto fail;
	}
	primary = NULL;
	if (!model_snapshot_put(snap, "secondary", secondary)) {
		secondary = NULL;
		goto fail;
	}
	secondary = NULL;
	if (!model_snapshot_put(snap, "credits", cred)) {
		cred = NULL;
		goto fail;
	}
	cred = NULL;
	if (!cJSON_AddNullToObject(snap, "plan_type"))
		goto fail;
	return snap;
fail:
	cJSON_Delete(snap);
none:
	cJSON_Delete(primary);
	cJSON_Delete(secondary);
	cJSON_Delete(cred);
	return NULL;
}
