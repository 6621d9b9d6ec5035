/* The model catalog kept on disk between sessions, as upstream's models_cache.json in
 * CODEX_HOME: {"fetched_at": RFC 3339, "etag", "client_version", "models": [...]},
 * fresh for MODEL_CACHE_TTL_S after fetched_at and only for the version that wrote it.
 * Ours also records the catalog URL it came from ("base_url"), so switching providers
 * (--oss, -c model_provider=...) never offers another provider's models. A response's
 * x-models-etag renews a cache with the same etag and retires one with another, as
 * upstream's refresh_if_new_etag does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/rfc3339.h"
#include "model/internal.h"

/* fetched_at to unix seconds; -1 if it is not an RFC 3339 timestamp. */
static time_t rfc3339(const char *s)
{
	struct timespec t;

	return rfc3339_parse(s, &t) < 0 ? -1 : t.tv_sec;
}

/* now as upstream writes fetched_at (chrono's automatic precision). */
static void stamp(time_t now, char out[RFC3339_MAX])
{
	struct timespec t = {now, 0};

	rfc3339_format(&t, RFC3339_AUTO, out);
}

int model_cache_parse(const char *json, size_t len, const struct model_cache_key *k,
		      struct model_catalog *out, char **etag, struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *v;
	const char *at, *ver, *url;
	time_t fetched;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (etag)
		*etag = NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(e, "the models cache is not a JSON object");
	}
	at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "fetched_at"));
	ver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "client_version"));
	url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "base_url"));
	if (!at || (fetched = rfc3339(at)) < 0)
		rc = err_set(e, "the models cache has no valid fetched_at");
	else if (!ver || strcmp(ver, k->version) != 0)
		rc = err_set(e, "the models cache was written by another version");
	else if (!url || strcmp(url, k->url) != 0)
		rc = err_set(e, "the models cache is another provider's");
	else if (k->now - fetched > MODEL_CACHE_TTL_S || fetched - k->now > MODEL_CACHE_TTL_S)
		rc = err_set(e, "the models cache is stale");
	if (rc == 0 && etag && (v = cJSON_GetObjectItemCaseSensitive(root, "etag")) &&
	    cJSON_IsString(v) && strlen(v->valuestring) <= MODEL_CACHE_ETAG_MAX &&
	    !(*etag = strdup(v->valuestring)))
		rc = err_set(e, "out of memory");
	cJSON_Delete(root);
	if (rc == 0 && model_catalog_parse(json, len, out, e) < 0)
		rc = -1;
	if (rc < 0 && etag) {
		free(*etag);
		*etag = NULL;
	}
	return rc;
}

int model_cache_load(const char *path, const struct model_cache_key *k,
		     struct model_catalog *out, char **etag, struct err *e)
{
	struct buf b;
	int rc;

	memset(out, 0, sizeof *out);
	if (etag)
		*etag = NULL;
	buf_init(&b, MODEL_CATALOG_MAX_BYTES);
	if (file_read_regular(path, &b, e) < 0) {
		buf_free(&b);
		return -1;
	}
	rc = model_cache_parse(b.data ? b.data : "", b.len, k, out, etag, e);
	buf_free(&b);
	return rc;
}

/* The cache's text for a served body: its models, our fields around them. */
static char *cache_text(const char *body, size_t len, const char *etag,
			const struct model_cache_key *k)
{
	cJSON *served = cJSON_ParseWithLength(body, len), *o = cJSON_CreateObject();
	cJSON *models = cJSON_DetachItemFromObjectCaseSensitive(served, "models");
	char at[RFC3339_MAX], *text = NULL;

	cJSON_Delete(served);
	if (!o || !cJSON_IsArray(models))
		goto out;
	stamp(k->now, at);
	if (!cJSON_AddStringToObject(o, "fetched_at", at) ||
	    (etag && !cJSON_AddStringToObject(o, "etag", etag)) ||
	    !cJSON_AddStringToObject(o, "client_version", k->version) ||
	    !cJSON_AddStringToObject(o, "base_url", k->url) ||
	    !cJSON_AddItemToObject(o, "models", models))
		goto out;
	models = NULL;
	text = cJSON_Print(o);
out:
	cJSON_Delete(models);
	cJSON_Delete(o);
	return text;
}

int model_cache_store(const char *path, const char *body, size_t len, const char *etag,
		      const struct model_cache_key *k, struct err *e)
{
	char *text;
	int rc;

	if (etag && strlen(etag) > MODEL_CACHE_ETAG_MAX)
		etag = NULL;
	if (!(text = cache_text(body, len, etag, k)))
		return err_set(e, "the served catalog has no models array to cache");
	rc = file_mkdir_parents(path, e) < 0 ? -1
	     : file_write_atomic_mode(path, text, strlen(text), 0600, e);
	free(text);
	return rc;
}

void model_cache_etag_seen(const char *path, const char *etag, const struct model_cache_key *k)
{
	struct model_catalog cat;
	struct buf b;
	struct err e;
	char *cached = NULL, *text;
	struct model_cache_key old = *k;
	cJSON *root, *at;
	char at_now[RFC3339_MAX];

	/* Whether fresh or not: a cache of this version and provider (any age) counts. */
	old.now = 0;
	buf_init(&b, MODEL_CATALOG_MAX_BYTES);
	if (file_read_regular(path, &b, &e) < 0 || !b.data)
		goto out;
	root = cJSON_ParseWithLength(b.data, b.len);
	at = cJSON_GetObjectItemCaseSensitive(root, "fetched_at");
	old.now = cJSON_IsString(at) ? rfc3339(at->valuestring) : -1;
	if (old.now < 0 || model_cache_parse(b.data, b.len, &old, &cat, &cached, &e) < 0) {
		cJSON_Delete(root);
		goto out;
	}
	model_catalog_free(&cat);
	if (!cached || strcmp(cached, etag) != 0) {
		/* The server's catalog changed: the next /model asks again. */
		(void)unlink(path);
	} else {
		/* The same catalog: fresh for another MODEL_CACHE_TTL_S. */
		stamp(k->now, at_now);
		if (cJSON_ReplaceItemInObjectCaseSensitive(root, "fetched_at",
							   cJSON_CreateString(at_now)) &&
		    (text = cJSON_Print(root))) {
			(void)file_write_atomic_mode(path, text, strlen(text), 0600, &e);
			free(text);
		}
	}
	cJSON_Delete(root);
out:
	free(cached);
	buf_free(&b);
}
