/* What the model reads of a command's output: upstream's budget (about four bytes a
 * token), its head-and-tail truncation, and its plain-text frames. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "base/shell_quote.h"

int64_t output_tokens(size_t bytes)
{
	return (int64_t)((bytes + 3) / 4);
}

static size_t lines_in(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n + (len && s[len - 1] != '\n');
}

/* Moves a cut back (or forward) to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t len, size_t at, bool forward)
{
	while (at > 0 && at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
		at += forward ? 1 : (size_t)-1;
	return at;
}

int output_truncate(struct buf *out, const char *text, size_t len, int64_t max_tokens)
{
	size_t budget, head, tail;

	if (max_tokens < 0)
		max_tokens = 0;
	if (output_tokens(len) <= max_tokens)
		return buf_append(out, text, len);
	budget = (size_t)max_tokens * 4;
	head = char_start(text, len, budget / 2, false);
	tail = char_start(text, len, len - (budget - budget / 2), true);
	if (tail < head)
		tail = head;
	return buf_printf(out, "Total output lines: %zu\n\n", lines_in(text, len)) < 0 ||
			       buf_append(out, text, head) < 0 ||
			       buf_printf(out, "\xe2\x80\xa6%lld tokens truncated\xe2\x80\xa6",
					  (long long)output_tokens(tail - head)) < 0 ||
			       buf_append(out, text + tail, len - tail) < 0
		       ? -1 : 0;
}

int output_exec_text(struct buf *out, int exit_code, uint64_t duration_ms, const char *text,
		     size_t len, int64_t max_tokens)
{
	if (buf_printf(out, "Exit code: %d\nWall time: %.1f seconds\nOutput:\n", exit_code,
		       (double)duration_ms / 1000.0) < 0)
		return -1;
	return output_truncate(out, text, len, max_tokens);
}

char *output_shell_join(char *const *argv)
{
	struct buf b;

	buf_init(&b, 16u << 20);
	for (size_t i = 0; argv && argv[i]; i++) {
		const char *w = argv[i];
		if ((i && buf_putc(&b, ' ') < 0) || shell_quote_append(&b, w) < 0)
			return NULL; /* the buffer freed itself */
	}
	return buf_take(&b);
}

int output_user_shell_record(struct buf *out, const char *command, int exit_code,
			     uint64_t duration_ms, const char *text, size_t len,
			     int64_t max_tokens)
{
	/* Upstream's sections joined by "\n": the output keeps its own final newline,
	 * so "hi\n" is followed by an empty line before </result>, as upstream sends. */
	if (buf_printf(out, "<user_shell_command>\n<command>\n%s\n</command>\n<result>\n"
			    "Exit code: %d\nDuration: %.4f seconds\nOutput:\n",
		       command, exit_code, (double)duration_ms / 1000.0) < 0 ||
	    output_truncate(out, text, len, max_tokens) < 0)
		return -1;
	return buf_puts(out, "\n</result>\n</user_shell_command>");
}
