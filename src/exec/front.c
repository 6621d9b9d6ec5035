/* What both `codex exec` front ends share: the turn's outcome and its last message. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/shell_quote.h"
#include "exec/internal.h"

const char *exec_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *exec_command_line(const cJSON *msg)
{
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(msg, "command"), *w;
	struct buf b;

	buf_init(&b, 16u << 20);
	cJSON_ArrayForEach(w, cmd) {
		const char *s = cJSON_IsString(w) ? w->valuestring : "";
		if ((b.len && buf_putc(&b, ' ') < 0) || shell_quote_append(&b, s) < 0)
			return NULL; /* the buffer freed itself */
	}
	return buf_take(&b);
}

struct exec_front *exec_front_new(bool json, bool color, FILE *out, FILE *err)
{
	struct exec_front *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->json = json;
	f->color = color;
	f->out = out;
	f->err = err;
	return f;
}

void exec_front_free(struct exec_front *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_open; i++) {
		free(f->open[i].call_id);
		free(f->open[i].id);
		cJSON_Delete(f->open[i].item);
	}
	cJSON_Delete(f->todo);
	free(f->last_message);
	free(f->error_message);
	free(f);
}

static void on_event(void *arg, const struct agent_event *ev)
{
	struct exec_front *f = arg;
	const cJSON *m = ev->msg;

	switch (ev->kind) {
	case AGENT_EV_AGENT_MESSAGE: {
		const char *s = exec_str(m, "message");
		free(f->last_message);
		f->last_message = s ? strdup(s) : NULL;
		break;
	}
	case AGENT_EV_ERROR: {
		const char *s = exec_str(m, "message");
		f->failed = true;
		free(f->error_message);
		f->error_message = strdup(s ? s : "error");
		break;
	}
	case AGENT_EV_TOKEN_COUNT: {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(m, "info"), "total_token_usage");
		const cJSON *v;
		if ((v = cJSON_GetObjectItemCaseSensitive(u, "input_tokens")) && cJSON_IsNumber(v))
			f->input_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(u, "cached_input_tokens")) &&
		    cJSON_IsNumber(v))
			f->cached_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(u, "output_tokens")) && cJSON_IsNumber(v))
			f->output_tokens = (int64_t)v->valuedouble;
		if ((v = cJSON_GetObjectItemCaseSensitive(u, "total_tokens")) && cJSON_IsNumber(v))
			f->total_tokens = (int64_t)v->valuedouble;
		break;
	}
	case AGENT_EV_TURN_ABORTED:
		f->interrupted = true;
		break;
	default:
		break;
	}
	if (f->json)
		exec_json_event(f, ev);
	else
		exec_human_event(f, ev);
	if ((ev->kind == AGENT_EV_EXEC_APPROVAL_REQUEST ||
	     ev->kind == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST) && f->agent) {
		const char *id = exec_str(m, "call_id");
		struct err e;
		err_clear(&e);
		if (id)
			(void)agent_decide(f->agent, id, AGENT_DENIED, &e);
	}
	if (ev->kind == AGENT_EV_TASK_COMPLETE || ev->kind == AGENT_EV_TURN_ABORTED)
		f->done = true;
}

/* A sub-agent's own events: exec shows nothing of them (the parent's collab events say
 * what they do) but answers their approvals as it answers the main thread's. */
static void on_subagent_event(void *arg, const struct agent_event *ev)
{
	(void)arg;
	if (ev->kind == AGENT_EV_EXEC_APPROVAL_REQUEST ||
	    ev->kind == AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST) {
		const char *id = exec_str(ev->msg, "call_id");
		struct err e;
		err_clear(&e);
		if (id)
			(void)agent_decide(ev->agent, id, AGENT_DENIED, &e);
	}
}

static void on_subagent(void *arg, struct agent *parent, struct agent *child)
{
	struct agent_subscriber s = {on_subagent_event, arg, on_subagent};
	struct err e;

	(void)parent;
	err_clear(&e);
	/* Fails only past AGENT_MAX_SUBSCRIBERS, which a new agent never is. */
	(void)agent_subscribe(child, &s, &e);
}

void exec_front_set_agent(struct exec_front *f, struct agent *a)
{
	f->agent = a;
}

struct agent_subscriber exec_front_subscriber(struct exec_front *f)
{
	struct agent_subscriber s = {on_event, f, on_subagent};
	return s;
}

bool exec_front_done(const struct exec_front *f)
{
	return f->done;
}

bool exec_front_failed(const struct exec_front *f)
{
	return f->failed;
}

bool exec_front_interrupted(const struct exec_front *f)
{
	return f->interrupted;
}

const char *exec_front_last_message(const struct exec_front *f)
{
	return f->last_message;
}
