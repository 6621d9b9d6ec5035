/* Private to src/agent/tools/: helpers the tools share (command.c). */
#ifndef CODEX_AGENT_TOOLS_TOOLS_H
#define CODEX_AGENT_TOOLS_TOOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "agent/internal.h"

/* Decodes a function call's arguments text (JSON, an object, at most
 * AGENT_MAX_TOOL_ARGS_BYTES): 0 and *out (cJSON_Delete it), or -1 with why filled. */
int tool_args_parse(const char *text, size_t len, cJSON **out, char *why, size_t cap);
/* update_plan's arguments: NULL when valid, else what is wrong (static text). */
const char *plan_args_check(const cJSON *args);

/* Typed reads of a function call's arguments; a missing or mistyped field gives the
 * default (numbers are clamped to lo..hi). */
const char *args_str(const cJSON *args, const char *key);
bool args_bool(const cJSON *args, const char *key, bool dflt);
int64_t args_int(const cJSON *args, const char *key, int64_t dflt, int64_t lo, int64_t hi);

/* The working directory of a command: workdir resolved against the turn's cwd.
 * Caller frees; NULL when memory runs out. */
char *command_workdir(const struct agent *a, const char *workdir);

/* Commands that are really apply_patch (directly or as a shell heredoc) are applied as
 * patches: true when the call was taken over (unified_exec.c). */
bool intercept_apply_patch_argv(struct tool_call *c, int argc, char *const *argv,
				const char *cwd);

/* The one line added to the output of a command the sandbox stopped. */
const char *sandbox_denied_note(const struct agent *a);

/* The policy a command runs under: the session's, or none (danger-full-access) for an
 * approved escalation. */
static inline const struct sandbox_policy *command_policy(const struct agent *a,
							  bool sandboxed,
							  struct sandbox_policy *none)
{
	if (sandboxed)
		return &a->policy;
	sandbox_policy_init(none, SANDBOX_MODE_DANGER_FULL_ACCESS);
	return none;
}

#endif
