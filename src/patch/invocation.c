/* Recognising apply_patch in a command the model wants to run (reference §5): the direct
 * argv form, and a shell script that is nothing but `[cd DIR &&] apply_patch <<'EOF'`
 * with the patch as its heredoc. Upstream matches the script with a tree-sitter-bash
 * query; we accept the same forms with a small scanner and, like upstream, reject
 * anything else (other commands before or after, `;`, `||`, `|`, arguments to
 * apply_patch, a second cd, cd with two arguments or an expansion). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "patch/internal.h"

const char *patch_argv_kind_str(enum patch_argv_kind k)
{
	switch (k) {
	case PATCH_ARGV_NOT_APPLY_PATCH:
		return "not apply_patch";
	case PATCH_ARGV_PATCH:
		return "apply_patch";
	case PATCH_ARGV_IMPLICIT:
		return "implicit invocation";
	case PATCH_ARGV_INVALID:
		return "invalid patch";
	}
	return "?";
}

static int is_apply_patch(const char *s, size_t n)
{
	return (n == 11 && memcmp(s, "apply_patch", 11) == 0) ||
	       (n == 10 && memcmp(s, "applypatch", 10) == 0);
}

/* The shell's name: basename, extension dropped, lower case ("C:\\x\\PowerShell.exe"
 * and "/bin/bash" both work). */
static void shell_name(const char *path, char *out, size_t cap)
{
	const char *base = path, *dot;
	size_t n;

	for (const char *p = path; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)base[i]);
	out[n] = '\0';
}

/* The script of a shell invocation we look into, or NULL. */
static const char *shell_script(int argc, char *const *argv)
{
	char name[32];
	int i = 1;

	if (argc < 3)
		return NULL;
	shell_name(argv[0], name, sizeof name);
	if (strcmp(name, "bash") == 0 || strcmp(name, "zsh") == 0 || strcmp(name, "sh") == 0)
		return argc == 3 && (strcmp(argv[1], "-c") == 0 || strcmp(argv[1], "-lc") == 0)
			       ? argv[2] : NULL;
	if (strcmp(name, "cmd") == 0)
		return argc == 3 && strcasecmp(argv[1], "/c") == 0 ? argv[2] : NULL;
	if (strcmp(name, "pwsh") != 0 && strcmp(name, "powershell") != 0)
		return NULL;
	if (argc == 4 && strcasecmp(argv[1], "-noprofile") == 0)
		i = 2;
	return argc == i + 2 && strcasecmp(argv[i], "-command") == 0 ? argv[i + 1] : NULL;
}

struct scan {
	const char *s;
	size_t pos, len;
};

static void skip_blanks(struct scan *sc)
{
	while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' || sc->s[sc->pos] == '\t'))
		sc->pos++;
}

static void skip_space(struct scan *sc)
{
	while (sc->pos < sc->len && isspace((unsigned char)sc->s[sc->pos]))
		sc->pos++;
}

static int take(struct scan *sc, const char *lit)
{
	size_t n = strlen(lit);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, lit, n) != 0)
		return 0;
	sc->pos += n;
	return 1;
}

/* A plain shell word: no quotes, expansions, escapes or operators. */
static struct patch_str word(struct scan *sc)
{
	size_t start = sc->pos;

	while (sc->pos < sc->len && !isspace((unsigned char)sc->s[sc->pos]) &&
	       !strchr(";&|<>()$`\\\"'", sc->s[sc->pos]))
		sc->pos++;
	return (struct patch_str){sc->s + start, sc->pos - start};
}

/* A word, 'raw string' or "string without expansions"; s == NULL when none is here. */
static struct patch_str argument(struct scan *sc)
{
	char q = sc->pos < sc->len ? sc->s[sc->pos] : '\0';
	const char *end;

	if (q != '\'' && q != '"') {
		struct patch_str w = word(sc);
		return w.len ? w : (struct patch_str){NULL, 0};
	}
	end = memchr(sc->s + sc->pos + 1, q, sc->len - sc->pos - 1);
	if (!end)
		return (struct patch_str){NULL, 0};
	struct patch_str a = {sc->s + sc->pos + 1, (size_t)(end - sc->s) - sc->pos - 1};
	if (q == '"' && (memchr(a.s, '$', a.len) || memchr(a.s, '`', a.len) ||
			 memchr(a.s, '\\', a.len)))
		return (struct patch_str){NULL, 0};
	sc->pos = (size_t)(end - sc->s) + 1;
	return a;
}

/* Finds the heredoc body in script; 1 when the script has one of the accepted forms. */
static int heredoc(const char *script, struct patch_str *body, struct patch_str *workdir)
{
	struct scan sc = {script, 0, strlen(script)};
	struct patch_str cmd, delim;
	const char *line, *stop = NULL;

	workdir->s = NULL;
	skip_space(&sc);
	cmd = word(&sc);
	if (cmd.len == 2 && memcmp(cmd.s, "cd", 2) == 0) {
		skip_blanks(&sc);
		*workdir = argument(&sc);
		skip_blanks(&sc);
		if (!workdir->s || !take(&sc, "&&"))
			return 0;
		skip_space(&sc);
		cmd = word(&sc);
	}
	if (!is_apply_patch(cmd.s, cmd.len))
		return 0;
	skip_blanks(&sc);
	if (!take(&sc, "<<") || take(&sc, "<") || take(&sc, "-"))
		return 0;
	skip_blanks(&sc);
	delim = argument(&sc);
	skip_blanks(&sc);
	if (!delim.s || delim.len == 0 || !take(&sc, "\n"))
		return 0;
	/* The body runs to the first line that is exactly the delimiter. */
	body->s = script + sc.pos;
	for (line = body->s; line <= script + sc.len; line = stop + 1) {
		stop = memchr(line, '\n', (size_t)(script + sc.len - line));
		if (!stop)
			stop = script + sc.len;
		if ((size_t)(stop - line) == delim.len && memcmp(line, delim.s, delim.len) == 0)
			break;
		if (stop == script + sc.len)
			return 0;
	}
	body->len = (size_t)(line - body->s);
	while (body->len > 0 && body->s[body->len - 1] == '\n')
		body->len--;
	sc.pos = (size_t)(stop - script);
	skip_space(&sc);
	return sc.pos == sc.len;
}

static int parses(const char *text)
{
	struct patch_error pe = PATCH_ERROR_INIT;
	struct patch *p = NULL;
	int ok = patch_parse(text, strlen(text), &p, &pe) == 0;

	patch_free(p);
	patch_error_free(&pe);
	return ok;
}

enum patch_argv_kind patch_from_argv(int argc, char *const *argv, struct patch **out,
				     char **workdir, struct patch_error *pe)
{
	struct patch_str body, dir;
	const char *script;

	*out = NULL;
	*workdir = NULL;
	if (argc == 1 && parses(argv[0]))
		return PATCH_ARGV_IMPLICIT;
	if (argc == 2 && is_apply_patch(argv[0], strlen(argv[0]))) {
		body = (struct patch_str){argv[1], strlen(argv[1])};
	} else {
		script = shell_script(argc, argv);
		if (!script)
			return PATCH_ARGV_NOT_APPLY_PATCH;
		if (parses(script))
			return PATCH_ARGV_IMPLICIT;
		if (!heredoc(script, &body, &dir))
			return PATCH_ARGV_NOT_APPLY_PATCH;
		if (dir.s) {
			*workdir = malloc(dir.len + 1);
			if (!*workdir) {
				perr_nomem(pe);
				return PATCH_ARGV_INVALID;
			}
			memcpy(*workdir, dir.s, dir.len);
			(*workdir)[dir.len] = '\0';
		}
	}
	if (patch_parse(body.s, body.len, out, pe) < 0) {
		free(*workdir);
		*workdir = NULL;
		return PATCH_ARGV_INVALID;
	}
	return PATCH_ARGV_PATCH;
}
