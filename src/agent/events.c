/* Events: upstream's EventMsg objects, handed to every subscriber in turn. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"

const char *agent_event_type(enum agent_event_kind k)
{
	switch (k) {
	case AGENT_EV_SESSION_CONFIGURED:
		return "session_configured";
	case AGENT_EV_TASK_STARTED:
		return "task_started";
	case AGENT_EV_USER_MESSAGE:
		return "user_message";
	case AGENT_EV_AGENT_MESSAGE_DELTA:
		return "agent_message_delta";
	case AGENT_EV_AGENT_MESSAGE:
		return "agent_message";
	case AGENT_EV_AGENT_REASONING_DELTA:
		return "agent_reasoning_delta";
	case AGENT_EV_AGENT_REASONING:
		return "agent_reasoning";
	case AGENT_EV_AGENT_REASONING_SECTION_BREAK:
		return "agent_reasoning_section_break";
	case AGENT_EV_EXEC_COMMAND_BEGIN:
		return "exec_command_begin";
	case AGENT_EV_EXEC_COMMAND_OUTPUT_DELTA:
		return "exec_command_output_delta";
	case AGENT_EV_EXEC_COMMAND_END:
		return "exec_command_end";
	case AGENT_EV_PATCH_APPLY_BEGIN:
		return "patch_apply_begin";
	case AGENT_EV_PATCH_APPLY_END:
		return "patch_apply_end";
	case AGENT_EV_TURN_DIFF:
		return "turn_diff";
	case AGENT_EV_PLAN_UPDATE:
		return "plan_update";
	case AGENT_EV_TOKEN_COUNT:
		return "token_count";
	case AGENT_EV_EXEC_APPROVAL_REQUEST:
		return "exec_approval_request";
	case AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST:
		return "apply_patch_approval_request";
	case AGENT_EV_WEB_SEARCH_BEGIN:
		return "web_search_begin";
	case AGENT_EV_WEB_SEARCH_END:
		return "web_search_end";
	case AGENT_EV_VIEW_IMAGE_TOOL_CALL:
		return "view_image_tool_call";
	case AGENT_EV_STREAM_ERROR:
		return "stream_error";
	case AGENT_EV_ERROR:
		return "error";
	case AGENT_EV_WARNING:
		return "warning";
	case AGENT_EV_BACKGROUND_EVENT:
		return "background_event";
	case AGENT_EV_MCP_STARTUP_UPDATE:
		return "mcp_startup_update";
	case AGENT_EV_MCP_STARTUP_COMPLETE:
		return "mcp_startup_complete";
	case AGENT_EV_MCP_TOOL_CALL_BEGIN:
		return "mcp_tool_call_begin";
	case AGENT_EV_MCP_TOOL_CALL_END:
		return "mcp_tool_call_end";
	case AGENT_EV_ELICITATION_REQUEST:
		return "elicitation_request";
	case AGENT_EV_TURN_ABORTED:
		return "turn_aborted";
	case AGENT_EV_TASK_COMPLETE:
		return "task_complete";
	case AGENT_EV_SHUTDOWN_COMPLETE:
		return "shutdown_complete";
	case AGENT_EV_CONTEXT_COMPACTED:
		return "context_compacted";
	case AGENT_EV_THREAD_ROLLED_BACK:
		return "thread_rolled_back";
	case AGENT_EV_THREAD_NAME_UPDATED:
		return "thread_name_updated";
	case AGENT_EV_REQUEST_USER_INPUT:
		return "request_user_input";
	case AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN:
		return "collab_agent_spawn_begin";
	case AGENT_EV_COLLAB_AGENT_SPAWN_END:
		return "collab_agent_spawn_end";
	case AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN:
		return "collab_agent_interaction_begin";
	case AGENT_EV_COLLAB_AGENT_INTERACTION_END:
		return "collab_agent_interaction_end";
	case AGENT_EV_COLLAB_WAITING_BEGIN:
		return "collab_waiting_begin";
	case AGENT_EV_COLLAB_WAITING_END:
		return "collab_waiting_end";
	case AGENT_EV_COLLAB_CLOSE_BEGIN:
		return "collab_close_begin";
	case AGENT_EV_COLLAB_CLOSE_END:
		return "collab_close_end";
	case AGENT_EV_COLLAB_RESUME_BEGIN:
		return "collab_resume_begin";
	case AGENT_EV_COLLAB_RESUME_END:
		return "collab_resume_end";
	case AGENT_EV_GUARDIAN_ASSESSMENT:
		return "guardian_assessment";
	}
	return "unknown";
}

char *agent_event_json(const struct agent_event *ev)
{
	cJSON *o = cJSON_CreateObject(), *msg = cJSON_Duplicate(ev->msg, 1);
	char *s = NULL;

	if (o && msg && cJSON_AddStringToObject(o, "id", ev->id ? ev->id : "") &&
	    cJSON_AddItemToObject(o, "msg", msg)) {
		msg = NULL;
		s = cJSON_PrintUnformatted(o);
	}
	cJSON_Delete(msg);
	cJSON_Delete(o);
	return s;
}

void agent_emit(struct agent *a, enum agent_event_kind k, cJSON *msg)
{
	struct agent_event ev;
	cJSON *type;

	if (!msg)
		msg = cJSON_CreateObject();
	if (!msg)
		return; /* out of memory: the event is lost, the turn goes on */
	/* "type" first, as upstream serialises the tag. */
	type = cJSON_CreateString(agent_event_type(k));
	if (type) {
		type->string = strdup("type");
		if (type->string) {
			type->next = msg->child;
			if (msg->child) {
				type->prev = msg->child->prev;
				msg->child->prev = type;
			} else {
				type->prev = type;
			}
			msg->child = type;
		} else {
			cJSON_Delete(type);
		}
	}
	record_event(a, msg);
	ev.kind = k;
	ev.id = a->turn ? a->turn->id : "";
	ev.msg = msg;
	ev.agent = a;
	/* A subscriber may add another one; those see the next event. */
	for (size_t i = 0, n = a->n_subs; i < n; i++)
		a->subs[i].on_event(a->subs[i].arg, &ev);
	cJSON_Delete(msg);
}

void agent_emit_text(struct agent *a, enum agent_event_kind k, const char *field,
		     const char *text)
{
	cJSON *m = cJSON_CreateObject();

	if (m && !cJSON_AddStringToObject(m, field, text ? text : "")) {
		cJSON_Delete(m);
		m = NULL;
	}
	if (m)
		agent_emit(a, k, m);
}

void agent_emit_exec_end(struct agent *a, cJSON *m, const char *output, int exit_code,
			 uint64_t ms, const char *formatted)
{
	cJSON *dur;

	if (m && cJSON_AddStringToObject(m, "stdout", output ? output : "") &&
	    cJSON_AddStringToObject(m, "stderr", "") &&
	    cJSON_AddStringToObject(m, "aggregated_output", output ? output : "") &&
	    cJSON_AddNumberToObject(m, "exit_code", exit_code) &&
	    (dur = cJSON_AddObjectToObject(m, "duration")) &&
	    cJSON_AddNumberToObject(dur, "secs", (double)(ms / 1000)) &&
	    cJSON_AddNumberToObject(dur, "nanos", (double)(ms % 1000 * 1000000)) &&
	    cJSON_AddStringToObject(m, "formatted_output", formatted ? formatted : ""))
		agent_emit(a, AGENT_EV_EXEC_COMMAND_END, m);
	else
		cJSON_Delete(m);
}
