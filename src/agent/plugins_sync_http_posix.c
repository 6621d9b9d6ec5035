/* The curated sync's HTTP fallback (agent.h, upstream's sync_openai_plugins_repo_via_http):
 * three GETs against the GitHub API with a blocking client; the archive goes to
 * plugins_archive.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "agent/plugins.h"
#include "base/http.h"

#define REPO_PATH "/repos/openai/plugins"
/* The two JSON answers are small documents. */
#define API_JSON_MAX (1024u * 1024)
#define MAX_REDIRECTS 5
/* What goes into an error from a refused answer. */
#define ERR_BODY_MAX 200

static bool https(const char *url)
{
	return strncmp(url, "https://", 8) == 0;
}

/* GET url (following redirects) into resp, which the caller frees; a status other than
 * 200 is an error naming what and the url. */
static int get(const char *url, size_t max, const char *what, struct http_response *resp,
	       struct err *e)
{
	struct strv headers = STRV_INIT;
	char *cur = strdup(url);
	int rc = -1;

	memset(resp, 0, sizeof *resp);
	if (!cur || strv_push(&headers, "Accept: application/vnd.github+json") < 0 ||
	    strv_push(&headers, "X-GitHub-Api-Version: 2022-11-28") < 0 ||
	    strv_push(&headers, "User-Agent: codex-cli") < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	for (int hop = 0;; hop++) {
		struct http_request req = {0};
		const char *loc;
		char *next;
		req.url = cur;
		req.headers = &headers;
		req.timeout_ms = AGENT_CURATED_HTTP_TIMEOUT_S * 1000L;
		req.max_body = max;
		http_response_free(resp);
		memset(resp, 0, sizeof *resp);
		if (http_perform(&req, resp, e) < 0) {
			char why[sizeof e->msg];
			snprintf(why, sizeof why, "%s", e->msg);
			err_set(e, "failed to %s from %s: %s", what, cur, why);
			goto out;
		}
		if (resp->status == 200)
			break;
		loc = http_response_header(resp, "location");
		if (resp->status >= 300 && resp->status < 400 && loc && *loc) {
			if (hop >= MAX_REDIRECTS) {
				err_set(e, "failed to %s from %s: too many redirects", what, url);
				goto out;
			}
			if (strncmp(loc, "http://", 7) && !https(loc)) {
				err_set(e, "failed to %s from %s: redirected to a relative or "
					"unknown location", what, cur);
				goto out;
			}
			if (https(cur) && !https(loc)) {
				err_set(e, "failed to %s from %s: redirected from https to http",
					what, cur);
				goto out;
			}
			if (!(next = strdup(loc))) {
				err_set(e, "out of memory");
				goto out;
			}
			free(cur);
			cur = next;
			continue;
		}
		err_set(e, "%s from %s failed with status %ld: %.*s", what, cur, resp->status,
			(int)(resp->body.len < ERR_BODY_MAX ? resp->body.len : ERR_BODY_MAX),
			resp->body.data ? resp->body.data : "");
		goto out;
	}
	rc = 0;
out:
	free(cur);
	strv_free(&headers);
	return rc;
}

/* A string field (by a dotted pair of keys) of a JSON answer; borrowed from *json. */
static const char *json_field(const struct http_response *r, cJSON **json, const char *k1,
			      const char *k2)
{
	const cJSON *v;

	*json = cJSON_ParseWithLength(r->body.data ? r->body.data : "", r->body.len);
	v = cJSON_GetObjectItemCaseSensitive(*json, k1);
	if (k2)
		v = cJSON_GetObjectItemCaseSensitive(v, k2);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

static char *api_url(const char *api, const char *fmt, const char *arg)
{
	size_t n = strlen(api);
	char *u;

	while (n && api[n - 1] == '/')
		n--;
	if (asprintf(&u, "%.*s" REPO_PATH "%s%s", (int)n, api, fmt, arg) < 0)
		return NULL;
	return u;
}

int plugins_http_remote_sha(const char *api, char sha[PLUGIN_SHA_MAX + 1], struct err *e)
{
	struct http_response r = {0};
	cJSON *json = NULL;
	char *url = api_url(api, "", ""), *branch = NULL;
	const char *v;
	int rc = -1;

	if (!url) {
		err_set(e, "out of memory");
		goto out;
	}
	if (get(url, API_JSON_MAX, "get curated plugins repository", &r, e) < 0)
		goto out;
	if (!(v = json_field(&r, &json, "default_branch", NULL))) {
		err_set(e, "curated plugins repository response from %s did not include a "
			"default branch", url);
		goto out;
	}
	/* a branch name goes into the URL: only what git allows and a URL keeps as is */
	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") !=
		    strlen(v) || strstr(v, "..") || !(branch = strdup(v))) {
		err_set(e, "curated plugins repository response from %s has an unusable default "
			"branch", url);
		goto out;
	}
	free(url);
	cJSON_Delete(json);
	json = NULL;
	http_response_free(&r);
	if (!(url = api_url(api, "/git/ref/heads/", branch))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (get(url, API_JSON_MAX, "get curated plugins HEAD ref", &r, e) < 0)
		goto out;
	if (!(v = json_field(&r, &json, "object", "sha")) ||
	    plugin_sha_parse(v, strlen(v), sha) < 0) {
		err_set(e, "curated plugins ref response from %s did not include a HEAD sha", url);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(json);
	http_response_free(&r);
	free(branch);
	free(url);
	return rc;
}

int plugins_http_fetch_tree(const char *api, const char *sha, const char *dir, struct err *e)
{
	struct http_response r = {0};
	char *url = api_url(api, "/tarball/", sha);
	int rc = -1;

	if (!url)
		return err_set(e, "out of memory");
	if (get(url, PLUGIN_ARCHIVE_MAX_BYTES, "download curated plugins archive", &r, e) == 0)
		rc = plugins_archive_extract((const unsigned char *)r.body.data, r.body.len, dir,
					     e);
	http_response_free(&r);
	free(url);
	return rc;
}
