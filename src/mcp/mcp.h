/* MCP (Model Context Protocol, version 2025-06-18) on the shared event loop: JSON-RPC
 * 2.0 messages, the client that speaks to the servers of [mcp_servers] over stdio or
 * streamable HTTP, and the helpers that turn their tools into what the model sees
 * (reference codex-mcp.md). `codex mcp-server` (src/cli/mcp_server.c) uses the message
 * half of this header to be a server itself.
 *
 * The client is built for failure: a server that crashes, hangs or talks nonsense
 * costs its own tools, never the session. Every request has a timer; a server that
 * goes away fails its pending requests with a message; nothing here blocks the loop.
 *
 * Ownership: *_new results are freed with the matching *_free; cJSON results of
 * functions named *_json / *_spec / *_output are the caller's (cJSON_Delete); pointers
 * returned as const are borrowed from the manager until mcp_manager_free. */
#ifndef CODEX_MCP_MCP_H
#define CODEX_MCP_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/loop.h"
#include "base/strv.h"
#include "config/config.h"

#define MCP_PROTOCOL_VERSION "2025-06-18"

/* One JSON-RPC message (a line on stdio, a body or an SSE event over HTTP): real ones
 * are tool lists and results of some KiB, images of a few MiB; 32 MiB bounds a server
 * that never sends a newline. */
#define MCP_MAX_MESSAGE_BYTES (32u * 1024 * 1024)
/* Tools kept from one server: real servers offer tens; more are dropped (logged). */
#define MCP_MAX_TOOLS_PER_SERVER 1024
/* Requests waiting for an answer from one server: the agent has at most a response's
 * tool calls (64) in flight; the cap stops a runaway caller. */
#define MCP_MAX_PENDING 256
/* A line of a server's stderr kept for the log; longer lines are cut. */
#define MCP_MAX_STDERR_LINE 8192
/* Servers in one session (each is a child process or an HTTP endpoint). */
#define MCP_MAX_SERVERS 128
/* The model's limit on a function name. */
#define MCP_MAX_TOOL_NAME 64

/* ---- JSON-RPC messages (jsonrpc.c) ---- */

enum mcp_msg_kind {
	MCP_MSG_REQUEST,       /* method and id */
	MCP_MSG_NOTIFICATION,  /* method, no id */
	MCP_MSG_RESULT,        /* id and result */
	MCP_MSG_ERROR          /* id (may be null) and error {code, message} */
};

/* A decoded message. root is owned; the other pointers borrow from it. */
struct mcp_msg {
	enum mcp_msg_kind kind;
	cJSON *root;
	const char *method;     /* requests and notifications */
	const cJSON *id;        /* a number or a string; NULL for notifications */
	const cJSON *params;    /* may be NULL */
	const cJSON *result;
	int64_t error_code;
	const char *error_message;
};

/* Decodes one message (at most MCP_MAX_MESSAGE_BYTES, exactly one JSON object with
 * "jsonrpc":"2.0"). -1 with e saying what is wrong (the message is then empty). A
 * batch (a JSON array) is refused: MCP 2025-06-18 removed batching. */
int mcp_msg_decode(const char *text, size_t len, struct mcp_msg *out, struct err *e);
void mcp_msg_free(struct mcp_msg *m);

/* Builders: compact one-line JSON, no newline; malloc'ed, NULL when memory runs out.
 * params / result / id are copied, never taken. */
char *mcp_request_text(int64_t id, const char *method, const cJSON *params);
char *mcp_notification_text(const char *method, const cJSON *params);
char *mcp_result_text(const cJSON *id, const cJSON *result);
char *mcp_error_text(const cJSON *id, int64_t code, const char *message);

/* Splits a byte stream into newline-ended lines (a CR before the LF is dropped, empty
 * lines skipped). mcp_lines_push calls fn for each complete line; a line longer than
 * max fails the stream (sticky: -1 from then on, the error says so). */
struct mcp_lines {
	struct buf partial;
	size_t max;
	bool failed;
};
void mcp_lines_init(struct mcp_lines *l, size_t max);
void mcp_lines_free(struct mcp_lines *l);
int mcp_lines_push(struct mcp_lines *l, const char *data, size_t len,
		   void (*fn)(void *arg, const char *line, size_t len), void *arg,
		   struct err *e);

/* ---- what the model sees (names.c, schema.c, result.c) ---- */

/* mcp__<server>__<tool> with every byte outside [A-Za-z0-9_] made '_', and when that is
 * longer than MCP_MAX_TOOL_NAME, its first 24 bytes and the SHA-1 (hex) of the name
 * before sanitizing. Caller frees; NULL when memory runs out. */
char *mcp_qualified_name(const char *server, const char *tool);
/* The name of a codex_apps tool (upstream's normalization): mcp__codex_apps__ then the
 * app's name as a slug ("Mock Calendar" -> mock_calendar), then the tool's slug with
 * that prefix (or the connector id's) taken off. connector_name and connector_id may be
 * NULL; as mcp_qualified_name for the length. Caller frees; NULL when memory runs out. */
char *mcp_apps_qualified_name(const char *tool, const char *connector_id,
			      const char *connector_name);
/* upstream's sanitize_slug: ASCII letters and digits lowercased, every other byte '-',
 * '-' trimmed at both ends, "app" when nothing is left. Caller frees, or NULL. */
char *mcp_slug(const char *name);
/* Server names: ^[a-zA-Z0-9_-]+$. */
bool mcp_server_name_valid(const char *name);

/* A tool's inputSchema reduced to the subset the model is given (codex-mcp.md §5.2).
 * NULL only when memory runs out. */
cJSON *mcp_schema_reduce(const cJSON *input_schema);

/* A tools/call result as the function_call_output's "output": a string (structured
 * content, or the content array's JSON) or an array of input_text / input_image items
 * when images are among the content (codex-mcp.md §6.1). NULL when memory runs out. */
cJSON *mcp_result_output(const cJSON *result, bool model_takes_images);
/* The output of a call that failed or was refused: the content-array form with one text
 * block. */
cJSON *mcp_error_output(const char *text);

/* ---- OAuth for streamable HTTP servers (codex-mcp.md §8) ----
 *   oauth.c        discovery: the authorization server's metadata
 *   oauth_token.c  token endpoint answers, refresh, the bearer a server is sent
 *   oauth_store.c  stored credentials: $CODEX_HOME/.credentials.json
 *   oauth_login.c  `codex mcp login`: registration, PKCE, the callback, the exchange */

/* Metadata documents, token and registration answers: real ones are a few KiB. */
#define MCP_OAUTH_BODY_MAX (1u << 20)
/* The credentials file: an entry is a few KiB; 4 MiB bounds a hostile file. */
#define MCP_OAUTH_STORE_MAX_BYTES (4u << 20)
/* Scopes kept from metadata or a token answer; longer lists are cut. */
#define MCP_OAUTH_MAX_SCOPES 256
/* A token, client id or endpoint URL: real ones are under 4 KiB. */
#define MCP_OAUTH_MAX_VALUE 65536
/* Upstream refreshes this long before the access token expires. */
#define MCP_OAUTH_REFRESH_SKEW_MS 30000
/* Upstream's discovery timeout, per well-known URL. */
#define MCP_OAUTH_DISCOVERY_TIMEOUT_MS 5000
/* Upstream waits this long for the browser's callback. */
#define MCP_OAUTH_CALLBACK_TIMEOUT_MS (300L * 1000)

struct mcp_oauth_metadata {
	char *authorization_endpoint, *token_endpoint;
	char *registration_endpoint;    /* or NULL: no dynamic client registration */
	struct strv scopes;             /* scopes_supported, trimmed, deduplicated */
};
/* A metadata document: 0 when it has both an authorization and a token endpoint (http
 * or https URLs), -1 with e otherwise. out starts zeroed. */
int mcp_oauth_metadata_parse(const char *text, size_t len, struct mcp_oauth_metadata *out,
			     struct err *e);
void mcp_oauth_metadata_free(struct mcp_oauth_metadata *m);
/* Tries upstream's well-known URLs for url in order (GET, MCP-Protocol-Version
 * 2024-11-05, no proxy, each bounded by timeout_ms): 1 with *out filled, 0 when none
 * answers usable metadata, -1 when memory runs out. */
int mcp_oauth_discover_metadata(const char *url, long timeout_ms, struct mcp_oauth_metadata *out);
/* 1 when the server publishes metadata, 0 when not, -1 when memory runs out. */
int mcp_oauth_discover(const char *url, long timeout_ms);

/* Stored credentials of one server (the file entry's fields). Owned. */
struct mcp_oauth_tokens {
	char *server_name, *server_url, *client_id;
	char *access_token;
	char *refresh_token;            /* or NULL */
	int64_t expires_at;             /* ms since the epoch, or 0 when unknown */
	struct strv scopes;
};
void mcp_oauth_tokens_free(struct mcp_oauth_tokens *t);
/* A token endpoint answer into t's access_token, refresh_token (kept when the answer has
 * none), expires_at (now_ms + expires_in) and scopes (from "scope" when given). The
 * access token must be usable in a header (visible ASCII). -1 with e, t untouched. */
int mcp_oauth_token_parse(const char *text, size_t len, int64_t now_ms,
			  struct mcp_oauth_tokens *t, struct err *e);
/* Wall-clock ms since the epoch. */
int64_t mcp_oauth_now_ms(void);

/* The account string upstream files entries under: "<server>|<first 16 hex of the
 * SHA-256 of {"type":"http","url":<url>,"headers":{}}>". Malloc'ed, or NULL. */
char *mcp_oauth_store_key(const char *server, const char *url);
/* The credentials file's text: 0 when it is a JSON object (of entries); an entry
 * under key (may be NULL) is decoded into *found_out when found_out is not NULL (1 found,
 * 0 not). -1 with e when the file is not upstream's format. */
int mcp_oauth_store_parse(const char *text, size_t len, const char *key,
			  struct mcp_oauth_tokens *t, int *found_out, struct err *e);
/* $CODEX_HOME/.credentials.json: 1 with *t for (server, url), 0 none, -1 with e. */
int mcp_oauth_store_load(const char *codex_home, const char *server, const char *url,
			 struct mcp_oauth_tokens *t, struct err *e);
/* Adds or replaces t's entry (atomically, 0600; the other entries kept). */
int mcp_oauth_store_save(const char *codex_home, const struct mcp_oauth_tokens *t,
			 struct err *e);
/* 1 removed, 0 there was none, -1 with e; the file goes when it becomes empty. */
int mcp_oauth_store_delete(const char *codex_home, const char *server, const char *url,
			   struct err *e);
/* Whether the store (config mcp_oauth_credentials_store: NULL, "auto", "file",
 * "keyring") can be used by this build: -1 with e for "keyring" (there is no keyring
 * client in this build; auto means the file, as upstream without a keyring). */
int mcp_oauth_store_usable(const char *store, struct err *e);

/* The bearer for a server from stored credentials: 1 with *out (malloc'ed), 0 when
 * nothing is stored, -1 with e. Refreshed first (and the refresh stored) when it expires
 * within MCP_OAUTH_REFRESH_SKEW_MS, or after a 401 for the token refused (not NULL)
 * unless the store already holds another one (another request or process refreshed
 * it); a server without metadata or a token without a refresh token gets the stored
 * token as it is. Blocking, bounded. */
int mcp_oauth_bearer(const char *codex_home, const char *server, const char *url,
		     const char *refused, char **out, struct err *e);

struct mcp_oauth_login_opts {
	const char *codex_home;
	const struct config_mcp_server *server;  /* an HTTP server */
	const struct strv *scopes;      /* --scopes, or NULL: configured, else discovered */
	int callback_port;              /* 0: ephemeral */
	const char *callback_url;       /* redirect URI to advertise, or NULL */
	bool open_browser;
	long timeout_ms;                /* 0: MCP_OAUTH_CALLBACK_TIMEOUT_MS */
	FILE *out;                      /* where upstream's lines go (stdout) */
};
/* The whole login; the credentials are stored on success. -1 with e. */
int mcp_oauth_login(const struct mcp_oauth_login_opts *o, struct err *e);

/* ---- the client: every configured server (client.c, manager.c, stdio.c, http.c) ---- */

enum mcp_status { MCP_STARTING, MCP_READY, MCP_FAILED, MCP_CANCELLED };
const char *mcp_status_str(enum mcp_status s);

/* A tool as the agent needs it. Everything is borrowed from the manager. */
struct mcp_tool {
	const char *qualified;       /* the name the model calls */
	const char *server;
	const char *name;            /* the server's name for it */
	const char *title;           /* its title, or NULL */
	const char *connector_id;    /* codex_apps: the app it belongs to, or NULL */
	const char *description;
	/* annotations: *_set says the server gave the hint */
	bool read_only_set, read_only;
	bool destructive_set, destructive;
	bool open_world_set, open_world;
	double timeout_sec;          /* the server's tool_timeout_sec */
	const cJSON *spec;           /* the Responses function tool */
};

struct mcp_manager_opts {
	struct loop *loop;                       /* borrowed for the manager's life */
	const struct config_mcp_server *servers; /* borrowed for the manager's life */
	size_t n_servers;
	const char *log_path;   /* where servers' stderr and protocol notes go; NULL: nowhere */
	const char *client_version;
	/* Where stored OAuth credentials are read (and refreshed ones written), or NULL:
	 * HTTP servers then get only their configured tokens. */
	const char *codex_home;
	/* A server changed state (starting first, then ready or failed with why). */
	void (*on_status)(void *arg, const char *server, enum mcp_status st, const char *error);
	/* Every enabled server is ready or failed: tools can be listed. Once. */
	void (*on_started)(void *arg);
	/* Whether this tool of MCP_CODEX_APPS_SERVER goes to the model ([apps] settings; t's
	 * server, name, title, connector_id and hints are set, borrowed for the call); NULL:
	 * every one. Asked whenever tools are listed or looked up. */
	bool (*app_tool_enabled)(void *arg, const struct mcp_tool *t);
	/* The bearer of MCP_CODEX_APPS_SERVER: the ChatGPT access token, which a refresh
	 * replaces during the session, so it is asked for here instead of being a
	 * configured header. refused NULL: the token to start with (refreshed first when
	 * stale); else the token the server answered 401 to, and a newer one is wanted
	 * (refreshed, or stored since). 1 with *out (malloc'ed), 0 when there is none, -1
	 * with e. NULL, or a server with its own token (bearer_token_env_var, an
	 * Authorization header): the configured token only. */
	int (*apps_bearer)(void *arg, const char *refused, char **out, struct err *e);
	void *arg;
};

/* The built-in server of ChatGPT apps (connectors): its tools carry the app in _meta
 * (connector_id, connector_name, connector_description) and are named by app. */
#define MCP_CODEX_APPS_SERVER "codex_apps"


struct mcp_manager;

/* Starts every enabled server (from the loop: no callback runs before this returns).
 * -1 only for what is wrong before any server starts (memory, too many servers). */
int mcp_manager_new(const struct mcp_manager_opts *o, struct mcp_manager **out,
		    struct err *e);
/* Cancels every pending call (no callbacks), ends every server (its process group is
 * terminated, then killed). */
void mcp_manager_free(struct mcp_manager *m);

bool mcp_manager_started(const struct mcp_manager *m);
/* Upstream's interrupt while no turn runs: every server still starting is stopped and
 * reported cancelled ("MCP startup cancelled"); on_started follows when that was the
 * last one. Nothing once every server has settled. */
void mcp_manager_cancel_startup(struct mcp_manager *m);
/* The tools of the ready servers, sorted by qualified name, as Responses function
 * specs (a new array). */
cJSON *mcp_manager_tool_specs(const struct mcp_manager *m);
/* The tool the model calls by this name, or NULL. */
const struct mcp_tool *mcp_manager_find(const struct mcp_manager *m, const char *qualified);
/* How many servers are configured and enabled (for "no MCP tools at all"). */
size_t mcp_manager_servers(const struct mcp_manager *m);

/* tools/call on the tool's server with args (an object or NULL) and meta (the _meta
 * object or NULL), bounded by the server's tool_timeout_sec. fn gets the result, or
 * error set ("request timed out", "MCP server ... exited", the server's error), exactly
 * once, from the loop, unless cancelled. */
typedef void mcp_call_fn(void *arg, const cJSON *result, const char *error);
struct mcp_call;
struct mcp_call *mcp_manager_call(struct mcp_manager *m, const struct mcp_tool *tool,
				  const cJSON *args, const cJSON *meta, mcp_call_fn *fn,
				  void *arg, struct err *e);
/* No callback follows; safe from inside any callback but the call's own. */
void mcp_call_cancel(struct mcp_call *c);

/* Any other request (resources/list, resources/read, ...) to the server named server,
 * with params copied (or NULL), bounded by its tool_timeout_sec; as mcp_manager_call. */
struct mcp_call *mcp_manager_request(struct mcp_manager *m, const char *server,
				     const char *method, const cJSON *params, mcp_call_fn *fn,
				     void *arg, struct err *e);
/* Whether server is configured, enabled and ready. */
bool mcp_manager_server_ready(const struct mcp_manager *m, const char *server);
/* The i-th ready server in name order (i from 0), or NULL past the last; borrowed. */
const char *mcp_manager_ready_server(const struct mcp_manager *m, size_t i);
/* The apps (connectors) that the ready server's tools belong to, each once, in the
 * order first seen: fn gets the id and the name and description (NULL when the tools
 * carry none), borrowed for the call. Disabled apps are included. */
void mcp_manager_connectors(const struct mcp_manager *m, const char *server,
			    void (*fn)(void *arg, const char *id, const char *name,
				       const char *description),
			    void *arg);

#endif
