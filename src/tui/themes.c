/* The built-in themes, the current theme, and its colours as SGR (see highlight.h).
 * The names are upstream's (two-face's embedded themes); the palettes are each theme's
 * published colours for the token classes we tell apart, not copies of its files. */
#include "tui/highlight.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/file.h"

#define NC THEME_NO_COLOR
#define ANSI(i) (THEME_ANSI_FLAG | (i))

/* fg, keyword, string, comment, number, type, function, constant, operator, meta, tag,
 * inserted, deleted */
#define THEME(n, fg, kw, str, com, num, ty, fn, con, op, meta, tag, ins, del)                 \
	{n,                                                                                     \
	 {{fg, false}, {kw, false}, {str, false}, {com, false}, {num, false}, {ty, false},      \
	  {fn, false}, {con, false}, {op, false}, {meta, false}, {tag, false}, {ins, false},    \
	  {del, false}},                                                                        \
	 NC, NC}

/* Sorted by name (themes_builtin_find and the picker rely on it). */
static const struct theme builtin[] = {
	THEME("1337", 0xf8f8f2, 0xff5e5e, 0xfbe3bf, 0x6d6d6d, 0xfdb082, 0xffaa00, 0x8cdaff,
	      0xfdb082, 0xff5e5e, 0x8cdaff, 0xff5e5e, 0x8cff8c, 0xff5e5e),
	THEME("ansi", NC, ANSI(5), ANSI(2), ANSI(4), ANSI(3), ANSI(3), ANSI(4), ANSI(6), NC,
	      ANSI(6), ANSI(4), ANSI(2), ANSI(1)),
	THEME("base16", ANSI(7), ANSI(5), ANSI(2), ANSI(8), ANSI(3), ANSI(3), ANSI(4), ANSI(9),
	      ANSI(6), ANSI(6), ANSI(1), ANSI(2), ANSI(1)),
	THEME("base16-256", ANSI(7), ANSI(5), ANSI(2), ANSI(8), ANSI(16), ANSI(3), ANSI(4),
	      ANSI(16), ANSI(6), ANSI(17), ANSI(1), ANSI(2), ANSI(1)),
	THEME("base16-eighties-dark", 0xd3d0c8, 0xcc99cc, 0x99cc99, 0x747369, 0xf99157, 0xffcc66,
	      0x6699cc, 0xf99157, 0x66cccc, 0x66cccc, 0xf2777a, 0x99cc99, 0xf2777a),
	THEME("base16-mocha-dark", 0xd0c8c6, 0xa89bb9, 0xbeb55b, 0x7e705a, 0xd28b71, 0xf4bc87,
	      0x8ab3b5, 0xd28b71, 0x7bbda4, 0x7bbda4, 0xcb6077, 0xbeb55b, 0xcb6077),
	THEME("base16-ocean-dark", 0xc0c5ce, 0xb48ead, 0xa3be8c, 0x65737e, 0xd08770, 0xebcb8b,
	      0x8fa1b3, 0xd08770, 0x96b5b4, 0x96b5b4, 0xbf616a, 0xa3be8c, 0xbf616a),
	THEME("base16-ocean-light", 0x4f5b66, 0xb48ead, 0xa3be8c, 0xa7adba, 0xd08770, 0xebcb8b,
	      0x8fa1b3, 0xd08770, 0x96b5b4, 0x96b5b4, 0xbf616a, 0xa3be8c, 0xbf616a),
	THEME("catppuccin-frappe", 0xc6d0f5, 0xca9ee6, 0xa6d189, 0x949cbb, 0xef9f76, 0xe5c890,
	      0x8caaee, 0xef9f76, 0x99d1db, 0xe5c890, 0x8caaee, 0xa6d189, 0xe78284),
	THEME("catppuccin-latte", 0x4c4f69, 0x8839ef, 0x40a02b, 0x7c7f93, 0xfe640b, 0xdf8e1d,
	      0x1e66f5, 0xfe640b, 0x04a5e5, 0xdf8e1d, 0x1e66f5, 0x40a02b, 0xd20f39),
	THEME("catppuccin-macchiato", 0xcad3f5, 0xc6a0f6, 0xa6da95, 0x939ab7, 0xf5a97f, 0xeed49f,
	      0x8aadf4, 0xf5a97f, 0x91d7e3, 0xeed49f, 0x8aadf4, 0xa6da95, 0xed8796),
	THEME("catppuccin-mocha", 0xcdd6f4, 0xcba6f7, 0xa6e3a1, 0x9399b2, 0xfab387, 0xf9e2af,
	      0x89b4fa, 0xfab387, 0x89dceb, 0xf9e2af, 0x89b4fa, 0xa6e3a1, 0xf38ba8),
	THEME("coldark-cold", 0x111b27, 0xa04900, 0x116b00, 0x3c526d, 0x755f00, 0x005a8e, 0x7c00aa,
	      0x755f00, 0xa04900, 0x006d6d, 0x006d6d, 0x116b00, 0xc22f2e),
	THEME("coldark-dark", 0xe3eaf2, 0xe9ae7e, 0x91d076, 0x8da1b9, 0xe6d37a, 0x6cb8e6, 0xc699e3,
	      0xe6d37a, 0xe9ae7e, 0x66cccc, 0x66cccc, 0x91d076, 0xcd6660),
	THEME("dark-neon", 0xffffff, 0xff0080, 0x66ff00, 0x7f7f7f, 0xff73fd, 0x00ffff, 0xffcc00,
	      0xff73fd, 0xff0080, 0x66ccff, 0x66ccff, 0x66ff00, 0xff0000),
	THEME("dracula", 0xf8f8f2, 0xff79c6, 0xf1fa8c, 0x6272a4, 0xbd93f9, 0x8be9fd, 0x50fa7b,
	      0xbd93f9, 0xff79c6, 0x50fa7b, 0xff79c6, 0x50fa7b, 0xff5555),
	THEME("github", 0x333333, 0xa71d5d, 0x183691, 0x969896, 0x0086b3, 0x795da3, 0x795da3,
	      0x0086b3, 0xa71d5d, 0x333333, 0x63a35c, 0x55a532, 0xbd2c00),
	THEME("gruvbox-dark", 0xebdbb2, 0xfb4934, 0xb8bb26, 0x928374, 0xd3869b, 0xfabd2f, 0x8ec07c,
	      0xd3869b, 0xfe8019, 0x8ec07c, 0x83a598, 0xb8bb26, 0xfb4934),
	THEME("gruvbox-light", 0x3c3836, 0x9d0006, 0x79740e, 0x928374, 0x8f3f71, 0xb57614, 0x427b58,
	      0x8f3f71, 0xaf3a03, 0x427b58, 0x076678, 0x79740e, 0x9d0006),
	THEME("inspired-github", 0x323232, 0xa71d5d, 0x183691, 0x969896, 0x0086b3, 0x0086b3,
	      0x795da3, 0x0086b3, 0xa71d5d, 0x333333, 0x63a35c, 0x55a532, 0xbd2c00),
	THEME("monokai-extended", 0xf8f8f2, 0xf92672, 0xe6db74, 0x75715e, 0xae81ff, 0x66d9ef,
	      0xa6e22e, 0xae81ff, 0xf92672, 0xa6e22e, 0xf92672, 0xa6e22e, 0xf92672),
	THEME("monokai-extended-bright", 0xf8f8f2, 0xf92672, 0xe6db74, 0x7e8e91, 0xae81ff,
	      0x66d9ef, 0xa6e22e, 0xae81ff, 0xf92672, 0xa6e22e, 0xf92672, 0xa6e22e, 0xf92672),
	THEME("monokai-extended-light", 0x49483e, 0xf9005a, 0x998f2f, 0x75715e, 0x684d99,
	      0x0089b3, 0x679c00, 0x684d99, 0xf9005a, 0x679c00, 0xf9005a, 0x679c00, 0xf9005a),
	THEME("monokai-extended-origin", 0xf8f8f2, 0xf92672, 0xe6db74, 0x75715e, 0xae81ff,
	      0x66d9ef, 0xa6e22e, 0xae81ff, 0xf92672, 0xa6e22e, 0xf92672, 0xa6e22e, 0xf92672),
	THEME("nord", 0xd8dee9, 0x81a1c1, 0xa3be8c, 0x616e88, 0xb48ead, 0x8fbcbb, 0x88c0d0,
	      0x81a1c1, 0x81a1c1, 0x5e81ac, 0x81a1c1, 0xa3be8c, 0xbf616a),
	THEME("one-half-dark", 0xdcdfe4, 0xc678dd, 0x98c379, 0x5c6370, 0xe5c07b, 0xe5c07b,
	      0x61afef, 0xe5c07b, 0x56b6c2, 0x56b6c2, 0xe06c75, 0x98c379, 0xe06c75),
	THEME("one-half-light", 0x383a42, 0xa626a4, 0x50a14f, 0xa0a1a7, 0xc18401, 0xc18401,
	      0x0184bc, 0x986801, 0x0997b3, 0x0997b3, 0xe45649, 0x50a14f, 0xe45649),
	THEME("solarized-dark", 0x839496, 0x859900, 0x2aa198, 0x586e75, 0xd33682, 0xb58900,
	      0x268bd2, 0xcb4b16, 0x859900, 0xcb4b16, 0x268bd2, 0x859900, 0xdc322f),
	THEME("solarized-light", 0x657b83, 0x859900, 0x2aa198, 0x93a1a1, 0xd33682, 0xb58900,
	      0x268bd2, 0xcb4b16, 0x859900, 0xcb4b16, 0x268bd2, 0x859900, 0xdc322f),
	THEME("sublime-snazzy", 0xf8f8f2, 0xff6ac1, 0xf3f99d, 0x78787e, 0xff9f43, 0x9aedfe,
	      0x57c7ff, 0xff9f43, 0xff6ac1, 0x57c7ff, 0xff5c57, 0x5af78e, 0xff5c57),
	THEME("two-dark", 0xabb2bf, 0xc678dd, 0x98c379, 0x5c6370, 0xd19a66, 0xe5c07b, 0x61afef,
	      0xd19a66, 0x56b6c2, 0x56b6c2, 0xe06c75, 0x98c379, 0xe06c75),
	THEME("zenburn", 0xdcdccc, 0xf0dfaf, 0xcc9393, 0x7f9f7f, 0x8cd0d3, 0x7cb8bb, 0xefef8f,
	      0xdca3a3, 0xf0efd0, 0xe3ceab, 0xe3ceab, 0x7f9f7f, 0xcc9393),
};

#define N_BUILTIN (sizeof builtin / sizeof builtin[0])
_Static_assert(N_BUILTIN + THEMES_MAX_CUSTOM <= THEME_LIST_MAX, "the picker's list");

const struct theme *themes_builtin(size_t *n)
{
	*n = N_BUILTIN;
	return builtin;
}

const struct theme *themes_builtin_find(const char *name)
{
	for (size_t k = 0; k < N_BUILTIN; k++)
		if (strcmp(builtin[k].name, name) == 0)
			return &builtin[k];
	return NULL;
}

/* A custom theme's name is a file stem: no path separators, no leading dot. */
static bool custom_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n <= THEME_NAME_MAX && name[0] != '.' && !strchr(name, '/');
}

int themes_load_custom(const char *codex_home, const char *name, struct theme *t,
		       struct err *e)
{
	struct buf b;
	char *path;
	int rc = -1;

	if (!codex_home || !custom_name_ok(name)) {
		/* no such file can exist: said as a missing one */
		err_sys(e, ENOENT, "Theme \"%s\" not found", name);
		return -1;
	}
	{
		size_t cap = strlen(codex_home) + strlen(name) + 32;
		path = malloc(cap);
		if (!path) {
			err_set(e, "out of memory");
			return -1;
		}
		snprintf(path, cap, "%s/themes/%s.tmTheme", codex_home, name);
	}
	buf_init(&b, TMTHEME_MAX_BYTES);
	if (file_read_regular(path, &b, e) < 0)
		goto out;
	if (tmtheme_parse(b.data ? b.data : "", b.len, t, e) < 0) {
		err_prefix(e, "%s", path);
		goto out;
	}
	snprintf(t->name, sizeof t->name, "%s", name);
	rc = 0;
out:
	buf_free(&b);
	free(path);
	return rc;
}

int themes_resolve(const char *codex_home, const char *name, struct theme *t)
{
	const struct theme *b = themes_builtin_find(name);
	struct err e;

	if (b) {
		*t = *b;
		return 0;
	}
	return themes_load_custom(codex_home, name, t, &e);
}

static int cmp_names(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	int c = strcasecmp(a, b);

	return c ? c : strcmp(a, b);
}

int themes_list(const char *codex_home, struct theme_list *out)
{
	char **names = calloc(N_BUILTIN + THEMES_MAX_CUSTOM, sizeof *names);
	size_t n = 0;
	DIR *d = NULL;

	memset(out, 0, sizeof *out);
	if (!names)
		return -1;
	for (size_t k = 0; k < N_BUILTIN; k++)
		if (!(names[n++] = strdup(builtin[k].name)))
			goto fail;
	if (codex_home) {
		size_t cap = strlen(codex_home) + 8;
		char *dir = malloc(cap);
		if (!dir)
			goto fail;
		snprintf(dir, cap, "%s/themes", codex_home);
		d = opendir(dir); /* absent: no custom themes */
		free(dir);
	}
	for (struct dirent *de; d && (de = readdir(d)) && n < N_BUILTIN + THEMES_MAX_CUSTOM;) {
		size_t len = strlen(de->d_name);
		struct theme t;
		struct err e;
		char stem[THEME_NAME_MAX + 1];
		if (len <= 8 || strcmp(de->d_name + len - 8, ".tmTheme") != 0 ||
		    len - 8 > THEME_NAME_MAX)
			continue;
		memcpy(stem, de->d_name, len - 8);
		stem[len - 8] = '\0';
		/* a file that does not parse is not offered, as upstream */
		if (themes_builtin_find(stem) || themes_load_custom(codex_home, stem, &t, &e) < 0)
			continue;
		if (!(names[n++] = strdup(stem)))
			goto fail;
	}
	if (d)
		closedir(d);
	d = NULL;
	qsort(names, n, sizeof *names, cmp_names);
	out->custom = calloc(n ? n : 1, sizeof *out->custom);
	if (!out->custom)
		goto fail;
	for (size_t k = 0; k < n; k++)
		out->custom[k] = !themes_builtin_find(names[k]);
	out->names = names;
	out->n = n;
	return 0;
fail:
	if (d)
		closedir(d);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	return -1;
}

void themes_list_free(struct theme_list *l)
{
	for (size_t k = 0; k < l->n; k++)
		free(l->names[k]);
	free(l->names);
	free(l->custom);
	memset(l, 0, sizeof *l);
}

const char *themes_default_name(void)
{
	/* COLORFGBG ("15;0": foreground;background) is what terminals export about their
	 * background; a light one is 7 or 15 (upstream asks the terminal with OSC 11). */
	const char *v = getenv("COLORFGBG");
	const char *bg = v ? strrchr(v, ';') : NULL;

	if (bg && (strcmp(bg + 1, "7") == 0 || strcmp(bg + 1, "15") == 0))
		return "catppuccin-latte";
	return "catppuccin-mocha";
}

static struct theme current;
static bool current_set;

void themes_set_current(const struct theme *t)
{
	current = *t;
	current_set = true;
}

const struct theme *themes_current(void)
{
	if (!current_set)
		themes_set_current(themes_builtin_find(themes_default_name()));
	return &current;
}

/* ---- colours for the terminal ---- */

static const uint8_t cube[6] = {0, 95, 135, 175, 215, 255};

static unsigned dist2(int r, int g, int b, int r2, int g2, int b2)
{
	return (unsigned)((r - r2) * (r - r2) + (g - g2) * (g - g2) + (b - b2) * (b - b2));
}

/* The nearest xterm-256 colour (the 6x6x6 cube or the grey ramp). */
static int nearest_256(int r, int g, int b)
{
	int ci[3], best, grey, gi;
	int v[3] = {r, g, b};

	for (int k = 0; k < 3; k++) {
		int bi = 0;
		for (int j = 1; j < 6; j++)
			if (abs(v[k] - cube[j]) < abs(v[k] - cube[bi]))
				bi = j;
		ci[k] = bi;
	}
	best = 16 + 36 * ci[0] + 6 * ci[1] + ci[2];
	gi = ((r + g + b) / 3 - 8) / 10;
	gi = gi < 0 ? 0 : gi > 23 ? 23 : gi;
	grey = 8 + 10 * gi;
	if (dist2(r, g, b, grey, grey, grey) <
	    dist2(r, g, b, cube[ci[0]], cube[ci[1]], cube[ci[2]]))
		best = 232 + gi;
	return best;
}

/* The nearest of the 16 standard colours, as an index 0-15. */
static int nearest_16(int r, int g, int b)
{
	static const uint8_t pal[16][3] = {
		{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
		{0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
		{255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255}};
	int best = 0;

	for (int k = 1; k < 16; k++)
		if (dist2(r, g, b, pal[k][0], pal[k][1], pal[k][2]) <
		    dist2(r, g, b, pal[best][0], pal[best][1], pal[best][2]))
			best = k;
	return best;
}

/* "38;..." (fg) or "48;..." (bg) for colour c at the level, into out; false for none. */
static bool colour_sgr(uint32_t c, bool bg, enum tui_color_level level, char *out, size_t size)
{
	int r = (int)(c >> 16 & 0xFF), g = (int)(c >> 8 & 0xFF), b = (int)(c & 0xFF);
	int base = bg ? 40 : 30;

	if (c == THEME_NO_COLOR || level == TUI_COLOR_NONE)
		return false;
	if (c & THEME_ANSI_FLAG) {
		int i = (int)(c & 0xFF);
		if (i < 8)
			snprintf(out, size, "%d", base + i);
		else if (i < 16)
			snprintf(out, size, "%d", base + 60 + i - 8);
		else
			snprintf(out, size, "%d;5;%d", base + 8, i);
		return true;
	}
	if (level == TUI_COLOR_TRUE) {
		snprintf(out, size, "%d;2;%d;%d;%d", base + 8, r, g, b);
	} else if (level == TUI_COLOR_256) {
		snprintf(out, size, "%d;5;%d", base + 8, nearest_256(r, g, b));
	} else {
		int i = nearest_16(r, g, b);
		snprintf(out, size, "%d", i < 8 ? base + i : base + 60 + i - 8);
	}
	return true;
}

bool themes_class_sgr(enum hl_class cls, enum tui_color_level level, char *out, size_t size)
{
	const struct theme *t = themes_current();
	uint32_t fg;
	size_t len;

	if (level == TUI_COLOR_NONE || (unsigned)cls >= HL_CLASS_COUNT || size < 32)
		return false;
	fg = t->cls[cls].fg != NC ? t->cls[cls].fg : t->cls[HL_PLAIN].fg;
	if (!colour_sgr(fg, false, level, out, size))
		snprintf(out, size, "39"); /* the terminal's own foreground */
	len = strlen(out);
	if (t->cls[cls].bold && len + 3 < size)
		memcpy(out + len, ";1", 3);
	return true;
}

bool themes_diff_bg_sgr(bool inserted, enum tui_color_level level, char *out, size_t size)
{
	const struct theme *t = themes_current();
	uint32_t c = inserted ? t->inserted_bg : t->deleted_bg;

	if (level != TUI_COLOR_TRUE && level != TUI_COLOR_256)
		return false;
	return colour_sgr(c, true, level, out, size);
}
