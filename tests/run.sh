#!/usr/bin/env bash
# Runs every suite against one build tree and prints one closing line:
# "N passed, N failed, N skipped". Exits 1 when anything failed.
set -u
B=${1:?usage: tests/run.sh BUILD_DIR}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# tools fetched for the tests (scripts/test-tools.sh)
PATH="$(pwd)/build/tools/bin:$PATH"
export PATH
passed=0 failed=0 skipped=0
failures=()

count_tap() { # name, tap output file, exit code
	local p f s
	# cmocka's skip() prints "not ok N # SKIP name": a skip, not a failure
	p=$(grep -E '^ok [0-9]+' "$2" | grep -cv '# SKIP' || true)
	# and a binary that leaves out what the machine cannot run says "# SKIP name: reason"
	s=$(grep -cE '^((not )?ok [0-9]+.*)?# SKIP' "$2" || true)
	f=$(grep -E '^not ok [0-9]+' "$2" | grep -cv '# SKIP' || true)
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or sanitizer abort outside a test
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then failures+=("$1"); fi
}

echo "== unit tests"
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out" 2>&1
	rc=$?
	count_tap "$(basename "$t")" "$out" "$rc"
	if [ "$rc" -ne 0 ]; then sed 's/^/  /' "$out"; fi
	grep -E '# SKIP' "$out" | sed 's/^/  /' || true
	rm -f "$out"
done

echo "== golden tests"
out=$(mktemp)
tests/golden/run.sh "$B/podoom" >"$out" 2>&1
rc=$?
count_tap golden "$out" "$rc"
grep -vE '^ok ' "$out" | sed 's/^/  /' || true
rm -f "$out"

echo "== fuzz corpus replay"
for r in "$B"/fuzz/replay_*; do
	[ -x "$r" ] || continue
	name=${r##*/replay_}
	out=$(mktemp)
	if "$r" "fuzz/corpus/$name" >"$out" 2>&1; then
		echo "ok 1 - replay $name: $(tail -n 1 "$out")" >"$out.tap"; rc=0
	else
		echo "not ok 1 - replay $name" >"$out.tap"; tail -n 30 "$out" | sed 's/^/  /'; rc=1
	fi
	count_tap "replay_$name" "$out.tap" "$rc"
	cat "$out.tap" | sed 's/^/  /'
	rm -f "$out" "$out.tap"
done

echo "== checks"
out=$(mktemp)
if scripts/check-purity.sh "$B"/obj/src/core/*.o >"$out" 2>&1; then
	echo "ok 1 - core purity: $(cat "$out")" >"$out.tap"; rc=0
else
	echo "not ok 1 - core purity" >"$out.tap"; sed 's/^/  /' "$out"; rc=1
fi
count_tap purity "$out.tap" "$rc"
sed 's/^/  /' "$out.tap"
rm -f "$out" "$out.tap"

out=$(mktemp)
dups=$(find "$B/obj/src" -name '*.o' -exec nm -g --defined-only {} + 2>/dev/null | awk 'NF==3{print $3}' | sort | uniq -d)
if [ -z "$dups" ]; then
	echo "ok 1 - no symbol defined twice across the library" >"$out.tap"; rc=0
else
	echo "not ok 1 - symbols defined twice: $dups" >"$out.tap"; rc=1
fi
count_tap symbols "$out.tap" "$rc"
sed 's/^/  /' "$out.tap"
rm -f "$out" "$out.tap"

if [ "${#failures[@]}" -gt 0 ]; then
	echo "failing: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
