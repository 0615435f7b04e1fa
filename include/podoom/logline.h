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
	PODOOM_LOGLINE_DMESG_T,	      /* "[Thu Dec  7 00:05:15 2017] msg" */
	PODOOM_LOGLINE_DMESG_R,	      /* "<4>[ 1234.567890] msg" */
	PODOOM_LOGLINE_KMSG,	      /* "prio,seq,usec,flags;msg" (/dev/kmsg) */
	PODOOM_LOGLINE_KMSG_CONT,     /* " SUBSYSTEM=..." continuation of a kmsg record */
	PODOOM_LOGLINE_SYSLOG,	      /* "Mon DD HH:MM:SS host kernel: msg" (also journalctl short) */
	PODOOM_LOGLINE_SYSLOG_ISO,    /* "2024-01-02T03:04:05+0000 host kernel: msg" (short-iso, RFC 3339) */
	PODOOM_LOGLINE_SYSLOG_PRECISE, /* "Mon DD HH:MM:SS.uuuuuu host kernel: msg" */
	PODOOM_LOGLINE_JOURNAL_JSON,  /* journalctl -o json: one object per line */
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
	bool kmsg_continued;   /* a kmsg record flagged 'c' (pr_cont fragment) */
	bool truncated;	       /* the line was longer than the reader's cap and was cut */
	uint64_t line_no;      /* 1-based line number in the input */
};

#endif
