/*
 * fuzz_manifest.c - the YAML/JSON manifest loader and the policies on what it
 * returns. Properties: never crashes or leaks; every pod has containers; every
 * oom_score_adj lies in [-1000, 1000]; an error always carries a message.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/manifest.h"
#include "podoom/qos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct podoom_manifests *m = NULL;
	struct podoom_diag d = {0};
	size_t np, nprof;
	const struct podoom_kubelet_profile *profiles = podoom_kubelet_profiles(&nprof);

	if (size > (1u << 20))
		return 0;
	int r = podoom_manifests_parse((const char *)data, size, &m, &d);
	if (r < 0) {
		assert(m == NULL);
		assert(d.msg[0] != '\0');
		return 0;
	}
	np = podoom_manifests_npods(m);
	for (size_t i = 0; i < podoom_manifests_nmsgs(m, NULL); i++)
		assert(podoom_manifests_msg(m, i)->diag.msg[0] != '\0');
	for (size_t i = 0; i < np; i++) {
		const struct podoom_pod *pod = podoom_manifests_pod(m, i);
		assert(pod->ncontainers > 0);
		for (size_t p = 0; p < nprof; p++) {
			enum podoom_qos q = podoom_qos_get(&profiles[p], pod, NULL);
			assert(q < PODOOM_QOS_COUNT);
			for (size_t c = 0; c < pod->ncontainers; c++) {
				struct podoom_adj adj;
				if (podoom_qos_oom_score_adj(&profiles[p], pod, c, 8589934592LL, &adj) == 0) {
					assert(adj.oom_score_adj >= -1000 && adj.oom_score_adj <= 1000);
					(void)podoom_qos_surprises(&profiles[p], pod, c, 8589934592LL, &adj);
				}
			}
		}
	}
	podoom_manifests_free(m);
	return 0;
}
