/* Prompt history (format, locking and trimming in history.h). */
#include "agent/history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"

#define LOCK_RETRY_MS 20

static char *history_path(const char *codex_home)
{
	return path_join(codex_home, "history.jsonl");
}

/* flock with a bounded wait. */
static int lock_bounded(int fd, int op, const char *path, struct err *e)
{
	struct timespec pause = {0, LOCK_RETRY_MS * 1000000L};

	for (int waited = 0;; waited += LOCK_RETRY_MS) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_sys(e, errno, "cannot lock %s", path);
		if (waited >= HISTORY_LOCK_WAIT_MS)
			return err_set(e, "%s stayed locked by another process for %d ms", path,
				       HISTORY_LOCK_WAIT_MS);
		nanosleep(&pause, NULL);
	}
}

/* Cuts the file to its newest lines within 80 % of max (the newest line always stays),
 * moving them to the front in place. Called with the exclusive lock held. */
static int trim(int fd, const char *path, int64_t max, struct err *e)
{
	struct stat st;
	char chunk[65536];
	off_t size, soft = (off_t)(max / 10 * 8 + max % 10 * 8 / 10), at = 0, cut = -1, last = 0;

	if (fstat(fd, &st) < 0)
		return err_sys(e, errno, "cannot stat %s", path);
	size = st.st_size;
	if (size <= max)
		return 0;
	/* The first line start from which the rest fits; else the last line's start. */
	while (at < size && cut < 0) {
		ssize_t n = pread(fd, chunk, sizeof chunk, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? err_sys(e, errno, "cannot read %s", path) : 0;
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] != '\n')
				continue;
			off_t next = at + i + 1;
			if (next >= size)
				break;
			last = next;
			if (size - next <= soft) {
				cut = next;
				break;
			}
		}
		at += n;
	}
	if (cut < 0)
		cut = last;
	if (cut <= 0)
		return 0;
	for (off_t from = cut, to = 0; from < size;) {
		ssize_t n = pread(fd, chunk, sizeof chunk, from);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_sys(e, n < 0 ? errno : EIO, "cannot read %s", path);
		for (ssize_t done = 0; done < n;) {
			ssize_t w = pwrite(fd, chunk + done, (size_t)(n - done), to + done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return err_sys(e, w < 0 ? errno : EIO, "cannot write %s", path);
			done += w;
		}
		from += n;
		to += n;
	}
	if (ftruncate(fd, size - cut) < 0)
		return err_sys(e, errno, "cannot truncate %s", path);
	return 0;
}

int history_append(const struct history_opts *o, const char *session_id, const char *text,
		   struct err *e)
{
	cJSON *entry = NULL;
	struct buf line;
	char *path = NULL;
	int fd = -1, rc = -1;

	if (!o->save)
		return 0;
	buf_init(&line, HISTORY_LINE_MAX_BYTES);
	entry = cJSON_CreateObject();
	path = history_path(o->codex_home);
	if (!entry || !path || json_add_str(entry, "session_id", session_id) < 0 ||
	    json_add_int(entry, "ts", (int64_t)time(NULL)) < 0 ||
	    json_add_str(entry, "text", text) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (json_write(&line, entry, false) < 0 || buf_putc(&line, '\n') < 0) {
		err_set(e, "history: the prompt is too long to keep (limit %u bytes)",
			HISTORY_LINE_MAX_BYTES);
		goto out;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_sys(e, errno, "cannot open %s", path);
		goto out;
	}
	/* An older file may have been created with a wider mode. */
	if (fchmod(fd, 0600) < 0) {
		err_sys(e, errno, "cannot set the mode of %s", path);
		goto out;
	}
	if (lock_bounded(fd, LOCK_EX, path, e) < 0)
		goto out;
	if (fd_write_all(fd, line.data, line.len) < 0) {
		err_sys(e, errno, "cannot write %s", path);
		goto out;
	}
	if (o->max_bytes > 0) {
		/* pwrite on an O_APPEND descriptor appends on Linux: trim through a second,
		 * plain one while the first holds the lock. */
		int rw = open(path, O_RDWR | O_CLOEXEC);
		if (rw < 0) {
			err_sys(e, errno, "cannot open %s", path);
			goto out;
		}
		int r = trim(rw, path, o->max_bytes, e);
		close(rw);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd); /* releases the lock */
	cJSON_Delete(entry);
	buf_free(&line);
	free(path);
	return rc;
}

/* Opens the file for reading under a shared lock: fd, or -1 with *missing when there
 * is no file. */
static int open_locked(const char *path, bool *missing, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*missing = false;
	if (fd < 0) {
		if (errno == ENOENT) {
			*missing = true;
			return -1;
		}
		return err_sys(e, errno, "cannot open %s", path);
	}
	if (lock_bounded(fd, LOCK_SH, path, e) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Calls fn for each line (without its newline) until it returns non-zero; lines over
 * the limit are passed as NULL. */
static int each_line(int fd, const char *path, int (*fn)(const char *, size_t, void *),
		     void *arg, struct err *e)
{
	struct buf cur;
	char chunk[65536];
	bool too_long = false;
	int r = 0;

	buf_init(&cur, HISTORY_LINE_MAX_BYTES);
	while (r == 0) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_free(&cur);
			return err_sys(e, errno, "cannot read %s", path);
		}
		if (n == 0)
			break;
		for (ssize_t i = 0, start = 0; i <= n && r == 0; i++) {
			if (i < n && chunk[i] != '\n')
				continue;
			if (!too_long && buf_append(&cur, chunk + start, (size_t)(i - start)) < 0)
				too_long = true; /* buf freed itself */
			if (i < n) {
				r = fn(too_long ? NULL : (cur.data ? cur.data : ""), cur.len, arg);
				buf_reset(&cur);
				too_long = false;
			}
			start = i + 1;
		}
	}
	buf_free(&cur);
	return r < 0 ? -1 : 0;
}

static int count_line(const char *line, size_t n, void *arg)
{
	++*(size_t *)arg;
	return 0;
}

/* Reads the file under a shared lock, calling fn for each line, when its inode is
 * want_ino (0: any); *ino gets the inode. 1 read, 0 no file or another inode, -1 on
 * error. */
static int scan_locked(const char *codex_home, uint64_t want_ino,
		       int (*fn)(const char *, size_t, void *), void *arg, uint64_t *ino,
		       struct err *e)
{
	char *path = history_path(codex_home);
	struct stat st = {0};
	bool missing;
	int fd, rc = -1;

	if (!path)
		return err_set(e, "out of memory");
	fd = open_locked(path, &missing, e);
	if (fd < 0) {
		free(path);
		return missing ? 0 : -1;
	}
	if (fstat(fd, &st) < 0)
		err_sys(e, errno, "cannot stat %s", path);
	else if (want_ino && (uint64_t)st.st_ino != want_ino)
		rc = 0;
	else if (each_line(fd, path, fn, arg, e) == 0)
		rc = 1;
	*ino = (uint64_t)st.st_ino;
	close(fd);
	free(path);
	return rc;
}

int history_metadata(const char *codex_home, uint64_t *log_id, size_t *count, struct err *e)
{
	uint64_t ino = 0;
	int r;

	*log_id = 0;
	*count = 0;
	r = scan_locked(codex_home, 0, count_line, count, &ino, e);
	if (r > 0)
		*log_id = ino;
	return r < 0 ? -1 : 0;
}

void history_entry_free(struct history_entry *h)
{
	if (!h)
		return;
	free(h->session_id);
	free(h->text);
	memset(h, 0, sizeof *h);
}

int history_parse_line(const char *line, size_t n, struct history_entry *out)
{
	struct err ignored;
	cJSON *root = json_parse(line, n, "history line", &ignored);
	const char *sid = json_get_str(root, "session_id"), *text = json_get_str(root, "text");
	int64_t ts;

	memset(out, 0, sizeof *out);
	if (!sid || !text || json_get_int64(root, "ts", &ts) < 0 || ts < 0) {
		cJSON_Delete(root);
		return -1;
	}
	out->session_id = strdup(sid);
	out->text = strdup(text);
	out->ts = ts;
	cJSON_Delete(root);
	if (!out->session_id || !out->text) {
		history_entry_free(out);
		return -1;
	}
	return 0;
}

struct lookup {
	size_t want, at;
	struct history_entry *out;
	int found;
};

static int lookup_line(const char *line, size_t n, void *arg)
{
	struct lookup *l = arg;

	if (l->at++ != l->want)
		return 0;
	l->found = line && history_parse_line(line, n, l->out) == 0;
	return 1;
}

int history_lookup(const char *codex_home, uint64_t log_id, size_t offset,
		   struct history_entry *out, struct err *e)
{
	struct lookup l = {offset, 0, out, 0};
	uint64_t ino;
	int r;

	memset(out, 0, sizeof *out);
	if (log_id == 0)
		return 0;
	r = scan_locked(codex_home, log_id, lookup_line, &l, &ino, e);
	return r <= 0 ? r : l.found;
}
