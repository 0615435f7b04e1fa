/*
 * test_memcgfmt - the kernel's memory-cgroup and /proc text, parsed: values
 * as this machine's 6.18 kernel writes them (cgroup v1) and as cgroup-v2.rst
 * documents them, and what a broken fixture tree may hold instead.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/memcgfmt.h"

#define S(x) x, sizeof(x) - 1

/* /sys/fs/cgroup/memory/memory.stat (v1, 6.18), the start and a total_ line */
static const char v1_stat[] = "cache 9437184\nrss 3694592\nrss_huge 0\nshmem 9084928\n"
			      "inactive_file 12288\nhierarchical_memory_limit 9223372036854771712\n"
			      "total_cache 653090816\ntotal_rss 5943296\ntotal_inactive_file 1236992\n";
static const char v1_oom_control[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
static const char v2_events[] = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n";

static void test_keyed(void **state)
{
	int64_t v = 7;
	(void)state;
	assert_int_equal(podoom_memcgfmt_keyed(S(v1_stat), "inactive_file", &v), 0);
	assert_int_equal(v, 12288);
	assert_int_equal(podoom_memcgfmt_keyed(S(v1_stat), "total_inactive_file", &v), 0);
	assert_int_equal(v, 1236992); /* not a suffix match of inactive_file */
	assert_int_equal(podoom_memcgfmt_keyed(S(v1_stat), "hierarchical_memory_limit", &v), 0);
	assert_int_equal(v, 9223372036854771712LL);
	assert_int_equal(podoom_memcgfmt_keyed(S(v1_oom_control), "oom_kill", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(podoom_memcgfmt_keyed(S(v2_events), "oom", &v), 0);
	assert_int_equal(v, 2); /* "oom" is not "oom_kill" or "oom_group_kill" */
	assert_int_equal(podoom_memcgfmt_keyed(S(v2_events), "max", &v), 0);
	assert_int_equal(v, 12);
	v = 7;
	assert_int_equal(podoom_memcgfmt_keyed(S(v2_events), "oom_kil", &v), -ENOENT);
	assert_int_equal(podoom_memcgfmt_keyed(S("anon -5\n"), "anon", &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_keyed(S("anon 5x\n"), "anon", &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_keyed(S("anon \n"), "anon", &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_keyed(S("anon 9223372036854775808\n"), "anon", &v), -ERANGE);
	assert_int_equal(v, 7); /* untouched on error */
	assert_int_equal(podoom_memcgfmt_keyed(S("anon 9223372036854775807"), "anon", &v), 0);
	assert_int_equal(v, INT64_MAX); /* no final newline is fine */
	assert_int_equal(podoom_memcgfmt_keyed("anon 1", 4, "anon", &v), -ENOENT); /* @len is the end */
}

static void test_limit(void **state)
{
	int64_t v = 7;
	(void)state;
	assert_int_equal(podoom_memcgfmt_limit(S("max\n"), &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(podoom_memcgfmt_limit(S("9223372036854771712\n"), &v), 0); /* v1 "no limit", 4K pages */
	assert_int_equal(v, -1);
	assert_int_equal(podoom_memcgfmt_limit(S("9223372036854710272\n"), &v), 0); /* 64K pages */
	assert_int_equal(v, -1);
	assert_int_equal(podoom_memcgfmt_limit(S("134217728\n"), &v), 0);
	assert_int_equal(v, 134217728);
	assert_int_equal(podoom_memcgfmt_limit(S("0"), &v), 0);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(podoom_memcgfmt_limit(S("maximum\n"), &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_limit(S("-1\n"), &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_limit(S(""), &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_limit(S("12 34\n"), &v), -EINVAL);
	assert_int_equal(podoom_memcgfmt_limit(S("99999999999999999999\n"), &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_pids(void **state)
{
	static const char procs[] = "1\n42\n\n0\nx\n-3\n2147483648\n2147483647\n77";
	int32_t pid, got[8];
	size_t pos = 0, n = 0;
	(void)state;
	while (podoom_memcgfmt_next_pid(S(procs), &pos, &pid) == 1)
		got[n++] = pid;
	assert_int_equal(n, 4);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 42);
	assert_int_equal(got[2], INT32_MAX);
	assert_int_equal(got[3], 77);
	pos = 0;
	assert_int_equal(podoom_memcgfmt_next_pid(S(""), &pos, &pid), 0);
}

/* fs/proc/array.c + task_mmu.c task_mem(), as 6.18 prints them */
static const char status[] = "Name:\tpostgres\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n"
			     "Pid:\t4242\nPPid:\t1\nTracerPid:\t0\nUid:\t999\t999\t999\t999\nGid:\t999\t999\t999\t999\n"
			     "VmPeak:\t  2297052 kB\nVmSize:\t  2296028 kB\nVmRSS:\t   409616 kB\n"
			     "RssAnon:\t   200000 kB\nRssFile:\t   200004 kB\nRssShmem:\t     9612 kB\n"
			     "VmData:\t   123456 kB\nVmPTE:\t     1320 kB\nVmSwap:\t     4096 kB\nThreads:\t1\n";

static void test_status(void **state)
{
	struct podoom_task t = {0};
	(void)state;
	assert_int_equal(podoom_memcgfmt_status(S(status), &t), 0);
	assert_string_equal(t.comm, "postgres");
	assert_int_equal(t.tgid, 4242);
	assert_int_equal(t.ppid, 1);
	assert_int_equal(t.uid, 999);
	assert_int_equal(t.rss_pages, (200000 + 200004 + 9612) / 4); /* 102404 */
	assert_int_equal(t.pgtables_bytes, 1320 * 1024);
	assert_int_equal(t.swap_pages, 1024);
	assert_int_equal(t.flags & PODOOM_TASK_KTHREAD, 0);
}

static void test_status_kthread_and_junk(void **state)
{
	struct podoom_task t = {0};
	(void)state;
	/* a kernel thread has no mm: no VmSize line (and "Kthread:\t1" since 6.0) */
	assert_int_equal(podoom_memcgfmt_status(S("Name:\tkworker/0:1\nPid:\t12\nPPid:\t2\nKthread:\t1\n"), &t), 0);
	assert_true(t.flags & PODOOM_TASK_KTHREAD);
	assert_string_equal(t.comm, "kworker/0:1");
	memset(&t, 0, sizeof(t));
	/* a broken fixture: negative, huge and missing numbers neither wrap nor overflow */
	assert_int_equal(podoom_memcgfmt_status(S("Name:\tabcdefghijklmnopqrstuvwxyz\nVmSize:\t1 kB\nRssAnon:\t-5 kB\n"
						  "RssFile:\t99999999999999999999999 kB\nRssShmem:\t kB\nVmPTE:\t"
						  "18446744073709551615 kB\nTgid:\t99999999999\n"),
						&t),
			 0);
	assert_string_equal(t.comm, "abcdefghijklmno"); /* TASK_COMM_LEN - 1 */
	assert_int_equal(t.rss_pages, (1ULL << 50) / 4);
	assert_int_equal(t.pgtables_bytes, (1ULL << 50) * 1024);
	assert_int_equal(t.tgid, INT32_MAX);
	assert_int_equal(podoom_memcgfmt_status(S("Pid:\t1\n"), &t), -EINVAL); /* not a status file */
}

static void test_adj(void **state)
{
	int32_t a = 7;
	(void)state;
	assert_int_equal(podoom_memcgfmt_adj(S("-997\n"), &a), 0);
	assert_int_equal(a, -997);
	assert_int_equal(podoom_memcgfmt_adj(S("1000\n"), &a), 0);
	assert_int_equal(a, 1000);
	assert_int_equal(podoom_memcgfmt_adj(S("-1000"), &a), 0);
	assert_int_equal(a, -1000);
	a = 7;
	assert_int_equal(podoom_memcgfmt_adj(S("1001\n"), &a), -EINVAL);
	assert_int_equal(podoom_memcgfmt_adj(S("-1001\n"), &a), -EINVAL);
	assert_int_equal(podoom_memcgfmt_adj(S("--1\n"), &a), -EINVAL);
	assert_int_equal(podoom_memcgfmt_adj(S(""), &a), -EINVAL);
	assert_int_equal(a, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyed),  cmocka_unit_test(test_limit),
		cmocka_unit_test(test_pids),   cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_kthread_and_junk), cmocka_unit_test(test_adj),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
