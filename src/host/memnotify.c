/*
 * memnotify.c - kernel memory notifications for the event-mode eviction loop.
 *
 * cgroup v1 (Documentation/admin-guide/cgroup-v1/memory.rst §9-§10, and
 * mm/memcontrol-v1.c as of 6.18): write "<eventfd> <fd of the watched file>
 * [args]" to the cgroup's cgroup.event_control. For memory.usage_in_bytes
 * the arg is the level in bytes; __mem_cgroup_threshold() signals the
 * eventfd when usage >= level after having been below (and when it drops
 * back below), checked by memcg1_check_events() every THRESHOLDS_EVENTS_TARGET
 * = 128 charge/uncharge events per CPU (512 KiB of 4 KiB pages), and
 * mem_cgroup_threshold() walks up the hierarchy, so a level on the node
 * cgroup sees the pods' charges. For memory.oom_control there is no arg;
 * memcg1_oom_prepare() signals the OOMing memcg and its descendants before
 * the OOM killer runs. The kernel drops the registration when the eventfd is
 * closed (memcg_event_wake on EPOLLHUP) or the cgroup is removed, and in the
 * latter case signals the eventfd once more (memcg_event_remove).
 * This is what the kubelet does (pkg/kubelet/eviction/threshold_notifier_linux.go:
 * NewCgroupNotifier opens the attribute O_RDONLY, cgroup.event_control
 * O_WRONLY, an eventfd, writes "%d %d %d", then reads 8 bytes per wake).
 *
 * cgroup v2 (Documentation/admin-guide/cgroup-v2.rst, accounting/psi.rst):
 * no thresholds. memory.events is a kernfs file: every counter change calls
 * cgroup_file_notify() -> kernfs_notify(), and poll() reports
 * POLLERR|POLLPRI until the file is read again from the start. PSI: open
 * memory.pressure O_RDWR|O_NONBLOCK, write "some <stall us> <window us>",
 * poll for POLLPRI; psi_trigger_poll() clears the event as it reports it,
 * and reports POLLERR|POLLPRI once the trigger's cgroup is gone.
 */
#include "podoom/memnotify.h"
#include "podoom/memcgfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

enum kind {
	KIND_V1_USAGE,
	KIND_V1_OOM,
	KIND_V2_EVENTS,
	KIND_PSI,
};

/* memory.events is 6 short lines; a page is plenty */
#define EVENTS_BUF_BYTES 512

struct podoom_memnotify {
	enum kind kind;
	int fd;
	int64_t oom, oom_kill; /* v2: memory.events as last read */
	char buf[EVENTS_BUF_BYTES];
};

static int path_of(const struct podoom_cgroup_root *root, const char *rel, const char *file, char *buf,
		   size_t size)
{
	int n = snprintf(buf, size, "%s/%s/%s", root->mount, rel, file);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int notifier_new(enum kind kind, int fd, struct podoom_memnotify **ret)
{
	struct podoom_memnotify *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->kind = kind;
	n->fd = fd;
	*ret = n;
	return 0;
}

/* v1: an eventfd registered against <rel>/<file> with optional @args */
static int open_v1(const struct podoom_cgroup_root *root, const char *rel, const char *file, const char *args,
		   enum kind kind, struct podoom_memnotify **ret)
{
	char path[1024], line[96];
	int watch_fd = -1, control_fd = -1, efd = -1, r, len;

	if ((r = path_of(root, rel, file, path, sizeof(path))) < 0)
		return r;
	watch_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (watch_fd < 0) {
		r = -errno;
		goto out;
	}
	if ((r = path_of(root, rel, "cgroup.event_control", path, sizeof(path))) < 0)
		goto out;
	control_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (control_fd < 0) {
		r = -errno;
		goto out;
	}
	/* non-blocking, so ack can read without waiting when nothing came */
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		r = -errno;
		goto out;
	}
	len = snprintf(line, sizeof(line), "%d %d%s%s", efd, watch_fd, args ? " " : "", args ? args : "");
	if (len < 0 || (size_t)len >= sizeof(line)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	if (write(control_fd, line, (size_t)len) != len) {
		r = errno ? -errno : -EIO;
		goto out;
	}
	if ((r = notifier_new(kind, efd, ret)) < 0)
		goto out;
	efd = -1; /* owned by the notifier now */
	r = 0;
out:
	/* the kernel holds its own references to both files */
	if (watch_fd >= 0)
		close(watch_fd);
	if (control_fd >= 0)
		close(control_fd);
	if (efd >= 0)
		close(efd);
	return r;
}


/* re-read memory.events from the start (which also re-arms kernfs poll);
 * true in *ret_oom when oom or oom_kill moved since the last read */
static int events_reread(struct podoom_memnotify *n, bool *ret_oom)
{
	int64_t oom = 0, oom_kill = 0;
	ssize_t len = pread(n->fd, n->buf, sizeof(n->buf) - 1, 0);
	int r;

	if (len < 0)
		return -errno;
	n->buf[len] = '\0';
	/* "oom" and "oom_kill" since 4.13; absent keys stay 0 */
	if ((r = podoom_memcgfmt_keyed(n->buf, (size_t)len, "oom", &oom)) < 0 && r != -ENOENT)
		return r;
	if ((r = podoom_memcgfmt_keyed(n->buf, (size_t)len, "oom_kill", &oom_kill)) < 0 && r != -ENOENT)
		return r;
	*ret_oom = oom != n->oom || oom_kill != n->oom_kill;
	n->oom = oom;
	n->oom_kill = oom_kill;
	return 0;
}

static int open_v2_events(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memnotify **ret)
{
	char path[1024];
	struct podoom_memnotify *n = NULL;
	bool moved;
	int fd, r;

	if ((r = path_of(root, rel, "memory.events", path, sizeof(path))) < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((r = notifier_new(KIND_V2_EVENTS, fd, &n)) < 0) {
		close(fd);
		return r;
	}
	/* the first read sets the baseline counters and arms the poll */
	if ((r = events_reread(n, &moved)) < 0) {
		podoom_memnotify_close(n);
		return r;
	}
	*ret = n;
	return 0;
}

static int psi_trigger(const char *path, uint32_t stall_usec, uint32_t window_usec, int *ret_fd)
{
	char line[64];
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC), len, r = 0;

	if (fd < 0)
		return -errno;
	len = snprintf(line, sizeof(line), "some %" PRIu32 " %" PRIu32, stall_usec, window_usec);
	/* count the NUL: psi_write() puts its own at buf[nbytes - 1], which
	 * would cut the last digit of the window otherwise (lmkd does the same) */
	if (write(fd, line, (size_t)len + 1) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int podoom_memnotify_open_pressure(const char *path, uint32_t stall_usec, uint32_t window_usec,
				   struct podoom_memnotify **ret)
{
	int fd = -1, r;

	if (!path || stall_usec == 0 || window_usec == 0 || stall_usec > window_usec)
		return -EINVAL;
	r = psi_trigger(path, stall_usec, window_usec, &fd);
	/* EINVAL for a window the kernel will not take from us: under 500 ms
	 * before 6.4 (WINDOW_MIN_US), or, without CAP_SYS_RESOURCE (this
	 * machine's root lacks it), anything but a multiple of 2 s (6.4+, such
	 * triggers ride the 2 s averaging work). Retry keeping the share. */
	static const uint32_t fallback_window_usec[] = {500000, 2000000};
	for (size_t i = 0; r == -EINVAL && i < 2; i++) {
		uint32_t w = fallback_window_usec[i];
		uint64_t stall = (uint64_t)stall_usec * w / window_usec;
		if (w > window_usec)
			r = psi_trigger(path, (uint32_t)(stall ? stall : 1), w, &fd);
	}
	if (r < 0)
		return r;
	if ((r = notifier_new(KIND_PSI, fd, ret)) < 0)
		close(fd);
	return r;
}

int podoom_memnotify_open_usage(const struct podoom_cgroup_root *root, const char *rel, int64_t level_bytes,
				struct podoom_memnotify **ret)
{
	char path[1024], level[24];
	int r;

	if (!root || !ret || level_bytes < 0)
		return -EINVAL;
	if (!podoom_cgroup_rel_is_safe(rel))
		return -EPERM;
	if (root->version == 2) {
		if ((r = path_of(root, rel, "memory.pressure", path, sizeof(path))) < 0)
			return r;
		return podoom_memnotify_open_pressure(path, PODOOM_MEMNOTIFY_PSI_STALL_USEC,
						      PODOOM_MEMNOTIFY_PSI_WINDOW_USEC, ret);
	}
	snprintf(level, sizeof(level), "%" PRId64, level_bytes);
	return open_v1(root, rel, "memory.usage_in_bytes", level, KIND_V1_USAGE, ret);
}

int podoom_memnotify_open_oom(const struct podoom_cgroup_root *root, const char *rel, struct podoom_memnotify **ret)
{
	if (!root || !ret)
		return -EINVAL;
	if (!podoom_cgroup_rel_is_safe(rel))
		return -EPERM;
	if (root->version == 2)
		return open_v2_events(root, rel, ret);
	return open_v1(root, rel, "memory.oom_control", NULL, KIND_V1_OOM, ret);
}

int podoom_memnotify_fd(const struct podoom_memnotify *n)
{
	return n ? n->fd : -1;
}

short podoom_memnotify_events(const struct podoom_memnotify *n)
{
	if (!n)
		return 0;
	return n->kind == KIND_V1_USAGE || n->kind == KIND_V1_OOM ? POLLIN : POLLPRI;
}

int podoom_memnotify_ack(struct podoom_memnotify *n, short revents, unsigned *ret_what)
{
	unsigned what = 0;
	uint64_t count = 0;
	bool oom = false;
	int r;

	if (!n || !ret_what)
		return -EINVAL;
	switch (n->kind) {
	case KIND_V1_USAGE:
	case KIND_V1_OOM:
		/* an eventfd read returns the sum of all signals and resets it */
		if (read(n->fd, &count, sizeof(count)) == (ssize_t)sizeof(count)) {
			if (count)
				what = n->kind == KIND_V1_USAGE ? PODOOM_MEMNOTIFY_USAGE : PODOOM_MEMNOTIFY_OOM;
		} else if (errno != EAGAIN) {
			return -errno;
		}
		break;
	case KIND_V2_EVENTS:
		/* kernfs poll does not consume: re-reading does; compare counters */
		if ((r = events_reread(n, &oom)) < 0)
			return r;
		if (revents & (POLLPRI | POLLERR))
			what |= PODOOM_MEMNOTIFY_EVENTS;
		if (oom)
			what |= PODOOM_MEMNOTIFY_OOM | PODOOM_MEMNOTIFY_EVENTS;
		break;
	case KIND_PSI:
		/* psi_trigger_poll() consumed the event when the caller polled;
		 * POLLERR with it: the trigger is gone (cgroup removed) */
		if (revents & POLLERR)
			return -ENODEV;
		if (revents & POLLPRI)
			what = PODOOM_MEMNOTIFY_PRESSURE;
		break;
	}
	*ret_what = what;
	return 0;
}

void podoom_memnotify_close(struct podoom_memnotify *n)
{
	if (!n)
		return;
	if (n->fd >= 0)
		close(n->fd);
	free(n);
}
