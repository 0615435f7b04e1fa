/*
 * oomjson.c - what `explain` and `watch` say about one OOM kill: pod names
 * for its UIDs and container ids, its time, and the JSON object of
 * `podoom explain --json` (docs/man/podoom-explain.1), built in one place.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "oomjson.h"
#include "podoom/host.h"
#include "podoom/quantity.h"

struct cli_names cli_names_for_attr(const struct podoom_podnames *names, const struct podoom_cgroup_attr *a)
{
	struct cli_names n = {0};
	const struct podoom_podname *p = NULL;

	if (!a || !names)
		return n;
	if (a->container_id[0])
		n.container = podoom_podnames_container(names, a->container_id, &p);
	if (!p && a->pod_uid[0])
		p = podoom_podnames_by_uid(names, a->pod_uid);
	if (p) {
		n.namespace = p->namespace;
		n.pod = p->name;
	}
	return n;
}

struct cli_names cli_names_resolve(const struct podoom_podnames *names, const struct podoom_explanation *x)
{
	return cli_names_for_attr(names, x->has_task_attr ? &x->task_attr : (x->has_oom_attr ? &x->oom_attr : NULL));
}

void cli_format_oom_time(const struct podoom_oom_time *t, char *buf, size_t size)
{
	if (t->has_wall) {
		time_t s = (time_t)(t->wall_usec / 1000000);
		struct tm tm;
		gmtime_r(&s, &tm);
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(t->wall_usec % 1000000));
	} else if (t->has_mono) {
		snprintf(buf, size, "+%llu.%06llus", (unsigned long long)(t->mono_usec / 1000000),
			 (unsigned long long)(t->mono_usec % 1000000));
	} else {
		snprintf(buf, size, "line %llu", (unsigned long long)t->line_no);
	}
}

static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

json_t *cli_oom_event_json(const struct podoom_oom_event *ev, const struct podoom_explanation *x,
			   const struct podoom_podnames *names)
{
	json_t *j = json_object(), *trig = json_object(), *vic = json_object(), *rank = json_array(),
	       *kills = json_array();
	struct cli_names n = cli_names_resolve(names, x);
	char when[64];

	cli_format_oom_time(&ev->start, when, sizeof(when));
	json_object_set_new(j, "time", ev->start.has_wall ? json_string(when) : json_null());
	json_object_set_new(j, "time_mono_usec", ev->start.has_mono ? json_integer((json_int_t)ev->start.mono_usec) : json_null());
	json_object_set_new(j, "kind", json_string(podoom_oom_class_to_string(x->kind)));
	json_object_set_new(j, "constraint", ev->constraint == PODOOM_OOM_CONSTRAINT_UNKNOWN ? json_null()
				: json_string(podoom_oom_constraint_to_string(ev->constraint)));
	json_object_set_new(j, "oom_memcg", ev->global_oom ? json_null() : jstr_or_null(ev->oom_memcg));
	json_object_set_new(j, "task_memcg", jstr_or_null(ev->task_memcg[0] ? ev->task_memcg : NULL));
	json_object_set_new(j, "pod_uid", jstr_or_null(x->has_task_attr ? x->task_attr.pod_uid : NULL));
	json_object_set_new(j, "container_id", jstr_or_null(x->has_task_attr ? x->task_attr.container_id : NULL));
	json_object_set_new(j, "runtime", x->has_task_attr && x->task_attr.runtime != PODOOM_RUNTIME_UNKNOWN
				? json_string(podoom_runtime_to_string(x->task_attr.runtime)) : json_null());
	json_object_set_new(j, "qos", x->has_task_attr && x->task_attr.has_qos
				? json_string(podoom_qos_to_string(x->task_attr.qos)) : json_null());
	json_object_set_new(j, "namespace", jstr_or_null(n.namespace));
	json_object_set_new(j, "pod", jstr_or_null(n.pod));
	json_object_set_new(j, "container", jstr_or_null(n.container));
	json_object_set_new(trig, "pid", ev->trigger.has_pid ? json_integer(ev->trigger.pid) : json_null());
	json_object_set_new(trig, "comm", jstr_or_null(ev->trigger.present ? ev->trigger.comm : NULL));
	json_object_set_new(j, "trigger", trig);
	if (ev->has_victim) {
		const struct podoom_oom_kill *v = &ev->victim;
		json_object_set_new(vic, "pid", json_integer(v->pid));
		json_object_set_new(vic, "comm", json_string(v->comm));
		json_object_set_new(vic, "uid", v->has_uid ? json_integer(v->uid) : json_null());
		json_object_set_new(vic, "oom_score_adj", x->has_victim_adj ? json_integer(x->victim_adj) : json_null());
		json_object_set_new(vic, "total_vm_kb", v->has_vm ? json_integer((json_int_t)v->total_vm_kb) : json_null());
		json_object_set_new(vic, "anon_rss_kb", v->has_vm ? json_integer((json_int_t)v->anon_rss_kb) : json_null());
		json_object_set_new(vic, "file_rss_kb", v->has_vm ? json_integer((json_int_t)v->file_rss_kb) : json_null());
		json_object_set_new(vic, "shmem_rss_kb", v->has_shmem_rss ? json_integer((json_int_t)v->shmem_rss_kb) : json_null());
		json_object_set_new(j, "victim", vic);
	} else {
		json_decref(vic);
		json_object_set_new(j, "victim", json_null());
	}
	json_object_set_new(j, "limit_bytes", x->has_limit ? json_integer((json_int_t)x->limit_bytes) : json_null());
	json_object_set_new(j, "usage_bytes", x->has_limit ? json_integer((json_int_t)x->usage_bytes) : json_null());
	for (size_t i = 0; i < x->n_ranking; i++) {
		json_t *r = json_object();
		json_object_set_new(r, "pid", json_integer(x->ranking[i].pid));
		json_object_set_new(r, "comm", json_string(x->ranking[i].comm));
		json_object_set_new(r, "points", x->ranking[i].points == PODOOM_BADNESS_INELIGIBLE
					  ? json_null() : json_integer(x->ranking[i].points));
		json_object_set_new(r, "oom_score_adj", json_integer(x->ranking[i].oom_score_adj));
		json_array_append_new(rank, r);
	}
	json_object_set_new(j, "ranking", rank);
	json_object_set_new(j, "recomputed_victim_pid", x->has_recomputed ? json_integer(x->recomputed_victim_pid) : json_null());
	json_object_set_new(j, "recomputed", json_string(podoom_explain_mismatch_to_string(x->mismatch)));
	json_object_set_new(j, "kernel_model", x->kernel ? json_string(x->kernel->name) : json_null());
	for (size_t i = 0; i < ev->n_kills; i++) {
		json_t *k = json_object();
		json_object_set_new(k, "pid", json_integer(ev->kills[i].pid));
		json_object_set_new(k, "comm", json_string(ev->kills[i].comm));
		json_object_set_new(k, "reason", json_string(podoom_oom_kill_reason_to_string(ev->kills[i].reason)));
		json_array_append_new(kills, k);
	}
	json_object_set_new(j, "group_kills", kills);
	json_object_set_new(j, "trigger_is_victim", json_boolean(x->trigger_is_victim));
	json_object_set_new(j, "complete", json_boolean(ev->complete));
	json_object_set_new(j, "explanation", json_string(x->text));
	return j;
}

void cli_json_print(json_t *j, FILE *out)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(j);
	if (s) {
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
}
