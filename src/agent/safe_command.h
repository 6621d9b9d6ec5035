/* Command safety rules for approvals, private to src/agent (reference
 * codex-agent-exec.md §3.2-3.3): which commands are known to only read
 * (`is_known_safe_command`: they run without asking even under `untrusted`) and which
 * might destroy something (the on-request prompt asks before those even when the
 * sandbox would allow them).
 *
 * Shell scripts (`bash -lc SCRIPT`, `-c`, zsh as bash) are judged by a small parser of
 * our own that accepts only plain commands: words made of ordinary characters and of
 * single- or double-quoted strings with nothing to expand inside, joined by `&&`, `||`,
 * `;`, `|` or newlines. Anything else (redirections, `$` and backquote substitutions,
 * globs, braces, tildes, escapes, subshells, background jobs, comments, assignments) is
 * not a plain script, so not known safe. The parser is bounded: SAFE_SCRIPT_MAX_BYTES
 * of script and SAFE_SCRIPT_MAX_WORDS words at most; longer scripts are not plain. */
#ifndef CODEX_AGENT_SAFE_COMMAND_H
#define CODEX_AGENT_SAFE_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strv.h"

/* Model-written one-liners are short; 64 KiB leaves room and bounds the work. */
#define SAFE_SCRIPT_MAX_BYTES (64u * 1024)
#define SAFE_SCRIPT_MAX_WORDS 4096

/* A plain script: its commands, each a list of words (quotes removed). */
struct safe_script {
	struct strv *cmds;
	size_t n;
};

/* Parses script[0..len) as a plain script: 0 and *out (free with safe_script_free), or
 * -1 when it is not one (or memory runs out; either way it is then not known safe). */
int safe_script_parse(const char *script, size_t len, struct safe_script *out);
void safe_script_free(struct safe_script *s);

/* True when argv (argc words) only reads: one of the always-safe programs, a
 * conditionally safe use of base64, find, rg, git or sed, or a bash/zsh -c/-lc script
 * whose every command is. */
bool safe_command_is_known_safe(const char *const *argv, size_t argc);

/* True when argv, or any command of its plain (or, failing that, roughly split) shell
 * script, might destroy data or escalate: rm with -r/-f, git reset --hard, git clean
 * -f, git push --force, git branch -D, git checkout/restore discarding work, sudo and
 * the like, dd, mkfs, shred, find -delete. */
bool safe_command_might_be_dangerous(const char *const *argv, size_t argc);

#endif
