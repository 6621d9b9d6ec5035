#!/bin/bash
# Starting a command whose network goes through the proxy, against the alternatives, in
# the same run:
#   codex-proxy  ./codex sandbox --allow-domain example.test -- /bin/true
#                (own network namespace, the proxy's listeners in it, the proxy outside)
#   codex        ./codex sandbox -- /bin/true (the same sandbox, network off, no proxy)
#   srt          Anthropic's sandbox-runtime (npm @anthropic-ai/sandbox-runtime; needs
#                Debian's bubblewrap, socat and ripgrep) with a settings file allowing
#                example.test and writing nothing: `srt --settings FILE /bin/true`
# Wall time: median (and p90) of RUNS runs after a warm-up; peak memory: the largest
# maximum resident set of any process of a run (wait4's ru_maxrss). Never pass/fail.
#   RUNS=200 tests/bench/sandbox_proxy.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/lib.sh"
CODEX=${CODEX_BIN:-$top/codex}
RUNS=${RUNS:-100}
SRT_DIR=$top/build/bench/srt
SRT=$SRT_DIR/node_modules/.bin/srt

missing=
for p in bubblewrap socat ripgrep; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
	echo "installing$missing (for sandbox-runtime)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing > /dev/null 2>&1 || {
		apt-get update -qq > /dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing > /dev/null 2>&1
	}
fi
if [ ! -x "$SRT" ] && command -v npm > /dev/null; then
	echo "installing @anthropic-ai/sandbox-runtime into $SRT_DIR (git-ignored)"
	mkdir -p "$SRT_DIR"
	npm install --prefix "$SRT_DIR" --no-audit --no-fund @anthropic-ai/sandbox-runtime > /dev/null 2>&1
fi

ws=$(mktemp -d /var/tmp/codex-bench-XXXXXX)
trap 'rm -rf "$ws"' EXIT
mkdir -p "$ws/repo" "$ws/home"
git -C "$ws/repo" init -q
cd "$ws/repo"
printf '{"network":{"allowedDomains":["example.test"],"deniedDomains":[]},"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}\n' \
	> "$ws/srt-settings.json"

cmds=(codex-proxy codex)
declare -A argv
argv[codex-proxy]="$CODEX sandbox --allow-domain example.test -- /bin/true"
argv[codex]="$CODEX sandbox -- /bin/true"
if [ -x "$SRT" ] && command -v bwrap > /dev/null && command -v socat > /dev/null; then
	cmds+=(srt)
	argv[srt]="$SRT --settings $ws/srt-settings.json /bin/true"
fi

SPAWN=$top/build/tests/bench-spawn
[ -x "$SPAWN" ] || make -C "$top" build/tests/bench-spawn > /dev/null
echo "sandbox + proxy start benchmark: $RUNS runs each, $(nproc) CPUs, Linux $(uname -r)"
printf '%-12s %10s %10s %10s\n' "" "median ms" "p90 ms" "peak MiB"
declare -A med peak
for c in "${cmds[@]}"; do
	n=$RUNS
	[ "$c" = srt ] && n=$(( RUNS < 30 ? RUNS : 30 )) # about 0.4 s a run
	read -r m p k < <(HOME=$ws/home CODEX_HOME=$ws/home "$SPAWN" "$n" ${argv[$c]}) || {
		echo "$c: failed"
		continue
	}
	med[$c]=$m
	peak[$c]=$k
	awk -v c="$c" -v m="$m" -v p="$p" -v k="$k" 'BEGIN { printf "%-12s %10s %10s %10.2f\n", c, m, p, k / 1024 }'
done
[ -n "${med[codex-proxy]:-}" ] && [ -n "${med[codex]:-}" ] &&
	awk -v a="${med[codex-proxy]}" -v b="${med[codex]}" \
		'BEGIN { printf "the proxy adds %.2f ms to a sandboxed start (x%.2f)\n", a - b, a / b }'
[ -n "${med[srt]:-}" ] && [ -n "${med[codex-proxy]:-}" ] &&
	awk -v a="${med[codex-proxy]}" -v b="${med[srt]}" -v ka="${peak[codex-proxy]}" -v kb="${peak[srt]}" \
		'BEGIN { printf "codex-proxy vs srt: %.1fx faster, %.1fx less peak memory\n", b / a, kb / ka }'
for c in codex srt; do
	[[ " ${cmds[*]} " == *" $c "* ]] || continue
	bench_line sandbox_proxy true wall_ms lower "${med[codex-proxy]:--}" "$c" "${med[$c]:--}"
	bench_line sandbox_proxy true peak_kib lower "${peak[codex-proxy]:--}" "$c" "${peak[$c]:--}"
done
echo "targets: at least 10x faster than srt; the proxy adding under 5 ms"
