/*
 * cmd_qos.c - `podoom qos`: the QoS class and oom_score_adj of every
 * container in the manifests given, as a chosen kubelet version computes them.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "podoom/host.h"
#include "podoom/manifest.h"
#include "podoom/qos.h"

#define CMD "qos"

struct qos_opts {
	bool json;
	bool node_memory_given;
	int64_t node_memory_bytes;
	const struct podoom_kubelet_profile *kp;
	const char *root;
};

struct input {
	const char *file;
	struct podoom_manifests *m;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom qos [OPTION...] [FILE...]\n"
		"\n"
		"Print the QoS class and oom_score_adj of every container of every pod or\n"
		"workload in Kubernetes manifests (YAML or JSON; - or no FILE reads stdin).\n"
		"\n"
		"Options:\n"
		"      --node-memory QUANTITY   the node's MemTotal (default: this host's)\n"
		"      --kubelet-version X.Y    kubelet release to model (default: newest, 1.36)\n"
		"      --root DIR               read /proc/meminfo under DIR (default: /)\n"
		"      --json                   one JSON object per container per line\n"
		"  -h, --help                   show this help\n"
		"\n"
		"Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
		"3 a file could not be read or holds an invalid object (the others are still shown).\n");
}

static int parse_args(int argc, char **argv, struct qos_opts *o)
{
	enum { OPT_JSON = 256, OPT_NODE_MEMORY, OPT_KUBELET, OPT_ROOT };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"node-memory", required_argument, NULL, OPT_NODE_MEMORY},
		{"kubelet-version", required_argument, NULL, OPT_KUBELET},
		{"root", required_argument, NULL, OPT_ROOT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->kp = podoom_kubelet_profile_default();
	o->root = "";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_NODE_MEMORY:
			if (cli_parse_bytes(CMD, "--node-memory", optarg, &o->node_memory_bytes) < 0)
				return -EINVAL;
			o->node_memory_given = true;
			break;
		case OPT_KUBELET:
			if (podoom_kubelet_profile_lookup(optarg, &o->kp) < 0) {
				cli_err(CMD, "--kubelet-version: expected a Kubernetes release such as 1.31, got '%s'",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_bad_option(CMD, argv);
			return -EINVAL;
		}
	}
	return 0;
}

/* --- warnings ---------------------------------------------------------- */

struct warn_ctx {
	const struct qos_opts *o;
	const struct podoom_pod *pod;
	const struct podoom_container *c;
	const struct podoom_adj *adj;
};

typedef void (*warn_fn)(void *user, const char *code, const char *msg);

static void fmt_bytes(int64_t v, char *buf, size_t size)
{
	podoom_bytes_format(v, buf, size);
}

static const char *first_bare_init(const struct podoom_pod *pod)
{
	for (size_t i = 0; i < pod->ncontainers; i++)
		if (pod->containers[i].type != PODOOM_CONTAINER_REGULAR && !pod->containers[i].limits.has_cpu &&
		    !pod->containers[i].limits.has_memory)
			return pod->containers[i].name;
	return "?";
}

/* pod-wide surprises: said once per pod in the table, in every row of --json */
#define POD_SURPRISES                                                                               \
	(PODOOM_SURPRISE_MEMORY_EQUAL_CPU_NOT | PODOOM_SURPRISE_BARE_INIT_CONTAINER |               \
	 PODOOM_SURPRISE_CRITICAL | PODOOM_SURPRISE_CLUSTER_CRITICAL_UNPROTECTED |                  \
	 PODOOM_SURPRISE_STATUS_DIFFERS | PODOOM_SURPRISE_EMPTY_POD_RESOURCES)

/* one bit beyond the core's: a cross-pod observation made here */
#define SURPRISE_BESTEFFORT_AMONG_GUARANTEED (1u << 31)

static void emit_warnings(const struct warn_ctx *w, unsigned bits, warn_fn fn, void *user)
{
	const struct podoom_kubelet_profile *kp = w->o->kp;
	char msg[512], a[40], b[40];
	int64_t req = w->adj->request_bytes;

	if (bits & PODOOM_SURPRISE_CRITICAL) {
		snprintf(msg, sizeof(msg), "critical pod%s%s: oom_score_adj %d whatever its QoS class",
			 w->pod->priority_class ? " " : "", w->pod->priority_class ? w->pod->priority_class : "",
			 kp->guaranteed_adj);
		fn(user, "critical-pod", msg);
	}
	if (bits & PODOOM_SURPRISE_CLUSTER_CRITICAL_UNPROTECTED) {
		snprintf(msg, sizeof(msg),
			 "system-cluster-critical does not protect from the OOM killer since kubelet 1.22 "
			 "(kubernetes#99729); only system-node-critical does");
		fn(user, "cluster-critical-unprotected", msg);
	}
	if (bits & PODOOM_SURPRISE_STATUS_DIFFERS) {
		snprintf(msg, sizeof(msg), "status.qosClass says %s but the spec computes to %s; the kubelet uses status",
			 w->pod->status_qos, podoom_qos_to_string(podoom_qos_compute(kp, w->pod)));
		fn(user, "status-qos-differs", msg);
	}
	if (bits & PODOOM_SURPRISE_MEMORY_EQUAL_CPU_NOT) {
		snprintf(msg, sizeof(msg),
			 "memory request equals the limit in every container but CPU does not, so the pod is "
			 "Burstable, not Guaranteed (%d) (kubernetes#113977)",
			 kp->guaranteed_adj);
		fn(user, "memory-equal-cpu-not", msg);
	}
	if (bits & PODOOM_SURPRISE_BARE_INIT_CONTAINER) {
		snprintf(msg, sizeof(msg),
			 "init container %s has no limits, which makes the pod Burstable although every app "
			 "container is Guaranteed-shaped",
			 first_bare_init(w->pod));
		fn(user, "bare-init-container", msg);
	}
	if (bits & PODOOM_SURPRISE_EMPTY_POD_RESOURCES) {
		snprintf(msg, sizeof(msg),
			 "an empty spec.resources makes kubelet %s treat the pod as BestEffort (fixed in 1.36 "
			 "by PodLevelResourcesFixKubeletQOSClass, kubernetes#135082)",
			 kp->name);
		fn(user, "empty-pod-resources", msg);
	}
	if (bits & SURPRISE_BESTEFFORT_AMONG_GUARANTEED) {
		snprintf(msg, sizeof(msg),
			 "BestEffort pod in namespace %s, where every other pod is Guaranteed: it dies first "
			 "(oom_score_adj 1000) and is evicted first",
			 w->pod->namespace);
		fn(user, "besteffort-among-guaranteed", msg);
	}
	if (bits & PODOOM_SURPRISE_LIMIT_WITHOUT_REQUEST) {
		fmt_bytes(req, a, sizeof(a));
		snprintf(msg, sizeof(msg),
			 "memory limit without a request: the API server sets the request to the limit (%s), "
			 "and the scheduler reserves all of it",
			 a);
		fn(user, "limit-without-request", msg);
	}
	if (bits & PODOOM_SURPRISE_FRACTIONAL_BYTES) {
		snprintf(msg, sizeof(msg),
			 "a memory quantity is a fraction of a byte (\"m\" is milli: 500m is half a byte, "
			 "rounded up to 1; did you mean Mi?)");
		fn(user, "fractional-bytes", msg);
	}
	if (bits & PODOOM_SURPRISE_NO_MEMORY_REQUEST) {
		snprintf(msg, sizeof(msg),
			 "no memory request: oom_score_adj 999, the first to die after BestEffort containers");
		fn(user, "no-memory-request", msg);
	}
	if (bits & PODOOM_SURPRISE_REQUEST_BELOW_UNIT) {
		fmt_bytes(req, a, sizeof(a));
		podoom_bytes_format_human(w->o->node_memory_bytes / 500, b, sizeof(b));
		snprintf(msg, sizeof(msg),
			 "memory request %s scores 999, the same as no request: any request below "
			 "2/1000 of the node's memory (%s here) does",
			 a, b);
		fn(user, "request-below-unit", msg);
	}
	if (bits & PODOOM_SURPRISE_FLOORED) {
		fmt_bytes(req, a, sizeof(a));
		snprintf(msg, sizeof(msg),
			 "memory request %s is about the node's whole memory: oom_score_adj raised to the "
			 "Burstable floor %d",
			 a, 1000 + kp->guaranteed_adj);
		fn(user, "floored", msg);
	}
	if (bits & PODOOM_SURPRISE_SIDECAR_CLAMPED) {
		snprintf(msg, sizeof(msg),
			 "sidecar lowered to %d, the score of the regular container with the smallest "
			 "request (kubernetes#111356, since 1.33)",
			 w->adj->oom_score_adj);
		fn(user, "sidecar-clamped", msg);
	}
}

/* --- output -------------------------------------------------------------- */

static json_t *json_bytes_or_null(const struct podoom_rlist *rl)
{
	int64_t v;

	if (!rl->has_memory || podoom_quantity_value(&rl->memory, &v) < 0)
		return json_null();
	return json_integer(v);
}

static json_t *json_millis_or_null(bool has, const struct podoom_quantity *q)
{
	int64_t v;

	if (!has || podoom_quantity_milli_value(q, &v) < 0)
		return json_null();
	return json_integer(v);
}

static void json_warn(void *user, const char *code, const char *msg)
{
	json_t *w = json_object();
	json_object_set_new(w, "code", json_string(code));
	json_object_set_new(w, "message", json_string(msg));
	json_array_append_new((json_t *)user, w);
}

struct text_warn {
	const char *file;
	const struct podoom_pod *pod;
	const char *container; /* NULL for a pod-wide one */
	FILE *out;
	unsigned count;
};

static void text_warn(void *user, const char *code, const char *msg)
{
	struct text_warn *t = user;
	(void)code;
	if (t->count++ == 0)
		fprintf(t->out, "\n");
	fprintf(t->out, "%s:%u: %s/%s%s%s: %s\n", t->file, t->pod->line, t->pod->namespace, t->pod->name,
		t->container ? " " : "", t->container ? t->container : "", msg);
}

static const char *json_str(const char *s)
{
	return s ? s : "";
}

static int print_json_row(const struct qos_opts *o, const struct input *in, const struct podoom_pod *pod,
			  size_t ci, const struct podoom_adj *adj, unsigned bits)
{
	const struct podoom_container *c = &pod->containers[ci];
	json_t *row = json_object(), *warnings = json_array();
	struct warn_ctx w = {.o = o, .pod = pod, .c = c, .adj = adj};
	int64_t req = 0;
	char *s;

	if (!row || !warnings)
		return -ENOMEM;
	if (c->requests.has_memory)
		(void)podoom_quantity_value(&c->requests.memory, &req);
	emit_warnings(&w, bits, json_warn, warnings);
	json_object_set_new(row, "namespace", json_string(json_str(pod->namespace)));
	json_object_set_new(row, "pod", json_string(json_str(pod->name)));
	json_object_set_new(row, "kind", json_string(json_str(pod->kind)));
	json_object_set_new(row, "container", json_string(json_str(c->name)));
	json_object_set_new(row, "type", json_string(podoom_container_type_to_string(c->type)));
	json_object_set_new(row, "qos", json_string(podoom_qos_to_string(podoom_qos_get(o->kp, pod, NULL))));
	json_object_set_new(row, "memory_request_bytes", json_integer(req));
	json_object_set_new(row, "memory_limit_bytes", json_bytes_or_null(&c->limits));
	json_object_set_new(row, "cpu_request_millis", json_millis_or_null(c->requests.has_cpu, &c->requests.cpu));
	json_object_set_new(row, "cpu_limit_millis", json_millis_or_null(c->limits.has_cpu, &c->limits.cpu));
	json_object_set_new(row, "oom_score_adj", json_integer(adj->oom_score_adj));
	json_object_set_new(row, "pod_uid", pod->uid ? json_string(pod->uid) : json_null());
	json_object_set_new(row, "priority", pod->has_priority ? json_integer(pod->priority) : json_null());
	json_object_set_new(row, "node_memory_bytes", json_integer(o->node_memory_bytes));
	json_object_set_new(row, "kubelet_profile", json_string(o->kp->name));
	json_object_set_new(row, "file", json_string(in->file));
	json_object_set_new(row, "line", json_integer(c->line));
	json_object_set_new(row, "warnings", warnings);
	s = json_dumps(row, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(row);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

static int add_text_row(struct cli_table *t, const struct qos_opts *o, const struct podoom_pod *pod, size_t ci,
			const struct podoom_adj *adj)
{
	const struct podoom_container *c = &pod->containers[ci];
	char req[40] = "-", lim[40] = "-", adjs[16];
	int64_t v;

	if (c->requests.has_memory && podoom_quantity_value(&c->requests.memory, &v) == 0)
		fmt_bytes(v, req, sizeof(req));
	if (c->limits.has_memory && podoom_quantity_value(&c->limits.memory, &v) == 0)
		fmt_bytes(v, lim, sizeof(lim));
	snprintf(adjs, sizeof(adjs), "%d", adj->oom_score_adj);
	const char *cells[] = {pod->namespace, pod->kind, pod->name, c->name,
			       podoom_container_type_to_string(c->type),
			       podoom_qos_to_string(podoom_qos_get(o->kp, pod, NULL)), req, lim, adjs};
	return cli_table_add(t, cells);
}

/* per namespace: how many pods are Guaranteed and how many are not, counted
 * once (sorted by namespace) so that the check per pod is a binary search */
struct ns_count {
	const char *ns;
	size_t guaranteed, other;
};

struct ns_counts {
	struct ns_count *v;
	size_t n;
};

static int cmp_ns(const void *a, const void *b)
{
	return strcmp(((const struct ns_count *)a)->ns, ((const struct ns_count *)b)->ns);
}

static int count_namespaces(const struct qos_opts *o, const struct input *ins, size_t nin, struct ns_counts *ret)
{
	size_t total = 0, k = 0;
	struct ns_count *v;

	for (size_t f = 0; f < nin; f++)
		total += ins[f].m ? podoom_manifests_npods(ins[f].m) : 0;
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t f = 0; f < nin; f++)
		for (size_t i = 0; ins[f].m && i < podoom_manifests_npods(ins[f].m); i++) {
			const struct podoom_pod *p = podoom_manifests_pod(ins[f].m, i);
			v[k].ns = p->namespace;
			if (podoom_qos_get(o->kp, p, NULL) == PODOOM_QOS_GUARANTEED)
				v[k].guaranteed = 1;
			else
				v[k].other = 1;
			k++;
		}
	qsort(v, k, sizeof(*v), cmp_ns);
	ret->n = 0;
	for (size_t i = 0; i < k; i++) {
		if (ret->n && strcmp(v[ret->n - 1].ns, v[i].ns) == 0) {
			v[ret->n - 1].guaranteed += v[i].guaranteed;
			v[ret->n - 1].other += v[i].other;
		} else {
			v[ret->n++] = v[i];
		}
	}
	ret->v = v;
	return 0;
}

/* a BestEffort pod whose namespace holds only Guaranteed pods otherwise */
static bool besteffort_among_guaranteed(const struct qos_opts *o, const struct ns_counts *nc,
					const struct podoom_pod *pod)
{
	struct ns_count key = {.ns = pod->namespace}, *c;

	if (podoom_qos_get(o->kp, pod, NULL) != PODOOM_QOS_BESTEFFORT)
		return false;
	c = bsearch(&key, nc->v, nc->n, sizeof(*nc->v), cmp_ns);
	return c && c->guaranteed > 0 && c->other == 1; /* the one other pod is this one */
}

static int report(const struct qos_opts *o, const struct input *ins, size_t nin, size_t *ret_rows)
{
	static const char *const headers[] = {"NAMESPACE", "KIND",  "POD",   "CONTAINER",	 "TYPE",
					      "QOS",	   "MEM-REQUEST", "MEM-LIMIT", "OOM_SCORE_ADJ"};
	struct cli_table *t = NULL;
	struct ns_counts nc = {0};
	int r = 0;

	if (count_namespaces(o, ins, nin, &nc) < 0)
		return -ENOMEM;
	if (!o->json) {
		t = cli_table_new(9, headers);
		if (!t) {
			free(nc.v);
			return -ENOMEM;
		}
	}
	*ret_rows = 0;
	for (size_t f = 0; f < nin; f++) {
		for (size_t i = 0; ins[f].m && i < podoom_manifests_npods(ins[f].m); i++) {
			const struct podoom_pod *pod = podoom_manifests_pod(ins[f].m, i);
			bool among = besteffort_among_guaranteed(o, &nc, pod);
			for (size_t ci = 0; ci < pod->ncontainers; ci++) {
				struct podoom_adj adj;
				unsigned bits;
				r = podoom_qos_oom_score_adj(o->kp, pod, ci, o->node_memory_bytes, &adj);
				if (r < 0) {
					cli_diag(ins[f].file, pod->containers[ci].line, pod->containers[ci].col,
						 "error", "memory request does not fit 64 bits of bytes");
					continue;
				}
				bits = podoom_qos_surprises(o->kp, pod, ci, o->node_memory_bytes, &adj);
				if (among)
					bits |= SURPRISE_BESTEFFORT_AMONG_GUARANTEED;
				r = o->json ? print_json_row(o, &ins[f], pod, ci, &adj, bits)
					    : add_text_row(t, o, pod, ci, &adj);
				if (r < 0)
					goto out;
				(*ret_rows)++;
			}
		}
	}
	if (t && *ret_rows) {
		struct text_warn tw = {.out = stdout};
		char mem[40];
		fmt_bytes(o->node_memory_bytes, mem, sizeof(mem));
		printf("node memory %s (%lld bytes, %s); kubelet %s profile (%s)\n\n", mem,
		       (long long)o->node_memory_bytes,
		       o->node_memory_given ? "from --node-memory" : "this host's MemTotal", o->kp->name,
		       o->kp->covers);
		cli_table_print(t, stdout);
		for (size_t f = 0; f < nin; f++) {
			tw.file = ins[f].file;
			for (size_t i = 0; ins[f].m && i < podoom_manifests_npods(ins[f].m); i++) {
				const struct podoom_pod *pod = podoom_manifests_pod(ins[f].m, i);
				bool among = besteffort_among_guaranteed(o, &nc, pod);
				tw.pod = pod;
				for (size_t ci = 0; ci < pod->ncontainers; ci++) {
					struct podoom_adj adj;
					if (podoom_qos_oom_score_adj(o->kp, pod, ci, o->node_memory_bytes, &adj) < 0)
						continue;
					unsigned bits = podoom_qos_surprises(o->kp, pod, ci, o->node_memory_bytes, &adj);
					struct warn_ctx w = {.o = o, .pod = pod, .c = &pod->containers[ci], .adj = &adj};
					if (ci == 0) {
						tw.container = NULL;
						emit_warnings(&w, (bits & POD_SURPRISES) |
								  (among ? SURPRISE_BESTEFFORT_AMONG_GUARANTEED : 0),
							      text_warn, &tw);
					}
					tw.container = pod->containers[ci].name;
					emit_warnings(&w, bits & ~POD_SURPRISES, text_warn, &tw);
				}
			}
		}
	}
out:
	cli_table_free(t);
	free(nc.v);
	return r;
}

/* --- main ------------------------------------------------------------------ */

/* one line per file for the objects that run no pods: "Service (2), ConfigMap (1)" */
static void note_skipped(const struct input *in)
{
	char msg[320];
	size_t n = podoom_manifests_nmsgs(in->m, NULL), len = 0, total = 0;

	msg[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct podoom_manifest_msg *m = podoom_manifests_msg(in->m, i);
		size_t count = 0;
		bool seen = false;
		if (!m->skipped_kind)
			continue;
		total++;
		for (size_t k = 0; k < i && !seen; k++) {
			const struct podoom_manifest_msg *e = podoom_manifests_msg(in->m, k);
			seen = e->skipped_kind && strcmp(e->skipped_kind, m->skipped_kind) == 0;
		}
		if (seen)
			continue;
		for (size_t k = i; k < n; k++) {
			const struct podoom_manifest_msg *e = podoom_manifests_msg(in->m, k);
			count += e->skipped_kind && strcmp(e->skipped_kind, m->skipped_kind) == 0;
		}
		if (len < sizeof(msg))
			len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s (%zu)", len ? ", " : "",
						m->skipped_kind, count);
	}
	if (total) {
		char line[400];
		snprintf(line, sizeof(line), "skipped %zu object%s that run%s no pods: %s", total,
			 total == 1 ? "" : "s", total == 1 ? "s" : "", msg);
		cli_diag(in->file, 0, 0, "note", line);
	}
}

static int load(const char *file, struct input *in, bool *bad)
{
	struct podoom_diag diag = {0};
	char *buf = NULL;
	size_t len = 0, dropped = 0;
	int r;

	in->file = strcmp(file, "-") == 0 ? "<stdin>" : file;
	r = podoom_file_read(file, PODOOM_HOST_MAX_FILE_BYTES, &buf, &len);
	if (r == -EFBIG) {
		cli_diag(in->file, 0, 0, "error", "larger than 64 MiB, the most podoom reads as one manifest file");
		*bad = true;
		return 0;
	}
	if (r < 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(-r));
		cli_diag(in->file, 0, 0, "error", msg);
		*bad = true;
		return 0;
	}
	r = podoom_manifests_parse(buf, len, &in->m, &diag);
	free(buf);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		cli_diag(in->file, diag.line, diag.col, "error", diag.msg);
		*bad = true;
		return 0;
	}
	for (size_t i = 0; i < podoom_manifests_nmsgs(in->m, &dropped); i++) {
		const struct podoom_manifest_msg *m = podoom_manifests_msg(in->m, i);
		if (!m->skipped_kind)
			cli_diag(in->file, m->diag.line, m->diag.col,
				 m->severity == PODOOM_MANIFEST_ERROR ? "error" : "note", m->diag.msg);
	}
	note_skipped(in);
	if (dropped)
		fprintf(stderr, "%s: %zu more messages not shown\n", in->file, dropped);
	if (podoom_manifests_nerrors(in->m))
		*bad = true;
	return 0;
}

int cmd_qos(int argc, char **argv)
{
	struct qos_opts o = {0};
	struct input *ins = NULL;
	size_t nin, rows = 0;
	bool bad = false;
	int r, rc = EXIT_OK;
	static char *const stdin_only[] = {"-"};
	char *const *files;

	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (!o.node_memory_given) {
		r = podoom_host_memtotal(o.root[0] ? o.root : "", &o.node_memory_bytes);
		if (r < 0) {
			cli_err(CMD, "cannot read MemTotal from %s/proc/meminfo (%s); give --node-memory",
				o.root, strerror(-r));
			return EXIT_FAILURE_RUNTIME;
		}
	}
	nin = (size_t)(argc - optind);
	files = nin ? argv + optind : stdin_only;
	if (!nin)
		nin = 1;
	ins = calloc(nin, sizeof(*ins));
	if (!ins)
		return EXIT_FAILURE_RUNTIME;
	for (size_t i = 0; i < nin; i++) {
		if (load(files[i], &ins[i], &bad) < 0) {
			cli_err(CMD, "out of memory");
			rc = EXIT_FAILURE_RUNTIME;
			goto out;
		}
	}
	r = report(&o, ins, nin, &rows);
	if (r < 0) {
		cli_err(CMD, "out of memory");
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if (rows == 0 && !bad)
		cli_err(CMD, "no pods or workloads in the input");
	if (bad)
		rc = EXIT_INPUT;
out:
	for (size_t i = 0; i < nin; i++)
		podoom_manifests_free(ins[i].m);
	free(ins);
	fflush(stdout);
	return rc;
}
