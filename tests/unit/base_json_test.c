/* base/json, base/base64, base/rfc3339, base/uuid. */
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/json.h"
#include "base/rfc3339.h"
#include "base/uuid.h"
#include "test.h"

static char *roundtrip(const char *text, bool pretty)
{
	struct err e;
	cJSON *j = json_parse(text, strlen(text), "t", &e);
	char *out;

	if (!j)
		return strdup(e.msg);
	out = json_print(j, pretty);
	cJSON_Delete(j);
	return out;
}

TEST(json_compact_is_serde_form)
{
	char *s = roundtrip(" {\"a\": [1, 2.5, -3, true, null], \"b\": {}, \"c\": [], "
			    "\"d\": \"q\\\"\\\\\\n\\t\\u0001é/\"} ",
			    false);
	CHECK_STR(s, "{\"a\":[1,2.5,-3,true,null],\"b\":{},\"c\":[],"
		     "\"d\":\"q\\\"\\\\\\n\\t\\u0001é/\"}");
	free(s);
	s = roundtrip("[1733333333000, 0.1, 1e300]", false);
	CHECK_STR(s, "[1733333333000,0.1,1e+300]");
	free(s);
}

TEST(json_pretty_is_serde_pretty_form)
{
	char *s = roundtrip("{\"a\":1,\"b\":{\"c\":[1,{}],\"d\":[]},\"e\":null}", true);
	CHECK_STR(s, "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [\n      1,\n      {}\n    ],\n"
		     "    \"d\": []\n  },\n  \"e\": null\n}");
	free(s);
}

TEST(json_parse_errors_name_the_place)
{
	struct err e;

	CHECK(json_parse("{\n  \"a\": tru\n}", 14, "auth.json", &e) == NULL);
	CHECK_CONTAINS(e.msg, "auth.json: invalid JSON at line 2");
	CHECK(json_parse("{} x", 4, "f", &e) == NULL);
	CHECK_CONTAINS(e.msg, "line 1, column 4");
	CHECK(json_parse("", 0, "f", &e) == NULL);
}

TEST(json_getters_check_types)
{
	struct err e;
	const char *text = "{\"s\":\"x\",\"n\":5,\"f\":1.5,\"b\":true,\"big\":1e30}";
	cJSON *j = json_parse(text, strlen(text), "t", &e);
	int64_t n;
	bool b;

	REQUIRE(j);
	CHECK_STR(json_get_str(j, "s"), "x");
	CHECK(json_get_str(j, "n") == NULL);
	CHECK(json_get_str(j, "S") == NULL); /* case-sensitive */
	CHECK(json_get_int64(j, "n", &n) == 0 && n == 5);
	CHECK(json_get_int64(j, "f", &n) < 0);
	CHECK(json_get_int64(j, "big", &n) < 0);
	CHECK(json_get_bool(j, "b", &b) == 0 && b);
	CHECK(json_get_bool(j, "s", &b) < 0);
	cJSON_Delete(j);
}

TEST(json_printer_survives_allocation_failures)
{
	struct err e;
	const char *text = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":\"e\"}";
	cJSON *j = json_parse(text, strlen(text), "t", &e);

	REQUIRE(j);
	FOR_EACH_ALLOC_FAILURE(50, {
		char *s = json_print(j, true);
		if (s)
			CHECK_CONTAINS(s, "\"b\": \"c\"");
		free(s);
	});
	cJSON_Delete(j);
}

TEST(base64_both_alphabets)
{
	struct buf b;
	char *s = base64_encode("\xfb\xff\xfe", 3, false);

	CHECK_STR(s, "+//+");
	free(s);
	s = base64_encode("\xfb\xff\xfe", 3, true);
	CHECK_STR(s, "-__-");
	free(s);
	s = base64_encode("ab", 2, false);
	CHECK_STR(s, "YWI=");
	free(s);
	s = base64_encode("a", 1, true);
	CHECK_STR(s, "YQ");
	free(s);
	buf_init(&b, 100);
	CHECK(base64_decode("YWI", 3, &b) == 0);
	CHECK(base64_decode("=", 1, &b) < 0);
	CHECK(base64_decode("YWI=", 4, &b) == 0);
	CHECK(base64_decode("-__-", 4, &b) == 0);
	CHECK_INT(b.len, 7);
	CHECK(memcmp(b.data, "abab\xfb\xff\xfe", 7) == 0);
	/* Bad input leaves the buffer as it was. */
	CHECK(base64_decode("YW!I", 4, &b) < 0);
	CHECK(base64_decode("Y", 1, &b) < 0);
	CHECK(base64_decode("YQ=", 3, &b) < 0);
	CHECK(base64_decode("Y=Q=", 4, &b) < 0);
	CHECK_INT(b.len, 7);
	buf_free(&b);
}

TEST(rfc3339_format_and_parse)
{
	struct timespec t = {1733324530, 658983008}, back;
	char s[RFC3339_MAX];

	rfc3339_format(&t, 3, s);
	CHECK_STR(s, "2024-12-04T15:02:10.658Z");
	rfc3339_format(&t, RFC3339_AUTO, s);
	CHECK_STR(s, "2024-12-04T15:02:10.658983008Z");
	t.tv_nsec = 500000000;
	rfc3339_format(&t, RFC3339_AUTO, s);
	CHECK_STR(s, "2024-12-04T15:02:10.500Z");
	t.tv_nsec = 0;
	rfc3339_format(&t, RFC3339_AUTO, s);
	CHECK_STR(s, "2024-12-04T15:02:10Z");
	REQUIRE(rfc3339_parse("2024-12-04T15:02:10.658983008Z", &back) == 0);
	CHECK_INT(back.tv_sec, 1733324530);
	CHECK_INT(back.tv_nsec, 658983008);
	REQUIRE(rfc3339_parse("2024-12-04T17:02:10.5+02:00", &back) == 0);
	CHECK_INT(back.tv_sec, 1733324530);
	CHECK_INT(back.tv_nsec, 500000000);
	CHECK(rfc3339_parse("2024-12-04 15:02:10", &back) < 0);
	CHECK(rfc3339_parse("2024-13-04T15:02:10Z", &back) < 0);
	CHECK(rfc3339_parse("2024-12-04T15:02:10Zjunk", &back) < 0);
	CHECK(rfc3339_parse("", &back) < 0);
}

TEST(uuid_v7_layout_and_order)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];
	struct err e;

	REQUIRE(uuid_v7(0x0192f0aabbccull, a, &e) == 0);
	CHECK(uuid_valid(a));
	CHECK(strncmp(a, "0192f0aa-bbcc-7", 15) == 0);
	CHECK(strchr("89ab", a[19]) != NULL);
	REQUIRE(uuid_v7(0x0192f0aabbcdull, b, &e) == 0);
	CHECK(strcmp(a, b) < 0); /* later times sort later */
	CHECK(!uuid_valid("0192f0aa-bbcc-7000-8000-00000000000"));
	CHECK(!uuid_valid("0192f0aa-bbcc-7000-8000-0000000000000"));
	CHECK(!uuid_valid("0192f0aaxbbcc-7000-8000-000000000000"));
	CHECK(uuid_valid("0192F0AA-BBCC-7000-8000-000000000000"));
}
