/* src/agent/collab: the mode messages a turn adds, the turn_context's
 * collaboration_mode, and request_user_input's argument check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "test.h"

static cJSON *args(const char *json)
{
	cJSON *j = cJSON_Parse(json);
	REQUIRE(j);
	return j;
}

TEST(collab_questions_keep_upstreams_fields_and_add_is_other)
{
	cJSON *in = args("{\"questions\":[{\"id\":\"db\",\"header\":\"Database\",\"question\":"
			 "\"Which one?\",\"options\":[{\"label\":\"SQLite\",\"description\":"
			 "\"One file.\"},{\"label\":\"Postgres\",\"description\":\"A server.\"}]}]}");
	const char *why = NULL;
	cJSON *q = collab_questions(in, &why);
	char *s;

	REQUIRE(q);
	s = cJSON_PrintUnformatted(q);
	CHECK_STR(s, "[{\"id\":\"db\",\"header\":\"Database\",\"question\":\"Which one?\","
		     "\"isOther\":true,\"isSecret\":false,\"options\":[{\"label\":\"SQLite\","
		     "\"description\":\"One file.\"},{\"label\":\"Postgres\",\"description\":"
		     "\"A server.\"}]}]");
	free(s);
	cJSON_Delete(q);
	cJSON_Delete(in);
}

static const char *why_of(const char *json)
{
	cJSON *in = args(json);
	const char *why = NULL;
	cJSON *q = collab_questions(in, &why);

	CHECK(q == NULL);
	cJSON_Delete(q);
	cJSON_Delete(in);
	return why ? why : "";
}

TEST(collab_questions_refuse_what_upstream_refuses_and_bound_the_rest)
{
	static const char opt[] = "{\"label\":\"a\",\"description\":\"b\"}";
	static const char q[] = "{\"id\":\"i\",\"header\":\"h\",\"question\":\"q\",\"options\":[%s]}";
	char one[256], many[4096], big[4096];
	size_t n;

	CHECK_STR(why_of("{}"), "failed to parse function arguments: missing field `questions`");
	CHECK_STR(why_of("{\"questions\":[]}"), "request_user_input needs at least one question");
	CHECK_STR(why_of("{\"questions\":[{\"id\":\"i\",\"header\":\"h\",\"question\":\"q\"}]}"),
		  "request_user_input requires non-empty options for every question");
	CHECK_STR(why_of("{\"questions\":[{\"id\":\"i\",\"header\":\"h\",\"question\":\"q\","
			 "\"options\":[]}]}"),
		  "request_user_input requires non-empty options for every question");
	CHECK(strstr(why_of("{\"questions\":[{\"id\":1,\"header\":\"h\",\"question\":\"q\","
			    "\"options\":[{\"label\":\"a\",\"description\":\"b\"}]}]}"),
		     "`id`") != NULL);
	CHECK(strstr(why_of("{\"questions\":[{\"id\":\"i\",\"header\":\"h\",\"question\":\"q\","
			    "\"options\":[{\"label\":\"a\"}]}]}"),
		     "`description`") != NULL);
	/* four questions: over the cap */
	snprintf(one, sizeof one, q, opt);
	snprintf(many, sizeof many, "{\"questions\":[%s,%s,%s,%s]}", one, one, one, one);
	CHECK_STR(why_of(many), "request_user_input takes at most 3 questions");
	/* nine options: over the cap */
	n = (size_t)snprintf(big, sizeof big, "{\"questions\":[{\"id\":\"i\",\"header\":\"h\","
				       "\"question\":\"q\",\"options\":[");
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "%s%s", i ? "," : "", opt);
	snprintf(big + n, sizeof big - n, "]}]}");
	CHECK_STR(why_of(big), "request_user_input takes at most 8 options per question");
}

static struct agent *fake_agent(void)
{
	struct agent *a = calloc(1, sizeof *a);

	REQUIRE(a);
	a->history = cJSON_CreateArray();
	a->model = strdup("gpt-5.3-codex");
	a->effort = strdup("high");
	REQUIRE(a->history && a->model && a->effort);
	return a;
}

static void fake_free(struct agent *a)
{
	cJSON_Delete(a->history);
	free(a->model);
	free(a->effort);
	free(a);
}

static const char *last_text(const struct agent *a)
{
	const cJSON *m = cJSON_GetArrayItem(a->history, cJSON_GetArraySize(a->history) - 1);
	const cJSON *part = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "content"), 0);

	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "role")), "developer");
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(part, "text"));
}

TEST(collab_a_change_of_mode_is_told_once_before_the_turn)
{
	struct agent *a = fake_agent();
	struct err e;
	cJSON *tc;
	char *s;

	/* a new thread in Default mode: nothing to tell (what codex exec sends) */
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 0);
	CHECK_STR(collab_effort(a), "high");
	tc = collab_turn_context(a);
	s = cJSON_PrintUnformatted(tc);
	CHECK_STR(s, "{\"mode\":\"default\",\"settings\":{\"model\":\"gpt-5.3-codex\","
		     "\"reasoning_effort\":\"high\",\"developer_instructions\":null}}");
	free(s);
	cJSON_Delete(tc);

	agent_set_mode(a, AGENT_MODE_PLAN);
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 1);
	CHECK(strncmp(last_text(a), "<collaboration_mode># Plan Mode", 31) == 0);
	CHECK(strstr(last_text(a), "</collaboration_mode>") != NULL);
	CHECK(strstr(last_text(a), "<proposed_plan>") != NULL);
	CHECK(strstr(last_text(a), "request_user_input") != NULL);
	CHECK_STR(collab_effort(a), "medium");
	tc = collab_turn_context(a);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(tc, "mode")), "plan");
	cJSON_Delete(tc);

	/* the same mode again: already told */
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 1);

	agent_set_mode(a, AGENT_MODE_DEFAULT);
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 2);
	CHECK(strncmp(last_text(a), "<collaboration_mode># Collaboration Mode: Default", 49) == 0);
	CHECK_STR(collab_effort(a), "high");
	fake_free(a);
}

TEST(collab_the_mode_told_is_read_back_from_a_replaced_history)
{
	struct agent *a = fake_agent();
	struct err e;

	/* an upstream Plan message, then a user message: the model was told Plan */
	cJSON_AddItemToArray(a->history, args("{\"type\":\"message\",\"role\":\"developer\","
					      "\"content\":[{\"type\":\"input_text\",\"text\":"
					      "\"<collaboration_mode># Plan Mode (Conversational)\\n..."
					      "</collaboration_mode>\"}]}"));
	collab_sync(a);
	CHECK(a->mode_told == AGENT_MODE_PLAN);
	REQUIRE(collab_turn_start(a, &e) == 0); /* Default now: it is told */
	CHECK_INT(cJSON_GetArraySize(a->history), 2);
	CHECK(strstr(last_text(a), "Collaboration Mode: Default") != NULL);
	collab_sync(a);
	CHECK(a->mode_told == AGENT_MODE_DEFAULT && a->mode_told_default);
	/* a history without mode messages (a compaction dropped them) */
	cJSON_Delete(a->history);
	a->history = cJSON_CreateArray();
	agent_set_mode(a, AGENT_MODE_PLAN);
	collab_sync(a);
	CHECK(a->mode_told == AGENT_MODE_DEFAULT && !a->mode_told_default);
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 1);
	CHECK(strstr(last_text(a), "# Plan Mode") != NULL);
	fake_free(a);
}

TEST(collab_a_tui_thread_says_default_in_its_first_developer_message)
{
	struct agent *a = fake_agent();
	cJSON *perm = args("{\"type\":\"message\",\"role\":\"developer\",\"content\":"
			   "[{\"type\":\"input_text\",\"text\":\"<permissions instructions>"
			   "</permissions instructions>\"}]}");
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(perm, "content");
	struct err e;

	REQUIRE(collab_initial(a, perm) == 0);
	CHECK_INT(cJSON_GetArraySize(parts), 2);
	CHECK(strncmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			      cJSON_GetArrayItem(parts, 1), "text")),
		      "<collaboration_mode># Collaboration Mode: Default", 49) == 0);
	/* a Default turn then has nothing to add; the turn_context carries the text */
	REQUIRE(collab_turn_start(a, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(a->history), 0);
	{
		cJSON *tc = collab_turn_context(a);
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(tc, "settings");
		CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(st, "developer_instructions")));
		cJSON_Delete(tc);
	}
	cJSON_Delete(perm);
	fake_free(a);
}

TEST(collab_mode_names)
{
	CHECK_STR(agent_mode_kind(AGENT_MODE_PLAN), "plan");
	CHECK_STR(agent_mode_kind(AGENT_MODE_DEFAULT), "default");
	CHECK_STR(agent_mode_display(AGENT_MODE_PLAN), "Plan");
	CHECK_STR(agent_mode_display(AGENT_MODE_DEFAULT), "Default");
}
