/* A second front end of the agent core for the approval tests: what a TUI does, minus the
 * screen. It runs one turn against the provider the config selects, prints every event
 * the core emits as one JSON line on stdout ({"id":...,"msg":{"type":...}}, as
 * agent_event_json), and answers each approval request (exec_approval_request,
 * apply_patch_approval_request) with the next decision of --decide, on the loop, as a
 * user would. `codex exec` cannot be used for this: it forces approval_policy = never,
 * as upstream's exec does.
 *
 *   agent-drive [-c KEY=VALUE]... [--decide LIST] [--codex PATH] PROMPT [--compact]
 *               [--then PROMPT]...
 *     -c KEY=VALUE   a config override (repeatable), e.g. -c approval_policy="on-failure"
 *     --decide LIST  comma-separated answers, in order: approved, approved_for_session,
 *                    denied, abort (default and once the list is used up: denied)
 *     --codex PATH   the codex binary the agent runs to apply patches in the sandbox
 *                    (its apply_patch entry; this program has none)
 *     --compact      once the turns before it are over: the compact op (agent_compact)
 *     --then PROMPT  once the turns before it are over: another turn
 *                    (--compact and --then run in the order given)
 *     --steer-on TYPE TEXT
 *                    on the next event of TYPE (e.g. exec_command_begin): agent_steer
 *                    with TEXT (repeatable; each waits for its own event, in order).
 *                    A refused steer prints {"steer_error":"..."} on stdout.
 *     --cwd-then DIR once the turns before it are over: the session's cwd becomes DIR
 *                    (agent_override), for the turns after it
 *     --interrupt-on-file PATH
 *                    agent_interrupt once PATH exists (looked for every 20 ms): a
 *                    test's signal that what it waits for is under way
 *     --steer-after TEXT
 *                    once everything else is over (the agent idle): agent_steer with
 *                    TEXT, its refusal printed the same way
 *
 * Runs in the current directory; CODEX_HOME as usual. Exit: 0 the turn completed,
 * 1 it failed or was aborted, 2 bad arguments or setup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "base/loop.h"
#include "base/strv.h"
#include "config/config.h"
#include "sandbox/sandbox.h"

struct drive {
	struct agent *agent;
	struct strv decisions;
	size_t next;
	bool done, failed;
	struct strv steps;       /* "" = compact, else a prompt */
	struct strv steer_on, steer_text; /* --steer-on: event types and texts */
	size_t next_steer;
	const char *interrupt_file;
	struct loop_timer interrupt_timer;
};

/* --cwd-then steps are stored as "\001DIR" among the prompts. */
#define STEP_CWD '\001'

static struct drive *the_drive; /* for the --interrupt-on-file timer */

static void on_interrupt_timer(struct loop *l, struct loop_timer *t)
{
	if (access(the_drive->interrupt_file, F_OK) == 0) {
		agent_interrupt(the_drive->agent);
		return;
	}
	(void)!loop_timer_arm(l, t, loop_clock_ms() + 20, on_interrupt_timer);
}

static void steer(struct drive *d, const char *text)
{
	struct strv none = STRV_INIT;
	struct agent_user_input in = {.text = text, .images = &none};
	struct err e;

	err_clear(&e);
	if (agent_steer(d->agent, &in, &e) < 0) {
		cJSON *o = cJSON_CreateObject();
		char *line;
		cJSON_AddStringToObject(o, "steer_error", e.msg);
		line = cJSON_PrintUnformatted(o);
		if (line)
			printf("%s\n", line);
		fflush(stdout);
		cJSON_free(line);
		cJSON_Delete(o);
	}
}

static enum agent_decision parse_decision(const char *s, bool *ok)
{
	*ok = true;
	if (strcmp(s, "approved") == 0)
		return AGENT_APPROVED;
	if (strcmp(s, "approved_for_session") == 0)
		return AGENT_APPROVED_FOR_SESSION;
	if (strcmp(s, "abort") == 0)
		return AGENT_ABORT;
	*ok = strcmp(s, "denied") == 0;
	return AGENT_DENIED;
}

static void on_event(void *arg, const struct agent_event *ev)
{
	struct drive *d = arg;
	char *line = agent_event_json(ev);

	if (line) {
		printf("%s\n", line);
		fflush(stdout);
		free(line);
	}
	if (d->next_steer < d->steer_on.n &&
	    strcmp(agent_event_type(ev->kind), d->steer_on.v[d->next_steer]) == 0) {
		d->next_steer++;
		steer(d, d->steer_text.v[d->next_steer - 1]);
	}
	switch (ev->kind) {
	case AGENT_EV_EXEC_APPROVAL_REQUEST:
	case AGENT_EV_APPLY_PATCH_APPROVAL_REQUEST: {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(ev->msg, "call_id");
		bool ok;
		enum agent_decision dec = AGENT_DENIED;
		struct err e;
		if (d->next < d->decisions.n)
			dec = parse_decision(d->decisions.v[d->next++], &ok);
		err_clear(&e);
		if (!cJSON_IsString(id) || agent_decide(d->agent, id->valuestring, dec, &e) < 0) {
			fprintf(stderr, "agent-drive: cannot answer: %s\n", e.msg);
			d->failed = true;
		}
		break;
	}
	case AGENT_EV_ERROR:
		d->failed = true;
		break;
	case AGENT_EV_TURN_ABORTED:
		d->failed = true;
		d->done = true;
		break;
	case AGENT_EV_TASK_COMPLETE:
		d->done = true;
		break;
	default:
		break;
	}
}

static int split_decisions(const char *list, struct strv *out)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool ok;
		parse_decision(t, &ok);
		if (!ok || strv_push(out, t) < 0) {
			fprintf(stderr, "agent-drive: bad decision '%s'\n", t);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	struct strv overrides = STRV_INIT;
	struct drive d;
	struct config_load_opts lo = {0};
	struct config *cfg = NULL;
	struct loop *loop = NULL;
	struct agent_options ao = {0};
	struct agent_subscriber sub;
	struct err e;
	const char *prompt = NULL, *self_exe = NULL, *steer_after = NULL;
	char cwd[4096];
	int rc = 2;

	/* The sandbox re-executes this binary as its launcher (argv[0]
	 * "codex-linux-sandbox"), as it does codex. */
	if (argc > 0 && strcmp(argv[0], "codex-linux-sandbox") == 0)
		return sandbox_launcher_main(argc, argv);
	memset(&d, 0, sizeof d);
	err_clear(&e);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--compact") == 0) {
			if (strv_push(&d.steps, "") < 0)
				goto out;
		} else if (strcmp(argv[i], "--then") == 0 && i + 1 < argc) {
			if (strv_push(&d.steps, argv[++i]) < 0 || !*argv[i])
				goto out;
		} else if (strcmp(argv[i], "--steer-on") == 0 && i + 2 < argc) {
			if (strv_push(&d.steer_on, argv[i + 1]) < 0 ||
			    strv_push(&d.steer_text, argv[i + 2]) < 0)
				goto out;
			i += 2;
		} else if (strcmp(argv[i], "--cwd-then") == 0 && i + 1 < argc) {
			char step[4096];
			snprintf(step, sizeof step, "%c%s", STEP_CWD, argv[++i]);
			if (strv_push(&d.steps, step) < 0)
				goto out;
		} else if (strcmp(argv[i], "--interrupt-on-file") == 0 && i + 1 < argc) {
			d.interrupt_file = argv[++i];
		} else if (strcmp(argv[i], "--steer-after") == 0 && i + 1 < argc) {
			steer_after = argv[++i];
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			if (strv_push(&overrides, argv[++i]) < 0)
				goto out;
		} else if (strcmp(argv[i], "--decide") == 0 && i + 1 < argc) {
			if (split_decisions(argv[++i], &d.decisions) < 0)
				goto out;
		} else if (strcmp(argv[i], "--codex") == 0 && i + 1 < argc) {
			self_exe = argv[++i];
		} else if (argv[i][0] != '-' && !prompt) {
			prompt = argv[i];
		} else {
			fprintf(stderr, "usage: agent-drive [-c KEY=VALUE]... [--decide LIST] [--codex PATH] PROMPT\n");
			goto out;
		}
	}
	if (!prompt || !getcwd(cwd, sizeof cwd)) {
		fprintf(stderr, "usage: agent-drive [-c KEY=VALUE]... [--decide LIST] [--codex PATH] PROMPT\n");
		goto out;
	}
	lo.overrides = &overrides;
	if (config_load(&lo, &cfg, &e) < 0 || loop_new(&loop, &e) < 0)
		goto fail;
	ao.loop = loop;
	ao.cfg = cfg;
	ao.cwd = cwd;
	ao.originator = "codex_exec";
	ao.session_source = "exec";
	ao.ephemeral = true;
	ao.self_exe = self_exe;
	sub.on_event = on_event;
	sub.arg = &d;
	sub.on_subagent = NULL;
	if (agent_new(&ao, &sub, &d.agent, &e) < 0)
		goto fail;
	{
		struct strv none = STRV_INIT;
		struct agent_user_input in = {.text = prompt, .images = &none};
		if (agent_submit_turn(d.agent, &in, &e) < 0)
			goto fail;
	}
	the_drive = &d;
	if (d.interrupt_file &&
	    loop_timer_arm(loop, &d.interrupt_timer, loop_clock_ms() + 20, on_interrupt_timer) < 0)
		goto fail;
	for (size_t step = 0;; step++) {
		while (!d.done)
			if (loop_run_once(loop, -1, &e) < 0)
				goto fail;
		if (step >= d.steps.n)
			break;
		if (d.steps.v[step][0] == STEP_CWD) {
			struct agent_overrides o = {.approval_policy = -1, .sandbox_mode = -1,
						    .cwd = d.steps.v[step] + 1};
			if (agent_override(d.agent, &o, &e) < 0)
				goto fail;
			continue;
		}
		d.done = false;
		if (!*d.steps.v[step]) {
			if (agent_compact(d.agent, &e) < 0)
				goto fail;
		} else {
			struct strv none = STRV_INIT;
			struct agent_user_input in = {.text = d.steps.v[step], .images = &none};
			if (agent_submit_turn(d.agent, &in, &e) < 0)
				goto fail;
		}
	}
	if (steer_after)
		steer(&d, steer_after);
	rc = d.failed ? 1 : 0;
	goto out;
fail:
	fprintf(stderr, "agent-drive: %s\n", e.msg);
	rc = 2;
out:
	if (loop)
		loop_timer_disarm(loop, &d.interrupt_timer);
	agent_free(d.agent);
	loop_free(loop);
	config_free(cfg);
	strv_free(&overrides);
	strv_free(&d.decisions);
	strv_free(&d.steps);
	strv_free(&d.steer_on);
	strv_free(&d.steer_text);
	return rc;
}
