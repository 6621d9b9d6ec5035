#!/bin/bash
# make bench: runs every tests/bench/*.sh (or those whose name contains $1), then prints
# one summary table of every figure they compared. Benchmarks compare against
# alternatives in the same run and print figures and ratios; they never fail the build,
# so a benchmark's own failure is reported and the next one runs.
#
# The summary line. Each benchmark prints, besides its own report, one line per compared
# figure (tests/bench/lib.sh: bench_line writes it and checks the fields):
#
#   BENCH <suite> <case> <metric> <better> <ours> <against> <theirs>
#
#   suite    the benchmark (apply_patch, proxy, ...)
#   case     the input or load shape (header-1000, keepalive-64, ...)
#   metric   what was measured, with its unit (wall_ms, peak_kib, req_per_s, ...)
#   better   "lower" or "higher": which way is better for this metric
#   ours     our figure
#   against  what it is compared with (floor, upstream-0.118, tinyproxy, nginx-direct, ...)
#   theirs   that figure
#
# Fields hold no whitespace; ours and theirs are plain numbers, or "-" when the figure
# could not be had. The table adds ours/theirs and "advantage": how many times better
# ours is (theirs/ours for "lower", ours/theirs for "higher"; above 1 means ours wins).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
lines=$(mktemp "${TMPDIR:-/tmp}/codex-bench-lines-XXXXXX")
trap 'rm -f "$lines"' EXIT
failed=()
for b in tests/bench/*.sh; do
	case $b in tests/bench/run.sh | tests/bench/lib.sh) continue ;; esac
	[ -n "${1:-}" ] && [[ "$b" != *"$1"* ]] && continue
	echo "== $b"
	bash "$b" 2>&1 | tee -a "$lines"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || { echo "($b did not finish: exit $rc)"; failed+=("$b"); }
done
echo
echo "== summary (BENCH lines; advantage > 1: ours is better)"
grep '^BENCH ' "$lines" | awk '
	BEGIN {
		fmt = "%-13s %-22s %-18s %12s %-16s %12s %11s %10s\n"
		printf fmt, "suite", "case", "metric", "ours", "against", "theirs", "ours/theirs", "advantage"
	}
	{
		ours = $6; theirs = $8; ratio = "-"; adv = "-"
		if (ours != "-" && theirs != "-" && ours + 0 > 0 && theirs + 0 > 0) {
			ratio = sprintf("%.3g", ours / theirs)
			adv = sprintf("%.3gx", $5 == "lower" ? theirs / ours : ours / theirs)
		}
		printf fmt, $2, $3, $4, ours, $7, theirs, ratio, adv
	}'
[ ${#failed[@]} -eq 0 ] || echo "did not finish: ${failed[*]}"
exit 0
