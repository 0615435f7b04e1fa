/*
 * memnotify - wake up when the kernel says a memory cgroup is running short,
 * instead of polling: the kubelet's memcg threshold notifier
 * (pkg/kubelet/eviction/threshold_notifier_linux.go, cgroup v1
 * cgroup.event_control on memory.usage_in_bytes) and its cgroup v2
 * counterparts (PSI triggers on memory.pressure, memory.events changes).
 * Host layer. Each notifier is one pollable file descriptor; the caller
 * waits on it with poll()/epoll together with anything else it waits for.
 *
 *   podoom_memnotify_open_usage(root, "podoom-1-run/kubepods", level, &n);
 *   poll({podoom_memnotify_fd(n), POLLIN|POLLPRI}) ...
 *   podoom_memnotify_ack(n, &what);   // consume, say what fired
 *   podoom_memnotify_close(n);
 */
#ifndef PODOOM_MEMNOTIFY_H
#define PODOOM_MEMNOTIFY_H

#include <stdint.h>

#include "podoom/cgroup.h"

struct podoom_memnotify;

/* What woke the caller (a bit set). */
enum podoom_memnotify_what {
	PODOOM_MEMNOTIFY_USAGE = 1u << 0,    /* v1: usage crossed the level (either way) */
	PODOOM_MEMNOTIFY_OOM = 1u << 1,	     /* the memcg hit its limit / its OOM counters moved */
	PODOOM_MEMNOTIFY_PRESSURE = 1u << 2, /* v2: the PSI trigger fired */
	PODOOM_MEMNOTIFY_EVENTS = 1u << 3,   /* v2: memory.events changed (high, max, oom, oom_kill) */
};

/*
 * podoom_memnotify_open_usage() - notify when the usage of memcg @rel crosses
 * @level_bytes. cgroup v1: an eventfd registered in cgroup.event_control
 * against memory.usage_in_bytes (as the kubelet does). cgroup v2, which has
 * no usage thresholds: a PSI trigger on @rel's memory.pressure ("some" stall
 * of PODOOM_MEMNOTIFY_PSI_STALL_USEC in a PODOOM_MEMNOTIFY_PSI_WINDOW_USEC
 * window) plus memory.events, so the caller re-reads usage when either fires.
 * Return: 0 with *ret set; -errno (-EOPNOTSUPP when the kernel offers neither).
 */
int podoom_memnotify_open_usage(const struct podoom_cgroup_root *root, const char *rel, int64_t level_bytes,
				struct podoom_memnotify **ret);

/*
 * podoom_memnotify_open_oom() - notify when memcg @rel hits its limit:
 * v1 memory.oom_control through cgroup.event_control, v2 memory.events.
 * Return: 0 with *ret set; -errno.
 */
int podoom_memnotify_open_oom(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memnotify **ret);

/* PSI trigger of the v2 usage notifier: 1 ms of "some" stall within 100 ms
 * (the kernel's minimum window is 500 ms for unprivileged, any for root). */
#define PODOOM_MEMNOTIFY_PSI_STALL_USEC 1000
#define PODOOM_MEMNOTIFY_PSI_WINDOW_USEC 100000

/* podoom_memnotify_fd() - the descriptor to poll (POLLIN for v1 eventfds,
 * POLLPRI for v2 PSI and memory.events). */
int podoom_memnotify_fd(const struct podoom_memnotify *n);

/* podoom_memnotify_events() - the poll events to wait for on that fd. */
short podoom_memnotify_events(const struct podoom_memnotify *n);

/*
 * podoom_memnotify_ack() - consume the notification(s) pending on the fd
 * without blocking and say what they were (PODOOM_MEMNOTIFY_* bits; 0 when
 * nothing was pending). Return: 0; -errno.
 */
int podoom_memnotify_ack(struct podoom_memnotify *n, unsigned *ret_what);

/* podoom_memnotify_close() - unregister and free; NULL is fine. */
void podoom_memnotify_close(struct podoom_memnotify *n);

#endif
