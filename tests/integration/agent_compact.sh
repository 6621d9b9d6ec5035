# The agent core's compact op (agent_compact, what the TUI's /compact and any other front
# end use), driven by tests/tools/agent-drive against the scripted model: the compact
# request, the history it leaves, and a compaction that fails leaving the history as it
# was.
. "$(dirname "$0")/lib.sh"
DRIVE=$TOOLS/agent-drive

if [ ! -x "$DRIVE" ]; then
	echo "ok - agent_compact: skipped ($DRIVE is not built; make build/tests/agent-drive)"
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
		-c model_providers.mock.env_key=MOCK_KEY -c 'sandbox_mode="read-only"' "$@" \
		> "$T/events" 2> "$T/err") || rc=$?
	return $rc
}

msg() { # msg TEXT: a reply with one assistant message
	printf '{"sse":[{"created":"r"},{"message":"%s"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}' "$1"
}

# Two turns, the compact op, a third turn: the compact request carries the history and
# the summarization request with no tools; the third turn's history is the initial
# context, the user messages and the summary, without the old answers. The compaction
# emits its warning and context_compacted, and no agent_message for the summary.
test_compact_op_replaces_the_history() {
	mock "[$(msg ANSWER-ONE),$(msg ANSWER-TWO),$(msg 'THE-SUMMARY of it'),$(msg ANSWER-THREE)]"
	drive "ask one" --then "ask two" --compact --then "ask three"
	expect_eq "$(mock_count)" 4 requests
	c=$(mock_get 2 body.input)
	expect_contains "$c" ANSWER-ONE
	expect_contains "$c" ANSWER-TWO
	expect_contains "$(mock_get 2 body.input.-1.content.0.text)" "handoff summary"
	expect_eq "$(mock_get 2 body.tools)" "[]" "tools of the compact request"
	expect_eq "$(mock_get 2 headers.x-openai-subagent)" compact
	n=$(mock_get 3 body.input)
	expect_contains "$n" "THE-SUMMARY of it"
	expect_contains "$n" "ask one"
	expect_contains "$n" "ask two"
	expect_contains "$n" "ask three"
	expect_contains "$n" "<environment_context>"
	expect_not_contains "$n" ANSWER-ONE
	expect_not_contains "$n" ANSWER-TWO
	expect_not_contains "$n" "handoff summary"
	ev=$(cat "$T/events")
	expect_contains "$ev" '"type":"context_compacted"'
	expect_contains "$ev" "Long threads and multiple compactions"
	expect_not_contains "$ev" '"message":"THE-SUMMARY of it"'
}

# A compaction whose answer has no text: an error, the history unchanged (the next turn
# still carries the old answers), and the session goes on.
test_failed_compaction_keeps_the_history() {
	empty='{"sse":[{"created":"r"},{"completed":"r"}]}'
	mock "[$(msg ANSWER-ONE),$empty,$(msg ANSWER-TWO)]"
	rc=0
	drive "ask one" --compact --then "ask two" || rc=$?
	expect_eq "$rc" 1 "exit status (an error event)"
	expect_contains "$(cat "$T/events")" "Compaction failed: the model returned no summary"
	expect_not_contains "$(cat "$T/events")" '"type":"context_compacted"'
	expect_contains "$(mock_get 2 body.input)" ANSWER-ONE
	expect_contains "$(mock_get 2 body.input)" "ask two"
}

run_tests
