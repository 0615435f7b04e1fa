/*
 * explain.c - one OOM event in plain words, the victim recomputed with the
 * kernel model from the report's own task table.
 *
 * totalpages is what the kernel divided by: the memcg's limit for a memcg OOM
 * (with v1 memsw accounting, the memory+swap limit: the report cannot say how
 * much swap the node has, so we take the memsw limit as reachable), and
 * RAM + swap for a global OOM (from the report's "pages RAM" when it has one,
 * else from the caller's --node-memory).
 */
#include "podoom/explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/quantity.h"

/* report format era -> the kernel profile of that era (kernel.h names) */
static const char *const era_kernel[PODOOM_REPORT_ERA_COUNT] = {
	[PODOOM_REPORT_ERA_2_6_22] = NULL, /* the pre-2.6.36 heuristic is not modelled */
	[PODOOM_REPORT_ERA_2_6_36] = "3.10",
	[PODOOM_REPORT_ERA_RHEL6] = NULL,
	[PODOOM_REPORT_ERA_3_10] = "3.10",
	[PODOOM_REPORT_ERA_RHEL7] = "rhel7",
	[PODOOM_REPORT_ERA_4_4] = "4.4",
	[PODOOM_REPORT_ERA_4_14] = "4.14",
	[PODOOM_REPORT_ERA_4_15] = "4.15",
	[PODOOM_REPORT_ERA_RHEL8] = "rhel8",
	[PODOOM_REPORT_ERA_4_19] = "4.19",
	[PODOOM_REPORT_ERA_5_0] = "5.0",
	[PODOOM_REPORT_ERA_5_2] = "5.2",
	[PODOOM_REPORT_ERA_5_3] = "5.3",
	[PODOOM_REPORT_ERA_5_4] = "5.4",
	[PODOOM_REPORT_ERA_6_8] = "6.8",
};

const struct podoom_kernel_profile *podoom_explain_kernel_for_era(uint32_t era_mask)
{
	const struct podoom_kernel_profile *kp = NULL;

	/* the newest era every line fits: badness did not change within an era */
	for (int e = PODOOM_REPORT_ERA_COUNT - 1; e >= 0; e--) {
		if (!(era_mask & PODOOM_REPORT_ERA_BIT(e)))
			continue;
		if (!era_kernel[e])
			return NULL;
		if (podoom_kernel_profile_find(era_kernel[e], strlen(era_kernel[e]), &kp) == 0)
			return kp;
		return NULL;
	}
	return NULL;
}

static const char *const mismatch_names[PODOOM_EXPLAIN_MISMATCH_COUNT] = {
	[PODOOM_EXPLAIN_AGREES] = "agrees",
	[PODOOM_EXPLAIN_NO_TABLE] = "no-task-table",
	[PODOOM_EXPLAIN_NO_TOTALPAGES] = "no-node-memory",
	[PODOOM_EXPLAIN_NO_MODEL] = "kernel-too-old",
	[PODOOM_EXPLAIN_NO_VICTIM] = "no-kill-line",
	[PODOOM_EXPLAIN_TABLE_CUT] = "task-table-cut",
	[PODOOM_EXPLAIN_NOT_IN_TABLE] = "victim-not-in-table",
	[PODOOM_EXPLAIN_TIE] = "tie",
	[PODOOM_EXPLAIN_CLOSE] = "memory-moved",
	[PODOOM_EXPLAIN_DIFFERS] = "differs",
};

const char *podoom_explain_mismatch_to_string(enum podoom_explain_mismatch m)
{
	return (unsigned)m < PODOOM_EXPLAIN_MISMATCH_COUNT ? mismatch_names[m] : "?";
}

/* a page_counter "unlimited" prints as ~8 EiB; treat anything that large as no limit */
static bool is_limited(uint64_t bytes)
{
	return bytes > 0 && bytes < (UINT64_C(1) << 60);
}

static uint64_t task_mem_pages(const struct podoom_oom_task *t, uint32_t page)
{
	uint64_t pt = 0;

	if (t->pgtables_bytes > 0)
		pt = (uint64_t)t->pgtables_bytes / page;
	else if (t->nr_ptes > 0 || t->nr_pmds > 0)
		pt = (uint64_t)(t->nr_ptes > 0 ? t->nr_ptes : 0) + (uint64_t)(t->nr_pmds > 0 ? t->nr_pmds : 0);
	return t->rss_pages + t->swapents_pages + pt;
}

static void to_task(const struct podoom_oom_task *r, uint32_t page, bool in_memcg, struct podoom_task *t)
{
	memset(t, 0, sizeof(*t));
	t->pid = r->pid;
	t->tgid = r->tgid ? r->tgid : r->pid;
	t->uid = r->uid;
	snprintf(t->comm, sizeof(t->comm), "%.15s", r->name);
	t->oom_score_adj = r->oom_score_adj;
	t->rss_pages = r->rss_pages;
	t->swap_pages = r->swapents_pages;
	if (r->pgtables_bytes > 0)
		t->pgtables_bytes = (uint64_t)r->pgtables_bytes;
	else
		t->pgtables_bytes = ((uint64_t)(r->nr_ptes > 0 ? r->nr_ptes : 0) +
				     (uint64_t)(r->nr_pmds > 0 ? r->nr_pmds : 0)) * page;
	t->memcg = in_memcg ? 0 : -1;
}

static void human(uint64_t bytes, char *buf, size_t size)
{
	podoom_bytes_format_human(bytes > INT64_MAX ? INT64_MAX : (int64_t)bytes, buf, size);
}

static const char *kind_phrase(const struct podoom_explanation *x, char *buf, size_t size)
{
	switch (x->kind) {
	case PODOOM_OOM_CLASS_CONTAINER_LIMIT:
		snprintf(buf, size, "its container hit the container's memory limit");
		break;
	case PODOOM_OOM_CLASS_POD_LIMIT:
		snprintf(buf, size, "its pod hit the pod's memory limit (the sum of its containers' limits)");
		break;
	case PODOOM_OOM_CLASS_NODE_ALLOCATABLE:
		snprintf(buf, size, "all pods together hit the node-allocatable limit of the kubepods cgroup");
		break;
	case PODOOM_OOM_CLASS_QOS_LIMIT:
		snprintf(buf, size, "the %s QoS cgroup hit its limit",
			 x->oom_attr.has_qos ? podoom_qos_to_string(x->oom_attr.qos) : "");
		break;
	case PODOOM_OOM_CLASS_GLOBAL:
		snprintf(buf, size, "the node ran out of memory (no cgroup limit: a global OOM)");
		break;
	default:
		snprintf(buf, size, "a memory cgroup outside the kubelet's tree hit its limit");
		break;
	}
	return buf;
}

static void compose_text(const struct podoom_oom_event *ev, struct podoom_explanation *x, uint32_t page)
{
	char kind[160], a[32], b[32], c[32];
	int n = 0;
	size_t size = sizeof(x->text);

	if (!x->has_victim) {
		snprintf(x->text, size, "The OOM killer ran because %s, but the report ends before anyone was killed.",
			 kind_phrase(x, kind, sizeof(kind)));
		return;
	}
	n += snprintf(x->text + n, size - (size_t)n, "%s (pid %d) was killed because %s", x->victim_comm,
		      x->victim_pid, kind_phrase(x, kind, sizeof(kind)));
	if (x->has_limit) {
		human(x->usage_bytes, a, sizeof(a));
		human(x->limit_bytes, b, sizeof(b));
		n += snprintf(x->text + n, size - (size_t)n, ": %s used of %s", a, b);
	}
	n += snprintf(x->text + n, size - (size_t)n, ".");
	if (ev->selected.present && ev->selected.pid != x->victim_pid)
		n += snprintf(x->text + n, size - (size_t)n,
			      " The kernel chose %s (pid %d) and killed its child instead (\"or sacrifice child\").",
			      ev->selected.comm, ev->selected.pid);
	if (x->n_ranking >= 1 && x->has_recomputed && x->totalpages) {
		const struct podoom_explain_rank *w = &x->ranking[0];
		human(w->mem_pages * page, a, sizeof(a));
		human(x->totalpages * page, c, sizeof(c));
		n += snprintf(x->text + n, size - (size_t)n, " %s: %s resident plus oom_score_adj %d on a %s scope",
			      w->comm, a, w->oom_score_adj, c);
		if (x->n_ranking >= 2 && x->ranking[1].points != PODOOM_BADNESS_INELIGIBLE) {
			const struct podoom_explain_rank *r = &x->ranking[1];
			human(r->mem_pages * page, b, sizeof(b));
			n += snprintf(x->text + n, size - (size_t)n, " outscored %s, %s plus adj %d", r->comm, b,
				      r->oom_score_adj);
		} else {
			n += snprintf(x->text + n, size - (size_t)n, ", the only task it could kill");
		}
		if (x->n_ranking >= 2 && x->ranking[1].points != PODOOM_BADNESS_INELIGIBLE)
			n += snprintf(x->text + n, size - (size_t)n, " (%lld against %lld points).",
				      (long long)w->points, (long long)x->ranking[1].points);
		else
			n += snprintf(x->text + n, size - (size_t)n, " (%lld points).", (long long)w->points);
	}
	if (x->trigger_is_victim)
		n += snprintf(x->text + n, size - (size_t)n, " It was the task asking for memory.");
	else if (ev->trigger.present && ev->trigger.comm[0])
		n += snprintf(x->text + n, size - (size_t)n, " The allocation that failed was %s's, not the victim's.",
			      ev->trigger.comm);
	switch (x->mismatch) {
	case PODOOM_EXPLAIN_TABLE_CUT:
		snprintf(x->text + n, size - (size_t)n, " The recomputed winner (pid %d) is not the victim: rows of the task table were lost.",
			 x->recomputed_victim_pid);
		break;
	case PODOOM_EXPLAIN_NOT_IN_TABLE:
		snprintf(x->text + n, size - (size_t)n, " The victim has no row in the task table (a thread id, or a cut table), so its score cannot be checked.");
		break;
	case PODOOM_EXPLAIN_TIE:
		snprintf(x->text + n, size - (size_t)n, " Pid %d scored the same: the kernel's scan order broke the tie.",
			 x->recomputed_victim_pid);
		break;
	case PODOOM_EXPLAIN_CLOSE:
		snprintf(x->text + n, size - (size_t)n, " Pid %d scored within 1%% of it: memory moved between the table and the choice.",
			 x->recomputed_victim_pid);
		break;
	case PODOOM_EXPLAIN_DIFFERS:
		snprintf(x->text + n, size - (size_t)n, " The model picks pid %d instead; the report does not say why.",
			 x->recomputed_victim_pid);
		break;
	case PODOOM_EXPLAIN_NO_TOTALPAGES:
		if (x->kind == PODOOM_OOM_CLASS_GLOBAL)
			snprintf(x->text + n, size - (size_t)n, " Give --node-memory to rank the tasks of a global OOM.");
		else
			snprintf(x->text + n, size - (size_t)n, " The report lacks the memcg's limit, so its tasks cannot be ranked.");
		break;
	case PODOOM_EXPLAIN_NO_MODEL:
		snprintf(x->text + n, size - (size_t)n, " This kernel's victim heuristic is older than podoom's model.");
		break;
	default:
		break;
	}
}

/* insert @r into the top-N list, highest points first (stable for equal points) */
static void rank_insert(struct podoom_explanation *x, const struct podoom_explain_rank *r)
{
	size_t i = x->n_ranking;

	if (i == PODOOM_EXPLAIN_RANKING_MAX) {
		if (r->points <= x->ranking[i - 1].points)
			return;
		i--;
	} else {
		x->n_ranking++;
	}
	while (i > 0 && x->ranking[i - 1].points < r->points) {
		x->ranking[i] = x->ranking[i - 1];
		i--;
	}
	x->ranking[i] = *r;
}

static int recompute(const struct podoom_oom_event *ev, struct podoom_explanation *x, uint32_t page,
		     bool memcg_scope)
{
	struct podoom_memcg m = {
		.parent = -1,
		.max_pages = x->limit_bytes / page,
		.swap_max_pages = PODOOM_PAGE_COUNTER_MAX,
		.memsw_max_pages = PODOOM_PAGE_COUNTER_MAX,
		.swappiness = 60,
	};
	struct podoom_oom_scope scope = {
		.memcgs = memcg_scope ? &m : NULL,
		.n_memcgs = memcg_scope ? 1 : 0,
		.oom_memcg = memcg_scope ? 0 : -1,
		.totalpages = x->totalpages,
		.page_size = page,
	};
	struct podoom_task *tasks = calloc(ev->n_tasks, sizeof(*tasks));
	size_t sel, victim;
	int r;

	if (!tasks)
		return -ENOMEM;
	for (size_t i = 0; i < ev->n_tasks; i++) {
		const struct podoom_oom_task *row = &ev->tasks[i];
		struct podoom_explain_rank rk = {
			.pid = row->pid,
			.tgid = row->tgid ? row->tgid : row->pid,
			.oom_score_adj = row->oom_score_adj,
			.mem_pages = task_mem_pages(row, page),
		};
		to_task(row, page, memcg_scope, &tasks[i]);
		snprintf(rk.comm, sizeof(rk.comm), "%s", row->name);
		rk.points = podoom_badness(x->kernel, &scope, &tasks[i]);
		rank_insert(x, &rk);
	}
	x->n_ranked = ev->n_tasks;
	r = podoom_badness_select(x->kernel, &scope, tasks, ev->n_tasks, &sel);
	if (r == 0)
		r = podoom_badness_victim(x->kernel, &scope, tasks, ev->n_tasks, sel, &victim);
	if (r == 0) {
		x->has_recomputed = true;
		x->recomputed_selected_pid = tasks[sel].tgid;
		x->recomputed_victim_pid = tasks[victim].tgid;
	}
	free(tasks);
	return 0;
}

static int64_t points_of(const struct podoom_explanation *x, int32_t pid)
{
	for (size_t i = 0; i < x->n_ranking; i++)
		if (x->ranking[i].tgid == pid || x->ranking[i].pid == pid)
			return x->ranking[i].points;
	return PODOOM_BADNESS_INELIGIBLE;
}

static void judge(const struct podoom_oom_event *ev, struct podoom_explanation *x)
{
	if (!x->has_victim) {
		x->mismatch = PODOOM_EXPLAIN_NO_VICTIM;
		return;
	}
	if (!x->has_recomputed)
		return; /* set by the caller */
	if (x->recomputed_victim_pid == x->victim_pid) {
		x->mismatch = PODOOM_EXPLAIN_AGREES;
		return;
	}
	/* "Kill process S ... or sacrifice child" then "Killed process C": the table has no
	 * parent links, so the model cannot pick the child; the selection is what to check */
	if (ev->selected.present && ev->selected.pid != x->victim_pid &&
	    x->recomputed_selected_pid == ev->selected.pid) {
		x->mismatch = PODOOM_EXPLAIN_AGREES;
		x->recomputed_victim_pid = x->victim_pid;
		return;
	}
	if (!podoom_oom_event_find_task(ev, x->victim_pid)) {
		x->mismatch = ev->tasks_dropped ? PODOOM_EXPLAIN_TABLE_CUT : PODOOM_EXPLAIN_NOT_IN_TABLE;
		return;
	}
	if (ev->tasks_dropped) {
		x->mismatch = PODOOM_EXPLAIN_TABLE_CUT;
		return;
	}
	int64_t pv = points_of(x, x->victim_pid), pr = points_of(x, x->recomputed_victim_pid);
	if (pv != PODOOM_BADNESS_INELIGIBLE && pv == pr)
		x->mismatch = PODOOM_EXPLAIN_TIE;
	else if (pv != PODOOM_BADNESS_INELIGIBLE && pr != PODOOM_BADNESS_INELIGIBLE &&
		 (uint64_t)(pr - pv) <= x->totalpages / 100)
		x->mismatch = PODOOM_EXPLAIN_CLOSE;
	else
		x->mismatch = PODOOM_EXPLAIN_DIFFERS;
}

int podoom_explain(const struct podoom_oom_event *ev, const struct podoom_explain_opts *opts,
		   struct podoom_explanation *ret)
{
	struct podoom_explanation *x = ret;
	uint32_t page = opts && opts->page_size ? opts->page_size : 4096;
	bool memcg_scope;

	if (page & (page - 1))
		return -EINVAL;
	memset(x, 0, sizeof(*x));

	/* where: the limit that was hit, and the victim's memcg */
	memcg_scope = ev->oom_memcg[0] != '\0' && !ev->global_oom;
	if (memcg_scope && podoom_cgroup_path_parse(ev->oom_memcg, strlen(ev->oom_memcg), &x->oom_attr) == 0)
		x->has_oom_attr = true;
	x->kind = memcg_scope ? podoom_oom_classify(x->has_oom_attr ? &x->oom_attr : NULL)
			      : (ev->scope == PODOOM_OOM_SCOPE_MEMCG ? PODOOM_OOM_CLASS_MEMCG : PODOOM_OOM_CLASS_GLOBAL);
	if (memcg_scope && !x->has_oom_attr)
		x->kind = PODOOM_OOM_CLASS_MEMCG;
	{
		const char *tm = ev->task_memcg[0] ? ev->task_memcg : ev->cpuset;
		if (tm[0] && podoom_cgroup_path_parse(tm, strlen(tm), &x->task_attr) == 0)
			x->has_task_attr = true;
	}

	/* who */
	if (ev->has_victim) {
		const struct podoom_oom_task *row;
		x->has_victim = true;
		x->victim_pid = ev->victim.pid;
		snprintf(x->victim_comm, sizeof(x->victim_comm), "%s", ev->victim.comm);
		if (!x->victim_comm[0] && (row = podoom_oom_event_find_task(ev, ev->victim.pid)) != NULL)
			snprintf(x->victim_comm, sizeof(x->victim_comm), "%s", row->name); /* a cut kill line */
		if (ev->victim.has_oom_score_adj) {
			x->has_victim_adj = true;
			x->victim_adj = ev->victim.oom_score_adj;
		} else if ((row = podoom_oom_event_find_task(ev, ev->victim.pid)) != NULL) {
			x->has_victim_adj = true;
			x->victim_adj = row->oom_score_adj;
		}
		x->trigger_is_victim = ev->trigger.has_pid && ev->trigger.pid == ev->victim.pid;
	}

	/* the scope's size */
	if (ev->memory.present && is_limited(ev->memory.limit_bytes)) {
		x->has_limit = true;
		x->limit_bytes = ev->memory.limit_bytes;
		x->usage_bytes = ev->memory.usage_bytes;
	}
	if (memcg_scope || ev->scope == PODOOM_OOM_SCOPE_MEMCG) {
		uint64_t lim = x->has_limit ? x->limit_bytes : 0;
		if (ev->memsw.present && is_limited(ev->memsw.limit_bytes) && ev->memsw.limit_bytes > lim)
			lim = ev->memsw.limit_bytes;
		x->totalpages = lim / page;
	} else if (opts && opts->node_ram_bytes) {
		x->totalpages = podoom_totalpages_global(opts->node_ram_bytes / page, opts->node_swap_bytes / page);
	} else if (ev->ram_pages) {
		/* the report's own "pages RAM"; swap is not in the report: --node-swap adds it */
		x->totalpages = podoom_totalpages_global(ev->ram_pages, opts ? opts->node_swap_bytes / page : 0);
	}

	/* why: recompute from the task table */
	x->kernel = opts && opts->kernel ? opts->kernel : NULL;
	if (!x->kernel && ev->kernel_release[0] &&
	    podoom_kernel_profile_resolve(ev->kernel_release, strlen(ev->kernel_release), &x->kernel) == 0)
		x->kernel_from_report = x->kernel_from_release = true; /* the most precise */
	if (!x->kernel) {
		x->kernel = podoom_explain_kernel_for_era(ev->era_mask);
		x->kernel_from_report = x->kernel != NULL;
	}
	if (ev->n_tasks == 0)
		x->mismatch = PODOOM_EXPLAIN_NO_TABLE;
	else if (!x->kernel)
		x->mismatch = PODOOM_EXPLAIN_NO_MODEL;
	else if (!x->totalpages)
		x->mismatch = PODOOM_EXPLAIN_NO_TOTALPAGES;
	else if (recompute(ev, x, page, memcg_scope || ev->scope == PODOOM_OOM_SCOPE_MEMCG) < 0)
		return -ENOMEM;
	judge(ev, x);
	compose_text(ev, x, page);
	return 0;
}
