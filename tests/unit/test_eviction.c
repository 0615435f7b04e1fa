/* test_eviction.c - the kubelet's memory eviction manager against
 * reference/kubernetes.md §4 and pkg/kubelet/eviction (v1.36 era), with the
 * kubelet's real defaults: memory.available<100Mi hard, 10 s loop, 5m
 * transition period, grace override 1 s for hard evictions. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/eviction.h"
#include "podoom/gofloat.h"
#include "podoom/qos.h"

#define KI 1024LL
#define MI (1024LL * 1024)
#define GI (1024LL * 1024 * 1024)
#define SEC 1000000LL
#define CAP_8GI (8 * GI)

static const struct podoom_kubelet_profile *profile(const char *v)
{
	const struct podoom_kubelet_profile *kp = NULL;
	assert_int_equal(podoom_kubelet_profile_lookup(v, &kp), 0);
	return kp;
}

static void set(struct podoom_eviction_config *cfg, enum podoom_eviction_field f, const char *k, const char *v)
{
	assert_int_equal(podoom_eviction_config_set(cfg, f, k, strlen(k), v, strlen(v), NULL), 0);
}

static int flag(struct podoom_eviction_config *cfg, enum podoom_eviction_field f, const char *v, const char **msg)
{
	return podoom_eviction_config_set_flag(cfg, f, v, strlen(v), msg);
}

static int parse(const char *kver, const struct podoom_eviction_config *cfg, struct podoom_eviction_thresholds *th,
		 struct podoom_eviction_diag *diag)
{
	return podoom_eviction_thresholds_parse(profile(kver), cfg, th, diag);
}

static const struct podoom_eviction_threshold *find(const struct podoom_eviction_thresholds *th,
						     enum podoom_eviction_signal s, bool hard)
{
	for (size_t i = 0; i < th->n; i++)
		if (th->t[i].signal == s && (th->t[i].grace_period_nsec == 0) == hard)
			return &th->t[i];
	return NULL;
}

/* memory.available on a node of @cap bytes whose root working set leaves @avail */
static struct podoom_eviction_observations node_obs(int64_t cap, int64_t avail, int64_t t_usec)
{
	struct podoom_eviction_observations o;
	memset(&o, 0, sizeof(o));
	/* usage 1Gi above the working set is inactive file cache */
	assert_int_equal(podoom_eviction_observe(cap, cap - avail + GI, GI, t_usec,
						 &o.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE]),
			 0);
	assert_int_equal(o.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].available_bytes, avail);
	return o;
}

/* a pod on the stack: one regular container with an optional memory request */
struct tpod {
	struct podoom_pod pod;
	struct podoom_container c;
	int64_t ws[1];
};

static void mkpod(struct tpod *t, const char *name, const char *mem_request, int32_t priority, bool has_priority)
{
	memset(t, 0, sizeof(*t));
	t->pod.kind = "Pod";
	t->pod.name = name;
	t->pod.namespace = "default";
	t->pod.has_priority = has_priority;
	t->pod.priority = priority;
	t->c.name = "app";
	t->c.type = PODOOM_CONTAINER_REGULAR;
	if (mem_request) {
		t->c.requests.has_memory = true;
		assert_int_equal(podoom_quantity_parse(mem_request, strlen(mem_request), &t->c.requests.memory, NULL), 0);
	}
	t->pod.containers = &t->c;
	t->pod.ncontainers = 1;
}

static struct podoom_eviction_pod epod(struct tpod *t, int64_t ws)
{
	t->ws[0] = ws;
	return (struct podoom_eviction_pod){
		.pod = &t->pod, .has_stats = true, .working_set_bytes = ws, .container_working_set_bytes = t->ws};
}

static void manager(struct podoom_eviction_manager *m, const char *kver, const struct podoom_eviction_config *cfg)
{
	struct podoom_eviction_diag diag = {0};
	int r = podoom_eviction_manager_init(m, profile(kver), cfg, &diag);
	if (r != 0)
		fail_msg("manager_init: %d %s", r, diag.msg);
}

static struct podoom_eviction_decision step(struct podoom_eviction_manager *m, int64_t avail, int64_t t_usec,
					    const struct podoom_eviction_pod *pods, size_t n)
{
	struct podoom_eviction_observations o = node_obs(CAP_8GI, avail, t_usec);
	struct podoom_eviction_rank scratch[8];
	struct podoom_eviction_decision d;
	assert_true(n <= 8);
	assert_int_equal(podoom_eviction_synchronize(m, &o, pods, n, scratch, t_usec, &d), 0);
	return d;
}

/* ---- parsing ---------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th;
	const struct podoom_eviction_threshold *t;
	(void)state;
	podoom_eviction_config_init(&cfg);
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	/* DefaultEvictionHard (4 signals) + the allocatable copy of memory.available */
	assert_int_equal(th.n, 5);
	t = find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, true);
	assert_non_null(t);
	assert_false(t->value.is_percentage);
	assert_true(t->value.quantity.nano == (podoom_i128)100 * MI * 1000000000);
	t = find(&th, PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE, true);
	assert_non_null(t);
	assert_true(t->value.is_percentage);
	assert_true(t->value.percentage == 0.1f);
	assert_non_null(find(&th, PODOOM_EVICTION_SIGNAL_NODEFS_INODES_FREE, true));
	assert_non_null(find(&th, PODOOM_EVICTION_SIGNAL_IMAGEFS_AVAILABLE, true));
	t = find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, true);
	assert_non_null(t);
	assert_true(t->value.quantity.nano == (podoom_i128)100 * MI * 1000000000);
	assert_int_equal(cfg.pressure_transition_period_nsec, 300 * SEC * 1000);
	assert_true(cfg.enforce_node_allocatable_pods);
	assert_int_equal(cfg.max_pod_grace_period_seconds, 0);
}

static void test_given_hard_zeroes_the_rest(void **state)
{
	static const struct {
		const char *kver;
		bool merge, via_flag;
		size_t want; /* thresholds: hard ones + allocatable copy */
	} t[] = {
		{"1.36", false, false, 2}, /* memory.available + allocatable: disk defaults gone */
		{"1.36", true, false, 5},  /* mergeDefaultEvictionSettings keeps them */
		{"1.32", true, false, 2},  /* the setting does not exist before 1.33 */
		{"1.36", true, true, 2},   /* a flag replaces the merged map */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct podoom_eviction_config cfg;
		struct podoom_eviction_thresholds th;
		podoom_eviction_config_init(&cfg);
		cfg.merge_defaults = t[i].merge;
		if (t[i].via_flag)
			assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available<200Mi", NULL), 0);
		else
			set(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available", "200Mi");
		assert_int_equal(parse(t[i].kver, &cfg, &th, NULL), 0);
		assert_int_equal(th.n, t[i].want);
		assert_true(find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, true)->value.quantity.nano ==
			    (podoom_i128)200 * MI * 1000000000);
	}
	/* an explicitly empty map is given too: no hard thresholds at all */
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th;
	podoom_eviction_config_init(&cfg);
	podoom_eviction_config_clear(&cfg, PODOOM_EVICTION_FIELD_HARD);
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 0);
}

static void test_flag_syntax(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th;
	const struct podoom_eviction_threshold *t;
	const char *msg = NULL;
	(void)state;
	podoom_eviction_config_init(&cfg);
	/* pflag's LAngleSeparatedMapStringString: empty pairs skipped, TrimSpace on
	 * both halves (Unicode spaces too), the later duplicate wins */
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_HARD,
			      " memory.available < 1Gi,,nodefs.available<5%,memory.available<\xc2\xa0 500Mi\t", NULL),
			 0);
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_SOFT, "memory.available<1.5Gi", NULL), 0);
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available=1m30s", NULL), 0);
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.available=0.5Gi", NULL), 0);
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 4); /* hard memory, hard nodefs, soft memory, allocatable */
	t = find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, true);
	assert_true(t->value.quantity.nano == (podoom_i128)500 * MI * 1000000000);
	assert_true(t->has_min_reclaim); /* attached to hard and soft alike */
	assert_true(t->min_reclaim.quantity.nano == (podoom_i128)512 * MI * 1000000000);
	t = find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, false);
	assert_int_equal(t->grace_period_nsec, 90 * SEC * 1000);
	assert_true(t->has_min_reclaim);
	t = find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, true);
	assert_true(t->has_min_reclaim);
	char buf[64];
	podoom_eviction_threshold_format(find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, false), buf, sizeof(buf));
	assert_string_equal(buf, "memory.available<1536Mi for 1m30s");
	podoom_eviction_threshold_format(find(&th, PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE, true), buf, sizeof(buf));
	assert_string_equal(buf, "nodefs.available<5%");

	/* a second use adds to the map; the first replaced it */
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_HARD, "pid.available<1k", NULL), 0);
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 5);

	/* malformed pairs; the config is left as it was */
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available=100Mi", &msg), -EINVAL);
	assert_string_equal(msg, "malformed pair, expect string<string");
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available<1m", &msg), -EINVAL);
	assert_string_equal(msg, "malformed pair, expect string=string");
	assert_int_equal(flag(&cfg, PODOOM_EVICTION_FIELD_HARD, " ", &msg), -EINVAL); /* not trimmed before the test */
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 5);
}

static void test_parse_errors(void **state)
{
	static const struct {
		enum podoom_eviction_field f;
		const char *key, *value;
		const char *msg;
		int field, signal;
	} t[] = {
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "-1Mi", "eviction threshold must be positive",
		 PODOOM_EVICTION_FIELD_HARD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "0", "eviction threshold must be positive",
		 PODOOM_EVICTION_FIELD_HARD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "101%", "eviction percentage threshold must be <= 100%",
		 PODOOM_EVICTION_FIELD_HARD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "-5%", "eviction percentage threshold must be >= 0%",
		 PODOOM_EVICTION_FIELD_HARD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "inf%", "eviction percentage threshold must be <= 100%",
		 PODOOM_EVICTION_FIELD_HARD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "ten%", NULL, PODOOM_EVICTION_FIELD_HARD,
		 PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.available", "100MB", NULL, PODOOM_EVICTION_FIELD_HARD,
		 PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_HARD, "memory.free", "100Mi", "unsupported eviction signal",
		 PODOOM_EVICTION_FIELD_HARD, -1},
		{PODOOM_EVICTION_FIELD_HARD, "swap.available", "100Mi", "unsupported eviction signal",
		 PODOOM_EVICTION_FIELD_HARD, -1},
		{PODOOM_EVICTION_FIELD_SOFT, "memory.available", "1Gi",
		 "grace period must be specified for the soft eviction threshold", PODOOM_EVICTION_FIELD_SOFT,
		 PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available", "-1s",
		 "invalid eviction grace period specified, must be a positive value",
		 PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available", "90", NULL,
		 PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.available", "-1Mi",
		 "negative eviction minimum reclaim specified", PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM,
		 PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.available", "0%",
		 "eviction percentage minimum reclaim must be positive", PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM,
		 PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE},
		{PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.availble", "1Mi", "unsupported eviction signal",
		 PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, -1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct podoom_eviction_config cfg;
		struct podoom_eviction_thresholds th = {.n = 77};
		struct podoom_eviction_diag diag = {0};
		podoom_eviction_config_init(&cfg);
		set(&cfg, t[i].f, t[i].key, t[i].value);
		int r = parse("1.36", &cfg, &th, &diag);
		if (r >= 0)
			fail_msg("%s: %s accepted", t[i].key, t[i].value);
		assert_int_equal(th.n, 77); /* untouched on error */
		assert_non_null(diag.msg);
		if (t[i].msg)
			assert_string_equal(diag.msg, t[i].msg);
		assert_int_equal(diag.field, t[i].field);
		assert_int_equal(diag.signal, t[i].signal);
	}
}

static void test_ignored_and_odd_values(void **state)
{
	static const struct {
		const char *value;
		bool present;
		bool pct;
		float pct_value;
	} t[] = {
		{"0%", false, false, 0},     /* "ignore 0% and 100%": the signal is off */
		{"100%", false, false, 0},
		{"0.0%", true, true, 0.0f},  /* not the exact string: a 0 threshold, met below 0 */
		{"100.0%", true, true, 1.0f},
		{"10%%", true, true, 0.1f},  /* TrimRight strips every '%' */
		{"1_0%", true, true, 0.1f},  /* ParseFloat takes Go's digit separators */
		{"0x1p-1%", true, true, 0.005f},
		{"12.5%", true, true, 0.125f},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct podoom_eviction_config cfg;
		struct podoom_eviction_thresholds th;
		podoom_eviction_config_init(&cfg);
		set(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available", t[i].value);
		cfg.enforce_node_allocatable_pods = false;
		assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
		const struct podoom_eviction_threshold *th0 = find(&th, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE, true);
		assert_int_equal(th0 != NULL, t[i].present);
		if (th0) {
			assert_int_equal(th0->value.is_percentage, t[i].pct);
			if (th0->value.percentage != t[i].pct_value)
				fail_msg("%s: %.9g", t[i].value, (double)th0->value.percentage);
		}
	}
	/* "nan%" passes every range test, as in Go: int64(NaN) on amd64 is
	 * INT64_MIN, so the threshold can never be met */
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th;
	podoom_eviction_config_init(&cfg);
	set(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available", "NaN%");
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_true(isnan(th.t[0].value.percentage));
	assert_true(podoom_eviction_value_resolve(&th.t[0].value, CAP_8GI).nano == (podoom_i128)INT64_MIN * 1000000000);
}

/* ---- percentages ------------------------------------------------------ */

static void test_percentage_threshold(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_decision d;
	(void)state;
	podoom_eviction_config_init(&cfg);
	set(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available", "10%");
	manager(&m, "1.36", &cfg);
	/* float32(10)/100 = 0.100000001490116..., times 8Gi, truncated: 858993472,
	 * 13 bytes above the exact tenth (858993459) */
	struct podoom_quantity q = podoom_eviction_value_resolve(&m.thresholds.t[0].value, CAP_8GI);
	assert_true(q.nano == (podoom_i128)858993472 * 1000000000);
	assert_int_equal(q.format, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	d = step(&m, 858993472, 0, NULL, 0);
	assert_int_equal(d.met, 0);
	d = step(&m, 858993471, 10 * SEC, NULL, 0);
	assert_int_equal(d.met & 1, 1);
	/* 5% of 16Gi: float32 0.05 = 0.0500000007450581 -> 858993472, not 858993459 */
	struct podoom_eviction_value v = {.is_percentage = true, .percentage = 0.05f};
	q = podoom_eviction_value_resolve(&v, 16 * GI);
	assert_true(q.nano == (podoom_i128)858993472 * 1000000000);
}

/* ---- synchronize ------------------------------------------------------ */

static void test_threshold_met_is_strict(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_decision d;
	struct tpod a;
	struct podoom_eviction_pod pods[1];
	(void)state;
	podoom_eviction_config_init(&cfg); /* memory.available<100Mi, the default */
	manager(&m, "1.36", &cfg);
	mkpod(&a, "a", NULL, 0, false);
	pods[0] = epod(&a, 500 * MI);
	d = step(&m, 100 * MI, 0, pods, 1); /* available == threshold: not met */
	assert_int_equal(d.met, 0);
	assert_false(d.memory_pressure);
	assert_false(d.reclaim);
	d = step(&m, 100 * MI - 1, 10 * SEC, pods, 1);
	assert_true(d.memory_pressure);
	assert_true(d.reclaim);
	assert_int_equal(m.thresholds.t[d.threshold].signal, PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE);
	assert_true(d.evict);
	assert_int_equal(d.pod, 0);
	assert_int_equal(d.grace_period_seconds, 1); /* immediateEvictionGracePeriodSeconds */
}

static void test_min_reclaim_hysteresis(void **state)
{
	static const struct {
		int64_t avail;
		bool met;
	} seq[] = {
		{99 * MI, true},   /* crosses 100Mi */
		{300 * MI, true},  /* above the threshold, below threshold + min reclaim (600Mi) */
		{600 * MI - 1, true},
		{600 * MI, false}, /* threshold + min reclaim reached: resolved (strict again) */
		{300 * MI, false}, /* no longer previously met: 300Mi is fine */
	};
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	(void)state;
	podoom_eviction_config_init(&cfg);
	set(&cfg, PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.available", "500Mi");
	manager(&m, "1.36", &cfg);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		struct podoom_eviction_decision d = step(&m, seq[i].avail, (int64_t)i * 10 * SEC, NULL, 0);
		if (((d.met & 1) != 0) != seq[i].met)
			fail_msg("step %zu: available %lld met=%u", i, (long long)seq[i].avail, d.met);
	}
	/* without a minimum reclaim 101Mi already resolves it */
	podoom_eviction_config_init(&cfg);
	manager(&m, "1.36", &cfg);
	assert_int_equal(step(&m, 99 * MI, 0, NULL, 0).met & 1, 1);
	assert_int_equal(step(&m, 100 * MI, 10 * SEC, NULL, 0).met & 1, 0);
}

static void test_soft_grace_period(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_decision d;
	struct tpod a;
	struct podoom_eviction_pod pods[1];
	(void)state;
	podoom_eviction_config_init(&cfg);
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT, "memory.available", "1Gi");
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available", "1m30s");
	cfg.max_pod_grace_period_seconds = 60;
	manager(&m, "1.36", &cfg);
	mkpod(&a, "web", "256Mi", 0, false);
	a.pod.has_termination_grace = true;
	a.pod.termination_grace_seconds = 30;
	pods[0] = epod(&a, 2 * GI);

	d = step(&m, 900 * MI, 0, pods, 1); /* below 1Gi, above the 100Mi hard one */
	assert_true(d.memory_pressure);	    /* conditions ignore grace periods */
	assert_int_not_equal(d.met, 0);
	assert_int_equal(d.grace_met, 0);
	assert_false(d.evict);
	d = step(&m, 900 * MI, 80 * SEC, pods, 1);
	assert_false(d.evict);
	d = step(&m, 900 * MI, 90 * SEC - 1, pods, 1);
	assert_false(d.evict);
	d = step(&m, 900 * MI, 90 * SEC, pods, 1); /* observed for exactly 1m30s */
	assert_true(d.evict);
	assert_int_not_equal(m.thresholds.t[d.threshold].grace_period_nsec, 0);
	/* min(evictionMaxPodGracePeriod 60, terminationGracePeriodSeconds 30) */
	assert_int_equal(d.grace_period_seconds, 30);

	/* the clock restarts when the threshold stops being met */
	d = step(&m, 2 * GI, 100 * SEC, pods, 1);
	assert_int_equal(d.met, 0);
	d = step(&m, 900 * MI, 110 * SEC, pods, 1);
	assert_false(d.evict);
	d = step(&m, 900 * MI, 200 * SEC, pods, 1);
	assert_true(d.evict);
}

static void test_grace_period_override(void **state)
{
	static const struct {
		const char *kver;
		bool hard;
		int64_t max, tgps; /* tgps < 0: unset */
		int64_t want;
	} t[] = {
		{"1.36", true, 0, 30, 1},    /* hard: immediateEvictionGracePeriodSeconds */
		{"1.31", true, 0, 30, 1},
		{"1.30", true, 0, 30, 0},    /* before PR #124063 */
		{"1.36", false, 60, 30, 30}, /* soft: min(max, pod's) */
		{"1.36", false, 60, -1, 60},
		{"1.36", false, 0, 30, 0},   /* the default max 0 */
		{"1.36", false, -1, 30, -1}, /* negative passed through (issue #118172) */
		{"1.30", false, 60, 30, 30},
		{"1.28", false, 60, 30, 60}, /* before PR #122890 the maximum alone */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tpod a;
		struct podoom_eviction_threshold th = {.signal = PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE,
						       .grace_period_nsec = t[i].hard ? 0 : 90 * SEC * 1000};
		mkpod(&a, "a", NULL, 0, false);
		a.pod.has_termination_grace = t[i].tgps >= 0;
		a.pod.termination_grace_seconds = t[i].tgps;
		int64_t g = podoom_eviction_grace_period_seconds(profile(t[i].kver), t[i].max, &th, &a.pod);
		if (g != t[i].want)
			fail_msg("row %zu: %lld, want %lld", i, (long long)g, (long long)t[i].want);
	}
}

static void test_pressure_transition_period(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	(void)state;
	podoom_eviction_config_init(&cfg);
	cfg.pressure_transition_period_nsec = 0; /* "0s" in the config: the 5m default */
	manager(&m, "1.36", &cfg);
	assert_int_equal(m.pressure_transition_period_nsec, 300 * SEC * 1000);
	assert_true(step(&m, 50 * MI, 0, NULL, 0).memory_pressure);
	assert_true(step(&m, 50 * MI, 20 * SEC, NULL, 0).memory_pressure); /* last observed at 20s */
	assert_true(step(&m, 4 * GI, 30 * SEC, NULL, 0).memory_pressure);
	assert_true(step(&m, 4 * GI, 320 * SEC - 1, NULL, 0).memory_pressure);
	assert_false(step(&m, 4 * GI, 320 * SEC, NULL, 0).memory_pressure); /* 5m since the last sighting */
	assert_false(step(&m, 4 * GI, 600 * SEC, NULL, 0).memory_pressure);
	assert_true(step(&m, 50 * MI, 610 * SEC, NULL, 0).memory_pressure);

	/* a 30s period */
	podoom_eviction_config_init(&cfg);
	cfg.pressure_transition_period_nsec = 30 * SEC * 1000;
	manager(&m, "1.36", &cfg);
	assert_true(step(&m, 50 * MI, 0, NULL, 0).memory_pressure);
	assert_true(step(&m, 4 * GI, 29 * SEC, NULL, 0).memory_pressure);
	assert_false(step(&m, 4 * GI, 30 * SEC, NULL, 0).memory_pressure);
}

static void test_stale_stats_ignored(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_observations o;
	struct podoom_eviction_decision d;
	struct podoom_eviction_rank scratch[2];
	struct tpod a, b;
	struct podoom_eviction_pod pods[2];
	(void)state;
	podoom_eviction_config_init(&cfg);
	manager(&m, "1.36", &cfg);
	mkpod(&a, "a", NULL, 0, false);
	mkpod(&b, "b", NULL, 0, false);
	pods[0] = epod(&a, 900 * MI);
	pods[1] = epod(&b, 800 * MI);
	o = node_obs(CAP_8GI, 50 * MI, 5 * SEC); /* stats taken at 5s */
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods, 2, scratch, 10 * SEC, &d), 0);
	assert_true(d.evict);
	assert_int_equal(d.pod, 0);
	/* right after the cleanup wait: the same stats, not refreshed */
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods + 1, 1, scratch, 11 * SEC, &d), 0);
	assert_int_not_equal(d.grace_met & 1, 0); /* still met */
	assert_int_equal(d.fresh & 1, 0);	  /* but the observation did not advance */
	assert_true(d.memory_pressure);
	assert_false(d.reclaim);
	assert_false(d.evict);
	/* newer stats: evict again */
	o = node_obs(CAP_8GI, 60 * MI, 11 * SEC);
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods + 1, 1, scratch, 12 * SEC, &d), 0);
	assert_true(d.evict);
	/* a zero timestamp always counts as fresh */
	o.signal[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE].has_time = false;
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods + 1, 1, scratch, 13 * SEC, &d), 0);
	assert_true(d.evict);
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods + 1, 1, scratch, 14 * SEC, &d), 0);
	assert_true(d.evict);
}

static void test_allocatable_signal(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th;
	const struct podoom_eviction_threshold *t;
	(void)state;
	/* only HARD memory.available thresholds are copied, with their min reclaim */
	podoom_eviction_config_init(&cfg);
	set(&cfg, PODOOM_EVICTION_FIELD_HARD, "memory.available", "200Mi");
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT, "memory.available", "1Gi");
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available", "1m");
	set(&cfg, PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM, "memory.available", "100Mi");
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 3);
	t = find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, true);
	assert_non_null(t);
	assert_true(t->value.quantity.nano == (podoom_i128)200 * MI * 1000000000);
	assert_true(t->has_min_reclaim);
	assert_null(find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, false));
	/* not without "pods" in enforceNodeAllocatable */
	cfg.enforce_node_allocatable_pods = false;
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 2);
	assert_null(find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, true));
	/* a soft threshold with a 0s grace period counts as hard, and is copied */
	podoom_eviction_config_init(&cfg);
	podoom_eviction_config_clear(&cfg, PODOOM_EVICTION_FIELD_HARD);
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT, "memory.available", "1Gi");
	set(&cfg, PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, "memory.available", "0s");
	assert_int_equal(parse("1.36", &cfg, &th, NULL), 0);
	assert_int_equal(th.n, 2);
	assert_non_null(find(&th, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, true));

	/* the allocatable signal drives eviction on its own: kubepods limit 7Gi,
	 * pods' working set 6.95Gi -> 51.2Mi available < 100Mi */
	struct podoom_eviction_manager m;
	struct podoom_eviction_observations o = node_obs(CAP_8GI, 1 * GI, 0);
	struct podoom_eviction_decision d;
	struct podoom_eviction_rank scratch[1];
	struct tpod a;
	struct podoom_eviction_pod pods[1];
	podoom_eviction_config_init(&cfg);
	manager(&m, "1.36", &cfg);
	assert_int_equal(podoom_eviction_observe(7 * GI, 7 * GI, 51 * MI, 0,
						 &o.signal[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE]),
			 0);
	mkpod(&a, "a", NULL, 0, false);
	pods[0] = epod(&a, 3 * GI);
	assert_int_equal(podoom_eviction_synchronize(&m, &o, pods, 1, scratch, 0, &d), 0);
	assert_true(d.evict);
	assert_int_equal(m.thresholds.t[d.threshold].signal, PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE);
	assert_int_equal(d.available_bytes, 51 * MI);
}

/* ---- ranking ---------------------------------------------------------- */

static void test_rank_burstable_over_request_before_small_besteffort(void **state)
{
	struct tpod be, bu, gu;
	struct podoom_eviction_pod pods[3];
	struct podoom_eviction_rank r[3];
	(void)state;
	mkpod(&gu, "guaranteed", "1Gi", 0, false); /* at its request: does not exceed */
	mkpod(&be, "besteffort", NULL, 0, false);  /* request 0: any usage exceeds */
	mkpod(&bu, "burstable", "256Mi", 0, false);
	pods[0] = epod(&gu, 1 * GI);
	pods[1] = epod(&be, 50 * MI);
	pods[2] = epod(&bu, 2 * GI);
	assert_int_equal(podoom_eviction_rank_pods(profile("1.36"), pods, 3, r), 0);
	/* both exceed; same priority; 2Gi - 256Mi = 1792Mi over beats 50Mi over */
	assert_int_equal(r[0].index, 2);
	assert_true(r[0].exceeds_request);
	assert_int_equal(r[0].usage_over_request_bytes, 1792 * MI);
	assert_int_equal(r[1].index, 1);
	assert_true(r[1].exceeds_request);
	assert_int_equal(r[1].request_bytes, 0);
	assert_int_equal(r[2].index, 0);
	assert_false(r[2].exceeds_request);

	/* a BestEffort pod with no working set at all does not exceed 0 */
	pods[1] = epod(&be, 0);
	assert_int_equal(podoom_eviction_rank_pods(profile("1.36"), pods, 3, r), 0);
	assert_int_equal(r[0].index, 2);
	assert_int_equal(r[1].index, 0); /* both at request: 1Gi - 1Gi = 0 ties 0 - 0; input order */
	assert_int_equal(r[2].index, 1);
}

static void test_rank_priority_and_stats(void **state)
{
	struct tpod low, high, nostats, tie1, tie2;
	struct podoom_eviction_pod pods[5];
	struct podoom_eviction_rank r[5];
	(void)state;
	mkpod(&high, "high", NULL, 1000, true);
	mkpod(&low, "low", NULL, -10, true);
	mkpod(&nostats, "nostats", "8Gi", 100000, true);
	mkpod(&tie1, "tie1", "100Mi", 0, false);
	mkpod(&tie2, "tie2", "100Mi", 0, true); /* priority 0 set == unset */
	pods[0] = epod(&high, 4 * GI);	/* exceeds by far more, but higher priority */
	pods[1] = epod(&low, 10 * MI);
	pods[2] = (struct podoom_eviction_pod){.pod = &nostats.pod, .has_stats = false};
	pods[3] = epod(&tie1, 300 * MI);
	pods[4] = epod(&tie2, 300 * MI);
	assert_int_equal(podoom_eviction_rank_pods(profile("1.36"), pods, 5, r), 0);
	assert_int_equal(r[0].index, 2); /* no stats: first, whatever its priority */
	assert_int_equal(r[1].index, 1); /* priority -10 */
	assert_int_equal(r[2].index, 3); /* priority 0, 200Mi over; tie1 before tie2 by input order */
	assert_int_equal(r[3].index, 4);
	assert_int_equal(r[4].index, 0); /* priority 1000 last */
}

/* 300 pods (more than glibc's qsort sorts without malloc): the ranking is
 * the kubelet's keys with input order breaking ties, checked pairwise */
static void test_rank_many(void **state)
{
	enum { N = 300 };
	static struct tpod t[N];
	static struct podoom_eviction_pod pods[N];
	static struct podoom_eviction_rank r[N];
	static const char *const req[] = {NULL, "64Mi", "128Mi", "256Mi"};
	(void)state;
	for (int i = 0; i < N; i++) {
		mkpod(&t[i], "p", req[i % 4], (i * 7) % 3 - 1, i % 5 != 0);
		pods[i] = epod(&t[i], (int64_t)((i * 37) % 11) * 32 * MI);
		if (i % 29 == 0)
			pods[i].has_stats = false;
	}
	assert_int_equal(podoom_eviction_rank_pods(profile("1.36"), pods, N, r), 0);
	bool seen[N] = {false};
	for (int k = 0; k < N; k++) {
		assert_false(seen[r[k].index]);
		seen[r[k].index] = true;
		if (k == 0)
			continue;
		const struct podoom_eviction_rank *a = &r[k - 1], *b = &r[k];
		/* a must come before b: compare the keys in the kubelet's order */
		int c = (int)b->has_stats - (int)a->has_stats;
		if (!c && a->has_stats)
			c = (int)a->exceeds_request - (int)b->exceeds_request;
		if (!c)
			c = (a->priority < b->priority) - (a->priority > b->priority);
		if (!c && a->has_stats)
			c = (a->usage_over_request_bytes > b->usage_over_request_bytes) -
			    (a->usage_over_request_bytes < b->usage_over_request_bytes);
		if (!c)
			c = a->index < b->index ? 1 : -1;
		if (c <= 0)
			fail_msg("rank %d: pod %zu before pod %zu", k, a->index, b->index);
	}
	assert_int_equal(podoom_eviction_rank_pods(profile("1.36"), pods, PODOOM_EVICTION_MAX_PODS + 1, r), -E2BIG);
}

static void test_critical_pod_skipped(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_decision d;
	struct tpod crit, stat, ok;
	struct podoom_eviction_pod pods[3];
	(void)state;
	podoom_eviction_config_init(&cfg);
	manager(&m, "1.36", &cfg);
	mkpod(&crit, "kube-proxy", NULL, 2000001000, true); /* system-node-critical */
	mkpod(&stat, "etcd", NULL, 0, false);
	stat.pod.static_pod = true;
	mkpod(&ok, "app", "1Gi", 0, false);
	pods[0] = epod(&crit, 2 * GI);
	pods[1] = epod(&stat, 1 * GI);
	pods[2] = epod(&ok, 1 * GI + 1);
	/* ranked: etcd (priority 0, 1Gi over), app (priority 0, 1 byte over),
	 * kube-proxy (priority 2000001000) last: etcd is refused, app goes */
	d = step(&m, 10 * MI, 0, pods, 3);
	assert_true(d.evict);
	assert_int_equal(d.pod, 2);
	assert_int_equal(d.critical_skipped, 1);
	/* only critical pods: nothing evicted, pressure stays */
	d = step(&m, 10 * MI, 10 * SEC, pods, 2);
	assert_true(d.reclaim);
	assert_false(d.evict);
	assert_int_equal(d.critical_skipped, 2);
	/* no active pods at all */
	d = step(&m, 10 * MI, 20 * SEC, NULL, 0);
	assert_true(d.reclaim);
	assert_false(d.evict);
}

/* ---- observations, timing, messages ----------------------------------- */

static void test_observe(void **state)
{
	struct podoom_eviction_observation o;
	(void)state;
	/* memory.available = MemTotal - (usage - inactive_file) */
	assert_int_equal(podoom_eviction_observe(CAP_8GI, 6 * GI, 2 * GI, 7 * SEC, &o), 0);
	assert_true(o.present);
	assert_int_equal(o.available_bytes, 4 * GI);
	assert_int_equal(o.capacity_bytes, CAP_8GI);
	assert_int_equal(o.time_usec, 7 * SEC);
	/* inactive_file above usage: working set 0 */
	assert_int_equal(podoom_eviction_working_set_bytes(1 * GI, 2 * GI), 0);
	assert_int_equal(podoom_eviction_observe(CAP_8GI, 1 * GI, 2 * GI, 0, &o), 0);
	assert_int_equal(o.available_bytes, CAP_8GI);
	/* a working set above the limit: negative available */
	assert_int_equal(podoom_eviction_observe(7 * GI, 7 * GI + 10 * MI, 0, 0, &o), 0);
	assert_int_equal(o.available_bytes, -10 * MI);
	/* an unlimited cgroup (> 2^62) has no AvailableBytes */
	assert_int_equal(podoom_eviction_observe(INT64_MAX, 1 * GI, 0, 0, &o), 0);
	assert_false(o.present);
	assert_int_equal(podoom_eviction_observe((1LL << 62), 1 * GI, 0, 0, &o), 0);
	assert_true(o.present);
	assert_int_equal(podoom_eviction_observe(-1, 0, 0, 0, &o), -EINVAL);
}

static void test_cleanup_wait(void **state)
{
	static const struct {
		bool cleaned;
		int64_t at, want;
	} t[] = {
		{true, 200000, 1 * SEC},      /* checked at the first 1s tick */
		{true, 1 * SEC, 1 * SEC},
		{true, 2500000, 3 * SEC},
		{true, 29 * SEC + 1, 30 * SEC},
		{true, 45 * SEC, 30 * SEC},   /* podCleanupTimeout */
		{false, 0, 30 * SEC},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(podoom_eviction_cleanup_wait_end_usec(100 * SEC, t[i].cleaned, 100 * SEC + t[i].at),
				 100 * SEC + t[i].want);
	assert_int_equal(PODOOM_EVICTION_MONITORING_PERIOD_USEC, 10 * SEC);
}

static void test_message(void **state)
{
	struct podoom_eviction_config cfg;
	struct podoom_eviction_manager m;
	struct podoom_eviction_decision d;
	struct tpod a;
	struct podoom_eviction_pod pods[1];
	char buf[512];
	(void)state;
	podoom_eviction_config_init(&cfg);
	manager(&m, "1.36", &cfg);
	mkpod(&a, "web", "100Mi", 0, false);
	pods[0] = epod(&a, 300 * MI);
	d = step(&m, 88 * MI, 0, pods, 1);
	assert_true(d.evict);
	int n = podoom_eviction_message_format(profile("1.36"), &d, &pods[0], buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi. "
				 "Container app was using 300Mi, request is 100Mi, has larger consumption of memory. ");
	assert_int_equal(n, (int)strlen(buf));
	/* the wording before 1.26 */
	podoom_eviction_message_format(profile("1.25"), &d, &pods[0], buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi. "
				 "Container app was using 300Mi, which exceeds its request of 100Mi. ");
	/* a BestEffort container: request "0"; a working set that is no whole
	 * number of KiB prints in bytes */
	mkpod(&a, "be", NULL, 0, false);
	pods[0] = epod(&a, 123456789);
	podoom_eviction_message_format(profile("1.36"), &d, &pods[0], buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi. "
				 "Container app was using 123456789, request is 0, has larger consumption of memory. ");
	/* at or below its request: not named */
	mkpod(&a, "web", "100Mi", 0, false);
	pods[0] = epod(&a, 100 * MI);
	podoom_eviction_message_format(profile("1.36"), &d, &pods[0], buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi. ");
	/* truncation reports the full length */
	char small[16];
	assert_int_equal(podoom_eviction_message_format(profile("1.36"), &d, &pods[0], small, sizeof(small)),
			 (int)strlen(buf));
	assert_string_equal(small, "The node was lo");
}

static void test_message_sidecar_and_pod_level(void **state)
{
	struct podoom_pod pod = {.kind = "Pod", .name = "p", .namespace = "default"};
	struct podoom_container c[2] = {
		{.name = "proxy", .type = PODOOM_CONTAINER_SIDECAR},
		{.name = "app", .type = PODOOM_CONTAINER_REGULAR},
	};
	int64_t ws[2] = {64 * MI, 1536 * MI};
	struct podoom_eviction_pod p = {.pod = &pod, .has_stats = true, .working_set_bytes = 1600 * MI,
					.container_working_set_bytes = ws};
	struct podoom_eviction_decision d = {.reclaim = true, .available_bytes = 99 * MI};
	char buf[512];
	(void)state;
	c[1].requests.has_memory = true;
	assert_int_equal(podoom_quantity_parse("1Gi", 3, &c[1].requests.memory, NULL), 0);
	assert_int_equal(podoom_quantity_parse("100Mi", 5, &d.threshold_quantity, NULL), 0);
	pod.containers = c;
	pod.ncontainers = 2;
	podoom_eviction_message_format(profile("1.36"), &d, &p, buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 99Mi. "
				 "Container proxy was using 64Mi, request is 0, has larger consumption of memory. "
				 "Container app was using 1536Mi, request is 1Gi, has larger consumption of memory. ");
	podoom_eviction_message_format(profile("1.30"), &d, &p, buf, sizeof(buf)); /* before PR #124947 */
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 99Mi. "
				 "Container app was using 1536Mi, request is 1Gi, has larger consumption of memory. ");
	/* pod-level requests (1.34+): the pod line comes first, whatever the usage */
	pod.has_pod_resources = true;
	pod.pod_requests.has_memory = true;
	assert_int_equal(podoom_quantity_parse("2Gi", 3, &pod.pod_requests.memory, NULL), 0);
	podoom_eviction_message_format(profile("1.36"), &d, &p, buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 99Mi. "
				 "Pod p was using 1600Mi, request is 2Gi, has larger consumption of memory. "
				 "Container proxy was using 64Mi, request is 0, has larger consumption of memory. "
				 "Container app was using 1536Mi, request is 1Gi, has larger consumption of memory. ");
	/* a pod without stats: only the node part */
	p.has_stats = false;
	podoom_eviction_message_format(profile("1.36"), &d, &p, buf, sizeof(buf));
	assert_string_equal(buf, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 99Mi. ");
}

static void test_signal_names(void **state)
{
	enum podoom_eviction_signal s;
	(void)state;
	for (int i = 0; i < PODOOM_EVICTION_SIGNAL_COUNT; i++) {
		const char *n = podoom_eviction_signal_to_string((enum podoom_eviction_signal)i);
		assert_int_equal(podoom_eviction_signal_from_string(n, strlen(n), &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(podoom_eviction_signal_to_string(PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE),
			    "allocatableMemory.available");
	assert_string_equal(podoom_eviction_signal_to_string(PODOOM_EVICTION_SIGNAL_COUNT), "?");
	assert_int_equal(podoom_eviction_signal_from_string("Memory.available", 16, &s), -EINVAL);
	assert_true(podoom_eviction_signal_is_memory(PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE));
	assert_false(podoom_eviction_signal_is_memory(PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE));
	assert_string_equal(podoom_eviction_field_to_string(PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD),
			    "evictionSoftGracePeriod");
	assert_string_equal(podoom_eviction_field_flag(PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM),
			    "--eviction-minimum-reclaim");
}

/* ---- Go's ParseFloat(s, 32) --------------------------------------------- */

static void test_gofloat(void **state)
{
	static const struct {
		const char *in;
		int r;
		uint32_t bits; /* float32 bits when r == 0 */
	} t[] = {
		{"10", 0, 0x41200000},
		{"0.1", 0, 0x3dcccccd},
		{"+.5", 0, 0x3f000000},
		{"1.", 0, 0x3f800000},
		{"-0", 0, 0x80000000},
		{"1_000", 0, 0x447a0000},
		{"16777217", 0, 0x4b800000}, /* 2^24 + 1: a tie, to even (2^24) */
		{"16777219", 0, 0x4b800002}, /* tie, to even (2^24 + 4) */
		{"1.4e-45", 0, 0x00000001},  /* the smallest subnormal */
		{"7e-46", 0, 0x00000000},    /* just below half of it */
		{"7.1e-46", 0, 0x00000001},
		{"1e-46", 0, 0x00000000},
		{"3.4028234663852886e38", 0, 0x7f7fffff},
		{"3.4028235677973366e38", 0, 0x7f7fffff}, /* just below the midpoint to 2^128 */
		{"3.4028235677973367e38", -ERANGE, 0},
		{"1e39", -ERANGE, 0},
		{"0x1p-149", 0, 0x00000001},
		{"0x1.fffffep127", 0, 0x7f7fffff},
		{"0x1p128", -ERANGE, 0},
		{"0X_1P-2", 0, 0x3e800000},
		{"0x1.8p1", 0, 0x40400000},
		{"inf", 0, 0x7f800000},
		{"-Infinity", 0, 0xff800000},
		{"1e400", -ERANGE, 0},
		{"1e-400", 0, 0},
		{"0.000000000000000000000000000000000000000000000000000000001e57", 0, 0x3f800000},
		{"", -EINVAL, 0},
		{".", -EINVAL, 0},
		{"1e", -EINVAL, 0},
		{"1e+", -EINVAL, 0},
		{"_1", -EINVAL, 0},
		{"1__0", -EINVAL, 0},
		{"1_", -EINVAL, 0},
		{"0x1", -EINVAL, 0}, /* a hex mantissa needs a p exponent */
		{"0x", -EINVAL, 0},
		{"infin", -EINVAL, 0},
		{"+nan", -EINVAL, 0},
		{"1.5.", -EINVAL, 0},
		{" 1", -EINVAL, 0},
		{"1p3", -EINVAL, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		float f = 42.0f;
		uint32_t b;
		int r = podoom_gofloat_parse32(t[i].in, strlen(t[i].in), &f, NULL);
		if (r != t[i].r)
			fail_msg("\"%s\": %d, want %d", t[i].in, r, t[i].r);
		memcpy(&b, &f, sizeof(b));
		if (r == 0 && b != t[i].bits)
			fail_msg("\"%s\": %08x, want %08x", t[i].in, b, t[i].bits);
		if (r != 0)
			assert_true(f == 42.0f);
	}
	float f;
	assert_int_equal(podoom_gofloat_parse32("NaN", 3, &f, NULL), 0);
	assert_true(isnan(f));

	/* against glibc's correctly rounded strtof, on decimals near float32's
	 * rounding boundaries: 20000 pseudo-random numbers of 1 to 40 digits */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int n = 0; n < 20000; n++) {
		char s[80];
		int len = 0, digits;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		digits = 1 + (int)((seed >> 33) % 40);
		for (int k = 0; k < digits; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			s[len++] = (char)('0' + (seed >> 40) % 10);
			if (k == 0 && digits > 1)
				s[len++] = '.';
		}
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		len += snprintf(s + len, sizeof(s) - (size_t)len, "e%d", (int)((seed >> 33) % 90) - 50);
		float want = strtof(s, NULL), got = 0;
		int r = podoom_gofloat_parse32(s, (size_t)len, &got, NULL);
		if (isinf(want)) {
			assert_int_equal(r, -ERANGE);
			continue;
		}
		assert_int_equal(r, 0);
		if (memcmp(&want, &got, sizeof(got)) != 0)
			fail_msg("%s: %a, strtof %a", s, (double)got, (double)want);
	}

	/* exact midpoints between neighbouring floats (ties: to even) and the
	 * same plus a trailing digit (just above: up); a midpoint has 25
	 * significant bits, so it is an exact double and %.160e prints it exactly */
	for (int n = 0; n < 4000; n++) {
		char s[256];
		uint32_t lo;
		float a, b;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		lo = (uint32_t)(seed >> 33) % 0x7f7fffffu;
		memcpy(&a, &lo, sizeof(a));
		lo++;
		memcpy(&b, &lo, sizeof(b));
		double mid = ((double)a + (double)b) / 2;
		for (int above = 0; above < 2; above++) {
			int len = snprintf(s, sizeof(s), "%.160e", mid);
			if (above) { /* "d.ddd...e-x" -> "d.ddd...1e-x" */
				char *e = strchr(s, 'e');
				memmove(e + 1, e, strlen(e) + 1);
				*e = '1';
				len++;
			}
			float want = strtof(s, NULL), got = 0;
			assert_int_equal(podoom_gofloat_parse32(s, (size_t)len, &got, NULL), 0);
			if (memcmp(&want, &got, sizeof(got)) != 0)
				fail_msg("%s: %a, strtof %a", s, (double)got, (double)want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_given_hard_zeroes_the_rest),
		cmocka_unit_test(test_flag_syntax),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_ignored_and_odd_values),
		cmocka_unit_test(test_percentage_threshold),
		cmocka_unit_test(test_threshold_met_is_strict),
		cmocka_unit_test(test_min_reclaim_hysteresis),
		cmocka_unit_test(test_soft_grace_period),
		cmocka_unit_test(test_grace_period_override),
		cmocka_unit_test(test_pressure_transition_period),
		cmocka_unit_test(test_stale_stats_ignored),
		cmocka_unit_test(test_allocatable_signal),
		cmocka_unit_test(test_rank_burstable_over_request_before_small_besteffort),
		cmocka_unit_test(test_rank_priority_and_stats),
		cmocka_unit_test(test_rank_many),
		cmocka_unit_test(test_critical_pod_skipped),
		cmocka_unit_test(test_observe),
		cmocka_unit_test(test_cleanup_wait),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_message_sidecar_and_pod_level),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_gofloat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
