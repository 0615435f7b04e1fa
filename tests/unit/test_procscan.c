/* test_procscan.c - the scan behind `podoom top`: on the fixture trees (what
 * it attributes and ranks, checked by hand), unprivileged on files it may not
 * read (counted and named, the rest still right), and on this machine's
 * kernel: the next victim it names in a memory-limited cgroup is the process
 * the kernel's OOM killer then kills. The real test runs in a 128 MiB cgroup
 * of its own (podoom-<pid>-toptest), removed whatever happens; skipped, with
 * the reason, without root or a memory controller. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "podoom/cgroup.h"
#include "podoom/kernel.h"
#include "podoom/procscan.h"

#define FIX "tests/fixtures/top/"

static int32_t memcg_by_path(const struct podoom_scan *s, const char *path)
{
	for (size_t i = 0; i < s->nmemcgs; i++)
		if (strcmp(s->memcgs[i].path, path) == 0)
			return (int32_t)i;
	return -1;
}

static const struct podoom_task *task_by_pid(const struct podoom_scan *s, int32_t pid)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].pid == pid)
			return &s->tasks[i];
	return NULL;
}

static const struct podoom_kernel_profile *profile(const char *release)
{
	const struct podoom_kernel_profile *kp = NULL;
	assert_int_equal(podoom_kernel_profile_resolve(release, strlen(release), &kp), 0);
	return kp;
}

/* the node and kubepods choose differently: adj weighs by the scope's size */
static void test_fixture_victims_by_scope(void **state)
{
	struct podoom_scan s;
	struct podoom_scan_rank rk[64];
	(void)state;

	assert_int_equal(podoom_scan_read(FIX "v1-cgroupfs", &s), 0);
	assert_int_equal(s.cgroup_version, 1);
	assert_int_equal(s.ntasks, 12);
	assert_int_equal(s.unreadable, 0);
	assert_int_equal(s.memcgs_unreadable, 0);
	const struct podoom_task *app = task_by_pid(&s, 1001), *kthread = task_by_pid(&s, 2);
	assert_non_null(app);
	assert_string_equal(s.memcgs[app->memcg].path,
			    "/kubepods/burstable/pod1a2b3c4d-0000-4000-8000-00000000000a/crio-"
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(app->rss_pages, (400000 + 10000) / 4);
	assert_int_equal(app->pgtables_bytes, 900 * 1024);
	assert_int_equal(app->oom_score_adj, 969);
	assert_true(kthread && (kthread->flags & PODOOM_TASK_KTHREAD));
	assert_int_equal(kthread->memcg, 0);

	const struct podoom_kernel_profile *kp = profile("5.10");
	/* the node: totalpages 2097152, one adj unit 2097 pages.
	 * report 37750 + 100 + 1000 * 2097 = 2134850; app 102500 + 225 + 969 * 2097 = 2134718 */
	int n = podoom_scan_rank(kp, &s, 0, rk);
	assert_true(n >= 2);
	assert_int_equal(s.tasks[rk[0].task].pid, 3001);
	assert_int_equal(rk[0].points, 2134850);
	assert_int_equal(s.tasks[rk[1].task].pid, 1001);
	assert_int_equal(rk[1].points, 2134718);
	/* kubepods (7 GiB: one adj unit 1835 pages): app 102725 + 969 * 1835 = 1880840
	 * beats report 37850 + 1835000 = 1872850 */
	int32_t kpods = memcg_by_path(&s, "/kubepods");
	assert_true(kpods > 0);
	assert_int_equal(s.memcgs[kpods].limit_bytes, 7LL << 30);
	n = podoom_scan_rank(kp, &s, kpods, rk);
	assert_int_equal(s.tasks[rk[0].task].pid, 1001);
	assert_int_equal(rk[0].points, 1880840);
	assert_int_equal(s.tasks[rk[1].task].pid, 3001);
	/* conmon (adj -1000) and the pause processes are in the pod, only conmon is never chosen */
	int32_t pod = memcg_by_path(&s, "/kubepods/burstable/pod1a2b3c4d-0000-4000-8000-00000000000a");
	assert_true(pod > 0);
	assert_int_equal(s.memcgs[pod].ntasks, 4);
	n = podoom_scan_rank(kp, &s, pod, rk);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(s.tasks[rk[i].task].pid, 1003);
	/* the kubelet's inputs: root working set = usage - total_inactive_file */
	assert_int_equal(s.memcgs[0].usage_bytes, (2LL << 30) + (512LL << 20) + (1LL << 30));
	assert_int_equal(s.memcgs[0].working_set_bytes, (2LL << 30) + (512LL << 20) + (256LL << 20));
	assert_int_equal(s.memcgs[kpods].working_set_bytes, s.memcgs[kpods].usage_bytes - (256LL << 20));
	podoom_scan_free(&s);
}

/* the v2 root has no memory.current: usage is anon + file of memory.stat */
static void test_fixture_v2_root_and_nesting(void **state)
{
	struct podoom_scan s;
	(void)state;

	assert_int_equal(podoom_scan_read(FIX "v2-kind", &s), 0);
	assert_int_equal(s.cgroup_version, 2);
	assert_int_equal(s.memcgs[0].usage_bytes, (2LL << 30) + (512LL << 20) + (1LL << 30));
	assert_int_equal(s.memcgs[0].inactive_file_bytes, 768LL << 20);
	const struct podoom_task *t = task_by_pid(&s, 2001);
	assert_non_null(t);
	assert_non_null(strstr(s.memcgs[t->memcg].path, "/system.slice/docker-"));
	assert_non_null(strstr(s.memcgs[t->memcg].path, "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod"));
	/* parents come before children, depth first */
	for (size_t i = 1; i < s.nmemcgs; i++)
		assert_true(s.memcgs[i].parent >= 0 && (size_t)s.memcgs[i].parent < i);
	podoom_scan_free(&s);
}

static int run(const char *cmd)
{
	int r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* unprivileged: a process and a cgroup file it may not read are counted and
 * named; everything else is still scanned */
static void test_unreadable_counted(void **state)
{
	char tmp[] = "/tmp/podoom-toptest-XXXXXX", cmd[512];
	(void)state;

	assert_non_null(mkdtemp(tmp));
	assert_int_equal(chmod(tmp, 0755), 0);
	snprintf(cmd, sizeof(cmd),
		 "cp -a " FIX "v2-systemd %s/t && chmod -R a+rX %s/t && chmod 000 %s/t/proc/1002/status && "
		 "chmod 000 %s/t/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/cgroup.procs",
		 tmp, tmp, tmp, tmp);
	assert_int_equal(run(cmd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char root[64];
		struct podoom_scan s;
		/* as nobody: root reads any file whatever its mode */
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
				       setresuid(65534, 65534, 65534) < 0))
			_exit(10);
		snprintf(root, sizeof(root), "%s/t", tmp);
		if (podoom_scan_read(root, &s) < 0)
			_exit(11);
		if (s.ntasks != 10 || s.unreadable != 1 || s.denied != 1)
			_exit(12);
		/* the cgroup walk comes first, so its file is the one named */
		if (s.memcgs_unreadable != 1 ||
		    !strstr(s.first_unreadable, "kubepods-besteffort.slice/cgroup.procs: Permission denied"))
			_exit(13);
		if (task_by_pid(&s, 1002) || !task_by_pid(&s, 3001))
			_exit(14);
		/* the besteffort pod's tasks: its own cgroup.procs was readable */
		const struct podoom_task *t = task_by_pid(&s, 3001);
		if (!strstr(s.memcgs[t->memcg].path, "kubepods-besteffort-pod"))
			_exit(15);
		podoom_scan_free(&s);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(run(cmd), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* --- this machine's kernel -------------------------------------------------------- */

static struct podoom_cgroup_root croot;
static char parent[64];

struct child {
	pid_t pid;
	int cmd, done; /* pipes: parent -> child ("g" grow), child -> parent ("r" ready, "d" grown) */
};

/* a process that sets its oom_score_adj, touches @bytes, says "r"; on "g"
 * touches @grow_bytes more and says "d"; then sleeps */
static int spawn(struct child *c, int adj, size_t bytes, size_t grow_bytes)
{
	int a[2], b[2];
	if (pipe(a) < 0 || pipe(b) < 0)
		return -1;
	c->pid = fork();
	if (c->pid == 0) {
		char ch, s[16];
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(a[1]);
		close(b[0]);
		if (read(a[0], &ch, 1) != 1) /* attached */
			_exit(2);
		int fd = open("/proc/self/oom_score_adj", O_WRONLY);
		int n = snprintf(s, sizeof(s), "%d", adj);
		if (fd < 0 || write(fd, s, (size_t)n) != n)
			_exit(3);
		close(fd);
		char *p = mmap(NULL, bytes + grow_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(4);
		for (size_t i = 0; i < bytes; i += 4096)
			p[i] = 1;
		if (write(b[1], "r", 1) != 1 || read(a[0], &ch, 1) != 1)
			_exit(5);
		for (size_t i = bytes; i < bytes + grow_bytes; i += 4096)
			p[i] = 1;
		if (write(b[1], "d", 1) != 1)
			_exit(6);
		for (;;)
			pause();
	}
	close(a[0]);
	close(b[1]);
	c->cmd = a[1];
	c->done = b[0];
	return c->pid > 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skip reason: the real OOM test needs root to create memory cgroups\n");
		return 0;
	}
	if (podoom_cgroup_detect("/", &croot) < 0) {
		print_message("skip reason: no memory cgroup controller on this machine\n");
		return 0;
	}
	podoom_cgroup_parent_name(getpid(), "toptest", parent, sizeof(parent));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (croot.version)
		podoom_cgroup_destroy(&croot, parent, 5000);
	return 0;
}

/* three processes in a 128 MiB cgroup: A 16 MiB adj 0, B 40 MiB adj 800, C 8 MiB
 * adj 0. In 32768 pages one adj unit is 32 pages: B scores 10240 + 800 * 32 =
 * 35840 against A's 4096 (plus page tables, and about 1500 pages each of
 * ASan's own under `make SAN=1`). C then grows by 72 MiB to 80: the cgroup
 * hits its limit with C at 72 MiB (18432 pages) at most, below B, so the
 * kernel must kill B; after that 96 MiB (+ ASan's) fits: exactly one kill. */
static void test_real_next_victim_is_killed(void **state)
{
	struct child ch[3];
	static const int adj[3] = {0, 800, 0};
	static const size_t mib[3] = {16, 40, 8}, grow[3] = {0, 0, 72};
	struct podoom_scan s;
	struct podoom_memcg_stat st;
	char path[80], c;
	int status;
	(void)state;

	if (geteuid() != 0 || croot.version == 0)
		skip();
	assert_int_equal(podoom_cgroup_create(&croot, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&croot, parent, 128LL << 20, 0), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(spawn(&ch[i], adj[i], mib[i] << 20, grow[i] << 20), 0);
		assert_int_equal(podoom_cgroup_attach(&croot, parent, ch[i].pid), 0);
		assert_int_equal(write(ch[i].cmd, "a", 1), 1);
		assert_int_equal(read(ch[i].done, &c, 1), 1);
		assert_int_equal(c, 'r');
	}

	/* top's scan of the live system names the next victim of our cgroup */
	assert_int_equal(podoom_scan_read("", &s), 0);
	snprintf(path, sizeof(path), "/%s", parent);
	int32_t m = memcg_by_path(&s, path);
	assert_true(m > 0);
	assert_int_equal(s.memcgs[m].limit_bytes, 128LL << 20);
	assert_int_equal(s.memcgs[m].ntasks, 3);
	const struct podoom_kernel_profile *kp = NULL;
	if (podoom_kernel_profile_resolve(s.osrelease, strlen(s.osrelease), &kp) < 0)
		kp = podoom_kernel_profile_default();
	struct podoom_scan_rank *rk = calloc(s.ntasks, sizeof(*rk));
	assert_non_null(rk);
	assert_int_equal(podoom_scan_rank(kp, &s, m, rk), 3);
	pid_t predicted = s.tasks[rk[0].task].pid;
	print_message("top names pid %d (adj %d, %lld points) of %s; kernel %s\n", predicted,
		      s.tasks[rk[0].task].oom_score_adj, (long long)rk[0].points, path, s.osrelease);
	assert_int_equal(predicted, ch[1].pid);
	free(rk);
	podoom_scan_free(&s);

	/* C grows over the limit: the kernel kills, and it must be the predicted pid */
	assert_int_equal(write(ch[2].cmd, "g", 1), 1);
	struct pollfd pfd = {.fd = ch[2].done, .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 30000), 1); /* C completes once B is gone */
	assert_int_equal(read(ch[2].done, &c, 1), 1);
	assert_int_equal(c, 'd');
	pid_t w = waitpid(predicted, &status, WNOHANG);
	if (w == 0) {
		usleep(200000); /* the victim's exit may trail C's write by a moment */
		w = waitpid(predicted, &status, WNOHANG);
	}
	if (w == 0)
		fail_msg("no OOM kill: the predicted victim %d is still alive", predicted);
	assert_int_equal(w, predicted);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	for (int i = 0; i < 3; i++)
		if (ch[i].pid != predicted)
			assert_int_equal(waitpid(ch[i].pid, &status, WNOHANG), 0); /* still alive */
	assert_int_equal(podoom_cgroup_read_stat(&croot, parent, &st), 0);
	assert_int_equal(st.oom_kill, 1);
	assert_int_equal(podoom_cgroup_destroy(&croot, parent, 5000), 0);
	for (int i = 0; i < 3; i++) {
		if (ch[i].pid != predicted)
			waitpid(ch[i].pid, &status, 0);
		close(ch[i].cmd);
		close(ch[i].done);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_victims_by_scope),
		cmocka_unit_test(test_fixture_v2_root_and_nesting),
		cmocka_unit_test(test_unreadable_counted),
		cmocka_unit_test(test_real_next_victim_is_killed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
