/* src/agent/session_index: upstream's session_index.jsonl (thread names) both ways, the
 * newest entry winning, bad and cut lines, and a fork's rollout copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/rollout.h"
#include "agent/session_index.h"
#include "base/json.h"
#include "test.h"

#define ID1 "0192f0aa-bbcc-7000-8000-000000000001"
#define ID2 "0192f0aa-bbcc-7000-8000-000000000002"

TEST(session_index_newest_entry_wins_by_id_and_by_name)
{
	static const char text[] =
		"{\"id\":\"" ID1 "\",\"thread_name\":\"first\",\"updated_at\":\"2024-01-01T00:00:00Z\"}\n"
		"{\"id\":\"" ID2 "\",\"thread_name\":\"same\",\"updated_at\":\"2024-01-02T00:00:00Z\"}\n"
		"{\"id\":\"" ID1 "\",\"thread_name\":\"same\",\"updated_at\":\"2024-01-03T00:00:00Z\"}\r\n";
	struct session_names n = {STRV_INIT, STRV_INIT};

	REQUIRE(session_index_parse(text, sizeof text - 1, &n) == 0);
	CHECK_INT(n.ids.n, 3);
	CHECK_STR(session_names_name(&n, ID1), "same");
	CHECK_STR(session_names_name(&n, ID2), "same");
	/* ids compare in any case, as uuids do */
	CHECK_STR(session_names_name(&n, "0192F0AA-BBCC-7000-8000-000000000002"), "same");
	CHECK_STR(session_names_id(&n, "same"), ID1);
	CHECK(session_names_id(&n, "first") && strcmp(session_names_id(&n, "first"), ID1) == 0);
	CHECK(session_names_name(&n, "0192f0aa-bbcc-7000-8000-000000000003") == NULL);
	CHECK(session_names_id(&n, "nobody") == NULL);
	session_names_free(&n);
}

TEST(session_index_skips_what_is_not_an_entry)
{
	static const char text[] =
		"\n"
		"not json\n"
		"[1,2]\n"
		"{\"id\":\"" ID1 "\"}\n"                       /* no name */
		"{\"id\":42,\"thread_name\":\"x\"}\n"           /* id not a string */
		"{\"id\":\"\",\"thread_name\":\"x\"}\n"         /* empty id */
		"{\"id\":\"" ID2 "\",\"thread_name\":\"kept\"}\n"
		"{\"id\":\"" ID1 "\",\"thread_name\":\"torn"; /* a cut last line */
	struct session_names n = {STRV_INIT, STRV_INIT};

	REQUIRE(session_index_parse(text, sizeof text - 1, &n) == 0);
	CHECK_INT(n.ids.n, 1);
	CHECK_STR(session_names_name(&n, ID2), "kept");
	CHECK(session_names_name(&n, ID1) == NULL);
	session_names_free(&n);
}

TEST(session_index_append_then_load_round_trip)
{
	const char *home = test_tmpdir();
	struct session_names n = {STRV_INIT, STRV_INIT};
	struct err e;
	char path[4096], *text;

	/* no file: no names, no error */
	REQUIRE(session_index_load(home, &n, &e) == 0);
	CHECK_INT(n.ids.n, 0);
	REQUIRE(session_index_append(home, ID1, "my \"quoted\" name", &e) == 0);
	REQUIRE(session_index_append(home, ID1, "renamed", &e) == 0);
	REQUIRE(session_index_load(home, &n, &e) == 0);
	CHECK_INT(n.ids.n, 2);
	CHECK_STR(session_names_name(&n, ID1), "renamed");
	CHECK_STR(session_names_id(&n, "my \"quoted\" name"), ID1);
	snprintf(path, sizeof path, "%s/session_index.jsonl", home);
	text = test_read_file(path);
	REQUIRE(text);
	/* upstream's field order, one line each */
	CHECK_CONTAINS(text, "{\"id\":\"" ID1 "\",\"thread_name\":\"renamed\",\"updated_at\":\"");
	CHECK_INT(strchr(text, '\n') - text + 1 + (long)strlen(strchr(text, '\n') + 1),
		  (long)strlen(text));
	free(text);
	session_names_free(&n);
}

TEST(session_index_parse_survives_allocation_failures)
{
	static const char text[] =
		"{\"id\":\"" ID1 "\",\"thread_name\":\"a\",\"updated_at\":\"x\"}\n"
		"{\"id\":\"" ID2 "\",\"thread_name\":\"b\",\"updated_at\":\"x\"}\n";

	FOR_EACH_ALLOC_FAILURE(200, {
		struct session_names n = {STRV_INIT, STRV_INIT};
		int rc = session_index_parse(text, sizeof text - 1, &n);
		CHECK(rc == 0 || rc == -1);
		CHECK(n.ids.n == n.names.n);
		session_names_free(&n);
	});
}

static const struct rollout_meta FORK_META = {
	ID2, "/work/project", "codex-tui", "0.1.0", "cli", "openai", NULL, NULL, NULL, NULL, ID1,
	NULL, 0, NULL, NULL,
};

/* A fork's rollout: its own session_meta (forked_from_id), then the old file's lines as
 * they were, without its session_meta, its name, or a torn tail. */
TEST(rollout_copy_lines_makes_a_forks_start)
{
	const char *src = test_write_file(
		"old.jsonl",
		"{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"" ID1 "\"}}\n"
		"{\"timestamp\":\"2026-01-01T00:00:01.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"OLD-QUESTION\"}]}}\n"
		"{\"timestamp\":\"2026-01-01T00:00:02.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"user_message\",\"message\":\"OLD-QUESTION\"}}\n"
		"{\"timestamp\":\"2026-01-01T00:00:03.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"thread_name_updated\",\"thread_id\":\"" ID1 "\",\"thread_name\":\"OLD-NAME\"}}\n"
		"garbage line\n"
		"{\"timestamp\":\"2026-01-01T00:00:04.000Z\",\"type\":\"turn_context\",\"payload\":{\"cwd\":\"/w\"}}\n"
		"{\"timestamp\":\"2026-01-01T00:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"mes");
	struct rollout_writer *w;
	struct rollout_session s;
	struct err e;
	char *text;

	REQUIRE(rollout_writer_new(test_tmpdir(), &FORK_META, &w, &e) == 0);
	REQUIRE(rollout_copy_lines(w, src, &e) == 0);
	REQUIRE(rollout_flush(w, &e) == 0);
	text = test_read_file(rollout_writer_path(w));
	REQUIRE(text);
	CHECK(strncmp(text, "{\"timestamp\":\"", 14) == 0);
	CHECK_CONTAINS(text, "\"type\":\"session_meta\",\"payload\":{\"id\":\"" ID2 "\"");
	CHECK_CONTAINS(text, "\"forked_from_id\":\"" ID1 "\"");
	CHECK_CONTAINS(text, "{\"timestamp\":\"2026-01-01T00:00:01.000Z\",\"type\":\"response_item\"");
	CHECK_CONTAINS(text, "\"type\":\"user_message\",\"message\":\"OLD-QUESTION\"");
	CHECK_CONTAINS(text, "{\"timestamp\":\"2026-01-01T00:00:04.000Z\",\"type\":\"turn_context\"");
	CHECK(strstr(text, "OLD-NAME") == NULL);
	CHECK(strstr(text, "garbage") == NULL);
	CHECK(strstr(text, "\"mes\n") == NULL && strstr(text, "00:00:05") == NULL);
	CHECK(strstr(text, "\"id\":\"" ID1 "\"}}") == NULL); /* the old session_meta */
	memset(&s, 0, sizeof s);
	REQUIRE(rollout_parse(text, strlen(text), &s, &e) == 0);
	CHECK_STR(rollout_session_id(&s), ID2);
	CHECK_INT(cJSON_GetArraySize(s.history), 1);
	CHECK_INT(s.skipped, 0);
	rollout_session_free(&s);
	free(text);
	rollout_writer_free(w);
}
