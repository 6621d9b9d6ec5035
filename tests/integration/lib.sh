# Shared by the integration suites. A suite defines functions named test_* and ends with
# `run_tests`; each test runs in its own subshell with `set -e`, in a fresh temporary
# directory ($T), and its output is shown only when it fails.
set -u
CODEX_TOP=${CODEX_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CODEX=${CODEX_BIN:-$CODEX_TOP/codex}
TOOLS=${TOOLS_DIR:-$CODEX_TOP/build/tests}
CONFORMANCE=${CONFORMANCE:-$CODEX_TOP/../shared/conformance}
# Sessions (the TUI, `codex exec`) sync the curated plugins from github.com as they
# start: off in every test (only loopback, ever); a test that wants a sync points it at a
# local repository.
export CODEX_CURATED_PLUGINS_URL=

fail() { echo "FAIL: $*" >&2; return 1; }

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected [$2], got [$1]"
}

# expect_contains HAYSTACK NEEDLE [WHAT]
expect_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-output}: [$1] does not contain [$2]" ;;
	esac
}

expect_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-output}: [$1] contains [$2]" ;;
	esac
}

# expect_status CODE CMD...: runs CMD, fails unless it exits with CODE. Output goes to
# $T/out and $T/err for further checks.
expect_status() {
	local want=$1 rc=0
	shift
	"$@" > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		echo "--- stdout:"; head -c 2000 "$T/out"; echo "--- stderr:"; head -c 2000 "$T/err"
		fail "$* exited with $rc, expected $want"
	}
}

# A free TCP port on 127.0.0.1 (the kernel picks it; a race with another process is
# possible but harmless for tests, which fail loudly).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_for_port() {
	local i
	for i in $(seq 1 $(( ${2:-10} * 20 ))); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	fail "nothing listens on 127.0.0.1:$1"
}

# wait_file PATH [TEST]: until PATH passes `test TEST` (default -s: exists and is not
# empty). The bound (30 s) only ends a broken run: a loaded machine is slow, not wrong.
wait_file() {
	local i
	for i in $(seq 1 1200); do
		test "${2:--s}" "$1" && return 0
		sleep 0.025
	done
	fail "$1 never appeared"
}

# wait_log PATH TEXT: until PATH holds a line containing TEXT (30 s at most).
wait_log() {
	local i
	for i in $(seq 1 1200); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.025
	done
	fail "$1 never showed [$2]: $(tail -n 5 "$1" 2>/dev/null)"
}

# Background processes a test starts are killed when it ends.
bg_pids=()
start_bg() {
	"$@" &
	bg_pids+=($!)
}
cleanup_bg() {
	local p i left
	# A process that already ended is fine: the trap must not fail the test for it.
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	# Bounded: what still runs after 10 s (a server stuck on a client) gets SIGKILL.
	for i in $(seq 1 400); do
		left=
		for p in "${bg_pids[@]}"; do
			running "$p" && left=1 && break
		done
		[ -z "$left" ] && break
		sleep 0.025
	done
	for p in "${bg_pids[@]}"; do running "$p" && kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null || true
	bg_pids=()
}

# running PID: the process exists and is not a zombie waiting for us.
running() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

run_tests() {
	local suite=${BASH_SOURCE[1]} t rc out only=${TEST_FILTER:-}
	local base
	base=$(basename "$suite" .sh)
	for t in $(grep -o '^test_[A-Za-z0-9_]*()' "$suite" | tr -d '()'); do
		[ -n "$only" ] && [[ "$t" != *"$only"* ]] && continue
		T=$(mktemp -d "${TMPDIR:-/tmp}/codex-it-XXXXXX")
		out=$( (set -e; trap cleanup_bg EXIT; cd "$T"; "$t") 2>&1 )
		rc=$?
		if [ "$rc" -eq 0 ]; then
			echo "ok - $base: ${t#test_}"
		else
			echo "not ok - $base: ${t#test_}"
			printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
		fi
		chmod -R u+rwX "$T" 2>/dev/null
		rm -rf "$T"
	done
}

# make_ca DIR [--only] [NAME...]: a throw-away test CA (DIR/ca.pem, DIR/ca.key) and a
# server certificate it signed (DIR/server.pem, DIR/server.key) for localhost,
# 127.0.0.1 and the given names (with --only: for the given names alone).
make_ca() {
	local dir=$1 san="DNS:localhost,IP:127.0.0.1" n
	shift
	if [ "${1:-}" = --only ]; then
		shift
		san="DNS:$1"
		shift
	fi
	for n in "$@"; do san="$san,DNS:$n"; done
	mkdir -p "$dir"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=codex test CA $RANDOM" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
		2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
		-keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" \
		> "$dir/ext.cnf"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
		-CAcreateserial -days 2 -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
}

# start_http_server [http_server.py options]: starts tests/servers/http_server.py in the
# background (killed when the test ends) and sets SERVER_ADDR to its port (or socket).
start_http_server() {
	local pf i
	pf=$(mktemp -u "$T/server.XXXXXX")
	start_bg python3 "$CODEX_TOP/tests/servers/http_server.py" --port-file "$pf" "$@"
	for i in $(seq 1 200); do
		[ -f "$pf" ] && break
		sleep 0.05
	done
	[ -f "$pf" ] || fail "test server did not start"
	SERVER_ADDR=$(cat "$pf")
}

# start_mock SCRIPT [mock_responses.py options]: starts tests/servers/mock_responses.py (the
# scripted Responses / Chat Completions mock; its docstring describes SCRIPT) in the
# background, killed when the test ends. Sets MOCK_PORT and MOCK_LOG (its request log).
start_mock() {
	local script=$1 pf i pid
	shift
	pf=$(mktemp -u "$T/mock-port.XXXXXX")
	MOCK_LOG=$(mktemp -u "$T/mock-log.XXXXXX")
	start_bg python3 "$CODEX_TOP/tests/servers/mock_responses.py" --script "$script" \
		--log "$MOCK_LOG" --port-file "$pf" "$@" > /dev/null
	pid=${bg_pids[${#bg_pids[@]}-1]}
	for i in $(seq 1 200); do
		[ -f "$pf" ] && break
		kill -0 "$pid" 2>/dev/null || fail "mock_responses exited (bad script?)"
		sleep 0.05
	done
	[ -f "$pf" ] || fail "mock_responses did not start"
	MOCK_PORT=$(cat "$pf")
}

# mock_get N [PATH]: request N of the mock's log (-1 = the last), or one value in it
# (dotted PATH: body.input.0.role, headers.authorization); strings print raw, the rest
# as JSON. mock_count: how many requests it got.
mock_get() { python3 "$CODEX_TOP/tests/servers/mock_script.py" get "$MOCK_LOG" "$@"; }
# mock_call_output CALL_ID: the output the agent sent back for CALL_ID in the last
# request the mock got.
mock_call_output() {
	python3 - "$MOCK_LOG" "$1" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
for item in reqs[-1]["body"]["input"]:
    if item.get("call_id") == sys.argv[2] and item["type"].endswith("_output"):
        print(item["output"])
        break
else:
    sys.exit("no output for " + sys.argv[2])
PY
}
# mock_end N: how request N's stream ended ({"end_of", "ended", "client_gone"}).
mock_end() { python3 "$CODEX_TOP/tests/servers/mock_script.py" ends "$MOCK_LOG" "$@"; }
mock_count() {
	if [ -f "$MOCK_LOG" ]; then
		python3 "$CODEX_TOP/tests/servers/mock_script.py" count "$MOCK_LOG"
	else
		echo 0
	fi
}
# mock_wait_count N: until the mock has N requests (fails after 30 s).
mock_wait_count() {
	local i
	for i in $(seq 1 300); do
		[ "$(mock_count)" -ge "$1" ] && return 0
		sleep 0.1
	done
	fail "the mock got $(mock_count) requests, not $1"
}

# private_etc DIR: in this process's (private) mount namespace, /etc/hosts and
# /etc/resolv.conf become DIR/hosts and DIR/resolv.conf, also on a machine whose /etc has
# no such files to bind over (a fresh debootstrap has no /etc/hosts): /etc gets an
# overlay whose upper layer (a tmpfs) holds them.
private_etc() {
	local d=$1
	mkdir -p "$d/ovl"
	mount -t tmpfs codex-etc "$d/ovl"
	mkdir -p "$d/ovl/upper" "$d/ovl/work"
	cp "$d/hosts" "$d/resolv.conf" "$d/ovl/upper/"
	mount -t overlay codex-etc -o "lowerdir=/etc,upperdir=$d/ovl/upper,workdir=$d/ovl/work" /etc
}
