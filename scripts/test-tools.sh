#!/bin/sh
# Tools the tests use beyond the build: promtool (Debian package prometheus),
# which checks `podoom watch`'s Prometheus exposition. Installing the package
# would also start a Prometheus server, so only its promtool binary is taken
# out of the .deb into build/tools/bin (tests/run.sh puts that on PATH).
# Best effort: without it the promtool test is skipped with the reason.
set -u
dest=build/tools/bin
command -v promtool >/dev/null 2>&1 && exit 0
[ -x "$dest/promtool" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "test-tools: promtool missing (Debian package prometheus); its test will be skipped" >&2
	exit 0
fi
tmp=$(mktemp -d) || exit 0
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"
if (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1 &&
	dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x -C "$tmp" ./usr/bin/promtool) &&
	mv "$tmp/usr/bin/promtool" "$dest/promtool"; then
	echo "test-tools: promtool from Debian's prometheus package in $dest" >&2
else
	echo "test-tools: could not fetch promtool (apt-get download prometheus); its test will be skipped" >&2
fi
exit 0
