/* What the user sends: the user message item and its user_message event, as a new turn
 * (agent_submit_turn, session.c) or steered into the running one (agent_steer). A steer
 * waits in the turn until the calls of the current response are done; the turn loop
 * then adds it to the history right after their outputs, before its next model request
 * (upstream's pending input; reference codex-agent-exec.md §0 step 3). */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/media.h"

static cJSON *part(const char *type, const char *key, const char *value)
{
	cJSON *p = cJSON_CreateObject();

	if (p && cJSON_AddStringToObject(p, "type", type) && cJSON_AddStringToObject(p, key, value))
		return p;
	cJSON_Delete(p);
	return NULL;
}

cJSON *user_input_item(const struct agent_user_input *in, cJSON **event, struct err *e)
{
	const char *text = in->text ? in->text : "";
	cJSON *item = cJSON_CreateObject(), *content, *ev = NULL, *images;

	*event = NULL;
	if (!item || !cJSON_AddStringToObject(item, "type", "message") ||
	    !cJSON_AddStringToObject(item, "role", "user") ||
	    !(content = cJSON_AddArrayToObject(item, "content")) ||
	    !cJSON_AddItemToArray(content, part("input_text", "text", text)))
		goto oom;
	for (size_t i = 0; in->images && i < in->images->n; i++) {
		char *url = media_image_data_url(in->images->v[i], e);
		cJSON *p;
		if (!url)
			goto fail;
		p = part("input_image", "image_url", url);
		free(url);
		if (!p || !cJSON_AddItemToArray(content, p)) {
			cJSON_Delete(p);
			goto oom;
		}
	}
	ev = cJSON_CreateObject();
	if (!ev || !cJSON_AddStringToObject(ev, "message", text) ||
	    !(images = cJSON_AddArrayToObject(ev, "images")))
		goto oom;
	for (size_t i = 0; in->images && i < in->images->n; i++)
		if (!cJSON_AddItemToArray(images, cJSON_CreateString(in->images->v[i])))
			goto oom;
	*event = ev;
	return item;
oom:
	err_set(e, "out of memory");
fail:
	cJSON_Delete(ev);
	cJSON_Delete(item);
	return NULL;
}

int agent_steer(struct agent *a, const struct agent_user_input *in, struct err *e)
{
	struct turn *t = a->turn;
	cJSON *item, *ev, *entry;

	if (a->shut_down)
		return err_set(e, "the session is shut down");
	if (!t || t->aborting || t->finished)
		return err_set(e, "no turn is running to steer");
	if (t->compact)
		return err_set(e, "a compaction is running; it takes no input");
	if (!t->pending_input && !(t->pending_input = cJSON_CreateArray()))
		return err_set(e, "out of memory");
	if (cJSON_GetArraySize(t->pending_input) >= AGENT_MAX_PENDING_INPUT)
		return err_set(e, "too many messages wait for the next model request (at most %d)",
			       AGENT_MAX_PENDING_INPUT);
	if (!(item = user_input_item(in, &ev, e)))
		return -1;
	entry = cJSON_CreateObject();
	if (!entry || !cJSON_AddItemToObject(entry, "item", item)) {
		cJSON_Delete(entry);
		cJSON_Delete(item);
		cJSON_Delete(ev);
		return err_set(e, "out of memory");
	}
	if (!cJSON_AddItemToObject(entry, "event", ev)) {
		cJSON_Delete(ev);
		cJSON_Delete(entry);
		return err_set(e, "out of memory");
	}
	if (!cJSON_AddItemToArray(t->pending_input, entry)) {
		cJSON_Delete(entry);
		return err_set(e, "out of memory");
	}
	record_prompt(a, in->history_text ? in->history_text : in->text ? in->text : "");
	return 0;
}

bool turn_has_pending_input(const struct turn *t)
{
	return t->pending_input && cJSON_GetArraySize(t->pending_input) > 0;
}

void turn_inject_pending_input(struct turn *t)
{
	cJSON *entry;

	while (t->pending_input && (entry = cJSON_DetachItemFromArray(t->pending_input, 0))) {
		cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(entry, "item");
		cJSON *ev = cJSON_DetachItemFromObjectCaseSensitive(entry, "event");
		cJSON_Delete(entry);
		if (item)
			history_add(t->a, item); /* recorded as a response_item */
		/* Recorded as event_msg user_message too: a resume shows it where it was
		 * sent; a front end shows it now. */
		if (ev)
			agent_emit(t->a, AGENT_EV_USER_MESSAGE, ev);
	}
}
