/* A tool call's arguments as the model sends them (src/agent/tools): any bytes either
 * decode to a JSON object whose fields every tool reads without trouble (typed reads
 * with defaults and clamps, update_plan's and request_user_input's checks), or give
 * one clear reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/tools/tools.h"

static const char *const keys[] = {
	"cmd", "workdir", "shell", "login", "tty", "yield_time_ms", "max_output_tokens",
	"sandbox_permissions", "justification", "prefix_rule", "session_id", "chars",
	"command", "timeout_ms", "timeout", "path", "input", "plan", "explanation",
	"questions",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *args = NULL;
	char why[160];
	volatile int64_t sink = 0;

	if (tool_args_parse((const char *)data, size, &args, why, sizeof why) < 0) {
		if (args || !why[0] || strchr(why, '\n'))
			abort(); /* a failure leaves nothing behind and says why, on one line */
		return 0;
	}
	if (!cJSON_IsObject(args))
		abort();
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *s = args_str(args, keys[i]);
		int64_t v = args_int(args, keys[i], 300, 250, 30000); /* a default in range */
		if (v < 250 || v > 30000)
			abort();
		sink += v + args_bool(args, keys[i], true) + (s ? (int64_t)strlen(s) : 0);
	}
	(void)plan_args_check(args);
	{
		/* request_user_input: the questions within their caps, or one reason */
		const char *reason = NULL;
		cJSON *qs = collab_questions(args, &reason), *q;
		int nq = 0;
		if (!qs && (!reason || !*reason || strchr(reason, '\n')))
			abort();
		cJSON_ArrayForEach(q, qs) {
			int no = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "options"));
			if (++nq > AGENT_MAX_USER_QUESTIONS || no < 1 || no > AGENT_MAX_USER_OPTIONS)
				abort();
		}
		if (qs && nq == 0)
			abort();
		cJSON_Delete(qs);
	}
	(void)sink;
	cJSON_Delete(args);
	return 0;
}
