#!/bin/bash
# Network approvals end to end (reference codex-network-proxy.md §10.2): the agent core
# with [network] enabled runs a real curl in the sandbox, whose only way out is the
# command's proxy; a request for a host off the allowlist is held by the proxy and
# becomes an exec_approval_request ("network-access", "http://HOST:PORT") that a front
# end answers: tests/tools/agent-drive, a scripted second front end (the TUI's modal is
# in tui.sh). The origin server's log says what got through.
#
# The suite runs in a private network + mount namespace of its own (as
# sandbox_proxy.sh): loopback holds 127.0.0.1 (the model mock) and 11.0.0.1, an
# address the proxy counts as public, where the origin listens; /etc/hosts maps
# blocked.test and allowed.test to it. No packet leaves the namespace.
if [ -z "${NET_APPROVAL_NS:-}" ]; then
	if ! unshare --mount --net --propagation private true 2> /dev/null; then
		echo "ok - net_approval: skipped (cannot create network and mount namespaces here)"
		exit 0
	fi
	exec unshare --mount --net --propagation private env NET_APPROVAL_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"
DRIVE=$TOOLS/agent-drive
PX=$CODEX_TOP/tests/integration/proxy
PUB=11.0.0.1

ip link set lo up
ip addr add $PUB/32 dev lo
NS_DIR=$(mktemp -d "$SBX_BASE/codex-netapproval-ns-XXXXXX")
chmod 755 "$NS_DIR"
trap 'umount /etc "$NS_DIR/ovl" 2>/dev/null; rm -rf "$NS_DIR"; sbx_cleanup' EXIT
printf '127.0.0.1 localhost\n%s allowed.test blocked.test other.test\n' $PUB > "$NS_DIR/hosts"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' $PUB > "$NS_DIR/resolv.conf"
chmod 644 "$NS_DIR/hosts" "$NS_DIR/resolv.conf"
private_etc "$NS_DIR"

CHECK_ENV=()
if [ -n "${CODEX_CHECK:-}" ]; then
	CHECK_ENV=(-c "shell_environment_policy.set.ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\"")
fi

skip_without_sandbox() {
	"$CODEX" sandbox linux --full-auto -- /bin/true 2> /dev/null ||
		{ echo "SKIP: the sandbox cannot run here (user namespaces or Landlock missing)"; return 1; }
}

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# origin: the test HTTP server on $PUB ("hello from upstream"); $HPORT, its log in
# $T/origin.log (one line per request it got).
origin() {
	local pf=$T/origin.port
	SERVER_HOST=$PUB start_bg python3 "$PX/servers.py" http "$pf" "$T/origin.log"
	wait_file "$pf"
	HPORT=$(cat "$pf")
	touch "$T/origin.log"
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'
fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}
# cmd CALL_ID SHELL-TEXT: an exec_command call (no quotes in the text).
cmd() { fc "$1" exec_command "{\"cmd\":\"$2\"}"; }

# drive POLICY DECISIONS: one turn as root in $T/ws, workspace-write, the network on
# with allowed.test alone allowed; events in $T/events.
drive() {
	local policy=$1 decisions=$2 rc=0
	env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test timeout 120 "$DRIVE" \
		--codex "$CODEX" -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		${CHECK_ENV[@]+"${CHECK_ENV[@]}"} \
		-c "approval_policy=\"$policy\"" -c 'sandbox_mode="workspace-write"' \
		-c network.enabled=true -c 'network.allowed_domains=["allowed.test"]' \
		${EXTRA[@]+"${EXTRA[@]}"} \
		--decide "$decisions" "go" > "$T/events" 2> "$T/err" || rc=$?
	return $rc
}
EXTRA=()

# The approval requests of the run: "call_id|command|reason|context host/protocol".
requests() {
	python3 - "$T/events" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m["type"] == "exec_approval_request":
        ctx = m.get("network_approval_context") or {}
        print("%s|%s|%s|%s/%s" % (m["call_id"], " ".join(m["command"]), m.get("reason"),
                                  ctx.get("host"), ctx.get("protocol")))
PY
}

seen() { grep -c "GET /hello-$1 " "$T/origin.log" || true; }

BLOCKED_MSG='Network access to "blocked.test" was blocked: domain is not on the allowlist for the current sandbox mode.'

# Approved once: that request goes through; the next one for the same host asks again,
# and refused, never reaches the origin; the model reads upstream's message.
test_approved_once_then_denied() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one; echo; curl -sS http://blocked.test:$HPORT/hello-two; echo rc=\$?"),$answer]"
	drive on-request approved,denied
	id="network#http#blocked.test#$HPORT"
	want="$id|network-access http://blocked.test:$HPORT|blocked.test is not in the allowed_domains|blocked.test/http"
	expect_eq "$(requests)" "$(printf '%s\n%s' "$want" "$want")" "two questions, one per request"
	expect_eq "$(seen one)" 1 "the approved request reached the origin"
	expect_eq "$(seen two)" 0 "the refused request never reached it"
	out=$(mock_call_output c1)
	expect_contains "$out" "hello from upstream"
	expect_contains "$out" "Codex blocked this request"
	expect_contains "$out" "$BLOCKED_MSG"
}

# For the session: every later request for that host, protocol and port goes through
# without a question, in this command and the next; another port asks again.
test_approved_for_the_session() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one; curl -sS http://blocked.test:$HPORT/hello-two"),$(cmd c2 "curl -sS http://blocked.test:$HPORT/hello-three; curl -sS -o /dev/null -w %{http_code} http://blocked.test:1/hello-four"),$answer]"
	drive on-request approved_for_session,denied
	expect_eq "$(requests | cut -d'|' -f1)" "$(printf 'network#http#blocked.test#%s\nnetwork#http#blocked.test#1' "$HPORT")" "questions"
	expect_eq "$(seen one)" 1 one
	expect_eq "$(seen two)" 1 two
	expect_eq "$(seen three)" 1 "three (the next command)"
	expect_contains "$(mock_call_output c2)" "403"
}

# Refused: the origin never sees it; the refusal holds for the session (the next
# command is refused without a question).
test_denied_is_remembered() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one"),$(cmd c2 "curl -sS http://blocked.test:$HPORT/hello-two"),$answer]"
	drive on-request denied,approved
	expect_eq "$(requests | wc -l)" 1 "questions"
	expect_eq "$(seen one)$(seen two)" 00 "requests that reached the origin"
	expect_contains "$(mock_call_output c1)" "$BLOCKED_MSG"
	expect_contains "$(mock_call_output c2)" "$BLOCKED_MSG"
}

# "No, and tell Codex what to do differently" refuses the request; the turn goes on.
test_abort_refuses_and_the_turn_goes_on() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one"),$answer]"
	drive on-request abort || fail "the turn did not complete: $(cat "$T/err")"
	expect_eq "$(seen one)" 0 "requests that reached the origin"
	expect_contains "$(mock_call_output c1)" "$BLOCKED_MSG"
	expect_eq "$(mock_count)" 2 "model requests (the turn went on)"
}

# approvals_reviewer = "guardian_subagent": the automatic reviewer answers the question
# (upstream's network_access action), not the user: approved lets the request through,
# denied refuses it (and, as a user's refusal, for the session).
verdict() { # LEVEL SCORE
	printf '{"sse":[{"created":"g"},{"message":"{\\"risk_level\\":\\"%s\\",\\"risk_score\\":%s,\\"rationale\\":\\"r\\",\\"evidence\\":[]}"},{"completed":"g"}]}' "$1" "$2"
}
test_guardian_reviews_network_access() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one"),$(verdict low 20),$(cmd c2 "curl -sS http://other.test:$HPORT/hello-two"),$(verdict high 85),$answer]"
	EXTRA=(-c 'approvals_reviewer="guardian_subagent"')
	drive on-request denied
	EXTRA=()
	expect_eq "$(requests)" "" "questions the user saw"
	expect_eq "$(seen one)" 1 "the approved request reached the origin"
	expect_eq "$(seen two)" 0 "the denied request never reached it"
	expect_contains "$(mock_call_output c2)" 'Network access to "other.test" was blocked'
	python3 - "$MOCK_LOG" "$HPORT" <<'PY' || fail "the reviewer was not sent the network action"
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
text = "".join(p["text"] for m in reqs[1]["body"]["input"] for p in m["content"])
assert '"tool": "network_access"' in text, text
assert '"target": "http://blocked.test:%s"' % sys.argv[2] in text, text
PY
	st=$(python3 - "$T/events" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m["type"] == "guardian_assessment":
        print(m["id"].split("#")[2], m["status"])
PY
)
	expect_eq "$st" "$(printf 'blocked.test in_progress\nblocked.test approved\nother.test in_progress\nother.test denied')" "assessments"
}

# Approval policy never: no question; refused as without approvals.
test_never_asks_nothing() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://blocked.test:$HPORT/hello-one"),$answer]"
	drive never approved
	expect_eq "$(requests)" "" "questions"
	expect_eq "$(seen one)" 0 "requests that reached the origin"
	expect_contains "$(mock_call_output c1)" "Codex blocked this request"
	expect_not_contains "$(mock_call_output c1)" "Network access to"
}

# The allowlist and the denylist still decide first: no question for either.
test_allowlisted_and_local_hosts_ask_nothing() {
	setup root
	skip_without_sandbox || return 0
	origin
	mock "[$(cmd c1 "curl -sS http://allowed.test:$HPORT/hello-ok; curl -sS http://127.0.0.1:$HPORT/hello-local"),$answer]"
	drive on-request approved,approved
	expect_eq "$(requests)" "" "questions"
	expect_eq "$(seen ok)" 1 "the allowlisted host"
	expect_eq "$(seen local)" 0 "a local address (refused, not asked about)"
}

run_tests
