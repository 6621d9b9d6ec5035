/* Private to src/patch/: shared between the parser, matcher, updater, differ and
 * applier. Nothing here is part of the module's contract (see patch.h). */
#ifndef CODEX_PATCH_INTERNAL_H
#define CODEX_PATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/utf8.h"
#include "patch/patch.h"

/* ---- text.c: UTF-8 and Unicode whitespace, the way Rust's str methods see them ---- */

/* Bytes of leading / trailing White_Space characters (char::is_whitespace). s must be
 * valid UTF-8. */
size_t ptext_ws_prefix(const char *s, size_t n);
size_t ptext_ws_suffix(const char *s, size_t n);

/* str::trim / str::trim_end on a slice. */
struct patch_str ptext_trim(struct patch_str t);
struct patch_str ptext_trim_end(struct patch_str t);

int ptext_eq(struct patch_str a, const char *b);          /* a equals the C string b */
int ptext_starts(struct patch_str a, const char *prefix); /* a starts with prefix */

/* The four ways a pattern line can equal a file line, tried in this order (§2.4). */
enum pmatch_pass {
	PMATCH_EXACT,
	PMATCH_TRIM_END,
	PMATCH_TRIM,
	PMATCH_NORMALIZED,  /* trim, then typographic dashes/quotes/spaces to ASCII */
	PMATCH_PASSES
};
const char *pmatch_pass_str(enum pmatch_pass p);

int ptext_line_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b);
/* A hash that is equal for lines equal under pass. */
uint64_t ptext_line_hash(enum pmatch_pass pass, struct patch_str s);

/* ---- error.c ---- */

/* Sets pe (the first error sticks: a pe that already holds one is left alone).
 * Returns -1. */
int perr_set(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same with a message built by the caller; takes msg (freed here when pe is taken). */
int perr_take(struct patch_error *pe, enum patch_error_kind kind, struct buf *msg);
int perr_nomem(struct patch_error *pe);
/* A message quoting n bytes of text that may hold NUL bytes: before + text + after. */
int perr_quote(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	       const char *before, const char *text, size_t n, const char *after);

/* ---- match.c: finding a run of pattern lines in a file's lines ---- */

struct pmatch_index;

/* Window indexes kept per file (the least recently used goes first); each costs 12
 * bytes a line. Real patches use a handful: one per pass and chunk length searched. */
#define PMATCH_WINDOW_CACHE 12

struct pmatcher {
	const struct patch_str *lines;  /* the file's lines, borrowed */
	size_t n;
	uint64_t *line_hash[PMATCH_PASSES];               /* per line, built on first use */
	struct pmatch_index *window[PMATCH_WINDOW_CACHE]; /* built on first use */
	unsigned long clock;
};

void pmatch_init(struct pmatcher *m, const struct patch_str *lines, size_t n);
void pmatch_free(struct pmatcher *m);

/* seek_sequence (§2.4): the first position >= start where pattern matches, trying the
 * four passes in order. With eof the pattern must end at the last line (legacy mode
 * may then match before start, as upstream does). Returns 1 and sets *at when found,
 * 0 when not, -1 when out of memory. */
int pmatch_seek(struct pmatcher *m, const struct patch_str *pattern, size_t plen,
		size_t start, int eof, enum patch_eol_mode mode, size_t *at);

/* ---- update.c: new contents of an updated file ---- */

/* Computes the new contents of the file whose bytes are old (old_len) for the chunks
 * of hunk h. abs is the resolved path, for messages. *out is malloc'ed (free it),
 * NUL-terminated, *out_len bytes. */
int pupdate_contents(const struct patch_hunk *h, const char *abs, const char *old,
		     size_t old_len, enum patch_eol_mode mode, char **out, size_t *out_len,
		     struct patch_error *pe);

/* ---- diff.c ---- */

/* Appends the unified diff of old -> new with one line of context and no file
 * headers, as similar's TextDiff::from_lines(...).unified_diff().context_radius(1). */
int pdiff_unified(const char *old, size_t old_len, const char *new_, size_t new_len,
		  struct buf *out);

#endif
