/* Fuzz target for apply_patch's parser and matcher, on an in-memory file.
 *
 * Input: one flags byte, the file's bytes, a 0xFF byte (never part of UTF-8 text), then
 * the patch. Without the 0xFF the file is empty. Bit 0 of the flags picks the line-ending
 * mode. Every Update hunk is applied to the file; a result is diffed against it. The
 * patch text is also read as a `bash -lc` script (apply_patch in a heredoc). Besides
 * crashes and sanitizer reports, it traps when a result breaks a rule of the reference:
 * an updated file is empty or ends with a line ending. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static void update_all(const struct patch *p, const char *file, size_t file_len,
		       enum patch_eol_mode mode)
{
	for (size_t i = 0; i < p->n_hunks; i++) {
		const struct patch_hunk *h = &p->hunks[i];
		struct patch_error pe = PATCH_ERROR_INIT;
		char *out = NULL;
		size_t n = 0;
		struct buf text;

		if (h->kind != PATCH_HUNK_UPDATE) {
			check(h->n_chunks == 0);
			continue;
		}
		check(h->n_chunks > 0);
		if (pupdate_contents(h, "/fuzz/file", file, file_len, mode, &out, &n, &pe) == 0) {
			struct buf d;
			check(out != NULL && out[n] == '\0');
			check(n == 0 || out[n - 1] == '\n' ||
			      (mode == PATCH_EOL_PRESERVE && out[n - 1] == '\r'));
			buf_init(&d, (size_t)1 << 30);
			(void)pdiff_unified(file, file_len, out, n, &d);
			check(d.len > 0 || (n == file_len && memcmp(out, file, n) == 0));
			buf_free(&d);
		} else {
			check(out == NULL && pe.kind != PATCH_OK);
		}
		buf_init(&text, (size_t)1 << 30);
		(void)patch_error_text(&pe, PATCH_ERROR_CLI, &text);
		buf_free(&text);
		free(out);
		patch_error_free(&pe);
	}
}

/* The shell-form recogniser on the text as a script. */
static void as_script(const char *text, size_t len)
{
	char *script = malloc(len + 1);
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	char *workdir = NULL;
	enum patch_argv_kind k;

	if (!script)
		return;
	memcpy(script, text, len);
	script[len] = '\0';
	char *argv[] = {"bash", "-lc", script};
	k = patch_from_argv(3, argv, &p, &workdir, &pe);
	check((k == PATCH_ARGV_PATCH) == (p != NULL));
	check(k == PATCH_ARGV_PATCH || workdir == NULL);
	free(workdir);
	patch_free(p);
	patch_error_free(&pe);
	free(script);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *sep;
	const char *file = "", *text;
	size_t file_len = 0, text_len;
	enum patch_eol_mode mode;
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	struct buf out;

	if (size < 1)
		return 0;
	mode = (data[0] & 1) ? PATCH_EOL_PRESERVE : PATCH_EOL_NORMALIZE_LF;
	in++;
	size--;
	sep = memchr(in, 0xFF, size);
	if (sep) {
		file = in;
		file_len = (size_t)(sep - in);
		text = sep + 1;
		text_len = size - file_len - 1;
	} else {
		text = in;
		text_len = size;
	}
	buf_init(&out, (size_t)1 << 30);
	if (patch_parse(text, text_len, &p, &pe) == 0) {
		check(pe.kind == PATCH_OK);
		(void)patch_summary(p, &out);
		if (utf8_valid(file, file_len))
			update_all(p, file, file_len, mode);
	} else {
		check(p == NULL && pe.kind != PATCH_OK);
		(void)patch_error_text(&pe, PATCH_ERROR_AGENT, &out);
	}
	as_script(text, text_len);
	buf_free(&out);
	patch_error_free(&pe);
	patch_free(p);
	return 0;
}
