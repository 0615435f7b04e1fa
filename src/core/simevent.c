/*
 * simevent.c - the stable names of event types, as `--json` prints them.
 */
#include "podoom/simevent.h"

const char *podoom_simevent_type_to_string(enum podoom_simevent_type t)
{
	static const char *const names[PODOOM_SIMEVENT_TYPE_COUNT] = {
		"start",     "oom_kill",    "container_exit", "restart",   "threshold", "pressure",
		"eviction", "pod_stopped", "oom_stall",	     "panic",	  "sample",
	};

	return (unsigned)t < PODOOM_SIMEVENT_TYPE_COUNT ? names[t] : NULL;
}
