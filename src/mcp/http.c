/* The streamable HTTP transport (codex-mcp.md §3.2): every message is a POST to the
 * server's URL; the answer comes back as a JSON body or as server-sent events on that
 * POST's response; 202/204 accept notifications. The session id the server assigns is
 * sent back on every later POST. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcp/internal.h"

/* The part of an unexpected body quoted in the error (upstream's figure). */
#define BODY_QUOTE_BYTES 8192
/* The DELETE that ends a session when the manager closes: a local server answers at
 * once; an unreachable one must not hold up the exit. */
#define SESSION_END_TIMEOUT_MS 1000

struct http_post {
	struct mcp_server *s;
	struct http_post *next;
	struct http_call *call;
	int64_t id;                 /* the request's id, or -1 */
	double timeout_sec;
	bool session_sent;          /* it carried an Mcp-Session-Id */
	bool auth_retried;          /* a re-send after a 401 and a token refresh */
	char *bearer_sent;          /* the token this POST carried, or NULL */
	void (*after)(struct mcp_server *s); /* called once the POST is over, or NULL */
	char *body;
	struct strv headers;
	struct http_request req;
	long status;
	bool sse;
	struct buf line;            /* the SSE line being read */
	bool line_too_long, has_data;
	struct buf event;           /* the data of the SSE event being read */
	struct buf json;            /* a JSON body */
};

static void post_free(struct http_post *p)
{
	free(p->body);
	free(p->bearer_sent);
	strv_free(&p->headers);
	buf_free(&p->line);
	buf_free(&p->event);
	buf_free(&p->json);
	free(p);
}

static void unlink_post(struct http_post *p)
{
	for (struct http_post **pp = &p->s->posts; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static int env_token(const struct config_mcp_server *cfg, const char *var, char **out,
		     struct err *e)
{
	const char *v = getenv(var);

	if (!v)
		return err_set(e, "Environment variable %s for MCP server '%s' is not set", var,
			       cfg->name);
	if (!*v)
		return err_set(e, "Environment variable %s for MCP server '%s' is empty", var,
			       cfg->name);
	*out = strdup(v);
	return *out ? 0 : err_set(e, "out of memory");
}

/* Header names and values that would break the request are skipped (logged). */
static bool header_ok(const char *name, const char *value)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == ':' || *p == 127)
			return false;
	for (const char *p = value; *p; p++)
		if (*p == '\r' || *p == '\n')
			return false;
	return true;
}

static bool has_auth_header(const struct config_mcp_server *cfg)
{
	for (size_t i = 0; i < cfg->http_headers.keys.n; i++)
		if (strcasecmp(cfg->http_headers.keys.v[i], "authorization") == 0)
			return true;
	for (size_t i = 0; i < cfg->env_http_headers.keys.n; i++)
		if (strcasecmp(cfg->env_http_headers.keys.v[i], "authorization") == 0)
			return true;
	return false;
}

int http_transport_start(struct mcp_server *s, struct err *e)
{
	const struct config_mcp_server *cfg = s->cfg;

	/* Token source order (codex-mcp.md §3.2): the env variable, a configured
	 * Authorization header, then stored OAuth credentials (refreshed when due). */
	if (cfg->bearer_token_env_var) {
		if (env_token(cfg, cfg->bearer_token_env_var, &s->bearer, e) < 0)
			return -1;
	} else if (!has_auth_header(cfg) && s->m->o.apps_bearer &&
		   strcmp(cfg->name, MCP_CODEX_APPS_SERVER) == 0) {
		int r = s->m->o.apps_bearer(s->m->o.arg, NULL, &s->bearer, e);
		if (r < 0)
			return -1;
		s->apps_auth = r > 0;
	} else if (!has_auth_header(cfg) && s->m->o.codex_home) {
		int r = mcp_oauth_bearer(s->m->o.codex_home, cfg->name, cfg->url, NULL, &s->bearer, e);
		if (r < 0)
			return -1;
		s->oauth = r > 0;
	}
	for (size_t i = 0; i < cfg->http_headers.keys.n; i++) {
		const char *k = cfg->http_headers.keys.v[i], *v = cfg->http_headers.values.v[i];
		if (!header_ok(k, v)) {
			mgr_log(s->m, "MCP server `%s`: invalid header %s skipped", cfg->name, k);
			continue;
		}
		if (strv_pushf(&s->headers, "%s: %s", k, v) < 0)
			return err_set(e, "out of memory");
	}
	for (size_t i = 0; i < cfg->env_http_headers.keys.n; i++) {
		const char *k = cfg->env_http_headers.keys.v[i];
		const char *v = getenv(cfg->env_http_headers.values.v[i]);
		if (!v || !*v || !header_ok(k, v))
			continue;
		if (strv_pushf(&s->headers, "%s: %s", k, v) < 0)
			return err_set(e, "out of memory");
	}
	return http_client_new(s->m->o.loop, &s->hc, e);
}

/* The client cannot be freed from inside one of its callbacks, where a failure
 * usually stops the transport: the freeing waits for the loop. */
static void on_stop_timer(struct loop *l, struct loop_timer *t)
{
	struct mcp_server *s = (struct mcp_server *)((char *)t - offsetof(struct mcp_server, http_stop));

	(void)l;
	http_transport_release(s);
}

void http_transport_stop(struct mcp_server *s)
{
	if (s->hc && loop_timer_arm(s->m->o.loop, &s->http_stop, loop_now(s->m->o.loop),
				    on_stop_timer) == 0)
		return;
	http_transport_release(s);
}

/* The session's end (DELETE with its id; a server may answer 405), once, bounded: the
 * session is over, so this may block for a moment. */
static void end_session(struct mcp_server *s)
{
	struct strv headers = STRV_INIT;
	struct http_request req;
	struct http_response resp;
	struct err e;

	if (strv_pushf(&headers, "Mcp-Session-Id: %s", s->session_id) < 0 ||
	    (s->bearer && strv_pushf(&headers, "Authorization: Bearer %s", s->bearer) < 0)) {
		strv_free(&headers);
		return;
	}
	for (size_t i = 0; i < s->headers.n; i++)
		if (strv_push(&headers, s->headers.v[i]) < 0)
			break;
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.method = "DELETE";
	req.url = s->cfg->url;
	req.headers = &headers;
	req.connect_timeout_ms = SESSION_END_TIMEOUT_MS;
	req.timeout_ms = SESSION_END_TIMEOUT_MS;
	if (http_perform(&req, &resp, &e) < 0)
		mgr_log(s->m, "MCP server `%s`: ending the session: %s", s->cfg->name, e.msg);
	http_response_free(&resp);
	strv_free(&headers);
}

void http_transport_release(struct mcp_server *s)
{
	loop_timer_disarm(s->m->o.loop, &s->http_stop);
	if (s->hc && s->session_id && s->m->closing)
		end_session(s);
	http_client_free(s->hc);
	s->hc = NULL;
	while (s->posts) {
		struct http_post *p = s->posts;
		s->posts = p->next;
		post_free(p);
	}
	free(s->session_id);
	s->session_id = NULL;
	free(s->bearer);
	s->bearer = NULL;
	strv_free(&s->headers);
}

/* ---- one POST ---- */

static int post_start(struct mcp_server *s, const char *text, int64_t id, double timeout_sec,
		      void (*after)(struct mcp_server *s), bool auth_retried, struct err *e);

/* A token to replace refused after a 401: stored OAuth credentials refreshed, or the
 * ChatGPT sign-in's. 1 with *out, 0 none, -1 with e. */
static int newer_bearer(struct mcp_server *s, const char *refused, char **out, struct err *e)
{
	if (s->apps_auth)
		return s->m->o.apps_bearer(s->m->o.arg, refused, out, e);
	return mcp_oauth_bearer(s->m->o.codex_home, s->cfg->name, s->cfg->url, refused, out, e);
}

static void deliver(struct http_post *p, const char *text, size_t len)
{
	if (p->s->transport_up && len)
		server_on_message(p->s, text, len);
}

static void on_head(void *ctx, long status, const struct strv *headers)
{
	struct http_post *p = ctx;
	const char *ct = http_headers_get(headers, "content-type");
	const char *sid = http_headers_get(headers, "mcp-session-id");

	p->status = status;
	p->sse = ct && strncasecmp(ct, "text/event-stream", 17) == 0;
	if (sid && *sid && status < 300 && header_ok("Mcp-Session-Id", sid)) {
		char *copy = strdup(sid);
		if (copy) {
			free(p->s->session_id);
			p->s->session_id = copy;
		}
	}
}

/* One SSE line (no line end): data lines are joined with LF, a blank line ends the
 * event; other fields (event:, id:, retry:) and comments are skipped. */
static void sse_dispatch(struct http_post *p)
{
	if (p->event.len) {
		size_t n = p->event.len;
		char *text = buf_take(&p->event);
		if (text) {
			deliver(p, text, n);
			free(text);
		}
	}
	p->has_data = false;
}

static void sse_line(struct http_post *p, const char *line, size_t len)
{
	size_t skip;

	if (len && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		sse_dispatch(p);
		return;
	}
	if (len < 5 || memcmp(line, "data:", 5) != 0)
		return;
	skip = len > 5 && line[5] == ' ' ? 6 : 5;
	if ((p->has_data && buf_putc(&p->event, '\n') < 0) ||
	    buf_append(&p->event, line + skip, len - skip) < 0) {
		/* Over the cap: the event is dropped (its request then times out). */
		buf_free(&p->event);
	}
	p->has_data = true;
}

static void sse_feed(struct http_post *p, const char *data, size_t len)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (buf_append(&p->line, data, n) < 0) {
			buf_free(&p->line);
			p->line_too_long = true;
		}
		if (!nl)
			return;
		if (!p->line_too_long)
			sse_line(p, p->line.data ? p->line.data : "", p->line.len);
		p->line_too_long = false;
		buf_reset(&p->line);
		data += n + 1;
		len -= n + 1;
	}
}

static void on_data(void *ctx, const char *data, size_t len)
{
	struct http_post *p = ctx;

	if (p->sse)
		sse_feed(p, data, len);
	else if (buf_append(&p->json, data, len) < 0)
		buf_free(&p->json);
}

static void on_done(void *ctx, const struct http_response *resp, const struct err *e)
{
	struct http_post *p = ctx;
	struct mcp_server *s = p->s;
	char why[ERR_MSG_MAX + BODY_QUOTE_BYTES + 64];

	(void)resp;
	unlink_post(p);
	if (e) {
		snprintf(why, sizeof why, "HTTP request to the MCP server failed: %s", e->msg);
	} else if (p->status == 404 && p->session_sent && p->id >= 0 && s->transport_up &&
		   s->status == MCP_READY && p->id != s->retried_id &&
		   server_id_pending(s, p->id)) {
		/* The session expired: initialize again, once, then send this again. */
		char *body = p->body;
		p->body = NULL;
		mgr_log(s->m, "MCP server `%s`: session expired; initializing again", s->cfg->name);
		free(s->session_id);
		s->session_id = NULL;
		server_reinit(s, p->id, body);
		post_free(p);
		return;
	} else if (p->status == 401 && (s->oauth || s->apps_auth) && p->bearer_sent &&
		   !p->auth_retried && s->transport_up &&
		   (p->id < 0 || server_id_pending(s, p->id))) {
		/* The token was refused: refresh it and send this once more. */
		char *tok = NULL;
		struct err re;
		err_clear(&re);
		if (newer_bearer(s, p->bearer_sent, &tok, &re) == 1) {
			free(s->bearer);
			s->bearer = tok;
			mgr_log(s->m, "MCP server `%s`: 401; token refreshed, retrying",
				s->cfg->name);
			if (post_start(s, p->body, p->id, p->timeout_sec, p->after, true, &re) == 0) {
				post_free(p);
				return;
			}
		}
		if (re.msg[0])
			snprintf(why, sizeof why, "%s", re.msg);
		else
			snprintf(why, sizeof why, "Auth required: the `%s` MCP server is not logged "
				 "in. Run `codex mcp login %s`.", s->cfg->name, s->cfg->name);
	} else if (p->status == 401) {
		snprintf(why, sizeof why, "Auth required: the `%s` MCP server is not logged in. "
					  "Run `codex mcp login %s`.", s->cfg->name, s->cfg->name);
	} else if (p->status >= 300 || p->status < 200) {
		snprintf(why, sizeof why, "the MCP server answered HTTP %ld: %.*s", p->status,
			 (int)(p->json.len < BODY_QUOTE_BYTES ? p->json.len : BODY_QUOTE_BYTES),
			 p->json.data ? p->json.data : "");
	} else {
		if (p->sse) {
			sse_feed(p, "\n\n", 2);
		} else if (p->json.len) {
			deliver(p, p->json.data, p->json.len);
		}
		snprintf(why, sizeof why, "the MCP server ended its answer without a response");
	}
	/* Still pending after its POST ended: it will never be answered. */
	if (p->id >= 0 && s->transport_up)
		server_fail_id(s, p->id, why);
	if (p->after && s->transport_up)
		p->after(s);
	post_free(p);
}

static int post_start(struct mcp_server *s, const char *text, int64_t id, double timeout_sec,
		      void (*after)(struct mcp_server *s), bool auth_retried, struct err *e)
{
	static const struct http_call_ops ops = {on_head, on_data, on_done};
	struct http_post *p = calloc(1, sizeof *p);

	if (!p)
		return err_set(e, "out of memory");
	p->s = s;
	p->id = id;
	p->timeout_sec = timeout_sec;
	p->auth_retried = auth_retried;
	p->after = after;
	buf_init(&p->line, MCP_MAX_MESSAGE_BYTES + 16);
	buf_init(&p->event, MCP_MAX_MESSAGE_BYTES);
	buf_init(&p->json, MCP_MAX_MESSAGE_BYTES);
	if (!(p->body = strdup(text)) ||
	    strv_push(&p->headers, "Content-Type: application/json") < 0 ||
	    strv_push(&p->headers, "Accept: text/event-stream, application/json") < 0 ||
	    (s->bearer && strv_pushf(&p->headers, "Authorization: Bearer %s", s->bearer) < 0) ||
	    (s->bearer && !(p->bearer_sent = strdup(s->bearer))) ||
	    (s->session_id && strv_pushf(&p->headers, "Mcp-Session-Id: %s", s->session_id) < 0))
		goto oom;
	p->session_sent = s->session_id != NULL;
	for (size_t i = 0; i < s->headers.n; i++)
		if (strv_push(&p->headers, s->headers.v[i]) < 0)
			goto oom;
	p->req.method = "POST";
	p->req.url = s->cfg->url;
	p->req.headers = &p->headers;
	p->req.body = p->body;
	p->req.body_len = strlen(p->body);
	p->req.proxy = NULL;
	/* The POST of a request lasts as long as the request may; +1 s lets our own timer
	 * speak first. */
	p->req.timeout_ms = timeout_sec > 0 ? (long)(timeout_sec * 1000.0) + 1000 : 0;
	p->req.max_body = MCP_MAX_MESSAGE_BYTES;
	p->next = s->posts;
	s->posts = p;
	p->call = http_call_start(s->hc, &p->req, &ops, p, e);
	if (!p->call) {
		unlink_post(p);
		post_free(p);
		return -1;
	}
	return 0;
oom:
	post_free(p);
	return err_set(e, "out of memory");
}

int http_transport_send(struct mcp_server *s, const char *text, int64_t id, double timeout_sec,
			void (*after)(struct mcp_server *s), struct err *e)
{
	return post_start(s, text, id, timeout_sec, after, false, e);
}
