/* The MCP OAuth parsers, fed what a hostile authorization server or a tampered
 * credentials file could hold. The first byte picks the parser (0 metadata, 1 token
 * answer, 2 credentials file); the rest is the input, unterminated. Never a crash, a
 * leak or a read past the input; what is accepted keeps the promises the callers rely
 * on: endpoints are http(s) URLs without spaces, tokens are visible ASCII (they go into
 * headers and forms), scope lists are bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"

static void check_token(const char *s)
{
	if (!s || !*s)
		abort();
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 127)
			abort();
}

static void check_url(const char *s)
{
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		abort();
	check_token(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_oauth_metadata md;
	struct mcp_oauth_tokens t;
	struct err e;
	char *copy;
	int found = 0;

	if (size < 1)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	memset(&md, 0, sizeof md);
	memset(&t, 0, sizeof t);
	switch (data[0] % 3) {
	case 0:
		if (mcp_oauth_metadata_parse(copy, size - 1, &md, &e) == 0) {
			check_url(md.authorization_endpoint);
			check_url(md.token_endpoint);
			if (md.registration_endpoint)
				check_url(md.registration_endpoint);
			if (md.scopes.n > MCP_OAUTH_MAX_SCOPES)
				abort();
			for (size_t i = 0; i < md.scopes.n; i++)
				if (!md.scopes.v[i][0] || md.scopes.v[i][0] == ' ')
					abort();
		}
		mcp_oauth_metadata_free(&md);
		break;
	case 1:
		if (mcp_oauth_token_parse(copy, size - 1, 1000, &t, &e) == 0) {
			check_token(t.access_token);
			if (t.refresh_token)
				check_token(t.refresh_token);
			if (t.expires_at < 0 || t.scopes.n > MCP_OAUTH_MAX_SCOPES)
				abort();
		} else if (t.access_token) {
			abort(); /* a refused answer leaves the tokens untouched */
		}
		mcp_oauth_tokens_free(&t);
		break;
	default:
		if (mcp_oauth_store_parse(copy, size - 1, "web|79b781c63912554e", &t, &found,
					  &e) == 0 && found) {
			check_token(t.access_token);
			check_token(t.client_id);
			if (!t.server_name || !t.server_url || t.expires_at < 0)
				abort();
			if (t.refresh_token)
				check_token(t.refresh_token);
		}
		mcp_oauth_tokens_free(&t);
		break;
	}
	free(copy);
	return 0;
}
