/* The tools the model is offered, as 0.118 declares them (names, parameters, required
 * fields, strict:false, additionalProperties:false; properties in alphabetical order,
 * as upstream serialises them). The descriptions are ours. */
#include <string.h>

#include "agent/internal.h"

/* The apply_patch grammar (Lark), reference codex-apply-patch.md. */
static const char patch_grammar[] =
	"start: begin_patch hunk+ end_patch\n"
	"begin_patch: \"*** Begin Patch\" LF\n"
	"end_patch: \"*** End Patch\" LF?\n"
	"\n"
	"hunk: add_hunk | delete_hunk | update_hunk\n"
	"add_hunk: \"*** Add File: \" filename LF add_line+\n"
	"delete_hunk: \"*** Delete File: \" filename LF\n"
	"update_hunk: \"*** Update File: \" filename LF change_move? change?\n"
	"\n"
	"filename: /(.+)/\n"
	"add_line: \"+\" /(.*)/ LF -> line\n"
	"\n"
	"change_move: \"*** Move to: \" filename LF\n"
	"change: (change_context | change_line)+ eof_line?\n"
	"change_context: (\"@@\" | \"@@ \" /(.+)/) LF\n"
	"change_line: (\"+\" | \"-\" | \" \") /(.*)/ LF\n"
	"eof_line: \"*** End of File\" LF\n"
	"\n"
	"%import common.LF\n";

static const char exec_command_json[] =
	"{\"type\":\"function\",\"name\":\"exec_command\","
	"\"description\":\"Run a shell command (through pipes, or a PTY when tty is true). "
	"Returns its output once it exits or when yield_time_ms has passed; a command still "
	"running keeps going in a session you can write to and read from with write_stdin.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"cmd\":{\"type\":\"string\",\"description\":\"The shell command to run.\"},"
	"\"justification\":{\"type\":\"string\",\"description\":\"Only with sandbox_permissions "
	"\\\"require_escalated\\\": one short question for the user saying why the command "
	"must run outside the sandbox.\"},"
	"\"login\":{\"type\":\"boolean\",\"description\":\"Run the shell as a login shell (-l). "
	"Default true.\"},"
	"\"max_output_tokens\":{\"type\":\"number\",\"description\":\"Most tokens of output to "
	"return; the middle of longer output is left out.\"},"
	"\"prefix_rule\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":"
	"\"Only with require_escalated: a short command prefix (e.g. [\\\"npm\\\", \\\"test\\\"]) "
	"the user could allow from now on.\"},"
	"\"sandbox_permissions\":{\"type\":\"string\",\"description\":\"\\\"use_default\\\" "
	"(the default) runs in the sandbox; \\\"require_escalated\\\" asks to run without "
	"it.\"},"
	"\"shell\":{\"type\":\"string\",\"description\":\"The shell binary. Default /bin/bash.\"},"
	"\"tty\":{\"type\":\"boolean\",\"description\":\"Give the command a terminal (PTY). "
	"Default false: plain pipes.\"},"
	"\"workdir\":{\"type\":\"string\",\"description\":\"Working directory; default the "
	"session's.\"},"
	"\"yield_time_ms\":{\"type\":\"number\",\"description\":\"How long to wait for the "
	"command before returning what it printed so far.\"}"
	"},\"required\":[\"cmd\"],\"additionalProperties\":false}}";

static const char write_stdin_json[] =
	"{\"type\":\"function\",\"name\":\"write_stdin\","
	"\"description\":\"Send characters to a running exec_command session and return the "
	"output it printed since the last call.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"chars\":{\"type\":\"string\",\"description\":\"Characters to write; empty just "
	"reads new output.\"},"
	"\"max_output_tokens\":{\"type\":\"number\",\"description\":\"Most tokens of output to "
	"return.\"},"
	"\"session_id\":{\"type\":\"number\",\"description\":\"The session ID exec_command "
	"returned.\"},"
	"\"yield_time_ms\":{\"type\":\"number\",\"description\":\"How long to wait for output "
	"before returning.\"}"
	"},\"required\":[\"session_id\"],\"additionalProperties\":false}}";

static const char update_plan_json[] =
	"{\"type\":\"function\",\"name\":\"update_plan\","
	"\"description\":\"Record the plan for the task: its steps, each pending, in_progress "
	"or completed (at most one in_progress), with an optional note on what changed.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"explanation\":{\"type\":\"string\"},"
	"\"plan\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"status\":{\"type\":\"string\",\"description\":\"pending, in_progress or "
	"completed\"},"
	"\"step\":{\"type\":\"string\"}},\"required\":[\"step\",\"status\"],"
	"\"additionalProperties\":false},\"description\":\"The steps, in order\"}"
	"},\"required\":[\"plan\"],\"additionalProperties\":false}}";

static const char request_user_input_json[] =
	"{\"type\":\"function\",\"name\":\"request_user_input\","
	"\"description\":\"Ask the user one to three short multiple-choice questions and wait "
	"for the answers. Only available in Plan mode.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"questions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"header\":{\"type\":\"string\",\"description\":\"A label of at most 12 "
	"characters.\"},"
	"\"id\":{\"type\":\"string\",\"description\":\"A snake_case identifier for the "
	"answer.\"},"
	"\"options\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"description\":{\"type\":\"string\",\"description\":\"One sentence on what choosing "
	"it means.\"},"
	"\"label\":{\"type\":\"string\",\"description\":\"One to five words.\"}},"
	"\"required\":[\"label\",\"description\"],\"additionalProperties\":false},"
	"\"description\":\"Two or three exclusive choices, the recommended one first with "
	"\\\"(Recommended)\\\" after its label; the user can always answer freely.\"},"
	"\"question\":{\"type\":\"string\",\"description\":\"The question, one sentence.\"}},"
	"\"required\":[\"id\",\"header\",\"question\",\"options\"],"
	"\"additionalProperties\":false},\"description\":\"The questions (one is best, three "
	"at most)\"}"
	"},\"required\":[\"questions\"],\"additionalProperties\":false}}";

static const char view_image_json[] =
	"{\"type\":\"function\",\"name\":\"view_image\","
	"\"description\":\"Look at an image file on the local disk (only for a full path the "
	"user gave you, when the image is not already in the conversation).\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"Path of the image file\"}"
	"},\"required\":[\"path\"],\"additionalProperties\":false}}";

static const char shell_json[] =
	"{\"type\":\"function\",\"name\":\"shell\","
	"\"description\":\"Run a command (an argv array, executed directly; use "
	"[\\\"bash\\\", \\\"-lc\\\", \\\"...\\\"] for a shell script) and return its output. Set "
	"workdir rather than using cd.\","
	"\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{"
	"\"command\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"The "
	"command and its arguments\"},"
	"\"justification\":{\"type\":\"string\",\"description\":\"Only with require_escalated: "
	"why the command must run outside the sandbox.\"},"
	"\"sandbox_permissions\":{\"type\":\"string\",\"description\":\"\\\"use_default\\\" or "
	"\\\"require_escalated\\\".\"},"
	"\"timeout_ms\":{\"type\":\"number\",\"description\":\"Time limit in milliseconds\"},"
	"\"workdir\":{\"type\":\"string\",\"description\":\"Working directory\"}"
	"},\"required\":[\"command\"],\"additionalProperties\":false}}";

static const char apply_patch_description[] =
	"Edit files with a patch in the apply_patch format. This is a FREEFORM tool: send the "
	"patch itself, not JSON.";

static bool add_json(cJSON *arr, const char *text)
{
	cJSON *o = cJSON_Parse(text);

	if (o && cJSON_AddItemToArray(arr, o))
		return true;
	cJSON_Delete(o);
	return false;
}

static bool feature_off(const struct agent *a, const char *name)
{
	const char *v = config_map_get(&a->cfg->features, name);
	return v && strcmp(v, "false") == 0;
}

static bool add_apply_patch(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject(), *fmt;

	if (!o || !cJSON_AddStringToObject(o, "type", "custom") ||
	    !cJSON_AddStringToObject(o, "name", "apply_patch") ||
	    !cJSON_AddStringToObject(o, "description", apply_patch_description) ||
	    !(fmt = cJSON_AddObjectToObject(o, "format")) ||
	    !cJSON_AddStringToObject(fmt, "type", "grammar") ||
	    !cJSON_AddStringToObject(fmt, "syntax", "lark") ||
	    !cJSON_AddStringToObject(fmt, "definition", patch_grammar) ||
	    !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	return true;
}

bool multi_agent_offered(const struct agent *a)
{
	/* A sub-agent at the depth limit gets no collaboration tools, as upstream. */
	return !a->reviewer && config_feature(a->cfg, "multi_agent", true) &&
	       a->depth < agent_max_depth(a);
}

cJSON *tools_spec(const struct agent *a)
{
	cJSON *arr = cJSON_CreateArray(), *ws;
	bool ok = arr != NULL;

	if (ok && a->family->shell_tool == MODEL_SHELL_EXEC_COMMAND)
		ok = add_json(arr, exec_command_json) && add_json(arr, write_stdin_json);
	else if (ok)
		ok = add_json(arr, shell_json);
	ok = ok && add_json(arr, update_plan_json) && add_json(arr, request_user_input_json);
	if (ok && a->family->patch_tool != MODEL_PATCH_NONE)
		ok = add_apply_patch(arr);
	if (ok && !a->reviewer && !feature_off(a, "web_search_request")) {
		ok = (ws = cJSON_CreateObject()) && cJSON_AddItemToArray(arr, ws) &&
		     cJSON_AddStringToObject(ws, "type", "web_search") &&
		     cJSON_AddFalseToObject(ws, "external_web_access");
	}
	if (ok && !feature_off(a, "view_image_tool"))
		ok = add_json(arr, view_image_json);
	if (ok && js_repl_enabled(a))
		ok = js_repl_specs_add(arr);
	if (ok && multi_agent_offered(a))
		ok = multi_agent_specs_add(arr);
	if (!ok) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}
