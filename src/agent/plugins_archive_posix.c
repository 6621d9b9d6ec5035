/* The curated tarball written out (plugins.h: plugins_archive_extract): only files and
 * folders, created relative to the extraction folder's fd, never through a link and
 * never over something already there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/plugins.h"
#include "base/buf.h"
#include "base/inflate.h"

/* Makes each missing folder of rel (a cleaned path) under dirfd; never follows a link. */
static int make_dirs(int dirfd, const char *rel, bool last_too, struct err *e)
{
	char p[PLUGIN_TAR_PATH_MAX + 1];
	size_t n = strlen(rel);

	memcpy(p, rel, n + 1);
	for (size_t i = 0; i <= n; i++) {
		struct stat s;
		if (p[i] != '/' && !(i == n && last_too))
			continue;
		p[i] = '\0';
		if (mkdirat(dirfd, p, 0755) < 0 && errno != EEXIST)
			return err_sys(e, errno, "failed to create curated plugins directory %s", p);
		if (fstatat(dirfd, p, &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(s.st_mode))
			return err_set(e, "curated plugins archive: %s is not a directory", p);
		if (i < n)
			p[i] = '/';
	}
	return 0;
}

static int write_file(int dirfd, const struct plugin_tar_entry *en, struct err *e)
{
	int fd;
	size_t off = 0;

	if (make_dirs(dirfd, en->path, false, e) < 0)
		return -1;
	/* O_EXCL: a second entry of the same name (or a link planted earlier) is refused */
	fd = openat(dirfd, en->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    en->executable ? 0755 : 0644);
	if (fd < 0)
		return err_sys(e, errno, "failed to create curated plugins file %s", en->path);
	while (off < en->size) {
		ssize_t w = write(fd, en->data + off, en->size - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_sys(e, w < 0 ? errno : EIO, "failed to write curated plugins file %s",
				en->path);
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return err_sys(e, errno, "failed to write curated plugins file %s", en->path);
	return 0;
}

int plugins_archive_extract(const unsigned char *gz, size_t len, const char *dir,
			    struct err *e)
{
	struct buf tar;
	struct plugin_tar t;
	struct plugin_tar_entry en;
	int dirfd, r, rc = -1;

	buf_init(&tar, PLUGIN_TAR_MAX_BYTES);
	if (gunzip(gz, len, &tar, e) < 0) {
		char why[sizeof e->msg];
		snprintf(why, sizeof why, "%s", e->msg);
		buf_free(&tar);
		return err_set(e, "failed to unpack curated plugins archive: %s", why);
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		err_sys(e, errno, "failed to open curated plugins extraction directory %s", dir);
		goto out;
	}
	plugin_tar_init(&t, (const unsigned char *)tar.data, tar.len);
	while ((r = plugin_tar_next(&t, &en, e)) == 1) {
		if (!en.path[0] || en.kind == PLUGIN_TAR_SKIP)
			continue;
		if (en.kind == PLUGIN_TAR_DIR ? make_dirs(dirfd, en.path, true, e) < 0
					      : write_file(dirfd, &en, e) < 0)
			goto out;
	}
	if (r == 0)
		rc = 0;
out:
	if (dirfd >= 0)
		close(dirfd);
	buf_free(&tar);
	return rc;
}
