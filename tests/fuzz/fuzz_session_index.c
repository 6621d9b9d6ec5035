/* session_index.jsonl text: any bytes give entries whose ids and names are strings, as
 * many ids as names, within the entry cap, and lookups that answer with one of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/session_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_names n = {STRV_INIT, STRV_INIT};

	if (session_index_parse((const char *)data, size, &n) < 0)
		return 0;
	if (n.ids.n != n.names.n || n.ids.n > SESSION_INDEX_MAX_ENTRIES)
		abort();
	for (size_t i = 0; i < n.ids.n; i++) {
		const char *name = session_names_name(&n, n.ids.v[i]);
		if (!n.ids.v[i][0] || !name || !session_names_id(&n, name))
			abort();
	}
	session_names_free(&n);
	return 0;
}
