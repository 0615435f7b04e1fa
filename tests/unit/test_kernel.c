/* test_kernel.c - kernel release parsing and the profile table, against the
 * releases printed in the corpus (the .meta files of shared/corpus) and the trees of
 * reference/kernel.md section 0. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/kernel.h"

struct kver_case {
	const char *in;
	int ret;
	uint32_t major, minor, patch, rhel;
};

static const struct kver_case kver_cases[] = {
	{"6.1", 0, 6, 1, 0, 0},
	{"4.19", 0, 4, 19, 0, 0},
	{"3.10.0-327.4.5.el7.x86_64", 0, 3, 10, 0, 7}, /* sample 01 */
	{"3.10.0-1160.el7.x86_64", 0, 3, 10, 0, 7},
	{"4.18.0-147.el8.x86_64", 0, 4, 18, 0, 8},
	{"4.18.0-193.el8_2.x86_64", 0, 4, 18, 0, 8},
	{"2.6.32-573.12.1.el6.x86_64", 0, 2, 6, 32, 6}, /* sample 12 */
	{"5.10.0-28-amd64", 0, 5, 10, 0, 0},
	{"6.18.44-fc-v669", 0, 6, 18, 44, 0},
	{"6.1.100+", 0, 6, 1, 100, 0},		      /* sample 36 (GKE COS) */
	{"5.10.220-209.867.amzn2.x86_64", 0, 5, 10, 220, 0}, /* sample 37: amzn2 is not RHEL */
	{"5.3.18-150300.59.63-default", 0, 5, 3, 18, 0},     /* sample 33 */
	{"4.19.189-5.ph3", 0, 4, 19, 189, 0},		      /* sample 17 */
	{"6.17.3-arch2-1-lily", 0, 6, 17, 3, 0},	      /* sample 30 */
	{"3.19.0-26-generic", 0, 3, 19, 0, 0},		      /* sample 15 */
	{"v5.4", 0, 5, 4, 0, 0},
	{"5.4.x", 0, 5, 4, 0, 0},
	{"5.14.0-284.11.1.el9_2.x86_64", 0, 5, 14, 0, 9},
	{"", -EINVAL, 0, 0, 0, 0},
	{"6", -EINVAL, 0, 0, 0, 0},
	{"6.", -EINVAL, 0, 0, 0, 0},
	{".1", -EINVAL, 0, 0, 0, 0},
	{"v", -EINVAL, 0, 0, 0, 0},
	{"linux-6.1", -EINVAL, 0, 0, 0, 0},
	{"6.1x", -EINVAL, 0, 0, 0, 0},
	{"6.1 ", -EINVAL, 0, 0, 0, 0},
	{"6.1-foo bar", -EINVAL, 0, 0, 0, 0},
	{"6.1-\x7f", -EINVAL, 0, 0, 0, 0},
	{"1000000.1", -ERANGE, 0, 0, 0, 0},
	{"6.1.99999999", -ERANGE, 0, 0, 0, 0},
};

static void test_kver_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kver_cases) / sizeof(kver_cases[0]); i++) {
		const struct kver_case *c = &kver_cases[i];
		struct podoom_kver v = {111, 111, 111, 111};
		int r = podoom_kver_parse(c->in, strlen(c->in), &v);

		print_message("%s\n", c->in);
		assert_int_equal(r, c->ret);
		if (r < 0) {
			assert_int_equal(v.major, 111); /* untouched on error */
			continue;
		}
		assert_int_equal(v.major, c->major);
		assert_int_equal(v.minor, c->minor);
		assert_int_equal(v.patch, c->patch);
		assert_int_equal(v.rhel, c->rhel);
	}
}

static void test_kver_parse_caps(void **state)
{
	char buf[PODOOM_KVER_MAX_LEN + 2];
	struct podoom_kver v;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "6.1-", 4);
	assert_int_equal(podoom_kver_parse(buf, PODOOM_KVER_MAX_LEN, &v), 0);
	assert_int_equal(podoom_kver_parse(buf, PODOOM_KVER_MAX_LEN + 1, &v), -E2BIG);
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(podoom_kver_parse("4.19.78", 4, &v), 0);
	assert_int_equal(v.minor, 19);
	assert_int_equal(v.patch, 0);
}

static void test_kver_cmp(void **state)
{
	struct podoom_kver a = {5, 4, 188, 0}, b = {5, 4, 84, 0}, c = {5, 4, 188, 8};

	(void)state;
	assert_int_equal(podoom_kver_cmp(&a, &b), 1);
	assert_int_equal(podoom_kver_cmp(&b, &a), -1);
	assert_int_equal(podoom_kver_cmp(&a, &c), 0); /* the vendor tag does not order */
}

struct resolve_case {
	const char *in;
	int ret;
	const char *profile;
};

static const struct resolve_case resolve_cases[] = {
	{"3.10.0-327.4.5.el7.x86_64", 0, "rhel7"}, /* sample 01 */
	{"3.10.105", 0, "3.10"},
	{"3.19.0-26-generic", 0, "3.10"}, /* sample 15 */
	{"2.6.36", 0, "3.10"},
	{"4.4.0-119-generic", 0, "4.4"},  /* sample 32 */
	{"4.13.0-36-generic", 0, "4.4"},  /* sample 34 */
	{"4.14.177", 0, "4.14"},
	{"4.15.0-1032-aws", 0, "4.15"},
	{"4.18.0-147.el8.x86_64", 0, "rhel8"},
	{"4.18.20", 0, "4.15"}, /* upstream 4.18: still the 4.15 row */
	{"4.19.189-5.ph3", 0, "4.19"}, /* sample 17 */
	{"5.0.1", 0, "5.0"},
	{"5.1.21", 0, "5.0"},
	{"5.2.1", 0, "5.2"},
	{"5.3.0-1032-aws", 0, "5.3"}, /* sample 08 */
	{"5.4.18", 0, "5.4"},
	{"5.4.84", 0, "5.4"},
	{"5.4.188", 0, "5.4.188"},
	{"5.4.214", 0, "5.4.188"},
	{"5.5.0", 0, "5.4"}, /* the 5.4.188 backport row covers 5.4.y only */
	{"5.8.1", 0, "5.4"},
	{"5.9.1", 0, "5.9"},
	{"5.10.220-209.867.amzn2.x86_64", 0, "5.10"}, /* sample 37 */
	{"5.14.0-284.11.1.el9_2.x86_64", 0, "5.10"},  /* RHEL 9 has no row: upstream */
	{"5.15.135", 0, "5.15"},
	{"6.1.100+", 0, "6.1"}, /* sample 36 */
	{"6.6.9", 0, "6.6"},
	{"6.8.0", 0, "6.8"},
	{"6.14.0-4-cachyos", 0, "6.8"}, /* sample 31 */
	{"6.18.44-fc-v669", 0, "6.8"},
	{"4.19", 0, "4.19"},
	{"rhel7", 0, "rhel7"},
	{"5.4.188", 0, "5.4.188"},
	{"2.6.32-573.12.1.el6.x86_64", -ENOENT, NULL}, /* sample 12: pre-2.6.36 badness */
	{"2.6.35", -ENOENT, NULL},
	{"rhel6", -EINVAL, NULL},
	{"latest", -EINVAL, NULL},
};

static void test_profile_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		const struct resolve_case *c = &resolve_cases[i];
		const struct podoom_kernel_profile *kp = NULL;
		int r = podoom_kernel_profile_resolve(c->in, strlen(c->in), &kp);

		print_message("%s\n", c->in);
		assert_int_equal(r, c->ret);
		if (r == 0)
			assert_string_equal(kp->name, c->profile);
		else
			assert_null(kp);
	}
}

static const struct podoom_kernel_profile *profile(const char *name)
{
	const struct podoom_kernel_profile *kp = NULL;

	assert_int_equal(podoom_kernel_profile_find(name, strlen(name), &kp), 0);
	return kp;
}

static void test_profile_table(void **state)
{
	size_t n = podoom_kernel_profile_count();
	const struct podoom_kernel_profile *prev = NULL;

	(void)state;
	assert_true(n >= 10);
	assert_ptr_equal(podoom_kernel_profile_default(), podoom_kernel_profile_at(n - 1));
	assert_string_equal(podoom_kernel_profile_default()->name, "6.8");
	assert_null(podoom_kernel_profile_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct podoom_kernel_profile *kp = podoom_kernel_profile_at(i);
		const struct podoom_kernel_profile *found = NULL;

		/* names are unique and resolve to themselves */
		assert_int_equal(podoom_kernel_profile_find(kp->name, strlen(kp->name), &found), 0);
		assert_ptr_equal(found, kp);
		assert_non_null(kp->source);
		assert_non_null(podoom_report_style_to_string(kp->report_style));
		/* upstream rows are in version order, so _at() lists them oldest first */
		if (kp->first.rhel == 0) {
			if (prev)
				assert_true(podoom_kver_cmp(&prev->first, &kp->first) < 0);
			prev = kp;
		}
		/* the floor of 1 and the permille oom_score go together, as do
		 * signed points and the scaled one */
		assert_int_equal(kp->signed_badness, kp->oom_score == PODOOM_KERNEL_OOM_SCORE_SCALED);
	}
}

static void test_profile_facts(void **state)
{
	(void)state;
	/* 3% root bonus: present through 4.15, gone in 4.19 and RHEL 8 */
	assert_int_equal(profile("rhel7")->root_bonus_pct, 3);
	assert_int_equal(profile("4.15")->root_bonus_pct, 3);
	assert_int_equal(profile("4.19")->root_bonus_pct, 0);
	assert_int_equal(profile("rhel8")->root_bonus_pct, 0);
	/* tie-breaking changed twice */
	assert_int_equal(profile("3.10")->tie, PODOOM_KERNEL_TIE_FIRST);
	assert_int_equal(profile("4.4")->tie, PODOOM_KERNEL_TIE_FIRST_LEADER);
	assert_int_equal(profile("5.2")->tie, PODOOM_KERNEL_TIE_FIRST_LEADER);
	assert_int_equal(profile("5.3")->tie, PODOOM_KERNEL_TIE_LAST);
	/* iteration: global threads until 4.14, memcg threads until 5.3 */
	assert_int_equal(profile("4.4")->global_scan, PODOOM_KERNEL_SCAN_THREADS);
	assert_int_equal(profile("4.14")->global_scan, PODOOM_KERNEL_SCAN_PROCESSES);
	assert_int_equal(profile("5.2")->memcg_scan, PODOOM_KERNEL_SCAN_THREADS);
	assert_int_equal(profile("5.3")->memcg_scan, PODOOM_KERNEL_SCAN_PROCESSES);
	/* "or sacrifice child" until 5.0; RHEL 8 backported the removal */
	assert_true(profile("5.0")->sacrifice_child);
	assert_false(profile("5.2")->sacrifice_child);
	assert_false(profile("rhel8")->sacrifice_child);
	/* memory.oom.group from 4.19 (RHEL 8 too), the oom_group_kill event from 6.1 */
	assert_false(profile("4.15")->oom_group);
	assert_true(profile("rhel8")->oom_group);
	assert_false(profile("5.15")->oom_group_kill_event);
	assert_true(profile("6.1")->oom_group_kill_event);
	/* signed badness in 5.9 and in 5.4.188+, not in 5.4.84 */
	assert_false(profile("5.4")->signed_badness);
	assert_true(profile("5.4.188")->signed_badness);
	assert_true(profile("5.9")->signed_badness);
	/* the reaper: none in 4.4, immediate in 5.10.89, 2 s from 5.15 */
	assert_false(profile("4.4")->oom_reaper);
	assert_true(profile("4.14")->oom_reaper);
	assert_int_equal(profile("5.10")->reaper_delay_msec, 0);
	assert_int_equal(profile("5.15")->reaper_delay_msec, 2000);
	assert_int_equal(profile("rhel7")->report_style, PODOOM_REPORT_STYLE_RHEL7);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(podoom_kernel_tie_to_string(PODOOM_KERNEL_TIE_FIRST_LEADER), "first-leader");
	assert_string_equal(podoom_kernel_scan_to_string(PODOOM_KERNEL_SCAN_PROCESSES), "processes");
	assert_string_equal(podoom_kernel_oom_score_to_string(PODOOM_KERNEL_OOM_SCORE_SCALED), "scaled");
	assert_string_equal(podoom_report_style_to_string(PODOOM_REPORT_STYLE_6_8), "6.8");
	assert_null(podoom_kernel_tie_to_string(PODOOM_KERNEL_TIE_COUNT));
	assert_null(podoom_kernel_scan_to_string(PODOOM_KERNEL_SCAN_COUNT));
	assert_null(podoom_kernel_oom_score_to_string(PODOOM_KERNEL_OOM_SCORE_COUNT));
	assert_null(podoom_report_style_to_string(PODOOM_REPORT_STYLE_COUNT));
	for (int i = 0; i < PODOOM_REPORT_STYLE_COUNT; i++)
		assert_non_null(podoom_report_style_to_string((enum podoom_report_style)i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kver_parse),   cmocka_unit_test(test_kver_parse_caps),
		cmocka_unit_test(test_kver_cmp),     cmocka_unit_test(test_profile_resolve),
		cmocka_unit_test(test_profile_table), cmocka_unit_test(test_profile_facts),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
