/*
 * fuzz_scenario.c - scenario files (and Go durations inside them). Properties:
 * never crashes or leaks; a parsed scenario has a positive duration, usage
 * points in time order within it, and every error has a message.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "podoom/duration.h"
#include "podoom/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pod[] = "kind: Pod\nmetadata: {name: m}\nspec: {containers: [{name: app}]}\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	int64_t ns;

	if (size > (1u << 20))
		return 0;
	if (size < 64)
		(void)podoom_duration_parse((const char *)data, size, &ns, NULL);
	if (podoom_scenario_parse((const char *)data, size, &sc, &d) < 0) {
		assert(sc == NULL && d.msg[0] != '\0');
		return 0;
	}
	assert(sc->duration_usec > 0);
	for (size_t i = 0; i < sc->npods; i++) {
		const struct podoom_scenario_pod *sp = &sc->pods[i];
		if (!sp->resolved)
			(void)podoom_scenario_attach_manifest(sc, i, pod, sizeof(pod) - 1, &d);
		for (size_t c = 0; c < sp->ncontainers; c++)
			for (size_t p = 0; p < sp->containers[c].nprocs; p++) {
				const struct podoom_scenario_process *pr = &sp->containers[c].procs[p];
				for (size_t u = 0; u < pr->nusage; u++) {
					assert(pr->usage[u].at_usec >= 0 && pr->usage[u].at_usec <= sc->duration_usec);
					assert(u == 0 || pr->usage[u].at_usec >= pr->usage[u - 1].at_usec);
				}
			}
	}
	(void)podoom_scenario_check(sc, &d);
	podoom_scenario_free(sc);
	return 0;
}
