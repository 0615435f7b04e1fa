/* test_watch_real.c - `podoom watch --json --state S` on this machine's
 * /dev/kmsg while `podoom run` gets commands OOM-killed in real memory
 * cgroups laid out as the kubelet lays them out: every kill is reported
 * exactly once with its pod UID and container id, also for the kill that
 * happens while watch is stopped (between a SIGTERM and a restart); and with
 * no kernel log at all, the cgroup oom_kill counter alone still reports it.
 * Skipped, with the reason, without root, a memory cgroup controller or a
 * readable /dev/kmsg. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "podoom/cgroup_path.h"

static struct podoom_cgroup_root root;
static char podoom[PATH_MAX + 16];
static const char *skip_reason;
static char dir[] = "/tmp/podoom-test-watch-real-XXXXXX";

static int setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n;
	int fd;
	(void)state;
	if (geteuid() != 0)
		skip_reason = "podoom run needs root";
	else if (podoom_cgroup_detect("/", &root) < 0)
		skip_reason = "no memory cgroup controller on this machine";
	else if ((fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK)) < 0)
		skip_reason = "/dev/kmsg is not readable";
	else
		close(fd);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(podoom, sizeof(podoom), "%s/podoom", self);
	}
	if (!skip_reason && access(podoom, X_OK) != 0)
		skip_reason = "the podoom binary is not built next to the tests";
	if (skip_reason)
		print_message("skip reason: %s\n", skip_reason);
	else if (!mkdtemp(dir))
		skip_reason = "no temporary directory";
	return 0;
}

/* start watch with stdout to @out */
static pid_t start_watch(const char *out, const char *kmsg)
{
	char st[PATH_MAX];
	pid_t pid;

	snprintf(st, sizeof(st), "%s/state", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		execl(podoom, podoom, "watch", "--json", "--state", st, "--kmsg", kmsg, (char *)NULL);
		_exit(127);
	}
	usleep(700000); /* the backlog read, the cgroups registered */
	return pid;
}

static void stop_watch(pid_t pid)
{
	int status;
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* run a command that outgrows 32 MiB; the pod UID and container id of its
 * cgroup; how many processes the kernel killed in it (podoom run's reading
 * of the memcg's oom_kill counter: usually tail alone, sometimes head first
 * and then tail) */
static int run_killed(char *uid, char *cid)
{
	char out[PATH_MAX];
	pid_t pid;
	int status, kills;
	json_t *j;

	snprintf(out, sizeof(out), "%s/run.json", dir);
	pid = fork();
	uid[0] = cid[0] = '\0';
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		execl(podoom, podoom, "run", "--json", "--memory-limit", "32Mi", "--", "sh", "-c",
		      "sleep 0.6; head -c 200000000 /dev/zero | tail", (char *)NULL);
		_exit(127);
	}
	/* while it sleeps: podoom-<pid>-run/kubepods/<qos>/pod<uid>/<id> */
	for (int i = 0; i < 100 && !cid[0]; i++) {
		char path[PATH_MAX], cmd[PATH_MAX + 64], line[PATH_MAX];
		FILE *f;
		snprintf(path, sizeof(path), "%s/podoom-%d-run", root.mount, pid);
		snprintf(cmd, sizeof(cmd), "find %s -mindepth 4 -type d 2>/dev/null", path);
		f = popen(cmd, "r");
		while (f && fgets(line, sizeof(line), f)) {
			struct podoom_cgroup_attr a;
			char *rel = line + strlen(root.mount);
			rel[strcspn(rel, "\n")] = '\0';
			if (podoom_cgroup_path_parse(rel, strlen(rel), &a) == 0 && a.level == PODOOM_CGROUP_LEVEL_CONTAINER) {
				strcpy(uid, a.pod_uid);
				strcpy(cid, a.container_id);
			}
		}
		if (f)
			pclose(f);
		if (!cid[0])
			usleep(20000);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 137);
	assert_true(cid[0] != '\0');
	j = json_load_file(out, 0, NULL);
	assert_non_null(j);
	kills = (int)json_integer_value(json_object_get(j, "oom_kills"));
	json_decref(j);
	assert_true(kills >= 1);
	return kills;
}

/* lines of @out whose pod_uid is @uid, from @source; the container id checked */
static int count_events(const char *out, const char *uid, const char *cid, const char *source)
{
	FILE *f = fopen(out, "r");
	char line[1 << 16];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *u = json_string_value(json_object_get(j, "pod_uid"));
		const char *src = json_string_value(json_object_get(j, "source"));
		if (u && strcmp(u, uid) == 0 && src && strcmp(src, source) == 0) {
			assert_string_equal(json_string_value(json_object_get(j, "container_id")), cid);
			if (strcmp(source, "kmsg") == 0) {
				const char *k = json_string_value(json_object_get(j, "kind"));
				/* the pod carries the same limit: whichever the charge hits first */
				assert_true(strcmp(k, "container-limit") == 0 || strcmp(k, "pod-limit") == 0);
				/* tail holds the growing line; head may be chosen while tail's buffer is still small */
				const char *v = json_string_value(json_object_get(json_object_get(j, "victim"), "comm"));
				assert_true(strcmp(v, "tail") == 0 || strcmp(v, "head") == 0);
			}
			n++;
		}
		json_decref(j);
	}
	fclose(f);
	return n;
}

static void wait_for(const char *out, const char *uid, const char *cid, const char *source, int want)
{
	for (int i = 0; i < 150 && count_events(out, uid, cid, source) < want; i++)
		usleep(100000);
}

static void test_every_kill_once_across_a_restart(void **state)
{
	char out1[PATH_MAX], out2[PATH_MAX], u[3][64], c[3][160];
	int k[3];
	pid_t w;
	(void)state;
	if (skip_reason)
		skip();
	snprintf(out1, sizeof(out1), "%s/out1", dir);
	snprintf(out2, sizeof(out2), "%s/out2", dir);
	w = start_watch(out1, "/dev/kmsg");
	k[0] = run_killed(u[0], c[0]);
	wait_for(out1, u[0], c[0], "kmsg", k[0]);
	stop_watch(w);
	k[1] = run_killed(u[1], c[1]); /* while watch is stopped */
	w = start_watch(out2, "/dev/kmsg");
	k[2] = run_killed(u[2], c[2]);
	wait_for(out2, u[1], c[1], "kmsg", k[1]);
	wait_for(out2, u[2], c[2], "kmsg", k[2]);
	stop_watch(w);
	/* as many reports as the memcg counted kills: each once */
	assert_int_equal(count_events(out1, u[0], c[0], "kmsg"), k[0]);
	assert_int_equal(count_events(out2, u[0], c[0], "kmsg"), 0); /* no repeat */
	assert_int_equal(count_events(out1, u[1], c[1], "kmsg"), 0);
	assert_int_equal(count_events(out2, u[1], c[1], "kmsg"), k[1]); /* no skip */
	assert_int_equal(count_events(out2, u[2], c[2], "kmsg"), k[2]);
	/* the kill reports were read: the counters found nothing more */
	assert_int_equal(count_events(out1, u[0], c[0], "cgroup-counter"), 0);
	assert_int_equal(count_events(out2, u[2], c[2], "cgroup-counter"), 0);
}

/* no kernel log (an empty pipe): the v1 OOM eventfd and the counter report the kill */
static void test_counter_alone(void **state)
{
	char out[PATH_MAX], fifo[PATH_MAX], u[64], c[160];
	int kills;
	pid_t w;
	(void)state;
	if (skip_reason)
		skip();
	snprintf(out, sizeof(out), "%s/out3", dir);
	snprintf(fifo, sizeof(fifo), "%s/nokmsg", dir);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	{
		char st[PATH_MAX];
		snprintf(st, sizeof(st), "%s/state", dir);
		unlink(st); /* the state of the other test is for /dev/kmsg */
	}
	w = start_watch(out, fifo);
	kills = run_killed(u, c);
	/* the counter is compared 10 s after the notification */
	for (int i = 0; i < 150 && count_events(out, u, c, "cgroup-counter") < kills; i++)
		usleep(100000);
	stop_watch(w);
	assert_int_equal(count_events(out, u, c, "cgroup-counter"), kills);
}

/* play tests/fixtures/run/@file with `podoom run --json`; its lines */
static json_t *play(const char *file)
{
	char cmd[PATH_MAX * 2], line[1 << 16];
	json_t *a = json_array();
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s run --json tests/fixtures/run/%s 2>/dev/null", podoom, file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		json_array_append_new(a, j);
	}
	assert_int_equal(pclose(p), 0);
	return a;
}

/* lines of @out (any source) for the kill of pid @pid in pod @uid */
static int count_kill(const char *out, const char *uid, json_int_t pid, const char *cid)
{
	FILE *f = fopen(out, "r");
	char line[1 << 16];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *u = json_string_value(json_object_get(j, "pod_uid"));
		json_t *v = json_object_get(j, "victim");
		if (u && strcmp(u, uid) == 0 && json_integer_value(json_object_get(v, "pid")) == pid) {
			assert_string_equal(json_string_value(json_object_get(j, "container_id")), cid);
			n++;
		}
		json_decref(j);
	}
	fclose(f);
	return n;
}

/* every OOM kill of @runs reported once in @out1 + @out2; how many there were */
static int check_kills(json_t *runs, const char *out1, const char *out2)
{
	size_t i;
	json_t *e;
	int kills = 0;

	json_array_foreach(runs, i, e) {
		const char *uid, *cid;
		json_int_t pid;
		if (strcmp(json_string_value(json_object_get(e, "type")), "oom_kill") != 0)
			continue;
		uid = json_string_value(json_object_get(e, "pod_uid"));
		cid = json_string_value(json_object_get(e, "container_id"));
		pid = json_integer_value(json_object_get(e, "pid"));
		for (int t = 0; t < 150 && count_kill(out1, uid, pid, cid) + count_kill(out2, uid, pid, cid) == 0; t++)
			usleep(100000);
		print_message("# %s/%s %s[%lld]: %d + %d\n", json_string_value(json_object_get(e, "namespace")),
			      json_string_value(json_object_get(e, "pod")),
			      json_string_value(json_object_get(e, "process")), (long long)pid,
			      count_kill(out1, uid, pid, cid), count_kill(out2, uid, pid, cid));
		assert_int_equal(count_kill(out1, uid, pid, cid) + count_kill(out2, uid, pid, cid), 1);
		kills++;
	}
	return kills;
}

/* the kills of `podoom run`'s own test scenarios (a pod limit, the node's
 * allocatable cgroup across QoS classes, a crash loop's repeated kills, a
 * container limit), with watch stopped between them and restarted */
static void test_scenario_kills_once_across_a_restart(void **state)
{
	static const char *const before[] = {"bystander.yaml", "crashloop.yaml"};
	static const char *const during = "node-allocatable.yaml", *const after = "container-limit.yaml";
	char out1[PATH_MAX], out2[PATH_MAX], st[PATH_MAX];
	json_t *runs = json_array(), *r;
	int kills;
	pid_t w;
	(void)state;
	if (skip_reason)
		skip();
	snprintf(out1, sizeof(out1), "%s/scen1", dir);
	snprintf(out2, sizeof(out2), "%s/scen2", dir);
	snprintf(st, sizeof(st), "%s/state", dir);
	unlink(st);
	w = start_watch(out1, "/dev/kmsg");
	for (size_t i = 0; i < 2; i++) {
		json_array_extend(runs, r = play(before[i]));
		json_decref(r);
	}
	usleep(500000);
	stop_watch(w);
	json_array_extend(runs, r = play(during)); /* watch is stopped */
	json_decref(r);
	w = start_watch(out2, "/dev/kmsg");
	json_array_extend(runs, r = play(after));
	json_decref(r);
	kills = check_kills(runs, out1, out2);
	stop_watch(w);
	assert_true(kills >= 4); /* bystander 1, crash loop 2 or more, node 1, container 1 */
	json_decref(runs);
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (strncmp(dir, "/tmp/podoom-test-watch-real-", 28) == 0 && !strstr(dir, "XXXXXX"))
		(void)!system(cmd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kill_once_across_a_restart),
		cmocka_unit_test(test_counter_alone),
		cmocka_unit_test(test_scenario_kills_once_across_a_restart),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
