/*
 * eviction.c - the kubelet's eviction manager for memory, after
 * pkg/kubelet/eviction/helpers.go (ParseThresholdConfig, thresholdsMet,
 * rankMemoryPressure, evictionMessage), eviction_manager.go (synchronize,
 * evictPod, waitForPodsCleanup), api/types.go (GetThresholdQuantity) and
 * defaults_linux.go, read at the v1.36 era (reference/kubernetes.md §4).
 *
 * Where the kubelet iterates a Go map or sorts with sort.Sort, its order is
 * random or unspecified; we fix one (signal order, input order) and say so
 * at each place. Sets of thresholds are bit masks over thresholds.t[].
 */
#include "podoom/eviction.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "podoom/duration.h"
#include "podoom/gofloat.h"
#include "podoom/qos.h"

#define NANO ((podoom_i128)1000000000)

_Static_assert(PODOOM_EVICTION_MAX_THRESHOLDS <= 32, "threshold sets are 32-bit masks");

static const char *const signal_names[PODOOM_EVICTION_SIGNAL_COUNT] = {
	[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE] = "memory.available",
	[PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE] = "allocatableMemory.available",
	[PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE] = "nodefs.available",
	[PODOOM_EVICTION_SIGNAL_NODEFS_INODES_FREE] = "nodefs.inodesFree",
	[PODOOM_EVICTION_SIGNAL_IMAGEFS_AVAILABLE] = "imagefs.available",
	[PODOOM_EVICTION_SIGNAL_IMAGEFS_INODES_FREE] = "imagefs.inodesFree",
	[PODOOM_EVICTION_SIGNAL_CONTAINERFS_AVAILABLE] = "containerfs.available",
	[PODOOM_EVICTION_SIGNAL_CONTAINERFS_INODES_FREE] = "containerfs.inodesFree",
	[PODOOM_EVICTION_SIGNAL_PID_AVAILABLE] = "pid.available",
};

/* DefaultEvictionHard, pkg/kubelet/eviction/defaults_linux.go */
static const char *const default_hard[PODOOM_EVICTION_SIGNAL_COUNT] = {
	[PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE] = "100Mi",
	[PODOOM_EVICTION_SIGNAL_NODEFS_AVAILABLE] = "10%",
	[PODOOM_EVICTION_SIGNAL_NODEFS_INODES_FREE] = "5%",
	[PODOOM_EVICTION_SIGNAL_IMAGEFS_AVAILABLE] = "15%",
};

static const struct {
	const char *name, *flag;
	char sep;
} fields[PODOOM_EVICTION_FIELD_COUNT] = {
	[PODOOM_EVICTION_FIELD_HARD] = {"evictionHard", "--eviction-hard", '<'},
	[PODOOM_EVICTION_FIELD_SOFT] = {"evictionSoft", "--eviction-soft", '<'},
	[PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD] = {"evictionSoftGracePeriod", "--eviction-soft-grace-period", '='},
	[PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM] = {"evictionMinimumReclaim", "--eviction-minimum-reclaim", '='},
};

const char *podoom_eviction_signal_to_string(enum podoom_eviction_signal s)
{
	return (unsigned)s < PODOOM_EVICTION_SIGNAL_COUNT ? signal_names[s] : "?";
}

int podoom_eviction_signal_from_string(const char *s, size_t len, enum podoom_eviction_signal *ret)
{
	for (int i = 0; i < PODOOM_EVICTION_SIGNAL_COUNT; i++) {
		if (strlen(signal_names[i]) == len && memcmp(signal_names[i], s, len) == 0) {
			*ret = (enum podoom_eviction_signal)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool podoom_eviction_signal_is_memory(enum podoom_eviction_signal s)
{
	return s == PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE || s == PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
}

const char *podoom_eviction_field_to_string(enum podoom_eviction_field f)
{
	return (unsigned)f < PODOOM_EVICTION_FIELD_COUNT ? fields[f].name : "?";
}

const char *podoom_eviction_field_flag(enum podoom_eviction_field f)
{
	return (unsigned)f < PODOOM_EVICTION_FIELD_COUNT ? fields[f].flag : "?";
}

/* ---- configuration ---------------------------------------------------- */

void podoom_eviction_config_init(struct podoom_eviction_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pressure_transition_period_nsec = PODOOM_EVICTION_PRESSURE_TRANSITION_DEFAULT_NSEC;
	cfg->enforce_node_allocatable_pods = true; /* DefaultNodeAllocatableEnforcement = ["pods"] */
}

void podoom_eviction_config_clear(struct podoom_eviction_config *cfg, enum podoom_eviction_field f)
{
	memset(cfg->entry[f], 0, sizeof(cfg->entry[f]));
	cfg->bad_key[f] = false;
	cfg->given[f] = true;
}

/* a Go map assignment: the key names a signal or poisons the map */
static void put(struct podoom_eviction_config *cfg, enum podoom_eviction_field f, const char *key, size_t key_len,
		const char *value, size_t value_len)
{
	enum podoom_eviction_signal sig;
	struct podoom_eviction_entry *e;

	cfg->given[f] = true;
	if (podoom_eviction_signal_from_string(key, key_len, &sig) < 0) {
		cfg->bad_key[f] = true;
		return;
	}
	e = &cfg->entry[f][sig];
	e->set = true;
	e->len = (uint16_t)value_len;
	memcpy(e->value, value, value_len);
}

int podoom_eviction_config_set(struct podoom_eviction_config *cfg, enum podoom_eviction_field f, const char *key,
			       size_t key_len, const char *value, size_t value_len, const char **ret_msg)
{
	if (value_len > PODOOM_EVICTION_VALUE_MAX) {
		if (ret_msg)
			*ret_msg = "eviction setting value too long";
		return -E2BIG;
	}
	put(cfg, f, key, key_len, value, value_len);
	return 0;
}

/* the length of the Unicode white space rune at s[0..len), 0 if none (unicode.IsSpace) */
static size_t space_at(const unsigned char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (len >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0)) /* NEL, NBSP */
		return 2;
	if (len >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) /* U+1680 */
		return 3;
	if (len >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
	if (len >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) /* U+205F */
		return 3;
	if (len >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
		return 3;
	return 0;
}

/* strings.TrimSpace */
static void trim_space(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = *len, k;
	bool again = true;

	while (n && (k = space_at(p, n)) != 0) {
		p += k;
		n -= k;
	}
	while (n && again) {
		again = false;
		for (k = 1; k <= 3 && k <= n; k++) {
			if (space_at(p + n - k, k) == k) {
				n -= k;
				again = true;
				break;
			}
		}
	}
	*s = (const char *)p;
	*len = n;
}

struct pair {
	const char *key, *value;
	size_t key_len, value_len;
};

int podoom_eviction_config_set_flag(struct podoom_eviction_config *cfg, enum podoom_eviction_field f,
				    const char *value, size_t len, const char **ret_msg)
{
	struct pair pairs[PODOOM_EVICTION_FLAG_MAX_PAIRS];
	size_t npairs = 0, i = 0;
	const char *sink = NULL;
	const char **msg = ret_msg ? ret_msg : &sink;

	/* strings.Split(value, ","), then SplitN(s, sep, 2) and TrimSpace on both halves */
	while (i <= len) {
		size_t start = i, end = i, sep;
		while (end < len && value[end] != ',')
			end++;
		i = end + 1;
		if (end == start)
			continue;
		for (sep = start; sep < end && value[sep] != fields[f].sep; sep++)
			;
		if (sep == end) {
			*msg = fields[f].sep == '<' ? "malformed pair, expect string<string"
						    : "malformed pair, expect string=string";
			return -EINVAL;
		}
		if (npairs == PODOOM_EVICTION_FLAG_MAX_PAIRS) {
			*msg = "too many pairs in one eviction flag";
			return -E2BIG;
		}
		struct pair *p = &pairs[npairs++];
		p->key = value + start;
		p->key_len = sep - start;
		p->value = value + sep + 1;
		p->value_len = end - sep - 1;
		trim_space(&p->key, &p->key_len);
		trim_space(&p->value, &p->value_len);
		if (p->value_len > PODOOM_EVICTION_VALUE_MAX) {
			*msg = "eviction setting value too long";
			return -E2BIG;
		}
	}
	/* the first Set replaces whatever the map held: defaults or the config file's */
	if (!cfg->from_flag[f]) {
		podoom_eviction_config_clear(cfg, f);
		cfg->from_flag[f] = true;
	}
	for (i = 0; i < npairs; i++)
		put(cfg, f, pairs[i].key, pairs[i].key_len, pairs[i].value, pairs[i].value_len);
	cfg->given[f] = true;
	return 0;
}

/* ---- thresholds ------------------------------------------------------- */

static bool ends_with_percent(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '%';
}

/* parsePercentage: strconv.ParseFloat(strings.TrimRight(input, "%"), 32), / 100 in float32 */
static int parse_percentage(const char *s, size_t len, float *ret)
{
	float f;

	while (len > 0 && s[len - 1] == '%')
		len--;
	if (podoom_gofloat_parse32(s, len, &f, NULL) < 0)
		return -EINVAL;
	*ret = f / 100.0f;
	return 0;
}

/* parseThresholdStatement (threshold) or the value half of parseMinimumReclaims */
static int parse_value(const char *s, size_t len, bool min_reclaim, bool *ret_ignored, struct podoom_eviction_value *ret,
		       const char **msg)
{
	struct podoom_eviction_value v = {0};
	int r;

	*ret_ignored = false;
	if (ends_with_percent(s, len)) {
		if (!min_reclaim && ((len == 2 && memcmp(s, "0%", 2) == 0) || (len == 4 && memcmp(s, "100%", 4) == 0))) {
			*ret_ignored = true; /* "ignore 0% and 100%": the exact strings only */
			return 0;
		}
		if (parse_percentage(s, len, &v.percentage) < 0) {
			*msg = "invalid percentage (strconv.ParseFloat: invalid syntax or out of range)";
			return -EINVAL;
		}
		/* NaN passes every test below, as in Go */
		if (min_reclaim && v.percentage <= 0) {
			*msg = "eviction percentage minimum reclaim must be positive";
			return -EINVAL;
		}
		if (!min_reclaim && v.percentage < 0) {
			*msg = "eviction percentage threshold must be >= 0%";
			return -EINVAL;
		}
		if (!min_reclaim && v.percentage > 1) {
			*msg = "eviction percentage threshold must be <= 100%";
			return -EINVAL;
		}
		v.is_percentage = true;
		*ret = v;
		return 0;
	}
	r = podoom_quantity_parse(s, len, &v.quantity, msg);
	if (r < 0)
		return r;
	if (min_reclaim && podoom_quantity_sign(&v.quantity) < 0) {
		*msg = "negative eviction minimum reclaim specified";
		return -EINVAL;
	}
	if (!min_reclaim && podoom_quantity_sign(&v.quantity) <= 0) {
		*msg = "eviction threshold must be positive";
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* the value text of map @f for @sig after defaulting, or NULL */
static const char *effective(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_config *cfg,
			     enum podoom_eviction_field f, enum podoom_eviction_signal sig, size_t *len)
{
	const struct podoom_eviction_entry *e = &cfg->entry[f][sig];
	const char *d = NULL;

	if (e->set) {
		*len = e->len;
		return e->value;
	}
	if (f == PODOOM_EVICTION_FIELD_HARD) {
		/* loadConfigFile (cmd/kubelet/app/server.go): a nil evictionHard gets
		 * DefaultEvictionHard; a given one is merged with it only with
		 * mergeDefaultEvictionSettings (1.33), which flags bypass */
		if (!cfg->given[f] ||
		    (cfg->merge_defaults && kp->eviction_merge_defaults && !cfg->from_flag[f]))
			d = default_hard[sig];
	}
	if (d)
		*len = strlen(d);
	return d;
}

static int fail(struct podoom_eviction_diag *diag, const char *msg, enum podoom_eviction_field f, int sig, int r)
{
	if (diag)
		*diag = (struct podoom_eviction_diag){.msg = msg, .field = f, .signal = sig};
	return r;
}

/* parseThresholdStatements for one map: thresholds in signal order */
static int parse_statements(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_config *cfg,
			    enum podoom_eviction_field f, struct podoom_eviction_thresholds *out,
			    struct podoom_eviction_diag *diag)
{
	if (cfg->given[f] && cfg->bad_key[f])
		return fail(diag, "unsupported eviction signal", f, -1, -EINVAL);
	for (int s = 0; s < PODOOM_EVICTION_SIGNAL_COUNT; s++) {
		size_t len;
		const char *v = effective(kp, cfg, f, (enum podoom_eviction_signal)s, &len);
		const char *msg = NULL;
		bool ignored;
		struct podoom_eviction_threshold t = {.signal = (enum podoom_eviction_signal)s};
		int r;

		if (!v)
			continue;
		r = parse_value(v, len, false, &ignored, &t.value, &msg);
		if (r < 0)
			return fail(diag, msg, f, s, r);
		if (!ignored)
			out->t[out->n++] = t;
	}
	return 0;
}

int podoom_eviction_thresholds_parse(const struct podoom_kubelet_profile *kp,
				     const struct podoom_eviction_config *cfg,
				     struct podoom_eviction_thresholds *ret, struct podoom_eviction_diag *ret_diag)
{
	struct podoom_eviction_thresholds out = {.n = 0};
	int64_t grace[PODOOM_EVICTION_SIGNAL_COUNT] = {0};
	bool has_grace[PODOOM_EVICTION_SIGNAL_COUNT] = {false};
	struct podoom_eviction_value reclaim[PODOOM_EVICTION_SIGNAL_COUNT] = {{0}};
	bool has_reclaim[PODOOM_EVICTION_SIGNAL_COUNT] = {false};
	const enum podoom_eviction_field fg = PODOOM_EVICTION_FIELD_SOFT_GRACE_PERIOD;
	const enum podoom_eviction_field fr = PODOOM_EVICTION_FIELD_MINIMUM_RECLAIM;
	size_t nhard, n;
	int r;

	r = parse_statements(kp, cfg, PODOOM_EVICTION_FIELD_HARD, &out, ret_diag);
	if (r < 0)
		return r;
	nhard = out.n;
	r = parse_statements(kp, cfg, PODOOM_EVICTION_FIELD_SOFT, &out, ret_diag);
	if (r < 0)
		return r;
	/* parseGracePeriods */
	if (cfg->bad_key[fg])
		return fail(ret_diag, "unsupported eviction signal", fg, -1, -EINVAL);
	for (int s = 0; s < PODOOM_EVICTION_SIGNAL_COUNT; s++) {
		const struct podoom_eviction_entry *e = &cfg->entry[fg][s];
		const char *msg = NULL;
		if (!e->set)
			continue;
		r = podoom_duration_parse(e->value, e->len, &grace[s], &msg);
		if (r < 0)
			return fail(ret_diag, msg, fg, s, r);
		if (grace[s] < 0)
			return fail(ret_diag, "invalid eviction grace period specified, must be a positive value", fg, s,
				    -EINVAL);
		has_grace[s] = true;
	}
	/* parseMinimumReclaims */
	if (cfg->bad_key[fr])
		return fail(ret_diag, "unsupported eviction signal", fr, -1, -EINVAL);
	for (int s = 0; s < PODOOM_EVICTION_SIGNAL_COUNT; s++) {
		const struct podoom_eviction_entry *e = &cfg->entry[fr][s];
		const char *msg = NULL;
		bool ignored;
		if (!e->set)
			continue;
		r = parse_value(e->value, e->len, true, &ignored, &reclaim[s], &msg);
		if (r < 0)
			return fail(ret_diag, msg, fr, s, r);
		has_reclaim[s] = true;
	}
	for (size_t i = nhard; i < out.n; i++) {
		enum podoom_eviction_signal s = out.t[i].signal;
		if (!has_grace[s])
			return fail(ret_diag, "grace period must be specified for the soft eviction threshold",
				    PODOOM_EVICTION_FIELD_SOFT, (int)s, -EINVAL);
		out.t[i].grace_period_nsec = grace[s];
	}
	for (size_t i = 0; i < out.n; i++) {
		enum podoom_eviction_signal s = out.t[i].signal;
		if (has_reclaim[s]) {
			out.t[i].has_min_reclaim = true;
			out.t[i].min_reclaim = reclaim[s];
		}
	}
	/* addAllocatableThresholds: only when enforceNodeAllocatable has "pods" */
	n = out.n;
	for (size_t i = 0; cfg->enforce_node_allocatable_pods && i < n; i++) {
		struct podoom_eviction_threshold t = out.t[i];
		if (t.signal != PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE || t.grace_period_nsec != 0)
			continue;
		t.signal = PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
		out.t[out.n++] = t;
	}
	*ret = out;
	return 0;
}

/* Go's int64(float64) on amd64: CVTTSD2SQ gives INT64_MIN for NaN and out of range */
static int64_t go_int64(double d)
{
	if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
		return (int64_t)d;
	return INT64_MIN;
}

struct podoom_quantity podoom_eviction_value_resolve(const struct podoom_eviction_value *v, int64_t capacity_bytes)
{
	if (!v->is_percentage)
		return v->quantity;
	return podoom_quantity_from_int(go_int64((double)capacity_bytes * (double)v->percentage),
					PODOOM_QUANTITY_FORMAT_BINARY_SI);
}

static int format_value(const struct podoom_eviction_value *v, char *buf, size_t size)
{
	if (v->is_percentage)
		return snprintf(buf, size, "%g%%", (double)(v->percentage * 100.0f));
	return podoom_quantity_format(&v->quantity, buf, size);
}

int podoom_eviction_threshold_format(const struct podoom_eviction_threshold *t, char *buf, size_t size)
{
	char value[64], grace[48] = "";

	format_value(&t->value, value, sizeof(value));
	if (t->grace_period_nsec) {
		char d[40];
		podoom_duration_format(t->grace_period_nsec / 1000, d, sizeof(d));
		snprintf(grace, sizeof(grace), " for %s", d);
	}
	return snprintf(buf, size, "%s<%s%s", podoom_eviction_signal_to_string(t->signal), value, grace);
}

/* ---- observations ----------------------------------------------------- */

int64_t podoom_eviction_working_set_bytes(int64_t usage_bytes, int64_t inactive_file_bytes)
{
	/* cAdvisor setMemoryStats: workingSet = usage - inactive_file, floored at 0 */
	return usage_bytes < inactive_file_bytes ? 0 : usage_bytes - inactive_file_bytes;
}

int podoom_eviction_observe(int64_t limit_bytes, int64_t usage_bytes, int64_t inactive_file_bytes, int64_t time_usec,
			    struct podoom_eviction_observation *ret)
{
	int64_t ws;

	if (limit_bytes < 0 || usage_bytes < 0 || inactive_file_bytes < 0)
		return -EINVAL;
	ws = podoom_eviction_working_set_bytes(usage_bytes, inactive_file_bytes);
	/* pkg/kubelet/stats/helper.go: AvailableBytes = limit - workingSet in uint64,
	 * only when !isMemoryUnlimited(limit) (limit <= 1<<62); the eviction manager
	 * reads it back as int64, so a working set above the limit is negative */
	*ret = (struct podoom_eviction_observation){
		.present = limit_bytes <= (INT64_C(1) << 62),
		.has_time = true,
		.time_usec = time_usec,
		.available_bytes = (int64_t)((uint64_t)limit_bytes - (uint64_t)ws),
		.capacity_bytes = limit_bytes,
	};
	return 0;
}

/* ---- ranking ---------------------------------------------------------- */

static int rank_cmp(const struct podoom_eviction_rank *a, const struct podoom_eviction_rank *b)
{

	/* exceedMemoryRequests: no stats first, then usage above request */
	if (a->has_stats != b->has_stats)
		return a->has_stats ? 1 : -1;
	if (a->has_stats && a->exceeds_request != b->exceeds_request)
		return a->exceeds_request ? -1 : 1;
	/* priority: lower first */
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	/* memory: larger usage - request first */
	if (a->has_stats && a->usage_over_request_bytes != b->usage_over_request_bytes)
		return a->usage_over_request_bytes > b->usage_over_request_bytes ? -1 : 1;
	/* our tie-break, where sort.Sort's is unspecified: input order */
	return (a->index > b->index) - (a->index < b->index);
}

/* heapsort: in place, no recursion. glibc's qsort is a merge sort that
 * mallocs a buffer past 1 KiB (about 20 pods); the order is the same either
 * way, rank_cmp being total */
static void sift_down(struct podoom_eviction_rank *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && rank_cmp(&a[child], &a[child + 1]) < 0)
			child++;
		if (rank_cmp(&a[root], &a[child]) >= 0)
			return;
		struct podoom_eviction_rank tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
		root = child;
	}
}

static void rank_sort(struct podoom_eviction_rank *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end > 1; end--) {
		struct podoom_eviction_rank tmp = a[0];
		a[0] = a[end - 1];
		a[end - 1] = tmp;
		sift_down(a, 0, end - 1);
	}
}

static int64_t saturate(podoom_i128 v)
{
	return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

int podoom_eviction_rank_pods(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_pod *pods,
			      size_t n, struct podoom_eviction_rank *ret)
{
	if (n > PODOOM_EVICTION_MAX_PODS)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		const struct podoom_pod *pod = pods[i].pod;
		struct podoom_eviction_rank *e = &ret[i];
		int64_t req;

		/* GetResourceRequestQuantity(pod, memory) in whole bytes: a fractional
		 * request ("500m") compares as its round-up, not exactly */
		if (podoom_pod_memory_request_bytes(kp, pod, &req) < 0)
			return -ERANGE;
		*e = (struct podoom_eviction_rank){
			.index = i,
			.has_stats = pods[i].has_stats,
			.priority = pod->has_priority ? pod->priority : 0, /* corev1helpers.PodPriority */
			.request_bytes = req,
			.critical = podoom_pod_is_critical(pod),
		};
		if (pods[i].has_stats) {
			e->exceeds_request = pods[i].working_set_bytes > req;
			e->usage_over_request_bytes = saturate((podoom_i128)pods[i].working_set_bytes - req);
		}
	}
	rank_sort(ret, n);
	return 0;
}

/* ---- synchronize ------------------------------------------------------ */

static podoom_i128 resolve_nano(const struct podoom_eviction_value *v, int64_t capacity_bytes)
{
	return podoom_eviction_value_resolve(v, capacity_bytes).nano;
}

/* thresholdsMet for one threshold: available < threshold (+ min reclaim) */
static bool threshold_met(const struct podoom_eviction_threshold *t, const struct podoom_eviction_observations *obs,
			  bool enforce_min_reclaim)
{
	const struct podoom_eviction_observation *o = &obs->signal[t->signal];
	podoom_i128 q;

	if (!o->present)
		return false; /* "no observation found for eviction signal" */
	q = resolve_nano(&t->value, o->capacity_bytes);
	if (enforce_min_reclaim && t->has_min_reclaim)
		q = podoom_quantity_nano_add(q, resolve_nano(&t->min_reclaim, o->capacity_bytes));
	return q > (podoom_i128)o->available_bytes * NANO; /* quantity.Cmp(available) > 0 */
}

int64_t podoom_eviction_grace_period_seconds(const struct podoom_kubelet_profile *kp,
					     int64_t max_pod_grace_period_seconds,
					     const struct podoom_eviction_threshold *t, const struct podoom_pod *pod)
{
	int64_t g;

	if (t->grace_period_nsec == 0)
		return kp->eviction_hard_grace_seconds;
	g = max_pod_grace_period_seconds;
	if (kp->eviction_soft_grace_pod_cap && pod->has_termination_grace && pod->termination_grace_seconds < g)
		g = pod->termination_grace_seconds;
	return g;
}

int podoom_eviction_manager_init(struct podoom_eviction_manager *m, const struct podoom_kubelet_profile *kp,
				 const struct podoom_eviction_config *cfg, struct podoom_eviction_diag *ret_diag)
{
	struct podoom_eviction_thresholds th;
	int r = podoom_eviction_thresholds_parse(kp, cfg, &th, ret_diag);

	if (r < 0)
		return r;
	memset(m, 0, sizeof(*m));
	m->kp = kp;
	m->thresholds = th;
	m->pressure_transition_period_nsec = cfg->pressure_transition_period_nsec
						     ? cfg->pressure_transition_period_nsec
						     : PODOOM_EVICTION_PRESSURE_TRANSITION_DEFAULT_NSEC;
	m->max_pod_grace_period_seconds = cfg->max_pod_grace_period_seconds;
	return 0;
}

/* (now - then) in nanoseconds, exact */
static podoom_i128 since_nsec(int64_t now_usec, int64_t then_usec)
{
	return ((podoom_i128)now_usec - then_usec) * 1000;
}

/* thresholdsUpdatedStats for one signal: the observation time advanced */
static bool fresh_stats(const struct podoom_eviction_observation *o, const struct podoom_eviction_observation *last)
{
	return !last->present || !o->has_time || !last->has_time || o->time_usec > last->time_usec;
}

int podoom_eviction_synchronize(struct podoom_eviction_manager *m, const struct podoom_eviction_observations *obs,
				const struct podoom_eviction_pod *pods, size_t npods, struct podoom_eviction_rank *scratch,
				int64_t now_usec, struct podoom_eviction_decision *ret)
{
	const struct podoom_eviction_thresholds *th = &m->thresholds;
	struct podoom_eviction_decision d = {0};
	int64_t first[PODOOM_EVICTION_MAX_THRESHOLDS] = {0};
	uint32_t observed = 0;
	bool pressure_observed = false, pressure_seen;
	int64_t pressure_last;
	size_t i;

	if (npods > PODOOM_EVICTION_MAX_PODS)
		return -E2BIG;
	/* thresholds met now, then the previously met ones not yet reclaimed to
	 * threshold + minimum reclaim (mergeThresholds) */
	for (i = 0; i < th->n; i++) {
		uint32_t bit = UINT32_C(1) << i;
		if (threshold_met(&th->t[i], obs, false) || ((m->met & bit) && threshold_met(&th->t[i], obs, true)))
			d.met |= bit;
	}
	/* thresholdsFirstObservedAt: entries only for thresholds met now */
	for (i = 0; i < th->n; i++) {
		uint32_t bit = UINT32_C(1) << i;
		if (!(d.met & bit))
			continue;
		first[i] = (m->observed & bit) ? m->first_observed_usec[i] : now_usec;
		observed |= bit;
		if (podoom_eviction_signal_is_memory(th->t[i].signal))
			pressure_observed = true;
	}
	/* nodeConditionsLastObservedAt, nodeConditionsObservedSince */
	pressure_seen = m->pressure_seen || pressure_observed;
	pressure_last = pressure_observed ? now_usec : m->pressure_last_observed_usec;
	d.memory_pressure = pressure_seen && since_nsec(now_usec, pressure_last) < m->pressure_transition_period_nsec;
	/* thresholdsMetGracePeriod, then thresholdsUpdatedStats */
	for (i = 0; i < th->n; i++) {
		uint32_t bit = UINT32_C(1) << i;
		const struct podoom_eviction_threshold *t = &th->t[i];
		if (!(d.met & bit) || since_nsec(now_usec, first[i]) < t->grace_period_nsec)
			continue;
		d.grace_met |= bit;
		if (fresh_stats(&obs->signal[t->signal], &m->last.signal[t->signal]))
			d.fresh |= bit;
	}
	/* byEvictionPriority puts memory signals first; among them sort.Sort's
	 * order is unspecified, so we take the lowest index */
	for (i = 0; i < th->n; i++)
		if ((d.fresh & (UINT32_C(1) << i)) && podoom_eviction_signal_is_memory(th->t[i].signal))
			break;
	if (i < th->n) {
		const struct podoom_eviction_observation *o = &obs->signal[th->t[i].signal];
		d.reclaim = true;
		d.threshold = i;
		d.threshold_quantity = podoom_eviction_value_resolve(&th->t[i].value, o->capacity_bytes);
		d.available_bytes = o->available_bytes;
		/* memory has no node-level reclaim; with no active pod nothing is evicted */
		if (npods > 0) {
			int r = podoom_eviction_rank_pods(m->kp, pods, npods, scratch);
			if (r < 0)
				return r; /* before any state changes */
			for (size_t k = 0; k < npods; k++) {
				if (scratch[k].critical) { /* evictPod: "cannot evict a critical pod" */
					d.critical_skipped++;
					continue;
				}
				d.evict = true;
				d.pod = scratch[k].index;
				d.grace_period_seconds = podoom_eviction_grace_period_seconds(
					m->kp, m->max_pod_grace_period_seconds, &th->t[i], pods[d.pod].pod);
				break;
			}
		}
	}
	/* commit, as synchronize does under m.Lock() */
	m->met = d.grace_met;
	m->observed = observed;
	for (i = 0; i < th->n; i++)
		if (observed & (UINT32_C(1) << i))
			m->first_observed_usec[i] = first[i];
	m->pressure_seen = pressure_seen;
	m->pressure_last_observed_usec = pressure_last;
	m->memory_pressure = d.memory_pressure;
	m->last = *obs;
	*ret = d;
	return 0;
}

int64_t podoom_eviction_cleanup_wait_end_usec(int64_t evicted_usec, bool cleaned_up, int64_t cleaned_up_usec)
{
	/* the ticker fires every podCleanupPollFreq; the timer at podCleanupTimeout */
	if (cleaned_up) {
		int64_t wait = cleaned_up_usec - evicted_usec;
		int64_t ticks = wait <= PODOOM_EVICTION_POD_CLEANUP_POLL_USEC
					? 1
					: (wait + PODOOM_EVICTION_POD_CLEANUP_POLL_USEC - 1) / PODOOM_EVICTION_POD_CLEANUP_POLL_USEC;
		if (ticks * PODOOM_EVICTION_POD_CLEANUP_POLL_USEC < PODOOM_EVICTION_POD_CLEANUP_TIMEOUT_USEC)
			return evicted_usec + ticks * PODOOM_EVICTION_POD_CLEANUP_POLL_USEC;
	}
	return evicted_usec + PODOOM_EVICTION_POD_CLEANUP_TIMEOUT_USEC;
}

/* ---- message ---------------------------------------------------------- */

struct out {
	char *buf;
	size_t size;
	size_t len; /* what the whole text needs */
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	char *dst = o->len < o->size ? o->buf + o->len : NULL;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void bytes_string(int64_t bytes, char *buf, size_t size)
{
	struct podoom_quantity q = podoom_quantity_from_int(bytes, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	podoom_quantity_format(&q, buf, size);
}

int podoom_eviction_message_format(const struct podoom_kubelet_profile *kp, const struct podoom_eviction_decision *d,
				   const struct podoom_eviction_pod *p, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	const struct podoom_pod *pod = p->pod;
	char a[64], b[64];

	if (size > 0)
		buf[0] = '\0';
	out_printf(&o, "The node was low on resource: %s. ", "memory");
	if (d->reclaim) {
		podoom_quantity_format(&d->threshold_quantity, a, sizeof(a));
		bytes_string(d->available_bytes, b, sizeof(b));
		out_printf(&o, "Threshold quantity: %s, available: %s. ", a, b);
	}
	if (!p->has_stats)
		goto out;
	if (kp->pod_level_resources && podoom_pod_level_resources_set(pod) && pod->pod_requests.has_memory) {
		/* printed whether or not the pod is above its request */
		bytes_string(p->working_set_bytes, a, sizeof(a));
		podoom_quantity_format(&pod->pod_requests.memory, b, sizeof(b));
		out_printf(&o, "Pod %s was using %s, request is %s, has larger consumption of %s. ",
			   pod->name ? pod->name : "", a, b, "memory");
	}
	for (size_t i = 0; p->container_working_set_bytes && i < pod->ncontainers; i++) {
		const struct podoom_container *c = &pod->containers[i];
		struct podoom_quantity req = {0};
		int64_t ws = p->container_working_set_bytes[i];

		if (ws < 0 || (c->type != PODOOM_CONTAINER_REGULAR && !kp->eviction_message_init_containers))
			continue;
		if (c->requests.has_memory)
			req = c->requests.memory;
		if ((podoom_i128)ws * NANO <= req.nano) /* usage.Cmp(requests) > 0 */
			continue;
		bytes_string(ws, a, sizeof(a));
		podoom_quantity_format(&req, b, sizeof(b));
		if (kp->eviction_message_request_is)
			out_printf(&o, "Container %s was using %s, request is %s, has larger consumption of %s. ",
				   c->name ? c->name : "", a, b, "memory");
		else
			out_printf(&o, "Container %s was using %s, which exceeds its request of %s. ",
				   c->name ? c->name : "", a, b);
	}
out:
	return (int)o.len;
}

/* ---- the memcg threshold notifier ------------------------------------- */

int podoom_eviction_notifier_level_bytes(const struct podoom_eviction_threshold *t, int64_t usage_bytes,
					 int64_t working_set_bytes, int64_t available_bytes,
					 int64_t *ret_level_bytes)
{
	struct podoom_quantity q, level;
	int64_t capacity_bytes;

	if (!podoom_eviction_signal_is_memory(t->signal) || usage_bytes < 0 || working_set_bytes < 0)
		return -EINVAL;
	/* capacity := NewQuantity(int64(*AvailableBytes + *WorkingSetBytes)),
	 * inactiveFile := NewQuantity(int64(*UsageBytes - *WorkingSetBytes)) */
	if (__builtin_add_overflow(available_bytes, working_set_bytes, &capacity_bytes))
		return -ERANGE;
	q = podoom_eviction_value_resolve(&t->value, capacity_bytes);
	/* memcgThreshold := capacity.DeepCopy(); .Sub(threshold); .Add(inactiveFile) */
	level = podoom_quantity_from_int(capacity_bytes, PODOOM_QUANTITY_FORMAT_BINARY_SI);
	level.nano = podoom_quantity_nano_add(level.nano, -q.nano);
	level.nano = podoom_quantity_nano_add(level.nano, ((podoom_i128)usage_bytes - working_set_bytes) * NANO);
	return podoom_quantity_value(&level, ret_level_bytes);
}
