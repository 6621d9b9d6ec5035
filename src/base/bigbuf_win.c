/* bigbuf on Windows: plain malloc (free() must free it, and the CRT's aligned blocks
 * need _aligned_free). */
#include "base/bigbuf.h"

#include <stdlib.h>

void *bigbuf_alloc(size_t n)
{
	return malloc(n);
}

void *bigbuf_lazy(size_t n)
{
	return malloc(n);
}
