/* src/agent/history: history.jsonl lines, mode, trimming, lookup, and many real
 * processes appending at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/history.h"
#include "test.h"

static char *history_file(const char *home)
{
	static char p[4200];

	snprintf(p, sizeof p, "%s/history.jsonl", home);
	return p;
}

TEST(history_appends_upstreams_line_format)
{
	const char *home = test_tmpdir();
	struct history_opts o = {home, true, 0};
	struct err e;
	struct stat st;
	char *text, want[256];
	long ts;

	REQUIRE(history_append(&o, "sid-1", "fix \"the\" test\n", &e) == 0);
	text = test_read_file(history_file(home));
	REQUIRE(text);
	REQUIRE(sscanf(text, "{\"session_id\":\"sid-1\",\"ts\":%ld,", &ts) == 1);
	snprintf(want, sizeof want,
		 "{\"session_id\":\"sid-1\",\"ts\":%ld,\"text\":\"fix \\\"the\\\" test\\n\"}\n", ts);
	CHECK_STR(text, want);
	CHECK(ts > 1700000000);
	free(text);
	REQUIRE(stat(history_file(home), &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
}

TEST(history_persistence_none_writes_nothing)
{
	const char *home = test_tmpdir();
	struct history_opts o = {home, false, 0};
	struct err e;
	struct stat st;

	REQUIRE(history_append(&o, "s", "t", &e) == 0);
	CHECK(stat(history_file(home), &st) < 0);
}

TEST(history_tightens_an_older_files_mode)
{
	const char *home = test_tmpdir();
	const char *path = test_write_file("history.jsonl", "");
	struct history_opts o = {home, true, 0};
	struct err e;
	struct stat st;

	REQUIRE(chmod(path, 0644) == 0);
	REQUIRE(history_append(&o, "s", "t", &e) == 0);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
}

TEST(history_metadata_and_lookup)
{
	const char *home = test_tmpdir();
	struct history_opts o = {home, true, 0};
	struct history_entry h;
	struct err e;
	uint64_t id;
	size_t n;
	struct stat st;

	REQUIRE(history_metadata(home, &id, &n, &e) == 0);
	CHECK(id == 0 && n == 0);
	REQUIRE(history_append(&o, "s1", "first", &e) == 0);
	REQUIRE(history_append(&o, "s2", "second", &e) == 0);
	REQUIRE(history_metadata(home, &id, &n, &e) == 0);
	REQUIRE(stat(history_file(home), &st) == 0);
	CHECK(id == (uint64_t)st.st_ino);
	CHECK_INT(n, 2);
	REQUIRE(history_lookup(home, id, 1, &h, &e) == 1);
	CHECK_STR(h.session_id, "s2");
	CHECK_STR(h.text, "second");
	history_entry_free(&h);
	REQUIRE(history_lookup(home, id, 0, &h, &e) == 1);
	CHECK_STR(h.text, "first");
	history_entry_free(&h);
	CHECK_INT(history_lookup(home, id, 2, &h, &e), 0);
	CHECK_INT(history_lookup(home, id + 1, 0, &h, &e), 0); /* another file */
	/* A line that is not an entry is counted but not returned. */
	FILE *f = fopen(history_file(home), "a");
	fputs("garbage\n{\"session_id\":\"s\",\"ts\":-1,\"text\":\"x\"}\n", f);
	fclose(f);
	REQUIRE(history_metadata(home, &id, &n, &e) == 0);
	CHECK_INT(n, 4);
	CHECK_INT(history_lookup(home, id, 2, &h, &e), 0);
	CHECK_INT(history_lookup(home, id, 3, &h, &e), 0);
}

/* Every line of the file is an entry; returns how many, and checks that the texts are
 * "p<k>-<i>" with i increasing for each writer k. */
static int check_lines(const char *home, int writers)
{
	char *text = test_read_file(history_file(home)), *line, *save = NULL;
	int n = 0, last[64];

	for (int k = 0; k < 64; k++)
		last[k] = -1;
	REQUIRE(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct history_entry h;
		int k, i;
		if (history_parse_line(line, strlen(line), &h) < 0) {
			test_fail(__FILE__, __LINE__, "bad line: %.200s", line);
			continue;
		}
		if (sscanf(h.text, "p%d-%d", &k, &i) == 2 && k >= 0 && k < writers) {
			CHECK(i > last[k]);
			last[k] = i;
		} else {
			test_fail(__FILE__, __LINE__, "unexpected text %s", h.text);
		}
		history_entry_free(&h);
		n++;
	}
	free(text);
	return n;
}

static void run_writers(const char *home, int writers, int each, int64_t max_bytes)
{
	pid_t pids[16];
	char pad[120];

	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	for (int k = 0; k < writers; k++) {
		pids[k] = fork();
		REQUIRE(pids[k] >= 0);
		if (pids[k] == 0) {
			struct history_opts o = {home, true, max_bytes};
			struct err e;
			char text[256];
			for (int i = 0; i < each; i++) {
				snprintf(text, sizeof text, "p%d-%d %s", k, i, pad);
				if (history_append(&o, "00000000-0000-7000-8000-000000000000", text,
						   &e) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < writers; k++) {
		int status;
		REQUIRE(test_wait_child(pids[k], 120, &status) == 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

TEST(history_concurrent_appenders_lose_nothing)
{
	const char *home = test_tmpdir();

	run_writers(home, 8, 150, 0);
	CHECK_INT(check_lines(home, 8), 8 * 150);
}

TEST(history_concurrent_appenders_with_trimming)
{
	const char *home = test_tmpdir();
	struct stat st;
	int n;

	run_writers(home, 6, 150, 8000);
	REQUIRE(stat(history_file(home), &st) == 0);
	CHECK(st.st_size <= 8000);
	n = check_lines(home, 6);
	CHECK(n > 10);
	CHECK(n < 6 * 150);
}

TEST(history_trims_to_newest_lines)
{
	const char *home = test_tmpdir();
	struct history_opts o = {home, true, 1000};
	struct err e;
	struct stat st;
	char text[64], big[3000];
	uint64_t id;
	size_t n;
	struct history_entry h;

	for (int i = 0; i < 40; i++) {
		snprintf(text, sizeof text, "prompt %02d", i);
		REQUIRE(history_append(&o, "s", text, &e) == 0);
		REQUIRE(stat(history_file(home), &st) == 0);
		CHECK(st.st_size <= 1000);
	}
	REQUIRE(history_metadata(home, &id, &n, &e) == 0);
	REQUIRE(history_lookup(home, id, n - 1, &h, &e) == 1);
	CHECK_STR(h.text, "prompt 39");
	history_entry_free(&h);
	/* Lines are 54 bytes: a cut leaves 14 (within 800 bytes), growth to 1000 makes 18. */
	CHECK(n >= 14 && n <= 18);
	/* One entry larger than the cap stays alone. */
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	REQUIRE(history_append(&o, "s", big, &e) == 0);
	REQUIRE(history_metadata(home, &id, &n, &e) == 0);
	CHECK_INT(n, 1);
	REQUIRE(history_lookup(home, id, 0, &h, &e) == 1);
	CHECK_STR(h.text, big);
	history_entry_free(&h);
}

TEST(history_refuses_an_overlong_prompt)
{
	const char *home = test_tmpdir();
	struct history_opts o = {home, true, 0};
	struct err e;
	char *huge = malloc(HISTORY_LINE_MAX_BYTES + 10);

	memset(huge, 'a', HISTORY_LINE_MAX_BYTES + 9);
	huge[HISTORY_LINE_MAX_BYTES + 9] = '\0';
	CHECK(history_append(&o, "s", huge, &e) < 0);
	CHECK_CONTAINS(e.msg, "too long");
	free(huge);
}
