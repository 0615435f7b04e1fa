/*
 * bench/race.c - node-pressure eviction against the kernel's OOM killer, for
 * real: who gets to a memory spike first, the kubelet-like eviction loop or
 * the OOM killer, and how long after the threshold was crossed the eviction
 * signal left. Built and run by bench/race.sh; the method is in bench/README.md.
 *
 * The node is a memory cgroup "podoom-<pid>-race/node" limited to --node-mib
 * (512 MiB); the spiker, one BestEffort pod, runs in ".../node/pod" and
 * touches anonymous memory at --rate-mib (1024 MiB/s) until something kills
 * it. The eviction loop has the kubelet's default hard threshold,
 * memory.available<100Mi, and runs the project's model on each step:
 * podoom_cgroup_read_stat() of the node and the pod, podoom_eviction_observe(),
 * podoom_eviction_synchronize(); when it decides to evict it sends SIGTERM
 * through a pidfd (SIGKILL after the grace period it decided), as the
 * kubelet's pod killer does. Its steps are driven by
 *   poll10s    a timer every 10 s (evictionMonitoringPeriod, the kubelet's default)
 *   poll100ms  a timer every 100 ms (earlyoom's pace)
 *   event      the memnotify usage level (cgroup v1: eventfd on
 *              memory.usage_in_bytes at the kubelet's level) plus the 10 s timer
 * with the timer's phase uniform in [0, period) relative to the spike's start.
 *
 * The spiker reports, in a shared page, the CLOCK_MONOTONIC time at which the
 * node's usage (read by itself after every 64 KiB it touches) first reached
 * the level at which available < 100Mi; latency = eviction signal time minus
 * that. Who won: the kernel if the pod's memcg counted an oom_kill (cgroup v1
 * counts it in the victim's memcg) or the spiker died of a SIGKILL we did not
 * send; eviction if it died of our SIGTERM with no oom_kill counted.
 *
 * Safety: the node has a hard limit, the whole tree sits under one parent of
 * ours with a limit too, every trial's cgroups are removed after it, the
 * spiker dies with us (PR_SET_PDEATHSIG), SIGINT/SIGTERM clean up, and stale
 * trees of a SIGKILLed run are reaped at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podoom/cgroup.h"
#include "podoom/eviction.h"
#include "podoom/host.h"
#include "podoom/kubelet.h"
#include "podoom/memnotify.h"
#include "podoom/pod.h"

#define MiB ((int64_t)1024 * 1024)
#define CHUNK_BYTES (64 * 1024) /* the spiker reads usage after each: ~61 us at 1 GiB/s */
#define TRIAL_TIMEOUT_NS (20LL * 1000000000)
#define MAX_TRIALS 10000

enum mode { MODE_POLL_10S, MODE_POLL_100MS, MODE_EVENT_KUBELET, MODE_EVENT, MODE_COUNT };
static const char *const mode_name[MODE_COUNT] = {"poll10s", "poll100ms", "event-kubelet", "event"};
static const int64_t mode_period_ns[MODE_COUNT] = {10000000000LL, 100000000LL, 10000000000LL, 10000000000LL};
/* event mode's follow-up after a wake that did not evict: the kernel signals
 * a level once per crossing, and at the crossing itself available can still
 * equal the threshold (usage moves by a page around it), so the step must
 * look again: after 1 ms, then 2, 4, ... until the gap reaches the period */
#define FOLLOWUP_FIRST_NS 1000000LL

/* what the spiker tells us; one shared page */
struct report {
	_Atomic int64_t start_ns;   /* first touch */
	_Atomic int64_t cross_ns;   /* first usage read >= level */
	_Atomic int64_t cross_usage_bytes;
	_Atomic int64_t touched_bytes;
	_Atomic int64_t cross_touched_bytes; /* touched by then: the achieved rate */
	int64_t level_bytes;	    /* set by us before "go" */
};

struct trial {
	bool signalled;	     /* we sent the eviction signal */
	bool evicted_first;  /* ... and it, not the OOM killer, ended the spiker */
	bool oom_killed;     /* the kernel killed it */
	bool crossed;	     /* the spiker saw the level */
	int64_t latency_ns;  /* signal - crossing */
	int64_t window_ns;   /* crossing - death, when the kernel won */
	int64_t level_bytes;
	int64_t steps;	     /* synchronize steps in the trial */
	int64_t rate_bps;    /* the spiker's achieved rate up to the crossing */
};

static struct podoom_cgroup_root root;
static char parent[64];
static volatile sig_atomic_t stop_requested;
static bool debug; /* RACE_DEBUG set: every step and trial on stderr */
static pid_t spiker_pid = -1;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void cleanup(void)
{
	if (spiker_pid > 0)
		kill(spiker_pid, SIGKILL);
	if (root.version && parent[0])
		podoom_cgroup_destroy(&root, parent, 5000);
}

/* splitmix64: the timer phases, reproducible from --seed */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* ---- the spiker ---------------------------------------------------------- */

static void sleep_until(int64_t t_ns)
{
	struct timespec ts = {.tv_sec = t_ns / 1000000000, .tv_nsec = t_ns % 1000000000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int64_t read_usage(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/* touch memory at @rate_bps until killed; report the level crossing */
static _Noreturn void spiker(struct report *rep, int go_fd, const char *usage_path, int64_t max_bytes,
			     int64_t rate_bps)
{
	char c;
	/* the eviction signal must act as on any app: the default disposition,
	 * not the handler the bench installed before fork */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_TIMERSLACK, 1UL);
	if (getppid() == 1)
		_exit(2);
	int ufd = open(usage_path, O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || read(go_fd, &c, 1) != 1)
		_exit(3);
	char *p = mmap(NULL, (size_t)max_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED)
		_exit(4);
	int64_t t0 = now_ns(), level = rep->level_bytes;
	atomic_store(&rep->start_ns, t0);
	for (int64_t off = 0; off + CHUNK_BYTES <= max_bytes; off += CHUNK_BYTES) {
		for (int64_t i = 0; i < CHUNK_BYTES; i += 4096)
			p[off + i] = 1;
		atomic_store(&rep->touched_bytes, off + CHUNK_BYTES);
		if (atomic_load(&rep->cross_ns) == 0) {
			int64_t u = read_usage(ufd);
			if (u >= level) {
				atomic_store(&rep->cross_usage_bytes, u);
				atomic_store(&rep->cross_touched_bytes, off + CHUNK_BYTES);
				atomic_store(&rep->cross_ns, now_ns());
			}
		}
		/* pace: be at off bytes no earlier than t0 + off / rate */
		int64_t due = t0 + (int64_t)((double)(off + CHUNK_BYTES) * 1e9 / (double)rate_bps);
		if (due - now_ns() > 100000)
			sleep_until(due);
	}
	_exit(0); /* never reached with max_bytes above the limit */
}

/* ---- the eviction loop --------------------------------------------------- */

struct loop {
	const struct podoom_kubelet_profile *kp;
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_pod pod;
	struct podoom_container container;
	char node[128], podcg[160];
	int64_t node_limit_bytes;
};

/* one synchronize step on fresh stats; *ret_evict when it chose the spiker */
static int step(struct loop *L, int64_t now, bool *ret_evict, int64_t *ret_grace_s)
{
	struct podoom_memcg_stat node, pod;
	struct podoom_eviction_observations obs = {0};
	struct podoom_eviction_decision d;
	struct podoom_eviction_rank scratch[1];
	int r;

	if ((r = podoom_cgroup_read_stat(&root, L->node, &node)) < 0 ||
	    (r = podoom_cgroup_read_stat(&root, L->podcg, &pod)) < 0)
		return r;
	/* the emulated node: memory.available = node limit - node working set */
	r = podoom_eviction_observe(L->node_limit_bytes, node.usage_bytes, node.inactive_file_bytes, now / 1000,
				    &obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE]);
	if (r < 0)
		return r;
	struct podoom_eviction_pod ep = {.pod = &L->pod, .has_stats = true, .working_set_bytes = pod.working_set_bytes};
	if ((r = podoom_eviction_synchronize(&L->m, &obs, &ep, 1, scratch, now / 1000, &d)) < 0)
		return r;
	if (debug)
		fprintf(stderr, "step: usage %" PRId64 " inactive_file %" PRId64 " available %" PRId64
				" met %#x evict %d\n",
			node.usage_bytes, node.inactive_file_bytes,
			obs.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].available_bytes, d.met, d.evict);
	*ret_evict = d.evict;
	*ret_grace_s = d.grace_period_seconds;
	return 0;
}

static int run_trial(struct loop *L, enum mode mode, int64_t rate_bps, struct trial *out)
{
	struct report *rep = NULL;
	struct podoom_memnotify *notifier = NULL;
	struct podoom_memcg_stat st;
	struct podoom_eviction_diag ed;
	char usage_path[700];
	int go[2] = {-1, -1}, pidfd = -1, r, status = 0;
	bool dead = false, we_killed = false;
	int64_t signal_ns = 0, kill_due_ns = 0, death_ns = 0, grace_s = 0;

	memset(out, 0, sizeof(*out));
	if ((r = podoom_eviction_manager_init(&L->m, L->kp, &L->cfg, &ed)) < 0)
		return r;
	if ((r = podoom_cgroup_create(&root, L->node)) < 0 ||
	    (r = podoom_cgroup_set_limit(&root, L->node, L->node_limit_bytes, 0)) < 0 ||
	    (r = podoom_cgroup_create(&root, L->podcg)) < 0)
		goto out;
	snprintf(usage_path, sizeof(usage_path), "%s/%s/%s", root.mount, L->node,
		 root.version == 2 ? "memory.current" : "memory.usage_in_bytes");
	rep = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		rep = NULL;
		r = -errno;
		goto out;
	}
	memset(rep, 0, sizeof(*rep));
	if (pipe2(go, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	spiker_pid = fork();
	if (spiker_pid < 0) {
		r = -errno;
		goto out;
	}
	if (spiker_pid == 0) {
		close(go[1]);
		spiker(rep, go[0], usage_path, L->node_limit_bytes + 128 * MiB, rate_bps);
	}
	close(go[0]);
	go[0] = -1;
	if ((r = podoom_cgroup_attach(&root, L->podcg, spiker_pid)) < 0)
		goto out;
	pidfd = pidfd_open_(spiker_pid);
	if (pidfd < 0) {
		r = -errno;
		goto out;
	}

	/* the kubelet's notifier level from one summary (UpdateThreshold) */
	if ((r = podoom_cgroup_read_stat(&root, L->node, &st)) < 0)
		goto out;
	const struct podoom_eviction_threshold *t = &L->m.thresholds.t[0];
	r = podoom_eviction_notifier_level_bytes(t, st.usage_bytes, st.working_set_bytes,
						 L->node_limit_bytes - st.working_set_bytes, &rep->level_bytes);
	if (r < 0)
		goto out;
	out->level_bytes = rep->level_bytes;
	if ((mode == MODE_EVENT || mode == MODE_EVENT_KUBELET) &&
	    (r = podoom_memnotify_open_usage(&root, L->node, rep->level_bytes, &notifier)) < 0)
		goto out;

	int64_t period = mode_period_ns[mode];
	int64_t go_ns = now_ns();
	int64_t next_tick = go_ns + (int64_t)(rng_next() % (uint64_t)period);
	int64_t followup_at = INT64_MAX, followup_gap = 0;
	if (write(go[1], "g", 1) != 1) {
		r = -EIO;
		goto out;
	}

	while (!dead) {
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = -1}};
		int64_t now = now_ns(), wake = next_tick;
		if (stop_requested || now - go_ns > TRIAL_TIMEOUT_NS) {
			pidfd_signal(pidfd, SIGKILL);
			r = stop_requested ? -EINTR : -ETIMEDOUT;
			waitpid(spiker_pid, &status, 0);
			spiker_pid = -1;
			goto out;
		}
		if (notifier && !out->signalled) {
			p[1].fd = podoom_memnotify_fd(notifier);
			p[1].events = podoom_memnotify_events(notifier);
		}
		if (followup_at < wake)
			wake = followup_at;
		if (out->signalled)
			wake = kill_due_ns;
		struct timespec to = {0, 0};
		if (wake > now)
			to = (struct timespec){.tv_sec = (wake - now) / 1000000000, .tv_nsec = (wake - now) % 1000000000};
		if (ppoll(p, 2, &to, NULL) < 0 && errno != EINTR) {
			r = -errno;
			goto out;
		}
		now = now_ns();
		if (p[0].revents & POLLIN) {
			death_ns = now;
			if (waitpid(spiker_pid, &status, 0) == spiker_pid)
				dead = true;
			spiker_pid = -1;
			break;
		}
		bool run_step = false, woken = false;
		if (!out->signalled && now >= followup_at) {
			run_step = true;
			followup_at = INT64_MAX;
		}
		if (!out->signalled && now >= next_tick) {
			run_step = true;
			while (next_tick <= now)
				next_tick += period;
		}
		if (p[1].fd >= 0 && p[1].revents) {
			unsigned what = 0;
			if ((r = podoom_memnotify_ack(notifier, p[1].revents, &what)) < 0)
				goto out;
			if (what) {
				run_step = woken = true;
				followup_gap = 0;
			}
			if (debug)
				fprintf(stderr, "event: revents %#x what %#x at +%.3f ms\n", (unsigned)p[1].revents, what,
					(double)(now - go_ns) / 1e6);
		}
		if (run_step && !out->signalled) {
			bool evict = false;
			out->steps++;
			r = step(L, now, &evict, &grace_s);
			if (r == -ENOENT) /* the pod's cgroup is going: the spiker died meanwhile */
				continue;
			if (r < 0)
				goto out;
			if (!evict && mode == MODE_EVENT && (woken || followup_gap)) {
				followup_gap = followup_gap ? 2 * followup_gap : FOLLOWUP_FIRST_NS;
				followup_at = followup_gap < period ? now + followup_gap : INT64_MAX;
			}
			if (evict) {
				signal_ns = now_ns();
				pidfd_signal(pidfd, SIGTERM);
				out->signalled = true;
				kill_due_ns = signal_ns + (grace_s > 0 ? grace_s : 0) * 1000000000;
			}
		} else if (out->signalled && !we_killed && now >= kill_due_ns) {
			pidfd_signal(pidfd, SIGKILL); /* the grace period is over */
			we_killed = true;
		}
	}

	int64_t cross = atomic_load(&rep->cross_ns);
	out->crossed = cross != 0;
	if ((r = podoom_cgroup_read_stat(&root, L->podcg, &st)) < 0)
		goto out;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	out->oom_killed = st.oom_kill > 0 || (sig == SIGKILL && !we_killed);
	out->evicted_first = out->signalled && !out->oom_killed && sig == SIGTERM;
	if (out->signalled && out->crossed)
		out->latency_ns = signal_ns - cross;
	if (out->crossed && cross > rep->start_ns)
		out->rate_bps = (int64_t)((double)rep->cross_touched_bytes * 1e9 / (double)(cross - rep->start_ns));
	if (out->oom_killed && out->crossed)
		out->window_ns = death_ns - cross;
	if (debug)
		fprintf(stderr, "trial: signalled %d evicted %d oom %d (pod oom_kill %" PRIu64 ", signal %d) steps %" PRId64
				" cross +%.3f ms death +%.3f ms\n",
			out->signalled, out->evicted_first, out->oom_killed, st.oom_kill, sig, out->steps,
			cross ? (double)(cross - go_ns) / 1e6 : -1.0, (double)(death_ns - go_ns) / 1e6);
	r = 0;
out:
	if (spiker_pid > 0) {
		kill(spiker_pid, SIGKILL);
		waitpid(spiker_pid, NULL, 0);
		spiker_pid = -1;
	}
	podoom_memnotify_close(notifier);
	if (pidfd >= 0)
		close(pidfd);
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (rep)
		munmap(rep, 4096);
	int rr = podoom_cgroup_destroy(&root, L->node, 5000);
	return r < 0 ? r : rr;
}

/* ---- statistics ---------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* nearest-rank percentile of v[0..n) (sorted); INT64_MAX stands for "never" */
static int64_t pct(const int64_t *v, size_t n, unsigned p)
{
	size_t k = (n * p + 99) / 100;
	return n ? v[k ? k - 1 : 0] : INT64_MAX;
}

static void fmt_ms(char *buf, size_t size, int64_t ns)
{
	if (ns == INT64_MAX)
		snprintf(buf, size, "never");
	else
		snprintf(buf, size, "%.2f", (double)ns / 1e6);
}

static void usage(void)
{
	fprintf(stderr, "usage: race [-n TRIALS] [-m poll10s|poll100ms|event]... [-l NODE_MIB] [-r RATE_MIB_S]"
			" [-s SEED]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long trials = 100, node_mib = 512, rate_mib = 1024;
	uint64_t seed = (uint64_t)time(NULL);
	bool want[MODE_COUNT] = {false}, any = false;
	int opt;

	while ((opt = getopt(argc, argv, "n:m:l:r:s:")) != -1) {
		switch (opt) {
		case 'n': trials = strtol(optarg, NULL, 10); break;
		case 'l': node_mib = strtol(optarg, NULL, 10); break;
		case 'r': rate_mib = strtol(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'm': {
			int i;
			for (i = 0; i < MODE_COUNT && strcmp(optarg, mode_name[i]) != 0; i++)
				;
			if (i == MODE_COUNT)
				usage();
			want[i] = any = true;
			break;
		}
		default: usage();
		}
	}
	if (trials < 1 || trials > MAX_TRIALS || node_mib < 200 || node_mib > 4096 || rate_mib < 16 ||
	    rate_mib > 16384)
		usage();
	if (!any)
		for (int i = 0; i < MODE_COUNT; i++)
			want[i] = true;
	rng_state = seed;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a row per mode as it finishes, also into a file */
	debug = getenv("RACE_DEBUG") != NULL;

	if (geteuid() != 0 || podoom_cgroup_detect("/", &root) < 0) {
		fprintf(stderr, "race: needs root and a memory cgroup controller\n");
		return 77;
	}
	int64_t avail;
	if (podoom_host_memavailable("/", &avail) == 0 && avail < (node_mib + 512) * MiB) {
		fprintf(stderr, "race: MemAvailable %" PRId64 " MiB is too little for a %ld MiB node\n", avail / MiB,
			node_mib);
		return 1;
	}
	unsigned reaped = 0;
	podoom_cgroup_reap_stale(&root, &reaped);
	podoom_cgroup_parent_name(getpid(), "race", parent, sizeof(parent));
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(cleanup);
	if (podoom_cgroup_create(&root, parent) < 0 ||
	    podoom_cgroup_set_limit(&root, parent, (node_mib + 64) * MiB, 0) < 0) {
		fprintf(stderr, "race: cannot create %s under %s\n", parent, root.mount);
		return 1;
	}

	static struct loop L;
	const char *msg = NULL;
	L.kp = podoom_kubelet_profile_default();
	L.node_limit_bytes = node_mib * MiB;
	snprintf(L.node, sizeof(L.node), "%s/node", parent);
	snprintf(L.podcg, sizeof(L.podcg), "%s/pod", L.node);
	podoom_eviction_config_init(&L.cfg);
	const char *hard = "memory.available<100Mi"; /* DefaultEvictionHard's memory entry */
	if (podoom_eviction_config_set_flag(&L.cfg, PODOOM_EVICTION_FIELD_HARD, hard, strlen(hard), &msg) < 0) {
		fprintf(stderr, "race: %s\n", msg);
		return 1;
	}
	L.container = (struct podoom_container){.name = "spiker"};
	L.pod = (struct podoom_pod){.kind = "Pod", .name = "spiker", .namespace = "default",
				    .containers = &L.container, .ncontainers = 1};

	printf("race: node %ld MiB (cgroup v%d), spike %ld MiB/s, evict when memory.available<100Mi, "
	       "%ld trials per mode, seed %" PRIu64 "\n",
	       node_mib, root.version, rate_mib, trials, seed);
	if (root.version == 2)
		printf("race: cgroup v2 has no usage thresholds: event mode waits on a PSI trigger\n");
	printf("\n%-13s %6s %8s %8s %7s %9s %9s %9s %12s %7s %7s\n", "mode", "trials", "evicted", "oom", "wins",
	       "p50 ms", "p99 ms", "max ms", "cross->oom", "steps", "MiB/s");

	static struct trial res[MAX_TRIALS];
	static int64_t lat[MAX_TRIALS], win[MAX_TRIALS], rate[MAX_TRIALS];
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!want[m])
			continue;
		size_t nev = 0, noom = 0, nwin = 0, bad = 0;
		int64_t steps = 0;
		for (long i = 0; i < trials; i++) {
			int r = run_trial(&L, (enum mode)m, rate_mib * MiB, &res[i]);
			if (r == -EINTR && stop_requested) {
				fprintf(stderr, "race: interrupted in %s trial %ld; cgroups removed\n", mode_name[m], i);
				return 130;
			}
			if (r < 0) {
				fprintf(stderr, "race: %s trial %ld: %s\n", mode_name[m], i, strerror(-r));
				return 1;
			}
			struct trial *t = &res[i];
			nev += t->evicted_first;
			noom += t->oom_killed;
			bad += !t->crossed;
			steps += t->steps;
			rate[i] = t->rate_bps;
			/* a trial without a signal counts as never: the percentiles are
			 * over all trials, so "p99 never" means more than 1% were lost */
			lat[i] = t->signalled && t->crossed ? t->latency_ns : INT64_MAX;
			if (t->oom_killed && t->crossed)
				win[nwin++] = t->window_ns;
		}
		qsort(lat, (size_t)trials, sizeof(lat[0]), cmp_i64);
		qsort(win, nwin, sizeof(win[0]), cmp_i64);
		qsort(rate, (size_t)trials, sizeof(rate[0]), cmp_i64);
		char p50[16], p99[16], mx[16], w50[16];
		fmt_ms(p50, sizeof(p50), pct(lat, (size_t)trials, 50));
		fmt_ms(p99, sizeof(p99), pct(lat, (size_t)trials, 99));
		fmt_ms(mx, sizeof(mx), lat[trials - 1]);
		fmt_ms(w50, sizeof(w50), nwin ? pct(win, nwin, 50) : INT64_MAX);
		printf("%-13s %6ld %8zu %8zu %6.1f%% %9s %9s %9s %12s %7.1f %7" PRId64 "\n", mode_name[m], trials, nev,
		       noom, 100.0 * (double)nev / (double)trials, p50, p99, mx, w50, (double)steps / (double)trials,
		       pct(rate, (size_t)trials, 50) / MiB);
		if (bad)
			printf("  (%zu trials where the spiker never saw the level)\n", bad);
		if (stop_requested)
			break;
	}
	printf("\nlatency: threshold crossing (the spiker's own usage read) to the eviction signal; "
	       "cross->oom: median crossing to kernel OOM kill;\nsteps: eviction steps per trial; MiB/s: the spiker's "
	       "median achieved rate up to the crossing; level %" PRId64 " bytes\n",
	       res[0].level_bytes);
	return stop_requested ? 130 : 0;
}
