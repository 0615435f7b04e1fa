/* test_memnotify_real.c - kernel memory notifications on this machine: a
 * cgroup v1 usage level fires when a child process allocates past it (and
 * again when it frees), the OOM notification fires when the limit is hit, a
 * PSI trigger registers on the node's /proc/pressure/memory. The level the
 * kubelet would register is checked against its formula first (pure). Real
 * tests run in a memory-limited "podoom-<pid>-memnotify" cgroup of their
 * own, removed afterwards; they skip with the reason where the machine
 * lacks root, a memory controller, cgroup v1 (for the v1 parts) or a v2
 * memory controller (for the v2 parts). */
#include <errno.h>
#include <poll.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "touch_anon.h"

#include "podoom/cgroup.h"
#include "podoom/eviction.h"
#include "podoom/memnotify.h"

#define MiB (1024LL * 1024)

static struct podoom_cgroup_root root;
static char parent[64];
static const char *skip_reason;

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip_reason = "needs root to create memory cgroups";
	else if (podoom_cgroup_detect("/", &root) < 0)
		skip_reason = "no memory cgroup controller on this machine";
	podoom_cgroup_parent_name(getpid(), "memnotify", parent, sizeof(parent));
	return 0;
}

static bool require_v1(void)
{
	if (skip_reason) {
		print_message("skip reason: %s\n", skip_reason);
		return false;
	}
	if (root.version != 1) {
		print_message("skip reason: cgroup v2 here; the v1 thresholds do not exist\n");
		return false;
	}
	return true;
}

/* ---- the level the kubelet registers (pure) ---------------------------- */

static void test_level_is_the_kubelets(void **state)
{
	struct podoom_eviction_threshold t = {.signal = PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE};
	int64_t level = -1;
	(void)state;

	/* memory.available<100Mi on a node of 1Gi with usage 600Mi, of which
	 * 100Mi inactive_file: capacity 1Gi - 100Mi + 100Mi */
	assert_int_equal(podoom_quantity_parse("100Mi", 5, &t.value.quantity, NULL), 0);
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 600 * MiB, 500 * MiB, 1024 * MiB - 500 * MiB, &level),
			 0);
	assert_int_equal(level, 1024 * MiB);
	/* no page cache: the level is where available reaches 100Mi */
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 200 * MiB, 200 * MiB, 312 * MiB, &level), 0);
	assert_int_equal(level, 412 * MiB);
	/* a working set above capacity: available is negative, capacity still 512Mi */
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 600 * MiB, 600 * MiB, -88 * MiB, &level), 0);
	assert_int_equal(level, 412 * MiB);

	/* 10% of 10^9: GetThresholdQuantity multiplies by float32(0.1) widened
	 * to float64, 0.10000000149011612, and truncates: 100000001 */
	t.value = (struct podoom_eviction_value){.is_percentage = true, .percentage = 0.1f};
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 0, 0, 1000000000, &level), 0);
	assert_int_equal(level, 1000000000 - 100000001);

	/* a fractional quantity rounds the level up to a whole byte (Value()) */
	t.value = (struct podoom_eviction_value){0};
	assert_int_equal(podoom_quantity_parse("1500m", 5, &t.value.quantity, NULL), 0);
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 0, 0, 100, &level), 0);
	assert_int_equal(level, 99); /* 100 - 1.5 = 98.5 -> 99 */

	level = 7;
	t.signal = PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE;
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 0, 0, 100, &level), -EINVAL);
	t.signal = PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, -1, 0, 100, &level), -EINVAL);
	assert_int_equal(podoom_eviction_notifier_level_bytes(&t, 0, 1, INT64_MAX, &level), -ERANGE);
	assert_int_equal(level, 7); /* untouched on error */
}

/* ---- real cgroups -------------------------------------------------------- */

/* a child in cgroup @rel that, on "go", touches @bytes of anonymous memory,
 * answers on @ret_done_fd, then waits to be killed */
static pid_t spawn_hog(const char *rel, size_t bytes, int *ret_go_fd, int *ret_done_fd)
{
	int go[2], done[2];
	pid_t pid;

	if (pipe(go) < 0 || pipe(done) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c = 'd';
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		touch_anon(bytes);
		if (write(done[1], &c, 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(go[0]);
	close(done[1]);
	if (podoom_cgroup_attach(&root, rel, pid) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	*ret_go_fd = go[1];
	*ret_done_fd = done[0];
	return pid;
}

/* poll @n for up to @timeout_ms; the bits ack reports (0 on timeout) */
static unsigned wait_for(struct podoom_memnotify *n, int timeout_ms)
{
	struct pollfd p = {.fd = podoom_memnotify_fd(n), .events = podoom_memnotify_events(n)};
	unsigned what = 0;
	int r = poll(&p, 1, timeout_ms);

	assert_true(r >= 0);
	assert_int_equal(podoom_memnotify_ack(n, p.revents, &what), 0);
	return what;
}

/* a level on the node cgroup fires when a process in a child cgroup (a pod)
 * allocates past it, and again when the memory goes away */
static void test_v1_usage_level_fires_both_ways(void **state)
{
	char pod[96];
	struct podoom_memnotify *n = NULL;
	struct podoom_memcg_stat st;
	int go, done, status;
	char c;
	(void)state;
	if (!require_v1())
		skip();

	snprintf(pod, sizeof(pod), "%s/pod", parent);
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 256 * MiB, 0), 0);
	assert_int_equal(podoom_cgroup_create(&root, pod), 0);
	assert_int_equal(podoom_memnotify_open_usage(&root, parent, 64 * MiB, &n), 0);
	assert_int_equal(podoom_memnotify_events(n), POLLIN);

	pid_t pid = spawn_hog(pod, 96 * MiB, &go, &done);
	assert_true(pid > 0);
	assert_int_equal(wait_for(n, 0), 0); /* below the level: nothing yet */
	assert_int_equal(write(go, "g", 1), 1);
	assert_int_equal(wait_for(n, 5000), PODOOM_MEMNOTIFY_USAGE);
	assert_int_equal(read(done, &c, 1), 1);
	assert_int_equal(podoom_cgroup_read_stat(&root, parent, &st), 0);
	assert_true(st.usage_bytes >= 64 * MiB);
	assert_int_equal(wait_for(n, 0), 0); /* consumed; still above: no new event */

	/* the pod goes away: usage falls back under the level, which fires too */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(wait_for(n, 5000), PODOOM_MEMNOTIFY_USAGE);
	assert_int_equal(podoom_cgroup_read_stat(&root, parent, &st), 0);
	assert_true(st.usage_bytes < 64 * MiB);

	podoom_memnotify_close(n);
	close(go);
	close(done);
	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
}

/* the OOM notification fires when the node cgroup's limit is hit, before
 * the kernel's OOM kill is counted or at the same time */
static void test_v1_oom_fires_at_the_limit(void **state)
{
	char pod[96];
	struct podoom_memnotify *n = NULL, *usage = NULL;
	struct podoom_memcg_stat st;
	int go, done, status;
	(void)state;
	if (!require_v1())
		skip();

	snprintf(pod, sizeof(pod), "%s/pod", parent);
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 64 * MiB, 0), 0);
	assert_int_equal(podoom_cgroup_create(&root, pod), 0);
	assert_int_equal(podoom_memnotify_open_oom(&root, parent, &n), 0);
	/* a level above the limit is never reached */
	assert_int_equal(podoom_memnotify_open_usage(&root, parent, 128 * MiB, &usage), 0);

	pid_t pid = spawn_hog(pod, 128 * MiB, &go, &done);
	assert_true(pid > 0);
	assert_int_equal(wait_for(n, 0), 0);
	assert_int_equal(write(go, "g", 1), 1);
	assert_int_equal(wait_for(n, 5000), PODOOM_MEMNOTIFY_OOM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* v1 counts the kill in the victim's memcg only (memcg_memory_event()
	 * stops at the first level unless on the default hierarchy) */
	assert_int_equal(podoom_cgroup_read_stat(&root, pod, &st), 0);
	assert_int_equal(st.oom_kill, 1);
	assert_int_equal(podoom_cgroup_read_stat(&root, parent, &st), 0);
	assert_int_equal(st.oom_kill, 0);
	assert_int_equal(wait_for(usage, 0), 0);

	podoom_memnotify_close(n);
	podoom_memnotify_close(usage);
	close(go);
	close(done);
	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
}

/* the kernel refuses what it must refuse, and we refuse what is not ours */
static void test_refusals(void **state)
{
	struct podoom_memnotify *n = NULL;
	struct podoom_cgroup_root fake = {.version = 1};
	(void)state;

	snprintf(fake.mount, sizeof(fake.mount), "/nonexistent");
	assert_int_equal(podoom_memnotify_open_usage(&fake, "kubepods", 1, &n), -EPERM);
	assert_int_equal(podoom_memnotify_open_oom(&fake, "podoom-1-x/../..", &n), -EPERM);
	assert_int_equal(podoom_memnotify_open_usage(&fake, "podoom-1-x", -1, &n), -EINVAL);
	assert_int_equal(podoom_memnotify_open_oom(&fake, "podoom-1-x", &n), -ENOENT);
	assert_int_equal(podoom_memnotify_open_pressure("/proc/pressure/memory", 0, 100000, &n), -EINVAL);
	assert_int_equal(podoom_memnotify_open_pressure("/proc/pressure/memory", 200000, 100000, &n), -EINVAL);
	assert_null(n);
	podoom_memnotify_close(NULL);
	/* a cgroup of ours that does not exist */
	if (!skip_reason)
		assert_int_equal(podoom_memnotify_open_usage(&root, "podoom-0-none", 1, &n), -ENOENT);
}

/* a PSI trigger on the node's pressure file (the same code path as a v2
 * cgroup's memory.pressure): the kernel takes it, and a 11 s window is
 * refused (WINDOW_MAX_US 10 s) */
static void test_pressure_trigger_registers(void **state)
{
	struct podoom_memnotify *n = NULL;
	unsigned what = 1;
	(void)state;
	if (access("/proc/pressure/memory", R_OK) < 0) {
		print_message("skip reason: no /proc/pressure/memory (PSI off or kernel < 4.20)\n");
		skip();
	}
	if (geteuid() != 0) {
		print_message("skip reason: needs root for PSI windows that are not a multiple of 2 s\n");
		skip();
	}
	assert_int_equal(podoom_memnotify_open_pressure("/proc/pressure/memory", PODOOM_MEMNOTIFY_PSI_STALL_USEC,
							PODOOM_MEMNOTIFY_PSI_WINDOW_USEC, &n),
			 0);
	assert_int_equal(podoom_memnotify_events(n), POLLPRI);
	assert_int_equal(podoom_memnotify_ack(n, 0, &what), 0);
	assert_int_equal(what, 0);
	assert_int_equal(podoom_memnotify_ack(n, POLLPRI, &what), 0);
	assert_int_equal(what, PODOOM_MEMNOTIFY_PRESSURE);
	assert_int_equal(podoom_memnotify_ack(n, POLLPRI | POLLERR, &what), -ENODEV);
	podoom_memnotify_close(n);
	n = NULL;
	assert_int_equal(podoom_memnotify_open_pressure("/proc/pressure/memory", 1000, 11000000, &n), -EINVAL);
	assert_null(n);
}

/* v2: a PSI trigger on the cgroup's memory.pressure, memory.events for OOM */
static void test_v2_notifiers(void **state)
{
	struct podoom_memnotify *u = NULL, *o = NULL;
	(void)state;
	if (skip_reason) {
		print_message("skip reason: %s\n", skip_reason);
		skip();
	}
	if (root.version != 2) {
		print_message("skip reason: no cgroup v2 memory controller here (v1 at %s); "
			      "memory.events and memory.pressure untested on this machine\n",
			      root.mount);
		skip();
	}
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 64 * MiB, 0), 0);
	assert_int_equal(podoom_memnotify_open_usage(&root, parent, 32 * MiB, &u), 0);
	assert_int_equal(podoom_memnotify_events(u), POLLPRI);
	assert_int_equal(podoom_memnotify_open_oom(&root, parent, &o), 0);
	assert_int_equal(podoom_memnotify_events(o), POLLPRI);
	int go, done, status;
	pid_t pid = spawn_hog(parent, 128 * MiB, &go, &done);
	assert_true(pid > 0);
	assert_int_equal(write(go, "g", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(wait_for(o, 5000) & PODOOM_MEMNOTIFY_OOM);
	podoom_memnotify_close(u);
	podoom_memnotify_close(o);
	close(go);
	close(done);
	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
}

static int teardown(void **state)
{
	(void)state;
	if (root.version)
		podoom_cgroup_destroy(&root, parent, 5000);
	return 0;
}

/* a test this machine cannot run is left out of the list, with a
 * "# SKIP <name>: <reason>" line that tests/run.sh counts as skipped and shows */
static void add(struct CMUnitTest *list, size_t *n, struct CMUnitTest t, const char *why_not)
{
	if (why_not)
		printf("# SKIP %s: %s\n", t.name, why_not);
	else
		list[(*n)++] = t;
}

int main(void)
{
	struct CMUnitTest tests[8];
	size_t n = 0;
	const char *v1 = NULL, *v2 = NULL, *psi = NULL;

	setup(NULL);
	if (skip_reason) {
		v1 = v2 = skip_reason;
	} else if (root.version == 1) {
		v2 = "no cgroup v2 memory controller here (cgroup v1 at /sys/fs/cgroup/memory); the v2 notifiers "
		     "(memory.pressure PSI trigger, memory.events) are untested on this machine";
	} else {
		v1 = "cgroup v2 here; cgroup v1 thresholds (cgroup.event_control) do not exist";
	}
	if (access("/proc/pressure/memory", R_OK) < 0)
		psi = "no /proc/pressure/memory (PSI off or kernel < 4.20)";
	else if (geteuid() != 0)
		psi = "needs root";
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_level_is_the_kubelets), NULL);
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_v1_usage_level_fires_both_ways), v1);
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_v1_oom_fires_at_the_limit), v1);
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_refusals), NULL);
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_pressure_trigger_registers), psi);
	add(tests, &n, (struct CMUnitTest)cmocka_unit_test(test_v2_notifiers), v2);
	fflush(stdout);
	return _cmocka_run_group_tests("test_memnotify_real", tests, n, NULL, teardown);
}
