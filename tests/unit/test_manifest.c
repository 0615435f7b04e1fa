/* test_manifest.c - the manifest loader: kinds, defaulting, and every error
 * pointing at the right line and column. */
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
#include "podoom/yaml.h"

static struct podoom_manifests *parse_ok(const char *s)
{
	struct podoom_manifests *m = NULL;
	struct podoom_diag d = {0};
	if (podoom_manifests_parse(s, strlen(s), &m, &d) != 0)
		fail_msg("unexpected failure at %u:%u: %s", d.line, d.col, d.msg);
	return m;
}

static void test_kinds(void **state)
{
	static const char *yaml =
		"apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
		"spec:\n  template:\n    spec:\n      containers: [{name: nginx}]\n---\n"
		"kind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n    spec:\n      template:\n"
		"        spec:\n          containers: [{name: job}]\n---\n"
		"---\n" /* empty document */
		"kind: List\nitems:\n- kind: Pod\n  metadata: {name: p1}\n  spec: {containers: [{name: a}, {name: b}]}\n"
		"- kind: ConfigMap\n  metadata: {name: cm}\n"
		"- kind: PodList\n  items:\n  - kind: Pod\n    metadata: {name: nested}\n    spec: {containers: [{name: n}]}\n";
	struct podoom_manifests *m = parse_ok(yaml);
	(void)state;

	assert_int_equal(podoom_manifests_npods(m), 4);
	assert_string_equal(podoom_manifests_pod(m, 0)->kind, "Deployment");
	assert_string_equal(podoom_manifests_pod(m, 0)->namespace, "shop");
	assert_int_equal(podoom_manifests_pod(m, 0)->line, 10); /* spec.template: its first key */
	assert_string_equal(podoom_manifests_pod(m, 1)->kind, "CronJob");
	assert_string_equal(podoom_manifests_pod(m, 1)->namespace, "default");
	assert_string_equal(podoom_manifests_pod(m, 2)->name, "p1");
	assert_int_equal(podoom_manifests_pod(m, 2)->ncontainers, 2);
	assert_string_equal(podoom_manifests_pod(m, 3)->name, "nested");
	assert_int_equal(podoom_manifests_nerrors(m), 0);
	assert_int_equal(podoom_manifests_nmsgs(m, NULL), 2); /* Service, ConfigMap */
	assert_string_equal(podoom_manifests_msg(m, 0)->skipped_kind, "Service");
	assert_int_equal(podoom_manifests_msg(m, 0)->severity, PODOOM_MANIFEST_NOTE);
	podoom_manifests_free(m);
}

static void test_json_and_defaulting(void **state)
{
	static const char *json =
		"{\"kind\": \"Pod\", \"metadata\": {\"name\": \"j\", \"uid\": \"1a2b-3c\"},\n"
		" \"spec\": {\"priority\": 1000, \"containers\": [\n"
		"  {\"name\": \"c\", \"resources\": {\"limits\": {\"memory\": \"512Mi\", \"cpu\": \"1\"}}}]},\n"
		" \"status\": {\"qosClass\": \"Guaranteed\"}}\n";
	struct podoom_manifests *m = parse_ok(json);
	const struct podoom_pod *p = podoom_manifests_pod(m, 0);
	int64_t v;
	(void)state;

	assert_non_null(p);
	assert_string_equal(p->uid, "1a2b-3c");
	assert_true(p->has_priority);
	assert_int_equal(p->priority, 1000);
	assert_string_equal(p->status_qos, "Guaranteed");
	assert_true(p->containers[0].memory_request_defaulted);
	assert_true(p->containers[0].cpu_request_defaulted);
	assert_int_equal(podoom_quantity_value(&p->containers[0].requests.memory, &v), 0);
	assert_int_equal(v, 512LL << 20);
	assert_int_equal(p->containers[0].line, 3);
	podoom_manifests_free(m);
}

struct err_case {
	const char *yaml;
	unsigned line, col;
	const char *needle; /* must appear in the message */
};

static void test_errors_point_at_the_value(void **state)
{
	static const struct err_case cases[] = {
		{"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n      limits: {memory: 1K}\n",
		 7, 24, "unknown suffix"},
		{"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        memory: -1Gi\n",
		 8, 17, "greater than or equal to 0"},
		{"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n      requests: {memory: 2Gi}\n      limits: {memory: 1Gi}\n",
		 7, 26, "less than or equal to memory limit"},
		{"kind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n", 4, 15, "non-empty list"},
		{"kind: Pod\nmetadata: {name: p}\nspec: {}\n", 3, 7, "spec.containers"},
		{"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: nginx\n", 5, 5, "name"},
		{"kind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n", 3, 7, "pod template"},
		{"- just\n- a list\n", 1, 1, "Kubernetes object"},
		{"metadata: {name: nokind}\n", 1, 1, "kind"},
		{"kind: Pod\nspec:\n  priority: high\n  containers: [{name: c}]\n", 3, 13, "32-bit integer"},
		{"kind: Pod\nspec:\n  containers:\n  - name: c\n    resources: {limits: {memory: [1, 2]}}\n", 5, 34,
		 "expected a quantity"},
		{"kind: Pod\nspec:\n  containers:\n  - name: c\n    resources: {limits: {memory: 1e400}}\n", 5, 34,
		 "too large"},
		{"kind: Pod\nspec:\n  initContainers:\n  - name: c\n  containers:\n  - name: c\n", 6, 5, "duplicate container name"},
		{"kind: Pod\nspec:\n  resources:\n    requests: {memory: 100Mi}\n  containers:\n  - name: a\n"
		 "    resources: {requests: {memory: 200Mi}}\n", 4, 5, "aggregate of the containers' requests"},
		{"kind: Pod\nspec:\n  resources:\n    limits: {cpu: 1}\n  containers:\n  - name: a\n"
		 "    resources: {requests: {cpu: 500m}, limits: {cpu: 2}}\n", 4, 5, "limit of container a"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_manifests *m = parse_ok(cases[i].yaml);
		const struct podoom_manifest_msg *msg = podoom_manifests_msg(m, 0);
		if (!msg || msg->severity != PODOOM_MANIFEST_ERROR)
			fail_msg("case %zu: no error", i);
		if (msg->diag.line != cases[i].line || msg->diag.col != cases[i].col ||
		    !strstr(msg->diag.msg, cases[i].needle))
			fail_msg("case %zu: got %u:%u \"%s\", want %u:%u containing \"%s\"", i, msg->diag.line,
				 msg->diag.col, msg->diag.msg, cases[i].line, cases[i].col, cases[i].needle);
		assert_int_equal(podoom_manifests_npods(m), 0);
		podoom_manifests_free(m);
	}
}

/* a bad object does not hide the good ones around it */
static void test_bad_object_keeps_others(void **state)
{
	static const char *yaml = "kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n---\n"
				  "kind: Pod\nmetadata: {name: bad}\nspec: {containers: [{name: c, resources: {limits: {memory: 1KB}}}]}\n---\n"
				  "kind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n";
	struct podoom_manifests *m = parse_ok(yaml);
	(void)state;
	assert_int_equal(podoom_manifests_npods(m), 2);
	assert_int_equal(podoom_manifests_nerrors(m), 1);
	assert_string_equal(podoom_manifests_pod(m, 1)->name, "b");
	podoom_manifests_free(m);
}

static void test_unreadable_yaml(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		unsigned line;
	} cases[] = {
		{"kind: Pod\nspec: {containers: [\n", 0, 3},
		{"kind: Pod\n  bad: indent\n", 0, 2},
		{"a: *nothing\n", 0, 1},
		{"key: \"unterminated\n", 0, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct podoom_manifests *m = NULL;
		struct podoom_diag d = {0};
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int r = podoom_manifests_parse(cases[i].in, len, &m, &d);
		if (r != -EINVAL)
			fail_msg("case %zu: got %d, want -EINVAL", i, r);
		assert_null(m);
		assert_true(d.msg[0] != '\0');
		if (cases[i].line && d.line != cases[i].line)
			fail_msg("case %zu: error at line %u, want %u: %s", i, d.line, cases[i].line, d.msg);
	}
}

/* binary garbage is read as one odd scalar: an error, never a pod */
static void test_binary_garbage(void **state)
{
	static const char elf[] = "\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\xff\xfe\x00";
	struct podoom_manifests *m = NULL;
	struct podoom_diag d = {0};
	(void)state;
	int r = podoom_manifests_parse(elf, sizeof(elf) - 1, &m, &d);
	if (r == 0) {
		assert_int_equal(podoom_manifests_npods(m), 0);
		assert_int_equal(podoom_manifests_nerrors(m), 1);
		assert_non_null(strstr(podoom_manifests_msg(m, 0)->diag.msg, "expected a Kubernetes object"));
		podoom_manifests_free(m);
	} else {
		assert_int_equal(r, -EINVAL);
	}
}

static void test_yaml_aliases_and_caps(void **state)
{
	/* billion laughs: aliases share nodes, so this stays small */
	static const char *laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
				    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
				    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
				    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
				    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
				    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
				    "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
	struct podoom_yaml *y = NULL;
	struct podoom_diag d = {0};
	char *deep;
	size_t depth = PODOOM_YAML_MAX_DEPTH + 5;
	(void)state;

	assert_int_equal(podoom_yaml_parse(laughs, strlen(laughs), &y, &d), 0);
	const struct podoom_ynode *g = podoom_ynode_get(podoom_yaml_doc(y, 0), "g");
	assert_non_null(g);
	assert_int_equal(g->n, 10);
	assert_ptr_equal(g->kids[0], g->kids[9]); /* shared, not copied */
	podoom_yaml_free(y);

	deep = malloc(2 * depth + 1);
	assert_non_null(deep);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	assert_int_equal(podoom_yaml_parse(deep, 2 * depth, &y, &d), -E2BIG);
	assert_non_null(strstr(d.msg, "deeper"));
	free(deep);

	/* anchors: a shared container reaches both pods */
	static const char *shared = "kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n  spec: &s {containers: [{name: c}]}\n"
				    "- kind: Pod\n  metadata: {name: b}\n  spec: *s\n";
	struct podoom_manifests *m = parse_ok(shared);
	assert_int_equal(podoom_manifests_npods(m), 2);
	podoom_manifests_free(m);
}

static void test_null_spellings(void **state)
{
	static const char *yaml = "kind: Pod\nspec:\n  resources: ~\n  initContainers: null\n  containers:\n"
				  "  - name: c\n    resources: {requests: ~, limits: {}}\n";
	struct podoom_manifests *m = parse_ok(yaml);
	(void)state;
	assert_int_equal(podoom_manifests_npods(m), 1);
	assert_false(podoom_manifests_pod(m, 0)->has_pod_resources);
	assert_int_equal(podoom_manifests_pod(m, 0)->ncontainers, 1);
	podoom_manifests_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_json_and_defaulting),
		cmocka_unit_test(test_errors_point_at_the_value),
		cmocka_unit_test(test_bad_object_keeps_others),
		cmocka_unit_test(test_unreadable_yaml),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_yaml_aliases_and_caps),
		cmocka_unit_test(test_null_spellings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
