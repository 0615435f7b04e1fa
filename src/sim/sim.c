/*
 * sim.c - the node simulator: memcg tree, processes, kernel OOM killer,
 * kubelet eviction manager and container restarts on a virtual clock.
 *
 * One step: find the earliest of (end of run, kubelet sample, restart due,
 * evicted pod's grace period over, a curve's next corner, a limit crossed),
 * move the clock there, and handle what is due in the order the node would:
 * memory freed first, then restarts, then the kernel (limit OOMs from the
 * lowest memcg up, then a global OOM), then the kubelet's sample. Between
 * steps every process's anonymous memory is linear, so a crossing is found
 * by solving a line (in doubles) and confirmed on the integer values.
 *
 * Facts and their sources: reference/kubernetes.md §3 (cgroup layout and
 * limits, memory.oom.group), §4 (eviction, via eviction.h), §5.1 (exit 137,
 * OOMKilled); reference/kernel.md §2 (totalpages), §4-§5 (kill and group
 * kill), §9.1 (the lowest memcg whose limit fails the charge OOMs).
 */
#include "podoom/sim.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/curve.h"
#include "podoom/eviction.h"
#include "podoom/grow.h"
#include "podoom/qos.h"
#include "podoom/quantity.h"

#define PAGE 4096
#define NEVER INT64_MAX
#define USEC 1000000LL

enum ctr_state { C_RUNNING, C_WAITING, C_DONE };
enum pod_phase { P_RUNNING, P_TERMINATING, P_STOPPED, P_DONE };

/* A scenario process's curves, built once and replayed at every start. */
struct pspec {
	const char *comm; /* <= 15 bytes, NUL-terminated in comm_buf */
	char comm_buf[16];
	struct podoom_curve anon, file;
	bool has_adj;
	int adj;
};

struct proc {
	const struct pspec *spec; /* NULL: the pause process */
	int32_t pid;
	int adj;
	uint32_t uid;
	bool alive, frozen;
	size_t ca, cf;	   /* curve cursors */
	int64_t anon, file; /* at s->now */
	double slope;	   /* anon bytes per usec at s->now */
	int64_t grew_usec; /* last time anon went up */
	int64_t frozen_anon;
	int64_t flat_until; /* anon and file hold still until then (absolute) */
};

struct spod;

struct ctr {
	struct spod *pod; /* the pod it belongs to */
	int ci;		  /* index into pod->containers; -1 for the sandbox */
	const char *name; /* "POD" for the sandbox */
	int64_t limit;	  /* memory.max, page-aligned; -1 none */
	int adj;
	bool runs, sidecar;
	struct pspec *specs;
	size_t nspecs;
	struct proc *procs;
	size_t nprocs;
	enum ctr_state state;
	uint32_t restarts;
	int64_t start_usec, finished_usec, restart_at_usec;
	struct podoom_sim_backoff bo;
	bool stalled;
	char id[65];
	char *path;	    /* its memcg, rebuilt at every start */
	char id0[65];	    /* the first start's id and memcg (podoom_sim_container_info) */
	char *path0;
	int64_t anon, file; /* sums at s->now; file after fit_file() */
	int64_t file_want;  /* file before fit_file() */
	double slope;
};

struct spod {
	const struct podoom_scenario_pod *sp;
	struct podoom_sim_pod_info info;
	struct podoom_sim_container_info *cinfo;
	char *path;
	int64_t limit;
	struct ctr *ctrs; /* ctrs[0] is the sandbox */
	size_t nctrs;
	int64_t stop_at_usec;
	int64_t grace_sec;
	int64_t anon, file;
	double slope;
	int64_t *cws;		      /* container working sets for the eviction manager */
	int64_t next_knot;	      /* its processes' next curve corner */
	int64_t flat_until;	      /* all its processes hold still until then */
	int64_t cross_t, cross_until; /* its next limit crossing, valid until then */
	struct podoom_sim_point *series;
	size_t nseries, series_cap;
	enum pod_phase phase;
	bool stalled;
	bool changed;	  /* started, stopped, killed or stalled since eval_all */
	bool cross_dirty; /* cross_t must be recomputed */
	char uid[PODOOM_POD_UID_MAX + 1];
};

/* Everything one OOM needs, built from the live pods in the kernel's order;
 * a scratch the simulator keeps and reuses. */
struct tree {
	struct podoom_memcg *mc;
	struct podoom_simevent_memcg *meta;
	size_t nmc, mc_cap, meta_cap;
	struct podoom_simevent_task *tasks;
	struct podoom_task *raw; /* tasks[].task, contiguous, for the badness API */
	struct proc **procs;	 /* parallel to tasks */
	struct ctr **ctrs;
	struct spod **pods;
	struct task_ref *refs;	 /* the scan order, by pid */
	size_t ntasks, tasks_cap, raw_cap, procs_cap, ctrs_cap, pods_cap, refs_cap;
	int32_t kubepods, qos[PODOOM_QOS_COUNT];
	int32_t *pod_mc; /* per s->pods index */
	int32_t *ctr_mc; /* per pod (from ctr_off), per ctr */
	size_t *ctr_off;
	size_t pod_mc_cap, ctr_mc_cap, ctr_off_cap;
};

struct task_ref {
	int32_t pid;
	struct proc *proc;
	struct ctr *ctr;
	struct spod *pod;
};

/* An event waiting to be handed out, with everything it points to. */
struct qev {
	struct podoom_simevent ev;
	void **allocs;
	size_t nallocs, allocs_cap;
};

struct podoom_sim {
	const struct podoom_scenario *sc;
	struct podoom_sim_options opts;
	struct podoom_sim_node_info node;
	const struct podoom_kernel_profile *kp;
	const struct podoom_kubelet_profile *kl;
	uint64_t seed;
	char *kubepods_path, *qos_path[PODOOM_QOS_COUNT];
	int64_t kubepods_limit; /* page-aligned */

	struct spod *pods;
	size_t npods;

	/* kubelet */
	struct podoom_eviction_manager em;
	struct podoom_eviction_manager em0; /* as configured, before the first step */
	struct podoom_eviction_pod *epods;
	struct podoom_eviction_rank *scratch;
	size_t *epod_map;
	int64_t next_sample_usec;
	int64_t last_sample_usec;
	int64_t last_available;
	/* the memcg threshold notifier (cgroup v1, kernelMemcgNotification):
	 * one level per memory threshold, the working set at which it fires */
	size_t nnotify;
	int64_t notify_level[PODOOM_EVICTION_MAX_THRESHOLDS];
	bool notify_alloc[PODOOM_EVICTION_MAX_THRESHOLDS], notify_armed[PODOOM_EVICTION_MAX_THRESHOLDS];

	/* state */
	int64_t now;
	int64_t kp_anon, kp_file; /* kubepods sums */
	double kp_slope;
	int64_t eval_time, next_knot;		/* eval_all()'s cache: valid unless dirty */
	int64_t next_sched;			/* the next restart or stop, unless sched_dirty */
	int64_t node_cross_t, node_cross_until; /* the kubepods and RAM crossings */
	uint64_t oom_seq;
	struct podoom_sim_point *nseries;
	size_t nnseries, nseries_cap;
	struct tree tree; /* the OOM scratch */

	/* event queue */
	struct qev *q;
	size_t qhead, qn, qcap;

	int32_t next_pid;
	uint32_t prev_met;
	unsigned same_time_steps;
	bool oom_group, kubepods_stalled, prev_pressure, notify;
	bool done, panicked, started;
	bool dirty, sched_dirty, node_cross_dirty;
	bool have_current;
	char root_path[2];
};

/* ---- small helpers ------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	/* FNV-1a over the bytes and a terminator, folded into h */
	uint64_t f = 0xcbf29ce484222325ull;
	for (; s && *s; s++)
		f = (f ^ (unsigned char)*s) * 0x100000001b3ull;
	f = (f ^ 0xff) * 0x100000001b3ull;
	return mix64(h ^ f);
}

static int64_t page_floor(int64_t b)
{
	return b & ~(int64_t)(PAGE - 1);
}

/* people read "1.2 GiB" faster than 1288490188 */
static const char *fmt_bytes(int64_t b, char *buf, size_t size)
{
	if (b < 0 && b != INT64_MIN && size > 1) {
		buf[0] = '-';
		podoom_bytes_format_human(-b, buf + 1, size - 1);
	} else {
		podoom_bytes_format_human(b < 0 ? 0 : b, buf, size);
	}
	return buf;
}

static const char *fmt_time(int64_t usec, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%03llds", (long long)(usec / USEC), (long long)(usec % USEC / 1000));
	return buf;
}

/* ---- event queue ------------------------------------------------------ */

static void qev_fini(struct qev *q)
{
	for (size_t i = 0; i < q->nallocs; i++)
		free(q->allocs[i]);
	free(q->allocs);
	memset(q, 0, sizeof(*q));
}

/* memory owned by the event */
static void *qev_alloc(struct qev *q, size_t size)
{
	void *p;

	if (podoom_grow(&q->allocs, &q->allocs_cap, q->nallocs + 1, sizeof(*q->allocs), 8) < 0)
		return NULL;
	p = calloc(1, size ? size : 1);
	if (p)
		q->allocs[q->nallocs++] = p;
	return p;
}

static const char *qev_str(struct qev *q, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = qev_alloc(q, n);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	return p;
}

static const char *qev_printf(struct qev *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *qev_printf(struct qev *q, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return qev_str(q, buf);
}

/* a new event at s->now, about the node; NULL when out of memory */
static struct qev *emit(struct podoom_sim *s, enum podoom_simevent_type type)
{
	struct qev *q;

	if (s->qhead > 0 && s->qhead == s->qn) {
		s->qhead = s->qn = 0;
	}
	if (podoom_grow(&s->q, &s->qcap, s->qn + 1, sizeof(*s->q), 16) < 0)
		return NULL;
	q = &s->q[s->qn++];
	memset(q, 0, sizeof(*q));
	podoom_simevent_init(&q->ev, type, s->now);
	return q;
}

static void ev_pod(struct podoom_sim *s, struct qev *q, const struct spod *p)
{
	q->ev.namespace = p->info.namespace;
	q->ev.pod = p->info.name;
	q->ev.pod_uid = p->uid;
	q->ev.pod_index = (size_t)(p - s->pods);
	q->ev.qos = p->info.qos;
	q->ev.scope = p->path;
}

static int ev_ctr(struct podoom_sim *s, struct qev *q, const struct spod *p, const struct ctr *c)
{
	ev_pod(s, q, p);
	q->ev.container = c->name;
	q->ev.container_id = qev_str(q, c->id);
	q->ev.scope = qev_str(q, c->path);
	q->ev.limit_bytes = c->limit;
	q->ev.usage_bytes = c->anon + c->file;
	return q->ev.container_id && q->ev.scope ? 0 : -ENOMEM;
}

/* ---- processes and containers --------------------------------------- */

static void proc_eval(struct podoom_sim *s, const struct ctr *c, struct proc *pr, int64_t *next_knot)
{
	int64_t rel = s->now - c->start_usec, na = NEVER, nf = NEVER, before = pr->anon;
	double fslope = 0;

	if (!pr->alive) {
		pr->anon = pr->file = 0;
		pr->slope = 0;
		return;
	}
	if (!pr->spec) {
		pr->anon = PODOOM_SIM_PAUSE_RSS_BYTES;
		pr->file = 0;
		pr->slope = 0;
		return;
	}
	if (s->now < pr->flat_until) {
		/* on flat segments nothing moves until the next corner */
		if (pr->flat_until < *next_knot)
			*next_knot = pr->flat_until;
		return;
	}
	/* memory comes in whole pages */
	pr->file = page_floor(podoom_curve_eval(&pr->spec->file, &pr->cf, rel, &fslope, &nf));
	if (pr->frozen) {
		pr->anon = pr->frozen_anon;
		pr->slope = 0;
	} else {
		pr->anon = page_floor(podoom_curve_eval(&pr->spec->anon, &pr->ca, rel, &pr->slope, &na));
	}
	if (pr->anon > before)
		pr->grew_usec = s->now;
	pr->flat_until = 0;
	if (pr->slope == 0 && fslope == 0) {
		int64_t until = na < nf ? na : nf;
		pr->flat_until = until == NEVER ? NEVER : c->start_usec + until;
	}
	if (na != NEVER && c->start_usec + na < *next_knot)
		*next_knot = c->start_usec + na;
	/* page cache moves only what is shown: its corners matter for the chart */
	if (s->opts.record_series && nf != NEVER && c->start_usec + nf < *next_knot)
		*next_knot = c->start_usec + nf;
}

/* a process's anon at a later time in the same segment, cursors untouched */
static int64_t proc_anon_at(const struct ctr *c, const struct proc *pr, int64_t t)
{
	size_t cur = pr->ca;

	if (!pr->alive)
		return 0;
	if (!pr->spec)
		return PODOOM_SIM_PAUSE_RSS_BYTES;
	if (pr->frozen)
		return pr->frozen_anon;
	return page_floor(podoom_curve_eval(&pr->spec->anon, &cur, t - c->start_usec, NULL, NULL));
}

static bool pod_live(const struct spod *p)
{
	return p->phase == P_RUNNING || p->phase == P_TERMINATING;
}

/* something in @p started, stopped, died or stalled: every cache about it,
 * and the node's sums, must be worked out again */
static void pod_changed(struct podoom_sim *s, struct spod *p)
{
	s->dirty = true;
	s->sched_dirty = true;
	p->changed = true;
	p->cross_dirty = true;
}

/* evaluate every process at s->now; the sums per container, pod, kubepods */
static int64_t eval_all(struct podoom_sim *s)
{
	int64_t next = NEVER;
	bool changed = s->dirty;

	if (!s->dirty && s->eval_time == s->now)
		return s->next_knot;
	if (changed)
		s->node_cross_dirty = true;
	s->kp_anon = s->kp_file = 0;
	s->kp_slope = 0;
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (!pod_live(p)) {
			p->anon = p->file = 0;
			p->slope = 0;
			p->next_knot = NEVER;
			continue;
		}
		if (!p->changed && s->now < p->flat_until) {
			/* nothing in it moves: keep its sums; undo fit_file's trimming */
			p->file = 0;
			for (size_t k = 0; k < p->nctrs; k++) {
				p->ctrs[k].file = p->ctrs[k].file_want;
				p->file += p->ctrs[k].file;
			}
		} else {
			p->anon = p->file = 0;
			p->slope = 0;
			p->next_knot = NEVER;
			p->flat_until = NEVER;
			p->changed = false;
			for (size_t k = 0; k < p->nctrs; k++) {
				struct ctr *c = &p->ctrs[k];
				c->anon = c->file = 0;
				c->slope = 0;
				if (c->state != C_RUNNING)
					continue;
				for (size_t j = 0; j < c->nprocs; j++) {
					struct proc *pr = &c->procs[j];
					proc_eval(s, c, pr, &p->next_knot);
					c->anon += pr->anon;
					c->file += pr->file;
					c->slope += pr->slope;
					if (!pr->alive || !pr->spec)
						continue;
					if (pr->flat_until < p->flat_until)
						p->flat_until = pr->flat_until;
				}
				c->file_want = c->file;
				p->anon += c->anon;
				p->file += c->file;
				p->slope += c->slope;
			}
		}
		if (p->next_knot < next)
			next = p->next_knot;
		s->kp_anon += p->anon;
		s->kp_file += p->file;
		s->kp_slope += p->slope;
	}
	s->dirty = false;
	s->eval_time = s->now;
	s->next_knot = next;
	return next;
}

/*
 * Page cache that fits: each memcg keeps what its limit leaves above its
 * anonymous memory, and the node what RAM leaves; the kernel reclaims the
 * rest. Shared out in proportion, top down. Fills the *file sums.
 */
static void fit_file(struct podoom_sim *s)
{
	int64_t room = s->node.memory_bytes - s->node.system_bytes - s->kp_anon;
	int64_t kroom = s->kubepods_limit - s->kp_anon;
	int64_t want = 0;

	if (kroom < room)
		room = kroom;
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		int64_t pwant = 0;
		if (!pod_live(p))
			continue;
		for (size_t k = 0; k < p->nctrs; k++) {
			struct ctr *c = &p->ctrs[k];
			if (c->state != C_RUNNING)
				continue;
			if (c->limit >= 0 && c->file > c->limit - c->anon)
				c->file = c->limit - c->anon > 0 ? c->limit - c->anon : 0;
			pwant += c->file;
		}
		if (p->limit >= 0 && pwant > 0 && pwant > p->limit - p->anon) {
			int64_t proom = p->limit - p->anon > 0 ? p->limit - p->anon : 0;
			for (size_t k = 0; k < p->nctrs; k++)
				p->ctrs[k].file = (int64_t)((__int128)p->ctrs[k].file * proom / pwant);
			pwant = 0;
			for (size_t k = 0; k < p->nctrs; k++)
				pwant += p->ctrs[k].file;
		}
		p->file = pwant;
		want += pwant;
	}
	if (room < 0)
		room = 0;
	if (want > room) {
		int64_t total = 0;
		for (size_t i = 0; i < s->npods; i++) {
			struct spod *p = &s->pods[i];
			p->file = 0;
			for (size_t k = 0; k < p->nctrs; k++) {
				p->ctrs[k].file = (int64_t)((__int128)p->ctrs[k].file * room / want);
				p->file += p->ctrs[k].file;
			}
			total += p->file;
		}
		want = total;
	}
	s->kp_file = want;
}

/* ---- series ------------------------------------------------------------ */

/* is b (at dt1) within 16 pages of the line from a (at 0) to c (at dt2)? */
static bool near_line(int64_t a, int64_t b, int64_t c, int64_t dt1, int64_t dt2)
{
	__int128 want = (__int128)a * dt2 + (__int128)(c - a) * dt1, got = (__int128)b * dt2;
	__int128 d = want > got ? want - got : got - want;

	return d <= (__int128)16 * PAGE * dt2;
}

static int series_add(struct podoom_sim_point **v, size_t *n, size_t *cap, int64_t t, int64_t ws, int64_t usage)
{
	struct podoom_sim_point pt = {t, ws, usage};

	if (*n > 0) {
		struct podoom_sim_point *last = &(*v)[*n - 1];
		if (last->t_usec == t && last->working_set_bytes == ws && last->usage_bytes == usage)
			return 0;
		/* drop the middle of three points on one line (within 16 pages:
		 * page rounding puts points on a staircase, and no chart shows
		 * 64 KiB) */
		if (*n > 1) {
			struct podoom_sim_point *a = &(*v)[*n - 2];
			int64_t dt1 = last->t_usec - a->t_usec, dt2 = t - a->t_usec;
			if (dt1 > 0 && dt2 > dt1 && near_line(a->working_set_bytes, last->working_set_bytes, ws, dt1, dt2) &&
			    near_line(a->usage_bytes, last->usage_bytes, usage, dt1, dt2)) {
				*last = pt;
				return 0;
			}
		}
	}
	if (podoom_grow(v, cap, *n + 1, sizeof(**v), 64) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = pt;
	return 0;
}

static int record_series(struct podoom_sim *s)
{
	if (!s->opts.record_series)
		return 0;
	fit_file(s);
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (series_add(&p->series, &p->nseries, &p->series_cap, s->now, p->anon, p->anon + p->file) < 0)
			return -ENOMEM;
	}
	return series_add(&s->nseries, &s->nnseries, &s->nseries_cap, s->now, s->node.system_bytes + s->kp_anon,
			  s->node.system_bytes + s->kp_anon + s->kp_file);
}

/* ---- starting and stopping ---------------------------------------------- */

static void make_container_id(const struct podoom_sim *s, const struct spod *p, const struct ctr *c, char *out)
{
	uint64_t h = hash_str(hash_str(hash_str(s->seed ^ 0x636f6e7461696e65ull, p->uid), c->name), "restart");
	h = mix64(h + c->restarts);
	for (int w = 0; w < 4; w++) {
		h = mix64(h);
		snprintf(out + 16 * w, 17, "%016llx", (unsigned long long)h);
	}
}

static int ctr_path(const struct podoom_sim *s, const struct spod *p, struct ctr *c)
{
	struct podoom_cgroup_spec spec = {
		.driver = s->node.driver,
		.level = PODOOM_CGROUP_LEVEL_CONTAINER,
		.qos = p->info.qos,
		.pod_uid = p->uid,
		.runtime = PODOOM_RUNTIME_CONTAINERD,
		.container_id = c->id,
	};
	char buf[PODOOM_CGROUP_PATH_MAX];
	int r = podoom_cgroup_path_format(&spec, buf, sizeof(buf));
	char *np;

	if (r < 0)
		return r;
	np = realloc(c->path, (size_t)r + 1);
	if (!np)
		return -ENOMEM;
	memcpy(np, buf, (size_t)r + 1);
	c->path = np;
	return 0;
}

static int ctr_start(struct podoom_sim *s, struct spod *p, struct ctr *c)
{
	int r;

	make_container_id(s, p, c, c->id);
	r = ctr_path(s, p, c);
	if (r < 0)
		return r;
	c->state = C_RUNNING;
	c->start_usec = s->now;
	c->stalled = false;
	pod_changed(s, p);
	for (size_t j = 0; j < c->nprocs; j++) {
		struct proc *pr = &c->procs[j];
		memset(pr, 0, sizeof(*pr));
		pr->spec = c->ci < 0 ? NULL : &c->specs[j];
		pr->pid = s->next_pid++;
		if (s->next_pid >= 4194304) /* pid_max on 64-bit */
			s->next_pid = 300;  /* RESERVED_PIDS, where the kernel wraps to */
		pr->uid = c->ci < 0 ? 65535 : 0; /* the pause image runs as 65535 */
		pr->adj = c->ci < 0 ? PODOOM_SIM_PAUSE_OOM_SCORE_ADJ
				    : (pr->spec->has_adj ? pr->spec->adj : c->adj);
		if (s->opts.has_adj_floor && pr->adj < s->opts.adj_floor)
			pr->adj = s->opts.adj_refused_value;
		pr->alive = true;
		pr->grew_usec = s->now;
	}
	return 0;
}

static void ctr_stop(struct podoom_sim *s, struct ctr *c)
{
	pod_changed(s, c->pod);
	for (size_t j = 0; j < c->nprocs; j++) {
		c->procs[j].alive = false;
		c->procs[j].anon = c->procs[j].file = 0;
		c->procs[j].slope = 0;
	}
	c->anon = c->file = 0;
	c->slope = 0;
}

bool podoom_sim_restarts(const struct podoom_pod *pod, bool sidecar, int exit_code)
{
	const char *rp = pod->restart_policy;

	if (sidecar)
		return true; /* restartable init containers restart whatever the pod says */
	if (!rp || strcmp(rp, "Always") == 0)
		return true;
	if (strcmp(rp, "OnFailure") == 0)
		return exit_code != 0;
	return false;
}

/*
 * When the kubelet starts an exited container again (kuberuntime doBackOff
 * and flowcontrol.Backoff): not while now - finishedAt < the entry's
 * back-off; an entry not updated for 2 x the maximum is stale. The first
 * restart comes as soon as the kubelet notices the exit (its next relist)
 * and sets the back-off to 10 s; each later one doubles it up to 5 min.
 */
int64_t podoom_sim_backoff_restart_at(const struct podoom_sim_backoff *b, int64_t finished_usec)
{
	int64_t wait = 0;

	if (b->has && !(finished_usec - b->updated_usec > 2 * PODOOM_SIM_BACKOFF_MAX_USEC))
		wait = b->usec;
	return finished_usec + (wait > PODOOM_SIM_RELIST_USEC ? wait : PODOOM_SIM_RELIST_USEC);
}

void podoom_sim_backoff_next(struct podoom_sim_backoff *b, int64_t finished_usec, int64_t now_usec)
{
	if (!b->has || finished_usec - b->updated_usec > 2 * PODOOM_SIM_BACKOFF_MAX_USEC) {
		b->usec = PODOOM_SIM_BACKOFF_INITIAL_USEC;
	} else {
		b->usec *= 2;
		if (b->usec > PODOOM_SIM_BACKOFF_MAX_USEC)
			b->usec = PODOOM_SIM_BACKOFF_MAX_USEC;
	}
	b->has = true;
	b->updated_usec = now_usec;
}

/* every regular container is done and will not restart: the pod is over */
static void pod_check_done(struct podoom_sim *s, struct spod *p)
{
	bool any = false;

	for (size_t k = 1; k < p->nctrs; k++)
		if (p->ctrs[k].runs && !p->ctrs[k].sidecar && p->ctrs[k].state != C_DONE)
			any = true;
	if (any || p->phase != P_RUNNING)
		return;
	p->phase = P_DONE;
	for (size_t k = 0; k < p->nctrs; k++) {
		ctr_stop(s, &p->ctrs[k]);
		p->ctrs[k].state = C_DONE;
	}
}

/* the container's main process died at s->now */
static int ctr_exited(struct podoom_sim *s, struct spod *p, struct ctr *c, const char *reason, int exit_code,
		      const char *cause)
{
	struct qev *q;
	char a[32], t[32];
	int64_t freed = c->anon + c->file;

	ctr_stop(s, c);
	c->finished_usec = s->now;
	q = emit(s, PODOOM_SIMEVENT_CONTAINER_EXIT);
	if (!q || ev_ctr(s, q, p, c) < 0)
		return -ENOMEM;
	q->ev.usage_bytes = freed;
	q->ev.exit_code = exit_code;
	q->ev.reason = reason;
	q->ev.restart_count = c->restarts;
	if (p->phase == P_RUNNING && podoom_sim_restarts(&p->sp->pod, c->sidecar, exit_code)) {
		c->state = C_WAITING;
		c->restart_at_usec = podoom_sim_backoff_restart_at(&c->bo, s->now);
		q->ev.backoff_usec = c->restart_at_usec - s->now;
		if (q->ev.backoff_usec <= PODOOM_SIM_RELIST_USEC)
			q->ev.why = qev_printf(q,
					       "%s; exit code %d (%s); the kubelet notices at its next relist (1s) and "
					       "starts it again without back-off",
					       cause, exit_code, reason);
		else
			q->ev.why = qev_printf(q,
					       "%s; exit code %d (%s); CrashLoopBackOff: the kubelet waits %s "
					       "(back-off doubles from 10s to 5m) and starts it at %s",
					       cause, exit_code, reason, fmt_time(q->ev.backoff_usec, a, sizeof(a)),
					       fmt_time(c->restart_at_usec, t, sizeof(t)));
	} else {
		c->state = C_DONE;
		q->ev.why = qev_printf(q, "%s; exit code %d (%s); restartPolicy %s: it stays terminated", cause,
				       exit_code, reason, p->sp->pod.restart_policy ? p->sp->pod.restart_policy : "Always");
		pod_check_done(s, p);
	}
	return q->ev.why ? 0 : -ENOMEM;
}

/* ---- the memcg tree as the kernel sees it --------------------------------- */

static uint64_t pages_or_max(int64_t limit)
{
	return limit < 0 ? (uint64_t)PODOOM_PAGE_COUNTER_MAX : (uint64_t)limit / PAGE;
}

static int32_t tree_add(struct tree *t, int32_t parent, const char *path, int64_t limit, bool oom_group,
			bool swap_zero, int64_t anon, int64_t file)
{
	int32_t i = (int32_t)t->nmc++;

	t->mc[i] = (struct podoom_memcg){
		.parent = parent,
		.oom_group = oom_group,
		.max_pages = pages_or_max(limit),
		/* NoSwap, the kubelet's default swapBehavior: containers get
		 * memory.swap.max 0; the levels above keep "max" */
		.swap_max_pages = swap_zero ? 0 : (uint64_t)PODOOM_PAGE_COUNTER_MAX,
		.memsw_max_pages = (uint64_t)PODOOM_PAGE_COUNTER_MAX,
		.swappiness = 60,
	};
	t->meta[i] = (struct podoom_simevent_memcg){
		.path = path, .usage_bytes = anon + file, .limit_bytes = limit, .anon_bytes = anon, .file_bytes = file};
	return i;
}

static void tree_fini(struct tree *t)
{
	free(t->mc);
	free(t->meta);
	free(t->tasks);
	free(t->raw);
	free(t->procs);
	free(t->ctrs);
	free(t->pods);
	free(t->refs);
	free(t->pod_mc);
	free(t->ctr_mc);
	free(t->ctr_off);
	memset(t, 0, sizeof(*t));
}

static int ref_cmp(const void *a, const void *b)
{
	const struct task_ref *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int32_t *ctr_mc(struct tree *t, size_t pod, size_t k)
{
	return &t->ctr_mc[t->ctr_off[pod] + k];
}

static void tree_add_pod(struct podoom_sim *s, struct tree *t, struct spod *p, int32_t parent)
{
	size_t pi = (size_t)(p - s->pods);
	int32_t pm = tree_add(t, parent, p->path, p->limit, false, false, p->anon, p->file);

	t->pod_mc[pi] = pm;
	/* the sandbox first, then containers in the order they were (re)started */
	for (;;) {
		struct ctr *next = NULL;
		for (size_t k = 0; k < p->nctrs; k++) {
			struct ctr *c = &p->ctrs[k];
			if (c->state != C_RUNNING || *ctr_mc(t, pi, k) >= 0)
				continue;
			if (!next || c->start_usec < next->start_usec)
				next = c;
		}
		if (!next)
			break;
		*ctr_mc(t, pi, (size_t)(next - p->ctrs)) =
			tree_add(t, pm, next->path, next->limit, next->ci >= 0 && s->oom_group, next->ci >= 0,
				 next->anon, next->file);
	}
}

static int tree_reserve(struct tree *t, size_t nmc, size_t nproc, size_t npods, size_t nctr)
{
	if (podoom_grow(&t->mc, &t->mc_cap, nmc, sizeof(*t->mc), 64) < 0 ||
	    podoom_grow(&t->meta, &t->meta_cap, nmc, sizeof(*t->meta), 64) < 0 ||
	    podoom_grow(&t->tasks, &t->tasks_cap, nproc, sizeof(*t->tasks), 64) < 0 ||
	    podoom_grow(&t->raw, &t->raw_cap, nproc, sizeof(*t->raw), 64) < 0 ||
	    podoom_grow(&t->procs, &t->procs_cap, nproc, sizeof(*t->procs), 64) < 0 ||
	    podoom_grow(&t->ctrs, &t->ctrs_cap, nproc, sizeof(*t->ctrs), 64) < 0 ||
	    podoom_grow(&t->pods, &t->pods_cap, nproc, sizeof(*t->pods), 64) < 0 ||
	    podoom_grow(&t->refs, &t->refs_cap, nproc, sizeof(*t->refs), 64) < 0 ||
	    podoom_grow(&t->pod_mc, &t->pod_mc_cap, npods, sizeof(*t->pod_mc), 16) < 0 ||
	    podoom_grow(&t->ctr_off, &t->ctr_off_cap, npods, sizeof(*t->ctr_off), 16) < 0 ||
	    podoom_grow(&t->ctr_mc, &t->ctr_mc_cap, nctr, sizeof(*t->ctr_mc), 64) < 0)
		return -ENOMEM;
	return 0;
}

/* Build the node's memcgs in pre-order (children in creation order) and its
 * tasks in pid order, which is the global scan's order, into s->tree. */
static int tree_build(struct podoom_sim *s, struct tree **ret)
{
	struct tree *t = &s->tree;
	size_t nctr = 0, nproc = 0, k = 0;

	fit_file(s);
	for (size_t i = 0; i < s->npods; i++) {
		nctr += s->pods[i].nctrs;
		for (size_t c = 0; c < s->pods[i].nctrs; c++)
			nproc += s->pods[i].ctrs[c].nprocs;
	}
	if (tree_reserve(t, 4 + s->npods + nctr, nproc + 1, s->npods + 1, nctr + 1) < 0)
		return -ENOMEM;
	t->nmc = t->ntasks = 0;
	for (size_t i = 0, off = 0; i < s->npods; i++) {
		t->ctr_off[i] = off;
		t->pod_mc[i] = -1;
		for (size_t c = 0; c < s->pods[i].nctrs; c++)
			t->ctr_mc[off + c] = -1;
		off += s->pods[i].nctrs;
	}
	tree_add(t, -1, s->root_path, -1, false, false, s->node.system_bytes + s->kp_anon, s->kp_file);
	t->kubepods = tree_add(t, 0, s->kubepods_path, s->kubepods_limit, false, false, s->kp_anon, s->kp_file);
	for (int q = PODOOM_QOS_BURSTABLE; q <= PODOOM_QOS_BESTEFFORT; q++) {
		int64_t anon = 0, file = 0;
		for (size_t i = 0; i < s->npods; i++)
			if (pod_live(&s->pods[i]) && s->pods[i].info.qos == (enum podoom_qos)q) {
				anon += s->pods[i].anon;
				file += s->pods[i].file;
			}
		t->qos[q] = tree_add(t, t->kubepods, s->qos_path[q], -1, false, false, anon, file);
		for (size_t i = 0; i < s->npods; i++)
			if (pod_live(&s->pods[i]) && s->pods[i].info.qos == (enum podoom_qos)q)
				tree_add_pod(s, t, &s->pods[i], t->qos[q]);
	}
	t->qos[PODOOM_QOS_GUARANTEED] = t->kubepods;
	for (size_t i = 0; i < s->npods; i++)
		if (pod_live(&s->pods[i]) && s->pods[i].info.qos == PODOOM_QOS_GUARANTEED)
			tree_add_pod(s, t, &s->pods[i], t->kubepods);
	/* the tasks, in pid order */
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (!pod_live(p))
			continue;
		for (size_t c = 0; c < p->nctrs; c++) {
			struct ctr *ct = &p->ctrs[c];
			if (ct->state != C_RUNNING)
				continue;
			for (size_t j = 0; j < ct->nprocs; j++)
				if (ct->procs[j].alive)
					t->refs[k++] = (struct task_ref){ct->procs[j].pid, &ct->procs[j], ct, p};
		}
	}
	/* pids only grow here (a wrap would need 4 million starts) */
	qsort(t->refs, k, sizeof(*t->refs), ref_cmp);
	for (size_t i = 0; i < k; i++) {
		struct proc *pr = t->refs[i].proc;
		struct ctr *ct = t->refs[i].ctr;
		struct spod *p = t->refs[i].pod;
		struct podoom_simevent_task *st = &t->tasks[i];
		uint64_t anon_pages = (uint64_t)pr->anon / PAGE;
		memset(st, 0, sizeof(*st));
		st->task.pid = st->task.tgid = pr->pid;
		/* a container's other processes are children of its first */
		st->task.ppid = pr == &ct->procs[0] ? 0 : ct->procs[0].pid;
		st->task.uid = pr->uid;
		snprintf(st->task.comm, sizeof(st->task.comm), "%s", pr->spec ? pr->spec->comm : "pause");
		st->task.oom_score_adj = pr->adj;
		st->task.rss_pages = anon_pages;
		/* one 4 KiB page-table page maps 2 MiB, plus the levels above */
		st->task.pgtables_bytes = ((uint64_t)pr->anon / (2u << 20) + 2) * PAGE;
		st->task.memcg = *ctr_mc(t, (size_t)(p - s->pods), (size_t)(ct - p->ctrs));
		st->rss_anon_pages = anon_pages;
		st->points = PODOOM_BADNESS_INELIGIBLE;
		t->raw[i] = st->task;
		t->procs[i] = pr;
		t->ctrs[i] = ct;
		t->pods[i] = p;
	}
	t->ntasks = k;
	*ret = t;
	return 0;
}

/* ---- the kernel's OOM killer ------------------------------------------------ */

enum level { LV_CONTAINER, LV_POD, LV_KUBEPODS, LV_GLOBAL };

static int rank_cmp(const void *a, const void *b)
{
	const struct podoom_simevent_rank *x = a, *y = b;
	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* the allocating task: the fastest-growing one in scope, else the last to grow */
static size_t pick_trigger(const struct tree *t, const struct podoom_oom_scope *scope, size_t victim)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < t->ntasks; i++) {
		const struct proc *pr = t->procs[i];
		int32_t m = t->raw[i].memcg;
		bool in = scope->oom_memcg < 0;
		for (; m >= 0 && !in; m = t->mc[m].parent)
			in = m == scope->oom_memcg;
		if (!in)
			continue;
		if (best == SIZE_MAX)
			best = i;
		else if (pr->slope > t->procs[best]->slope)
			best = i;
		else if (pr->slope == t->procs[best]->slope && t->procs[best]->slope <= 0 &&
			 pr->grew_usec > t->procs[best]->grew_usec)
			best = i;
	}
	return best == SIZE_MAX ? victim : best;
}

static const char *level_what(enum level lv)
{
	switch (lv) {
	case LV_CONTAINER:
		return "its memory limit";
	case LV_POD:
		return "the pod's limit";
	case LV_KUBEPODS:
		return "the kubepods limit (node allocatable)";
	case LV_GLOBAL:
		break;
	}
	return "the node's RAM";
}

static void stall(struct podoom_sim *s, enum level lv, struct spod *p, struct ctr *c)
{
	/* the processes that were growing hang in the page fault */
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *pp = &s->pods[i];
		if (!pod_live(pp) || (p && pp != p))
			continue;
		for (size_t k = 0; k < pp->nctrs; k++) {
			struct ctr *cc = &pp->ctrs[k];
			if (cc->state != C_RUNNING || (c && cc != c))
				continue;
			for (size_t j = 0; j < cc->nprocs; j++) {
				struct proc *pr = &cc->procs[j];
				if (pr->alive && !pr->frozen && (pr->slope > 0 || pr->grew_usec == s->now)) {
					pod_changed(s, pp);
					pr->frozen = true;
					pr->flat_until = 0;
					pr->frozen_anon = pr->anon;
				}
			}
		}
	}
	s->dirty = true;
	if (p)
		pod_changed(s, p);
	if (lv == LV_CONTAINER && c)
		c->stalled = true;
	else if (lv == LV_POD && p)
		p->stalled = true;
	else if (lv == LV_KUBEPODS)
		s->kubepods_stalled = true;
}

static enum podoom_oom_class level_class(enum level lv)
{
	switch (lv) {
	case LV_CONTAINER:
		return PODOOM_OOM_CLASS_CONTAINER_LIMIT;
	case LV_POD:
		return PODOOM_OOM_CLASS_POD_LIMIT;
	case LV_KUBEPODS:
		return PODOOM_OOM_CLASS_NODE_ALLOCATABLE;
	case LV_GLOBAL:
		break;
	}
	return PODOOM_OOM_CLASS_GLOBAL;
}

/* kill one task; a container's main process takes the container with it */
static int kill_task(struct podoom_sim *s, struct tree *t, size_t i)
{
	struct proc *pr = t->procs[i];
	struct ctr *c = t->ctrs[i];
	struct spod *p = t->pods[i];
	char cause[200];
	int r = 0;

	if (!pr->alive)
		return 0;
	pr->alive = false;
	pr->anon = pr->file = 0;
	pr->slope = 0;
	pod_changed(s, p);
	if (c->ci < 0) {
		/* the sandbox died: the kubelet sees "Pod sandbox changed, it will be
		 * killed and re-created" (SyncPod), kills every container and starts
		 * a new sandbox; the containers restart under their back-off */
		snprintf(cause, sizeof(cause),
			 "the pod sandbox (pause, pid %d) was OOM-killed, so the kubelet re-creates the "
			 "sandbox and kills every container",
			 pr->pid);
		for (size_t k = 1; k < p->nctrs && r == 0; k++)
			if (p->ctrs[k].state == C_RUNNING)
				r = ctr_exited(s, p, &p->ctrs[k], "Error", 137, cause);
		ctr_stop(s, c);
		c->finished_usec = s->now;
		if (p->phase == P_RUNNING) {
			/* a new sandbox at the kubelet's next relist, without back-off */
			c->state = C_WAITING;
			c->restart_at_usec = s->now + PODOOM_SIM_RELIST_USEC;
		} else {
			c->state = C_DONE;
		}
		return r;
	}
	if (pr != &c->procs[0])
		return 0; /* the container keeps running without it */
	snprintf(cause, sizeof(cause), "its main process %s (pid %d) was OOM-killed", pr->spec->comm, pr->pid);
	return ctr_exited(s, p, c, "OOMKilled", 137, cause);
}

/* The scope's memcg, limit and usage for an OOM at level @lv. */
static void oom_scope_of(const struct podoom_sim *s, const struct tree *t, enum level lv, const struct spod *p,
			 const struct ctr *c, int32_t *mc, int64_t *limit, int64_t *usage)
{
	switch (lv) {
	case LV_CONTAINER:
		*mc = t->ctr_mc[t->ctr_off[p - s->pods] + (size_t)(c - p->ctrs)], *limit = c->limit, *usage = c->anon;
		return;
	case LV_POD:
		*mc = t->pod_mc[p - s->pods], *limit = p->limit, *usage = p->anon;
		return;
	case LV_KUBEPODS:
		*mc = t->kubepods, *limit = s->kubepods_limit, *usage = s->kp_anon;
		return;
	case LV_GLOBAL:
		break;
	}
	*mc = -1, *limit = s->node.memory_bytes, *usage = s->node.system_bytes + s->kp_anon;
}

static int oom_no_victim(struct podoom_sim *s, const struct tree *t, enum level lv, struct spod *p, struct ctr *c,
			 int32_t mc, int64_t limit, int64_t usage)
{
	struct qev *q = emit(s, lv == LV_GLOBAL ? PODOOM_SIMEVENT_PANIC : PODOOM_SIMEVENT_OOM_STALL);
	char a[32];

	if (!q)
		return -ENOMEM;
	if (c) {
		if (ev_ctr(s, q, p, c) < 0)
			return -ENOMEM;
	} else if (p) {
		ev_pod(s, q, p);
	}
	q->ev.scope = qev_str(q, mc >= 0 ? t->meta[mc].path : "/");
	q->ev.kind = level_class(lv);
	q->ev.limit_bytes = limit;
	q->ev.usage_bytes = usage;
	if (lv == LV_GLOBAL) {
		q->ev.why = "the node ran out of memory and no process may be killed (every one has "
			    "oom_score_adj -1000): the kernel panics, \"System is deadlocked on memory\"";
		s->panicked = true;
	} else {
		q->ev.why = qev_printf(q,
				       "%s reached %s of %s and no process in it may be killed (oom_score_adj "
				       "-1000): \"Out of memory and no killable processes...\"; the allocating "
				       "processes hang in the page fault",
				       lv == LV_KUBEPODS ? "all pods together" : (lv == LV_POD ? "the pod" : "the container"),
				       level_what(lv), fmt_bytes(limit, a, sizeof(a)));
		stall(s, lv, p, c);
	}
	return q->ev.scope && q->ev.why ? 0 : -ENOMEM;
}

/* the victim record's why */
static const char *oom_why(struct podoom_sim *s, struct qev *q, const struct tree *t, enum level lv, int64_t limit,
			   size_t sel, size_t victim, size_t trigger, size_t nrank, size_t ngroup, const char *group_path)
{
	const struct podoom_task *v = &t->raw[sel];
	char a[32], b[32], c[32], d[32], when[200] = "", trig[100] = "", grp[300] = "", child[200] = "", among[48];
	const char *cls = podoom_oom_class_to_string(level_class(lv));

	if (trigger != victim)
		snprintf(trig, sizeof(trig), "; %s (pid %d) was the one allocating", t->raw[trigger].comm,
			 t->raw[trigger].pid);
	if (sel != victim)
		snprintf(child, sizeof(child), "; kernel %s then sacrifices its child %s (pid %d) instead (\"Kill process %d "
			 "(%s) score N or sacrifice child\", until 5.0)",
			 s->kp->name, t->raw[victim].comm, t->raw[victim].pid, v->pid, v->comm);
	if (ngroup > 0)
		snprintf(grp, sizeof(grp), "; memory.oom.group takes the other %zu process%s of %s with it", ngroup,
			 ngroup == 1 ? "" : "es", group_path);
	if (nrank == 1)
		snprintf(among, sizeof(among), "the only candidate");
	else
		snprintf(among, sizeof(among), "the most of %zu candidates", nrank);
	if (lv != LV_GLOBAL)
		return qev_printf(q,
				  "%s OOM: %s reached %s of %s (page cache already reclaimed); the memcg OOM killer "
				  "chose %s (pid %d, oom_score_adj %d) with %lld points, %s%s%s%s",
				  cls,
				  lv == LV_KUBEPODS ? "all pods together" : (lv == LV_POD ? "the pod" : "the container"),
				  level_what(lv), fmt_bytes(limit, a, sizeof(a)), v->comm, v->pid, v->oom_score_adj,
				  (long long)t->tasks[sel].points, among, child, trig, grp);
	if (s->last_sample_usec >= 0)
		snprintf(when, sizeof(when),
			 "; the kubelet last looked at %s (memory.available %s) and looks again at %s: too late",
			 fmt_time(s->last_sample_usec, a, sizeof(a)), fmt_bytes(s->last_available, b, sizeof(b)),
			 fmt_time(s->next_sample_usec, c, sizeof(c)));
	return qev_printf(q,
			  "%s OOM: the node's %s of RAM are used up (system %s, pods %s)%s; the kernel's OOM killer "
			  "chose %s (pid %d, oom_score_adj %d) with %lld points, the most of %zu candidates "
			  "node-wide%s%s%s",
			  cls, fmt_bytes(s->node.memory_bytes, a, sizeof(a)), fmt_bytes(s->node.system_bytes, b, sizeof(b)),
			  fmt_bytes(s->kp_anon, d, sizeof(d)), when, v->comm, v->pid, v->oom_score_adj,
			  (long long)t->tasks[sel].points, nrank, child, trig, grp);
}

/* one record per process a group kill takes besides the victim */
static int oom_group_record(struct podoom_sim *s, const struct tree *t, size_t i, size_t victim, enum level lv,
			    int32_t mc, int32_t group, int64_t limit)
{
	struct qev *g = emit(s, PODOOM_SIMEVENT_OOM_KILL);

	if (!g)
		return -ENOMEM;
	ev_pod(s, g, t->pods[i]);
	g->ev.container = t->ctrs[i]->name;
	g->ev.container_id = qev_str(g, t->ctrs[i]->id);
	g->ev.process = qev_str(g, t->raw[i].comm);
	g->ev.pid = t->raw[i].pid;
	g->ev.oom_score_adj = t->raw[i].oom_score_adj;
	g->ev.main_process = t->procs[i] == &t->ctrs[i]->procs[0];
	g->ev.scope = qev_str(g, mc >= 0 ? t->meta[mc].path : "/");
	g->ev.kind = level_class(lv);
	g->ev.oom_seq = s->oom_seq;
	g->ev.group_member = true;
	g->ev.oom_group = qev_str(g, t->meta[group].path);
	g->ev.limit_bytes = limit;
	g->ev.why = qev_printf(g, "killed with %s (pid %d): memory.oom.group=1 on %s kills the whole group",
			       t->raw[victim].comm, t->raw[victim].pid, t->meta[group].path);
	return g->ev.container_id && g->ev.process && g->ev.scope && g->ev.oom_group && g->ev.why ? 0 : -ENOMEM;
}

static bool task_in(const struct tree *t, size_t i, int32_t mc)
{
	if (mc < 0)
		return true;
	for (int32_t m = t->raw[i].memcg; m >= 0; m = t->mc[m].parent)
		if (m == mc)
			return true;
	return false;
}

/* the victim's record: the whole report (ranking, task table, memcgs) */
static int oom_record(struct podoom_sim *s, struct tree *t, enum level lv, const struct podoom_oom_scope *scope,
		      size_t sel, size_t victim, size_t trigger, int32_t group, size_t ngroup, int64_t limit, int64_t usage)
{
	struct qev *q = emit(s, PODOOM_SIMEVENT_OOM_KILL);
	struct podoom_simevent_rank *rank;
	struct podoom_simevent_task *tasks;
	struct podoom_simevent_memcg *meta;
	int32_t mc = scope->oom_memcg;
	size_t nrank = 0;

	if (!q)
		return -ENOMEM;
	rank = qev_alloc(q, (t->ntasks + 1) * sizeof(*rank));
	tasks = qev_alloc(q, (t->ntasks + 1) * sizeof(*tasks));
	meta = qev_alloc(q, (t->nmc + 1) * sizeof(*meta));
	if (!rank || !tasks || !meta)
		return -ENOMEM;
	for (size_t i = 0; i < t->ntasks; i++) {
		if (!task_in(t, i, mc))
			continue;
		t->tasks[i].points = podoom_badness(s->kp, scope, &t->raw[i]);
		if (t->tasks[i].points == PODOOM_BADNESS_INELIGIBLE)
			continue;
		rank[nrank].pid = t->raw[i].pid;
		memcpy(rank[nrank].comm, t->raw[i].comm, sizeof(rank[nrank].comm));
		rank[nrank].points = t->tasks[i].points;
		nrank++;
	}
	qsort(rank, nrank, sizeof(*rank), rank_cmp);
	memcpy(tasks, t->tasks, t->ntasks * sizeof(*tasks));
	{
		/* every path in one block: the event outlives the paths it copies */
		size_t total = 0, off = 0;
		char *block;
		for (size_t i = 0; i < t->nmc; i++)
			total += strlen(t->meta[i].path) + 1;
		block = qev_alloc(q, total);
		if (!block)
			return -ENOMEM;
		for (size_t i = 0; i < t->nmc; i++) {
			size_t len = strlen(t->meta[i].path) + 1;
			meta[i] = t->meta[i];
			meta[i].path = memcpy(block + off, t->meta[i].path, len);
			off += len;
		}
	}
	ev_pod(s, q, t->pods[victim]);
	q->ev.container = t->ctrs[victim]->name;
	q->ev.container_id = qev_str(q, t->ctrs[victim]->id);
	q->ev.process = qev_str(q, t->raw[victim].comm);
	q->ev.pid = t->raw[victim].pid;
	q->ev.oom_score_adj = t->raw[victim].oom_score_adj;
	q->ev.main_process = t->ctrs[victim]->ci >= 0 && t->procs[victim] == &t->ctrs[victim]->procs[0];
	q->ev.scope = mc >= 0 ? meta[mc].path : "/";
	q->ev.kind = level_class(lv);
	q->ev.limit_bytes = limit;
	q->ev.usage_bytes = lv == LV_GLOBAL ? usage : limit;
	q->ev.oom_seq = s->oom_seq;
	q->ev.oom_group = group >= 0 ? meta[group].path : NULL;
	q->ev.ranking = rank;
	q->ev.nranking = nrank;
	q->ev.tasks = tasks;
	q->ev.ntasks = t->ntasks;
	q->ev.memcgs = meta;
	q->ev.nmemcgs = t->nmc;
	q->ev.oom_memcg = mc;
	q->ev.victim = victim;
	q->ev.selected = sel;
	q->ev.trigger = trigger;
	q->ev.totalpages = scope->totalpages;
	q->ev.why = oom_why(s, q, t, lv, limit, sel, victim, trigger, nrank, ngroup, group >= 0 ? meta[group].path : "");
	return q->ev.why && q->ev.container_id && q->ev.process ? 0 : -ENOMEM;
}

/*
 * An OOM at level @lv (the container @c, the pod @p, kubepods, or the node):
 * the kernel model picks the victim in the scope with the profile's scan and
 * tie-breaking, memory.oom.group widens the kill, and the memory comes back
 * at once (the reaper's delay is not modelled).
 */
static int oom(struct podoom_sim *s, enum level lv, struct spod *p, struct ctr *c)
{
	struct tree *t;
	struct podoom_oom_scope scope;
	size_t sel = 0, victim = 0, trigger, nkill = 0, *kills = NULL;
	int32_t group = -1, mc;
	int64_t limit, usage;
	int r;

	r = tree_build(s, &t);
	if (r < 0)
		return r;
	oom_scope_of(s, t, lv, p, c, &mc, &limit, &usage);
	scope = (struct podoom_oom_scope){
		.memcgs = t->mc,
		.n_memcgs = t->nmc,
		.oom_memcg = mc,
		.page_size = PAGE,
		.cgroup_v2 = s->node.cgroup_version == 2,
	};
	if (mc >= 0) {
		/* at the OOM the page cache has been reclaimed: usage sits at the limit */
		t->meta[mc].usage_bytes = limit;
		t->meta[mc].file_bytes = 0;
		t->meta[mc].anon_bytes = usage < limit ? usage : limit;
		scope.totalpages = podoom_totalpages_memcg(&t->mc[mc], false, (uint64_t)s->node.swap_bytes / PAGE);
	} else {
		scope.totalpages =
			podoom_totalpages_global((uint64_t)s->node.memory_bytes / PAGE, (uint64_t)s->node.swap_bytes / PAGE);
	}
	r = podoom_badness_select(s->kp, &scope, t->raw, t->ntasks, &sel);
	if (r == 0)
		r = podoom_badness_victim(s->kp, &scope, t->raw, t->ntasks, sel, &victim);
	if (r == -ENOENT || r == -EAGAIN) {
		r = oom_no_victim(s, t, lv, p, c, mc, limit, usage);
		goto out;
	}
	if (r < 0 || (r = podoom_oom_group(s->kp, &scope, t->raw[victim].memcg, &group)) < 0)
		goto out;
	kills = calloc(t->ntasks + 1, sizeof(*kills));
	if (!kills) {
		r = -ENOMEM;
		goto out;
	}
	kills[nkill++] = victim;
	for (size_t i = 0; group >= 0 && i < t->ntasks; i++)
		if (i != victim && podoom_oom_group_kills(&scope, group, &t->raw[i]))
			kills[nkill++] = i;
	trigger = pick_trigger(t, &scope, victim);
	s->oom_seq++;
	r = oom_record(s, t, lv, &scope, sel, victim, trigger, group, nkill - 1, limit, usage);
	for (size_t k = 1; k < nkill && r == 0; k++)
		r = oom_group_record(s, t, kills[k], victim, lv, mc, group, limit);
	for (size_t k = 0; k < nkill && r == 0; k++)
		r = kill_task(s, t, kills[k]);
out:
	free(kills);
	return r;
}

/* the lowest memcg over its limit, or the node out of RAM */
static bool find_over(struct podoom_sim *s, enum level *lv, struct spod **pp, struct ctr **cc)
{
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (!pod_live(p))
			continue;
		for (size_t k = 0; k < p->nctrs; k++) {
			struct ctr *c = &p->ctrs[k];
			if (c->state != C_RUNNING || c->limit < 0)
				continue;
			if (c->anon <= c->limit) {
				if (c->stalled)
					c->stalled = false, pod_changed(s, p);
			} else if (!c->stalled) {
				*lv = LV_CONTAINER, *pp = p, *cc = c;
				return true;
			}
		}
	}
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (!pod_live(p) || p->limit < 0)
			continue;
		if (p->anon <= p->limit) {
			if (p->stalled)
				p->stalled = false, pod_changed(s, p);
		} else if (!p->stalled) {
			*lv = LV_POD, *pp = p, *cc = NULL;
			return true;
		}
	}
	if (s->kp_anon <= s->kubepods_limit)
		s->kubepods_stalled = false;
	else if (!s->kubepods_stalled) {
		*lv = LV_KUBEPODS, *pp = NULL, *cc = NULL;
		return true;
	}
	if (s->node.system_bytes + s->kp_anon > s->node.memory_bytes) {
		*lv = LV_GLOBAL, *pp = NULL, *cc = NULL;
		return true;
	}
	return false;
}

static int kernel_step(struct podoom_sim *s)
{
	enum level lv;
	struct spod *p;
	struct ctr *c;
	size_t guard = 0;
	int r;

	while (!s->panicked && find_over(s, &lv, &p, &c)) {
		r = oom(s, lv, p, c);
		if (r < 0)
			return r;
		eval_all(s);
		if (++guard > 100000)
			return -ELOOP; /* each OOM kills or stalls something: cannot happen */
	}
	return 0;
}

/* ---- crossings -------------------------------------------------------------- */

static int64_t ctr_anon_at(const struct ctr *c, int64_t t)
{
	int64_t sum = 0;

	if (c->state != C_RUNNING)
		return 0;
	for (size_t j = 0; j < c->nprocs; j++)
		sum += proc_anon_at(c, &c->procs[j], t);
	return sum;
}

static int64_t pod_anon_at(const struct spod *p, int64_t t)
{
	int64_t sum = 0;

	if (!pod_live(p))
		return 0;
	for (size_t k = 0; k < p->nctrs; k++)
		sum += ctr_anon_at(&p->ctrs[k], t);
	return sum;
}

/* anon at time t of one container, else of one pod, else of every pod */
static int64_t anon_at(const struct podoom_sim *s, const struct spod *only_p, const struct ctr *only_c, int64_t t)
{
	int64_t sum = 0;

	if (only_c)
		return ctr_anon_at(only_c, t);
	if (only_p)
		return pod_anon_at(only_p, t);
	for (size_t i = 0; i < s->npods; i++)
		sum += pod_anon_at(&s->pods[i], t);
	return sum;
}

/* live processes in the scope of anon_at(s, p, c, t) */
static size_t nprocs_in(const struct podoom_sim *s, const struct spod *p, const struct ctr *c)
{
	size_t n = 0;

	if (c)
		return c->nprocs;
	for (size_t i = 0; i < s->npods; i++) {
		const struct spod *q = p ? p : &s->pods[i];
		for (size_t k = 0; k < q->nctrs; k++)
			n += q->ctrs[k].state == C_RUNNING ? q->ctrs[k].nprocs : 0;
		if (p)
			break;
	}
	return n;
}

/* @v0 + @slope * dt reaches @target at now + dt: that time, rounded down
 * (@up false) or up, clamped to [now, horizon] */
static int64_t line_time(const struct podoom_sim *s, int64_t v0, double slope, double target, bool up,
			 int64_t horizon)
{
	double dt = (target - (double)v0) / slope;
	int64_t t;

	if (dt <= 0)
		return s->now;
	if (dt >= (double)(horizon - s->now))
		return horizon;
	t = s->now + (int64_t)dt + (up ? 1 : 0);
	return t < horizon ? t : horizon;
}

/*
 * The first time in (now, horizon) at which base + anon_at(...) > limit,
 * given the value and the slope of the line through it now; NEVER if none.
 * Each of the n processes is linear between its corners but counted in
 * whole pages, so the sum is a staircase at most n pages (and n bytes of
 * rounding) under the exact line, and that line is at most as far above the
 * line through the value now: the crossing lies where this line is within
 * (n + 1) pages of the limit. Bisection on the staircase finds it there.
 * When that window starts at or after @soon (another event), only its start
 * is returned, in *@not_before (lowered, never raised), and NEVER.
 */
static int64_t crossing(const struct podoom_sim *s, const struct spod *p, const struct ctr *c, int64_t base,
			int64_t now_value, double slope, int64_t limit, int64_t horizon, int64_t soon,
			int64_t *not_before)
{
	double band;
	int64_t lo, hi;

	if (slope <= 0 || limit < 0 || now_value > limit || horizon <= s->now + 1)
		return NEVER;
	band = (double)(nprocs_in(s, p, c) + 1) * (PAGE + 1);
	lo = line_time(s, now_value, slope, (double)limit - band, false, horizon - 1);
	if (lo >= soon) {
		/* not before something else happens: find it when the time comes */
		if (lo < *not_before)
			*not_before = lo;
		return NEVER;
	}
	hi = line_time(s, now_value, slope, (double)limit + 1 + band, true, horizon - 1);
	if (lo > s->now && base + anon_at(s, p, c, lo) > limit)
		lo = s->now; /* cannot happen by the bound above; stay correct anyway */
	if (base + anon_at(s, p, c, hi) <= limit)
		return NEVER; /* hi is horizon - 1: the crossing, if any, comes later */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (base + anon_at(s, p, c, mid) > limit)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* the earliest limit crossing of one pod (its containers and its own
 * limit), or NEVER with *not_before when it cannot be before @soon */
static int64_t pod_crossing(const struct podoom_sim *s, const struct spod *p, int64_t soon, int64_t *not_before)
{
	int64_t best = NEVER, x;

	for (size_t k = 0; k < p->nctrs; k++) {
		const struct ctr *c = &p->ctrs[k];
		if (c->state != C_RUNNING || c->limit < 0 || c->stalled)
			continue;
		x = crossing(s, p, c, 0, c->anon, c->slope, c->limit, best < p->next_knot ? best : p->next_knot, soon,
			     not_before);
		if (x < best)
			best = x;
	}
	if (p->limit >= 0 && !p->stalled) {
		x = crossing(s, p, NULL, 0, p->anon, p->slope, p->limit, best < p->next_knot ? best : p->next_knot,
			     soon, not_before);
		if (x < best)
			best = x;
	}
	return best;
}

/*
 * The earliest limit or RAM crossing, or the earliest time one may come and
 * must be looked for again (the start of its window, when that is after
 * @soon). Each pod keeps its answer until its next curve corner, a change in
 * it, or that time; the node-wide ones alike.
 */
static int64_t next_crossing(struct podoom_sim *s, int64_t soon)
{
	int64_t best = NEVER, x;

	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (!pod_live(p))
			continue;
		if (p->cross_dirty || s->now >= p->cross_until || p->cross_t <= s->now) {
			int64_t nb = p->next_knot;
			p->cross_t = pod_crossing(s, p, soon, &nb);
			p->cross_until = nb;
			p->cross_dirty = false;
		}
		/* a crossing, or the time to look again */
		x = p->cross_t < p->cross_until ? p->cross_t : p->cross_until;
		if (x < best)
			best = x;
	}
	if (s->node_cross_dirty || s->now >= s->node_cross_until || s->node_cross_t <= s->now) {
		int64_t nb = s->next_knot, kp = NEVER;
		if (!s->kubepods_stalled)
			kp = crossing(s, NULL, NULL, 0, s->kp_anon, s->kp_slope, s->kubepods_limit, s->next_knot, soon, &nb);
		x = crossing(s, NULL, NULL, s->node.system_bytes, s->node.system_bytes + s->kp_anon, s->kp_slope,
			     s->node.memory_bytes, kp < s->next_knot ? kp : s->next_knot, soon, &nb);
		s->node_cross_t = x < kp ? x : kp;
		s->node_cross_until = nb;
		s->node_cross_dirty = false;
	}
	x = s->node_cross_t < s->node_cross_until ? s->node_cross_t : s->node_cross_until;
	if (x < best)
		best = x;
	for (size_t i = 0; i < s->nnotify; i++) {
		int64_t base = s->notify_alloc[i] ? 0 : s->node.system_bytes, nb = NEVER;
		if (!s->notify_armed[i])
			continue;
		x = crossing(s, NULL, NULL, base, base + s->kp_anon, s->kp_slope, s->notify_level[i],
			     s->next_knot, soon, &nb);
		if (x < best)
			best = x;
		if (nb < best)
			best = nb;
	}
	return best;
}

/*
 * The kubelet's memcg threshold notifier (cgroup v1 only; v2 gets a no-op
 * notifier, kubernetes#106331): cgroup.event_control on memory.usage_in_bytes
 * of the root (memory.available) or of kubepods (allocatableMemory.available)
 * at capacity - threshold + inactive_file, which fires when the working set
 * crosses capacity - threshold (page cache taken as it was at the last
 * sample). A crossing upward fires once; it re-arms when the working set is
 * back below. Return: whether one fired now.
 */
static bool notifier_fired(struct podoom_sim *s)
{
	bool fired = false;

	for (size_t i = 0; i < s->nnotify; i++) {
		int64_t ws = s->kp_anon + (s->notify_alloc[i] ? 0 : s->node.system_bytes);
		if (ws <= s->notify_level[i]) {
			s->notify_armed[i] = true;
		} else if (s->notify_armed[i]) {
			s->notify_armed[i] = false;
			fired = true;
		}
	}
	return fired;
}

/* ---- the kubelet ------------------------------------------------------------- */

int64_t podoom_sim_eviction_grace_seconds(const struct podoom_pod *pod, int64_t override_seconds)
{
	int64_t g = override_seconds;

	/* the pod worker: an override of 0 means the pod's own grace period, and it
	 * never goes below 1 s (calculateEffectiveGracePeriod) */
	if (g == 0)
		g = pod->has_termination_grace ? pod->termination_grace_seconds : PODOOM_SIM_DEFAULT_TERMINATION_GRACE_SEC;
	return g < 1 ? 1 : g;
}

static int kubelet_sync(struct podoom_sim *s, bool periodic)
{
	struct podoom_eviction_observations obs;
	struct podoom_eviction_decision d;
	size_t n = 0;
	struct qev *q;
	char a[32], b[32], th[128];
	int r;

	memset(&obs, 0, sizeof(obs));
	fit_file(s);
	/* cAdvisor on the root: usage = anon + file, inactive_file = the page cache */
	r = podoom_eviction_observe(s->node.memory_bytes, s->node.system_bytes + s->kp_anon + s->kp_file, s->kp_file,
				    s->now, &obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE]);
	if (r == 0)
		r = podoom_eviction_observe(s->kubepods_limit, s->kp_anon + s->kp_file, s->kp_file, s->now,
					    &obs.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE]);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		/* active pods: not terminal, and not already being killed */
		if (p->phase != P_RUNNING)
			continue;
		for (size_t k = 0; k < p->info.ncontainers; k++)
			p->cws[k] = -1;
		for (size_t k = 1; k < p->nctrs; k++)
			if (p->ctrs[k].state == C_RUNNING)
				p->cws[p->ctrs[k].ci] = p->ctrs[k].anon;
		s->epods[n] = (struct podoom_eviction_pod){
			.pod = &p->sp->pod, .has_stats = true, .working_set_bytes = p->anon,
			.container_working_set_bytes = p->cws};
		s->epod_map[n++] = i;
	}
	r = podoom_eviction_synchronize(&s->em, &obs, s->epods, n, s->scratch, s->now, &d);
	if (r < 0)
		return r;
	s->last_sample_usec = s->now;
	s->last_available = obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].available_bytes;
	if (s->opts.emit_samples) {
		q = emit(s, PODOOM_SIMEVENT_SAMPLE);
		if (!q)
			return -ENOMEM;
		q->ev.available_bytes = s->last_available;
		q->ev.usage_bytes = s->node.system_bytes + s->kp_anon;
		q->ev.why = qev_printf(q, "the kubelet looks%s: memory.available %s, allocatableMemory.available %s",
				       periodic ? "" : " (its memcg threshold notifier fired)",
				       fmt_bytes(s->last_available, a, sizeof(a)),
				       fmt_bytes(obs.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE].available_bytes,
						 b, sizeof(b)));
		if (!q->ev.why)
			return -ENOMEM;
	}

	/* thresholds met and cleared */
	for (size_t i = 0; i < s->em.thresholds.n; i++) {
		const struct podoom_eviction_threshold *t = &s->em.thresholds.t[i];
		bool now_met = d.met & (1u << i), was = s->prev_met & (1u << i);
		const struct podoom_eviction_observation *o = &obs.signal[t->signal];
		struct podoom_quantity tq;
		int64_t tv = 0;
		if (now_met == was)
			continue;
		q = emit(s, PODOOM_SIMEVENT_THRESHOLD);
		if (!q)
			return -ENOMEM;
		podoom_eviction_threshold_format(t, th, sizeof(th));
		tq = podoom_eviction_value_resolve(&t->value, o->capacity_bytes);
		(void)podoom_quantity_value(&tq, &tv);
		q->ev.on = now_met;
		q->ev.threshold = qev_str(q, th);
		q->ev.available_bytes = o->available_bytes;
		q->ev.limit_bytes = tv;
		if (now_met && t->grace_period_nsec > 0)
			q->ev.why = qev_printf(q,
					       "%s is %s, below the soft threshold %s: the kubelet evicts only if it "
					       "stays below for the grace period",
					       podoom_eviction_signal_to_string(t->signal),
					       fmt_bytes(o->available_bytes, a, sizeof(a)), fmt_bytes(tv, b, sizeof(b)));
		else if (now_met)
			q->ev.why = qev_printf(q, "%s is %s, below the hard threshold %s: the kubelet evicts at once",
					       podoom_eviction_signal_to_string(t->signal),
					       fmt_bytes(o->available_bytes, a, sizeof(a)), fmt_bytes(tv, b, sizeof(b)));
		else
			q->ev.why = qev_printf(q, "%s is %s again%s", podoom_eviction_signal_to_string(t->signal),
					       fmt_bytes(o->available_bytes, a, sizeof(a)),
					       t->has_min_reclaim ? " (threshold plus minimum reclaim)" : "");
		if (!q->ev.threshold || !q->ev.why)
			return -ENOMEM;
	}
	s->prev_met = d.met;
	if (d.memory_pressure != s->prev_pressure) {
		q = emit(s, PODOOM_SIMEVENT_PRESSURE);
		if (!q)
			return -ENOMEM;
		q->ev.on = d.memory_pressure;
		q->ev.available_bytes = s->last_available;
		q->ev.why = d.memory_pressure
				    ? "MemoryPressure=True (KubeletHasInsufficientMemory): a memory eviction "
				      "threshold is met; BestEffort pods are no longer admitted"
				    : qev_printf(q,
						 "MemoryPressure=False (KubeletHasSufficientMemory): no memory threshold "
						 "met for the evictionPressureTransitionPeriod (%s)",
						 fmt_time(s->em.pressure_transition_period_nsec / 1000, a, sizeof(a)));
		if (!q->ev.why)
			return -ENOMEM;
		s->prev_pressure = d.memory_pressure;
	}
	if (periodic)
		s->next_sample_usec = s->now + s->node.housekeeping_usec;
	if (d.reclaim) {
		struct podoom_simevent_pod_rank *pr;
		char msg[1024];
		q = emit(s, PODOOM_SIMEVENT_EVICTION);
		if (!q)
			return -ENOMEM;
		pr = qev_alloc(q, (n + 1) * sizeof(*pr));
		if (!pr)
			return -ENOMEM;
		podoom_simevent_pod_ranking(s->scratch, n, s->epods, pr);
		q->ev.pod_ranking = pr;
		q->ev.npod_ranking = n;
		podoom_eviction_threshold_format(&s->em.thresholds.t[d.threshold], th, sizeof(th));
		q->ev.threshold = qev_str(q, th);
		q->ev.available_bytes = d.available_bytes;
		(void)podoom_quantity_value(&d.threshold_quantity, &q->ev.limit_bytes);
		if (d.evict) {
			struct spod *p = &s->pods[s->epod_map[d.pod]];
			const struct podoom_eviction_rank *rk = &s->scratch[0];
			int64_t g = podoom_sim_eviction_grace_seconds(&p->sp->pod, d.grace_period_seconds);
			size_t place = 0;
			for (size_t i = 0; i < n; i++)
				if (s->scratch[i].index == d.pod)
					rk = &s->scratch[i], place = i;
			podoom_eviction_message_format(s->kl, &d, &s->epods[d.pod], msg, sizeof(msg));
			ev_pod(s, q, p);
			q->ev.usage_bytes = p->anon;
			q->ev.grace_period_sec = g;
			q->ev.reason = PODOOM_EVICTION_REASON;
			q->ev.why = qev_printf(q,
					       "%s(ranked %zu of %zu: %s, priority %d, working set %s against "
					       "request %s%s; grace period %llds%s)",
					       msg, place + 1, n,
					       rk->exceeds_request ? "usage above its request" : "usage within its request",
					       rk->priority, fmt_bytes(p->anon, a, sizeof(a)),
					       fmt_bytes(rk->request_bytes, b, sizeof(b)),
					       d.critical_skipped ? ", after critical pods it may not evict" : "",
					       (long long)g,
					       periodic ? "" : "; found by the memcg threshold notifier, not a periodic sample");
			p->phase = P_TERMINATING;
			s->sched_dirty = true;
			p->grace_sec = g;
			p->stop_at_usec = s->now + g * USEC;
			/* only the periodic loop waits for the cleanup (waitForPodsCleanup) */
			if (periodic)
				s->next_sample_usec =
					podoom_eviction_cleanup_wait_end_usec(s->now, true, p->stop_at_usec);
		} else {
			q->ev.why = qev_printf(q,
					       "%s is met but the kubelet has no pod it may evict (%zu critical pod%s "
					       "refused)",
					       th, d.critical_skipped, d.critical_skipped == 1 ? "" : "s");
		}
		if (!q->ev.why || !q->ev.threshold)
			return -ENOMEM;
	}
	return 0;
}

/* ---- the step --------------------------------------------------------------- */

static int stop_pods(struct podoom_sim *s)
{
	char a[32];

	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		int64_t freed = p->anon + p->file;
		struct qev *q;
		if (p->phase != P_TERMINATING || p->stop_at_usec > s->now)
			continue;
		for (size_t k = 0; k < p->nctrs; k++) {
			ctr_stop(s, &p->ctrs[k]);
			p->ctrs[k].state = C_DONE;
		}
		p->phase = P_STOPPED;
		q = emit(s, PODOOM_SIMEVENT_POD_STOPPED);
		if (!q)
			return -ENOMEM;
		ev_pod(s, q, p);
		q->ev.usage_bytes = freed;
		q->ev.reason = PODOOM_EVICTION_REASON;
		q->ev.grace_period_sec = p->grace_sec;
		q->ev.why = qev_printf(q, "the %llds grace period is over: its containers are killed and %s freed; the "
					  "pod stays Failed (Evicted)",
				       (long long)p->grace_sec, fmt_bytes(freed, a, sizeof(a)));
		if (!q->ev.why)
			return -ENOMEM;
	}
	return 0;
}

static int start_due(struct podoom_sim *s, bool first)
{
	char a[32], b[32];
	int r;

	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		if (p->phase != P_RUNNING)
			continue;
		for (size_t k = 0; k < p->nctrs; k++) {
			struct ctr *c = &p->ctrs[k];
			struct qev *q;
			int64_t finished = c->finished_usec;
			if (!c->runs || !(first ? c->state == C_DONE && c->restarts == 0
						: c->state == C_WAITING && c->restart_at_usec <= s->now))
				continue;
			if (!first && c->ci >= 0) {
				podoom_sim_backoff_next(&c->bo, finished, s->now);
				c->restarts++;
			}
			if ((r = ctr_start(s, p, c)) < 0)
				return r;
			if (c->ci < 0)
				continue;
			q = emit(s, first ? PODOOM_SIMEVENT_START : PODOOM_SIMEVENT_RESTART);
			if (!q || ev_ctr(s, q, p, c) < 0)
				return -ENOMEM;
			q->ev.restart_count = c->restarts;
			q->ev.oom_score_adj = c->adj;
			q->ev.pid = c->procs[0].pid;
			q->ev.process = c->nprocs ? c->specs[0].comm : "";
			if (first)
				q->ev.why = qev_printf(q, "%s pod; memory request %s, limit %s; oom_score_adj %d",
						       podoom_qos_to_string(p->info.qos),
						       p->cinfo[c->ci].request_bytes
							       ? fmt_bytes(p->cinfo[c->ci].request_bytes, a, sizeof(a))
							       : "none",
						       c->limit >= 0 ? fmt_bytes(c->limit, b, sizeof(b)) : "none", c->adj);
			else if (s->now - finished <= PODOOM_SIM_RELIST_USEC)
				q->ev.why = qev_printf(q,
						       "restart %u: no back-off before the first restart (or after 10m "
						       "without one); the next exit waits %s; its memory starts again "
						       "from the beginning of its curve",
						       c->restarts, fmt_time(c->bo.usec, a, sizeof(a)));
			else
				q->ev.why = qev_printf(q,
						       "restart %u, when the %s back-off since it exited at %s is over; "
						       "its memory starts again from the beginning of its curve",
						       c->restarts, fmt_time(s->now - finished, a, sizeof(a)),
						       fmt_time(finished, b, sizeof(b)));
			if (!q->ev.why)
				return -ENOMEM;
		}
	}
	return 0;
}

static int64_t next_restart(struct podoom_sim *s)
{
	int64_t t = NEVER;

	if (!s->sched_dirty)
		return s->next_sched;

	for (size_t i = 0; i < s->npods; i++) {
		const struct spod *p = &s->pods[i];
		if (p->phase == P_TERMINATING && p->stop_at_usec < t)
			t = p->stop_at_usec;
		if (p->phase != P_RUNNING)
			continue;
		for (size_t k = 0; k < p->nctrs; k++)
			if (p->ctrs[k].state == C_WAITING && p->ctrs[k].restart_at_usec < t)
				t = p->ctrs[k].restart_at_usec;
	}
	s->sched_dirty = false;
	s->next_sched = t;
	return t;
}

static int step(struct podoom_sim *s)
{
	int64_t knot, t, x = NEVER, rs;
	bool check;
	int r;

	if (!s->started) {
		s->started = true;
		s->now = 0;
		r = start_due(s, true);
		if (r < 0)
			return r;
		eval_all(s);
		if ((r = record_series(s)) < 0 || (r = kernel_step(s)) < 0)
			return r;
		eval_all(s);
		(void)notifier_fired(s); /* arms the levels below the working set */
		if ((r = kubelet_sync(s, true)) < 0)
			return r;
		return record_series(s);
	}
	knot = eval_all(s);
	t = s->node.duration_usec;
	if (s->next_sample_usec < t)
		t = s->next_sample_usec;
	if ((rs = next_restart(s)) < t)
		t = rs;
	if (knot < t)
		t = knot;
	if ((x = next_crossing(s, t)) < t)
		t = x;
	/* a restart or stop due now runs now; anything else has moved on */
	if (t < s->now || (t == s->now && ++s->same_time_steps > 1000))
		t = s->now + 1;
	if (t > s->now)
		s->same_time_steps = 0;
	s->now = t;
	/* memory can be over a limit only at a corner, at a predicted crossing,
	 * or after a start: at a plain kubelet sample it cannot */
	check = t == knot || t == x || t >= rs;
	eval_all(s);
	if ((r = record_series(s)) < 0)
		return r;
	if (t >= rs && ((r = stop_pods(s)) < 0 || (r = start_due(s, false)) < 0))
		return r;
	eval_all(s);
	if (check && (r = kernel_step(s)) < 0)
		return r;
	eval_all(s);
	if (!s->panicked && s->now >= s->next_sample_usec) {
		(void)notifier_fired(s);
		if ((r = kubelet_sync(s, true)) < 0)
			return r;
	} else if (!s->panicked && s->notify && notifier_fired(s)) {
		if ((r = kubelet_sync(s, false)) < 0)
			return r;
	}
	eval_all(s);
	if ((r = record_series(s)) < 0)
		return r;
	if (s->now >= s->node.duration_usec || s->panicked)
		s->done = true;
	return 0;
}

int podoom_sim_next(struct podoom_sim *s, const struct podoom_simevent **ret)
{
	int r;

	if (s->have_current) {
		qev_fini(&s->q[s->qhead]);
		s->qhead++;
		s->have_current = false;
	}
	while (s->qhead == s->qn) {
		s->qhead = s->qn = 0;
		if (s->done)
			return 0;
		r = step(s);
		if (r < 0)
			return r;
	}
	s->have_current = true;
	*ret = &s->q[s->qhead].ev;
	return 1;
}

/* ---- setup -------------------------------------------------------------------- */

static void make_uid(uint64_t seed, const struct podoom_pod *pod, char *out, size_t size)
{
	uint64_t h1 = hash_str(hash_str(seed ^ 0x706f642d75696400ull, pod->namespace), pod->name);
	uint64_t h2 = mix64(h1 ^ 0x5bd1e995u);

	/* RFC 4122 version 4 layout, as the API server's uuid.NewUUID */
	snprintf(out, size, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffffu,
		 (unsigned)h1 & 0xfffu, (unsigned)(0x8000u | ((h2 >> 48) & 0x3fffu)),
		 (unsigned long long)(h2 & 0xffffffffffffull));
}

static bool uid_ok(const char *u)
{
	size_t n = strlen(u);

	if (n == 0 || n > PODOOM_POD_UID_MAX)
		return false;
	for (; *u; u++)
		if (!((*u >= '0' && *u <= '9') || (*u >= 'a' && *u <= 'z') || *u == '-'))
			return false;
	return true;
}

/* a memory quantity in bytes (at most PODOOM_SIM_MAX_BYTES); -1 unset or 0 */
static int64_t qty_bytes(const struct podoom_rlist *rl)
{
	int64_t v = 0;

	if (!rl->has_memory)
		return -1;
	if (podoom_quantity_value(&rl->memory, &v) < 0)
		v = INT64_MAX;
	if (v <= 0)
		return -1;
	return v < PODOOM_SIM_MAX_BYTES ? v : PODOOM_SIM_MAX_BYTES;
}

static int setup_eviction(struct podoom_sim *s, struct podoom_diag *diag)
{
	const struct podoom_scenario_kubelet *k = &s->sc->node.kubelet;
	const struct podoom_scenario_settings *maps[PODOOM_EVICTION_FIELD_COUNT] = {
		&k->eviction_hard, &k->eviction_soft, &k->eviction_soft_grace, &k->eviction_min_reclaim};
	static const char *const names[PODOOM_EVICTION_FIELD_COUNT] = {
		"evictionHard", "evictionSoft", "evictionSoftGracePeriod", "evictionMinimumReclaim"};
	struct podoom_eviction_config *cfg = calloc(1, sizeof(*cfg));
	struct podoom_eviction_diag ed = {0};
	int r;

	if (!cfg)
		return -ENOMEM;
	podoom_eviction_config_init(cfg);
	for (int f = 0; f < PODOOM_EVICTION_FIELD_COUNT; f++) {
		if (!maps[f]->given)
			continue;
		podoom_eviction_config_clear(cfg, (enum podoom_eviction_field)f);
		for (size_t i = 0; i < maps[f]->n; i++) {
			const struct podoom_scenario_setting *st = &maps[f]->v[i];
			const char *msg = NULL;
			if (podoom_eviction_config_set(cfg, (enum podoom_eviction_field)f, st->key, strlen(st->key),
						       st->value, strlen(st->value), &msg) < 0) {
				podoom_diag_set(diag, st->line, st->col, "node.kubelet.%s: %s", names[f],
						msg ? msg : "value too long");
				free(cfg);
				return -EINVAL;
			}
		}
	}
	cfg->pressure_transition_period_nsec = k->pressure_transition_usec * 1000;
	cfg->max_pod_grace_period_seconds = k->eviction_max_pod_grace_sec;
	cfg->enforce_node_allocatable_pods = k->enforce_pods;
	r = podoom_eviction_manager_init(&s->em, s->kl, cfg, &ed);
	free(cfg);
	if (r < 0) {
		uint32_t line = 0, col = 0;
		const struct podoom_scenario_settings *m = maps[ed.field];
		for (size_t i = 0; i < m->n; i++) {
			enum podoom_eviction_signal sig;
			bool named = podoom_eviction_signal_from_string(m->v[i].key, strlen(m->v[i].key), &sig) == 0;
			if (ed.signal < 0 ? !named : named && (int)sig == ed.signal) {
				line = m->v[i].line;
				col = m->v[i].col;
				break;
			}
		}
		for (size_t i = 0; ed.signal < 0 && i < m->n; i++) {
			enum podoom_eviction_signal sig;
			if (podoom_eviction_signal_from_string(m->v[i].key, strlen(m->v[i].key), &sig) < 0) {
				podoom_diag_set(diag, line, col,
						"node.kubelet.%s: unsupported eviction signal \"%.64s\" (the kubelet knows "
						"memory.available, allocatableMemory.available, nodefs.*, imagefs.*, "
						"containerfs.*, pid.available)",
						names[ed.field], m->v[i].key);
				return -EINVAL;
			}
		}
		podoom_diag_set(diag, line, col, "node.kubelet.%s: %s", names[ed.field],
				ed.msg ? ed.msg : "invalid eviction settings");
		return -EINVAL;
	}
	return 0;
}

static int setup_pod(struct podoom_sim *s, struct spod *p, const struct podoom_scenario_pod *sp,
		     struct podoom_diag *diag)
{
	const struct podoom_pod *pod = &sp->pod;
	bool all_limits = true, pod_level;
	int64_t sum = 0, init_peak = 0, sidecars = 0, pod_limit = -1;
	size_t nrun = 0;
	struct podoom_cgroup_spec spec;
	int r;

	p->sp = sp;
	p->phase = P_RUNNING;
	if (pod->uid && !uid_ok(pod->uid)) {
		podoom_diag_set(diag, sp->line, sp->col,
				"pod %s: metadata.uid must be 1 to 64 characters of [0-9a-z-] to name its cgroup", pod->name);
		return -EINVAL;
	}
	if (pod->uid)
		snprintf(p->uid, sizeof(p->uid), "%s", pod->uid);
	else
		make_uid(s->seed, pod, p->uid, sizeof(p->uid));
	p->info.namespace = pod->namespace;
	p->info.name = pod->name;
	p->info.uid = p->uid;
	p->info.qos = podoom_qos_get(s->kl, pod, NULL);
	p->info.priority = pod->has_priority ? pod->priority : 0;
	if (podoom_pod_memory_request_bytes(s->kl, pod, &p->info.request_bytes) < 0) {
		podoom_diag_set(diag, sp->line, sp->col, "pod %s: memory requests beyond 2^63 bytes", pod->name);
		return -EINVAL;
	}
	p->cinfo = calloc(pod->ncontainers + 1, sizeof(*p->cinfo));
	p->cws = calloc(pod->ncontainers + 1, sizeof(*p->cws));
	p->ctrs = calloc(pod->ncontainers + 1, sizeof(*p->ctrs));
	if (!p->cinfo || !p->cws || !p->ctrs)
		return -ENOMEM;
	p->info.containers = p->cinfo;
	p->info.ncontainers = pod->ncontainers;
	/* the pod cgroup's limit (ResourceConfigForPod): set for Guaranteed, and for
	 * Burstable when every container (init included) declares one; summed as
	 * PodLimits does, the peak of init containers against the rest, plus
	 * overhead; a pod-level limit wins where the profile has them */
	for (size_t i = 0; i < pod->ncontainers; i++) {
		const struct podoom_container *c = &pod->containers[i];
		int64_t lim = qty_bytes(&c->limits);
		if (lim < 0) {
			all_limits = false;
			lim = 0;
		}
		if (c->type == PODOOM_CONTAINER_INIT) {
			if (sidecars + lim > init_peak)
				init_peak = sidecars + lim;
		} else {
			if (c->type == PODOOM_CONTAINER_SIDECAR)
				sidecars += lim;
			sum += lim;
		}
	}
	pod_level = s->kl->pod_level_resources && podoom_pod_level_resources_set(pod) && pod->pod_limits.has_memory;
	if (pod_level) {
		pod_limit = qty_bytes(&pod->pod_limits);
	} else if (p->info.qos == PODOOM_QOS_GUARANTEED || (p->info.qos == PODOOM_QOS_BURSTABLE && all_limits)) {
		int64_t ov = qty_bytes(&pod->overhead);
		pod_limit = (sum > init_peak ? sum : init_peak) + (ov > 0 ? ov : 0);
	}
	p->limit = pod_limit >= 0 ? page_floor(pod_limit) : -1;
	p->info.limit_bytes = p->limit;
	/* the sandbox, then every container that runs */
	p->ctrs[0] = (struct ctr){.pod = p, .ci = -1, .name = "POD", .limit = -1, .adj = PODOOM_SIM_PAUSE_OOM_SCORE_ADJ,
				  .runs = true, .state = C_DONE, .nprocs = 1};
	p->ctrs[0].procs = calloc(1, sizeof(*p->ctrs[0].procs));
	if (!p->ctrs[0].procs)
		return -ENOMEM;
	p->nctrs = 1;
	for (size_t i = 0; i < pod->ncontainers; i++) {
		const struct podoom_container *pc = &pod->containers[i];
		const struct podoom_scenario_container *scn = NULL;
		struct podoom_adj adj;
		struct ctr *c = &p->ctrs[p->nctrs];
		struct podoom_sim_container_info *ci = &p->cinfo[i];
		int64_t lim = qty_bytes(&pc->limits), req = qty_bytes(&pc->requests);

		for (size_t k = 0; k < sp->ncontainers && !scn; k++)
			if (strcmp(sp->containers[k].name, pc->name) == 0)
				scn = &sp->containers[k];
		if (podoom_qos_oom_score_adj(s->kl, pod, i, s->node.memory_bytes, &adj) < 0) {
			podoom_diag_set(diag, pc->line, pc->col, "container %s: memory request beyond 2^63 bytes",
					pc->name);
			return -EINVAL;
		}
		if (lim < 0 && pod_level)
			lim = pod_limit; /* getMemoryLimit: the pod-level limit stands in */
		ci->name = pc->name;
		ci->request_bytes = req > 0 ? req : 0;
		ci->limit_bytes = lim >= 0 ? page_floor(lim) : -1;
		ci->oom_score_adj = adj.oom_score_adj;
		ci->runs = pc->type != PODOOM_CONTAINER_INIT;
		if (!ci->runs) {
			if (scn) {
				podoom_diag_set(diag, scn->line, scn->col,
						"container %s is an init container: the simulator runs only regular "
						"containers and sidecars",
						pc->name);
				return -EINVAL;
			}
			continue;
		}
		if (scn && scn->command && !scn->procs && !s->opts.commands_for_layout) {
			podoom_diag_set(diag, scn->line, scn->col,
					"container %s: command: is for `podoom run`; the simulator needs usage: or "
					"processes:",
					pc->name);
			return -EINVAL;
		}
		*c = (struct ctr){.pod = p, .ci = (int)i, .name = pc->name, .limit = ci->limit_bytes, .adj = adj.oom_score_adj,
				  .runs = true, .sidecar = pc->type == PODOOM_CONTAINER_SIDECAR, .state = C_DONE};
		if (scn && !scn->procs)
			scn = NULL; /* a command laid out only: one process, no memory */
		c->nspecs = scn ? scn->nprocs : 1;
		c->specs = calloc(c->nspecs, sizeof(*c->specs));
		c->procs = calloc(c->nspecs, sizeof(*c->procs));
		if (!c->specs || !c->procs)
			return -ENOMEM;
		c->nprocs = c->nspecs;
		p->nctrs++;
		/* the first start's id and memcg, for whoever lays the node out for real */
		make_container_id(s, p, c, c->id0);
		memcpy(c->id, c->id0, sizeof(c->id));
		if ((r = ctr_path(s, p, c)) < 0)
			return r;
		c->path0 = strdup(c->path);
		if (!c->path0)
			return -ENOMEM;
		ci->container_id = c->id0;
		ci->memcg_path = c->path0;
		for (size_t j = 0; j < c->nspecs; j++) {
			struct pspec *ps = &c->specs[j];
			const struct podoom_scenario_process *spr = scn ? &scn->procs[j] : NULL;
			snprintf(ps->comm_buf, sizeof(ps->comm_buf), "%s", spr ? spr->name : pc->name);
			ps->comm = ps->comm_buf;
			ps->has_adj = spr && spr->has_oom_score_adj;
			ps->adj = spr ? spr->oom_score_adj : 0;
			if ((r = podoom_curve_build(spr ? spr->usage : NULL, spr ? spr->nusage : 0, false,
						 PODOOM_SIM_MAX_BYTES, &ps->anon)) < 0 ||
			    (r = podoom_curve_build(spr ? spr->usage : NULL, spr ? spr->nusage : 0, true,
						 PODOOM_SIM_MAX_BYTES, &ps->file)) < 0)
				return r;
		}
		nrun++;
	}
	(void)nrun;
	spec = (struct podoom_cgroup_spec){.driver = s->node.driver, .level = PODOOM_CGROUP_LEVEL_POD,
					   .qos = p->info.qos, .pod_uid = p->uid};
	{
		char buf[PODOOM_CGROUP_PATH_MAX];
		if (podoom_cgroup_path_format(&spec, buf, sizeof(buf)) < 0) {
			podoom_diag_set(diag, sp->line, sp->col, "pod %s: its cgroup path cannot be built", pod->name);
			return -EINVAL;
		}
		p->path = strdup(buf);
		if (!p->path)
			return -ENOMEM;
	}
	p->info.memcg_path = p->path;
	return 0;
}

/* the path of @spec in a buffer of its own size */
static int path_dup(const struct podoom_cgroup_spec *spec, char **ret)
{
	char buf[PODOOM_CGROUP_PATH_MAX];
	int r = podoom_cgroup_path_format(spec, buf, sizeof(buf));

	if (r < 0)
		return r;
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

int podoom_sim_new(const struct podoom_scenario *sc, const struct podoom_sim_options *opts, struct podoom_sim **ret,
		   struct podoom_diag *diag)
{
	struct podoom_sim *s;
	const struct podoom_scenario_node *nd = &sc->node;
	struct podoom_cgroup_spec spec = {0};
	int r = -ENOMEM;

	if (sc->npods > PODOOM_EVICTION_MAX_PODS) {
		podoom_diag_set(diag, 0, 0, "a node runs at most %d pods here (the kubelet's default is 110)",
				PODOOM_EVICTION_MAX_PODS);
		return -E2BIG;
	}
	if (nd->memory_bytes > PODOOM_SIM_MAX_BYTES) {
		podoom_diag_set(diag, nd->memory_line, nd->memory_col,
				"node.memory: over 16Ti, the largest node podoom simulates");
		return -E2BIG;
	}
	if (nd->system_usage_bytes > nd->memory_bytes) {
		podoom_diag_set(diag, nd->system_line, nd->system_col, "node.system.usage: more than node.memory");
		return -EINVAL;
	}
	{
		size_t nproc = 0;
		for (size_t i = 0; i < sc->npods; i++) {
			nproc += 1; /* the sandbox */
			for (size_t c = 0; c < sc->pods[i].pod.ncontainers; c++) {
				size_t k;
				for (k = 0; k < sc->pods[i].ncontainers; k++)
					if (strcmp(sc->pods[i].containers[k].name, sc->pods[i].pod.containers[c].name) == 0)
						break;
				nproc += k < sc->pods[i].ncontainers && sc->pods[i].containers[k].nprocs
						 ? sc->pods[i].containers[k].nprocs
						 : 1;
			}
		}
		if (nproc > PODOOM_SIM_MAX_PROCESSES) {
			podoom_diag_set(diag, 0, 0, "more than %u processes on one node", PODOOM_SIM_MAX_PROCESSES);
			return -E2BIG;
		}
	}
	if (nd->kubelet.housekeeping_usec <= 0 || sc->duration_usec < 0 ||
	    sc->duration_usec / nd->kubelet.housekeeping_usec > PODOOM_SIM_MAX_SAMPLES) {
		podoom_diag_set(diag, 0, 0,
				"duration / node.kubelet.housekeepingInterval is over %lld kubelet samples: "
				"shorten the run or sample less often",
				PODOOM_SIM_MAX_SAMPLES);
		return -E2BIG;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->sc = sc;
	if (opts)
		s->opts = *opts;
	s->seed = s->opts.has_seed ? s->opts.seed : sc->seed;
	s->kl = nd->kubelet.profile ? nd->kubelet.profile : podoom_kubelet_profile_default();
	s->kp = podoom_kernel_profile_default();
	if (nd->kernel && podoom_kernel_profile_resolve(nd->kernel, strlen(nd->kernel), &s->kp) < 0) {
		char names[512];
		size_t len = 0;
		names[0] = '\0';
		for (size_t i = 0; i < podoom_kernel_profile_count() && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
						podoom_kernel_profile_at(i)->name);
		podoom_diag_set(diag, nd->kernel_line, nd->kernel_col,
				"node.kernel: \"%.64s\" is no kernel profile (%s) nor a release podoom models",
				nd->kernel, names);
		r = -EINVAL;
		goto fail;
	}
	s->node = (struct podoom_sim_node_info){
		.kernel = s->kp,
		.kubelet = s->kl,
		.memory_bytes = nd->memory_bytes,
		.swap_bytes = nd->swap_bytes,
		.system_bytes = nd->system_usage_bytes,
		.cgroup_version = nd->cgroup_version,
		.driver = nd->driver,
		.housekeeping_usec = nd->kubelet.housekeeping_usec,
		.duration_usec = sc->duration_usec,
		.seed = s->seed,
	};
	if (nd->kubelet.enforce_pods &&
	    nd->kubelet.kube_reserved_bytes >= nd->memory_bytes - nd->kubelet.system_reserved_bytes) {
		podoom_diag_set(diag, 0, 0,
				"node.kubelet: kubeReserved plus systemReserved memory leave nothing of node.memory: "
				"no memory would be left for pods");
		r = -EINVAL;
		goto fail;
	}
	s->kubepods_limit = page_floor(nd->kubelet.enforce_pods ? nd->memory_bytes - nd->kubelet.kube_reserved_bytes -
									 nd->kubelet.system_reserved_bytes
								 : nd->memory_bytes);
	s->node.kubepods_limit_bytes = s->kubepods_limit;
	s->oom_group = nd->cgroup_version == 2 && s->kl->memory_oom_group &&
		       !(nd->kubelet.has_single_process_oom_kill && nd->kubelet.single_process_oom_kill);
	s->node.oom_group = s->oom_group && s->kp->oom_group;
	s->root_path[0] = '/';
	spec.driver = nd->driver;
	spec.level = PODOOM_CGROUP_LEVEL_KUBEPODS;
	if (path_dup(&spec, &s->kubepods_path) < 0)
		goto fail;
	spec.level = PODOOM_CGROUP_LEVEL_QOS;
	for (int q = PODOOM_QOS_BURSTABLE; q <= PODOOM_QOS_BESTEFFORT; q++) {
		spec.qos = (enum podoom_qos)q;
		if (path_dup(&spec, &s->qos_path[q]) < 0)
			goto fail;
	}
	s->node.kubepods_path = s->kubepods_path;
	r = setup_eviction(s, diag);
	if (r < 0)
		goto fail;
	s->em0 = s->em;
	s->node.hard_threshold_bytes = s->node.soft_threshold_bytes = -1;
	for (size_t i = 0; i < s->em.thresholds.n; i++) {
		const struct podoom_eviction_threshold *t = &s->em.thresholds.t[i];
		struct podoom_quantity q;
		int64_t v = -1;
		if (t->signal != PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE)
			continue;
		q = podoom_eviction_value_resolve(&t->value, nd->memory_bytes);
		(void)podoom_quantity_value(&q, &v);
		if (t->grace_period_nsec == 0) {
			s->node.hard_threshold_bytes = v;
		} else {
			s->node.soft_threshold_bytes = v;
			s->node.soft_grace_usec = t->grace_period_nsec / 1000;
		}
	}
	s->notify = nd->kubelet.kernel_memcg_notification && nd->cgroup_version == 1;
	for (size_t i = 0; s->notify && i < s->em.thresholds.n; i++) {
		const struct podoom_eviction_threshold *t = &s->em.thresholds.t[i];
		bool alloc = t->signal == PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
		int64_t cap = alloc ? s->kubepods_limit : nd->memory_bytes, v = 0;
		struct podoom_quantity q;
		if (!alloc && t->signal != PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE)
			continue;
		q = podoom_eviction_value_resolve(&t->value, cap);
		(void)podoom_quantity_value(&q, &v);
		s->notify_level[s->nnotify] = cap - v;
		s->notify_alloc[s->nnotify] = alloc;
		s->nnotify++;
	}
	s->node.allocatable_bytes = nd->memory_bytes - nd->kubelet.kube_reserved_bytes - nd->kubelet.system_reserved_bytes -
				    (s->node.hard_threshold_bytes > 0 ? s->node.hard_threshold_bytes : 0);
	r = -ENOMEM;
	s->pods = calloc(sc->npods + 1, sizeof(*s->pods));
	s->epods = calloc(sc->npods + 1, sizeof(*s->epods));
	s->scratch = calloc(sc->npods + 1, sizeof(*s->scratch));
	s->epod_map = calloc(sc->npods + 1, sizeof(*s->epod_map));
	if (!s->pods || !s->epods || !s->scratch || !s->epod_map)
		goto fail;
	s->next_pid = 1000 + (int32_t)(mix64(s->seed) % 9000);
	for (size_t i = 0; i < sc->npods; i++) {
		r = setup_pod(s, &s->pods[i], &sc->pods[i], diag);
		s->npods = i + 1;
		if (r < 0)
			goto fail;
	}
	s->last_sample_usec = -1;
	s->next_sample_usec = 0;
	s->dirty = true;
	*ret = s;
	return 0;
fail:
	podoom_sim_free(s);
	return r;
}

void podoom_sim_free(struct podoom_sim *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npods; i++) {
		struct spod *p = &s->pods[i];
		for (size_t k = 0; p->ctrs && k < p->nctrs; k++) {
			for (size_t j = 0; j < p->ctrs[k].nspecs; j++) {
				podoom_curve_fini(&p->ctrs[k].specs[j].anon);
				podoom_curve_fini(&p->ctrs[k].specs[j].file);
			}
			free(p->ctrs[k].specs);
			free(p->ctrs[k].procs);
			free(p->ctrs[k].path);
			free(p->ctrs[k].path0);
		}
		free(p->ctrs);
		free(p->path);
		free(p->cinfo);
		free(p->cws);
		free(p->series);
	}
	for (size_t i = s->qhead; i < s->qn; i++)
		qev_fini(&s->q[i]);
	free(s->q);
	free(s->pods);
	free(s->epods);
	free(s->scratch);
	free(s->epod_map);
	free(s->nseries);
	tree_fini(&s->tree);
	free(s->kubepods_path);
	for (int q = 0; q < PODOOM_QOS_COUNT; q++)
		free(s->qos_path[q]);
	free(s);
}

void podoom_sim_node_info(const struct podoom_sim *s, struct podoom_sim_node_info *ret)
{
	*ret = s->node;
}

void podoom_sim_eviction_manager(const struct podoom_sim *s, struct podoom_eviction_manager *ret)
{
	*ret = s->em0;
}

size_t podoom_sim_npods(const struct podoom_sim *s)
{
	return s->npods;
}

const struct podoom_sim_pod_info *podoom_sim_pod_info(const struct podoom_sim *s, size_t i)
{
	return i < s->npods ? &s->pods[i].info : NULL;
}

const struct podoom_sim_point *podoom_sim_pod_series(const struct podoom_sim *s, size_t i, size_t *n)
{
	if (i >= s->npods) {
		*n = 0;
		return NULL;
	}
	*n = s->pods[i].nseries;
	return s->pods[i].series;
}

const struct podoom_sim_point *podoom_sim_node_series(const struct podoom_sim *s, size_t *n)
{
	*n = s->nnseries;
	return s->nseries;
}
