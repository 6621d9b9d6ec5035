/* Private to src/mcp/: one configured server and its transport. The public side is
 * mcp.h.
 *
 *   client.c    a server's life: initialize, tools/list, requests and their timers
 *   stdio.c     the child process transport (one JSON message a line)
 *   http.c      the streamable HTTP transport (POST, JSON or SSE answers)
 *   manager.c   every server of the session, the tools the model sees
 *   oauth*.c    OAuth: discovery, tokens, the credentials file, `codex mcp login`
 *   jsonrpc.c names.c schema.c result.c: pure helpers */
#ifndef CODEX_MCP_INTERNAL_H
#define CODEX_MCP_INTERNAL_H

#include <sys/types.h>

#include "base/http.h"
#include "base/strv.h"
#include "mcp/mcp.h"

struct mcp_server;

/* A request waiting for its answer (the public struct mcp_call). */
struct mcp_call {
	struct mcp_server *s;
	int64_t id;
	mcp_call_fn *fn;
	void *arg;
	struct loop_timer timer;
	struct mcp_call *prev, *next;
};

struct mcp_tool_entry {
	struct mcp_tool pub;
	char *qualified, *name, *description;
	/* codex_apps tools: the app (connector) a tool belongs to, from its _meta, or NULL */
	char *connector_id, *connector_name, *connector_description;
	char *title;                     /* the tool's title, or NULL */
	cJSON *spec;
};

struct http_post;
struct reinit;

struct mcp_server {
	struct mcp_manager *m;
	const struct config_mcp_server *cfg;
	enum mcp_status status;
	char *error;                     /* why it failed */
	bool transport_up;
	int64_t next_id, next_progress;
	struct mcp_call *pending;
	size_t n_pending;
	struct loop_timer startup_timer;
	char *cursor;                    /* tools/list: the page to ask for next */
	unsigned pages;
	struct mcp_tool_entry *tools;
	size_t n_tools;
	/* stdio */
	pid_t pid;
	int in_fd, out_fd, err_fd;
	struct buf wbuf;                 /* bytes not yet written to the child */
	struct mcp_lines out_lines, err_lines;
	/* streamable HTTP */
	struct http_client *hc;
	char *session_id;
	char *bearer;
	bool oauth;                      /* bearer is a stored OAuth token (refreshable) */
	bool apps_auth;                  /* bearer is the ChatGPT token (o.apps_bearer) */
	struct strv headers;             /* configured "Name: value" lines */
	struct http_post *posts;
	struct loop_timer http_stop;     /* frees the client from the loop */
	int64_t retried_id;              /* the request re-sent after a re-initialize, or -1 */
	struct reinit *reinit;           /* the request waiting for a new session, or NULL */
};

struct mcp_manager {
	struct mcp_manager_opts o;
	struct mcp_server *servers;
	size_t n;
	size_t n_enabled;
	int log_fd;
	bool started, reported;
	bool closing;                    /* mcp_manager_free runs: HTTP sessions are ended */
	struct loop_timer kick;
};

/* ---- client.c ---- */
void server_start(struct mcp_server *s);
void server_free(struct mcp_server *s);
/* A message arrived (a line, a body, an SSE event). */
void server_on_message(struct mcp_server *s, const char *text, size_t len);
/* The transport is gone: every pending request fails with why; the server is failed. */
void server_on_closed(struct mcp_server *s, const char *why);
/* A request by id failed (HTTP: its POST failed); nothing when no longer pending. */
void server_fail_id(struct mcp_server *s, int64_t id, const char *why);
/* Forgets c: no callback follows. */
void server_cancel_call(struct mcp_call *c);
/* A server still starting stops there, cancelled; nothing otherwise. */
void server_cancel_startup(struct mcp_server *s);
bool server_id_pending(const struct mcp_server *s, int64_t id);
/* HTTP: the session expired while request id was pending: initialize again (once for
 * that request), then re-send body (taken) with the same id; on failure id fails. */
void server_reinit(struct mcp_server *s, int64_t id, char *body);
/* Sends method(params) and arms a timer of timeout_sec; fn gets the answer. params
 * is taken (may be NULL). */
struct mcp_call *server_request(struct mcp_server *s, const char *method, cJSON *params,
				double timeout_sec, mcp_call_fn *fn, void *arg, struct err *e);

/* ---- stdio.c / http.c ---- */
int stdio_start(struct mcp_server *s, struct err *e);
int stdio_send(struct mcp_server *s, const char *text, struct err *e);
void stdio_stop(struct mcp_server *s);
int http_transport_start(struct mcp_server *s, struct err *e);
/* id: the request's id (-1 for notifications and answers); timeout bounds the POST;
 * after (or NULL) runs once the POST is over, for what must not overtake it. */
int http_transport_send(struct mcp_server *s, const char *text, int64_t id, double timeout_sec,
			void (*after)(struct mcp_server *s), struct err *e);
/* Stops from anywhere (the client is freed from the loop); release frees it now (not
 * from inside one of its callbacks). */
void http_transport_stop(struct mcp_server *s);
void http_transport_release(struct mcp_server *s);

/* ---- oauth_token.c (shared with oauth_login.c) ---- */
/* POST body to url (no proxy, bounded by timeout_ms): status and body (up to
 * MCP_OAUTH_BODY_MAX) into *status / out. -1 with e when no answer arrived. */
int oauth_post(const char *url, const char *content_type, const char *body, long timeout_ms,
	       long *status, struct buf *out, struct err *e);
/* A token request (form) at token_endpoint; a 2xx answer is parsed into t. */
int oauth_token_request(const char *token_endpoint, const char *form, long timeout_ms,
			struct mcp_oauth_tokens *t, struct err *e);

/* ---- manager.c ---- */
/* One line in the log (nothing when there is none). */
void mgr_log(struct mcp_manager *m, const char *fmt, ...) ERR_PRINTF(2, 3);
/* s became ready or failed. */
void mgr_server_settled(struct mcp_manager *m, struct mcp_server *s);

#endif
