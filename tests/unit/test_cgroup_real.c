/* test_cgroup_real.c - the cgroup layer against this machine's kernel: a
 * process that outgrows its memory cgroup is OOM-killed by the kernel, the
 * counters say so, and every cgroup and process is gone afterwards. Each test
 * runs inside a parent cgroup of its own with a 256 MiB limit: never a
 * host-wide OOM. Skipped, with the reason, where there is no memory cgroup
 * controller or no root. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "touch_anon.h"

#include "podoom/cgroup.h"

static struct podoom_cgroup_root root;
static char parent[64];

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skip reason: needs root to create memory cgroups\n");
		return 0;
	}
	if (podoom_cgroup_detect("/", &root) < 0) {
		print_message("skip reason: no memory cgroup controller on this machine\n");
		return 0;
	}
	podoom_cgroup_parent_name(getpid(), "test", parent, sizeof(parent));
	return 0;
}

#define REQUIRE_CGROUPS()                                                                        \
	do {                                                                                     \
		if (geteuid() != 0 || root.version == 0) {                                       \
			skip();                                                                  \
		}                                                                                \
	} while (0)

/* a child that waits for "go", then touches @bytes of anonymous memory */
static pid_t spawn_hog(size_t bytes, int *go_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			_exit(2);
		touch_anon(bytes);
		_exit(0);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

static void test_limit_oom_kill(void **state)
{
	char child[96];
	struct podoom_memcg_stat st;
	int go = -1, status;
	pid_t pid;
	(void)state;
	REQUIRE_CGROUPS();

	snprintf(child, sizeof(child), "%s/ctr", parent);
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 256LL << 20, 0), 0);
	assert_int_equal(podoom_cgroup_create(&root, child), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, child, 32LL << 20, 0), 0);
	assert_int_equal(podoom_cgroup_read_stat(&root, child, &st), 0);
	assert_int_equal(st.limit_bytes, 32LL << 20);
	assert_int_equal(st.oom_kill, 0);

	pid = spawn_hog(96u << 20, &go);
	assert_true(pid > 0);
	assert_int_equal(podoom_cgroup_attach(&root, child, pid), 0);
	assert_int_equal(write(go, "g", 1), 1);
	close(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL); /* exit code 137 in a container */
	assert_int_equal(podoom_cgroup_read_stat(&root, child, &st), 0);
	assert_int_equal(st.oom_kill, 1);
	/* not asserted: memory.failcnt, which 6.18's cgroup v1 leaves at 0 even after an OOM kill */

	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
	char path[700];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/%s", root.mount, parent);
	assert_int_equal(stat(path, &sb), -1);
}

/* destroy kills what still runs inside */
static void test_destroy_kills_everything(void **state)
{
	char child[96], path[700];
	pid_t pids[4], found[8];
	struct stat sb;
	(void)state;
	REQUIRE_CGROUPS();

	snprintf(child, sizeof(child), "%s/a/b", parent);
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 64LL << 20, 0), 0);
	snprintf(path, sizeof(path), "%s/a", parent);
	assert_int_equal(podoom_cgroup_create(&root, path), 0);
	assert_int_equal(podoom_cgroup_create(&root, child), 0);
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		assert_int_equal(podoom_cgroup_attach(&root, i < 2 ? parent : child, pids[i]), 0);
	}
	assert_int_equal(podoom_cgroup_pids(&root, parent, found, 8), 4);
	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
	for (int i = 0; i < 4; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFSIGNALED(status));
	}
	snprintf(path, sizeof(path), "%s/%s", root.mount, parent);
	assert_int_equal(stat(path, &sb), -1);
}

/* leftovers of a podoom that died are found by its dead pid and removed */
static void test_reap_stale(void **state)
{
	char name[64], path[700];
	struct stat sb;
	unsigned removed = 0;
	pid_t dead = fork();
	(void)state;
	REQUIRE_CGROUPS();

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	podoom_cgroup_parent_name(dead, "stale", name, sizeof(name));
	assert_int_equal(podoom_cgroup_create(&root, name), 0);
	assert_int_equal(podoom_cgroup_reap_stale(&root, &removed), 0);
	assert_true(removed >= 1);
	snprintf(path, sizeof(path), "%s/%s", root.mount, name);
	assert_int_equal(stat(path, &sb), -1);
}

static void test_refuses_paths_outside(void **state)
{
	(void)state;
	struct podoom_cgroup_root fake = {.version = 1};
	snprintf(fake.mount, sizeof(fake.mount), "/nonexistent");
	assert_int_equal(podoom_cgroup_create(&fake, "kubepods"), -EPERM);
	assert_int_equal(podoom_cgroup_create(&fake, "podoom-1-x/../../etc"), -EPERM);
	assert_int_equal(podoom_cgroup_destroy(&fake, "/podoom-1-x", 0), -EPERM);
	assert_int_equal(podoom_cgroup_set_limit(&fake, "..", 1, 0), -EPERM);
}

static int teardown(void **state)
{
	(void)state;
	if (root.version)
		podoom_cgroup_destroy(&root, parent, 5000);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_oom_kill),
		cmocka_unit_test(test_destroy_kills_everything),
		cmocka_unit_test(test_reap_stale),
		cmocka_unit_test(test_refuses_paths_outside),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
