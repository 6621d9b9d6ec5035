/* What the JavaScript REPL parses (src/agent/js_repl_parse.c): the model's tool input
 * (pragma and wrappers), the kernel's messages, `node --version`. Any bytes: no
 * crash, no leak, and what comes out stays inside the input (the code) or is complete
 * (each kind of message has its own fields, and only those). */
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
		switch (r.kind) {
		case JS_REPL_MSG_EXEC_RESULT:
			if (!r.id || !r.output || r.exec_id || r.tool_name || r.image_url)
				abort();
			break;
		case JS_REPL_MSG_RUN_TOOL:
			if (!r.id || !r.exec_id || !r.tool_name || !r.arguments || r.output)
				abort();
			break;
		case JS_REPL_MSG_EMIT_IMAGE:
			if (!r.id || !r.exec_id || !r.image_url || r.tool_name || r.output)
				abort();
			break;
		}
		js_repl_reply_clear(&r);
	}
	(void)js_repl_parse_node_version(in, size, &v);
	return 0;
}
