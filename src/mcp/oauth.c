/* OAuth discovery for streamable HTTP servers (codex-mcp.md §8): the authorization
 * server's metadata (RFC 8414) at upstream's well-known URLs, and the parser of that
 * document (a fuzz target: the server is not trusted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/json.h"
#include "mcp/mcp.h"

void mcp_oauth_metadata_free(struct mcp_oauth_metadata *m)
{
	if (!m)
		return;
	free(m->authorization_endpoint);
	free(m->token_endpoint);
	free(m->registration_endpoint);
	strv_free(&m->scopes);
	memset(m, 0, sizeof *m);
}

/* An endpoint we may send a browser or a POST to: an http(s) URL of visible ASCII. */
static bool endpoint_ok(const char *u)
{
	size_t n = strlen(u);

	if (n > MCP_OAUTH_MAX_VALUE ||
	    (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
			return false;
	return true;
}

static int take_endpoint(const cJSON *j, const char *key, bool required, char **out,
			 struct err *e)
{
	const char *v = json_get_str(j, key);

	if (!v)
		return required ? err_set(e, "OAuth metadata has no %s", key) : 0;
	if (!endpoint_ok(v))
		return err_set(e, "OAuth metadata: %s is not an http(s) URL", key);
	*out = strdup(v);
	return *out ? 0 : err_set(e, "out of memory");
}

/* scopes_supported: strings, trimmed, empty ones dropped, first occurrence kept. */
static int take_scopes(const cJSON *j, struct strv *out, struct err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "scopes_supported"), *it;

	if (!cJSON_IsArray(a))
		return 0;
	cJSON_ArrayForEach(it, a) {
		const char *s = cJSON_GetStringValue(it);
		size_t n;
		char *t;
		if (!s || out->n >= MCP_OAUTH_MAX_SCOPES)
			continue;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			     s[n - 1] == '\r'))
			n--;
		if (!n || n > 1024)
			continue;
		if (!(t = strndup(s, n)))
			return err_set(e, "out of memory");
		if (strv_find(out, t) >= 0) {
			free(t);
			continue;
		}
		if (strv_take(out, t) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

int mcp_oauth_metadata_parse(const char *text, size_t len, struct mcp_oauth_metadata *out,
			     struct err *e)
{
	cJSON *j;
	int rc = -1;

	if (len > MCP_OAUTH_BODY_MAX)
		return err_set(e, "OAuth metadata is larger than %u bytes", MCP_OAUTH_BODY_MAX);
	if (!(j = json_parse(text, len, "OAuth metadata", e)))
		return -1;
	if (!cJSON_IsObject(j)) {
		err_set(e, "OAuth metadata is not a JSON object");
		goto out;
	}
	if (take_endpoint(j, "authorization_endpoint", true, &out->authorization_endpoint, e) < 0 ||
	    take_endpoint(j, "token_endpoint", true, &out->token_endpoint, e) < 0 ||
	    take_endpoint(j, "registration_endpoint", false, &out->registration_endpoint, e) < 0 ||
	    take_scopes(j, &out->scopes, e) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(j);
	if (rc < 0)
		mcp_oauth_metadata_free(out);
	return rc;
}

/* The well-known URLs to try, in upstream's order, for the URL's origin and path. */
static int candidates(const char *url, struct strv *out)
{
	const char *scheme = strstr(url, "://"), *path;
	size_t origin_len;
	char *p = NULL;
	size_t plen;

	if (!scheme)
		return -1;
	path = strchr(scheme + 3, '/');
	origin_len = path ? (size_t)(path - url) : strlen(url);
	if (path) {
		const char *q = strpbrk(path, "?#");
		plen = q ? (size_t)(q - path) : strlen(path);
		while (plen && path[plen - 1] == '/')
			plen--;
		if (plen && !(p = strndup(path, plen)))
			return -1;
	}
	if (p && (strv_pushf(out, "%.*s/.well-known/oauth-authorization-server%s", (int)origin_len,
			     url, p) < 0 ||
		  strv_pushf(out, "%.*s%s/.well-known/oauth-authorization-server", (int)origin_len,
			     url, p) < 0)) {
		free(p);
		return -1;
	}
	free(p);
	return strv_pushf(out, "%.*s/.well-known/oauth-authorization-server", (int)origin_len, url);
}

int mcp_oauth_discover_metadata(const char *url, long timeout_ms, struct mcp_oauth_metadata *out)
{
	struct strv urls = STRV_INIT, headers = STRV_INIT;
	int found = 0;

	if (candidates(url, &urls) < 0 ||
	    strv_push(&headers, "MCP-Protocol-Version: 2024-11-05") < 0) {
		strv_free(&urls);
		strv_free(&headers);
		return -1;
	}
	for (size_t i = 0; i < urls.n && !found; i++) {
		struct http_request req;
		struct http_response resp;
		struct err e;

		memset(&req, 0, sizeof req);
		memset(&resp, 0, sizeof resp);
		req.url = urls.v[i];
		req.headers = &headers;
		req.proxy = "";
		req.connect_timeout_ms = timeout_ms;
		req.timeout_ms = timeout_ms;
		req.max_body = MCP_OAUTH_BODY_MAX;
		if (http_perform(&req, &resp, &e) == 0 && resp.status == 200 &&
		    mcp_oauth_metadata_parse(resp.body.data ? resp.body.data : "", resp.body.len,
					     out, &e) == 0)
			found = 1;
		http_response_free(&resp);
	}
	strv_free(&urls);
	strv_free(&headers);
	return found;
}

int mcp_oauth_discover(const char *url, long timeout_ms)
{
	struct mcp_oauth_metadata m;
	int r;

	memset(&m, 0, sizeof m);
	r = mcp_oauth_discover_metadata(url, timeout_ms, &m);
	mcp_oauth_metadata_free(&m);
	return r;
}
