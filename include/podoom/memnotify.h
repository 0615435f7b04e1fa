/*
 * memnotify - wake up when the kernel says a memory cgroup is running short,
 * instead of polling: the kubelet's memcg threshold notifier
 * (pkg/kubelet/eviction/threshold_notifier_linux.go, cgroup v1
 * cgroup.event_control on memory.usage_in_bytes) and its cgroup v2
 * counterparts (PSI triggers on memory.pressure, memory.events changes).
 * Host layer. Each notifier is one pollable file descriptor; the caller
 * waits on it with poll()/epoll together with anything else it waits for,
 * then hands the revents it saw to podoom_memnotify_ack():
 *
 *   podoom_eviction_notifier_level_bytes(t, usage, ws, avail, &level);
 *   podoom_memnotify_open_usage(root, "podoom-1-run/kubepods", level, &n);
 *   struct pollfd p = {podoom_memnotify_fd(n), podoom_memnotify_events(n)};
 *   poll(&p, 1, timeout_ms);
 *   podoom_memnotify_ack(n, p.revents, &what);  // consume, say what fired
 *   ... re-read the cgroup's stats and run the eviction step ...
 *   podoom_memnotify_close(n);
 *
 * Which notifier exists where:
 *   open_usage  v1: eventfd on memory.usage_in_bytes at a level, fires when
 *                   usage crosses it in either direction (as the kubelet's);
 *               v2: no usage thresholds exist (the kubelet uses none there,
 *                   kubernetes#106331): a PSI "some" trigger on the cgroup's
 *                   memory.pressure, which fires once reclaim stalls, i.e.
 *                   close to the limit, not at a level.
 *   open_oom    v1: eventfd on memory.oom_control (the memcg hit its limit);
 *               v2: memory.events, which the kernel marks changed (POLLPRI)
 *                   whenever a counter moves (high, max, oom, oom_kill).
 *   open_pressure any PSI file, e.g. /proc/pressure/memory for the node.
 *
 * No allocation after open: ack reads into the notifier's own buffer, so an
 * event-mode eviction loop can call it on its hot path.
 */
#ifndef PODOOM_MEMNOTIFY_H
#define PODOOM_MEMNOTIFY_H

#include <stdint.h>

#include "podoom/cgroup.h"

struct podoom_memnotify;

/* What woke the caller (a bit set). */
enum podoom_memnotify_what {
	PODOOM_MEMNOTIFY_USAGE = 1u << 0,    /* v1: usage crossed the level (either way), or the cgroup went away */
	PODOOM_MEMNOTIFY_OOM = 1u << 1,	     /* v1: the memcg hit its limit; v2: memory.events oom or oom_kill moved */
	PODOOM_MEMNOTIFY_PRESSURE = 1u << 2, /* a PSI trigger fired */
	PODOOM_MEMNOTIFY_EVENTS = 1u << 3,   /* v2: memory.events changed (any counter) */
};

/* The PSI trigger open_usage sets on v2: "some" stall of 1 ms within a
 * 100 ms window (Documentation/accounting/psi.rst; the kernel raises at most
 * one event per window). Kernels 5.2-6.3 refuse windows under 500 ms
 * (WINDOW_MIN_US); 6.4+ refuse any window that is not a multiple of 2 s to
 * an opener without CAP_SYS_RESOURCE (psi_trigger_create(), "privileged"),
 * as this machine's root is. open_pressure then falls back to 500 ms, then
 * 2 s, with the stall scaled to keep the share (5 ms, 20 ms). */
#define PODOOM_MEMNOTIFY_PSI_STALL_USEC 1000u
#define PODOOM_MEMNOTIFY_PSI_WINDOW_USEC 100000u

/*
 * podoom_memnotify_open_usage() - notify when the usage of memcg @rel crosses
 * @level_bytes (see the table above for v2, where @level_bytes is only
 * checked). Compute the level as the kubelet does with
 * podoom_eviction_notifier_level_bytes(), and open a new notifier when it
 * moves (the kubelet does so at most every 10 s, notifierRefreshInterval).
 * The kernel signals once per crossing, and right at the crossing usage can
 * sit a page below the level again when the step reads it (measured: the
 * step saw available == threshold + 4 KiB in ~5% of 1 GiB/s spikes), so a
 * step that is strictly "available < threshold", as the kubelet's is, decides
 * nothing and no second signal comes while usage stays above: the kubelet
 * then waits for its 10 s tick. An event-mode loop should therefore, after a
 * wake whose step did not evict, run the step again after 1 ms, 2, 4, ...
 * until it evicts, a new wake resets the gap, or the gap reaches the
 * housekeeping period (bench/race.c "event" against "event-kubelet").
 * Return: 0 with *ret set; -EINVAL a negative level; -ENOENT no such cgroup;
 * -errno from open/eventfd/the registration write.
 */
int podoom_memnotify_open_usage(const struct podoom_cgroup_root *root, const char *rel, int64_t level_bytes,
				struct podoom_memnotify **ret);

/*
 * podoom_memnotify_open_oom() - notify when memcg @rel hits its limit.
 * v1: memory.oom_control through cgroup.event_control; the kernel signals
 * the OOMing memcg and its descendants (mem_cgroup_oom_notify), not its
 * ancestors, so register on the cgroup whose limit is hit; it fires at once
 * when the memcg is already under OOM. v2: memory.events, whose counters are
 * hierarchical, so an OOM below @rel shows too.
 * Return: 0 with *ret set; -errno.
 */
int podoom_memnotify_open_oom(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memnotify **ret);

/*
 * podoom_memnotify_open_pressure() - a PSI trigger "some <stall_usec>
 * <window_usec>" on the pressure file @path (/proc/pressure/memory or a v2
 * cgroup's memory.pressure). When the kernel refuses the window (EINVAL, see
 * above) it is retried at 500 ms, then 2 s, with the stall scaled to keep
 * the share.
 * Return: 0 with *ret set; -EINVAL a zero stall or window, or stall > window;
 * -errno from open/write (-ENOENT: no PSI; -EOPNOTSUPP: PSI disabled).
 */
int podoom_memnotify_open_pressure(const char *path, uint32_t stall_usec, uint32_t window_usec,
				   struct podoom_memnotify **ret);

/* podoom_memnotify_fd() - the descriptor to poll; the notifier owns it. */
int podoom_memnotify_fd(const struct podoom_memnotify *n);

/* podoom_memnotify_events() - the poll events to wait for on that fd
 * (POLLIN for v1 eventfds, POLLPRI for PSI and memory.events). */
short podoom_memnotify_events(const struct podoom_memnotify *n);

/*
 * podoom_memnotify_ack() - consume what is pending on the fd without
 * blocking and say what it was (PODOOM_MEMNOTIFY_* bits; 0 when nothing
 * was). @revents: what the caller's poll() reported for the fd (0 if it did
 * not poll). A PSI trigger's event is consumed by the poll() itself (the
 * kernel's psi_trigger_poll clears it), so for PSI the answer comes from
 * @revents; eventfds are read, memory.events is re-read and compared.
 * Return: 0; -ENODEV the PSI trigger's cgroup was removed (POLLERR);
 * -errno from read.
 */
int podoom_memnotify_ack(struct podoom_memnotify *n, short revents, unsigned *ret_what);

/* podoom_memnotify_close() - unregister (the kernel drops a v1 event when its
 * eventfd is closed) and free; NULL is fine. */
void podoom_memnotify_close(struct podoom_memnotify *n);

#endif
