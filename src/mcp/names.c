/* Qualified tool names (codex-mcp.md §5.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl_hash.h>

#include "mcp/mcp.h"

static bool name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

bool mcp_server_name_valid(const char *name)
{
	if (!name || !*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!name_char(*p) && *p != '-')
			return false;
	return true;
}

char *mcp_qualified_name(const char *server, const char *tool)
{
	size_t n = strlen("mcp__") + strlen(server) + strlen("__") + strlen(tool);
	char *raw = malloc(n + 1), *out;
	unsigned char digest[br_sha1_SIZE];
	br_sha1_context h;

	if (!raw)
		return NULL;
	snprintf(raw, n + 1, "mcp__%s__%s", server, tool);
	out = strdup(raw);
	if (!out) {
		free(raw);
		return NULL;
	}
	for (char *p = out; *p; p++)
		if (!name_char((unsigned char)*p))
			*p = '_';
	if (n > MCP_MAX_TOOL_NAME) {
		/* 24 bytes of the sanitized name and 40 hex digits: exactly 64. */
		br_sha1_init(&h);
		br_sha1_update(&h, raw, n);
		br_sha1_out(&h, digest);
		for (size_t i = 0; i < sizeof digest; i++)
			snprintf(out + 24 + 2 * i, 3, "%02x", digest[i]);
	}
	free(raw);
	return out;
}
