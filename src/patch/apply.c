/* Verifying and applying a parsed patch against the file system (reference §2.1, §3,
 * §4). Messages and the order of operations follow upstream; what we add is that every
 * write is atomic (base/file.h: temp file, fsync, rename), so a failure never leaves a
 * half-written file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bigbuf.h"
#include "base/file.h"
#include "base/limits.h"
#include "patch/internal.h"

/* Symlinks followed when writing through one (as std::fs::write does). */
#define MAX_SYMLINK_HOPS 40

/* A resolved path. It may hold a NUL byte taken from the patch (len says so): such a
 * path names no file, and every operation on it fails as upstream's would. */
struct rpath {
	char *s;
	size_t len;
};

static int rpath_ok(const struct rpath *p)
{
	return strlen(p->s) == p->len;
}

/* cwd joined with path, "." and empty segments dropped, ".." popping one segment but
 * never above "/": upstream's lexical normalisation (the file system is not asked).
 * cwd's volume ("C:" on Windows, nothing on POSIX) starts the result and is never
 * popped. */
static int resolve(const char *cwd, struct patch_str path, struct rpath *out)
{
	size_t root = path_root_len(cwd);
	size_t cwd_len = strlen(cwd), cap = cwd_len + path.len + 2, len = root;
	char *s = malloc(cap + 1);
	const char *parts[2] = {cwd, path.s};
	size_t lens[2] = {cwd_len, path.len};
	int first = path.len > 0 && path.s[0] == '/' ? 1 : 0;

	if (!s)
		return -1;
	memcpy(s, cwd, root);
	for (int k = first; k < 2; k++) {
		size_t i = k == 0 ? root : 0;
		while (i < lens[k]) {
			size_t j = i;
			while (j < lens[k] && parts[k][j] != '/')
				j++;
			if (j - i == 0 || (j - i == 1 && parts[k][i] == '.')) {
				/* nothing */
			} else if (j - i == 2 && parts[k][i] == '.' && parts[k][i + 1] == '.') {
				while (len > root && s[len - 1] != '/')
					len--;
				if (len > root)
					len--;
			} else {
				s[len++] = '/';
				memcpy(s + len, parts[k] + i, j - i);
				len += j - i;
			}
			i = j + 1;
		}
	}
	if (len == root)
		s[len++] = '/';
	s[len] = '\0';
	out->s = s;
	out->len = len;
	return 0;
}

/* "<before><path><after>" as the error, with the path's bytes as they are. */
static int path_error(struct patch_error *pe, enum patch_error_kind kind, const char *before,
		      const struct rpath *p, const char *after)
{
	return perr_quote(pe, kind, 0, before, p->s, p->len, after);
}

/* Rust's io::Error Display for an OS error. */
static int io_error(struct patch_error *pe, const char *before, const struct rpath *p,
		    int errnum)
{
	struct buf after;

	buf_init(&after, 1024);
	if (errnum == EILSEQ) {
		if (buf_puts(&after, ": stream did not contain valid UTF-8") < 0)
			return perr_nomem(pe);
	} else if (errnum == EINVAL && !rpath_ok(p)) {
		if (buf_puts(&after, ": file name contained an unexpected NUL byte") < 0)
			return perr_nomem(pe);
	} else if (errnum == EFBIG) {
		if (buf_printf(&after, ": file is larger than the %u-byte limit",
			       LIMIT_FILE_READ_BYTES) < 0)
			return perr_nomem(pe);
	} else if (buf_printf(&after, ": %s (os error %d)", strerror(errnum), errnum) < 0)
		return perr_nomem(pe);
	path_error(pe, errnum == EFBIG    ? PATCH_ERR_LIMIT
		       : errnum == ENOMEM ? PATCH_ERR_NO_MEMORY
					  : PATCH_ERR_IO,
		   before, p, after.data);
	buf_free(&after);
	return -1;
}

/* Bytes read at a time: each piece is checked for UTF-8 right after it arrives, while
 * it is still in the cache, instead of in a second pass over the whole file. */
#define READ_PIECE (256u * 1024)

/* Reads a whole file as UTF-8 text into a malloc'ed buffer (NUL-terminated). Returns 0,
 * or an errno value (EILSEQ: not UTF-8, EFBIG: over LIMIT_FILE_READ_BYTES). */
static int read_text(const struct rpath *p, char **data, size_t *len)
{
	struct stat st;
	size_t cap, n = 0, valid = 0;
	char *buf = NULL;
	int fd, err = 0;

	*data = NULL;
	*len = 0;
	if (!rpath_ok(p))
		return EINVAL;
	fd = open(p->s, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > LIMIT_FILE_READ_BYTES) {
		err = EFBIG;
		goto out;
	}
	/* Room for the file, its NUL and one byte more: the read that finds the end then
	 * needs no bigger buffer (growing it would move the whole file). */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 4096;
	buf = bigbuf_alloc(cap);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;
		size_t cut;
		if (n + 1 >= cap) {
			char *nb;
			if (cap > LIMIT_FILE_READ_BYTES) {
				err = EFBIG;
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1 < READ_PIECE ? cap - n - 1 : READ_PIECE);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/* Check up to the last character that is surely complete. */
		cut = n;
		while (cut > valid && cut > n - 4 && ((unsigned char)buf[cut - 1] & 0xC0) == 0x80)
			cut--;
		if (cut > valid && (unsigned char)buf[cut - 1] >= 0xC0)
			cut--; /* a lead byte whose sequence may go on */
		if (!utf8_valid(buf + valid, cut - valid)) {
			err = EILSEQ;
			goto out;
		}
		valid = cut;
	}
	if (n > LIMIT_FILE_READ_BYTES) {
		err = EFBIG;
		goto out;
	}
	if (!utf8_valid(buf + valid, n - valid)) {
		err = EILSEQ;
		goto out;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

/* The file a write to path lands on: path itself, or what its symlinks point to. */
static char *write_target(const char *path)
{
	char *cur = strdup(path);

	for (int hop = 0; cur && hop < MAX_SYMLINK_HOPS; hop++) {
		struct stat st;
		char link[PATH_MAX];
		ssize_t n;
		char *next;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, link, sizeof link - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/') {
			next = strdup(link);
		} else {
			char *slash = strrchr(cur, '/');
			*slash = '\0';
			next = path_join(*cur ? cur : "/", link);
		}
		free(cur);
		cur = next;
	}
	if (cur)
		errno = ELOOP;
	free(cur);
	return NULL;
}

/* Writes the pieces iov to p atomically, creating missing parent directories first. */
static int write_file(const struct rpath *p, const struct iovec *iov, size_t n_iov,
		      struct patch_error *pe, char **written)
{
	struct err e;
	struct stat st;
	char *target = NULL, *slash;
	int rc = -1;

	if (!rpath_ok(p) || !(target = write_target(p->s)))
		return path_error(pe, PATCH_ERR_IO, "Failed to write file ", p, "");
	/* Parents are created only when missing (ENOENT), as upstream retries a write
	 * that failed with NotFound; a parent that is a file fails the write itself. */
	slash = strrchr(target, '/');
	if (slash && slash != target) {
		*slash = '\0';
		int missing = stat(target, &st) < 0 && errno == ENOENT;
		*slash = '/';
		if (missing && file_mkdir_parents(target, &e) < 0) {
			path_error(pe, PATCH_ERR_IO, "Failed to create parent directories for ", p, "");
			goto out;
		}
	}
	/* An existing file we may not write stays as it is, as with an in-place write
	 * (a rename would replace it regardless of its permissions). */
	if (stat(target, &st) == 0 && S_ISREG(st.st_mode) &&
	    faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) < 0) {
		path_error(pe, PATCH_ERR_IO, "Failed to write file ", p, "");
		goto out;
	}
	if (file_write_atomic_v(target, iov, n_iov, 0666, &e) < 0) {
		path_error(pe, PATCH_ERR_IO, "Failed to write file ", p, "");
		goto out;
	}
	rc = 0;
	if (written) {
		*written = target;
		target = NULL;
	}
out:
	free(target);
	return rc;
}

static int delete_file(const struct rpath *p, struct patch_error *pe)
{
	struct stat st;

	if (!rpath_ok(p) || stat(p->s, &st) < 0 || S_ISDIR(st.st_mode) || unlink(p->s) < 0)
		return path_error(pe, PATCH_ERR_IO, "Failed to delete file ", p, "");
	return 0;
}

/* The new contents of an Update hunk's file, read from disk now, as pieces that point
 * into *old (keep it while they are used; both are freed on failure). */
static int updated_contents(const struct patch_hunk *h, const struct rpath *p,
			    const struct patch_options *o, char **old, size_t *old_len,
			    struct pupdate_out *new_, struct patch_error *pe)
{
	int err = read_text(p, old, old_len);

	memset(new_, 0, sizeof *new_);
	if (err)
		return io_error(pe, "Failed to read file to update ", p, err);
	if (pupdate_pieces(h, p->s, *old, *old_len, o->eol, new_, pe) < 0) {
		pupdate_out_free(new_);
		free(*old);
		*old = NULL;
		return -1;
	}
	return 0;
}

static int apply_update(const struct patch_hunk *h, const char *cwd, const struct rpath *p,
			const struct patch_options *o, struct patch_error *pe)
{
	struct rpath dest = {NULL, 0};
	struct pupdate_out new_;
	char *old = NULL, *written = NULL;
	size_t old_len;
	struct stat a, b;
	int rc = -1;

	if (updated_contents(h, p, o, &old, &old_len, &new_, pe) < 0)
		return -1;
	if (!h->move_path.s) {
		rc = write_file(p, new_.v, new_.n, pe, NULL);
		goto out;
	}
	if (resolve(cwd, h->move_path, &dest) < 0) {
		perr_nomem(pe);
		goto out;
	}
	if (write_file(&dest, new_.v, new_.n, pe, &written) < 0)
		goto out;
	/* A move onto the file itself (same path, or a symlink to it) must not end by
	 * removing what was just written. */
	if (stat(p->s, &a) == 0 && stat(written, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		rc = 0;
		goto out;
	}
	if (stat(p->s, &a) < 0 || S_ISDIR(a.st_mode) || unlink(p->s) < 0) {
		path_error(pe, PATCH_ERR_IO, "Failed to remove original ", p, "");
		goto out;
	}
	rc = 0;
out:
	pupdate_out_free(&new_);
	free(old);
	free(written);
	free(dest.s);
	return rc;
}

static int check_cwd(const char *cwd, struct patch_error *pe)
{
	if (!cwd || !path_is_absolute(cwd))
		return perr_set(pe, PATCH_ERR_IO, 0, "the working directory must be absolute");
	return 0;
}

int patch_apply(const struct patch *p, const char *cwd, const struct patch_options *o,
		size_t *n_applied, struct patch_error *pe)
{
	if (n_applied)
		*n_applied = 0;
	if (check_cwd(cwd, pe) < 0)
		return -1;
	if (p->n_hunks == 0)
		return perr_set(pe, PATCH_ERR_NO_HUNKS, 0, "No files were modified.");
	for (size_t i = 0; i < p->n_hunks; i++) {
		const struct patch_hunk *h = &p->hunks[i];
		struct rpath path;
		int rc = -1;

		if (resolve(cwd, h->path, &path) < 0)
			return perr_nomem(pe);
		switch (h->kind) {
		case PATCH_HUNK_ADD: {
			struct iovec all = {(void *)h->contents.s, h->contents.len};
			rc = write_file(&path, &all, 1, pe, NULL);
			break;
		}
		case PATCH_HUNK_DELETE:
			rc = delete_file(&path, pe);
			break;
		case PATCH_HUNK_UPDATE:
			rc = apply_update(h, cwd, &path, o, pe);
			break;
		}
		free(path.s);
		if (rc < 0)
			return -1;
		if (n_applied)
			*n_applied = i + 1;
	}
	return 0;
}

/* ---- verification ---- */

void patch_changes_free(struct patch_changes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].move_path);
		free(c->v[i].old_content);
		free(c->v[i].new_content);
		free(c->v[i].unified_diff);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int verify_update(const struct patch_hunk *h, const char *cwd, struct rpath *p,
			 const struct patch_options *o, struct patch_change *c,
			 struct patch_error *pe)
{
	struct rpath dest = {NULL, 0};
	struct pupdate_out new_;
	struct buf diff;

	if (updated_contents(h, p, o, &c->old_content, &c->old_len, &new_, pe) < 0)
		return -1;
	c->new_content = pupdate_join(&new_);
	c->new_len = new_.len;
	pupdate_out_free(&new_);
	if (!c->new_content)
		return perr_nomem(pe);
	if (h->move_path.s) {
		if (resolve(cwd, h->move_path, &dest) < 0)
			return perr_nomem(pe);
		c->move_path = dest.s;
	}
	buf_init(&diff, (size_t)-1 / 2);
	if (pdiff_unified(c->old_content, c->old_len, c->new_content, c->new_len, &diff) < 0) {
		buf_free(&diff);
		return perr_nomem(pe);
	}
	c->diff_len = diff.len;
	c->unified_diff = buf_take(&diff);
	if (!c->unified_diff)
		return perr_nomem(pe);
	return 0;
}

int patch_verify(const struct patch *p, const char *cwd, const struct patch_options *o,
		 struct patch_changes *out, struct patch_error *pe)
{
	struct patch_changes ch = {NULL, 0};
	int err;

	out->v = NULL;
	out->n = 0;
	if (check_cwd(cwd, pe) < 0)
		return -1;
	ch.v = calloc(p->n_hunks ? p->n_hunks : 1, sizeof *ch.v);
	if (!ch.v)
		return perr_nomem(pe);
	for (size_t i = 0; i < p->n_hunks; i++) {
		const struct patch_hunk *h = &p->hunks[i];
		struct patch_change *c = &ch.v[ch.n++];
		struct rpath path;

		c->hunk = h;
		if (resolve(cwd, h->path, &path) < 0) {
			perr_nomem(pe);
			goto fail;
		}
		c->path = path.s;
		for (size_t j = 0; j + 1 < ch.n; j++)
			if (strcmp(ch.v[j].path, c->path) == 0) {
				path_error(pe, PATCH_ERR_DUPLICATE, "multiple operations target ",
					   &path, "");
				goto fail;
			}
		switch (h->kind) {
		case PATCH_HUNK_ADD:
			c->kind = PATCH_CHANGE_ADD;
			c->new_len = h->contents.len;
			c->new_content = dup_bytes(h->contents.s, h->contents.len);
			if (!c->new_content) {
				perr_nomem(pe);
				goto fail;
			}
			break;
		case PATCH_HUNK_DELETE:
			c->kind = PATCH_CHANGE_DELETE;
			err = read_text(&path, &c->old_content, &c->old_len);
			if (err) {
				io_error(pe, "Failed to read ", &path, err);
				goto fail;
			}
			break;
		case PATCH_HUNK_UPDATE:
			c->kind = PATCH_CHANGE_UPDATE;
			if (verify_update(h, cwd, &path, o, c, pe) < 0)
				goto fail;
			break;
		}
	}
	*out = ch;
	return 0;
fail:
	patch_changes_free(&ch);
	return -1;
}

int patch_summary(const struct patch *p, struct buf *out)
{
	static const struct {
		enum patch_hunk_kind kind;
		const char *tag;
	} groups[] = {{PATCH_HUNK_ADD, "A "}, {PATCH_HUNK_UPDATE, "M "}, {PATCH_HUNK_DELETE, "D "}};

	if (buf_puts(out, "Success. Updated the following files:\n") < 0)
		return -1;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		for (size_t i = 0; i < p->n_hunks; i++) {
			const struct patch_hunk *h = &p->hunks[i];
			struct patch_str path = h->move_path.s ? h->move_path : h->path;
			if (h->kind != groups[g].kind)
				continue;
			if (buf_puts(out, groups[g].tag) < 0 ||
			    buf_append(out, path.s, path.len) < 0 || buf_putc(out, '\n') < 0)
				return -1;
		}
	return 0;
}

enum patch_eol_mode patch_eol_mode_from_env(void)
{
	const char *v = getenv("CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS");

	return v && strcmp(v, "1") == 0 ? PATCH_EOL_PRESERVE : PATCH_EOL_NORMALIZE_LF;
}
