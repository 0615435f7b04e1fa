/*
 * cmd_top.c - `podoom top`: who dies next on this node, at every limit.
 * One scan (procscan), then for the node and for every memory cgroup with a
 * limit: the kernel model's ranking of the tasks it would choose from, the
 * next victim, and the headroom left. Then the kubelet's view: memory.available
 * and allocatableMemory.available against the hard eviction thresholds, and
 * the order in which its eviction manager would evict pods (eviction.h).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "podoom/cgroup_path.h"
#include "podoom/duration.h"
#include "podoom/eviction.h"
#include "podoom/manifest.h"
#include "podoom/podnames.h"
#include "podoom/procscan.h"
#include "podoom/quantity.h"

#define CMD "top"
#define TOP_RANKING 5

struct top_opts {
	bool json;
	int64_t interval_usec; /* 0: one scan */
	long count;	       /* scans to make with --interval; 0: until interrupted */
	const char *root;
	const struct podoom_kernel_profile *kp;
	const struct podoom_kubelet_profile *kubelet;
	struct podoom_eviction_config ecfg;
	struct podoom_podnames *names;	 /* --pods, --pod-logs */
	struct podoom_manifests *specs; /* --pods */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom top [OPTION...]\n"
		"\n"
		"Who the kernel's OOM killer takes next on this node: for the whole node and for\n"
		"every memory cgroup with a limit (container, pod, kubepods), the next victim,\n"
		"the ranking and the headroom, from one scan of /proc and the cgroup tree; and\n"
		"the kubelet's view: memory.available against its eviction threshold and the\n"
		"order in which it would evict pods.\n"
		"\n"
		"Options:\n"
		"      --root DIR         read DIR/proc and DIR/sys/fs/cgroup (default: /)\n"
		"      --kernel VERSION   kernel model (default: the running kernel's release)\n"
		"      --kubelet VERSION  kubelet model (default: the newest)\n"
		"      --eviction-hard SPEC  the kubelet's hard thresholds, as its flag\n"
		"                         (default: memory.available<100Mi)\n"
		"      --pods FILE        pod names, requests and priorities from\n"
		"                         `kubectl get pods -A -o json` (the eviction ranking needs them)\n"
		"      --pod-logs DIR     pod names from the folders of /var/log/pods\n"
		"      --json             one JSON object per scope per line\n"
		"      --interval DURATION  scan again every DURATION (e.g. 2s), refreshing in place\n"
		"      --count N          with --interval: stop after N scans (default: until ^C)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit status: 0 success, 1 no /proc or no memory cgroup controller, 2 usage error,\n"
		"3 a --pods file or --pod-logs directory could not be read.\n");
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	enum { OPT_ROOT = 256, OPT_KERNEL, OPT_JSON, OPT_INTERVAL, OPT_COUNT, OPT_KUBELET, OPT_EVICTION_HARD,
	       OPT_PODS, OPT_POD_LOGS };
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"kernel", required_argument, NULL, OPT_KERNEL},
		{"kubelet", required_argument, NULL, OPT_KUBELET},
		{"eviction-hard", required_argument, NULL, OPT_EVICTION_HARD},
		{"pods", required_argument, NULL, OPT_PODS},
		{"pod-logs", required_argument, NULL, OPT_POD_LOGS},
		{"json", no_argument, NULL, OPT_JSON},
		{"interval", required_argument, NULL, OPT_INTERVAL},
		{"count", required_argument, NULL, OPT_COUNT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *msg = NULL;
	int c;

	o->root = "";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_KERNEL:
			if (podoom_kernel_profile_resolve(optarg, strlen(optarg), &o->kp) < 0) {
				cli_err(CMD, "--kernel: expected a kernel release or profile such as 6.1, got '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_KUBELET:
			if (podoom_kubelet_profile_lookup(optarg, &o->kubelet) < 0) {
				cli_err(CMD, "--kubelet: expected a Kubernetes release such as 1.31, got '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_EVICTION_HARD:
			if (podoom_eviction_config_set_flag(&o->ecfg, PODOOM_EVICTION_FIELD_HARD, optarg, strlen(optarg),
							    &msg) < 0) {
				cli_err(CMD, "--eviction-hard: %s: '%s'", msg ? msg : "invalid", optarg);
				return -EINVAL;
			}
			break;
		case OPT_PODS:
			if (cli_podnames_add_file(CMD, o->names, optarg, o->specs ? NULL : &o->specs) < 0)
				return -ENOENT;
			break;
		case OPT_POD_LOGS:
			if (cli_podnames_add_log_dir(CMD, o->names, optarg) < 0)
				return -ENOENT;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_INTERVAL: {
			int64_t ns;
			const char *why = NULL;
			if (podoom_duration_parse(optarg, strlen(optarg), &ns, &why) < 0 || ns <= 0) {
				cli_err(CMD, "--interval: expected a positive duration such as 2s, got '%s'", optarg);
				return -EINVAL;
			}
			o->interval_usec = ns / 1000 ? ns / 1000 : 1;
			break;
		}
		case OPT_COUNT: {
			char *end;
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count <= 0) {
				cli_err(CMD, "--count: expected a positive number of scans, got '%s'", optarg);
				return -EINVAL;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_bad_option(CMD, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		cli_err(CMD, "unexpected argument '%s' (see podoom top --help)", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* --- the kubelet's view --------------------------------------------------------- */

/* one pod cgroup of the scan, with its spec when --pods gave one */
struct kpod {
	int32_t memcg;
	struct podoom_cgroup_attr attr;
	const struct podoom_pod *spec;
	const struct podoom_podname *name;
	int rank; /* 1-based place in the eviction ranking; 0 unranked (no spec or no stats) */
	const struct podoom_eviction_rank *r;
};

struct kview {
	struct podoom_eviction_manager mgr;
	struct podoom_eviction_observations obs;
	struct kpod *pods;
	size_t npods;
	struct podoom_eviction_pod *epods; /* the pods with a spec, in kpod order */
	size_t nepods;
	struct podoom_eviction_rank *ranks;
	struct podoom_eviction_decision d;
	int32_t kubepods; /* memcg index, -1 none */
	bool mgr_ok;
	bool decided;
	char why_unknown[160]; /* "" when every pod on the node has a spec */
};

static void kview_free(struct kview *v)
{
	free(v->pods);
	free(v->epods);
	free(v->ranks);
}

static const struct podoom_pod *spec_by_uid(const struct top_opts *o, const char *uid)
{
	for (size_t i = 0; o->specs && i < podoom_manifests_npods(o->specs); i++) {
		const struct podoom_pod *p = podoom_manifests_pod(o->specs, i);
		if (p->uid && strcmp(p->uid, uid) == 0)
			return p;
	}
	return NULL;
}

static int cmp_kpod(const void *a, const void *b)
{
	const struct kpod *x = a, *y = b;
	if ((x->rank == 0) != (y->rank == 0))
		return x->rank == 0 ? 1 : -1;
	return x->rank != y->rank ? (x->rank > y->rank) - (x->rank < y->rank) : (x->memcg > y->memcg) - (x->memcg < y->memcg);
}

static int kview_build(const struct top_opts *o, const struct podoom_scan *s, struct kview *v)
{
	const struct podoom_scan_memcg *root = &s->memcgs[0];
	size_t nospec = 0;

	memset(v, 0, sizeof(*v));
	v->kubepods = -1;
	if (podoom_eviction_manager_init(&v->mgr, o->kubelet, &o->ecfg, NULL) == 0)
		v->mgr_ok = true;
	/* memory.available: MemTotal - the root's working set (cAdvisor) */
	if (root->usage_bytes >= 0 && root->inactive_file_bytes >= 0 && s->memtotal_bytes > 0)
		(void)podoom_eviction_observe(s->memtotal_bytes, root->usage_bytes, root->inactive_file_bytes, 0,
					      &v->obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE]);
	v->pods = calloc(s->nmemcgs ? s->nmemcgs : 1, sizeof(*v->pods));
	if (!v->pods)
		return -ENOMEM;
	for (size_t m = 1; m < s->nmemcgs; m++) {
		struct podoom_cgroup_attr a;
		const struct podoom_scan_memcg *mc = &s->memcgs[m];
		if (mc->ntasks == 0 || podoom_cgroup_path_parse(mc->path, strlen(mc->path), &a) < 0 || a.tail_len)
			continue;
		/* allocatableMemory.available: the kubepods limit - its working set */
		if (a.level == PODOOM_CGROUP_LEVEL_KUBEPODS && v->kubepods < 0) {
			v->kubepods = (int32_t)m;
			if (mc->limit_bytes >= 0 && mc->usage_bytes >= 0 && mc->inactive_file_bytes >= 0)
				(void)podoom_eviction_observe(
					mc->limit_bytes, mc->usage_bytes, mc->inactive_file_bytes, 0,
					&v->obs.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE]);
		}
		if (a.level != PODOOM_CGROUP_LEVEL_POD || !a.pod_uid[0])
			continue;
		struct kpod *p = &v->pods[v->npods++];
		p->memcg = (int32_t)m;
		p->attr = a;
		p->spec = spec_by_uid(o, a.pod_uid);
		p->name = o->names ? podoom_podnames_by_uid(o->names, a.pod_uid) : NULL;
		nospec += p->spec == NULL;
	}
	v->epods = calloc(v->npods ? v->npods : 1, sizeof(*v->epods));
	v->ranks = calloc(v->npods ? v->npods : 1, sizeof(*v->ranks));
	if (!v->epods || !v->ranks)
		return -ENOMEM;
	for (size_t i = 0; i < v->npods; i++) {
		const struct podoom_scan_memcg *mc = &s->memcgs[v->pods[i].memcg];
		if (!v->pods[i].spec || mc->working_set_bytes < 0)
			continue;
		v->epods[v->nepods++] = (struct podoom_eviction_pod){
			.pod = v->pods[i].spec, .has_stats = true, .working_set_bytes = mc->working_set_bytes};
	}
	if (v->nepods > PODOOM_EVICTION_MAX_PODS)
		v->nepods = PODOOM_EVICTION_MAX_PODS;
	if (podoom_eviction_rank_pods(o->kubelet, v->epods, v->nepods, v->ranks) == 0) {
		for (size_t k = 0; k < v->nepods; k++)
			for (size_t i = 0; i < v->npods; i++)
				if (v->pods[i].spec == v->epods[v->ranks[k].index].pod) {
					v->pods[i].rank = (int)k + 1;
					v->pods[i].r = &v->ranks[k];
				}
	}
	qsort(v->pods, v->npods, sizeof(*v->pods), cmp_kpod);
	/* one synchronize step on this snapshot: which thresholds are met, whom it evicts */
	if (v->mgr_ok) {
		struct podoom_eviction_rank *scratch = calloc(v->nepods ? v->nepods : 1, sizeof(*scratch));
		if (!scratch)
			return -ENOMEM;
		v->decided = podoom_eviction_synchronize(&v->mgr, &v->obs, v->epods, v->nepods, scratch, 0, &v->d) == 0;
		free(scratch);
	}
	if (!o->specs && v->npods)
		snprintf(v->why_unknown, sizeof(v->why_unknown),
			 "requests and priorities of all %zu pods unknown without --pods FILE", v->npods);
	else if (nospec)
		snprintf(v->why_unknown, sizeof(v->why_unknown), "%zu of %zu pods not in --pods: left out of the ranking",
			 nospec, v->npods);
	return 0;
}

/* the hard threshold on @sig (the first: the kubelet keeps one per signal) */
static const struct podoom_eviction_threshold *hard_threshold(const struct kview *v, enum podoom_eviction_signal sig,
							      size_t *ret_index)
{
	for (size_t i = 0; v->mgr_ok && i < v->mgr.thresholds.n; i++)
		if (v->mgr.thresholds.t[i].signal == sig && v->mgr.thresholds.t[i].grace_period_nsec == 0) {
			*ret_index = i;
			return &v->mgr.thresholds.t[i];
		}
	return NULL;
}

struct signal_view {
	bool present;
	int64_t capacity_bytes, working_set_bytes, available_bytes;
	const struct podoom_eviction_threshold *t; /* NULL: no hard threshold on it */
	int64_t threshold_bytes;
	bool met;
};

static struct signal_view signal_view(const struct kview *v, enum podoom_eviction_signal sig)
{
	const struct podoom_eviction_observation *ob = &v->obs.signal[sig];
	struct signal_view sv = {.present = ob->present};
	size_t ti = 0;

	if (!sv.present)
		return sv;
	sv.capacity_bytes = ob->capacity_bytes;
	sv.available_bytes = ob->available_bytes;
	sv.working_set_bytes = ob->capacity_bytes - ob->available_bytes;
	sv.t = hard_threshold(v, sig, &ti);
	if (sv.t) {
		struct podoom_quantity q = podoom_eviction_value_resolve(&sv.t->value, ob->capacity_bytes);
		if (podoom_quantity_value(&q, &sv.threshold_bytes) < 0)
			sv.threshold_bytes = -1;
		sv.met = v->decided && (v->d.met >> ti & 1u);
	}
	return sv;
}

static const char *pod_qos(const struct kpod *p)
{
	return p->attr.has_qos ? podoom_qos_to_string(p->attr.qos) : NULL;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *signal_json(const struct signal_view *sv, const char *scope)
{
	json_t *j;
	char th[128];

	if (!sv->present)
		return json_null();
	j = json_object();
	if (scope)
		json_object_set_new(j, "scope", json_string(scope));
	json_object_set_new(j, "capacity_bytes", json_integer(sv->capacity_bytes));
	json_object_set_new(j, "working_set_bytes", json_integer(sv->working_set_bytes));
	json_object_set_new(j, "available_bytes", json_integer(sv->available_bytes));
	if (sv->t) {
		podoom_eviction_threshold_format(sv->t, th, sizeof(th));
		json_object_set_new(j, "threshold", json_string(th));
		json_object_set_new(j, "threshold_bytes", json_integer(sv->threshold_bytes));
		json_object_set_new(j, "met", json_boolean(sv->met));
	} else {
		json_object_set_new(j, "threshold", json_null());
		json_object_set_new(j, "threshold_bytes", json_null());
		json_object_set_new(j, "met", json_false());
	}
	return j;
}

static json_t *kview_json(const struct podoom_scan *s, const struct kview *v)
{
	json_t *j = json_object(), *rk = json_array();
	struct signal_view mem = signal_view(v, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE),
			   alloc = signal_view(v, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE);

	json_object_set_new(j, "memory_available", signal_json(&mem, NULL));
	json_object_set_new(j, "allocatable_memory_available",
			    signal_json(&alloc, v->kubepods >= 0 ? s->memcgs[v->kubepods].path : NULL));
	for (size_t i = 0; i < v->npods; i++) {
		const struct kpod *p = &v->pods[i];
		json_t *e = json_object();
		json_object_set_new(e, "rank", p->rank ? json_integer(p->rank) : json_null());
		json_object_set_new(e, "pod_uid", json_string(p->attr.pod_uid));
		json_object_set_new(e, "namespace", jstr_or_null(p->spec ? p->spec->namespace : p->name ? p->name->namespace : NULL));
		json_object_set_new(e, "name", jstr_or_null(p->spec ? p->spec->name : p->name ? p->name->name : NULL));
		json_object_set_new(e, "qos", jstr_or_null(pod_qos(p)));
		json_object_set_new(e, "working_set_bytes", s->memcgs[p->memcg].working_set_bytes >= 0
								    ? json_integer(s->memcgs[p->memcg].working_set_bytes)
								    : json_null());
		json_object_set_new(e, "request_bytes", p->r ? json_integer(p->r->request_bytes) : json_null());
		json_object_set_new(e, "priority", p->r ? json_integer(p->r->priority) : json_null());
		json_object_set_new(e, "exceeds_request", p->r ? json_boolean(p->r->exceeds_request) : json_null());
		json_object_set_new(e, "usage_over_request_bytes",
				    p->r ? json_integer(p->r->usage_over_request_bytes) : json_null());
		json_object_set_new(e, "critical", p->r ? json_boolean(p->r->critical) : json_null());
		json_array_append_new(rk, e);
	}
	json_object_set_new(j, "eviction_ranking", rk);
	json_object_set_new(j, "unknown", v->why_unknown[0] ? json_string(v->why_unknown) : json_null());
	if (v->decided && v->d.evict) {
		const struct podoom_pod *p = v->epods[v->d.pod].pod;
		json_t *e = json_object();
		json_object_set_new(e, "pod_uid", jstr_or_null(p->uid));
		json_object_set_new(e, "namespace", jstr_or_null(p->namespace));
		json_object_set_new(e, "name", jstr_or_null(p->name));
		json_object_set_new(j, "evicts_now", e);
	} else {
		json_object_set_new(j, "evicts_now", json_null());
	}
	return j;
}

static void print_signal(const char *name, const struct signal_view *sv, const char *capname)
{
	char cap[32], ws[32], av[32], tb[32], th[128];

	if (!sv->present) {
		printf("  %s: unknown (%s not readable or unlimited)\n", name, capname);
		return;
	}
	podoom_bytes_format_human(sv->capacity_bytes, cap, sizeof(cap));
	podoom_bytes_format_human(sv->working_set_bytes, ws, sizeof(ws));
	podoom_bytes_format_human(sv->available_bytes, av, sizeof(av));
	printf("  %s %s = %s %s - working set %s; ", name, av, capname, cap, ws);
	if (!sv->t) {
		printf("no hard threshold\n");
		return;
	}
	podoom_eviction_threshold_format(sv->t, th, sizeof(th));
	podoom_bytes_format_human(sv->threshold_bytes, tb, sizeof(tb));
	printf("hard threshold %s (%s): %s\n", th, tb, sv->met ? "MET, the kubelet evicts" : "not met");
}

static void kview_print(const struct podoom_scan *s, const struct kview *v, const struct top_opts *o)
{
	struct signal_view mem = signal_view(v, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE),
			   alloc = signal_view(v, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE);
	char capname[PODOOM_SCAN_PATH_MAX + 16];
	static const char *const headers[] = {"RANK", "POD", "UID", "QOS", "WORKING SET", "REQUEST", "PRIORITY",
					      "EXCEEDS REQUEST"};
	struct cli_table *t;

	printf("\nkubelet %s eviction model:\n", o->kubelet->name);
	print_signal("memory.available", &mem, "MemTotal");
	snprintf(capname, sizeof(capname), "limit of %s", v->kubepods >= 0 ? s->memcgs[v->kubepods].path : "kubepods");
	print_signal("allocatableMemory.available", &alloc, capname);
	if (v->npods == 0) {
		printf("  no pod cgroups with processes: nothing to evict\n");
		return;
	}
	printf("  eviction order (rankMemoryPressure: exceeds request, then lower priority, then usage - request):\n");
	t = cli_table_new(8, headers);
	if (!t)
		return;
	for (size_t i = 0; i < v->npods; i++) {
		const struct kpod *p = &v->pods[i];
		char rank[16] = "-", pod[320] = "-", ws[32] = "-", req[32] = "?", prio[16] = "?", ex[8] = "?";
		const char *ns = p->spec ? p->spec->namespace : p->name ? p->name->namespace : NULL;
		const char *nm = p->spec ? p->spec->name : p->name ? p->name->name : NULL;
		if (p->rank)
			snprintf(rank, sizeof(rank), "%d%s", p->rank, p->r->critical ? " (critical)" : "");
		if (nm)
			snprintf(pod, sizeof(pod), "%s/%s", ns ? ns : "?", nm);
		if (s->memcgs[p->memcg].working_set_bytes >= 0)
			podoom_bytes_format_human(s->memcgs[p->memcg].working_set_bytes, ws, sizeof(ws));
		if (p->r) {
			podoom_bytes_format_human(p->r->request_bytes, req, sizeof(req));
			snprintf(prio, sizeof(prio), "%d", p->r->priority);
			snprintf(ex, sizeof(ex), "%s", p->r->exceeds_request ? "yes" : "no");
		}
		const char *cells[] = {rank, pod, p->attr.pod_uid, pod_qos(p), ws, req, prio, ex};
		cli_table_add(t, cells);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	if (v->why_unknown[0])
		printf("  %s\n", v->why_unknown);
	if (v->decided && v->d.evict)
		printf("  a memory threshold is met: the kubelet evicts %s/%s now\n",
		       v->epods[v->d.pod].pod->namespace ? v->epods[v->d.pod].pod->namespace : "?",
		       v->epods[v->d.pod].pod->name ? v->epods[v->d.pod].pod->name : "?");
}

/* --- the kernel's view ---------------------------------------------------------- */

static void print_scope(const struct top_opts *o, struct cli_table *t, const struct podoom_scan *s, int32_t m,
			const struct podoom_scan_rank *rk, size_t n, const struct kview *kv)
{
	const struct podoom_scan_memcg *mc = &s->memcgs[m];
	struct podoom_cgroup_attr a;
	bool has_attr = m != 0 && podoom_cgroup_path_parse(mc->path, strlen(mc->path), &a) == 0;
	enum podoom_oom_class kind = m == 0 ? PODOOM_OOM_CLASS_GLOBAL : podoom_oom_classify(has_attr ? &a : NULL);
	const struct podoom_task *v = n ? &s->tasks[rk[0].task] : NULL;
	int64_t limit = m == 0 ? s->memtotal_bytes : mc->limit_bytes, usage = m == 0 ? -1 : mc->usage_bytes;
	char lim[32] = "-", use[32] = "-", head[32] = "-", next[96] = "-";

	if (o->json) {
		json_t *j = json_object(), *r = json_array(), *nv = json_object();
		json_object_set_new(j, "scope", json_string(mc->path));
		json_object_set_new(j, "kind", json_string(podoom_oom_class_to_string(kind)));
		json_object_set_new(j, "pod_uid", has_attr && a.pod_uid[0] ? json_string(a.pod_uid) : json_null());
		json_object_set_new(j, "container_id", has_attr && a.container_id[0] ? json_string(a.container_id) : json_null());
		json_object_set_new(j, "limit_bytes", limit >= 0 ? json_integer(limit) : json_null());
		json_object_set_new(j, "usage_bytes", usage >= 0 ? json_integer(usage) : json_null());
		if (v) {
			json_object_set_new(nv, "pid", json_integer(v->pid));
			json_object_set_new(nv, "comm", json_string(v->comm));
			json_object_set_new(nv, "oom_score_adj", json_integer(v->oom_score_adj));
			json_object_set_new(nv, "points", json_integer(rk[0].points));
			json_object_set_new(j, "next_victim", nv);
		} else {
			json_decref(nv);
			json_object_set_new(j, "next_victim", json_null());
		}
		for (size_t i = 0; i < n && i < TOP_RANKING; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "pid", json_integer(s->tasks[rk[i].task].pid));
			json_object_set_new(e, "comm", json_string(s->tasks[rk[i].task].comm));
			json_object_set_new(e, "points", json_integer(rk[i].points));
			json_array_append_new(r, e);
		}
		json_object_set_new(j, "ranking", r);
		if (kv)
			json_object_set_new(j, "kubelet", kview_json(s, kv));
		char *str = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(j);
		if (str) {
			puts(str);
			free(str);
		}
		return;
	}
	if (limit >= 0)
		podoom_bytes_format_human(limit, lim, sizeof(lim));
	if (usage >= 0)
		podoom_bytes_format_human(usage, use, sizeof(use));
	if (limit >= 0 && usage >= 0)
		podoom_bytes_format_human(limit - usage, head, sizeof(head));
	if (v)
		snprintf(next, sizeof(next), "%s[%d] adj %d, %lld pts", v->comm, v->pid, v->oom_score_adj,
			 (long long)rk[0].points);
	const char *cells[] = {podoom_oom_class_to_string(kind), mc->path, lim, use, head, next};
	cli_table_add(t, cells);
}

/* what the scan could not read, on stderr: the output is still right for the rest */
static void warn_unreadable(const struct podoom_scan *s)
{
	if (s->unreadable > s->denied && !s->denied && !s->memcgs_unreadable)
		return; /* processes that exited during the scan: nothing to say */
	if (s->denied || s->memcgs_unreadable)
		cli_err(CMD,
			"could not read %u process%s (%u not permitted, the others gone) and %u cgroup%s "
			"(first: %s); they are left out",
			s->unreadable, s->unreadable == 1 ? "" : "es", s->denied, s->memcgs_unreadable,
			s->memcgs_unreadable == 1 ? "" : "s", s->first_unreadable[0] ? s->first_unreadable : "-");
}

static int one_scan(struct top_opts o)
{
	static const char *const headers[] = {"KIND", "SCOPE", "LIMIT", "USAGE", "HEADROOM", "NEXT VICTIM"};
	struct podoom_scan s;
	struct cli_table *t = NULL;
	struct podoom_scan_rank *rk = NULL;
	struct kview kv;
	int r, n;

	r = podoom_scan_read(o.root, &s);
	if (r < 0) {
		cli_err(CMD, "cannot scan %s/proc and its memory cgroups: %s", o.root[0] ? o.root : "",
			r == -ENOENT ? "no /proc or no memory cgroup controller" : strerror(-r));
		return EXIT_FAILURE_RUNTIME;
	}
	if (!o.kp && (!s.osrelease[0] || podoom_kernel_profile_resolve(s.osrelease, strlen(s.osrelease), &o.kp) < 0))
		o.kp = podoom_kernel_profile_default();
	rk = calloc(s.ntasks ? s.ntasks : 1, sizeof(*rk));
	r = kview_build(&o, &s, &kv);
	if (!rk || r < 0 || (!o.json && !(t = cli_table_new(6, headers)))) {
		cli_err(CMD, "out of memory");
		free(rk);
		kview_free(&kv);
		podoom_scan_free(&s);
		return EXIT_FAILURE_RUNTIME;
	}
	warn_unreadable(&s);
	if (!o.json) {
		char mem[32];
		podoom_bytes_format_human(s.memtotal_bytes, mem, sizeof(mem));
		printf("node: %s RAM, %zu processes, cgroup v%d, kernel %s model%s%s\n\n", mem, s.ntasks, s.cgroup_version,
		       o.kp->name, s.osrelease[0] ? " for " : "", s.osrelease);
	}
	n = podoom_scan_rank(o.kp, &s, 0, rk);
	print_scope(&o, t, &s, 0, rk, n > 0 ? (size_t)n : 0, &kv);
	for (size_t m = 1; m < s.nmemcgs; m++) {
		if (s.memcgs[m].limit_bytes < 0 || s.memcgs[m].ntasks == 0)
			continue;
		n = podoom_scan_rank(o.kp, &s, (int32_t)m, rk);
		if (n <= 0)
			continue;
		print_scope(&o, t, &s, (int32_t)m, rk, (size_t)n, NULL);
	}
	if (t) {
		cli_table_print(t, stdout);
		kview_print(&s, &kv, &o);
	}
	cli_table_free(t);
	free(rk);
	kview_free(&kv);
	podoom_scan_free(&s);
	fflush(stdout);
	return EXIT_OK;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = {0};
	int r;

	podoom_eviction_config_init(&o.ecfg);
	o.kubelet = podoom_kubelet_profile_default();
	o.names = podoom_podnames_new();
	if (!o.names) {
		cli_err(CMD, "out of memory");
		return EXIT_FAILURE_RUNTIME;
	}
	r = parse_args(argc, argv, &o);
	if (r == 0) {
		struct podoom_eviction_thresholds th;
		struct podoom_eviction_diag d = {0};
		if (podoom_eviction_thresholds_parse(o.kubelet, &o.ecfg, &th, &d) < 0) {
			cli_err(CMD, "--eviction-hard: %s", d.msg ? d.msg : "invalid");
			r = -EINVAL;
		}
	}
	if (r != 0) {
		podoom_podnames_free(o.names);
		podoom_manifests_free(o.specs);
		return r > 0 ? EXIT_OK : r == -ENOENT ? EXIT_INPUT : EXIT_USAGE;
	}
	if (!o.interval_usec) {
		r = one_scan(o);
	} else {
		for (long i = 0; o.count == 0 || i < o.count; i++) {
			struct timespec ts = {.tv_sec = o.interval_usec / 1000000,
					      .tv_nsec = (long)(o.interval_usec % 1000000) * 1000};
			if (i > 0)
				nanosleep(&ts, NULL);
			if (!o.json && isatty(STDOUT_FILENO))
				fputs("\033[H\033[2J", stdout); /* refresh in place, as top does */
			r = one_scan(o);
			if (r != EXIT_OK)
				break;
		}
	}
	podoom_podnames_free(o.names);
	podoom_manifests_free(o.specs);
	return r;
}
