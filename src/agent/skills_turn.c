/* A turn's explicit skills (upstream's build_skill_injections): each skill the prompt
 * mentions as `$name` has its SKILL.md read again, now, and put into the conversation
 * as a <skill> user message right after the prompt; a file that cannot be read any more
 * is a warning, and the turn goes on without it. */
#include <stdio.h>
#include <stdlib.h>

#include "agent/internal.h"
#include "agent/skills.h"
#include "base/buf.h"
#include "base/file.h"

static void warn(struct agent *a, const char *text)
{
	cJSON *m = cJSON_CreateObject();

	if (m && !cJSON_AddStringToObject(m, "message", text)) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit(a, AGENT_EV_WARNING, m);
}

void skills_inject(struct agent *a, const char *text)
{
	size_t picked[SKILL_MAX_MENTIONS];
	size_t n = skills_mentioned(&a->skills, text, picked, SKILL_MAX_MENTIONS);

	for (size_t i = 0; i < n; i++) {
		const struct agent_skill *s = &a->skills.v[picked[i]];
		struct buf body;
		struct err e = {0};
		cJSON *m;

		buf_init(&body, SKILL_FILE_MAX_BYTES);
		if (file_read_regular(s->path, &body, &e) < 0) {
			char msg[1024];
			snprintf(msg, sizeof msg, "Failed to load skill %s at %s: %s", s->name, s->path,
				 e.msg);
			warn(a, msg);
		} else if ((m = skills_injection_message(s->name, s->path,
							 body.data ? body.data : ""))) {
			history_add(a, m);
		}
		buf_free(&body);
	}
}
