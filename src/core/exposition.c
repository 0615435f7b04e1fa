/*
 * exposition.c - kill counters by pod and container, their expiry, and the
 * Prometheus text format 0.0.4.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podoom/exposition.h"
#include "podoom/grow.h"

enum { L_NAMESPACE, L_POD, L_CONTAINER, L_QOS, L_KIND, L_COUNT };

static const char *const label_names[L_COUNT] = {"namespace", "pod", "container", "qos", "kind"};

struct series {
	char *label[L_COUNT]; /* never NULL: "" when unknown */
	char *pod_uid;	      /* NULL when unknown */
	uint64_t kills;
	bool gone;
	int64_t gone_usec;
};

struct podoom_metrics {
	struct series *s;
	size_t n, cap;
};

struct podoom_metrics *podoom_metrics_new(void)
{
	return calloc(1, sizeof(struct podoom_metrics));
}

static void series_fini(struct series *s)
{
	for (int i = 0; i < L_COUNT; i++)
		free(s->label[i]);
	free(s->pod_uid);
}

void podoom_metrics_free(struct podoom_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		series_fini(&m->s[i]);
	free(m->s);
	free(m);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void labels_of(const struct podoom_kill_labels *l, const char *v[L_COUNT])
{
	v[L_NAMESPACE] = or_empty(l->namespace);
	v[L_POD] = or_empty(l->pod);
	v[L_CONTAINER] = or_empty(l->container);
	v[L_QOS] = or_empty(l->qos);
	v[L_KIND] = or_empty(l->kind);
}

/* equal to the stored (possibly cut) value */
static bool label_eq(const char *stored, const char *v)
{
	size_t n = strnlen(v, PODOOM_METRICS_LABEL_MAX);
	return strlen(stored) == n && memcmp(stored, v, n) == 0;
}

static struct series *find(const struct podoom_metrics *m, const char *const v[L_COUNT])
{
	for (size_t i = 0; i < m->n; i++) {
		int k;
		for (k = 0; k < L_COUNT && label_eq(m->s[i].label[k], v[k]); k++)
			;
		if (k == L_COUNT)
			return &m->s[i];
	}
	return NULL;
}

int podoom_metrics_kill_add(struct podoom_metrics *m, const struct podoom_kill_labels *l, uint64_t n)
{
	const char *v[L_COUNT];
	struct series *s, fresh = {0};

	if (!m || !l)
		return -EINVAL;
	labels_of(l, v);
	s = find(m, v);
	if (!s) {
		if (m->n >= PODOOM_METRICS_SERIES_MAX)
			return -E2BIG;
		if (podoom_grow(&m->s, &m->cap, m->n + 1, sizeof(*m->s), 16) < 0)
			return -ENOMEM;
		for (int k = 0; k < L_COUNT; k++)
			if (!(fresh.label[k] = strndup(v[k], PODOOM_METRICS_LABEL_MAX)))
				goto nomem;
		m->s[m->n] = fresh;
		s = &m->s[m->n++];
	}
	if (l->pod_uid && l->pod_uid[0] && (!s->pod_uid || strcmp(s->pod_uid, l->pod_uid) != 0)) {
		char *uid = strndup(l->pod_uid, PODOOM_METRICS_LABEL_MAX);
		if (uid) { /* without it the series only misses its expiry */
			free(s->pod_uid);
			s->pod_uid = uid;
		}
	}
	s->gone = false;
	s->kills = s->kills + n < s->kills ? UINT64_MAX : s->kills + n;
	return 0;
nomem:
	series_fini(&fresh);
	return -ENOMEM;
}

size_t podoom_metrics_pod_gone(struct podoom_metrics *m, const char *pod_uid, int64_t now_usec)
{
	size_t marked = 0;

	if (!m || !pod_uid || !pod_uid[0])
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->s[i].pod_uid && strcmp(m->s[i].pod_uid, pod_uid) == 0) {
			if (!m->s[i].gone) {
				m->s[i].gone = true;
				m->s[i].gone_usec = now_usec;
			}
			marked++;
		}
	return marked;
}

void podoom_metrics_pod_alive(struct podoom_metrics *m, const char *pod_uid)
{
	if (!m || !pod_uid || !pod_uid[0])
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->s[i].pod_uid && strcmp(m->s[i].pod_uid, pod_uid) == 0)
			m->s[i].gone = false;
}

size_t podoom_metrics_expire(struct podoom_metrics *m, int64_t now_usec, int64_t ttl_usec, int64_t *ret_next_usec)
{
	int64_t next = INT64_MAX;
	size_t dropped = 0, w = 0;

	if (!m)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		struct series *s = &m->s[i];
		int64_t due = s->gone_usec > INT64_MAX - ttl_usec ? INT64_MAX : s->gone_usec + ttl_usec;
		if (s->gone && due <= now_usec) {
			series_fini(s);
			dropped++;
			continue;
		}
		if (s->gone && due < next)
			next = due;
		m->s[w++] = *s;
	}
	m->n = w;
	if (ret_next_usec)
		*ret_next_usec = next;
	return dropped;
}

size_t podoom_metrics_count(const struct podoom_metrics *m)
{
	return m ? m->n : 0;
}

int podoom_metrics_value(const struct podoom_metrics *m, const struct podoom_kill_labels *l, uint64_t *ret)
{
	const char *v[L_COUNT];
	const struct series *s;

	if (!m || !l || !ret)
		return -EINVAL;
	labels_of(l, v);
	s = find(m, v);
	if (!s)
		return -ENOENT;
	*ret = s->kills;
	return 0;
}

int podoom_exposition_escape(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s; s++) {
		const char *rep = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;
		size_t k = rep ? 2 : 1;
		if (o + k >= size)
			return -ENOBUFS;
		if (rep)
			memcpy(buf + o, rep, 2);
		else
			buf[o] = *s;
		o += k;
	}
	if (o >= size)
		return -ENOBUFS;
	buf[o] = '\0';
	return (int)o;
}

struct out {
	char **buf;
	size_t *len, *cap;
	bool failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed)
		return;
	for (;;) {
		size_t room = *o->cap - *o->len;
		va_start(ap, fmt);
		n = vsnprintf(*o->buf ? *o->buf + *o->len : NULL, *o->buf ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if (*o->buf && (size_t)n < room) {
			*o->len += (size_t)n;
			return;
		}
		if (podoom_grow(o->buf, o->cap, *o->len + (size_t)n + 1, 1, 4096) < 0) {
			o->failed = true;
			return;
		}
	}
}

/* name{k="v",...}: the values escaped */
static void put_labels(struct out *o, const char *const *names, const char *const *values, size_t n)
{
	char esc[2 * PODOOM_METRICS_LABEL_MAX + 1];

	put(o, "{");
	for (size_t i = 0; i < n; i++) {
		if (podoom_exposition_escape(or_empty(values[i]), esc, sizeof(esc)) < 0)
			esc[0] = '\0'; /* longer than any value we keep: cut to nothing rather than broken */
		put(o, "%s%s=\"%s\"", i ? "," : "", names[i], esc);
	}
	put(o, "}");
}

static void put_family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int podoom_metrics_format(const struct podoom_metrics *m, const struct podoom_watch_counters *c,
			  const struct podoom_scope_gauge *g, size_t ng, char **buf, size_t *len, size_t *cap)
{
	static const char *const scope_labels[] = {"scope", "kind", "namespace", "pod", "container"};
	static const struct {
		const char *name, *help;
		size_t off;
	} counters[] = {
		{"podoom_kmsg_lost_records_total", "Kernel log records overwritten in the ring buffer before podoom read them.",
		 offsetof(struct podoom_watch_counters, kmsg_lost_records)},
		{"podoom_kmsg_overruns_total", "Times reading /dev/kmsg returned EPIPE (the reader fell behind).",
		 offsetof(struct podoom_watch_counters, kmsg_overruns)},
		{"podoom_events_unattributed_total",
		 "OOM kills not counted against a pod's container: host processes, or reports without the victim's memory cgroup.",
		 offsetof(struct podoom_watch_counters, events_unattributed)},
		{"podoom_oom_reports_lost_total",
		 "OOM kills seen only in the cgroup oom_kill counters: their kernel report was lost.",
		 offsetof(struct podoom_watch_counters, reports_lost)},
		{"podoom_oom_events_total", "OOM kills reported, from the kernel log and the cgroup counters.",
		 offsetof(struct podoom_watch_counters, events_total)},
	};
	static const struct {
		const char *name, *help;
	} gauges[] = {
		{"podoom_scope_limit_bytes", "Memory limit of the scope: the memcg limit, or MemTotal for the node (scope=\"/\")."},
		{"podoom_scope_usage_bytes", "Memory the scope uses: the memcg usage, or MemTotal - MemAvailable for the node."},
		{"podoom_scope_headroom_bytes", "Limit minus usage: how much more the scope can take before the OOM killer runs."},
	};
	struct out o = {.buf = buf, .len = len, .cap = cap};
	size_t len0;

	if (!m || !c || (ng && !g) || !buf || !len || !cap)
		return -EINVAL;
	len0 = *len;
	put_family(&o, "podoom_oom_kills_total", "counter",
		   "Processes the kernel OOM killer killed, by the victim's container (node-wide OOMs included).");
	for (size_t i = 0; i < m->n; i++) {
		put(&o, "podoom_oom_kills_total");
		put_labels(&o, label_names, (const char *const *)m->s[i].label, L_COUNT);
		put(&o, " %llu\n", (unsigned long long)m->s[i].kills);
	}
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)c + counters[i].off, sizeof(v));
		put_family(&o, counters[i].name, "counter", counters[i].help);
		put(&o, "%s %llu\n", counters[i].name, (unsigned long long)v);
	}
	for (size_t k = 0; k < sizeof(gauges) / sizeof(gauges[0]); k++) {
		put_family(&o, gauges[k].name, "gauge", gauges[k].help);
		for (size_t i = 0; i < ng; i++) {
			const char *v[] = {g[i].scope, g[i].kind, g[i].namespace, g[i].pod, g[i].container};
			int64_t val = k == 0 ? g[i].limit_bytes : k == 1 ? g[i].usage_bytes : g[i].limit_bytes - g[i].usage_bytes;
			if (g[i].limit_bytes < 0 || (k > 0 && g[i].usage_bytes < 0))
				continue;
			put(&o, "%s", gauges[k].name);
			put_labels(&o, scope_labels, v, 5);
			put(&o, " %lld\n", (long long)val);
		}
	}
	if (o.failed) {
		*len = len0;
		if (*buf && *cap > len0)
			(*buf)[len0] = '\0';
		return -ENOMEM;
	}
	return 0;
}
