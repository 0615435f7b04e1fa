/* test_sim.c - the node simulator against what the kernel and the kubelet do:
 * crossing times solved exactly, the victim the kernel model picks in each
 * scope, memory.oom.group against singleProcessOOMKill, the kubelet's
 * back-off (0, 10 s, 20 s, 40 s ...), eviction at sample times only, soft
 * thresholds after their grace period, determinism. Numbers in the comments
 * are worked from reference/kernel.md §1-§2 and reference/kubernetes.md §2-§4. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/sim.h"

#define MI (1024LL * 1024)
#define SEC 1000000LL

struct rec {
	enum podoom_simevent_type type;
	int64_t t;
	char pod[64], container[64], process[16], scope[512], threshold[64], why[1024];
	int32_t pid;
	int adj;
	enum podoom_oom_class kind;
	bool group_member, main_process, on;
	int exit_code;
	int64_t backoff, limit;
	uint64_t oom_seq;
	int32_t trigger_pid;
	size_t nranking;
	int64_t top_points;
};

struct run {
	struct rec *v;
	size_t n;
	struct podoom_sim_node_info node;
};

static void run_free(struct run *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int sim_run(const char *yaml, const struct podoom_sim_options *opts, struct run *out, struct podoom_diag *diag)
{
	struct podoom_scenario *sc = NULL;
	struct podoom_sim *s = NULL;
	const struct podoom_simevent *e;
	int r;

	memset(out, 0, sizeof(*out));
	r = podoom_scenario_parse(yaml, strlen(yaml), &sc, diag);
	if (r < 0)
		return r;
	r = podoom_scenario_check(sc, diag);
	if (r == 0)
		r = podoom_sim_new(sc, opts, &s, diag);
	if (r < 0) {
		podoom_scenario_free(sc);
		return r;
	}
	podoom_sim_node_info(s, &out->node);
	while ((r = podoom_sim_next(s, &e)) > 0) {
		struct rec *x;
		out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
		assert_non_null(out->v);
		x = &out->v[out->n++];
		memset(x, 0, sizeof(*x));
		x->type = e->type;
		x->t = e->time_usec;
		snprintf(x->pod, sizeof(x->pod), "%s", e->pod);
		snprintf(x->container, sizeof(x->container), "%s", e->container);
		snprintf(x->process, sizeof(x->process), "%s", e->process);
		snprintf(x->scope, sizeof(x->scope), "%s", e->scope);
		snprintf(x->threshold, sizeof(x->threshold), "%s", e->threshold);
		snprintf(x->why, sizeof(x->why), "%s", e->why);
		x->pid = e->pid;
		x->adj = e->oom_score_adj;
		x->kind = e->kind;
		x->group_member = e->group_member;
		x->main_process = e->main_process;
		x->on = e->on;
		x->exit_code = e->exit_code;
		x->backoff = e->backoff_usec;
		x->limit = e->limit_bytes;
		x->oom_seq = e->oom_seq;
		x->nranking = e->nranking;
		x->top_points = e->nranking ? e->ranking[0].points : 0;
		x->trigger_pid = e->ntasks ? e->tasks[e->trigger].task.pid : 0;
		if (e->type == PODOOM_SIMEVENT_OOM_KILL && !e->group_member) {
			/* the report view is consistent with the record */
			assert_true(e->ntasks > 0);
			assert_int_equal(e->tasks[e->victim].task.pid, e->pid);
			assert_string_equal(e->memcgs[0].path, "/");
			if (e->oom_memcg >= 0)
				assert_string_equal(e->memcgs[e->oom_memcg].path, e->scope);
		}
	}
	podoom_sim_free(s);
	podoom_scenario_free(sc);
	return r;
}

static void must_run(const char *yaml, struct run *out)
{
	struct podoom_diag d = {0};
	int r = sim_run(yaml, NULL, out, &d);
	if (r != 0)
		fail_msg("simulation failed: %d at %u:%u: %s", r, d.line, d.col, d.msg);
}

static const struct rec *nth(const struct run *r, enum podoom_simevent_type type, size_t k)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].type == type && k-- == 0)
			return &r->v[i];
	return NULL;
}

static size_t count(const struct run *r, enum podoom_simevent_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].type == type;
	return n;
}

#define NODE4G                                                                                                  \
	"node:\n  memory: 4Gi\n  kernel: \"6.1\"\n  cgroup: {version: 2, driver: systemd}\n"                     \
	"  kubelet: {version: \"1.34\"}\n"

/* ---- limits ------------------------------------------------------------------ */

static void test_container_limit_exact_time(void **state)
{
	/* a second container without a limit leaves the pod cgroup unlimited, so
	 * the container's own memory.max is what fails the charge */
	static const char *y = NODE4G "duration: 8s\npods:\n"
				      "- pod: {metadata: {name: web}, spec: {containers: [\n"
				      "    {name: app, resources: {limits: {memory: 200Mi}}},\n"
				      "    {name: side, resources: {requests: {memory: 10Mi}}}]}}\n"
				      "  containers:\n"
				      "    app: {usage: [{at: 0s, anon: 100Mi}, {at: 0s, anon: 300Mi, over: 10s}]}\n";
	struct run r;
	const struct rec *k, *x, *rs;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	/* memory comes in pages: the charge fails once the container holds one
	 * page more than 200Mi, 100Mi + 200Mi * t / 10 s >= 200Mi + 4096, first
	 * at t = 5000196 usec */
	assert_int_equal(k->t, 5000196);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
	assert_string_equal(k->container, "app");
	assert_true(k->main_process);
	assert_int_equal(k->limit, 200 * MI);
	assert_non_null(strstr(k->scope, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"));
	assert_non_null(strstr(k->scope, ".slice/cri-containerd-"));
	assert_int_equal(k->nranking, 1); /* only app lives in the container's memcg */
	x = nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0);
	assert_non_null(x);
	assert_int_equal(x->t, k->t);
	assert_int_equal(x->exit_code, 137);
	assert_int_equal(x->backoff, SEC); /* the first restart: at the next relist */
	rs = nth(&r, PODOOM_SIMEVENT_RESTART, 0);
	assert_non_null(rs);
	assert_int_equal(rs->t, k->t + SEC);
	assert_true(rs->pid > k->pid); /* a new process */
	/* after the restart the curve replays: 5 s later it dies again, past the 8 s end */
	assert_int_equal(count(&r, PODOOM_SIMEVENT_OOM_KILL), 1);
	run_free(&r);
}

static void test_single_container_pod_hits_pod_limit(void **state)
{
	/* one container with a limit: the pod cgroup gets the same limit, and
	 * the sandbox's memory is charged to it too, so the pod level fails
	 * first (corpus sample 22) */
	static const char *y = NODE4G "duration: 8s\npods:\n"
				      "- pod: {metadata: {name: web}, spec: {containers: [\n"
				      "    {name: app, resources: {limits: {memory: 200Mi}}}]}}\n"
				      "  containers:\n"
				      "    app: {usage: [{at: 0s, anon: 300Mi, over: 10s}]}\n";
	struct run r;
	const struct rec *k;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_POD_LIMIT);
	assert_null(strstr(k->scope, "cri-containerd"));
	assert_int_equal(k->nranking, 2); /* app and pause */
	/* 300Mi * t / 10 s + 256Ki (pause) >= 200Mi + 4096: t = 6658464 usec */
	assert_int_equal(k->t, 6658464);
	run_free(&r);
}

static void test_pod_level_limit(void **state)
{
	/* PodLevelResources (1.34 profile): spec.resources.limits caps the pod
	 * cgroup; containers without their own limit inherit it for theirs */
	static const char *y = NODE4G "duration: 20s\npods:\n"
				      "- pod: {metadata: {name: duo}, spec: {resources: {limits: {memory: 400Mi}},\n"
				      "    containers: [{name: a}, {name: b}]}}\n"
				      "  containers:\n"
				      "    a: {usage: [{at: 0s, anon: 250Mi}]}\n"
				      "    b: {usage: [{at: 0s, anon: 10Mi}, {at: 1s, anon: 300Mi, over: 10s}]}\n";
	struct run r;
	const struct rec *k;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_POD_LIMIT);
	assert_int_equal(k->limit, 400 * MI);
	/* b allocates, but a has more pages at the same adj: a dies */
	assert_string_equal(k->container, "a");
	assert_string_equal(k->why + strlen(k->why) - strlen("was the one allocating"), "was the one allocating");
	run_free(&r);
}

static void test_node_allocatable_three_qos(void **state)
{
	/* kubepods = 4Gi - 512Mi - 512Mi = 3Gi = 786432 pages, 786 per adj unit.
	 * At the OOM b holds ~871Mi (223000 pages) at adj 750 (request 1Gi):
	 * 223000 + 750*786 = 812500; be holds 300Mi at adj 1000: 76800 + 786000
	 * = 862800, so BestEffort dies though g and b are far bigger. (With a
	 * 512Mi request b would score 875*786 + 223000 = 910750 and die.) */
	static const char *y =
		"node:\n  memory: 4Gi\n  kernel: \"6.1\"\n"
		"  kubelet: {version: \"1.34\", kubeReserved: {memory: 512Mi}, systemReserved: {memory: 512Mi},\n"
		"            evictionHard: {memory.available: 1Mi}}\n"
		"duration: 30s\npods:\n"
		"- pod: {metadata: {name: g}, spec: {containers: [{name: c, resources: {limits: {cpu: 1, memory: 2Gi}}}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 1900Mi}]}}\n"
		"- pod: {metadata: {name: b}, spec: {containers: [{name: c, resources: {requests: {memory: 1Gi}}}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 600Mi}, {at: 1s, anon: 1200Mi, over: 20s}]}}\n"
		"- pod: {metadata: {name: be}, spec: {containers: [{name: c}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 300Mi}]}}\n";
	struct run r;
	const struct rec *k;
	(void)state;

	must_run(y, &r);
	assert_int_equal(r.node.kubepods_limit_bytes, 3072 * MI);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_NODE_ALLOCATABLE);
	assert_string_equal(k->scope, "/kubepods.slice");
	assert_string_equal(k->pod, "be");
	assert_int_equal(k->adj, 1000);
	assert_int_equal(k->nranking, 6); /* three pods, three pauses */
	run_free(&r);
}

static void test_burstable_over_request_before_small_besteffort(void **state)
{
	/* global OOM, totalpages = 1048576, 1048 pages per adj unit:
	 * burstable (request 100Mi: adj 1000 - 1000*100/4096 = 976) at ~2.4Gi
	 * scores ~630000 + 976*1048; besteffort at 50Mi scores 12800 + 1048000 */
	static const char *y =
		NODE4G "  system: {usage: 512Mi}\n"
		"duration: 60s\npods:\n"
		"- pod: {metadata: {name: greedy}, spec: {containers: [{name: c, resources: {requests: {memory: 100Mi}}}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 1Gi}, {at: 1s, anon: 4Gi, over: 4s}]}}\n"
		"- pod: {metadata: {name: small}, spec: {containers: [{name: c}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 50Mi}]}}\n";
	struct run r;
	const struct rec *k;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_GLOBAL);
	assert_string_equal(k->scope, "/");
	assert_string_equal(k->pod, "greedy");
	assert_int_equal(k->adj, 976);
	/* it ran out between the samples at 0 s and 10 s */
	assert_true(k->t > 0 && k->t < 10 * SEC);
	assert_non_null(strstr(k->why, "too late"));
	run_free(&r);
}

/* ---- victims inside one container ------------------------------------------- */

static void test_bystander_dies(void **state)
{
	/* the main process allocates; the bigger child is chosen (more pages,
	 * same adj). singleProcessOOMKill keeps it to one process, so the
	 * container runs on and the main process dies at the next OOM */
	static const char *y =
		"node:\n  memory: 4Gi\n  kubelet: {version: \"1.32\", singleProcessOOMKill: true}\n"
		"duration: 20s\npods:\n"
		"- pod: {metadata: {name: w}, spec: {containers: [{name: c, resources: {limits: {memory: 300Mi}}},\n"
		"                                                 {name: s}]}}\n"
		"  containers:\n"
		"    c:\n"
		"      processes:\n"
		"        - {name: main, usage: [{at: 0s, anon: 20Mi}, {at: 1s, anon: 400Mi, over: 10s}]}\n"
		"        - {name: cache, usage: [{at: 0s, anon: 200Mi}]}\n";
	struct run r;
	const struct rec *k1, *k2, *x;
	(void)state;

	must_run(y, &r);
	assert_false(r.node.oom_group);
	k1 = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	k2 = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 1);
	assert_non_null(k1);
	assert_non_null(k2);
	assert_string_equal(k1->process, "cache");
	assert_false(k1->main_process);
	assert_int_not_equal(k1->trigger_pid, k1->pid); /* main was allocating */
	/* main passes 100Mi: 20 + 380*(t-1)/10 > 100 at t = 3.1 s */
	assert_true(k1->t > 3 * SEC && k1->t < 4 * SEC);
	/* no exit until main itself dies when it passes 300Mi at t = 8.37 s */
	x = nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0);
	assert_non_null(x);
	assert_string_equal(k2->process, "main");
	assert_true(k2->main_process);
	assert_int_equal(x->t, k2->t);
	assert_true(k2->t > 8 * SEC && k2->t < 9 * SEC);
	run_free(&r);
}

static void test_group_kill_vs_single_process(void **state)
{
	/* three processes; the worker grows past the limit. cgroup v2 with a
	 * 1.28+ kubelet: memory.oom.group=1, all three die in one OOM; with
	 * singleProcessOOMKill only the worker; cgroup v1 only the worker */
	static const char *pods =
		"duration: 10s\npods:\n"
		"- pod: {metadata: {name: w}, spec: {containers: [{name: c, resources: {limits: {memory: 300Mi}}}, {name: s}]}}\n"
		"  containers:\n"
		"    c:\n"
		"      processes:\n"
		"        - {name: main, usage: [{at: 0s, anon: 20Mi}]}\n"
		"        - {name: helper, usage: [{at: 0s, anon: 30Mi}]}\n"
		"        - {name: worker, usage: [{at: 0s, anon: 10Mi}, {at: 1s, anon: 500Mi, over: 5s}]}\n";
	static const char *heads[] = {
		"node: {memory: 4Gi, kubelet: {version: \"1.32\"}}\n",
		"node: {memory: 4Gi, kubelet: {version: \"1.32\", singleProcessOOMKill: true}}\n",
		"node: {memory: 4Gi, cgroup: {version: 1, driver: cgroupfs}, kubelet: {version: \"1.32\"}}\n",
		"node: {memory: 4Gi, kubelet: {version: \"1.27\"}}\n",
	};
	static const size_t killed[] = {3, 1, 1, 1};
	(void)state;

	for (size_t i = 0; i < 4; i++) {
		char y[2048];
		struct run r;
		const struct rec *k;
		snprintf(y, sizeof(y), "%s%s", heads[i], pods);
		must_run(y, &r);
		k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
		assert_non_null(k);
		assert_string_equal(k->process, "worker");
		/* count the records of the first OOM */
		size_t n = 0;
		for (size_t j = 0; j < r.n; j++)
			n += r.v[j].type == PODOOM_SIMEVENT_OOM_KILL && r.v[j].oom_seq == 1;
		print_message("case %zu: %zu killed\n", i, n);
		assert_int_equal(n, killed[i]);
		/* only the group kill takes the main process, and so the container */
		if (killed[i] == 3) {
			assert_true(r.node.oom_group);
			assert_true(nth(&r, PODOOM_SIMEVENT_OOM_KILL, 1)->group_member);
			assert_int_equal(nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0)->t, k->t);
		} else {
			const struct rec *x = nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0);
			assert_true(x == NULL || x->t > k->t);
		}
		run_free(&r);
	}
}

static void test_adj_min_never_chosen(void **state)
{
	/* the big process is exempt (-1000): the small one dies, then nothing is
	 * left to kill and the allocation hangs */
	static const char *y =
		NODE4G "duration: 30s\npods:\n"
		"- pod: {metadata: {name: w}, spec: {containers: [{name: c, resources: {limits: {memory: 300Mi}}}, {name: s}]}}\n"
		"  containers:\n"
		"    c:\n"
		"      processes:\n"
		"        - {name: agent, oomScoreAdj: -1000, usage: [{at: 0s, anon: 100Mi}, {at: 1s, anon: 500Mi, over: 10s}]}\n"
		"        - {name: helper, usage: [{at: 0s, anon: 20Mi}]}\n";
	struct run r;
	const struct rec *k, *st;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_string_equal(k->process, "helper");
	assert_int_equal(count(&r, PODOOM_SIMEVENT_OOM_KILL), 1);
	st = nth(&r, PODOOM_SIMEVENT_OOM_STALL, 0);
	assert_non_null(st);
	assert_true(st->t > k->t);
	assert_int_equal(st->kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
	for (size_t i = 0; i < r.n; i++)
		assert_false(r.v[i].type == PODOOM_SIMEVENT_OOM_KILL && strcmp(r.v[i].process, "agent") == 0);
	run_free(&r);
}

/* a host that refuses negative oom_score_adj values (no CAP_SYS_RESOURCE): the
 * Guaranteed pod runs with its inherited 0 and becomes the victim */
static void test_adj_floor(void **state)
{
	/* kubepods 3Gi = 786432 pages, 786 per adj unit. g holds 2000Mi (512000
	 * pages); b (request 3Gi: adj 1000 - 1000*3/4 = 250) reaches 1072Mi at
	 * the OOM: 274432 + 250*786 = 470932. At -997 g scores below 0 and b
	 * dies; at 0 g's 512000 wins. */
	static const char *y =
		"node:\n  memory: 4Gi\n  kernel: \"6.1\"\n"
		"  kubelet: {version: \"1.34\", kubeReserved: {memory: 512Mi}, systemReserved: {memory: 512Mi},\n"
		"            evictionHard: {memory.available: 1Mi}}\n"
		"duration: 30s\npods:\n"
		"- pod: {metadata: {name: g}, spec: {restartPolicy: Never, containers: [{name: c, resources: {limits: {cpu: 1, memory: 2Gi}}}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 2000Mi}]}}\n"
		"- pod: {metadata: {name: b}, spec: {restartPolicy: Never, containers: [{name: c, resources: {requests: {memory: 3Gi}}}]}}\n"
		"  containers: {c: {usage: [{at: 0s, anon: 600Mi}, {at: 1s, anon: 1200Mi, over: 20s}]}}\n";
	struct podoom_sim_options floor = {.has_adj_floor = true, .adj_floor = 0, .adj_refused_value = 0};
	struct podoom_diag d = {0};
	struct run r;
	const struct rec *k;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_string_equal(k->pod, "b");
	run_free(&r);
	assert_int_equal(sim_run(y, &floor, &r, &d), 0);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_string_equal(k->pod, "g");
	assert_int_equal(k->adj, 0);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_NODE_ALLOCATABLE);
	run_free(&r);
}

static void test_sandbox_killed(void **state)
{
	/* a pod-level limit, the only app process exempt (-1000): the pause
	 * process (-998, 256 KiB) is all the memcg OOM killer can take. The
	 * kubelet then sees the sandbox gone, kills the container ("Error",
	 * 137) and starts a new sandbox and container at its next relist */
	static const char *y = NODE4G "duration: 4s\npods:\n"
				      "- pod: {metadata: {name: p}, spec: {resources: {limits: {memory: 100Mi}},\n"
				      "    containers: [{name: c}]}}\n"
				      "  containers:\n"
				      "    c:\n"
				      "      processes:\n"
				      "        - {name: app, oomScoreAdj: -1000, usage: [{at: 1s, anon: 200Mi}]}\n";
	struct run r;
	const struct rec *k, *x, *rs;
	(void)state;

	must_run(y, &r);
	k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0);
	assert_non_null(k);
	assert_int_equal(k->t, SEC);
	assert_string_equal(k->process, "pause");
	assert_string_equal(k->container, "POD");
	assert_int_equal(k->adj, -998);
	assert_int_equal(k->kind, PODOOM_OOM_CLASS_POD_LIMIT);
	x = nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0);
	assert_non_null(x);
	assert_int_equal(x->t, SEC);
	assert_non_null(strstr(x->why, "sandbox"));
	rs = nth(&r, PODOOM_SIMEVENT_RESTART, 0);
	assert_non_null(rs);
	assert_int_equal(rs->t, 2 * SEC);
	/* at 2 s + 1 s the app steps to 200Mi again: the same, once more */
	assert_int_equal(nth(&r, PODOOM_SIMEVENT_OOM_KILL, 1)->t, 3 * SEC);
	run_free(&r);
}

static void test_caps(void **state)
{
	static const struct {
		const char *yaml;
		int ret;
		const char *msg;
	} cases[] = {
		{"node: {memory: 17Ti}\nduration: 1s\npods: []\n", -E2BIG, "16Ti"},
		{"node: {memory: 1Gi, system: {usage: 2Gi}}\nduration: 1s\npods: []\n", -EINVAL, "system.usage"},
		{"node: {memory: 1Gi, kubelet: {housekeepingInterval: 1ms}}\nduration: 8784h\npods: []\n", -E2BIG,
		 "kubelet samples"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_diag d = {0};
		struct run r;
		assert_int_equal(sim_run(cases[i].yaml, NULL, &r, &d), cases[i].ret);
		assert_non_null(strstr(d.msg, cases[i].msg));
		run_free(&r);
	}
	/* a process asking for 8 exabytes is taken as 16 TiB: no overflow, an
	 * OOM, at kubepods (limit = capacity, nothing reserved), which fails the
	 * charge before the node's RAM does */
	{
		static const char *y = NODE4G "duration: 2s\npods:\n"
					      "- pod: {metadata: {name: p}, spec: {containers: [{name: c}]}}\n"
					      "  containers: {c: {usage: [{at: 1s, anon: 8Ei, file: 8Ei}]}}\n";
		struct run r;
		must_run(y, &r);
		assert_int_equal(nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0)->kind, PODOOM_OOM_CLASS_NODE_ALLOCATABLE);
		run_free(&r);
	}
}

/* ---- the kubelet ------------------------------------------------------------ */

static void test_spike_vs_slow_leak(void **state)
{
	const char *y = podoom_sim_default_scenario();
	struct run r;
	const struct rec *k, *ev;
	(void)state;

	must_run(y, &r);
	/* the spike: a global OOM of the BestEffort job between two samples */
	for (size_t i = 0;; i++) {
		k = nth(&r, PODOOM_SIMEVENT_OOM_KILL, i);
		assert_non_null(k);
		if (k->kind == PODOOM_OOM_CLASS_GLOBAL)
			break;
	}
	assert_string_equal(k->pod, "report");
	assert_int_equal(k->adj, 1000);
	assert_true(k->t % (10 * SEC) != 0);
	/* the leak: evicted by the kubelet at one of its samples */
	ev = nth(&r, PODOOM_SIMEVENT_EVICTION, 0);
	assert_non_null(ev);
	assert_string_equal(ev->pod, "api");
	assert_int_equal(ev->t % (10 * SEC), 0);
	assert_int_equal(count(&r, PODOOM_SIMEVENT_EVICTION), 1);
	/* and the leaking pod's memory comes back after its 1 s grace period */
	assert_int_equal(nth(&r, PODOOM_SIMEVENT_POD_STOPPED, 0)->t, ev->t + SEC);
	/* the Guaranteed database is never touched */
	for (size_t i = 0; i < r.n; i++)
		assert_true(strcmp(r.v[i].pod, "db") != 0 || r.v[i].type == PODOOM_SIMEVENT_START);
	run_free(&r);
}

static void test_soft_threshold_grace(void **state)
{
	/* evictionSoft 1Gi for 30s: first met at the 20 s sample (available
	 * 4Gi - 512Mi - 2.6Gi < 1Gi), so the eviction comes at the first sample
	 * at least 30 s later, 50 s; a dip that recovers within 30 s evicts
	 * nothing */
#define SOFT_FMT \
	"node:\n  memory: 4Gi\n  system: {usage: 512Mi}\n" \
	"  kubelet: {version: \"1.34\", evictionSoft: {memory.available: 1Gi},\n" \
	"            evictionSoftGracePeriod: {memory.available: 30s}}\n" \
	"duration: 90s\npods:\n" \
	"- pod: {metadata: {name: leak}, spec: {containers: [{name: c}]}}\n" \
	"  containers: {c: {usage: [{at: 0s, anon: 2Gi}, {at: 15s, anon: 2700Mi, over: 1s}%s]}}\n"
	char y[1024];
	struct run r;
	const struct rec *t, *ev;
	(void)state;

	snprintf(y, sizeof(y), SOFT_FMT, "");
	must_run(y, &r);
	assert_int_equal(r.node.soft_threshold_bytes, 1024 * MI);
	t = nth(&r, PODOOM_SIMEVENT_THRESHOLD, 0);
	assert_non_null(t);
	assert_true(t->on);
	assert_int_equal(t->t, 20 * SEC);
	assert_string_equal(t->threshold, "memory.available<1Gi for 30s");
	ev = nth(&r, PODOOM_SIMEVENT_EVICTION, 0);
	assert_non_null(ev);
	assert_int_equal(ev->t, 50 * SEC);
	run_free(&r);

	snprintf(y, sizeof(y), SOFT_FMT, ", {at: 35s, anon: 1Gi}");
	must_run(y, &r);
	assert_non_null(nth(&r, PODOOM_SIMEVENT_THRESHOLD, 0));
	assert_false(nth(&r, PODOOM_SIMEVENT_THRESHOLD, 1)->on); /* cleared at 40 s */
	assert_int_equal(nth(&r, PODOOM_SIMEVENT_THRESHOLD, 1)->t, 40 * SEC);
	assert_int_equal(count(&r, PODOOM_SIMEVENT_EVICTION), 0);
	run_free(&r);
}

static void test_memcg_notifier(void **state)
{
	/* evictionHard 500Mi on 4Gi, system 512Mi, a pod at 2.5Gi growing 30Mi/s:
	 * the working set reaches 4096 - 500 = 3596Mi at t = 524/30 = 17.47 s.
	 * cgroup v1 with kernelMemcgNotification: the notifier runs synchronize
	 * then; otherwise (or on v2, where the notifier is a no-op) the sample at
	 * 20 s finds it */
#define NOTIFY_FMT \
	"node:\n  memory: 4Gi\n  system: {usage: 512Mi}\n  cgroup: {version: %s, driver: cgroupfs}\n" \
	"  kubelet: {version: \"1.26\", evictionHard: {memory.available: 500Mi}, kernelMemcgNotification: %s}\n" \
	"duration: 40s\npods:\n" \
	"- pod: {metadata: {name: leak}, spec: {containers: [{name: c}]}}\n" \
	"  containers: {c: {usage: [{at: 0s, anon: 2560Mi}, {at: 0s, anon: 3760Mi, over: 40s}]}}\n"
	static const struct {
		const char *version, *notify;
		int64_t at;
	} cases[] = {
		{"1", "true", -1}, {"1", "false", 20 * SEC}, {"2", "true", 20 * SEC}};
	(void)state;

	for (size_t i = 0; i < 3; i++) {
		char y[1024];
		struct run r;
		const struct rec *ev;
		snprintf(y, sizeof(y), NOTIFY_FMT, cases[i].version, cases[i].notify);
		must_run(y, &r);
		ev = nth(&r, PODOOM_SIMEVENT_EVICTION, 0);
		assert_non_null(ev);
		print_message("case %zu: eviction at %lld\n", i, (long long)ev->t);
		if (cases[i].at < 0) {
			/* 2560Mi + 1200Mi * t / 40 s > 3596Mi - 256Ki (the pause) - 512Mi */
			assert_true(ev->t > 17400000 && ev->t < 17500000);
			assert_non_null(strstr(ev->why, "memcg threshold notifier"));
		} else {
			assert_int_equal(ev->t, cases[i].at);
		}
		run_free(&r);
	}
}

static void test_restart_backoff(void **state)
{
	/* it dies 5 s after every start: restarts after the kubelet's next relist
	 * (1 s), then after 10, 20, 40, 80, 160, 300 and 300 s
	 * (flowcontrol.Backoff, MaxContainerBackOff) */
	static const char *y = NODE4G "duration: 1200s\npods:\n"
				      "- pod: {metadata: {name: crash}, spec: {containers: [\n"
				      "    {name: c, resources: {limits: {memory: 100Mi}}}, {name: s}]}}\n"
				      "  containers: {c: {usage: [{at: 5s, anon: 200Mi}]}}\n";
	static const int64_t waits[] = {1, 10, 20, 40, 80, 160, 300, 300};
	struct run r;
	(void)state;

	must_run(y, &r);
	for (size_t i = 0; i < 8; i++) {
		const struct rec *x = nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, i);
		const struct rec *rs = nth(&r, PODOOM_SIMEVENT_RESTART, i);
		assert_non_null(x);
		assert_non_null(rs);
		print_message("exit %zu at %lld, restart at %lld\n", i, (long long)x->t, (long long)rs->t);
		assert_int_equal(x->backoff, waits[i] * SEC);
		assert_int_equal(rs->t - x->t, waits[i] * SEC);
		/* the step at 5 s after each start is what kills it */
		if (i > 0)
			assert_int_equal(x->t, nth(&r, PODOOM_SIMEVENT_RESTART, i - 1)->t + 5 * SEC);
	}
	run_free(&r);
}

static void test_restart_policy_never_and_onfailure(void **state)
{
#define POLICY_FMT \
	NODE4G "duration: 60s\npods:\n" \
	"- pod: {metadata: {name: j}, spec: {restartPolicy: %s, containers: [\n" \
	"    {name: c, resources: {limits: {memory: 100Mi}}}, {name: s}]}}\n" \
	"  containers: {c: {usage: [{at: 5s, anon: 200Mi}]}}\n"
	char y[1024];
	struct run r;
	(void)state;

	snprintf(y, sizeof(y), POLICY_FMT, "Never");
	must_run(y, &r);
	assert_int_equal(count(&r, PODOOM_SIMEVENT_OOM_KILL), 1);
	assert_int_equal(count(&r, PODOOM_SIMEVENT_RESTART), 0);
	assert_int_equal(nth(&r, PODOOM_SIMEVENT_CONTAINER_EXIT, 0)->backoff, -1);
	run_free(&r);
	snprintf(y, sizeof(y), POLICY_FMT, "OnFailure"); /* 137 is a failure */
	must_run(y, &r);
	assert_true(count(&r, PODOOM_SIMEVENT_RESTART) >= 2);
	run_free(&r);
}

/* ---- determinism and input --------------------------------------------------- */

static void test_deterministic(void **state)
{
	const char *y = podoom_sim_default_scenario();
	struct podoom_sim_options o = {.has_seed = true, .seed = 7};
	struct podoom_diag d = {0};
	struct run a, b, c;
	(void)state;

	assert_int_equal(sim_run(y, &o, &a, &d), 0);
	assert_int_equal(sim_run(y, &o, &b, &d), 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.v, b.v, a.n * sizeof(*a.v));
	o.seed = 8;
	assert_int_equal(sim_run(y, &o, &c, &d), 0);
	/* the same story with other names: ids, paths and pids change, times do not */
	assert_int_equal(a.n, c.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_int_equal(a.v[i].type, c.v[i].type);
		assert_int_equal(a.v[i].t, c.v[i].t);
	}
	assert_string_not_equal(nth(&a, PODOOM_SIMEVENT_OOM_KILL, 0)->scope, nth(&c, PODOOM_SIMEVENT_OOM_KILL, 0)->scope);
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

static void test_given_uid(void **state)
{
	static const char *y = NODE4G "duration: 10s\npods:\n"
				      "- pod: {metadata: {name: u, uid: 1a2b-3c}, spec: {containers: [\n"
				      "    {name: c, resources: {limits: {memory: 100Mi}}}]}}\n"
				      "  containers: {c: {usage: [{at: 1s, anon: 200Mi}]}}\n";
	struct run r;
	(void)state;

	static const char *pod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c.slice/";
	must_run(y, &r);
	/* a step past both limits at once: the lowest memcg, the container's, fails first */
	assert_int_equal(strncmp(nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0)->scope, pod, strlen(pod)), 0);
	assert_int_equal(nth(&r, PODOOM_SIMEVENT_OOM_KILL, 0)->kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
	run_free(&r);
}

static void test_refused(void **state)
{
	static const struct {
		const char *yaml;
		uint32_t line, col;
		const char *msg;
	} cases[] = {
		{"node: {memory: 4Gi, kernel: \"2.6.18\"}\nduration: 1s\npods: []\n", 1, 29, "no kernel profile"},
		{"node: {memory: 4Gi, kernel: \"banana\"}\nduration: 1s\npods: []\n", 1, 29, "no kernel profile"},
		{"node: {memory: 1Gi, kubelet: {kubeReserved: {memory: 600Mi}, systemReserved: {memory: 600Mi}}}\n"
		 "duration: 1s\npods: []\n",
		 0, 0, "leave nothing of node.memory"},
		{"node:\n  memory: 1Gi\n  kubelet:\n    evictionSoft: {memory.available: 100Mi}\nduration: 1s\npods: []\n", 4, 38,
		 "grace period"},
		{"node:\n  memory: 1Gi\n  kubelet:\n    evictionHard: {memory.available: 10Gb}\nduration: 1s\npods: []\n", 4,
		 38, "evictionHard"},
		{"node: {memory: 1Gi}\nduration: 1s\npods:\n- pod: {metadata: {name: x}, spec: {initContainers: [{name: i}], "
		 "containers: [{name: c}]}}\n  containers:\n    i: {usage: [{at: 0s, anon: 1Mi}]}\n",
		 6, 5, "init container"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_diag d = {0};
		struct run r;
		print_message("case %zu\n", i);
		assert_int_equal(sim_run(cases[i].yaml, NULL, &r, &d), -EINVAL);
		print_message("  %u:%u %s\n", d.line, d.col, d.msg);
		assert_int_equal(d.line, cases[i].line);
		assert_int_equal(d.col, cases[i].col);
		assert_non_null(strstr(d.msg, cases[i].msg));
		run_free(&r);
	}
}

static void test_series(void **state)
{
	static const char *y = NODE4G "duration: 20s\npods:\n"
				      "- pod: {metadata: {name: p}, spec: {containers: [{name: c}]}}\n"
				      "  containers: {c: {usage: [{at: 0s, anon: 100Mi, file: 50Mi}, {at: 5s, anon: 200Mi, over: 10s}]}}\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_sim *s = NULL;
	struct podoom_sim_options o = {.record_series = true};
	struct podoom_diag d = {0};
	const struct podoom_simevent *e;
	const struct podoom_sim_point *pts;
	size_t n;
	(void)state;

	assert_int_equal(podoom_scenario_parse(y, strlen(y), &sc, &d), 0);
	assert_int_equal(podoom_sim_new(sc, &o, &s, &d), 0);
	while (podoom_sim_next(s, &e) > 0)
		;
	pts = podoom_sim_pod_series(s, 0, &n);
	/* 0 s, 5 s, 15 s, 20 s: collinear points between are dropped */
	assert_int_equal(n, 4);
	assert_int_equal(pts[1].t_usec, 5 * SEC);
	assert_int_equal(pts[2].t_usec, 15 * SEC);
	assert_int_equal(pts[2].working_set_bytes, 200 * MI + 256 * 1024); /* pause included */
	assert_int_equal(pts[2].usage_bytes, 250 * MI + 256 * 1024);
	assert_int_equal(pts[3].t_usec, 20 * SEC);
	pts = podoom_sim_node_series(s, &n);
	assert_true(n >= 4);
	podoom_sim_free(s);
	podoom_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_limit_exact_time),
		cmocka_unit_test(test_single_container_pod_hits_pod_limit),
		cmocka_unit_test(test_pod_level_limit),
		cmocka_unit_test(test_node_allocatable_three_qos),
		cmocka_unit_test(test_burstable_over_request_before_small_besteffort),
		cmocka_unit_test(test_bystander_dies),
		cmocka_unit_test(test_group_kill_vs_single_process),
		cmocka_unit_test(test_adj_min_never_chosen),
		cmocka_unit_test(test_adj_floor),
		cmocka_unit_test(test_sandbox_killed),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_spike_vs_slow_leak),
		cmocka_unit_test(test_soft_threshold_grace),
		cmocka_unit_test(test_memcg_notifier),
		cmocka_unit_test(test_restart_backoff),
		cmocka_unit_test(test_restart_policy_never_and_onfailure),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_given_uid),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
