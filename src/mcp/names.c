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

/* raw (owned, consumed) sanitized, and cut to MCP_MAX_TOOL_NAME with its SHA-1. */
static char *finish(char *raw)
{
	size_t n = strlen(raw);
	unsigned char digest[br_sha1_SIZE];
	br_sha1_context h;
	char *out = strdup(raw);

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

char *mcp_qualified_name(const char *server, const char *tool)
{
	size_t n = strlen("mcp__") + strlen(server) + strlen("__") + strlen(tool);
	char *raw = malloc(n + 1);

	if (!raw)
		return NULL;
	snprintf(raw, n + 1, "mcp__%s__%s", server, tool);
	return finish(raw);
}

char *mcp_slug(const char *name)
{
	size_t n = strlen(name), a = 0, b;
	char *out = malloc(n + 4);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32)
			 : ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) ? (char)ch : '-';
	}
	b = n;
	while (a < b && out[a] == '-')
		a++;
	while (b > a && out[b - 1] == '-')
		b--;
	if (a == b) {
		memcpy(out, "app", 4);
		return out;
	}
	memmove(out, out + a, b - a);
	out[b - a] = '\0';
	return out;
}

/* upstream's sanitize_name: the slug with '_' for '-'. */
static char *under_slug(const char *name)
{
	char *s = mcp_slug(name);

	for (char *p = s; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

static const char *trimmed_or_null(const char *s, char *buf, size_t cap)
{
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || n >= cap)
		return n ? s : NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

char *mcp_apps_qualified_name(const char *tool, const char *connector_id,
			      const char *connector_name)
{
	char nbuf[512], ibuf[512], *t = under_slug(tool), *ns = NULL, *strip = NULL, *raw;
	const char *name = trimmed_or_null(connector_name, nbuf, sizeof nbuf);
	const char *id = trimmed_or_null(connector_id, ibuf, sizeof ibuf);
	const char *rest;
	size_t n;

	if (!t)
		return NULL;
	rest = t;
	if (name && (ns = under_slug(name)) && strncmp(t, ns, strlen(ns)) == 0 && t[strlen(ns)])
		rest = t + strlen(ns);
	else if (id && (strip = under_slug(id)) && strncmp(t, strip, strlen(strip)) == 0 &&
		 t[strlen(strip)])
		rest = t + strlen(strip);
	if (name && !ns) {
		free(t);
		return NULL;
	}
	/* Upstream joins the app's namespace and the tool without a delimiter: the tools
	 * are named <app>_<action>, so what is left starts with '_'. */
	n = strlen("mcp__" MCP_CODEX_APPS_SERVER "__") + (ns ? strlen(ns) : 0) + strlen(rest);
	raw = malloc(n + 1);
	if (raw)
		snprintf(raw, n + 1, "mcp__" MCP_CODEX_APPS_SERVER "__%s%s", ns ? ns : "", rest);
	free(t);
	free(ns);
	free(strip);
	return raw ? finish(raw) : NULL;
}
