/* Path roots on POSIX systems: "/" and nothing before it (see base/file.h). */
#include "base/file.h"

#include <stdlib.h>
#include <string.h>

size_t path_root_len(const char *path)
{
	return 0;
}

int path_is_absolute(const char *path)
{
	return path[0] == '/';
}

char *path_self_exe(void)
{
	return strdup("/proc/self/exe");
}
