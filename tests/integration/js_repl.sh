# The JavaScript REPL (features.js_repl) end to end: `codex exec` against the scripted
# model mock, with a real Node 22 (tests/install-node22.sh puts it under build/): what
# the model is offered and told, what its cells print back, persistent bindings, errors,
# the time limit, js_repl_reset, and the sandbox the kernel runs in (no writes outside
# the workspace, no network), plus the Node checks (too old, missing).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"

NODE22=$("$CODEX_TOP/tests/install-node22.sh" 2> "${TMPDIR:-/tmp}/node22.err") || NODE22=
NODE22_WHY=$(cat "${TMPDIR:-/tmp}/node22.err" 2>/dev/null)

need_node22() {
	[ -n "$NODE22" ] || { echo "# skip: no Node 22: $NODE22_WHY"; return 1; }
}

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# cx [exec args...]: `codex exec` in $T/ws against the mock with js_repl on and the
# test's Node (JS_NODE overrides it, CX_PATH the PATH), as root or, with CX_USER=user,
# as the unprivileged user; stdout in $T/out, stderr in $T/err.
cx() {
	local rc=0
	if [ "${CX_USER:-root}" = user ]; then
		chmod 644 "$T/script.json"
		chown -R $NOBODY:$NOBODY "$CODEX_HOME"
	fi
	as "${CX_USER:-root}" env -u TMPDIR ${CX_PATH:+PATH="$CX_PATH"} HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test "$CODEX" exec \
		-c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		-c features.js_repl=true -c "js_repl_node_path=\"${JS_NODE:-$NODE22}\"" \
		"$@" < /dev/null > "$T/out" 2> "$T/err" || rc=$?
	return $rc
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'

# js CALL_ID SOURCE: a reply with one js_repl call (a custom tool call: raw source).
js() {
	python3 -c 'import json,sys; print(json.dumps({"sse":[{"created":"r"},{"custom_tool_call":{"call_id":sys.argv[1],"name":"js_repl","input":sys.argv[2]}},{"completed":"r"}]}))' "$1" "$2"
}
reset_call() {
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"js_repl_reset","arguments":"{}"}},{"completed":"r"}]}' "$1"
}

tool_names() {
	mock_get "$1" body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))'
}

test_bindings_persist_and_console_output_reaches_the_model() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'const base = await Promise.resolve(40);
let label = "sum";
console.log("first", {base});'),$(js j2 'console.log(label, base + 2); console.error("to the log too")'),$answer]"
	cx --full-auto "use js"
	expect_eq "$(mock_call_output j1)" "first { base: 40 }" "first cell"
	expect_eq "$(mock_call_output j2)" "$(printf 'sum 42\nto the log too')" "second cell"
	# The answers are custom tool outputs, as the calls were custom tool calls.
	expect_eq "$(mock_get 1 body.input.-1.type)" custom_tool_call_output
	tools=$(tool_names 0)
	expect_contains "$tools" "js_repl js_repl_reset"
	spec=$(mock_get 0 body.tools | python3 -c 'import json,sys; t=[t for t in json.load(sys.stdin) if t.get("name")=="js_repl"][0]; print(t["type"], t["format"]["type"], t["format"]["syntax"])')
	expect_eq "$spec" "custom grammar lark" "js_repl spec"
	# The user instructions end with the REPL's section.
	expect_contains "$(mock_get 0 body.input)" "## JavaScript REPL (Node)"
}

test_exception_is_reported_and_state_survives() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'var kept = 7; throw new Error("boom here")'),$(js j2 'process.stdout.write("no newline"); console.log(kept)'),$(js j3 'let broken = ('),$answer]"
	cx --full-auto --json "throw"
	expect_eq "$(mock_call_output j1)" "boom here"
	# What a cell writes to process.stdout itself does not hide the kernel's answer.
	expect_eq "$(mock_call_output j2)" "7"
	expect_contains "$(mock_call_output j3)" "Unexpected end of input"
	# The cells are command items: a failed cell exits 1, a good one 0.
	expect_contains "$(cat "$T/out")" '"command":"js_repl","aggregated_output":"boom here","exit_code":1,"status":"failed"'
	expect_contains "$(cat "$T/out")" '"command":"js_repl","aggregated_output":"7","exit_code":0,"status":"completed"'
}

test_timeout_kills_the_kernel_and_reports() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'globalThis.before = 1; console.log("set")'),$(js j2 '// codex-js-repl: timeout_ms=300
while (true) {}'),$(js j3 'console.log(typeof before)'),$answer]"
	cx --full-auto "spin"
	expect_eq "$(mock_call_output j2)" "js_repl execution timed out; kernel reset, rerun your request"
	# A fresh kernel: the binding of the first cell is gone.
	expect_eq "$(mock_call_output j3)" "undefined"
	# The spinning Node is gone too.
	! pgrep -f 'codex-js-repl: timeout_ms=300' > /dev/null || fail "the kernel still runs"
}

test_reset_clears_state() {
	need_node22 || return 0
	setup root
	# The first cell comes as a function call, which upstream also takes.
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"f1\",\"name\":\"js_repl\",\"arguments\":\"{\\\"code\\\":\\\"const gone = 1; console.log(gone)\\\"}\"}},{\"completed\":\"r\"}]},$(reset_call r1),$(js j2 'console.log(typeof gone)'),$answer]"
	cx --full-auto "reset"
	expect_eq "$(mock_call_output f1)" "1"
	expect_eq "$(mock_get 1 body.input.-1.type)" function_call_output
	expect_eq "$(mock_call_output r1)" "js_repl kernel reset"
	expect_eq "$(mock_call_output j2)" "undefined"
}

# Calls of one response run one after another, in order: a reset queued behind a cell
# runs when the cell's answer arrives, and the cell after it finds a fresh kernel.
test_calls_of_one_response_run_in_order() {
	need_node22 || return 0
	setup root
	batch=$(python3 -c 'import json
c = lambda i, code: {"custom_tool_call": {"call_id": i, "name": "js_repl", "input": code}}
print(json.dumps({"sse": [{"created": "r"},
    c("j1", "const q = 1; await new Promise(r => setTimeout(r, 200)); console.log(\"first\")"),
    c("j2", "console.log(\"second\", q)"),
    {"function_call": {"call_id": "r1", "name": "js_repl_reset", "arguments": "{}"}},
    c("j3", "console.log(typeof q)"),
    {"completed": "r"}]}))')
	mock "[$batch,$answer]"
	cx --full-auto "batch"
	expect_eq "$(mock_call_output j1)" "first"
	expect_eq "$(mock_call_output j2)" "second 1"
	expect_eq "$(mock_call_output r1)" "js_repl kernel reset"
	expect_eq "$(mock_call_output j3)" "undefined"
}

# A kernel that exits mid-cell: upstream's message with the diagnostics (its status and
# the tail of its stderr); the next cell gets a fresh kernel.
test_kernel_exit_is_reported() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'process.stderr.write("last words\n"); process.exit(3)'),$(js j2 'console.log("alive")'),$answer]"
	cx --full-auto "exit"
	out=$(mock_call_output j1)
	expect_contains "$out" "js_repl kernel exited unexpectedly"
	expect_contains "$out" 'js_repl diagnostics: {"reason":"stdout_eof"'
	expect_contains "$out" '"kernel_status":"exited(code=3)"'
	expect_contains "$out" "last words"
	expect_eq "$(mock_call_output j2)" "alive"
}

# A long log is cut for the model as command output is (10,000 tokens).
test_long_output_is_truncated() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'for (let i = 0; i < 20000; i++) console.log("line " + i)'),$answer]"
	cx --full-auto "long"
	out=$(mock_call_output j1)
	expect_contains "$out" "Total output lines: 20000"
	expect_contains "$out" "tokens truncated"
	expect_contains "$out" "line 0"
	expect_contains "$out" "line 19999"
}

# js_repl_node_module_dirs: packages are found in each directory's node_modules.
test_node_module_dirs_are_searched() {
	need_node22 || return 0
	setup root
	mkdir -p "$T/libs/node_modules/greeter"
	echo 'module.exports = (who) => "hello " + who;' > "$T/libs/node_modules/greeter/index.js"
	mock "[$(js j1 'const greet = require("greeter"); console.log(greet("repl"))'),$answer]"
	cx --full-auto -c "js_repl_node_module_dirs=[\"$T/libs\"]" "modules"
	expect_eq "$(mock_call_output j1)" "hello repl"
}

# An error a finished cell left behind (a rejected promise in a timer) ends the kernel,
# as upstream's: the cell running then is told so (not blamed for it), the next cell
# finds a fresh kernel.
test_late_async_error_resets_the_kernel() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'var old = 1; setTimeout(() => Promise.reject(new Error("late")), 200); console.log("scheduled")'),$(js j2 'await new Promise(r => setTimeout(r, 5000)); console.log("not reached")'),$(js j3 'console.log(typeof old)'),$answer]"
	cx --full-auto "late"
	expect_eq "$(mock_call_output j1)" "scheduled"
	expect_eq "$(mock_call_output j2)" "js_repl kernel uncaught exception: late; kernel reset. Catch or handle async errors (including Promise rejections and EventEmitter 'error' events) to avoid kernel termination."
	expect_eq "$(mock_call_output j3)" "undefined"
}

test_pragma_and_wrapped_input_errors() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 '// codex-js-repl: retries=2
console.log(1)'),$(js j2 '{"code":"console.log(1)"}'),$(js j3 '// codex-js-repl: timeout_ms=1000'),$answer]"
	cx --full-auto "bad input"
	expect_eq "$(mock_call_output j1)" 'js_repl pragma only supports timeout_ms; got `retries`'
	expect_contains "$(mock_call_output j2)" "js_repl is a freeform tool and expects raw JavaScript source."
	expect_eq "$(mock_call_output j3)" "js_repl pragma must be followed by JavaScript source on subsequent lines"
}

sandbox_blocks_writes() {
	need_node22 || return 0
	setup "$1"
	mock "[$(js j1 "const fs = require('node:fs');
fs.writeFileSync('inside.txt', 'ok');
try { fs.writeFileSync('$T/outside/target', 'owned'); console.log('outside written'); }
catch (e) { console.log('outside refused', e.code); }
try { fs.writeFileSync('$T/outside/new', 'owned'); console.log('new written'); }
catch (e) { console.log('new refused', e.code); }"),$answer]"
	CX_USER=$1 cx --full-auto "write"
	out=$(mock_call_output j1)
	expect_contains "$out" "outside refused"
	expect_contains "$out" "new refused"
	expect_eq "$(cat inside.txt)" ok "the workspace file"
	expect_outside_intact
}

test_sandbox_blocks_writes_outside_the_workspace_root() { sandbox_blocks_writes root; }
test_sandbox_blocks_writes_outside_the_workspace_user() { sandbox_blocks_writes user; }

test_sandbox_blocks_network() {
	need_node22 || return 0
	setup root
	port=$(free_port)
	start_bg python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/outside" > /dev/null 2>&1
	wait_for_port "$port"
	cell="try { const r = await fetch('http://127.0.0.1:$port/target'); console.log('reached', r.status, (await r.text()).trim()); }
catch (e) { console.log('blocked', e.cause ? e.cause.code : e.message); }"
	mock "[$(js j1 "$cell"),$answer]"
	cx --full-auto "net"
	out=$(mock_call_output j1)
	expect_contains "$out" "blocked"
	expect_not_contains "$out" "reached"
	# Outside the sandbox the same cell reaches the server: the test does test something.
	mock "[$(js j1 "$cell"),$answer]"
	cx --dangerously-bypass-approvals-and-sandbox "net"
	expect_eq "$(mock_call_output j1)" "reached 200 orig"
}

test_feature_off_offers_no_tool() {
	need_node22 || return 0
	setup root
	mock "[$answer]"
	cx -c features.js_repl=false "hi"
	expect_not_contains "$(tool_names 0)" "js_repl"
	expect_not_contains "$(mock_get 0 body.input)" "JavaScript REPL"
}

test_node_too_old_disables_the_feature() {
	old=$(command -v node) || { echo "# skip: no system node"; return 0; }
	ver=$("$old" --version)
	case "$ver" in v1[0-9].*|v2[01].*|v22.[0-9].*|v22.1[0-9].*|v22.2[01].*) ;;
	*) echo "# skip: the system node ($ver) is not too old"; return 0 ;; esac
	setup root
	mock "[$answer]"
	JS_NODE=$old cx "hi"
	expect_contains "$(cat "$T/err")" "Disabled \`js_repl\` for this session because the configured Node runtime is unavailable or incompatible. Node runtime too old for js_repl (resolved $old): found ${ver}, requires >= v22.22.0. Install/update Node or set js_repl_node_path to a newer runtime."
	expect_not_contains "$(tool_names 0)" "js_repl"
}

test_node_missing_disables_the_feature() {
	setup root
	mock "[$answer]"
	mkdir -p "$T/emptybin"
	CX_PATH=$T/emptybin JS_NODE=$T/no/such/node cx "hi"
	expect_contains "$(cat "$T/err")" "Node runtime not found; install Node or set CODEX_JS_REPL_NODE_PATH"
	expect_not_contains "$(tool_names 0)" "js_repl"
}

# ---- codex.tool and codex.emitImage ----

test_codex_tool_runs_a_command_and_resolves_with_its_output_item() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'const r = await codex.tool("exec_command", { cmd: "echo made-by-js > made.txt; cat made.txt" });
console.log(r.type, r.call_id.includes("-tool-"), typeof r.output);
console.log(r.output.includes("made-by-js"), r.output.includes("Process exited with code 0"));
const again = codex.tool;
console.log(again === codex.tool, Object.keys(codex).sort().join(","));'),$answer]"
	cx --full-auto --json "run it"
	expect_eq "$(mock_call_output j1)" "$(printf 'function_call_output true string\ntrue true\ntrue cwd,emitImage,homeDir,tmpDir,tool')"
	expect_eq "$(cat made.txt)" made-by-js "the command ran"
	# The nested command's events go out as a direct call's would.
	expect_contains "$(cat "$T/out")" "\"command\":\"/bin/bash -lc 'echo made-by-js"
	# Its output stays inside the cell: the model reads only what the cell logged.
	expect_not_contains "$(mock_get 1 body.input)" "Chunk ID"
	# The instructions tell the model about the helpers.
	expect_contains "$(mock_get 0 body.input)" 'Helpers: `codex.cwd`, `codex.homeDir`, `codex.tmpDir`, `codex.tool(name, args?)`, and `codex.emitImage(imageLike)`.'
}

# codex.tmpDir is the session's own folder (0700, in the temporary directory; the cell's
# global tmpDir too), gone with what was left in it when the session ends, as upstream's;
# codex.homeDir is HOME as set.
test_tmp_dir_is_the_sessions_own_and_goes_with_it() {
	local out dir
	need_node22 || return 0
	setup root
	mock "[$(js j1 "const fs = require('node:fs');
fs.writeFileSync(codex.tmpDir + '/left.txt', 'x');
console.log(codex.tmpDir === tmpDir, codex.homeDir, (fs.statSync(codex.tmpDir).mode & 0o777).toString(8));
console.log(codex.tmpDir);"),$answer]"
	cx --full-auto "use js"
	out=$(mock_call_output j1)
	expect_eq "$(printf '%s\n' "$out" | head -1)" "true $T/home 700" "tmpDir, homeDir, mode"
	dir=$(printf '%s\n' "$out" | tail -1)
	case "$dir" in /tmp/codex-js-repl-??????) ;; *) fail "tmpDir: $dir" ;; esac
	[ ! -e "$dir" ] || fail "the session's folder outlived it: $dir"
}

# drive POLICY DECISIONS: one turn through build/tests/agent-drive (a front end of the
# core that answers approval requests as a user would; `codex exec` never asks), as
# root in $T/ws with a workspace-write sandbox; events in $T/events.
drive() {
	local rc=0
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test timeout 120 "$TOOLS/agent-drive" \
		--codex "$CODEX" -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		-c features.js_repl=true -c "js_repl_node_path=\"$NODE22\"" \
		-c "approval_policy=\"$1\"" -c 'sandbox_mode="workspace-write"' \
		--decide "$2" "go" > "$T/events" 2> "$T/err" || rc=$?
	return $rc
}

test_codex_tool_goes_through_approvals() {
	need_node22 || return 0
	setup root
	# untrusted: each command asks; the user refuses the first, approves the second.
	mock "[$(js j1 'for (const file of ["refused.txt", "approved.txt"]) {
  try {
    const r = await codex.tool("exec_command", { cmd: "touch " + file });
    console.log(file, "resolved", r.output.includes("Process exited with code 0"));
  } catch (e) {
    console.log(file, "rejected:", e.message);
  }
}'),$answer]"
	drive untrusted denied,approved || fail "agent-drive failed: $(cat "$T/err")"
	expect_eq "$(mock_call_output j1)" "$(printf 'refused.txt rejected: exec command rejected by user\napproved.txt resolved true')"
	[ ! -e refused.txt ] || fail "the refused command ran"
	[ -e approved.txt ] || fail "the approved command did not run"
	expect_eq "$(grep -c '"exec_approval_request"' "$T/events")" 2 "approval requests"
	# codex exec never asks: an escalation is refused at once, an error to the cell.
	mock "[$(js j1 'try { await codex.tool("exec_command", { cmd: "touch escalated.txt", sandbox_permissions: "require_escalated", justification: "test" }); console.log("resolved"); }
catch (e) { console.log("rejected:", e.message); }'),$answer]"
	cx "escalate"
	expect_eq "$(mock_call_output j1)" "rejected: approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
	[ ! -e escalated.txt ] || fail "the escalated command ran"
}

test_codex_tool_errors_reject() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 'for (const [name, args] of [["no_such_tool", {}], ["exec_command", "not json"], ["js_repl", "1"], ["js_repl_reset", {}], ["", {}], [42, {}]]) {
  try { await codex.tool(name, args); console.log("resolved", name); }
  catch (e) { console.log(String(name) + ":", e.message); }
}'),$(js j2 'await codex.tool("no_such_tool")'),$(js j3 'console.log("alive")'),$answer]"
	cx --full-auto "errors"
	expect_eq "$(mock_call_output j1)" "$(printf '%s\n' 'no_such_tool: unsupported call: no_such_tool' \
		'exec_command: failed to parse function arguments: invalid JSON at byte 0' \
		'js_repl: js_repl cannot invoke itself' 'js_repl_reset: js_repl cannot invoke itself' \
		': codex.tool expects a tool name string' '42: codex.tool expects a tool name string')"
	# Not caught: the cell fails with it; the kernel lives on.
	expect_eq "$(mock_call_output j2)" "unsupported call: no_such_tool"
	expect_eq "$(mock_call_output j3)" "alive"
}

# A 1x1 PNG.
PNG_B64=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==

# The output item a custom tool call got in the last request, as JSON.
output_json() {
	python3 - "$MOCK_LOG" "$1" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
for item in reqs[-1]["body"]["input"]:
    if item.get("call_id") == sys.argv[2] and item["type"].endswith("_output"):
        print(json.dumps(item["output"]))
        break
else:
    sys.exit("no output for " + sys.argv[2])
PY
}

test_emit_image_reaches_the_next_request() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 "const png = Buffer.from('$PNG_B64', 'base64');
require('node:fs').writeFileSync('dot.png', png);
await codex.emitImage({ bytes: png, mimeType: 'image/png' });
await codex.emitImage('data:image/png;base64,$PNG_B64');
const viewed = await codex.tool('view_image', { path: 'dot.png' });
console.log(viewed.type, Array.isArray(viewed.output), viewed.output[0].type);
await codex.emitImage(codex.tool('view_image', { path: 'dot.png' }));
console.log('sent');"),$(js j2 'await codex.emitImage({ type: "input_image", image_url: "data:image/jpeg;base64,/9j/", detail: "original" })'),$answer]"
	cx --full-auto "draw"
	want_img="{\"type\": \"input_image\", \"image_url\": \"data:image/png;base64,$PNG_B64\"}"
	expect_eq "$(output_json j1)" "[{\"type\": \"input_text\", \"text\": \"function_call_output true input_image\\nsent\"}, $want_img, $want_img, $want_img]"
	# An image alone: no text item; detail is dropped (no model here takes "original").
	expect_eq "$(output_json j2)" '[{"type": "input_image", "image_url": "data:image/jpeg;base64,/9j/"}]'
	# The nested view_image calls added nothing else to the conversation.
	n=$(mock_get 2 body.input | python3 -c 'import json,sys
def count(v):
    if isinstance(v, dict): return (v.get("type") == "input_image") + sum(map(count, v.values()))
    if isinstance(v, list): return sum(map(count, v))
    return 0
print(count(json.load(sys.stdin)))')
	expect_eq "$n" 4 "images in the last request"
}

test_emit_image_bad_input() {
	need_node22 || return 0
	setup root
	# A forged emit_image line: the host checks what the kernel would have.
	mock "[$(js j1 'for (const url of ["https://example.com/x.png", "data:image/png;base64," + "A".repeat(8 * 1024 * 1024)]) {
  process.stdout.write("\n" + JSON.stringify({ type: "emit_image", id: "forged", exec_id: "exec-1", image_url: url, detail: null }) + "\n");
}
console.log("forged")'),$(js j2 'const tries = {
  text: () => codex.emitImage("hello"),
  notBytes: () => codex.emitImage({ bytes: "abc", mimeType: "image/png" }),
  empty: () => codex.emitImage({ bytes: new Uint8Array(0), mimeType: "image/png" }),
  noMime: () => codex.emitImage({ bytes: new Uint8Array(3) }),
  detail: () => codex.emitImage({ bytes: new Uint8Array(3), mimeType: "image/png", detail: "high" }),
  textOutput: () => codex.emitImage(codex.tool("exec_command", { cmd: "echo hi" })),
  huge: () => codex.emitImage({ bytes: Buffer.alloc(7 * 1024 * 1024), mimeType: "image/png" }),
  number: () => codex.emitImage(42),
};
for (const [name, f] of Object.entries(tries)) {
  try { await f(); console.log(name, "accepted"); } catch (e) { console.log(name + ":", e.message); }
}'),$(js j3 'codex.emitImage("not a data url"); console.log("not awaited")'),$(js j4 'console.log("alive")'),$answer]"
	cx --full-auto "bad images"
	expect_eq "$(output_json j1)" '"forged"'
	expect_eq "$(mock_call_output j2)" "$(printf '%s\n' 'text: codex.emitImage only accepts data URLs' \
		'notBytes: codex.emitImage expected bytes to be Buffer, Uint8Array, ArrayBuffer, or ArrayBufferView' \
		'empty: codex.emitImage expected non-empty bytes' 'noMime: codex.emitImage expected a non-empty mimeType' \
		'detail: codex.emitImage only supports detail "original"; omit detail for default behavior' \
		'textOutput: codex.emitImage does not accept mixed text and image content' \
		'huge: codex.emitImage image is too large: 9786734 bytes as a data URL (at most 8388608); send a smaller image or JPEG' \
		'number: codex.emitImage received an unsupported value')"
	# A refused image the cell never looked at fails the cell.
	expect_eq "$(mock_call_output j3)" "codex.emitImage only accepts data URLs"
	expect_eq "$(mock_call_output j4)" "alive"
}

test_cell_answer_waits_for_its_nested_calls() {
	need_node22 || return 0
	setup root
	# Not awaited: the cell's code ends first, its answer waits for the command.
	mock "[$(js j1 'codex.tool("exec_command", { cmd: "sleep 0.5; echo late > late.txt", yield_time_ms: 5000 }); console.log("quick")'),$(js j2 'console.log(require("node:fs").readFileSync("late.txt", "utf8").trim())'),$answer]"
	cx --full-auto "wait"
	expect_eq "$(mock_call_output j1)" "quick"
	expect_eq "$(mock_call_output j2)" "late"
}

test_timeout_stops_nested_calls() {
	need_node22 || return 0
	setup root
	mock "[$(js j1 '// codex-js-repl: timeout_ms=1500
await codex.tool("exec_command", { cmd: "sleep 20; touch too-late.txt", yield_time_ms: 30000 });'),$(js j2 'console.log("fresh")'),$answer]"
	start=$(date +%s)
	cx --full-auto "slow"
	expect_eq "$(mock_call_output j1)" "js_repl execution timed out; kernel reset, rerun your request"
	expect_eq "$(mock_call_output j2)" "fresh"
	# The cell's time limit holds with a nested call still running.
	[ $(( $(date +%s) - start )) -lt 15 ] || fail "the nested command was waited for"
}

test_codex_tool_calls_mcp_tools() {
	need_node22 || return 0
	setup root
	printf '[mcp_servers.srv]\ncommand = "python3"\nargs = ["%s", "--log", "%s"]\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" "$T/mcp.log" >> "$CODEX_HOME/config.toml"
	mock "[$(js j1 'const r = await codex.tool("mcp__srv__add", { a: 2, b: 3 });
console.log(r.type, r.call_id.includes("-tool-"), JSON.stringify(r.output));
try { await codex.emitImage(codex.tool("mcp__srv__image", {})); } catch (e) { console.log(e.message); }'),$answer]"
	cx --full-auto "mcp"
	expect_eq "$(mock_call_output j1)" "$(printf '%s\n' 'mcp_tool_call_output true {"content":[{"type":"text","text":"5"}],"structuredContent":{"sum":5}}' \
		'codex.emitImage does not accept mixed text and image content')"
}

test_tools_only_refuses_direct_calls() {
	need_node22 || return 0
	setup root
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"d1\",\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"touch direct.txt\\\"}\"}},{\"completed\":\"r\"}]},$(js j1 'const r = await codex.tool("exec_command", { cmd: "touch nested.txt" }); console.log(r.type)'),$answer]"
	cx --full-auto -c features.js_repl_tools_only=true "only js"
	expect_eq "$(mock_call_output d1)" "direct tool calls are disabled; use js_repl and codex.tool(...) instead"
	[ ! -e direct.txt ] || fail "the direct call ran"
	expect_eq "$(mock_call_output j1)" function_call_output
	[ -e nested.txt ] || fail "the nested call did not run"
	expect_contains "$(mock_get 0 body.input)" 'Do not call tools directly; use `js_repl` + `codex.tool(...)` for all tool calls, including shell commands.'
}

run_tests
