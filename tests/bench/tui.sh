#!/bin/bash
# The interactive agent's rendering cost, ours against upstream codex 0.118.0 (npm), same
# run, same tmux setup (100x30), same scripted model: 50 exec_command calls (`echo`), then
# an answer streamed as 2,000 lines (one delta a line). Per client:
#   final_ms     from start to the final frame (both model streams over, no turn running,
#                and the screen unchanged for 1.5 s; the time of its last change), polling
#                capture-pane every 20 ms
#   cpu_ms       user + system CPU of the client and its children (GNU time): the 50
#                shells are in it, the same for both
#   own_cpu_ms   the client process's own user + system CPU at the final frame (/proc)
#   peak_kib     its maximum resident set (GNU time %M)
#   tty_bytes    bytes it wrote to the terminal (tmux pipe-pane)
# and, for ours, the same session with 4,000 lines, to show that the bytes written grow
# with the text and not with text x screen size. Never pass/fail: figures and ratios.
# BENCH_CODE=1 streams the answer's lines inside a ```rust block instead (each line
# then syntax highlighted as it is committed), to measure what highlighting costs.
#   tests/bench/tui.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/lib.sh"
CODEX=${CODEX_BIN:-$top/codex}
UP_DIR=$top/build/bench/upstream
UP=$UP_DIR/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex/codex
LIMIT_S=${LIMIT_S:-120}

command -v tmux > /dev/null || { echo "SKIP: tmux is missing"; exit 0; }
if [ ! -x "$UP" ] && command -v npm > /dev/null; then
	echo "installing @openai/codex@0.118.0 into $UP_DIR (git-ignored)"
	mkdir -p "$UP_DIR"
	npm install --prefix "$UP_DIR" --no-audit --no-fund @openai/codex@0.118.0 > /dev/null 2>&1
fi

# Outside /tmp: upstream refuses to make its helper links under /tmp.
ws=$(mktemp -d /var/tmp/codex-bench-tui-XXXXXX)
TS=codex-bench-tui-$$
mock_pid=
trap 'tmux -L $TS kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TS"; [ -n "$mock_pid" ] && kill $mock_pid 2>/dev/null; rm -rf "$ws"' EXIT
tm() { tmux -f /dev/null -L "$TS" "$@"; }

script() { # script LINES > file
	python3 - "$1" "${BENCH_CODE:-}" <<'PY'
import json, sys
n = int(sys.argv[1])
code = sys.argv[2] == "1"
calls = [{"function_call": {"call_id": "c%d" % i, "name": "exec_command",
                            "arguments": {"cmd": "echo exec cell %d" % i}}} for i in range(50)]
first = {"sse": [{"created": "r1"}] + calls + [{"completed": {"id": "r1", "tokens": 100}}]}
if code:
    pieces = ["```rust\n"] + ["    let line_%d: u32 = compute(\"words\", %d); // wrap a comment\n" % (i, i)
                              for i in range(n)] + ["```\n"]
else:
    pieces = ["streamed line %d of the answer, with a few words to wrap\n" % i for i in range(n)]
pieces.append("THE FINAL LINE")
second = {"sse": [{"created": "r2"}, {"message": "".join(pieces), "deltas": pieces},
                  {"completed": {"id": "r2", "tokens": 200}}]}
print(json.dumps([first, second]))
PY
}

# run NAME BIN LINES: one session; prints "final_ms cpu_ms peak_kib tty_bytes own_cpu_ms"
# (dashes when it failed).
run() {
	local name=$1 bin=$2 n=$3 d=$ws/$1 start now i done=
	mkdir -p "$d/home" "$d/repo"
	git -C "$d/repo" init -q
	cat > "$d/home/config.toml" <<EOF
check_for_update_on_startup = false
[projects."$d/repo"]
trust_level = "trusted"
[notice]
hide_full_access_warning = true
[notice.model_migrations]
"gpt-5.3-codex" = "gpt-5.4"
EOF
	script "$n" > "$d/script.json"
	python3 "$top/tests/servers/mock_responses.py" --script "$d/script.json" --log "$d/log" \
		--port-file "$d/port" > /dev/null 2>&1 &
	mock_pid=$!
	for i in $(seq 1 200); do [ -s "$d/port" ] && break; sleep 0.05; done
	cat > "$d/run.sh" <<EOF
cd '$d/repo'
export TERM=xterm-256color CODEX_HOME='$d/home' HOME='$d/home' MOCK_KEY=sk-bench
/usr/bin/time -f '%U %S %M' -o '$d/time' '$bin' -m gpt-5.4 -s danger-full-access -a never \
	-c model_provider=mock -c model_providers.mock.name=mock \
	-c model_providers.mock.base_url=http://127.0.0.1:$(cat "$d/port")/v1 \
	-c model_providers.mock.env_key=MOCK_KEY -c model_providers.mock.wire_api=responses \
	'run the benchmark' 2> '$d/stderr'
echo done > '$d/exited'
exec sleep 600
EOF
	tm kill-server > /dev/null 2>&1
	tm new-session -d -s main -x 100 -y 30 "sleep 0.2; bash '$d/run.sh'"
	tm pipe-pane -o -t main "cat > '$d/tty'"
	# The final frame: both model streams are over, no turn is running, and the screen
	# has not changed for a while; its time is that of the last change.
	start=$(date +%s%N)
	last=$start prev=
	while :; do
		s=$(tm capture-pane -p -t main)
		now=$(date +%s%N)
		[ $(((now - start) / 1000000000)) -ge "$LIMIT_S" ] && break
		[ "$s" != "$prev" ] && { last=$now; prev=$s; }
		if [ "$(grep -c '"end_of"' "$d/log" 2>/dev/null)" -ge 2 ] &&
		   ! grep -q "esc to interrupt" <<< "$s" && [ $(((now - last) / 1000000)) -ge 1500 ]; then
			done=1
			break
		fi
		[ -f "$d/exited" ] && break
		sleep 0.02
	done
	now=$last
	# the client's own CPU (children excluded: the 50 shells are the same for both)
	own=-
	for p in $(pgrep -f "127.0.0.1:$(cat "$d/port")/v1"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = codex ] || continue
		own=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' /proc/$p/stat)
	done
	grep -q "THE FINAL LINE" <<< "$s" || echo "$name: the last line is not on the final screen" >&2
	if [ -z "$done" ]; then
		echo "$name: no final frame within ${LIMIT_S}s" >&2
		tm capture-pane -p -t main | tail -8 >&2
		echo "- - - - -"
		kill $mock_pid 2>/dev/null; wait $mock_pid 2>/dev/null
		return
	fi
	tm send-keys -t main C-c 2> /dev/null
	for i in $(seq 1 500); do [ -f "$d/exited" ] && break; sleep 0.02; done
	tm send-keys -t main C-c 2> /dev/null # upstream: a second one if the first only cleared something
	for i in $(seq 1 500); do [ -f "$d/exited" ] && break; sleep 0.02; done
	tm pipe-pane -t main > /dev/null 2>&1
	kill $mock_pid 2>/dev/null
	wait $mock_pid 2>/dev/null
	read -r u s m < "$d/time" 2>/dev/null || { echo "- - - - -"; return; }
	python3 -c 'import sys; print(int(sys.argv[1]), int((float(sys.argv[2]) + float(sys.argv[3])) * 1000), sys.argv[4], sys.argv[5], sys.argv[6])' \
		$(((now - start) / 1000000)) "$u" "$s" "$m" "$(stat -c %s "$d/tty" 2>/dev/null || echo 0)" "$own"
}

echo "ours:"
read -r o_ms o_cpu o_mem o_bytes o_own <<< "$(run ours "$CODEX" 2000)"
echo "  final frame ${o_ms} ms, cpu ${o_cpu} ms (own ${o_own} ms), peak ${o_mem} KiB, ${o_bytes} bytes to the terminal"
read -r _ _ _ o_bytes4 _ <<< "$(run ours4000 "$CODEX" 4000)"
echo "  with 4000 lines: ${o_bytes4} bytes to the terminal"
u_ms=- u_cpu=- u_mem=- u_bytes=- u_own=-
if [ -x "$UP" ]; then
	echo "upstream 0.118.0:"
	read -r u_ms u_cpu u_mem u_bytes u_own <<< "$(run upstream "$UP" 2000)"
	echo "  final frame ${u_ms} ms, cpu ${u_cpu} ms (own ${u_own} ms), peak ${u_mem} KiB, ${u_bytes} bytes to the terminal"
else
	echo "upstream 0.118.0: not installed (npm unavailable); figures marked -"
fi
bench_line tui stream2000-exec50 final_ms lower "$o_ms" upstream-0.118 "$u_ms"
bench_line tui stream2000-exec50 cpu_ms lower "$o_cpu" upstream-0.118 "$u_cpu"
bench_line tui stream2000-exec50 own_cpu_ms lower "$o_own" upstream-0.118 "$u_own"
bench_line tui stream2000-exec50 peak_kib lower "$o_mem" upstream-0.118 "$u_mem"
bench_line tui stream2000-exec50 tty_bytes lower "$o_bytes" upstream-0.118 "$u_bytes"
bench_line tui stream4000-vs-2000 tty_bytes lower "$o_bytes4" ours-2000-lines-x2 \
	"$([ "$o_bytes" = - ] && echo - || echo $((o_bytes * 2)))"
