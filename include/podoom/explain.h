/*
 * explain - what a parsed kernel OOM report means: which limit was hit and
 * whose it is, who died, and why the kernel chose that task, recomputed with
 * the kernel model from the report's own task table. Pure: no I/O; one
 * scratch array per call for the task table.
 */
#ifndef PODOOM_EXPLAIN_H
#define PODOOM_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/badness.h"
#include "podoom/cgroup_path.h"
#include "podoom/kernel.h"
#include "podoom/report.h"

/* Rows of the recomputed ranking kept (the highest first). */
#define PODOOM_EXPLAIN_RANKING_MAX 16

struct podoom_explain_opts {
	const struct podoom_kernel_profile *kernel; /* NULL: from the report's format era */
	uint64_t node_ram_bytes;  /* for a global OOM's totalpages when the report lacks "pages RAM"; 0 unknown */
	uint64_t node_swap_bytes; /* likewise for swap */
	uint32_t page_size;	  /* 0: 4096 */
};

struct podoom_explain_rank {
	int32_t pid, tgid;
	char comm[PODOOM_OOM_COMM_MAX];
	int32_t oom_score_adj;
	uint64_t mem_pages;   /* rss + swap entries + page tables, in pages */
	int64_t points;	      /* podoom_badness(); PODOOM_BADNESS_INELIGIBLE when never chosen */
};

enum podoom_explain_mismatch {
	PODOOM_EXPLAIN_AGREES,		/* the recomputed victim is the one that died */
	PODOOM_EXPLAIN_NO_TABLE,	/* no task table: nothing to recompute */
	PODOOM_EXPLAIN_NO_TOTALPAGES,	/* a global OOM without the node's memory, or a memcg
					   report without its limit line */
	PODOOM_EXPLAIN_NO_MODEL,	/* a kernel older than the model (pre-2.6.36 heuristic) */
	PODOOM_EXPLAIN_NO_VICTIM,	/* the report ends before its kill line */
	PODOOM_EXPLAIN_TABLE_CUT,	/* rows were lost: the winner may be among them */
	PODOOM_EXPLAIN_NOT_IN_TABLE,	/* the victim has no row (a thread id, or a cut table) */
	PODOOM_EXPLAIN_TIE,		/* equal points: the kernel's scan order decided */
	PODOOM_EXPLAIN_CLOSE,		/* within 1% of the scope: memory moved while it chose */
	PODOOM_EXPLAIN_DIFFERS,		/* none of the above explains it */
	PODOOM_EXPLAIN_MISMATCH_COUNT
};

struct podoom_explanation {
	enum podoom_oom_class kind;
	bool has_oom_attr, has_task_attr;
	struct podoom_cgroup_attr oom_attr;  /* the memcg whose limit was hit */
	struct podoom_cgroup_attr task_attr; /* the victim's memcg (or its cpuset leaf) */
	const struct podoom_kernel_profile *kernel; /* the model used, or NULL */
	bool kernel_from_report;	     /* chosen from the report (not --kernel) */
	bool kernel_from_release;	     /* ... from the release its stack dump names (else its format era) */

	bool has_victim;
	int32_t victim_pid;
	char victim_comm[PODOOM_OOM_COMM_MAX];
	bool has_victim_adj;
	int32_t victim_adj;
	bool trigger_is_victim; /* the allocating task was the one killed */

	bool has_limit;
	uint64_t limit_bytes, usage_bytes;
	uint64_t totalpages; /* 0 when unknown */

	struct podoom_explain_rank ranking[PODOOM_EXPLAIN_RANKING_MAX];
	size_t n_ranking;
	size_t n_ranked;      /* rows scored (the table may hold more than ranking[] keeps) */
	bool has_recomputed;
	int32_t recomputed_selected_pid; /* the task the model selects ("Kill process N" on old kernels) */
	int32_t recomputed_victim_pid;	 /* the task it kills: the selected one, or its child
					    ("or sacrifice child") */
	enum podoom_explain_mismatch mismatch;

	char text[768]; /* the explanation in plain words */
};

/*
 * podoom_explain() - explain one event.
 * Return: 0 with *ret filled (as much as the report allows); -EINVAL for a
 * bad option (page size not a power of two); -ENOMEM.
 */
int podoom_explain(const struct podoom_oom_event *ev, const struct podoom_explain_opts *opts,
		   struct podoom_explanation *ret);

/* podoom_explain_kernel_for_era() - the kernel profile whose report format
 * the era is, or NULL when the model does not reach that far back. */
const struct podoom_kernel_profile *podoom_explain_kernel_for_era(uint32_t era_mask);

/* podoom_explain_mismatch_to_string() - "agrees", "no-table", ... */
const char *podoom_explain_mismatch_to_string(enum podoom_explain_mismatch m);

#endif
