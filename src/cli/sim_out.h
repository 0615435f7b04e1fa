/*
 * sim_out.h - loading a scenario and printing event records: shared by
 * `podoom simulate` (the simulator's records) and `podoom run` (the runner's).
 */
#ifndef PODOOM_CLI_SIM_OUT_H
#define PODOOM_CLI_SIM_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "podoom/scenario.h"
#include "podoom/sim.h"
#include "podoom/simevent.h"

/* the scenario in @file (NULL: the built-in one) with every manifest it names,
 * checked; *ret_buf holds its text and must outlive it.
 * Return: 0; EXIT_INPUT after printing why; -ENOMEM. */
int sim_out_load(const char *file, char **ret_buf, struct podoom_scenario **ret);

/* the node and its pods as @sim resolved them; @how: "simulated", "played for real" */
void sim_out_header(const struct podoom_sim *sim, const char *name, const char *how);

/* one event of the timeline for people */
void sim_out_event(const struct podoom_simevent *e);

/* one event as a JSON line. Return: 0; -ENOMEM. */
int sim_out_json(const struct podoom_simevent *e);

/* "N OOM kills (N processes), N evictions, N restarts"; @count by event type */
void sim_out_summary(const size_t *count, uint64_t ooms);

/* a simulated OOM as the node's kernel prints it (dmesg format). Return: 0; -errno. */
int sim_out_kernel_log(FILE *out, const struct podoom_sim *sim, const struct podoom_simevent *e);

#endif
