/*
 * kernel_profile.c - kernel release strings and the table of OOM-killer eras.
 *
 * Every row was read from the mm/oom_kill.c, mm/memcontrol.c and
 * fs/proc/base.c of the tree named in its `source` (reference/kernel.md
 * section 0 lists the repositories and commits). A fact that changed between
 * two verified trees without a known commit starts a new row at the later
 * tree, so a release in the gap is described by the older row.
 */
#include "podoom/kernel.h"

#include <errno.h>
#include <string.h>

#define KVER_NUMBER_MAX 999999u

/*
 * Each era of oom_badness() and of the victim scan, as initialisers the rows
 * combine; each row adds the rest (child sacrifice, oom.group, reaper, report).
 */
/* 3.10-4.15: 3% CAP_SYS_ADMIN bonus, unsigned points floored at 1 */
#define BADNESS_ROOT_BONUS .root_bonus_pct = 3, .oom_score = PODOOM_KERNEL_OOM_SCORE_PERMILLE
/* 4.19-5.8: no bonus, still unsigned and floored */
#define BADNESS_FLOOR .oom_score = PODOOM_KERNEL_OOM_SCORE_PERMILLE
/* 5.9+: signed, LONG_MIN when ineligible, /proc oom_score scaled to 0..2000 */
#define BADNESS_SIGNED .signed_badness = true, .oom_score = PODOOM_KERNEL_OOM_SCORE_SCALED

/* oom_scan_process_thread() over every thread: first maximum wins */
#define SCAN_3_10 \
	.global_scan = PODOOM_KERNEL_SCAN_THREADS, .memcg_scan = PODOOM_KERNEL_SCAN_THREADS, \
	.tie = PODOOM_KERNEL_TIE_FIRST, .select_points_u32 = true, .abort_on_exiting = true, \
	.exited_skipped_first = true
/* the same with "Prefer thread group leaders for display purposes" */
#define SCAN_4_4 \
	.global_scan = PODOOM_KERNEL_SCAN_THREADS, .memcg_scan = PODOOM_KERNEL_SCAN_THREADS, \
	.tie = PODOOM_KERNEL_TIE_FIRST_LEADER, .select_points_u32 = true, .abort_on_exiting = true
/* oom_evaluate_task(): processes for a global OOM, threads in a memcg */
#define SCAN_4_14 \
	.oom_skip_checks = true, .global_scan = PODOOM_KERNEL_SCAN_PROCESSES, \
	.memcg_scan = PODOOM_KERNEL_SCAN_THREADS, .tie = PODOOM_KERNEL_TIE_FIRST_LEADER
/* processes everywhere (CSS_TASK_ITER_PROCS), the last equal task wins */
#define SCAN_5_3 \
	.oom_skip_checks = true, .global_scan = PODOOM_KERNEL_SCAN_PROCESSES, \
	.memcg_scan = PODOOM_KERNEL_SCAN_PROCESSES, .tie = PODOOM_KERNEL_TIE_LAST

static const struct podoom_kernel_profile profiles[] = {
	{
		/* 2.6.36 replaced the total_vm heuristic with rss + swap; 3.10.105 is the
		 * oldest tree read. 3.19 (corpus sample 15) behaves the same. */
		.name = "3.10",
		.first = {2, 6, 36, 0},
		.source = "3.10.105 gq213/linux-3.10.105@1a7ae0fa",
		BADNESS_ROOT_BONUS,
		SCAN_3_10,
		.sacrifice_child = true,
		.report_style = PODOOM_REPORT_STYLE_3_10,
	},
	{
		/* RHEL/CentOS 7: 3.10 behaviour (the exit_state check first,
		 * task_will_free_mem aborts) with vendor lines */
		.name = "rhel7",
		.first = {3, 10, 0, 7},
		.source = "3.10.0-1160.el7 tremb1e/linux-3.10.0-1160.el7@877199b5",
		BADNESS_ROOT_BONUS,
		SCAN_3_10,
		.sacrifice_child = true,
		.report_style = PODOOM_REPORT_STYLE_RHEL7,
	},
	{
		/* "Prefer thread group leaders for display purposes"; nr_pmds joins the
		 * page-table term */
		.name = "4.4",
		.first = {4, 0, 0, 0},
		.source = "4.4.155 rivsidn/linux-4.4.155@a1961d75",
		BADNESS_ROOT_BONUS,
		SCAN_4_4,
		.sacrifice_child = true,
		.report_style = PODOOM_REPORT_STYLE_4_4,
	},
	{
		/* oom_evaluate_task(): global scan over processes, MMF_OOM_SKIP, the
		 * oom_reaper; exiting tasks no longer abort the scan */
		.name = "4.14",
		.first = {4, 14, 0, 0},
		.source = "4.14.177 linuxzjs/linux-4.14@7b102d5d",
		BADNESS_ROOT_BONUS,
		SCAN_4_14,
		.sacrifice_child = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_4_14,
	},
	{
		/* 4.14's behaviour (the 3% bonus is still there); the task table prints
		 * pgtables_bytes */
		.name = "4.15",
		.first = {4, 15, 0, 0},
		.source = "4.15.0 sndrzt/linux-4.15@6ea06264",
		BADNESS_ROOT_BONUS,
		SCAN_4_14,
		.sacrifice_child = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_4_15,
	},
	{
		/* RHEL 8: 4.19's badness and memory.oom.group, but the child sacrifice is
		 * already gone (backport of the 5.2 change) */
		.name = "rhel8",
		.first = {4, 18, 0, 8},
		.source = "4.18.0-147.el8 cai-fuqiang/linux-4.18.0-147@23abf439",
		BADNESS_FLOOR,
		SCAN_4_14,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_RHEL8,
	},
	{
		/* no root bonus; memory.oom.group */
		.name = "4.19",
		.first = {4, 19, 0, 0},
		.source = "4.19.78 Eric-LGF/linux-4.19.78@b18c1843",
		BADNESS_FLOOR,
		SCAN_4_14,
		.sacrifice_child = true,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_4_19,
	},
	{
		/* the oom-kill: summary line (report only) */
		.name = "5.0",
		.first = {5, 0, 0, 0},
		.source = "5.0.1 VVvector/linux-5.0.1@0fa9cb14",
		BADNESS_FLOOR,
		SCAN_4_14,
		.sacrifice_child = true,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_0,
	},
	{
		/* the child sacrifice and its selection line are gone */
		.name = "5.2",
		.first = {5, 2, 0, 0},
		.source = "5.2.1 wangliang-cs/linux-5.2.1@fc4ec72d",
		BADNESS_FLOOR,
		SCAN_4_14,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_2,
	},
	{
		/* the leader preference is gone (the last equal task wins); the memcg scan
		 * visits processes (CSS_TASK_ITER_PROCS) */
		.name = "5.3",
		.first = {5, 3, 0, 0},
		.source = "5.3.1 github-lvbing/linux-5.3.1@67619948",
		BADNESS_FLOOR,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_3,
	},
	{
		/* the Killed line's UID/pgtables/oom_score_adj tail (report only) */
		.name = "5.4",
		.first = {5, 4, 0, 0},
		.source = "5.4.18 wuyansky/Linux-5.4.18@8b387dbf; 5.4.59 and 5.4.84 still unsigned",
		BADNESS_FLOOR,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_4,
	},
	{
		/* 5.9's signed badness reached the 5.4 stable series between 5.4.84
		 * (unsigned, hku-systems/Coorp-Linux-5.4.84-rt) and 5.4.188 (signed); the
		 * row starts at the first release read with it. 5.4.214 also has
		 * OOM_REAPER_DELAY, 5.4.188 not. */
		.name = "5.4.188",
		.first = {5, 4, 188, 0},
		.stable_backport = true,
		.source = "5.4.188 twohorsefeng/linux-5.4.188; 5.4.214 GunWooJung/git-linux-5.4.214@35604827",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_4,
	},
	{
		/* signed badness, LONG_MIN for ineligible tasks, oom_score 0..2000 */
		.name = "5.9",
		.first = {5, 9, 0, 0},
		.source = "5.9.1 ach84/linux-5.9.1@17224444",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_4,
	},
	{
		/* "OOM victim ... is already exiting" (report only) */
		.name = "5.10",
		.first = {5, 10, 0, 0},
		.source = "5.10.89 Prashant446/linux-5.10.89@74115436",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.report_style = PODOOM_REPORT_STYLE_5_10,
	},
	{
		/* #define OOM_REAPER_DELAY (2*HZ) (absent in 5.10.89; later 5.10.y has it) */
		.name = "5.15",
		.first = {5, 15, 0, 0},
		.source = "5.15.135 waterm310n/linux-5.15.135@e56ab542",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_reaper = true,
		.reaper_delay_msec = 2000,
		.report_style = PODOOM_REPORT_STYLE_5_10,
	},
	{
		/* memory.events oom_group_kill */
		.name = "6.1",
		.first = {6, 1, 0, 0},
		.source = "6.1.158 HDevices/linux-6.1.158@71dd5359",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_group_kill_event = true,
		.oom_reaper = true,
		.reaper_delay_msec = 2000,
		.report_style = PODOOM_REPORT_STYLE_6_1,
	},
	{
		/* memcg stats one record per line (report only) */
		.name = "6.6",
		.first = {6, 6, 0, 0},
		.source = "6.6.9 mihaelbh/adding-new-sched-policy-to-linux-6.6.9@b0e4488b",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_group_kill_event = true,
		.oom_reaper = true,
		.reaper_delay_msec = 2000,
		.report_style = PODOOM_REPORT_STYLE_6_6,
	},
	{
		/* the newest row, and the default; 6.18.2 computes the same */
		.name = "6.8",
		.first = {6, 8, 0, 0},
		.source = "6.8.0 vivo50kff/linux-6.8@bc4fae0d; 6.18.2 gfunkmonk/linux-6.18.2@062668f4",
		BADNESS_SIGNED,
		SCAN_5_3,
		.oom_group = true,
		.oom_group_kill_event = true,
		.oom_reaper = true,
		.reaper_delay_msec = 2000,
		.report_style = PODOOM_REPORT_STYLE_6_8,
	},
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* digits at s[*pos..end): at least one, value <= KVER_NUMBER_MAX */
static int parse_number(const char *s, size_t len, size_t *pos, uint32_t *ret)
{
	uint32_t v = 0;
	size_t start = *pos;

	while (*pos < len && is_digit(s[*pos])) {
		v = v * 10 + (uint32_t)(s[*pos] - '0');
		if (v > KVER_NUMBER_MAX)
			return -ERANGE;
		(*pos)++;
	}
	if (*pos == start)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* the N of ".elN" in the local version ("-1160.el7.x86_64", ".el8_2"), or 0 */
static uint32_t rhel_tag(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++) {
		uint32_t n = 0;
		size_t j = i + 3;

		if (s[i] != '.' || s[i + 1] != 'e' || s[i + 2] != 'l' || !is_digit(s[j]))
			continue;
		while (j < len && is_digit(s[j]) && n < 1000)
			n = n * 10 + (uint32_t)(s[j++] - '0');
		if (j == len || !is_digit(s[j]))
			return n;
	}
	return 0;
}

int podoom_kver_parse(const char *s, size_t len, struct podoom_kver *ret)
{
	struct podoom_kver v = {0, 0, 0, 0};
	size_t pos = 0;
	int r;

	if (len > PODOOM_KVER_MAX_LEN)
		return -E2BIG;
	if (pos < len && s[pos] == 'v')
		pos++;
	r = parse_number(s, len, &pos, &v.major);
	if (r < 0)
		return r;
	if (pos >= len || s[pos] != '.')
		return -EINVAL;
	pos++;
	r = parse_number(s, len, &pos, &v.minor);
	if (r < 0)
		return r;
	if (pos + 1 < len && s[pos] == '.' && is_digit(s[pos + 1])) {
		pos++;
		r = parse_number(s, len, &pos, &v.patch);
		if (r < 0)
			return r;
	}
	if (pos < len) {
		if (!strchr("-+_~.", s[pos]) || s[pos] == '\0')
			return -EINVAL;
		/* a release has no spaces or control bytes */
		for (size_t i = pos; i < len; i++)
			if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
				return -EINVAL;
		v.rhel = rhel_tag(s + pos, len - pos);
	}
	*ret = v;
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

int podoom_kver_cmp(const struct podoom_kver *a, const struct podoom_kver *b)
{
	int c = cmp_u32(a->major, b->major);

	if (c == 0)
		c = cmp_u32(a->minor, b->minor);
	if (c == 0)
		c = cmp_u32(a->patch, b->patch);
	return c;
}

const struct podoom_kernel_profile *podoom_kernel_profile_default(void)
{
	return &profiles[N_PROFILES - 1];
}

size_t podoom_kernel_profile_count(void)
{
	return N_PROFILES;
}

const struct podoom_kernel_profile *podoom_kernel_profile_at(size_t i)
{
	return i < N_PROFILES ? &profiles[i] : NULL;
}

int podoom_kernel_profile_find(const char *name, size_t len, const struct podoom_kernel_profile **ret)
{
	for (size_t i = 0; i < N_PROFILES; i++) {
		if (strlen(profiles[i].name) == len && memcmp(profiles[i].name, name, len) == 0) {
			*ret = &profiles[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* does row p describe release v? (ignoring newer rows) */
static bool row_covers(const struct podoom_kernel_profile *p, const struct podoom_kver *v)
{
	if (p->first.rhel != v->rhel)
		return false;
	if (p->stable_backport && (p->first.major != v->major || p->first.minor != v->minor))
		return false;
	return podoom_kver_cmp(&p->first, v) <= 0;
}

static bool has_vendor_rows(uint32_t rhel)
{
	for (size_t i = 0; i < N_PROFILES; i++)
		if (profiles[i].first.rhel == rhel)
			return true;
	return false;
}

int podoom_kernel_profile_for_kver(const struct podoom_kver *v, const struct podoom_kernel_profile **ret)
{
	struct podoom_kver key = *v;
	const struct podoom_kernel_profile *best = NULL;

	/* a RHEL major without rows of its own (el6, el9) is read as upstream */
	if (key.rhel != 0 && !has_vendor_rows(key.rhel))
		key.rhel = 0;
	for (size_t i = 0; i < N_PROFILES; i++) {
		if (!row_covers(&profiles[i], &key))
			continue;
		if (!best || podoom_kver_cmp(&profiles[i].first, &best->first) >= 0)
			best = &profiles[i];
	}
	if (!best)
		return -ENOENT;
	*ret = best;
	return 0;
}

int podoom_kernel_profile_resolve(const char *s, size_t len, const struct podoom_kernel_profile **ret)
{
	struct podoom_kver v;
	int r;

	if (podoom_kernel_profile_find(s, len, ret) == 0)
		return 0;
	r = podoom_kver_parse(s, len, &v);
	if (r < 0)
		return r;
	return podoom_kernel_profile_for_kver(&v, ret);
}

const char *podoom_kernel_tie_to_string(enum podoom_kernel_tie t)
{
	static const char *const names[PODOOM_KERNEL_TIE_COUNT] = {"first", "first-leader", "last"};
	return (unsigned)t < PODOOM_KERNEL_TIE_COUNT ? names[t] : NULL;
}

const char *podoom_kernel_scan_to_string(enum podoom_kernel_scan s)
{
	static const char *const names[PODOOM_KERNEL_SCAN_COUNT] = {"threads", "processes"};
	return (unsigned)s < PODOOM_KERNEL_SCAN_COUNT ? names[s] : NULL;
}

const char *podoom_kernel_oom_score_to_string(enum podoom_kernel_oom_score s)
{
	static const char *const names[PODOOM_KERNEL_OOM_SCORE_COUNT] = {"permille", "scaled"};
	return (unsigned)s < PODOOM_KERNEL_OOM_SCORE_COUNT ? names[s] : NULL;
}

const char *podoom_report_style_to_string(enum podoom_report_style s)
{
	static const char *const names[PODOOM_REPORT_STYLE_COUNT] = {
		"3.10", "rhel7", "4.4", "4.14", "4.15", "rhel8", "4.19", "5.0",
		"5.2",	"5.3",	 "5.4", "5.10", "6.1",	"6.6",	 "6.8",
	};
	return (unsigned)s < PODOOM_REPORT_STYLE_COUNT ? names[s] : NULL;
}
