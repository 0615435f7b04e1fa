/*
 * qos - the pod's QoS class and each container's oom_score_adj, as the
 * kubelet computes them (pkg/apis/core/helper/qos, pkg/kubelet/qos/policy.go).
 * Pure: no I/O, no allocation.
 */
#ifndef PODOOM_QOS_H
#define PODOOM_QOS_H

#include <stdint.h>

#include "podoom/kubelet.h"
#include "podoom/pod.h"
#include "podoom/qos_class.h"


/* Why a container got its oom_score_adj, and what may surprise a user. */
enum podoom_adj_flag {
	PODOOM_ADJ_CRITICAL = 1u << 0,	      /* critical-pod override, whatever the QoS */
	PODOOM_ADJ_FLOOR = 1u << 1,	      /* raised to the Burstable floor (request >= ~MemTotal) */
	PODOOM_ADJ_CEILING = 1u << 2,	      /* 1000 turned into 999 (request < MemTotal/1000) */
	PODOOM_ADJ_SIDECAR_CLAMPED = 1u << 3, /* lowered to the best regular container's value */
	PODOOM_ADJ_POD_LEVEL_SHARE = 1u << 4, /* a share of the pod-level request was added */
	PODOOM_ADJ_STATUS_QOS = 1u << 5,      /* class taken from status.qosClass */
};

struct podoom_adj {
	int oom_score_adj;	   /* -1000..1000 */
	unsigned flags;		   /* enum podoom_adj_flag */
	int64_t request_bytes;	   /* the memory request the formula used (own + pod-level share) */
};

/* podoom_qos_compute() - ComputePodQOS: the class from the spec alone. */
enum podoom_qos podoom_qos_compute(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod);

/* podoom_qos_get() - GetPodQOS: status.qosClass when it names a class, else computed.
 * *ret_from_status (may be NULL) says which. */
enum podoom_qos podoom_qos_get(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			       bool *ret_from_status);

/* podoom_pod_level_resources_set() - IsPodLevelResourcesSet (component-helpers
 * resource): spec.resources holds a supported resource (cpu, memory, hugepages). */
bool podoom_pod_level_resources_set(const struct podoom_pod *pod);

/* podoom_pod_is_critical() - IsCriticalPod: static, mirror or priority >= 2e9. */
bool podoom_pod_is_critical(const struct podoom_pod *pod);

/*
 * podoom_qos_oom_score_adj() - GetContainerOOMScoreAdjust for container @ci.
 * @memory_capacity_bytes: the node's MemTotal in bytes (cAdvisor's value).
 * Return: 0 with *ret filled; -EINVAL for a capacity <= 0 or a bad index;
 * -ERANGE when a memory request does not fit int64 bytes.
 */
int podoom_qos_oom_score_adj(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			     size_t ci, int64_t memory_capacity_bytes, struct podoom_adj *ret);

/* podoom_pod_memory_request_bytes() - GetResourceRequestQuantity(pod, memory):
 * the pod-level request when set, else the sidecar-aware aggregate of its
 * containers, plus overhead when non-zero. Used by the eviction ranking.
 * Return: 0; -ERANGE beyond int64. */
int podoom_pod_memory_request_bytes(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
				    int64_t *ret);

/* What may surprise a user about a container's class or score. */
enum podoom_surprise {
	PODOOM_SURPRISE_MEMORY_EQUAL_CPU_NOT = 1u << 0, /* memory request == limit everywhere, CPU not: Burstable */
	PODOOM_SURPRISE_REQUEST_BELOW_UNIT = 1u << 1,	/* 0 < request < MemTotal/1000: scores 999 like no request */
	PODOOM_SURPRISE_NO_MEMORY_REQUEST = 1u << 2,	/* Burstable without a memory request: 999 */
	PODOOM_SURPRISE_LIMIT_WITHOUT_REQUEST = 1u << 3, /* request defaulted to the limit */
	PODOOM_SURPRISE_FRACTIONAL_BYTES = 1u << 4,	/* "500m" of memory is half a byte */
	PODOOM_SURPRISE_BARE_INIT_CONTAINER = 1u << 5,	/* an init container without limits spoils Guaranteed */
	PODOOM_SURPRISE_SIDECAR_CLAMPED = 1u << 6,	/* sidecar lowered to the best regular container */
	PODOOM_SURPRISE_CRITICAL = 1u << 7,		/* critical-pod override */
	PODOOM_SURPRISE_CLUSTER_CRITICAL_UNPROTECTED = 1u << 8, /* system-cluster-critical lost it in 1.22 */
	PODOOM_SURPRISE_STATUS_DIFFERS = 1u << 9,	/* status.qosClass is not what the spec computes to */
	PODOOM_SURPRISE_FLOORED = 1u << 10,		/* request >= ~MemTotal: raised to the floor */
	PODOOM_SURPRISE_EMPTY_POD_RESOURCES = 1u << 11, /* empty spec.resources made it BestEffort (< 1.36) */
};

/*
 * podoom_qos_surprises() - the enum podoom_surprise bits for container @ci,
 * given the @adj that podoom_qos_oom_score_adj() returned for it.
 */
unsigned podoom_qos_surprises(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			      size_t ci, int64_t memory_capacity_bytes, const struct podoom_adj *adj);

#endif
