/*
 * cgroup.c - memory cgroups on the live system, v1 and v2.
 *
 * File names and formats: Documentation/admin-guide/cgroup-v1/memory.rst and
 * cgroup-v2.rst. The limits podoom writes are the ones runc writes for the
 * kubelet (memory.limit_in_bytes + memory.memsw.limit_in_bytes on v1,
 * memory.max + memory.swap.max on v2).
 */
#include "podoom/cgroup.h"
#include "podoom/memcgfmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "podoom/host.h"

#define SMALL_FILE_MAX (64u << 10)
#define STAT_FILE_MAX (16u << 10) /* memory.stat, memory.events, memory.oom_control */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);

	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, len);
	int e = n < 0 ? -errno : ((size_t)n == len ? 0 : -EIO);
	close(fd);
	return e;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* podoom writes only below "podoom-*" cgroups of the hierarchy's root */
static bool rel_is_safe(const char *rel)
{
	if (!rel || strncmp(rel, "podoom-", 7) != 0)
		return false;
	for (const char *p = rel; *p; p++)
		if ((p == rel || p[-1] == '/') && p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return false;
	return strlen(rel) < 256;
}

static int path_of(const struct podoom_cgroup_root *root, const char *rel, const char *file, char *buf,
		   size_t size)
{
	int n = snprintf(buf, size, "%s/%s%s%s", root->mount, rel, file ? "/" : "", file ? file : "");
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += wl)
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\n' || p[wl] == '\0'))
			return true;
	return false;
}

int podoom_cgroup_detect(const char *sysroot, struct podoom_cgroup_root *ret)
{
	static const char *const v2[] = {"sys/fs/cgroup", "sys/fs/cgroup/unified"};
	const char *sr = (sysroot && strcmp(sysroot, "/") != 0) ? sysroot : "";
	char path[600], buf[512];
	struct podoom_cgroup_root r = {0};

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s/cgroup.controllers", sr, v2[i]);
		if (podoom_file_read_small(path, buf, sizeof(buf)) >= 0 && has_word(buf, "memory")) {
			r.version = 2;
			snprintf(r.mount, sizeof(r.mount), "%s/%s", sr, v2[i]);
			*ret = r;
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/memory/memory.limit_in_bytes", sr);
	if (exists(path)) {
		r.version = 1;
		snprintf(r.mount, sizeof(r.mount), "%s/sys/fs/cgroup/memory", sr);
		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", r.mount);
		r.has_memsw = exists(path);
		*ret = r;
		return 0;
	}
	return -ENOENT;
}

int podoom_cgroup_parent_name(pid_t pid, const char *tag, char *buf, size_t size)
{
	int n = snprintf(buf, size, "podoom-%ld-%s", (long)pid, tag);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int podoom_cgroup_create(const struct podoom_cgroup_root *root, const char *rel)
{
	char path[1024];
	int r;

	if (!rel_is_safe(rel))
		return -EPERM;
	if ((r = path_of(root, rel, NULL, path, sizeof(path))) < 0)
		return r;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (root->version == 2) {
		/* let the new cgroup's children have memory limits too */
		if ((r = path_of(root, rel, "cgroup.subtree_control", path, sizeof(path))) < 0)
			return r;
		r = write_str(path, "+memory");
		if (r < 0 && r != -EBUSY)
			return r;
	}
	return 0;
}

static int write_i64(const struct podoom_cgroup_root *root, const char *rel, const char *file, int64_t v,
		     bool max_word)
{
	char path[1024], val[32];
	int r;

	if ((r = path_of(root, rel, file, path, sizeof(path))) < 0)
		return r;
	if (v < 0)
		snprintf(val, sizeof(val), "%s", max_word ? "max" : "-1");
	else
		snprintf(val, sizeof(val), "%lld", (long long)v);
	return write_str(path, val);
}

int podoom_cgroup_set_limit(const struct podoom_cgroup_root *root, const char *rel, int64_t limit_bytes,
			    int64_t swap_bytes)
{
	int r;

	if (!rel_is_safe(rel))
		return -EPERM;
	if (root->version == 2) {
		r = write_i64(root, rel, "memory.max", limit_bytes, true);
		if (r < 0)
			return r;
		r = write_i64(root, rel, "memory.swap.max", swap_bytes > 0 ? swap_bytes : 0, true);
		return r == -ENOENT ? 0 : r; /* no swap controller: nothing to limit */
	}
	if (!root->has_memsw)
		return write_i64(root, rel, "memory.limit_in_bytes", limit_bytes, false);
	/* memsw must stay >= the memory limit: order the two writes accordingly */
	int64_t memsw = limit_bytes < 0 ? -1 : limit_bytes + (swap_bytes > 0 ? swap_bytes : 0);
	r = write_i64(root, rel, "memory.limit_in_bytes", limit_bytes, false);
	if (r == -EINVAL) { /* raising: memsw first */
		r = write_i64(root, rel, "memory.memsw.limit_in_bytes", memsw, false);
		return r < 0 ? r : write_i64(root, rel, "memory.limit_in_bytes", limit_bytes, false);
	}
	if (r < 0)
		return r;
	return write_i64(root, rel, "memory.memsw.limit_in_bytes", memsw, false);
}

int podoom_cgroup_set_oom_group(const struct podoom_cgroup_root *root, const char *rel, bool on)
{
	char path[1024];
	int r;

	if (!rel_is_safe(rel))
		return -EPERM;
	if (root->version != 2)
		return -EOPNOTSUPP;
	if ((r = path_of(root, rel, "memory.oom.group", path, sizeof(path))) < 0)
		return r;
	return write_str(path, on ? "1" : "0");
}

int podoom_cgroup_attach(const struct podoom_cgroup_root *root, const char *rel, pid_t pid)
{
	char path[1024], val[24];
	int r;

	if (!rel_is_safe(rel))
		return -EPERM;
	if ((r = path_of(root, rel, "cgroup.procs", path, sizeof(path))) < 0)
		return r;
	snprintf(val, sizeof(val), "%ld", (long)pid);
	return write_str(path, val);
}

/* "key value\n" files (NUL-terminated): the value of @key, or -ENOENT */
static int keyed_value(const char *text, const char *key, int64_t *ret)
{
	return podoom_memcgfmt_keyed(text, strlen(text), key, ret);
}

/* a one-number file (memory.current, memory.max "max" -> -1) */
static int read_i64(const struct podoom_cgroup_root *root, const char *rel, const char *file, int64_t *ret)
{
	char path[1024], buf[64];
	int r;

	if ((r = path_of(root, rel, file, path, sizeof(path))) < 0)
		return r;
	if ((r = podoom_file_read_small(path, buf, sizeof(buf))) < 0)
		return r;
	return podoom_memcgfmt_limit(buf, (size_t)r, ret);
}

static int read_keyed(const struct podoom_cgroup_root *root, const char *rel, const char *file, char *buf,
		      size_t size)
{
	char path[1024];
	int r;

	if ((r = path_of(root, rel, file, path, sizeof(path))) < 0)
		return r;
	r = podoom_file_read_small(path, buf, size);
	/* a full buffer may have cut keys off the end: say so rather than lose them */
	return r >= 0 && (size_t)r + 1 >= size ? -EFBIG : r;
}

int podoom_cgroup_read_oom_kills(const struct podoom_cgroup_root *root, const char *rel, uint64_t *ret)
{
	/* both files are a few short lines: no allocation, as `watch` reads them on every notification */
	char buf[512];
	int64_t v;
	int r;

	while (rel && *rel == '/')
		rel++;
	r = read_keyed(root, rel ? rel : "", podoom_cgroup_oom_kill_file(root), buf, sizeof(buf));
	if (r < 0)
		return r;
	if ((r = keyed_value(buf, "oom_kill", &v)) < 0)
		return r;
	if (v < 0)
		return -EINVAL;
	*ret = (uint64_t)v;
	return 0;
}

const char *podoom_cgroup_oom_kill_file(const struct podoom_cgroup_root *root)
{
	return root->version == 2 ? "memory.events" : "memory.oom_control";
}

int podoom_cgroup_read_stat(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memcg_stat *ret)
{
	struct podoom_memcg_stat st = {0};
	/* memory.stat is about 1.5 KiB on v1 and v2 (6.x kernels): no allocation
	 * on this path, which the event-mode eviction loop takes at every wake */
	char buf[STAT_FILE_MAX];
	int64_t v;
	int r;

	if (root->version == 2) {
		if ((r = read_i64(root, rel, "memory.current", &st.usage_bytes)) < 0 ||
		    (r = read_i64(root, rel, "memory.max", &st.limit_bytes)) < 0 ||
		    (r = read_keyed(root, rel, "memory.stat", buf, sizeof(buf))) < 0)
			goto out;
		if (keyed_value(buf, "inactive_file", &v) == 0)
			st.inactive_file_bytes = v;
		if (keyed_value(buf, "anon", &v) == 0)
			st.anon_bytes = v;
		if (keyed_value(buf, "file", &v) == 0)
			st.file_bytes = v;
		if ((r = read_keyed(root, rel, "memory.events", buf, sizeof(buf))) < 0)
			goto out;
		if (keyed_value(buf, "oom_kill", &v) == 0)
			st.oom_kill = (uint64_t)v;
		if (keyed_value(buf, "oom", &v) == 0)
			st.oom = (uint64_t)v;
		if (keyed_value(buf, "max", &v) == 0)
			st.max_events = (uint64_t)v;
	} else {
		if ((r = read_i64(root, rel, "memory.usage_in_bytes", &st.usage_bytes)) < 0 ||
		    (r = read_i64(root, rel, "memory.limit_in_bytes", &st.limit_bytes)) < 0 ||
		    (r = read_keyed(root, rel, "memory.stat", buf, sizeof(buf))) < 0)
			goto out;
		if (keyed_value(buf, "total_inactive_file", &v) == 0)
			st.inactive_file_bytes = v;
		if (keyed_value(buf, "total_rss", &v) == 0)
			st.anon_bytes = v;
		if (keyed_value(buf, "total_cache", &v) == 0)
			st.file_bytes = v;
		if ((r = read_keyed(root, rel, "memory.oom_control", buf, sizeof(buf))) < 0)
			goto out;
		if (keyed_value(buf, "oom_kill", &v) == 0)
			st.oom_kill = (uint64_t)v;
		/* with a memsw limit the charge fails on memsw first: count both */
		if (read_i64(root, rel, "memory.failcnt", &v) == 0)
			st.max_events = (uint64_t)v;
		if (root->has_memsw && read_i64(root, rel, "memory.memsw.failcnt", &v) == 0 &&
		    (uint64_t)v > st.max_events)
			st.max_events = (uint64_t)v;
	}
	st.working_set_bytes = st.usage_bytes - st.inactive_file_bytes;
	if (st.working_set_bytes < 0)
		st.working_set_bytes = 0;
	*ret = st;
	r = 0;
out:
	return r;
}

/* pids of @dir (an absolute cgroup directory) and below */
static int collect_pids(const char *dir, pid_t *pids, size_t max, size_t *n, unsigned depth)
{
	char path[1200];
	char *buf;
	DIR *d;
	struct dirent *e;
	int r;

	if (depth > 32)
		return -ELOOP;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	buf = malloc(SMALL_FILE_MAX);
	if (!buf)
		return -ENOMEM;
	buf[0] = '\0';
	r = podoom_file_read_small(path, buf, SMALL_FILE_MAX);
	if (r >= 0) {
		for (char *p = buf; *p;) {
			char *end;
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			if (*n < max)
				pids[*n] = (pid_t)v;
			(*n)++;
			p = end;
			while (*p == '\n')
				p++;
		}
	}
	free(buf);
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((r = collect_pids(path, pids, max, n, depth + 1)) < 0 && r != -ENOENT)
			break;
		r = 0;
	}
	closedir(d);
	return r < 0 ? r : 0;
}

int podoom_cgroup_pids(const struct podoom_cgroup_root *root, const char *rel, pid_t *pids, size_t max)
{
	char dir[1024];
	size_t n = 0;
	int r;

	if ((r = path_of(root, rel, NULL, dir, sizeof(dir))) < 0)
		return r;
	if ((r = collect_pids(dir, pids, max, &n, 0)) < 0)
		return r;
	return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

static int rmdir_tree(const char *dir, unsigned depth)
{
	char path[1200];
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (depth > 32)
		return -ELOOP;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		int rr = rmdir_tree(path, depth + 1);
		if (rr < 0 && r == 0)
			r = rr;
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT && r == 0)
		r = -errno;
	return r;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int podoom_cgroup_destroy(const struct podoom_cgroup_root *root, const char *rel, unsigned timeout_ms)
{
	char dir[1024], path[1100];
	pid_t pids[256];
	unsigned waited = 0;
	int r, n;

	if (!rel_is_safe(rel))
		return -EPERM;
	if ((r = path_of(root, rel, NULL, dir, sizeof(dir))) < 0)
		return r;
	if (!exists(dir))
		return 0;
	if (root->version == 2) {
		snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
		(void)write_str(path, "1"); /* 5.14+; older kernels fall through to the loop */
	}
	for (;;) {
		n = podoom_cgroup_pids(root, rel, pids, sizeof(pids) / sizeof(pids[0]));
		if (n <= 0)
			break;
		for (int i = 0; i < n && (size_t)i < sizeof(pids) / sizeof(pids[0]); i++)
			if (pids[i] > 1 && pids[i] != getpid())
				kill(pids[i], SIGKILL);
		if (waited >= timeout_ms)
			return -EBUSY;
		sleep_ms(10);
		waited += 10;
	}
	for (;;) {
		r = rmdir_tree(dir, 0);
		if (r != -EBUSY || waited >= timeout_ms)
			return r;
		sleep_ms(10); /* the last task may still be leaving */
		waited += 10;
	}
}

int podoom_cgroup_reap_stale(const struct podoom_cgroup_root *root, unsigned *ret_removed)
{
	DIR *d = opendir(root->mount);
	struct dirent *e;
	unsigned removed = 0;
	int r = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;
		if (e->d_type != DT_DIR || strncmp(e->d_name, "podoom-", 7) != 0)
			continue;
		pid = strtol(e->d_name + 7, &end, 10);
		if (end == e->d_name + 7 || *end != '-' || pid <= 0)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* its podoom still runs (or the pid was reused: leave it) */
		int rr = podoom_cgroup_destroy(root, e->d_name, 2000);
		if (rr < 0 && r == 0)
			r = rr;
		else if (rr == 0)
			removed++;
	}
	closedir(d);
	if (ret_removed)
		*ret_removed = removed;
	return r;
}

bool podoom_cgroup_rel_is_safe(const char *rel)
{
	return rel_is_safe(rel);
}
