/*
 * cmd_simulate.c - `podoom simulate`: run a scenario on the node simulator
 * and show what happened, when, to whom and why: a timeline for people,
 * JSON lines for programs, an SVG or HTML chart of every pod's memory.
 */
#include <errno.h>
#include <getopt.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "podoom/sim.h"
#include "sim_out.h"
#include "sim_plot.h"

#define CMD "simulate"

struct sim_opts {
	bool json, samples, show_scenario;
	bool has_seed;
	uint64_t seed;
	const char *svg, *html;
	const char *kernel_log; /* "-": the kernel log alone on stdout */
	const char *file; /* NULL: the built-in scenario */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom simulate [OPTION...] [SCENARIO]\n"
		"\n"
		"Run a node scenario on a virtual clock: memory cgroups as the kubelet lays them\n"
		"out, the kernel's OOM killer on every limit and on the node's RAM, and the\n"
		"kubelet's eviction manager sampling every housekeeping interval. Prints what\n"
		"happened, when, to whom and why. Without SCENARIO, runs the built-in one.\n"
		"\n"
		"Options:\n"
		"      --json            one JSON object per event per line\n"
		"      --svg FILE        chart every pod's memory over time into FILE\n"
		"      --html FILE       the chart and the event table as one HTML page\n"
		"      --kernel-log FILE every OOM kill as the node's kernel prints it (dmesg\n"
		"                        format); - prints it alone on stdout, for podoom explain\n"
		"      --seed N          seed for pod UIDs, container IDs and pids (default: the\n"
		"                        scenario's seed:, else 0)\n"
		"      --samples         also show kubelet samples that changed nothing\n"
		"      --show-scenario   print the built-in scenario and exit\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 success, 1 runtime failure, 2 usage error, 3 invalid scenario.\n");
}

static int parse_seed(const char *s, uint64_t *ret)
{
	char *end = NULL;
	unsigned long long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > INT64_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct sim_opts *o)
{
	enum { OPT_JSON = 256, OPT_SVG, OPT_HTML, OPT_SEED, OPT_SAMPLES, OPT_SHOW, OPT_KERNEL_LOG };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"svg", required_argument, NULL, OPT_SVG},
		{"html", required_argument, NULL, OPT_HTML},
		{"kernel-log", required_argument, NULL, OPT_KERNEL_LOG},
		{"seed", required_argument, NULL, OPT_SEED},
		{"samples", no_argument, NULL, OPT_SAMPLES},
		{"show-scenario", no_argument, NULL, OPT_SHOW},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_KERNEL_LOG:
			o->kernel_log = optarg;
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_HTML:
			o->html = optarg;
			break;
		case OPT_SEED:
			if (parse_seed(optarg, &o->seed) < 0) {
				cli_err(CMD, "--seed: expected a whole number from 0 to 2^63-1, got '%s'", optarg);
				return -EINVAL;
			}
			o->has_seed = true;
			break;
		case OPT_SAMPLES:
			o->samples = true;
			break;
		case OPT_SHOW:
			o->show_scenario = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_bad_option(CMD, argv);
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		cli_err(CMD, "one scenario at a time (got %d)", argc - optind);
		return -EINVAL;
	}
	o->file = argc > optind ? argv[optind] : NULL;
	return 0;
}

static const struct podoom_sim_point *node_series(const void *src, size_t *n)
{
	return podoom_sim_node_series(src, n);
}

static const struct podoom_sim_point *pod_series(const void *src, size_t i, size_t *n)
{
	return podoom_sim_pod_series(src, i, n);
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o = {0};
	struct podoom_sim_options so = {0};
	struct podoom_scenario *sc = NULL;
	struct podoom_sim *sim = NULL;
	struct podoom_diag diag = {0};
	struct sim_plot_events pev = {0};
	const struct podoom_simevent *e;
	size_t count[PODOOM_SIMEVENT_TYPE_COUNT] = {0};
	uint64_t ooms = 0;
	char *buf = NULL;
	const char *name;
	int r, rc = EXIT_OK;
	FILE *klog = NULL;
	bool quiet = false;

	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.show_scenario) {
		fputs(podoom_sim_default_scenario(), stdout);
		return EXIT_OK;
	}
	name = o.file ? o.file : "<built-in>";
	r = sim_out_load(o.file, &buf, &sc);
	if (r == -ENOMEM)
		goto nomem;
	if (r > 0)
		return r;
	so.has_seed = o.has_seed;
	so.seed = o.seed;
	so.record_series = o.svg || o.html;
	so.emit_samples = o.samples || so.record_series;
	r = podoom_sim_new(sc, &so, &sim, &diag);
	if (r == -ENOMEM)
		goto nomem;
	if (r < 0) {
		cli_diag(name, diag.line, diag.col, "error", diag.msg);
		rc = EXIT_INPUT;
		goto out;
	}
	if (o.kernel_log && strcmp(o.kernel_log, "-") == 0) {
		klog = stdout;
		quiet = true; /* the kernel log alone, for a pipe into podoom explain */
	} else if (o.kernel_log && (klog = fopen(o.kernel_log, "we")) == NULL) {
		cli_err(CMD, "--kernel-log %s: %s", o.kernel_log, strerror(errno));
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if (!o.json && !quiet)
		sim_out_header(sim, name, "simulated");
	while ((r = podoom_sim_next(sim, &e)) > 0) {
		if (klog && e->type == PODOOM_SIMEVENT_OOM_KILL && e->tasks && !e->group_member &&
		    sim_out_kernel_log(klog, sim, e) < 0) {
			cli_err(CMD, "cannot write the kernel report of the OOM at %lld us", (long long)e->time_usec);
			rc = EXIT_FAILURE_RUNTIME;
			goto out;
		}
		if (quiet)
			continue;
		count[e->type]++;
		if (e->type == PODOOM_SIMEVENT_OOM_KILL && !e->group_member)
			ooms++;
		if ((so.record_series) && sim_plot_events_add(&pev, e) < 0)
			goto nomem;
		if (e->type == PODOOM_SIMEVENT_SAMPLE && !o.samples)
			continue;
		if (o.json) {
			if (sim_out_json(e) < 0)
				goto nomem;
		} else if (e->type != PODOOM_SIMEVENT_START) {
			sim_out_event(e);
		}
	}
	if (r < 0) {
		if (r == -ENOMEM)
			goto nomem;
		cli_err(CMD, "the simulation failed: %s", strerror(-r));
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if (!o.json && !quiet)
		sim_out_summary(count, ooms);
	struct sim_plot_source plot = {.command = CMD, .sim = sim, .src = sim, .node_series = node_series,
				       .pod_series = pod_series};
	if (o.svg && sim_plot_write(o.svg, false, &plot, &pev, name) < 0)
		rc = EXIT_FAILURE_RUNTIME;
	if (o.html && sim_plot_write(o.html, true, &plot, &pev, name) < 0)
		rc = EXIT_FAILURE_RUNTIME;
	goto out;
nomem:
	cli_err(CMD, "out of memory");
	rc = EXIT_FAILURE_RUNTIME;
out:
	if (klog && klog != stdout && fclose(klog) != 0 && rc == EXIT_OK) {
		cli_err(CMD, "--kernel-log %s: %s", o.kernel_log, strerror(errno));
		rc = EXIT_FAILURE_RUNTIME;
	}
	sim_plot_events_free(&pev);
	podoom_sim_free(sim);
	podoom_scenario_free(sc);
	free(buf);
	if (fflush(stdout) != 0 && rc == EXIT_OK) {
		cli_err(CMD, "cannot write the output: %s", strerror(errno));
		rc = EXIT_FAILURE_RUNTIME;
	}
	return rc;
}
