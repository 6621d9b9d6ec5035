/* Private to src/agent/: the JavaScript REPL (features.js_repl), as upstream 0.118 has
 * it. The model sends raw JavaScript to the freeform tool `js_repl` (an optional first
 * line `// codex-js-repl: timeout_ms=N`); a persistent Node process, the kernel, runs
 * each cell in one context, so top-level bindings outlive the cell, and answers with
 * what the cell logged. `js_repl_reset` restarts it. The kernel runs under the same
 * sandbox policy (and network proxy) as the agent's commands.
 *
 * js_repl_parse.c: the pure parts (the tool input and its pragma, the kernel's reply
 * lines, `node --version`), fuzzed by tests/fuzz/fuzz_js_repl.c.
 * js_repl_node_posix.c / _win.c: finding Node and checking its version.
 * js_repl_kernel.c: the kernel script (ours), given to `node -e`.
 * tools/js_repl.c: the tools, the kernel's lifetime and the line protocol. */
#ifndef CODEX_AGENT_JS_REPL_H
#define CODEX_AGENT_JS_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* The pragma that may open the tool input, as upstream spells it. */
#define JS_REPL_PRAGMA_PREFIX "// codex-js-repl:"
/* Upstream's default time limit of one cell. */
#define JS_REPL_DEFAULT_TIMEOUT_MS 30000
/* The longest timeout_ms accepted: a day, as the shell tool's cap; upstream takes any
 * u64, but the loop's timers count milliseconds in 64 bits from now. */
#define JS_REPL_MAX_TIMEOUT_MS (24ull * 3600 * 1000)
/* One reply line of the kernel (its JSON, the cell's whole log inside): the log is
 * what the model reads, and 16 MiB is far beyond what a turn can send back. A longer
 * line ends the kernel. */
#define JS_REPL_REPLY_MAX_BYTES (16u * 1024 * 1024)
/* The kernel's stderr kept for diagnostics: its last bytes, as upstream keeps a tail
 * of 4 KiB. */
#define JS_REPL_STDERR_TAIL_BYTES 4096
/* The minimum Node (upstream's node-version.txt). */
#define JS_REPL_MIN_NODE_MAJOR 22
#define JS_REPL_MIN_NODE_MINOR 22
#define JS_REPL_MIN_NODE_PATCH 0

/* The tool input: the code (a pointer into the input, not NUL-terminated within it)
 * and the pragma's timeout, when it gave one (capped at JS_REPL_MAX_TIMEOUT_MS). */
struct js_repl_input {
	const char *code;
	size_t code_len;
	bool has_timeout;
	uint64_t timeout_ms;
};

/* Splits the raw tool input: the pragma line (if any) and the code after it. -1 with
 * upstream's message for the model in why: empty input, a bad pragma, JSON or a
 * quoted string or a markdown fence instead of JavaScript. */
int js_repl_parse_input(const char *in, size_t len, struct js_repl_input *out, char *why,
			size_t cap);

/* The longest image one emitImage sends, as a data URL (base64 inside): 8 MiB, about a
 * 6 MB image. Upstream sets none; ours keeps the message well inside a reply line
 * (JS_REPL_REPLY_MAX_BYTES) and each request carrying it small enough to send. A plain
 * number: the kernel script gets it as text. */
#define JS_REPL_IMAGE_URL_MAX_BYTES 8388608
/* Images one cell may emit: each goes to the model with every later request. */
#define JS_REPL_IMAGES_MAX 32
/* Tool calls one cell may make through codex.tool: each is kept (small, its output
 * dropped once answered) until the response's calls are done. */
#define JS_REPL_TOOL_CALLS_MAX 1024

/* One line of the kernel, a message of one of three kinds:
 *   exec_result {"id", "ok", "output", "error" (string or null), "fatal" (ours: the
 *               kernel is exiting)}
 *   run_tool    {"id", "exec_id", "tool_name", "arguments" (text)}: codex.tool
 *   emit_image  {"id", "exec_id", "image_url", "detail" (string or null)}
 * Other types and non-JSON lines (a cell that wrote to process.stdout) give 0:
 * ignored. 1 with *out filled: every string of its kind malloc'ed (error and detail may
 * be NULL); free with js_repl_reply_clear. -1 only when memory runs out. */
enum js_repl_msg { JS_REPL_MSG_EXEC_RESULT, JS_REPL_MSG_RUN_TOOL, JS_REPL_MSG_EMIT_IMAGE };
struct js_repl_reply {
	enum js_repl_msg kind;
	char *id;
	bool ok, fatal;
	char *output, *error;
	char *exec_id;
	char *tool_name, *arguments;
	char *image_url, *detail;
};
int js_repl_parse_reply(const char *line, size_t len, struct js_repl_reply *out);
void js_repl_reply_clear(struct js_repl_reply *r);

/* `node --version` output ("v22.22.0\n"): 0 and the three numbers, else -1. */
struct js_repl_node_version {
	unsigned long major, minor, patch;
};
int js_repl_parse_node_version(const char *text, size_t len, struct js_repl_node_version *v);
bool js_repl_node_version_ok(const struct js_repl_node_version *v);

/* The Node to run: $CODEX_JS_REPL_NODE_PATH, then cfg_path (js_repl_node_path), when
 * they exist, then `node` on PATH; its version checked. 0 and *out (malloc'ed), or -1
 * with upstream's message in e ("Node runtime not found; ...", "Node runtime too old
 * for js_repl ..."). Blocks for at most a few seconds (runs `node --version`). */
int js_repl_node_resolve(const char *cfg_path, char **out, struct err *e);

/* The session's private temporary folder for the kernel (upstream's CODEX_JS_TMP_DIR,
 * codex.tmpDir): made 0700 in $TMPDIR (else /tmp), its path malloc'ed; NULL when it
 * cannot be (the kernel then uses its working directory, as upstream's). Removed, with
 * what the cells left in it, by js_repl_tmp_dir_remove as the session ends. */
char *js_repl_tmp_dir_new(void);
void js_repl_tmp_dir_remove(const char *path);

/* The kernel script. */
extern const char js_repl_kernel_source[];

#endif
