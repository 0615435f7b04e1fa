/*
 * test_report_parse.c - the report line table and the streaming parser.
 *
 * The shape table: every template compiles, every era prints the lines it
 * must, and every shape round-trips (format, then parse back the same values
 * and the same kind of line). The parser: one complete report per kernel
 * era, written from the format strings of reference/kernel.md §11, must come
 * out complete with the right victim, era and scope; then the damage real
 * logs carry (missing lines, interleaving, wraps, pr_cont fragments, caps,
 * late reaper lines) one case at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/report.h"

#define ERA(x) PODOOM_REPORT_ERA_BIT(PODOOM_REPORT_ERA_##x)
#define MAX_EVENTS 64

/* ---- helpers ---- */

struct feed {
	enum podoom_logline_transport transport;
	const char *const *lines; /* NULL-terminated */
	uint64_t mono_start_usec; /* 0: no time */
	uint64_t mono_step_usec;
};

static size_t drain(struct podoom_report_parser *p, struct podoom_oom_event *evs, size_t n, size_t cap)
{
	struct podoom_oom_event ev;

	while (podoom_report_parser_next_event(p, &ev) == 0) {
		assert_true(n < cap);
		evs[n++] = ev;
	}
	return n;
}

static void push_text(struct podoom_report_parser *p, const char *msg, enum podoom_logline_transport t,
		      uint64_t line_no, bool continued)
{
	struct podoom_logline l;

	memset(&l, 0, sizeof(l));
	l.transport = t;
	l.msg = msg;
	l.msg_len = strlen(msg);
	l.line_no = line_no;
	l.prio = -1;
	l.kmsg_continued = continued;
	assert_true(podoom_report_parser_push(p, &l) >= 0);
}

static size_t run_feed(const struct feed *f, struct podoom_oom_event *evs, size_t cap)
{
	struct podoom_report_parser *p = NULL;
	size_t n = 0;

	assert_int_equal(podoom_report_parser_new(&p), 0);
	for (size_t i = 0; f->lines[i]; i++) {
		struct podoom_logline l;

		memset(&l, 0, sizeof(l));
		l.transport = f->transport;
		l.msg = f->lines[i];
		l.msg_len = strlen(f->lines[i]);
		l.line_no = i + 1;
		l.prio = -1;
		if (f->mono_start_usec) {
			l.has_mono = true;
			l.mono_usec = f->mono_start_usec + i * f->mono_step_usec;
		}
		assert_true(podoom_report_parser_push(p, &l) >= 0);
		n = drain(p, evs, n, cap);
	}
	assert_true(podoom_report_parser_finish(p) >= 0);
	n = drain(p, evs, n, cap);
	podoom_report_parser_free(p);
	return n;
}

static size_t run_lines(const char *const *lines, struct podoom_oom_event *evs, size_t cap)
{
	struct feed f = {.transport = PODOOM_LOGLINE_DMESG, .lines = lines};
	return run_feed(&f, evs, cap);
}

static void fini_all(struct podoom_oom_event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		podoom_oom_event_fini(&evs[i]);
}

/* ---- the shape table ---- */

static void test_table_compiles_and_covers_every_era(void **state)
{
	size_t n;
	const struct podoom_report_shape *t = podoom_report_shapes(&n);
	uint32_t by_kind[PODOOM_REPORT_LINE_KIND_COUNT] = {0};

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		struct podoom_report_compiled c;

		if (podoom_report_shape_compile(&t[i], &c) != 0)
			fail_msg("shape %zu (%s) does not compile", i, t[i].tmpl);
		assert_int_not_equal(t[i].eras, 0);
		assert_int_equal(t[i].eras & ~PODOOM_REPORT_ERAS_ALL, 0);
		assert_non_null(t[i].source);
		assert_true((t[i].layout != PODOOM_REPORT_TABLE_NONE) ==
			    (t[i].kind == PODOOM_REPORT_LINE_TABLE_ROW || t[i].kind == PODOOM_REPORT_LINE_TABLE_HEADER));
		by_kind[t[i].kind] |= t[i].eras;
	}
	/* lines every era prints: a header, a kill line, the "no killable" line */
	assert_int_equal(by_kind[PODOOM_REPORT_LINE_HEADER], PODOOM_REPORT_ERAS_ALL);
	assert_int_equal(by_kind[PODOOM_REPORT_LINE_KILLED], PODOOM_REPORT_ERAS_ALL);
	assert_int_equal(by_kind[PODOOM_REPORT_LINE_NO_KILLABLE], PODOOM_REPORT_ERAS_ALL);
	/* the memcg usage line exists since memcg OOM reports exist (2.6.36 here) */
	assert_int_equal(by_kind[PODOOM_REPORT_LINE_MEMORY], PODOOM_REPORT_ERAS_ALL & ~ERA(2_6_22));
	/* reference/kernel.md §13: the selection line ends with 5.0, the summary begins with it */
	assert_true(by_kind[PODOOM_REPORT_LINE_SELECT] & ERA(5_0));
	assert_false(by_kind[PODOOM_REPORT_LINE_SELECT] & (ERA(5_2) | ERA(RHEL8)));
	assert_int_equal(by_kind[PODOOM_REPORT_LINE_OOM_KILL], ERA(5_0) | ERA(5_2) | ERA(5_3) | ERA(5_4) | ERA(6_8));
	assert_false(by_kind[PODOOM_REPORT_LINE_TASK_IN] & ERA(5_0));
	assert_false(by_kind[PODOOM_REPORT_LINE_REAPED] & (ERA(4_4) | ERA(RHEL7)));
	assert_int_equal(podoom_report_line_kind_eras(PODOOM_REPORT_LINE_SWAP), ERA(5_3) | ERA(5_4) | ERA(6_8));
	/* every era has exactly one task table row layout */
	for (unsigned e = 0; e < PODOOM_REPORT_ERA_COUNT; e++) {
		unsigned rows = 0;
		for (size_t i = 0; i < n; i++)
			rows += t[i].kind == PODOOM_REPORT_LINE_TABLE_ROW && (t[i].eras & PODOOM_REPORT_ERA_BIT(e));
		if (e != PODOOM_REPORT_ERA_2_6_22 && rows != 1)
			fail_msg("era %s has %u table row layouts", podoom_report_era_to_string(e), rows);
	}
}

/* A value for every field, of its type; texts exercise what real comms and paths hold. */
static void sample_values(struct podoom_report_values *v)
{
	memset(v, 0, sizeof(*v));
	for (unsigned f = 0; f < PODOOM_REPORT_FIELD_COUNT; f++) {
		struct podoom_report_value *x = &v->v[f];

		v->set |= UINT64_C(1) << f;
		switch (podoom_report_field_type(f)) {
		case PODOOM_REPORT_TYPE_INT:
			x->i = f == PODOOM_REPORT_FIELD_ADJ ? -998 : 3820126 + (int64_t)f;
			break;
		case PODOOM_REPORT_TYPE_UINT:
			x->u = 5063909 + f;
			break;
		case PODOOM_REPORT_TYPE_KB:
			x->u = 9007199254740988ull;
			break;
		case PODOOM_REPORT_TYPE_GFP_HEX:
			x->u = 0xd0;
			break;
		case PODOOM_REPORT_TYPE_GFP_SYM:
			x->u = 0x140dca;
			x->text = "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO";
			break;
		case PODOOM_REPORT_TYPE_NODELIST:
			x->text = f == PODOOM_REPORT_FIELD_NODEMASK ? "(null)" : "0-3,8";
			break;
		case PODOOM_REPORT_TYPE_WORD:
			x->text = "CONSTRAINT_MEMCG";
			break;
		case PODOOM_REPORT_TYPE_MSG:
			x->u = PODOOM_REPORT_MESSAGE_MEMCG;
			break;
		case PODOOM_REPORT_TYPE_TEXT:
			x->text = f == PODOOM_REPORT_FIELD_COMM	   ? "CPU 2/KVM"
				  : f == PODOOM_REPORT_FIELD_NAME  ? "StreamTrans #72"
				  : f == PODOOM_REPORT_FIELD_REST  ? "cache:0KB rss:448KB"
				  : f == PODOOM_REPORT_FIELD_CPUSET ? "cri-containerd-2260b35b.scope"
								    : "/kubepods.slice/kubepods-pod1_2.slice/cri-containerd-ab.scope";
			break;
		case PODOOM_REPORT_TYPE_COUNT:
			break;
		}
		if (x->text)
			x->text_len = strlen(x->text);
	}
}

static void test_every_shape_round_trips(void **state)
{
	size_t n;
	const struct podoom_report_shape *t = podoom_report_shapes(&n);
	struct podoom_report_parser *p = NULL;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	for (size_t i = 0; i < n; i++) {
		struct podoom_report_compiled c;
		struct podoom_report_values in, out;
		struct podoom_report_match m;
		char buf[2048];
		size_t len;

		assert_int_equal(podoom_report_shape_compile(&t[i], &c), 0);
		sample_values(&in);
		assert_int_equal(podoom_report_line_format(&c, &in, buf, sizeof(buf), &len), 0);
		assert_int_equal(strlen(buf), len);
		if (podoom_report_line_parse(&c, buf, len, &out, &m) != 0)
			fail_msg("shape %zu does not parse its own output '%s'", i, buf);
		if (m.kind != PODOOM_REPORT_MATCH_FULL || m.slack != 0 || out.cut != 0)
			fail_msg("shape %zu: '%s' matched kind %d slack %u cut %" PRIx64, i, buf, m.kind, m.slack,
				 out.cut);
		for (size_t k = 0; k < c.n_tokens; k++) {
			unsigned f = c.tokens[k].field;
			if (!c.tokens[k].is_field)
				continue;
			assert_true(out.set & (UINT64_C(1) << f));
			if (podoom_report_field_type(f) == PODOOM_REPORT_TYPE_INT)
				assert_true(out.v[f].i == in.v[f].i);
			else if (podoom_report_field_type(f) != PODOOM_REPORT_TYPE_TEXT &&
				 podoom_report_field_type(f) != PODOOM_REPORT_TYPE_NODELIST &&
				 podoom_report_field_type(f) != PODOOM_REPORT_TYPE_WORD)
				assert_true(out.v[f].u == in.v[f].u);
			if (in.v[f].text && podoom_report_field_type(f) != PODOOM_REPORT_TYPE_MSG) {
				assert_int_equal(out.v[f].text_len, in.v[f].text_len);
				assert_memory_equal(out.v[f].text, in.v[f].text, in.v[f].text_len);
			}
		}
	}
	podoom_report_parser_free(p);
}

static void test_compile_rejects_malformed_templates(void **state)
{
	static const char *const bad[] = {
		"Killed process {pid} ({nosuchfield})", "Killed {pid", "Killed pid}", "{pid}{comm}", "{pid:999}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct podoom_report_shape s = {PODOOM_REPORT_LINE_KILLED, 1, PODOOM_REPORT_TABLE_NONE, bad[i], "test"};
		struct podoom_report_compiled c;
		if (podoom_report_shape_compile(&s, &c) != -EINVAL)
			fail_msg("'%s' compiled", bad[i]);
	}
}

static void test_line_parse_cut_extra_and_quirks(void **state)
{
	size_t n;
	const struct podoom_report_shape *t = podoom_report_shapes(&n);
	struct podoom_report_compiled killed_54, killed_414, header_414;
	struct podoom_report_values v;
	struct podoom_report_match m;
	const char *line;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == PODOOM_REPORT_LINE_KILLED && t[i].eras == (ERA(5_4) | ERA(6_8)))
			assert_int_equal(podoom_report_shape_compile(&t[i], &killed_54), 0);
		if (t[i].kind == PODOOM_REPORT_LINE_KILLED && (t[i].eras & ERA(4_14)))
			assert_int_equal(podoom_report_shape_compile(&t[i], &killed_414), 0);
		if (t[i].kind == PODOOM_REPORT_LINE_HEADER && t[i].eras == ERA(4_14))
			assert_int_equal(podoom_report_shape_compile(&t[i], &header_414), 0);
	}
	/* sample 11: thousands separators, value recovered */
	line = "Out of memory: Killed process 7899 (python) total-vm:26,184,840kB, anon-rss:153,700,88kB, "
	       "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:38964kB oom_score_adj:0";
	assert_int_equal(podoom_report_line_parse(&killed_54, line, strlen(line), &v, &m), 0);
	assert_int_equal(m.kind, PODOOM_REPORT_MATCH_FULL);
	assert_true(m.quirks & PODOOM_REPORT_QUIRK_THOUSANDS);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_ANON_RSS_KB].u, 15370088);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_TOTAL_VM_KB].u, 26184840);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_MSG].u, PODOOM_REPORT_MESSAGE_GLOBAL);
	/* a 5.4 line against the 4.14 shape: matched, with text left over */
	assert_int_equal(podoom_report_line_parse(&killed_414, line + 15, strlen(line) - 15, &v, &m), 0);
	assert_int_equal(m.kind, PODOOM_REPORT_MATCH_EXTRA);
	/* cut inside the value after a literal: earlier values are whole, the last is marked */
	line = "Memory cgroup out of memory: Killed process 42 (a) b) total-vm:100kB, anon-rss:1";
	assert_int_equal(podoom_report_line_parse(&killed_54, line, strlen(line), &v, &m), 0);
	assert_int_equal(m.kind, PODOOM_REPORT_MATCH_CUT);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_PID].i, 42);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_COMM].text_len, 4); /* "a) b": comm may hold ")" */
	assert_true(v.cut & (UINT64_C(1) << PODOOM_REPORT_FIELD_ANON_RSS_KB));
	assert_false(v.cut & (UINT64_C(1) << PODOOM_REPORT_FIELD_TOTAL_VM_KB));
	/* sample 34: two spaces before order, trailing padding */
	line = "cp invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, "
	       "oom_score_adj=-998         ";
	assert_int_equal(podoom_report_line_parse(&header_414, line, strlen(line), &v, &m), 0);
	assert_int_equal(m.kind, PODOOM_REPORT_MATCH_FULL);
	assert_int_equal(m.slack, 0);
	assert_int_equal(v.v[PODOOM_REPORT_FIELD_ADJ].i, -998);
	assert_memory_equal(v.v[PODOOM_REPORT_FIELD_GFP].text, "GFP_KERNEL", 10);
	/* no match at all */
	line = "Killed process";
	assert_int_equal(podoom_report_line_parse(&header_414, line, strlen(line), &v, &m), -ENOENT);
	line = "random text without the shape";
	assert_int_equal(podoom_report_line_parse(&killed_54, line, strlen(line), &v, &m), -ENOENT);
}

static void test_line_format_errors(void **state)
{
	size_t n;
	const struct podoom_report_shape *t = podoom_report_shapes(&n);
	struct podoom_report_compiled c;
	struct podoom_report_values v;
	char small[8];
	size_t len = 12345;

	(void)state;
	assert_int_equal(podoom_report_shape_compile(&t[0], &c), 0);
	sample_values(&v);
	assert_int_equal(podoom_report_line_format(&c, &v, small, sizeof(small), &len), -E2BIG);
	assert_int_equal(len, 12345);
	v.set &= ~(UINT64_C(1) << PODOOM_REPORT_FIELD_COMM);
	assert_int_equal(podoom_report_line_format(&c, &v, small, sizeof(small), &len), -EINVAL);
}

static void test_names(void **state)
{
	enum podoom_report_era e;

	(void)state;
	for (unsigned i = 0; i < PODOOM_REPORT_ERA_COUNT; i++) {
		const char *s = podoom_report_era_to_string((enum podoom_report_era)i);
		assert_non_null(s);
		assert_int_equal(podoom_report_era_from_string(s, strlen(s), &e), 0);
		assert_int_equal(e, i);
	}
	assert_int_equal(podoom_report_era_from_string("4.99", 4, &e), -EINVAL);
	assert_null(podoom_report_era_to_string(PODOOM_REPORT_ERA_COUNT));
	for (unsigned i = 0; i < PODOOM_REPORT_LINE_KIND_COUNT; i++)
		assert_non_null(podoom_report_line_kind_to_string((enum podoom_report_line_kind)i));
	for (unsigned i = 0; i < PODOOM_REPORT_FIELD_COUNT; i++)
		assert_non_null(podoom_report_field_to_string((enum podoom_report_field)i));
	assert_string_equal(podoom_report_message_to_string(PODOOM_REPORT_MESSAGE_MEMCG), "Memory cgroup out of memory");
	assert_string_equal(podoom_oom_constraint_to_string(PODOOM_OOM_CONSTRAINT_MEMCG), "CONSTRAINT_MEMCG");
	assert_string_equal(podoom_report_scope_to_string(PODOOM_OOM_SCOPE_GLOBAL), "global");
	assert_null(podoom_oom_outcome_to_string(PODOOM_OOM_OUTCOME_COUNT));
}

/* ---- one complete report per era ---- */

static const char *const report_2_6_22[] = {
	"java invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=0",
	"Mem-Info:",
	"Free swap  = 0kB",
	"Out of Memory: Kill process 1234 (java) score 50126 and children.",
	"Out of memory: Killed process 1235 (java).",
	NULL,
};

static const char *const report_rhel6[] = {
	"t invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=0, oom_score_adj=0",
	"t cpuset=/ mems_allowed=0",
	"Pid: 15462, comm: t Not tainted 2.6.32-573.12.1.el6.x86_64 #1",
	"Call Trace:",
	"Task in /1066/uid killed as a result of limit of /1066",
	"memory: usage 51200kB, limit 51200kB, failcnt 1",
	"memory+swap: usage 51200kB, limit 9007199254740991kB, failcnt 0",
	"[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name",
	"[15462]   500 15462    58346    12903   3       0             0 t",
	"Memory cgroup out of memory: Kill process 15462 (t) score 1000 or sacrifice child",
	"Killed process 15462, UID 500, (t) total-vm:233384kB, anon-rss:51228kB, file-rss:384kB",
	NULL,
};

static const char *const report_3_10[] = {
	"java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998",
	"java cpuset=6895a3e13439 mems_allowed=0",
	"CPU: 9 PID: 14881 Comm: java Tainted: G    B          ------------ T 3.10.0-327.4.5.el7.x86_64 #1",
	"Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS rel-1.8.2-0-g33fbe13 04/01/2014",
	" ffff8807f0d6b980 0000000051be382e ffff88039bc07ca8 ffffffff8163515c",
	"Call Trace:",
	" [<ffffffff8163515c>] dump_stack+0x19/0x1b",
	" [<ffffffff8116cdee>] oom_kill_process+0x24e/0x3b0",
	"Task in /kubepods/podx/ctr killed as a result of limit of /kubepods/podx/ctr",
	"memory: usage 524288kB, limit 524288kB, failcnt 164324",
	"memory+swap: usage 1048576kB, limit 1048576kB, failcnt 17",
	"kmem: usage 0kB, limit 9007199254740991kB, failcnt 0",
	"Memory cgroup stats for /kubepods/podx/ctr: cache:32KB rss:524188KB rss_huge:0KB mapped_file:0KB "
	"swap:524356KB inactive_anon:267804KB active_anon:256384KB inactive_file:12KB active_file:4KB unevictable:0KB",
	"[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
	"[28438]     0 28438  5063909   119961    1661   136409          -998 java",
	"Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child",
	"Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB",
	"Kill process 28500 (java) sharing same memory",
	NULL,
};

static const char *const report_rhel7[] = {
	"memcg_test_1 invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0",
	"memcg_test_1 cpuset=/ mems_allowed=0",
	"CPU: 1 PID: 42453 Comm: memcg_test_1 Kdump: loaded Not tainted 3.10.0-1160.el7.x86_64 #1",
	"Task in /13 killed as a result of limit of /13",
	"memory: usage 4096kB, limit 4096kB, failcnt 23",
	"memory+swap: usage 4096kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 0kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /13: cache:0KB rss:4096KB rss_huge:0KB mapped_file:0KB swap:0KB "
	"inactive_anon:0KB active_anon:4096KB inactive_file:0KB active_file:0KB unevictable:0KB",
	"[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
	"[42453]     0 42453     1824       24       8        0             0 memcg_test_1",
	"Memory cgroup out of memory: Kill process 42453 (memcg_test_1) score 0 or sacrifice child",
	"Killed process 42453 (memcg_test_1), UID 0, total-vm:7296kB, anon-rss:96kB, file-rss:164kB, shmem-rss:0kB",
	NULL,
};

static const char *const report_4_4[] = {
	"JIT Compilation invoked oom-killer: gfp_mask=0x24000c0, order=0, oom_score_adj=952",
	"JIT Compilation cpuset=19ff0ec7aacf mems_allowed=0",
	"CPU: 3 PID: 120669 Comm: JIT Compilation Not tainted 4.4.0-119-generic #143-Ubuntu",
	"Task in /kubepods/burstable/pody/19ff0ec7aacf killed as a result of limit of /kubepods/burstable/pody/19ff0ec7aacf",
	"memory: usage 1048576kB, limit 1048576kB, failcnt 0",
	"memory+swap: usage 1048576kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 6136kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /kubepods/burstable/pody/19ff0ec7aacf: cache:0KB rss:1042440KB rss_huge:0KB "
	"mapped_file:0KB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:1042440KB inactive_file:0KB "
	"active_file:0KB unevictable:0KB",
	"[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
	"[120600]     0 120600  1000000   260000     700       7        0           952 java",
	"Memory cgroup out of memory: Kill process 120600 (java) score 1905 or sacrifice child",
	"Killed process 120600 (java) total-vm:4000000kB, anon-rss:1040000kB, file-rss:0kB",
	NULL,
};

static const char *const report_4_14[] = {
	"cp invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=-998",
	"cp cpuset=ec391272ec59 mems_allowed=0",
	"CPU: 2 PID: 4289 Comm: cp Not tainted 4.13.0-36-generic #40-Ubuntu",
	"Task in /kubepods/podz/ec391272ec59 killed as a result of limit of /kubepods/podz/ec391272ec59",
	"memory: usage 65536kB, limit 65536kB, failcnt 12",
	"memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 1024kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /kubepods/podz/ec391272ec59: cache:60000KB rss:4000KB rss_huge:0KB shmem:0KB "
	"mapped_file:0KB dirty:60000KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:4000KB "
	"inactive_file:30000KB active_file:30000KB unevictable:0KB",
	"[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
	"[ 4289]     0  4289     1500      900       6       3        0          -998 cp",
	"Memory cgroup out of memory: Kill process 4289 (cp) score 0 or sacrifice child",
	"Killed process 4289 (cp) total-vm:6000kB, anon-rss:3200kB, file-rss:400kB, shmem-rss:0kB",
	"oom_reaper: reaped process 4289 (cp), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	NULL,
};

static const char *const report_rhel8[] = {
	"stress invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0",
	"stress cpuset=/ mems_allowed=0",
	"CPU: 0 PID: 2001 Comm: stress Kdump: loaded Not tainted 4.18.0-147.el8.x86_64 #1",
	"Task in /test killed as a result of limit of /test",
	"memory: usage 102400kB, limit 102400kB, failcnt 50",
	"memory+swap: usage 102400kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 512kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /test: cache:0KB rss:101888KB rss_huge:0KB shmem:0KB mapped_file:0KB dirty:0KB "
	"writeback:0KB swap:0KB inactive_anon:0KB active_anon:101888KB inactive_file:0KB active_file:0KB "
	"unevictable:0KB",
	"[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
	"[ 2001]     0  2001    27000    25500   245760        0             0 stress",
	"Memory cgroup out of memory: Killed process 2001 (stress) total-vm:108000kB, anon-rss:101900kB, "
	"file-rss:100kB, shmem-rss:0kB",
	"oom_reaper: reaped process 2001 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	NULL,
};

static const char *const report_4_19[] = {
	"node invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=999",
	"node cpuset=c7ebf4d756b2 mems_allowed=0",
	"CPU: 5 PID: 19388 Comm: node Not tainted 4.19.189-5.ph3 #1-photon",
	"Task in /kubepods/burstable/podf/c7ebf4d756b2 killed as a result of limit of /kubepods/burstable/podf",
	"memory: usage 614400kB, limit 614400kB, failcnt 3",
	"memory+swap: usage 614400kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 2048kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /kubepods/burstable/podf: cache:0KB rss:0KB rss_huge:0KB shmem:0KB mapped_file:0KB "
	"dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:0KB inactive_file:0KB active_file:0KB "
	"unevictable:0KB",
	"Memory cgroup stats for /kubepods/burstable/podf/c7ebf4d756b2: cache:0KB rss:613460KB rss_huge:256000KB "
	"shmem:0KB mapped_file:0KB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:614340KB "
	"inactive_file:4KB active_file:0KB unevictable:0KB",
	"Tasks state (memory values in pages):",
	"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
	"[  22921]     0 22921      242        1    28672        0          -998 pause",
	"[  19331]  1000 19331   226026    29603  1314816        0           999 npm start",
	"[  19388]  1000 19388  5588434   138005  8069120        0           999 node",
	"Memory cgroup out of memory: Kill process 19388 (node) score 1905 or sacrifice child",
	"Killed process 19388 (node) total-vm:22353736kB, anon-rss:552020kB, file-rss:0kB, shmem-rss:0kB",
	"oom_reaper: reaped process 19388 (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	NULL,
};

static const char *const report_5_0[] = {
	"python invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), order=0, oom_score_adj=0",
	"CPU: 0 PID: 900 Comm: python Not tainted 5.0.1 #1",
	"memory: usage 204800kB, limit 204800kB, failcnt 7",
	"memory+swap: usage 204800kB, limit 9007199254740988kB, failcnt 0",
	"kmem: usage 800kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /docker/abc: cache:0KB rss:204000KB rss_huge:0KB shmem:0KB mapped_file:0KB "
	"dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:204000KB inactive_file:0KB active_file:0KB "
	"unevictable:0KB",
	"Tasks state (memory values in pages):",
	"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
	"[    899]     0   899     4000     1000    57344        0             0 sh",
	"[    900]     0   900    52000    50000   450560        0             0 python",
	"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=abc,mems_allowed=0,oom_memcg=/docker/abc,"
	"task_memcg=/docker/abc,task=sh,pid=899,uid=0",
	"Memory cgroup out of memory: Kill process 899 (sh) score 20 or sacrifice child",
	"Killed process 900 (python) total-vm:208000kB, anon-rss:199000kB, file-rss:1000kB, shmem-rss:0kB",
	"oom_reaper: reaped process 900 (python), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	NULL,
};

#define POD "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podaa.slice"
#define CTR POD "/cri-containerd-bb.scope"

static const char *const report_5_4_group[] = {
	"stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999",
	"CPU: 1 PID: 3401 Comm: stress Not tainted 5.15.0-1019-aws #23-Ubuntu",
	"Hardware name: Amazon EC2 m5.large/, BIOS 1.0 10/16/2017",
	"Call Trace:",
	" <TASK>",
	" dump_stack_lvl+0x4a/0x63",
	" dump_header+0x4a/0x1f4",
	" oom_kill_process.cold+0xb/0x10",
	" out_of_memory+0x1ac/0x300",
	" mem_cgroup_out_of_memory+0x138/0x150",
	" </TASK>",
	"memory: usage 262144kB, limit 262144kB, failcnt 120",
	"swap: usage 0kB, limit 0kB, failcnt 0",
	"Memory cgroup stats for " CTR ":",
	"anon 264241152",
	"file 0",
	"kernel 1036288",
	"Tasks state (memory values in pages):",
	"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
	"[   3401]     0  3401    66000    64000   540672        0           999 stress",
	"[   3402]     0  3402    66000      500    40960        0           999 stress",
	"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-bb.scope,mems_allowed=0,"
	"oom_memcg=" CTR ",task_memcg=" CTR ",task=stress,pid=3401,uid=0",
	"Memory cgroup out of memory: Killed process 3401 (stress) total-vm:264000kB, anon-rss:255900kB, "
	"file-rss:100kB, shmem-rss:0kB, UID:0 pgtables:528kB oom_score_adj:999",
	"Tasks in " CTR " are going to be killed due to memory.oom.group set",
	"Memory cgroup out of memory: Killed process 3402 (stress) total-vm:264000kB, anon-rss:1900kB, "
	"file-rss:100kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:999",
	"oom_reaper: reaped process 3401 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	"oom_reaper: reaped process 3402 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	NULL,
};

static const char *const report_6_8_global[] = {
	"python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
	"CPU: 3 UID: 1000 PID: 4242 Comm: python3 Not tainted 6.14.0-4-generic #4",
	"Call Trace:",
	" <TASK>",
	" dump_stack_lvl+0x71/0x90",
	" out_of_memory+0x4ab/0x5f0",
	" ? srso_alias_return_thunk+0x5/0xfbef5",
	" __alloc_pages_slowpath+0x729/0x1050",
	" </TASK>",
	"Mem-Info:",
	"active_anon:8969 inactive_anon:438556 isolated_anon:0",
	" active_file:37 inactive_file:696 isolated_file:4",
	"524158 pages RAM",
	"21386 pages reserved",
	"0 pages hwpoisoned",
	"Tasks state (memory values in pages):",
	"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
	"[    342]     0   342    11988     2112      256     1856         0    98304        0          -250 systemd-journal",
	"[   4242]  1000  4242  2000000  1900000  1899000     1000         0 15728640        0             0 python3",
	"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
	"task_memcg=/user.slice/user-1000.slice/session-2.scope,task=python3,pid=4242,uid=1000",
	"Out of memory: Killed process 4242 (python3) total-vm:8000000kB, anon-rss:7596000kB, file-rss:4000kB, "
	"shmem-rss:0kB, UID:1000 pgtables:15360kB oom_score_adj:0",
	NULL,
};

struct era_case {
	const char *name;
	const char *const *lines;
	uint32_t era_mask;
	enum podoom_report_scope scope;
	int32_t selected_pid; /* 0: none printed */
	int32_t victim_pid;
	uint64_t victim_anon_rss_kb;
	enum podoom_report_table_layout layout;
	size_t tasks;
	size_t kills;
	bool reaped;
};

static const struct era_case era_cases[] = {
	{"2.6.22", report_2_6_22, ERA(2_6_22), PODOOM_OOM_SCOPE_GLOBAL, 1234, 1235, 0, PODOOM_REPORT_TABLE_NONE, 0, 0,
	 false},
	{"rhel6", report_rhel6, ERA(RHEL6), PODOOM_OOM_SCOPE_MEMCG, 15462, 15462, 51228, PODOOM_REPORT_TABLE_CPU_OOM_ADJ,
	 1, 0, false},
	{"3.10", report_3_10, ERA(3_10), PODOOM_OOM_SCOPE_MEMCG, 24572, 28438, 466160, PODOOM_REPORT_TABLE_NR_PTES, 1, 1,
	 false},
	{"rhel7", report_rhel7, ERA(RHEL7), PODOOM_OOM_SCOPE_MEMCG, 42453, 42453, 96, PODOOM_REPORT_TABLE_NR_PTES, 1, 0,
	 false},
	{"4.4", report_4_4, ERA(4_4), PODOOM_OOM_SCOPE_MEMCG, 120600, 120600, 1040000, PODOOM_REPORT_TABLE_NR_PMDS, 1, 0,
	 false},
	{"4.14", report_4_14, ERA(4_14), PODOOM_OOM_SCOPE_MEMCG, 4289, 4289, 3200, PODOOM_REPORT_TABLE_NR_PMDS, 1, 0, true},
	{"rhel8", report_rhel8, ERA(RHEL8), PODOOM_OOM_SCOPE_MEMCG, 0, 2001, 101900, PODOOM_REPORT_TABLE_PGTABLES, 1, 0,
	 true},
	{"4.19", report_4_19, ERA(4_19), PODOOM_OOM_SCOPE_MEMCG, 19388, 19388, 552020, PODOOM_REPORT_TABLE_PGTABLES_7, 3,
	 0, true},
	{"5.0", report_5_0, ERA(5_0), PODOOM_OOM_SCOPE_MEMCG, 899, 900, 199000, PODOOM_REPORT_TABLE_PGTABLES_7, 2, 0,
	 true},
	{"5.4 group", report_5_4_group, ERA(5_4), PODOOM_OOM_SCOPE_MEMCG, 0, 3401, 255900,
	 PODOOM_REPORT_TABLE_PGTABLES_7, 2, 1, true},
	{"6.8 global", report_6_8_global, ERA(6_8), PODOOM_OOM_SCOPE_GLOBAL, 0, 4242, 7596000,
	 PODOOM_REPORT_TABLE_RSS_SPLIT, 2, 0, false},
};

static void check_era_case(const struct era_case *c, const struct podoom_oom_event *ev)
{
	if (!ev->complete)
		fail_msg("%s: not complete (damaged %d outcome %d)", c->name, ev->damaged, ev->outcome);
	if (ev->era_mask != c->era_mask)
		fail_msg("%s: era mask %#x, want %#x", c->name, ev->era_mask, c->era_mask);
	assert_false(ev->era_conflict);
	assert_int_equal(ev->scope, c->scope);
	assert_int_equal(ev->outcome, PODOOM_OOM_OUTCOME_KILLED);
	assert_true(ev->trigger.present);
	assert_int_equal(ev->selected.present, c->selected_pid != 0);
	if (c->selected_pid)
		assert_int_equal(ev->selected.pid, c->selected_pid);
	assert_true(ev->has_victim);
	assert_int_equal(ev->victim.pid, c->victim_pid);
	assert_int_equal(ev->victim.source, PODOOM_OOM_SOURCE_KILLED_LINE);
	assert_true(ev->victim.line_whole);
	assert_int_equal(ev->victim.anon_rss_kb, c->victim_anon_rss_kb);
	assert_int_equal(ev->table_layout, c->layout);
	assert_int_equal(ev->n_tasks, c->tasks);
	assert_int_equal(ev->tasks_dropped, 0);
	assert_int_equal(ev->n_kills, c->kills);
	assert_int_equal(ev->victim.reaped, c->reaped);
}

static void test_one_complete_report_per_era(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(era_cases) / sizeof(era_cases[0]); i++) {
		struct podoom_oom_event evs[MAX_EVENTS];
		size_t n = run_lines(era_cases[i].lines, evs, MAX_EVENTS);

		if (n != 1)
			fail_msg("%s: %zu events", era_cases[i].name, n);
		check_era_case(&era_cases[i], &evs[0]);
		fini_all(evs, n);
	}
}

static void test_report_details(void **state)
{
	struct podoom_oom_event evs[MAX_EVENTS];
	const struct podoom_oom_event *ev = &evs[0];
	size_t n;

	(void)state;
	/* 3.10: cpuset line, stack-dump pid, memsw and the res_counter "unlimited" */
	n = run_lines(report_3_10, evs, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_string_equal(ev->trigger.comm, "java");
	assert_int_equal(ev->trigger.pid, 14881);
	assert_int_equal(ev->trigger.gfp_mask, 0xd0);
	assert_string_equal(ev->trigger.gfp_flags, "");
	assert_int_equal(ev->trigger.oom_score_adj, -998);
	assert_string_equal(ev->cpuset, "6895a3e13439");
	assert_string_equal(ev->oom_memcg, "/kubepods/podx/ctr");
	assert_int_equal(ev->memory.usage_bytes, 524288ull * 1024);
	assert_int_equal(ev->memsw.failcnt, 17);
	assert_int_equal(ev->kmem.limit_bytes, 9007199254740991ull * 1024);
	assert_int_equal(ev->tasks[0].nr_ptes, 1661);
	assert_int_equal(ev->tasks[0].swapents_pages, 136409);
	assert_int_equal(ev->kills[0].pid, 28500);
	assert_int_equal(ev->kills[0].reason, PODOOM_OOM_KILL_SHARED_MM);
	fini_all(evs, n);

	/* 5.4 with memory.oom.group: the group member is a kill of the same event */
	n = run_lines(report_5_4_group, evs, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_true(ev->group_kill);
	assert_string_equal(ev->group_memcg, CTR);
	assert_int_equal(ev->kills[0].pid, 3402);
	assert_int_equal(ev->kills[0].reason, PODOOM_OOM_KILL_GROUP);
	assert_true(ev->kills[0].reaped);
	assert_int_equal(ev->victim.pgtables_kb, 528);
	assert_int_equal(ev->victim.oom_score_adj, 999);
	assert_int_equal(ev->victim.message, PODOOM_REPORT_MESSAGE_MEMCG);
	assert_int_equal(ev->swap.limit_bytes, 0);
	assert_true(ev->swap.present);
	assert_int_equal(ev->stats_lines, 4);
	assert_string_equal(ev->oom_memcg, CTR);
	assert_int_equal(ev->constraint, PODOOM_OOM_CONSTRAINT_MEMCG);
	assert_int_equal(ev->tasks[0].pgtables_bytes, 540672);
	fini_all(evs, n);

	/* 6.8: rss split columns, UID in the stack line, global_oom */
	n = run_lines(report_6_8_global, evs, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_true(ev->global_oom);
	assert_int_equal(ev->scope_evidence, PODOOM_OOM_EVIDENCE_SUMMARY);
	assert_int_equal(ev->trigger.uid, 1000);
	assert_string_equal(ev->trigger.gfp_flags, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_int_equal(ev->tasks[1].rss_anon_pages, 1899000);
	assert_int_equal(ev->tasks[1].rss_file_pages, 1000);
	assert_int_equal(ev->tasks[1].pgtables_bytes, 15728640);
	assert_string_equal(ev->tasks[0].name, "systemd-journal");
	assert_int_equal(ev->victim.uid, 1000);
	fini_all(evs, n);

	/* 2.6.22 and RHEL 6 legacy fields */
	n = run_lines(report_2_6_22, evs, MAX_EVENTS);
	assert_true(ev->trigger.has_oom_adj && !ev->trigger.has_oom_score_adj);
	assert_int_equal(ev->selected.score, 50126);
	assert_int_equal(ev->victim.message, PODOOM_REPORT_MESSAGE_GLOBAL);
	assert_false(ev->victim.has_vm);
	fini_all(evs, n);
	n = run_lines(report_rhel6, evs, MAX_EVENTS);
	assert_int_equal(ev->trigger.pid, 15462);
	assert_int_equal(ev->tasks[0].cpu, 3);
	assert_int_equal(ev->tasks[0].oom_adj, 0);
	assert_int_equal(ev->victim.uid, 500);
	fini_all(evs, n);

	/* 5.0 child sacrifice: selected 899, killed 900, the summary names 899 */
	n = run_lines(report_5_0, evs, MAX_EVENTS);
	assert_int_equal(ev->summary_pid, 899);
	assert_string_equal(ev->summary_comm, "sh");
	assert_int_equal(ev->victim.pid, 900);
	assert_string_equal(ev->victim.comm, "python");
	fini_all(evs, n);
}

/* ---- damage ---- */

static const char *const *without(const char *const *lines, const char *prefix, const char **out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; lines[i]; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) != 0) {
			assert_true(k + 1 < cap);
			out[k++] = lines[i];
		}
	out[k] = NULL;
	return out;
}

static void test_missing_lines_make_it_incomplete(void **state)
{
	static const struct {
		const char *what;
		const char *const *lines;
		const char *drop; /* the lines starting with this are left out */
		int32_t victim_pid;
	} cases[] = {
		{"5.4 without its oom-kill: line", report_5_4_group, "oom-kill:", 3401},
		{"3.10 without its selection line", report_3_10, "Memory cgroup out of memory: Kill", 28438},
		{"memcg without its memory: line", report_4_19, "memory: usage", 19388},
		{"header rate-limited away", report_4_19, "node invoked", 19388},
		{"6.8 without its Killed line", report_6_8_global, "Out of memory: Killed", 4242},
	};
	const char *buf[64];
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = run_lines(without(cases[i].lines, cases[i].drop, buf, 64), evs, MAX_EVENTS);
		if (n != 1 || evs[0].complete || !evs[0].has_victim || evs[0].victim.pid != cases[i].victim_pid)
			fail_msg("%s: %zu events, complete %d, victim %d", cases[i].what, n, n ? evs[0].complete : -1,
				 n ? evs[0].victim.pid : -1);
		fini_all(evs, n);
	}
	/* a report cut after the table: emitted by finish, outcome unknown */
	{
		const char *cut[] = {report_4_19[0], report_4_19[1], report_4_19[2], report_4_19[3],
				     report_4_19[9], report_4_19[10], report_4_19[11], NULL};
		n = run_lines(cut, evs, MAX_EVENTS);
		assert_int_equal(n, 1);
		assert_false(evs[0].complete);
		assert_int_equal(evs[0].outcome, PODOOM_OOM_OUTCOME_UNKNOWN);
		assert_false(evs[0].has_victim);
		assert_int_equal(evs[0].n_tasks, 1);
		fini_all(evs, n);
	}
}

static void test_no_killable_and_exiting(void **state)
{
	static const char *const lines[] = {
		"systemd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=100",
		"CPU: 10 UID: 1000 PID: 20957 Comm: systemd Not tainted 6.17.3-arch2-1-lily #1",
		"memory: usage 10240kB, limit 10240kB, failcnt 3",
		"swap: usage 0kB, limit 0kB, failcnt 0",
		"Memory cgroup stats for /user.slice/user-1000.slice/user@1000.service/app.slice/x.service:",
		"anon 10000000",
		"Tasks state (memory values in pages):",
		"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
		"[  20957]  1000 20957     5000     2500     2400      100         0    65536        0         -1000 x",
		"Out of memory and no killable processes...",
		"dd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"memory: usage 10240kB, limit 10240kB, failcnt 4",
		"swap: usage 0kB, limit 0kB, failcnt 0",
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,"
		"task_memcg=/a,task=dd,pid=77,uid=0",
		"Memory cgroup out of memory: OOM victim 77 (dd) is already exiting. Skip killing the task",
		NULL,
	};
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n = run_lines(lines, evs, MAX_EVENTS);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(evs[0].outcome, PODOOM_OOM_OUTCOME_NO_KILLABLE);
	assert_true(evs[0].complete);
	assert_false(evs[0].has_victim);
	assert_int_equal(evs[0].tasks[0].oom_score_adj, -1000);
	assert_int_equal(evs[0].era_mask, ERA(6_8));
	assert_int_equal(evs[1].outcome, PODOOM_OOM_OUTCOME_VICTIM_EXITING);
	assert_int_equal(evs[1].victim.pid, 77);
	assert_true(evs[1].complete);
	fini_all(evs, n);
}

/* Unrelated lines between every line of a report change nothing. */
static void test_interleaved_unrelated_lines(void **state)
{
	const char *mixed[128];
	static const char *const noise[] = {
		"e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex",
		"time=\"2020-07-31T07:38:06\" level=info msg=\"Processing signal 'terminated'\"",
		"Killed process",		 /* a fragment, not a kill */
		"Task in progress",		 /* "Task in " but nothing else of the shape */
		"[ 1234.5678] not a table row",
		"Memory",
		"oom_reaper: reaped process x",
		"java: page allocation failure: order:0, mode:0x20",
	};
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t k = 0, n;

	(void)state;
	for (size_t i = 0; report_5_4_group[i]; i++) {
		mixed[k++] = report_5_4_group[i];
		mixed[k++] = noise[i % (sizeof(noise) / sizeof(noise[0]))];
	}
	mixed[k] = NULL;
	n = run_lines(mixed, evs, MAX_EVENTS);
	assert_int_equal(n, 1);
	check_era_case(&era_cases[9], &evs[0]);
	fini_all(evs, n);
}

/* Garbage before a report never costs the report. */
static void test_garbage_then_report(void **state)
{
	static const char *const garbage[] = {
		"", "\x01\x02\xff", "[", "[]", "[ ", "Killed process 1 (", "oom-kill:", "oom-kill:constraint=",
		"invoked oom-killer: gfp_mask=", " invoked oom-killer: gfp_mask=0x", "Memory cgroup out of memor",
		"Tasks state (memory values in pages):", "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes",
		"Task in /a killed as a result of limit of ", "memory: usage 1kB, limit", "anon 1",
		"oom_reaper: reaped process 5 (x), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"Out of memory and no killable processes...",
	};
	const char *all[128];
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t k = 0, n;

	(void)state;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		all[k++] = garbage[i];
	for (size_t i = 0; report_6_8_global[i]; i++)
		all[k++] = report_6_8_global[i];
	all[k] = NULL;
	n = run_lines(all, evs, MAX_EVENTS);
	assert_true(n >= 1);
	check_era_case(&era_cases[10], &evs[n - 1]);
	fini_all(evs, n);
}

static void test_wrapped_and_continued_lines(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	/* a header split by pr_cont into /dev/kmsg fragments flagged 'c' (4.14 builds it from 3 pieces) */
	push_text(p, "cp invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=", PODOOM_LOGLINE_KMSG, 1, true);
	push_text(p, "(null)", PODOOM_LOGLINE_KMSG, 2, true);
	push_text(p, ",  order=0, oom_score_adj=-998", PODOOM_LOGLINE_KMSG, 3, false);
	/* a terminal-wrapped path: the rest comes on a line without a transport prefix */
	push_text(p, "Task in /kubepods/podz/ec391272ec59 killed as a result of limit of /kube", PODOOM_LOGLINE_DMESG, 4,
		  false);
	push_text(p, "pods/podz/ec391272ec59", PODOOM_LOGLINE_RAW, 5, false);
	push_text(p, "memory: usage 65536kB, limit 65536kB, failcnt 12", PODOOM_LOGLINE_DMESG, 6, false);
	/* a Killed line cut, its rest printed as the next dmesg line (an interrupted pr_cont) */
	push_text(p, "Killed process 4289 (cp) total-vm:6000kB, anon-rss:3200kB, file-rss:40", PODOOM_LOGLINE_DMESG, 7,
		  false);
	push_text(p, "0kB, shmem-rss:0kB", PODOOM_LOGLINE_DMESG, 8, false);
	assert_int_equal(podoom_report_parser_finish(p), 1);
	n = drain(p, evs, 0, MAX_EVENTS);
	assert_int_equal(n, 1);
	assert_true(evs[0].trigger.present);
	assert_int_equal(evs[0].trigger.oom_score_adj, -998);
	assert_string_equal(evs[0].nodemask, "(null)");
	assert_int_equal(evs[0].era_mask & ERA(4_14), ERA(4_14));
	assert_string_equal(evs[0].oom_memcg, "/kubepods/podz/ec391272ec59");
	assert_int_equal(evs[0].victim.file_rss_kb, 400);
	assert_true(evs[0].victim.has_shmem_rss);
	assert_false(evs[0].damaged);
	fini_all(evs, n);
	podoom_report_parser_free(p);
}

static void test_kmsg_record_with_newlines(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_oom_event ev;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	push_text(p, "memory: usage 10kB, limit 10kB, failcnt 1", PODOOM_LOGLINE_KMSG, 1, false);
	push_text(p, "Memory cgroup stats for /a:", PODOOM_LOGLINE_KMSG, 2, false);
	push_text(p, "anon 4096\\x0afile 0\\x0akernel 8192\\x0a", PODOOM_LOGLINE_KMSG, 3, false);
	push_text(p, "anon 4096\nfile 0", PODOOM_LOGLINE_DMESG, 4, false);
	assert_int_equal(podoom_report_parser_finish(p), 1);
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_int_equal(ev.stats_lines, 6);
	assert_string_equal(ev.oom_memcg, "/a");
	podoom_oom_event_fini(&ev);
	podoom_report_parser_free(p);
}

/* The reaper line of a kill can arrive after the next report began. */
static void test_reaper_after_next_report(void **state)
{
	static const char *const lines[] = {
		"Memory cgroup out of memory: Killed process 10 (a) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"b invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"memory: usage 8kB, limit 8kB, failcnt 1",
		"oom_reaper: reaped process 10 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"Memory cgroup out of memory: Killed process 11 (b) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"oom_reaper: reaped process 10 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"oom_reaper: reaped process 99 (c), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		NULL,
	};
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n = run_lines(lines, evs, MAX_EVENTS);

	(void)state;
	assert_int_equal(n, 3);
	/* the reaper-only event of pid 99 is returned as soon as it is seen */
	assert_int_equal(evs[0].victim.pid, 10);
	assert_true(evs[0].victim.reaped);
	assert_int_equal(evs[1].victim.pid, 99);
	assert_int_equal(evs[1].victim.source, PODOOM_OOM_SOURCE_REAPER);
	assert_false(evs[1].complete);
	assert_int_equal(evs[2].victim.pid, 11);
	assert_false(evs[2].victim.reaped);
	fini_all(evs, n);
}

static void test_late_reaper_is_counted_not_an_event(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_report_parser_stats st;
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	push_text(p,
		  "Out of memory: Killed process 10 (a) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		  "pgtables:4kB oom_score_adj:0",
		  PODOOM_LOGLINE_DMESG, 1, false);
	assert_int_equal(podoom_report_parser_finish(p), 1);
	n = drain(p, evs, 0, MAX_EVENTS);
	push_text(p, "oom_reaper: reaped process 10 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		  PODOOM_LOGLINE_DMESG, 2, false);
	assert_int_equal(podoom_report_parser_finish(p), 0);
	podoom_report_parser_get_stats(p, &st);
	assert_int_equal(st.reaper_late, 1);
	assert_int_equal(st.events, 1);
	fini_all(evs, n);
	podoom_report_parser_free(p);
}

/* An event waiting for its reaper line is released once log time moves on. */
static void test_reaper_wait_ends_by_log_time(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_logline l;
	struct podoom_oom_event ev;
	static const char *const kill =
		"Out of memory: Killed process 10 (a) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		"pgtables:4kB oom_score_adj:0";
	static const char *const next = "b invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0";
	int ready = 0;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	memset(&l, 0, sizeof(l));
	l.transport = PODOOM_LOGLINE_DMESG;
	l.has_mono = true;
	for (unsigned i = 0; i < 3; i++) {
		l.msg = i == 1 ? next : i == 0 ? kill : "unrelated";
		l.msg_len = strlen(l.msg);
		l.mono_usec = 10000000 + i * 3000000ull; /* 10 s, 13 s, 16 s */
		l.line_no = i + 1;
		ready = podoom_report_parser_push(p, &l);
	}
	assert_int_equal(ready, 1); /* 6 s after the kill, before finish */
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_int_equal(ev.victim.pid, 10);
	assert_int_equal(ev.victim.time.mono_usec, 10000000);
	podoom_oom_event_fini(&ev);
	podoom_report_parser_free(p);
}

static void test_caps(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_oom_event ev;
	struct podoom_report_parser_stats st;
	char line[256];
	char *huge;
	int r;

	(void)state;
	assert_int_equal(podoom_report_parser_new(&p), 0);
	/* task rows past the cap are counted, not kept */
	push_text(p, "Tasks state (memory values in pages):", PODOOM_LOGLINE_DMESG, 1, false);
	for (int i = 0; i < PODOOM_OOM_TASKS_MAX + 100; i++) {
		snprintf(line, sizeof(line), "[%7d]     0 %5d     1000      100    40960        0             0 worker",
			 i + 1, i + 1);
		push_text(p, line, PODOOM_LOGLINE_DMESG, (uint64_t)i + 2, false);
	}
	/* kills past the cap likewise */
	push_text(p, "Memory cgroup out of memory: Killed process 1 (worker) total-vm:4000kB, anon-rss:400kB, file-rss:0kB, "
		  "shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0", PODOOM_LOGLINE_DMESG, 9000, false);
	push_text(p, "Tasks in /a are going to be killed due to memory.oom.group set", PODOOM_LOGLINE_DMESG, 9001, false);
	for (int i = 0; i < PODOOM_OOM_KILLS_MAX + 10; i++) {
		snprintf(line, sizeof(line),
			 "Memory cgroup out of memory: Killed process %d (worker) total-vm:4000kB, anon-rss:400kB, "
			 "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
			 i + 2);
		push_text(p, line, PODOOM_LOGLINE_DMESG, (uint64_t)i + 9002, false);
	}
	assert_int_equal(podoom_report_parser_finish(p), 1);
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_int_equal(ev.n_tasks, PODOOM_OOM_TASKS_MAX);
	assert_int_equal(ev.tasks_dropped, 100);
	assert_int_equal(ev.n_kills, PODOOM_OOM_KILLS_MAX);
	assert_int_equal(ev.kills_dropped, 10);
	assert_int_equal(ev.kills[PODOOM_OOM_KILLS_MAX - 1].pid, PODOOM_OOM_KILLS_MAX + 1);
	podoom_oom_event_fini(&ev);
	podoom_oom_event_fini(&ev); /* twice is fine */

	/* a line longer than the cap, a comm and a path longer than theirs */
	huge = malloc(3 * PODOOM_REPORT_LINE_MAX);
	assert_non_null(huge);
	memset(huge, 'a', 3 * PODOOM_REPORT_LINE_MAX);
	huge[3 * PODOOM_REPORT_LINE_MAX - 1] = '\0';
	push_text(p, huge, PODOOM_LOGLINE_DMESG, 1, false);
	memcpy(huge, "Task in /", 9);
	strcpy(huge + 2 * PODOOM_OOM_PATH_MAX, " killed as a result of limit of /b");
	push_text(p, huge, PODOOM_LOGLINE_DMESG, 1, false);
	memset(huge, 'c', 100);
	strcpy(huge + 100, " invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0");
	push_text(p, huge, PODOOM_LOGLINE_DMESG, 2, false);
	assert_int_equal(podoom_report_parser_finish(p), 2);
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_true(ev.cut_texts & (1u << PODOOM_OOM_TEXT_TASK_MEMCG));
	assert_int_equal(strlen(ev.task_memcg), PODOOM_OOM_PATH_MAX - 1);
	podoom_oom_event_fini(&ev);
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_int_equal(strlen(ev.trigger.comm), PODOOM_OOM_COMM_MAX - 1);
	assert_true(ev.cut_texts & (1u << PODOOM_OOM_TEXT_TRIGGER_COMM));
	podoom_oom_event_fini(&ev);
	free(huge);
	podoom_report_parser_get_stats(p, &st);
	assert_true(st.lines_cut >= 1);

	/* a full queue drops the oldest event, counted */
	for (int i = 0; i < PODOOM_REPORT_QUEUE_MAX + 5; i++) {
		snprintf(line, sizeof(line), "Killed process %d (x) total-vm:8kB, anon-rss:4kB, file-rss:0kB", i + 100);
		r = podoom_report_parser_push(p, &(struct podoom_logline){.msg = line, .msg_len = strlen(line)});
		assert_true(r >= 0 && r <= PODOOM_REPORT_QUEUE_MAX);
	}
	assert_int_equal(podoom_report_parser_finish(p), PODOOM_REPORT_QUEUE_MAX);
	podoom_report_parser_get_stats(p, &st);
	assert_int_equal(st.events_dropped, 5);
	assert_int_equal(podoom_report_parser_next_event(p, &ev), 0);
	assert_int_equal(ev.victim.pid, 105);
	podoom_oom_event_fini(&ev);
	podoom_report_parser_free(p); /* frees what is still queued */
}

static void test_odd_values(void **state)
{
	static const char *const lines[] = {
		/* a kB value whose bytes do not fit 64 bits saturates */
		"memory: usage 18446744073709551615kB, limit 1kB, failcnt 0",
		/* a value that does not fit at all is not this line */
		"memory+swap: usage 99999999999999999999999kB, limit 1kB, failcnt 0",
		/* an unknown constraint word */
		"oom-kill:constraint=CONSTRAINT_NEW,nodemask=(null),cpuset=/,mems_allowed=0-3,8,oom_memcg=/a,"
		"task_memcg=/a/b,task=my,x,pid=7,uid=4294967295",
		NULL,
	};
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n = run_lines(lines, evs, MAX_EVENTS);

	(void)state;
	assert_int_equal(n, 1);
	assert_int_equal(evs[0].memory.usage_bytes, UINT64_MAX);
	assert_false(evs[0].memsw.present);
	assert_int_equal(evs[0].constraint, PODOOM_OOM_CONSTRAINT_UNKNOWN);
	assert_int_equal(evs[0].scope, PODOOM_OOM_SCOPE_MEMCG); /* oom_memcg= says so */
	assert_string_equal(evs[0].mems_allowed, "0-3,8");
	assert_string_equal(evs[0].summary_comm, "my,x"); /* the comm runs to the last ",pid=" */
	assert_int_equal(evs[0].summary_pid, 7);
	assert_int_equal(evs[0].summary_uid, 4294967295u);
	fini_all(evs, n);
}

static void test_era_conflict_is_flagged(void **state)
{
	/* a selection line (<= 5.0) with a 5.4+ Killed line: no era prints both */
	static const char *const lines[] = {
		"Out of memory: Kill process 5 (a) score 9 or sacrifice child",
		"Out of memory: Killed process 5 (a) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		"pgtables:4kB oom_score_adj:0",
		NULL,
	};
	struct podoom_oom_event evs[MAX_EVENTS];
	size_t n = run_lines(lines, evs, MAX_EVENTS);

	(void)state;
	assert_int_equal(n, 1);
	assert_true(evs[0].era_conflict);
	assert_int_equal(evs[0].victim.pid, 5);
	fini_all(evs, n);
}

static void test_api_errors(void **state)
{
	struct podoom_report_parser *p = NULL;
	struct podoom_oom_event ev;
	struct podoom_logline empty = {0};

	(void)state;
	assert_int_equal(podoom_report_parser_push(NULL, &empty), -EINVAL);
	assert_int_equal(podoom_report_parser_finish(NULL), -EINVAL);
	assert_int_equal(podoom_report_parser_new(&p), 0);
	assert_int_equal(podoom_report_parser_push(p, NULL), -EINVAL);
	assert_int_equal(podoom_report_parser_push(p, &empty), 0); /* NULL msg: an empty line */
	memset(&ev, 0x5a, sizeof(ev));
	assert_int_equal(podoom_report_parser_next_event(p, &ev), -EAGAIN);
	assert_int_equal(ev.n_tasks, 0x5a5a5a5a5a5a5a5aull); /* untouched */
	assert_int_equal(podoom_report_parser_next_event(p, NULL), -EINVAL);
	assert_null(podoom_oom_event_find_task(&(struct podoom_oom_event){0}, 1));
	podoom_oom_event_fini(NULL);
	podoom_report_parser_free(p);
	podoom_report_parser_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_compiles_and_covers_every_era),
		cmocka_unit_test(test_every_shape_round_trips),
		cmocka_unit_test(test_compile_rejects_malformed_templates),
		cmocka_unit_test(test_line_parse_cut_extra_and_quirks),
		cmocka_unit_test(test_line_format_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_one_complete_report_per_era),
		cmocka_unit_test(test_report_details),
		cmocka_unit_test(test_missing_lines_make_it_incomplete),
		cmocka_unit_test(test_no_killable_and_exiting),
		cmocka_unit_test(test_interleaved_unrelated_lines),
		cmocka_unit_test(test_garbage_then_report),
		cmocka_unit_test(test_wrapped_and_continued_lines),
		cmocka_unit_test(test_kmsg_record_with_newlines),
		cmocka_unit_test(test_reaper_after_next_report),
		cmocka_unit_test(test_late_reaper_is_counted_not_an_event),
		cmocka_unit_test(test_reaper_wait_ends_by_log_time),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_odd_values),
		cmocka_unit_test(test_era_conflict_is_flagged),
		cmocka_unit_test(test_api_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
