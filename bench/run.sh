#!/usr/bin/env bash
# bench/run.sh - podoom against real peers in one run; ratios, not absolute times.
#
#   bench/run.sh [explain] [SIZE_MB]
#
# explain: a SIZE_MB (default 300) kernel log of mostly unrelated lines with
# OOM reports mixed in (bench/gen_kernel_log.c), read by
#   - grep -c -F 'Killed process'            (counts kill lines, extracts nothing)
#   - bench/regex_baseline                   (cAdvisor-style regex per line)
#   - podoom explain --json                  (full extraction and explanation)
# on one core (taskset -c 0), timed by hyperfine (apt-get install hyperfine),
# peak RSS by GNU time. Output goes to files, not /dev/null: GNU grep stops at
# the first match when its output is /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-explain}
size=${2:-300}
B=build/bench
mkdir -p "$B"
make -s build
cc -O2 -o "$B/gen_kernel_log" bench/gen_kernel_log.c
cc -O2 -o "$B/regex_baseline" bench/regex_baseline.c
PODOOM=build/release/podoom
command -v hyperfine >/dev/null || { echo "bench needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

case "$what" in
explain)
	log="$B/kern-${size}M.log"
	if [ ! -s "$log" ]; then
		"$B/gen_kernel_log" "$size" 20000 tests/fixtures/kernel/*.dmesg >"$log"
	fi
	kills=$(grep -c -F 'Killed process' "$log")
	events=$($PODOOM explain --json "$log" | wc -l)
	base=$("$B/regex_baseline" <"$log" 2>/dev/null | wc -l)
	echo "log: $(du -m "$log" | cut -f1) MB, $(wc -l <"$log") lines, $kills 'Killed process' lines;" \
	     "podoom explain: $events events; regex baseline: $base events"
	cat "$log" >/dev/null
	hyperfine --warmup 1 --runs 7 --export-markdown "$B/explain.md" \
		-n "grep -c -F" "$pin grep -c -F 'Killed process' $log > $B/out.grep" \
		-n "regex per line" "$pin $B/regex_baseline < $log > $B/out.regex 2>&1" \
		-n "podoom explain --json" "$pin $PODOOM explain --json $log > $B/out.podoom"
	for cmd in "grep -c -F Killed $log" "$PODOOM explain --json $log"; do
		/usr/bin/time -f "peak RSS %M KiB: $cmd" $cmd >/dev/null 2>"$B/time.txt" || true
		tail -n 1 "$B/time.txt"
	done
	;;
*)
	echo "usage: bench/run.sh [explain] [SIZE_MB]" >&2
	exit 2
	;;
esac
