#!/usr/bin/env bash
# Golden CLI tests: every directory under tests/golden/<command>/ that holds an
# `args` file is one case. The binary runs in that directory with the arguments
# of `args` (one per line) and, if present, `stdin` as standard input; its
# stdout, stderr and exit code must equal expected.stdout, expected.stderr and
# expected.exit. GOLDEN_UPDATE=1 rewrites the expectations instead.
# Output: TAP lines.
set -u
BIN=$(realpath "${1:?usage: run.sh PODOOM_BINARY}")
root=$(dirname "$(realpath "$0")")
n=0 rc_all=0
while IFS= read -r args; do
	dir=$(dirname "$args")
	name=${dir#"$root"/}
	n=$((n + 1))
	mapfile -t argv <"$args"
	input=/dev/null
	[ -f "$dir/stdin" ] && input="$dir/stdin"
	out=$(mktemp) err=$(mktemp)
	(cd "$dir" && TZ=UTC LC_ALL=C PODOOM_NOW_USEC=1700000000000000 "$BIN" "${argv[@]}" <"$input" >"$out" 2>"$err")
	code=$?
	if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$out" "$dir/expected.stdout"; cp "$err" "$dir/expected.stderr"; echo "$code" >"$dir/expected.exit"
		echo "ok $n - $name (updated)"
	elif cmp -s "$out" "$dir/expected.stdout" && cmp -s "$err" "$dir/expected.stderr" &&
		[ "$code" = "$(cat "$dir/expected.exit" 2>/dev/null)" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $code, expected $(cat "$dir/expected.exit" 2>/dev/null))"
		diff -u "$dir/expected.stdout" "$out" | head -n 40 | sed 's/^/#   /'
		diff -u "$dir/expected.stderr" "$err" | head -n 20 | sed 's/^/#   /'
		rc_all=1
	fi
	rm -f "$out" "$err"
done < <(find "$root" -mindepth 2 -name args -type f | sort)
echo "1..$n"
exit $rc_all
