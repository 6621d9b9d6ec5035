# multi_agent end to end through `codex exec` against the scripted model: the main thread
# spawns a sub-agent (its own requests carry x-openai-subagent: collab_spawn, so the mock
# hands each thread its own replies whatever order they come in), waits for it, and reads
# its final answer in the wait_agent output; the sub-agent has a rollout of its own that
# names its parent; limits and bad targets get upstream's errors.
. "$(dirname "$0")/lib.sh"

MAIN='"match_headers":{"x-openai-subagent":null}'
SUB='"match_headers":{"x-openai-subagent":"collab_spawn"}'

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
}

cx() {
	local rc=0
	mkdir -p "$T/home" "$T/ws"
	(cd "$T/ws" && env -u TMPDIR HOME="$T/home" CODEX_HOME="$T/home" MOCK_KEY=sk-test \
		timeout 120 "$CODEX" exec --skip-git-repo-check -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=http://127.0.0.1:$MOCK_PORT/v1" \
		-c model_providers.mock.env_key=MOCK_KEY -c 'sandbox_mode="danger-full-access"' \
		-c 'approval_policy="never"' "$@" > "$T/out" 2> "$T/err" < /dev/null) || rc=$?
	return $rc
}

# call WHO CALL_ID NAME ARGS-JSON [EXTRA]: a reply for WHO (MAIN or SUB) with one call.
call() {
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}],%s%s}' \
		"$2" "$3" "$4" "$1" "${5:+,$5}"
}
say() { # say WHO TEXT
	printf '{"sse":[{"created":"r"},{"message":"%s"},{"completed":"r"}],%s}' "$2" "$1"
}

# requests_of WHO: the seqs of the requests with (sub) or without (main) the header.
requests_of() {
	python3 - "$MOCK_LOG" "$1" <<'PY'
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    if "end_of" in r:
        continue
    sub = r["headers"].get("x-openai-subagent") == "collab_spawn"
    if sub == (sys.argv[2] == "sub"):
        print(r["seq"])
PY
}

test_spawn_wait_and_the_answer_reaches_the_parent() {
	mock "[$(call "$MAIN" c1 spawn_agent '{"message":"CHILD-TASK: add 2 and 2"}'),
$(call "$MAIN" c2 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "CHILD-ANSWER-4"),
$(say "$MAIN" "MAIN-DONE")]"
	cx "delegate it" || fail "exec: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "MAIN-DONE" "the main thread's answer"
	expect_eq "$(mock_count)" 4 requests
	local sub main
	sub=$(requests_of sub)
	expect_eq "$(echo "$sub" | wc -l)" 1 "one sub-agent request"
	# The sub-agent's request: its task as the user message, a thread id of its own, and
	# no collaboration tools (depth limit 1).
	mock_get "$sub" body.input > "$T/sub_input"
	expect_contains "$(cat "$T/sub_input")" "CHILD-TASK: add 2 and 2"
	expect_eq "$(python3 -c '
import json,sys; print(json.load(open(sys.argv[1]))[-1]["content"][0]["text"])' "$T/sub_input")" \
		"CHILD-TASK: add 2 and 2" "the sub-agent's last input item"
	main=$(requests_of main | head -n 1)
	local sub_id main_id
	sub_id=$(mock_get "$sub" headers.session_id)
	main_id=$(mock_get "$main" headers.session_id)
	[ -n "$sub_id" ] && [ "$sub_id" != "$main_id" ] || fail "sub-agent session id '$sub_id' vs main '$main_id'"
	tools=$(mock_get "$main" body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))')
	expect_contains "$tools" "spawn_agent send_input resume_agent wait_agent close_agent"
	tools=$(mock_get "$sub" body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))')
	expect_not_contains "$tools" "spawn_agent"
	# spawn_agent's output names the agent; wait_agent's carries its final message.
	out=$(mock_call_output c1)
	expect_eq "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')" "$sub_id" agent_id
	expect_eq "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nickname"])')" "Euclid" nickname
	expect_eq "$(mock_call_output c2)" "{\"status\":{\"$sub_id\":{\"completed\":\"CHILD-ANSWER-4\"}},\"timed_out\":false}" "wait_agent output"
	# The parent heard of the sub-agent's end as upstream's completion watcher tells it:
	# a user message after wait_agent's output in its next request.
	last=$(requests_of main | tail -n 1)
	mock_get "$last" body.input | python3 -c '
import json, sys
items = json.load(sys.stdin)
i = next(k for k, it in enumerate(items) if it.get("call_id") == "c2" and it["type"] == "function_call_output")
note = items[i + 1]
assert note["role"] == "user", note
want = "<subagent_notification>\n" + json.dumps({"agent_path": sys.argv[1], "status": {"completed": "CHILD-ANSWER-4"}}, separators=(",", ":")) + "\n</subagent_notification>"
assert note["content"][0]["text"] == want, (note, want)
' "$sub_id" || fail "no subagent_notification after the wait"
	# The sub-agent's rollout: its own file, source naming the parent.
	f=$(grep -l "\"id\":\"$sub_id\"" -r "$T/home/sessions" | head -n 1)
	[ -n "$f" ] || fail "no rollout for the sub-agent"
	head -n 1 "$f" | python3 -c '
import json, sys
src = json.loads(sys.stdin.readline())["payload"]["source"]["subagent"]["thread_spawn"]
assert src["parent_thread_id"] == sys.argv[1], src
assert src["depth"] == 1 and src["agent_nickname"] == "Euclid", src
' "$main_id" || fail "sub-agent session_meta source"
}

test_bad_targets_and_empty_messages_get_upstreams_errors() {
	mock "[$(call "$MAIN" c1 wait_agent '{"targets":["nope"],"timeout_ms":10000}'),
$(call "$MAIN" c2 send_input '{"target":"nope","message":"hi"}'),
$(call "$MAIN" c3 spawn_agent '{"message":"   "}'),
$(call "$MAIN" c4 close_agent '{"target":"nope"}'),
$(say "$MAIN" "OK")]"
	cx "try" || fail "exec: $(cat "$T/err")"
	expect_eq "$(mock_count)" 5 requests
	expect_eq "$(mock_call_output c1)" '{"status":{"nope":"not_found"},"timed_out":false}' "wait on an unknown id"
	expect_eq "$(mock_call_output c2)" "agent with id nope not found" "send_input to an unknown id"
	expect_eq "$(mock_call_output c3)" "Empty message can't be sent to an agent" "empty spawn"
	expect_eq "$(mock_call_output c4)" "agent with id nope not found" "close of an unknown id"
}

test_close_then_send_input_is_refused() {
	mock "[$(call "$MAIN" c1 spawn_agent '{"message":"SUB-WORK"}'),
$(call "$MAIN" c2 wait_agent '{"targets":["@ID@"]}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "SUB-FINISHED"),
$(call "$MAIN" c3 close_agent '{"target":"@ID@"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c4 send_input '{"target":"@ID@","message":"more"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c5 resume_agent '{"id":"@ID@"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c6 send_input '{"target":"@ID@","message":"AGAIN-PLEASE"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "SUB-AGAIN"),
$(call "$MAIN" c7 wait_agent '{"targets":["@ID@"]}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$MAIN" "END")]"
	cx "go" || fail "exec: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "END" answer
	expect_eq "$(mock_call_output c3)" '{"previous_status":{"completed":"SUB-FINISHED"}}' "close_agent output"
	sub_id=$(mock_call_output c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')
	expect_eq "$(mock_call_output c4)" "agent with id $sub_id is closed" "send_input after close"
	# resume_agent opens it again: send_input and wait_agent reach it
	expect_eq "$(mock_call_output c5)" '{"status":"pending_init"}' "resume_agent output"
	expect_contains "$(mock_call_output c6)" '"submission_id"'
	expect_eq "$(mock_call_output c7)" "{\"status\":{\"$sub_id\":{\"completed\":\"SUB-AGAIN\"}},\"timed_out\":false}" "wait after resume"
	expect_contains "$(mock_get "$(requests_of sub | tail -n 1)" body.input)" "AGAIN-PLEASE"
}

test_multi_agent_off_offers_no_tools() {
	mock "[$(say "$MAIN" "PLAIN")]"
	cx -c features.multi_agent=false "hi" || fail "exec: $(cat "$T/err")"
	tools=$(mock_get 0 body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))')
	expect_not_contains "$tools" "spawn_agent"
}

test_exec_output_shows_the_collab_calls() {
	local script="[$(call "$MAIN" c1 spawn_agent '{"message":"JSON-TASK"}'),
$(call "$MAIN" c2 wait_agent '{"targets":["@ID@"]}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "JSON-SUB-ANSWER"),
$(say "$MAIN" "JSON-DONE")]"
	mock "$script"
	cx "go" || fail "exec: $(cat "$T/err")"
	expect_contains "$(cat "$T/err")" "collab: SpawnAgent"
	expect_contains "$(cat "$T/err")" "collab: Wait"
	cleanup_bg
	mock "$script"
	cx --json "go" || fail "exec --json: $(cat "$T/err")"
	python3 - "$T/out" <<'PY' || fail "collab_tool_call items: $(cat "$T/out")"
import json, sys
items = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
done = [e["item"] for e in items if e["type"] == "item.completed" and e["item"]["type"] == "collab_tool_call"]
started = [e["item"] for e in items if e["type"] == "item.started" and e["item"]["type"] == "collab_tool_call"]
assert [i["tool"] for i in started] == ["spawn_agent", "wait"], started
assert started[0]["status"] == "in_progress" and started[0]["prompt"] == "JSON-TASK", started[0]
spawn, wait = done
assert spawn["status"] == "completed" and len(spawn["receiver_thread_ids"]) == 1, spawn
sub = spawn["receiver_thread_ids"][0]
assert wait["receiver_thread_ids"] == [sub], wait
assert wait["agents_states"] == {sub: {"status": "completed", "message": "JSON-SUB-ANSWER"}}, wait
PY
}

test_agents_limits_from_config() {
	# [agents] max_threads = 1: a second open sub-agent is refused as upstream words it;
	# max_depth = 2: the sub-agent gets the collaboration tools too. The main thread waits
	# for the first one before its answer, so that the sub-agent's notification goes
	# with a request the script expects (else it could come after the answer and ask
	# for one more, depending on which thread the loop served first).
	mock "[$(call "$MAIN" c1 spawn_agent '{"message":"FIRST"}'),
$(say "$SUB" "FIRST-DONE"),
$(call "$MAIN" c2 spawn_agent '{"message":"SECOND"}'),
$(call "$MAIN" c3 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$MAIN" "LIMITED")]"
	cx -c agents.max_threads=1 -c agents.max_depth=2 "two" || fail "exec: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "LIMITED" answer
	expect_eq "$(mock_call_output c2)" "collab spawn failed: agent thread limit reached (max 1)" "second spawn"
	sub=$(requests_of sub | head -n 1)
	tools=$(mock_get "$sub" body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))')
	expect_contains "$tools" "spawn_agent"
}

# The same mock serves both runs: the resumed session's first request carries the old
# spawn_agent output, which names the agent the later calls target.
test_resume_brings_the_sub_agents_back() {
	mock "[$(call "$MAIN" c1 spawn_agent '{"message":"CHILD-TASK-ONE"}'),
$(call "$MAIN" c2 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "CHILD-FIRST-ANSWER"),
$(say "$MAIN" "FIRST-DONE"),
$(call "$MAIN" c3 send_input '{"target":"@ID@","message":"CHILD-TASK-TWO"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c4 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "CHILD-SECOND-ANSWER"),
$(say "$MAIN" "SECOND-DONE")]"
	cx "delegate" || fail "exec: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "FIRST-DONE" "first run"
	sub_id=$(mock_call_output c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')
	cx resume --last "once more" || fail "exec resume: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "SECOND-DONE" "resumed run"
	expect_contains "$(mock_call_output c3)" '"submission_id"'
	expect_eq "$(mock_call_output c4)" "{\"status\":{\"$sub_id\":{\"completed\":\"CHILD-SECOND-ANSWER\"}},\"timed_out\":false}" "wait after resume"
	# The sub-agent's new request: its own thread, with the history of the first run.
	last=$(requests_of sub | tail -n 1)
	expect_eq "$(mock_get "$last" headers.session_id)" "$sub_id" "sub-agent thread id"
	mock_get "$last" body.input | python3 -c '
import json, sys
texts = [c.get("text", "") for i in json.load(sys.stdin) for c in i.get("content", []) or []]
assert "CHILD-TASK-ONE" in texts and "CHILD-FIRST-ANSWER" in texts, texts
assert texts[-1] == "CHILD-TASK-TWO", texts
' || fail "the resumed sub-agent lost its history"
	# one rollout for the sub-agent, continued
	expect_eq "$(grep -l "\"id\":\"$sub_id\"" -r "$T/home/sessions" | wc -l)" 1 "sub-agent rollouts"
}

test_resume_keeps_a_closed_sub_agent_closed_until_resume_agent() {
	mock "[$(call "$MAIN" c1 spawn_agent '{"message":"CLOSED-TASK"}'),
$(call "$MAIN" c2 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "CLOSED-ANSWER"),
$(call "$MAIN" c3 close_agent '{"target":"@ID@"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$MAIN" "FIRST-DONE"),
$(call "$MAIN" c4 send_input '{"target":"@ID@","message":"too early"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c5 resume_agent '{"id":"@ID@"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(call "$MAIN" c6 send_input '{"target":"@ID@","message":"REOPENED-TASK"}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$SUB" "REOPENED-ANSWER"),
$(call "$MAIN" c7 wait_agent '{"targets":["@ID@"],"timeout_ms":60000}' '"output_subst":{"@ID@":["c1","agent_id"]}'),
$(say "$MAIN" "SECOND-DONE")]"
	cx "delegate" || fail "exec: $(cat "$T/err")"
	sub_id=$(mock_call_output c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')
	cx resume --last "again" || fail "exec resume: $(cat "$T/err")"
	expect_eq "$(cat "$T/out")" "SECOND-DONE" "resumed run"
	expect_eq "$(mock_call_output c4)" "agent with id $sub_id is closed" "send_input to the closed one"
	expect_eq "$(mock_call_output c5)" '{"status":"pending_init"}' "resume_agent output"
	expect_eq "$(mock_call_output c7)" "{\"status\":{\"$sub_id\":{\"completed\":\"REOPENED-ANSWER\"}},\"timed_out\":false}" "wait after resume_agent"
	mock_get "$(requests_of sub | tail -n 1)" body.input | python3 -c '
import json, sys
texts = [c.get("text", "") for i in json.load(sys.stdin) for c in i.get("content", []) or []]
assert "CLOSED-TASK" in texts and "CLOSED-ANSWER" in texts and texts[-1] == "REOPENED-TASK", texts
' || fail "the reopened sub-agent lost its history"
}

run_tests
