/*
 * report_format.c - the OOM report line shapes of every kernel format era,
 * and the template interpreter that parses and formats one line.
 *
 * The format strings are those of reference/kernel.md §11 (verbatim from the
 * trees listed in its §0: K3.10 = 3.10.105, KEL7 = 3.10.0-1160.el7, K4.4 =
 * 4.4.155, K4.14 = 4.14.177, K4.15, KEL8 = 4.18.0-147, K4.19 = 4.19.78, K5.0 =
 * 5.0.1, K5.2, K5.3, K5.4 = 5.4.18, K6.1, K6.6, K6.8, K6.18 = 6.18.2). The
 * 2.6.22 lines are from torvalds/linux mm/oom_kill.c @ 01017a22; the 2.6.36 ..
 * 3.x and RHEL 6 header and table from the dump_header()/dump_tasks() format
 * strings "order=%d, oom_adj=%d, oom_score_adj=%d" and "[%5d] %5d %5d %8lu
 * %8lu %3u     %3d         %5d %s"; the RHEL 6 Killed line from 2.6.32-el6
 * oom_kill_task() "Killed process %d, UID %d, (%s) total-vm:...".
 */
#include "podoom/report_format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define E(x) PODOOM_REPORT_ERA_BIT(PODOOM_REPORT_ERA_##x)

/* era sets used by several shapes */
#define ERAS_SINCE_5_0 (E(5_0) | E(5_2) | E(5_3) | E(5_4) | E(6_8))
#define ERAS_SINCE_4_19 (E(4_19) | ERAS_SINCE_5_0)
#define ERAS_SINCE_4_14 (E(4_14) | E(4_15) | E(RHEL8) | ERAS_SINCE_4_19)
#define ERAS_SINCE_3_10 (E(3_10) | E(RHEL7) | E(4_4) | ERAS_SINCE_4_14)
#define ERAS_SINCE_2_6_36 (E(2_6_36) | E(RHEL6) | ERAS_SINCE_3_10)
#define ERAS_SINCE_5_3 (E(5_3) | E(5_4) | E(6_8))
#define ERAS_CPUSET_LINE \
	(E(2_6_36) | E(RHEL6) | E(3_10) | E(RHEL7) | E(4_4) | E(4_14) | E(4_15) | E(RHEL8) | E(4_19))
#define ERAS_SELECT_LINE \
	(E(2_6_36) | E(RHEL6) | E(3_10) | E(RHEL7) | E(4_4) | E(4_14) | E(4_15) | E(4_19) | E(5_0))

#define L(k) PODOOM_REPORT_LINE_##k
#define T(k) PODOOM_REPORT_TABLE_##k

/* the "<memory values> kB" tail shared by the Killed lines */
#define KILLED_VM "total-vm:{total_vm_kb}kB, anon-rss:{anon_rss_kb}kB, file-rss:{file_rss_kb}kB"
#define MEMCG_COUNTER "usage {usage_kb}kB, limit {limit_kb}kB, failcnt {failcnt}"
#define INVOKED "{comm} invoked oom-killer: "
#define ROW_HEAD "[{pid:5}] {uid:5} {tgid:5} {total_vm:8} {rss:8} "
#define ROW_HEAD_7 "[{pid:7}] {uid:5} {tgid:5} {total_vm:8} {rss:8} "
#define ROW_TAIL "{swapents:8}         {adj:5} {name}"
#define TABLE_HEAD "[ pid ]   uid  tgid total_vm      rss "
#define TABLE_HEAD_7 "[  pid  ]   uid  tgid total_vm      rss "
#define TABLE_TAIL "swapents oom_score_adj name"
#define SUMMARY_HEAD "oom-kill:constraint={constraint},nodemask={nodemask}"
#define SUMMARY_CPUSET ",cpuset={cpuset},mems_allowed={mems}"
#define SUMMARY_TAIL ",task_memcg={task_memcg},task={comm},pid={pid},uid={uid}"

static const struct podoom_report_shape shapes[] = {
	/* 11.1 header */
	{L(HEADER), E(2_6_22), T(NONE), INVOKED "gfp_mask={gfp_hex}, order={order}, oomkilladj={oom_adj}",
	 "mm/oom_kill.c out_of_memory() 2.6.22"},
	{L(HEADER), E(2_6_36) | E(RHEL6), T(NONE),
	 INVOKED "gfp_mask={gfp_hex}, order={order}, oom_adj={oom_adj}, oom_score_adj={adj}",
	 "mm/oom_kill.c dump_header() 2.6.36 .. 3.x, 2.6.32-el6"},
	{L(HEADER), E(3_10) | E(RHEL7) | E(4_4), T(NONE),
	 INVOKED "gfp_mask={gfp_hex}, order={order}, oom_score_adj={adj}",
	 "mm/oom_kill.c dump_header() K3.10, KEL7, K4.4"},
	{L(HEADER), E(4_14), T(NONE),
	 INVOKED "gfp_mask={gfp}, nodemask={nodemask},  order={order}, oom_score_adj={adj}",
	 "mm/oom_kill.c dump_header() K4.14 (pr_cont \",  order=%d\")"},
	{L(HEADER), E(4_15) | E(RHEL8) | E(4_19), T(NONE),
	 INVOKED "gfp_mask={gfp}, nodemask={nodemask}, order={order}, oom_score_adj={adj}",
	 "mm/oom_kill.c dump_header() K4.15, KEL8, K4.19, K4.20"},
	{L(HEADER), ERAS_SINCE_5_0, T(NONE), INVOKED "gfp_mask={gfp}, order={order}, oom_score_adj={adj}",
	 "mm/oom_kill.c dump_header() K5.0 .. K6.18"},
	/* 11.2 cpuset line */
	{L(CPUSET), ERAS_CPUSET_LINE, T(NONE), "{comm} cpuset={cpuset} mems_allowed={mems}",
	 "kernel/cpuset.c cpuset_print_task_mems_allowed() K3.10 .. K4.20"},
	/* dump_stack() */
	{L(CPU), E(2_6_22) | E(2_6_36) | E(RHEL6), T(NONE), "Pid: {pid}, comm: {rest}",
	 "arch/x86/kernel/dumpstack.c show_regs/dump_stack 2.6"},
	{L(CPU), ERAS_SINCE_3_10, T(NONE), "CPU: {cpu} PID: {pid} Comm: {rest}",
	 "lib/dump_stack.c dump_stack_print_info() 3.10 .. 6.x"},
	{L(CPU), E(6_8), T(NONE), "CPU: {cpu} UID: {uid} PID: {pid} Comm: {rest}",
	 "lib/dump_stack.c dump_stack_print_info() 6.x (samples 30, 31)"},
	/* 11.3 memcg context */
	{L(TASK_IN), ERAS_SINCE_2_6_36 & ~ERAS_SINCE_5_0, T(NONE),
	 "Task in {task_memcg} killed as a result of limit of {oom_memcg}",
	 "mm/memcontrol.c mem_cgroup_print_oom_info() K3.10 .. K4.20, KEL8"},
	{L(LIMIT_REACHED), E(4_4) | E(4_14) | E(4_15) | E(RHEL8) | E(4_19), T(NONE),
	 "Memory limit reached of cgroup {oom_memcg}", "mm/memcontrol.c mem_cgroup_print_oom_info() K4.4 .. K4.20"},
	{L(MEMORY), ERAS_SINCE_2_6_36, T(NONE), "memory: " MEMCG_COUNTER,
	 "mm/memcontrol.c mem_cgroup_print_oom_info()/_meminfo() all"},
	{L(MEMSW), ERAS_SINCE_2_6_36, T(NONE), "memory+swap: " MEMCG_COUNTER,
	 "mm/memcontrol.c mem_cgroup_print_oom_info()/_meminfo() v1"},
	{L(SWAP), ERAS_SINCE_5_3, T(NONE), "swap: " MEMCG_COUNTER,
	 "mm/memcontrol.c mem_cgroup_print_oom_meminfo() K5.3+ v2"},
	{L(KMEM), ERAS_SINCE_3_10, T(NONE), "kmem: " MEMCG_COUNTER,
	 "mm/memcontrol.c mem_cgroup_print_oom_info()/_meminfo() K3.10+ v1"},
	{L(STATS_V1), ERAS_SINCE_3_10 & ~ERAS_SINCE_5_3, T(NONE), "Memory cgroup stats for {memcg}: {rest}",
	 "mm/memcontrol.c mem_cgroup_print_oom_info() K3.10 .. K5.2 (one line per memcg)"},
	{L(STATS_HEAD), ERAS_SINCE_5_3, T(NONE), "Memory cgroup stats for {memcg}:",
	 "mm/memcontrol.c mem_cgroup_print_oom_meminfo() K5.3+ (then memory.stat)"},
	/* show_mem() of a global OOM: evidence of scope only */
	{L(SHOW_MEM), PODOOM_REPORT_ERAS_ALL, T(NONE), "Mem-Info:", "mm/show_mem.c __show_mem()"},
	{L(SHOW_MEM), PODOOM_REPORT_ERAS_ALL, T(NONE), "{count_pages} pages RAM", "mm/show_mem.c __show_mem()"},
	{L(SHOW_MEM), PODOOM_REPORT_ERAS_ALL, T(NONE), "{count_pages} pages reserved",
	 "mm/show_mem.c __show_mem()"},
	{L(SHOW_MEM), ERAS_SINCE_2_6_36, T(NONE), "{count_pages} pages hwpoisoned", "mm/show_mem.c __show_mem()"},
	/* 11.4 task table */
	{L(TABLE_STATE), ERAS_SINCE_4_19, T(NONE), "Tasks state (memory values in pages):",
	 "mm/oom_kill.c dump_tasks() K4.19+"},
	{L(TABLE_HEADER), E(2_6_36) | E(RHEL6), T(CPU_OOM_ADJ), TABLE_HEAD "cpu oom_adj oom_score_adj name",
	 "mm/oom_kill.c dump_tasks() 2.6.36 .. 3.x, 2.6.32-el6"},
	{L(TABLE_HEADER), E(3_10) | E(RHEL7), T(NR_PTES), TABLE_HEAD "nr_ptes " TABLE_TAIL,
	 "mm/oom_kill.c dump_tasks() K3.10, KEL7"},
	{L(TABLE_HEADER), E(4_4) | E(4_14), T(NR_PMDS), TABLE_HEAD "nr_ptes nr_pmds " TABLE_TAIL,
	 "mm/oom_kill.c dump_tasks() K4.4, K4.14"},
	{L(TABLE_HEADER), E(4_15) | E(RHEL8), T(PGTABLES), TABLE_HEAD "pgtables_bytes " TABLE_TAIL,
	 "mm/oom_kill.c dump_tasks() K4.15, KEL8"},
	{L(TABLE_HEADER), ERAS_SINCE_4_19 & ~E(6_8), T(PGTABLES_7), TABLE_HEAD_7 "pgtables_bytes " TABLE_TAIL,
	 "mm/oom_kill.c dump_tasks() K4.19 .. K6.6"},
	{L(TABLE_HEADER), E(6_8), T(RSS_SPLIT),
	 TABLE_HEAD_7 "rss_anon rss_file rss_shmem pgtables_bytes " TABLE_TAIL,
	 "mm/oom_kill.c dump_tasks() K6.8, K6.18"},
	{L(TABLE_ROW), E(2_6_36) | E(RHEL6), T(CPU_OOM_ADJ),
	 ROW_HEAD "{cpu:3}     {oom_adj:3}         {adj:5} {name}", "mm/oom_kill.c dump_tasks() 2.6.36 .. 3.x"},
	{L(TABLE_ROW), E(3_10) | E(RHEL7), T(NR_PTES), ROW_HEAD "{nr_ptes:7} " ROW_TAIL,
	 "mm/oom_kill.c dump_tasks() K3.10 (KEL7 %7ld)"},
	{L(TABLE_ROW), E(4_4) | E(4_14), T(NR_PMDS), ROW_HEAD "{nr_ptes:7} {nr_pmds:7} " ROW_TAIL,
	 "mm/oom_kill.c dump_tasks() K4.4, K4.14"},
	{L(TABLE_ROW), E(4_15) | E(RHEL8), T(PGTABLES), ROW_HEAD "{pgtables_bytes:8} " ROW_TAIL,
	 "mm/oom_kill.c dump_tasks() K4.15, KEL8"},
	{L(TABLE_ROW), ERAS_SINCE_4_19 & ~E(6_8), T(PGTABLES_7), ROW_HEAD_7 "{pgtables_bytes:8} " ROW_TAIL,
	 "mm/oom_kill.c dump_task() K4.19 .. K6.6"},
	{L(TABLE_ROW), E(6_8), T(RSS_SPLIT),
	 ROW_HEAD_7 "{rss_anon:8} {rss_file:8} {rss_shmem:9} {pgtables_bytes:8} " ROW_TAIL,
	 "mm/oom_kill.c dump_task() K6.8, K6.18"},
	/* 11.5 oom-kill summary */
	{L(OOM_KILL), ERAS_SINCE_5_0, T(NONE), SUMMARY_HEAD SUMMARY_CPUSET ",oom_memcg={oom_memcg}" SUMMARY_TAIL,
	 "mm/oom_kill.c dump_oom_summary() K5.0 .. K6.1, dump_oom_victim() K6.18"},
	{L(OOM_KILL), ERAS_SINCE_5_0, T(NONE), SUMMARY_HEAD SUMMARY_CPUSET ",global_oom" SUMMARY_TAIL,
	 "mm/oom_kill.c dump_oom_summary(), mem_cgroup_print_oom_context() without a memcg"},
	{L(OOM_KILL), ERAS_SINCE_5_0, T(NONE), SUMMARY_HEAD ",oom_memcg={oom_memcg}" SUMMARY_TAIL,
	 "mm/oom_kill.c dump_oom_summary() without CONFIG_CPUSETS"},
	{L(OOM_KILL), ERAS_SINCE_5_0, T(NONE), SUMMARY_HEAD ",global_oom" SUMMARY_TAIL,
	 "mm/oom_kill.c dump_oom_summary() without CONFIG_CPUSETS, global"},
	/* 11.6 kill lines */
	{L(SELECT), E(2_6_22), T(NONE), "Out of Memory: Kill process {pid} ({comm}) score {score} and children.",
	 "mm/oom_kill.c oom_kill_process() 2.6.22"},
	{L(SELECT), ERAS_SELECT_LINE, T(NONE), "{msg}: Kill process {pid} ({comm}) score {score} or sacrifice child",
	 "mm/oom_kill.c oom_kill_process() K3.10 .. K5.0.1"},
	{L(KILLED), E(2_6_22), T(NONE), "{msg}: Killed process {pid} ({comm}).",
	 "mm/oom_kill.c __oom_kill_task() 2.6.22"},
	{L(KILLED), E(RHEL6), T(NONE), "Killed process {pid}, UID {uid}, ({comm}) " KILLED_VM,
	 "mm/oom_kill.c oom_kill_task() 2.6.32-el6"},
	{L(KILLED), E(2_6_36) | E(3_10) | E(4_4), T(NONE), "Killed process {pid} ({comm}) " KILLED_VM,
	 "mm/oom_kill.c oom_kill_process() K3.10, K4.4"},
	{L(KILLED), E(RHEL7), T(NONE),
	 "Killed process {pid} ({comm}), UID {uid}, " KILLED_VM ", shmem-rss:{shmem_rss_kb}kB",
	 "mm/oom_kill.c oom_kill_process() KEL7"},
	{L(KILLED), E(4_14) | E(4_15) | E(4_19) | E(5_0), T(NONE),
	 "Killed process {pid} ({comm}) " KILLED_VM ", shmem-rss:{shmem_rss_kb}kB",
	 "mm/oom_kill.c __oom_kill_process() K4.14 .. K5.0"},
	{L(KILLED), E(RHEL8) | E(5_2) | E(5_3), T(NONE),
	 "{msg}: Killed process {pid} ({comm}) " KILLED_VM ", shmem-rss:{shmem_rss_kb}kB",
	 "mm/oom_kill.c __oom_kill_process() KEL8, K5.2, K5.3"},
	{L(KILLED), E(5_4) | E(6_8), T(NONE),
	 "{msg}: Killed process {pid} ({comm}) " KILLED_VM
	 ", shmem-rss:{shmem_rss_kb}kB, UID:{uid} pgtables:{pgtables_kb}kB oom_score_adj:{adj}",
	 "mm/oom_kill.c __oom_kill_process() K5.4.18 .. K6.18"},
	{L(SHARED), E(2_6_36) | E(RHEL6) | E(3_10), T(NONE), "Kill process {pid} ({comm}) sharing same memory",
	 "mm/oom_kill.c oom_kill_process() K3.10"},
	/* 11.7 other lines */
	{L(GROUP), ERAS_SINCE_4_19, T(NONE), "Tasks in {memcg} are going to be killed due to memory.oom.group set",
	 "mm/memcontrol.c mem_cgroup_print_oom_group() K4.19+"},
	{L(EXITING), E(5_4) | E(6_8), T(NONE),
	 "{msg}: OOM victim {pid} ({comm}) is already exiting. Skip killing the task",
	 "mm/oom_kill.c __oom_kill_process() K5.10+"},
	{L(NO_KILLABLE), PODOOM_REPORT_ERAS_ALL, T(NONE), "Out of memory and no killable processes...",
	 "mm/oom_kill.c out_of_memory()"},
	{L(REAPED), ERAS_SINCE_4_14, T(NONE),
	 "oom_reaper: reaped process {pid} ({comm}), now anon-rss:{anon_rss_kb}kB, file-rss:{file_rss_kb}kB, "
	 "shmem-rss:{shmem_rss_kb}kB",
	 "mm/oom_kill.c oom_reap_task_mm() K4.14 .. K6.18"},
	{L(REAP_FAILED), ERAS_SINCE_4_14, T(NONE), "oom_reaper: unable to reap pid:{pid} ({comm})",
	 "mm/oom_kill.c oom_reap_task() K4.14 .. K6.18"},
};

#undef L
#undef T

static const struct {
	const char *name;
	enum podoom_report_field_type type;
} fields[PODOOM_REPORT_FIELD_COUNT] = {
	[PODOOM_REPORT_FIELD_COMM] = {"comm", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_PID] = {"pid", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_UID] = {"uid", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_TGID] = {"tgid", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_CPU] = {"cpu", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_GFP_HEX] = {"gfp_hex", PODOOM_REPORT_TYPE_GFP_HEX},
	[PODOOM_REPORT_FIELD_GFP] = {"gfp", PODOOM_REPORT_TYPE_GFP_SYM},
	[PODOOM_REPORT_FIELD_ORDER] = {"order", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_ADJ] = {"adj", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_OOM_ADJ] = {"oom_adj", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_NODEMASK] = {"nodemask", PODOOM_REPORT_TYPE_NODELIST},
	[PODOOM_REPORT_FIELD_CPUSET] = {"cpuset", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_MEMS] = {"mems", PODOOM_REPORT_TYPE_NODELIST},
	[PODOOM_REPORT_FIELD_CONSTRAINT] = {"constraint", PODOOM_REPORT_TYPE_WORD},
	[PODOOM_REPORT_FIELD_OOM_MEMCG] = {"oom_memcg", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_TASK_MEMCG] = {"task_memcg", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_MEMCG] = {"memcg", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_MSG] = {"msg", PODOOM_REPORT_TYPE_MSG},
	[PODOOM_REPORT_FIELD_SCORE] = {"score", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_TOTAL_VM_KB] = {"total_vm_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_ANON_RSS_KB] = {"anon_rss_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_FILE_RSS_KB] = {"file_rss_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_SHMEM_RSS_KB] = {"shmem_rss_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_PGTABLES_KB] = {"pgtables_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_USAGE_KB] = {"usage_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_LIMIT_KB] = {"limit_kb", PODOOM_REPORT_TYPE_KB},
	[PODOOM_REPORT_FIELD_FAILCNT] = {"failcnt", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_TOTAL_VM] = {"total_vm", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_RSS] = {"rss", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_RSS_ANON] = {"rss_anon", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_RSS_FILE] = {"rss_file", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_RSS_SHMEM] = {"rss_shmem", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_NR_PTES] = {"nr_ptes", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_NR_PMDS] = {"nr_pmds", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_PGTABLES_BYTES] = {"pgtables_bytes", PODOOM_REPORT_TYPE_INT},
	[PODOOM_REPORT_FIELD_SWAPENTS] = {"swapents", PODOOM_REPORT_TYPE_UINT},
	[PODOOM_REPORT_FIELD_NAME] = {"name", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_REST] = {"rest", PODOOM_REPORT_TYPE_TEXT},
	[PODOOM_REPORT_FIELD_COUNT_PAGES] = {"count_pages", PODOOM_REPORT_TYPE_UINT},
};

/* longest first, so "Out of memory (oom_kill_allocating_task)" wins over "Out of memory" */
static const enum podoom_report_message messages_by_length[] = {
	PODOOM_REPORT_MESSAGE_ALLOCATING_TASK, PODOOM_REPORT_MESSAGE_MEMCG,
	PODOOM_REPORT_MESSAGE_MPOL_BIND,       PODOOM_REPORT_MESSAGE_CPUSET,
	PODOOM_REPORT_MESSAGE_GLOBAL,
};

static const char *const message_names[PODOOM_REPORT_MESSAGE_COUNT] = {
	[PODOOM_REPORT_MESSAGE_NONE] = "",
	[PODOOM_REPORT_MESSAGE_MEMCG] = "Memory cgroup out of memory",
	[PODOOM_REPORT_MESSAGE_GLOBAL] = "Out of memory",
	[PODOOM_REPORT_MESSAGE_ALLOCATING_TASK] = "Out of memory (oom_kill_allocating_task)",
	[PODOOM_REPORT_MESSAGE_MPOL_BIND] = "No available memory (MPOL_BIND)",
	[PODOOM_REPORT_MESSAGE_CPUSET] = "No available memory in cpuset",
};

static const char *const era_names[PODOOM_REPORT_ERA_COUNT] = {
	"2.6.22", "2.6.36", "rhel6", "3.10", "rhel7", "4.4", "4.14", "4.15",
	"rhel8",  "4.19",   "5.0",	 "5.2",	 "5.3",	  "5.4", "6.8",
};

static const char *const kind_names[PODOOM_REPORT_LINE_KIND_COUNT] = {
	"header",     "cpuset",	     "cpu",	    "task_in",	   "limit_reached", "memory",
	"memsw",      "swap",	     "kmem",	    "stats_v1",	   "stats_head",    "show_mem",
	"table_state", "table_header", "table_row", "oom_kill",	   "select",	    "killed",
	"shared",     "group",	     "exiting",	    "no_killable", "reaped",	    "reap_failed",
};

static const char *const layout_names[PODOOM_REPORT_TABLE_COUNT] = {
	"none", "cpu_oom_adj", "nr_ptes", "nr_pmds", "pgtables", "pgtables_7", "rss_split",
};

const struct podoom_report_shape *podoom_report_shapes(size_t *ret_count)
{
	*ret_count = sizeof(shapes) / sizeof(shapes[0]);
	return shapes;
}

const char *podoom_report_era_to_string(enum podoom_report_era era)
{
	return (unsigned)era < PODOOM_REPORT_ERA_COUNT ? era_names[era] : NULL;
}

int podoom_report_era_from_string(const char *s, size_t len, enum podoom_report_era *ret)
{
	for (unsigned e = 0; e < PODOOM_REPORT_ERA_COUNT; e++)
		if (strlen(era_names[e]) == len && memcmp(era_names[e], s, len) == 0) {
			*ret = (enum podoom_report_era)e;
			return 0;
		}
	return -EINVAL;
}

const char *podoom_report_line_kind_to_string(enum podoom_report_line_kind kind)
{
	return (unsigned)kind < PODOOM_REPORT_LINE_KIND_COUNT ? kind_names[kind] : NULL;
}

const char *podoom_report_field_to_string(enum podoom_report_field field)
{
	return (unsigned)field < PODOOM_REPORT_FIELD_COUNT ? fields[field].name : NULL;
}

const char *podoom_report_table_layout_to_string(enum podoom_report_table_layout layout)
{
	return (unsigned)layout < PODOOM_REPORT_TABLE_COUNT ? layout_names[layout] : NULL;
}

const char *podoom_report_message_to_string(enum podoom_report_message message)
{
	return (unsigned)message < PODOOM_REPORT_MESSAGE_COUNT ? message_names[message] : NULL;
}

enum podoom_report_field_type podoom_report_field_type(enum podoom_report_field field)
{
	return (unsigned)field < PODOOM_REPORT_FIELD_COUNT ? fields[field].type : PODOOM_REPORT_TYPE_COUNT;
}

uint32_t podoom_report_line_kind_eras(enum podoom_report_line_kind kind)
{
	uint32_t m = 0;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (shapes[i].kind == kind)
			m |= shapes[i].eras;
	return m;
}

/* ---- templates ---- */

static int field_by_name(const char *s, size_t len)
{
	for (int f = 0; f < PODOOM_REPORT_FIELD_COUNT; f++)
		if (strlen(fields[f].name) == len && memcmp(fields[f].name, s, len) == 0)
			return f;
	return -1;
}

int podoom_report_shape_compile(const struct podoom_report_shape *shape, struct podoom_report_compiled *ret)
{
	struct podoom_report_compiled c;
	const char *t = shape->tmpl;
	size_t n = strlen(t), i = 0;

	if (n > PODOOM_REPORT_TEMPLATE_MAX)
		return -E2BIG;
	memset(&c, 0, sizeof(c));
	c.shape = shape;
	while (i < n) {
		struct podoom_report_token tok = {0};

		if (c.n_tokens >= PODOOM_REPORT_TOKENS_MAX)
			return -E2BIG;
		if (t[i] == '{') {
			size_t start = ++i, name_end;
			unsigned width = 0;
			int f;

			while (i < n && t[i] != '}' && t[i] != ':')
				i++;
			name_end = i;
			if (i < n && t[i] == ':')
				for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++)
					width = width * 10 + (unsigned)(t[i] - '0');
			if (i >= n || t[i] != '}' || width > 64)
				return -EINVAL;
			i++;
			f = field_by_name(t + start, name_end - start);
			if (f < 0)
				return -EINVAL;
			/* a field needs a literal before the next field: matching is greedy */
			if (c.n_tokens > 0 && c.tokens[c.n_tokens - 1].is_field)
				return -EINVAL;
			tok.is_field = true;
			tok.field = (uint8_t)f;
			tok.width = (uint8_t)width;
		} else {
			size_t start = i;

			while (i < n && t[i] != '{')
				i++;
			if (memchr(t + start, '}', i - start))
				return -EINVAL;
			tok.off = (uint16_t)start;
			tok.len = (uint16_t)(i - start);
		}
		c.tokens[c.n_tokens++] = tok;
	}
	*ret = c;
	return 0;
}

/* ---- parsing one line ---- */

enum step {
	STEP_OK,
	STEP_NOMATCH,
	STEP_CUT, /* the line ended */
};

struct scan {
	const char *s;
	size_t len;
	size_t pos;
	struct podoom_report_values *v;
	struct podoom_report_match *m;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void set_text(struct scan *sc, int f, size_t from, size_t to)
{
	sc->v->set |= UINT64_C(1) << f;
	sc->v->v[f].text = sc->s + from;
	sc->v->v[f].text_len = to - from;
}

/* Unsigned decimal; @thousands allows "1,234". Overflow is no match. */
static enum step scan_unsigned(struct scan *sc, bool thousands, uint64_t *out)
{
	uint64_t acc = 0;
	size_t digits = 0;

	if (sc->pos >= sc->len)
		return STEP_CUT;
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (is_digit(c)) {
			unsigned d = (unsigned)(c - '0');
			if (acc > (UINT64_MAX - d) / 10)
				return STEP_NOMATCH;
			acc = acc * 10 + d;
			digits++;
		} else if (c == ',' && thousands && digits > 0 && sc->pos + 1 < sc->len &&
			   is_digit(sc->s[sc->pos + 1])) {
			sc->m->quirks |= PODOOM_REPORT_QUIRK_THOUSANDS;
		} else {
			break;
		}
		sc->pos++;
	}
	if (digits == 0)
		return STEP_NOMATCH;
	*out = acc;
	return STEP_OK;
}

static enum step scan_int(struct scan *sc, int f)
{
	bool neg = false;
	uint64_t u;
	enum step st;

	if (sc->pos < sc->len && (sc->s[sc->pos] == '-' || sc->s[sc->pos] == '+')) {
		neg = sc->s[sc->pos] == '-';
		sc->pos++;
	}
	st = scan_unsigned(sc, false, &u);
	if (st != STEP_OK)
		return st;
	if (u > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
		return STEP_NOMATCH;
	sc->v->set |= UINT64_C(1) << f;
	sc->v->v[f].i = neg ? (int64_t)(0 - u) : (int64_t)u;
	return STEP_OK;
}

static enum step scan_hex(struct scan *sc, uint64_t *out)
{
	uint64_t acc = 0;
	size_t digits = 0;

	if (sc->pos >= sc->len)
		return STEP_CUT;
	if (sc->s[sc->pos] != '0')
		return STEP_NOMATCH;
	if (++sc->pos >= sc->len)
		return STEP_CUT;
	if (sc->s[sc->pos] != 'x')
		return STEP_NOMATCH;
	sc->pos++;
	while (sc->pos < sc->len && hex_value(sc->s[sc->pos]) >= 0) {
		if (acc >> 60)
			return STEP_NOMATCH;
		acc = acc << 4 | (unsigned)hex_value(sc->s[sc->pos]);
		sc->pos++;
		digits++;
	}
	if (digits == 0)
		return sc->pos >= sc->len ? STEP_CUT : STEP_NOMATCH;
	*out = acc;
	return STEP_OK;
}

/* "(null)" or a %*pbl node list such as "0", "0-1", "0-3,8-11"; may be empty */
static enum step scan_nodelist(struct scan *sc, int f)
{
	size_t start = sc->pos;
	static const char null_text[] = "(null)";

	if (sc->len - sc->pos >= sizeof(null_text) - 1 &&
	    memcmp(sc->s + sc->pos, null_text, sizeof(null_text) - 1) == 0) {
		sc->pos += sizeof(null_text) - 1;
	} else {
		while (sc->pos < sc->len && is_digit(sc->s[sc->pos])) {
			while (sc->pos < sc->len && is_digit(sc->s[sc->pos]))
				sc->pos++;
			if (sc->pos + 1 < sc->len && sc->s[sc->pos] == '-' && is_digit(sc->s[sc->pos + 1])) {
				sc->pos++;
				while (sc->pos < sc->len && is_digit(sc->s[sc->pos]))
					sc->pos++;
			}
			if (sc->pos + 1 < sc->len && sc->s[sc->pos] == ',' && is_digit(sc->s[sc->pos + 1]))
				sc->pos++;
			else
				break;
		}
	}
	set_text(sc, f, start, sc->pos);
	return STEP_OK;
}

static enum step scan_word(struct scan *sc, int f)
{
	size_t start = sc->pos;

	while (sc->pos < sc->len && ((sc->s[sc->pos] >= 'A' && sc->s[sc->pos] <= 'Z') || sc->s[sc->pos] == '_'))
		sc->pos++;
	if (sc->pos == start)
		return sc->pos >= sc->len ? STEP_CUT : STEP_NOMATCH;
	set_text(sc, f, start, sc->pos);
	return STEP_OK;
}

static enum step scan_msg(struct scan *sc, int f)
{
	size_t rest = sc->len - sc->pos;
	int prefix_of = -1, prefixes = 0;

	for (size_t i = 0; i < sizeof(messages_by_length) / sizeof(messages_by_length[0]); i++) {
		enum podoom_report_message m = messages_by_length[i];
		const char *name = message_names[m];
		size_t n = strlen(name);

		if (rest >= n && memcmp(sc->s + sc->pos, name, n) == 0) {
			sc->pos += n;
			sc->m->literal_bytes += n;
			sc->v->set |= UINT64_C(1) << f;
			sc->v->v[f].u = (uint64_t)m;
			return STEP_OK;
		}
		if (rest > 0 && rest < n && memcmp(sc->s + sc->pos, name, rest) == 0) {
			prefix_of = (int)m;
			prefixes++;
		}
	}
	if (prefixes == 0)
		return STEP_NOMATCH;
	/* the line ends inside a message: keep it when only one message fits */
	sc->m->literal_bytes += rest;
	sc->pos = sc->len;
	if (prefixes == 1) {
		sc->v->set |= UINT64_C(1) << f;
		sc->v->cut |= UINT64_C(1) << f;
		sc->v->v[f].u = (uint64_t)prefix_of;
	}
	return STEP_CUT;
}

/* The last occurrence of @needle in s[from, len), or len when none. */
static size_t find_last(const char *s, size_t from, size_t len, const char *needle, size_t n)
{
	size_t found = len;
	const char *p = s + from;
	size_t left = len - from;

	while (left >= n) {
		const char *q = memmem(p, left, needle, n);
		if (!q)
			break;
		found = (size_t)(q - s);
		left -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return found;
}

/* Free text up to the last occurrence of the next literal (or to the end). */
static enum step scan_text(struct scan *sc, int f, const char *term, size_t term_len)
{
	size_t start = sc->pos, end;

	if (term_len == 0) {
		set_text(sc, f, start, sc->len);
		sc->pos = sc->len;
		return STEP_OK;
	}
	end = find_last(sc->s, start, sc->len, term, term_len);
	if (end < sc->len) {
		set_text(sc, f, start, end);
		sc->pos = end;
		return STEP_OK;
	}
	/* no terminator: the line was cut inside the text or inside the terminator */
	end = sc->len;
	for (size_t k = term_len - 1; k > 0; k--)
		if (sc->len - start >= k && memcmp(sc->s + sc->len - k, term, k) == 0) {
			end = sc->len - k;
			break;
		}
	set_text(sc, f, start, end);
	sc->v->cut |= UINT64_C(1) << f;
	sc->pos = sc->len;
	return STEP_CUT;
}

static bool is_number_type(enum podoom_report_field_type t)
{
	return t == PODOOM_REPORT_TYPE_INT || t == PODOOM_REPORT_TYPE_UINT || t == PODOOM_REPORT_TYPE_KB;
}

static enum step scan_field(struct scan *sc, const struct podoom_report_compiled *c, size_t i)
{
	int f = c->tokens[i].field;
	uint64_t u;
	enum step st;

	/* a number printed with a width ("[%7d]") is padded with spaces */
	if (is_number_type(fields[f].type))
		while (sc->pos < sc->len && sc->s[sc->pos] == ' ')
			sc->pos++;
	switch (fields[f].type) {
	case PODOOM_REPORT_TYPE_INT:
		return scan_int(sc, f);
	case PODOOM_REPORT_TYPE_UINT:
	case PODOOM_REPORT_TYPE_KB:
		st = scan_unsigned(sc, fields[f].type == PODOOM_REPORT_TYPE_KB, &u);
		if (st == STEP_OK) {
			sc->v->set |= UINT64_C(1) << f;
			sc->v->v[f].u = u;
		}
		return st;
	case PODOOM_REPORT_TYPE_GFP_HEX:
	case PODOOM_REPORT_TYPE_GFP_SYM:
		st = scan_hex(sc, &u);
		if (st != STEP_OK)
			return st;
		sc->v->set |= UINT64_C(1) << f;
		sc->v->v[f].u = u;
		sc->v->v[f].text = sc->s + sc->pos;
		sc->v->v[f].text_len = 0;
		if (fields[f].type == PODOOM_REPORT_TYPE_GFP_HEX)
			return STEP_OK;
		if (sc->pos >= sc->len) {
			sc->v->cut |= UINT64_C(1) << f;
			return STEP_CUT;
		}
		if (sc->s[sc->pos] != '(')
			return STEP_NOMATCH;
		{
			const char *close = memchr(sc->s + sc->pos, ')', sc->len - sc->pos);
			size_t from = sc->pos + 1;
			size_t to = close ? (size_t)(close - sc->s) : sc->len;

			sc->v->v[f].text = sc->s + from;
			sc->v->v[f].text_len = to - from;
			if (!close) {
				sc->v->cut |= UINT64_C(1) << f;
				sc->pos = sc->len;
				return STEP_CUT;
			}
			sc->pos = to + 1;
		}
		return STEP_OK;
	case PODOOM_REPORT_TYPE_NODELIST:
		return scan_nodelist(sc, f);
	case PODOOM_REPORT_TYPE_WORD:
		return scan_word(sc, f);
	case PODOOM_REPORT_TYPE_MSG:
		return scan_msg(sc, f);
	case PODOOM_REPORT_TYPE_TEXT:
		if (i + 1 < c->n_tokens)
			return scan_text(sc, f, c->shape->tmpl + c->tokens[i + 1].off, c->tokens[i + 1].len);
		return scan_text(sc, f, NULL, 0);
	case PODOOM_REPORT_TYPE_COUNT:
		break;
	}
	return STEP_NOMATCH;
}

static enum step scan_literal(struct scan *sc, const struct podoom_report_compiled *c, size_t i)
{
	const char *lit = c->shape->tmpl + c->tokens[i].off;
	size_t n = c->tokens[i].len, j = 0;
	/* spaces before a padded number are the number's padding, not slack */
	bool pads_number = i + 1 < c->n_tokens && c->tokens[i + 1].is_field &&
			   is_number_type(fields[c->tokens[i + 1].field].type);

	while (j < n) {
		if (lit[j] == ' ') {
			size_t want = 0, got = 0;

			while (j < n && lit[j] == ' ') {
				j++;
				want++;
			}
			if (sc->pos >= sc->len)
				return STEP_CUT;
			while (sc->pos < sc->len && is_space(sc->s[sc->pos])) {
				sc->pos++;
				got++;
			}
			if (got == 0)
				return STEP_NOMATCH;
			if (got != want && !(pads_number && j == n && got > want)) {
				sc->m->slack++;
				sc->m->quirks |= PODOOM_REPORT_QUIRK_SPACING;
			}
			sc->m->literal_bytes += got;
			continue;
		}
		if (sc->pos >= sc->len)
			return STEP_CUT;
		if (sc->s[sc->pos] != lit[j])
			return STEP_NOMATCH;
		sc->pos++;
		j++;
		sc->m->literal_bytes++;
	}
	return STEP_OK;
}

int podoom_report_line_parse(const struct podoom_report_compiled *c, const char *msg, size_t len,
			     struct podoom_report_values *ret_values, struct podoom_report_match *ret_match)
{
	struct podoom_report_values v;
	struct podoom_report_match m;
	struct scan sc;
	int last_field = -1;
	size_t literal_after_field = 0;
	enum step st = STEP_OK;

	while (len > 0 && (is_space(msg[len - 1]) || msg[len - 1] == '\r' || msg[len - 1] == '\n'))
		len--;
	if (len == 0)
		return -ENOENT;
	v.set = 0;
	v.cut = 0;
	memset(&m, 0, sizeof(m));
	sc = (struct scan){.s = msg, .len = len, .pos = 0, .v = &v, .m = &m};

	for (size_t i = 0; i < c->n_tokens && st == STEP_OK; i++) {
		if (c->tokens[i].is_field) {
			st = scan_field(&sc, c, i);
			last_field = c->tokens[i].field;
			literal_after_field = m.literal_bytes;
		} else {
			st = scan_literal(&sc, c, i);
		}
	}
	/* no literal text matched: nothing says the line has this shape */
	if (st == STEP_NOMATCH || sc.pos == 0 || m.literal_bytes == 0)
		return -ENOENT;
	if (st == STEP_CUT) {
		m.kind = PODOOM_REPORT_MATCH_CUT;
		/* a value the line ends right after may itself be cut short */
		if (last_field >= 0 && m.literal_bytes == literal_after_field)
			v.cut |= (UINT64_C(1) << last_field) & v.set;
	} else {
		m.kind = sc.pos < len ? PODOOM_REPORT_MATCH_EXTRA : PODOOM_REPORT_MATCH_FULL;
	}
	m.consumed = sc.pos;
	*ret_values = v;
	*ret_match = m;
	return 0;
}

/* ---- formatting one line ---- */

struct out {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void putf_num(struct out *o, unsigned width, bool is_signed, int64_t i, uint64_t u)
{
	char tmp[48];
	int n = is_signed ? snprintf(tmp, sizeof(tmp), "%*lld", (int)width, (long long)i)
			  : snprintf(tmp, sizeof(tmp), "%*llu", (int)width, (unsigned long long)u);

	if (n > 0)
		put(o, tmp, (size_t)n);
}

int podoom_report_line_format(const struct podoom_report_compiled *c, const struct podoom_report_values *values,
			      char *buf, size_t cap, size_t *ret_len)
{
	struct out o = {.buf = buf, .cap = cap, .len = 0, .overflow = false};

	for (size_t i = 0; i < c->n_tokens; i++) {
		const struct podoom_report_token *tok = &c->tokens[i];
		const struct podoom_report_value *val;
		char tmp[48];
		int n;

		if (!tok->is_field) {
			put(&o, c->shape->tmpl + tok->off, tok->len);
			continue;
		}
		if (!(values->set & (UINT64_C(1) << tok->field)))
			return -EINVAL;
		val = &values->v[tok->field];
		switch (fields[tok->field].type) {
		case PODOOM_REPORT_TYPE_INT:
			putf_num(&o, tok->width, true, val->i, 0);
			break;
		case PODOOM_REPORT_TYPE_UINT:
		case PODOOM_REPORT_TYPE_KB:
			putf_num(&o, tok->width, false, 0, val->u);
			break;
		case PODOOM_REPORT_TYPE_GFP_HEX:
		case PODOOM_REPORT_TYPE_GFP_SYM:
			/* the kernel's %#x prints 0x0 for zero (lib/vsprintf.c number()) */
			n = snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)val->u);
			put(&o, tmp, (size_t)n);
			if (fields[tok->field].type == PODOOM_REPORT_TYPE_GFP_SYM) {
				put(&o, "(", 1);
				put(&o, val->text, val->text_len);
				put(&o, ")", 1);
			}
			break;
		case PODOOM_REPORT_TYPE_MSG:
			if (val->u == PODOOM_REPORT_MESSAGE_NONE || val->u >= PODOOM_REPORT_MESSAGE_COUNT)
				return -EINVAL;
			put(&o, message_names[val->u], strlen(message_names[val->u]));
			break;
		case PODOOM_REPORT_TYPE_NODELIST:
		case PODOOM_REPORT_TYPE_WORD:
		case PODOOM_REPORT_TYPE_TEXT:
			put(&o, val->text, val->text_len);
			break;
		case PODOOM_REPORT_TYPE_COUNT:
			return -EINVAL;
		}
	}
	if (o.overflow)
		return -E2BIG;
	if (o.len < cap)
		buf[o.len] = '\0';
	*ret_len = o.len;
	return 0;
}
