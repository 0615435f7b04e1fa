/*
 * simevent - one thing that happened to a node's pods: an OOM kill, an
 * eviction, a container exit or restart, a pressure change. The record both
 * engines emit: `podoom simulate` (virtual clock) and `podoom run` (real
 * cgroups), so the two can be compared line by line, and what the sinks
 * (timeline, JSON lines, kernel-format reports, SVG) read.
 *
 * Plain data with borrowed pointers: whoever emits a record says how long its
 * strings and arrays live. Nothing here knows how it was produced.
 */
#ifndef PODOOM_SIMEVENT_H
#define PODOOM_SIMEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/badness.h"
#include "podoom/cgroup_path.h"
#include "podoom/eviction.h"
#include "podoom/qos_class.h"

enum podoom_simevent_type {
	PODOOM_SIMEVENT_START,	       /* a container started for the first time */
	PODOOM_SIMEVENT_OOM_KILL,      /* the kernel's OOM killer killed one process */
	PODOOM_SIMEVENT_CONTAINER_EXIT, /* a container ended (its main process died) */
	PODOOM_SIMEVENT_RESTART,       /* the kubelet started a container again */
	PODOOM_SIMEVENT_THRESHOLD,     /* an eviction threshold became met, or stopped being met */
	PODOOM_SIMEVENT_PRESSURE,      /* the node's MemoryPressure condition changed */
	PODOOM_SIMEVENT_EVICTION,      /* the kubelet evicted a pod (or found none it may evict) */
	PODOOM_SIMEVENT_POD_STOPPED,   /* an evicted pod's processes are gone, its memory freed */
	PODOOM_SIMEVENT_OOM_STALL,     /* a limit was hit and no process could be killed: the
					  allocating processes hang in the page fault */
	PODOOM_SIMEVENT_PANIC,	       /* global OOM with nothing killable: "System is deadlocked
					  on memory", the node panics and the run ends */
	PODOOM_SIMEVENT_SAMPLE,	       /* the kubelet's eviction manager looked (every
					  housekeeping interval, or its memcg notifier fired);
					  comes before what that look decided */
	PODOOM_SIMEVENT_TYPE_COUNT
};

/* One candidate of an OOM, as the victim scan scored it. */
struct podoom_simevent_rank {
	int32_t pid;
	char comm[16];
	int64_t points; /* oom_badness() in pages, oom_score_adj included */
};

/* One pod of an eviction ranking (rankMemoryPressure order). */
struct podoom_simevent_pod_rank {
	const char *namespace, *pod;
	int64_t working_set_bytes;
	int64_t request_bytes;
	int32_t priority;
	bool exceeds_request;
	bool critical; /* refused by evictPod */
};

/*
 * One row of the kernel's task table ("[  pid  ]   uid  tgid total_vm rss
 * ... oom_score_adj name"), for a report writer: the task as the OOM killer
 * saw it (task.memcg indexes the memcgs[] of the record), with the rss split
 * the 6.8+ table and the "Killed process" line print.
 */
struct podoom_simevent_task {
	struct podoom_task task;
	uint64_t rss_anon_pages, rss_file_pages, rss_shmem_pages;
	int64_t points; /* PODOOM_BADNESS_INELIGIBLE when the scan skips it */
};

/* One memcg of an OOM's tree (parallel to the podoom_memcg array the scan used). */
struct podoom_simevent_memcg {
	const char *path;  /* as the kernel prints it: "/kubepods.slice/..." */
	int64_t usage_bytes; /* memory.current at the OOM */
	int64_t limit_bytes; /* memory.max; -1 for "max" */
	int64_t anon_bytes, file_bytes; /* memory.stat anon and file */
};

struct podoom_simevent {
	int64_t time_usec; /* since the scenario began; time_ms is time_usec / 1000 */
	enum podoom_simevent_type type;

	/* who: empty strings when the event is about the node */
	const char *namespace, *pod, *pod_uid;
	size_t pod_index;      /* into the scenario's pods; SIZE_MAX for the node */
	enum podoom_qos qos;
	const char *container; /* "" for a pod-level event; "POD" for the sandbox */
	const char *container_id;
	const char *process;   /* comm */
	int32_t pid;
	int oom_score_adj;
	bool main_process;     /* the container's first process: its death ends the container */

	/* where: the memcg an OOM happened in ("/" for a global OOM); for an
	 * eviction or exit, the pod's or the container's memcg */
	const char *scope;
	enum podoom_oom_class kind; /* oom_kill, oom_stall, panic */
	int64_t limit_bytes;	    /* the scope's limit (RAM for a global OOM); -1 none */
	int64_t usage_bytes;	    /* the scope's usage then */

	/* oom_kill: the OOM it belongs to (1, 2, ... in this run); every process
	 * a group kill takes is one record with the same oom_seq */
	uint64_t oom_seq;
	bool group_member;	   /* killed with the victim by memory.oom.group */
	const char *oom_group;	   /* the memcg killed as a group, or NULL */
	const struct podoom_simevent_rank *ranking; /* eligible candidates, most points first */
	size_t nranking;
	/* the report writer's view (first record of an OOM only, else NULL/0) */
	const struct podoom_simevent_task *tasks; /* every task the scan visited, in scan order */
	size_t ntasks;
	const struct podoom_simevent_memcg *memcgs; /* memcgs[0] is the root */
	size_t nmemcgs;
	int32_t oom_memcg;	   /* index into memcgs of the scope; -1 global */
	size_t victim, trigger;	   /* indexes into tasks: the victim; the task whose
				      allocation failed ("<comm> invoked oom-killer") */
	size_t selected;	   /* the task the scan chose: the victim, or its parent
				      on kernels that "sacrifice a child" */
	uint64_t totalpages;

	/* container_exit, restart */
	int exit_code;		/* 137 after SIGKILL */
	const char *reason;	/* "OOMKilled", "Evicted", "Error" */
	uint32_t restart_count;	/* after this restart */
	int64_t backoff_usec;	/* container_exit: how long before it starts again; -1 never */

	/* threshold, pressure, eviction, sample */
	bool on;		/* threshold met / pressure True */
	const char *threshold;	/* "memory.available<100Mi" */
	int64_t available_bytes;/* the signal's observed value */
	int64_t grace_period_sec; /* eviction: the pod's grace period */
	const struct podoom_simevent_pod_rank *pod_ranking;
	size_t npod_ranking;

	const char *why;	/* one or two sentences for people */
};

/* podoom_simevent_init() - an event of @type at @time_usec about the node:
 * empty strings, no pod (pod_index SIZE_MAX), no QoS or OOM class (_COUNT),
 * -1 for unknown sizes and back-off, everything else zero. */
void podoom_simevent_init(struct podoom_simevent *e, enum podoom_simevent_type type, int64_t time_usec);

/*
 * podoom_simevent_pod_ranking() - an eviction ranking (@n ranks as
 * podoom_eviction_synchronize() ordered them, indexing @pods) as the record's
 * pod_ranking: names and working sets from the pods the kubelet looked at.
 * @ret holds @n entries; its strings are borrowed from @pods.
 */
void podoom_simevent_pod_ranking(const struct podoom_eviction_rank *ranks, size_t n,
				 const struct podoom_eviction_pod *pods, struct podoom_simevent_pod_rank *ret);

/* podoom_simevent_type_to_string() - "start", "oom_kill", "container_exit",
 * "restart", "threshold", "pressure", "eviction", "pod_stopped", "oom_stall",
 * "panic", "sample"; NULL out of range. */
const char *podoom_simevent_type_to_string(enum podoom_simevent_type t);

#endif
