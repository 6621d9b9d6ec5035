/* The proxy environment (sandbox_proxy_env): a pure function of the caller's
 * environment and the ports, checked key by key against reference §7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sandbox.h"
#include "test.h"

static const char *const http_keys[] = {
	"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "YARN_HTTP_PROXY",
	"YARN_HTTPS_PROXY", "npm_config_https_proxy",
	"npm_config_proxy", "NPM_CONFIG_HTTPS_PROXY",
	"NPM_CONFIG_PROXY", "BUNDLE_HTTP_PROXY", "BUNDLE_HTTPS_PROXY", "PIP_PROXY",
	"DOCKER_HTTP_PROXY", "DOCKER_HTTPS_PROXY", "WS_PROXY", "WSS_PROXY", "ws_proxy",
	"wss_proxy", NULL};
static const char *const all_keys[] = {"ALL_PROXY", "all_proxy", "FTP_PROXY", "ftp_proxy",
				       NULL};
static const char *const no_proxy_keys[] = {"NO_PROXY", "no_proxy", "npm_config_noproxy",
					    "NPM_CONFIG_NOPROXY", "BUNDLE_NO_PROXY", NULL};

static int user_env(struct strv *env)
{
	static const char *const entries[] = {
		"PATH=/usr/bin:/bin", "HOME=/home/u",
		"HTTP_PROXY=http://corp.example:8080", "https_proxy=http://corp.example:8080",
		"Http_Proxy=http://odd.case:1", "ALL_PROXY=socks5://corp:1080",
		"NO_PROXY=*", "no_proxy=internal.example", "YARN_NO_PROXY=x",
		"npm_config_http_proxy=http://corp.example:8080",
		"NPM_CONFIG_HTTP_PROXY=http://corp.example:8080",
		"CODEX_NETWORK_ALLOW_LOCAL_BINDING=1", "NODE_USE_ENV_PROXY=0",
		"HTTP_PROXY_EXTRA=kept", "PROXY=kept", "EMPTY=", NULL};

	for (size_t i = 0; entries[i]; i++)
		if (strv_push(env, entries[i]) < 0)
			return -1;
	return 0;
}

static size_t count_named(const struct strv *env, const char *key)
{
	size_t n = 0, len = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (strncasecmp(env->v[i], key, len) == 0 && env->v[i][len] == '=')
			n++;
	return n;
}

TEST(proxy_env_with_socks_and_no_local_binding)
{
	struct strv env = STRV_INIT;
	struct sandbox_proxy_ports ports = {3128, 1080, false};
	struct err e;

	REQUIRE(user_env(&env) == 0);
	REQUIRE(sandbox_proxy_env(&env, &ports, &e) == 0);
	for (size_t k = 0; http_keys[k]; k++)
		CHECK_STR(strv_getenv(&env, http_keys[k]), "http://127.0.0.1:3128");
	for (size_t k = 0; all_keys[k]; k++)
		CHECK_STR(strv_getenv(&env, all_keys[k]), "socks5h://127.0.0.1:1080");
	for (size_t k = 0; no_proxy_keys[k]; k++)
		CHECK_STR(strv_getenv(&env, no_proxy_keys[k]), "");
	CHECK(strv_getenv(&env, "YARN_NO_PROXY") == NULL);
	/* npm knows no "http-proxy" key (it warns about it): removed, never set. */
	CHECK_INT(count_named(&env, "npm_config_http_proxy"), 0);
	CHECK_STR(strv_getenv(&env, "ELECTRON_GET_USE_PROXY"), "true");
	CHECK_STR(strv_getenv(&env, "NODE_USE_ENV_PROXY"), "1");
	CHECK_STR(strv_getenv(&env, "CODEX_NETWORK_PROXY_ACTIVE"), "1");
	CHECK_STR(strv_getenv(&env, "CODEX_NETWORK_ALLOW_LOCAL_BINDING"), "0");
	/* The user's settings are gone, whatever their case; each key is there once. */
	CHECK(strv_getenv(&env, "Http_Proxy") == NULL);
	CHECK_INT(count_named(&env, "HTTP_PROXY"), 2); /* HTTP_PROXY and http_proxy */
	CHECK_INT(count_named(&env, "NO_PROXY"), 2);
	for (size_t i = 0; i < env.n; i++)
		CHECK(strstr(env.v[i], "corp") == NULL && strstr(env.v[i], "odd.case") == NULL &&
		      strstr(env.v[i], "internal.example") == NULL);
	/* Everything else is untouched, in order, at the front. */
	CHECK_STR(env.v[0], "PATH=/usr/bin:/bin");
	CHECK_STR(env.v[1], "HOME=/home/u");
	CHECK_STR(env.v[2], "HTTP_PROXY_EXTRA=kept");
	CHECK_STR(env.v[3], "PROXY=kept");
	CHECK_STR(env.v[4], "EMPTY=");
	/* Nothing outside the documented keys was set (upstream asserts the same). */
	for (size_t i = 5; i < env.n; i++) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(env.v[i], "="), env.v[i]);
		if (!sandbox_proxy_env_key(name))
			test_fail(__FILE__, __LINE__, "unexpected entry %s", env.v[i]);
	}
	CHECK(sandbox_proxy_env_key("YARN_NO_PROXY") && sandbox_proxy_env_key("Http_Proxy"));
	CHECK(!sandbox_proxy_env_key("HTTP_PROXY_EXTRA") && !sandbox_proxy_env_key("PROXY") &&
	      !sandbox_proxy_env_key("HTTP_PROX"));
	CHECK(env.v[env.n] == NULL);
	strv_free(&env);
}

TEST(proxy_env_without_socks_with_local_binding)
{
	struct strv env = STRV_INIT;
	struct sandbox_proxy_ports ports = {41000, 0, true};
	struct err e;

	REQUIRE(sandbox_proxy_env(&env, &ports, &e) == 0); /* from an empty environment */
	for (size_t k = 0; all_keys[k]; k++)
		CHECK_STR(strv_getenv(&env, all_keys[k]), "http://127.0.0.1:41000");
	for (size_t k = 0; no_proxy_keys[k]; k++)
		CHECK_STR(strv_getenv(&env, no_proxy_keys[k]),
			  "localhost,127.0.0.1,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
	CHECK_STR(strv_getenv(&env, "CODEX_NETWORK_ALLOW_LOCAL_BINDING"), "1");
	CHECK_INT(env.n, 19 + 4 + 5 + 4);
	strv_free(&env);
}

TEST(proxy_env_refuses_bad_ports_and_survives_allocation_failures)
{
	struct strv env = STRV_INIT;
	struct sandbox_proxy_ports bad[] = {{0, 0, false}, {70000, 0, false}, {80, 65536, false}};
	struct err e;

	for (size_t k = 0; k < 3; k++) {
		CHECK(sandbox_proxy_env(&env, &bad[k], &e) < 0);
		CHECK_CONTAINS(e.msg, "invalid port");
	}
	/* The environment may be half rewritten after a failure, but nothing leaks. */
	FOR_EACH_ALLOC_FAILURE(200, {
		struct sandbox_proxy_ports p;
		p.http = 3128;
		p.socks = 1080;
		p.allow_local_binding = false;
		if (user_env(&env) == 0 && sandbox_proxy_env(&env, &p, &e) == 0)
			CHECK_STR(strv_getenv(&env, "HTTPS_PROXY"), "http://127.0.0.1:3128");
		strv_free(&env);
	});
}
