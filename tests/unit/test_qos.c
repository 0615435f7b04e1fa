/* test_qos.c - QoS class and oom_score_adj against reference/kubernetes.md
 * §1.6 (worked QoS examples) and §2.3 (the worked oom_score_adj table). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/manifest.h"
#include "podoom/qos.h"

#define CAP_8GI 8589934592LL

static const struct podoom_kubelet_profile *profile(const char *v)
{
	const struct podoom_kubelet_profile *kp = NULL;
	assert_int_equal(podoom_kubelet_profile_lookup(v, &kp), 0);
	return kp;
}

static struct podoom_manifests *load(const char *yaml)
{
	struct podoom_manifests *m = NULL;
	struct podoom_diag d = {0};
	int r = podoom_manifests_parse(yaml, strlen(yaml), &m, &d);
	if (r != 0)
		fail_msg("parse failed: %d %u:%u %s", r, d.line, d.col, d.msg);
	if (podoom_manifests_nerrors(m) != 0)
		fail_msg("manifest error: %s", podoom_manifests_msg(m, 0)->diag.msg);
	return m;
}

/* one Burstable container with the given memory request (cpu request makes it Burstable) */
static int adj_for_request(const char *kver, const char *mem_request, int64_t cap)
{
	char yaml[512];
	struct podoom_adj adj;
	struct podoom_manifests *m;

	if (mem_request)
		snprintf(yaml, sizeof(yaml),
			 "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n"
			 "      requests: {cpu: 100m, memory: \"%s\"}\n",
			 mem_request);
	else
		snprintf(yaml, sizeof(yaml),
			 "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n"
			 "      requests: {cpu: 100m}\n");
	m = load(yaml);
	const struct podoom_pod *pod = podoom_manifests_pod(m, 0);
	assert_int_equal(podoom_qos_compute(profile(kver), pod), PODOOM_QOS_BURSTABLE);
	assert_int_equal(podoom_qos_oom_score_adj(profile(kver), pod, 0, cap, &adj), 0);
	podoom_manifests_free(m);
	return adj.oom_score_adj;
}

/* §2.3, capacity 8 GiB: request -> returned adj (G=-997) and with G=-998 (<= 1.19) */
static void test_worked_table(void **state)
{
	static const struct {
		const char *req;
		int adj, adj_119;
	} rows[] = {
		{NULL, 999, 999},	   {"0", 999, 999},	     {"1", 999, 999},
		{"8589934", 999, 999},	   {"8589935", 999, 999},    {"100Mi", 988, 988},
		{"256Mi", 969, 969},	   {"512Mi", 938, 938},	     {"1Gi", 875, 875},
		{"2Gi", 750, 750},	   {"4Gi", 500, 500},	     {"7Gi", 125, 125},
		{"8568459756", 3, 3},	   /* 99.75% of capacity: 1000*req/cap = 997 */
		{"8Gi", 3, 2},		   {"16Gi", 3, 2},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int a = adj_for_request("1.36", rows[i].req, CAP_8GI);
		int b = adj_for_request("1.19", rows[i].req, CAP_8GI);
		if (a != rows[i].adj || b != rows[i].adj_119)
			fail_msg("request %s: got %d / %d, want %d / %d", rows[i].req ? rows[i].req : "none", a, b,
				 rows[i].adj, rows[i].adj_119);
	}
}

/* §2.3 "Other examples": big nodes collapse to 999 (kubernetes#142230) */
static void test_other_capacities(void **state)
{
	(void)state;
	assert_int_equal(adj_for_request("1.36", "100Mi", 64LL << 30), 999);
	assert_int_equal(adj_for_request("1.36", "1Gi", 64LL << 30), 985);
	assert_int_equal(adj_for_request("1.36", "500Mi", 1LL << 40), 999);
	assert_int_equal(adj_for_request("1.36", "2Gi", 1LL << 40), 999);
	assert_int_equal(adj_for_request("1.36", "4Gi", 1LL << 40), 997);
	assert_int_equal(adj_for_request("1.36", "16Gi", 1LL << 40), 985);
	assert_int_equal(adj_for_request("1.36", "62Gi", 128LL << 30), 516);
	assert_int_equal(adj_for_request("1.36", "66Gi", 128LL << 30), 485);
}

static void test_guaranteed_besteffort_by_version(void **state)
{
	static const char *guaranteed =
		"kind: Pod\nmetadata: {name: g}\nspec:\n  containers:\n  - name: c\n    resources:\n"
		"      limits: {cpu: 1, memory: 1Gi}\n";
	static const char *besteffort = "kind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n  - name: c\n";
	struct podoom_manifests *g = load(guaranteed), *b = load(besteffort);
	struct podoom_adj adj;
	(void)state;

	/* limits only: requests defaulted from limits -> Guaranteed (§1.6) */
	assert_int_equal(podoom_qos_compute(profile("1.36"), podoom_manifests_pod(g, 0)), PODOOM_QOS_GUARANTEED);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), podoom_manifests_pod(g, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -997);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.20"), podoom_manifests_pod(g, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -997);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.19"), podoom_manifests_pod(g, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -998);
	assert_int_equal(podoom_qos_compute(profile("1.36"), podoom_manifests_pod(b, 0)), PODOOM_QOS_BESTEFFORT);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.19"), podoom_manifests_pod(b, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 1000);
	podoom_manifests_free(g);
	podoom_manifests_free(b);
}

/* §1.6 worked QoS examples */
static void test_qos_examples(void **state)
{
	static const struct {
		const char *yaml;
		enum podoom_qos want;
	} cases[] = {
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {requests: {memory: 1Gi}, limits: {memory: 1Gi}}\n",
		 PODOOM_QOS_BURSTABLE}, /* no cpu */
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {requests: {memory: 1Gi, cpu: 500m}, limits: {memory: 1Gi, cpu: 1}}\n",
		 PODOOM_QOS_BURSTABLE}, /* kubernetes#113977 */
		{"kind: Pod\nspec:\n  initContainers:\n  - name: i\n  containers:\n  - name: a\n    resources: {limits: {memory: 1Gi, cpu: 1}}\n",
		 PODOOM_QOS_BURSTABLE}, /* bare init container */
		{"kind: Pod\nspec:\n  initContainers:\n  - name: s\n    restartPolicy: Always\n    resources: {limits: {memory: 64Mi, cpu: 100m}}\n"
		 "  containers:\n  - name: a\n    resources: {limits: {memory: 1Gi, cpu: 1}}\n",
		 PODOOM_QOS_GUARANTEED}, /* Guaranteed sidecar */
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {limits: {hugepages-2Mi: 1Gi, ephemeral-storage: 1Gi}}\n",
		 PODOOM_QOS_BESTEFFORT},
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {requests: {cpu: 1, memory: 0}, limits: {cpu: 1, memory: 0}}\n",
		 PODOOM_QOS_BURSTABLE}, /* 0 is not a limit */
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {limits: {memory: 1Gi, cpu: 1}}\n  - name: b\n    resources: {limits: {memory: \"1073741824\", cpu: 1000m}}\n",
		 PODOOM_QOS_GUARANTEED}, /* numeric equality across spellings */
		{"kind: Pod\nspec:\n  containers:\n  - name: a\n    resources: {requests: {memory: 1G, cpu: 1}, limits: {memory: 1Gi, cpu: 1}}\n",
		 PODOOM_QOS_BURSTABLE}, /* 1G != 1Gi */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_manifests *m = load(cases[i].yaml);
		enum podoom_qos q = podoom_qos_compute(profile("1.36"), podoom_manifests_pod(m, 0));
		if (q != cases[i].want)
			fail_msg("case %zu: got %s, want %s", i, podoom_qos_to_string(q), podoom_qos_to_string(cases[i].want));
		podoom_manifests_free(m);
	}
}

/* §2.3 sidecar example: A 1Gi (875), B 2Gi (750), sidecar 0 -> 875; sidecar 4Gi keeps 500 */
static void test_sidecar_clamp(void **state)
{
	static const char *yaml =
		"kind: Pod\nmetadata: {name: s}\nspec:\n"
		"  initContainers:\n"
		"  - {name: side0, restartPolicy: Always, resources: {requests: {cpu: 10m}}}\n"
		"  - {name: side4, restartPolicy: Always, resources: {requests: {memory: 4Gi}}}\n"
		"  containers:\n"
		"  - {name: a, resources: {requests: {memory: 1Gi}}}\n"
		"  - {name: b, resources: {requests: {memory: 2Gi}}}\n";
	struct podoom_manifests *m = load(yaml);
	const struct podoom_pod *pod = podoom_manifests_pod(m, 0);
	struct podoom_adj adj;
	(void)state;

	assert_int_equal(pod->ncontainers, 4);
	assert_int_equal(pod->containers[0].type, PODOOM_CONTAINER_SIDECAR);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), pod, 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 875);
	assert_true(adj.flags & PODOOM_ADJ_SIDECAR_CLAMPED);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), pod, 1, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 500);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), pod, 2, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 875);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), pod, 3, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 750);
	/* before 1.33 the sidecar keeps its own score: 999 (kubernetes#111356) */
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.32"), pod, 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 999);
	podoom_manifests_free(m);
}

/* §2.3 pod-level example (KEP-2837), capacity "1000 Gi": pod request 180,
 * containers 50/100/0 -> rem 10 -> 940/890/990 (vs 950/900/999 without). */
static void test_pod_level_share(void **state)
{
	static const char *yaml =
		"kind: Pod\nmetadata: {name: pl}\nspec:\n"
		"  resources: {requests: {memory: 180Gi}}\n"
		"  containers:\n"
		"  - {name: a, resources: {requests: {memory: 50Gi}}}\n"
		"  - {name: b, resources: {requests: {memory: 100Gi}}}\n"
		"  - {name: c}\n";
	struct podoom_manifests *m = load(yaml);
	const struct podoom_pod *pod = podoom_manifests_pod(m, 0);
	const int64_t cap = 1000LL << 30;
	static const int want[] = {940, 890, 990}, want_off[] = {950, 900, 999};
	struct podoom_adj adj;
	(void)state;

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), pod, i, cap, &adj), 0);
		assert_int_equal(adj.oom_score_adj, want[i]);
		assert_int_equal(podoom_qos_oom_score_adj(profile("1.33"), pod, i, cap, &adj), 0);
		assert_int_equal(adj.oom_score_adj, want_off[i]);
	}
	podoom_manifests_free(m);
}

static void test_critical_rules(void **state)
{
	static const char *node_critical =
		"kind: Pod\nmetadata: {name: etcd, namespace: kube-system, annotations: {kubernetes.io/config.source: file}}\n"
		"spec:\n  priorityClassName: system-node-critical\n  containers:\n  - name: etcd\n";
	static const char *cluster_critical =
		"kind: Pod\nmetadata: {name: dns}\nspec:\n  priorityClassName: system-cluster-critical\n"
		"  containers:\n  - name: c\n    resources: {requests: {memory: 70Mi}}\n";
	struct podoom_manifests *n = load(node_critical), *c = load(cluster_critical);
	struct podoom_adj adj;
	(void)state;

	/* BestEffort, but node-critical: -997 in every version */
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), podoom_manifests_pod(n, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -997);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.19"), podoom_manifests_pod(n, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -998);
	/* priority 2e9 from the class: critical until 1.21, plain Burstable from 1.22 (PR #99729) */
	assert_true(podoom_manifests_pod(c, 0)->has_priority);
	assert_int_equal(podoom_manifests_pod(c, 0)->priority, 2000000000);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.21"), podoom_manifests_pod(c, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -997);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.22"), podoom_manifests_pod(c, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, 992);
	assert_true(podoom_qos_surprises(profile("1.22"), podoom_manifests_pod(c, 0), 0, CAP_8GI, &adj) &
		    PODOOM_SURPRISE_CLUSTER_CRITICAL_UNPROTECTED);
	podoom_manifests_free(n);
	podoom_manifests_free(c);
}

static void test_status_qos_wins(void **state)
{
	static const char *yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
				  "status: {qosClass: Guaranteed}\n";
	struct podoom_manifests *m = load(yaml);
	struct podoom_adj adj;
	(void)state;
	assert_int_equal(podoom_qos_compute(profile("1.36"), podoom_manifests_pod(m, 0)), PODOOM_QOS_BESTEFFORT);
	assert_int_equal(podoom_qos_get(profile("1.36"), podoom_manifests_pod(m, 0), NULL), PODOOM_QOS_GUARANTEED);
	assert_int_equal(podoom_qos_oom_score_adj(profile("1.36"), podoom_manifests_pod(m, 0), 0, CAP_8GI, &adj), 0);
	assert_int_equal(adj.oom_score_adj, -997);
	assert_true(podoom_qos_surprises(profile("1.36"), podoom_manifests_pod(m, 0), 0, CAP_8GI, &adj) &
		    PODOOM_SURPRISE_STATUS_DIFFERS);
	podoom_manifests_free(m);
}

/* an empty spec.resources made resourced pods BestEffort in 1.34-1.35 (kubernetes#135082) */
static void test_empty_pod_resources(void **state)
{
	static const char *yaml = "kind: Pod\nspec:\n  resources: {}\n  containers:\n  - name: c\n"
				  "    resources: {limits: {cpu: 1, memory: 1Gi}}\n";
	struct podoom_manifests *m = load(yaml);
	(void)state;
	assert_int_equal(podoom_qos_compute(profile("1.35"), podoom_manifests_pod(m, 0)), PODOOM_QOS_BESTEFFORT);
	assert_int_equal(podoom_qos_compute(profile("1.36"), podoom_manifests_pod(m, 0)), PODOOM_QOS_GUARANTEED);
	assert_int_equal(podoom_qos_compute(profile("1.33"), podoom_manifests_pod(m, 0)), PODOOM_QOS_GUARANTEED);
	podoom_manifests_free(m);
}

static void test_memory_request_bytes(void **state)
{
	static const char *yaml =
		"kind: Pod\nspec:\n  overhead: {memory: 10Mi}\n"
		"  initContainers:\n  - {name: init, resources: {requests: {memory: 300Mi}}}\n"
		"  - {name: side, restartPolicy: Always, resources: {requests: {memory: 50Mi}}}\n"
		"  containers:\n  - {name: a, resources: {requests: {memory: 100Mi}}}\n";
	struct podoom_manifests *m = load(yaml);
	int64_t v = 0;
	(void)state;
	/* max(regular+sidecars = 150Mi, init alone = 300Mi) + overhead 10Mi */
	assert_int_equal(podoom_pod_memory_request_bytes(profile("1.36"), podoom_manifests_pod(m, 0), &v), 0);
	assert_int_equal(v, 310LL << 20);
	podoom_manifests_free(m);
}

static void test_profiles(void **state)
{
	const struct podoom_kubelet_profile *kp;
	(void)state;
	assert_int_equal(podoom_kubelet_profile_lookup("1.10", &kp), 0);
	assert_string_equal(kp->name, "1.19");
	assert_int_equal(podoom_kubelet_profile_lookup("v1.21.3", &kp), 0);
	assert_string_equal(kp->name, "1.20");
	assert_int_equal(podoom_kubelet_profile_lookup("1.25", &kp), 0);
	assert_string_equal(kp->name, "1.22");
	assert_int_equal(podoom_kubelet_profile_lookup("1.27", &kp), 0);
	assert_string_equal(kp->name, "1.26"); /* an eviction-only row: same QoS facts as 1.22 */
	assert_int_equal(kp->guaranteed_adj, -997);
	assert_int_equal(kp->critical, PODOOM_CRITICAL_NODE_ONLY);
	assert_int_equal(podoom_kubelet_profile_lookup("1.40", &kp), 0);
	assert_string_equal(kp->name, "1.36");
	assert_ptr_equal(podoom_kubelet_profile_default(), kp);
	assert_int_equal(podoom_kubelet_profile_lookup("2.0", &kp), -EINVAL);
	assert_int_equal(podoom_kubelet_profile_lookup("1", &kp), -EINVAL);
	assert_int_equal(podoom_kubelet_profile_lookup("1.x", &kp), -EINVAL);
	assert_int_equal(podoom_kubelet_profile_lookup("", &kp), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_table),
		cmocka_unit_test(test_other_capacities),
		cmocka_unit_test(test_guaranteed_besteffort_by_version),
		cmocka_unit_test(test_qos_examples),
		cmocka_unit_test(test_sidecar_clamp),
		cmocka_unit_test(test_pod_level_share),
		cmocka_unit_test(test_critical_rules),
		cmocka_unit_test(test_status_qos_wins),
		cmocka_unit_test(test_empty_pod_resources),
		cmocka_unit_test(test_memory_request_bytes),
		cmocka_unit_test(test_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
