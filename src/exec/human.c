/* `codex exec` for people (reference codex-agent-exec.md §5.3, checked against what
 * upstream 0.118 prints): a header, then each step under its own heading on stderr; the
 * final answer alone on stdout, so that it can be piped. A command's output is shown
 * whole (as 0.118 does), followed by a blank line; a patch lists the files it touched,
 * and the turn's diff follows each patch and each model response after one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "exec/internal.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define MAGENTA "\033[35m"
#define CYAN "\033[36m"
#define RESET "\033[0m"

static const char *c_(const struct exec_front *f, const char *code)
{
	return f->color ? code : "";
}

static void heading(struct exec_front *f, const char *code, const char *title)
{
	fprintf(f->err, "%s%s%s\n", c_(f, code), title, c_(f, RESET));
}

void exec_front_header(struct exec_front *f, const struct exec_header *h,
		       const char *session_id)
{
	if (f->json)
		return;
	fprintf(f->err, "Codex v%s (codex in C)\n--------\n", h->version);
	fprintf(f->err, "%sworkdir:%s %s\n", c_(f, BOLD), c_(f, RESET), h->workdir);
	fprintf(f->err, "%smodel:%s %s\n", c_(f, BOLD), c_(f, RESET), h->model);
	fprintf(f->err, "%sprovider:%s %s\n", c_(f, BOLD), c_(f, RESET), h->provider);
	fprintf(f->err, "%sapproval:%s %s\n", c_(f, BOLD), c_(f, RESET), h->approval);
	fprintf(f->err, "%ssandbox:%s %s\n", c_(f, BOLD), c_(f, RESET), h->sandbox);
	fprintf(f->err, "%sreasoning effort:%s %s\n", c_(f, BOLD), c_(f, RESET),
		h->effort ? h->effort : "none");
	fprintf(f->err, "%sreasoning summaries:%s %s\n", c_(f, BOLD), c_(f, RESET),
		h->summaries ? h->summaries : "none");
	fprintf(f->err, "%ssession id:%s %s\n--------\n", c_(f, BOLD), c_(f, RESET), session_id);
	heading(f, CYAN, "user");
	fprintf(f->err, "%s\n", h->prompt);
}

/* The whole output, dimmed, then a blank line (nothing for no output). */
static void show_output(struct exec_front *f, const char *out)
{
	size_t n;

	if (!out || !*out)
		return;
	n = strlen(out);
	fprintf(f->err, "%s%s%s%s\n", c_(f, DIM), out, out[n - 1] == '\n' ? "" : "\n", c_(f, RESET));
}

static long duration_ms(const cJSON *m)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "duration");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(d, "secs");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(d, "nanos");

	return (cJSON_IsNumber(s) ? (long)s->valuedouble * 1000 : 0) +
	       (cJSON_IsNumber(n) ? (long)(n->valuedouble / 1e6) : 0);
}

static void plan(struct exec_front *f, const cJSON *m)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(m, "plan"), *s;
	const char *expl = exec_str(m, "explanation");

	if (expl && *expl)
		fprintf(f->err, "%s\n", expl);
	cJSON_ArrayForEach(s, steps) {
		const char *st = exec_str(s, "status"), *text = exec_str(s, "step");
		const char *mark = !st ? "\xe2\x80\xa2"
				   : strcmp(st, "completed") == 0 ? "\xe2\x9c\x93"
				   : strcmp(st, "in_progress") == 0 ? "\xe2\x86\x92" : "\xe2\x80\xa2";
		fprintf(f->err, "  %s %s\n", mark, text ? text : "");
	}
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* "apply patch", the outcome, then the touched files in order. */
static void patch_end(struct exec_front *f, const cJSON *m)
{
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(m, "changes"), *ch;
	bool ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "success"));
	const char **names;
	size_t n = 0;

	heading(f, MAGENTA, "apply patch");
	fprintf(f->err, "%spatch: %s%s\n", c_(f, ok ? GREEN : RED), ok ? "completed" : "failed",
		c_(f, RESET));
	cJSON_ArrayForEach(ch, changes)
		n++;
	names = calloc(n ? n : 1, sizeof *names);
	n = 0;
	cJSON_ArrayForEach(ch, changes)
		if (names && ch->string)
			names[n++] = ch->string;
	if (names)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; names && i < n; i++)
		fprintf(f->err, "%s\n", names[i]);
	free(names);
	if (!ok)
		show_output(f, exec_str(m, "stderr"));
}

/* The turn's diff so far, + and - lines coloured. */
static void turn_diff(struct exec_front *f, const char *diff)
{
	if (!diff)
		return;
	for (const char *p = diff; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *col = *p == '+' && strncmp(p, "+++", 3) ? GREEN
				  : *p == '-' && strncmp(p, "---", 3) ? RED : "";
		fprintf(f->err, "%s%.*s%s\n", c_(f, col), (int)n, p, *col ? c_(f, RESET) : "");
		p = nl ? nl + 1 : p + n;
	}
	fputc('\n', f->err);
}

/* server.tool(arguments), as upstream's exec prints an MCP invocation. */
static char *invocation_text(const cJSON *m)
{
	const cJSON *inv = cJSON_GetObjectItemCaseSensitive(m, "invocation");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(inv, "arguments");
	char *a = args && !cJSON_IsNull(args) ? cJSON_PrintUnformatted(args) : NULL, *out;
	const char *server = exec_str(inv, "server"), *tool = exec_str(inv, "tool");
	size_t n = (server ? strlen(server) : 0) + (tool ? strlen(tool) : 0) +
		   (a ? strlen(a) : 0) + 8;

	out = malloc(n);
	if (out)
		snprintf(out, n, "%s.%s(%s)", server ? server : "", tool ? tool : "", a ? a : "");
	free(a);
	return out;
}

static void mcp_startup(struct exec_front *f, const cJSON *m)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(m, "status");
	const char *state = exec_str(st, "state"), *err = exec_str(st, "error");

	if (state && strcmp(state, "failed") == 0)
		fprintf(f->err, "%smcp:%s %s failed: %s\n", c_(f, CYAN), c_(f, RESET),
			exec_str(m, "server"), err ? err : "");
	else
		fprintf(f->err, "%smcp:%s %s %s\n", c_(f, CYAN), c_(f, RESET), exec_str(m, "server"),
			state ? state : "");
}

/* "mcp startup: ready: a, b; failed: c" (upstream's exec line). */
static void mcp_summary(struct exec_front *f, const cJSON *m)
{
	static const char *const parts[] = {"ready", "failed", "cancelled"};
	bool any = false;

	fprintf(f->err, "%smcp startup:%s", c_(f, CYAN), c_(f, RESET));
	for (size_t i = 0; i < 3; i++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(m, parts[i]), *x;
		bool first = true;
		if (!cJSON_GetArraySize(list))
			continue;
		fprintf(f->err, "%s %s:", any ? ";" : "", parts[i]);
		cJSON_ArrayForEach(x, list) {
			const char *name = cJSON_IsString(x) ? x->valuestring : exec_str(x, "server");
			fprintf(f->err, "%s %s", first ? "" : ",", name ? name : "");
			first = false;
		}
		any = true;
	}
	fprintf(f->err, "%s\n", any ? "" : " no servers");
}

static void mcp_call_end(struct exec_front *f, const cJSON *m)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "result");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "Ok");
	bool success = ok && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ok, "isError"));
	char *inv = invocation_text(m), *res = ok ? json_print(ok, true) : NULL;

	fprintf(f->err, "%s%s %s in %ldms:%s\n", c_(f, success ? GREEN : RED), inv ? inv : "",
		success ? "success" : "failed", duration_ms(m), c_(f, RESET));
	show_output(f, res ? res : exec_str(r, "Err"));
	free(inv);
	free(res);
}

void exec_human_event(struct exec_front *f, const struct agent_event *ev)
{
	const cJSON *m = ev->msg;
	char *line;

	switch (ev->kind) {
	case AGENT_EV_AGENT_REASONING:
		heading(f, MAGENTA, "thinking");
		fprintf(f->err, "%s\n", exec_str(m, "text") ? exec_str(m, "text") : "");
		break;
	case AGENT_EV_AGENT_MESSAGE:
		heading(f, MAGENTA, "codex");
		fprintf(f->err, "%s\n", exec_str(m, "message") ? exec_str(m, "message") : "");
		break;
	case AGENT_EV_EXEC_COMMAND_BEGIN:
		line = exec_command_line(m);
		heading(f, MAGENTA, "exec");
		fprintf(f->err, "%s%s%s in %s\n", c_(f, BOLD), line ? line : "", c_(f, RESET),
			exec_str(m, "cwd") ? exec_str(m, "cwd") : "");
		free(line);
		break;
	case AGENT_EV_EXEC_COMMAND_END: {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "exit_code");
		int rc = cJSON_IsNumber(code) ? (int)code->valuedouble : -1;
		if (rc == 0)
			fprintf(f->err, "%s succeeded in %ldms:%s\n", c_(f, GREEN), duration_ms(m),
				c_(f, RESET));
		else
			fprintf(f->err, "%s exited %d in %ldms:%s\n", c_(f, RED), rc, duration_ms(m),
				c_(f, RESET));
		show_output(f, exec_str(m, "aggregated_output"));
		break;
	}
	case AGENT_EV_PATCH_APPLY_END:
		patch_end(f, m);
		break;
	case AGENT_EV_TURN_DIFF:
		turn_diff(f, exec_str(m, "unified_diff"));
		break;
	case AGENT_EV_PLAN_UPDATE:
		plan(f, m);
		break;
	case AGENT_EV_WEB_SEARCH_END:
		fprintf(f->err, "\xf0\x9f\x8c\x90 Searched: %s\n",
			exec_str(m, "query") ? exec_str(m, "query") : "");
		break;
	case AGENT_EV_STREAM_ERROR:
		fprintf(f->err, "%s%s%s\n", c_(f, DIM), exec_str(m, "message"), c_(f, RESET));
		break;
	case AGENT_EV_ERROR:
		fprintf(f->err, "%sERROR:%s %s\n", c_(f, RED), c_(f, RESET),
			exec_str(m, "message") ? exec_str(m, "message") : "");
		break;
	case AGENT_EV_WARNING:
		fprintf(f->err, "warning: %s\n", exec_str(m, "message") ? exec_str(m, "message") : "");
		break;
	case AGENT_EV_MCP_STARTUP_UPDATE:
		mcp_startup(f, m);
		break;
	case AGENT_EV_MCP_STARTUP_COMPLETE:
		mcp_summary(f, m);
		break;
	case AGENT_EV_MCP_TOOL_CALL_BEGIN:
		line = invocation_text(m);
		heading(f, MAGENTA, "tool");
		fprintf(f->err, "%s%s%s\n", c_(f, BOLD), line ? line : "", c_(f, RESET));
		free(line);
		break;
	case AGENT_EV_MCP_TOOL_CALL_END:
		mcp_call_end(f, m);
		break;
	case AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN:
	case AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN:
	case AGENT_EV_COLLAB_WAITING_BEGIN:
	case AGENT_EV_COLLAB_CLOSE_BEGIN:
	case AGENT_EV_COLLAB_RESUME_BEGIN:
		/* upstream prints the tool's Rust name */
		fprintf(f->err, "%scollab:%s %s\n", c_(f, BOLD), c_(f, RESET),
			ev->kind == AGENT_EV_COLLAB_AGENT_SPAWN_BEGIN	      ? "SpawnAgent"
			: ev->kind == AGENT_EV_COLLAB_AGENT_INTERACTION_BEGIN ? "SendInput"
			: ev->kind == AGENT_EV_COLLAB_WAITING_BEGIN	      ? "Wait"
			: ev->kind == AGENT_EV_COLLAB_RESUME_BEGIN	      ? "ResumeAgent"
									      : "CloseAgent");
		break;
	case AGENT_EV_TURN_ABORTED:
		fprintf(f->err, "%stask interrupted%s\n", c_(f, RED), c_(f, RESET));
		break;
	case AGENT_EV_TASK_COMPLETE:
		if (f->total_tokens || f->input_tokens || f->output_tokens) {
			/* Upstream's blended total: input not read from the cache, plus output. */
			long long n = (long long)(f->input_tokens - f->cached_tokens + f->output_tokens);
			char digits[32], grouped[48];
			int len = snprintf(digits, sizeof digits, "%lld", n), j = 0;
			for (int i = 0; i < len; i++) {
				if (i && (len - i) % 3 == 0)
					grouped[j++] = ',';
				grouped[j++] = digits[i];
			}
			grouped[j] = '\0';
			heading(f, MAGENTA, "tokens used");
			fprintf(f->err, "%s\n", grouped);
		}
		if (f->last_message) {
			fprintf(f->out, "%s\n", f->last_message);
			fflush(f->out);
		}
		break;
	default:
		break;
	}
	fflush(f->err);
}
