/* Shared by the context files (context.h is the module's header). */
#ifndef CODEX_AGENT_CONTEXT_INTERNAL_H
#define CODEX_AGENT_CONTEXT_INTERNAL_H

#include <cJSON.h>

/* {"type":"message","role":<role>,"content":[{"type":"input_text","text":<text>}]}, or
 * NULL when memory runs out. */
cJSON *context_message(const char *role, const char *text);

#endif
