/* test_explain_real.c - podoom explain against reports this machine's kernel
 * writes right now: a container-like memory cgroup at the kubelet's path
 * (systemd driver, containerd) inside a parent of our own with a 256 MiB
 * limit (never a host-wide OOM); a big bystander and a small allocator in it;
 * the kernel kills the bystander; the report read back from /dev/kmsg must
 * name the same victim, the pod and the container, and the model must agree.
 * Skipped with the reason where there is no root, no memory cgroup or no
 * /dev/kmsg. */
#include <errno.h>
#include <fcntl.h>
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
#include "podoom/explain.h"
#include "podoom/logreader.h"
#include "podoom/report.h"

#define POD_UID "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
#define CTR_ID "4b825dc642cb6eb9a060e54bf8d69288fbee4904a1e4d1b2c3d4e5f60718293a"

static struct podoom_cgroup_root root;
static char parent[64];
static const char *skip_reason;

static int setup(void **state)
{
	int fd;
	(void)state;
	if (geteuid() != 0)
		skip_reason = "needs root to create memory cgroups and read /dev/kmsg";
	else if (podoom_cgroup_detect("/", &root) < 0)
		skip_reason = "no memory cgroup controller on this machine";
	else if ((fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK)) < 0)
		skip_reason = "/dev/kmsg cannot be read";
	else
		close(fd);
	if (skip_reason)
		print_message("skip reason: %s\n", skip_reason);
	podoom_cgroup_parent_name(getpid(), "explain", parent, sizeof(parent));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (!skip_reason)
		podoom_cgroup_destroy(&root, parent, 5000);
	return 0;
}

/* a child that waits for a byte, touches @bytes, then sleeps or exits */
static pid_t spawn(size_t bytes, bool stay, int *go_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, stay ? "bystander" : "allocator");
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			_exit(2);
		touch_anon(bytes);
		if (stay) /* tell the parent we hold it all, then wait to be killed */
			if (write(fds[0], "", 0) < 0) {
			}
		while (stay)
			pause();
		_exit(0);
	}
	close(fds[0]);
	*go_fd = fds[1];
	return pid;
}

static void wait_rss(pid_t pid, size_t bytes)
{
	char path[64], buf[4096];
	for (int i = 0; i < 500; i++) {
		snprintf(path, sizeof(path), "/proc/%d/statm", pid);
		FILE *f = fopen(path, "r");
		unsigned long size = 0, rss = 0;
		if (f) {
			if (fscanf(f, "%lu %lu", &size, &rss) != 2)
				rss = 0;
			fclose(f);
		}
		if (rss * 4096 >= bytes)
			return;
		usleep(10000);
	}
	(void)buf;
}

static void test_bystander_dies_and_explain_agrees(void **state)
{
	char ctr[512], path[600];
	int go_b, go_a, status, kmsg;
	pid_t bystander, allocator;
	(void)state;
	if (skip_reason)
		skip();

	/* the kubelet's path for a Burstable pod's containerd container, systemd driver */
	snprintf(ctr, sizeof(ctr),
		 "%s/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice/cri-containerd-%s.scope",
		 parent, "3f2a1b4c_5d6e_4f70_8a9b_0c1d2e3f4a5b", CTR_ID);
	assert_int_equal(podoom_cgroup_create(&root, parent), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, parent, 256LL << 20, 0), 0);
	for (char *p = ctr + strlen(parent) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		assert_int_equal(podoom_cgroup_create(&root, ctr), 0);
		*p = '/';
	}
	assert_int_equal(podoom_cgroup_create(&root, ctr), 0);
	assert_int_equal(podoom_cgroup_set_limit(&root, ctr, 64LL << 20, 0), 0);

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	assert_true(kmsg >= 0);
	lseek(kmsg, 0, SEEK_END); /* only what happens from now on */

	bystander = spawn(40u << 20, true, &go_b);
	allocator = spawn(36u << 20, false, &go_a);
	assert_int_equal(podoom_cgroup_attach(&root, ctr, bystander), 0);
	assert_int_equal(podoom_cgroup_attach(&root, ctr, allocator), 0);
	assert_int_equal(write(go_b, "g", 1), 1);
	wait_rss(bystander, 40u << 20);
	assert_int_equal(write(go_a, "g", 1), 1);
	assert_int_equal(waitpid(bystander, &status, 0), bystander);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(waitpid(allocator, &status, 0), allocator);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* it got its memory */
	close(go_b);
	close(go_a);

	/* read the report back the way podoom explain does */
	struct podoom_logreader *lr = podoom_logreader_new(PODOOM_LOGREADER_DEFAULT_MAX_LINE_BYTES);
	struct podoom_report_parser *rp = NULL;
	struct podoom_logline line;
	struct podoom_oom_event ev;
	struct podoom_explanation x;
	char *buf = malloc(1 << 16);
	bool found = false;
	assert_non_null(lr);
	assert_non_null(buf);
	assert_int_equal(podoom_report_parser_new(&rp), 0);
	for (;;) {
		ssize_t n = read(kmsg, buf, 1 << 16); /* one record per read */
		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten: go on */
		if (n <= 0)
			break;
		if (buf[n - 1] != '\n')
			buf[n++] = '\n';
		podoom_logreader_feed(lr, buf, (size_t)n);
		while (podoom_logreader_next(lr, &line) == 1)
			podoom_report_parser_push(rp, &line);
	}
	close(kmsg);
	podoom_logreader_finish(lr);
	while (podoom_logreader_next(lr, &line) == 1)
		podoom_report_parser_push(rp, &line);
	podoom_report_parser_finish(rp);
	while (podoom_report_parser_next_event(rp, &ev) == 0) {
		if (ev.has_victim && ev.victim.pid == bystander) {
			found = true;
			assert_int_equal(podoom_explain(&ev, NULL, &x), 0);
			print_message("  %s\n", x.text);
			assert_int_equal(x.kind, PODOOM_OOM_CLASS_CONTAINER_LIMIT);
			assert_true(x.has_task_attr);
			assert_string_equal(x.task_attr.pod_uid, POD_UID);
			assert_string_equal(x.task_attr.container_id, CTR_ID);
			assert_int_equal(x.task_attr.runtime, PODOOM_RUNTIME_CONTAINERD);
			assert_int_equal(x.task_attr.qos, PODOOM_QOS_BURSTABLE);
			assert_int_equal(x.limit_bytes, 64LL << 20);
			assert_string_equal(x.victim_comm, "bystander");
			assert_false(x.trigger_is_victim); /* the allocator asked; the bystander died */
			assert_string_equal(ev.trigger.comm, "allocator");
			assert_true(x.has_recomputed);
			assert_int_equal(x.recomputed_victim_pid, bystander);
			assert_int_equal(x.mismatch, PODOOM_EXPLAIN_AGREES);
			assert_true(ev.complete);
		}
		podoom_oom_event_fini(&ev);
	}
	assert_true(found);
	podoom_report_parser_free(rp);
	podoom_logreader_free(lr);
	free(buf);
	assert_int_equal(podoom_cgroup_destroy(&root, parent, 5000), 0);
	snprintf(path, sizeof(path), "%s/%s", root.mount, parent);
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bystander_dies_and_explain_agrees),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
