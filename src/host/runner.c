/*
 * runner.c - a scenario on real memory cgroups with real processes (see
 * runner.h for what a worker does and what the kernel counts of it).
 *
 * One loop on the real clock: reap dead processes (an unexpected SIGKILL is
 * the OOM killer; its report is read back from /dev/kmsg and explained),
 * run the kubelet's eviction manager when it is due (its period, or in event
 * mode a notifier's wake and the follow-ups after it), kill evicted pods when
 * their grace period ends, and sleep PODOOM_RUNNER_POLL_USEC otherwise (in
 * ppoll on the notifiers).
 */
#include "podoom/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podoom/curve.h"
#include "podoom/eviction.h"
#include "podoom/explain.h"
#include "podoom/grow.h"
#include "podoom/host.h"
#include "podoom/memnotify.h"
#include "podoom/oomlog.h"
#include "podoom/quantity.h"

#define PAGE 4096
#define USEC 1000000LL
#define KILL_TIMEOUT_MS 5000u
/* most kernel log bytes kept waiting for a report to complete */
#define RAW_MAX (4u << 20)

enum pod_phase { P_RUNNING, P_TERMINATING, P_STOPPED };

struct rproc {
	const char *comm;
	struct podoom_curve anon, file;
	int64_t max_anon, max_file;
	int wanted_adj, adj;
	pid_t pid;
	bool alive, by_us;
};

struct rctr {
	const struct podoom_sim_container_info *ci;
	size_t index; /* into the pod's containers */
	char *rel;    /* under the hierarchy's root: "podoom-1-run/kubepods/..." */
	const char *const *command;
	size_t ncommand;
	struct rproc *procs;
	size_t nprocs;
	bool running, sidecar;
	bool waiting;		  /* exited, to be restarted at restart_at_usec */
	int64_t start_mono_usec;  /* its curves start here (CLOCK_MONOTONIC) */
	int64_t finished_usec, restart_at_usec;
	uint32_t restarts;
	bool oom_seen; /* the kernel killed one of its command's descendants */
	struct podoom_sim_backoff bo; /* the simulator's restart policy */
};

struct rpod {
	const struct podoom_sim_pod_info *info;
	const struct podoom_scenario_pod *sp;
	char *rel;
	struct rctr *ctrs;
	size_t nctrs;
	enum pod_phase phase;
	int64_t kill_at_usec, grace_sec;
	bool killed;
	int64_t *cws;
	struct podoom_sim_point *series;
	size_t nseries, series_cap;
};

/* a queued event and what it owns */
struct qev {
	struct podoom_simevent ev;
	void *own[4];
	size_t nown;
};

/* an OOM report read from /dev/kmsg, reduced to what the records need */
struct report {
	int32_t victim_pid;
	char victim_comm[PODOOM_OOM_COMM_MAX];
	bool used;
	char oom_memcg[PODOOM_OOM_PATH_MAX];
	char task_memcg[PODOOM_OOM_PATH_MAX]; /* the victim's, without our parent */
	int64_t usage_bytes, limit_bytes;
	uint64_t totalpages;
	struct podoom_simevent_rank *ranking;
	size_t nranking;
	int32_t group[64];
	size_t ngroup;
	char *text; /* its lines, dmesg format */
	char *why;
};

struct podoom_runner {
	bool has_commands; /* some container runs a command: watch for its children's OOM kills */
	const struct podoom_scenario *sc;
	const struct podoom_sim *layout;
	struct podoom_sim_node_info ni;
	struct podoom_cgroup_root root;
	struct podoom_runner_options o;
	char parent[64];
	char *kubepods_rel;
	int64_t kubepods_limit; /* the emulated node's */
	int64_t alloc_limit;	/* the kubelet's kubepods limit (allocatableMemory.available's capacity) */
	struct rpod *pods;
	size_t npods, nprocs;
	int64_t t0_usec; /* CLOCK_MONOTONIC at start */

	/* kubelet */
	struct podoom_eviction_manager em;
	struct podoom_eviction_pod *epods;
	struct podoom_eviction_rank *scratch;
	size_t *epod_map;
	int64_t next_sample_usec;
	/* --eviction=events: one usage notifier on kubepods per memory threshold,
	 * at the kubelet's level; after a wake that evicted nothing, looks again
	 * after 1, 2, 4 ... ms (memnotify.h) */
	struct podoom_memnotify *notify[PODOOM_EVICTION_MAX_THRESHOLDS];
	int64_t notify_level[PODOOM_EVICTION_MAX_THRESHOLDS];
	int64_t followup_at_usec, followup_gap_usec;

	/* kernel */
	uint64_t oom_seq;
	struct report *reports;
	size_t nreports, reports_cap;
	/* /dev/kmsg records not yet parsed into a whole report of ours */
	char *raw;
	size_t raw_len, raw_cap;
	uint64_t pending_line;
	/* the lines of the current parse */
	char *lines;
	size_t lines_len, lines_cap;
	size_t *line_off;
	size_t nline, line_cap;
	char *klog;
	size_t klog_len, klog_cap;

	struct podoom_runner_adj *refused;
	size_t nrefused, refused_cap;

	struct podoom_sim_point *series;
	size_t nseries, series_cap;
	int64_t next_series_usec;

	struct qev *q;
	size_t qhead, qn, qcap;

	int kmsg;
	uint32_t prev_met;
	bool created, started, ended, stopped_flag, prev_pressure, notified, have_current;
};

/* ---- small helpers ------------------------------------------------------- */

static int64_t mono_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * USEC + ts.tv_nsec / 1000;
}

static int64_t now_of(const struct podoom_runner *r)
{
	return mono_usec() - r->t0_usec;
}

static void sleep_usec(int64_t us)
{
	struct timespec ts = {.tv_sec = (time_t)(us / USEC), .tv_nsec = (long)(us % USEC) * 1000};
	if (us > 0)
		nanosleep(&ts, NULL);
}

static void seterr(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;
	if (!err || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static const char *fmt_bytes(int64_t b, char *buf, size_t size)
{
	podoom_bytes_format_human(b, buf, size);
	return buf;
}

static int64_t curve_max(const struct podoom_curve *c)
{
	int64_t m = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->k[i].v > m)
			m = c->k[i].v;
	return m;
}

/* ---- the event queue ------------------------------------------------------- */

static void qev_fini(struct qev *q)
{
	for (size_t i = 0; i < q->nown; i++)
		free(q->own[i]);
	q->nown = 0;
}

/* @p becomes the event's; false (and @p freed) when it is NULL or full */
static bool own(struct qev *q, void *p)
{
	if (!p || q->nown >= sizeof(q->own) / sizeof(q->own[0])) {
		free(p);
		return false;
	}
	q->own[q->nown++] = p;
	return true;
}

static struct qev *emit(struct podoom_runner *r, enum podoom_simevent_type type, int64_t t)
{
	struct qev *q;

	if (podoom_grow(&r->q, &r->qcap, r->qn + 1, sizeof(*r->q), 16) < 0)
		return NULL;
	q = &r->q[r->qn++];
	memset(q, 0, sizeof(*q));
	podoom_simevent_init(&q->ev, type, t);
	return q;
}

static void ev_pod(struct podoom_runner *r, struct qev *q, const struct rpod *p)
{
	q->ev.namespace = p->info->namespace;
	q->ev.pod = p->info->name;
	q->ev.pod_uid = p->info->uid;
	q->ev.pod_index = (size_t)(p - r->pods);
	q->ev.qos = p->info->qos;
	q->ev.scope = p->info->memcg_path;
	q->ev.limit_bytes = p->info->limit_bytes;
}

static void ev_ctr(struct podoom_runner *r, struct qev *q, const struct rpod *p, const struct rctr *c)
{
	ev_pod(r, q, p);
	q->ev.container = c->ci->name;
	q->ev.container_id = c->ci->container_id;
	q->ev.scope = c->ci->memcg_path;
	q->ev.limit_bytes = c->ci->limit_bytes;
}

/* ---- setup ------------------------------------------------------------------ */

static const struct podoom_scenario_container *behaviour(const struct podoom_scenario_pod *sp, const char *name)
{
	for (size_t k = 0; k < sp->ncontainers; k++)
		if (strcmp(sp->containers[k].name, name) == 0)
			return &sp->containers[k];
	return NULL;
}

static int setup_ctr(struct podoom_runner *r, struct rpod *p, struct rctr *c, size_t k)
{
	const struct podoom_scenario_container *scn = behaviour(p->sp, c->ci->name);
	int n;

	c->index = k;
	c->sidecar = p->sp->pod.containers[k].type == PODOOM_CONTAINER_SIDECAR;
	c->command = scn ? scn->command : NULL;
	if (c->command)
		r->has_commands = true;
	c->ncommand = scn ? scn->ncommand : 0;
	c->nprocs = c->command ? 1 : (scn && scn->nprocs ? scn->nprocs : 1);
	c->procs = calloc(c->nprocs, sizeof(*c->procs));
	if (!c->procs)
		return -ENOMEM;
	n = asprintf(&c->rel, "%s%s", r->parent, c->ci->memcg_path);
	if (n < 0) {
		c->rel = NULL;
		return -ENOMEM;
	}
	for (size_t j = 0; j < c->nprocs; j++) {
		struct rproc *pr = &c->procs[j];
		const struct podoom_scenario_process *sproc = scn && j < scn->nprocs ? &scn->procs[j] : NULL;
		int rr;
		pr->comm = sproc ? sproc->name : (c->command ? c->command[0] : c->ci->name);
		if (c->command && strrchr(pr->comm, '/'))
			pr->comm = strrchr(pr->comm, '/') + 1;
		pr->wanted_adj = sproc && sproc->has_oom_score_adj ? sproc->oom_score_adj : c->ci->oom_score_adj;
		pr->adj = pr->wanted_adj;
		if ((rr = podoom_curve_build(sproc ? sproc->usage : NULL, sproc ? sproc->nusage : 0, false,
					     PODOOM_SIM_MAX_BYTES, &pr->anon)) < 0 ||
		    (rr = podoom_curve_build(sproc ? sproc->usage : NULL, sproc ? sproc->nusage : 0, true,
					     PODOOM_SIM_MAX_BYTES, &pr->file)) < 0)
			return rr;
		pr->max_anon = curve_max(&pr->anon);
		pr->max_file = curve_max(&pr->file);
		r->nprocs++;
	}
	return 0;
}

/* some process of @sc has page cache in its curve */
static bool uses_page_cache(const struct podoom_scenario *sc)
{
	for (size_t i = 0; i < sc->npods; i++)
		for (size_t k = 0; k < sc->pods[i].ncontainers; k++)
			for (size_t j = 0; j < sc->pods[i].containers[k].nprocs; j++) {
				const struct podoom_scenario_process *pr = &sc->pods[i].containers[k].procs[j];
				for (size_t u = 0; u < pr->nusage; u++)
					if (pr->usage[u].has_file && pr->usage[u].file_bytes > 0)
						return true;
			}
	return false;
}

/* the workers' page cache must be on a disk filesystem: on tmpfs or ramfs it
 * would be shmem, which nothing reclaims without swap, and the run would OOM
 * where the simulator (and a node) reclaims */
static int check_tmpdir(const char *dir, char *err, size_t errsize)
{
	struct statfs fs;
	struct stat st;

	if (stat(dir, &st) < 0 || statfs(dir, &fs) < 0) {
		int e = errno;
		seterr(err, errsize, "--tmpdir %s: %s (the workers keep their page cache there)", dir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		seterr(err, errsize, "--tmpdir %s: not a directory", dir);
		return -ENOTDIR;
	}
	if (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC) {
		seterr(err, errsize,
		       "--tmpdir %s is a tmpfs/ramfs: page cache there is shmem, which is never reclaimed "
		       "without swap; give a directory on a disk filesystem",
		       dir);
		return -EINVAL;
	}
	return 0;
}

int podoom_runner_new(const struct podoom_scenario *sc, const struct podoom_sim *layout,
		      const struct podoom_cgroup_root *root, const struct podoom_runner_options *opts,
		      struct podoom_runner **ret, char *err, size_t errsize)
{
	struct podoom_runner *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;

	if (!r)
		return -ENOMEM;
	r->sc = sc;
	r->layout = layout;
	r->root = *root;
	r->o = *opts;
	r->kmsg = -1;
	if (!r->o.tag)
		r->o.tag = "run";
	if (!r->o.tmpdir)
		r->o.tmpdir = "/var/tmp";
	podoom_sim_node_info(layout, &r->ni);
	podoom_sim_eviction_manager(layout, &r->em);
	if (podoom_cgroup_parent_name(getpid(), r->o.tag, r->parent, sizeof(r->parent)) < 0 ||
	    asprintf(&r->kubepods_rel, "%s%s", r->parent, r->ni.kubepods_path) < 0) {
		r->kubepods_rel = NULL;
		goto fail;
	}
	/* the emulated node: the kubelet's kubepods limit, and the node's memory less
	 * what the system uses, which stands in for the node running out of RAM */
	r->alloc_limit = r->ni.kubepods_limit_bytes >= 0 ? r->ni.kubepods_limit_bytes : r->ni.memory_bytes;
	r->kubepods_limit = r->ni.memory_bytes - r->ni.system_bytes;
	if (r->alloc_limit < r->kubepods_limit)
		r->kubepods_limit = r->alloc_limit;
	r->kubepods_limit = r->kubepods_limit / PAGE * PAGE;
	r->npods = podoom_sim_npods(layout);
	r->pods = calloc(r->npods + 1, sizeof(*r->pods));
	r->epods = calloc(r->npods + 1, sizeof(*r->epods));
	r->scratch = calloc(r->npods + 1, sizeof(*r->scratch));
	r->epod_map = calloc(r->npods + 1, sizeof(*r->epod_map));
	if (!r->pods || !r->epods || !r->scratch || !r->epod_map)
		goto fail;
	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		p->info = podoom_sim_pod_info(layout, i);
		p->sp = &sc->pods[i];
		if (asprintf(&p->rel, "%s%s", r->parent, p->info->memcg_path) < 0) {
			p->rel = NULL;
			goto fail;
		}
		p->ctrs = calloc(p->info->ncontainers + 1, sizeof(*p->ctrs));
		p->cws = calloc(p->info->ncontainers + 1, sizeof(*p->cws));
		if (!p->ctrs || !p->cws)
			goto fail;
		for (size_t k = 0; k < p->info->ncontainers; k++) {
			if (!p->info->containers[k].runs)
				continue;
			p->ctrs[p->nctrs].ci = &p->info->containers[k];
			if ((rc = setup_ctr(r, p, &p->ctrs[p->nctrs++], k)) < 0)
				goto fail;
			rc = -ENOMEM;
		}
	}
	if (r->nprocs > PODOOM_RUNNER_MAX_PROCESSES) {
		seterr(err, errsize, "%zu processes: podoom run starts at most %u", r->nprocs,
		       PODOOM_RUNNER_MAX_PROCESSES);
		rc = -EINVAL;
		goto fail;
	}
	if (uses_page_cache(sc) && (rc = check_tmpdir(r->o.tmpdir, err, errsize)) < 0)
		goto fail;
	*ret = r;
	return 0;
fail:
	if (rc == -ENOMEM)
		seterr(err, errsize, "out of memory");
	podoom_runner_free(r);
	return rc;
}

/* mkdir every level of @rel below the parent (which exists) */
static int create_path(struct podoom_runner *r, const char *rel)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s", rel), rc;

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + strlen(r->parent) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		rc = podoom_cgroup_create(&r->root, buf);
		*p = '/';
		if (rc < 0)
			return rc;
	}
	return podoom_cgroup_create(&r->root, buf);
}

static int create_cgroups(struct podoom_runner *r, char *err, size_t errsize)
{
	int rc;

	r->created = true;
	if ((rc = podoom_cgroup_create(&r->root, r->parent)) < 0 ||
	    (rc = podoom_cgroup_set_limit(&r->root, r->parent, r->kubepods_limit + PODOOM_RUNNER_PARENT_SLACK_BYTES, 0)) < 0 ||
	    (rc = create_path(r, r->kubepods_rel)) < 0 ||
	    (rc = podoom_cgroup_set_limit(&r->root, r->kubepods_rel, r->kubepods_limit, 0)) < 0) {
		seterr(err, errsize, "cannot set up %s/%s: %s", r->root.mount, r->kubepods_rel, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		if ((rc = create_path(r, p->rel)) < 0 ||
		    (p->info->limit_bytes >= 0 && (rc = podoom_cgroup_set_limit(&r->root, p->rel, p->info->limit_bytes, 0)) < 0)) {
			seterr(err, errsize, "cannot set up %s/%s: %s", r->root.mount, p->rel, strerror(-rc));
			return rc;
		}
		for (size_t k = 0; k < p->nctrs; k++) {
			struct rctr *c = &p->ctrs[k];
			if ((rc = create_path(r, c->rel)) < 0 ||
			    (c->ci->limit_bytes >= 0 && (rc = podoom_cgroup_set_limit(&r->root, c->rel, c->ci->limit_bytes, 0)) < 0)) {
				seterr(err, errsize, "cannot set up %s/%s: %s", r->root.mount, c->rel, strerror(-rc));
				return rc;
			}
			if (r->root.version == 2 && r->ni.oom_group)
				(void)podoom_cgroup_set_oom_group(&r->root, c->rel, true);
		}
	}
	return 0;
}

/* ---- the worker ----------------------------------------------------------------- */

static void touch_up(char *base, int64_t from, int64_t to)
{
	for (int64_t off = from; off < to; off += PAGE)
		((volatile char *)base)[off] = 1;
}

/* follow the curves until killed; runs in the child */
static void __attribute__((noreturn)) worker_loop(const struct podoom_runner *r, const struct rproc *pr, int64_t t0)
{
	static const char zeros[1 << 16];
	char *base = NULL;
	int fd = -1;
	int64_t cur_a = 0, cur_f = 0;
	size_t ca = 0, cf = 0;

	if (pr->max_anon > 0) {
		base = mmap(NULL, (size_t)((pr->max_anon + PAGE - 1) / PAGE * PAGE), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED)
			_exit(70);
	}
	if (pr->max_file > 0) {
		/* a disk filesystem: tmpfs pages would be shmem, counted in RSS and not
		 * reclaimable without swap */
		fd = open(r->o.tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0)
			_exit(71);
	}
	for (;;) {
		int64_t t = mono_usec() - t0, na = INT64_MAX, nf = INT64_MAX, wait;
		double sa = 0, sf = 0;
		int64_t a = podoom_curve_eval(&pr->anon, &ca, t, &sa, &na) / PAGE * PAGE;
		int64_t f = podoom_curve_eval(&pr->file, &cf, t, &sf, &nf) / PAGE * PAGE;
		if (a > cur_a && base) /* a <= max_anon: base is mapped whenever a > 0 */
			touch_up(base, cur_a, a);
		else if (a < cur_a && base)
			madvise(base + a, (size_t)(cur_a - a), MADV_DONTNEED);
		cur_a = a;
		if (f > cur_f) {
			for (int64_t off = cur_f; off < f;) {
				size_t n = (size_t)(f - off) < sizeof(zeros) ? (size_t)(f - off) : sizeof(zeros);
				ssize_t w = pwrite(fd, zeros, n, off);
				if (w <= 0)
					break;
				off += w;
			}
			/* clean pages, reclaimable at once as the simulator assumes */
			fdatasync(fd);
		} else if (f < cur_f && ftruncate(fd, f) == 0) {
			(void)posix_fadvise(fd, f, 0, POSIX_FADV_DONTNEED);
		}
		cur_f = f;
		if (sa != 0 || sf != 0)
			wait = PODOOM_RUNNER_WORKER_STEP_USEC;
		else
			wait = (na < nf ? na : nf) - t;
		if (wait > 50000)
			wait = 50000; /* also notices a clock that jumped */
		sleep_usec(wait < 100 ? 100 : wait);
	}
}

static void __attribute__((noreturn)) child_main(const struct podoom_runner *r, const struct rctr *c,
						 const struct rproc *pr, int go, pid_t parent)
{
	char b;
	struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	/* podoom stops them: a terminal's ^C reaches the whole process group */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	sigaction(SIGTERM, c->command ? &dfl : &ign, NULL);
	prctl(PR_SET_NAME, pr->comm);
	if (read(go, &b, 1) != 1)
		_exit(126); /* podoom went away before it let us run */
	close(go);
	if (c->command) {
		char **argv = calloc(c->ncommand + 1, sizeof(*argv));
		if (!argv || c->ncommand == 0)
			_exit(126);
		for (size_t i = 0; i < c->ncommand; i++)
			argv[i] = (char *)c->command[i];
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	worker_loop(r, pr, c->start_mono_usec);
}

static int read_adj(pid_t pid, int *ret)
{
	char path[64], buf[32];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	if (podoom_file_read_small(path, buf, sizeof(buf)) < 0)
		return -EIO;
	*ret = atoi(buf);
	return 0;
}

static int start_proc(struct podoom_runner *r, size_t pi, struct rctr *c, size_t j, char *err, size_t errsize)
{
	struct rproc *pr = &c->procs[j];
	int go[2], rc, fd;
	char path[64], val[16];
	pid_t parent = getpid(), pid;
	struct qev *q;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(go[0]);
		close(go[1]);
		return rc;
	}
	if (pid == 0) {
		close(go[1]);
		child_main(r, c, pr, go[0], parent);
	}
	close(go[0]);
	pr->pid = pid;
	pr->alive = true;
	/* its cgroup and oom_score_adj before it allocates anything (the runtime
	 * writes the adj to the container's first process; its children inherit) */
	if ((rc = podoom_cgroup_attach(&r->root, c->rel, pid)) < 0) {
		seterr(err, errsize, "cannot move pid %d into %s: %s", (int)pid, c->rel, strerror(-rc));
		close(go[1]);
		return rc;
	}
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(val, sizeof(val), "%d", pr->wanted_adj);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, val, strlen(val));
		close(fd);
	}
	if (read_adj(pid, &pr->adj) < 0)
		pr->adj = pr->wanted_adj;
	if (pr->adj != pr->wanted_adj &&
	    podoom_grow(&r->refused, &r->refused_cap, r->nrefused + 1, sizeof(*r->refused), 8) == 0)
		r->refused[r->nrefused++] = (struct podoom_runner_adj){
			.pod = pi, .container = c->index, .process = j, .wanted = pr->wanted_adj, .applied = pr->adj};
	if (write(go[1], "g", 1) != 1) {
		close(go[1]);
		return -EIO;
	}
	close(go[1]);
	if (j == 0) {
		q = emit(r, c->restarts ? PODOOM_SIMEVENT_RESTART : PODOOM_SIMEVENT_START,
			 c->start_mono_usec - r->t0_usec);
		if (!q)
			return -ENOMEM;
		ev_ctr(r, q, &r->pods[pi], c);
		q->ev.process = pr->comm;
		q->ev.pid = pid;
		q->ev.oom_score_adj = pr->adj;
		q->ev.main_process = true;
		q->ev.restart_count = c->restarts;
		q->ev.why = c->restarts ? "the kubelet started it again: its memory starts again from the beginning "
					  "of its curve"
					: (c->command ? "the container's command started" : "the container started");
	}
	return 0;
}

/* (re)start every process of @c, its curves from now */
static int start_ctr(struct podoom_runner *r, size_t pi, struct rctr *c, char *err, size_t errsize)
{
	int rc;

	c->start_mono_usec = mono_usec();
	c->waiting = false;
	c->running = true;
	for (size_t j = 0; j < c->nprocs; j++) {
		c->procs[j].by_us = false;
		if ((rc = start_proc(r, pi, c, j, err, errsize)) < 0)
			return rc;
	}
	return 0;
}

int podoom_runner_start(struct podoom_runner *r, char *err, size_t errsize)
{
	int64_t avail = 0;
	int rc;

	if (podoom_host_memavailable("", &avail) < 0) {
		seterr(err, errsize, "cannot read MemAvailable from /proc/meminfo");
		return -EIO;
	}
	if (r->ni.memory_bytes > avail - PODOOM_RUNNER_HOST_MARGIN_BYTES) {
		char a[32], b[32];
		seterr(err, errsize,
		       "the scenario's node has %s of memory, more than this host can spare (MemAvailable %s "
		       "minus a 512Mi margin): refused, so that the host itself never runs out",
		       fmt_bytes(r->ni.memory_bytes, a, sizeof(a)), fmt_bytes(avail, b, sizeof(b)));
		return -ENOMEM;
	}
	(void)podoom_cgroup_reap_stale(&r->root, NULL);
	if ((rc = create_cgroups(r, err, errsize)) < 0)
		return rc;
	r->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->kmsg >= 0)
		lseek(r->kmsg, 0, SEEK_END);
	r->t0_usec = mono_usec();
	r->started = true;
	for (size_t i = 0; i < r->npods; i++)
		for (size_t k = 0; k < r->pods[i].nctrs; k++)
			if ((rc = start_ctr(r, i, &r->pods[i].ctrs[k], err, errsize)) < 0)
				return rc;
	r->next_sample_usec = 0;
	r->followup_at_usec = -1;
	return 0;
}

/* ---- the kernel's side: OOM reports from /dev/kmsg --------------------------------- */

static void on_line(void *user, const struct podoom_logline *l)
{
	struct podoom_runner *r = user;
	size_t need = r->lines_len + l->msg_len + 40;
	int n;

	if (l->line_no == 0 || podoom_grow(&r->lines, &r->lines_cap, need, 1, 4096) < 0 ||
	    podoom_grow(&r->line_off, &r->line_cap, l->line_no, sizeof(*r->line_off), 64) < 0)
		return;
	/* line_no counts lines the reader consumed without handing them out too */
	while (r->nline < l->line_no)
		r->line_off[r->nline++] = r->lines_len;
	n = snprintf(r->lines + r->lines_len, r->lines_cap - r->lines_len, "[%5llu.%06llu] %.*s\n",
		     (unsigned long long)(l->mono_usec / USEC), (unsigned long long)(l->mono_usec % USEC),
		     (int)l->msg_len, l->msg);
	if (n > 0)
		r->lines_len += (size_t)n;
}

/* the path without our parent: "/podoom-1-run/kubepods/x" -> "/kubepods/x" */
static const char *strip_parent(const struct podoom_runner *r, const char *path)
{
	const char *p = strstr(path, r->parent);
	if (!p)
		return path;
	p += strlen(r->parent);
	return *p ? p : "/";
}

static int on_event(void *user, const struct podoom_oom_event *ev)
{
	struct podoom_runner *r = user;
	struct podoom_explanation *x;
	struct report *rp;
	const char *memcg = ev->oom_memcg[0] ? ev->oom_memcg : ev->task_memcg;

	if (!strstr(memcg, r->parent))
		return 0; /* another program's OOM */
	if (ev->outcome == PODOOM_OOM_OUTCOME_UNKNOWN && r->raw_len < RAW_MAX) {
		if (r->pending_line == 0 || ev->start.line_no < r->pending_line)
			r->pending_line = ev->start.line_no;
		return 0; /* not all in the log yet */
	}
	if (!ev->has_victim || ev->victim.source != PODOOM_OOM_SOURCE_KILLED_LINE)
		return 0;
	for (size_t i = 0; i < r->nreports; i++)
		if (r->reports[i].victim_pid == ev->victim.pid)
			return 0; /* seen whole before (kept for a later report's sake) */
	if (podoom_grow(&r->reports, &r->reports_cap, r->nreports + 1, sizeof(*r->reports), 8) < 0)
		return -ENOMEM;
	rp = &r->reports[r->nreports];
	memset(rp, 0, sizeof(*rp));
	rp->victim_pid = ev->victim.pid;
	snprintf(rp->victim_comm, sizeof(rp->victim_comm), "%s", ev->victim.comm);
	snprintf(rp->oom_memcg, sizeof(rp->oom_memcg), "%s", strip_parent(r, ev->oom_memcg));
	snprintf(rp->task_memcg, sizeof(rp->task_memcg), "%s", strip_parent(r, ev->task_memcg));
	rp->usage_bytes = ev->memory.present ? (int64_t)ev->memory.usage_bytes : -1;
	rp->limit_bytes = ev->memory.present ? (int64_t)ev->memory.limit_bytes : -1;
	for (size_t i = 0; i < ev->n_kills && rp->ngroup < sizeof(rp->group) / sizeof(rp->group[0]); i++)
		rp->group[rp->ngroup++] = ev->kills[i].pid;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	if (podoom_explain(ev, NULL, x) == 0) {
		rp->totalpages = x->totalpages;
		rp->ranking = calloc(x->n_ranking + 1, sizeof(*rp->ranking));
		for (size_t i = 0; rp->ranking && i < x->n_ranking; i++) {
			if (x->ranking[i].points == PODOOM_BADNESS_INELIGIBLE)
				continue;
			rp->ranking[rp->nranking].pid = x->ranking[i].pid;
			snprintf(rp->ranking[rp->nranking].comm, sizeof(rp->ranking[0].comm), "%s", x->ranking[i].comm);
			rp->ranking[rp->nranking++].points = x->ranking[i].points;
		}
		rp->why = strdup(x->text);
	}
	free(x);
	/* the report's own lines */
	if (ev->start.line_no >= 1 && ev->line_last >= ev->start.line_no && ev->line_last <= r->nline) {
		size_t a = r->line_off[ev->start.line_no - 1];
		size_t b = ev->line_last < r->nline ? r->line_off[ev->line_last] : r->lines_len;
		rp->text = strndup(r->lines + a, b - a);
	}
	r->nreports++;
	return 0;
}

/*
 * Read what /dev/kmsg has and parse it, from the first line of a report of
 * ours that has no "Killed process" line yet: the kernel prints that line
 * after it sent SIGKILL, so the victim may be reaped before it reaches the
 * log. Such a report's lines are kept and parsed again, whole, next time.
 */
static void drain_kmsg(struct podoom_runner *r)
{
	char rec[8192];
	ssize_t n;
	int fd;

	if (r->kmsg < 0)
		return;
	/* one record per read; EPIPE where records were overwritten */
	while ((n = read(r->kmsg, rec, sizeof(rec))) != 0) {
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n < 0)
			break;
		if (podoom_grow(&r->raw, &r->raw_cap, r->raw_len + (size_t)n + 1, 1, 65536) < 0)
			return;
		memcpy(r->raw + r->raw_len, rec, (size_t)n);
		r->raw_len += (size_t)n;
	}
	if (r->raw_len == 0)
		return;
	fd = memfd_create("podoom-kmsg", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, r->raw, r->raw_len) == (ssize_t)r->raw_len && lseek(fd, 0, SEEK_SET) == 0) {
		r->lines_len = r->nline = 0;
		r->pending_line = 0;
		(void)podoom_oomlog_read(fd, 0, on_line, on_event, r);
	}
	close(fd);
	/* keep from the pending report's first line on, or nothing */
	if (r->pending_line == 0) {
		r->raw_len = 0;
	} else {
		size_t off = 0;
		for (uint64_t line = 1; line < r->pending_line && off < r->raw_len; off++)
			if (r->raw[off] == '\n')
				line++;
		memmove(r->raw, r->raw + off, r->raw_len - off);
		r->raw_len -= off;
	}
}

/* the report that killed @pid, waiting a little for it to reach the log */
static struct report *find_report(struct podoom_runner *r, pid_t pid, bool *group)
{
	int64_t until = mono_usec() + PODOOM_RUNNER_REPORT_WAIT_USEC;

	for (;;) {
		for (size_t i = 0; i < r->nreports; i++) {
			struct report *rp = &r->reports[i];
			if (rp->victim_pid == pid) {
				*group = false;
				return rp;
			}
			for (size_t k = 0; k < rp->ngroup; k++)
				if (rp->group[k] == pid) {
					*group = true;
					return rp;
				}
		}
		if (r->kmsg < 0 || mono_usec() > until)
			return NULL;
		sleep_usec(5000);
		drain_kmsg(r);
	}
}

static enum podoom_oom_class class_of(const struct podoom_runner *r, const char *memcg)
{
	if (!memcg[0] || strcmp(memcg, "/") == 0)
		return PODOOM_OOM_CLASS_GLOBAL;
	if (strcmp(memcg, r->ni.kubepods_path) == 0)
		return PODOOM_OOM_CLASS_NODE_ALLOCATABLE;
	for (size_t i = 0; i < r->npods; i++) {
		if (strcmp(memcg, r->pods[i].info->memcg_path) == 0)
			return PODOOM_OOM_CLASS_POD_LIMIT;
		for (size_t k = 0; k < r->pods[i].nctrs; k++)
			if (strcmp(memcg, r->pods[i].ctrs[k].ci->memcg_path) == 0)
				return PODOOM_OOM_CLASS_CONTAINER_LIMIT;
	}
	return PODOOM_OOM_CLASS_MEMCG;
}

static void append_klog(struct podoom_runner *r, const char *text)
{
	size_t n = strlen(text);
	if (podoom_grow(&r->klog, &r->klog_cap, r->klog_len + n + 1, 1, 4096) < 0)
		return;
	memcpy(r->klog + r->klog_len, text, n + 1);
	r->klog_len += n;
}

/* ---- processes that died ------------------------------------------------------------- */

static bool ctr_alive(const struct rctr *c)
{
	for (size_t j = 0; j < c->nprocs; j++)
		if (c->procs[j].alive)
			return true;
	return false;
}

static bool pod_alive(const struct rpod *p)
{
	for (size_t k = 0; k < p->nctrs; k++)
		if (ctr_alive(&p->ctrs[k]))
			return true;
	return false;
}

static void kill_ctr(struct rctr *c)
{
	for (size_t j = 0; j < c->nprocs; j++)
		if (c->procs[j].alive) {
			c->procs[j].by_us = true;
			kill(c->procs[j].pid, SIGKILL);
		}
}

static int fill_from_report(struct podoom_runner *r, struct qev *q, struct report *rp, bool group);

static int oom_killed(struct podoom_runner *r, struct rpod *p, struct rctr *c, struct rproc *pr, int64_t t)
{
	bool group = false;
	struct report *rp = find_report(r, pr->pid, &group);
	struct qev *q = emit(r, PODOOM_SIMEVENT_OOM_KILL, t);

	if (!q)
		return -ENOMEM;
	ev_ctr(r, q, p, c);
	q->ev.process = pr->comm;
	q->ev.pid = pr->pid;
	q->ev.oom_score_adj = pr->adj;
	q->ev.main_process = pr == &c->procs[0];
	q->ev.group_member = group;
	if (rp) {
		int rc = fill_from_report(r, q, rp, group);
		if (rc < 0)
			return rc;
	} else {
		/* no report: the SIGKILL nobody else sent, and the memcg's counter */
		r->oom_seq++;
		q->ev.oom_seq = r->oom_seq;
		q->ev.kind = PODOOM_OOM_CLASS_COUNT;
		q->ev.why = "killed by SIGKILL that podoom did not send: the kernel's OOM killer (its report was not "
			    "found in /dev/kmsg)";
	}
	return 0;
}

static struct rproc *find_proc(struct podoom_runner *r, pid_t pid, struct rpod **pp, struct rctr **cc);

/* the report's part of an OOM kill record */
static int fill_from_report(struct podoom_runner *r, struct qev *q, struct report *rp, bool group)
{
	if (!rp->used) {
		r->oom_seq++;
		rp->used = true;
		if (rp->text)
			append_klog(r, rp->text);
	}
	q->ev.oom_seq = r->oom_seq;
	if (!own(q, strdup(rp->oom_memcg)))
		return -ENOMEM;
	q->ev.scope = q->own[q->nown - 1];
	q->ev.kind = class_of(r, rp->oom_memcg);
	q->ev.limit_bytes = rp->limit_bytes;
	q->ev.usage_bytes = rp->usage_bytes;
	q->ev.totalpages = rp->totalpages;
	q->ev.ranking = group ? NULL : rp->ranking;
	q->ev.nranking = group ? 0 : rp->nranking;
	q->ev.why = rp->why ? rp->why : "the kernel's OOM killer (its report could not be explained)";
	return 0;
}

/*
 * A container that runs a command: the kernel may kill one of the command's
 * own children, which podoom did not start and cannot reap. Its report names
 * the victim's memcg: that container had an OOM kill, which the runtime
 * reports (containerd's TaskOOM event) and which makes the container's exit
 * OOMKilled whatever its main process's status.
 */
static int descendant_kills(struct podoom_runner *r, int64_t t)
{
	drain_kmsg(r);
	for (size_t i = 0; i < r->nreports; i++) {
		struct report *rp = &r->reports[i];
		struct rpod *p;
		struct rctr *c;
		if (rp->used || find_proc(r, rp->victim_pid, &p, &c))
			continue; /* reported, or a worker of ours: reap() takes it */
		for (size_t a = 0; a < r->npods; a++)
			for (size_t k = 0; k < r->pods[a].nctrs; k++) {
				struct rctr *cc = &r->pods[a].ctrs[k];
				struct qev *q;
				int rc;
				if (!cc->command || rp->used || strcmp(cc->ci->memcg_path, rp->task_memcg) != 0)
					continue;
				if (!(q = emit(r, PODOOM_SIMEVENT_OOM_KILL, t)))
					return -ENOMEM;
				ev_ctr(r, q, &r->pods[a], cc);
				q->ev.process = rp->victim_comm;
				q->ev.pid = rp->victim_pid;
				q->ev.oom_score_adj = cc->procs[0].adj; /* inherited from the command */
				q->ev.main_process = false;
				if ((rc = fill_from_report(r, q, rp, false)) < 0)
					return rc;
				cc->oom_seen = true;
			}
	}
	return 0;
}

static int ctr_ended(struct podoom_runner *r, struct rpod *p, struct rctr *c, int status, bool oom, int64_t t)
{
	struct qev *q = emit(r, PODOOM_SIMEVENT_CONTAINER_EXIT, t);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	const char *cause = oom ? "its main process was OOM-killed"
			    : c->oom_seen ? "the kernel OOM-killed a process of its command"
			    : code == 0	  ? "its main process exited"
					  : "its main process failed";

	if (!q)
		return -ENOMEM;
	c->running = false;
	c->finished_usec = t;
	kill_ctr(c); /* its other processes die with the container's init */
	ev_ctr(r, q, p, c);
	q->ev.process = c->procs[0].comm;
	q->ev.pid = c->procs[0].pid;
	q->ev.exit_code = code;
	q->ev.reason = oom || c->oom_seen ? "OOMKilled" : (code == 0 ? "Completed" : "Error");
	c->oom_seen = false;
	q->ev.restart_count = c->restarts;
	q->ev.backoff_usec = -1;
	if (p->phase == P_RUNNING && podoom_sim_restarts(&p->sp->pod, c->sidecar, code)) {
		c->waiting = true;
		c->restart_at_usec = podoom_sim_backoff_restart_at(&c->bo, t);
		q->ev.backoff_usec = c->restart_at_usec - t;
		if (!own(q, xprintf("%s: exit code %d (%s); the kubelet starts it again in %lld ms", cause, code,
				    q->ev.reason, (long long)(q->ev.backoff_usec / 1000))))
			return -ENOMEM;
	} else if (!own(q, xprintf("%s: exit code %d (%s); restartPolicy %s: it stays terminated", cause, code,
				   q->ev.reason, p->sp->pod.restart_policy ? p->sp->pod.restart_policy : "Always"))) {
		return -ENOMEM;
	}
	q->ev.why = q->own[0];
	return 0;
}

/* containers whose back-off is over start again (as the simulator's kubelet) */
static int restart_due(struct podoom_runner *r, int64_t t)
{
	char err[256];
	int rc;

	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		for (size_t k = 0; k < p->nctrs; k++) {
			struct rctr *c = &p->ctrs[k];
			if (!c->waiting || p->phase != P_RUNNING || t < c->restart_at_usec)
				continue;
			podoom_sim_backoff_next(&c->bo, c->finished_usec, t);
			c->restarts++;
			if ((rc = start_ctr(r, i, c, err, sizeof(err))) < 0)
				return rc;
		}
	}
	return 0;
}

static int pod_stopped(struct podoom_runner *r, struct rpod *p, int64_t t)
{
	struct qev *q = emit(r, PODOOM_SIMEVENT_POD_STOPPED, t);
	if (!q)
		return -ENOMEM;
	p->phase = P_STOPPED;
	ev_pod(r, q, p);
	q->ev.reason = PODOOM_EVICTION_REASON;
	q->ev.grace_period_sec = p->grace_sec;
	q->ev.usage_bytes = 0;
	q->ev.why = "its processes are gone (SIGKILL at the end of the grace period): the pod stays Failed (Evicted)";
	return 0;
}

static struct rproc *find_proc(struct podoom_runner *r, pid_t pid, struct rpod **pp, struct rctr **cc)
{
	for (size_t i = 0; i < r->npods; i++)
		for (size_t k = 0; k < r->pods[i].nctrs; k++) {
			struct rctr *c = &r->pods[i].ctrs[k];
			for (size_t j = 0; j < c->nprocs; j++)
				if (c->procs[j].pid == pid && c->procs[j].alive) {
					*pp = &r->pods[i];
					*cc = c;
					return &c->procs[j];
				}
		}
	return NULL;
}

static int reap(struct podoom_runner *r)
{
	int status, rc;
	pid_t pid;

	if (r->has_commands && (rc = descendant_kills(r, now_of(r))) < 0)
		return rc;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct rpod *p;
		struct rctr *c;
		struct rproc *pr = find_proc(r, pid, &p, &c);
		int64_t t = now_of(r);
		bool oom;
		if (!pr)
			continue;
		pr->alive = false;
		oom = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !pr->by_us;
		if (oom && (rc = oom_killed(r, p, c, pr, t)) < 0)
			return rc;
		if (pr == &c->procs[0] && c->running && p->phase == P_RUNNING && (rc = ctr_ended(r, p, c, status, oom, t)) < 0)
			return rc;
		if (p->phase == P_TERMINATING && p->killed && !pod_alive(p) && (rc = pod_stopped(r, p, t)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the kubelet -------------------------------------------------------------------- */

static int evict(struct podoom_runner *r, const struct podoom_eviction_decision *d, size_t n, int64_t t,
		 bool periodic)
{
	struct qev *q = emit(r, PODOOM_SIMEVENT_EVICTION, t);
	struct podoom_simevent_pod_rank *pr;
	char th[128], msg[1024];

	if (!q)
		return -ENOMEM;
	pr = calloc(n + 1, sizeof(*pr));
	if (!own(q, pr))
		return -ENOMEM;
	podoom_simevent_pod_ranking(r->scratch, n, r->epods, pr);
	q->ev.pod_ranking = pr;
	q->ev.npod_ranking = n;
	podoom_eviction_threshold_format(&r->em.thresholds.t[d->threshold], th, sizeof(th));
	if (!own(q, strdup(th)))
		return -ENOMEM;
	q->ev.threshold = q->own[q->nown - 1];
	q->ev.available_bytes = d->available_bytes;
	(void)podoom_quantity_value(&d->threshold_quantity, &q->ev.limit_bytes);
	if (!d->evict) {
		q->ev.why = "a memory threshold is met but the kubelet has no pod it may evict";
		return 0;
	}
	struct rpod *p = &r->pods[r->epod_map[d->pod]];
	int64_t g = podoom_sim_eviction_grace_seconds(&p->sp->pod, d->grace_period_seconds);
	podoom_eviction_message_format(r->em.kp, d, &r->epods[d->pod], msg, sizeof(msg));
	ev_pod(r, q, p);
	q->ev.usage_bytes = r->epods[d->pod].working_set_bytes;
	q->ev.grace_period_sec = g;
	q->ev.reason = PODOOM_EVICTION_REASON;
	if (!own(q, xprintf("%s(grace period %llds: SIGTERM now, SIGKILL when it ends%s)", msg, (long long)g,
			    periodic ? "" : "; found by the memory notifier, not a periodic look")))
		return -ENOMEM;
	q->ev.why = q->own[q->nown - 1];
	p->phase = P_TERMINATING;
	p->grace_sec = g;
	p->kill_at_usec = t + g * USEC;
	for (size_t k = 0; k < p->nctrs; k++)
		for (size_t j = 0; j < p->ctrs[k].nprocs; j++)
			if (p->ctrs[k].procs[j].alive)
				kill(p->ctrs[k].procs[j].pid, SIGTERM);
	/* waitForPodsCleanup (the periodic loop only): the next look comes once the pod is gone */
	if (periodic)
		r->next_sample_usec = podoom_eviction_cleanup_wait_end_usec(t, true, p->kill_at_usec);
	return 0;
}

static int thresholds_changed(struct podoom_runner *r, const struct podoom_eviction_decision *d,
			      const struct podoom_eviction_observations *obs, int64_t t)
{
	char th[128], a[32], b[32];

	for (size_t i = 0; i < r->em.thresholds.n; i++) {
		const struct podoom_eviction_threshold *th_i = &r->em.thresholds.t[i];
		bool on = d->met & (1u << i), was = r->prev_met & (1u << i);
		const struct podoom_eviction_observation *o = &obs->signal[th_i->signal];
		struct podoom_quantity tq;
		int64_t tv = 0;
		struct qev *q;
		if (on == was)
			continue;
		q = emit(r, PODOOM_SIMEVENT_THRESHOLD, t);
		if (!q)
			return -ENOMEM;
		podoom_eviction_threshold_format(th_i, th, sizeof(th));
		tq = podoom_eviction_value_resolve(&th_i->value, o->capacity_bytes);
		(void)podoom_quantity_value(&tq, &tv);
		q->ev.on = on;
		q->ev.available_bytes = o->available_bytes;
		q->ev.limit_bytes = tv;
		if (!own(q, strdup(th)) ||
		    !own(q, xprintf("%s is %s, %s %s", podoom_eviction_signal_to_string(th_i->signal),
				    fmt_bytes(o->available_bytes, a, sizeof(a)), on ? "below the threshold" : "again above",
				    fmt_bytes(tv, b, sizeof(b)))))
			return -ENOMEM;
		q->ev.threshold = q->own[0];
		q->ev.why = q->own[1];
	}
	r->prev_met = d->met;
	if (d->memory_pressure != r->prev_pressure) {
		struct qev *q = emit(r, PODOOM_SIMEVENT_PRESSURE, t);
		if (!q)
			return -ENOMEM;
		q->ev.on = d->memory_pressure;
		q->ev.available_bytes = obs->signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].available_bytes;
		q->ev.why = d->memory_pressure ? "MemoryPressure=True: a memory eviction threshold is met"
					       : "MemoryPressure=False: no memory threshold met for the transition period";
		r->prev_pressure = d->memory_pressure;
	}
	return 0;
}

/* the kubelet's notifiers at the levels of this look (UpdateThreshold) */
static int refresh_notifiers(struct podoom_runner *r, const struct podoom_memcg_stat *kp,
			     const struct podoom_eviction_observations *obs)
{
	for (size_t i = 0; i < r->em.thresholds.n; i++) {
		const struct podoom_eviction_threshold *t = &r->em.thresholds.t[i];
		bool alloc = t->signal == PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
		/* memory.available is the node's root: the system's usage (not played)
		 * sits on top of kubepods, whose usage the notifier watches */
		int64_t sys = alloc ? 0 : r->ni.system_bytes, level;
		int rc;
		if (!alloc && t->signal != PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE)
			continue;
		if (podoom_eviction_notifier_level_bytes(t, sys + kp->usage_bytes, sys + kp->working_set_bytes,
							 obs->signal[t->signal].available_bytes, &level) < 0)
			continue;
		level -= sys;
		if (level < 0)
			level = 0;
		if (r->notify[i] && level == r->notify_level[i])
			continue;
		podoom_memnotify_close(r->notify[i]);
		r->notify[i] = NULL;
		if ((rc = podoom_memnotify_open_usage(&r->root, r->kubepods_rel, level, &r->notify[i])) < 0)
			return rc;
		r->notify_level[i] = level;
	}
	return 0;
}

static int kubelet_sync(struct podoom_runner *r, bool periodic)
{
	struct podoom_eviction_observations obs;
	struct podoom_eviction_decision d;
	struct podoom_memcg_stat kp;
	int64_t t = now_of(r);
	size_t n = 0;
	int rc;

	memset(&obs, 0, sizeof(obs));
	if ((rc = podoom_cgroup_read_stat(&r->root, r->kubepods_rel, &kp)) < 0)
		return rc;
	/* cAdvisor on the node's root: the system's usage (not played) plus kubepods */
	if ((rc = podoom_eviction_observe(r->ni.memory_bytes, r->ni.system_bytes + kp.usage_bytes, kp.inactive_file_bytes,
					  t, &obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE])) < 0 ||
	    (rc = podoom_eviction_observe(r->alloc_limit, kp.usage_bytes, kp.inactive_file_bytes, t,
					  &obs.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE])) < 0)
		return rc;
	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		struct podoom_memcg_stat st;
		if (p->phase != P_RUNNING)
			continue;
		if (podoom_cgroup_read_stat(&r->root, p->rel, &st) < 0)
			continue;
		for (size_t k = 0; k < p->info->ncontainers; k++)
			p->cws[k] = -1;
		for (size_t k = 0; k < p->nctrs; k++) {
			struct podoom_memcg_stat cs;
			if (p->ctrs[k].running && podoom_cgroup_read_stat(&r->root, p->ctrs[k].rel, &cs) == 0)
				p->cws[p->ctrs[k].index] = cs.working_set_bytes;
		}
		r->epods[n] = (struct podoom_eviction_pod){.pod = &p->sp->pod, .has_stats = true,
							   .working_set_bytes = st.working_set_bytes,
							   .container_working_set_bytes = p->cws};
		r->epod_map[n++] = i;
	}
	if ((rc = podoom_eviction_synchronize(&r->em, &obs, r->epods, n, r->scratch, t, &d)) < 0)
		return rc;
	if (r->o.emit_samples) {
		struct qev *q = emit(r, PODOOM_SIMEVENT_SAMPLE, t);
		char a[32], b[32];
		if (!q)
			return -ENOMEM;
		q->ev.available_bytes = obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].available_bytes;
		q->ev.usage_bytes = r->ni.system_bytes + kp.usage_bytes;
		if (!own(q, xprintf("the kubelet looks%s: memory.available %s, allocatableMemory.available %s",
				    periodic ? "" : " (a memory notifier fired)", fmt_bytes(q->ev.available_bytes, a, sizeof(a)),
				    fmt_bytes(obs.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE].available_bytes,
					      b, sizeof(b)))))
			return -ENOMEM;
		q->ev.why = q->own[0];
	}
	if ((rc = thresholds_changed(r, &d, &obs, t)) < 0)
		return rc;
	if (periodic)
		r->next_sample_usec = t + r->ni.housekeeping_usec;
	if (r->o.eviction == PODOOM_RUNNER_EVICTION_EVENTS && (rc = refresh_notifiers(r, &kp, &obs)) < 0)
		return rc;
	/* after a wake that decided nothing: look again soon (memnotify.h) */
	if (!periodic && !d.evict && r->followup_gap_usec < r->ni.housekeeping_usec) {
		r->followup_at_usec = t + r->followup_gap_usec;
		r->followup_gap_usec *= 2;
	} else if (!periodic) {
		r->followup_at_usec = -1;
	}
	if (d.reclaim)
		return evict(r, &d, n, t, periodic);
	return 0;
}

/* sleep until @wake (real clock), or until a notifier fires */
static void wait_until(struct podoom_runner *r, int64_t wake)
{
	struct pollfd fds[PODOOM_EVICTION_MAX_THRESHOLDS];
	size_t nfds = 0, idx[PODOOM_EVICTION_MAX_THRESHOLDS];
	int64_t us = wake - now_of(r);
	struct timespec ts;

	for (size_t i = 0; i < r->em.thresholds.n; i++)
		if (r->notify[i]) {
			fds[nfds] = (struct pollfd){.fd = podoom_memnotify_fd(r->notify[i]),
						    .events = podoom_memnotify_events(r->notify[i])};
			idx[nfds++] = i;
		}
	if (nfds == 0) {
		sleep_usec(us);
		return;
	}
	if (us < 0)
		us = 0;
	ts = (struct timespec){.tv_sec = (time_t)(us / USEC), .tv_nsec = (long)(us % USEC) * 1000};
	if (ppoll(fds, nfds, &ts, NULL) <= 0)
		return;
	for (size_t k = 0; k < nfds; k++) {
		unsigned what = 0;
		if (fds[k].revents && podoom_memnotify_ack(r->notify[idx[k]], fds[k].revents, &what) == 0 && what) {
			r->notified = true;
			r->followup_gap_usec = 1000;
		}
	}
}

/* ---- memory over time ------------------------------------------------------------------ */

static int series_add(struct podoom_sim_point **v, size_t *n, size_t *cap, int64_t t, int64_t ws, int64_t usage)
{
	if (podoom_grow(v, cap, *n + 1, sizeof(**v), 256) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = (struct podoom_sim_point){.t_usec = t, .working_set_bytes = ws, .usage_bytes = usage};
	return 0;
}

static int record_series(struct podoom_runner *r, int64_t t)
{
	struct podoom_memcg_stat st;

	r->next_series_usec = t + PODOOM_RUNNER_SERIES_USEC;
	if (podoom_cgroup_read_stat(&r->root, r->kubepods_rel, &st) == 0 &&
	    series_add(&r->series, &r->nseries, &r->series_cap, t, r->ni.system_bytes + st.working_set_bytes,
		       r->ni.system_bytes + st.usage_bytes) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		if (podoom_cgroup_read_stat(&r->root, p->rel, &st) < 0)
			st.working_set_bytes = st.usage_bytes = 0;
		if (series_add(&p->series, &p->nseries, &p->series_cap, t, st.working_set_bytes, st.usage_bytes) < 0)
			return -ENOMEM;
	}
	return 0;
}

const struct podoom_sim_point *podoom_runner_pod_series(const struct podoom_runner *r, size_t i, size_t *n)
{
	*n = i < r->npods ? r->pods[i].nseries : 0;
	return *n ? r->pods[i].series : NULL;
}

const struct podoom_sim_point *podoom_runner_node_series(const struct podoom_runner *r, size_t *n)
{
	*n = r->nseries;
	return r->series;
}

/* ---- the loop -------------------------------------------------------------------------- */

static int step(struct podoom_runner *r)
{
	int64_t t = now_of(r), wake;
	int rc;

	if ((rc = reap(r)) < 0)
		return rc;
	if (r->o.stop && *r->o.stop) {
		r->stopped_flag = true;
		r->ended = true;
		return 0;
	}
	if (r->o.record_series && t >= r->next_series_usec && (rc = record_series(r, t)) < 0)
		return rc;
	if (t >= r->ni.duration_usec) {
		r->ended = true;
		return 0;
	}
	if ((rc = restart_due(r, t)) < 0)
		return rc;
	for (size_t i = 0; i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		if (p->phase != P_TERMINATING || p->killed || t < p->kill_at_usec)
			continue;
		for (size_t k = 0; k < p->nctrs; k++)
			kill_ctr(&p->ctrs[k]);
		/* wait for them: the simulator frees an evicted pod's memory at once, and
		 * the kubelet's next look may come at this very instant */
		for (size_t k = 0; k < p->nctrs; k++)
			for (size_t j = 0; j < p->ctrs[k].nprocs; j++) {
				struct rproc *pr = &p->ctrs[k].procs[j];
				if (pr->alive && waitpid(pr->pid, NULL, 0) == pr->pid)
					pr->alive = false;
			}
		p->killed = true;
		if (!pod_alive(p) && (rc = pod_stopped(r, p, t)) < 0)
			return rc;
	}
	if (r->em.thresholds.n > 0) {
		if (t >= r->next_sample_usec && (rc = kubelet_sync(r, true)) < 0)
			return rc;
		if ((r->notified || (r->followup_at_usec >= 0 && t >= r->followup_at_usec)) &&
		    (rc = kubelet_sync(r, false)) < 0)
			return rc;
		r->notified = false;
	}
	if (r->qn > r->qhead)
		return 0;
	wake = t + PODOOM_RUNNER_POLL_USEC;
	if (r->next_sample_usec < wake)
		wake = r->next_sample_usec;
	if (r->followup_at_usec >= 0 && r->followup_at_usec < wake)
		wake = r->followup_at_usec;
	wait_until(r, wake);
	return 0;
}

int podoom_runner_next(struct podoom_runner *r, const struct podoom_simevent **ret)
{
	int rc;

	if (r->have_current) {
		qev_fini(&r->q[r->qhead++]);
		r->have_current = false;
		if (r->qhead == r->qn)
			r->qhead = r->qn = 0;
	}
	while (r->qhead == r->qn) {
		if (r->ended || !r->started)
			return 0;
		if ((rc = step(r)) < 0)
			return rc;
	}
	r->have_current = true;
	*ret = &r->q[r->qhead].ev;
	return 1;
}

bool podoom_runner_stopped(const struct podoom_runner *r)
{
	return r->stopped_flag;
}

const struct podoom_runner_adj *podoom_runner_adj_refused(const struct podoom_runner *r, size_t *n)
{
	*n = r->nrefused;
	return r->refused;
}

int64_t podoom_runner_kubepods_limit(const struct podoom_runner *r)
{
	return r->kubepods_limit;
}

const char *podoom_runner_parent(const struct podoom_runner *r)
{
	return r->parent;
}

const char *podoom_runner_kernel_log(const struct podoom_runner *r, size_t *len)
{
	*len = r->klog_len;
	return r->klog ? r->klog : "";
}

int podoom_runner_stop(struct podoom_runner *r)
{
	int rc = 0;

	if (!r)
		return 0;
	for (size_t i = 0; i < PODOOM_EVICTION_MAX_THRESHOLDS; i++) {
		podoom_memnotify_close(r->notify[i]);
		r->notify[i] = NULL;
	}
	for (size_t i = 0; i < r->npods; i++)
		for (size_t k = 0; k < r->pods[i].nctrs; k++)
			kill_ctr(&r->pods[i].ctrs[k]);
	for (size_t i = 0; i < r->npods; i++)
		for (size_t k = 0; k < r->pods[i].nctrs; k++)
			for (size_t j = 0; j < r->pods[i].ctrs[k].nprocs; j++) {
				struct rproc *pr = &r->pods[i].ctrs[k].procs[j];
				if (pr->alive && waitpid(pr->pid, NULL, 0) == pr->pid)
					pr->alive = false;
			}
	if (r->created) {
		rc = podoom_cgroup_destroy(&r->root, r->parent, KILL_TIMEOUT_MS);
		if (rc == 0)
			r->created = false;
	}
	r->ended = true;
	return rc;
}

void podoom_runner_free(struct podoom_runner *r)
{
	if (!r)
		return;
	(void)podoom_runner_stop(r);
	for (size_t i = 0; r->pods && i < r->npods; i++) {
		struct rpod *p = &r->pods[i];
		for (size_t k = 0; p->ctrs && k < p->nctrs; k++) {
			for (size_t j = 0; p->ctrs[k].procs && j < p->ctrs[k].nprocs; j++) {
				podoom_curve_fini(&p->ctrs[k].procs[j].anon);
				podoom_curve_fini(&p->ctrs[k].procs[j].file);
			}
			free(p->ctrs[k].procs);
			free(p->ctrs[k].rel);
		}
		free(p->ctrs);
		free(p->cws);
		free(p->rel);
		free(p->series);
	}
	for (size_t i = 0; i < r->nreports; i++) {
		free(r->reports[i].ranking);
		free(r->reports[i].text);
		free(r->reports[i].why);
	}
	for (size_t i = r->qhead; i < r->qn; i++)
		qev_fini(&r->q[i]);
	if (r->kmsg >= 0)
		close(r->kmsg);
	free(r->q);
	free(r->reports);
	free(r->series);
	free(r->raw);
	free(r->lines);
	free(r->line_off);
	free(r->klog);
	free(r->refused);
	free(r->pods);
	free(r->epods);
	free(r->scratch);
	free(r->epod_map);
	free(r->kubepods_rel);
	free(r);
}
