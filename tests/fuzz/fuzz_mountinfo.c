/* The mountinfo parser of the sandbox launcher (sandbox/linux/kmounts.c): any bytes give
 * absolute mount points without NUL inside, each with a kind, or an error, never a
 * crash; asking which file system a path lies on works on whatever came out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/linux/linux_sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lx_mounts m;
	struct strv hidden = STRV_INIT;
	struct err e;

	if (lx_mounts_parse((const char *)data, size, &m, &e) == 0) {
		for (size_t i = 0; i < m.points.n; i++) {
			if (m.points.v[i][0] != '/')
				abort();
			if (m.kinds[i] != LX_FS_STORAGE && m.kinds[i] != LX_FS_KERNEL &&
			    m.kinds[i] != LX_FS_TERMINAL)
				abort();
			(void)lx_mounts_fs_of(&m, m.points.v[i]);
		}
		(void)lx_mounts_fs_of(&m, "/proc/sys/kernel");
		if (lx_terminal_mounts(&m, &hidden, &e) == 0 && (hidden.n == 0 ||
								 strcmp(hidden.v[0], "/dev") != 0))
			abort();
	}
	strv_free(&hidden);
	lx_mounts_free(&m);
	return 0;
}
