/* test_logline.c - one line of every transport: the prefix each tool prints (util-linux dmesg,
 * /dev/kmsg, rsyslog, journalctl short/short-iso/short-precise/short-monotonic/json, talosctl,
 * vmware.log, kubectl events), the corpus's pasted variants, and what must stay RAW. Expected
 * wall times are UTC microseconds computed independently (python datetime). This machine has
 * no journald, so the journalctl lines follow systemd src/shared/logs-show.c output_short() and
 * output_json() (systemd 252..257). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podoom/logline.h"

#define NONE UINT64_MAX /* no mono / no seq */
#define NO_WALL INT64_MIN

struct line_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum podoom_logline_transport hint;
	int rc;
	enum podoom_logline_transport transport;
	const char *msg;
	size_t msg_len; /* 0: strlen(msg) */
	const char *host; /* NULL: none */
	uint64_t mono_usec;
	int64_t wall_usec;
	uint64_t seq;
	int prio;
	bool kmsg_continued;
	bool truncated;
};

#define R PODOOM_LOGLINE_RAW
/* the one line whose class depends on the hint (see the cases) */
#define MONO_PROGRAM_LINE "[ 1234.966000] node1 systemd[1]: Started x"

static const struct line_case cases[] = {
	/* dmesg: "[%5lu.%06lu] " (printk.c print_time) */
	{"[ 7063.247407] Killed process 1 (x)", 0, R, 0, PODOOM_LOGLINE_DMESG, "Killed process 1 (x)", 0,
	 NULL, 7063247407u, NO_WALL, NONE, -1, false, false},
	{"[    0.000000] Linux version 6.18.44-fc-v669", 0, R, 0, PODOOM_LOGLINE_DMESG,
	 "Linux version 6.18.44-fc-v669", 0, NULL, 0, NO_WALL, NONE, -1, false, false},
	{"[4650180.470877] oom_reaper: reaped process", 0, R, 0, PODOOM_LOGLINE_DMESG,
	 "oom_reaper: reaped process", 0, NULL, 4650180470877u, NO_WALL, NONE, -1, false, false},
	/* the kernel's own leading space survives: " <TASK>" */
	{"[ 3690.421568]  <TASK>", 0, R, 0, PODOOM_LOGLINE_DMESG, " <TASK>", 0, NULL, 3690421568u,
	 NO_WALL, NONE, -1, false, false},
	/* CONFIG_PRINTK_CALLER (print_caller) */
	{"[  123.456789][  T1234] x", 0, R, 0, PODOOM_LOGLINE_DMESG, "x", 0, NULL, 123456789u, NO_WALL,
	 NONE, -1, false, false},
	/* a task table row is not a stamp: it stays in the message */
	{"[ 1573.878357] [  62685]     0 62685 bash", 0, R, 0, PODOOM_LOGLINE_DMESG,
	 "[  62685]     0 62685 bash", 0, NULL, 1573878357u, NO_WALL, NONE, -1, false, false},
	/* a paste that cut the stamp (corpus 03): no time kept */
	{"5193605.506728] Task in /kubepods/x killed", 0, R, 0, PODOOM_LOGLINE_DMESG,
	 "Task in /kubepods/x killed", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	/* dmesg -T (ctime, %e day) */
	{"[Thu Dec  7 00:05:15 2017] Memory cgroup stats for /kubepods", 0, R, 0,
	 PODOOM_LOGLINE_DMESG_T, "Memory cgroup stats for /kubepods", 0, NULL, NONE,
	 1512605115000000, NONE, -1, false, false},
	/* dmesg --time-format=iso (util-linux 2.38, this machine) */
	{"2026-11-28T03:47:40,000000+00:00 Linux version 6.18.44", 0, R, 0, PODOOM_LOGLINE_DMESG_T,
	 "Linux version 6.18.44", 0, NULL, NONE, 1795837660000000, NONE, -1, false, false},
	/* dmesg -r: facility << 3 | level */
	{"<4>[    0.000000] [Firmware Bug]: TSC doesn't count", 0, R, 0, PODOOM_LOGLINE_DMESG_R,
	 "[Firmware Bug]: TSC doesn't count", 0, NULL, 0, NO_WALL, NONE, 4, false, false},
	{"<12>[   15.000001] systemd[1]: x", 0, R, 0, PODOOM_LOGLINE_DMESG_R, "systemd[1]: x", 0, NULL,
	 15000001u, NO_WALL, NONE, 4, false, false},
	{"<6>no printk time", 0, R, 0, PODOOM_LOGLINE_DMESG_R, "no printk time", 0, NULL, NONE, NO_WALL,
	 NONE, 6, false, false},
	/* /dev/kmsg (corpus 21) */
	{"6,22743,6115623303887,-;oom-kill:constraint=CONSTRAINT_MEMCG,task=prometheus-conf,pid=3401999",
	 0, R, 0, PODOOM_LOGLINE_KMSG, "oom-kill:constraint=CONSTRAINT_MEMCG,task=prometheus-conf,pid=3401999",
	 0, NULL, 6115623303887u, NO_WALL, 22743, 6, false, false},
	{"4,286,415154,c;amd_pstate: x", 0, R, 0, PODOOM_LOGLINE_KMSG, "amd_pstate: x", 0, NULL, 415154,
	 NO_WALL, 286, 4, true, false},
	{"4,287,415155,+;fragment", 0, R, 0, PODOOM_LOGLINE_KMSG, "fragment", 0, NULL, 415155, NO_WALL,
	 287, 4, true, false},
	/* CONFIG_PRINTK_CALLER adds a field before ';'; a userspace write has facility 1 */
	{"14,5,6,-,caller=T1;systemd[1]: hello", 0, R, 0, PODOOM_LOGLINE_KMSG, "systemd[1]: hello", 0,
	 NULL, 6, NO_WALL, 5, 6, false, false},
	/* escapes: \x09 is a tab, \x5c a backslash (msg_add_ext_text) */
	{"6,90,240201,-;rcu: \\x09RCU restricting", 0, R, 0, PODOOM_LOGLINE_KMSG, "rcu: \tRCU restricting",
	 0, NULL, 240201, NO_WALL, 90, 6, false, false},
	{"6,1,2,-;/system.slice/dev-disk-by\\x5cx2duuid.swap", 0, R, 0, PODOOM_LOGLINE_KMSG,
	 "/system.slice/dev-disk-by\\x2duuid.swap", 0, NULL, 2, NO_WALL, 1, 6, false, false},
	{"6,1,2,-;a\\x0ab", 0, R, 0, PODOOM_LOGLINE_KMSG, "a\nb", 0, NULL, 2, NO_WALL, 1, 6, false, false},
	{"6,1,2,-;bad \\x4 \\xzz end\\", 0, R, 0, PODOOM_LOGLINE_KMSG, "bad \\x4 \\xzz end\\", 0, NULL, 2,
	 NO_WALL, 1, 6, false, false},
	/* kmsg dictionary lines only after a kmsg record */
	{" SUBSYSTEM=acpi", 0, PODOOM_LOGLINE_KMSG, 0, PODOOM_LOGLINE_KMSG_CONT, "SUBSYSTEM=acpi", 0, NULL,
	 NONE, NO_WALL, NONE, -1, false, false},
	{" DEVICE=+acpi:PNP0A08:00", 0, PODOOM_LOGLINE_KMSG_CONT, 0, PODOOM_LOGLINE_KMSG_CONT,
	 "DEVICE=+acpi:PNP0A08:00", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{" SUBSYSTEM=acpi", 0, PODOOM_LOGLINE_DMESG, 0, R, " SUBSYSTEM=acpi", 0, NULL, NONE, NO_WALL,
	 NONE, -1, false, false},
	/* rsyslog traditional (corpus 04), year-less: 1970 by default */
	{"Jan  5 02:12:02 iZbp153spuk45ulvkwxf34Z kernel: memory: usage 1048576kB", 0, R, 0,
	 PODOOM_LOGLINE_SYSLOG, "memory: usage 1048576kB", 0, "iZbp153spuk45ulvkwxf34Z", NONE,
	 353522000000, NONE, -1, false, false},
	/* with the kernel's own stamp too (corpus 06) */
	{"May 15 23:01:53 ubuntu-s-1vcpu kernel: [  152.700479] Memory cgroup out of memory", 0, R, 0,
	 PODOOM_LOGLINE_SYSLOG, "Memory cgroup out of memory", 0, "ubuntu-s-1vcpu", 152700479u,
	 11660513000000, NONE, -1, false, false},
	/* no host (corpus 15) */
	{"Aug 19 00:32:04 kernel: [ 9610.328720] [19715] 10000 19715 java", 0, R, 0, PODOOM_LOGLINE_SYSLOG,
	 "[19715] 10000 19715 java", 0, NULL, 9610328720u, 19873924000000, NONE, -1, false, false},
	/* journalctl short: zero-padded day (corpus 09) */
	{"May 07 21:43:54 doom kernel: Out of memory: Kill process 27438 (R)", 0, R, 0,
	 PODOOM_LOGLINE_SYSLOG, "Out of memory: Kill process 27438 (R)", 0, "doom", NONE, 10964634000000,
	 NONE, -1, false, false},
	/* journalctl short-precise */
	{"May 07 21:43:54.123456 doom kernel: x", 0, R, 0, PODOOM_LOGLINE_SYSLOG_PRECISE, "x", 0, "doom",
	 NONE, 10964634123456, NONE, -1, false, false},
	/* journalctl short-iso, new "%+03d:%02d" and old "%z" zones */
	{"2024-01-02T03:04:05+00:00 node1 kernel: x", 0, R, 0, PODOOM_LOGLINE_SYSLOG_ISO, "x", 0, "node1",
	 NONE, 1704164645000000, NONE, -1, false, false},
	{"2024-01-02T05:04:05+0200 node1 kernel: x", 0, R, 0, PODOOM_LOGLINE_SYSLOG_ISO, "x", 0, "node1",
	 NONE, 1704164645000000, NONE, -1, false, false},
	/* rsyslog RFC 3339 plus the kernel's stamp (corpus 40) */
	{"2026-02-24T00:58:12.288913+08:00 localhost kernel: [13313047.073330] RSP: 002b", 0, R, 0,
	 PODOOM_LOGLINE_SYSLOG_ISO, "RSP: 002b", 0, "localhost", 13313047073330u, 1771865892288913,
	 NONE, -1, false, false},
	/* journalctl short-monotonic */
	{"[ 1234.567890] node1 kernel: Killed process 1 (x)", 0, R, 0, PODOOM_LOGLINE_JOURNAL_MONO,
	 "Killed process 1 (x)", 0, "node1", 1234567890u, NO_WALL, NONE, -1, false, false},
	/* after a dmesg line a "[..] host kernel: " line is dmesg: the check costs every dmesg line */
	{"[ 1234.567890] node1 kernel: Killed process 1 (x)", 0, PODOOM_LOGLINE_DMESG, 0,
	 PODOOM_LOGLINE_DMESG, "node1 kernel: Killed process 1 (x)", 0, NULL, 1234567890u, NO_WALL, NONE,
	 -1, false, false},
	/* after a short-monotonic line, another program's record is told apart; without that hint
	 * the same bytes are a dmesg line (a kmsg write by a program looks like this) */
	{MONO_PROGRAM_LINE, 0, PODOOM_LOGLINE_JOURNAL_MONO, -ENOMSG, R, NULL, 0,
	 NULL, 0, 0, 0, 0, false, false},
	{MONO_PROGRAM_LINE, 0, R, 0, PODOOM_LOGLINE_DMESG,
	 "node1 systemd[1]: Started x", 0, NULL, 1234966000u, NO_WALL, NONE, -1, false, false},
	{"[ 1234.966000] pci 0000:00:01.0: [8086:7000] type 00", 0, PODOOM_LOGLINE_JOURNAL_MONO, 0,
	 PODOOM_LOGLINE_DMESG, "pci 0000:00:01.0: [8086:7000] type 00", 0, NULL, 1234966000u, NO_WALL,
	 NONE, -1, false, false},
	/* bare "kernel: " (corpus 30) */
	{"kernel:  </TASK>", 0, R, 0, PODOOM_LOGLINE_SYSLOG, " </TASK>", 0, NULL, NONE, NO_WALL, NONE, -1,
	 false, false},
	/* quoted in an issue (corpus 14) */
	{"> Nov 30 10:16:57 iZuf601 kernel: Killed process 799153 (node), UID 1000", 0, R, 0,
	 PODOOM_LOGLINE_SYSLOG, "Killed process 799153 (node), UID 1000", 0, "iZuf601", NONE,
	 28808217000000, NONE, -1, false, false},
	{"> > [ 1.000000] x", 0, R, 0, PODOOM_LOGLINE_DMESG, "x", 0, NULL, 1000000, NO_WALL, NONE, -1, false,
	 false},
	/* Talos, with and without the node (corpus 25) */
	{"10.200.70.91: kern:    info: [2025-06-04T04:51:57.572293906Z]: memory: usage 4194304kB", 0, R, 0,
	 PODOOM_LOGLINE_TALOS, "memory: usage 4194304kB", 0, "10.200.70.91", NONE, 1749012717572293,
	 NONE, 6, false, false},
	{"kern: warning: [2025-06-04T04:51:57.5722939Z]: x", 0, R, 0, PODOOM_LOGLINE_TALOS, "x", 0, NULL,
	 NONE, 1749012717572293, NONE, 4, false, false},
	/* vmware.log (corpus 17) */
	{"2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[39291577.009360] Tasks state", 0, R, 0,
	 PODOOM_LOGLINE_VMWARE, "Tasks state", 0, NULL, 39291577009360u, 1701686970127000, NONE, 6, false,
	 false},
	/* kubectl events (corpus 42) */
	{"1 OOMKilling: Memory cgroup out of memory: Kill process 605624 (pause) score 0", 0, R, 0,
	 PODOOM_LOGLINE_K8S_EVENT, "Memory cgroup out of memory: Kill process 605624 (pause) score 0", 0,
	 NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"  Warning  OOMKilling  5m (x2 over 9m)  kernel-monitor, gke-n1  Memory cgroup out of memory: x",
	 0, R, 0, PODOOM_LOGLINE_K8S_EVENT, "Memory cgroup out of memory: x", 0, NULL, NONE, NO_WALL, NONE,
	 -1, false, false},
	/* other programs' records are not kernel lines (corpus 08, 26) */
	{"Jul 31 07:38:06 docker-1 dockerd[1008]: level=info msg=\"Processing signal\"", 0, R, -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	{"May 17 07:01:23 krz-p-mgt-zab02 python3[20236]: Killed process 1 (fake)", 0, R, -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	{"Jan 05 02:12:02 systemd[1]: Started x", 0, R, -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	{"2024-01-02T03:04:05+00:00 node1 systemd[1]: Started x", 0, R, -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	/* RAW: no prefix at all, wrapped lines, blank, junk */
	{"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=manager,pid=966,uid=0", 0, R, 0, R,
	 "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=manager,pid=966,uid=0", 0, NULL, NONE,
	 NO_WALL, NONE, -1, false, false},
	{" 0 python", 0, R, 0, R, " 0 python", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"", 0, R, 0, R, "", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"Jan 32 00:00:00 h kernel: x", 0, R, 0, PODOOM_LOGLINE_SYSLOG, "x", 0, "h", NONE, NO_WALL, NONE, -1,
	 false, false}, /* a day that does not exist: no time, still the kernel's line */
	{"Jan  5 02:12:02 some text without a tag", 0, R, 0, R, "Jan  5 02:12:02 some text without a tag",
	 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"[ 12.5", 0, R, 0, R, "[ 12.5", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"6,1,2,-", 0, R, 0, R, "6,1,2,-", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"<99999>x", 0, R, 0, R, "<99999>x", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"[\0\xff\xfe] \x80junk", 11, R, 0, R, "[\0\xff\xfe] \x80junk", 11, NULL, NONE, NO_WALL, NONE, -1,
	 false, false},
	{"[ 1.000000] a\0b\xff", 16, R, 0, PODOOM_LOGLINE_DMESG, "a\0b\xff", 4, NULL, 1000000, NO_WALL, NONE,
	 -1, false, false},
	/* seconds beyond 12 digits are no stamp; u64 overflow in a kmsg seq is no record */
	{"[1234567890123.000000] x", 0, R, 0, R, "[1234567890123.000000] x", 0, NULL, NONE, NO_WALL, NONE, -1,
	 false, false},
	{"6,18446744073709551616,2,-;x", 0, R, 0, R, "6,18446744073709551616,2,-;x", 0, NULL, NONE, NO_WALL,
	 NONE, -1, false, false},
	{"6,18446744073709551614,2,-;x", 0, R, 0, PODOOM_LOGLINE_KMSG, "x", 0, NULL, 2, NO_WALL,
	 UINT64_MAX - 1, 6, false, false}, /* the largest seq: the sentinel here is UINT64_MAX */
	/* journal JSON (logs-show.c output_json): string, bytes, null, repeated field, json-seq */
	{"{\"__REALTIME_TIMESTAMP\":\"1704164645000000\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"1234567890\","
	 "\"_TRANSPORT\":\"kernel\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"PRIORITY\":\"3\",\"_HOSTNAME\":"
	 "\"node1\",\"MESSAGE\":\"Memory cgroup out of memory: Killed process 1 (a \\\"b\\\")\"}",
	 0, R, 0, PODOOM_LOGLINE_JOURNAL_JSON, "Memory cgroup out of memory: Killed process 1 (a \"b\")", 0,
	 "node1", 1234567890u, 1704164645000000, NONE, 3, false, false},
	{"{ \"MESSAGE\" : [ 107, 255, 10, 0 ], \"_TRANSPORT\" : \"kernel\" }", 0, R, 0,
	 PODOOM_LOGLINE_JOURNAL_JSON, "k\xff\n\0", 4, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"{\"MESSAGE\":null,\"SYSLOG_IDENTIFIER\":\"kernel\",\"PRIORITY\":\"6\"}", 0, R, 0,
	 PODOOM_LOGLINE_JOURNAL_JSON, "", 0, NULL, NONE, NO_WALL, NONE, 6, false, true},
	{"{\"MESSAGE\":[\"first\",\"second\"],\"_TRANSPORT\":[\"kernel\"]}", 0, R, 0,
	 PODOOM_LOGLINE_JOURNAL_JSON, "first", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"\x1e{\"MESSAGE\":\"x\\u0000y\",\"_TRANSPORT\":\"kernel\"}", 0, R, 0, PODOOM_LOGLINE_JOURNAL_JSON,
	 "x\0y", 3, NULL, NONE, NO_WALL, NONE, -1, false, false},
	{"{\"MESSAGE\":\"Started x\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"_TRANSPORT\":\"journal\"}", 0, R,
	 -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	{"{\"__REALTIME_TIMESTAMP\":\"1\"}", 0, R, -ENOMSG, R, NULL, 0, NULL, 0, 0, 0, 0, false, false},
	{"{\"MESSAGE\":\"x\",\"_TRANSPORT\":\"kern", 0, R, 0, R, "{\"MESSAGE\":\"x\",\"_TRANSPORT\":\"kern", 0,
	 NULL, NONE, NO_WALL, NONE, -1, false, false}, /* cut JSON: the text as is */
	{"{\"a\":1}", 0, R, 0, R, "{\"a\":1}", 0, NULL, NONE, NO_WALL, NONE, -1, false, false},
};

static void check_case(const struct line_case *c)
{
	size_t len = c->len ? c->len : strlen(c->in);
	char *buf = malloc(len + 1);
	struct podoom_logline l;
	int r;

	assert_non_null(buf);
	memcpy(buf, c->in, len);
	memset(&l, 0xa5, sizeof(l));
	r = podoom_logline_parse(buf, len, c->hint, &l);
	if (r != c->rc)
		fail_msg("%s: rc %d, want %d", c->in, r, c->rc);
	if (r == 0) {
		size_t want = c->msg_len ? c->msg_len : strlen(c->msg);

		if (l.transport != c->transport)
			fail_msg("%s: transport %s, want %s", c->in,
				 podoom_logline_transport_to_string(l.transport),
				 podoom_logline_transport_to_string(c->transport));
		if (l.msg_len != want || memcmp(l.msg, c->msg, want) != 0)
			fail_msg("%s: msg [%.*s], want [%s]", c->in, (int)l.msg_len, l.msg, c->msg);
		if (c->host) {
			assert_non_null(l.host);
			assert_int_equal(l.host_len, strlen(c->host));
			assert_memory_equal(l.host, c->host, l.host_len);
		} else {
			assert_null(l.host);
		}
		assert_int_equal(l.has_mono, c->mono_usec != NONE);
		if (l.has_mono)
			assert_int_equal(l.mono_usec, c->mono_usec);
		assert_int_equal(l.has_wall, c->wall_usec != NO_WALL);
		if (l.has_wall && l.wall_usec != c->wall_usec)
			fail_msg("%s: wall %lld, want %lld", c->in, (long long)l.wall_usec,
				 (long long)c->wall_usec);
		assert_int_equal(l.has_seq, c->seq != NONE);
		if (l.has_seq)
			assert_int_equal(l.seq, c->seq);
		assert_int_equal(l.prio, c->prio);
		assert_int_equal(l.kmsg_continued, c->kmsg_continued);
		assert_int_equal(l.truncated, c->truncated);
		assert_false(l.record_continued);
		assert_int_equal(l.line_no, 0);
	} else {
		/* untouched on error */
		unsigned char poison[sizeof(l)];

		memset(poison, 0xa5, sizeof(poison));
		assert_memory_equal(&l, poison, sizeof(l));
	}
	free(buf);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* The hint decides only kmsg dictionary lines (a leading space) and how a "[ 12.3] ..." line is
 * read after a dmesg or short-monotonic line (the cases given a hint): every other case
 * classifies the same under every hint. */
static void test_hint_independent(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);

		if (c->hint != R || strcmp(c->in, MONO_PROGRAM_LINE) == 0)
			continue;
		for (int h = 0; h < PODOOM_LOGLINE_TRANSPORT_COUNT; h++) {
			if (c->in[0] == '[' &&
			    (h == PODOOM_LOGLINE_DMESG || h == PODOOM_LOGLINE_JOURNAL_MONO))
				continue;
			char *a = malloc(len + 1), *b = malloc(len + 1);
			struct podoom_logline la, lb;
			int ra, rb;

			assert_non_null(a);
			assert_non_null(b);
			memcpy(a, c->in, len);
			memcpy(b, c->in, len);
			ra = podoom_logline_parse(a, len, c->hint, &la);
			rb = podoom_logline_parse(b, len, (enum podoom_logline_transport)h, &lb);
			assert_int_equal(ra, rb);
			if (ra == 0) {
				assert_int_equal(la.transport, lb.transport);
				assert_int_equal(la.msg - a, lb.msg - b);
				assert_int_equal(la.msg_len, lb.msg_len);
			}
			free(a);
			free(b);
		}
	}
}

static void test_year(void **state)
{
	char line[] = "Feb 29 12:00:00 h kernel: x";
	struct podoom_logline l;

	(void)state;
	/* 1970 has no Feb 29: the line is still the kernel's, without a time */
	assert_int_equal(podoom_logline_parse(line, strlen(line), R, &l), 0);
	assert_int_equal(l.transport, PODOOM_LOGLINE_SYSLOG);
	assert_false(l.has_wall);
	assert_int_equal(podoom_logline_parse_year(line, strlen(line), R, 2024, &l), 0);
	assert_true(l.has_wall);
	assert_int_equal(l.wall_usec, 1709208000000000);
	assert_int_equal(podoom_logline_parse_year(line, strlen(line), R, 2023, &l), 0);
	assert_false(l.has_wall);
	assert_int_equal(podoom_logline_parse_year(line, strlen(line), R, 0, &l), -EINVAL);
	assert_int_equal(podoom_logline_parse_year(line, strlen(line), R, 10000, &l), -EINVAL);
	char line2[] = "Dec 31 23:59:59 h kernel: x";
	assert_int_equal(podoom_logline_parse_year(line2, strlen(line2), R, 9999, &l), 0);
	assert_int_equal(l.wall_usec, 253402300799000000);
	/* dmesg -T carries its year; the one given does not matter */
	char line3[] = "[Tue Feb 29 12:00:00 2000] x";
	assert_int_equal(podoom_logline_parse_year(line3, strlen(line3), R, 2023, &l), 0);
	assert_true(l.has_wall);
	assert_int_equal(l.wall_usec, 951825600000000);
}

static void test_errors_and_names(void **state)
{
	char line[] = "x";
	struct podoom_logline l;
	const char *seen[PODOOM_LOGLINE_TRANSPORT_COUNT];

	(void)state;
	assert_int_equal(podoom_logline_parse(NULL, 1, R, &l), -EINVAL);
	assert_int_equal(podoom_logline_parse(line, 1, R, NULL), -EINVAL);
	/* checked before a byte is read */
	assert_int_equal(podoom_logline_parse(line, PODOOM_LOGLINE_MAX_BYTES + 1, R, &l), -E2BIG);
	for (int t = 0; t < PODOOM_LOGLINE_TRANSPORT_COUNT; t++) {
		seen[t] = podoom_logline_transport_to_string((enum podoom_logline_transport)t);
		assert_non_null(seen[t]);
		for (int u = 0; u < t; u++)
			assert_string_not_equal(seen[t], seen[u]);
	}
	assert_string_equal(podoom_logline_transport_to_string(PODOOM_LOGLINE_DMESG_T), "dmesg-T");
	assert_null(podoom_logline_transport_to_string(PODOOM_LOGLINE_TRANSPORT_COUNT));
	assert_null(podoom_logline_transport_to_string((enum podoom_logline_transport)-1));
	/* the largest kmsg sequence number still parses */
	char kmsg[] = "6,18446744073709551615,2,-;x";
	assert_int_equal(podoom_logline_parse(kmsg, strlen(kmsg), R, &l), 0);
	assert_int_equal(l.transport, PODOOM_LOGLINE_KMSG);
	assert_true(l.seq == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_hint_independent),
		cmocka_unit_test(test_year),
		cmocka_unit_test(test_errors_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
