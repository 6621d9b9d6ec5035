/* Commands the user runs themselves (the TUI's `!cmd`, upstream's RunUserShellCommand
 * op): the user's shell runs the text as typed, without sandbox and without approval
 * (the user is the one asking), idle or while a turn runs. The front ends see the
 * same exec_command_begin / exec_command_end events as for the model's commands, with
 * "source": "user_shell". The model sees a <user_shell_command> record of the command
 * and its output (output_user_shell_record): it goes into the history, and the
 * rollout, once no model response is half-way through it: at once when idle, else
 * before the turn's next model request or at the turn's end (user_shell_flush). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/proc.h"
#include "agent/user_shell.h"

/* As upstream: an hour, then the command is killed (it is the user's, not a model's
 * runaway, so the bound is generous). */
#define USER_SHELL_TIMEOUT_MS (60u * 60 * 1000)
/* Output kept for the end event and the record, as the shell tool keeps. */
#define USER_SHELL_KEEP_BYTES (1024u * 1024)
/* The record's output budget: the shell tool's. */
#define USER_SHELL_MAX_OUTPUT_TOKENS 10000
/* Commands running at once: a user types them, so a few at most; the cap only bounds
 * a front end gone wrong. */
#define USER_SHELL_MAX_RUNNING 16
/* Records waiting for the history (commands that ended mid-response). */
#define USER_SHELL_MAX_WAITING 64

struct user_shell_cmd {
	struct user_shell_cmd *next;
	struct agent *a;
	char call_id[UUID_STR_LEN + 1];
	char *command;             /* as the user typed it */
	char *cwd;
	struct strv argv;
	struct proc *proc;
	struct buf out;
	uint64_t started_ms;
	bool timed_out;
	struct loop_timer timer;
};

static void cmd_free(struct user_shell_cmd *u)
{
	loop_timer_disarm(u->a->loop, &u->timer);
	/* A login shell: SIGTERM, never SIGKILL, so its profile's EXIT traps run (proc.h). */
	proc_abandon(u->proc);
	buf_free(&u->out);
	free(u->command);
	free(u->cwd);
	strv_free(&u->argv);
	free(u);
}

static void unlink_cmd(struct user_shell_cmd *u)
{
	for (struct user_shell_cmd **p = &u->a->user_shells; *p; p = &(*p)->next)
		if (*p == u) {
			*p = u->next;
			return;
		}
}

static cJSON *argv_json(const struct strv *argv)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < argv->n; i++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(argv->v[i]))) {
			cJSON_Delete(arr);
			return NULL;
		}
	return arr;
}

/* The fields begin and end share; NULL when memory runs out. */
static cJSON *event_base(const struct user_shell_cmd *u)
{
	cJSON *m = cJSON_CreateObject(), *cmd = argv_json(&u->argv);

	if (m && cmd && cJSON_AddStringToObject(m, "call_id", u->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", u->a->turn ? u->a->turn->id : "") &&
	    cJSON_AddItemToObject(m, "command", cmd) && (cmd = NULL, 1) &&
	    cJSON_AddStringToObject(m, "cwd", u->cwd) && cJSON_AddArrayToObject(m, "parsed_cmd") &&
	    cJSON_AddStringToObject(m, "source", "user_shell"))
		return m;
	cJSON_Delete(cmd);
	cJSON_Delete(m);
	return NULL;
}

void user_shell_flush(struct agent *a)
{
	cJSON *item;

	while (a->user_shell_records &&
	       (item = cJSON_DetachItemFromArray(a->user_shell_records, 0)))
		history_add(a, item); /* recorded as a response_item: a resume keeps it */
}

/* The record of a finished command, for the model; flushed now when no turn runs. */
static void add_record(struct user_shell_cmd *u, int code, uint64_t ms, const char *text,
		       size_t len)
{
	struct agent *a = u->a;
	struct buf b;
	cJSON *item = NULL, *content, *part;

	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	if (output_user_shell_record(&b, u->command, code, ms, text, len,
				     USER_SHELL_MAX_OUTPUT_TOKENS) < 0)
		goto oom;
	if (!a->user_shell_records && !(a->user_shell_records = cJSON_CreateArray()))
		goto oom;
	if (cJSON_GetArraySize(a->user_shell_records) >= USER_SHELL_MAX_WAITING) {
		agent_emit_text(a, AGENT_EV_WARNING, "message",
				"too many shell command results wait for the model; this one "
				"is not sent");
		buf_free(&b);
		return;
	}
	if (!(item = cJSON_CreateObject()) || !cJSON_AddStringToObject(item, "type", "message") ||
	    !cJSON_AddStringToObject(item, "role", "user") ||
	    !(content = cJSON_AddArrayToObject(item, "content")) ||
	    !(part = cJSON_CreateObject()) || !cJSON_AddItemToArray(content, part) ||
	    !cJSON_AddStringToObject(part, "type", "input_text") ||
	    !cJSON_AddStringToObject(part, "text", b.data ? b.data : "") ||
	    !cJSON_AddItemToArray(a->user_shell_records, item))
		goto oom;
	buf_free(&b);
	if (!a->turn) {
		user_shell_flush(a);
		record_turn_end(a); /* synced now: nothing else will flush it soon */
	}
	return;
oom:
	cJSON_Delete(item);
	buf_free(&b);
	agent_emit_text(a, AGENT_EV_WARNING, "message",
			"out of memory: the shell command's result is not sent to the model");
}

/* The end: the event for the front ends, the record for the model; u is freed. */
static void finish(struct user_shell_cmd *u, int code, uint64_t ms, const char *text,
		   size_t len)
{
	struct agent *a = u->a;
	struct buf shown;
	cJSON *m = event_base(u);

	/* Out of the list first: a subscriber may interrupt again from the event. */
	unlink_cmd(u);
	/* What the front ends show is what the model reads. */
	buf_init(&shown, LIMIT_HTTP_BODY_BYTES);
	if (output_truncate(&shown, text, len, USER_SHELL_MAX_OUTPUT_TOKENS) < 0)
		buf_free(&shown);
	agent_emit_exec_end(a, m, shown.data, code, ms, shown.data);
	buf_free(&shown);
	add_record(u, code, ms, text, len);
	cmd_free(u);
}

static void on_output(void *arg, enum proc_stream s, const char *d, size_t n)
{
	struct user_shell_cmd *u = arg;

	(void)s; /* stdout and stderr interleaved as produced, as upstream aggregates */
	if (u->out.len < USER_SHELL_KEEP_BYTES)
		(void)!buf_append(&u->out, d, n < USER_SHELL_KEEP_BYTES - u->out.len
						     ? n : USER_SHELL_KEEP_BYTES - u->out.len);
}

static void on_exited(void *arg, const struct sandbox_result *res)
{
	struct user_shell_cmd *u = arg;
	uint64_t ms = loop_now(u->a->loop) - u->started_ms;
	struct buf body;
	int code = u->timed_out ? 124 : res->exit_code;

	buf_init(&body, USER_SHELL_KEEP_BYTES + 4096);
	if (u->timed_out)
		(void)!buf_printf(&body, "command timed out after %u milliseconds\n",
				  USER_SHELL_TIMEOUT_MS);
	(void)!buf_append(&body, u->out.data ? u->out.data : "", u->out.len);
	if (res->outcome != SANDBOX_RAN)
		(void)!buf_printf(&body, "execution error: %s\n", res->detail.msg);
	finish(u, code, ms, body.data ? body.data : "", body.len);
	buf_free(&body);
}

static void on_timeout(struct loop *l, struct loop_timer *t)
{
	struct user_shell_cmd *u =
		(struct user_shell_cmd *)((char *)t - offsetof(struct user_shell_cmd, timer));

	(void)l;
	u->timed_out = true;
	proc_kill(u->proc);
}

int agent_run_user_shell(struct agent *a, const char *command, struct err *e)
{
	struct user_shell_cmd *u;
	char *sh, *argv[USER_SHELL_ARGV_MAX];
	int n = 0;
	size_t running = 0;
	struct sandbox_policy none;
	struct proc_spec spec;
	struct proc_events ev;
	struct strv env = STRV_INIT;
	cJSON *m;

	if (a->shut_down)
		return err_set(e, "the session is shut down");
	if (!command || !*command)
		return err_set(e, "no command to run");
	for (u = a->user_shells; u; u = u->next)
		running++;
	if (running >= USER_SHELL_MAX_RUNNING)
		return err_set(e, "too many shell commands are running (at most %d)",
			       USER_SHELL_MAX_RUNNING);
	if (!(u = calloc(1, sizeof *u)))
		return err_set(e, "out of memory");
	u->a = a;
	buf_init(&u->out, USER_SHELL_KEEP_BYTES + 1);
	if (uuid_v7(uuid_now_ms(), u->call_id, e) < 0)
		goto fail;
	if (!(u->command = strdup(command)) || !(u->cwd = strdup(a->cwd)) ||
	    !(sh = user_shell_default())) {
		err_set(e, "out of memory");
		goto fail;
	}
	/* A login shell, as upstream: the user's aliases and PATH are what they expect. */
	n = user_shell_argv(sh, true, command, argv);
	free(sh);
	for (int i = 0; i < n; i++)
		if (strv_take(&u->argv, argv[i]) < 0) {
			while (++i < n)
				free(argv[i]);
			n = -1;
		}
	if (n < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (command_env(a, &env, e) < 0)
		goto fail;
	if (!(m = event_base(u))) {
		err_set(e, "out of memory");
		goto fail;
	}
	agent_emit(a, AGENT_EV_EXEC_COMMAND_BEGIN, m);
	u->next = a->user_shells;
	a->user_shells = u;
	u->started_ms = loop_now(a->loop);
	sandbox_policy_init(&none, SANDBOX_MODE_DANGER_FULL_ACCESS);
	memset(&spec, 0, sizeof spec);
	spec.policy = &none;
	spec.cwd = u->cwd;
	spec.argv = u->argv.v;
	spec.envp = env.v;
	spec.codex_home = a->cfg->codex_home;
	ev.arg = u;
	ev.output = on_output;
	ev.exited = on_exited;
	err_clear(e);
	if (proc_start(a->loop, &spec, &ev, &u->proc, e) < 0 ||
	    loop_timer_arm(a->loop, &u->timer, u->started_ms + USER_SHELL_TIMEOUT_MS,
			   on_timeout) < 0) {
		char msg[ERR_MSG_MAX + 32];
		/* The begin event is out: the front ends and the model hear how it ended. */
		snprintf(msg, sizeof msg, "execution error: %s",
			 e->msg[0] ? e->msg : "out of memory");
		sandbox_policy_free(&none);
		strv_free(&env);
		finish(u, -1, 0, msg, strlen(msg));
		return 0;
	}
	sandbox_policy_free(&none);
	strv_free(&env);
	return 0;
fail:
	strv_free(&env);
	cmd_free(u);
	return -1;
}

bool user_shell_running(const struct agent *a)
{
	return a->user_shells != NULL;
}

void user_shell_interrupt(struct agent *a)
{
	static const char aborted[] = "command aborted by user";

	while (a->user_shells) {
		struct user_shell_cmd *u = a->user_shells;
		/* Ended at once with everything it started (SIGTERM, as cmd_free says);
		 * upstream's record of it. */
		proc_abandon(u->proc);
		u->proc = NULL;
		finish(u, -1, 0, aborted, strlen(aborted));
	}
}

void user_shell_free(struct agent *a)
{
	while (a->user_shells) {
		struct user_shell_cmd *u = a->user_shells;
		a->user_shells = u->next;
		cmd_free(u);
	}
	cJSON_Delete(a->user_shell_records);
	a->user_shell_records = NULL;
}
