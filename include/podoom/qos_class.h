/*
 * qos_class - the Kubernetes pod QoS classes and their stable names.
 *
 * Kept apart from the QoS policy so that anything naming a class (cgroup
 * paths, reports, the policy itself) shares one enum. Pure.
 */
#ifndef PODOOM_QOS_CLASS_H
#define PODOOM_QOS_CLASS_H

#include <stddef.h>

enum podoom_qos {
	PODOOM_QOS_GUARANTEED,
	PODOOM_QOS_BURSTABLE,
	PODOOM_QOS_BESTEFFORT,
	PODOOM_QOS_COUNT
};

/* podoom_qos_to_string() - "Guaranteed", "Burstable", "BestEffort" (the API's
 * status.qosClass spelling); NULL when out of range. */
const char *podoom_qos_to_string(enum podoom_qos q);

/*
 * podoom_qos_from_string() - the inverse, exact and case-sensitive as the API
 * server writes it.
 * Return: 0 with *ret set; -EINVAL unknown. *ret untouched on error.
 */
int podoom_qos_from_string(const char *s, size_t len, enum podoom_qos *ret);

#endif
