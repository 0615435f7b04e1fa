/*
 * procscan.c - processes from <root>/proc/<pid>/{status,oom_score_adj,cgroup}
 * (RssAnon+RssFile+RssShmem is get_mm_rss(), VmSwap the swap entries, VmPTE
 * the page tables), memory cgroups from the hierarchy podoom_cgroup_detect()
 * finds under the same root.
 */
#include "podoom/procscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "podoom/cgroup.h"
#include "podoom/grow.h"
#include "podoom/host.h"

/* "Key:\t<n> kB" of a status file, in kB; 0 when absent */
static uint64_t status_kb(const char *st, const char *key)
{
	const char *p = strstr(st, key);
	if (!p || (p != st && p[-1] != '\n'))
		return 0;
	return strtoull(p + strlen(key), NULL, 10);
}

static int64_t status_num(const char *st, const char *key, int64_t dflt)
{
	const char *p = strstr(st, key);
	if (!p || (p != st && p[-1] != '\n'))
		return dflt;
	return strtoll(p + strlen(key), NULL, 10);
}

/* the memory cgroup of a /proc/<pid>/cgroup file: v1 "N:memory:/p" (or
 * "N:...,memory,...:/p"), v2 "0::/p" */
static bool memcg_of(const char *text, int version, char *out, size_t size)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *end = strchr(l, '\n');
		size_t ctl, n;
		if (!c2)
			continue;
		ctl = (size_t)(c2 - c1 - 1);
		bool match = version == 2 ? ctl == 0
					  : (ctl >= 6 && (memmem(c1 + 1, ctl, "memory", 6) != NULL));
		if (!match)
			continue;
		n = end ? (size_t)(end - c2 - 1) : strlen(c2 + 1);
		if (n >= size)
			n = size - 1;
		memcpy(out, c2 + 1, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

static int memcg_index(struct podoom_scan *s, size_t *cap, const struct podoom_cgroup_root *cr, const char *path)
{
	char parent[PODOOM_SCAN_PATH_MAX];
	int32_t pi = -1;
	struct podoom_memcg_stat st;

	for (size_t i = 0; i < s->nmemcgs; i++)
		if (strcmp(s->memcgs[i].path, path) == 0)
			return (int)i;
	if (s->nmemcgs >= PODOOM_SCAN_MAX_MEMCGS)
		return -E2BIG;
	if (strcmp(path, "/") != 0) {
		const char *slash = strrchr(path, '/');
		size_t n = (size_t)(slash - path);
		snprintf(parent, sizeof(parent), "%.*s", (int)(n ? n : 1), n ? path : "/");
		int r = memcg_index(s, cap, cr, parent);
		if (r < 0)
			return r;
		pi = r;
	}
	if (podoom_grow(&s->memcgs, cap, s->nmemcgs + 1, sizeof(*s->memcgs), 64) < 0)
		return -ENOMEM;
	struct podoom_scan_memcg *m = &s->memcgs[s->nmemcgs];
	memset(m, 0, sizeof(*m));
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->parent = pi;
	m->limit_bytes = m->usage_bytes = m->working_set_bytes = -1;
	if (strcmp(path, "/") != 0 && podoom_cgroup_read_stat(cr, path + 1, &st) == 0) {
		m->limit_bytes = st.limit_bytes;
		m->usage_bytes = st.usage_bytes;
		m->working_set_bytes = st.working_set_bytes;
	}
	return (int)s->nmemcgs++;
}

int podoom_scan_read(const char *root, struct podoom_scan *ret)
{
	struct podoom_scan s = {0};
	struct podoom_cgroup_root cr;
	size_t tcap = 0, mcap = 0;
	char path[1024], *st = NULL, cg[4096];
	DIR *d = NULL;
	struct dirent *e;
	int r;

	if (podoom_cgroup_detect(root, &cr) < 0)
		return -ENOENT;
	s.cgroup_version = cr.version;
	(void)podoom_host_memtotal(root, &s.memtotal_bytes);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	if (podoom_file_read_small(path, s.osrelease, sizeof(s.osrelease)) > 0)
		s.osrelease[strcspn(s.osrelease, "\n")] = '\0';
	(void)podoom_host_meminfo(root, "SwapTotal", &s.swaptotal_bytes);
	st = malloc(65536);
	if (!st)
		return -ENOMEM;
	r = memcg_index(&s, &mcap, &cr, "/");
	if (r < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/proc", root);
	d = opendir(path);
	if (!d) {
		r = -ENOENT;
		goto fail;
	}
	while ((e = readdir(d)) != NULL) {
		char *endp;
		long pid = strtol(e->d_name, &endp, 10);
		struct podoom_task t = {0};
		char adj[32], memcg[PODOOM_SCAN_PATH_MAX];

		if (*endp || pid <= 0)
			continue;
		if (s.ntasks >= PODOOM_SCAN_MAX_PROCS)
			break;
		snprintf(path, sizeof(path), "%s/proc/%ld/status", root, pid);
		if (podoom_file_read_small(path, st, 65536) <= 0) {
			s.unreadable++;
			continue;
		}
		t.pid = (int32_t)pid;
		t.tgid = (int32_t)status_num(st, "Tgid:", pid);
		t.ppid = (int32_t)status_num(st, "PPid:", 0);
		t.uid = (uint32_t)status_num(st, "Uid:", 0);
		{
			const char *n = strstr(st, "Name:");
			if (n) {
				n += 5;
				while (*n == ' ' || *n == '\t')
					n++;
				size_t l = strcspn(n, "\n");
				snprintf(t.comm, sizeof(t.comm), "%.*s", (int)(l > 15 ? 15 : l), n);
			}
		}
		if (status_num(st, "Kthread:", 0) == 1 || !strstr(st, "VmSize:"))
			t.flags |= PODOOM_TASK_KTHREAD;
		if (pid == 1)
			t.flags |= PODOOM_TASK_GLOBAL_INIT;
		t.rss_pages = (status_kb(st, "RssAnon:") + status_kb(st, "RssFile:") + status_kb(st, "RssShmem:")) / 4;
		t.swap_pages = status_kb(st, "VmSwap:") / 4;
		t.pgtables_bytes = status_kb(st, "VmPTE:") * 1024;
		snprintf(path, sizeof(path), "%s/proc/%ld/oom_score_adj", root, pid);
		if (podoom_file_read_small(path, adj, sizeof(adj)) > 0)
			t.oom_score_adj = (int32_t)strtol(adj, NULL, 10);
		snprintf(path, sizeof(path), "%s/proc/%ld/cgroup", root, pid);
		t.memcg = 0;
		if (podoom_file_read_small(path, cg, sizeof(cg)) > 0 && memcg_of(cg, cr.version, memcg, sizeof(memcg))) {
			r = memcg_index(&s, &mcap, &cr, memcg[0] ? memcg : "/");
			if (r == -ENOMEM)
				goto fail;
			t.memcg = r < 0 ? 0 : r;
		}
		if (podoom_grow(&s.tasks, &tcap, s.ntasks + 1, sizeof(*s.tasks), 256) < 0) {
			r = -ENOMEM;
			goto fail;
		}
		s.tasks[s.ntasks++] = t;
	}
	closedir(d);
	free(st);
	*ret = s;
	return 0;
fail:
	if (d)
		closedir(d);
	free(st);
	podoom_scan_free(&s);
	return r;
}

void podoom_scan_free(struct podoom_scan *s)
{
	free(s->tasks);
	free(s->memcgs);
	s->tasks = NULL;
	s->memcgs = NULL;
	s->ntasks = s->nmemcgs = 0;
}

bool podoom_scan_in_subtree(const struct podoom_scan *s, const struct podoom_task *t, int32_t m)
{
	for (int32_t i = t->memcg; i >= 0; i = s->memcgs[i].parent)
		if (i == m)
			return true;
	return false;
}
