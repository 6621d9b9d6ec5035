/* Skills, private to src/agent (the public part is in agent.h): the SKILL.md front-matter
 * parser, discovery from explicit roots, the <skills_instructions> text, and the
 * `$name` mentions of a prompt, each usable on its own by the unit tests and the fuzz
 * target. */
#ifndef CODEX_AGENT_SKILLS_H
#define CODEX_AGENT_SKILLS_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "agent/agent.h"
#include "base/err.h"
#include "base/strv.h"

/* A SKILL.md larger than this is refused: its body goes whole into the conversation
 * when mentioned, and no instructions file of a sane size comes near it. */
#define SKILL_FILE_MAX_BYTES (1024u * 1024)
/* The front matter holds a name and a few lines of description; more is not one. */
#define SKILL_FRONT_MAX_BYTES (64u * 1024)
/* Folders below a root that are searched (upstream's MAX_SCAN_DEPTH). */
#define SKILL_SCAN_MAX_DEPTH 6
/* Folders visited per root (upstream's MAX_SKILLS_DIRS_PER_ROOT): a root that is
 * accidentally a home directory or a checkout is cut short, not walked whole. */
#define SKILL_SCAN_MAX_DIRS 2000
/* Skills kept in all: far above any real set, it bounds the instructions message. */
#define SKILL_MAX_COUNT 1000
/* Skill folders of plugins added to one session's roots. */
#define SKILL_MAX_PLUGIN_ROOTS 64
/* `$name` mentions read from one prompt. */
#define SKILL_MAX_MENTIONS 256

/* The fields of the front matter, as written (not yet made one line); NULL if absent. */
struct skill_front {
	char *name;
	char *description;
	char *short_description;       /* metadata: short-description */
};

/* Parses text's front matter (a first line "---", YAML key: value lines, a closing "---")
 * for the fields above. The YAML read is the subset skills use: top-level keys, one
 * nested mapping (metadata), plain, single- and double-quoted scalars (continued on more
 * indented lines), and | / > block scalars; comments. Unknown keys are skipped. -1 with
 * e ("missing YAML frontmatter delimited by ---", "invalid YAML: ...") on anything else.
 * Free with skill_front_free. */
int skill_front_parse(const char *text, size_t len, struct skill_front *out, struct err *e);
void skill_front_free(struct skill_front *f);

/* Whitespace runs become one space, ends trimmed (upstream's sanitize_single_line).
 * Malloc'ed, or NULL. */
char *skill_one_line(const char *s);

/* A skill from the SKILL.md at path (its text in text): the sanitized name (the folder's
 * name when the front matter has none), description and short description, checked
 * against AGENT_SKILL_NAME_MAX / AGENT_SKILL_DESCRIPTION_MAX. -1 with e saying why. */
int skill_from_text(const char *path, const char *text, size_t len, enum agent_skill_scope scope,
		    struct agent_skill *out, struct err *e);
void skill_clear(struct agent_skill *s);

struct skill_root {
	const char *path;
	enum agent_skill_scope scope;
};
/* Discovery from roots (highest precedence first): every SKILL.md at most
 * SKILL_SCAN_MAX_DEPTH folders down (hidden entries skipped; symlinked folders followed
 * except under system roots), the same file once, sorted by scope, name, path. All
 * enabled. */
int skills_discover(const struct skill_root *roots, size_t n, struct agent_skills *out,
		    struct err *e);
/* The roots for cwd (see agent.h), into paths/scopes (n at most 64). */
int skills_roots(const char *codex_home, const char *home, const char *cwd, struct strv *paths,
		 enum agent_skill_scope *scopes, size_t max, size_t *n, struct err *e);
/* Applies [[skills.config]] rules in order (a later rule for the same skill wins). */
void skills_apply_rules(struct agent_skills *s, const struct config_skill_rule *rules, size_t n);

/* "<skills_instructions>\n...\n</skills_instructions>" listing the enabled skills, or
 * NULL when none is (or memory runs out: *oom). Malloc'ed. */
char *skills_instructions_text(const struct agent_skills *s, bool *oom);

/* The enabled skills text mentions, in the list's order: `[$name](path)` selects the
 * skill at path; `$name` the one skill of that name (none when two share it). Common
 * environment variables ($PATH, $HOME, ...) are not mentions. Indexes into s->v, at most
 * max; their number. */
size_t skills_mentioned(const struct agent_skills *s, const char *text, size_t *out, size_t max);

/* The <skill> user message carrying a mentioned skill's file. */
cJSON *skills_injection_message(const char *name, const char *path, const char *contents);

/* Rewrites config.toml's [[skills.config]] (config_path; created when missing) so that
 * the skill at path is disabled (an entry {path, enabled = false}) or enabled (its path
 * entries removed). */
int skills_persist_enabled(const char *config_path, const char *path, bool enabled,
			   struct err *e);

#endif
