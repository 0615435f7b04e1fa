/*
 * report_write.c - kernel OOM reports for simulated OOMs, in the print order
 * of mm/oom_kill.c dump_header() and oom_kill_process() (reference/kernel.md
 * §11.8), every line formatted from report_format.c's shape table.
 *
 * What the simulator cannot know is written as a typical kernel writes it:
 * a page-fault allocation (gfp_mask GFP_KERNEL for a memcg charge,
 * GFP_HIGHUSER_MOVABLE for a global one), order 0, CPU 0, node 0.
 */
#include "podoom/report_write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_BYTES 8192
#define PAGE_KB 4

static const enum podoom_report_era style_era[PODOOM_REPORT_STYLE_COUNT] = {
	[PODOOM_REPORT_STYLE_3_10] = PODOOM_REPORT_ERA_3_10, [PODOOM_REPORT_STYLE_RHEL7] = PODOOM_REPORT_ERA_RHEL7,
	[PODOOM_REPORT_STYLE_4_4] = PODOOM_REPORT_ERA_4_4,   [PODOOM_REPORT_STYLE_4_14] = PODOOM_REPORT_ERA_4_14,
	[PODOOM_REPORT_STYLE_4_15] = PODOOM_REPORT_ERA_4_15, [PODOOM_REPORT_STYLE_RHEL8] = PODOOM_REPORT_ERA_RHEL8,
	[PODOOM_REPORT_STYLE_4_19] = PODOOM_REPORT_ERA_4_19, [PODOOM_REPORT_STYLE_5_0] = PODOOM_REPORT_ERA_5_0,
	[PODOOM_REPORT_STYLE_5_2] = PODOOM_REPORT_ERA_5_2,   [PODOOM_REPORT_STYLE_5_3] = PODOOM_REPORT_ERA_5_3,
	[PODOOM_REPORT_STYLE_5_4] = PODOOM_REPORT_ERA_5_4,   [PODOOM_REPORT_STYLE_5_10] = PODOOM_REPORT_ERA_5_4,
	[PODOOM_REPORT_STYLE_6_1] = PODOOM_REPORT_ERA_5_4,   [PODOOM_REPORT_STYLE_6_6] = PODOOM_REPORT_ERA_5_4,
	[PODOOM_REPORT_STYLE_6_8] = PODOOM_REPORT_ERA_6_8,
};

enum podoom_report_era podoom_report_era_for_kernel(const struct podoom_kernel_profile *kp)
{
	return (unsigned)kp->report_style < PODOOM_REPORT_STYLE_COUNT ? style_era[kp->report_style]
								   : PODOOM_REPORT_ERA_6_8;
}

struct writer {
	enum podoom_report_era era;
	podoom_report_emit_fn emit;
	void *user;
	int lines;
	int err;
	char buf[LINE_MAX_BYTES];
};

/* the shape of @kind this era prints; @must, when set, is a piece of its template */
static const struct podoom_report_shape *shape_for(enum podoom_report_era era, enum podoom_report_line_kind kind,
						  const char *must, const char *must_not)
{
	size_t n;
	const struct podoom_report_shape *all = podoom_report_shapes(&n);

	for (size_t i = 0; i < n; i++) {
		if (all[i].kind != kind || !(all[i].eras & PODOOM_REPORT_ERA_BIT(era)))
			continue;
		if (must && !strstr(all[i].tmpl, must))
			continue;
		if (must_not && strstr(all[i].tmpl, must_not))
			continue;
		return &all[i];
	}
	return NULL;
}

static void put_line(struct writer *w, const char *s)
{
	if (w->err)
		return;
	w->emit(w->user, s, strlen(s));
	w->lines++;
}

/* format one shape; a shape this era does not print is simply not written */
static void put_shape(struct writer *w, const struct podoom_report_shape *sh, const struct podoom_report_values *v)
{
	struct podoom_report_compiled c;
	size_t len;
	int r;

	if (!sh || w->err)
		return;
	if ((r = podoom_report_shape_compile(sh, &c)) < 0 ||
	    (r = podoom_report_line_format(&c, v, w->buf, sizeof(w->buf), &len)) < 0) {
		w->err = r;
		return;
	}
	w->emit(w->user, w->buf, len);
	w->lines++;
}

static void set_i(struct podoom_report_values *v, enum podoom_report_field f, int64_t i)
{
	v->set |= UINT64_C(1) << f;
	v->v[f].i = i;
	v->v[f].u = (uint64_t)i;
}

static void set_u(struct podoom_report_values *v, enum podoom_report_field f, uint64_t u)
{
	v->set |= UINT64_C(1) << f;
	v->v[f].u = u;
	v->v[f].i = (int64_t)u;
}

static void set_t(struct podoom_report_values *v, enum podoom_report_field f, const char *s)
{
	v->set |= UINT64_C(1) << f;
	v->v[f].text = s;
	v->v[f].text_len = strlen(s);
}

/* the cpuset cgroup name printed for a task: its cgroup's last component */
static const char *leaf(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s && s[1] ? s + 1 : "/";
}

static uint64_t task_total_vm(const struct podoom_simevent_task *t)
{
	/* a process maps more than it touches: binaries, libraries, reservations */
	return t->task.rss_pages + t->task.swap_pages + 4096;
}

static void write_header(struct writer *w, const struct podoom_simevent *ev, const struct podoom_simevent_task *trig,
			 bool memcg)
{
	struct podoom_report_values v = {0};

	set_t(&v, PODOOM_REPORT_FIELD_COMM, trig->task.comm);
	if (w->era <= PODOOM_REPORT_ERA_4_4) {
		set_u(&v, PODOOM_REPORT_FIELD_GFP_HEX, memcg ? 0xd0 : 0x280da); /* GFP_KERNEL / GFP_HIGHUSER_MOVABLE then */
	} else {
		set_u(&v, PODOOM_REPORT_FIELD_GFP, memcg ? 0xcc0 : 0x100cca);
		v.v[PODOOM_REPORT_FIELD_GFP].text = memcg ? "GFP_KERNEL" : "GFP_HIGHUSER_MOVABLE";
		v.v[PODOOM_REPORT_FIELD_GFP].text_len = strlen(v.v[PODOOM_REPORT_FIELD_GFP].text);
	}
	set_i(&v, PODOOM_REPORT_FIELD_ORDER, 0);
	set_i(&v, PODOOM_REPORT_FIELD_ADJ, trig->task.oom_score_adj);
	set_i(&v, PODOOM_REPORT_FIELD_OOM_ADJ, 0);
	set_t(&v, PODOOM_REPORT_FIELD_NODEMASK, "(null)");
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_HEADER, NULL, NULL), &v);
	(void)ev;
}

static void write_cpuset_and_stack(struct writer *w, const struct podoom_simevent *ev,
				   const struct podoom_simevent_task *trig, const char *release, bool memcg)
{
	struct podoom_report_values v = {0};
	char rest[160];
	const char *trig_memcg = trig->task.memcg >= 0 && (size_t)trig->task.memcg < ev->nmemcgs
					 ? ev->memcgs[trig->task.memcg].path : "/";

	set_t(&v, PODOOM_REPORT_FIELD_COMM, trig->task.comm);
	set_t(&v, PODOOM_REPORT_FIELD_CPUSET, leaf(trig_memcg));
	set_t(&v, PODOOM_REPORT_FIELD_MEMS, "0");
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_CPUSET, NULL, NULL), &v);

	memset(&v, 0, sizeof(v));
	snprintf(rest, sizeof(rest), "%s Not tainted %s #1", trig->task.comm, release);
	set_u(&v, PODOOM_REPORT_FIELD_CPU, 0);
	set_i(&v, PODOOM_REPORT_FIELD_UID, trig->task.uid);
	set_i(&v, PODOOM_REPORT_FIELD_PID, trig->task.pid);
	set_t(&v, PODOOM_REPORT_FIELD_REST, rest);
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_CPU, w->era == PODOOM_REPORT_ERA_6_8 ? "UID:" : "CPU:",
			       w->era == PODOOM_REPORT_ERA_6_8 ? NULL : "UID:"),
		  &v);
	put_line(w, "Call Trace:");
	put_line(w, " dump_stack+0x6d/0x8b");
	put_line(w, " dump_header+0x4f/0x1eb");
	put_line(w, " oom_kill_process+0xe6/0x120");
	put_line(w, " out_of_memory+0x11d/0x4f0");
	put_line(w, memcg ? " mem_cgroup_out_of_memory+0xbb/0xd0" : " __alloc_pages_slowpath+0xbcc/0xc90");
}

static void write_counter(struct writer *w, enum podoom_report_line_kind kind, uint64_t usage_bytes,
			  int64_t limit_bytes)
{
	struct podoom_report_values v = {0};

	set_u(&v, PODOOM_REPORT_FIELD_USAGE_KB, usage_bytes / 1024);
	/* page_counter's "no limit" prints as PAGE_COUNTER_MAX pages in kB */
	set_u(&v, PODOOM_REPORT_FIELD_LIMIT_KB, limit_bytes < 0 ? UINT64_C(9007199254740988) : (uint64_t)limit_bytes / 1024);
	set_u(&v, PODOOM_REPORT_FIELD_FAILCNT, 0);
	put_shape(w, shape_for(w->era, kind, NULL, NULL), &v);
}

static void write_memcg_context(struct writer *w, const struct podoom_simevent *ev,
				const struct podoom_simevent_task *victim, const struct podoom_report_write_opts *o)
{
	const struct podoom_simevent_memcg *m = &ev->memcgs[ev->oom_memcg];
	const char *victim_memcg = victim->task.memcg >= 0 && (size_t)victim->task.memcg < ev->nmemcgs
					   ? ev->memcgs[victim->task.memcg].path : m->path;
	struct podoom_report_values v = {0};
	char rest[256];

	set_t(&v, PODOOM_REPORT_FIELD_TASK_MEMCG, victim_memcg);
	set_t(&v, PODOOM_REPORT_FIELD_OOM_MEMCG, m->path);
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_TASK_IN, NULL, NULL), &v);
	write_counter(w, PODOOM_REPORT_LINE_MEMORY, (uint64_t)m->usage_bytes, m->limit_bytes);
	if (o->cgroup_version == 1) {
		write_counter(w, PODOOM_REPORT_LINE_MEMSW, (uint64_t)m->usage_bytes, m->limit_bytes);
		write_counter(w, PODOOM_REPORT_LINE_KMEM, 0, -1);
	} else if (w->era >= PODOOM_REPORT_ERA_5_3) {
		write_counter(w, PODOOM_REPORT_LINE_SWAP, 0, 0);
	}
	memset(&v, 0, sizeof(v));
	set_t(&v, PODOOM_REPORT_FIELD_MEMCG, m->path);
	if (w->era >= PODOOM_REPORT_ERA_5_3) {
		put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_STATS_HEAD, NULL, NULL), &v);
		snprintf(rest, sizeof(rest), "anon %lld", (long long)m->anon_bytes);
		put_line(w, rest);
		snprintf(rest, sizeof(rest), "file %lld", (long long)m->file_bytes);
		put_line(w, rest);
	} else {
		snprintf(rest, sizeof(rest), "cache:%lldKB rss:%lldKB rss_huge:0KB mapped_file:0KB swap:0KB",
			 (long long)(m->file_bytes / 1024), (long long)(m->anon_bytes / 1024));
		set_t(&v, PODOOM_REPORT_FIELD_REST, rest);
		put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_STATS_V1, NULL, NULL), &v);
	}
}

static void write_show_mem(struct writer *w, const struct podoom_report_write_opts *o)
{
	struct podoom_report_values v = {0};

	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_SHOW_MEM, "Mem-Info", NULL), &v);
	set_u(&v, PODOOM_REPORT_FIELD_COUNT_PAGES, o->ram_pages);
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_SHOW_MEM, "pages RAM", NULL), &v);
	set_u(&v, PODOOM_REPORT_FIELD_COUNT_PAGES, o->ram_pages / 50);
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_SHOW_MEM, "pages reserved", NULL), &v);
}

/* is memcg @i at or below the OOM's memcg? (a memcg OOM's table lists only those tasks:
 * dump_tasks() walks mem_cgroup_scan_tasks()) */
static bool in_oom_scope(const struct podoom_simevent *ev, int32_t i)
{
	if (ev->oom_memcg < 0 || (size_t)ev->oom_memcg >= ev->nmemcgs)
		return true; /* global: every task */
	if (i < 0 || (size_t)i >= ev->nmemcgs)
		return false;
	return podoom_cgroup_path_within(ev->memcgs[i].path, ev->memcgs[ev->oom_memcg].path);
}

static void write_table(struct writer *w, const struct podoom_simevent *ev)
{
	struct podoom_report_values v = {0};

	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_TABLE_STATE, NULL, NULL), &v);
	put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_TABLE_HEADER, NULL, NULL), &v);
	for (size_t i = 0; i < ev->ntasks; i++) {
		const struct podoom_simevent_task *t = &ev->tasks[i];
		if (!in_oom_scope(ev, t->task.memcg))
			continue;
		memset(&v, 0, sizeof(v));
		set_i(&v, PODOOM_REPORT_FIELD_PID, t->task.pid);
		set_i(&v, PODOOM_REPORT_FIELD_UID, t->task.uid);
		set_i(&v, PODOOM_REPORT_FIELD_TGID, t->task.tgid ? t->task.tgid : t->task.pid);
		set_u(&v, PODOOM_REPORT_FIELD_TOTAL_VM, task_total_vm(t));
		set_u(&v, PODOOM_REPORT_FIELD_RSS, t->task.rss_pages);
		set_u(&v, PODOOM_REPORT_FIELD_RSS_ANON, t->rss_anon_pages);
		set_u(&v, PODOOM_REPORT_FIELD_RSS_FILE, t->rss_file_pages);
		set_u(&v, PODOOM_REPORT_FIELD_RSS_SHMEM, t->rss_shmem_pages);
		set_i(&v, PODOOM_REPORT_FIELD_NR_PTES, (int64_t)(t->task.pgtables_bytes / 4096));
		set_i(&v, PODOOM_REPORT_FIELD_NR_PMDS, 0);
		set_i(&v, PODOOM_REPORT_FIELD_PGTABLES_BYTES, (int64_t)t->task.pgtables_bytes);
		set_u(&v, PODOOM_REPORT_FIELD_SWAPENTS, t->task.swap_pages);
		set_i(&v, PODOOM_REPORT_FIELD_ADJ, t->task.oom_score_adj);
		set_i(&v, PODOOM_REPORT_FIELD_OOM_ADJ, 0);
		set_u(&v, PODOOM_REPORT_FIELD_CPU, 0);
		set_t(&v, PODOOM_REPORT_FIELD_NAME, t->task.comm);
		put_shape(w, shape_for(w->era, PODOOM_REPORT_LINE_TABLE_ROW, NULL, NULL), &v);
	}
}

static void killed_values(struct podoom_report_values *v, const struct podoom_simevent_task *t,
			  enum podoom_report_message msg)
{
	set_u(v, PODOOM_REPORT_FIELD_MSG, (uint64_t)msg);
	set_i(v, PODOOM_REPORT_FIELD_PID, t->task.tgid ? t->task.tgid : t->task.pid);
	set_t(v, PODOOM_REPORT_FIELD_COMM, t->task.comm);
	set_u(v, PODOOM_REPORT_FIELD_TOTAL_VM_KB, task_total_vm(t) * PAGE_KB);
	set_u(v, PODOOM_REPORT_FIELD_ANON_RSS_KB, t->rss_anon_pages * PAGE_KB);
	set_u(v, PODOOM_REPORT_FIELD_FILE_RSS_KB, t->rss_file_pages * PAGE_KB);
	set_u(v, PODOOM_REPORT_FIELD_SHMEM_RSS_KB, t->rss_shmem_pages * PAGE_KB);
	set_i(v, PODOOM_REPORT_FIELD_UID, t->task.uid);
	set_u(v, PODOOM_REPORT_FIELD_PGTABLES_KB, t->task.pgtables_bytes / 1024);
	set_i(v, PODOOM_REPORT_FIELD_ADJ, t->task.oom_score_adj);
}

static const struct podoom_simevent_task *find_task(const struct podoom_simevent *ev, int32_t pid)
{
	for (size_t i = 0; i < ev->ntasks; i++)
		if (ev->tasks[i].task.pid == pid)
			return &ev->tasks[i];
	return NULL;
}

int podoom_report_write(const struct podoom_kernel_profile *kp, const struct podoom_simevent *ev,
			const struct podoom_report_write_opts *opts, podoom_report_emit_fn emit, void *user)
{
	static const struct podoom_report_write_opts none = {.cgroup_version = 2};
	const struct podoom_report_write_opts *o = opts ? opts : &none;
	struct writer w = {.era = podoom_report_era_for_kernel(kp), .emit = emit, .user = user};
	const struct podoom_simevent_task *victim, *trig;
	const bool memcg = ev->oom_memcg >= 0 && (size_t)ev->oom_memcg < ev->nmemcgs;
	const enum podoom_report_message msg = memcg ? PODOOM_REPORT_MESSAGE_MEMCG : PODOOM_REPORT_MESSAGE_GLOBAL;
	struct podoom_report_values v = {0};
	char release[64];

	if (!ev->tasks || ev->victim >= ev->ntasks || ev->trigger >= ev->ntasks)
		return -EINVAL;
	victim = &ev->tasks[ev->victim];
	trig = &ev->tasks[ev->trigger];
	snprintf(release, sizeof(release), "%s", o->release ? o->release : kp->name);

	write_header(&w, ev, trig, memcg);
	write_cpuset_and_stack(&w, ev, trig, release, memcg);
	if (memcg)
		write_memcg_context(&w, ev, victim, o);
	else
		write_show_mem(&w, o);
	write_table(&w, ev);

	/* 5.0+: the one-line summary */
	{
		const char *vm = victim->task.memcg >= 0 && (size_t)victim->task.memcg < ev->nmemcgs
					 ? ev->memcgs[victim->task.memcg].path : "/";
		const char *tm = trig->task.memcg >= 0 && (size_t)trig->task.memcg < ev->nmemcgs
					 ? ev->memcgs[trig->task.memcg].path : "/";
		set_t(&v, PODOOM_REPORT_FIELD_CONSTRAINT, memcg ? "CONSTRAINT_MEMCG" : "CONSTRAINT_NONE");
		set_t(&v, PODOOM_REPORT_FIELD_NODEMASK, "(null)");
		set_t(&v, PODOOM_REPORT_FIELD_CPUSET, leaf(tm));
		set_t(&v, PODOOM_REPORT_FIELD_MEMS, "0");
		if (memcg)
			set_t(&v, PODOOM_REPORT_FIELD_OOM_MEMCG, ev->memcgs[ev->oom_memcg].path);
		set_t(&v, PODOOM_REPORT_FIELD_TASK_MEMCG, vm);
		set_t(&v, PODOOM_REPORT_FIELD_COMM, victim->task.comm);
		set_i(&v, PODOOM_REPORT_FIELD_PID, victim->task.tgid ? victim->task.tgid : victim->task.pid);
		set_i(&v, PODOOM_REPORT_FIELD_UID, victim->task.uid);
		put_shape(&w, shape_for(w.era, PODOOM_REPORT_LINE_OOM_KILL, memcg ? "oom_memcg=" : "global_oom", NULL), &v);
	}

	/* up to 5.0: "Kill process N (c) score S or sacrifice child": N is the task the
	 * scan chose; the Killed line then names the child it sacrificed, if any */
	{
		const struct podoom_simevent_task *sel = ev->selected < ev->ntasks ? &ev->tasks[ev->selected] : victim;
		struct podoom_oom_scope scope = {.memcgs = NULL, .oom_memcg = -1, .totalpages = ev->totalpages};
		uint32_t score = 0;
		memset(&v, 0, sizeof(v));
		(void)podoom_badness_printed_score(kp, &scope, &sel->task, &score);
		set_u(&v, PODOOM_REPORT_FIELD_MSG, (uint64_t)msg);
		set_i(&v, PODOOM_REPORT_FIELD_PID, sel->task.tgid ? sel->task.tgid : sel->task.pid);
		set_t(&v, PODOOM_REPORT_FIELD_COMM, sel->task.comm);
		set_i(&v, PODOOM_REPORT_FIELD_SCORE, score);
		put_shape(&w, shape_for(w.era, PODOOM_REPORT_LINE_SELECT, "sacrifice", NULL), &v);
	}

	memset(&v, 0, sizeof(v));
	killed_values(&v, victim, msg);
	put_shape(&w, shape_for(w.era, PODOOM_REPORT_LINE_KILLED, NULL, NULL), &v);

	/* memory.oom.group: the rest of the group */
	/* (an era with no "Tasks in ... memory.oom.group" line in the table prints none:
	 * its member kills would read as separate OOMs) */
	if (o->n_group && o->group_memcg && shape_for(w.era, PODOOM_REPORT_LINE_GROUP, NULL, NULL)) {
		memset(&v, 0, sizeof(v));
		set_t(&v, PODOOM_REPORT_FIELD_MEMCG, o->group_memcg);
		put_shape(&w, shape_for(w.era, PODOOM_REPORT_LINE_GROUP, NULL, NULL), &v);
		for (size_t i = 0; i < o->n_group; i++) {
			const struct podoom_simevent_task *t = find_task(ev, o->group_pids[i]);
			if (!t || t == victim)
				continue;
			memset(&v, 0, sizeof(v));
			killed_values(&v, t, msg);
			put_shape(&w, shape_for(w.era, PODOOM_REPORT_LINE_KILLED, NULL, NULL), &v);
		}
	}
	return w.err ? w.err : w.lines;
}
