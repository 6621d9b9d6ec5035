/* codex mcp-server: codex as an MCP server on stdin/stdout (reference codex-mcp.md
 * §10). Two tools: `codex` starts a session and runs a turn of its prompt, `codex-reply`
 * continues a session of this process. While a turn runs, every agent event goes to the
 * client as a `codex/event` notification; command and patch approvals go to it as
 * `elicitation/create` requests whose answer is {"decision": ...}. One JSON message a
 * line; the agent, the servers' pipes and stdin are events of one loop. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/loop.h"
#include "cli/cli.h"
#include "config/config.h"
#include "mcp/mcp.h"

/* Sessions one server process keeps (each holds a conversation in memory). */
#define MAX_SESSIONS 64
/* Approval questions waiting for the client. */
#define MAX_QUESTIONS 64

const struct cli_flag cli_mcp_server_flags[] = {
	CLI_CONFIG_FLAGS,
	{"--help", "-h", CLI_VALUE_NONE, NULL, "Print help"},
	{NULL, NULL, CLI_VALUE_NONE, NULL, NULL},
};

static const char codex_tool_json[] =
	"{\"name\":\"codex\",\"title\":\"Codex\",\"description\":\"Run a Codex session. Accepts "
	"configuration parameters matching the Codex Config struct.\",\"inputSchema\":{"
	"\"type\":\"object\",\"properties\":{"
	"\"approval-policy\":{\"type\":\"string\",\"enum\":[\"untrusted\",\"on-failure\","
	"\"on-request\",\"never\"],\"description\":\"Approval policy for shell commands generated "
	"by the model: `untrusted`, `on-failure`, `on-request`, `never`.\"},"
	"\"base-instructions\":{\"type\":\"string\",\"description\":\"The set of instructions to use "
	"instead of the default ones.\"},"
	"\"compact-prompt\":{\"type\":\"string\",\"description\":\"Prompt used when compacting the "
	"conversation.\"},"
	"\"config\":{\"type\":\"object\",\"additionalProperties\":true,\"description\":\"Individual "
	"config settings that will override what is in CODEX_HOME/config.toml.\"},"
	"\"cwd\":{\"type\":\"string\",\"description\":\"Working directory for the session. If "
	"relative, it is resolved against the server process's current working directory.\"},"
	"\"developer-instructions\":{\"type\":\"string\",\"description\":\"Developer instructions "
	"that should be injected as a developer role message.\"},"
	"\"model\":{\"type\":\"string\",\"description\":\"Optional override for the model name "
	"(e.g. 'gpt-5.2', 'gpt-5.2-codex').\"},"
	"\"profile\":{\"type\":\"string\",\"description\":\"Configuration profile from config.toml "
	"to specify default options.\"},"
	"\"prompt\":{\"type\":\"string\",\"description\":\"The *initial user prompt* to start the "
	"Codex conversation.\"},"
	"\"sandbox\":{\"type\":\"string\",\"enum\":[\"read-only\",\"workspace-write\","
	"\"danger-full-access\"],\"description\":\"Sandbox mode: `read-only`, `workspace-write`, or "
	"`danger-full-access`.\"}},"
	"\"required\":[\"prompt\"]},"
	"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"threadId\":{\"type\":\"string\"},"
	"\"content\":{\"type\":\"string\"}},\"required\":[\"threadId\",\"content\"]}}";

static const char reply_tool_json[] =
	"{\"name\":\"codex-reply\",\"title\":\"Codex Reply\",\"description\":\"Continue a Codex "
	"conversation by providing the thread id and prompt.\",\"inputSchema\":{\"type\":\"object\","
	"\"properties\":{\"conversationId\":{\"type\":\"string\",\"description\":\"DEPRECATED: use "
	"threadId instead.\"},\"prompt\":{\"type\":\"string\",\"description\":\"The *next user "
	"prompt* to continue the Codex conversation.\"},\"threadId\":{\"type\":\"string\","
	"\"description\":\"The thread id for this Codex session.\"}},\"required\":[\"prompt\"]},"
	"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"threadId\":{\"type\":\"string\"},"
	"\"content\":{\"type\":\"string\"}},\"required\":[\"threadId\",\"content\"]}}";

struct server;

struct session {
	struct server *srv;
	struct agent *agent;
	struct config *cfg;
	char thread_id[64];
	cJSON *request_id;        /* the tools/call being answered, or NULL when idle */
	char *error;              /* the turn's error message */
};

struct question {
	int64_t id;               /* our request id */
	struct session *s;
	char *call_id;
};

struct server {
	struct cli_ctx *ctx;
	struct loop *loop;
	struct mcp_lines in;
	bool initialized, eof;
	char cwd[4096];
	struct session *sessions[MAX_SESSIONS];
	size_t n_sessions;
	struct question questions[MAX_QUESTIONS];
	size_t n_questions;
	int64_t next_id;
};

/* ---- output ---- */

static void send_line(const char *text)
{
	if (!text)
		return;
	/* A client that went away ends the process at the next read of stdin. */
	if (fd_write_all(STDOUT_FILENO, text, strlen(text)) < 0 ||
	    fd_write_all(STDOUT_FILENO, "\n", 1) < 0)
		return;
}

static void send_result(const cJSON *id, cJSON *result)
{
	char *t = result ? mcp_result_text(id, result) : NULL;

	send_line(t);
	free(t);
	cJSON_Delete(result);
}

static void send_error(const cJSON *id, int64_t code, const char *msg)
{
	char *t = mcp_error_text(id, code, msg);

	send_line(t);
	free(t);
}

static cJSON *text_result(const char *text, bool is_error, const char *thread_id)
{
	cJSON *r = cJSON_CreateObject(), *content, *block, *sc;

	if (!r || !(content = cJSON_AddArrayToObject(r, "content")) ||
	    !(block = cJSON_CreateObject()) || !cJSON_AddItemToArray(content, block) ||
	    !cJSON_AddStringToObject(block, "type", "text") ||
	    !cJSON_AddStringToObject(block, "text", text)) {
		cJSON_Delete(r);
		return NULL;
	}
	if (is_error) {
		cJSON_AddTrueToObject(r, "isError");
	} else if (thread_id && (sc = cJSON_AddObjectToObject(r, "structuredContent"))) {
		cJSON_AddStringToObject(sc, "threadId", thread_id);
		cJSON_AddStringToObject(sc, "content", text);
	}
	return r;
}

/* ---- sessions and their events ---- */

static void session_free(struct session *s)
{
	if (!s)
		return;
	agent_free(s->agent);
	config_free(s->cfg);
	cJSON_Delete(s->request_id);
	free(s->error);
	free(s);
}

static void ask(struct session *s, const struct agent_event *ev, bool patch)
{
	struct server *srv = s->srv;
	const cJSON *m = ev->msg;
	const char *call_id = json_get_str(m, "call_id"), *reason = json_get_str(m, "reason");
	cJSON *p = cJSON_CreateObject(), *cmd;
	struct buf msg;
	char *text;

	if (!call_id || !p || srv->n_questions == MAX_QUESTIONS) {
		cJSON_Delete(p);
		if (call_id)
			agent_decide(s->agent, call_id, AGENT_DENIED, &(struct err){{0}});
		return;
	}
	buf_init(&msg, 1u << 20);
	if (patch) {
		if (buf_printf(&msg, "%s%sAllow Codex to apply proposed code changes?",
			       reason ? reason : "", reason ? "\n" : "") < 0)
			buf_free(&msg);
	} else {
		const cJSON *c, *argv = cJSON_GetObjectItemCaseSensitive(m, "command");
		struct buf line;
		buf_init(&line, 1u << 20);
		cJSON_ArrayForEach(c, argv)
			if (cJSON_IsString(c) &&
			    buf_printf(&line, "%s%s", line.len ? " " : "", c->valuestring) < 0)
				break;
		if (buf_printf(&msg, "Allow Codex to run `%s` in `%s`?", line.data ? line.data : "",
			       json_get_str(m, "cwd") ? json_get_str(m, "cwd") : "") < 0)
			buf_free(&msg);
		buf_free(&line);
	}
	cJSON_AddStringToObject(p, "message", msg.data ? msg.data : "");
	buf_free(&msg);
	cJSON_AddItemToObject(p, "requestedSchema", cJSON_Parse("{\"type\":\"object\",\"properties\":{}}"));
	cJSON_AddStringToObject(p, "threadId", s->thread_id);
	cJSON_AddStringToObject(p, "codex_elicitation", patch ? "patch-approval" : "exec-approval");
	if (s->request_id) {
		char *rid = cJSON_IsString(s->request_id) ? strdup(s->request_id->valuestring)
							   : json_print(s->request_id, false);
		cJSON_AddStringToObject(p, "codex_mcp_tool_call_id", rid ? rid : "");
		free(rid);
	}
	cJSON_AddStringToObject(p, "codex_event_id", ev->id ? ev->id : "");
	cJSON_AddStringToObject(p, "codex_call_id", call_id);
	if (patch) {
		if (reason)
			cJSON_AddStringToObject(p, "codex_reason", reason);
		cJSON_AddItemToObject(p, "codex_changes",
				      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(m, "changes"), 1));
	} else if ((cmd = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(m, "command"), 1))) {
		cJSON_AddItemToObject(p, "codex_command", cmd);
		cJSON_AddStringToObject(p, "codex_cwd", json_get_str(m, "cwd") ? json_get_str(m, "cwd") : "");
	}
	srv->questions[srv->n_questions].id = srv->next_id;
	srv->questions[srv->n_questions].s = s;
	srv->questions[srv->n_questions].call_id = strdup(call_id);
	srv->n_questions++;
	text = mcp_request_text(srv->next_id++, "elicitation/create", p);
	send_line(text);
	free(text);
	cJSON_Delete(p);
}

static void turn_over(struct session *s, const cJSON *m, bool aborted)
{
	const char *last = json_get_str(m, "last_agent_message");
	cJSON *id = s->request_id;

	s->request_id = NULL;
	if (!id)
		return;
	if (aborted)
		send_result(id, text_result("turn interrupted", true, NULL));
	else if (s->error && !last)
		send_result(id, text_result(s->error, true, NULL));
	else
		send_result(id, text_result(last ? last : "", false, s->thread_id));
	cJSON_Delete(id);
	free(s->error);
	s->error = NULL;
}

static void on_event(void *arg, const struct agent_event *ev)
{
	struct session *s = arg;
	cJSON *p = cJSON_CreateObject(), *meta;
	const char *sid;
	char *text;

	if (ev->kind == AGENT_EV_SESSION_CONFIGURED && (sid = json_get_str(ev->msg, "session_id")))
		snprintf(s->thread_id, sizeof s->thread_id, "%s", sid);
	/* Every event goes out as a notification while a call is being answered. */
	if (p && s->request_id && (meta = cJSON_AddObjectToObject(p, "_meta"))) {
		cJSON_AddItemToObject(meta, "requestId", cJSON_Duplicate(s->request_id, 1));
		cJSON_AddStringToObject(meta, "threadId", s->thread_id);
		cJSON_AddStringToObject(p, "id", ev->id ? ev->id : "");
		cJSON_AddItemToObject(p, "msg", cJSON_Duplicate(ev->msg, 1));
		text = mcp_notification_text("codex/event", p);
		send_line(text);
		free(text);
	}
	cJSON_Delete(p);
	switch (ev->kind) {
	case AGENT_EV_EXEC_APPROVAL_REQUEST:
		ask(s, ev, false);
		break;
	case AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST:
		ask(s, ev, true);
		break;
	case AGENT_EV_ELICITATION_REQUEST:
		/* MCP tool approvals inside the session are not forwarded (as upstream). */
		if (json_get_str(ev->msg, "id"))
			agent_decide(s->agent, json_get_str(ev->msg, "id"), AGENT_DENIED,
				     &(struct err){{0}});
		break;
	case AGENT_EV_ERROR:
		free(s->error);
		s->error = json_get_str(ev->msg, "message") ? strdup(json_get_str(ev->msg, "message"))
							  : NULL;
		break;
	case AGENT_EV_TASK_COMPLETE:
		turn_over(s, ev->msg, false);
		break;
	case AGENT_EV_TURN_ABORTED:
		turn_over(s, ev->msg, true);
		break;
	default:
		break;
	}
}

/* ---- the codex tool ---- */

/* A JSON value as TOML (for `config` entries: dotted key = value). */
static int toml_of(struct buf *b, const cJSON *v, int depth)
{
	const cJSON *x;

	if (depth > 32)
		return -1;
	if (cJSON_IsString(v))
		return config_edit_quote(b, v->valuestring);
	if (cJSON_IsBool(v))
		return buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d))
			return -1;
		if (d == floor(d) && fabs(d) < 9e15)
			return buf_printf(b, "%lld", (long long)d);
		return buf_printf(b, "%.17g", d);
	}
	if (cJSON_IsArray(v)) {
		if (buf_putc(b, '[') < 0)
			return -1;
		cJSON_ArrayForEach(x, v)
			if ((x != v->child && buf_puts(b, ", ") < 0) || toml_of(b, x, depth + 1) < 0)
				return -1;
		return buf_putc(b, ']');
	}
	if (cJSON_IsObject(v)) {
		if (buf_putc(b, '{') < 0)
			return -1;
		cJSON_ArrayForEach(x, v)
			if ((x != v->child && buf_puts(b, ", ") < 0) || config_edit_quote(b, x->string) < 0 ||
			    buf_puts(b, " = ") < 0 || toml_of(b, x, depth + 1) < 0)
				return -1;
		return buf_putc(b, '}');
	}
	return -1;
}

static int push_override(struct strv *o, const char *key, const cJSON *v)
{
	struct buf b;
	int rc;

	buf_init(&b, LIMIT_CONFIG_FILE_BYTES);
	rc = buf_printf(&b, "%s=", key) == 0 && toml_of(&b, v, 0) == 0 ? strv_push(o, b.data) : -1;
	buf_free(&b);
	return rc;
}

static struct session *find_session(struct server *srv, const char *id)
{
	for (size_t i = 0; id && i < srv->n_sessions; i++)
		if (strcmp(srv->sessions[i]->thread_id, id) == 0)
			return srv->sessions[i];
	return NULL;
}

static void run_prompt(struct session *s, const cJSON *id, const char *prompt)
{
	struct agent_user_input in = {prompt, NULL, NULL, NULL};
	struct err e;

	err_clear(&e);
	s->request_id = cJSON_Duplicate(id, 1);
	if (agent_submit_turn(s->agent, &in, &e) < 0) {
		cJSON_Delete(s->request_id);
		s->request_id = NULL;
		send_result(id, text_result(e.msg, true, NULL));
	}
}

static void tool_codex(struct server *srv, const cJSON *id, const cJSON *args)
{
	const char *prompt = json_get_str(args, "prompt"), *v;
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(args, "config"), *x;
	struct strv overrides = STRV_INIT;
	struct config_load_opts lo;
	struct agent_options ao;
	struct agent_subscriber sub;
	struct session *s = NULL;
	struct err e;
	char cwd[4096], msg[ERR_MSG_MAX + 128];

	err_clear(&e);
	if (!prompt) {
		send_result(id, text_result("Missing arguments for codex tool-call; the `prompt` field "
					    "is required.", true, NULL));
		return;
	}
	if (srv->n_sessions == MAX_SESSIONS) {
		send_result(id, text_result("Failed to start Codex session: too many sessions", true,
					    NULL));
		return;
	}
	/* The session's config: config.toml plus this call's settings (the server's own
	 * -c flags do not reach it, as upstream). */
	cJSON_ArrayForEach(x, config)
		if (push_override(&overrides, x->string, x) < 0) {
			snprintf(msg, sizeof msg, "Failed to parse configuration for Codex tool: "
						  "cannot use config.%s", x->string);
			send_result(id, text_result(msg, true, NULL));
			goto out;
		}
	if (((v = json_get_str(args, "model")) && strv_pushf(&overrides, "model=\"%s\"", v) < 0) ||
	    ((v = json_get_str(args, "approval-policy")) &&
	     strv_pushf(&overrides, "approval_policy=\"%s\"", v) < 0) ||
	    ((v = json_get_str(args, "sandbox")) && strv_pushf(&overrides, "sandbox_mode=\"%s\"", v) < 0))
		goto oom;
	s = calloc(1, sizeof *s);
	if (!s)
		goto oom;
	s->srv = srv;
	memset(&lo, 0, sizeof lo);
	lo.overrides = &overrides;
	lo.profile = json_get_str(args, "profile");
	if (config_load(&lo, &s->cfg, &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to load Codex configuration from overrides: %s", e.msg);
		send_result(id, text_result(msg, true, NULL));
		goto out;
	}
	v = json_get_str(args, "cwd");
	if ((size_t)snprintf(cwd, sizeof cwd, "%s%s%s", v && *v == '/' ? "" : srv->cwd,
			     v && *v != '/' ? "/" : "", v ? v : "") >= sizeof cwd) {
		send_result(id, text_result("Failed to start Codex session: cwd is too long", true,
					    NULL));
		goto out;
	}
	memset(&ao, 0, sizeof ao);
	ao.loop = srv->loop;
	ao.cfg = s->cfg;
	ao.cwd = cwd;
	ao.originator = "codex_mcp_server";
	ao.base_instructions = json_get_str(args, "base-instructions");
	ao.developer_instructions = json_get_str(args, "developer-instructions");
	ao.session_source = "mcp";
	sub.on_event = on_event;
	sub.arg = s;
	/* session_configured comes from inside agent_new: it is sent with the call. */
	s->request_id = cJSON_Duplicate(id, 1);
	if (agent_new(&ao, &sub, &s->agent, &e) < 0) {
		snprintf(msg, sizeof msg, "Failed to start Codex session: %s", e.msg);
		send_result(id, text_result(msg, true, NULL));
		goto out;
	}
	cJSON_Delete(s->request_id);
	s->request_id = NULL;
	srv->sessions[srv->n_sessions++] = s;
	run_prompt(s, id, prompt);
	s = NULL;
	goto out;
oom:
	send_result(id, text_result("out of memory", true, NULL));
out:
	session_free(s);
	strv_free(&overrides);
}

static void tool_reply(struct server *srv, const cJSON *id, const cJSON *args)
{
	const char *tid = json_get_str(args, "threadId"), *prompt = json_get_str(args, "prompt");
	struct session *s;
	char msg[256];

	if (!tid)
		tid = json_get_str(args, "conversationId");
	if (!prompt || !tid) {
		send_result(id, text_result("Missing arguments for codex-reply tool-call; the `threadId` "
					    "and `prompt` fields are required.", true, NULL));
		return;
	}
	if (!(s = find_session(srv, tid))) {
		snprintf(msg, sizeof msg, "Session not found for thread_id: %.100s", tid);
		send_result(id, text_result(msg, true, NULL));
		return;
	}
	if (s->request_id || agent_busy(s->agent)) {
		send_result(id, text_result("a turn is already running in this session", true, NULL));
		return;
	}
	run_prompt(s, id, prompt);
}

/* ---- requests and answers from the client ---- */

static void on_initialize(struct server *srv, const struct mcp_msg *m)
{
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(m->params, "clientInfo");
	const char *pv = json_get_str(m->params, "protocolVersion");
	cJSON *r, *caps, *tools, *si;
	char ua[512];

	if (srv->initialized) {
		send_error(m->id, -32600, "initialize called more than once");
		return;
	}
	srv->initialized = true;
	snprintf(ua, sizeof ua, "codex_cli_rs/%s (codex in C) (%.100s; %.50s)", CODEX_VERSION,
		 json_get_str(info, "name") ? json_get_str(info, "name") : "unknown",
		 json_get_str(info, "version") ? json_get_str(info, "version") : "unknown");
	r = cJSON_CreateObject();
	if (r && cJSON_AddStringToObject(r, "protocolVersion", pv ? pv : MCP_PROTOCOL_VERSION) &&
	    (caps = cJSON_AddObjectToObject(r, "capabilities")) &&
	    (tools = cJSON_AddObjectToObject(caps, "tools")) &&
	    cJSON_AddTrueToObject(tools, "listChanged") &&
	    (si = cJSON_AddObjectToObject(r, "serverInfo")) &&
	    cJSON_AddStringToObject(si, "name", "codex-mcp-server") &&
	    cJSON_AddStringToObject(si, "title", "Codex") &&
	    cJSON_AddStringToObject(si, "version", CODEX_VERSION))
		cJSON_AddStringToObject(si, "user_agent", ua);
	send_result(m->id, r);
}

static void on_tools_call(struct server *srv, const struct mcp_msg *m)
{
	const char *name = json_get_str(m->params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(m->params, "arguments");
	char msg[256];

	if (name && strcmp(name, "codex") == 0) {
		tool_codex(srv, m->id, args);
	} else if (name && strcmp(name, "codex-reply") == 0) {
		tool_reply(srv, m->id, args);
	} else {
		snprintf(msg, sizeof msg, "Unknown tool '%.100s'", name ? name : "");
		send_result(m->id, text_result(msg, true, NULL));
	}
}

static void on_request(struct server *srv, const struct mcp_msg *m)
{
	const char *me = m->method;
	char msg[256];
	cJSON *r;

	if (strcmp(me, "initialize") == 0) {
		on_initialize(srv, m);
	} else if (strcmp(me, "ping") == 0) {
		send_result(m->id, cJSON_CreateObject());
	} else if (strcmp(me, "tools/list") == 0) {
		r = cJSON_CreateObject();
		cJSON *tools = r ? cJSON_AddArrayToObject(r, "tools") : NULL;
		if (tools) {
			cJSON_AddItemToArray(tools, cJSON_Parse(codex_tool_json));
			cJSON_AddItemToArray(tools, cJSON_Parse(reply_tool_json));
		}
		send_result(m->id, r);
	} else if (strcmp(me, "tools/call") == 0) {
		on_tools_call(srv, m);
	} else if (strncmp(me, "prompts/", 8) == 0 || strncmp(me, "resources/", 10) == 0 ||
		   strcmp(me, "logging/setLevel") == 0 || strcmp(me, "completion/complete") == 0) {
		/* Upstream logs these and never answers them. */
	} else {
		snprintf(msg, sizeof msg, "method not found: %.200s", me);
		send_error(m->id, -32601, msg);
	}
}

static enum agent_decision decision_of(const cJSON *result)
{
	const char *d = json_get_str(result, "decision");

	if (d && strcmp(d, "approved") == 0)
		return AGENT_APPROVED;
	if (d && strcmp(d, "approved_for_session") == 0)
		return AGENT_APPROVED_FOR_SESSION;
	if (d && strcmp(d, "abort") == 0)
		return AGENT_ABORT;
	return AGENT_DENIED; /* "denied", an amendment we do not know, or nonsense */
}

static void on_answer(struct server *srv, const struct mcp_msg *m)
{
	int64_t id = cJSON_IsNumber(m->id) ? (int64_t)m->id->valuedouble : -1;

	for (size_t i = 0; i < srv->n_questions; i++) {
		struct question q = srv->questions[i];
		if (q.id != id)
			continue;
		memmove(&srv->questions[i], &srv->questions[i + 1],
			(srv->n_questions - i - 1) * sizeof q);
		srv->n_questions--;
		agent_decide(q.s->agent, q.call_id,
			     m->kind == MCP_MSG_RESULT ? decision_of(m->result) : AGENT_DENIED,
			     &(struct err){{0}});
		free(q.call_id);
		return;
	}
}

static void on_cancelled(struct server *srv, const cJSON *params)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");

	for (size_t i = 0; rid && i < srv->n_sessions; i++) {
		struct session *s = srv->sessions[i];
		if (s->request_id && cJSON_Compare(s->request_id, rid, true))
			agent_interrupt(s->agent);
	}
}

static void on_line(void *arg, const char *line, size_t len)
{
	struct server *srv = arg;
	struct mcp_msg m;
	struct err e;

	if (mcp_msg_decode(line, len, &m, &e) < 0) {
		send_error(NULL, -32700, e.msg);
		return;
	}
	switch (m.kind) {
	case MCP_MSG_REQUEST:
		on_request(srv, &m);
		break;
	case MCP_MSG_NOTIFICATION:
		if (strcmp(m.method, "notifications/cancelled") == 0)
			on_cancelled(srv, m.params);
		break;
	case MCP_MSG_RESULT:
	case MCP_MSG_ERROR:
		on_answer(srv, &m);
		break;
	}
	mcp_msg_free(&m);
}

static void on_stdin(struct loop *l, int fd, void *arg, unsigned events)
{
	struct server *srv = arg;
	char chunk[65536];
	struct err e;
	ssize_t n;

	(void)events;
	n = read(fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		srv->eof = true;
		loop_unwatch(l, fd);
		return;
	}
	if (mcp_lines_push(&srv->in, chunk, (size_t)n, on_line, srv, &e) < 0) {
		send_error(NULL, -32700, e.msg);
		srv->eof = true;
		loop_unwatch(l, fd);
	}
}

static void usage(const char *prog)
{
	printf("Run codex as an MCP server on stdin/stdout (JSON-RPC, one message a line).\n\n"
	       "Usage: %s mcp-server [-c key=value]... [-p PROFILE]\n\n"
	       "Tools: `codex` (start a session with a prompt) and `codex-reply` (continue one).\n"
	       "Each session reads config.toml plus the call's own `config` argument.\n", prog);
}

int cli_mcp_server_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct server srv;
	struct err e;
	int rc = EXIT_OK;

	memset(&srv, 0, sizeof srv);
	srv.ctx = ctx;
	for (int i = 1; i < argc; i++) {
		int r;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(ctx->prog);
			return EXIT_OK;
		}
		r = cli_take_config_option(ctx, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0) {
			i--;
			continue;
		}
		return cli_usage_error(ctx->prog, "unexpected argument '%s'", argv[i]);
	}
	err_clear(&e);
	signal(SIGPIPE, SIG_IGN);
	if (!getcwd(srv.cwd, sizeof srv.cwd) || loop_new(&srv.loop, &e) < 0) {
		if (!e.msg[0])
			err_sys(&e, errno, "cannot read the working directory");
		err_print(ctx->prog, &e);
		return EXIT_FAILURE_GENERIC;
	}
	mcp_lines_init(&srv.in, MCP_MAX_MESSAGE_BYTES);
	if (loop_watch(srv.loop, STDIN_FILENO, LOOP_READ, on_stdin, &srv, &e) < 0) {
		err_print(ctx->prog, &e);
		rc = EXIT_FAILURE_GENERIC;
		goto out;
	}
	/* Until the client closes stdin; turns still running then are abandoned. */
	while (!srv.eof)
		if (loop_run_once(srv.loop, -1, &e) < 0) {
			err_print(ctx->prog, &e);
			rc = EXIT_FAILURE_GENERIC;
			break;
		}
out:
	for (size_t i = 0; i < srv.n_sessions; i++)
		session_free(srv.sessions[i]);
	for (size_t i = 0; i < srv.n_questions; i++)
		free(srv.questions[i].call_id);
	mcp_lines_free(&srv.in);
	loop_free(srv.loop);
	return rc;
}
