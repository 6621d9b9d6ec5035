/* The session index (format and limits in session_index.h). */
#include "agent/session_index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/rfc3339.h"

static char *index_path(const char *codex_home)
{
	return path_join(codex_home, "session_index.jsonl");
}

int session_index_append(const char *codex_home, const char *id, const char *name,
			 struct err *e)
{
	struct timespec now = rfc3339_now();
	char ts[RFC3339_MAX], *path = index_path(codex_home), *line = NULL;
	cJSON *o = cJSON_CreateObject();
	int fd = -1, rc = -1;
	size_t n;

	rfc3339_format(&now, 0, ts);
	if (!path || !o || json_add_str(o, "id", id) < 0 ||
	    json_add_str(o, "thread_name", name) < 0 || json_add_str(o, "updated_at", ts) < 0 ||
	    !(line = cJSON_PrintUnformatted(o))) {
		err_set(e, "out of memory");
		goto out;
	}
	n = strlen(line);
	line[n] = '\n'; /* the terminator goes: one write of line and newline */
	if (file_mkdir_parents(path, e) < 0)
		goto out;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fd_write_all(fd, line, n + 1) < 0) {
		err_sys(e, errno, "cannot write %s", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	cJSON_free(line);
	cJSON_Delete(o);
	free(path);
	return rc;
}

/* One line; -1 only when memory runs out. */
static int parse_line(const char *line, size_t n, struct session_names *out)
{
	struct err ignored;
	cJSON *o;
	const char *id, *name;
	int rc = 0;

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (!n || out->ids.n >= SESSION_INDEX_MAX_ENTRIES)
		return 0;
	o = json_parse(line, n, "session index line", &ignored);
	id = json_get_str(o, "id");
	name = json_get_str(o, "thread_name");
	if (o && cJSON_IsObject(o) && id && *id && name) {
		if (strv_push(&out->ids, id) < 0)
			rc = -1;
		else if (strv_push(&out->names, name) < 0) {
			free(out->ids.v[--out->ids.n]);
			out->ids.v[out->ids.n] = NULL;
			rc = -1;
		}
	}
	cJSON_Delete(o);
	return rc;
}

int session_index_parse(const char *text, size_t len, struct session_names *out)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (parse_line(text + start, i - start, out) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

int session_index_load(const char *codex_home, struct session_names *out, struct err *e)
{
	char *path = index_path(codex_home);
	struct stat st;
	struct buf b;
	off_t from = 0;
	const char *text;
	size_t len;
	int fd, rc = -1;

	if (!path)
		return err_set(e, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 : err_sys(e, errno, "cannot read %s", path);
		free(path);
		return rc;
	}
	buf_init(&b, SESSION_INDEX_READ_MAX_BYTES + 1);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "%s is not a regular file", path);
		goto out;
	}
	if (st.st_size > (off_t)SESSION_INDEX_READ_MAX_BYTES)
		from = st.st_size - (off_t)SESSION_INDEX_READ_MAX_BYTES;
	if (lseek(fd, from, SEEK_SET) < 0 || fd_read_all(fd, &b, path, e) < 0)
		goto out;
	text = b.data ? b.data : "";
	len = b.len;
	if (from > 0) { /* the first line may be cut: it goes */
		const char *nl = memchr(text, '\n', len);
		len = nl ? len - (size_t)(nl + 1 - text) : 0;
		text = nl ? nl + 1 : text;
	}
	rc = session_index_parse(text, len, out) < 0 ? err_set(e, "out of memory") : 0;
out:
	close(fd);
	buf_free(&b);
	free(path);
	return rc;
}

const char *session_names_name(const struct session_names *n, const char *id)
{
	for (size_t i = n->ids.n; i-- > 0;)
		if (strcasecmp(n->ids.v[i], id) == 0)
			return n->names.v[i];
	return NULL;
}

const char *session_names_id(const struct session_names *n, const char *name)
{
	for (size_t i = n->names.n; i-- > 0;)
		if (strcmp(n->names.v[i], name) == 0)
			return n->ids.v[i];
	return NULL;
}

void session_names_free(struct session_names *n)
{
	strv_free(&n->ids);
	strv_free(&n->names);
}
