/*
 * cmd_explain.c - `podoom explain`: read kernel logs from any source, find
 * every OOM kill, say which limit was hit and whose it was, and why the
 * kernel chose that victim.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "oomjson.h"
#include "podoom/explain.h"
#include "podoom/host.h"
#include "podoom/podnames.h"
#include "podoom/quantity.h"
#include "podoom/report.h"

#define CMD "explain"

struct explain_opts {
	bool json, summary;
	int year;
	struct podoom_explain_opts model;
	struct podoom_podnames *names;
};

struct tally {
	char key[256];
	enum podoom_oom_class kind;
	unsigned kills;
};

struct run {
	const struct explain_opts *o;
	unsigned events;
	struct tally *tallies;
	size_t ntallies, cap;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom explain [OPTION...] [FILE...]\n"
		"\n"
		"Find every kernel OOM kill in kernel logs (dmesg, dmesg -T, dmesg -r, /dev/kmsg,\n"
		"journalctl -k in any output, syslog files; - or no FILE reads stdin), say which\n"
		"limit was hit and whose it was, and why the kernel chose that victim.\n"
		"\n"
		"Options:\n"
		"      --json                 one JSON object per OOM kill per line\n"
		"      --summary              count kills per namespace/pod/container and kind\n"
		"      --kernel VERSION       kernel model to recompute with (default: from the report)\n"
		"      --node-memory QUANTITY RAM for ranking a global OOM whose report lacks it\n"
		"      --node-swap QUANTITY   swap, likewise (default 0)\n"
		"      --pods FILE            names from `kubectl get pods -A -o json`\n"
		"      --pod-logs DIR         names from the folders of /var/log/pods\n"
		"      --year YEAR            year of syslog lines that carry none (default: this year)\n"
		"  -h, --help                 show this help\n"
		"\n"
		"Exit status: 0 success (also when no OOM was found), 1 runtime failure,\n"
		"2 usage error, 3 a file could not be read.\n");
}

static int parse_args(int argc, char **argv, struct explain_opts *o)
{
	enum { OPT_JSON = 256, OPT_SUMMARY, OPT_KERNEL, OPT_NODE_MEMORY, OPT_NODE_SWAP, OPT_PODS, OPT_POD_LOGS, OPT_YEAR };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"summary", no_argument, NULL, OPT_SUMMARY},
		{"kernel", required_argument, NULL, OPT_KERNEL},
		{"node-memory", required_argument, NULL, OPT_NODE_MEMORY},
		{"node-swap", required_argument, NULL, OPT_NODE_SWAP},
		{"pods", required_argument, NULL, OPT_PODS},
		{"pod-logs", required_argument, NULL, OPT_POD_LOGS},
		{"year", required_argument, NULL, OPT_YEAR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	int64_t v;
	char *end;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_KERNEL:
			if (podoom_kernel_profile_resolve(optarg, strlen(optarg), &o->model.kernel) < 0) {
				cli_err(CMD, "--kernel: expected a kernel release or profile such as 6.1, 4.19 or rhel7, got '%s'",
					optarg);
				return -EINVAL;
			}
			break;
		case OPT_NODE_MEMORY:
			if (cli_parse_bytes(CMD, "--node-memory", optarg, &v) < 0)
				return -EINVAL;
			o->model.node_ram_bytes = (uint64_t)v;
			break;
		case OPT_NODE_SWAP:
			if (cli_parse_bytes(CMD, "--node-swap", optarg, &v) < 0)
				return -EINVAL;
			o->model.node_swap_bytes = (uint64_t)v;
			break;
		case OPT_PODS:
			if (cli_podnames_add_file(CMD, o->names, optarg, NULL) < 0)
				return -EINVAL;
			break;
		case OPT_POD_LOGS:
			if (cli_podnames_add_log_dir(CMD, o->names, optarg) < 0)
				return -EINVAL;
			break;
		case OPT_YEAR:
			o->year = (int)strtol(optarg, &end, 10);
			if (*end || o->year < 1 || o->year > 9999) {
				cli_err(CMD, "--year: expected a year such as 2024, got '%s'", optarg);
				return -EINVAL;
			}
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

/* --- output -------------------------------------------------------------------- */

static void print_json(const struct explain_opts *o, const struct podoom_oom_event *ev,
		       const struct podoom_explanation *x, const char *file)
{
	json_t *j = cli_oom_event_json(ev, x, o->names);

	if (!j)
		return;
	json_object_set_new(j, "file", json_string(file));
	json_object_set_new(j, "line", json_integer((json_int_t)ev->start.line_no));
	cli_json_print(j, stdout);
}

static void print_human(const struct explain_opts *o, const struct podoom_oom_event *ev,
			const struct podoom_explanation *x, const char *file)
{
	struct cli_names n = cli_names_resolve(o->names, x);
	char when[64], a[32], b[32];

	cli_format_oom_time(&ev->start, when, sizeof(when));
	printf("%s:%llu %s  %s OOM%s\n", file, (unsigned long long)ev->start.line_no, when,
	       podoom_oom_class_to_string(x->kind), ev->complete ? "" : " (report incomplete)");
	if (x->has_task_attr && (x->task_attr.pod_uid[0] || x->task_attr.container_id[0]))
		printf("  pod:      %s%s%s%s  %s  container %s%s%.12s\n", n.namespace ? n.namespace : "",
		       n.namespace ? "/" : "", n.pod ? n.pod : "uid ", n.pod ? "" : x->task_attr.pod_uid,
		       x->task_attr.has_qos ? podoom_qos_to_string(x->task_attr.qos) : "",
		       n.container ? n.container : "", n.container ? " " : "", x->task_attr.container_id);
	if (x->has_victim) {
		const struct podoom_oom_kill *v = &ev->victim;
		printf("  victim:   %s (pid %d", x->victim_comm, x->victim_pid);
		if (x->has_victim_adj)
			printf(", oom_score_adj %d", x->victim_adj);
		printf(")");
		if (v->has_vm) {
			podoom_bytes_format_human((int64_t)v->anon_rss_kb * 1024, a, sizeof(a));
			podoom_bytes_format_human((int64_t)v->file_rss_kb * 1024, b, sizeof(b));
			printf(" anon-rss %s, file-rss %s", a, b);
		}
		printf("\n");
	}
	for (size_t i = 0; i < ev->n_kills; i++)
		printf("  also:     %s (pid %d), %s\n", ev->kills[i].comm, ev->kills[i].pid,
		       podoom_oom_kill_reason_to_string(ev->kills[i].reason));
	if (x->has_limit) {
		podoom_bytes_format_human((int64_t)x->limit_bytes, a, sizeof(a));
		podoom_bytes_format_human((int64_t)x->usage_bytes, b, sizeof(b));
		printf("  limit:    %s, usage %s, memcg %s\n", a, b, ev->oom_memcg[0] ? ev->oom_memcg : "-");
	}
	if (ev->trigger.present)
		printf("  trigger:  %s%s\n", ev->trigger.comm, x->trigger_is_victim ? " (the victim itself)" : "");
	printf("  why:      %s\n", x->text);
	if (x->n_ranking) {
		printf("  ranking (kernel %s model%s):\n", x->kernel ? x->kernel->name : "?",
		       x->kernel_from_release ? ", from the release in the report"
		       : x->kernel_from_report ? ", from the report's format" : "");
		printf("    %12s  %8s  %5s  %10s  %s\n", "POINTS", "PID", "ADJ", "MEMORY", "COMM");
		for (size_t i = 0; i < x->n_ranking; i++) {
			const struct podoom_explain_rank *r = &x->ranking[i];
			podoom_bytes_format_human((int64_t)(r->mem_pages * 4096), a, sizeof(a));
			if (r->points == PODOOM_BADNESS_INELIGIBLE)
				printf("    %12s  %8d  %5d  %10s  %s\n", "never", r->pid, r->oom_score_adj, a, r->comm);
			else
				printf("    %12lld  %8d  %5d  %10s  %s\n", (long long)r->points, r->pid, r->oom_score_adj, a,
				       r->comm);
		}
		if (x->n_ranked > x->n_ranking)
			printf("    ... %zu more\n", x->n_ranked - x->n_ranking);
	}
	printf("\n");
}

static int tally(struct run *run, const struct podoom_explanation *x)
{
	struct cli_names n = cli_names_resolve(run->o->names, x);
	char key[256];
	const struct podoom_cgroup_attr *a = x->has_task_attr ? &x->task_attr : NULL;

	if (n.pod)
		snprintf(key, sizeof(key), "%s/%s/%s", n.namespace, n.pod, n.container ? n.container : "?");
	else if (a && a->pod_uid[0])
		snprintf(key, sizeof(key), "pod %s/%.12s", a->pod_uid, a->container_id[0] ? a->container_id : "?");
	else
		snprintf(key, sizeof(key), "(not a pod) %s", x->victim_comm);
	for (size_t i = 0; i < run->ntallies; i++)
		if (run->tallies[i].kind == x->kind && strcmp(run->tallies[i].key, key) == 0) {
			run->tallies[i].kills++;
			return 0;
		}
	if (run->ntallies == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 16;
		struct tally *t = realloc(run->tallies, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		run->tallies = t;
		run->cap = cap;
	}
	snprintf(run->tallies[run->ntallies].key, sizeof(run->tallies[0].key), "%s", key);
	run->tallies[run->ntallies].kind = x->kind;
	run->tallies[run->ntallies++].kills = 1;
	return 0;
}

struct explain_ctx {
	struct run *run;
	const char *file;
};

static int explain_event(void *user, const struct podoom_oom_event *ev)
{
	const struct explain_ctx *c = user;
	struct run *run = c->run;
	struct podoom_explanation x;
	int r = podoom_explain(ev, &run->o->model, &x);

	if (r < 0)
		return r;
	run->events++;
	if (run->o->summary)
		return tally(run, &x);
	if (run->o->json)
		print_json(run->o, ev, &x, c->file);
	else
		print_human(run->o, ev, &x, c->file);
	return 0;
}

/* stream one input through the reader and the parser: memory stays flat */
static int explain_fd(struct run *run, int fd, const char *file)
{
	struct explain_ctx c = {.run = run, .file = file};
	return cli_read_oom_events(fd, run->o->year, explain_event, &c);
}

static int cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->kills != y->kills)
		return x->kills < y->kills ? 1 : -1;
	int c = strcmp(x->key, y->key);
	return c ? c : (int)x->kind - (int)y->kind;
}

static void print_summary(const struct run *run)
{
	static const char *const headers[] = {"KILLS", "KIND", "NAMESPACE/POD/CONTAINER"};
	struct cli_table *t;

	qsort(run->tallies, run->ntallies, sizeof(*run->tallies), cmp_tally);
	if (run->o->json) {
		for (size_t i = 0; i < run->ntallies; i++) {
			json_t *j = json_object();
			json_object_set_new(j, "who", json_string(run->tallies[i].key));
			json_object_set_new(j, "kind", json_string(podoom_oom_class_to_string(run->tallies[i].kind)));
			json_object_set_new(j, "kills", json_integer(run->tallies[i].kills));
			char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
			json_decref(j);
			if (s) {
				puts(s);
				free(s);
			}
		}
		return;
	}
	t = cli_table_new(3, headers);
	if (!t)
		return;
	for (size_t i = 0; i < run->ntallies; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%u", run->tallies[i].kills);
		const char *cells[] = {n, podoom_oom_class_to_string(run->tallies[i].kind), run->tallies[i].key};
		cli_table_add(t, cells);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

int cmd_explain(int argc, char **argv)
{
	struct explain_opts o = {0};
	struct run run = {.o = &o};
	int r, rc = EXIT_OK;

	{
		/* syslog lines carry no year: take this one unless told (the reader moves to the
		 * next year where the log wraps Dec 31 -> Jan 1) */
		time_t now = time(NULL);
		struct tm tm;
		o.year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 0;
	}
	o.names = podoom_podnames_new();
	if (!o.names)
		return EXIT_FAILURE_RUNTIME;
	r = parse_args(argc, argv, &o);
	if (r != 0) {
		podoom_podnames_free(o.names);
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (optind == argc) {
		r = explain_fd(&run, 0, "<stdin>");
		if (r < 0) {
			cli_err(CMD, "<stdin>: %s", strerror(-r));
			rc = r == -ENOMEM ? EXIT_FAILURE_RUNTIME : EXIT_INPUT;
		}
	}
	for (int i = optind; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;
		int fd = is_stdin ? 0 : open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_diag(argv[i], 0, 0, "error", strerror(errno));
			rc = EXIT_INPUT;
			continue;
		}
		r = explain_fd(&run, fd, is_stdin ? "<stdin>" : argv[i]);
		if (!is_stdin)
			close(fd);
		if (r < 0) {
			cli_diag(argv[i], 0, 0, "error", strerror(-r));
			rc = r == -ENOMEM ? EXIT_FAILURE_RUNTIME : EXIT_INPUT;
		}
	}
	if (o.summary)
		print_summary(&run);
	if (run.events == 0 && rc == EXIT_OK)
		cli_err(CMD, "no OOM kill reports in the input");
	free(run.tallies);
	podoom_podnames_free(o.names);
	fflush(stdout);
	return rc;
}
