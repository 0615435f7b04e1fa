/*
 * procscan - one scan of a live node (or a fixture tree under a root): every
 * process with what the kernel's OOM killer weighs (rss, swap, page tables,
 * oom_score_adj) and its memory cgroup, every memory cgroup of the hierarchy
 * with its limit and usage, and the ranking of the tasks each cgroup's OOM
 * would choose from. Host layer.
 */
#ifndef PODOOM_PROCSCAN_H
#define PODOOM_PROCSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/badness.h"

#define PODOOM_SCAN_MAX_PROCS 262144u
#define PODOOM_SCAN_MAX_MEMCGS 65536u
#define PODOOM_SCAN_PATH_MAX 512
#define PODOOM_SCAN_MAX_DEPTH 32 /* cgroup levels walked below the mount */

struct podoom_scan_memcg {
	char path[PODOOM_SCAN_PATH_MAX]; /* as the kernel prints it: "/kubepods/burstable/pod.../<id>" */
	int32_t parent;			 /* index, smaller than this one's; -1 for the root */
	int64_t limit_bytes;		 /* -1: none (v2 "max", v1 >= 2^63 - page) */
	int64_t usage_bytes;		 /* -1: unknown (not read: no task below, or unreadable).
					    The root: v1 memory.usage_in_bytes, v2 anon + file of
					    memory.stat (the root has no memory.current) */
	int64_t inactive_file_bytes;	 /* v1 total_inactive_file, v2 inactive_file; -1 unknown */
	int64_t working_set_bytes;	 /* usage - inactive_file clamped at 0 (cAdvisor); -1 unknown */
	uint32_t ntasks;		 /* processes in this memcg's subtree */
};

struct podoom_scan {
	struct podoom_task *tasks; /* sorted by pid; .memcg indexes memcgs */
	size_t ntasks;
	struct podoom_scan_memcg *memcgs; /* memcgs[0] is "/"; parents before children */
	size_t nmemcgs;
	size_t *member_off; /* nmemcgs + 1 offsets into member_idx: the tasks of memcg m's */
	size_t *member_idx; /* subtree are member_idx[member_off[m] .. member_off[m + 1]) */
	int cgroup_version;
	int64_t memtotal_bytes, swaptotal_bytes;
	char osrelease[64];
	unsigned unreadable;	    /* processes whose files could not be read (gone, or not permitted) */
	unsigned denied;	    /* ... of which for lack of permission (EACCES, EPERM) */
	unsigned memcgs_unreadable; /* memory cgroups with a file that could not be read */
	char first_unreadable[PODOOM_SCAN_PATH_MAX + 64]; /* "<path>: <strerror>" of the first
							     file not read for lack of permission
							     or of a cgroup file; "" none */
};

/*
 * podoom_scan_read() - scan <root>/proc and the memory cgroup hierarchy under
 * <root>/sys/fs/cgroup. Per process: /proc/<pid>/status and oom_score_adj;
 * membership from each cgroup's cgroup.procs (one read per cgroup, not one
 * per process). Limits for every cgroup, usage and memory.stat for those with
 * a process below them. Files that cannot be read are counted, not fatal.
 * Return: 0 with *ret filled (free with podoom_scan_free); -ENOENT no memory
 * cgroup controller or no /proc; -ENOMEM.
 */
int podoom_scan_read(const char *root, struct podoom_scan *ret);

/* podoom_scan_free() - release what podoom_scan_read() allocated; NULL-safe. */
void podoom_scan_free(struct podoom_scan *s);

/* podoom_scan_in_subtree() - task @t's memcg is memcg @m or below it */
bool podoom_scan_in_subtree(const struct podoom_scan *s, const struct podoom_task *t, int32_t m);

/* One eligible task of a scope's ranking. */
struct podoom_scan_rank {
	size_t task; /* index into s->tasks */
	int64_t points;
};

/*
 * podoom_scan_totalpages() - the totalpages of an OOM of memcg @m: 0 the
 * node (MemTotal + SwapTotal), else the memcg's limit in 4 KiB pages (the
 * kubelet runs without swap; memsw = limit). 0 when @m has no limit.
 */
uint64_t podoom_scan_totalpages(const struct podoom_scan *s, int32_t m);

/*
 * podoom_scan_rank() - the kernel model's badness of every eligible task in
 * memcg @m's subtree (@m 0: the whole node) against podoom_scan_totalpages(),
 * highest first; equal points in pid order. @out: s->ntasks entries, caller
 * owned. Return: the number of eligible tasks written (0: none or no limit);
 * -EINVAL @m out of range.
 */
int podoom_scan_rank(const struct podoom_kernel_profile *kp, const struct podoom_scan *s, int32_t m,
		     struct podoom_scan_rank *out);

#endif
