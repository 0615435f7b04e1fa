/* test_run_real.c - `podoom run -- CMD` against this machine's kernel: a
 * command outgrowing its limit is OOM-killed and explained, one that fits is
 * not, and nothing is left behind, even when podoom itself is SIGKILLed
 * mid-run (its cgroup is reaped by the next run, its child dies with it).
 * Skipped, with the reason, without root or a memory cgroup controller. */
#include <dirent.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "podoom/cgroup.h"
#include "real_podoom.h"


static json_t *run_json(const char *args)
{
	char cmd[PATH_MAX + 512], line[4096];
	FILE *p;
	json_t *j = NULL;

	snprintf(cmd, sizeof(cmd), "%s run --json %s", podoom, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(line, sizeof(line), p))
		j = json_loads(line, 0, NULL);
	pclose(p);
	assert_non_null(j);
	return j;
}

/* podoom-<pid>-run directories of @pid (0: of any pid) */
static int leftovers(pid_t pid)
{
	DIR *d = opendir(root.mount);
	struct dirent *e;
	int n = 0;
	char want[64];

	snprintf(want, sizeof(want), "podoom-%ld-run", (long)pid);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (pid ? strcmp(e->d_name, want) == 0
			: strncmp(e->d_name, "podoom-", 7) == 0 && strstr(e->d_name, "-run"))
			n++;
	closedir(d);
	return n;
}

static void test_oom_killed_and_explained(void **state)
{
	json_t *j;
	(void)state;
	if (skip_reason)
		skip();
	/* tail keeps its one endless "line" in memory: 200 MB against a 32 MiB limit */
	j = run_json("--memory-limit 32Mi -- sh -c 'head -c 200000000 /dev/zero | tail'");
	assert_true(json_is_true(json_object_get(j, "oom_killed")));
	assert_int_equal(json_integer_value(json_object_get(j, "oom_kills")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 137);
	assert_string_equal(json_string_value(json_object_get(j, "victim")), "tail");
	/* Burstable (no CPU), request 32Mi on a 23 GiB host: below MemTotal/1000, so 999 */
	assert_int_equal(json_integer_value(json_object_get(j, "oom_score_adj")), 999);
	assert_non_null(strstr(json_string_value(json_object_get(j, "explanation")), "limit"));
	json_decref(j);
	assert_int_equal(leftovers(0), 0);
}

static void test_fits(void **state)
{
	json_t *j;
	(void)state;
	if (skip_reason)
		skip();
	j = run_json("--memory-limit 64Mi -- sh -c 'exit 3'");
	assert_false(json_is_true(json_object_get(j, "oom_killed")));
	assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 3);
	assert_true(json_is_null(json_object_get(j, "explanation")));
	json_decref(j);
	assert_int_equal(leftovers(0), 0);
}

/* SIGKILL podoom mid-run: its child dies with it, its cgroup is reaped next time */
static void test_sigkilled_podoom_leaves_nothing(void **state)
{
	pid_t pid, sleeper = 0;
	char path[PATH_MAX];
	int i;
	(void)state;
	if (skip_reason)
		skip();
	pid = fork();
	if (pid == 0) {
		execl(podoom, podoom, "run", "--memory-limit", "64Mi", "--", "sleep", "300", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && !leftovers(pid); i++)
		usleep(10000);
	assert_int_equal(leftovers(pid), 1);
	for (i = 0; i < 500 && !sleeper; i++) { /* the sleep, in the container's cgroup */
		pid_t pids[4];
		snprintf(path, sizeof(path), "podoom-%ld-run", (long)pid);
		if (podoom_cgroup_pids(&root, path, pids, 4) >= 1)
			sleeper = pids[0];
		else
			usleep(10000);
	}
	assert_true(sleeper > 0);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	for (i = 0; i < 500 && kill(sleeper, 0) == 0; i++)
		usleep(10000);
	assert_int_equal(kill(sleeper, 0), -1); /* PR_SET_PDEATHSIG took it */
	/* SIGKILL left the cgroup and the next run reaps it; another podoom
	 * running at the same time (a parallel test suite) may reap it first */
	if (leftovers(pid) == 0)
		print_message("# note: a concurrent podoom reaped podoom-%ld-run before the next run did\n", (long)pid);
	json_decref(run_json("--memory-limit 16Mi -- true"));
	assert_int_equal(leftovers(pid), 0);
}

/* --cgroup-parent: the run's cgroup is made under an existing cgroup, the
 * kernel's report (with the longer path) is still found and explained, and
 * the parent is left as it was, holding nothing of ours */
static void test_cgroup_parent(void **state)
{
	char parent[64], dir[PATH_MAX], args[256];
	json_t *j;
	(void)state;
	if (skip_reason)
		skip();
	snprintf(parent, sizeof(parent), "podoom-%ld-parent", (long)getpid());
	snprintf(dir, sizeof(dir), "%s/%s", root.mount, parent);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(args, sizeof(args), "--cgroup-parent /%s/ --memory-limit 32Mi -- sh -c 'head -c 200000000 /dev/zero | tail'",
		 parent);
	j = run_json(args);
	assert_true(json_is_true(json_object_get(j, "oom_killed")));
	assert_non_null(json_string_value(json_object_get(j, "explanation")));
	json_decref(j);
	assert_int_equal(rmdir(dir), 0); /* empty: nothing of the run is left in it */
}

/* --cpu with memory request = limit: Guaranteed, -997; a host without
 * CAP_SYS_RESOURCE refuses it and says what the command runs with */
static void test_guaranteed(void **state)
{
	json_t *j;
	(void)state;
	if (skip_reason)
		skip();
	j = run_json("--memory-limit 32Mi --cpu 250m -- true");
	assert_string_equal(json_string_value(json_object_get(j, "qos")), "Guaranteed");
	assert_int_equal(json_integer_value(json_object_get(j, "oom_score_adj")), -997);
	if (json_is_true(json_object_get(j, "oom_score_adj_applied"))) {
		assert_int_equal(json_integer_value(json_object_get(j, "oom_score_adj_used")), -997);
	} else {
		print_message("# note: this host refused -997 (no CAP_SYS_RESOURCE); the command ran with %lld\n",
			      (long long)json_integer_value(json_object_get(j, "oom_score_adj_used")));
		assert_true(json_integer_value(json_object_get(j, "oom_score_adj_used")) >= 0);
	}
	json_decref(j);
	j = run_json("--memory-limit 32Mi --memory-request 16Mi --cpu 250m -- true");
	assert_string_equal(json_string_value(json_object_get(j, "qos")), "Burstable");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_killed_and_explained),
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_sigkilled_podoom_leaves_nothing),
		cmocka_unit_test(test_cgroup_parent),
		cmocka_unit_test(test_guaranteed),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
