/* A new private temp file holding some bytes: the draft Ctrl+G hands to the editor, the
 * PNG Ctrl+V takes from the clipboard. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "tui/internal.h"

char *tui_temp_file(const char *name, const void *data, size_t n, struct err *e)
{
	const char *dir = getenv("TMPDIR"), *dot = strrchr(name, '.');
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	path = path_join(dir, name);
	if (!path) {
		err_set(e, "out of memory");
		return NULL;
	}
	/* mkostemps: the XXXXXX stand just before the suffix, 0600, not inherited */
	fd = mkostemps(path, dot ? (int)strlen(dot) : 0, O_CLOEXEC);
	if (fd < 0) {
		err_sys(e, errno, "cannot create a temp file in %s", dir);
		free(path);
		return NULL;
	}
	if (fd_write_all(fd, data, n) < 0 || close(fd) < 0) {
		err_sys(e, errno, "cannot write %s", path);
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}
