/*
 * runner - a scenario played for real: the node's memory cgroups laid out
 * as the kubelet lays them out (the layout the simulator resolved), one real
 * process per scenario process following its usage curve, the real kernel's
 * OOM killer, and the kubelet's eviction loop (the pure model in eviction.h)
 * on the real clock. What happens comes out as the simulator's records
 * (simevent.h), so the same sinks print both and the two can be compared.
 *
 * Host layer. Safety: everything lives under one parent cgroup of podoom's
 * own, "podoom-<pid>-<tag>"; the emulated node is its kubepods cgroup, whose
 * limit is min(the kubelet's kubepods limit, node memory - system usage), so
 * node pressure runs as an OOM of that cgroup and never of the host. Every
 * process gets PR_SET_PDEATHSIG(SIGKILL); podoom_runner_free() kills them and
 * removes every cgroup whatever happened.
 *
 * How a worker uses memory, and what the kernel counts of it:
 *  - anon: an anonymous private mapping touched one byte per page up the
 *    curve, MADV_DONTNEED down it: the task's RSS (MM_ANONPAGES) and the
 *    memcg's rss, as the simulator counts it.
 *  - file: a temporary file on a disk filesystem (O_TMPFILE under tmpdir,
 *    never tmpfs, which would be shmem) grown with write() and made clean
 *    with fdatasync(), ftruncate()d down the curve. The pages are the memcg's
 *    page cache (inactive_file, reclaimable) but never mapped, so they are
 *    not in the task's RSS and not in its OOM badness: the simulator's model
 *    (badness counts anon only, page cache is reclaimed before any kill).
 *  - A worker ignores SIGTERM and holds its memory until SIGKILL, as the
 *    simulator models an evicted pod (killed when its grace period ends).
 *  - Forked from podoom, a worker's RSS also holds the parent's pages it
 *    shares copy-on-write (a few MiB, tens under ASan): counted in every
 *    worker's badness alike, never charged to its memcg.
 * Not played: the pods' sandbox (pause) processes; container restarts (a
 * container that ends stays ended whatever its restartPolicy).
 */
#ifndef PODOOM_RUNNER_H
#define PODOOM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/cgroup.h"
#include "podoom/scenario.h"
#include "podoom/sim.h"
#include "podoom/simevent.h"

enum podoom_runner_eviction {
	PODOOM_RUNNER_EVICTION_POLL,   /* synchronize every housekeeping interval (the kubelet) */
	PODOOM_RUNNER_EVICTION_EVENTS, /* ... and whenever a memnotify usage notifier on kubepods
					  fires (one per memory threshold, at the kubelet's level),
					  with follow-up looks 1, 2, 4 ... ms after a wake that
					  evicted nothing */
	PODOOM_RUNNER_EVICTION_COUNT
};

/* Margin the host keeps beyond the node's memory: a run is refused when the
 * scenario's node memory exceeds MemAvailable minus this. */
#define PODOOM_RUNNER_HOST_MARGIN_BYTES (512LL << 20)
/* The parent cgroup's limit above the emulated node's (a safety net that
 * should never be the one hit). */
#define PODOOM_RUNNER_PARENT_SLACK_BYTES (32LL << 20)
/* How often a worker follows its curve while it moves, and how often the
 * runner looks for dead processes between other deadlines. */
#define PODOOM_RUNNER_WORKER_STEP_USEC 2000
#define PODOOM_RUNNER_POLL_USEC 2000
/* How often the memory series are read from the cgroups (record_series). */
#define PODOOM_RUNNER_SERIES_USEC 50000
/* How long the runner waits for an OOM kill's report to reach /dev/kmsg. */
#define PODOOM_RUNNER_REPORT_WAIT_USEC 500000
/* Most processes one run starts. */
#define PODOOM_RUNNER_MAX_PROCESSES 256u

struct podoom_runner_options {
	const char *tag;    /* the parent cgroup is "podoom-<pid>-<tag>"; NULL: "run" */
	const char *tmpdir; /* where workers keep their page cache; NULL: "/var/tmp" */
	enum podoom_runner_eviction eviction;
	bool emit_samples;  /* PODOOM_SIMEVENT_SAMPLE at every kubelet look */
	bool record_series; /* keep every pod's memory every PODOOM_RUNNER_SERIES_USEC */
	const volatile sig_atomic_t *stop; /* when it becomes nonzero the run ends (may be NULL) */
};

struct podoom_runner;

/*
 * podoom_runner_new() - plan a run of @sc with the layout @layout resolved
 * (podoom_sim_new() on the same scenario, built for the host's cgroup
 * version). Both must outlive the runner. Nothing is created yet.
 * @err gets a sentence on failure.
 * Return: 0 with *ret set; -EINVAL (the scenario cannot run here: too big
 * for the host, more than PODOOM_RUNNER_MAX_PROCESSES processes, an init
 * container with behaviour); -ENOMEM.
 */
int podoom_runner_new(const struct podoom_scenario *sc, const struct podoom_sim *layout,
		      const struct podoom_cgroup_root *root, const struct podoom_runner_options *opts,
		      struct podoom_runner **ret, char *err, size_t errsize);

/*
 * podoom_runner_start() - remove stale podoom-<dead pid>-* cgroups, create
 * the cgroups, open /dev/kmsg (optional: without it OOM kills are known only
 * from SIGKILL and the memcg counters), start every process, each in its
 * container's cgroup with its oom_score_adj before it allocates. The clock
 * starts here. Return: 0; -errno (with @err).
 */
int podoom_runner_start(struct podoom_runner *r, char *err, size_t errsize);

/*
 * podoom_runner_next() - wait for the next event. *ret is valid until the
 * next call. Return: 1 with *ret; 0 when the scenario's duration has passed
 * (or the stop flag was raised: podoom_runner_stopped()); -errno.
 */
int podoom_runner_next(struct podoom_runner *r, const struct podoom_simevent **ret);

/* podoom_runner_stopped() - the run ended on the stop flag, not its duration. */
bool podoom_runner_stopped(const struct podoom_runner *r);

/* One process whose oom_score_adj the host did not take. */
struct podoom_runner_adj {
	size_t pod, container, process; /* pod and container as in podoom_sim_pod_info */
	int wanted, applied;		  /* applied: what /proc/<pid>/oom_score_adj says */
};

/* podoom_runner_adj_refused() - the refusals so far (after start). */
const struct podoom_runner_adj *podoom_runner_adj_refused(const struct podoom_runner *r, size_t *n);

/* podoom_runner_pod_series(), _node_series() - what the cgroups held over
 * time when opts.record_series (working set: usage - inactive_file; usage:
 * the memcg's), the node's with the scenario's system usage added.
 * NULL and *n = 0 otherwise. Valid until the next podoom_runner_next(). */
const struct podoom_sim_point *podoom_runner_pod_series(const struct podoom_runner *r, size_t i, size_t *n);
const struct podoom_sim_point *podoom_runner_node_series(const struct podoom_runner *r, size_t *n);

/* podoom_runner_kubepods_limit() - the emulated node's limit in bytes. */
int64_t podoom_runner_kubepods_limit(const struct podoom_runner *r);

/* podoom_runner_parent() - "podoom-<pid>-<tag>". */
const char *podoom_runner_parent(const struct podoom_runner *r);

/* podoom_runner_kernel_log() - the kernel's own report lines of every OOM
 * kill in this run so far, "[seconds.micros] message\n" each (dmesg's
 * format), NUL-terminated; *len its length. */
const char *podoom_runner_kernel_log(const struct podoom_runner *r, size_t *len);

/* podoom_runner_stop() - kill every process and remove every cgroup (again
 * is fine). Return: 0; -EBUSY when a cgroup could not be removed (podoom run
 * --cleanup, or the next run, removes it). */
int podoom_runner_stop(struct podoom_runner *r);

/* podoom_runner_free() - podoom_runner_stop(), then free. NULL is fine. */
void podoom_runner_free(struct podoom_runner *r);

#endif
