#!/bin/bash
# apply_patch benchmark: every patch shape of tests/bench/gen_apply_patch.py (a 200,000-
# line file with 1,000 "@@ <context>" chunks, bare "@@" chunks, 20,000 small chunks,
# chunks that need the fuzzy passes, long lines, 2 million short lines, 500 files, and a
# hostile file), patch on stdin, each against
#   floor     build/tests/copy-floor: read the patch, then read every changed file,
#             write it again to a temporary file, fsync, rename (what any apply_patch
#             must at least do; ours writes the same way)
#   upstream  apply_patch of `npm install @openai/codex@0.118.0` (x86_64 musl binary,
#             installed once into build/bench/upstream, git-ignored; skipped with a note
#             when npm cannot install it)
# in the same run. Floor and ours run interleaved, RUNS times each (the machine's load
# then weighs on both alike); upstream, much slower, UP_RUNS times. Each run starts from
# a fresh copy of the files (untimed). Figures are medians: wall time from fork to exit
# and the peak resident set (wait4's ru_maxrss), by build/tests/bench-spawn. Ours and
# upstream must leave byte-identical trees. With CALLGRIND=1 the user-space instruction
# counts of ours and the floor are added (valgrind; noise-free, but blind to the kernel).
# Never pass/fail: figures and ratios, and BENCH lines for tests/bench/run.sh.
# UP_RUNS=0 skips upstream (its column then shows "-").
#   RUNS=11 UP_RUNS=3 SHAPES="header bare" tests/bench/apply_patch.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/lib.sh
CODEX=${CODEX_BIN:-$top/codex}
RUNS=${RUNS:-11}
UP_RUNS=${UP_RUNS:-3}
SHAPES=${SHAPES:-header bare small fuzzy long short files hostile}
work=$top/build/bench/apply_patch
upstream=$top/build/bench/upstream
SPAWN=$top/build/tests/bench-spawn
FLOOR=$top/build/tests/copy-floor
make -s codex build/tests/bench-spawn build/tests/copy-floor > /dev/null

find_upstream() {
	find "$upstream/node_modules" -path '*x86_64-unknown-linux-musl/codex/codex' -type f \
		2> /dev/null | head -n 1
}
up_bin=$(find_upstream)
if [ -z "$up_bin" ] && command -v npm > /dev/null; then
	echo "bench apply_patch: installing @openai/codex@0.118.0 into $upstream"
	mkdir -p "$upstream"
	(cd "$upstream" && timeout 600 npm install --no-audit --no-fund --silent \
		@openai/codex@0.118.0 > /dev/null 2>&1) || true
	up_bin=$(find_upstream)
fi
[ -n "$up_bin" ] || echo "bench apply_patch: upstream 0.118.0 could not be installed (no npm registry?): its column is skipped"

rm -rf "$work"
mkdir -p "$work/ours/bin" "$work/upstream/bin"
ln -s "$CODEX" "$work/ours/bin/apply_patch"
[ -z "$up_bin" ] || ln -s "$up_bin" "$work/upstream/bin/apply_patch"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

# spawn IN RUNS WARMUP CMD...: bench-spawn from a fresh copy of IN/tree in $work/run;
# prints "median_ms p90_ms peak_kib".
spawn() {
	local in=$1 runs=$2 warm=$3
	shift 3
	"$SPAWN" -w "$warm" -p "rm -rf '$work/run' && cp -a '$in/tree' '$work/run'" \
		-i "$in/patch.txt" -C "$work/run" "$runs" "$@"
}

printf '%-8s %8s | %9s %9s %7s | %10s %8s | %9s %9s %9s\n' shape "size MB" "floor ms" \
	"ours ms" "/floor" "upstream" "speed-up" "ours KiB" "/size" "up KiB"
for shape in $SHAPES; do
	in=$work/in/$shape
	mkdir -p "$in"
	python3 tests/bench/gen_apply_patch.py "$in" "$shape"
	size=$(cd "$in/tree" && cat $(cat ../files) | wc -c)
	mapfile -t files < "$in/files"
	# Interleaved, one run each a round, after one warm-up each.
	spawn "$in" 1 1 "$FLOOR" "${files[@]}" > /dev/null
	spawn "$in" 1 1 "$work/ours/bin/apply_patch" > /dev/null
	: > "$work/floor.txt"
	: > "$work/ours.txt"
	for _ in $(seq 1 "$RUNS"); do
		spawn "$in" 1 0 "$FLOOR" "${files[@]}" >> "$work/floor.txt"
		spawn "$in" 1 0 "$work/ours/bin/apply_patch" >> "$work/ours.txt"
	done
	rm -rf "$work/result-ours"
	mv "$work/run" "$work/result-ours"
	floor_ms=$(awk '{print $1}' "$work/floor.txt" | median)
	floor_kib=$(awk '{print $3}' "$work/floor.txt" | median)
	ours_ms=$(awk '{print $1}' "$work/ours.txt" | median)
	ours_kib=$(awk '{print $3}' "$work/ours.txt" | median)
	up_ms=- up_kib=- same=""
	if [ -n "$up_bin" ] && [ "$UP_RUNS" -gt 0 ]; then
		read -r up_ms _ up_kib <<< "$(spawn "$in" "$UP_RUNS" 0 "$work/upstream/bin/apply_patch")"
		if diff -r -q "$work/result-ours" "$work/run" > /dev/null; then
			same=""
		else
			same="  RESULTS DIFFER from upstream's"
		fi
	fi
	awk -v s="$shape" -v z="$size" -v f="$floor_ms" -v o="$ours_ms" -v u="$up_ms" \
		-v ok="$ours_kib" -v uk="$up_kib" -v same="$same" 'BEGIN {
		printf "%-8s %8.1f | %9.1f %9.1f %6.2fx | %10s %8s | %9d %8.2fx %9s%s\n",
			s, z / 1e6, f, o, o / f, u == "-" ? "-" : sprintf("%.1f", u),
			u == "-" ? "-" : sprintf("%.0fx", u / o), ok, ok * 1024 / z, uk, same }'
	bench_line apply_patch "$shape" wall_ms lower "$ours_ms" floor "$floor_ms"
	bench_line apply_patch "$shape" wall_ms lower "$ours_ms" upstream-0.118 "$up_ms"
	bench_line apply_patch "$shape" peak_kib lower "$ours_kib" upstream-0.118 "$up_kib"
	if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind > /dev/null; then
		ir() {
			rm -rf "$work/run" && cp -a "$in/tree" "$work/run"
			(cd "$work/run" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
				< "$in/patch.txt" 2>&1 > /dev/null | sed -n 's/.*refs: *//p' | tr -d ,)
		}
		ours_ir=$(ir "$work/ours/bin/apply_patch")
		floor_ir=$(ir "$FLOOR" "${files[@]}")
		echo "         user-space instructions: ours $ours_ir, floor $floor_ir"
		bench_line apply_patch "$shape" user_instructions lower "$ours_ir" floor "$floor_ir"
	fi
done
echo "(size: bytes of the files the patch changes; /size: ours' peak resident set over it;"
echo " speed-up: upstream's time over ours; floor and ours: median of $RUNS interleaved runs,"
echo " upstream: median of $UP_RUNS; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
