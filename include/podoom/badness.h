/*
 * badness - the kernel's choice of OOM victim, per kernel profile.
 *
 * oom_badness(), select_bad_process(), the "or sacrifice child" step,
 * constrained_alloc()'s totalpages, mem_cgroup_get_oom_group() and
 * /proc/<pid>/oom_score, with the kernel's integer arithmetic (truncation
 * order included) and the differences between eras taken from the profile
 * (kernel.h). Shared by `explain`, `simulate`, `run` and `top`.
 *
 * Pure: no I/O, no allocation, no globals. Memory is in pages as the kernel
 * counts it, except where a name says bytes.
 */
#ifndef PODOOM_BADNESS_H
#define PODOOM_BADNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/kernel.h"

/* include/uapi/linux/oom.h */
#define PODOOM_OOM_SCORE_ADJ_MIN (-1000)
#define PODOOM_OOM_SCORE_ADJ_MAX 1000

/* What podoom_badness() returns for a task the kernel would not consider:
 * LONG_MIN as 5.9+ returns it (older kernels return 0; podoom maps both here). */
#define PODOOM_BADNESS_INELIGIBLE INT64_MIN

/* PAGE_COUNTER_MAX with 4 KiB pages (LONG_MAX / PAGE_SIZE, mm/page_counter.h):
 * a memcg limit of "max". The kernel prints it as 9007199254740988kB. */
#define PODOOM_PAGE_COUNTER_MAX (INT64_MAX / 4096)

/* Caps on the model's inputs. A node has at most a few thousand memcgs; the
 * scan walks ancestors, so the tree size bounds the work per task. */
#define PODOOM_MEMCG_MAX 65536
#define PODOOM_TASK_MAX (1u << 22) /* pid_max on 64-bit is at most 4194304 */

/* Task states the kernel's scan looks at (struct podoom_task.flags). */
enum {
	PODOOM_TASK_KTHREAD = 1u << 0,	     /* PF_KTHREAD: never chosen */
	PODOOM_TASK_GLOBAL_INIT = 1u << 1,   /* pid 1 of the initial namespace: never chosen */
	PODOOM_TASK_NO_MM = 1u << 2,	     /* every thread dropped its mm (exited, zombie) */
	PODOOM_TASK_OOM_VICTIM = 1u << 3,    /* already chosen by an earlier kill (TIF_MEMDIE,
						tsk_is_oom_victim) and not gone yet */
	PODOOM_TASK_OOM_SKIP = 1u << 4,	     /* MMF_OOM_SKIP on its mm: reaped, or the reaper gave up */
	PODOOM_TASK_EXITING = 1u << 5,	     /* PF_EXITING, exiting on its own (task_will_free_mem) */
	PODOOM_TASK_IN_VFORK = 1u << 6,	     /* a vfork child before exec: shares its parent's mm */
	PODOOM_TASK_OOM_ORIGIN = 1u << 7,    /* marked by swapoff / KSM unmerge: chosen outright */
	PODOOM_TASK_CAP_SYS_ADMIN = 1u << 8, /* CAP_SYS_ADMIN effective: the <= 4.15 3% bonus */
};

/* One task as the OOM killer sees it. Plain data: tests build it on the stack. */
struct podoom_task {
	int32_t pid;		/* task id as the host sees it; a thread's own id */
	int32_t tgid;		/* process id; pid == tgid for a thread-group leader (a process) */
	int32_t ppid;		/* tgid of the parent process (for "or sacrifice child"); 0 unknown */
	uint32_t uid;		/* host uid */
	char comm[16];		/* TASK_COMM_LEN, NUL-terminated */
	int32_t oom_score_adj;	/* -1000..1000 (values outside are clamped, as no kernel has them) */
	uint64_t rss_pages;	/* get_mm_rss(): resident anon + file + shmem pages */
	uint64_t swap_pages;	/* MM_SWAPENTS: swap entries */
	uint64_t pgtables_bytes; /* mm_pgtables_bytes(). From a <= 4.14 task table use
				    (nr_ptes + nr_pmds) * page size */
	int32_t memcg;		/* index into the scope's memcg tree; -1 when not in it */
	uint32_t flags;		/* PODOOM_TASK_* */
};

/* One memory cgroup of a node's tree. Index 0 is the root memcg. */
struct podoom_memcg {
	int32_t parent;		  /* index of the parent, smaller than this one's; -1 for the root */
	bool oom_group;		  /* memory.oom.group is 1 (cgroup v2) */
	uint64_t max_pages;	  /* memory.max (v2) / memory.limit_in_bytes (v1), pages;
				     PODOOM_PAGE_COUNTER_MAX for "max" */
	uint64_t swap_max_pages;  /* memory.swap.max (v2), pages; PODOOM_PAGE_COUNTER_MAX for "max" */
	uint64_t memsw_max_pages; /* memory.memsw.limit_in_bytes (v1), pages; PODOOM_PAGE_COUNTER_MAX
				     when unset */
	uint32_t swappiness;	  /* mem_cgroup_swappiness(): v1 memory.swappiness, v2 vm.swappiness */
};

/*
 * Where an OOM happens. Children of a memcg are created in index order, which
 * is the order the kernel's pre-order walk visits them; within one memcg, and
 * on the global task list, tasks are visited in array order.
 */
struct podoom_oom_scope {
	const struct podoom_memcg *memcgs; /* the node's tree, borrowed; may be NULL for a global OOM */
	size_t n_memcgs;
	int32_t oom_memcg;   /* index of the memcg whose limit was hit; -1 for a global OOM */
	uint64_t totalpages; /* podoom_totalpages_memcg() or _global() */
	uint32_t page_size;  /* bytes, a power of two; 0 means 4096 */
	bool cgroup_v2;	     /* memory.oom.group exists only on v2 */
};

/*
 * podoom_totalpages_global() - a global OOM's totalpages: totalram_pages +
 * total_swap_pages (all configured swap, free or not). Saturates at INT64_MAX.
 */
uint64_t podoom_totalpages_global(uint64_t ram_pages, uint64_t swap_pages);

/*
 * podoom_totalpages_memcg() - mem_cgroup_get_max(): a memcg OOM's totalpages.
 * @m: the memcg whose limit was hit.
 * @memsw_account: do_memsw_account(): cgroup v1 with swap accounting on.
 * @total_swap_pages: all swap configured on the node, in pages.
 * With swappiness 0 it is the memory limit; otherwise the limit plus the swap
 * the memcg may use (v1: memsw - limit; v2: swap.max), capped by the node's
 * swap. Never 0 (the kernel's `?: 1`).
 */
uint64_t podoom_totalpages_memcg(const struct podoom_memcg *m, bool memsw_account, uint64_t total_swap_pages);

/*
 * podoom_badness() - oom_badness(): the points of one task.
 * rss + swap + page-table pages, minus the 3% root bonus where the profile has
 * it, plus oom_score_adj * (totalpages / 1000) - the division first, so for
 * 131072 pages one adj unit is 131 pages. Unsigned profiles floor eligible
 * tasks at 1. Scope membership is not checked here (see _select).
 * Return: the points; PODOOM_BADNESS_INELIGIBLE for kernel threads, global
 * init, no mm, adj -1000, and (profiles with oom_skip_checks) MMF_OOM_SKIP
 * or vfork children.
 */
int64_t podoom_badness(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
		       const struct podoom_task *t);

/*
 * podoom_badness_select() - select_bad_process(): the task the kernel chooses
 * among tasks[0..n), with the profile's scan (threads or processes), early
 * aborts and tie-breaking. For a memcg OOM only tasks in the OOM memcg's
 * subtree are candidates, visited in pre-order; for a global OOM every task,
 * in array order. Borrows every pointer.
 * Return: 0 with *ret_index set; -ENOENT no eligible task ("Out of memory and
 * no killable processes..."); -EAGAIN an earlier victim is still exiting, so
 * the kernel kills nobody now; -EINVAL a malformed scope or tree; -E2BIG
 * over PODOOM_TASK_MAX / PODOOM_MEMCG_MAX. *ret_index untouched on error.
 */
int podoom_badness_select(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
			  const struct podoom_task *tasks, size_t n, size_t *ret_index);

/*
 * podoom_badness_victim() - oom_kill_process(): who dies for a selected task.
 * Profiles with sacrifice_child give the selected process's child (ppid ==
 * its tgid) with the highest points if it is eligible, has its own mm and is in
 * the scope; the first such child wins a tie. Otherwise the selected task.
 * The kill line names tasks[*ret_index].tgid.
 * Return: 0 with *ret_index set; -EAGAIN the selected task is already exiting
 * (the kernel only marks it and prints nothing); -EINVAL as _select, or
 * @selected out of range. Untouched on error.
 */
int podoom_badness_victim(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
			  const struct podoom_task *tasks, size_t n, size_t selected, size_t *ret_index);

/*
 * podoom_badness_printed_score() - the N of "Kill process %d (%s) score N or
 * sacrifice child": the selected task's points * 1000 / totalpages, unsigned,
 * truncated. 0 below 0.1% of totalpages and for floored tasks; above 1000 when
 * oom_score_adj is positive.
 * Return: 0 with *ret set; -ENOENT the profile prints no score (>= 5.2);
 * -EINVAL the task is not eligible. *ret untouched on error.
 */
int podoom_badness_printed_score(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
				 const struct podoom_task *t, uint32_t *ret);

/*
 * podoom_oom_group() - mem_cgroup_get_oom_group(): which memcg's tasks die
 * with the victim. Walks from the victim's memcg up to the OOM memcg (the
 * root for a global OOM) and keeps the highest memcg with memory.oom.group.
 * None on cgroup v1, on profiles without oom.group, for a victim in the root
 * memcg or outside the OOM memcg's subtree.
 * Return: 0 with *ret_memcg set to the memcg index, or -1 for no group kill;
 * -EINVAL a malformed scope or victim index. Untouched on error.
 */
int podoom_oom_group(const struct podoom_kernel_profile *kp, const struct podoom_oom_scope *scope,
		     int32_t victim_memcg, int32_t *ret_memcg);

/*
 * podoom_oom_group_kills() - oom_kill_memcg_member(): whether a group kill of
 * memcg @group takes task @t: t lives in the group's subtree, is not exempt
 * (oom_score_adj -1000), not global init and not a kernel thread.
 */
bool podoom_oom_group_kills(const struct podoom_oom_scope *scope, int32_t group, const struct podoom_task *t);

/*
 * podoom_oom_score() - /proc/<pid>/oom_score as the profile's kernel prints
 * it, always against the global totalpages (RAM + swap, never the memcg):
 * permille kernels badness * 1000 / totalpages (0 ineligible), scaled kernels
 * (1000 + badness * 1000 / totalpages) * 2 / 3 (an idle adj-0 task reads 666;
 * adj -1000 reads 0). @page_size in bytes, 0 means 4096.
 */
uint64_t podoom_oom_score(const struct podoom_kernel_profile *kp, const struct podoom_task *t,
			  uint64_t global_totalpages, uint32_t page_size);

#endif
