/* agent: the curated plugins' tarball: gzip/DEFLATE decoding (base/inflate.h), the tar
 * reader and the extraction (agent/plugins.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "agent/plugins.h"
#include "base/inflate.h"

static size_t unhex(const char *h, unsigned char *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		out[n++] = (unsigned char)((h[0] <= '9' ? h[0] - '0' : h[0] - 'a' + 10) << 4 |
					   (h[1] <= '9' ? h[1] - '0' : h[1] - 'a' + 10));
	return n;
}

/* Python's gzip.compress(b'hello hello hello hello world\n' * 3 + bytes(range(256))) */
static const char *const sample_gz =
	"1f8b0800000000000203cb48cdc9c957c8c020cbf38b7252b83228906560646266616563e7e0e4e2e6e1"
	"e5e3171014121611151397909492969195935750545256515553d7d0d4d2d6d1d5d33730343236313533"
	"b7b0b4b2b6b1b5b37770747276717573f7f0f4f2f6f1f5f30f080c0a0e090d0b8f888c8a8e898d8b4f48"
	"4c4a4e494d4bcfc8cccacec9cdcb2f282c2a2e292d2bafa8acaaaea9adab6f686c6a6e696d6befe8ecea"
	"eee9edeb9f3071d2e42953a74d9f3173d6ec3973e7cd5fb070d1e2254b972d5fb172d5ea356bd7addfb0"
	"71d3e62d5bb76ddfb173d7ee3d7bf7ed3f70f0d0e123478f1d3f71f2d4e93367cf9dbf70f1d2e52b57af"
	"5dbf71f3d6ed3b77efdd7ff0f0d1e3274f9f3d7ff1f2d5eb376fdfbdfff0f1d3e72f5fbf7dfff1f3d7ef"
	"3f7ffffd0700a7ea69585a010000";

TEST(inflate_gunzip_decodes_and_checks)
{
	unsigned char gz[1024], want[346];
	struct buf out;
	struct err e;
	size_t n = unhex(sample_gz, gz);

	for (int i = 0; i < 3; i++)
		memcpy(want + 30 * i, "hello hello hello hello world\n", 30);
	for (int i = 0; i < 256; i++)
		want[90 + i] = (unsigned char)i;
	buf_init(&out, 4096);
	REQUIRE(gunzip(gz, n, &out, &e) == 0);
	CHECK_INT(out.len, sizeof want);
	CHECK(memcmp(out.data, want, sizeof want) == 0);
	/* every cut is refused, never read past */
	for (size_t cut = 0; cut < n; cut++) {
		buf_reset(&out);
		CHECK(gunzip(gz, cut, &out, &e) < 0);
	}
	/* a flipped bit in the data or in the CRC */
	gz[n - 8] ^= 1;
	buf_reset(&out);
	CHECK(gunzip(gz, n, &out, &e) < 0);
	CHECK(strstr(e.msg, "CRC-32") != NULL);
	gz[n - 8] ^= 1;
	/* output past the cap */
	buf_free(&out);
	buf_init(&out, 100);
	CHECK(gunzip(gz, n, &out, &e) < 0);
	CHECK(strstr(e.msg, "expands past 100 bytes") != NULL);
	buf_free(&out);
}

/* A gzip of data in stored blocks (the form the tests build their archives in). */
static size_t gzip_stored(const unsigned char *d, size_t n, unsigned char *out)
{
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	size_t o = 10, off = 0;
	uint32_t crc = crc32_update(0, d, n);

	memcpy(out, head, 10);
	do {
		size_t k = n - off > 65535 ? 65535 : n - off;
		out[o++] = off + k == n;
		out[o++] = (unsigned char)k;
		out[o++] = (unsigned char)(k >> 8);
		out[o++] = (unsigned char)~k;
		out[o++] = (unsigned char)(~k >> 8);
		memcpy(out + o, d + off, k);
		o += k;
		off += k;
	} while (off < n);
	for (int i = 0; i < 4; i++)
		out[o++] = (unsigned char)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		out[o++] = (unsigned char)(n >> (8 * i));
	return o;
}

/* Appends a ustar header (and data) to t at *n. */
static void tar_add(unsigned char *t, size_t *n, const char *name, char type, const char *link,
		    const char *data)
{
	unsigned char *h = t + *n;
	size_t len = data ? strlen(data) : 0, sum = 0;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)(len & 077777777));
	h[156] = (unsigned char)type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", (unsigned)(sum & 0777777));
	*n += 512;
	if (len) {
		memset(t + *n, 0, (len + 511) / 512 * 512);
		memcpy(t + *n, data, len);
		*n += (len + 511) / 512 * 512;
	}
}

static int read_all(const unsigned char *t, size_t n, struct err *e, char *paths, size_t cap)
{
	struct plugin_tar r;
	struct plugin_tar_entry en;
	int rc;

	paths[0] = '\0';
	plugin_tar_init(&r, t, n);
	while ((rc = plugin_tar_next(&r, &en, e)) == 1)
		snprintf(paths + strlen(paths), cap - strlen(paths), "%c%s;",
			 en.kind == PLUGIN_TAR_FILE ? 'f' : en.kind == PLUGIN_TAR_DIR ? 'd' : 's',
			 en.path);
	return rc;
}

TEST(plugin_tar_reads_entries_under_the_top_folder)
{
	static unsigned char t[16384];
	char paths[1024], pax[600];
	size_t n = 0;
	struct err e;

	tar_add(t, &n, "top/", '5', NULL, NULL);
	tar_add(t, &n, "top/a/b.txt", '0', NULL, "hello");
	tar_add(t, &n, "top/./c//d", '0', NULL, "x");
	tar_add(t, &n, "top/link", '2', "/etc", NULL);
	/* a pax long name for the next entry */
	snprintf(pax, sizeof pax, "%d path=top/%0200d\n", 3 + 1 + 5 + 4 + 200 + 1, 0);
	tar_add(t, &n, "PaxHeader", 'x', NULL, pax);
	tar_add(t, &n, "short", '0', NULL, "y");
	memset(t + n, 0, 1024);
	n += 1024;
	REQUIRE(read_all(t, n, &e, paths, sizeof paths) == 0);
	CHECK(strncmp(paths, "d;fa/b.txt;fc/d;slink;f0000", 27) == 0);
	CHECK_INT(strlen(paths), 27 - 4 + 200 + 1);
}

TEST(plugin_tar_refuses_paths_out_of_the_folder)
{
	static const char *const bad[] = {"top/../../x", "/etc/passwd", "top/a/../../..",
					  "top/a\\..\\b", "top/\x1b[2J", "..", "top/..", "./"};
	static unsigned char t[4096];
	char paths[256];
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		size_t n = 0;
		tar_add(t, &n, bad[i], '0', NULL, "x");
		CHECK(read_all(t, n, &e, paths, sizeof paths) < 0);
		CHECK(strstr(e.msg, "leaves the archive's folder") != NULL);
	}
	/* a bad checksum, a size past the end */
	{
		size_t n = 0;
		tar_add(t, &n, "top/f", '0', NULL, "x");
		t[0] ^= 1;
		CHECK(read_all(t, n, &e, paths, sizeof paths) < 0);
		n = 0;
		tar_add(t, &n, "top/f", '0', NULL, "x");
		CHECK(read_all(t, 700, &e, paths, sizeof paths) < 0);
	}
}

TEST(plugins_archive_extract_writes_only_inside)
{
	static unsigned char t[16384], gz[20000];
	char dir[] = "/tmp/codex-archive-XXXXXX", out[] = "/tmp/codex-outside-XXXXXX", p[512];
	size_t n = 0, gn;
	struct err e;
	struct stat s;

	REQUIRE(mkdtemp(dir) && mkdtemp(out));
	tar_add(t, &n, "top/", '5', NULL, NULL);
	tar_add(t, &n, "top/.agents/plugins/marketplace.json", '0', NULL, "{}");
	/* a link to a folder outside, then a file "through" it: the link is not made, so
	 * the file lands in a real folder inside */
	tar_add(t, &n, "top/link", '2', out, NULL);
	tar_add(t, &n, "top/link/x", '0', NULL, "inside");
	gn = gzip_stored(t, n, gz);
	REQUIRE(plugins_archive_extract(gz, gn, dir, &e) == 0);
	snprintf(p, sizeof p, "%s/.agents/plugins/marketplace.json", dir);
	CHECK(stat(p, &s) == 0 && S_ISREG(s.st_mode) && s.st_size == 2);
	snprintf(p, sizeof p, "%s/link", dir);
	CHECK(lstat(p, &s) == 0 && S_ISDIR(s.st_mode));
	snprintf(p, sizeof p, "%s/x", out);
	CHECK(lstat(p, &s) < 0);
	/* the same archive again: nothing is written over what is there */
	CHECK(plugins_archive_extract(gz, gn, dir, &e) < 0);
	/* a traversal: refused */
	n = 0;
	tar_add(t, &n, "top/../escape", '0', NULL, "x");
	gn = gzip_stored(t, n, gz);
	CHECK(plugins_archive_extract(gz, gn, out, &e) < 0);
	snprintf(p, sizeof p, "%s/../escape", out);
	CHECK(lstat(p, &s) < 0);
	CHECK(plugins_remove_tree(dir) == 0);
	CHECK(plugins_remove_tree(out) == 0);
}
