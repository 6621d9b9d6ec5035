/* The rollout reader: rebuilds a session's history, events and metadata from its lines
 * (rules in rollout.h). A `compacted` line replaces the history: with its
 * replacement_history when it has one (newer writers), else with the conversation's
 * initial context, the most recent user messages (COMPACT_USER_BYTES at most, the
 * oldest one kept cut to fit) and the summary as a user message. */
#include "agent/rollout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"

/* Upstream keeps about 20 K tokens of user messages across a compaction (~4 bytes a
 * token). */
#define COMPACT_USER_BYTES (20000u * 4)

/* Messages the harness injects, told apart by how their text starts: not user turns
 * (rollback, compaction). A command the user ran (`!cmd`) is one, as upstream counts it. */
static const char *const context_prefixes[] = {
	"<environment_context>", "# AGENTS.md instructions for ", "<user_instructions>",
	"<permissions instructions>", "<skills_instructions>", "<plugins_instructions>",
	"<user_shell_command>",
	"<skill>\n", /* a mentioned skill's file (skills_turn.c) */
	ROLLOUT_TURN_ABORTED_TAG,
	NULL,
};

void rollout_session_free(struct rollout_session *s)
{
	if (!s)
		return;
	cJSON_Delete(s->meta);
	cJSON_Delete(s->history);
	cJSON_Delete(s->events);
	cJSON_Delete(s->turn_context);
	memset(s, 0, sizeof *s);
}

const char *rollout_session_id(const struct rollout_session *s)
{
	return json_get_str(s->meta, "id");
}

/* The first input_text of a message item, or NULL. */
static const char *message_text(const cJSON *item)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(item, "content"), *c;

	cJSON_ArrayForEach(c, content)
	{
		const char *t = json_get_str(c, "text");
		if (t)
			return t;
	}
	return NULL;
}

static bool is_role(const cJSON *item, const char *role)
{
	const char *type = json_get_str(item, "type"), *r = json_get_str(item, "role");

	return type && strcmp(type, "message") == 0 && r && strcmp(r, role) == 0;
}

static bool is_context_message(const cJSON *item)
{
	const char *text;

	if (is_role(item, "developer") || is_role(item, "system"))
		return true;
	if (!is_role(item, "user") || !(text = message_text(item)))
		return false;
	for (const char *const *p = context_prefixes; *p; p++)
		if (strncmp(text, *p, strlen(*p)) == 0)
			return true;
	return false;
}

static cJSON *user_message(const char *text, size_t n)
{
	cJSON *m = cJSON_CreateObject(), *content, *part;

	if (!m || json_add_str(m, "type", "message") < 0 || json_add_str(m, "role", "user") < 0 ||
	    !(content = cJSON_AddArrayToObject(m, "content")) || !(part = cJSON_CreateObject()))
		goto fail;
	cJSON_AddItemToArray(content, part);
	if (json_add_str(part, "type", "input_text") < 0)
		goto fail;
	{
		char *t = strndup(text, n);
		int rc = t ? json_add_str(part, "text", t) : -1;
		free(t);
		if (rc < 0)
			goto fail;
	}
	return m;
fail:
	cJSON_Delete(m);
	return NULL;
}

/* Bytes of s to keep to stay within max without cutting a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

cJSON *rollout_compacted_history(const cJSON *old, const char *summary)
{
	cJSON *out = cJSON_CreateArray(), *item, *m;
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(old), first, first_keep = 0;
	size_t budget = COMPACT_USER_BYTES;
	const cJSON **users = NULL;
	size_t nu = 0;

	if (!out)
		return NULL;
	/* The initial context, as it stood at the start. */
	cJSON_ArrayForEach(it, old)
	{
		if (!is_context_message(it))
			break;
		if (!(item = cJSON_Duplicate(it, 1)))
			goto fail;
		cJSON_AddItemToArray(out, item);
	}
	users = n ? calloc(n, sizeof *users) : NULL;
	if (n && !users)
		goto fail;
	cJSON_ArrayForEach(it, old)
	{
		if (is_role(it, "user") && !is_context_message(it) && message_text(it))
			users[nu++] = it;
	}
	/* The newest user messages that fit the budget, the oldest of them cut. */
	first = nu;
	while (first > 0 && budget > 0) {
		const char *t = message_text(users[--first]);
		size_t len = strlen(t);
		first_keep = len >= budget ? utf8_cut(t, budget) : len;
		budget = len >= budget ? 0 : budget - len;
	}
	for (size_t i = first; i < nu; i++) {
		const char *t = message_text(users[i]);
		if (!(m = user_message(t, i == first ? first_keep : strlen(t))))
			goto fail;
		cJSON_AddItemToArray(out, m);
	}
	if (!(m = user_message(summary, strlen(summary))))
		goto fail;
	cJSON_AddItemToArray(out, m);
	free(users);
	return out;
fail:
	free(users);
	cJSON_Delete(out);
	return NULL;
}

cJSON *rollout_turn_aborted_marker(void)
{
	static const char text[] =
		ROLLOUT_TURN_ABORTED_TAG "\nThe user stopped the previous turn on purpose. Commands "
		"it started may still be running in the background, and an aborted tool call may "
		"have done part of its work.\n</turn_aborted>";

	return user_message(text, sizeof text - 1);
}

bool rollout_ends_mid_turn(const cJSON *events, const char **turn_id)
{
	const cJSON *ev;
	bool mid = false;

	*turn_id = NULL;
	cJSON_ArrayForEach(ev, events) {
		const char *type = json_get_str(ev, "type");
		if (!type)
			continue;
		if (strcmp(type, "task_started") == 0 || strcmp(type, "turn_started") == 0) {
			mid = true;
			*turn_id = json_get_str(ev, "turn_id");
		} else if (strcmp(type, "user_message") == 0) {
			mid = true; /* a message with no boundary after it is a turn too */
		} else if (strcmp(type, "task_complete") == 0 ||
			   strcmp(type, "turn_complete") == 0 || strcmp(type, "turn_aborted") == 0) {
			mid = false;
			*turn_id = NULL;
		}
	}
	if (!mid)
		*turn_id = NULL;
	return mid;
}

size_t rollout_user_turns(const cJSON *history)
{
	const cJSON *it;
	size_t n = 0;

	cJSON_ArrayForEach(it, history)
		n += is_role(it, "user") && !is_context_message(it);
	return n;
}

/* Deletes array's items from index at on. */
static void truncate_array(cJSON *array, int at)
{
	while (cJSON_GetArraySize(array) > at)
		cJSON_DeleteItemFromArray(array, cJSON_GetArraySize(array) - 1);
}

void rollout_drop_turns(cJSON *history, cJSON *events, size_t n)
{
	int i, cut = -1;
	size_t seen = 0;

	if (n == 0)
		return;
	/* History: from the n-th user message counted from the end (the initial context
	 * before the first one always stays). */
	for (i = cJSON_GetArraySize(history) - 1; i >= 0; i--) {
		const cJSON *it = cJSON_GetArrayItem(history, i);
		if (is_role(it, "user") && !is_context_message(it) && ++seen == n) {
			cut = i;
			break;
		}
	}
	if (cut < 0) { /* fewer turns than that: all of them go */
		cut = cJSON_GetArraySize(history);
		for (i = 0; i < cJSON_GetArraySize(history); i++) {
			const cJSON *it = cJSON_GetArrayItem(history, i);
			if (is_role(it, "user") && !is_context_message(it)) {
				cut = i;
				break;
			}
		}
	}
	truncate_array(history, cut);
	if (!events)
		return;
	/* Events shown on resume: from the n-th user_message event from the end. */
	seen = 0;
	cut = -1;
	for (i = cJSON_GetArraySize(events) - 1; i >= 0; i--) {
		const char *ty = json_get_str(cJSON_GetArrayItem(events, i), "type");
		if (ty && strcmp(ty, "user_message") == 0 && ++seen == n) {
			cut = i;
			break;
		}
	}
	if (cut >= 0)
		truncate_array(events, cut);
}

/* Applies one parsed line to out; takes the payload from root. Returns 1 when the
 * line was used, 0 when it is not a rollout line, -1 when memory runs out. */
static int apply_line(struct rollout_session *out, cJSON *root)
{
	const char *type = json_get_str(root, "type");
	cJSON *payload = cJSON_GetObjectItemCaseSensitive(root, "payload"), *h;

	if (!type || !cJSON_IsObject(payload))
		return 0;
	if (strcmp(type, "session_meta") == 0) {
		/* A fork copies its parent's lines after its own meta: the first one wins. */
		if (!out->meta)
			out->meta = cJSON_DetachItemViaPointer(root, payload);
		return 1;
	}
	if (strcmp(type, "response_item") == 0) {
		if (!json_get_str(payload, "type"))
			return 0;
		cJSON_AddItemToArray(out->history, cJSON_DetachItemViaPointer(root, payload));
		return 1;
	}
	if (strcmp(type, "event_msg") == 0) {
		const char *ev = json_get_str(payload, "type");
		if (!ev)
			return 0;
		if (strcmp(ev, "thread_rolled_back") == 0) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(payload, "num_turns");
			/* more turns than there are drops them all; never cast a huge double */
			if (cJSON_IsNumber(n) && n->valuedouble >= 1)
				rollout_drop_turns(out->history, out->events,
						   n->valuedouble >= 1e9 ? (size_t)1e9
									 : (size_t)n->valuedouble);
		}
		cJSON_AddItemToArray(out->events, cJSON_DetachItemViaPointer(root, payload));
		return 1;
	}
	if (strcmp(type, "turn_context") == 0) {
		cJSON_Delete(out->turn_context);
		out->turn_context = cJSON_DetachItemViaPointer(root, payload);
		return 1;
	}
	if (strcmp(type, "compacted") == 0) {
		cJSON *repl = cJSON_GetObjectItemCaseSensitive(payload, "replacement_history");
		const char *msg = json_get_str(payload, "message");
		if (cJSON_IsArray(repl)) {
			h = cJSON_DetachItemViaPointer(payload, repl);
		} else {
			if (!msg)
				return 0;
			h = rollout_compacted_history(out->history, msg);
			if (!h)
				return -1;
		}
		cJSON_Delete(out->history);
		out->history = h;
		return 1;
	}
	/* A kind from a newer version: ignored, as upstream ignores what it does not know. */
	return 1;
}

int rollout_parse(const char *text, size_t len, struct rollout_session *out, struct err *e)
{
	size_t at = 0;

	memset(out, 0, sizeof *out);
	out->history = cJSON_CreateArray();
	out->events = cJSON_CreateArray();
	if (!out->history || !out->events)
		goto nomem;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *line = text + at;
		struct err ignored;
		cJSON *root;
		int r;

		at += n + (nl ? 1 : 0);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (n == 0)
			continue;
		out->lines++;
		root = n > ROLLOUT_LINE_MAX_BYTES ? NULL
						  : json_parse(line, n, "rollout line", &ignored);
		if (!root && errno == ENOMEM)
			goto nomem; /* never mistake a good line for a torn one */
		if (!root) {
			out->skipped++;
			continue;
		}
		r = apply_line(out, root);
		cJSON_Delete(root);
		if (r < 0)
			goto nomem;
		if (r == 0)
			out->skipped++;
	}
	if (!out->meta) {
		rollout_session_free(out);
		return err_set(e, "not a rollout file: it has no session_meta line");
	}
	return 0;
nomem:
	rollout_session_free(out);
	return err_set(e, "out of memory");
}

int rollout_read(const char *path, struct rollout_session *out, struct err *e)
{
	struct buf text;
	int rc;

	buf_init(&text, ROLLOUT_FILE_MAX_BYTES);
	if (file_read_all(path, &text, e) < 0) {
		buf_free(&text);
		return -1;
	}
	rc = rollout_parse(text.data ? text.data : "", text.len, out, e);
	if (rc < 0)
		err_prefix(e, "%s", path);
	buf_free(&text);
	return rc;
}
