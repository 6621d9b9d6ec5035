/* The model client: one streamed model request at a time per call, over the Responses
 * wire (POST {base_url}/responses) or the Chat Completions wire (POST
 * {base_url}/chat/completions), on the shared event loop (base/loop.h). This is the
 * module's only public header; the agent (src/agent/) is its caller.
 *
 * Conversation items are cJSON objects in the Responses API's ResponseItem form
 * (reference codex-agent-exec.md §1.3: message, reasoning, function_call,
 * function_call_output, custom_tool_call, custom_tool_call_output, local_shell_call,
 * web_search_call, ...), whatever the wire: the Chat wire converts to and from messages,
 * so the agent, the rollout files and the front ends only ever see ResponseItems.
 *
 * Status: this header is the contract agreed before the implementation; the
 * implementation may add fields and functions, but not change the meaning of these.
 *
 * Retries, as upstream 0.118: a request that fails before its stream starts (5xx, 429
 * that is not a usage limit, a connection or TLS error) is retried up to
 * request_max_retries times; when those run out, or the stream fails after it started
 * (cut, idle for stream_idle_timeout_ms, response.failed with a retryable code, closed
 * before response.completed), the whole request is retried up to stream_max_retries
 * times, each with its own request retries, and only these are reported (`retrying`).
 * Delays: Retry-After / retry-after-ms or the "try again in Ns" hint of a
 * rate_limit_exceeded, else 200 ms x 2^(n-1) x [0.9, 1.1). */
#ifndef CODEX_MODEL_MODEL_H
#define CODEX_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "base/err.h"
#include "base/loop.h"
#include "config/config.h"

enum model_wire {
	MODEL_WIRE_RESPONSES,
	MODEL_WIRE_CHAT
};

/* What the model family table knows about a model slug (prefix match, as upstream):
 * context window, reasoning support, verbosity support, the default effort, and which
 * shell and apply_patch tools the agent declares for it. */
enum model_shell_tool { MODEL_SHELL_EXEC_COMMAND, MODEL_SHELL_SHELL, MODEL_SHELL_SHELL_COMMAND };
enum model_patch_tool { MODEL_PATCH_FREEFORM, MODEL_PATCH_FUNCTION, MODEL_PATCH_NONE };
struct model_family {
	const char *slug_prefix;
	int64_t context_window;         /* tokens; 0 = unknown */
	int effective_window_percent;   /* share of the window usable before compaction */
	bool supports_reasoning;        /* send "reasoning" (else "reasoning": null) */
	bool supports_verbosity;        /* send text.verbosity */
	bool supports_parallel_tool_calls;
	const char *default_effort;     /* "medium", or NULL */
	enum model_shell_tool shell_tool;
	enum model_patch_tool patch_tool;
	const char *default_verbosity;  /* text.verbosity when the prompt sets none, or NULL */
	const char *default_summary;    /* reasoning.summary when the prompt sets none; NULL
					   or "none": omitted */
	bool supports_personality;      /* the catalog carries personality texts for it
					   (upstream's model_messages): /personality */
};
/* Never NULL: unknown slugs get a conservative default entry. */
const struct model_family *model_family_find(const char *slug);

/* A provider, resolved from config (model_providers.<id> and the built-in openai,
 * ollama and lmstudio; OPENAI_BASE_URL, CODEX_OSS_BASE_URL, CODEX_OSS_PORT). */
struct model_provider {
	char *id;
	char *name;
	char *base_url;                 /* without a trailing slash */
	enum model_wire wire;
	struct config_map query_params;
	struct strv headers;            /* "Name: value": http_headers, then env_http_headers
					   whose variable is set and non-empty */
	char *env_key;                  /* or NULL */
	char *env_key_instructions;     /* or NULL */
	int request_max_retries;        /* default 4, at most 100 */
	int stream_max_retries;         /* default 5, at most 100 */
	int64_t stream_idle_timeout_ms; /* default 300000 */
	bool requires_openai_auth;
	bool is_azure;                  /* store: true and item ids re-attached */
	char *bearer_token;             /* experimental_bearer_token, or NULL */
};
/* Resolves cfg's selected provider (or `oss_provider` / "ollama" when oss is set).
 * Errors name the config key (a user table redefining a built-in id, an unknown
 * model_provider, a wire_api other than "responses"/"chat"). Free with
 * model_provider_free. */
int model_provider_resolve(const struct config *cfg, bool oss, struct model_provider *out,
			   struct err *e);
void model_provider_free(struct model_provider *p);

/* The API key the provider's requests carry when the caller has none of its own:
 * experimental_bearer_token, else the value of env_key (an unset or blank variable is
 * an error: "Missing environment variable: `NAME`." and env_key_instructions), else
 * OPENAI_API_KEY for a provider with requires_openai_auth (unset: an error saying how to
 * set one). *key is borrowed (from p or the environment); NULL when the provider needs
 * none (a local server). */
int model_provider_api_key(const struct model_provider *p, const char **key, struct err *e);

/* The model --oss uses when none is given, as upstream. */
#define MODEL_OSS_DEFAULT_MODEL "gpt-oss:20b"

/* One request. Everything is borrowed for the duration of model_stream_start only: the
 * request body is serialised there, so retries re-send exactly these bytes.
 *
 * Input items are sent as upstream serialises its ResponseItems, whatever extra fields
 * the stream gave them: ids are dropped (kept for Azure), and so are a message's or
 * function call's status, output_text annotations and a reasoning item's raw content;
 * ghost_snapshot items are left out; unknown types go as they are. */
struct model_prompt {
	const char *model;
	const char *instructions;       /* the base prompt */
	const cJSON *input;             /* array of ResponseItems: the whole conversation */
	const cJSON *tools;             /* array of tool specs in Responses form (function,
					   custom, web_search, local_shell); the Chat wire sends
					   the function tools only, wrapped as Chat expects */
	bool parallel_tool_calls;
	const char *reasoning_effort;   /* NULL: omitted (or the family default) */
	const char *reasoning_summary;  /* NULL: the family default; "none": omitted */
	const char *verbosity;          /* NULL: the family default (omitted when it has
					   none); ignored for families without verbosity */
	const cJSON *output_schema;     /* NULL, or text.format json_schema
					   "codex_output_schema", strict (Responses only) */
	const char *turn_metadata;      /* x-codex-turn-metadata header (JSON), or NULL */
	const char *subagent;           /* x-openai-subagent header ("review", ...), or NULL */
	const char *service_tier;       /* config's "fast" (sent as "priority") or "flex", or
					   NULL: omitted */
};

/* Who is calling and with what credentials: fixed for a client's life. */
struct model_client_opts {
	struct loop *loop;              /* the shared loop the transfers run on */
	const struct model_provider *provider; /* borrowed for the client's life */
	const char *bearer;             /* "Authorization: Bearer <bearer>"; NULL: the
					   provider's own (model_provider_api_key), and when
					   that fails every stream fails MODEL_ERR_MISSING_KEY */
	const char *account_id;         /* ChatGPT auth: chatgpt-account-id, or NULL */
	const char *originator;         /* "codex_exec", "codex_cli_rs", ... */
	const char *session_id;         /* the thread uuid: session_id, x-client-request-id,
					   prompt_cache_key */
	/* Called once on HTTP 401 (ChatGPT sign-in refreshes its token here); returns a new
	 * bearer (owned by the caller of the hook, valid until the next call) to retry once
	 * with, or NULL to fail with MODEL_ERR_UNAUTHORIZED: with the hook's message when it
	 * set one in e (e.g. "Your access token could not be refreshed ..."), else the 401's
	 * own. May be NULL. */
	const char *(*refresh_bearer)(void *arg, struct err *e);
	void *refresh_arg;
	const char *user_agent_suffix;  /* appended to the user-agent as " (suffix)", e.g.
					   "codex-exec; 0.1.0"; or NULL */
	const char *models_cache;       /* where the fetched catalog is kept between
					   sessions ($CODEX_HOME/models_cache.json), or NULL */
};

struct model_usage {
	int64_t input_tokens;
	int64_t cached_input_tokens;
	int64_t output_tokens;
	int64_t reasoning_output_tokens;
	int64_t total_tokens;
};

/* Why a stream ended without a completion: one clear message each (model_error_str). */
enum model_error {
	MODEL_ERR_UNAUTHORIZED,        /* 401 (after the refresh hook, if any) */
	MODEL_ERR_USAGE_LIMIT,         /* 429 usage_limit_reached: plan and reset time */
	MODEL_ERR_USAGE_NOT_INCLUDED,
	MODEL_ERR_QUOTA,               /* insufficient_quota */
	MODEL_ERR_CONTEXT_WINDOW,      /* context_length_exceeded */
	MODEL_ERR_INVALID_REQUEST,     /* 400 and other 4xx */
	MODEL_ERR_SERVER,              /* 5xx after the retries */
	MODEL_ERR_RETRIES_EXHAUSTED,   /* 429 / transport / cut streams after the retries */
	MODEL_ERR_MISSING_KEY,         /* env_key unset: env_key_instructions in the text */
	MODEL_ERR_INTERNAL             /* out of memory and the like */
};
const char *model_error_str(enum model_error k);

/* What one request reports, on the loop thread, in this order: any number of deltas
 * and items, interleaved as they arrive; then exactly one of completed or failed (never
 * both, never after model_stream_cancel). retrying tells that the current attempt
 * failed and a new one starts after delay_ms: every item and delta of that attempt is
 * void (upstream discards them) and the agent must forget them. Items passed to
 * callbacks are borrowed for the call; cJSON_Duplicate what you keep. Any callback may
 * call model_stream_cancel. */
struct model_stream_events {
	void *arg;
	void (*item_added)(void *arg, const cJSON *item);
	void (*item_done)(void *arg, const cJSON *item);
	void (*text_delta)(void *arg, const char *delta, size_t len);
	void (*reasoning_summary_delta)(void *arg, int summary_index, const char *delta,
					size_t len);
	void (*reasoning_raw_delta)(void *arg, int content_index, const char *delta, size_t len);
	void (*reasoning_section_break)(void *arg);
	/* Rate-limit headers as upstream's snapshot JSON ({limit_id, limit_name,
	 * primary:{used_percent,...}, secondary, credits, plan_type}): once per limit family
	 * the response's headers describe, the codex family first (see
	 * MODEL_RATE_LIMIT_FAMILIES_MAX). */
	void (*rate_limits)(void *arg, const cJSON *snapshot);
	void (*retrying)(void *arg, int attempt, int max_attempts, uint64_t delay_ms,
			 const char *reason);
	void (*completed)(void *arg, const char *response_id, const struct model_usage *usage);
	void (*failed)(void *arg, enum model_error kind, const struct err *e);
};

struct model_client;
struct model_stream;

int model_client_new(const struct model_client_opts *o, struct model_client **out,
		     struct err *e);
/* Cancels every open stream (no callbacks) and frees the client. */
void model_client_free(struct model_client *c);
/* Replaces the bearer later requests carry (a refreshed ChatGPT token); streams already
 * running keep theirs. -1 when memory runs out (the old one stays). */
int model_client_set_bearer(struct model_client *c, const char *bearer, struct err *e);

/* Starts one request (with its retries and backoff). Returns NULL with e filled when
 * the request cannot even be built (e.g. output_schema on the Chat wire); otherwise
 * every outcome arrives through ev. The stream is freed by the client after
 * completed/failed, or by model_stream_cancel. */
struct model_stream *model_stream_start(struct model_client *c, const struct model_prompt *p,
					const struct model_stream_events *ev, struct err *e);
/* Stops the stream now; no callback follows. Safe from inside a callback. */
void model_stream_cancel(struct model_stream *s);

/* True while a stream is open or a finished response's last bytes are still being read
 * (after response.completed the connection is kept by reading the body to its end, in
 * the background, for at most the provider's idle timeout). A caller about to exit may
 * run the loop until this is false so that the server sees a clean end. */
bool model_client_busy(const struct model_client *c);

/* The request body model_stream_start would send (for tests and `codex debug`). */
char *model_request_json(const struct model_client *c, const struct model_prompt *p,
			 struct err *e);

/* The user-agent the client sends: "originator/version (os version; arch) terminal" and
 * " (suffix)" when suffix is set; the OS from /etc/os-release, the terminal from
 * TERM_PROGRAM and friends, as upstream. Malloc'ed, or NULL when memory runs out. */
char *model_user_agent(const char *originator, const char *suffix);


/* ---- the model catalog (catalog.c, catalog_fetch.c): what /model offers ----------
 * Upstream 0.118 lists its models from GET {base_url}/models?client_version=<version>
 * ({"models":[{slug, display_name, description, default_reasoning_level,
 * supported_reasoning_levels:[{effort, description}], visibility, priority}, ...]}),
 * falling back to a list built in. Only models whose visibility is "list" (or unset)
 * are offered, in priority order. A model, offered or hidden, may name its successor
 * ("upgrade": {"model", "migration_markdown"}): those are kept apart, for the TUI's
 * start-up migration prompt. */
#define MODEL_CATALOG_MAX_MODELS 256
#define MODEL_CATALOG_MAX_EFFORTS 16
#define MODEL_CATALOG_MAX_BYTES (4u * 1024 * 1024)
#define MODEL_CATALOG_TEXT_MAX 1024     /* longer names and descriptions are cut */
#define MODEL_CATALOG_MARKDOWN_MAX 4096 /* a longer migration text is cut */
struct model_effort_preset {
	char *effort;                   /* "low", "medium", "high", "xhigh", ... */
	char *description;              /* or "" */
};
struct model_preset {
	char *slug;
	char *display_name;             /* the slug when the server gave none */
	char *description;              /* or "" */
	char *default_effort;           /* or NULL */
	struct model_effort_preset *efforts;
	size_t n_efforts;
};
/* A model's recommended successor. */
struct model_upgrade {
	char *from;                     /* the model's slug */
	char *to;                       /* the successor's slug */
	char *markdown;                 /* the migration text, newlines kept, other control
					   characters made spaces; may hold {model_from} and
					   {model_to}; NULL when none */
};
struct model_catalog {
	struct model_preset *v;
	size_t n;
	struct model_upgrade *upgrades;
	size_t n_upgrades;
	bool builtin;                   /* the built-in list (the server gave none) */
};
/* Parses a /models body. -1 with e saying why when it is not that shape or lists no
 * model to offer. */
int model_catalog_parse(const char *json, size_t len, struct model_catalog *out,
			struct err *e);
/* The built-in list. -1 only when memory runs out. */
int model_catalog_builtin(struct model_catalog *out, struct err *e);
void model_catalog_free(struct model_catalog *c);
/* "Low", "Medium", "High", "Extra high", ... for an effort name. */
const char *model_effort_label(const char *effort);
/* {base_url}/models?client_version=<version>, then the provider's query_params. */
char *model_catalog_url(const struct model_provider *p, struct err *e);

/* Fetches the catalog with the client's credentials and headers, on the loop. done is
 * called exactly once, from the loop (never from inside this call), with the served
 * catalog, or with the built-in one and why the server's could not be used (e, else
 * NULL). Providers on the Chat wire have no such endpoint: they get the built-in list
 * at once. One fetch at a time per client; a second call while one runs fails. The
 * catalog passed to done is the callee's: done takes it with a struct copy or frees
 * it with model_catalog_free. */
typedef void (*model_catalog_done_fn)(void *arg, struct model_catalog *cat,
				      const struct err *e);
int model_client_fetch_catalog(struct model_client *c, model_catalog_done_fn done, void *arg,
			       struct err *e);
/* The same without a request: the fresh cache's catalog, else the built-in one (upstream
 * lists the models this way when not signed in with ChatGPT). */
int model_client_cached_catalog(struct model_client *c, model_catalog_done_fn done, void *arg,
				struct err *e);

/* Rate-limit families: besides the codex one (x-codex-* headers), the server may
 * report others (x-<limit-id>-* headers, the usage payload's additional_rate_limits),
 * each with its limit id ("codex_other": lowercase, '_' for '-') and an optional display
 * name. What the server sends bounds neither their number nor their names, so: at most
 * this many families (the codex one included) from one response or payload, ids and
 * names of at most these many bytes (a longer id drops its family, a longer name is
 * treated as absent). */
#define MODEL_RATE_LIMIT_FAMILIES_MAX 16
#define MODEL_RATE_LIMIT_ID_MAX 64
#define MODEL_RATE_LIMIT_NAME_MAX 64

/* The ChatGPT account's usage limits (usage.c): GET {base}/wham/usage with the
 * client's credentials; done is called once, from the loop, with the snapshots (an
 * array: the codex family's first, then the additional_rate_limits' ones, each in the
 * rate-limit headers' shape; borrowed for the call) or NULL and why. One fetch at a
 * time per client. base NULL: upstream's https://chatgpt.com/backend-api/. */
#define MODEL_USAGE_MAX_BYTES (256u * 1024)
typedef void (*model_usage_done_fn)(void *arg, const cJSON *snapshots, const struct err *e);
int model_client_fetch_usage(struct model_client *c, const char *base_url,
			     model_usage_done_fn done, void *arg, struct err *e);
/* The payload to its snapshots (a new array, never empty), or NULL and why. */
cJSON *model_usage_parse(const char *json, size_t len, struct err *e);
/* {base}/wham/usage, or {base}/api/codex/usage for a base without /backend-api. */
char *model_usage_url(const char *base, struct err *e);

#endif
