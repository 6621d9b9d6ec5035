# Guardian Approvals (approvals_reviewer = "guardian_subagent", upstream 0.118's
# features.guardian_approval): an on-request approval goes to a reviewer session (a
# hidden read-only agent of its own, which may run tools before its verdict) instead of
# the user. Driven through build/tests/agent-drive (exec forces
# approval_policy = never, as upstream's), against the scripted model mock: the mock's
# second reply is the reviewer's answer, and its log shows what the reviewer was sent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"
DRIVE=$TOOLS/agent-drive
CHECK_ENV=()
if [ -n "${CODEX_CHECK:-}" ]; then
	CHECK_ENV=(-c "shell_environment_policy.set.ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\"")
fi

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# drive POLICY [agent-drive args...]: one turn with the reviewer on; every approval the
# front end would see is answered "approved" (none should reach it).
drive() {
	local policy=$1 rc=0
	shift
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test timeout 120 "$DRIVE" \
		--codex "$CODEX" -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		${CHECK_ENV[@]+"${CHECK_ENV[@]}"} \
		-c "approval_policy=\"$policy\"" -c 'sandbox_mode="workspace-write"' \
		-c 'approvals_reviewer="guardian_subagent"' -c 'features.guardian_approval=true' \
		--decide approved,approved,approved "$@" "go" > "$T/events" 2> "$T/err" || rc=$?
	return $rc
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'
# What the model reads when the reviewer refuses: upstream 0.118's words.
REJECTED="This action was rejected due to unacceptable risk. The agent must not attempt to achieve the same outcome via workaround, indirect execution, or policy circumvention. Proceed only with a materially safer alternative, or if the user explicitly approves the action after being informed of the risk. Otherwise, stop and request user input."
fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}
say() { # say TEXT (JSON-escaped): a reply with one assistant message (the reviewer's)
	printf '{"sse":[{"created":"g"},{"message":"%s"},{"completed":"g"}]}' "$1"
}
verdict() { # verdict LEVEL SCORE RATIONALE
	say "{\\\"risk_level\\\":\\\"$1\\\",\\\"risk_score\\\":$2,\\\"rationale\\\":\\\"$3\\\",\\\"evidence\\\":[{\\\"message\\\":\\\"m\\\",\\\"why\\\":\\\"w\\\"}]}"
}
escalated() { # the model asks to write outside the workspace, escalated
	fc "$1" exec_command "{\"cmd\":\"echo changed > $T/outside/target\",\"sandbox_permissions\":\"require_escalated\",\"justification\":\"update the shared target\"}"
}

skip_without_sandbox() {
	"$CODEX" sandbox linux --full-auto -- /bin/true 2> /dev/null ||
		{ echo "SKIP: the sandbox cannot run here"; return 1; }
}

# The events of one type, one JSON line each.
events_of() {
	python3 - "$T/events" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m["type"] == sys.argv[2]:
        print(json.dumps(m, sort_keys=True))
PY
}

# The text the reviewer request (mock request 1) carried, all its input parts joined.
reviewer_text() {
	python3 - "$MOCK_LOG" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
body = reqs[1]["body"]
print("".join(p["text"] for m in body["input"] for p in m["content"]))
PY
}

test_low_risk_verdict_runs_the_command_without_asking() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(verdict low 10 'The user asked to update the target.'),$answer]"
	drive on-request
	expect_eq "$(events_of exec_approval_request)" "" "approval requests the user saw"
	expect_eq "$(mock_count)" 3 "model requests (turn, reviewer, turn)"
	# The reviewer request: its own instructions, its read-only helpers (no js_repl,
	# sub-agents or web search), the strict schema, the guardian subagent header, and the
	# planned action with the command and its reason.
	expect_contains "$(mock_get 1 body.instructions)" "security reviewer"
	tools=$(mock_get 1 body.tools)
	expect_contains "$tools" '"name":"exec_command"' "reviewer tools"
	expect_not_contains "$tools" '"spawn_agent"' "reviewer tools"
	expect_not_contains "$tools" '"js_repl"' "reviewer tools"
	expect_not_contains "$tools" '"web_search"' "reviewer tools"
	expect_contains "$(mock_get 0 body.tools)" '"web_search"' "the session's tools"
	expect_eq "$(mock_get 1 body.text.format.name)" "codex_output_schema" "reviewer schema"
	expect_eq "$(mock_get 1 headers.x-openai-subagent)" "guardian" "reviewer header"
	# upstream's reviewer model (its catalog lists it) at low effort, whatever the session's
	expect_eq "$(mock_get 0 body.model)" "gpt-5.3-codex" "the session's model"
	expect_eq "$(mock_get 1 body.model)" "gpt-5.4" "reviewer model"
	expect_eq "$(mock_get 1 body.reasoning.effort)" "low" "reviewer effort"
	text=$(reviewer_text)
	expect_contains "$text" "\"tool\": \"exec_command\""
	expect_contains "$text" "echo changed > $T/outside/target"
	expect_contains "$text" "\"sandbox_permissions\": \"require_escalated\""
	expect_contains "$text" "\"justification\": \"update the shared target\""
	expect_contains "$text" "[1] user: go"
	expect_contains "$text" "tool exec_command call"
	# The command ran (outside the sandbox, as a user-approved one would).
	expect_contains "$(mock_call_output c1)" "Process exited with code 0"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target"
	# What the front ends saw: in_progress, then approved with the rationale.
	st=$(events_of guardian_assessment | python3 -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l)
    print(m["id"], m["status"], m["risk_level"], m["risk_score"], m["action"]["tool"], m["action"]["command"])')
	expect_eq "$st" "$(printf 'c1 in_progress None None exec_command /bin/bash -lc '"'"'echo changed > %s/outside/target'"'"'\nc1 approved low 10 exec_command /bin/bash -lc '"'"'echo changed > %s/outside/target'"'"'' "$T" "$T")" "assessments"
	expect_contains "$(events_of warning)" "Automatic approval review approved (risk: low): The user asked to update the target."
}

test_high_risk_verdict_refuses_and_tells_the_model() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(verdict high 92 'Writes outside the workspace without need.'),$answer]"
	drive on-request
	expect_eq "$(events_of exec_approval_request)" "" "approval requests the user saw"
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_outside_intact
	expect_contains "$(events_of guardian_assessment)" '"status": "denied"'
	expect_contains "$(events_of warning)" "Automatic approval review denied (risk: high): Writes outside the workspace without need."
}

# The threshold is upstream's: 80 denies even when the level says medium, 79 approves.
test_threshold_is_a_score_of_80() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(verdict medium 80 'borderline'),$(escalated c2),$(verdict medium 79 'acceptable'),$answer]"
	drive on-request
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_contains "$(mock_call_output c2)" "Process exited with code 0"
}

# Fail closed: an answer that is not the JSON asked for denies, and so does a failed
# reviewer request.
test_unparsable_answer_denies() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(say 'Looks fine to me, go ahead.'),$answer]"
	drive on-request
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_outside_intact
	expect_contains "$(events_of warning)" "Automatic approval review denied (risk: high): Automatic approval review failed: guardian assessment was not valid JSON"
}

test_reviewer_request_failure_denies() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),{\"status\":400,\"body\":{\"error\":{\"message\":\"bad reviewer request\"}}},$answer]"
	drive on-request
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_outside_intact
	expect_contains "$(events_of warning)" "Automatic approval review denied (risk: high): Automatic approval review failed:"
}

# The reviewer's connection drops mid-answer (retries off): the review fails at once,
# closed, without waiting for the deadline (its own case is in the unit tests:
# agent_guardian_review_test.c, the deadline shortened).
test_reviewer_hang_up_denies_at_once() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),{\"sse\":[{\"created\":\"g\"},{\"message\":\"{\\\"risk_level\\\":\\\"low\\\"\"}],\"cut_after\":1},$answer]"
	SECONDS=0
	drive on-request -c model_providers.mock.stream_max_retries=0
	[ "$SECONDS" -lt 60 ] || fail "the review waited ${SECONDS}s"
	expect_eq "$(mock_count)" 3 "model requests (turn, reviewer, turn)"
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_outside_intact
	expect_contains "$(events_of warning)" "Automatic approval review denied (risk: high): Automatic approval review failed: stream disconnected before completion"
	st=$(events_of guardian_assessment | python3 -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l)
    print(m["status"], m["risk_level"], m["risk_score"])')
	expect_eq "$st" "$(printf 'in_progress None None\ndenied high 100')" "assessments"
}

# Prose around the object is tolerated, as upstream's parser does.
test_json_inside_prose_is_read() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(say 'Assessment: {\"risk_level\":\"low\",\"risk_score\":5,\"rationale\":\"fine\",\"evidence\":[]} done'),$answer]"
	drive on-request
	expect_contains "$(mock_call_output c1)" "Process exited with code 0"
}

# Only on-request routes to the reviewer (upstream's routes_approval_to_guardian; the
# other policies, granular included, keep their own answerer): untrusted still asks
# the user.
test_untrusted_still_asks_the_user() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command '{"cmd":"touch approved-file"}'),$answer]"
	drive untrusted
	expect_eq "$(events_of exec_approval_request | wc -l)" 1 "approval requests the user saw"
	expect_eq "$(events_of guardian_assessment)" "" "assessments"
	expect_eq "$(mock_count)" 2 "model requests"
}

# on-failure: the retry without the sandbox is the user's question, as upstream's
# (only on-request is routed); the reviewer is not asked.
test_on_failure_retry_still_asks_the_user() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command "{\"cmd\":\"echo changed > $T/outside/target\"}"),$answer]"
	drive on-failure
	expect_eq "$(events_of exec_approval_request | wc -l)" 1 "approval requests the user saw"
	expect_contains "$(events_of exec_approval_request)" "retry without sandbox"
	expect_eq "$(events_of guardian_assessment)" "" "assessments"
	expect_eq "$(mock_count)" 2 "model requests"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target (approved by the user)"
}

# never: nobody is asked, the reviewer neither; the sandbox's refusal stands.
test_never_asks_no_one() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$answer]"
	drive never
	expect_eq "$(events_of exec_approval_request)" "" "approval requests the user saw"
	expect_eq "$(events_of guardian_assessment)" "" "assessments"
	expect_eq "$(mock_count)" 2 "model requests"
	expect_outside_intact
}

# A patch outside the writable roots goes to the reviewer with its files and text.
test_patch_goes_to_the_reviewer() {
	setup root
	skip_without_sandbox || return 0
	p=$(printf '*** Begin Patch\\n*** Update File: %s\\n@@\\n-orig\\n+patched\\n*** End Patch\\n' "$T/outside/target")
	mock "[{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$p\"}},{\"completed\":\"r\"}]},$(verdict high 95 'no'),$answer]"
	drive on-request
	expect_eq "$(events_of apply_patch_approval_request)" "" "approval requests the user saw"
	text=$(reviewer_text)
	expect_contains "$text" "\"tool\": \"apply_patch\""
	expect_contains "$text" "\"files\": [\"$T/outside/target\"]"
	expect_contains "$text" "+patched"
	expect_eq "$(mock_call_output p1)" "$REJECTED" "what the model read"
	expect_outside_intact
}

# The output a request N carried for CALL_ID.
request_call_output() {
	python3 - "$MOCK_LOG" "$1" "$2" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
for item in reqs[int(sys.argv[2])]["body"]["input"]:
    if item.get("call_id") == sys.argv[3] and item["type"].endswith("_output"):
        print(item["output"])
PY
}

# The reviewer looks around before its verdict: its command runs (read-only, unseen by
# the front ends), and what it printed is in the reviewer's next request.
test_reviewer_reads_the_workspace_before_answering() {
	setup root
	skip_without_sandbox || return 0
	echo "notes-marker-4711" > "$T/ws/notes.txt"
	mock "[$(escalated c1),$(fc g1 exec_command '{"cmd":"cat notes.txt"}'),$(verdict low 10 'The notes allow it.'),$answer]"
	drive on-request
	expect_eq "$(events_of exec_approval_request)" "" "approval requests the user saw"
	expect_eq "$(mock_count)" 4 "model requests (turn, reviewer, reviewer, turn)"
	expect_eq "$(mock_get 2 headers.x-openai-subagent)" "guardian" "reviewer header"
	expect_eq "$(mock_get 2 body.text.format.name)" "codex_output_schema" "reviewer schema"
	expect_contains "$(request_call_output 2 g1)" "notes-marker-4711" "the reviewer's command output"
	expect_not_contains "$(cat "$T/events")" "notes.txt" "events the front end saw"
	expect_not_contains "$(cat "$T/events")" '"collab_' "events the front end saw"
	expect_contains "$(mock_call_output c1)" "Process exited with code 0"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target"
}

# The reviewer cannot write: its sandbox is read-only and its policy never, so a plain
# write fails and an escalated one is refused, and nobody is asked.
test_reviewer_cannot_write_and_nobody_is_asked() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(fc g1 exec_command '{"cmd":"touch reviewer-was-here"}'),$(fc g2 exec_command '{"cmd":"touch reviewer-escalated","sandbox_permissions":"require_escalated","justification":"just checking"}'),$(verdict high 90 'no'),$answer]"
	drive on-request
	expect_eq "$(events_of exec_approval_request)" "" "approval requests the user saw"
	expect_eq "$(mock_count)" 5 "model requests (turn, 3 reviewer, turn)"
	[ ! -e "$T/ws/reviewer-was-here" ] || fail "the reviewer's plain write went through"
	[ ! -e "$T/ws/reviewer-escalated" ] || fail "the reviewer's escalated write went through"
	expect_contains "$(request_call_output 2 g1)" "Read-only file system" "the plain write"
	expect_contains "$(request_call_output 3 g2)" "approval policy is Never" "the escalated write"
	expect_eq "$(events_of guardian_assessment | grep -c '"id": "g')" 0 "reviews of the reviewer's calls"
	expect_eq "$(mock_call_output c1)" "$REJECTED" "what the model read"
	expect_outside_intact
}

# One reviewer per session: the second review continues the first one's conversation
# (same session id, its earlier exchange first, then upstream's follow-up reminder).
test_second_review_reuses_the_reviewer() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(verdict low 10 'first-verdict'),$(escalated c2),$(verdict low 11 'second-verdict'),$answer]"
	drive on-request
	expect_eq "$(mock_count)" 5 "model requests"
	expect_eq "$(mock_get 3 headers.x-openai-subagent)" "guardian" "second reviewer request"
	expect_eq "$(mock_get 3 headers.session_id)" "$(mock_get 1 headers.session_id)" "reviewer session id"
	[ "$(mock_get 1 headers.session_id)" != "$(mock_get 0 headers.session_id)" ] ||
		fail "the reviewer shares the session's id"
	python3 - "$MOCK_LOG" <<'PY' || fail "the second review does not continue the first"
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
first, second = reqs[1]["body"]["input"], reqs[3]["body"]["input"]
assert second[:len(first)] == first, "not a continuation"
rest = json.dumps(second[len(first):])
assert "first-verdict" in rest, "no earlier answer"
assert "Use prior reviews as context" in rest, "no follow-up reminder"
PY
	expect_contains "$(mock_call_output c2)" "Process exited with code 0"
}

# A setting that shapes the reviewer (here the cwd) changed: a fresh one reviews.
test_settings_change_starts_a_fresh_reviewer() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),$(verdict low 10 'first-verdict'),$answer,$(escalated c2),$(verdict low 11 'second-verdict'),$answer]"
	drive on-request --cwd-then "$T/ws/src" --then "again"
	expect_eq "$(mock_count)" 6 "model requests"
	expect_eq "$(mock_get 4 headers.x-openai-subagent)" "guardian" "second reviewer request"
	[ "$(mock_get 4 headers.session_id)" != "$(mock_get 1 headers.session_id)" ] ||
		fail "the reviewer was reused after the cwd changed"
	expect_not_contains "$(mock_get 4 body.input)" "first-verdict" "the fresh reviewer's input"
	expect_contains "$(mock_call_output c2)" "Process exited with code 0"
}

# An interrupt of the turn while the reviewer thinks: the review is aborted, the
# reviewer's request cancelled, the action not run.
test_interrupt_cancels_the_review() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(escalated c1),{\"sse\":[{\"created\":\"g\"}],\"hold_after\":1,\"hold_ms\":60000},$answer]"
	local rc=0 i
	drive on-request --interrupt-on-file "$T/stop" &
	local pid=$!
	for i in $(seq 1 600); do
		[ "$(mock_count)" -ge 2 ] && break
		sleep 0.1
	done
	touch "$T/stop"
	wait $pid || rc=$?
	expect_eq "$rc" 1 "agent-drive exit (aborted)"
	expect_eq "$(mock_count)" 2 "model requests (turn, reviewer)"
	expect_contains "$(events_of turn_aborted)" "interrupted"
	st=$(events_of guardian_assessment | python3 -c '
import json, sys
for l in sys.stdin:
    print(json.loads(l)["status"])')
	expect_eq "$st" "$(printf 'in_progress\naborted')" "assessments"
	for i in $(seq 1 100); do
		[ -n "$(mock_end 1 2>/dev/null)" ] && break
		sleep 0.1
	done
	expect_contains "$(mock_end 1)" '"client_gone":true' "the reviewer's request"
	expect_outside_intact
}

run_tests
