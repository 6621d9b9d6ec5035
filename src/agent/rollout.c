/* The rollout recorder (format and durability rules in rollout.h). */
#include "agent/rollout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/rfc3339.h"

struct rollout_writer {
	char *path;
	int fd;                /* -1 until created */
	bool synced_dir;       /* the directory entry made durable after creation */
	bool dirty;            /* written since the last fsync */
	char *meta_line;       /* the session_meta line, written at creation; NULL once
				  written (or for a resumed file) */
	struct err failed;     /* the first write error; msg[0] == 0 while none */
};

/* The event types upstream 0.118 persists (its "limited" policy), as seen in its files. */
static const char *const persisted_events[] = {
	"user_message", "agent_message", "agent_reasoning", "agent_reasoning_raw_content",
	"token_count", "context_compacted", "entered_review_mode", "exited_review_mode",
	"thread_rolled_back", "undo_completed", "turn_aborted", "task_started",
	"task_complete", "turn_started", "turn_complete", "thread_name_updated", NULL,
};

bool rollout_event_persisted(const char *type)
{
	for (const char *const *t = persisted_events; type && *t; t++)
		if (strcmp(type, *t) == 0)
			return true;
	return false;
}

/* {"timestamp":"<now>","type":"<type>","payload":<payload>}\n into out. */
static int build_line(struct buf *out, const char *type, const cJSON *payload)
{
	struct timespec now = rfc3339_now();
	char ts[RFC3339_MAX];

	rfc3339_format(&now, 3, ts);
	if (buf_printf(out, "{\"timestamp\":\"%s\",\"type\":\"%s\",\"payload\":", ts, type) < 0 ||
	    json_write(out, payload, false) < 0 || buf_puts(out, "}\n") < 0)
		return -1;
	return 0;
}

static cJSON *meta_payload(const struct rollout_meta *m, const struct timespec *start)
{
	cJSON *p = cJSON_CreateObject(), *git = NULL, *bi = NULL;
	char ts[RFC3339_MAX];

	rfc3339_format(start, 3, ts);
	if (!p || json_add_str(p, "id", m->id) < 0 || json_add_str(p, "timestamp", ts) < 0 ||
	    json_add_str(p, "cwd", m->cwd) < 0 || json_add_str(p, "originator", m->originator) < 0 ||
	    json_add_str(p, "cli_version", m->cli_version) < 0)
		goto fail;
	if (m->parent_thread_id) {
		cJSON *sa = cJSON_AddObjectToObject(p, "source"), *spawn;
		if (!sa || !(sa = cJSON_AddObjectToObject(sa, "subagent")) ||
		    !(spawn = cJSON_AddObjectToObject(sa, "thread_spawn")) ||
		    json_add_str(spawn, "parent_thread_id", m->parent_thread_id) < 0 ||
		    !cJSON_AddNumberToObject(spawn, "depth", m->depth) ||
		    !cJSON_AddNullToObject(spawn, "agent_path") ||
		    !(m->agent_nickname ? cJSON_AddStringToObject(spawn, "agent_nickname",
								  m->agent_nickname)
					: cJSON_AddNullToObject(spawn, "agent_nickname")) ||
		    !(m->agent_role ? cJSON_AddStringToObject(spawn, "agent_role", m->agent_role)
				    : cJSON_AddNullToObject(spawn, "agent_role")))
			goto fail;
	} else if (json_add_str(p, "source", m->source) < 0) {
		goto fail;
	}
	if (m->forked_from_id && json_add_str(p, "forked_from_id", m->forked_from_id) < 0)
		goto fail;
	if (m->model_provider && json_add_str(p, "model_provider", m->model_provider) < 0)
		goto fail;
	if (m->base_instructions) {
		bi = cJSON_AddObjectToObject(p, "base_instructions");
		if (!bi || json_add_str(bi, "text", m->base_instructions) < 0)
			goto fail;
	}
	git = cJSON_AddObjectToObject(p, "git");
	if (!git || (m->git_commit_hash && json_add_str(git, "commit_hash", m->git_commit_hash) < 0) ||
	    (m->git_branch && json_add_str(git, "branch", m->git_branch) < 0) ||
	    (m->git_repository_url &&
	     json_add_str(git, "repository_url", m->git_repository_url) < 0))
		goto fail;
	return p;
fail:
	cJSON_Delete(p);
	return NULL;
}

/* sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl, in local time (as
 * upstream, which falls back to UTC when the local offset is unknown). */
static char *session_path(const char *codex_home, const char *id, time_t start)
{
	struct tm tm;
	char rel[128 + 64];
	char stamp[32];

	if (!localtime_r(&start, &tm) && !gmtime_r(&start, &tm))
		return NULL;
	if (strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%S", &tm) == 0)
		return NULL;
	snprintf(rel, sizeof rel, "sessions/%04d/%02d/%02d/rollout-%s-%.64s.jsonl",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, stamp, id);
	return path_join(codex_home, rel);
}

int rollout_writer_new(const char *codex_home, const struct rollout_meta *meta,
		       struct rollout_writer **out, struct err *e)
{
	struct timespec start = rfc3339_now();
	struct rollout_writer *w = calloc(1, sizeof *w);
	cJSON *payload = NULL;
	struct buf line;

	buf_init(&line, ROLLOUT_LINE_MAX_BYTES);
	if (!w)
		return err_set(e, "out of memory");
	w->fd = -1;
	if (!meta->id || strchr(meta->id, '/')) {
		free(w);
		return err_set(e, "rollout: the session id must be set and contain no '/'");
	}
	w->path = session_path(codex_home, meta->id, start.tv_sec);
	payload = meta_payload(meta, &start);
	if (!w->path || !payload || build_line(&line, "session_meta", payload) < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	w->meta_line = buf_take(&line);
	if (!w->meta_line) {
		err_set(e, "out of memory");
		goto fail;
	}
	cJSON_Delete(payload);
	*out = w;
	return 0;
fail:
	cJSON_Delete(payload);
	buf_free(&line);
	rollout_writer_free(w);
	return -1;
}

int rollout_writer_open(const char *path, struct rollout_writer **out, struct err *e)
{
	struct rollout_writer *w = calloc(1, sizeof *w);

	if (!w || !(w->path = strdup(path))) {
		free(w);
		return err_set(e, "out of memory");
	}
	w->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (w->fd < 0) {
		err_sys(e, errno, "cannot open %s", path);
		rollout_writer_free(w);
		return -1;
	}
	w->synced_dir = true;
	*out = w;
	return 0;
}

static int create_file(struct rollout_writer *w, struct err *e)
{
	if (file_mkdir_parents(w->path, e) < 0)
		return -1;
	w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return err_sys(e, errno, "cannot create %s", w->path);
	return 0;
}

/* Appends one line; the first failure sticks. */
static int write_line(struct rollout_writer *w, const char *text, size_t n, struct err *e)
{
	if (w->failed.msg[0])
		return err_set(e, "%s", w->failed.msg);
	if (w->fd < 0 && create_file(w, &w->failed) < 0)
		goto failed;
	if (w->meta_line) {
		if (fd_write_all(w->fd, w->meta_line, strlen(w->meta_line)) < 0) {
			err_sys(&w->failed, errno, "cannot write %s", w->path);
			goto failed;
		}
		free(w->meta_line);
		w->meta_line = NULL;
	}
	if (fd_write_all(w->fd, text, n) < 0) {
		err_sys(&w->failed, errno, "cannot write %s", w->path);
		goto failed;
	}
	w->dirty = true;
	return 0;
failed:
	return err_set(e, "%s", w->failed.msg);
}

static int record(struct rollout_writer *w, const char *type, const cJSON *payload,
		  struct err *e)
{
	struct buf line;
	int rc;

	buf_init(&line, ROLLOUT_LINE_MAX_BYTES);
	if (build_line(&line, type, payload) < 0)
		return err_set(e, "rollout: a %s line is too large (limit %u bytes)", type,
			       ROLLOUT_LINE_MAX_BYTES);
	rc = write_line(w, line.data, line.len, e);
	buf_free(&line);
	return rc;
}

int rollout_record_item(struct rollout_writer *w, const cJSON *item, struct err *e)
{
	if (!json_get_str(item, "type"))
		return err_set(e, "rollout: a response item needs a type");
	return record(w, "response_item", item, e);
}

int rollout_record_event(struct rollout_writer *w, const cJSON *event, struct err *e)
{
	if (!rollout_event_persisted(json_get_str(event, "type")))
		return 0;
	return record(w, "event_msg", event, e);
}

int rollout_record_turn_context(struct rollout_writer *w, const cJSON *turn_context,
				struct err *e)
{
	return record(w, "turn_context", turn_context, e);
}

int rollout_record_compacted(struct rollout_writer *w, const char *message,
			     const cJSON *replacement_history, struct err *e)
{
	cJSON *p = cJSON_CreateObject(), *dup;
	int rc;

	if (!p || json_add_str(p, "message", message) < 0)
		goto nomem;
	if (replacement_history) {
		dup = cJSON_Duplicate(replacement_history, 1);
		if (!dup)
			goto nomem;
		if (!cJSON_AddItemToObject(p, "replacement_history", dup)) {
			cJSON_Delete(dup);
			goto nomem;
		}
	}
	rc = record(w, "compacted", p, e);
	cJSON_Delete(p);
	return rc;
nomem:
	cJSON_Delete(p);
	return err_set(e, "out of memory");
}

static bool json_str_is(const cJSON *o, const char *key, const char *want)
{
	const char *v = json_get_str(o, key);

	return v && strcmp(v, want) == 0;
}

static bool copied_type(const char *type)
{
	static const char *const types[] = {"response_item", "event_msg", "turn_context",
					    "compacted", NULL};

	for (const char *const *t = types; type && *t; t++)
		if (strcmp(type, *t) == 0)
			return true;
	return false;
}

int rollout_copy_lines(struct rollout_writer *w, const char *src_path, struct err *e)
{
	struct buf b;
	size_t start = 0;
	int rc = 0;

	buf_init(&b, ROLLOUT_FILE_MAX_BYTES);
	if (file_read_all(src_path, &b, e) < 0) {
		buf_free(&b);
		return -1;
	}
	for (size_t i = 0; i < b.len && rc == 0; i++) {
		struct err ignored;
		cJSON *line;
		size_t n;
		if (b.data[i] != '\n')
			continue;
		n = i - start;
		line = n && n <= ROLLOUT_LINE_MAX_BYTES ? json_parse(b.data + start, n, "line", &ignored)
							 : NULL;
		/* The name stays with the old thread: a fork starts unnamed. */
		if (cJSON_IsObject(line) && copied_type(json_get_str(line, "type")) &&
		    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(line, "payload")) &&
		    json_get_str(line, "timestamp") &&
		    !json_str_is(cJSON_GetObjectItemCaseSensitive(line, "payload"), "type",
				 "thread_name_updated"))
			rc = write_line(w, b.data + start, n + 1, e);
		cJSON_Delete(line);
		start = i + 1;
	}
	buf_free(&b);
	return rc;
}

int rollout_flush(struct rollout_writer *w, struct err *e)
{
	char *dir, *slash;
	int dfd, rc = 0;

	if (w->failed.msg[0])
		return err_set(e, "%s", w->failed.msg);
	if (w->fd < 0)
		return 0;
	if (w->dirty && fsync(w->fd) < 0)
		return err_sys(e, errno, "cannot sync %s", w->path);
	w->dirty = false;
	if (w->synced_dir)
		return 0;
	/* The new file's name must survive a crash too. */
	dir = strdup(w->path);
	if (!dir)
		return err_set(e, "out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		rc = err_sys(e, errno, "cannot sync %s", dir);
	else
		w->synced_dir = true;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}

const char *rollout_writer_path(const struct rollout_writer *w)
{
	return w->path;
}

void rollout_writer_free(struct rollout_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->meta_line);
	free(w->path);
	free(w);
}
