/*
 * sim - a Kubernetes node on a virtual clock: memory cgroups laid out as the
 * kubelet lays them out, processes whose memory follows the scenario's
 * curves, the kernel's OOM killer on every limit and on the node's RAM, and
 * the kubelet's eviction manager sampling every housekeeping interval.
 *
 * Discrete events, no fixed step: between events every process's memory is
 * linear, so the engine computes when a memcg's anonymous memory crosses its
 * limit, when the node's RAM runs out, and jumps there (or to the next
 * kubelet sample, curve corner, restart) directly. Page cache is reclaimed
 * before anything is killed, so only anonymous memory OOMs.
 *
 * Pure: no I/O, no clock, no globals. Deterministic: the same scenario and
 * seed give the same events, byte for byte.
 *
 * Usage:
 *   podoom_sim_new(scenario, &opts, &sim, &diag);
 *   while ((r = podoom_sim_next(sim, &ev)) > 0) print(ev);
 *   podoom_sim_free(sim);
 */
#ifndef PODOOM_SIM_H
#define PODOOM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/diag.h"
#include "podoom/eviction.h"
#include "podoom/kernel.h"
#include "podoom/kubelet.h"
#include "podoom/scenario.h"
#include "podoom/simevent.h"

/* The sandbox ("pause") process: PodInfraOOMAdj (pkg/kubelet/qos/policy.go),
 * the same in every release; its RSS as `ps` shows it on a containerd node. */
#define PODOOM_SIM_PAUSE_OOM_SCORE_ADJ (-998)
#define PODOOM_SIM_PAUSE_RSS_BYTES (256 * 1024)
/* Container restart back-off (pkg/kubelet: backOffPeriod, MaxContainerBackOff);
 * an entry idle for twice the maximum starts over (flowcontrol.Backoff). */
#define PODOOM_SIM_BACKOFF_INITIAL_USEC 10000000LL
#define PODOOM_SIM_BACKOFF_MAX_USEC 300000000LL
/* The kubelet learns that a container exited at its next PLEG relist
 * (plegRelistPeriod, pkg/kubelet/kubelet.go): no restart comes sooner. */
#define PODOOM_SIM_RELIST_USEC 1000000LL
/* terminationGracePeriodSeconds when the pod gives none (API defaulting). */
#define PODOOM_SIM_DEFAULT_TERMINATION_GRACE_SEC 30

/* The largest node podoom simulates, and the most any process or limit is
 * taken to hold (larger values act as this): 16 TiB, more than any machine
 * sold. With at most PODOOM_SIM_MAX_PROCESSES processes no sum of memory
 * reaches 2^62 bytes. */
#define PODOOM_SIM_MAX_BYTES (1LL << 44)
#define PODOOM_SIM_MAX_PROCESSES 65536u /* per node, pause processes included */

/* Most kubelet samples one run takes (duration / housekeepingInterval): a
 * year at the default 10 s is 3.2 million. */
#define PODOOM_SIM_MAX_SAMPLES 10000000LL

struct podoom_sim;

struct podoom_sim_options {
	bool has_seed;
	uint64_t seed;	     /* overrides the scenario's seed when has_seed */
	bool record_series;  /* keep every pod's memory over time (podoom_sim_*_series) */
	bool emit_samples;   /* emit PODOOM_SIMEVENT_SAMPLE at every kubelet sample */
	/* a host that refuses some oom_score_adj values (below 0 without
	 * CAP_SYS_RESOURCE): every process whose value would be below
	 * adj_floor runs with adj_refused_value instead (what it inherited) */
	bool has_adj_floor;
	int adj_floor, adj_refused_value;
	/* lay out a container that has command: and no usage: (one process
	 * holding no memory) instead of refusing it: for the runner, which runs
	 * the command and only needs the cgroups; never for a prediction */
	bool commands_for_layout;
};

/*
 * podoom_sim_new() - a simulator for @sc, which must be checked
 * (podoom_scenario_check) and must outlive the simulator.
 * Refused with the reason in @diag (positions in the scenario file): an
 * unknown kernel profile, eviction settings the kubelet would refuse,
 * reserved memory beyond the node's, system usage beyond it, a node over
 * PODOOM_SIM_MAX_BYTES, more than PODOOM_SIM_MAX_SAMPLES kubelet samples or
 * PODOOM_SIM_MAX_PROCESSES processes, behaviour given for an init container. A kernel without
 * memory.oom.group where the kubelet would set it is accepted (the kernel
 * has no such file, so nothing is group-killed).
 * Return: 0 with *ret set; -EINVAL; -E2BIG over a cap; -ENOMEM.
 */
int podoom_sim_new(const struct podoom_scenario *sc, const struct podoom_sim_options *opts, struct podoom_sim **ret,
		   struct podoom_diag *diag);

/*
 * podoom_sim_next() - run until the next event.
 * *ret points into the simulator and stays valid until the next call.
 * Return: 1 with *ret set; 0 when the scenario's duration has passed (or the
 * node panicked); -ENOMEM; another negative errno only if the engine found
 * itself inconsistent (a bug: -ELOOP for an OOM loop that kills nothing).
 */
int podoom_sim_next(struct podoom_sim *s, const struct podoom_simevent **ret);

void podoom_sim_free(struct podoom_sim *s);

/* What the node is, once resolved. */
struct podoom_sim_node_info {
	const struct podoom_kernel_profile *kernel;
	const struct podoom_kubelet_profile *kubelet;
	int64_t memory_bytes, swap_bytes, system_bytes;
	int cgroup_version;
	enum podoom_cgroup_driver driver;
	bool oom_group;		      /* container memcgs get memory.oom.group=1 */
	int64_t kubepods_limit_bytes; /* -1 when unlimited */
	const char *kubepods_path;
	int64_t allocatable_bytes;    /* node.status.allocatable.memory */
	int64_t hard_threshold_bytes; /* memory.available hard threshold; -1 none */
	int64_t soft_threshold_bytes; /* memory.available soft threshold; -1 none */
	int64_t soft_grace_usec;
	int64_t housekeeping_usec;
	int64_t duration_usec;
	uint64_t seed;
};

void podoom_sim_node_info(const struct podoom_sim *s, struct podoom_sim_node_info *ret);

/* What one container is. */
struct podoom_sim_container_info {
	const char *name;
	int64_t request_bytes;	/* 0 when none */
	int64_t limit_bytes;	/* its memcg's memory.max; -1 none */
	int oom_score_adj;	/* the kubelet's value */
	size_t nprocs;
	bool runs;		/* regular or sidecar (init containers do not run here) */
	/* its first start: the container ID and its memcg ("/kubepods/burstable/pod<uid>/<id>");
	 * a restart gets a new ID. NULL for a container that does not run. */
	const char *container_id, *memcg_path;
};

struct podoom_sim_pod_info {
	const char *namespace, *name, *uid;
	enum podoom_qos qos;
	const char *memcg_path;
	int64_t request_bytes;	/* GetResourceRequestQuantity(memory) */
	int64_t limit_bytes;	/* the pod memcg's memory.max; -1 none */
	int32_t priority;
	const struct podoom_sim_container_info *containers; /* parallel to pod->containers */
	size_t ncontainers;
};

/* The kubelet's restart back-off of one container (kuberuntime doBackOff,
 * flowcontrol.Backoff): plain data, zero before the first restart. */
struct podoom_sim_backoff {
	bool has;
	int64_t usec;	      /* the current back-off */
	int64_t updated_usec; /* when it was last set */
};

/* podoom_sim_backoff_restart_at() - when a container that exited at
 * @finished_usec starts again: after the back-off (ignored when stale: not
 * set for 2 x PODOOM_SIM_BACKOFF_MAX_USEC), never before the kubelet's next
 * relist (PODOOM_SIM_RELIST_USEC). */
int64_t podoom_sim_backoff_restart_at(const struct podoom_sim_backoff *b, int64_t finished_usec);

/* podoom_sim_backoff_next() - the back-off after a restart at @now_usec:
 * 10 s at first (or when stale), then doubled up to 5 min. */
void podoom_sim_backoff_next(struct podoom_sim_backoff *b, int64_t finished_usec, int64_t now_usec);

/* podoom_sim_restarts() - whether the kubelet restarts a container of @pod
 * that exited with @exit_code: restartPolicy Always (the default), OnFailure
 * for a nonzero code, never with Never; a sidecar always. */
bool podoom_sim_restarts(const struct podoom_pod *pod, bool sidecar, int exit_code);

/* podoom_sim_eviction_grace_seconds() - how long an evicted pod has between
 * SIGTERM and SIGKILL: the eviction manager's override, 0 meaning the pod's
 * terminationGracePeriodSeconds (default 30), never below 1 s
 * (calculateEffectiveGracePeriod). */
int64_t podoom_sim_eviction_grace_seconds(const struct podoom_pod *pod, int64_t override_seconds);

/* podoom_sim_eviction_manager() - the kubelet's eviction manager as the
 * scenario configures it, before its first step (a copy: plain data), for
 * an engine that runs the same kubelet on the real clock. */
void podoom_sim_eviction_manager(const struct podoom_sim *s, struct podoom_eviction_manager *ret);

size_t podoom_sim_npods(const struct podoom_sim *s);
const struct podoom_sim_pod_info *podoom_sim_pod_info(const struct podoom_sim *s, size_t i);

/* One point of a memory series; between points memory moves linearly. */
struct podoom_sim_point {
	int64_t t_usec;
	int64_t working_set_bytes; /* anonymous memory (what the kubelet counts) */
	int64_t usage_bytes;	   /* plus page cache (memory.current) */
};

/* podoom_sim_pod_series(), _node_series() - recorded when opts.record_series:
 * a pod's memory (the node's for _node_, system usage included), with two
 * points at the same time where it jumps. NULL and *n = 0 otherwise. */
const struct podoom_sim_point *podoom_sim_pod_series(const struct podoom_sim *s, size_t i, size_t *n);
const struct podoom_sim_point *podoom_sim_node_series(const struct podoom_sim *s, size_t *n);

/* podoom_sim_default_scenario() - the built-in scenario's YAML (NUL-terminated):
 * a container OOM-killed at its 200Mi limit, and a node with Guaranteed,
 * Burstable and BestEffort pods where a fast spike is OOM-killed by the
 * kernel before the kubelet looks while a slow leak is evicted by it. */
const char *podoom_sim_default_scenario(void);

#endif
