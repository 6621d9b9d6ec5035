/* The automatic approval reviewer (approvals_reviewer = "guardian_subagent", upstream
 * 0.118's Guardian Approvals; contract in internal.h): one turn of the reviewer's own
 * session per approval (guardian_session.c), and its verdict in place of the user's. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/json.h"

struct guardian_review {
	struct agent *a;
	char *id;                       /* the approval's call id */
	char turn_id[24];
	cJSON *summary;                 /* the action as the events show it */
	struct guardian_session *session; /* while its turn runs */
	char fail[ERR_MSG_MAX + 64];    /* why it failed before it could start, or "" */
	struct loop_timer timer;        /* the deadline, or the start failure's report */
	bool concluding, cancelled;
	void (*done)(void *arg, enum agent_decision d);
	void *arg;
};

bool guardian_routes(const struct agent *a)
{
	return a->guardian && a->approval == APPROVAL_ON_REQUEST;
}

/* ---- the action ---- */

/* Every string of v cut to GUARDIAN_ACTION_STRING_BYTES, as upstream bounds what the
 * reviewer reads of a command or a patch. false: memory. */
static bool cut_strings(cJSON *v)
{
	cJSON *it;

	if (cJSON_IsString(v) && strlen(v->valuestring) > GUARDIAN_ACTION_STRING_BYTES) {
		char *cut = guardian_truncate(v->valuestring, strlen(v->valuestring),
					      GUARDIAN_ACTION_STRING_BYTES);
		if (!cut)
			return false;
		free(v->valuestring);
		v->valuestring = cut;
		return true;
	}
	cJSON_ArrayForEach(it, v)
		if (!cut_strings(it))
			return false;
	return true;
}

/* The compact form of the action the events carry (upstream's
 * guardian_assessment_action_value): a command as one shell-quoted string, no patch
 * text, no justification. */
static cJSON *action_summary(const cJSON *action)
{
	static const char *const keep[] = {"tool", "cwd", "files", "change_count", "target",
					   "host", "protocol", "port", "server", "tool_name",
					   NULL};
	cJSON *o = cJSON_CreateObject();
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(action, "command");

	if (!o)
		return NULL;
	if (cJSON_IsArray(cmd)) {
		struct strv argv = STRV_INIT;
		const cJSON *w;
		char *joined = NULL;
		bool ok = true;
		cJSON_ArrayForEach(w, cmd)
			ok = ok && cJSON_IsString(w) && strv_push(&argv, w->valuestring) == 0;
		if (ok)
			joined = output_shell_join(argv.v ? argv.v : (char *[]){NULL});
		strv_free(&argv);
		if (!joined || !cJSON_AddStringToObject(o, "command", joined)) {
			free(joined);
			cJSON_Delete(o);
			return NULL;
		}
		free(joined);
	}
	for (size_t i = 0; keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(action, keep[i]);
		cJSON *copy = v ? cJSON_Duplicate(v, 1) : NULL;
		if (v && (!copy || !cJSON_AddItemToObject(o, keep[i], copy))) {
			cJSON_Delete(copy);
			cJSON_Delete(o);
			return NULL;
		}
	}
	/* Upstream's order has "command" after "tool"; readers look fields up by name. */
	return o;
}

/* ---- events ---- */

static void emit_assessment(struct guardian_review *r, const char *status,
			    const struct guardian_assessment *g)
{
	cJSON *m = cJSON_CreateObject(), *act = r->summary ? cJSON_Duplicate(r->summary, 1) : NULL;

	if (!m || !act || !cJSON_AddStringToObject(m, "id", r->id) ||
	    !cJSON_AddStringToObject(m, "turn_id", r->turn_id) ||
	    !cJSON_AddStringToObject(m, "status", status) ||
	    !(g ? cJSON_AddNumberToObject(m, "risk_score", g->score)
		: cJSON_AddNullToObject(m, "risk_score")) ||
	    !(g ? cJSON_AddStringToObject(m, "risk_level", guardian_risk_str(g->level))
		: cJSON_AddNullToObject(m, "risk_level")) ||
	    !(g ? cJSON_AddStringToObject(m, "rationale", g->rationale)
		: cJSON_AddNullToObject(m, "rationale")) ||
	    !cJSON_AddItemToObject(m, "action", act)) {
		cJSON_Delete(act);
		cJSON_Delete(m);
		return;
	}
	agent_emit(r->a, AGENT_EV_GUARDIAN_ASSESSMENT, m);
}

static void review_free(struct guardian_review *r)
{
	if (r->session)
		guardian_session_stop(r->session);
	loop_timer_disarm(r->a->loop, &r->timer);
	cJSON_Delete(r->summary);
	free(r->id);
	free(r);
}

/* The verdict: a warning with the rationale, the final assessment, then done. */
static void conclude(struct guardian_review *r, const struct guardian_assessment *g)
{
	bool ok = guardian_approves(g);
	void (*done)(void *, enum agent_decision) = r->done;
	void *arg = r->arg;
	char msg[GUARDIAN_MAX_RATIONALE_BYTES + 128];

	if (r->session) {
		guardian_session_stop(r->session);
		r->session = NULL;
	}
	loop_timer_disarm(r->a->loop, &r->timer);
	/* A subscriber may interrupt the turn from inside these events: the cancel that
	 * follows then only marks the review (freed below, done not called). */
	r->concluding = true;
	snprintf(msg, sizeof msg, "Automatic approval review %s (risk: %s): %s",
		 ok ? "approved" : "denied", guardian_risk_str(g->level), g->rationale);
	agent_emit_text(r->a, AGENT_EV_WARNING, "message", msg);
	emit_assessment(r, ok ? "approved" : "denied", g);
	if (r->cancelled) {
		review_free(r);
		return;
	}
	review_free(r);
	done(arg, ok ? AGENT_APPROVED : AGENT_DENIED);
}

/* Every failure is a high-risk denial (fail closed), as upstream's. */
static void conclude_failed(struct guardian_review *r, const char *fmt, const char *why)
{
	struct guardian_assessment g = {.level = GUARDIAN_RISK_HIGH, .score = 100};

	snprintf(g.rationale, sizeof g.rationale, fmt, why);
	conclude(r, &g);
}

/* ---- the request ---- */

/* The reviewer's final message, or why its turn ended without one. */
static void on_answer(void *arg, const char *answer, const char *error)
{
	struct guardian_review *r = arg;
	struct guardian_assessment g;
	struct err e;

	r->session = NULL;
	if (!answer) {
		conclude_failed(r, "Automatic approval review failed: %s", error);
		return;
	}
	err_clear(&e);
	if (strlen(answer) > GUARDIAN_MAX_ANSWER_BYTES ||
	    guardian_parse_assessment(answer, strlen(answer), &g, &e) < 0) {
		conclude_failed(r, "Automatic approval review failed: %s",
				e.msg[0] ? e.msg : "guardian assessment was not valid JSON");
		return;
	}
	conclude(r, &g);
}

static void on_timer(struct loop *l, struct loop_timer *t)
{
	struct guardian_review *r =
		(struct guardian_review *)((char *)t - offsetof(struct guardian_review, timer));

	(void)l;
	if (r->fail[0]) {
		conclude_failed(r, "Automatic approval review failed: %s", r->fail);
		return;
	}
	conclude_failed(r, "%s", "Automatic approval review timed out while evaluating the "
				 "requested approval.");
}

/* Upstream reviews with GUARDIAN_PREFERRED_MODEL when its offline catalog lists it (the
 * bundled list unless a served one is cached, and the served one lists it too), at low
 * effort when the model offers low, else at its default. We read the built-in list.
 * effort gets "" when the model names none. */
static bool preferred_model(char *effort, size_t n)
{
	struct model_catalog cat;
	struct err e;
	bool found = false;

	if (model_catalog_builtin(&cat, &e) < 0)
		return false; /* memory: the session's model stands in */
	for (size_t i = 0; i < cat.n && !found; i++) {
		const struct model_preset *m = &cat.v[i];
		if (strcmp(m->slug, GUARDIAN_PREFERRED_MODEL) != 0)
			continue;
		found = true;
		snprintf(effort, n, "%s", m->default_effort ? m->default_effort : "");
		for (size_t j = 0; j < m->n_efforts; j++)
			if (strcmp(m->efforts[j].effort, "low") == 0)
				snprintf(effort, n, "low");
	}
	model_catalog_free(&cat);
	return found;
}

/* The reviewer's model and effort, and the key of the settings that shape its
 * session (upstream's reuse key: model, effort, summary, tier, cwd, provider). */
static struct guardian_session *start_session(struct guardian_review *r, const cJSON *action,
					      const char *retry_reason, struct err *e)
{
	struct agent *a = r->a;
	struct guardian_session_spec spec;
	struct guardian_session *s = NULL;
	const struct model_family *family;
	char effort[32];
	struct buf key;

	memset(&spec, 0, sizeof spec);
	buf_init(&key, LIMIT_HTTP_BODY_BYTES);
	if (preferred_model(effort, sizeof effort)) {
		spec.model = GUARDIAN_PREFERRED_MODEL;
		spec.effort = effort[0] ? effort : NULL;
	} else {
		spec.model = a->model;
		family = model_family_find(a->model);
		spec.effort = family->supports_reasoning ? "low" : NULL;
	}
	if (!(spec.input = guardian_prompt_input(a, action, retry_reason)) ||
	    buf_printf(&key, "%s\n%s\n%s\n%s\n%s\n%s", spec.model,
		       spec.effort ? spec.effort : "", a->summary ? a->summary : "",
		       a->service_tier ? a->service_tier : "", a->cwd, a->provider.id) < 0) {
		cJSON_Delete(spec.input);
		buf_free(&key);
		err_set(e, "out of memory");
		return NULL;
	}
	spec.key = key.data;
	spec.done = on_answer;
	spec.arg = r;
	s = guardian_session_start(a, &spec, e);
	buf_free(&key);
	return s;
}

struct guardian_review *guardian_review_start(struct agent *a, const char *id, cJSON *action,
					      const char *retry_reason,
					      void (*done)(void *arg, enum agent_decision d),
					      void *arg)
{
	struct guardian_review *r = calloc(1, sizeof *r);
	struct err e;

	if (!r || !action || !(r->id = strdup(id)) || !cut_strings(action) ||
	    !(r->summary = action_summary(action))) {
		if (r) {
			cJSON_Delete(r->summary);
			free(r->id);
		}
		free(r);
		cJSON_Delete(action);
		return NULL;
	}
	r->a = a;
	r->done = done;
	r->arg = arg;
	snprintf(r->turn_id, sizeof r->turn_id, "%s", a->turn ? a->turn->id : "");
	emit_assessment(r, "in_progress", NULL);
	err_clear(&e);
	r->session = start_session(r, action, retry_reason, &e);
	cJSON_Delete(action);
	if (!r->session) {
		/* Reported from the loop, so the caller has its handle first. */
		snprintf(r->fail, sizeof r->fail, "%s",
			 e.msg[0] ? e.msg : "cannot start the review request");
		if (loop_timer_arm(a->loop, &r->timer, 0, on_timer) < 0) {
			review_free(r);
			return NULL;
		}
		return r;
	}
	if (loop_timer_arm(a->loop, &r->timer,
			   loop_clock_ms() + (a->guardian_timeout_ms ? a->guardian_timeout_ms
								   : GUARDIAN_TIMEOUT_MS),
			   on_timer) < 0) {
		review_free(r);
		return NULL;
	}
	return r;
}

void guardian_review_cancel(struct guardian_review *r, bool tell)
{
	if (!r)
		return;
	if (r->concluding) {
		r->cancelled = true;
		return;
	}
	if (r->session) {
		guardian_session_stop(r->session);
		r->session = NULL;
	}
	if (tell)
		emit_assessment(r, "aborted", NULL);
	review_free(r);
}

/* ---- a tool call's approval ---- */

static void call_reviewed(void *arg, enum agent_decision d)
{
	struct tool_call *c = arg;
	void (*k)(struct tool_call *, enum agent_decision) = c->after_review;

	c->review = NULL;
	c->after_review = NULL;
	c->cancel = NULL;
	if (d != AGENT_APPROVED && d != AGENT_APPROVED_FOR_SESSION)
		c->guardian_denied = true;
	if (k)
		k(c, d == AGENT_ABORT ? AGENT_DENIED : d);
}

static void call_cancel(struct tool_call *c)
{
	struct guardian_review *r = c->review;
	void (*k)(struct tool_call *, enum agent_decision) = c->after_review;

	c->review = NULL;
	c->after_review = NULL;
	c->cancel = NULL;
	guardian_review_cancel(r, true);
	if (k)
		k(c, AGENT_ABORT);
}

static cJSON *str_array(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, 1) : cJSON_CreateArray();
}

/* The planned action as upstream serialises its GuardianApprovalRequest. */
static cJSON *call_action(const struct tool_call *c, enum agent_event_kind kind, const cJSON *msg)
{
	const struct agent *a = c->turn->a;
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	if (kind == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST) {
		const cJSON *changes = cJSON_GetObjectItemCaseSensitive(msg, "changes"), *ch;
		const char *patch = c->input ? c->input : json_get_str(c->args, "input");
		cJSON *files = cJSON_CreateArray();
		int n = 0;
		cJSON_ArrayForEach(ch, changes) {
			ok = ok && files && ch->string &&
			     cJSON_AddItemToArray(files, cJSON_CreateString(ch->string));
			n++;
		}
		ok = ok && files && cJSON_AddStringToObject(o, "tool", "apply_patch") &&
		     cJSON_AddStringToObject(o, "cwd", a->cwd) &&
		     cJSON_AddItemToObject(o, "files", files) && (files = NULL, true) &&
		     cJSON_AddNumberToObject(o, "change_count", n) &&
		     (!patch || cJSON_AddStringToObject(o, "patch", patch));
		cJSON_Delete(files);
	} else {
		const char *perm = json_get_str(c->args, "sandbox_permissions");
		const char *just = json_get_str(c->args, "justification");
		const char *cwd = json_get_str(msg, "cwd");
		bool exec = strcmp(c->name, "exec_command") == 0;
		cJSON *cmd = str_array(cJSON_GetObjectItemCaseSensitive(msg, "command"));
		ok = ok && cmd && cJSON_AddStringToObject(o, "tool", exec ? "exec_command" : "shell") &&
		     cJSON_AddItemToObject(o, "command", cmd) && (cmd = NULL, true) &&
		     cJSON_AddStringToObject(o, "cwd", cwd ? cwd : a->cwd) &&
		     cJSON_AddStringToObject(o, "sandbox_permissions", perm ? perm : "use_default") &&
		     (!just || cJSON_AddStringToObject(o, "justification", just)) &&
		     (!exec || cJSON_AddBoolToObject(o, "tty",
						     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
							     c->args, "tty"))));
		cJSON_Delete(cmd);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

void guardian_review_call_action(struct tool_call *c, cJSON *action, const char *retry_reason,
				 void (*on_decision)(struct tool_call *c, enum agent_decision d))
{
	c->on_decision = NULL;
	c->after_review = on_decision;
	c->cancel = call_cancel;
	c->review = action ? guardian_review_start(c->turn->a, c->call_id, action, retry_reason,
						   call_reviewed, c)
			   : NULL;
	if (!c->review) {
		/* The review could not even start: refused, as every failure is. */
		c->after_review = NULL;
		c->cancel = NULL;
		c->guardian_denied = true;
		on_decision(c, AGENT_DENIED);
	}
}

void guardian_review_call(struct tool_call *c, enum agent_event_kind kind, cJSON *msg,
			  void (*on_decision)(struct tool_call *c, enum agent_decision d))
{
	const char *reason = json_get_str(msg, "reason");
	/* Only a retry's reason goes to the reviewer: otherwise it is the model's own
	 * justification, already in the action. */
	bool retry = reason && strcmp(reason, APPROVAL_RETRY_REASON) == 0;

	guardian_review_call_action(c, call_action(c, kind, msg), retry ? APPROVAL_RETRY_REASON : NULL,
				    on_decision);
	cJSON_Delete(msg);
}
