/* Sub-agents (multi_agent): threads a model spawned with spawn_agent. Each is a whole
 * agent of its own on the parent's loop, created from the parent's live settings; the
 * parent owns it until the parent is freed. Its status follows its events the way
 * upstream derives AgentStatus from EventMsg (agent/status.rs): task_started = running,
 * task_complete = completed with the last message, turn_aborted = interrupted, error =
 * errored (kept through the task_complete that follows it), shutdown_complete =
 * shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/json.h"

/* Upstream draws nicknames from a list of scientists' names; we take the first unused one
 * in order, so a session's names are predictable. */
static const char *const nicknames[] = {
	"Euclid", "Archimedes", "Ptolemy", "Hypatia", "Avicenna", "Averroes", "Aquinas",
	"Copernicus", "Kepler", "Galileo", "Bacon", "Descartes", "Pascal", "Fermat",
	"Huygens", "Leibniz", "Newton", "Halley", "Euler", "Lagrange", "Laplace", "Volta",
	"Gauss", "Ampere", "Faraday", "Darwin", "Lovelace", "Boole", "Pasteur", "Maxwell",
	"Mendel", "Curie", "Planck", "Tesla", "Poincare", "Noether", "Hilbert", "Einstein",
	"Turing", "Shannon", "Feynman", "Hopper", "Lamarr", "Franklin", "Mcclintock",
	"Dirac", "Bohr", "Heisenberg", "Pauli", "Fermi", "Gödel", "Ramanujan", "Nash",
	"Lorentz", "Boltzmann", "Herschel", "Linnaeus", "Galois", "Riemann", "Cantor",
	"Kelvin", "Hubble", "Sagan", "Goodall"
};

static const struct agent *root_of(const struct agent *a)
{
	while (a->parent)
		a = a->parent;
	return a;
}

static bool nickname_used(const struct agent *a, const char *name)
{
	for (size_t i = 0; i < a->n_children; i++) {
		const struct agent *c = a->children[i]->agent;
		if ((c->nickname && strcmp(c->nickname, name) == 0) || nickname_used(c, name))
			return true;
	}
	return false;
}

static const char *pick_nickname(const struct agent *a)
{
	const struct agent *root = root_of(a);

	for (size_t i = 0; i < sizeof nicknames / sizeof *nicknames; i++)
		if (!nickname_used(root, nicknames[i]))
			return nicknames[i];
	return NULL; /* more children than names (AGENT_MAX_SUBAGENTS_TOTAL is above) */
}

static size_t count_open(const struct agent *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_children; i++)
		n += !a->children[i]->closed + count_open(a->children[i]->agent);
	return n;
}

size_t subagents_open(const struct agent *a)
{
	return count_open(root_of(a));
}

static size_t count_all(const struct agent *a)
{
	size_t n = a->n_children;

	for (size_t i = 0; i < a->n_children; i++)
		n += count_all(a->children[i]->agent);
	return n;
}

/* The parent hears once of the first final status, as upstream's completion watcher: a
 * user message <subagent_notification> with {"agent_path": id, "status": status}, as
 * input for its running turn's next request, or into its history when it is idle (no
 * turn starts for it). */
static void notify_parent(struct subagent *s)
{
	struct agent *p = s->parent;
	struct turn *t = p->turn;
	cJSON *payload = cJSON_CreateObject(), *item = NULL, *content, *part, *entry;
	char *json = NULL;
	struct buf text;

	buf_init(&text, LIMIT_HTTP_BODY_BYTES);
	if (!payload || !cJSON_AddStringToObject(payload, "agent_path", s->agent->thread_id) ||
	    !cJSON_AddItemToObject(payload, "status", subagent_status_json(s)) ||
	    !(json = cJSON_PrintUnformatted(payload)) ||
	    buf_printf(&text, "<subagent_notification>\n%s\n</subagent_notification>", json) < 0)
		goto out;
	if (!(item = cJSON_CreateObject()) || !cJSON_AddStringToObject(item, "type", "message") ||
	    !cJSON_AddStringToObject(item, "role", "user") ||
	    !(content = cJSON_AddArrayToObject(item, "content")) ||
	    !(part = cJSON_CreateObject()) || !cJSON_AddItemToArray(content, part) ||
	    !cJSON_AddStringToObject(part, "type", "input_text") ||
	    !cJSON_AddStringToObject(part, "text", text.data))
		goto out;
	if (t && !t->aborting && !t->finished && !t->compact &&
	    (t->pending_input || (t->pending_input = cJSON_CreateArray()))) {
		if ((entry = cJSON_CreateObject()) && cJSON_AddItemToObject(entry, "item", item)) {
			item = NULL;
			if (!cJSON_AddItemToArray(t->pending_input, entry))
				cJSON_Delete(entry);
		} else {
			cJSON_Delete(entry);
		}
	} else {
		history_add(p, item);
		item = NULL;
	}
out:
	cJSON_Delete(payload);
	cJSON_Delete(item);
	free(json);
	buf_free(&text);
}

static void set_status(struct subagent *s, enum subagent_status st, const char *text)
{
	char *t = text ? strdup(text) : NULL;

	free(s->text);
	s->text = t;
	s->status = st;
	multi_agent_status_changed(s->parent);
	if (subagent_final(s) && !s->notified) {
		s->notified = true;
		notify_parent(s);
	}
}

/* The sub-agent's own events, first of its subscribers. */
static void on_child_event(void *arg, const struct agent_event *ev)
{
	struct subagent *s = arg;
	const char *text;

	switch (ev->kind) {
	case AGENT_EV_TASK_STARTED:
		set_status(s, SUBAGENT_RUNNING, NULL);
		break;
	case AGENT_EV_TASK_COMPLETE:
		if (s->status == SUBAGENT_ERRORED)
			multi_agent_status_changed(s->parent);
		else
			set_status(s, SUBAGENT_COMPLETED,
				   json_get_str(ev->msg, "last_agent_message"));
		break;
	case AGENT_EV_TURN_ABORTED:
		text = json_get_str(ev->msg, "reason");
		if (text && strcmp(text, "interrupted") != 0)
			set_status(s, SUBAGENT_ERRORED, text);
		else
			set_status(s, SUBAGENT_INTERRUPTED, NULL);
		break;
	case AGENT_EV_ERROR:
		text = json_get_str(ev->msg, "message");
		/* Not yet final: the turn's task_complete follows and makes it so. */
		free(s->text);
		s->text = strdup(text ? text : "error");
		s->status = SUBAGENT_ERRORED;
		break;
	case AGENT_EV_SHUTDOWN_COMPLETE:
		set_status(s, SUBAGENT_SHUTDOWN, NULL);
		break;
	default:
		break;
	}
}

/* The parent's conversation as context for a fork: its messages only, so no call is
 * left without its output. */
static int fork_history(struct agent *child, cJSON *history)
{
	cJSON *it;

	cJSON_ArrayForEach(it, history) {
		const char *type = json_get_str(it, "type"), *role = json_get_str(it, "role");
		cJSON *copy;
		if (!type || strcmp(type, "message") != 0 || !role ||
		    strcmp(role, "developer") == 0)
			continue;
		if (!(copy = cJSON_Duplicate(it, 1)))
			return -1;
		history_add(child, copy);
	}
	return 0;
}

/* What a sub-agent is created with: the parent's settings. */
static void child_options(struct agent *parent, struct agent_options *o)
{
	memset(o, 0, sizeof *o);
	o->loop = parent->loop;
	o->cfg = parent->cfg;
	o->cwd = parent->cwd;
	o->originator = parent->originator;
	o->session_source = parent->source;
	o->oss = parent->oss;
	o->codex_api_key_env = parent->codex_api_key_env;
	o->add_dirs = parent->add_dirs;
	o->ephemeral = parent->ephemeral;
	o->self_exe = parent->self_exe;
	o->base_instructions = parent->instructions;
	o->developer_instructions = parent->developer_instructions;
	o->parent = parent;
}

/* A new agent for a child of parent from o, with the turn's live settings (which may
 * differ from config: /model, /approvals); its struct, not yet listed. */
static struct subagent *child_new(struct agent *parent, const struct agent_options *o,
				  const char *model, const char *effort, struct err *e)
{
	struct agent_overrides ov;
	struct agent_subscriber sub;
	struct subagent *s, **grown;

	grown = realloc(parent->children, (parent->n_children + 1) * sizeof *grown);
	if (grown)
		parent->children = grown;
	if (!grown || !(s = calloc(1, sizeof *s))) {
		err_set(e, "out of memory");
		return NULL;
	}
	s->parent = parent;
	sub.on_event = on_child_event;
	sub.arg = s;
	sub.on_subagent = NULL;
	if (agent_new(o, &sub, &s->agent, e) < 0) {
		free(s);
		return NULL;
	}
	memset(&ov, 0, sizeof ov);
	ov.approval_policy = (int)parent->approval;
	ov.sandbox_mode = (int)parent->policy.type;
	ov.approvals_reviewer = parent->guardian ? AGENT_REVIEWER_GUARDIAN : AGENT_REVIEWER_USER;
	ov.model = model ? model : parent->model;
	ov.reasoning_effort = effort ? effort : model ? NULL : parent->effort;
	ov.service_tier = parent->service_tier ? parent->service_tier : "";
	if (agent_override(s->agent, &ov, e) < 0) {
		agent_free(s->agent);
		free(s);
		return NULL;
	}
	return s;
}

/* Lists s and tells the parent's subscribers. */
static void child_add(struct agent *parent, struct subagent *s)
{
	parent->children[parent->n_children++] = s;
	for (size_t i = 0; i < parent->n_subs; i++)
		if (parent->subs[i].on_subagent)
			parent->subs[i].on_subagent(parent->subs[i].arg, parent, s->agent);
}

int subagent_spawn(struct agent *parent, const char *message, const char *role,
		   const char *model, const char *effort, cJSON *history, struct subagent **out,
		   struct err *e)
{
	const struct config *cfg = parent->cfg;
	/* 0 in config.toml (upstream refuses it) counts as the default */
	const size_t max_threads = cfg->agents.max_threads > 0 ? (size_t)cfg->agents.max_threads
							       : AGENT_MAX_SUBAGENT_THREADS;
	struct agent_options o;
	struct agent_user_input in = {message, NULL, NULL, NULL};
	struct subagent *s = NULL;
	int rc = -1;

	*out = NULL;
	if (subagents_open(parent) >= max_threads) {
		err_set(e, "collab spawn failed: agent thread limit reached (max %zu)",
			max_threads);
		goto out;
	}
	if (count_all(root_of(parent)) >= AGENT_MAX_SUBAGENTS_TOTAL) {
		err_set(e, "collab spawn failed: this session already spawned %d agents",
			AGENT_MAX_SUBAGENTS_TOTAL);
		goto out;
	}
	child_options(parent, &o);
	o.agent_nickname = pick_nickname(parent);
	o.agent_role = role;
	if (!(s = child_new(parent, &o, model, effort, e))) {
		char why[ERR_MSG_MAX];
		snprintf(why, sizeof why, "%s", e->msg);
		err_set(e, "collab spawn failed: %s", why);
		goto out;
	}
	if (history && fork_history(s->agent, history) < 0) {
		err_set(e, "out of memory");
		agent_free(s->agent);
		free(s);
		goto out;
	}
	child_add(parent, s);
	/* A first turn that cannot start leaves the agent errored, still listed. */
	if (agent_submit_turn(s->agent, &in, e) < 0)
		set_status(s, SUBAGENT_ERRORED, e->msg);
	*out = s;
	rc = 0;
out:
	cJSON_Delete(history);
	return rc;
}

int subagent_load(struct agent *parent, const struct subagent_saved *saved,
		  struct subagent **out, struct err *e)
{
	struct agent_options o;
	struct subagent *s;

	*out = NULL;
	if (count_all(root_of(parent)) >= AGENT_MAX_SUBAGENTS_TOTAL)
		return err_set(e, "this session already has %d agents", AGENT_MAX_SUBAGENTS_TOTAL);
	child_options(parent, &o);
	o.resume_path = saved->path;
	o.agent_nickname = saved->nickname;
	o.agent_role = saved->role;
	if (!(s = child_new(parent, &o, NULL, NULL, e)))
		return -1;
	if (saved->text && !(s->text = strdup(saved->text))) {
		agent_free(s->agent);
		free(s);
		return err_set(e, "out of memory");
	}
	s->status = saved->status;
	s->closed = saved->closed;
	s->agent->shut_down = saved->closed;
	/* The parent heard of its end in the session before (its history says so). */
	s->notified = true;
	child_add(parent, s);
	*out = s;
	return 0;
}

struct subagent *subagent_find(const struct agent *a, const char *thread_id)
{
	for (size_t i = 0; i < a->n_children; i++) {
		struct subagent *s = a->children[i], *deeper;
		if (strcmp(s->agent->thread_id, thread_id) == 0)
			return s;
		if ((deeper = subagent_find(s->agent, thread_id)))
			return deeper;
	}
	return NULL;
}

cJSON *subagent_status_json(const struct subagent *s)
{
	cJSON *o;

	switch (s->status) {
	case SUBAGENT_PENDING_INIT:
		return cJSON_CreateString("pending_init");
	case SUBAGENT_RUNNING:
		return cJSON_CreateString("running");
	case SUBAGENT_INTERRUPTED:
		return cJSON_CreateString("interrupted");
	case SUBAGENT_SHUTDOWN:
		return cJSON_CreateString("shutdown");
	case SUBAGENT_COMPLETED:
		o = cJSON_CreateObject();
		if (o && !(s->text ? cJSON_AddStringToObject(o, "completed", s->text)
				   : cJSON_AddNullToObject(o, "completed"))) {
			cJSON_Delete(o);
			o = NULL;
		}
		return o;
	case SUBAGENT_ERRORED:
		o = cJSON_CreateObject();
		if (o && !cJSON_AddStringToObject(o, "errored", s->text ? s->text : "")) {
			cJSON_Delete(o);
			o = NULL;
		}
		return o;
	}
	return NULL;
}

bool subagent_final(const struct subagent *s)
{
	switch (s->status) {
	case SUBAGENT_PENDING_INIT:
	case SUBAGENT_RUNNING:
	case SUBAGENT_INTERRUPTED:
		return false;
	case SUBAGENT_COMPLETED:
	case SUBAGENT_ERRORED:
	case SUBAGENT_SHUTDOWN:
		return true;
	}
	return false;
}

cJSON *subagent_ref_json(const struct subagent *s)
{
	cJSON *o = cJSON_CreateObject();

	if (o && cJSON_AddStringToObject(o, "thread_id", s->agent->thread_id) &&
	    (!s->agent->nickname ||
	     cJSON_AddStringToObject(o, "agent_nickname", s->agent->nickname)) &&
	    (!s->agent->role || cJSON_AddStringToObject(o, "agent_role", s->agent->role)))
		return o;
	cJSON_Delete(o);
	return NULL;
}

void subagent_close(struct subagent *s)
{
	/* Its own sub-agents first, as upstream closes the descendants too. */
	for (size_t i = 0; i < s->agent->n_children; i++)
		if (!s->agent->children[i]->closed)
			subagent_close(s->agent->children[i]);
	if (s->closed)
		return;
	s->closed = true;
	agent_shutdown(s->agent);
}

int subagent_reopen(struct subagent *s, struct err *e)
{
	const struct config *cfg = s->parent->cfg;
	const size_t max_threads = cfg->agents.max_threads > 0 ? (size_t)cfg->agents.max_threads
							       : AGENT_MAX_SUBAGENT_THREADS;

	if (!s->closed)
		return 0;
	if (subagents_open(s->parent) >= max_threads)
		return err_set(e, "agent thread limit reached (max %zu)", max_threads);
	s->closed = false;
	s->agent->shut_down = false;
	s->notified = false; /* upstream watches a resumed agent again */
	free(s->text);
	s->text = NULL;
	s->status = SUBAGENT_PENDING_INIT;
	return 0;
}

void subagents_free(struct agent *a)
{
	for (size_t i = 0; i < a->n_children; i++) {
		agent_free(a->children[i]->agent);
		free(a->children[i]->text);
		free(a->children[i]);
	}
	free(a->children);
	a->children = NULL;
	a->n_children = 0;
}

static size_t list(const struct agent *a, struct agent_thread *out, size_t max, size_t n)
{
	for (size_t i = 0; i < a->n_children; i++) {
		const struct subagent *s = a->children[i];
		if (n < max) {
			out[n].agent = s->agent;
			out[n].thread_id = s->agent->thread_id;
			out[n].nickname = s->agent->nickname;
			out[n].role = s->agent->role;
			out[n].closed = s->closed;
		}
		n = list(s->agent, out, max, n + 1);
	}
	return n;
}

size_t agent_subagents(const struct agent *a, struct agent_thread *out, size_t max)
{
	size_t n = list(a, out, max, 0);
	return n < max ? n : max;
}

const char *agent_nickname(const struct agent *a)
{
	return a->nickname;
}
