/* The model client on the shared loop: a stream per request, made of attempts (HTTP
 * calls), with the retries and backoff model.h describes. The bytes of a 2xx response
 * go through the SSE parser into the wire's decoder (responses.c, chat_stream.c), which
 * calls the caller's callbacks; anything else is classified by errors.c.
 *
 * A stream is entered from the loop only (an http_call callback or its timer), and a
 * caller's callback may cancel it there: the stream then stays allocated until the
 * outermost entry returns (depth), and nothing more is reported. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/http.h"
#include "model/internal.h"
#include "model/sse.h"

#define CONTAINER_OF(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

struct model_client {
	struct loop *loop;
	struct http_client *http;
	const struct model_provider *provider;
	char *bearer;                 /* the current one (the refresh hook may change it) */
	bool key_missing;             /* no bearer and the provider needs one: key_err */
	struct err key_err;
	char *account_id, *originator, *session_id, *user_agent, *url;
	char *models_cache;           /* models_cache.json, or NULL */
	const char *(*refresh_bearer)(void *arg, struct err *e);
	void *refresh_arg;
	struct model_stream *streams;
	uint64_t rng;
	struct catalog_fetch *fetch;  /* the /models fetch in flight (catalog_fetch.c) */
	struct usage_fetch *usage;    /* the usage-limits fetch in flight (usage.c) */
};

struct model_stream {
	struct model_client *c;
	struct model_stream *prev, *next;
	struct model_stream_events ev;
	struct model_emit emit;
	char *body;
	size_t body_len;
	char *turn_metadata, *subagent;
	struct strv headers;
	struct http_request req;
	struct http_call *call;       /* the attempt in flight, or NULL */
	struct loop_timer timer;      /* the next attempt, or a failure to report */
	int attempts;                 /* HTTP requests made so far */
	int stream_retries, request_retries;
	bool refreshed;
	bool fail_pending;            /* the timer reports pending instead of retrying */
	struct wire_outcome pending;
	long status;
	struct buf errbody;
	struct sse_parser sse;
	struct chat_decoder chat;
	int depth;
	bool done;                    /* cancelled or finished: no callback follows */
};

/* ---- lifetime ---------------------------------------------------------------------- */

static void stop_transfer(struct model_stream *s)
{
	if (s->call) {
		http_call_cancel(s->call);
		s->call = NULL;
	}
	loop_timer_disarm(s->c->loop, &s->timer);
}

static void stream_free(struct model_stream *s)
{
	struct model_client *c = s->c;

	stop_transfer(s);
	if (s->prev)
		s->prev->next = s->next;
	else
		c->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	free(s->body);
	free(s->turn_metadata);
	free(s->subagent);
	strv_free(&s->headers);
	buf_free(&s->errbody);
	sse_free(&s->sse);
	chat_decoder_free(&s->chat);
	wire_outcome_clear(&s->pending);
	free(s);
}

static void enter(struct model_stream *s)
{
	s->depth++;
}

static void leave(struct model_stream *s)
{
	if (--s->depth == 0 && s->done)
		stream_free(s);
}

/* Nothing more is reported; the stream goes when the outermost entry returns. */
static void mark_done(struct model_stream *s)
{
	s->done = true;
	s->emit.stopped = true;
	stop_transfer(s);
}

static void finish_completed(struct model_stream *s, const struct wire_outcome *out)
{
	/* The end of the body may still be in flight: let it come, silently, within the
	 * stream's idle timeout, so that the connection is kept for the next request rather
	 * than closed mid-body (a new TLS connection costs round trips). */
	if (s->call) {
		http_call_detach(s->call, s->req.idle_timeout_ms > 0 ? s->req.idle_timeout_ms
								 : 300000);
		s->call = NULL;
	}
	mark_done(s);
	if (s->ev.completed)
		s->ev.completed(s->ev.arg, out->response_id ? out->response_id : "", &out->usage);
}

static void finish_failed(struct model_stream *s, enum model_error kind, const struct err *e)
{
	mark_done(s);
	if (s->ev.failed)
		s->ev.failed(s->ev.arg, kind, e);
}

/* ---- attempts and retries ---------------------------------------------------------- */

static double jitter(struct model_client *c)
{
	/* xorshift64: enough to spread retries; nothing depends on its quality. */
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (double)(c->rng >> 11) / (double)(1ull << 53);
}

static void on_timer(struct loop *l, struct loop_timer *t);
static void start_attempt(struct model_stream *s);

static void after(struct model_stream *s, uint64_t delay_ms)
{
	if (loop_timer_arm(s->c->loop, &s->timer, loop_clock_ms() + delay_ms, on_timer) < 0) {
		struct err e;
		err_set(&e, "out of memory");
		finish_failed(s, MODEL_ERR_INTERNAL, &e);
	}
}

static void give_up(struct model_stream *s, const struct wire_outcome *out)
{
	struct err e;

	err_set(&e, "%s (gave up after %d attempt%s)", out->e.msg, s->attempts,
		s->attempts == 1 ? "" : "s");
	finish_failed(s, out->kind, &e);
}

/* The wait a server asked for is too long to sit through. */
static bool wait_too_long(struct model_stream *s, const struct wire_outcome *out, uint64_t delay)
{
	char d[64];
	struct err e;

	if (delay <= MODEL_RETRY_AFTER_MAX_MS)
		return false;
	model_format_duration((int64_t)(delay / 1000), d, sizeof d);
	err_set(&e, "%s; the server asks to wait %s before retrying", out->e.msg, d);
	finish_failed(s, out->kind, &e);
	return true;
}

/* The response failed after its stream started (or its request retries ran out): the
 * whole request again, reported through `retrying`. */
static void stream_retry(struct model_stream *s, const struct wire_outcome *out)
{
	const struct model_provider *p = s->c->provider;
	uint64_t delay;

	stop_transfer(s);
	if (s->stream_retries >= p->stream_max_retries) {
		give_up(s, out);
		return;
	}
	s->stream_retries++;
	s->request_retries = 0;
	delay = out->retry_after_ms ? out->retry_after_ms
				    : model_backoff_ms(s->stream_retries, jitter(s->c));
	if (wait_too_long(s, out, delay))
		return;
	if (s->ev.retrying) {
		s->ev.retrying(s->ev.arg, s->stream_retries, p->stream_max_retries, delay,
			       out->e.msg);
		if (s->done)
			return;
	}
	after(s, delay);
}

/* The request failed before a stream started: again, quietly, up to
 * request_max_retries; then it counts as one failed stream. */
static void request_retry(struct model_stream *s, const struct wire_outcome *out)
{
	uint64_t delay;

	stop_transfer(s);
	if (s->request_retries >= s->c->provider->request_max_retries) {
		stream_retry(s, out);
		return;
	}
	s->request_retries++;
	delay = out->retry_after_ms ? out->retry_after_ms
				    : model_backoff_ms(s->request_retries, jitter(s->c));
	if (!wait_too_long(s, out, delay))
		after(s, delay);
}

static void handle(struct model_stream *s, enum wire_status st, struct wire_outcome *out)
{
	switch (st) {
	case WIRE_CONTINUE:
	case WIRE_STOPPED:
		return;
	case WIRE_COMPLETED:
		finish_completed(s, out);
		return;
	case WIRE_RETRY:
		stream_retry(s, out);
		return;
	case WIRE_FATAL:
		finish_failed(s, out->kind, &out->e);
		return;
	}
}

static bool is_2xx(long status)
{
	return status >= 200 && status < 300;
}

/* A response names the server's catalog version: the cache follows it. */
static void models_etag_seen(struct model_client *c, const char *etag)
{
	struct model_cache_key k = {CODEX_VERSION, NULL, time(NULL)};
	char *url;
	struct err e;

	if (!etag || !*etag || !(url = model_catalog_url(c->provider, &e)))
		return;
	k.url = url;
	model_cache_etag_seen(c->models_cache, etag, &k);
	free(url);
}

static void on_head(void *ctx, long status, const struct strv *headers)
{
	struct model_stream *s = ctx;
	cJSON *snaps;
	const cJSON *snap;

	enter(s);
	s->status = status;
	if (is_2xx(status) && s->ev.rate_limits && (snaps = model_rate_limits(headers))) {
		cJSON_ArrayForEach(snap, snaps) {
			s->ev.rate_limits(s->ev.arg, snap);
			if (s->done)
				break; /* cancelled from the callback */
		}
		cJSON_Delete(snaps);
	}
	if (is_2xx(status) && s->c->models_cache)
		models_etag_seen(s->c, http_headers_get(headers, "x-models-etag"));
	leave(s);
}

static void on_event(struct model_stream *s)
{
	struct wire_outcome out = {0};
	size_t len;
	const char *data = sse_event_data(&s->sse, &len);
	enum wire_status st;

	if (s->c->provider->wire == MODEL_WIRE_CHAT)
		st = chat_event(&s->chat, &s->emit, data, len, &out);
	else
		st = responses_event(&s->emit, sse_event_type(&s->sse), data, len, &out);
	handle(s, st, &out);
	wire_outcome_clear(&out);
}

static void on_data(void *ctx, const char *data, size_t len)
{
	struct model_stream *s = ctx;

	enter(s);
	if (!is_2xx(s->status)) {
		/* An error body: what fits is kept for the message. */
		size_t room = s->errbody.max - s->errbody.len;
		if (!s->done && buf_append(&s->errbody, data, len < room ? len : room) < 0)
			buf_init(&s->errbody, MODEL_ERROR_BODY_MAX);
		len = 0;
	}
	while (len > 0 && !s->done) {
		size_t n = sse_push(&s->sse, data, len);
		data += n;
		len -= n;
		if (sse_status(&s->sse) == SSE_EVENT) {
			on_event(s);
			sse_event_done(&s->sse);
		} else if (sse_status(&s->sse) == SSE_ERROR) {
			struct err e;
			err_set(&e, "the model stream is malformed: %s", sse_error(&s->sse));
			finish_failed(s, MODEL_ERR_SERVER, &e);
		}
	}
	leave(s);
}

static int rebuild_headers(struct model_stream *s, struct err *e)
{
	struct model_client *c = s->c;
	struct model_header_values v = {c->bearer,     c->account_id,     c->originator,
					c->session_id, c->user_agent,     s->turn_metadata,
					s->subagent};

	strv_free(&s->headers);
	return model_request_headers(c->provider, &v, &s->headers, e);
}

/* 401: the refresh hook once, then the request again with the new bearer. */
static bool refreshed_bearer(struct model_stream *s)
{
	struct model_client *c = s->c;
	const char *nb;
	char *copy;
	struct err e;

	if (!c->refresh_bearer || s->refreshed)
		return false;
	s->refreshed = true;
	err_clear(&e);
	nb = c->refresh_bearer(c->refresh_arg, &e);
	if (s->done)
		return true;
	if (!nb && e.msg[0]) {
		/* The hook knows why (a refresh refused): that beats the bare 401. */
		finish_failed(s, MODEL_ERR_UNAUTHORIZED, &e);
		return true;
	}
	if (!nb)
		return false;
	copy = strdup(nb);
	if (!copy) {
		err_set(&e, "out of memory");
		finish_failed(s, MODEL_ERR_INTERNAL, &e);
		return true;
	}
	free(c->bearer);
	c->bearer = copy;
	if (rebuild_headers(s, &e) < 0) {
		finish_failed(s, MODEL_ERR_INTERNAL, &e);
		return true;
	}
	start_attempt(s);
	return true;
}

static void on_done(void *ctx, const struct http_response *resp, const struct err *e)
{
	struct model_stream *s = ctx;
	struct wire_outcome out = {0};
	long status = resp->status;

	enter(s);
	s->call = NULL; /* freed by the http client when this returns */
	if (s->done)
		goto out;
	if (is_2xx(status)) {
		/* The stream ended without a completion (a completion ends it earlier). */
		out.kind = MODEL_ERR_RETRIES_EXHAUSTED;
		out.status = status;
		if (s->c->provider->wire == MODEL_WIRE_CHAT && (!e || s->chat.finished)) {
			handle(s, chat_stream_end(&s->chat, &s->emit, &out), &out);
		} else if (e) {
			err_set(&out.e, "stream disconnected before completion: %s", e->msg);
			handle(s, WIRE_RETRY, &out);
		} else {
			err_set(&out.e, "stream closed before response.completed");
			handle(s, WIRE_RETRY, &out);
		}
	} else if (status == 401 && refreshed_bearer(s)) {
		/* retried with the new bearer (or failed) */
	} else if (status > 0) {
		if (model_classify_http(status, &resp->headers, s->errbody.data, s->errbody.len,
					&out) == WIRE_RETRY)
			request_retry(s, &out);
		else
			finish_failed(s, out.kind, &out.e);
	} else {
		/* No response at all: connection, TLS, timeout. */
		out.kind = MODEL_ERR_RETRIES_EXHAUSTED;
		err_set(&out.e, "%s", e ? e->msg : "no response");
		/* A certificate that does not verify will not verify on the next try. */
		if (e && strstr(e->msg, "could not be verified"))
			finish_failed(s, out.kind, &out.e);
		else
			request_retry(s, &out);
	}
out:
	wire_outcome_clear(&out);
	leave(s);
}

static const struct http_call_ops call_ops = {on_head, on_data, on_done};

static void start_attempt(struct model_stream *s)
{
	struct err e;

	s->status = 0;
	buf_reset(&s->errbody);
	sse_free(&s->sse);
	sse_init(&s->sse);
	chat_decoder_free(&s->chat);
	chat_decoder_init(&s->chat);
	s->attempts++;
	s->call = http_call_start(s->c->http, &s->req, &call_ops, s, &e);
	if (!s->call)
		finish_failed(s, MODEL_ERR_INTERNAL, &e);
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct model_stream *s = CONTAINER_OF(t, struct model_stream, timer);

	enter(s);
	if (s->fail_pending)
		finish_failed(s, s->pending.kind, &s->pending.e);
	else if (!s->done)
		start_attempt(s);
	leave(s);
}

/* ---- the API ----------------------------------------------------------------------- */

static int dup_opt(char **slot, const char *s)
{
	*slot = NULL;
	return s && !(*slot = strdup(s)) ? -1 : 0;
}

int model_client_new(const struct model_client_opts *o, struct model_client **out,
		     struct err *e)
{
	struct model_client *c = calloc(1, sizeof *c);
	const char *originator = getenv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE");
	const char *key = NULL;

	if (!c)
		return err_set(e, "out of memory");
	c->loop = o->loop;
	c->provider = o->provider;
	c->refresh_bearer = o->refresh_bearer;
	c->refresh_arg = o->refresh_arg;
	c->rng = loop_clock_ms() * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid() ^
		 (uint64_t)(uintptr_t)c;
	if (!c->rng)
		c->rng = 1;
	if (!originator || !*originator)
		originator = o->originator ? o->originator : "codex_cli_rs";
	if (o->bearer)
		key = o->bearer;
	else if (model_provider_api_key(o->provider, &key, &c->key_err) < 0)
		c->key_missing = true;
	if (dup_opt(&c->bearer, key) < 0 || dup_opt(&c->account_id, o->account_id) < 0 ||
	    dup_opt(&c->originator, originator) < 0 || dup_opt(&c->session_id, o->session_id) < 0 ||
	    dup_opt(&c->models_cache, o->models_cache) < 0 ||
	    !(c->user_agent = model_user_agent(c->originator, o->user_agent_suffix))) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (!(c->url = model_request_url(o->provider, e)) || http_client_new(o->loop, &c->http, e) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	model_client_free(c);
	return -1;
}

void model_client_free(struct model_client *c)
{
	if (!c)
		return;
	while (c->streams)
		stream_free(c->streams);
	catalog_fetch_free(c->fetch);
	usage_fetch_free(c->usage);
	http_client_free(c->http);
	free(c->bearer);
	free(c->account_id);
	free(c->originator);
	free(c->session_id);
	free(c->user_agent);
	free(c->url);
	free(c->models_cache);
	free(c);
}

int model_client_set_bearer(struct model_client *c, const char *bearer, struct err *e)
{
	char *copy = strdup(bearer);

	if (!copy)
		return err_set(e, "out of memory");
	free(c->bearer);
	c->bearer = copy;
	c->key_missing = false;
	return 0;
}

char *model_request_json(const struct model_client *c, const struct model_prompt *p,
			 struct err *e)
{
	size_t len;

	if (c->provider->wire == MODEL_WIRE_CHAT)
		return model_chat_body(p, &len, e);
	return model_responses_body(c->provider, c->session_id, p, &len, e);
}

struct model_stream *model_stream_start(struct model_client *c, const struct model_prompt *p,
					const struct model_stream_events *ev, struct err *e)
{
	struct model_stream *s = calloc(1, sizeof *s);

	if (!s) {
		err_set(e, "out of memory");
		return NULL;
	}
	s->c = c;
	s->ev = *ev;
	s->emit.ev = &s->ev;
	buf_init(&s->errbody, MODEL_ERROR_BODY_MAX);
	sse_init(&s->sse);
	chat_decoder_init(&s->chat);
	s->next = c->streams;
	if (c->streams)
		c->streams->prev = s;
	c->streams = s;
	s->body = c->provider->wire == MODEL_WIRE_CHAT
			  ? model_chat_body(p, &s->body_len, e)
			  : model_responses_body(c->provider, c->session_id, p, &s->body_len, e);
	if (!s->body)
		goto fail;
	if (dup_opt(&s->turn_metadata, p->turn_metadata) < 0 ||
	    dup_opt(&s->subagent, p->subagent) < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (rebuild_headers(s, e) < 0)
		goto fail;
	s->req.method = "POST";
	s->req.url = c->url;
	s->req.headers = &s->headers;
	s->req.body = s->body;
	s->req.body_len = s->body_len;
	s->req.idle_timeout_ms = (long)c->provider->stream_idle_timeout_ms;
	if (c->key_missing) {
		/* Reported from the loop, never from inside this call. */
		s->fail_pending = true;
		s->pending.kind = MODEL_ERR_MISSING_KEY;
		s->pending.e = c->key_err;
		if (loop_timer_arm(c->loop, &s->timer, loop_clock_ms(), on_timer) < 0) {
			err_set(e, "out of memory");
			goto fail;
		}
		return s;
	}
	s->attempts = 1;
	s->call = http_call_start(c->http, &s->req, &call_ops, s, e);
	if (!s->call)
		goto fail;
	return s;
fail:
	stream_free(s);
	return NULL;
}

bool model_client_busy(const struct model_client *c)
{
	return c->streams || http_client_calls(c->http) > 0;
}

void model_stream_cancel(struct model_stream *s)
{
	if (!s || s->done)
		return;
	mark_done(s);
	if (s->depth == 0)
		stream_free(s);
}

/* ---- for catalog_fetch.c ----------------------------------------------------------- */

struct model_client_parts model_client_parts(struct model_client *c)
{
	struct model_client_parts p = {c->loop, c->http, c->provider, &c->fetch, c->key_missing,
				       c->models_cache, &c->usage};

	return p;
}

int model_client_headers(const struct model_client *c, struct strv *out, struct err *e)
{
	struct model_header_values v = {c->bearer, c->account_id, c->originator,
					c->session_id, c->user_agent, NULL, NULL};

	return model_request_headers(c->provider, &v, out, e);
}
