/* Rollout files: the session recorder and reader, private to src/agent (front ends reach
 * sessions through agent.h). One file per session,
 * $CODEX_HOME/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl (local time
 * of the session's start), one JSON object a line, upstream 0.118's format (reference
 * codex-agent-exec.md §6.1; a sample upstream wrote is in tests/data/rollout/):
 *
 *   {"timestamp":"2026-12-04T16:51:31.119Z","type":"session_meta","payload":{...}}
 *
 * with type session_meta (first line), response_item, turn_context, event_msg (the
 * subset upstream persists) and compacted. Files written here resume in upstream 0.118
 * and upstream's resume here.
 *
 * Writing: the file is created on the first record (never for a session that records
 * nothing; `--ephemeral` simply makes no writer), mode 0600, each line appended with one
 * write as it is recorded, and rollout_flush (the agent calls it at every turn end)
 * fsyncs. A crash loses at most the unsynced tail; a torn last line is skipped when
 * reading. After a failed write the writer refuses further records (the first error
 * sticks), so a half-written line is never followed by more lines.
 *
 * Limits: a line is at most ROLLOUT_LINE_MAX_BYTES, a file read for resuming at most
 * ROLLOUT_FILE_MAX_BYTES; finding and listing look at the ROLLOUT_SCAN_MAX_FILES newest
 * files and the first ROLLOUT_HEAD_MAX_BYTES of each. */
#ifndef CODEX_AGENT_ROLLOUT_H
#define CODEX_AGENT_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "base/err.h"

/* One line holds one item; tool outputs are truncated long before this (upstream keeps
 * about 10 K tokens), so 64 MiB only stops a runaway. */
#define ROLLOUT_LINE_MAX_BYTES (64u * 1024 * 1024)
/* Resuming reads the whole file into memory: 512 MiB is far past any real session. */
#define ROLLOUT_FILE_MAX_BYTES (512u * 1024 * 1024)
/* Finding `--last` or listing opens at most this many files, newest first. */
#define ROLLOUT_SCAN_MAX_FILES 10000
/* Listing reads this much of each file for the meta line and the first user message
 * (session_meta holds the base instructions, ~12 KiB in upstream). */
#define ROLLOUT_HEAD_MAX_BYTES (256u * 1024)

/* What session_meta records. All borrowed for the call that takes it. */
struct rollout_meta {
	const char *id;                /* the session (thread) uuid */
	const char *cwd;
	const char *originator;        /* "codex_exec", "codex_cli_rs", ... */
	const char *cli_version;
	const char *source;            /* "exec", "cli", ... */
	const char *model_provider;    /* or NULL */
	const char *base_instructions; /* or NULL */
	const char *git_commit_hash;   /* each NULL when unknown; "git":{} then */
	const char *git_branch;
	const char *git_repository_url;
	const char *forked_from_id;    /* a fork: the thread it was forked from, or NULL */
	const char *parent_thread_id;  /* a sub-agent: its parent; source is then upstream's
					* {"subagent":{"thread_spawn":{...}}} */
	int depth;                     /* a sub-agent's depth (1 below the main thread) */
	const char *agent_nickname, *agent_role; /* a sub-agent's, or NULL */
};

struct rollout_writer;

/* A writer for a new session started now: the path is fixed here, the file is created
 * by the first record. codex_home and meta are copied. Free with rollout_writer_free. */
int rollout_writer_new(const char *codex_home, const struct rollout_meta *meta,
		       struct rollout_writer **out, struct err *e);

/* A writer that appends to an existing rollout (resume). */
int rollout_writer_open(const char *path, struct rollout_writer **out, struct err *e);

/* Records a ResponseItem (message, reasoning, function_call, ...). */
int rollout_record_item(struct rollout_writer *w, const cJSON *item, struct err *e);

/* Records an event_msg payload ({"type":"agent_message",...}) when its type is one
 * upstream persists; other types are ignored (0). */
int rollout_record_event(struct rollout_writer *w, const cJSON *event, struct err *e);

/* True when rollout_record_event keeps events of this type. */
bool rollout_event_persisted(const char *type);

/* Records a turn_context payload (written before each model request). */
int rollout_record_turn_context(struct rollout_writer *w, const cJSON *turn_context,
				struct err *e);

/* Records a compaction: the summary, and the history that replaces the old one (or
 * NULL: readers then rebuild it from the user messages and the summary). */
int rollout_record_compacted(struct rollout_writer *w, const char *message,
			     const cJSON *replacement_history, struct err *e);

/* The history a compaction leaves of old: its initial context (the developer and
 * environment messages it starts with), the most recent user messages (about 20 K
 * tokens of them, the oldest cut to fit) and summary as a user message. Caller frees;
 * NULL when memory runs out. Used by readers of a `compacted` line without
 * replacement_history, and by the agent's own compaction. */
cJSON *rollout_compacted_history(const cJSON *old, const char *summary);

/* The user message upstream's interrupt leaves in the history (its <turn_aborted> tag,
 * our words), which an interrupted fork gets too. NULL when memory runs out. */
#define ROLLOUT_TURN_ABORTED_TAG "<turn_aborted>"
cJSON *rollout_turn_aborted_marker(void);

/* True when a rollout's events (rollout_session.events) end inside a turn: a turn
 * started (or a user message came) with no task_complete / turn_aborted after it, as
 * a session killed mid-turn leaves it. *turn_id: that turn's id when it was recorded,
 * else NULL (borrowed from events). */
bool rollout_ends_mid_turn(const cJSON *events, const char **turn_id);

/* User turns in a history: its user messages that are not injected context. */
size_t rollout_user_turns(const cJSON *history);

/* Upstream's thread rollback (event thread_rolled_back{num_turns}): drops the last n
 * user turns from history (each from its user message on) and, when events is not
 * NULL, the persisted events from the n-th last user_message on. */
void rollout_drop_turns(cJSON *history, cJSON *events, size_t n);

/* A fork's start: appends every rollout line of the file at src_path but its
 * session_meta, as they are (timestamps included), so that the new session reads back
 * as the old one did. Lines that are not rollout lines (a torn tail) are left out. The
 * file is read whole, up to ROLLOUT_FILE_MAX_BYTES. */
int rollout_copy_lines(struct rollout_writer *w, const char *src_path, struct err *e);

/* Makes everything recorded so far durable (fsync of the file, and of its directory
 * after creation). Nothing to do before the file exists. */
int rollout_flush(struct rollout_writer *w, struct err *e);

/* The file's path (borrowed, lives as long as w): where it is or will be created. */
const char *rollout_writer_path(const struct rollout_writer *w);

/* Closes without syncing (call rollout_flush first to make the tail durable). */
void rollout_writer_free(struct rollout_writer *w);

/* ---- reading ---------------------------------------------------------------------- */

struct rollout_session {
	cJSON *meta;          /* the session_meta payload (an object) */
	cJSON *history;       /* array of ResponseItems to replay, compactions applied */
	cJSON *events;        /* array of the event_msg payloads, in order, for display */
	cJSON *turn_context;  /* the last turn_context payload, or NULL */
	size_t lines;         /* lines read */
	size_t skipped;       /* lines that were not valid rollout lines (a torn tail) */
};

/* Parses a rollout's text. Lines that are not JSON objects with a known "type" and a
 * "payload" are skipped and counted; a text without a session_meta line is an error.
 * Fills *out (zeroed by the caller); free with rollout_session_free. */
int rollout_parse(const char *text, size_t len, struct rollout_session *out, struct err *e);

/* Reads and parses the file at path. */
int rollout_read(const char *path, struct rollout_session *out, struct err *e);

void rollout_session_free(struct rollout_session *s);

/* The session id in s (borrowed), or NULL. */
const char *rollout_session_id(const struct rollout_session *s);

/* ---- finding ---------------------------------------------------------------------- */

/* The rollout of the session with this id (a uuid, any case): 1 and *path (malloc'ed),
 * 0 when there is none, -1 on error (an id that is not a uuid is an error). */
int rollout_find_by_id(const char *codex_home, const char *id, char **path, struct err *e);

/* The newest session that has a user message, and when cwd is not NULL whose
 * session_meta cwd equals it (upstream 0.118's `resume --last`): 1 and *path, 0 when
 * there is none, -1 on error. */
int rollout_find_last(const char *codex_home, const char *cwd, char **path, struct err *e);

/* One session for a resume picker. */
struct rollout_summary {
	char *path;
	char *id;
	char *timestamp;          /* session_meta's RFC 3339 start time */
	char *cwd;
	char *first_user_message; /* as the user typed it */
};

/* Up to max sessions that have a user message, newest first (filtered by cwd when it
 * is not NULL). *out is malloc'ed; free with rollout_summaries_free. */
int rollout_list(const char *codex_home, const char *cwd, size_t max,
		 struct rollout_summary **out, size_t *n, struct err *e);
void rollout_summaries_free(struct rollout_summary *s, size_t n);

/* One sub-agent thread of a session, from its session_meta source
 * {"subagent":{"thread_spawn":{"parent_thread_id":...}}}. */
struct rollout_child {
	char *path;
	char *id;
	char *nickname; /* each NULL when the meta has none */
	char *role;
};

/* Up to max sub-agent threads whose parent is parent_id, oldest (first spawned) first.
 * Only files started after the parent (within a day's slack for clock changes, by
 * their v7 ids' times) are looked at, each for its first line. *out is malloc'ed; free
 * with rollout_children_free. */
int rollout_list_children(const char *codex_home, const char *parent_id, size_t max,
			  struct rollout_child **out, size_t *n, struct err *e);
void rollout_children_free(struct rollout_child *c, size_t n);

#endif
