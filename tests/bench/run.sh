#!/bin/bash
# make bench: runs every tests/bench/*.sh (or those matching $1). Benchmarks compare
# against alternatives in the same run and print figures and ratios; they never fail
# the build, so a benchmark's own failure is reported and the next one runs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
for b in tests/bench/*.sh; do
	[ "$b" = tests/bench/run.sh ] && continue
	[ -n "${1:-}" ] && [[ "$b" != *"$1"* ]] && continue
	echo "== $b"
	bash "$b" || echo "($b did not finish: exit $?)"
done
