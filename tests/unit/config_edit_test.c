/* config_edit: `codex mcp add/remove` change their [mcp_servers.<name>] sections and keep
 * every other byte of a hand-written config.toml. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "test.h"

static const char hand_written[] =
	"# My codex config -- edited by hand\n"
	"model = \"gpt-5\"   # the model\n"
	"\n"
	"[sandbox_workspace_write]\n"
	"network_access = true\n"
	"\n"
	"# servers I use every day\n"
	"[mcp_servers.docs]\n"
	"command = \"npx\"   # trailing comment\n"
	"args = [\n"
	"  \"-y\",\n"
	"  \"[mcp_servers.fake]\",  # looks like a header, is a string\n"
	"]\n"
	"\n"
	"[mcp_servers.docs.env]\n"
	"API_KEY = \"abc\"\n"
	"\n"
	"   # indented comment about the next table\n"
	"[profiles.fast]\n"
	"model = \"o3\"\n"
	"s = '''\n"
	"[mcp_servers.docs]\n"
	"'''\n";

static char *edit_put(const char *text, const char *table, const char *block)
{
	struct buf out;
	struct err e;

	buf_init(&out, 1u << 20);
	if (config_edit_put_table(text, strlen(text), table, block, &out, &e) < 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

static char *edit_remove(const char *text, const char *table, bool *found)
{
	struct buf out;
	struct err e;

	buf_init(&out, 1u << 20);
	if (config_edit_remove_table(text, strlen(text), table, &out, found, &e) < 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

static const char new_block[] = "[mcp_servers.new]\nurl = \"http://127.0.0.1:9/mcp\"\n";

TEST(config_edit_add_then_remove_gives_back_every_byte)
{
	char *added = edit_put(hand_written, "mcp_servers.new", new_block), *back;
	bool found = false;

	REQUIRE(added != NULL);
	/* The original is untouched, the block follows after one blank line. */
	CHECK(strncmp(added, hand_written, strlen(hand_written)) == 0);
	CHECK_STR(added + strlen(hand_written), "\n[mcp_servers.new]\nurl = \"http://127.0.0.1:9/mcp\"\n");
	back = edit_remove(added, "mcp_servers.new", &found);
	REQUIRE(back != NULL);
	CHECK(found);
	CHECK_STR(back, hand_written);
	free(added);
	free(back);
}

TEST(config_edit_remove_keeps_comments_and_other_tables)
{
	bool found = false;
	char *out = edit_remove(hand_written, "mcp_servers.docs", &found);

	REQUIRE(out != NULL);
	CHECK(found);
	CHECK_STR(out, "# My codex config -- edited by hand\n"
		       "model = \"gpt-5\"   # the model\n"
		       "\n"
		       "[sandbox_workspace_write]\n"
		       "network_access = true\n"
		       "\n"
		       "# servers I use every day\n"
		       "\n"
		       "   # indented comment about the next table\n"
		       "[profiles.fast]\n"
		       "model = \"o3\"\n"
		       "s = '''\n"
		       "[mcp_servers.docs]\n"
		       "'''\n");
	free(out);
}

TEST(config_edit_replace_in_place)
{
	char *out = edit_put(hand_written, "mcp_servers.docs",
			     "[mcp_servers.docs]\ncommand = \"uvx\"\n");
	const char *want_head = "# servers I use every day\n[mcp_servers.docs]\ncommand = \"uvx\"\n\n"
				"   # indented comment";

	REQUIRE(out != NULL);
	CHECK(strstr(out, want_head) != NULL);
	CHECK(strstr(out, "API_KEY") == NULL);
	CHECK(strstr(out, "[profiles.fast]\nmodel = \"o3\"\ns = '''\n[mcp_servers.docs]\n'''\n") != NULL);
	free(out);
}

TEST(config_edit_absent_table_and_bad_toml)
{
	bool found = true;
	char *out = edit_remove(hand_written, "mcp_servers.none", &found);
	struct buf b;
	struct err e;

	REQUIRE(out != NULL);
	CHECK(!found);
	CHECK_STR(out, hand_written);
	free(out);
	buf_init(&b, 1024);
	CHECK(config_edit_remove_table("a = [", 5, "x", &b, &found, &e) < 0);
	buf_free(&b);
	/* An empty file gets the block alone; a file without a final newline gets one. */
	out = edit_put("", "mcp_servers.new", new_block);
	CHECK_STR(out, new_block);
	free(out);
	out = edit_put("a = 1", "mcp_servers.new", new_block);
	CHECK_STR(out, "a = 1\n\n[mcp_servers.new]\nurl = \"http://127.0.0.1:9/mcp\"\n");
	free(out);
}

TEST(config_edit_quote_escapes)
{
	struct buf b;

	buf_init(&b, 1024);
	REQUIRE(config_edit_quote(&b, "a\"b\\c\nd\x01") == 0);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\nd\\u0001\"");
	buf_free(&b);
}

TEST(config_edit_under_failing_allocations)
{
	bool completed = false;

	FOR_EACH_ALLOC_FAILURE(20000, {
		char *added = edit_put(hand_written, "mcp_servers.new", new_block), *back = NULL;
		bool found = false;
		if (added)
			back = edit_remove(added, "mcp_servers.new", &found);
		if (back && !failalloc_fired()) {
			CHECK_STR(back, hand_written);
			completed = true;
		}
		free(added);
		free(back);
	});
	CHECK(completed);
}
