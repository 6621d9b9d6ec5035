/* Private to src/exec/: the state both front ends share. */
#ifndef CODEX_EXEC_INTERNAL_H
#define CODEX_EXEC_INTERNAL_H

#include <stdint.h>

#include "exec/exec.h"

/* call_id -> "item_N" for items that start and complete (commands, patches). */
#define EXEC_MAX_OPEN_ITEMS 256

struct open_item {
	char *call_id;
	char *id;
	cJSON *item;            /* the started item, kept to complete it */
};

struct exec_front {
	struct agent *agent;            /* for answering approval requests, or NULL */
	bool json, color;
	FILE *out, *err;
	bool done, failed, interrupted;
	char *last_message;
	char *error_message;
	unsigned next_item;
	struct open_item open[EXEC_MAX_OPEN_ITEMS];
	size_t n_open;
	cJSON *todo;            /* the todo_list item while a plan exists */
	int64_t input_tokens, cached_tokens, output_tokens, total_tokens;
	bool printed_delta;
};

void exec_json_event(struct exec_front *f, const struct agent_event *ev);
void exec_human_event(struct exec_front *f, const struct agent_event *ev);

const char *exec_str(const cJSON *o, const char *key);
/* The command of an exec event as one shell-quoted line. Caller frees. */
char *exec_command_line(const cJSON *msg);

#endif
