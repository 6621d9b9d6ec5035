/* MCP tools (codex-mcp.md §3, §5, §6): the session's servers start with it, their
 * tools join the model's once every server is ready or failed, and a call goes
 * through the approval rules, then tools/call, and its result becomes the
 * function_call_output. A server that fails costs its own tools only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/plugins.h"
#include "agent/tools/tools.h"
#include "base/file.h"
#include "base/json.h"
#include "mcp/mcp.h"

/* ---- the session's servers ---- */

static void on_status(void *arg, const char *server, enum mcp_status st, const char *error)
{
	struct agent *a = arg;
	cJSON *m = cJSON_CreateObject(), *status, *f;

	if (!m || !cJSON_AddStringToObject(m, "server", server) ||
	    !(status = cJSON_AddObjectToObject(m, "status")) ||
	    !cJSON_AddStringToObject(status, "state", mcp_status_str(st)) ||
	    (st == MCP_FAILED && !cJSON_AddStringToObject(status, "error", error ? error : ""))) {
		cJSON_Delete(m);
		return;
	}
	for (size_t i = 0; st == MCP_FAILED && i < a->n_mcp_servers; i++) {
		const struct config_mcp_server *c = &a->mcp_servers[i];
		if (c->required && strcmp(c->name, server) == 0 &&
		    buf_printf(&a->mcp_required_failed, "%s%s: %s",
			       a->mcp_required_failed.len ? "; " : "", server, error ? error : "") < 0)
			break;
	}
	if (st == MCP_READY && a->mcp_ready)
		cJSON_AddItemToArray(a->mcp_ready, cJSON_CreateString(server));
	if (st == MCP_CANCELLED && a->mcp_cancelled)
		cJSON_AddItemToArray(a->mcp_cancelled, cJSON_CreateString(server));
	if (st == MCP_FAILED && a->mcp_failed && (f = cJSON_CreateObject())) {
		if (!cJSON_AddStringToObject(f, "server", server) ||
		    !cJSON_AddStringToObject(f, "error", error ? error : "") ||
		    !cJSON_AddItemToArray(a->mcp_failed, f))
			cJSON_Delete(f);
	}
	agent_emit(a, AGENT_EV_MCP_STARTUP_UPDATE, m);
}

static void on_started(void *arg)
{
	struct agent *a = arg;
	cJSON *specs = mcp_manager_tool_specs(a->mcp), *t, *m;

	/* The resource tools and then the MCP tools come after the built-in ones, the
	 * latter sorted by name. */
	if (!mcp_resource_specs_add(a->tools))
		agent_emit_text(a, AGENT_EV_WARNING, "message", "out of memory: no MCP resource tools");
	while (specs && (t = cJSON_DetachItemFromArray(specs, 0)))
		if (!cJSON_AddItemToArray(a->tools, t))
			cJSON_Delete(t);
	cJSON_Delete(specs);
	m = cJSON_CreateObject();
	if (m) {
		cJSON_AddItemToObject(m, "ready", a->mcp_ready ? a->mcp_ready : cJSON_CreateArray());
		cJSON_AddItemToObject(m, "failed", a->mcp_failed ? a->mcp_failed : cJSON_CreateArray());
		cJSON_AddItemToObject(m, "cancelled",
				      a->mcp_cancelled ? a->mcp_cancelled : cJSON_CreateArray());
		a->mcp_ready = a->mcp_failed = a->mcp_cancelled = NULL;
		agent_emit(a, AGENT_EV_MCP_STARTUP_COMPLETE, m);
	}
	apps_context_add(a);
	if (a->turn)
		turn_mcp_started(a->turn);
}

/* upstream's app_tool_policy, with the app as toggled in this session when it was. */
static void app_policy(const struct agent *a, const struct mcp_tool *t, bool *on,
		       const char **approval)
{
	const char *v = t->connector_id ? config_map_get(&a->apps_state, t->connector_id) : NULL;

	config_app_tool_policy(a->cfg, t->connector_id, v ? strcmp(v, "true") == 0 : -1, t->name,
			       t->title, t->destructive_set && t->destructive,
			       t->open_world_set && t->open_world, on, approval);
}

static bool app_tool_enabled(void *arg, const struct mcp_tool *t)
{
	const char *approval;
	bool on;

	app_policy(arg, t, &on, &approval);
	return on;
}

static bool is_mcp_spec(const cJSON *t)
{
	const char *name = json_get_str(t, "name");

	return name && strncmp(name, "mcp__", 5) == 0;
}

void agent_apps_changed(struct agent *a, const char *id, bool on)
{
	const char *val = on ? "true" : "false";
	struct config_map *m = &a->apps_state;
	cJSON *specs, *t, *next;
	size_t i;

	for (i = 0; i < m->keys.n && strcmp(m->keys.v[i], id) != 0; i++)
		;
	if (i < m->keys.n) {
		char *v = strdup(val);
		if (!v)
			return;
		free(m->values.v[i]);
		m->values.v[i] = v;
	} else if (config_map_add(m, id, val) < 0) {
		return;
	}
	if (!a->mcp || !mcp_manager_started(a->mcp) || !a->tools)
		return;
	/* The MCP tools are the last of the model's, sorted: put them again. */
	if (!(specs = mcp_manager_tool_specs(a->mcp)))
		return;
	for (t = a->tools->child; t; t = next) {
		next = t->next;
		if (is_mcp_spec(t))
			cJSON_Delete(cJSON_DetachItemViaPointer(a->tools, t));
	}
	while ((t = cJSON_DetachItemFromArray(specs, 0)))
		if (!cJSON_AddItemToArray(a->tools, t))
			cJSON_Delete(t);
	cJSON_Delete(specs);
}

int mcp_session_start(struct agent *a, struct err *e)
{
	struct mcp_manager_opts o;
	char *log_dir = NULL, *log_path = NULL;
	int rc;

	/* The reviewer gathers context with its built-in read-only tools only. */
	if (a->reviewer)
		return 0;
	if (plugins_mcp_servers(a->cfg, &a->plugin_mcp, &a->n_plugin_mcp, e) < 0)
		return -1;
	/* ChatGPT apps: upstream replaces a configured server of the same name. */
	if ((rc = agent_apps_mcp_server(a->cfg, &a->apps_mcp, e)) < 0)
		return -1;
	a->has_apps_mcp = rc == 1;
	a->n_mcp_servers = a->cfg->n_mcp_servers + a->n_plugin_mcp + a->has_apps_mcp;
	if (a->n_mcp_servers == 0)
		return 0;
	if (!(a->mcp_servers = calloc(a->n_mcp_servers, sizeof *a->mcp_servers))) {
		a->n_mcp_servers = 0;
		return err_set(e, "out of memory");
	}
	a->n_mcp_servers = 0;
	for (size_t i = 0; i < a->cfg->n_mcp_servers; i++)
		if (!a->has_apps_mcp || strcmp(a->cfg->mcp_servers[i].name, MCP_CODEX_APPS_SERVER))
			a->mcp_servers[a->n_mcp_servers++] = a->cfg->mcp_servers[i];
	for (size_t i = 0; i < a->n_plugin_mcp; i++)
		if (!a->has_apps_mcp || strcmp(a->plugin_mcp[i].name, MCP_CODEX_APPS_SERVER))
			a->mcp_servers[a->n_mcp_servers++] = a->plugin_mcp[i];
	if (a->has_apps_mcp)
		a->mcp_servers[a->n_mcp_servers++] = a->apps_mcp;
	memset(&o, 0, sizeof o);
	o.loop = a->loop;
	o.servers = a->mcp_servers;
	o.n_servers = a->n_mcp_servers;
	/* Servers' stderr goes here, never to the terminal. */
	log_dir = path_join(a->cfg->codex_home, "log");
	log_path = log_dir ? path_join(log_dir, "codex-mcp.log") : NULL;
	o.log_path = log_path;
	o.client_version = CODEX_VERSION;
	o.codex_home = a->cfg->codex_home;
	o.on_status = on_status;
	o.on_started = on_started;
	o.app_tool_enabled = app_tool_enabled;
	if (a->has_apps_mcp)
		o.apps_bearer = credentials_apps_bearer;
	o.arg = a;
	buf_init(&a->mcp_required_failed, 64u * 1024);
	a->mcp_ready = cJSON_CreateArray();
	a->mcp_failed = cJSON_CreateArray();
	a->mcp_cancelled = cJSON_CreateArray();
	rc = mcp_manager_new(&o, &a->mcp, e);
	free(log_dir);
	free(log_path);
	if (rc == 0 && mcp_manager_servers(a->mcp) == 0) {
		/* Every server is disabled: nothing to wait for. */
		mcp_manager_free(a->mcp);
		a->mcp = NULL;
	}
	return rc;
}

bool mcp_session_started(const struct agent *a)
{
	return !a->mcp || mcp_manager_started(a->mcp);
}

void mcp_session_cancel_startup(struct agent *a)
{
	if (a->mcp)
		mcp_manager_cancel_startup(a->mcp);
}

const char *mcp_session_fatal(const struct agent *a)
{
	return a->mcp_required_failed.len ? a->mcp_required_failed.data : NULL;
}

void mcp_session_free(struct agent *a)
{
	mcp_manager_free(a->mcp);
	a->mcp = NULL;
	cJSON_Delete(a->mcp_ready);
	cJSON_Delete(a->mcp_failed);
	cJSON_Delete(a->mcp_cancelled);
	a->mcp_ready = a->mcp_failed = a->mcp_cancelled = NULL;
	strv_free(&a->mcp_approved);
	buf_free(&a->mcp_required_failed);
	free(a->mcp_servers);
	a->mcp_servers = NULL;
	a->n_mcp_servers = 0;
	for (size_t i = 0; i < a->n_plugin_mcp; i++)
		config_mcp_server_free(&a->plugin_mcp[i]);
	free(a->plugin_mcp);
	a->plugin_mcp = NULL;
	a->n_plugin_mcp = 0;
	if (a->has_apps_mcp)
		config_mcp_server_free(&a->apps_mcp);
	memset(&a->apps_mcp, 0, sizeof a->apps_mcp);
	a->has_apps_mcp = false;
	config_map_free(&a->apps_state);
}

bool tool_is_mcp(const struct agent *a, const char *name)
{
	return a->mcp && strncmp(name, "mcp__", 5) == 0 && mcp_manager_find(a->mcp, name) != NULL;
}

/* ---- one call ---- */

struct mcp_state {
	const struct mcp_tool *tool;
	struct mcp_call *call;
	uint64_t started_ms;
	cJSON *args;                    /* the call's arguments, or NULL */
};

static cJSON *invocation(const struct mcp_state *st)
{
	cJSON *inv = cJSON_CreateObject();

	if (inv && cJSON_AddStringToObject(inv, "server", st->tool->server) &&
	    cJSON_AddStringToObject(inv, "tool", st->tool->name) &&
	    (st->args ? cJSON_AddItemToObject(inv, "arguments", cJSON_Duplicate(st->args, 1))
		      : cJSON_AddNullToObject(inv, "arguments") != NULL))
		return inv;
	cJSON_Delete(inv);
	return NULL;
}

static void emit_begin(struct tool_call *c, struct mcp_state *st)
{
	cJSON *m = cJSON_CreateObject();

	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddItemToObject(m, "invocation", invocation(st)))
		agent_emit(c->turn->a, AGENT_EV_MCP_TOOL_CALL_BEGIN, m);
	else
		cJSON_Delete(m);
}

static void emit_end(struct tool_call *c, struct mcp_state *st, const cJSON *result,
		     const char *error)
{
	uint64_t ms = loop_clock_ms() - st->started_ms;
	cJSON *m = cJSON_CreateObject(), *d, *r;

	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddItemToObject(m, "invocation", invocation(st)) &&
	    (d = cJSON_AddObjectToObject(m, "duration")) &&
	    cJSON_AddNumberToObject(d, "secs", (double)(ms / 1000)) &&
	    cJSON_AddNumberToObject(d, "nanos", (double)((ms % 1000) * 1000000)) &&
	    (r = cJSON_AddObjectToObject(m, "result")) &&
	    (result ? cJSON_AddItemToObject(r, "Ok", cJSON_Duplicate(result, 1))
		    : cJSON_AddStringToObject(r, "Err", error ? error : "") != NULL))
		agent_emit(c->turn->a, AGENT_EV_MCP_TOOL_CALL_END, m);
	else
		cJSON_Delete(m);
}

static void state_free(struct mcp_state *st)
{
	if (!st)
		return;
	mcp_call_cancel(st->call);
	cJSON_Delete(st->args);
	free(st);
}

static void free_state(struct tool_call *c)
{
	state_free(c->state);
	c->state = NULL;
}

/* Ends the call with one text block (refusals, errors). */
static void finish_text(struct tool_call *c, const char *text)
{
	cJSON *o = mcp_error_output(text);
	char *s = o && cJSON_IsString(o) ? strdup(o->valuestring) : NULL;

	cJSON_Delete(o);
	state_free(c->state);
	c->state = NULL;
	tool_call_finish(c, s);
}

static void on_result(void *arg, const cJSON *result, const char *error)
{
	struct tool_call *c = arg;
	struct mcp_state *st = c->state;
	cJSON *out;
	char msg[ERR_MSG_MAX + 64];

	st->call = NULL;
	emit_end(c, st, result, error);
	if (!result) {
		snprintf(msg, sizeof msg, "tool call error: %s", error ? error : "no result");
		finish_text(c, msg);
		return;
	}
	/* A call from js_repl gets the result itself, as upstream's codex.tool does. */
	if (c->on_finish)
		c->mcp_result = cJSON_Duplicate(result, 1);
	out = mcp_result_output(result, true);
	state_free(st);
	c->state = NULL;
	if (out && cJSON_IsString(out)) {
		tool_call_finish(c, strdup(out->valuestring));
		cJSON_Delete(out);
		return;
	}
	/* Content items (images): kept as an array; the text form is for the record. */
	c->output_items = out;
	tool_call_finish(c, out ? json_print(out, false) : NULL);
}

static void cancel_call(struct tool_call *c)
{
	struct mcp_state *st = c->state;

	if (st && st->call)
		emit_end(c, st, NULL, "aborted");
	finish_text(c, "aborted");
}

static void run(struct tool_call *c)
{
	struct mcp_state *st = c->state;
	struct err e;
	char msg[ERR_MSG_MAX + 64];

	err_clear(&e);
	emit_begin(c, st);
	st->started_ms = loop_clock_ms();
	st->call = mcp_manager_call(c->turn->a->mcp, st->tool, st->args, NULL, on_result, c, &e);
	if (!st->call) {
		emit_end(c, st, NULL, e.msg);
		snprintf(msg, sizeof msg, "tool call error: %s", e.msg);
		finish_text(c, msg);
		return;
	}
	c->cancel = cancel_call;
}

/* [mcp_servers.<s>.tools.<t>] approval_mode, or "auto"; for codex_apps, [apps]'s. */
static const char *approval_mode(const struct agent *a, const struct mcp_tool *t)
{
	if (strcmp(t->server, MCP_CODEX_APPS_SERVER) == 0) {
		const char *approval;
		bool on;
		app_policy(a, t, &on, &approval);
		return approval;
	}
	for (size_t i = 0; i < a->n_mcp_servers; i++) {
		const struct config_mcp_server *c = &a->mcp_servers[i];
		const char *m = strcmp(c->name, t->server) == 0
					? config_map_get(&c->tool_approval, t->name) : NULL;
		if (m)
			return m;
	}
	return "auto";
}

/* Whether the call needs the user's yes (codex-mcp.md §6 step 2). */
static bool needs_approval(const struct agent *a, const struct mcp_tool *t)
{
	const char *mode = approval_mode(a, t);

	if (a->approval == APPROVAL_NEVER && a->policy.type == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return false;
	if (strcmp(mode, "prompt") == 0)
		return true;
	if (strcmp(mode, "approve") == 0)
		return false;
	if (t->destructive_set && t->destructive)
		return true;
	if (t->read_only_set && t->read_only)
		return false;
	return !(t->destructive_set && !t->destructive && t->open_world_set && !t->open_world);
}

static void on_decision(struct tool_call *c, enum agent_decision d)
{
	struct mcp_state *st = c->state;
	struct agent *a = c->turn->a;

	switch (d) {
	case AGENT_APPROVED_FOR_SESSION:
		if (strv_pushf(&a->mcp_approved, "%s/%s", st->tool->server, st->tool->name) < 0) {
			/* Not remembered: the next call asks again. */
		}
		run(c);
		return;
	case AGENT_APPROVED:
		run(c);
		return;
	case AGENT_DENIED:
		finish_text(c, "user rejected MCP tool call");
		return;
	case AGENT_ABORT:
		finish_text(c, "user cancelled MCP tool call");
		return;
	}
}

static void cancel_question(struct tool_call *c)
{
	c->on_decision = NULL;
	finish_text(c, "user cancelled MCP tool call");
}

static bool approved_before(struct agent *a, const struct mcp_tool *t)
{
	char key[512];

	snprintf(key, sizeof key, "%s/%s", t->server, t->name);
	return strv_find(&a->mcp_approved, key) >= 0;
}

bool tool_mcp_pending(const struct tool_call *c, const char **server, const char **tool,
		      const char **connector_id)
{
	const struct mcp_state *st = c->state;

	if (c->on_decision != on_decision || !st)
		return false;
	*server = st->tool->server;
	*tool = st->tool->name;
	*connector_id = st->tool->connector_id;
	return true;
}

/* Upstream's McpToolCall approval request, for the automatic reviewer. */
static cJSON *review_action(const struct mcp_state *st)
{
	const struct mcp_tool *t = st->tool;
	cJSON *o = cJSON_CreateObject(), *ann = NULL;
	bool ok = o && cJSON_AddStringToObject(o, "tool", "mcp_tool_call") &&
		  cJSON_AddStringToObject(o, "server", t->server) &&
		  cJSON_AddStringToObject(o, "tool_name", t->name);

	if (ok && st->args)
		ok = cJSON_AddItemToObject(o, "arguments", cJSON_Duplicate(st->args, 1));
	if (ok && t->description)
		ok = cJSON_AddStringToObject(o, "tool_description", t->description) != NULL;
	if (ok && (t->destructive_set || t->open_world_set || t->read_only_set)) {
		ok = (ann = cJSON_AddObjectToObject(o, "annotations")) &&
		     (!t->destructive_set || cJSON_AddBoolToObject(ann, "destructive_hint", t->destructive)) &&
		     (!t->open_world_set || cJSON_AddBoolToObject(ann, "open_world_hint", t->open_world)) &&
		     (!t->read_only_set || cJSON_AddBoolToObject(ann, "read_only_hint", t->read_only));
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void ask(struct tool_call *c, struct mcp_state *st)
{
	struct agent *a = c->turn->a;
	cJSON *m;
	char msg[1024];

	/* With the automatic reviewer on, it answers instead of the user (upstream: a
	 * refusal reads as the user's). */
	if (guardian_routes(a)) {
		guardian_review_call_action(c, review_action(st), NULL, on_decision);
		return;
	}
	m = cJSON_CreateObject();

	snprintf(msg, sizeof msg, "Allow the %s MCP server to run tool \"%s\"?", st->tool->server,
		 st->tool->name);
	cJSON *meta, *persist;
	/* "Allow for this session" and "Always allow" are offered in approval_mode auto
	 * only: "prompt" asks every time (upstream). */
	bool offer = strcmp(approval_mode(a, st->tool), "auto") == 0;

	if (!m || !cJSON_AddStringToObject(m, "server_name", st->tool->server) ||
	    !cJSON_AddStringToObject(m, "id", c->call_id) ||
	    !cJSON_AddStringToObject(m, "message", msg) ||
	    !(meta = cJSON_AddObjectToObject(m, "_meta")) ||
	    !cJSON_AddStringToObject(meta, "codex_approval_kind", "mcp_tool_call") ||
	    (offer && (!(persist = cJSON_AddArrayToObject(meta, "persist")) ||
		       !cJSON_AddItemToArray(persist, cJSON_CreateString("session")) ||
		       !cJSON_AddItemToArray(persist, cJSON_CreateString("always"))))) {
		cJSON_Delete(m);
		finish_text(c, "user cancelled MCP tool call");
		return;
	}
	c->on_decision = on_decision;
	c->cancel = cancel_question;
	agent_emit(a, AGENT_EV_ELICITATION_REQUEST, m);
}

void tool_mcp(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(c->item, "arguments");
	const char *text = cJSON_IsString(raw) ? raw->valuestring : "";
	struct mcp_state *st = calloc(1, sizeof *st);
	struct err e;
	char msg[ERR_MSG_MAX + 16];
	size_t n = strlen(text), i;

	if (!st) {
		tool_call_finish(c, NULL);
		return;
	}
	c->state = st;
	c->free_state = free_state;
	st->tool = mcp_manager_find(a->mcp, c->name);
	/* Empty or blank arguments: none; otherwise a JSON object. */
	for (i = 0; i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r');
	     i++)
		;
	if (i < n) {
		err_clear(&e);
		st->args = n > AGENT_MAX_TOOL_ARGS_BYTES ? NULL : json_parse(text, n, "arguments", &e);
		if (!st->args || !cJSON_IsObject(st->args)) {
			snprintf(msg, sizeof msg, "err: %s",
				 st->args ? "the arguments must be a JSON object"
					  : n > AGENT_MAX_TOOL_ARGS_BYTES ? "the arguments are too long"
									  : e.msg);
			finish_text(c, msg);
			return;
		}
	}
	if (!needs_approval(a, st->tool) || approved_before(a, st->tool)) {
		run(c);
		return;
	}
	/* Nobody can be asked under `never` (codex exec): the call is cancelled, as
	 * upstream's exec ends it. */
	if (a->approval == APPROVAL_NEVER) {
		finish_text(c, "user cancelled MCP tool call");
		return;
	}
	ask(c, st);
}
