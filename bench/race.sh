#!/usr/bin/env bash
# bench/race.sh - eviction loop against the kernel OOM killer (see race.c and
# bench/README.md): builds the release library, then runs TRIALS spikes per
# mode (default 100) as root in memory cgroups of its own.
#   bench/race.sh [race options: -n TRIALS -m MODE -l NODE_MIB -r RATE_MIB_S -s SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
mkdir -p build/bench
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Wall -Wextra -Wconversion -Wshadow -Wvla -o build/bench/race \
	bench/race.c build/release/libpodoom.a $(pkg-config --libs yaml-0.1 jansson) -lm
exec build/bench/race "$@"
