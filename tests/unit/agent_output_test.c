/* What the model reads of command output (src/agent/output.c): upstream 0.118's
 * truncation, checked against the exact shape it produced for `seq 1 30000` with the
 * default 10000-token budget; the shell quoting of command lines; and upstream's
 * sandbox-denial heuristic (src/agent/approval.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "test.h"

static char *seq_text(int n, size_t *len)
{
	struct buf b;

	buf_init(&b, 1u << 24);
	for (int i = 1; i <= n; i++)
		REQUIRE(buf_printf(&b, "%d\n", i) == 0);
	*len = b.len;
	return buf_take(&b);
}

TEST(agent_output_truncation_matches_upstream)
{
	size_t len;
	char *text = seq_text(30000, &len);
	struct buf out;
	const char *marker = "\xe2\x80\xa6" "32224 tokens truncated" "\xe2\x80\xa6";
	const char *pre = "Total output lines: 30000\n\n";
	char *m;

	CHECK_INT((long long)len, 168894);
	CHECK_INT(output_tokens(len), 42224);
	buf_init(&out, 1u << 24);
	REQUIRE(output_truncate(&out, text, len, 10000) == 0);
	REQUIRE(strncmp(out.data, pre, strlen(pre)) == 0);
	m = strstr(out.data, marker);
	REQUIRE(m != NULL);
	/* 20000 bytes of head, 20000 of tail, as upstream keeps. */
	CHECK_INT((long long)(m - out.data - strlen(pre)), 20000);
	CHECK_INT((long long)(out.data + out.len - (m + strlen(marker))), 20000);
	CHECK(memcmp(out.data + strlen(pre), text, 20000) == 0);
	CHECK(memcmp(m + strlen(marker), text + len - 20000, 20000) == 0);
	buf_free(&out);
	free(text);
}

TEST(agent_output_short_text_is_kept_whole)
{
	struct buf out;

	buf_init(&out, 1024);
	REQUIRE(output_truncate(&out, "hello\n", 6, 10000) == 0);
	CHECK_STR(out.data, "hello\n");
	buf_free(&out);
	buf_init(&out, 1024);
	REQUIRE(output_exec_text(&out, 2, 300, "legacy\n", 7, 10000) == 0);
	CHECK_STR(out.data, "Exit code: 2\nWall time: 0.3 seconds\nOutput:\nlegacy\n");
	buf_free(&out);
}

TEST(agent_output_cut_keeps_utf8_whole)
{
	struct buf out, in;

	buf_init(&in, 1u << 20);
	for (int i = 0; i < 5000; i++)
		REQUIRE(buf_puts(&in, "\xc3\xa9") == 0); /* é, two bytes */
	buf_init(&out, 1u << 20);
	REQUIRE(output_truncate(&out, in.data, in.len, 101) == 0);
	/* Every é survives whole: no lone continuation byte next to the marker. */
	CHECK(strstr(out.data, "\xc3\xa9\xe2\x80\xa6") != NULL);
	CHECK(strstr(out.data, "truncated\xe2\x80\xa6\xc3\xa9") != NULL);
	buf_free(&out);
	buf_free(&in);
}

TEST(agent_output_shell_join_quotes_like_upstream)
{
	char *a1[] = {"/bin/bash", "-lc", "echo hello; echo err >&2; exit 3", NULL};
	char *a2[] = {"bash", "-lc", "it's", NULL};
	char *a3[] = {"ls", "", NULL};
	char *s;

	s = output_shell_join(a1);
	CHECK_STR(s, "/bin/bash -lc 'echo hello; echo err >&2; exit 3'");
	free(s);
	s = output_shell_join(a2);
	CHECK_STR(s, "bash -lc 'it'\\''s'");
	free(s);
	s = output_shell_join(a3);
	CHECK_STR(s, "ls ''");
	free(s);
}

TEST(agent_output_denial_heuristic)
{
	const char *ro = "touch: cannot touch '/etc/x': Read-only file system\n";

	CHECK(approval_looks_denied(1, ro, strlen(ro)));
	CHECK(!approval_looks_denied(0, ro, strlen(ro)));
	CHECK(!approval_looks_denied(1, "no such file\n", 13));
	CHECK(!approval_looks_denied(127, "x: command not found\n", 21));
	CHECK(approval_looks_denied(159, "", 0)); /* SIGSYS */
	CHECK(approval_looks_denied(2, "Operation not permitted", 23));
}

/* The record of a `!cmd` the user ran, byte for byte as upstream sends it. */
TEST(agent_output_user_shell_record_format)
{
	struct buf out;

	buf_init(&out, 1024);
	REQUIRE(output_user_shell_record(&out, "echo hi", 0, 1000, "hi", 2, 10000) == 0);
	CHECK_STR(out.data, "<user_shell_command>\n<command>\necho hi\n</command>\n<result>\n"
			    "Exit code: 0\nDuration: 1.0000 seconds\nOutput:\nhi\n</result>\n"
			    "</user_shell_command>");
	buf_free(&out);
	buf_init(&out, 1024);
	REQUIRE(output_user_shell_record(&out, "false", 42, 120, "", 0, 10000) == 0);
	CHECK_STR(out.data, "<user_shell_command>\n<command>\nfalse\n</command>\n<result>\n"
			    "Exit code: 42\nDuration: 0.1200 seconds\nOutput:\n\n</result>\n"
			    "</user_shell_command>");
	buf_free(&out);
}

/* Long output is cut with the shell tool's truncation, inside the frame. */
TEST(agent_output_user_shell_record_truncates)
{
	size_t len;
	char *text = seq_text(30000, &len);
	struct buf out;
	const char *end = "\n</result>\n</user_shell_command>";

	buf_init(&out, 1u << 24);
	REQUIRE(output_user_shell_record(&out, "seq 1 30000", 0, 5, text, len, 10000) == 0);
	CHECK(strstr(out.data, "Output:\nTotal output lines: 30000\n\n1\n2\n") != NULL);
	CHECK(strstr(out.data, "tokens truncated") != NULL);
	CHECK(out.len < 41000);
	CHECK_STR(out.data + out.len - strlen(end), end);
	buf_free(&out);
	free(text);
}
