/*
 * cmd_top.c - `podoom top`: who dies next on this node, at every limit.
 * One scan (procscan), then for the node and for every memory cgroup with a
 * limit: the kernel model's ranking of the tasks it would choose from, the
 * next victim, and the headroom left.
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
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom top [OPTION...]\n"
		"\n"
		"Who the kernel's OOM killer takes next on this node: for the whole node and for\n"
		"every memory cgroup with a limit (container, pod, kubepods), the next victim,\n"
		"the ranking and the headroom, from one scan of /proc and the cgroup tree.\n"
		"\n"
		"Options:\n"
		"      --root DIR         read DIR/proc and DIR/sys/fs/cgroup (default: /)\n"
		"      --kernel VERSION   kernel model (default: the running kernel's release)\n"
		"      --json             one JSON object per scope per line\n"
		"      --interval DURATION  scan again every DURATION (e.g. 2s), refreshing in place\n"
		"      --count N          with --interval: stop after N scans (default: until ^C)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit status: 0 success, 1 no /proc or no memory cgroup controller, 2 usage error.\n");
}

static int parse_args(int argc, char **argv, struct top_opts *o)
{
	enum { OPT_ROOT = 256, OPT_KERNEL, OPT_JSON, OPT_INTERVAL, OPT_COUNT };
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"kernel", required_argument, NULL, OPT_KERNEL},
		{"json", no_argument, NULL, OPT_JSON},
		{"interval", required_argument, NULL, OPT_INTERVAL},
		{"count", required_argument, NULL, OPT_COUNT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
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

struct rank {
	size_t task;
	int64_t points;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* the tasks of every memcg's subtree, built once: each task is listed under each
 * of its memcg's ancestors (O(tasks x depth), not O(scopes x tasks)) */
struct members {
	size_t *off; /* nmemcgs + 1 offsets into idx */
	size_t *idx;
};

static int members_build(const struct podoom_scan *s, struct members *ret)
{
	size_t *off = calloc(s->nmemcgs + 1, sizeof(*off)), *fill = calloc(s->nmemcgs + 1, sizeof(*fill)), total = 0;
	size_t *idx;

	if (!off || !fill)
		goto nomem;
	for (size_t i = 0; i < s->ntasks; i++)
		for (int32_t m = s->tasks[i].memcg; m >= 0; m = s->memcgs[m].parent)
			off[m + 1]++;
	for (size_t m = 0; m < s->nmemcgs; m++) {
		off[m + 1] += off[m];
		fill[m] = off[m];
	}
	total = off[s->nmemcgs];
	idx = calloc(total ? total : 1, sizeof(*idx));
	if (!idx)
		goto nomem;
	for (size_t i = 0; i < s->ntasks; i++)
		for (int32_t m = s->tasks[i].memcg; m >= 0; m = s->memcgs[m].parent)
			idx[fill[m]++] = i;
	free(fill);
	ret->off = off;
	ret->idx = idx;
	return 0;
nomem:
	free(off);
	free(fill);
	return -ENOMEM;
}

/* the ranking of the tasks in memcg @m's subtree (@m 0, the root: the node) */
static size_t rank_scope(const struct top_opts *o, const struct podoom_scan *s, const struct members *mb, int32_t m,
			 uint64_t totalpages, struct rank *out, int32_t *ret_next)
{
	struct podoom_oom_scope scope = {.oom_memcg = -1, .totalpages = totalpages};
	size_t n = 0;

	for (size_t k = mb->off[m]; k < mb->off[m + 1]; k++) {
		size_t i = mb->idx[k];
		struct podoom_task t = s->tasks[i];
		t.memcg = -1;
		int64_t p = podoom_badness(o->kp, &scope, &t);
		if (p == PODOOM_BADNESS_INELIGIBLE)
			continue;
		out[n].task = i;
		out[n].points = p;
		n++;
	}
	qsort(out, n, sizeof(*out), cmp_rank);
	*ret_next = n ? (int32_t)out[0].task : -1;
	return n;
}

static void print_scope(const struct top_opts *o, struct cli_table *t, const struct podoom_scan *s, int32_t m,
			const struct rank *rk, size_t n, int64_t limit, int64_t usage)
{
	struct podoom_cgroup_attr a;
	bool has_attr = m != 0 && podoom_cgroup_path_parse(s->memcgs[m].path, strlen(s->memcgs[m].path), &a) == 0;
	enum podoom_oom_class kind = m == 0 ? PODOOM_OOM_CLASS_GLOBAL : podoom_oom_classify(has_attr ? &a : NULL);
	const struct podoom_task *v = n ? &s->tasks[rk[0].task] : NULL;
	char lim[32] = "-", use[32] = "-", head[32] = "-", next[96] = "-";

	if (o->json) {
		json_t *j = json_object(), *r = json_array(), *nv = json_object();
		json_object_set_new(j, "scope", json_string(s->memcgs[m].path));
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
	const char *cells[] = {podoom_oom_class_to_string(kind), s->memcgs[m].path, lim, use, head, next};
	cli_table_add(t, cells);
}

static int one_scan(struct top_opts o)
{
	static const char *const headers[] = {"KIND", "SCOPE", "LIMIT", "USAGE", "HEADROOM", "NEXT VICTIM"};
	struct podoom_scan s;
	struct cli_table *t = NULL;
	struct rank *rk = NULL;
	struct members mb = {0};
	int32_t next;
	int r;

	r = podoom_scan_read(o.root, &s);
	if (r < 0) {
		cli_err(CMD, "cannot scan %s/proc and its memory cgroups: %s", o.root[0] ? o.root : "",
			r == -ENOENT ? "no /proc or no memory cgroup controller" : strerror(-r));
		return EXIT_FAILURE_RUNTIME;
	}
	if (!o.kp && (!s.osrelease[0] || podoom_kernel_profile_resolve(s.osrelease, strlen(s.osrelease), &o.kp) < 0))
		o.kp = podoom_kernel_profile_default();
	rk = calloc(s.ntasks ? s.ntasks : 1, sizeof(*rk));
	if (!rk || members_build(&s, &mb) < 0 || (!o.json && !(t = cli_table_new(6, headers)))) {
		cli_err(CMD, "out of memory");
		free(rk);
		free(mb.off);
		free(mb.idx);
		podoom_scan_free(&s);
		return EXIT_FAILURE_RUNTIME;
	}
	if (!o.json) {
		char mem[32];
		podoom_bytes_format_human(s.memtotal_bytes, mem, sizeof(mem));
		printf("node: %s RAM, %zu processes, cgroup v%d, kernel %s model%s%s\n\n", mem, s.ntasks, s.cgroup_version,
		       o.kp->name, s.osrelease[0] ? " for " : "", s.osrelease);
	}
	/* the node: totalpages = RAM + swap */
	size_t n = rank_scope(&o, &s, &mb, 0, podoom_totalpages_global((uint64_t)s.memtotal_bytes / 4096,
								   (uint64_t)s.swaptotal_bytes / 4096),
			      rk, &next);
	print_scope(&o, t, &s, 0, rk, n, s.memtotal_bytes, -1);
	for (size_t m = 1; m < s.nmemcgs; m++) {
		if (s.memcgs[m].limit_bytes < 0)
			continue;
		n = rank_scope(&o, &s, &mb, (int32_t)m, (uint64_t)s.memcgs[m].limit_bytes / 4096, rk, &next);
		if (n == 0)
			continue;
		print_scope(&o, t, &s, (int32_t)m, rk, n, s.memcgs[m].limit_bytes, s.memcgs[m].usage_bytes);
	}
	if (t) {
		cli_table_print(t, stdout);
		if (s.unreadable)
			printf("\n%u processes could not be read (gone, or not permitted)\n", s.unreadable);
	}
	cli_table_free(t);
	free(rk);
	free(mb.off);
	free(mb.idx);
	podoom_scan_free(&s);
	fflush(stdout);
	return EXIT_OK;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = {0};
	int r = parse_args(argc, argv, &o);

	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (!o.interval_usec)
		return one_scan(o);
	for (long i = 0; o.count == 0 || i < o.count; i++) {
		struct timespec ts = {.tv_sec = o.interval_usec / 1000000, .tv_nsec = (long)(o.interval_usec % 1000000) * 1000};
		if (i > 0)
			nanosleep(&ts, NULL);
		if (!o.json && isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout); /* refresh in place, as top does */
		r = one_scan(o);
		if (r != EXIT_OK)
			return r;
	}
	return EXIT_OK;
}
