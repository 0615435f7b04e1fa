/*
 * test_top_beside_run_real - issue 6's check on this machine: `podoom top`,
 * run beside `podoom run`, names as the next victim of a memcg the process
 * the kernel then kills when that memcg hits its limit.
 *
 * `podoom run` plays tests/fixtures/top-live/beside-run.yaml: a container at
 * rest for 2.5 s, then growing past its 160Mi limit. During the rest `podoom
 * top --json` scans the live system; afterwards the kill `podoom run`
 * reports (the kernel's decision, read from its report) must be the pid top
 * named for that memcg: scorer, neither the biggest process nor the one
 * allocating, but the one whose oom_score_adj puts it first.
 */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "real_podoom.h"


/* every line of @path parsed as JSON */
static json_t *json_lines(const char *path)
{
	json_t *a = json_array();
	char line[1 << 16];
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		json_array_append_new(a, j);
	}
	fclose(f);
	return a;
}

static pid_t spawn(const char *out, char *const argv[])
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = freopen(out, "w", stdout);
		if (!f)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

static void test_top_names_the_kernels_victim(void **state)
{
	char run_out[] = "/tmp/podoom-test-run-XXXXXX", top_out[] = "/tmp/podoom-test-top-XXXXXX", dir[PATH_MAX];
	char *run_argv[] = {podoom, "run", "--json", "tests/fixtures/top-live/beside-run.yaml", NULL};
	char *top_argv[] = {podoom, "top", "--json", NULL};
	json_t *runs, *tops, *e, *kill = NULL, *named = NULL;
	struct stat st;
	pid_t run;
	size_t i;
	int fd;
	(void)state;
	if (skip_reason)
		skip();
	assert_true((fd = mkstemp(run_out)) >= 0);
	close(fd);
	assert_true((fd = mkstemp(top_out)) >= 0);
	close(fd);

	run = spawn(run_out, run_argv);
	snprintf(dir, sizeof(dir), "%s/podoom-%ld-scenario", root.mount, (long)run);
	for (i = 0; i < 300 && stat(dir, &st) < 0; i++)
		usleep(10000);
	usleep(1000000); /* the workers are at rest until 2.5 s */
	assert_int_equal(wait_exit(spawn(top_out, top_argv)), 0);
	assert_int_equal(wait_exit(run), 0);

	runs = json_lines(run_out);
	tops = json_lines(top_out);
	json_array_foreach(runs, i, e)
		if (!kill && strcmp(json_string_value(json_object_get(e, "type")), "oom_kill") == 0)
			kill = e;
	assert_non_null(kill); /* the kernel did kill */
	/* the memcg that hit its limit, as top saw it (under podoom run's own parent) */
	json_array_foreach(tops, i, e) {
		const char *scope = json_string_value(json_object_get(e, "scope"));
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "/podoom-%ld-scenario/", (long)run);
		if (scope && strncmp(scope, prefix, strlen(prefix)) == 0 &&
		    ends_with(scope, json_string_value(json_object_get(kill, "scope"))))
			named = json_object_get(e, "next_victim");
	}
	assert_non_null(named);
	print_message("# top named %s[%lld]; the kernel killed %s[%lld]\n",
		      json_string_value(json_object_get(named, "comm")),
		      (long long)json_integer_value(json_object_get(named, "pid")),
		      json_string_value(json_object_get(kill, "process")),
		      (long long)json_integer_value(json_object_get(kill, "pid")));
	assert_int_equal(json_integer_value(json_object_get(named, "pid")), json_integer_value(json_object_get(kill, "pid")));
	assert_string_equal(json_string_value(json_object_get(named, "comm")), "scorer");
	json_decref(runs);
	json_decref(tops);
	unlink(run_out);
	unlink(top_out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_names_the_kernels_victim),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
