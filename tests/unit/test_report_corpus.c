/*
 * test_report_corpus.c - golden tests: every real sample of
 * tests/fixtures/corpus/ (byte-exact copies of shared/corpus/NN-*.log) is parsed
 * and its events are compared with NN-*.expect, written by hand from the
 * sample's .meta ground truth.
 *
 * An .expect file says "events=N", then one "[event]" block per event with
 * key=value lines; every block must give scope, complete and victim. Keys are
 * listed in event_value() below; an unknown key fails the test. Set
 * PODOOM_TEST_DUMP=1 to print what the parser found.
 *
 * Lines go through the real transport reader (podoom_logreader), as in
 * podoom explain.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/logreader.h"
#include "podoom/report.h"

#define CORPUS_DIR "tests/fixtures/corpus"
#define MAX_EVENTS 64
#define FILE_MAX (1u << 20)

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Parse a whole log as podoom explain reads it: the real transport reader. */
static size_t parse_log(const char *text, size_t len, struct podoom_oom_event *evs, size_t cap)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_logreader *lr = podoom_logreader_new(0);
	struct podoom_logline l;
	size_t n_ev = 0;
	struct podoom_oom_event ev;

	assert_non_null(lr);
	assert_int_equal(podoom_report_parser_new(&p), 0);
	podoom_logreader_set_year(lr, 2024);
	assert_int_equal(podoom_logreader_feed(lr, text, len), 0);
	assert_int_equal(podoom_logreader_finish(lr), 0);
	while (podoom_logreader_next(lr, &l) == 1) {
		assert_true(podoom_report_parser_push(p, &l) >= 0);
		while (podoom_report_parser_next_event(p, &ev) == 0) {
			assert_true(n_ev < cap);
			evs[n_ev++] = ev;
		}
	}
	assert_true(podoom_report_parser_finish(p) >= 0);
	while (podoom_report_parser_next_event(p, &ev) == 0) {
		assert_true(n_ev < cap);
		evs[n_ev++] = ev;
	}
	podoom_report_parser_free(p);
	podoom_logreader_free(lr);
	return n_ev;
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static void counter_value(const struct podoom_oom_counter *c, char *buf, size_t cap)
{
	if (!c->present)
		snprintf(buf, cap, "none");
	else
		snprintf(buf, cap, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, c->usage_bytes / 1024, c->limit_bytes / 1024,
			 c->failcnt);
}

static void eras_value(uint32_t mask, char *buf, size_t cap)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned e = 0; e < PODOOM_REPORT_ERA_COUNT; e++)
		if (mask & PODOOM_REPORT_ERA_BIT(e))
			off += (size_t)snprintf(buf + off, cap - off, "%s%s", off ? "," : "",
						podoom_report_era_to_string((enum podoom_report_era)e));
}

static bool task_value(const struct podoom_oom_task *t, const char *field, char *buf, size_t cap)
{
	if (!strcmp(field, "pid"))
		snprintf(buf, cap, "%d", t->pid);
	else if (!strcmp(field, "name"))
		snprintf(buf, cap, "%s", t->name);
	else if (!strcmp(field, "uid"))
		snprintf(buf, cap, "%u", t->uid);
	else if (!strcmp(field, "rss"))
		snprintf(buf, cap, "%" PRIu64, t->rss_pages);
	else if (!strcmp(field, "rss_anon"))
		snprintf(buf, cap, "%" PRIu64, t->rss_anon_pages);
	else if (!strcmp(field, "rss_file"))
		snprintf(buf, cap, "%" PRIu64, t->rss_file_pages);
	else if (!strcmp(field, "rss_shmem"))
		snprintf(buf, cap, "%" PRIu64, t->rss_shmem_pages);
	else if (!strcmp(field, "total_vm"))
		snprintf(buf, cap, "%" PRIu64, t->total_vm_pages);
	else if (!strcmp(field, "swapents"))
		snprintf(buf, cap, "%" PRIu64, t->swapents_pages);
	else if (!strcmp(field, "pgtables"))
		snprintf(buf, cap, "%" PRId64, t->pgtables_bytes);
	else if (!strcmp(field, "nr_ptes"))
		snprintf(buf, cap, "%" PRId64, t->nr_ptes);
	else if (!strcmp(field, "nr_pmds"))
		snprintf(buf, cap, "%" PRId64, t->nr_pmds);
	else if (!strcmp(field, "adj"))
		snprintf(buf, cap, "%d", t->oom_score_adj);
	else
		return false;
	return true;
}

static bool kill_value(const struct podoom_oom_kill *k, const char *field, char *buf, size_t cap)
{
	if (!strcmp(field, "comm"))
		snprintf(buf, cap, "%s", k->comm);
	else if (!strcmp(field, "uid"))
		snprintf(buf, cap, k->has_uid ? "%u" : "none", k->uid);
	else if (!strcmp(field, "source"))
		snprintf(buf, cap, "%s", podoom_oom_source_to_string(k->source));
	else if (!strcmp(field, "reason"))
		snprintf(buf, cap, "%s", podoom_oom_kill_reason_to_string(k->reason));
	else if (!strcmp(field, "anon_rss_kb"))
		snprintf(buf, cap, k->has_vm ? "%" PRIu64 : "none", k->anon_rss_kb);
	else if (!strcmp(field, "total_vm_kb"))
		snprintf(buf, cap, k->has_vm ? "%" PRIu64 : "none", k->total_vm_kb);
	else if (!strcmp(field, "file_rss_kb"))
		snprintf(buf, cap, k->has_vm ? "%" PRIu64 : "none", k->file_rss_kb);
	else if (!strcmp(field, "shmem_rss_kb"))
		snprintf(buf, cap, k->has_shmem_rss ? "%" PRIu64 : "none", k->shmem_rss_kb);
	else if (!strcmp(field, "pgtables_kb"))
		snprintf(buf, cap, k->has_pgtables ? "%" PRIu64 : "none", k->pgtables_kb);
	else if (!strcmp(field, "adj"))
		snprintf(buf, cap, k->has_oom_score_adj ? "%d" : "none", k->oom_score_adj);
	else if (!strcmp(field, "message"))
		snprintf(buf, cap, "%s", podoom_report_message_to_string(k->message));
	else if (!strcmp(field, "reaped")) {
		if (k->reaped)
			snprintf(buf, cap, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, k->reaped_anon_rss_kb,
				 k->reaped_file_rss_kb, k->reaped_shmem_rss_kb);
		else
			snprintf(buf, cap, k->reap_failed ? "failed" : "no");
	} else
		return false;
	return true;
}

/* The value of @key in @ev as the .expect files write it; false for an unknown key. */
static bool event_value(const struct podoom_oom_event *ev, const char *key, char *buf, size_t cap)
{
	const struct podoom_oom_trigger *t = &ev->trigger;
	unsigned idx;
	int used = 0;

#define IS(k) (strcmp(key, (k)) == 0)
	if (IS("scope"))
		snprintf(buf, cap, "%s", podoom_report_scope_to_string(ev->scope));
	else if (IS("scope_evidence"))
		snprintf(buf, cap, "%s", podoom_oom_evidence_to_string(ev->scope_evidence));
	else if (IS("complete"))
		snprintf(buf, cap, "%s", yesno(ev->complete));
	else if (IS("damaged"))
		snprintf(buf, cap, "%s", yesno(ev->damaged));
	else if (IS("outcome"))
		snprintf(buf, cap, "%s", podoom_oom_outcome_to_string(ev->outcome));
	else if (IS("era"))
		eras_value(ev->era_mask, buf, cap);
	else if (IS("host"))
		snprintf(buf, cap, "%s", ev->host);
	else if (IS("quirk_thousands"))
		snprintf(buf, cap, "%s", yesno(ev->quirks & PODOOM_REPORT_QUIRK_THOUSANDS));
	else if (IS("tasks"))
		snprintf(buf, cap, "%zu", ev->n_tasks);
	else if (IS("table_layout"))
		snprintf(buf, cap, "%s", podoom_report_table_layout_to_string(ev->table_layout));
	else if (IS("stats_lines"))
		snprintf(buf, cap, "%u", ev->stats_lines);
	else if (IS("kills"))
		snprintf(buf, cap, "%zu", ev->n_kills);
	else if (IS("trigger_comm"))
		snprintf(buf, cap, "%s", t->present ? t->comm : "none");
	else if (IS("trigger_pid"))
		snprintf(buf, cap, t->has_pid ? "%d" : "none", t->pid);
	else if (IS("trigger_uid"))
		snprintf(buf, cap, t->has_uid ? "%u" : "none", t->uid);
	else if (IS("trigger_gfp_mask"))
		snprintf(buf, cap, "0x%" PRIx64, t->gfp_mask);
	else if (IS("trigger_gfp_flags"))
		snprintf(buf, cap, "%s", t->gfp_flags);
	else if (IS("trigger_order"))
		snprintf(buf, cap, "%d", t->order);
	else if (IS("trigger_adj"))
		snprintf(buf, cap, t->has_oom_score_adj ? "%d" : "none", t->oom_score_adj);
	else if (IS("constraint"))
		snprintf(buf, cap, "%s", podoom_oom_constraint_to_string(ev->constraint));
	else if (IS("nodemask"))
		snprintf(buf, cap, "%s", ev->nodemask);
	else if (IS("cpuset"))
		snprintf(buf, cap, "%s", ev->cpuset);
	else if (IS("mems_allowed"))
		snprintf(buf, cap, "%s", ev->mems_allowed);
	else if (IS("global_oom"))
		snprintf(buf, cap, "%s", yesno(ev->global_oom));
	else if (IS("oom_memcg"))
		snprintf(buf, cap, "%s", ev->oom_memcg);
	else if (IS("oom_memcg_cut"))
		snprintf(buf, cap, "%s", yesno(ev->cut_texts & (1u << PODOOM_OOM_TEXT_OOM_MEMCG)));
	else if (IS("task_memcg"))
		snprintf(buf, cap, "%s", ev->task_memcg);
	else if (IS("stats_memcg"))
		snprintf(buf, cap, "%s", ev->stats_memcg);
	else if (IS("stats_memcg_cut"))
		snprintf(buf, cap, "%s", yesno(ev->cut_texts & (1u << PODOOM_OOM_TEXT_STATS_MEMCG)));
	else if (IS("group_memcg"))
		snprintf(buf, cap, "%s", ev->group_kill ? ev->group_memcg : "none");
	else if (IS("memory"))
		counter_value(&ev->memory, buf, cap);
	else if (IS("memsw"))
		counter_value(&ev->memsw, buf, cap);
	else if (IS("kmem"))
		counter_value(&ev->kmem, buf, cap);
	else if (IS("swap"))
		counter_value(&ev->swap, buf, cap);
	else if (IS("selected"))
		snprintf(buf, cap, ev->selected.present ? "%d" : "none", ev->selected.pid);
	else if (IS("selected_comm"))
		snprintf(buf, cap, "%s", ev->selected.comm);
	else if (IS("selected_score"))
		snprintf(buf, cap, ev->selected.has_score ? "%" PRId64 : "none", ev->selected.score);
	else if (IS("selected_message"))
		snprintf(buf, cap, "%s", podoom_report_message_to_string(ev->selected.message));
	else if (IS("victim"))
		snprintf(buf, cap, ev->has_victim ? "%d" : "none", ev->victim.pid);
	else if (!strncmp(key, "victim_table_", 13)) {
		const struct podoom_oom_task *row = ev->has_victim ? podoom_oom_event_find_task(ev, ev->victim.pid) : NULL;
		if (!row)
			snprintf(buf, cap, "none");
		else if (!task_value(row, key + 13, buf, cap) &&
			 !(strcmp(key + 13, "comm") == 0 && snprintf(buf, cap, "%s", row->name) >= 0))
			return false;
	} else if (!strncmp(key, "victim_", 7)) {
		if (!ev->has_victim)
			snprintf(buf, cap, "none");
		else if (!kill_value(&ev->victim, key + 7, buf, cap))
			return false;
	} else if (sscanf(key, "task%u_%n", &idx, &used) == 1 && used > 0) {
		if (idx >= ev->n_tasks)
			snprintf(buf, cap, "none");
		else if (!task_value(&ev->tasks[idx], key + used, buf, cap))
			return false;
	} else if (sscanf(key, "kill%u_%n", &idx, &used) == 1 && used > 0) {
		if (idx >= ev->n_kills)
			snprintf(buf, cap, "none");
		else if (!strcmp(key + used, "pid"))
			snprintf(buf, cap, "%d", ev->kills[idx].pid);
		else if (!kill_value(&ev->kills[idx], key + used, buf, cap))
			return false;
	} else
		return false;
#undef IS
	return true;
}

static void dump_event(const char *name, size_t i, const struct podoom_oom_event *ev)
{
	static const char *const keys[] = {
		"scope", "scope_evidence", "complete", "damaged", "outcome", "era", "host", "trigger_comm",
		"trigger_pid", "trigger_gfp_mask", "trigger_gfp_flags", "trigger_adj", "constraint", "cpuset",
		"mems_allowed", "oom_memcg", "task_memcg", "stats_memcg", "stats_lines", "memory", "memsw", "kmem",
		"swap", "table_layout", "tasks", "selected", "selected_comm", "selected_score", "victim",
		"victim_comm", "victim_source", "victim_uid", "victim_anon_rss_kb", "victim_adj", "victim_reaped",
		"kills",
	};
	char buf[1024];

	fprintf(stderr, "== %s event %zu\n", name, i + 1);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (event_value(ev, keys[k], buf, sizeof(buf)))
			fprintf(stderr, "  %s=%s\n", keys[k], buf);
}

/* Check @evs against the .expect text; returns the number of mismatches (each printed). */
static int check_expect(const char *name, char *expect, const struct podoom_oom_event *evs, size_t n_ev)
{
	int bad = 0;
	long want_events = -1;
	size_t cur = SIZE_MAX;
	unsigned seen_mandatory = 0;
	char *save = NULL;

	for (char *line = strtok_r(expect, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, got[1024];

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strcmp(line, "[event]") == 0) {
			if (cur != SIZE_MAX && seen_mandatory != 7) {
				fprintf(stderr, "%s: event %zu: expect block lacks scope/complete/victim\n", name, cur + 1);
				bad++;
			}
			cur = cur == SIZE_MAX ? 0 : cur + 1;
			seen_mandatory = 0;
			continue;
		}
		eq = strchr(line, '=');
		if (!eq) {
			fprintf(stderr, "%s: malformed expect line '%s'\n", name, line);
			bad++;
			continue;
		}
		*eq = '\0';
		if (cur == SIZE_MAX) {
			if (strcmp(line, "events") == 0)
				want_events = strtol(eq + 1, NULL, 10);
			continue;
		}
		seen_mandatory |= !strcmp(line, "scope") ? 1u : !strcmp(line, "complete") ? 2u : !strcmp(line, "victim") ? 4u : 0u;
		if (cur >= n_ev)
			continue; /* counted below */
		if (!event_value(&evs[cur], line, got, sizeof(got))) {
			fprintf(stderr, "%s: unknown expect key '%s'\n", name, line);
			bad++;
		} else if (strcmp(got, eq + 1) != 0) {
			fprintf(stderr, "%s: event %zu: %s = '%s', want '%s'\n", name, cur + 1, line, got, eq + 1);
			bad++;
		}
	}
	if (cur != SIZE_MAX && seen_mandatory != 7) {
		fprintf(stderr, "%s: last expect block lacks scope/complete/victim\n", name);
		bad++;
	}
	if (want_events < 0 || (size_t)want_events != n_ev || (cur == SIZE_MAX ? 0 : cur + 1) != n_ev) {
		fprintf(stderr, "%s: %zu events, want %ld (%zu blocks)\n", name, n_ev, want_events,
			cur == SIZE_MAX ? 0 : cur + 1);
		bad++;
	}
	return bad;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_corpus(void **state)
{
	DIR *d = opendir(CORPUS_DIR);
	struct dirent *e;
	char *names[256];
	size_t n_names = 0;
	int bad = 0;
	bool dump = getenv("PODOOM_TEST_DUMP") != NULL;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".log") == 0 && n_names < 256)
			names[n_names++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n_names, sizeof(names[0]), name_cmp);
	assert_true(n_names >= 30); /* the whole corpus is here */

	for (size_t i = 0; i < n_names; i++) {
		char path[512];
		size_t len, elen, n_ev, nl = strlen(names[i]);
		char *log, *expect;
		static struct podoom_oom_event evs[MAX_EVENTS];
		int file_bad;

		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, names[i]);
		log = read_file(path, &len);
		assert_non_null(log);
		snprintf(path, sizeof(path), "%s/%.*s.expect", CORPUS_DIR, (int)(nl - 4), names[i]);
		expect = read_file(path, &elen);
		if (!expect) {
			fprintf(stderr, "%s: no .expect file\n", names[i]);
			bad++;
			free(log);
			continue;
		}
		n_ev = parse_log(log, len, evs, MAX_EVENTS);
		file_bad = check_expect(names[i], expect, evs, n_ev);
		if (dump || file_bad)
			for (size_t k = 0; k < n_ev; k++)
				dump_event(names[i], k, &evs[k]);
		bad += file_bad;
		for (size_t k = 0; k < n_ev; k++)
			podoom_oom_event_fini(&evs[k]);
		free(log);
		free(expect);
		free(names[i]);
	}
	if (bad)
		fail_msg("%d corpus mismatches (see above)", bad);
}

/* The parser must not depend on where a file is cut into pushes: feeding the
 * whole corpus as one stream gives the sum of the per-file events. */
static void test_corpus_as_one_stream(void **state)
{
	(void)state;
	/* covered per file above; this checks that events of one file never swallow the next
	 * file's first event: concatenate 21, 22 and 23 (three single-record samples) */
	const char *files[] = {"21-k8s-v1-devkmsg-record-oomkill-cgroupfs.log",
			       "22-k8s-v2-devkmsg-record-oomkill-pod-level-oom.log",
			       "23-k8s-v1-oomkill-line-cadvisor-fixture-pod-level.log"};
	char *all = malloc(3 * FILE_MAX);
	size_t total = 0, n_ev;
	static struct podoom_oom_event evs[MAX_EVENTS];

	assert_non_null(all);
	for (size_t i = 0; i < 3; i++) {
		char path[512];
		size_t len;
		char *t;

		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, files[i]);
		t = read_file(path, &len);
		assert_non_null(t);
		memcpy(all + total, t, len);
		total += len;
		free(t);
	}
	n_ev = parse_log(all, total, evs, MAX_EVENTS);
	assert_int_equal(n_ev, 3);
	assert_int_equal(evs[0].victim.pid, 3401999);
	assert_int_equal(evs[1].victim.pid, 255629);
	assert_int_equal(evs[2].victim.pid, 966);
	for (size_t k = 0; k < n_ev; k++)
		podoom_oom_event_fini(&evs[k]);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_as_one_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
