/* test_scenario.c - scenario files: the contract of the simulate issue, and
 * every malformed scenario refused with its line and column. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/scenario.h"

static const char *contract =
	"node:\n"
	"  memory: 4Gi\n"
	"  swap: 0\n"
	"  kernel: \"6.1\"\n"
	"  cgroup: {version: 2, driver: systemd}\n"
	"  system: {usage: 300Mi}\n"
	"  kubelet:\n"
	"    version: \"1.31\"\n"
	"    housekeepingInterval: 10s\n"
	"    evictionHard: {memory.available: 100Mi}\n"
	"    evictionSoft: {memory.available: 300Mi}\n"
	"    evictionSoftGracePeriod: {memory.available: 30s}\n"
	"    evictionMinimumReclaim: {memory.available: 0}\n"
	"    evictionPressureTransitionPeriod: 5m\n"
	"    kubeReserved: {memory: 200Mi}\n"
	"    systemReserved: {memory: 200Mi}\n"
	"    enforceNodeAllocatable: [pods]\n"
	"    kernelMemcgNotification: false\n"
	"    singleProcessOOMKill: false\n"
	"duration: 120s\n"
	"seed: 1\n"
	"pods:\n"
	"  - manifest: examples/nginx.yaml\n"
	"    containers:\n"
	"      nginx:\n"
	"        usage:\n"
	"          - {at: 0s, anon: 50Mi}\n"
	"          - {at: 10s, anon: 300Mi, over: 5s}\n"
	"          - {at: 40s, file: 100Mi}\n"
	"  - pod: {metadata: {name: inline, namespace: batch}, spec: {containers: [{name: worker, resources: {limits: {memory: 1Gi}}}]}}\n"
	"    containers:\n"
	"      worker:\n"
	"        processes:\n"
	"          - {name: main, usage: [{at: 0s, anon: 100Mi}]}\n"
	"          - {name: child, oomScoreAdj: 500, usage: [{at: 1s, anon: 200Mi, over: 2s}]}\n";

static const char *nginx = "apiVersion: v1\nkind: Pod\nmetadata: {name: nginx}\nspec:\n  containers:\n"
			   "  - name: nginx\n    resources: {requests: {memory: 64Mi}, limits: {memory: 200Mi}}\n";

static void test_contract(void **state)
{
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	(void)state;

	if (podoom_scenario_parse(contract, strlen(contract), &sc, &d) != 0)
		fail_msg("%u:%u %s", d.line, d.col, d.msg);
	assert_int_equal(sc->node.memory_bytes, 4LL << 30);
	assert_string_equal(sc->node.kernel, "6.1");
	assert_int_equal(sc->node.cgroup_version, 2);
	assert_int_equal(sc->node.driver, PODOOM_CGROUP_DRIVER_SYSTEMD);
	assert_int_equal(sc->node.system_usage_bytes, 300LL << 20);
	assert_string_equal(sc->node.kubelet.profile->name, "1.31"); /* the row for release 1.31 */
	assert_int_equal(sc->node.kubelet.housekeeping_usec, 10000000);
	assert_int_equal(sc->node.kubelet.eviction_hard.n, 1);
	assert_string_equal(sc->node.kubelet.eviction_hard.v[0].key, "memory.available");
	assert_string_equal(sc->node.kubelet.eviction_soft_grace.v[0].value, "30s");
	assert_int_equal(sc->node.kubelet.kube_reserved_bytes, 200LL << 20);
	assert_true(sc->node.kubelet.enforce_pods);
	/* 1.31 has no singleProcessOOMKill: ignored with a warning, as the kubelet does */
	assert_false(sc->node.kubelet.has_single_process_oom_kill);
	assert_int_equal(sc->nwarnings, 1);
	assert_int_equal(sc->warnings[0].line, 19);
	assert_non_null(strstr(sc->warnings[0].msg, "came in 1.32"));
	assert_int_equal(sc->duration_usec, 120000000);
	assert_int_equal(sc->seed, 1);
	assert_int_equal(sc->npods, 2);

	assert_string_equal(sc->pods[0].manifest_path, "examples/nginx.yaml");
	assert_false(sc->pods[0].resolved);
	assert_int_equal(podoom_scenario_check(sc, &d), -EINVAL); /* manifest not read yet */
	assert_int_equal(podoom_scenario_attach_manifest(sc, 0, nginx, strlen(nginx), &d), 0);
	assert_string_equal(sc->pods[0].pod.name, "nginx");
	const struct podoom_scenario_process *p = &sc->pods[0].containers[0].procs[0];
	assert_string_equal(p->name, "nginx");
	assert_int_equal(p->nusage, 3);
	assert_int_equal(p->usage[1].at_usec, 10000000);
	assert_int_equal(p->usage[1].over_usec, 5000000);
	assert_int_equal(p->usage[1].anon_bytes, 300LL << 20);
	assert_false(p->usage[2].has_anon);
	assert_int_equal(p->usage[2].file_bytes, 100LL << 20);

	assert_string_equal(sc->pods[1].pod.namespace, "batch");
	assert_int_equal(sc->pods[1].containers[0].nprocs, 2);
	assert_string_equal(sc->pods[1].containers[0].procs[1].name, "child");
	assert_int_equal(sc->pods[1].containers[0].procs[1].oom_score_adj, 500);
	assert_int_equal(podoom_scenario_check(sc, &d), 0);
	podoom_scenario_free(sc);
}

static void test_defaults(void **state)
{
	static const char *min = "node: {memory: 2Gi}\nduration: 1m\npods: []\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	(void)state;
	assert_int_equal(podoom_scenario_parse(min, strlen(min), &sc, &d), 0);
	assert_int_equal(sc->node.cgroup_version, 2);
	assert_ptr_equal(sc->node.kubelet.profile, podoom_kubelet_profile_default());
	assert_int_equal(sc->node.kubelet.housekeeping_usec, 10000000);
	assert_int_equal(sc->node.kubelet.pressure_transition_usec, 300000000);
	assert_true(sc->node.kubelet.enforce_pods);
	assert_false(sc->node.kubelet.eviction_hard.given);
	podoom_scenario_free(sc);
}

static void test_errors(void **state)
{
	static const struct {
		const char *in;
		unsigned line, col;
		const char *needle;
	} cases[] = {
		{"node: {memory: 2Gi}\npods: []\n", 1, 1, "duration: required"},
		{"node: {memroy: 2Gi}\nduration: 1m\npods: []\n", 1, 8, "unknown key \"memroy\""},
		{"node: {memory: 2Gi}\nduration: -5s\npods: []\n", 2, 11, "positive duration"},
		{"node: {memory: 2Gi}\nduration: 10\npods: []\n", 2, 11, "missing unit"},
		{"node: {memory: 2Gi, kernel: [6]}\nduration: 1m\npods: []\n", 1, 29, "kernel profile"},
		{"node: {memory: 2Gi, cgroup: {version: 3}}\nduration: 1m\npods: []\n", 1, 39, "1 or 2"},
		{"node: {memory: 2Gi, cgroup: {version: 1}, kubelet: {singleProcessOOMKill: false}}\nduration: 1m\npods: []\n",
		 1, 75, "only true"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- {manifest: a.yaml, pod: {spec: {}}}\n", 4, 3, "exactly one of"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {usage: [{at: 5s, anon: 1Mi}, {at: 1s, anon: 2Mi}]}\n", 6, 43, "time order"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {usage: [{at: 2m, anon: 1Mi}]}\n", 6, 22, "after the scenario's duration"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {usage: [{at: 0s, anon: -1Mi}]}\n", 6, 32, "between 0"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {processes: [{name: a/b, usage: [{at: 0s, anon: 1Mi}]}]}\n", 6, 28, "15 characters"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {processes: [{oomScoreAdj: 1001, usage: [{at: 0s, anon: 1Mi}]}]}\n", 6, 35, "-1000 to 1000"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a, resources: "
		 "{requests: {memory: 2Gi}, limits: {memory: 1Gi}}}]}}\n", 4, 70, "less than or equal to memory limit"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {usage: [{at: 0s}]}\n", 6, 17, "anon: or file:"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {usage: [{at: 0s, anon: 1Mi}], processes: [{name: a, usage: [{at: 0s, anon: 1Mi}]}]}\n", 6, 8,
		 "not both"},
		{"node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {spec: {containers: [{name: a}]}}\n  containers:\n"
		 "    a: {}\n", 6, 8, "give usage: or processes:"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_scenario *sc = NULL;
		struct podoom_diag d = {0};
		int r = podoom_scenario_parse(cases[i].in, strlen(cases[i].in), &sc, &d);
		if (r >= 0) {
			podoom_scenario_free(sc);
			fail_msg("case %zu parsed", i);
		}
		assert_null(sc);
		if (d.line != cases[i].line || d.col != cases[i].col || !strstr(d.msg, cases[i].needle))
			fail_msg("case %zu: got %u:%u \"%s\", want %u:%u with \"%s\"", i, d.line, d.col, d.msg,
				 cases[i].line, cases[i].col, cases[i].needle);
	}
}

/* command: alone (podoom run only), or with the usage that says what it does */
static void test_command_with_usage(void **state)
{
	static const char *y = "node: {memory: 2Gi}\nduration: 1m\npods:\n"
			       "- pod: {metadata: {name: p}, spec: {containers: [{name: a}, {name: b}]}}\n  containers:\n"
			       "    a: {command: [tail, /dev/zero], usage: [{at: 0s, anon: 1Gi, over: 1s}]}\n"
			       "    b: {command: [sleep, '60']}\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	(void)state;

	assert_int_equal(podoom_scenario_parse(y, strlen(y), &sc, &d), 0);
	assert_int_equal(sc->pods[0].ncontainers, 2);
	assert_int_equal(sc->pods[0].containers[0].ncommand, 2);
	assert_string_equal(sc->pods[0].containers[0].command[1], "/dev/zero");
	assert_int_equal(sc->pods[0].containers[0].nprocs, 1);
	assert_int_equal(sc->pods[0].containers[0].procs[0].usage[0].anon_bytes, 1LL << 30);
	assert_int_equal(sc->pods[0].containers[1].ncommand, 2);
	assert_int_equal(sc->pods[0].containers[1].nprocs, 0);
	podoom_scenario_free(sc);
}

static void test_check_container_names(void **state)
{
	static const char *in = "node: {memory: 2Gi}\nduration: 1m\npods:\n- pod: {metadata: {name: p}, spec: {containers: [{name: a}]}}\n"
				"  containers:\n    b: {usage: [{at: 0s, anon: 1Mi}]}\n";
	struct podoom_scenario *sc = NULL;
	struct podoom_diag d = {0};
	(void)state;
	assert_int_equal(podoom_scenario_parse(in, strlen(in), &sc, &d), 0);
	assert_int_equal(podoom_scenario_check(sc, &d), -EINVAL);
	assert_int_equal(d.line, 6);
	assert_int_equal(d.col, 5);
	assert_non_null(strstr(d.msg, "no container named b"));
	podoom_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_command_with_usage),
		cmocka_unit_test(test_check_container_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
