/*
 * sim_plot.h - `podoom simulate --svg/--html`: every pod's memory over time
 * with its limits, the node's thresholds, kubelet samples, OOM kills and
 * evictions marked.
 */
#ifndef PODOOM_CLI_SIM_PLOT_H
#define PODOOM_CLI_SIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/sim.h"

/* What the chart keeps of each event (the simulator's records are transient). */
struct sim_plot_event {
	int64_t time_usec;
	enum podoom_simevent_type type;
	size_t pod_index; /* SIZE_MAX: the node */
	bool on;
	bool global;	  /* a global OOM */
	int64_t available_bytes;
	char *who, *what, *why;
};

struct sim_plot_events {
	struct sim_plot_event *v;
	size_t n, cap;
};

/* copy what the chart needs of @e. Return: 0; -ENOMEM. */
int sim_plot_events_add(struct sim_plot_events *pe, const struct podoom_simevent *e);
void sim_plot_events_free(struct sim_plot_events *pe);

/* What the chart draws: the node and pods as @sim resolved them, and their
 * memory over time from the simulator or the runner. */
struct sim_plot_source {
	const char *command; /* "simulate", "run": the title, and error messages */
	const struct podoom_sim *sim;
	const void *src;     /* handed to the two functions */
	const struct podoom_sim_point *(*node_series)(const void *src, size_t *n);
	const struct podoom_sim_point *(*pod_series)(const void *src, size_t i, size_t *n);
};

/* write the SVG chart (or, @html, a page with the chart and the events) to
 * @path; prints its own error. Return: 0; -errno. */
int sim_plot_write(const char *path, bool html, const struct sim_plot_source *src, const struct sim_plot_events *pe,
		   const char *scenario_name);

#endif
