/*
 * report_parse.c - the streaming OOM report parser: kernel log lines in, one
 * struct podoom_oom_event per OOM kill out.
 *
 * Line recognition is table-driven (report_format.c): a line is tried only
 * against the shapes whose first byte it starts with (or, for the shapes that
 * begin with a free-text comm, whose anchor " invoked oom-killer: gfp_mask="
 * or " cpuset=" it contains), so an unrelated line costs a byte lookup and
 * one or two memmem() calls.
 *
 * Event assembly follows the kernel's print order (reference/kernel.md
 * §11.8): every line kind has a rank; a line continues the open event when
 * its rank is higher (or equal, for repeatable lines such as table rows),
 * and otherwise finishes it and starts the next one. So rate-limited bursts
 * of bare kill lines become one event each, and a report cut at either end
 * still yields what it shows.
 *
 * A recognised line is held for one line before it is applied: if the next
 * line is its continuation (a terminal-wrapped line without a transport
 * prefix, a /dev/kmsg fragment flagged 'c', or the rest of a line cut short),
 * the two are joined and matched again.
 *
 * A finished event that killed something waits for its oom_reaper lines
 * (they come ~2 s later on 5.4.214+ kernels, possibly after the next report
 * has begun) in a one-slot tail, bounded by log time or line count.
 */
#include "podoom/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BIT64(f) (UINT64_C(1) << (f))
#define LAYOUT_BIT(l) (1u << (l))
#define LAYOUTS_ALL ((1u << PODOOM_REPORT_TABLE_COUNT) - 2u) /* without NONE */

/* A CUT line must show this much literal text to start an event on its own
 * (a shorter fragment such as "Task in progress" is too easily something else). */
#define CUT_STRONG_LITERAL_BYTES 20
/* show_mem() lines this close before a table mark the event global */
#define SHOW_MEM_REACH_LINES 64
#define RECENT_PIDS 32
#define ENTRIES_MAX 128
#define PREFIX_MAX 8
#define ANCHORS_MAX 4
#define SHAPES_MAX 64
#define ROW_COLS_MAX 10

/* Where a line kind sits in a report, and what it needs. */
enum need {
	NEED_NOTHING,
	NEED_HEADER, /* only inside an event that has its header, before its memcg info */
	NEED_VICTIM, /* only after the event's Killed line */
	NEED_SPECIAL,
};

struct kind_info {
	int rank;
	bool starts;	 /* may start an event */
	bool repeatable; /* may follow itself within one event */
	enum need need;
};

#define RANK_GROUP_KILLED 15

static const struct kind_info kinds[PODOOM_REPORT_LINE_KIND_COUNT] = {
	[PODOOM_REPORT_LINE_HEADER] = {0, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_CPUSET] = {1, false, false, NEED_HEADER},
	[PODOOM_REPORT_LINE_CPU] = {2, false, false, NEED_HEADER},
	[PODOOM_REPORT_LINE_TASK_IN] = {3, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_LIMIT_REACHED] = {3, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_MEMORY] = {4, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_MEMSW] = {5, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_SWAP] = {5, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_KMEM] = {6, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_STATS_V1] = {7, true, true, NEED_NOTHING},
	[PODOOM_REPORT_LINE_STATS_HEAD] = {7, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_SHOW_MEM] = {7, false, true, NEED_SPECIAL},
	[PODOOM_REPORT_LINE_TABLE_STATE] = {8, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_TABLE_HEADER] = {9, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_TABLE_ROW] = {10, true, true, NEED_NOTHING},
	[PODOOM_REPORT_LINE_OOM_KILL] = {11, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_SELECT] = {12, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_KILLED] = {13, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_EXITING] = {13, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_NO_KILLABLE] = {13, true, false, NEED_NOTHING},
	[PODOOM_REPORT_LINE_SHARED] = {14, false, true, NEED_VICTIM},
	[PODOOM_REPORT_LINE_GROUP] = {14, false, false, NEED_VICTIM},
	[PODOOM_REPORT_LINE_REAPED] = {16, false, true, NEED_SPECIAL},
	[PODOOM_REPORT_LINE_REAP_FAILED] = {16, false, true, NEED_SPECIAL},
};

/* Task table columns after the pid, in printed order, per layout. */
static const uint8_t layout_cols[PODOOM_REPORT_TABLE_COUNT][ROW_COLS_MAX + 1] = {
#define F(x) PODOOM_REPORT_FIELD_##x
#define END PODOOM_REPORT_FIELD_COUNT
	[PODOOM_REPORT_TABLE_NONE] = {END},
	[PODOOM_REPORT_TABLE_CPU_OOM_ADJ] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(CPU), F(OOM_ADJ), F(ADJ), END},
	[PODOOM_REPORT_TABLE_NR_PTES] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(NR_PTES), F(SWAPENTS), F(ADJ), END},
	[PODOOM_REPORT_TABLE_NR_PMDS] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(NR_PTES), F(NR_PMDS), F(SWAPENTS),
					 F(ADJ), END},
	[PODOOM_REPORT_TABLE_PGTABLES] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(PGTABLES_BYTES), F(SWAPENTS),
					  F(ADJ), END},
	[PODOOM_REPORT_TABLE_PGTABLES_7] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(PGTABLES_BYTES), F(SWAPENTS),
					    F(ADJ), END},
	[PODOOM_REPORT_TABLE_RSS_SPLIT] = {F(UID), F(TGID), F(TOTAL_VM), F(RSS), F(RSS_ANON), F(RSS_FILE),
					   F(RSS_SHMEM), F(PGTABLES_BYTES), F(SWAPENTS), F(ADJ), END},
#undef F
#undef END
};

struct raw_row {
	int32_t pid;
	uint8_t pid_width; /* characters between '[' and ']' */
	uint8_t ncol;
	uint32_t layouts; /* layouts this row fits */
	int64_t col[ROW_COLS_MAX];
	char name[PODOOM_OOM_COMM_MAX];
	bool name_cut;
};

/* A recognised line: its best shape and values. */
struct classified {
	int shape;
	uint32_t eras;	  /* union over the equally good shapes */
	uint32_t layouts; /* likewise, for table lines */
	struct podoom_report_values values;
	struct podoom_report_match match;
};

struct meta {
	enum podoom_logline_transport transport;
	struct podoom_oom_time time;
	bool kmsg_continued;
	bool truncated;
	char host[PODOOM_OOM_HOST_MAX];
	bool host_cut;
};

struct pending {
	bool active;
	int buf; /* index into parser bufs */
	size_t len;
	struct meta meta;
	bool continued;
	bool tentative; /* a short cut line that may only stand once a continuation completes it */
	struct classified cls;
};

struct work {
	bool open;
	struct podoom_oom_event ev;
	int last_rank;
	bool after_group;
	bool ctx_stats;	   /* inside a multi-line memory.stat dump */
	bool stack_after_oom; /* the stack dump passed out_of_memory() */
	bool stack_decided;
	enum podoom_report_table_layout header_layout;
	uint32_t rows_layouts;
	bool rows_pid5, rows_pid7;
};

/* A shape to try on lines that begin with @prefix (its first literal text up
 * to a space, which may stretch): most unrelated lines fail this memcmp and
 * never reach the template matcher. */
struct entry {
	uint8_t shape;
	uint8_t len;
	char prefix[PREFIX_MAX];
};

struct anchor {
	const char *text;
	size_t len;
	char rare; /* a byte of text that ordinary log lines seldom hold: memchr() for it first */
	uint8_t n;
	uint8_t idx[SHAPES_MAX];
};

struct podoom_report_parser {
	size_t n_shapes;
	struct podoom_report_compiled shapes[SHAPES_MAX];
	/* entries[first[b] .. first[b + 1]) are the shapes for lines starting with byte b */
	uint8_t first[257];
	size_t n_entries;
	struct entry entries[ENTRIES_MAX];
	size_t n_anchors;
	struct anchor anchors[ANCHORS_MAX];
	uint32_t layout_eras[PODOOM_REPORT_TABLE_COUNT];
	uint32_t select_eras, summary_eras, reaper_eras;

	char bufs[3][PODOOM_REPORT_LINE_MAX];
	struct pending pend;
	struct work w;

	struct raw_row *rows;
	size_t n_rows, cap_rows;
	size_t rows_dropped;

	bool has_tail;
	struct podoom_oom_event tail;
	uint64_t tail_seg;

	struct podoom_oom_event ready[PODOOM_REPORT_QUEUE_MAX];
	size_t ready_head, ready_n;

	int32_t recent[RECENT_PIDS];
	size_t recent_n, recent_next;

	uint64_t seg;	      /* lines seen, continuation segments included */
	uint64_t show_mem_at; /* seg of the last show_mem line, 0 for none */
	struct podoom_report_parser_stats stats;
};

/* ---- small helpers ---- */

static bool has(const struct podoom_report_values *v, enum podoom_report_field f)
{
	return (v->set & BIT64(f)) != 0;
}

static int32_t to_i32(int64_t x)
{
	return x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : (int32_t)x;
}

static int64_t u_to_i64(uint64_t u)
{
	return u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
}

/* a field's value as a signed number, whatever its type */
static int64_t num(const struct podoom_report_values *v, enum podoom_report_field f)
{
	if (podoom_report_field_type(f) == PODOOM_REPORT_TYPE_INT)
		return v->v[f].i;
	return u_to_i64(v->v[f].u);
}

static uint64_t kb_to_bytes(uint64_t kb)
{
	return kb > UINT64_MAX / 1024 ? UINT64_MAX : kb * 1024;
}

static void copy_cut(char *dst, size_t cap, const char *src, size_t n, bool cut, uint32_t *cut_texts,
		     enum podoom_oom_text t)
{
	if (n >= cap) {
		n = cap - 1;
		cut = true;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	if (cut)
		*cut_texts |= 1u << t;
}

static void put_text(char *dst, size_t cap, const struct podoom_report_values *v, enum podoom_report_field f,
		     uint32_t *cut_texts, enum podoom_oom_text t)
{
	if (!has(v, f))
		return;
	copy_cut(dst, cap, v->v[f].text, v->v[f].text_len, (v->cut & BIT64(f)) != 0, cut_texts, t);
}

/* Grow *arr (elements of @elem bytes) to hold @need, doubling, never past @max. */
static int grow(void **arr, size_t *cap, size_t elem, size_t need, size_t max)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -E2BIG;
	while (n < need)
		n = n > max / 2 ? max : n * 2;
	if (n > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static void set_scope(struct podoom_oom_event *ev, enum podoom_report_scope s, enum podoom_oom_evidence e)
{
	if (e > ev->scope_evidence) {
		ev->scope = s;
		ev->scope_evidence = e;
	}
}

static void narrow(struct podoom_oom_event *ev, uint32_t eras)
{
	if (ev->era_mask & eras)
		ev->era_mask &= eras;
	else
		ev->era_conflict = true;
}

static struct podoom_oom_time line_time(const struct meta *m)
{
	return m->time;
}

static enum podoom_report_line_kind kind_of(const struct podoom_report_parser *p, const struct classified *c)
{
	return p->shapes[c->shape].shape->kind;
}

/* ---- recognising a line ---- */

/* Which of two matches of a line is the better reading: the one that reads
 * more of it, then the one that reads it to the end, then the one that finds
 * more fields in it (a 12-column table row also fits a 9-column template
 * whose last field, the comm, swallows three numbers), then the one whose
 * spacing is the kernel's. Equal matches are both kept (their eras join). */
static int compare(const struct podoom_report_match *a, uint64_t a_set, const struct podoom_report_match *b,
		   uint64_t b_set)
{
	int af = __builtin_popcountll(a_set), bf = __builtin_popcountll(b_set);

	if (a->consumed != b->consumed)
		return a->consumed > b->consumed ? 1 : -1;
	if ((a->kind == PODOOM_REPORT_MATCH_FULL) != (b->kind == PODOOM_REPORT_MATCH_FULL))
		return a->kind == PODOOM_REPORT_MATCH_FULL ? 1 : -1;
	if (af != bf)
		return af > bf ? 1 : -1;
	if (a->slack != b->slack)
		return a->slack < b->slack ? 1 : -1;
	return 0;
}

static void try_shape(const struct podoom_report_parser *p, size_t i, const char *s, size_t n,
		      struct classified *best, struct podoom_report_values *tmp)
{
	struct podoom_report_match m;
	const struct podoom_report_shape *sh = p->shapes[i].shape;

	int cmp;

	if (podoom_report_line_parse(&p->shapes[i], s, n, tmp, &m) < 0)
		return;
	cmp = best->shape < 0 ? 1 : compare(&m, tmp->set, &best->match, best->values.set);
	if (cmp == 0) {
		best->eras |= sh->eras;
		best->layouts |= LAYOUT_BIT(sh->layout);
		return;
	}
	if (cmp < 0)
		return;
	best->shape = (int)i;
	best->eras = sh->eras;
	best->layouts = LAYOUT_BIT(sh->layout);
	best->values = *tmp;
	best->match = m;
}

/* the byte of @a least likely in ordinary kernel log text ('=' and '_' beat letters and spaces) */
static char rarest_byte(const char *a, size_t len)
{
	static const char pref[] = "=_:-";

	for (const char *r = pref; *r; r++)
		if (memchr(a, *r, len))
			return *r;
	for (size_t i = 0; i < len; i++)
		if (a[i] != ' ')
			return a[i];
	return a[0];
}

static bool classify(const struct podoom_report_parser *p, const char *s, size_t n, bool cpuset_possible,
		     struct classified *out)
{
	struct classified best;
	struct podoom_report_values tmp;
	unsigned char c = (unsigned char)s[0];

	best.shape = -1;
	for (size_t k = p->first[c]; k < p->first[c + 1]; k++) {
		const struct entry *e = &p->entries[k];

		if (n >= e->len && memcmp(s, e->prefix, e->len) == 0)
			try_shape(p, e->shape, s, n, &best, &tmp);
	}
	for (size_t a = 0; a < p->n_anchors; a++) {
		const struct anchor *an = &p->anchors[a];

		if (an->n == 0 || (!cpuset_possible && p->shapes[an->idx[0]].shape->kind == PODOOM_REPORT_LINE_CPUSET))
			continue;
		/* most lines lack the anchor's rarest byte: one memchr() (SIMD) settles them,
		 * where memmem() stops at every space (measured: 22% of podoom explain) */
		if (n < an->len || !memchr(s, an->rare, n) || !memmem(s, n, an->text, an->len))
			continue;
		for (size_t k = 0; k < an->n; k++)
			try_shape(p, an->idx[k], s, n, &best, &tmp);
	}
	if (best.shape < 0)
		return false;
	*out = best;
	return true;
}

/* ---- finished events ---- */

static void remember_pid(struct podoom_report_parser *p, int32_t pid)
{
	p->recent[p->recent_next] = pid;
	p->recent_next = (p->recent_next + 1) % RECENT_PIDS;
	if (p->recent_n < RECENT_PIDS)
		p->recent_n++;
}

static bool recent_pid(const struct podoom_report_parser *p, int32_t pid)
{
	for (size_t i = 0; i < p->recent_n; i++)
		if (p->recent[i] == pid)
			return true;
	return false;
}

static void ready_push(struct podoom_report_parser *p, struct podoom_oom_event *ev)
{
	size_t slot;

	if (p->ready_n == PODOOM_REPORT_QUEUE_MAX) {
		podoom_oom_event_fini(&p->ready[p->ready_head]);
		p->ready_head = (p->ready_head + 1) % PODOOM_REPORT_QUEUE_MAX;
		p->ready_n--;
		p->stats.events_dropped++;
	}
	slot = (p->ready_head + p->ready_n) % PODOOM_REPORT_QUEUE_MAX;
	p->ready[slot] = *ev;
	p->ready_n++;
	p->stats.events++;
	if (ev->has_victim)
		remember_pid(p, ev->victim.pid);
	for (size_t i = 0; i < ev->n_kills; i++)
		remember_pid(p, ev->kills[i].pid);
	memset(ev, 0, sizeof(*ev));
}

static void tail_release(struct podoom_report_parser *p)
{
	if (p->has_tail) {
		p->has_tail = false;
		ready_push(p, &p->tail);
	}
}

static bool kill_waits(const struct podoom_oom_kill *k)
{
	return k->source == PODOOM_OOM_SOURCE_KILLED_LINE && !k->reaped && !k->reap_failed;
}

static bool waits_for_reaper(const struct podoom_report_parser *p, const struct podoom_oom_event *ev)
{
	if (!(ev->era_mask & p->reaper_eras) || ev->outcome != PODOOM_OOM_OUTCOME_KILLED)
		return false;
	if (ev->has_victim && kill_waits(&ev->victim))
		return true;
	for (size_t i = 0; i < ev->n_kills; i++)
		if (kill_waits(&ev->kills[i]))
			return true;
	return false;
}

static int64_t row_col(const struct raw_row *r, enum podoom_report_table_layout l, enum podoom_report_field f)
{
	for (size_t i = 0; i < r->ncol && layout_cols[l][i] != PODOOM_REPORT_FIELD_COUNT; i++)
		if (layout_cols[l][i] == f)
			return r->col[i];
	return 0;
}

static size_t layout_ncol(enum podoom_report_table_layout l)
{
	size_t n = 0;

	while (layout_cols[l][n] != PODOOM_REPORT_FIELD_COUNT)
		n++;
	return n;
}

static bool all_rows(const struct podoom_report_parser *p, bool (*pred)(const struct raw_row *))
{
	for (size_t i = 0; i < p->n_rows; i++)
		if (!pred(&p->rows[i]))
			return false;
	return true;
}

/* pgtables_bytes counts whole page-table pages (mm_pgtables_bytes()): a multiple of 4 KiB */
static bool col5_is_pgtables(const struct raw_row *r)
{
	return r->ncol == 7 && r->col[4] > 0 && r->col[4] % 4096 == 0;
}

/* the 2.6.36 .. 3.x oom_adj column is -17 .. 15 (OOM_DISABLE .. OOM_ADJUST_MAX) */
static bool col6_is_oom_adj(const struct raw_row *r)
{
	return r->ncol == 7 && r->col[5] >= -17 && r->col[5] <= 15;
}

/* Pick the table layout from the header, the eras and the rows themselves. */
static enum podoom_report_table_layout resolve_layout(const struct podoom_report_parser *p)
{
	const struct work *w = &p->w;
	uint32_t c = w->rows_layouts, by_era = 0;

	if (w->header_layout != PODOOM_REPORT_TABLE_NONE &&
	    (p->n_rows == 0 || (c & LAYOUT_BIT(w->header_layout))))
		return w->header_layout;
	if (p->n_rows == 0)
		return PODOOM_REPORT_TABLE_NONE;
	if (c == 0) /* the rows disagree: go by the first one */
		c = p->rows[0].layouts;
	for (unsigned l = 1; l < PODOOM_REPORT_TABLE_COUNT; l++)
		if ((c & LAYOUT_BIT(l)) && (p->layout_eras[l] & w->ev.era_mask))
			by_era |= LAYOUT_BIT(l);
	if (by_era)
		c = by_era;
	/* "[%5d]" against "[%7d]": a padded 7-wide pid column, or a 5-wide one */
	if (w->rows_pid7 && (c & (LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES_7) | LAYOUT_BIT(PODOOM_REPORT_TABLE_RSS_SPLIT))))
		c &= LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES_7) | LAYOUT_BIT(PODOOM_REPORT_TABLE_RSS_SPLIT);
	else if (w->rows_pid5)
		c &= ~(LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES_7) | LAYOUT_BIT(PODOOM_REPORT_TABLE_RSS_SPLIT)) |
		     (c & (c - 1) ? 0u : c);
	/* three layouts print seven numbers: tell them apart by the values */
	if ((c & LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES)) && (c & (c - 1))) {
		if (all_rows(p, col5_is_pgtables))
			c = LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES);
		else
			c &= ~LAYOUT_BIT(PODOOM_REPORT_TABLE_PGTABLES);
	}
	if ((c & LAYOUT_BIT(PODOOM_REPORT_TABLE_CPU_OOM_ADJ)) && (c & (c - 1)) && !all_rows(p, col6_is_oom_adj))
		c &= ~LAYOUT_BIT(PODOOM_REPORT_TABLE_CPU_OOM_ADJ);
	/* still two: the newer, more common layout */
	for (unsigned l = PODOOM_REPORT_TABLE_COUNT - 1; l > 0; l--)
		if (c & LAYOUT_BIT(l) && l != PODOOM_REPORT_TABLE_CPU_OOM_ADJ)
			return (enum podoom_report_table_layout)l;
	return c ? PODOOM_REPORT_TABLE_CPU_OOM_ADJ : PODOOM_REPORT_TABLE_NONE;
}

static void finish_rows(struct podoom_report_parser *p, struct podoom_oom_event *ev)
{
	enum podoom_report_table_layout l = resolve_layout(p);
	size_t ncol = layout_ncol(l), n = 0;

	ev->table_layout = l;
	ev->tasks_dropped += p->rows_dropped;
	if (l != PODOOM_REPORT_TABLE_NONE)
		narrow(ev, p->layout_eras[l]);
	if (p->n_rows == 0)
		return;
	ev->tasks = calloc(p->n_rows, sizeof(*ev->tasks));
	if (!ev->tasks) {
		ev->tasks_dropped += p->n_rows;
		return;
	}
	for (size_t i = 0; i < p->n_rows; i++) {
		const struct raw_row *r = &p->rows[i];
		struct podoom_oom_task *t = &ev->tasks[n];

		if (r->ncol != ncol) {
			ev->tasks_dropped++;
			continue;
		}
		t->pid = r->pid;
		t->uid = (uint32_t)row_col(r, l, PODOOM_REPORT_FIELD_UID);
		t->tgid = to_i32(row_col(r, l, PODOOM_REPORT_FIELD_TGID));
		t->total_vm_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_TOTAL_VM);
		t->rss_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_RSS);
		t->rss_anon_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_RSS_ANON);
		t->rss_file_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_RSS_FILE);
		t->rss_shmem_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_RSS_SHMEM);
		t->pgtables_bytes = row_col(r, l, PODOOM_REPORT_FIELD_PGTABLES_BYTES);
		t->nr_ptes = row_col(r, l, PODOOM_REPORT_FIELD_NR_PTES);
		t->nr_pmds = row_col(r, l, PODOOM_REPORT_FIELD_NR_PMDS);
		t->swapents_pages = (uint64_t)row_col(r, l, PODOOM_REPORT_FIELD_SWAPENTS);
		t->oom_score_adj = to_i32(row_col(r, l, PODOOM_REPORT_FIELD_ADJ));
		t->oom_adj = to_i32(row_col(r, l, PODOOM_REPORT_FIELD_OOM_ADJ));
		t->cpu = (uint32_t)row_col(r, l, PODOOM_REPORT_FIELD_CPU);
		memcpy(t->name, r->name, sizeof(t->name));
		if (r->name_cut)
			ev->cut_texts |= 1u << PODOOM_OOM_TEXT_TASK_NAME;
		n++;
	}
	ev->n_tasks = n;
}

static void finalize(struct podoom_report_parser *p, struct podoom_oom_event *ev)
{
	bool missing = false;

	finish_rows(p, ev);
	p->n_rows = 0;
	p->rows_dropped = 0;
	if (!ev->has_victim && ev->has_summary) {
		ev->has_victim = true;
		ev->victim.reason = PODOOM_OOM_KILL_VICTIM;
		ev->victim.source = PODOOM_OOM_SOURCE_SUMMARY;
		ev->victim.pid = ev->summary_pid;
		memcpy(ev->victim.comm, ev->summary_comm, sizeof(ev->victim.comm));
		ev->victim.has_uid = true;
		ev->victim.uid = ev->summary_uid;
		ev->victim.time = ev->start;
	}
	/* lines every kernel of the event's eras prints between header and kill */
	if (ev->outcome == PODOOM_OOM_OUTCOME_KILLED && ev->victim.source == PODOOM_OOM_SOURCE_KILLED_LINE) {
		if ((ev->era_mask & ~p->select_eras) == 0 && !ev->selected.present)
			missing = true;
		if ((ev->era_mask & ~p->summary_eras) == 0 && !ev->has_summary)
			missing = true;
	}
	if (ev->scope == PODOOM_OOM_SCOPE_MEMCG && !ev->memory.present)
		missing = true;
	ev->complete = ev->trigger.present && ev->outcome != PODOOM_OOM_OUTCOME_UNKNOWN && !ev->damaged && !missing;
}

static void close_current(struct podoom_report_parser *p)
{
	struct podoom_oom_event *ev = &p->w.ev;

	if (!p->w.open)
		return;
	p->w.open = false;
	finalize(p, ev);
	if (waits_for_reaper(p, ev)) {
		tail_release(p);
		p->tail = *ev;
		p->has_tail = true;
		p->tail_seg = p->seg;
		memset(ev, 0, sizeof(*ev));
	} else {
		tail_release(p); /* it is older: keep the order */
		ready_push(p, ev);
	}
}

static void open_event(struct podoom_report_parser *p, const struct meta *m, enum podoom_report_line_kind kind)
{
	struct work *w = &p->w;

	memset(w, 0, sizeof(*w));
	w->open = true;
	w->last_rank = -1;
	w->rows_layouts = LAYOUTS_ALL;
	w->ev.start = line_time(m);
	w->ev.era_mask = PODOOM_REPORT_ERAS_ALL;
	copy_cut(w->ev.host, sizeof(w->ev.host), m->host, strlen(m->host), m->host_cut, &w->ev.cut_texts,
		 PODOOM_OOM_TEXT_HOST);
	p->n_rows = 0;
	p->rows_dropped = 0;
	if (p->show_mem_at && p->seg - p->show_mem_at <= SHOW_MEM_REACH_LINES &&
	    kinds[kind].rank > kinds[PODOOM_REPORT_LINE_SHOW_MEM].rank)
		set_scope(&w->ev, PODOOM_OOM_SCOPE_GLOBAL, PODOOM_OOM_EVIDENCE_SHOW_MEM);
}

/* ---- applying a recognised line to the open event ---- */

/*
 * The kernel release in dump_stack's "Comm: <comm> Not tainted 5.10.0-28-amd64 #1"
 * (or "Tainted: G  OE  ------------   3.10.0-693.el7.x86_64 #1"): the first token
 * after the taint part that starts with a digit. The comm may hold spaces, so
 * look for the taint words rather than counting tokens.
 */
static void release_from_rest(struct podoom_oom_event *ev, const struct podoom_report_value *rest)
{
	const char *s = rest->text, *end = rest->text + rest->text_len, *t;

	t = memmem(s, rest->text_len, " Not tainted ", 13);
	if (t)
		t += 13;
	else if ((t = memmem(s, rest->text_len, " Tainted: ", 10)) != NULL)
		t += 10;
	else
		return;
	while (t < end) {
		const char *tok = t, *te;
		while (tok < end && *tok == ' ')
			tok++;
		te = tok;
		while (te < end && *te != ' ')
			te++;
		if (te > tok && *tok >= '0' && *tok <= '9') {
			size_t n = (size_t)(te - tok);
			if (n >= sizeof(ev->kernel_release))
				n = sizeof(ev->kernel_release) - 1;
			memcpy(ev->kernel_release, tok, n);
			ev->kernel_release[n] = '\0';
			return;
		}
		t = te;
		if (te == tok)
			return;
	}
}

static void apply_header(struct podoom_oom_event *ev, const struct podoom_report_values *v)
{
	struct podoom_oom_trigger *t = &ev->trigger;
	enum podoom_report_field gfp = has(v, PODOOM_REPORT_FIELD_GFP) ? PODOOM_REPORT_FIELD_GFP
								      : PODOOM_REPORT_FIELD_GFP_HEX;

	t->present = true;
	put_text(t->comm, sizeof(t->comm), v, PODOOM_REPORT_FIELD_COMM, &ev->cut_texts, PODOOM_OOM_TEXT_TRIGGER_COMM);
	if (has(v, gfp))
		t->gfp_mask = v->v[gfp].u;
	if (has(v, PODOOM_REPORT_FIELD_GFP))
		put_text(t->gfp_flags, sizeof(t->gfp_flags), v, PODOOM_REPORT_FIELD_GFP, &ev->cut_texts,
			 PODOOM_OOM_TEXT_GFP_FLAGS);
	if (has(v, PODOOM_REPORT_FIELD_ORDER))
		t->order = to_i32(v->v[PODOOM_REPORT_FIELD_ORDER].i);
	if (has(v, PODOOM_REPORT_FIELD_ADJ)) {
		t->has_oom_score_adj = true;
		t->oom_score_adj = to_i32(v->v[PODOOM_REPORT_FIELD_ADJ].i);
	}
	if (has(v, PODOOM_REPORT_FIELD_OOM_ADJ)) {
		t->has_oom_adj = true;
		t->oom_adj = to_i32(v->v[PODOOM_REPORT_FIELD_OOM_ADJ].i);
	}
	put_text(ev->nodemask, sizeof(ev->nodemask), v, PODOOM_REPORT_FIELD_NODEMASK, &ev->cut_texts,
		 PODOOM_OOM_TEXT_NODEMASK);
}

static void apply_counter(struct podoom_oom_counter *c, const struct podoom_report_values *v)
{
	c->present = true;
	if (has(v, PODOOM_REPORT_FIELD_USAGE_KB))
		c->usage_bytes = kb_to_bytes(v->v[PODOOM_REPORT_FIELD_USAGE_KB].u);
	if (has(v, PODOOM_REPORT_FIELD_LIMIT_KB))
		c->limit_bytes = kb_to_bytes(v->v[PODOOM_REPORT_FIELD_LIMIT_KB].u);
	if (has(v, PODOOM_REPORT_FIELD_FAILCNT))
		c->failcnt = v->v[PODOOM_REPORT_FIELD_FAILCNT].u;
}

static enum podoom_oom_constraint constraint_from(const struct podoom_report_value *val)
{
	static const char *const names[PODOOM_OOM_CONSTRAINT_COUNT] = {
		NULL, "CONSTRAINT_NONE", "CONSTRAINT_CPUSET", "CONSTRAINT_MEMORY_POLICY", "CONSTRAINT_MEMCG",
	};

	for (unsigned c = 1; c < PODOOM_OOM_CONSTRAINT_COUNT; c++)
		if (strlen(names[c]) == val->text_len && memcmp(names[c], val->text, val->text_len) == 0)
			return (enum podoom_oom_constraint)c;
	return PODOOM_OOM_CONSTRAINT_UNKNOWN;
}

static void apply_summary(struct podoom_oom_event *ev, const struct podoom_report_shape *sh,
			  const struct podoom_report_values *v)
{
	if (has(v, PODOOM_REPORT_FIELD_CONSTRAINT)) {
		ev->constraint = constraint_from(&v->v[PODOOM_REPORT_FIELD_CONSTRAINT]);
		if (ev->constraint == PODOOM_OOM_CONSTRAINT_MEMCG)
			set_scope(ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_SUMMARY);
		else if (ev->constraint != PODOOM_OOM_CONSTRAINT_UNKNOWN)
			set_scope(ev, PODOOM_OOM_SCOPE_GLOBAL, PODOOM_OOM_EVIDENCE_SUMMARY);
	}
	put_text(ev->nodemask, sizeof(ev->nodemask), v, PODOOM_REPORT_FIELD_NODEMASK, &ev->cut_texts,
		 PODOOM_OOM_TEXT_NODEMASK);
	put_text(ev->cpuset, sizeof(ev->cpuset), v, PODOOM_REPORT_FIELD_CPUSET, &ev->cut_texts, PODOOM_OOM_TEXT_CPUSET);
	put_text(ev->mems_allowed, sizeof(ev->mems_allowed), v, PODOOM_REPORT_FIELD_MEMS, &ev->cut_texts,
		 PODOOM_OOM_TEXT_MEMS_ALLOWED);
	put_text(ev->oom_memcg, sizeof(ev->oom_memcg), v, PODOOM_REPORT_FIELD_OOM_MEMCG, &ev->cut_texts,
		 PODOOM_OOM_TEXT_OOM_MEMCG);
	put_text(ev->task_memcg, sizeof(ev->task_memcg), v, PODOOM_REPORT_FIELD_TASK_MEMCG, &ev->cut_texts,
		 PODOOM_OOM_TEXT_TASK_MEMCG);
	if (has(v, PODOOM_REPORT_FIELD_OOM_MEMCG)) {
		set_scope(ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_SUMMARY);
	} else if (strstr(sh->tmpl, ",global_oom") && has(v, PODOOM_REPORT_FIELD_TASK_MEMCG)) {
		ev->global_oom = true;
		set_scope(ev, PODOOM_OOM_SCOPE_GLOBAL, PODOOM_OOM_EVIDENCE_SUMMARY);
	}
	if (has(v, PODOOM_REPORT_FIELD_PID) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_PID))) {
		ev->has_summary = true;
		ev->summary_pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
		put_text(ev->summary_comm, sizeof(ev->summary_comm), v, PODOOM_REPORT_FIELD_COMM, &ev->cut_texts,
			 PODOOM_OOM_TEXT_SUMMARY_COMM);
		if (has(v, PODOOM_REPORT_FIELD_UID))
			ev->summary_uid = (uint32_t)v->v[PODOOM_REPORT_FIELD_UID].i;
	}
}

static void scope_from_message(struct podoom_oom_event *ev, const struct podoom_report_values *v)
{
	enum podoom_report_message m;

	if (!has(v, PODOOM_REPORT_FIELD_MSG))
		return;
	m = (enum podoom_report_message)v->v[PODOOM_REPORT_FIELD_MSG].u;
	set_scope(ev, m == PODOOM_REPORT_MESSAGE_MEMCG ? PODOOM_OOM_SCOPE_MEMCG : PODOOM_OOM_SCOPE_GLOBAL,
		  PODOOM_OOM_EVIDENCE_MESSAGE);
}

/* Fill @k from a Killed (or OOM victim ... exiting) line. */
static void fill_kill(struct podoom_oom_kill *k, struct podoom_oom_event *ev, const struct classified *c,
		      const struct meta *m, enum podoom_oom_text comm_text)
{
	const struct podoom_report_values *v = &c->values;

	k->source = PODOOM_OOM_SOURCE_KILLED_LINE;
	k->line_whole = c->match.kind != PODOOM_REPORT_MATCH_CUT;
	k->message = has(v, PODOOM_REPORT_FIELD_MSG) ? (enum podoom_report_message)v->v[PODOOM_REPORT_FIELD_MSG].u
						      : PODOOM_REPORT_MESSAGE_NONE;
	k->pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
	put_text(k->comm, sizeof(k->comm), v, PODOOM_REPORT_FIELD_COMM, &ev->cut_texts, comm_text);
	if (has(v, PODOOM_REPORT_FIELD_UID)) {
		k->has_uid = true;
		k->uid = (uint32_t)v->v[PODOOM_REPORT_FIELD_UID].i;
	}
	if (has(v, PODOOM_REPORT_FIELD_FILE_RSS_KB) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_FILE_RSS_KB))) {
		k->has_vm = true;
		k->total_vm_kb = v->v[PODOOM_REPORT_FIELD_TOTAL_VM_KB].u;
		k->anon_rss_kb = v->v[PODOOM_REPORT_FIELD_ANON_RSS_KB].u;
		k->file_rss_kb = v->v[PODOOM_REPORT_FIELD_FILE_RSS_KB].u;
	}
	if (has(v, PODOOM_REPORT_FIELD_SHMEM_RSS_KB) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_SHMEM_RSS_KB))) {
		k->has_shmem_rss = true;
		k->shmem_rss_kb = v->v[PODOOM_REPORT_FIELD_SHMEM_RSS_KB].u;
	}
	if (has(v, PODOOM_REPORT_FIELD_PGTABLES_KB) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_PGTABLES_KB))) {
		k->has_pgtables = true;
		k->pgtables_kb = v->v[PODOOM_REPORT_FIELD_PGTABLES_KB].u;
	}
	if (has(v, PODOOM_REPORT_FIELD_ADJ) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_ADJ))) {
		k->has_oom_score_adj = true;
		k->oom_score_adj = to_i32(v->v[PODOOM_REPORT_FIELD_ADJ].i);
	}
	k->time = line_time(m);
}

static struct podoom_oom_kill *add_kill(struct podoom_oom_event *ev, enum podoom_oom_kill_reason reason)
{
	/* kills[] is allocated by grow() from a capacity of n_kills rounded up to
	 * 16, so its real size is always at least that */
	size_t cap = (ev->n_kills + 15) / 16 * 16;
	void *arr = ev->kills;

	if (grow(&arr, &cap, sizeof(*ev->kills), ev->n_kills + 1, PODOOM_OOM_KILLS_MAX) < 0) {
		ev->kills_dropped++;
		return NULL;
	}
	ev->kills = arr;
	memset(&ev->kills[ev->n_kills], 0, sizeof(ev->kills[0]));
	ev->kills[ev->n_kills].reason = reason;
	return &ev->kills[ev->n_kills++];
}

static void add_row(struct podoom_report_parser *p, const struct classified *c, const char *line)
{
	const struct podoom_report_values *v = &c->values;
	enum podoom_report_table_layout l = p->shapes[c->shape].shape->layout;
	struct work *w = &p->w;
	struct raw_row *r;
	const char *close;
	void *arr = p->rows;

	if (c->match.kind == PODOOM_REPORT_MATCH_CUT || !has(v, PODOOM_REPORT_FIELD_PID)) {
		p->rows_dropped++; /* a cut row: its last values are not to be trusted */
		w->ev.damaged = true;
		return;
	}
	if (grow(&arr, &p->cap_rows, sizeof(*p->rows), p->n_rows + 1, PODOOM_OOM_TASKS_MAX) < 0) {
		p->rows_dropped++;
		return;
	}
	p->rows = arr;
	r = &p->rows[p->n_rows++];
	memset(r, 0, sizeof(*r));
	r->pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
	close = memchr(line, ']', c->match.consumed);
	r->pid_width = close ? (uint8_t)(close - line - 1 > 255 ? 255 : close - line - 1) : 0;
	r->layouts = c->layouts;
	for (size_t i = 0; layout_cols[l][i] != PODOOM_REPORT_FIELD_COUNT; i++)
		r->col[r->ncol++] = num(v, (enum podoom_report_field)layout_cols[l][i]);
	{
		uint32_t cut = 0;

		copy_cut(r->name, sizeof(r->name), v->v[PODOOM_REPORT_FIELD_NAME].text,
			 v->v[PODOOM_REPORT_FIELD_NAME].text_len, false, &cut, PODOOM_OOM_TEXT_TASK_NAME);
		r->name_cut = cut != 0;
	}
	w->rows_layouts &= c->layouts;
	if (r->pid_width == 7 && r->pid < 1000000)
		w->rows_pid7 = true;
	if (r->pid_width == 5)
		w->rows_pid5 = true;
}

static void apply_reaper(struct podoom_report_parser *p, const struct classified *c, const struct meta *m);

static void apply_fields(struct podoom_report_parser *p, const struct classified *c, const struct meta *m,
			 enum podoom_report_line_kind kind, const char *line)
{
	struct work *w = &p->w;
	struct podoom_oom_event *ev = &w->ev;
	const struct podoom_report_values *v = &c->values;
	const struct podoom_report_shape *sh = p->shapes[c->shape].shape;
	struct podoom_oom_kill *k;

	switch (kind) {
	case PODOOM_REPORT_LINE_HEADER:
		apply_header(ev, v);
		break;
	case PODOOM_REPORT_LINE_CPUSET:
		put_text(ev->cpuset, sizeof(ev->cpuset), v, PODOOM_REPORT_FIELD_CPUSET, &ev->cut_texts,
			 PODOOM_OOM_TEXT_CPUSET);
		put_text(ev->mems_allowed, sizeof(ev->mems_allowed), v, PODOOM_REPORT_FIELD_MEMS, &ev->cut_texts,
			 PODOOM_OOM_TEXT_MEMS_ALLOWED);
		break;
	case PODOOM_REPORT_LINE_CPU:
		if (has(v, PODOOM_REPORT_FIELD_REST))
			release_from_rest(ev, &v->v[PODOOM_REPORT_FIELD_REST]);
		if (has(v, PODOOM_REPORT_FIELD_PID) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_PID))) {
			ev->trigger.has_pid = true;
			ev->trigger.pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
		}
		if (has(v, PODOOM_REPORT_FIELD_UID)) {
			ev->trigger.has_uid = true;
			ev->trigger.uid = (uint32_t)v->v[PODOOM_REPORT_FIELD_UID].i;
		}
		if (has(v, PODOOM_REPORT_FIELD_CPU)) {
			ev->trigger.has_cpu = true;
			ev->trigger.cpu = (uint32_t)v->v[PODOOM_REPORT_FIELD_CPU].u;
		}
		break;
	case PODOOM_REPORT_LINE_TASK_IN:
	case PODOOM_REPORT_LINE_LIMIT_REACHED:
		put_text(ev->task_memcg, sizeof(ev->task_memcg), v, PODOOM_REPORT_FIELD_TASK_MEMCG, &ev->cut_texts,
			 PODOOM_OOM_TEXT_TASK_MEMCG);
		put_text(ev->oom_memcg, sizeof(ev->oom_memcg), v, PODOOM_REPORT_FIELD_OOM_MEMCG, &ev->cut_texts,
			 PODOOM_OOM_TEXT_OOM_MEMCG);
		set_scope(ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_MEMCG_INFO);
		break;
	case PODOOM_REPORT_LINE_MEMORY:
	case PODOOM_REPORT_LINE_MEMSW:
	case PODOOM_REPORT_LINE_SWAP:
	case PODOOM_REPORT_LINE_KMEM:
		apply_counter(kind == PODOOM_REPORT_LINE_MEMORY  ? &ev->memory
			      : kind == PODOOM_REPORT_LINE_MEMSW ? &ev->memsw
			      : kind == PODOOM_REPORT_LINE_SWAP	 ? &ev->swap
								 : &ev->kmem,
			      v);
		set_scope(ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_MEMCG_INFO);
		break;
	case PODOOM_REPORT_LINE_STATS_V1:
	case PODOOM_REPORT_LINE_STATS_HEAD:
		if (ev->stats_memcg[0] == '\0')
			put_text(ev->stats_memcg, sizeof(ev->stats_memcg), v, PODOOM_REPORT_FIELD_MEMCG, &ev->cut_texts,
				 PODOOM_OOM_TEXT_STATS_MEMCG);
		/* 5.3+ print the stats of the OOMing memcg only (mem_cgroup_print_oom_meminfo(oc->memcg));
		 * before, one line per memcg of its subtree, and an excerpt may start inside it */
		if (kind == PODOOM_REPORT_LINE_STATS_HEAD && ev->oom_memcg[0] == '\0')
			put_text(ev->oom_memcg, sizeof(ev->oom_memcg), v, PODOOM_REPORT_FIELD_MEMCG, &ev->cut_texts,
				 PODOOM_OOM_TEXT_OOM_MEMCG);
		ev->stats_lines++;
		set_scope(ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_MEMCG_INFO);
		break;
	case PODOOM_REPORT_LINE_TABLE_HEADER:
		w->header_layout = sh->layout;
		break;
	case PODOOM_REPORT_LINE_TABLE_ROW:
		add_row(p, c, line);
		break;
	case PODOOM_REPORT_LINE_OOM_KILL:
		apply_summary(ev, sh, v);
		break;
	case PODOOM_REPORT_LINE_SELECT:
		scope_from_message(ev, v);
		if (!has(v, PODOOM_REPORT_FIELD_PID) || (v->cut & BIT64(PODOOM_REPORT_FIELD_PID)))
			break;
		ev->selected.present = true;
		ev->selected.pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
		put_text(ev->selected.comm, sizeof(ev->selected.comm), v, PODOOM_REPORT_FIELD_COMM, &ev->cut_texts,
			 PODOOM_OOM_TEXT_SELECTED_COMM);
		if (has(v, PODOOM_REPORT_FIELD_SCORE) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_SCORE))) {
			ev->selected.has_score = true;
			ev->selected.score = v->v[PODOOM_REPORT_FIELD_SCORE].i;
		}
		ev->selected.message = has(v, PODOOM_REPORT_FIELD_MSG)
					       ? (enum podoom_report_message)v->v[PODOOM_REPORT_FIELD_MSG].u
					       : PODOOM_REPORT_MESSAGE_GLOBAL; /* 2.6.22 "Out of Memory: Kill" */
		break;
	case PODOOM_REPORT_LINE_KILLED:
	case PODOOM_REPORT_LINE_EXITING:
		scope_from_message(ev, v);
		if (!has(v, PODOOM_REPORT_FIELD_PID) || (v->cut & BIT64(PODOOM_REPORT_FIELD_PID)))
			break;
		if (w->after_group) {
			k = add_kill(ev, PODOOM_OOM_KILL_GROUP);
			if (k)
				fill_kill(k, ev, c, m, PODOOM_OOM_TEXT_KILL_COMM);
			break;
		}
		ev->has_victim = true;
		memset(&ev->victim, 0, sizeof(ev->victim));
		fill_kill(&ev->victim, ev, c, m, PODOOM_OOM_TEXT_VICTIM_COMM);
		ev->outcome = kind == PODOOM_REPORT_LINE_KILLED ? PODOOM_OOM_OUTCOME_KILLED
							       : PODOOM_OOM_OUTCOME_VICTIM_EXITING;
		break;
	case PODOOM_REPORT_LINE_SHARED:
		if (!has(v, PODOOM_REPORT_FIELD_PID) || (v->cut & BIT64(PODOOM_REPORT_FIELD_PID)))
			break;
		k = add_kill(ev, PODOOM_OOM_KILL_SHARED_MM);
		if (k) {
			k->source = PODOOM_OOM_SOURCE_KILLED_LINE;
			k->line_whole = c->match.kind != PODOOM_REPORT_MATCH_CUT;
			k->pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
			put_text(k->comm, sizeof(k->comm), v, PODOOM_REPORT_FIELD_COMM, &ev->cut_texts,
				 PODOOM_OOM_TEXT_KILL_COMM);
			k->time = line_time(m);
		}
		break;
	case PODOOM_REPORT_LINE_GROUP:
		ev->group_kill = true;
		w->after_group = true;
		put_text(ev->group_memcg, sizeof(ev->group_memcg), v, PODOOM_REPORT_FIELD_MEMCG, &ev->cut_texts,
			 PODOOM_OOM_TEXT_GROUP_MEMCG);
		break;
	case PODOOM_REPORT_LINE_NO_KILLABLE:
		ev->outcome = PODOOM_OOM_OUTCOME_NO_KILLABLE;
		break;
	case PODOOM_REPORT_LINE_TABLE_STATE:
	case PODOOM_REPORT_LINE_SHOW_MEM:
	case PODOOM_REPORT_LINE_REAPED:
	case PODOOM_REPORT_LINE_REAP_FAILED:
	case PODOOM_REPORT_LINE_KIND_COUNT:
		break;
	}
}

static void apply(struct podoom_report_parser *p, const struct classified *c, const struct meta *m, const char *line)
{
	struct work *w = &p->w;
	enum podoom_report_line_kind kind = kind_of(p, c);
	const struct kind_info *ki = &kinds[kind];
	int rank = ki->rank;
	bool repeatable = ki->repeatable, cont;

	p->stats.lines_matched++;
	if (kind == PODOOM_REPORT_LINE_REAPED || kind == PODOOM_REPORT_LINE_REAP_FAILED) {
		apply_reaper(p, c, m);
		return;
	}
	if (kind == PODOOM_REPORT_LINE_SHOW_MEM) {
		const char *tmpl = p->shapes[c->shape].shape->tmpl;
		p->show_mem_at = p->seg;
		if (w->open && w->last_rank < kinds[PODOOM_REPORT_LINE_TABLE_STATE].rank)
			set_scope(&w->ev, PODOOM_OOM_SCOPE_GLOBAL, PODOOM_OOM_EVIDENCE_SHOW_MEM);
		/* "N pages RAM": totalram_pages, the global OOM's totalpages without swap */
		if (w->open && has(&c->values, PODOOM_REPORT_FIELD_COUNT_PAGES) && strstr(tmpl, " pages RAM"))
			w->ev.ram_pages = c->values.v[PODOOM_REPORT_FIELD_COUNT_PAGES].u;
		return;
	}
	if (kind == PODOOM_REPORT_LINE_KILLED && w->open && w->after_group) {
		rank = RANK_GROUP_KILLED;
		repeatable = true;
	}
	if (ki->need == NEED_HEADER && (!w->open || !w->ev.trigger.present || w->last_rank >= rank))
		return;
	if (ki->need == NEED_VICTIM && (!w->open || !w->ev.has_victim || w->last_rank < kinds[PODOOM_REPORT_LINE_KILLED].rank))
		return;
	cont = w->open && (rank > w->last_rank || (rank == w->last_rank && repeatable));
	if (!cont) {
		if (!ki->starts)
			return;
		close_current(p);
		open_event(p, m, kind);
	}
	apply_fields(p, c, m, kind, line);
	narrow(&w->ev, c->eras);
	w->last_rank = rank;
	w->ctx_stats = kind == PODOOM_REPORT_LINE_STATS_HEAD;
	w->ev.lines++;
	w->ev.line_last = m->time.line_no;
	w->ev.quirks |= c->match.quirks;
	if (c->match.kind == PODOOM_REPORT_MATCH_CUT || m->truncated)
		w->ev.damaged = true;
	if (kind == PODOOM_REPORT_LINE_NO_KILLABLE || kind == PODOOM_REPORT_LINE_EXITING)
		close_current(p); /* nothing of this event follows */
}

static struct podoom_oom_kill *find_kill(struct podoom_oom_event *ev, int32_t pid)
{
	if (ev->has_victim && ev->victim.pid == pid)
		return &ev->victim;
	for (size_t i = 0; i < ev->n_kills; i++)
		if (ev->kills[i].pid == pid)
			return &ev->kills[i];
	return NULL;
}

static void fill_reaper(struct podoom_oom_kill *k, const struct classified *c, bool reaped)
{
	const struct podoom_report_values *v = &c->values;

	if (!reaped) {
		k->reap_failed = true;
		return;
	}
	k->reaped = true;
	if (has(v, PODOOM_REPORT_FIELD_ANON_RSS_KB))
		k->reaped_anon_rss_kb = v->v[PODOOM_REPORT_FIELD_ANON_RSS_KB].u;
	if (has(v, PODOOM_REPORT_FIELD_FILE_RSS_KB))
		k->reaped_file_rss_kb = v->v[PODOOM_REPORT_FIELD_FILE_RSS_KB].u;
	if (has(v, PODOOM_REPORT_FIELD_SHMEM_RSS_KB) && !(v->cut & BIT64(PODOOM_REPORT_FIELD_SHMEM_RSS_KB)))
		k->reaped_shmem_rss_kb = v->v[PODOOM_REPORT_FIELD_SHMEM_RSS_KB].u;
}

/* An oom_reaper line belongs to the kill with its pid: in the open event, in
 * the one waiting for its reaper lines, or in one already returned. With none
 * of those it is the only trace of an OOM kill whose report was lost. */
static void apply_reaper(struct podoom_report_parser *p, const struct classified *c, const struct meta *m)
{
	const struct podoom_report_values *v = &c->values;
	bool reaped = kind_of(p, c) == PODOOM_REPORT_LINE_REAPED;
	struct podoom_oom_event *ev = NULL, orphan;
	struct podoom_oom_kill *k = NULL;
	int32_t pid;

	if (!has(v, PODOOM_REPORT_FIELD_PID) || (v->cut & BIT64(PODOOM_REPORT_FIELD_PID)))
		return;
	pid = to_i32(v->v[PODOOM_REPORT_FIELD_PID].i);
	if (p->w.open && (k = find_kill(&p->w.ev, pid)) != NULL)
		ev = &p->w.ev;
	else if (p->has_tail && (k = find_kill(&p->tail, pid)) != NULL)
		ev = &p->tail;
	if (ev) {
		fill_reaper(k, c, reaped);
		narrow(ev, c->eras);
		ev->quirks |= c->match.quirks;
		if (ev == &p->tail && !waits_for_reaper(p, ev))
			tail_release(p);
		return;
	}
	if (recent_pid(p, pid)) {
		p->stats.reaper_late++;
		return;
	}
	memset(&orphan, 0, sizeof(orphan));
	orphan.start = line_time(m);
	orphan.line_last = m->time.line_no;
	orphan.lines = 1;
	orphan.era_mask = PODOOM_REPORT_ERAS_ALL & c->eras;
	copy_cut(orphan.host, sizeof(orphan.host), m->host, strlen(m->host), m->host_cut, &orphan.cut_texts,
		 PODOOM_OOM_TEXT_HOST);
	orphan.outcome = PODOOM_OOM_OUTCOME_KILLED; /* the reaper only reaps OOM victims */
	orphan.has_victim = true;
	orphan.victim.source = PODOOM_OOM_SOURCE_REAPER;
	orphan.victim.pid = pid;
	orphan.victim.time = orphan.start;
	put_text(orphan.victim.comm, sizeof(orphan.victim.comm), v, PODOOM_REPORT_FIELD_COMM, &orphan.cut_texts,
		 PODOOM_OOM_TEXT_VICTIM_COMM);
	fill_reaper(&orphan.victim, c, reaped);
	orphan.quirks = c->match.quirks;
	orphan.damaged = c->match.kind == PODOOM_REPORT_MATCH_CUT;
	ready_push(p, &orphan);
}

/* ---- lines that only mean something inside an event ---- */

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* "key 12345": one line of a memory.stat dump (5.3+); journald indents them */
static bool is_stat_line(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || !is_lower(s[i]))
		return false;
	while (i < n && (is_lower(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		i++;
	if (i >= n || s[i] != ' ')
		return false;
	for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	return digits > 0 && i == n;
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* A stack frame: "  func+0x1/0x2", " [<ffffffff8163515c>] func+0x..", " ? func+..". */
static bool frame_symbol(const char *s, size_t n, const char **sym, size_t *sym_len, bool *reliable)
{
	size_t i = 0, start;

	while (i < n && s[i] == ' ')
		i++;
	if (i + 1 < n && s[i] == '[' && s[i + 1] == '<') {
		const char *close = memchr(s + i, ']', n - i);
		if (!close)
			return false;
		i = (size_t)(close - s) + 1;
		while (i < n && s[i] == ' ')
			i++;
	}
	*reliable = true;
	if (i + 1 < n && s[i] == '?' && s[i + 1] == ' ') {
		*reliable = false;
		i += 2;
	}
	start = i;
	while (i < n && s[i] != '+' && s[i] != ' ')
		i++;
	if (i == start || i >= n || s[i] != '+')
		return false;
	*sym = s + start;
	*sym_len = i - start;
	return true;
}

/* The scope from who called out_of_memory() (no memcg lines in the excerpt). */
static void stack_frame(struct work *w, const char *s, size_t n)
{
	const char *sym;
	size_t len;
	bool reliable;

	if (!frame_symbol(s, n, &sym, &len, &reliable))
		return;
	if (contains(sym, len, "mem_cgroup_out_of_memory")) {
		set_scope(&w->ev, PODOOM_OOM_SCOPE_MEMCG, PODOOM_OOM_EVIDENCE_STACK);
		w->stack_decided = true;
	} else if ((len == 13 || (len > 13 && sym[13] == '.')) && memcmp(sym, "out_of_memory", 13) == 0) {
		w->stack_after_oom = true;
	} else if (w->stack_after_oom && reliable) {
		bool memcg = contains(sym, len, "mem_cgroup") || contains(sym, len, "memcg") ||
			     contains(sym, len, "try_charge");
		set_scope(&w->ev, memcg ? PODOOM_OOM_SCOPE_MEMCG : PODOOM_OOM_SCOPE_GLOBAL, PODOOM_OOM_EVIDENCE_STACK);
		w->stack_decided = true;
	}
}

static void context_line(struct podoom_report_parser *p, const struct meta *m, const char *s, size_t n)
{
	struct work *w = &p->w;

	if (!w->open)
		return;
	if (w->ctx_stats && is_stat_line(s, n)) {
		w->ev.stats_lines++;
		w->ev.lines++;
		w->ev.line_last = m->time.line_no;
		return;
	}
	if (w->ev.trigger.present && !w->stack_decided && w->last_rank <= kinds[PODOOM_REPORT_LINE_CPU].rank)
		stack_frame(w, s, n);
}

/* ---- one line of input ---- */

static void fill_meta(struct meta *m, const struct podoom_logline *l)
{
	size_t hn = l->host ? l->host_len : 0;

	/* field by field, not memset: this runs for every input line (the 64-byte
	 * host was 9% of podoom explain) */
	m->transport = l->transport;
	m->time.has_mono = l->has_mono;
	m->time.mono_usec = l->mono_usec;
	m->time.has_wall = l->has_wall;
	m->time.wall_usec = l->wall_usec;
	m->time.has_seq = l->has_seq;
	m->time.seq = l->seq;
	m->time.line_no = l->line_no;
	m->kmsg_continued = l->kmsg_continued;
	m->truncated = l->truncated;
	m->host_cut = false;
	if (hn >= sizeof(m->host)) {
		hn = sizeof(m->host) - 1;
		m->host_cut = true;
	}
	if (hn)
		memcpy(m->host, l->host, hn);
	m->host[hn] = '\0';
}

/* Would a line of @kind continue the open event? */
static bool continues(const struct podoom_report_parser *p, enum podoom_report_line_kind kind)
{
	const struct work *w = &p->w;
	const struct kind_info *ki = &kinds[kind];

	return w->open && ki->need != NEED_SPECIAL &&
	       (ki->rank > w->last_rank || (ki->rank == w->last_rank && ki->repeatable));
}

/* Apply the pending line. A tentative one (a short line cut off) is dropped
 * unless the input ends with it: an excerpt cut mid-line, which still tells
 * something about the event it ends (samples 03, 17). In the middle of a log
 * such a fragment is more likely noise than a report line. */
static void flush_pending(struct podoom_report_parser *p, bool at_end)
{
	if (!p->pend.active)
		return;
	p->pend.active = false;
	if (!p->pend.tentative || (at_end && continues(p, kind_of(p, &p->pend.cls))))
		apply(p, &p->pend.cls, &p->pend.meta, p->bufs[p->pend.buf]);
}

static bool is_weak(const struct classified *c)
{
	return c->match.kind == PODOOM_REPORT_MATCH_CUT && c->match.literal_bytes < CUT_STRONG_LITERAL_BYTES;
}

/* node-problem-detector renders the kernel line as "<count> OOMKilling: <msg>" (sample 42) */
static void skip_wrapper(const char **s, size_t *n)
{
	static const char reason[] = "OOMKilling: ";
	size_t i = 0;

	while (i < *n && i < 12 && (*s)[i] >= '0' && (*s)[i] <= '9')
		i++;
	if (i > 0 && i < *n && (*s)[i] == ' ')
		i++;
	else
		i = 0;
	if (*n - i >= sizeof(reason) - 1 && memcmp(*s + i, reason, sizeof(reason) - 1) == 0) {
		*s += i + sizeof(reason) - 1;
		*n -= i + sizeof(reason) - 1;
	}
}

static bool joinable(const struct podoom_report_parser *p, const struct meta *m)
{
	const struct pending *pd = &p->pend;

	if (!pd->active || kind_of(p, &pd->cls) == PODOOM_REPORT_LINE_STATS_HEAD)
		return false;
	return pd->cls.match.kind == PODOOM_REPORT_MATCH_CUT || pd->continued ||
	       (m->transport == PODOOM_LOGLINE_RAW && pd->meta.transport != PODOOM_LOGLINE_RAW);
}

/* Join the pending line and @s; keep the result if it reads as the same kind of line, better. */
static bool try_join(struct podoom_report_parser *p, const struct meta *m, const char *s, size_t n)
{
	struct pending *pd = &p->pend;
	char *out = p->bufs[2]; /* bufs[0] and [1] hold the pending line and this one */
	size_t len = pd->len;
	struct classified c;
	bool raw_wrap = m->transport == PODOOM_LOGLINE_RAW && pd->meta.transport != PODOOM_LOGLINE_RAW;

	if (len + n > PODOOM_REPORT_LINE_MAX) {
		n = PODOOM_REPORT_LINE_MAX - len;
		p->stats.lines_cut++;
	}
	memmove(out, p->bufs[pd->buf], len);
	memcpy(out + len, s, n);
	len += n;
	if (!classify(p, out, len, true, &c) || kind_of(p, &c) != kind_of(p, &pd->cls))
		return false;
	if (c.match.kind == PODOOM_REPORT_MATCH_CUT &&
	    !(raw_wrap || pd->continued) /* a fragment on its own line must complete it */)
		return false;
	if (c.match.consumed <= pd->cls.match.consumed && c.match.kind == pd->cls.match.kind)
		return false;
	/* the joined text becomes the pending line */
	memcpy(p->bufs[pd->buf], out, len);
	pd->len = len;
	if (!classify(p, p->bufs[pd->buf], len, true, &pd->cls))
		return false; /* not reached: the same text matched above */
	pd->continued = m->kmsg_continued;
	pd->tentative = is_weak(&pd->cls);
	p->stats.lines_joined++;
	return true;
}

static void expire_tail(struct podoom_report_parser *p, const struct meta *m)
{
	const struct podoom_oom_time *t;

	if (!p->has_tail)
		return;
	t = p->tail.has_victim ? &p->tail.victim.time : &p->tail.start;
	if (p->seg - p->tail_seg > PODOOM_REPORT_REAPER_WAIT_LINES ||
	    (m->time.has_mono && t->has_mono && m->time.mono_usec > t->mono_usec + PODOOM_REPORT_REAPER_WAIT_USEC) ||
	    (m->time.has_wall && t->has_wall && m->time.wall_usec > t->wall_usec + PODOOM_REPORT_REAPER_WAIT_USEC))
		tail_release(p);
}

static void process(struct podoom_report_parser *p, const struct meta *m, const char *s, size_t n)
{
	struct classified c;
	bool have, weak, cpuset_possible;
	int scratch;
	struct pending *pd = &p->pend;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return; /* blank lines (double-spaced pastes) change nothing */
	p->seg++;
	skip_wrapper(&s, &n);
	if (n == 0)
		return;
	if (n > PODOOM_REPORT_LINE_MAX) {
		n = PODOOM_REPORT_LINE_MAX;
		p->stats.lines_cut++;
	}
	/* idle (nothing pending, no event open): a line that matches no shape changes
	 * nothing, so test it where it lies and skip the copy. Same outcome as the path
	 * below (no join, no flush, no context), a third of the parser's time on logs of
	 * mostly unrelated lines. */
	if (!pd->active && !p->w.open && !classify(p, s, n, false, &c))
		return;
	scratch = pd->buf == 0 ? 1 : 0;
	memcpy(p->bufs[scratch], s, n);
	s = p->bufs[scratch];
	cpuset_possible = (pd->active && kind_of(p, &pd->cls) == PODOOM_REPORT_LINE_HEADER) ||
			  (p->w.open && p->w.ev.trigger.present && p->w.last_rank < kinds[PODOOM_REPORT_LINE_CPUSET].rank);
	have = classify(p, s, n, cpuset_possible, &c);
	weak = have && is_weak(&c);
	if (!have || weak) {
		if (joinable(p, m) && try_join(p, m, s, n))
			return;
	}
	flush_pending(p, false);
	if (have) {
		pd->active = true;
		pd->buf = scratch;
		pd->len = n;
		pd->meta = *m;
		pd->continued = m->kmsg_continued;
		pd->tentative = weak;
		pd->cls = c;
		return;
	}
	context_line(p, m, s, n);
}

/* ---- public API ---- */

static int add_entry(struct podoom_report_parser *p, size_t shape, const char *text, size_t len)
{
	struct entry e = {.shape = (uint8_t)shape, .len = 0};

	while (e.len < len && e.len < PREFIX_MAX && text[e.len] != ' ') {
		e.prefix[e.len] = text[e.len];
		e.len++;
	}
	for (size_t k = 0; k < p->n_entries; k++)
		if (p->entries[k].shape == e.shape && p->entries[k].len == e.len &&
		    memcmp(p->entries[k].prefix, e.prefix, e.len) == 0)
			return 0; /* "Out of memory" and "Out of memory (...)" share "Out" */
	if (p->n_entries >= ENTRIES_MAX || shape >= SHAPES_MAX)
		return -E2BIG;
	p->entries[p->n_entries++] = e;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if ((unsigned char)x->prefix[0] != (unsigned char)y->prefix[0])
		return (unsigned char)x->prefix[0] < (unsigned char)y->prefix[0] ? -1 : 1;
	return x->shape < y->shape ? -1 : x->shape > y->shape; /* table order among equals */
}

/* Sort the entries by first byte and index them (first[]). */
static void index_entries(struct podoom_report_parser *p)
{
	size_t k = 0;

	qsort(p->entries, p->n_entries, sizeof(p->entries[0]), entry_cmp);
	for (unsigned b = 0; b < 256; b++) {
		p->first[b] = (uint8_t)k;
		while (k < p->n_entries && (unsigned char)p->entries[k].prefix[0] == b)
			k++;
	}
	p->first[256] = (uint8_t)k;
}

int podoom_report_parser_new(struct podoom_report_parser **ret)
{
	struct podoom_report_parser *p;
	const struct podoom_report_shape *table;
	size_t n;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	table = podoom_report_shapes(&n);
	if (n > SHAPES_MAX) {
		free(p);
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		struct podoom_report_compiled *c = &p->shapes[i];
		const struct podoom_report_token *t0;
		enum podoom_report_field_type ty;

		if (podoom_report_shape_compile(&table[i], c) < 0) {
			free(p);
			return -EINVAL; /* a broken table: caught by the unit tests */
		}
		t0 = &c->tokens[0];
		if (table[i].kind == PODOOM_REPORT_LINE_TABLE_ROW)
			p->layout_eras[table[i].layout] |= table[i].eras;
		ty = t0->is_field ? podoom_report_field_type((enum podoom_report_field)t0->field)
				  : PODOOM_REPORT_TYPE_COUNT;
		if (!t0->is_field) {
			if (add_entry(p, i, table[i].tmpl + t0->off, t0->len) < 0)
				goto too_big;
		} else if (ty == PODOOM_REPORT_TYPE_MSG) {
			for (unsigned msg = 1; msg < PODOOM_REPORT_MESSAGE_COUNT; msg++) {
				const char *name = podoom_report_message_to_string((enum podoom_report_message)msg);
				if (add_entry(p, i, name, strlen(name)) < 0)
					goto too_big;
			}
		} else if (ty == PODOOM_REPORT_TYPE_UINT || ty == PODOOM_REPORT_TYPE_INT) {
			for (int d = 0; d < 10; d++)
				if (add_entry(p, i, &"0123456789"[d], 1) < 0)
					goto too_big;
		} else if (c->n_tokens > 1) {
			/* free text first (a comm): found by the literal after it */
			const char *a = table[i].tmpl + c->tokens[1].off;
			size_t alen = c->tokens[1].len, k;

			for (k = 0; k < p->n_anchors; k++)
				if (p->anchors[k].len == alen && memcmp(p->anchors[k].text, a, alen) == 0)
					break;
			if (k == p->n_anchors) {
				if (k == ANCHORS_MAX)
					goto too_big;
				p->anchors[k].text = a;
				p->anchors[k].len = alen;
				p->anchors[k].rare = rarest_byte(a, alen);
				p->n_anchors++;
			}
			p->anchors[k].idx[p->anchors[k].n++] = (uint8_t)i;
		}
	}
	index_entries(p);
	p->n_shapes = n;
	p->select_eras = podoom_report_line_kind_eras(PODOOM_REPORT_LINE_SELECT);
	p->summary_eras = podoom_report_line_kind_eras(PODOOM_REPORT_LINE_OOM_KILL);
	p->reaper_eras = podoom_report_line_kind_eras(PODOOM_REPORT_LINE_REAPED);
	*ret = p;
	return 0;
too_big: /* the table outgrew the dispatch arrays: caught by the unit tests */
	free(p);
	return -E2BIG;
}

void podoom_report_parser_free(struct podoom_report_parser *p)
{
	if (!p)
		return;
	podoom_oom_event_fini(&p->w.ev);
	podoom_oom_event_fini(&p->tail);
	for (size_t i = 0; i < p->ready_n; i++)
		podoom_oom_event_fini(&p->ready[(p->ready_head + i) % PODOOM_REPORT_QUEUE_MAX]);
	free(p->rows);
	free(p);
}

int podoom_report_parser_push(struct podoom_report_parser *p, const struct podoom_logline *line)
{
	struct meta m;
	const char *s, *end;
	size_t n;

	if (!p || !line)
		return -EINVAL;
	p->stats.lines++;
	fill_meta(&m, line);
	s = line->msg ? line->msg : "";
	n = line->msg ? line->msg_len : 0;
	end = s + n;
	/* a record with embedded newlines is several lines (/dev/kmsg escapes
	 * them as \x0a); only its last line can be continued by the next record */
	for (;;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *esc = line->transport == PODOOM_LOGLINE_KMSG ? memmem(s, (size_t)(end - s), "\\x0a", 4) : NULL;
		const char *cut = nl && (!esc || nl < esc) ? nl : esc;

		m.kmsg_continued = cut ? false : line->kmsg_continued;
		if (!cut) {
			process(p, &m, s, (size_t)(end - s));
			break;
		}
		process(p, &m, s, (size_t)(cut - s));
		s = cut + (cut == nl ? 1 : 4);
	}
	expire_tail(p, &m);
	return (int)p->ready_n;
}

int podoom_report_parser_finish(struct podoom_report_parser *p)
{
	if (!p)
		return -EINVAL;
	flush_pending(p, true);
	close_current(p);
	tail_release(p);
	return (int)p->ready_n;
}

int podoom_report_parser_next_event(struct podoom_report_parser *p, struct podoom_oom_event *ret)
{
	if (!p || !ret)
		return -EINVAL;
	if (p->ready_n == 0)
		return -EAGAIN;
	*ret = p->ready[p->ready_head];
	memset(&p->ready[p->ready_head], 0, sizeof(p->ready[0]));
	p->ready_head = (p->ready_head + 1) % PODOOM_REPORT_QUEUE_MAX;
	p->ready_n--;
	return 0;
}

void podoom_report_parser_get_stats(const struct podoom_report_parser *p, struct podoom_report_parser_stats *ret)
{
	*ret = p->stats;
}

void podoom_oom_event_fini(struct podoom_oom_event *ev)
{
	if (!ev)
		return;
	free(ev->tasks);
	free(ev->kills);
	ev->tasks = NULL;
	ev->n_tasks = 0;
	ev->kills = NULL;
	ev->n_kills = 0;
}

const struct podoom_oom_task *podoom_oom_event_find_task(const struct podoom_oom_event *ev, int32_t pid)
{
	for (size_t i = 0; i < ev->n_tasks; i++)
		if (ev->tasks[i].pid == pid)
			return &ev->tasks[i];
	return NULL;
}

const char *podoom_report_scope_to_string(enum podoom_report_scope scope)
{
	static const char *const names[PODOOM_OOM_SCOPE_COUNT] = {"unknown", "global", "memcg"};
	return (unsigned)scope < PODOOM_OOM_SCOPE_COUNT ? names[scope] : NULL;
}

const char *podoom_oom_constraint_to_string(enum podoom_oom_constraint constraint)
{
	static const char *const names[PODOOM_OOM_CONSTRAINT_COUNT] = {
		"unknown", "CONSTRAINT_NONE", "CONSTRAINT_CPUSET", "CONSTRAINT_MEMORY_POLICY", "CONSTRAINT_MEMCG",
	};
	return (unsigned)constraint < PODOOM_OOM_CONSTRAINT_COUNT ? names[constraint] : NULL;
}

const char *podoom_oom_outcome_to_string(enum podoom_oom_outcome outcome)
{
	static const char *const names[PODOOM_OOM_OUTCOME_COUNT] = {"unknown", "killed", "no_killable",
								     "victim_exiting"};
	return (unsigned)outcome < PODOOM_OOM_OUTCOME_COUNT ? names[outcome] : NULL;
}

const char *podoom_oom_kill_reason_to_string(enum podoom_oom_kill_reason reason)
{
	static const char *const names[PODOOM_OOM_KILL_REASON_COUNT] = {"victim", "group", "shared_mm"};
	return (unsigned)reason < PODOOM_OOM_KILL_REASON_COUNT ? names[reason] : NULL;
}

const char *podoom_oom_evidence_to_string(enum podoom_oom_evidence evidence)
{
	static const char *const names[PODOOM_OOM_EVIDENCE_COUNT] = {"none",	   "stack",   "show_mem",
								     "memcg_info", "message", "summary"};
	return (unsigned)evidence < PODOOM_OOM_EVIDENCE_COUNT ? names[evidence] : NULL;
}

const char *podoom_oom_source_to_string(enum podoom_oom_source source)
{
	static const char *const names[PODOOM_OOM_SOURCE_COUNT] = {"none", "killed_line", "summary", "reaper"};
	return (unsigned)source < PODOOM_OOM_SOURCE_COUNT ? names[source] : NULL;
}
