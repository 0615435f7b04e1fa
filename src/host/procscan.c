/*
 * procscan.c - one scan of <root>/proc and of the memory cgroup hierarchy.
 *
 * Cost model (10,000 processes, bench/top_scan.sh): the scan is system calls,
 * so it makes as few as it can. Per process: openat("<pid>/status") relative
 * to one /proc dirfd, one read into a stack buffer, close; the same for
 * oom_score_adj. Those two files are the least the kernel model needs:
 * status is the only per-process file with VmPTE and VmSwap (badness adds
 * both to rss; stat and statm have neither), and oom_score_adj is in no
 * other file. Which memcg a process is in comes from each cgroup's
 * cgroup.procs, read once per cgroup while walking the hierarchy, instead of
 * /proc/<pid>/cgroup per process. Directories are listed with getdents64
 * into a stack buffer; nothing goes through stdio.
 *
 * What the kernel model reads from status: RssAnon + RssFile + RssShmem is
 * get_mm_rss() (fs/proc/task_mmu.c task_mem()), VmSwap the swap entries,
 * VmPTE mm_pgtables_bytes(); "Kthread: 1" (5.19+) or no VmSize line marks a
 * task without an mm of its own.
 */
#include "podoom/procscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "podoom/cgroup.h"
#include "podoom/cgroup_path.h"
#include "podoom/eviction.h"
#include "podoom/grow.h"
#include "podoom/host.h"
#include "podoom/memcgfmt.h"

/* v1 reports "no limit" as PAGE_COUNTER_MAX * PAGE_SIZE, rounded: anything
 * from 2^62 up is no limit (the kubelet's isMemoryUnlimited uses 2^62 too) */
#define STATUS_BUF 4096	      /* a status file is about 1.5 KiB on 6.x */
#define DENTS_BUF 16384
/* getdents64 stops filling only when the next entry does not fit: with room
 * left for the largest one (19 + NAME_MAX + 1, aligned to 8), it hit the end,
 * and the call that would return 0 can be saved */
#define DENT_MAX 280

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct pid_memcg {
	int32_t pid, memcg;
};

struct kids {
	size_t first, end; /* the children of a memcg: contiguous after the breadth-first walk */
};

struct ctx {
	struct podoom_scan s;
	struct kids *kids;
	size_t kcap;
	size_t tcap, mcap, pcap;
	struct pid_memcg *pairs; /* from cgroup.procs */
	size_t npairs;
	char *big; /* cgroup.procs and memory.stat, grown as needed */
	size_t bigcap;
	int mountfd;
	const char *mount;
};

static void note_unreadable(struct ctx *c, const char *dir, const char *leaf, int err)
{
	size_t dl = strlen(dir);

	if (c->s.first_unreadable[0])
		return;
	snprintf(c->s.first_unreadable, sizeof(c->s.first_unreadable), "%.*s/%.128s: %s",
		 (int)(dl && dir[dl - 1] == '/' ? dl - 1 : dl > 400 ? 400 : dl), dir, leaf, strerror(err));
}

static void note_memcg(struct ctx *c, int32_t i, const char *leaf, int err)
{
	char rel[PODOOM_SCAN_PATH_MAX + 32];

	c->s.memcgs_unreadable++;
	snprintf(rel, sizeof(rel), "%s%s%s", c->s.memcgs[i].path + 1, i && leaf[0] ? "/" : "", leaf);
	note_unreadable(c, c->mount, rel, err);
}

/*
 * Closing one file per close() is a third of the scan's system calls. The
 * files of a batch are opened while nothing else opens any, so they hold
 * consecutive descriptors (the kernel hands out the lowest free one) and one
 * close_range() (5.9+) closes them all; where it fails, close() each.
 */
#define DEFER_BATCH 256u

struct deferred {
	int lo, hi;
	unsigned n;
};

static void deferred_flush(struct deferred *d)
{
	if (!d || !d->n)
		return;
	if (close_range((unsigned)d->lo, (unsigned)d->hi, 0) < 0)
		for (int fd = d->lo; fd <= d->hi; fd++)
			close(fd);
	d->n = 0;
}

static void deferred_close(struct deferred *d, int fd)
{
	if (!d) {
		close(fd);
		return;
	}
	if (d->n == 0 || fd < d->lo)
		d->lo = fd;
	if (d->n == 0 || fd > d->hi)
		d->hi = fd;
	if (++d->n >= DEFER_BATCH)
		deferred_flush(d);
}

/* one read of @name under @dirfd into @buf (NUL-terminated); a second read
 * only when the first filled the buffer. @d: close later with the batch
 * (NULL: now). Return: the length or -errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size, struct deferred *d)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = podoom_file_read_fd(fd, buf, size, false);
	deferred_close(d, fd);
	return n;
}

/* the whole of @name under @dirfd into c->big, grown up to 64 MiB */
static ssize_t read_big(struct ctx *c, int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (c->bigcap - len < 4096 + 1) {
			if (c->bigcap >= PODOOM_HOST_MAX_FILE_BYTES ||
			    podoom_grow(&c->big, &c->bigcap, c->bigcap + 4096 + 1, 1, 65536) < 0) {
				close(fd);
				return -ENOMEM;
			}
		}
		ssize_t n = read(fd, c->big + len, c->bigcap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;
			close(fd);
			if (e)
				return -e;
			break;
		}
		len += (size_t)n;
	}
	c->big[len] = '\0';
	return (ssize_t)len;
}

/* "<key> <n>" of a memory.stat; -1 when absent or malformed */
static int64_t stat_key(const char *buf, size_t len, const char *key)
{
	int64_t v;
	return podoom_memcgfmt_keyed(buf, len, key, &v) == 0 ? v : -1;
}

static int add_memcg(struct ctx *c, int32_t parent, const char *name, size_t nlen)
{
	const char *pp;
	size_t pl;

	if (c->s.nmemcgs >= PODOOM_SCAN_MAX_MEMCGS)
		return -E2BIG;
	if (podoom_grow(&c->s.memcgs, &c->mcap, c->s.nmemcgs + 1, sizeof(*c->s.memcgs), 64) < 0)
		return -ENOMEM;
	pp = parent <= 0 ? "" : c->s.memcgs[parent].path; /* after the array moved */
	pl = strlen(pp);
	if (pl + 1 + nlen >= PODOOM_SCAN_PATH_MAX)
		return -ENAMETOOLONG;
	struct podoom_scan_memcg *m = &c->s.memcgs[c->s.nmemcgs];
	memset(m, 0, sizeof(*m));
	memcpy(m->path, pp, pl);
	m->path[pl] = '/';
	memcpy(m->path + pl + 1, name, nlen);
	m->path[pl + 1 + nlen] = '\0';
	if (parent < 0)
		m->path[1] = '\0';
	m->parent = parent;
	m->limit_bytes = -1;
	m->usage_bytes = m->inactive_file_bytes = m->working_set_bytes = -1;
	c->s.nmemcgs++;
	return 0;
}

static unsigned depth_of(const char *path)
{
	unsigned d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

static int cmp_memcg_path(const void *a, const void *b)
{
	return strcmp(((const struct podoom_scan_memcg *)a)->path, ((const struct podoom_scan_memcg *)b)->path);
}

/* the walk's breadth-first order into depth-first pre-order (the order of
 * the kernel's mem_cgroup_iter and of a tree on screen), children by name */
static int reorder(struct ctx *c)
{
	size_t n = c->s.nmemcgs, *stack, sp = 0, out = 0;
	if (n == 0)
		return 0;
	stack = malloc(n * sizeof(*stack));
	int32_t *newidx = malloc(n * sizeof(*newidx));
	struct podoom_scan_memcg *m = malloc(n * sizeof(*m));

	if (!stack || !newidx || !m) {
		free(stack);
		free(newidx);
		free(m);
		return -ENOMEM;
	}
	stack[sp++] = 0;
	while (sp) {
		size_t i = stack[--sp];
		newidx[i] = (int32_t)out;
		m[out] = c->s.memcgs[i];
		m[out].parent = c->s.memcgs[i].parent < 0 ? -1 : newidx[c->s.memcgs[i].parent];
		out++;
		for (size_t k = c->kids[i].end; k > c->kids[i].first; k--)
			stack[sp++] = k - 1;
	}
	for (size_t k = 0; k < c->npairs; k++)
		c->pairs[k].memcg = newidx[c->pairs[k].memcg];
	free(c->s.memcgs);
	c->s.memcgs = m;
	c->mcap = n;
	free(stack);
	free(newidx);
	return 0;
}

/* one cgroup directory: its processes, its limit, its children appended */
static int walk_one(struct ctx *c, int32_t i)
{
	const char *rel = c->s.memcgs[i].path + 1;
	int fd = i == 0 ? c->mountfd : openat(c->mountfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char small[64] = "";
	ssize_t n;
	size_t first;
	int64_t lim;
	int32_t pid;
	int r = 0;

	if (podoom_grow(&c->kids, &c->kcap, (size_t)i + 1, sizeof(*c->kids), 64) < 0) {
		if (i != 0)
			close(fd);
		return -ENOMEM;
	}
	c->kids[i] = (struct kids){0, 0};
	if (fd < 0) {
		note_memcg(c, i, "", errno);
		return 0;
	}
	n = read_big(c, fd, "cgroup.procs");
	if (n == -ENOMEM) {
		r = -ENOMEM;
		goto out;
	}
	if (n < 0) {
		note_memcg(c, i, "cgroup.procs", (int)-n);
	}
	for (size_t pos = 0; n > 0 && podoom_memcgfmt_next_pid(c->big, (size_t)n, &pos, &pid) == 1;) {
		if (podoom_grow(&c->pairs, &c->pcap, c->npairs + 1, sizeof(*c->pairs), 1024) < 0) {
			r = -ENOMEM;
			goto out;
		}
		c->pairs[c->npairs++] = (struct pid_memcg){pid, i};
	}
	if (i != 0 || c->s.cgroup_version == 1) {
		n = read_at(fd, c->s.cgroup_version == 2 ? "memory.max" : "memory.limit_in_bytes", small, sizeof(small), NULL);
		if (n > 0 && podoom_memcgfmt_limit(small, (size_t)n, &lim) == 0)
			c->s.memcgs[i].limit_bytes = lim;
		else if (n < 0 && n != -ENOENT)
			note_memcg(c, i, c->s.cgroup_version == 2 ? "memory.max" : "memory.limit_in_bytes", (int)-n);
	}
	if (depth_of(c->s.memcgs[i].path) >= PODOOM_SCAN_MAX_DEPTH && i != 0)
		goto out;
	first = c->s.nmemcgs;
	for (;;) {
		char dents[DENTS_BUF];
		long got = syscall(SYS_getdents64, fd, dents, sizeof(dents));
		if (got <= 0)
			break;
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(void *)(dents + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			if (d->d_type == DT_UNKNOWN) {
				struct stat sb;
				if (fstatat(fd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
					continue;
			} else if (d->d_type != DT_DIR) {
				continue;
			}
			r = add_memcg(c, i, d->d_name, strlen(d->d_name));
			if (r == -ENOMEM)
				goto out;
			r = 0; /* too deep, too long or too many: left out */
		}
		if ((size_t)got + DENT_MAX <= sizeof(dents))
			break;
	}
	/* directory order differs between file systems: sorted, the output is stable */
	qsort(c->s.memcgs + first, c->s.nmemcgs - first, sizeof(*c->s.memcgs), cmp_memcg_path);
	c->kids[i] = (struct kids){first, c->s.nmemcgs};
out:
	if (i != 0)
		close(fd);
	return r;
}

/* usage and, @with_stat, memory.stat of memcg @i (the root: v2 has only memory.stat) */
static void read_usage(struct ctx *c, int32_t i, bool with_stat)
{
	struct podoom_scan_memcg *m = &c->s.memcgs[i];
	char rel[PODOOM_SCAN_PATH_MAX + 32], small[64];
	const char *base = i == 0 ? "" : m->path + 1, *sep = i == 0 ? "" : "/";
	ssize_t n;
	int64_t usage = -1;

	if (!(i == 0 && c->s.cgroup_version == 2)) {
		snprintf(rel, sizeof(rel), "%s%s%s", base, sep,
			 c->s.cgroup_version == 2 ? "memory.current" : "memory.usage_in_bytes");
		n = read_at(c->mountfd, rel, small, sizeof(small), NULL);
		if (n < 0) {
			if (n != -ENOENT) {
				c->s.memcgs_unreadable++;
				note_unreadable(c, c->mount, rel, (int)-n);
			}
			return;
		}
		if (podoom_memcgfmt_limit(small, (size_t)n, &usage) < 0 || usage < 0) {
			c->s.memcgs_unreadable++;
			note_unreadable(c, c->mount, rel, EINVAL);
			return;
		}
	}
	if (!with_stat) {
		m->usage_bytes = usage;
		return;
	}
	snprintf(rel, sizeof(rel), "%s%smemory.stat", base, sep);
	n = read_big(c, c->mountfd, rel);
	if (n < 0) {
		if (n != -ENOENT) {
			c->s.memcgs_unreadable++;
			note_unreadable(c, c->mount, rel, (int)-n);
		}
		m->usage_bytes = usage;
		return;
	}
	if (usage < 0) { /* the v2 root: anon + file (opencontainers/cgroups fs2 rootStatsFromMeminfo) */
		int64_t anon = stat_key(c->big, (size_t)n, "anon"), file = stat_key(c->big, (size_t)n, "file");
		if (anon < 0 || file < 0)
			return;
		usage = anon + file;
	}
	m->usage_bytes = usage;
	m->inactive_file_bytes =
		stat_key(c->big, (size_t)n, c->s.cgroup_version == 2 ? "inactive_file" : "total_inactive_file");
	if (m->inactive_file_bytes >= 0)
		m->working_set_bytes = podoom_eviction_working_set_bytes(usage, m->inactive_file_bytes);
}

static int cmp_task_pid(const void *a, const void *b)
{
	const struct podoom_task *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pid_memcg *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* "<pid>/<leaf>" without stdio */
static void pid_path(char *out, const char *pid, size_t plen, const char *leaf, size_t llen)
{
	memcpy(out, pid, plen);
	out[plen] = '/';
	memcpy(out + plen + 1, leaf, llen + 1);
}

static int scan_procs(struct ctx *c, const char *root)
{
	char path[1024];
	struct deferred dc = {0};
	int procfd;

	snprintf(path, sizeof(path), "%s/proc", root);
	procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -ENOENT;
	for (;;) {
		char dents[DENTS_BUF];
		long got = syscall(SYS_getdents64, procfd, dents, sizeof(dents));
		if (got <= 0)
			break;
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(void *)(dents + off);
			char st[STATUS_BUF] = "", rel[32], adj[32] = "";
			struct podoom_task t = {0};
			size_t plen = strlen(d->d_name);
			ssize_t n;

			off += d->d_reclen;
			if (plen == 0 || plen > 10 || strspn(d->d_name, "0123456789") != plen)
				continue;
			int32_t pid;
			size_t pos = 0;
			if (podoom_memcgfmt_next_pid(d->d_name, plen, &pos, &pid) != 1)
				continue;
			if (c->s.ntasks >= PODOOM_SCAN_MAX_PROCS)
				break;
			pid_path(rel, d->d_name, plen, "status", 6);
			n = read_at(procfd, rel, st, sizeof(st), &dc);
			if (n > 0) {
				pid_path(rel, d->d_name, plen, "oom_score_adj", 13);
				n = read_at(procfd, rel, adj, sizeof(adj), &dc);
			}
			if (n <= 0) {
				c->s.unreadable++;
				if (n == -EACCES || n == -EPERM) {
					c->s.denied++;
					note_unreadable(c, path, rel, (int)-n);
				}
				continue;
			}
			t.pid = t.tgid = pid;
			if (podoom_memcgfmt_adj(adj, (size_t)n, &t.oom_score_adj) < 0 ||
			    podoom_memcgfmt_status(st, strlen(st), &t) < 0) {
				c->s.unreadable++; /* not what the kernel writes: a broken fixture */
				note_unreadable(c, path, rel, EINVAL);
				continue;
			}
			if (pid == 1)
				t.flags |= PODOOM_TASK_GLOBAL_INIT;
			if (podoom_grow(&c->s.tasks, &c->tcap, c->s.ntasks + 1, sizeof(*c->s.tasks), 256) < 0) {
				deferred_flush(&dc);
				close(procfd);
				return -ENOMEM;
			}
			c->s.tasks[c->s.ntasks++] = t;
		}
		if ((size_t)got + DENT_MAX <= sizeof(dents))
			break;
	}
	deferred_flush(&dc);
	close(procfd);
	return 0;
}

/* every task's memcg (a merge of two pid-sorted lists), then each memcg's
 * subtree members: a task is listed under its memcg and every ancestor */
static int attribute(struct ctx *c)
{
	struct podoom_scan *s = &c->s;
	bool sorted = true;
	size_t *fill;

	for (size_t i = 1; i < s->ntasks && sorted; i++)
		sorted = s->tasks[i - 1].pid < s->tasks[i].pid;
	if (!sorted) /* procfs lists pids in order; a fixture's tmpfs does not */
		qsort(s->tasks, s->ntasks, sizeof(*s->tasks), cmp_task_pid);
	qsort(c->pairs, c->npairs, sizeof(*c->pairs), cmp_pair);
	for (size_t i = 0, k = 0; i < s->ntasks; i++) {
		while (k < c->npairs && c->pairs[k].pid < s->tasks[i].pid)
			k++;
		/* not in any cgroup.procs: started after the walk; counted at the root */
		s->tasks[i].memcg = k < c->npairs && c->pairs[k].pid == s->tasks[i].pid ? c->pairs[k].memcg : 0;
	}
	s->member_off = calloc(s->nmemcgs + 1, sizeof(*s->member_off));
	fill = calloc(s->nmemcgs + 1, sizeof(*fill));
	if (!s->member_off || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->ntasks; i++)
		for (int32_t m = s->tasks[i].memcg; m >= 0; m = s->memcgs[m].parent)
			s->member_off[m + 1]++;
	for (size_t m = 0; m < s->nmemcgs; m++) {
		s->memcgs[m].ntasks = (uint32_t)s->member_off[m + 1];
		s->member_off[m + 1] += s->member_off[m];
		fill[m] = s->member_off[m];
	}
	s->member_idx = calloc(s->member_off[s->nmemcgs] ? s->member_off[s->nmemcgs] : 1, sizeof(*s->member_idx));
	if (!s->member_idx) {
		free(fill);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->ntasks; i++)
		for (int32_t m = s->tasks[i].memcg; m >= 0; m = s->memcgs[m].parent)
			s->member_idx[fill[m]++] = i;
	free(fill);
	return 0;
}

/* usage is read where someone looks at it: a limit with a process below it
 * (top's scopes); memory.stat too (the working set) at the levels the
 * kubelet's eviction manager observes: the root, kubepods and the pods.
 * Return: 0 neither, 1 usage, 2 usage and memory.stat. */
static int wants_usage(const struct podoom_scan *s, int32_t i)
{
	const struct podoom_scan_memcg *m = &s->memcgs[i];
	struct podoom_cgroup_attr a;

	if (i == 0)
		return 2;
	if (m->ntasks == 0)
		return 0;
	if (podoom_cgroup_path_parse(m->path, strlen(m->path), &a) == 0 && a.tail_len == 0 &&
	    (a.level == PODOOM_CGROUP_LEVEL_KUBEPODS || a.level == PODOOM_CGROUP_LEVEL_POD))
		return 2;
	return m->limit_bytes >= 0;
}

int podoom_scan_read(const char *root, struct podoom_scan *ret)
{
	struct ctx c = {.mountfd = -1};
	struct podoom_cgroup_root cr;
	char path[1024];
	int r, w;

	if (podoom_cgroup_detect(root, &cr) < 0)
		return -ENOENT;
	c.s.cgroup_version = cr.version;
	c.mount = cr.mount;
	(void)podoom_host_memtotal(root, &c.s.memtotal_bytes);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	if (podoom_file_read_small(path, c.s.osrelease, sizeof(c.s.osrelease)) > 0)
		c.s.osrelease[strcspn(c.s.osrelease, "\n")] = '\0';
	(void)podoom_host_meminfo(root, "SwapTotal", &c.s.swaptotal_bytes);
	c.mountfd = open(cr.mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.mountfd < 0)
		return -ENOENT;
	r = add_memcg(&c, -1, "", 0);
	for (size_t i = 0; r == 0 && i < c.s.nmemcgs; i++) /* breadth first: parents before children */
		r = walk_one(&c, (int32_t)i);
	if (r == 0)
		r = reorder(&c);
	if (r == 0)
		r = scan_procs(&c, root);
	if (r == 0)
		r = attribute(&c);
	for (size_t i = 0; r == 0 && i < c.s.nmemcgs; i++)
		if ((w = wants_usage(&c.s, (int32_t)i)) > 0)
			read_usage(&c, (int32_t)i, w == 2);
	close(c.mountfd);
	free(c.pairs);
	free(c.big);
	free(c.kids);
	if (r < 0) {
		podoom_scan_free(&c.s);
		return r;
	}
	*ret = c.s;
	return 0;
}

void podoom_scan_free(struct podoom_scan *s)
{
	if (!s)
		return;
	free(s->tasks);
	free(s->memcgs);
	free(s->member_off);
	free(s->member_idx);
	s->tasks = NULL;
	s->memcgs = NULL;
	s->member_off = s->member_idx = NULL;
	s->ntasks = s->nmemcgs = 0;
}

bool podoom_scan_in_subtree(const struct podoom_scan *s, const struct podoom_task *t, int32_t m)
{
	for (int32_t i = t->memcg; i >= 0; i = s->memcgs[i].parent)
		if (i == m)
			return true;
	return false;
}

uint64_t podoom_scan_totalpages(const struct podoom_scan *s, int32_t m)
{
	if (m == 0)
		return podoom_totalpages_global((uint64_t)s->memtotal_bytes / 4096, (uint64_t)s->swaptotal_bytes / 4096);
	if (m < 0 || (size_t)m >= s->nmemcgs || s->memcgs[m].limit_bytes < 0)
		return 0;
	return (uint64_t)s->memcgs[m].limit_bytes / 4096;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct podoom_scan_rank *x = a, *y = b;
	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return (x->task > y->task) - (x->task < y->task);
}

int podoom_scan_rank(const struct podoom_kernel_profile *kp, const struct podoom_scan *s, int32_t m,
		     struct podoom_scan_rank *out)
{
	struct podoom_oom_scope scope = {.oom_memcg = -1};
	size_t n = 0;

	if (m < 0 || (size_t)m >= s->nmemcgs)
		return -EINVAL;
	scope.totalpages = podoom_scan_totalpages(s, m);
	if (scope.totalpages == 0)
		return 0;
	for (size_t k = s->member_off[m]; k < s->member_off[m + 1]; k++) {
		size_t i = s->member_idx[k];
		struct podoom_task t = s->tasks[i];
		t.memcg = -1; /* membership is settled by the member list */
		int64_t p = podoom_badness(kp, &scope, &t);
		if (p == PODOOM_BADNESS_INELIGIBLE)
			continue;
		out[n].task = i;
		out[n].points = p;
		n++;
	}
	qsort(out, n, sizeof(*out), cmp_rank);
	return (int)n;
}
