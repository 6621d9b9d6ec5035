/* src/agent/rollout: upstream's line format both ways, lazy creation, durability rules,
 * torn lines, compaction, finding sessions. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/rollout.h"
#include "base/buf.h"
#include "base/json.h"
#include "test.h"

#define UPSTREAM_SAMPLE                                                                    \
	"tests/data/rollout/rollout-2026-12-04T16-51-30-01a241f7-d4d6-7781-a2a4-02a3ccd18b7a." \
	"jsonl"
#define UPSTREAM_ID "01a241f7-d4d6-7781-a2a4-02a3ccd18b7a"

static cJSON *J(const char *text)
{
	struct err e;
	cJSON *j = json_parse(text, strlen(text), "test", &e);

	if (!j) {
		test_fail(__FILE__, __LINE__, "bad test JSON: %s", e.msg);
		test_abort();
	}
	return j;
}

static void record_item(struct rollout_writer *w, const char *json)
{
	struct err e;
	cJSON *j = J(json);

	CHECK(rollout_record_item(w, j, &e) == 0);
	cJSON_Delete(j);
}

static void record_event(struct rollout_writer *w, const char *json)
{
	struct err e;
	cJSON *j = J(json);

	CHECK(rollout_record_event(w, j, &e) == 0);
	cJSON_Delete(j);
}

static const struct rollout_meta META = {
	"0192f0aa-bbcc-7000-8000-000000000001", "/work/project", "codex_exec", "0.1.0", "exec",
	"openai", "You are a coding agent.", NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};

static char *item_json(const cJSON *arr, int i)
{
	return json_print(cJSON_GetArrayItem(arr, i), false);
}

TEST(rollout_round_trip_in_upstreams_format)
{
	const char *home = test_tmpdir();
	struct rollout_writer *w;
	struct rollout_session s;
	struct err e;
	struct stat st;
	char *got, *text;
	cJSON *tc = J("{\"cwd\":\"/work/project\",\"approval_policy\":\"never\","
		      "\"sandbox_policy\":{\"type\":\"read-only\"},\"model\":\"m\",\"summary\":\"auto\"}");

	REQUIRE(rollout_writer_new(home, &META, &w, &e) == 0);
	record_event(w, "{\"type\":\"task_started\",\"turn_id\":\"t1\"}");
	record_item(w, "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
		       "\"input_text\",\"text\":\"<environment_context>\\n  <cwd>/w</cwd>\\n"
		       "</environment_context>\"}]}");
	REQUIRE(rollout_record_turn_context(w, tc, &e) == 0);
	record_item(w, "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
		       "\"input_text\",\"text\":\"fix it\"}]}");
	record_event(w, "{\"type\":\"user_message\",\"message\":\"fix it\",\"images\":[]}");
	/* Deltas and exec begin/end are not persisted. */
	record_event(w, "{\"type\":\"agent_message_delta\",\"delta\":\"x\"}");
	record_event(w, "{\"type\":\"exec_command_begin\",\"call_id\":\"c\"}");
	record_item(w, "{\"type\":\"function_call\",\"name\":\"exec_command\",\"arguments\":"
		       "\"{\\\"cmd\\\":\\\"ls\\\"}\",\"call_id\":\"call_1\"}");
	record_item(w, "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":"
		       "\"é\\n\\u0001\"}");
	record_event(w, "{\"type\":\"agent_message\",\"message\":\"Done.\"}");
	REQUIRE(rollout_flush(w, &e) == 0);

	/* The path: sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl, 0600. */
	char *path = strdup(rollout_writer_path(w));
	const char *name = strrchr(path, '/') + 1;
	CHECK(strncmp(path, home, strlen(home)) == 0);
	CHECK(strncmp(path + strlen(home), "/sessions/20", 12) == 0);
	CHECK(strlen(name) == strlen("rollout-2026-12-04T16-51-30-") + 36 + 6);
	CHECK(strcmp(name + strlen(name) - 43, "-0192f0aa-bbcc-7000-8000-000000000001.jsonl") == 0);
	CHECK(name[18] == 'T' && name[21] == '-' && name[24] == '-');
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);

	/* The lines, as upstream writes them. */
	text = test_read_file(path);
	CHECK(strncmp(text, "{\"timestamp\":\"20", 16) == 0);
	CHECK_CONTAINS(text, "Z\",\"type\":\"session_meta\",\"payload\":{\"id\":"
			     "\"0192f0aa-bbcc-7000-8000-000000000001\",\"timestamp\":\"20");
	CHECK_CONTAINS(text, "\",\"cwd\":\"/work/project\",\"originator\":\"codex_exec\","
			     "\"cli_version\":\"0.1.0\",\"source\":\"exec\",\"model_provider\":"
			     "\"openai\",\"base_instructions\":{\"text\":\"You are a coding "
			     "agent.\"},\"git\":{}}}\n");
	CHECK_CONTAINS(text, "\"type\":\"turn_context\",\"payload\":{\"cwd\":\"/work/project\"");
	CHECK_CONTAINS(text, "\"output\":\"é\\n\\u0001\"}}\n");
	CHECK(strstr(text, "agent_message_delta") == NULL);
	CHECK(strstr(text, "exec_command_begin") == NULL);
	free(text);
	rollout_writer_free(w);

	REQUIRE(rollout_read(path, &s, &e) == 0);
	CHECK_STR(rollout_session_id(&s), META.id);
	CHECK_STR(json_get_str(s.meta, "cwd"), "/work/project");
	CHECK_INT(cJSON_GetArraySize(s.history), 4);
	CHECK_INT(cJSON_GetArraySize(s.events), 3);
	CHECK_INT(s.skipped, 0);
	got = item_json(s.history, 3);
	CHECK_STR(got, "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":"
		       "\"é\\n\\u0001\"}");
	free(got);
	CHECK_STR(json_get_str(s.turn_context, "approval_policy"), "never");
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.events, 2), "message"), "Done.");
	rollout_session_free(&s);
	cJSON_Delete(tc);
	free(path);
}

TEST(rollout_is_created_lazily)
{
	const char *home = test_tmpdir();
	struct rollout_writer *w;
	struct err e;
	char sessions[4200];
	struct stat st;

	REQUIRE(rollout_writer_new(home, &META, &w, &e) == 0);
	CHECK(rollout_flush(w, &e) == 0);
	/* An ignored event does not create it either. */
	record_event(w, "{\"type\":\"exec_command_output_delta\"}");
	rollout_writer_free(w);
	snprintf(sessions, sizeof sessions, "%s/sessions", home);
	CHECK(stat(sessions, &st) < 0);
}

TEST(rollout_torn_and_bad_lines_are_skipped)
{
	const char *home = test_tmpdir();
	struct rollout_writer *w;
	struct rollout_session s;
	struct err e;
	int fd;

	REQUIRE(rollout_writer_new(home, &META, &w, &e) == 0);
	record_item(w, "{\"type\":\"message\",\"role\":\"user\",\"content\":[]}");
	record_item(w, "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}");
	REQUIRE(rollout_flush(w, &e) == 0);
	/* A crash in the middle of a write: half a line, no newline. */
	fd = open(rollout_writer_path(w), O_WRONLY | O_APPEND);
	REQUIRE(fd >= 0);
	CHECK(write(fd, "{\"timestamp\":\"2026-", 19) == 19);
	close(fd);
	REQUIRE(rollout_read(rollout_writer_path(w), &s, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(s.history), 2);
	CHECK_INT(s.skipped, 1);
	rollout_session_free(&s);
	rollout_writer_free(w);

	/* Garbage in the middle and lines of the wrong shape are skipped too; blank lines
	 * and CRLF endings are fine. */
	const char *text =
		"{\"timestamp\":\"t\",\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}\r\n"
		"\n"
		"not json\n"
		"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"no\":\"type\"}}\n"
		"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":[1]}\n"
		"{\"timestamp\":\"t\",\"type\":\"future_kind\",\"payload\":{}}\n"
		"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
		"\"role\":\"user\",\"content\":[]}}\n";
	REQUIRE(rollout_parse(text, strlen(text), &s, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(s.history), 1);
	CHECK_INT(s.skipped, 3);
	CHECK_INT(s.lines, 6);
	rollout_session_free(&s);

	CHECK(rollout_parse("not a rollout\n", 14, &s, &e) < 0);
	CHECK_CONTAINS(e.msg, "no session_meta line");
}

static const char *HEAD =
	"{\"timestamp\":\"t\",\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}\n"
	"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
	"\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"<permissions "
	"instructions>p</permissions instructions>\"}]}}\n"
	"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
	"\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"<environment_context>"
	"</environment_context>\"}]}}\n"
	"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
	"\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"first ask\"}]}}\n"
	"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\","
	"\"name\":\"n\",\"arguments\":\"{}\",\"call_id\":\"c\"}}\n"
	"{\"timestamp\":\"t\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
	"\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"second ask\"}]}}\n";

TEST(rollout_compacted_replaces_history)
{
	struct rollout_session s;
	struct err e;
	char *text, *got;

	/* With replacement_history (what newer writers record). */
	if (asprintf(&text, "%s{\"timestamp\":\"t\",\"type\":\"compacted\",\"payload\":{\"message\":"
			    "\"sum\",\"replacement_history\":[{\"type\":\"message\",\"role\":\"user\","
			    "\"content\":[{\"type\":\"input_text\",\"text\":\"only\"}]}]}}\n",
		     HEAD) < 0)
		test_abort();
	REQUIRE(rollout_parse(text, strlen(text), &s, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(s.history), 1);
	rollout_session_free(&s);
	free(text);

	/* Without: the initial context, the user messages, the summary; later lines append. */
	if (asprintf(&text, "%s{\"timestamp\":\"t\",\"type\":\"compacted\",\"payload\":{\"message\":"
			    "\"the summary\"}}\n{\"timestamp\":\"t\",\"type\":\"response_item\","
			    "\"payload\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}\n",
		     HEAD) < 0)
		test_abort();
	REQUIRE(rollout_parse(text, strlen(text), &s, &e) == 0);
	REQUIRE(cJSON_GetArraySize(s.history) == 6);
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.history, 0), "role"), "developer");
	got = item_json(s.history, 2);
	CHECK_STR(got, "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
		       "\"input_text\",\"text\":\"first ask\"}]}");
	free(got);
	got = item_json(s.history, 4);
	CHECK_CONTAINS(got, "\"text\":\"the summary\"");
	free(got);
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.history, 5), "role"), "assistant");
	rollout_session_free(&s);
	free(text);
}

/* Backtrack: thread_rolled_back{num_turns} drops that many user turns (each from its user
 * message on) from the history and from the events shown on resume; the initial context
 * stays, and a count beyond the turns drops them all. */
TEST(rollout_thread_rolled_back_drops_turns)
{
	struct rollout_session s;
	struct err e;
	char *text;
	static const char *ev =
		"{\"timestamp\":\"t\",\"type\":\"event_msg\",\"payload\":{\"type\":\"user_message\","
		"\"message\":\"%s\"}}\n";
	char ev1[256], ev2[256];

	snprintf(ev1, sizeof ev1, ev, "first ask");
	snprintf(ev2, sizeof ev2, ev, "second ask");
	if (asprintf(&text, "%s%s%s{\"timestamp\":\"t\",\"type\":\"event_msg\",\"payload\":{\"type\":"
			    "\"thread_rolled_back\",\"num_turns\":1}}\n", HEAD, ev1, ev2) < 0)
		test_abort();
	REQUIRE(rollout_parse(text, strlen(text), &s, &e) == 0);
	/* developer, environment, "first ask", its function_call */
	CHECK_INT(cJSON_GetArraySize(s.history), 4);
	CHECK_INT(rollout_user_turns(s.history), 1);
	/* events: the first user_message, then the rollback itself */
	CHECK_INT(cJSON_GetArraySize(s.events), 2);
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.events, 0), "message"), "first ask");
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.events, 1), "type"), "thread_rolled_back");
	rollout_drop_turns(s.history, NULL, 5);
	CHECK_INT(cJSON_GetArraySize(s.history), 2);
	CHECK_INT(rollout_user_turns(s.history), 0);
	rollout_session_free(&s);
	free(text);
}

TEST(rollout_compaction_keeps_recent_user_messages_within_budget)
{
	struct buf b;
	struct rollout_session s;
	struct err e;
	char big[30001];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b, 1 << 24);
	REQUIRE(buf_puts(&b, "{\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}\n") == 0);
	for (int i = 0; i < 4; i++) {
		big[0] = (char)('0' + i);
		REQUIRE(buf_printf(&b, "{\"type\":\"response_item\",\"payload\":{\"type\":"
				       "\"message\",\"role\":\"user\",\"content\":[{\"type\":"
				       "\"input_text\",\"text\":\"%s\"}]}}\n",
				   big) == 0);
	}
	REQUIRE(buf_puts(&b, "{\"type\":\"compacted\",\"payload\":{\"message\":\"s\"}}\n") == 0);
	REQUIRE(rollout_parse(b.data, b.len, &s, &e) == 0);
	/* 80 000 bytes of budget: the last two whole, the one before cut to 20 000. */
	REQUIRE(cJSON_GetArraySize(s.history) == 4);
	const char *t = json_get_str(
		cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(s.history, 0), "content"), 0),
		"text");
	CHECK(t && t[0] == '1' && strlen(t) == 20000);
	rollout_session_free(&s);
	buf_free(&b);
}

/* A session file with this start day ("YYYY/MM/DD"), time, id, cwd and maybe a user
 * message. */
static void make_session(const char *day, const char *time, const char *id, const char *cwd,
			 const char *user)
{
	char rel[512], content[2048], dashed[11];

	snprintf(dashed, sizeof dashed, "%s", day);
	dashed[4] = dashed[7] = '-';
	snprintf(rel, sizeof rel, "sessions/%s/rollout-%sT%s-%s.jsonl", day, dashed, time, id);
	snprintf(content, sizeof content,
		 "{\"timestamp\":\"t\",\"type\":\"session_meta\",\"payload\":{\"id\":\"%s\","
		 "\"timestamp\":\"%s\",\"cwd\":\"%s\"}}\n%s",
		 id, dashed, cwd,
		 user ? "{\"timestamp\":\"t\",\"type\":\"event_msg\",\"payload\":{\"type\":"
			"\"user_message\",\"message\":\"hello there\"}}\n"
		      : "");
	test_write_file(rel, content);
}

#define ID1 "00000000-0000-7000-8000-000000000001"
#define ID2 "00000000-0000-7000-8000-000000000002"
#define ID3 "00000000-0000-7000-8000-000000000003"
#define ID4 "00000000-0000-7000-8000-000000000004"

TEST(rollout_find_and_list_newest_first)
{
	const char *home = test_tmpdir();
	struct rollout_summary *list;
	size_t n;
	struct err e;
	char *path;

	/* Directories are YYYY/MM/DD; names sort by time within a day. */
	make_session("2025/12/31", "23-59-59", ID1, "/a", "yes");
	make_session("2026/01/02", "08-00-00", ID2, "/b", "yes");
	make_session("2026/01/02", "09-30-00", ID3, "/a", "yes");
	make_session("2026/01/03", "10-00-00", ID4, "/a", NULL); /* no user message */
	test_write_file("sessions/2026/01/03/notes.txt", "x");
	test_write_file("sessions/archive/rollout-x.jsonl", "x");

	REQUIRE(rollout_list(home, NULL, 10, &list, &n, &e) == 0);
	REQUIRE(n == 3);
	CHECK_STR(list[0].id, ID3);
	CHECK_STR(list[1].id, ID2);
	CHECK_STR(list[2].id, ID1);
	CHECK_STR(list[0].first_user_message, "hello there");
	CHECK_STR(list[0].cwd, "/a");
	CHECK_STR(list[0].timestamp, "2026-01-02");
	rollout_summaries_free(list, n);

	REQUIRE(rollout_find_last(home, NULL, &path, &e) == 1);
	CHECK_CONTAINS(path, ID3);
	free(path);
	REQUIRE(rollout_find_last(home, "/b", &path, &e) == 1);
	CHECK_CONTAINS(path, ID2);
	free(path);
	CHECK_INT(rollout_find_last(home, "/c", &path, &e), 0);

	REQUIRE(rollout_find_by_id(home, ID1, &path, &e) == 1);
	CHECK_CONTAINS(path, "/sessions/2025/12/31/rollout-2025-12-31T23-59-59-" ID1 ".jsonl");
	free(path);
	/* Any case; the session without a user message is still found by id. */
	REQUIRE(rollout_find_by_id(home, "00000000-0000-7000-8000-00000000000A", &path, &e) == 0);
	REQUIRE(rollout_find_by_id(home, "00000000-0000-7000-8000-000000000004", &path, &e) == 1);
	free(path);
	CHECK(rollout_find_by_id(home, "0000", &path, &e) < 0);
	CHECK_CONTAINS(e.msg, "is not a session id");
	CHECK(rollout_find_by_id(home, "../../../../etc/passwd-00000000-0000-7000", &path, &e) < 0);
	/* No sessions at all. */
	CHECK_INT(rollout_find_last("/nonexistent-codex-home", NULL, &path, &e), 0);
}

TEST(rollout_reads_upstreams_file_and_resumes_it)
{
	const char *top = getenv("CODEX_TOP");
	char src[4200], *sample, *got;
	struct rollout_session s;
	struct rollout_writer *w;
	struct err e;
	const char *home = test_tmpdir();
	const char *path;

	snprintf(src, sizeof src, "%s/" UPSTREAM_SAMPLE, top ? top : ".");
	sample = test_read_file(src);
	REQUIRE(sample);
	path = test_write_file("sessions/2026/12/04/rollout-2026-12-04T16-51-30-" UPSTREAM_ID
			       ".jsonl",
			       sample);
	REQUIRE(rollout_read(path, &s, &e) == 0);
	CHECK_STR(rollout_session_id(&s), UPSTREAM_ID);
	CHECK_STR(json_get_str(s.meta, "originator"), "codex_exec");
	CHECK_STR(json_get_str(s.meta, "cli_version"), "0.118.0");
	CHECK_INT(s.skipped, 0);
	CHECK_INT(cJSON_GetArraySize(s.history), 9);
	CHECK_INT(cJSON_GetArraySize(s.events), 15);
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.history, 0), "role"), "developer");
	CHECK_STR(json_get_str(cJSON_GetArrayItem(s.history, 3), "encrypted_content"), "enc-abc");
	/* Replayed items are upstream's bytes: field order and nulls kept. */
	got = item_json(s.history, 3);
	CHECK_STR(got, "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":"
		       "\"Thinking about it\"}],\"content\":null,\"encrypted_content\":\"enc-abc\"}");
	free(got);
	CHECK_STR(json_get_str(s.turn_context, "approval_policy"), "never");
	rollout_session_free(&s);

	/* Found as upstream finds it, and appended to as a resume does. */
	char *found;
	REQUIRE(rollout_find_by_id(home, UPSTREAM_ID, &found, &e) == 1);
	CHECK_STR(found, path);
	free(found);
	REQUIRE(rollout_find_last(home, "/work/project", &found, &e) == 1);
	free(found);
	REQUIRE(rollout_writer_open(path, &w, &e) == 0);
	record_item(w, "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
		       "\"input_text\",\"text\":\"third\"}]}");
	REQUIRE(rollout_flush(w, &e) == 0);
	rollout_writer_free(w);
	REQUIRE(rollout_read(path, &s, &e) == 0);
	CHECK_INT(cJSON_GetArraySize(s.history), 10);
	rollout_session_free(&s);
	got = test_read_file(path);
	CHECK(strncmp(got, sample, strlen(sample)) == 0);
	free(got);
	free(sample);
}

TEST(rollout_write_failure_sticks)
{
	struct rollout_writer *w;
	struct err e;
	cJSON *j = J("{\"type\":\"message\",\"role\":\"user\",\"content\":[]}");

	if (access("/dev/full", W_OK) != 0) {
		cJSON_Delete(j);
		return; /* no /dev/full here */
	}
	REQUIRE(rollout_writer_open("/dev/full", &w, &e) == 0);
	CHECK(rollout_record_item(w, j, &e) < 0);
	CHECK_CONTAINS(e.msg, "cannot write /dev/full");
	CHECK(rollout_record_item(w, j, &e) < 0);
	CHECK(rollout_flush(w, &e) < 0);
	rollout_writer_free(w);
	cJSON_Delete(j);
}

TEST(rollout_parse_survives_allocation_failures)
{
	FOR_EACH_ALLOC_FAILURE(2000, {
		struct rollout_session s;
		struct err e;
		char *text;
		if (asprintf(&text, "%s{\"type\":\"compacted\",\"payload\":{\"message\":\"m\"}}\n",
			     HEAD) >= 0) {
			if (rollout_parse(text, strlen(text), &s, &e) == 0) {
				CHECK_INT(cJSON_GetArraySize(s.history), 5);
				rollout_session_free(&s);
			}
			free(text);
		}
	});
}

/* The record of a command the user ran (`!cmd`) is not a user turn: backtrack and
 * compaction count only what the user said to the model. */
TEST(rollout_user_shell_record_is_not_a_user_turn)
{
	cJSON *h = cJSON_Parse(
		"[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		"\"text\":\"<user_shell_command>\\n<command>\\nls\\n</command>\\n<result>\\n"
		"</result>\\n</user_shell_command>\"}]},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		"\"text\":\"ask\"}]}]");

	REQUIRE(h != NULL);
	CHECK_INT(rollout_user_turns(h), 1);
	cJSON_Delete(h);
}

/* Nor is the file of a skill a prompt mentioned (`$name`): it belongs to that turn. */
TEST(rollout_skill_message_is_not_a_user_turn)
{
	cJSON *h = cJSON_Parse(
		"[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		"\"text\":\"use $deploy\"}]},"
		"{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
		"\"text\":\"<skill>\\n<name>deploy</name>\\n<path>/s/SKILL.md</path>\\nbody\\n"
		"</skill>\"}]}]");

	REQUIRE(h != NULL);
	CHECK_INT(rollout_user_turns(h), 1);
	cJSON_Delete(h);
}

/* A sub-agent's session file: its source names its parent. */
static void make_child(const char *day, const char *time, const char *id, const char *parent,
		       const char *nickname)
{
	char rel[512], content[2048], dashed[11];

	snprintf(dashed, sizeof dashed, "%s", day);
	dashed[4] = dashed[7] = '-';
	snprintf(rel, sizeof rel, "sessions/%s/rollout-%sT%s-%s.jsonl", day, dashed, time, id);
	snprintf(content, sizeof content,
		 "{\"timestamp\":\"t\",\"type\":\"session_meta\",\"payload\":{\"id\":\"%s\","
		 "\"cwd\":\"/a\",\"source\":{\"subagent\":{\"thread_spawn\":{"
		 "\"parent_thread_id\":\"%s\",\"depth\":1,\"agent_path\":null,"
		 "\"agent_nickname\":%s%s%s,\"agent_role\":null}}}}}\n",
		 id, parent, nickname ? "\"" : "", nickname ? nickname : "null",
		 nickname ? "\"" : "");
	test_write_file(rel, content);
}

/* v7 ids: the first 48 bits are the milliseconds of their creation. */
#define PARENT "01900000-0000-7000-8000-000000000001"
#define KID_A "01900000-1000-7000-8000-00000000000a"
#define KID_B "01900000-2000-7000-8000-00000000000b"
#define OTHER "01900000-1800-7000-8000-00000000000c"
#define ANCIENT "018f0000-0000-7000-8000-00000000000d" /* ~49 days before PARENT */

TEST(rollout_list_children_in_spawn_order)
{
	const char *home = test_tmpdir();
	struct rollout_child *c;
	size_t n;
	struct err e;

	make_session("2026/01/02", "08-00-00", PARENT, "/a", "yes");
	make_child("2026/01/02", "08-00-04", KID_A, PARENT, "Euclid");
	make_child("2026/01/02", "08-00-06", OTHER, ID2, "Hypatia");
	make_child("2026/01/02", "08-00-08", KID_B, PARENT, NULL);
	/* Older than its claimed parent by more than a day: the walk has stopped before. */
	make_child("2025/11/01", "08-00-00", ANCIENT, PARENT, "Ptolemy");
	test_write_file("sessions/2026/01/02/rollout-2026-01-02T09-00-00-torn.jsonl", "{\"ty");

	REQUIRE(rollout_list_children(home, PARENT, 10, &c, &n, &e) == 0);
	REQUIRE(n == 2);
	CHECK_STR(c[0].id, KID_A);
	CHECK_STR(c[0].nickname, "Euclid");
	CHECK(c[0].role == NULL);
	CHECK_CONTAINS(c[0].path, KID_A ".jsonl");
	CHECK_STR(c[1].id, KID_B);
	CHECK(c[1].nickname == NULL);
	rollout_children_free(c, n);

	/* at most max, the newest kept */
	REQUIRE(rollout_list_children(home, PARENT, 1, &c, &n, &e) == 0);
	REQUIRE(n == 1);
	CHECK_STR(c[0].id, KID_B);
	rollout_children_free(c, n);

	REQUIRE(rollout_list_children(home, ID2, 10, &c, &n, &e) == 0);
	REQUIRE(n == 1);
	CHECK_STR(c[0].id, OTHER);
	rollout_children_free(c, n);
	REQUIRE(rollout_list_children(home, KID_A, 10, &c, &n, &e) == 0);
	CHECK_INT((int)n, 0);
	rollout_children_free(c, n);
	REQUIRE(rollout_list_children("/nonexistent-codex-home", PARENT, 10, &c, &n, &e) == 0);
	CHECK_INT((int)n, 0);
	rollout_children_free(c, n);
}

TEST(rollout_ends_mid_turn_as_upstreams_fork_snapshot)
{
	const char *turn;
	cJSON *ev;

	ev = J("[]");
	CHECK(!rollout_ends_mid_turn(ev, &turn));
	cJSON_Delete(ev);
	/* a finished turn, then one that started and never ended */
	ev = J("[{\"type\":\"task_started\",\"turn_id\":\"t1\"},{\"type\":\"user_message\","
	       "\"message\":\"a\"},{\"type\":\"task_complete\"},{\"type\":\"task_started\","
	       "\"turn_id\":\"t2\"},{\"type\":\"user_message\",\"message\":\"b\"},"
	       "{\"type\":\"agent_message\",\"message\":\"half\"}]");
	CHECK(rollout_ends_mid_turn(ev, &turn));
	CHECK_STR(turn, "t2");
	cJSON_Delete(ev);
	/* aborted and completed turns are boundaries */
	ev = J("[{\"type\":\"task_started\",\"turn_id\":\"t1\"},{\"type\":\"turn_aborted\","
	       "\"reason\":\"interrupted\"}]");
	CHECK(!rollout_ends_mid_turn(ev, &turn));
	CHECK(turn == NULL);
	cJSON_Delete(ev);
	ev = J("[{\"type\":\"turn_started\"},{\"type\":\"turn_complete\"}]");
	CHECK(!rollout_ends_mid_turn(ev, &turn));
	cJSON_Delete(ev);
	/* no lifecycle events: a user message with nothing closing it is mid-turn */
	ev = J("[{\"type\":\"user_message\",\"message\":\"a\"}]");
	CHECK(rollout_ends_mid_turn(ev, &turn));
	CHECK(turn == NULL);
	cJSON_Delete(ev);
}

TEST(rollout_turn_aborted_marker_is_not_a_user_turn)
{
	cJSON *h = J("[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
		     "\"input_text\",\"text\":\"hello\"}]}]");
	cJSON *m = rollout_turn_aborted_marker();
	const char *text;

	REQUIRE(m != NULL);
	text = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(m, "content"), 0), "text"));
	REQUIRE(text != NULL);
	CHECK(strncmp(text, "<turn_aborted>\n", 15) == 0);
	CHECK_CONTAINS(text, "</turn_aborted>");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(m, "role")), "user");
	cJSON_AddItemToArray(h, m);
	CHECK_INT((int)rollout_user_turns(h), 1);
	cJSON_Delete(h);
}
