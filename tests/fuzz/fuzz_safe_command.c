/* The plain-script parser behind is_known_safe_command: any bytes either are refused or
 * parse into commands whose words, written back single-quoted and joined by ';', parse
 * into the same commands (so nothing the parser accepted had a hidden meaning it
 * dropped). Both verdict functions must also run cleanly on the bytes as a script. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/safe_command.h"
#include "base/buf.h"

static int quote_back(const struct safe_script *s, struct buf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i && buf_puts(out, "; ") < 0)
			return -1;
		for (size_t k = 0; k < s->cmds[i].n; k++) {
			const char *w = s->cmds[i].v[k];
			if (k && buf_putc(out, ' ') < 0)
				return -1;
			/* 'a'"'"'b' for a'b: single-quoted runs, each ' in double quotes. */
			if (buf_putc(out, '\'') < 0)
				return -1;
			for (const char *p = w; *p; p++)
				if (*p == '\'' ? buf_puts(out, "'\"'\"'") < 0 : buf_putc(out, *p) < 0)
					return -1;
			if (buf_putc(out, '\'') < 0)
				return -1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct safe_script s, again;
	struct buf text;
	char *script;

	script = malloc(size + 1);
	if (!script)
		return 0;
	memcpy(script, data, size);
	script[size] = '\0';
	{
		const char *argv[3] = {"bash", "-lc", script};
		(void)safe_command_is_known_safe(argv, 3);
		(void)safe_command_might_be_dangerous(argv, 3);
	}
	if (safe_script_parse((const char *)data, size, &s) < 0) {
		free(script);
		return 0;
	}
	buf_init(&text, 1u << 22);
	if (quote_back(&s, &text) == 0 && text.data && text.len <= SAFE_SCRIPT_MAX_BYTES) {
		if (safe_script_parse(text.data, text.len, &again) < 0)
			abort();
		if (again.n != s.n)
			abort();
		for (size_t i = 0; i < s.n; i++) {
			if (again.cmds[i].n != s.cmds[i].n)
				abort();
			for (size_t k = 0; k < s.cmds[i].n; k++)
				if (strcmp(again.cmds[i].v[k], s.cmds[i].v[k]) != 0)
					abort();
		}
		safe_script_free(&again);
	}
	buf_free(&text);
	safe_script_free(&s);
	free(script);
	return 0;
}
