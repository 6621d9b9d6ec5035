#!/bin/bash
# codex sandbox against the alternatives, in the same run, same workspace:
#   codex     ./codex sandbox --full-auto -- /bin/true
#   bwrap     bubblewrap with the equivalent mount and namespace set (read-only /, the
#             workspace and /tmp bound read-write, .git read-only, minimal /dev, fresh
#             /proc; user, pid, ipc and net namespaces), no Landlock, no seccomp
#   upstream  codex 0.118.0 (npm) `codex sandbox linux --full-auto -- /bin/true`
# Wall time: median (and p90) of RUNS runs after a warm-up; peak memory: the largest
# maximum resident set of a run (wait4's ru_maxrss, which covers the whole process
# tree). Never pass/fail: figures and ratios only.
#   RUNS=200 tests/bench/sandbox.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/lib.sh"
CODEX=${CODEX_BIN:-$top/codex}
RUNS=${RUNS:-100}
UP_DIR=$top/build/bench/upstream
UP=$UP_DIR/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex/codex

if [ ! -x "$UP" ] && command -v npm >/dev/null; then
	echo "installing @openai/codex@0.118.0 into $UP_DIR (git-ignored)"
	mkdir -p "$UP_DIR"
	npm install --prefix "$UP_DIR" --no-audit --no-fund @openai/codex@0.118.0 > /dev/null 2>&1
fi

# A workspace outside /tmp with a git repository, as a real one would be.
ws=$(mktemp -d /var/tmp/codex-bench-XXXXXX)
trap 'rm -rf "$ws"' EXIT
mkdir -p "$ws/repo" "$ws/home"
git -C "$ws/repo" init -q
cd "$ws/repo"

cmds=(codex)
declare -A argv
argv[codex]="$CODEX sandbox --full-auto -- /bin/true"
if command -v bwrap >/dev/null; then
	cmds+=(bwrap)
	argv[bwrap]="$(command -v bwrap) --new-session --die-with-parent --ro-bind / / --dev /dev --bind /tmp /tmp --bind $ws/repo $ws/repo --ro-bind $ws/repo/.git $ws/repo/.git --unshare-user --unshare-pid --unshare-ipc --unshare-net --proc /proc -- /bin/true"
fi
if [ -x "$UP" ]; then
	cmds+=(upstream)
	argv[upstream]="$UP sandbox linux --full-auto -- /bin/true"
fi

SPAWN=$top/build/tests/bench-spawn
[ -x "$SPAWN" ] || make -C "$top" build/tests/bench-spawn > /dev/null
echo "codex sandbox benchmark: $RUNS runs each, $(nproc) CPUs, Linux $(uname -r)"
printf '%-9s %10s %10s %10s\n' "" "median ms" "p90 ms" "peak MiB"
declare -A med peak
for c in "${cmds[@]}"; do
	read -r m p k < <(CODEX_HOME=$ws/home "$SPAWN" "$RUNS" ${argv[$c]}) || {
		echo "$c: failed"
		continue
	}
	med[$c]=$m
	peak[$c]=$k
	awk -v c="$c" -v m="$m" -v p="$p" -v k="$k" 'BEGIN { printf "%-9s %10s %10s %10.2f\n", c, m, p, k / 1024 }'
done
for c in "${cmds[@]}"; do
	[ "$c" = codex ] || [ -z "${med[$c]:-}" ] && continue
	awk -v a="${med[codex]}" -v b="${med[$c]}" -v ka="${peak[codex]}" -v kb="${peak[$c]}" -v n="$c" \
		'BEGIN { printf "codex / %-8s wall time x%.2f (%s), peak memory x%.2f\n", n, a / b,
			 a <= b ? "faster" : "slower", ka / kb }'
done
for c in "${cmds[@]}"; do
	[ "$c" = codex ] && continue
	against=$c
	[ "$c" = upstream ] && against=upstream-0.118
	bench_line sandbox true wall_ms lower "${med[codex]:--}" "$against" "${med[$c]:--}"
	bench_line sandbox true peak_kib lower "${peak[codex]:--}" "$against" "${peak[$c]:--}"
done
awk -v k="${peak[codex]}" 'BEGIN { printf "targets: no slower than bwrap; under 2 MiB peak (codex: %.2f MiB)\n", k / 1024 }'
