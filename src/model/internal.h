/* Private to src/model/: the pieces behind model.h, each pure (no I/O) so that unit tests
 * and fuzz targets drive them directly; client.c puts them on the loop. */
#ifndef CODEX_MODEL_INTERNAL_H
#define CODEX_MODEL_INTERNAL_H

#include <stdbool.h>
#include <time.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strv.h"
#include "model/model.h"

/* Retries: upstream's backoff, 200 ms x 2^(n-1) x jitter in [0.9, 1.1). */
#define MODEL_BACKOFF_BASE_MS 200
/* The exponent stops growing here: 200 ms x 2^8 is 51 s, and retry counts go to 100. */
#define MODEL_BACKOFF_MAX_DOUBLINGS 8
/* A server asking to wait longer than this (Retry-After, "try again in") is not waited
 * for: the request fails at once with the wait in its message, rather than hang. */
#define MODEL_RETRY_AFTER_MAX_MS (10u * 60 * 1000)
/* An error response's body kept for its message (OpenAI's are well under 1 KiB). */
#define MODEL_ERROR_BODY_MAX (64u * 1024)
/* Parallel tool calls in one Chat Completions response. */
#define MODEL_CHAT_MAX_TOOL_CALLS 128

/* ---- what the stream decoders report (responses.c, chat_stream.c) ---------------- */

/* The caller's callbacks, and a flag its owner raises when one of them cancelled the
 * stream: a decoder checks it after every callback and then calls nothing more. */
struct model_emit {
	const struct model_stream_events *ev;
	bool stopped;
};

enum wire_status {
	WIRE_CONTINUE,  /* more events to come */
	WIRE_STOPPED,   /* a callback cancelled the stream */
	WIRE_COMPLETED, /* out->response_id, out->usage */
	WIRE_RETRY,     /* out->e says why; out->retry_after_ms is the server's hint, or 0 */
	WIRE_FATAL      /* out->kind, out->e */
};

struct wire_outcome {
	enum model_error kind;
	struct err e;
	uint64_t retry_after_ms;
	long status;              /* the HTTP status behind the outcome, or 0 */
	char *response_id;        /* owned (free), or NULL */
	struct model_usage usage;
};
void wire_outcome_clear(struct wire_outcome *o);

/* One Responses API event (its SSE data; type from the data, else sse_type). */
enum wire_status responses_event(struct model_emit *em, const char *sse_type, const char *data,
				 size_t len, struct wire_outcome *out);

/* Chat Completions chunks, aggregated into ResponseItems: the assistant text becomes
 * one message, streamed reasoning one reasoning item, tool_calls fragments (by index)
 * function_call items; all are reported when the response finishes. */
struct chat_tool_call {
	char *id;
	struct buf name;
	struct buf arguments;
};
struct chat_decoder {
	struct buf text;
	struct buf reasoning;
	struct chat_tool_call *calls;  /* by index, up to MODEL_CHAT_MAX_TOOL_CALLS */
	size_t ncalls, cap_calls;
	bool message_added;            /* item_added sent for the message */
	bool finished;                 /* a finish_reason came */
	bool has_usage;
	struct model_usage usage;
};
void chat_decoder_init(struct chat_decoder *d);
void chat_decoder_free(struct chat_decoder *d);
enum wire_status chat_event(struct chat_decoder *d, struct model_emit *em, const char *data,
			    size_t len, struct wire_outcome *out);
/* The stream ended without [DONE]: complete if a finish_reason came, else retry. */
enum wire_status chat_stream_end(struct chat_decoder *d, struct model_emit *em,
				 struct wire_outcome *out);

/* ---- errors.c ---------------------------------------------------------------------- */

/* A non-2xx response: WIRE_FATAL (usage limit, quota, context window, 4xx) or WIRE_RETRY
 * (429 otherwise, 5xx; retry_after_ms from Retry-After). 401 is WIRE_FATAL
 * MODEL_ERR_UNAUTHORIZED (the client tries the refresh hook first). */
enum wire_status model_classify_http(long status, const struct strv *headers, const char *body,
				     size_t len, struct wire_outcome *out);
/* An error object of response.failed / an `error` event / a Chat error chunk. */
enum wire_status model_classify_error_object(const cJSON *error, struct wire_outcome *out);
/* Retry-After / retry-after-ms in ms; 0 when absent or not a number of seconds. */
uint64_t model_retry_after_ms(const struct strv *headers);
/* "... try again in 1.5s ..." (also ms, seconds) in ms; 0 when there is no such hint. */
uint64_t model_try_again_ms(const char *message);
/* The delay before retry number attempt (1, 2, ...); jitter01 in [0, 1). */
uint64_t model_backoff_ms(int attempt, double jitter01);
/* "1 hour 2 minutes", "45 seconds" into out. */
void model_format_duration(int64_t seconds, char *out, size_t cap);

/* ---- request.c, chat_request.c, useragent.c ----------------------------------------- */

/* obj[key] = item, taken (deleted when it cannot be added); false then. */
bool model_put_item(cJSON *obj, const char *key, cJSON *item);
/* obj[key] = a reference to node: printed with obj, never copied or freed with it. */
bool model_put_ref(cJSON *obj, const char *key, const cJSON *node);

/* The Responses request body, compact JSON with upstream's key order. *len gets its
 * length; malloc'ed. */
char *model_responses_body(const struct model_provider *p, const char *session_id,
			   const struct model_prompt *pr, size_t *len, struct err *e);
/* The Chat Completions body. */
char *model_chat_body(const struct model_prompt *pr, size_t *len, struct err *e);
/* Headers in the order 0.118 sends them ("name: value" lines), for one request. */
struct model_header_values {
	const char *bearer, *account_id, *originator, *session_id, *user_agent;
	const char *turn_metadata, *subagent;
};
int model_request_headers(const struct model_provider *p, const struct model_header_values *v,
			  struct strv *out, struct err *e);
/* {base_url}/responses or /chat/completions, with query_params. */
char *model_request_url(const struct model_provider *p, struct err *e);
/* "originator/version (os version; arch) terminal" + " (suffix)", header-safe. */
char *model_user_agent_format(const char *originator, const char *version, const char *os_type,
			      const char *os_version, const char *arch, const char *terminal,
			      const char *suffix);

/* ---- ratelimits.c ------------------------------------------------------------------- */

/* The rate-limit headers as upstream's snapshots, one per family that has any (the
 * codex family first, then the others by limit id, at most
 * MODEL_RATE_LIMIT_FAMILIES_MAX): a new array, or NULL when there are none. */
cJSON *model_rate_limits(const struct strv *headers);
/* Adds v (null when NULL) to a snapshot under key; v is freed when that fails. */
bool model_snapshot_put(cJSON *snap, const char *key, cJSON *v);
/* {limit_id: id, limit_name, primary, secondary, credits, plan_type}, each part null
 * when NULL. Takes every part, also when it fails (NULL: out of memory). */
cJSON *model_rate_limit_snapshot(const char *id, cJSON *name, cJSON *primary, cJSON *secondary,
				 cJSON *credits, cJSON *plan_type);


/* ---- client.c's parts for catalog_fetch.c ------------------------------------------- */

struct catalog_fetch;
struct http_client;
struct model_client_parts {
	struct loop *loop;
	struct http_client *http;
	const struct model_provider *provider;
	struct catalog_fetch **fetch;  /* the client's slot for its fetch in flight */
	bool key_missing;
	const char *models_cache;      /* or NULL */
	struct usage_fetch **usage;    /* the client's slot for its usage fetch */
};
struct model_client_parts model_client_parts(struct model_client *c);
/* The headers a request of c carries (no turn metadata). */
int model_client_headers(const struct model_client *c, struct strv *out, struct err *e);
/* Cancels a fetch (no callback); NULL is fine. */
void catalog_fetch_free(struct catalog_fetch *f);
void usage_fetch_free(struct usage_fetch *f);

/* catalog_cache.c: models_cache.json. A cache serves the version that wrote it, for the
 * catalog URL it came from, for MODEL_CACHE_TTL_S after it was fetched (upstream's 300). */
#define MODEL_CACHE_TTL_S 300
#define MODEL_CACHE_ETAG_MAX 512
struct model_cache_key {
	const char *version;            /* CODEX_VERSION */
	const char *url;                /* the catalog URL (model_catalog_url) */
	time_t now;
};
/* The cached catalog and its etag (NULL when none; malloc'ed), or -1 with e saying why
 * it cannot serve (missing, unreadable, stale, another version or provider, bad). */
int model_cache_load(const char *path, const struct model_cache_key *k,
		     struct model_catalog *out, char **etag, struct err *e);
/* The same on the file's bytes (the fuzz target's entry). */
int model_cache_parse(const char *json, size_t len, const struct model_cache_key *k,
		      struct model_catalog *out, char **etag, struct err *e);
/* Keeps a served /models body (its "models") with its etag, atomically, 0600. */
int model_cache_store(const char *path, const char *body, size_t len, const char *etag,
		      const struct model_cache_key *k, struct err *e);
/* A response's x-models-etag: the same as the cache's renews it, another retires it. */
void model_cache_etag_seen(const char *path, const char *etag, const struct model_cache_key *k);

#endif
