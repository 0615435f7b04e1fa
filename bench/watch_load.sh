#!/usr/bin/env bash
# bench/watch_load.sh - `podoom watch` idle and under load, release build.
#
#   bench/watch_load.sh [SECONDS]      (default 10)
#
# 1. idle: watch follows /dev/kmsg and the memory cgroups with nothing
#    happening; its context switches (/proc/PID/status voluntary_ctxt_switches
#    + nonvoluntary_ctxt_switches) over SECONDS are its wake-ups; VmRSS after.
# 2. load: wrk against /metrics on loopback for SECONDS (2 threads, 16
#    connections); wrk's errors and non-2xx answers must be 0, and VmRSS after
#    a second run must not exceed VmRSS after the first (no growth).
# 3. promtool check metrics on the exposition, when promtool is installed.
# Needs root for /dev/kmsg; wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
port=${PORT:-19102}
make -s build
PODOOM=build/release/podoom
command -v wrk >/dev/null || { echo "watch_load needs wrk (apt-get install wrk)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/podoom-bench-watch-XXXXXX)
pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
field() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
switches() { echo $(( $(field voluntary_ctxt_switches) + $(field nonvoluntary_ctxt_switches) )); }
idle() { # LABEL ARGS...: wake-ups over $secs and memory after
	local label=$1 s0 s1
	shift
	$PODOOM watch "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 2 # its backlog read
	s0=$(switches)
	sleep "$secs"
	s1=$(switches)
	echo "idle, $label: $((s1 - s0)) wake-ups in ${secs} s; VmRSS $(field VmRSS) kB" \
	     "(RssAnon $(field RssAnon) kB, RssFile $(field RssFile) kB)"
}
# 1. the daemon alone: a kernel log that stays silent (a pipe nobody writes) and a fixture
#    cgroup tree, so that other programs' OOM kills and cgroups do not count as its wake-ups
mkfifo "$tmp/silent"
idle "silent log + fixture cgroups, no metrics server" --kmsg "$tmp/silent" \
	--root tests/fixtures/top/v1-cgroupfs
kill -TERM $pid; wait $pid
idle "silent log + fixture cgroups + metrics server" --kmsg "$tmp/silent" \
	--root tests/fixtures/top/v1-cgroupfs --listen "127.0.0.1:$port"
kill -TERM $pid; wait $pid
# 2. this machine as it is: /dev/kmsg and the live cgroup tree (every OOM kill and every
#    cgroup made or removed by other programs wakes it, as it should)
idle "/dev/kmsg + live cgroups + metrics server" --kmsg /dev/kmsg --state "$tmp/state" --listen "127.0.0.1:$port"

curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/metrics" && echo "promtool check metrics: ok ($(grep -vc '^#' "$tmp/metrics") samples)"
else
	echo "promtool not installed (Debian package prometheus): exposition not checked"
fi

fail=0
for run in 1 2; do
	wrk -t2 -c16 -d"${secs}s" --latency "http://127.0.0.1:$port/metrics" >"$tmp/wrk$run"
	reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk$run")
	rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk$run")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk$run")
	errs=$(grep -E 'Socket errors|Non-2xx' "$tmp/wrk$run" || true)
	rss=$(field VmRSS)
	echo "load run $run: $reqs requests, $rps req/s, p99 $p99, VmRSS after ${rss} kB${errs:+, $errs}"
	[ -z "$errs" ] || fail=1
	eval "rss$run=$rss"
done
if [ "$rss2" -gt $((rss1 + 64)) ]; then
	echo "RSS grew from ${rss1} kB to ${rss2} kB between two load runs" >&2
	fail=1
fi
kill -TERM $pid
wait $pid || fail=1
exit $fail
