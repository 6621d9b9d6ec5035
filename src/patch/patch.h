/* apply_patch: the patch format of the Codex CLI ("*** Begin Patch" ... "*** End Patch"),
 * byte-compatible with upstream (../shared/reference/codex-apply-patch.md).
 *
 * The library is three steps an agent can take separately:
 *
 *   patch_parse()   text -> struct patch (pure, no I/O)
 *   patch_verify()  reads the files and computes every change and its unified diff
 *                   without writing anything (first error wins)
 *   patch_apply()   applies the hunks in patch order, each file written atomically
 *
 * Paths in a patch resolve against the cwd the caller passes (an absolute path in the
 * patch replaces it); "." and ".." are resolved lexically, as upstream does.
 *
 * Errors come back in a struct patch_error rather than struct err: upstream's messages
 * embed patch lines and file contents of any length and the CLI must print them whole,
 * and the agent words parse errors differently from the CLI (patch_error_text).
 *
 * patch_from_argv() tells whether a command the model wants to run is an apply_patch
 * call (directly or as a shell heredoc) so the agent can take it over. The standalone
 * roles (argv[0] apply_patch / applypatch, --codex-run-as-apply-patch) are at the end. */
#ifndef CODEX_PATCH_PATCH_H
#define CODEX_PATCH_PATCH_H

#include <stddef.h>

#include "base/buf.h"

/* A slice of text owned by something else (the struct patch it came from, unless said
 * otherwise). Not NUL-terminated; may contain NUL bytes. s == NULL means "absent". */
struct patch_str {
	const char *s;
	size_t len;
};

/* How an update treats line endings (reference §2.2). */
enum patch_eol_mode {
	/* Upstream's default ("legacy"): the file is split on \n, a CR stays part of the
	 * line, the result is joined with \n. */
	PATCH_EOL_NORMALIZE_LF,
	/* CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1: every line keeps its own ending
	 * (\r\n, \r or \n), context lines keep their bytes, new lines get the file's first
	 * ending. */
	PATCH_EOL_PRESERVE
};

enum patch_hunk_kind {
	PATCH_HUNK_ADD,
	PATCH_HUNK_DELETE,
	PATCH_HUNK_UPDATE
};
const char *patch_hunk_kind_str(enum patch_hunk_kind k);

/* One "@@" section of an Update hunk. A context line is in both old_lines and
 * new_lines; context[i] = {old index, new index} records which pairs came from
 * context lines (PATCH_EOL_PRESERVE keeps their bytes from the file). The lines point
 * into the patch's text, where each is followed by at least one more byte (its line
 * ending there: \n, or a \r the parser kept); the updater reads that byte. */
struct patch_chunk {
	struct patch_str context;        /* text after "@@ ", or s == NULL for a bare "@@" */
	const struct patch_str *old_lines;
	size_t n_old;
	const struct patch_str *new_lines;
	size_t n_new;
	const size_t (*context_pairs)[2];
	size_t n_context;
	int end_of_file;                 /* followed by "*** End of File" */
};

struct patch_hunk {
	enum patch_hunk_kind kind;
	struct patch_str path;           /* as written after the marker */
	struct patch_str move_path;      /* UPDATE with "*** Move to:", else s == NULL */
	struct patch_str contents;       /* ADD: the new file's bytes (each line + "\n") */
	const struct patch_chunk *chunks; /* UPDATE */
	size_t n_chunks;
	size_t line;                     /* line number of the header, 1 = Begin Patch */
};

/* A parsed patch. Everything it points to lives until patch_free(). */
struct patch {
	const struct patch_hunk *hunks;
	size_t n_hunks;
	struct patch_str environment_id; /* "*** Environment ID:" preamble, or s == NULL */
	struct patch_str text;           /* the patch after trimming and heredoc removal */
	void *storage;                   /* private */
};

enum patch_error_kind {
	PATCH_OK = 0,
	PATCH_ERR_INVALID_PATCH,  /* envelope: "Invalid patch: <msg>" */
	PATCH_ERR_INVALID_HUNK,   /* "Invalid patch hunk on line <line>: <msg>" */
	PATCH_ERR_NO_HUNKS,       /* "No files were modified." */
	PATCH_ERR_NOT_FOUND,      /* a context or the old lines are not in the file */
	PATCH_ERR_IO,             /* reading, writing or removing a file failed */
	PATCH_ERR_DUPLICATE,      /* verify: "multiple operations target <abs>" */
	PATCH_ERR_LIMIT,          /* an input is over a cap of base/limits.h */
	PATCH_ERR_NO_MEMORY
};
const char *patch_error_kind_str(enum patch_error_kind k);

/* The first error of an operation. msg is owned (free with patch_error_free) and has
 * the message without the "Invalid patch..." prefix; it may be NULL after an
 * allocation failure. Initialise with PATCH_ERROR_INIT. */
struct patch_error {
	enum patch_error_kind kind;
	size_t line;                     /* PATCH_ERR_INVALID_HUNK */
	char *msg;
	size_t len;
};
#define PATCH_ERROR_INIT {PATCH_OK, 0, NULL, 0}
void patch_error_free(struct patch_error *pe);

enum patch_error_style {
	PATCH_ERROR_CLI,   /* what the apply_patch binary prints: "Invalid patch hunk on line 2: ..." */
	PATCH_ERROR_AGENT  /* upstream's ParseError Display: "invalid hunk at line 2, ..." */
};
/* Appends the full text of the error (no trailing newline) to out. */
int patch_error_text(const struct patch_error *pe, enum patch_error_style style,
		     struct buf *out);

/* Parses text (len bytes, UTF-8; the lenient forms of reference §1.2 are accepted).
 * On success *out is a new patch (patch_free it); zero hunks is a valid parse. The
 * text is copied: the caller's buffer can go at once. Caps: LIMIT_PATCH_BYTES,
 * LIMIT_PATCH_LINES. */
int patch_parse(const char *text, size_t len, struct patch **out, struct patch_error *pe);
/* The same, but the patch may point into text instead of a copy of it: text must stay
 * as it is until patch_free. For a caller that holds the text anyway (the CLI), this
 * saves copying a patch of any size. */
int patch_parse_borrowed(const char *text, size_t len, struct patch **out,
			 struct patch_error *pe);
void patch_free(struct patch *p);

struct patch_options {
	enum patch_eol_mode eol;
};
/* PATCH_EOL_PRESERVE when CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS is exactly "1". */
enum patch_eol_mode patch_eol_mode_from_env(void);

enum patch_change_kind {
	PATCH_CHANGE_ADD,
	PATCH_CHANGE_DELETE,
	PATCH_CHANGE_UPDATE
};

/* One file a verified patch will change. Strings are owned by the patch_changes and
 * NUL-terminated (contents may also hold NUL bytes: use the lengths). */
struct patch_change {
	enum patch_change_kind kind;
	const struct patch_hunk *hunk;  /* borrowed from the patch */
	char *path;                     /* resolved absolute path */
	char *move_path;                /* UPDATE with Move to: resolved, else NULL */
	char *old_content;              /* DELETE, UPDATE: the file now; else NULL */
	size_t old_len;
	char *new_content;              /* ADD, UPDATE: the file afterwards; else NULL */
	size_t new_len;
	char *unified_diff;             /* UPDATE: "@@ -1,4 +1,4 @@\n..." (1 line of context) */
	size_t diff_len;
};

struct patch_changes {
	struct patch_change *v;
	size_t n;
};
void patch_changes_free(struct patch_changes *c);

/* Computes what applying p under cwd would do, writing nothing: resolves every path,
 * rejects two hunks on the same resolved path, reads Delete and Update targets and
 * runs the matching. On success out holds one change per hunk (none for an empty
 * patch); on failure out is empty and pe holds the first error. */
int patch_verify(const struct patch *p, const char *cwd, const struct patch_options *o,
		 struct patch_changes *out, struct patch_error *pe);

/* Applies the hunks in patch order, as upstream: no rollback, so on failure the hunks
 * before the failing one stay applied (*n_applied of them; n_applied may be NULL).
 * Each file is written atomically (temp file in its directory, fsync, rename; mode
 * kept), so the file being written when a failure happens is left as it was. An
 * empty patch fails with PATCH_ERR_NO_HUNKS. */
int patch_apply(const struct patch *p, const char *cwd, const struct patch_options *o,
		size_t *n_applied, struct patch_error *pe);

/* Appends upstream's success summary: "Success. Updated the following files:\n" then
 * "A <path>\n" for every Add, "M <path>\n" for every Update (its Move to path if any),
 * "D <path>\n" for every Delete, each group in patch order, paths as written. */
int patch_summary(const struct patch *p, struct buf *out);

/* Appends the hunks of the unified diff old -> new with `context` lines of context and
 * no file headers (git uses 3), for the agent's turn diff. */
int patch_unified_diff(const char *old, size_t old_len, const char *new_, size_t new_len,
		       size_t context, struct buf *out);

/* How a command the model asked to run relates to apply_patch (reference §5). */
enum patch_argv_kind {
	PATCH_ARGV_NOT_APPLY_PATCH, /* some other command: run it as such */
	PATCH_ARGV_PATCH,           /* apply_patch: see patch_from_argv */
	PATCH_ARGV_IMPLICIT,        /* a bare patch as the command: refuse it with
				     * PATCH_IMPLICIT_INVOCATION_MSG */
	PATCH_ARGV_INVALID          /* apply_patch, but its patch does not parse */
};
const char *patch_argv_kind_str(enum patch_argv_kind k);

#define PATCH_IMPLICIT_INVOCATION_MSG                                                  \
	"patch detected without explicit call to apply_patch. Rerun as [\"apply_patch\", " \
	"\"<patch>\"]"

/* Recognises ["apply_patch" or "applypatch", PATCH], and a shell invocation (bash, zsh
 * or sh -c/-lc; pwsh/powershell [-NoProfile] -Command; cmd /c) whose script is only
 * `apply_patch <<'EOF'` (or <<EOF, <<"EOF") with the patch as the heredoc, optionally
 * after `cd DIR && `. On PATCH_ARGV_PATCH, *out is the parsed patch (patch_free it) and
 * *workdir the cd directory (free it; NULL without cd: paths then resolve against the
 * command's cwd, else against cwd joined with it). On PATCH_ARGV_INVALID, pe holds
 * the parse error. Otherwise both are NULL. */
enum patch_argv_kind patch_from_argv(int argc, char *const *argv, struct patch **out,
				     char **workdir, struct patch_error *pe);

/* Role entry points (src/main.c). argv[0] is apply_patch or applypatch: the patch is
 * the single argument, or stdin when there is none. */
int patch_main(int argc, char **argv);
/* argv[0] is "--codex-run-as-apply-patch", argv[1] the patch (no stdin fallback). */
int patch_main_run_as(int argc, char **argv);

#endif
