/* See mention_codec.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "tui/mention_codec.h"

/* A message is composer text: its cap bounds the encoded form too (paths add little). */
#define MENTION_TEXT_MAX (8u << 20)

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* `$PATH` and friends are shell text, never a mention (upstream's list). */
static bool env_var(const char *name, size_t n)
{
	static const char *const vars[] = {"PATH", "HOME", "USER", "SHELL", "PWD", "TMPDIR", "TEMP",
					   "TMP", "LANG", "TERM", "XDG_CONFIG_HOME"};

	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		if (strlen(vars[i]) == n && strncasecmp(vars[i], name, n) == 0)
			return true;
	return false;
}

static bool tool_path(const char *p, size_t n)
{
	static const char *const schemes[] = {"app://", "mcp://", "plugin://", "skill://"};
	size_t base = n;

	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (n >= strlen(schemes[i]) && strncmp(p, schemes[i], strlen(schemes[i])) == 0)
			return true;
	while (base > 0 && p[base - 1] != '/' && p[base - 1] != '\\')
		base--;
	return n - base == 8 && strncasecmp(p + base, "SKILL.md", 8) == 0;
}

char *mention_encode(const char *text, const struct strv *names, const struct strv *paths)
{
	size_t nb = names && paths ? (names->n < paths->n ? names->n : paths->n) : 0;
	bool used[MENTION_MAX_BINDINGS] = {false};
	struct buf b;
	const char *p = text;

	if (nb > MENTION_MAX_BINDINGS)
		nb = MENTION_MAX_BINDINGS;
	buf_init(&b, MENTION_TEXT_MAX);
	while (*p) {
		size_t n = 0, i;
		if (*p != '$' || !name_char(p[1])) {
			if (buf_putc(&b, *p++) < 0)
				goto oom;
			continue;
		}
		while (name_char(p[1 + n]))
			n++;
		for (i = 0; i < nb; i++)
			if (!used[i] && strlen(names->v[i]) == n + 1 &&
			    strncmp(names->v[i], p, n + 1) == 0)
				break;
		if (i < nb) {
			used[i] = true;
			if (buf_printf(&b, "[%.*s](%s)", (int)(n + 1), p, paths->v[i]) < 0)
				goto oom;
		} else if (buf_append(&b, p, n + 1) < 0) {
			goto oom;
		}
		p += n + 1;
	}
	return buf_take(&b);
oom:
	buf_free(&b);
	return NULL;
}

/* A link at p ("[$name](path)" or "[@name](plugin://…)"): its name (from the sigil),
 * its trimmed path and the length of the whole link; false when p holds none. */
static bool link_at(const char *p, const char **name, size_t *name_n, const char **path,
		    size_t *path_n, size_t *len)
{
	const char *q, *s, *e;
	char sigil = p[1];

	if (p[0] != '[' || (sigil != '$' && sigil != '@') || !name_char(p[2]))
		return false;
	for (q = p + 2; name_char(*q); q++)
		;
	if (*q != ']')
		return false;
	*name = p + 1;
	*name_n = (size_t)(q - p - 1);
	for (q++; *q && isspace((unsigned char)*q); q++)
		;
	if (*q != '(' || !(e = strchr(q, ')')))
		return false;
	for (s = q + 1; s < e && isspace((unsigned char)*s); s++)
		;
	*len = (size_t)(e + 1 - p);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*path = s;
	*path_n = (size_t)(e - s);
	if (!*path_n || env_var(*name + 1, *name_n - 1))
		return false;
	/* `@` is other clients' sigil, for plugins only (upstream). */
	if (sigil == '@')
		return *path_n >= 9 && strncmp(s, "plugin://", 9) == 0;
	return tool_path(s, *path_n);
}

char *mention_decode(const char *enc, struct strv *names, struct strv *paths)
{
	struct buf b;
	const char *p = enc;

	buf_init(&b, MENTION_TEXT_MAX);
	while (*p) {
		const char *name, *path;
		size_t name_n, path_n, len;
		if (!link_at(p, &name, &name_n, &path, &path_n, &len)) {
			if (buf_putc(&b, *p++) < 0)
				goto oom;
			continue;
		}
		/* shown with `$` whatever the sigil was: the TUI's own mentions */
		if (buf_putc(&b, '$') < 0 || buf_append(&b, name + 1, name_n - 1) < 0)
			goto oom;
		if (names && paths && names->n < MENTION_MAX_BINDINGS) {
			if (strv_pushf(names, "$%.*s", (int)(name_n - 1), name + 1) < 0)
				goto oom;
			if (strv_pushf(paths, "%.*s", (int)path_n, path) < 0) {
				free(names->v[--names->n]);
				names->v[names->n] = NULL;
				goto oom;
			}
		}
		p += len;
	}
	return buf_take(&b);
oom:
	buf_free(&b);
	return NULL;
}
