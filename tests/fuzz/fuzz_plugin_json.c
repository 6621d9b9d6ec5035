/* Fuzz target: the plugin files' parsers (src/agent/plugins_parse.c): marketplace.json,
 * .codex-plugin/plugin.json and .mcp.json over the same bytes, and the manifest path
 * check and the `[@name](plugin://id)` mention reader over them as a string, and the
 * commit id reader (ls-remote / rev-parse output).
 * Whatever they accept must hold what they promise: names that are valid segments,
 * relative paths without "." / ".." / empty components, ids of 40 or 64 hex digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/plugins.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_rel(const char *p)
{
	if (!p)
		return;
	check(*p && p[0] != '/' && !strstr(p, "//") && !strchr(p, '\\'));
	for (const char *c = p; c;) {
		const char *s = strchr(c, '/');
		size_t n = s ? (size_t)(s - c) : strlen(c);
		check(n > 0 && !(n == 1 && c[0] == '.') && !(n == 2 && c[0] == '.' && c[1] == '.'));
		c = s ? s + 1 : NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plugin_market m;
	struct plugin_manifest man;
	struct config_mcp_server *v;
	struct err e;
	size_t n;
	char *s, *rel;

	if (plugin_market_parse((const char *)data, size, &m, &e) == 0) {
		check(plugin_segment_valid(m.name));
		check(m.n <= PLUGIN_MAX_PER_MARKETPLACE);
		for (size_t i = 0; i < m.n; i++) {
			check(plugin_segment_valid(m.v[i].name));
			check_rel(m.v[i].path);
			check(m.v[i].path != NULL);
		}
		plugin_market_free(&m);
	}
	if (plugin_manifest_parse((const char *)data, size, &man, &e) == 0) {
		check(man.name != NULL);
		check_rel(man.skills);
		check_rel(man.mcp_servers);
		check_rel(man.apps);
		plugin_manifest_free(&man);
	}
	if (plugin_mcp_parse((const char *)data, size, "/plugin", &v, &n, &e) == 0) {
		check(n <= PLUGIN_MAX_MCP_SERVERS);
		for (size_t i = 0; i < n; i++) {
			check(v[i].name && *v[i].name && (v[i].command || v[i].url));
			config_mcp_server_free(&v[i]);
		}
		free(v);
	}
	{
		char sha[PLUGIN_SHA_MAX + 1];
		if (plugin_sha_parse((const char *)data, size, sha) == 0) {
			size_t len = strlen(sha);
			check(len == 40 || len == 64);
			check(strspn(sha, "0123456789abcdef") == len);
		}
	}
	if ((s = malloc(size + 1))) {
		memcpy(s, data, size);
		s[size] = '\0';
		rel = plugin_rel_path(s);
		check_rel(rel);
		free(rel);
		{
			struct strv ids = STRV_INIT;
			plugins_mentioned(s, NULL, &ids);
			check(ids.n <= PLUGIN_MAX_MENTIONS);
			for (size_t i = 0; i < ids.n; i++) {
				const char *at = strchr(ids.v[i], '@');
				check(at && plugin_segment_valid(at + 1));
			}
			strv_free(&ids);
		}
		free(s);
	}
	return 0;
}
