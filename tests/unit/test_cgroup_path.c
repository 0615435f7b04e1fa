/* test_cgroup_path.c - memcg paths from the corpus (.meta ground truth) and
 * reference/kubernetes.md 3.1, parsed, classified and built. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/cgroup_path.h"

#define ID64 "2260b35b008a15bd118e629c0c5d74e7f3a1fe18c724fbac61a54862fea196dc"

struct parse_case {
	const char *path;
	enum podoom_cgroup_level level;
	enum podoom_cgroup_driver driver;
	int qos; /* -1: none */
	const char *pod_uid;
	enum podoom_runtime runtime;
	const char *container_id;
	enum podoom_cgroup_nest nest;
	size_t prefix_len;
	size_t tail_len;
	enum podoom_oom_class class;
};

#define CGFS PODOOM_CGROUP_DRIVER_CGROUPFS
#define SYSD PODOOM_CGROUP_DRIVER_SYSTEMD
#define NODRV PODOOM_CGROUP_DRIVER_UNKNOWN
#define G PODOOM_QOS_GUARANTEED
#define B PODOOM_QOS_BURSTABLE
#define BE PODOOM_QOS_BESTEFFORT
#define L(x) PODOOM_CGROUP_LEVEL_##x
#define RT(x) PODOOM_RUNTIME_##x
#define NEST(x) PODOOM_CGROUP_NEST_##x
#define CLS(x) PODOOM_OOM_CLASS_##x

static const struct parse_case parse_cases[] = {
	/* sample 01: v1 cgroupfs, Guaranteed (no QoS segment), Docker id */
	{"/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b",
	 L(CONTAINER), CGFS, G, "95387fa4-da9c-11e7-9d36-5254b24cbf5e", RT(UNKNOWN),
	 "6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b", NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	/* sample 04: v1 systemd driver, Docker scope, UID with underscores */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/"
	 "docker-b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a.scope",
	 L(CONTAINER), SYSD, B, "0330b2c1-a15b-4cdd-b5e5-72d4a90bee82", RT(DOCKER),
	 "b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a", NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	/* sample 18: v2 systemd, containerd, container-level limit */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod06d44939_d15e_491f_84a3_2dbba9fc0440.slice/"
	 "cri-containerd-f6b09caae6cfa22cd45491888e0e7001c0b690f8b3c9b47e1bc20d69315e722c.scope",
	 L(CONTAINER), SYSD, B, "06d44939-d15e-491f-84a3-2dbba9fc0440", RT(CONTAINERD),
	 "f6b09caae6cfa22cd45491888e0e7001c0b690f8b3c9b47e1bc20d69315e722c", NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	/* sample 22: oom_memcg is the pod, task_memcg its container */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poddfc377c9_c533_4d51_af9e_6e0e0b3db83b.slice",
	 L(POD), SYSD, B, "dfc377c9-c533-4d51-af9e-6e0e0b3db83b", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(POD_LIMIT)},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poddfc377c9_c533_4d51_af9e_6e0e0b3db83b.slice/"
	 "cri-containerd-" ID64 ".scope",
	 L(CONTAINER), SYSD, B, "dfc377c9-c533-4d51-af9e-6e0e0b3db83b", RT(CONTAINERD), ID64, NEST(NONE), 0, 0,
	 CLS(CONTAINER_LIMIT)},
	/* samples 21, 23, 25: v1/Talos cgroupfs */
	{"/kubepods/burstable/podd11ab7b0-d6db-4a24-a7de-4a2faf1e6980/9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64",
	 L(CONTAINER), CGFS, B, "d11ab7b0-d6db-4a24-a7de-4a2faf1e6980", RT(UNKNOWN),
	 "9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64", NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	{"/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012", L(POD), CGFS, B,
	 "fbdfe8e3-1c87-4ff2-907c-b2ec8e25d012", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(POD_LIMIT)},
	{"/kubepods/burstable/pod84c5437e-9503-4b52-8470-984c54f7e9f3", L(POD), CGFS, B,
	 "84c5437e-9503-4b52-8470-984c54f7e9f3", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(POD_LIMIT)},
	/* sample 20: cut inside the pod UID; the pod segment is not recognised */
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod50beeb08_b8d5_460a_92f7_1", L(QOS), SYSD, B,
	 "", RT(UNKNOWN), "", NEST(NONE), 0, 48, CLS(MEMCG)},
	/* samples 26, 11, 13: not Kubernetes */
	{"/azure.slice/azure-walinuxagent.slice/azure-walinuxagent-logcollector.slice", L(OTHER), SYSD, -1, "",
	 RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/init.scope", L(OTHER), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/13", L(OTHER), NODRV, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/", L(ROOT), NODRV, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(GLOBAL)},
	/* kubernetes.md 3.1: every level, both drivers */
	{"/kubepods", L(KUBEPODS), CGFS, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(NODE_ALLOCATABLE)},
	{"/kubepods.slice", L(KUBEPODS), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(NODE_ALLOCATABLE)},
	{"/kubepods/besteffort", L(QOS), CGFS, BE, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(QOS_LIMIT)},
	{"/kubepods.slice/kubepods-burstable.slice", L(QOS), SYSD, B, "", RT(UNKNOWN), "", NEST(NONE), 0, 0,
	 CLS(QOS_LIMIT)},
	{"/kubepods/pod1a2b-3c", L(POD), CGFS, G, "1a2b-3c", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(POD_LIMIT)},
	{"/kubepods.slice/kubepods-pod1a2b_3c.slice", L(POD), SYSD, G, "1a2b-3c", RT(UNKNOWN), "", NEST(NONE), 0, 0,
	 CLS(POD_LIMIT)},
	{"/kubepods/burstable/pod1a2b-3c/crio-" ID64, L(CONTAINER), CGFS, B, "1a2b-3c", RT(CRIO), ID64, NEST(NONE), 0,
	 0, CLS(CONTAINER_LIMIT)},
	{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b_3c.slice/crio-" ID64 ".scope",
	 L(CONTAINER), SYSD, BE, "1a2b-3c", RT(CRIO), ID64, NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	/* CRI-O's conmon has its own cgroup in the pod: not a container limit */
	{"/kubepods.slice/kubepods-pod1a2b_3c.slice/crio-conmon-" ID64 ".scope", L(CONTAINER), SYSD, G, "1a2b-3c",
	 RT(CRIO), ID64, NEST(NONE), 0, 0, CLS(MEMCG)},
	/* another runtime's scope under a pod: still the pod's container */
	{"/kubepods.slice/kubepods-pod1a2b_3c.slice/libpod-" ID64 ".scope", L(CONTAINER), SYSD, G, "1a2b-3c",
	 RT(UNKNOWN), ID64, NEST(NONE), 0, 0, CLS(CONTAINER_LIMIT)},
	/* nested nodes: kind (cgroupRoot /kubelet, systemd), as the node and as the host sees it */
	{"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	 "kubelet-kubepods-besteffort-pod1a2b_3c.slice/cri-containerd-" ID64 ".scope",
	 L(CONTAINER), SYSD, BE, "1a2b-3c", RT(CONTAINERD), ID64, NEST(KIND), 14, 0, CLS(CONTAINER_LIMIT)},
	{"/system.slice/docker-0123abcd.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod1a2b_3c.slice",
	 L(POD), SYSD, G, "1a2b-3c", RT(UNKNOWN), "", NEST(KIND), 49, 0, CLS(POD_LIMIT)},
	{"/kubelet/kubepods/burstable", L(QOS), CGFS, B, "", RT(UNKNOWN), "", NEST(KIND), 8, 0, CLS(QOS_LIMIT)},
	/* k3d / docker-in-docker on v1, an LXC container on v2 */
	{"/docker/0123abcd/kubepods/besteffort/pod1a2b-3c/" ID64, L(CONTAINER), CGFS, BE, "1a2b-3c", RT(UNKNOWN), ID64,
	 NEST(DOCKER), 16, 0, CLS(CONTAINER_LIMIT)},
	{"/lxc.payload.node1/kubepods.slice/kubepods-burstable.slice", L(QOS), SYSD, B, "", RT(UNKNOWN), "", NEST(LXC),
	 18, 0, CLS(QOS_LIMIT)},
	{"/lxc/node1/kubepods", L(KUBEPODS), CGFS, -1, "", RT(UNKNOWN), "", NEST(LXC), 10, 0, CLS(NODE_ALLOCATABLE)},
	{"/machine.slice/kubepods.slice", L(KUBEPODS), SYSD, -1, "", RT(UNKNOWN), "", NEST(OTHER), 14, 0,
	 CLS(NODE_ALLOCATABLE)},
	/* a node inside a pod of another cluster: the inner pod counts */
	{"/kubepods/burstable/pod1111/aaaa/kubepods/besteffort/pod2222/bbbb", L(CONTAINER), CGFS, BE, "2222",
	 RT(UNKNOWN), "bbbb", NEST(OTHER), 32, 0, CLS(CONTAINER_LIMIT)},
	/* a cgroup inside a container (systemd in a pod, docker-in-docker): its own limit */
	{"/kubepods/burstable/pod1a2b-3c/" ID64 "/init.scope", L(CONTAINER), CGFS, B, "1a2b-3c", RT(UNKNOWN), ID64,
	 NEST(NONE), 0, 11, CLS(MEMCG)},
	/* plain containers and units outside the kubelet's tree */
	{"/docker/" ID64, L(OTHER), CGFS, -1, "", RT(DOCKER), ID64, NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/system.slice/docker-" ID64 ".scope", L(OTHER), SYSD, -1, "", RT(DOCKER), ID64, NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/user.slice/user-1000.slice/session-3.scope", L(OTHER), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0,
	 CLS(MEMCG)},
	/* malformed below the anchor: the walk stops, the rest is tail */
	{"/kubepods/", L(KUBEPODS), CGFS, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 1, CLS(MEMCG)},
	{"/kubepods/burstable/pod", L(QOS), CGFS, B, "", RT(UNKNOWN), "", NEST(NONE), 0, 4, CLS(MEMCG)},
	{"/kubepods.slice/kubepods-pod1a2b-3c.slice", L(KUBEPODS), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 26,
	 CLS(MEMCG)},
	{"/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod1a2b_3c.slice", L(QOS), SYSD, B, "",
	 RT(UNKNOWN), "", NEST(NONE), 0, 37, CLS(MEMCG)},
	{"/kubepods/pod1a2b-3c/crio-", L(POD), CGFS, G, "1a2b-3c", RT(UNKNOWN), "", NEST(NONE), 0, 6, CLS(MEMCG)},
	{"/kubepods-burstable.slice", L(OTHER), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(MEMCG)},
	{"/x-kubepods.slice", L(OTHER), SYSD, -1, "", RT(UNKNOWN), "", NEST(NONE), 0, 0, CLS(MEMCG)},
	{"//kubepods", L(KUBEPODS), CGFS, -1, "", RT(UNKNOWN), "", NEST(OTHER), 1, 0, CLS(NODE_ALLOCATABLE)},
};

static void check_case(const struct parse_case *c, const struct podoom_cgroup_attr *a)
{
	assert_string_equal(podoom_cgroup_level_to_string(a->level), podoom_cgroup_level_to_string(c->level));
	assert_string_equal(podoom_cgroup_driver_to_string(a->driver), podoom_cgroup_driver_to_string(c->driver));
	assert_int_equal(a->has_qos, c->qos >= 0);
	if (c->qos >= 0)
		assert_string_equal(podoom_qos_to_string(a->qos), podoom_qos_to_string((enum podoom_qos)c->qos));
	assert_string_equal(a->pod_uid, c->pod_uid);
	assert_string_equal(podoom_runtime_to_string(a->runtime), podoom_runtime_to_string(c->runtime));
	assert_string_equal(a->container_id, c->container_id);
	assert_string_equal(podoom_cgroup_nest_to_string(a->nest), podoom_cgroup_nest_to_string(c->nest));
	assert_int_equal(a->prefix_len, c->prefix_len);
	assert_int_equal(a->tail_len, c->tail_len);
	assert_string_equal(podoom_oom_class_to_string(podoom_oom_classify(a)),
			    podoom_oom_class_to_string(c->class));
}

static void test_parse_paths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct podoom_cgroup_attr a;

		print_message("%s\n", c->path);
		assert_int_equal(podoom_cgroup_path_parse(c->path, strlen(c->path), &a), 0);
		check_case(c, &a);
	}
}

/* cpuset= prints the allocating task's cgroup NAME only */
static void test_parse_cpuset_names(void **state)
{
	struct podoom_cgroup_attr a;
	const char *s;

	(void)state;
	s = "cri-containerd-ca0c308b91e6712a9f57d9c4eb300cc8e3acb80a2d3f342f6c858d4998bbb945.scope"; /* sample 20 */
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_CONTAINER);
	assert_int_equal(a.runtime, PODOOM_RUNTIME_CONTAINERD);
	assert_int_equal(a.driver, PODOOM_CGROUP_DRIVER_SYSTEMD);
	assert_string_equal(a.container_id, "ca0c308b91e6712a9f57d9c4eb300cc8e3acb80a2d3f342f6c858d4998bbb945");
	assert_string_equal(a.pod_uid, "");
	assert_false(a.has_qos);

	s = "1e479e759020fa0b6c72def90973540a2d33982fea2ad67a96373b4da751a820"; /* sample 01 */
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_CONTAINER);
	assert_int_equal(a.runtime, PODOOM_RUNTIME_UNKNOWN);
	assert_string_equal(a.container_id, s);

	s = "crio-conmon-" ID64;
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.runtime, PODOOM_RUNTIME_CRIO);
	assert_true(a.conmon);
	assert_string_equal(a.container_id, ID64);

	s = "aegis"; /* sample 10: an unrelated host cgroup */
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_OTHER);
	assert_string_equal(a.container_id, "");

	s = "1e479e75"; /* too short to be taken for an id without context */
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_OTHER);

	s = "system.slice";
	assert_int_equal(podoom_cgroup_path_parse(s, strlen(s), &a), 0);
	assert_int_equal(a.driver, PODOOM_CGROUP_DRIVER_SYSTEMD);
}

static void test_parse_errors(void **state)
{
	char buf[PODOOM_CGROUP_PATH_MAX + 1];
	struct podoom_cgroup_attr a;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(podoom_cgroup_path_parse("", 0, &a), -EINVAL);
	assert_int_equal(podoom_cgroup_path_parse("kubepods/burstable", 18, &a), -EINVAL);
	assert_int_equal(a.prefix_len, (size_t)0x5a5a5a5a5a5a5a5aULL); /* untouched */
	buf[0] = '/';
	memset(buf + 1, 'k', sizeof(buf) - 1);
	assert_int_equal(podoom_cgroup_path_parse(buf, PODOOM_CGROUP_PATH_MAX, &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_OTHER);
	assert_int_equal(podoom_cgroup_path_parse(buf, PODOOM_CGROUP_PATH_MAX + 1, &a), -E2BIG);
	/* bytes the kernel would never print still parse: NUL, 0xff */
	assert_int_equal(podoom_cgroup_path_parse("/kubepods/pod\0x/\xff", 17, &a), 0);
	assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_KUBEPODS);
	assert_int_equal(a.tail_len, 8);
	/* a pod UID or container id over its cap is not taken */
	{
		char p[256] = "/kubepods/pod";
		memset(p + 13, 'a', PODOOM_POD_UID_MAX + 1);
		assert_int_equal(podoom_cgroup_path_parse(p, strlen(p), &a), 0);
		assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_KUBEPODS);
		p[13 + PODOOM_POD_UID_MAX] = '\0';
		assert_int_equal(podoom_cgroup_path_parse(p, strlen(p), &a), 0);
		assert_int_equal(a.level, PODOOM_CGROUP_LEVEL_POD);
		assert_int_equal(strlen(a.pod_uid), PODOOM_POD_UID_MAX);
	}
}

struct format_case {
	struct podoom_cgroup_spec spec;
	const char *want; /* NULL: expect ret */
	int ret;
};

static const struct format_case format_cases[] = {
	/* kubernetes.md 3.1, without the mount: the same for v1 and v2 */
	{{CGFS, L(CONTAINER), B, "1a2b-3c", RT(CONTAINERD), false, "abc123", NULL, NULL},
	 "/kubepods/burstable/pod1a2b-3c/abc123", 0},
	{{SYSD, L(CONTAINER), B, "1a2b-3c", RT(CONTAINERD), false, "abc123", NULL, NULL},
	 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c.slice/cri-containerd-abc123.scope", 0},
	{{CGFS, L(POD), G, "1a2b-3c", RT(UNKNOWN), false, NULL, NULL, NULL}, "/kubepods/pod1a2b-3c", 0},
	{{SYSD, L(POD), G, "1a2b-3c", RT(UNKNOWN), false, NULL, "/", NULL}, "/kubepods.slice/kubepods-pod1a2b_3c.slice", 0},
	{{SYSD, L(QOS), BE, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, "/kubepods.slice/kubepods-besteffort.slice", 0},
	{{CGFS, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, "/kubepods", 0},
	{{CGFS, L(CONTAINER), BE, "1a2b-3c", RT(CRIO), true, "abc123", NULL, NULL},
	 "/kubepods/besteffort/pod1a2b-3c/crio-conmon-abc123", 0},
	{{SYSD, L(CONTAINER), G, "1a2b-3c", RT(CRIO), false, "abc123", NULL, NULL},
	 "/kubepods.slice/kubepods-pod1a2b_3c.slice/crio-abc123.scope", 0},
	{{SYSD, L(CONTAINER), G, "1a2b-3c", RT(DOCKER), false, "abc123", NULL, NULL},
	 "/kubepods.slice/kubepods-pod1a2b_3c.slice/docker-abc123.scope", 0},
	{{CGFS, L(CONTAINER), G, "1a2b-3c", RT(DOCKER), false, "abc123", NULL, NULL}, "/kubepods/pod1a2b-3c/abc123", 0},
	/* kind: cgroupRoot /kubelet; seen from the host inside the node's container */
	{{SYSD, L(CONTAINER), BE, "1a2b-3c", RT(CONTAINERD), false, "abc123", "/kubelet", NULL},
	 "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	 "kubelet-kubepods-besteffort-pod1a2b_3c.slice/cri-containerd-abc123.scope", 0},
	{{SYSD, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, "/a/b", "/system.slice/docker-0123abcd.scope"},
	 "/system.slice/docker-0123abcd.scope/a.slice/a-b.slice/a-b-kubepods.slice", 0},
	{{CGFS, L(QOS), B, NULL, RT(UNKNOWN), false, NULL, "/kubelet", "/lxc.payload.node1"},
	 "/lxc.payload.node1/kubelet/kubepods/burstable", 0},
	/* invalid specs */
	{{NODRV, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(ROOT), G, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(OTHER), G, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(QOS), G, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(QOS), (enum podoom_qos)7, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(POD), B, NULL, RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(POD), B, "1a2b_3c", RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(POD), B, "1A2B", RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(POD), B, "", RT(UNKNOWN), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(CONTAINER), B, "1a", RT(CONTAINERD), false, "XYZ", NULL, NULL}, NULL, -EINVAL},
	{{CGFS, L(CONTAINER), B, "1a", RT(CONTAINERD), false, NULL, NULL, NULL}, NULL, -EINVAL},
	{{SYSD, L(CONTAINER), B, "1a", RT(UNKNOWN), false, "abc", NULL, NULL}, NULL, -EINVAL},
	{{SYSD, L(CONTAINER), B, "1a", RT(CONTAINERD), true, "abc", NULL, NULL}, NULL, -EINVAL},
	{{SYSD, L(CONTAINER), B, "1a", (enum podoom_runtime)9, false, "abc", NULL, NULL}, NULL, -EINVAL},
	{{SYSD, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, "/kube-let", NULL}, NULL, -EINVAL},
	{{SYSD, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, "/x/kubepods", NULL}, NULL, -EINVAL},
	{{SYSD, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, "kubelet", NULL}, NULL, -EINVAL},
	{{SYSD, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, "/kubelet/", NULL}, NULL, -EINVAL},
	{{CGFS, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, NULL, "/a//b"}, NULL, -EINVAL},
	{{CGFS, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, NULL, "/a/"}, NULL, -EINVAL},
	{{CGFS, L(KUBEPODS), G, NULL, RT(UNKNOWN), false, NULL, NULL, "a"}, NULL, -EINVAL},
};

static void test_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		const struct format_case *c = &format_cases[i];
		char buf[512];
		int r = podoom_cgroup_path_format(&c->spec, buf, sizeof(buf));

		print_message("case %zu\n", i);
		if (c->want) {
			assert_int_equal(r, (int)strlen(c->want));
			assert_string_equal(buf, c->want);
		} else {
			assert_int_equal(r, c->ret);
			assert_string_equal(buf, "");
		}
	}
}

static void test_format_buffers(void **state)
{
	const struct podoom_cgroup_spec spec = {CGFS, L(POD), G, "1a2b-3c", RT(UNKNOWN), false, NULL, NULL, NULL};
	static char outer[PODOOM_CGROUP_PATH_MAX];
	struct podoom_cgroup_spec big = spec;
	char buf[21], huge[2 * PODOOM_CGROUP_PATH_MAX];

	(void)state;
	/* "/kubepods/pod1a2b-3c" is 20 bytes: it needs 21 */
	assert_int_equal(podoom_cgroup_path_format(&spec, buf, 21), 20);
	assert_int_equal(podoom_cgroup_path_format(&spec, buf, 20), -ENOBUFS);
	assert_string_equal(buf, "");
	assert_int_equal(podoom_cgroup_path_format(&spec, NULL, 0), -ENOBUFS);
	/* beyond the kernel's PATH_MAX, whatever the buffer */
	outer[0] = '/';
	memset(outer + 1, 'o', 4080);
	big.outer_prefix = outer;
	assert_int_equal(podoom_cgroup_path_format(&big, huge, sizeof(huge)), -E2BIG);
	outer[4070] = '\0';
	assert_int_equal(podoom_cgroup_path_format(&big, huge, sizeof(huge)), 4070 + 20);
	/* a long systemd root expands past the cap without overrunning anything */
	{
		static char root[PODOOM_CGROUP_PATH_MAX];
		struct podoom_cgroup_spec sd = spec;
		for (size_t i = 0; i < 2000; i++) {
			root[2 * i] = '/';
			root[2 * i + 1] = 'r';
		}
		sd.driver = SYSD;
		sd.cgroup_root = root;
		assert_int_equal(podoom_cgroup_path_format(&sd, huge, sizeof(huge)), -E2BIG);
		/* one long component: the slice-name stem itself outgrows its buffer */
		memset(root + 1, 'r', 4080);
		root[4081] = '\0';
		assert_int_equal(podoom_cgroup_path_format(&sd, huge, sizeof(huge)), -E2BIG);
	}
}

/* every spec podoom can build parses back to itself */
static void test_round_trip(void **state)
{
	static const char *const roots[] = {NULL, "/", "/kubelet", "/a/b1"};
	static const char *const outers[] = {NULL, "", "/system.slice/docker-0123abcd.scope", "/lxc.payload.n1",
					     "/kubepods/burstable/pod9/ffff", "/kubelet"};
	unsigned n = 0;

	(void)state;
	for (int d = CGFS; d <= SYSD; d++)
		for (int l = L(KUBEPODS); l <= L(CONTAINER); l++)
			for (int q = 0; q < PODOOM_QOS_COUNT; q++)
				for (int rt = 0; rt < PODOOM_RUNTIME_COUNT; rt++)
					for (int conmon = 0; conmon < 2; conmon++)
						for (size_t ri = 0; ri < 4; ri++)
							for (size_t oi = 0; oi < 6; oi++) {
								struct podoom_cgroup_spec sp = {
									(enum podoom_cgroup_driver)d,
									(enum podoom_cgroup_level)l,
									(enum podoom_qos)q,
									"0330b2c1-a15b-4cdd-b5e5-72d4a90bee82",
									(enum podoom_runtime)rt,
									conmon != 0,
									ID64,
									roots[ri],
									outers[oi]};
								char buf[1024];
								struct podoom_cgroup_attr a;
								char head[1024];
								struct podoom_cgroup_spec bare = sp;
								int len = podoom_cgroup_path_format(&sp, buf, sizeof(buf));
								int hl;

								if (len == -EINVAL)
									continue;
								assert_true(len > 0);
								assert_int_equal(podoom_cgroup_path_parse(buf, (size_t)len, &a), 0);
								assert_int_equal(a.level, sp.level);
								assert_int_equal(a.driver, sp.driver);
								assert_int_equal(a.tail_len, 0);
								assert_int_equal(a.has_qos, sp.level >= L(QOS));
								if (a.has_qos)
									assert_int_equal(a.qos, sp.qos);
								if (sp.level >= L(POD))
									assert_string_equal(a.pod_uid, sp.pod_uid);
								if (sp.level == L(CONTAINER)) {
									bool bare_id = d == CGFS && rt != RT(CRIO);
									assert_string_equal(a.container_id, ID64);
									assert_int_equal(a.runtime, bare_id ? RT(UNKNOWN) : sp.runtime);
									assert_int_equal(a.conmon, sp.conmon);
								}
								/* the prefix is what comes before the tree
								 * built with neither root nor outer prefix */
								bare.cgroup_root = NULL;
								bare.outer_prefix = NULL;
								hl = podoom_cgroup_path_format(&bare, head, sizeof(head));
								if (ri < 2) {
									assert_int_equal(a.prefix_len, (size_t)(len - hl));
									assert_string_equal(buf + a.prefix_len, head);
								}
								if (ri == 2)
									assert_int_equal(a.nest, NEST(KIND));
								n++;
							}
	assert_true(n > 500);
}

static void test_names(void **state)
{
	enum podoom_oom_class c = PODOOM_OOM_CLASS_COUNT;
	enum podoom_qos q = PODOOM_QOS_COUNT;
	static const char *const classes[] = {"container-limit", "pod-limit", "node-allocatable",
					      "qos-limit",	 "memcg",     "global"};

	(void)state;
	for (int i = 0; i < PODOOM_OOM_CLASS_COUNT; i++) {
		assert_string_equal(podoom_oom_class_to_string((enum podoom_oom_class)i), classes[i]);
		assert_int_equal(podoom_oom_class_from_string(classes[i], strlen(classes[i]), &c), 0);
		assert_int_equal(c, i);
	}
	assert_int_equal(podoom_oom_class_from_string("pod", 3, &c), -EINVAL);
	assert_null(podoom_oom_class_to_string(PODOOM_OOM_CLASS_COUNT));
	assert_string_equal(podoom_qos_to_string(PODOOM_QOS_GUARANTEED), "Guaranteed");
	assert_string_equal(podoom_qos_to_string(PODOOM_QOS_BURSTABLE), "Burstable");
	assert_string_equal(podoom_qos_to_string(PODOOM_QOS_BESTEFFORT), "BestEffort");
	assert_null(podoom_qos_to_string(PODOOM_QOS_COUNT));
	assert_int_equal(podoom_qos_from_string("BestEffort", 10, &q), 0);
	assert_int_equal(q, PODOOM_QOS_BESTEFFORT);
	assert_int_equal(podoom_qos_from_string("besteffort", 10, &q), -EINVAL);
	assert_string_equal(podoom_runtime_to_string(PODOOM_RUNTIME_CRIO), "cri-o");
	assert_string_equal(podoom_cgroup_driver_to_string(PODOOM_CGROUP_DRIVER_SYSTEMD), "systemd");
	assert_string_equal(podoom_cgroup_level_to_string(PODOOM_CGROUP_LEVEL_KUBEPODS), "kubepods");
	assert_string_equal(podoom_cgroup_nest_to_string(PODOOM_CGROUP_NEST_KIND), "kind");
	assert_null(podoom_runtime_to_string(PODOOM_RUNTIME_COUNT));
	assert_null(podoom_cgroup_driver_to_string(PODOOM_CGROUP_DRIVER_COUNT));
	assert_null(podoom_cgroup_level_to_string(PODOOM_CGROUP_LEVEL_COUNT));
	assert_null(podoom_cgroup_nest_to_string(PODOOM_CGROUP_NEST_COUNT));
	assert_int_equal(podoom_oom_classify(NULL), PODOOM_OOM_CLASS_GLOBAL);
}

static void test_path_within(void **state)
{
	(void)state;
	assert_true(podoom_cgroup_path_within("/kubepods/burstable/podx/ctr", "/kubepods/burstable/podx"));
	assert_true(podoom_cgroup_path_within("/kubepods", "/kubepods"));
	assert_true(podoom_cgroup_path_within("/anything", "/"));
	assert_false(podoom_cgroup_path_within("/kubepods-besteffort", "/kubepods"));
	assert_false(podoom_cgroup_path_within("/kubepods", "/kubepods/burstable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_within),
		cmocka_unit_test(test_parse_paths),  cmocka_unit_test(test_parse_cpuset_names),
		cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_buffers), cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
