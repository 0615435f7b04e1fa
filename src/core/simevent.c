/*
 * simevent.c - a record's defaults, and the stable names of event types, as
 * `--json` prints them.
 */
#include "podoom/simevent.h"

#include <stdint.h>
#include <string.h>

void podoom_simevent_init(struct podoom_simevent *e, enum podoom_simevent_type type, int64_t time_usec)
{
	memset(e, 0, sizeof(*e));
	e->time_usec = time_usec;
	e->type = type;
	e->namespace = e->pod = e->pod_uid = e->container = e->container_id = e->process = "";
	e->scope = "";
	e->pod_index = SIZE_MAX;
	e->qos = PODOOM_QOS_COUNT;
	e->kind = PODOOM_OOM_CLASS_COUNT;
	e->limit_bytes = -1;
	e->usage_bytes = -1;
	e->backoff_usec = -1;
	e->available_bytes = -1;
	e->reason = "";
	e->threshold = "";
	e->why = "";
}

void podoom_simevent_pod_ranking(const struct podoom_eviction_rank *ranks, size_t n,
				 const struct podoom_eviction_pod *pods, struct podoom_simevent_pod_rank *ret)
{
	for (size_t i = 0; i < n; i++) {
		const struct podoom_eviction_rank *rk = &ranks[i];
		const struct podoom_eviction_pod *ep = &pods[rk->index];
		ret[i] = (struct podoom_simevent_pod_rank){
			.namespace = ep->pod->namespace,
			.pod = ep->pod->name,
			.working_set_bytes = ep->working_set_bytes,
			.request_bytes = rk->request_bytes,
			.priority = rk->priority,
			.exceeds_request = rk->exceeds_request,
			.critical = rk->critical,
		};
	}
}

const char *podoom_simevent_type_to_string(enum podoom_simevent_type t)
{
	static const char *const names[PODOOM_SIMEVENT_TYPE_COUNT] = {
		"start",     "oom_kill",    "container_exit", "restart",   "threshold", "pressure",
		"eviction", "pod_stopped", "oom_stall",	     "panic",	  "sample",
	};

	return (unsigned)t < PODOOM_SIMEVENT_TYPE_COUNT ? names[t] : NULL;
}
