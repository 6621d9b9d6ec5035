/* The relay's terminal filter (sandbox/linux/ttyfilter.c), resumable over any split of
 * the stream: for any bytes, in UTF-8 and in 8-bit mode,
 * - fed whole or in chunks (sizes taken from the input), it writes the same bytes;
 * - what it writes is something a second filter finds nothing to drop in: no sequence
 *   it refuses ever reaches the terminal, however the input was built;
 * - output and restore stay within their documented sizes, and the restore passes too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/linux/linux_sandbox.h"

#define MAX_IN 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char whole[LX_TTYF_OUT(MAX_IN)], chunked[LX_TTYF_OUT(MAX_IN) * 2];
	static unsigned char again[LX_TTYF_OUT(LX_TTYF_OUT(MAX_IN))];
	unsigned char restore[LX_TTYF_RESTORE_MAX], r2[LX_TTYF_RESTORE_MAX];
	struct lx_ttyfilter a, b, c;
	size_t n_whole, n_chunked = 0, step, i;
	bool utf8;

	if (size < 2)
		return 0;
	utf8 = data[0] & 1;
	step = (size_t)(data[0] >> 1) % 17 + 1;
	data += 1;
	size -= 1;
	if (size > MAX_IN)
		size = MAX_IN;
	lx_ttyfilter_init(&a, utf8);
	n_whole = lx_ttyfilter_feed(&a, data, size, whole);
	if (n_whole > LX_TTYF_OUT(size))
		abort();
	lx_ttyfilter_init(&b, utf8);
	for (i = 0; i < size; i += step) {
		size_t k = size - i < step ? size - i : step, m;
		m = lx_ttyfilter_feed(&b, data + i, k, chunked + n_chunked);
		if (m > LX_TTYF_OUT(k))
			abort();
		n_chunked += m;
	}
	if (n_chunked != n_whole || memcmp(whole, chunked, n_whole) != 0)
		abort();
	lx_ttyfilter_init(&c, utf8);
	(void)lx_ttyfilter_feed(&c, whole, n_whole, again);
	if (c.dropped != 0)
		abort();
	/* The restore ends what is open, and passes as the stream's end; then the filter
	 * is fresh (a second restore says nothing). */
	{
		size_t m = lx_ttyfilter_restore(&a, restore);
		if (m > LX_TTYF_RESTORE_MAX)
			abort();
		(void)lx_ttyfilter_feed(&c, restore, m, again);
		if (c.dropped != 0 || lx_ttyfilter_restore(&a, r2) != 0)
			abort();
	}
	return 0;
}
