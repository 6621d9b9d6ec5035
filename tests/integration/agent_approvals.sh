# Approval policies end to end: the agent core with the real sandbox, against the scripted
# model mock. `codex exec` forces approval_policy = never (as upstream's exec), so the
# other policies are driven through build/tests/agent-drive, a second front end of the
# core that prints its events and answers its approval requests as a user would
# (tests/tools/agent-drive.c); `never` and exec's refusals go through ./codex exec itself.
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

PROVIDER=()
provider() {
	PROVIDER=(-c model_provider=mock -c model_providers.mock.name=mock
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY)
}

# drive POLICY DECISIONS [agent-drive args...]: one turn as root in $T/ws (workspace-write
# sandbox), events in $T/events, stderr in $T/err; returns its status.
drive() {
	local policy=$1 decisions=$2 rc=0
	shift 2
	provider
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test timeout 120 "$DRIVE" \
		--codex "$CODEX" "${PROVIDER[@]}" ${CHECK_ENV[@]+"${CHECK_ENV[@]}"} \
		-c "approval_policy=\"$policy\"" -c 'sandbox_mode="workspace-write"' \
		--decide "$decisions" "$@" "go" > "$T/events" 2> "$T/err" || rc=$?
	return $rc
}

# cx [exec args...]: ./codex exec as root in $T/ws.
cx() {
	local rc=0
	provider
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test timeout 120 "$CODEX" exec \
		"${PROVIDER[@]}" ${CHECK_ENV[@]+"${CHECK_ENV[@]}"} "$@" < /dev/null \
		> "$T/out" 2> "$T/err" || rc=$?
	return $rc
}

# The approval requests of the run: one line each, "TYPE|command or paths|reason".
requests() {
	python3 - "$T/events" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m["type"] == "exec_approval_request":
        print("exec|%s|%s" % (" ".join(m["command"]), m.get("reason")))
    elif m["type"] == "apply_patch_approval_request":
        print("patch|%s|%s" % (" ".join(sorted(m["changes"])), m.get("reason")))
PY
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'
fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}
patch_call() { # patch_call CALL_ID PATCH-TEXT (JSON-escaped)
	printf '{"sse":[{"created":"r"},{"custom_tool_call":{"call_id":"%s","name":"apply_patch","input":"%s"}},{"completed":"r"}]}' "$1" "$2"
}
outside_write() { fc "$1" exec_command "{\"cmd\":\"echo changed > $T/outside/target\"}"; }

skip_without_sandbox() {
	"$CODEX" sandbox linux --full-auto -- /bin/true 2> /dev/null ||
		{ echo "SKIP: the sandbox cannot run here"; return 1; }
}

# untrusted: a known-safe command runs without asking; anything else asks first.
test_untrusted_asks_for_unsafe_commands() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command '{"cmd":"cat src/main.c"}'),$(fc c2 exec_command '{"cmd":"touch denied-file"}'),$(fc c3 exec_command '{"cmd":"touch approved-file"}'),$answer]"
	drive untrusted denied,approved
	expect_eq "$(requests)" "$(printf 'exec|/bin/bash -lc touch denied-file|None\nexec|/bin/bash -lc touch approved-file|None')" requests
	expect_contains "$(mock_call_output c1)" "code"
	expect_eq "$(mock_call_output c2)" "exec command rejected by user"
	[ ! -e denied-file ] || fail "a denied command ran"
	expect_contains "$(mock_call_output c3)" "Process exited with code 0"
	[ -e approved-file ] || fail "the approved command did not run"
}

# on-failure: commands run in the sandbox without asking; a sandbox denial asks to run
# it again without the sandbox (upstream's "command failed; retry without sandbox?").
test_on_failure_denied_retry_keeps_the_denial() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c0 exec_command '{"cmd":"touch inside-file"}'),$(outside_write c1),$answer]"
	drive on-failure denied
	expect_eq "$(requests)" "exec|/bin/bash -lc echo changed > $T/outside/target|command failed; retry without sandbox?" requests
	[ -e inside-file ] || fail "a command inside the workspace did not run"
	out=$(mock_call_output c1)
	expect_contains "$out" "codex: the sandbox denied this command an operation"
	expect_contains "$out" "Process exited with code 1"
	expect_outside_intact
}

test_on_failure_approved_retry_runs_unsandboxed() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(outside_write c1),$answer]"
	drive on-failure approved
	expect_eq "$(requests)" "exec|/bin/bash -lc echo changed > $T/outside/target|command failed; retry without sandbox?" requests
	expect_contains "$(mock_call_output c1)" "Process exited with code 0"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target"
	# The command ran twice: begin/end each time, under one call id.
	expect_eq "$(grep -c '"type":"exec_command_end"' "$T/events")" 2 "exec_command_end events"
}

test_on_failure_legacy_shell_tool_retry() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 shell "{\"command\":[\"/bin/sh\",\"-c\",\"echo changed > $T/outside/target\"]}"),$answer]"
	drive on-failure approved
	expect_eq "$(requests)" "exec|/bin/sh -c echo changed > $T/outside/target|command failed; retry without sandbox?" requests
	expect_contains "$(mock_call_output c1)" "Exit code: 0"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target"
}

# on-request: nothing asks unless the model asks for escalation; then the user decides
# and an approved command runs without the sandbox.
test_on_request_escalation_asks() {
	setup root
	skip_without_sandbox || return 0
	esc="{\"cmd\":\"echo changed > $T/outside/target\",\"sandbox_permissions\":\"require_escalated\",\"justification\":\"needs it\"}"
	mock "[$(fc c0 exec_command '{"cmd":"touch inside-file"}'),$(fc c1 exec_command "$esc"),$(fc c2 exec_command "$esc"),$answer]"
	drive on-request denied,approved
	expect_eq "$(requests | cut -d'|' -f1,3)" "$(printf 'exec|needs it\nexec|needs it')" "requests (the justification is the reason)"
	[ -e inside-file ] || fail "a plain command asked or did not run"
	expect_eq "$(mock_call_output c1)" "exec command rejected by user"
	expect_contains "$(mock_call_output c2)" "Process exited with code 0"
	expect_eq "$(cat "$T/outside/target")" changed "$T/outside/target"
}

test_on_request_sandbox_denial_goes_to_the_model() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(outside_write c1),$answer]"
	drive on-request approved
	expect_eq "$(requests)" "" "approval requests"
	expect_contains "$(mock_call_output c1)" "codex: the sandbox denied this command an operation"
	expect_outside_intact
}

# never: nothing is ever asked; escalation is refused with upstream's message.
test_never_refuses_escalation_and_never_asks() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command '{"cmd":"touch esc","sandbox_permissions":"require_escalated","justification":"x"}'),$(outside_write c2),$answer]"
	drive never approved
	expect_eq "$(requests)" "" "approval requests"
	expect_eq "$(mock_call_output c1)" "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
	[ ! -e esc ] || fail "the escalated command ran"
	expect_contains "$(mock_call_output c2)" "codex: the sandbox denied this command an operation"
	expect_outside_intact
}

# codex exec: whatever approval_policy the config says, exec asks nobody (upstream forces
# never): escalation is refused with a clear message to the model, and a sandbox denial
# is returned, never retried outside the sandbox.
test_exec_forces_never_whatever_the_config() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command '{"cmd":"touch esc","sandbox_permissions":"require_escalated","justification":"x"}'),$(outside_write c2),$answer]"
	cx --full-auto -c 'approval_policy="on-failure"' "go"
	expect_eq "$(mock_call_output c1)" "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never"
	expect_contains "$(mock_call_output c2)" "codex: the sandbox denied this command an operation"
	expect_contains "$(cat "$T/err")" "approval: never"
	expect_outside_intact
	[ ! -e esc ] || fail "the escalated command ran"
}

# Patches: inside the writable roots they apply without asking (on-request); outside,
# never refuses with upstream's message, on-request asks (denied: not written; approved:
# written without the sandbox), on-failure tries in the sandbox and asks to retry.
patch_outside() { printf '*** Begin Patch\\n*** Update File: %s\\n@@\\n-orig\\n+patched\\n*** End Patch\\n' "$T/outside/target"; }
patch_inside='*** Begin Patch\n*** Add File: new.txt\n+hi\n*** End Patch\n'

test_patch_outside_the_roots_refused_under_never() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(patch_call p0 "$patch_inside"),$(patch_call p1 "$(patch_outside)"),$answer]"
	drive never approved
	expect_eq "$(requests)" "" "approval requests"
	expect_eq "$(cat new.txt)" hi new.txt
	expect_eq "$(mock_call_output p1)" "writing outside of the project; rejected by user approval settings"
	expect_outside_intact
}

test_patch_outside_the_roots_refused_in_exec() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(patch_call p1 "$(patch_outside)"),$answer]"
	cx --full-auto "patch"
	expect_eq "$(mock_call_output p1)" "writing outside of the project; rejected by user approval settings"
	expect_outside_intact
}

test_patch_outside_the_roots_asks_under_on_request() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(patch_call p0 "$patch_inside"),$(patch_call p1 "$(patch_outside)"),$(patch_call p2 "$(patch_outside)"),$answer]"
	drive on-request denied,approved
	expect_eq "$(requests)" "$(printf 'patch|%s|None\npatch|%s|None' "$T/outside/target" "$T/outside/target")" requests
	expect_eq "$(cat new.txt)" hi new.txt
	expect_eq "$(mock_call_output p1)" "patch rejected by user"
	expect_contains "$(mock_call_output p2)" "Success. Updated the following files:"
	expect_eq "$(cat "$T/outside/target")" patched "$T/outside/target"
}

test_patch_outside_the_roots_retried_under_on_failure() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(patch_call p1 "$(patch_outside)"),$(patch_call p2 "$(patch_outside)"),$answer]"
	drive on-failure denied,approved
	expect_eq "$(requests)" "$(printf 'patch|%s|command failed; retry without sandbox?\npatch|%s|command failed; retry without sandbox?' "$T/outside/target" "$T/outside/target")" requests
	expect_contains "$(mock_call_output p1)" "codex: the sandbox denied this command an operation"
	expect_contains "$(mock_call_output p2)" "Success. Updated the following files:"
	expect_eq "$(cat "$T/outside/target")" patched "$T/outside/target"
}

# An abort answer ends the turn as an interrupt: turn_aborted, the command never runs.
test_abort_decision_ends_the_turn() {
	setup root
	skip_without_sandbox || return 0
	mock "[$(fc c1 exec_command '{"cmd":"touch aborted-file"}'),$answer]"
	drive untrusted abort || true
	expect_contains "$(cat "$T/events")" '"type":"turn_aborted"'
	[ ! -e aborted-file ] || fail "an aborted command ran"
	expect_eq "$(mock_count)" 1 requests
}

run_tests
