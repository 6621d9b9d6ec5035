/* One server's life (codex-mcp.md §3-4): the transport starts, `initialize`, the
 * `initialized` notification, `tools/list` page by page, then tools/call on demand.
 * The startup timer covers all of startup; each later request has its own. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "mcp/internal.h"

/* tools/list pages followed at most: MCP_MAX_TOOLS_PER_SERVER tools come in far fewer;
 * the cap stops a server that keeps handing out new cursors. */
#define MAX_TOOL_PAGES 64

static bool is_http(const struct mcp_server *s)
{
	return s->cfg->command == NULL;
}

static uint64_t ms_of(double sec)
{
	if (!(sec > 0))
		return 0;
	if (sec > 1e9)
		sec = 1e9;
	return (uint64_t)ceil(sec * 1000.0);
}

/* ---- pending requests ---- */

static void unlink_call(struct mcp_call *c)
{
	struct mcp_server *s = c->s;

	if (c->prev)
		c->prev->next = c->next;
	else
		s->pending = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	s->n_pending--;
	loop_timer_disarm(s->m->o.loop, &c->timer);
}

/* Takes c off the list, then tells its owner and frees it. */
static void complete(struct mcp_call *c, const cJSON *result, const char *error)
{
	unlink_call(c);
	if (c->fn)
		c->fn(c->arg, result, error);
	free(c);
}

static struct mcp_call *find_id(const struct mcp_server *s, int64_t id)
{
	for (struct mcp_call *c = s->pending; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static int send_text(struct mcp_server *s, const char *text, int64_t id, double timeout,
		     struct err *e);

/* Tells the server we no longer wait for request id (MCP's cancellation notification);
 * a server that cannot be told is not worth more than a log line. */
static void send_cancelled(struct mcp_server *s, int64_t id, const char *reason)
{
	cJSON *p = cJSON_CreateObject();
	char *text = NULL;
	struct err e;

	err_clear(&e);
	if (s->transport_up && p && cJSON_AddNumberToObject(p, "requestId", (double)id) &&
	    cJSON_AddStringToObject(p, "reason", reason) &&
	    (text = mcp_notification_text("notifications/cancelled", p)) &&
	    send_text(s, text, -1, s->cfg->tool_timeout_sec, &e) < 0)
		mgr_log(s->m, "MCP server `%s`: cannot send a cancellation: %s", s->cfg->name, e.msg);
	free(text);
	cJSON_Delete(p);
}

void server_cancel_call(struct mcp_call *c)
{
	struct mcp_server *s = c->s;
	int64_t id = c->id;

	c->fn = NULL;
	complete(c, NULL, NULL);
	send_cancelled(s, id, "cancelled");
}

bool server_id_pending(const struct mcp_server *s, int64_t id)
{
	return find_id(s, id) != NULL;
}

void server_fail_id(struct mcp_server *s, int64_t id, const char *why)
{
	struct mcp_call *c = find_id(s, id);

	if (c)
		complete(c, NULL, why);
}

static void on_call_timeout(struct loop *l, struct loop_timer *t)
{
	struct mcp_call *c = (struct mcp_call *)((char *)t - offsetof(struct mcp_call, timer));

	(void)l;
	struct mcp_server *s = c->s;
	int64_t id = c->id;

	mgr_log(s->m, "MCP server `%s`: request %lld timed out", s->cfg->name, (long long)id);
	complete(c, NULL, "request timed out");
	send_cancelled(s, id, "request timed out");
}

static int send_text(struct mcp_server *s, const char *text, int64_t id, double timeout,
		     struct err *e)
{
	if (!s->transport_up)
		return err_set(e, "the MCP server `%s` is not running", s->cfg->name);
	return is_http(s) ? http_transport_send(s, text, id, timeout, NULL, e)
			  : stdio_send(s, text, e);
}

struct mcp_call *server_request(struct mcp_server *s, const char *method, cJSON *params,
				double timeout_sec, mcp_call_fn *fn, void *arg, struct err *e)
{
	struct mcp_call *c = NULL;
	cJSON *meta;
	char *text = NULL;
	uint64_t ms = ms_of(timeout_sec);

	if (s->n_pending >= MCP_MAX_PENDING) {
		err_set(e, "too many requests in flight to the MCP server `%s` (at most %d)",
			s->cfg->name, MCP_MAX_PENDING);
		goto fail;
	}
	/* Every request but initialize carries a progress token, as upstream's do. */
	if (strcmp(method, "initialize") != 0) {
		if (!params && !(params = cJSON_CreateObject()))
			goto oom;
		meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
		if (!meta && !(meta = cJSON_AddObjectToObject(params, "_meta")))
			goto oom;
		if (cJSON_IsObject(meta) &&
		    !cJSON_AddNumberToObject(meta, "progressToken", (double)s->next_progress++))
			goto oom;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->s = s;
	c->id = s->next_id++;
	c->fn = fn;
	c->arg = arg;
	text = mcp_request_text(c->id, method, params);
	if (!text)
		goto oom;
	if (ms && loop_timer_arm(s->m->o.loop, &c->timer, loop_now(s->m->o.loop) + ms,
				 on_call_timeout) < 0)
		goto oom;
	c->next = s->pending;
	if (s->pending)
		s->pending->prev = c;
	s->pending = c;
	s->n_pending++;
	if (send_text(s, text, c->id, timeout_sec, e) < 0) {
		unlink_call(c);
		goto fail;
	}
	free(text);
	cJSON_Delete(params);
	return c;
oom:
	err_set(e, "out of memory");
fail:
	if (c)
		loop_timer_disarm(s->m->o.loop, &c->timer);
	free(c);
	free(text);
	cJSON_Delete(params);
	return NULL;
}

/* ---- failure and shutdown ---- */

static void stop_transport(struct mcp_server *s)
{
	if (!s->transport_up)
		return;
	s->transport_up = false;
	if (is_http(s))
		http_transport_stop(s);
	else
		stdio_stop(s);
}

/* Startup ended without the server (failed or cancelled): it is stopped, its tools
 * are gone. */
static void startup_ended(struct mcp_server *s, enum mcp_status st, const char *why)
{
	if (s->status != MCP_STARTING)
		return;
	s->status = st;
	free(s->error);
	s->error = strdup(why);
	loop_timer_disarm(s->m->o.loop, &s->startup_timer);
	mgr_log(s->m, "MCP server `%s` %s: %s", s->cfg->name, mcp_status_str(st), why);
	stop_transport(s);
	while (s->pending)
		complete(s->pending, NULL, why);
	mgr_server_settled(s->m, s);
}

static void startup_failed(struct mcp_server *s, const char *why)
{
	startup_ended(s, MCP_FAILED, why);
}

void server_cancel_startup(struct mcp_server *s)
{
	startup_ended(s, MCP_CANCELLED, "MCP startup cancelled");
}

static void startup_failedf(struct mcp_server *s, const char *what)
{
	char msg[ERR_MSG_MAX + 128];

	snprintf(msg, sizeof msg, "MCP client for `%s` failed to start: %s", s->cfg->name, what);
	startup_failed(s, msg);
}

void server_on_closed(struct mcp_server *s, const char *why)
{
	if (s->status == MCP_STARTING) {
		startup_failedf(s, why);
		return;
	}
	mgr_log(s->m, "MCP server `%s`: %s", s->cfg->name, why);
	stop_transport(s);
	if (s->status == MCP_READY) {
		/* Its tools stay declared (the model's tool list is fixed for the session);
		 * calls to them fail with this message. */
		s->status = MCP_FAILED;
		free(s->error);
		s->error = strdup(why);
	}
	while (s->pending)
		complete(s->pending, NULL, why);
}

static void on_startup_timeout(struct loop *l, struct loop_timer *t)
{
	struct mcp_server *s =
		(struct mcp_server *)((char *)t - offsetof(struct mcp_server, startup_timer));
	char msg[1024];

	(void)l;
	snprintf(msg, sizeof msg,
		 "MCP client for `%s` timed out after %g seconds. Add or adjust "
		 "`startup_timeout_sec` in your config.toml:\n[mcp_servers.%s]\n"
		 "startup_timeout_sec = XX",
		 s->cfg->name, s->cfg->startup_timeout_sec, s->cfg->name);
	startup_failed(s, msg);
}

/* ---- startup ---- */

static bool tool_allowed(const struct config_mcp_server *cfg, const char *name)
{
	if (cfg->enabled_tools_set && strv_find(&cfg->enabled_tools, name) < 0)
		return false;
	return strv_find(&cfg->disabled_tools, name) < 0;
}

static void hint(const cJSON *ann, const char *key, bool *set, bool *val)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, key);

	*set = cJSON_IsBool(v);
	*val = cJSON_IsTrue(v);
}

/* A string of a tool's _meta, trimmed, or NULL when absent or blank (upstream's
 * meta_string). Malloc'ed; *fail set when memory runs out. */
static char *meta_str(const cJSON *meta, const char *key, const char *alt, bool *fail)
{
	const char *v = json_get_str(meta, key);
	size_t n;
	char *out;

	if ((!v || !*v) && alt)
		v = json_get_str(meta, alt);
	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t' || *v == '\n')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
		n--;
	if (!n)
		return NULL;
	if (!(out = strndup(v, n)))
		*fail = true;
	return out;
}

static void free_entry(struct mcp_tool_entry *te)
{
	free(te->qualified);
	free(te->name);
	free(te->description);
	free(te->connector_id);
	free(te->connector_name);
	free(te->connector_description);
	free(te->title);
	cJSON_Delete(te->spec);
}

static int add_tool(struct mcp_server *s, const cJSON *t)
{
	const char *name = json_get_str(t, "name"), *desc = json_get_str(t, "description");
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(t, "annotations");
	struct mcp_tool_entry *te, *grown;
	cJSON *params = NULL;
	char *q = NULL, *cid = NULL, *cname = NULL, *cdesc = NULL;
	bool apps;

	if (!name || !*name) {
		mgr_log(s->m, "MCP server `%s`: a tool without a name was dropped", s->cfg->name);
		return 0;
	}
	if (!tool_allowed(s->cfg, name))
		return 0;
	if (s->n_tools >= MCP_MAX_TOOLS_PER_SERVER) {
		mgr_log(s->m, "MCP server `%s`: tool %s dropped (more than %d tools)", s->cfg->name,
			name, MCP_MAX_TOOLS_PER_SERVER);
		return 0;
	}
	for (size_t i = 0; i < s->n_tools; i++)
		if (strcmp(s->tools[i].name, name) == 0) {
			mgr_log(s->m, "MCP server `%s`: duplicate tool %s dropped", s->cfg->name, name);
			return 0;
		}
	apps = strcmp(s->cfg->name, MCP_CODEX_APPS_SERVER) == 0;
	if (apps) {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(t, "_meta");
		bool fail = false;
		cid = meta_str(meta, "connector_id", NULL, &fail);
		cname = meta_str(meta, "connector_name", "connector_display_name", &fail);
		cdesc = meta_str(meta, "connector_description", "connectorDescription", &fail);
		q = fail ? NULL : mcp_apps_qualified_name(name, cid, cname);
	} else {
		q = mcp_qualified_name(s->cfg->name, name);
	}
	if (!q)
		goto oom;
	grown = realloc(s->tools, (s->n_tools + 1) * sizeof *s->tools);
	if (!grown)
		goto oom;
	s->tools = grown;
	te = &s->tools[s->n_tools];
	memset(te, 0, sizeof *te);
	te->connector_id = cid;
	te->connector_name = cname;
	te->connector_description = cdesc;
	te->qualified = q;
	te->name = strdup(name);
	te->description = strdup(desc ? desc : "");
	if (json_get_str(t, "title") && !(te->title = strdup(json_get_str(t, "title")))) {
		free_entry(te);
		return -1;
	}
	params = mcp_schema_reduce(cJSON_GetObjectItemCaseSensitive(t, "inputSchema"));
	te->spec = cJSON_CreateObject();
	if (!te->name || !te->description || !params || !te->spec ||
	    !cJSON_AddStringToObject(te->spec, "type", "function") ||
	    !cJSON_AddStringToObject(te->spec, "name", q) ||
	    !cJSON_AddStringToObject(te->spec, "description", te->description) ||
	    !cJSON_AddFalseToObject(te->spec, "strict") ||
	    !cJSON_AddItemToObject(te->spec, "parameters", params)) {
		cJSON_Delete(params);
		free_entry(te);
		return -1;
	}
	hint(ann, "readOnlyHint", &te->pub.read_only_set, &te->pub.read_only);
	hint(ann, "destructiveHint", &te->pub.destructive_set, &te->pub.destructive);
	hint(ann, "openWorldHint", &te->pub.open_world_set, &te->pub.open_world);
	s->n_tools++;
	return 0;
oom:
	free(q);
	free(cid);
	free(cname);
	free(cdesc);
	return -1;
}

static void list_page(struct mcp_server *s);

static void on_tools_list(void *arg, const cJSON *result, const char *error)
{
	struct mcp_server *s = arg;
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(result, "tools"), *t;
	const char *next = json_get_str(result, "nextCursor");
	char msg[ERR_MSG_MAX];

	if (s->status != MCP_STARTING)
		return;
	if (error) {
		snprintf(msg, sizeof msg, "tools/list failed: %s", error);
		startup_failedf(s, msg);
		return;
	}
	if (!cJSON_IsArray(tools)) {
		startup_failedf(s, "tools/list answered without a tools array");
		return;
	}
	cJSON_ArrayForEach(t, tools)
		if (add_tool(s, t) < 0) {
			startup_failedf(s, "out of memory");
			return;
		}
	/* Later pages are followed (upstream 0.118 reads only the first: its issue
	 * #28858); a cursor seen before, or too many pages, ends the listing. */
	if (next && *next && ++s->pages < MAX_TOOL_PAGES &&
	    !(s->cursor && strcmp(s->cursor, next) == 0)) {
		free(s->cursor);
		s->cursor = strdup(next);
		if (!s->cursor) {
			startup_failedf(s, "out of memory");
			return;
		}
		list_page(s);
		return;
	}
	if (next && *next)
		mgr_log(s->m, "MCP server `%s`: tools/list stopped after %u pages", s->cfg->name,
			s->pages);
	s->status = MCP_READY;
	loop_timer_disarm(s->m->o.loop, &s->startup_timer);
	mgr_server_settled(s->m, s);
}

static void list_page(struct mcp_server *s)
{
	cJSON *params = NULL;
	struct err e;

	err_clear(&e);
	if (s->cursor && (!(params = cJSON_CreateObject()) ||
			  !cJSON_AddStringToObject(params, "cursor", s->cursor))) {
		cJSON_Delete(params);
		startup_failedf(s, "out of memory");
		return;
	}
	if (!server_request(s, "tools/list", params, s->cfg->startup_timeout_sec, on_tools_list, s,
			    &e))
		startup_failedf(s, e.msg);
}

static void on_initialize(void *arg, const cJSON *result, const char *error)
{
	struct mcp_server *s = arg;
	char *note;
	char msg[ERR_MSG_MAX];
	struct err e;

	if (s->status != MCP_STARTING)
		return;
	if (error) {
		snprintf(msg, sizeof msg, "initialize failed: %s", error);
		startup_failedf(s, msg);
		return;
	}
	if (!cJSON_IsObject(result)) {
		startup_failedf(s, "initialize answered with something that is not an object");
		return;
	}
	err_clear(&e);
	note = mcp_notification_text("notifications/initialized", NULL);
	/* Over HTTP, POSTs may overtake each other: tools/list waits for the
	 * notification's to end. */
	if (!note || (is_http(s) ? http_transport_send(s, note, -1, s->cfg->startup_timeout_sec,
						       list_page, &e)
				 : send_text(s, note, -1, 0, &e)) < 0) {
		free(note);
		startup_failedf(s, note ? e.msg : "out of memory");
		return;
	}
	free(note);
	if (!is_http(s))
		list_page(s);
}

static cJSON *initialize_params(const struct mcp_server *s)
{
	cJSON *p = cJSON_CreateObject(), *info;

	if (p && cJSON_AddStringToObject(p, "protocolVersion", MCP_PROTOCOL_VERSION) &&
	    cJSON_AddObjectToObject(p, "capabilities") &&
	    (info = cJSON_AddObjectToObject(p, "clientInfo")) &&
	    cJSON_AddStringToObject(info, "name", "codex-mcp-client") &&
	    cJSON_AddStringToObject(info, "title", "Codex") &&
	    cJSON_AddStringToObject(info, "version",
				    s->m->o.client_version ? s->m->o.client_version : "0.0.0"))
		return p;
	cJSON_Delete(p);
	return NULL;
}

void server_start(struct mcp_server *s)
{
	struct err e;
	/* Always bounded: 0 (or less) times out at once, as a zero duration does upstream. */
	uint64_t ms = s->cfg->startup_timeout_sec > 0 ? ms_of(s->cfg->startup_timeout_sec) : 1;
	cJSON *params;

	err_clear(&e);
	s->status = MCP_STARTING;
	s->retried_id = -1;
	if (loop_timer_arm(s->m->o.loop, &s->startup_timer, loop_now(s->m->o.loop) + ms,
			   on_startup_timeout) < 0) {
		startup_failedf(s, "out of memory");
		return;
	}
	if ((is_http(s) ? http_transport_start(s, &e) : stdio_start(s, &e)) < 0) {
		startup_failedf(s, e.msg);
		return;
	}
	s->transport_up = true;
	if (!(params = initialize_params(s))) {
		startup_failedf(s, "out of memory");
		return;
	}
	if (!server_request(s, "initialize", params, 0, on_initialize, s, &e))
		startup_failedf(s, e.msg);
}

/* ---- HTTP session expiry ---- */

struct reinit {
	int64_t id;
	char *body;
};

static void reinit_done(struct mcp_server *s)
{
	if (s->reinit) {
		free(s->reinit->body);
		free(s->reinit);
		s->reinit = NULL;
	}
}

/* After the new session's initialized notification: the request goes again. */
static void resend(struct mcp_server *s)
{
	struct reinit *r = s->reinit;
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	err_clear(&e);
	if (r && server_id_pending(s, r->id)) {
		s->retried_id = r->id;
		if (http_transport_send(s, r->body, r->id, s->cfg->tool_timeout_sec, NULL, &e) < 0) {
			snprintf(msg, sizeof msg, "cannot send again after the session expired: %s",
				 e.msg);
			server_fail_id(s, r->id, msg);
		}
	}
	reinit_done(s);
}

static void on_reinit(void *arg, const cJSON *result, const char *error)
{
	struct mcp_server *s = arg;
	int64_t id = s->reinit ? s->reinit->id : -1;
	char msg[ERR_MSG_MAX + 64], *note;
	struct err e;

	err_clear(&e);
	if (!result) {
		snprintf(msg, sizeof msg, "the session expired and initialize failed: %s",
			 error ? error : "cancelled");
		reinit_done(s);
		server_fail_id(s, id, msg);
		return;
	}
	/* The request waits for the notification's POST to end (POSTs may overtake). */
	note = mcp_notification_text("notifications/initialized", NULL);
	if (!note || http_transport_send(s, note, -1, s->cfg->tool_timeout_sec, resend, &e) < 0)
		resend(s);
	free(note);
}

void server_reinit(struct mcp_server *s, int64_t id, char *body)
{
	cJSON *params;
	struct err e;

	err_clear(&e);
	if (s->reinit || !(params = initialize_params(s))) {
		free(body);
		server_fail_id(s, id, "the MCP session expired");
		return;
	}
	if (!(s->reinit = calloc(1, sizeof *s->reinit))) {
		free(body);
		cJSON_Delete(params);
		server_fail_id(s, id, "the MCP session expired (and memory ran out)");
		return;
	}
	s->reinit->id = id;
	s->reinit->body = body;
	if (!server_request(s, "initialize", params, s->cfg->tool_timeout_sec, on_reinit, s, &e)) {
		reinit_done(s);
		server_fail_id(s, id, e.msg);
	}
}

void server_free(struct mcp_server *s)
{
	loop_timer_disarm(s->m->o.loop, &s->startup_timer);
	while (s->pending) {
		s->pending->fn = NULL;
		complete(s->pending, NULL, NULL);
	}
	stop_transport(s);
	if (is_http(s))
		http_transport_release(s);
	for (size_t i = 0; i < s->n_tools; i++)
		free_entry(&s->tools[i]);
	free(s->tools);
	free(s->cursor);
	free(s->error);
	reinit_done(s);
}

/* ---- incoming messages ---- */

static void answer(struct mcp_server *s, const char *text)
{
	struct err e;

	err_clear(&e);
	if (!text || send_text(s, text, -1, s->cfg->tool_timeout_sec, &e) < 0)
		mgr_log(s->m, "MCP server `%s`: cannot answer: %s", s->cfg->name,
			text ? e.msg : "out of memory");
}

/* A request from the server: ping is answered, elicitations declined (only the
 * built-in codex_apps server may ask, upstream), the rest refused. */
static void server_request_in(struct mcp_server *s, const struct mcp_msg *m)
{
	char *text = NULL;
	cJSON *r = cJSON_CreateObject();

	if (r && strcmp(m->method, "ping") == 0) {
		text = mcp_result_text(m->id, r);
	} else if (r && strcmp(m->method, "elicitation/create") == 0 &&
		   cJSON_AddStringToObject(r, "action", "decline")) {
		text = mcp_result_text(m->id, r);
	} else if (r) {
		char msg[256];
		snprintf(msg, sizeof msg, "Method not found: %.200s", m->method);
		text = mcp_error_text(m->id, -32601, msg);
	}
	cJSON_Delete(r);
	answer(s, text);
	free(text);
}

void server_on_message(struct mcp_server *s, const char *text, size_t len)
{
	struct mcp_msg m;
	struct mcp_call *c;
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	err_clear(&e);
	if (mcp_msg_decode(text, len, &m, &e) < 0) {
		mgr_log(s->m, "MCP server `%s`: %s", s->cfg->name, e.msg);
		return;
	}
	switch (m.kind) {
	case MCP_MSG_NOTIFICATION:
		/* progress, logging, list_changed: logged only, as upstream. */
		mgr_log(s->m, "MCP server `%s`: notification %s", s->cfg->name, m.method);
		break;
	case MCP_MSG_REQUEST:
		server_request_in(s, &m);
		break;
	case MCP_MSG_RESULT:
	case MCP_MSG_ERROR:
		if (!cJSON_IsNumber(m.id) || !(c = find_id(s, (int64_t)m.id->valuedouble))) {
			mgr_log(s->m, "MCP server `%s`: an answer to no pending request", s->cfg->name);
			break;
		}
		if (m.kind == MCP_MSG_RESULT) {
			complete(c, m.result, NULL);
		} else {
			snprintf(msg, sizeof msg, "%s (code %lld)", m.error_message,
				 (long long)m.error_code);
			complete(c, NULL, msg);
		}
		break;
	}
	mcp_msg_free(&m);
}
