/* Fuzz target: the ChatGPT apps directory parser (src/agent/apps.c) over the bytes, page
 * after page into one list (as the directory's pages are read), and the codex_apps tool
 * names (src/mcp/names.c) over them as strings. Whatever is accepted must hold what the
 * header promises: ids within AGENT_APPS_ID_MAX and unique, names present, at most
 * AGENT_APPS_MAX apps; a tool name within the model's 64 bytes of [A-Za-z0-9_]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "mcp/mcp.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agent_apps l = {0};
	struct err e;
	char *next = NULL, *s, *q;

	for (int page = 0; page < 2; page++) {
		if (agent_apps_directory_parse((const char *)data, size, &l, &next, &e) < 0)
			break;
		check(!next || strlen(next) <= AGENT_APPS_TEXT_MAX);
		free(next);
		next = NULL;
	}
	check(l.n <= AGENT_APPS_MAX);
	for (size_t i = 0; i < l.n; i++) {
		check(l.v[i].id && *l.v[i].id && strlen(l.v[i].id) <= AGENT_APPS_ID_MAX);
		check(l.v[i].name && *l.v[i].name);
		check(!l.v[i].description || strlen(l.v[i].description) <= AGENT_APPS_TEXT_MAX);
		for (size_t j = 0; j < i; j++)
			check(strcmp(l.v[i].id, l.v[j].id) != 0);
	}
	agent_apps_free(&l);
	if ((s = malloc(size + 1))) {
		memcpy(s, data, size);
		s[size] = '\0';
		q = mcp_apps_qualified_name(s, size > 3 ? s + 3 : NULL, size > 1 ? s + 1 : NULL);
		check(q != NULL);
		check(strlen(q) <= MCP_MAX_TOOL_NAME);
		for (const char *p = q; *p; p++)
			check((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '_');
		free(q);
		free(s);
	}
	return 0;
}
