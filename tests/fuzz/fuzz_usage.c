/* Fuzz target: the ChatGPT backend's usage payload (src/model/usage.c). Whatever it
 * accepts is a list of snapshots of the headers' shape: the codex family's first, at
 * most MODEL_RATE_LIMIT_FAMILIES_MAX, each with a limit id and a name within their
 * caps, and finite numbers. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static void window_ok(const cJSON *w)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(w, "used_percent");

	if (cJSON_IsNull(w))
		return;
	if (!cJSON_IsObject(w) || !cJSON_IsNumber(u) || !isfinite(u->valuedouble))
		abort();
}

static void snapshot_ok(const cJSON *s, int i)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "limit_id");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "limit_name");

	if (!cJSON_IsString(id) || !*id->valuestring ||
	    strlen(id->valuestring) > MODEL_RATE_LIMIT_ID_MAX ||
	    (i == 0 && strcmp(id->valuestring, "codex") != 0))
		abort();
	if (!cJSON_IsNull(name) &&
	    (!cJSON_IsString(name) || strlen(name->valuestring) > MODEL_RATE_LIMIT_NAME_MAX))
		abort();
	window_ok(cJSON_GetObjectItemCaseSensitive(s, "primary"));
	window_ok(cJSON_GetObjectItemCaseSensitive(s, "secondary"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	cJSON *all = model_usage_parse((const char *)data, size, &e);
	const cJSON *s;
	int i = 0;

	if (!all)
		return 0;
	if (!cJSON_IsArray(all) || cJSON_GetArraySize(all) < 1 ||
	    cJSON_GetArraySize(all) > MODEL_RATE_LIMIT_FAMILIES_MAX)
		abort();
	cJSON_ArrayForEach(s, all)
		snapshot_ok(s, i++);
	cJSON_Delete(all);
	return 0;
}
