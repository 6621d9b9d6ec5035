/* The pure parts of the JavaScript REPL (src/agent/js_repl_parse.c): the tool input and
 * its pragma with upstream 0.118's messages, the kernel's reply lines, and the Node
 * version check. */
#include <stdlib.h>
#include <string.h>

#include "agent/js_repl.h"
#include "test.h"

static int parse(const char *in, struct js_repl_input *ji, char *why, size_t cap)
{
	why[0] = '\0';
	return js_repl_parse_input(in, strlen(in), ji, why, cap);
}

TEST(js_repl_input_plain_code_is_taken_whole)
{
	struct js_repl_input ji;
	char why[512];
	const char *in = "  const a = 1;\nconsole.log(a)\n";

	REQUIRE(parse(in, &ji, why, sizeof why) == 0);
	CHECK(ji.code == in);
	CHECK_INT((long long)ji.code_len, (long long)strlen(in));
	CHECK(!ji.has_timeout);
	/* A template literal and an array are JavaScript, not a wrapper. */
	CHECK(parse("`x${1}`", &ji, why, sizeof why) == 0);
	CHECK(parse("[1, 2]", &ji, why, sizeof why) == 0);
	CHECK(parse("{ let x = 1; console.log(x) }", &ji, why, sizeof why) == 0);
}

TEST(js_repl_input_pragma_sets_the_timeout)
{
	struct js_repl_input ji;
	char why[512];

	REQUIRE(parse("  // codex-js-repl: timeout_ms=15000\nconsole.log(1)", &ji, why,
		      sizeof why) == 0);
	CHECK(ji.has_timeout);
	CHECK_INT((long long)ji.timeout_ms, 15000);
	CHECK_INT((long long)ji.code_len, (long long)strlen("console.log(1)"));
	CHECK(memcmp(ji.code, "console.log(1)", ji.code_len) == 0);
	/* An empty pragma is allowed; a huge timeout is capped. */
	REQUIRE(parse("// codex-js-repl:\n1", &ji, why, sizeof why) == 0);
	CHECK(!ji.has_timeout);
	REQUIRE(parse("// codex-js-repl: timeout_ms=99999999999999999\n1", &ji, why,
		      sizeof why) == 0);
	CHECK_INT((long long)ji.timeout_ms, (long long)JS_REPL_MAX_TIMEOUT_MS);
}

TEST(js_repl_input_errors_match_upstream)
{
	struct js_repl_input ji;
	char why[512];

	CHECK(parse(" \n\t", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl expects raw JavaScript tool input (non-empty). Provide JS "
		       "source text, optionally with first-line `// codex-js-repl: ...`.");
	CHECK(parse("// codex-js-repl: retries=2\n1", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl pragma only supports timeout_ms; got `retries`");
	CHECK(parse("// codex-js-repl: fast\n1", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl pragma expects space-separated key=value pairs (supported "
		       "keys: timeout_ms); got `fast`");
	CHECK(parse("// codex-js-repl: timeout_ms=1s\n1", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl pragma timeout_ms must be an integer; got `1s`");
	CHECK(parse("// codex-js-repl: timeout_ms=1 timeout_ms=2\n1", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl pragma specifies timeout_ms more than once");
	CHECK(parse("// codex-js-repl: timeout_ms=1\n  \n", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl pragma must be followed by JavaScript source on subsequent "
		       "lines");
	CHECK(parse("```js\n1\n```", &ji, why, sizeof why) < 0);
	CHECK_STR(why, "js_repl expects raw JavaScript source, not markdown code fences. "
		       "Resend plain JS only (optional first line `// codex-js-repl: ...`).");
	CHECK(parse("{\"code\": \"console.log(1)\"}", &ji, why, sizeof why) < 0);
	CHECK_CONTAINS(why, "js_repl is a freeform tool and expects raw JavaScript source.");
	CHECK(parse("\"console.log(1)\"", &ji, why, sizeof why) < 0);
	CHECK(parse("// codex-js-repl: timeout_ms=5\n{\"code\":\"x\"}", &ji, why, sizeof why) < 0);
	CHECK_CONTAINS(why, "do not send JSON");
}

TEST(js_repl_input_byte_at_a_time_prefixes_never_crash)
{
	const char *in = "// codex-js-repl: timeout_ms=15000\n{\"code\":\"x\"}\n```";
	struct js_repl_input ji;
	char why[64];

	/* Every prefix, with a short message buffer: any answer, never past the input. */
	for (size_t n = 0; n <= strlen(in); n++) {
		char *copy = malloc(n ? n : 1);
		REQUIRE(copy != NULL);
		memcpy(copy, in, n);
		if (js_repl_parse_input(copy, n, &ji, why, sizeof why) == 0)
			CHECK(ji.code >= copy && ji.code + ji.code_len <= copy + n);
		free(copy);
	}
}

TEST(js_repl_reply_lines)
{
	struct js_repl_reply r;
	const char *ok = "{\"type\":\"exec_result\",\"id\":\"exec-1\",\"ok\":true,"
			 "\"output\":\"a\\nb\",\"error\":null}";
	const char *bad = "{\"type\":\"exec_result\",\"id\":\"exec-2\",\"ok\":false,"
			  "\"output\":\"\",\"error\":\"boom\"}";

	REQUIRE(js_repl_parse_reply(ok, strlen(ok), &r) == 1);
	CHECK_STR(r.id, "exec-1");
	CHECK(r.ok);
	CHECK_STR(r.output, "a\nb");
	CHECK(r.error == NULL);
	js_repl_reply_clear(&r);
	REQUIRE(js_repl_parse_reply(bad, strlen(bad), &r) == 1);
	CHECK(!r.ok);
	CHECK(!r.fatal);
	CHECK_STR(r.error, "boom");
	js_repl_reply_clear(&r);
	REQUIRE(js_repl_parse_reply("{\"type\":\"exec_result\",\"id\":\"e\",\"ok\":false,"
				    "\"output\":\"\",\"error\":\"x\",\"fatal\":true}",
				    79, &r) == 1);
	CHECK(r.fatal);
	js_repl_reply_clear(&r);
	/* Not ours: ignored. */
	CHECK(js_repl_parse_reply("hello", 5, &r) == 0);
	CHECK(js_repl_parse_reply("{\"type\":\"run_tool\"}", 19, &r) == 0);
	CHECK(js_repl_parse_reply("{\"type\":\"exec_result\",\"id\":1,\"ok\":true,\"output\":\"\"}",
				  50, &r) == 0);
	CHECK(js_repl_parse_reply("[]", 2, &r) == 0);
	/* A line cut short is not a reply either. */
	CHECK(js_repl_parse_reply(ok, strlen(ok) - 1, &r) == 0);
}

TEST(js_repl_node_versions)
{
	struct js_repl_node_version v;

	REQUIRE(js_repl_parse_node_version("v22.22.0\n", 9, &v) == 0);
	CHECK_INT((long long)v.major, 22);
	CHECK_INT((long long)v.minor, 22);
	CHECK_INT((long long)v.patch, 0);
	CHECK(js_repl_node_version_ok(&v));
	REQUIRE(js_repl_parse_node_version("v20.20.2", 8, &v) == 0);
	CHECK(!js_repl_node_version_ok(&v));
	REQUIRE(js_repl_parse_node_version("v22.21.9", 8, &v) == 0);
	CHECK(!js_repl_node_version_ok(&v));
	REQUIRE(js_repl_parse_node_version("v23.0.0-nightly2025", 19, &v) == 0);
	CHECK(js_repl_node_version_ok(&v));
	REQUIRE(js_repl_parse_node_version("24.1.0+abc", 10, &v) == 0);
	CHECK(js_repl_node_version_ok(&v));
	CHECK(js_repl_parse_node_version("v22", 3, &v) < 0);
	CHECK(js_repl_parse_node_version("v22.x.0", 7, &v) < 0);
	CHECK(js_repl_parse_node_version("", 0, &v) < 0);
	CHECK(js_repl_parse_node_version("v99999999999.0.0", 16, &v) < 0);
}

TEST(js_repl_tool_and_image_messages)
{
	struct js_repl_reply r;
	const char *tool = "{\"type\":\"run_tool\",\"id\":\"exec-1-tool-0\",\"exec_id\":\"exec-1\","
			   "\"tool_name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}";
	const char *img = "{\"type\":\"emit_image\",\"id\":\"exec-1-emit-image-0\","
			  "\"exec_id\":\"exec-1\",\"image_url\":\"data:image/png;base64,AA==\","
			  "\"detail\":\"original\"}";
	const char *img_no_detail = "{\"type\":\"emit_image\",\"id\":\"i\",\"exec_id\":\"e\","
				    "\"image_url\":\"data:,\",\"detail\":null}";

	REQUIRE(js_repl_parse_reply(tool, strlen(tool), &r) == 1);
	CHECK(r.kind == JS_REPL_MSG_RUN_TOOL);
	CHECK_STR(r.id, "exec-1-tool-0");
	CHECK_STR(r.exec_id, "exec-1");
	CHECK_STR(r.tool_name, "exec_command");
	CHECK_STR(r.arguments, "{\"cmd\":\"ls\"}");
	CHECK(r.output == NULL && r.image_url == NULL);
	js_repl_reply_clear(&r);
	REQUIRE(js_repl_parse_reply(img, strlen(img), &r) == 1);
	CHECK(r.kind == JS_REPL_MSG_EMIT_IMAGE);
	CHECK_STR(r.exec_id, "exec-1");
	CHECK_STR(r.image_url, "data:image/png;base64,AA==");
	CHECK_STR(r.detail, "original");
	js_repl_reply_clear(&r);
	REQUIRE(js_repl_parse_reply(img_no_detail, strlen(img_no_detail), &r) == 1);
	CHECK(r.detail == NULL);
	js_repl_reply_clear(&r);
	/* A field missing or of the wrong type: not a message. */
	CHECK(js_repl_parse_reply("{\"type\":\"run_tool\",\"id\":\"t\",\"exec_id\":\"e\","
				  "\"tool_name\":\"x\"}", 58, &r) == 0);
	CHECK(r.id == NULL && r.exec_id == NULL && r.tool_name == NULL);
	CHECK(js_repl_parse_reply("{\"type\":\"run_tool\",\"id\":\"t\",\"exec_id\":\"e\","
				  "\"tool_name\":\"x\",\"arguments\":{}}", 73, &r) == 0);
	CHECK(js_repl_parse_reply("{\"type\":\"emit_image\",\"id\":\"i\",\"exec_id\":\"e\","
				  "\"image_url\":\"data:,\",\"detail\":3}", 76, &r) == 0);
	/* Byte by byte, no prefix of a message is one. */
	for (size_t n = 0; n < strlen(tool); n++)
		CHECK(js_repl_parse_reply(tool, n, &r) == 0);
}

TEST(js_repl_reply_under_failing_allocations)
{
	const char *line = "{\"type\":\"exec_result\",\"id\":\"exec-9\",\"ok\":false,"
			   "\"output\":\"x\",\"error\":\"e\"}";

	/* Out of memory gives -1 or (cJSON itself failing) an ignored line; never half a
	 * reply, never a leak. */
	FOR_EACH_ALLOC_FAILURE(64, {
		struct js_repl_reply r;
		int rc = js_repl_parse_reply(line, strlen(line), &r);
		if (rc == 1) {
			CHECK_STR(r.id, "exec-9");
			CHECK_STR(r.error, "e");
			js_repl_reply_clear(&r);
		} else {
			CHECK(r.id == NULL && r.output == NULL && r.error == NULL);
		}
	});
	FOR_EACH_ALLOC_FAILURE(64, {
		struct js_repl_reply r;
		const char *tool = "{\"type\":\"run_tool\",\"id\":\"t\",\"exec_id\":\"e\","
				   "\"tool_name\":\"x\",\"arguments\":\"{}\"}";
		int rc = js_repl_parse_reply(tool, strlen(tool), &r);
		if (rc == 1) {
			CHECK_STR(r.arguments, "{}");
			js_repl_reply_clear(&r);
		} else {
			CHECK(r.id == NULL && r.exec_id == NULL && r.tool_name == NULL);
		}
	});
}
