/* A history.jsonl line: any bytes either give an entry whose text and session id are
 * strings and whose ts is not negative, or are refused. */
#include <stdint.h>
#include <stdlib.h>

#include "agent/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_entry h;

	if (history_parse_line((const char *)data, size, &h) < 0)
		return 0;
	if (!h.session_id || !h.text || h.ts < 0)
		abort();
	history_entry_free(&h);
	return 0;
}
