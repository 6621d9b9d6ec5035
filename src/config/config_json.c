/* config_to_json: the effective configuration for `codex debug config`, each setting as
 * {"value": ..., "origin": ...}, with secrets redacted. */
#include "config/config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#define REDACTED "<redacted>"

struct out {
	const struct config *cfg;
	bool failed; /* an allocation failed: the result is dropped */
};

/* Header, environment and parameter names that carry credentials. */
static bool secret_name(const char *name)
{
	static const char *const words[] = {"auth", "token", "key", "secret", "password",
					    "passwd", "credential", "cookie", NULL};

	for (size_t i = 0; words[i]; i++)
		if (strcasestr(name, words[i]))
			return true;
	return false;
}

/* Adds item to obj under name; on failure frees it and marks the output failed. */
static void add(struct out *o, cJSON *obj, const char *name, cJSON *item)
{
	if (!item || !cJSON_AddItemToObject(obj, name, item)) {
		cJSON_Delete(item);
		o->failed = true;
	}
}

/* add() for a name that is a string literal: not copied. */
static void add_literal(struct out *o, cJSON *obj, const char *name, cJSON *item)
{
	if (!item || !cJSON_AddItemToObjectCS(obj, name, item)) {
		cJSON_Delete(item);
		o->failed = true;
	}
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* "https://user:pw@host/x" -> "https://<redacted>@host/x". */
static cJSON *url_value(struct out *o, const char *url)
{
	const char *scheme = url ? strstr(url, "://") : NULL;
	const char *host, *at, *slash;
	char *s;
	cJSON *item;

	if (!scheme)
		return str_or_null(url);
	host = scheme + 3;
	at = strchr(host, '@');
	slash = strchr(host, '/');
	if (!at || (slash && slash < at))
		return cJSON_CreateString(url);
	if (asprintf(&s, "%.*s" REDACTED "%s", (int)(host - url), url, at) < 0) {
		o->failed = true;
		return NULL;
	}
	item = cJSON_CreateString(s);
	free(s);
	return item;
}

static cJSON *strv_value(const struct strv *sv)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a && i < sv->n; i++) {
		cJSON *s = cJSON_CreateString(sv->v[i]);
		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *map_value(struct out *o, const struct config_map *m, bool redact)
{
	cJSON *obj = cJSON_CreateObject();

	for (size_t i = 0; obj && i < m->keys.n; i++) {
		const char *v = m->values.v[i];
		add(o, obj, m->keys.v[i],
		    cJSON_CreateString(redact && secret_name(m->keys.v[i]) ? REDACTED : v));
	}
	return obj;
}

/* parent[name] = {"value": value, "origin": <origin of path>}. */
static void put(struct out *o, cJSON *parent, const char *name, const char *path,
		cJSON *value)
{
	const char *origin = config_origin_get(o->cfg->provenance, path);
	cJSON *entry = cJSON_CreateObject();

	if (!entry || !value) {
		cJSON_Delete(entry);
		cJSON_Delete(value);
		o->failed = true;
		return;
	}
	add(o, entry, "value", value);
	add(o, entry, "origin", cJSON_CreateString(origin ? origin : "default"));
	add(o, parent, name, entry);
}

/* put() for a key below prefix (which may need quoting in the path). */
static void put_under(struct out *o, cJSON *parent, const char *prefix, const char *name,
		      cJSON *value)
{
	char *path = config_key_path(prefix, name, strlen(name));

	if (!path) {
		cJSON_Delete(value);
		o->failed = true;
		return;
	}
	put(o, parent, name, path, value);
	free(path);
}

static cJSON *section(struct out *o, cJSON *parent, const char *name)
{
	cJSON *obj = cJSON_CreateObject();

	add(o, parent, name, obj);
	return o->failed ? NULL : obj;
}

/* parent[name] = {} for the entry prefix.name of a table of tables (providers,
 * servers); *path gets that entry's key path (free it). NULL on failure. */
static cJSON *entry_section(struct out *o, cJSON *parent, const char *prefix, const char *name,
			    char **path)
{
	*path = config_key_path(prefix, name, strlen(name));
	if (*path)
		return section(o, parent, name);
	o->failed = true;
	return NULL;
}

static void put_provider(struct out *o, cJSON *parent, const struct config_model_provider *p)
{
	char *pre;
	cJSON *s = entry_section(o, parent, "model_providers", p->id, &pre);

	if (!s) {
		free(pre);
		return;
	}
	put_under(o, s, pre, "name", str_or_null(p->name));
	put_under(o, s, pre, "base_url", url_value(o, p->base_url));
	put_under(o, s, pre, "env_key", str_or_null(p->env_key));
	put_under(o, s, pre, "env_key_instructions", str_or_null(p->env_key_instructions));
	put_under(o, s, pre, "wire_api", str_or_null(p->wire_api));
	put_under(o, s, pre, "query_params", map_value(o, &p->query_params, true));
	put_under(o, s, pre, "http_headers", map_value(o, &p->http_headers, true));
	/* Values here name environment variables; they are not secrets. */
	put_under(o, s, pre, "env_http_headers", map_value(o, &p->env_http_headers, false));
	put_under(o, s, pre, "request_max_retries",
		  cJSON_CreateNumber((double)p->request_max_retries));
	put_under(o, s, pre, "stream_max_retries", cJSON_CreateNumber((double)p->stream_max_retries));
	put_under(o, s, pre, "stream_idle_timeout_ms",
		  cJSON_CreateNumber((double)p->stream_idle_timeout_ms));
	put_under(o, s, pre, "requires_openai_auth", cJSON_CreateBool(p->requires_openai_auth));
	put_under(o, s, pre, "experimental_bearer_token",
		  p->experimental_bearer_token ? cJSON_CreateString(REDACTED) : cJSON_CreateNull());
	free(pre);
}

static void put_mcp_server(struct out *o, cJSON *parent, const struct config_mcp_server *m)
{
	char *pre;
	cJSON *s = entry_section(o, parent, "mcp_servers", m->name, &pre);

	if (!s) {
		free(pre);
		return;
	}
	put_under(o, s, pre, "command", str_or_null(m->command));
	put_under(o, s, pre, "args", strv_value(&m->args));
	put_under(o, s, pre, "env", map_value(o, &m->env, true));
	put_under(o, s, pre, "env_vars", strv_value(&m->env_vars));
	put_under(o, s, pre, "cwd", str_or_null(m->cwd));
	put_under(o, s, pre, "url", url_value(o, m->url));
	put_under(o, s, pre, "bearer_token_env_var", str_or_null(m->bearer_token_env_var));
	put_under(o, s, pre, "http_headers", map_value(o, &m->http_headers, true));
	put_under(o, s, pre, "env_http_headers", map_value(o, &m->env_http_headers, false));
	put_under(o, s, pre, "enabled", cJSON_CreateBool(m->enabled));
	put_under(o, s, pre, "startup_timeout_sec", cJSON_CreateNumber(m->startup_timeout_sec));
	put_under(o, s, pre, "tool_timeout_sec", cJSON_CreateNumber(m->tool_timeout_sec));
	put_under(o, s, pre, "enabled_tools", strv_value(&m->enabled_tools));
	put_under(o, s, pre, "disabled_tools", strv_value(&m->disabled_tools));
	free(pre);
}

static void put_network(struct out *o, cJSON *settings, const struct config_network *n)
{
	cJSON *s = section(o, settings, "network");
	const char *pre = "network";

	if (!s)
		return;
	put_under(o, s, pre, "enabled", cJSON_CreateBool(n->enabled));
	put_under(o, s, pre, "proxy_url", url_value(o, n->proxy_url));
	put_under(o, s, pre, "socks_url", url_value(o, n->socks_url));
	put_under(o, s, pre, "enable_socks5", cJSON_CreateBool(n->enable_socks5));
	put_under(o, s, pre, "enable_socks5_udp", cJSON_CreateBool(n->enable_socks5_udp));
	put_under(o, s, pre, "mode", cJSON_CreateString(network_mode_str(n->mode)));
	put_under(o, s, pre, "allowed_domains", strv_value(&n->allowed_domains));
	put_under(o, s, pre, "denied_domains", strv_value(&n->denied_domains));
	put_under(o, s, pre, "allow_local_binding", cJSON_CreateBool(n->allow_local_binding));
	put_under(o, s, pre, "allow_unix_sockets", strv_value(&n->allow_unix_sockets));
	put_under(o, s, pre, "allow_upstream_proxy", cJSON_CreateBool(n->allow_upstream_proxy));
	put_under(o, s, pre, "dangerously_allow_non_loopback_proxy",
		  cJSON_CreateBool(n->dangerously_allow_non_loopback_proxy));
	put_under(o, s, pre, "admin_url", url_value(o, n->admin_url));
	put_under(o, s, pre, "dangerously_allow_non_loopback_admin",
		  cJSON_CreateBool(n->dangerously_allow_non_loopback_admin));
	/* The domains / unix_sockets maps are folded into the lists above; their origin
	 * is shown when they were given. */
	if (config_origin_get(o->cfg->provenance, "network.domains"))
		put_under(o, s, pre, "domains", cJSON_CreateString("(folded into the lists)"));
	if (config_origin_get(o->cfg->provenance, "network.unix_sockets"))
		put_under(o, s, pre, "unix_sockets",
			  cJSON_CreateString("(folded into allow_unix_sockets)"));
}

static void put_settings(struct out *o, cJSON *settings)
{
	const struct config *c = o->cfg;
	const struct config_sandbox_workspace_write *w = &c->sandbox_workspace_write;
	const struct config_shell_environment_policy *sep = &c->shell_environment_policy;
	cJSON *s;

	put(o, settings, "model", "model", str_or_null(c->model));
	put(o, settings, "model_provider", "model_provider", str_or_null(c->model_provider));
	s = section(o, settings, "model_providers");
	for (size_t i = 0; s && i < c->n_providers; i++)
		put_provider(o, s, &c->providers[i]);
	put(o, settings, "model_reasoning_effort", "model_reasoning_effort",
	    str_or_null(c->model_reasoning_effort));
	put(o, settings, "model_reasoning_summary", "model_reasoning_summary",
	    str_or_null(c->model_reasoning_summary));
	put(o, settings, "model_verbosity", "model_verbosity", str_or_null(c->model_verbosity));
	put(o, settings, "service_tier", "service_tier", str_or_null(c->service_tier));
	put(o, settings, "approvals_reviewer", "approvals_reviewer",
	    cJSON_CreateString(c->approvals_reviewer ? c->approvals_reviewer : "user"));
	put(o, settings, "personality", "personality", str_or_null(c->personality));
	put(o, settings, "oss_provider", "oss_provider", str_or_null(c->oss_provider));
	put(o, settings, "approval_policy", "approval_policy",
	    cJSON_CreateString(approval_policy_str(c->approval_policy)));
	put(o, settings, "sandbox_mode", "sandbox_mode",
	    cJSON_CreateString(sandbox_mode_str(c->sandbox_mode)));
	s = section(o, settings, "sandbox_workspace_write");
	if (s) {
		const char *pre = "sandbox_workspace_write";
		put_under(o, s, pre, "writable_roots", strv_value(&w->writable_roots));
		put_under(o, s, pre, "network_access", cJSON_CreateBool(w->network_access));
		put_under(o, s, pre, "exclude_tmpdir_env_var",
			  cJSON_CreateBool(w->exclude_tmpdir_env_var));
		put_under(o, s, pre, "exclude_slash_tmp", cJSON_CreateBool(w->exclude_slash_tmp));
	}
	s = section(o, settings, "shell_environment_policy");
	if (s) {
		const char *pre = "shell_environment_policy";
		put_under(o, s, pre, "inherit", str_or_null(sep->inherit));
		put_under(o, s, pre, "ignore_default_excludes",
			  cJSON_CreateBool(sep->ignore_default_excludes));
		put_under(o, s, pre, "exclude", strv_value(&sep->exclude));
		put_under(o, s, pre, "include_only", strv_value(&sep->include_only));
		put_under(o, s, pre, "set", map_value(o, &sep->set, true));
	}
	put_network(o, settings, &c->network);
	s = section(o, settings, "windows");
	if (s) {
		put(o, s, "sandbox", "windows.sandbox", str_or_null(c->windows_sandbox));
		put(o, s, "sandbox_private_desktop", "windows.sandbox_private_desktop",
		    cJSON_CreateBool(c->windows_sandbox_private_desktop));
	}
	s = section(o, settings, "history");
	if (s) {
		put(o, s, "persistence", "history.persistence", str_or_null(c->history.persistence));
		put(o, s, "max_bytes", "history.max_bytes",
		    cJSON_CreateNumber((double)c->history.max_bytes));
	}
	s = section(o, settings, "tui");
	if (s)
		put(o, s, "theme", "tui.theme", str_or_null(c->tui.theme));
	put(o, settings, "notify", "notify", strv_value(&c->notify));
	put(o, settings, "project_doc_max_bytes", "project_doc_max_bytes",
	    cJSON_CreateNumber((double)c->project_doc_max_bytes));
	put(o, settings, "sandbox_max_processes", "sandbox_max_processes",
	    cJSON_CreateNumber((double)c->sandbox_max_processes));
	put(o, settings, "project_doc_fallback_filenames", "project_doc_fallback_filenames",
	    strv_value(&c->project_doc_fallback_filenames));
	put(o, settings, "forced_login_method", "forced_login_method",
	    str_or_null(c->forced_login_method));
	put(o, settings, "forced_chatgpt_workspace_id", "forced_chatgpt_workspace_id",
	    str_or_null(c->forced_chatgpt_workspace_id));
	put(o, settings, "chatgpt_base_url", "chatgpt_base_url", str_or_null(c->chatgpt_base_url));
	put(o, settings, "js_repl_node_path", "js_repl_node_path", str_or_null(c->js_repl_node_path));
	put(o, settings, "js_repl_node_module_dirs", "js_repl_node_module_dirs",
	    strv_value(&c->js_repl_node_module_dirs));
	s = section(o, settings, "mcp_servers");
	for (size_t i = 0; s && i < c->n_mcp_servers; i++)
		put_mcp_server(o, s, &c->mcp_servers[i]);
	s = section(o, settings, "features");
	for (size_t i = 0; s && i < c->features.keys.n; i++)
		put_under(o, s, "features", c->features.keys.v[i],
			  cJSON_CreateBool(strcmp(c->features.values.v[i], "true") == 0));
}

static void put_ignored(struct out *o, cJSON *root)
{
	const struct config_provenance *p = o->cfg->provenance;
	const char *file = o->cfg->config_path ? o->cfg->config_path : "config.toml";
	struct config_source src = {file, o->cfg->profile, NULL};
	cJSON *a = cJSON_CreateArray();

	add(o, root, "ignored_keys", a);
	for (size_t i = 0; !o->failed && i < p->n_ignored; i++) {
		const struct config_ignored *ig = &p->ignored[i];
		cJSON *entry = cJSON_CreateObject();
		char *origin;
		if (!entry || !cJSON_AddItemToArray(a, entry)) {
			cJSON_Delete(entry);
			o->failed = true;
			break;
		}
		/* There may be tens of thousands: the names are literals and the key and
		 * reason outlive the tree, so only the origin is copied. */
		origin = config_origin_at(&src, ig->tag, ig->line);
		add_literal(o, entry, "key", cJSON_CreateStringReference(ig->key));
		add_literal(o, entry, "origin", origin ? cJSON_CreateString(origin) : NULL);
		add_literal(o, entry, "reason", cJSON_CreateStringReference(ig->reason));
		free(origin);
	}
}

char *config_to_json(const struct config *cfg)
{
	struct out o = {cfg, false};
	cJSON *root = cJSON_CreateObject(), *settings;
	char *text = NULL;

	if (!root)
		return NULL;
	add(&o, root, "codex_home", str_or_null(cfg->codex_home));
	add(&o, root, "config_file", str_or_null(cfg->config_path));
	add(&o, root, "config_file_exists", cJSON_CreateBool(cfg->provenance->file_exists));
	add(&o, root, "profile", str_or_null(cfg->profile));
	settings = section(&o, root, "settings");
	if (settings)
		put_settings(&o, settings);
	put_ignored(&o, root);
	if (!o.failed)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}
