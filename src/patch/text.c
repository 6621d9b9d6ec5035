/* Text rules of apply_patch. Upstream is Rust: its strings are UTF-8, its trim() strips
 * the Unicode White_Space property, and its fuzzy match maps typographic punctuation to
 * ASCII. The exact sets matter for compatibility, so they are spelled out here. */
#include <string.h>

#include "patch/internal.h"

/* Decodes the character at s (valid UTF-8, n > 0); returns its length. */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (s[0] < 0x80 || n < 2) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xE0) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	if (s[0] < 0xF0 && n >= 3) {
		*cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	if (n >= 4) {
		*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
		      (s[3] & 0x3Fu);
		return 4;
	}
	*cp = s[0];
	return 1;
}

/* Rust's char::is_whitespace: the White_Space property. */
static int is_ws(unsigned c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

size_t ptext_ws_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n && s[i] < 0x80) { /* the usual case, without decoding */
		if (!pbytes_ws(s[i]))
			return i;
		i++;
	}
	while (i < n) {
		unsigned cp;
		size_t l = decode(s + i, n - i, &cp);
		if (!is_ws(cp))
			break;
		i += l;
	}
	return i;
}

size_t ptext_ws_suffix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t end = n;

	while (end > 0) {
		size_t start = end - 1;
		unsigned cp;

		if (s[start] < 0x80) {
			if (!pbytes_ws(s[start]))
				break;
			end = start;
			continue;
		}
		while (start > 0 && (s[start] & 0xC0) == 0x80 && end - start < 4)
			start--;
		decode(s + start, end - start, &cp);
		if (!is_ws(cp))
			break;
		end = start;
	}
	return n - end;
}

struct patch_str ptext_trim_end(struct patch_str t)
{
	t.len -= ptext_ws_suffix(t.s, t.len);
	return t;
}

struct patch_str ptext_trim(struct patch_str t)
{
	size_t lead = ptext_ws_prefix(t.s, t.len);

	t.s += lead;
	t.len -= lead;
	return ptext_trim_end(t);
}


const char *pmatch_pass_str(enum pmatch_pass p)
{
	switch (p) {
	case PMATCH_EXACT:
		return "exact";
	case PMATCH_TRIM_END:
		return "trim-end";
	case PMATCH_TRIM:
		return "trim";
	case PMATCH_NORMALIZED:
		return "normalized";
	case PMATCH_PASSES:
		break;
	}
	return "?";
}

/* The fourth pass's character map (reference §2.4): typographic dashes, quotes and
 * spaces become their ASCII forms. */
static unsigned normalize_char(unsigned c)
{
	if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
		return '-';
	if (c >= 0x2018 && c <= 0x201B)
		return '\'';
	if (c >= 0x201C && c <= 0x201F)
		return '"';
	if (c == 0xA0 || (c >= 0x2002 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
	    c == 0x3000)
		return ' ';
	return c;
}

struct patch_str ptext_pass_view(enum pmatch_pass pass, struct patch_str s)
{
	switch (pass) {
	case PMATCH_EXACT:
		return s;
	case PMATCH_TRIM_END:
		return ptext_trim_end(s);
	case PMATCH_TRIM:
	case PMATCH_NORMALIZED:
		return ptext_trim(s);
	case PMATCH_PASSES:
		break;
	}
	return s;
}

static int normalized_eq(struct patch_str a, struct patch_str b)
{
	const unsigned char *x = (const unsigned char *)a.s, *y = (const unsigned char *)b.s;
	size_t i = 0, j = 0;

	while (i < a.len && j < b.len) {
		unsigned ca, cb;
		if (x[i] < 0x80 && y[j] < 0x80) {
			if (x[i] != y[j])
				return 0;
			i++;
			j++;
			continue;
		}
		i += decode(x + i, a.len - i, &ca);
		j += decode(y + j, b.len - j, &cb);
		if (normalize_char(ca) != normalize_char(cb))
			return 0;
	}
	return i == a.len && j == b.len;
}

int ptext_view_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b)
{
	if (pass == PMATCH_NORMALIZED)
		return normalized_eq(a, b);
	return a.len == b.len && pbytes_eq(a.s, b.s, a.len);
}

int ptext_line_eq(enum pmatch_pass pass, struct patch_str a, struct patch_str b)
{
	return ptext_view_eq(pass, ptext_pass_view(pass, a), ptext_pass_view(pass, b));
}

/* The streaming form of phash_bytes (internal.h): the same byte sequence gives the
 * same value however it is fed, so the normalized pass can hash mapped characters as
 * it goes. */
struct phash {
	uint64_t h, acc;
	unsigned fill; /* bytes waiting in acc */
	size_t len;
};

static void ph_push(struct phash *ph, const unsigned char *p, size_t n)
{
	ph->len += n;
	while (n > 0 && ph->fill > 0) {
		ph->acc |= (uint64_t)*p++ << (8 * ph->fill);
		n--;
		if (++ph->fill == 8) {
			ph->h = phash_mix(ph->h, ph->acc);
			ph->acc = 0;
			ph->fill = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8)
		ph->h = phash_mix(ph->h, pbytes_load((const char *)p));
	for (; n > 0; n--)
		ph->acc |= (uint64_t)*p++ << (8 * ph->fill++);
}

uint64_t ptext_line_hash(enum pmatch_pass pass, struct patch_str s)
{
	s = ptext_pass_view(pass, s);
	if (pass != PMATCH_NORMALIZED || utf8_ascii_prefix(s.s, s.len) == s.len)
		return phash_bytes(s.s, s.len); /* ASCII maps to itself */
	return ptext_normalized_hash(s);
}

uint64_t ptext_normalized_hash(struct patch_str s)
{
	struct phash ph = {PHASH_SEED, 0, 0, 0};
	const unsigned char *p = (const unsigned char *)s.s;
	char mapped[256];
	size_t i = 0, o = 0;

	if (s.len <= sizeof mapped) {
		/* Short lines: map into a copy and hash that, in one go. */
		while (i < s.len) {
			unsigned cp, m;
			size_t l;
			if (p[i] < 0x80) {
				mapped[o++] = (char)p[i++];
				continue;
			}
			l = decode(p + i, s.len - i, &cp);
			m = normalize_char(cp);
			if (m != cp)
				mapped[o++] = (char)m;
			else {
				memcpy(mapped + o, p + i, l);
				o += l;
			}
			i += l;
		}
		return phash_bytes(mapped, o);
	}
	/* Hash the UTF-8 of the mapped text: mapped characters become one ASCII byte,
	 * the others keep their own bytes. */
	while (i < s.len) {
		size_t ascii = utf8_ascii_prefix(s.s + i, s.len - i), l;
		unsigned cp, m;
		unsigned char b;

		ph_push(&ph, p + i, ascii);
		i += ascii;
		if (i == s.len)
			break;
		l = decode(p + i, s.len - i, &cp);
		m = normalize_char(cp);
		b = (unsigned char)m;
		if (m != cp)
			ph_push(&ph, &b, 1);
		else
			ph_push(&ph, p + i, l);
		i += l;
	}
	return phash_end(phash_mix(ph.h, ph.acc), ph.len);
}
