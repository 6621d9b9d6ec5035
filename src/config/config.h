/* Typed configuration: $CODEX_HOME/config.toml (default ~/.codex/config.toml), the
 * selected profile, -c overrides, then CLI flags, in that order of increasing
 * precedence (explicit CLI flag > -c > profile > config.toml > built-in default).
 *
 * This header is the contract the other modules (sandbox, proxy, agent) read their
 * settings through. Fields may be added; existing ones are not renamed. */
#ifndef CODEX_CONFIG_CONFIG_H
#define CODEX_CONFIG_CONFIG_H

/* Joins the parts of an apps_settings key (a byte no real id or tool name has). */
#define CONFIG_APPS_SEP "\x1f"
/* [apps] settings kept (each app table, app key and tool key counts one): real files
 * hold tens; lookups are linear, so a file of a million tiny tables must not make the
 * load quadratic. More is an error naming the cap. */
#define CONFIG_APPS_MAX_SETTINGS 4096

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"

enum sandbox_mode {
	SANDBOX_MODE_READ_ONLY,
	SANDBOX_MODE_WORKSPACE_WRITE,
	SANDBOX_MODE_DANGER_FULL_ACCESS
};

enum approval_policy {
	APPROVAL_UNTRUSTED,
	APPROVAL_ON_FAILURE,
	APPROVAL_ON_REQUEST,
	APPROVAL_NEVER
};

enum network_mode {
	NETWORK_MODE_FULL,
	NETWORK_MODE_LIMITED
};

/* A string-to-string map (query_params, http_headers, env_http_headers, set, env).
 * keys.v[i] maps to values.v[i]. */
struct config_map {
	struct strv keys;
	struct strv values;
};

struct config_model_provider {
	char *id;               /* the table name: model_providers.<id> */
	char *name;             /* display name; defaults to the id */
	char *base_url;         /* built-in openai: NULL unless OPENAI_BASE_URL is set (the
				 * URL then depends on the auth mode, see the agent) */
	char *env_key;
	char *env_key_instructions;
	char *wire_api;         /* "responses" (default) | "chat" */
	struct config_map query_params;
	struct config_map http_headers;
	struct config_map env_http_headers;
	int64_t request_max_retries;    /* default 4, capped at 100 */
	int64_t stream_max_retries;     /* default 5, capped at 100 */
	int64_t stream_idle_timeout_ms; /* default 300000 */
	bool requires_openai_auth;
	char *experimental_bearer_token; /* a secret: `codex debug config` redacts it */
};

struct config_sandbox_workspace_write {
	struct strv writable_roots;
	bool network_access;
	bool exclude_tmpdir_env_var;
	bool exclude_slash_tmp;
};

struct config_shell_environment_policy {
	char *inherit;          /* "all" (default) | "core" | "none" */
	bool ignore_default_excludes;
	struct strv exclude;
	struct strv include_only;
	struct config_map set;
};

/* [network]: the March 2026 flat form; `domains = {pattern = "allow"|"deny"|"none"}` is
 * folded into the two lists (deny wins when a pattern appears in both), and
 * `unix_sockets = {path = "allow"|"deny"|"none"}` adds its "allow" paths to
 * allow_unix_sockets. */
struct config_network {
	bool enabled;                   /* default false */
	char *proxy_url;                /* default "http://127.0.0.1:3128" */
	char *socks_url;                /* default "http://127.0.0.1:8081" */
	bool enable_socks5;             /* default true */
	bool enable_socks5_udp;         /* default true */
	enum network_mode mode;         /* default full */
	struct strv allowed_domains;
	struct strv denied_domains;
	bool allow_local_binding;       /* default false */
	struct strv allow_unix_sockets;
	bool allow_upstream_proxy;      /* default true */
	bool dangerously_allow_non_loopback_proxy; /* default false */
	char *admin_url;                /* default "http://127.0.0.1:8080" */
	bool dangerously_allow_non_loopback_admin; /* default false */
};

/* [mcp_servers.<name>]: parsed and kept for the agent. A server has a command (stdio)
 * or a url (streamable HTTP). */
struct config_mcp_server {
	char *name;
	char *command;
	struct strv args;
	struct config_map env;          /* values may be secrets: debug config redacts them */
	struct strv env_vars;           /* names passed through from the environment */
	char *cwd;
	char *url;
	char *bearer_token_env_var;
	struct config_map http_headers;
	struct config_map env_http_headers;
	bool enabled;                   /* default true */
	double startup_timeout_sec;     /* default 30 */
	double tool_timeout_sec;        /* default 120 */
	struct strv enabled_tools;      /* an allowlist when enabled_tools_set */
	bool enabled_tools_set;         /* written, even as [] (which allows nothing) */
	struct strv disabled_tools;
	bool required;                  /* the session fails when this server does not start */
	struct config_map tool_approval; /* [tools.<tool>] approval_mode: "auto" | "prompt" |
					  * "approve" */
	struct strv scopes;             /* OAuth scopes for `codex mcp login` when scopes_set */
	bool scopes_set;                /* written, even as [] (which asks for none) */
	char *oauth_resource;           /* RFC 8707 resource for the authorize URL, or NULL */
};

struct config_history {
	char *persistence;      /* "save-all" (default) | "none" */
	int64_t max_bytes;      /* 0 = unlimited */
};

/* [agents]: multi_agent's limits (upstream's agent_max_threads, agent_max_depth). */
#define CONFIG_AGENTS_MAX_THREADS 6
#define CONFIG_AGENTS_MAX_DEPTH 1
/* Caps on what config may ask for: the core keeps every sub-agent of a session until it
 * ends (64 in all), so more open at once, or deeper trees, serve nothing. */
#define CONFIG_AGENTS_THREADS_LIMIT 64
#define CONFIG_AGENTS_DEPTH_LIMIT 8
struct config_agents {
	int64_t max_threads;    /* open sub-agents at once; default 6 */
	int64_t max_depth;      /* levels below the main thread; default 1 */
};

#define CONFIG_SANDBOX_MAX_PROCESSES 2048
/* Above it the kernel has no more pids to give (PID_MAX_LIMIT). */
#define CONFIG_SANDBOX_MAX_PROCESSES_LIMIT 4194304

/* [tui]: only what the core's loader checks; the TUI reads its other keys itself. */
struct config_tui {
	char *theme;            /* syntax theme name (kebab-case), or NULL = adaptive */
};

struct config_provenance;

/* One [[skills.config]] entry: a skill chosen by its SKILL.md path or by its name. */
struct config_skill_rule {
	char *path;             /* or NULL */
	char *name;             /* or NULL (exactly one of the two is set) */
	bool enabled;           /* default true */
};

/* One [plugins."<plugin>@<marketplace>"] table: an installed plugin, on or off. */
struct config_plugin {
	char *id;               /* "<plugin>@<marketplace>", as written */
	bool enabled;           /* default true */
};

struct config {
	char *codex_home;       /* absolute */
	char *config_path;      /* $CODEX_HOME/config.toml (it may not exist) */
	char *profile;          /* the selected profile, or NULL */
	struct strv overrides;  /* the -c overrides it was loaded with, in order */

	char *model;
	char *model_provider;   /* default "openai" */
	/* The built-in "openai", "ollama" and "lmstudio" first (in that order), then those
	 * of model_providers, which may not reuse a built-in id. */
	struct config_model_provider *providers;
	size_t n_providers, cap_providers;
	char *model_reasoning_effort;  /* NULL = model default */
	char *model_reasoning_summary; /* NULL = model default; else auto|concise|detailed|none */
	char *model_verbosity;         /* NULL = model default; else low|medium|high */
	char *service_tier;            /* NULL = the API's default; else fast|flex (Fast mode:
					* /fast, with features.fast_mode) */
	char *personality;             /* NULL = "pragmatic" with features.personality;
					* else none|friendly|pragmatic (/personality) */
	bool feedback_enabled;         /* [feedback] enabled (true): /feedback */
	/* MCP OAuth (codex mcp login): where tokens go (NULL = "auto"; else auto|file|
	 * keyring), the callback listener's fixed port (0 = ephemeral) and the redirect URI
	 * to advertise instead of the local one (or NULL). */
	char *mcp_oauth_credentials_store;
	int64_t mcp_oauth_callback_port;
	char *mcp_oauth_callback_url;
	char *oss_provider;            /* "ollama" | "lmstudio": what --oss selects; or NULL */
	enum approval_policy approval_policy; /* default on-request */
	/* Who answers on-request approvals: NULL or "user" (the user), "guardian_subagent"
	 * (a reviewer model request, src/agent/guardian.c). /experimental's Guardian
	 * Approvals sets it, as upstream 0.118. */
	char *approvals_reviewer;
	/* approvals_reviewer as set outside the selected profile (config.toml's root or
	 * -c), before the profile's: a profile cannot turn off Guardian Approvals that
	 * the root asks for (upstream's /experimental). NULL when unset. */
	char *root_approvals_reviewer;
	enum sandbox_mode sandbox_mode;       /* default read-only */
	struct config_sandbox_workspace_write sandbox_workspace_write;
	/* Processes and threads of one sandboxed run at most (a fork bomb stays inside);
	 * default CONFIG_SANDBOX_MAX_PROCESSES, 0 = no cap; not upstream's. */
	int64_t sandbox_max_processes;
	struct config_shell_environment_policy shell_environment_policy;
	struct config_network network;
	char *windows_sandbox;  /* [windows] sandbox = "elevated" | "unelevated"; or NULL */
	bool windows_sandbox_private_desktop; /* [windows] sandbox_private_desktop, default true */
	struct config_history history;
	struct config_tui tui;
	struct config_agents agents;
	struct strv notify;     /* argv; empty = none */
	int64_t project_doc_max_bytes; /* default 32768 */
	struct strv project_doc_fallback_filenames; /* tried after AGENTS.md, in order */
	char *forced_login_method;     /* "chatgpt" | "api", or NULL */
	char *forced_chatgpt_workspace_id; /* ChatGPT sign-in limited to this account, or NULL */
	char *js_repl_node_path;       /* the Node of features.js_repl, or NULL: PATH's */
	struct strv js_repl_node_module_dirs; /* where js_repl looks for packages, in order */
	struct config_mcp_server *mcp_servers;
	size_t n_mcp_servers, cap_mcp_servers;
	struct config_map features;    /* feature name -> "true"/"false" */
	struct config_skill_rule *skill_rules; /* [[skills.config]], in file order */
	size_t n_skill_rules;
	struct config_plugin *plugins; /* [plugins."<id>"], in file order */
	size_t n_plugins;
	/* ChatGPT's backend (apps' directory and the codex_apps MCP server), or NULL for
	 * CONFIG_CHATGPT_BASE_URL_DEFAULT. */
	char *chatgpt_base_url;
	struct config_map apps_enabled; /* [apps.<connector id>] enabled: id -> "true"/"false" */
	/* The rest of [apps] (config_app_tool_policy reads it): "<id>" -> "" for each table,
	 * "<id>" SEP "<key>" and "<id>" SEP "tools" SEP "<tool>" SEP "<key>" -> the value. */
	struct config_map apps_settings;

	/* Where each value came from and which keys were ignored: read only through
	 * config_to_json (private to src/config/). */
	struct config_provenance *provenance;
};

struct config_load_opts {
	const char *codex_home;        /* NULL: $CODEX_HOME, else ~/.codex */
	const struct strv *overrides;  /* -c key=value strings, in order; may be NULL */
	const char *profile;           /* -p/--profile, or NULL */
};

struct toml_value;

/* Loads and validates everything; nothing is half-applied: on error *out is untouched
 * and e says "<file>:<line>:<col>: <message>" (or names the -c override / key).
 * A missing config.toml is not an error. The caller frees *out with config_free. */
int config_load(const struct config_load_opts *opts, struct config **out, struct err *e);
/* config.toml as a document with cfg's -c overrides applied (an empty table when the
 * file does not exist), for the settings a front end reads itself ([tui], [notice],
 * [projects]): NULL with e when it cannot be read or parsed. */
struct toml_value *config_read_document(const struct config *cfg, struct err *e);
void config_free(struct config *cfg);

/* Records that a CLI flag set `key` (a dotted path such as "sandbox_mode"), so that
 * `codex debug config` shows "flag" as its origin. The flag's value must already be
 * stored in the typed field by the caller. */
int config_note_flag(struct config *cfg, const char *key, struct err *e);

/* The provider selected by model_provider (borrowed, lives as long as cfg), or NULL. */
const struct config_model_provider *config_provider(const struct config *cfg);

/* The value for key (borrowed, lives as long as m), or NULL. */
const char *config_map_get(const struct config_map *m, const char *key);

/* True when [features] sets name = true. */
bool config_feature_enabled(const struct config *cfg, const char *name);
/* [features] name as set, or dflt (upstream's default for the feature) when unset. */
bool config_feature(const struct config *cfg, const char *name, bool dflt);
#define CONFIG_CHATGPT_BASE_URL_DEFAULT "https://chatgpt.com/backend-api/"
/* chatgpt_base_url or its default (borrowed from cfg). */
const char *config_chatgpt_base_url(const struct config *cfg);
/* Whether [apps.<id>] leaves the app enabled (the default) or says enabled = false. */
bool config_app_enabled(const struct config *cfg, const char *id);
/* What upstream 0.118's app_tool_policy decides for a codex_apps tool of app id (tool:
 * its name, title: its title or NULL; the hints as the tool declares them, false when
 * absent): *enabled (the app's enabled, then the tool's enabled, the app's
 * default_tools_enabled, then destructive_enabled / open_world_enabled against the
 * hints, each of the app else of [apps._default]) and *approval ("auto", "prompt" or
 * "approve": the tool's approval_mode, else the app's default_tools_approval_mode).
 * app_enabled 0 or 1 overrides the app's enabled (a toggle not read back yet); -1: the
 * config's. */
void config_app_tool_policy(const struct config *cfg, const char *id, int app_enabled,
			    const char *tool, const char *title, bool destructive,
			    bool open_world, bool *enabled, const char **approval);

/* The effective configuration as JSON for `codex debug config`: every setting with
 * its value and origin ("default", "<file>:<line>", "profile <name> (<file>:<line>)",
 * "-c", "flag"), secrets redacted, then the ignored keys. Malloc'ed (caller frees), or
 * NULL when memory runs out. */
char *config_to_json(const struct config *cfg);

/* Byte-preserving edits of a TOML document (config_edit.c), for `codex mcp add/remove`:
 * everything but the edited table's sections is copied as it was, comments and layout
 * included. table is a dotted path of bare keys ("mcp_servers.docs"); its sections are
 * [table] and every [table.sub...]. The text must parse (else -1 and e says where). The
 * result is appended to out. */
/* Removes the sections (and a blank line the removal would leave doubled); *found says
 * whether there were any. */
int config_edit_remove_table(const char *text, size_t len, const char *table, struct buf *out,
			     bool *found, struct err *e);
/* Writes block (complete TOML sections, ending with a newline) where the table's first
 * section was, dropping the others; or at the end, after a blank line, when it had none. */
int config_edit_put_table(const char *text, size_t len, const char *table, const char *block,
			  struct buf *out, struct err *e);
/* The same for an array of tables: block ([[table]] sections, or "" to remove them)
 * replaces every [[table]] section and its sub-tables ([skills.config] style headers). */
int config_edit_put_array(const char *text, size_t len, const char *table, const char *block,
			  struct buf *out, struct err *e);
/* Sets key = value (value: TOML text, e.g. ["a", "b"]) in the table's own section (a
 * dotted path, "network"; "" is the root table, the lines before the first header): the
 * key's lines are replaced (indentation kept), or a line is added after the section's
 * last content, or the section is added at the end. value NULL removes the key's lines
 * (nothing when it is not there). The result must parse, and the table must not be
 * written as dotted keys or inline (-1, e says so). */
int config_edit_set_key(const char *text, size_t len, const char *table, const char *key,
			const char *value, struct buf *out, struct err *e);
/* Appends s as a TOML basic string ("..." with escapes); -1 when out is full. */
int config_edit_quote(struct buf *out, const char *s);

const char *sandbox_mode_str(enum sandbox_mode m);
const char *approval_policy_str(enum approval_policy p);
const char *network_mode_str(enum network_mode m);
/* 0 and *out set when s names a mode ("read-only", ...), else -1. */
int sandbox_mode_parse(const char *s, enum sandbox_mode *out);
int network_mode_parse(const char *s, enum network_mode *out);
int approval_policy_parse(const char *s, enum approval_policy *out);

/* Appends key -> value (copies) when the caller knows key is new (keys from one TOML
 * table), which keeps building a large map linear. Also used by the agent to build the
 * MCP servers of plugins (.mcp.json). */
int config_map_add(struct config_map *m, const char *key, const char *value);
void config_map_free(struct config_map *m);
void config_mcp_server_free(struct config_mcp_server *s);

#endif
