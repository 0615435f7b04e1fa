/*
 * oomjson.h - one OOM kill as `explain` and `watch` print it: names from
 * --pods/--pod-logs, its time, and the explain JSON object.
 */
#ifndef PODOOM_CLI_OOMJSON_H
#define PODOOM_CLI_OOMJSON_H

#include <jansson.h>
#include <stdio.h>

#include "podoom/explain.h"
#include "podoom/podnames.h"
#include "podoom/report.h"

/* names of the victim's pod and container; NULL when unknown (borrowed from the table) */
struct cli_names {
	const char *namespace, *pod, *container;
};

/* the names of the pod and container of a memcg (@a may be NULL) */
struct cli_names cli_names_for_attr(const struct podoom_podnames *names, const struct podoom_cgroup_attr *a);

/* the names of @x's victim (its memcg's pod uid and container id), when @names knows them */
struct cli_names cli_names_resolve(const struct podoom_podnames *names, const struct podoom_explanation *x);

/* "2024-01-02T03:04:05.000006Z", "+123.000456s" (since boot) or "line N" */
void cli_format_oom_time(const struct podoom_oom_time *t, char *buf, size_t size);

/* the explain JSON object of one event (without explain's "file" and "line");
 * the caller owns it. NULL on ENOMEM. */
json_t *cli_oom_event_json(const struct podoom_oom_event *ev, const struct podoom_explanation *x,
			   const struct podoom_podnames *names);

/* @j as one compact line on @out; takes @j's reference */
void cli_json_print(json_t *j, FILE *out);

#endif
