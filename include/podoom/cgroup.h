/*
 * cgroup - memory cgroups on the live system (cgroup v1 and v2): make a
 * subtree, set limits, put processes in, read what the kernel counted, and
 * tear everything down whatever happened. Host layer: every path is resolved
 * under a sysroot so tests can point it at a fixture tree.
 *
 * Safety: podoom only ever writes below one parent cgroup of its own, named
 * "podoom-<pid>-<tag>", and every function refuses a relative path that
 * leaves it ("..", absolute paths).
 */
#ifndef PODOOM_CGROUP_H
#define PODOOM_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct podoom_cgroup_root {
	int version;	     /* 1 or 2 */
	char mount[512];     /* the memory hierarchy: <sysroot>/sys/fs/cgroup/memory or <sysroot>/sys/fs/cgroup */
	bool has_memsw;	     /* v1: memory.memsw.* exist (swap accounting) */
};

/* What the kernel counted for one memory cgroup. */
struct podoom_memcg_stat {
	int64_t usage_bytes;	     /* v1 memory.usage_in_bytes, v2 memory.current */
	int64_t limit_bytes;	     /* -1 when unlimited */
	int64_t inactive_file_bytes; /* v1 total_inactive_file, v2 inactive_file */
	int64_t working_set_bytes;   /* usage - inactive_file, clamped at 0 (cAdvisor) */
	int64_t anon_bytes, file_bytes;
	uint64_t oom_kill;	     /* processes the OOM killer killed in this memcg */
	uint64_t oom;		     /* times the limit was hit and the OOM killer ran (v2 "oom"; v1: under_oom transitions are not counted, so 0) */
	uint64_t max_events;	     /* v2 memory.events max, v1 memory.failcnt */
};

/*
 * podoom_cgroup_detect() - find the memory controller under @sysroot ("" or
 * "/" for the live system): cgroup v1 at sys/fs/cgroup/memory, or cgroup v2
 * at sys/fs/cgroup (or sys/fs/cgroup/unified) with "memory" in
 * cgroup.controllers.
 * Return: 0; -ENOENT when there is no memory controller.
 */
int podoom_cgroup_detect(const char *sysroot, struct podoom_cgroup_root *ret);

/* podoom_cgroup_parent_name() - "podoom-<pid>-<tag>" into @buf. */
int podoom_cgroup_parent_name(pid_t pid, const char *tag, char *buf, size_t size);

/* podoom_cgroup_rel_is_safe() - @rel is a relative path below a "podoom-*"
 * cgroup of the hierarchy's root, without ".." components, shorter than 256:
 * the only places podoom writes to. */
bool podoom_cgroup_rel_is_safe(const char *rel);

/* podoom_cgroup_create() - mkdir @rel (and on v2 enable +memory in its
 * parent's subtree_control). Existing is fine. Return: 0 or -errno. */
int podoom_cgroup_create(const struct podoom_cgroup_root *root, const char *rel);

/* podoom_cgroup_set_limit() - memory limit in bytes (-1: none). On v1 the
 * memsw limit follows (no swap, as the kubelet's NoSwap); on v2 swap.max=0
 * unless @swap_bytes > 0. Return: 0 or -errno (-EBUSY: usage above the new limit). */
int podoom_cgroup_set_limit(const struct podoom_cgroup_root *root, const char *rel, int64_t limit_bytes,
			    int64_t swap_bytes);

/* podoom_cgroup_set_oom_group() - v2 memory.oom.group. -EOPNOTSUPP on v1. */
int podoom_cgroup_set_oom_group(const struct podoom_cgroup_root *root, const char *rel, bool on);

/* podoom_cgroup_attach() - move process @pid into @rel. Return: 0 or -errno. */
int podoom_cgroup_attach(const struct podoom_cgroup_root *root, const char *rel, pid_t pid);

/* podoom_cgroup_read_stat() - the counters of @rel. Return: 0 or -errno. */
int podoom_cgroup_read_stat(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memcg_stat *ret);

/* podoom_cgroup_oom_kill_file() - the file holding the oom_kill counter:
 * "memory.events" (v2, hierarchical: kills in the subtree) or
 * "memory.oom_control" (v1, this memcg's own kills only: memcg_memory_event()
 * stops at the first memcg on the legacy hierarchy, include/linux/memcontrol.h K6.x). */
const char *podoom_cgroup_oom_kill_file(const struct podoom_cgroup_root *root);

/* podoom_cgroup_read_oom_kills() - the oom_kill counter of @rel (a path from
 * the hierarchy's root, with or without its leading '/'), without allocating.
 * Return: 0; -ENOENT gone, or a kernel without the counter (before 4.13); -errno. */
int podoom_cgroup_read_oom_kills(const struct podoom_cgroup_root *root, const char *rel, uint64_t *ret);

/* podoom_cgroup_pids() - up to @max pids of @rel and its descendants into
 * @pids. Return: the number found (may exceed @max: then only @max stored),
 * or -errno. */
int podoom_cgroup_pids(const struct podoom_cgroup_root *root, const char *rel, pid_t *pids, size_t max);

/*
 * podoom_cgroup_destroy() - kill every process in @rel and below (cgroup.kill
 * where the kernel has it, else SIGKILL until empty), then remove the
 * directories deepest first. Waits at most @timeout_ms for processes to go.
 * Return: 0; -EBUSY when something could not be removed in time.
 */
int podoom_cgroup_destroy(const struct podoom_cgroup_root *root, const char *rel, unsigned timeout_ms);

/*
 * podoom_cgroup_reap_stale() - remove every "podoom-<pid>-*" cgroup directly
 * under the hierarchy's root whose <pid> no longer runs (a podoom that was
 * SIGKILLed). @ret_removed (may be NULL) counts them.
 * Return: 0, or the first error.
 */
int podoom_cgroup_reap_stale(const struct podoom_cgroup_root *root, unsigned *ret_removed);

#endif
