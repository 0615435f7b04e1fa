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
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "podoom/cgroup.h"
#include "podoom/cgroup_path.h"
#include "podoom/explain.h"
#include "podoom/host.h"
#include "podoom/qos.h"
#include "podoom/report.h"

#define CMD "run"
/* what the host must keep beyond the limit we give the command */
#define HOST_MARGIN_BYTES (512LL << 20)

struct run_opts {
	bool json, cleanup;
	int64_t limit_bytes, request_bytes;
	bool has_request;
	const struct podoom_kubelet_profile *kp;
	char **argv;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom run --memory-limit QUANTITY [OPTION...] -- COMMAND [ARG...]\n"
		"\n"
		"Run COMMAND as a one-container pod in a memory cgroup of its own with that\n"
		"limit and the oom_score_adj the kubelet would give it, and say whether the\n"
		"kernel OOM-killed it and why. Needs root and a memory cgroup controller.\n"
		"\n"
		"Options:\n"
		"      --memory-limit QUANTITY    the container's memory limit (required)\n"
		"      --memory-request QUANTITY  its memory request (default: the limit, as the\n"
		"                                 API server defaults it)\n"
		"      --kubelet-version X.Y      kubelet release for oom_score_adj (default 1.36)\n"
		"      --json                     one JSON object with the outcome\n"
		"      --cleanup                  only remove what a killed podoom run left behind\n"
		"  -h, --help                     show this help\n"
		"\n"
		"Exit status: the command's own exit status; 128+N when a signal N killed it\n"
		"(137 for the OOM killer, as in a container); 1 runtime failure, 2 usage error.\n");
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_LIMIT = 256, OPT_REQUEST, OPT_KUBELET, OPT_JSON, OPT_CLEANUP };
	static const struct option longopts[] = {
		{"memory-limit", required_argument, NULL, OPT_LIMIT},
		{"memory-request", required_argument, NULL, OPT_REQUEST},
		{"kubelet-version", required_argument, NULL, OPT_KUBELET},
		{"json", no_argument, NULL, OPT_JSON},
		{"cleanup", no_argument, NULL, OPT_CLEANUP},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->kp = podoom_kubelet_profile_default();
	opterr = 0;
	optind = 1;
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
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_bad_option(CMD, argv);
			return -EINVAL;
		}
	}
	if (o->cleanup)
		return 0;
	if (!o->limit_bytes) {
		cli_err(CMD, "--memory-limit is required (see podoom run --help)");
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
	pid_t child = -1;
	unsigned reaped = 0;
	struct sigaction sa = {.sa_handler = on_signal};

	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (geteuid() != 0) {
		cli_err(CMD, "needs root to create a memory cgroup");
		return EXIT_FAILURE_RUNTIME;
	}
	if (podoom_cgroup_detect("/", &root) < 0) {
		cli_err(CMD, "no memory cgroup controller on this machine (neither cgroup v1 memory nor v2 with memory)");
		return EXIT_FAILURE_RUNTIME;
	}
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
		if (!adj_applied)
			cli_err(CMD, "this host refused oom_score_adj %d (negative values need CAP_SYS_RESOURCE): the command runs with its inherited value",
				adj);
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
		printf("podoom run: %s in a %s memory cgroup (cgroup v%d), %s, oom_score_adj %d%s\n", o.argv[0], lim,
		       root.version, podoom_qos_to_string(qos), adj, adj_applied ? "" : " (refused by this host)");
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
