/* The sandbox policy JSON parser (the launcher's input): any bytes either parse into a
 * policy that serialises and parses back to the same JSON, or give an error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sandbox_policy p, again;
	struct err e;
	char *json, *json2;

	if (sandbox_policy_from_json((const char *)data, size, &p, &e) < 0)
		return 0;
	json = sandbox_policy_to_json(&p, &e);
	if (json) {
		if (sandbox_policy_from_json(json, strlen(json), &again, &e) < 0)
			abort();
		json2 = sandbox_policy_to_json(&again, &e);
		if (json2 && strcmp(json, json2) != 0)
			abort();
		free(json2);
		sandbox_policy_free(&again);
	}
	free(json);
	sandbox_policy_free(&p);
	return 0;
}
