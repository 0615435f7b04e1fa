/*
 * oomwatch.c - the kubelet's memory cgroups, followed with inotify and (v1)
 * OOM eventfds. See oomwatch.h for what is watched and why.
 */
#include "podoom/oomwatch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "podoom/grow.h"

/* outside a kubelet tree, directories this deep are watched for a nested one */
#define OUTSIDE_DEPTH_MAX 2

struct dir {
	int wd;
	char *path; /* "/" or "/a/b" */
	enum podoom_cgroup_level level; /* ROOT/OTHER outside the kubelet tree */
	struct podoom_cgroup_attr attr;
};

struct tracked {
	struct podoom_oomwatch_memcg m; /* first: a pointer to it is a pointer to this */
	int efd;			/* v1 eventfd, or -1 */
	int wd;				/* inotify watch on the counter file, or -1 */
};

struct podoom_oomwatch {
	struct podoom_cgroup_root root;
	int ino, ep;
	bool eventfd_ok; /* cgroup.event_control took our eventfd */
	char ino_marker;
	struct dir *dirs;
	size_t ndirs, dircap;
	struct tracked **tr;
	size_t ntr, trcap;
};

static void fs_path(const struct podoom_oomwatch *w, const char *path, const char *file, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", w->root.mount, strcmp(path, "/") == 0 ? "" : path, file ? "/" : "",
		 file ? file : "");
}

static bool in_tree(enum podoom_cgroup_level l)
{
	return l == PODOOM_CGROUP_LEVEL_KUBEPODS || l == PODOOM_CGROUP_LEVEL_QOS || l == PODOOM_CGROUP_LEVEL_POD ||
	       l == PODOOM_CGROUP_LEVEL_CONTAINER;
}

static struct tracked *find_tracked_path(const struct podoom_oomwatch *w, const char *path)
{
	for (size_t i = 0; i < w->ntr; i++)
		if (!w->tr[i]->m.gone && strcmp(w->tr[i]->m.path, path) == 0)
			return w->tr[i];
	return NULL;
}

static bool has_dir(const struct podoom_oomwatch *w, const char *path)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (strcmp(w->dirs[i].path, path) == 0)
			return true;
	return false;
}

/* start following the counter of @path */
static int track(struct podoom_oomwatch *w, const char *path, const struct podoom_cgroup_attr *a)
{
	char file[PODOOM_CGROUP_PATH_MAX + 1200], ctl[PODOOM_CGROUP_PATH_MAX + 1200], cmd[64];
	struct tracked *t;
	struct epoll_event ev = {.events = EPOLLIN};
	int cfd;

	if (find_tracked_path(w, path))
		return 0;
	if (w->ntr >= PODOOM_OOMWATCH_TRACKED_MAX)
		return -E2BIG;
	if (podoom_grow(&w->tr, &w->trcap, w->ntr + 1, sizeof(*w->tr), 64) < 0 || !(t = calloc(1, sizeof(*t))))
		return -ENOMEM;
	t->m.path = strdup(path);
	if (!t->m.path) {
		free(t);
		return -ENOMEM;
	}
	t->m.attr = *a;
	t->efd = t->wd = -1;
	fs_path(w, path, podoom_cgroup_oom_kill_file(&w->root), file, sizeof(file));
	if (w->root.version == 1) {
		/* cgroup-v1/memory.rst: write "<event_fd> <fd of memory.oom_control>" to cgroup.event_control */
		fs_path(w, path, "cgroup.event_control", ctl, sizeof(ctl));
		cfd = open(file, O_RDONLY | O_CLOEXEC);
		t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (cfd >= 0 && t->efd >= 0) {
			int fd = open(ctl, O_WRONLY | O_CLOEXEC);
			snprintf(cmd, sizeof(cmd), "%d %d", t->efd, cfd);
			if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0) {
				close(t->efd);
				t->efd = -1;
			}
			if (fd >= 0)
				close(fd);
		}
		if (cfd >= 0)
			close(cfd);
		ev.data.ptr = t;
		if (t->efd >= 0 && epoll_ctl(w->ep, EPOLL_CTL_ADD, t->efd, &ev) < 0) {
			close(t->efd);
			t->efd = -1;
		}
		if (t->efd >= 0)
			w->eventfd_ok = true;
	}
	if (t->efd < 0)
		t->wd = inotify_add_watch(w->ino, file, IN_MODIFY);
	w->tr[w->ntr++] = t;
	return 0;
}

static int add_dir(struct podoom_oomwatch *w, const char *path, const struct podoom_cgroup_attr *a, bool watch)
{
	char fs[PODOOM_CGROUP_PATH_MAX + 1200];
	struct dir d = {.wd = -1, .level = a->level, .attr = *a};

	if (w->ndirs >= PODOOM_OOMWATCH_DIRS_MAX)
		return -E2BIG;
	if (podoom_grow(&w->dirs, &w->dircap, w->ndirs + 1, sizeof(*w->dirs), 64) < 0 || !(d.path = strdup(path)))
		return -ENOMEM;
	if (watch) {
		fs_path(w, path, NULL, fs, sizeof(fs));
		d.wd = inotify_add_watch(w->ino, fs, IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_MOVED_FROM | IN_MOVED_TO);
	}
	w->dirs[w->ndirs++] = d;
	return 0;
}

/* a memcg directory appeared (or was found by a scan): watch, track, recurse */
static void scan(struct podoom_oomwatch *w, const char *path, int depth,
		 void (*fn)(void *user, const struct podoom_oomwatch_event *ev), void *user)
{
	struct podoom_cgroup_attr a;
	bool tree, watch, is_pod;
	char fs[PODOOM_CGROUP_PATH_MAX + 1200], child[PODOOM_CGROUP_PATH_MAX];
	DIR *dh;
	struct dirent *e;

	if (has_dir(w, path))
		return;
	if (podoom_cgroup_path_parse(path, strlen(path), &a) < 0)
		return;
	tree = in_tree(a.level) && a.tail_len == 0;
	is_pod = tree && a.level == PODOOM_CGROUP_LEVEL_POD;
	watch = tree ? a.level != PODOOM_CGROUP_LEVEL_CONTAINER : depth <= OUTSIDE_DEPTH_MAX;
	if (!tree && depth > OUTSIDE_DEPTH_MAX + 1)
		return;
	if (add_dir(w, path, &a, watch) < 0)
		return;
	if (tree && !a.conmon &&
	    a.level == (w->root.version == 2 ? PODOOM_CGROUP_LEVEL_POD : PODOOM_CGROUP_LEVEL_CONTAINER))
		(void)track(w, path, &a);
	if (is_pod && fn) {
		struct podoom_oomwatch_event ev = {.what = PODOOM_OOMWATCH_POD_ADDED, .path = path, .attr = &a};
		fn(user, &ev);
	}
	if (!watch)
		return;
	fs_path(w, path, NULL, fs, sizeof(fs));
	dh = opendir(fs);
	if (!dh)
		return;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") == 0 ? "" : path, e->d_name) >=
		    sizeof(child))
			continue;
		if (e->d_type == DT_UNKNOWN) {
			char cfs[PODOOM_CGROUP_PATH_MAX + 1200];
			DIR *probe;
			fs_path(w, child, NULL, cfs, sizeof(cfs));
			if (!(probe = opendir(cfs)))
				continue;
			closedir(probe);
		}
		scan(w, child, depth + 1, fn, user);
	}
	closedir(dh);
}

static bool under(const char *path, const char *top)
{
	return podoom_cgroup_path_within(path, top);
}

/* @top and everything below it was removed */
static void removed(struct podoom_oomwatch *w, const char *top,
		    void (*fn)(void *user, const struct podoom_oomwatch_event *ev), void *user)
{
	size_t k = 0;

	for (size_t i = 0; i < w->ntr; i++) {
		struct tracked *t = w->tr[i];
		if (t->m.gone || !under(t->m.path, top))
			continue;
		t->m.gone = true;
		if (t->efd >= 0) {
			epoll_ctl(w->ep, EPOLL_CTL_DEL, t->efd, NULL);
			close(t->efd);
			t->efd = -1;
		}
		if (t->wd >= 0)
			inotify_rm_watch(w->ino, t->wd);
		t->wd = -1;
	}
	for (size_t i = 0; i < w->ndirs; i++) {
		struct dir *d = &w->dirs[i];
		if (!under(d->path, top)) {
			w->dirs[k++] = *d;
			continue;
		}
		if (d->level == PODOOM_CGROUP_LEVEL_POD && in_tree(d->level) && fn) {
			struct podoom_oomwatch_event ev = {.what = PODOOM_OOMWATCH_POD_GONE, .path = d->path, .attr = &d->attr};
			fn(user, &ev);
		}
		/* the kernel drops the watch of a removed directory itself (IN_IGNORED) */
		free(d->path);
	}
	w->ndirs = k;
}

int podoom_oomwatch_new(const struct podoom_cgroup_root *root, struct podoom_oomwatch **ret)
{
	struct podoom_oomwatch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = {.events = EPOLLIN};
	int e;

	if (!w)
		return -ENOMEM;
	w->root = *root;
	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = &w->ino_marker;
	if (w->ino < 0 || w->ep < 0 || epoll_ctl(w->ep, EPOLL_CTL_ADD, w->ino, &ev) < 0) {
		e = -errno;
		podoom_oomwatch_free(w);
		return e;
	}
	scan(w, "/", 0, NULL, NULL);
	*ret = w;
	return 0;
}

void podoom_oomwatch_free(struct podoom_oomwatch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->ntr; i++) {
		if (w->tr[i]->efd >= 0)
			close(w->tr[i]->efd);
		free(w->tr[i]->m.path);
		free(w->tr[i]);
	}
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].path);
	if (w->ino >= 0)
		close(w->ino);
	if (w->ep >= 0)
		close(w->ep);
	free(w->tr);
	free(w->dirs);
	free(w);
}

int podoom_oomwatch_fd(const struct podoom_oomwatch *w)
{
	return w->ep;
}

bool podoom_oomwatch_uses_eventfd(const struct podoom_oomwatch *w)
{
	return w->eventfd_ok;
}

static void notified(struct podoom_oomwatch *w, struct tracked *t,
		     void (*fn)(void *user, const struct podoom_oomwatch_event *ev), void *user)
{
	struct podoom_oomwatch_event ev = {.what = PODOOM_OOMWATCH_NOTIFIED, .path = t->m.path, .attr = &t->m.attr,
					   .memcg = &t->m};
	(void)w;
	if (!t->m.gone)
		fn(user, &ev);
}

static int read_inotify(struct podoom_oomwatch *w, void (*fn)(void *user, const struct podoom_oomwatch_event *ev),
			void *user)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	char child[PODOOM_CGROUP_PATH_MAX];

	for (;;) {
		ssize_t n = read(w->ino, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			p += sizeof(*ie) + ie->len;
			if (ie->mask & IN_Q_OVERFLOW) {
				struct podoom_oomwatch_event ev = {.what = PODOOM_OOMWATCH_RESCAN, .path = "/"};
				for (size_t i = 0; i < w->ndirs; i++)
					free(w->dirs[i].path);
				w->ndirs = 0; /* scan() adds what is there again; tracked memcgs are kept */
				scan(w, "/", 0, NULL, NULL);
				fn(user, &ev);
				continue;
			}
			if (ie->mask & IN_MODIFY) {
				for (size_t i = 0; i < w->ntr; i++)
					if (w->tr[i]->wd == ie->wd)
						notified(w, w->tr[i], fn, user);
				continue;
			}
			if (!(ie->mask & IN_ISDIR) || !ie->len)
				continue;
			for (size_t i = 0; i < w->ndirs; i++) {
				const struct dir *d = &w->dirs[i];
				int depth = 0;
				if (d->wd != ie->wd)
					continue;
				if ((size_t)snprintf(child, sizeof(child), "%s/%s", strcmp(d->path, "/") == 0 ? "" : d->path,
						     ie->name) >= sizeof(child))
					break;
				for (const char *c = child; *c; c++)
					depth += *c == '/';
				if (ie->mask & (IN_CREATE | IN_MOVED_TO))
					scan(w, child, depth, fn, user);
				else
					removed(w, child, fn, user);
				break;
			}
		}
	}
}

int podoom_oomwatch_dispatch(struct podoom_oomwatch *w,
			     void (*fn)(void *user, const struct podoom_oomwatch_event *ev), void *user)
{
	struct epoll_event evs[64];
	int n = epoll_wait(w->ep, evs, 64, 0);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.ptr == &w->ino_marker) {
			int r = read_inotify(w, fn, user);
			if (r < 0)
				return r;
			continue;
		}
		struct tracked *t = evs[i].data.ptr;
		uint64_t v;
		if (read(t->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			continue;
		notified(w, t, fn, user);
	}
	return 0;
}

size_t podoom_oomwatch_ntracked(const struct podoom_oomwatch *w)
{
	return w->ntr;
}

struct podoom_oomwatch_memcg *podoom_oomwatch_tracked(const struct podoom_oomwatch *w, size_t i)
{
	return i < w->ntr ? &w->tr[i]->m : NULL;
}

int podoom_oomwatch_find(const struct podoom_oomwatch *w, const char *path, size_t *ret_index)
{
	size_t best = SIZE_MAX, best_len = 0;

	/* the deepest live tracked memcg at or above @path; a gone one only when no live one holds it */
	for (int pass = 0; pass < 2 && best == SIZE_MAX; pass++)
		for (size_t i = 0; i < w->ntr; i++) {
			size_t l = strlen(w->tr[i]->m.path);
			if (w->tr[i]->m.gone != (pass == 1) || !under(path, w->tr[i]->m.path) || l < best_len)
				continue;
			best = i;
			best_len = l;
		}
	if (best == SIZE_MAX)
		return -ENOENT;
	*ret_index = best;
	return 0;
}

int podoom_oomwatch_read(const struct podoom_oomwatch *w, struct podoom_oomwatch_memcg *m, uint64_t *ret)
{
	uint64_t v;
	int r;

	if (m->gone)
		return -ENOENT;
	r = podoom_cgroup_read_oom_kills(&w->root, m->path, &v);
	if (r < 0)
		return r;
	if (!m->has_seen || v > m->seen) {
		m->seen = v;
		m->has_seen = true;
	}
	*ret = v;
	return 0;
}

void podoom_oomwatch_forget_gone(struct podoom_oomwatch *w)
{
	size_t k = 0;

	for (size_t i = 0; i < w->ntr; i++) {
		if (w->tr[i]->m.gone && !w->tr[i]->m.dirty) {
			free(w->tr[i]->m.path);
			free(w->tr[i]);
			continue;
		}
		w->tr[k++] = w->tr[i];
	}
	w->ntr = k;
}

bool podoom_oomwatch_has_pod(const struct podoom_oomwatch *w, const char *uid)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i].level == PODOOM_CGROUP_LEVEL_POD && strcmp(w->dirs[i].attr.pod_uid, uid) == 0)
			return true;
	return false;
}
