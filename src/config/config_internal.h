/* Shared by the files of src/config/ that implement config.h; nothing else includes it.
 *
 * Loading goes: config.toml -> TOML tree; each -c override is written into that tree;
 * the selected profile is merged over the root (where no -c set the key); then one
 * typed pass (config_schema.c) turns the tree into struct config and records where
 * every value came from. Tree nodes carry that origin in their tag: */
#ifndef CODEX_CONFIG_CONFIG_INTERNAL_H
#define CODEX_CONFIG_CONFIG_INTERNAL_H

#include "config/config.h"
#include "config/toml.h"

#define CONFIG_TAG_FILE 0u     /* written in config.toml (the parser's tag) */
#define CONFIG_TAG_PROFILE 1u  /* merged from [profiles.<selected>] of config.toml */
#define CONFIG_TAG_OVERRIDE 2u /* 2 + i: from the i-th -c override */

/* A key this build does not read, for `codex debug config`. One allocation per key
 * (a config may hold tens of thousands): the origin text is made only when shown. */
struct config_ignored {
	char *key;          /* the dotted path, owned */
	const char *reason; /* a string literal */
	uint32_t tag, line; /* where it was written, as the tree node's */
};

/* Where values came from, for `codex debug config` (config_to_json). */
struct config_provenance {
	struct toml_value *origins;  /* a table (hashed: large configs stay linear): key path
				      * ("sandbox_workspace_write.network_access") -> string
				      * with the origin text; absent = built-in default */
	struct config_ignored *ignored; /* in the order met */
	size_t n_ignored, cap_ignored;
	bool file_exists;
};

/* What the typed pass needs to know besides the tree. */
struct config_source {
	const char *path;              /* config.toml, for positions */
	const char *profile;           /* the selected profile, or NULL */
	const struct strv *overrides;  /* the -c texts, for positions; may be NULL */
};

/* Fills cfg (already holding the defaults) from the merged tree root and validates
 * every profile under [profiles]. On error e says where and what; cfg is then only
 * fit for config_free. */
int config_extract(struct config *cfg, const struct toml_value *root,
		   const struct config_source *src, struct err *e);

/* Writes one -c "key=value" into root, tagging what it adds with tag. */
int config_apply_override(struct toml_value *root, const char *text, uint32_t tag,
			  struct err *e);

/* "<file>:<line>:<col>" or "-c <text>": where v was written, for error messages. */
void config_where(const struct config_source *src, const struct toml_value *v, char *out,
		  size_t cap);

/* The origin text shown by `codex debug config` for v; malloc'ed, or NULL. */
char *config_origin(const struct config_source *src, const struct toml_value *v);
/* The same from a node's tag and line. */
char *config_origin_at(const struct config_source *src, uint32_t tag, uint32_t line);

/* The built-in defaults (allocating strings and the built-in provider). */
int config_set_defaults(struct config *cfg);
/* Frees what cfg holds, not cfg itself (config_free does both). */
void config_free_fields(struct config *cfg);

/* A provider's defaults for a [model_providers.<id>] table. */
int config_provider_init(struct config_model_provider *p, const char *id);
/* "openai", "ollama", "lmstudio": created by config_set_defaults, never redefined. */
extern const char *const config_builtin_provider_ids[];
void config_provider_free(struct config_model_provider *p);

/* Records / looks up the origin text of a key path. */
int config_origin_set(struct config_provenance *p, const char *path, const char *origin);
const char *config_origin_get(const struct config_provenance *p, const char *path);

/* Sets key -> value (copies), replacing an existing entry. */
int config_map_set(struct config_map *m, const char *key, const char *value);

/* Replaces *slot with a copy of s (NULL allowed). */
int config_set_str(char **slot, const char *s);

/* "a.b" or a."b.c" for messages and provenance keys; malloc'ed or NULL. */
char *config_key_path(const char *prefix, const char *key, size_t key_len);

#endif
