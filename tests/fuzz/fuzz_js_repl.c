/* What the JavaScript REPL parses (src/agent/js_repl_parse.c): the model's tool input
 * (pragma and wrappers), the kernel's reply lines, `node --version`. Any bytes: no
 * crash, no leak, and what comes out stays inside the input (the code) or is complete
 * (a reply has an id and an output). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/js_repl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct js_repl_input ji;
	struct js_repl_reply r;
	struct js_repl_node_version v;
	char why[512];

	if (js_repl_parse_input(in, size, &ji, why, sizeof why) == 0) {
		if (ji.code < in || ji.code + ji.code_len > in + size ||
		    (ji.has_timeout && ji.timeout_ms > JS_REPL_MAX_TIMEOUT_MS))
			abort();
	} else if (!why[0]) {
		abort();
	}
	if (js_repl_parse_reply(in, size, &r) == 1) {
		if (!r.id || !r.output)
			abort();
		js_repl_reply_clear(&r);
	}
	(void)js_repl_parse_node_version(in, size, &v);
	return 0;
}
