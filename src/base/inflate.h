/* DEFLATE (RFC 1951) and gzip (RFC 1952) decoding, for archives we download (the curated
 * plugins' tarball when git is missing). One call decodes a whole input held in memory
 * into a struct buf; the buf's own cap (buf_init's max) bounds the output, so a small
 * bomb of a stream fails with a clear error instead of eating memory. No I/O; the
 * caller owns everything (the state lives on the stack). */
#ifndef CODEX_BASE_INFLATE_H
#define CODEX_BASE_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Decodes the raw DEFLATE stream at the start of in, appending to out; *used gets the
 * bytes of in it took (the stream ends on a byte boundary after its last block). -1 with
 * e when the stream is malformed, cut short, or its output would pass out's cap (out is
 * then left with what was decoded). */
int inflate_raw(const unsigned char *in, size_t len, size_t *used, struct buf *out,
		struct err *e);

/* Decodes a one-member gzip file (header, DEFLATE data, CRC-32 and length checked) into
 * out. Bytes after the member are refused. -1 with e as inflate_raw. */
int gunzip(const unsigned char *in, size_t len, struct buf *out, struct err *e);

/* CRC-32 (ISO 3309, as gzip and zip use) of p, continuing from crc (0 to start). */
uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n);

#endif
