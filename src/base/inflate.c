/* See inflate.h. Canonical Huffman codes are decoded a bit at a time from per-length
 * counts and a symbol table sorted by code (RFC 1951 §3.2.2): slower than lookup
 * tables, but small and easy to check; downloads are a few MiB. */
#include <stdbool.h>
#include <string.h>

#include "base/inflate.h"

#define MAX_BITS 15       /* longest code (RFC 1951 §3.2.2) */
#define MAX_LIT 288       /* literal/length symbols, the two unused ones included */
#define MAX_DIST 30       /* distance symbols */
#define MAX_CODELEN 19    /* code length symbols */

struct bits {
	const unsigned char *in;
	size_t len, pos;
	uint32_t buf;     /* bits not used yet, low first */
	int cnt;
	bool cut;         /* the input ended too soon (sticky) */
};

struct huff {
	short count[MAX_BITS + 1];
	short symbol[MAX_LIT];
};

static int need(struct bits *b, int n)
{
	uint32_t v;

	while (b->cnt < n) {
		if (b->pos >= b->len) {
			b->cut = true;
			return 0;
		}
		b->buf |= (uint32_t)b->in[b->pos++] << b->cnt;
		b->cnt += 8;
	}
	v = b->buf & ((1u << n) - 1);
	b->buf >>= n;
	b->cnt -= n;
	return (int)v;
}

/* Builds h from n code lengths. 0 when complete, > 0 when incomplete, < 0 when
 * over-subscribed (then unusable). */
static int build(struct huff *h, const short *lengths, int n)
{
	short offs[MAX_BITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof h->count);
	for (int s = 0; s < n; s++)
		h->count[lengths[s]]++;
	if (h->count[0] == n)
		return 0; /* no codes: decoding any symbol fails */
	for (int l = 1; l <= MAX_BITS; l++) {
		left = (left << 1) - h->count[l];
		if (left < 0)
			return left;
	}
	offs[1] = 0;
	for (int l = 1; l < MAX_BITS; l++)
		offs[l + 1] = (short)(offs[l] + h->count[l]);
	for (int s = 0; s < n; s++)
		if (lengths[s])
			h->symbol[offs[lengths[s]]++] = (short)s;
	return left;
}

/* The next symbol, or -1 (no such code, or the input ended). */
static int decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	for (int l = 1; l <= MAX_BITS; l++) {
		code |= need(b, 1);
		if (b->cut)
			return -1;
		if (code - h->count[l] < first)
			return h->symbol[index + (code - first)];
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
	return -1;
}

static const short len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				   35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const short len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned short dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const short dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
				     7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int too_big(struct buf *out, struct err *e)
{
	return err_set(e, "the compressed data expands past %zu bytes", out->max);
}

/* One block's data with the codes given, up to its end-of-block symbol. */
static int codes(struct bits *b, struct buf *out, const struct huff *lit,
		 const struct huff *dist, struct err *e)
{
	for (;;) {
		int sym = decode(b, lit);
		if (sym < 0)
			goto bad;
		if (sym < 256) {
			if (buf_putc(out, (char)sym) < 0)
				return too_big(out, e);
		} else if (sym == 256) {
			return 0;
		} else {
			size_t n, d;
			sym -= 257;
			if (sym >= 29)
				goto bad;
			n = (size_t)len_base[sym] + (size_t)need(b, len_extra[sym]);
			sym = decode(b, dist);
			if (sym < 0 || sym >= 30)
				goto bad;
			d = (size_t)dist_base[sym] + (size_t)need(b, dist_extra[sym]);
			if (b->cut)
				goto bad;
			if (d > out->len)
				return err_set(e, "compressed data refers back past its start");
			/* byte by byte: the copy may overlap what it writes */
			while (n--)
				if (buf_putc(out, out->data[out->len - d]) < 0)
					return too_big(out, e);
		}
	}
bad:
	return err_set(e, b->cut ? "compressed data ends too soon" : "invalid compressed data");
}

static int stored(struct bits *b, struct buf *out, struct err *e)
{
	size_t n;

	b->buf = 0; /* to the byte boundary */
	b->cnt = 0;
	if (b->len - b->pos < 4)
		return err_set(e, "compressed data ends too soon");
	n = b->in[b->pos] | (size_t)b->in[b->pos + 1] << 8;
	if ((b->in[b->pos + 2] ^ 0xff) != (n & 0xff) || (b->in[b->pos + 3] ^ 0xff) != n >> 8)
		return err_set(e, "invalid compressed data (stored block length)");
	b->pos += 4;
	if (b->len - b->pos < n)
		return err_set(e, "compressed data ends too soon");
	if (buf_append(out, b->in + b->pos, n) < 0)
		return too_big(out, e);
	b->pos += n;
	return 0;
}

static int fixed(struct bits *b, struct buf *out, struct err *e)
{
	struct huff lit, dist;
	short l[MAX_LIT];
	int s = 0;

	for (; s < 144; s++)
		l[s] = 8;
	for (; s < 256; s++)
		l[s] = 9;
	for (; s < 280; s++)
		l[s] = 7;
	for (; s < MAX_LIT; s++)
		l[s] = 8;
	(void)build(&lit, l, MAX_LIT);
	for (s = 0; s < MAX_DIST; s++)
		l[s] = 5;
	(void)build(&dist, l, MAX_DIST);
	return codes(b, out, &lit, &dist, e);
}

static int dynamic(struct bits *b, struct buf *out, struct err *e)
{
	static const short order[MAX_CODELEN] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
						 11, 4, 12, 3, 13, 2, 14, 1, 15};
	struct huff lit, dist, lens;
	short l[MAX_LIT + MAX_DIST];
	int nlit = need(b, 5) + 257, ndist = need(b, 5) + 1, ncode = need(b, 4) + 4, s, r;

	if (b->cut)
		return err_set(e, "compressed data ends too soon");
	if (nlit > 286 || ndist > MAX_DIST)
		return err_set(e, "invalid compressed data (code counts)");
	memset(l, 0, sizeof l);
	for (s = 0; s < ncode; s++)
		l[order[s]] = (short)need(b, 3);
	if (build(&lens, l, MAX_CODELEN) != 0)
		return err_set(e, "invalid compressed data (code length codes)");
	for (s = 0; s < nlit + ndist;) {
		int sym = decode(b, &lens), rep = 0;
		short v = 0;
		if (sym < 0)
			return err_set(e, b->cut ? "compressed data ends too soon"
						 : "invalid compressed data");
		if (sym < 16) {
			l[s++] = (short)sym;
			continue;
		}
		if (sym == 16) {
			if (!s)
				return err_set(e, "invalid compressed data (repeat with no length)");
			v = l[s - 1];
			rep = 3 + need(b, 2);
		} else if (sym == 17) {
			rep = 3 + need(b, 3);
		} else {
			rep = 11 + need(b, 7);
		}
		if (s + rep > nlit + ndist)
			return err_set(e, "invalid compressed data (too many lengths)");
		while (rep--)
			l[s++] = v;
	}
	if (!l[256])
		return err_set(e, "invalid compressed data (no end-of-block code)");
	/* incomplete codes are allowed only when they have a single code (RFC 1951) */
	r = build(&lit, l, nlit);
	if (r < 0 || (r > 0 && nlit - lit.count[0] != 1))
		return err_set(e, "invalid compressed data (literal/length code)");
	r = build(&dist, l + nlit, ndist);
	if (r < 0 || (r > 0 && ndist - dist.count[0] != 1))
		return err_set(e, "invalid compressed data (distance code)");
	return codes(b, out, &lit, &dist, e);
}

int inflate_raw(const unsigned char *in, size_t len, size_t *used, struct buf *out,
		struct err *e)
{
	struct bits b = {in, len, 0, 0, 0, false};
	int last;

	do {
		int type, rc;
		last = need(&b, 1);
		type = need(&b, 2);
		if (b.cut)
			return err_set(e, "compressed data ends too soon");
		if (type == 0)
			rc = stored(&b, out, e);
		else if (type == 1)
			rc = fixed(&b, out, e);
		else if (type == 2)
			rc = dynamic(&b, out, e);
		else
			rc = err_set(e, "invalid compressed data (block type 3)");
		if (rc < 0)
			return -1;
	} while (!last);
	*used = b.pos; /* the rest of the last byte is padding */
	return 0;
}

uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int gunzip(const unsigned char *in, size_t len, struct buf *out, struct err *e)
{
	size_t pos = 10, used, start = out->len;
	unsigned flags;

	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b)
		return err_set(e, "not a gzip file");
	if (in[2] != 8)
		return err_set(e, "gzip file with an unknown compression method %u", in[2]);
	flags = in[3];
	if (flags & 0xe0)
		return err_set(e, "gzip file with unknown header flags");
	if (flags & 4) { /* FEXTRA */
		size_t n = in[pos] | (size_t)in[pos + 1] << 8;
		if (len - pos < n + 2)
			return err_set(e, "gzip header ends too soon");
		pos += 2 + n;
	}
	for (unsigned f = 8; f <= 16; f <<= 1) { /* FNAME, FCOMMENT: NUL-ended */
		if (!(flags & f))
			continue;
		while (pos < len && in[pos])
			pos++;
		if (pos++ >= len)
			return err_set(e, "gzip header ends too soon");
	}
	if (flags & 2) /* FHCRC */
		pos += 2;
	if (pos > len)
		return err_set(e, "gzip header ends too soon");
	if (inflate_raw(in + pos, len - pos, &used, out, e) < 0)
		return -1;
	pos += used;
	if (len - pos < 8)
		return err_set(e, "gzip file ends too soon (no trailer)");
	if (le32(in + pos) != (out->data ? crc32_update(0, (const unsigned char *)out->data + start,
							    out->len - start)
					 : crc32_update(0, NULL, 0)))
		return err_set(e, "gzip data is corrupt (CRC-32 mismatch)");
	if (le32(in + pos + 4) != (uint32_t)(out->len - start))
		return err_set(e, "gzip data is corrupt (length mismatch)");
	if (len - pos != 8)
		return err_set(e, "gzip file holds more than one member or trailing bytes");
	return 0;
}
