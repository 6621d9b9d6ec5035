/* config_load: CODEX_HOME, config.toml, -c overrides, the selected profile, then the
 * typed pass (config_schema.c). Also defaults, freeing and the small lookups of
 * config.h. */
#include "config/config_internal.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/vec.h"

/* The model codex 0.118 (the release of the March 2026 era) asks for by default. */
#define DEFAULT_MODEL "gpt-5.3-codex"

/* ---- small helpers ----------------------------------------------------------------- */

int config_set_str(char **slot, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

int config_map_set(struct config_map *m, const char *key, const char *value)
{
	long i = strv_find(&m->keys, key);
	char *copy;

	if (i < 0)
		return config_map_add(m, key, value);
	copy = strdup(value);
	if (!copy)
		return -1;
	free(m->values.v[i]);
	m->values.v[i] = copy;
	return 0;
}

int config_map_add(struct config_map *m, const char *key, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	if (strv_push(&m->keys, key) < 0) {
		free(copy);
		return -1;
	}
	if (strv_take(&m->values, copy) < 0) {
		/* Keep the two lists the same length. */
		free(m->keys.v[--m->keys.n]);
		m->keys.v[m->keys.n] = NULL;
		return -1;
	}
	return 0;
}

const char *config_map_get(const struct config_map *m, const char *key)
{
	long i = strv_find(&m->keys, key);

	return i < 0 ? NULL : m->values.v[i];
}

int config_origin_set(struct config_provenance *p, const char *path, const char *origin)
{
	return toml_table_set(p->origins, path, toml_string_new(origin, strlen(origin)));
}

const char *config_origin_get(const struct config_provenance *p, const char *path)
{
	const struct toml_value *v = toml_table_get(p->origins, path);

	return v ? v->u.str.ptr : NULL;
}

void config_map_free(struct config_map *m)
{
	strv_free(&m->keys);
	strv_free(&m->values);
}

static bool is_bare_key(const char *k, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

char *config_key_path(const char *prefix, const char *key, size_t key_len)
{
	struct buf b;

	buf_init(&b, LIMIT_CONFIG_FILE_BYTES);
	if (prefix && *prefix && (buf_puts(&b, prefix) < 0 || buf_putc(&b, '.') < 0))
		return NULL;
	if (is_bare_key(key, key_len)) {
		if (buf_append(&b, key, key_len) < 0)
			return NULL;
		return buf_take(&b);
	}
	if (buf_putc(&b, '"') < 0)
		return NULL;
	for (size_t i = 0; i < key_len; i++) {
		char c = key[i];
		if ((c == '"' || c == '\\') && buf_putc(&b, '\\') < 0)
			return NULL;
		if (buf_putc(&b, c) < 0)
			return NULL;
	}
	if (buf_putc(&b, '"') < 0)
		return NULL;
	return buf_take(&b);
}

void config_where(const struct config_source *src, const struct toml_value *v, char *out,
		  size_t cap)
{
	if (v->tag >= CONFIG_TAG_OVERRIDE) {
		size_t i = v->tag - CONFIG_TAG_OVERRIDE;
		if (src->overrides && i < src->overrides->n)
			snprintf(out, cap, "-c %s", src->overrides->v[i]);
		else
			snprintf(out, cap, "-c");
		return;
	}
	snprintf(out, cap, "%s:%u:%u", src->path, (unsigned)v->line, (unsigned)v->col);
}

char *config_origin_at(const struct config_source *src, uint32_t tag, uint32_t line)
{
	char *s = NULL;
	int n;

	if (tag >= CONFIG_TAG_OVERRIDE)
		return strdup("-c");
	if (tag == CONFIG_TAG_PROFILE)
		n = asprintf(&s, "profile %s (%s:%u)", src->profile ? src->profile : "?", src->path,
			     (unsigned)line);
	else
		n = asprintf(&s, "%s:%u", src->path, (unsigned)line);
	return n < 0 ? NULL : s;
}

char *config_origin(const struct config_source *src, const struct toml_value *v)
{
	return config_origin_at(src, v->tag, v->line);
}

/* ---- defaults and freeing ---------------------------------------------------------- */

int config_provider_init(struct config_model_provider *p, const char *id)
{
	memset(p, 0, sizeof *p);
	p->request_max_retries = 4;
	p->stream_max_retries = 5;
	p->stream_idle_timeout_ms = 300000;
	if (config_set_str(&p->id, id) < 0 || config_set_str(&p->name, id) < 0 ||
	    config_set_str(&p->wire_api, "responses") < 0)
		return -1;
	return 0;
}

void config_provider_free(struct config_model_provider *p)
{
	free(p->id);
	free(p->name);
	free(p->base_url);
	free(p->env_key);
	free(p->env_key_instructions);
	free(p->wire_api);
	config_map_free(&p->query_params);
	config_map_free(&p->http_headers);
	config_map_free(&p->env_http_headers);
	free(p->experimental_bearer_token);
}

void config_mcp_server_free(struct config_mcp_server *s)
{
	free(s->name);
	free(s->command);
	strv_free(&s->args);
	config_map_free(&s->env);
	strv_free(&s->env_vars);
	free(s->cwd);
	free(s->url);
	free(s->bearer_token_env_var);
	config_map_free(&s->http_headers);
	config_map_free(&s->env_http_headers);
	strv_free(&s->enabled_tools);
	strv_free(&s->disabled_tools);
	config_map_free(&s->tool_approval);
	strv_free(&s->scopes);
	free(s->oauth_resource);
}

/* The built-in "openai" provider: its URL follows OPENAI_BASE_URL when set (tests
 * point it at a local server); organisation and project headers come from the
 * environment. */
static int builtin_openai(struct config_model_provider *p)
{
	const char *base = getenv("OPENAI_BASE_URL");

	if (config_provider_init(p, "openai") < 0 || config_set_str(&p->name, "OpenAI") < 0)
		return -1;
	if (base && *base && config_set_str(&p->base_url, base) < 0)
		return -1;
	p->requires_openai_auth = true;
	if (config_map_set(&p->env_http_headers, "OpenAI-Organization", "OPENAI_ORGANIZATION") <
		    0 ||
	    config_map_set(&p->env_http_headers, "OpenAI-Project", "OPENAI_PROJECT") < 0)
		return -1;
	return 0;
}

/* The built-in local ("oss") providers, as upstream 0.118: Ollama on port 11434 and LM
 * Studio on 1234, both on the Responses wire, at http://localhost:PORT/v1 where
 * CODEX_OSS_PORT replaces the port and CODEX_OSS_BASE_URL the whole URL. */
static int builtin_oss(struct config_model_provider *p, const char *id, unsigned port)
{
	const char *base = getenv("CODEX_OSS_BASE_URL");
	const char *port_env = getenv("CODEX_OSS_PORT");
	char url[64];

	if (config_provider_init(p, id) < 0 || config_set_str(&p->name, "gpt-oss") < 0)
		return -1;
	if (port_env && *port_env) {
		char *end;
		unsigned long v = strtoul(port_env, &end, 10);
		/* Not a port number: ignored, as upstream does. */
		if (*end == '\0' && v > 0 && v <= 65535)
			port = (unsigned)v;
	}
	snprintf(url, sizeof url, "http://localhost:%u/v1", port);
	return config_set_str(&p->base_url, base && *base ? base : url);
}

/* The ids model_providers may not redefine (see config_schema.c). */
const char *const config_builtin_provider_ids[] = {"openai", "ollama", "lmstudio", NULL};

int config_set_defaults(struct config *cfg)
{
	struct config_network *net = &cfg->network;
	struct config_model_provider *p;

	cfg->approval_policy = APPROVAL_ON_REQUEST;
	cfg->sandbox_mode = SANDBOX_MODE_READ_ONLY;
	cfg->project_doc_max_bytes = 32768;
	cfg->agents.max_threads = CONFIG_AGENTS_MAX_THREADS;
	cfg->agents.max_depth = CONFIG_AGENTS_MAX_DEPTH;
	cfg->feedback_enabled = true;
	cfg->sandbox_max_processes = CONFIG_SANDBOX_MAX_PROCESSES;
	cfg->windows_sandbox_private_desktop = true;
	net->enable_socks5 = true;
	net->enable_socks5_udp = true;
	net->allow_upstream_proxy = true;
	net->mode = NETWORK_MODE_FULL;
	/* Room for the three built-in providers. */
	p = vec_grow(cfg->providers, &cfg->cap_providers, 2, sizeof *p, LIMIT_TOML_ENTRIES);
	if (!p)
		return -1;
	cfg->providers = p; /* room for 4: the three built-ins fit */
	/* Counted before each is filled, so that config_free releases a half-built one. */
	cfg->n_providers = 1;
	if (builtin_openai(&cfg->providers[0]) < 0)
		return -1;
	cfg->n_providers = 2;
	if (builtin_oss(&cfg->providers[1], "ollama", 11434) < 0)
		return -1;
	cfg->n_providers = 3;
	if (builtin_oss(&cfg->providers[2], "lmstudio", 1234) < 0 ||
	    config_set_str(&cfg->model, DEFAULT_MODEL) < 0 ||
	    config_set_str(&cfg->model_provider, "openai") < 0 ||
	    config_set_str(&cfg->shell_environment_policy.inherit, "all") < 0 ||
	    config_set_str(&net->proxy_url, "http://127.0.0.1:3128") < 0 ||
	    config_set_str(&net->socks_url, "http://127.0.0.1:8081") < 0 ||
	    config_set_str(&net->admin_url, "http://127.0.0.1:8080") < 0 ||
	    config_set_str(&cfg->history.persistence, "save-all") < 0)
		return -1;
	return 0;
}

static void provenance_free(struct config_provenance *p)
{
	if (!p)
		return;
	toml_free(p->origins);
	for (size_t i = 0; i < p->n_ignored; i++)
		free(p->ignored[i].key);
	free(p->ignored);
	free(p);
}

void config_free_fields(struct config *cfg)
{
	struct config_network *net = &cfg->network;

	free(cfg->codex_home);
	free(cfg->config_path);
	free(cfg->profile);
	strv_free(&cfg->overrides);
	free(cfg->model);
	free(cfg->model_provider);
	for (size_t i = 0; i < cfg->n_providers; i++)
		config_provider_free(&cfg->providers[i]);
	free(cfg->providers);
	free(cfg->model_reasoning_effort);
	free(cfg->model_reasoning_summary);
	free(cfg->model_verbosity);
	free(cfg->service_tier);
	free(cfg->approvals_reviewer);
	free(cfg->root_approvals_reviewer);
	free(cfg->personality);
	free(cfg->mcp_oauth_credentials_store);
	free(cfg->mcp_oauth_callback_url);
	free(cfg->oss_provider);
	strv_free(&cfg->sandbox_workspace_write.writable_roots);
	free(cfg->shell_environment_policy.inherit);
	strv_free(&cfg->shell_environment_policy.exclude);
	strv_free(&cfg->shell_environment_policy.include_only);
	config_map_free(&cfg->shell_environment_policy.set);
	free(net->proxy_url);
	free(net->socks_url);
	strv_free(&net->allowed_domains);
	strv_free(&net->denied_domains);
	strv_free(&net->allow_unix_sockets);
	free(net->admin_url);
	free(cfg->windows_sandbox);
	free(cfg->history.persistence);
	free(cfg->tui.theme);
	strv_free(&cfg->notify);
	strv_free(&cfg->project_doc_fallback_filenames);
	free(cfg->forced_login_method);
	free(cfg->forced_chatgpt_workspace_id);
	free(cfg->js_repl_node_path);
	strv_free(&cfg->js_repl_node_module_dirs);
	for (size_t i = 0; i < cfg->n_mcp_servers; i++)
		config_mcp_server_free(&cfg->mcp_servers[i]);
	free(cfg->mcp_servers);
	config_map_free(&cfg->features);
	free(cfg->chatgpt_base_url);
	config_map_free(&cfg->apps_enabled);
	config_map_free(&cfg->apps_settings);
	for (size_t i = 0; i < cfg->n_skill_rules; i++) {
		free(cfg->skill_rules[i].path);
		free(cfg->skill_rules[i].name);
	}
	free(cfg->skill_rules);
	for (size_t i = 0; i < cfg->n_plugins; i++)
		free(cfg->plugins[i].id);
	free(cfg->plugins);
	provenance_free(cfg->provenance);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	config_free_fields(cfg);
	free(cfg);
}

/* ---- CODEX_HOME and config.toml ----------------------------------------------------- */

/* CODEX_HOME (or the given directory) must exist when set; ~/.codex need not. */
static char *resolve_codex_home(const char *given, struct err *e)
{
	const char *dir = given ? given : getenv("CODEX_HOME");
	const char *home;
	struct stat st;
	char *path, *real;

	if (dir && *dir) {
		real = realpath(dir, NULL);
		if (!real) {
			if (errno == ENOENT || errno == ENOTDIR)
				err_set(e, "CODEX_HOME points to \"%s\", but that path does not exist",
					dir);
			else
				err_sys(e, errno, "cannot resolve CODEX_HOME \"%s\"", dir);
			return NULL;
		}
		if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
			err_set(e, "CODEX_HOME points to \"%s\", which is not a directory", dir);
			free(real);
			return NULL;
		}
		return real;
	}
	home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || !*home) {
		err_set(e, "cannot find the home directory (HOME is not set); set CODEX_HOME");
		return NULL;
	}
	path = path_join(home, ".codex");
	if (!path) {
		err_set(e, "out of memory");
		return NULL;
	}
	real = realpath(path, NULL);
	if (real) {
		free(path);
		return real;
	}
	return path;
}

/* The parsed file, or an empty table when there is none. */
static struct toml_value *read_config_file(const char *path, bool *exists, struct err *e)
{
	struct toml_value *doc = NULL;
	struct err te;
	struct buf b;
	int r = file_exists(path);

	*exists = r > 0;
	if (r < 0) {
		err_sys(e, errno, "cannot access %s", path);
		return NULL;
	}
	if (r == 0) {
		doc = toml_table_new();
		if (!doc)
			err_set(e, "out of memory");
		return doc;
	}
	buf_init(&b, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(path, &b, e) == 0) {
		doc = toml_parse(b.data ? b.data : "", b.len, &te);
		if (!doc)
			err_set(e, "%s:%s", path, te.msg);
	}
	buf_free(&b);
	return doc;
}

/* ---- profiles ------------------------------------------------------------------- */

static void retag_profile(struct toml_value *v)
{
	if (v->tag == CONFIG_TAG_FILE)
		v->tag = CONFIG_TAG_PROFILE;
	if (v->type == TOML_TABLE)
		for (size_t k = 0; k < v->u.table.n; k++)
			retag_profile(v->u.table.entries[k].value);
	else if (v->type == TOML_ARRAY)
		for (size_t k = 0; k < v->u.array.n; k++)
			retag_profile(v->u.array.items[k]);
}

/* Copies the profile's keys over dst: tables merge key by key, anything else replaces
 * what is there, except a value a -c override set (-c beats the profile). */
static int merge_profile(struct toml_value *dst, const struct toml_value *src, bool top)
{
	for (size_t k = 0; k < src->u.table.n; k++) {
		const struct toml_entry *ent = &src->u.table.entries[k];
		struct toml_value *have, *copy;

		if (strlen(ent->key) != ent->key_len)
			continue; /* not a key this build reads; the profile pass lists it */
		/* A profile cannot select a profile. */
		if (top && (strcmp(ent->key, "profile") == 0 || strcmp(ent->key, "profiles") == 0))
			continue;
		have = toml_table_get(dst, ent->key);
		if (have && have->type == TOML_TABLE && ent->value->type == TOML_TABLE) {
			if (merge_profile(have, ent->value, false) < 0)
				return -1;
			continue;
		}
		if (have && have->tag >= CONFIG_TAG_OVERRIDE)
			continue;
		copy = toml_clone(ent->value);
		if (!copy)
			return -1;
		retag_profile(copy);
		if (toml_table_set(dst, ent->key, copy) < 0)
			return -1;
	}
	return 0;
}

static int select_profile(struct toml_value *doc, const char *chosen,
			  struct config_source *src, struct err *e)
{
	const struct toml_value *pv = toml_table_get(doc, "profile"), *table;
	char where[512];

	src->profile = chosen;
	if (!chosen && pv) {
		if (pv->type != TOML_STRING || strlen(pv->u.str.ptr) != pv->u.str.len) {
			config_where(src, pv, where, sizeof where);
			return err_set(e, "%s: invalid value for profile: expected a string, got %s",
				       where, toml_type_name(pv->type));
		}
		src->profile = pv->u.str.ptr;
	}
	if (!src->profile)
		return 0;
	table = toml_table_get(toml_table_get(doc, "profiles"), src->profile);
	if (!table)
		return err_set(e, "config profile '%s' not found in %s", src->profile, src->path);
	if (table->type != TOML_TABLE) {
		config_where(src, table, where, sizeof where);
		return err_set(e, "%s: invalid value for profiles.%s: expected a table, got %s",
			       where, src->profile, toml_type_name(table->type));
	}
	if (merge_profile(doc, table, true) < 0)
		return err_set(e, "out of memory");
	return 0;
}

/* ---- entry points ------------------------------------------------------------------ */

int config_load(const struct config_load_opts *opts, struct config **out, struct err *e)
{
	static const struct config_load_opts none = {NULL, NULL, NULL};
	struct config *cfg = NULL;
	struct toml_value *doc = NULL;
	const struct toml_value *rv;
	struct config_source src = {NULL, NULL, NULL};
	bool exists = false;
	int rc = -1;

	if (!opts)
		opts = &none;
	cfg = calloc(1, sizeof *cfg);
	if (!cfg || !(cfg->provenance = calloc(1, sizeof *cfg->provenance)) ||
	    !(cfg->provenance->origins = toml_table_new()) || config_set_defaults(cfg) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	cfg->codex_home = resolve_codex_home(opts->codex_home, e);
	if (!cfg->codex_home)
		goto out;
	cfg->config_path = path_join(cfg->codex_home, "config.toml");
	if (!cfg->config_path) {
		err_set(e, "out of memory");
		goto out;
	}
	doc = read_config_file(cfg->config_path, &exists, e);
	if (!doc)
		goto out;
	cfg->provenance->file_exists = exists;
	src.path = cfg->config_path;
	src.overrides = opts->overrides;
	for (size_t i = 0; opts->overrides && i < opts->overrides->n; i++) {
		if (config_apply_override(doc, opts->overrides->v[i],
					  CONFIG_TAG_OVERRIDE + (uint32_t)i, e) < 0)
			goto out;
		if (strv_push(&cfg->overrides, opts->overrides->v[i]) < 0) {
			err_set(e, "out of memory");
			goto out;
		}
	}
	/* Read before the profile merges over it; its type is checked with the rest. */
	rv = toml_table_get(doc, "approvals_reviewer");
	if (rv && rv->type == TOML_STRING &&
	    config_set_str(&cfg->root_approvals_reviewer, rv->u.str.ptr) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (select_profile(doc, opts->profile, &src, e) < 0)
		goto out;
	if (src.profile && config_set_str(&cfg->profile, src.profile) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (config_extract(cfg, doc, &src, e) < 0)
		goto out;
	*out = cfg;
	cfg = NULL;
	rc = 0;
out:
	toml_free(doc);
	config_free(cfg);
	return rc;
}

struct toml_value *config_read_document(const struct config *cfg, struct err *e)
{
	struct toml_value *doc;
	bool exists;

	doc = read_config_file(cfg->config_path, &exists, e);
	for (size_t i = 0; doc && i < cfg->overrides.n; i++)
		if (config_apply_override(doc, cfg->overrides.v[i],
					  CONFIG_TAG_OVERRIDE + (uint32_t)i, e) < 0) {
			toml_free(doc);
			doc = NULL;
		}
	return doc;
}

int config_note_flag(struct config *cfg, const char *key, struct err *e)
{
	if (config_origin_set(cfg->provenance, key, "flag") < 0)
		return err_set(e, "out of memory");
	return 0;
}

const struct config_model_provider *config_provider(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_providers; i++)
		if (cfg->model_provider && strcmp(cfg->providers[i].id, cfg->model_provider) == 0)
			return &cfg->providers[i];
	return NULL;
}

bool config_feature_enabled(const struct config *cfg, const char *name)
{
	const char *v = config_map_get(&cfg->features, name);

	return v && strcmp(v, "true") == 0;
}

bool config_feature(const struct config *cfg, const char *name, bool dflt)
{
	const char *v = config_map_get(&cfg->features, name);

	return v ? strcmp(v, "true") == 0 : dflt;
}

const char *config_chatgpt_base_url(const struct config *cfg)
{
	return cfg->chatgpt_base_url && *cfg->chatgpt_base_url ? cfg->chatgpt_base_url
							       : CONFIG_CHATGPT_BASE_URL_DEFAULT;
}

/* apps_settings["<a>" SEP "<b>" [SEP "<c>" SEP "<d>"]], or NULL. */
static const char *app_setting(const struct config *cfg, const char *a, const char *b,
			       const char *c, const char *d)
{
	char key[1024];
	int n = c ? snprintf(key, sizeof key, "%s" CONFIG_APPS_SEP "%s" CONFIG_APPS_SEP "%s"
				 CONFIG_APPS_SEP "%s", a, b, c, d)
		  : snprintf(key, sizeof key, "%s" CONFIG_APPS_SEP "%s", a, b);

	return n > 0 && (size_t)n < sizeof key ? config_map_get(&cfg->apps_settings, key) : NULL;
}

/* upstream's app_is_enabled: an app's own table (enabled defaults to true there), else
 * [apps._default] enabled, else true. */
bool config_app_enabled(const struct config *cfg, const char *id)
{
	const char *v = config_map_get(&cfg->apps_enabled, id);

	if (v)
		return strcmp(v, "false") != 0;
	if (config_map_get(&cfg->apps_settings, id))
		return true;
	v = config_map_get(&cfg->apps_enabled, "_default");
	return !v || strcmp(v, "false") != 0;
}

static bool flag(const char *v, bool dflt)
{
	return v ? strcmp(v, "true") == 0 : dflt;
}

void config_app_tool_policy(const struct config *cfg, const char *id, int app_enabled,
			    const char *tool, const char *title, bool destructive,
			    bool open_world, bool *enabled, const char **approval)
{
	const char *te = NULL, *ta = NULL, *v;
	bool has_tool;

	*enabled = true;
	*approval = "auto";
	if (!id)
		return;
	/* the tool's table by name, else by title */
	has_tool = (te = app_setting(cfg, id, "tools", tool, "enabled")) ||
		   (ta = app_setting(cfg, id, "tools", tool, "approval_mode"));
	if (!has_tool && title) {
		te = app_setting(cfg, id, "tools", title, "enabled");
		ta = app_setting(cfg, id, "tools", title, "approval_mode");
	} else if (has_tool) {
		ta = app_setting(cfg, id, "tools", tool, "approval_mode");
	}
	if (ta)
		*approval = ta;
	else if ((v = app_setting(cfg, id, "default_tools_approval_mode", NULL, NULL)))
		*approval = v;
	if (app_enabled < 0 ? !config_app_enabled(cfg, id) : !app_enabled) {
		*enabled = false;
		return;
	}
	if (te) {
		*enabled = strcmp(te, "true") == 0;
		return;
	}
	if ((v = app_setting(cfg, id, "default_tools_enabled", NULL, NULL))) {
		*enabled = strcmp(v, "true") == 0;
		return;
	}
	*enabled = (flag(app_setting(cfg, id, "destructive_enabled", NULL, NULL),
			 flag(app_setting(cfg, "_default", "destructive_enabled", NULL, NULL), true)) ||
		    !destructive) &&
		   (flag(app_setting(cfg, id, "open_world_enabled", NULL, NULL),
			 flag(app_setting(cfg, "_default", "open_world_enabled", NULL, NULL), true)) ||
		    !open_world);
}

const char *sandbox_mode_str(enum sandbox_mode m)
{
	switch (m) {
	case SANDBOX_MODE_READ_ONLY:
		return "read-only";
	case SANDBOX_MODE_WORKSPACE_WRITE:
		return "workspace-write";
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		return "danger-full-access";
	}
	return "?";
}

const char *approval_policy_str(enum approval_policy p)
{
	switch (p) {
	case APPROVAL_UNTRUSTED:
		return "untrusted";
	case APPROVAL_ON_FAILURE:
		return "on-failure";
	case APPROVAL_ON_REQUEST:
		return "on-request";
	case APPROVAL_NEVER:
		return "never";
	}
	return "?";
}

const char *network_mode_str(enum network_mode m)
{
	switch (m) {
	case NETWORK_MODE_FULL:
		return "full";
	case NETWORK_MODE_LIMITED:
		return "limited";
	}
	return "?";
}

int sandbox_mode_parse(const char *s, enum sandbox_mode *out)
{
	static const enum sandbox_mode all[] = {SANDBOX_MODE_READ_ONLY,
						SANDBOX_MODE_WORKSPACE_WRITE,
						SANDBOX_MODE_DANGER_FULL_ACCESS};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, sandbox_mode_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

int network_mode_parse(const char *s, enum network_mode *out)
{
	static const enum network_mode all[] = {NETWORK_MODE_FULL, NETWORK_MODE_LIMITED};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, network_mode_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

int approval_policy_parse(const char *s, enum approval_policy *out)
{
	static const enum approval_policy all[] = {APPROVAL_UNTRUSTED, APPROVAL_ON_FAILURE,
						   APPROVAL_ON_REQUEST, APPROVAL_NEVER};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, approval_policy_str(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}
