/*
 * procscan - one scan of a live node (or a fixture tree under a root): every
 * process with what the kernel's OOM killer weighs (rss, swap, page tables,
 * oom_score_adj) and its memory cgroup, and every memory cgroup with a limit
 * on the way from those processes to the root. Host layer.
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

struct podoom_scan_memcg {
	char path[PODOOM_SCAN_PATH_MAX]; /* as the kernel prints it: "/kubepods/burstable/pod.../<id>" */
	int32_t parent;			 /* index; -1 for the root */
	int64_t limit_bytes;		 /* -1: none */
	int64_t usage_bytes;		 /* -1: unknown */
	int64_t working_set_bytes;	 /* usage - inactive_file, -1 unknown */
};

struct podoom_scan {
	struct podoom_task *tasks; /* .memcg indexes memcgs */
	size_t ntasks;
	struct podoom_scan_memcg *memcgs; /* memcgs[0] is "/" */
	size_t nmemcgs;
	int cgroup_version;
	int64_t memtotal_bytes, swaptotal_bytes;
	char osrelease[64];
	unsigned unreadable; /* processes whose files could not be read (gone, or not permitted) */
};

/*
 * podoom_scan_read() - scan <root>/proc and the memory cgroups under
 * <root>/sys/fs/cgroup. Return: 0 with *ret filled (free with
 * podoom_scan_free); -ENOENT no memory cgroup controller or no /proc; -ENOMEM.
 */
int podoom_scan_read(const char *root, struct podoom_scan *ret);

void podoom_scan_free(struct podoom_scan *s);

/* podoom_scan_in_subtree() - task @t's memcg is memcg @m or below it */
bool podoom_scan_in_subtree(const struct podoom_scan *s, const struct podoom_task *t, int32_t m);

#endif
