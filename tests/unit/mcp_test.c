/* src/mcp pure parts: JSON-RPC decoding and framing, qualified names, schema reduction,
 * results as the model reads them. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "mcp/mcp.h"
#include "test.h"

static char *compact(const cJSON *v)
{
	return json_print(v, false);
}

TEST(mcp_msg_decode_kinds_and_errors)
{
	struct mcp_msg m;
	struct err e;
	const char *req = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{}}";
	const char *bad[] = {"[]", "{}", "{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}",
			     "{\"jsonrpc\":\"2.0\",\"method\":3}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}",
			     "{\"jsonrpc\":\"2.0\",\"id\":1}", "nope", NULL};

	REQUIRE(mcp_msg_decode(req, strlen(req), &m, &e) == 0);
	CHECK_INT(m.kind, MCP_MSG_REQUEST);
	CHECK_STR(m.method, "tools/list");
	mcp_msg_free(&m);
	req = "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}";
	REQUIRE(mcp_msg_decode(req, strlen(req), &m, &e) == 0);
	CHECK_INT(m.kind, MCP_MSG_NOTIFICATION);
	mcp_msg_free(&m);
	req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"no\"}}";
	REQUIRE(mcp_msg_decode(req, strlen(req), &m, &e) == 0);
	CHECK_INT(m.kind, MCP_MSG_ERROR);
	CHECK_INT(m.error_code, -32601);
	CHECK_STR(m.error_message, "no");
	mcp_msg_free(&m);
	for (int i = 0; bad[i]; i++) {
		CHECK(mcp_msg_decode(bad[i], strlen(bad[i]), &m, &e) < 0);
		CHECK(m.root == NULL);
	}
}

struct got {
	char lines[8][64];
	int n;
};

static void on_line(void *arg, const char *line, size_t len)
{
	struct got *g = arg;

	if (g->n < 8 && len < 64) {
		memcpy(g->lines[g->n], line, len);
		g->lines[g->n][len] = '\0';
	}
	g->n++;
}

TEST(mcp_lines_byte_at_a_time_and_cap)
{
	const char *in = "one\r\n\ntwo\nthree";
	struct mcp_lines l;
	struct got g = {0};
	struct err e;

	mcp_lines_init(&l, 16);
	for (size_t i = 0; i < strlen(in); i++)
		REQUIRE(mcp_lines_push(&l, in + i, 1, on_line, &g, &e) == 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.lines[0], "one");
	CHECK_STR(g.lines[1], "two");
	REQUIRE(mcp_lines_push(&l, "\n", 1, on_line, &g, &e) == 0);
	CHECK_STR(g.lines[2], "three");
	CHECK(mcp_lines_push(&l, "0123456789abcdefXYZ", 19, on_line, &g, &e) < 0);
	CHECK(mcp_lines_push(&l, "\n", 1, on_line, &g, &e) < 0);
	mcp_lines_free(&l);
}

TEST(mcp_qualified_names)
{
	char *q = mcp_qualified_name("srv", "read-only.tool");

	CHECK_STR(q, "mcp__srv__read_only_tool");
	free(q);
	q = mcp_qualified_name("a_server_with_a_long_name", "a-very-long-tool-name-that-goes-on-and-on");
	CHECK_INT(strlen(q), 64);
	CHECK(strncmp(q, "mcp__a_server_with_a_lon", 24) == 0);
	free(q);
	CHECK(mcp_server_name_valid("my-tool_2"));
	CHECK(!mcp_server_name_valid("bad.name"));
	CHECK(!mcp_server_name_valid(""));
}

TEST(mcp_schema_reduce_as_upstream)
{
	const char *in = "{\"type\":\"object\",\"description\":\"dropped\",\"properties\":{"
			 "\"text\":{\"type\":\"string\",\"description\":\"what to echo\"},"
			 "\"mode\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},\"n\":{\"type\":\"integer\"},"
			 "\"opt\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},"
			 "\"list\":{\"items\":{\"minimum\":1}},\"b\":true,"
			 "\"o\":{\"additionalProperties\":{\"type\":\"boolean\"}}},"
			 "\"required\":[\"text\"],\"$defs\":{}}";
	cJSON *s = cJSON_Parse(in), *r = mcp_schema_reduce(s);
	char *out = compact(r);

	CHECK_STR(out, "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"},"
		       "\"list\":{\"type\":\"array\",\"items\":{\"type\":\"number\"}},"
		       "\"mode\":{\"type\":\"string\"},\"n\":{\"type\":\"number\"},"
		       "\"o\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"boolean\"}},"
		       "\"opt\":{\"type\":\"string\"},"
		       "\"text\":{\"type\":\"string\",\"description\":\"what to echo\"}},"
		       "\"required\":[\"text\"]}");
	free(out);
	cJSON_Delete(r);
	cJSON_Delete(s);
	r = mcp_schema_reduce(NULL);
	out = compact(r);
	CHECK_STR(out, "{\"type\":\"object\",\"properties\":{}}");
	free(out);
	cJSON_Delete(r);
}

static char *output_of(const char *result, bool images)
{
	cJSON *r = cJSON_Parse(result), *o = mcp_result_output(r, images);
	char *s = cJSON_IsString(o) ? strdup(o->valuestring) : compact(o);

	cJSON_Delete(r);
	cJSON_Delete(o);
	return s;
}

TEST(mcp_result_output_forms)
{
	char *s;

	s = output_of("{\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"structuredContent\":{\"a\":1}}", true);
	CHECK_STR(s, "{\"a\":1}");
	free(s);
	s = output_of("{\"content\":[{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"resource_link\",\"uri\":\"file:///x\",\"name\":\"x\"}]}", true);
	CHECK_STR(s, "[{\"type\":\"text\",\"text\":\"x\"},{\"type\":\"resource_link\",\"uri\":\"file:///x\",\"name\":\"x\"}]");
	free(s);
	s = output_of("{\"content\":[{\"type\":\"text\",\"text\":\"t\"},{\"type\":\"image\",\"data\":\"AAAA\",\"mimeType\":\"image/png\"},{\"type\":\"image\",\"data\":\"data:x\"},{\"type\":\"audio\",\"data\":\"z\"}]}", true);
	CHECK_STR(s, "[{\"type\":\"input_text\",\"text\":\"t\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\"},{\"type\":\"input_image\",\"image_url\":\"data:x\"},{\"type\":\"input_text\",\"text\":\"{\\\"type\\\":\\\"audio\\\",\\\"data\\\":\\\"z\\\"}\"}]");
	free(s);
	s = output_of("{\"content\":[{\"type\":\"image\",\"data\":\"AAAA\"}]}", false);
	CHECK_STR(s, "[{\"type\":\"text\",\"text\":\"<image content omitted because you do not support image input>\"}]");
	free(s);
	s = output_of("{}", true);
	CHECK_STR(s, "[]");
	free(s);
	{
		cJSON *o = mcp_error_output("user cancelled MCP tool call");
		CHECK_STR(o->valuestring, "[{\"type\":\"text\",\"text\":\"user cancelled MCP tool call\"}]");
		cJSON_Delete(o);
	}
}

/* Every allocation failing in turn: no crash, no half-built result, and the run
 * without a failure gives the full answer. */
TEST(mcp_helpers_under_failing_allocations)
{
	const char *line = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\","
			   "\"text\":\"t\"},{\"type\":\"image\",\"data\":\"AA\",\"mimeType\":\"image/png\"}],"
			   "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"integer\"},"
			   "\"a\":{\"items\":{\"type\":\"string\"}}},\"required\":[\"a\"]}}}";
	bool completed = false;

	FOR_EACH_ALLOC_FAILURE(5000, {
		struct mcp_msg m;
		struct err e;
		if (mcp_msg_decode(line, strlen(line), &m, &e) == 0) {
			cJSON *o = mcp_result_output(m.result, true);
			cJSON *s = mcp_schema_reduce(cJSON_GetObjectItemCaseSensitive(m.result,
										     "inputSchema"));
			char *q = mcp_qualified_name("srv", "a.b");
			char *t = mcp_request_text(1, "tools/call", m.result);
			if (o && s && q && t && !failalloc_fired()) {
				CHECK_INT(cJSON_GetArraySize(o), 2);
				CHECK_STR(q, "mcp__srv__a_b");
				completed = true;
			}
			cJSON_Delete(o);
			cJSON_Delete(s);
			free(q);
			free(t);
			mcp_msg_free(&m);
		} else {
			CHECK(m.root == NULL);
		}
	});
	CHECK(completed);
}
