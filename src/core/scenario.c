/*
 * scenario.c - scenario files. Strict: a key we do not know is an error
 * that names the keys we do, since a typo in a scenario silently changes
 * what is simulated.
 */
#include "podoom/grow.h"
#include "podoom/scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/duration.h"
#include "podoom/manifest.h"
#include "podoom/quantity.h"
#include "podoom/yaml.h"

struct priv {
	struct podoom_yaml *yaml;
	struct podoom_manifests **sets; /* keep every pod's strings alive */
	size_t nsets, sets_cap;
};

typedef const struct podoom_ynode ynode;

static int fail(struct podoom_diag *diag, ynode *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct podoom_diag *diag, ynode *at, const char *fmt, ...)
{
	char msg[sizeof(diag->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	podoom_diag_set(diag, at ? at->line : 0, at ? at->col : 0, "%s", msg);
	return -EINVAL;
}

/* every key of @map is one of @allowed (NULL-terminated) */
static int check_keys(ynode *map, const char *where, const char *const *allowed, const char *list,
		      struct podoom_diag *diag)
{
	for (size_t i = 0; i < map->n; i++) {
		ynode *k = map->kids[2 * i];
		bool ok = false;
		for (size_t a = 0; allowed[a] && !ok; a++)
			ok = podoom_ynode_eq(k, allowed[a]);
		if (!ok) {
			podoom_diag_set(diag, k->line, k->col, "%s: unknown key \"%.64s\"; expected %s", where,
					podoom_ynode_is_str(k) ? k->str : "?", list);
			return -EINVAL;
		}
	}
	return 0;
}

static int expect_map(ynode *n, const char *where, struct podoom_diag *diag)
{
	if (!n || n->type != PODOOM_YNODE_MAPPING)
		return fail(diag, n, "%s: expected a mapping", where);
	return 0;
}

static int read_bytes(ynode *n, const char *where, int64_t *ret, struct podoom_diag *diag)
{
	struct podoom_quantity q;
	const char *why = NULL;
	int64_t v;

	if (!podoom_ynode_is_str(n))
		return fail(diag, n, "%s: expected a quantity such as 256Mi", where);
	if (podoom_quantity_parse(n->str, n->len, &q, &why) < 0) {
		podoom_diag_set(diag, n->line, n->col, "%s: invalid quantity \"%.64s\": %s", where, n->str, why);
		return -EINVAL;
	}
	if (podoom_quantity_value(&q, &v) < 0 || v < 0)
		return fail(diag, n, "%s: expected a quantity between 0 and 2^63-1 bytes", where);
	*ret = v;
	return 0;
}

static int read_duration(ynode *n, const char *where, bool allow_zero, int64_t *ret_usec,
			 struct podoom_diag *diag)
{
	const char *why = NULL;
	int64_t ns;

	if (!podoom_ynode_is_str(n))
		return fail(diag, n, "%s: expected a duration such as 10s or 500ms", where);
	if (podoom_duration_parse(n->str, n->len, &ns, &why) < 0) {
		podoom_diag_set(diag, n->line, n->col, "%s: invalid duration \"%.64s\": %s", where, n->str, why);
		return -EINVAL;
	}
	if (ns < 0 || (!allow_zero && ns == 0))
		return fail(diag, n, "%s: expected a %s duration", where, allow_zero ? "non-negative" : "positive");
	*ret_usec = ns / 1000;
	return 0;
}

static int read_bool(ynode *n, const char *where, bool *ret, struct podoom_diag *diag)
{
	/* YAML 1.1 booleans as go-yaml reads them */
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};

	for (size_t i = 0; n && n->plain && yes[i]; i++)
		if (podoom_ynode_eq(n, yes[i]))
			return *ret = true, 0;
	for (size_t i = 0; n && n->plain && no[i]; i++)
		if (podoom_ynode_eq(n, no[i]))
			return *ret = false, 0;
	return fail(diag, n, "%s: expected true or false", where);
}

static int read_int(ynode *n, const char *where, int64_t min, int64_t max, int64_t *ret,
		    struct podoom_diag *diag)
{
	int64_t v = 0;
	size_t i = 0;
	bool neg = false;

	if (!podoom_ynode_is_str(n) || n->len > 20)
		goto bad;
	if (n->str[0] == '-' || n->str[0] == '+')
		neg = n->str[i++] == '-';
	if (i == n->len)
		goto bad;
	for (; i < n->len; i++) {
		if (n->str[i] < '0' || n->str[i] > '9' || v > (INT64_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (n->str[i] - '0');
	}
	v = neg ? -v : v;
	if (v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	podoom_diag_set(diag, n ? n->line : 0, n ? n->col : 0, "%s: expected a whole number from %lld to %lld",
			where, (long long)min, (long long)max);
	return -EINVAL;
}

static int read_settings(ynode *n, const char *where, struct podoom_scenario_settings *out,
			 struct podoom_diag *diag)
{
	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	out->given = true;
	if (podoom_ynode_is_null(n))
		return 0;
	if (expect_map(n, where, diag) < 0)
		return -EINVAL;
	out->v = calloc(n->n ? n->n : 1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	for (size_t i = 0; i < n->n; i++) {
		ynode *k = n->kids[2 * i], *v = n->kids[2 * i + 1];
		if (!podoom_ynode_is_str(k) || !podoom_ynode_is_str(v))
			return fail(diag, podoom_ynode_is_str(k) ? v : k,
				    "%s: expected signal: value pairs such as memory.available: 100Mi", where);
		out->v[out->n++] = (struct podoom_scenario_setting){
			.key = k->str, .value = v->str, .line = v->line, .col = v->col};
	}
	return 0;
}

static int read_reserved(ynode *n, const char *where, int64_t *ret, struct podoom_diag *diag)
{
	static const char *const keys[] = {"memory", "cpu", "ephemeral-storage", "pid", NULL};

	*ret = 0;
	if (podoom_ynode_is_null(n))
		return 0;
	if (expect_map(n, where, diag) < 0 || check_keys(n, where, keys, "memory, cpu, ephemeral-storage, pid", diag) < 0)
		return -EINVAL;
	ynode *mem = podoom_ynode_get(n, "memory");
	return mem ? read_bytes(mem, where, ret, diag) : 0;
}

static void warn(struct podoom_scenario *sc, ynode *at, const char *msg)
{
	if (sc->nwarnings < sizeof(sc->warnings) / sizeof(sc->warnings[0]))
		podoom_diag_set(&sc->warnings[sc->nwarnings++], at->line, at->col, "%s", msg);
}

static int read_kubelet(struct podoom_scenario *sc, ynode *n, struct podoom_scenario_kubelet *k,
			struct podoom_diag *diag)
{
	static const char *const keys[] = {
		"version", "housekeepingInterval", "evictionHard", "evictionSoft", "evictionSoftGracePeriod",
		"evictionMinimumReclaim", "evictionPressureTransitionPeriod", "evictionMaxPodGracePeriod",
		"kubeReserved", "systemReserved", "enforceNodeAllocatable", "kernelMemcgNotification",
		"singleProcessOOMKill", NULL};
	ynode *v;
	int r;

	k->profile = podoom_kubelet_profile_default();
	k->housekeeping_usec = 10 * 1000000LL; /* evictionMonitoringPeriod, kubelet.go */
	k->pressure_transition_usec = 5 * 60 * 1000000LL;
	k->enforce_pods = true; /* default enforceNodeAllocatable: ["pods"] */
	if (podoom_ynode_is_null(n))
		return 0;
	if (expect_map(n, "node.kubelet", diag) < 0 ||
	    check_keys(n, "node.kubelet", keys,
		       "version, housekeepingInterval, evictionHard, evictionSoft, evictionSoftGracePeriod, "
		       "evictionMinimumReclaim, evictionPressureTransitionPeriod, evictionMaxPodGracePeriod, "
		       "kubeReserved, systemReserved, enforceNodeAllocatable, kernelMemcgNotification, "
		       "singleProcessOOMKill",
		       diag) < 0)
		return -EINVAL;
	if ((v = podoom_ynode_get(n, "version")) != NULL &&
	    (!podoom_ynode_is_str(v) || podoom_kubelet_profile_lookup(v->str, &k->profile) < 0))
		return fail(diag, v, "node.kubelet.version: expected a Kubernetes release such as \"1.31\"");
	if ((v = podoom_ynode_get(n, "housekeepingInterval")) != NULL &&
	    read_duration(v, "node.kubelet.housekeepingInterval", false, &k->housekeeping_usec, diag) < 0)
		return -EINVAL;
	if ((v = podoom_ynode_get(n, "evictionPressureTransitionPeriod")) != NULL) {
		if (read_duration(v, "node.kubelet.evictionPressureTransitionPeriod", true,
				  &k->pressure_transition_usec, diag) < 0)
			return -EINVAL;
		if (k->pressure_transition_usec == 0) /* the kubelet's defaulting: 0 means 5m */
			k->pressure_transition_usec = 5 * 60 * 1000000LL;
	}
	if ((v = podoom_ynode_get(n, "evictionMaxPodGracePeriod")) != NULL &&
	    read_int(v, "node.kubelet.evictionMaxPodGracePeriod", -1, INT32_MAX, &k->eviction_max_pod_grace_sec,
		     diag) < 0)
		return -EINVAL;
	if ((r = read_settings(podoom_ynode_get(n, "evictionHard"), "node.kubelet.evictionHard", &k->eviction_hard, diag)) < 0 ||
	    (r = read_settings(podoom_ynode_get(n, "evictionSoft"), "node.kubelet.evictionSoft", &k->eviction_soft, diag)) < 0 ||
	    (r = read_settings(podoom_ynode_get(n, "evictionSoftGracePeriod"), "node.kubelet.evictionSoftGracePeriod",
			       &k->eviction_soft_grace, diag)) < 0 ||
	    (r = read_settings(podoom_ynode_get(n, "evictionMinimumReclaim"), "node.kubelet.evictionMinimumReclaim",
			       &k->eviction_min_reclaim, diag)) < 0)
		return r;
	if (read_reserved(podoom_ynode_get(n, "kubeReserved"), "node.kubelet.kubeReserved", &k->kube_reserved_bytes, diag) < 0 ||
	    read_reserved(podoom_ynode_get(n, "systemReserved"), "node.kubelet.systemReserved", &k->system_reserved_bytes,
			  diag) < 0)
		return -EINVAL;
	if ((v = podoom_ynode_get(n, "enforceNodeAllocatable")) != NULL) {
		if (v->type != PODOOM_YNODE_SEQUENCE)
			return fail(diag, v, "node.kubelet.enforceNodeAllocatable: expected a list such as [pods]");
		k->enforce_pods = false;
		for (size_t i = 0; i < v->n; i++) {
			ynode *e = v->kids[i];
			if (podoom_ynode_eq(e, "pods"))
				k->enforce_pods = true;
			else if (!podoom_ynode_eq(e, "system-reserved") && !podoom_ynode_eq(e, "kube-reserved") &&
				 !podoom_ynode_eq(e, "system-reserved-compressible") &&
				 !podoom_ynode_eq(e, "kube-reserved-compressible") && !podoom_ynode_eq(e, "none"))
				return fail(diag, e,
					    "node.kubelet.enforceNodeAllocatable: expected pods, system-reserved, "
					    "kube-reserved (or their -compressible forms) or none");
		}
	}
	if ((v = podoom_ynode_get(n, "kernelMemcgNotification")) != NULL &&
	    read_bool(v, "node.kubelet.kernelMemcgNotification", &k->kernel_memcg_notification, diag) < 0)
		return -EINVAL;
	if ((v = podoom_ynode_get(n, "singleProcessOOMKill")) != NULL && !podoom_ynode_is_null(v)) {
		if (read_bool(v, "node.kubelet.singleProcessOOMKill", &k->single_process_oom_kill, diag) < 0)
			return -EINVAL;
		if (k->profile->single_process_oom_kill_option) {
			k->has_single_process_oom_kill = true;
		} else {
			/* the kubelet decodes its config leniently after a strict failure: an
			 * unknown field is ignored with a warning */
			k->single_process_oom_kill = false;
			warn(sc, v, "node.kubelet.singleProcessOOMKill: this kubelet release has no such "
				    "setting (it came in 1.32); ignored, as the kubelet ignores unknown fields");
		}
	}
	return 0;
}

static int read_node(struct podoom_scenario *sc, ynode *n, struct podoom_scenario_node *node,
		     struct podoom_diag *diag)
{
	static const char *const keys[] = {"memory", "swap", "kernel", "cgroup", "system", "kubelet", NULL};
	ynode *v;

	if (expect_map(n, "node", diag) < 0 ||
	    check_keys(n, "node", keys, "memory, swap, kernel, cgroup, system, kubelet", diag) < 0)
		return -EINVAL;
	node->cgroup_version = 2;
	node->driver = PODOOM_CGROUP_DRIVER_SYSTEMD;
	v = podoom_ynode_get(n, "memory");
	if (!v)
		return fail(diag, n, "node.memory: required: the node's MemTotal, such as 4Gi");
	if (read_bytes(v, "node.memory", &node->memory_bytes, diag) < 0)
		return -EINVAL;
	if (node->memory_bytes < (1LL << 20))
		return fail(diag, v, "node.memory: expected at least 1Mi");
	node->memory_line = v->line;
	node->memory_col = v->col;
	if ((v = podoom_ynode_get(n, "swap")) != NULL && read_bytes(v, "node.swap", &node->swap_bytes, diag) < 0)
		return -EINVAL;
	if ((v = podoom_ynode_get(n, "kernel")) != NULL) {
		if (!podoom_ynode_is_str(v))
			return fail(diag, v, "node.kernel: expected a kernel profile such as \"6.1\"");
		node->kernel = v->str;
		node->kernel_line = v->line;
		node->kernel_col = v->col;
	}
	if ((v = podoom_ynode_get(n, "cgroup")) != NULL) {
		static const char *const ckeys[] = {"version", "driver", NULL};
		ynode *x;
		if (expect_map(v, "node.cgroup", diag) < 0 || check_keys(v, "node.cgroup", ckeys, "version, driver", diag) < 0)
			return -EINVAL;
		if ((x = podoom_ynode_get(v, "version")) != NULL) {
			if (podoom_ynode_eq(x, "1"))
				node->cgroup_version = 1;
			else if (podoom_ynode_eq(x, "2"))
				node->cgroup_version = 2;
			else
				return fail(diag, x, "node.cgroup.version: expected 1 or 2");
		}
		if ((x = podoom_ynode_get(v, "driver")) != NULL) {
			if (podoom_ynode_eq(x, "cgroupfs"))
				node->driver = PODOOM_CGROUP_DRIVER_CGROUPFS;
			else if (podoom_ynode_eq(x, "systemd"))
				node->driver = PODOOM_CGROUP_DRIVER_SYSTEMD;
			else
				return fail(diag, x, "node.cgroup.driver: expected cgroupfs or systemd");
		}
	}
	if ((v = podoom_ynode_get(n, "system")) != NULL) {
		static const char *const skeys[] = {"usage", NULL};
		ynode *x;
		if (expect_map(v, "node.system", diag) < 0 || check_keys(v, "node.system", skeys, "usage", diag) < 0)
			return -EINVAL;
		if ((x = podoom_ynode_get(v, "usage")) != NULL) {
			if (read_bytes(x, "node.system.usage", &node->system_usage_bytes, diag) < 0)
				return -EINVAL;
			node->system_line = x->line;
			node->system_col = x->col;
		}
	}
	if (read_kubelet(sc, podoom_ynode_get(n, "kubelet"), &node->kubelet, diag) < 0)
		return -EINVAL;
	if (node->cgroup_version == 1 && node->kubelet.has_single_process_oom_kill &&
	    !node->kubelet.single_process_oom_kill)
		return fail(diag, podoom_ynode_get(podoom_ynode_get(n, "kubelet"), "singleProcessOOMKill"),
			    "node.kubelet.singleProcessOOMKill: only true is allowed on cgroup v1 (the kubelet refuses false)");
	if (node->swap_bytes > 0 && node->cgroup_version == 1)
		return fail(diag, podoom_ynode_get(n, "swap"),
			    "node.swap: the kubelet supports swap (NodeSwap) only on cgroup v2");
	return 0;
}

static int read_usage(ynode *list, const char *where, struct podoom_scenario_process *p, int64_t duration,
		      struct podoom_diag *diag)
{
	static const char *const keys[] = {"at", "anon", "file", "over", NULL};
	int64_t last_at = 0;

	if (!list || list->type != PODOOM_YNODE_SEQUENCE)
		return fail(diag, list, "%s: expected a list of points such as {at: 0s, anon: 50Mi}", where);
	if (list->n > PODOOM_SCENARIO_MAX_POINTS)
		return fail(diag, list, "%s: more than 10000 points", where);
	p->usage = calloc(list->n ? list->n : 1, sizeof(*p->usage));
	if (!p->usage)
		return -ENOMEM;
	for (size_t i = 0; i < list->n; i++) {
		ynode *pt = list->kids[i], *v;
		struct podoom_usage_point *u = &p->usage[p->nusage];

		if (expect_map(pt, where, diag) < 0 || check_keys(pt, where, keys, "at, anon, file, over", diag) < 0)
			return -EINVAL;
		u->line = pt->line;
		u->col = pt->col;
		v = podoom_ynode_get(pt, "at");
		if (!v)
			return fail(diag, pt, "%s: each point needs at: (when it starts)", where);
		if (read_duration(v, where, true, &u->at_usec, diag) < 0)
			return -EINVAL;
		if (u->at_usec < last_at)
			return fail(diag, v, "%s: points must be in time order (this at: is earlier than the one before)",
				    where);
		last_at = u->at_usec;
		if (duration > 0 && u->at_usec > duration)
			return fail(diag, v, "%s: at: is after the scenario's duration", where);
		if ((v = podoom_ynode_get(pt, "over")) != NULL && read_duration(v, where, true, &u->over_usec, diag) < 0)
			return -EINVAL;
		if ((v = podoom_ynode_get(pt, "anon")) != NULL) {
			if (read_bytes(v, where, &u->anon_bytes, diag) < 0)
				return -EINVAL;
			u->has_anon = true;
		}
		if ((v = podoom_ynode_get(pt, "file")) != NULL) {
			if (read_bytes(v, where, &u->file_bytes, diag) < 0)
				return -EINVAL;
			u->has_file = true;
		}
		if (!u->has_anon && !u->has_file)
			return fail(diag, pt, "%s: each point needs anon: or file: (or both)", where);
		p->nusage++;
	}
	return 0;
}

static int read_process(ynode *n, const char *default_name, struct podoom_scenario_process *p, int64_t duration,
			struct podoom_diag *diag)
{
	static const char *const keys[] = {"name", "oomScoreAdj", "usage", NULL};
	ynode *v;
	int64_t adj;

	if (expect_map(n, "process", diag) < 0 ||
	    check_keys(n, "process", keys, "name, oomScoreAdj, usage", diag) < 0)
		return -EINVAL;
	p->line = n->line;
	p->col = n->col;
	p->name = default_name;
	if ((v = podoom_ynode_get(n, "name")) != NULL) {
		if (!podoom_ynode_is_str(v) || v->len == 0 || v->len > 15 || memchr(v->str, '/', v->len) ||
		    memchr(v->str, '\0', v->len))
			return fail(diag, v,
				    "process name: expected 1 to 15 characters without '/' (the kernel's comm holds 15)");
		p->name = v->str;
	}
	if ((v = podoom_ynode_get(n, "oomScoreAdj")) != NULL) {
		if (read_int(v, "oomScoreAdj", -1000, 1000, &adj, diag) < 0)
			return -EINVAL;
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)adj;
	}
	v = podoom_ynode_get(n, "usage");
	if (!v)
		return fail(diag, n, "process: usage: is required");
	return read_usage(v, "usage", p, duration, diag);
}

static int read_command(ynode *v, struct podoom_scenario_container *c, struct podoom_diag *diag)
{
	const char **argv;

	if (!v || v->type != PODOOM_YNODE_SEQUENCE || v->n == 0 || v->n > 256)
		return fail(diag, v, "command: expected a list of 1 to 256 strings, such as [./app, --flag]");
	argv = calloc(v->n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	c->command = argv;
	for (size_t i = 0; i < v->n; i++) {
		if (!podoom_ynode_is_str(v->kids[i]) || memchr(v->kids[i]->str, '\0', v->kids[i]->len))
			return fail(diag, v->kids[i], "command: expected strings");
		argv[i] = v->kids[i]->str;
	}
	c->ncommand = v->n;
	return 0;
}

static int read_container(ynode *k, ynode *n, struct podoom_scenario_container *c, int64_t duration,
			  struct podoom_diag *diag)
{
	static const char *const keys[] = {"usage", "processes", "command", NULL};
	ynode *usage, *procs, *cmd;
	int r;

	c->name = k->str;
	c->line = k->line;
	c->col = k->col;
	if (expect_map(n, "containers.<name>", diag) < 0 ||
	    check_keys(n, "containers.<name>", keys, "usage, processes, command", diag) < 0)
		return -EINVAL;
	usage = podoom_ynode_get(n, "usage");
	procs = podoom_ynode_get(n, "processes");
	cmd = podoom_ynode_get(n, "command");
	/* command: is what `podoom run` runs; usage: or processes: beside it say what
	 * the command does, for the simulator (and `podoom run --compare`) */
	if (!!usage + !!procs != 1 && !(cmd && !usage && !procs))
		return fail(diag, n,
			    "container %s: give usage: or processes: (not both), or command: (alone, or with one of them "
			    "saying what it does)",
			    c->name);
	if (cmd && (r = read_command(cmd, c, diag)) < 0)
		return r;
	if (!usage && !procs)
		return 0;
	if (usage) {
		c->procs = calloc(1, sizeof(*c->procs));
		if (!c->procs)
			return -ENOMEM;
		c->nprocs = 1;
		c->procs[0].name = c->name;
		c->procs[0].line = n->line;
		c->procs[0].col = n->col;
		return read_usage(usage, "usage", &c->procs[0], duration, diag);
	}
	if (procs->type != PODOOM_YNODE_SEQUENCE || procs->n == 0)
		return fail(diag, procs, "container %s: processes: expected a non-empty list", c->name);
	if (procs->n > PODOOM_SCENARIO_MAX_PROCESSES)
		return fail(diag, procs, "container %s: more than 64 processes", c->name);
	c->procs = calloc(procs->n, sizeof(*c->procs));
	if (!c->procs)
		return -ENOMEM;
	for (size_t i = 0; i < procs->n; i++) {
		r = read_process(procs->kids[i], c->name, &c->procs[i], duration, diag);
		c->nprocs = i + 1;
		if (r < 0)
			return r;
	}
	return 0;
}

static int keep_set(struct priv *pv, struct podoom_manifests *m)
{
	if (podoom_grow(&pv->sets, &pv->sets_cap, pv->nsets + 1, sizeof(*pv->sets), 8) < 0)
		return -ENOMEM;
	pv->sets[pv->nsets++] = m;
	return 0;
}

/* the one pod of @m, or an error naming what is wrong (diag positions from @m) */
static int take_single_pod(struct podoom_manifests *m, struct podoom_scenario_pod *sp, struct podoom_diag *diag)
{
	if (podoom_manifests_nerrors(m)) {
		const struct podoom_manifest_msg *msg = NULL;
		for (size_t i = 0; i < podoom_manifests_nmsgs(m, NULL); i++)
			if (podoom_manifests_msg(m, i)->severity == PODOOM_MANIFEST_ERROR) {
				msg = podoom_manifests_msg(m, i);
				break;
			}
		if (msg)
			*diag = msg->diag;
		else
			podoom_diag_set(diag, 0, 0, "invalid pod");
		return -EINVAL;
	}
	if (podoom_manifests_npods(m) != 1) {
		podoom_diag_set(diag, 0, 0, "expected exactly one pod (a Pod or one workload), found %zu",
				podoom_manifests_npods(m));
		return -EINVAL;
	}
	sp->pod = *podoom_manifests_pod(m, 0);
	sp->resolved = true;
	return 0;
}

static int read_pod_entry(struct podoom_scenario *sc, ynode *n, struct podoom_scenario_pod *sp,
			  struct podoom_diag *diag)
{
	static const char *const keys[] = {"manifest", "pod", "containers", NULL};
	struct priv *pv = sc->priv;
	ynode *manifest, *inline_pod, *cs;
	int r;

	if (expect_map(n, "pods[]", diag) < 0 ||
	    check_keys(n, "pods[]", keys, "manifest, pod, containers", diag) < 0)
		return -EINVAL;
	sp->line = n->line;
	sp->col = n->col;
	manifest = podoom_ynode_get(n, "manifest");
	inline_pod = podoom_ynode_get(n, "pod");
	if (!!manifest == !!inline_pod)
		return fail(diag, n, "pods[]: give exactly one of manifest: (a file) or pod: (an inline Pod)");
	if (manifest) {
		if (!podoom_ynode_is_str(manifest) || memchr(manifest->str, '\0', manifest->len))
			return fail(diag, manifest, "pods[].manifest: expected a file path");
		sp->manifest_path = manifest->str;
	} else {
		struct podoom_manifests *m = NULL;
		r = podoom_manifests_parse_pod(inline_pod, &m);
		if (r < 0)
			return r;
		if (keep_set(pv, m) < 0) {
			podoom_manifests_free(m);
			return -ENOMEM;
		}
		if (take_single_pod(m, sp, diag) < 0)
			return -EINVAL; /* positions are in this file: the pod is inline */
	}
	cs = podoom_ynode_get(n, "containers");
	if (podoom_ynode_is_null(cs))
		return 0;
	if (expect_map(cs, "pods[].containers", diag) < 0)
		return -EINVAL;
	sp->containers = calloc(cs->n ? cs->n : 1, sizeof(*sp->containers));
	if (!sp->containers)
		return -ENOMEM;
	for (size_t i = 0; i < cs->n; i++) {
		if (!podoom_ynode_is_str(cs->kids[2 * i]))
			return fail(diag, cs->kids[2 * i], "pods[].containers: expected container names as keys");
		r = read_container(cs->kids[2 * i], cs->kids[2 * i + 1], &sp->containers[i], sc->duration_usec, diag);
		sp->ncontainers = i + 1;
		if (r < 0)
			return r;
	}
	return 0;
}

int podoom_scenario_parse(const char *buf, size_t len, struct podoom_scenario **ret, struct podoom_diag *diag)
{
	static const char *const keys[] = {"node", "duration", "seed", "pods", NULL};
	struct podoom_scenario *sc = calloc(1, sizeof(*sc));
	struct priv *pv = calloc(1, sizeof(*pv));
	ynode *root, *v, *pods;
	int r = -ENOMEM;

	if (!sc || !pv) {
		free(sc);
		free(pv);
		return -ENOMEM;
	}
	sc->priv = pv;
	r = podoom_yaml_parse(buf, len, &pv->yaml, diag);
	if (r < 0)
		goto fail;
	r = -EINVAL;
	if (podoom_yaml_ndocs(pv->yaml) != 1) {
		podoom_diag_set(diag, 0, 0, "expected one YAML document (the scenario), found %zu", podoom_yaml_ndocs(pv->yaml));
		goto fail;
	}
	root = podoom_yaml_doc(pv->yaml, 0);
	if (expect_map(root, "scenario", diag) < 0 || check_keys(root, "scenario", keys, "node, duration, seed, pods", diag) < 0)
		goto fail;
	v = podoom_ynode_get(root, "duration");
	if (!v) {
		fail(diag, root, "duration: required, such as 120s");
		goto fail;
	}
	if (read_duration(v, "duration", false, &sc->duration_usec, diag) < 0)
		goto fail;
	if (sc->duration_usec > PODOOM_SCENARIO_MAX_DURATION_USEC) {
		fail(diag, v, "duration: at most a year (8784h)");
		goto fail;
	}
	if ((v = podoom_ynode_get(root, "seed")) != NULL) {
		int64_t seed;
		if (read_int(v, "seed", 0, INT64_MAX, &seed, diag) < 0)
			goto fail;
		sc->seed = (uint64_t)seed;
	}
	v = podoom_ynode_get(root, "node");
	if (!v) {
		fail(diag, root, "node: required (at least node.memory)");
		goto fail;
	}
	r = read_node(sc, v, &sc->node, diag);
	if (r < 0)
		goto fail;
	pods = podoom_ynode_get(root, "pods");
	if (!pods || pods->type != PODOOM_YNODE_SEQUENCE) {
		r = fail(diag, pods ? pods : root, "pods: expected a list of pods");
		goto fail;
	}
	if (pods->n > PODOOM_SCENARIO_MAX_PODS) {
		r = -E2BIG;
		podoom_diag_set(diag, pods->line, pods->col, "pods: more than %u", PODOOM_SCENARIO_MAX_PODS);
		goto fail;
	}
	sc->pods = calloc(pods->n ? pods->n : 1, sizeof(*sc->pods));
	if (!sc->pods) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < pods->n; i++) {
		r = read_pod_entry(sc, pods->kids[i], &sc->pods[i], diag);
		sc->npods = i + 1;
		if (r < 0)
			goto fail;
	}
	*ret = sc;
	return 0;
fail:
	podoom_scenario_free(sc);
	return r;
}

int podoom_scenario_attach_manifest(struct podoom_scenario *sc, size_t i, const char *buf, size_t len,
				    struct podoom_diag *diag)
{
	struct priv *pv = sc->priv;
	struct podoom_manifests *m = NULL;
	int r;

	if (i >= sc->npods || sc->pods[i].resolved)
		return -EINVAL;
	r = podoom_manifests_parse(buf, len, &m, diag);
	if (r < 0)
		return r;
	if (keep_set(pv, m) < 0) {
		podoom_manifests_free(m);
		return -ENOMEM;
	}
	return take_single_pod(m, &sc->pods[i], diag);
}

int podoom_scenario_check(const struct podoom_scenario *sc, struct podoom_diag *diag)
{
	for (size_t i = 0; i < sc->npods; i++) {
		const struct podoom_scenario_pod *sp = &sc->pods[i];
		if (!sp->resolved) {
			podoom_diag_set(diag, sp->line, sp->col, "pods[%zu]: its manifest was not read", i);
			return -EINVAL;
		}
		for (size_t k = 0; k < i; k++) {
			const struct podoom_pod *a = &sc->pods[k].pod, *b = &sp->pod;
			if (strcmp(a->name, b->name) == 0 && strcmp(a->namespace, b->namespace) == 0) {
				podoom_diag_set(diag, sp->line, sp->col, "pods[%zu]: a second pod named %s/%.64s", i,
						b->namespace, b->name);
				return -EINVAL;
			}
		}
		for (size_t c = 0; c < sp->ncontainers; c++) {
			bool found = false;
			for (size_t k = 0; k < sp->pod.ncontainers && !found; k++)
				found = strcmp(sp->pod.containers[k].name, sp->containers[c].name) == 0;
			if (!found) {
				podoom_diag_set(diag, sp->containers[c].line, sp->containers[c].col,
						"pods[%zu].containers: pod %.64s has no container named %.64s", i,
						sp->pod.name, sp->containers[c].name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

void podoom_scenario_free(struct podoom_scenario *sc)
{
	struct priv *pv;

	if (!sc)
		return;
	pv = sc->priv;
	for (size_t i = 0; i < sc->npods; i++) {
		struct podoom_scenario_pod *sp = &sc->pods[i];
		for (size_t c = 0; c < sp->ncontainers; c++) {
			for (size_t p = 0; p < sp->containers[c].nprocs; p++)
				free(sp->containers[c].procs[p].usage);
			free(sp->containers[c].procs);
			free((void *)sp->containers[c].command);
		}
		free(sp->containers);
	}
	free(sc->pods);
	free(sc->node.kubelet.eviction_hard.v);
	free(sc->node.kubelet.eviction_soft.v);
	free(sc->node.kubelet.eviction_soft_grace.v);
	free(sc->node.kubelet.eviction_min_reclaim.v);
	if (pv) {
		for (size_t i = 0; i < pv->nsets; i++)
			podoom_manifests_free(pv->sets[i]);
		free(pv->sets);
		podoom_yaml_free(pv->yaml);
		free(pv);
	}
	free(sc);
}
