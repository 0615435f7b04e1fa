/*
 * sim_fleet.c - the simulator on a generated fleet: NODES nodes of PODS pods
 * each, DURATION seconds with the default kubelet (10 s samples, hard
 * memory.available<100Mi), one node after another on one core. Prints the
 * time spent generating and parsing the scenarios apart from the time spent
 * simulating them, pod-ticks per second (a pod-tick is one pod at one
 * kubelet sample: NODES x PODS x DURATION / 10 s), what happened, and the
 * peak RSS.
 *
 *   sim_fleet [NODES [PODS [DURATION_S]]]     (default 5000 30 3600)
 *
 * Each node is drawn from its index with a fixed PRNG, so every run of the
 * same arguments simulates the same fleet: 16Gi nodes with 1Gi of system
 * usage, a mix of Guaranteed (1 in 6), BestEffort (1 in 6) and Burstable
 * pods; most are steady, some leak slowly (the kubelet evicts them), some
 * spike (the kernel kills them), some outgrow their limit (crash loops).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "podoom/scenario.h"
#include "podoom/sim.h"

static uint64_t rng(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(uint64_t *s, unsigned n)
{
	return (unsigned)(rng(s) % n);
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->n)
			break;
		b->cap = b->cap * 2 + (size_t)n + 1;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	b->n += (size_t)n;
}

/* one node's scenario */
static void gen_node(struct buf *b, unsigned node, unsigned npods, unsigned duration_s)
{
	uint64_t s = 0x5eed0000ull + node;

	b->n = 0;
	put(b, "node:\n  memory: 16Gi\n  kernel: \"6.1\"\n  system: {usage: 1Gi}\nduration: %us\nseed: %u\npods:\n",
	    duration_s, node);
	for (unsigned i = 0; i < npods; i++) {
		unsigned kind = pick(&s, 6), shape = pick(&s, 20);
		unsigned base = 64 + pick(&s, 384); /* Mi */
		unsigned at = pick(&s, duration_s);
		put(b, "- pod:\n    metadata: {name: p%u, namespace: ns%u}\n    spec:\n      containers:\n", i, i % 7);
		if (kind == 0) /* Guaranteed */
			put(b, "      - {name: app, resources: {limits: {cpu: 500m, memory: %uMi}}}\n", base * 2);
		else if (kind == 1) /* BestEffort */
			put(b, "      - {name: app}\n");
		else /* Burstable, limit twice the request */
			put(b, "      - {name: app, resources: {requests: {memory: %uMi}, limits: {memory: %uMi}}}\n", base,
			    base * 2);
		put(b, "      - {name: sidecar, resources: {requests: {memory: 16Mi}}}\n");
		put(b, "  containers:\n    app:\n      usage:\n        - {at: 0s, anon: %uMi, file: %uMi}\n", base,
		    base / 4);
		if (shape < 12) {
			/* steady with a wobble */
			put(b, "        - {at: %us, anon: %uMi, over: 60s}\n        - {at: %us, anon: %uMi, over: 60s}\n",
			    at / 2, base + base / 8, at / 2 + 120, base);
		} else if (shape < 15) {
			/* a slow leak of up to 2Gi over the rest of the run (kind 1 has no limit) */
			put(b, "        - {at: %us, anon: %uMi, over: %us}\n", at / 4, base + 2048, duration_s - at / 4);
		} else if (shape < 18) {
			/* a spike of 4Gi in 2 s */
			put(b, "        - {at: %us, anon: %uMi, over: 2s}\n        - {at: %us, anon: %uMi}\n", at,
			    base + 4096, at + 30 < duration_s ? at + 30 : duration_s, base);
		} else {
			/* outgrows its limit, again after every restart */
			put(b, "        - {at: 20s, anon: %uMi, over: 60s}\n", base * 3);
		}
		put(b, "    sidecar:\n      usage: [{at: 0s, anon: 12Mi}]\n");
	}
}

int main(int argc, char **argv)
{
	unsigned nodes = argc > 1 ? (unsigned)atoi(argv[1]) : 5000;
	unsigned npods = argc > 2 ? (unsigned)atoi(argv[2]) : 30;
	unsigned duration_s = argc > 3 ? (unsigned)atoi(argv[3]) : 3600;
	struct buf b = {0};
	double t_gen = 0, t_sim = 0, t0;
	size_t count[PODOOM_SIMEVENT_TYPE_COUNT] = {0};
	size_t global = 0;
	struct rusage ru;

	if (!nodes || !npods || duration_s < 10) {
		fprintf(stderr, "usage: sim_fleet [NODES [PODS [DURATION_S]]]\n");
		return 2;
	}
	for (unsigned n = 0; n < nodes; n++) {
		struct podoom_scenario *sc = NULL;
		struct podoom_sim *sim = NULL;
		struct podoom_diag d = {0};
		const struct podoom_simevent *e;
		int r;

		t0 = now_sec();
		gen_node(&b, n, npods, duration_s);
		if (podoom_scenario_parse(b.p, b.n, &sc, &d) < 0 || podoom_scenario_check(sc, &d) < 0) {
			fprintf(stderr, "node %u: %u:%u: %s\n", n, d.line, d.col, d.msg);
			return 1;
		}
		t_gen += now_sec() - t0;
		t0 = now_sec();
		if (podoom_sim_new(sc, NULL, &sim, &d) < 0) {
			fprintf(stderr, "node %u: %s\n", n, d.msg);
			return 1;
		}
		while ((r = podoom_sim_next(sim, &e)) > 0) {
			count[e->type]++;
			global += e->type == PODOOM_SIMEVENT_OOM_KILL && e->kind == PODOOM_OOM_CLASS_GLOBAL;
		}
		if (r < 0) {
			fprintf(stderr, "node %u: simulation failed (%d)\n", n, r);
			return 1;
		}
		podoom_sim_free(sim);
		t_sim += now_sec() - t0;
		podoom_scenario_free(sc);
	}
	free(b.p);
	getrusage(RUSAGE_SELF, &ru);
	double ticks = (double)nodes * npods * (duration_s / 10);
	printf("fleet: %u nodes x %u pods, %u s simulated each (default kubelet, 10 s samples)\n", nodes, npods,
	       duration_s);
	printf("generate+parse: %.2f s   simulate: %.2f s   %.2f M pod-ticks/s   peak RSS %.1f MiB\n", t_gen, t_sim,
	       ticks / t_sim / 1e6, (double)ru.ru_maxrss / 1024.0);
	printf("events: %zu OOM kills (%zu global), %zu evictions, %zu restarts, %zu OOM stalls, %zu panics\n",
	       count[PODOOM_SIMEVENT_OOM_KILL], global, count[PODOOM_SIMEVENT_EVICTION], count[PODOOM_SIMEVENT_RESTART],
	       count[PODOOM_SIMEVENT_OOM_STALL], count[PODOOM_SIMEVENT_PANIC]);
	return 0;
}
