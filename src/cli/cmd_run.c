/*
 * cmd_run.c - `podoom run -- CMD`: run one command as a one-container pod in
 * a real memory cgroup of its own, with the oom_score_adj the kubelet would
 * give it, and say whether the kernel OOM-killed it and why (the report read
 * back from /dev/kmsg and explained as `podoom explain` does).
 *
 * Safety: the cgroup is podoom-<pid>-run under the memory hierarchy's root,
 * limited to the container's limit, so the host never runs out; it is
 * removed, with everything in it, on exit, on SIGINT/SIGTERM and on errors;
 * the child dies with podoom (PR_SET_PDEATHSIG); leftovers of a podoom that
 * was SIGKILLed are removed at the next start.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "podoom/cgroup.h"
#include "podoom/cgroup_path.h"
#include "podoom/explain.h"
#include "podoom/grow.h"
#include "podoom/host.h"
#include "podoom/memcgfmt.h"
#include "podoom/qos.h"
#include "podoom/report.h"
#include "podoom/runner.h"
#include "podoom/sim.h"
#include "sim_out.h"
#include "sim_plot.h"

#define CMD "run"
/* --compare: the simulator named other victims than the kernel */
#define EXIT_DIFFERS 4
/* --compare: times within this are "the same time"; an eviction may also
 * fall one housekeeping interval apart (the two loops sample at their own
 * instants) */
#define COMPARE_TOLERANCE_USEC 500000LL
/* what the host must keep beyond the limit we give the command */
#define HOST_MARGIN_BYTES (512LL << 20)

struct run_opts {
	bool json, cleanup;
	int64_t limit_bytes, request_bytes;
	bool has_request;
	bool has_cpu, has_cpu_request;
	struct podoom_quantity cpu, cpu_request; /* the container's cpu limit and request */
	const struct podoom_kubelet_profile *kp;
	char **argv;
	/* scenario mode */
	const char *scenario, *kernel_log, *tmpdir, *svg, *html, *cgroup_parent;
	bool compare, samples;
	enum podoom_runner_eviction eviction;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom run [OPTION...] SCENARIO\n"
		"       podoom run --memory-limit QUANTITY [OPTION...] -- COMMAND [ARG...]\n"
		"\n"
		"Play a `podoom simulate` scenario for real: its node's memory cgroups laid out as\n"
		"the kubelet lays them out under podoom-<pid>-scenario, one real process per scenario\n"
		"process following its memory curve (or the container's command:), the real\n"
		"kernel's OOM killer, and the kubelet's eviction loop on the real clock. The node\n"
		"is the kubepods cgroup, limited to node memory less reserved and system usage, so\n"
		"node pressure never reaches the host. The second form runs COMMAND as a\n"
		"one-container pod in a memory cgroup of its own with that limit and the\n"
		"oom_score_adj the kubelet would give it, and says whether the kernel OOM-killed\n"
		"it and why. Needs root and a memory cgroup controller.\n"
		"\n"
		"Scenario options:\n"
		"      --compare                  also simulate the scenario (this host's kernel and\n"
		"                                 cgroup version, the oom_score_adj values applied)\n"
		"                                 and say where the simulator and the kernel differ\n"
		"      --eviction=poll|events     the kubelet looks every housekeeping interval\n"
		"                                 (poll, default), or also when a memory notifier\n"
		"                                 on kubepods fires (events: the kubelet's\n"
		"                                 kernelMemcgNotification, looking again 1, 2, 4 ms\n"
		"                                 later until it evicts)\n"
		"      --json                     one JSON object per event per line\n"
		"      --kernel-log FILE          the kernel's own report of every OOM kill\n"
		"      --samples                  also show the kubelet's looks that changed nothing\n"
		"      --svg FILE                 chart every pod's memory over time (read from its\n"
		"                                 cgroup every 50ms) into FILE\n"
		"      --html FILE                the chart and the event table as one HTML page\n"
		"      --tmpdir DIR               where workers keep page cache (a disk filesystem,\n"
		"                                 not tmpfs; default /var/tmp)\n"
		"\n"
		"Command options:\n"
		"      --memory-limit QUANTITY    the container's memory limit (required)\n"
		"      --memory-request QUANTITY  its memory request (default: the limit, as the\n"
		"                                 API server defaults it)\n"
		"      --cpu QUANTITY             its cpu limit (e.g. 500m); with a memory request\n"
		"                                 equal to the limit this makes it Guaranteed\n"
		"      --cpu-request QUANTITY     its cpu request (default: the cpu limit)\n"
		"      --kubelet-version X.Y      kubelet release for oom_score_adj (default 1.36)\n"
		"      --json                     one JSON object with the outcome\n"
		"      --cleanup                  only remove what a killed podoom run left behind\n"
		"\n"
		"Both forms:\n"
		"      --cgroup-parent PATH       make podoom-<pid>-<tag> under this existing cgroup\n"
		"                                 (relative to the memory hierarchy's root, e.g.\n"
		"                                 system.slice/podoom.slice) instead of at the root;\n"
		"                                 podoom writes nothing else there\n"
		"  -h, --help                     show this help\n"
		"\n"
		"Exit status: scenario: 0 done, 1 runtime failure, 2 usage error, 3 invalid\n"
		"scenario, 4 with --compare when the simulator's victims differ from the\n"
		"kernel's, 130/143 interrupted. Command: the command's own exit status; 128+N\n"
		"when a signal N killed it (137 for the OOM killer, as in a container); 1 runtime\n"
		"failure, 2 usage error.\n");
}

/*
 * The memory hierarchy podoom works in: the host's, or with --cgroup-parent
 * an existing cgroup below its root, which then acts as the root (stale runs
 * are reaped there, podoom-<pid>-<tag> is made there). Return: 0; an exit code.
 */
static int open_root(const struct run_opts *o, struct podoom_cgroup_root *root)
{
	struct stat st;
	const char *p = o->cgroup_parent;
	size_t len;

	if (podoom_cgroup_detect("/", root) < 0) {
		cli_err(CMD, "no memory cgroup controller on this machine (neither cgroup v1 memory nor v2 with memory)");
		return EXIT_FAILURE_RUNTIME;
	}
	if (!p)
		return 0;
	while (*p == '/')
		p++;
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		len--;
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || p[i - 1] == '/') && p[i] == '.' && (i + 1 == len || p[i + 1] == '/' ||
								    (p[i + 1] == '.' && (i + 2 == len || p[i + 2] == '/')))) {
			cli_err(CMD, "--cgroup-parent: '.' and '..' are not allowed, got '%s'", o->cgroup_parent);
			return EXIT_USAGE;
		}
	if (len == 0)
		return 0;
	if (strlen(root->mount) + 1 + len >= sizeof(root->mount)) {
		cli_err(CMD, "--cgroup-parent: path too long");
		return EXIT_USAGE;
	}
	snprintf(root->mount + strlen(root->mount), sizeof(root->mount) - strlen(root->mount), "/%.*s", (int)len, p);
	if (stat(root->mount, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_err(CMD, "--cgroup-parent: %s is not an existing cgroup of the memory hierarchy", root->mount);
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_LIMIT = 256, OPT_REQUEST, OPT_KUBELET, OPT_JSON, OPT_CLEANUP, OPT_COMPARE, OPT_EVICTION,
	       OPT_KERNEL_LOG, OPT_SAMPLES, OPT_TMPDIR, OPT_SVG, OPT_HTML, OPT_CGROUP_PARENT, OPT_CPU, OPT_CPU_REQUEST };
	static const struct option longopts[] = {
		{"memory-limit", required_argument, NULL, OPT_LIMIT},
		{"memory-request", required_argument, NULL, OPT_REQUEST},
		{"kubelet-version", required_argument, NULL, OPT_KUBELET},
		{"json", no_argument, NULL, OPT_JSON},
		{"cleanup", no_argument, NULL, OPT_CLEANUP},
		{"compare", no_argument, NULL, OPT_COMPARE},
		{"eviction", required_argument, NULL, OPT_EVICTION},
		{"kernel-log", required_argument, NULL, OPT_KERNEL_LOG},
		{"samples", no_argument, NULL, OPT_SAMPLES},
		{"tmpdir", required_argument, NULL, OPT_TMPDIR},
		{"svg", required_argument, NULL, OPT_SVG},
		{"html", required_argument, NULL, OPT_HTML},
		{"cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT},
		{"cpu", required_argument, NULL, OPT_CPU},
		{"cpu-request", required_argument, NULL, OPT_CPU_REQUEST},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->kp = podoom_kubelet_profile_default();
	opterr = 0;
	optind = 1;
again:
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LIMIT:
			if (cli_parse_bytes(CMD, "--memory-limit", optarg, &o->limit_bytes) < 0)
				return -EINVAL;
			break;
		case OPT_REQUEST:
			if (cli_parse_bytes(CMD, "--memory-request", optarg, &o->request_bytes) < 0)
				return -EINVAL;
			o->has_request = true;
			break;
		case OPT_KUBELET:
			if (podoom_kubelet_profile_lookup(optarg, &o->kp) < 0) {
				cli_err(CMD, "--kubelet-version: expected a Kubernetes release such as 1.31, got '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CLEANUP:
			o->cleanup = true;
			break;
		case OPT_COMPARE:
			o->compare = true;
			break;
		case OPT_EVICTION:
			if (strcmp(optarg, "poll") == 0) {
				o->eviction = PODOOM_RUNNER_EVICTION_POLL;
			} else if (strcmp(optarg, "events") == 0) {
				o->eviction = PODOOM_RUNNER_EVICTION_EVENTS;
			} else {
				cli_err(CMD, "--eviction: expected poll or events, got '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_KERNEL_LOG:
			o->kernel_log = optarg;
			break;
		case OPT_SAMPLES:
			o->samples = true;
			break;
		case OPT_TMPDIR:
			o->tmpdir = optarg;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_HTML:
			o->html = optarg;
			break;
		case OPT_CGROUP_PARENT:
			o->cgroup_parent = optarg;
			break;
		case OPT_CPU:
		case OPT_CPU_REQUEST: {
			struct podoom_quantity q;
			const char *why = NULL;
			if (podoom_quantity_parse(optarg, strlen(optarg), &q, &why) < 0 || podoom_quantity_sign(&q) < 0) {
				cli_err(CMD, "%s: expected a cpu quantity such as 500m or 2, got '%s'%s%s",
					c == OPT_CPU ? "--cpu" : "--cpu-request", optarg, why ? ": " : "", why ? why : "");
				return -EINVAL;
			}
			if (c == OPT_CPU) {
				o->cpu = q;
				o->has_cpu = true;
			} else {
				o->cpu_request = q;
				o->has_cpu_request = true;
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
	/* a SCENARIO (not after --): options may follow it */
	if (!o->limit_bytes && optind < argc && strcmp(argv[optind - 1], "--") != 0) {
		if (o->scenario) {
			cli_err(CMD, "one scenario at a time");
			return -EINVAL;
		}
		o->scenario = argv[optind++];
		goto again;
	}
	if (o->cleanup || o->scenario)
		return 0;
	if (!o->limit_bytes) {
		cli_err(CMD, "give a SCENARIO, or --memory-limit and -- COMMAND (see podoom run --help)");
		return -EINVAL;
	}
	if (o->has_cpu && o->has_cpu_request && podoom_quantity_cmp(&o->cpu_request, &o->cpu) > 0) {
		cli_err(CMD, "--cpu-request must be less than or equal to --cpu, as the API server requires");
		return -EINVAL;
	}
	if (o->has_request && o->request_bytes > o->limit_bytes) {
		cli_err(CMD, "--memory-request must be less than or equal to --memory-limit, as the API server requires");
		return -EINVAL;
	}
	if (optind >= argc) {
		cli_err(CMD, "no command: give it after --, e.g. podoom run --memory-limit 200Mi -- ./app");
		return -EINVAL;
	}
	o->argv = argv + optind;
	return 0;
}

/* the container as the kubelet sees it: its QoS class and oom_score_adj */
static int kubelet_adj(const struct run_opts *o, int64_t memtotal, enum podoom_qos *ret_qos, int *ret_adj)
{
	struct podoom_container c = {.name = "app", .type = PODOOM_CONTAINER_REGULAR};
	struct podoom_pod pod = {.kind = "Pod", .name = "run", .namespace = "default", .containers = &c, .ncontainers = 1};
	struct podoom_adj adj;

	c.limits.has_memory = c.requests.has_memory = true;
	/* cpu as the API server defaults it: the request from the limit */
	if (o->has_cpu) {
		c.limits.has_cpu = c.requests.has_cpu = true;
		c.limits.cpu = o->cpu;
		c.requests.cpu = o->has_cpu_request ? o->cpu_request : o->cpu;
	} else if (o->has_cpu_request) {
		c.requests.has_cpu = true;
		c.requests.cpu = o->cpu_request;
	}
	c.limits.memory = podoom_quantity_from_int(o->limit_bytes, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	c.requests.memory = podoom_quantity_from_int(o->has_request ? o->request_bytes : o->limit_bytes,
						     PODOOM_QUANTITY_FORMAT_BINARY_SI);
	*ret_qos = podoom_qos_compute(o->kp, &pod);
	if (podoom_qos_oom_score_adj(o->kp, &pod, 0, memtotal, &adj) < 0)
		return -EINVAL;
	*ret_adj = adj.oom_score_adj;
	return 0;
}

struct find_ctx {
	const char *cgroup;
	bool found;
	struct podoom_explanation *x;
};

static int find_event(void *user, const struct podoom_oom_event *ev)
{
	struct find_ctx *c = user;

	if (!c->found && ev->has_victim && (strstr(ev->oom_memcg, c->cgroup) || strstr(ev->task_memcg, c->cgroup)) &&
	    podoom_explain(ev, NULL, c->x) == 0)
		c->found = true;
	return 0;
}

/* the first explained OOM kill of our cgroup in the kernel log since @kmsg was opened */
static bool find_report(int kmsg, const char *cgroup, struct podoom_explanation *ret)
{
	struct find_ctx c = {.cgroup = cgroup, .x = ret};

	return cli_read_oom_events(kmsg, 0, find_event, &c) == 0 && c.found;
}

/* ---- scenario mode ------------------------------------------------------------ */

/* who died and how, as both engines report it */
struct victim {
	int64_t time_usec;
	enum podoom_simevent_type type; /* OOM_KILL or EVICTION */
	enum podoom_oom_class kind;
	char who[256];
};

struct victims {
	struct victim *v;
	size_t n, cap;
};

static bool is_victim(const struct podoom_simevent *e)
{
	return e->type == PODOOM_SIMEVENT_OOM_KILL || (e->type == PODOOM_SIMEVENT_EVICTION && e->pod[0]);
}

static int victims_add(struct victims *vs, const struct podoom_simevent *e)
{
	struct victim *v;

	if (!is_victim(e))
		return 0;
	if (podoom_grow(&vs->v, &vs->cap, vs->n + 1, sizeof(*vs->v), 16) < 0)
		return -ENOMEM;
	v = &vs->v[vs->n++];
	v->time_usec = e->time_usec;
	v->type = e->type;
	v->kind = e->kind;
	if (e->type == PODOOM_SIMEVENT_OOM_KILL)
		snprintf(v->who, sizeof(v->who), "%s/%s %s %s", e->namespace, e->pod, e->container, e->process);
	else
		snprintf(v->who, sizeof(v->who), "%s/%s", e->namespace, e->pod);
	return 0;
}

/* the runner stands the kubepods cgroup in for the node's RAM: a global OOM
 * of the simulator is a node-allocatable OOM of the run */
static bool same_kind(enum podoom_oom_class a, enum podoom_oom_class b)
{
	bool an = a == PODOOM_OOM_CLASS_GLOBAL || a == PODOOM_OOM_CLASS_NODE_ALLOCATABLE;
	bool bn = b == PODOOM_OOM_CLASS_GLOBAL || b == PODOOM_OOM_CLASS_NODE_ALLOCATABLE;
	return a == b || (an && bn);
}

static const char *victim_what(const struct victim *v)
{
	if (v->type == PODOOM_SIMEVENT_EVICTION)
		return "evicted";
	return v->kind < PODOOM_OOM_CLASS_COUNT ? podoom_oom_class_to_string(v->kind) : "oom";
}

/* Print where the two agree and differ. Return: whether the victims agree. */
static bool compare_print(const struct victims *k, const struct victims *s, int64_t housekeeping_usec, bool json)
{
	size_t n = k->n > s->n ? k->n : s->n, same = 0, kinds = 0, timely = 0;
	bool victims_agree = k->n == s->n;

	for (size_t i = 0; i < n; i++) {
		const struct victim *a = i < k->n ? &k->v[i] : NULL, *b = i < s->n ? &s->v[i] : NULL;
		bool who = a && b && a->type == b->type && strcmp(a->who, b->who) == 0;
		bool kind = who && (a->type == PODOOM_SIMEVENT_EVICTION || same_kind(a->kind, b->kind));
		int64_t tol = COMPARE_TOLERANCE_USEC + (a && a->type == PODOOM_SIMEVENT_EVICTION ? housekeeping_usec : 0);
		int64_t dt = a && b ? a->time_usec - b->time_usec : 0;
		bool timed = who && dt <= tol && dt >= -tol;
		victims_agree &= who;
		same += who;
		kinds += kind;
		timely += timed;
		if (json) {
			json_t *j = json_object();
			char *t;
			json_object_set_new(j, "type", json_string("compare"));
			json_object_set_new(j, "index", json_integer((json_int_t)i + 1));
			json_object_set_new(j, "kernel", a ? json_string(a->who) : json_null());
			json_object_set_new(j, "kernel_kind", a ? json_string(victim_what(a)) : json_null());
			json_object_set_new(j, "kernel_time_ms", a ? json_integer(a->time_usec / 1000) : json_null());
			json_object_set_new(j, "simulator", b ? json_string(b->who) : json_null());
			json_object_set_new(j, "simulator_kind", b ? json_string(victim_what(b)) : json_null());
			json_object_set_new(j, "simulator_time_ms", b ? json_integer(b->time_usec / 1000) : json_null());
			json_object_set_new(j, "victim_agrees", json_boolean(who));
			json_object_set_new(j, "kind_agrees", json_boolean(kind));
			json_object_set_new(j, "time_agrees", json_boolean(timed));
			t = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
			json_decref(j);
			if (t)
				puts(t);
			free(t);
			continue;
		}
		if (i == 0)
			printf("\ncompare: the kernel (left) and the simulator (right), victims in order\n");
		printf("  %2zu  %6lld.%03llds %-16s %-40s | ", i + 1, a ? (long long)(a->time_usec / 1000000) : 0LL,
		       a ? (long long)(a->time_usec % 1000000 / 1000) : 0LL, a ? victim_what(a) : "-", a ? a->who : "-");
		printf("%6lld.%03llds %-16s %-40s  %s\n", b ? (long long)(b->time_usec / 1000000) : 0LL,
		       b ? (long long)(b->time_usec % 1000000 / 1000) : 0LL, b ? victim_what(b) : "-", b ? b->who : "-",
		       !who ? "DIFFERENT VICTIM" : !kind ? "other kind" : !timed ? "other time" : "agree");
	}
	if (json)
		return victims_agree;
	if (n == 0)
		printf("\ncompare: neither the kernel nor the simulator killed or evicted anything: agree\n");
	else
		printf("compare: victims %s (%zu of %zu in order); kinds agree for %zu; times within %lldms "
		       "(evictions: plus one housekeeping interval) for %zu\n",
		       victims_agree ? "AGREE" : "DIFFER", same, n, kinds, (long long)(COMPARE_TOLERANCE_USEC / 1000), timely);
	return victims_agree;
}

/* the refusals, once: what was asked and what the processes run with */
static void report_refused(const struct podoom_runner *rn, const struct podoom_sim *layout, bool *ret_floor,
			   int *ret_value)
{
	size_t n;
	const struct podoom_runner_adj *a = podoom_runner_adj_refused(rn, &n);
	bool uniform = n > 0;

	for (size_t i = 0; i < n; i++)
		uniform &= a[i].wanted < 0 && a[i].applied == a[0].applied;
	*ret_floor = uniform;
	*ret_value = n ? a[0].applied : 0;
	if (n == 0)
		return;
	cli_err(CMD, "this host refused %zu oom_score_adj value%s (negative values need CAP_SYS_RESOURCE, which "
		     "this root lacks); those processes run with the value they inherited:",
		n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct podoom_sim_pod_info *p = podoom_sim_pod_info(layout, a[i].pod);
		fprintf(stderr, "  %s/%s %s: wanted %d, runs with %d\n", p->namespace, p->name,
			p->containers[a[i].container].name, a[i].wanted, a[i].applied);
	}
}

/* the same scenario on the simulator, as this host runs it */
static int simulate_twin(struct podoom_scenario *sc, bool floor, int floor_value, struct victims *ret, char *why,
			 size_t whysize)
{
	struct podoom_sim_options so = {.has_adj_floor = floor, .adj_floor = 0, .adj_refused_value = floor_value};
	struct podoom_sim *sim = NULL;
	struct podoom_diag diag = {0};
	const struct podoom_simevent *e;
	int r;

	/* the scenario already has this host's kernel and cgroup version (run_scenario) */
	r = podoom_sim_new(sc, &so, &sim, &diag);
	if (r < 0) {
		snprintf(why, whysize, "%s", diag.msg);
		return r;
	}
	while ((r = podoom_sim_next(sim, &e)) > 0)
		if ((r = victims_add(ret, e)) < 0)
			break;
	podoom_sim_free(sim);
	if (r < 0)
		snprintf(why, whysize, "the simulation failed: %s", strerror(-r));
	return r;
}

static const struct podoom_sim_point *runner_node_series(const void *src, size_t *n)
{
	return podoom_runner_node_series(src, n);
}

static const struct podoom_sim_point *runner_pod_series(const void *src, size_t i, size_t *n)
{
	return podoom_runner_pod_series(src, i, n);
}

static int run_scenario(const struct run_opts *o)
{
	struct podoom_scenario *sc = NULL;
	struct podoom_sim *layout = NULL;
	struct podoom_runner *rn = NULL;
	struct podoom_cgroup_root root;
	struct podoom_diag diag = {0};
	struct podoom_runner_options ro = {.tag = "scenario",
					   .tmpdir = o->tmpdir,
					   .eviction = o->eviction,
					   .emit_samples = o->samples || o->svg || o->html,
					   .record_series = o->svg || o->html,
					   .stop = &stop_signal};
	struct sim_plot_events pev = {0};
	struct podoom_sim_options so = {.commands_for_layout = true};
	struct victims kern = {0}, twin = {0};
	size_t count[PODOOM_SIMEVENT_TYPE_COUNT] = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	const struct podoom_simevent *e;
	uint64_t ooms = 0;
	char *buf = NULL, err[512] = "";
	int r, rc = EXIT_FAILURE_RUNTIME, scenario_version;
	struct utsname u;
	const struct podoom_kernel_profile *kp;

	if (geteuid() != 0) {
		cli_err(CMD, "needs root to create memory cgroups");
		return EXIT_FAILURE_RUNTIME;
	}
	if ((r = open_root(o, &root)) != 0)
		return r;
	r = sim_out_load(o->scenario, &buf, &sc);
	if (r == -ENOMEM) {
		cli_err(CMD, "out of memory");
		return EXIT_FAILURE_RUNTIME;
	}
	if (r > 0)
		return r;
	/* the layout is the simulator's, for the cgroup version and the kernel this host has */
	scenario_version = sc->node.cgroup_version;
	sc->node.cgroup_version = root.version;
	/* event mode is the kubelet's memcg notifier (kernelMemcgNotification), which
	 * the simulator models on cgroup v1 */
	if (o->eviction == PODOOM_RUNNER_EVICTION_EVENTS)
		sc->node.kubelet.kernel_memcg_notification = true;
	if (uname(&u) == 0 && podoom_kernel_profile_resolve(u.release, strlen(u.release), &kp) == 0)
		sc->node.kernel = kp->name;
	r = podoom_sim_new(sc, &so, &layout, &diag);
	if (r < 0) {
		cli_diag(o->scenario, diag.line, diag.col, "error", diag.msg);
		rc = r == -ENOMEM ? EXIT_FAILURE_RUNTIME : EXIT_INPUT;
		goto out;
	}
	if (o->compare) {
		/* the twin must be able to predict every container (a command needs
		 * usage: saying what it does): say so now, not after the run */
		struct podoom_sim_options twin_so = {0};
		struct podoom_sim *check = NULL;
		r = podoom_sim_new(sc, &twin_so, &check, &diag);
		podoom_sim_free(check);
		if (r < 0) {
			cli_diag(o->scenario, diag.line, diag.col, "error", diag.msg);
			cli_err(CMD, "--compare needs a scenario the simulator can play; without --compare it runs");
			rc = r == -ENOMEM ? EXIT_FAILURE_RUNTIME : EXIT_INPUT;
			goto out;
		}
	}
	if (scenario_version != root.version)
		cli_err(CMD, "the scenario's node has cgroup v%d; this host has v%d, so the run (and --compare) use v%d",
			scenario_version, root.version, root.version);
	r = podoom_runner_new(sc, layout, &root, &ro, &rn, err, sizeof(err));
	if (r < 0) {
		cli_err(CMD, "%s", err);
		rc = EXIT_INPUT;
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	r = podoom_runner_start(rn, err, sizeof(err));
	if (r < 0) {
		cli_err(CMD, "%s", err);
		rc = r == -ENOMEM ? EXIT_USAGE : EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if (!o->json) {
		char a[32];
		struct podoom_sim_node_info ni;
		podoom_sim_node_info(layout, &ni);
		sim_out_header(layout, o->scenario, "played for real");
		podoom_bytes_format(podoom_runner_kubepods_limit(rn), a, sizeof(a));
		printf("the node is %s/%s%s, limited to %s; eviction: %s\n\n", root.mount, podoom_runner_parent(rn),
		       ni.kubepods_path, a,
		       o->eviction == PODOOM_RUNNER_EVICTION_EVENTS ? "events" : "polling");
	}
	while ((r = podoom_runner_next(rn, &e)) > 0) {
		count[e->type]++;
		if (e->type == PODOOM_SIMEVENT_OOM_KILL && !e->group_member)
			ooms++;
		if (victims_add(&kern, e) < 0 || (ro.record_series && sim_plot_events_add(&pev, e) < 0)) {
			r = -ENOMEM;
			break;
		}
		if (e->type == PODOOM_SIMEVENT_SAMPLE && !o->samples)
			continue;
		if (o->json) {
			if (sim_out_json(e) < 0) {
				r = -ENOMEM;
				break;
			}
		} else if (e->type != PODOOM_SIMEVENT_START) {
			sim_out_event(e);
		}
		fflush(stdout);
	}
	if (r < 0) {
		cli_err(CMD, "the run failed: %s", strerror(-r));
		goto out;
	}
	if (!o->json)
		sim_out_summary(count, ooms);
	rc = EXIT_OK;
	{
		struct sim_plot_source plot = {.command = CMD, .sim = layout, .src = rn, .node_series = runner_node_series,
					       .pod_series = runner_pod_series};
		if (o->svg && sim_plot_write(o->svg, false, &plot, &pev, o->scenario) < 0)
			rc = EXIT_FAILURE_RUNTIME;
		if (o->html && sim_plot_write(o->html, true, &plot, &pev, o->scenario) < 0)
			rc = EXIT_FAILURE_RUNTIME;
	}
	if (o->kernel_log) {
		size_t len;
		const char *text = podoom_runner_kernel_log(rn, &len);
		FILE *f = fopen(o->kernel_log, "we");
		if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
			cli_err(CMD, "--kernel-log %s: %s", o->kernel_log, strerror(errno));
			rc = EXIT_FAILURE_RUNTIME;
		}
	}
	{
		bool floor;
		int floor_value;
		report_refused(rn, layout, &floor, &floor_value);
		if (o->compare && !podoom_runner_stopped(rn)) {
			if (simulate_twin(sc, floor, floor_value, &twin, err, sizeof(err)) < 0) {
				cli_err(CMD, "--compare: %s", err);
				rc = EXIT_FAILURE_RUNTIME;
			} else {
				struct podoom_sim_node_info ni;
				podoom_sim_node_info(layout, &ni);
				if (!compare_print(&kern, &twin, ni.housekeeping_usec, o->json) && rc == EXIT_OK)
					rc = EXIT_DIFFERS;
			}
		}
	}
	if (podoom_runner_stopped(rn))
		rc = 128 + (stop_signal ? stop_signal : SIGINT);
out:
	if (podoom_runner_stop(rn) < 0)
		cli_err(CMD, "could not remove everything under %s/%s; podoom run --cleanup or the next run removes it",
			root.mount, podoom_runner_parent(rn));
	podoom_runner_free(rn);
	podoom_sim_free(layout);
	podoom_scenario_free(sc);
	free(buf);
	free(kern.v);
	free(twin.v);
	sim_plot_events_free(&pev);
	fflush(stdout);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {0};
	struct podoom_cgroup_root root;
	struct podoom_memcg_stat st = {0};
	struct podoom_explanation x;
	char parent[64], ctr[640], adjs[16];
	int64_t memtotal = 0, avail = 0;
	enum podoom_qos qos;
	int r, adj, kmsg = -1, go[2] = {-1, -1}, status = 0, rc = EXIT_FAILURE_RUNTIME;
	bool adj_applied = true, have_report = false, cgroup_made = false;
	int adj_used = 0;
	pid_t child = -1;
	unsigned reaped = 0;
	struct sigaction sa = {.sa_handler = on_signal};

	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.scenario && !o.cleanup)
		return run_scenario(&o);
	if (geteuid() != 0) {
		cli_err(CMD, "needs root to create a memory cgroup");
		return EXIT_FAILURE_RUNTIME;
	}
	if ((r = open_root(&o, &root)) != 0)
		return r;
	if (o.cleanup) {
		r = podoom_cgroup_reap_stale(&root, &reaped);
		printf("podoom run: removed %u cgroup%s left by podoom runs that were killed\n", reaped,
		       reaped == 1 ? "" : "s");
		return r < 0 ? EXIT_FAILURE_RUNTIME : EXIT_OK;
	}
	if (podoom_host_memtotal("", &memtotal) < 0 || podoom_host_memavailable("", &avail) < 0) {
		cli_err(CMD, "cannot read /proc/meminfo");
		return EXIT_FAILURE_RUNTIME;
	}
	if (o.limit_bytes > avail - HOST_MARGIN_BYTES) {
		cli_err(CMD, "--memory-limit %lld bytes is more than this host can spare (MemAvailable %lld minus a 512 MiB margin): refused, so that the host itself never runs out",
			(long long)o.limit_bytes, (long long)avail);
		return EXIT_USAGE;
	}
	if (kubelet_adj(&o, memtotal, &qos, &adj) < 0)
		return EXIT_FAILURE_RUNTIME;
	(void)podoom_cgroup_reap_stale(&root, &reaped);
	podoom_cgroup_parent_name(getpid(), "run", parent, sizeof(parent));
	{
		/* the kubelet's layout under our parent: kubepods, the QoS level, the pod and
		 * the container (cgroupfs driver, containerd), so reports attribute as on a node */
		char uid[40], id[65], path[512];
		struct podoom_cgroup_spec spec = {
			.driver = PODOOM_CGROUP_DRIVER_CGROUPFS,
			.level = PODOOM_CGROUP_LEVEL_CONTAINER,
			.qos = qos,
			.pod_uid = uid,
			.runtime = PODOOM_RUNTIME_CONTAINERD,
			.container_id = id,
		};
		unsigned long long seed = (unsigned long long)getpid() * 0x9e3779b97f4a7c15ULL;
		snprintf(uid, sizeof(uid), "%08llx-0000-4000-8000-%012llx", seed >> 32 & 0xffffffffULL,
			 seed & 0xffffffffffffULL);
		for (int i = 0; i < 64; i++)
			id[i] = "0123456789abcdef"[((seed >> (i % 60)) & 0xf) ^ (unsigned)(i & 0xf)];
		id[64] = '\0';
		if (podoom_cgroup_path_format(&spec, path, sizeof(path)) < 0 ||
		    snprintf(ctr, sizeof(ctr), "%s%s", parent, path) >= (int)sizeof(ctr)) {
			cli_err(CMD, "cannot build the container's cgroup path");
			return EXIT_FAILURE_RUNTIME;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	cgroup_made = true;
	/* every level from the parent down; the pod carries the limit too, as the kubelet
	 * sets it when every container has one */
	r = podoom_cgroup_create(&root, parent);
	/* the parent is a safety net a little above the container, so that the container's
	 * (or the pod's) own limit is the one the kernel reports */
	if (r == 0)
		r = podoom_cgroup_set_limit(&root, parent, o.limit_bytes + (16LL << 20), 0);
	for (char *p = ctr + strlen(parent) + 1; r == 0 && (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		r = podoom_cgroup_create(&root, ctr);
		if (r == 0 && strstr(strrchr(ctr, '/'), "/pod"))
			r = podoom_cgroup_set_limit(&root, ctr, o.limit_bytes, 0);
		*p = '/';
	}
	if (r == 0)
		r = podoom_cgroup_create(&root, ctr);
	if (r == 0)
		r = podoom_cgroup_set_limit(&root, ctr, o.limit_bytes, 0);
	if (r < 0) {
		cli_err(CMD, "cannot set up the memory cgroup %s: %s", parent, strerror(-r));
		goto out;
	}
	if (root.version == 2 && o.kp->memory_oom_group)
		(void)podoom_cgroup_set_oom_group(&root, ctr, true); /* the kubelet's default since 1.28 */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	if (pipe2(go, O_CLOEXEC) < 0)
		goto out;
	child = fork();
	if (child < 0)
		goto out;
	if (child == 0) {
		char c;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126); /* podoom went away before it let us run */
		execvp(o.argv[0], o.argv);
		fprintf(stderr, "podoom run: %s: %s\n", o.argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	go[0] = -1;
	/* the kubelet's value: runtimes write it to the container's first process, children inherit it */
	snprintf(adjs, sizeof(adjs), "%d", adj);
	{
		char path[64];
		int fd;
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", child);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, adjs, strlen(adjs)) < 0)
			adj_applied = false;
		if (fd >= 0)
			close(fd);
		/* what it runs with: the kernel's own reading */
		adj_used = adj;
		{
			char buf[32];
			int n = podoom_file_read_small(path, buf, sizeof(buf));
			int32_t v;
			if (n > 0 && podoom_memcgfmt_adj(buf, (size_t)n, &v) == 0)
				adj_used = v;
		}
		if (!adj_applied)
			cli_err(CMD, "this host refused oom_score_adj %d (negative values need CAP_SYS_RESOURCE): the command runs with its inherited value, %d",
				adj, adj_used);
	}
	if ((r = podoom_cgroup_attach(&root, ctr, child)) < 0) {
		cli_err(CMD, "cannot move the command into %s: %s", ctr, strerror(-r));
		goto out;
	}
	if (write(go[1], "g", 1) != 1)
		goto out;
	close(go[1]);
	go[1] = -1;
	for (int asked = 0; waitpid(child, &status, 0) < 0;) {
		if (errno != EINTR)
			goto out;
		if (stop_signal) {
			/* the first signal is passed on as SIGTERM, as a runtime stops a
			 * container; a second one kills */
			kill(child, asked++ ? SIGKILL : SIGTERM);
			stop_signal = 0;
		}
	}
	child = -1;
	(void)podoom_cgroup_read_stat(&root, ctr, &st);
	if (kmsg >= 0 && (st.oom_kill > 0 || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)))
		have_report = find_report(kmsg, ctr, &x);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "exit_code", json_integer(rc));
		json_object_set_new(j, "signal", WIFSIGNALED(status) ? json_integer(WTERMSIG(status)) : json_null());
		json_object_set_new(j, "oom_kills", json_integer((json_int_t)st.oom_kill));
		json_object_set_new(j, "oom_killed", json_boolean(st.oom_kill > 0));
		json_object_set_new(j, "memory_limit_bytes", json_integer(o.limit_bytes));
		json_object_set_new(j, "qos", json_string(podoom_qos_to_string(qos)));
		json_object_set_new(j, "oom_score_adj", json_integer(adj));
		json_object_set_new(j, "oom_score_adj_applied", json_boolean(adj_applied));
		json_object_set_new(j, "oom_score_adj_used", json_integer(adj_used));
		json_object_set_new(j, "cgroup_version", json_integer(root.version));
		json_object_set_new(j, "victim", have_report ? json_string(x.victim_comm) : json_null());
		json_object_set_new(j, "victim_pid", have_report ? json_integer(x.victim_pid) : json_null());
		json_object_set_new(j, "explanation", have_report ? json_string(x.text) : json_null());
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(j);
		if (s) {
			puts(s);
			free(s);
		}
	} else {
		char lim[32];
		podoom_bytes_format(o.limit_bytes, lim, sizeof(lim));
		printf("podoom run: %s in a %s memory cgroup (cgroup v%d), %s, oom_score_adj %d", o.argv[0], lim,
		       root.version, podoom_qos_to_string(qos), adj);
		if (!adj_applied)
			printf(" (refused by this host: it runs with %d)", adj_used);
		putchar('\n');
		if (WIFSIGNALED(status))
			printf("  exit:     killed by signal %d (exit code %d in a container)\n", WTERMSIG(status), rc);
		else
			printf("  exit:     status %d\n", rc);
		printf("  OOM kills in its cgroup: %llu%s\n", (unsigned long long)st.oom_kill,
		       st.oom_kill ? " (OOMKilled)" : "");
		if (have_report)
			printf("  why:      %s\n", x.text);
		else if (st.oom_kill)
			printf("  why:      the kernel's report was not found in /dev/kmsg (overwritten, or not readable)\n");
	}
out:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (kmsg >= 0)
		close(kmsg);
	if (cgroup_made && podoom_cgroup_destroy(&root, parent, 5000) < 0)
		cli_err(CMD, "could not remove %s/%s; podoom run --cleanup or the next run removes it", root.mount, parent);
	fflush(stdout);
	return rc;
}
