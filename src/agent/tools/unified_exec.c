/* exec_command and write_stdin: commands that may outlive the call that started them.
 * exec_command starts one and waits until it exits or yield_time_ms passes; a command
 * still running then becomes a session the model polls and writes to with
 * write_stdin. Each answer carries the output printed since the previous one, in
 * upstream's frame (Chunk ID, Wall time, exit or session line, Original token count).
 * exec_command_begin/end events bracket the process's whole life. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "agent/internal.h"
#include "base/base64.h"
#include "agent/proc.h"
#include "agent/tools/tools.h"
#include "agent/user_shell.h"
#include "base/file.h"
#include "patch/patch.h"

/* Sessions kept at once; the oldest is ended to make room (as upstream prunes). */
#define UEXEC_MAX_SESSIONS 64
/* Output kept per session between two answers, and for exec_command_end: the first
 * and the last half of this, the middle dropped (as upstream's head/tail buffer). */
#define UEXEC_KEEP_BYTES (1024u * 1024)
/* yield_time_ms bounds, and the defaults of the two tools. */
#define YIELD_MIN_MS 250
#define YIELD_MAX_MS 30000
#define EXEC_YIELD_DEFAULT_MS 10000
#define WRITE_YIELD_DEFAULT_MS 250
#define DEFAULT_MAX_OUTPUT_TOKENS 10000
/* exec_command_output_delta events per command (upstream's cap); later chunks still
 * reach the model and the end event. */
#define MAX_DELTA_EVENTS 10000

/* Bytes with the middle dropped once they pass a cap. */
struct headtail {
	struct buf head, tail;
	uint64_t total;
};

static void ht_init(struct headtail *h)
{
	buf_init(&h->head, UEXEC_KEEP_BYTES / 2);
	buf_init(&h->tail, UEXEC_KEEP_BYTES / 2 + 65536 + 1);
	h->total = 0;
}

static void ht_free(struct headtail *h)
{
	buf_free(&h->head);
	buf_free(&h->tail);
	h->total = 0;
}

static void ht_append(struct headtail *h, const char *d, size_t n)
{
	size_t room;

	h->total += n;
	room = h->head.max - h->head.len;
	if (room) {
		size_t k = n < room ? n : room;
		(void)!buf_append(&h->head, d, k); /* within the cap: only memory can fail */
		d += k;
		n -= k;
	}
	while (n) {
		size_t k = n < 65536 ? n : 65536;
		if (h->tail.len + k > UEXEC_KEEP_BYTES / 2)
			buf_consume(&h->tail, h->tail.len + k - UEXEC_KEEP_BYTES / 2 > h->tail.len
						      ? h->tail.len
						      : h->tail.len + k - UEXEC_KEEP_BYTES / 2);
		(void)!buf_append(&h->tail, d, k);
		d += k;
		n -= k;
	}
}

/* head + tail as one text (the dropped middle is simply absent; the model's copy is
 * cut further by the token budget). */
static int ht_text(const struct headtail *h, struct buf *out)
{
	return buf_append(out, h->head.data ? h->head.data : "", h->head.len) < 0 ||
			       buf_append(out, h->tail.data ? h->tail.data : "", h->tail.len) < 0
		       ? -1 : 0;
}

struct session {
	struct uexec *u;
	int id;                    /* 0 until it becomes a session the model can address */
	struct proc *proc;
	char *call_id;             /* the exec_command call (its events) */
	char *turn_id;
	char *display;             /* "/bin/bash -lc '...'" */
	struct strv argv;          /* the same as given, for agent_terminals */
	bool stopped;              /* by agent_stop_terminals: no longer addressable */
	bool sandboxed;
	uint64_t started_ms;
	struct headtail pending;   /* printed since the last answer */
	struct headtail all;       /* for exec_command_end */
	unsigned deltas;
	bool exited;
	struct sandbox_result result;
	/* The call waiting for this session's output, and how it wants its answer. */
	struct tool_call *waiter;
	bool waiter_is_exec;
	int64_t waiter_max_tokens;
	uint64_t waiter_started_ms;
	struct loop_timer yield;
	/* The request, kept when a denial may be retried without the sandbox
	 * (approval_retry_unsandboxed). */
	struct exec_req *retry;
	struct net_gate *gate;     /* its proxy's questions about blocked hosts, or NULL */
};

static void req_free(struct exec_req *r);
static void retry_after_denial(struct session *s, struct tool_call *c, char *denial);

struct uexec {
	struct agent *a;
	int next_id;
	struct session *v[UEXEC_MAX_SESSIONS];
	size_t n;
};

int uexec_new(struct agent *a, struct uexec **out, struct err *e)
{
	struct uexec *u = calloc(1, sizeof *u);

	if (!u)
		return err_set(e, "out of memory");
	u->a = a;
	u->next_id = 1000;
	*out = u;
	return 0;
}

static void session_free(struct session *s)
{
	if (!s)
		return;
	loop_timer_disarm(s->u->a->loop, &s->yield);
	proc_free(s->proc);
	net_gate_free(s->gate);
	free(s->call_id);
	free(s->turn_id);
	free(s->display);
	strv_free(&s->argv);
	ht_free(&s->pending);
	ht_free(&s->all);
	if (s->retry)
		req_free(s->retry);
	free(s);
}

static void forget(struct session *s)
{
	struct uexec *u = s->u;

	for (size_t i = 0; i < u->n; i++)
		if (u->v[i] == s) {
			memmove(&u->v[i], &u->v[i + 1], (u->n - i - 1) * sizeof u->v[0]);
			u->n--;
			return;
		}
}

void uexec_kill_all(struct uexec *u)
{
	for (size_t i = 0; u && i < u->n; i++)
		if (u->v[i]->proc && !u->v[i]->exited)
			proc_kill(u->v[i]->proc);
}

void uexec_free(struct uexec *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++)
		session_free(u->v[i]);
	free(u);
}

/* A session the model can still reach and that still runs. */
static bool in_background(const struct session *s)
{
	return s->id != 0 && !s->exited && !s->stopped;
}

size_t agent_terminals(const struct agent *a, struct agent_terminal *out, size_t max)
{
	const struct uexec *u = a->uexec;
	size_t n = 0;

	for (size_t i = 0; u && i < u->n && n < max; i++)
		if (in_background(u->v[i]) && u->v[i]->argv.v) {
			out[n].id = u->v[i]->id;
			out[n].argv = u->v[i]->argv.v;
			n++;
		}
	return n;
}

size_t agent_stop_terminals(struct agent *a)
{
	struct uexec *u = a->uexec;
	size_t n = 0;

	/* The kill is asynchronous: on_exited frees each one (or answers the write_stdin
	 * waiting on it first); until then `stopped` hides it from find() and the list. */
	for (size_t i = 0; u && i < u->n; i++)
		if (in_background(u->v[i])) {
			u->v[i]->stopped = true;
			proc_kill(u->v[i]->proc);
			n++;
		}
	return n;
}

static struct session *find(struct uexec *u, int id)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i]->id == id && !u->v[i]->stopped)
			return u->v[i];
	return NULL;
}

/* Session IDs count up from 1000 (upstream's look random; nothing depends on that, and
 * predictable ones make sessions easy to script in tests). */
static int new_session_id(struct uexec *u)
{
	while (find(u, u->next_id))
		u->next_id++;
	return u->next_id++;
}

/* ---- events ---- */

static cJSON *argv_json(char *const *argv)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && argv[i]; i++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(argv[i]))) {
			cJSON_Delete(arr);
			return NULL;
		}
	return arr;
}

static void emit_begin(struct session *s, char *const *argv, const char *cwd)
{
	cJSON *m = cJSON_CreateObject();

	if (m && cJSON_AddStringToObject(m, "call_id", s->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", s->turn_id) &&
	    cJSON_AddItemToObject(m, "command", argv_json(argv)) &&
	    cJSON_AddStringToObject(m, "cwd", cwd) &&
	    cJSON_AddArrayToObject(m, "parsed_cmd") &&
	    cJSON_AddStringToObject(m, "source", "unified_exec_startup"))
		agent_emit(s->u->a, AGENT_EV_EXEC_COMMAND_BEGIN, m);
	else
		cJSON_Delete(m);
}

static void emit_delta(struct session *s, enum proc_stream st, const char *d, size_t n)
{
	cJSON *m;
	char *b64;

	if (s->deltas >= MAX_DELTA_EVENTS)
		return;
	s->deltas++;
	b64 = base64_encode(d, n, false);
	m = cJSON_CreateObject();
	if (b64 && m && cJSON_AddStringToObject(m, "call_id", s->call_id) &&
	    cJSON_AddStringToObject(m, "stream", st == PROC_STDERR ? "stderr" : "stdout") &&
	    cJSON_AddStringToObject(m, "chunk", b64)) {
		agent_emit(s->u->a, AGENT_EV_EXEC_COMMAND_OUTPUT_DELTA, m);
		m = NULL;
	}
	cJSON_Delete(m);
	free(b64);
}

static void emit_end(struct session *s, const char *formatted)
{
	struct buf text;
	cJSON *m = cJSON_CreateObject();
	uint64_t ms = loop_now(s->u->a->loop) - s->started_ms;

	buf_init(&text, UEXEC_KEEP_BYTES + 1);
	if (ht_text(&s->all, &text) < 0 || !m || !cJSON_AddStringToObject(m, "call_id", s->call_id) ||
	    !cJSON_AddStringToObject(m, "turn_id", s->turn_id)) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit_exec_end(s->u->a, m, text.data, s->result.exit_code, ms, formatted);
	buf_free(&text);
}

/* ---- answers ---- */

/* The answer for the waiting call: what was printed since the last one. */
static char *answer(struct session *s, bool with_command, int64_t max_tokens,
		    uint64_t started_ms, bool *was_denied)
{
	struct buf out, text;
	unsigned char rnd[3] = {0};
	uint64_t now = loop_now(s->u->a->loop);
	bool denied = false;
	char *res;

	*was_denied = false;
	buf_init(&out, LIMIT_HTTP_BODY_BYTES);
	buf_init(&text, UEXEC_KEEP_BYTES + 1);
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		memcpy(rnd, &now, sizeof rnd);
	if (ht_text(&s->pending, &text) < 0)
		goto oom;
	if (s->exited && s->sandboxed && s->result.outcome == SANDBOX_RAN)
		denied = approval_looks_denied(s->result.exit_code, text.data ? text.data : "",
					       text.len);
	if ((with_command && buf_printf(&out, "Command: %s\n", s->display) < 0) ||
	    buf_printf(&out, "Chunk ID: %02x%02x%02x\nWall time: %.4f seconds\n", rnd[0], rnd[1],
		       rnd[2], (double)(now - started_ms) / 1000.0) < 0)
		goto oom;
	if (s->exited ? buf_printf(&out, "Process exited with code %d\n", s->result.exit_code)
		      : buf_printf(&out, "Process running with session ID %d\n", s->id) < 0)
		goto oom;
	if (buf_printf(&out, "Original token count: %lld\nOutput:\n",
		       (long long)output_tokens((size_t)s->pending.total)) < 0 ||
	    output_truncate(&out, text.data ? text.data : "", text.len, max_tokens) < 0)
		goto oom;
	if (s->exited && s->result.outcome != SANDBOX_RAN &&
	    buf_printf(&out, "%s%s\n", out.len && out.data[out.len - 1] != '\n' ? "\n" : "",
		       s->result.detail.msg) < 0)
		goto oom;
	if (denied && buf_printf(&out, "%s%s\n", out.len && out.data[out.len - 1] != '\n' ? "\n" : "",
				 sandbox_denied_note(s->u->a)) < 0)
		goto oom;
	ht_free(&s->pending);
	ht_init(&s->pending);
	buf_free(&text);
	res = buf_take(&out);
	*was_denied = denied;
	return res;
oom:
	buf_free(&text);
	buf_free(&out);
	return NULL;
}

/* Answers the waiting call, if any. */
static void respond(struct session *s)
{
	struct tool_call *c = s->waiter;
	bool denied;
	char *out;

	if (!c)
		return;
	s->waiter = NULL;
	loop_timer_disarm(s->u->a->loop, &s->yield);
	c->cancel = NULL;
	c->state = NULL;
	out = answer(s, s->waiter_is_exec, s->waiter_max_tokens, s->waiter_started_ms, &denied);
	if (denied && out && s->retry && s->waiter_is_exec) {
		retry_after_denial(s, c, out);
		return;
	}
	tool_call_finish(c, out);
}

static void on_yield(struct loop *l, struct loop_timer *t)
{
	struct session *s = (struct session *)((char *)t - offsetof(struct session, yield));

	(void)l;
	if (!s->exited && s->id == 0) {
		/* Still running: from now on the model can address it. */
		s->id = new_session_id(s->u);
	}
	respond(s);
}

static void on_output(void *arg, enum proc_stream st, const char *d, size_t n)
{
	struct session *s = arg;

	ht_append(&s->pending, d, n);
	ht_append(&s->all, d, n);
	emit_delta(s, st, d, n);
}

static void on_exited(void *arg, const struct sandbox_result *r)
{
	struct session *s = arg;
	char *formatted;
	struct buf text;

	s->exited = true;
	s->result = *r;
	/* Requests its proxy refused after asking: upstream's words for the model, after
	 * the output. */
	if (*net_gate_notes(s->gate)) {
		const char *notes = net_gate_notes(s->gate);
		ht_append(&s->pending, "\n", 1);
		ht_append(&s->pending, notes, strlen(notes));
		ht_append(&s->all, "\n", 1);
		ht_append(&s->all, notes, strlen(notes));
	}
	buf_init(&text, UEXEC_KEEP_BYTES + 1);
	formatted = ht_text(&s->all, &text) == 0 ? buf_take(&text) : NULL;
	buf_free(&text);
	emit_end(s, formatted);
	free(formatted);
	if (s->waiter) {
		respond(s);
		/* Nobody will ask about it again. */
		forget(s);
		session_free(s);
	} else if (s->id == 0 || s->stopped) {
		forget(s);
		session_free(s);
	}
	/* Otherwise it stays until write_stdin collects its last output. */
}

/* Interrupt: the call is answered "aborted" and the command ends. */
static void cancel_wait(struct tool_call *c)
{
	struct session *s = c->state;

	s->waiter = NULL;
	loop_timer_disarm(s->u->a->loop, &s->yield);
	c->cancel = NULL;
	c->state = NULL;
	tool_call_finish(c, strdup("aborted"));
	if (!s->exited)
		proc_kill(s->proc);
}

static void wait_for(struct session *s, struct tool_call *c, bool is_exec, int64_t yield_ms,
		     int64_t max_tokens)
{
	struct loop *l = s->u->a->loop;

	s->waiter = c;
	s->waiter_is_exec = is_exec;
	s->waiter_max_tokens = max_tokens;
	s->waiter_started_ms = loop_now(l);
	c->state = s;
	c->cancel = cancel_wait;
	if (s->exited) {
		respond(s);
		forget(s);
		session_free(s);
		return;
	}
	if (loop_timer_arm(l, &s->yield, loop_now(l) + (uint64_t)yield_ms, on_yield) < 0)
		respond(s);
}

/* ---- exec_command ---- */

struct exec_req {
	char *argv[USER_SHELL_ARGV_MAX];
	int argc;
	char *cwd;
	int64_t yield_ms, max_tokens;
	bool tty, escalated;
	char *justification;
};

static void req_free(struct exec_req *r)
{
	for (int i = 0; i < USER_SHELL_ARGV_MAX; i++)
		free(r->argv[i]);
	free(r->cwd);
	free(r->justification);
	free(r);
}

struct held {
	struct exec_req *r;
	bool sandboxed;
};

static void start(struct tool_call *c, struct exec_req *r, bool sandboxed);

static void resume_held(struct tool_call *c, void *arg)
{
	struct held *h = arg;

	start(c, h->r, h->sandboxed);
	free(h);
}

static void drop_held(void *arg)
{
	struct held *h = arg;

	req_free(h->r);
	free(h);
}

static void start(struct tool_call *c, struct exec_req *r, bool sandboxed)
{
	struct agent *a = c->turn->a;
	struct uexec *u = a->uexec;
	struct session *s = calloc(1, sizeof *s);
	struct sandbox_policy none;
	struct proc_spec spec;
	struct proc_events ev;
	struct strv env = STRV_INIT;
	struct sandbox_proxy proxy = {-1, false, false};
	char *spawn_argv[4] = {NULL, NULL, NULL, NULL};
	struct err e;

	err_clear(&e);
	if (s) {
		struct held *h = calloc(1, sizeof *h);
		if (h) {
			h->r = r;
			h->sandboxed = sandboxed;
			if (shell_snapshot_hold(c, r->argv, r->cwd, resume_held, drop_held, h)) {
				free(s);
				return;
			}
			free(h);
		}
	}
	if (!s) {
		tool_call_finish(c, NULL);
		goto out;
	}
	s->u = u;
	s->sandboxed = sandboxed && a->policy.type != SANDBOX_MODE_DANGER_FULL_ACCESS;
	s->started_ms = loop_now(a->loop);
	s->call_id = strdup(c->call_id);
	s->turn_id = strdup(c->turn->id);
	s->display = output_shell_join(r->argv);
	ht_init(&s->pending);
	ht_init(&s->all);
	for (int i = 0; i < r->argc; i++)
		if (strv_push(&s->argv, r->argv[i]) < 0) {
			free(s->display);
			s->display = NULL; /* fails below */
			break;
		}
	if (!s->call_id || !s->turn_id || !s->display || command_env(a, &env, &e) < 0) {
		session_free(s);
		tool_call_finish(c, NULL);
		goto out;
	}
	if (u->n == UEXEC_MAX_SESSIONS) {
		/* Make room: the oldest goes. */
		struct session *old = u->v[0];
		forget(old);
		if (old->waiter)
			tool_call_finish(old->waiter, strdup("aborted"));
		session_free(old);
	}
	memset(&spec, 0, sizeof spec);
	spec.policy = command_policy(a, sandboxed, &none);
	spec.cwd = r->cwd;
	spec.codex_home = a->cfg->codex_home;
	spec.argv = r->argv;
	if (shell_snapshot_apply(a, r->argv, r->cwd, &env)) {
		/* The login shell's set-up comes from the snapshot (what the model and the
		 * events see stays "-lc"). */
		spawn_argv[0] = r->argv[0];
		spawn_argv[1] = "-c";
		spawn_argv[2] = r->argv[2];
		spec.argv = spawn_argv;
	}
	spec.envp = env.v;
	spec.tty = r->tty;
	spec.keep_stdin = r->tty;
	ev.arg = s;
	ev.output = on_output;
	ev.exited = on_exited;
	emit_begin(s, r->argv, r->cwd);
	if (command_net(a, &spec, &proxy, &s->gate, &e) < 0 ||
	    proc_start(a->loop, &spec, &ev, &s->proc, &e) < 0) {
		s->exited = true;
		s->result.outcome = SANDBOX_SETUP_FAILED;
		s->result.exit_code = EXIT_SANDBOX_SETUP;
		s->result.detail = e;
		emit_end(s, e.msg);
		tool_call_finishf(c, "exec_command failed: %s", e.msg);
		session_free(s);
		if (!sandboxed)
			sandbox_policy_free(&none);
		goto out;
	}
	if (!sandboxed)
		sandbox_policy_free(&none);
	u->v[u->n++] = s;
	if (s->sandboxed && approval_retry_unsandboxed(a)) {
		s->retry = r;
		r = NULL;
	}
	wait_for(s, c, true, s->retry ? s->retry->yield_ms : r->yield_ms,
		 s->retry ? s->retry->max_tokens : r->max_tokens);
out:
	command_net_done(&proxy);
	strv_free(&env);
	if (r)
		req_free(r);
}

/* ---- a denial retried without the sandbox (on-failure, untrusted) ---- */

struct retry_ask {
	struct exec_req *r;
	char *denial;                  /* the answer when the retry is refused */
};

static void on_retry_decision(struct tool_call *c, enum agent_decision d)
{
	struct retry_ask *q = c->state;

	c->state = NULL;
	if (d == AGENT_APPROVED || d == AGENT_APPROVED_FOR_SESSION) {
		if (d == AGENT_APPROVED_FOR_SESSION)
			approval_remember(c->turn->a, q->r->argv);
		free(q->denial);
		start(c, q->r, false);
	} else {
		req_free(q->r);
		tool_call_finish(c, q->denial);
	}
	free(q);
}

static void retry_after_denial(struct session *s, struct tool_call *c, char *denial)
{
	struct retry_ask *q = calloc(1, sizeof *q);

	if (!q) {
		tool_call_finish(c, denial);
		return;
	}
	q->r = s->retry;
	q->denial = denial;
	s->retry = NULL;
	c->state = q;
	approval_ask_retry(c, q->r->argv, q->r->cwd, on_retry_decision);
}

static void on_exec_decision(struct tool_call *c, enum agent_decision d)
{
	struct exec_req *r = c->state;

	c->state = NULL;
	switch (d) {
	case AGENT_APPROVED_FOR_SESSION:
		approval_remember(c->turn->a, r->argv);
		/* fall through */
	case AGENT_APPROVED:
		start(c, r, !r->escalated);
		return;
	case AGENT_DENIED:
	case AGENT_ABORT:
		break;
	}
	req_free(r);
	tool_call_fail(c, strdup(approval_denial_text(c, "exec command rejected by user")));
}

/* Commands that are really apply_patch are applied as patches. Returns true when the
 * call was taken over (and is finished or running as a patch). */
bool intercept_apply_patch_argv(struct tool_call *c, int argc, char *const *argv,
				const char *cwd)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	char *workdir = NULL, *dir;
	struct buf b;
	enum patch_argv_kind k = patch_from_argv(argc, argv, &p, &workdir, &pe);

	switch (k) {
	case PATCH_ARGV_NOT_APPLY_PATCH:
		return false;
	case PATCH_ARGV_IMPLICIT:
		tool_call_finish(c, strdup(PATCH_IMPLICIT_INVOCATION_MSG));
		return true;
	case PATCH_ARGV_INVALID:
		buf_init(&b, LIMIT_HTTP_BODY_BYTES);
		if (buf_puts(&b, "apply_patch verification failed: ") < 0 ||
		    patch_error_text(&pe, PATCH_ERROR_AGENT, &b) < 0)
			buf_free(&b);
		patch_error_free(&pe);
		tool_call_finish(c, b.data ? buf_take(&b) : NULL);
		return true;
	case PATCH_ARGV_PATCH:
		break;
	}
	dir = workdir ? path_join(cwd, workdir) : strdup(cwd);
	tool_apply_patch_in(c, p->text.s, p->text.len, dir);
	free(dir);
	free(workdir);
	patch_free(p);
	return true;
}

void uexec_exec_command(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const char *cmd = args_str(c->args, "cmd"), *shell = args_str(c->args, "shell");
	const char *perm = args_str(c->args, "sandbox_permissions"), *why = NULL;
	struct exec_req *r;
	cJSON *m;

	if (!cmd) {
		tool_call_finish(c, strdup("failed to parse function arguments: missing field "
					   "`cmd`"));
		return;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		tool_call_finish(c, NULL);
		return;
	}
	{
		char *dflt = shell && *shell ? NULL : user_shell_default();
		r->argc = (shell && *shell) || dflt
				  ? user_shell_argv(shell && *shell ? shell : dflt,
						    args_bool(c->args, "login", true), cmd, r->argv)
				  : -1;
		free(dflt);
	}
	r->cwd = command_workdir(a, args_str(c->args, "workdir"));
	r->tty = args_bool(c->args, "tty", false);
	r->yield_ms = args_int(c->args, "yield_time_ms", EXEC_YIELD_DEFAULT_MS, YIELD_MIN_MS,
			       YIELD_MAX_MS);
	r->max_tokens = args_int(c->args, "max_output_tokens", DEFAULT_MAX_OUTPUT_TOKENS, 0,
				 INT32_MAX);
	r->escalated = perm && strcmp(perm, "require_escalated") == 0;
	if (args_str(c->args, "justification"))
		r->justification = strdup(args_str(c->args, "justification"));
	if (r->argc < 0 || !r->cwd) {
		req_free(r);
		tool_call_finish(c, NULL);
		return;
	}
	if (intercept_apply_patch_argv(c, r->argc, r->argv, r->cwd)) {
		req_free(r);
		return;
	}
	switch (approval_for_command(a, r->argv, r->escalated, &why)) {
	case VERDICT_RUN_SANDBOXED:
		start(c, r, true);
		return;
	case VERDICT_RUN_UNSANDBOXED:
		start(c, r, false);
		return;
	case VERDICT_REJECT:
		req_free(r);
		tool_call_fail(c, strdup(why));
		return;
	case VERDICT_ASK:
		break;
	}
	m = cJSON_CreateObject();
	if (!m || !cJSON_AddStringToObject(m, "turn_id", c->turn->id) ||
	    !cJSON_AddItemToObject(m, "command", argv_json(r->argv)) ||
	    !cJSON_AddStringToObject(m, "cwd", r->cwd) ||
	    !(r->justification ? cJSON_AddStringToObject(m, "reason", r->justification)
			       : cJSON_AddNullToObject(m, "reason"))) {
		cJSON_Delete(m);
		req_free(r);
		tool_call_finish(c, NULL);
		return;
	}
	c->state = r;
	approval_ask(c, AGENT_EV_EXEC_APPROVAL_REQUEST, m, on_exec_decision);
}

/* ---- write_stdin ---- */

void uexec_write_stdin(struct tool_call *c)
{
	struct uexec *u = c->turn->a->uexec;
	const cJSON *idv = cJSON_GetObjectItemCaseSensitive(c->args, "session_id");
	const char *chars = args_str(c->args, "chars");
	struct session *s;
	struct err e;
	int id;

	if (!cJSON_IsNumber(idv)) {
		tool_call_finish(c, strdup("failed to parse function arguments: missing field "
					   "`session_id`"));
		return;
	}
	id = idv->valuedouble >= 1 && idv->valuedouble <= 1e9 ? (int)idv->valuedouble : -1;
	s = id > 0 ? find(u, id) : NULL;
	if (!s) {
		tool_call_finishf(c, "write_stdin failed: Unknown process id %d", id);
		return;
	}
	if (s->waiter) {
		tool_call_finishf(c, "write_stdin failed: session %d is busy with another call", id);
		return;
	}
	if (chars && *chars && !s->exited) {
		if (proc_write(s->proc, chars, strlen(chars), &e) < 0) {
			tool_call_finishf(c, "write_stdin failed: stdin is closed for this session; "
					     "rerun exec_command with tty=true to keep stdin open");
			return;
		}
	}
	wait_for(s, c, false,
		 args_int(c->args, "yield_time_ms", WRITE_YIELD_DEFAULT_MS, YIELD_MIN_MS,
			  YIELD_MAX_MS),
		 args_int(c->args, "max_output_tokens", DEFAULT_MAX_OUTPUT_TOKENS, 0, INT32_MAX));
}
