/* AGENTS.md discovery (rules in context.h). */
#include "agent/context.h"
#include "agent/context_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/utf8.h"

#define PROJECT_DOC_SEPARATOR "\n\n--- project-doc ---\n\n"

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\v\f", s[i]))
			return false;
	return true;
}

/* Appends s[0..n) to out with invalid UTF-8 replaced by U+FFFD, as Rust's
 * from_utf8_lossy does. */
static int append_lossy(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		int l = utf8_char_len((const unsigned char *)s + i, n - i);
		if (l > 0) {
			if (buf_append(out, s + i, (size_t)l) < 0)
				return -1;
			i += (size_t)l;
		} else {
			if (buf_puts(out, "\xEF\xBF\xBD") < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

/* Reads at most max bytes of path into out: 0, or -1 with e. */
static int read_upto(const char *path, size_t max, struct buf *out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[16384];

	if (fd < 0)
		return err_sys(e, errno, "cannot open %s", path);
	while (out->len < max) {
		size_t want = max - out->len < sizeof chunk ? max - out->len : sizeof chunk;
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return err_sys(e, errno, "cannot read %s", path);
		}
		if (n == 0)
			break;
		if (buf_append(out, chunk, (size_t)n) < 0) {
			close(fd);
			return err_set(e, "out of memory");
		}
	}
	close(fd);
	return 0;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The global instructions, trimmed: 1 and *out, or 0 when there are none. */
static int global_instructions(const char *codex_home, struct buf *out, struct err *e)
{
	static const char *const names[] = {"AGENTS.override.md", "AGENTS.md"};

	for (int k = 0; k < 2; k++) {
		char *path = path_join(codex_home, names[k]);
		struct buf raw;
		size_t a, b;

		if (!path)
			return err_set(e, "out of memory");
		if (!is_regular(path)) {
			free(path);
			continue;
		}
		buf_init(&raw, LIMIT_FILE_READ_BYTES);
		if (read_upto(path, LIMIT_FILE_READ_BYTES, &raw, e) < 0) {
			free(path);
			buf_free(&raw);
			return -1;
		}
		free(path);
		for (a = 0; a < raw.len && strchr(" \t\r\n\v\f", raw.data[a]); a++)
			;
		for (b = raw.len; b > a && strchr(" \t\r\n\v\f", raw.data[b - 1]); b--)
			;
		if (a == b) {
			buf_free(&raw);
			continue;
		}
		int rc = append_lossy(out, raw.data + a, b - a);
		buf_free(&raw);
		return rc < 0 ? err_set(e, "out of memory") : 1;
	}
	return 0;
}

/* The directories from the repository root down to cwd (both included), in *dirs. */
static int search_dirs(const char *cwd, struct strv *dirs, struct err *e)
{
	char *canon = realpath(cwd, NULL), *p;
	struct strv up = STRV_INIT;
	bool found_root = false;
	int rc = -1;

	if (!canon)
		return err_sys(e, errno, "cannot resolve %s", cwd);
	p = canon;
	/* Walk up, remembering each directory, until one holds `.git`. */
	for (;;) {
		char *git = path_join(p, ".git");
		int ex;
		if (!git || strv_push(&up, p) < 0) {
			free(git);
			err_set(e, "out of memory");
			goto out;
		}
		ex = file_exists(git);
		free(git);
		if (ex == 1) {
			found_root = true;
			break;
		}
		char *slash = strrchr(p, '/');
		if (!slash || up.n >= CONTEXT_MAX_DIRS)
			break;
		if (slash == p) {
			if (p[1] == '\0')
				break;
			p[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	if (!found_root) {
		/* Without a repository only the cwd is searched. */
		if (strv_push(dirs, up.v[0]) < 0)
			goto nomem;
		rc = 0;
		goto out;
	}
	for (size_t i = up.n; i > 0; i--)
		if (strv_push(dirs, up.v[i - 1]) < 0)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	err_set(e, "out of memory");
out:
	strv_free(&up);
	free(canon);
	return rc;
}

/* The first candidate file in dir, or NULL (malloc'ed path). *oom on failure. */
static char *pick_doc(const char *dir, const struct strv *fallbacks, bool *oom)
{
	static const char *const names[] = {"AGENTS.override.md", "AGENTS.md"};
	size_t nf = fallbacks ? fallbacks->n : 0;

	*oom = false;
	for (size_t k = 0; k < 2 + nf; k++) {
		const char *name = k < 2 ? names[k] : fallbacks->v[k - 2];
		char *path;
		if (!*name || strchr(name, '/'))
			continue; /* a file name, never a path out of the directory */
		path = path_join(dir, name);
		if (!path) {
			*oom = true;
			return NULL;
		}
		if (is_regular(path))
			return path;
		free(path);
	}
	return NULL;
}

/* The project docs joined by blank lines, within the byte budget. */
static int project_docs(const struct context_docs_opts *o, struct buf *out, struct err *e)
{
	struct strv dirs = STRV_INIT;
	size_t budget = (size_t)o->max_bytes;
	int found = 0, rc = -1;

	if (o->max_bytes <= 0)
		return 0;
	if (search_dirs(o->cwd, &dirs, e) < 0)
		return -1;
	for (size_t i = 0; i < dirs.n && budget > 0; i++) {
		bool oom;
		char *path = pick_doc(dirs.v[i], o->fallback_filenames, &oom);
		struct buf raw;

		if (oom) {
			err_set(e, "out of memory");
			goto out;
		}
		if (!path)
			continue;
		buf_init(&raw, budget + 1);
		if (read_upto(path, budget, &raw, e) < 0) {
			free(path);
			buf_free(&raw);
			goto out;
		}
		free(path);
		budget -= raw.len;
		if (raw.len == 0 || is_blank(raw.data, raw.len)) {
			buf_free(&raw);
			continue;
		}
		if ((found && buf_puts(out, "\n\n") < 0) || append_lossy(out, raw.data, raw.len) < 0) {
			buf_free(&raw);
			err_set(e, "out of memory");
			goto out;
		}
		buf_free(&raw);
		found = 1;
	}
	rc = found;
out:
	strv_free(&dirs);
	return rc;
}

int context_user_instructions(const struct context_docs_opts *o, char **out, struct err *e)
{
	struct buf global, project, all;
	int g, p, rc = -1;

	*out = NULL;
	buf_init(&global, LIMIT_FILE_READ_BYTES * 2);
	buf_init(&project, LIMIT_FILE_READ_BYTES * 2);
	buf_init(&all, (size_t)-1 / 4);
	g = global_instructions(o->codex_home, &global, e);
	p = g < 0 ? -1 : project_docs(o, &project, e);
	if (g < 0 || p < 0)
		goto out;
	if (!g && !p) {
		rc = 0;
		goto out;
	}
	if ((g && buf_append(&all, global.data, global.len) < 0) ||
	    (g && p && buf_puts(&all, PROJECT_DOC_SEPARATOR) < 0) ||
	    (p && buf_append(&all, project.data, project.len) < 0) || !(*out = buf_take(&all))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 1;
out:
	buf_free(&global);
	buf_free(&project);
	buf_free(&all);
	return rc;
}

cJSON *context_message(const char *role, const char *text)
{
	cJSON *m = cJSON_CreateObject(), *content, *part;

	if (!m || json_add_str(m, "type", "message") < 0 || json_add_str(m, "role", role) < 0 ||
	    !(content = cJSON_AddArrayToObject(m, "content")))
		goto fail;
	part = cJSON_CreateObject();
	if (!part)
		goto fail;
	cJSON_AddItemToArray(content, part);
	if (json_add_str(part, "type", "input_text") < 0 || json_add_str(part, "text", text) < 0)
		goto fail;
	return m;
fail:
	cJSON_Delete(m);
	return NULL;
}

cJSON *context_user_instructions_message(const char *cwd, const char *text)
{
	struct buf b;
	cJSON *m;

	buf_init(&b, (size_t)-1 / 4);
	if (buf_printf(&b, "# AGENTS.md instructions for %s\n\n<INSTRUCTIONS>\n%s\n</INSTRUCTIONS>",
		       cwd, text) < 0)
		return NULL;
	m = context_message("user", b.data);
	buf_free(&b);
	return m;
}
