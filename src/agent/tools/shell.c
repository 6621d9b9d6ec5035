/* The legacy shell tool (argv array, timeout_ms), still executed when a model calls it,
 * and local_shell_call items: run to the end under the sandbox, answered in the
 * "Exit code / Wall time / Output" frame. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/proc.h"
#include "agent/tools/tools.h"
#include "agent/user_shell.h"

#define SHELL_TIMEOUT_DEFAULT_MS 10000
#define SHELL_TIMEOUT_MAX_MS (24 * 3600 * 1000)
/* Output kept for the model and the end event; more is counted, not kept. */
#define SHELL_KEEP_BYTES (1024u * 1024)
#define SHELL_MAX_OUTPUT_TOKENS 10000

struct shell_run {
	struct tool_call *c;
	struct proc *proc;
	struct buf out;
	uint64_t started_ms;
	int64_t timeout_ms;
	bool timed_out, sandboxed;
	struct loop_timer timer;
	char *cwd;
	struct strv argv;
	char *denial;              /* the answer of a denied run, while asking to retry */
	struct net_gate *gate;     /* its proxy's questions about blocked hosts, or NULL */
};

static void run_free(struct shell_run *r)
{
	if (!r)
		return;
	if (r->c)
		loop_timer_disarm(r->c->turn->a->loop, &r->timer);
	proc_free(r->proc);
	net_gate_free(r->gate);
	buf_free(&r->out);
	free(r->cwd);
	strv_free(&r->argv);
	free(r->denial);
	free(r);
}

static void start(struct shell_run *r, bool sandboxed);

struct held {
	struct shell_run *r;
	bool sandboxed;
};

static void resume_held(struct tool_call *c, void *arg)
{
	struct held *h = arg;

	(void)c;
	start(h->r, h->sandboxed);
	free(h);
}

static void drop_held(void *arg)
{
	struct held *h = arg;

	h->r->c = NULL;
	run_free(h->r);
	free(h);
}

static void on_retry_decision(struct tool_call *c, enum agent_decision d)
{
	struct shell_run *r = c->state;
	char *denial = r->denial;

	c->state = NULL;
	r->denial = NULL;
	if (d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION) {
		free(denial);
		if (d == AGENT_APPROVED_FOR_SESSION)
			approval_remember(c->turn->a, r->argv.v);
		buf_reset(&r->out);
		r->timed_out = false;
		start(r, false);
		return;
	}
	r->c = NULL;
	run_free(r);
	tool_call_finish(c, denial);
}

static void on_output(void *arg, enum proc_stream s, const char *d, size_t n)
{
	struct shell_run *r = arg;

	(void)s;
	if (r->out.len < SHELL_KEEP_BYTES)
		(void)!buf_append(&r->out, d, n < SHELL_KEEP_BYTES - r->out.len
						     ? n : SHELL_KEEP_BYTES - r->out.len);
}

static void on_exited(void *arg, const struct sandbox_result *res)
{
	struct shell_run *r = arg;
	struct tool_call *c = r->c;
	struct agent *a = c->turn->a;
	uint64_t ms = loop_now(a->loop) - r->started_ms;
	int code = r->timed_out ? 124 : res->exit_code;
	bool denied;
	struct buf text, body;
	cJSON *m = cJSON_CreateObject();

	loop_timer_disarm(a->loop, &r->timer);
	buf_init(&body, SHELL_KEEP_BYTES + 4096);
	if (r->timed_out)
		(void)!buf_printf(&body, "command timed out after %lld milliseconds\n",
				  (long long)r->timeout_ms);
	(void)!buf_append(&body, r->out.data ? r->out.data : "", r->out.len);
	if (res->outcome != SANDBOX_RAN)
		(void)!buf_printf(&body, "%s\n", res->detail.msg);
	/* Requests its proxy refused after asking: upstream's words for the model. */
	if (*net_gate_notes(r->gate))
		(void)!buf_printf(&body, "%s%s",
				  body.len && body.data[body.len - 1] != '\n' ? "\n" : "",
				  net_gate_notes(r->gate));
	if (m && (!cJSON_AddStringToObject(m, "call_id", c->call_id) ||
		  !cJSON_AddStringToObject(m, "turn_id", c->turn->id))) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit_exec_end(a, m, body.data, code, ms, body.data);
	buf_init(&text, LIMIT_HTTP_BODY_BYTES);
	denied = r->sandboxed && !r->timed_out && res->outcome == SANDBOX_RAN &&
		 approval_looks_denied(code, body.data ? body.data : "", body.len);
	if (output_exec_text(&text, code, ms, body.data ? body.data : "", body.len,
			     SHELL_MAX_OUTPUT_TOKENS) < 0 ||
	    (denied &&
	     buf_printf(&text, "%s%s\n", text.len && text.data[text.len - 1] != '\n' ? "\n" : "",
			sandbox_denied_note(a)) < 0))
		buf_free(&text);
	buf_free(&body);
	c->cancel = NULL;
	c->state = NULL;
	if (denied && text.data && approval_retry_unsandboxed(a)) {
		/* Ask whether to run it again without the sandbox (the front end's answer
		 * comes through on_retry_decision). */
		proc_free(r->proc);
		r->proc = NULL;
		r->denial = buf_take(&text);
		c->state = r;
		approval_ask_retry(c, r->argv.v, r->cwd, on_retry_decision);
		return;
	}
	run_free(r);
	tool_call_finish(c, text.data ? buf_take(&text) : NULL);
}

static void on_timeout(struct loop *l, struct loop_timer *t)
{
	struct shell_run *r = (struct shell_run *)((char *)t - offsetof(struct shell_run, timer));

	(void)l;
	r->timed_out = true;
	proc_kill(r->proc);
}

static void cancel_run(struct tool_call *c)
{
	struct shell_run *r = c->state;

	c->state = NULL;
	c->cancel = NULL;
	loop_timer_disarm(c->turn->a->loop, &r->timer);
	r->c = NULL;
	/* proc_free kills the whole tree at once (no callback follows). */
	run_free(r);
	tool_call_finish(c, strdup("aborted"));
}

static void start(struct shell_run *r, bool sandboxed)
{
	struct tool_call *c = r->c;
	struct agent *a = c->turn->a;
	struct sandbox_policy none;
	struct proc_spec spec;
	struct proc_events ev = {r, on_output, on_exited};
	struct strv env = STRV_INIT;
	cJSON *m, *cmd;
	struct sandbox_proxy proxy = {-1, false, false};
	char **spawn_argv = NULL;
	struct held *h = calloc(1, sizeof *h);
	struct err e;

	if (h) {
		h->r = r;
		h->sandboxed = sandboxed;
		if (shell_snapshot_hold(c, r->argv.v, r->cwd, resume_held, drop_held, h))
			return;
		free(h);
	}
	m = cJSON_CreateObject();
	cmd = cJSON_CreateArray();

	r->sandboxed = sandboxed && a->policy.type != SANDBOX_MODE_DANGER_FULL_ACCESS;
	for (size_t i = 0; cmd && i < r->argv.n; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(r->argv.v[i]));
	if (m && cmd && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", c->turn->id) &&
	    cJSON_AddItemToObject(m, "command", cmd) && (cmd = NULL, 1) &&
	    cJSON_AddStringToObject(m, "cwd", r->cwd) && cJSON_AddArrayToObject(m, "parsed_cmd"))
		agent_emit(a, AGENT_EV_EXEC_COMMAND_BEGIN, m);
	else
		cJSON_Delete(m);
	cJSON_Delete(cmd);
	r->started_ms = loop_now(a->loop);
	memset(&spec, 0, sizeof spec);
	spec.policy = command_policy(a, sandboxed, &none);
	spec.cwd = r->cwd;
	spec.codex_home = a->cfg->codex_home;
	spec.argv = r->argv.v;
	if (command_env(a, &env, &e) == 0 && r->argv.n >= 3 &&
	    (spawn_argv = calloc(r->argv.n + 1, sizeof *spawn_argv)) &&
	    shell_snapshot_apply(a, r->argv.v, r->cwd, &env)) {
		/* As exec_command: "-lc" runs as "-c" from the login shell's snapshot. */
		memcpy(spawn_argv, r->argv.v, (r->argv.n + 1) * sizeof *spawn_argv);
		spawn_argv[1] = "-c";
		spec.argv = spawn_argv;
	}
	if (!env.v || (spec.envp = env.v, 0) ||
	    (net_gate_free(r->gate), r->gate = NULL, false) ||
	    command_net(a, &spec, &proxy, &r->gate, &e) < 0 ||
	    proc_start(a->loop, &spec, &ev, &r->proc, &e) < 0 ||
	    loop_timer_arm(a->loop, &r->timer, loop_now(a->loop) + (uint64_t)r->timeout_ms,
			   on_timeout) < 0) {
		if (!sandboxed)
			sandbox_policy_free(&none);
		strv_free(&env);
		free(spawn_argv);
		command_net_done(&proxy);
		tool_call_finishf(c, "execution error: %s", e.msg[0] ? e.msg : "out of memory");
		run_free(r);
		return;
	}
	if (!sandboxed)
		sandbox_policy_free(&none);
	command_net_done(&proxy);
	strv_free(&env);
	free(spawn_argv);
	c->state = r;
	c->cancel = cancel_run;
}

static void on_decision(struct tool_call *c, enum agent_decision d)
{
	struct shell_run *r = c->state;
	const char *perm = args_str(c->args, "sandbox_permissions");
	bool escalated = perm && strcmp(perm, "require_escalated") == 0;

	c->state = NULL;
	if (d == AGENT_APPROVED_FOR_SESSION)
		approval_remember(c->turn->a, r->argv.v);
	if (d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION) {
		start(r, !escalated);
		return;
	}
	r->c = NULL;
	run_free(r);
	tool_call_fail(c, strdup(approval_denial_text(c, "exec command rejected by user")));
}

void tool_shell(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const cJSON *cmd, *w;
	const char *perm = args_str(c->args, "sandbox_permissions"), *why, *workdir;
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(c->item, "action");
	struct shell_run *r = calloc(1, sizeof *r);
	bool escalated = perm && strcmp(perm, "require_escalated") == 0;
	cJSON *m;

	if (!r) {
		tool_call_finish(c, NULL);
		return;
	}
	r->c = c;
	buf_init(&r->out, SHELL_KEEP_BYTES + 1);
	if (c->kind == TOOL_LOCAL_SHELL) {
		cmd = cJSON_GetObjectItemCaseSensitive(action, "command");
		workdir = args_str(action, "working_directory");
		r->timeout_ms = args_int(action, "timeout_ms", SHELL_TIMEOUT_DEFAULT_MS, 1,
					 SHELL_TIMEOUT_MAX_MS);
	} else {
		cmd = cJSON_GetObjectItemCaseSensitive(c->args, "command");
		workdir = args_str(c->args, "workdir");
		r->timeout_ms = args_int(c->args, "timeout_ms",
					 args_int(c->args, "timeout", SHELL_TIMEOUT_DEFAULT_MS, 1,
						  SHELL_TIMEOUT_MAX_MS),
					 1, SHELL_TIMEOUT_MAX_MS);
	}
	if (cJSON_IsString(cmd) && strcmp(c->name, "shell_command") == 0) {
		/* shell_command: a script for the user's shell. */
		char *sh = user_shell_default(), *argv[USER_SHELL_ARGV_MAX];
		int n = sh ? user_shell_argv(sh, true, cmd->valuestring, argv) : -1;
		free(sh);
		if (n < 0)
			goto oom;
		for (int i = 0; i < n; i++)
			if (strv_take(&r->argv, argv[i]) < 0) {
				while (++i < n)
					free(argv[i]);
				goto oom;
			}
	} else {
		cJSON_ArrayForEach(w, cmd) {
			if (!cJSON_IsString(w)) {
				run_free(r);
				tool_call_finish(c, strdup("failed to parse function arguments: "
							   "`command` must be an array of strings"));
				return;
			}
			if (strv_push(&r->argv, w->valuestring) < 0)
				goto oom;
		}
	}
	if (r->argv.n == 0) {
		run_free(r);
		tool_call_finish(c, strdup("failed to parse function arguments: missing field "
					   "`command`"));
		return;
	}
	if (!(r->cwd = command_workdir(a, workdir)))
		goto oom;
	if (intercept_apply_patch_argv(c, (int)r->argv.n, r->argv.v, r->cwd)) {
		run_free(r);
		return;
	}
	switch (approval_for_command(a, r->argv.v, escalated, &why)) {
	case VERDICT_RUN_SANDBOXED:
		start(r, true);
		return;
	case VERDICT_RUN_UNSANDBOXED:
		start(r, false);
		return;
	case VERDICT_REJECT:
		run_free(r);
		tool_call_fail(c, strdup(why));
		return;
	case VERDICT_ASK:
		break;
	}
	m = cJSON_CreateObject();
	w = cJSON_CreateArray();
	for (size_t i = 0; w && i < r->argv.n; i++)
		cJSON_AddItemToArray((cJSON *)w, cJSON_CreateString(r->argv.v[i]));
	if (!m || !w || !cJSON_AddItemToObject(m, "command", (cJSON *)w) ||
	    !cJSON_AddStringToObject(m, "cwd", r->cwd)) {
		cJSON_Delete(m);
		goto oom;
	}
	c->state = r;
	approval_ask(c, AGENT_EV_EXEC_APPROVAL_REQUEST, m, on_decision);
	return;
oom:
	run_free(r);
	tool_call_finish(c, NULL);
}
