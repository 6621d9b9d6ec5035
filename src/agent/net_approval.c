/* Network approvals (reference codex-network-proxy.md §10.2): a sandboxed command's
 * proxy holds a request for a host that is not on the allowlist and asks here, over a
 * socket pair of its own (proxy.h, "Asking a decider"); the agent answers from the
 * session's decisions or asks the front ends with an exec_approval_request (command
 * ["network-access", "PROTO://HOST:PORT"], id network#PROTO#HOST#PORT) and passes their
 * answer on. Requests of any command for the same key share one question.
 *
 * Nothing blocks: each gate (one command's end of the pair) is watched on the loop, its
 * answers are a line each on a socket the proxy drains. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/internal.h"

/* ---- the session's decisions ---- */

int net_key(const char *protocol, const char *host, unsigned port, char *out, size_t cap)
{
	int n = snprintf(out, cap, "network#%s#%s#%u", protocol, host, port);

	if (n < 0 || (size_t)n >= cap)
		return -1;
	/* Host names are matched in lower case (the proxy normalises them already). */
	for (char *p = out + 8 + strlen(protocol) + 1; *p && *p != '#'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

enum net_cached net_cache_get(const struct net_cache *c, const char *key)
{
	if (strv_find(&c->allowed, key) >= 0)
		return NET_ALLOWED;
	if (strv_find(&c->denied, key) >= 0)
		return NET_DENIED;
	return NET_UNKNOWN;
}

int net_cache_put(struct net_cache *c, const char *key, bool allow)
{
	struct strv *to = allow ? &c->allowed : &c->denied, *from = allow ? &c->denied : &c->allowed;
	long i = strv_find(from, key);

	/* The later decision replaces the earlier one. */
	if (i >= 0) {
		free(from->v[i]);
		memmove(from->v + i, from->v + i + 1, (from->n - (size_t)i) * sizeof *from->v);
		from->n--;
	}
	if (strv_find(to, key) >= 0)
		return 0;
	return strv_push(to, key);
}

void net_cache_free(struct net_cache *c)
{
	strv_free(&c->allowed);
	strv_free(&c->denied);
}

/* ---- gates and questions ---- */

struct net_gate {
	struct agent *a;
	int fd;                        /* the agent's end; -1 once the proxy is gone */
	char in[PROXY_ASK_LINE_MAX];
	size_t len;
	struct buf notes;              /* what the model reads about denied requests */
	struct net_gate *next;         /* a->net_gates */
	/* A question's event reaches the front ends from inside on_gate; one that
	 * interrupts the turn there ends the command, whose net_gate_free must then leave
	 * the freeing to on_gate. */
	bool in_callback, doomed;
};

struct net_question {
	char id[PROXY_ASK_LINE_MAX + 16];
	struct proxy_ask_line q;
	struct agent *a;
	struct guardian_review *review; /* the automatic reviewer decides it, or NULL */
	struct net_gate **gates;       /* the commands waiting for the answer */
	size_t n, cap;
	struct net_question *next;     /* a->net_questions */
};

static void gate_close_fd(struct net_gate *g)
{
	if (g->fd < 0)
		return;
	loop_unwatch(g->a->loop, g->fd);
	close(g->fd);
	g->fd = -1;
}

static void note(struct net_gate *g, const char *text)
{
	/* Each message once per command: a tool retrying the same host says it again. */
	if (g->notes.data && strstr(g->notes.data, text))
		return;
	(void)!buf_printf(&g->notes, "%s\n", text);
}

static void reply(struct net_gate *g, const struct proxy_ask_line *q, bool allow, const char *why)
{
	struct proxy_ask_line l = *q;
	struct buf b;
	ssize_t n;

	if (!allow && why)
		note(g, why);
	if (g->fd < 0)
		return;
	l.verb = allow ? PROXY_ASK_ALLOW : PROXY_ASK_DENY;
	buf_init(&b, PROXY_ASK_LINE_MAX);
	if (proxy_ask_format(&l, &b) < 0) {
		buf_free(&b);
		gate_close_fd(g);
		return;
	}
	do
		n = send(g->fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	/* A proxy that does not read its answers gets none: closing denies what it holds. */
	if (n != (ssize_t)b.len)
		gate_close_fd(g);
	buf_free(&b);
}

/* upstream's messages for the model */
static void denied_text(const struct proxy_ask_line *q, char *out, size_t cap)
{
	snprintf(out, cap,
		 "Network access to \"%s\" was blocked: domain is not on the allowlist for the "
		 "current sandbox mode.",
		 q->host);
}

static void policy_text(const struct proxy_ask_line *q, char *out, size_t cap)
{
	snprintf(out, cap, "Network access to \"%s://%s:%u\" was blocked by policy.", q->protocol,
		 q->host, q->port);
}

/* Upstream asks only during a turn, under read-only or workspace-write, and never
 * under approval policy "never". */
static bool may_prompt(const struct agent *a)
{
	return a->approval != APPROVAL_NEVER &&
	       (a->policy.type == SANDBOX_MODE_READ_ONLY ||
		a->policy.type == SANDBOX_MODE_WORKSPACE_WRITE);
}

static bool turn_active(const struct agent *a)
{
	return a->turn && !a->turn->finished && !a->turn->aborting;
}

static void question_free(struct net_question *q)
{
	if (q->review) {
		/* Answered otherwise (the turn ended): the review's verdict is not needed. */
		struct guardian_review *r = q->review;
		q->review = NULL;
		guardian_review_cancel(r, false);
	}
	free(q->gates);
	free(q);
}

static void unlink_question(struct agent *a, struct net_question *q)
{
	for (struct net_question **p = &a->net_questions; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

/* Sends the answer to every command waiting for it and forgets the question. */
static void resolve(struct agent *a, struct net_question *q, bool allow, const char *why)
{
	unlink_question(a, q);
	for (size_t i = 0; i < q->n; i++)
		reply(q->gates[i], &q->q, allow, why);
	question_free(q);
}

static int add_waiter(struct net_question *q, struct net_gate *g)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->gates[i] == g)
			return 0;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 4;
		struct net_gate **v = realloc(q->gates, cap * sizeof *v);
		if (!v)
			return -1;
		q->gates = v;
		q->cap = cap;
	}
	q->gates[q->n++] = g;
	return 0;
}

/* {"host": HOST, "action": "allow"|"deny"}: a network policy amendment. */
static cJSON *amendment(const char *host, const char *action)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "host", host) ||
	    !cJSON_AddStringToObject(o, "action", action)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* What the front ends may answer, as upstream lists them for a network approval: once,
 * for the session, allow or block the host in the future (the amendments it proposes),
 * abort. */
static int add_decisions(cJSON *m, const char *host)
{
	cJSON *props = cJSON_AddArrayToObject(m, "proposed_network_policy_amendments");
	cJSON *ds = cJSON_AddArrayToObject(m, "available_decisions");
	static const char *const actions[] = {"allow", "deny"};

	if (!props || !ds || !cJSON_AddItemToArray(ds, cJSON_CreateString("approved")) ||
	    !cJSON_AddItemToArray(ds, cJSON_CreateString("approved_for_session")))
		return -1;
	for (int i = 0; i < 2; i++) {
		cJSON *d = cJSON_CreateObject(), *inner;
		if (!cJSON_AddItemToArray(props, amendment(host, actions[i])) || !d ||
		    !cJSON_AddItemToArray(ds, d) ||
		    !(inner = cJSON_AddObjectToObject(d, "network_policy_amendment")) ||
		    !cJSON_AddItemToObject(inner, "network_policy_amendment",
					   amendment(host, actions[i])))
			return -1;
	}
	return cJSON_AddItemToArray(ds, cJSON_CreateString("abort")) ? 0 : -1;
}

static cJSON *request_event(const struct agent *a, const struct net_question *q)
{
	cJSON *m = cJSON_CreateObject(), *cmd, *ctx;
	char target[PROXY_ASK_LINE_MAX + 16], reason[PROXY_HOST_MAX + 64];

	snprintf(target, sizeof target, "%s://%s:%u", q->q.protocol, q->q.host, q->q.port);
	snprintf(reason, sizeof reason, "%s is not in the allowed_domains", q->q.host);
	if (!m || !cJSON_AddStringToObject(m, "call_id", q->id) ||
	    !cJSON_AddStringToObject(m, "turn_id", a->turn->id) ||
	    !(cmd = cJSON_AddArrayToObject(m, "command")) ||
	    !cJSON_AddItemToArray(cmd, cJSON_CreateString("network-access")) ||
	    !cJSON_AddItemToArray(cmd, cJSON_CreateString(target)) ||
	    !cJSON_AddStringToObject(m, "cwd", a->cwd) ||
	    !cJSON_AddStringToObject(m, "reason", reason) ||
	    !(ctx = cJSON_AddObjectToObject(m, "network_approval_context")) ||
	    !cJSON_AddStringToObject(ctx, "host", q->q.host) ||
	    !cJSON_AddStringToObject(ctx, "protocol", q->q.protocol) ||
	    add_decisions(m, q->q.host) < 0) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

/* The reviewer's verdict on a question (guardian.c): given as a user's once-only
 * answer would be (a denial is remembered for the session, as upstream's). */
static void reviewed(void *arg, enum agent_decision d)
{
	struct net_question *q = arg;

	q->review = NULL;
	(void)net_approval_decide(q->a, q->id, d == AGENT_APPROVED ? AGENT_APPROVED : AGENT_DENIED);
}

/* Upstream's NetworkAccess approval request. */
static cJSON *review_action(const struct net_question *q)
{
	cJSON *o = cJSON_CreateObject();
	char target[PROXY_ASK_LINE_MAX + 16];

	snprintf(target, sizeof target, "%s://%s:%u", q->q.protocol, q->q.host, q->q.port);
	if (!o || !cJSON_AddStringToObject(o, "tool", "network_access") ||
	    !cJSON_AddStringToObject(o, "target", target) ||
	    !cJSON_AddStringToObject(o, "host", q->q.host) ||
	    !cJSON_AddStringToObject(o, "protocol", q->q.protocol) ||
	    !cJSON_AddNumberToObject(o, "port", q->q.port)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void on_question(struct net_gate *g, const struct proxy_ask_line *l)
{
	struct agent *a = g->a;
	struct net_question *q;
	char key[sizeof q->id], why[PROXY_ASK_LINE_MAX + 128];
	cJSON *m;

	if (net_key(l->protocol, l->host, l->port, key, sizeof key) < 0) {
		reply(g, l, false, NULL);
		return;
	}
	if (!may_prompt(a) || !turn_active(a)) {
		policy_text(l, why, sizeof why);
		reply(g, l, false, why);
		return;
	}
	/* A host ruled on for the future ("allow / block this host in the future") is
	 * answered so at once, whatever its protocol and port. */
	switch (net_rule_get(a, l->host)) {
	case NET_ALLOWED:
		reply(g, l, true, NULL);
		return;
	case NET_DENIED:
		denied_text(l, why, sizeof why);
		reply(g, l, false, why);
		return;
	case NET_UNKNOWN:
		break;
	}
	switch (net_cache_get(&a->net_cache, key)) {
	case NET_ALLOWED:
		reply(g, l, true, NULL);
		return;
	case NET_DENIED:
		denied_text(l, why, sizeof why);
		reply(g, l, false, why);
		return;
	case NET_UNKNOWN:
		break;
	}
	for (q = a->net_questions; q; q = q->next)
		if (strcmp(q->id, key) == 0) {
			if (add_waiter(q, g) < 0)
				reply(g, l, false, NULL);
			return;
		}
	q = calloc(1, sizeof *q);
	if (!q || add_waiter(q, g) < 0) {
		free(q);
		reply(g, l, false, NULL);
		return;
	}
	snprintf(q->id, sizeof q->id, "%s", key);
	q->q = *l;
	q->a = a;
	q->next = a->net_questions;
	a->net_questions = q;
	if (guardian_routes(a)) {
		cJSON *action = review_action(q);
		q->review = action ? guardian_review_start(a, q->id, action, NULL, reviewed, q) : NULL;
		if (!q->review)
			resolve(a, q, false, NULL); /* fail closed */
		return;
	}
	m = request_event(a, q);
	if (!m) {
		resolve(a, q, false, NULL);
		return;
	}
	agent_emit(a, AGENT_EV_EXEC_APPROVAL_REQUEST, m);
}

static void gate_release(struct net_gate *g);

static void read_gate(struct net_gate *g, int fd);

static void on_gate(struct loop *l, int fd, void *arg, unsigned events)
{
	struct net_gate *g = arg;

	(void)l;
	(void)events;
	g->in_callback = true;
	read_gate(g, fd);
	g->in_callback = false;
	if (g->doomed)
		gate_release(g);
}

static void read_gate(struct net_gate *g, int fd)
{
	while (g->fd >= 0) {
		ssize_t n = read(fd, g->in + g->len, sizeof g->in - g->len);
		char *nl;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			gate_close_fd(g); /* the proxy is done */
			return;
		}
		g->len += (size_t)n;
		while (g->fd >= 0 && (nl = memchr(g->in, '\n', g->len))) {
			size_t used = (size_t)(nl - g->in) + 1;
			struct proxy_ask_line q;
			int rc = proxy_ask_parse(g->in, used - 1, &q);
			memmove(g->in, g->in + used, g->len - used);
			g->len -= used;
			if (rc < 0 || q.verb != PROXY_ASK_ASK) {
				gate_close_fd(g); /* not our proxy's protocol: ask nothing */
				return;
			}
			on_question(g, &q);
		}
		if (g->fd >= 0 && g->len == sizeof g->in) {
			gate_close_fd(g);
			return;
		}
	}
}

struct net_gate *net_gate_open(struct agent *a, int *proxy_end)
{
	struct net_gate *g;
	int sv[2];

	*proxy_end = -1;
	if (!may_prompt(a))
		return NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
		free(g);
		return NULL;
	}
	g->a = a;
	g->fd = sv[0];
	buf_init(&g->notes, 64 * 1024);
	if (loop_watch(a->loop, g->fd, LOOP_READ, on_gate, g, NULL) < 0) {
		close(sv[0]);
		close(sv[1]);
		buf_free(&g->notes);
		free(g);
		return NULL;
	}
	g->next = a->net_gates;
	a->net_gates = g;
	*proxy_end = sv[1];
	return g;
}

const char *net_gate_notes(const struct net_gate *g)
{
	return g && g->notes.len ? g->notes.data : "";
}

static void gate_release(struct net_gate *g)
{
	buf_free(&g->notes);
	free(g);
}

void net_gate_free(struct net_gate *g)
{
	struct agent *a;

	if (!g || g->doomed)
		return;
	a = g->a;
	gate_close_fd(g);
	for (struct net_question *q = a->net_questions; q; q = q->next)
		for (size_t i = 0; i < q->n; i++)
			if (q->gates[i] == g) {
				q->gates[i] = q->gates[--q->n];
				break;
			}
	for (struct net_gate **p = &a->net_gates; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	if (g->in_callback) {
		g->doomed = true; /* on_gate frees it once it is out of its loop */
		return;
	}
	gate_release(g);
}

int net_approval_decide(struct agent *a, const char *call_id, enum agent_decision d)
{
	struct net_question *q;
	char why[PROXY_ASK_LINE_MAX + 128];

	for (q = a->net_questions; q; q = q->next)
		if (strcmp(q->id, call_id) == 0)
			break;
	if (!q)
		return -1;
	switch (d) {
	case AGENT_APPROVED_FOR_SESSION:
		(void)net_cache_put(&a->net_cache, q->id, true);
		/* fall through */
	case AGENT_APPROVED:
		resolve(a, q, true, NULL);
		return 0;
	case AGENT_DENIED:
	case AGENT_ABORT:
		/* Upstream remembers a refusal for the session, and a refused request is
		 * only that: the turn goes on and the model reads why. */
		(void)net_cache_put(&a->net_cache, q->id, false);
		denied_text(&q->q, why, sizeof why);
		resolve(a, q, false, why);
		return 0;
	}
	return -1;
}

int net_approval_decide_rule(struct agent *a, const char *call_id, bool allow, struct err *e)
{
	struct net_question *q;
	char why[PROXY_ASK_LINE_MAX + 128];
	struct err pe;

	for (q = a->net_questions; q; q = q->next)
		if (strcmp(q->id, call_id) == 0)
			break;
	if (!q)
		return err_set(e, "no network approval %s is pending", call_id);
	/* The answer stands even when the config cannot be written (upstream warns). */
	if (net_rule_persist(a->cfg->config_path, q->q.host, allow, &pe) < 0) {
		char msg[ERR_MSG_MAX + 64];
		snprintf(msg, sizeof msg, "Failed to apply network policy amendment: %s", pe.msg);
		agent_emit_text(a, AGENT_EV_WARNING, "message", msg);
	}
	if (net_rule_apply(a, q->q.host, allow) < 0)
		(void)net_cache_put(&a->net_cache, q->id, allow); /* this host and port, at least */
	if (allow) {
		resolve(a, q, true, NULL);
	} else {
		denied_text(&q->q, why, sizeof why);
		resolve(a, q, false, why);
	}
	return 0;
}

void net_approval_turn_end(struct agent *a)
{
	char why[PROXY_ASK_LINE_MAX + 128];

	/* Nobody will answer once the turn is over: what is still asked is refused. */
	while (a->net_questions) {
		struct net_question *q = a->net_questions;
		policy_text(&q->q, why, sizeof why);
		resolve(a, q, false, why);
	}
}

void net_approval_free(struct agent *a)
{
	while (a->net_questions) {
		struct net_question *q = a->net_questions;
		a->net_questions = q->next;
		question_free(q);
	}
	/* Gates belong to their commands, which are gone by now; any left are closed. */
	while (a->net_gates)
		net_gate_free(a->net_gates);
	net_cache_free(&a->net_cache);
}
