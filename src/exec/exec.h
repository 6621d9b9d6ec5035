/* `codex exec`'s two front ends of the agent (DESIGN.md §8): the human log (progress on
 * stderr, the final message on stdout) and --json (upstream's JSONL events on stdout).
 * Both are agent subscribers; neither knows anything the agent did not emit. */
#ifndef CODEX_EXEC_EXEC_H
#define CODEX_EXEC_EXEC_H

#include <stdbool.h>
#include <stdio.h>

#include "agent/agent.h"

struct exec_header {
	const char *version;
	const char *workdir;
	const char *model;
	const char *provider;
	const char *approval;
	const char *sandbox;          /* "read-only", "workspace-write [workdir, /tmp, ...]" */
	const char *effort;           /* or NULL */
	const char *summaries;        /* or NULL */
	const char *prompt;
};

struct exec_front;

/* human: header and progress to err, the last agent message to out; color as asked.
 * json: JSONL to out, nothing else on out. */
struct exec_front *exec_front_new(bool json, bool color, FILE *out, FILE *err);
void exec_front_free(struct exec_front *f);

/* The subscriber to give agent_new. */
struct agent_subscriber exec_front_subscriber(struct exec_front *f);

/* The agent the front end answers: every approval request is refused at once (exec
 * cannot ask anyone), so the model reads why and the turn goes on. */
void exec_front_set_agent(struct exec_front *f, struct agent *a);

/* The human header (after session_configured gave the session id). */
void exec_front_header(struct exec_front *f, const struct exec_header *h,
		       const char *session_id);

/* Set once the turn ended (task_complete or turn_aborted). */
bool exec_front_done(const struct exec_front *f);
/* Whether the turn ended in an error or was interrupted. */
bool exec_front_failed(const struct exec_front *f);
bool exec_front_interrupted(const struct exec_front *f);
/* The last agent message of the turn (borrowed), or NULL. */
const char *exec_front_last_message(const struct exec_front *f);

#endif
