/* Path roots on POSIX systems: "/" and nothing before it (see base/file.h). */
#include "base/file.h"

size_t path_root_len(const char *path)
{
	return 0;
}

int path_is_absolute(const char *path)
{
	return path[0] == '/';
}
