/* Responses API stream events (reference §1.5) into the caller's callbacks. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "model/internal.h"

static int64_t int_item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 9e15))
		return 0;
	return (int64_t)v->valuedouble;
}

static int small_index(const cJSON *o, const char *key)
{
	int64_t v = int_item(o, key);

	return v > 1000000 ? 1000000 : (int)v;
}

static void read_usage(const cJSON *u, struct model_usage *out)
{
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(u))
		return;
	out->input_tokens = int_item(u, "input_tokens");
	out->cached_input_tokens =
		int_item(cJSON_GetObjectItemCaseSensitive(u, "input_tokens_details"), "cached_tokens");
	out->output_tokens = int_item(u, "output_tokens");
	out->reasoning_output_tokens = int_item(
		cJSON_GetObjectItemCaseSensitive(u, "output_tokens_details"), "reasoning_tokens");
	out->total_tokens = int_item(u, "total_tokens");
}

static enum wire_status completed(const cJSON *root, struct wire_outcome *out)
{
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(root, "response");
	const char *id = json_get_str(resp, "id");

	free(out->response_id);
	out->response_id = strdup(id ? id : "");
	if (!out->response_id) {
		out->kind = MODEL_ERR_INTERNAL;
		err_set(&out->e, "out of memory");
		return WIRE_FATAL;
	}
	read_usage(cJSON_GetObjectItemCaseSensitive(resp, "usage"), &out->usage);
	return WIRE_COMPLETED;
}

static enum wire_status failed(const cJSON *error, const char *what, struct wire_outcome *out)
{
	if (cJSON_IsObject(error))
		return model_classify_error_object(error, out);
	out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
	err_set(&out->e, "the model stream failed: %s without an error", what);
	return WIRE_RETRY;
}

static enum wire_status incomplete(const cJSON *root, struct wire_outcome *out)
{
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(root, "response");
	const char *reason =
		json_get_str(cJSON_GetObjectItemCaseSensitive(resp, "incomplete_details"), "reason");

	/* Retried, as upstream does. */
	out->kind = MODEL_ERR_RETRIES_EXHAUSTED;
	err_set(&out->e, "Incomplete response returned, reason: %s", reason ? reason : "unknown");
	return WIRE_RETRY;
}

static enum wire_status dispatch(struct model_emit *em, const char *type, const cJSON *root,
				 struct wire_outcome *out)
{
	const struct model_stream_events *ev = em->ev;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "item");
	const char *delta = json_get_str(root, "delta");

	if (strcmp(type, "response.output_item.added") == 0) {
		if (cJSON_IsObject(item) && ev->item_added)
			ev->item_added(ev->arg, item);
	} else if (strcmp(type, "response.output_item.done") == 0) {
		if (cJSON_IsObject(item) && ev->item_done)
			ev->item_done(ev->arg, item);
	} else if (strcmp(type, "response.output_text.delta") == 0) {
		if (delta && ev->text_delta)
			ev->text_delta(ev->arg, delta, strlen(delta));
	} else if (strcmp(type, "response.reasoning_summary_text.delta") == 0) {
		if (delta && ev->reasoning_summary_delta)
			ev->reasoning_summary_delta(ev->arg, small_index(root, "summary_index"), delta,
						    strlen(delta));
	} else if (strcmp(type, "response.reasoning_text.delta") == 0) {
		if (delta && ev->reasoning_raw_delta)
			ev->reasoning_raw_delta(ev->arg, small_index(root, "content_index"), delta,
						strlen(delta));
	} else if (strcmp(type, "response.reasoning_summary_part.added") == 0) {
		if (ev->reasoning_section_break)
			ev->reasoning_section_break(ev->arg);
	} else if (strcmp(type, "response.completed") == 0) {
		return completed(root, out);
	} else if (strcmp(type, "response.failed") == 0) {
		return failed(cJSON_GetObjectItemCaseSensitive(
				      cJSON_GetObjectItemCaseSensitive(root, "response"), "error"),
			      "response.failed", out);
	} else if (strcmp(type, "response.incomplete") == 0) {
		return incomplete(root, out);
	} else if (strcmp(type, "error") == 0) {
		/* {"type":"error","code":...,"message":...}, or the same under "error". */
		const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
		return failed(cJSON_IsObject(error) ? error : root, "an error event", out);
	}
	/* response.created, response.in_progress, the *.done text events, argument deltas,
	 * ...: nothing to report. */
	return em->stopped ? WIRE_STOPPED : WIRE_CONTINUE;
}

enum wire_status responses_event(struct model_emit *em, const char *sse_type, const char *data,
				 size_t len, struct wire_outcome *out)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	const char *type;
	enum wire_status st;

	/* Data that is not a JSON object is skipped, as upstream does. */
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return WIRE_CONTINUE;
	}
	type = json_get_str(root, "type");
	st = dispatch(em, type ? type : sse_type, root, out);
	cJSON_Delete(root);
	return st;
}
