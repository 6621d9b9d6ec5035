/* Prompt history: $CODEX_HOME/history.jsonl, shared with upstream Codex and among every
 * running codex (reference codex-agent-exec.md §6.2). Private to src/agent; the TUI's ↑
 * recall reaches it through agent.h.
 *
 * One line per submitted prompt, {"session_id":"<uuid>","ts":<unix seconds>,"text":"…"},
 * appended with a single write while holding an exclusive flock(2) on the file (the lock
 * upstream takes too), mode 0600. With max_bytes > 0 a file that grew past it is cut,
 * under the same lock, to its newest whole lines within 80 % of max_bytes (the newest
 * line always stays), rewritten in place as upstream does so that every process keeps
 * locking the same file. Readers take a shared lock. Waiting for a lock is bounded
 * (HISTORY_LOCK_WAIT_MS); after that the call fails rather than hang.
 *
 * Limits: lines longer than HISTORY_LINE_MAX_BYTES are skipped when reading (a prompt
 * that long is refused when appending). */
#ifndef CODEX_AGENT_HISTORY_H
#define CODEX_AGENT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* A pasted file can make a long prompt; 4 MiB keeps one line bounded in memory. */
#define HISTORY_LINE_MAX_BYTES (4u * 1024 * 1024)
/* Other processes hold the lock for one write or one trim: 10 s is far beyond that. */
#define HISTORY_LOCK_WAIT_MS 10000

struct history_opts {
	const char *codex_home;
	bool save;              /* history.persistence != "none" */
	int64_t max_bytes;      /* history.max_bytes; 0 = unlimited */
};

/* Appends one entry (nothing when !o->save). */
int history_append(const struct history_opts *o, const char *session_id, const char *text,
		   struct err *e);

/* What session_configured reports: the file's inode (its log id) and its number of
 * lines; both 0 when there is no file. */
int history_metadata(const char *codex_home, uint64_t *log_id, size_t *count, struct err *e);

struct history_entry {
	char *session_id;
	int64_t ts;
	char *text;
};

/* The entry on line `offset` (0 = oldest) of the file whose inode is log_id: 1 and *out
 * (free with history_entry_free), 0 when the file changed (another inode), the line does
 * not exist or is not a valid entry; -1 on error. */
int history_lookup(const char *codex_home, uint64_t log_id, size_t offset,
		   struct history_entry *out, struct err *e);
void history_entry_free(struct history_entry *h);

/* Parses one line's text (no newline) into *out: 0, or -1 when it is not an entry.
 * Exposed for the fuzz target. */
int history_parse_line(const char *line, size_t n, struct history_entry *out);

#endif
