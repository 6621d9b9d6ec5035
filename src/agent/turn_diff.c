/* The turn diff (upstream's turn_diff event): what the turn's patches changed, as one
 * git-style unified diff of every file a patch touched, from its content before the
 * turn's first patch on it to its content now:
 *
 *   diff --git a/f.txt b/f.txt
 *   index <blob sha1 before>..<blob sha1 after>
 *   --- a/f.txt
 *   +++ b/f.txt
 *   @@ -1,2 +1,2 @@ ...                       (3 lines of context)
 *
 * with "new file mode 100644" / "deleted file mode 100644", 40 zeros for the missing
 * side's blob and /dev/null for its name. Paths are relative to the file's repository
 * root (a directory holding .git), else to /. As upstream it is emitted after each
 * patch and at the end of each model response once a patch ran; the exec front end
 * prints it. Files are read up to TURN_DIFF_MAX_FILE bytes; a larger or unreadable one
 * shows as a change with no hunks. */
#include <bearssl_hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/internal.h"
#include "base/file.h"
#include "patch/patch.h"

#define TURN_DIFF_MAX_FILE (8u * 1024 * 1024)
#define TURN_DIFF_MAX_FILES 1024
#define ZERO_OID "0000000000000000000000000000000000000000"

struct baseline {
	char *path;                    /* absolute */
	char *data;                    /* NULL: the file did not exist */
	size_t len;
	mode_t mode;
};

struct turn_diff {
	struct baseline *v;
	size_t n;
};

/* The file's content (NULL when missing or unreadable) and mode. */
static char *read_file(const char *path, size_t *len, mode_t *mode, bool *exists)
{
	struct buf b;
	struct stat st;
	struct err e;

	*len = 0;
	*mode = 0100644;
	*exists = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	if (!*exists)
		return NULL;
	*mode = st.st_mode & 0111 ? 0100755 : 0100644;
	buf_init(&b, TURN_DIFF_MAX_FILE);
	if (file_read_regular(path, &b, &e) < 0 || buf_putc(&b, '\0') < 0) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len - 1;
	return buf_take(&b);
}

void turn_diff_track(struct turn *t, const char *path)
{
	struct turn_diff *d = t->diff;
	struct baseline *grown;
	bool exists;

	if (!d && !(d = t->diff = calloc(1, sizeof *d)))
		return;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].path, path) == 0)
			return;
	if (d->n == TURN_DIFF_MAX_FILES)
		return;
	grown = realloc(d->v, (d->n + 1) * sizeof *d->v);
	if (!grown)
		return;
	d->v = grown;
	memset(&d->v[d->n], 0, sizeof d->v[d->n]);
	if (!(d->v[d->n].path = strdup(path)))
		return;
	d->v[d->n].data = read_file(path, &d->v[d->n].len, &d->v[d->n].mode, &exists);
	d->n++;
}

void turn_diff_free(struct turn_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].data);
	}
	free(d->v);
	free(d);
}

/* git's object id of a blob: sha1("blob <len>\0" + content). */
static void blob_oid(const char *data, size_t len, char out[41])
{
	br_sha1_context c;
	unsigned char h[20];
	char head[32];
	int n = snprintf(head, sizeof head, "blob %zu", len);

	br_sha1_init(&c);
	br_sha1_update(&c, head, (size_t)n + 1);
	br_sha1_update(&c, data, len);
	br_sha1_out(&c, h);
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* path relative to its repository root, or without the leading '/'. */
static const char *relative(const char *path, char **root_out)
{
	char *dir = strdup(path), *slash, *root;
	size_t n;

	*root_out = NULL;
	if (!dir)
		return path + 1;
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		snprintf(dir, strlen(dir) + 1, "/");
	root = git_repo_root(dir);
	free(dir);
	if (!root)
		return path + 1;
	n = strlen(root);
	*root_out = root;
	if (strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path + 1;
}

static int one_file(struct buf *out, const struct baseline *b)
{
	size_t len;
	mode_t mode;
	bool exists;
	char *now = read_file(b->path, &len, &mode, &exists), *root;
	char old_oid[41], new_oid[41];
	const char *rel;
	int rc = -1;

	if (!b->data && !exists) {
		free(now);
		return 0; /* added and removed again, or never there */
	}
	if (b->data && now && len == b->len && memcmp(now, b->data, len) == 0) {
		free(now);
		return 0;
	}
	rel = relative(b->path, &root);
	snprintf(old_oid, sizeof old_oid, "%s", ZERO_OID);
	snprintf(new_oid, sizeof new_oid, "%s", ZERO_OID);
	if (b->data)
		blob_oid(b->data, b->len, old_oid);
	if (now)
		blob_oid(now, len, new_oid);
	if (buf_printf(out, "diff --git a/%s b/%s\n", rel, rel) < 0 ||
	    (!b->data && buf_printf(out, "new file mode %o\n", (unsigned)mode) < 0) ||
	    (!exists && buf_printf(out, "deleted file mode %o\n", (unsigned)b->mode) < 0) ||
	    buf_printf(out, "index %s..%s\n", old_oid, new_oid) < 0 ||
	    (b->data ? buf_printf(out, "--- a/%s\n", rel) : buf_puts(out, "--- /dev/null\n")) < 0 ||
	    (exists ? buf_printf(out, "+++ b/%s\n", rel) : buf_puts(out, "+++ /dev/null\n")) < 0 ||
	    patch_unified_diff(b->data ? b->data : "", b->data ? b->len : 0, now ? now : "",
			       now ? len : 0, 3, out) < 0)
		goto out;
	rc = 0;
out:
	free(root);
	free(now);
	return rc;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct baseline *)x)->path, ((const struct baseline *)y)->path);
}

void turn_diff_emit(struct turn *t)
{
	struct turn_diff *d = t->diff;
	struct buf out;

	if (!d || d->n == 0)
		return;
	qsort(d->v, d->n, sizeof *d->v, by_path);
	buf_init(&out, LIMIT_HTTP_BODY_BYTES);
	for (size_t i = 0; i < d->n; i++)
		if (one_file(&out, &d->v[i]) < 0) {
			buf_free(&out);
			return;
		}
	if (out.len && buf_putc(&out, '\0') == 0)
		agent_emit_text(t->a, AGENT_EV_TURN_DIFF, "unified_diff", out.data);
	buf_free(&out);
}
