/* src/auth: auth.json in upstream's exact format, JWT claims, credential resolution. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/base64.h"
#include "base/file.h"
#include "test.h"

/* An unsigned JWT (as the reference's mock issuer makes them) with this payload. */
static char *make_jwt(const char *payload)
{
	char *h = base64_encode("{\"alg\":\"none\",\"typ\":\"JWT\"}", 27, true);
	char *p = base64_encode(payload, strlen(payload), true);
	char *s = base64_encode("sig", 3, true);
	char *out = malloc(strlen(h) + strlen(p) + strlen(s) + 3);

	sprintf(out, "%s.%s.%s", h, p, s);
	free(h);
	free(p);
	free(s);
	return out;
}

static const char *ID_PAYLOAD =
	"{\"email\":\"user@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_plan_type\":"
	"\"pro\",\"chatgpt_account_id\":\"acc-123\",\"chatgpt_user_id\":\"user-9\","
	"\"is_org_owner\":true}}";

/* A ChatGPT auth.json as 0.118 writes it after a device login (codex-login.md §8). */
static char *chatgpt_file(const char *account_id_json, const char *extra_top,
			  const char *extra_tokens)
{
	char *id = make_jwt(ID_PAYLOAD);
	char *access = make_jwt("{\"exp\":1700000000,\"https://api.openai.com/auth\":"
				"{\"chatgpt_plan_type\":\"pro\"}}");
	char *out;

	if (asprintf(&out,
		     "{\n  \"auth_mode\": \"chatgpt\",\n  \"OPENAI_API_KEY\": null,\n  \"tokens\": {\n"
		     "    \"id_token\": \"%s\",\n    \"access_token\": \"%s\",\n"
		     "    \"refresh_token\": \"rt-1\",\n    \"account_id\": %s%s\n  },\n"
		     "  \"last_refresh\": \"2026-12-04T15:02:10.658983008Z\"%s\n}",
		     id, access, account_id_json, extra_tokens, extra_top) < 0)
		out = NULL;
	free(id);
	free(access);
	return out;
}

TEST(api_key_file_is_upstreams_exact_bytes)
{
	const char *home = test_tmpdir();
	struct err e;
	struct stat st;
	char path[4200], *got;

	REQUIRE(auth_save_api_key(home, "sk-test-123", &e) == 0);
	snprintf(path, sizeof path, "%s/auth.json", home);
	got = test_read_file(path);
	CHECK_STR(got, "{\n  \"auth_mode\": \"apikey\",\n  \"OPENAI_API_KEY\": \"sk-test-123\"\n}");
	free(got);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(st.st_uid, getuid());
}

TEST(chatgpt_file_parses_and_rewrites_byte_for_byte)
{
	char *text = chatgpt_file("\"acc-123\"", "", "");
	struct auth_file f = AUTH_FILE_INIT;
	struct err e;
	char *again;

	REQUIRE(text);
	REQUIRE(auth_file_parse(text, strlen(text), &f, &e) == 1);
	CHECK(f.has_mode);
	CHECK_INT(f.mode, AUTH_MODE_CHATGPT);
	CHECK(f.api_key == NULL);
	REQUIRE(f.has_tokens);
	CHECK_STR(f.tokens.refresh_token, "rt-1");
	CHECK_STR(f.tokens.account_id, "acc-123");
	CHECK_STR(f.tokens.id_claims.email, "user@example.com");
	CHECK_STR(f.tokens.id_claims.plan_type, "pro");
	CHECK_STR(f.tokens.id_claims.account_id, "acc-123");
	CHECK_STR(f.tokens.id_claims.user_id, "user-9");
	CHECK(f.tokens.id_claims.is_org_owner);
	CHECK(!f.tokens.id_claims.completed_platform_onboarding);
	CHECK_INT(f.tokens.access_token_exp, 1700000000);
	CHECK_STR(f.last_refresh, "2026-12-04T15:02:10.658983008Z");
	again = auth_file_serialize(&f);
	CHECK_STR(again, text);
	free(again);
	auth_file_free(&f);
	free(text);
	/* A null account id stays null. */
	text = chatgpt_file("null", "", "");
	REQUIRE(auth_file_parse(text, strlen(text), &f, &e) == 1);
	CHECK(f.tokens.account_id == NULL);
	again = auth_file_serialize(&f);
	CHECK_STR(again, text);
	free(again);
	auth_file_free(&f);
	free(text);
}

TEST(unknown_members_survive_a_rewrite)
{
	char *text = chatgpt_file("\"acc\"", ",\n  \"future\": {\n    \"x\": [\n      1\n    ]\n  }",
				  ",\n    \"scope\": \"openid\"");
	struct auth_file f = AUTH_FILE_INIT;
	struct err e;
	char *again;

	REQUIRE(auth_file_parse(text, strlen(text), &f, &e) == 1);
	free(f.tokens.refresh_token);
	f.tokens.refresh_token = strdup("rt-2");
	again = auth_file_serialize(&f);
	CHECK_CONTAINS(again, "\"refresh_token\": \"rt-2\",\n    \"account_id\": \"acc\",\n"
			      "    \"scope\": \"openid\"\n  },");
	CHECK_CONTAINS(again, "\"last_refresh\": \"2026-12-04T15:02:10.658983008Z\",\n"
			      "  \"future\": {\n    \"x\": [\n      1\n    ]\n  }\n}");
	free(again);
	auth_file_free(&f);
	free(text);
}

TEST(mode_follows_upstreams_rule_when_absent)
{
	struct auth_file f = AUTH_FILE_INIT;
	struct err e;
	const char *old_key = "{\"OPENAI_API_KEY\":\"sk-old\"}";
	char *again;

	REQUIRE(auth_file_parse(old_key, strlen(old_key), &f, &e) == 1);
	CHECK(!f.has_mode);
	CHECK_INT(f.mode, AUTH_MODE_APIKEY);
	/* Rewriting an older file does not invent an auth_mode. */
	again = auth_file_serialize(&f);
	CHECK_STR(again, "{\n  \"OPENAI_API_KEY\": \"sk-old\"\n}");
	free(again);
	auth_file_free(&f);
	REQUIRE(auth_file_parse("{\"OPENAI_API_KEY\":null}", 23, &f, &e) == 1);
	CHECK_INT(f.mode, AUTH_MODE_CHATGPT);
	auth_file_free(&f);
}

static void parse_fails(const char *text, const char *want)
{
	struct auth_file f = AUTH_FILE_INIT;
	struct err e = {{0}};

	CHECK_INT(auth_file_parse(text, strlen(text), &f, &e), -1);
	CHECK_CONTAINS(e.msg, want);
	CHECK(f.api_key == NULL && f.extra == NULL);
}

TEST(bad_files_are_clear_errors)
{
	char *jwt = make_jwt("{}");
	char buf[2048];

	parse_fails("{\"OPENAI_API_KEY\": \"x\"", "auth.json: invalid JSON at line 1");
	parse_fails("[]", "auth.json: expected a JSON object");
	parse_fails("{\"auth_mode\":\"apikey\"}", "auth_mode is \"apikey\" but OPENAI_API_KEY is "
						  "missing");
	parse_fails("{\"auth_mode\":\"magic\"}", "unknown auth_mode \"magic\"");
	parse_fails("{\"OPENAI_API_KEY\":42}", "OPENAI_API_KEY must be a string");
	parse_fails("{\"tokens\":[]}", "tokens must be an object");
	parse_fails("{\"tokens\":{\"id_token\":\"x\"}}", "needs id_token, access_token and "
							 "refresh_token");
	parse_fails("{\"tokens\":{\"id_token\":\"not-a-jwt\",\"access_token\":\"a\","
		    "\"refresh_token\":\"r\"}}",
		    "tokens.id_token: the token is not a JWT");
	parse_fails("{\"tokens\":{\"id_token\":\"a.!!!.c\",\"access_token\":\"a\","
		    "\"refresh_token\":\"r\"}}",
		    "tokens.id_token: the token's payload is not base64url");
	snprintf(buf, sizeof buf,
		 "{\"tokens\":{\"id_token\":\"%s\",\"access_token\":\"opaque\","
		 "\"refresh_token\":\"r\"},\"last_refresh\":\"yesterday\"}",
		 jwt);
	parse_fails(buf, "last_refresh is not an RFC 3339 time");
	free(jwt);
	/* The payload must be a JSON object. */
	jwt = make_jwt("[1]");
	snprintf(buf, sizeof buf,
		 "{\"tokens\":{\"id_token\":\"%s\",\"access_token\":\"a\",\"refresh_token\":\"r\"}}",
		 jwt);
	parse_fails(buf, "the token's payload is not a JSON object");
	free(jwt);
}

TEST(load_reports_path_and_missing_file)
{
	const char *home = test_tmpdir();
	struct auth_file f = AUTH_FILE_INIT;
	struct err e;

	CHECK_INT(auth_file_load(home, &f, &e), 0);
	test_write_file("auth.json", "not json");
	CHECK_INT(auth_file_load(home, &f, &e), -1);
	CHECK_CONTAINS(e.msg, "/auth.json: invalid JSON at line 1, column 1");
	CHECK_INT(auth_file_remove(home, &e), 1);
	CHECK_INT(auth_file_remove(home, &e), 0);
}

TEST(save_is_0600_whatever_the_umask_and_old_mode)
{
	const char *home = test_tmpdir();
	const char *path = test_write_file("auth.json", "{\"OPENAI_API_KEY\":\"old\"}");
	struct err e;
	struct stat st;
	mode_t old = umask(0);

	REQUIRE(chmod(path, 0644) == 0);
	CHECK(auth_save_api_key(home, "sk-new", &e) == 0);
	umask(old);
	REQUIRE(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
}

TEST(failed_save_leaves_the_old_file)
{
	const char *home = test_tmpdir();
	const char *path = test_write_file("auth.json", "{\"OPENAI_API_KEY\":\"old\"}");
	struct err e;

	for (int step = 1; step <= 4; step++) {
		char *got;
		file_atomic_fail_after = step;
		CHECK(auth_save_api_key(home, "sk-new", &e) < 0);
		file_atomic_fail_after = 0;
		got = test_read_file(path);
		CHECK_STR(got, "{\"OPENAI_API_KEY\":\"old\"}");
		free(got);
	}
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", home);
	CHECK(system(cmd) == 0);
}

TEST(save_writes_through_a_symlink)
{
	const char *home = test_tmpdir();
	const char *target = test_write_file("secrets/codex-auth.json", "{}");
	char link[4200];
	struct err e;
	struct stat st;
	char *got;

	snprintf(link, sizeof link, "%s/auth.json", home);
	REQUIRE(symlink(target, link) == 0);
	REQUIRE(auth_save_api_key(home, "sk-link", &e) == 0);
	REQUIRE(lstat(link, &st) == 0);
	CHECK(S_ISLNK(st.st_mode));
	got = test_read_file(target);
	CHECK_CONTAINS(got, "sk-link");
	free(got);
}

TEST(save_creates_codex_home)
{
	char home[4200];
	struct err e;
	struct stat st;

	snprintf(home, sizeof home, "%s/newhome", test_tmpdir());
	REQUIRE(auth_save_api_key(home, "k", &e) == 0);
	REQUIRE(stat(home, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0700);
}

TEST(masking_matches_login_status)
{
	char *m = auth_mask_api_key("sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG");
	CHECK_STR(m, "sk-proj-***CDEFG");
	free(m);
	m = auth_mask_api_key("sk-1234567890");
	CHECK_STR(m, "***");
	free(m);
	m = auth_mask_api_key("sk-12345678901");
	CHECK_STR(m, "sk-12345***78901");
	free(m);
}

/* ---- resolution ------------------------------------------------------------------- */

struct saved_env {
	const char *name;
	char *value;
};

static const char *const env_names[] = {"CODEX_API_KEY", "OPENAI_API_KEY", "TEST_PROVIDER_KEY",
					NULL};
static struct saved_env saved[4];

static void env_save_clear(void)
{
	for (int i = 0; env_names[i]; i++) {
		const char *v = getenv(env_names[i]);
		saved[i].name = env_names[i];
		saved[i].value = v ? strdup(v) : NULL;
		unsetenv(env_names[i]);
	}
}

static void env_restore(void)
{
	for (int i = 0; env_names[i]; i++) {
		if (saved[i].value)
			setenv(saved[i].name, saved[i].value, 1);
		else
			unsetenv(saved[i].name);
		free(saved[i].value);
		saved[i].value = NULL;
	}
}

static enum auth_source resolve(const struct auth_request_opts *o, char **bearer,
				struct err *e)
{
	struct auth_credentials c = AUTH_CREDENTIALS_INIT;
	enum auth_source s;

	*bearer = NULL;
	if (auth_resolve(o, &c, e) < 0)
		return (enum auth_source)-1;
	s = c.source;
	*bearer = c.bearer ? strdup(c.bearer) : NULL;
	auth_credentials_free(&c);
	return s;
}

TEST(resolution_order_for_openai)
{
	const char *home = test_tmpdir();
	struct auth_request_opts o = {home, NULL, NULL, NULL, true, true};
	struct err e;
	char *b;

	env_save_clear();
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_NONE);
	CHECK(b == NULL);
	REQUIRE(auth_save_api_key(home, "sk-file", &e) == 0);
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_FILE_API_KEY);
	CHECK_STR(b, "sk-file");
	free(b);
	setenv("OPENAI_API_KEY", "  sk-env\n", 1);
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_OPENAI_API_KEY);
	CHECK_STR(b, "sk-env");
	free(b);
	setenv("CODEX_API_KEY", "sk-codex", 1);
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_CODEX_API_KEY);
	CHECK_STR(b, "sk-codex");
	free(b);
	/* Outside exec CODEX_API_KEY does not count; a blank one never does. */
	o.codex_api_key_env = false;
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_OPENAI_API_KEY);
	free(b);
	o.codex_api_key_env = true;
	setenv("CODEX_API_KEY", " ", 1);
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_OPENAI_API_KEY);
	free(b);
	env_restore();
}

TEST(resolution_for_custom_providers)
{
	const char *home = test_tmpdir();
	struct auth_request_opts o = {home, "TEST_PROVIDER_KEY", "Get one at example.com.", NULL,
				      false, true};
	struct err e;
	char *b;

	env_save_clear();
	REQUIRE(auth_save_api_key(home, "sk-file", &e) == 0);
	setenv("OPENAI_API_KEY", "sk-openai", 1);
	CHECK_INT((int)resolve(&o, &b, &e), -1);
	CHECK_STR(e.msg, "Missing environment variable: `TEST_PROVIDER_KEY`. Get one at "
			 "example.com.");
	setenv("TEST_PROVIDER_KEY", "", 1);
	CHECK_INT((int)resolve(&o, &b, &e), -1);
	setenv("TEST_PROVIDER_KEY", "pk-1", 1);
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_ENV_KEY);
	CHECK_STR(b, "pk-1");
	free(b);
	/* No env_key: the bearer token, else nothing; the user's OpenAI key never goes to a
	 * provider that does not take OpenAI credentials. */
	o.env_key = NULL;
	o.bearer_token = "bt-1";
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_BEARER_TOKEN);
	CHECK_STR(b, "bt-1");
	free(b);
	o.bearer_token = NULL;
	CHECK_INT(resolve(&o, &b, &e), AUTH_SOURCE_NONE);
	CHECK(b == NULL);
	env_restore();
}

TEST(resolution_with_chatgpt_tokens)
{
	const char *home = test_tmpdir();
	struct auth_request_opts o = {home, NULL, NULL, NULL, true, false};
	struct auth_credentials c = AUTH_CREDENTIALS_INIT;
	char *text = chatgpt_file("\"acc-123\"", "", "");
	char *no_refresh;
	struct err e;

	env_save_clear();
	test_write_file("auth.json", text);
	REQUIRE(auth_resolve(&o, &c, &e) == 0);
	CHECK_INT(c.source, AUTH_SOURCE_FILE_CHATGPT);
	CHECK_STR(c.account_id, "acc-123");
	CHECK(c.bearer && strncmp(c.bearer, "eyJ", 3) == 0);
	CHECK_STR(c.bearer, c.file.tokens.access_token);
	auth_credentials_free(&c);
	/* Tokens without last_refresh are not usable (upstream's rule). */
	no_refresh = strdup(text);
	*strstr(no_refresh, ",\n  \"last_refresh\"") = '\0';
	strcat(no_refresh, "\n}");
	test_write_file("auth.json", no_refresh);
	CHECK(auth_resolve(&o, &c, &e) < 0);
	CHECK_STR(e.msg, "Token data is not available.");
	auth_credentials_free(&c);
	/* A broken file is an error, not silently "no credentials". */
	test_write_file("auth.json", "{");
	CHECK(auth_resolve(&o, &c, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid JSON");
	free(no_refresh);
	free(text);
	env_restore();
}

TEST(parse_and_serialize_survive_allocation_failures)
{
	char *text = chatgpt_file("\"acc\"", ",\n  \"x\": [\n    1\n  ]", ",\n    \"y\": 2");

	FOR_EACH_ALLOC_FAILURE(400, {
		struct auth_file f = AUTH_FILE_INIT;
		struct err e;
		if (auth_file_parse(text, strlen(text), &f, &e) == 1) {
			char *s = auth_file_serialize(&f);
			if (s)
				CHECK_STR(s, text);
			free(s);
		}
		auth_file_free(&f);
	});
	free(text);
}
