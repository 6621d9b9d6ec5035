/* The approval reviewer's own session (contract in internal.h): a hidden agent on the
 * parent's loop whose turns may call read-only tools before the final answer, kept
 * and reused across reviews as upstream 0.118's guardian review session is. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/json.h"

/* Upstream's words before every review after the first one of a session. */
static const char followup_reminder[] =
	"Use prior reviews as context, not binding precedent. Follow the Workspace Policy. "
	"If the user explicitly approves a previously rejected action after being informed "
	"of the concrete risks, treat the action as authorized and assign low/medium risk.";

struct guardian_session {
	struct agent *agent;            /* the reviewer, owned */
	struct agent *parent;
	char *key;
	bool trunk;                     /* the one kept for the next review */
	bool reviewed;                  /* it answered a review before */
	bool dropped;                   /* freed from the loop (reap) */
	char error[ERR_MSG_MAX];        /* the turn's last error event */
	void (*done)(void *arg, const char *answer, const char *error);
	void *arg;                      /* while a review runs (done set) */
	struct loop_timer reap;
	struct guardian_session *next;  /* the parent's list */
};

static void session_free(struct guardian_session *s)
{
	loop_timer_disarm(s->parent->loop, &s->reap);
	agent_free(s->agent);
	free(s->key);
	free(s);
}

static void on_reap(struct loop *l, struct loop_timer *t)
{
	struct guardian_session *s =
		(struct guardian_session *)((char *)t - offsetof(struct guardian_session, reap));
	struct guardian_session **p;

	(void)l;
	for (p = &s->parent->guardian_sessions; *p && *p != s; p = &(*p)->next)
		;
	if (*p)
		*p = s->next;
	session_free(s);
}

/* Freed from the loop, never from inside its own agent's event. */
static void drop(struct guardian_session *s)
{
	s->trunk = false;
	if (s->dropped)
		return;
	s->dropped = true;
	if (loop_timer_arm(s->parent->loop, &s->reap, 0, on_reap) < 0)
		s->dropped = false; /* memory: it stays listed, unused, until agent_free */
}

static void finish(struct guardian_session *s, const char *answer, const char *error)
{
	void (*done)(void *, const char *, const char *) = s->done;
	void *arg = s->arg;

	s->done = NULL;
	s->arg = NULL;
	if (!s->trunk)
		drop(s);
	done(arg, answer, error);
}

/* The reviewer's events: its front end is this file alone. */
static void on_event(void *arg, const struct agent_event *ev)
{
	struct guardian_session *s = arg;
	const char *text;

	if (!s->done)
		return;
	switch (ev->kind) {
	case AGENT_EV_ERROR:
		text = json_get_str(ev->msg, "message");
		snprintf(s->error, sizeof s->error, "%s", text ? text : "error");
		break;
	case AGENT_EV_TASK_COMPLETE:
		text = json_get_str(ev->msg, "last_agent_message");
		s->reviewed = true;
		if (!text && s->error[0])
			finish(s, NULL, s->error);
		else
			finish(s, text ? text : "", NULL);
		break;
	case AGENT_EV_TURN_ABORTED:
		s->trunk = false; /* its history ends mid-review: not reused */
		finish(s, NULL, "the review was aborted");
		break;
	default:
		break;
	}
}

static struct guardian_session *session_new(struct agent *a, const struct guardian_session_spec *spec,
					    struct err *e)
{
	struct guardian_session *s = calloc(1, sizeof *s);
	struct agent_options o;
	struct agent_overrides ov;
	struct agent_subscriber sub = {.on_event = on_event};

	if (!s || !(s->key = strdup(spec->key))) {
		free(s);
		err_set(e, "out of memory");
		return NULL;
	}
	s->parent = a;
	sub.arg = s;
	memset(&o, 0, sizeof o);
	o.loop = a->loop;
	o.cfg = a->cfg;
	o.cwd = a->cwd;
	o.originator = a->originator;
	o.session_source = a->source;
	o.oss = a->oss;
	o.codex_api_key_env = a->codex_api_key_env;
	o.ephemeral = true; /* never listed as a session of the user's */
	o.self_exe = a->self_exe;
	o.base_instructions = guardian_policy_prompt;
	o.guardian_reviewer = true;
	memset(&ov, 0, sizeof ov);
	ov.approval_policy = -1;
	ov.sandbox_mode = -1;
	ov.model = spec->model;
	ov.reasoning_effort = spec->effort;
	ov.service_tier = a->service_tier ? a->service_tier : "";
	if (agent_new(&o, &sub, &s->agent, e) < 0 || agent_override(s->agent, &ov, e) < 0)
		goto fail;
	if (!spec->effort) {
		free(s->agent->effort);
		s->agent->effort = NULL;
	}
	/* The tools follow the reviewer's model; every answer follows the schema. */
	cJSON_Delete(s->agent->tools);
	cJSON_Delete(s->agent->output_schema);
	s->agent->output_schema = guardian_output_schema();
	if (!(s->agent->tools = tools_spec(s->agent)) || !s->agent->output_schema) {
		err_set(e, "out of memory");
		goto fail;
	}
	return s;
fail:
	agent_free(s->agent);
	free(s->key);
	free(s);
	return NULL;
}

static struct guardian_session *trunk_of(struct agent *a)
{
	for (struct guardian_session *s = a->guardian_sessions; s; s = s->next)
		if (s->trunk)
			return s;
	return NULL;
}

struct guardian_session *guardian_session_start(struct agent *a,
						struct guardian_session_spec *spec,
						struct err *e)
{
	struct guardian_session *s = trunk_of(a);
	cJSON *item = cJSON_DetachItemFromArray(spec->input, 0), *m;
	bool trunk = false;

	cJSON_Delete(spec->input);
	spec->input = NULL;
	if (!item) {
		err_set(e, "out of memory");
		return NULL;
	}
	/* Settings changed: the kept one goes once it is free; a busy one finishes alone. */
	if (s && strcmp(s->key, spec->key) != 0) {
		if (s->done)
			s->trunk = false;
		else
			drop(s);
		s = NULL;
	}
	if (s && s->done)
		s = NULL; /* busy: a one-off one reviews this */
	else if (!s)
		trunk = !trunk_of(a);
	if (!s) {
		if (!(s = session_new(a, spec, e))) {
			cJSON_Delete(item);
			return NULL;
		}
		s->trunk = trunk;
		s->next = a->guardian_sessions;
		a->guardian_sessions = s;
	}
	if (s->reviewed) {
		if (!(m = agent_developer_message(followup_reminder))) {
			cJSON_Delete(item);
			err_set(e, "out of memory");
			return NULL;
		}
		history_add(s->agent, m);
	}
	s->error[0] = '\0';
	s->done = spec->done;
	s->arg = spec->arg;
	if (turn_start(s->agent, item, e) < 0) {
		s->done = NULL;
		s->arg = NULL;
		drop(s);
		return NULL;
	}
	return s;
}

void guardian_session_stop(struct guardian_session *s)
{
	s->done = NULL;
	s->arg = NULL;
	agent_interrupt(s->agent);
	drop(s);
}

void guardian_sessions_free(struct agent *a)
{
	while (a->guardian_sessions) {
		struct guardian_session *s = a->guardian_sessions;
		a->guardian_sessions = s->next;
		session_free(s);
	}
}
