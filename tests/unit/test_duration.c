/* test_duration.c - time.ParseDuration cases from Go's time/time_test.go
 * (parseDurationTests) and the errors it refuses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/duration.h"

#define NS 1LL
#define US 1000LL
#define MS 1000000LL
#define SEC 1000000000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)

static void test_valid(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{"0", 0},
		{"5s", 5 * SEC},
		{"30s", 30 * SEC},
		{"1478s", 1478 * SEC},
		{"-5s", -5 * SEC},
		{"+5s", 5 * SEC},
		{"-0", 0},
		{"+0", 0},
		{"5.0s", 5 * SEC},
		{"5.6s", 5 * SEC + 600 * MS},
		{"5.s", 5 * SEC},
		{".5s", 500 * MS},
		{"1.0s", 1 * SEC},
		{"1.00s", 1 * SEC},
		{"1.004s", 1 * SEC + 4 * MS},
		{"1.0040s", 1 * SEC + 4 * MS},
		{"100.00100s", 100 * SEC + 1 * MS},
		{"10ns", 10 * NS},
		{"11us", 11 * US},
		{"12\xc2\xb5s", 12 * US},
		{"12\xce\xbcs", 12 * US},
		{"13ms", 13 * MS},
		{"14s", 14 * SEC},
		{"15m", 15 * MIN},
		{"16h", 16 * HOUR},
		{"3h30m", 3 * HOUR + 30 * MIN},
		{"10.5s4m", 4 * MIN + 10 * SEC + 500 * MS},
		{"-2m3.4s", -(2 * MIN + 3 * SEC + 400 * MS)},
		{"1h2m3s4ms5us6ns", 1 * HOUR + 2 * MIN + 3 * SEC + 4 * MS + 5 * US + 6 * NS},
		{"39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MS},
		{"52763797000ns", 52763797000 * NS},
		{"0.3333333333333333333h", 20 * MIN},
		{"9007199254740993ns", 9007199254740993LL},
		{"9223372036854775807ns", INT64_MAX},
		{"9223372036854775.807us", INT64_MAX},
		{"9223372036s854ms775us807ns", INT64_MAX},
		{"0.100000000000000000000h", 6 * MIN},
		{"0.830103483285477580700h", 49 * MIN + 48 * SEC + 372539827 * NS},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 42;
		const char *msg = NULL;
		int r = podoom_duration_parse(cases[i].in, strlen(cases[i].in), &v, &msg);
		if (r != 0 || v != cases[i].want)
			fail_msg("%s: r=%d v=%lld want %lld (%s)", cases[i].in, r, (long long)v,
				 (long long)cases[i].want, msg ? msg : "");
	}
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
		"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "\x85\x85", "\xff" "ff",
		"hello \xff" "ff world", "10 s", " 10s", "10s ", "1.5.s",
		"9223372036854775810ns", "9223372036854775808ns", "3000000h", "9223372036854775.808us",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 42;
		const char *msg = NULL;
		int r = podoom_duration_parse(bad[i], strlen(bad[i]), &v, &msg);
		if (r >= 0)
			fail_msg("\"%s\" parsed to %lld", bad[i], (long long)v);
		assert_int_equal(v, 42);
		assert_non_null(msg);
	}
}

static void test_format(void **state)
{
	char buf[48];
	(void)state;
	podoom_duration_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0s");
	podoom_duration_format(500000, buf, sizeof(buf));
	assert_string_equal(buf, "500ms");
	podoom_duration_format(90000000, buf, sizeof(buf));
	assert_string_equal(buf, "1m30s");
	podoom_duration_format(3600000000LL + 1500000, buf, sizeof(buf));
	assert_string_equal(buf, "1h0m1.500s");
	podoom_duration_format(-10000000, buf, sizeof(buf));
	assert_string_equal(buf, "-10s");
	podoom_duration_format(250, buf, sizeof(buf));
	assert_string_equal(buf, "250us");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
