/*
 * logline.c - which transport carried a kernel log line, and what it said.
 *
 * One pass over the first bytes of the line, dispatched on its first byte; no
 * regex, no allocation (except jansson's, for journal JSON lines). The formats,
 * and where each is defined:
 *
 *   dmesg            "[%5lu.%06lu] msg"       kernel/printk/printk.c print_time()
 *                    (with CONFIG_PRINTK_CALLER "[  1.5][  T123] msg", print_caller())
 *   dmesg -T         "[%a %b %e %H:%M:%S %Y] msg"   util-linux sys-utils/dmesg.c (ctime)
 *   dmesg --time-format=iso  "2026-11-28T03:47:40,000000+00:00 msg" (comma: dmesg, not rsyslog)
 *   dmesg -r         "<%d>[%5lu.%06lu] msg", the number being facility << 3 | level
 *   /dev/kmsg        "%u,%llu,%llu,%c[,...];msg" and " KEY=value" lines
 *                    (Documentation/ABI/testing/dev-kmsg; printk.c info_print_ext_header():
 *                    flag 'c' = LOG_CONT; 3.5..5.9 printed 'c' for the first fragment of a
 *                    line and '+' for the next ones, devkmsg_read()); msg_add_ext_text()
 *                    escapes bytes < ' ', >= 127 and '\' as "\xNN"
 *   syslog           "%b %e %H:%M:%S host kernel: msg" (rsyslog RSYSLOG_TraditionalFileFormat),
 *                    journalctl short "%b %d %H:%M:%S host kernel: msg", short-precise adds
 *                    ".%06lu", short-iso "%Y-%m-%dT%H:%M:%S%+03d:%02d" (older: %z, "+0000"),
 *                    short-monotonic "[%5lu.%06lu] host kernel: msg" (systemd
 *                    src/shared/logs-show.c output_short()); rsyslog RFC 3339
 *                    "2026-02-24T00:58:12.288913+08:00 host kernel: msg"
 *   journal JSON     one object per line; a field is a string, an array of byte values (when
 *                    not printable UTF-8), null (4096 bytes or more), or an array of those when
 *                    the field repeats (logs-show.c update_json_data())
 *   Talos            "[node: ]%s: %7s: [%s]: %s" facility, level, RFC 3339 nano time, msg
 *                    (siderolabs/talos machined Dmesg(); corpus 25)
 *   vmware.log       "<ISO time> ... Guest: <6>[secs] msg" (corpus 17)
 *   kubectl events   "1 OOMKilling: msg", node-problem-detector's Event (corpus 42)
 *   pasted logs      "> " quote markers, a dmesg stamp cut to "5193605.506728] " (corpus 14, 03)
 */
#include "podoom/logline.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "logline_internal.h"

#define USEC_PER_SEC UINT64_C(1000000)
#define SEC_PER_DAY INT64_C(86400)

/* A host name or syslog identifier longer than this is not one (Linux HOST_NAME_MAX is 64, DNS
 * names stop at 253); it bounds the scan of a line that only looks like syslog. */
#define TOKEN_MAX 256
/* "prio,seq,usec,flags[,caller=T123,...];": where the ';' must be. */
#define KMSG_HEADER_MAX 256
/* How far into a line vmware's "Guest: " or an Event's "OOMKilling" may start. */
#define WRAPPER_SCAN_MAX 256
/* Seconds in a dmesg stamp: 12 digits is 31,000 years of uptime. */
#define SECS_DIGITS_MAX 12
/* journalctl -o json prints a field of 4096 bytes or more as null (logs-show.c JSON_THRESHOLD),
 * so a real record line stays far below this. A longer "{" line is left RAW: jansson's tree of
 * an array of byte values costs ~40 bytes per input byte pair, which would break the reader's
 * memory bound. */
#define JSON_LINE_MAX ((size_t)64 << 10)

/* syslog level names as Talos prints them (go-kmsg Priority.String()) */
static const char *const LEVELS[8] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

static const char *const TRANSPORT_NAMES[PODOOM_LOGLINE_TRANSPORT_COUNT] = {
	[PODOOM_LOGLINE_RAW] = "raw",
	[PODOOM_LOGLINE_DMESG] = "dmesg",
	[PODOOM_LOGLINE_DMESG_T] = "dmesg-T",
	[PODOOM_LOGLINE_DMESG_R] = "dmesg-r",
	[PODOOM_LOGLINE_KMSG] = "kmsg",
	[PODOOM_LOGLINE_KMSG_CONT] = "kmsg-cont",
	[PODOOM_LOGLINE_SYSLOG] = "syslog",
	[PODOOM_LOGLINE_SYSLOG_ISO] = "syslog-iso",
	[PODOOM_LOGLINE_SYSLOG_PRECISE] = "syslog-precise",
	[PODOOM_LOGLINE_JOURNAL_JSON] = "journal-json",
	[PODOOM_LOGLINE_JOURNAL_MONO] = "journal-monotonic",
	[PODOOM_LOGLINE_TALOS] = "talos",
	[PODOOM_LOGLINE_VMWARE] = "vmware",
	[PODOOM_LOGLINE_K8S_EVENT] = "k8s-event",
};

const char *podoom_logline_transport_to_string(enum podoom_logline_transport t)
{
	if ((unsigned)t >= PODOOM_LOGLINE_TRANSPORT_COUNT)
		return NULL;
	return TRANSPORT_NAMES[t];
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool take_char(const char **pp, const char *end, char c)
{
	if (*pp < end && **pp == c) {
		(*pp)++;
		return true;
	}
	return false;
}

static inline const char *skip_one_space(const char *p, const char *end)
{
	return p < end && *p == ' ' ? p + 1 : p;
}

/* 1..max decimal digits (max <= 20); false when there are none, more than max, or the value
 * overflows. Overflow is only possible at the 20th digit, so only that one is checked. */
static inline bool take_uint(const char **pp, const char *end, size_t max, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	size_t n = 0;

	while (p < end && is_digit(*p)) {
		uint64_t d = (uint64_t)(*p - '0');

		if (n == max)
			return false;
		if (n == 19 && (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10)))
			return false;
		v = v * 10 + d;
		p++;
		n++;
	}
	if (n == 0)
		return false;
	*pp = p;
	*ret = v;
	return true;
}

/* Exactly n digits. */
static bool take_fixed(const char **pp, const char *end, size_t n, unsigned *ret)
{
	unsigned v = 0;

	if ((size_t)(end - *pp) < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = (*pp)[i];

		if (!is_digit(c))
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*pp += n;
	*ret = v;
	return true;
}

/* The digits after a decimal point (1..9: usec from dmesg, nsec from Talos), in microseconds;
 * digits past the sixth are dropped, as dmesg truncates. */
static inline bool take_frac_usec(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	size_t n = 0;

	while (p < end && is_digit(*p)) {
		if (n == 9)
			return false;
		if (n < 6)
			v = v * 10 + (uint64_t)(*p - '0');
		n++;
		p++;
	}
	if (n == 0)
		return false;
	for (size_t kept = n < 6 ? n : 6; kept < 6; kept++)
		v *= 10;
	*pp = p;
	*ret = v;
	return true;
}

/* Three letters as one number, so a name is found by one switch instead of a table walk. */
#define NAME3(a, b, c) ((unsigned)(a) << 16 | (unsigned)(b) << 8 | (unsigned)(c))

static unsigned name3(const char *p)
{
	return NAME3((unsigned char)p[0], (unsigned char)p[1], (unsigned char)p[2]);
}

/* "Jan".."Dec" as 1..12, or 0. */
static unsigned take_month(const char **pp, const char *end)
{
	unsigned m;

	if (end - *pp < 3)
		return 0;
	switch (name3(*pp)) {
	case NAME3('J', 'a', 'n'): m = 1; break;
	case NAME3('F', 'e', 'b'): m = 2; break;
	case NAME3('M', 'a', 'r'): m = 3; break;
	case NAME3('A', 'p', 'r'): m = 4; break;
	case NAME3('M', 'a', 'y'): m = 5; break;
	case NAME3('J', 'u', 'n'): m = 6; break;
	case NAME3('J', 'u', 'l'): m = 7; break;
	case NAME3('A', 'u', 'g'): m = 8; break;
	case NAME3('S', 'e', 'p'): m = 9; break;
	case NAME3('O', 'c', 't'): m = 10; break;
	case NAME3('N', 'o', 'v'): m = 11; break;
	case NAME3('D', 'e', 'c'): m = 12; break;
	default: return 0;
	}
	*pp += 3;
	return m;
}

/* "Sun".."Sat" (dmesg -T prints it; its value is not needed) */
static bool take_weekday(const char **pp, const char *end)
{
	if (end - *pp < 3)
		return false;
	switch (name3(*pp)) {
	case NAME3('S', 'u', 'n'):
	case NAME3('M', 'o', 'n'):
	case NAME3('T', 'u', 'e'):
	case NAME3('W', 'e', 'd'):
	case NAME3('T', 'h', 'u'):
	case NAME3('F', 'r', 'i'):
	case NAME3('S', 'a', 't'):
		*pp += 3;
		return true;
	default:
		return false;
	}
}

/* ---- calendar ---------------------------------------------------------- */

struct civil {
	unsigned year, mon, day, hour, min, sec;
	uint64_t usec;
	int64_t utc_offset_sec; /* east of UTC */
};

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, year 1..9999: whole years since 0001
 * with their leap days, then the month's offset (a leap day counts from March). Unsigned
 * arithmetic on purpose: the signed-era form cost a third of a dmesg -T line. */
static int64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	static const unsigned short before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	unsigned yy = y - 1;
	unsigned days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + before[m - 1] + d - 1;

	if (m > 2 && is_leap(y))
		days++;
	return (int64_t)days - 719162; /* 0001-01-01 .. 1970-01-01 */
}

static bool civil_to_wall(const struct civil *c, int64_t *ret_usec)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t sec;

	if (c->year < 1 || c->year > 9999 || c->mon < 1 || c->mon > 12 || c->day < 1 ||
	    c->hour > 23 || c->min > 59 || c->sec > 60)
		return false;
	if (c->day > mdays[c->mon - 1] && !(c->mon == 2 && c->day == 29 && is_leap(c->year)))
		return false;
	sec = days_from_civil(c->year, c->mon, c->day) * SEC_PER_DAY + (int64_t)c->hour * 3600 +
	      (int64_t)c->min * 60 + (int64_t)c->sec - c->utc_offset_sec;
	*ret_usec = sec * (int64_t)USEC_PER_SEC + (int64_t)c->usec;
	return true;
}

/* "Jan  5" (%e), "Jan 05" (%d), "Jan 5" */
static bool take_month_day(const char **pp, const char *end, struct civil *c)
{
	const char *p = *pp;
	uint64_t day;

	c->mon = take_month(&p, end);
	if (c->mon == 0 || !take_char(&p, end, ' '))
		return false;
	take_char(&p, end, ' ');
	if (!take_uint(&p, end, 2, &day))
		return false;
	c->day = (unsigned)day;
	*pp = p;
	return true;
}

static unsigned digit2(const char *p)
{
	unsigned a = (unsigned char)p[0] - (unsigned)'0', b = (unsigned char)p[1] - (unsigned)'0';

	return a > 9 || b > 9 ? 100 : a * 10 + b; /* 100: not two digits, over every field's range */
}

/* "HH:MM:SS" */
static bool take_hms(const char **pp, const char *end, struct civil *c)
{
	const char *p = *pp;

	if (end - p < 8 || p[2] != ':' || p[5] != ':')
		return false;
	c->hour = digit2(p);
	c->min = digit2(p + 3);
	c->sec = digit2(p + 6);
	if (c->hour == 100 || c->min == 100 || c->sec == 100)
		return false;
	*pp = p + 8;
	return true;
}

/* RFC 3339 / ISO 8601: "2026-02-24T00:58:12.288913+08:00", "+0800", "Z", or no zone (UTC).
 * *ret_sep is the fraction separator ('.', ',' or 0 for none). */
static bool take_iso(const char **pp, const char *end, int64_t *ret_wall, char *ret_sep)
{
	const char *p = *pp;
	struct civil c = {0};
	unsigned y, oh, om = 0;
	char sep = 0;

	if (!take_fixed(&p, end, 4, &y) || !take_char(&p, end, '-') || !take_fixed(&p, end, 2, &c.mon) ||
	    !take_char(&p, end, '-') || !take_fixed(&p, end, 2, &c.day) || !take_char(&p, end, 'T') ||
	    !take_hms(&p, end, &c))
		return false;
	c.year = y;
	if (p < end && (*p == '.' || *p == ',')) {
		sep = *p++;
		if (!take_frac_usec(&p, end, &c.usec))
			return false;
	}
	if (take_char(&p, end, 'Z')) {
		/* UTC */
	} else if (p < end && (*p == '+' || *p == '-')) {
		int64_t sign = *p++ == '-' ? -1 : 1;

		if (!take_fixed(&p, end, 2, &oh))
			return false;
		take_char(&p, end, ':');
		if (!take_fixed(&p, end, 2, &om) || oh > 23 || om > 59)
			return false;
		c.utc_offset_sec = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	}
	if (!civil_to_wall(&c, ret_wall))
		return false;
	*pp = p;
	*ret_sep = sep;
	return true;
}

/* ---- pieces shared by several transports -------------------------------- */

/* print_caller()'s "[  T123]" / "[ C2]" after a stamp (CONFIG_PRINTK_CALLER): past it, or p. */
static const char *skip_caller_id(const char *p, const char *end)
{
	const char *q = p + 1;
	uint64_t id;

	while (q < end && *q == ' ')
		q++;
	if (q < end && (*q == 'T' || *q == 'C')) {
		q++;
		if (take_uint(&q, end, 10, &id) && take_char(&q, end, ']'))
			return q;
	}
	return p;
}

/* "[%5lu.%06lu]" (printk.c print_time()), the hottest parse of a dmesg file: the six digits
 * unrolled, and inlined by force (gcc -O2 would not, for its four callers; inlining saved 1.5 ns
 * of 12 a dmesg line, bench/logreader_throughput.c). */
static inline __attribute__((always_inline)) bool take_dmesg_stamp(const char **pp, const char *end,
								   uint64_t *ret_usec)
{
	const char *p = *pp;
	uint64_t sec, usec;

	if (!take_char(&p, end, '['))
		return false;
	while (p < end && *p == ' ')
		p++;
	if (!take_uint(&p, end, SECS_DIGITS_MAX, &sec) || !take_char(&p, end, '.'))
		return false;
	if (end - p >= 7 && p[6] == ']') {
		unsigned d0 = (unsigned char)p[0] - (unsigned)'0', d1 = (unsigned char)p[1] - (unsigned)'0',
			 d2 = (unsigned char)p[2] - (unsigned)'0', d3 = (unsigned char)p[3] - (unsigned)'0',
			 d4 = (unsigned char)p[4] - (unsigned)'0', d5 = (unsigned char)p[5] - (unsigned)'0';

		if ((d0 > 9) | (d1 > 9) | (d2 > 9) | (d3 > 9) | (d4 > 9) | (d5 > 9))
			return false;
		usec = ((((d0 * 10u + d1) * 10u + d2) * 10u + d3) * 10u + d4) * 10u + d5;
		p += 7;
	} else if (!take_frac_usec(&p, end, &usec) || !take_char(&p, end, ']')) {
		return false;
	}
	if (p < end && *p == '[')
		p = skip_caller_id(p, end);
	*pp = p;
	*ret_usec = sec * USEC_PER_SEC + usec;
	return true;
}

static void set_msg(struct podoom_logline *l, const char *p, const char *end)
{
	l->msg = p;
	l->msg_len = (size_t)(end - p);
}

/* A syslog line often carries the kernel's own "[secs] " too (rsyslog imklog, corpus 06, 40). */
static void strip_kernel_stamp(struct podoom_logline *l)
{
	const char *p = l->msg, *end = l->msg + l->msg_len;
	uint64_t usec;

	if (p < end && *p == '[' && take_dmesg_stamp(&p, end, &usec)) {
		l->has_mono = true;
		l->mono_usec = usec;
		set_msg(l, skip_one_space(p, end), end);
	}
}

/* End of the space-free token at p (at most TOKEN_MAX bytes), or NULL when it is longer. */
static const char *token_end(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	const char *sp = memchr(p, ' ', n > TOKEN_MAX ? TOKEN_MAX + 1 : n);

	if (sp)
		return sp;
	return n > TOKEN_MAX ? NULL : end;
}

static bool is_kernel_tag(const char *p, const char *e)
{
	return e - p == 7 && memcmp(p, "kernel:", 7) == 0;
}

struct tail {
	const char *host;
	size_t host_len;
	const char *msg;
	bool kernel;
};

/* What follows a syslog/journalctl stamp and its space: "[host ]ident: msg". Returns false when
 * it is not that shape (no "ident:" token). */
static bool take_tail(const char *p, const char *end, struct tail *t)
{
	const char *e1 = token_end(p, end), *t2, *e2;

	if (!e1 || e1 == p)
		return false;
	if (e1[-1] == ':') { /* no host: "kernel: msg", "systemd[1]: msg" */
		t->host = NULL;
		t->host_len = 0;
		t->kernel = is_kernel_tag(p, e1);
		t->msg = skip_one_space(e1, end);
		return true;
	}
	if (e1 == end)
		return false;
	t2 = e1 + 1;
	if (end - t2 >= 7 && memcmp(t2, "kernel:", 7) == 0 && (end - t2 == 7 || t2[7] == ' '))
		e2 = t2 + 7; /* the common case, without a second scan */
	else
		e2 = token_end(t2, end);
	if (!e2 || e2 == t2 || e2[-1] != ':')
		return false;
	t->host = p;
	t->host_len = (size_t)(e1 - p);
	t->kernel = is_kernel_tag(t2, e2);
	t->msg = skip_one_space(e2, end);
	return true;
}

/* A cheap pre-check for take_tail() on every dmesg line: is "kernel:" the first token, or the
 * second after a host name (journalctl prints gethostname(), at most HOST_NAME_MAX = 64
 * bytes)? memchr's one vector compare beat a byte loop here by 3 ns a line. */
static bool maybe_kernel_tail(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	const char *q;

	if (n >= 7 && memcmp(p, "kernel:", 7) == 0)
		return true;
	q = memchr(p, ' ', n > 65 ? 65 : n);
	return q && end - q >= 8 && memcmp(q + 1, "kernel:", 7) == 0 && (end - q == 8 || q[8] == ' ');
}

/* Fill l from a tail; 0 for a kernel line, 1 for another program's. */
static int apply_tail(struct podoom_logline *l, const struct tail *t, const char *end)
{
	l->host = t->host;
	l->host_len = t->host_len;
	set_msg(l, t->msg, end);
	if (!t->kernel)
		return 1;
	strip_kernel_stamp(l);
	return 0;
}

/* ---- one matcher per first byte group; each returns 0 kernel, 1 foreign, -1 no match ---- */

/* "host ident[pid]: " - a syslog tag with a pid, which no kernel message starts with. */
static bool is_program_tail(const struct tail *t)
{
	const char *e = t->msg;

	if (!t->host)
		return false;
	while (e > t->host && e[-1] == ' ')
		e--;
	if (e - t->host < 4 || e[-1] != ':' || e[-2] != ']' || !is_digit(e[-3]))
		return false;
	for (e -= 3; e > t->host && is_digit(e[-1]); e--)
		;
	return e > t->host && e[-1] == '[';
}

/* "[ 123.456] msg" (dmesg), "[ 123.456] host kernel: msg" (journalctl short-monotonic),
 * "[Thu Dec  7 00:05:15 2017] msg" (dmesg -T). The two first are told apart by the text after
 * the stamp, which in dmesg can be anything; so the hint decides what is looked for: after a
 * dmesg line nothing (the look costs a memchr on every line of the commonest format), after a
 * short-monotonic line also another program's record ("[ 123.456] host systemd[1]: msg"). */
static int match_bracket(const char *s, const char *end, enum podoom_logline_transport hint,
			 struct podoom_logline *l)
{
	const char *p = s;
	struct civil c = {0};
	uint64_t usec, year;
	struct tail t;

	if (take_dmesg_stamp(&p, end, &usec)) {
		l->has_mono = true;
		l->mono_usec = usec;
		p = skip_one_space(p, end);
		if (hint != PODOOM_LOGLINE_DMESG &&
		    (maybe_kernel_tail(p, end) || hint == PODOOM_LOGLINE_JOURNAL_MONO) &&
		    take_tail(p, end, &t) && (t.kernel || (hint == PODOOM_LOGLINE_JOURNAL_MONO &&
							     is_program_tail(&t)))) {
			l->transport = PODOOM_LOGLINE_JOURNAL_MONO;
			l->host = t.host;
			l->host_len = t.host_len;
			set_msg(l, t.msg, end);
			return t.kernel ? 0 : 1;
		}
		l->transport = PODOOM_LOGLINE_DMESG;
		set_msg(l, p, end);
		return 0;
	}
	p = s + 1;
	if (!take_weekday(&p, end) || !take_char(&p, end, ' ') ||
	    !take_month_day(&p, end, &c) || !take_char(&p, end, ' ') || !take_hms(&p, end, &c) ||
	    !take_char(&p, end, ' ') || !take_uint(&p, end, 4, &year) || !take_char(&p, end, ']'))
		return -1;
	c.year = (unsigned)year;
	l->transport = PODOOM_LOGLINE_DMESG_T;
	l->has_wall = civil_to_wall(&c, &l->wall_usec);
	set_msg(l, skip_one_space(p, end), end);
	return 0;
}

/* "<6>[ 123.456] msg" or, with printk.time=0, "<6>msg". */
static bool take_level_prefix(const char **pp, const char *end, struct podoom_logline *l)
{
	const char *p = *pp;
	uint64_t prio, usec;

	if (!take_char(&p, end, '<') || !take_uint(&p, end, 4, &prio) || !take_char(&p, end, '>'))
		return false;
	l->prio = (int)(prio & 7);
	if (p < end && *p == '[' && take_dmesg_stamp(&p, end, &usec)) {
		l->has_mono = true;
		l->mono_usec = usec;
		p = skip_one_space(p, end);
	}
	*pp = p;
	return true;
}

static int match_dmesg_r(const char *s, const char *end, struct podoom_logline *l)
{
	const char *p = s;

	if (!take_level_prefix(&p, end, l))
		return -1;
	l->transport = PODOOM_LOGLINE_DMESG_R;
	set_msg(l, p, end);
	return 0;
}

/* "6,22743,6115623303887,-;msg" */
static int match_kmsg(const char *s, const char *end, struct podoom_logline *l,
		      enum podoom_logline_decode *dec)
{
	const char *p = s, *semi, *q;
	uint64_t prio, seq, usec;
	size_t n;

	if (!take_uint(&p, end, 4, &prio) || !take_char(&p, end, ',') || !take_uint(&p, end, 20, &seq) ||
	    !take_char(&p, end, ',') || !take_uint(&p, end, 20, &usec) || !take_char(&p, end, ','))
		return -1;
	n = (size_t)(end - p);
	semi = memchr(p, ';', n > KMSG_HEADER_MAX ? KMSG_HEADER_MAX : n);
	if (!semi || semi == p)
		return -1;
	l->kmsg_continued = false;
	for (q = p; q < semi && *q != ','; q++)
		if (*q == 'c' || *q == '+')
			l->kmsg_continued = true;
	l->transport = PODOOM_LOGLINE_KMSG;
	l->prio = (int)(prio & 7);
	l->has_seq = true;
	l->seq = seq;
	l->has_mono = true;
	l->mono_usec = usec;
	set_msg(l, semi + 1, end);
	if (memchr(l->msg, '\\', l->msg_len))
		*dec = PODOOM_LOGLINE_DECODE_KMSG;
	return 0;
}

/* " SUBSYSTEM=pci" after a kmsg record */
static int match_kmsg_cont(const char *s, const char *end, struct podoom_logline *l)
{
	const char *p = s + 1;

	while (p < end && (is_upper(*p) || is_digit(*p) || *p == '_'))
		p++;
	if (p == s + 1 || p == end || *p != '=')
		return -1;
	l->transport = PODOOM_LOGLINE_KMSG_CONT;
	set_msg(l, s + 1, end);
	return 0;
}

/* "Jan  5 02:12:02 host kernel: msg", "May 07 21:43:54.123456 host kernel: msg" */
static int match_syslog(const char *s, const char *end, int year, struct podoom_logline *l)
{
	const char *p = s;
	struct civil c = {0};
	bool precise = false;
	struct tail t;

	if (!take_month_day(&p, end, &c) || !take_char(&p, end, ' ') || !take_hms(&p, end, &c))
		return -1;
	if (take_char(&p, end, '.')) {
		if (!take_frac_usec(&p, end, &c.usec))
			return -1;
		precise = true;
	}
	if (!take_char(&p, end, ' ') || !take_tail(p, end, &t))
		return -1;
	c.year = (unsigned)year;
	l->transport = precise ? PODOOM_LOGLINE_SYSLOG_PRECISE : PODOOM_LOGLINE_SYSLOG;
	l->has_wall = civil_to_wall(&c, &l->wall_usec);
	return apply_tail(l, &t, end);
}

/* "kernel: msg" with no stamp (corpus 30) */
static int match_bare_kernel(const char *s, const char *end, struct podoom_logline *l)
{
	const char *e = token_end(s, end);

	if (!e || !is_kernel_tag(s, e))
		return -1;
	l->transport = PODOOM_LOGLINE_SYSLOG;
	set_msg(l, skip_one_space(e, end), end);
	strip_kernel_stamp(l);
	return 0;
}

/* After vmware.log's "Guest: ": "<6>[secs] msg" */
static int match_vmware(const char *p, const char *end, int64_t wall, struct podoom_logline *l)
{
	size_t n = (size_t)(end - p);
	const char *g = memmem(p, n > WRAPPER_SCAN_MAX ? WRAPPER_SCAN_MAX : n, "Guest: ", 7);
	uint64_t usec;

	if (!g)
		return -1;
	p = g + 7;
	if (!take_level_prefix(&p, end, l) && p < end && *p == '[' &&
	    take_dmesg_stamp(&p, end, &usec)) {
		l->has_mono = true;
		l->mono_usec = usec;
		p = skip_one_space(p, end);
	}
	l->transport = PODOOM_LOGLINE_VMWARE;
	l->has_wall = true;
	l->wall_usec = wall;
	set_msg(l, p, end);
	return 0;
}

/* "2026-02-24T00:58:12.288913+08:00 host kernel: msg" (rsyslog, journalctl short-iso),
 * "2026-11-28T03:47:40,000000+00:00 msg" (dmesg --time-format=iso), vmware.log. */
static int match_iso(const char *s, const char *end, struct podoom_logline *l)
{
	const char *p = s;
	int64_t wall;
	char sep;
	struct tail t;

	if (!take_iso(&p, end, &wall, &sep))
		return -1;
	if (sep == ',') {
		if (!take_char(&p, end, ' '))
			return -1;
		l->transport = PODOOM_LOGLINE_DMESG_T;
		l->has_wall = true;
		l->wall_usec = wall;
		set_msg(l, p, end);
		return 0;
	}
	if (p < end && *p == ' ' && take_tail(p + 1, end, &t)) {
		l->transport = PODOOM_LOGLINE_SYSLOG_ISO;
		l->has_wall = true;
		l->wall_usec = wall;
		return apply_tail(l, &t, end);
	}
	return match_vmware(p, end, wall, l);
}

/* A dmesg stamp whose start was cut off by a paste: "5193605.506728] msg" (corpus 03). The
 * seconds may have lost digits, so no time is kept. */
static int match_cut_dmesg(const char *s, const char *end, struct podoom_logline *l)
{
	const char *p = s;
	uint64_t sec, usec;

	if (!take_uint(&p, end, SECS_DIGITS_MAX, &sec) || !take_char(&p, end, '.') ||
	    !take_frac_usec(&p, end, &usec) || !take_char(&p, end, ']'))
		return -1;
	l->transport = PODOOM_LOGLINE_DMESG;
	set_msg(l, skip_one_space(p, end), end);
	return 0;
}

/* "kern:    info: [2025-06-04T04:51:57.572293906Z]: msg" */
static bool take_talos(const char *p, const char *end, struct podoom_logline *l)
{
	const char *f = p;
	int64_t wall;
	char sep;
	int prio = -1;

	while (p < end && (is_lower(*p) || is_digit(*p)) && p - f < 10)
		p++;
	if (p == f || !take_char(&p, end, ':') || !take_char(&p, end, ' '))
		return false;
	while (p < end && *p == ' ')
		p++;
	for (int i = 0; i < 8; i++) {
		size_t n = strlen(LEVELS[i]);

		if ((size_t)(end - p) > n && memcmp(p, LEVELS[i], n) == 0 && p[n] == ':') {
			prio = i;
			p += n + 1;
			break;
		}
	}
	if (prio < 0 || !take_char(&p, end, ' ') || !take_char(&p, end, '[') ||
	    !take_iso(&p, end, &wall, &sep) || !take_char(&p, end, ']') || !take_char(&p, end, ':'))
		return false;
	l->transport = PODOOM_LOGLINE_TALOS;
	l->prio = prio;
	l->has_wall = true;
	l->wall_usec = wall;
	set_msg(l, skip_one_space(p, end), end);
	return true;
}

/* talosctl dmesg, with "node: " in front when it asks one or more nodes. */
static int match_talos(const char *s, const char *end, struct podoom_logline *l)
{
	const char *sp;

	if (take_talos(s, end, l))
		return 0;
	sp = token_end(s, end);
	if (!sp || sp == end || sp - s < 2 || sp[-1] != ':' || !take_talos(sp + 1, end, l))
		return -1;
	l->host = s;
	l->host_len = (size_t)(sp - 1 - s);
	return 0;
}

/* A node-problem-detector Event: "1 OOMKilling: msg" (corpus 42), or kubectl describe's
 * "  Warning  OOMKilling  5m  kernel-monitor, node  msg", where msg is the last column. */
static int match_k8s_event(const char *s, const char *end, struct podoom_logline *l)
{
	size_t n = (size_t)(end - s);
	const char *k = memmem(s, n > WRAPPER_SCAN_MAX ? WRAPPER_SCAN_MAX : n, "OOMKilling", 10);
	const char *p, *msg;

	if (!k || (k != s && k[-1] != ' '))
		return -1;
	p = k + 10;
	if (p < end && *p == ':') {
		msg = skip_one_space(p + 1, end);
	} else if (p < end && *p == ' ') {
		msg = NULL;
		for (; p + 2 < end; p++)
			if (p[0] == ' ' && p[1] == ' ' && p[2] != ' ')
				msg = p + 2;
		if (!msg)
			return -1;
	} else {
		return -1;
	}
	l->transport = PODOOM_LOGLINE_K8S_EVENT;
	set_msg(l, msg, end);
	return 0;
}

static bool hint_is_kmsg(enum podoom_logline_transport hint)
{
	return hint == PODOOM_LOGLINE_KMSG || hint == PODOOM_LOGLINE_KMSG_CONT;
}

int podoom_logline_scan(const char *line, size_t len, enum podoom_logline_transport hint, int year,
			struct podoom_logline *ret, enum podoom_logline_decode *ret_decode)
{
	const char *s = line, *end = line + len;
	struct podoom_logline *l = ret;
	int r = -1;

	*ret_decode = PODOOM_LOGLINE_DECODE_NONE;
	/* a log quoted in a Markdown issue: "> ", "> > " */
	while (s < end && *s == '>')
		s = skip_one_space(s + 1, end);
	/* journalctl -o json-seq puts an RS before each object */
	if (end - s >= 2 && s[0] == '\x1e' && s[1] == '{')
		s++;
	podoom_logline_init(l, PODOOM_LOGLINE_RAW, s, end);

	if (s < end) {
		char c = *s;

		if (c == '[') {
			r = match_bracket(s, end, hint, l);
		} else if (c == '<') {
			r = match_dmesg_r(s, end, l);
		} else if (c == '{') {
			if (len <= JSON_LINE_MAX) {
				l->transport = PODOOM_LOGLINE_JOURNAL_JSON;
				*ret_decode = PODOOM_LOGLINE_DECODE_JSON;
				r = 0;
			}
		} else if (is_digit(c)) {
			r = match_kmsg(s, end, l, ret_decode);
			if (r < 0)
				r = match_iso(s, end, l);
			if (r < 0)
				r = match_cut_dmesg(s, end, l);
			if (r < 0)
				r = match_k8s_event(s, end, l);
			if (r < 0)
				r = match_talos(s, end, l);
		} else if (c == ' ') {
			if (hint_is_kmsg(hint))
				r = match_kmsg_cont(s, end, l);
			if (r < 0)
				r = match_k8s_event(s, end, l);
		} else if (is_upper(c)) {
			r = match_syslog(s, end, year, l);
			if (r < 0)
				r = match_talos(s, end, l);
		} else if (is_lower(c)) {
			r = match_bare_kernel(s, end, l);
			if (r < 0)
				r = match_talos(s, end, l);
		}
	}
	if (r < 0) {
		/* a near miss may have set a field before failing: start clean */
		podoom_logline_init(l, PODOOM_LOGLINE_RAW, s, end);
		*ret_decode = PODOOM_LOGLINE_DECODE_NONE;
		r = 0;
	}
	return r;
}

/* ---- decoding ------------------------------------------------------------- */

/* msg_add_ext_text() escapes as "\x%02x"; anything else after a backslash is kept as is. */
static size_t kmsg_unescape(char *p, size_t n)
{
	char *bs = memchr(p, '\\', n);
	size_t r, w;

	if (!bs)
		return n;
	r = w = (size_t)(bs - p);
	while (r < n) {
		int hi, lo;

		if (p[r] == '\\' && n - r >= 4 && p[r + 1] == 'x' && (hi = hex_value(p[r + 2])) >= 0 &&
		    (lo = hex_value(p[r + 3])) >= 0) {
			p[w++] = (char)(hi << 4 | lo);
			r += 4;
		} else {
			p[w++] = p[r++];
		}
	}
	return w;
}

#define FIELD_ABSENT ((size_t)-1)

/* The bytes of a journal JSON field value into dst (at most cap): a string, an array of byte
 * values, or (a field that repeats) the first of an array of those. FIELD_ABSENT for null (a
 * field journalctl left out as too long) or a value of another shape. */
static size_t json_field_bytes(const json_t *v, char *dst, size_t cap)
{
	size_t n;

	if (json_is_string(v)) {
		n = json_string_length(v);
		if (n > cap)
			n = cap;
		memcpy(dst, json_string_value(v), n);
		return n;
	}
	if (!json_is_array(v))
		return FIELD_ABSENT;
	n = json_array_size(v);
	if (n == 0)
		return 0;
	if (!json_is_integer(json_array_get(v, 0)))
		return json_field_bytes(json_array_get(v, 0), dst, cap);
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		const json_t *b = json_array_get(v, i);
		json_int_t x;

		if (!json_is_integer(b))
			return FIELD_ABSENT;
		x = json_integer_value(b);
		if (x < 0 || x > 255)
			return FIELD_ABSENT;
		dst[i] = (char)(unsigned char)x;
	}
	return n;
}

/* A small field (timestamp, priority, identifier) as a NUL-terminated string; false when
 * absent or longer than buf. */
static bool json_field_text(const json_t *obj, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(obj, key);
	size_t n;

	if (!v)
		return false;
	n = json_field_bytes(v, buf, size);
	if (n == FIELD_ABSENT || n >= size)
		return false;
	buf[n] = '\0';
	return true;
}

static bool json_field_u64(const json_t *obj, const char *key, uint64_t *ret)
{
	char buf[32];
	const char *p = buf, *end;

	if (!json_field_text(obj, key, buf, sizeof(buf)))
		return false;
	end = buf + strlen(buf);
	return take_uint(&p, end, 20, ret) && p == end;
}

static bool json_field_is(const json_t *obj, const char *key, const char *want)
{
	char buf[32];

	return json_field_text(obj, key, buf, sizeof(buf)) && strcmp(buf, want) == 0;
}

/* Parse the object at l->msg and write MESSAGE, then _HOSTNAME, decoded over those bytes: each
 * takes no more room decoded than its JSON spelling did, so both fit. */
static int json_decode(struct podoom_logline *l, char *dst)
{
	json_error_t err;
	json_t *root = json_loadb(l->msg, l->msg_len, JSON_ALLOW_NUL, &err);
	size_t cap = l->msg_len, n, hn;
	const json_t *msg;
	uint64_t u;
	bool kernel;
	int r;

	if (!root || !json_is_object(root)) {
		json_decref(root);
		l->transport = PODOOM_LOGLINE_RAW;
		return 0;
	}
	msg = json_object_get(root, "MESSAGE");
	if (!msg) {
		/* a journal record without MESSAGE is not shown by journalctl either */
		r = json_object_get(root, "__REALTIME_TIMESTAMP") ? 1 : 0;
		if (r == 0)
			l->transport = PODOOM_LOGLINE_RAW;
		json_decref(root);
		return r;
	}
	kernel = json_field_is(root, "_TRANSPORT", "kernel") ||
		 json_field_is(root, "SYSLOG_IDENTIFIER", "kernel");
	l->transport = PODOOM_LOGLINE_JOURNAL_JSON;
	if (json_field_u64(root, "__REALTIME_TIMESTAMP", &u) && u <= (uint64_t)INT64_MAX) {
		l->has_wall = true;
		l->wall_usec = (int64_t)u;
	}
	if (json_field_u64(root, "_SOURCE_MONOTONIC_TIMESTAMP", &u)) {
		l->has_mono = true;
		l->mono_usec = u;
	}
	if (json_field_u64(root, "PRIORITY", &u) && u <= 7)
		l->prio = (int)u;

	n = json_field_bytes(msg, dst, cap);
	if (n == FIELD_ABSENT) {
		n = 0;
		l->truncated = true;
	}
	hn = json_field_bytes(json_object_get(root, "_HOSTNAME"), dst + n, cap - n);
	if (hn != FIELD_ABSENT && hn > 0) {
		l->host = dst + n;
		l->host_len = hn;
	}
	l->msg = dst;
	l->msg_len = n;
	json_decref(root);
	return kernel ? 0 : 1;
}

int podoom_logline_decode(char *line, enum podoom_logline_decode how, struct podoom_logline *l)
{
	char *msg = line + (l->msg - line);

	switch (how) {
	case PODOOM_LOGLINE_DECODE_KMSG:
		l->msg_len = kmsg_unescape(msg, l->msg_len);
		return 0;
	case PODOOM_LOGLINE_DECODE_JSON:
		return json_decode(l, msg);
	default:
		return 0;
	}
}

int podoom_logline_parse_year(char *line, size_t len, enum podoom_logline_transport hint, int year,
			      struct podoom_logline *ret)
{
	enum podoom_logline_decode dec;
	struct podoom_logline l;
	int r;

	if (!line || !ret)
		return -EINVAL;
	if (len > PODOOM_LOGLINE_MAX_BYTES)
		return -E2BIG;
	if (year < 1 || year > 9999)
		return -EINVAL;
	r = podoom_logline_scan(line, len, hint, year, &l, &dec);
	if (r == 0 && dec != PODOOM_LOGLINE_DECODE_NONE)
		r = podoom_logline_decode(line, dec, &l);
	if (r != 0)
		return -ENOMSG;
	*ret = l;
	return 0;
}

int podoom_logline_parse(char *line, size_t len, enum podoom_logline_transport hint,
			 struct podoom_logline *ret)
{
	return podoom_logline_parse_year(line, len, hint, PODOOM_LOGLINE_YEAR_DEFAULT, ret);
}

int podoom_logline_kmsg_seq(const char *rec, size_t len, uint64_t *ret_seq)
{
	struct podoom_logline l;
	enum podoom_logline_decode dec = PODOOM_LOGLINE_DECODE_NONE;

	if (!rec || !ret_seq)
		return -EINVAL;
	if (len > PODOOM_LOGLINE_MAX_BYTES || match_kmsg(rec, rec + len, &l, &dec) < 0)
		return -EINVAL;
	*ret_seq = l.seq;
	return 0;
}
