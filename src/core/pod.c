/*
 * pod.c - sums over a pod's containers, as component-helpers/resource does.
 */
#include "podoom/pod.h"

static podoom_i128 max128(podoom_i128 a, podoom_i128 b)
{
	return a > b ? a : b;
}

static podoom_i128 request_of(const struct podoom_container *c, enum podoom_resource r)
{
	if (r == PODOOM_RESOURCE_CPU)
		return c->requests.has_cpu ? c->requests.cpu.nano : 0;
	return c->requests.has_memory ? c->requests.memory.nano : 0;
}

struct podoom_quantity podoom_pod_aggregate_requests(const struct podoom_pod *pod, enum podoom_resource r)
{
	podoom_i128 sum = 0, sidecars = 0, init_peak = 0;

	for (size_t i = 0; i < pod->ncontainers; i++) {
		const struct podoom_container *c = &pod->containers[i];
		podoom_i128 v = request_of(c, r);
		switch (c->type) {
		case PODOOM_CONTAINER_REGULAR:
			sum = podoom_quantity_nano_add(sum, v);
			break;
		case PODOOM_CONTAINER_SIDECAR:
			sum = podoom_quantity_nano_add(sum, v);
			sidecars = podoom_quantity_nano_add(sidecars, v);
			init_peak = max128(init_peak, sidecars);
			break;
		case PODOOM_CONTAINER_INIT:
			init_peak = max128(init_peak, podoom_quantity_nano_add(v, sidecars));
			break;
		default:
			break;
		}
	}
	return (struct podoom_quantity){.nano = max128(sum, init_peak),
					.format = PODOOM_QUANTITY_FORMAT_DECIMAL_SI};
}
