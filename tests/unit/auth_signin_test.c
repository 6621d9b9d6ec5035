/* src/auth sign-in pieces: PKCE, the authorize URL, the callback request parser, token
 * error details, refresh failure words, staleness. Pure functions only. */
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "test.h"

TEST(pkce_challenge_matches_rfc7636_example)
{
	char c[48];

	/* RFC 7636 appendix B. */
	auth_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", c);
	CHECK_STR(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(pkce_and_state_have_upstreams_lengths)
{
	struct auth_pkce p, q;
	char s[48], c[48];
	struct err e;

	REQUIRE(auth_pkce_new(&p, &e) == 0);
	REQUIRE(auth_pkce_new(&q, &e) == 0);
	CHECK_INT(strlen(p.verifier), 86);
	CHECK_INT(strlen(p.challenge), 43);
	CHECK(strcmp(p.verifier, q.verifier) != 0);
	CHECK(strspn(p.verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      86);
	auth_pkce_challenge(p.verifier, c);
	CHECK_STR(c, p.challenge);
	REQUIRE(auth_random_state(s, &e) == 0);
	CHECK_INT(strlen(s), 43);
}

TEST(authorize_url_has_upstreams_parameters_in_order)
{
	struct auth_pkce p;
	char *u;

	memset(&p, 0, sizeof p);
	memcpy(p.challenge, "CH", 3);
	u = auth_authorize_url("https://auth.openai.com", "app_X", "http://localhost:1455/auth/callback",
			       &p, "ST", "codex_cli_rs", NULL);
	REQUIRE(u != NULL);
	CHECK_STR(u, "https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_X"
		     "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"
		     "&scope=openid%20profile%20email%20offline_access%20api.connectors.read%20"
		     "api.connectors.invoke&code_challenge=CH&code_challenge_method=S256"
		     "&id_token_add_organizations=true&codex_cli_simplified_flow=true&state=ST"
		     "&originator=codex_cli_rs");
	free(u);
	u = auth_authorize_url("https://i", "c", "r", &p, "s", "o", " ws 1");
	REQUIRE(u != NULL);
	CHECK_CONTAINS(u, "&originator=o&allowed_workspace_id=%20ws%201");
	free(u);
	u = auth_authorize_url("https://i", "c", "r", &p, "s", "o", "  ");
	REQUIRE(u != NULL);
	CHECK(strstr(u, "allowed_workspace_id") == NULL);
	free(u);
}

static enum auth_callback_status parse(const char *s, struct auth_callback_request *r)
{
	return auth_callback_parse(s, strlen(s), r);
}

TEST(callback_parser_reads_the_query)
{
	struct auth_callback_request r;

	REQUIRE(parse("GET /auth/callback?code=a%2Bb+c&state=xyz&x=1&state=later HTTP/1.1\r\n"
		      "Host: localhost:1455\r\n\r\n", &r) == AUTH_CALLBACK_DONE);
	CHECK_STR(r.method, "GET");
	CHECK_STR(r.path, "/auth/callback");
	CHECK_STR(r.code, "a+b c");
	CHECK_STR(r.state, "xyz"); /* the first of repeated ones */
	CHECK(r.error == NULL);
	auth_callback_request_free(&r);
	REQUIRE(parse("GET /auth/callback?error=access_denied&error_description=no%20way%zz "
		      "HTTP/1.0\n\n", &r) == AUTH_CALLBACK_DONE);
	CHECK_STR(r.error, "access_denied");
	CHECK_STR(r.error_description, "no way%zz"); /* a bad escape stays as written */
	CHECK(r.code == NULL);
	auth_callback_request_free(&r);
	REQUIRE(parse("GET /success HTTP/1.1\r\n\r\n", &r) == AUTH_CALLBACK_DONE);
	CHECK_STR(r.path, "/success");
	auth_callback_request_free(&r);
}

TEST(callback_parser_needs_the_whole_head)
{
	const char *req = "GET /cancel HTTP/1.1\r\nHost: x\r\n\r\n";
	struct auth_callback_request r;
	size_t n = strlen(req);

	/* Every prefix short of the blank line asks for more. */
	for (size_t i = 0; i < n; i++) {
		CHECK(auth_callback_parse(req, i, &r) == AUTH_CALLBACK_NEED_MORE);
		auth_callback_request_free(&r);
	}
	REQUIRE(auth_callback_parse(req, n, &r) == AUTH_CALLBACK_DONE);
	CHECK_STR(r.path, "/cancel");
	auth_callback_request_free(&r);
}

TEST(callback_parser_refuses_garbage)
{
	static const char *const bad[] = {
		"\r\n\r\n",
		"GET\r\n\r\n",
		"GET  HTTP/1.1\r\n\r\n",
		"GET auth HTTP/1.1\r\n\r\n",
		"GET /a HTTP/2.0\r\n\r\n",
		"GET /a b HTTP/1.1\r\n\r\n",
		"get /a HTTP/1.1\r\n\r\n",
		"VERYLONGMETHODNAME /a HTTP/1.1\r\n\r\n",
		"GET /a\x01 HTTP/1.1\r\n\r\n",
	};
	struct auth_callback_request r;
	char *big;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse(bad[i], &r) == AUTH_CALLBACK_BAD);
		auth_callback_request_free(&r);
	}
	/* A head that never ends within the limit. */
	big = malloc(AUTH_CALLBACK_HEAD_MAX + 10);
	REQUIRE(big != NULL);
	memset(big, 'a', AUTH_CALLBACK_HEAD_MAX + 10);
	CHECK(auth_callback_parse(big, AUTH_CALLBACK_HEAD_MAX + 10, &r) == AUTH_CALLBACK_BAD);
	CHECK(auth_callback_parse(big, 100, &r) == AUTH_CALLBACK_NEED_MORE);
	free(big);
}

TEST(callback_parser_survives_allocation_failures)
{
	const char *req = "GET /auth/callback?code=c&state=s&error=e&error_description=d HTTP/1.1\r\n\r\n";

	FOR_EACH_ALLOC_FAILURE(20, {
		struct auth_callback_request r;
		if (parse(req, &r) == AUTH_CALLBACK_DONE)
			CHECK_STR(r.error_description, "d");
		auth_callback_request_free(&r);
	});
}

static void check_detail(const char *body, const char *want)
{
	char *d = auth_token_error_detail(body, strlen(body));

	CHECK_STR(d, want);
	free(d);
}

TEST(token_error_detail_in_upstreams_order)
{
	check_detail("{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}",
		     "code expired");
	check_detail("{\"error\":{\"message\":\"bad\",\"code\":\"c\"}}", "bad");
	check_detail("{\"error\":\"invalid_grant\"}", "invalid_grant");
	check_detail("{\"error\":{\"code\":\"c\"}}", "c");
	check_detail("<html>oops</html>", "<html>oops</html>");
	check_detail("", "");
}

TEST(refresh_failures_are_worded_as_upstream)
{
	const char *b;

	b = "{\"error\":{\"code\":\"refresh_token_reused\"}}";
	CHECK_CONTAINS(auth_refresh_failure_message(b, strlen(b)), "was already used");
	b = "{\"error\":\"refresh_token_expired\"}";
	CHECK_CONTAINS(auth_refresh_failure_message(b, strlen(b)), "has expired");
	b = "{\"code\":\"refresh_token_invalidated\"}";
	CHECK_CONTAINS(auth_refresh_failure_message(b, strlen(b)), "was revoked");
	b = "{\"error\":{\"code\":\"other\"}}";
	CHECK_STR(auth_refresh_failure_message(b, strlen(b)),
		  "Your access token could not be refreshed. Please log out and sign in again.");
	CHECK_STR(auth_refresh_failure_message("not json", 8),
		  "Your access token could not be refreshed. Please log out and sign in again.");
}

TEST(staleness_follows_exp_then_last_refresh)
{
	struct auth_file f = AUTH_FILE_INIT;
	char lr[] = "2026-03-01T10:00:00.5Z";

	f.tokens.access_token_exp = 1000;
	CHECK(auth_chatgpt_stale(&f, 1000));
	CHECK(!auth_chatgpt_stale(&f, 999));
	/* Without exp: eight days after last_refresh (2026-03-01T10:00:00Z = 1772359200). */
	f.tokens.access_token_exp = 0;
	f.last_refresh = lr;
	CHECK(!auth_chatgpt_stale(&f, 1772359200 + 8 * 86400));
	CHECK(auth_chatgpt_stale(&f, 1772359200 + 8 * 86400 + 1));
	f.last_refresh = NULL;
	CHECK(auth_chatgpt_stale(&f, 0));
}
