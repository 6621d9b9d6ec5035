/* OAuth discovery for streamable HTTP servers (codex-mcp.md §8): whether the server
 * publishes authorization-server metadata. Only discovery is in this build; the
 * authorization flow itself (`codex mcp login`) is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/json.h"
#include "mcp/mcp.h"

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

int mcp_oauth_discover(const char *url, long timeout_ms)
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
		cJSON *j;

		memset(&req, 0, sizeof req);
		memset(&resp, 0, sizeof resp);
		req.url = urls.v[i];
		req.headers = &headers;
		req.proxy = "";
		req.connect_timeout_ms = timeout_ms;
		req.timeout_ms = timeout_ms;
		req.max_body = 1u << 20;
		if (http_perform(&req, &resp, &e) == 0 && resp.status == 200 &&
		    (j = json_parse(resp.body.data ? resp.body.data : "", resp.body.len, "metadata",
				    &e))) {
			found = json_get_str(j, "authorization_endpoint") &&
				json_get_str(j, "token_endpoint");
			cJSON_Delete(j);
		}
		http_response_free(&resp);
	}
	strv_free(&urls);
	strv_free(&headers);
	return found;
}
