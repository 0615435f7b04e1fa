/* test_run_scenarios_real.c - `podoom run SCENARIO --compare` against this
 * machine's kernel: every scenario under tests/fixtures/run/ is played with
 * real processes in real memory cgroups, the kernel's victims are the ones
 * the case expects (OOM kills and evictions, in order), and the simulator,
 * run as this host runs the scenario, names the same victims in the same
 * order. Nothing is left behind, also when podoom is interrupted or
 * SIGKILLed mid-run. Skipped, with the reason, without root or a memory
 * cgroup controller. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "podoom/cgroup.h"
#include "real_podoom.h"


/* podoom-<pid>-scenario directories of @pid (0: of any podoom that is gone,
 * so that runs going on at the same time do not count) */
static int leftovers(pid_t pid)
{
	DIR *d = opendir(root.mount);
	struct dirent *e;
	int n = 0;
	char want[64];

	snprintf(want, sizeof(want), "podoom-%ld-scenario", (long)pid);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		long owner = strtol(e->d_name + (strncmp(e->d_name, "podoom-", 7) == 0 ? 7 : 0), NULL, 10);
		if (pid ? strcmp(e->d_name, want) == 0
			: strncmp(e->d_name, "podoom-", 7) == 0 && strstr(e->d_name, "-scenario") && owner > 0 &&
				  kill((pid_t)owner, 0) < 0 && errno == ESRCH)
			n++;
	}
	closedir(d);
	return n;
}

struct run_case {
	const char *file;
	const char *options;
	/* the kernel's victims in order: "evicted ns/pod" or "<kind> ns/pod container process" */
	const char *victims[4];
};

/* the runs' stdout as JSON lines; the exit status in *rc; stderr in *err */
static void play(const char *file, const char *options, json_t **ret, int *rc, char *err, size_t errsize)
{
	char cmd[PATH_MAX * 2], line[65536], errfile[] = "/tmp/podoom-test-stderr-XXXXXX";
	json_t *a = json_array();
	FILE *p;
	int fd = mkstemp(errfile), status;
	ssize_t n;

	assert_true(fd >= 0);
	snprintf(cmd, sizeof(cmd), "%s run --json --compare %s tests/fixtures/run/%s 2>%s", podoom, options, file,
		 errfile);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		json_array_append_new(a, j);
	}
	status = pclose(p);
	*rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	n = read(fd, err, errsize - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(errfile);
	*ret = a;
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void check_case(const struct run_case *c)
{
	json_t *a, *j;
	size_t i, nv = 0, ncompare = 0;
	int rc;
	char err[8192], want[512];

	play(c->file, c->options, &a, &rc, err, sizeof(err));
	if (rc != 0)
		print_message("%s: exit %d, stderr:\n%s\n", c->file, rc, err);
	assert_int_equal(rc, 0);
	json_array_foreach(a, i, j) {
		const char *type = str(j, "type");
		if (strcmp(type, "oom_kill") == 0 || (strcmp(type, "eviction") == 0 && str(j, "pod")[0])) {
			if (strcmp(type, "eviction") == 0)
				snprintf(want, sizeof(want), "evicted %s/%s", str(j, "namespace"), str(j, "pod"));
			else
				snprintf(want, sizeof(want), "%s %s/%s %s %s", str(j, "kind"), str(j, "namespace"),
					 str(j, "pod"), str(j, "container"), str(j, "process"));
			assert_true(nv < 4);
			assert_non_null(c->victims[nv]);
			assert_string_equal(want, c->victims[nv]);
			nv++;
		} else if (strcmp(type, "compare") == 0) {
			/* the twin check: the simulator names the same victim at the same place */
			if (!json_is_true(json_object_get(j, "victim_agrees")))
				print_message("%s: kernel %s, simulator %s\n", c->file, str(j, "kernel"),
					      str(j, "simulator"));
			assert_true(json_is_true(json_object_get(j, "victim_agrees")));
			assert_true(json_is_true(json_object_get(j, "kind_agrees")));
			ncompare++;
		}
	}
	assert_true(nv >= 4 || c->victims[nv] == NULL);
	assert_int_equal(ncompare, nv);
	json_decref(a);
	assert_int_equal(leftovers(0), 0);
}

#define CASE(name, file, ...) CASE_OPT(name, file, "", __VA_ARGS__)
#define CASE_OPT(name, file, options, ...)                                                                             \
	static void name(void **state)                                                                                 \
	{                                                                                                              \
		static const struct run_case c = {file, options, {__VA_ARGS__}};                                      \
		(void)state;                                                                                           \
		if (skip_reason)                                                                                       \
			skip();                                                                                        \
		check_case(&c);                                                                                        \
	}

/* the container and the pod share one 64Mi limit: the kernel reports the pod's */
CASE(test_limit_oom, "limit-oom.yaml", "pod-limit run/leaky app app")
CASE(test_bystander, "bystander.yaml", "pod-limit run/search search cache")
CASE(test_pod_level_limit, "pod-level-limit.yaml", "pod-limit run/shared worker worker")
CASE(test_container_limit, "container-limit.yaml", "container-limit run/api api api")
CASE(test_node_allocatable, "node-allocatable.yaml", "node-allocatable run/cron cron cron")
CASE(test_burstable_before_besteffort, "burstable-before-besteffort.yaml", "node-allocatable run/batch batch batch")
CASE(test_page_cache_reclaimed, "page-cache.yaml", NULL)
CASE(test_command, "command.yaml", "container-limit run/tailer tail tail")
CASE(test_eviction_ranking, "eviction-ranking.yaml", "evicted run/report")
CASE(test_crashloop, "crashloop.yaml", "pod-limit run/importer importer importer",
     "pod-limit run/importer importer importer")
CASE(test_spike_vs_leak_polling, "spike-vs-leak.yaml", "evicted run/leak", "node-allocatable run/spike spike spike")
/* the kubelet's 10s default: polling sees neither workload in time, the kernel kills both */
CASE(test_spike_kubelet_default, "spike-events.yaml", "node-allocatable run/leak leak leak",
     "node-allocatable run/spike spike spike")
/* the same with the memory notifier: both evicted within milliseconds of their crossing; the
 * spike, which ignores SIGTERM, is still OOM-killed inside its grace period */
CASE_OPT(test_spike_events, "spike-events.yaml", "--eviction=events", "evicted run/leak", "evicted run/spike",
	 "node-allocatable run/spike spike spike")

/* a command's child killed by the kernel: reported from its report, and the
 * container's exit is OOMKilled (the runtime's view) although the shell
 * exited 137 on its own; --compare refuses the file up front (exit 3) */
static void test_command_child(void **state)
{
	char cmd[PATH_MAX * 2], line[65536];
	bool killed = false, exited = false;
	FILE *p;
	(void)state;
	if (skip_reason)
		skip();
	snprintf(cmd, sizeof(cmd), "%s run --json tests/fixtures/run/command-child.yaml 2>/dev/null", podoom);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		if (strcmp(str(j, "type"), "oom_kill") == 0) {
			assert_string_equal(str(j, "process"), "tail");
			assert_string_equal(str(j, "container"), "shell");
			assert_string_equal(str(j, "kind"), "pod-limit");
			killed = true;
		} else if (strcmp(str(j, "type"), "container_exit") == 0) {
			assert_string_equal(str(j, "reason"), "OOMKilled");
			assert_true(killed); /* the kill comes first */
			exited = true;
		}
		json_decref(j);
	}
	assert_int_equal(pclose(p), 0);
	assert_true(killed && exited);
	snprintf(cmd, sizeof(cmd), "%s run --compare tests/fixtures/run/command-child.yaml >/dev/null 2>&1", podoom);
	assert_int_equal(WEXITSTATUS(system(cmd)), 3);
	assert_int_equal(leftovers(0), 0);
}

/* page cache on tmpfs would be shmem, never reclaimed: refused before anything starts */
static void test_tmpdir_on_tmpfs_refused(void **state)
{
	char cmd[PATH_MAX * 2];
	struct statfs fs;
	(void)state;
	if (skip_reason)
		skip();
	if (statfs("/dev/shm", &fs) < 0 || fs.f_type != TMPFS_MAGIC) {
		print_message("# SKIP test_tmpdir_on_tmpfs_refused: /dev/shm is not a tmpfs here\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s run --tmpdir /dev/shm tests/fixtures/run/page-cache.yaml >/dev/null 2>&1",
		 podoom);
	assert_int_equal(WEXITSTATUS(system(cmd)), 3);
	snprintf(cmd, sizeof(cmd), "%s run --tmpdir /nonexistent/dir tests/fixtures/run/page-cache.yaml >/dev/null 2>&1",
		 podoom);
	assert_int_equal(WEXITSTATUS(system(cmd)), 3);
	assert_int_equal(leftovers(0), 0);
}

/* a long scenario: 60 s of three processes */
static const char *long_scenario(void)
{
	static char path[64];
	int fd;
	static const char yaml[] = "node: {memory: 512Mi}\nduration: 60s\npods:\n"
				   "  - pod:\n      metadata: {name: a}\n      spec: {containers: [{name: a}]}\n"
				   "    containers:\n      a:\n        processes:\n"
				   "          - {name: one, usage: [{at: 0s, anon: 8Mi, file: 4Mi}]}\n"
				   "          - {name: two, usage: [{at: 0s, anon: 8Mi}]}\n";
	snprintf(path, sizeof(path), "/tmp/podoom-test-long-XXXXXX.yaml");
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)sizeof(yaml) - 1);
	close(fd);
	return path;
}

/* start podoom on the long scenario; *ret_procs gets its workers once all run */
static pid_t start_long(const char *file, pid_t *procs, int *nprocs)
{
	char rel[64];
	pid_t pid = fork();
	int i, n = 0;

	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(podoom, podoom, "run", file, (char *)NULL);
		_exit(127);
	}
	snprintf(rel, sizeof(rel), "podoom-%ld-scenario", (long)pid);
	for (i = 0; i < 1000 && n < 2; i++) {
		n = leftovers(pid) ? podoom_cgroup_pids(&root, rel, procs, 4) : 0;
		if (n < 2)
			usleep(10000);
	}
	assert_int_equal(n, 2);
	*nprocs = n;
	return pid;
}

static void assert_gone(const pid_t *procs, int n)
{
	for (int k = 0; k < n; k++) {
		int i;
		for (i = 0; i < 500 && kill(procs[k], 0) == 0; i++)
			usleep(10000);
		assert_int_equal(kill(procs[k], 0), -1);
	}
}

/* SIGINT: podoom kills its processes, removes its cgroups, exits 130 */
static void test_interrupted_leaves_nothing(void **state)
{
	pid_t procs[4], pid;
	int n, status;
	const char *file;
	(void)state;
	if (skip_reason)
		skip();
	file = long_scenario();
	pid = start_long(file, procs, &n);
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 130);
	assert_gone(procs, n);
	assert_int_equal(leftovers(pid), 0);
	unlink(file);
}

/* SIGKILL mid-run: the workers die with podoom, podoom run --cleanup reaps the cgroups */
static void test_sigkilled_leaves_nothing(void **state)
{
	pid_t procs[4], pid;
	int n, status;
	const char *file;
	char cmd[PATH_MAX + 64];
	(void)state;
	if (skip_reason)
		skip();
	file = long_scenario();
	pid = start_long(file, procs, &n);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_gone(procs, n);			/* PR_SET_PDEATHSIG took them */
	/* SIGKILL left the cgroups (unless a podoom run started meanwhile, by
	 * another test, already reaped them) */
	assert_true(leftovers(pid) <= 1);
	snprintf(cmd, sizeof(cmd), "%s run --cleanup >/dev/null", podoom);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(leftovers(pid), 0);
	unlink(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_oom),
		cmocka_unit_test(test_bystander),
		cmocka_unit_test(test_pod_level_limit),
		cmocka_unit_test(test_container_limit),
		cmocka_unit_test(test_node_allocatable),
		cmocka_unit_test(test_burstable_before_besteffort),
		cmocka_unit_test(test_page_cache_reclaimed),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_command_child),
		cmocka_unit_test(test_tmpdir_on_tmpfs_refused),
		cmocka_unit_test(test_eviction_ranking),
		cmocka_unit_test(test_crashloop),
		cmocka_unit_test(test_spike_vs_leak_polling),
		cmocka_unit_test(test_spike_kubelet_default),
		cmocka_unit_test(test_spike_events),
		cmocka_unit_test(test_interrupted_leaves_nothing),
		cmocka_unit_test(test_sigkilled_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
