/* JSON helpers over cJSON: parsing a whole document with a clear error, printing in the
 * exact form upstream's files use (serde_json's compact form, and its pretty form with
 * two-space indentation), and typed, case-sensitive member lookups.
 *
 * Limits: nesting is cJSON's CJSON_NESTING_LIMIT (1000) when parsing and JSON_MAX_DEPTH
 * when printing; a string's text ends at its first NUL (cJSON strings are C strings),
 * so "\u0000" inside a string does not survive a round trip. */
#ifndef CODEX_BASE_JSON_H
#define CODEX_BASE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/err.h"

/* Deeper trees are refused by the printers (cJSON parses at most 1000 levels). */
#define JSON_MAX_DEPTH 1000

/* Parses text[0..len) as exactly one JSON value (surrounding whitespace allowed). On
 * error returns NULL and e says "<what>: invalid JSON at line L, column C", or "out of
 * memory" with errno ENOMEM (so callers that skip bad input can tell the two apart).
 * The caller frees the result with cJSON_Delete. */
cJSON *json_parse(const char *text, size_t len, const char *what, struct err *e);

/* Appends item to out: compact ({"a":1,"b":[true]}) or pretty (serde_json's
 * PrettyFormatter: newline after each '{', '[' and ',', two spaces per level, ": "
 * between key and value, "{}" / "[]" when empty; no trailing newline). Strings escape
 * '"', '\\' and control characters (\b \f \n \r \t, else \u00XX); everything else is
 * written as is. Integral numbers below 2^63 print as integers, others in the shortest
 * form that reads back the same; NaN and infinities print as null. -1 when out's
 * ceiling or memory runs out (out is then freed) or the tree is deeper than
 * JSON_MAX_DEPTH. */
int json_write(struct buf *out, const cJSON *item, bool pretty) WARN_UNUSED;

/* json_write into a fresh malloc'ed string (caller frees), or NULL. */
char *json_print(const cJSON *item, bool pretty);

/* obj[key] when obj is an object and the member is a string; else NULL. Borrowed from
 * obj. Keys match case-sensitively. */
const char *json_get_str(const cJSON *obj, const char *key);

/* obj[key] when it is a number with an integral value within int64_t: 0 and *out set,
 * else -1. */
int json_get_int64(const cJSON *obj, const char *key, int64_t *out);

/* obj[key] when it is true or false: 0 and *out set, else -1. */
int json_get_bool(const cJSON *obj, const char *key, bool *out);

/* Adds a string member (copying key and value); -1 when memory runs out (nothing is
 * added). A NULL value adds null. */
int json_add_str(cJSON *obj, const char *key, const char *value) WARN_UNUSED;

/* Adds an integer member; -1 when memory runs out. */
int json_add_int(cJSON *obj, const char *key, int64_t value) WARN_UNUSED;

#endif
