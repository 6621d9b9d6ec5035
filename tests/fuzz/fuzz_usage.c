/* Fuzz target: the ChatGPT backend's usage payload (src/model/usage.c). Whatever it
 * accepts is a snapshot of the headers' shape, with finite numbers. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/model.h"

static void window_ok(const cJSON *w)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(w, "used_percent");

	if (cJSON_IsNull(w))
		return;
	if (!cJSON_IsObject(w) || !cJSON_IsNumber(u) || !isfinite(u->valuedouble))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	cJSON *s = model_usage_parse((const char *)data, size, &e);

	if (!s)
		return 0;
	window_ok(cJSON_GetObjectItemCaseSensitive(s, "primary"));
	window_ok(cJSON_GetObjectItemCaseSensitive(s, "secondary"));
	cJSON_Delete(s);
	return 0;
}
