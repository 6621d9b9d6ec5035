/* The TUI's sanitiser (src/tui/text.c), which makes model and command output inert, and
 * its key decoder (src/tui/keys.c). For any bytes:
 * - what tui_sanitize writes is well-formed UTF-8 holding no ESC, no C0 control but
 *   '\n', no DEL, no C1 control (U+0080..U+009F) and no TUI_MARK: nothing a terminal
 *   would act on, and nothing that could pass for our own style marks;
 * - sanitising the output again changes nothing;
 * - wrapping the output to any width gives rows no wider than that width;
 * - the key decoder gives the same keys fed whole or in chunks of any size;
 * - a paste into the composer (text, placeholder, or an image path: none exists under
 *   the directory used) expands back to exactly what was pasted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "tui/composer.h"
#include "tui/keys.h"
#include "tui/text.h"

#define MAX_IN 8192

struct trace {
	char log[MAX_IN * 8];
	size_t n;
};

static void on_key(void *arg, const struct key *k)
{
	struct trace *t = arg;

	if (t->n + 16 > sizeof t->log)
		return;
	t->log[t->n++] = (char)k->kind;
	memcpy(t->log + t->n, &k->cp, sizeof k->cp);
	t->n += sizeof k->cp;
	t->log[t->n++] = (char)k->mods;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, again;
	static struct trace whole, chunked;
	struct keys k;
	size_t step;
	int width;

	if (size < 1 || size > MAX_IN)
		return 0;
	step = data[0] % 13 + 1;
	width = data[0] % 40 + 1;
	buf_init(&out, MAX_IN * 8);
	buf_init(&again, MAX_IN * 8);
	if (tui_sanitize(&out, (const char *)data + 1, size - 1, data[0] & 1) < 0)
		abort();
	if (!utf8_valid(out.data ? out.data : "", out.len))
		abort();
	for (size_t i = 0; i < out.len;) {
		int len;
		uint32_t cp = tui_utf8_decode(out.data + i, out.len - i, &len);
		if ((cp < 0x20 && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			abort();
		i += (size_t)len;
	}
	if (tui_sanitize(&again, out.data ? out.data : "", out.len, true) < 0)
		abort();
	if (again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0))
		abort();
	{
		struct tui_rows rows = {0};
		char *line = out.data ? out.data : (char *)"";
		char *nl = memchr(line, '\n', out.len);
		size_t n = nl ? (size_t)(nl - line) : out.len;
		if (tui_wrap(line, n, width, width / 3, &rows) < 0)
			abort();
		for (size_t i = 0; i < rows.n; i++)
			if (tui_text_width(rows.v[i], strlen(rows.v[i])) > (size_t)(width < 2 ? 2 : width))
				abort();
		tui_rows_free(&rows);
	}
	buf_free(&out);
	buf_free(&again);

	whole.n = chunked.n = 0;
	keys_init(&k);
	keys_feed(&k, (const char *)data + 1, size - 1, on_key, &whole);
	keys_flush_esc(&k, on_key, &whole);
	keys_free(&k);
	keys_init(&k);
	for (size_t off = 1; off < size; off += step)
		keys_feed(&k, (const char *)data + off, off + step <= size ? step : size - off, on_key,
			  &chunked);
	keys_flush_esc(&k, on_key, &chunked);
	keys_free(&k);
	if (whole.n != chunked.n || memcmp(whole.log, chunked.log, whole.n) != 0)
		abort();
	{
		struct composer c;
		char *img = composer_image_path((const char *)data + 1, size - 1,
						"/nonexistent-fuzz-dir");
		char *exp;
		if (img && img[0] != '/')
			abort();
		free(img);
		composer_init(&c);
		if (!memchr(data + 1, '\0', size - 1) && composer_paste(&c, (const char *)data + 1, size - 1) == 0) {
			exp = composer_expanded(&c);
			if (!exp || strlen(exp) != size - 1 || memcmp(exp, data + 1, size - 1) != 0)
				abort();
			free(exp);
		}
		composer_free(&c);
	}
	return 0;
}
