#include "base/utf8.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

int utf8_char_len(const unsigned char *s, size_t avail)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t n;

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		n = 2;
	else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else
		return -1;
	if (n > avail || s[1] < lo || s[1] > hi)
		return -1;
	for (size_t k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return -1;
	return (int)n;
}

size_t utf8_ascii_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	/* Sixteen or eight bytes at a time: most text is ASCII, and this is what makes
	 * validating a large file cost about as much as reading it. */
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16)
		if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))))
			break;
#endif
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			break;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		int l;
		if (s[i] < 0x80) {
			i += utf8_ascii_prefix(str + i, n - i);
			continue;
		}
		l = utf8_char_len(s + i, n - i);
		if (l < 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}
