/*
 * report - kernel OOM reports, from log lines to one event per OOM kill.
 *
 * The parser reads the kernel's messages one line at a time (struct
 * podoom_logline, transport prefix already stripped), recognises the lines of
 * an OOM report of any kernel era (report_format.h), and assembles them into
 * one struct podoom_oom_event per OOM kill: the allocating task, the memcg
 * context, the task table, the kill lines, group kills and the reaper's result.
 * It keeps going through unrelated lines, interleaved output, cut and wrapped
 * lines and rate-limited reports (kill lines with no header), marking an event
 * complete=false whenever part of its report is missing, and emitting what it
 * knows. It parses faithfully: it does not classify cgroup paths or compute
 * badness.
 *
 * Pure: no I/O, no clock, no globals. Memory is bounded: every text and list
 * has a cap (below) with a record of what was cut or dropped.
 */
#ifndef PODOOM_REPORT_H
#define PODOOM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/logline.h"
#include "podoom/report_format.h"

/* The kernel's comm is at most 15 bytes (TASK_COMM_LEN 16, include/linux/sched.h);
 * the rest is room for damaged input, which is cut and flagged. */
#define PODOOM_OOM_COMM_MAX 32
/* cgroup paths: a Kubernetes systemd-driver container path is ~200 bytes */
#define PODOOM_OOM_PATH_MAX 512
#define PODOOM_OOM_NODELIST_MAX 64
#define PODOOM_OOM_GFP_FLAGS_MAX 192
#define PODOOM_OOM_HOST_MAX 64
/* Task table rows kept per event. A global OOM lists every process of the
 * host; beyond this the rows are counted in tasks_dropped. */
#define PODOOM_OOM_TASKS_MAX 4096
/* Kills after the victim (memory.oom.group members, mm sharers) kept per event. */
#define PODOOM_OOM_KILLS_MAX 256
/* Longest message handled, wrapped continuations included; longer is cut. */
#define PODOOM_REPORT_LINE_MAX 8192
/* Finished events held until _next_event(); when full the oldest is dropped. */
#define PODOOM_REPORT_QUEUE_MAX 8
/* A finished event waits this long (log time) for its oom_reaper lines:
 * OOM_REAPER_DELAY 2 s + MAX_OOM_REAP_RETRIES 10 x HZ/10 (mm/oom_kill.c K6.18), plus margin. */
#define PODOOM_REPORT_REAPER_WAIT_USEC (5u * 1000000u)
/* ... or this many lines when the lines carry no time. */
#define PODOOM_REPORT_REAPER_WAIT_LINES 1000

enum podoom_report_scope {
	PODOOM_OOM_SCOPE_UNKNOWN,
	PODOOM_OOM_SCOPE_GLOBAL, /* the node ran out (also cpuset / mempolicy constrained) */
	PODOOM_OOM_SCOPE_MEMCG,	 /* a memory cgroup hit its limit */
	PODOOM_OOM_SCOPE_COUNT
};

/* What the scope was decided from, weakest first. */
enum podoom_oom_evidence {
	PODOOM_OOM_EVIDENCE_NONE,
	PODOOM_OOM_EVIDENCE_STACK,	/* the caller of out_of_memory() in the stack dump */
	PODOOM_OOM_EVIDENCE_SHOW_MEM,	/* Mem-Info / pages reserved: printed only for global OOMs */
	PODOOM_OOM_EVIDENCE_MEMCG_INFO, /* Task in / memory: usage / Memory cgroup stats lines */
	PODOOM_OOM_EVIDENCE_MESSAGE,	/* "Memory cgroup out of memory" vs "Out of memory" */
	PODOOM_OOM_EVIDENCE_SUMMARY,	/* oom-kill: constraint=, oom_memcg= or global_oom */
	PODOOM_OOM_EVIDENCE_COUNT
};

/* oom_constraint_text[] of mm/oom_kill.c (K5.0+) */
enum podoom_oom_constraint {
	PODOOM_OOM_CONSTRAINT_UNKNOWN, /* not printed (no oom-kill: line) or not recognised */
	PODOOM_OOM_CONSTRAINT_NONE,
	PODOOM_OOM_CONSTRAINT_CPUSET,
	PODOOM_OOM_CONSTRAINT_MEMORY_POLICY,
	PODOOM_OOM_CONSTRAINT_MEMCG,
	PODOOM_OOM_CONSTRAINT_COUNT
};

enum podoom_oom_outcome {
	PODOOM_OOM_OUTCOME_UNKNOWN,	   /* the report ends before its outcome */
	PODOOM_OOM_OUTCOME_KILLED,	   /* a Killed process line (or a reaper line) */
	PODOOM_OOM_OUTCOME_NO_KILLABLE,	   /* "Out of memory and no killable processes..." */
	PODOOM_OOM_OUTCOME_VICTIM_EXITING, /* "OOM victim N (c) is already exiting" */
	PODOOM_OOM_OUTCOME_COUNT
};

enum podoom_oom_kill_reason {
	PODOOM_OOM_KILL_VICTIM,	   /* the task the OOM killer chose */
	PODOOM_OOM_KILL_GROUP,	   /* a member of a memory.oom.group cgroup */
	PODOOM_OOM_KILL_SHARED_MM, /* "Kill process N (c) sharing same memory" (<= 3.10) */
	PODOOM_OOM_KILL_REASON_COUNT
};

/* Where a kill's fields came from. */
enum podoom_oom_source {
	PODOOM_OOM_SOURCE_NONE,
	PODOOM_OOM_SOURCE_KILLED_LINE, /* Killed process / OOM victim ... is already exiting */
	PODOOM_OOM_SOURCE_SUMMARY,     /* oom-kill: task=,pid=,uid= only */
	PODOOM_OOM_SOURCE_REAPER,      /* oom_reaper line only */
	PODOOM_OOM_SOURCE_COUNT
};

/* Text fields of an event; bit (1 << f) of cut_texts says it was cut, by the
 * input (a truncated line) or by our cap. */
enum podoom_oom_text {
	PODOOM_OOM_TEXT_HOST,
	PODOOM_OOM_TEXT_TRIGGER_COMM,
	PODOOM_OOM_TEXT_GFP_FLAGS,
	PODOOM_OOM_TEXT_NODEMASK,
	PODOOM_OOM_TEXT_CPUSET,
	PODOOM_OOM_TEXT_MEMS_ALLOWED,
	PODOOM_OOM_TEXT_OOM_MEMCG,
	PODOOM_OOM_TEXT_TASK_MEMCG,
	PODOOM_OOM_TEXT_STATS_MEMCG,
	PODOOM_OOM_TEXT_GROUP_MEMCG,
	PODOOM_OOM_TEXT_SELECTED_COMM,
	PODOOM_OOM_TEXT_SUMMARY_COMM,
	PODOOM_OOM_TEXT_VICTIM_COMM,
	PODOOM_OOM_TEXT_KILL_COMM, /* any of kills[] */
	PODOOM_OOM_TEXT_TASK_NAME, /* any task table row */
	PODOOM_OOM_TEXT_COUNT
};

/* Time of a line as its transport gave it (struct podoom_logline). */
struct podoom_oom_time {
	bool has_mono;
	uint64_t mono_usec;
	bool has_wall;
	int64_t wall_usec;
	bool has_seq;
	uint64_t seq;
	uint64_t line_no; /* 1-based line of the input */
};

/* One "memory:/memory+swap:/kmem:/swap: usage %llukB, limit %llukB, failcnt %lu" line. */
struct podoom_oom_counter {
	bool present;
	uint64_t usage_bytes; /* printed in kB; UINT64_MAX if it would overflow */
	uint64_t limit_bytes; /* "unlimited" prints 9007199254740988 kB (page_counter) or
				 9007199254740991 kB (res_counter, 3.10 .. RHEL 7.2) */
	uint64_t failcnt;     /* 6.18 v2 prints memory.events max / swap_max here */
};

/* The task that invoked the OOM killer ("<comm> invoked oom-killer: ..."). */
struct podoom_oom_trigger {
	bool present; /* the header line was seen */
	char comm[PODOOM_OOM_COMM_MAX]; /* the allocating THREAD's comm */
	bool has_pid;			/* from the dump_stack() line that follows */
	int32_t pid;
	bool has_uid; /* "CPU: N UID: U PID: P" (6.x) */
	uint32_t uid;
	bool has_cpu;
	uint32_t cpu;
	uint64_t gfp_mask;
	char gfp_flags[PODOOM_OOM_GFP_FLAGS_MAX]; /* "GFP_KERNEL", ""; 4.14+ print names */
	int32_t order;
	bool has_oom_score_adj; /* the allocating task's, not the victim's */
	int32_t oom_score_adj;
	bool has_oom_adj; /* legacy "oomkilladj=" (<= 2.6.35) or "oom_adj=" (2.6.36 .. 3.x) */
	int32_t oom_adj;
};

/* One task table row. Which columns exist depends on table_layout; the others are 0. */
struct podoom_oom_task {
	int32_t pid; /* of the thread that still has the mm, normally the leader */
	int32_t tgid;
	uint32_t uid; /* host uid */
	uint64_t total_vm_pages;
	uint64_t rss_pages;
	uint64_t rss_anon_pages;  /* 6.8+ */
	uint64_t rss_file_pages;  /* 6.8+ */
	uint64_t rss_shmem_pages; /* 6.8+ */
	int64_t pgtables_bytes;	  /* 4.15+ */
	int64_t nr_ptes;	  /* 3.10 .. 4.14 */
	int64_t nr_pmds;	  /* 4.0 .. 4.14 */
	uint64_t swapents_pages;
	int32_t oom_score_adj;
	int32_t oom_adj; /* 2.6.36 .. 3.x layout */
	uint32_t cpu;	 /* 2.6.36 .. 3.x layout */
	char name[PODOOM_OOM_COMM_MAX];
};

/* "<msg>: Kill process N (c) score S or sacrifice child" (<= 5.0): the selected
 * task, which may be a thread or the parent of the task actually killed. */
struct podoom_oom_selected {
	bool present;
	int32_t pid;
	char comm[PODOOM_OOM_COMM_MAX];
	bool has_score;
	int64_t score; /* points * 1000 / totalpages, may exceed 1000 */
	enum podoom_report_message message;
};

/* One killed task, as the Killed line printed it (values in kB). */
struct podoom_oom_kill {
	enum podoom_oom_kill_reason reason;
	enum podoom_oom_source source;
	bool line_whole; /* its line was read to the end */
	enum podoom_report_message message; /* prefix of the Killed line (5.2+), else NONE */
	int32_t pid;
	char comm[PODOOM_OOM_COMM_MAX];
	bool has_uid;
	uint32_t uid;
	bool has_vm; /* total-vm, anon-rss, file-rss */
	uint64_t total_vm_kb;
	uint64_t anon_rss_kb;
	uint64_t file_rss_kb;
	bool has_shmem_rss; /* 4.14+ */
	uint64_t shmem_rss_kb;
	bool has_pgtables; /* 5.4+ */
	uint64_t pgtables_kb;
	bool has_oom_score_adj; /* 5.4+ Killed line: the victim's */
	int32_t oom_score_adj;
	struct podoom_oom_time time;
	bool reaped; /* "oom_reaper: reaped process N (c), now anon-rss:..." */
	bool reap_failed; /* "oom_reaper: unable to reap pid:N (c)" */
	uint64_t reaped_anon_rss_kb;
	uint64_t reaped_file_rss_kb;
	uint64_t reaped_shmem_rss_kb;
};

struct podoom_oom_event {
	struct podoom_oom_time start; /* the event's first line */
	uint64_t line_last;	      /* its last line */
	unsigned lines;		      /* lines attributed to it */
	char host[PODOOM_OOM_HOST_MAX];

	uint32_t era_mask;  /* PODOOM_REPORT_ERA_BIT()s of the format eras every line fits */
	bool era_conflict;  /* some line fitted none of those (vendor or stable backport) */
	enum podoom_report_scope scope;
	enum podoom_oom_evidence scope_evidence;
	enum podoom_oom_outcome outcome;
	bool complete; /* header to outcome seen, nothing cut, no line of its era missing */
	bool damaged;  /* a line of it was cut short or could not be read whole */
	unsigned quirks;    /* PODOOM_REPORT_QUIRK_* seen on its lines */
	uint32_t cut_texts; /* (1 << enum podoom_oom_text) of the texts that were cut */

	struct podoom_oom_trigger trigger;

	/* where: the cpuset line (<= 4.20) or the oom-kill: line (5.0+), "Task in"
	 * (<= 4.20) or oom_memcg=/task_memcg= (5.0+) */
	enum podoom_oom_constraint constraint;
	char nodemask[PODOOM_OOM_NODELIST_MAX]; /* header (4.14 .. 4.20) or oom-kill: line */
	char cpuset[PODOOM_OOM_PATH_MAX];	/* the allocating task's cpuset cgroup name */
	char mems_allowed[PODOOM_OOM_NODELIST_MAX];
	bool global_oom;		       /* the oom-kill: line said global_oom */
	char oom_memcg[PODOOM_OOM_PATH_MAX];   /* whose limit was hit */
	char task_memcg[PODOOM_OOM_PATH_MAX];  /* the victim's memcg */
	char stats_memcg[PODOOM_OOM_PATH_MAX]; /* the first "Memory cgroup stats for" path */
	unsigned stats_lines;		       /* memcg stats lines (one-liners or memory.stat keys) */

	uint64_t ram_pages; /* show_mem's "N pages RAM" (global OOMs print it), 0 when absent */
	char kernel_release[64]; /* from the dump_stack "CPU: ... Comm: c Not tainted <release> #n" line, or "" */

	struct podoom_oom_counter memory;
	struct podoom_oom_counter memsw; /* v1 memory+swap */
	struct podoom_oom_counter kmem;	 /* v1 */
	struct podoom_oom_counter swap;	 /* v2 (5.3+) */

	bool has_summary; /* the oom-kill: line; its task: */
	int32_t summary_pid;
	char summary_comm[PODOOM_OOM_COMM_MAX];
	uint32_t summary_uid;

	enum podoom_report_table_layout table_layout;
	struct podoom_oom_task *tasks; /* owned; n_tasks rows in printed order */
	size_t n_tasks;
	size_t tasks_dropped; /* rows beyond PODOOM_OOM_TASKS_MAX, or cut rows */

	struct podoom_oom_selected selected;

	bool has_victim;
	struct podoom_oom_kill victim;

	bool group_kill; /* "Tasks in X are going to be killed due to memory.oom.group set" */
	char group_memcg[PODOOM_OOM_PATH_MAX];
	struct podoom_oom_kill *kills; /* owned; kills after the victim (group, shared mm) */
	size_t n_kills;
	size_t kills_dropped;
};

/* Counters of one parser, for diagnostics. */
struct podoom_report_parser_stats {
	uint64_t lines;		/* pushed */
	uint64_t lines_matched; /* recognised as a report line */
	uint64_t lines_joined;	/* wrapped or pr_cont continuations joined to the line before */
	uint64_t lines_cut;	/* longer than PODOOM_REPORT_LINE_MAX */
	uint64_t events;	/* finished */
	uint64_t events_dropped; /* overwritten in a full queue */
	uint64_t reaper_late;	 /* reaper lines for an event already returned */
};

struct podoom_report_parser;

/*
 * podoom_report_parser_new() - a parser with nothing pushed yet.
 * @ret: the parser, owned by the caller (podoom_report_parser_free).
 * Return: 0; -ENOMEM. *ret is untouched on error.
 */
int podoom_report_parser_new(struct podoom_report_parser **ret);

/* podoom_report_parser_free() - free @p and any events not yet returned. NULL is fine. */
void podoom_report_parser_free(struct podoom_report_parser *p);

/*
 * podoom_report_parser_push() - feed one line. Borrows @line for the call
 * only. A message containing newlines (or "\x0a" escapes in a /dev/kmsg
 * record) is read as several lines. A line is held until the next one shows
 * whether it continues it, so an event finishes one push after its last line
 * at the earliest; podoom_report_parser_finish() releases everything.
 * Return: the number of finished events ready for _next_event() (>= 0);
 * -EINVAL for a NULL argument. Lack of memory is not an error: rows or kills
 * that cannot be stored are counted as dropped in their event.
 */
int podoom_report_parser_push(struct podoom_report_parser *p, const struct podoom_logline *line);

/*
 * podoom_report_parser_finish() - end of input (or an idle moment in a live
 * stream): finish the open event and the one waiting for reaper lines. The
 * parser stays usable. Return: the number of events ready (>= 0); -EINVAL
 * for NULL.
 */
int podoom_report_parser_finish(struct podoom_report_parser *p);

/*
 * podoom_report_parser_next_event() - take the oldest finished event.
 * @ret: receives the event; the caller owns its tasks[] and kills[] and must
 * call podoom_oom_event_fini() on it. Whatever *ret held is overwritten, not freed.
 * Return: 0; -EAGAIN no event is ready (push more lines or finish);
 * -EINVAL for NULL. *ret is untouched unless 0 is returned.
 */
int podoom_report_parser_next_event(struct podoom_report_parser *p, struct podoom_oom_event *ret);

/* podoom_report_parser_get_stats() - a copy of @p's counters. */
void podoom_report_parser_get_stats(const struct podoom_report_parser *p, struct podoom_report_parser_stats *ret);

/*
 * podoom_oom_event_fini() - free what @ev owns (tasks[], kills[]) and zero
 * those fields. NULL is fine; calling it twice is fine.
 */
void podoom_oom_event_fini(struct podoom_oom_event *ev);

/*
 * podoom_oom_event_find_task() - the first task table row of @ev with @pid.
 * Borrows @ev. Return: the row, or NULL when the table has no such pid.
 */
const struct podoom_oom_task *podoom_oom_event_find_task(const struct podoom_oom_event *ev, int32_t pid);

/* Stable names: "memcg", "global", "unknown"; "CONSTRAINT_MEMCG", ...;
 * "killed", ...; "victim", "group", "shared_mm"; "stack", .... NULL when out of range. */
const char *podoom_report_scope_to_string(enum podoom_report_scope scope);
const char *podoom_oom_constraint_to_string(enum podoom_oom_constraint constraint);
const char *podoom_oom_outcome_to_string(enum podoom_oom_outcome outcome);
const char *podoom_oom_kill_reason_to_string(enum podoom_oom_kill_reason reason);
const char *podoom_oom_evidence_to_string(enum podoom_oom_evidence evidence);
const char *podoom_oom_source_to_string(enum podoom_oom_source source);

#endif
