/* Collaboration modes (agent.h): the mode of the next turn, the developer message that
 * tells the model about a change of mode, and request_user_input, the tool through which
 * a Plan-mode model asks the user to choose. The instructions are ours, carrying the
 * rules of upstream's templates (codex-rs/core/templates/collaboration_mode/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"

static const char plan_instructions[] =
	"# Plan Mode\n"
	"\n"
	"You are in Plan Mode until a developer message says otherwise. The user's wording "
	"does not change the mode: a request to carry something out is a request to plan "
	"how to carry it out.\n"
	"\n"
	"## What you may do\n"
	"\n"
	"Only non-mutating work that improves the plan: read and search files, inspect "
	"configuration, run builds, tests or checks that write nothing tracked by the "
	"repository. Do not edit files, apply patches, run formatters that rewrite files or "
	"anything else that does the work instead of planning it. `update_plan` is a "
	"checklist tool, not Plan Mode; it returns an error in Plan Mode.\n"
	"\n"
	"## How to work\n"
	"\n"
	"1. Explore first: answer from the environment whatever can be answered there. Never "
	"ask what a search could tell you.\n"
	"2. Settle intent: goal, success criteria, scope, constraints, preferences.\n"
	"3. Settle the implementation until no decision is left to the implementer: "
	"approach, interfaces, data flow, edge cases, tests.\n"
	"\n"
	"## Asking\n"
	"\n"
	"Ask with the `request_user_input` tool: one to three questions, each with two or "
	"three meaningful, mutually exclusive options, the recommended one first. Ask only "
	"what changes the plan, confirms an important assumption or picks between real "
	"tradeoffs. Without an answer, take the recommended option and list it as an "
	"assumption.\n"
	"\n"
	"## The plan\n"
	"\n"
	"When the plan is complete, present it once in a block whose tags stand on their own "
	"lines, exactly:\n"
	"\n"
	"<proposed_plan>\n"
	"plan in Markdown\n"
	"</proposed_plan>\n"
	"\n"
	"Keep it concise: a title, a short summary, the key changes grouped by behaviour, "
	"the tests, and the assumptions made. At most one such block per turn; a revised "
	"plan replaces the previous one entirely. Do not ask whether to proceed: the user "
	"switches mode to have it implemented.\n";

static const char default_instructions[] =
	"# Collaboration Mode: Default\n"
	"\n"
	"You are now in Default mode. Any earlier instructions for other modes (such as Plan "
	"mode) no longer apply; the known modes are Default and Plan.\n"
	"\n"
	"The `request_user_input` tool is unavailable in Default mode: calling it returns an "
	"error. Prefer reasonable assumptions and carrying out the user's request over "
	"stopping to ask. When a question is unavoidable (the answer cannot be found locally "
	"and guessing would be risky), ask it plainly in a short message; never write a "
	"multiple-choice question as a message.\n";

const char *agent_mode_kind(enum agent_mode m)
{
	return m == AGENT_MODE_PLAN ? "plan" : "default";
}

const char *agent_mode_display(enum agent_mode m)
{
	return m == AGENT_MODE_PLAN ? "Plan" : "Default";
}

void agent_set_mode(struct agent *a, enum agent_mode m)
{
	a->mode = m;
}

enum agent_mode agent_get_mode(const struct agent *a)
{
	return a->mode;
}

const char *collab_instructions(enum agent_mode m)
{
	return m == AGENT_MODE_PLAN ? plan_instructions : default_instructions;
}

const char *collab_effort(const struct agent *a)
{
	return a->turn_mode == AGENT_MODE_PLAN ? "medium" : a->effort;
}

cJSON *collab_turn_context(const struct agent *a)
{
	cJSON *m = cJSON_CreateObject(), *s;
	const char *effort = collab_effort(a);
	bool told = a->turn_mode != AGENT_MODE_DEFAULT || a->mode_told_default;

	if (m && cJSON_AddStringToObject(m, "mode", agent_mode_kind(a->turn_mode)) &&
	    (s = cJSON_AddObjectToObject(m, "settings")) &&
	    cJSON_AddStringToObject(s, "model", a->model) &&
	    (effort ? cJSON_AddStringToObject(s, "reasoning_effort", effort)
		    : cJSON_AddNullToObject(s, "reasoning_effort")) &&
	    (told ? cJSON_AddStringToObject(s, "developer_instructions",
					    collab_instructions(a->turn_mode))
		  : cJSON_AddNullToObject(s, "developer_instructions")))
		return m;
	cJSON_Delete(m);
	return NULL;
}

cJSON *collab_text_part(enum agent_mode m)
{
	const char *text = collab_instructions(m);
	static const char open[] = "<collaboration_mode>", close[] = "</collaboration_mode>";
	size_t len = sizeof open + strlen(text) + sizeof close;
	char *tagged = malloc(len);
	cJSON *part = cJSON_CreateObject();

	if (!tagged || !part || !cJSON_AddStringToObject(part, "type", "input_text")) {
		free(tagged);
		cJSON_Delete(part);
		return NULL;
	}
	snprintf(tagged, len, "%s%s%s", open, text, close);
	if (!cJSON_AddStringToObject(part, "text", tagged)) {
		cJSON_Delete(part);
		part = NULL;
	}
	free(tagged);
	return part;
}

int collab_initial(struct agent *a, cJSON *developer_message)
{
	cJSON *part = collab_text_part(AGENT_MODE_DEFAULT);
	cJSON *content = cJSON_GetObjectItemCaseSensitive(developer_message, "content");

	if (!part || !cJSON_AddItemToArray(content, part)) {
		cJSON_Delete(part);
		return -1;
	}
	a->mode_told = AGENT_MODE_DEFAULT;
	a->mode_told_default = true;
	return 0;
}

int collab_turn_start(struct agent *a, struct err *e)
{
	cJSON *m, *content, *part;

	a->turn_mode = a->mode;
	if (a->mode == a->mode_told)
		return 0;
	m = cJSON_CreateObject();
	part = collab_text_part(a->mode);
	if (!m || !part || !cJSON_AddStringToObject(m, "type", "message") ||
	    !cJSON_AddStringToObject(m, "role", "developer") ||
	    !(content = cJSON_AddArrayToObject(m, "content")) ||
	    !cJSON_AddItemToArray(content, part)) {
		cJSON_Delete(part);
		cJSON_Delete(m);
		return err_set(e, "out of memory");
	}
	history_add(a, m);
	a->mode_told = a->mode;
	if (a->mode == AGENT_MODE_DEFAULT)
		a->mode_told_default = true;
	return 0;
}

void collab_sync(struct agent *a)
{
	static const char tag[] = "<collaboration_mode>";
	const cJSON *item;

	/* The last mode message in the history is what the model was told (ours, or
	 * upstream's: both templates start their Plan text with "# Plan Mode"). */
	a->mode_told = AGENT_MODE_DEFAULT;
	a->mode_told_default = false;
	cJSON_ArrayForEach(item, a->history) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(item, "role"), *part;
		if (!cJSON_IsString(role) || strcmp(role->valuestring, "developer") != 0)
			continue;
		cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(item, "content")) {
			const char *t = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(part, "text"));
			if (!t || strncmp(t, tag, sizeof tag - 1) != 0)
				continue;
			t += sizeof tag - 1;
			a->mode_told = strncmp(t, "# Plan Mode", 11) == 0 ? AGENT_MODE_PLAN
									   : AGENT_MODE_DEFAULT;
			a->mode_told_default = a->mode_told == AGENT_MODE_DEFAULT;
		}
	}
}

/* ---- request_user_input ---- */

cJSON *collab_questions(const cJSON *args, const char **why)
{
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(args, "questions"), *q, *o;
	cJSON *out = cJSON_CreateArray(), *nq, *nopts, *no;
	int n = 0;

	*why = "out of memory";
	if (!out)
		return NULL;
	if (!cJSON_IsArray(qs)) {
		*why = "failed to parse function arguments: missing field `questions`";
		goto fail;
	}
	cJSON_ArrayForEach(q, qs) {
		const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
		const char *id = args_str(q, "id"), *header = args_str(q, "header");
		const char *text = args_str(q, "question");
		int k = 0;

		if (!id || !header || !text) {
			*why = "failed to parse function arguments: each question needs `id`, "
			       "`header` and `question` strings";
			goto fail;
		}
		if (!cJSON_IsArray(opts) || cJSON_GetArraySize(opts) == 0) {
			*why = "request_user_input requires non-empty options for every question";
			goto fail;
		}
		if (++n > AGENT_MAX_USER_QUESTIONS) {
			*why = "request_user_input takes at most 3 questions";
			goto fail;
		}
		nq = cJSON_CreateObject();
		if (!nq || !cJSON_AddItemToArray(out, nq) || !cJSON_AddStringToObject(nq, "id", id) ||
		    !cJSON_AddStringToObject(nq, "header", header) ||
		    !cJSON_AddStringToObject(nq, "question", text) ||
		    !cJSON_AddTrueToObject(nq, "isOther") ||
		    !cJSON_AddFalseToObject(nq, "isSecret") ||
		    !(nopts = cJSON_AddArrayToObject(nq, "options"))) {
			*why = "out of memory";
			goto fail;
		}
		cJSON_ArrayForEach(o, opts) {
			const char *label = args_str(o, "label"), *desc = args_str(o, "description");
			if (!label || !desc) {
				*why = "failed to parse function arguments: each option needs "
				       "`label` and `description` strings";
				goto fail;
			}
			if (++k > AGENT_MAX_USER_OPTIONS) {
				*why = "request_user_input takes at most 8 options per question";
				goto fail;
			}
			no = cJSON_CreateObject();
			if (!no || !cJSON_AddItemToArray(nopts, no) ||
			    !cJSON_AddStringToObject(no, "label", label) ||
			    !cJSON_AddStringToObject(no, "description", desc)) {
				*why = "out of memory";
				goto fail;
			}
		}
	}
	if (n == 0) {
		*why = "request_user_input needs at least one question";
		goto fail;
	}
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

void tool_request_user_input(struct tool_call *c)
{
	struct turn *t = c->turn;
	const char *why;
	cJSON *qs, *m;

	if (t->a->turn_mode != AGENT_MODE_PLAN) {
		tool_call_finishf(c, "request_user_input is unavailable in %s mode",
				  agent_mode_display(t->a->turn_mode));
		return;
	}
	if (!(qs = collab_questions(c->args, &why))) {
		tool_call_finish(c, strdup(why));
		return;
	}
	m = cJSON_CreateObject();
	if (!m || !cJSON_AddStringToObject(m, "call_id", c->call_id) ||
	    !cJSON_AddStringToObject(m, "turn_id", t->id) ||
	    !cJSON_AddItemToObject(m, "questions", qs)) {
		cJSON_Delete(qs);
		cJSON_Delete(m);
		tool_call_finish(c, NULL);
		return;
	}
	/* Nothing to cancel: an interrupt answers the call "aborted" (turn.c). */
	c->awaiting_user = true;
	agent_emit(t->a, AGENT_EV_REQUEST_USER_INPUT, m);
}

int agent_answer_user_input(struct agent *a, const char *call_id, const cJSON *response,
			    struct err *e)
{
	struct turn *t = a->turn;
	struct tool_call *c;

	for (size_t i = 0; t && (c = turn_call_at(t, i)); i++) {
		if (c->done || !c->awaiting_user || strcmp(c->call_id, call_id) != 0)
			continue;
		c->awaiting_user = false;
		tool_call_finish(c, cJSON_PrintUnformatted(response));
		return 0;
	}
	return err_set(e, "no request_user_input %s is pending", call_id);
}
