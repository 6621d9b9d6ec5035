/* Inert text, column widths, wrapping and styled rows (see text.h). */
#include "tui/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "tui/highlight.h"

/* At most this many style marks stay active on a row; more are folded (the oldest
 * dropped), which only loses a style, never text. */
#define STYLE_STACK_MAX 16

enum tui_color_level tui_color_level_detect(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM"), *ct = getenv("COLORTERM");

	if ((no && *no) || !term || !*term || strcmp(term, "dumb") == 0)
		return TUI_COLOR_NONE;
	if (ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0))
		return TUI_COLOR_TRUE;
	if (strstr(term, "256color") || strstr(term, "direct"))
		return TUI_COLOR_256;
	return TUI_COLOR_16;
}

uint32_t tui_utf8_decode(const char *s, size_t n, int *len)
{
	const unsigned char *u = (const unsigned char *)s;
	int l = utf8_char_len(u, n);

	if (l <= 0) {
		*len = 1;
		return 0xFFFD;
	}
	*len = l;
	switch (l) {
	case 1:
		return u[0];
	case 2:
		return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	case 3:
		return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
	default:
		return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
		       (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
	}
}

int tui_utf8_encode(uint32_t cp, char *d)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

enum san_state { SAN_GROUND, SAN_ESC, SAN_ESC_INTER, SAN_CSI, SAN_STRING, SAN_STRING_ESC };

static bool bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

int tui_sanitize(struct buf *out, const char *in, size_t n, bool keep_newlines)
{
	enum san_state st = SAN_GROUND;
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)in[i];
		uint32_t cp;
		int len = 1;

		if (c >= 0x80) {
			cp = tui_utf8_decode(in + i, n - i, &len);
		} else {
			cp = c;
		}
		switch (st) {
		case SAN_GROUND:
			break;
		case SAN_ESC:
			if (c == '[') {
				st = SAN_CSI;
			} else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
				st = SAN_STRING;
			} else if (c >= 0x20 && c <= 0x2F) {
				st = SAN_ESC_INTER;
			} else if (c >= 0x30 && c <= 0x7E) {
				st = SAN_GROUND;
			} else {
				st = SAN_GROUND;
				continue; /* not a sequence: the byte is text (or a control) */
			}
			i += (size_t)len;
			continue;
		case SAN_ESC_INTER:
			if (c >= 0x20 && c <= 0x2F) {
				i += (size_t)len;
				continue;
			}
			st = SAN_GROUND;
			if (c >= 0x30 && c <= 0x7E) {
				i += (size_t)len;
				continue;
			}
			continue;
		case SAN_CSI:
			if (c >= 0x20 && c <= 0x3F) {
				i += (size_t)len;
				continue;
			}
			st = SAN_GROUND;
			if (c >= 0x40 && c <= 0x7E) {
				i += (size_t)len;
				continue;
			}
			continue; /* aborted: the byte is looked at again as text */
		case SAN_STRING:
			if (c == 0x07 || cp == 0x9C) {
				st = SAN_GROUND;
			} else if (c == 0x1B) {
				st = SAN_STRING_ESC;
			}
			i += (size_t)len;
			continue;
		case SAN_STRING_ESC:
			/* ESC \ ends the string; any other ESC starts a new sequence. */
			if (c == '\\') {
				st = SAN_GROUND;
				i += (size_t)len;
				continue;
			}
			st = SAN_ESC;
			continue;
		}
		/* Ground. */
		i += (size_t)len;
		if (cp == 0x1B) {
			st = SAN_ESC;
			continue;
		}
		if (cp == '\n') {
			if (buf_putc(out, keep_newlines ? '\n' : ' ') < 0)
				return -1;
			continue;
		}
		if (cp == '\r') {
			if (i < n && in[i] == '\n')
				continue;
			continue;
		}
		if (cp == '\t') {
			if (buf_append(out, "    ", TUI_TAB_COLUMNS) < 0)
				return -1;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F)
			continue;
		if (cp >= 0x80 && cp <= 0x9F) {
			/* C1 controls: CSI and the string introducers open sequences. */
			if (cp == 0x9B)
				st = SAN_CSI;
			else if (cp == 0x9D || cp == 0x90 || cp == 0x98 || cp == 0x9E || cp == 0x9F)
				st = SAN_STRING;
			continue;
		}
		if (bidi_control(cp))
			continue;
		if (cp == 0xFFFD && len == 1) {
			if (buf_append(out, "\xEF\xBF\xBD", 3) < 0)
				return -1;
			continue;
		}
		if (buf_append(out, in + i - len, (size_t)len) < 0)
			return -1;
	}
	return 0;
}

struct range {
	uint32_t lo, hi;
};

static const struct range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
	{0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
	{0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x206F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
	{0xFEFF, 0xFEFF}, {0xE0000, 0xE0FFF},
};

static const struct range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
	{0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE4},
	{0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
	{0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
	{0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_ranges(const struct range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int tui_cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ? 0 : 1;
	if (in_ranges(zero_width, sizeof zero_width / sizeof zero_width[0], cp))
		return 0;
	if (in_ranges(wide, sizeof wide / sizeof wide[0], cp))
		return 2;
	return 1;
}

size_t tui_text_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;

	while (i < n) {
		int len;
		uint32_t cp;
		if (s[i] == TUI_MARK) {
			i += i + 1 < n ? 2 : 1;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			w += (unsigned char)s[i] >= 0x20;
			i++;
			continue;
		}
		cp = tui_utf8_decode(s + i, n - i, &len);
		w += (size_t)tui_cp_width(cp);
		i += (size_t)len;
	}
	return w;
}

int tui_rows_push(struct tui_rows *r, const char *s, size_t n)
{
	char *copy;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	r->v[r->n++] = copy;
	return 0;
}

void tui_rows_clear(struct tui_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	r->n = 0;
}

void tui_rows_free(struct tui_rows *r)
{
	tui_rows_clear(r);
	free(r->v);
	r->v = NULL;
	r->cap = 0;
}

struct styles {
	char v[STYLE_STACK_MAX];
	int n;
};

static void styles_apply(struct styles *st, char letter)
{
	if (letter == '0') {
		st->n = 0;
		return;
	}
	if (letter >= TUI_SYNTAX_FIRST && letter < TUI_SYNTAX_MARK(HL_CLASS_COUNT)) {
		/* one syntax class is on at a time: the new one replaces the old, so a long
		 * line of tokens never pushes a row's own styles (a diff's tint) out */
		for (int k = 0; k < st->n; k++)
			if (st->v[k] >= TUI_SYNTAX_FIRST && st->v[k] < TUI_SYNTAX_MARK(HL_CLASS_COUNT)) {
				memmove(st->v + k, st->v + k + 1, (size_t)(st->n - k - 1));
				st->n--;
				break;
			}
	}
	if (st->n == STYLE_STACK_MAX) {
		memmove(st->v, st->v + 1, STYLE_STACK_MAX - 1);
		st->n--;
	}
	st->v[st->n++] = letter;
}

/* Appends one row: indent, the styles on at its start, then s[from..to). */
static int wrap_emit(struct tui_rows *out, int indent, const struct styles *st, const char *s,
		     size_t from, size_t to)
{
	struct buf b;
	int rc;

	buf_init(&b, (to - from) + (size_t)indent + 2 * STYLE_STACK_MAX + 16);
	for (int k = 0; k < indent; k++)
		if (buf_putc(&b, ' ') < 0)
			return -1;
	for (int k = 0; k < st->n; k++)
		if (buf_putc(&b, TUI_MARK) < 0 || buf_putc(&b, st->v[k]) < 0)
			return -1;
	if (to > from && buf_append(&b, s + from, to - from) < 0)
		return -1;
	rc = tui_rows_push(out, b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

int tui_wrap(const char *s, size_t n, int width, int indent, struct tui_rows *out)
{
	struct styles cur = {{0}, 0}, row_start_st = {{0}, 0}, brk_st = {{0}, 0};
	size_t i = 0, row_start = 0, brk = 0;
	int col = 0, row_indent = 0;

	if (width < 1)
		width = 1;
	if (indent >= width)
		indent = width - 1;
	if (indent < 0)
		indent = 0;
	while (i < n) {
		int len = 1, w;
		uint32_t cp;
		if (s[i] == TUI_MARK) {
			if (i + 1 < n)
				styles_apply(&cur, s[i + 1]);
			i += i + 1 < n ? 2 : 1;
			continue;
		}
		cp = (unsigned char)s[i] < 0x80 ? (unsigned char)s[i] : tui_utf8_decode(s + i, n - i, &len);
		w = tui_cp_width(cp);
		if (col + w > width && col > row_indent) {
			/* Break after the last space, unless the word then still overflows; a
			 * space that overflows is the break itself and is dropped. */
			bool at_space = cp != ' ' && brk > row_start &&
				indent + (int)tui_text_width(s + brk, i - brk) + w <= width;
			size_t cut = at_space ? brk : i;
			struct styles next = at_space ? brk_st : cur;
			if (wrap_emit(out, row_indent, &row_start_st, s, row_start, cut) < 0)
				return -1;
			row_start_st = next;
			row_indent = indent;
			if (cp == ' ') {
				/* the space is the break: the next row starts after it */
				i += (size_t)len;
				cut = i;
			}
			row_start = cut;
			col = indent + (int)tui_text_width(s + cut, i - cut);
			brk = row_start;
			continue;
		}
		col += w;
		i += (size_t)len;
		if (cp == ' ') {
			brk = i;
			brk_st = cur;
		}
	}
	return wrap_emit(out, row_indent, &row_start_st, s, row_start, n);
}

static const char *sgr_for(char letter, enum tui_color_level level)
{
	switch (letter) {
	case '0': return "0";
	case 'b': return "1";
	case 'd': return "2";
	case 'i': return "3";
	case 'u': return "4";
	case 's': return "9";
	case 'v': return "7";
	case 'r': return "31";
	case 'g': return "32";
	case 'y': return "33";
	case 'm': return "35";
	case 'c': return "36";
	case 'A':
		return level == TUI_COLOR_TRUE ? "48;2;33;58;43" : level == TUI_COLOR_256 ? "48;5;22" : NULL;
	case 'D':
		return level == TUI_COLOR_TRUE ? "48;2;74;34;29" : level == TUI_COLOR_256 ? "48;5;52" : NULL;
	case 'U':
		return level == TUI_COLOR_TRUE ? "48;2;48;48;48" : level == TUI_COLOR_256 ? "48;5;236" : NULL;
	default:
		return NULL;
	}
}

int tui_emit_row(struct buf *out, const char *row, size_t n, enum tui_color_level level)
{
	size_t i = 0, run = 0;
	bool styled = false, dim = false, syn_bold = false;
	char last_syn[48] = ""; /* the syntax colour in force, when nothing came after it */

	while (i < n) {
		if (row[i] != TUI_MARK) {
			i++;
			continue;
		}
		if (i > run && buf_append(out, row + run, i - run) < 0)
			return -1;
		if (i + 1 < n && level != TUI_COLOR_NONE) {
			char letter = row[i + 1], theme_sgr[48];
			const char *sgr = NULL;
			if (letter >= TUI_SYNTAX_FIRST && letter < TUI_SYNTAX_MARK(HL_CLASS_COUNT)) {
				bool bold;
				if (themes_class_sgr((enum hl_class)(letter - TUI_SYNTAX_FIRST), level,
						     theme_sgr, sizeof theme_sgr)) {
					/* a bold token's weight must not run into the next one;
					 * SGR 22 ends dim too, so a dim row gets it back */
					bold = themes_current()->cls[letter - TUI_SYNTAX_FIRST].bold;
					if (syn_bold && !bold &&
					    buf_puts(out, dim ? "\x1b[22;2m" : "\x1b[22m") < 0)
						return -1;
					syn_bold = bold;
					/* two classes of one colour: the second changes nothing */
					if (strcmp(theme_sgr, last_syn) != 0) {
						sgr = theme_sgr;
						memcpy(last_syn, theme_sgr, sizeof last_syn);
					}
				}
			} else if ((letter == 'A' || letter == 'D') &&
				   themes_diff_bg_sgr(letter == 'A', level, theme_sgr, sizeof theme_sgr)) {
				sgr = theme_sgr;
				last_syn[0] = '\0';
			} else {
				sgr = sgr_for(letter, level);
				last_syn[0] = '\0';
			}
			if (letter == '0')
				dim = syn_bold = false;
			else if (letter == 'd')
				dim = true;
			if (sgr) {
				if (buf_printf(out, "\x1b[%sm", sgr) < 0)
					return -1;
				styled = letter != '0';
			}
		}
		i += i + 1 < n ? 2 : 1;
		run = i;
	}
	if (n > run && buf_append(out, row + run, n - run) < 0)
		return -1;
	if (styled && buf_puts(out, "\x1b[0m") < 0)
		return -1;
	return 0;
}

char *tui_truncate(const char *s, size_t n, int width)
{
	struct buf b;
	size_t i = 0;
	int col = 0;

	buf_init(&b, n + 8);
	if (tui_text_width(s, n) <= (size_t)(width > 0 ? width : 0)) {
		if (buf_append(&b, s, n) < 0)
			return NULL;
		return buf_take(&b);
	}
	while (i < n) {
		int len = 1, w;
		uint32_t cp;
		if (s[i] == TUI_MARK) {
			len = i + 1 < n ? 2 : 1;
			if (buf_append(&b, s + i, (size_t)len) < 0)
				return NULL;
			i += (size_t)len;
			continue;
		}
		cp = (unsigned char)s[i] < 0x80 ? (unsigned char)s[i] : tui_utf8_decode(s + i, n - i, &len);
		w = tui_cp_width(cp);
		if (col + w > width - 1)
			break;
		if (buf_append(&b, s + i, (size_t)len) < 0)
			return NULL;
		col += w;
		i += (size_t)len;
	}
	if (width >= 1 && buf_puts(&b, "\xE2\x80\xA6") < 0)
		return NULL;
	return buf_take(&b);
}

void tui_format_tokens(int64_t v, char *out, size_t n)
{
	static const char *const suffix[] = {"K", "M", "B", "T"};
	double scaled = (double)v;
	int unit = -1, decimals;
	char *dot;

	if (v < 1000) {
		snprintf(out, n, "%lld", (long long)(v < 0 ? 0 : v));
		return;
	}
	while (scaled >= 1000.0 && unit < 3) {
		scaled /= 1000.0;
		unit++;
	}
	/* three significant digits, trailing zeros dropped: 1.9K, 2.25K, 272K */
	decimals = scaled < 10.0 ? 2 : scaled < 100.0 ? 1 : 0;
	snprintf(out, n, "%.*f", decimals, scaled);
	if ((dot = strchr(out, '.'))) {
		char *end = out + strlen(out);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	snprintf(out + strlen(out), n - strlen(out), "%s", suffix[unit]);
}
