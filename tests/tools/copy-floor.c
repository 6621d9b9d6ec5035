/* The floor of applying a patch, for tests/bench/apply_patch.sh:
 *
 *   copy-floor FILE...  < PATCH
 *
 * does the least any apply_patch must do, and nothing else: read the patch from stdin,
 * then for each FILE read it whole, write it again to a temporary file in the same
 * directory, fsync, keep the mode and rename it over the original (the atomic write
 * codex apply_patch does). No parsing, no matching. Exit 1 on any failure. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rewrite(const char *path)
{
	struct stat st;
	char tmp[4096];
	size_t n = 0;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC), out;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		return -1;
	for (;;) {
		ssize_t r = read(fd, data + n, (size_t)st.st_size + 1 - n);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (snprintf(tmp, sizeof tmp, "%s.floor-XXXXXX", path) >= (int)sizeof tmp)
		return -1;
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0)
		return -1;
	for (size_t w = 0; w < n;) {
		ssize_t r = write(out, data + w, n - w);
		if (r < 0)
			return -1;
		w += (size_t)r;
	}
	if (fchmod(out, st.st_mode & 07777) < 0 || fsync(out) < 0 || close(out) < 0 ||
	    rename(tmp, path) < 0)
		return -1;
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t r;

	while ((r = read(0, buf, sizeof buf)) > 0)
		;
	if (r < 0)
		return 1;
	for (int i = 1; i < argc; i++)
		if (rewrite(argv[i]) < 0) {
			perror(argv[i]);
			return 1;
		}
	return 0;
}
