/*
 * manifest.c - pods out of Kubernetes objects.
 *
 * Validation follows what the API server would refuse for the fields we read
 * (negative quantities, request above limit, a container without a name), and
 * defaulting follows SetDefaults_Pod (pkg/apis/core/v1/defaults.go): a
 * resource present in limits but not in requests gets the limit as request.
 * The API server defaults only Pod objects, not templates, but every pod a
 * controller creates from a template is defaulted, so we default templates too.
 */
#include "podoom/grow.h"
#include "podoom/manifest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/kubelet.h"
#include "podoom/yaml.h"

#define MAX_LIST_DEPTH 4
#define PATH_MAX_LEN 256

struct podoom_manifests {
	struct podoom_yaml *yaml; /* owns every string the pods point to */
	struct podoom_pod *pods;
	size_t npods, pods_cap;
	struct podoom_manifest_msg *msgs;
	size_t nmsgs, msgs_cap, dropped, nerrors;
};

/* Where a pod comes from, and the path of its spec for messages. */
struct origin {
	const char *kind;
	const char *name;
	char path[PATH_MAX_LEN]; /* "spec.template.spec" */
};

static void add_msg_v(struct podoom_manifests *m, enum podoom_manifest_severity sev, uint32_t line,
		      uint32_t col, const char *fmt, va_list ap)
{
	struct podoom_manifest_msg *msg;

	if (sev == PODOOM_MANIFEST_ERROR)
		m->nerrors++;
	if (m->nmsgs == PODOOM_MANIFEST_MAX_MSGS) {
		m->dropped++;
		return;
	}
	if (podoom_grow(&m->msgs, &m->msgs_cap, m->nmsgs + 1, sizeof(*m->msgs), 16) < 0) {
		m->dropped++;
		return;
	}
	msg = &m->msgs[m->nmsgs++];
	msg->severity = sev;
	msg->skipped_kind = NULL;
	msg->diag.line = line;
	msg->diag.col = col;
	vsnprintf(msg->diag.msg, sizeof(msg->diag.msg), fmt, ap);
}

static void add_msg(struct podoom_manifests *m, enum podoom_manifest_severity sev,
		    const struct podoom_ynode *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_msg(struct podoom_manifests *m, enum podoom_manifest_severity sev,
		    const struct podoom_ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg_v(m, sev, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

static void add_error_at(struct podoom_manifests *m, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_error_at(struct podoom_manifests *m, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_msg_v(m, PODOOM_MANIFEST_ERROR, line, col, fmt, ap);
	va_end(ap);
}

static const char *str_or(const struct podoom_ynode *n, const char *fallback)
{
	return podoom_ynode_is_str(n) ? n->str : fallback;
}

/* a strict integer that fits int32 (spec.priority) or int64 (grace seconds) */
static int parse_int(const struct podoom_ynode *n, int64_t min, int64_t max, int64_t *ret)
{
	const char *s;
	size_t i = 0;
	bool neg = false;
	int64_t v = 0;

	if (!podoom_ynode_is_str(n))
		return -EINVAL;
	s = n->str;
	if (s[0] == '-' || s[0] == '+')
		neg = s[i++] == '-';
	if (i >= n->len)
		return -EINVAL;
	for (; i < n->len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* one quantity of a ResourceList; -EINVAL after recording the error */
static int read_quantity(struct podoom_manifests *m, const struct origin *o, const char *where,
			 const char *key, const struct podoom_ynode *v, struct podoom_quantity *q)
{
	const char *why = NULL;
	int r;

	if (!v || v->type != PODOOM_YNODE_SCALAR || podoom_ynode_is_null(v)) {
		add_msg(m, PODOOM_MANIFEST_ERROR, v, "%s %s: %s.%s: expected a quantity such as 256Mi, got %s",
			o->kind, o->name, where, key,
			v && v->type != PODOOM_YNODE_SCALAR ? podoom_ynode_type_to_string(v->type) : "null");
		return -EINVAL;
	}
	r = podoom_quantity_parse(v->str, v->len, q, &why);
	if (r < 0) {
		add_msg(m, PODOOM_MANIFEST_ERROR, v, "%s %s: %s.%s: invalid quantity \"%.64s\": %s", o->kind,
			o->name, where, key, v->str, why);
		return -EINVAL;
	}
	if (podoom_quantity_sign(q) < 0) {
		add_msg(m, PODOOM_MANIFEST_ERROR, v,
			"%s %s: %s.%s: must be greater than or equal to 0, got \"%.64s\"", o->kind, o->name,
			where, key, v->str);
		return -EINVAL;
	}
	return 0;
}

static int read_rlist(struct podoom_manifests *m, const struct origin *o, const char *where,
		      const struct podoom_ynode *node, struct podoom_rlist *rl)
{
	int r = 0;

	memset(rl, 0, sizeof(*rl));
	if (podoom_ynode_is_null(node))
		return 0;
	if (node->type != PODOOM_YNODE_MAPPING) {
		add_msg(m, PODOOM_MANIFEST_ERROR, node, "%s %s: %s: expected a mapping of resource names to quantities, got %s",
			o->kind, o->name, where, podoom_ynode_type_to_string(node->type));
		return -EINVAL;
	}
	for (size_t i = 0; i < node->n; i++) {
		const struct podoom_ynode *k = node->kids[2 * i], *v = node->kids[2 * i + 1];
		struct podoom_quantity q;
		const char *key = podoom_ynode_is_str(k) ? k->str : "?";

		if (read_quantity(m, o, where, key, v, &q) < 0) {
			r = -EINVAL;
			continue;
		}
		if (podoom_ynode_eq(k, "cpu")) {
			rl->has_cpu = true;
			rl->cpu = q;
		} else if (podoom_ynode_eq(k, "memory")) {
			rl->has_memory = true;
			rl->memory = q;
			rl->memory_line = v->line;
			rl->memory_col = v->col;
		} else if (podoom_ynode_is_str(k) && strncmp(k->str, "hugepages-", 10) == 0) {
			rl->has_hugepages = true;
		}
	}
	return r;
}

/* container.resources: requests <= limits, then SetDefaults_Pod */
static int read_resources(struct podoom_manifests *m, const struct origin *o, const char *where,
			  const struct podoom_ynode *res, struct podoom_rlist *req, struct podoom_rlist *lim,
			  bool *mem_defaulted, bool *cpu_defaulted)
{
	char path[PATH_MAX_LEN + 32];
	int r = 0;

	memset(req, 0, sizeof(*req));
	memset(lim, 0, sizeof(*lim));
	if (podoom_ynode_is_null(res))
		return 0;
	if (res->type != PODOOM_YNODE_MAPPING) {
		add_msg(m, PODOOM_MANIFEST_ERROR, res, "%s %s: %s: expected a mapping with requests and limits, got %s",
			o->kind, o->name, where, podoom_ynode_type_to_string(res->type));
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s.requests", where);
	if (read_rlist(m, o, path, podoom_ynode_get(res, "requests"), req) < 0)
		r = -EINVAL;
	snprintf(path, sizeof(path), "%s.limits", where);
	if (read_rlist(m, o, path, podoom_ynode_get(res, "limits"), lim) < 0)
		r = -EINVAL;
	if (r < 0)
		return r;
	if (req->has_memory && lim->has_memory && podoom_quantity_cmp(&req->memory, &lim->memory) > 0) {
		add_msg(m, PODOOM_MANIFEST_ERROR, podoom_ynode_get(podoom_ynode_get(res, "requests"), "memory"),
			"%s %s: %s.requests.memory: must be less than or equal to memory limit", o->kind,
			o->name, where);
		r = -EINVAL;
	}
	if (req->has_cpu && lim->has_cpu && podoom_quantity_cmp(&req->cpu, &lim->cpu) > 0) {
		add_msg(m, PODOOM_MANIFEST_ERROR, podoom_ynode_get(podoom_ynode_get(res, "requests"), "cpu"),
			"%s %s: %s.requests.cpu: must be less than or equal to cpu limit", o->kind, o->name,
			where);
		r = -EINVAL;
	}
	if (lim->has_memory && !req->has_memory) {
		req->has_memory = true;
		req->memory = lim->memory;
		*mem_defaulted = true;
	}
	if (lim->has_cpu && !req->has_cpu) {
		req->has_cpu = true;
		req->cpu = lim->cpu;
		*cpu_defaulted = true;
	}
	return r;
}

static int read_containers(struct podoom_manifests *m, const struct origin *o, const char *field,
			   const struct podoom_ynode *list, bool init, struct podoom_container *out,
			   size_t *n)
{
	int r = 0;

	for (size_t i = 0; i < list->n; i++) {
		const struct podoom_ynode *c = list->kids[i];
		struct podoom_container *ct = &out[*n];
		char where[PATH_MAX_LEN + 64];

		snprintf(where, sizeof(where), "%s.%s[%zu]", o->path, field, i);
		if (!c || c->type != PODOOM_YNODE_MAPPING) {
			add_msg(m, PODOOM_MANIFEST_ERROR, c, "%s %s: %s: expected a container (a mapping), got %s",
				o->kind, o->name, where, c ? podoom_ynode_type_to_string(c->type) : "nothing");
			r = -EINVAL;
			continue;
		}
		memset(ct, 0, sizeof(*ct));
		ct->line = c->line;
		ct->col = c->col;
		ct->name = str_or(podoom_ynode_get(c, "name"), NULL);
		if (!ct->name || ct->name[0] == '\0') {
			add_msg(m, PODOOM_MANIFEST_ERROR, c, "%s %s: %s.name: expected the container's name",
				o->kind, o->name, where);
			r = -EINVAL;
			continue;
		}
		ct->type = !init ? PODOOM_CONTAINER_REGULAR
		   : podoom_ynode_eq(podoom_ynode_get(c, "restartPolicy"), "Always") ? PODOOM_CONTAINER_SIDECAR
										      : PODOOM_CONTAINER_INIT;
		strncat(where, ".resources", sizeof(where) - strlen(where) - 1);
		if (read_resources(m, o, where, podoom_ynode_get(c, "resources"), &ct->requests, &ct->limits,
				   &ct->memory_request_defaulted, &ct->cpu_request_defaulted) < 0) {
			r = -EINVAL;
			continue;
		}
		(*n)++;
	}
	return r;
}

static const struct podoom_ynode *expect_list(struct podoom_manifests *m, const struct origin *o,
					      const struct podoom_ynode *spec, const char *field,
					      bool required, int *r)
{
	const struct podoom_ynode *list = podoom_ynode_get(spec, field);

	if (podoom_ynode_is_null(list)) {
		if (required) {
			add_msg(m, PODOOM_MANIFEST_ERROR, spec, "%s %s: %s.%s: expected a non-empty list of containers",
				o->kind, o->name, o->path, field);
			*r = -EINVAL;
		}
		return NULL;
	}
	if (list->type != PODOOM_YNODE_SEQUENCE || (required && list->n == 0)) {
		add_msg(m, PODOOM_MANIFEST_ERROR, list, "%s %s: %s.%s: expected a%s list of containers, got %s",
			o->kind, o->name, o->path, field, required ? " non-empty" : "",
			list->type == PODOOM_YNODE_SEQUENCE ? "an empty list" : podoom_ynode_type_to_string(list->type));
		*r = -EINVAL;
		return NULL;
	}
	if (list->n > PODOOM_MANIFEST_MAX_CONTAINERS) {
		add_msg(m, PODOOM_MANIFEST_ERROR, list, "%s %s: %s.%s: more than %u containers", o->kind,
			o->name, o->path, field, PODOOM_MANIFEST_MAX_CONTAINERS);
		*r = -EINVAL;
		return NULL;
	}
	return list;
}

static int add_pod(struct podoom_manifests *m, struct podoom_pod *pod)
{
	if (m->npods == PODOOM_MANIFEST_MAX_PODS)
		return -E2BIG;
	if (podoom_grow(&m->pods, &m->pods_cap, m->npods + 1, sizeof(*m->pods), 16) < 0)
		return -ENOMEM;
	m->pods[m->npods++] = *pod;
	return 0;
}

static const struct podoom_quantity *rlist_get(const struct podoom_rlist *rl, enum podoom_resource r)
{
	if (r == PODOOM_RESOURCE_CPU)
		return rl->has_cpu ? &rl->cpu : NULL;
	return rl->has_memory ? &rl->memory : NULL;
}

/* What validation refuses across containers: duplicate names, and pod-level
 * resources below what the containers ask (KEP-2837: pod-level requests at
 * least the aggregate container requests, no container limit above the
 * pod-level limit). */
static int validate_pod(struct podoom_manifests *m, const struct origin *o, const struct podoom_pod *pod,
			const struct podoom_ynode *res)
{
	static const char *const names[PODOOM_RESOURCE_COUNT] = {"cpu", "memory"};
	int r = 0;

	for (size_t i = 0; i < pod->ncontainers; i++) {
		for (size_t k = 0; k < i; k++) {
			if (strcmp(pod->containers[i].name, pod->containers[k].name) == 0) {
				const struct podoom_container *c = &pod->containers[i];
				add_error_at(m, c->line, c->col, "%s %s: %s: duplicate container name \"%.64s\"",
					     o->kind, o->name, o->path, c->name);
				r = -EINVAL;
				break;
			}
		}
	}
	if (!pod->has_pod_resources)
		return r;
	for (int res_i = 0; res_i < PODOOM_RESOURCE_COUNT; res_i++) {
		enum podoom_resource rs = (enum podoom_resource)res_i;
		const struct podoom_quantity *preq = rlist_get(&pod->pod_requests, rs);
		const struct podoom_quantity *plim = rlist_get(&pod->pod_limits, rs);
		if (preq) {
			struct podoom_quantity agg = podoom_pod_aggregate_requests(pod, rs);
			if (podoom_quantity_cmp(&agg, preq) > 0) {
				add_msg(m, PODOOM_MANIFEST_ERROR, res,
					"%s %s: %s.resources.requests.%s: must be greater than or equal to the "
					"aggregate of the containers' requests",
					o->kind, o->name, o->path, names[rs]);
				r = -EINVAL;
			}
		}
		for (size_t i = 0; plim && i < pod->ncontainers; i++) {
			const struct podoom_quantity *clim = rlist_get(&pod->containers[i].limits, rs);
			if (clim && podoom_quantity_cmp(clim, plim) > 0) {
				add_msg(m, PODOOM_MANIFEST_ERROR, res,
					"%s %s: %s.resources.limits.%s: must be greater than or equal to the limit of "
					"container %.64s",
					o->kind, o->name, o->path, names[rs], pod->containers[i].name);
				r = -EINVAL;
				break;
			}
		}
	}
	return r;
}

/* The pod of @obj: @pmeta/@spec are the pod's (the template's for workloads). */
static int read_pod(struct podoom_manifests *m, const struct origin *o, const struct podoom_ynode *obj,
		    const struct podoom_ynode *pmeta, const struct podoom_ynode *spec,
		    const struct podoom_ynode *at)
{
	const struct podoom_ynode *meta = podoom_ynode_get(obj, "metadata");
	const struct podoom_ynode *ann = podoom_ynode_get(pmeta, "annotations");
	const struct podoom_ynode *regular, *init, *n;
	struct podoom_pod pod = {0};
	char where[PATH_MAX_LEN + 32];
	int r = 0;
	int64_t v;

	if (!spec || spec->type != PODOOM_YNODE_MAPPING) {
		add_msg(m, PODOOM_MANIFEST_ERROR, spec ? spec : at, "%s %s: %s: expected a pod spec (a mapping)",
			o->kind, o->name, o->path);
		return -EINVAL;
	}
	pod.kind = o->kind;
	pod.name = o->name;
	pod.namespace = str_or(podoom_ynode_get(meta, "namespace"), "default");
	pod.uid = str_or(podoom_ynode_get(meta, "uid"), NULL);
	pod.line = at->line;
	pod.col = at->col;
	pod.mirror = podoom_ynode_get(ann, "kubernetes.io/config.mirror") != NULL;
	n = podoom_ynode_get(ann, "kubernetes.io/config.source");
	pod.static_pod = podoom_ynode_is_str(n) && !podoom_ynode_eq(n, "api");
	pod.priority_class = str_or(podoom_ynode_get(spec, "priorityClassName"), NULL);
	pod.restart_policy = str_or(podoom_ynode_get(spec, "restartPolicy"), NULL);
	pod.status_qos = str_or(podoom_ynode_get(podoom_ynode_get(obj, "status"), "qosClass"), NULL);
	n = podoom_ynode_get(spec, "priority");
	if (!podoom_ynode_is_null(n)) {
		if (parse_int(n, INT32_MIN, INT32_MAX, &v) < 0) {
			add_msg(m, PODOOM_MANIFEST_ERROR, n, "%s %s: %s.priority: expected a 32-bit integer",
				o->kind, o->name, o->path);
			r = -EINVAL;
		} else {
			pod.has_priority = true;
			pod.priority = (int32_t)v;
		}
	}
	if (!pod.has_priority && pod.priority_class) {
		/* what the Priority admission plugin writes for the built-in classes
		 * (pkg/apis/scheduling/types.go); other classes live in the cluster */
		if (strcmp(pod.priority_class, "system-node-critical") == 0)
			pod.priority = PODOOM_SYSTEM_CRITICAL_PRIORITY + 1000;
		else if (strcmp(pod.priority_class, "system-cluster-critical") == 0)
			pod.priority = PODOOM_SYSTEM_CRITICAL_PRIORITY;
		pod.has_priority = pod.priority_from_class = pod.priority != 0;
	}
	n = podoom_ynode_get(spec, "terminationGracePeriodSeconds");
	if (!podoom_ynode_is_null(n)) {
		if (parse_int(n, 0, INT64_MAX, &v) < 0) {
			add_msg(m, PODOOM_MANIFEST_ERROR, n,
				"%s %s: %s.terminationGracePeriodSeconds: expected a whole number of seconds >= 0",
				o->kind, o->name, o->path);
			r = -EINVAL;
		} else {
			pod.has_termination_grace = true;
			pod.termination_grace_seconds = v;
		}
	}
	n = podoom_ynode_get(spec, "resources");
	if (!podoom_ynode_is_null(n)) {
		bool unused_mem = false, unused_cpu = false;
		pod.has_pod_resources = true;
		snprintf(where, sizeof(where), "%s.resources", o->path);
		if (read_resources(m, o, where, n, &pod.pod_requests, &pod.pod_limits, &unused_mem, &unused_cpu) < 0)
			r = -EINVAL;
		/* pod-level hugepages requests default too (from the containers'): present either way */
		pod.pod_requests.has_hugepages |= pod.pod_limits.has_hugepages;
	}
	snprintf(where, sizeof(where), "%s.overhead", o->path);
	if (read_rlist(m, o, where, podoom_ynode_get(spec, "overhead"), &pod.overhead) < 0)
		r = -EINVAL;

	regular = expect_list(m, o, spec, "containers", true, &r);
	init = expect_list(m, o, spec, "initContainers", false, &r);
	if (r < 0)
		return r;
	pod.containers = calloc(regular->n + (init ? init->n : 0), sizeof(*pod.containers));
	if (!pod.containers)
		return -ENOMEM;
	if (init && read_containers(m, o, "initContainers", init, true, pod.containers, &pod.ncontainers) < 0)
		r = -EINVAL;
	if (read_containers(m, o, "containers", regular, false, pod.containers, &pod.ncontainers) < 0)
		r = -EINVAL;
	if (r == 0)
		r = validate_pod(m, o, &pod, podoom_ynode_get(spec, "resources"));
	if (r == 0)
		r = add_pod(m, &pod);
	if (r < 0)
		free(pod.containers);
	return r;
}

/* kind -> where its pod template is */
static const struct {
	const char *kind;
	const char *const path[4]; /* keys from the object to the template; empty for Pod */
	const char *spec_path;	   /* for messages */
} workloads[] = {
	{"Pod", {NULL}, "spec"},
	{"Deployment", {"spec", "template", NULL}, "spec.template.spec"},
	{"StatefulSet", {"spec", "template", NULL}, "spec.template.spec"},
	{"DaemonSet", {"spec", "template", NULL}, "spec.template.spec"},
	{"ReplicaSet", {"spec", "template", NULL}, "spec.template.spec"},
	{"ReplicationController", {"spec", "template", NULL}, "spec.template.spec"},
	{"Job", {"spec", "template", NULL}, "spec.template.spec"},
	{"CronJob", {"spec", "jobTemplate", "spec", "template"}, "spec.jobTemplate.spec.template.spec"},
	{"PodTemplate", {"template", NULL}, "template.spec"},
};

static int read_object(struct podoom_manifests *m, const struct podoom_ynode *obj, unsigned depth);

static int read_list(struct podoom_manifests *m, const struct podoom_ynode *obj, const char *kind,
		     unsigned depth)
{
	const struct podoom_ynode *items = podoom_ynode_get(obj, "items");
	int r = 0;

	if (podoom_ynode_is_null(items))
		return 0;
	if (items->type != PODOOM_YNODE_SEQUENCE) {
		add_msg(m, PODOOM_MANIFEST_ERROR, items, "%s: items: expected a list of objects, got %s", kind,
			podoom_ynode_type_to_string(items->type));
		return -EINVAL;
	}
	if (depth >= MAX_LIST_DEPTH) {
		add_msg(m, PODOOM_MANIFEST_ERROR, obj, "%s: lists nested deeper than %d", kind, MAX_LIST_DEPTH);
		return -EINVAL;
	}
	for (size_t i = 0; i < items->n; i++) {
		int ri = read_object(m, items->kids[i], depth + 1);
		if (ri < 0 && ri != -EINVAL)
			return ri;
	}
	return r;
}

static int read_object(struct podoom_manifests *m, const struct podoom_ynode *obj, unsigned depth)
{
	const struct podoom_ynode *kind_node, *meta, *tmpl, *name;
	const char *kind;
	struct origin o;
	size_t klen;

	if (podoom_ynode_is_null(obj))
		return 0; /* an empty document */
	if (obj->type != PODOOM_YNODE_MAPPING) {
		add_msg(m, PODOOM_MANIFEST_ERROR, obj,
			"expected a Kubernetes object (a mapping with apiVersion and kind), got %s",
			podoom_ynode_type_to_string(obj->type));
		return -EINVAL;
	}
	kind_node = podoom_ynode_get(obj, "kind");
	if (!podoom_ynode_is_str(kind_node)) {
		add_msg(m, PODOOM_MANIFEST_ERROR, obj,
			"expected a Kubernetes object with a kind (Pod, Deployment, List, ...); this mapping has none");
		return -EINVAL;
	}
	kind = kind_node->str;
	klen = kind_node->len;
	if (klen >= 4 && strcmp(kind + klen - 4, "List") == 0)
		return read_list(m, obj, kind, depth);
	meta = podoom_ynode_get(obj, "metadata");
	name = podoom_ynode_get(meta, "name");
	o.kind = kind;
	o.name = str_or(name, str_or(podoom_ynode_get(meta, "generateName"), "(unnamed)"));
	for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
		if (strcmp(kind, workloads[w].kind) != 0)
			continue;
		snprintf(o.path, sizeof(o.path), "%s", workloads[w].spec_path);
		const struct podoom_ynode *deepest = obj; /* where to point when the path breaks */
		tmpl = obj;
		for (size_t k = 0; k < 4 && workloads[w].path[k]; k++) {
			tmpl = podoom_ynode_get(tmpl, workloads[w].path[k]);
			if (tmpl)
				deepest = tmpl;
		}
		if (!tmpl || tmpl->type != PODOOM_YNODE_MAPPING) {
			add_msg(m, PODOOM_MANIFEST_ERROR, deepest, "%s %s: %.*s: expected a pod template",
				o.kind, o.name, (int)(strlen(o.path) - 5), o.path);
			return -EINVAL;
		}
		if (tmpl == obj)
			return read_pod(m, &o, obj, meta, podoom_ynode_get(obj, "spec"), obj);
		return read_pod(m, &o, obj, podoom_ynode_get(tmpl, "metadata"), podoom_ynode_get(tmpl, "spec"),
				tmpl);
	}
	size_t before = m->nmsgs;
	add_msg(m, PODOOM_MANIFEST_NOTE, obj, "skipped %.64s %.128s: it runs no pods", kind, o.name);
	if (m->nmsgs > before)
		m->msgs[m->nmsgs - 1].skipped_kind = kind;
	return 0;
}

int podoom_manifests_parse(const char *buf, size_t len, struct podoom_manifests **ret,
			   struct podoom_diag *diag)
{
	struct podoom_manifests *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	r = podoom_yaml_parse(buf, len, &m->yaml, diag);
	if (r < 0)
		goto fail;
	for (size_t d = 0; d < podoom_yaml_ndocs(m->yaml); d++) {
		r = read_object(m, podoom_yaml_doc(m->yaml, d), 0);
		if (r == -E2BIG) {
			podoom_diag_set(diag, 0, 0, "more than %u pods", PODOOM_MANIFEST_MAX_PODS);
			goto fail;
		}
		if (r == -ENOMEM)
			goto fail;
	}
	*ret = m;
	return 0;
fail:
	podoom_manifests_free(m);
	return r;
}

int podoom_manifests_parse_pod(const struct podoom_ynode *obj, struct podoom_manifests **ret)
{
	struct podoom_manifests *m = calloc(1, sizeof(*m));
	const struct podoom_ynode *meta;
	struct origin o = {.kind = "Pod", .path = "spec"};
	int r = 0;

	if (!m)
		return -ENOMEM;
	if (!obj || obj->type != PODOOM_YNODE_MAPPING) {
		add_msg(m, PODOOM_MANIFEST_ERROR, obj, "expected a Pod (a mapping with metadata and spec)");
	} else {
		meta = podoom_ynode_get(obj, "metadata");
		o.name = str_or(podoom_ynode_get(meta, "name"), "(unnamed)");
		r = read_pod(m, &o, obj, meta, podoom_ynode_get(obj, "spec"), obj);
	}
	if (r == -ENOMEM) {
		podoom_manifests_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

void podoom_manifests_free(struct podoom_manifests *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->npods; i++)
		free(m->pods[i].containers);
	free(m->pods);
	free(m->msgs);
	podoom_yaml_free(m->yaml);
	free(m);
}

size_t podoom_manifests_npods(const struct podoom_manifests *m)
{
	return m->npods;
}

const struct podoom_pod *podoom_manifests_pod(const struct podoom_manifests *m, size_t i)
{
	return i < m->npods ? &m->pods[i] : NULL;
}

size_t podoom_manifests_nmsgs(const struct podoom_manifests *m, size_t *dropped)
{
	if (dropped)
		*dropped = m->dropped;
	return m->nmsgs;
}

const struct podoom_manifest_msg *podoom_manifests_msg(const struct podoom_manifests *m, size_t i)
{
	return i < m->nmsgs ? &m->msgs[i] : NULL;
}

size_t podoom_manifests_nerrors(const struct podoom_manifests *m)
{
	return m->nerrors;
}

const char *podoom_container_type_to_string(enum podoom_container_type t)
{
	switch (t) {
	case PODOOM_CONTAINER_REGULAR:
		return "regular";
	case PODOOM_CONTAINER_INIT:
		return "init";
	case PODOOM_CONTAINER_SIDECAR:
		return "sidecar";
	default:
		return "?";
	}
}
