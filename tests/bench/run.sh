#!/bin/bash
# Runs every benchmark in tests/bench/ (make bench). Benchmarks print figures; they never fail the build.
cd "$(dirname "$0")" || exit 1
for b in ./*.sh; do
	[ "$b" = ./run.sh ] && continue
	bash "$b" || echo "bench $b: did not complete"
done
