/*
 * oomwatch - the kubelet's memory cgroups on the live system, followed with
 * kernel notifications only (no polling): which pods and containers exist,
 * and when a cgroup's oom_kill counter may have moved. Host layer.
 *
 * Directories: inotify (IN_CREATE, IN_DELETE) on the directories that may
 * hold a kubelet tree (any directory down to depth 3 outside one, so nested
 * nodes such as /kubelet/kubepods or /podoom-<pid>-run/kubepods are found)
 * and on the kubelet tree down to its pods.
 *
 * Counters, per tracked memcg:
 *  - cgroup v2: the pods. memory.events is hierarchical and the kernel
 *    notifies a file-modified event on it when a counter moves
 *    (cgroup-v2.rst), for every ancestor of the victim; a pod outlives its
 *    containers, so its count survives a container's replacement.
 *  - cgroup v1: the containers. memory.oom_control's oom_kill counts the
 *    memcg's own kills only, and the kernel signals an eventfd registered
 *    through cgroup.event_control when the memcg or one of its ancestors goes
 *    under OOM (cgroup-v1/memory.rst section 10) - before the kill, so the
 *    caller reads the counter a moment later. A global OOM signals no v1
 *    eventfd: the caller re-reads the counters when kmsg records were lost.
 *  - Where cgroup.event_control cannot be written (a fixture tree), the
 *    counter file is watched with inotify IN_MODIFY instead.
 */
#ifndef PODOOM_OOMWATCH_H
#define PODOOM_OOMWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/cgroup.h"
#include "podoom/cgroup_path.h"

/* Directories watched at most, and memcgs tracked at most: a node runs at most a few
 * hundred pods (110 by default) of a few containers each. */
#define PODOOM_OOMWATCH_DIRS_MAX 16384u
#define PODOOM_OOMWATCH_TRACKED_MAX 16384u

enum podoom_oomwatch_what {
	PODOOM_OOMWATCH_NOTIFIED, /* the counter of a tracked memcg may have moved */
	PODOOM_OOMWATCH_POD_ADDED,
	PODOOM_OOMWATCH_POD_GONE,
	PODOOM_OOMWATCH_RESCAN,	  /* the inotify queue overflowed: everything was read again */
	PODOOM_OOMWATCH_WHAT_COUNT
};

struct podoom_oomwatch_event {
	enum podoom_oomwatch_what what;
	const char *path;		     /* the memcg as the kernel prints it: "/kubepods/..." */
	const struct podoom_cgroup_attr *attr; /* what the path says (pod uid, container id, QoS) */
	struct podoom_oomwatch_memcg *memcg; /* NOTIFIED: the tracked memcg */
};

/* A memcg whose oom_kill counter is followed. */
struct podoom_oomwatch_memcg {
	char *path; /* owned by the watcher */
	struct podoom_cgroup_attr attr;
	bool gone; /* removed: its last counter read is all there will be */
	/* the caller's bookkeeping, zero at first: */
	bool has_seen, dirty;
	uint64_t seen;	     /* the highest counter read */
	uint64_t accounted;  /* kills already reported against it */
	int64_t since_usec;  /* when it was first notified (dirty) */
	uint64_t seen_at_notify; /* seen when it was notified */
	int64_t due_usec;    /* when to read it next */
};

struct podoom_oomwatch;

/*
 * podoom_oomwatch_new() - scan the hierarchy of @root and start following it.
 * Return: 0 with *ret set (free with podoom_oomwatch_free()); -ENOMEM;
 * -errno from inotify_init1/epoll_create1.
 */
int podoom_oomwatch_new(const struct podoom_cgroup_root *root, struct podoom_oomwatch **ret);

/* podoom_oomwatch_free() - NULL is fine. */
void podoom_oomwatch_free(struct podoom_oomwatch *w);

/* podoom_oomwatch_fd() - one descriptor (an epoll set) to poll for POLLIN. */
int podoom_oomwatch_fd(const struct podoom_oomwatch *w);

/* podoom_oomwatch_uses_eventfd() - v1 counters are followed with eventfds
 * (false: with inotify, also on a fixture tree). */
bool podoom_oomwatch_uses_eventfd(const struct podoom_oomwatch *w);

/*
 * podoom_oomwatch_dispatch() - handle what is ready, without blocking, and
 * tell @fn (the event's pointers are valid during the call only).
 * Return: 0; -errno from read().
 */
int podoom_oomwatch_dispatch(struct podoom_oomwatch *w,
			     void (*fn)(void *user, const struct podoom_oomwatch_event *ev), void *user);

/* podoom_oomwatch_ntracked() - memcgs tracked, including gone ones not yet forgotten. */
size_t podoom_oomwatch_ntracked(const struct podoom_oomwatch *w);

/* podoom_oomwatch_tracked() - memcg @i (< ntracked); the pointer stays valid
 * until podoom_oomwatch_forget_gone() drops it. */
struct podoom_oomwatch_memcg *podoom_oomwatch_tracked(const struct podoom_oomwatch *w, size_t i);

/*
 * podoom_oomwatch_find() - the tracked memcg that counts a kill in @path
 * (the victim's memcg as a report names it): the memcg itself or, on v2,
 * its pod. Return: 0 with *ret_index; -ENOENT.
 */
int podoom_oomwatch_find(const struct podoom_oomwatch *w, const char *path, size_t *ret_index);

/* podoom_oomwatch_read() - the oom_kill counter of tracked memcg @m; when it
 * is higher than m->seen, m->seen follows. Return: 0; -ENOENT gone; -errno. */
int podoom_oomwatch_read(const struct podoom_oomwatch *w, struct podoom_oomwatch_memcg *m, uint64_t *ret);

/* podoom_oomwatch_forget_gone() - drop the gone memcgs (indexes change). */
void podoom_oomwatch_forget_gone(struct podoom_oomwatch *w);

/* podoom_oomwatch_has_pod() - a pod cgroup with @uid exists now. */
bool podoom_oomwatch_has_pod(const struct podoom_oomwatch *w, const char *uid);

#endif
