/*
 * fuzz_eviction_threshold.c - the eviction settings parser: the flag syntax
 * ("memory.available<100Mi,nodefs.available<10%"), the config-map form, and
 * ParseThresholdConfig behind them, with Go's float32 parser underneath.
 *
 * Input: one selector byte, then text. Selector bits 0-1: the map
 * (hard, soft, grace period, minimum reclaim); bit 2: mergeDefaultEvictionSettings;
 * bit 3: "pods" not enforced; bit 4: config-map form (key and value split at
 * the first ':'); bits 5-7: the kubelet profile.
 *
 * Properties: no crash; errors come with a message and leave the outputs
 * untouched; every threshold obeys the kubelet's rules (quantities > 0,
 * percentages within [0, 1] or NaN, soft ones carry a grace period,
 * allocatable copies only of hard memory.available ones); parsing is
 * deterministic; and on plain decimal text the float32 parser agrees bit for
 * bit with glibc's strtof (correctly rounded) in the C locale.
 */
#include "podoom/eviction.h"
#include "podoom/gofloat.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const struct podoom_eviction_value *v, bool min_reclaim)
{
	if (v->is_percentage && min_reclaim)
		assert(isnan(v->percentage) || v->percentage > 0);
	else if (v->is_percentage)
		assert(isnan(v->percentage) || (v->percentage >= 0 && v->percentage <= 1));
	else
		assert(podoom_quantity_sign(&v->quantity) >= (min_reclaim ? 0 : 1));
}

static void check_thresholds(const struct podoom_eviction_thresholds *th, const struct podoom_eviction_config *cfg)
{
	const enum podoom_eviction_signal mem = PODOOM_EVICTION_SIGNAL_MEMORY_AVAILABLE;
	const enum podoom_eviction_signal alloc = PODOOM_EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
	size_t hard_mem = 0, hard_alloc = 0;

	assert(th->n <= PODOOM_EVICTION_MAX_THRESHOLDS);
	for (size_t i = 0; i < th->n; i++) {
		const struct podoom_eviction_threshold *t = &th->t[i];
		char buf[128];
		assert((unsigned)t->signal < PODOOM_EVICTION_SIGNAL_COUNT);
		assert(t->grace_period_nsec >= 0);
		check_value(&t->value, false);
		if (t->has_min_reclaim)
			check_value(&t->min_reclaim, true);
		hard_mem += t->signal == mem && t->grace_period_nsec == 0;
		hard_alloc += t->signal == alloc && t->grace_period_nsec == 0;
		assert(podoom_eviction_threshold_format(t, buf, sizeof(buf)) > 0);
	}
	/* addAllocatableThresholds: one copy per hard memory.available, only with "pods" */
	if (cfg->enforce_node_allocatable_pods)
		assert(hard_alloc >= hard_mem);
	else if (!cfg->entry[PODOOM_EVICTION_FIELD_HARD][alloc].set && !cfg->entry[PODOOM_EVICTION_FIELD_SOFT][alloc].set)
		assert(hard_alloc == 0);
}

static bool same_value(const struct podoom_eviction_value *a, const struct podoom_eviction_value *b)
{
	return a->is_percentage == b->is_percentage && memcmp(&a->percentage, &b->percentage, sizeof(float)) == 0 &&
	       a->quantity.nano == b->quantity.nano && a->quantity.format == b->quantity.format;
}

static bool same(const struct podoom_eviction_thresholds *a, const struct podoom_eviction_thresholds *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct podoom_eviction_threshold *x = &a->t[i], *y = &b->t[i];
		if (x->signal != y->signal || x->grace_period_nsec != y->grace_period_nsec ||
		    x->has_min_reclaim != y->has_min_reclaim || !same_value(&x->value, &y->value) ||
		    (x->has_min_reclaim && !same_value(&x->min_reclaim, &y->min_reclaim)))
			return false;
	}
	return true;
}

/* Go's ParseFloat and C's strtof agree on [0-9.eE+-] text */
static void check_float(const char *s, size_t n)
{
	char buf[PODOOM_GOFLOAT_MAX_LEN + 1];
	float got = 0, want;
	char *end;
	int r;

	if (n == 0 || n > PODOOM_GOFLOAT_MAX_LEN)
		return;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789.eE+-", s[i]) || s[i] == '\0')
			return;
	memcpy(buf, s, n);
	buf[n] = '\0';
	want = strtof(buf, &end);
	r = podoom_gofloat_parse32(s, n, &got, NULL);
	if (end != buf + n) {
		assert(r == -EINVAL);
		return;
	}
	if (isinf(want)) {
		assert(r == -ERANGE);
		return;
	}
	assert(r == 0);
	assert(memcmp(&got, &want, sizeof(got)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct podoom_kubelet_profile *profiles;
	struct podoom_eviction_config cfg;
	struct podoom_eviction_thresholds th, th2;
	struct podoom_eviction_diag diag = {0};
	const char *s = (const char *)data + 1, *msg = NULL;
	size_t n, np;
	unsigned sel;
	enum podoom_eviction_field f;
	int r;

	if (size < 1 || size > 4096)
		return 0;
	sel = data[0];
	n = size - 1;
	f = (enum podoom_eviction_field)(sel & 3);
	profiles = podoom_kubelet_profiles(&np);
	podoom_eviction_config_init(&cfg);
	cfg.merge_defaults = sel & 4;
	cfg.enforce_node_allocatable_pods = !(sel & 8);

	if (sel & 16) {
		const char *colon = memchr(s, ':', n);
		size_t klen = colon ? (size_t)(colon - s) : n;
		r = podoom_eviction_config_set(&cfg, f, s, klen, colon ? colon + 1 : "", colon ? n - klen - 1 : 0,
					       &msg);
	} else {
		r = podoom_eviction_config_set_flag(&cfg, f, s, n, &msg);
	}
	if (r < 0) {
		assert(msg != NULL);
		assert(r == -EINVAL || r == -E2BIG);
		check_float(s, n);
		return 0;
	}
	th.n = 12345;
	r = podoom_eviction_thresholds_parse(&profiles[(sel >> 5) % np], &cfg, &th, &diag);
	if (r < 0) {
		assert(diag.msg != NULL);
		assert(th.n == 12345);
	} else {
		check_thresholds(&th, &cfg);
		assert(podoom_eviction_thresholds_parse(&profiles[(sel >> 5) % np], &cfg, &th2, NULL) == 0);
		assert(same(&th, &th2));
	}
	check_float(s, n);
	return 0;
}
