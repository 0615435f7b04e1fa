/*
 * fuzz_sim.c - whole scenarios through the simulator. Properties: never
 * crashes, leaks or loops; time never goes backwards and stays within the
 * duration; every OOM kill names a process whose record is in its own task
 * table, scored among the candidates; a second run gives the same events.
 * Runs with more than 20,000 kubelet samples are skipped to keep each input
 * fast (the cap itself, PODOOM_SIM_MAX_SAMPLES, is tested in test_sim).
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "podoom/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a digest of the events: same scenario, same digest */
static uint64_t run(const struct podoom_scenario *sc, size_t *ret_n)
{
	struct podoom_sim_options o = {.record_series = true, .emit_samples = true};
	struct podoom_sim *s = NULL;
	struct podoom_diag d = {0};
	const struct podoom_simevent *e;
	uint64_t h = 1469598103934665603ull;
	int64_t last = 0;
	size_t n = 0;
	int r;

	if (podoom_sim_new(sc, &o, &s, &d) < 0) {
		assert(s == NULL && d.msg[0] != '\0');
		*ret_n = 0;
		return 0;
	}
	while ((r = podoom_sim_next(s, &e)) > 0) {
		assert(e->time_usec >= last && e->time_usec <= sc->duration_usec);
		last = e->time_usec;
		assert(e->why && e->why[0]);
		if (e->type == PODOOM_SIMEVENT_OOM_KILL && !e->group_member) {
			assert(e->victim < e->ntasks && e->tasks[e->victim].task.pid == e->pid);
			assert(e->trigger < e->ntasks && e->nranking >= 1 && e->nmemcgs >= 2);
			assert(e->oom_memcg < (int32_t)e->nmemcgs);
		}
		h = (h ^ (uint64_t)e->type ^ (uint64_t)e->time_usec * 31 ^ (uint64_t)e->pid) * 1099511628211ull;
		for (const char *c = e->why; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
		n++;
	}
	assert(r == 0 || r == -ENOMEM);
	for (size_t i = 0; i < podoom_sim_npods(s); i++) {
		size_t np;
		const struct podoom_sim_point *p = podoom_sim_pod_series(s, i, &np);
		for (size_t k = 1; k < np; k++)
			assert(p[k].t_usec >= p[k - 1].t_usec && p[k].working_set_bytes >= 0);
	}
	podoom_sim_free(s);
	*ret_n = n;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pod[] = "kind: Pod\nmetadata: {name: m}\nspec: {containers: [{name: app, resources: "
				  "{limits: {memory: 64Mi}}}]}\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	size_t n1, n2;

	if (size > (64u << 10))
		return 0;
	if (podoom_scenario_parse((const char *)data, size, &sc, &d) < 0)
		return 0;
	for (size_t i = 0; i < sc->npods; i++)
		if (!sc->pods[i].resolved)
			(void)podoom_scenario_attach_manifest(sc, i, pod, sizeof(pod) - 1, &d);
	if (podoom_scenario_check(sc, &d) == 0 &&
	    sc->duration_usec / sc->node.kubelet.housekeeping_usec <= 20000 && sc->npods <= 200) {
		uint64_t h1 = run(sc, &n1), h2 = run(sc, &n2);
		assert(h1 == h2 && n1 == n2);
	}
	podoom_scenario_free(sc);
	return 0;
}
