#!/usr/bin/env bash
# bench/sim_fleet.sh - the simulator on a generated fleet (see sim_fleet.c):
# builds the release library, then runs 5,000 nodes x 30 pods for one
# simulated hour on one core.   bench/sim_fleet.sh [NODES [PODS [SECONDS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory build >/dev/null
mkdir -p build/bench
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Wall -Wextra -o build/bench/sim_fleet bench/sim_fleet.c \
	build/release/libpodoom.a $(pkg-config --libs yaml-0.1 jansson) -lm
taskset -c 0 build/bench/sim_fleet "${1:-5000}" "${2:-30}" "${3:-3600}" 2>&1 ||
	build/bench/sim_fleet "${1:-5000}" "${2:-30}" "${3:-3600}"
