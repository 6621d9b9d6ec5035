/* Rate-limit response headers as upstream's snapshots, one per limit family:
 *   {"limit_id": "codex", "limit_name": null,
 *    "primary": {"used_percent": 12.5, "window_minutes": 300, "resets_at": 1767225600},
 *    "secondary": ..., "credits": {"has_credits": true, "unlimited": false,
 *    "balance": "12.00"}, "plan_type": null}
 * with null for what the server did not send. The codex family is x-codex-primary-*,
 * x-codex-secondary-*, x-codex-credits-*; another family <id> is any header
 * x-<id>-primary-used-percent, read as x-<id>-primary-* / -secondary-* / -limit-name
 * (its credits are the x-codex-credits-* ones, as upstream reads them). */
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

/* Upstream's normalize_limit_id: trimmed, lowercase, '-' as '_'. False when that
 * leaves nothing, is too long for out, or holds what no header name holds. */
static bool limit_id(const char *s, size_t len, char *out, size_t n)
{
	size_t k = 0;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= n)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
		out[k++] = c == '-' ? '_' : (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[k] = '\0';
	return true;
}

/* "x-codex-other" for "codex_other": the headers spell the id with '-'. */
static void header_prefix(const char *id, char *out, size_t n)
{
	size_t k = snprintf(out, n, "x-");

	for (; *id && k + 1 < n; id++)
		out[k++] = *id == '_' ? '-' : *id;
	out[k] = '\0';
}

/* One window ("primary" / "secondary"), or NULL when its used-percent is absent. A
 * family other than codex also drops, as upstream, a window that says nothing (0 %
 * used, no length, no reset time); the codex family keeps its older behaviour. */
static cJSON *window(const struct strv *h, const char *prefix, const char *which, bool strict,
		     bool *oom)
{
	char name[MODEL_RATE_LIMIT_ID_MAX + 64];
	double used, minutes, at;
	bool has_minutes;
	cJSON *w;

	snprintf(name, sizeof name, "%s-%s-used-percent", prefix, which);
	if (!number(http_headers_get(h, name), &used))
		return NULL;
	snprintf(name, sizeof name, "%s-%s-window-minutes", prefix, which);
	has_minutes = number(http_headers_get(h, name), &minutes);
	snprintf(name, sizeof name, "%s-%s-reset-at", prefix, which);
	if (!number(http_headers_get(h, name), &at)) {
		/* Older servers: seconds from now. */
		snprintf(name, sizeof name, "%s-%s-reset-after-seconds", prefix, which);
		if (number(http_headers_get(h, name), &at))
			at += (double)time(NULL);
		else
			at = -1;
	}
	if (strict && used == 0 && !(has_minutes && (long long)minutes != 0) && at < 0)
		return NULL;
	w = cJSON_CreateObject();
	if (!w || !cJSON_AddNumberToObject(w, "used_percent", used) ||
	    !(has_minutes ? cJSON_AddNumberToObject(w, "window_minutes", (double)(long long)minutes)
			  : cJSON_AddNullToObject(w, "window_minutes")) ||
	    !(at >= 0 ? cJSON_AddNumberToObject(w, "resets_at", (double)(long long)at)
		      : cJSON_AddNullToObject(w, "resets_at"))) {
		cJSON_Delete(w);
		*oom = true;
		return NULL;
	}
	return w;
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

/* x-<id>-limit-name, trimmed; NULL when absent, empty, too long or not printable ASCII
 * (upstream reads a header only when it is visible ASCII). */
static cJSON *limit_name(const struct strv *h, const char *prefix, bool *oom)
{
	char name[MODEL_RATE_LIMIT_ID_MAX + 16];
	const char *v;
	size_t len;
	cJSON *s;

	snprintf(name, sizeof name, "%s-limit-name", prefix);
	if (!(v = http_headers_get(h, name)))
		return NULL;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0 || len > MODEL_RATE_LIMIT_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || (unsigned char)v[i] >= 0x7f)
			return NULL;
	memcpy(name, v, len);
	name[len] = '\0';
	if (!(s = cJSON_CreateString(name)))
		*oom = true;
	return s;
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

cJSON *model_rate_limit_snapshot(const char *id, cJSON *name, cJSON *primary, cJSON *secondary,
				 cJSON *credits, cJSON *plan_type)
{
	static const char *const keys[] = {"limit_name", "primary", "secondary", "credits",
					   "plan_type"};
	cJSON *parts[] = {name, primary, secondary, credits, plan_type};
	cJSON *snap = cJSON_CreateObject();
	bool ok = snap && cJSON_AddStringToObject(snap, "limit_id", id);

	/* every part is taken, whatever fails */
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!snap)
			cJSON_Delete(parts[i]);
		else if (!model_snapshot_put(snap, keys[i], parts[i]))
			ok = false;
	}
	if (ok)
		return snap;
	cJSON_Delete(snap);
	return NULL;
}

/* One family's snapshot; NULL when its headers say nothing (or memory ran out: *oom). */
static cJSON *family(const struct strv *h, const char *id, bool *oom)
{
	bool codex = strcmp(id, "codex") == 0;
	char prefix[MODEL_RATE_LIMIT_ID_MAX + 3];
	cJSON *primary, *secondary, *cred, *name, *snap;

	header_prefix(id, prefix, sizeof prefix);
	primary = window(h, prefix, "primary", !codex, oom);
	secondary = window(h, prefix, "secondary", !codex, oom);
	cred = credits(h, oom);
	name = limit_name(h, prefix, oom);
	if (*oom || (!primary && !secondary && !cred)) {
		cJSON_Delete(primary);
		cJSON_Delete(secondary);
		cJSON_Delete(cred);
		cJSON_Delete(name);
		return NULL;
	}
	if (!(snap = model_rate_limit_snapshot(id, name, primary, secondary, cred, NULL)))
		*oom = true;
	return snap;
}

/* The ids of the families other than codex that the headers name (by an
 * x-<id>-primary-used-percent header), sorted, each once. When there are more than max,
 * the first max in sort order are kept, whatever order the headers came in. */
static size_t family_ids(const struct strv *h, char (*ids)[MODEL_RATE_LIMIT_ID_MAX + 1],
			 size_t max)
{
	static const char suffix[] = "-primary-used-percent";
	const size_t sl = sizeof suffix - 1;
	size_t n = 0;

	for (size_t i = 0; h && i < h->n; i++) {
		const char *line = h->v[i], *colon = strchr(line, ':');
		char id[MODEL_RATE_LIMIT_ID_MAX + 1];
		size_t len = colon ? (size_t)(colon - line) : 0, at;

		if (len < 2 + sl || strncasecmp(line, "x-", 2) != 0 ||
		    strncasecmp(colon - sl, suffix, sl) != 0 ||
		    !limit_id(line + 2, len - 2 - sl, id, sizeof id) || strcmp(id, "codex") == 0)
			continue;
		for (at = 0; at < n && strcmp(ids[at], id) < 0; at++)
			;
		if (at == max || (at < n && strcmp(ids[at], id) == 0))
			continue;
		if (n == max)
			n--; /* the last one makes room */
		memmove(ids[at + 1], ids[at], (n - at) * sizeof ids[0]);
		memcpy(ids[at], id, sizeof id);
		n++;
	}
	return n;
}

cJSON *model_rate_limits(const struct strv *headers)
{
	char ids[MODEL_RATE_LIMIT_FAMILIES_MAX][MODEL_RATE_LIMIT_ID_MAX + 1];
	size_t n = 0;
	bool oom = false;
	cJSON *all = cJSON_CreateArray(), *snap;

	if (!all)
		return NULL;
	/* codex first, then the others by id, as upstream reports them */
	memcpy(ids[n++], "codex", sizeof "codex");
	n += family_ids(headers, ids + 1, MODEL_RATE_LIMIT_FAMILIES_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		if ((snap = family(headers, ids[i], &oom)) && !cJSON_AddItemToArray(all, snap)) {
			cJSON_Delete(snap);
			oom = true;
		}
		if (oom)
			break;
	}
	if (oom || cJSON_GetArraySize(all) == 0) {
		cJSON_Delete(all);
		return NULL;
	}
	return all;
}
