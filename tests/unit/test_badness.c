/* test_badness.c - victim selection per kernel profile, with the numbers of
 * reference/kernel.md 1.5, STYLE.md's example and the task tables of corpus
 * samples 01, 03 and 42. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/badness.h"

#define MIB_PAGES(n) ((uint64_t)(n) * 256u) /* 4 KiB pages */
#define UNLIMITED PODOOM_PAGE_COUNTER_MAX

static const struct podoom_kernel_profile *kp(const char *name)
{
	const struct podoom_kernel_profile *p = NULL;

	assert_int_equal(podoom_kernel_profile_find(name, strlen(name), &p), 0);
	return p;
}

static struct podoom_task task(int32_t pid, int32_t adj, uint64_t rss_pages, uint64_t pgtables_bytes, int32_t memcg)
{
	struct podoom_task t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	t.tgid = pid;
	t.oom_score_adj = adj;
	t.rss_pages = rss_pages;
	t.pgtables_bytes = pgtables_bytes;
	t.memcg = memcg;
	return t;
}

static struct podoom_memcg memcg(int32_t parent, uint64_t max_pages)
{
	struct podoom_memcg m = {parent, false, max_pages, UNLIMITED, UNLIMITED, 60};
	return m;
}

static struct podoom_oom_scope memcg_scope(const struct podoom_memcg *t, size_t n, int32_t oom, uint64_t totalpages)
{
	struct podoom_oom_scope s = {t, n, oom, totalpages, 4096, true};
	return s;
}

static struct podoom_oom_scope global_scope(uint64_t totalpages)
{
	struct podoom_oom_scope s = {NULL, 0, -1, totalpages, 4096, true};
	return s;
}

/* select, or fail the test */
static size_t select_ok(const char *profile, const struct podoom_oom_scope *s, const struct podoom_task *t, size_t n)
{
	size_t i = SIZE_MAX;

	print_message("profile %s\n", profile);
	assert_int_equal(podoom_badness_select(kp(profile), s, t, n, &i), 0);
	assert_true(i < n);
	return i;
}

/* STYLE.md: 60120 + 600 * (131072 / 1000) = 138720 beats 2010 + 1000 * 131 = 133010 */
static void test_style_example(void **state)
{
	const struct podoom_memcg tree[] = {memcg(-1, UNLIMITED), memcg(0, MIB_PAGES(512))};
	const struct podoom_task t[] = {
		task(101, 600, 60000, 120 * 4096, 1),
		task(102, 1000, 2000, 10 * 4096, 1),
	};
	uint64_t total = podoom_totalpages_memcg(&tree[1], false, 0);
	struct podoom_oom_scope s = memcg_scope(tree, 2, 1, total);

	(void)state;
	assert_int_equal(total, 131072);
	for (size_t i = 0; i < podoom_kernel_profile_count(); i++) {
		const struct podoom_kernel_profile *p = podoom_kernel_profile_at(i);
		size_t v = SIZE_MAX;

		assert_int_equal(podoom_badness(p, &s, &t[0]), 138720);
		assert_int_equal(podoom_badness(p, &s, &t[1]), 133010);
		assert_int_equal(podoom_badness_select(p, &s, t, 2, &v), 0);
		assert_int_equal(t[v].pid, 101);
	}
}

/* reference/kernel.md 1.5: a 512 MiB limit, v2, no swap */
static void test_worked_example(void **state)
{
	struct podoom_oom_scope s = global_scope(131072);
	const struct podoom_task pause = task(1, -998, 100, 0, -1);
	const struct podoom_task guaranteed = task(2, -997, 120000, 0, -1);
	const struct podoom_task besteffort = task(3, 1000, 120000, 0, -1);
	uint32_t score = 0;

	(void)state;
	assert_int_equal(podoom_badness(kp("6.1"), &s, &pause), -130638);
	assert_int_equal(podoom_badness(kp("6.1"), &s, &guaranteed), -10607);
	assert_int_equal(podoom_badness(kp("6.1"), &s, &besteffort), 251000);
	assert_int_equal(podoom_badness(kp("5.9"), &s, &guaranteed), -10607);
	/* 4.19-5.8 floor both Guaranteed tasks at 1 */
	assert_int_equal(podoom_badness(kp("4.19"), &s, &pause), 1);
	assert_int_equal(podoom_badness(kp("5.4"), &s, &guaranteed), 1);
	assert_int_equal(podoom_badness(kp("4.19"), &s, &besteffort), 251000);
	/* the score printed by <= 5.0: 251000 * 1000 / 131072 = 1914 */
	assert_int_equal(podoom_badness_printed_score(kp("4.19"), &s, &besteffort, &score), 0);
	assert_int_equal(score, 1914);
	assert_int_equal(podoom_badness_printed_score(kp("4.19"), &s, &pause, &score), 0);
	assert_int_equal(score, 0);
	score = 7;
	assert_int_equal(podoom_badness_printed_score(kp("6.1"), &s, &besteffort, &score), -ENOENT);
	assert_int_equal(score, 7);
}

/*
 * Sample 42 ("Why would kubernetes OOM kill a pause container?"): a Guaranteed
 * pod, every task at -998, a pod-level OOM. Up to 5.2 all tasks floor to 1 and
 * the first leader visited - the sandbox, created first - dies; 5.3-5.8 take
 * the last; 5.9+ compare the real (negative) points.
 */
static void test_guaranteed_tie_kills_pause(void **state)
{
	const struct podoom_memcg tree[] = {
		memcg(-1, UNLIMITED),	   /* 0 / */
		memcg(0, UNLIMITED),	   /* 1 kubepods */
		memcg(1, MIB_PAGES(512)), /* 2 pod<uid> (Guaranteed: no QoS level) */
		memcg(2, MIB_PAGES(1)),	   /* 3 pause container, created first */
		memcg(2, MIB_PAGES(511)), /* 4 app container */
	};
	/* array order is not scan order: the app is listed first */
	const struct podoom_task t[] = {
		task(605700, -998, 120000, 0, 4),
		task(605624, -998, 1, 0, 3), /* anon-rss:4kB */
	};
	struct podoom_oom_scope s = memcg_scope(tree, 5, 2, podoom_totalpages_memcg(&tree[2], false, 0));
	uint32_t score = 99;

	(void)state;
	assert_int_equal(t[select_ok("3.10", &s, t, 2)].pid, 605624);
	assert_int_equal(t[select_ok("4.14", &s, t, 2)].pid, 605624);
	assert_int_equal(t[select_ok("4.19", &s, t, 2)].pid, 605624);
	assert_int_equal(t[select_ok("5.2", &s, t, 2)].pid, 605624);
	assert_int_equal(t[select_ok("5.4", &s, t, 2)].pid, 605700);
	assert_int_equal(t[select_ok("6.1", &s, t, 2)].pid, 605700);
	/* "Kill process 605624 (pause) score 0 or sacrifice child" */
	assert_int_equal(podoom_badness_printed_score(kp("4.19"), &s, &t[1], &score), 0);
	assert_int_equal(score, 0);
	/* a container-level OOM in the app's memcg never sees the pause process */
	s = memcg_scope(tree, 5, 4, podoom_totalpages_memcg(&tree[4], false, 0));
	assert_int_equal(t[select_ok("4.19", &s, t, 2)].pid, 605700);
}

/* the memcg walk is pre-order: a child created later is visited before its
 * parent's later siblings; a global OOM visits the task list in order */
static void test_scan_order(void **state)
{
	const struct podoom_memcg tree[] = {
		memcg(-1, UNLIMITED), /* 0 */
		memcg(0, 100000),     /* 1 pod */
		memcg(1, UNLIMITED),  /* 2 container A */
		memcg(1, UNLIMITED),  /* 3 container B */
		memcg(2, UNLIMITED),  /* 4 a cgroup inside A, created after B */
		memcg(0, UNLIMITED),  /* 5 outside the pod */
	};
	const struct podoom_task t[] = {
		task(10, 0, 5000, 0, 3),
		task(11, 0, 5000, 0, 4),
		task(12, 0, 5000, 0, 2),
		task(13, 0, 90000, 0, 5), /* biggest, but outside the OOM memcg */
	};
	struct podoom_oom_scope s = memcg_scope(tree, 6, 1, 100000);

	(void)state;
	/* pre-order 1, 2, 4, 3: first is pid 12 (in 2), last is pid 10 (in 3) */
	assert_int_equal(t[select_ok("3.10", &s, t, 4)].pid, 12);
	assert_int_equal(t[select_ok("4.19", &s, t, 4)].pid, 12);
	assert_int_equal(t[select_ok("5.4", &s, t, 4)].pid, 10);
	/* an OOM in container A: its subtree only, A before the cgroup inside it */
	s = memcg_scope(tree, 6, 2, 100000);
	assert_int_equal(t[select_ok("3.10", &s, t, 4)].pid, 12);
	assert_int_equal(t[select_ok("6.8", &s, t, 4)].pid, 11);
	/* global: the whole node, and task-list order for ties */
	s = global_scope(1000000);
	assert_int_equal(t[select_ok("6.8", &s, t, 4)].pid, 13);
	{
		const struct podoom_task tie[] = {task(20, 0, 7, 0, 3), task(21, 0, 7, 0, 2)};
		assert_int_equal(tie[select_ok("3.10", &s, tie, 2)].pid, 20);
		assert_int_equal(tie[select_ok("6.8", &s, tie, 2)].pid, 21);
	}
}

/*
 * Sample 03 (4.19 era, v1, memsw limit == memory limit == 512 MiB):
 *   [  62685]     0 62685     2925      679    65536        0          -998 bash
 *   [  62769]     0 62769     4382      411    77824        0          -998 cp
 *   Memory cgroup out of memory: Kill process 62685 (bash) score 0 or sacrifice child
 *   Killed process 62769 (
 */
static void test_sample03_sacrifice_child(void **state)
{
	struct podoom_memcg tree[] = {memcg(-1, UNLIMITED), memcg(0, UNLIMITED), memcg(1, UNLIMITED),
				      memcg(2, 131072)};
	struct podoom_task t[] = {task(62685, -998, 679, 65536, 3), task(62769, -998, 411, 77824, 3)};
	struct podoom_oom_scope s;
	size_t sel = SIZE_MAX, victim = SIZE_MAX;
	uint32_t score = 99;

	(void)state;
	tree[3].memsw_max_pages = 131072; /* "memory+swap: usage 524288kB, limit 524288kB" */
	t[1].ppid = 62685;
	/* memsw - limit leaves no swap, however much the node has */
	s = memcg_scope(tree, 4, 3, podoom_totalpages_memcg(&tree[3], true, 262144));
	assert_int_equal(s.totalpages, 131072);
	assert_int_equal(podoom_badness(kp("4.19"), &s, &t[0]), 1); /* 695 - 998 * 131 floored */
	assert_int_equal(podoom_badness(kp("4.19"), &s, &t[1]), 1); /* 411 + 19 - 130738 floored */

	assert_int_equal(podoom_badness_select(kp("4.19"), &s, t, 2, &sel), 0);
	assert_int_equal(t[sel].pid, 62685);
	assert_int_equal(podoom_badness_printed_score(kp("4.19"), &s, &t[sel], &score), 0);
	assert_int_equal(score, 0);
	assert_int_equal(podoom_badness_victim(kp("4.19"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].pid, 62769);
	/* no child sacrifice from 5.2, nor on RHEL 8: the selected task dies */
	assert_int_equal(podoom_badness_victim(kp("5.2"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].pid, 62685);
	assert_int_equal(podoom_badness_victim(kp("rhel8"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].pid, 62685);
	/* a vfork child shares the parent's mm and is passed over */
	t[1].flags = PODOOM_TASK_IN_VFORK;
	assert_int_equal(podoom_badness_victim(kp("4.19"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].pid, 62685);
	t[1].flags = 0;
	/* a child outside the OOM memcg is not a candidate either */
	t[1].memcg = 2;
	assert_int_equal(podoom_badness_victim(kp("4.19"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].pid, 62685);
}

/*
 * Sample 01 (3.10.0-327.el7, v1 with memsw, Guaranteed java at -998):
 *   [28438]     0 28438  5063909   119961    1661   136409          -998 java
 *   Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child
 *   Killed process 28438 (java) ...
 * 3.10 scans threads and keeps the first maximum: a thread id is selected and
 * the kill names its process. Limits from sample 02 (same node): memory 512 MiB,
 * memory+swap 1 GiB. score 0 needs swap in the denominator: against the memory
 * limit alone the same task prints 971.
 */
static void test_sample01_thread_selected(void **state)
{
	struct podoom_memcg tree[] = {memcg(-1, UNLIMITED), memcg(0, UNLIMITED), memcg(1, UNLIMITED),
				      memcg(2, 131072)};
	struct podoom_task t[] = {
		task(24572, -998, 119961, 1661 * 4096, 3), /* a thread of java, visited first */
		task(28438, -998, 119961, 1661 * 4096, 3),
	};
	struct podoom_oom_scope s;
	size_t sel = SIZE_MAX, victim = SIZE_MAX;
	uint32_t score = 99;

	(void)state;
	tree[3].memsw_max_pages = 262144;
	t[0].tgid = 28438;
	t[0].swap_pages = t[1].swap_pages = 136409;
	s = memcg_scope(tree, 4, 3, podoom_totalpages_memcg(&tree[3], true, 2097152));
	assert_int_equal(s.totalpages, 262144);
	/* 119961 + 1661 + 136409 - 998 * 262 = -3445, floored at 1 */
	assert_int_equal(podoom_badness(kp("rhel7"), &s, &t[1]), 1);
	assert_int_equal(podoom_badness_select(kp("rhel7"), &s, t, 2, &sel), 0);
	assert_int_equal(t[sel].pid, 24572);
	assert_int_equal(podoom_badness_printed_score(kp("rhel7"), &s, &t[sel], &score), 0);
	assert_int_equal(score, 0);
	assert_int_equal(podoom_badness_victim(kp("rhel7"), &s, t, 2, sel, &victim), 0);
	assert_int_equal(t[victim].tgid, 28438);
	/* 4.4 prefers the leader among equals */
	assert_int_equal(t[select_ok("4.4", &s, t, 2)].pid, 28438);
	/* memory limit only: 258031 - 998 * 131 = 127293, 127293000 / 131072 = 971 */
	s.totalpages = 131072;
	assert_int_equal(podoom_badness_printed_score(kp("rhel7"), &s, &t[1], &score), 0);
	assert_int_equal(score, 971);
}

static void test_threads_and_leaders(void **state)
{
	const struct podoom_memcg tree[] = {memcg(-1, UNLIMITED), memcg(0, 50000)};
	struct podoom_task t[] = {task(11, 0, 1000, 0, 1), task(10, 0, 1000, 0, 1), task(12, 0, 1000, 0, 1)};
	struct podoom_oom_scope s = memcg_scope(tree, 2, 1, 50000);

	(void)state;
	t[0].tgid = t[2].tgid = 10; /* threads 11 and 12 of process 10 */
	assert_int_equal(t[select_ok("3.10", &s, t, 3)].pid, 11);  /* first */
	assert_int_equal(t[select_ok("4.19", &s, t, 3)].pid, 10);  /* first leader */
	assert_int_equal(t[select_ok("5.4", &s, t, 3)].pid, 10);   /* processes only */
	/* without the leader in the list, 4.4-5.2 end on the last equal thread */
	{
		const struct podoom_task th[] = {t[0], t[2]};
		assert_int_equal(th[select_ok("4.19", &s, th, 2)].pid, 12);
		assert_int_equal(podoom_badness_select(kp("5.4"), &s, th, 2, &(size_t){0}), -ENOENT);
	}
	/* a global OOM scans processes from 4.14 on, threads before */
	s = global_scope(50000);
	assert_int_equal(t[select_ok("4.4", &s, t, 3)].pid, 10);
	assert_int_equal(t[select_ok("3.10", &s, t, 3)].pid, 11);
	assert_int_equal(t[select_ok("4.14", &s, t, 3)].pid, 10);
}

static void test_root_bonus(void **state)
{
	struct podoom_oom_scope s = global_scope(1000000);
	struct podoom_task t = task(1, 0, 10100, 0, -1);
	struct podoom_task small = task(2, 0, 199, 0, -1);

	(void)state;
	t.flags = small.flags = PODOOM_TASK_CAP_SYS_ADMIN;
	assert_int_equal(podoom_badness(kp("3.10"), &s, &t), 9797);	 /* 10100 - 303 */
	assert_int_equal(podoom_badness(kp("4.15"), &s, &small), 194); /* 199 - 597 / 100 */
	assert_int_equal(podoom_badness(kp("4.19"), &s, &t), 10100);
	assert_int_equal(podoom_badness(kp("rhel8"), &s, &t), 10100);
	/* the bonus comes before the adj term: 10100 - 303 + 100 * 1000 */
	t.oom_score_adj = 100;
	assert_int_equal(podoom_badness(kp("4.4"), &s, &t), 109797);
	/* capability, not uid: uid 0 without CAP_SYS_ADMIN gets nothing */
	t.flags = 0;
	t.uid = 0;
	assert_int_equal(podoom_badness(kp("4.4"), &s, &t), 110100);
}

struct eligibility_case {
	uint32_t flags;
	int32_t adj;
	const char *profile;
	bool eligible;
};

static const struct eligibility_case eligibility_cases[] = {
	{0, -1000, "3.10", false},
	{0, -1000, "6.8", false},
	{0, -5000, "6.8", false}, /* clamped to -1000 */
	{0, -999, "6.8", true},
	{PODOOM_TASK_KTHREAD, 0, "4.19", false},
	{PODOOM_TASK_GLOBAL_INIT, 0, "6.1", false},
	{PODOOM_TASK_NO_MM, 0, "5.4", false},
	{PODOOM_TASK_OOM_SKIP, 0, "4.19", false},
	{PODOOM_TASK_OOM_SKIP, 0, "4.4", true}, /* no MMF_OOM_SKIP before 4.14 */
	{PODOOM_TASK_IN_VFORK, 0, "4.14", false},
	{PODOOM_TASK_IN_VFORK, 0, "3.10", true},
	{PODOOM_TASK_EXITING, 0, "6.1", true}, /* badness does not look at it */
};

static void test_eligibility(void **state)
{
	struct podoom_oom_scope s = global_scope(1000000);

	(void)state;
	for (size_t i = 0; i < sizeof(eligibility_cases) / sizeof(eligibility_cases[0]); i++) {
		const struct eligibility_case *c = &eligibility_cases[i];
		struct podoom_task t = task(5, c->adj, 1000, 0, -1);
		int64_t b;

		t.flags = c->flags;
		b = podoom_badness(kp(c->profile), &s, &t);
		print_message("case %zu\n", i);
		if (c->eligible)
			assert_true(b != PODOOM_BADNESS_INELIGIBLE);
		else
			assert_true(b == PODOOM_BADNESS_INELIGIBLE);
	}
}

/* sample 30: a memcg whose tasks are all exempt: no victim, no panic */
static void test_no_killable(void **state)
{
	struct podoom_oom_scope s = global_scope(4096);
	struct podoom_task t[] = {task(1, -1000, 500, 0, -1), task(2, 0, 500, 0, -1)};
	size_t i = 77;

	(void)state;
	t[1].flags = PODOOM_TASK_KTHREAD;
	for (size_t p = 0; p < podoom_kernel_profile_count(); p++) {
		assert_int_equal(podoom_badness_select(podoom_kernel_profile_at(p), &s, t, 2, &i), -ENOENT);
		assert_int_equal(i, 77);
	}
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 0, &i), -ENOENT);
}

static void test_abort_and_skip(void **state)
{
	struct podoom_oom_scope s = global_scope(100000);
	struct podoom_task t[] = {task(1, 0, 9000, 0, -1), task(2, 0, 100, 0, -1)};
	size_t i = 77, v = 77;

	(void)state;
	/* an earlier victim still alive: the scan aborts, nobody new dies */
	t[1].flags = PODOOM_TASK_OOM_VICTIM;
	assert_int_equal(podoom_badness_select(kp("6.1"), &s, t, 2, &i), -EAGAIN);
	assert_int_equal(podoom_badness_select(kp("4.4"), &s, t, 2, &i), -EAGAIN);
	/* once reaped (MMF_OOM_SKIP), 4.14+ skip it; 4.4 has no such flag */
	t[1].flags |= PODOOM_TASK_OOM_SKIP;
	assert_int_equal(t[select_ok("6.1", &s, t, 2)].pid, 1);
	assert_int_equal(podoom_badness_select(kp("4.4"), &s, t, 2, &i), -EAGAIN);
	/* 3.10 skips a dead (zombie) task before looking at the victim mark */
	t[1].flags = PODOOM_TASK_OOM_VICTIM | PODOOM_TASK_NO_MM;
	assert_int_equal(t[select_ok("3.10", &s, t, 2)].pid, 1);
	assert_int_equal(podoom_badness_select(kp("4.4"), &s, t, 2, &i), -EAGAIN);
	/* an exiting task: <= 4.13 wait for it; later kernels pick by points and
	 * then only mark the exiting choice, printing nothing */
	t[1].flags = 0;
	t[0].flags = PODOOM_TASK_EXITING;
	assert_int_equal(podoom_badness_select(kp("4.4"), &s, t, 2, &i), -EAGAIN);
	assert_int_equal(i, 77);
	i = select_ok("6.1", &s, t, 2);
	assert_int_equal(t[i].pid, 1);
	assert_int_equal(podoom_badness_victim(kp("6.1"), &s, t, 2, i, &v), -EAGAIN);
	assert_int_equal(v, 77);
}

static void test_oom_origin(void **state)
{
	struct podoom_oom_scope s = global_scope(100000);
	struct podoom_task t[] = {task(1, 0, 90000, 0, -1), task(2, -999, 10, 0, -1), task(3, 0, 20, 0, -1),
				  task(4, 0, 50000, 0, -1)};

	(void)state;
	t[1].flags = t[2].flags = PODOOM_TASK_OOM_ORIGIN;
	/* swapoff's task is chosen outright; of two, the later one */
	assert_int_equal(t[select_ok("3.10", &s, t, 4)].pid, 3);
	assert_int_equal(t[select_ok("6.8", &s, t, 4)].pid, 3);
}

/* 3.10-4.13 keep the scan's points in `unsigned int` */
static void test_points_u32(void **state)
{
	struct podoom_oom_scope s = global_scope((uint64_t)1 << 33);
	struct podoom_task t[] = {task(1, 0, ((uint64_t)1 << 32) + 5, 0, -1), task(2, 0, 100, 0, -1)};

	(void)state;
	assert_int_equal(t[select_ok("3.10", &s, t, 2)].pid, 2);
	assert_int_equal(t[select_ok("4.4", &s, t, 2)].pid, 2);
	assert_int_equal(t[select_ok("4.14", &s, t, 2)].pid, 1);
	t[0].rss_pages = (uint64_t)1 << 32; /* truncates to 0: `if (!points ...)` skips it */
	assert_int_equal(t[select_ok("4.4", &s, t, 2)].pid, 2);
}

static void test_totalpages(void **state)
{
	struct podoom_memcg m = memcg(0, 131072);

	(void)state;
	/* 4 GiB RAM + 1 GiB swap */
	assert_int_equal(podoom_totalpages_global(1048576, 262144), 1310720);
	assert_int_equal(podoom_totalpages_global(UINT64_MAX, 1), INT64_MAX);
	/* v2: memory.max + min(swap.max, node swap) */
	m.swap_max_pages = 0; /* the kubelet's NoSwap */
	assert_int_equal(podoom_totalpages_memcg(&m, false, 262144), 131072);
	m.swap_max_pages = UNLIMITED;
	assert_int_equal(podoom_totalpages_memcg(&m, false, 262144), 393216);
	assert_int_equal(podoom_totalpages_memcg(&m, false, 0), 131072); /* no swap on the node */
	m.swap_max_pages = 1000;					  /* LimitedSwap */
	assert_int_equal(podoom_totalpages_memcg(&m, false, 262144), 132072);
	m.swappiness = 0;
	assert_int_equal(podoom_totalpages_memcg(&m, false, 262144), 131072);
	/* v1 with memsw accounting, sample 02: memory 512 MiB, memory+swap 1 GiB */
	m.swappiness = 60;
	m.memsw_max_pages = 262144;
	assert_int_equal(podoom_totalpages_memcg(&m, true, 524288), 262144);
	assert_int_equal(podoom_totalpages_memcg(&m, true, 65536), 196608); /* capped by node swap */
	/* v1 without swap accounting: swap.max does not exist (PAGE_COUNTER_MAX),
	 * so all node swap counts */
	m.swap_max_pages = UNLIMITED;
	assert_int_equal(podoom_totalpages_memcg(&m, false, 65536), 196608);
	/* never 0: "?: 1" */
	m.max_pages = 0;
	m.swappiness = 0;
	assert_int_equal(podoom_totalpages_memcg(&m, false, 0), 1);
}

/* /proc/<pid>/oom_score on a 16 GiB node without swap */
static void test_oom_score(void **state)
{
	const uint64_t total = 4194304;
	struct podoom_task idle = task(1, 0, 1000, 0, -1);
	struct podoom_task all = task(2, 0, total, 0, -1);
	struct podoom_task guaranteed = task(3, -997, 1000, 0, -1);
	struct podoom_task besteffort = task(4, 1000, 1000, 0, -1);
	struct podoom_task exempt = task(5, -1000, 1000, 0, -1);

	(void)state;
	/* 5.9+: (1000 + badness * 1000 / totalpages) * 2 / 3 */
	assert_int_equal(podoom_oom_score(kp("6.1"), &idle, total, 4096), 666);
	assert_int_equal(podoom_oom_score(kp("6.1"), &all, total, 4096), 1333);
	/* -4180418 * 1000 / 4194304 = -996 (toward zero), (1000 - 996) * 2 / 3 = 2 */
	assert_int_equal(podoom_oom_score(kp("6.1"), &guaranteed, total, 4096), 2);
	assert_int_equal(podoom_oom_score(kp("6.1"), &besteffort, total, 4096), 1333);
	assert_int_equal(podoom_oom_score(kp("6.1"), &exempt, total, 4096), 0);
	assert_int_equal(podoom_oom_score(kp("5.4.188"), &idle, total, 4096), 666);
	/* <= 5.8: badness * 1000 / totalpages */
	assert_int_equal(podoom_oom_score(kp("4.19"), &idle, total, 4096), 0);
	assert_int_equal(podoom_oom_score(kp("4.19"), &all, total, 4096), 1000);
	assert_int_equal(podoom_oom_score(kp("4.19"), &guaranteed, total, 4096), 0);
	assert_int_equal(podoom_oom_score(kp("4.19"), &besteffort, total, 4096), 1000);
	assert_int_equal(podoom_oom_score(kp("3.10"), &exempt, total, 4096), 0);
	/* page size matters for the page-table term: 64 KiB pages */
	idle.pgtables_bytes = 655360;
	assert_int_equal(podoom_oom_score(kp("4.19"), &idle, 11000, 65536), 91); /* 1010 * 1000 / 11000 */
}

/* memory.oom.group: the kubelet sets it on each container (v2, k8s >= 1.28) */
static void test_oom_group(void **state)
{
	struct podoom_memcg tree[] = {
		memcg(-1, UNLIMITED), /* 0 / */
		memcg(0, UNLIMITED),  /* 1 kubepods */
		memcg(1, 262144),     /* 2 pod */
		memcg(2, 131072),     /* 3 container, oom.group */
		memcg(2, 131072),     /* 4 sidecar, oom.group */
	};
	struct podoom_oom_scope s = memcg_scope(tree, 5, 3, 131072);
	struct podoom_task member = task(10, 1000, 5, 0, 3), exempt = task(11, -1000, 5, 0, 3);
	struct podoom_task init = task(1, 0, 5, 0, 3), sibling = task(12, 0, 5, 0, 4);
	int32_t g = 99;

	(void)state;
	tree[3].oom_group = tree[4].oom_group = true;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, 3);
	assert_true(podoom_oom_group_kills(&s, g, &member));
	assert_false(podoom_oom_group_kills(&s, g, &exempt));
	init.flags = PODOOM_TASK_GLOBAL_INIT;
	assert_false(podoom_oom_group_kills(&s, g, &init));
	assert_false(podoom_oom_group_kills(&s, g, &sibling));
	/* a pod-level OOM: the victim's container still dies whole */
	s.oom_memcg = 2;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, 3);
	/* the highest flagged ancestor up to the OOM memcg wins ... */
	tree[2].oom_group = true;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, 2);
	assert_true(podoom_oom_group_kills(&s, g, &sibling));
	/* ... but never above it */
	s.oom_memcg = 3;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, 3);
	/* global OOM: up to the root */
	s.oom_memcg = -1;
	assert_int_equal(podoom_oom_group(kp("4.19"), &s, 3, &g), 0);
	assert_int_equal(g, 2);
	/* not on v1, not before 4.19, not for a root-memcg victim, not outside the domain */
	s.cgroup_v2 = false;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, -1);
	s.cgroup_v2 = true;
	assert_int_equal(podoom_oom_group(kp("4.15"), &s, 3, &g), 0);
	assert_int_equal(g, -1);
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 0, &g), 0);
	assert_int_equal(g, -1);
	s.oom_memcg = 4;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 3, &g), 0);
	assert_int_equal(g, -1);
	g = 99;
	assert_int_equal(podoom_oom_group(kp("6.8"), &s, 7, &g), -EINVAL);
	assert_int_equal(g, 99);
}

static void test_bad_scope(void **state)
{
	struct podoom_memcg tree[] = {memcg(-1, UNLIMITED), memcg(0, 100), memcg(1, 100)};
	struct podoom_task t[] = {task(1, 0, 10, 0, 2)};
	struct podoom_oom_scope s = memcg_scope(tree, 3, 1, 100);
	size_t i = 77;

	(void)state;
	assert_int_equal(t[select_ok("6.8", &s, t, 1)].pid, 1);
	tree[2].parent = 2; /* a cycle */
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 1, &i), -EINVAL);
	assert_false(podoom_oom_group_kills(&s, 1, &t[0])); /* the walk up stops at the bad link */
	tree[2].parent = 1;
	tree[0].parent = 0;
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 1, &i), -EINVAL);
	tree[0].parent = -1;
	s.oom_memcg = 3;
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 1, &i), -EINVAL);
	s.oom_memcg = 1;
	s.totalpages = 0;
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 1, &i), -EINVAL);
	s.totalpages = 100;
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, (size_t)PODOOM_TASK_MAX + 1, &i), -E2BIG);
	assert_int_equal(podoom_badness_victim(kp("4.19"), &s, t, 1, 1, &i), -EINVAL);
	assert_int_equal(i, 77);
	/* a task with no memcg is outside every memcg OOM */
	t[0].memcg = -1;
	assert_int_equal(podoom_badness_select(kp("6.8"), &s, t, 1, &i), -ENOENT);
}

/* hostile numbers saturate instead of overflowing */
static void test_extremes(void **state)
{
	struct podoom_oom_scope s = global_scope(UINT64_MAX);
	struct podoom_task t = task(1, 1000, UINT64_MAX, UINT64_MAX, -1);

	(void)state;
	t.swap_pages = UINT64_MAX;
	assert_int_equal(podoom_badness(kp("6.8"), &s, &t), INT64_MAX);
	t.oom_score_adj = -999;
	assert_true(podoom_badness(kp("6.8"), &s, &t) < INT64_MAX);
	assert_true(podoom_oom_score(kp("6.8"), &t, UINT64_MAX, 4096) <= 2000);
	t.oom_score_adj = 5000; /* clamped to 1000 */
	t.rss_pages = t.swap_pages = t.pgtables_bytes = 0;
	s.totalpages = 131072;
	assert_int_equal(podoom_badness(kp("6.8"), &s, &t), 131000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_style_example),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_guaranteed_tie_kills_pause),
		cmocka_unit_test(test_scan_order),
		cmocka_unit_test(test_sample03_sacrifice_child),
		cmocka_unit_test(test_sample01_thread_selected),
		cmocka_unit_test(test_threads_and_leaders),
		cmocka_unit_test(test_root_bonus),
		cmocka_unit_test(test_eligibility),
		cmocka_unit_test(test_no_killable),
		cmocka_unit_test(test_abort_and_skip),
		cmocka_unit_test(test_oom_origin),
		cmocka_unit_test(test_points_u32),
		cmocka_unit_test(test_totalpages),
		cmocka_unit_test(test_oom_score),
		cmocka_unit_test(test_oom_group),
		cmocka_unit_test(test_bad_scope),
		cmocka_unit_test(test_extremes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
