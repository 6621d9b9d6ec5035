/* The TOML parser (src/config/toml.c): values, positions, definition rules, errors
 * with line:column, limits, and allocation failures. The toml-test suite
 * (tests/integration/toml_conformance.sh) covers the grammar case by case; these tests
 * pin what the rest of codex relies on. */
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/limits.h"
#include "base/strv.h"
#include "config/toml.h"
#include "test.h"

static struct toml_value *parse(const char *text, struct err *e)
{
	return toml_parse(text, strlen(text), e);
}

/* The value at a dotted path of bare keys ("a.b.c"), or NULL. */
static const struct toml_value *at(const struct toml_value *t, const char *path)
{
	char key[128];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		t = toml_table_get(t, key);
		path = dot + 1;
	}
	return toml_table_get(t, path);
}

/* Parsing must fail with this message (prefix "line:col: ..."). */
static void expect_error(const char *text, const char *want)
{
	struct err e = {{0}};
	struct toml_value *doc = parse(text, &e);

	CHECK(doc == NULL);
	CHECK_CONTAINS(e.msg, want);
	toml_free(doc);
}

TEST(scalars_of_every_kind)
{
	struct err e;
	struct toml_value *doc = parse("s = \"a\\tb\\u00e9\\U0001F600\"\n"
				       "lit = 'C:\\path'\n"
				       "i = -9_223_372_036_854_775_808\n"
				       "h = 0xDEAD_beef\n"
				       "o = 0o755\n"
				       "b = 0b1010\n"
				       "f = 6.626e-34\n"
				       "ninf = -inf\n"
				       "nan = nan\n"
				       "t = true\n"
				       "odt = 1979-05-27T07:32:00.999999-07:00\n"
				       "ldt = 1979-05-27 07:32:00\n"
				       "ld = 1979-05-27\n"
				       "lt = 00:32:00.5\n",
				       &e);
	char text[TOML_DATETIME_MAX];

	REQUIRE(doc != NULL);
	CHECK_STR(at(doc, "s")->u.str.ptr, "a\tb\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_STR(at(doc, "lit")->u.str.ptr, "C:\\path");
	CHECK(at(doc, "i")->u.integer == INT64_MIN);
	CHECK_INT(at(doc, "h")->u.integer, 0xDEADBEEF);
	CHECK_INT(at(doc, "o")->u.integer, 0755);
	CHECK_INT(at(doc, "b")->u.integer, 10);
	CHECK(at(doc, "f")->u.flt == 6.626e-34);
	CHECK(isinf(at(doc, "ninf")->u.flt) && at(doc, "ninf")->u.flt < 0);
	CHECK(isnan(at(doc, "nan")->u.flt));
	CHECK(at(doc, "t")->type == TOML_BOOL && at(doc, "t")->u.boolean);
	CHECK_INT(at(doc, "odt")->type, TOML_DATETIME);
	CHECK_INT(at(doc, "odt")->u.dt.offset_minutes, -7 * 60);
	toml_datetime_format(at(doc, "odt"), text);
	CHECK_STR(text, "1979-05-27T07:32:00.999999-07:00");
	CHECK_INT(at(doc, "ldt")->type, TOML_DATETIME_LOCAL);
	toml_datetime_format(at(doc, "ldt"), text);
	CHECK_STR(text, "1979-05-27T07:32:00");
	CHECK_INT(at(doc, "ld")->type, TOML_DATE_LOCAL);
	CHECK_INT(at(doc, "lt")->type, TOML_TIME_LOCAL);
	CHECK_INT(at(doc, "lt")->u.dt.nanosecond, 500000000);
	toml_free(doc);
}

TEST(multiline_strings_trim_and_keep_quotes)
{
	struct err e;
	struct toml_value *doc = parse("a = \"\"\"\nline1\r\nline2 \\\n   \n  cont\"\"\"\"\"\n"
				       "b = '''\n'quoted'  ''''\n",
				       &e);

	REQUIRE(doc != NULL);
	CHECK_STR(at(doc, "a")->u.str.ptr, "line1\nline2 cont\"\"");
	CHECK_STR(at(doc, "b")->u.str.ptr, "'quoted'  '");
	toml_free(doc);
}

TEST(nul_escape_is_kept_with_its_length)
{
	struct err e;
	struct toml_value *doc = parse("\"k\\u0000x\" = \"a\\u0000b\"\n", &e);

	REQUIRE(doc != NULL);
	REQUIRE(doc->u.table.n == 1);
	CHECK_INT(doc->u.table.entries[0].key_len, 3);
	CHECK_INT(doc->u.table.entries[0].value->u.str.len, 3);
	CHECK(memcmp(doc->u.table.entries[0].value->u.str.ptr, "a\0b", 3) == 0);
	toml_free(doc);
}

TEST(tables_arrays_of_tables_and_dotted_keys)
{
	struct err e;
	struct toml_value *doc = parse("[a.b]\nx = 1\n[a]\ny.z = 2\n"
				       "[[fruit]]\nname = \"apple\"\n[fruit.physical]\ncolor = \"red\"\n"
				       "[[fruit]]\nname = \"banana\"\n"
				       "inline = { p.q = 1, r = [1, \"two\", {s = 3}] }\n",
				       &e);
	const struct toml_value *fruit, *r;

	REQUIRE(doc != NULL);
	CHECK_INT(at(doc, "a.b.x")->u.integer, 1);
	CHECK_INT(at(doc, "a.y.z")->u.integer, 2);
	fruit = at(doc, "fruit");
	REQUIRE(fruit && fruit->type == TOML_ARRAY && fruit->u.array.n == 2);
	CHECK_STR(at(fruit->u.array.items[0], "physical.color")->u.str.ptr, "red");
	CHECK_STR(at(fruit->u.array.items[1], "name")->u.str.ptr, "banana");
	r = at(fruit->u.array.items[1], "inline.r");
	REQUIRE(r && r->u.array.n == 3);
	CHECK_INT(at(r->u.array.items[2], "s")->u.integer, 3);
	CHECK_INT(at(fruit->u.array.items[1], "inline.p.q")->u.integer, 1);
	toml_free(doc);
}

TEST(positions_are_line_and_character_column)
{
	struct err e;
	struct toml_value *doc = parse("# c\n\n  key = \"é\"\nnext   = [1,\n  22]\n[tab]\n", &e);

	REQUIRE(doc != NULL);
	CHECK_INT(at(doc, "key")->line, 3);
	CHECK_INT(at(doc, "key")->col, 9);
	CHECK_INT(at(doc, "next")->u.array.items[1]->line, 5);
	CHECK_INT(at(doc, "next")->u.array.items[1]->col, 3);
	CHECK_INT(at(doc, "tab")->line, 6);
	toml_free(doc);
	/* Columns count characters: the error after two 2-byte characters is column 10. */
	expect_error("k = \"éé\" x\n", "1:10: expected the end of the line, found 'x'");
}

TEST(redefinitions_are_rejected_with_positions)
{
	expect_error("a = 1\na = 2\n", "2:1: duplicate key 'a'");
	expect_error("[t]\n[t]\n", "2:2: table 't' is already defined");
	expect_error("a.b = 1\n[a]\n", "2:2: table 'a' is already defined (by dotted keys)");
	expect_error("[a.b.c]\n[a]\nb.c.d = 1\n", "3:1: cannot add keys to table 'b'");
	expect_error("a = {b = 1}\na.c = 2\n", "2:1: cannot add keys to inline table 'a'");
	expect_error("a = []\n[[a]]\n", "2:3: 'a' is already defined as a static array");
	expect_error("a = 1\n[a.b]\n", "2:2: key 'a' is already defined as an integer");
	expect_error("[[a]]\n[a]\n", "2:2: key 'a' is already defined as an array");
}

TEST(syntax_errors_say_what_and_where)
{
	expect_error("a = \"x\n", "1:5: unterminated string");
	expect_error("a = 01\n", "1:5: invalid number '01': leading zeros are not allowed");
	expect_error("a = 9223372036854775808\n", "1:5: integer out of range");
	expect_error("a = 0x8000000000000000\n", "1:5: integer out of range");
	expect_error("a = -0x1\n", "hex, octal and binary integers take no sign");
	expect_error("a = 1.\n", "1:5: invalid value '1.'");
	expect_error("a = \"\\q\"\n", "1:6: invalid escape sequence");
	expect_error("a = \"\\uD800\"\n", "U+D800 is not a Unicode scalar value");
	expect_error("a = 2021-02-29\n", "1:5: invalid date 2021-02-29");
	expect_error("a = 24:00:00\n", "invalid time 24:00:00");
	expect_error("a = {b = 1,}\n", "trailing comma in inline table");
	expect_error("a = {b = 1,\n c = 2}\n", "an inline table must fit on one line");
	expect_error("a = [1 2]\n", "1:8: expected ',' or ']' in array, found '2'");
	expect_error("a = [1,\n", "1:5: unterminated array");
	expect_error("a =\n", "1:4: expected a value, found end of line");
	expect_error("= 1\n", "1:1: expected a key, found '='");
	expect_error("[a\n", "expected ']' to close the table header");
	expect_error("a = 1\rb = 2\n", "1:6: carriage return not followed by a line feed");
	expect_error("a = \"\x01\"\n", "1:6: control character U+0001 is not allowed");
	expect_error("a = \"\xff\"\n", "1:6: invalid UTF-8 (byte 0xFF)");
	expect_error("a = \"\xed\xa0\x80\"\n", "invalid UTF-8"); /* an encoded surrogate */
	expect_error("\"\"\"k\"\"\" = 1\n", "a multi-line string cannot be a key");
}

TEST(nul_bytes_in_the_input_are_rejected)
{
	struct err e;
	static const char text[] = "a = 1\n\0b = 2\n";

	CHECK(toml_parse(text, sizeof text - 1, &e) == NULL);
	CHECK_CONTAINS(e.msg, "2:1: control character U+0000 is not allowed");
}

TEST(bom_is_skipped_only_at_the_start)
{
	struct err e;
	struct toml_value *doc = parse("\xef\xbb\xbf" "a = 1\n", &e);

	REQUIRE(doc != NULL);
	CHECK_INT(at(doc, "a")->col, 5);
	toml_free(doc);
	expect_error("a = 1\n\xef\xbb\xbf" "b = 2\n", "2:1: expected a key");
}

/* Deep nesting is refused at the limit instead of recursing further. */
TEST(nesting_depth_is_limited)
{
	size_t n = LIMIT_TOML_DEPTH + 1;
	char *deep = malloc(2 * n + 8);
	struct toml_value *doc;
	struct err e;

	REQUIRE(deep != NULL);
	memcpy(deep, "a = ", 4);
	memset(deep + 4, '[', n);
	memset(deep + 4 + n, ']', n);
	deep[4 + 2 * n] = '\0';
	doc = parse(deep, &e);
	CHECK(doc == NULL);
	CHECK_CONTAINS(e.msg, "nesting deeper than 128 levels");
	/* One level less is fine. */
	deep[4] = ' ';
	deep[4 + 2 * n - 1] = ' ';
	doc = parse(deep, &e);
	CHECK(doc != NULL);
	toml_free(doc);

	/* Tables nested through a long header count too. */
	strcpy(deep, "[a");
	for (size_t i = 1; i < n; i++)
		strcat(deep, ".a");
	strcat(deep, "]\n");
	expect_error(deep, "key has more than 128 dotted parts");
	free(deep);
}

TEST(input_size_is_limited)
{
	struct err e;

	CHECK(toml_parse("", (size_t)LIMIT_CONFIG_FILE_BYTES + 1, &e) == NULL);
	CHECK_CONTAINS(e.msg, "larger than");
}

TEST(parse_value_and_key_for_overrides)
{
	struct strv seg = STRV_INIT;
	struct toml_value *v;
	struct err e;
	size_t end = 0;
	const char *key = "model_providers.\"my-llm.x\".'base_url' = 1";

	v = toml_parse_value(" [1, {a = \"b\"}] ", strlen(" [1, {a = \"b\"}] "), &e);
	REQUIRE(v != NULL);
	CHECK_INT(v->type, TOML_ARRAY);
	toml_free(v);
	CHECK(toml_parse_value("o3", 2, &e) == NULL);
	CHECK(toml_parse_value("1 2", 3, &e) == NULL);
	CHECK_CONTAINS(e.msg, "unexpected '2' after the value");

	REQUIRE(toml_parse_key(key, strlen(key), &seg, &end, &e) == 0);
	REQUIRE(seg.n == 3);
	CHECK_STR(seg.v[0], "model_providers");
	CHECK_STR(seg.v[1], "my-llm.x");
	CHECK_STR(seg.v[2], "base_url");
	CHECK_INT(key[end], '=');
	strv_free(&seg);
	CHECK(toml_parse_key("\"a\\u0000\"", 9, &seg, &end, &e) < 0);
	CHECK_CONTAINS(e.msg, "NUL");
	CHECK(toml_parse_key("a..b", 4, &seg, &end, &e) < 0);
	strv_free(&seg);
}

TEST(large_tables_use_the_index_and_keep_order)
{
	struct strv lines = STRV_INIT;
	char *text;
	size_t len = 0;
	struct toml_value *doc, *copy;
	struct err e;

	for (int i = 0; i < 5000; i++)
		REQUIRE(strv_pushf(&lines, "k%d = %d\n", i, i) == 0);
	for (size_t i = 0; i < lines.n; i++)
		len += strlen(lines.v[i]);
	text = calloc(1, len + 1);
	REQUIRE(text != NULL);
	for (size_t i = 0; i < lines.n; i++)
		strcat(text + strlen(text), lines.v[i]);
	doc = toml_parse(text, len, &e);
	REQUIRE(doc != NULL);
	CHECK_INT(doc->u.table.n, 5000);
	CHECK_STR(doc->u.table.entries[4321].key, "k4321");
	CHECK_INT(toml_table_get(doc, "k4999")->u.integer, 4999);
	CHECK(toml_table_get(doc, "k5000") == NULL);
	copy = toml_clone(doc);
	REQUIRE(copy != NULL);
	CHECK_INT(toml_table_get(copy, "k17")->u.integer, 17);
	/* toml_table_set replaces in place. */
	REQUIRE(toml_table_set(copy, "k17", toml_table_new()) == 0);
	CHECK_INT(toml_table_get(copy, "k17")->type, TOML_TABLE);
	CHECK_INT(copy->u.table.n, 5000);
	toml_free(copy);
	toml_free(doc);
	free(text);
	strv_free(&lines);
}

/* Every prefix of a valid document parses or fails cleanly: truncation at any byte
 * (inside a string, an escape, a date, a header) never crashes or leaks. */
TEST(every_prefix_parses_or_fails_cleanly)
{
	static const char text[] =
		"title = \"T\\u00e9st\"\n[owner]\nname = 'Tom'\ndob = 1979-05-27T07:32:00-08:00\n"
		"[database]\nports = [ 8000, 8001, 8002 ]\ntemp = { cpu = 79.5, case = 72.0 }\n"
		"[[products]]\nname = \"\"\"Ham\nmer\"\"\"\nsku = 0x1F\n";

	for (size_t n = 0; n <= sizeof text - 1; n++) {
		struct err e = {{0}};
		struct toml_value *doc = toml_parse(text, n, &e);
		if (!doc)
			CHECK(e.msg[0] != '\0');
		toml_free(doc);
	}
}

TEST(parser_survives_allocation_failures)
{
	static const char text[] =
		"a = \"x\\ty\"\nb = [1, 2.5, 'z', {c = true}]\n[t.u]\nv.w = 1979-05-27\n"
		"[[arr]]\nk = \"\"\"m\nl\"\"\"\n[[arr]]\nk = 2\n";

	long runs = 0;
	bool completed = false;

	FOR_EACH_ALLOC_FAILURE(5000, {
		struct err e = {{0}};
		struct toml_value *doc = toml_parse(text, sizeof text - 1, &e);
		runs++;
		if (doc) {
			struct toml_value *copy = toml_clone(doc);
			if (copy)
				CHECK_INT(toml_table_get(copy, "arr")->u.array.n, 2);
			completed = copy && !failalloc_fired();
			toml_free(copy);
		} else {
			CHECK_CONTAINS(e.msg, "out of memory");
		}
		toml_free(doc);
	});
	CHECK(completed);
	CHECK(runs > 20);
}

/* The toml-test cases once more, in-process: under `make check` this runs every case
 * through the parser with ASan, UBSan and LSan watching (the conformance suite itself
 * drives the release build). */
static int conformance_valid, conformance_invalid, conformance_wrong;

static int conformance_case(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path), len;
	struct toml_value *doc;
	struct err e;
	char *data;
	FILE *f;

	(void)ftw;
	if (flag != FTW_F || n < 5 || strcmp(path + n - 5, ".toml") != 0)
		return 0;
	f = fopen(path, "rb");
	data = malloc((size_t)st->st_size + 1);
	if (!f || !data) {
		if (f)
			fclose(f);
		free(data);
		conformance_wrong++;
		return 0;
	}
	len = fread(data, 1, (size_t)st->st_size, f);
	fclose(f);
	doc = toml_parse(data, len, &e);
	if (strstr(path, "/valid/")) {
		conformance_valid++;
		if (!doc) {
			conformance_wrong++;
			printf("#   %s: %s\n", path, e.msg);
		}
	} else {
		conformance_invalid++;
		if (doc) {
			conformance_wrong++;
			printf("#   %s: accepted\n", path);
		}
	}
	toml_free(doc);
	free(data);
	return 0;
}

TEST(conformance_cases_in_process)
{
	const char *top = getenv("CODEX_TOP");
	char dir[4096];

	snprintf(dir, sizeof dir, "%s/../shared/conformance/toml-test", top ? top : ".");
	REQUIRE(nftw(dir, conformance_case, 16, FTW_PHYS) == 0);
	CHECK(conformance_valid > 100);
	CHECK(conformance_invalid > 300);
	CHECK_INT(conformance_wrong, 0);
}
