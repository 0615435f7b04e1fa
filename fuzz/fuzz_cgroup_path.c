/*
 * fuzz_cgroup_path.c - the memcg path parser and builder. Every input is used
 * twice:
 *  1. parsed as a path: never crashes; the result is self-consistent (lengths
 *     within the input, strings terminated, enums in range, a pod below the
 *     pod level, the same answer twice); with the cgroupfs driver, dropping the
 *     nesting prefix leaves the same attribution.
 *  2. read as a build spec: whatever podoom_cgroup_path_format() accepts
 *     parses back to the same level, driver, QoS, pod UID, container id,
 *     runtime (cgroupfs' bare id excepted) and prefix.
 */
#include "podoom/cgroup_path.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_attr(const struct podoom_cgroup_attr *a, size_t len)
{
	assert(a->prefix_len + a->tail_len <= len);
	assert(strlen(a->pod_uid) <= PODOOM_POD_UID_MAX);
	assert(strlen(a->container_id) <= PODOOM_CONTAINER_ID_MAX);
	assert(podoom_cgroup_level_to_string(a->level) != NULL);
	assert(podoom_cgroup_driver_to_string(a->driver) != NULL);
	assert(podoom_cgroup_nest_to_string(a->nest) != NULL);
	assert(podoom_runtime_to_string(a->runtime) != NULL);
	assert(podoom_oom_class_to_string(podoom_oom_classify(a)) != NULL);
	assert(!a->has_qos || podoom_qos_to_string(a->qos) != NULL);
	if (a->level == PODOOM_CGROUP_LEVEL_CONTAINER)
		assert(a->container_id[0] != '\0');
	else
		assert(a->container_id[0] == '\0' || a->level == PODOOM_CGROUP_LEVEL_OTHER);
	if (a->level == PODOOM_CGROUP_LEVEL_POD)
		assert(a->pod_uid[0] != '\0' && a->has_qos);
	if (a->level == PODOOM_CGROUP_LEVEL_ROOT || a->level == PODOOM_CGROUP_LEVEL_OTHER)
		assert(a->prefix_len == 0 && a->tail_len == 0 && !a->has_qos && a->pod_uid[0] == '\0');
}

static void parse_property(const char *s, size_t len)
{
	struct podoom_cgroup_attr a, b;

	if (podoom_cgroup_path_parse(s, len, &a) < 0)
		return;
	check_attr(&a, len);
	assert(podoom_cgroup_path_parse(s, len, &b) == 0);
	assert(memcmp(&a, &b, sizeof(a)) == 0);
	if (a.driver == PODOOM_CGROUP_DRIVER_CGROUPFS && a.prefix_len > 0 && a.level != PODOOM_CGROUP_LEVEL_OTHER) {
		assert(podoom_cgroup_path_parse(s + a.prefix_len, len - a.prefix_len, &b) == 0);
		assert(b.level == a.level && b.prefix_len == 0 && b.tail_len == a.tail_len);
		assert(strcmp(b.pod_uid, a.pod_uid) == 0 && strcmp(b.container_id, a.container_id) == 0);
		assert(b.runtime == a.runtime && b.has_qos == a.has_qos && (!a.has_qos || b.qos == a.qos));
	}
}

static uint8_t byte_at(const uint8_t *data, size_t size, size_t i)
{
	return i < size ? data[i] : 0;
}

/* n characters of @alphabet picked by the input from offset @from */
static void fill(char *out, size_t n, const char *alphabet, const uint8_t *data, size_t size, size_t from)
{
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[byte_at(data, size, from + i) % k];
	out[n] = '\0';
}

/* an outer prefix from the input: "/seg/seg", no empty segment */
static void make_outer(char *out, size_t cap, const uint8_t *data, size_t size, size_t from)
{
	static const char alphabet[] = "abcdeklpstuy0123456789.-_/";
	size_t n = byte_at(data, size, from) % 48, o = 0;

	out[o++] = '/';
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		char c = alphabet[byte_at(data, size, from + 1 + i) % (sizeof(alphabet) - 1)];
		if (c == '/' && out[o - 1] == '/')
			continue;
		out[o++] = c;
	}
	while (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	if (o == 1)
		out[0] = '\0';
}

static void build_property(const uint8_t *data, size_t size)
{
	static const char *const roots[] = {NULL, "/", "/kubelet", "/a/b1", "/x9"};
	char uid[PODOOM_POD_UID_MAX + 1], id[PODOOM_CONTAINER_ID_MAX + 1], outer[64], path[PODOOM_CGROUP_PATH_MAX];
	char bare_path[PODOOM_CGROUP_PATH_MAX];
	struct podoom_cgroup_spec sp, bare;
	struct podoom_cgroup_attr a;
	int len, bare_len;

	memset(&sp, 0, sizeof(sp));
	sp.driver = byte_at(data, size, 0) & 1 ? PODOOM_CGROUP_DRIVER_SYSTEMD : PODOOM_CGROUP_DRIVER_CGROUPFS;
	sp.level = (enum podoom_cgroup_level)(PODOOM_CGROUP_LEVEL_KUBEPODS + byte_at(data, size, 1) % 4);
	sp.qos = (enum podoom_qos)(byte_at(data, size, 2) % PODOOM_QOS_COUNT);
	sp.runtime = (enum podoom_runtime)(byte_at(data, size, 3) % PODOOM_RUNTIME_COUNT);
	sp.conmon = byte_at(data, size, 4) & 1;
	sp.cgroup_root = roots[byte_at(data, size, 5) % 5];
	fill(uid, 1 + byte_at(data, size, 6) % PODOOM_POD_UID_MAX, "0123456789abcdefghijklmnopqrstuvwxyz-", data,
	     size, 16);
	fill(id, 1 + byte_at(data, size, 7) % PODOOM_CONTAINER_ID_MAX, "0123456789abcdef", data, size, 80);
	make_outer(outer, sizeof(outer), data, size, 8);
	sp.pod_uid = uid;
	sp.container_id = id;
	sp.outer_prefix = outer;

	len = podoom_cgroup_path_format(&sp, path, sizeof(path));
	if (len < 0) {
		assert(len == -EINVAL);
		return;
	}
	assert((size_t)len == strlen(path));
	assert(podoom_cgroup_path_parse(path, (size_t)len, &a) == 0);
	check_attr(&a, (size_t)len);
	assert(a.level == sp.level && a.driver == sp.driver && a.tail_len == 0);
	assert(a.has_qos == (sp.level >= PODOOM_CGROUP_LEVEL_QOS));
	if (a.has_qos)
		assert(a.qos == sp.qos);
	if (sp.level >= PODOOM_CGROUP_LEVEL_POD)
		assert(strcmp(a.pod_uid, uid) == 0);
	if (sp.level == PODOOM_CGROUP_LEVEL_CONTAINER) {
		int bare_id = sp.driver == PODOOM_CGROUP_DRIVER_CGROUPFS && sp.runtime != PODOOM_RUNTIME_CRIO;
		assert(strcmp(a.container_id, id) == 0);
		assert(a.runtime == (bare_id ? PODOOM_RUNTIME_UNKNOWN : sp.runtime));
		assert(a.conmon == sp.conmon);
	}
	if (sp.cgroup_root && strcmp(sp.cgroup_root, "/kubelet") == 0)
		assert(a.nest == PODOOM_CGROUP_NEST_KIND);
	/* the prefix is exactly what precedes the tree built at the root (with
	 * systemd, another root renames the slices themselves) */
	bare = sp;
	bare.outer_prefix = NULL;
	bare.cgroup_root = NULL;
	bare_len = podoom_cgroup_path_format(&bare, bare_path, sizeof(bare_path));
	assert(bare_len > 0 && bare_len <= len);
	if (sp.driver == PODOOM_CGROUP_DRIVER_CGROUPFS || !sp.cgroup_root || strcmp(sp.cgroup_root, "/") == 0)
		assert(strcmp(path + a.prefix_len, bare_path) == 0);
	else
		assert(a.prefix_len > strlen(outer));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2 * PODOOM_CGROUP_PATH_MAX)
		return 0;
	parse_property((const char *)data, size);
	build_property(data, size);
	return 0;
}
