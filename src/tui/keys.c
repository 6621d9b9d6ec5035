/* The key decoder (see keys.h). */
#include "tui/keys.h"

#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

static const char paste_end[] = "\x1b[201~";

typedef void on_key_fn(void *arg, const struct key *key);

void keys_init(struct keys *k)
{
	memset(k, 0, sizeof *k);
	buf_init(&k->paste, KEYS_PASTE_MAX_BYTES);
}

void keys_free(struct keys *k)
{
	buf_free(&k->paste);
}

static void emit(on_key_fn *fn, void *arg, enum key_kind kind, uint32_t cp, unsigned mods)
{
	struct key key = {kind, cp, mods};
	fn(arg, &key);
}

static void plain_byte(unsigned char c, on_key_fn *fn, void *arg)
{
	if (c == '\r')
		emit(fn, arg, KEY_ENTER, 0, 0);
	else if (c == '\n')
		emit(fn, arg, KEY_NEWLINE, 0, KEYMOD_CTRL);
	else if (c == '\t')
		emit(fn, arg, KEY_TAB, 0, 0);
	else if (c == 0x7f || c == 0x08)
		emit(fn, arg, KEY_BACKSPACE, 0, 0);
	else if (c >= 1 && c <= 26)
		emit(fn, arg, KEY_CTRL, (uint32_t)('a' + c - 1), KEYMOD_CTRL);
	else if (c >= 0x20 && c < 0x7f)
		emit(fn, arg, KEY_CHAR, c, 0);
	/* NUL, FS..US and stray continuation bytes: nothing. */
}

/* Parameters of a CSI sequence: up to 4 numbers separated by ';' (sub-parameters after
 * ':' are ignored). */
static int csi_params(const unsigned char *p, size_t n, int out[4])
{
	int count = 0, v = 0;
	bool sub = false, any = false;

	for (int i = 0; i < 4; i++)
		out[i] = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (!sub && v < 100000)
				v = v * 10 + (p[i] - '0');
			any = true;
		} else if (p[i] == ':') {
			sub = true;
		} else if (p[i] == ';') {
			if (count < 4)
				out[count++] = v;
			v = 0;
			sub = false;
			any = false;
		}
	}
	if ((any || count) && count < 4)
		out[count++] = v;
	return count;
}

static unsigned mods_of(int param)
{
	unsigned m = param > 1 ? (unsigned)(param - 1) : 0;
	return (m & 1 ? KEYMOD_SHIFT : 0) | (m & 2 ? KEYMOD_ALT : 0) | (m & 4 ? KEYMOD_CTRL : 0);
}

/* A key code of the kitty protocol or xterm's modifyOtherKeys, with modifiers. */
static void code_key(int code, unsigned mods, on_key_fn *fn, void *arg)
{
	/* The kitty protocol's keypad keys (57399 on), as the keys they type. */
	static const char keypad[] = "0123456789./*-+\r=";

	if (code >= 57399 && code < 57399 + (int)sizeof keypad - 1)
		code = (unsigned char)keypad[code - 57399];
	if (code == 13)
		emit(fn, arg, mods ? KEY_NEWLINE : KEY_ENTER, 0, mods);
	else if (code == 27)
		emit(fn, arg, KEY_ESC, 0, mods);
	else if (code == 9)
		emit(fn, arg, mods & KEYMOD_SHIFT ? KEY_BACKTAB : KEY_TAB, 0, mods);
	else if (code == 127 || code == 8)
		emit(fn, arg, KEY_BACKSPACE, 0, mods);
	else if ((mods & KEYMOD_CTRL) && code >= 'a' && code <= 'z')
		emit(fn, arg, code == 'j' ? KEY_NEWLINE : KEY_CTRL, (uint32_t)code, mods);
	else if ((mods & KEYMOD_ALT) && code >= 0x20)
		emit(fn, arg, KEY_ALT, (uint32_t)code, mods);
	else if (code >= 0x20 && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF))
		emit(fn, arg, KEY_CHAR, (uint32_t)code, mods);
}

/* A complete CSI sequence: seq = ESC [ params final. Returns true when it starts a
 * paste. */
static bool csi_key(const unsigned char *seq, size_t n, on_key_fn *fn, void *arg)
{
	unsigned char final = seq[n - 1];
	int p[4], np = csi_params(seq + 2, n - 3, p);
	unsigned mods = np >= 2 ? mods_of(p[1]) : 0;

	if (n > 2 && (seq[2] == '<' || seq[2] == '?' || seq[2] == '>'))
		return false; /* mouse reports and replies to queries: not keys */
	switch (final) {
	case 'A': emit(fn, arg, KEY_UP, 0, mods); break;
	case 'B': emit(fn, arg, KEY_DOWN, 0, mods); break;
	case 'C': emit(fn, arg, KEY_RIGHT, 0, mods); break;
	case 'D': emit(fn, arg, KEY_LEFT, 0, mods); break;
	case 'H': emit(fn, arg, KEY_HOME, 0, mods); break;
	case 'F': emit(fn, arg, KEY_END, 0, mods); break;
	case 'Z': emit(fn, arg, KEY_BACKTAB, 0, KEYMOD_SHIFT); break;
	case 'I': emit(fn, arg, KEY_FOCUS_IN, 0, 0); break;
	case 'O': emit(fn, arg, KEY_FOCUS_OUT, 0, 0); break;
	case 'u':
		if (np >= 1)
			code_key(p[0], np >= 2 ? mods_of(p[1]) : 0, fn, arg);
		break;
	case '~':
		switch (np >= 1 ? p[0] : 0) {
		case 1: case 7: emit(fn, arg, KEY_HOME, 0, mods); break;
		case 4: case 8: emit(fn, arg, KEY_END, 0, mods); break;
		case 3: emit(fn, arg, KEY_DELETE, 0, mods); break;
		case 5: emit(fn, arg, KEY_PGUP, 0, mods); break;
		case 6: emit(fn, arg, KEY_PGDN, 0, mods); break;
		case 200: return true;
		case 27:
			if (np >= 3)
				code_key(p[2], mods_of(p[1]), fn, arg);
			break;
		default: break;
		}
		break;
	default:
		break;
	}
	return false;
}

static void paste_done(struct keys *k, on_key_fn *fn, void *arg)
{
	/* CRLF and lone CR become LF, in place. */
	size_t w = 0;
	char *d = k->paste.data;

	for (size_t r = 0; d && r < k->paste.len; r++) {
		if (d[r] == '\r') {
			d[w++] = '\n';
			if (r + 1 < k->paste.len && d[r + 1] == '\n')
				r++;
		} else {
			d[w++] = d[r];
		}
	}
	k->paste.len = w;
	if (d)
		d[w] = '\0';
	k->in_paste = false;
	k->paste_ready = true;
	emit(fn, arg, KEY_PASTE, 0, 0);
}

static void paste_byte(struct keys *k, unsigned char c, on_key_fn *fn, void *arg)
{
	if ((char)c == paste_end[k->paste_end_match]) {
		if (++k->paste_end_match == sizeof paste_end - 1) {
			k->paste_end_match = 0;
			paste_done(k, fn, arg);
		}
		return;
	}
	if (k->paste_end_match) {
		/* A false start of the end marker is paste text. */
		if (k->paste.len + k->paste_end_match < KEYS_PASTE_MAX_BYTES)
			(void)!buf_append(&k->paste, paste_end, k->paste_end_match);
		k->paste_end_match = 0;
		if ((char)c == paste_end[0]) {
			k->paste_end_match = 1;
			return;
		}
	}
	/* Past the cap the rest is dropped (the buffer must not be freed mid-paste). */
	if (k->paste.len + 1 < KEYS_PASTE_MAX_BYTES)
		(void)!buf_putc(&k->paste, (char)c);
}

static size_t utf8_need(unsigned char lead)
{
	return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
}

void keys_feed(struct keys *k, const char *data, size_t n, on_key_fn *fn, void *arg)
{
	if (k->paste_ready) {
		buf_reset(&k->paste);
		k->paste_ready = false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];

		if (k->in_paste) {
			paste_byte(k, c, fn, arg);
			continue;
		}
		if (k->nseq == 0) {
			if (c == 0x1b || (c >= 0xC2 && c <= 0xF4)) {
				k->seq[k->nseq++] = c;
				continue;
			}
			plain_byte(c, fn, arg);
			continue;
		}
		if (k->seq[0] != 0x1b) {
			/* Inside a UTF-8 character. */
			if ((c & 0xC0) != 0x80) {
				k->nseq = 0;
				emit(fn, arg, KEY_CHAR, 0xFFFD, 0);
				i--; /* look at this byte again on its own */
				continue;
			}
			k->seq[k->nseq++] = c;
			if (k->nseq == utf8_need(k->seq[0])) {
				int len;
				uint32_t cp = tui_utf8_decode((const char *)k->seq, k->nseq, &len);
				k->nseq = 0;
				emit(fn, arg, KEY_CHAR, cp, 0);
			}
			continue;
		}
		if (k->nseq == 1) {
			if (c == '[' || c == 'O') {
				k->seq[k->nseq++] = c;
				continue;
			}
			k->nseq = 0;
			if (c == 0x1b) {
				emit(fn, arg, KEY_ESC, 0, 0);
				k->seq[k->nseq++] = c;
			} else if (c == '\r' || c == '\n') {
				emit(fn, arg, KEY_NEWLINE, 0, KEYMOD_ALT);
			} else if (c == 0x7f || c == 0x08) {
				emit(fn, arg, KEY_BACKSPACE, 0, KEYMOD_ALT);
			} else if (c >= 0x20 && c < 0x7f) {
				emit(fn, arg, KEY_ALT, c, KEYMOD_ALT);
			} else {
				emit(fn, arg, KEY_ESC, 0, 0);
				i--;
			}
			continue;
		}
		if (k->seq[1] == 'O') {
			k->nseq = 0;
			switch (c) {
			case 'A': emit(fn, arg, KEY_UP, 0, 0); break;
			case 'B': emit(fn, arg, KEY_DOWN, 0, 0); break;
			case 'C': emit(fn, arg, KEY_RIGHT, 0, 0); break;
			case 'D': emit(fn, arg, KEY_LEFT, 0, 0); break;
			case 'H': emit(fn, arg, KEY_HOME, 0, 0); break;
			case 'F': emit(fn, arg, KEY_END, 0, 0); break;
			case 'M': emit(fn, arg, KEY_ENTER, 0, 0); break;
			default: break; /* F1-F4 and the keypad: not used */
			}
			continue;
		}
		/* CSI: parameters and intermediates until a final byte. */
		if (c == 0x1b) {
			/* A sequence cut short by a new one. */
			k->nseq = 0;
			k->seq[k->nseq++] = c;
			continue;
		}
		if (k->nseq >= KEYS_SEQ_MAX) {
			k->nseq = 0; /* too long to be a key: dropped */
			continue;
		}
		k->seq[k->nseq++] = c;
		if (c >= 0x40 && c <= 0x7E) {
			size_t len = k->nseq;
			k->nseq = 0;
			if (csi_key(k->seq, len, fn, arg)) {
				buf_reset(&k->paste);
				k->paste_ready = false;
				k->in_paste = true;
				k->paste_end_match = 0;
			}
		} else if (c < 0x20 || c > 0x7E) {
			k->nseq = 0; /* not a CSI byte: the sequence is dropped */
		}
	}
}

bool keys_pending_esc(const struct keys *k)
{
	return !k->in_paste && k->nseq > 0 && k->seq[0] == 0x1b;
}

void keys_flush_esc(struct keys *k, on_key_fn *fn, void *arg)
{
	if (!keys_pending_esc(k))
		return;
	if (k->nseq == 2 && k->seq[1] == '[') {
		k->nseq = 0;
		emit(fn, arg, KEY_ALT, '[', KEYMOD_ALT);
		return;
	}
	k->nseq = 0;
	emit(fn, arg, KEY_ESC, 0, 0);
}

const char *keys_paste(const struct keys *k, size_t *len)
{
	*len = k->paste.len;
	return k->paste.data ? k->paste.data : "";
}
