/* qos_class.c - stable names of the QoS classes (k8s.io/api core/v1
 * PodQOSGuaranteed, PodQOSBurstable, PodQOSBestEffort). */
#include "podoom/qos_class.h"

#include <errno.h>
#include <string.h>

static const char *const qos_names[PODOOM_QOS_COUNT] = {"Guaranteed", "Burstable", "BestEffort"};

const char *podoom_qos_to_string(enum podoom_qos q)
{
	return (unsigned)q < PODOOM_QOS_COUNT ? qos_names[q] : NULL;
}

int podoom_qos_from_string(const char *s, size_t len, enum podoom_qos *ret)
{
	for (unsigned i = 0; i < PODOOM_QOS_COUNT; i++) {
		if (strlen(qos_names[i]) == len && memcmp(qos_names[i], s, len) == 0) {
			*ret = (enum podoom_qos)i;
			return 0;
		}
	}
	return -EINVAL;
}
