# MCP end to end: `codex exec` with [mcp_servers] against the scripted model mock
# (tests/servers/mock_responses.py) and our MCP mock (tests/servers/mock_mcp.py, stdio and
# streamable HTTP), a real MCP server from npm when the registry is reachable, `codex mcp`
# (list/get/add/remove) and `codex mcp-server` answered by a scripted client.
. "$(dirname "$0")/lib.sh"
MCP_MOCK=$CODEX_TOP/tests/servers/mock_mcp.py

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'
fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}

setup() {
	export CODEX_HOME=$T/home
	mkdir -p "$CODEX_HOME" "$T/ws"
	: > "$CODEX_HOME/config.toml"
	MLOG=$T/mcp.log
}

# server NAME [mock_mcp.py args...]: a stdio server block in config.toml.
server() {
	local name=$1 a
	shift
	a="\"$MCP_MOCK\", \"--log\", \"$MLOG\""
	for x in "$@"; do a="$a, \"$x\""; done
	printf '[mcp_servers.%s]\ncommand = "python3"\nargs = [%s]\n' "$name" "$a" >> "$CODEX_HOME/config.toml"
}

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# cx [exec args...]: `codex exec` in $T/ws against the mock, stdout in $T/out, stderr in
# $T/err; bounded so that a hang fails the test instead of the suite.
cx() {
	local rc=0
	(cd "$T/ws" && timeout 120 env HOME="$T/home" MOCK_KEY=sk-test "$CODEX" exec --skip-git-repo-check \
		-c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		"$@" go < /dev/null > "$T/out" 2> "$T/err") || rc=$?
	return $rc
}

# py EXPR-SCRIPT: python with R = the model requests (the log also has end_of lines,
# and any other request the mock saw answered 404) and M = the MCP mock's messages.
py() {
	python3 - "${MOCK_LOG:-/dev/null}" "${MLOG:-/dev/null}" "$@" <<EOF
import json, sys
R = [r for r in map(json.loads, open(sys.argv[1]))
     if "body" in r and r["path"].endswith(("/responses", "/chat/completions"))]
try:
    M = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
except FileNotFoundError:
    M = []
def output(call_id, req=-1):
    for item in R[req]["body"]["input"]:
        if item.get("call_id") == call_id and item["type"].endswith("_output"):
            o = item["output"]
            return o if isinstance(o, str) else json.dumps(o)
    sys.exit("no output for " + call_id)
def tools(req=0):
    return [t.get("name", t["type"]) for t in R[req]["body"]["tools"]]
def tool(name, req=0):
    return next(t for t in R[req]["body"]["tools"] if t.get("name") == name)
def methods():
    return [m["msg"].get("method", "<answer>") for m in M]
$1
EOF
}

test_tool_listed_called_and_result_reaches_the_model() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__echo '{"text":"hi"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "All done."
	expect_eq "$(py 'print(" ".join(tools()))')" "exec_command write_stdin update_plan request_user_input apply_patch web_search view_image spawn_agent send_input resume_agent wait_agent close_agent list_mcp_resources list_mcp_resource_templates read_mcp_resource mcp__srv__add mcp__srv__crash mcp__srv__danger mcp__srv__echo mcp__srv__env mcp__srv__fail mcp__srv__hang mcp__srv__image mcp__srv__read_only_tool"
	# upstream's reduced schema: enum/anyOf dropped, integer -> number, sorted keys
	expect_eq "$(py 'print(json.dumps(tool("mcp__srv__echo"), separators=(",",":")))')" \
		'{"type":"function","name":"mcp__srv__echo","description":"Echo text back","strict":false,"parameters":{"type":"object","properties":{"mode":{"type":"string"},"n":{"type":"number"},"opt":{"type":"string"},"text":{"type":"string","description":"what to echo"}},"required":["text"]}}'
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: hi"}]'
	expect_eq "$(py 'print(" ".join(methods()))')" "initialize notifications/initialized tools/list tools/call"
	expect_eq "$(py 'print(json.dumps(M[0]["msg"]["params"], sort_keys=True))')" \
		'{"capabilities": {}, "clientInfo": {"name": "codex-mcp-client", "title": "Codex", "version": "0.1.0"}, "protocolVersion": "2025-06-18"}'
	expect_eq "$(py 'print(json.dumps(M[3]["msg"]["params"]["arguments"]))')" '{"text": "hi"}'
	expect_eq "$(py 'print(M[3]["msg"]["params"]["name"])')" echo
	expect_contains "$(cat "$T/err")" "mcp: srv ready"
	expect_contains "$(cat "$T/err")" 'srv.echo({"text":"hi"}) success'
}

test_resource_tools() {
	setup
	server srv
	server other --mode crash
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"l1\",\"name\":\"list_mcp_resources\",\"arguments\":\"{}\"}},{\"function_call\":{\"call_id\":\"l2\",\"name\":\"list_mcp_resources\",\"arguments\":{\"server\":\"srv\"}}},{\"function_call\":{\"call_id\":\"t1\",\"name\":\"list_mcp_resource_templates\",\"arguments\":{\"server\":\"srv\"}}},{\"function_call\":{\"call_id\":\"r1\",\"name\":\"read_mcp_resource\",\"arguments\":{\"server\":\"srv\",\"uri\":\"file:///docs/1.txt\"}}},{\"function_call\":{\"call_id\":\"r2\",\"name\":\"read_mcp_resource\",\"arguments\":{\"server\":\"nope\",\"uri\":\"x\"}}},{\"completed\":\"r\"}]},$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print([(r["server"], r["uri"]) for r in json.loads(output("l1"))["resources"]])')" \
		"[('srv', 'file:///docs/0.txt'), ('srv', 'file:///docs/1.txt'), ('srv', 'file:///docs/2.txt')]"
	expect_eq "$(py 'd = json.loads(output("l2")); print(d["server"], len(d["resources"]), d["nextCursor"])')" "srv 2 2"
	expect_eq "$(py 'print(output("t1"))')" '{"server":"srv","resourceTemplates":[{"server":"srv","uriTemplate":"file:///docs/{n}.txt","name":"doc"}]}'
	expect_eq "$(py 'print(output("r1"))')" '{"server":"srv","uri":"file:///docs/1.txt","contents":[{"uri":"file:///docs/1.txt","mimeType":"text/plain","text":"contents of file:///docs/1.txt"}]}'
	expect_eq "$(py 'print(output("r2"))')" "resources/read failed: unknown MCP server 'nope'"
}

test_server_stderr_goes_to_the_log_never_the_terminal() {
	setup
	server srv
	mock "[$answer]"
	cx || fail "exec failed"
	expect_not_contains "$(cat "$T/err")" "mock_mcp: started"
	expect_contains "$(cat "$CODEX_HOME/log/codex-mcp.log")" "MCP server stderr (python3): mock_mcp: started"
}

test_tools_list_pages_are_followed() {
	setup
	server srv --page-size 2
	mock "[$(fc c1 mcp__srv__read_only_tool '{}'),$answer]"
	cx || fail "exec failed"
	expect_eq "$(py 'print(len([t for t in tools() if t.startswith("mcp__")]))')" 9
	expect_eq "$(py 'print(sum(m == "tools/list" for m in methods()))')" 5
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"dotted"}]'
	expect_eq "$(py 'print([m for m in M if m["msg"].get("method") == "tools/call"][0]["msg"]["params"]["name"])')" read-only.tool
}

test_structured_content_and_images() {
	setup
	server srv
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"s1\",\"name\":\"mcp__srv__add\",\"arguments\":{\"a\":2,\"b\":3}}},{\"function_call\":{\"call_id\":\"i1\",\"name\":\"mcp__srv__image\",\"arguments\":\"\"}},{\"function_call\":{\"call_id\":\"f1\",\"name\":\"mcp__srv__fail\",\"arguments\":\"{}\"}},{\"completed\":\"r\"}]},$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("s1"))')" '{"sum":5}'
	expect_eq "$(py 'print(json.loads(output("i1"))[0])')" "{'type': 'input_text', 'text': 'a pixel'}"
	expect_contains "$(py 'print(json.loads(output("i1"))[1]["image_url"])')" "data:image/png;base64,iVBOR"
	expect_eq "$(py 'print(output("f1"))')" '[{"type":"text","text":"it failed"}]'
}

test_child_environment_is_cleared_then_set() {
	setup
	server srv
	printf 'env = { FOO = "from-config" }\nenv_vars = ["PASSED"]\ncwd = "%s"\n' "$T" >> "$CODEX_HOME/config.toml"
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"e1\",\"name\":\"mcp__srv__env\",\"arguments\":{\"name\":\"FOO\"}}},{\"function_call\":{\"call_id\":\"e2\",\"name\":\"mcp__srv__env\",\"arguments\":{\"name\":\"MYSECRET\"}}},{\"function_call\":{\"call_id\":\"e3\",\"name\":\"mcp__srv__env\",\"arguments\":{\"name\":\"PASSED\"}}},{\"completed\":\"r\"}]},$answer]"
	MYSECRET=s3cret PASSED=yes cx || fail "exec failed"
	expect_eq "$(py 'print(output("e1"))')" "[{\"type\":\"text\",\"text\":\"FOO=from-config cwd=$T\"}]"
	expect_contains "$(py 'print(output("e2"))')" "MYSECRET=<unset>"
	expect_contains "$(py 'print(output("e3"))')" "PASSED=yes"
}

test_server_crashing_at_startup_costs_its_tools_only() {
	setup
	server bad --mode crash
	server good
	mock "[$(fc c1 mcp__good__echo '{"text":"still here"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_contains "$(cat "$T/err")" "mcp: bad failed: MCP client for \`bad\` failed to start:"
	expect_contains "$(cat "$T/err")" "exited with status 3"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: still here"}]'
	expect_eq "$(py 'print(any(t.startswith("mcp__bad") for t in tools()))')" False
	expect_eq "$(cat "$T/out")" "All done."
}

test_server_crashing_mid_call_fails_that_call_and_the_session_goes_on() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__crash '{}'),$(fc c2 mcp__srv__echo '{"text":"again"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_contains "$(py 'print(output("c1", 1))')" 'tool call error: the MCP server `srv` exited with status 4'
	expect_contains "$(py 'print(output("c2"))')" "tool call error:"
	expect_eq "$(cat "$T/out")" "All done."
}

test_server_never_answering_initialize_times_out() {
	setup
	server slow --mode no-initialize
	printf 'startup_timeout_sec = 1\n' >> "$CODEX_HOME/config.toml"
	server good
	mock "[$(fc c1 mcp__good__echo '{"text":"x"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_contains "$(cat "$T/err")" "mcp: slow failed: MCP client for \`slow\` timed out after 1 seconds. Add or adjust \`startup_timeout_sec\` in your config.toml:"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: x"}]'
	expect_eq "$(cat "$T/out")" "All done."
}

test_garbage_from_a_server_is_logged_and_skipped() {
	setup
	server srv --mode garbage
	mock "[$(fc c1 mcp__srv__echo '{"text":"ok"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: ok"}]'
	expect_contains "$(cat "$CODEX_HOME/log/codex-mcp.log")" "invalid JSON"
}

test_tool_timeout() {
	setup
	server srv
	printf 'tool_timeout_sec = 3\n' >> "$CODEX_HOME/config.toml"
	mock "[$(fc c1 mcp__srv__hang '{}'),$(fc c2 mcp__srv__echo '{"text":"after"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1", 1))')" '[{"type":"text","text":"tool call error: request timed out"}]'
	# c2 went to the same server after the cancellation: it was read before c2's call.
	expect_eq "$(py 'print([m["msg"]["params"] for m in M if m["msg"].get("method") == "notifications/cancelled"])')" \
		"[{'requestId': 2, 'reason': 'request timed out'}]"
	expect_eq "$(py 'print(output("c2"))')" '[{"type":"text","text":"echo: after"}]'
}

test_approval_rules_in_exec() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__danger '{}'),$answer]"
	cx || fail "exec failed"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"user cancelled MCP tool call"}]'
	expect_eq "$(py 'print("tools/call" in methods())')" False
	# full access (never + danger-full-access): no question, the tool runs
	rm -f "$MLOG"
	mock "[$(fc c1 mcp__srv__danger '{}'),$answer]"
	cx --dangerously-bypass-approvals-and-sandbox || fail "exec failed"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"ran"}]'
}

test_enabled_tools_disabled_tools_and_enabled() {
	setup
	server srv
	printf 'enabled_tools = ["echo", "add", "danger"]\ndisabled_tools = ["danger"]\n' >> "$CODEX_HOME/config.toml"
	server off
	printf 'enabled = false\n' >> "$CODEX_HOME/config.toml"
	mock "[$answer]"
	cx || fail "exec failed"
	expect_eq "$(py 'print(" ".join(t for t in tools() if t.startswith("mcp__")))')" "mcp__srv__add mcp__srv__echo"
	expect_not_contains "$(cat "$T/err")" "mcp: off"
}

test_bad_arguments_are_answered_without_a_call() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__echo '"{not json"'),$answer]"
	cx || fail "exec failed"
	expect_contains "$(py 'print(output("c1"))')" '"text":"err: arguments: invalid JSON'
	expect_eq "$(py 'print("tools/call" in methods())')" False
}

test_long_names_are_hashed_to_64_chars() {
	setup
	printf '[{"name":"a-very-long-tool-name-that-goes-on-and-on-and-on","annotations":{"readOnlyHint":true},"inputSchema":{"type":"object"}}]' > "$T/tools.json"
	server a_server_with_a_long_name --tools "$T/tools.json"
	mock "[$answer]"
	cx || fail "exec failed"
	want=$(python3 -c 'import hashlib; n="mcp__a_server_with_a_long_name__a-very-long-tool-name-that-goes-on-and-on-and-on"; print("mcp__a_server_with_a_lon" + hashlib.sha1(n.encode()).hexdigest())')
	expect_eq "$(py 'print([t for t in tools() if t.startswith("mcp__")][0])')" "$want"
}

test_json_output_has_mcp_tool_call_items() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__echo '{"text":"j"}'),$answer]"
	cx --json || fail "exec failed"
	expect_contains "$(cat "$T/out")" '{"type":"item.started","item":{"id":"item_0","type":"mcp_tool_call","server":"srv","tool":"echo","arguments":{"text":"j"},"result":null,"error":null,"status":"in_progress"}}'
	expect_contains "$(cat "$T/out")" '"type":"mcp_tool_call","server":"srv","tool":"echo","arguments":{"text":"j"},"result":{"content":[{"type":"text","text":"echo: j"}]},"error":null,"status":"completed"}}'
}

# ---- streamable HTTP ----

# http_server [mock_mcp.py args...]: starts the mock over HTTP; sets MCP_URL.
http_server() {
	local pf=$T/mcp-port i
	start_bg python3 "$MCP_MOCK" --http --log "$MLOG" --port-file "$pf" "$@" > /dev/null
	for i in $(seq 1 200); do
		[ -f "$pf" ] && break
		sleep 0.05
	done
	[ -f "$pf" ] || fail "mock_mcp --http did not start"
	MCP_URL=http://127.0.0.1:$(cat "$pf")/mcp
}

http_case() {
	setup
	http_server "$@" --require-bearer tok123
	printf '[mcp_servers.web]\nurl = "%s"\nbearer_token_env_var = "WEB_TOKEN"\nhttp_headers = { X-Extra = "yes" }\n' "$MCP_URL" >> "$CODEX_HOME/config.toml"
	mock "[$(fc c1 mcp__web__add '{"a":1,"b":2}'),$answer]"
	WEB_TOKEN=tok123 cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1"))')" '{"sum":3}'
	expect_eq "$(py 'print(" ".join(methods()))')" "initialize notifications/initialized tools/list tools/call <DELETE>"
	expect_eq "$(py 'print(M[4]["headers"]["mcp-session-id"] == M[3]["headers"]["mcp-session-id"])')" True
	expect_eq "$(py 'print(M[3]["headers"]["authorization"], M[3]["headers"]["x-extra"], M[3]["headers"]["mcp-session-id"].startswith("mock-session-"))')" "Bearer tok123 yes True"
	expect_contains "$(py 'print(M[0]["headers"]["accept"])')" "text/event-stream"
}
test_http_transport_json() { http_case; }
test_http_transport_sse() { http_case --sse; }

test_http_expired_session_is_initialized_again_once() {
	setup
	http_server --expire-after 1
	printf '[mcp_servers.web]\nurl = "%s"\n' "$MCP_URL" >> "$CODEX_HOME/config.toml"
	mock "[$(fc c1 mcp__web__echo '{"text":"one"}'),$(fc c2 mcp__web__echo '{"text":"two"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1", 1))')" '[{"type":"text","text":"echo: one"}]'
	expect_eq "$(py 'print(output("c2"))')" '[{"type":"text","text":"echo: two"}]'
	expect_eq "$(py 'print(" ".join(methods()))')" "initialize notifications/initialized tools/list tools/call tools/call initialize notifications/initialized tools/call <DELETE>"
}

test_http_missing_token_variable_fails_that_server() {
	setup
	printf '[mcp_servers.web]\nurl = "http://127.0.0.1:9/mcp"\nbearer_token_env_var = "NO_SUCH_TOKEN_VAR"\n' >> "$CODEX_HOME/config.toml"
	mock "[$answer]"
	cx || fail "exec failed"
	expect_contains "$(cat "$T/err")" "Environment variable NO_SUCH_TOKEN_VAR for MCP server 'web' is not set"
	expect_eq "$(cat "$T/out")" "All done."
}

test_http_401_says_login_is_needed() {
	setup
	http_server --require-bearer right
	printf '[mcp_servers.web]\nurl = "%s"\nbearer_token_env_var = "WEB_TOKEN"\n' "$MCP_URL" >> "$CODEX_HOME/config.toml"
	mock "[$answer]"
	WEB_TOKEN=wrong cx || fail "exec failed"
	expect_contains "$(cat "$T/err")" "mcp: web failed:"
	expect_contains "$(cat "$T/err")" "codex mcp login web"
}

test_required_server_that_fails_fails_the_turn() {
	setup
	server must --mode crash
	printf 'required = true\n' >> "$CODEX_HOME/config.toml"
	mock "[$answer]"
	rc=0
	cx || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "required MCP servers failed to initialize: must: MCP client for \`must\` failed to start:"
	expect_eq "$(mock_count)" 0 "model requests"
}

test_per_tool_approval_mode() {
	setup
	server srv
	printf '[mcp_servers.srv.tools.danger]\napproval_mode = "approve"\n[mcp_servers.srv.tools.echo]\napproval_mode = "prompt"\n' >> "$CODEX_HOME/config.toml"
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"d1\",\"name\":\"mcp__srv__danger\",\"arguments\":\"{}\"}},{\"function_call\":{\"call_id\":\"e1\",\"name\":\"mcp__srv__echo\",\"arguments\":{\"text\":\"x\"}}},{\"completed\":\"r\"}]},$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("d1"))')" '[{"type":"text","text":"ran"}]'
	expect_eq "$(py 'print(output("e1"))')" '[{"type":"text","text":"user cancelled MCP tool call"}]'
}

test_config_errors_are_clear() {
	setup
	printf '[mcp_servers.s]\ncommand = "x"\nurl = "http://h/"\n' > "$CODEX_HOME/config.toml"
	mock "[$answer]"
	rc=0
	cx || rc=$?
	expect_eq "$rc" 1
	expect_contains "$(cat "$T/err")" "url is not supported for stdio"
	printf '[mcp_servers."bad.name"]\ncommand = "x"\n' > "$CODEX_HOME/config.toml"
	rc=0
	cx || rc=$?
	expect_eq "$rc" 1
	expect_contains "$(cat "$T/err")" "Invalid MCP server name 'bad.name': must match pattern ^[a-zA-Z0-9_-]+\$"
	printf '[mcp_servers.h]\nurl = "http://h/"\nbearer_token = "secret"\n' > "$CODEX_HOME/config.toml"
	rc=0
	cx || rc=$?
	expect_contains "$(cat "$T/err")" "bearer_token is not supported for streamable_http"
}

# ---- codex mcp ----

test_mcp_add_list_get_remove_keep_the_file() {
	setup
	printf '# hand-written\nmodel = "o3"   # keep me\n\n[profiles.fast]  # a profile\nmodel = "o4"\n' > "$CODEX_HOME/config.toml"
	cp "$CODEX_HOME/config.toml" "$T/orig.toml"
	expect_status 0 "$CODEX" mcp list
	expect_eq "$(cat "$T/out")" 'No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.'
	expect_status 0 "$CODEX" mcp add docs --env API_KEY=abc --env B=2 -- npx -y some-server --flag
	expect_eq "$(cat "$T/out")" "Added global MCP server 'docs'."
	expect_status 0 "$CODEX" mcp add remote --url http://127.0.0.1:9/mcp --bearer-token-env-var MY_TOKEN
	expect_eq "$(head -c "$(wc -c < "$T/orig.toml")" "$CODEX_HOME/config.toml")" "$(cat "$T/orig.toml")" "the original bytes"
	expect_contains "$(cat "$CODEX_HOME/config.toml")" '[mcp_servers.docs]
command = "npx"
args = ["-y", "some-server", "--flag"]

[mcp_servers.docs.env]
API_KEY = "abc"
B = "2"

[mcp_servers.remote]
url = "http://127.0.0.1:9/mcp"
bearer_token_env_var = "MY_TOKEN"'
	expect_status 0 "$CODEX" mcp list
	expect_eq "$(cat "$T/out")" 'Name  Command  Args                   Env                     Cwd  Status   Auth
docs  npx      -y some-server --flag  API_KEY=*****, B=*****  -    enabled  Unsupported

Name    Url                     Bearer Token Env Var  Status   Auth
remote  http://127.0.0.1:9/mcp  MY_TOKEN              enabled  Bearer token'
	expect_status 0 "$CODEX" mcp list --json
	expect_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[0]["transport"]["env"], d[1]["auth_status"], list(d[0]))' "$T/out")" \
		"{'API_KEY': 'abc', 'B': '2'} bearer_token ['name', 'enabled', 'disabled_reason', 'transport', 'startup_timeout_sec', 'tool_timeout_sec', 'auth_status']"
	expect_status 0 "$CODEX" mcp get docs
	expect_eq "$(cat "$T/out")" 'docs
  enabled: true
  transport: stdio
  command: npx
  args: -y some-server --flag
  cwd: -
  env: API_KEY=*****, B=*****
  remove: codex mcp remove docs'
	expect_status 1 "$CODEX" mcp get nope
	expect_eq "$(cat "$T/err")" "Error: No MCP server named 'nope' found."
	expect_status 0 "$CODEX" mcp remove docs
	expect_eq "$(cat "$T/out")" "Removed global MCP server 'docs'."
	expect_status 0 "$CODEX" mcp remove remote
	expect_status 0 "$CODEX" mcp remove remote
	expect_eq "$(cat "$T/out")" "No MCP server named 'remote' found."
	cmp "$CODEX_HOME/config.toml" "$T/orig.toml" || fail "add then remove changed the file"
}

test_mcp_add_refuses_bad_input_and_keeps_the_file() {
	setup
	printf 'model = "o3"\n' > "$CODEX_HOME/config.toml"
	expect_status 1 "$CODEX" mcp add bad.name -- x
	expect_eq "$(cat "$T/err")" "Error: invalid server name 'bad.name' (use letters, numbers, '-', '_')"
	expect_status 1 "$CODEX" mcp add x --env NOEQUALS -- y
	expect_eq "$(cat "$T/err")" "Error: environment entries must be in KEY=VALUE form"
	expect_status 1 "$CODEX" mcp add x --url http://h/mcp --env A=1
	expect_status 1 "$CODEX" mcp add x
	expect_eq "$(cat "$CODEX_HOME/config.toml")" 'model = "o3"'
	printf 'a = [\n' > "$CODEX_HOME/config.toml"
	expect_status 1 "$CODEX" mcp add x -- y
	expect_eq "$(cat "$CODEX_HOME/config.toml")" 'a = ['
}

test_mcp_login_logout_refuse_stdio_servers() {
	setup
	printf '[mcp_servers.s]\ncommand = "x"\n' > "$CODEX_HOME/config.toml"
	expect_status 1 "$CODEX" mcp login s
	expect_eq "$(cat "$T/err")" "Error: OAuth login is only supported for streamable HTTP servers."
	expect_status 1 "$CODEX" mcp logout s
	expect_eq "$(cat "$T/err")" "Error: OAuth logout is only supported for streamable_http transports."
	expect_status 1 "$CODEX" mcp login nope
	expect_eq "$(cat "$T/err")" "Error: No MCP server named 'nope' found."
}

# ---- OAuth (codex mcp login / logout, stored tokens used by exec) ----
# The mock MCP server is also the authorization server (--oauth); the browser is played by
# curl through $BROWSER, which codex runs with the authorize URL.

make_browser() {
	cat > "$T/browser" <<EOF
#!/bin/sh
echo "\$1" >> "$T/browser.urls"
exec curl -sS -L --max-time 30 -o "$T/page" -w '%{http_code}' "\$1" > "$T/browser.status" 2> "$T/browser.err"
EOF
	chmod +x "$T/browser"
}

# oauth_setup [mock_mcp.py args...]: the mock as an OAuth-protected server `web`.
oauth_setup() {
	setup
	http_server --oauth --oauth-required "$@"
	printf '[mcp_servers.web]\nurl = "%s"\n' "$MCP_URL" >> "$CODEX_HOME/config.toml"
	make_browser
}

# mlogin EXPECTED-STATUS [args...]: `codex mcp login web` with the curl browser.
mlogin() {
	local want=$1
	shift
	BROWSER=$T/browser expect_status "$want" timeout 60 env -u DISPLAY -u WAYLAND_DISPLAY \
		"$CODEX" mcp login web "$@"
}

# creds EXPR: python with C = the credentials file, K = upstream's key for `web`.
creds() {
	python3 - "$CODEX_HOME/.credentials.json" "$MCP_URL" <<EOF
import hashlib, json, sys
C = json.load(open(sys.argv[1]))
K = "web|" + hashlib.sha256(json.dumps({"type": "http", "url": sys.argv[2], "headers": {}},
                                       separators=(",", ":")).encode()).hexdigest()[:16]
$1
EOF
}

# oauth_calls: the authorization server's log, one "<VERB /path> grant" a line.
oauth_calls() {
	py 'print("\n".join(m["msg"]["method"] + (" " + m["msg"]["params"]["grant_type"] if m["msg"]["method"] == "<POST /token>" else "") for m in M if m["msg"].get("method", "").startswith("<") and "well-known" not in m["msg"]["method"] and m["msg"]["method"] != "<DELETE>"))'
}

test_mcp_oauth_login_end_to_end_and_exec_uses_the_token() {
	oauth_setup
	expect_status 0 "$CODEX" mcp list
	expect_contains "$(cat "$T/out")" "enabled  Not logged in"
	mlogin 0
	# upstream's lines, the URL codex printed is the one the browser got
	expect_eq "$(head -n1 "$T/out")" 'Authorize `web` by opening this URL in your browser:'
	expect_eq "$(sed -n 2p "$T/out")" "$(cat "$T/browser.urls")"
	expect_eq "$(tail -n1 "$T/out")" "Successfully logged in to MCP server 'web'."
	expect_eq "$(cat "$T/browser.status")" 200
	expect_eq "$(cat "$T/page")" "Authentication complete. You may close this window."
	expect_eq "$(oauth_calls | tr '\n' ' ')" "<POST /register> <GET /authorize> <POST /token> authorization_code "
	# registration: a public client named Codex for the loopback redirect
	expect_eq "$(py 'r = next(m["msg"]["params"] for m in M if m["msg"].get("method") == "<POST /register>"); print(r["client_name"], r["token_endpoint_auth_method"], r["redirect_uris"][0].startswith("http://127.0.0.1:"), r["redirect_uris"][0].endswith("/callback"))')" \
		"Codex none True True"
	# authorize: S256 PKCE, the discovered scopes (trimmed, deduplicated)
	expect_eq "$(py 'a = next(m["msg"]["params"] for m in M if m["msg"].get("method") == "<GET /authorize>"); print(a["code_challenge_method"], a["scope"], len(a["state"]) >= 32)')" \
		"S256 read write True"
	# the file: upstream's path and entry, 0600, nothing else beside it
	local f=$CODEX_HOME/.credentials.json
	expect_eq "$(stat -c %a "$f")" 600 mode
	expect_eq "$(ls -A "$CODEX_HOME" | tr '\n' ' ')" ".credentials.json config.toml "
	expect_eq "$(creds 'print(list(C) == [K], list(C[K]))')" \
		"True ['server_name', 'server_url', 'client_id', 'access_token', 'expires_at', 'refresh_token', 'scopes']"
	expect_eq "$(creds 'e = C[K]; print(e["server_name"], e["server_url"] == sys.argv[2], e["client_id"], e["access_token"], e["refresh_token"], e["scopes"])')" \
		"web True client-1 at-3 rt-3 ['read', 'write']"
	expect_eq "$(creds 'import time; print(3500 < C[K]["expires_at"] / 1000 - time.time() <= 3600)')" True
	expect_status 0 "$CODEX" mcp list
	expect_contains "$(cat "$T/out")" "enabled  OAuth"
	expect_status 0 "$CODEX" mcp list --json
	expect_contains "$(cat "$T/out")" '"auth_status": "o_auth"'
	# codex exec calls a tool of the protected server with the stored bearer
	: > "$MLOG"
	mock "[$(fc c1 mcp__web__add '{"a":2,"b":5}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1"))')" '{"sum":7}'
	expect_eq "$(py 'print(" ".join(methods()))')" "initialize notifications/initialized tools/list tools/call <DELETE>"
	expect_eq "$(py 'print(M[3]["headers"]["authorization"])')" "Bearer at-3"
}

test_mcp_oauth_callback_refuses_a_wrong_state() {
	oauth_setup
	local url cb i pid
	BROWSER=/nonexistent start_bg env -u DISPLAY -u WAYLAND_DISPLAY timeout 60 \
		"$CODEX" mcp login web > "$T/login.out" 2> "$T/login.err"
	pid=${bg_pids[-1]}
	for i in $(seq 1 400); do
		grep -q '(Browser launch failed' "$T/login.out" 2> /dev/null && break
		sleep 0.05
	done
	url=$(grep -m1 '/authorize?' "$T/login.out") || fail "no URL: $(cat "$T/login.out" "$T/login.err")"
	cb=$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlsplit(sys.argv[1]).query)["redirect_uri"][0])' "$url")
	# no browser: upstream's hint
	expect_contains "$(cat "$T/login.out")" "(Browser launch failed; please copy the URL above manually.)"
	# a callback with another state: refused, nothing stored, the login still waits
	expect_eq "$(curl -sS --max-time 20 -o "$T/resp" -w '%{http_code}' "$cb?code=stolen&state=wrong")" 400
	expect_eq "$(cat "$T/resp")" "State mismatch"
	# a forged provider error cannot end the login either
	expect_eq "$(curl -sS --max-time 20 -o "$T/resp" -w '%{http_code}' "$cb?error=access_denied")" 400
	expect_eq "$(cat "$T/resp")" "State mismatch"
	expect_eq "$(curl -sS --max-time 20 -o "$T/resp" -w '%{http_code}' "${cb%/callback}/other?code=x&state=y")" 400
	expect_eq "$(cat "$T/resp")" "Invalid OAuth callback"
	expect_eq "$(curl -sS --max-time 20 -o "$T/resp" -w '%{http_code}' "$cb")" 400
	[ ! -e "$CODEX_HOME/.credentials.json" ] || fail "stored after a refused state"
	# the real browser round trip completes it
	expect_eq "$(curl -sS -L --max-time 30 -o "$T/page" -w '%{http_code}' "$url")" 200
	wait "$pid" || fail "login exited with $?: $(cat "$T/login.err")"
	expect_eq "$(tail -n1 "$T/login.out")" "Successfully logged in to MCP server 'web'."
	# the stolen code never reached the token endpoint
	expect_not_contains "$(cat "$MLOG")" "stolen"
	expect_eq "$(creds 'print(C[K]["access_token"])')" at-3
}

test_mcp_oauth_expired_token_is_refreshed_before_use() {
	# Tokens that expire at once: the next session refreshes before its first POST.
	oauth_setup --token-ttl 0
	mlogin 0
	: > "$MLOG"
	mock "[$(fc c1 mcp__web__echo '{"text":"fresh"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: fresh"}]'
	expect_eq "$(oauth_calls | tr '\n' ' ')" "<POST /token> refresh_token "
	expect_eq "$(py 'print(next(m["msg"]["params"]["refresh_token"] for m in M if m["msg"].get("method") == "<POST /token>"))')" rt-3
	expect_eq "$(py 'print(next(m["headers"]["authorization"] for m in M if m["msg"].get("method") == "tools/call"))')" "Bearer at-4"
	# the refreshed tokens are stored (0600 still)
	expect_eq "$(creds 'print(C[K]["access_token"], C[K]["refresh_token"], C[K]["client_id"])')" "at-4 rt-4 client-1"
	expect_eq "$(stat -c %a "$CODEX_HOME/.credentials.json")" 600 mode
}

test_mcp_oauth_401_refreshes_once_and_retries() {
	oauth_setup
	mlogin 0
	# the server no longer takes the stored token (but it is not expired locally)
	creds 'C[K]["access_token"] = "revoked"; json.dump(C, open(sys.argv[1], "w"))'
	: > "$MLOG"
	mock "[$(fc c1 mcp__web__echo '{"text":"again"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(py 'print(output("c1"))')" '[{"type":"text","text":"echo: again"}]'
	expect_eq "$(py 'print(" ".join(m["headers"]["authorization"] for m in M if m["msg"].get("method") == "initialize"))')" \
		"Bearer revoked Bearer at-4"
	expect_eq "$(oauth_calls | tr '\n' ' ')" "<POST /token> refresh_token "
	expect_eq "$(creds 'print(C[K]["access_token"])')" at-4
	# a refresh that fails: one clear line, that server's tools only are lost, nothing
	# overwritten
	creds 'C[K]["access_token"] = "revoked"; C[K]["refresh_token"] = "rt-bogus"; json.dump(C, open(sys.argv[1], "w"))'
	cp "$CODEX_HOME/.credentials.json" "$T/before.json"
	mock "[$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "All done."
	expect_contains "$(cat "$T/err")" "failed to refresh the OAuth tokens of MCP server 'web': token endpoint returned status 400: invalid refresh token. Run \`codex mcp login web\`."
	cmp -s "$CODEX_HOME/.credentials.json" "$T/before.json" || fail "credentials overwritten"
}

test_mcp_oauth_logout_removes_the_credentials() {
	oauth_setup
	mlogin 0
	# another server's entry stays when web's goes
	creds 'C["other|0000000000000000"] = dict(C[K], server_name="other"); json.dump(C, open(sys.argv[1], "w"))'
	expect_status 0 "$CODEX" mcp logout web
	expect_eq "$(cat "$T/out")" "Removed OAuth credentials for 'web'."
	expect_eq "$(creds 'print(list(C))')" "['other|0000000000000000']"
	expect_eq "$(stat -c %a "$CODEX_HOME/.credentials.json")" 600 mode
	expect_status 0 "$CODEX" mcp logout web
	expect_eq "$(cat "$T/out")" "No OAuth credentials stored for 'web'."
	expect_status 0 "$CODEX" mcp list
	expect_contains "$(cat "$T/out")" "enabled  Not logged in"
	# the last entry gone: the file goes
	mlogin 0
	creds 'del C["other|0000000000000000"]; json.dump(C, open(sys.argv[1], "w"))'
	expect_status 0 "$CODEX" mcp logout web
	[ ! -e "$CODEX_HOME/.credentials.json" ] || fail "empty credentials file left behind"
}

test_mcp_oauth_scopes_flag_config_and_rejected_discovered_scopes() {
	oauth_setup --reject-scopes
	# discovered scopes refused by the provider: upstream's retry without scopes
	mlogin 0
	expect_contains "$(cat "$T/out")" "OAuth provider rejected discovered scopes. Retrying without scopes…"
	expect_eq "$(py 'print([m["msg"]["params"].get("scope") for m in M if m["msg"].get("method") == "<GET /authorize>"])')" \
		"['read write', None]"
	expect_eq "$(tail -n1 "$T/out")" "Successfully logged in to MCP server 'web'."
	# --scopes given and refused: no retry, the provider's error
	mlogin 1 --scopes ' a, b ,'
	expect_eq "$(py 'print([m["msg"]["params"].get("scope") for m in M if m["msg"].get("method") == "<GET /authorize>"][-1])')" "a b"
	expect_eq "$(cat "$T/err")" "Error: OAuth error: invalid_scope: unknown scope"
	# an explicit empty list in config.toml asks for no scopes
	printf 'scopes = []\noauth_resource = "https://res.example/"\n' >> "$CODEX_HOME/config.toml"
	mlogin 0
	expect_eq "$(py 'a = [m["msg"]["params"] for m in M if m["msg"].get("method") == "<GET /authorize>"][-1]; print(a.get("scope"), a["resource"])')" \
		"None https://res.example/"
}

test_mcp_oauth_callback_port_and_url_settings() {
	oauth_setup
	local port
	port=$(free_port)
	# mcp_oauth_callback_port: the listener's fixed port; mcp_oauth_callback_url: the
	# redirect URI advertised (its path is the callback path)
	{ printf 'mcp_oauth_callback_port = %s\nmcp_oauth_callback_url = "http://localhost:%s/cb/here"\n' "$port" "$port"
	  cat "$CODEX_HOME/config.toml"; } > "$T/c" && mv "$T/c" "$CODEX_HOME/config.toml"
	mlogin 0
	expect_eq "$(py 'print(next(m["msg"]["params"]["redirect_uris"][0] for m in M if m["msg"].get("method") == "<POST /register>"))')" \
		"http://localhost:$port/cb/here"
	expect_eq "$(tail -n1 "$T/out")" "Successfully logged in to MCP server 'web'."
	# a keyring store is refused by this build (no keyring client), plainly
	{ printf 'mcp_oauth_credentials_store = "keyring"\n'; cat "$CODEX_HOME/config.toml"; } > "$T/c" &&
		mv "$T/c" "$CODEX_HOME/config.toml"
	mlogin 1
	expect_contains "$(cat "$T/err")" 'mcp_oauth_credentials_store = "keyring" is not supported by this build'
}

test_mcp_oauth_without_registration_or_oauth_says_so() {
	oauth_setup --no-registration
	mlogin 1
	expect_eq "$(cat "$T/err")" "Error: the authorization server of MCP server 'web' does not support dynamic client registration"
	[ ! -e "$CODEX_HOME/.credentials.json" ] || fail "stored without a login"
	# a server without OAuth metadata: upstream's status and login error
	cleanup_bg
	setup
	http_server
	printf '[mcp_servers.plain]\nurl = "%s"\n' "$MCP_URL" > "$CODEX_HOME/config.toml"
	expect_status 0 "$CODEX" mcp list
	expect_contains "$(cat "$T/out")" "enabled  Unsupported"
	expect_status 1 "$CODEX" mcp login plain
	expect_eq "$(cat "$T/err")" "Error: No authorization support detected"
	expect_status 0 "$CODEX" mcp logout plain
	expect_eq "$(cat "$T/out")" "No OAuth credentials stored for 'plain'."
}

test_mcp_add_of_an_oauth_server_logs_in() {
	setup
	http_server --oauth
	make_browser
	BROWSER=$T/browser expect_status 0 timeout 60 env -u DISPLAY -u WAYLAND_DISPLAY \
		"$CODEX" mcp add web --url "$MCP_URL"
	expect_eq "$(head -n2 "$T/out")" "Added global MCP server 'web'.
Detected OAuth support. Starting OAuth flow…"
	expect_eq "$(tail -n1 "$T/out")" "Successfully logged in."
	expect_eq "$(py 'print(M[0]["msg"]["method"], M[0]["headers"]["mcp-protocol-version"])')" \
		"<GET /.well-known/oauth-authorization-server/mcp> 2024-11-05"
	expect_status 0 "$CODEX" mcp list
	expect_contains "$(cat "$T/out")" "enabled  OAuth"
}

test_mcp_added_server_is_used_by_exec() {
	setup
	expect_status 0 "$CODEX" mcp add added --env FOO=via-add -- python3 "$MCP_MOCK" --log "$MLOG"
	mock "[$(fc c1 mcp__added__env '{"name":"FOO"}'),$answer]"
	cx || fail "exec failed: $(cat "$T/err")"
	expect_contains "$(py 'print(output("c1"))')" "FOO=via-add"
}

# ---- codex mcp-server ----

# serve_client: $T/client.py (the scripted MCP client, tests/servers/mcp_client.py)
# against `codex mcp-server`; HOME is the test's own, so that the session's login shell
# (the shell snapshot) reads no profile of the machine's.
serve_client() {
	(cd "$T" && HOME="$T/home" MOCK_KEY=sk-test timeout 120 python3 \
		"$CODEX_TOP/tests/servers/mcp_client.py" "$T/client.py" -- "$CODEX" mcp-server \
		> "$T/out" 2> "$T/err") || fail "client: $(tail -5 "$T/err")"
}

test_mcp_server_answers_a_scripted_client_and_runs_turns() {
	setup
	mkdir -p "$T/proj"
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"x1\",\"name\":\"exec_command\",\"arguments\":{\"cmd\":\"touch escalated.txt\",\"sandbox_permissions\":\"require_escalated\",\"justification\":\"why\"}}},{\"completed\":\"r\"}]},$answer,{\"sse\":[{\"created\":\"r\"},{\"message\":\"Second.\"},{\"completed\":\"r\"}]}]"
	cat > "$T/client.py" <<PY
r = request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "0.1"}})
res = r["result"]
assert res["protocolVersion"] == "2025-06-18", res
assert res["capabilities"] == {"tools": {"listChanged": True}}, res
assert res["serverInfo"]["name"] == "codex-mcp-server", res
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
assert request("ping")["result"] == {}
tools = request("tools/list")["result"]["tools"]
assert [t["name"] for t in tools] == ["codex", "codex-reply"], tools
props = tools[0]["inputSchema"]["properties"]
assert sorted(props) == ["approval-policy", "base-instructions", "compact-prompt", "config", "cwd", "developer-instructions", "model", "profile", "prompt", "sandbox"], props
assert tools[0]["inputSchema"]["required"] == ["prompt"]
assert props["sandbox"]["enum"] == ["read-only", "workspace-write", "danger-full-access"]
assert sorted(tools[1]["inputSchema"]["properties"]) == ["conversationId", "prompt", "threadId"]
assert tools[0]["outputSchema"]["required"] == ["threadId", "content"]
asked = []
def on_request(m):
    asked.append(m)
    return {"decision": "approved"}
cfg = {"model_provider": "mock", "model_providers": {"mock": {"name": "mock", "base_url": "$BASE", "env_key": "MOCK_KEY"}}}
r = request("tools/call", {"name": "codex", "arguments": {"prompt": "do it", "cwd": "$T/proj", "approval-policy": "on-request", "config": cfg, "base-instructions": "BASE PROMPT", "developer-instructions": "DEV NOTE"}})
res = r["result"]
assert res["content"] == [{"type": "text", "text": "All done."}], res
tid = res["structuredContent"]["threadId"]
assert res["structuredContent"]["content"] == "All done."
events = [m for m in seen if m.get("method") == "codex/event"]
types = [e["params"]["msg"]["type"] for e in events]
for t in ["session_configured", "task_started", "exec_approval_request", "exec_command_begin", "exec_command_end", "agent_message", "task_complete"]:
    assert t in types, (t, types)
assert all(e["params"]["_meta"]["requestId"] == r["id"] and e["params"]["_meta"]["threadId"] == tid for e in events)
assert len(asked) == 1 and asked[0]["method"] == "elicitation/create", asked
a = asked[0]["params"]
assert a["codex_elicitation"] == "exec-approval" and a["codex_call_id"] == "x1", a
assert a["message"].startswith("Allow Codex to run"), a
r = request("tools/call", {"name": "codex-reply", "arguments": {"threadId": tid, "prompt": "again"}})
assert r["result"]["content"][0]["text"] == "Second.", r
r = request("tools/call", {"name": "codex-reply", "arguments": {"threadId": "nope", "prompt": "x"}})
assert r["result"]["isError"] is True and "Session not found" in r["result"]["content"][0]["text"], r
r = request("tools/call", {"name": "codex", "arguments": {}})
assert r["result"]["isError"] is True and "prompt" in r["result"]["content"][0]["text"], r
r = request("tools/call", {"name": "bogus", "arguments": {}})
assert r["result"]["content"][0]["text"] == "Unknown tool 'bogus'", r
assert request("initialize", {})["error"]["message"] == "initialize called more than once"
assert request("tasks/list")["error"]["code"] == -32601
assert close() == 0
print("client ok")
PY
	serve_client
	expect_eq "$(cat "$T/out")" "client ok"
	[ -e "$T/proj/escalated.txt" ] || fail "the approved command did not run"
	expect_eq "$(mock_count)" 3
	expect_contains "$(py 'print(json.dumps(R[2]["body"]["input"]))')" '"again"'
	expect_contains "$(py 'print(json.dumps(R[2]["body"]["input"]))')" '"do it"'
	expect_eq "$(py 'print(R[0]["body"]["instructions"])')" "BASE PROMPT"
	expect_eq "$(py 'print(R[0]["body"]["input"][1]["role"], R[0]["body"]["input"][1]["content"][0]["text"])')" "developer DEV NOTE"
}

test_interrupt_during_a_call_ends_the_turn_and_the_server() {
	setup
	server srv
	mock "[$(fc c1 mcp__srv__hang '{}'),$answer]"
	(cd "$T/ws" && exec env MOCK_KEY=sk-test "$CODEX" exec --skip-git-repo-check \
		-c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		go < /dev/null > "$T/out" 2> "$T/err") &
	pid=$!
	for i in $(seq 1 600); do
		grep -q '"tools/call"' "$MLOG" 2>/dev/null && break
		sleep 0.05
	done
	grep -q '"tools/call"' "$MLOG" || { kill "$pid"; fail "the call never reached the server"; }
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "task interrupted"
	! pgrep -f -- "--log $MLOG" > /dev/null || fail "the MCP server outlived the session"
	# (The cancellation notification is checked in tool_timeout, where a later call on
	# the same server proves it was read; here the server is stopped right after it.)
}

test_mcp_server_cancellation_interrupts_the_turn() {
	setup
	mkdir -p "$T/proj"
	server srv
	mock "[$(fc c1 mcp__srv__hang '{}'),$answer]"
	cat > "$T/client.py" <<PY
request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "0.1"}})
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
def on_notification(m):
    if m["params"]["msg"]["type"] == "mcp_tool_call_begin":
        send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}})
cfg = {"model_provider": "mock", "model_providers": {"mock": {"name": "mock", "base_url": "$BASE", "env_key": "MOCK_KEY"}}}
r = request("tools/call", {"name": "codex", "arguments": {"prompt": "hang", "cwd": "$T/proj", "config": cfg}})
assert r["result"]["isError"] is True, r
types = [m["params"]["msg"]["type"] for m in seen if m.get("method") == "codex/event"]
assert "mcp_tool_call_begin" in types and "turn_aborted" in types, types
assert close() == 0
print("client ok")
PY
	serve_client
	expect_eq "$(cat "$T/out")" "client ok"
}

test_mcp_server_client_leaving_mid_call_ends_everything() {
	setup
	mkdir -p "$T/proj"
	server srv
	mock "[$(fc c1 mcp__srv__hang '{}'),$answer]"
	cat > "$T/client.py" <<PY
request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "0.1"}})
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
cfg = {"model_provider": "mock", "model_providers": {"mock": {"name": "mock", "base_url": "$BASE", "env_key": "MOCK_KEY"}}}
send({"jsonrpc": "2.0", "id": 99, "method": "tools/call", "params": {"name": "codex", "arguments": {"prompt": "hang", "cwd": "$T/proj", "config": cfg}}})
import time
for i in range(1200):
    if any(m.get("method") == "codex/event" and m["params"]["msg"]["type"] == "mcp_tool_call_begin" for m in seen):
        break
    request("ping")
    time.sleep(0.05)
else:
    raise SystemExit("the MCP call never began")
assert close() == 0
print("client ok")
PY
	serve_client
	expect_eq "$(cat "$T/out")" "client ok"
	! pgrep -f -- "--log $MLOG" > /dev/null || fail "the session's MCP server outlived codex mcp-server"
}

# ---- a real MCP server from npm ----

# everything_server: @modelcontextprotocol/server-everything installed into build/ on first
# use; sets EVERYTHING (its bin) or returns 1 (skip) when npm cannot get it.
EVERYTHING_VERSION=2026.8.31
everything_server() {
	local dir=$CODEX_TOP/build/npm-mcp
	EVERYTHING=$dir/node_modules/.bin/mcp-server-everything
	[ -x "$EVERYTHING" ] && return 0
	command -v npm > /dev/null && command -v node > /dev/null ||
		{ echo "# skip: node/npm are not installed (tests/install-deps.sh installs them)"; return 1; }
	mkdir -p "$dir"
	timeout 300 npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
		"@modelcontextprotocol/server-everything@$EVERYTHING_VERSION" > "$T/npm.log" 2>&1 ||
		{ echo "# skip: npm could not install server-everything: $(tail -2 "$T/npm.log")"; return 1; }
	[ -x "$EVERYTHING" ]
}

test_real_npm_server_everything_over_stdio() {
	setup
	everything_server || return 0
	printf '[mcp_servers.everything]\ncommand = "%s"\nargs = ["stdio"]\n' "$EVERYTHING" >> "$CODEX_HOME/config.toml"
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"e1\",\"name\":\"mcp__everything__echo\",\"arguments\":{\"message\":\"hello real server\"}}},{\"function_call\":{\"call_id\":\"s1\",\"name\":\"mcp__everything__get_sum\",\"arguments\":{\"a\":2,\"b\":40}}},{\"function_call\":{\"call_id\":\"i1\",\"name\":\"mcp__everything__get_tiny_image\",\"arguments\":\"{}\"}},{\"completed\":\"r\"}]},$answer]"
	cx || fail "exec failed: $(tail -5 "$T/err")"
	expect_contains "$(py 'print(" ".join(tools()))')" "mcp__everything__echo mcp__everything__get_annotated_message"
	expect_eq "$(py 'print(json.dumps(tool("mcp__everything__get_sum")["parameters"], sort_keys=True))')" \
		'{"properties": {"a": {"description": "First number", "type": "number"}, "b": {"description": "Second number", "type": "number"}}, "required": ["a", "b"], "type": "object"}'
	expect_contains "$(py 'print(output("e1"))')" "hello real server"
	expect_contains "$(py 'print(output("s1"))')" "42"
	expect_contains "$(py 'print([i["type"] for i in json.loads(output("i1"))])')" "input_image"
	expect_eq "$(cat "$T/out")" "All done."
}

test_real_npm_server_everything_over_streamable_http() {
	setup
	everything_server || return 0
	port=$(free_port)
	PORT=$port start_bg "$EVERYTHING" streamableHttp > "$T/everything.log" 2>&1
	wait_for_port "$port" 30
	printf '[mcp_servers.web]\nurl = "http://127.0.0.1:%s/mcp"\n' "$port" >> "$CODEX_HOME/config.toml"
	mock "[$(fc e1 mcp__web__echo '{"message":"over http"}'),$answer]"
	cx || fail "exec failed: $(tail -5 "$T/err")"
	expect_contains "$(py 'print(output("e1"))')" "over http"
}

run_tests
