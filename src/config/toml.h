/* TOML 1.0 documents: text in, a tree of tables, arrays and values out, each node
 * carrying the line:column where it was written (for error messages and for
 * `codex debug config` origins).
 *
 * The parser reads through a bounds-checked cursor with an explicit length (input may
 * hold NUL bytes, which TOML forbids and this rejects), validates UTF-8, and enforces
 * two limits from base/limits.h: LIMIT_CONFIG_FILE_BYTES on the input and
 * LIMIT_TOML_DEPTH on nesting (tables, arrays, inline tables and dotted keys together),
 * so the bounded recursion here and in callers that walk a tree stays shallow.
 *
 * Errors fill struct err with "<line>:<col>: <message>" (1-based; the column counts
 * characters, not bytes); running out of memory gives the message TOML_ERR_NOMEM.
 * Every function that builds a tree either returns it whole or returns NULL having
 * freed everything. */
#ifndef CODEX_CONFIG_TOML_H
#define CODEX_CONFIG_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strv.h"

#define TOML_ERR_NOMEM "out of memory"

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
	TOML_DATETIME_LOCAL, /* 1979-05-27T07:32:00 */
	TOML_DATE_LOCAL,     /* 1979-05-27 */
	TOML_TIME_LOCAL      /* 07:32:00 */
};

/* The parts a date or time value has; the others are 0. */
struct toml_datetime {
	int year, month, day;
	int hour, minute, second;
	uint32_t nanosecond;
	int frac_digits;    /* fraction digits written (0..9; extra precision is truncated) */
	int offset_minutes; /* TOML_DATETIME: east of UTC */
	bool offset_z;      /* TOML_DATETIME: written as Z rather than +00:00 */
};

struct toml_value;

struct toml_entry {
	char *key;          /* NUL-terminated; may also contain NUL (from "\u0000") */
	size_t key_len;
	struct toml_value *value;
};

struct toml_value {
	enum toml_type type;
	uint32_t line, col; /* where the value, or the key/header that made a table, starts */
	uint32_t tag;       /* 0 from the parser; the caller's to use (config: provenance) */
	uint16_t depth;     /* nesting depth, root = 0 (internal) */
	uint8_t flags;      /* how a table or array was made (internal) */
	union {
		struct {
			char *ptr;  /* NUL-terminated; may also contain NUL; stored with
				     * the node (make strings with toml_string_new) */
			size_t len;
		} str;
		int64_t integer;
		double flt;
		bool boolean;
		struct toml_datetime dt;
		struct {
			struct toml_entry *entries; /* in the order written */
			size_t n, cap;
			uint32_t *index;            /* hash index for large tables (internal) */
			size_t index_cap;
		} table;
		struct {
			struct toml_value **items;
			size_t n, cap;
		} array;
	} u;
};

/* Parses a whole document. Returns the root table (free with toml_free), or NULL with
 * e set ("<line>:<col>: <message>"). A leading UTF-8 byte-order mark is skipped. */
struct toml_value *toml_parse(const char *data, size_t len, struct err *e);

/* Parses one value ("3", "[1, 2]", "{a = 1}", "\"s\"", ...) with only whitespace
 * around it, as used by `-c key=value`. Same ownership and errors as toml_parse. */
struct toml_value *toml_parse_value(const char *data, size_t len, struct err *e);

/* Parses a dotted key (`a."b.c".'d'`, whitespace around dots allowed) at the start of
 * data, appending each segment to *segments (the caller frees it), and sets *end to
 * the offset just after the key and any whitespace that follows. Segments holding a
 * NUL byte are refused. At most LIMIT_TOML_DEPTH segments. */
int toml_parse_key(const char *data, size_t len, struct strv *segments, size_t *end,
		   struct err *e);

/* Frees a value and everything below it; NULL is a no-op. */
void toml_free(struct toml_value *v);

/* A deep copy (tags, positions and flags included), or NULL when memory runs out. */
struct toml_value *toml_clone(const struct toml_value *v);

/* A new empty table (depth 0), or NULL. */
struct toml_value *toml_table_new(void);

/* A new string value holding a copy of the len bytes at s, or NULL. */
struct toml_value *toml_string_new(const char *s, size_t len);

/* The value under key in table t (borrowed: lives as long as t keeps it), or NULL when
 * absent or when t is not a table. */
struct toml_value *toml_table_get(const struct toml_value *t, const char *key);
struct toml_value *toml_table_getn(const struct toml_value *t, const char *key,
				   size_t key_len);

/* Sets t[key] = v, replacing (and freeing) any previous value. Takes v in every case:
 * on failure (no memory, or t is not a table) v is freed and -1 is returned. */
int toml_table_set(struct toml_value *t, const char *key, struct toml_value *v);

/* "table", "array", "string", "integer", "float", "boolean", "offset date-time",
 * "local date-time", "local date", "local time". */
const char *toml_type_name(enum toml_type t);

/* Writes a TOML_DATETIME* value in RFC 3339 form ("1979-05-27T07:32:00.5Z",
 * "07:32:00") into out (at least TOML_DATETIME_MAX bytes); returns the length. */
#define TOML_DATETIME_MAX 48
size_t toml_datetime_format(const struct toml_value *v, char *out);

#endif
