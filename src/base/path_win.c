/* Path roots on Windows (see base/file.h): a drive ("C:") or a UNC share
 * ("//server/share"), with '/' or '\\' as separators. */
#include <ctype.h>

#include "base/file.h"

static int is_sep(char c)
{
	return c == '/' || c == '\\';
}

size_t path_root_len(const char *path)
{
	size_t n;

	if (isalpha((unsigned char)path[0]) && path[1] == ':')
		return 2;
	if (!is_sep(path[0]) || !is_sep(path[1]))
		return 0;
	/* "//server/share": the server and share names are the root. */
	n = 2;
	while (path[n] && !is_sep(path[n]))
		n++;
	if (!path[n])
		return n;
	n++;
	while (path[n] && !is_sep(path[n]))
		n++;
	return n;
}

int path_is_absolute(const char *path)
{
	size_t n = path_root_len(path);

	return n > 0 && (n > 2 || is_sep(path[2]));
}
