/* What the command may send to the caller's terminal through the relay, and what the
 * relay restores when the run ends (see linux_sandbox.h).
 *
 * A terminal answers some requests by typing into its input, which after the run is
 * the caller's shell: a request whose answer carries what the caller's terminal knows
 * (the clipboard, the window title, the screen's contents) gives it to the command, and
 * an answer that lands in the shell after the command ended is input the user never
 * typed. Terminal-specific extensions go further (files sent to or read from the
 * caller's disk, keys reprogrammed, a multiplexer's passthrough to the terminal
 * outside it). So escape sequences are parsed, as a VT500-style terminal would, and only
 * those known to be harmless pass, whole and in their 7-bit form:
 *
 * - CSI: all but window manipulation and its reports (of XTWINOPS, CSI Ps t, only the
 *   size reports 14-19 and the title stack 22-23 pass) and the checksum of a screen
 *   area (DECRQCRA, CSI * y), which reads what the caller's screen shows.
 * - OSC: titles (0-2, with the caller's title pushed first and popped at the end),
 *   colours (4, 5, 10-19, 104-119, queries included), the working directory (7),
 *   hyperlinks (8), notifications (9, 777), the pointer shape (22), shell integration
 *   marks (133, 633), and the clipboard (52) for setting only; every other OSC (font
 *   queries, iTerm2's 1337, kitty's 5113 and 5522 ...) is dropped.
 * - DCS: DECRQSS ($q), XTGETTCAP (+q), sixel images (q) and synchronized updates (=1s,
 *   =2s); anything else (user-defined keys, tmux and screen passthrough, soft fonts)
 *   is dropped, as are SOS, PM and APC strings (kitty graphics may name files).
 * - ESC: all but the ones that take the terminal out of UTF-8 or into 8-bit controls
 *   (ESC % other than ESC % G, ESC SP other than ESC SP F).
 * - C1 controls (U+0080..U+009F, or raw bytes 0x80..0x9F on an 8-bit terminal) act as
 *   their ESC forms; a raw byte 0x80..0x9F that is not part of a UTF-8 character is
 *   dropped on a UTF-8 terminal, so that no terminal reads one as a control.
 *
 * Parsing is a state machine fed any split of the stream (a sequence may span reads);
 * a sequence is held until it can be judged (at most LX_TTYF_HOLD bytes: a longer CSI
 * or DCS head is dropped whole, a string is streamed once judged).
 *
 * Modes the command turned on (or off) are tracked and undone at the end: the
 * alternate screen, mouse and focus reporting, bracketed paste, synchronized output,
 * cursor keys and keypad modes, the hidden cursor, autowrap, origin, insert and
 * reverse-video modes, the kitty keyboard protocol and modifyOtherKeys, character sets
 * and shifts, the cursor style, the scrolling region, the SGR attributes and the title. */
#include "sandbox/linux/linux_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	S_GROUND,
	S_ESC,        /* after ESC */
	S_ESC_INTER,  /* ESC and intermediates (0x20-0x2f), waiting for the final byte */
	S_CSI,        /* held until the final byte */
	S_CSI_IGNORE, /* malformed or too long: dropped up to its final byte */
	S_OSC_HEAD,   /* held until it can be judged */
	S_OSC_PASS,
	S_DCS_HEAD,   /* held until the final byte of its head */
	S_DCS_PASS,
	S_STR_DROP    /* an OSC, DCS, SOS, PM or APC being dropped */
};

#define ESC 0x1b
#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a

/* A mode tracked for the restore, with the state a terminal starts in. */
struct mode {
	unsigned short mode;
	bool on;
};

/* DEC private modes (CSI ? Pm h/l). */
static const struct mode dec_modes[] = {
	{1, false},    {5, false},    {6, false},    {7, true},     {9, false},
	{25, true},    {47, false},   {66, false},   {69, false},   {1000, false},
	{1001, false}, {1002, false}, {1003, false}, {1004, false}, {1005, false},
	{1006, false}, {1015, false}, {1016, false}, {1047, false}, {1049, false},
	{2004, false}, {2026, false},
};
#define N_DEC (sizeof dec_modes / sizeof dec_modes[0])

/* ANSI modes (CSI Pm h/l): keyboard lock, insert, local echo (on: no echo), newline. */
static const struct mode ansi_modes[] = {{2, false}, {4, false}, {12, true}, {20, false}};
#define N_ANSI (sizeof ansi_modes / sizeof ansi_modes[0])

/* OSC numbers that pass (52 only to set the clipboard). */
static bool osc_allowed(unsigned long n)
{
	return n <= 2 || n == 4 || n == 5 || n == 7 || n == 8 || n == 9 ||
	       (n >= 10 && n <= 19) || n == 22 || n == 52 || (n >= 104 && n <= 119) ||
	       n == 133 || n == 633 || n == 777;
}

void lx_ttyfilter_init(struct lx_ttyfilter *f, bool utf8)
{
	memset(f, 0, sizeof *f);
	f->utf8 = utf8;
	f->state = S_GROUND;
}

/* ---- output ---- */

struct out {
	unsigned char *p;
	size_t n;
};

static void put(struct out *o, unsigned char c)
{
	o->p[o->n++] = c;
}

static void puts_(struct out *o, const char *s)
{
	while (*s)
		put(o, (unsigned char)*s++);
}

static void hold(struct lx_ttyfilter *f, unsigned char c)
{
	if (f->n_hold < LX_TTYF_HOLD)
		f->hold[f->n_hold] = c;
	f->n_hold++; /* past the end: too long, judged by the caller */
}

static void release(struct lx_ttyfilter *f, struct out *o)
{
	for (size_t i = 0; i < f->n_hold && i < LX_TTYF_HOLD; i++)
		put(o, f->hold[i]);
	f->n_hold = 0;
}

static void drop(struct lx_ttyfilter *f, int next)
{
	f->n_hold = 0;
	f->dropped++;
	f->state = next;
}

/* ---- mode tracking ---- */

/* Records that `mode` of table t is now on or off: bit i of *changed says whether mode
 * t[i] differs from the terminal's start. */
static void set_mode(uint32_t *changed, const struct mode *t, size_t n, unsigned long mode,
		     bool on)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].mode == mode) {
			if (on == t[i].on)
				*changed &= ~(1u << i);
			else
				*changed |= 1u << i;
		}
}

/* The sequences that put the changed modes of table t back (prefix "\x1b[?" or "\x1b["),
 * skipping the alternate screens, which go first (see lx_ttyfilter_restore). */
static void put_modes(struct out *o, uint32_t changed, const struct mode *t, size_t n,
		      const char *prefix, bool screens)
{
	char num[16];

	for (size_t i = 0; i < n; i++) {
		bool screen = t == dec_modes && (t[i].mode == 1049 || t[i].mode == 1047 ||
						 t[i].mode == 47);
		if (!(changed & (1u << i)) || screen != screens)
			continue;
		snprintf(num, sizeof num, "%u", t[i].mode);
		puts_(o, prefix);
		puts_(o, num);
		puts_(o, t[i].on ? "h" : "l");
	}
}

/* The parameters of a held CSI (after "ESC ["): private marker, up to 16 numbers
 * (missing ones 0), intermediates, final. */
struct csi {
	unsigned char marker;    /* '<', '=', '>', '?' or 0 */
	unsigned long p[16];
	size_t np;
	char inter[4];           /* the intermediates, NUL-terminated (at most 3 kept) */
	unsigned char final;
};

static void csi_parse(const struct lx_ttyfilter *f, struct csi *c)
{
	size_t i = 2, ni = 0;

	memset(c, 0, sizeof *c);
	if (i < f->n_hold - 1 && f->hold[i] >= '<' && f->hold[i] <= '?')
		c->marker = f->hold[i++];
	for (; i < f->n_hold - 1; i++) {
		unsigned char b = f->hold[i];
		if (b >= '0' && b <= '9') {
			if (c->np == 0)
				c->np = 1;
			if (c->p[c->np - 1] < 100000000ul)
				c->p[c->np - 1] = c->p[c->np - 1] * 10 + (b - '0');
		} else if (b == ';' || b == ':') {
			if (c->np == 0)
				c->np = 1;
			if (c->np < 16)
				c->np++;
		} else if (b >= 0x20 && b <= 0x2f && ni < 3) {
			c->inter[ni++] = (char)b;
		}
	}
	c->final = f->hold[f->n_hold - 1];
}

/* Whether a complete CSI may pass; tracks what it changes. */
static bool csi_judge(struct lx_ttyfilter *f)
{
	struct csi c;

	csi_parse(f, &c);
	if (c.final == 't' && !c.marker && !c.inter[0]) {
		unsigned long op = c.np ? c.p[0] : 0;
		/* Only the size reports and the title stack: the rest moves, resizes or
		 * iconifies the caller's window, or reports its title and state. */
		return op == 14 || op == 15 || op == 16 || op == 18 || op == 19 || op == 22 ||
		       op == 23;
	}
	if (c.final == 'y' && strcmp(c.inter, "*") == 0)
		return false; /* DECRQCRA: a checksum of any screen area, the caller's too */
	if ((c.final == 'h' || c.final == 'l') && !c.inter[0] && (c.marker == '?' || !c.marker)) {
		for (size_t i = 0; i < c.np; i++) {
			if (c.marker == '?')
				set_mode(&f->dec_changed, dec_modes, N_DEC, c.p[i], c.final == 'h');
			else
				set_mode(&f->ansi_changed, ansi_modes, N_ANSI, c.p[i], c.final == 'h');
		}
		return true;
	}
	if (c.final == 'u' && !c.inter[0]) {
		/* The kitty keyboard protocol: push (>), pop (<), set (=). */
		if (c.marker == '>')
			f->kitty_pushes++;
		else if (c.marker == '<') {
			unsigned long n = c.np && c.p[0] ? c.p[0] : 1;
			f->kitty_pushes = n >= f->kitty_pushes ? 0 : f->kitty_pushes - (unsigned)n;
		} else if (c.marker == '=') {
			f->kitty_set = c.np && c.p[0];
		}
		return true;
	}
	if (c.final == 'm' && c.marker == '>' && !c.inter[0]) {
		if (!c.np || c.p[0] == 4)
			f->other_keys = c.np >= 2 && c.p[1] != 0;
		return true;
	}
	if (c.final == 'm' && !c.marker && !c.inter[0]) {
		f->sgr_dirty = !(c.np == 0 || (c.np == 1 && c.p[0] == 0));
		return true;
	}
	if (c.final == 'q' && strcmp(c.inter, " ") == 0 && !c.marker) {
		f->cursor_style = c.np && c.p[0];
		return true;
	}
	if (c.final == 'r' && !c.marker && !c.inter[0]) {
		f->region = c.np > 0 && (c.p[0] > 1 || (c.np > 1 && c.p[1] != 0));
		return true;
	}
	return true;
}

/* Whether a DCS head (held up to its final byte) may pass. */
static bool dcs_judge(struct lx_ttyfilter *f)
{
	struct csi c;

	csi_parse(f, &c);
	if ((c.final == 'q' && (strcmp(c.inter, "$") == 0 || strcmp(c.inter, "+") == 0) &&
	     !c.marker) ||
	    (c.final == 'q' && !c.inter[0] && !c.marker) ||
	    (c.final == 's' && c.marker == '=' && !c.inter[0] && c.np == 1 &&
	     (c.p[0] == 1 || c.p[0] == 2)))
		return true;
	return false;
}

/* ---- the state machine ---- */

/* An OSC head: "ESC ]" then the number, and for 52 its selection; returns 1 to pass,
 * 0 to drop, -1 when more is needed. `end` is set when the string ended here. */
static int osc_judge(struct lx_ttyfilter *f, bool end)
{
	unsigned long n = 0;
	size_t i = 2, digits = 0, semis = 0;

	for (; i < f->n_hold && f->hold[i] >= '0' && f->hold[i] <= '9'; i++, digits++)
		n = n * 10 + (f->hold[i] - '0');
	if (digits == 0 || digits > 6)
		return 0;
	if (i == f->n_hold && !end)
		return -1;
	if (i < f->n_hold && f->hold[i] != ';')
		return 0;
	if (!osc_allowed(n))
		return 0;
	f->osc = n;
	if (n != 52)
		return 1;
	/* "52;<selection>;<data>": a query's data is "?". */
	for (; i < f->n_hold; i++)
		if (f->hold[i] == ';' && ++semis == 2)
			break;
	if (semis < 2)
		return end ? 1 : f->n_hold >= LX_TTYF_HOLD ? 0 : -1;
	if (i + 1 == f->n_hold)
		return end ? 1 : -1;
	return f->hold[i + 1] == '?' ? 0 : 1;
}

static void osc_pass(struct lx_ttyfilter *f, struct out *o)
{
	if (f->osc <= 2 && !f->title_pushed) {
		puts_(o, "\x1b[22;0t"); /* the caller's title, popped at the end */
		f->title_pushed = true;
	}
	release(f, o);
	f->state = S_OSC_PASS;
}

/* The string ends: a passing one gets its terminator (always ST in 7-bit form, or BEL
 * as it came). */
static void str_end(struct lx_ttyfilter *f, struct out *o, bool bel)
{
	if (f->state == S_OSC_PASS || f->state == S_DCS_PASS) {
		if (bel)
			put(o, BEL);
		else
			puts_(o, "\x1b\\");
	}
	f->state = S_GROUND;
	f->str_esc = false;
}

static void esc_final(struct lx_ttyfilter *f, struct out *o, unsigned char c)
{
	size_t i;

	/* hold: ESC [intermediates] c */
	if (f->n_hold == 1) {
		switch (c) {
		case '=':
			f->keypad = true;
			break;
		case '>':
			f->keypad = false;
			break;
		case 'c': /* full reset: the terminal's modes are its defaults again */
			f->dec_changed = f->ansi_changed = 0;
			f->keypad = f->sgr_dirty = f->cursor_style = f->region = false;
			f->charset_changed = 0;
			f->shifted = false;
			break;
		case 'n':
		case 'o':
			f->shifted = true; /* LS2, LS3 */
			break;
		case '\\':
			drop(f, S_GROUND); /* a stray string terminator */
			return;
		default:
			break;
		}
	} else if (f->hold[1] >= '(' && f->hold[1] <= '/' && f->hold[1] != ',') {
		/* Designating a character set to G0..G3: "B" is ASCII. */
		i = (size_t)((f->hold[1] - '(') & 3);
		if (c == 'B' && f->n_hold == 2)
			f->charset_changed &= ~(1u << i);
		else
			f->charset_changed |= 1u << i;
	} else if ((f->hold[1] == '%' && !(c == 'G' && f->n_hold == 2)) ||
		   (f->hold[1] == ' ' && !(c == 'F' && f->n_hold == 2))) {
		/* Out of UTF-8, or 8-bit controls: the filter would no longer see what
		 * the terminal sees. */
		drop(f, S_GROUND);
		return;
	}
	hold(f, c);
	release(f, o);
	f->state = S_GROUND;
}

/* After ESC (or a C1 control standing for it): c starts the sequence. */
static void after_esc(struct lx_ttyfilter *f, struct out *o, unsigned char c)
{
	f->n_hold = 0;
	hold(f, ESC);
	switch (c) {
	case '[':
		hold(f, c);
		f->state = S_CSI;
		return;
	case ']':
		hold(f, c);
		f->state = S_OSC_HEAD;
		return;
	case 'P':
		hold(f, c);
		f->state = S_DCS_HEAD;
		return;
	case 'X':
	case '^':
	case '_':
		drop(f, S_STR_DROP); /* SOS, PM, APC */
		return;
	default:
		break;
	}
	if (c >= 0x20 && c <= 0x2f) {
		hold(f, c);
		f->state = S_ESC_INTER;
		return;
	}
	if (c >= 0x30 && c <= 0x7e) {
		esc_final(f, o, c);
		return;
	}
	f->n_hold = 0;
	f->state = S_GROUND; /* ESC DEL: nothing */
	/* ESC and a character: the ESC means nothing, the character is text (whole: a lead
	 * byte dropped here would leave its continuation bytes stray). */
	if (c >= 0x80)
		put(o, c);
}

/* A C1 control (0x80..0x9f): its 7-bit form ESC (c - 0x40), or ST. */
static void c1(struct lx_ttyfilter *f, struct out *o, unsigned char c)
{
	switch (f->state) {
	case S_OSC_PASS:
	case S_DCS_PASS:
	case S_STR_DROP:
		if (c == 0x9c) {
			str_end(f, o, false);
			return;
		}
		str_end(f, o, false); /* another control ends the string */
		break;
	case S_OSC_HEAD:
		if (c == 0x9c) {
			int j = osc_judge(f, true);
			if (j == 1) {
				osc_pass(f, o);
				str_end(f, o, false);
			} else {
				drop(f, S_GROUND);
			}
			return;
		}
		drop(f, S_GROUND);
		break;
	case S_ESC:
	case S_ESC_INTER:
	case S_CSI:
	case S_CSI_IGNORE:
	case S_DCS_HEAD:
		if (f->n_hold)
			drop(f, S_GROUND);
		f->state = S_GROUND;
		break;
	default:
		break;
	}
	if (c == 0x9c) {
		f->dropped++; /* a stray ST */
		return;
	}
	if (c == 0x84 || c == 0x85 || c == 0x88 || c == 0x8d || c == 0x8e || c == 0x8f ||
	    c == 0x90 || c == 0x98 || c == 0x9b || c == 0x9d || c == 0x9e || c == 0x9f) {
		after_esc(f, o, (unsigned char)(c - 0x40));
		return;
	}
	f->dropped++; /* the other C1 controls mean nothing to terminals worth passing */
}

/* One byte, after C1 controls were taken out. */
static void byte(struct lx_ttyfilter *f, struct out *o, unsigned char c)
{
	/* Controls that act in any state: CAN and SUB end a sequence, ESC starts one. */
	if (c == CAN || c == SUB) {
		if (f->state == S_OSC_PASS || f->state == S_DCS_PASS)
			str_end(f, o, false);
		else if (f->n_hold)
			drop(f, S_GROUND);
		f->state = S_GROUND;
		f->str_esc = false;
		put(o, c);
		return;
	}
	switch (f->state) {
	case S_GROUND:
		if (c == ESC) {
			f->state = S_ESC;
			return;
		}
		if (c == 0x0e)
			f->shifted = true; /* SO */
		else if (c == 0x0f)
			f->shifted = false; /* SI */
		put(o, c);
		return;
	case S_ESC:
		if (c == ESC)
			return; /* ESC ESC: the first means nothing */
		if (c < 0x20) {
			put(o, c); /* executed in the middle, as a terminal does */
			return;
		}
		after_esc(f, o, c);
		return;
	case S_ESC_INTER:
		if (c == ESC) {
			drop(f, S_ESC);
			return;
		}
		if (c < 0x20) {
			put(o, c);
			return;
		}
		if (c <= 0x2f && f->n_hold < 8) {
			hold(f, c);
			return;
		}
		if (c >= 0x30 && c <= 0x7e) {
			esc_final(f, o, c);
			return;
		}
		drop(f, S_GROUND);
		if (c >= 0x80)
			put(o, c); /* text, whole (see after_esc) */
		return;
	case S_CSI:
	case S_CSI_IGNORE:
		if (c == ESC) {
			drop(f, S_ESC);
			return;
		}
		if (c < 0x20) {
			put(o, c);
			return;
		}
		if (c >= 0x40 && c <= 0x7e) {
			if (f->state == S_CSI_IGNORE) {
				f->state = S_GROUND;
				return;
			}
			hold(f, c);
			if (f->n_hold <= LX_TTYF_HOLD && csi_judge(f))
				release(f, o);
			else
				drop(f, S_GROUND);
			f->state = S_GROUND;
			f->n_hold = 0;
			return;
		}
		if (f->state == S_CSI && c < 0x80 && f->n_hold < LX_TTYF_HOLD) {
			/* parameters (0x30-0x3f) must come before intermediates (0x20-0x2f) */
			if (c >= 0x30 && c <= 0x3f && f->hold[f->n_hold - 1] >= 0x20 &&
			    f->hold[f->n_hold - 1] <= 0x2f) {
				drop(f, S_CSI_IGNORE);
				return;
			}
			if (c >= '<' && c <= '?' && f->n_hold > 2) {
				drop(f, S_CSI_IGNORE); /* a private marker only first */
				return;
			}
			hold(f, c);
			return;
		}
		if (f->state == S_CSI)
			drop(f, S_CSI_IGNORE);
		return;
	case S_OSC_HEAD:
		if (c == BEL || c == ESC) {
			if (c == ESC) {
				/* ST or the start of something else: the head ends here either
				 * way; the next byte says which (str_esc). */
				int j = osc_judge(f, true);
				if (j == 1)
					osc_pass(f, o);
				else
					drop(f, S_STR_DROP);
				f->str_esc = true;
				return;
			}
			if (osc_judge(f, true) == 1) {
				osc_pass(f, o);
				str_end(f, o, true);
			} else {
				drop(f, S_GROUND);
			}
			return;
		}
		if (c < 0x20)
			return; /* ignored inside strings, as terminals do */
		hold(f, c);
		{
			int j = osc_judge(f, false);
			if (j == 1)
				osc_pass(f, o);
			else if (j == 0)
				drop(f, S_STR_DROP);
			else if (f->n_hold >= LX_TTYF_HOLD)
				drop(f, S_STR_DROP);
		}
		return;
	case S_DCS_HEAD:
		if (c == ESC) {
			drop(f, S_STR_DROP);
			f->str_esc = true;
			return;
		}
		if (c < 0x20)
			return;
		if (c >= 0x40 && c <= 0x7e) {
			hold(f, c);
			if (f->n_hold <= LX_TTYF_HOLD && dcs_judge(f)) {
				release(f, o);
				f->state = S_DCS_PASS;
			} else {
				drop(f, S_STR_DROP);
			}
			return;
		}
		if (c < 0x80 && f->n_hold < LX_TTYF_HOLD) {
			hold(f, c);
			return;
		}
		drop(f, S_STR_DROP);
		return;
	case S_OSC_PASS:
	case S_DCS_PASS:
	case S_STR_DROP:
		if (f->str_esc) {
			f->str_esc = false;
			if (c == '\\') {
				str_end(f, o, false);
				return;
			}
			/* Anything else ends the string and starts a sequence. */
			str_end(f, o, false);
			if (c == ESC)
				f->state = S_ESC;
			else
				after_esc(f, o, c);
			return;
		}
		if (c == ESC) {
			f->str_esc = true;
			return;
		}
		if (c == BEL && f->state != S_DCS_PASS) {
			str_end(f, o, true);
			return;
		}
		if (f->state == S_STR_DROP || (c < 0x20 && f->state == S_OSC_PASS))
			return;
		put(o, c);
		return;
	}
}

size_t lx_ttyfilter_feed(struct lx_ttyfilter *f, const unsigned char *in, size_t n,
			 unsigned char *out)
{
	struct out o = {out, 0};

	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];

		if (!f->utf8) {
			if (c >= 0x80 && c <= 0x9f)
				c1(f, &o, c);
			else
				byte(f, &o, c);
			continue;
		}
		if (f->c2) {
			f->c2 = false;
			if (c >= 0x80 && c <= 0x9f) {
				f->utf8_left = 0;
				c1(f, &o, c);
				continue;
			}
			f->utf8_left = 1;
			byte(f, &o, 0xc2);
		}
		if (c == 0xc2) {
			f->c2 = true; /* a lead byte: the next one says whether a C1 follows */
			continue;
		}
		if (c >= 0x80 && c <= 0xbf) {
			if (f->utf8_left == 0) {
				/* No character's part: 0x80-0x9f would be a C1 to an 8-bit
				 * terminal, so it goes; the rest is as harmless as any text. */
				if (c >= 0xa0)
					byte(f, &o, c);
				else
					f->dropped++;
				continue;
			}
			f->utf8_left--;
		} else if (c >= 0xc0) {
			f->utf8_left = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		} else {
			f->utf8_left = 0;
		}
		byte(f, &o, c);
	}
	return o.n;
}

size_t lx_ttyfilter_restore(struct lx_ttyfilter *f, unsigned char *out)
{
	struct out o = {out, 0};
	char num[16];

	if (f->state == S_OSC_PASS || f->state == S_DCS_PASS)
		puts_(&o, "\x1b\\");
	f->state = S_GROUND;
	f->n_hold = 0;
	f->str_esc = f->c2 = false;
	/* The alternate screens first: leaving one restores the cursor and the screen. */
	put_modes(&o, f->dec_changed, dec_modes, N_DEC, "\x1b[?", true);
	put_modes(&o, f->dec_changed, dec_modes, N_DEC, "\x1b[?", false);
	put_modes(&o, f->ansi_changed, ansi_modes, N_ANSI, "\x1b[", false);
	if (f->kitty_set && !f->kitty_pushes)
		puts_(&o, "\x1b[=0;1u");
	if (f->kitty_pushes) {
		snprintf(num, sizeof num, "%u", f->kitty_pushes);
		puts_(&o, "\x1b[<");
		puts_(&o, num);
		puts_(&o, "u");
	}
	if (f->other_keys)
		puts_(&o, "\x1b[>4m");
	if (f->keypad)
		puts_(&o, "\x1b>");
	for (unsigned g = 0; g < 4; g++)
		if (f->charset_changed & (1u << g)) {
			put(&o, ESC);
			put(&o, (unsigned char)("()*+"[g]));
			put(&o, 'B');
		}
	if (f->shifted)
		put(&o, 0x0f);
	if (f->sgr_dirty)
		puts_(&o, "\x1b[0m");
	if (f->cursor_style)
		puts_(&o, "\x1b[0 q");
	if (f->region)
		puts_(&o, "\x1b" "7\x1b[r\x1b" "8");
	if (f->title_pushed)
		puts_(&o, "\x1b[23;0t");
	f->dec_changed = f->ansi_changed = f->charset_changed = 0;
	f->kitty_pushes = 0;
	f->kitty_set = f->other_keys = f->keypad = f->shifted = f->sgr_dirty = false;
	f->cursor_style = f->region = f->title_pushed = false;
	return o.n;
}

bool lx_tty_utf8(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]), *dot;
		if (!v || !*v)
			continue;
		dot = strchr(v, '.');
		if (!dot)
			return true; /* C, POSIX, en_US: a UTF-8 terminal is the common case */
		dot++;
		return strncasecmp(dot, "utf-8", 5) == 0 || strncasecmp(dot, "utf8", 4) == 0;
	}
	return true;
}
