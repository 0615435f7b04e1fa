/*
 * report_format - the literal shapes of the kernel's OOM report lines, by
 * kernel format era, and the two primitives on one line: parse a message
 * against a shape, and format a shape from field values.
 *
 * One table describes every era (reference/kernel.md §11, §13). The report
 * parser (report.h) matches lines against it; a report writer picks, for a
 * chosen era, the shape of each line kind whose era mask has that era and whose
 * fields it has values for, and formats it. Whatever podoom_report_line_format()
 * writes, podoom_report_line_parse() reads back to the same values.
 *
 * A template is the kernel's format string with each conversion replaced by a
 * named field: "{name}" or "{name:W}", W being the printf width the kernel
 * uses (right-aligned; the parser ignores it). Everything else is literal.
 * Parsing is tolerant where real logs are damaged: a run of literal spaces
 * matches any run of at least one space (the difference is counted as
 * slack), kB numbers may carry thousands separators, and a line cut short or
 * followed by extra text still matches, marked as such.
 *
 * Pure: no I/O, no allocation, no globals (the table is const data).
 */
#ifndef PODOOM_REPORT_FORMAT_H
#define PODOOM_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel format families, oldest first. A family is named after the first
 * kernel that prints it in the trees of reference/kernel.md §0; vendor
 * kernels with their own layout are families of their own. */
enum podoom_report_era {
	PODOOM_REPORT_ERA_2_6_22, /* <= 2.6.35: oomkilladj, "Kill process ... and children." */
	PODOOM_REPORT_ERA_2_6_36, /* 2.6.36 .. 3.x before 3.10: oom_adj + oom_score_adj, cpu/oom_adj table */
	PODOOM_REPORT_ERA_RHEL6,  /* 2.6.32-*.el6: "Killed process %d, UID %d, (%s)" */
	PODOOM_REPORT_ERA_3_10,	  /* 3.10 .. 3.19: nr_ptes table, Killed without shmem-rss */
	PODOOM_REPORT_ERA_RHEL7,  /* 3.10.0-*.el7 (later releases): "Killed process %d (%s), UID %d," */
	PODOOM_REPORT_ERA_4_4,	  /* 4.0 .. 4.8: nr_ptes nr_pmds table */
	PODOOM_REPORT_ERA_4_14,	  /* 4.9 .. 4.14: nodemask=,  order (two spaces), shmem-rss, oom_reaper */
	PODOOM_REPORT_ERA_4_15,	  /* 4.15 .. 4.18: pgtables_bytes, "[ pid ]" */
	PODOOM_REPORT_ERA_RHEL8,  /* 4.18.0-*.el8: prefixed Killed line, no selection or oom-kill line */
	PODOOM_REPORT_ERA_4_19,	  /* 4.19 .. 4.20: "Tasks state", "[  pid  ]", memory.oom.group */
	PODOOM_REPORT_ERA_5_0,	  /* 5.0 .. 5.1: oom-kill: summary, still "or sacrifice child" */
	PODOOM_REPORT_ERA_5_2,	  /* 5.2: prefixed Killed line, no selection line */
	PODOOM_REPORT_ERA_5_3,	  /* 5.3: memory.stat dump, v2 swap: line */
	PODOOM_REPORT_ERA_5_4,	  /* 5.4 .. 6.7: UID/pgtables/oom_score_adj on the Killed line */
	PODOOM_REPORT_ERA_6_8,	  /* 6.8 and later: rss_anon rss_file rss_shmem columns */
	PODOOM_REPORT_ERA_COUNT
};

#define PODOOM_REPORT_ERA_BIT(e) (UINT32_C(1) << (e))
#define PODOOM_REPORT_ERAS_ALL (PODOOM_REPORT_ERA_BIT(PODOOM_REPORT_ERA_COUNT) - 1u)

/* Every line of a report the parser knows, in the order the kernel prints them. */
enum podoom_report_line_kind {
	PODOOM_REPORT_LINE_HEADER,	   /* "<comm> invoked oom-killer: gfp_mask=..." */
	PODOOM_REPORT_LINE_CPUSET,	   /* "<comm> cpuset=<name> mems_allowed=<list>" (<= 4.20) */
	PODOOM_REPORT_LINE_CPU,		   /* dump_stack(): "CPU: N PID: P Comm: ..." */
	PODOOM_REPORT_LINE_TASK_IN,	   /* "Task in X killed as a result of limit of Y" (<= 4.20) */
	PODOOM_REPORT_LINE_LIMIT_REACHED,  /* "Memory limit reached of cgroup Y" (no victim yet) */
	PODOOM_REPORT_LINE_MEMORY,	   /* "memory: usage ...kB, limit ...kB, failcnt N" */
	PODOOM_REPORT_LINE_MEMSW,	   /* "memory+swap: usage ..." (v1) */
	PODOOM_REPORT_LINE_SWAP,	   /* "swap: usage ..." (v2, 5.3+) */
	PODOOM_REPORT_LINE_KMEM,	   /* "kmem: usage ..." (v1) */
	PODOOM_REPORT_LINE_STATS_V1,	   /* "Memory cgroup stats for X: cache:..KB ..." (<= 5.2) */
	PODOOM_REPORT_LINE_STATS_HEAD,	   /* "Memory cgroup stats for X:" then memory.stat lines (5.3+) */
	PODOOM_REPORT_LINE_SHOW_MEM,	   /* "Mem-Info:", "N pages reserved", ... (global OOM) */
	PODOOM_REPORT_LINE_TABLE_STATE,	   /* "Tasks state (memory values in pages):" (4.19+) */
	PODOOM_REPORT_LINE_TABLE_HEADER,   /* "[ pid ]   uid  tgid total_vm ..." */
	PODOOM_REPORT_LINE_TABLE_ROW,	   /* "[ 1234]  1000  1234 ..." */
	PODOOM_REPORT_LINE_OOM_KILL,	   /* "oom-kill:constraint=..." (5.0+) */
	PODOOM_REPORT_LINE_SELECT,	   /* "<msg>: Kill process N (c) score S or sacrifice child" (<= 5.0) */
	PODOOM_REPORT_LINE_KILLED,	   /* "[<msg>: ]Killed process N (c) total-vm:..." */
	PODOOM_REPORT_LINE_SHARED,	   /* "Kill process N (c) sharing same memory" (<= 3.10) */
	PODOOM_REPORT_LINE_GROUP,	   /* "Tasks in X are going to be killed due to memory.oom.group set" */
	PODOOM_REPORT_LINE_EXITING,	   /* "<msg>: OOM victim N (c) is already exiting. Skip killing the task" */
	PODOOM_REPORT_LINE_NO_KILLABLE,	   /* "Out of memory and no killable processes..." */
	PODOOM_REPORT_LINE_REAPED,	   /* "oom_reaper: reaped process N (c), now anon-rss:..." */
	PODOOM_REPORT_LINE_REAP_FAILED,	   /* "oom_reaper: unable to reap pid:N (c)" */
	PODOOM_REPORT_LINE_KIND_COUNT
};

/* The task table layouts (reference/kernel.md §11.4). */
enum podoom_report_table_layout {
	PODOOM_REPORT_TABLE_NONE,
	PODOOM_REPORT_TABLE_CPU_OOM_ADJ, /* 2.6.36 .. 3.x, RHEL 6: ... rss cpu oom_adj oom_score_adj name */
	PODOOM_REPORT_TABLE_NR_PTES,	 /* 3.10, RHEL 7: ... rss nr_ptes swapents oom_score_adj name */
	PODOOM_REPORT_TABLE_NR_PMDS,	 /* 4.0 .. 4.14: ... rss nr_ptes nr_pmds swapents ... */
	PODOOM_REPORT_TABLE_PGTABLES,	 /* 4.15 .. 4.18, RHEL 8: "[ pid ]" ... pgtables_bytes ... */
	PODOOM_REPORT_TABLE_PGTABLES_7,	 /* 4.19 .. 6.7: "[  pid  ]" ... pgtables_bytes ... */
	PODOOM_REPORT_TABLE_RSS_SPLIT,	 /* 6.8+: ... rss rss_anon rss_file rss_shmem pgtables_bytes ... */
	PODOOM_REPORT_TABLE_COUNT
};

/* The message passed to oom_kill_process(), printed before "Kill process" and
 * (5.2+) before "Killed process" (mm/oom_kill.c out_of_memory(); 2.6.22 for
 * the "No available memory" ones). */
enum podoom_report_message {
	PODOOM_REPORT_MESSAGE_NONE,
	PODOOM_REPORT_MESSAGE_MEMCG,		/* "Memory cgroup out of memory" */
	PODOOM_REPORT_MESSAGE_GLOBAL,		/* "Out of memory" */
	PODOOM_REPORT_MESSAGE_ALLOCATING_TASK,	/* "Out of memory (oom_kill_allocating_task)" */
	PODOOM_REPORT_MESSAGE_MPOL_BIND,	/* "No available memory (MPOL_BIND)" (2.6.22) */
	PODOOM_REPORT_MESSAGE_CPUSET,		/* "No available memory in cpuset" (2.6.22) */
	PODOOM_REPORT_MESSAGE_COUNT
};

/* Named fields of the templates. Each has one type (below). */
enum podoom_report_field {
	PODOOM_REPORT_FIELD_COMM,	    /* task comm (free text, <= 15 bytes in the kernel) */
	PODOOM_REPORT_FIELD_PID,
	PODOOM_REPORT_FIELD_UID,
	PODOOM_REPORT_FIELD_TGID,
	PODOOM_REPORT_FIELD_CPU,
	PODOOM_REPORT_FIELD_GFP_HEX,	    /* "0x%x" */
	PODOOM_REPORT_FIELD_GFP,	    /* "%#x(%pGg)": mask and flag names */
	PODOOM_REPORT_FIELD_ORDER,
	PODOOM_REPORT_FIELD_ADJ,	    /* oom_score_adj */
	PODOOM_REPORT_FIELD_OOM_ADJ,	    /* legacy oom_adj / oomkilladj */
	PODOOM_REPORT_FIELD_NODEMASK,	    /* "%*pbl" or "(null)" */
	PODOOM_REPORT_FIELD_CPUSET,	    /* cpuset cgroup name */
	PODOOM_REPORT_FIELD_MEMS,	    /* mems_allowed node list */
	PODOOM_REPORT_FIELD_CONSTRAINT,	    /* CONSTRAINT_* */
	PODOOM_REPORT_FIELD_OOM_MEMCG,	    /* cgroup path whose limit was hit */
	PODOOM_REPORT_FIELD_TASK_MEMCG,	    /* the victim's cgroup path */
	PODOOM_REPORT_FIELD_MEMCG,	    /* another cgroup path (stats, group kill) */
	PODOOM_REPORT_FIELD_MSG,	    /* enum podoom_report_message */
	PODOOM_REPORT_FIELD_SCORE,
	PODOOM_REPORT_FIELD_TOTAL_VM_KB,
	PODOOM_REPORT_FIELD_ANON_RSS_KB,
	PODOOM_REPORT_FIELD_FILE_RSS_KB,
	PODOOM_REPORT_FIELD_SHMEM_RSS_KB,
	PODOOM_REPORT_FIELD_PGTABLES_KB,
	PODOOM_REPORT_FIELD_USAGE_KB,
	PODOOM_REPORT_FIELD_LIMIT_KB,
	PODOOM_REPORT_FIELD_FAILCNT,
	PODOOM_REPORT_FIELD_TOTAL_VM,	    /* table columns, in pages unless named otherwise */
	PODOOM_REPORT_FIELD_RSS,
	PODOOM_REPORT_FIELD_RSS_ANON,
	PODOOM_REPORT_FIELD_RSS_FILE,
	PODOOM_REPORT_FIELD_RSS_SHMEM,
	PODOOM_REPORT_FIELD_NR_PTES,
	PODOOM_REPORT_FIELD_NR_PMDS,
	PODOOM_REPORT_FIELD_PGTABLES_BYTES,
	PODOOM_REPORT_FIELD_SWAPENTS,
	PODOOM_REPORT_FIELD_NAME,	    /* table row comm: the rest of the line */
	PODOOM_REPORT_FIELD_REST,	    /* free text to the end of the line */
	PODOOM_REPORT_FIELD_COUNT_PAGES,    /* show_mem "N pages ..." */
	PODOOM_REPORT_FIELD_COUNT
};

enum podoom_report_field_type {
	PODOOM_REPORT_TYPE_INT,	     /* signed decimal */
	PODOOM_REPORT_TYPE_UINT,     /* unsigned decimal */
	PODOOM_REPORT_TYPE_KB,	     /* unsigned decimal, thousands separators tolerated */
	PODOOM_REPORT_TYPE_GFP_HEX,  /* 0x<hex> */
	PODOOM_REPORT_TYPE_GFP_SYM,  /* 0x<hex>(<flags>) */
	PODOOM_REPORT_TYPE_NODELIST, /* (null) or 0-3,5 */
	PODOOM_REPORT_TYPE_WORD,     /* [A-Z_]+ */
	PODOOM_REPORT_TYPE_MSG,	     /* one of the messages */
	PODOOM_REPORT_TYPE_TEXT,     /* free text up to the next literal (the last one on the line) */
	PODOOM_REPORT_TYPE_COUNT
};

/* One line shape: a template printed by the kernels of @eras. */
struct podoom_report_shape {
	enum podoom_report_line_kind kind;
	uint32_t eras; /* PODOOM_REPORT_ERA_BIT() mask */
	enum podoom_report_table_layout layout; /* TABLE_HEADER and TABLE_ROW shapes */
	const char *tmpl;
	const char *source; /* where the format string is, for a reader of the table */
};

#define PODOOM_REPORT_TOKENS_MAX 40

struct podoom_report_token {
	bool is_field;
	uint8_t field; /* enum podoom_report_field when is_field */
	uint8_t width; /* printf width of a field, 0 for none */
	uint16_t off;  /* literal: offset and length in the template */
	uint16_t len;
};

/* A shape with its template split into tokens (podoom_report_shape_compile). */
struct podoom_report_compiled {
	const struct podoom_report_shape *shape;
	uint8_t n_tokens;
	struct podoom_report_token tokens[PODOOM_REPORT_TOKENS_MAX];
};

struct podoom_report_value {
	int64_t i;	  /* INT */
	uint64_t u;	  /* UINT, KB, GFP_*, MSG (the enum) */
	const char *text; /* TEXT, NODELIST, WORD, GFP_SYM flags: borrows the parsed line */
	size_t text_len;
};

/* Field values of one line. Bit f of @set says values[f] holds a value. */
struct podoom_report_values {
	uint64_t set;
	uint64_t cut; /* the line ended inside or right after this field: it may be incomplete */
	struct podoom_report_value v[PODOOM_REPORT_FIELD_COUNT];
};

enum podoom_report_match_kind {
	PODOOM_REPORT_MATCH_FULL,  /* the template and the line ended together */
	PODOOM_REPORT_MATCH_CUT,   /* the line ended before the template: a truncated line */
	PODOOM_REPORT_MATCH_EXTRA, /* the template ended before the line: unknown text follows */
	PODOOM_REPORT_MATCH_KIND_COUNT
};

/* Quirks seen while matching (not kernel formatting). */
#define PODOOM_REPORT_QUIRK_THOUSANDS (1u << 0) /* "26,184,840kB" */
#define PODOOM_REPORT_QUIRK_SPACING (1u << 1)	/* runs of spaces differ from the kernel's */

struct podoom_report_match {
	enum podoom_report_match_kind kind;
	size_t consumed;	/* bytes of the line matched */
	size_t literal_bytes;	/* bytes of template literal text matched */
	unsigned slack;		/* runs of spaces that differ from the template */
	unsigned quirks;	/* PODOOM_REPORT_QUIRK_* */
};

/* Longest template accepted by podoom_report_shape_compile (offsets are 16 bit). */
#define PODOOM_REPORT_TEMPLATE_MAX 1024

/*
 * podoom_report_shapes() - the table of every known line shape, oldest era
 * first within each kind. Static storage; never NULL.
 * @ret_count: the number of shapes.
 */
const struct podoom_report_shape *podoom_report_shapes(size_t *ret_count);

/*
 * podoom_report_shape_compile() - split @shape's template into tokens.
 * Borrows @shape (it must outlive @ret). Return: 0; -EINVAL a malformed
 * template (unknown field name, unbalanced brace, two fields without a literal
 * between them, a text field not followed by a literal or the end);
 * -E2BIG more than PODOOM_REPORT_TOKENS_MAX tokens or a template longer than
 * PODOOM_REPORT_TEMPLATE_MAX. @ret is untouched on error.
 */
int podoom_report_shape_compile(const struct podoom_report_shape *shape,
				struct podoom_report_compiled *ret);

/*
 * podoom_report_line_parse() - match one kernel message against a shape.
 * @msg, @len: the message without transport prefix or newline; trailing
 * whitespace is ignored.
 * @ret_values: the fields found; text values borrow @msg.
 * @ret_match: how well it matched.
 * Return: 0 when the line has the shape (FULL, CUT or EXTRA, see
 * @ret_match); -ENOENT when it does not. Outputs are untouched on -ENOENT.
 */
int podoom_report_line_parse(const struct podoom_report_compiled *shape, const char *msg, size_t len,
			     struct podoom_report_values *ret_values, struct podoom_report_match *ret_match);

/*
 * podoom_report_line_format() - print @shape with @values as the kernel does
 * (no newline, not NUL-terminated unless there is room: a NUL is written
 * after the text when @cap allows).
 * @buf, @cap: the output buffer.
 * @ret_len: the length written, without the NUL.
 * Return: 0; -EINVAL a field of the template has no value in @values (or a
 * MSG value out of range); -E2BIG @cap is too small. @ret_len is untouched on error.
 */
int podoom_report_line_format(const struct podoom_report_compiled *shape,
			      const struct podoom_report_values *values, char *buf, size_t cap,
			      size_t *ret_len);

/* Stable names: "3.10", "rhel7", ...; "header", "killed", ...; "comm", ...;
 * "nr_ptes", ...; "Memory cgroup out of memory", .... NULL when out of range. */
const char *podoom_report_era_to_string(enum podoom_report_era era);
const char *podoom_report_line_kind_to_string(enum podoom_report_line_kind kind);
const char *podoom_report_field_to_string(enum podoom_report_field field);
const char *podoom_report_table_layout_to_string(enum podoom_report_table_layout layout);
const char *podoom_report_message_to_string(enum podoom_report_message message);

/*
 * podoom_report_era_from_string() - the era named @s (as _to_string prints it).
 * Return: 0 with *ret set; -EINVAL unknown name (*ret untouched).
 */
int podoom_report_era_from_string(const char *s, size_t len, enum podoom_report_era *ret);

/* The type of @field (PODOOM_REPORT_TYPE_COUNT when out of range). */
enum podoom_report_field_type podoom_report_field_type(enum podoom_report_field field);

/*
 * podoom_report_line_kind_eras() - the eras printing @kind at all: the union
 * of the masks of its shapes. 0 when out of range.
 */
uint32_t podoom_report_line_kind_eras(enum podoom_report_line_kind kind);

#endif
