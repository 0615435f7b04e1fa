/* test_explain.c - every report in the fixtures (the public corpus and this
 * machine's kernel) explained: when a report has a task table and the model
 * can rank it, the recomputed victim is the one the kernel killed, or the
 * event says why not. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/explain.h"
#include "podoom/host.h"
#include "podoom/logreader.h"
#include "podoom/report.h"

typedef void (*event_fn)(const char *file, const struct podoom_oom_event *ev, const struct podoom_explanation *x,
			 void *user);

static unsigned explain_file(const char *path, event_fn fn, void *user)
{
	struct podoom_logreader *lr = podoom_logreader_new(0);
	struct podoom_report_parser *rp = NULL;
	struct podoom_logline line;
	struct podoom_oom_event ev;
	struct podoom_explanation x;
	char *buf;
	size_t len;
	unsigned n = 0;

	assert_non_null(lr);
	assert_int_equal(podoom_file_read(path, 16u << 20, &buf, &len), 0);
	assert_int_equal(podoom_report_parser_new(&rp), 0);
	podoom_logreader_set_year(lr, 2024);
	podoom_logreader_feed(lr, buf, len);
	podoom_logreader_finish(lr);
	while (podoom_logreader_next(lr, &line) == 1)
		podoom_report_parser_push(rp, &line);
	podoom_report_parser_finish(rp);
	while (podoom_report_parser_next_event(rp, &ev) == 0) {
		assert_int_equal(podoom_explain(&ev, NULL, &x), 0);
		assert_true(x.text[0] != '\0');
		fn(path, &ev, &x, user);
		podoom_oom_event_fini(&ev);
		n++;
	}
	podoom_report_parser_free(rp);
	podoom_logreader_free(lr);
	free(buf);
	return n;
}

struct tally {
	unsigned events, ranked, agree;
};

static void check_says_why(const char *file, const struct podoom_oom_event *ev, const struct podoom_explanation *x,
			   void *user)
{
	struct tally *t = user;
	t->events++;
	if (!x->has_recomputed || !x->has_victim)
		return;
	t->ranked++;
	if (x->mismatch == PODOOM_EXPLAIN_AGREES) {
		t->agree++;
		assert_int_equal(x->recomputed_victim_pid, x->victim_pid);
		return;
	}
	if (x->mismatch == PODOOM_EXPLAIN_DIFFERS)
		fail_msg("%s:%llu: the model picks %d, the kernel killed %d, and nothing says why", file,
			 (unsigned long long)ev->start.line_no, x->recomputed_victim_pid, x->victim_pid);
}

static void test_every_fixture(void **state)
{
	static const char *const dirs[] = {"tests/fixtures/corpus", "tests/fixtures/kernel"};
	struct tally t = {0};
	(void)state;

	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;
		assert_non_null(dir);
		while ((e = readdir(dir)) != NULL) {
			char path[512];
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.' || (l > 7 && strcmp(e->d_name + l - 7, ".expect") == 0))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			explain_file(path, check_says_why, &t);
		}
		closedir(dir);
	}
	print_message("  %u events, %u with a ranked table, %u agree with the kernel\n", t.events, t.ranked, t.agree);
	assert_true(t.events >= 40);
	assert_true(t.ranked >= 3);
}

struct one {
	unsigned n;
	struct podoom_explanation x;
	int32_t trigger_pid, selected_pid;
};

static void keep(const char *file, const struct podoom_oom_event *ev, const struct podoom_explanation *x, void *user)
{
	struct one *o = user;
	(void)file;
	if (o->n++ == 0) {
		o->x = *x;
		o->trigger_pid = ev->trigger.has_pid ? ev->trigger.pid : 0;
		o->selected_pid = ev->selected.present ? ev->selected.pid : 0;
	}
}

/* this machine, 6.18, cgroup v1: the bystander outscores the allocator */
static void test_machine_capture(void **state)
{
	static const char *const files[] = {"tests/fixtures/kernel/6.18-v1-systemd-containerd-bystander.kmsg",
					    "tests/fixtures/kernel/6.18-v1-systemd-containerd-bystander.dmesg"};
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct one o = {0};
		assert_int_equal(explain_file(files[i], keep, &o), 1);
		assert_int_equal(o.x.kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
		assert_string_equal(o.x.task_attr.pod_uid, "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b");
		assert_int_equal(o.x.task_attr.runtime, PODOOM_RUNTIME_CONTAINERD);
		assert_string_equal(o.x.victim_comm, "bystander");
		assert_false(o.x.trigger_is_victim);
		assert_int_equal(o.x.mismatch, PODOOM_EXPLAIN_AGREES);
		assert_string_equal(o.x.kernel->name, "6.8");
		assert_int_equal(o.x.n_ranking, 2);
		assert_true(o.x.ranking[0].points > o.x.ranking[1].points);
		assert_int_equal(o.x.limit_bytes, 64LL << 20);
		/* 64 MiB = 16384 pages; adj 0: points are the pages themselves */
		assert_int_equal(o.x.totalpages, 16384);
		assert_int_equal((uint64_t)o.x.ranking[0].points, o.x.ranking[0].mem_pages);
	}
}

/* corpus 03 (4.19, Guaranteed, -998): bash selected with score 0, its child cp killed */
static void test_sacrifice_child(void **state)
{
	struct one o = {0};
	(void)state;
	explain_file("tests/fixtures/corpus/03-k8s-v1-4.19era-sacrifice-child-wrapped-truncated.log", keep, &o);
	assert_int_equal(o.x.kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
	assert_int_equal(o.x.task_attr.qos, PODOOM_QOS_GUARANTEED);
	assert_string_equal(o.x.kernel->name, "4.19");
	assert_int_equal(o.selected_pid, 62685);
	assert_int_equal(o.x.victim_pid, 62769);
	assert_int_equal(o.x.recomputed_selected_pid, 62685);
	assert_int_equal(o.x.mismatch, PODOOM_EXPLAIN_AGREES);
	assert_non_null(strstr(o.x.text, "sacrifice child"));
	/* 4.19 floors points at 1: both -998 tasks score 1, the scan order decides */
	assert_int_equal(o.x.ranking[0].points, 1);
	assert_int_equal(o.x.ranking[1].points, 1);
}

/* a global OOM ranked from the report's own "pages RAM", with the 5.10 model its
 * stack dump names: the Burstable task far over its request (adj 900) outscores a
 * small BestEffort one (adj 1000) -- the numbers worked by hand:
 * totalpages 1048576, so adj counts 1048 pages per point;
 * stress 250000 + 2100000/4096 + 900*1048 = 1193712, cache 40000 + 97 + 1048000 = 1088097,
 * postgres 30000 + 73 - 997*1048 = -1014783 (signed since 5.9). */
static void test_global_from_pages_ram(void **state)
{
	struct one o = {0};
	(void)state;
	assert_int_equal(explain_file("tests/fixtures/explain/synthetic-5.10-global-burstable-over-request.dmesg", keep, &o), 1);
	assert_int_equal(o.x.kind, PODOOM_OOM_CLASS_GLOBAL);
	assert_true(o.x.kernel_from_release);
	assert_string_equal(o.x.kernel->name, "5.10");
	assert_int_equal(o.x.totalpages, 1048576);
	assert_int_equal(o.x.n_ranking, 3);
	assert_int_equal(o.x.ranking[0].points, 1193712);
	assert_int_equal(o.x.ranking[1].points, 1088097);
	assert_int_equal(o.x.ranking[2].points, -1014783);
	assert_int_equal(o.x.mismatch, PODOOM_EXPLAIN_AGREES);
	assert_true(o.x.trigger_is_victim);
	assert_string_equal(o.x.task_attr.pod_uid, "1a2b3c4d-0000-4000-8000-000000000001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture),
		cmocka_unit_test(test_machine_capture),
		cmocka_unit_test(test_sacrifice_child),
		cmocka_unit_test(test_global_from_pages_ram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
