/* shlex-style quoting of one word (shell_quote.h). */
#include "base/shell_quote.h"

#include <stdbool.h>
#include <string.h>

static bool plain(const char *w)
{
	if (!*w)
		return false; /* an empty word must still be one word: '' */
	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "@%+=:,./-_", *p))
			return false;
	return true;
}

int shell_quote_append(struct buf *b, const char *word)
{
	if (plain(word))
		return buf_puts(b, word);
	if (buf_putc(b, '\'') < 0)
		return -1;
	for (const char *p = word; *p; p++)
		if ((*p == '\'' ? buf_puts(b, "'\\''") : buf_putc(b, *p)) < 0)
			return -1;
	return buf_putc(b, '\'');
}
