/* Whether a command or a patch runs, asks first, or is refused (reference
 * codex-agent-exec.md §3.2), and upstream's guess that a failed sandboxed command was
 * stopped by the sandbox (codex-linux-sandbox.md §5.1). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/safe_command.h"
#include "base/file.h"

/* Upstream's Debug names of the policies, which its refusal messages quote. */
static const char *policy_debug_name(enum approval_policy p)
{
	switch (p) {
	case APPROVAL_UNTRUSTED:
		return "UnlessTrusted";
	case APPROVAL_ON_FAILURE:
		return "OnFailure";
	case APPROVAL_ON_REQUEST:
		return "OnRequest";
	case APPROVAL_NEVER:
		return "Never";
	}
	return "?";
}

static bool argv_known_safe(char *const *argv)
{
	size_t n = 0;

	while (argv[n])
		n++;
	return safe_command_is_known_safe((const char *const *)argv, n);
}

static bool approved_for_session(const struct agent *a, char *const *argv)
{
	char *key = output_shell_join(argv);
	bool yes = key && strv_find(&a->approved_commands, key) >= 0;

	free(key);
	return yes;
}

enum approval_verdict approval_for_command(const struct agent *a, char *const *argv,
					   bool escalated, const char **why)
{
	static char msg[256];
	const char *p = policy_debug_name(a->approval);

	*why = NULL;
	if (!escalated && argv_known_safe(argv))
		return a->policy.type == SANDBOX_MODE_DANGER_FULL_ACCESS ? VERDICT_RUN_UNSANDBOXED
									 : VERDICT_RUN_SANDBOXED;
	if (approved_for_session(a, argv))
		return escalated ? VERDICT_RUN_UNSANDBOXED : VERDICT_RUN_SANDBOXED;
	if (escalated) {
		if (a->approval == APPROVAL_ON_REQUEST)
			return VERDICT_ASK;
		snprintf(msg, sizeof msg,
			 "approval policy is %s; reject command \xe2\x80\x94 you cannot ask for "
			 "escalated permissions if the approval policy is %s", p, p);
		*why = msg;
		return VERDICT_REJECT;
	}
	if (a->policy.type == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return a->approval == APPROVAL_UNTRUSTED ? VERDICT_ASK : VERDICT_RUN_UNSANDBOXED;
	return a->approval == APPROVAL_UNTRUSTED ? VERDICT_ASK : VERDICT_RUN_SANDBOXED;
}

bool approval_retry_unsandboxed(const struct agent *a)
{
	return a->approval == APPROVAL_ON_FAILURE || a->approval == APPROVAL_UNTRUSTED;
}

static bool inside_writable_roots(const struct agent *a, const struct strv *paths)
{
	struct sandbox_roots roots = {0};
	struct err e;
	bool all = true;

	if (sandbox_resolve_roots(&a->policy, a->cwd, getenv("TMPDIR"), &roots, &e) < 0) {
		sandbox_roots_free(&roots);
		return false;
	}
	for (size_t i = 0; i < paths->n && all; i++) {
		bool in = false;
		for (size_t r = 0; r < roots.n && !in; r++)
			in = path_is_under(paths->v[i], roots.v[r].path);
		all = in;
	}
	sandbox_roots_free(&roots);
	return all;
}

enum approval_verdict approval_for_patch(const struct agent *a, const struct strv *paths,
					 const char **why)
{
	*why = NULL;
	if (paths->n == 0) {
		*why = "empty patch";
		return VERDICT_REJECT;
	}
	if (a->approval == APPROVAL_UNTRUSTED)
		return VERDICT_ASK;
	if (a->policy.type == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return VERDICT_RUN_UNSANDBOXED;
	if (a->approval == APPROVAL_ON_FAILURE || inside_writable_roots(a, paths))
		return VERDICT_RUN_SANDBOXED;
	if (a->approval == APPROVAL_NEVER) {
		*why = "writing outside of the project; rejected by user approval settings";
		return VERDICT_REJECT;
	}
	return VERDICT_ASK;
}

/* Case-insensitive substring search in a buffer that need not end in NUL. */
static bool contains_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;
		while (k < n && tolower((unsigned char)hay[i + k]) == needle[k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

bool approval_looks_denied(int exit_code, const char *output, size_t len)
{
	static const char *const words[] = {
		"operation not permitted", "permission denied", "read-only file system",
		"seccomp", "sandbox", "landlock", "failed to write file",
	};

	if (exit_code == 0)
		return false;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (contains_ci(output, len, words[i]))
			return true;
	if (exit_code == 2 || exit_code == 126 || exit_code == 127)
		return false;
	return exit_code == 128 + 31; /* SIGSYS: a system call seccomp refused */
}

static void cancel_ask(struct tool_call *c)
{
	void (*k)(struct tool_call *, enum agent_decision) = c->on_decision;

	c->on_decision = NULL;
	if (k)
		k(c, AGENT_ABORT);
}

void approval_ask(struct tool_call *c, enum agent_event_kind kind, cJSON *msg,
		  void (*on_decision)(struct tool_call *c, enum agent_decision d))
{
	if (guardian_routes(c->turn->a)) {
		guardian_review_call(c, kind, msg, on_decision);
		return;
	}
	c->on_decision = on_decision;
	c->cancel = cancel_ask;
	if (!cJSON_GetObjectItemCaseSensitive(msg, "call_id"))
		cJSON_AddStringToObject(msg, "call_id", c->call_id);
	agent_emit(c->turn->a, kind, msg);
}

void approval_ask_retry(struct tool_call *c, char *const *argv, const char *cwd,
			void (*on_decision)(struct tool_call *c, enum agent_decision d))
{
	cJSON *m = cJSON_CreateObject(), *cmd = cJSON_CreateArray();

	for (size_t i = 0; cmd && argv[i]; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]));
	if (!m || !cmd || !cJSON_AddStringToObject(m, "turn_id", c->turn->id) ||
	    !cJSON_AddItemToObject(m, "command", cmd) || (cmd = NULL, false) ||
	    !cJSON_AddStringToObject(m, "cwd", cwd) ||
	    !cJSON_AddStringToObject(m, "reason", APPROVAL_RETRY_REASON)) {
		cJSON_Delete(m);
		cJSON_Delete(cmd);
		/* Asking failed: the answer is what a refusal gives. */
		on_decision(c, AGENT_DENIED);
		return;
	}
	approval_ask(c, AGENT_EV_EXEC_APPROVAL_REQUEST, m, on_decision);
}

void approval_remember(struct agent *a, char *const *argv)
{
	char *key = output_shell_join(argv);

	if (key && strv_find(&a->approved_commands, key) < 0)
		(void)!strv_take(&a->approved_commands, key);
	else
		free(key);
}

int agent_decide(struct agent *a, const char *call_id, enum agent_decision d, struct err *e)
{
	struct turn *t = a->turn;
	struct tool_call *c;

	if (strncmp(call_id, "network#", 8) == 0 && net_approval_decide(a, call_id, d) == 0)
		return 0;

	for (size_t i = 0; t && (c = turn_call_at(t, i)); i++) {
		void (*k)(struct tool_call *, enum agent_decision) = c->on_decision;
		if (c->done || !k || strcmp(c->call_id, call_id) != 0)
			continue;
		c->on_decision = NULL;
		c->cancel = NULL;
		if (d == AGENT_ABORT) {
			k(c, AGENT_DENIED);
			turn_interrupt(t);
			return 0;
		}
		k(c, d);
		return 0;
	}
	return err_set(e, "no approval request %s is pending", call_id);
}
