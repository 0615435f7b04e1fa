/*
 * qos.c - QoS class (ComputePodQOS, the summing form used through 1.36) and
 * oom_score_adj (GetContainerOOMScoreAdjust). reference/kubernetes.md §1, §2.
 */
#include "podoom/qos.h"

#include <errno.h>
#include <string.h>

/* the cpu and memory sums of ComputePodQOS: only values > 0 are added */
struct qos_sums {
	bool has[2];
	podoom_i128 v[2]; /* [0] cpu, [1] memory, in nano-units */
};

static void sums_add(struct qos_sums *s, const struct podoom_rlist *rl)
{
	if (rl->has_cpu && podoom_quantity_sign(&rl->cpu) > 0) {
		s->has[0] = true;
		s->v[0] = podoom_quantity_nano_add(s->v[0], rl->cpu.nano);
	}
	if (rl->has_memory && podoom_quantity_sign(&rl->memory) > 0) {
		s->has[1] = true;
		s->v[1] = podoom_quantity_nano_add(s->v[1], rl->memory.nano);
	}
}

static bool has_cpu_and_memory(const struct podoom_rlist *rl)
{
	return rl->has_cpu && podoom_quantity_sign(&rl->cpu) > 0 && rl->has_memory &&
	       podoom_quantity_sign(&rl->memory) > 0;
}

static bool rlist_is_set(const struct podoom_rlist *rl)
{
	return rl->has_cpu || rl->has_memory || rl->has_hugepages;
}

bool podoom_pod_level_resources_set(const struct podoom_pod *pod)
{
	return pod->has_pod_resources && (rlist_is_set(&pod->pod_requests) || rlist_is_set(&pod->pod_limits));
}

/* whether the pod-level branch of the policies applies under @kp */
static bool use_pod_level(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod)
{
	if (!kp->pod_level_resources)
		return false;
	/* before PodLevelResourcesFixKubeletQOSClass any non-nil spec.resources took the branch */
	return kp->pod_level_empty_fix ? podoom_pod_level_resources_set(pod) : pod->has_pod_resources;
}

enum podoom_qos podoom_qos_compute(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod)
{
	struct qos_sums req = {0}, lim = {0};
	bool guaranteed = true;

	if (use_pod_level(kp, pod)) {
		sums_add(&req, &pod->pod_requests);
		if (rlist_is_set(&pod->pod_limits)) {
			sums_add(&lim, &pod->pod_limits);
			if (!has_cpu_and_memory(&pod->pod_limits))
				guaranteed = false;
		}
	} else {
		for (size_t i = 0; i < pod->ncontainers; i++) {
			sums_add(&req, &pod->containers[i].requests);
			sums_add(&lim, &pod->containers[i].limits);
			if (!has_cpu_and_memory(&pod->containers[i].limits))
				guaranteed = false;
		}
	}
	if (!req.has[0] && !req.has[1] && !lim.has[0] && !lim.has[1])
		return PODOOM_QOS_BESTEFFORT;
	if (guaranteed) {
		for (int r = 0; r < 2; r++) {
			if (req.has[r] != lim.has[r] || (req.has[r] && req.v[r] != lim.v[r])) {
				guaranteed = false;
				break;
			}
		}
	}
	return guaranteed ? PODOOM_QOS_GUARANTEED : PODOOM_QOS_BURSTABLE;
}

enum podoom_qos podoom_qos_get(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			       bool *ret_from_status)
{
	enum podoom_qos q;

	if (pod->status_qos && podoom_qos_from_string(pod->status_qos, strlen(pod->status_qos), &q) == 0) {
		if (ret_from_status)
			*ret_from_status = true;
		return q;
	}
	if (ret_from_status)
		*ret_from_status = false;
	return podoom_qos_compute(kp, pod);
}

bool podoom_pod_is_critical(const struct podoom_pod *pod)
{
	return pod->static_pod || pod->mirror ||
	       (pod->has_priority && pod->priority >= PODOOM_SYSTEM_CRITICAL_PRIORITY);
}

static bool gets_critical_adj(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod)
{
	if (!podoom_pod_is_critical(pod))
		return false;
	if (kp->critical == PODOOM_CRITICAL_ALL)
		return true;
	return pod->priority_class && strcmp(pod->priority_class, "system-node-critical") == 0;
}

/* memory request in bytes (Quantity.Value, rounded up); 0 when unset */
static int request_bytes(const struct podoom_rlist *rl, int64_t *ret)
{
	*ret = 0;
	if (!rl->has_memory)
		return 0;
	return podoom_quantity_value(&rl->memory, ret);
}

/* Go's int64 arithmetic wraps; so must ours, without C's undefined behaviour */
static int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static int64_t wrap_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* AggregateContainerRequests(pod).memory as bytes, rounded up once as Value() does */
static int aggregate_memory_request(const struct podoom_pod *pod, int64_t *ret)
{
	struct podoom_quantity q = podoom_pod_aggregate_requests(pod, PODOOM_RESOURCE_MEMORY);
	return podoom_quantity_value(&q, ret) < 0 ? -ERANGE : 0;
}

/* remainingPodMemReqPerContainer (pkg/kubelet/qos/helpers.go) */
static int pod_level_share(const struct podoom_pod *pod, int64_t *ret)
{
	int64_t pod_req, agg;

	*ret = 0;
	if (request_bytes(&pod->pod_requests, &pod_req) < 0 || aggregate_memory_request(pod, &agg) < 0)
		return -ERANGE;
	if (pod_req == 0 || pod->ncontainers == 0)
		return 0;
	*ret = wrap_sub(pod_req, agg) / (int64_t)pod->ncontainers;
	return 0;
}

/* minRegularContainerMemory: the smallest memory request of spec.containers */
static int min_regular_request(const struct podoom_pod *pod, int64_t *ret)
{
	bool any = false;
	int64_t min = 0, v;

	for (size_t i = 0; i < pod->ncontainers; i++) {
		if (pod->containers[i].type != PODOOM_CONTAINER_REGULAR)
			continue;
		if (request_bytes(&pod->containers[i].requests, &v) < 0)
			return -ERANGE;
		if (!any || v < min)
			min = v;
		any = true;
	}
	*ret = min;
	return 0;
}

int podoom_qos_oom_score_adj(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			     size_t ci, int64_t memory_capacity_bytes, struct podoom_adj *ret)
{
	const struct podoom_container *c;
	struct podoom_adj out = {0};
	int64_t req, share = 0, adj;
	bool from_status = false;
	bool pod_level;

	if (memory_capacity_bytes <= 0 || ci >= pod->ncontainers)
		return -EINVAL;
	c = &pod->containers[ci];
	if (request_bytes(&c->requests, &req) < 0)
		return -ERANGE;
	out.request_bytes = req;
	if (gets_critical_adj(kp, pod)) {
		out.oom_score_adj = kp->guaranteed_adj;
		out.flags = PODOOM_ADJ_CRITICAL;
		*ret = out;
		return 0;
	}
	switch (podoom_qos_get(kp, pod, &from_status)) {
	case PODOOM_QOS_GUARANTEED:
		out.oom_score_adj = kp->guaranteed_adj;
		out.flags = from_status ? PODOOM_ADJ_STATUS_QOS : 0;
		*ret = out;
		return 0;
	case PODOOM_QOS_BESTEFFORT:
		out.oom_score_adj = kp->besteffort_adj;
		out.flags = from_status ? PODOOM_ADJ_STATUS_QOS : 0;
		*ret = out;
		return 0;
	default:
		break;
	}
	if (from_status)
		out.flags |= PODOOM_ADJ_STATUS_QOS;
	/* IsPodLevelRequestsSet: pod-level requests (after defaulting) hold a supported resource */
	pod_level = kp->pod_level_resources && pod->has_pod_resources && rlist_is_set(&pod->pod_requests);
	if (pod_level) {
		if (pod_level_share(pod, &share) < 0)
			return -ERANGE;
		out.flags |= PODOOM_ADJ_POD_LEVEL_SHARE;
		out.request_bytes = wrap_add(req, share);
	}
	adj = 1000 - wrap_mul(1000, wrap_add(req, share)) / memory_capacity_bytes;
	if (kp->sidecar_clamp && c->type == PODOOM_CONTAINER_SIDECAR) {
		int64_t min_req, min_adj;
		if (min_regular_request(pod, &min_req) < 0)
			return -ERANGE;
		min_req = wrap_add(min_req, share);
		min_adj = 1000 - wrap_mul(1000, min_req) / memory_capacity_bytes;
		if (adj > min_adj) {
			adj = min_adj;
			out.flags |= PODOOM_ADJ_SIDECAR_CLAMPED;
		}
	}
	if (adj < 1000 + kp->guaranteed_adj) {
		adj = 1000 + kp->guaranteed_adj;
		out.flags |= PODOOM_ADJ_FLOOR;
	} else if (adj == kp->besteffort_adj) {
		adj = kp->besteffort_adj - 1;
		out.flags |= PODOOM_ADJ_CEILING;
	}
	out.oom_score_adj = (int)adj;
	*ret = out;
	return 0;
}

int podoom_pod_memory_request_bytes(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
				    int64_t *ret)
{
	int64_t total, overhead = 0;

	if (kp->pod_level_resources && pod->has_pod_resources && rlist_is_set(&pod->pod_requests)) {
		/* PodRequests with SkipContainerLevelResources: the pod-level value alone */
		if (request_bytes(&pod->pod_requests, &total) < 0)
			return -ERANGE;
	} else if (aggregate_memory_request(pod, &total) < 0) {
		return -ERANGE;
	}
	if (total != 0 && request_bytes(&pod->overhead, &overhead) < 0)
		return -ERANGE;
	*ret = wrap_add(total, overhead);
	return 0;
}

/* every container has memory request == limit > 0 */
static bool memory_equal_everywhere(const struct podoom_pod *pod)
{
	for (size_t i = 0; i < pod->ncontainers; i++) {
		const struct podoom_container *c = &pod->containers[i];
		if (!c->limits.has_memory || podoom_quantity_sign(&c->limits.memory) <= 0 ||
		    podoom_quantity_cmp(&c->requests.memory, &c->limits.memory) != 0)
			return false;
	}
	return pod->ncontainers > 0;
}

/* the regular containers alone would be Guaranteed, but some init container has no limits */
static bool bare_init_spoils(const struct podoom_pod *pod)
{
	bool bare_init = false;

	for (size_t i = 0; i < pod->ncontainers; i++) {
		const struct podoom_container *c = &pod->containers[i];
		bool shaped = has_cpu_and_memory(&c->limits) &&
			      podoom_quantity_cmp(&c->requests.cpu, &c->limits.cpu) == 0 &&
			      podoom_quantity_cmp(&c->requests.memory, &c->limits.memory) == 0;
		if (c->type == PODOOM_CONTAINER_REGULAR && !shaped)
			return false;
		if (c->type != PODOOM_CONTAINER_REGULAR && !c->limits.has_cpu && !c->limits.has_memory)
			bare_init = true;
	}
	return bare_init;
}

unsigned podoom_qos_surprises(const struct podoom_kubelet_profile *kp, const struct podoom_pod *pod,
			      size_t ci, int64_t memory_capacity_bytes, const struct podoom_adj *adj)
{
	const struct podoom_container *c = &pod->containers[ci];
	enum podoom_qos computed = podoom_qos_compute(kp, pod);
	enum podoom_qos qos = podoom_qos_get(kp, pod, NULL);
	unsigned s = 0;
	int64_t req = 0;

	if (adj->flags & PODOOM_ADJ_CRITICAL)
		s |= PODOOM_SURPRISE_CRITICAL;
	else if (pod->priority_class && strcmp(pod->priority_class, "system-cluster-critical") == 0 &&
		 kp->critical == PODOOM_CRITICAL_NODE_ONLY)
		s |= PODOOM_SURPRISE_CLUSTER_CRITICAL_UNPROTECTED;
	if (pod->status_qos && computed != qos)
		s |= PODOOM_SURPRISE_STATUS_DIFFERS;
	if (computed == PODOOM_QOS_BURSTABLE && memory_equal_everywhere(pod))
		s |= PODOOM_SURPRISE_MEMORY_EQUAL_CPU_NOT;
	if (computed == PODOOM_QOS_BURSTABLE && bare_init_spoils(pod))
		s |= PODOOM_SURPRISE_BARE_INIT_CONTAINER;
	if (kp->pod_level_resources && !kp->pod_level_empty_fix && pod->has_pod_resources &&
	    !podoom_pod_level_resources_set(pod) && computed == PODOOM_QOS_BESTEFFORT)
		s |= PODOOM_SURPRISE_EMPTY_POD_RESOURCES;
	/* limits alone are the usual way to write a Guaranteed pod: say it only where
	 * the defaulted request did not buy Guaranteed */
	if (c->memory_request_defaulted && qos != PODOOM_QOS_GUARANTEED)
		s |= PODOOM_SURPRISE_LIMIT_WITHOUT_REQUEST;
	if ((c->requests.has_memory && !podoom_quantity_is_whole(&c->requests.memory)) ||
	    (c->limits.has_memory && !podoom_quantity_is_whole(&c->limits.memory)))
		s |= PODOOM_SURPRISE_FRACTIONAL_BYTES;
	if (adj->flags & PODOOM_ADJ_SIDECAR_CLAMPED)
		s |= PODOOM_SURPRISE_SIDECAR_CLAMPED;
	if (qos == PODOOM_QOS_BURSTABLE && !(adj->flags & PODOOM_ADJ_CRITICAL)) {
		if (adj->flags & PODOOM_ADJ_FLOOR)
			s |= PODOOM_SURPRISE_FLOORED;
		(void)request_bytes(&c->requests, &req);
		if (adj->oom_score_adj == kp->besteffort_adj - 1 && !(adj->flags & PODOOM_ADJ_SIDECAR_CLAMPED)) {
			if (req == 0)
				s |= PODOOM_SURPRISE_NO_MEMORY_REQUEST;
			else if (memory_capacity_bytes > 0)
				s |= PODOOM_SURPRISE_REQUEST_BELOW_UNIT;
		}
	}
	return s;
}
