/*
 * cgroup_path.c - memcg paths to Kubernetes attribution and back.
 *
 * Naming rules (reference/kubernetes.md 3.1): the kubelet's CgroupName
 * {"kubepods", "burstable", "pod<uid>"} is "/kubepods/burstable/pod<uid>" with
 * the cgroupfs driver and, with systemd, ToSystemd(): each component has '-'
 * escaped to '_', the components are joined with '-' and the slice expanded,
 * "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice"
 * (pkg/kubelet/cm/cgroup_manager_linux.go). Guaranteed pods sit directly
 * under kubepods. A --cgroup-root such as kind's "/kubelet" becomes the first
 * components ("/kubelet.slice/kubelet-kubepods.slice/..."). Container leaves
 * are the runtime's: containerd "<id>" or "cri-containerd-<id>.scope", CRI-O
 * "crio-<id>" or "crio-<id>.scope" (conmon: "crio-conmon-<id>..."), Docker
 * "<id>" or "docker-<id>.scope" (runc's systemd unit naming).
 */
#include "podoom/cgroup_path.h"

#include <errno.h>
#include <string.h>

/* one path segment: s[off .. off + len), without its slashes */
struct seg {
	size_t off, len;
};

static const char SLICE[] = ".slice";
static const char SCOPE[] = ".scope";
#define LIT_LEN(lit) (sizeof(lit) - 1)

/* the segment after the '/' at *pos; *pos moves to the next '/' or the end */
static bool next_seg(const char *s, size_t len, size_t *pos, struct seg *g)
{
	size_t end;

	if (*pos >= len)
		return false;
	g->off = *pos + 1;
	for (end = g->off; end < len && s[end] != '/'; end++)
		;
	g->len = end - g->off;
	*pos = end;
	return true;
}

static bool span_eq(const char *s, size_t off, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len == n && memcmp(s + off, lit, n) == 0;
}

static bool seg_eq(const char *s, struct seg g, const char *lit)
{
	return span_eq(s, g.off, g.len, lit);
}

static bool seg_starts(const char *s, struct seg g, const char *lit)
{
	size_t n = strlen(lit);

	return g.len >= n && memcmp(s + g.off, lit, n) == 0;
}

static bool seg_ends(const char *s, struct seg g, const char *lit)
{
	size_t n = strlen(lit);

	return g.len >= n && memcmp(s + g.off + g.len - n, lit, n) == 0;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* every byte alnum or @extra (which may be '\0' for none) */
static bool span_is_id(const char *s, size_t off, size_t len, char extra)
{
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[off + i]) && (extra == '\0' || s[off + i] != extra))
			return false;
	return true;
}

static bool take_container_id(struct podoom_cgroup_attr *a, const char *s, size_t off, size_t len)
{
	if (len == 0 || len > PODOOM_CONTAINER_ID_MAX || !span_is_id(s, off, len, '\0'))
		return false;
	memcpy(a->container_id, s + off, len);
	a->container_id[len] = '\0';
	return true;
}

/* a pod UID as the path spells it; systemd's '_' becomes '-' again */
static bool take_pod_uid(struct podoom_cgroup_attr *a, const char *s, size_t off, size_t len, bool systemd)
{
	if (len == 0 || len > PODOOM_POD_UID_MAX || !span_is_id(s, off, len, systemd ? '_' : '-'))
		return false;
	for (size_t i = 0; i < len; i++)
		a->pod_uid[i] = s[off + i] == '_' ? '-' : s[off + i];
	a->pod_uid[len] = '\0';
	return true;
}

/* runc/containerd/CRI-O systemd scope names, "<prefix>-<id>.scope" */
static const struct {
	const char *prefix;
	enum podoom_runtime runtime;
	bool conmon;
} scope_prefixes[] = {
	{"cri-containerd-", PODOOM_RUNTIME_CONTAINERD, false},
	{"crio-conmon-", PODOOM_RUNTIME_CRIO, true},
	{"crio-", PODOOM_RUNTIME_CRIO, false},
	{"docker-", PODOOM_RUNTIME_DOCKER, false},
};

#define N_SCOPE_PREFIXES (sizeof(scope_prefixes) / sizeof(scope_prefixes[0]))

/* "<known prefix>-<id>.scope": runtime, conmon and id */
static bool known_scope(const char *s, struct seg g, struct podoom_cgroup_attr *a)
{
	if (!seg_ends(s, g, SCOPE))
		return false;
	for (size_t i = 0; i < N_SCOPE_PREFIXES; i++) {
		size_t n = strlen(scope_prefixes[i].prefix);
		if (!seg_starts(s, g, scope_prefixes[i].prefix))
			continue;
		if (g.len < n + LIT_LEN(SCOPE) || !take_container_id(a, s, g.off + n, g.len - n - LIT_LEN(SCOPE)))
			return false;
		a->runtime = scope_prefixes[i].runtime;
		a->conmon = scope_prefixes[i].conmon;
		return true;
	}
	return false;
}

/* a container's cgroup under a pod */
static bool container_seg(const char *s, struct seg g, bool systemd, struct podoom_cgroup_attr *a)
{
	if (systemd) {
		size_t name_len, dash;

		if (known_scope(s, g, a))
			return true;
		/* another runtime's "<prefix>-<id>.scope": the id follows the last '-' */
		if (!seg_ends(s, g, SCOPE))
			return false;
		name_len = g.len - LIT_LEN(SCOPE);
		for (dash = name_len; dash > 0 && s[g.off + dash - 1] != '-'; dash--)
			;
		if (dash < 2)
			return false;
		a->runtime = PODOOM_RUNTIME_UNKNOWN;
		return take_container_id(a, s, g.off + dash, name_len - dash);
	}
	if (seg_starts(s, g, "crio-conmon-")) {
		a->runtime = PODOOM_RUNTIME_CRIO;
		a->conmon = true;
		return take_container_id(a, s, g.off + LIT_LEN("crio-conmon-"), g.len - LIT_LEN("crio-conmon-"));
	}
	if (seg_starts(s, g, "crio-")) {
		a->runtime = PODOOM_RUNTIME_CRIO;
		return take_container_id(a, s, g.off + LIT_LEN("crio-"), g.len - LIT_LEN("crio-"));
	}
	a->runtime = PODOOM_RUNTIME_UNKNOWN; /* containerd and Docker both use the bare id */
	return take_container_id(a, s, g.off, g.len);
}

/* systemd: is g "<stem>-<name>.slice"? (the stem is a span of s) */
static bool stem_slice(const char *s, struct seg g, struct seg stem, const char *name)
{
	size_t n = strlen(name);

	return g.len == stem.len + 1 + n + LIT_LEN(SLICE) && memcmp(s + g.off, s + stem.off, stem.len) == 0 &&
	       s[g.off + stem.len] == '-' && memcmp(s + g.off + stem.len + 1, name, n) == 0 && seg_ends(s, g, SLICE);
}

static const struct {
	const char *name; /* the kubelet's lower-cased class name */
	enum podoom_qos qos;
} qos_levels[] = {
	{"burstable", PODOOM_QOS_BURSTABLE},
	{"besteffort", PODOOM_QOS_BESTEFFORT},
};

static bool qos_seg(const char *s, struct seg g, bool systemd, struct seg stem, enum podoom_qos *ret)
{
	for (size_t i = 0; i < sizeof(qos_levels) / sizeof(qos_levels[0]); i++) {
		bool match = systemd ? stem_slice(s, g, stem, qos_levels[i].name) : seg_eq(s, g, qos_levels[i].name);

		if (match) {
			*ret = qos_levels[i].qos;
			return true;
		}
	}
	return false;
}

/* "pod<uid>" or, systemd, "<stem>-pod<uid_>.slice" */
static bool pod_seg(const char *s, struct seg g, bool systemd, struct seg stem, struct podoom_cgroup_attr *a)
{
	size_t head;

	if (!systemd)
		return seg_starts(s, g, "pod") && take_pod_uid(a, s, g.off + 3, g.len - 3, false);
	head = stem.len + LIT_LEN("-pod");
	if (g.len <= head + LIT_LEN(SLICE) || memcmp(s + g.off, s + stem.off, stem.len) != 0 ||
	    memcmp(s + g.off + stem.len, "-pod", 4) != 0 || !seg_ends(s, g, SLICE))
		return false;
	return take_pod_uid(a, s, g.off + head, g.len - head - LIT_LEN(SLICE), true);
}

/* where the kubelet tree starts: the segment, its driver, and (systemd) the
 * slice-name stem every lower slice repeats ("kubepods", "kubelet-kubepods") */
struct anchor {
	bool found;
	struct seg seg;
	bool systemd;
	struct seg stem;
};

static void check_anchor(const char *s, struct seg g, const struct seg *prev, struct anchor *an)
{
	static const char tail[] = "-kubepods.slice";

	if (seg_eq(s, g, "kubepods")) {
		*an = (struct anchor){true, g, false, {0, 0}};
		return;
	}
	if (seg_eq(s, g, "kubepods.slice")) {
		*an = (struct anchor){true, g, true, {g.off, LIT_LEN("kubepods")}};
		return;
	}
	/* "<P>-kubepods.slice" directly under "<P>.slice" */
	if (prev && g.len > LIT_LEN(tail) && seg_ends(s, g, tail)) {
		size_t p_len = g.len - LIT_LEN(tail);
		if (prev->len == p_len + LIT_LEN(SLICE) && memcmp(s + prev->off, s + g.off, p_len) == 0 &&
		    seg_ends(s, *prev, SLICE))
			*an = (struct anchor){true, g, true, {g.off, g.len - LIT_LEN(SLICE)}};
	}
}

static enum podoom_cgroup_nest classify_prefix(const char *s, size_t prefix_len, const struct anchor *an)
{
	bool lxc = false, docker = false;
	struct seg g, last = {0, 0};
	size_t pos = 0;

	if (prefix_len == 0)
		return PODOOM_CGROUP_NEST_NONE;
	while (next_seg(s, prefix_len, &pos, &g)) {
		if (seg_eq(s, g, "lxc") || seg_starts(s, g, "lxc.payload"))
			lxc = true;
		if (seg_eq(s, g, "docker") || (seg_starts(s, g, "docker-") && seg_ends(s, g, SCOPE)))
			docker = true;
		last = g;
	}
	/* kind: cgroupRoot /kubelet, so "kubelet/kubepods" or "kubelet-kubepods.slice" */
	if (an->systemd ? span_eq(s, an->stem.off, an->stem.len, "kubelet-kubepods") : seg_eq(s, last, "kubelet"))
		return PODOOM_CGROUP_NEST_KIND;
	if (lxc)
		return PODOOM_CGROUP_NEST_LXC;
	if (docker)
		return PODOOM_CGROUP_NEST_DOCKER;
	return PODOOM_CGROUP_NEST_OTHER;
}

/* walk the kubelet tree down from the anchor */
static void parse_kube(const char *s, size_t len, const struct anchor *an, struct podoom_cgroup_attr *a)
{
	size_t pos = an->seg.off + an->seg.len, recognised = pos;
	struct seg stem = an->stem, g;

	a->level = PODOOM_CGROUP_LEVEL_KUBEPODS;
	a->driver = an->systemd ? PODOOM_CGROUP_DRIVER_SYSTEMD : PODOOM_CGROUP_DRIVER_CGROUPFS;
	a->prefix_len = an->seg.off - 1;
	a->nest = classify_prefix(s, a->prefix_len, an);

	if (next_seg(s, len, &pos, &g)) {
		if (qos_seg(s, g, an->systemd, stem, &a->qos)) {
			a->level = PODOOM_CGROUP_LEVEL_QOS;
			a->has_qos = true;
			stem = (struct seg){g.off, g.len - LIT_LEN(SLICE)}; /* "<stem>-<qos>" */
			recognised = pos;
			if (!next_seg(s, len, &pos, &g))
				goto out;
		} else {
			a->qos = PODOOM_QOS_GUARANTEED; /* provisional: only if a pod follows */
		}
		if (pod_seg(s, g, an->systemd, stem, a)) {
			a->level = PODOOM_CGROUP_LEVEL_POD;
			a->has_qos = true;
			recognised = pos;
			if (next_seg(s, len, &pos, &g) && container_seg(s, g, an->systemd, a)) {
				a->level = PODOOM_CGROUP_LEVEL_CONTAINER;
				recognised = pos;
			}
		}
	}
out:
	if (a->level < PODOOM_CGROUP_LEVEL_CONTAINER) { /* a failed container_seg() may have written */
		a->runtime = PODOOM_RUNTIME_UNKNOWN;
		a->conmon = false;
		a->container_id[0] = '\0';
	}
	if (a->level < PODOOM_CGROUP_LEVEL_POD)
		a->pod_uid[0] = '\0';
	if (!a->has_qos)
		a->qos = PODOOM_QOS_GUARANTEED;
	a->tail_len = len - recognised;
}

static enum podoom_cgroup_driver driver_by_suffix(const char *s, struct seg g)
{
	if (seg_ends(s, g, SLICE) || seg_ends(s, g, SCOPE) || seg_ends(s, g, ".service"))
		return PODOOM_CGROUP_DRIVER_SYSTEMD;
	return PODOOM_CGROUP_DRIVER_UNKNOWN;
}

/* a cgroup name alone, as cpuset= prints it */
static void parse_leaf(const char *s, size_t len, struct podoom_cgroup_attr *a)
{
	struct seg g = {0, len};
	bool hex64 = len == 64;

	for (size_t i = 0; hex64 && i < len; i++)
		hex64 = is_lower_hex(s[i]);
	a->level = PODOOM_CGROUP_LEVEL_CONTAINER;
	if (known_scope(s, g, a)) {
		a->driver = PODOOM_CGROUP_DRIVER_SYSTEMD;
		return;
	}
	if (seg_starts(s, g, "crio-") || hex64) {
		if (container_seg(s, g, false, a)) {
			a->driver = PODOOM_CGROUP_DRIVER_CGROUPFS;
			return;
		}
	}
	a->level = PODOOM_CGROUP_LEVEL_OTHER;
	a->runtime = PODOOM_RUNTIME_UNKNOWN;
	a->conmon = false;
	a->container_id[0] = '\0';
	a->driver = driver_by_suffix(s, g);
}

/* outside the kubelet tree: a systemd unit, or a plain container by its leaf */
static void parse_other(const char *s, size_t len, struct podoom_cgroup_attr *a)
{
	struct seg g, leaf = {0, 0}, parent = {0, 0};
	size_t pos = 0, n = 0;

	while (next_seg(s, len, &pos, &g)) {
		parent = leaf;
		leaf = g;
		n++;
	}
	a->level = PODOOM_CGROUP_LEVEL_OTHER;
	a->driver = driver_by_suffix(s, leaf);
	if (known_scope(s, leaf, a))
		return;
	a->runtime = PODOOM_RUNTIME_UNKNOWN;
	a->conmon = false;
	a->container_id[0] = '\0';
	/* dockerd's cgroupfs driver: /docker/<id> */
	if (n >= 2 && seg_eq(s, parent, "docker") && take_container_id(a, s, leaf.off, leaf.len)) {
		a->runtime = PODOOM_RUNTIME_DOCKER;
		a->driver = PODOOM_CGROUP_DRIVER_CGROUPFS;
	}
}

int podoom_cgroup_path_parse(const char *s, size_t len, struct podoom_cgroup_attr *ret)
{
	struct podoom_cgroup_attr a;
	struct anchor an = {false, {0, 0}, false, {0, 0}};
	struct seg g, prev = {0, 0};
	bool have_prev = false;
	size_t pos = 0;

	if (len == 0)
		return -EINVAL;
	if (len > PODOOM_CGROUP_PATH_MAX)
		return -E2BIG;
	memset(&a, 0, sizeof(a));
	a.qos = PODOOM_QOS_GUARANTEED;
	if (s[0] != '/') {
		if (memchr(s, '/', len))
			return -EINVAL;
		parse_leaf(s, len, &a);
		*ret = a;
		return 0;
	}
	if (len == 1) {
		a.level = PODOOM_CGROUP_LEVEL_ROOT;
		*ret = a;
		return 0;
	}
	/* the last anchor: a node nested in a pod of another cluster parses as
	 * the inner pod, with the outer tree in the prefix */
	while (next_seg(s, len, &pos, &g)) {
		check_anchor(s, g, have_prev ? &prev : NULL, &an);
		prev = g;
		have_prev = true;
	}
	if (an.found)
		parse_kube(s, len, &an, &a);
	else
		parse_other(s, len, &a);
	*ret = a;
	return 0;
}

/* --- the forward direction --- */

struct writer {
	char *buf;
	size_t size, len;
};

static void put(struct writer *w, const char *p, size_t n)
{
	if (w->len + n < w->size)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_str(struct writer *w, const char *p)
{
	put(w, p, strlen(p));
}

/* the systemd stem, built in its own bounded writer: when it outgrew its
 * buffer, count its length only (the path is then over the cap anyway) */
static void put_stem(struct writer *w, const struct writer *stem)
{
	if (stem->len >= stem->size)
		w->len += stem->len;
	else
		put(w, stem->buf, stem->len);
}

static bool str_all(const char *p, size_t max, bool (*ok)(char))
{
	size_t n = strlen(p);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ok(p[i]))
			return false;
	return true;
}

static bool is_uid_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-';
}

static bool is_root_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

/* "/c1/c2" with components [a-z0-9]+, none "kubepods"; NULL and "/" are empty */
static bool valid_root(const char *root)
{
	size_t pos = 0, len;
	struct seg g;

	if (!root || strcmp(root, "/") == 0)
		return true;
	len = strlen(root);
	if (root[0] != '/' || len >= PODOOM_CGROUP_PATH_MAX)
		return false;
	while (next_seg(root, len, &pos, &g)) {
		if (g.len == 0 || seg_eq(root, g, "kubepods"))
			return false;
		for (size_t i = 0; i < g.len; i++)
			if (!is_root_char(root[g.off + i]))
				return false;
	}
	return true;
}

/* "" or "/a/b": no empty segment, no trailing slash */
static bool valid_outer(const char *p)
{
	size_t pos = 0, len;
	struct seg g;

	if (!p || !*p)
		return true;
	len = strlen(p);
	if (p[0] != '/' || len >= PODOOM_CGROUP_PATH_MAX)
		return false;
	while (next_seg(p, len, &pos, &g))
		if (g.len == 0)
			return false;
	return true;
}

static int check_spec(const struct podoom_cgroup_spec *sp)
{
	bool systemd = sp->driver == PODOOM_CGROUP_DRIVER_SYSTEMD;

	if (sp->driver != PODOOM_CGROUP_DRIVER_CGROUPFS && !systemd)
		return -EINVAL;
	if (sp->level < PODOOM_CGROUP_LEVEL_KUBEPODS || sp->level > PODOOM_CGROUP_LEVEL_CONTAINER)
		return -EINVAL;
	if (!valid_root(sp->cgroup_root) || !valid_outer(sp->outer_prefix))
		return -EINVAL;
	if (sp->level >= PODOOM_CGROUP_LEVEL_QOS && (unsigned)sp->qos >= PODOOM_QOS_COUNT)
		return -EINVAL;
	if (sp->level == PODOOM_CGROUP_LEVEL_QOS && sp->qos == PODOOM_QOS_GUARANTEED)
		return -EINVAL;
	if (sp->level >= PODOOM_CGROUP_LEVEL_POD && (!sp->pod_uid || !str_all(sp->pod_uid, PODOOM_POD_UID_MAX, is_uid_char)))
		return -EINVAL;
	if (sp->level == PODOOM_CGROUP_LEVEL_CONTAINER) {
		if (!sp->container_id || !str_all(sp->container_id, PODOOM_CONTAINER_ID_MAX, is_lower_hex))
			return -EINVAL;
		if ((unsigned)sp->runtime >= PODOOM_RUNTIME_COUNT)
			return -EINVAL;
		if (sp->conmon && sp->runtime != PODOOM_RUNTIME_CRIO)
			return -EINVAL;
		if (systemd && sp->runtime == PODOOM_RUNTIME_UNKNOWN)
			return -EINVAL;
	}
	return 0;
}

static const char *qos_component(enum podoom_qos q)
{
	return q == PODOOM_QOS_BURSTABLE ? "burstable" : "besteffort";
}

/* the container's leaf for its runtime and driver */
static void put_container(struct writer *w, const struct podoom_cgroup_spec *sp, bool systemd)
{
	const char *prefix = "";

	switch (sp->runtime) {
	case PODOOM_RUNTIME_CONTAINERD:
		prefix = systemd ? "cri-containerd-" : "";
		break;
	case PODOOM_RUNTIME_CRIO:
		prefix = sp->conmon ? "crio-conmon-" : "crio-";
		break;
	case PODOOM_RUNTIME_DOCKER:
		prefix = systemd ? "docker-" : "";
		break;
	case PODOOM_RUNTIME_UNKNOWN:
	case PODOOM_RUNTIME_COUNT:
		break;
	}
	put_str(w, "/");
	put_str(w, prefix);
	put_str(w, sp->container_id);
	if (systemd)
		put_str(w, SCOPE);
}

static void put_cgroupfs(struct writer *w, const struct podoom_cgroup_spec *sp)
{
	if (sp->cgroup_root && strcmp(sp->cgroup_root, "/") != 0)
		put_str(w, sp->cgroup_root);
	put_str(w, "/kubepods");
	if (sp->level >= PODOOM_CGROUP_LEVEL_QOS && sp->qos != PODOOM_QOS_GUARANTEED) {
		put_str(w, "/");
		put_str(w, qos_component(sp->qos));
	}
	if (sp->level >= PODOOM_CGROUP_LEVEL_POD) {
		put_str(w, "/pod");
		put_str(w, sp->pod_uid);
	}
}

/* ToSystemd(): "/a.slice/a-b.slice/a-b-kubepods.slice/a-b-kubepods-burstable.slice/..." */
static void put_systemd(struct writer *w, const struct podoom_cgroup_spec *sp)
{
	char stem[PODOOM_CGROUP_PATH_MAX];
	struct writer sw = {stem, sizeof(stem), 0};
	const char *root = sp->cgroup_root ? sp->cgroup_root : "/";
	size_t pos = 0, len = strlen(root);
	struct seg g;

	while (next_seg(root, len, &pos, &g)) {
		if (g.len == 0)
			continue; /* "/" */
		if (sw.len)
			put_str(&sw, "-");
		put(&sw, root + g.off, g.len);
		put_str(w, "/");
		put_stem(w, &sw);
		put_str(w, SLICE);
	}
	put_str(&sw, sw.len ? "-kubepods" : "kubepods");
	/* the anchor and each lower slice: "/<stem>.slice", growing the stem */
	for (enum podoom_cgroup_level l = PODOOM_CGROUP_LEVEL_KUBEPODS; l <= sp->level && l <= PODOOM_CGROUP_LEVEL_POD; l++) {
		if (l == PODOOM_CGROUP_LEVEL_QOS) {
			if (sp->qos == PODOOM_QOS_GUARANTEED)
				continue;
			put_str(&sw, "-");
			put_str(&sw, qos_component(sp->qos));
		} else if (l == PODOOM_CGROUP_LEVEL_POD) {
			put_str(&sw, "-pod");
			for (const char *c = sp->pod_uid; *c; c++)
				put(&sw, *c == '-' ? "_" : c, 1); /* escapeSystemdCgroupName */
		}
		put_str(w, "/");
		put_stem(w, &sw);
		put_str(w, SLICE);
	}
}

int podoom_cgroup_path_format(const struct podoom_cgroup_spec *spec, char *buf, size_t size)
{
	struct writer w = {buf, size, 0};
	bool systemd = spec->driver == PODOOM_CGROUP_DRIVER_SYSTEMD;
	int r = check_spec(spec);

	if (r < 0)
		goto fail;
	if (spec->outer_prefix)
		put_str(&w, spec->outer_prefix);
	if (systemd)
		put_systemd(&w, spec);
	else
		put_cgroupfs(&w, spec);
	if (spec->level == PODOOM_CGROUP_LEVEL_CONTAINER)
		put_container(&w, spec, systemd);
	if (w.len >= PODOOM_CGROUP_PATH_MAX) {
		r = -E2BIG;
		goto fail;
	}
	if (w.len >= size) {
		r = -ENOBUFS;
		goto fail;
	}
	buf[w.len] = '\0';
	return (int)w.len;
fail:
	if (size > 0)
		buf[0] = '\0';
	return r;
}

enum podoom_oom_class podoom_oom_classify(const struct podoom_cgroup_attr *m)
{
	if (!m || m->level == PODOOM_CGROUP_LEVEL_ROOT)
		return PODOOM_OOM_CLASS_GLOBAL;
	if (m->tail_len != 0) /* a cgroup below what we recognised has its own limit */
		return PODOOM_OOM_CLASS_MEMCG;
	switch (m->level) {
	case PODOOM_CGROUP_LEVEL_KUBEPODS:
		return PODOOM_OOM_CLASS_NODE_ALLOCATABLE;
	case PODOOM_CGROUP_LEVEL_QOS:
		return PODOOM_OOM_CLASS_QOS_LIMIT;
	case PODOOM_CGROUP_LEVEL_POD:
		return PODOOM_OOM_CLASS_POD_LIMIT;
	case PODOOM_CGROUP_LEVEL_CONTAINER:
		return m->conmon ? PODOOM_OOM_CLASS_MEMCG : PODOOM_OOM_CLASS_CONTAINER_LIMIT;
	case PODOOM_CGROUP_LEVEL_ROOT:
	case PODOOM_CGROUP_LEVEL_OTHER:
	case PODOOM_CGROUP_LEVEL_COUNT:
		break;
	}
	return PODOOM_OOM_CLASS_MEMCG;
}

const char *podoom_cgroup_driver_to_string(enum podoom_cgroup_driver d)
{
	static const char *const names[PODOOM_CGROUP_DRIVER_COUNT] = {"unknown", "cgroupfs", "systemd"};
	return (unsigned)d < PODOOM_CGROUP_DRIVER_COUNT ? names[d] : NULL;
}

const char *podoom_cgroup_level_to_string(enum podoom_cgroup_level l)
{
	static const char *const names[PODOOM_CGROUP_LEVEL_COUNT] = {"root", "kubepods", "qos",
								    "pod",  "container", "other"};
	return (unsigned)l < PODOOM_CGROUP_LEVEL_COUNT ? names[l] : NULL;
}

const char *podoom_runtime_to_string(enum podoom_runtime r)
{
	static const char *const names[PODOOM_RUNTIME_COUNT] = {"unknown", "containerd", "cri-o", "docker"};
	return (unsigned)r < PODOOM_RUNTIME_COUNT ? names[r] : NULL;
}

const char *podoom_cgroup_nest_to_string(enum podoom_cgroup_nest n)
{
	static const char *const names[PODOOM_CGROUP_NEST_COUNT] = {"none", "kind", "docker", "lxc", "other"};
	return (unsigned)n < PODOOM_CGROUP_NEST_COUNT ? names[n] : NULL;
}

static const char *const oom_class_names[PODOOM_OOM_CLASS_COUNT] = {
	"container-limit", "pod-limit", "node-allocatable", "qos-limit", "memcg", "global",
};

const char *podoom_oom_class_to_string(enum podoom_oom_class c)
{
	return (unsigned)c < PODOOM_OOM_CLASS_COUNT ? oom_class_names[c] : NULL;
}

int podoom_oom_class_from_string(const char *s, size_t len, enum podoom_oom_class *ret)
{
	for (unsigned i = 0; i < PODOOM_OOM_CLASS_COUNT; i++) {
		if (span_eq(s, 0, len, oom_class_names[i])) {
			*ret = (enum podoom_oom_class)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool podoom_cgroup_path_within(const char *path, const char *ancestor)
{
	size_t n = strlen(ancestor);

	if (strcmp(ancestor, "/") == 0)
		return true;
	return strncmp(path, ancestor, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
