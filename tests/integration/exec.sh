# `codex exec` end to end: the real binary, the real sandbox, against the scripted model
# mock (tests/servers/mock_responses.py): what it sends, what it runs, what it prints,
# how it fails. As root and, where the sandbox matters, as an unprivileged user.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"
MS=$CODEX_TOP/tests/servers/mock_script.py
# Under `make check` the agent runs its own (sanitizer) binary inside the sandbox to apply
# patches, where LeakSanitizer cannot work (no ptrace): commands get leak checking off
# through the agent's own environment policy; the agent itself keeps it.
CHECK_ENV=()
if [ -n "${CODEX_CHECK:-}" ]; then
	CHECK_ENV=(-c "shell_environment_policy.set.ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\"")
fi

# mock SCRIPT-JSON: writes the script, starts the mock, sets BASE.
mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# cx USER [exec args...]: `codex exec` as USER in $T/ws against the mock, stdout in
# $T/out, stderr in $T/err; returns its status.
cx() {
	local who=$1 rc=0
	shift
	chmod 644 "$T/script.json" 2>/dev/null || true
	[ "$who" = user ] && chown -R $NOBODY:$NOBODY "$CODEX_HOME"
	# HOME: the test's own, so that the session's login shell (the shell snapshot) reads
	# no profile of the machine's user.
	as "$who" env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test "$CODEX" exec \
		-c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		${CHECK_ENV[@]+"${CHECK_ENV[@]}"} \
		"$@" < "${CX_STDIN:-/dev/null}" > "$T/out" 2> "$T/err" || rc=$?
	# a test that did not expect it stops here (set -e): say why, shown with its failure
	[ $rc = 0 ] || { echo "# codex exec exited $rc; its stderr ends:"; tail -n 15 "$T/err"; } >&2
	return $rc
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":{"input_tokens":10,"cached_input_tokens":2,"output_tokens":5,"total_tokens":15}}]}'

fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}

test_plain_answer() {
	setup root
	mock "[$answer]"
	cx root "say hi"
	expect_eq "$(cat "$T/out")" "All done." stdout
	expect_contains "$(cat "$T/err")" "session id:"
	expect_eq "$(mock_get 0 headers.originator)" codex_exec
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-test"
	expect_eq "$(mock_get 0 body.input.0.role)" developer
	expect_contains "$(mock_get 0 body.input.0.content.0.text)" "<permissions instructions>"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "<environment_context>"
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "say hi"
	expect_eq "$(mock_get 0 body.prompt_cache_key)" "$(mock_get 0 headers.session_id)"
	tools=$(mock_get 0 body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))')
	expect_eq "$tools" "exec_command write_stdin update_plan request_user_input apply_patch web_search view_image spawn_agent send_input resume_agent wait_agent close_agent"
}

test_exec_command_then_answer() {
	setup root
	mock "[$(fc c1 exec_command '{"cmd":"echo hello; echo err >&2; exit 3"}'),$answer]"
	cx root "run it"
	out=$(mock_call_output c1)
	expect_contains "$out" "Command: /bin/bash -lc 'echo hello; echo err >&2; exit 3'"
	expect_contains "$out" "Process exited with code 3"
	expect_contains "$out" "hello"
	expect_contains "$out" "Original token count:"
	expect_contains "$(cat "$T/err")" "exited 3 in"
}

test_write_stdin_continues_a_running_command() {
	setup root
	mock "[$(fc c1 exec_command '{"cmd":"read x; echo got:$x","tty":true,"yield_time_ms":250}'),$(fc c2 write_stdin '{"session_id":1000,"chars":"hi\n","yield_time_ms":30000}'),$answer]"
	cx root "talk to it"
	expect_contains "$(mock_call_output c1)" "Process running with session ID 1000"
	out=$(mock_call_output c2)
	expect_contains "$out" "got:hi"
	expect_contains "$out" "Process exited with code 0"
}

apply_patch_edits() {
	setup "$1"
	printf 'one\ntwo\n' > f.txt
	[ "$1" = user ] && chown $NOBODY:$NOBODY f.txt
	patch='*** Begin Patch\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** Add File: new.txt\n+hi\n*** End Patch\n'
	bad='*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$patch\"}},{\"completed\":\"r\"}]},{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p2\",\"name\":\"apply_patch\",\"input\":\"$bad\"}},{\"completed\":\"r\"}]},$answer]"
	cx "$1" --full-auto --json "edit"
	expect_eq "$(cat f.txt)" "$(printf 'one\ndeux')" f.txt
	expect_eq "$(cat new.txt)" hi new.txt
	expect_contains "$(mock_call_output p1)" "Success. Updated the following files:"
	expect_contains "$(mock_call_output p2)" "apply_patch verification failed"
	expect_contains "$(cat "$T/out")" '"type":"file_change"'
}
test_apply_patch_edits_and_a_failing_patch_root() { apply_patch_edits root; }
test_apply_patch_edits_and_a_failing_patch_user() { apply_patch_edits user; }

test_update_plan_becomes_todo_list() {
	setup root
	mock "[$(fc u1 update_plan '{"plan":[{"step":"a","status":"completed"},{"step":"b","status":"pending"}]}'),$answer]"
	cx root --json "plan"
	expect_eq "$(mock_call_output u1)" "Plan updated"
	expect_contains "$(cat "$T/out")" '{"type":"item.started","item":{"id":"item_0","type":"todo_list","items":[{"text":"a","completed":true},{"text":"b","completed":false}]}}'
	expect_contains "$(cat "$T/out")" '{"type":"item.completed","item":{"id":"item_0","type":"todo_list"'
}

sandbox_denial() {
	setup "$1"
	mock "[$(fc d1 exec_command "{\"cmd\":\"echo before; echo x > $T/outside/target\"}"),$answer]"
	cx "$1" "write outside"
	out=$(mock_call_output d1)
	expect_contains "$out" "Process exited with code 1"
	expect_contains "$out" "before"
	expect_contains "$out" "codex: the sandbox denied this command an operation"
	expect_not_contains "$out" "SandboxDenied"
	expect_outside_intact
}
test_sandbox_denial_root() { sandbox_denial root; }
test_sandbox_denial_user() { sandbox_denial user; }

test_escalation_refused_under_never() {
	setup root
	mock "[$(fc e1 exec_command '{"cmd":"touch escalated","sandbox_permissions":"require_escalated","justification":"why"}'),$answer]"
	cx root --full-auto "escalate"
	expect_eq "$(mock_call_output e1)" "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
	[ ! -e escalated ] || fail "the command ran"
}

# exec answers no approvals, so an automatic reviewer never runs either (upstream
# 0.118 forces `never` whatever approvals_reviewer says): no reviewer request, no
# verdict on stderr or in the JSON.
test_reviewer_not_asked_under_never() {
	local call='{"cmd":"touch escalated","sandbox_permissions":"require_escalated","justification":"why"}'
	setup root
	mock "[$(fc e1 exec_command "$call"),$answer]"
	cx root -c 'approvals_reviewer="guardian_subagent"' -c features.guardian_approval=true \
		-c 'approval_policy="on-request"' --full-auto "escalate"
	expect_contains "$(mock_call_output e1)" "approval policy is Never; reject command"
	expect_eq "$(mock_count)" 2 "model requests (no reviewer)"
	expect_not_contains "$(cat "$T/err")" "Automatic approval review"
	mock "[$(fc e1 exec_command "$call"),$answer]"
	cx root -c 'approvals_reviewer="guardian_subagent"' -c features.guardian_approval=true \
		--full-auto --json "escalate"
	expect_eq "$(mock_count)" 2 "model requests (no reviewer, --json)"
	expect_not_contains "$(cat "$T/out")" "review"
}

blocked_domain() {
	setup "$1"
	mock "[$(fc n1 exec_command '{"cmd":"curl -sS -o /dev/null http://blocked.test/ ; echo rc=$?"}'),$answer]"
	cx "$1" --full-auto -c network.enabled=true -c 'network.allowed_domains=["allowed.test"]' "fetch"
	out=$(mock_call_output n1)
	expect_contains "$out" "blocked.test"
	expect_contains "$out" "not allowed"
}
test_blocked_domain_with_network_enabled_root() { blocked_domain root; }
test_blocked_domain_with_network_enabled_user() { blocked_domain user; }

test_retries_after_500_cut_stream_and_429() {
	setup root
	mock "[{\"status\":500,\"body\":{\"error\":{\"message\":\"boom\"}}},{\"sse\":[{\"created\":\"r\"},{\"message\":\"partial\"},{\"completed\":\"r\"}],\"cut_after\":1},{\"status\":429,\"body\":{\"error\":{\"message\":\"slow down\"}},\"headers\":{\"Retry-After\":\"0\"}},$answer]"
	cx root "retry"
	expect_eq "$(cat "$T/out")" "All done." stdout
	expect_eq "$(mock_count)" 4 requests
}

test_output_last_message_file() {
	setup root
	mock "[$answer]"
	cx root -o "$T/last.txt" "hi"
	expect_eq "$(cat "$T/last.txt")" "All done."
}

test_output_schema_request_shape() {
	setup root
	echo '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}' > "$T/schema.json"
	mock "[$answer]"
	cx root --output-schema "$T/schema.json" "json please"
	expect_eq "$(mock_get 0 body.text.format.type)" json_schema
	expect_eq "$(mock_get 0 body.text.format.name)" codex_output_schema
	expect_eq "$(mock_get 0 body.text.format.strict)" true
	expect_eq "$(mock_get 0 body.text.format.schema.required)" '["a"]'
}

test_agents_md_reaches_the_request() {
	setup root
	echo "Always answer in French." > AGENTS.md
	mock "[$answer]"
	cx root "hi"
	python3 - "$MOCK_LOG" <<'PY' || fail "AGENTS.md not in the request"
import json, sys
req = json.loads(open(sys.argv[1]).readline())
texts = [c.get("text", "") for i in req["body"]["input"] for c in i.get("content", [])]
sys.exit(0 if any("# AGENTS.md instructions for" in t and "Always answer in French." in t for t in texts) else 1)
PY
}

test_resume_last_continues_the_history() {
	setup root
	mock "[$answer,$answer]"
	cx root --json "first question"
	first=$(head -1 "$T/out")
	cx root --json resume --last "second question"
	expect_eq "$(head -1 "$T/out")" "$first" "thread.started"
	python3 - "$MOCK_LOG" <<'PY' || fail "the old history was not sent"
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]  # request lines only
texts = [c.get("text", "") for i in reqs[1]["body"]["input"] for c in i.get("content", [])]
sys.exit(0 if "first question" in texts and "All done." in texts and texts[-1] == "second question" else 1)
PY
	ls "$CODEX_HOME"/sessions/*/*/*/rollout-*.jsonl > /dev/null
}

test_ephemeral_writes_no_session() {
	setup root
	mock "[$answer]"
	cx root --ephemeral "hi"
	[ ! -e "$CODEX_HOME/sessions" ] || fail "a session file was written"
}

test_ctrl_c_mid_command() {
	setup root
	mock "[$(fc k1 exec_command '{"cmd":"touch started; sleep 1000","yield_time_ms":30000}'),$answer]"
	chmod 644 "$T/script.json"
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test "$CODEX" exec --full-auto \
		-c model_provider=mock -c "model_providers.mock.base_url=$BASE" \
		-c model_providers.mock.env_key=MOCK_KEY "sleep" < /dev/null > "$T/out" 2> "$T/err" &
	pid=$!
	wait_file started -e
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "task interrupted"
	for i in $(seq 1 100); do pgrep -f "sleep 1000" > /dev/null || break; sleep 0.05; done
	! pgrep -f "sleep 1000" > /dev/null || fail "the command is still running"
}

test_chat_wire() {
	setup root
	mock '[{"chat":[{"content":"Hel"},{"content":"lo from chat"},{"finish":"stop"}]}]'
	cx root -c model_providers.mock.wire_api=chat "hi"
	expect_eq "$(cat "$T/out")" "Hello from chat" stdout
	expect_eq "$(mock_get 0 path)" /v1/chat/completions
}

test_json_lines_follow_upstream_schema() {
	setup root
	mock "[$(fc c1 exec_command '{"cmd":"echo hi"}'),$answer]"
	cx root --json "go"
	python3 - "$T/out" <<'PY' || fail "a line does not follow the schema"
import json, sys
item_types = {"agent_message": {"text"}, "reasoning": {"text"},
              "command_execution": {"command", "aggregated_output", "exit_code", "status"},
              "file_change": {"changes", "status"}, "todo_list": {"items"},
              "web_search": {"query"}, "error": {"message"}}
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0]["type"] == "thread.started" and set(lines[0]) == {"type", "thread_id"}
assert lines[1] == {"type": "turn.started"}
for o in lines[2:-1]:
    if o["type"] == "error":
        assert set(o) == {"type", "message"}
        continue
    assert o["type"] in ("item.started", "item.updated", "item.completed"), o
    it = o["item"]
    assert it["id"].startswith("item_") and set(it) == {"id", "type"} | item_types[it["type"]], it
last = lines[-1]
assert last["type"] == "turn.completed" and set(last["usage"]) == {"input_tokens", "cached_input_tokens", "output_tokens"}
PY
}

# ---- bad input ----

test_malformed_sse_is_a_clear_error() {
	setup root
	mock '[{"sse":[{"raw":"data: {not json\n\n"},{"raw":"event: x\ndata: \u0001\n\n"}]},{"sse":[{"raw":"garbage"}]},{"sse":[{"raw":"garbage"}]},{"sse":[{"raw":"garbage"}]},{"sse":[{"raw":"garbage"}]},{"sse":[{"raw":"garbage"}]}]'
	rc=0
	cx root -c model_providers.mock.stream_max_retries=1 "hi" || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "ERROR:"
}

test_non_json_arguments_and_unknown_tool() {
	setup root
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"b1\",\"name\":\"exec_command\",\"arguments\":\"{not json\"}},{\"function_call\":{\"call_id\":\"b2\",\"name\":\"no_such_tool\",\"arguments\":{}}},{\"completed\":\"r\"}]},$answer]"
	cx root "bad"
	expect_contains "$(mock_call_output b1)" "failed to parse function arguments"
	expect_eq "$(mock_call_output b2)" "unsupported call: no_such_tool"
}

test_huge_tool_output_is_truncated() {
	setup root
	mock "[$(fc h1 exec_command '{"cmd":"head -c 100000000 /dev/zero | tr \"\\\\0\" a"}'),$answer]"
	cx root "flood"
	out=$(mock_call_output h1)
	expect_contains "$out" "tokens truncated"
	[ "${#out}" -lt 100000 ] || fail "the model got ${#out} bytes"
}

test_a_model_that_loops_on_tool_calls_is_stopped() {
	setup root
	python3 - > "$T/script.json" <<'PY'
import json
r = {"sse": [{"created": "r"}, {"function_call": {"call_id": "l", "name": "update_plan", "arguments": {"plan": []}}}, {"completed": "r"}]}
print(json.dumps([r] * 401))
PY
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
	rc=0
	cx root "loop" || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "without finishing"
}

# ---- front end ----

# -i/--image: each file goes with the prompt as an input_image data: URL, after the text;
# a file that is not an image ends it with one clear error line and exit 1, before any
# request.
test_image_flag_attaches_data_urls() {
	setup root
	mock "[$answer]"
	python3 -c 'import base64,sys; open(sys.argv[1],"wb").write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))' "$T/a.png"
	printf '\xff\xd8\xff\xe0rest-of-a-jpeg' > "$T/b.jpg"
	cx root -i "$T/a.png" --image "$T/b.jpg" "look"
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "look"
	expect_eq "$(mock_get 0 body.input.2.content.1.type)" input_image
	expect_eq "$(mock_get 0 body.input.2.content.1.image_url)" "data:image/png;base64,$(base64 -w0 "$T/a.png")"
	expect_eq "$(mock_get 0 body.input.2.content.2.image_url)" "data:image/jpeg;base64,$(base64 -w0 "$T/b.jpg")"
	echo "plain text" > "$T/c.png"
	rc=0
	cx root -i "$T/c.png" "look" || rc=$?
	expect_eq "$rc" 1 "exit status for a file that is not an image"
	expect_contains "$(tail -n 1 "$T/err")" "c.png is not a PNG, JPEG, GIF or WebP image"
	expect_eq "$(mock_count)" 1 "requests"
}

test_prompt_from_stdin_and_both() {
	setup root
	mock "[$answer,$answer,$answer]"
	echo "from stdin" > "$T/in"
	CX_STDIN=$T/in cx root
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "from stdin"
	CX_STDIN=$T/in cx root "the task"
	expect_eq "$(mock_get 1 body.input.2.content.0.text)" "$(printf 'the task\n\n<stdin>\nfrom stdin\n</stdin>')"
	: > "$T/empty"
	rc=0
	CX_STDIN=$T/empty cx root || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "No prompt provided via stdin."
}

# As upstream 0.118: every request of a turn carries x-codex-turn-metadata (the same
# turn_id), with the repository's remotes, HEAD and changes; rate-limit headers reach the
# rollout's token_count events as upstream's snapshot.
test_turn_metadata_header_and_rate_limits() {
	setup root
	git add src/main.c && git -c user.email=t@t -c user.name=t commit -qm init
	git remote add origin https://example.test/r.git
	head=$(git rev-parse HEAD)
	rl='"headers":{"x-codex-primary-used-percent":"12.5","x-codex-primary-window-minutes":"300","x-codex-primary-reset-at":"1765000000"}'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c1\",\"name\":\"exec_command\",\"arguments\":{\"cmd\":\"true\"}}},{\"completed\":\"r\"}],$rl},$answer]"
	cx root --full-auto "meta"
	m0=$(mock_get 0 'headers.x-codex-turn-metadata')
	m1=$(mock_get 1 'headers.x-codex-turn-metadata')
	expect_eq "$m1" "$m0" "the second request's metadata"
	want=$(python3 -c 'import json,sys; print(json.dumps({"session_id":sys.argv[1],"turn_id":"T","workspaces":{sys.argv[2]:{"associated_remote_urls":{"origin":"https://example.test/r.git"},"latest_git_commit_hash":sys.argv[3],"has_changes":False}},"sandbox":"seccomp"},separators=(",",":")))' "$(mock_get 0 headers.session_id)" "$T/ws" "$head")
	got=$(printf '%s' "$m0" | python3 -c 'import json,sys,re; o=json.load(sys.stdin); assert re.fullmatch("[0-9a-f-]{36}", o["turn_id"]); o["turn_id"]="T"; print(json.dumps(o,separators=(",",":")))')
	expect_eq "$got" "$want" x-codex-turn-metadata
	tc=$(grep -h '"token_count"' "$CODEX_HOME"/sessions/*/*/*/*.jsonl)
	expect_contains "$tc" '"info":null,"rate_limits":{"limit_id":"codex","limit_name":null,"primary":{"used_percent":12.5,"window_minutes":300,"resets_at":1765000000},"secondary":null,"credits":null,"plan_type":null}'
	expect_contains "$tc" '"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"plan_type":null}'
}

# As upstream 0.118: another limit family's headers (x-<limit-id>-*) make a token_count
# of its own, after the codex one, with its limit id and name; the last snapshot is the
# one the response's final token_count carries.
test_rate_limit_families_in_the_rollout() {
	setup root
	mock '[{"sse":[{"created":"r"},{"message":"All done."},{"completed":{"total_tokens":3}}],"headers":{"x-codex-primary-used-percent":"12.5","x-codex-other-primary-used-percent":"40","x-codex-other-primary-window-minutes":"60","x-codex-other-limit-name":"Other"}}]'
	cx root --skip-git-repo-check "families"
	got=$(grep -h '"token_count"' "$CODEX_HOME"/sessions/*/*/*/*.jsonl | python3 -c '
import json, sys
for l in sys.stdin:
    p = json.loads(l)["payload"]
    r = p["rate_limits"]
    print(p["info"] is not None, r["limit_id"], r["limit_name"], r["primary"] and r["primary"]["used_percent"])
')
	expect_eq "$got" "False codex None 12.5
False codex_other Other 40
True codex_other Other 40" "token_count events"
}

test_turn_metadata_outside_a_repository_and_without_sandbox() {
	setup root
	# $T may lie inside a checkout: a directory of /tmp is outside any repository.
	nogit=$(mktemp -d /tmp/codex-nogit-XXXXXX)
	cd "$nogit"
	mock "[$answer]"
	cx root --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "meta" || true
	cd "$T" && rm -rf "$nogit"
	keys=$(mock_get 0 'headers.x-codex-turn-metadata' | python3 -c 'import json,sys; o=json.load(sys.stdin); print(" ".join(o), o["sandbox"])')
	expect_eq "$keys" "session_id turn_id sandbox none"
}

# The human log as upstream 0.118 prints it: whole command output then a blank line,
# "apply patch" / "patch: completed" / the files, the turn's git-style diff (blob ids as
# git computes them), the plan's steps, "codex", and the blended token total.
# As upstream's exec, the session's start syncs the curated plugins' marketplace (here a
# local repository) in the background: the checkout and its sha appear although exec
# never waits for them. One sync at a time: with the lock held, a sync refuses to run
# and changes nothing.
test_exec_start_syncs_the_curated_plugins() {
	local sha out
	setup root
	mkdir -p "$T/curated/.agents/plugins"
	printf '{"name": "openai-curated", "plugins": []}\n' > "$T/curated/.agents/plugins/marketplace.json"
	git -C "$T/curated" init -q
	git -C "$T/curated" add -A
	git -C "$T/curated" -c user.name=t -c user.email=t@t commit -qm one
	sha=$(git -C "$T/curated" rev-parse HEAD)
	mock "[$answer]"
	CODEX_CURATED_PLUGINS_URL=file://$T/curated cx root "say hi"
	expect_eq "$(cat "$T/out")" "All done." stdout
	wait_file "$CODEX_HOME/.tmp/plugins.sha"
	expect_eq "$(cat "$CODEX_HOME/.tmp/plugins.sha")" "$sha" "the synced commit"
	[ -f "$CODEX_HOME/.tmp/plugins/.agents/plugins/marketplace.json" ] || fail "no marketplace"
	command -v flock > /dev/null || { echo "SKIP: no flock(1) for the lock half"; return 0; }
	git -C "$T/curated" -c user.name=t -c user.email=t@t commit -q --allow-empty -m two
	mkdir -p "$T/bin"
	ln -s "$CODEX" "$T/bin/codex-plugins-sync"
	if out=$(flock "$CODEX_HOME/.tmp" \
		"$T/bin/codex-plugins-sync" "$CODEX_HOME" "file://$T/curated" 2>&1); then
		fail "a sync ran beside another: $out"
	fi
	expect_contains "$out" "codex: error: another curated plugins sync is under way"
	expect_eq "$(cat "$CODEX_HOME/.tmp/plugins.sha")" "$sha" "the checkout left alone"
	out=$("$T/bin/codex-plugins-sync" "$CODEX_HOME" "file://$T/curated" 2>&1) || fail "sync: $out"
	expect_eq "$out" "$(git -C "$T/curated" rev-parse HEAD) updated" "the lock let go"
}

test_human_output_as_upstream() {
	setup root
	printf 'one\ntwo\n' > f.txt
	patch='*** Begin Patch\n*** Add File: new.txt\n+hi\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** End Patch\n'
	mock "[$(fc c1 exec_command '{"cmd":"seq 1 25"}'),{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$patch\"}},{\"completed\":{\"input_tokens\":100,\"cached_input_tokens\":40,\"output_tokens\":7,\"total_tokens\":107}}]},$(fc u1 update_plan '{"plan":[{"step":"a","status":"completed"},{"step":"b","status":"in_progress"}]}'),$answer]"
	old=$(git hash-object f.txt)
	cx root --full-auto "do it"
	new=$(git hash-object f.txt)
	hi=$(git hash-object new.txt)
	err=$(cat "$T/err")
	expect_contains "$err" "$(printf "exec\n/bin/bash -lc 'seq 1 25' in %s\n succeeded in" "$T/ws")"
	expect_contains "$err" "$(printf '24\n25\n\napply patch\npatch: completed\n%s/f.txt\n%s/new.txt\ndiff --git a/f.txt b/f.txt\nindex %s..%s\n--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+deux\ndiff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..%s\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hi\n' "$T/ws" "$T/ws" "$old" "$new" "$hi")"
	expect_contains "$err" "$(printf '  \xe2\x9c\x93 a\n  \xe2\x86\x92 b\n')"
	expect_contains "$err" "$(printf 'codex\nAll done.\n')"
	# Usage comes from the patch's response (100 in, 40 cached, 7 out) and the answer's
	# (10 in, 2 cached, 5 out): input not cached plus output.
	expect_contains "$err" "$(printf 'tokens used\n%d' $((100 - 40 + 7 + 10 - 2 + 5)))"
	expect_contains "$err" "reasoning effort: none"
	expect_eq "$(cat "$T/out")" "All done." stdout
}

# The shell snapshot (upstream's shell_snapshot feature): -lc commands in the session's
# cwd run as a plain shell with the environment the login shell set up, once; the
# policy's exclusions still apply; elsewhere, with login:false, or with the feature off
# they are unchanged.
test_shell_snapshot_replaces_the_login_shell() {
	setup root
	printf 'echo chatter\nexport FROM_PROFILE=yes\nexport PATH=/opt/from-profile:$PATH\nexport MY_TOKEN=secret\n' > "$T/home/.profile"
	probe='shopt -q login_shell && echo login || echo plain; echo ${FROM_PROFILE:-unset} ${MY_TOKEN:-unset} ${PATH%%:*}'
	args() { python3 -c 'import json,sys; d={"cmd":sys.argv[1]}; d.update(json.loads(sys.argv[2])); print(json.dumps(json.dumps(d)))' "$probe" "$1"; }
	mock "[$(fc s1 exec_command "$(args '{}')"),$(fc s2 exec_command "$(args '{"login":false}')"),$(fc s3 exec_command "$(args '{"workdir":"/"}')"),$answer]"
	cx root --full-auto "env"
	expect_contains "$(mock_call_output s1)" "$(printf 'plain\nyes unset /opt/from-profile')"
	expect_contains "$(mock_call_output s1)" "Command: /bin/bash -lc"
	expect_not_contains "$(mock_call_output s1)" chatter
	expect_contains "$(mock_call_output s2)" "$(printf 'plain\nunset unset')"
	expect_contains "$(mock_call_output s3)" "$(printf 'chatter\nlogin\nyes secret /opt/from-profile')"
	mock "[$(fc s1 exec_command "$(args '{}')"),$answer]"
	cx root --full-auto -c features.shell_snapshot=false "env"
	expect_contains "$(mock_call_output s1)" "$(printf 'chatter\nlogin\nyes secret')"
}

# The model over HTTPS, trusting a test CA through SSL_CERT_FILE, a command run between
# the two requests; a CA it does not trust is one clear error.
test_https_with_a_test_ca() {
	setup root
	make_ca "$T/ca"
	printf '%s\n' "[$(fc c1 exec_command '{"cmd":"echo over-tls"}'),$answer]" > "$T/script.json"
	start_mock "$T/script.json" --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	BASE=https://localhost:$MOCK_PORT/v1
	SSL_CERT_FILE=$T/ca/ca.pem cx root --full-auto "tls"
	expect_eq "$(cat "$T/out")" "All done." stdout
	expect_contains "$(mock_call_output c1)" over-tls
	make_ca "$T/other"
	rc=0
	SSL_CERT_FILE=$T/other/ca.pem cx root -c model_providers.mock.request_max_retries=0 \
		-c model_providers.mock.stream_max_retries=0 "tls" || rc=$?
	expect_eq "$rc" 1 "exit status with an untrusted CA"
	expect_contains "$(cat "$T/err")" "could not be verified"
}

test_refuses_outside_a_git_repository() {
	setup root
	plain=$(mktemp -d /var/tmp/codex-exec-nogit-XXXXXX)
	trap 'rm -rf "$plain"; cleanup_bg' EXIT
	cd "$plain"
	git rev-parse --git-dir > /dev/null 2>&1 && { echo "# $plain is inside a git repository: skipped"; return 0; }
	mock "[$answer]"
	rc=0
	cx root "hi" || rc=$?
	expect_eq "$rc" 1 "exit status"
	expect_contains "$(cat "$T/err")" "Not inside a trusted directory and --skip-git-repo-check was not specified."
	cx root --skip-git-repo-check "hi"
	expect_eq "$(cat "$T/out")" "All done."
}

run_tests
