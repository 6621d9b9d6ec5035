/* The automatic approval reviewer's pure parts (guardian_parse.c, guardian_prompt.c):
 * reading its answer as upstream 0.118 does, with our limits; cutting long text; the
 * transcript and action it is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/utf8.h"
#include "test.h"

static int parse(const char *s, struct guardian_assessment *g, struct err *e)
{
	return guardian_parse_assessment(s, strlen(s), g, e);
}

TEST(guardian_reads_a_strict_answer)
{
	struct guardian_assessment g;
	struct err e;

	REQUIRE(parse("{\"risk_level\":\"low\",\"risk_score\":12,\"rationale\":\"routine build\","
		      "\"evidence\":[{\"message\":\"make\",\"why\":\"asked for\"}]}", &g, &e) == 0);
	CHECK_INT(g.level, GUARDIAN_RISK_LOW);
	CHECK_INT(g.score, 12);
	CHECK_STR(g.rationale, "routine build");
	CHECK_INT(g.n_evidence, 1);
	CHECK(guardian_approves(&g));
	CHECK_STR(guardian_risk_str(g.level), "low");
}

TEST(guardian_threshold_is_80_whatever_the_level)
{
	struct guardian_assessment g;
	struct err e;

	REQUIRE(parse("{\"risk_level\":\"medium\",\"risk_score\":79,\"rationale\":\"\","
		      "\"evidence\":[]}", &g, &e) == 0);
	CHECK(guardian_approves(&g));
	REQUIRE(parse("{\"risk_level\":\"medium\",\"risk_score\":80,\"rationale\":\"\","
		      "\"evidence\":[]}", &g, &e) == 0);
	CHECK(!guardian_approves(&g));
	/* Upstream decides on the score alone: a "high" level scored low is approved. */
	REQUIRE(parse("{\"risk_level\":\"high\",\"risk_score\":5,\"rationale\":\"\","
		      "\"evidence\":[]}", &g, &e) == 0);
	CHECK(guardian_approves(&g));
}

TEST(guardian_finds_the_object_inside_prose)
{
	struct guardian_assessment g;
	struct err e;

	REQUIRE(parse("Here it is:\n{\"risk_level\":\"high\",\"risk_score\":95,\"rationale\":"
		      "\"deletes {everything}\",\"evidence\":[]}\nThanks.", &g, &e) == 0);
	CHECK_INT(g.score, 95);
	CHECK_STR(g.rationale, "deletes {everything}");
	CHECK(!guardian_approves(&g));
}

TEST(guardian_refuses_malformed_answers_as_high_risk)
{
	static const char *const bad[] = {
		"",
		"Looks fine.",
		"{}",
		"{\"risk_level\":\"low\",\"risk_score\":10,\"rationale\":\"x\"}", /* no evidence */
		"{\"risk_level\":\"none\",\"risk_score\":10,\"rationale\":\"x\",\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":-1,\"rationale\":\"x\",\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":101,\"rationale\":\"x\",\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":1.5,\"rationale\":\"x\",\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":\"1\",\"rationale\":\"x\",\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":1,\"rationale\":7,\"evidence\":[]}",
		"{\"risk_level\":\"low\",\"risk_score\":1,\"rationale\":\"x\",\"evidence\":[1]}",
		"{\"risk_level\":\"low\",\"risk_score\":1,\"rationale\":\"x\",\"evidence\":[]",
		"[{\"risk_level\":\"low\"}]",
		NULL,
	};
	struct guardian_assessment g;
	struct err e;

	for (size_t i = 0; bad[i]; i++) {
		err_clear(&e);
		CHECK(parse(bad[i], &g, &e) < 0);
		CHECK(e.msg[0] != '\0');
		CHECK_INT(g.score, 100);
		CHECK_INT(g.level, GUARDIAN_RISK_HIGH);
		CHECK(!guardian_approves(&g));
	}
	CHECK(guardian_parse_assessment(NULL, 0, &g, &e) < 0);
	CHECK_CONTAINS(e.msg, "without an assessment");
}

TEST(guardian_answer_limits)
{
	struct guardian_assessment g;
	struct err e;
	size_t big = GUARDIAN_MAX_ANSWER_BYTES + 1, n;
	char *s = malloc(big + 1), *ev;

	REQUIRE(s != NULL);
	memset(s, ' ', big);
	s[big] = '\0';
	CHECK(guardian_parse_assessment(s, big, &g, &e) < 0);
	CHECK_CONTAINS(e.msg, "longer than");
	/* A long rationale is cut on a character boundary. */
	n = (size_t)snprintf(s, big, "{\"risk_level\":\"low\",\"risk_score\":1,\"rationale\":\"");
	for (size_t i = 0; i < 1500; i++)
		memcpy(s + n + 2 * i, "\xc3\xa9", 2); /* é: 3000 bytes */
	n += 3000;
	n += (size_t)snprintf(s + n, big - n, "\",\"evidence\":[]}");
	REQUIRE(guardian_parse_assessment(s, n, &g, &e) == 0);
	CHECK_INT(strlen(g.rationale), GUARDIAN_MAX_RATIONALE_BYTES);
	CHECK(utf8_valid(g.rationale, strlen(g.rationale)));
	/* Too many evidence items. */
	n = (size_t)snprintf(s, big, "{\"risk_level\":\"low\",\"risk_score\":1,\"rationale\":\"\","
				     "\"evidence\":[");
	ev = s + n;
	for (int i = 0; i <= GUARDIAN_MAX_EVIDENCE; i++)
		ev += snprintf(ev, 64, "%s{\"message\":\"m\",\"why\":\"w\"}", i ? "," : "");
	memcpy(ev, "]}", 3);
	CHECK(parse(s, &g, &e) < 0);
	free(s);
}

TEST(guardian_truncate_keeps_both_ends)
{
	char text[100], *t;

	memset(text, 'a', 50);
	memset(text + 50, 'z', 49);
	text[99] = '\0';
	t = guardian_truncate(text, 99, 200);
	REQUIRE(t != NULL);
	CHECK_STR(t, text);
	free(t);
	t = guardian_truncate(text, 99, 60);
	REQUIRE(t != NULL);
	CHECK(strlen(t) <= 60);
	CHECK(t[0] == 'a');
	CHECK(t[strlen(t) - 1] == 'z');
	CHECK_CONTAINS(t, "<truncated omitted_approx_tokens=\"10\" />");
	free(t);
	/* No room for text: the marker alone. */
	t = guardian_truncate(text, 99, 10);
	REQUIRE(t != NULL);
	CHECK_CONTAINS(t, "<truncated");
	free(t);
}

static cJSON *msg(const char *role, const char *type, const char *text)
{
	char buf[512];

	snprintf(buf, sizeof buf,
		 "{\"type\":\"message\",\"role\":\"%s\",\"content\":[{\"type\":\"%s\",\"text\":\"%s\"}]}",
		 role, type, text);
	return cJSON_Parse(buf);
}

static char *input_text(const cJSON *input)
{
	const cJSON *m = cJSON_GetArrayItem(input, 0), *p;
	size_t n = 0;
	char *s = calloc(1, 1 << 20);

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(m, "content")) {
		const char *t = cJSON_GetObjectItemCaseSensitive(p, "text")->valuestring;
		memcpy(s + n, t, strlen(t));
		n += strlen(t);
	}
	return s;
}

TEST(guardian_prompt_has_the_users_words_and_the_action)
{
	struct agent a;
	cJSON *action = cJSON_Parse("{\"tool\":\"shell\",\"command\":[\"rm\",\"-rf\",\"/tmp/x\"]}");
	cJSON *in;
	char *text;

	memset(&a, 0, sizeof a);
	a.history = cJSON_CreateArray();
	cJSON_AddItemToArray(a.history, msg("developer", "input_text", "<permissions instructions>"));
	cJSON_AddItemToArray(a.history, msg("user", "input_text", "<environment_context>cwd</environment_context>"));
	cJSON_AddItemToArray(a.history, msg("user", "input_text", "clean the temp dir"));
	cJSON_AddItemToArray(a.history, msg("assistant", "output_text", "I will remove it."));
	cJSON_AddItemToArray(a.history, cJSON_Parse("{\"type\":\"function_call\",\"call_id\":\"c1\","
						    "\"name\":\"shell\",\"arguments\":\"{}\"}"));
	cJSON_AddItemToArray(a.history, cJSON_Parse("{\"type\":\"function_call_output\",\"call_id\":"
						    "\"c1\",\"output\":\"done\"}"));
	in = guardian_prompt_input(&a, action, "command failed; retry without sandbox?");
	REQUIRE(in != NULL);
	text = input_text(in);
	CHECK_CONTAINS(text, "[1] user: clean the temp dir");
	CHECK_CONTAINS(text, "[2] assistant: I will remove it.");
	CHECK_CONTAINS(text, "[3] tool shell call: {}");
	CHECK_CONTAINS(text, "[4] tool shell result: done");
	CHECK(strstr(text, "environment_context") == NULL); /* the harness's, not the user's */
	CHECK(strstr(text, "permissions instructions") == NULL);
	CHECK_CONTAINS(text, "command failed; retry without sandbox?");
	CHECK_CONTAINS(text, "\"tool\": \"shell\"");
	CHECK_CONTAINS(text, "\"command\": [\"rm\", \"-rf\", \"/tmp/x\"]");
	free(text);
	cJSON_Delete(in);
	cJSON_Delete(action);
	cJSON_Delete(a.history);
}

TEST(guardian_prompt_omits_a_transcript_over_budget)
{
	struct agent a;
	cJSON *action = cJSON_Parse("{\"tool\":\"shell\"}"), *in;
	char *big = malloc(GUARDIAN_MESSAGE_ENTRY_BYTES), *text;

	REQUIRE(big != NULL);
	memset(big, 'u', GUARDIAN_MESSAGE_ENTRY_BYTES - 1);
	big[GUARDIAN_MESSAGE_ENTRY_BYTES - 1] = '\0';
	memset(&a, 0, sizeof a);
	a.history = cJSON_CreateArray();
	/* Six user messages of a full entry each: more than the 10,000-token budget. */
	for (int i = 0; i < 6; i++) {
		cJSON *m = msg("user", "input_text", "x");
		cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(
					     cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "content"), 0),
					     "text"),
				     big);
		cJSON_AddItemToArray(a.history, m);
	}
	in = guardian_prompt_input(&a, action, NULL);
	REQUIRE(in != NULL);
	text = input_text(in);
	CHECK(strstr(text, "uuuu") == NULL);
	CHECK_CONTAINS(text, "transcript left out");
	free(text);
	free(big);
	cJSON_Delete(in);
	cJSON_Delete(action);
	cJSON_Delete(a.history);
}
