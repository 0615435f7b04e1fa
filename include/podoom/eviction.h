/*
 * eviction - the kubelet's node-pressure eviction manager for memory, as a
 * pure model (pkg/kubelet/eviction: helpers.go, eviction_manager.go,
 * api/types.go, defaults_linux.go; reference/kubernetes.md §4).
 *
 * Pure: no I/O, no clock (every step takes now_usec), no globals, and no
 * allocation at all: the caller owns every struct. One synchronize step is
 * what the kubelet does every evictionMonitoringPeriod (10 s), or right after
 * the wait for an evicted pod's cleanup:
 *
 *   config (strings, as in KubeletConfiguration or on the command line)
 *     -> podoom_eviction_thresholds_parse()        ParseThresholdConfig
 *     -> podoom_eviction_manager_init()
 *   each step: podoom_eviction_observe() per signal  makeSignalObservations
 *     -> podoom_eviction_synchronize()               synchronize
 *     -> podoom_eviction_message_format()            evictionMessage
 *
 * The simulator drives it on a virtual clock, the runner on the real one.
 * Only memory signals are observed; thresholds on other signals are parsed
 * (a config that names them must still load) and then never met, as in a
 * kubelet whose summary lacks those stats.
 */
#ifndef PODOOM_EVICTION_H
#define PODOOM_EVICTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/kubelet.h"
#include "podoom/pod.h"
#include "podoom/quantity.h"

/* Timing facts of the loop, for the driver. */
#define PODOOM_EVICTION_MONITORING_PERIOD_USEC 10000000LL  /* evictionMonitoringPeriod, kubelet.go */
#define PODOOM_EVICTION_POD_CLEANUP_POLL_USEC 1000000LL	    /* podCleanupPollFreq */
#define PODOOM_EVICTION_POD_CLEANUP_TIMEOUT_USEC 30000000LL /* podCleanupTimeout */
/* evictionPressureTransitionPeriod default; 0 in the config means this (SetDefaults) */
#define PODOOM_EVICTION_PRESSURE_TRANSITION_DEFAULT_NSEC 300000000000LL

/* Strings the kubelet writes (helpers.go, eviction_manager.go). */
#define PODOOM_EVICTION_REASON "Evicted"		    /* pod status.reason, event reason */
#define PODOOM_EVICTION_EVENT_THRESHOLD_MET "EvictionThresholdMet" /* node event, "Attempting to reclaim memory" */

/* Eviction signals (api/types.go); the Linux kubelet accepts exactly these. */
enum podoom_eviction_signal {
	PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE,	     /* memory.available */
	PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, /* allocatableMemory.available */
	PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE,	     /* nodefs.available */
	PODOOM_EVICTION_SIGNAL_NODEFS_INODES_FREE,	     /* nodefs.inodesFree */
	PODOOM_EVICTION_SIGNAL_IMAGEFS_AVAILABLE,	     /* imagefs.available */
	PODOOM_EVICTION_SIGNAL_IMAGEFS_INODES_FREE,	     /* imagefs.inodesFree */
	PODOOM_EVICTION_SIGNAL_CONTAINERFS_AVAILABLE,	     /* containerfs.available */
	PODOOM_EVICTION_SIGNAL_CONTAINERFS_INODES_FREE,	     /* containerfs.inodesFree */
	PODOOM_EVICTION_SIGNAL_PID_AVAILABLE,		     /* pid.available */
	PODOOM_EVICTION_SIGNAL_COUNT
};

/* podoom_eviction_signal_to_string() - the kubelet's name: "memory.available". */
const char *podoom_eviction_signal_to_string(enum podoom_eviction_signal s);

/* podoom_eviction_signal_from_string() - the signal named exactly @s (@len
 * bytes, case-sensitive). Return: 0; -EINVAL for any other text. */
int podoom_eviction_signal_from_string(const char *s, size_t len, enum podoom_eviction_signal *ret);

/* podoom_eviction_signal_is_memory() - true for the two signals that map to
 * the MemoryPressure node condition and the memory ranking. */
bool podoom_eviction_signal_is_memory(enum podoom_eviction_signal s);

/* The four KubeletConfiguration maps. */
enum podoom_eviction_field {
	PODOOM_EVICTION_FIELD_HARD,		 /* evictionHard, --eviction-hard (signal<value) */
	PODOOM_EVICTION_FIELD_SOFT,		 /* evictionSoft, --eviction-soft (signal<value) */
	PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD, /* evictionSoftGracePeriod, --eviction-soft-grace-period (signal=duration) */
	PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM,	 /* evictionMinimumReclaim, --eviction-minimum-reclaim (signal=value) */
	PODOOM_EVICTION_FIELD_COUNT
};

/* podoom_eviction_field_to_string() - the config name: "evictionHard". */
const char *podoom_eviction_field_to_string(enum podoom_eviction_field f);

/* podoom_eviction_field_flag() - the command-line flag: "--eviction-hard". */
const char *podoom_eviction_field_flag(enum podoom_eviction_field f);

/* Longest value kept for one signal: the Quantity parser's cap. */
#define PODOOM_EVICTION_VALUE_MAX PODOOM_QUANTITY_MAX_LEN
/* Most pairs in one flag value ("a<1,b<2,..."); the kubelet has no cap. */
#define PODOOM_EVICTION_FLAG_MAX_PAIRS 64

struct podoom_eviction_entry {
	bool set;
	uint16_t len;
	char value[PODOOM_EVICTION_VALUE_MAX];
};

/*
 * The eviction settings as the kubelet receives them: string maps keyed by
 * signal, plus the scalars. Plain data the caller owns (about 9 KiB); fill it
 * with the functions below, which keep Go's map semantics (a later key wins).
 */
struct podoom_eviction_config {
	struct podoom_eviction_entry entry[PODOOM_EVICTION_FIELD_COUNT][PODOOM_EVICTION_SIGNAL_COUNT];
	bool given[PODOOM_EVICTION_FIELD_COUNT];     /* the map was given (even empty): no defaults */
	bool from_flag[PODOOM_EVICTION_FIELD_COUNT]; /* a flag replaced the config file's map */
	bool bad_key[PODOOM_EVICTION_FIELD_COUNT];   /* holds a key that is no signal: parse fails */
	bool merge_defaults;			     /* mergeDefaultEvictionSettings (honoured from 1.33) */
	int64_t pressure_transition_period_nsec;     /* evictionPressureTransitionPeriod; 0 -> 5m */
	int64_t max_pod_grace_period_seconds;	     /* evictionMaxPodGracePeriod, default 0 */
	bool enforce_node_allocatable_pods;	     /* enforceNodeAllocatable has "pods" (default) */
};

/* podoom_eviction_config_init() - the kubelet's defaults: no map given (so
 * evictionHard gets DefaultEvictionHard), transition period 5m, max pod
 * grace period 0, enforceNodeAllocatable ["pods"], no merging. */
void podoom_eviction_config_init(struct podoom_eviction_config *cfg);

/* podoom_eviction_config_clear() - the config file has map @f (maybe "{}"):
 * it replaces the defaults, even when empty. */
void podoom_eviction_config_clear(struct podoom_eviction_config *cfg, enum podoom_eviction_field f);

/*
 * podoom_eviction_config_set() - one entry of map @f as written in a config
 * file ({memory.available: "100Mi"}); nothing is trimmed. Marks @f given. A
 * key that names no signal is recorded, and podoom_eviction_thresholds_parse()
 * fails on it ("unsupported eviction signal"), as the kubelet does at startup.
 * Return: 0; -E2BIG a value longer than PODOOM_EVICTION_VALUE_MAX (@cfg unchanged).
 */
int podoom_eviction_config_set(struct podoom_eviction_config *cfg, enum podoom_eviction_field f, const char *key,
			       size_t key_len, const char *value, size_t value_len, const char **ret_msg);

/*
 * podoom_eviction_config_set_flag() - one use of the flag for map @f, as
 * pflag calls Set(): "memory.available<100Mi,nodefs.available<10%" ('<' for
 * the threshold maps, '=' for the grace period and minimum reclaim maps).
 * The first use replaces the config file's map (and the defaults); later uses
 * add to it. Empty pairs are skipped; key and value are trimmed of Unicode
 * white space (strings.TrimSpace).
 * Return: 0; -EINVAL a pair without the separator ("malformed pair, expect
 * string<string"); -E2BIG more than PODOOM_EVICTION_FLAG_MAX_PAIRS pairs or
 * an overlong value. @cfg is unchanged on error.
 */
int podoom_eviction_config_set_flag(struct podoom_eviction_config *cfg, enum podoom_eviction_field f,
				    const char *value, size_t len, const char **ret_msg);

/* A threshold's value (api/types.go ThresholdValue): a quantity or a fraction
 * of the signal's capacity, kept as the float32 the kubelet keeps. */
struct podoom_eviction_value {
	bool is_percentage;
	float percentage; /* "10%" -> 0.1f (float32(ParseFloat("10", 32)) / 100) */
	struct podoom_quantity quantity;
};

struct podoom_eviction_threshold {
	enum podoom_eviction_signal signal; /* the operator is always LessThan */
	struct podoom_eviction_value value;
	int64_t grace_period_nsec; /* 0: a hard threshold (isHardEvictionThreshold) */
	bool has_min_reclaim;
	struct podoom_eviction_value min_reclaim;
};

/* hard and soft for every signal, plus one allocatable copy of a hard memory.available */
#define PODOOM_EVICTION_MAX_THRESHOLDS (2 * PODOOM_EVICTION_SIGNAL_COUNT + 1)

struct podoom_eviction_thresholds {
	size_t n;
	struct podoom_eviction_threshold t[PODOOM_EVICTION_MAX_THRESHOLDS];
};

/* Where parsing failed. */
struct podoom_eviction_diag {
	const char *msg;		    /* static text, the kubelet's wording without the values */
	enum podoom_eviction_field field;   /* the map holding the bad entry */
	int signal;			    /* its enum podoom_eviction_signal, -1 for a bad key */
};

/*
 * podoom_eviction_thresholds_parse() - ParseThresholdConfig: the effective
 * evictionHard map (defaults when not given; with mergeDefaultEvictionSettings
 * on a 1.33+ profile and no flag, the defaults fill missing signals), then
 * hard and soft statements ("0%" and "100%" ignored; a quantity must be > 0;
 * a percentage within [0%, 100%]), grace periods (time.ParseDuration, >= 0),
 * minimum reclaims (attached to hard and soft thresholds of that signal), the
 * rule that every soft threshold needs a grace period, and last, when "pods"
 * is enforced, an allocatableMemory.available copy of each hard (grace 0)
 * memory.available threshold with its minimum reclaim.
 * Order: hard thresholds in signal order, then soft, then the copies (the
 * kubelet's order is Go map order, i.e. random).
 * Return: 0 with *ret filled; -EINVAL with *ret_diag (may be NULL) saying
 * what failed; -ERANGE for an out-of-range number. *ret untouched on error.
 */
int podoom_eviction_thresholds_parse(const struct podoom_kubelet_profile *kp,
				     const struct podoom_eviction_config *cfg,
				     struct podoom_eviction_thresholds *ret, struct podoom_eviction_diag *ret_diag);

/*
 * podoom_eviction_value_resolve() - GetThresholdQuantity: the quantity as
 * given, or int64(float64(capacity) * float64(percentage)) bytes (BinarySI).
 * Go leaves out-of-range conversions (NaN, >= 2^63) to the CPU; we give
 * amd64's answer, INT64_MIN (arm64 would saturate).
 */
struct podoom_quantity podoom_eviction_value_resolve(const struct podoom_eviction_value *v, int64_t capacity_bytes);

/* podoom_eviction_threshold_format() - "memory.available<100Mi" (hard) or
 * "memory.available<10% for 1m30s" (soft), for people. Return: as snprintf. */
int podoom_eviction_threshold_format(const struct podoom_eviction_threshold *t, char *buf, size_t size);

/* One signal as the stats summary gives it. */
struct podoom_eviction_observation {
	bool present;	     /* false: no stats; its thresholds are skipped (not met) */
	bool has_time;	     /* false: a zero timestamp, which always counts as fresh */
	int64_t time_usec;   /* when the stats were taken (the staleness rule compares it) */
	int64_t available_bytes; /* may be negative */
	int64_t capacity_bytes;
};

struct podoom_eviction_observations {
	struct podoom_eviction_observation signal[PODOOM_EVICTION_SIGNAL_COUNT];
};

/* podoom_eviction_working_set_bytes() - cAdvisor's working set: usage -
 * inactive_file, 0 when inactive_file exceeds usage. */
int64_t podoom_eviction_working_set_bytes(int64_t usage_bytes, int64_t inactive_file_bytes);

/*
 * podoom_eviction_observe() - a memory observation from a cgroup: @limit_bytes
 * is MemTotal for memory.available (the root cgroup's limit as cAdvisor reports
 * it) or the kubepods limit for allocatableMemory.available; usage and
 * inactive_file as cAdvisor reads them (on cgroup v2 the root has no
 * memory.current: usage = anon + file of /sys/fs/cgroup/memory.stat).
 * available = limit - working set (negative when the working set is above
 * the limit), capacity = limit. A limit above 2^62 counts as unlimited: the
 * summary then has no AvailableBytes and *ret is marked not present.
 * Return: 0; -EINVAL for a negative input.
 */
int podoom_eviction_observe(int64_t limit_bytes, int64_t usage_bytes, int64_t inactive_file_bytes, int64_t time_usec,
			    struct podoom_eviction_observation *ret);

/* Most pods one step ranks; the kubelet's default maxPods is 110. */
#define PODOOM_EVICTION_MAX_PODS 4096

/* An active pod as the eviction manager sees it. */
struct podoom_eviction_pod {
	const struct podoom_pod *pod; /* borrowed */
	bool has_stats;		      /* the summary lists the pod (else it is ranked first) */
	int64_t working_set_bytes;    /* the pod cgroup's working set */
	/* per container, parallel to pod->containers; < 0 = no stats for it;
	 * NULL = none (used only by the message) */
	const int64_t *container_working_set_bytes;
};

/* One pod's place in the ranking, with the keys that put it there. */
struct podoom_eviction_rank {
	size_t index;		 /* into the pods array */
	bool has_stats;
	bool exceeds_request;	 /* working set > GetResourceRequestQuantity(memory) */
	int32_t priority;	 /* spec.priority, 0 when unset */
	int64_t request_bytes;
	int64_t usage_over_request_bytes; /* working set - request (saturated to int64) */
	bool critical;		 /* IsCriticalPod: evictPod refuses it */
};

/*
 * podoom_eviction_rank_pods() - rankMemoryPressure: orderedBy(exceedMemoryRequests,
 * priority, memory). Pods without stats first; then working set > request
 * (BestEffort, request 0, exceeds with any usage); then lower priority; then
 * larger working set - request. The kubelet sorts with sort.Sort, which is
 * not stable: pods equal on every key come out in an order that depends on
 * the sort's internals. We break such ties by input order, so the result is
 * deterministic; a real kubelet may pick another of the tied pods.
 * @ret: n entries, caller-owned; filled best victim first.
 * Return: 0; -E2BIG n > PODOOM_EVICTION_MAX_PODS; -ERANGE a request beyond int64.
 */
int podoom_eviction_rank_pods(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_pod *pods,
			      size_t n, struct podoom_eviction_rank *ret);

/*
 * The manager's state between steps (managerImpl): plain data the caller
 * owns, set up by podoom_eviction_manager_init(). Threshold sets are bit
 * masks over thresholds.t[].
 */
struct podoom_eviction_manager {
	const struct podoom_kubelet_profile *kp;
	struct podoom_eviction_thresholds thresholds;
	int64_t pressure_transition_period_nsec; /* 0 in the config already made 5m */
	int64_t max_pod_grace_period_seconds;
	uint32_t met;				  /* m.thresholdsMet: past grace, not yet resolved */
	uint32_t observed;			  /* keys of m.thresholdsFirstObservedAt */
	int64_t first_observed_usec[PODOOM_EVICTION_MAX_THRESHOLDS];
	bool pressure_seen;			  /* nodeConditionsLastObservedAt has MemoryPressure */
	int64_t pressure_last_observed_usec;
	bool memory_pressure;			  /* m.nodeConditions has MemoryPressure */
	struct podoom_eviction_observations last; /* m.lastObservations */
};

/*
 * podoom_eviction_manager_init() - parse @cfg (podoom_eviction_thresholds_parse)
 * and start with no threshold met and no pressure. Borrows @kp.
 * Return: as podoom_eviction_thresholds_parse(); *m untouched on error.
 */
int podoom_eviction_manager_init(struct podoom_eviction_manager *m, const struct podoom_kubelet_profile *kp,
				 const struct podoom_eviction_config *cfg, struct podoom_eviction_diag *ret_diag);

/* What one synchronize step decided. */
struct podoom_eviction_decision {
	uint32_t met;		  /* thresholds met now, ignoring grace periods, incl. those
				     previously met whose min reclaim is not yet satisfied */
	uint32_t grace_met;	  /* ... and observed for at least their grace period */
	uint32_t fresh;		  /* ... and with stats newer than the previous step's */
	bool memory_pressure;	  /* the MemoryPressure node condition after the step */
	bool reclaim;		  /* a threshold drives eviction: the EvictionThresholdMet event */
	size_t threshold;	  /* that threshold (index into thresholds.t), when reclaim */
	struct podoom_quantity threshold_quantity; /* its GetThresholdQuantity, for the message */
	int64_t available_bytes;  /* its signal's observed available, for the message */
	bool evict;		  /* a pod was chosen */
	size_t pod;		  /* its index in the pods array */
	size_t critical_skipped;  /* critical pods refused before it (or in all, when none chosen) */
	int64_t grace_period_seconds; /* the grace period override handed to the pod killer */
};

/*
 * podoom_eviction_synchronize() - one synchronize(): thresholds met (strictly
 * available < threshold); previously met ones kept until available >=
 * threshold + min reclaim; first-observed times; MemoryPressure kept True
 * until no memory threshold has been observed for the transition period;
 * grace periods; thresholds whose observation time did not advance ignored;
 * then, if one remains, the first memory threshold (lowest index: the kubelet
 * sorts with an unstable sort, so among several its choice is arbitrary) is
 * reclaimed by evicting at most one pod: the first in podoom_eviction_rank_pods()
 * order that is not critical. Grace period: a hard threshold gets the
 * profile's eviction_hard_grace_seconds (1 since 1.31), a soft one
 * evictionMaxPodGracePeriod, lowered to terminationGracePeriodSeconds when
 * the pod sets it (1.30+); a negative maximum is passed through, as the
 * kubelet does.
 * @pods, @npods: the active pods (borrowed). @scratch: npods entries, caller
 * owned; holds the ranking afterwards when ret->reclaim.
 * @now_usec: the step's clock (m.clock.Now()), used for grace and transition
 * periods; observation timestamps only decide freshness.
 * Never allocates. Return: 0 with *ret filled and *m advanced; -E2BIG npods
 * over PODOOM_EVICTION_MAX_PODS; -ERANGE a pod request beyond int64.
 */
int podoom_eviction_synchronize(struct podoom_eviction_manager *m, const struct podoom_eviction_observations *obs,
				const struct podoom_eviction_pod *pods, size_t npods, struct podoom_eviction_rank *scratch,
				int64_t now_usec, struct podoom_eviction_decision *ret);

/*
 * podoom_eviction_grace_period_seconds() - the gracePeriodOverride synchronize
 * gives @pod when reclaiming threshold @t (see podoom_eviction_synchronize()).
 */
int64_t podoom_eviction_grace_period_seconds(const struct podoom_kubelet_profile *kp,
					     int64_t max_pod_grace_period_seconds,
					     const struct podoom_eviction_threshold *t, const struct podoom_pod *pod);

/*
 * podoom_eviction_cleanup_wait_end_usec() - when waitForPodsCleanup returns
 * after an eviction at @evicted_usec: at the first 1 s tick at which the pod
 * is cleaned up (@cleaned_up false: never), or at the 30 s timeout. The next
 * synchronize runs then, at once; without an eviction it runs after
 * PODOOM_EVICTION_MONITORING_PERIOD_USEC.
 */
int64_t podoom_eviction_cleanup_wait_end_usec(int64_t evicted_usec, bool cleaned_up, int64_t cleaned_up_usec);

/*
 * podoom_eviction_message_format() - evictionMessage for pod @p evicted by
 * decision @d: "The node was low on resource: memory. Threshold quantity:
 * 100Mi, available: 88Mi. " then, for a pod with pod-level memory requests
 * (1.34+), "Pod %s was using %s, request is %s, has larger consumption of
 * memory. ", then for each container whose working set exceeds its request
 * "Container %s was using %s, request is %s, has larger consumption of
 * memory. " (before 1.26: "Container %s was using %s, which exceeds its
 * request of %s. "). Containers come in pod->containers order (the kubelet
 * follows its stats listing); init and sidecar containers only from 1.31.
 * Quantities print as Quantity.String(). The same text is the pod's
 * status.message and the Evicted event's message.
 * Writes at most @size bytes including the NUL. Return: the length the full
 * message needs (as snprintf).
 */
int podoom_eviction_message_format(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_decision *d,
				   const struct podoom_eviction_pod *p, char *buf, size_t size);

/*
 * podoom_eviction_notifier_level_bytes() - the memcg usage level at which the
 * kubelet's threshold notifier for @t fires (memoryThresholdNotifier.UpdateThreshold,
 * pkg/kubelet/eviction/memory_threshold_notifier.go): from one summary,
 * capacity = available + working set, inactive_file = usage - working set,
 * level = capacity - GetThresholdQuantity(t, capacity) + inactive_file, so that
 * usage reaches the level exactly when the working set reaches capacity -
 * threshold. The kubelet writes it to cgroup.event_control as Quantity.Value()
 * (rounded up to a whole byte). Pure.
 * Return: 0 with *ret_level_bytes set; -EINVAL @t is no memory signal or an
 * input is negative where the kernel never reports one (usage, working set);
 * -ERANGE the level does not fit int64.
 */
int podoom_eviction_notifier_level_bytes(const struct podoom_eviction_threshold *t, int64_t usage_bytes,
					 int64_t working_set_bytes, int64_t available_bytes,
					 int64_t *ret_level_bytes);

#endif
