/* src/mcp OAuth pieces without a network: metadata and token answers, upstream's
 * credentials key, the credentials file (format, mode, other entries kept, the file gone
 * with its last entry). The flows themselves are in tests/integration/mcp.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/file.h"
#include "mcp/mcp.h"
#include "test.h"

TEST(mcp_oauth_metadata_parse_rules)
{
	struct mcp_oauth_metadata m;
	struct err e;
	const char *ok = "{\"authorization_endpoint\":\"https://a/authorize?x=1\","
			 "\"token_endpoint\":\"http://a/token\","
			 "\"scopes_supported\":[\" read \",\"write\",\"read\",\"\",3]}";
	const char *bad[] = {"[]", "{\"authorization_endpoint\":\"https://a\"}",
			     "{\"authorization_endpoint\":\"javascript:x\",\"token_endpoint\":\"http://a\"}",
			     "{\"authorization_endpoint\":\"http://a b\",\"token_endpoint\":\"http://a\"}",
			     "{\"authorization_endpoint\":\"http://a\",\"token_endpoint\":\"http://a\","
			     "\"registration_endpoint\":\"file:///etc/passwd\"}",
			     NULL};

	memset(&m, 0, sizeof m);
	REQUIRE(mcp_oauth_metadata_parse(ok, strlen(ok), &m, &e) == 0);
	CHECK_STR(m.authorization_endpoint, "https://a/authorize?x=1");
	CHECK(m.registration_endpoint == NULL);
	CHECK_INT(m.scopes.n, 2);
	CHECK_STR(m.scopes.v[0], "read");
	CHECK_STR(m.scopes.v[1], "write");
	mcp_oauth_metadata_free(&m);
	for (int i = 0; bad[i]; i++) {
		CHECK(mcp_oauth_metadata_parse(bad[i], strlen(bad[i]), &m, &e) < 0);
		CHECK(m.authorization_endpoint == NULL);
	}
}

TEST(mcp_oauth_token_parse_keeps_what_the_answer_lacks)
{
	struct mcp_oauth_tokens t;
	struct err e;
	const char *first = "{\"access_token\":\"a1\",\"refresh_token\":\"r1\",\"expires_in\":60,"
			    "\"scope\":\"x  y\"}";
	const char *refresh = "{\"access_token\":\"a2\"}";
	const char *bad = "{\"access_token\":\"a\\r\\nX-Evil: 1\"}";

	memset(&t, 0, sizeof t);
	REQUIRE(mcp_oauth_token_parse(first, strlen(first), 1000, &t, &e) == 0);
	CHECK_STR(t.access_token, "a1");
	CHECK_INT(t.expires_at, 61000);
	CHECK_INT(t.scopes.n, 2);
	/* A refresh answer without a refresh token or scope keeps the old ones. */
	REQUIRE(mcp_oauth_token_parse(refresh, strlen(refresh), 5000, &t, &e) == 0);
	CHECK_STR(t.access_token, "a2");
	CHECK_STR(t.refresh_token, "r1");
	CHECK_INT(t.expires_at, 0);
	CHECK_INT(t.scopes.n, 2);
	/* A token that would break a header is refused; nothing changes. */
	CHECK(mcp_oauth_token_parse(bad, strlen(bad), 0, &t, &e) < 0);
	CHECK_STR(t.access_token, "a2");
	mcp_oauth_tokens_free(&t);
}

TEST(mcp_oauth_store_key_is_upstreams)
{
	char *k = mcp_oauth_store_key("web", "http://127.0.0.1:9/mcp");

	/* python: sha256(json.dumps({"type":"http","url":u,"headers":{}}, separators=(",",":"))) */
	CHECK_STR(k, "web|e49b00bf48cb4d25");
	free(k);
	k = mcp_oauth_store_key("x", "http://h/\"q\xc3\xa9");
	CHECK_STR(k, "x|eace96ceb86f7f2e");
	free(k);
}

TEST(mcp_oauth_store_save_load_delete)
{
	char home[512], path[600];
	struct mcp_oauth_tokens t, got;
	struct stat st;
	struct buf b;
	struct err e;

	snprintf(home, sizeof home, "%s/oauth-home", test_tmpdir());
	snprintf(path, sizeof path, "%s/.credentials.json", home);
	memset(&t, 0, sizeof t);
	memset(&got, 0, sizeof got);
	t.server_name = "web";
	t.server_url = "http://127.0.0.1:9/mcp";
	t.client_id = "c1";
	t.access_token = "at";
	t.expires_at = 1700000000123;
	REQUIRE(strv_push(&t.scopes, "read") == 0);
	CHECK_INT(mcp_oauth_store_load(home, "web", t.server_url, &got, &e), 0);
	REQUIRE(mcp_oauth_store_save(home, &t, &e) == 0);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	buf_init(&b, 1u << 20);
	REQUIRE(file_read_all(path, &b, &e) == 0);
	CHECK_STR(b.data, "{\"web|e49b00bf48cb4d25\":{\"server_name\":\"web\",\"server_url\":"
			  "\"http://127.0.0.1:9/mcp\",\"client_id\":\"c1\",\"access_token\":\"at\","
			  "\"expires_at\":1700000000123,\"refresh_token\":null,\"scopes\":[\"read\"]}}");
	buf_free(&b);
	CHECK_INT(mcp_oauth_store_load(home, "web", t.server_url, &got, &e), 1);
	CHECK_STR(got.access_token, "at");
	CHECK(got.refresh_token == NULL);
	CHECK_INT(got.expires_at, 1700000000123);
	mcp_oauth_tokens_free(&got);
	/* Another server's entry sorts first and survives web's removal. */
	t.server_name = "a";
	REQUIRE(mcp_oauth_store_save(home, &t, &e) == 0);
	CHECK_INT(mcp_oauth_store_delete(home, "web", t.server_url, &e), 1);
	CHECK_INT(mcp_oauth_store_delete(home, "web", t.server_url, &e), 0);
	CHECK_INT(mcp_oauth_store_load(home, "a", t.server_url, &got, &e), 1);
	mcp_oauth_tokens_free(&got);
	CHECK_INT(mcp_oauth_store_delete(home, "a", t.server_url, &e), 1);
	CHECK(stat(path, &st) < 0);
	/* A file that is not upstream's format is an error, never overwritten. */
	REQUIRE(file_write_atomic(path, "[1]", 3, 0600, &e) == 0);
	CHECK(mcp_oauth_store_save(home, &t, &e) < 0);
	CHECK(mcp_oauth_store_load(home, "a", t.server_url, &got, &e) < 0);
	strv_free(&t.scopes);
}

/* Every allocation of the parsers and the key may fail: an error, never a crash or a
 * leak (the sanitizer build checks the leaks). */
TEST(mcp_oauth_parsers_under_failing_allocations)
{
	const char *md = "{\"authorization_endpoint\":\"http://a/x\",\"token_endpoint\":\"http://a/t\","
			 "\"registration_endpoint\":\"http://a/r\",\"scopes_supported\":[\"a\",\"b\"]}";
	const char *tok = "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":5,"
			  "\"scope\":\"x y\"}";
	const char *store = "{\"k\":{\"server_name\":\"web\",\"server_url\":\"u\",\"client_id\":\"c\","
			    "\"access_token\":\"t\",\"expires_at\":5,\"refresh_token\":\"r\","
			    "\"scopes\":[\"s\"]}}";
	bool completed = false;

	FOR_EACH_ALLOC_FAILURE(5000, {
		struct mcp_oauth_metadata m;
		struct mcp_oauth_tokens t, s;
		struct err e;
		int found = 0, a, b, c;
		char *k;
		memset(&m, 0, sizeof m);
		memset(&t, 0, sizeof t);
		memset(&s, 0, sizeof s);
		a = mcp_oauth_metadata_parse(md, strlen(md), &m, &e);
		b = mcp_oauth_token_parse(tok, strlen(tok), 0, &t, &e);
		c = mcp_oauth_store_parse(store, strlen(store), "k", &s, &found, &e);
		k = mcp_oauth_store_key("web", "http://127.0.0.1:9/mcp");
		if (a == 0 && b == 0 && c == 0 && found && k && !failalloc_fired()) {
			CHECK_INT(m.scopes.n, 2);
			CHECK_INT(t.scopes.n, 2);
			CHECK_STR(s.refresh_token, "r");
			CHECK_STR(k, "web|e49b00bf48cb4d25");
			completed = true;
		}
		mcp_oauth_metadata_free(&m);
		mcp_oauth_tokens_free(&t);
		mcp_oauth_tokens_free(&s);
		free(k);
	});
	CHECK(completed);
}
