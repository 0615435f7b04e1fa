/*
 * logline_internal.h - the two halves of podoom_logline_parse(), shared with
 * the reader (src/core only, not installed).
 *
 * podoom_logline_scan() classifies a line it may not write to, so the reader
 * can hand out lines straight from the caller's chunk. Only when it reports
 * that the message is encoded (a kmsg record holding a backslash, any journal
 * JSON line) does the reader copy the line into its own buffer and call
 * podoom_logline_decode() on that copy.
 */
#ifndef PODOOM_LOGLINE_INTERNAL_H
#define PODOOM_LOGLINE_INTERNAL_H

#include "podoom/logline.h"

enum podoom_logline_decode {
	PODOOM_LOGLINE_DECODE_NONE,
	PODOOM_LOGLINE_DECODE_KMSG, /* unescape "\xNN" in msg */
	PODOOM_LOGLINE_DECODE_JSON, /* parse the object; everything but transport is still unset */
	PODOOM_LOGLINE_DECODE_COUNT
};

/*
 * podoom_logline_init() - *l as a line of transport @t with message [msg, end) and nothing else
 * known. Field by field on purpose: gcc turns a struct literal into "rep stos", whose start-up
 * cost was a third of the time of a whole dmesg line, and a copy of a just-built local struct
 * stalls on store forwarding (perf, bench/logreader_throughput.c).
 */
static inline void podoom_logline_init(struct podoom_logline *l, enum podoom_logline_transport t,
				       const char *msg, const char *end)
{
	l->transport = t;
	l->msg = msg;
	l->msg_len = (size_t)(end - msg);
	l->host = NULL;
	l->host_len = 0;
	l->has_mono = false;
	l->mono_usec = 0;
	l->has_wall = false;
	l->wall_usec = 0;
	l->has_seq = false;
	l->seq = 0;
	l->prio = -1;
	l->kmsg_continued = false;
	l->truncated = false;
	l->line_no = 0;
	l->record_continued = false;
}

/*
 * podoom_logline_scan() - detect the transport and strip the prefix without writing to @line.
 * @len must be <= PODOOM_LOGLINE_MAX_BYTES; @year 1..9999.
 * Return: 0 for a kernel line, 1 for a record of another program (*ret is filled all the same, so
 * the reader can follow the record's continuation lines). *ret_decode says what is left to do.
 */
int podoom_logline_scan(const char *line, size_t len, enum podoom_logline_transport hint, int year,
			struct podoom_logline *ret, enum podoom_logline_decode *ret_decode);

/*
 * podoom_logline_decode() - finish what podoom_logline_scan() left, on a writable @line holding
 * the same bytes it scanned (*l must point into @line).
 * Return: 0 for a kernel line, 1 for a record of another program.
 */
int podoom_logline_decode(char *line, enum podoom_logline_decode how, struct podoom_logline *l);

#endif
