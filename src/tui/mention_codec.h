/* Mention bindings carried inside a message's text (upstream's mention_codec.rs): a
 * `$name` the `$` popup bound to a path ("plugin://<id>", "app://<id>", a SKILL.md)
 * is written `[$name](path)`. history.jsonl stores messages in this form, as upstream,
 * so a recalled message gets its mentions back in a later session too; in a session the
 * TUI keeps queued, steered and sent messages the same way, and decodes them when they
 * are sent, shown, recalled (Up) or edited again (Esc-Esc, Shift+Left). Private to
 * src/tui/; pure functions, no I/O.
 *
 * Names are kept as their `$name` tokens: names->v[i] is "$name", paths->v[i] what it
 * stands for. A name is [A-Za-z0-9_-]+, as upstream. */
#ifndef CODEX_TUI_MENTION_CODEC_H
#define CODEX_TUI_MENTION_CODEC_H

#include "base/strv.h"

/* At most this many bindings per message (a popup choice adds one; more is typing). */
#define MENTION_MAX_BINDINGS 64

/* text with each bound `$name` (the first occurrence per binding, in order) written as
 * `[$name](path)`; unbound text is copied as is. NULL names: a copy. malloc'ed, NULL
 * when out of memory. */
char *mention_encode(const char *text, const struct strv *names, const struct strv *paths);

/* The visible text of enc: each `[$name](path)` whose path is a tool path (app://,
 * mcp://, plugin://, skill://, or a file named SKILL.md) and whose name is not a common
 * environment variable becomes `$name`, and ("$name", path) is appended to names/paths
 * (when they are not NULL; past MENTION_MAX_BINDINGS the link still becomes `$name`,
 * unbound). `[@name](plugin://…)` links (other clients') decode the same way.
 * malloc'ed, NULL when out of memory. */
char *mention_decode(const char *enc, struct strv *names, struct strv *paths);

#endif
