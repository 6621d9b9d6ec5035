#!/bin/bash
# codex exec against upstream codex 0.118.0 (npm), same run, same scripted model mock:
# a session of 20 exec_command calls (`echo N`, workspace-write sandbox) and a final
# answer, `exec --json --full-auto`. Per client: wall time and CPU (user + system) as the
# median of RUNS runs, peak memory as the largest maximum resident set of a run (GNU
# time's %M: wait4's ru_maxrss, the biggest process of the tree). Also the size of our
# binary. Never pass/fail: figures and ratios only.
#   RUNS=5 tests/bench/agent.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/lib.sh"
CODEX=${CODEX_BIN:-$top/codex}
RUNS=${RUNS:-3}
UP_DIR=$top/build/bench/upstream
UP=$UP_DIR/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex/codex

if [ ! -x "$UP" ] && command -v npm >/dev/null; then
	echo "installing @openai/codex@0.118.0 into $UP_DIR (git-ignored)"
	mkdir -p "$UP_DIR"
	npm install --prefix "$UP_DIR" --no-audit --no-fund @openai/codex@0.118.0 > /dev/null 2>&1
fi

# Outside /tmp: upstream refuses to make its helper links under /tmp.
ws=$(mktemp -d /var/tmp/codex-bench-agent-XXXXXX)
mock_pid=
trap '[ -n "$mock_pid" ] && kill $mock_pid 2>/dev/null; rm -rf "$ws"' EXIT
mkdir -p "$ws/repo"
git -C "$ws/repo" init -q

python3 - > "$ws/script.json" <<'PY'
import json
def fc(i):
    return {"sse": [{"created": "r"}, {"function_call": {"call_id": "c%d" % i, "name": "exec_command",
            "arguments": {"cmd": "echo %d" % i}}}, {"completed": {"input_tokens": 100, "output_tokens": 10, "total_tokens": 110}}]}
answer = {"sse": [{"created": "r"}, {"message": "done"}, {"completed": {"input_tokens": 100, "output_tokens": 10, "total_tokens": 110}}]}
one = [fc(i) for i in range(20)] + [answer]
print(json.dumps(one * 100))
PY

python3 "$top/tests/servers/mock_responses.py" --script "$ws/script.json" --log /dev/null \
	--port-file "$ws/port" > /dev/null &
mock_pid=$!
for i in $(seq 1 200); do [ -s "$ws/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$ws/port")/v1

# run CLIENT BIN: one session; prints "wall_s cpu_s maxrss_kb", or fails.
run() {
	local home=$ws/home-$1-$RANDOM
	mkdir -p "$home"
	# HOME: an empty one for both, so that `bash -l` reads no user profile (a pyenv
	# init there costs seconds a command and would measure the shell, not the agent).
	( cd "$ws/repo" && HOME=$home CODEX_HOME=$home MOCK_KEY=sk-bench /usr/bin/time -f '%e %U %S %M' -o "$ws/time" \
		"$2" exec --json --full-auto -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$base" -c model_providers.mock.env_key=MOCK_KEY \
		-c model_providers.mock.wire_api=responses "run the commands" < /dev/null \
		> "$ws/out-$1" 2> "$ws/err-$1" ) || return 1
	grep -q '"turn.completed"' "$ws/out-$1" || return 1
	[ "$(grep -c '"item.completed","item":{"id":"item_[0-9]*","type":"command_execution"' "$ws/out-$1")" = 20 ] || return 1
	awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$ws/time"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A wall cpu peak
clients=(codex)
[ -x "$UP" ] && clients+=(upstream)
echo "codex exec benchmark: 20 exec_command calls + an answer, $RUNS runs each, $(nproc) CPUs"
printf '%-9s %10s %10s %10s\n' "" "wall s" "CPU s" "peak MiB"
for c in "${clients[@]}"; do
	bin=$CODEX
	[ "$c" = upstream ] && bin=$UP
	: > "$ws/runs"
	for r in $(seq 1 "$RUNS"); do
		run "$c" "$bin" >> "$ws/runs" || { echo "$c: run failed: $(tail -3 "$ws/err-$c")"; continue 2; }
	done
	wall[$c]=$(cut -d' ' -f1 "$ws/runs" | median)
	cpu[$c]=$(cut -d' ' -f2 "$ws/runs" | median)
	peak[$c]=$(cut -d' ' -f3 "$ws/runs" | sort -g | tail -1 | awk '{ printf "%.2f", $1 / 1024 }')
	printf '%-9s %10s %10s %10s\n' "$c" "${wall[$c]}" "${cpu[$c]}" "${peak[$c]}"
done
size=$(stat -c %s "$CODEX")
printf 'binary size: %s bytes (%.2f MB)\n' "$size" "$(echo "$size / 1000000" | bc -l)"
if [ -n "${wall[upstream]:-}" ] && [ -n "${wall[codex]:-}" ]; then
	awk -v a="${wall[upstream]}" -v b="${wall[codex]}" 'BEGIN { printf "wall: %.1fx less than upstream\n", a / b }'
	awk -v a="${peak[upstream]}" -v b="${peak[codex]}" 'BEGIN { printf "peak memory: %.1fx less than upstream\n", a / b }'
fi
for m in wall cpu; do
	declare -n v=$m
	bench_line agent exec_20_commands "${m}_s" lower "${v[codex]:--}" upstream "${v[upstream]:--}"
done
bench_line agent exec_20_commands peak_mib lower "${peak[codex]:--}" upstream "${peak[upstream]:--}"
