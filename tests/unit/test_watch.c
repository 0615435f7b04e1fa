/* test_watch.c - the state file, the kmsg cursor (gaps, EPIPE, restarts) and
 * `podoom watch` itself on a kmsg fixture with a gap and over a restart. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "podoom/logline.h"
#include "podoom/watch.h"

static void test_state_round_trip(void **state)
{
	struct podoom_watch_state in = {.boot_id = "1b0c5d2e-0d36-4b5e-9a0b-6f6c9f1f2a3b", .has_seq = true,
					.seq = UINT64_MAX}, out;
	char buf[256];
	int n;
	(void)state;
	n = podoom_watch_state_format(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf, "podoom-watch-state 1\nboot_id 1b0c5d2e-0d36-4b5e-9a0b-6f6c9f1f2a3b\nseq 18446744073709551615\n");
	assert_int_equal(podoom_watch_state_parse(buf, (size_t)n, &out, NULL), 0);
	assert_string_equal(out.boot_id, in.boot_id);
	assert_true(out.has_seq);
	assert_true(out.seq == UINT64_MAX);
	assert_int_equal(podoom_watch_state_format(&in, buf, 20), -ENOBUFS);
	struct podoom_watch_state bad = {.boot_id = "a b"};
	assert_int_equal(podoom_watch_state_format(&bad, buf, sizeof(buf)), -EINVAL);
}

static void test_state_rejects(void **state)
{
	static const struct {
		const char *text;
		int err;
		unsigned line;
	} cases[] = {
		{"", -EINVAL, 0},
		{"podoom-watch-state 2\n", -EINVAL, 1},
		{"podoom-watch-state 1\nseq 12", -EINVAL, 2},		  /* cut short: no newline */
		{"podoom-watch-state 1\nseq 18446744073709551616\n", -EINVAL, 2}, /* 2^64 */
		{"podoom-watch-state 1\nseq -1\n", -EINVAL, 2},
		{"podoom-watch-state 1\nseq 1\nseq 2\n", -EINVAL, 3},
		{"podoom-watch-state 1\nseq \n", -EINVAL, 2},
		{"podoom-watch-state 1\nboot_id a\tb\n", -EINVAL, 2},
		{"podoom-watch-state 1\ncursor 5\n", -EINVAL, 2},
		{"podoom-watch-state 1\nseq 5\r\n", -EINVAL, 2},
	};
	struct podoom_watch_state st = {.seq = 77};
	struct podoom_diag d;
	char big[PODOOM_WATCH_STATE_MAX_BYTES + 1];
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(podoom_watch_state_parse(cases[i].text, strlen(cases[i].text), &st, &d), cases[i].err);
		assert_int_equal(d.line, cases[i].line);
		assert_true(st.seq == 77); /* untouched on error */
	}
	memset(big, '\n', sizeof(big));
	assert_int_equal(podoom_watch_state_parse(big, sizeof(big), &st, NULL), -E2BIG);
	assert_int_equal(podoom_watch_state_parse("podoom-watch-state 1\n", 21, &st, NULL), 0);
	assert_false(st.has_seq);
	assert_string_equal(st.boot_id, "");
}

static void test_cursor_gaps_and_repeats(void **state)
{
	struct podoom_kmsg_cursor c = {0};
	(void)state;
	assert_true(podoom_kmsg_cursor_see(&c, 100)); /* a fresh cursor takes what comes first */
	assert_true(podoom_kmsg_cursor_see(&c, 101));
	assert_true(podoom_kmsg_cursor_see(&c, 105)); /* 102..104 overwritten */
	assert_true(c.lost_records == 3);
	podoom_kmsg_cursor_overrun(&c); /* EPIPE, then the oldest record still held */
	assert_true(podoom_kmsg_cursor_see(&c, 200));
	assert_true(c.lost_records == 3 + 94);
	assert_true(c.overruns == 1);
	assert_false(podoom_kmsg_cursor_see(&c, 150)); /* before the last: a repeat */
	assert_false(podoom_kmsg_cursor_see(&c, 200));
	assert_true(c.repeats == 2);
	assert_true(c.next_seq == 201);

	/* a restart: resume after 41; the ring buffer is read again from its oldest record */
	struct podoom_kmsg_cursor r = {0};
	podoom_kmsg_cursor_resume(&r, 41);
	for (uint64_t s = 30; s <= 41; s++)
		assert_false(podoom_kmsg_cursor_see(&r, s));
	assert_true(podoom_kmsg_cursor_see(&r, 42));
	assert_true(r.repeats == 12 && r.lost_records == 0);
	/* resumed after 41, but the oldest record left is 50: 42..49 were lost while we were down */
	struct podoom_kmsg_cursor g = {0};
	podoom_kmsg_cursor_resume(&g, 41);
	assert_true(podoom_kmsg_cursor_see(&g, 50));
	assert_true(g.lost_records == 8);
}

static void test_kmsg_seq(void **state)
{
	uint64_t seq = 0;
	(void)state;
	assert_int_equal(podoom_logline_kmsg_seq("6,22743,6115623303887,-;msg", 27, &seq), 0);
	assert_true(seq == 22743);
	assert_int_equal(podoom_logline_kmsg_seq("4,1466,3266223152,c,caller=T1;x", 31, &seq), 0);
	assert_true(seq == 1466);
	assert_int_equal(podoom_logline_kmsg_seq(" SUBSYSTEM=pci", 14, &seq), -EINVAL);
	assert_int_equal(podoom_logline_kmsg_seq("[ 12.3] dmesg", 13, &seq), -EINVAL);
	assert_int_equal(podoom_logline_kmsg_seq("6,99999999999999999999999,1,-;x", 31, &seq), -EINVAL);
}

/* --- the command on fixtures -------------------------------------------------- */

static char podoom[PATH_MAX + 16];

static int setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	(void)state;
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(podoom, sizeof(podoom), "%s/podoom", self);
	}
	return 0;
}

/* run watch on @kmsg; the JSON lines into @out (up to @max), their count returned */
static int watch_json(const char *kmsg, const char *statefile, json_t **out, int max)
{
	char cmd[PATH_MAX * 3], line[65536];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "%s watch --json --root /nonexistent --kmsg %s --state %s 2>/dev/null", podoom, kmsg,
		 statefile);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (n < max)
			out[n++] = json_loads(line, 0, NULL);
	assert_int_equal(pclose(p), 0);
	return n;
}

static void copy_lines(FILE *to, const char *from, int first, int last)
{
	FILE *f = fopen(from, "r");
	char line[4096];
	int i = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		i++;
		if (i >= first && i <= last)
			fputs(line, to);
	}
	fclose(f);
}

/* two kills in one log; watch stops after the first, the log grows, watch resumes */
static void test_watch_restart_no_repeat_no_skip(void **state)
{
	const char *fx = "tests/fixtures/watch/two-kills.kmsg";
	char dir[] = "/tmp/podoom-test-watch-XXXXXX", kmsg[PATH_MAX], st[PATH_MAX];
	json_t *ev[8] = {0};
	FILE *f;
	int n;
	(void)state;
	if (access(podoom, X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", dir);
	snprintf(st, sizeof(st), "%s/state", dir);
	/* the first report only (lines 1..80 of the fixture are the first OOM burst) */
	f = fopen(kmsg, "w");
	copy_lines(f, fx, 1, 80);
	fclose(f);
	n = watch_json(kmsg, st, ev, 8);
	assert_int_equal(n, 1);
	assert_string_equal(json_string_value(json_object_get(ev[0], "source")), "kmsg");
	assert_string_equal(json_string_value(json_object_get(ev[0], "pod_uid")), "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ev[0], "victim"), "comm")), "bystander");
	json_decref(ev[0]);
	/* the rest arrives: the whole file is read again, only the second kill is new */
	f = fopen(kmsg, "w");
	copy_lines(f, fx, 1, 1000);
	fclose(f);
	n = watch_json(kmsg, st, ev, 8);
	assert_int_equal(n, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(ev[0], "victim"), "comm")), "worker");
	assert_string_equal(json_string_value(json_object_get(ev[0], "container_id")),
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	json_decref(ev[0]);
	/* and nothing a third time */
	assert_int_equal(watch_json(kmsg, st, ev, 8), 0);
	unlink(kmsg);
	unlink(st);
	rmdir(dir);
}

/* records 2..9 of a kill were overwritten: the gap is counted, the rest still reported */
static void test_watch_gap_counted(void **state)
{
	char cmd[PATH_MAX * 2], line[4096];
	FILE *p;
	bool lost = false, killed = false;
	(void)state;
	if (access(podoom, X_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "%s watch --json --root /nonexistent --kmsg tests/fixtures/watch/gap.kmsg 2>&1", podoom);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "\"victim\":{\"pid\":31438"))
			killed = true;
		if (strstr(line, "8 kernel log records lost"))
			lost = true;
	}
	assert_int_equal(pclose(p), 0);
	assert_true(killed);
	assert_true(lost);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_rejects),
		cmocka_unit_test(test_cursor_gaps_and_repeats),
		cmocka_unit_test(test_kmsg_seq),
		cmocka_unit_test(test_watch_restart_no_repeat_no_skip),
		cmocka_unit_test(test_watch_gap_counted),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
