/*
 * kubelet_profile.c - the kubelet releases whose OOM behaviour differs.
 * Each fact names the change that introduced it; reference/kubernetes.md §2.1,
 * §2.2, §1.5 and §3.6 give the sources, kubelet.h the eviction ones (§4.6).
 * The 1.26, 1.30 and 1.31 rows exist only for eviction facts.
 */
#include "podoom/kubelet.h"

#include <errno.h>
#include <string.h>

static const struct podoom_kubelet_profile profiles[] = {
	{.name = "1.19", .major = 1, .minor = 19, .covers = "up to 1.19",
	 .guaranteed_adj = -998, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_ALL},
	{.name = "1.20", .major = 1, .minor = 20, .covers = "1.20-1.21",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_ALL},
	{.name = "1.22", .major = 1, .minor = 22, .covers = "1.22-1.25",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY},
	{.name = "1.26", .major = 1, .minor = 26, .covers = "1.26-1.27",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .eviction_message_request_is = true},
	{.name = "1.28", .major = 1, .minor = 28, .covers = "1.28-1.29",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .memory_oom_group = true, .eviction_message_request_is = true},
	{.name = "1.30", .major = 1, .minor = 30, .covers = "1.30",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .memory_oom_group = true, .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true},
	{.name = "1.31", .major = 1, .minor = 31, .covers = "1.31",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .memory_oom_group = true, .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true,
	 .eviction_hard_grace_seconds = 1, .eviction_message_init_containers = true},
	{.name = "1.32", .major = 1, .minor = 32, .covers = "1.32",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .memory_oom_group = true, .single_process_oom_kill_option = true,
	 .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true,
	 .eviction_hard_grace_seconds = 1, .eviction_message_init_containers = true},
	{.name = "1.33", .major = 1, .minor = 33, .covers = "1.33",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .sidecar_clamp = true, .memory_oom_group = true, .single_process_oom_kill_option = true,
	 .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true,
	 .eviction_hard_grace_seconds = 1, .eviction_message_init_containers = true,
	 .eviction_merge_defaults = true},
	{.name = "1.34", .major = 1, .minor = 34, .covers = "1.34-1.35",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .sidecar_clamp = true, .pod_level_resources = true, .memory_oom_group = true,
	 .single_process_oom_kill_option = true,
	 .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true,
	 .eviction_hard_grace_seconds = 1, .eviction_message_init_containers = true,
	 .eviction_merge_defaults = true},
	{.name = "1.36", .major = 1, .minor = 36, .covers = "1.36 and later",
	 .guaranteed_adj = -997, .besteffort_adj = 1000, .critical = PODOOM_CRITICAL_NODE_ONLY,
	 .sidecar_clamp = true, .pod_level_resources = true, .pod_level_empty_fix = true,
	 .memory_oom_group = true, .single_process_oom_kill_option = true,
	 .eviction_message_request_is = true, .eviction_soft_grace_pod_cap = true,
	 .eviction_hard_grace_seconds = 1, .eviction_message_init_containers = true,
	 .eviction_merge_defaults = true},
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct podoom_kubelet_profile *podoom_kubelet_profiles(size_t *n)
{
	*n = NPROFILES;
	return profiles;
}

const struct podoom_kubelet_profile *podoom_kubelet_profile_default(void)
{
	return &profiles[NPROFILES - 1];
}

static int parse_uint(const char **p, unsigned *ret)
{
	unsigned v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > 100000)
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*p = s;
	*ret = v;
	return 0;
}

int podoom_kubelet_profile_lookup(const char *s, const struct podoom_kubelet_profile **ret)
{
	unsigned major, minor, patch;
	const struct podoom_kubelet_profile *best = &profiles[0];

	if (*s == 'v')
		s++;
	if (parse_uint(&s, &major) < 0 || *s++ != '.' || parse_uint(&s, &minor) < 0)
		return -EINVAL;
	if (*s == '.' && (s++, parse_uint(&s, &patch) < 0))
		return -EINVAL;
	if (*s != '\0' && *s != '-' && *s != '+')
		return -EINVAL;
	if (major != 1)
		return -EINVAL;
	for (size_t i = 0; i < NPROFILES; i++)
		if (profiles[i].minor <= minor)
			best = &profiles[i];
	*ret = best;
	return 0;
}
