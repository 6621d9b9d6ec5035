/* update_plan: the plan is checked and reported (plan_update); the call in the history
 * is the plan, nothing else is kept. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"

const char *plan_args_check(const cJSON *args)
{
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(args, "plan"), *step;
	const cJSON *expl = cJSON_GetObjectItemCaseSensitive(args, "explanation");

	if (!cJSON_IsArray(plan))
		return "missing field `plan`";
	if (expl && !cJSON_IsString(expl) && !cJSON_IsNull(expl))
		return "`explanation` must be a string";
	cJSON_ArrayForEach(step, plan) {
		const char *s = args_str(step, "step"), *st = args_str(step, "status");
		if (!s || !st || (strcmp(st, "pending") != 0 && strcmp(st, "in_progress") != 0 &&
				  strcmp(st, "completed") != 0))
			return "each plan item needs a `step` and a `status` of pending, "
			       "in_progress or completed";
	}
	return NULL;
}

void tool_update_plan(struct tool_call *c)
{
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(c->args, "plan");
	const char *expl = args_str(c->args, "explanation"), *bad = plan_args_check(c->args);
	cJSON *m, *items;

	if (c->turn->a->turn_mode == AGENT_MODE_PLAN) {
		/* Upstream's answer: Plan mode is not the checklist. */
		tool_call_finish(c, strdup("update_plan is a TODO/checklist tool and is not "
					   "allowed in Plan mode"));
		return;
	}
	if (bad) {
		tool_call_finishf(c, "failed to parse function arguments: %s", bad);
		return;
	}
	m = cJSON_CreateObject();
	items = cJSON_Duplicate(plan, 1);
	if (m && items && (expl ? cJSON_AddStringToObject(m, "explanation", expl)
				: cJSON_AddNullToObject(m, "explanation")) &&
	    cJSON_AddItemToObject(m, "plan", items)) {
		items = NULL;
		agent_emit(c->turn->a, AGENT_EV_PLAN_UPDATE, m);
		m = NULL;
	}
	cJSON_Delete(items);
	cJSON_Delete(m);
	tool_call_finish(c, strdup("Plan updated"));
}
