/* The environment of a command whose network is the proxy (reference
 * codex-network-proxy.md §7, upstream's apply_proxy_env_overrides): every proxy
 * variable the caller had is dropped, whatever its case, and upstream's keys point at
 * the proxy's ports on the command's own loopback. A pure function of its inputs. */
#include "sandbox/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The HTTP proxy URL (http://127.0.0.1:PORT). npm reads only the config keys it knows
 * (proxy, https-proxy, noproxy): upstream's npm_config_http_proxy makes npm warn
 * "Unknown env config "http-proxy"" on every run, so it is only removed (below). */
static const char *const http_keys[] = {
	"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy",
	"YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
	"npm_config_https_proxy", "npm_config_proxy",
	"NPM_CONFIG_HTTPS_PROXY", "NPM_CONFIG_PROXY",
	"BUNDLE_HTTP_PROXY", "BUNDLE_HTTPS_PROXY", "PIP_PROXY",
	"DOCKER_HTTP_PROXY", "DOCKER_HTTPS_PROXY",
	"WS_PROXY", "WSS_PROXY", "ws_proxy", "wss_proxy",
	NULL};
/* socks5h:// when SOCKS5 is on (the name is resolved by the proxy), else the HTTP URL.
 * HTTP_PROXY and friends stay HTTP URLs: many clients cannot use a SOCKS URL there. */
static const char *const all_keys[] = {"ALL_PROXY", "all_proxy", "FTP_PROXY", "ftp_proxy",
				       NULL};
/* Empty without local binding (even localhost goes through the proxy, whose policy
 * decides); upstream's default list with it. YARN_NO_PROXY is removed, never set. */
static const char *const no_proxy_keys[] = {"NO_PROXY", "no_proxy", "npm_config_noproxy",
					    "NPM_CONFIG_NOPROXY", "BUNDLE_NO_PROXY", NULL};
#define DEFAULT_NO_PROXY "localhost,127.0.0.1,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"

/* Removed, never set: YARN_NO_PROXY, which upstream lists among its managed keys but
 * gives no value; npm_config_http_proxy, which npm does not know (above), but which the
 * caller's environment must not carry in either (other tools read it). */
static const char *const strip_keys[] = {"YARN_NO_PROXY", "npm_config_http_proxy", NULL};
static const char *const flag_keys[] = {"ELECTRON_GET_USE_PROXY", "NODE_USE_ENV_PROXY",
					"CODEX_NETWORK_PROXY_ACTIVE",
					"CODEX_NETWORK_ALLOW_LOCAL_BINDING", NULL};
static const char *const *const key_groups[] = {http_keys, all_keys, no_proxy_keys, strip_keys,
						flag_keys};

static bool names_key(const char *name, size_t len)
{
	for (size_t g = 0; g < sizeof key_groups / sizeof key_groups[0]; g++)
		for (const char *const *k = key_groups[g]; *k; k++)
			if (strlen(*k) == len && strncasecmp(name, *k, len) == 0)
				return true;
	return false;
}

bool sandbox_proxy_env_key(const char *name)
{
	return names_key(name, strlen(name));
}

static int set_all(struct strv *env, const char *const *keys, const char *value)
{
	for (size_t k = 0; keys[k]; k++)
		if (strv_setenv(env, keys[k], value) < 0)
			return -1;
	return 0;
}

int sandbox_proxy_env(struct strv *env, const struct sandbox_proxy_ports *p, struct err *e)
{
	char http[48], socks[48];
	size_t kept = 0;

	if (p->http == 0 || p->http > 65535 || p->socks > 65535)
		return err_set(e, "proxy environment: invalid port");
	for (size_t i = 0; i < env->n; i++) {
		if (names_key(env->v[i], strcspn(env->v[i], "=")))
			free(env->v[i]);
		else
			env->v[kept++] = env->v[i];
	}
	env->n = kept;
	if (env->v)
		env->v[kept] = NULL;
	snprintf(http, sizeof http, "http://127.0.0.1:%u", p->http);
	snprintf(socks, sizeof socks, "socks5h://127.0.0.1:%u", p->socks);
	if (set_all(env, http_keys, http) < 0 ||
	    set_all(env, all_keys, p->socks ? socks : http) < 0 ||
	    set_all(env, no_proxy_keys, p->allow_local_binding ? DEFAULT_NO_PROXY : "") < 0 ||
	    strv_setenv(env, "ELECTRON_GET_USE_PROXY", "true") < 0 ||
	    strv_setenv(env, "NODE_USE_ENV_PROXY", "1") < 0 ||
	    strv_setenv(env, "CODEX_NETWORK_PROXY_ACTIVE", "1") < 0 ||
	    strv_setenv(env, "CODEX_NETWORK_ALLOW_LOCAL_BINDING",
			p->allow_local_binding ? "1" : "0") < 0)
		return err_set(e, "out of memory");
	return 0;
}
