#!/bin/sh
# The core is pure: no I/O, no clock, no environment, no exit. Its objects may
# call only podoom_* functions, memory and string functions, the parsing and
# JSON libraries, and compiler helpers. Anything else is printed and fails.
set -eu
allowed='^(podoom_.*|malloc|calloc|realloc|free|mem(cmp|cpy|move|set|chr|mem|rchr)|str(chr|rchr|cmp|ncmp|len|nlen|ncat|dup|ndup|spn|cspn|str|tol|toul|toll|toull)|v?snprintf|qsort|bsearch|yaml_(parser|event)_.*|json_.*|jansson_.*|__(div|mod|udiv|umod|mul|popcount)[a-z]*[0-9]|__stack_chk_fail|__assert_fail|__(asan|ubsan|sanitizer)_.*|_GLOBAL_OFFSET_TABLE_|__memcpy_chk|__memset_chk|__snprintf_chk|__vsnprintf_chk|__strcpy_chk|__ctype_b_loc|__errno_location|abort|)$'
bad=$(nm -u "$@" | awk 'NF==2{print $2}' | sort -u | grep -Ev "$allowed" || true)
if [ -n "$bad" ]; then
	echo "core objects call what a pure core must not:" >&2
	echo "$bad" | sed 's/^/  /' >&2
	exit 1
fi
echo "core is pure: $(echo "$@" | wc -w) objects checked"
