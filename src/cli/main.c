/*
 * main.c - podoom's entry point: picks the command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef PODOOM_VERSION
#define PODOOM_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"qos", cmd_qos, "QoS class and oom_score_adj of every container in Kubernetes manifests"},
	{"explain", cmd_explain, "which limit a kernel OOM report hit, whose it was, and why that victim"},
	{"simulate", cmd_simulate, "run a node scenario: limits, kubelet eviction and the OOM killer on a virtual clock"},
	{"run", cmd_run, "play a scenario (or one command) in real memory cgroups; the kernel decides"},
	{"top", cmd_top, "who the OOM killer takes next on this node, at every limit"},
	{"watch", cmd_watch, "report every OOM kill on this node once, as it happens; Prometheus metrics"},
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: podoom COMMAND [OPTION...] [ARG...]\n"
		     "\n"
		     "Model, reproduce and explain how Kubernetes pods die from memory.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n"
		     "Options:\n"
		     "  -h, --help     show this help (podoom COMMAND --help for a command's)\n"
		     "  -V, --version  show the version\n"
		     "\n"
		     "Exit status: 0 success, 1 runtime failure, 2 usage error, 3 invalid input.\n"
		     "See podoom(1) and podoom-COMMAND(1).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("podoom %s\n", PODOOM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_err(NULL, "unknown command '%s' (see podoom --help)", argv[1]);
	return EXIT_USAGE;
}
