/* The session index: $CODEX_HOME/session_index.jsonl, where upstream keeps thread names
 * (its /rename, thread/name/set). Private to src/agent.
 *
 * Append-only, one JSON object a line, {"id":"<thread uuid>","thread_name":"…",
 * "updated_at":"<RFC 3339>"}; the newest line for an id is its name, and a name that
 * several threads had last belongs to the newest of them. Files upstream wrote read
 * here and the other way round.
 *
 * Limits: only the last SESSION_INDEX_READ_MAX_BYTES of the file are read (older names
 * are forgotten, never misread: the first, cut line is skipped), at most
 * SESSION_INDEX_MAX_ENTRIES lines are kept; lines that are not such objects are skipped. */
#ifndef CODEX_AGENT_SESSION_INDEX_H
#define CODEX_AGENT_SESSION_INDEX_H

#include <stddef.h>

#include "base/err.h"
#include "base/strv.h"

#define SESSION_INDEX_READ_MAX_BYTES (16u << 20)
#define SESSION_INDEX_MAX_ENTRIES 100000

/* The index's entries, oldest first: ids.v[i] was named names.v[i]. */
struct session_names {
	struct strv ids, names;
};

/* Appends (id, name, now) with one write; the file is created 0600. */
int session_index_append(const char *codex_home, const char *id, const char *name,
			 struct err *e);
/* Parses index text (exposed for the fuzz target). out is zeroed by the caller; -1
 * only when memory runs out. */
int session_index_parse(const char *text, size_t len, struct session_names *out);
/* Reads the index; none (no file) is empty, not an error. */
int session_index_load(const char *codex_home, struct session_names *out, struct err *e);
/* id's newest name, or NULL. Borrowed. */
const char *session_names_name(const struct session_names *n, const char *id);
/* The id of the newest thread named name, or NULL. Borrowed. */
const char *session_names_id(const struct session_names *n, const char *name);
void session_names_free(struct session_names *n);

#endif
