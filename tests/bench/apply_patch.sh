#!/bin/bash
# apply_patch benchmark: a 1,000-hunk patch (one Update File, 1,000 @@ chunks) into a
# 200,000-line file, read from stdin, ours against upstream's apply_patch in the same run.
# Two inputs (tests/bench/gen_apply_patch.py): code-like lines (the case that matters),
# then a hostile file of two alternating lines where every search must look far.
# Upstream is the x86_64-unknown-linux-musl binary of `npm install @openai/codex@0.118.0`
# (installed once into build/bench/upstream, git-ignored), run through a symlink named
# apply_patch. Each side runs RUNS times on a fresh copy of the file; the median is shown,
# with wall time and peak RSS from /usr/bin/time -f '%e %M'. Both results must be
# byte-identical. Never pass/fail: it prints figures and ratios.
#   tests/bench/apply_patch.sh            LINES=200000 HUNKS=1000 RUNS=3
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
CODEX=${CODEX_BIN:-$top/codex}
LINES=${LINES:-200000}
HUNKS=${HUNKS:-1000}
RUNS=${RUNS:-3}
work=$top/build/bench/apply_patch
upstream=$top/build/bench/upstream

find_upstream() {
	find "$upstream/node_modules" -path '*x86_64-unknown-linux-musl/codex/codex' -type f \
		2>/dev/null | head -n 1
}
up_bin=$(find_upstream)
if [ -z "$up_bin" ]; then
	echo "bench apply_patch: installing @openai/codex@0.118.0 into $upstream"
	mkdir -p "$upstream"
	(cd "$upstream" && npm install --no-audit --no-fund --silent @openai/codex@0.118.0 > /dev/null)
	up_bin=$(find_upstream)
fi
[ -x "$up_bin" ] || { echo "bench apply_patch: upstream binary not found"; exit 1; }

rm -rf "$work"
mkdir -p "$work/ours/bin" "$work/upstream/bin"
ln -s "$CODEX" "$work/ours/bin/apply_patch"
ln -s "$up_bin" "$work/upstream/bin/apply_patch"

# run SIDE: applies the patch RUNS times; prints "median_wall_s median_peak_kib".
run() {
	local side=$1 i walls=() mems=()
	for i in $(seq 1 "$RUNS"); do
		rm -rf "$work/$side/tree"
		mkdir "$work/$side/tree"
		cp "$work/big.txt" "$work/$side/tree/big.txt"
		(cd "$work/$side/tree" &&
			/usr/bin/time -f '%e %M' -o "$work/$side/time" "$work/$side/bin/apply_patch" \
				< "$work/patch.txt" > "$work/$side/out" 2>&1) ||
			{ echo "bench apply_patch: $side failed:"; cat "$work/$side/out"; exit 1; }
		read -r wall mem < "$work/$side/time"
		walls+=("$wall")
		mems+=("$mem")
	done
	echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")" \
		"$(printf '%s\n' "${mems[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")"
}

for kind in code hostile; do
	python3 tests/bench/gen_apply_patch.py "$work" "$LINES" "$HUNKS" "$kind"
	read -r our_wall our_mem <<< "$(run ours)"
	read -r up_wall up_mem <<< "$(run upstream)"
	if cmp -s "$work/ours/tree/big.txt" "$work/upstream/tree/big.txt"; then
		same=identical
	else
		same=DIFFERENT
	fi
	printf 'bench apply_patch (%s): %d-line file, %d-hunk patch on stdin, median of %d runs\n' \
		"$kind" "$LINES" "$HUNKS" "$RUNS"
	printf '  %-9s wall %7.2f s   peak %7d KiB\n' ours "$our_wall" "$our_mem" \
		upstream "$up_wall" "$up_mem"
	# /usr/bin/time counts wall time in hundredths: a 0.00 is taken as 0.01.
	awk -v a="$up_wall" -v b="$our_wall" -v c="$up_mem" -v d="$our_mem" 'BEGIN {
		if (b < 0.01) b = 0.01
		printf "  speed-up %.0fx, memory %.1fx less\n", a / b, c / d }'
	echo "  results: $same"
done
