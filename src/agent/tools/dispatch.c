/* From a tool call item to the tool that runs it: the name, the arguments decoded
 * (a clear error to the model when they are not a JSON object), unknown tools
 * answered as upstream answers them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"

/* Decodes a function call's arguments; on failure finishes the call with the reason. */
static bool decode_args(struct tool_call *c)
{
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(c->item, "arguments");
	const char *text = cJSON_IsString(raw) ? raw->valuestring : "{}";
	char why[160];

	if (tool_args_parse(text, strlen(text), &c->args, why, sizeof why) < 0) {
		tool_call_failf(c, "failed to parse function arguments: %s", why);
		return false;
	}
	return true;
}

void tools_dispatch(struct tool_call *c)
{
	const char *n = c->name;

	/* Upstream's router: only the model's own calls are refused, not codex.tool's. */
	if (!c->on_finish && js_repl_tools_only(c->turn->a) && strcmp(n, "js_repl") != 0 &&
	    strcmp(n, "js_repl_reset") != 0) {
		tool_call_fail(c, strdup("direct tool calls are disabled; use js_repl and "
					 "codex.tool(...) instead"));
		return;
	}
	if (c->kind == TOOL_CUSTOM) {
		if (strcmp(n, "apply_patch") == 0) {
			struct agent *a = c->turn->a;
			const char *in = c->input ? c->input : "";
			tool_apply_patch_in(c, in, strlen(in), a->cwd);
		} else if (strcmp(n, "js_repl") == 0) {
			tool_js_repl(c);
		} else {
			tool_call_failf(c, "unsupported custom tool call: %s", n);
		}
		return;
	}
	if (c->kind == TOOL_LOCAL_SHELL) {
		tool_shell(c);
		return;
	}
	/* MCP tools read their arguments themselves (blank means none). */
	if (tool_is_mcp(c->turn->a, n)) {
		tool_mcp(c);
		return;
	}
	if (!decode_args(c))
		return;
	if (tool_is_mcp_resource(c->turn->a, n))
		tool_mcp_resource(c);
	else if (strcmp(n, "exec_command") == 0)
		uexec_exec_command(c);
	else if (strcmp(n, "write_stdin") == 0)
		uexec_write_stdin(c);
	else if (strcmp(n, "shell") == 0 || strcmp(n, "container.exec") == 0 ||
		 strcmp(n, "shell_command") == 0)
		tool_shell(c);
	else if (strcmp(n, "update_plan") == 0)
		tool_update_plan(c);
	else if (strcmp(n, "view_image") == 0)
		tool_view_image(c);
	else if (tool_is_multi_agent(n) && multi_agent_offered(c->turn->a))
		tool_multi_agent(c);
	else if (strcmp(n, "js_repl_reset") == 0 || strcmp(n, "js_repl") == 0)
		tool_js_repl(c);
	else if (strcmp(n, "request_user_input") == 0)
		tool_request_user_input(c);
	else if (strcmp(n, "apply_patch") == 0) {
		const char *in = args_str(c->args, "input");
		if (!in)
			tool_call_fail(c, strdup("failed to parse function arguments: missing field "
						 "`input`"));
		else
			tool_apply_patch_in(c, in, strlen(in), c->turn->a->cwd);
	} else
		tool_call_failf(c, "unsupported call: %s", n);
}
