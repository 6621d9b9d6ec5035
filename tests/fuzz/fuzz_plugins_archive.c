/* Fuzz target: the curated plugins' tarball readers: gunzip/inflate (src/base/inflate.c)
 * over the bytes with a small output cap, and the tar reader (src/agent/plugins_archive.c)
 * over both the bytes and what they decompress to. Whatever the reader yields must be a
 * plain relative path: no leading '/', no "." / ".." / empty component, no backslash or
 * control character; a file's data must lie inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/plugins.h"
#include "base/inflate.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_path(const char *p)
{
	if (!*p)
		return; /* the top folder */
	check(p[0] != '/' && !strstr(p, "//") && !strchr(p, '\\'));
	for (const char *c = p; *c; c++)
		check((unsigned char)*c >= 0x20 && *c != 0x7f);
	for (const char *c = p; c;) {
		const char *s = strchr(c, '/');
		size_t n = s ? (size_t)(s - c) : strlen(c);
		check(n > 0 && !(n == 1 && c[0] == '.') && !(n == 2 && c[0] == '.' && c[1] == '.'));
		c = s ? s + 1 : NULL;
	}
}

static void read_tar(const unsigned char *p, size_t n)
{
	struct plugin_tar t;
	struct plugin_tar_entry en;
	struct err e;
	int rc;

	plugin_tar_init(&t, p, n);
	while ((rc = plugin_tar_next(&t, &en, &e)) == 1) {
		check_path(en.path);
		check(en.data >= p && en.size <= n && (size_t)(en.data - p) <= n - en.size);
	}
	check(rc == 0 || rc == -1);
	if (rc < 0)
		check(plugin_tar_next(&t, &en, &e) < 0); /* a failed reader stays failed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	struct err e;
	size_t used;

	read_tar(data, size);
	buf_init(&out, 1u << 20);
	if (gunzip(data, size, &out, &e) == 0)
		read_tar((const unsigned char *)out.data, out.len);
	buf_free(&out);
	buf_init(&out, 1u << 20);
	if (inflate_raw(data, size, &used, &out, &e) == 0)
		check(used <= size);
	buf_free(&out);
	return 0;
}
