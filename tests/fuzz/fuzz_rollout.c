/* The rollout reader: any bytes either parse into a session (with its meta, history and
 * events, every compaction applied) or give a clear error; never a crash or a leak. The
 * events it gives are then read as a fork reads them (does it end inside a turn?). */
#include <stdint.h>
#include <stdlib.h>

#include "agent/rollout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rollout_session s;
	struct err e;
	const char *turn_id;

	if (rollout_parse((const char *)data, size, &s, &e) < 0)
		return 0;
	if (!cJSON_IsObject(s.meta) || !cJSON_IsArray(s.history) || !cJSON_IsArray(s.events) ||
	    s.skipped > s.lines)
		abort();
	if (!rollout_ends_mid_turn(s.events, &turn_id) && turn_id)
		abort(); /* a turn id only for a turn still open */
	rollout_session_free(&s);
	return 0;
}
