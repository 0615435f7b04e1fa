/*
 * scenario - a node, its pods and how each process uses memory over time:
 * the input of `podoom simulate` and `podoom run`. Pure: parses buffers; the
 * caller reads the scenario file and every manifest it names.
 *
 * Usage curves: each point says "from time `at`, move to these values (anon,
 * file) linearly over `over`"; values not given keep their previous level.
 */
#ifndef PODOOM_SCENARIO_H
#define PODOOM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/cgroup_path.h"
#include "podoom/diag.h"
#include "podoom/kubelet.h"
#include "podoom/pod.h"

/* Caps, the same in tests and production. */
#define PODOOM_SCENARIO_MAX_PODS 100000u
#define PODOOM_SCENARIO_MAX_PROCESSES 64u  /* per container */
#define PODOOM_SCENARIO_MAX_POINTS 10000u  /* per process */
#define PODOOM_SCENARIO_MAX_DURATION_USEC (366LL * 24 * 3600 * 1000000) /* a year */

struct podoom_usage_point {
	int64_t at_usec;   /* start of the move, since the scenario began */
	int64_t over_usec; /* length of the linear move; 0 = a step */
	bool has_anon, has_file;
	int64_t anon_bytes; /* anonymous memory (not reclaimable without swap) */
	int64_t file_bytes; /* page cache (reclaimable) */
	uint32_t line, col;
};

struct podoom_scenario_process {
	const char *name; /* shown as the process's comm */
	bool has_oom_score_adj;
	int oom_score_adj; /* overrides the kubelet's value (-1000..1000) */
	struct podoom_usage_point *usage;
	size_t nusage;
	uint32_t line, col;
};

struct podoom_scenario_container {
	const char *name; /* a container of the pod */
	struct podoom_scenario_process *procs; /* procs[0] is the main process */
	size_t nprocs;
	const char *const *command; /* a real command for `podoom run`, or NULL */
	size_t ncommand;
	uint32_t line, col;
};

struct podoom_scenario_pod {
	const char *manifest_path; /* as written (relative to the scenario file), or NULL */
	bool resolved;		   /* pod is filled (inline, or manifest attached) */
	struct podoom_pod pod;
	struct podoom_scenario_container *containers; /* behaviour, by container name */
	size_t ncontainers;
	uint32_t line, col;
};

/* One threshold statement as written; the eviction model validates it. */
struct podoom_scenario_setting {
	const char *key;   /* "memory.available" */
	const char *value; /* "100Mi", "10%", "30s" */
	uint32_t line, col;
};

struct podoom_scenario_settings {
	struct podoom_scenario_setting *v;
	size_t n;
	bool given; /* the map was present (even empty) */
};


struct podoom_scenario_kubelet {
	const struct podoom_kubelet_profile *profile;
	int64_t housekeeping_usec; /* default 10s (evictionMonitoringPeriod) */
	struct podoom_scenario_settings eviction_hard, eviction_soft, eviction_soft_grace,
		eviction_min_reclaim;
	int64_t pressure_transition_usec; /* default 5m; 0 means 5m as in the kubelet */
	int64_t eviction_max_pod_grace_sec; /* default 0 */
	int64_t kube_reserved_bytes, system_reserved_bytes;
	bool enforce_pods;	       /* enforceNodeAllocatable contains "pods" (default) */
	bool kernel_memcg_notification; /* default false */
	bool has_single_process_oom_kill;
	bool single_process_oom_kill;
};

struct podoom_scenario_node {
	int64_t memory_bytes; /* MemTotal */
	uint32_t memory_line, memory_col;
	int64_t swap_bytes;
	const char *kernel;   /* a kernel profile name ("6.1"); NULL: the newest */
	uint32_t kernel_line, kernel_col;
	int cgroup_version;   /* 1 or 2 (default 2) */
	enum podoom_cgroup_driver driver; /* default systemd */
	int64_t system_usage_bytes; /* memory used outside pods */
	uint32_t system_line, system_col; /* 0 when not given */
	struct podoom_scenario_kubelet kubelet;
};

struct podoom_scenario {
	struct podoom_scenario_node node;
	int64_t duration_usec;
	uint64_t seed;
	struct podoom_scenario_pod *pods;
	size_t npods;
	/* things accepted but worth saying (a setting the chosen kubelet ignores) */
	struct podoom_diag warnings[8];
	size_t nwarnings;
	/* private: */
	void *priv;
};

/*
 * podoom_scenario_parse() - a scenario file's text.
 * Pods given by `manifest:` are left unresolved: read each
 * pods[i].manifest_path (relative to the scenario file) and hand its bytes to
 * podoom_scenario_attach_manifest(); then call podoom_scenario_check().
 * Return: 0 with *ret set; -EINVAL (diag says where and why); -E2BIG over a cap; -ENOMEM.
 */
int podoom_scenario_parse(const char *buf, size_t len, struct podoom_scenario **ret, struct podoom_diag *diag);

/*
 * podoom_scenario_attach_manifest() - the Pod for pods[i] out of a manifest
 * file's bytes: the file must hold exactly one pod (a Pod, or one workload's
 * template). Errors in @diag refer to the manifest file.
 * Return: 0; -EINVAL; -ENOMEM.
 */
int podoom_scenario_attach_manifest(struct podoom_scenario *sc, size_t i, const char *buf, size_t len,
				    struct podoom_diag *diag);

/*
 * podoom_scenario_check() - the checks that need every pod resolved: each
 * container named under `containers:` exists in its pod; pod names unique.
 * Return: 0; -EINVAL with @diag (positions in the scenario file).
 */
int podoom_scenario_check(const struct podoom_scenario *sc, struct podoom_diag *diag);

void podoom_scenario_free(struct podoom_scenario *sc);


#endif
