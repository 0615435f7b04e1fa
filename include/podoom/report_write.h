/*
 * report_write - a kernel OOM report as a chosen kernel version prints it,
 * for an OOM the simulator decided. Every line comes from the same shape
 * table the parser reads (report_format.h), so what is written parses back
 * to the same event. Pure: lines go to a callback.
 */
#ifndef PODOOM_REPORT_WRITE_H
#define PODOOM_REPORT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "podoom/kernel.h"
#include "podoom/report_format.h"
#include "podoom/simevent.h"

/* one line of the report: @msg is the kernel's message (no transport prefix) */
typedef void (*podoom_report_emit_fn)(void *user, const char *msg, size_t len);

struct podoom_report_write_opts {
	const char *release;	 /* shown in the dump_stack line; NULL: the profile's name */
	uint64_t ram_pages;	 /* "N pages RAM" of a global OOM */
	int cgroup_version;	 /* 1 (memory+swap and kmem lines) or 2 (swap line) */
	const int32_t *group_pids; /* processes killed with the victim by memory.oom.group */
	size_t n_group;
	const char *group_memcg;   /* the memcg killed as a group */
};

/* podoom_report_era_for_kernel() - the report format era a kernel profile prints. */
enum podoom_report_era podoom_report_era_for_kernel(const struct podoom_kernel_profile *kp);

/*
 * podoom_report_write() - the report of the OOM in @ev (the first record of an
 * OOM: tasks, memcgs, victim and trigger set) as @kp's kernel prints it.
 * Return: the number of lines emitted; -EINVAL when @ev has no task table;
 * -E2BIG when a line would not fit PODOOM_REPORT_LINE_MAX.
 */
int podoom_report_write(const struct podoom_kernel_profile *kp, const struct podoom_simevent *ev,
			const struct podoom_report_write_opts *opts, podoom_report_emit_fn emit, void *user);

#endif
