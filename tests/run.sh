#!/bin/bash
# Runs every test suite and ends with one line "N passed, N failed".
# Each suite prints TAP-style lines: "ok - <name>" or "not ok - <name>", with "#"-prefixed
# diagnostics after a failure. A suite that dies without reporting counts as one failure.
#   tests/run.sh                 all suites
#   tests/run.sh PATTERN         only suites whose path contains PATTERN
# Environment: CODEX_BIN (default ./codex), UNIT_BIN (default build/tests/unit),
# CODEX_CHECK=1 under `make check` (sanitizer build; suites may skip what ASan cannot run).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export CODEX_BIN=${CODEX_BIN:-$top/codex}
export UNIT_BIN=${UNIT_BIN:-$top/build/tests/unit}
export CODEX_TOP=$top
filter=${1:-}
pass=0
fail=0
logdir=$top/build/test-logs
mkdir -p "$logdir"

run_suite() {
	local name=$1; shift
	local log=$logdir/$(echo "$name" | tr '/ ' '__').log
	local p f rc start=$SECONDS
	timeout --kill-after=10 "${SUITE_TIMEOUT:-900}" "$@" > "$log" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc without reporting a failure" >> "$log"
		f=1
	fi
	if [ "$f" -gt 0 ]; then
		# Show each failing case with its diagnostics (and the tail of a crash).
		awk '/^not ok - /{show=1; print; next} /^ok - /{show=0} show && /^#/{print}' "$log"
		[ "$rc" -ne 0 ] && tail -n 5 "$log" | sed 's/^/#   /'
	fi
	printf '%-44s %4d passed, %d failed (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
	pass=$((pass + p))
	fail=$((fail + f))
}

# Under `make check` every sanitizer report, from any process of any test (even one
# whose exit status a test ignores), is written to a file; each file is a failure.
asan_dir=$logdir/sanitizers
if [ -n "${CODEX_CHECK:-}" ]; then
	rm -rf "$asan_dir"
	mkdir -p "$asan_dir"
	chmod 1777 "$asan_dir" # tests also run the binary as an unprivileged user
	export ASAN_OPTIONS="log_path=$asan_dir/asan:detect_leaks=1:halt_on_error=1"
	export UBSAN_OPTIONS="log_path=$asan_dir/ubsan:print_stacktrace=1:halt_on_error=1"
fi

if [ -z "$filter" ] || [[ "unit" == *"$filter"* ]]; then
	run_suite unit "$UNIT_BIN"
fi
for s in tests/integration/*.sh; do
	[ "$(basename "$s")" = lib.sh ] && continue
	[ -n "$filter" ] && [[ "$s" != *"$filter"* ]] && continue
	run_suite "$s" bash "$s"
done
if [ -n "${CODEX_CHECK:-}" ]; then
	for r in "$asan_dir"/*; do
		[ -f "$r" ] || continue
		echo "not ok - sanitizer report $r"
		head -n 30 "$r" | sed 's/^/#   /'
		fail=$((fail + 1))
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
