#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "sandbox/sandbox.h"
#include "test.h"

static int parse(const char *json, struct sandbox_policy *p, struct err *e)
{
	return sandbox_policy_from_json(json, strlen(json), p, e);
}

TEST(policy_json_workspace_write_upstream_example)
{
	struct sandbox_policy p;
	struct err e;
	const char *json = "{\"type\":\"workspace-write\",\"writable_roots\":[\"/data\"],"
			   "\"network_access\":false,\"exclude_tmpdir_env_var\":false,"
			   "\"exclude_slash_tmp\":false}";
	char *out;

	REQUIRE(parse(json, &p, &e) == 0);
	CHECK_INT(p.type, SANDBOX_MODE_WORKSPACE_WRITE);
	CHECK_INT(p.writable_roots.n, 1);
	CHECK_STR(p.writable_roots.v[0], "/data");
	CHECK(!p.network_access && !p.exclude_slash_tmp && !p.exclude_tmpdir_env_var);
	CHECK_INT(sandbox_policy_network(&p), SANDBOX_NET_OFF);
	out = sandbox_policy_to_json(&p, &e);
	CHECK_STR(out, json); /* upstream's field order, every field written */
	free(out);
	sandbox_policy_free(&p);
}

TEST(policy_json_round_trips_every_type)
{
	const char *cases[] = {
		"{\"type\":\"read-only\"}",
		"{\"type\":\"read-only\",\"network_access\":true}",
		"{\"type\":\"danger-full-access\"}",
		"{\"type\":\"workspace-write\",\"writable_roots\":[\"/a\",\"/b c\"],"
		"\"network_access\":true,\"exclude_tmpdir_env_var\":true,"
		"\"exclude_slash_tmp\":true}",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sandbox_policy p;
		struct err e;
		char *out;

		REQUIRE(parse(cases[i], &p, &e) == 0);
		out = sandbox_policy_to_json(&p, &e);
		CHECK_STR(out, cases[i]);
		free(out);
		sandbox_policy_free(&p);
	}
}

TEST(policy_network_modes)
{
	struct sandbox_policy p;
	struct err e;

	REQUIRE(parse("{\"type\":\"danger-full-access\"}", &p, &e) == 0);
	CHECK_INT(sandbox_policy_network(&p), SANDBOX_NET_FULL);
	sandbox_policy_free(&p);
	REQUIRE(parse("{\"type\":\"read-only\",\"network_access\":true}", &p, &e) == 0);
	CHECK_INT(sandbox_policy_network(&p), SANDBOX_NET_FULL);
	sandbox_policy_free(&p);
	REQUIRE(parse("  {\"type\":\"read-only\"}\n", &p, &e) == 0);
	CHECK_INT(sandbox_policy_network(&p), SANDBOX_NET_OFF);
	sandbox_policy_free(&p);
}

TEST(policy_json_accepts_full_read_access_only)
{
	struct sandbox_policy p;
	struct err e;

	REQUIRE(parse("{\"type\":\"read-only\",\"access\":{\"type\":\"full-access\"}}", &p, &e) == 0);
	sandbox_policy_free(&p);
	CHECK(parse("{\"type\":\"read-only\",\"access\":{\"type\":\"restricted\","
		    "\"readable_roots\":[]}}", &p, &e) < 0);
	CHECK_CONTAINS(e.msg, "only \"full-access\" is supported");
}

TEST(policy_json_errors_are_one_clear_line)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{"", "malformed JSON"},
		{"{\"type\":\"read-only\"", "malformed JSON"},
		{"{\"type\":\"read-only\"} x", "malformed JSON"},
		{"[]", "expected an object"},
		{"{\"network_access\":true}", "expected an object with a string `type`"},
		{"{\"type\":\"sandbox-off\"}", "unsupported type \"sandbox-off\""},
		{"{\"type\":\"read-only\",\"writable_roots\":[]}",
		 "unknown field `writable_roots` for policy type \"read-only\""},
		{"{\"type\":\"danger-full-access\",\"network_access\":true}", "unknown field"},
		{"{\"type\":\"workspace-write\",\"writable_roots\":[\"rel\"]}", "absolute path"},
		{"{\"type\":\"workspace-write\",\"writable_roots\":\"/a\"}", "must be an array"},
		{"{\"type\":\"workspace-write\",\"writable_roots\":[1]}", "absolute path"},
		{"{\"type\":\"workspace-write\",\"network_access\":1}", "must be true or false"},
		{"{\"type\":\"read-only\",\"type\":\"danger-full-access\"}", "duplicate field `type`"},
		{"{\"type\":\"workspace-write\",\"network_access\":true,\"network_access\":false}",
		 "duplicate field `network_access`"},
		{"{\"type\":\"workspace-write\",\"Type\":1}", "unknown field `Type`"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sandbox_policy p;
		struct err e;

		err_clear(&e);
		CHECK(parse(cases[i].json, &p, &e) < 0);
		CHECK_CONTAINS(e.msg, "invalid sandbox policy");
		CHECK_CONTAINS(e.msg, cases[i].msg);
		CHECK(strchr(e.msg, '\n') == NULL);
		/* The output is left empty and may be freed. */
		CHECK_INT(p.writable_roots.n, 0);
		sandbox_policy_free(&p);
	}
}

TEST(policy_json_limits)
{
	struct sandbox_policy p;
	struct err e;
	struct buf b;

	buf_init(&b, LIMIT_POLICY_JSON_BYTES * 2);
	REQUIRE(buf_puts(&b, "{\"type\":\"workspace-write\",\"writable_roots\":[") == 0);
	for (int i = 0; i <= LIMIT_SANDBOX_WRITABLE_ROOTS; i++)
		REQUIRE(buf_printf(&b, "%s\"/r%d\"", i ? "," : "", i) == 0);
	REQUIRE(buf_puts(&b, "]}") == 0);
	CHECK(sandbox_policy_from_json(b.data, b.len, &p, &e) < 0);
	CHECK_CONTAINS(e.msg, "more than 256 roots");
	buf_reset(&b);
	REQUIRE(buf_puts(&b, "{\"type\":\"read-only\"}") == 0);
	while (b.len <= LIMIT_POLICY_JSON_BYTES)
		REQUIRE(buf_putc(&b, ' ') == 0);
	CHECK(sandbox_policy_from_json(b.data, b.len, &p, &e) < 0);
	CHECK_CONTAINS(e.msg, "longer than");
	buf_free(&b);
}

TEST(policy_json_survives_allocation_failures)
{
	const char *json = "{\"type\":\"workspace-write\",\"writable_roots\":[\"/a\",\"/b\"],"
			   "\"network_access\":true}";

	FOR_EACH_ALLOC_FAILURE(200, {
		struct sandbox_policy p;
		struct err e;
		char *out = NULL;

		if (parse(json, &p, &e) == 0) {
			out = sandbox_policy_to_json(&p, &e);
			if (out)
				CHECK_CONTAINS(out, "\"/b\"");
			free(out);
			sandbox_policy_free(&p);
		}
	});
}

TEST(policy_type_strings)
{
	enum sandbox_mode t;

	CHECK(sandbox_mode_parse("workspace-write", &t) == 0);
	CHECK_INT(t, SANDBOX_MODE_WORKSPACE_WRITE);
	CHECK(sandbox_mode_parse("Workspace-Write", &t) < 0); /* config.c: exact spelling */
	CHECK_STR(sandbox_mode_str(SANDBOX_MODE_DANGER_FULL_ACCESS), "danger-full-access");
	CHECK_STR(sandbox_network_str(SANDBOX_NET_PROXY), "proxy");
}
