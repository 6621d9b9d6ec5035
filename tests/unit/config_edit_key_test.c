/* config_edit_set_key: one key of a table changes, every other byte stays. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "config/config.h"
#include "test.h"

static char *set(const char *text, const char *key, const char *value, struct err *e)
{
	struct buf out;

	buf_init(&out, 1u << 20);
	if (config_edit_set_key(text, strlen(text), "network", key, value, &out, e) < 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

TEST(set_key_replaces_a_multiline_value_in_place)
{
	struct err e;
	char *r = set("# top\n[network]\nenabled = true # c\n  allowed_domains = [\n  \"a\", # x\n  \"b\",\n]\n"
		      "mode = \"full\"\n\n[other]\nallowed_domains = [\"z\"]\n",
		      "allowed_domains", "[\"a\", \"c\"]", &e);

	REQUIRE(r);
	CHECK_STR(r, "# top\n[network]\nenabled = true # c\n  allowed_domains = [\"a\", \"c\"]\n"
		     "mode = \"full\"\n\n[other]\nallowed_domains = [\"z\"]\n");
	free(r);
}

TEST(set_key_adds_after_the_sections_last_content)
{
	struct err e;
	char *r = set("[network]\nenabled = true\n\n# about projects\n[projects.\"/x\"]\ntrust_level = \"trusted\"\n",
		      "denied_domains", "[\"d\"]", &e);

	REQUIRE(r);
	CHECK_STR(r, "[network]\nenabled = true\ndenied_domains = [\"d\"]\n\n# about projects\n"
		     "[projects.\"/x\"]\ntrust_level = \"trusted\"\n");
	free(r);
	r = set("[network]", "denied_domains", "[]", &e);
	REQUIRE(r);
	CHECK_STR(r, "[network]\ndenied_domains = []\n");
	free(r);
}

TEST(set_key_adds_the_section_at_the_end)
{
	struct err e;
	char *r = set("model = \"m\"", "allowed_domains", "[\"h\"]", &e);

	REQUIRE(r);
	CHECK_STR(r, "model = \"m\"\n\n[network]\nallowed_domains = [\"h\"]\n");
	free(r);
	r = set("", "allowed_domains", "[\"h\"]", &e);
	REQUIRE(r);
	CHECK_STR(r, "[network]\nallowed_domains = [\"h\"]\n");
	free(r);
}

TEST(set_key_refuses_tables_it_cannot_edit)
{
	struct err e;

	CHECK(set("network.enabled = true\n", "allowed_domains", "[]", &e) == NULL);
	CHECK(strstr(e.msg, "cannot be edited in place") != NULL);
	CHECK(set("network = {enabled = true}\n", "allowed_domains", "[]", &e) == NULL);
	CHECK(set("[network\n", "allowed_domains", "[]", &e) == NULL); /* does not parse */
	CHECK(set("[network]\n", "allowed_domains", "[", &e) == NULL); /* result would not */
}

TEST(set_key_adds_after_a_multiline_value_not_inside_it)
{
	struct err e;
	char *r = set("[network]\ns = '''a\n# not a comment\n\n'''\n", "allowed_domains", "[\"h\"]", &e);

	REQUIRE(r);
	CHECK_STR(r, "[network]\ns = '''a\n# not a comment\n\n'''\nallowed_domains = [\"h\"]\n");
	free(r);
}

TEST(set_key_in_a_crlf_file)
{
	struct err e;
	char *r = set("[network]\r\nallowed_domains = [\"a\"]\r\n[b] \r\nx = 1\r\n", "allowed_domains",
		      "[\"a\", \"h\"]", &e);

	REQUIRE(r);
	CHECK_STR(r, "[network]\r\nallowed_domains = [\"a\", \"h\"]\r\n[b] \r\nx = 1\r\n");
	free(r);
	r = set("[network]\r\n[b]\r\nx = 1\r\n", "denied_domains", "[]", &e);
	REQUIRE(r);
	CHECK_STR(r, "[network]\r\ndenied_domains = []\r\n[b]\r\nx = 1\r\n");
	free(r);
}

static char *set_in(const char *text, const char *table, const char *key, const char *value,
		    struct err *e)
{
	struct buf out;

	buf_init(&out, 1u << 20);
	if (config_edit_set_key(text, strlen(text), table, key, value, &out, e) < 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

TEST(set_key_in_the_root_table)
{
	struct err e;
	/* replaced where it is, never inside a table of the same key */
	char *r = set_in("# mine\nmodel = \"a\" # c\n\n[tui]\nmodel = 1\n", "", "model", "\"b\"", &e);

	REQUIRE(r);
	CHECK_STR(r, "# mine\nmodel = \"b\"\n\n[tui]\nmodel = 1\n");
	free(r);
	/* added after the root's last content, before the first header */
	r = set_in("a = 1\n\n[t]\nb = 2\n", "", "service_tier", "\"fast\"", &e);
	REQUIRE(r);
	CHECK_STR(r, "a = 1\nservice_tier = \"fast\"\n\n[t]\nb = 2\n");
	free(r);
	/* a root with no keys: first line */
	r = set_in("[t]\nb = 2\n", "", "personality", "\"friendly\"", &e);
	REQUIRE(r);
	CHECK_STR(r, "personality = \"friendly\"\n[t]\nb = 2\n");
	free(r);
	r = set_in("", "", "model", "\"m\"", &e);
	REQUIRE(r);
	CHECK_STR(r, "model = \"m\"\n");
	free(r);
}

TEST(set_key_removes_a_key)
{
	struct err e;
	char *r = set_in("a = 1\nservice_tier = \"fast\"\nb = [\n 1,\n]\n[t]\nservice_tier = 2\n", "",
			 "service_tier", NULL, &e);

	REQUIRE(r);
	CHECK_STR(r, "a = 1\nb = [\n 1,\n]\n[t]\nservice_tier = 2\n");
	free(r);
	r = set_in("[features]\nx = true\ny = [\n 1]\n", "features", "y", NULL, &e);
	REQUIRE(r);
	CHECK_STR(r, "[features]\nx = true\n");
	free(r);
	/* absent: the text as it was, and no new section */
	r = set_in("a = 1", "features", "y", NULL, &e);
	REQUIRE(r);
	CHECK_STR(r, "a = 1");
	free(r);
	r = set_in("a = 1", "", "y", NULL, &e);
	REQUIRE(r);
	CHECK_STR(r, "a = 1");
	free(r);
}

TEST(set_key_quotes_a_key_that_is_not_bare)
{
	struct err e;
	/* a model slug holds dots: written bare it would be a dotted path */
	char *r = set_in("", "notice.model_migrations", "gpt-5.3-codex", "\"gpt-5.4\"", &e);

	REQUIRE(r);
	CHECK_STR(r, "[notice.model_migrations]\n\"gpt-5.3-codex\" = \"gpt-5.4\"\n");
	free(r);
	/* found again under its quoted form, replaced there */
	r = set_in("[notice.model_migrations]\n\"gpt-5.3-codex\" = \"x\"\n", "notice.model_migrations",
		   "gpt-5.3-codex", "\"gpt-5.4\"", &e);
	REQUIRE(r);
	CHECK_STR(r, "[notice.model_migrations]\n\"gpt-5.3-codex\" = \"gpt-5.4\"\n");
	free(r);
	r = set_in("[t]\n", "t", "a\"b", "1", &e);
	REQUIRE(r);
	CHECK_STR(r, "[t]\n\"a\\\"b\" = 1\n");
	free(r);
}

TEST(set_key_in_a_table_only_its_sub_tables_made)
{
	struct err e;
	/* [notice] exists through [notice.model_migrations]: its own header may follow */
	char *r = set_in("[notice.model_migrations]\n\"a\" = \"b\"\n", "notice",
			 "hide_rate_limit_model_nudge", "true", &e);

	REQUIRE(r);
	CHECK_STR(r, "[notice.model_migrations]\n\"a\" = \"b\"\n\n[notice]\n"
		     "hide_rate_limit_model_nudge = true\n");
	free(r);
	/* made by dotted keys: refused */
	CHECK(set_in("notice.x = 1\n", "notice", "y", "true", &e) == NULL);
	CHECK(strstr(e.msg, "cannot be edited in place") != NULL);
}
