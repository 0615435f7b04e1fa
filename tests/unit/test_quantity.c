/* test_quantity.c - resource.Quantity parsing against apimachinery's own
 * TestQuantityParse cases and the edge cases in reference/kubernetes.md §6. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/quantity.h"

struct value_case {
	const char *in;
	int64_t value;      /* Value(): whole units, rounded up */
	int64_t milli;      /* MilliValue() */
	enum podoom_quantity_format format;
};

static const struct value_case value_cases[] = {
	{"1Ki", 1024, 1024000, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"1k", 1000, 1000000, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"1E", 1000000000000000000LL, -1, PODOOM_QUANTITY_FORMAT_DECIMAL_SI}, /* exa, not an exponent */
	{"1E3", 1000, 1000000, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
	{"1e3", 1000, 1000000, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
	{"1E+6", 1000000, 1000000000, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
	{"1E-3", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT}, /* 0.001 rounds up to 1 */
	{"1.", 1, 1000, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{".001", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"1.G", 1000000000, 1000000000000LL, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"100.035k", 100035, 100035000, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"0.5Mi", 524288, 524288000, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"0.05Gi", 53687092, 53687091200LL, PODOOM_QUANTITY_FORMAT_BINARY_SI}, /* 53687091.2 */
	{"500m", 1, 500, PODOOM_QUANTITY_FORMAT_DECIMAL_SI}, /* the classic "500Mi" typo: 1 byte */
	{"1.5", 2, 1500, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"0.5Gi", 536870912, 536870912000LL, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"-1Gi", -1073741824, -1073741824000LL, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"9Ei", INT64_MAX, -1, PODOOM_QUANTITY_FORMAT_BINARY_SI},   /* capped at 2^63-1 */
	{"9223372036854775807Ki", INT64_MAX, -1, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"8Ei", INT64_MAX, -1, PODOOM_QUANTITY_FORMAT_BINARY_SI},   /* 2^63: one above the cap */
	{"7Ei", 7LL << 60, -1, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"0.000000000001Ki", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_SI}, /* 2n, BinarySI -> DecimalSI */
	{"0", 0, 0, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"000", 0, 0, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"+", 0, 0, PODOOM_QUANTITY_FORMAT_DECIMAL_SI}, /* parseQuantityString's all-zero path */
	{"-", 0, 0, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{".", 0, 0, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"0Gi", 0, 0, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"Mi", 0, 0, PODOOM_QUANTITY_FORMAT_BINARY_SI}, /* no digits at all: Go reads a zero */
	{"128974848", 128974848, 128974848000LL, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"129e6", 129000000, 129000000000LL, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
	{"129M", 129000000, 129000000000LL, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"123Mi", 128974848, 128974848000LL, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"1e4294967296", 1, 1000, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT}, /* int32(2^32) wraps to 0 */
	{"1e-100", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
	{"1n", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"1u", 1, 1, PODOOM_QUANTITY_FORMAT_DECIMAL_SI},
	{"1.5Gi", 1610612736, 1610612736000LL, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"007Mi", 7340032, 7340032000LL, PODOOM_QUANTITY_FORMAT_BINARY_SI},
	{"0.1Ki", 103, 102400, PODOOM_QUANTITY_FORMAT_BINARY_SI}, /* 102.4 */
	{"1e0012", 1000000000000LL, 1000000000000000LL, PODOOM_QUANTITY_FORMAT_DECIMAL_EXPONENT},
};

static void test_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct value_case *c = &value_cases[i];
		struct podoom_quantity q;
		int64_t v = 0, m = 0;
		const char *msg = NULL;
		int r = podoom_quantity_parse(c->in, strlen(c->in), &q, &msg);
		if (r != 0)
			fail_msg("%s: parse failed: %s", c->in, msg);
		assert_int_equal(podoom_quantity_value(&q, &v), 0);
		if (v != c->value)
			fail_msg("%s: Value() = %lld, want %lld", c->in, (long long)v, (long long)c->value);
		if (c->milli != -1) {
			assert_int_equal(podoom_quantity_milli_value(&q, &m), 0);
			if (m != c->milli)
				fail_msg("%s: MilliValue() = %lld, want %lld", c->in, (long long)m,
					 (long long)c->milli);
		} else {
			assert_int_equal(podoom_quantity_milli_value(&q, &m), -ERANGE);
		}
		if (q.format != c->format)
			fail_msg("%s: format %d, want %d", c->in, q.format, c->format);
	}
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
		"",	"1K",	  "1KB",    "1Kb",    "1e",	  "1i",	   ".5i",   "0.1mi", "0.1am",
		"1.1.M", "1+1.0M", "-3.01e-", " 1",    "1 ",	  "1Mi ",  "1Gb",   "1ee3",
		"1e3.5", "1e--3",  "1e+",    "1e99999999999999999999", "1Ki5", "1.5.5", "abc",
		"1,5",	"0x10",   "1_000",  "1GiB",   "--1",	  "+-1",   "1\xff",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct podoom_quantity q = {.nano = 42};
		const char *msg = NULL;
		int r = podoom_quantity_parse(bad[i], strlen(bad[i]), &q, &msg);
		if (r != -EINVAL)
			fail_msg("\"%s\": got %d, want -EINVAL", bad[i], r);
		assert_non_null(msg);
		assert_true(q.nano == 42); /* untouched on error */
	}
}

static void test_caps(void **state)
{
	struct podoom_quantity q;
	int64_t v;
	char big[PODOOM_QUANTITY_MAX_LEN + 2];
	(void)state;

	/* 12E = 1.2e19: kept (DecimalSI is not capped) but beyond int64 */
	assert_int_equal(podoom_quantity_parse("12E", 3, &q, NULL), 0);
	assert_int_equal(podoom_quantity_value(&q, &v), -ERANGE);
	/* beyond what any int64 consumer can use, and beyond our representation */
	assert_int_equal(podoom_quantity_parse("1e100", 5, &q, NULL), -ERANGE);
	assert_int_equal(podoom_quantity_parse("100000E", 7, &q, NULL), 0); /* 1e23 */
	assert_int_equal(podoom_quantity_parse("1e29", 4, &q, NULL), -ERANGE);
	memset(big, '1', sizeof(big));
	assert_int_equal(podoom_quantity_parse(big, sizeof(big), &q, NULL), -E2BIG);
	/* 256 characters is accepted: a long fraction of a binary quantity */
	big[0] = '0';
	big[1] = '.';
	memcpy(big + PODOOM_QUANTITY_MAX_LEN - 2, "Gi", 2);
	assert_int_equal(podoom_quantity_parse(big, PODOOM_QUANTITY_MAX_LEN, &q, NULL), 0);
	assert_int_equal(podoom_quantity_value(&q, &v), 0);
	assert_int_equal(v, 119304648); /* 0.111...Gi = 119304647.1 rounded up */
}

static void test_cmp(void **state)
{
	static const struct {
		const char *a, *b;
		int cmp;
	} cases[] = {
		{"1Gi", "1073741824", 0}, {"1G", "1Gi", -1},  {"1.5", "1500m", 0},
		{"500m", "0.5", 0},	  {"1", "1000m", 0},   {"1e3", "1k", 0},
		{"0", "-0", 0},		  {"1n", "0", 1},      {"9Ei", "8Ei", 0}, /* both capped */
		{"0.5Gi", "512Mi", 0},	  {"100m", "0.1", 0},  {"1024Mi", "1Gi", 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_quantity a, b;
		assert_int_equal(podoom_quantity_parse(cases[i].a, strlen(cases[i].a), &a, NULL), 0);
		assert_int_equal(podoom_quantity_parse(cases[i].b, strlen(cases[i].b), &b, NULL), 0);
		if (podoom_quantity_cmp(&a, &b) != cases[i].cmp)
			fail_msg("cmp(%s, %s) != %d", cases[i].a, cases[i].b, cases[i].cmp);
	}
}

static void test_whole_and_format(void **state)
{
	struct podoom_quantity q;
	char buf[32];
	(void)state;

	assert_int_equal(podoom_quantity_parse("500m", 4, &q, NULL), 0);
	assert_false(podoom_quantity_is_whole(&q));
	assert_int_equal(podoom_quantity_parse("0.5Ki", 5, &q, NULL), 0);
	assert_true(podoom_quantity_is_whole(&q));
	podoom_bytes_format(268435456, buf, sizeof(buf));
	assert_string_equal(buf, "256Mi");
	podoom_bytes_format(1610612736, buf, sizeof(buf));
	assert_string_equal(buf, "1536Mi");
	podoom_bytes_format(1000000000, buf, sizeof(buf));
	assert_string_equal(buf, "1G");
	podoom_bytes_format(256000000, buf, sizeof(buf));
	assert_string_equal(buf, "256M"); /* not 250000Ki */
	podoom_bytes_format(1024000, buf, sizeof(buf));
	assert_string_equal(buf, "1024k");
	podoom_bytes_format(1048576000, buf, sizeof(buf));
	assert_string_equal(buf, "1000Mi");
	podoom_bytes_format(123456789, buf, sizeof(buf));
	assert_string_equal(buf, "123456789");
	podoom_bytes_format(INT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "9223372036854775807");
	podoom_bytes_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	podoom_bytes_format_human(734003200, buf, sizeof(buf));
	assert_string_equal(buf, "700 MiB");
	podoom_bytes_format_human(1288490189, buf, sizeof(buf));
	assert_string_equal(buf, "1.2 GiB");
}

/* Quantity.String() after ParseQuantity: the canonical spellings of
 * reference/kubernetes.md §6.5 and quantity_test.go */
static void test_canonical_string(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"0", "0"},	      {"0Mi", "0"},	      {"1.5", "1500m"},	     {"1.5Gi", "1536Mi"},
		{"1024Mi", "1Gi"},    {"0.5Gi", "512Mi"},     {"1e3", "1e3"},	     {"1000", "1k"},
		{"100Mi", "100Mi"},   {"1Ki", "1Ki"},	      {"1023Ki", "1023Ki"},  {"1025Ki", "1025Ki"},
		{"1000Ki", "1000Ki"}, {"0.5Ki", "512"},	      {"1.5Ki", "1536"},     {"100m", "100m"},
		{"0.1", "100m"},      {"1E", "1E"},	      {"12E", "12E"},	     {"1000E", "1"},
		{"-1Gi", "-1Gi"},     {"-1.5", "-1500m"},     {"10e3", "10e3"},	     {"1e4", "10e3"},
		{"1E-3", "1e-3"},     {"0.05Gi", "53687091200m"}, {"8Ei", "9223372036854775807"},
		{"500m", "500m"},     {"123456789", "123456789"}, {"5n", "5n"},	     {"1u", "1u"},
	};
	char buf[64];
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct podoom_quantity q;
		assert_int_equal(podoom_quantity_parse(t[i].in, strlen(t[i].in), &q, NULL), 0);
		int n = podoom_quantity_format(&q, buf, sizeof(buf));
		if (strcmp(buf, t[i].want) != 0)
			fail_msg("%s: got %s, want %s", t[i].in, buf, t[i].want);
		assert_int_equal(n, (int)strlen(t[i].want));
	}
	/* what the kubelet prints for byte counts: resource.NewQuantity(n, BinarySI) */
	struct podoom_quantity b = podoom_quantity_from_int(999, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	podoom_quantity_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "999");
	b = podoom_quantity_from_int(24094024LL * 1024, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	podoom_quantity_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "24094024Ki");
	b = podoom_quantity_from_int(94576558032LL, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	podoom_quantity_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "94576558032");
	b = podoom_quantity_from_int(-1024, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	podoom_quantity_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "-1Ki");
	/* truncated like snprintf */
	char small[4];
	assert_int_equal(podoom_quantity_format(&b, small, sizeof(small)), 4);
	assert_string_equal(small, "-1K");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_whole_and_format),
		cmocka_unit_test(test_canonical_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
