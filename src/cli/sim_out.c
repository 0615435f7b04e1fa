/*
 * sim_out.c - what `podoom simulate` and `podoom run` share: loading a
 * scenario with its manifests, and the sinks for their event records (the
 * node header, the timeline, JSON lines, the closing summary, kernel-format
 * reports written from a simulated OOM).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "podoom/host.h"
#include "podoom/quantity.h"
#include "podoom/report_write.h"
#include "sim_out.h"

/* ---- loading ----------------------------------------------------------- */

static char *path_beside(const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');
	size_t dir = slash ? (size_t)(slash - file) + 1 : 0;
	char *p;

	if (rel[0] == '/' || dir == 0)
		return strdup(rel);
	p = malloc(dir + strlen(rel) + 1);
	if (!p)
		return NULL;
	memcpy(p, file, dir);
	memcpy(p + dir, rel, strlen(rel) + 1);
	return p;
}

static void read_error(const char *file, int r)
{
	char msg[256];

	if (r == -EFBIG)
		snprintf(msg, sizeof(msg), "larger than 64 MiB, the most podoom reads");
	else
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(-r));
	cli_diag(file, 0, 0, "error", msg);
}

int sim_out_load(const char *file, char **ret_buf, struct podoom_scenario **ret)
{
	const char *name = file ? file : "<built-in>";
	struct podoom_diag diag = {0};
	struct podoom_scenario *sc = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (file) {
		r = podoom_file_read(file, PODOOM_HOST_MAX_FILE_BYTES, &buf, &len);
		if (r < 0) {
			read_error(name, r);
			return EXIT_INPUT;
		}
	} else {
		buf = strdup(podoom_sim_default_scenario());
		if (!buf)
			return -ENOMEM;
		len = strlen(buf);
	}
	r = podoom_scenario_parse(buf, len, &sc, &diag);
	if (r == -ENOMEM)
		goto nomem;
	if (r < 0) {
		cli_diag(name, diag.line, diag.col, "error", diag.msg);
		free(buf);
		return EXIT_INPUT;
	}
	for (size_t i = 0; i < sc->nwarnings; i++)
		cli_diag(name, sc->warnings[i].line, sc->warnings[i].col, "warning", sc->warnings[i].msg);
	for (size_t i = 0; i < sc->npods; i++) {
		char *mpath, *mbuf = NULL;
		size_t mlen = 0;
		if (sc->pods[i].resolved)
			continue;
		mpath = path_beside(name, sc->pods[i].manifest_path);
		if (!mpath)
			goto nomem;
		r = podoom_file_read(mpath, PODOOM_HOST_MAX_FILE_BYTES, &mbuf, &mlen);
		if (r < 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "pods[%zu].manifest: cannot read %s: %s", i, mpath,
				 r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
			cli_diag(name, sc->pods[i].line, sc->pods[i].col, "error", msg);
			free(mpath);
			goto bad;
		}
		memset(&diag, 0, sizeof(diag));
		r = podoom_scenario_attach_manifest(sc, i, mbuf, mlen, &diag);
		free(mbuf);
		if (r == -ENOMEM) {
			free(mpath);
			goto nomem;
		}
		if (r < 0) {
			cli_diag(mpath, diag.line, diag.col, "error", diag.msg);
			free(mpath);
			goto bad;
		}
		free(mpath);
	}
	memset(&diag, 0, sizeof(diag));
	if (podoom_scenario_check(sc, &diag) < 0) {
		cli_diag(name, diag.line, diag.col, "error", diag.msg);
		goto bad;
	}
	*ret_buf = buf;
	*ret = sc;
	return 0;
bad:
	podoom_scenario_free(sc);
	free(buf);
	return EXIT_INPUT;
nomem:
	podoom_scenario_free(sc);
	free(buf);
	return -ENOMEM;
}

/* ---- the timeline -------------------------------------------------------- */

static const char *bytes(int64_t b, char *buf, size_t size)
{
	if (b < 0)
		snprintf(buf, size, "none");
	else
		podoom_bytes_format(b, buf, size);
	return buf;
}

static const char *human(int64_t b, char *buf, size_t size)
{
	if (b < 0) {
		buf[0] = '-';
		podoom_bytes_format_human(-b, buf + 1, size - 1);
	} else {
		podoom_bytes_format_human(b, buf, size);
	}
	return buf;
}

void sim_out_header(const struct podoom_sim *sim, const char *name, const char *how)
{
	static const char *const headers[] = {"NAMESPACE", "POD",   "QOS",	     "CONTAINER",
					      "REQUEST",   "LIMIT", "OOM_SCORE_ADJ", "POD LIMIT"};
	struct podoom_sim_node_info n;
	char a[32], b[32], c[32], d[32];
	struct cli_table *t;

	podoom_sim_node_info(sim, &n);
	printf("scenario %s: %lld.%03llds %s, seed %llu\n", name, (long long)(n.duration_usec / 1000000),
	       (long long)(n.duration_usec % 1000000 / 1000), how, (unsigned long long)n.seed);
	printf("node: %s RAM, %s swap, system %s; kernel %s; kubelet %s; cgroup v%d (%s driver)\n",
	       bytes(n.memory_bytes, a, sizeof(a)), n.swap_bytes ? bytes(n.swap_bytes, b, sizeof(b)) : "no",
	       bytes(n.system_bytes, c, sizeof(c)), n.kernel->name, n.kubelet->name, n.cgroup_version,
	       podoom_cgroup_driver_to_string(n.driver));
	printf("kubepods limit %s, allocatable %s; memory.oom.group %s\n", bytes(n.kubepods_limit_bytes, a, sizeof(a)),
	       bytes(n.allocatable_bytes, b, sizeof(b)), n.oom_group ? "on (the whole container dies)" : "off");
	printf("kubelet looks every %llds; memory.available hard threshold %s", (long long)(n.housekeeping_usec / 1000000),
	       n.hard_threshold_bytes >= 0 ? bytes(n.hard_threshold_bytes, d, sizeof(d)) : "none");
	if (n.soft_threshold_bytes >= 0)
		printf(", soft %s for %llds", bytes(n.soft_threshold_bytes, d, sizeof(d)),
		       (long long)(n.soft_grace_usec / 1000000));
	printf("\n\n");
	t = cli_table_new(8, headers);
	if (!t)
		return;
	for (size_t i = 0; i < podoom_sim_npods(sim); i++) {
		const struct podoom_sim_pod_info *p = podoom_sim_pod_info(sim, i);
		for (size_t k = 0; k < p->ncontainers; k++) {
			const struct podoom_sim_container_info *ci = &p->containers[k];
			char adj[16];
			if (!ci->runs)
				continue;
			snprintf(adj, sizeof(adj), "%d", ci->oom_score_adj);
			const char *cells[] = {p->namespace, p->name, podoom_qos_to_string(p->qos), ci->name,
					       ci->request_bytes ? bytes(ci->request_bytes, a, sizeof(a)) : "-",
					       bytes(ci->limit_bytes, b, sizeof(b)), adj,
					       bytes(p->limit_bytes, c, sizeof(c))};
			cli_table_add(t, cells);
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	printf("\n");
}

static const char *type_label(enum podoom_simevent_type t)
{
	static const char *const labels[PODOOM_SIMEVENT_TYPE_COUNT] = {
		"start", "OOM kill", "exit", "restart", "threshold", "pressure",
		"EVICTION", "stopped", "OOM stall", "PANIC", "sample",
	};
	return (unsigned)t < PODOOM_SIMEVENT_TYPE_COUNT ? labels[t] : "?";
}

/* @s in lines of at most @width columns after @indent spaces, broken at spaces */
static void wrap(const char *s, int indent, size_t width)
{
	while (*s) {
		size_t n = strlen(s), cut = n;
		if (n > width) {
			cut = width;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				for (cut = width; s[cut] && s[cut] != ' '; cut++)
					;
		}
		printf("%*s%.*s\n", indent, "", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

void sim_out_event(const struct podoom_simevent *e)
{
	char who[256], a[32];

	if (e->pod[0] && e->container[0])
		snprintf(who, sizeof(who), "%s/%s %s", e->namespace, e->pod, e->container);
	else if (e->pod[0])
		snprintf(who, sizeof(who), "%s/%s", e->namespace, e->pod);
	else
		snprintf(who, sizeof(who), "node");
	printf("%5lld.%03llds  %-9s  %s", (long long)(e->time_usec / 1000000),
	       (long long)(e->time_usec % 1000000 / 1000), type_label(e->type), who);
	switch (e->type) {
	case PODOOM_SIMEVENT_OOM_KILL:
		printf(": %s (pid %d, oom_score_adj %d)%s", e->process, e->pid, e->oom_score_adj,
		       e->group_member ? " with the group" : "");
		break;
	case PODOOM_SIMEVENT_CONTAINER_EXIT:
		printf(": %s, exit code %d", e->reason, e->exit_code);
		break;
	case PODOOM_SIMEVENT_RESTART:
		printf(": restart %u", e->restart_count);
		break;
	case PODOOM_SIMEVENT_THRESHOLD:
		printf(": %s %s", e->threshold, e->on ? "met" : "no longer met");
		break;
	case PODOOM_SIMEVENT_PRESSURE:
		printf(": MemoryPressure %s", e->on ? "True" : "False");
		break;
	case PODOOM_SIMEVENT_SAMPLE:
		printf(": memory.available %s", human(e->available_bytes, a, sizeof(a)));
		break;
	default:
		break;
	}
	putchar('\n');
	wrap(e->why, 17, 100);
	if (e->type == PODOOM_SIMEVENT_OOM_KILL && e->nranking > 0 && !e->group_member) {
		printf("%17sranking (points):", "");
		for (size_t i = 0; i < e->nranking && i < 4; i++)
			printf("%s %s[%d] %lld", i ? "," : "", e->ranking[i].comm, e->ranking[i].pid,
			       (long long)e->ranking[i].points);
		if (e->nranking > 4)
			printf(", and %zu more", e->nranking - 4);
		printf("\n");
	}
	if (e->type == PODOOM_SIMEVENT_EVICTION && e->npod_ranking > 0) {
		printf("%17sranking:", "");
		for (size_t i = 0; i < e->npod_ranking && i < 5; i++) {
			const struct podoom_simevent_pod_rank *r = &e->pod_ranking[i];
			printf("%s %s/%s %s%s", i ? "," : "", r->namespace, r->pod,
			       human(r->working_set_bytes, a, sizeof(a)), r->exceeds_request ? " > request" : "");
		}
		printf("\n");
	}
}

/* ---- JSON ------------------------------------------------------------------ */

static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *opt_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

int sim_out_json(const struct podoom_simevent *e)
{
	json_t *o = json_object();
	char *s;
	int r = 0;

	if (!o)
		return -ENOMEM;
	r |= set(o, "time_ms", json_integer(e->time_usec / 1000));
	r |= set(o, "type", json_string(podoom_simevent_type_to_string(e->type)));
	r |= set(o, "namespace", opt_str(e->namespace));
	r |= set(o, "pod", opt_str(e->pod));
	r |= set(o, "pod_uid", opt_str(e->pod_uid));
	r |= set(o, "qos", e->qos < PODOOM_QOS_COUNT ? json_string(podoom_qos_to_string(e->qos)) : json_null());
	r |= set(o, "container", opt_str(e->container));
	r |= set(o, "container_id", opt_str(e->container_id));
	r |= set(o, "scope", opt_str(e->scope));
	switch (e->type) {
	case PODOOM_SIMEVENT_OOM_KILL:
	case PODOOM_SIMEVENT_OOM_STALL:
	case PODOOM_SIMEVENT_PANIC:
		r |= set(o, "kind", e->kind < PODOOM_OOM_CLASS_COUNT ? json_string(podoom_oom_class_to_string(e->kind))
								  : json_null());
		r |= set(o, "limit_bytes", e->limit_bytes >= 0 ? json_integer(e->limit_bytes) : json_null());
		r |= set(o, "usage_bytes", json_integer(e->usage_bytes));
		if (e->type != PODOOM_SIMEVENT_OOM_KILL)
			break;
		r |= set(o, "process", json_string(e->process));
		r |= set(o, "pid", json_integer(e->pid));
		r |= set(o, "oom_score_adj", json_integer(e->oom_score_adj));
		r |= set(o, "main_process", json_boolean(e->main_process));
		r |= set(o, "oom_seq", json_integer((json_int_t)e->oom_seq));
		r |= set(o, "group_member", json_boolean(e->group_member));
		r |= set(o, "oom_group", opt_str(e->oom_group));
		if (!e->group_member) {
			json_t *rk = json_array();
			r |= set(o, "totalpages", json_integer((json_int_t)e->totalpages));
			r |= set(o, "ranking", rk);
			for (size_t i = 0; rk && i < e->nranking; i++) {
				json_t *x = json_object();
				r |= set(x, "pid", json_integer(e->ranking[i].pid));
				r |= set(x, "comm", json_string(e->ranking[i].comm));
				r |= set(x, "points", json_integer(e->ranking[i].points));
				r |= json_array_append_new(rk, x);
			}
			if (e->ntasks > 0) {
				r |= set(o, "trigger_pid", json_integer(e->tasks[e->trigger].task.pid));
				r |= set(o, "trigger_comm", json_string(e->tasks[e->trigger].task.comm));
			}
		}
		break;
	case PODOOM_SIMEVENT_START:
	case PODOOM_SIMEVENT_RESTART:
		r |= set(o, "process", json_string(e->process));
		r |= set(o, "pid", json_integer(e->pid));
		r |= set(o, "oom_score_adj", json_integer(e->oom_score_adj));
		r |= set(o, "limit_bytes", e->limit_bytes >= 0 ? json_integer(e->limit_bytes) : json_null());
		r |= set(o, "restart_count", json_integer(e->restart_count));
		break;
	case PODOOM_SIMEVENT_CONTAINER_EXIT:
		r |= set(o, "exit_code", json_integer(e->exit_code));
		r |= set(o, "reason", json_string(e->reason));
		r |= set(o, "restart_count", json_integer(e->restart_count));
		r |= set(o, "freed_bytes", json_integer(e->usage_bytes));
		r |= set(o, "backoff_ms", e->backoff_usec >= 0 ? json_integer(e->backoff_usec / 1000) : json_null());
		break;
	case PODOOM_SIMEVENT_THRESHOLD:
		r |= set(o, "threshold", json_string(e->threshold));
		r |= set(o, "met", json_boolean(e->on));
		r |= set(o, "threshold_bytes", json_integer(e->limit_bytes));
		r |= set(o, "available_bytes", json_integer(e->available_bytes));
		break;
	case PODOOM_SIMEVENT_PRESSURE:
		r |= set(o, "memory_pressure", json_boolean(e->on));
		r |= set(o, "available_bytes", json_integer(e->available_bytes));
		break;
	case PODOOM_SIMEVENT_EVICTION: {
		json_t *rk = json_array();
		r |= set(o, "threshold", json_string(e->threshold));
		r |= set(o, "threshold_bytes", json_integer(e->limit_bytes));
		r |= set(o, "available_bytes", json_integer(e->available_bytes));
		r |= set(o, "working_set_bytes", e->pod[0] ? json_integer(e->usage_bytes) : json_null());
		r |= set(o, "grace_period_seconds", e->pod[0] ? json_integer(e->grace_period_sec) : json_null());
		r |= set(o, "ranking", rk);
		for (size_t i = 0; rk && i < e->npod_ranking; i++) {
			const struct podoom_simevent_pod_rank *p = &e->pod_ranking[i];
			json_t *x = json_object();
			r |= set(x, "namespace", json_string(p->namespace));
			r |= set(x, "pod", json_string(p->pod));
			r |= set(x, "working_set_bytes", json_integer(p->working_set_bytes));
			r |= set(x, "request_bytes", json_integer(p->request_bytes));
			r |= set(x, "priority", json_integer(p->priority));
			r |= set(x, "exceeds_request", json_boolean(p->exceeds_request));
			r |= set(x, "critical", json_boolean(p->critical));
			r |= json_array_append_new(rk, x);
		}
		break;
	}
	case PODOOM_SIMEVENT_POD_STOPPED:
		r |= set(o, "freed_bytes", json_integer(e->usage_bytes));
		r |= set(o, "grace_period_seconds", json_integer(e->grace_period_sec));
		break;
	case PODOOM_SIMEVENT_SAMPLE:
		r |= set(o, "available_bytes", json_integer(e->available_bytes));
		break;
	case PODOOM_SIMEVENT_TYPE_COUNT:
		break;
	}
	r |= set(o, "why", json_string(e->why));
	s = r ? NULL : json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

/* ---- the end -------------------------------------------------------------------- */

void sim_out_summary(const size_t *count, uint64_t ooms)
{
	printf("\n%llu OOM kill%s (%zu process%s), %zu eviction%s, %zu restart%s\n", (unsigned long long)ooms,
	       ooms == 1 ? "" : "s", count[PODOOM_SIMEVENT_OOM_KILL], count[PODOOM_SIMEVENT_OOM_KILL] == 1 ? "" : "es",
	       count[PODOOM_SIMEVENT_EVICTION], count[PODOOM_SIMEVENT_EVICTION] == 1 ? "" : "s",
	       count[PODOOM_SIMEVENT_RESTART], count[PODOOM_SIMEVENT_RESTART] == 1 ? "" : "s");
}

/* --- --kernel-log: each OOM as the node's kernel prints it --------------------- */

struct klog {
	FILE *out;
	int64_t time_usec;
	unsigned line;
};

static void klog_emit(void *user, const char *msg, size_t len)
{
	struct klog *k = user;
	/* dmesg's "[seconds.micros]" since boot; a report's lines 1 us apart */
	uint64_t t = (uint64_t)k->time_usec + 100000000u + k->line++;
	fprintf(k->out, "[%5llu.%06llu] %.*s\n", (unsigned long long)(t / 1000000), (unsigned long long)(t % 1000000),
		(int)len, msg);
}

/* a release string the kernel profile's reports would carry, e.g. "6.1.0-podoom" */
static void release_for(const struct podoom_kernel_profile *kp, char *buf, size_t size)
{
	const char *n = kp->name;
	unsigned dots = 0;

	for (const char *p = n; *p; p++)
		dots += *p == '.';
	if (strcmp(n, "rhel7") == 0)
		snprintf(buf, size, "3.10.0-1160.el7.x86_64");
	else if (strcmp(n, "rhel8") == 0)
		snprintf(buf, size, "4.18.0-553.el8_10.x86_64");
	else
		snprintf(buf, size, "%s%s-podoom", n, dots >= 2 ? "" : ".0");
}

int sim_out_kernel_log(FILE *out, const struct podoom_sim *sim, const struct podoom_simevent *e)
{
	struct podoom_sim_node_info ni;
	struct podoom_report_write_opts wo = {0};
	struct klog k = {.out = out, .time_usec = e->time_usec};
	int32_t group[256];
	size_t ng = 0;
	char release[64];

	podoom_sim_node_info(sim, &ni);
	release_for(ni.kernel, release, sizeof(release));
	wo.release = release;
	wo.ram_pages = (uint64_t)ni.memory_bytes / 4096;
	wo.cgroup_version = ni.cgroup_version;
	if (e->oom_group) {
		/* memory.oom.group: every task of the group's subtree but the -1000 ones */
		for (size_t i = 0; i < e->ntasks && ng < sizeof(group) / sizeof(group[0]); i++) {
			const struct podoom_task *t = &e->tasks[i].task;
			if (i != e->victim && t->memcg >= 0 && (size_t)t->memcg < e->nmemcgs &&
			    t->oom_score_adj != PODOOM_OOM_SCORE_ADJ_MIN && podoom_cgroup_path_within(e->memcgs[t->memcg].path, e->oom_group))
				group[ng++] = t->pid;
		}
		wo.group_pids = group;
		wo.n_group = ng;
		wo.group_memcg = e->oom_group;
	}
	return podoom_report_write(ni.kernel, e, &wo, klog_emit, &k);
}

