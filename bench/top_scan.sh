#!/usr/bin/env bash
# bench/top_scan.sh - one full `podoom top` scan with N processes, on one core.
#
#   bench/top_scan.sh [N]          a fixture tree (tests/fixtures/top/make-fixtures.py
#                                  --many N: N processes in N/16 pods, cgroup v2)
#   bench/top_scan.sh --live [N]   this machine's /proc with N extra sleeping processes
#                                  (root, cgroup v1 memory + pids controllers): they run
#                                  in podoom-<pid>-topbench cgroups limited to N * 256 KiB + 256 MiB and
#                                  N + 100 pids, removed afterwards whatever happens
#
# Timed by hyperfine (apt-get install hyperfine), pinned with taskset -c 0; the
# system calls of one scan counted by strace -c. --live also times the peers
# that read the same /proc: procps `ps -eo pid,rss,comm` and `top -b -n1`.
set -euo pipefail
cd "$(dirname "$0")/.."
live=0
[ "${1:-}" = --live ] && { live=1; shift; }
n=${1:-10000}
B=build/bench
mkdir -p "$B"
make -s build
PODOOM=$PWD/build/release/podoom
command -v hyperfine >/dev/null || { echo "bench needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

syscalls() { # the system calls of one scan
	command -v strace >/dev/null || return 0
	strace -c -o "$B/top_strace.txt" "$@" >/dev/null
	awk '/total/ {print "system calls per scan: " $4}' "$B/top_strace.txt"
}

if [ $live = 0 ]; then
	tree=${TMPDIR:-/tmp}/podoom-top$n
	[ -d "$tree/proc" ] || python3 tests/fixtures/top/make-fixtures.py --many "$n" "$tree"
	echo "fixture: $(ls "$tree/proc" | grep -c '^[0-9]') processes, $(find "$tree/sys" -type d | wc -l) cgroups in $tree"
	syscalls "$PODOOM" top --json --root "$tree"
	hyperfine -N --warmup 3 --runs 30 --export-markdown "$B/top_scan.md" \
		"$pin $PODOOM top --json --root $tree"
	exit 0
fi

[ "$(id -u)" = 0 ] || { echo "--live needs root (cgroups)" >&2; exit 1; }
mem=/sys/fs/cgroup/memory pids=/sys/fs/cgroup/pids
[ -d $mem ] && [ -d $pids ] || { echo "--live needs the cgroup v1 memory and pids controllers" >&2; exit 1; }
name=podoom-$$-topbench
cc -O2 -o "$B/top_spawn" bench/top_spawn.c
spawner=""
cleanup() {
	[ -n "$spawner" ] && kill "$spawner" 2>/dev/null && wait "$spawner" 2>/dev/null || true
	for d in "$mem/$name" "$pids/$name"; do
		[ -d "$d" ] || continue
		for _ in 1 2 3 4 5; do
			xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null || true
			rmdir "$d" 2>/dev/null && break
			sleep 0.2
		done
	done
}
trap cleanup EXIT INT TERM
mkdir "$mem/$name" "$pids/$name"
echo $((n * 262144 + (256 << 20))) >"$mem/$name/memory.limit_in_bytes" # ~125 KiB each measured, kernel stack and page tables included
echo $((n + 100)) >"$pids/$name/pids.max"
fifo=$B/top_spawn.out
rm -f "$fifo"; mkfifo "$fifo"
(echo $BASHPID >"$mem/$name/cgroup.procs"; echo $BASHPID >"$pids/$name/cgroup.procs"; exec "$B/top_spawn" "$n") >"$fifo" &
spawner=$!
read -r ready made <"$fifo"
echo "live: $made sleeping processes in $name; $(ls /proc | grep -c '^[0-9]') processes in /proc"
syscalls "$PODOOM" top --json
# peers in the same run, each one full scan of the same /proc (hyperfine
# discards every command's output alike): procps ps and procps top in batch mode
peers=()
command -v ps >/dev/null && peers+=(-n "ps -eo pid,rss,comm" "$pin ps -eo pid,rss,comm --no-headers")
command -v top >/dev/null && peers+=(-n "top -b -n1" "$pin top -b -n1 -w 200")
hyperfine -N --warmup 3 --runs 30 --export-markdown "$B/top_scan_live.md" \
	-n "podoom top --json" "$pin $PODOOM top --json" "${peers[@]}"
