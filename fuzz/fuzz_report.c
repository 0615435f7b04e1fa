/*
 * fuzz_report.c - the streaming OOM report parser on arbitrary bytes.
 *
 * The input goes through the real transport reader (podoom_logreader, so the
 * corpus logs are good seeds and
 * the lines carry varied transports, times and /dev/kmsg continuation flags)
 * and is pushed. Properties:
 *   - no crash, no sanitizer report, no leak;
 *   - bounded: push never reports more ready events than the queue holds, and
 *     every event respects its caps (rows, kills, NUL-terminated texts,
 *     enums in range);
 *   - every event explains: a known kind, a text, a ranking in order;
 *   - garbage never costs a report: a known complete 5.4 report pushed after
 *     the input comes out as the last event, complete, with its victim, its
 *     group kill and its table.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/explain.h"
#include "podoom/logreader.h"
#include "podoom/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* reference/kernel.md §11 formats, 5.4 .. 6.7 era, cgroup v2 with memory.oom.group */
static const char *const known_report[] = {
	"[ 100.000001] stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999",
	"[ 100.000002] CPU: 1 PID: 3401 Comm: stress Not tainted 5.15.0-1019-aws #23-Ubuntu",
	"[ 100.000003] Call Trace:",
	"[ 100.000004]  out_of_memory+0x1ac/0x300",
	"[ 100.000005]  mem_cgroup_out_of_memory+0x138/0x150",
	"[ 100.000006] memory: usage 262144kB, limit 262144kB, failcnt 120",
	"[ 100.000007] swap: usage 0kB, limit 0kB, failcnt 0",
	"[ 100.000008] Memory cgroup stats for /kubepods/burstable/podaa/bb:",
	"[ 100.000008] anon 264241152",
	"[ 100.000009] Tasks state (memory values in pages):",
	"[ 100.000010] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
	"[ 100.000011] [   3401]     0  3401    66000    64000   540672        0           999 stress",
	"[ 100.000012] [   3402]     0  3402    66000      500    40960        0           999 stress",
	"[ 100.000013] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=bb,mems_allowed=0,"
	"oom_memcg=/kubepods/burstable/podaa/bb,task_memcg=/kubepods/burstable/podaa/bb,task=stress,pid=3401,uid=0",
	"[ 100.000014] Memory cgroup out of memory: Killed process 3401 (stress) total-vm:264000kB, "
	"anon-rss:255900kB, file-rss:100kB, shmem-rss:0kB, UID:0 pgtables:528kB oom_score_adj:999",
	"[ 100.000015] Tasks in /kubepods/burstable/podaa/bb are going to be killed due to memory.oom.group set",
	"[ 100.000016] Memory cgroup out of memory: Killed process 3402 (stress) total-vm:264000kB, "
	"anon-rss:1900kB, file-rss:100kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:999",
	"[ 102.000017] oom_reaper: reaped process 3401 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	"[ 102.000018] oom_reaper: reaped process 3402 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
};

static size_t cstrnlen(const char *s, size_t cap)
{
	const char *z = memchr(s, '\0', cap);
	return z ? (size_t)(z - s) : cap;
}

static void check_event(const struct podoom_oom_event *ev)
{
	assert(ev->n_tasks <= PODOOM_OOM_TASKS_MAX);
	assert(ev->n_kills <= PODOOM_OOM_KILLS_MAX);
	assert(ev->n_tasks == 0 || ev->tasks != NULL);
	assert(ev->n_kills == 0 || ev->kills != NULL);
	assert((ev->era_mask & ~PODOOM_REPORT_ERAS_ALL) == 0);
	assert((unsigned)ev->scope < PODOOM_OOM_SCOPE_COUNT);
	assert((unsigned)ev->scope_evidence < PODOOM_OOM_EVIDENCE_COUNT);
	assert((unsigned)ev->outcome < PODOOM_OOM_OUTCOME_COUNT);
	assert((unsigned)ev->constraint < PODOOM_OOM_CONSTRAINT_COUNT);
	assert((unsigned)ev->table_layout < PODOOM_REPORT_TABLE_COUNT);
	assert((unsigned)ev->victim.message < PODOOM_REPORT_MESSAGE_COUNT);
	assert(cstrnlen(ev->trigger.comm, sizeof(ev->trigger.comm)) < sizeof(ev->trigger.comm));
	assert(cstrnlen(ev->trigger.gfp_flags, sizeof(ev->trigger.gfp_flags)) < sizeof(ev->trigger.gfp_flags));
	assert(cstrnlen(ev->oom_memcg, sizeof(ev->oom_memcg)) < sizeof(ev->oom_memcg));
	assert(cstrnlen(ev->task_memcg, sizeof(ev->task_memcg)) < sizeof(ev->task_memcg));
	assert(cstrnlen(ev->cpuset, sizeof(ev->cpuset)) < sizeof(ev->cpuset));
	assert(cstrnlen(ev->victim.comm, sizeof(ev->victim.comm)) < sizeof(ev->victim.comm));
	for (size_t i = 0; i < ev->n_tasks; i++)
		assert(cstrnlen(ev->tasks[i].name, sizeof(ev->tasks[i].name)) < sizeof(ev->tasks[i].name));
	for (size_t i = 0; i < ev->n_kills; i++)
		assert((unsigned)ev->kills[i].reason < PODOOM_OOM_KILL_REASON_COUNT);
	/* complete means: a header, an outcome, nothing cut */
	assert(!ev->complete || (ev->trigger.present && ev->outcome != PODOOM_OOM_OUTCOME_UNKNOWN && !ev->damaged));
}

/* Drain the ready events; remember the last one in *last (owned by the caller). */
static void drain(struct podoom_report_parser *p, int ready, struct podoom_oom_event *last, int *have_last)
{
	struct podoom_oom_event ev;

	assert(ready >= 0 && ready <= PODOOM_REPORT_QUEUE_MAX);
	while (podoom_report_parser_next_event(p, &ev) == 0) {
		struct podoom_explanation x;
		check_event(&ev);
		/* explain every event too: attribution of any path, the model on any table */
		assert(podoom_explain(&ev, NULL, &x) == 0);
		assert(x.kind < PODOOM_OOM_CLASS_COUNT && x.mismatch < PODOOM_EXPLAIN_MISMATCH_COUNT);
		assert(memchr(x.text, '\0', sizeof(x.text)) != NULL && x.text[0] != '\0');
		assert(x.n_ranking <= PODOOM_EXPLAIN_RANKING_MAX);
		for (size_t i = 1; i < x.n_ranking; i++)
			assert(x.ranking[i - 1].points >= x.ranking[i].points);
		if (*have_last)
			podoom_oom_event_fini(last);
		*last = ev;
		*have_last = 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_logreader *lr = NULL;
	struct podoom_logline l;
	struct podoom_oom_event last;
	int have_last = 0;
	size_t len = 0, cut;
	char *buf;

	if (size > (1u << 20))
		return 0;
	/* the input, then a known report on lines of its own */
	buf = malloc(size + 4096);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	len = size;
	buf[len++] = '\n';
	for (size_t i = 0; i < sizeof(known_report) / sizeof(known_report[0]); i++) {
		size_t n = strlen(known_report[i]);
		memcpy(buf + len, known_report[i], n);
		len += n;
		buf[len++] = '\n';
	}
	if (podoom_report_parser_new(&p) != 0 || (lr = podoom_logreader_new(0)) == NULL) {
		podoom_report_parser_free(p);
		free(buf);
		return 0;
	}
	/* through the real transport reader, in two chunks cut inside the input */
	cut = size / 2;
	podoom_logreader_feed(lr, buf, cut);
	while (podoom_logreader_next(lr, &l) == 1)
		drain(p, podoom_report_parser_push(p, &l), &last, &have_last);
	podoom_logreader_feed(lr, buf + cut, len - cut);
	while (podoom_logreader_next(lr, &l) == 1)
		drain(p, podoom_report_parser_push(p, &l), &last, &have_last);
	podoom_logreader_finish(lr);
	while (podoom_logreader_next(lr, &l) == 1)
		drain(p, podoom_report_parser_push(p, &l), &last, &have_last);
	drain(p, podoom_report_parser_finish(p), &last, &have_last);

	assert(have_last);
	assert(last.complete);
	assert(last.has_victim && last.victim.pid == 3401 && last.victim.anon_rss_kb == 255900);
	assert(last.victim.reaped);
	assert(last.n_kills == 1 && last.kills[0].pid == 3402 && last.kills[0].reason == PODOOM_OOM_KILL_GROUP);
	assert(last.n_tasks == 2 && last.tasks[1].pid == 3402);
	assert(last.scope == PODOOM_OOM_SCOPE_MEMCG);
	assert(last.era_mask == PODOOM_REPORT_ERA_BIT(PODOOM_REPORT_ERA_5_4));
	assert(strcmp(last.oom_memcg, "/kubepods/burstable/podaa/bb") == 0);
	podoom_oom_event_fini(&last);
	podoom_report_parser_free(p);
	podoom_logreader_free(lr);
	free(buf);
	return 0;
}
