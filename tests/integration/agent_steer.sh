# The agent core's steer op (agent_steer: the TUI's Enter while a turn runs, and any
# other front end's), driven by tests/tools/agent-drive against the scripted model: a
# steer waits for the running calls and goes into the next request right after their
# outputs; one that comes during a final answer gets a follow-up request; an idle agent
# and a compaction refuse it.
. "$(dirname "$0")/lib.sh"
DRIVE=$TOOLS/agent-drive

if [ ! -x "$DRIVE" ]; then
	echo "ok - agent_steer: skipped ($DRIVE is not built; make build/tests/agent-drive)"
	exit 0
fi

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
}

drive() {
	local rc=0
	mkdir -p "$T/home" "$T/ws"
	(cd "$T/ws" && env -u TMPDIR HOME="$T/home" CODEX_HOME="$T/home" MOCK_KEY=sk-test \
		timeout 120 "$DRIVE" --codex "$CODEX" -c model_provider=mock \
		-c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=http://127.0.0.1:$MOCK_PORT/v1" \
		-c model_providers.mock.env_key=MOCK_KEY -c 'sandbox_mode="danger-full-access"' \
		-c 'approval_policy="never"' "$@" > "$T/events" 2> "$T/err") || rc=$?
	return $rc
}

msg() { # msg TEXT: a reply with one assistant message
	printf '{"sse":[{"created":"r"},{"message":"%s"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}' "$1"
}

fc() { # fc CALL_ID ARGS-JSON: a reply with one exec_command call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"exec_command","arguments":%s}},{"completed":"r"}]}' "$1" "$2"
}

# tail_items N K: the last K input items of request N ("type call_id" or "message role
# text"), one a line.
tail_items() {
	mock_get "$1" body.input | python3 -c '
import json, sys
for it in json.load(sys.stdin)[-int(sys.argv[1]):]:
    if it.get("type") == "message":
        print("message", it.get("role"), " ".join(c.get("text", "") for c in it["content"]))
    else:
        print(it.get("type"), it.get("call_id", ""))
' "$2"
}

# event_line TYPE [TEXT]: the line number of the first event of TYPE (holding TEXT).
event_line() {
	grep -n "\"type\":\"$1\"" "$T/events" | grep -F -- "${2:-}" | head -n 1 | cut -d: -f1
}

test_steer_goes_after_the_running_calls_outputs() {
	mock "[$(fc c1 '{"cmd":"echo from-the-command"}'),$(msg ALL-DONE)]"
	drive "start" --steer-on exec_command_begin "STEERED-MESSAGE" || fail "drive: $(cat "$T/err")"
	expect_eq "$(mock_count)" 2 "requests (one turn, the steer in its second request)"
	expect_eq "$(tail_items 1 2)" "function_call_output c1
message user STEERED-MESSAGE" "the second request's last items"
	expect_not_contains "$(mock_get 0 body.input)" "STEERED-MESSAGE"
	# the user_message event comes when it goes in: after the command, once
	end=$(event_line exec_command_end)
	um=$(event_line user_message STEERED-MESSAGE)
	[ -n "$um" ] && [ "$um" -gt "$end" ] || fail "user_message ($um) not after exec_command_end ($end)"
	expect_eq "$(grep -c STEERED-MESSAGE "$T/events")" 1 "events naming the steer"
	expect_eq "$(grep -c '"type":"task_complete"' "$T/events")" 1 "task_complete events"
}

test_steer_during_a_final_answer_gets_a_follow_up_request() {
	mock "[$(msg FIRST-ANSWER),$(msg SECOND-ANSWER)]"
	drive "hello" --steer-on agent_message "AND-ONE-MORE-THING" || fail "drive: $(cat "$T/err")"
	expect_eq "$(mock_count)" 2 "requests"
	expect_eq "$(tail_items 1 2)" "message assistant FIRST-ANSWER
message user AND-ONE-MORE-THING" "the follow-up request's last items"
	expect_eq "$(grep -c '"type":"task_complete"' "$T/events")" 1 "task_complete events (one turn)"
	expect_contains "$(grep task_complete "$T/events")" '"last_agent_message":"SECOND-ANSWER"'
}

test_two_steers_go_in_order() {
	mock "[$(fc c1 '{"cmd":"echo x"}'),$(msg DONE)]"
	drive "start" --steer-on exec_command_begin "STEER-ONE" --steer-on exec_command_output_delta "STEER-TWO" \
		|| fail "drive: $(cat "$T/err")"
	expect_eq "$(tail_items 1 3)" "function_call_output c1
message user STEER-ONE
message user STEER-TWO" "the second request's last items"
}

test_idle_agent_and_compaction_refuse_a_steer() {
	mock "[$(msg ANSWER-ONE),$(msg 'THE-SUMMARY')]"
	drive "ask" --compact --steer-on task_started "BEFORE-THE-FIRST-REQUEST" \
		--steer-on task_started "DURING-THE-COMPACTION" --steer-after "WHEN-IDLE" \
		|| fail "drive: $(cat "$T/err")"
	# a steer right at the start goes into the first request, after the prompt
	expect_eq "$(tail_items 0 2)" "message user ask
message user BEFORE-THE-FIRST-REQUEST" "the first request's last items"
	expect_contains "$(cat "$T/events")" '{"steer_error":"a compaction is running; it takes no input"}'
	expect_not_contains "$(mock_get 1 body.input)" "DURING-THE-COMPACTION"
	expect_contains "$(cat "$T/events")" '{"steer_error":"no turn is running to steer"}'
}

run_tests
