/* The environment of the commands the agent runs, from [shell_environment_policy]
 * (reference codex-agent-exec.md §4), private to src/agent. A pure function of the
 * policy and the parent environment, in upstream's order:
 *   1. inherit: "all" every variable, "core" only HOME, LOGNAME, PATH, SHELL, USER,
 *      USERNAME, TMPDIR, TEMP and TMP, "none" nothing;
 *   2. unless ignore_default_excludes, drop names containing KEY, SECRET or TOKEN (any
 *      case), so API keys do not reach commands by default;
 *   3. drop names matching an `exclude` pattern;
 *   4. `set` adds or replaces;
 *   5. a non-empty `include_only` keeps only names matching one of its patterns (also
 *      what `set` added).
 * Patterns are globs matched against the whole name without regard to case: `*` any
 * run, `?` one character, `[abc]`, `[a-z]`, `[!x]` a class. The parent's order is kept;
 * added variables follow in `set`'s order. Entries without '=' are dropped. */
#ifndef CODEX_AGENT_SHELL_ENV_H
#define CODEX_AGENT_SHELL_ENV_H

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

/* Fills out (empty, owned by the caller) with "NAME=value" entries. -1 when inherit is
 * not all/core/none or memory runs out. */
int shell_env_build(const struct config_shell_environment_policy *policy,
		    const struct strv *parent, struct strv *out, struct err *e);

/* Whole-string glob match, case-insensitive (exposed for tests). */
bool shell_env_glob_match(const char *pattern, const char *name);

#endif
