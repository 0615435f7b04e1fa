/*
 * logline - one kernel log line, whatever carried it.
 *
 * Kernel messages reach users through many transports: plain `dmesg`,
 * `dmesg -T`, `dmesg -r`, raw /dev/kmsg records (with continuation lines),
 * `journalctl -k` in its short, short-iso, short-precise and json outputs, and
 * syslog files (RFC 3164 "Mon DD HH:MM:SS host kernel: ...", RFC 3339). The
 * reader detects the transport per line and hands the report parser the
 * kernel's own message text with what the transport said about it.
 *
 * Pure: no I/O. The reader owns a bounded buffer; memory does not grow with
 * the input.
 */
#ifndef PODOOM_LOGLINE_H
#define PODOOM_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum podoom_logline_transport {
	PODOOM_LOGLINE_RAW,	      /* the message alone, no prefix */
	PODOOM_LOGLINE_DMESG,	      /* "[ 1234.567890] msg" (seconds since boot) */
	PODOOM_LOGLINE_DMESG_T,	      /* "[Thu Dec  7 00:05:15 2017] msg" (also dmesg --time-format=iso) */
	PODOOM_LOGLINE_DMESG_R,	      /* "<4>[ 1234.567890] msg" */
	PODOOM_LOGLINE_KMSG,	      /* "prio,seq,usec,flags;msg" (/dev/kmsg) */
	PODOOM_LOGLINE_KMSG_CONT,     /* " SUBSYSTEM=..." continuation of a kmsg record */
	PODOOM_LOGLINE_SYSLOG,	      /* "Mon DD HH:MM:SS host kernel: msg" (also journalctl short, a
					 missing host, and a bare "kernel: msg" without time) */
	PODOOM_LOGLINE_SYSLOG_ISO,    /* "2024-01-02T03:04:05+0000 host kernel: msg" (short-iso, RFC 3339) */
	PODOOM_LOGLINE_SYSLOG_PRECISE, /* "Mon DD HH:MM:SS.uuuuuu host kernel: msg" */
	PODOOM_LOGLINE_JOURNAL_JSON,  /* journalctl -o json: one object per line */
	/* added with the reader (appended, so the values above keep their numbers): */
	PODOOM_LOGLINE_JOURNAL_MONO,  /* journalctl -o short-monotonic: "[ 1234.567890] host kernel: msg" */
	PODOOM_LOGLINE_TALOS,	      /* talosctl dmesg: "[node: ]kern:    info: [2025-06-04T04:51:57.57Z]: msg" */
	PODOOM_LOGLINE_VMWARE,	      /* vmware.log guest console: "<ISO time> ... Guest: <6>[secs] msg" */
	PODOOM_LOGLINE_K8S_EVENT,     /* a node-problem-detector Event as kubectl prints it: "1 OOMKilling: msg" */
	PODOOM_LOGLINE_TRANSPORT_COUNT
};

/* One line as the report parser sees it. Pointers borrow the reader's buffer
 * and are valid until the next call into the reader. */
struct podoom_logline {
	enum podoom_logline_transport transport;
	const char *msg; /* the kernel's message, prefix stripped, no newline */
	size_t msg_len;
	const char *host; /* syslog/journal host name, or NULL */
	size_t host_len;
	/* time as the transport gave it: */
	bool has_mono;	       /* kernel monotonic time since boot */
	uint64_t mono_usec;
	bool has_wall;	       /* wall-clock time */
	int64_t wall_usec;     /* usec since the epoch, UTC; a syslog line has no year: see reader */
	bool has_seq;	       /* /dev/kmsg sequence number */
	uint64_t seq;
	int prio;	       /* syslog priority 0..7 when known, else -1 */
	bool kmsg_continued;   /* a kmsg record flagged 'c' (pr_cont fragment); 3.5..5.9 kernels
				  also flag the later fragments of a line '+' */
	bool truncated;	       /* the line was longer than the reader's cap and was cut */
	uint64_t line_no;      /* 1-based line number in the input */
	/* added with the reader: */
	bool record_continued; /* a further line of the previous line's record (a line dmesg or
				  journalctl indented to the message column, a "\x0a" inside a
				  /dev/kmsg record, a "\n" in a journal JSON MESSAGE); time, host,
				  seq and prio are the record's */
};

/* Largest line podoom_logline_parse() accepts and largest cap a reader takes. */
#define PODOOM_LOGLINE_MAX_BYTES ((size_t)64 << 20)

/* The year assumed for a year-less syslog or journalctl timestamp ("Jan  5 02:12:02") when the
 * caller gives none. Core code has no clock: the CLI passes the current year (or the log file's
 * modification year) instead. 1970 makes an unset year obvious in any output. */
#define PODOOM_LOGLINE_YEAR_DEFAULT 1970

/*
 * podoom_logline_parse() - detect the transport of one line and strip its prefix.
 * @line, @len: one line without its terminator. Not NUL-terminated; may hold NULs and invalid
 *	UTF-8. Rewritten in place only where the transport encodes the message: a /dev/kmsg
 *	record's "\xNN" escapes are decoded, and a journal JSON record's MESSAGE and _HOSTNAME are
 *	written decoded over the line's first bytes (never longer than their JSON spelling).
 * @hint: the previous line's transport (PODOOM_LOGLINE_RAW when unknown). It decides only
 *	whether a line starting with a space is a /dev/kmsg " KEY=value" continuation (hint
 *	KMSG or KMSG_CONT), and how a "[ 12.3] ..." line is read: after a dmesg line (hint
 *	DMESG) always as dmesg; otherwise "[ 12.3] host kernel: msg" is journalctl
 *	short-monotonic, and after such a line (hint JOURNAL_MONO) "[ 12.3] host prog[pid]: msg"
 *	is another program's record. Every other line is classified the same whatever the hint.
 * @ret: on success, the line. msg, host point into @line. A journal JSON MESSAGE or a kmsg record
 *	may hold '\n' (a multi-line record); the reader splits those, this function does not.
 *	line_no is 0, truncated is false except for a journal JSON MESSAGE that journalctl left out
 *	as too long (null). Times: wall_usec is UTC; a timestamp without a zone (syslog, dmesg -T,
 *	journalctl short) is the logging host's local time, read as if it were UTC. A syslog
 *	timestamp without a year gets PODOOM_LOGLINE_YEAR_DEFAULT (see podoom_logline_parse_year()).
 *	Anything unrecognised is PODOOM_LOGLINE_RAW with the whole line as msg (less any "> "
 *	quote markers of a pasted log, which are stripped before every transport).
 * Return: 0 with *ret set; -ENOMSG when the line is a syslog or journal record of another
 * program (not the kernel), *ret untouched; -E2BIG when @len > PODOOM_LOGLINE_MAX_BYTES;
 * -EINVAL on a NULL argument.
 */
int podoom_logline_parse(char *line, size_t len, enum podoom_logline_transport hint,
			 struct podoom_logline *ret);

/*
 * podoom_logline_parse_year() - podoom_logline_parse() with the year to give a year-less syslog or
 * journalctl timestamp (1..9999). Return: as podoom_logline_parse(); -EINVAL for a year out of
 * range. A "Feb 29" in a year that has none leaves has_wall false.
 */
int podoom_logline_parse_year(char *line, size_t len, enum podoom_logline_transport hint, int year,
			      struct podoom_logline *ret);

/*
 * podoom_logline_transport_to_string() - a stable lower-case name ("dmesg", "dmesg-T", "kmsg",
 * "journal-json", ...) for output and tests. Return: a static string; NULL for a value out of range.
 */
const char *podoom_logline_transport_to_string(enum podoom_logline_transport t);

/*
 * podoom_logline_kmsg_seq() - the sequence number of one raw /dev/kmsg record
 * ("prio,seq,usec,flags;msg", as one read() of /dev/kmsg returns it), read by
 * the same rules as podoom_logline_parse(). Borrows @rec; does not change it.
 * Return: 0 with *ret_seq set; -EINVAL when @rec is not a kmsg record.
 */
int podoom_logline_kmsg_seq(const char *rec, size_t len, uint64_t *ret_seq);

#endif
