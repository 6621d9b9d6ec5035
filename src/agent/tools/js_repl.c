/* The js_repl and js_repl_reset tools (agent/js_repl.h): their specs, the kernel's
 * lifetime (started by the first cell, kept across turns, ended by a reset, a timeout,
 * an interrupt or the session's end) and the line protocol with it. One cell runs at a
 * time, as upstream's exec lock has it: calls that arrive meanwhile wait in order.
 * A cell may call the session's other tools (codex.tool: nested calls of the turn,
 * through the same approvals and sandbox) and add images to its output
 * (codex.emitImage); its answer waits until its nested calls are over, as upstream's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/js_repl.h"
#include "agent/proc.h"
#include "agent/tools/tools.h"
#include "base/json.h"

/* Calls waiting behind the running cell: a model sends a few at most in one response;
 * more are refused rather than queued without bound. */
#define JS_REPL_QUEUE_MAX 64
/* The model's budget for one cell's log: upstream's 10,000 tokens for tool output. */
#define JS_REPL_OUTPUT_TOKENS 10000

/* One kernel process. A kernel that is stopped (reset, timeout, interrupt, exit) is
 * only marked dead at once, its events ignored from then on, and freed by the reaper
 * on the loop's next turn: it may be stopped from inside its own output callback,
 * where freeing it would pull the stream from under the reader. */
struct kernel {
	struct js_repl *r;
	struct proc *proc;
	struct net_gate *gate;          /* its proxy's questions, or NULL */
	bool dead;
	struct kernel *next_dead;
};

struct js_repl {
	struct agent *a;
	char *node;                     /* the checked Node binary */
	char *tmp_dir;                  /* the kernels' CODEX_JS_TMP_DIR, or NULL */
	struct kernel *k;               /* the live kernel, or NULL */
	struct kernel *dead;            /* stopped kernels waiting for the reaper */
	struct loop_timer reaper;
	struct buf line;                /* stdout not yet ended by a newline */
	char tail[JS_REPL_STDERR_TAIL_BYTES]; /* the last stderr bytes, a ring */
	size_t tail_len, tail_at;
	struct tool_call *call;         /* the cell running, or NULL */
	char exec_id[32];
	uint64_t started_ms;
	struct loop_timer timer;
	unsigned long next_id;
	struct tool_call *queue[JS_REPL_QUEUE_MAX];
	size_t n_queue;
	/* The running cell's codex.tool calls, in order: each with the kernel's id for its
	 * answer; c is NULL once answered (or given up). */
	struct nested {
		struct tool_call *c;
		char *reply_id;
	} *nested;
	size_t n_nested, cap_nested, n_running;
	cJSON *images;                  /* its emitted images (content items), or NULL */
	/* Its answer, kept while its nested calls still run. */
	bool held, held_failed;
	char *held_output;
};

/* ---- specs ------------------------------------------------------------------------ */

/* Upstream's grammar: an optional pragma line, then source whose first significant
 * token is not a JSON object, a quoted string or a markdown fence. */
static const char js_repl_grammar[] =
	"\n"
	"start: pragma_source | plain_source\n"
	"\n"
	"pragma_source: PRAGMA_LINE NEWLINE js_source\n"
	"plain_source: PLAIN_JS_SOURCE\n"
	"\n"
	"js_source: JS_SOURCE\n"
	"\n"
	"PRAGMA_LINE: /[ \\t]*\\/\\/ codex-js-repl:[^\\r\\n]*/\n"
	"NEWLINE: /\\r?\\n/\n"
	"PLAIN_JS_SOURCE: /(?:\\s*)(?:[^\\s{\\\"`]|`[^`]|``[^`])[\\s\\S]*/\n"
	"JS_SOURCE: /(?:\\s*)(?:[^\\s{\\\"`]|`[^`]|``[^`])[\\s\\S]*/\n";

static const char js_repl_description[] =
	"Runs JavaScript in a persistent Node kernel with top-level await. This is a freeform "
	"tool: send raw JavaScript source text, optionally with a first-line pragma like "
	"`// codex-js-repl: timeout_ms=15000`; do not send JSON/quotes/markdown fences.";

static const char js_repl_reset_json[] =
	"{\"type\":\"function\",\"name\":\"js_repl_reset\","
	"\"description\":\"Restarts the js_repl kernel for this run and clears persisted "
	"top-level bindings.\",\"strict\":false,\"parameters\":{\"type\":\"object\","
	"\"properties\":{},\"additionalProperties\":false}}";

bool js_repl_enabled(const struct agent *a)
{
	return a->jsr != NULL;
}

bool js_repl_tools_only(const struct agent *a)
{
	return a->jsr && config_feature(a->cfg, "js_repl_tools_only", false);
}

bool js_repl_specs_add(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject(), *fmt, *reset;

	if (!o || !cJSON_AddStringToObject(o, "type", "custom") ||
	    !cJSON_AddStringToObject(o, "name", "js_repl") ||
	    !cJSON_AddStringToObject(o, "description", js_repl_description) ||
	    !(fmt = cJSON_AddObjectToObject(o, "format")) ||
	    !cJSON_AddStringToObject(fmt, "type", "grammar") ||
	    !cJSON_AddStringToObject(fmt, "syntax", "lark") ||
	    !cJSON_AddStringToObject(fmt, "definition", js_repl_grammar) ||
	    !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	reset = cJSON_Parse(js_repl_reset_json);
	if (!reset || !cJSON_AddItemToArray(arr, reset)) {
		cJSON_Delete(reset);
		return false;
	}
	return true;
}

/* What the model is told about the REPL, in the user instructions (upstream puts a
 * section there too); our words, upstream's facts. */
const char js_repl_instructions[] =
	"## JavaScript REPL (Node)\n"
	"- Use `js_repl` for Node-backed JavaScript with top-level await in a persistent "
	"kernel.\n"
	"- `js_repl` is a freeform/custom tool. Direct `js_repl` calls must send raw "
	"JavaScript tool input (optionally with first-line `// codex-js-repl: "
	"timeout_ms=15000`). Do not wrap code in JSON (for example `{\"code\":\"...\"}`), "
	"quotes, or markdown code fences.\n"
	"- Helpers: `codex.cwd`, `codex.homeDir`, `codex.tmpDir`, `codex.tool(name, args?)`, "
	"and `codex.emitImage(imageLike)`.\n"
	"- `codex.tool` executes a normal tool call and resolves to the raw tool output "
	"object. Use it for shell and non-shell tools alike. Nested tool outputs stay inside "
	"JavaScript unless you emit them explicitly.\n"
	"- `codex.emitImage(...)` adds one image to the outer `js_repl` function output each "
	"time you call it, so you can call it multiple times to emit multiple images. It "
	"accepts a data URL, a single `input_image` item, an object like `{ bytes, mimeType "
	"}`, or a raw tool response object with exactly one image and no text. It rejects "
	"mixed text-and-image content.\n"
	"- `codex.tool(...)` and `codex.emitImage(...)` keep stable helper identities across "
	"cells. Saved references and persisted objects can reuse them in later cells, but "
	"async callbacks that fire after a cell finishes still fail because no exec is "
	"active.\n"
	"- Example of sharing a local image tool result: `await "
	"codex.emitImage(codex.tool(\"view_image\", { path: \"/absolute/path\" }))`.\n"
	"- When encoding an image to send with `codex.emitImage(...)` or `view_image`, prefer "
	"JPEG at about 85 quality when lossy compression is acceptable; use PNG when "
	"transparency or lossless detail matters. Smaller uploads are faster and less likely "
	"to hit size limits.\n"
	"- What a cell prints with `console.log` (and the other console methods) is what you "
	"get back; the value of the last expression is not returned.\n"
	"- Top-level bindings persist across cells, also after a cell that threw. If you hit "
	"`SyntaxError: Identifier 'x' has already been declared`, reuse or reassign the "
	"binding, or pick a new name. Reset the kernel with `js_repl_reset` only when you "
	"need a clean state.\n"
	"- Use `require(...)` or `await import(...)` for modules; static `import` "
	"declarations are not supported.\n"
	"- The kernel runs under the same sandbox as your shell commands.\n";
const char js_repl_instructions_tools_only[] =
	"- Do not call tools directly; use `js_repl` + `codex.tool(...)` for all tool calls, "
	"including shell commands.\n"
	"- MCP tools (if any) can also be called by name via `codex.tool(...)`.\n";
const char js_repl_instructions_end[] =
	"- Avoid direct access to `process.stdout` / `process.stderr` / `process.stdin`; it "
	"can corrupt the JSON line protocol. Use `console.log`, `codex.tool(...)`, and "
	"`codex.emitImage(...)`.";

/* ---- the kernel --------------------------------------------------------------------- */

static void tail_add(struct js_repl *r, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		r->tail[r->tail_at] = d[i];
		r->tail_at = (r->tail_at + 1) % sizeof r->tail;
		if (r->tail_len < sizeof r->tail)
			r->tail_len++;
	}
}

/* Upstream's diagnostics for a kernel that went away mid-cell, our fields' values. */
static char *diagnostics(struct js_repl *r, const char *base, const char *reason,
			 const struct sandbox_result *res)
{
	char status[64];
	size_t start = (r->tail_at + sizeof r->tail - r->tail_len) % sizeof r->tail;
	cJSON *o = cJSON_CreateObject();
	struct buf b, tail;
	char *enc = NULL;
	bool at_line_start = true;

	/* Its non-empty lines joined with " | ", as upstream shows its stderr tail. */
	buf_init(&tail, 4 * JS_REPL_STDERR_TAIL_BYTES);
	for (size_t i = 0; i < r->tail_len; i++) {
		char ch = r->tail[(start + i) % sizeof r->tail];
		if (ch == '\n' || ch == '\r') {
			at_line_start = true;
			continue;
		}
		if (at_line_start && tail.len && buf_puts(&tail, " | ") < 0)
			break;
		at_line_start = false;
		if (buf_putc(&tail, ch) < 0)
			break;
	}
	if (!res)
		snprintf(status, sizeof status, "running");
	else if (res->outcome != SANDBOX_RAN)
		snprintf(status, sizeof status, "failed to start");
	else if (res->exit_code > 128)
		snprintf(status, sizeof status, "exited(signal=%d)", res->exit_code - 128);
	else
		snprintf(status, sizeof status, "exited(code=%d)", res->exit_code);
	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	if (o && json_add_str(o, "reason", reason) == 0 &&
	    cJSON_AddNullToObject(o, "stream_error") &&
	    json_add_str(o, "kernel_status", status) == 0 &&
	    json_add_str(o, "kernel_stderr_tail", tail.len ? tail.data : "<empty>") == 0)
		enc = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	buf_free(&tail);
	if (buf_printf(&b, "%s", base) < 0 ||
	    (enc && buf_printf(&b, "\n\njs_repl diagnostics: %s", enc) < 0) ||
	    (res && res->outcome != SANDBOX_RAN && buf_printf(&b, "\n%s", res->detail.msg) < 0))
		buf_free(&b);
	free(enc);
	return b.data ? buf_take(&b) : NULL;
}

static void emit_end(struct js_repl *r, struct tool_call *c, const char *output, bool failed)
{
	struct agent *a = r->a;
	cJSON *m = cJSON_CreateObject();

	if (m && (!cJSON_AddStringToObject(m, "call_id", c->call_id) ||
		  !cJSON_AddStringToObject(m, "turn_id", c->turn->id))) {
		cJSON_Delete(m);
		m = NULL;
	}
	agent_emit_exec_end(a, m, output, failed ? 1 : 0, loop_now(a->loop) - r->started_ms,
			    output);
}

static void run_next(struct js_repl *r);

/* A cell's log as the model reads it: cut to JS_REPL_OUTPUT_TOKENS the way command
 * output is (upstream truncates every tool output to the turn's budget). Takes text. */
static char *for_model(char *text)
{
	struct buf b;

	if (!text || output_tokens(strlen(text)) <= JS_REPL_OUTPUT_TOKENS)
		return text;
	buf_init(&b, LIMIT_HTTP_BODY_BYTES);
	if (output_truncate(&b, text, strlen(text), JS_REPL_OUTPUT_TOKENS) < 0) {
		buf_free(&b);
		return text;
	}
	free(text);
	return buf_take(&b);
}

/* ---- the cell's nested calls and images ------------------------------------------ */

/* One line to the kernel; takes m. A kernel that cannot take it (its queue is full, it
 * is gone) never answers the cell, whose time limit then resets it. */
static void send_msg(struct js_repl *r, cJSON *m)
{
	char *text = m ? cJSON_PrintUnformatted(m) : NULL;
	struct err e;
	size_t n;

	cJSON_Delete(m);
	if (!text)
		return;
	n = strlen(text);
	text[n] = '\n'; /* over the NUL: the line is written with its end in one piece */
	if (r->k && !r->k->dead)
		(void)proc_write(r->k->proc, text, n + 1, &e);
	free(text);
}

/* {"type":"run_tool_result","id","ok","response","error"}; takes response. */
static void reply_tool(struct js_repl *r, const char *id, cJSON *response, const char *error)
{
	cJSON *m = cJSON_CreateObject();
	cJSON *resp = response ? response : cJSON_CreateNull();
	cJSON *why = error ? cJSON_CreateString(error) : cJSON_CreateNull();

	if (!m || !resp || !why || json_add_str(m, "type", "run_tool_result") < 0 ||
	    json_add_str(m, "id", id) < 0 || !cJSON_AddBoolToObject(m, "ok", !error) ||
	    !cJSON_AddItemToObject(m, "response", resp))
		goto fail;
	resp = NULL;
	if (!cJSON_AddItemToObject(m, "error", why))
		goto fail;
	send_msg(r, m);
	return;
fail:
	cJSON_Delete(resp);
	cJSON_Delete(why);
	cJSON_Delete(m);
}

static void reply_image(struct js_repl *r, const char *id, const char *error)
{
	cJSON *m = cJSON_CreateObject();
	cJSON *why = error ? cJSON_CreateString(error) : cJSON_CreateNull();

	if (!m || !why || json_add_str(m, "type", "emit_image_result") < 0 ||
	    json_add_str(m, "id", id) < 0 || !cJSON_AddBoolToObject(m, "ok", !error) ||
	    !cJSON_AddItemToObject(m, "error", why)) {
		cJSON_Delete(why);
		cJSON_Delete(m);
		return;
	}
	send_msg(r, m);
}

/* What codex.tool resolves to: the output item the model would have read, as upstream
 * serializes it ({"type":"function_call_output"|"custom_tool_call_output","call_id",
 * "output": text or content items}), or for an MCP tool {"type":"mcp_tool_call_output",
 * "call_id","output": the server's CallToolResult}. */
static cJSON *tool_response(const struct tool_call *c)
{
	cJSON *o = cJSON_CreateObject(), *out;
	const char *type = c->mcp_result       ? "mcp_tool_call_output"
			   : c->kind == TOOL_CUSTOM ? "custom_tool_call_output"
						    : "function_call_output";

	out = c->mcp_result     ? cJSON_Duplicate(c->mcp_result, 1)
	      : c->output_items ? cJSON_Duplicate(c->output_items, 1)
				: cJSON_CreateString(c->output ? c->output : "");
	if (!o || !out || json_add_str(o, "type", type) < 0 ||
	    json_add_str(o, "call_id", c->call_id) < 0 || !cJSON_AddItemToObject(o, "output", out)) {
		cJSON_Delete(out);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void cell_done(struct js_repl *r, char *output, bool failed);

/* A nested call ended: its answer goes to the cell, and the cell's own answer, when it
 * was waiting for the last of them, to the model. */
static void nested_done(struct tool_call *c)
{
	struct js_repl *r = c->finish_arg;
	struct nested *n = NULL;
	cJSON *response = NULL;
	char *out;

	for (size_t i = 0; i < r->n_nested && !n; i++)
		if (r->nested[i].c == c)
			n = &r->nested[i];
	if (!n)
		return; /* given up: the cell is over */
	n->c = NULL;
	r->n_running--;
	if (c->failed)
		reply_tool(r, n->reply_id, NULL, c->output);
	else if (!(response = tool_response(c)))
		reply_tool(r, n->reply_id, NULL, "out of memory");
	else
		reply_tool(r, n->reply_id, response, NULL);
	/* The model never reads it: the cell has it now. */
	free(c->output);
	c->output = NULL;
	cJSON_Delete(c->output_items);
	c->output_items = NULL;
	if (r->held && r->n_running == 0) {
		out = r->held_output;
		r->held_output = NULL;
		r->held = false;
		cell_done(r, out, r->held_failed);
	}
}

/* The cell is over before its nested calls: they are stopped (the tools that cannot be
 * are left to end on their own, unheard), their answers dropped. */
static void nested_cancel(struct js_repl *r)
{
	for (size_t i = 0; i < r->n_nested; i++) {
		struct tool_call *c = r->nested[i].c;
		if (!c)
			continue;
		r->nested[i].c = NULL;
		r->n_running--;
		if (c->cancel)
			c->cancel(c);
		if (!c->done)
			tool_call_finish(c, strdup("aborted"));
	}
}

/* Forgets the cell's nested calls, images and held answer. */
static void cell_clear(struct js_repl *r)
{
	for (size_t i = 0; i < r->n_nested; i++)
		free(r->nested[i].reply_id);
	free(r->nested);
	r->nested = NULL;
	r->n_nested = r->cap_nested = r->n_running = 0;
	cJSON_Delete(r->images);
	r->images = NULL;
	free(r->held_output);
	r->held_output = NULL;
	r->held = r->held_failed = false;
}

/* The cell's output with its images: [{"type":"input_text"} (when there is text),
 * {"type":"input_image"}...], as upstream's. Takes images; NULL when memory runs out. */
static cJSON *with_images(const char *text, cJSON *images)
{
	cJSON *items = cJSON_CreateArray(), *t, *img;

	if (!items)
		goto fail;
	if (*text) {
		if (!(t = cJSON_CreateObject()) || !cJSON_AddItemToArray(items, t) ||
		    json_add_str(t, "type", "input_text") < 0 || json_add_str(t, "text", text) < 0)
			goto fail;
	}
	/* Adding to an array fails only for NULL arguments. */
	while ((img = cJSON_DetachItemFromArray(images, 0)))
		cJSON_AddItemToArray(items, img);
	cJSON_Delete(images);
	return items;
fail:
	cJSON_Delete(items);
	cJSON_Delete(images);
	return NULL;
}

/* The running cell is over: its answer goes to the model, the next one starts. */
static void cell_done(struct js_repl *r, char *output, bool failed)
{
	struct tool_call *c = r->call;

	nested_cancel(r);
	r->call = NULL;
	loop_timer_disarm(r->a->loop, &r->timer);
	if (c) {
		c->cancel = NULL;
		c->state = NULL;
		emit_end(r, c, output ? output : "", failed);
		output = for_model(output);
		if (!failed && r->images && output) {
			c->output_items = with_images(output, r->images);
			r->images = NULL;
		}
		tool_call_finish(c, output);
	} else {
		free(output);
	}
	cell_clear(r);
	run_next(r);
}

static void kernel_free(struct kernel *k)
{
	proc_free(k->proc);
	net_gate_free(k->gate);
	free(k);
}

static void reap(struct loop *l, struct loop_timer *t)
{
	struct js_repl *r = (struct js_repl *)((char *)t - offsetof(struct js_repl, reaper));

	(void)l;
	while (r->dead) {
		struct kernel *k = r->dead;
		r->dead = k->next_dead;
		kernel_free(k);
	}
}

/* Ends the live kernel: its events are ignored from now on, its process is killed (with
 * everything it started) on the loop's next turn. The next cell starts a fresh one. */
static void kernel_stop(struct js_repl *r)
{
	struct kernel *k = r->k;

	buf_reset(&r->line);
	r->tail_len = r->tail_at = 0;
	if (!k)
		return;
	r->k = NULL;
	k->dead = true;
	k->next_dead = r->dead;
	r->dead = k;
	if (loop_timer_arm(r->a->loop, &r->reaper, loop_now(r->a->loop), reap) < 0) {
		/* No timer (the loop's cap): stop it here instead; only reached from
		 * outside its callbacks in practice, as the cap is far away. */
		r->dead = k->next_dead;
		kernel_free(k);
	}
}

/* Is the running cell the one asking (and still waiting for its code to end)? */
static bool cell_asks(const struct js_repl *r, const char *exec_id)
{
	return r->call && !r->held && strcmp(exec_id, r->exec_id) == 0;
}

/* Is name one of the session's freeform tools (its input is raw text)? */
static bool freeform_tool(const struct agent *a, const char *name)
{
	const cJSON *spec;

	cJSON_ArrayForEach(spec, a->tools) {
		const cJSON *ty = cJSON_GetObjectItemCaseSensitive(spec, "type");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(spec, "name");
		if (cJSON_IsString(ty) && cJSON_IsString(n) && strcmp(ty->valuestring, "custom") == 0 &&
		    strcmp(n->valuestring, name) == 0)
			return true;
	}
	return false;
}

/* codex.tool(name, args): a call of the turn, made as the model would make it (a
 * freeform tool gets the arguments as its input), answered when it ends. */
static void on_run_tool(struct js_repl *r, const struct js_repl_reply *rep)
{
	struct agent *a = r->a;
	bool custom;
	char call_id[64], msg[128];
	char *reply_id = NULL;
	struct tool_call *c;
	cJSON *item;

	if (!cell_asks(r, rep->exec_id)) {
		reply_tool(r, rep->id, NULL, "js_repl exec context not found");
		return;
	}
	if (strcmp(rep->tool_name, "js_repl") == 0 || strcmp(rep->tool_name, "js_repl_reset") == 0) {
		reply_tool(r, rep->id, NULL, "js_repl cannot invoke itself");
		return;
	}
	if (r->n_nested == JS_REPL_TOOL_CALLS_MAX) {
		snprintf(msg, sizeof msg, "js_repl tool call limit reached: at most %d codex.tool "
					  "calls per cell",
			 JS_REPL_TOOL_CALLS_MAX);
		reply_tool(r, rep->id, NULL, msg);
		return;
	}
	if (r->n_nested == r->cap_nested) {
		size_t cap = r->cap_nested ? 2 * r->cap_nested : 8;
		struct nested *v = realloc(r->nested, cap * sizeof *v);
		if (!v) {
			reply_tool(r, rep->id, NULL, "out of memory");
			return;
		}
		r->nested = v;
		r->cap_nested = cap;
	}
	/* Our own call id, unique in the session: the kernel's could be forged by a cell
	 * writing to stdout, and approvals find a call by its id. */
	snprintf(call_id, sizeof call_id, "%s-tool-%zu", r->exec_id, r->n_nested);
	custom = !tool_is_mcp(a, rep->tool_name) && freeform_tool(a, rep->tool_name);
	item = cJSON_CreateObject();
	reply_id = strdup(rep->id);
	if (!reply_id || !item ||
	    json_add_str(item, "type", custom ? "custom_tool_call" : "function_call") < 0 ||
	    json_add_str(item, "call_id", call_id) < 0 ||
	    json_add_str(item, "name", rep->tool_name) < 0 ||
	    json_add_str(item, custom ? "input" : "arguments", rep->arguments) < 0) {
		cJSON_Delete(item);
		goto oom;
	}
	if (!(c = turn_call_nested(r->call->turn, item, nested_done, r)))
		goto oom; /* it took the item */
	r->nested[r->n_nested].c = c;
	r->nested[r->n_nested++].reply_id = reply_id;
	r->n_running++;
	tools_dispatch(c);
	return;
oom:
	free(reply_id);
	reply_tool(r, rep->id, NULL, "out of memory");
}

static bool is_data_url(const char *s)
{
	static const char scheme[] = "data:";

	for (size_t i = 0; i < sizeof scheme - 1; i++)
		if (!s[i] || (s[i] | 0x20) != scheme[i])
			return false;
	return true;
}

/* codex.emitImage(...): one more image for the cell's output. The kernel checked it as
 * upstream's does; checked again here, the kernel being the cell's to break. */
static void on_emit_image(struct js_repl *r, const struct js_repl_reply *rep)
{
	char msg[192];
	size_t len = strlen(rep->image_url);
	cJSON *img;

	if (!cell_asks(r, rep->exec_id)) {
		reply_image(r, rep->id, "js_repl exec context not found");
		return;
	}
	if (!is_data_url(rep->image_url)) {
		reply_image(r, rep->id, "codex.emitImage only accepts data URLs");
		return;
	}
	if (len > JS_REPL_IMAGE_URL_MAX_BYTES) {
		snprintf(msg, sizeof msg, "codex.emitImage image is too large: %zu bytes as a data "
					  "URL (at most %d); send a smaller image or JPEG",
			 len, JS_REPL_IMAGE_URL_MAX_BYTES);
		reply_image(r, rep->id, msg);
		return;
	}
	if (r->images && cJSON_GetArraySize(r->images) >= JS_REPL_IMAGES_MAX) {
		snprintf(msg, sizeof msg, "codex.emitImage image limit reached: at most %d images "
					  "per cell",
			 JS_REPL_IMAGES_MAX);
		reply_image(r, rep->id, msg);
		return;
	}
	/* detail "original" is dropped, as upstream drops it for a model that cannot take
	 * it: we offer none that can. */
	if ((!r->images && !(r->images = cJSON_CreateArray())) || !(img = cJSON_CreateObject()) ||
	    !cJSON_AddItemToArray(r->images, img) || json_add_str(img, "type", "input_image") < 0 ||
	    json_add_str(img, "image_url", rep->image_url) < 0) {
		reply_image(r, rep->id, "out of memory");
		return;
	}
	reply_image(r, rep->id, NULL);
}

/* The cell's answer; held while its nested calls still run. */
static void on_exec_result(struct js_repl *r, struct js_repl_reply *rep)
{
	bool ok = rep->ok;
	char *text;

	if (!r->call || r->held || strcmp(rep->id, r->exec_id) != 0)
		return;
	/* The kernel is exiting: the next cell must not be sent to it. */
	if (rep->fatal)
		kernel_stop(r);
	if (ok) {
		text = rep->output;
		rep->output = NULL;
	} else {
		text = rep->error ? rep->error : strdup("js_repl execution failed");
		rep->error = NULL;
	}
	if (r->n_running && !rep->fatal) {
		r->held = true;
		r->held_failed = !ok;
		r->held_output = text;
		return;
	}
	cell_done(r, text, !ok);
}

static void on_line(struct js_repl *r, const char *line, size_t len)
{
	struct js_repl_reply rep;
	int got = js_repl_parse_reply(line, len, &rep);

	if (got <= 0)
		return; /* not ours (a cell wrote to process.stdout), or no memory */
	switch (rep.kind) {
	case JS_REPL_MSG_EXEC_RESULT:
		on_exec_result(r, &rep);
		break;
	case JS_REPL_MSG_RUN_TOOL:
		on_run_tool(r, &rep);
		break;
	case JS_REPL_MSG_EMIT_IMAGE:
		on_emit_image(r, &rep);
		break;
	}
	js_repl_reply_clear(&rep);
}

static void on_output(void *arg, enum proc_stream s, const char *d, size_t n)
{
	struct kernel *k = arg;
	struct js_repl *r = k->r;
	const char *nl;

	if (k->dead)
		return;
	if (s == PROC_STDERR) {
		tail_add(r, d, n);
		return;
	}
	/* A reply may end the cell and start the next, which may stop this kernel. */
	while (n && !k->dead) {
		nl = memchr(d, '\n', n);
		size_t take = nl ? (size_t)(nl - d) : n;
		if (buf_append(&r->line, d, take) < 0) {
			/* Over JS_REPL_REPLY_MAX_BYTES: the kernel is reset, the cell fails. */
			kernel_stop(r);
			cell_done(r,
				  strdup("js_repl kernel output exceeded its limit; kernel "
					 "reset, rerun your request"),
				  true);
			return;
		}
		if (!nl)
			return;
		d += take + 1;
		n -= take + 1;
		on_line(r, r->line.data ? r->line.data : "", r->line.len);
		buf_reset(&r->line);
	}
}

static void on_exited(void *arg, const struct sandbox_result *res)
{
	struct kernel *k = arg;
	struct js_repl *r = k->r;
	char *msg;

	if (k->dead)
		return;
	/* What it printed last was already read. */
	msg = r->call ? diagnostics(r, "js_repl kernel exited unexpectedly", "stdout_eof", res)
		      : NULL;
	kernel_stop(r);
	if (r->call)
		cell_done(r, msg, true);
	else
		free(msg);
}

static int kernel_start(struct js_repl *r, struct err *e)
{
	struct agent *a = r->a;
	struct proc_spec spec;
	struct kernel *k = calloc(1, sizeof *k);
	struct proc_events ev = {k, on_output, on_exited};
	struct strv env = STRV_INIT;
	struct sandbox_proxy proxy = {-1, false, false};
	char *argv[] = {r->node, "-e", (char *)js_repl_kernel_source, NULL};
	const struct strv *dirs = &a->cfg->js_repl_node_module_dirs;
	int rc = -1;

	if (!k)
		return err_set(e, "out of memory");
	k->r = r;
	memset(&spec, 0, sizeof spec);
	spec.policy = &a->policy;
	spec.cwd = a->cwd;
	spec.codex_home = a->cfg->codex_home;
	spec.argv = argv;
	spec.keep_stdin = true;
	/* Answers to codex.tool carry whole tool outputs (images too). */
	spec.stdin_max = JS_REPL_REPLY_MAX_BYTES;
	if (command_env(a, &env, e) < 0)
		goto out;
	if (dirs->n) {
		/* Upstream's variable lists the directories; Node's own lookup wants each
		 * one's node_modules (as upstream resolves packages there), in order. */
		struct buf joined, paths;
		bool ok = true;
		buf_init(&joined, 1u << 20);
		buf_init(&paths, 1u << 20);
		for (size_t i = 0; ok && i < dirs->n; i++)
			ok = buf_printf(&joined, "%s%s", i ? ":" : "", dirs->v[i]) == 0 &&
			     buf_printf(&paths, "%s%s/node_modules", i ? ":" : "", dirs->v[i]) == 0;
		ok = ok && strv_setenv(&env, "CODEX_JS_REPL_NODE_MODULE_DIRS", joined.data) == 0 &&
		     strv_setenv(&env, "NODE_PATH", paths.data) == 0;
		buf_free(&joined);
		buf_free(&paths);
		if (!ok) {
			err_set(e, "out of memory");
			goto out;
		}
	}
	/* One folder for the session's kernels (a reset keeps it, as upstream's). */
	if (!r->tmp_dir)
		r->tmp_dir = js_repl_tmp_dir_new();
	if (r->tmp_dir && strv_setenv(&env, "CODEX_JS_TMP_DIR", r->tmp_dir) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	spec.envp = env.v;
	if (command_net(a, &spec, &proxy, &k->gate, e) < 0 ||
	    proc_start(a->loop, &spec, &ev, &k->proc, e) < 0)
		goto out;
	buf_reset(&r->line);
	r->tail_len = r->tail_at = 0;
	r->k = k;
	k = NULL;
	rc = 0;
out:
	command_net_done(&proxy);
	strv_free(&env);
	if (k)
		kernel_free(k);
	return rc;
}

static void on_timeout(struct loop *l, struct loop_timer *t)
{
	struct js_repl *r = (struct js_repl *)((char *)t - offsetof(struct js_repl, timer));

	(void)l;
	kernel_stop(r);
	cell_done(r, strdup("js_repl execution timed out; kernel reset, rerun your request"),
		  true);
}

/* An interrupt while the cell runs: the kernel goes with it (upstream resets it too). */
static void cancel_running(struct tool_call *c)
{
	struct js_repl *r = c->turn->a->jsr;

	c->cancel = NULL;
	c->state = NULL;
	kernel_stop(r);
	nested_cancel(r);
	cell_clear(r);
	r->call = NULL;
	loop_timer_disarm(r->a->loop, &r->timer);
	emit_end(r, c, "aborted", true);
	tool_call_finish(c, strdup("aborted"));
	run_next(r);
}

static void cancel_queued(struct tool_call *c)
{
	struct js_repl *r = c->turn->a->jsr;

	for (size_t i = 0; i < r->n_queue; i++)
		if (r->queue[i] == c) {
			memmove(&r->queue[i], &r->queue[i + 1],
				(r->n_queue - i - 1) * sizeof r->queue[0]);
			r->n_queue--;
			break;
		}
	c->cancel = NULL;
	c->state = NULL;
	tool_call_finish(c, strdup("aborted"));
}

/* The turn is freed with the call still in our hands (the session ends mid-cell):
 * forget it, so nothing answers a freed call. */
static void forget_call(struct tool_call *c)
{
	struct js_repl *r = c->state;

	c->state = NULL;
	if (r->call == c) {
		/* Its nested calls are the turn's, freed with it: not stopped from here. */
		cell_clear(r);
		kernel_stop(r);
		r->call = NULL;
		loop_timer_disarm(r->a->loop, &r->timer);
	}
	for (size_t i = 0; i < r->n_queue; i++)
		if (r->queue[i] == c) {
			memmove(&r->queue[i], &r->queue[i + 1],
				(r->n_queue - i - 1) * sizeof r->queue[0]);
			r->n_queue--;
			break;
		}
}

static void emit_begin(struct js_repl *r, struct tool_call *c)
{
	cJSON *m = cJSON_CreateObject(), *cmd = cJSON_CreateArray();

	if (m && cmd && cJSON_AddItemToArray(cmd, cJSON_CreateString("js_repl")) &&
	    cJSON_AddStringToObject(m, "call_id", c->call_id) &&
	    cJSON_AddStringToObject(m, "turn_id", c->turn->id) &&
	    cJSON_AddItemToObject(m, "command", cmd) && (cmd = NULL, 1) &&
	    cJSON_AddStringToObject(m, "cwd", r->a->cwd) && cJSON_AddArrayToObject(m, "parsed_cmd"))
		agent_emit(r->a, AGENT_EV_EXEC_COMMAND_BEGIN, m);
	else
		cJSON_Delete(m);
	cJSON_Delete(cmd);
}

/* Starts one cell: the kernel first when there is none, then the request line. */
static void run_cell(struct js_repl *r, struct tool_call *c)
{
	struct agent *a = r->a;
	const char *in = c->input ? c->input : "";
	struct js_repl_input ji;
	char why[512];
	cJSON *req = NULL;
	char *line = NULL;
	struct err e;
	uint64_t timeout;

	err_clear(&e);
	if (c->kind != TOOL_CUSTOM) {
		/* Called as a function, as upstream also takes it: {"code", "timeout_ms"}. */
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(c->args, "timeout_ms");
		const char *code = args_str(c->args, "code");
		if (!code) {
			tool_call_finishf(c, "failed to parse function arguments: missing field "
					     "`code`");
			return;
		}
		memset(&ji, 0, sizeof ji);
		ji.code = code;
		ji.code_len = strlen(code);
		if (cJSON_IsNumber(t) && t->valuedouble >= 0) {
			ji.has_timeout = true;
			ji.timeout_ms = t->valuedouble > (double)JS_REPL_MAX_TIMEOUT_MS
						? JS_REPL_MAX_TIMEOUT_MS
						: (uint64_t)t->valuedouble;
		}
	} else if (js_repl_parse_input(in, strlen(in), &ji, why, sizeof why) < 0) {
		tool_call_finishf(c, "%s", why);
		return;
	}
	r->call = c;
	r->started_ms = loop_now(a->loop);
	emit_begin(r, c);
	snprintf(r->exec_id, sizeof r->exec_id, "exec-%lu", ++r->next_id);
	req = cJSON_CreateObject();
	if (!req || json_add_str(req, "type", "exec") < 0 ||
	    json_add_str(req, "id", r->exec_id) < 0 ||
	    !cJSON_AddItemToObject(req, "code", cJSON_CreateStringReference(""))) {
		err_set(&e, "out of memory");
		goto fail;
	}
	/* The code is not NUL-terminated inside the input: a copy. */
	{
		char *code = malloc(ji.code_len + 1);
		if (!code) {
			err_set(&e, "out of memory");
			goto fail;
		}
		memcpy(code, ji.code, ji.code_len);
		code[ji.code_len] = '\0';
		cJSON_ReplaceItemInObjectCaseSensitive(req, "code", cJSON_CreateString(code));
		free(code);
	}
	if (ji.has_timeout && !cJSON_AddNumberToObject(req, "timeout_ms", (double)ji.timeout_ms)) {
		err_set(&e, "out of memory");
		goto fail;
	}
	if (!(line = cJSON_PrintUnformatted(req))) {
		err_set(&e, "out of memory");
		goto fail;
	}
	if (!r->k && kernel_start(r, &e) < 0)
		goto fail;
	if (proc_write(r->k->proc, line, strlen(line), &e) < 0 ||
	    proc_write(r->k->proc, "\n", 1, &e) < 0) {
		kernel_stop(r);
		err_prefix(&e, "failed to write to kernel");
		goto fail;
	}
	timeout = ji.has_timeout ? ji.timeout_ms : JS_REPL_DEFAULT_TIMEOUT_MS;
	if (loop_timer_arm(a->loop, &r->timer, loop_now(a->loop) + timeout, on_timeout) < 0) {
		kernel_stop(r);
		err_set(&e, "js_repl execution unavailable");
		goto fail;
	}
	c->state = r;
	c->cancel = cancel_running;
	c->free_state = forget_call;
	cJSON_Delete(req);
	free(line);
	return;
fail:
	cJSON_Delete(req);
	free(line);
	r->call = NULL;
	emit_end(r, c, e.msg, true);
	tool_call_finishf(c, "%s", e.msg[0] ? e.msg : "js_repl kernel unavailable");
}

static void do_reset(struct js_repl *r, struct tool_call *c)
{
	kernel_stop(r);
	tool_call_finish(c, strdup("js_repl kernel reset"));
}

static void run_one(struct js_repl *r, struct tool_call *c)
{
	if (strcmp(c->name, "js_repl_reset") == 0)
		do_reset(r, c);
	else
		run_cell(r, c);
}

static void run_next(struct js_repl *r)
{
	while (!r->call && r->n_queue) {
		struct tool_call *c = r->queue[0];
		memmove(&r->queue[0], &r->queue[1], (r->n_queue - 1) * sizeof r->queue[0]);
		r->n_queue--;
		c->cancel = NULL;
		c->state = NULL;
		run_one(r, c);
	}
}

void tool_js_repl(struct tool_call *c)
{
	struct js_repl *r = c->turn->a->jsr;

	if (!r) {
		tool_call_finish(c, strdup("js_repl is disabled by feature flag"));
		return;
	}
	if (r->call) {
		if (r->n_queue == JS_REPL_QUEUE_MAX) {
			tool_call_finish(c, strdup("js_repl execution unavailable"));
			return;
		}
		r->queue[r->n_queue++] = c;
		c->state = r;
		c->cancel = cancel_queued;
		c->free_state = forget_call;
		return;
	}
	run_one(r, c);
}

/* ---- the session ------------------------------------------------------------------ */

int js_repl_session_start(struct agent *a, char **warning)
{
	struct js_repl *r;
	struct err e;
	char *node = NULL;
	struct buf b;

	*warning = NULL;
	if (a->reviewer || !config_feature(a->cfg, "js_repl", false))
		return 0;
	err_clear(&e);
	if (js_repl_node_resolve(a->cfg->js_repl_node_path, &node, &e) < 0) {
		/* Upstream turns the feature off for this session and says why. */
		buf_init(&b, ERR_MSG_MAX * 2);
		if (buf_printf(&b,
			       "Disabled `js_repl` for this session because the configured Node "
			       "runtime is unavailable or incompatible. %s",
			       e.msg) < 0)
			return -1;
		*warning = buf_take(&b);
		return 0;
	}
	if (!(r = calloc(1, sizeof *r))) {
		free(node);
		return -1;
	}
	r->a = a;
	r->node = node;
	buf_init(&r->line, JS_REPL_REPLY_MAX_BYTES);
	a->jsr = r;
	return 0;
}

void js_repl_free(struct agent *a)
{
	struct js_repl *r = a->jsr;

	if (!r)
		return;
	a->jsr = NULL;
	if (r->call)
		loop_timer_disarm(a->loop, &r->timer);
	if (r->k)
		kernel_free(r->k);
	if (r->dead)
		loop_timer_disarm(a->loop, &r->reaper);
	while (r->dead) {
		struct kernel *k = r->dead;
		r->dead = k->next_dead;
		kernel_free(k);
	}
	cell_clear(r);
	buf_free(&r->line);
	free(r->node);
	js_repl_tmp_dir_remove(r->tmp_dir);
	free(r->tmp_dir);
	free(r);
}
