/* The communication style (config `personality`, /personality): for the model families
 * whose catalog entry carries personality texts, the chosen text ends the base
 * instructions of a new thread, and a change mid-thread reaches the model as a
 * <personality_spec> developer message, as upstream does; the instructions themselves
 * never change within a thread (they are the prompt cache's prefix). The texts are
 * this project's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"

static const char friendly[] =
	"Be warm, collaborative and encouraging. Explain what you are doing and why in "
	"plain language, acknowledge the user's goals and constraints, and keep a supportive "
	"tone, while staying accurate and getting to the point.";

static const char pragmatic[] =
	"Be concise, task-focused and direct. Lead with the result, skip pleasantries and "
	"filler, state assumptions and risks plainly, and give only the detail needed to act "
	"on your answer.";

const char *personality_text(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "friendly") == 0)
		return friendly;
	if (strcmp(name, "pragmatic") == 0)
		return pragmatic;
	return NULL; /* "none": no personality instructions */
}

char *personality_instructions(const char *base, const char *name)
{
	const char *text = personality_text(name);
	size_t n = strlen(base) + (text ? strlen(text) : 0) + 32;
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (text)
		snprintf(s, n, "%s\n\n# Personality\n\n%s\n", base, text);
	else
		snprintf(s, n, "%s", base);
	return s;
}

int personality_change(struct agent *a, const char *name, struct err *e)
{
	const char *text = personality_text(name);
	char *copy = strdup(name), *msg;
	size_t n;
	cJSON *m;

	if (!copy)
		return err_set(e, "out of memory");
	if (a->personality && strcmp(a->personality, name) == 0) {
		free(copy);
		return 0;
	}
	free(a->personality);
	a->personality = copy;
	if (!text || !a->family->supports_personality)
		return 0;
	n = strlen(text) + 200;
	if (!(msg = malloc(n)))
		return err_set(e, "out of memory");
	snprintf(msg, n,
		 "<personality_spec> The user has requested a new communication style. Future "
		 "messages should adhere to the following personality: \n%s </personality_spec>",
		 text);
	m = agent_developer_message(msg);
	free(msg);
	if (!m)
		return err_set(e, "out of memory");
	history_add(a, m);
	return 0;
}
