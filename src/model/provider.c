/* model_provider_resolve: a config provider made ready for requests (base URL, headers
 * with their environment variables read, retry settings, Azure detection), and the API
 * key a provider's requests carry. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"

#define OPENAI_DEFAULT_BASE_URL "https://api.openai.com/v1"

/* Upstream's test for an Azure Responses endpoint. */
static bool azure_endpoint(const char *name, const char *url)
{
	static const char *const markers[] = {"openai.azure.", "cognitiveservices.azure.",
					      "aoai.azure.", "azure-api.", "azurefd.",
					      "windows.net/openai", NULL};

	if (name && strcasecmp(name, "azure") == 0)
		return true;
	for (size_t i = 0; url && markers[i]; i++)
		if (strcasestr(url, markers[i]))
			return true;
	return false;
}

static int dup_str(char **slot, const char *s)
{
	*slot = NULL;
	if (s && !(*slot = strdup(s)))
		return -1;
	return 0;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static int copy_map(struct config_map *dst, const struct config_map *src)
{
	for (size_t i = 0; i < src->keys.n; i++)
		if (strv_push(&dst->keys, src->keys.v[i]) < 0 ||
		    strv_push(&dst->values, src->values.v[i]) < 0)
			return -1;
	return 0;
}

static int clamp_retries(int64_t v)
{
	return v < 0 ? 0 : v > 100 ? 100 : (int)v;
}

int model_provider_resolve(const struct config *cfg, bool oss, struct model_provider *out,
			   struct err *e)
{
	const char *id = oss ? (cfg->oss_provider ? cfg->oss_provider : "ollama")
			     : cfg->model_provider;
	const struct config_model_provider *cp = NULL;
	const char *base;
	size_t n;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; id && i < cfg->n_providers; i++)
		if (strcmp(cfg->providers[i].id, id) == 0)
			cp = &cfg->providers[i];
	if (!cp)
		return err_set(e, "invalid value for %s: no provider '%s'",
			       oss ? "oss_provider" : "model_provider", id ? id : "(none)");
	base = cp->base_url && *cp->base_url ? cp->base_url : OPENAI_DEFAULT_BASE_URL;
	if (dup_str(&out->id, cp->id) < 0 || dup_str(&out->name, cp->name) < 0 ||
	    dup_str(&out->base_url, base) < 0 || dup_str(&out->env_key, cp->env_key) < 0 ||
	    dup_str(&out->env_key_instructions, cp->env_key_instructions) < 0 ||
	    dup_str(&out->bearer_token, cp->experimental_bearer_token) < 0 ||
	    copy_map(&out->query_params, &cp->query_params) < 0)
		goto nomem;
	n = strlen(out->base_url);
	while (n > 0 && out->base_url[n - 1] == '/')
		out->base_url[--n] = '\0';
	out->wire = cp->wire_api && strcmp(cp->wire_api, "chat") == 0 ? MODEL_WIRE_CHAT
								       : MODEL_WIRE_RESPONSES;
	/* The built-in provider says which client version speaks, as upstream's does. */
	if (strcmp(cp->id, "openai") == 0 && strv_push(&out->headers, "version: " CODEX_VERSION) < 0)
		goto nomem;
	for (size_t i = 0; i < cp->http_headers.keys.n; i++)
		if (strv_pushf(&out->headers, "%s: %s", cp->http_headers.keys.v[i],
			       cp->http_headers.values.v[i]) < 0)
			goto nomem;
	for (size_t i = 0; i < cp->env_http_headers.keys.n; i++) {
		const char *v = getenv(cp->env_http_headers.values.v[i]);
		if (!blank(v) && strv_pushf(&out->headers, "%s: %s",
					    cp->env_http_headers.keys.v[i], v) < 0)
			goto nomem;
	}
	out->request_max_retries = clamp_retries(cp->request_max_retries);
	out->stream_max_retries = clamp_retries(cp->stream_max_retries);
	out->stream_idle_timeout_ms = cp->stream_idle_timeout_ms;
	out->requires_openai_auth = cp->requires_openai_auth;
	out->is_azure = azure_endpoint(cp->name, out->base_url);
	return 0;
nomem:
	model_provider_free(out);
	return err_set(e, "out of memory");
}

void model_provider_free(struct model_provider *p)
{
	if (!p)
		return;
	free(p->id);
	free(p->name);
	free(p->base_url);
	strv_free(&p->query_params.keys);
	strv_free(&p->query_params.values);
	strv_free(&p->headers);
	free(p->env_key);
	free(p->env_key_instructions);
	free(p->bearer_token);
	memset(p, 0, sizeof *p);
}

int model_provider_api_key(const struct model_provider *p, const char **key, struct err *e)
{
	const char *v;

	*key = NULL;
	if (p->bearer_token && *p->bearer_token) {
		*key = p->bearer_token;
		return 0;
	}
	if (p->env_key) {
		v = getenv(p->env_key);
		if (blank(v)) {
			/* Upstream's words, then the provider's own instructions. */
			return err_set(e, "Missing environment variable: `%s`.%s%s", p->env_key,
				       p->env_key_instructions ? " " : "",
				       p->env_key_instructions ? p->env_key_instructions : "");
		}
		*key = v;
		return 0;
	}
	if (p->requires_openai_auth) {
		v = getenv("OPENAI_API_KEY");
		if (blank(v))
			return err_set(e, "no API key for %s: set OPENAI_API_KEY, or sign in with "
				       "`codex login`",
				       p->name ? p->name : p->id);
		*key = v;
	}
	return 0;
}
