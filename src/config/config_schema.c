/* The typed pass: the known keys of config.toml as tables of fields, read from the
 * merged TOML tree into struct config with a type check each, recording where every
 * value came from. Keys this build does not know are ignored and listed. */
#include "config/config_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/vec.h"

/* FK_ENUM fields are C enums written through an int. */
_Static_assert(sizeof(enum sandbox_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum approval_policy) == sizeof(int), "enum size");
_Static_assert(sizeof(enum network_mode) == sizeof(int), "enum size");

enum field_kind {
	FK_STRING,  /* char * */
	FK_CHOICE,  /* char *, one of choices */
	FK_ENUM,    /* an enum: the index of the value in choices */
	FK_BOOL,    /* bool */
	FK_INT,     /* int64_t >= 0, clamped to max when max > 0 */
	FK_SECONDS, /* double >= 0, from an integer or a float */
	FK_STRV,    /* struct strv from an array of strings */
	FK_MAP,     /* struct config_map from a table of strings */
	FK_TABLE,   /* a nested table read with sub (offsets relative to this field) */
	FK_SPECIAL  /* read by special() */
};

struct loader;

struct field {
	const char *key;
	enum field_kind kind;
	size_t offset;
	const char *const *choices;
	int64_t max;
	const struct field *sub;
	int (*special)(struct loader *ld, const char *path, const struct toml_value *v,
		       void *base);
};

struct loader {
	const struct config_source *src;
	struct config *cfg;           /* where values go */
	struct config_provenance *prov;
	struct err *e;
	bool checking_profile;        /* reading a [profiles.<name>] table to validate it */
	struct strv domains_allow;    /* [network] domains / unix_sockets, folded into */
	struct strv domains_deny;     /* the lists at the end */
	struct strv sockets_allow;
};

/* ---- messages -------------------------------------------------------------------- */

static void describe(const struct toml_value *v, char *out, size_t cap)
{
	const char *type = toml_type_name(v->type);

	switch (v->type) {
	case TOML_STRING:
		snprintf(out, cap, "\"%.40s\"%s", v->u.str.ptr, v->u.str.len > 40 ? "..." : "");
		return;
	case TOML_INTEGER:
		snprintf(out, cap, "integer %lld", (long long)v->u.integer);
		return;
	case TOML_FLOAT:
		snprintf(out, cap, "float %g", v->u.flt);
		return;
	case TOML_BOOL:
		snprintf(out, cap, "boolean %s", v->u.boolean ? "true" : "false");
		return;
	case TOML_TABLE:
	case TOML_ARRAY:
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		snprintf(out, cap, "%s %s", strchr("aeiou", type[0]) ? "an" : "a", type);
		return;
	}
}

static int type_error(struct loader *ld, const char *path, const struct toml_value *v,
		      const char *expected)
{
	char where[384], got[96];

	config_where(ld->src, v, where, sizeof where);
	describe(v, got, sizeof got);
	return err_set(ld->e, "%s: invalid value for %s: expected %s, got %s", where, path,
		       expected, got);
}

static int nomem(struct loader *ld)
{
	return err_set(ld->e, "out of memory");
}

/* ---- provenance ------------------------------------------------------------------ */

static int record(struct loader *ld, const char *path, const struct toml_value *v)
{
	char *origin;
	int rc;

	if (ld->checking_profile)
		return 0;
	origin = config_origin(ld->src, v);
	if (!origin)
		return nomem(ld);
	rc = config_origin_set(ld->prov, path, origin);
	free(origin);
	return rc < 0 ? nomem(ld) : 0;
}

/* Takes path (freed here when not kept). reason must be a string literal. */
static int ignore_key_take(struct loader *ld, char *path, const struct toml_value *v,
			   const char *reason)
{
	struct config_provenance *p = ld->prov;
	struct config_ignored *ig;

	if (!path)
		return nomem(ld);
	/* Keys merged in from the selected profile are listed by the profile's own pass. */
	if (!ld->checking_profile && v->tag == CONFIG_TAG_PROFILE) {
		free(path);
		return 0;
	}
	ig = vec_grow(p->ignored, &p->cap_ignored, p->n_ignored, sizeof *ig, LIMIT_TOML_ENTRIES);
	if (!ig) {
		free(path);
		return nomem(ld);
	}
	p->ignored = ig;
	p->ignored[p->n_ignored++] = (struct config_ignored){path, reason, v->tag, v->line};
	return 0;
}

static int ignore_key(struct loader *ld, const char *path, const struct toml_value *v,
		      const char *reason)
{
	return ignore_key_take(ld, strdup(path), v, reason);
}

/* ---- typed readers --------------------------------------------------------------- */

static bool has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static int want_string(struct loader *ld, const char *path, const struct toml_value *v)
{
	if (v->type != TOML_STRING)
		return type_error(ld, path, v, "a string");
	if (has_nul(v->u.str.ptr, v->u.str.len))
		return type_error(ld, path, v, "a string without NUL characters");
	return 0;
}

static int want_choice(struct loader *ld, const char *path, const struct toml_value *v,
		       const char *const *choices)
{
	char expected[256];
	size_t n = 0;

	if (v->type == TOML_STRING)
		for (int i = 0; choices[i]; i++)
			if (strcmp(v->u.str.ptr, choices[i]) == 0 && strlen(choices[i]) == v->u.str.len)
				return i;
	n += (size_t)snprintf(expected, sizeof expected, "one of");
	for (int i = 0; choices[i] && n < sizeof expected; i++)
		n += (size_t)snprintf(expected + n, sizeof expected - n, "%s \"%s\"", i ? "," : "",
				      choices[i]);
	return type_error(ld, path, v, expected);
}

static int want_strv(struct loader *ld, const char *path, const struct toml_value *v,
		     struct strv *out)
{
	struct strv sv = STRV_INIT;

	if (v->type != TOML_ARRAY)
		return type_error(ld, path, v, "an array of strings");
	for (size_t i = 0; i < v->u.array.n; i++) {
		const struct toml_value *item = v->u.array.items[i];
		if (item->type != TOML_STRING || has_nul(item->u.str.ptr, item->u.str.len)) {
			char ipath[512];
			snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
			strv_free(&sv);
			return type_error(ld, ipath, item, "a string");
		}
		if (strv_push(&sv, item->u.str.ptr) < 0) {
			strv_free(&sv);
			return nomem(ld);
		}
	}
	strv_free(out);
	*out = sv;
	return 0;
}

/* Calls each(ld, path of the entry, key, value, arg) for every entry of table v, after
 * refusing keys that hold NUL (they cannot name anything). */
typedef int (*entry_fn)(struct loader *ld, const char *path, const char *key,
			const struct toml_value *v, void *arg);

static int each_entry(struct loader *ld, const char *path, const struct toml_value *v,
		      const char *expected, entry_fn each, void *arg)
{
	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, expected);
	for (size_t k = 0; k < v->u.table.n; k++) {
		const struct toml_entry *ent = &v->u.table.entries[k];
		char *epath = config_key_path(path, ent->key, ent->key_len);
		int rc;

		if (!epath)
			return nomem(ld);
		if (has_nul(ent->key, ent->key_len))
			rc = type_error(ld, epath, ent->value, "a key without NUL characters");
		else
			rc = each(ld, epath, ent->key, ent->value, arg);
		free(epath);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int map_entry(struct loader *ld, const char *path, const char *key,
		     const struct toml_value *v, void *arg)
{
	if (want_string(ld, path, v) < 0)
		return -1;
	return config_map_add(arg, key, v->u.str.ptr) < 0 ? nomem(ld) : 0;
}

static int want_map(struct loader *ld, const char *path, const struct toml_value *v,
		    struct config_map *out)
{
	struct config_map m = {STRV_INIT, STRV_INIT};

	if (each_entry(ld, path, v, "a table of strings", map_entry, &m) < 0) {
		config_map_free(&m);
		return -1;
	}
	config_map_free(out);
	*out = m;
	return 0;
}

/* A map's entries may come from several places (a -c adding one header to a file's
 * table): its origin is the one that takes precedence. */
static const struct toml_value *strongest_entry(const struct toml_value *v)
{
	const struct toml_value *best = v;

	for (size_t k = 0; k < v->u.table.n; k++)
		if (v->u.table.entries[k].value->tag > best->tag)
			best = v->u.table.entries[k].value;
	return best;
}

static int want_int(struct loader *ld, const char *path, const struct toml_value *v,
		    int64_t max, int64_t *out)
{
	if (v->type != TOML_INTEGER || v->u.integer < 0)
		return type_error(ld, path, v, "a non-negative integer");
	*out = max > 0 && v->u.integer > max ? max : v->u.integer;
	return 0;
}

static int want_seconds(struct loader *ld, const char *path, const struct toml_value *v,
			double *out)
{
	if (v->type == TOML_INTEGER && v->u.integer >= 0) {
		*out = (double)v->u.integer;
		return 0;
	}
	if (v->type == TOML_FLOAT && isfinite(v->u.flt) && v->u.flt >= 0) {
		*out = v->u.flt;
		return 0;
	}
	return type_error(ld, path, v, "a non-negative number of seconds");
}

static int extract_table(struct loader *ld, const struct field *fields,
			 const struct toml_value *t, void *base, const char *prefix);

static int extract_field(struct loader *ld, const struct field *f, const char *path,
			 const struct toml_value *v, void *base)
{
	void *slot = (char *)base + f->offset;
	int i;

	switch (f->kind) {
	case FK_STRING:
		if (want_string(ld, path, v) < 0)
			return -1;
		if (config_set_str(slot, v->u.str.ptr) < 0)
			return nomem(ld);
		break;
	case FK_CHOICE:
		i = want_choice(ld, path, v, f->choices);
		if (i < 0)
			return -1;
		if (config_set_str(slot, f->choices[i]) < 0)
			return nomem(ld);
		break;
	case FK_ENUM:
		i = want_choice(ld, path, v, f->choices);
		if (i < 0)
			return -1;
		*(int *)slot = i;
		break;
	case FK_BOOL:
		if (v->type != TOML_BOOL)
			return type_error(ld, path, v, "true or false");
		*(bool *)slot = v->u.boolean;
		break;
	case FK_INT:
		if (want_int(ld, path, v, f->max, slot) < 0)
			return -1;
		break;
	case FK_SECONDS:
		if (want_seconds(ld, path, v, slot) < 0)
			return -1;
		break;
	case FK_STRV:
		if (want_strv(ld, path, v, slot) < 0)
			return -1;
		break;
	case FK_MAP:
		if (want_map(ld, path, v, slot) < 0)
			return -1;
		return record(ld, path, strongest_entry(v));
	case FK_TABLE:
		if (v->type != TOML_TABLE)
			return type_error(ld, path, v, "a table");
		return extract_table(ld, f->sub, v, slot, path);
	case FK_SPECIAL:
		return f->special(ld, path, v, base);
	}
	return record(ld, path, v);
}

static int extract_table(struct loader *ld, const struct field *fields,
			 const struct toml_value *t, void *base, const char *prefix)
{
	for (size_t k = 0; k < t->u.table.n; k++) {
		const struct toml_entry *ent = &t->u.table.entries[k];
		const struct field *f = NULL;
		char *path;
		int rc;

		for (const struct field *g = fields; g->key; g++)
			if (strlen(g->key) == ent->key_len && memcmp(g->key, ent->key, ent->key_len) == 0)
				f = g;
		path = config_key_path(prefix, ent->key, ent->key_len);
		if (!path)
			return nomem(ld);
		if (!f) {
			if (ignore_key_take(ld, path, ent->value, "unknown key") < 0)
				return -1;
			continue;
		}
		rc = extract_field(ld, f, path, ent->value, base);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- the schema ------------------------------------------------------------------ */

#define FIELD(type, k, kind, member, choices, max, sub, special) \
	{k, kind, offsetof(type, member), choices, max, sub, special}
#define STR(type, k, m) FIELD(type, k, FK_STRING, m, NULL, 0, NULL, NULL)
#define CHOICE(type, k, m, c) FIELD(type, k, FK_CHOICE, m, c, 0, NULL, NULL)
#define ENUM(type, k, m, c) FIELD(type, k, FK_ENUM, m, c, 0, NULL, NULL)
#define BOOL(type, k, m) FIELD(type, k, FK_BOOL, m, NULL, 0, NULL, NULL)
#define INT(type, k, m, max) FIELD(type, k, FK_INT, m, NULL, max, NULL, NULL)
#define SECONDS(type, k, m) FIELD(type, k, FK_SECONDS, m, NULL, 0, NULL, NULL)
#define STRV(type, k, m) FIELD(type, k, FK_STRV, m, NULL, 0, NULL, NULL)
#define MAP(type, k, m) FIELD(type, k, FK_MAP, m, NULL, 0, NULL, NULL)
#define TABLE(type, k, m, sub) FIELD(type, k, FK_TABLE, m, NULL, 0, sub, NULL)
#define SPECIAL(k, fn) {k, FK_SPECIAL, 0, NULL, 0, NULL, fn}
#define END {NULL, FK_STRING, 0, NULL, 0, NULL, NULL}

/* In enum order for FK_ENUM (checked by a unit test against the *_str functions). */
static const char *const approval_choices[] = {"untrusted", "on-failure", "on-request",
					       "never", NULL};
static const char *const sandbox_choices[] = {"read-only", "workspace-write",
					      "danger-full-access", NULL};
static const char *const network_mode_choices[] = {"full", "limited", NULL};
static const char *const effort_choices[] = {"none", "minimal", "low", "medium", "high",
					     "xhigh", NULL};
static const char *const summary_choices[] = {"auto", "concise", "detailed", "none", NULL};
static const char *const inherit_choices[] = {"all", "core", "none", NULL};
static const char *const wire_api_choices[] = {"responses", "chat", NULL};
static const char *const verbosity_choices[] = {"low", "medium", "high", NULL};
static const char *const service_tier_choices[] = {"fast", "flex", NULL};
static const char *const personality_choices[] = {"none", "friendly", "pragmatic", NULL};
static const char *const reviewer_choices[] = {"user", "guardian_subagent", NULL};
/* As upstream 0.118 (its legacy "ollama-chat" is gone there too). */
static const char *const oss_provider_choices[] = {"lmstudio", "ollama", NULL};
static const char *const persistence_choices[] = {"save-all", "none", NULL};
static const char *const credentials_store_choices[] = {"auto", "file", "keyring", NULL};
static const char *const windows_sandbox_choices[] = {"elevated", "unelevated", NULL};
static const char *const login_method_choices[] = {"chatgpt", "api", NULL};
static const char *const permission_choices[] = {"allow", "deny", "none", NULL};

static int domains_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base);
static int unix_sockets_special(struct loader *ld, const char *path,
				const struct toml_value *v, void *base);
static int providers_special(struct loader *ld, const char *path, const struct toml_value *v,
			     void *base);
static int mcp_servers_special(struct loader *ld, const char *path, const struct toml_value *v,
			       void *base);
static int plugins_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base);
static int apps_special(struct loader *ld, const char *path, const struct toml_value *v,
			void *base);
static int skills_special(struct loader *ld, const char *path, const struct toml_value *v,
			  void *base);
static int features_special(struct loader *ld, const char *path, const struct toml_value *v,
			    void *base);
static int profile_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base);
static int profiles_special(struct loader *ld, const char *path, const struct toml_value *v,
			    void *base);

#define P struct config_model_provider
static const struct field provider_fields[] = {
	STR(P, "name", name),
	STR(P, "base_url", base_url),
	STR(P, "env_key", env_key),
	STR(P, "env_key_instructions", env_key_instructions),
	CHOICE(P, "wire_api", wire_api, wire_api_choices),
	MAP(P, "query_params", query_params),
	MAP(P, "http_headers", http_headers),
	MAP(P, "env_http_headers", env_http_headers),
	/* Upstream caps the retry counts at 100. */
	INT(P, "request_max_retries", request_max_retries, 100),
	INT(P, "stream_max_retries", stream_max_retries, 100),
	INT(P, "stream_idle_timeout_ms", stream_idle_timeout_ms, 0),
	BOOL(P, "requires_openai_auth", requires_openai_auth),
	STR(P, "experimental_bearer_token", experimental_bearer_token),
	END,
};
#undef P

static int mcp_timeout_ms_special(struct loader *ld, const char *path,
				  const struct toml_value *v, void *base);
static int mcp_tools_special(struct loader *ld, const char *path, const struct toml_value *v,
			     void *base);
static int mcp_inline_secret_special(struct loader *ld, const char *path,
				     const struct toml_value *v, void *base);

#define M struct config_mcp_server
static const struct field mcp_fields[] = {
	STR(M, "command", command),
	STRV(M, "args", args),
	MAP(M, "env", env),
	STRV(M, "env_vars", env_vars),
	STR(M, "cwd", cwd),
	STR(M, "url", url),
	STR(M, "bearer_token_env_var", bearer_token_env_var),
	MAP(M, "http_headers", http_headers),
	MAP(M, "env_http_headers", env_http_headers),
	BOOL(M, "enabled", enabled),
	SECONDS(M, "startup_timeout_sec", startup_timeout_sec),
	SECONDS(M, "tool_timeout_sec", tool_timeout_sec),
	STRV(M, "enabled_tools", enabled_tools),
	STRV(M, "disabled_tools", disabled_tools),
	BOOL(M, "required", required),
	STRV(M, "scopes", scopes),
	STR(M, "oauth_resource", oauth_resource),
	SPECIAL("startup_timeout_ms", mcp_timeout_ms_special),
	SPECIAL("tools", mcp_tools_special),
	SPECIAL("bearer_token", mcp_inline_secret_special),
	END,
};
#undef M

#define S struct config_sandbox_workspace_write
static const struct field workspace_write_fields[] = {
	STRV(S, "writable_roots", writable_roots),
	BOOL(S, "network_access", network_access),
	BOOL(S, "exclude_tmpdir_env_var", exclude_tmpdir_env_var),
	BOOL(S, "exclude_slash_tmp", exclude_slash_tmp),
	END,
};
#undef S

#define S struct config_shell_environment_policy
static const struct field shell_env_fields[] = {
	CHOICE(S, "inherit", inherit, inherit_choices),
	BOOL(S, "ignore_default_excludes", ignore_default_excludes),
	STRV(S, "exclude", exclude),
	STRV(S, "include_only", include_only),
	MAP(S, "set", set),
	END,
};
#undef S

#define N struct config_network
static const struct field network_fields[] = {
	BOOL(N, "enabled", enabled),
	STR(N, "proxy_url", proxy_url),
	STR(N, "socks_url", socks_url),
	BOOL(N, "enable_socks5", enable_socks5),
	BOOL(N, "enable_socks5_udp", enable_socks5_udp),
	ENUM(N, "mode", mode, network_mode_choices),
	STRV(N, "allowed_domains", allowed_domains),
	STRV(N, "denied_domains", denied_domains),
	SPECIAL("domains", domains_special),
	BOOL(N, "allow_local_binding", allow_local_binding),
	STRV(N, "allow_unix_sockets", allow_unix_sockets),
	SPECIAL("unix_sockets", unix_sockets_special),
	BOOL(N, "allow_upstream_proxy", allow_upstream_proxy),
	BOOL(N, "dangerously_allow_non_loopback_proxy", dangerously_allow_non_loopback_proxy),
	STR(N, "admin_url", admin_url),
	BOOL(N, "dangerously_allow_non_loopback_admin", dangerously_allow_non_loopback_admin),
	END,
};
#undef N

#define H struct config_history
static const struct field history_fields[] = {
	CHOICE(H, "persistence", persistence, persistence_choices),
	INT(H, "max_bytes", max_bytes, 0),
	END,
};
#undef H

/* [tui] keys the TUI reads from the file itself (codex-tui.md §13): known here so that
 * they are not listed as ignored; their types are the TUI's to judge. */
static int tui_key_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base)
{
	(void)ld;
	(void)path;
	(void)v;
	(void)base;
	return 0;
}

#define T struct config_tui
static const struct field tui_fields[] = {
	STR(T, "theme", theme),
	SPECIAL("notifications", tui_key_special),
	SPECIAL("notification_method", tui_key_special),
	SPECIAL("animations", tui_key_special),
	SPECIAL("show_tooltips", tui_key_special),
	SPECIAL("alternate_screen", tui_key_special),
	SPECIAL("status_line", tui_key_special),
	SPECIAL("terminal_title", tui_key_special),
	SPECIAL("model_availability_nux", tui_key_special),
	END,
};
#undef T

#define AG struct config_agents
static const struct field agents_fields[] = {
	INT(AG, "max_threads", max_threads, CONFIG_AGENTS_THREADS_LIMIT),
	INT(AG, "max_depth", max_depth, CONFIG_AGENTS_DEPTH_LIMIT),
	END,
};
#undef AG

#define C struct config
/* [windows] keys live directly in struct config. */
static const struct field feedback_fields[] = {
	BOOL(C, "enabled", feedback_enabled),
	END,
};

static const struct field windows_fields[] = {
	CHOICE(C, "sandbox", windows_sandbox, windows_sandbox_choices),
	BOOL(C, "sandbox_private_desktop", windows_sandbox_private_desktop),
	END,
};

static const struct field root_fields[] = {
	STR(C, "model", model),
	STR(C, "model_provider", model_provider),
	SPECIAL("model_providers", providers_special),
	CHOICE(C, "model_reasoning_effort", model_reasoning_effort, effort_choices),
	CHOICE(C, "model_reasoning_summary", model_reasoning_summary, summary_choices),
	CHOICE(C, "model_verbosity", model_verbosity, verbosity_choices),
	CHOICE(C, "service_tier", service_tier, service_tier_choices),
	CHOICE(C, "personality", personality, personality_choices),
	CHOICE(C, "mcp_oauth_credentials_store", mcp_oauth_credentials_store,
	       credentials_store_choices),
	/* A TCP port: 1-65535 (0, the default, lets the kernel pick). */
	INT(C, "mcp_oauth_callback_port", mcp_oauth_callback_port, 65535),
	STR(C, "mcp_oauth_callback_url", mcp_oauth_callback_url),
	CHOICE(C, "oss_provider", oss_provider, oss_provider_choices),
	ENUM(C, "approval_policy", approval_policy, approval_choices),
	CHOICE(C, "approvals_reviewer", approvals_reviewer, reviewer_choices),
	ENUM(C, "sandbox_mode", sandbox_mode, sandbox_choices),
	TABLE(C, "sandbox_workspace_write", sandbox_workspace_write, workspace_write_fields),
	INT(C, "sandbox_max_processes", sandbox_max_processes, CONFIG_SANDBOX_MAX_PROCESSES_LIMIT),
	TABLE(C, "shell_environment_policy", shell_environment_policy, shell_env_fields),
	TABLE(C, "network", network, network_fields),
	{"windows", FK_TABLE, 0, NULL, 0, windows_fields, NULL},
	{"feedback", FK_TABLE, 0, NULL, 0, feedback_fields, NULL},
	TABLE(C, "history", history, history_fields),
	TABLE(C, "tui", tui, tui_fields),
	TABLE(C, "agents", agents, agents_fields),
	STRV(C, "notify", notify),
	INT(C, "project_doc_max_bytes", project_doc_max_bytes, 0),
	STRV(C, "project_doc_fallback_filenames", project_doc_fallback_filenames),
	CHOICE(C, "forced_login_method", forced_login_method, login_method_choices),
	STR(C, "forced_chatgpt_workspace_id", forced_chatgpt_workspace_id),
	STR(C, "js_repl_node_path", js_repl_node_path),
	STRV(C, "js_repl_node_module_dirs", js_repl_node_module_dirs),
	SPECIAL("profile", profile_special),
	SPECIAL("profiles", profiles_special),
	SPECIAL("mcp_servers", mcp_servers_special),
	SPECIAL("features", features_special),
	SPECIAL("skills", skills_special),
	SPECIAL("plugins", plugins_special),
	STR(C, "chatgpt_base_url", chatgpt_base_url),
	SPECIAL("apps", apps_special),
	END,
};
#undef C

/* ---- the special keys ------------------------------------------------------------ */

static int permission_entry(struct loader *ld, const char *path, const char *key,
			    const struct toml_value *v, void *arg)
{
	struct strv *allow = arg;
	int i = want_choice(ld, path, v, permission_choices);

	if (i < 0)
		return -1;
	if (i == 0 && strv_push(allow, key) < 0)
		return nomem(ld);
	/* Only domains have a deny list; "deny" for a unix socket is the default anyway. */
	if (i == 1 && allow == &ld->domains_allow && strv_push(&ld->domains_deny, key) < 0)
		return nomem(ld);
	return 0;
}

static int domains_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base)
{
	if (each_entry(ld, path, v, "a table of \"allow\" / \"deny\" / \"none\"",
		       permission_entry, &ld->domains_allow) < 0)
		return -1;
	return record(ld, path, v);
}

static int unix_sockets_special(struct loader *ld, const char *path,
				const struct toml_value *v, void *base)
{
	if (each_entry(ld, path, v, "a table of \"allow\" / \"deny\" / \"none\"",
		       permission_entry, &ld->sockets_allow) < 0)
		return -1;
	return record(ld, path, v);
}

/* Appends each entry of from to *to unless it is in skip or already in seen (tables
 * used as hashed sets, so long domain lists stay linear), recording it in seen. */
static int add_new(struct strv *to, const struct strv *from, struct toml_value *seen,
		   const struct toml_value *skip)
{
	for (size_t i = 0; i < from->n; i++) {
		const char *s = from->v[i];
		if (toml_table_get(seen, s) || (skip && toml_table_get(skip, s)))
			continue;
		if (toml_table_set(seen, s, toml_table_new()) < 0 || strv_push(to, s) < 0)
			return -1;
	}
	return 0;
}

/* domains = {...} and unix_sockets = {...} join the lists; a pattern denied anywhere
 * is not allowed; duplicates go. */
static int fold_network(struct loader *ld)
{
	struct config_network *net = &ld->cfg->network;
	struct strv denied = STRV_INIT, allowed = STRV_INIT, sockets = STRV_INIT;
	struct toml_value *deny_set = toml_table_new(), *allow_set = toml_table_new();
	struct toml_value *socket_set = toml_table_new();
	int rc = -1;

	if (!deny_set || !allow_set || !socket_set ||
	    add_new(&denied, &net->denied_domains, deny_set, NULL) < 0 ||
	    add_new(&denied, &ld->domains_deny, deny_set, NULL) < 0 ||
	    add_new(&allowed, &net->allowed_domains, allow_set, deny_set) < 0 ||
	    add_new(&allowed, &ld->domains_allow, allow_set, deny_set) < 0 ||
	    add_new(&sockets, &net->allow_unix_sockets, socket_set, NULL) < 0 ||
	    add_new(&sockets, &ld->sockets_allow, socket_set, NULL) < 0) {
		nomem(ld);
		strv_free(&denied);
		strv_free(&allowed);
		strv_free(&sockets);
		goto out;
	}
	strv_free(&net->denied_domains);
	strv_free(&net->allowed_domains);
	strv_free(&net->allow_unix_sockets);
	net->denied_domains = denied;
	net->allowed_domains = allowed;
	net->allow_unix_sockets = sockets;
	rc = 0;
out:
	toml_free(deny_set);
	toml_free(allow_set);
	toml_free(socket_set);
	return rc;
}

static int provider_entry(struct loader *ld, const char *path, const char *id,
			  const struct toml_value *v, void *arg)
{
	struct config *cfg = ld->cfg;
	struct config_model_provider *p;

	/* As upstream 0.118: a built-in id in model_providers is an error, not a silent
	 * override (the user's settings would otherwise be dropped without a word). */
	for (const char *const *b = config_builtin_provider_ids; *b; b++) {
		char where[384];
		if (strcmp(id, *b) != 0)
			continue;
		config_where(ld->src, v, where, sizeof where);
		return err_set(ld->e,
			       "%s: %s: '%s' is a built-in provider and cannot be redefined; "
			       "give yours another id (for example '%s-custom') and select it "
			       "with model_provider",
			       where, path, id, id);
	}
	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table");
	p = vec_grow(cfg->providers, &cfg->cap_providers, cfg->n_providers, sizeof *p,
		     LIMIT_TOML_ENTRIES);
	if (!p)
		return nomem(ld);
	cfg->providers = p;
	p += cfg->n_providers;
	if (config_provider_init(p, id) < 0) {
		config_provider_free(p);
		return nomem(ld);
	}
	cfg->n_providers++;
	return extract_table(ld, provider_fields, v, p, path);
}

static int providers_special(struct loader *ld, const char *path, const struct toml_value *v,
			     void *base)
{
	return each_entry(ld, path, v, "a table of providers", provider_entry, NULL);
}

/* startup_timeout_ms: the integer alternative to startup_timeout_sec. */
static int mcp_timeout_ms_special(struct loader *ld, const char *path,
				  const struct toml_value *v, void *base)
{
	struct config_mcp_server *s = base;
	int64_t ms = 0;

	if (want_int(ld, path, v, 0, &ms) < 0)
		return -1;
	s->startup_timeout_sec = (double)ms / 1000.0;
	return record(ld, path, v);
}

static const char *const approval_mode_choices[] = {"auto", "prompt", "approve", NULL};

/* [mcp_servers.<n>.tools.<tool>] approval_mode = "auto" | "prompt" | "approve". */
static int mcp_tool_entry(struct loader *ld, const char *path, const char *key,
			  const struct toml_value *v, void *arg)
{
	struct config_mcp_server *s = arg;
	const struct toml_value *mode;
	char *mpath;
	int i;

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table");
	mode = toml_table_get(v, "approval_mode");
	if (!mode)
		return 0;
	mpath = config_key_path(path, "approval_mode", strlen("approval_mode"));
	if (!mpath)
		return nomem(ld);
	i = want_choice(ld, mpath, mode, approval_mode_choices);
	if (i >= 0 && config_map_add(&s->tool_approval, key, approval_mode_choices[i]) < 0)
		i = nomem(ld);
	if (i >= 0)
		i = record(ld, mpath, mode);
	free(mpath);
	return i < 0 ? -1 : 0;
}

static int mcp_tools_special(struct loader *ld, const char *path, const struct toml_value *v,
			     void *base)
{
	return each_entry(ld, path, v, "a table of tools", mcp_tool_entry, base);
}

static int mcp_inline_secret_special(struct loader *ld, const char *path,
				     const struct toml_value *v, void *base)
{
	char where[384];

	(void)base;
	(void)path;
	config_where(ld->src, v, where, sizeof where);
	return err_set(ld->e, "%s: bearer_token is not supported for streamable_http (use "
			      "bearer_token_env_var)", where);
}

static bool mcp_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

static int mcp_server_entry(struct loader *ld, const char *path, const char *name,
			    const struct toml_value *v, void *arg)
{
	struct config *cfg = ld->cfg;
	struct config_mcp_server *s;
	char where[384];
	/* Keys of the other transport are errors, as upstream's are. */
	static const char *const http_only[] = {"url", "bearer_token_env_var", "http_headers",
						"env_http_headers", "scopes", "oauth_resource",
						NULL};
	static const char *const stdio_only[] = {"args", "env", "env_vars", "cwd", NULL};

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table");
	s = vec_grow(cfg->mcp_servers, &cfg->cap_mcp_servers, cfg->n_mcp_servers, sizeof *s,
		     LIMIT_TOML_ENTRIES);
	if (!s)
		return nomem(ld);
	cfg->mcp_servers = s;
	s += cfg->n_mcp_servers;
	memset(s, 0, sizeof *s);
	s->enabled = true;
	s->startup_timeout_sec = 30; /* upstream 0.118 */
	s->tool_timeout_sec = 120;
	cfg->n_mcp_servers++;
	if (config_set_str(&s->name, name) < 0)
		return nomem(ld);
	config_where(ld->src, v, where, sizeof where);
	if (!mcp_name_ok(name))
		return err_set(ld->e, "%s: Invalid MCP server name '%s': must match pattern "
				      "^[a-zA-Z0-9_-]+$", where, name);
	if (extract_table(ld, mcp_fields, v, s, path) < 0)
		return -1;
	s->enabled_tools_set = toml_table_get(v, "enabled_tools") != NULL;
	s->scopes_set = toml_table_get(v, "scopes") != NULL;
	if (!s->command && !s->url)
		return err_set(ld->e, "%s: invalid value for %s: a server needs `command` (stdio) "
				      "or `url` (streamable HTTP)",
			       where, path);
	for (size_t i = 0; s->command && http_only[i]; i++)
		if (toml_table_get(v, http_only[i]))
			return err_set(ld->e, "%s: %s is not supported for stdio", where, http_only[i]);
	for (size_t i = 0; !s->command && stdio_only[i]; i++)
		if (toml_table_get(v, stdio_only[i]))
			return err_set(ld->e, "%s: %s is not supported for streamable_http", where,
				       stdio_only[i]);
	return 0;
}

static int mcp_servers_special(struct loader *ld, const char *path, const struct toml_value *v,
			       void *base)
{
	return each_entry(ld, path, v, "a table of servers", mcp_server_entry, NULL);
}

/* name = true/false, or the table form [features.<name>] with enabled = true/false. */
static int feature_entry(struct loader *ld, const char *path, const char *name,
			 const struct toml_value *v, void *arg)
{
	const struct toml_value *on = v;

	if (v->type == TOML_TABLE) {
		on = toml_table_get(v, "enabled");
		if (!on) {
			if (config_map_add(&ld->cfg->features, name, "false") < 0)
				return nomem(ld);
			return record(ld, path, v);
		}
	}
	if (on->type != TOML_BOOL)
		return type_error(ld, path, on, "true or false (or a table with enabled = ...)");
	if (config_map_add(&ld->cfg->features, name, on->u.boolean ? "true" : "false") < 0)
		return nomem(ld);
	return record(ld, path, on);
}

static int features_special(struct loader *ld, const char *path, const struct toml_value *v,
			    void *base)
{
	return each_entry(ld, path, v, "a table of feature = true/false", feature_entry, NULL);
}

/* One [[skills.config]] table: path or name (not both), enabled. Unknown keys are
 * ignored, as upstream's serde struct does. */
static int skill_rule(struct loader *ld, const char *path, const struct toml_value *t)
{
	const struct toml_value *p = toml_table_get(t, "path"), *n = toml_table_get(t, "name");
	const struct toml_value *on = toml_table_get(t, "enabled");
	struct config_skill_rule r = {NULL, NULL, true}, *g;
	struct config *cfg = ld->cfg;

	if (t->type != TOML_TABLE)
		return type_error(ld, path, t, "a table with path or name, and enabled");
	if ((p && want_string(ld, path, p) < 0) || (n && want_string(ld, path, n) < 0))
		return -1;
	if (on && on->type != TOML_BOOL)
		return type_error(ld, path, on, "true or false");
	if (!p == !n) {
		char where[384];
		config_where(ld->src, t, where, sizeof where);
		return err_set(ld->e, "%s: %s needs either path or name", where, path);
	}
	if (ld->checking_profile)
		return 0;
	r.enabled = on ? on->u.boolean : true;
	if ((p && !(r.path = strdup(p->u.str.ptr))) || (n && !(r.name = strdup(n->u.str.ptr))))
		goto oom;
	g = realloc(cfg->skill_rules, (cfg->n_skill_rules + 1) * sizeof *g);
	if (!g)
		goto oom;
	cfg->skill_rules = g;
	g[cfg->n_skill_rules++] = r;
	return record(ld, path, t);
oom:
	free(r.path);
	free(r.name);
	return nomem(ld);
}

static int skills_special(struct loader *ld, const char *path, const struct toml_value *v,
			  void *base)
{
	const struct toml_value *list;

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table");
	list = toml_table_get(v, "config");
	if (!list)
		return 0;
	if (list->type != TOML_ARRAY)
		return type_error(ld, "skills.config", list, "an array of tables");
	for (size_t i = 0; i < list->u.array.n; i++)
		if (skill_rule(ld, "skills.config", list->u.array.items[i]) < 0)
			return -1;
	return 0;
}

/* [plugins."<plugin>@<marketplace>"] enabled = true/false (default true). Other keys
 * are ignored, as upstream's serde struct does; a later table for the same id wins. */
static int plugin_entry(struct loader *ld, const char *path, const char *id,
			const struct toml_value *v, void *arg)
{
	const struct toml_value *on;
	struct config *cfg = ld->cfg;
	struct config_plugin *g;
	char *dup;

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table with enabled = true/false");
	on = toml_table_get(v, "enabled");
	if (on && on->type != TOML_BOOL)
		return type_error(ld, path, on, "true or false");
	if (ld->checking_profile)
		return 0;
	for (size_t i = 0; i < cfg->n_plugins; i++)
		if (strcmp(cfg->plugins[i].id, id) == 0) {
			cfg->plugins[i].enabled = on ? on->u.boolean : true;
			return record(ld, path, v);
		}
	if (!(dup = strdup(id)))
		return nomem(ld);
	g = realloc(cfg->plugins, (cfg->n_plugins + 1) * sizeof *g);
	if (!g) {
		free(dup);
		return nomem(ld);
	}
	cfg->plugins = g;
	g[cfg->n_plugins++] = (struct config_plugin){dup, on ? on->u.boolean : true};
	return record(ld, path, v);
}

static int plugins_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base)
{
	return each_entry(ld, path, v, "a table of plugins", plugin_entry, NULL);
}

/* apps_settings[key] = val, replacing; path and v (the value) place the error. */
static int setting(struct loader *ld, const char *path, const struct toml_value *v,
		   const char *key, const char *val)
{
	struct config_map *m = &ld->cfg->apps_settings;

	for (size_t i = 0; i < m->keys.n; i++)
		if (strcmp(m->keys.v[i], key) == 0) {
			char *d = strdup(val);
			if (!d)
				return nomem(ld);
			free(m->values.v[i]);
			m->values.v[i] = d;
			return 0;
		}
	if (m->keys.n >= CONFIG_APPS_MAX_SETTINGS) {
		char where[384];
		config_where(ld->src, v, where, sizeof where);
		return err_set(ld->e, "%s: too many [apps] settings at %s (at most %d)", where,
			       path, CONFIG_APPS_MAX_SETTINGS);
	}
	return config_map_add(m, key, val) < 0 ? nomem(ld) : 0;
}

/* An app id or tool name holding the separator of apps_settings' keys would read as
 * another app's setting; no real one does, so such a table is skipped. */
static bool app_name_ok(const char *name)
{
	return !strchr(name, CONFIG_APPS_SEP[0]);
}

/* t[name], when present, a bool ("true"/"false") or an approval mode, into
 * apps_settings[prefix SEP name]. */
static int app_field(struct loader *ld, const char *path, const struct toml_value *t,
		     const char *prefix, const char *name, bool approval)
{
	const struct toml_value *f = toml_table_get(t, name);
	char key[1024];
	const char *val;

	if (!f)
		return 0;
	if (approval) {
		if (f->type != TOML_STRING || (strcmp(f->u.str.ptr, "auto") != 0 &&
					       strcmp(f->u.str.ptr, "prompt") != 0 &&
					       strcmp(f->u.str.ptr, "approve") != 0))
			return type_error(ld, path, f, "\"auto\", \"prompt\" or \"approve\"");
		val = f->u.str.ptr;
	} else {
		if (f->type != TOML_BOOL)
			return type_error(ld, path, f, "true or false");
		val = f->u.boolean ? "true" : "false";
	}
	if (ld->checking_profile)
		return 0;
	if ((size_t)snprintf(key, sizeof key, "%s" CONFIG_APPS_SEP "%s", prefix, name) >= sizeof key)
		return 0; /* a key this long names no real app or tool */
	return setting(ld, path, f, key, val);
}

/* [apps.<id>.tools.<tool>] enabled, approval_mode */
static int app_tool_entry(struct loader *ld, const char *path, const char *tool,
			  const struct toml_value *v, void *arg)
{
	char prefix[1024];

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table with enabled and approval_mode");
	if (!app_name_ok(tool))
		return 0;
	if ((size_t)snprintf(prefix, sizeof prefix, "%s" CONFIG_APPS_SEP "tools" CONFIG_APPS_SEP "%s",
			     (const char *)arg, tool) >= sizeof prefix)
		return 0;
	if (app_field(ld, path, v, prefix, "enabled", false) < 0 ||
	    app_field(ld, path, v, prefix, "approval_mode", true) < 0)
		return -1;
	return 0;
}

/* [apps.<connector id>] (and [apps._default], upstream's defaults for every app):
 * enabled (default true), destructive_enabled, open_world_enabled,
 * default_tools_enabled, default_tools_approval_mode and [apps.<id>.tools.<tool>]
 * tables, into apps_settings (the id alone marks that the table exists); enabled also
 * into apps_enabled. Other keys (disabled_reason, ...) are not used here, so ignored as
 * upstream's serde struct ignores what it does not know. A later table for the same id
 * wins. */
static int app_entry(struct loader *ld, const char *path, const char *id,
		     const struct toml_value *v, void *arg)
{
	static const char *const bools[] = {"destructive_enabled", "open_world_enabled",
					    "default_tools_enabled"};
	const struct toml_value *on, *tools;
	struct config_map *m = &ld->cfg->apps_enabled;

	(void)arg;
	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table with enabled = true/false");
	if (!app_name_ok(id))
		return 0;
	on = toml_table_get(v, "enabled");
	if (on && on->type != TOML_BOOL)
		return type_error(ld, path, on, "true or false");
	for (size_t i = 0; i < sizeof bools / sizeof *bools; i++)
		if (app_field(ld, path, v, id, bools[i], false) < 0)
			return -1;
	if (app_field(ld, path, v, id, "default_tools_approval_mode", true) < 0)
		return -1;
	if ((tools = toml_table_get(v, "tools"))) {
		char *tpath = config_key_path(path, "tools", strlen("tools"));
		int rc;
		if (!tpath)
			return nomem(ld);
		rc = each_entry(ld, tpath, tools, "a table of tools", app_tool_entry, (void *)id);
		free(tpath);
		if (rc < 0)
			return -1;
	}
	if (!ld->checking_profile && strlen(id) < 900 && setting(ld, path, v, id, "") < 0)
		return -1;
	if (ld->checking_profile || !on)
		return 0;
	for (size_t i = 0; i < m->keys.n; i++)
		if (strcmp(m->keys.v[i], id) == 0) {
			char *val = strdup(on->u.boolean ? "true" : "false");
			if (!val)
				return nomem(ld);
			free(m->values.v[i]);
			m->values.v[i] = val;
			return record(ld, path, v);
		}
	if (config_map_add(m, id, on->u.boolean ? "true" : "false") < 0)
		return nomem(ld);
	return record(ld, path, v);
}

static int apps_special(struct loader *ld, const char *path, const struct toml_value *v,
			void *base)
{
	(void)base;
	return each_entry(ld, path, v, "a table of apps", app_entry, NULL);
}

/* config.c used the value to pick the profile; here it is only checked. */
static int profile_special(struct loader *ld, const char *path, const struct toml_value *v,
			   void *base)
{
	if (ld->checking_profile)
		return ignore_key(ld, path, v, "a profile cannot select a profile");
	if (want_string(ld, path, v) < 0)
		return -1;
	return record(ld, path, v);
}

static int run_pass(struct loader *ld, const struct toml_value *root, const char *prefix);

/* Every profile is checked, selected or not, so a mistake in one is found when it is
 * written, not the day it is used. */
static int profile_entry(struct loader *ld, const char *path, const char *name,
			 const struct toml_value *v, void *arg)
{
	/* The pass only checks: it needs no defaults, and no allocation made and freed per
	 * profile. With musl's allocator such a pair can map and unmap a group of pages
	 * each time (40,000 profiles cost 80,000 system calls and 1.8 s). */
	struct config scratch = {0};
	struct loader sub = {ld->src, &scratch, ld->prov, ld->e, true, STRV_INIT, STRV_INIT,
			     STRV_INIT};
	int rc;

	if (v->type != TOML_TABLE)
		return type_error(ld, path, v, "a table");
	rc = run_pass(&sub, v, path);
	config_free_fields(&scratch);
	return rc;
}

static int profiles_special(struct loader *ld, const char *path, const struct toml_value *v,
			    void *base)
{
	if (ld->checking_profile)
		return ignore_key(ld, path, v, "profiles cannot be nested");
	return each_entry(ld, path, v, "a table of profiles", profile_entry, NULL);
}

/* ---- entry point ----------------------------------------------------------------- */

static int run_pass(struct loader *ld, const struct toml_value *root, const char *prefix)
{
	int rc = extract_table(ld, root_fields, root, ld->cfg, prefix);

	if (rc == 0)
		rc = fold_network(ld);
	strv_free(&ld->domains_allow);
	strv_free(&ld->domains_deny);
	strv_free(&ld->sockets_allow);
	return rc;
}

int config_extract(struct config *cfg, const struct toml_value *root,
		   const struct config_source *src, struct err *e)
{
	struct loader ld = {src, cfg, cfg->provenance, e, false, STRV_INIT, STRV_INIT, STRV_INIT};
	const struct toml_value *mp;
	char where[384];
	struct buf known;

	if (run_pass(&ld, root, "") < 0)
		return -1;
	if (config_provider(cfg))
		return 0;
	/* model_provider names no provider: say where it was set and what exists. */
	buf_init(&known, 4096);
	for (size_t i = 0; i < cfg->n_providers; i++)
		if (buf_printf(&known, "%s%s", i ? ", " : "", cfg->providers[i].id) < 0)
			break;
	mp = toml_table_get(root, "model_provider");
	if (mp)
		config_where(src, mp, where, sizeof where);
	err_set(e, "%s%sinvalid value for model_provider: no provider '%s' (defined: %s)",
		mp ? where : "", mp ? ": " : "", cfg->model_provider,
		known.data ? known.data : "none");
	buf_free(&known);
	return -1;
}
