/*
 * kernel - Linux versions and the OOM-killer behaviour of each, as data.
 *
 * A profile is one row of a table: the facts of one era of mm/oom_kill.c
 * (badness form, tie-breaking, iteration order, "or sacrifice child",
 * memory.oom.group, /proc/<pid>/oom_score) and the report style its logs
 * have. Rows are named after the kernel tree they were read from
 * (reference/kernel.md section 0); a version between two rows behaves like
 * the lower one. Code asks the row, never the version number.
 *
 * Pure: no I/O, no allocation, no globals (the table is const data).
 */
#ifndef PODOOM_KERNEL_H
#define PODOOM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A kernel release as `uname -r` prints it, reduced to what selects a profile. */
struct podoom_kver {
	uint32_t major, minor, patch; /* "3.10.0-327.4.5.el7.x86_64" -> 3, 10, 0 */
	uint32_t rhel;		      /* N of an ".elN" vendor tag (RHEL, CentOS, Rocky, Alma), else 0 */
};

/* Longest release string accepted. The kernel's own is at most 64 bytes
 * (__NEW_UTS_LEN); the slack admits strings copied with decorations. */
#define PODOOM_KVER_MAX_LEN 256

/*
 * podoom_kver_parse() - parse a kernel release string: "6.1", "4.19",
 * "3.10.0-327.4.5.el7.x86_64", "5.10.0-28-amd64", "6.18.44-fc-v669",
 * "6.1.100+", "v5.4". MAJOR.MINOR is required, .PATCH optional; anything after
 * it must start with one of "-+_~." and is kept only for the ".elN" tag.
 * @s, @len: the string, not NUL-terminated.
 * Return: 0 with *ret set; -EINVAL malformed; -ERANGE a number above 999999;
 * -E2BIG longer than PODOOM_KVER_MAX_LEN. *ret is untouched on error.
 */
int podoom_kver_parse(const char *s, size_t len, struct podoom_kver *ret);

/* podoom_kver_cmp() - order by major, minor, patch (the rhel tag is ignored):
 * -1, 0 or 1. */
int podoom_kver_cmp(const struct podoom_kver *a, const struct podoom_kver *b);

/* How the victim scan compares equal points (reference/kernel.md 3.3). */
enum podoom_kernel_tie {
	PODOOM_KERNEL_TIE_FIRST,	/* 3.10: `points > chosen_points`: the first task wins */
	PODOOM_KERNEL_TIE_FIRST_LEADER, /* 4.4-5.2: the first thread-group leader among equals wins;
					   without one, the last equal task */
	PODOOM_KERNEL_TIE_LAST,		/* 5.3+: `points < chosen_points` skips: the last task wins */
	PODOOM_KERNEL_TIE_COUNT
};

/* What one step of a scan visits (reference/kernel.md 3.1). */
enum podoom_kernel_scan {
	PODOOM_KERNEL_SCAN_THREADS,   /* every thread (for_each_process_thread, css_task_iter flags 0) */
	PODOOM_KERNEL_SCAN_PROCESSES, /* thread-group leaders only (for_each_process, CSS_TASK_ITER_PROCS) */
	PODOOM_KERNEL_SCAN_COUNT
};

/* What /proc/<pid>/oom_score prints (reference/kernel.md 8.1). */
enum podoom_kernel_oom_score {
	PODOOM_KERNEL_OOM_SCORE_PERMILLE, /* badness * 1000 / totalpages, unsigned; 0 when ineligible */
	PODOOM_KERNEL_OOM_SCORE_SCALED,	  /* (1000 + badness * 1000 / totalpages) * 2 / 3, 0..2000 */
	PODOOM_KERNEL_OOM_SCORE_COUNT
};

/*
 * The layout of the OOM report a kernel prints, named after the first tree it
 * was seen in. The report writer and parser own what each style contains
 * (reference/kernel.md section 11); this module only says which one a
 * profile prints.
 */
enum podoom_report_style {
	PODOOM_REPORT_STYLE_3_10,  /* "Task in", nr_ptes table, "Kill process ... or sacrifice child" */
	PODOOM_REPORT_STYLE_RHEL7, /* 3.10 with "Killed process %d (%s), UID %d, ... shmem-rss" */
	PODOOM_REPORT_STYLE_4_4,   /* nr_ptes nr_pmds table */
	PODOOM_REPORT_STYLE_4_14,  /* symbolic gfp_mask, "nodemask=(null),  order", shmem-rss, reaper */
	PODOOM_REPORT_STYLE_4_15,  /* pgtables_bytes table */
	PODOOM_REPORT_STYLE_RHEL8, /* no selection line, prefixed Killed line, no oom-kill: line */
	PODOOM_REPORT_STYLE_4_19,  /* "Tasks state (memory values in pages):", [  pid  ] */
	PODOOM_REPORT_STYLE_5_0,   /* oom-kill:constraint= summary, no "Task in", no cpuset line */
	PODOOM_REPORT_STYLE_5_2,   /* selection line gone, "<prefix>: Killed process" */
	PODOOM_REPORT_STYLE_5_3,   /* memory.stat dump as one multi-line record, v2 "swap:" line */
	PODOOM_REPORT_STYLE_5_4,   /* Killed line tail "UID:%u pgtables:%lukB oom_score_adj:%hd" */
	PODOOM_REPORT_STYLE_5_10,  /* "OOM victim %d (%s) is already exiting. Skip killing the task" */
	PODOOM_REPORT_STYLE_6_1,   /* memory.events oom_group_kill */
	PODOOM_REPORT_STYLE_6_6,   /* memcg stats one record per line */
	PODOOM_REPORT_STYLE_6_8,   /* rss_anon rss_file rss_shmem table columns */
	PODOOM_REPORT_STYLE_COUNT
};

struct podoom_kernel_profile {
	const char *name;	 /* "4.19": what --kernel takes */
	struct podoom_kver first; /* the first release this row describes; first.rhel != 0 marks a
				     vendor row that describes only that RHEL major */
	bool stable_backport;	 /* the row describes only first.major.first.minor releases from
				     first.patch on (a stable-series backport) */
	const char *source;	 /* the tree the row was read from (reference/kernel.md section 0) */

	/* oom_badness() */
	uint32_t root_bonus_pct; /* 3: CAP_SYS_ADMIN tasks lose points * 3 / 100 (<= 4.15); else 0 */
	bool signed_badness;	 /* 5.9+: signed points, LONG_MIN when ineligible, no floor.
				    Else unsigned: 0 when ineligible, eligible tasks floored at 1 */
	bool oom_skip_checks;	 /* 4.14+: MMF_OOM_SKIP and vfork children are ineligible, and an
				    earlier victim already reaped is skipped instead of aborting */

	/* select_bad_process() */
	enum podoom_kernel_scan global_scan; /* for a global OOM */
	enum podoom_kernel_scan memcg_scan;  /* for a memcg OOM (pre-order over the memcg subtree) */
	enum podoom_kernel_tie tie;
	bool select_points_u32;	   /* 3.10-4.13 hold points in `unsigned int` during the scan */
	bool abort_on_exiting;	   /* <= 4.13: an exiting candidate aborts the scan (the kernel waits) */
	bool exited_skipped_first; /* 3.10: a task without mm is skipped before the victim check */
	bool sacrifice_child;	   /* <= 5.0: "Kill process %d (%s) score %u or sacrifice child":
				      the selected task's worst child dies instead; the score it
				      prints is points * 1000 / totalpages */

	/* after the choice */
	bool oom_group;		  /* memory.oom.group honoured (cgroup v2 only) */
	bool oom_group_kill_event; /* memory.events has oom_group_kill */
	bool oom_reaper;	  /* the oom_reaper kthread exists */
	uint32_t reaper_delay_msec; /* OOM_REAPER_DELAY before the reaper starts; 0 = at once */
	enum podoom_kernel_oom_score oom_score;
	enum podoom_report_style report_style;
};

/* podoom_kernel_profile_default() - the newest profile, what podoom models
 * when no kernel is named. Never NULL. */
const struct podoom_kernel_profile *podoom_kernel_profile_default(void);

/* podoom_kernel_profile_count(), _at() - the table in version order, for
 * listings; _at() returns NULL past the end. */
size_t podoom_kernel_profile_count(void);
const struct podoom_kernel_profile *podoom_kernel_profile_at(size_t i);

/*
 * podoom_kernel_profile_find() - the profile with this exact name ("4.19",
 * "rhel7").
 * Return: 0 with *ret set; -ENOENT no such name. *ret untouched on error.
 */
int podoom_kernel_profile_find(const char *name, size_t len, const struct podoom_kernel_profile **ret);

/*
 * podoom_kernel_profile_for_kver() - the profile that describes a release:
 * RHEL 7 and 8 kernels get their vendor rows; any other release gets the
 * newest row whose first release is not after it.
 * Return: 0 with *ret set; -ENOENT before 2.6.36, whose badness heuristic
 * (total_vm, cpu time, nice) podoom does not model. *ret untouched on error.
 */
int podoom_kernel_profile_for_kver(const struct podoom_kver *v, const struct podoom_kernel_profile **ret);

/*
 * podoom_kernel_profile_resolve() - what --kernel does with its argument: a
 * profile name first, else a release string mapped by _for_kver().
 * Return: 0 with *ret set; -ENOENT unknown or unmodelled; the errors of
 * podoom_kver_parse(). *ret untouched on error.
 */
int podoom_kernel_profile_resolve(const char *s, size_t len, const struct podoom_kernel_profile **ret);

/* Stable names: "first", "first-leader", "last"; "threads", "processes";
 * "permille", "scaled"; "3.10", "rhel7", ... "6.8". NULL when out of range. */
const char *podoom_kernel_tie_to_string(enum podoom_kernel_tie t);
const char *podoom_kernel_scan_to_string(enum podoom_kernel_scan s);
const char *podoom_kernel_oom_score_to_string(enum podoom_kernel_oom_score s);
const char *podoom_report_style_to_string(enum podoom_report_style s);

#endif
