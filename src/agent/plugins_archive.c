/* The curated repository's tarball (plugins.h): a pure tar reader over the whole
 * archive in memory (plugins_archive_posix.c writes what it reads). Only plain relative
 * paths under the archive's top folder are accepted, so nothing it yields can name a
 * place outside the folder it is extracted into. */
#include <stdio.h>
#include <string.h>

#include "agent/plugins.h"

#define BLOCK 512

void plugin_tar_init(struct plugin_tar *t, const unsigned char *p, size_t len)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->len = len;
}

static int fail(struct plugin_tar *t, struct err *e, const char *what, const char *path)
{
	t->failed = true;
	if (path)
		return err_set(e, "curated plugins archive: %s: %.200s", what, path);
	return err_set(e, "curated plugins archive: %s", what);
}

/* An octal field (NUL- or space-ended); -1 when it is not one. */
static long long octal(const unsigned char *f, size_t n)
{
	long long v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (1ll << 40))
			return -1; /* far past any cap */
		v = v * 8 + (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return v;
}

static bool zero_block(const unsigned char *b)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static bool checksum_ok(const unsigned char *h)
{
	long long want = octal(h + 148, 8), sum = 0;

	for (size_t i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return want == sum;
}

/* raw (n bytes, may hold no NUL) into out without the top folder: components split on
 * '/', empty and "." ones dropped. -1 when a component is "..", the path is absolute or
 * holds a backslash or control character, or it is too long or too deep. */
static int clean_path(const char *raw, size_t n, char out[PLUGIN_TAR_PATH_MAX + 1])
{
	size_t o = 0, i = 0, depth = 0;

	out[0] = '\0';
	if (n && raw[0] == '/')
		return -1;
	while (i < n) {
		size_t s = i;
		while (i < n && raw[i] != '/')
			i++;
		if (i - s == 0 || (i - s == 1 && raw[s] == '.')) {
			i++;
			continue;
		}
		if (i - s == 2 && raw[s] == '.' && raw[s + 1] == '.')
			return -1;
		for (size_t k = s; k < i; k++)
			if ((unsigned char)raw[k] < 0x20 || raw[k] == 0x7f || raw[k] == '\\')
				return -1;
		if (++depth > PLUGIN_TAR_MAX_DEPTH)
			return -1;
		if (depth > 1) { /* the first component is the top folder */
			if (o + (o ? 1 : 0) + (i - s) > PLUGIN_TAR_PATH_MAX)
				return -1;
			if (o)
				out[o++] = '/';
			memcpy(out + o, raw + s, i - s);
			o += i - s;
			out[o] = '\0';
		}
		i++;
	}
	return depth ? 0 : -1;
}

/* The value of "path=" among a pax header's "<len> key=value\n" records, into out. */
static int pax_path(const unsigned char *d, size_t n, char out[PLUGIN_TAR_PATH_MAX + 1])
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, s = i, k;
		while (i < n && d[i] >= '0' && d[i] <= '9' && len < n)
			len = len * 10 + (d[i++] - '0');
		if (i >= n || d[i] != ' ' || len <= i - s + 1 || len > n - s || d[s + len - 1] != '\n')
			return -1;
		k = i + 1;
		if (s + len - k > 5 && memcmp(d + k, "path=", 5) == 0) {
			size_t vn = s + len - 1 - (k + 5);
			if (vn > PLUGIN_TAR_PATH_MAX || memchr(d + k + 5, '\0', vn))
				return -1;
			memcpy(out, d + k + 5, vn);
			out[vn] = '\0';
		}
		i = s + len;
	}
	return 0;
}

int plugin_tar_next(struct plugin_tar *t, struct plugin_tar_entry *out, struct err *e)
{
	for (;;) {
		const unsigned char *h;
		long long size, mode;
		size_t padded;
		char raw[PLUGIN_TAR_PATH_MAX + 160];
		char type;

		if (t->failed)
			return err_set(e, "curated plugins archive: already failed");
		if (t->len - t->off < BLOCK) {
			if (t->off == t->len)
				return 0; /* no end blocks: the data simply ends */
			return fail(t, e, "cut short", NULL);
		}
		h = t->p + t->off;
		if (zero_block(h))
			return 0;
		if (!checksum_ok(h))
			return fail(t, e, "a header's checksum is wrong", NULL);
		size = octal(h + 124, 12);
		mode = octal(h + 100, 8);
		if (size < 0 || mode < 0)
			return fail(t, e, "a header's size or mode is not a number", NULL);
		t->off += BLOCK;
		padded = ((size_t)size + BLOCK - 1) / BLOCK * BLOCK;
		if ((unsigned long long)size > t->len - t->off || padded > t->len - t->off)
			return fail(t, e, "an entry runs past the end", NULL);
		type = (char)h[156];
		if (type == 'x' || type == 'L') {
			/* the next entry's long name */
			if (type == 'x' ? pax_path(t->p + t->off, (size_t)size, t->next_path) < 0
					: (size_t)size > PLUGIN_TAR_PATH_MAX)
				return fail(t, e, "a long name is malformed or too long", NULL);
			if (type == 'L') {
				memcpy(t->next_path, t->p + t->off, (size_t)size);
				t->next_path[size] = '\0';
			}
			t->off += padded;
			continue;
		}
		if (type == 'g') { /* pax global header (GitHub's commit comment) */
			t->off += padded;
			continue;
		}
		if (++t->entries > AGENT_CURATED_MAX_FILES)
			return fail(t, e, "too many entries", NULL);
		if (t->next_path[0]) {
			snprintf(raw, sizeof raw, "%s", t->next_path);
			t->next_path[0] = '\0';
		} else if (h[345] && memcmp(h + 257, "ustar", 5) == 0) {
			snprintf(raw, sizeof raw, "%.155s/%.100s", (const char *)h + 345,
				 (const char *)h);
		} else {
			snprintf(raw, sizeof raw, "%.100s", (const char *)h);
		}
		if (clean_path(raw, strlen(raw), out->path) < 0)
			return fail(t, e, "an entry's path leaves the archive's folder", raw);
		out->kind = type == '0' || type == '\0' || type == '7' ? PLUGIN_TAR_FILE
			    : type == '5'                               ? PLUGIN_TAR_DIR
									: PLUGIN_TAR_SKIP;
		out->data = t->p + t->off;
		out->size = out->kind == PLUGIN_TAR_FILE ? (size_t)size : 0;
		out->executable = (mode & 0111) != 0;
		t->off += padded;
		return 1;
	}
}
