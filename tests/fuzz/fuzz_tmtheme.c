/* The TUI's .tmTheme reader and syntax tokenizer (src/tui/tmtheme.c, highlight.c). For
 * any bytes:
 * - tmtheme_parse either fills a theme or fails with a one-line message, never reading
 *   past the input (it is not NUL-terminated here);
 * - the tokenizer, for every language, gives tokens that cover each line exactly, in
 *   order, within the token cap, and the styled text it appends has the same width as
 *   the sanitised line (marks take no columns and no text is added or lost). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/highlight.h"

static void tokenize_all(const char *s, size_t n)
{
	for (int lang = HL_LANG_NONE; lang <= HL_LANG_MARKDOWN; lang++) {
		int state = 0;
		size_t at = 0;
		while (at < n) {
			const char *nl = memchr(s + at, '\n', n - at);
			size_t len = nl ? (size_t)(nl - s - at) : n - at, end = 0;
			struct hl_token t[64];
			size_t k = hl_tokenize((enum hl_lang)lang, &state, s + at, len, t, 64);
			struct buf b;
			for (size_t j = 0; j < k; j++) {
				if (t[j].start != end || !t[j].len)
					abort();
				end += t[j].len;
			}
			if (end != len || k > 64)
				abort();
			buf_init(&b, 1u << 20);
			if (hl_append((enum hl_lang)lang, &state, s + at, len, &b) == 0 &&
			    tui_text_width(b.data ? b.data : "", b.len) != tui_text_width(s + at, len))
				abort();
			buf_free(&b);
			at += len + (nl ? 1 : 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	struct err e = {0};
	char *copy = malloc(size ? size : 1);
	struct buf clean;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (tmtheme_parse(copy, size, &t, &e) < 0 && (!e.msg[0] || strchr(e.msg, '\n')))
		abort();
	/* the tokenizer only ever sees sanitised text */
	buf_init(&clean, 1u << 20);
	if (tui_sanitize(&clean, copy, size, true) == 0)
		tokenize_all(clean.data ? clean.data : "", clean.len);
	buf_free(&clean);
	free(copy);
	return 0;
}
