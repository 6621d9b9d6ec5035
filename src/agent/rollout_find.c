/* Finding sessions: the sessions tree walked newest first (year, month, day directories
 * and file names all sort by time), file names matched for ids, and the head of each
 * file read for `--last` and the resume picker (limits in rollout.h). */
#include "agent/rollout.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/uuid.h"

/* Called for each rollout file, newest first: 0 goes on, 1 stops the walk, -1 fails. */
typedef int (*visit_fn)(const char *path, const char *name, void *arg, struct err *e);

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_rollout_name(const char *s)
{
	size_t n = strlen(s);

	return strncmp(s, "rollout-", 8) == 0 && n > 14 && strcmp(s + n - 6, ".jsonl") == 0;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The entries of dir accepted by keep, sorted newest (greatest) first. A missing
 * directory has none. */
static int sorted_entries(const char *dir, bool (*keep)(const char *), struct strv *out,
			  struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_sys(e, errno, "cannot read %s", dir);
	}
	while ((de = readdir(d)))
		if (keep(de->d_name) && strv_push(out, de->d_name) < 0) {
			closedir(d);
			return err_set(e, "out of memory");
		}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, cmp_desc);
	return 0;
}

static bool is_year(const char *s)
{
	return all_digits(s, 4);
}

static bool is_2digits(const char *s)
{
	return all_digits(s, 2);
}

/* Walks dir's levels (year, month, day, then files) newest first. */
static int walk_level(const char *dir, int level, visit_fn fn, void *arg, struct err *e)
{
	static bool (*const keep[])(const char *) = {is_year, is_2digits, is_2digits,
						     is_rollout_name};
	struct strv names = STRV_INIT;
	int rc = 0;

	if (sorted_entries(dir, keep[level], &names, e) < 0)
		return -1;
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *path = path_join(dir, names.v[i]);
		if (!path) {
			rc = err_set(e, "out of memory");
			break;
		}
		rc = level == 3 ? fn(path, names.v[i], arg, e) : walk_level(path, level + 1, fn, arg, e);
		free(path);
	}
	strv_free(&names);
	return rc;
}

static int walk_sessions(const char *codex_home, visit_fn fn, void *arg, struct err *e)
{
	char *root = path_join(codex_home, "sessions");
	int rc;

	if (!root)
		return err_set(e, "out of memory");
	rc = walk_level(root, 0, fn, arg, e);
	free(root);
	return rc < 0 ? -1 : 0;
}

/* ---- by id ------------------------------------------------------------------------- */

struct by_id {
	char suffix[UUID_STR_LEN + 8];
	char *found;
};

static int visit_by_id(const char *path, const char *name, void *arg, struct err *e)
{
	struct by_id *b = arg;
	size_t n = strlen(name), sn = strlen(b->suffix);

	if (n < sn || strcmp(name + n - sn, b->suffix) != 0)
		return 0;
	b->found = strdup(path);
	return b->found ? 1 : err_set(e, "out of memory");
}

int rollout_find_by_id(const char *codex_home, const char *id, char **path, struct err *e)
{
	struct by_id b = {{0}, NULL};

	if (strlen(id) != UUID_STR_LEN || !uuid_valid(id))
		return err_set(e, "'%.80s' is not a session id (a UUID such as "
				  "01a241f7-d4d6-7781-a2a4-02a3ccd18b7a)",
			       id);
	b.suffix[0] = '-';
	for (int i = 0; i < UUID_STR_LEN; i++)
		b.suffix[i + 1] = (char)tolower((unsigned char)id[i]);
	memcpy(b.suffix + 1 + UUID_STR_LEN, ".jsonl", 7);
	if (walk_sessions(codex_home, visit_by_id, &b, e) < 0)
		return -1;
	*path = b.found;
	return b.found ? 1 : 0;
}

/* ---- heads: meta and first user message --------------------------------------------- */

struct head {
	cJSON *meta;
	char *first_user_message;
};

static void head_free(struct head *h)
{
	cJSON_Delete(h->meta);
	free(h->first_user_message);
}

/* The text of a user response_item that is not injected context, or NULL. */
static const char *typed_user_text(const cJSON *item)
{
	const char *type = json_get_str(item, "type"), *role = json_get_str(item, "role");
	const cJSON *c;

	if (!type || strcmp(type, "message") != 0 || !role || strcmp(role, "user") != 0)
		return NULL;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(item, "content"))
	{
		const char *t = json_get_str(c, "text");
		if (!t)
			continue;
		if (t[0] == '<' || strncmp(t, "# AGENTS.md instructions for ", 29) == 0)
			return NULL;
		return t;
	}
	return NULL;
}

/* Looks at one complete line; -1 only when memory runs out. */
static int head_line(struct head *h, const char *line, size_t n)
{
	struct err ignored;
	cJSON *root = json_parse(line, n, "line", &ignored);
	cJSON *payload = cJSON_GetObjectItemCaseSensitive(root, "payload");
	const char *type = json_get_str(root, "type"), *text = NULL;

	if (!root)
		return 0;
	if (type && strcmp(type, "session_meta") == 0 && !h->meta && cJSON_IsObject(payload))
		h->meta = cJSON_DetachItemViaPointer(root, payload);
	else if (type && strcmp(type, "event_msg") == 0 && !h->first_user_message) {
		const char *et = json_get_str(payload, "type");
		if (et && strcmp(et, "user_message") == 0)
			text = json_get_str(payload, "message");
	} else if (type && strcmp(type, "response_item") == 0 && !h->first_user_message)
		text = typed_user_text(payload);
	if (text && !(h->first_user_message = strdup(text))) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_Delete(root);
	return 0;
}

/* Reads path's head until its meta and first user message (or, meta_only, its meta)
 * are known. */
static int read_head_of(const char *path, bool meta_only, struct head *h, struct err *e)
{
	struct buf b;
	char chunk[16384];
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	memset(h, 0, sizeof *h);
	if (fd < 0)
		return 0; /* vanished or unreadable: not a session we can offer */
	buf_init(&b, ROLLOUT_HEAD_MAX_BYTES + sizeof chunk);
	while (!(h->meta && (meta_only || h->first_user_message)) &&
	       b.len < ROLLOUT_HEAD_MAX_BYTES) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_append(&b, chunk, (size_t)n) < 0) {
			rc = err_set(e, "out of memory");
			break;
		}
		for (;;) {
			char *nl = memchr(b.data + done, '\n', b.len - done);
			if (!nl)
				break;
			if (head_line(h, b.data + done, (size_t)(nl - b.data) - done) < 0) {
				rc = err_set(e, "out of memory");
				goto out;
			}
			done = (size_t)(nl - b.data) + 1;
		}
	}
out:
	close(fd);
	buf_free(&b);
	return rc;
}

static int read_head(const char *path, struct head *h, struct err *e)
{
	return read_head_of(path, false, h, e);
}

/* ---- --last and listing ------------------------------------------------------------ */

struct listing {
	const char *cwd;
	size_t max, opened;
	struct rollout_summary *items;
	size_t n;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int visit_list(const char *path, const char *name, void *arg, struct err *e)
{
	struct listing *l = arg;
	struct rollout_summary *s;
	struct head h;
	const char *cwd;

	if (l->opened++ >= ROLLOUT_SCAN_MAX_FILES)
		return 1;
	if (read_head(path, &h, e) < 0)
		return -1;
	cwd = json_get_str(h.meta, "cwd");
	/* A sub-agent's thread (source {"subagent": ...}) is reached through its parent,
	 * never offered on its own, as upstream's resume lists only interactive sources. */
	if (!h.meta || !h.first_user_message || (l->cwd && (!cwd || strcmp(cwd, l->cwd) != 0)) ||
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(h.meta, "source"))) {
		head_free(&h);
		return 0;
	}
	s = &l->items[l->n];
	s->path = strdup(path);
	s->id = dup_or_empty(json_get_str(h.meta, "id"));
	s->timestamp = dup_or_empty(json_get_str(h.meta, "timestamp"));
	s->cwd = dup_or_empty(cwd);
	s->first_user_message = h.first_user_message;
	h.first_user_message = NULL;
	l->n++;
	head_free(&h);
	if (!s->path || !s->id || !s->timestamp || !s->cwd)
		return err_set(e, "out of memory");
	return l->n >= l->max ? 1 : 0;
}

void rollout_summaries_free(struct rollout_summary *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].path);
		free(s[i].id);
		free(s[i].timestamp);
		free(s[i].cwd);
		free(s[i].first_user_message);
	}
	free(s);
}

int rollout_list(const char *codex_home, const char *cwd, size_t max,
		 struct rollout_summary **out, size_t *n, struct err *e)
{
	struct listing l = {cwd, max, 0, NULL, 0};

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if (max > ROLLOUT_SCAN_MAX_FILES)
		max = l.max = ROLLOUT_SCAN_MAX_FILES;
	l.items = calloc(max, sizeof *l.items);
	if (!l.items)
		return err_set(e, "out of memory");
	if (walk_sessions(codex_home, visit_list, &l, e) < 0) {
		rollout_summaries_free(l.items, max); /* unused entries are zeroed */
		return -1;
	}
	*out = l.items;
	*n = l.n;
	return 0;
}

int rollout_find_last(const char *codex_home, const char *cwd, char **path, struct err *e)
{
	struct rollout_summary *s;
	size_t n;

	if (rollout_list(codex_home, cwd, 1, &s, &n, e) < 0)
		return -1;
	*path = NULL;
	if (n == 1) {
		*path = s[0].path;
		s[0].path = NULL;
	}
	rollout_summaries_free(s, n);
	return *path ? 1 : 0;
}

/* ---- a thread's sub-agents ---------------------------------------------------------- */

/* The unix milliseconds of a v7 uuid (its first 48 bits), or 0 when s is not one. */
static uint64_t uuid_ms(const char *s)
{
	uint64_t ms = 0;
	int digits = 0;

	if (!s || !uuid_valid(s) || s[14] != '7')
		return 0;
	for (const char *p = s; digits < 12; p++) {
		if (*p == '-')
			continue;
		ms = ms * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0'
							     : tolower((unsigned char)*p) - 'a' + 10);
		digits++;
	}
	return ms;
}

/* A day: the sessions tree sorts by local time, which a clock or zone change can move
 * back by hours; files older than the parent by more than this are not its children. */
#define CHILD_SCAN_SLACK_MS (24ull * 3600 * 1000)

struct children {
	const char *parent;
	uint64_t parent_ms;
	size_t max, opened;
	struct rollout_child *items;
	size_t n;
};

static char *dup_str_or_null(const cJSON *o, const char *k)
{
	const char *s = json_get_str(o, k);
	return s && *s ? strdup(s) : NULL;
}

static int visit_child(const char *path, const char *name, void *arg, struct err *e)
{
	struct children *l = arg;
	struct rollout_child *c;
	struct head h;
	const cJSON *spawn;
	const char *parent;
	size_t n = strlen(name);
	uint64_t ms;

	if (l->opened++ >= ROLLOUT_SCAN_MAX_FILES)
		return 1;
	/* rollout-<time>-<uuid>.jsonl: a child is younger than its parent */
	ms = 0;
	if (n > UUID_STR_LEN + 6) {
		char id[UUID_STR_LEN + 1];
		memcpy(id, name + n - 6 - UUID_STR_LEN, UUID_STR_LEN);
		id[UUID_STR_LEN] = '\0';
		ms = uuid_ms(id);
	}
	if (ms && l->parent_ms && ms + CHILD_SCAN_SLACK_MS < l->parent_ms)
		return 1;
	if (read_head_of(path, true, &h, e) < 0)
		return -1;
	spawn = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(h.meta, "source"), "subagent"),
		"thread_spawn");
	parent = json_get_str(spawn, "parent_thread_id");
	if (!parent || strcasecmp(parent, l->parent) != 0 || !json_get_str(h.meta, "id")) {
		head_free(&h);
		return 0;
	}
	c = &l->items[l->n];
	c->path = strdup(path);
	c->id = strdup(json_get_str(h.meta, "id"));
	c->nickname = dup_str_or_null(spawn, "agent_nickname");
	c->role = dup_str_or_null(spawn, "agent_role");
	l->n++;
	head_free(&h);
	if (!c->path || !c->id)
		return err_set(e, "out of memory");
	return l->n >= l->max ? 1 : 0;
}

void rollout_children_free(struct rollout_child *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].path);
		free(c[i].id);
		free(c[i].nickname);
		free(c[i].role);
	}
	free(c);
}

int rollout_list_children(const char *codex_home, const char *parent_id, size_t max,
			  struct rollout_child **out, size_t *n, struct err *e)
{
	struct children l = {parent_id, uuid_ms(parent_id), max, 0, NULL, 0};

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	l.items = calloc(max, sizeof *l.items);
	if (!l.items)
		return err_set(e, "out of memory");
	if (walk_sessions(codex_home, visit_child, &l, e) < 0) {
		rollout_children_free(l.items, max); /* unused entries are zeroed */
		return -1;
	}
	/* found newest first; spawn order is oldest first */
	for (size_t i = 0; i < l.n / 2; i++) {
		struct rollout_child t = l.items[i];
		l.items[i] = l.items[l.n - 1 - i];
		l.items[l.n - 1 - i] = t;
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
