/* The MCP resource tools (codex-mcp.md §4), declared whenever an MCP server is
 * configured: list_mcp_resources and list_mcp_resource_templates ({server?, cursor?}:
 * one page of one server, or every page of every ready server) and read_mcp_resource
 * ({server, uri}). Outputs are JSON: {"server"?, "resources" | "resourceTemplates",
 * "nextCursor"?} with each entry carrying its "server", and {"server", "uri", ...the
 * resources/read result}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"
#include "base/json.h"
#include "mcp/mcp.h"

/* Pages read from one server when listing everything: a server handing out cursors
 * forever must not hold the turn. */
#define MAX_RESOURCE_PAGES 64

static const char list_json[] =
	"{\"type\":\"function\",\"name\":\"list_mcp_resources\",\"description\":\"Lists resources "
	"provided by MCP servers. Resources allow servers to share data that provides context to "
	"language models, such as files, database schemas, or application-specific information. "
	"Prefer resources over web search when possible.\",\"strict\":false,\"parameters\":{"
	"\"type\":\"object\",\"properties\":{\"cursor\":{\"type\":\"string\",\"description\":"
	"\"Opaque cursor returned by a previous list_mcp_resources call for the same server.\"},"
	"\"server\":{\"type\":\"string\",\"description\":\"Optional MCP server name. When omitted, "
	"lists resources from every configured server.\"}},\"additionalProperties\":false}}";

static const char templates_json[] =
	"{\"type\":\"function\",\"name\":\"list_mcp_resource_templates\",\"description\":\"Lists "
	"resource templates provided by MCP servers. Parameterized resource templates allow "
	"servers to share data that takes parameters and provides context to language models, "
	"such as files, database schemas, or application-specific information. Prefer resource "
	"templates over web search when possible.\",\"strict\":false,\"parameters\":{"
	"\"type\":\"object\",\"properties\":{\"cursor\":{\"type\":\"string\",\"description\":"
	"\"Opaque cursor returned by a previous list_mcp_resource_templates call for the same "
	"server.\"},\"server\":{\"type\":\"string\",\"description\":\"Optional MCP server name. "
	"When omitted, lists resource templates from all configured servers.\"}},"
	"\"additionalProperties\":false}}";

static const char read_json[] =
	"{\"type\":\"function\",\"name\":\"read_mcp_resource\",\"description\":\"Read a specific "
	"resource from an MCP server given the server name and resource URI.\",\"strict\":false,"
	"\"parameters\":{\"type\":\"object\",\"properties\":{\"server\":{\"type\":\"string\","
	"\"description\":\"MCP server name exactly as configured. Must match the 'server' field "
	"returned by list_mcp_resources.\"},\"uri\":{\"type\":\"string\",\"description\":\"Resource "
	"URI to read. Must be one of the URIs returned by list_mcp_resources.\"}},"
	"\"required\":[\"server\",\"uri\"],\"additionalProperties\":false}}";

bool mcp_resource_specs_add(cJSON *tools)
{
	const char *specs[] = {list_json, templates_json, read_json};

	for (size_t i = 0; i < 3; i++) {
		cJSON *o = cJSON_Parse(specs[i]);
		if (!o || !cJSON_AddItemToArray(tools, o)) {
			cJSON_Delete(o);
			return false;
		}
	}
	return true;
}

bool tool_is_mcp_resource(const struct agent *a, const char *name)
{
	return a->mcp && (strcmp(name, "list_mcp_resources") == 0 ||
			  strcmp(name, "list_mcp_resource_templates") == 0 ||
			  strcmp(name, "read_mcp_resource") == 0);
}

struct rstate {
	const char *method;        /* resources/list, resources/templates/list, resources/read */
	const char *key;           /* "resources" or "resourceTemplates" */
	bool all;                  /* every ready server, every page */
	size_t server_i;           /* all: the server being listed */
	char *server;              /* the server of the request in flight */
	char *cursor;
	unsigned pages;
	cJSON *out;                /* the payload being built */
	cJSON *items;              /* its list */
	struct mcp_call *call;
};

static void rstate_free(struct rstate *st)
{
	if (!st)
		return;
	mcp_call_cancel(st->call);
	free(st->server);
	free(st->cursor);
	cJSON_Delete(st->out);
	free(st);
}

static void free_state(struct tool_call *c)
{
	rstate_free(c->state);
	c->state = NULL;
}

static void done_text(struct tool_call *c, char *text)
{
	rstate_free(c->state);
	c->state = NULL;
	tool_call_finish(c, text);
}

static void done_msg(struct tool_call *c, const char *fmt, const char *a1, const char *a2)
{
	char msg[ERR_MSG_MAX + 256];

	snprintf(msg, sizeof msg, fmt, a1, a2 ? a2 : "");
	done_text(c, strdup(msg));
}

static void cancel(struct tool_call *c)
{
	done_text(c, strdup("aborted"));
}

static void on_answer(void *arg, const cJSON *result, const char *error);

/* Sends the next request; false when there is nothing left to ask. */
static bool next_request(struct tool_call *c)
{
	struct rstate *st = c->state;
	cJSON *params = cJSON_CreateObject();
	struct err e;

	err_clear(&e);
	if (!params || (st->cursor && !cJSON_AddStringToObject(params, "cursor", st->cursor))) {
		cJSON_Delete(params);
		done_text(c, NULL);
		return true;
	}
	st->call = mcp_manager_request(c->turn->a->mcp, st->server, st->method, params, on_answer,
				       c, &e);
	cJSON_Delete(params);
	if (!st->call)
		done_msg(c, "%s failed: %s", st->method, e.msg);
	return true;
}

/* all: on to the next ready server, or the payload is complete. */
static void next_server(struct tool_call *c)
{
	struct rstate *st = c->state;
	const char *name = mcp_manager_ready_server(c->turn->a->mcp, st->server_i++);

	free(st->server);
	free(st->cursor);
	st->server = name ? strdup(name) : NULL;
	st->cursor = NULL;
	st->pages = 0;
	if (!name) {
		done_text(c, json_print(st->out, false));
		return;
	}
	if (!st->server) {
		done_text(c, NULL);
		return;
	}
	next_request(c);
}

static void on_answer(void *arg, const cJSON *result, const char *error)
{
	struct tool_call *c = arg;
	struct rstate *st = c->state;
	const cJSON *list, *x;
	const char *next;

	st->call = NULL;
	if (!result && st->all) {
		/* Listing everything: a server without resources is skipped. */
		next_server(c);
		return;
	}
	if (!result) {
		done_msg(c, "%s failed: %s", st->method, error ? error : "cancelled");
		return;
	}
	if (strcmp(st->method, "resources/read") == 0) {
		/* {"server", "uri", ...result} */
		cJSON_ArrayForEach(x, result)
			if (strcmp(x->string, "server") != 0 && strcmp(x->string, "uri") != 0)
				cJSON_AddItemToObject(st->out, x->string, cJSON_Duplicate(x, 1));
		done_text(c, json_print(st->out, false));
		return;
	}
	list = cJSON_GetObjectItemCaseSensitive(result, st->key);
	cJSON_ArrayForEach(x, list) {
		cJSON *entry = cJSON_CreateObject(), *f;
		if (!entry || !cJSON_IsObject(x) || !cJSON_AddStringToObject(entry, "server", st->server)) {
			cJSON_Delete(entry);
			continue;
		}
		cJSON_ArrayForEach(f, x)
			if (strcmp(f->string, "server") != 0)
				cJSON_AddItemToObject(entry, f->string, cJSON_Duplicate(f, 1));
		cJSON_AddItemToArray(st->items, entry);
	}
	next = json_get_str(result, "nextCursor");
	if (!st->all) {
		if (next && !cJSON_AddStringToObject(st->out, "nextCursor", next)) {
			done_text(c, NULL);
			return;
		}
		done_text(c, json_print(st->out, false));
		return;
	}
	/* Every page, unless the server repeats a cursor or never stops. */
	if (next && *next && ++st->pages < MAX_RESOURCE_PAGES &&
	    !(st->cursor && strcmp(st->cursor, next) == 0)) {
		free(st->cursor);
		st->cursor = strdup(next);
		if (!st->cursor) {
			done_text(c, NULL);
			return;
		}
		next_request(c);
		return;
	}
	next_server(c);
}

void tool_mcp_resource(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const char *n = c->name, *server = args_str(c->args, "server");
	const char *cursor = args_str(c->args, "cursor"), *uri = args_str(c->args, "uri");
	struct rstate *st = calloc(1, sizeof *st);

	if (!st) {
		tool_call_finish(c, NULL);
		return;
	}
	c->state = st;
	c->cancel = cancel;
	c->free_state = free_state;
	st->out = cJSON_CreateObject();
	if (!st->out) {
		done_text(c, NULL);
		return;
	}
	if (server && !*server)
		server = NULL;
	if (cursor && !*cursor)
		cursor = NULL;
	if (strcmp(n, "read_mcp_resource") == 0) {
		st->method = "resources/read";
		if (!server || !uri || !*uri) {
			done_text(c, strdup("failed to parse function arguments: `server` and `uri` are "
					    "required"));
			return;
		}
		if (!cJSON_AddStringToObject(st->out, "server", server) ||
		    !cJSON_AddStringToObject(st->out, "uri", uri) || !(st->server = strdup(server))) {
			done_text(c, NULL);
			return;
		}
		{
			cJSON *params = cJSON_CreateObject();
			struct err e;
			err_clear(&e);
			if (!params || !cJSON_AddStringToObject(params, "uri", uri)) {
				cJSON_Delete(params);
				done_text(c, NULL);
				return;
			}
			st->call = mcp_manager_request(a->mcp, server, st->method, params, on_answer, c, &e);
			cJSON_Delete(params);
			if (!st->call)
				done_msg(c, "resources/read failed: %s%s", e.msg, NULL);
		}
		return;
	}
	st->method = strcmp(n, "list_mcp_resources") == 0 ? "resources/list"
							   : "resources/templates/list";
	st->key = strcmp(n, "list_mcp_resources") == 0 ? "resources" : "resourceTemplates";
	if (cursor && !server) {
		done_text(c, strdup("cursor can only be used when a server is specified"));
		return;
	}
	if (server && !cJSON_AddStringToObject(st->out, "server", server)) {
		done_text(c, NULL);
		return;
	}
	if (!(st->items = cJSON_AddArrayToObject(st->out, st->key))) {
		done_text(c, NULL);
		return;
	}
	if (!server) {
		st->all = true;
		next_server(c);
		return;
	}
	if (!(st->server = strdup(server)) || (cursor && !(st->cursor = strdup(cursor)))) {
		done_text(c, NULL);
		return;
	}
	next_request(c);
}
