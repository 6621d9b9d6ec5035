#!/bin/bash
# tests/fuzz/run.sh SECONDS [NAME]: runs build/fuzz/fuzz_<name> (all of them, or NAME) for
# SECONDS each (with tests/fuzz/fuzz_<name>.dict when present), with a persistent
# corpus in build/fuzz/corpus/<name>, seeded from
# tests/fuzz/seeds/<name>/ when that exists. Prints the executions each target made.
# A crash, leak or sanitizer report stops that target and makes this script fail.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${1:-60}
only=${2:-}
rc=0
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin#build/fuzz/fuzz_}
	[ -n "$only" ] && [ "$name" != "$only" ] && continue
	corpus=build/fuzz/corpus/$name
	mkdir -p "$corpus"
	seeds=
	[ -d "tests/fuzz/seeds/$name" ] && seeds=tests/fuzz/seeds/$name
	log=build/fuzz/$name.log
	dict=
	[ -f "tests/fuzz/fuzz_$name.dict" ] && dict=-dict=tests/fuzz/fuzz_$name.dict
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		$dict -artifact_prefix=build/fuzz/"$name"- "$corpus" $seeds > "$log" 2>&1
	r=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	if [ "$r" -eq 0 ]; then
		echo "fuzz $name: clean, ${execs:-?} executions in ${secs}s"
	else
		echo "fuzz $name: FAILED (exit $r); see $log"
		grep -m5 -E 'ERROR|SUMMARY' "$log"
		rc=1
	fi
done
exit $rc
