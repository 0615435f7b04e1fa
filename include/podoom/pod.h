/*
 * pod - the part of a Kubernetes Pod that decides how it dies from memory.
 * Plain data, filled by the manifest loader (or a scenario) and read by the
 * policies. Strings are borrowed from whoever built the pod.
 */
#ifndef PODOOM_POD_H
#define PODOOM_POD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/quantity.h"

enum podoom_container_type {
	PODOOM_CONTAINER_REGULAR, /* spec.containers */
	PODOOM_CONTAINER_INIT,	  /* spec.initContainers */
	PODOOM_CONTAINER_SIDECAR, /* spec.initContainers with restartPolicy: Always */
	PODOOM_CONTAINER_TYPE_COUNT
};

/* cpu and memory of a ResourceList; the only resources QoS looks at */
struct podoom_rlist {
	bool has_cpu, has_memory; /* the key is present (its value may be 0) */
	struct podoom_quantity cpu, memory;
	bool has_hugepages;	  /* some hugepages-* key (a pod-level supported resource) */
	uint32_t memory_line, memory_col; /* where memory was written, 0 if defaulted */
};

struct podoom_container {
	const char *name;
	enum podoom_container_type type;
	struct podoom_rlist requests, limits; /* after API defaulting (requests from limits) */
	bool memory_request_defaulted;	     /* request copied from the limit by SetDefaults_Pod */
	bool cpu_request_defaulted;
	uint32_t line, col;
};

struct podoom_pod {
	const char *kind;      /* the object it came from: Pod, Deployment, CronJob, ... */
	const char *name;      /* metadata.name of that object */
	const char *namespace; /* "default" when unset */
	const char *uid;       /* metadata.uid, or NULL */
	const char *priority_class; /* spec.priorityClassName, or NULL */
	bool has_priority;
	int32_t priority;      /* spec.priority */
	bool priority_from_class; /* priority set from a built-in class, as admission does */
	bool mirror;	       /* annotation kubernetes.io/config.mirror */
	bool static_pod;       /* annotation kubernetes.io/config.source set and not "api" */
	const char *status_qos; /* status.qosClass as given, or NULL */
	bool has_pod_resources; /* spec.resources present (even empty) */
	struct podoom_rlist pod_requests, pod_limits;
	struct podoom_rlist overhead;
	struct podoom_container *containers; /* init and sidecar containers first, in order */
	size_t ncontainers;
	const char *restart_policy; /* spec.restartPolicy, or NULL (Always) */
	bool has_termination_grace;
	int64_t termination_grace_seconds;
	uint32_t line, col; /* where the pod (or its template) starts */
};

enum podoom_resource {
	PODOOM_RESOURCE_CPU,
	PODOOM_RESOURCE_MEMORY,
	PODOOM_RESOURCE_COUNT
};

/*
 * podoom_pod_aggregate_requests() - AggregateContainerRequests of
 * component-helpers resource.PodRequests for one resource: regular containers
 * and sidecars run together; each init container runs beside the sidecars
 * started before it; the pod needs the peak. Exact, in nano-units, summed
 * before any rounding as Go sums Quantities.
 */
struct podoom_quantity podoom_pod_aggregate_requests(const struct podoom_pod *pod, enum podoom_resource r);

/* podoom_container_type_to_string() - "regular", "init", "sidecar". */
const char *podoom_container_type_to_string(enum podoom_container_type t);

#endif
