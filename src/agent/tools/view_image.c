/* view_image: the image goes into the next request as a user message; for a call made
 * from js_repl (codex.tool) it is the call's output instead, as upstream's tool output
 * is, so the JavaScript gets it and the model sees it only when the cell emits it. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/media.h"
#include "agent/tools/tools.h"
#include "base/file.h"

static void emit_event(struct agent *a, struct tool_call *c, const char *path)
{
	cJSON *m = cJSON_CreateObject();

	if (m && cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "path", path))
		agent_emit(a, AGENT_EV_VIEW_IMAGE_TOOL_CALL, m);
	else
		cJSON_Delete(m);
}

/* Takes path and url. */
static void attach_to_output(struct tool_call *c, char *path, char *url)
{
	cJSON *items = cJSON_CreateArray(), *part;

	/* Adding to an array fails only for NULL arguments. */
	if (!items || !(part = cJSON_CreateObject()) || !cJSON_AddItemToArray(items, part) ||
	    !cJSON_AddStringToObject(part, "type", "input_image") ||
	    !cJSON_AddStringToObject(part, "image_url", url)) {
		cJSON_Delete(items);
		free(url);
		free(path);
		tool_call_finish(c, NULL);
		return;
	}
	free(url);
	emit_event(c->turn->a, c, path);
	c->output_items = items;
	tool_call_finishf(c, "attached local image path: %s", path);
	free(path);
}

void tool_view_image(struct tool_call *c)
{
	struct agent *a = c->turn->a;
	const char *rel = args_str(c->args, "path");
	char *path, *url = NULL;
	cJSON *item = NULL, *content, *part;
	struct err e;

	if (!rel) {
		tool_call_fail(c, strdup("failed to parse function arguments: missing field "
					 "`path`"));
		return;
	}
	path = path_join(a->cwd, rel);
	if (!path || !(url = media_image_data_url(path, &e))) {
		tool_call_failf(c, "unable to attach image: %s", path ? e.msg : "out of memory");
		free(path);
		return;
	}
	if (c->on_finish) {
		attach_to_output(c, path, url);
		return;
	}
	if (!c->turn->extra_input)
		c->turn->extra_input = cJSON_CreateArray();
	item = cJSON_CreateObject();
	if (!c->turn->extra_input || !item || !cJSON_AddStringToObject(item, "type", "message") ||
	    !cJSON_AddStringToObject(item, "role", "user") ||
	    !(content = cJSON_AddArrayToObject(item, "content")) ||
	    !(part = cJSON_CreateObject()) || !cJSON_AddItemToArray(content, part) ||
	    !cJSON_AddStringToObject(part, "type", "input_image") ||
	    !cJSON_AddStringToObject(part, "image_url", url) ||
	    !cJSON_AddItemToArray(c->turn->extra_input, item)) {
		cJSON_Delete(item);
		free(url);
		free(path);
		tool_call_finish(c, NULL);
		return;
	}
	free(url);
	emit_event(a, c, path);
	tool_call_finishf(c, "attached local image path: %s", path);
	free(path);
}
