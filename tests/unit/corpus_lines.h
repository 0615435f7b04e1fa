/*
 * corpus_lines.h - TEST-ONLY transport prefix stripping, just enough for the
 * samples in tests/fixtures/corpus/ (the forms listed in reference/kernel.md
 * §12 that they use). It stands in for the real reader, podoom_logline_parse
 * / podoom_logreader (branch log-reader), and should be replaced by it once
 * that is merged. It is deliberately small: no wall-clock conversion, no
 * journald JSON or verbose forms.
 *
 * Forms handled, outermost first: markdown quote "> ", /dev/kmsg
 * "6,22743,6115623303887,-;", Talos "10.0.0.1: kern:    info: [RFC3339]: ",
 * vmware.log "... Guest: ", RFC 3339 syslog "2026-...+08:00 host kernel: ",
 * classic syslog / journalctl short "Jan  5 02:12:02 [host] ident: ", a bare
 * "kernel: ", dmesg -T "[Thu Dec  7 00:05:15 2017] ", dmesg -r "<6>", and the
 * kernel's own "[ 1234.567890] " (also with the "[" cut off, sample 03).
 * A line with none of them (a wrapped continuation, a journald indented
 * continuation) is RAW.
 */
#ifndef PODOOM_TEST_CORPUS_LINES_H
#define PODOOM_TEST_CORPUS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "podoom/logline.h"

struct corpus_cursor {
	const char *s;
	size_t n;
};

static bool cl_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool cl_skip(struct corpus_cursor *c, const char *lit)
{
	size_t k = strlen(lit);

	if (c->n < k || memcmp(c->s, lit, k) != 0)
		return false;
	c->s += k;
	c->n -= k;
	return true;
}

/* "<digits>" with an optional value */
static size_t cl_digits(const char *s, size_t n, uint64_t *v)
{
	size_t i = 0;
	uint64_t acc = 0;

	while (i < n && cl_digit(s[i]))
		acc = acc * 10 + (uint64_t)(s[i++] - '0');
	if (v)
		*v = acc;
	return i;
}

/* "[ 1234.567890] " or "1234.567890] ": sets the monotonic time */
static bool cl_dmesg_stamp(struct corpus_cursor *c, struct podoom_logline *l)
{
	size_t i = 0, k;
	uint64_t sec, usec;

	if (i < c->n && c->s[i] == '[')
		i++;
	while (i < c->n && c->s[i] == ' ')
		i++;
	k = cl_digits(c->s + i, c->n - i, &sec);
	if (k == 0 || i + k >= c->n || c->s[i + k] != '.')
		return false;
	i += k + 1;
	k = cl_digits(c->s + i, c->n - i, &usec);
	if (k != 6 || i + k + 1 >= c->n || c->s[i + k] != ']' || c->s[i + k + 1] != ' ')
		return false;
	c->s += i + k + 2;
	c->n -= i + k + 2;
	l->has_mono = true;
	l->mono_usec = sec * 1000000 + usec;
	return true;
}

/* "[Thu Dec  7 00:05:15 2017] " */
static bool cl_dmesg_ctime(struct corpus_cursor *c)
{
	if (c->n < 27 || c->s[0] != '[' || c->s[4] != ' ' || c->s[8] != ' ' || c->s[25] != ']' || c->s[26] != ' ' ||
	    c->s[14] != ':' || c->s[17] != ':')
		return false;
	c->s += 27;
	c->n -= 27;
	return true;
}

/* "ident: " where ident is "kernel" or "name[pid]" */
static bool cl_ident(struct corpus_cursor *c)
{
	size_t i = 0;

	while (i < c->n && c->s[i] != ' ' && c->s[i] != ':')
		i++;
	if (i == 0 || i + 1 >= c->n || c->s[i] != ':' || c->s[i + 1] != ' ')
		return false;
	c->s += i + 2;
	c->n -= i + 2;
	return true;
}

/* "[host ]ident: " (the host may be missing, sample 15) */
static bool cl_host_ident(struct corpus_cursor *t, struct podoom_logline *l)
{
	size_t i = 0;

	while (i < t->n && t->s[i] != ' ')
		i++;
	if (i > 0 && i < t->n && t->s[i - 1] != ':') {
		l->host = t->s;
		l->host_len = i;
		t->s += i + 1;
		t->n -= i + 1;
	}
	return cl_ident(t);
}

/* "Jan  5 02:12:02 [host ]ident: " */
static bool cl_syslog(struct corpus_cursor *c, struct podoom_logline *l)
{
	struct corpus_cursor t = *c;

	if (t.n < 16 || !(t.s[0] >= 'A' && t.s[0] <= 'Z') || t.s[3] != ' ' || t.s[6] != ' ' || t.s[9] != ':' ||
	    t.s[12] != ':' || t.s[15] != ' ')
		return false;
	t.s += 16;
	t.n -= 16;
	if (!cl_host_ident(&t, l))
		return false;
	*c = t;
	l->transport = PODOOM_LOGLINE_SYSLOG;
	return true;
}

/* "2026-02-24T00:58:12.288913+08:00 host kernel: " */
static bool cl_syslog_iso(struct corpus_cursor *c, struct podoom_logline *l)
{
	struct corpus_cursor t = *c;
	const char *sp;

	if (t.n < 20 || t.s[4] != '-' || t.s[7] != '-' || t.s[10] != 'T' || !(sp = memchr(t.s, ' ', t.n)))
		return false;
	t.n -= (size_t)(sp + 1 - t.s);
	t.s = sp + 1;
	if (!cl_host_ident(&t, l))
		return false;
	*c = t;
	l->transport = PODOOM_LOGLINE_SYSLOG_ISO;
	return true;
}

/* "6,22743,6115623303887,-;" */
static bool cl_kmsg(struct corpus_cursor *c, struct podoom_logline *l)
{
	const char *semi = memchr(c->s, ';', c->n);
	uint64_t prio, seq, usec;
	size_t i = 0, k;

	if (!semi)
		return false;
	k = cl_digits(c->s, c->n, &prio);
	if (k == 0 || c->s[k] != ',')
		return false;
	i = k + 1;
	k = cl_digits(c->s + i, c->n - i, &seq);
	if (k == 0 || c->s[i + k] != ',')
		return false;
	i += k + 1;
	k = cl_digits(c->s + i, c->n - i, &usec);
	if (k == 0 || c->s[i + k] != ',')
		return false;
	i += k + 1;
	l->kmsg_continued = c->s[i] == 'c';
	l->transport = PODOOM_LOGLINE_KMSG;
	l->has_seq = true;
	l->seq = seq;
	l->has_mono = true;
	l->mono_usec = usec;
	l->prio = (int)(prio & 7);
	c->n -= (size_t)(semi + 1 - c->s);
	c->s = semi + 1;
	return true;
}

/* Talos "10.200.70.91: kern:    info: [2025-06-04T04:51:57.572293906Z]: " */
static bool cl_talos(struct corpus_cursor *c, struct podoom_logline *l)
{
	const char *kern = c->n > 8 ? memmem(c->s, c->n < 64 ? c->n : 64, ": kern: ", 8) : NULL;
	const char *end;

	if (!kern)
		return false;
	end = memmem(kern, c->n - (size_t)(kern - c->s), "]: ", 3);
	if (!end)
		return false;
	l->transport = PODOOM_LOGLINE_SYSLOG_ISO;
	c->n -= (size_t)(end + 3 - c->s);
	c->s = end + 3;
	return true;
}

/* vmware.log "2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: " */
static bool cl_vmware(struct corpus_cursor *c)
{
	const char *g = c->n > 9 ? memmem(c->s, c->n < 64 ? c->n : 64, " - Guest: ", 10) : NULL;

	if (!g)
		return false;
	c->n -= (size_t)(g + 10 - c->s);
	c->s = g + 10;
	return true;
}

/* "<6>" */
static bool cl_prio(struct corpus_cursor *c, struct podoom_logline *l)
{
	if (c->n < 3 || c->s[0] != '<' || !cl_digit(c->s[1]) || c->s[2] != '>')
		return false;
	l->prio = c->s[1] - '0';
	c->s += 3;
	c->n -= 3;
	return true;
}

/* Fill @l for the corpus line @s (no newline); @l->msg borrows @s. */
static void corpus_line(const char *s, size_t n, uint64_t line_no, struct podoom_logline *l)
{
	struct corpus_cursor c = {s, n};

	memset(l, 0, sizeof(*l));
	l->transport = PODOOM_LOGLINE_RAW;
	l->prio = -1;
	l->line_no = line_no;
	while (cl_skip(&c, "> "))
		;
	if (c.n > 0 && cl_digit(c.s[0]) && cl_kmsg(&c, l)) {
		/* the message follows */
	} else if (cl_talos(&c, l)) {
	} else if (cl_vmware(&c)) {
		l->transport = PODOOM_LOGLINE_DMESG_R;
		cl_prio(&c, l);
		cl_dmesg_stamp(&c, l);
	} else if (cl_syslog_iso(&c, l) || cl_syslog(&c, l)) {
		cl_dmesg_stamp(&c, l); /* the kernel's own stamp, forwarded */
	} else if (cl_skip(&c, "kernel: ")) {
		l->transport = PODOOM_LOGLINE_SYSLOG;
		cl_dmesg_stamp(&c, l);
	} else if (cl_dmesg_ctime(&c)) {
		l->transport = PODOOM_LOGLINE_DMESG_T;
	} else {
		struct corpus_cursor t = c;

		if (cl_prio(&t, l) && cl_dmesg_stamp(&t, l)) {
			c = t;
			l->transport = PODOOM_LOGLINE_DMESG_R;
		} else if (cl_dmesg_stamp(&c, l)) {
			l->transport = PODOOM_LOGLINE_DMESG;
		}
	}
	l->msg = c.s;
	l->msg_len = c.n;
}

#endif
