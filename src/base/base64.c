#include "base/base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char std_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *base64_encode(const void *p, size_t n, bool url)
{
	const unsigned char *in = p;
	const char *abc = url ? url_alphabet : std_alphabet;
	size_t out_len = n / 3 * 4 + 4 + 1, o = 0, i = 0;
	char *out;

	if (n > ((size_t)-1 - 8) / 4 * 3)
		return NULL;
	out = malloc(out_len);
	if (!out)
		return NULL;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		if (!url) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

/* The 6-bit value of c in either alphabet, or -1. */
static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int base64_decode(const char *s, size_t n, struct buf *out)
{
	size_t data_len = n, i, start = out->len;
	uint32_t acc = 0;
	int bits = 0;

	/* Padding only at the end, and only to a multiple of four. */
	while (data_len > 0 && s[data_len - 1] == '=')
		data_len--;
	if (n - data_len > 2 || (n != data_len && n % 4 != 0) || data_len % 4 == 1)
		return -1;
	for (i = 0; i < data_len; i++) {
		int v = sextet((unsigned char)s[i]);
		if (v < 0) {
			/* Forget what this call appended. */
			if (out->data) {
				out->len = start;
				out->data[start] = '\0';
			}
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_putc(out, (char)(acc >> bits & 0xff)) < 0)
				return -1;
		}
	}
	return 0;
}
