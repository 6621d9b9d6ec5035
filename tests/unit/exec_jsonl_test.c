/* `codex exec --json` (src/exec/jsonl.c): agent events in, upstream 0.118's JSONL out,
 * line by line, for the run recorded in shared/reference/codex-0.118-wire.md (a
 * failing command, a patch, a plan, a final message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "test.h"

static void feed(struct agent_subscriber *s, enum agent_event_kind k, const char *json)
{
	cJSON *m = cJSON_Parse(json);
	struct agent_event ev = {k, "1", m, NULL};

	REQUIRE(m != NULL);
	s->on_event(s->arg, &ev);
	cJSON_Delete(m);
}

TEST(exec_jsonl_matches_upstream_sequence)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct exec_front *f;
	struct agent_subscriber s;
	const char *want =
		"{\"type\":\"thread.started\",\"thread_id\":\"t-1\"}\n"
		"{\"type\":\"turn.started\"}\n"
		"{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\","
		"\"command\":\"/bin/bash -lc 'echo hi; exit 3'\",\"aggregated_output\":\"\","
		"\"exit_code\":null,\"status\":\"in_progress\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\","
		"\"command\":\"/bin/bash -lc 'echo hi; exit 3'\",\"aggregated_output\":\"hi\\n\","
		"\"exit_code\":3,\"status\":\"failed\"}}\n"
		"{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"file_change\","
		"\"changes\":[{\"path\":\"/w/new.txt\",\"kind\":\"add\"}],\"status\":\"in_progress\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"file_change\","
		"\"changes\":[{\"path\":\"/w/new.txt\",\"kind\":\"add\"}],\"status\":\"completed\"}}\n"
		"{\"type\":\"item.started\",\"item\":{\"id\":\"item_2\",\"type\":\"todo_list\","
		"\"items\":[{\"text\":\"a\",\"completed\":true},{\"text\":\"b\",\"completed\":false}]}}\n"
		"{\"type\":\"error\",\"message\":\"Reconnecting... 1/5 (cut)\"}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_3\",\"type\":\"agent_message\","
		"\"text\":\"All done.\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"todo_list\","
		"\"items\":[{\"text\":\"a\",\"completed\":true},{\"text\":\"b\",\"completed\":false}]}}\n"
		"{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":500,"
		"\"cached_input_tokens\":50,\"output_tokens\":100}}\n";

	REQUIRE(out != NULL);
	f = exec_front_new(true, false, out, stderr);
	REQUIRE(f != NULL);
	s = exec_front_subscriber(f);
	feed(&s, AGENT_EV_SESSION_CONFIGURED, "{\"type\":\"session_configured\",\"session_id\":\"t-1\"}");
	feed(&s, AGENT_EV_TASK_STARTED, "{\"type\":\"task_started\"}");
	feed(&s, AGENT_EV_EXEC_COMMAND_BEGIN, "{\"call_id\":\"c1\",\"command\":[\"/bin/bash\","
					      "\"-lc\",\"echo hi; exit 3\"],\"cwd\":\"/w\"}");
	feed(&s, AGENT_EV_EXEC_COMMAND_END, "{\"call_id\":\"c1\",\"aggregated_output\":\"hi\\n\","
					    "\"exit_code\":3}");
	feed(&s, AGENT_EV_PATCH_APPLY_BEGIN, "{\"call_id\":\"c2\",\"changes\":{\"/w/new.txt\":"
					     "{\"type\":\"add\",\"content\":\"x\\n\"}}}");
	feed(&s, AGENT_EV_PATCH_APPLY_END, "{\"call_id\":\"c2\",\"success\":true}");
	feed(&s, AGENT_EV_PLAN_UPDATE, "{\"plan\":[{\"step\":\"a\",\"status\":\"completed\"},"
				       "{\"step\":\"b\",\"status\":\"pending\"}]}");
	feed(&s, AGENT_EV_STREAM_ERROR, "{\"message\":\"Reconnecting... 1/5 (cut)\"}");
	feed(&s, AGENT_EV_AGENT_MESSAGE, "{\"message\":\"All done.\"}");
	feed(&s, AGENT_EV_TOKEN_COUNT, "{\"info\":{\"total_token_usage\":{\"input_tokens\":500,"
				       "\"cached_input_tokens\":50,\"output_tokens\":100,"
				       "\"total_tokens\":600}}}");
	feed(&s, AGENT_EV_TASK_COMPLETE, "{\"last_agent_message\":\"All done.\"}");
	fflush(out);
	CHECK_STR(text, want);
	CHECK(exec_front_done(f));
	CHECK(!exec_front_failed(f));
	CHECK_STR(exec_front_last_message(f), "All done.");
	exec_front_free(f);
	fclose(out);
	free(text);
}

TEST(exec_jsonl_error_turns_into_turn_failed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct exec_front *f = exec_front_new(true, false, out, stderr);
	struct agent_subscriber s = exec_front_subscriber(f);

	feed(&s, AGENT_EV_TASK_STARTED, "{}");
	feed(&s, AGENT_EV_ERROR, "{\"message\":\"unexpected status 401\"}");
	feed(&s, AGENT_EV_TASK_COMPLETE, "{\"last_agent_message\":null}");
	fflush(out);
	CHECK_STR(text, "{\"type\":\"turn.started\"}\n"
			"{\"type\":\"error\",\"message\":\"unexpected status 401\"}\n"
			"{\"type\":\"turn.failed\",\"error\":{\"message\":\"unexpected status 401\"}}\n");
	CHECK(exec_front_failed(f));
	exec_front_free(f);
	fclose(out);
	free(text);
}
