/*
 * badness.c - oom_badness(), select_bad_process() and friends, per profile.
 *
 * The formulas are the kernel's, read in mm/oom_kill.c, mm/memcontrol.c and
 * fs/proc/base.c of the trees named in kernel_profile.c; which variant applies
 * is a field of the profile. The kernel computes in `long`/`unsigned long`;
 * we use int64_t/uint64_t and saturate where hostile input could overflow
 * (no real task comes within a factor of 1000 of those bounds).
 */
#include "podoom/badness.h"

#include <errno.h>

#define DEFAULT_PAGE_SIZE 4096u

enum verdict {
	VERDICT_SKIP,	/* "goto next" / OOM_SCAN_CONTINUE */
	VERDICT_ABORT,	/* an earlier victim is still exiting: nobody dies now */
	VERDICT_ORIGIN, /* oom_task_origin(): chosen outright */
	VERDICT_POINTS, /* compare its points */
};

static uint64_t add_sat_u64(uint64_t a, uint64_t b, uint64_t cap)
{
	uint64_t s;

	if (__builtin_add_overflow(a, b, &s) || s > cap)
		return cap;
	return s;
}

static int64_t add_sat_i64(int64_t a, int64_t b)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s))
		return b > 0 ? INT64_MAX : INT64_MIN + 1;
	return s;
}

static int32_t clamp_adj(int32_t adj)
{
	if (adj < PODOOM_OOM_SCORE_ADJ_MIN)
		return PODOOM_OOM_SCORE_ADJ_MIN;
	if (adj > PODOOM_OOM_SCORE_ADJ_MAX)
		return PODOOM_OOM_SCORE_ADJ_MAX;
	return adj;
}

uint64_t podoom_totalpages_global(uint64_t ram_pages, uint64_t swap_pages)
{
	/* constrained_alloc(): totalram_pages() + total_swap_pages */
	return add_sat_u64(ram_pages, swap_pages, INT64_MAX);
}

uint64_t podoom_totalpages_memcg(const struct podoom_memcg *m, bool memsw_account, uint64_t total_swap_pages)
{
	/* mem_cgroup_get_max() as 6.1 writes it; 4.4-5.x compute
	 * min(max + min(swap.max, total_swap), memsw.max), the same number for
	 * every limit the kernel accepts (v1 refuses memsw < limit). */
	uint64_t max = m->max_pages;
	uint64_t swap;

	if (m->swappiness != 0) {
		if (memsw_account)
			swap = m->memsw_max_pages - max; /* unsigned, as the kernel */
		else
			swap = m->swap_max_pages;
		max = add_sat_u64(max, swap < total_swap_pages ? swap : total_swap_pages, UINT64_MAX);
	}
	return max ? max : 1; /* oc->totalpages = mem_cgroup_get_max(oc->memcg) ?: 1 */
}

static uint32_t page_size_of(const struct podoom_oom_scope *scope)
{
	return scope && scope->page_size ? scope->page_size : DEFAULT_PAGE_SIZE;
}

/* oom_badness() with an explicit totalpages, for the scan and for oom_score */
static int64_t badness_points(const struct podoom_kernel_profile *kp, const struct podoom_task *t,
			      uint64_t totalpages, uint32_t page_size)
{
	const uint32_t never = PODOOM_TASK_KTHREAD | PODOOM_TASK_GLOBAL_INIT | PODOOM_TASK_NO_MM;
	int64_t adj = clamp_adj(t->oom_score_adj);
	int64_t points, adj_pages;

	/* oom_unkillable_task(), find_lock_task_mm() */
	if (t->flags & never)
		return PODOOM_BADNESS_INELIGIBLE;
	if (adj == PODOOM_OOM_SCORE_ADJ_MIN)
		return PODOOM_BADNESS_INELIGIBLE;
	/* 4.14+: test_bit(MMF_OOM_SKIP, &p->mm->flags) || in_vfork(p) */
	if (kp->oom_skip_checks && (t->flags & (PODOOM_TASK_OOM_SKIP | PODOOM_TASK_IN_VFORK)))
		return PODOOM_BADNESS_INELIGIBLE;

	/* get_mm_rss() + MM_SWAPENTS + mm_pgtables_bytes() / PAGE_SIZE */
	points = (int64_t)add_sat_u64(add_sat_u64(t->rss_pages, t->swap_pages, INT64_MAX),
				      t->pgtables_bytes / page_size, INT64_MAX);

	/* <= 4.15: "Root processes get 3% bonus": points -= (points * 3) / 100,
	 * split so points * 3 cannot overflow: p = 100q + r gives 3q + 3r/100 */
	if (kp->root_bonus_pct && (t->flags & PODOOM_TASK_CAP_SYS_ADMIN))
		points -= points / 100 * kp->root_bonus_pct + points % 100 * kp->root_bonus_pct / 100;

	/* adj *= totalpages / 1000: the division truncates first. |adj| <= 1000
	 * and totalpages <= INT64_MAX, so the product fits. */
	if (totalpages > INT64_MAX)
		totalpages = INT64_MAX;
	adj_pages = adj * (int64_t)(totalpages / 1000);
	points = add_sat_i64(points, adj_pages);

	if (!kp->signed_badness)
		return points > 0 ? points : 1; /* "Never return 0 for an eligible task" */
	return points;
}

int64_t podoom_badness(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
		       const struct podoom_task *t)
{
	return badness_points(kp, t, scope->totalpages, page_size_of(scope));
}

/* A tree whose parents come before their children is acyclic, so every walk
 * up from a node ends at the root. */
static int check_scope(const struct podoom_oom_scope *scope, size_t n_tasks)
{
	if (n_tasks > PODOOM_TASK_MAX || scope->n_memcgs > PODOOM_MEMCG_MAX)
		return -E2BIG;
	if (scope->totalpages == 0)
		return -EINVAL;
	if (scope->n_memcgs > 0 && !scope->memcgs)
		return -EINVAL;
	for (size_t i = 0; i < scope->n_memcgs; i++) {
		int32_t p = scope->memcgs[i].parent;
		if (i == 0 ? p != -1 : p < 0 || (size_t)p >= i)
			return -EINVAL;
	}
	if (scope->oom_memcg < -1 || (scope->oom_memcg >= 0 && (size_t)scope->oom_memcg >= scope->n_memcgs))
		return -EINVAL;
	return 0;
}

static bool memcg_valid(const struct podoom_oom_scope *scope, int32_t m)
{
	return m >= 0 && (size_t)m < scope->n_memcgs;
}

/* the parent of a valid index, or -1; a parent index must be smaller, so
 * every walk up ends even in a tree check_scope() was not run on */
static int32_t parent_of(const struct podoom_oom_scope *scope, int32_t m)
{
	int32_t p = scope->memcgs[m].parent;

	return p >= 0 && p < m ? p : -1;
}

/* mem_cgroup_is_descendant(): m is @ancestor or below it */
static bool is_descendant(const struct podoom_oom_scope *scope, int32_t m, int32_t ancestor)
{
	for (; m >= 0; m = parent_of(scope, m))
		if (m == ancestor)
			return true;
	return false;
}

static size_t depth_of(const struct podoom_oom_scope *scope, int32_t m)
{
	size_t d = 0;

	for (; parent_of(scope, m) >= 0; m = parent_of(scope, m))
		d++;
	return d;
}

/* css_next_descendant_pre(): does memcg a come before memcg b (a != b)?
 * An ancestor comes before its descendants; siblings in creation order. */
static bool preorder_before(const struct podoom_oom_scope *scope, int32_t a, int32_t b)
{
	size_t da = depth_of(scope, a), db = depth_of(scope, b);
	int32_t x = a, y = b;

	for (; da > db; da--)
		x = parent_of(scope, x);
	for (; db > da; db--)
		y = parent_of(scope, y);
	if (x == y) /* one is the other's ancestor: the shallower one */
		return y == b ? false : true;
	while (parent_of(scope, x) != parent_of(scope, y)) {
		x = parent_of(scope, x);
		y = parent_of(scope, y);
	}
	return x < y;
}

static bool is_memcg_oom(const struct podoom_oom_scope *scope)
{
	return scope->oom_memcg >= 0;
}

/* is task i visited before task j? */
static bool scan_before(const struct podoom_oom_scope *scope, const struct podoom_task *tasks, size_t i, size_t j)
{
	if (!is_memcg_oom(scope) || tasks[i].memcg == tasks[j].memcg)
		return i < j;
	return preorder_before(scope, tasks[i].memcg, tasks[j].memcg);
}

static bool in_scope(const struct podoom_oom_scope *scope, const struct podoom_task *t)
{
	if (!is_memcg_oom(scope))
		return true;
	return memcg_valid(scope, t->memcg) && is_descendant(scope, t->memcg, scope->oom_memcg);
}

static bool is_leader(const struct podoom_task *t)
{
	return t->pid == t->tgid;
}

/* oom_scan_process_thread() (3.10, 4.4) / oom_evaluate_task() (4.14+) */
static enum verdict evaluate(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
			     const struct podoom_task *t, int64_t *points)
{
	if (kp->exited_skipped_first && (t->flags & PODOOM_TASK_NO_MM))
		return VERDICT_SKIP; /* 3.10: `if (task->exit_state)` comes first */
	if (t->flags & (PODOOM_TASK_KTHREAD | PODOOM_TASK_GLOBAL_INIT))
		return VERDICT_SKIP;
	if (t->flags & PODOOM_TASK_OOM_VICTIM) {
		/* 4.14+: a victim whose mm is MMF_OOM_SKIP will free nothing more */
		if (kp->oom_skip_checks && (t->flags & PODOOM_TASK_OOM_SKIP))
			return VERDICT_SKIP;
		return VERDICT_ABORT;
	}
	if (t->flags & PODOOM_TASK_NO_MM)
		return VERDICT_SKIP;
	if (t->flags & PODOOM_TASK_OOM_ORIGIN)
		return VERDICT_ORIGIN;
	if (kp->abort_on_exiting && (t->flags & PODOOM_TASK_EXITING))
		return VERDICT_ABORT;
	*points = badness_points(kp, t, scope->totalpages, page_size_of(scope));
	return *points == PODOOM_BADNESS_INELIGIBLE ? VERDICT_SKIP : VERDICT_POINTS;
}

/* what the scan compares: 3.10-4.13 hold the points in `unsigned int points` */
static int64_t scan_key(const struct podoom_kernel_profile *kp, int64_t points)
{
	return kp->select_points_u32 ? (int64_t)(uint32_t)points : points;
}

int podoom_badness_select(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
			  const struct podoom_task *tasks, size_t n, size_t *ret_index)
{
	enum podoom_kernel_scan scan = is_memcg_oom(scope) ? kp->memcg_scan : kp->global_scan;
	bool have = false, have_origin = false, have_leader = false;
	size_t origin = 0, best = 0, first_leader = 0;
	int64_t best_key = 0;
	int r = check_scope(scope, n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct podoom_task *t = &tasks[i];
		int64_t points = 0, key;

		if (scan == PODOOM_KERNEL_SCAN_PROCESSES && !is_leader(t))
			continue;
		if (!in_scope(scope, t))
			continue;
		switch (evaluate(kp, scope, t, &points)) {
		case VERDICT_SKIP:
			continue;
		case VERDICT_ABORT:
			return -EAGAIN;
		case VERDICT_ORIGIN:
			/* every origin task is selected over what came before it */
			if (!have_origin || scan_before(scope, tasks, origin, i))
				origin = i;
			have_origin = true;
			continue;
		case VERDICT_POINTS:
			break;
		}
		key = scan_key(kp, points);
		if (!kp->signed_badness && key == 0)
			continue; /* `if (!points || ...)`: a 2^32 multiple truncated to 0 */
		if (!have || key > best_key) {
			have = true;
			best_key = key;
			best = i;
			have_leader = is_leader(t);
			first_leader = i;
			continue;
		}
		if (key < best_key)
			continue;
		/* a tie: who wins depends on where each sits in the scan */
		switch (kp->tie) {
		case PODOOM_KERNEL_TIE_FIRST:
			if (scan_before(scope, tasks, i, best))
				best = i;
			break;
		case PODOOM_KERNEL_TIE_LAST:
			if (scan_before(scope, tasks, best, i))
				best = i;
			break;
		case PODOOM_KERNEL_TIE_FIRST_LEADER:
			/* the chosen task is replaced by an equal one unless it is a
			 * leader: the first leader among equals, else the last equal */
			if (scan_before(scope, tasks, best, i))
				best = i;
			if (is_leader(t) && (!have_leader || scan_before(scope, tasks, i, first_leader))) {
				first_leader = i;
				have_leader = true;
			}
			break;
		case PODOOM_KERNEL_TIE_COUNT:
			return -EINVAL;
		}
	}
	if (have_origin) {
		*ret_index = origin;
		return 0;
	}
	if (!have)
		return -ENOENT;
	*ret_index = kp->tie == PODOOM_KERNEL_TIE_FIRST_LEADER && have_leader ? first_leader : best;
	return 0;
}

int podoom_badness_victim(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
			  const struct podoom_task *tasks, size_t n, size_t selected, size_t *ret_index)
{
	const struct podoom_task *p;
	size_t victim = selected;
	uint32_t victim_points = 0;
	int r = check_scope(scope, n);

	if (r < 0)
		return r;
	if (selected >= n)
		return -EINVAL;
	p = &tasks[selected];
	/* oom_kill_process(): an exiting task is only marked; nothing is printed */
	if (p->flags & PODOOM_TASK_EXITING)
		return -EAGAIN;
	if (kp->sacrifice_child) {
		for (size_t i = 0; i < n; i++) {
			const struct podoom_task *c = &tasks[i];
			int64_t points;
			uint32_t child_points;

			/* t->children holds processes; a vfork child shares p->mm */
			if (c->ppid != p->tgid || c->tgid == p->tgid || !is_leader(c))
				continue;
			if ((c->flags & PODOOM_TASK_IN_VFORK) || !in_scope(scope, c))
				continue;
			points = badness_points(kp, c, scope->totalpages, page_size_of(scope));
			/* `unsigned int child_points`, 0 when ineligible, strictly greater wins */
			child_points = points == PODOOM_BADNESS_INELIGIBLE ? 0 : (uint32_t)points;
			if (child_points > victim_points) {
				victim = i;
				victim_points = child_points;
			}
		}
	}
	*ret_index = victim;
	return 0;
}

int podoom_badness_printed_score(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
				 const struct podoom_task *t, uint32_t *ret)
{
	uint64_t chosen_points;

	if (!kp->sacrifice_child)
		return -ENOENT;
	if (scope->totalpages == 0)
		return -EINVAL;
	if (t->flags & PODOOM_TASK_OOM_ORIGIN) {
		chosen_points = UINT64_MAX; /* chosen_points = ULONG_MAX */
	} else {
		int64_t points = badness_points(kp, t, scope->totalpages, page_size_of(scope));
		if (points == PODOOM_BADNESS_INELIGIBLE)
			return -EINVAL;
		chosen_points = (uint64_t)scan_key(kp, points);
	}
	/* chosen_points * 1000 / totalpages in unsigned long, printed from an
	 * unsigned int: both wrap as the kernel's do */
	*ret = (uint32_t)(chosen_points * 1000u / scope->totalpages);
	return 0;
}

int podoom_oom_group(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
		     int32_t victim_memcg, int32_t *ret_memcg)
{
	int32_t domain, group = -1;
	int r = check_scope(scope, 0);

	if (r < 0)
		return r;
	if (!memcg_valid(scope, victim_memcg))
		return -EINVAL;
	/* v1 has no memory.oom.group; a victim in the root memcg kills alone */
	if (!kp->oom_group || !scope->cgroup_v2 || victim_memcg == 0) {
		*ret_memcg = -1;
		return 0;
	}
	domain = is_memcg_oom(scope) ? scope->oom_memcg : 0;
	if (!is_descendant(scope, victim_memcg, domain)) {
		*ret_memcg = -1;
		return 0;
	}
	for (int32_t m = victim_memcg; m >= 0; m = parent_of(scope, m)) {
		if (scope->memcgs[m].oom_group)
			group = m;
		if (m == domain)
			break;
	}
	*ret_memcg = group;
	return 0;
}

bool podoom_oom_group_kills(const struct podoom_oom_scope *scope, int32_t group, const struct podoom_task *t)
{
	const uint32_t spared = PODOOM_TASK_GLOBAL_INIT | PODOOM_TASK_KTHREAD | PODOOM_TASK_NO_MM;

	if (!scope->memcgs || !memcg_valid(scope, group) || !memcg_valid(scope, t->memcg))
		return false;
	if (!is_descendant(scope, t->memcg, group))
		return false;
	/* oom_kill_memcg_member(): oom_score_adj != OOM_SCORE_ADJ_MIN && !is_global_init() */
	return clamp_adj(t->oom_score_adj) != PODOOM_OOM_SCORE_ADJ_MIN && !(t->flags & spared);
}

uint64_t podoom_oom_score(const struct podoom_kernel_profile *kp, const struct podoom_task *t,
			  uint64_t global_totalpages, uint32_t page_size)
{
	uint64_t total = global_totalpages ? global_totalpages : 1;
	int64_t badness, x;

	if (total > INT64_MAX)
		total = INT64_MAX;
	badness = badness_points(kp, t, total, page_size ? page_size : DEFAULT_PAGE_SIZE);
	if (badness == PODOOM_BADNESS_INELIGIBLE)
		return 0;
	if (kp->oom_score == PODOOM_KERNEL_OOM_SCORE_PERMILLE)
		return (uint64_t)badness * 1000u / total; /* unsigned long, as <= 5.8 */
	/* 5.9+: (1000 + badness * 1000 / (long)totalpages) * 2 / 3, signed division
	 * truncating toward zero; badness >= -1000 * (total / 1000), so x >= -1000 */
	if (__builtin_mul_overflow(badness, (int64_t)1000, &x))
		x = badness > 0 ? INT64_MAX : INT64_MIN;
	x /= (int64_t)total;
	/* a real task stays within -1000..2000; keep hostile input from overflowing */
	if (x > INT64_MAX / 2 - 1000)
		x = INT64_MAX / 2 - 1000;
	if (x < -1000)
		x = -1000;
	return (uint64_t)((1000 + x) * 2 / 3);
}
