/* apply_patch: the patch is parsed and verified here (to report its changes and decide
 * whether it may be applied without asking), then applied under the sandbox by this
 * binary re-executed as `codex apply_patch` with the patch on stdin, as upstream
 * applies it through its own binary. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/proc.h"
#include "agent/tools/tools.h"
#include "patch/patch.h"

struct patch_run {
	struct tool_call *c;
	char *text;
	size_t len;
	char *cwd;
	cJSON *changes;            /* the events' map of changes */
	struct proc *proc;
	struct buf out, err, all;
	uint64_t started_ms;
	bool sandboxed;
	char *denial;              /* the answer of a denied run, while asking to retry */
};

static void run_free(struct patch_run *r)
{
	if (!r)
		return;
	proc_free(r->proc);
	free(r->text);
	free(r->cwd);
	cJSON_Delete(r->changes);
	buf_free(&r->out);
	buf_free(&r->err);
	buf_free(&r->all);
	free(r->denial);
	free(r);
}

static void run(struct patch_run *r, bool sandboxed, bool auto_approved);

static void on_retry_decision(struct tool_call *c, enum agent_decision d)
{
	struct patch_run *r = c->state;
	char *denial = r->denial;

	c->state = NULL;
	r->denial = NULL;
	if (d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION) {
		free(denial);
		buf_reset(&r->out);
		buf_reset(&r->err);
		buf_reset(&r->all);
		run(r, false, false);
		return;
	}
	run_free(r);
	tool_call_finish(c, denial);
}

/* The patch failed the way a sandbox denial looks, under a policy that allows a retry
 * without the sandbox (on-failure, untrusted): the user is asked, as for a command, with
 * an apply_patch_approval_request whose reason is upstream's. */
static bool ask_retry(struct patch_run *r, char *denial)
{
	struct tool_call *c = r->c;
	cJSON *m = cJSON_CreateObject();

	if (!m || !cJSON_AddStringToObject(m, "turn_id", c->turn->id) ||
	    !cJSON_AddItemReferenceToObject(m, "changes", r->changes) ||
	    !cJSON_AddStringToObject(m, "reason", APPROVAL_RETRY_REASON) ||
	    !cJSON_AddNullToObject(m, "grant_root")) {
		cJSON_Delete(m);
		return false;
	}
	proc_free(r->proc);
	r->proc = NULL;
	r->denial = denial;
	c->cancel = NULL;
	c->state = r;
	approval_ask(c, AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST, m, on_retry_decision);
	return true;
}

static char *failure(const char *prefix, const struct patch_error *pe)
{
	struct buf b;

	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	if (buf_puts(&b, prefix) < 0 || patch_error_text(pe, PATCH_ERROR_AGENT, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* {"/abs/path": {"type":"add","content":...}, ...} and the paths touched. */
static cJSON *changes_json(const struct patch_changes *ch, struct strv *paths)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; o && i < ch->n; i++) {
		const struct patch_change *c = &ch->v[i];
		cJSON *v = cJSON_CreateObject();
		bool ok = v && cJSON_AddItemToObject(o, c->path, v) &&
			  strv_push(paths, c->path) == 0 &&
			  (!c->move_path || strv_push(paths, c->move_path) == 0);
		switch (c->kind) {
		case PATCH_CHANGE_ADD:
			ok = ok && cJSON_AddStringToObject(v, "type", "add") &&
			     cJSON_AddStringToObject(v, "content", c->new_content ? c->new_content : "");
			break;
		case PATCH_CHANGE_DELETE:
			ok = ok && cJSON_AddStringToObject(v, "type", "delete") &&
			     cJSON_AddStringToObject(v, "content", c->old_content ? c->old_content : "");
			break;
		case PATCH_CHANGE_UPDATE:
			ok = ok && cJSON_AddStringToObject(v, "type", "update") &&
			     cJSON_AddStringToObject(v, "unified_diff",
						     c->unified_diff ? c->unified_diff : "") &&
			     (c->move_path ? cJSON_AddStringToObject(v, "move_path", c->move_path)
					   : cJSON_AddNullToObject(v, "move_path"));
			break;
		}
		if (!ok) {
			if (v && !cJSON_GetObjectItemCaseSensitive(o, c->path))
				cJSON_Delete(v);
			cJSON_Delete(o);
			return NULL;
		}
	}
	return o;
}

static void on_output(void *arg, enum proc_stream s, const char *d, size_t n)
{
	struct patch_run *r = arg;

	(void)!buf_append(s == PROC_STDERR ? &r->err : &r->out, d, n);
	(void)!buf_append(&r->all, d, n);
}

static void on_exited(void *arg, const struct sandbox_result *res)
{
	struct patch_run *r = arg;
	struct tool_call *c = r->c;
	struct agent *a = c->turn->a;
	uint64_t ms = loop_now(a->loop) - r->started_ms;
	struct buf text;
	cJSON *m = cJSON_CreateObject();
	int code = res->exit_code;
	bool denied;

	if (res->outcome != SANDBOX_RAN)
		(void)!buf_printf(&r->all, "%s\n", res->detail.msg);
	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", c->turn->id) &&
	    cJSON_AddStringToObject(m, "stdout", r->out.data ? r->out.data : "") &&
	    cJSON_AddStringToObject(m, "stderr", r->err.data ? r->err.data : "") &&
	    cJSON_AddBoolToObject(m, "success", res->outcome == SANDBOX_RAN && code == 0) &&
	    cJSON_AddItemReferenceToObject(m, "changes", r->changes))
		agent_emit(a, AGENT_EV_PATCH_APPLY_END, m);
	else
		cJSON_Delete(m);
	turn_diff_emit(c->turn);
	buf_init(&text, LIMIT_HTTP_BODY_BYTES);
	denied = code != 0 && r->sandboxed && res->outcome == SANDBOX_RAN &&
		 approval_looks_denied(code, r->all.data ? r->all.data : "", r->all.len);
	if (output_exec_text(&text, code, ms, r->all.data ? r->all.data : "", r->all.len,
			     10000) < 0 ||
	    (denied && buf_printf(&text, "%s%s\n",
				  text.len && text.data[text.len - 1] != '\n' ? "\n" : "",
				  sandbox_denied_note(a)) < 0))
		buf_free(&text);
	if (denied && text.data && approval_retry_unsandboxed(a)) {
		char *denial = buf_take(&text);
		if (ask_retry(r, denial))
			return;
		text.data = denial; /* asking failed: the denial is the answer */
		text.len = strlen(denial);
	}
	c->cancel = NULL;
	c->state = NULL;
	run_free(r);
	tool_call_finish(c, text.data ? buf_take(&text) : NULL);
}

static void cancel_run(struct tool_call *c)
{
	struct patch_run *r = c->state;

	c->state = NULL;
	c->cancel = NULL;
	/* A patch is short; killing it midway could leave a file half-applied, so it is
	 * left to finish in the background (its end is no longer reported). */
	r->c = NULL;
	tool_call_finish(c, strdup("aborted"));
	proc_kill(r->proc);
}

static void on_exited_detached(void *arg, const struct sandbox_result *res)
{
	struct patch_run *r = arg;

	if (r->c)
		on_exited(arg, res);
	else
		run_free(r);
}

static void run(struct patch_run *r, bool sandboxed, bool auto_approved)
{
	struct tool_call *c = r->c;
	struct agent *a = c->turn->a;
	char *argv[] = {a->self_exe, "apply_patch", NULL};
	struct sandbox_policy none;
	struct proc_spec spec;
	struct proc_events ev = {r, on_output, on_exited_detached};
	struct strv env = STRV_INIT;
	cJSON *m = cJSON_CreateObject();
	struct err e;

	r->sandboxed = sandboxed && a->policy.type != SANDBOX_MODE_DANGER_FULL_ACCESS;
	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", c->turn->id) &&
	    cJSON_AddBoolToObject(m, "auto_approved", auto_approved) &&
	    cJSON_AddItemReferenceToObject(m, "changes", r->changes))
		agent_emit(a, AGENT_EV_PATCH_APPLY_BEGIN, m);
	else
		cJSON_Delete(m);
	r->started_ms = loop_now(a->loop);
	memset(&spec, 0, sizeof spec);
	spec.policy = command_policy(a, sandboxed, &none);
	spec.cwd = r->cwd;
	spec.codex_home = a->cfg->codex_home;
	spec.argv = argv;
	spec.keep_stdin = true;
	if (command_env(a, &env, &e) < 0 || (spec.envp = env.v, 0) ||
	    proc_start(a->loop, &spec, &ev, &r->proc, &e) < 0 ||
	    proc_write(r->proc, r->text, r->len, &e) < 0) {
		if (!sandboxed)
			sandbox_policy_free(&none);
		strv_free(&env);
		run_free(r);
		tool_call_finishf(c, "apply_patch failed: %s", e.msg);
		return;
	}
	if (!sandboxed)
		sandbox_policy_free(&none);
	strv_free(&env);
	proc_close_stdin(r->proc);
	c->state = r;
	c->cancel = cancel_run;
}

static void on_decision(struct tool_call *c, enum agent_decision d)
{
	struct patch_run *r = c->state;

	c->state = NULL;
	if (d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION) {
		/* The user approved these writes (outside the writable roots, perhaps): as
		 * upstream, an approved patch is applied without the sandbox. */
		run(r, false, false);
		return;
	}
	run_free(r);
	tool_call_fail(c, strdup(approval_denial_text(c, "patch rejected by user")));
}

void tool_apply_patch_in(struct tool_call *c, const char *text, size_t len, const char *cwd)
{
	struct agent *a = c->turn->a;
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch_options opts = {patch_eol_mode_from_env()};
	struct patch_changes ch = {0};
	struct strv paths = STRV_INIT;
	struct patch *p = NULL;
	struct patch_run *r = NULL;
	const char *why;
	cJSON *m;

	if (patch_parse(text, len, &p, &pe) < 0 || patch_verify(p, cwd, &opts, &ch, &pe) < 0) {
		tool_call_finish(c, failure("apply_patch verification failed: ", &pe));
		goto out;
	}
	r = calloc(1, sizeof *r);
	if (!r || !(r->text = malloc(len + 1)) || !(r->cwd = strdup(cwd)) ||
	    !(r->changes = changes_json(&ch, &paths))) {
		run_free(r);
		tool_call_finish(c, NULL);
		goto out;
	}
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->len = len;
	r->c = c;
	buf_init(&r->out, LIMIT_HTTP_BODY_BYTES);
	buf_init(&r->err, LIMIT_HTTP_BODY_BYTES);
	buf_init(&r->all, LIMIT_HTTP_BODY_BYTES);
	for (size_t i = 0; i < paths.n; i++)
		turn_diff_track(c->turn, paths.v[i]);
	switch (approval_for_patch(a, &paths, &why)) {
	case VERDICT_RUN_SANDBOXED:
		run(r, true, true);
		goto out;
	case VERDICT_RUN_UNSANDBOXED:
		run(r, false, true);
		goto out;
	case VERDICT_REJECT:
		run_free(r);
		tool_call_fail(c, strdup(why));
		goto out;
	case VERDICT_ASK:
		break;
	}
	m = cJSON_CreateObject();
	if (!m || !cJSON_AddStringToObject(m, "turn_id", c->turn->id) ||
	    !cJSON_AddItemReferenceToObject(m, "changes", r->changes) ||
	    !cJSON_AddNullToObject(m, "reason") || !cJSON_AddNullToObject(m, "grant_root")) {
		cJSON_Delete(m);
		run_free(r);
		tool_call_finish(c, NULL);
		goto out;
	}
	c->state = r;
	approval_ask(c, AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST, m, on_decision);
out:
	strv_free(&paths);
	patch_changes_free(&ch);
	patch_error_free(&pe);
	patch_free(p);
}
