/* The mountinfo parser of the sandbox launcher (sandbox/linux/kmounts.c): any bytes give
 * absolute mount points without NUL inside, or an error, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/linux/linux_sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strv km = STRV_INIT;
	struct err e;

	if (lx_kernel_mounts_parse((const char *)data, size, &km, &e) == 0)
		for (size_t i = 0; i < km.n; i++)
			if (km.v[i][0] != '/')
				abort();
	strv_free(&km);
	return 0;
}
