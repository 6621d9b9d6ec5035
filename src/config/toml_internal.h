/* Shared by toml.c (the parser) and toml_tree.c (building and walking trees); nothing
 * outside src/config/toml*.c includes this. */
#ifndef CODEX_CONFIG_TOML_INTERNAL_H
#define CODEX_CONFIG_TOML_INTERNAL_H

#include "config/toml.h"

/* How a table or array came to be; decides what TOML 1.0 lets a later line do to it. */
#define TOML_F_IMPLICIT 0x01 /* table made by a prefix of a [header] path: may be defined once */
#define TOML_F_EXPLICIT 0x02 /* table defined by its own [header] or [[header]] */
#define TOML_F_DOTTED 0x04   /* table made by a dotted key: only more dotted keys may extend it */
#define TOML_F_INLINE 0x08   /* inline table: sealed once written */
#define TOML_F_AOT 0x10      /* array made by [[header]]: more [[header]]s append to it */

/* A zeroed node of that type, or NULL. */
struct toml_value *toml_node_new(enum toml_type type);

/* Appends key (taken: malloc'ed, NUL-terminated, key_len bytes) -> v (taken) without
 * looking for an existing key: the caller checked. Frees both on failure. */
int toml_table_append(struct toml_value *t, char *key, size_t key_len, struct toml_value *v);

/* Appends v (taken; freed on failure). */
int toml_array_append(struct toml_value *a, struct toml_value *v);

/* A malloc'ed NUL-terminated copy of n bytes, or NULL. */
char *toml_memdup(const char *p, size_t n);

#endif
