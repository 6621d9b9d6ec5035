/* A tools/call result as the function_call_output the model reads (codex-mcp.md §6.1). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "mcp/mcp.h"

static const char omitted[] = "<image content omitted because you do not support image input>";

static cJSON *string_of(const cJSON *v)
{
	char *s = json_print(v, false);
	cJSON *out = s ? cJSON_CreateString(s) : NULL;

	free(s);
	return out;
}

static bool is_type(const cJSON *block, const char *ty)
{
	const char *t = json_get_str(block, "type");
	return t && strcmp(t, ty) == 0;
}

static cJSON *input_item(const char *type, const char *key, const char *value)
{
	cJSON *o = cJSON_CreateObject();

	if (o && cJSON_AddStringToObject(o, "type", type) && cJSON_AddStringToObject(o, key, value))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static cJSON *image_item(const cJSON *block)
{
	const char *data = json_get_str(block, "data"), *mime = json_get_str(block, "mimeType");
	struct buf b;
	cJSON *o;

	if (!data)
		data = "";
	if (strncmp(data, "data:", 5) == 0)
		return input_item("input_image", "image_url", data);
	buf_init(&b, MCP_MAX_MESSAGE_BYTES + 256);
	if (buf_printf(&b, "data:%s;base64,%s", mime ? mime : "application/octet-stream", data) < 0)
		return NULL;
	o = input_item("input_image", "image_url", b.data);
	buf_free(&b);
	return o;
}

/* Content with images: an array of input items. */
static cJSON *items_of(const cJSON *content)
{
	cJSON *arr = cJSON_CreateArray(), *it;
	const cJSON *block;

	if (!arr)
		return NULL;
	cJSON_ArrayForEach(block, content) {
		const char *text = json_get_str(block, "text");
		if (is_type(block, "text") && text) {
			it = input_item("input_text", "text", text);
		} else if (is_type(block, "image")) {
			it = image_item(block);
		} else {
			char *s = json_print(block, false);
			it = s ? input_item("input_text", "text", s) : NULL;
			free(s);
		}
		if (!it || !cJSON_AddItemToArray(arr, it)) {
			cJSON_Delete(it);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

cJSON *mcp_result_output(const cJSON *result, bool model_takes_images)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(result, "structuredContent");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(result, "content"), *block;
	cJSON *copy, *out;
	bool images = false;

	if (sc && !cJSON_IsNull(sc))
		return string_of(sc);
	if (!cJSON_IsArray(content))
		return cJSON_CreateString("[]");
	cJSON_ArrayForEach(block, content)
		images = images || is_type(block, "image");
	if (!images)
		return string_of(content);
	if (model_takes_images)
		return items_of(content);
	/* Images replaced by a text block, then the usual string form. */
	if (!(copy = cJSON_CreateArray()))
		return NULL;
	cJSON_ArrayForEach(block, content) {
		cJSON *b = is_type(block, "image") ? input_item("text", "text", omitted)
						   : cJSON_Duplicate(block, 1);
		if (!b || !cJSON_AddItemToArray(copy, b)) {
			cJSON_Delete(b);
			cJSON_Delete(copy);
			return NULL;
		}
	}
	out = string_of(copy);
	cJSON_Delete(copy);
	return out;
}

cJSON *mcp_error_output(const char *text)
{
	cJSON *arr = cJSON_CreateArray(), *b = input_item("text", "text", text), *out;

	if (!arr || !b || !cJSON_AddItemToArray(arr, b)) {
		cJSON_Delete(b);
		cJSON_Delete(arr);
		return NULL;
	}
	out = string_of(arr);
	cJSON_Delete(arr);
	return out;
}
