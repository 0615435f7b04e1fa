/*
 * exposition - the metrics `podoom watch` serves, kept and written in the
 * Prometheus text format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * One counter series per (namespace, pod, container, qos, kind): the series
 * lives as long as its pod, not its container, so a container that is
 * OOM-killed and replaced keeps its count (the cAdvisor and
 * kube-state-metrics failure, peers.md 1.1, 1.3). When the pod is deleted
 * the series is kept for a time-to-live, so the last increase is scraped,
 * then dropped, so that the number of series does not grow with every pod
 * that ever ran.
 *
 * Pure: no I/O, no clock (times are passed in), memory from malloc only.
 */
#ifndef PODOOM_EXPOSITION_H
#define PODOOM_EXPOSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Series kept at most; a kill for a new series beyond it is refused (-E2BIG)
 * and counted by the caller as unattributed. 20,000 is 100 pods per node at
 * 200 label combinations each, far beyond a real node. */
#define PODOOM_METRICS_SERIES_MAX 20000u
/* Longest label value kept (a pod name is at most 253 bytes, a cgroup path
 * in a kernel report 4096). Longer values are cut. */
#define PODOOM_METRICS_LABEL_MAX 512u

/* The labels of one kill. NULL or "" for unknown. */
struct podoom_kill_labels {
	const char *namespace, *pod, *container, *qos, *kind;
	const char *pod_uid; /* not a label: which pod's deletion expires the series */
};

/* Counters of the watcher itself. */
struct podoom_watch_counters {
	uint64_t kmsg_lost_records;   /* kmsg records overwritten before they were read */
	uint64_t kmsg_overruns;	      /* EPIPE returns */
	uint64_t events_unattributed; /* kills not counted against a pod's container: host processes,
					 or a report without the victim's memcg */
	uint64_t reports_lost;	      /* kills found only in the cgroup counters */
	uint64_t events_total;	      /* kills reported, from any source */
};

/* One scope's memory, as `podoom top` shows it. NULL strings print "". */
struct podoom_scope_gauge {
	const char *scope;	    /* the memcg path, "/" for the node */
	const char *kind;	    /* as explain: "container-limit", ..., "global" for the node */
	const char *namespace, *pod, *container;
	int64_t limit_bytes;	    /* < 0: none (the scope is then left out) */
	int64_t usage_bytes;	    /* < 0: unknown (usage and headroom left out) */
};

struct podoom_metrics;

/* podoom_metrics_new() - no series yet. NULL on ENOMEM. Free with podoom_metrics_free(). */
struct podoom_metrics *podoom_metrics_new(void);
/* podoom_metrics_free() - NULL is fine. */
void podoom_metrics_free(struct podoom_metrics *m);

/*
 * podoom_metrics_kill_add() - count @n kills against the series of @l (made
 * when new). The series is live again if its pod was marked gone.
 * Return: 0; -E2BIG at PODOOM_METRICS_SERIES_MAX series; -ENOMEM; -EINVAL NULL.
 */
int podoom_metrics_kill_add(struct podoom_metrics *m, const struct podoom_kill_labels *l, uint64_t n);

/*
 * podoom_metrics_pod_gone() - the pod @pod_uid was deleted at @now_usec:
 * its series expire @ttl_usec later (podoom_metrics_expire). A pod marked
 * gone twice keeps the first time. Return: the number of series marked.
 */
size_t podoom_metrics_pod_gone(struct podoom_metrics *m, const char *pod_uid, int64_t now_usec);

/* podoom_metrics_pod_alive() - the pod exists (again): its series stay. */
void podoom_metrics_pod_alive(struct podoom_metrics *m, const char *pod_uid);

/*
 * podoom_metrics_expire() - drop the series of pods gone for @ttl_usec or
 * longer at @now_usec. @ret_next_usec (may be NULL): when the next series
 * will be due, INT64_MAX when none is marked. Return: the number dropped.
 */
size_t podoom_metrics_expire(struct podoom_metrics *m, int64_t now_usec, int64_t ttl_usec, int64_t *ret_next_usec);

/* podoom_metrics_count() - series kept now. */
size_t podoom_metrics_count(const struct podoom_metrics *m);

/*
 * podoom_metrics_value() - the count of the series with exactly @l's labels.
 * Return: 0 with *ret set; -ENOENT when there is no such series.
 */
int podoom_metrics_value(const struct podoom_metrics *m, const struct podoom_kill_labels *l, uint64_t *ret);

/*
 * podoom_metrics_format() - the whole exposition: HELP and TYPE lines, the
 * kill counters, the watcher's counters and the scope gauges, appended to
 * *@buf (malloc'd, *@len bytes used of *@cap; NULL/0/0 to start), NUL-terminated.
 * Return: 0; -ENOMEM (the buffer is left as it was, still owned by the caller).
 */
int podoom_metrics_format(const struct podoom_metrics *m, const struct podoom_watch_counters *c,
			  const struct podoom_scope_gauge *g, size_t ng, char **buf, size_t *len, size_t *cap);

/*
 * podoom_exposition_escape() - a label value as the text format writes it
 * between quotes: backslash, double quote and line feed escaped as \\, \"
 * and \n. Writes at most @size bytes with the NUL.
 * Return: the escaped length; -ENOBUFS when it does not fit.
 */
int podoom_exposition_escape(const char *s, char *buf, size_t size);

#endif
