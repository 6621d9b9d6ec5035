/* /compact (upstream's `compact` op): one model request with the whole history and a
 * request for a handoff summary, then the history is replaced by its initial context,
 * the most recent user messages and that summary (rollout_compacted_history, the same
 * rebuild a resume applies to an old `compacted` line). The turn machinery (turn.c)
 * runs the request; this file says what is asked and what is kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/rollout.h"

/* What the model is asked (our wording of upstream's summarization prompt). */
static const char compact_prompt[] =
	"Your context is about to be replaced by a summary that you write now. Another "
	"instance of you will continue this conversation from that summary alone, without "
	"seeing anything above. Write a handoff summary of the conversation so far:\n"
	"- the user's goal, requirements and preferences, in their own terms;\n"
	"- what has been done: files created or changed, commands run and what they showed;\n"
	"- decisions taken and why, and approaches that failed;\n"
	"- what remains to be done, as concrete next steps;\n"
	"- names, paths, values and error messages the next steps depend on.\n"
	"Be concise and factual. Reply with the summary only.";

/* How the summary is introduced in the new history (our wording; upstream prefixes its
 * summary the same way so that the model reads it as a handoff, not as the user). */
static const char summary_prefix[] =
	"The conversation before this point was compacted. An earlier instance of the "
	"assistant worked on it and left this summary for you to continue from:";

/* Upstream's note after a compaction. */
static const char compact_warning[] =
	"Heads up: Long threads and multiple compactions can cause the model to be less "
	"accurate. Start a new thread when possible to keep threads small and targeted.";

cJSON *compact_request_input(const struct agent *a)
{
	cJSON *in = cJSON_Duplicate(a->history, 1), *m, *content, *part;

	if (!in || !(m = cJSON_CreateObject()))
		goto fail;
	cJSON_AddItemToArray(in, m);
	if (!cJSON_AddStringToObject(m, "type", "message") ||
	    !cJSON_AddStringToObject(m, "role", "user") ||
	    !(content = cJSON_AddArrayToObject(m, "content")) || !(part = cJSON_CreateObject()))
		goto fail;
	cJSON_AddItemToArray(content, part);
	if (!cJSON_AddStringToObject(part, "type", "input_text") ||
	    !cJSON_AddStringToObject(part, "text", compact_prompt))
		goto fail;
	return in;
fail:
	cJSON_Delete(in);
	return NULL;
}

int compact_apply(struct turn *t, char *msg, size_t msg_size)
{
	struct agent *a = t->a;
	const char *summary = t->last_agent_message;
	char *text;
	size_t len;
	cJSON *h;
	struct err e;

	if (!summary || !*summary) {
		snprintf(msg, msg_size, "Compaction failed: the model returned no summary; the "
					"conversation is unchanged.");
		return -1;
	}
	len = sizeof summary_prefix + 1 + strlen(summary);
	text = malloc(len);
	if (!text) {
		snprintf(msg, msg_size, "out of memory");
		return -1;
	}
	snprintf(text, len, "%s\n%s", summary_prefix, summary);
	h = rollout_compacted_history(a->history, text);
	if (!h) {
		free(text);
		snprintf(msg, msg_size, "out of memory");
		return -1;
	}
	cJSON_Delete(a->history);
	a->history = h;
	collab_sync(a); /* a mode message may have gone with the old turns */
	if (a->rollout && rollout_record_compacted(a->rollout, text, h, &e) < 0 &&
	    !a->record_failed) {
		a->record_failed = true;
		snprintf(a->record_error, sizeof a->record_error, "%s", e.msg);
	}
	free(text);
	agent_emit_text(a, AGENT_EV_WARNING, "message", compact_warning);
	agent_emit(a, AGENT_EV_CONTEXT_COMPACTED, NULL);
	/* The answer is the summary, not a message of the conversation. */
	free(t->last_agent_message);
	t->last_agent_message = NULL;
	return 0;
}

int agent_compact(struct agent *a, struct err *e)
{
	if (a->shut_down)
		return err_set(e, "the session is shut down");
	return turn_start_compact(a, e);
}
