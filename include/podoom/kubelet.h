/*
 * kubelet - named kubelet-version profiles: the facts that changed between
 * Kubernetes releases, as table rows (reference/kubernetes.md §2, §3.6).
 * Pure data; look a profile up once and pass it down.
 */
#ifndef PODOOM_KUBELET_H
#define PODOOM_KUBELET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which pods get the Guaranteed oom_score_adj whatever their QoS class. */
enum podoom_critical_rule {
	PODOOM_CRITICAL_ALL,	       /* IsCriticalPod: static, mirror or priority >= 2e9 (PR #73758) */
	PODOOM_CRITICAL_NODE_ONLY,     /* IsNodeCriticalPod: also system-node-critical (PR #99729, 1.22) */
	PODOOM_CRITICAL_RULE_COUNT
};

struct podoom_kubelet_profile {
	const char *name;	 /* "1.36": the first release the row describes */
	uint16_t major, minor;	 /* that release */
	const char *covers;	 /* the releases it stands for, for people: "1.22-1.27" */
	int guaranteed_adj;	 /* guaranteedOOMScoreAdj: -998 until 1.19, -997 since 1.20 (PR #71269) */
	int besteffort_adj;	 /* besteffortOOMScoreAdj: 1000 */
	enum podoom_critical_rule critical;
	bool sidecar_clamp;	 /* sidecar adj capped at the best regular container's (PR #128029, 1.33) */
	bool pod_level_resources; /* gate PodLevelResources on by default (beta 1.34) */
	bool pod_level_empty_fix; /* PodLevelResourcesFixKubeletQOSClass (1.36): empty spec.resources ignored */
	bool memory_oom_group;	 /* cgroup v2: memory.oom.group=1 per container (PR #117793, 1.28) */
	bool single_process_oom_kill_option; /* singleProcessOOMKill setting exists (PR #126096, 1.32) */
	/* node-pressure eviction (reference/kubernetes.md §4.6; pkg/kubelet/eviction) */
	bool eviction_message_request_is; /* "Container %s was using %s, request is %s, has larger
					     consumption of %v. " (PR #111597, 1.26); before it:
					     "Container %s was using %s, which exceeds its request of %s. " */
	bool eviction_soft_grace_pod_cap; /* soft eviction: min(evictionMaxPodGracePeriod,
					     terminationGracePeriodSeconds) (PR #122890, 1.30) */
	int eviction_hard_grace_seconds;  /* grace override of a hard eviction: 0 before 1.31, which the
					     pod worker reads as "use the pod's own"; since 1.31
					     immediateEvictionGracePeriodSeconds = 1 (PR #124063) */
	bool eviction_message_init_containers; /* init and sidecar containers are named in the
						  message too (PR #124947, 1.31) */
	bool eviction_merge_defaults;	  /* mergeDefaultEvictionSettings exists (PR #127577, 1.33) */
};

/* SystemCriticalPriority = 2 * HighestUserDefinablePriority (pkg/apis/scheduling) */
#define PODOOM_SYSTEM_CRITICAL_PRIORITY 2000000000

/* podoom_kubelet_profiles() - every row, oldest first; *n gets the count. */
const struct podoom_kubelet_profile *podoom_kubelet_profiles(size_t *n);

/* podoom_kubelet_profile_default() - the newest profile. */
const struct podoom_kubelet_profile *podoom_kubelet_profile_default(void);

/*
 * podoom_kubelet_profile_lookup() - the profile in force for a release
 * "X.Y" (also "vX.Y", "X.Y.Z"): the newest row not newer than it. Releases
 * older than the oldest row map to the oldest row.
 * Return: 0 with *ret set; -EINVAL when @s is not a version.
 */
int podoom_kubelet_profile_lookup(const char *s, const struct podoom_kubelet_profile **ret);

#endif
