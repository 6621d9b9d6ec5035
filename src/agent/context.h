/* The conversation's initial context, private to src/agent: the AGENTS.md instructions,
 * the <environment_context> message and the permissions developer message, as upstream
 * 0.118 sends them at the start of a conversation (reference codex-agent-exec.md §7, and
 * codex-0.118-wire.md for the exact texts observed).
 *
 * AGENTS.md discovery: the global file is $CODEX_HOME/AGENTS.override.md when it has
 * anything but whitespace, else $CODEX_HOME/AGENTS.md (trimmed). Project docs: from the
 * repository root (the nearest directory at or above the canonical cwd holding a `.git`
 * directory or file; without one only the cwd) down to the cwd, in each directory the
 * first regular file (symlinks followed) among AGENTS.override.md, AGENTS.md and
 * project_doc_fallback_filenames; whitespace-only files are skipped, the rest are read
 * as they are (invalid UTF-8 replaced by U+FFFD) until project_doc_max_bytes is used up
 * (the file that crosses it is cut), and joined with blank lines. The combined text is
 * the global part, "\n\n--- project-doc ---\n\n", the project part (either may be absent).
 *
 * The permissions message is our own text: it states what our sandbox actually enforces
 * (mode, writable roots, the protected names inside them, network) and what the approval
 * policy means for the model. */
#ifndef CODEX_AGENT_CONTEXT_H
#define CODEX_AGENT_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

/* Directories walked from the repository root down to the cwd: deeper trees than this
 * are cut to their innermost levels (no real checkout is this deep). */
#define CONTEXT_MAX_DIRS 256

struct context_docs_opts {
	const char *codex_home;
	const char *cwd;
	int64_t max_bytes;                     /* project_doc_max_bytes; 0: no project docs */
	const struct strv *fallback_filenames; /* may be NULL */
};

/* The combined instructions text: 1 and *out (malloc'ed), or 0 when there is none. */
int context_user_instructions(const struct context_docs_opts *o, char **out, struct err *e);

/* {"type":"message","role":"user","content":[{"type":"input_text","text":
 *  "# AGENTS.md instructions for <cwd>\n\n<INSTRUCTIONS>\n<text>\n</INSTRUCTIONS>"}]}
 * (caller frees with cJSON_Delete), or NULL when memory runs out. */
cJSON *context_user_instructions_message(const char *cwd, const char *text);

/* What the <environment_context> message says. */
struct context_env {
	const char *cwd;
	const char *shell;          /* "bash", "zsh", ... */
	const char *current_date;   /* YYYY-MM-DD, local */
	const char *timezone;       /* IANA name, e.g. "Etc/UTC" */
	bool network;               /* the network proxy is on: a <network> element */
	const struct strv *allowed_domains; /* may be NULL */
	const struct strv *denied_domains;
};

/* The message's text, exactly as 0.118 writes it (fields left NULL are omitted):
 * "<environment_context>\n  <cwd>…</cwd>\n  <shell>…</shell>\n  <current_date>…"
 * "</current_date>\n  <timezone>…</timezone>\n</environment_context>". Malloc'ed. */
char *context_environment_text(const struct context_env *env);
/* The same as a user message item. */
cJSON *context_environment_message(const struct context_env *env);

/* Today's local date as YYYY-MM-DD into out[11]. */
void context_current_date(char out[11]);
/* The IANA name of the local time zone: $TZ when it names one, else the target of
 * /etc/localtime below ".../zoneinfo/", else /etc/timezone, else "Etc/UTC". Malloc'ed,
 * or NULL when memory runs out. */
char *context_timezone(void);
/* The user's shell name: the basename of $SHELL, else of the passwd entry's shell,
 * else "bash". Malloc'ed, or NULL. */
char *context_shell_name(void);

/* What the permissions message describes. */
struct context_permissions {
	enum sandbox_mode mode;
	const struct strv *writable_roots; /* workspace-write: the resolved roots, in order */
	bool network_access;               /* workspace-write: network_access = true */
	bool network_proxy;                /* [network] enabled: only through the proxy */
	const struct strv *allowed_domains;
	const struct strv *denied_domains;
	enum approval_policy approval;
	bool guardian;                     /* approvals go to the reviewer (guardian.c) */
};

/* "<permissions instructions>\n…\n</permissions instructions>", malloc'ed. */
char *context_permissions_text(const struct context_permissions *p);
/* The same as a developer message item. */
cJSON *context_permissions_message(const struct context_permissions *p);

#endif
