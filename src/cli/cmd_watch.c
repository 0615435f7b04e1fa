/*
 * cmd_watch.c - `podoom watch`: every OOM kill on this node, as it happens,
 * exactly once, with the pod and container it hit, from /dev/kmsg and
 * cross-checked against the cgroups' oom_kill counters; optionally served as
 * Prometheus metrics.
 *
 * One thread, one poll() over: /dev/kmsg (blocking reads' readiness), the
 * cgroup watcher (inotify + v1 OOM eventfds), a one-shot timerfd armed only
 * while something is due, a signalfd, the HTTP server's epoll set and an
 * inotify on --pod-logs. Nothing wakes it while the node is quiet.
 *
 * Exactly once: a record is handled when its sequence number is past the
 * last one handled (the state file keeps it across restarts). The state is
 * written when the report parser is empty: after an idle flush and at exit,
 * so a restart after SIGTERM/SIGINT neither repeats nor skips. After a
 * SIGKILL, events printed in the last FLUSH_IDLE_MSEC before it may repeat.
 *
 * Cross-check: a kill counts once in its memcg's oom_kill counter (before
 * the kernel prints it, mm/oom_kill.c __oom_kill_process). Each tracked
 * memcg keeps `accounted`, the kills reported against it; a notification or a
 * kmsg gap makes it due for a look after GRACE_MSEC, and counter - accounted
 * kills are then reported with source "cgroup-counter": their reports were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "oomjson.h"
#include "podoom/cgroup.h"
#include "podoom/duration.h"
#include "podoom/explain.h"
#include "podoom/exposition.h"
#include "podoom/host.h"
#include "podoom/http.h"
#include "podoom/logreader.h"
#include "podoom/oomwatch.h"
#include "podoom/procscan.h"
#include "podoom/quantity.h"
#include "podoom/report.h"
#include "podoom/watch.h"

#define CMD "watch"
/* the kernel prints a report in one burst; this long without a record means it is complete */
#define FLUSH_IDLE_MSEC 1000
/* a counter is compared with the reports this long after it moved: a report is read and
 * flushed well within it (FLUSH_IDLE_MSEC) */
#define GRACE_MSEC 10000
/* v1 signals the eventfd when the memcg goes under OOM, just before the kill is counted,
 * and a runtime may remove the container's cgroup a few milliseconds after the kill (podoom
 * run here: 1-5 ms): so the counter is read again every millisecond until it moves, for at
 * most V1_REREAD_MAX_MSEC. Only after an OOM notification: no wake-up otherwise. */
#define V1_REREAD_USEC 1000
#define V1_REREAD_MAX_MSEC 50
/* a kmsg record is at most 1 KiB (PRINTKRB_RECORD_MAX, kernel/printk K6.x) plus its
 * " KEY=value" lines; a fixture file's lines are capped at this */
#define RECORD_MAX (16u << 10)
/* records handled per loop turn, so that a long backlog does not starve the metrics */
#define RECORDS_PER_TURN 4096
/* a /metrics scrape reuses the scope scan for this long */
#define SCAN_CACHE_USEC 1000000
#define DEFAULT_TTL_USEC (3600LL * 1000000)

struct watch_opts {
	bool json;
	const char *kmsg_path, *state_path, *root, *listen, *pod_logs;
	int64_t ttl_usec;
	struct podoom_podnames *names;
};

struct watcher {
	struct watch_opts *o;
	char *rbuf;	   /* read buffer, RECORD_MAX + 1 */
	size_t rlen;
	uint64_t lines_cut;
	struct podoom_kmsg_cursor cur;
	struct podoom_watch_state st;
	uint64_t saved_seq, last_seq;
	struct podoom_logreader *lr;
	struct podoom_report_parser *rp;
	int64_t flush_due, expire_due;
	struct podoom_cgroup_root root;
	struct podoom_oomwatch *ow;
	struct podoom_metrics *m;
	struct podoom_watch_counters c;
	struct podoom_http_server *http;
	/* the last scope scan, for the gauges */
	struct podoom_scan scan;
	int64_t scan_usec;
	char (*scan_kind)[24];
	struct podoom_cgroup_attr *scan_attr;
	int kmsg, tfd, sfd, plfd;
	bool kmsg_follow;  /* a device or pipe: keep reading; a regular file: stop at its end */
	bool kmsg_eof;
	bool caught_up;	   /* the backlog has been read once */
	bool skipping;	   /* continuation lines of a record already handled */
	bool saved, has_last_seq;
	bool pending;	   /* records pushed since the last flush */
	bool has_scan;
};

static int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: podoom watch [OPTION...]\n"
		"\n"
		"Follow the kernel log and the memory cgroups of this node and report every OOM\n"
		"kill once, as it happens, with the pod and container it hit; optionally serve\n"
		"Prometheus metrics. Uses no CPU while nothing happens.\n"
		"\n"
		"Options:\n"
		"      --json               one JSON object per kill per line (the explain schema\n"
		"                           plus \"source\": \"kmsg\" or \"cgroup-counter\")\n"
		"      --state FILE         resume after the last record handled, kept in FILE\n"
		"      --kmsg FILE          read FILE instead of /dev/kmsg (a regular file is read\n"
		"                           to its end, then watch exits)\n"
		"      --root DIR           read DIR/sys/fs/cgroup, DIR/proc (default: /)\n"
		"      --listen ADDR        serve /metrics and /healthz on ADDR: HOST:PORT, [V6]:PORT,\n"
		"                           or PORT alone for 127.0.0.1:PORT (default: no server)\n"
		"      --series-ttl DURATION  keep a deleted pod's series this long (default 1h)\n"
		"      --pods FILE          names from `kubectl get pods -A -o json`\n"
		"      --pod-logs DIR       names from the folders of /var/log/pods (followed)\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: 0 stopped by SIGINT/SIGTERM or end of a --kmsg file, 1 runtime\n"
		"failure, 2 usage error, 3 the kernel log could not be opened.\n");
}

static int parse_args(int argc, char **argv, struct watch_opts *o)
{
	enum { OPT_JSON = 256, OPT_STATE, OPT_KMSG, OPT_ROOT, OPT_LISTEN, OPT_TTL, OPT_PODS, OPT_POD_LOGS };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"state", required_argument, NULL, OPT_STATE},
		{"kmsg", required_argument, NULL, OPT_KMSG},
		{"root", required_argument, NULL, OPT_ROOT},
		{"listen", required_argument, NULL, OPT_LISTEN},
		{"series-ttl", required_argument, NULL, OPT_TTL},
		{"pods", required_argument, NULL, OPT_PODS},
		{"pod-logs", required_argument, NULL, OPT_POD_LOGS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->kmsg_path = "/dev/kmsg";
	o->root = "";
	o->ttl_usec = DEFAULT_TTL_USEC;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_STATE:
			o->state_path = optarg;
			break;
		case OPT_KMSG:
			o->kmsg_path = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_TTL: {
			int64_t ns;
			const char *why = NULL;
			if (podoom_duration_parse(optarg, strlen(optarg), &ns, &why) < 0 || ns <= 0) {
				cli_err(CMD, "--series-ttl: expected a positive duration such as 1h, got '%s'", optarg);
				return -EINVAL;
			}
			o->ttl_usec = ns / 1000 ? ns / 1000 : 1;
			break;
		}
		case OPT_PODS:
			if (cli_podnames_add_file(CMD, o->names, optarg, NULL) < 0)
				return -EINVAL;
			break;
		case OPT_POD_LOGS:
			if (cli_podnames_add_log_dir(CMD, o->names, optarg) < 0)
				return -EINVAL;
			o->pod_logs = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_bad_option(CMD, argv);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		cli_err(CMD, "unexpected argument '%s' (see podoom watch --help)", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* --- state file ------------------------------------------------------------------ */

static void read_boot_id(const struct watch_opts *o, char *buf, size_t size)
{
	char path[1024];
	int n;

	snprintf(path, sizeof(path), "%s/proc/sys/kernel/random/boot_id", o->root);
	n = podoom_file_read_small(path, buf, size);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

static void state_load(struct watcher *w)
{
	struct podoom_watch_state st;
	struct podoom_diag d = {0};
	char buf[PODOOM_WATCH_STATE_MAX_BYTES + 1];
	int n;

	if (!w->o->state_path)
		return;
	n = podoom_file_read_small(w->o->state_path, buf, sizeof(buf));
	if (n == -ENOENT)
		return;
	if (n < 0) {
		cli_err(CMD, "--state %s: %s, ignoring", w->o->state_path, strerror(-n));
		return;
	}
	if (podoom_watch_state_parse(buf, (size_t)n, &st, &d) < 0) {
		cli_diag(w->o->state_path, d.line, d.col, "warning", d.msg);
		cli_err(CMD, "--state %s: not usable, starting from the oldest record, ignoring", w->o->state_path);
		return;
	}
	if (!st.has_seq)
		return;
	if (strcmp(st.boot_id, w->st.boot_id) != 0) {
		cli_err(CMD, "--state %s: from another boot (%s), starting from the oldest record", w->o->state_path,
			st.boot_id[0] ? st.boot_id : "unknown");
		return;
	}
	podoom_kmsg_cursor_resume(&w->cur, st.seq);
	w->saved = true;
	w->saved_seq = st.seq;
	w->has_last_seq = true;
	w->last_seq = st.seq;
}

/* write the state atomically: a temporary file beside it, fsync, rename, fsync the directory */
static int state_save(struct watcher *w)
{
	char tmp[4200], dir[4200], buf[256];
	int fd, n, r = 0;
	char *slash;

	if (!w->o->state_path || !w->has_last_seq || (w->saved && w->saved_seq == w->last_seq))
		return 0;
	w->st.has_seq = true;
	w->st.seq = w->last_seq;
	n = podoom_watch_state_format(&w->st, buf, sizeof(buf));
	if (n < 0 || (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", w->o->state_path, (long)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n || fsync(fd) < 0)
		r = -errno ? -errno : -EIO;
	close(fd);
	if (r == 0 && rename(tmp, w->o->state_path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	snprintf(dir, sizeof(dir), "%s", w->o->state_path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	w->saved = true;
	w->saved_seq = w->last_seq;
	return 0;
}

/* --- reporting ------------------------------------------------------------------- */

static const char *label_pod(const struct cli_names *n, const struct podoom_cgroup_attr *a)
{
	return n->pod ? n->pod : a->pod_uid; /* unnamed: the UID, a stable identity */
}

static const char *label_container(const struct cli_names *n, const struct podoom_cgroup_attr *a, char *buf,
				   size_t size)
{
	if (n->container)
		return n->container;
	snprintf(buf, size, "%.12s", a->container_id); /* docker ps's short id */
	return buf;
}

static void count_kills(struct watcher *w, const struct podoom_cgroup_attr *a, const struct cli_names *n,
			const char *kind, uint64_t kills)
{
	char cid[16];
	struct podoom_kill_labels l = {
		.namespace = n->namespace,
		.pod = label_pod(n, a),
		.container = label_container(n, a, cid, sizeof(cid)),
		.qos = a->has_qos ? podoom_qos_to_string(a->qos) : NULL,
		.kind = kind,
		.pod_uid = a->pod_uid,
	};

	w->c.events_total += kills;
	if (!a->pod_uid[0] || podoom_metrics_kill_add(w->m, &l, kills) < 0) {
		w->c.events_unattributed += kills;
		return;
	}
	if (w->ow && !podoom_oomwatch_has_pod(w->ow, a->pod_uid)) { /* reported after its pod went */
		int64_t now = now_usec();
		podoom_metrics_pod_gone(w->m, a->pod_uid, now);
		if (w->expire_due > now + w->o->ttl_usec)
			w->expire_due = now + w->o->ttl_usec;
	}
}

static void print_line(const struct watcher *w, const char *when, const char *source, const char *kind,
		       const struct podoom_cgroup_attr *a, const struct cli_names *n, const char *victim, int32_t pid,
		       const char *why)
{
	char who[512];

	if (a && a->pod_uid[0])
		snprintf(who, sizeof(who), "%s%s%s/%s%s%.12s", n->namespace ? n->namespace : "", n->namespace ? "/" : "",
			 n->pod ? n->pod : a->pod_uid, n->container ? n->container : "",
			 n->container ? "" : (a->container_id[0] ? "" : "?"), n->container ? "" : a->container_id);
	else
		snprintf(who, sizeof(who), "(not a pod)");
	(void)w;
	printf("%s %s %s %s", when, source, kind, who);
	if (a && a->has_qos)
		printf(" %s", podoom_qos_to_string(a->qos));
	if (victim)
		printf(" victim %s[%d]", victim, pid);
	printf(": %s\n", why);
	fflush(stdout);
}

static int report_event(void *user, const struct podoom_oom_event *ev)
{
	struct watcher *w = user;
	struct podoom_explanation x;
	struct cli_names n;
	static const struct podoom_cgroup_attr none = {0};
	const struct podoom_cgroup_attr *a;
	const char *kind;
	uint64_t kills = (ev->has_victim ? 1 : 0) + ev->n_kills;
	int r = podoom_explain(ev, NULL, &x);

	if (r < 0)
		return r;
	n = cli_names_resolve(w->o->names, &x);
	a = x.has_task_attr ? &x.task_attr : &none;
	kind = podoom_oom_class_to_string(x.kind);
	if (kills)
		count_kills(w, a, &n, kind, kills);
	/* the kill is in its memcg's counter already: account for it there */
	if (w->ow && ev->task_memcg[0] && kills) {
		size_t i;
		if (podoom_oomwatch_find(w->ow, ev->task_memcg, &i) == 0) {
			struct podoom_oomwatch_memcg *m = podoom_oomwatch_tracked(w->ow, i);
			uint64_t c = 0;
			if (podoom_oomwatch_read(w->ow, m, &c) < 0)
				c = m->seen;
			m->accounted = m->accounted + kills < c ? m->accounted + kills : c;
		}
	}
	if (w->o->json) {
		json_t *j = cli_oom_event_json(ev, &x, w->o->names);
		if (!j)
			return -ENOMEM;
		json_object_set_new(j, "source", json_string("kmsg"));
		json_object_set_new(j, "seq", ev->start.has_seq ? json_integer((json_int_t)ev->start.seq) : json_null());
		json_object_set_new(j, "file", json_string(w->o->kmsg_path));
		json_object_set_new(j, "line", json_integer((json_int_t)ev->start.line_no));
		cli_json_print(j, stdout);
		fflush(stdout);
	} else {
		char when[64];
		cli_format_oom_time(&ev->start, when, sizeof(when));
		print_line(w, when, "kmsg", kind, a, &n, x.has_victim ? x.victim_comm : NULL, x.victim_pid, x.text);
	}
	return 0;
}

/* kills the counter of @m shows beyond the reports: their reports were lost */
static void report_counter_kills(struct watcher *w, struct podoom_oomwatch_memcg *m, uint64_t kills)
{
	const struct podoom_cgroup_attr *a = &m->attr;
	struct cli_names n = cli_names_for_attr(w->o->names, a);
	char text[512];

	snprintf(text, sizeof(text),
		 "the oom_kill counter of %s grew by %llu beyond the kernel reports read: the report%s lost (overwritten in the kernel log, or not printed)",
		 m->path, (unsigned long long)kills, kills == 1 ? " was" : "s were");
	w->c.reports_lost += kills;
	count_kills(w, a, &n, "unknown", kills);
	for (uint64_t k = 0; k < kills; k++) {
		if (w->o->json) {
			json_t *j = json_object();
			json_object_set_new(j, "time", json_null());
			json_object_set_new(j, "time_mono_usec", json_null());
			json_object_set_new(j, "kind", json_string("unknown"));
			json_object_set_new(j, "constraint", json_null());
			json_object_set_new(j, "oom_memcg", json_null());
			json_object_set_new(j, "task_memcg", json_string(m->path));
			json_object_set_new(j, "pod_uid", a->pod_uid[0] ? json_string(a->pod_uid) : json_null());
			json_object_set_new(j, "container_id", a->container_id[0] ? json_string(a->container_id) : json_null());
			json_object_set_new(j, "runtime", a->runtime != PODOOM_RUNTIME_UNKNOWN
						? json_string(podoom_runtime_to_string(a->runtime)) : json_null());
			json_object_set_new(j, "qos", a->has_qos ? json_string(podoom_qos_to_string(a->qos)) : json_null());
			json_object_set_new(j, "namespace", n.namespace ? json_string(n.namespace) : json_null());
			json_object_set_new(j, "pod", n.pod ? json_string(n.pod) : json_null());
			json_object_set_new(j, "container", n.container ? json_string(n.container) : json_null());
			json_object_set_new(j, "victim", json_null());
			json_object_set_new(j, "explanation", json_string(text));
			json_object_set_new(j, "source", json_string("cgroup-counter"));
			cli_json_print(j, stdout);
			fflush(stdout);
		} else {
			print_line(w, "-", "cgroup-counter", "unknown", a, &n, NULL, 0, text);
		}
	}
}

/* --- the kernel log --------------------------------------------------------------- */

static int drain(struct watcher *w)
{
	struct podoom_oom_event ev;

	while (podoom_report_parser_next_event(w->rp, &ev) == 0) {
		int r = report_event(w, &ev);
		podoom_oom_event_fini(&ev);
		if (r < 0)
			return r;
	}
	return 0;
}

static void push_lines(struct watcher *w)
{
	struct podoom_logline line;

	while (podoom_logreader_next(w->lr, &line) == 1)
		if (podoom_report_parser_push(w->rp, &line) > 0)
			(void)drain(w);
}

/* the parser is idle: let it finish what it holds, report it, then remember where we are */
static void flush(struct watcher *w)
{
	if (w->pending) {
		podoom_report_parser_finish(w->rp);
		(void)drain(w);
		w->pending = false;
	}
	w->flush_due = INT64_MAX;
	int r = state_save(w);
	if (r < 0)
		cli_err(CMD, "--state %s: cannot write: %s", w->o->state_path, strerror(-r));
}

/* every tracked memcg is due for a look: records were lost, a kill report may be among them */
static void all_due(struct watcher *w)
{
	int64_t now = now_usec();

	if (!w->ow)
		return;
	for (size_t i = 0; i < podoom_oomwatch_ntracked(w->ow); i++) {
		struct podoom_oomwatch_memcg *m = podoom_oomwatch_tracked(w->ow, i);
		if (m->gone)
			continue;
		if (!m->dirty) {
			m->dirty = true;
			m->since_usec = now;
		}
		m->due_usec = now;
	}
}

/* one line of the log; @has_nl: s[len] is its newline */
static void handle_line(struct watcher *w, const char *s, size_t len, bool has_nl)
{
	uint64_t seq;
	char nl = '\n';

	if (len && s[0] == ' ') { /* " KEY=value" of the record before */
		if (w->skipping)
			return;
	} else if (podoom_logline_kmsg_seq(s, len, &seq) == 0) {
		uint64_t lost = w->cur.lost_records;
		w->skipping = !podoom_kmsg_cursor_see(&w->cur, seq);
		if (w->skipping)
			return;
		if (w->cur.lost_records != lost) {
			cli_err(CMD, "%llu kernel log records lost before seq %llu (overwritten before they were read)",
				(unsigned long long)(w->cur.lost_records - lost), (unsigned long long)seq);
			w->c.kmsg_lost_records = w->cur.lost_records;
			all_due(w);
		}
		w->has_last_seq = true;
		w->last_seq = seq;
	} else {
		w->skipping = false;
	}
	podoom_logreader_feed(w->lr, s, len + has_nl);
	push_lines(w);
	if (!has_nl) {
		podoom_logreader_feed(w->lr, &nl, 1);
		push_lines(w);
	}
	w->pending = true;
}

/* read what the kernel log has now. Return: 0; -errno. */
static int read_kmsg(struct watcher *w)
{
	for (int turn = 0; turn < RECORDS_PER_TURN; turn++) {
		ssize_t n = read(w->kmsg, w->rbuf + w->rlen, RECORD_MAX - w->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) { /* overwritten before we read them: the gap counts them */
			podoom_kmsg_cursor_overrun(&w->cur);
			w->c.kmsg_overruns = w->cur.overruns;
			all_due(w);
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			w->caught_up = true;
			break;
		}
		if (n < 0)
			return -errno;
		if (n == 0) {
			w->kmsg_eof = true;
			w->caught_up = true;
			if (w->rlen) /* a last line without its newline */
				handle_line(w, w->rbuf, w->rlen, false);
			w->rlen = 0;
			break;
		}
		w->rlen += (size_t)n;
		char *p = w->rbuf, *end = w->rbuf + w->rlen, *nl;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			handle_line(w, p, (size_t)(nl - p), true);
			p = nl + 1;
		}
		w->rlen = (size_t)(end - p);
		if (w->rlen == RECORD_MAX) { /* a line longer than any record: cut */
			handle_line(w, w->rbuf, w->rlen, false);
			w->lines_cut++;
			w->rlen = 0;
		} else if (w->rlen) {
			memmove(w->rbuf, p, w->rlen);
		}
	}
	if (w->pending)
		w->flush_due = now_usec() + FLUSH_IDLE_MSEC * 1000;
	return 0;
}

/* --- cgroup counters -------------------------------------------------------------- */

static void on_cgroup(void *user, const struct podoom_oomwatch_event *ev)
{
	struct watcher *w = user;
	int64_t now = now_usec();

	switch (ev->what) {
	case PODOOM_OOMWATCH_NOTIFIED: {
		struct podoom_oomwatch_memcg *m = ev->memcg;
		uint64_t c;
		(void)podoom_oomwatch_read(w->ow, m, &c);
		if (!m->dirty) {
			m->dirty = true;
			m->since_usec = now;
		}
		m->seen_at_notify = m->seen;
		m->due_usec = now + (podoom_oomwatch_uses_eventfd(w->ow) ? V1_REREAD_USEC : GRACE_MSEC * 1000);
		break;
	}
	case PODOOM_OOMWATCH_POD_ADDED:
		podoom_metrics_pod_alive(w->m, ev->attr->pod_uid);
		break;
	case PODOOM_OOMWATCH_POD_GONE:
		if (podoom_metrics_pod_gone(w->m, ev->attr->pod_uid, now) && w->expire_due > now + w->o->ttl_usec)
			w->expire_due = now + w->o->ttl_usec;
		break;
	case PODOOM_OOMWATCH_RESCAN:
		all_due(w);
		break;
	default:
		break;
	}
}

/* compare the counters that are due with the reports */
static void check_counters(struct watcher *w, bool final)
{
	int64_t now = now_usec();
	bool any_gone = false;

	if (!w->ow)
		return;
	for (size_t i = 0; i < podoom_oomwatch_ntracked(w->ow); i++) {
		struct podoom_oomwatch_memcg *m = podoom_oomwatch_tracked(w->ow, i);
		uint64_t c;
		any_gone |= m->gone;
		if (!m->dirty || (!final && m->due_usec > now))
			continue;
		(void)podoom_oomwatch_read(w->ow, m, &c);
		if (!final && !m->gone && m->seen == m->seen_at_notify && podoom_oomwatch_uses_eventfd(w->ow) &&
		    now < m->since_usec + V1_REREAD_MAX_MSEC * 1000) {
			m->due_usec = now + V1_REREAD_USEC;
			continue;
		}
		if (!final && now < m->since_usec + GRACE_MSEC * 1000) {
			m->due_usec = m->since_usec + GRACE_MSEC * 1000;
			continue;
		}
		if (!final && (!w->caught_up || w->pending)) { /* the reports may still be on their way */
			m->due_usec = now + FLUSH_IDLE_MSEC * 1000;
			continue;
		}
		if (m->has_seen && m->seen > m->accounted) {
			uint64_t lost = m->seen - m->accounted;
			m->accounted = m->seen;
			report_counter_kills(w, m, lost);
		}
		m->dirty = false;
	}
	if (any_gone)
		podoom_oomwatch_forget_gone(w->ow);
}

/* the counters as they are now: kills before we started are not ours to report */
static void baseline(struct watcher *w)
{
	for (size_t i = 0; w->ow && i < podoom_oomwatch_ntracked(w->ow); i++) {
		struct podoom_oomwatch_memcg *m = podoom_oomwatch_tracked(w->ow, i);
		uint64_t c;
		if (podoom_oomwatch_read(w->ow, m, &c) == 0)
			m->accounted = c;
	}
}

/* --- metrics ---------------------------------------------------------------------- */

static void scan_refresh(struct watcher *w)
{
	int64_t now = now_usec();

	if (w->has_scan && now - w->scan_usec < SCAN_CACHE_USEC)
		return;
	if (w->has_scan) {
		podoom_scan_free(&w->scan);
		free(w->scan_kind);
		free(w->scan_attr);
		w->scan_kind = NULL;
		w->scan_attr = NULL;
		w->has_scan = false;
		malloc_trim(0); /* a scan of a large node is megabytes: give them back between scrapes */
	}
	if (podoom_scan_read(w->o->root, &w->scan) < 0)
		return;
	w->scan_kind = calloc(w->scan.nmemcgs ? w->scan.nmemcgs : 1, sizeof(*w->scan_kind));
	w->scan_attr = calloc(w->scan.nmemcgs ? w->scan.nmemcgs : 1, sizeof(*w->scan_attr));
	if (!w->scan_kind || !w->scan_attr) {
		podoom_scan_free(&w->scan);
		free(w->scan_kind);
		free(w->scan_attr);
		w->scan_kind = NULL;
		w->scan_attr = NULL;
		return;
	}
	for (size_t i = 0; i < w->scan.nmemcgs; i++) {
		const char *p = w->scan.memcgs[i].path;
		bool has = i != 0 && podoom_cgroup_path_parse(p, strlen(p), &w->scan_attr[i]) == 0;
		/* as top classifies a scope */
		enum podoom_oom_class k = i == 0 ? PODOOM_OOM_CLASS_GLOBAL : podoom_oom_classify(has ? &w->scan_attr[i] : NULL);
		snprintf(w->scan_kind[i], sizeof(w->scan_kind[i]), "%s", podoom_oom_class_to_string(k));
	}
	w->has_scan = true;
	w->scan_usec = now;
}

static int metrics_body(void *user, char **ret_body, size_t *ret_len)
{
	struct watcher *w = user;
	struct podoom_scope_gauge *g = NULL;
	char (*cids)[16] = NULL;
	size_t ng = 0, len = 0, cap = 0;
	char *buf = NULL;
	int r;

	scan_refresh(w);
	if (w->has_scan && w->scan_attr && w->scan_kind) {
		g = calloc(w->scan.nmemcgs, sizeof(*g));
		cids = calloc(w->scan.nmemcgs, sizeof(*cids));
		if (!g || !cids) {
			free(g);
			free(cids);
			return -ENOMEM;
		}
		for (size_t i = 0; i < w->scan.nmemcgs; i++) {
			const struct podoom_scan_memcg *sm = &w->scan.memcgs[i];
			const struct podoom_cgroup_attr *a = &w->scan_attr[i];
			struct podoom_scope_gauge *e = &g[ng];
			if (i && sm->limit_bytes < 0)
				continue;
			e->scope = sm->path;
			e->kind = w->scan_kind[i];
			if (i == 0) {
				int64_t avail;
				e->limit_bytes = w->scan.memtotal_bytes;
				e->usage_bytes = podoom_host_memavailable(w->o->root, &avail) == 0 ? e->limit_bytes - avail : -1;
			} else {
				struct cli_names n = cli_names_for_attr(w->o->names, a);
				e->limit_bytes = sm->limit_bytes;
				e->usage_bytes = sm->usage_bytes;
				e->container = n.container;
				e->namespace = n.namespace;
				e->pod = n.pod ? n.pod : (a->pod_uid[0] ? a->pod_uid : NULL);
				if (!e->container && a->container_id[0]) {
					snprintf(cids[i], sizeof(cids[i]), "%.12s", a->container_id);
					e->container = cids[i];
				}
			}
			ng++;
		}
	}
	r = podoom_metrics_format(w->m, &w->c, g, ng, &buf, &len, &cap);
	free(g);
	free(cids);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_body = buf;
	*ret_len = len;
	return 0;
}

/* --- the loop --------------------------------------------------------------------- */

static int64_t next_due(const struct watcher *w)
{
	int64_t due = w->flush_due < w->expire_due ? w->flush_due : w->expire_due;

	for (size_t i = 0; w->ow && i < podoom_oomwatch_ntracked(w->ow); i++) {
		const struct podoom_oomwatch_memcg *m = podoom_oomwatch_tracked(w->ow, i);
		if (m->dirty && m->due_usec < due)
			due = m->due_usec;
	}
	return due;
}

static void arm_timer(struct watcher *w)
{
	int64_t due = next_due(w);
	struct itimerspec its = {0};

	if (due != INT64_MAX) {
		if (due <= 0)
			due = 1;
		its.it_value.tv_sec = due / 1000000;
		its.it_value.tv_nsec = (long)(due % 1000000) * 1000;
	}
	timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_timer(struct watcher *w)
{
	uint64_t ticks;
	int64_t now = now_usec();

	if (read(w->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	if (w->flush_due <= now)
		flush(w);
	check_counters(w, false);
	if (w->expire_due <= now) {
		int64_t next;
		podoom_metrics_expire(w->m, now, w->o->ttl_usec, &next);
		w->expire_due = next;
	}
}

static void on_pod_logs(struct watcher *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->plfd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			p += sizeof(*ie) + ie->len;
			if (ie->len && (ie->mask & (IN_CREATE | IN_MOVED_TO)))
				(void)podoom_podnames_add_log_dir(w->o->names, ie->name);
		}
}

static int open_kmsg(struct watcher *w)
{
	struct stat stt;

	w->kmsg = open(w->o->kmsg_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->kmsg < 0) {
		cli_err(CMD, "%s: %s", w->o->kmsg_path, strerror(errno));
		return -errno;
	}
	w->kmsg_follow = fstat(w->kmsg, &stt) == 0 && !S_ISREG(stt.st_mode);
	return 0;
}

static int start_http(struct watcher *w)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char addr[PODOOM_HTTP_LISTEN_MAX + 16];
	const char *l = w->o->listen;
	int r;

	if (strspn(l, "0123456789") == strlen(l)) /* a port alone: loopback */
		snprintf(addr, sizeof(addr), "127.0.0.1:%s", l);
	else
		snprintf(addr, sizeof(addr), "%s", l);
	if (podoom_http_parse_listen(addr, strlen(addr), &ss, &sl) < 0) {
		cli_err(CMD, "--listen: expected HOST:PORT with a numeric host such as 127.0.0.1:9102, got '%s'", l);
		return -EINVAL;
	}
	r = podoom_http_start((struct sockaddr *)&ss, sl, metrics_body, w, &w->http);
	if (r == -ELIBACC)
		cli_err(CMD, "--listen %s: libmicrohttpd (libmicrohttpd.so.12, Debian package libmicrohttpd12) cannot be loaded",
			l);
	else if (r < 0)
		cli_err(CMD, "--listen %s: %s", l, strerror(-r));
	return r;
}

static int run(struct watcher *w)
{
	sigset_t mask;
	struct pollfd pfd[6];
	bool stop = false;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	w->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (w->sfd < 0 || w->tfd < 0) {
		cli_err(CMD, "signalfd/timerfd: %s", strerror(errno));
		return EXIT_FAILURE_RUNTIME;
	}
	if (w->o->pod_logs) {
		w->plfd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->plfd >= 0 && inotify_add_watch(w->plfd, w->o->pod_logs, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
			close(w->plfd);
			w->plfd = -1;
		}
	}
	/* the backlog now, before any notification is compared with the reports */
	r = read_kmsg(w);
	if (r < 0) {
		cli_err(CMD, "%s: %s", w->o->kmsg_path, strerror(-r));
		return EXIT_FAILURE_RUNTIME;
	}
	stop = w->kmsg_eof && !w->kmsg_follow;
	while (!stop) {
		int nfd = 0, timeout = -1, kfd = -1, ofd = -1, hfd = -1, pfdi = -1;
		pfd[nfd++] = (struct pollfd){.fd = w->sfd, .events = POLLIN};
		pfd[nfd++] = (struct pollfd){.fd = w->tfd, .events = POLLIN};
		if (!w->kmsg_eof) {
			kfd = nfd;
			pfd[nfd++] = (struct pollfd){.fd = w->kmsg, .events = POLLIN};
		}
		if (w->ow) {
			ofd = nfd;
			pfd[nfd++] = (struct pollfd){.fd = podoom_oomwatch_fd(w->ow), .events = POLLIN};
		}
		if (w->http) {
			hfd = nfd;
			pfd[nfd++] = (struct pollfd){.fd = podoom_http_fd(w->http), .events = POLLIN};
			timeout = podoom_http_timeout_ms(w->http);
		}
		if (w->plfd >= 0) {
			pfdi = nfd;
			pfd[nfd++] = (struct pollfd){.fd = w->plfd, .events = POLLIN};
		}
		arm_timer(w);
		r = poll(pfd, (nfds_t)nfd, timeout);
		if (r < 0 && errno != EINTR) {
			cli_err(CMD, "poll: %s", strerror(errno));
			return EXIT_FAILURE_RUNTIME;
		}
		if (r < 0)
			continue;
		if (pfd[0].revents)
			stop = true;
		if (kfd >= 0 && pfd[kfd].revents) {
			r = read_kmsg(w);
			if (r < 0) {
				cli_err(CMD, "%s: %s", w->o->kmsg_path, strerror(-r));
				return EXIT_FAILURE_RUNTIME;
			}
			if (w->kmsg_eof && !w->kmsg_follow)
				stop = true; /* a file: read to its end */
		}
		if (ofd >= 0 && pfd[ofd].revents)
			(void)podoom_oomwatch_dispatch(w->ow, on_cgroup, w);
		if (pfd[1].revents)
			on_timer(w);
		if (hfd >= 0)
			(void)podoom_http_run(w->http);
		if (pfdi >= 0 && pfd[pfdi].revents)
			on_pod_logs(w);
	}
	/* stop cleanly: report what the parser holds, compare every counter, save the state */
	flush(w);
	check_counters(w, true);
	return EXIT_OK;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = {0};
	struct watcher w = {.o = &o, .kmsg = -1, .tfd = -1, .sfd = -1, .plfd = -1, .flush_due = INT64_MAX,
			    .expire_due = INT64_MAX};
	int r, rc = EXIT_FAILURE_RUNTIME;

	o.names = podoom_podnames_new();
	if (!o.names)
		return EXIT_FAILURE_RUNTIME;
	r = parse_args(argc, argv, &o);
	if (r != 0) {
		podoom_podnames_free(o.names);
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	}
	read_boot_id(&o, w.st.boot_id, sizeof(w.st.boot_id));
	state_load(&w);
	w.rbuf = malloc(RECORD_MAX + 1);
	w.lr = podoom_logreader_new(RECORD_MAX * 2);
	w.m = podoom_metrics_new();
	if (!w.rbuf || !w.lr || !w.m || podoom_report_parser_new(&w.rp) < 0) {
		cli_err(CMD, "out of memory");
		goto out;
	}
	if (open_kmsg(&w) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (podoom_cgroup_detect(o.root, &w.root) == 0) {
		r = podoom_oomwatch_new(&w.root, &w.ow);
		if (r < 0)
			cli_err(CMD, "cannot follow the memory cgroups under %s: %s, ignoring", w.root.mount, strerror(-r));
		baseline(&w);
	} else {
		cli_err(CMD, "no memory cgroup controller under %s/sys/fs/cgroup: kills are read from the kernel log only",
			o.root);
	}
	if (o.listen && start_http(&w) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run(&w);
out:
	podoom_http_stop(w.http);
	podoom_oomwatch_free(w.ow);
	if (w.has_scan)
		podoom_scan_free(&w.scan);
	free(w.scan_kind);
	free(w.scan_attr);
	podoom_metrics_free(w.m);
	podoom_report_parser_free(w.rp);
	podoom_logreader_free(w.lr);
	free(w.rbuf);
	if (w.kmsg >= 0)
		close(w.kmsg);
	if (w.tfd >= 0)
		close(w.tfd);
	if (w.sfd >= 0)
		close(w.sfd);
	if (w.plfd >= 0)
		close(w.plfd);
	podoom_podnames_free(o.names);
	fflush(stdout);
	return rc;
}
